/*
 * art.h — illustrations: one per story page and one for the cover, written
 * into the order's art/ folder as cover.jpg and page-01.jpg, page-02.jpg...
 * at the pixel size geom_compute() gives for the book's trim (300 dpi with
 * bleed), as baseline JPEG so the pdf stage embeds the bytes as they are.
 */
#ifndef STORYPRESS_ART_H
#define STORYPRESS_ART_H

#include <cairo.h>
#include <jansson.h>

#include "config.h"
#include "err.h"

struct db;

/* The character as the order describes it, resolved once per book so every
 * page draws the same child. */
struct art_character {
    const char *name;
    const char *pronouns;
    const char *hair_colour, *hair_style, *skin_tone, *eye_colour;
    const char *top_colour, *bottom_colour; /* clothes, from the order or chosen by seed */
    int glasses;
    int age;
};

void art_character_from_order(const json_t *order, struct art_character *c);

/* The built-in illustrator: draws one scene (a story.json scene object) with
 * the child into a new w × h image surface in the given style, seeded so the
 * same input gives the same picture. */
cairo_surface_t *art_builtin_draw(const struct art_character *c, const json_t *scene,
                                  const char *style, int w, int h, unsigned seed,
                                  struct err *e);

/* The illustrator's word to the renderer, in the pictures' folder: for
 * each picture ("cover.jpg", "page-01.jpg", ...) the band, as fractions of
 * its height from the top, that it kept free of the child and companions
 * for the text: {"version": 1, "pages": {"page-01.jpg": {"text_band":
 * {"top": 0.72, "bottom": 1}}}}.  The built-in illustrator writes it; a
 * picture it does not name (remote art) gets the renderer's default band.
 * See docs/pdf.md, "The text band". */
#define ART_LAYOUT_FILE "layout.json"

/* The same picture (the cover's layout when cover), and what it placed:
 * appends to the JSON array placed one {"name", "as", "box": [x0, y0, x1,
 * y1]} per companion and object of the scene drawn ("as": companion,
 * object, worn, held; and the child itself, "as": child), the box in
 * pixels.  What the scene names and is not in placed was not drawn.  placed
 * may be NULL.  *band_top, when band_top is not NULL, receives the fraction
 * of the picture's height below which no figure (the child, a companion) is
 * drawn: the pdf stage sets the text there (docs/pdf.md, "The text band"). */
cairo_surface_t *art_builtin_draw_report(const struct art_character *c, const json_t *scene,
                                         const char *style, int w, int h, unsigned seed,
                                         int cover, json_t *placed, double *band_top,
                                         struct err *e);

/* Writes surface as a baseline JPEG (libjpeg), atomically. */
int art_write_jpeg(cairo_surface_t *s, const char *path, int quality, struct err *e);

/* The art daemon's stop request: once *flag is non-zero, art_draw_book()
 * starts no new picture and fails with ERR_TRANSIENT (pictures finished are
 * kept; requests already paid for at a remote provider are waited for, so
 * none is paid twice).  NULL: never stop early. */
void art_set_stop_flag(volatile int *flag);

/* 1 once the stop flag is up. */
int art_stopping(void);

/* Draws every picture of the book into dir (the order's art/ folder) with
 * the configured provider (art_provider).  Pictures already there and
 * complete are kept (a retried order does not pay twice).  The built-in
 * illustrator also writes dir/placed.json: for the cover and each page in
 * turn, what art_builtin_draw_report() placed (null: a picture kept). */
int art_draw_book(const struct config *cfg, struct db *db, const json_t *order,
                  const json_t *story, const char *dir, struct err *e);

/* The OpenAI-compatible illustrator (art_openai.c): one image request per
 * missing picture, up to openai_max_in_flight at once, each call recorded in
 * api_calls when db is set. */
int art_openai_draw_book(const struct config *cfg, struct db *db, const json_t *order,
                         const json_t *story, const char *dir, struct err *e);

/* One book of a batch for art_openai_draw_books(): set order, story and dir;
 * rc receives 0, or -1 when the book failed (its error in errs); warnings
 * receives, when there are any, a JSON array of strings the caller owns
 * (json_decref): pages kept although their check failed. */
struct art_book {
    const json_t *order, *story;
    const char *dir;
    int rc;
    json_t *warnings;
};

/* Several books at once: the pictures of all n books share one libcurl
 * multi loop, one openai_max_in_flight limit and the host-wide rate.  A
 * book's failure (permanent or transient) stops only that book's pictures
 * not yet started; the others go on.  errs[i] (n of them) says why book i
 * failed.  Returns 0 when every book is complete, else -1. */
int art_openai_draw_books(const struct config *cfg, struct db *db, struct art_book *books,
                          size_t n, struct err *errs);

/* Its prompt, in three parts: the child (from the order, the same words on
 * every page), the style (book.style) and a story.json scene — exposed for
 * the tests.  Fresh strings (g_free) but for the style. */
char *art_openai_character(const json_t *order);
const char *art_openai_style(const char *style);
char *art_openai_prompt(const char *character, const char *style, const json_t *scene);

/* The prompt asked once more after the provider's moderation blocked it:
 * no free-text description, a gentle scene (g_free). */
char *art_openai_prompt_soft(const char *character, const char *style, const json_t *scene);

/* The character sheet's prompt: of the child, or of companion (a word of
 * the story's vocabulary) when not NULL (g_free). */
char *art_openai_sheet_prompt(const char *character, const char *style, const char *companion);

#endif
