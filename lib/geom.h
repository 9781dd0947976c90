/*
 * geom.h — the printed book's geometry, from its trim size, binding and
 * story page count: page and cover sizes, bleed, safety margin, the pixel
 * size of the illustrations, the padded page count and the spine width.
 *
 * The printer's rules (minimum page counts, the multiple pages are padded
 * to, the spine width table, the casewrap's wrap) are data in geom.c, taken
 * from Lulu's published figures (docs/print.md names each source).
 */
#ifndef STORYPRESS_GEOM_H
#define STORYPRESS_GEOM_H

#include "err.h"

#define GEOM_DPI 300
#define GEOM_BLEED_IN 0.125
#define GEOM_SAFETY_IN 0.5

struct geom {
    double trim_w_in, trim_h_in;
    double bleed_in, safety_in;
    double page_w_pt, page_h_pt; /* one interior page: trim + 2 × bleed, 72 pt/in */
    int art_w_px, art_h_px;      /* a full-bleed illustration at GEOM_DPI */
    int content_pages;           /* pages the renderer fills, before padding */
    int interior_pages;          /* all interior pages, padded as the binding needs */
    double spine_in;             /* 0 when the binding has none to speak of */
    /* The cover spread: back, spine and front with the bleed around them,
     * what the reader sees once trimmed (plus the bleed). */
    double cover_w_pt, cover_h_pt;
    /* Casewrap: the turn-in printed beyond the bleed on every edge of the
     * spread and folded round the boards (0.75 in); 0 for a paperback. */
    double wrap_in;
    /* The cover as printed: the spread plus the wrap on every edge.  The
     * page size of cover.pdf, and what Lulu's /cover-dimensions/ answers. */
    double sheet_w_pt, sheet_h_pt;
    int spine_text;              /* 1 when the spine is wide enough for text */
};

/* trim: "8.5x8.5", "8x10", "6x9"; binding: "hardcover", "paperback";
 * content_pages: the interior pages the layout fills (front matter, story,
 * end matter) before padding.  The art size does not depend on it. */
int geom_compute(const char *trim, const char *binding, int content_pages, struct geom *g,
                 struct err *e);

#endif
