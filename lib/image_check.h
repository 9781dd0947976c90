/*
 * image_check.h — pictures from a remote provider are untrusted input: this
 * module reads a JPEG's or PNG's header without decoding it, refuses sizes
 * above the configured bounds before a byte of pixels is allocated, and
 * decodes what passes strictly (a libjpeg warning — truncated data, a
 * corrupt segment — is an error here; a libpng error is too), into packed
 * 8-bit RGB that the upscaler (upscale.h) takes as it is.
 */
#ifndef STORYPRESS_IMAGE_CHECK_H
#define STORYPRESS_IMAGE_CHECK_H

#include <stddef.h>

#include "err.h"

enum imgchk_type { IMGCHK_JPEG = 1, IMGCHK_PNG };

/* What the header says, nothing decoded. */
struct imgchk_info {
    enum imgchk_type type;
    int w, h;
    int baseline; /* JPEG: SOF0/SOF1 (a file the pdf stage embeds as it is) */
};

/* The bounds an answer must keep (art_max_image_px, art_max_image_mb). */
struct imgchk_limits {
    long max_side;  /* pixels, either side */
    long max_bytes; /* the decoded picture, at 4 bytes a pixel */
};

/* The type and size from the first bytes of d (a JPEG's frame header, a
 * PNG's IHDR).  0, or -1 with e set (ERR_TRANSIENT: not a picture we read). */
int imgchk_header(const unsigned char *d, size_t n, struct imgchk_info *info, struct err *e);

/* 0 when info keeps the limits; -1 with a message naming both sizes
 * (ERR_PERMANENT: the provider answers pictures we will not decode). */
int imgchk_bounds(const struct imgchk_info *info, const struct imgchk_limits *lim,
                  struct err *e);

/* header + bounds + a strict decode into a new packed RGB buffer (w * h * 3
 * bytes, free()); an alpha channel is composited over white.  NULL with e
 * set: ERR_TRANSIENT for a picture that is damaged (truncated, corrupt),
 * ERR_PERMANENT for one above the limits. */
unsigned char *imgchk_decode_rgb(const unsigned char *d, size_t n,
                                 const struct imgchk_limits *lim, struct imgchk_info *info,
                                 struct err *e);

#endif
