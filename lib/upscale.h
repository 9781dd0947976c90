/*
 * upscale.h — a remote picture made the page's size: scaled with libvips
 * (vips_resize, kernel lanczos3) so that it covers w × h, centred, the
 * overflow of another aspect cropped; the answer models give (1024 or
 * 1536 px) becomes the 300 dpi page (1875 × 2775, 2625 × 2625...).
 */
#ifndef STORYPRESS_UPSCALE_H
#define STORYPRESS_UPSCALE_H

#include <cairo.h>

#include "err.h"

/* The factor by which a iw × ih picture is scaled to cover w × h. */
double upscale_factor(int iw, int ih, int w, int h);

/* rgb: packed 8-bit RGB, iw × ih.  Returns a new RGB24 cairo surface of
 * w × h, or NULL with e set (ERR_TRANSIENT: libvips failed, out of memory). */
cairo_surface_t *upscale_cover(const unsigned char *rgb, int iw, int ih, int w, int h,
                               struct err *e);

#endif
