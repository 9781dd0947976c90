/*
 * render.h — the print-ready PDFs: interior.pdf and cover.pdf from
 * story.json and art/, with cairo and pango, to the geometry of geom.h.
 */
#ifndef STORYPRESS_RENDER_H
#define STORYPRESS_RENDER_H

#include <jansson.h>

#include "config.h"
#include "err.h"

/* Renders dir/interior.pdf and dir/cover.pdf (written under temporary names
 * and renamed into place) for the order whose folder is dir.  A missing
 * glyph, a text that cannot fit at min_font_size, an illustration of the
 * wrong size: ERR_PERMANENT with the reason. */
int render_book(const struct config *cfg, const json_t *order, const json_t *story,
                const char *dir, struct err *e);

#endif
