/*
 * render_priv.h — what the parts of the renderer share (render.c composes
 * the pages; render_text.c fits and checks text with pango; render_jpeg.c
 * reads illustrations and hands cairo their JPEG bytes untouched).
 * Not a public contract: only lib/render*.c include it.
 */
#ifndef STORYPRESS_RENDER_PRIV_H
#define STORYPRESS_RENDER_PRIV_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>

#include "err.h"

/* ---- render_jpeg.c ---- */

/* Largest illustration file accepted, bytes (an 8x10 page at quality 100
 * stays well below this). */
#define RENDER_JPEG_MAX_BYTES (64u * 1024 * 1024)

struct render_jpeg_info {
    int width, height;
    int components; /* 1 grey, 3 YCbCr (sRGB) */
    int progressive;
};

/* Reads the frame header of the JPEG in d[0..n): refuses what a PDF cannot
 * carry as is (arithmetic coding, lossless, 12-bit, CMYK) and truncated
 * files.  name is the file's name for the message. */
int render_jpeg_parse(const unsigned char *d, size_t n, const char *name,
                      struct render_jpeg_info *info, struct err *e);

/* Loads dir/name as a cairo surface of exactly want_w × want_h pixels whose
 * JPEG bytes cairo embeds in the PDF without decoding them.  The surface
 * holds no pixels (an empty recording surface of that size: see
 * render_jpeg.c), so memory does not depend on the picture's size.  NULL
 * with e set when the file is missing, not a usable JPEG or of the wrong
 * size. */
cairo_surface_t *render_jpeg_load(const char *dir, const char *name, int want_w,
                                  int want_h, struct err *e);

/* ---- render_text.c ---- */

/* The fonts of one book: a private font map at 72 dpi with hinting off, so
 * that a point is a unit of the PDF and the layout is the same at any scale. */
struct render_text {
    PangoFontMap *map;
    PangoContext *ctx;
    const char *family;   /* the book's font (config "font") */
    const char *language; /* "en", "fr": line breaking and hyphens */
    const char *child;    /* the child's name, to word missing-glyph errors */
};

int render_text_init(struct render_text *rt, const char *family, const char *language,
                     const char *child, struct err *e);
void render_text_fini(struct render_text *rt);

struct render_style {
    int bold, italic;
    double size, min_size; /* start at size, shrink by half points down to min_size */
    double spacing;        /* line spacing factor (pango's line-spacing) */
    int balance;           /* lines of even length (titles, centred text) */
    PangoAlignment align;
};

/* Lays text out in a box box_w wide and at most box_h high, at the largest
 * size from st->size down to st->min_size that fits without overflowing or
 * breaking a word, and checks that every character has a glyph.  what names
 * the place for the error ("page 7").  The caller unrefs the layout. */
PangoLayout *render_text_fit(struct render_text *rt, const char *text,
                             const struct render_style *st, double box_w, double box_h,
                             const char *what, struct err *e);

/* The size render_text_fit chose for a layout. */
double render_text_size(PangoLayout *layout);

/* Logical size of a laid-out text in points. */
void render_text_extent(PangoLayout *layout, double *w, double *h);

/* Draws layout in the box it was fitted to, whose top left corner is at
 * (x, y) in cr's user space. */
void render_text_draw(cairo_t *cr, PangoLayout *layout, double x, double y);

#endif
