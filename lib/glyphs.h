/*
 * glyphs.h — can this text be printed with the book's fonts?
 *
 * The renderer (render_text.c) sets every text in the configured font
 * family, fontconfig falling back to any installed font for characters the
 * family lacks; a character no font has would print as a box, so the pdf
 * stage fails the book.  The incoming stage asks the same question of the
 * order's printed fields before any story is written or picture paid for.
 */
#ifndef STORYPRESS_GLYPHS_H
#define STORYPRESS_GLYPHS_H

#include "err.h"

struct glyphs;

/* A checker for the font family (config "font"), with a private font map
 * set up as the renderer's is. */
struct glyphs *glyphs_open(const char *family, struct err *e);
void glyphs_close(struct glyphs *g);

/* The characters of text (UTF-8) that no installed font can set, in the
 * order they first appear, written "U+1F995, U+1F996" (at most
 * GLYPHS_LIST_MAX, then "and N more"): a fresh string (free()), or NULL
 * when every character has a glyph. */
#define GLYPHS_LIST_MAX 10
char *glyphs_missing(struct glyphs *g, const char *text);

/* The refusal a person reads when text cannot be printed ("cannot be
 * printed: no installed font has a glyph for U+1F995 (the book's font is
 * …)"): a fresh string (free()), or NULL when every character has a glyph.
 * The incoming stage and a proof's redo say the same. */
char *glyphs_unprintable(struct glyphs *g, const char *text);

/* The family the checker was opened for. */
const char *glyphs_family(const struct glyphs *g);

#endif
