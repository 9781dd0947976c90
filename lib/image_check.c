/*
 * image_check.c — the untrusted picture's way in (image_check.h).
 *
 * Why our own header read first: libjpeg and libpng allocate for the size a
 * header claims.  A 751-byte JPEG that claims 30000 × 30000 made the art
 * daemon allocate 3.5 GB before a single scanline was found missing; a
 * 20000 × 20000 PNG of flat colour is well under a megabyte.  So the size is
 * read from the header bytes (JPEG: the SOFn segment, walking the markers
 * before it; PNG: IHDR, which must be the first chunk) and judged before
 * either library sees the data.
 *
 * Why warnings are errors: libjpeg reports a truncated file as a warning
 * (JWRN_JPEG_EOF) and fills the rest of the picture with grey; a corrupt
 * segment is a warning too (JWRN_HIT_MARKER...).  A picture for a printed
 * book that is half grey is not a picture: emit_message turns every
 * warning into the error exit.  libpng's simplified API reports damage
 * (a bad CRC, missing data) as an error, which is refused the same way.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h and stddef.h, which it needs */
#include <png.h>

#include "image_check.h"

static int
imgchk_jpeg_header(const unsigned char *d, size_t n, struct imgchk_info *info)
{
    size_t pos = 2;
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF)
            return -1;
        int m = d[pos + 1];
        if (m == 0xFF) {
            pos++;
            continue;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            pos += 2;
            continue;
        }
        if (m == 0xD9 || m == 0xDA)
            return -1; /* image data before any frame header */
        size_t len = ((size_t)d[pos + 2] << 8) | d[pos + 3];
        if (len < 2 || pos + 2 + len > n)
            return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 8)
                return -1;
            info->h = (d[pos + 5] << 8) | d[pos + 6];
            info->w = (d[pos + 7] << 8) | d[pos + 8];
            info->baseline = m == 0xC0 || m == 0xC1;
            info->type = IMGCHK_JPEG;
            return 0;
        }
        pos += 2 + len;
    }
    return -1;
}

static uint32_t
imgchk_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
imgchk_header(const unsigned char *d, size_t n, struct imgchk_info *info, struct err *e)
{
    memset(info, 0, sizeof *info);
    if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
        if (imgchk_jpeg_header(d, n, info) < 0)
            return err_set(e, ERR_TRANSIENT, "a JPEG without a readable frame header (%zu bytes)",
                           n);
    } else if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        /* The first chunk: length 13, "IHDR", width, height (PNG spec 11.2.2). */
        if (n < 33 || imgchk_be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
            return err_set(e, ERR_TRANSIENT, "a PNG whose first chunk is not IHDR");
        uint32_t w = imgchk_be32(d + 16), h = imgchk_be32(d + 20);
        if (w > INT32_MAX || h > INT32_MAX)
            return err_set(e, ERR_PERMANENT, "a PNG claiming %u×%u pixels", w, h);
        info->w = (int)w;
        info->h = (int)h;
        info->type = IMGCHK_PNG;
    } else {
        return err_set(e, ERR_TRANSIENT, "neither a JPEG nor a PNG (%zu bytes)", n);
    }
    if (info->w <= 0 || info->h <= 0)
        return err_set(e, ERR_TRANSIENT, "a %s of %d×%d pixels", info->type == IMGCHK_PNG ? "PNG" : "JPEG",
                       info->w, info->h);
    return 0;
}

int
imgchk_bounds(const struct imgchk_info *info, const struct imgchk_limits *lim, struct err *e)
{
    const char *t = info->type == IMGCHK_PNG ? "PNG" : "JPEG";
    if (info->w > lim->max_side || info->h > lim->max_side)
        return err_set(e, ERR_PERMANENT,
                       "the %s claims %d×%d pixels, above the %ld×%ld accepted "
                       "(art_max_image_px); not decoded",
                       t, info->w, info->h, lim->max_side, lim->max_side);
    double bytes = (double)info->w * (double)info->h * 4.0;
    if (bytes > (double)lim->max_bytes)
        return err_set(e, ERR_PERMANENT,
                       "the %s of %d×%d pixels would take %.0f MB decoded, above the %ld MB "
                       "accepted (art_max_image_mb); not decoded",
                       t, info->w, info->h, bytes / 1048576.0, lim->max_bytes >> 20);
    return 0;
}

/* ---- JPEG ---- */

struct imgchk_jerr {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
};

static void
imgchk_jpeg_fail(j_common_ptr ci)
{
    struct imgchk_jerr *je = (struct imgchk_jerr *)ci->err;
    ci->err->format_message(ci, je->msg);
    longjmp(je->jump, 1);
}

/* Level -1 is a warning: corrupt or missing data.  Refused (see the top). */
static void
imgchk_jpeg_message(j_common_ptr ci, int level)
{
    if (level < 0)
        imgchk_jpeg_fail(ci);
}

static unsigned char *
imgchk_jpeg_decode(const unsigned char *d, size_t n, const struct imgchk_limits *lim,
                   struct err *e)
{
    struct jpeg_decompress_struct ci;
    struct imgchk_jerr je;
    unsigned char *volatile px = NULL;
    memset(&ci, 0, sizeof ci);
    ci.err = jpeg_std_error(&je.mgr);
    je.mgr.error_exit = imgchk_jpeg_fail;
    je.mgr.emit_message = imgchk_jpeg_message;
    je.msg[0] = 0;
    if (setjmp(je.jump)) {
        jpeg_destroy_decompress(&ci);
        free(px);
        err_set(e, ERR_TRANSIENT, "the JPEG is damaged: %s", je.msg);
        return NULL;
    }
    jpeg_create_decompress(&ci);
    /* libjpeg's own working memory (a progressive file's coefficients). */
    ci.mem->max_memory_to_use = lim->max_bytes;
    jpeg_mem_src(&ci, d, (unsigned long)n);
    jpeg_read_header(&ci, TRUE);
    struct imgchk_info in = {IMGCHK_JPEG, (int)ci.image_width, (int)ci.image_height, 0};
    if (imgchk_bounds(&in, lim, e) < 0) { /* libjpeg's reading, not ours, is what counts */
        jpeg_destroy_decompress(&ci);
        return NULL;
    }
    ci.out_color_space = JCS_RGB;
    jpeg_start_decompress(&ci);
    if (ci.output_components != 3) {
        snprintf(je.msg, sizeof je.msg, "%d colour components", ci.output_components);
        longjmp(je.jump, 1);
    }
    size_t stride = (size_t)ci.output_width * 3;
    px = malloc(stride * ci.output_height);
    if (!px) {
        snprintf(je.msg, sizeof je.msg, "out of memory");
        longjmp(je.jump, 1);
    }
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = px + (size_t)ci.output_scanline * stride;
        if (jpeg_read_scanlines(&ci, &row, 1) != 1) {
            snprintf(je.msg, sizeof je.msg, "data ends at line %u", ci.output_scanline);
            longjmp(je.jump, 1);
        }
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    return px;
}

/* ---- PNG ---- */

static unsigned char *
imgchk_png_decode(const unsigned char *d, size_t n, struct err *e)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&im, d, n)) {
        err_set(e, ERR_TRANSIENT, "the PNG is damaged: %s", im.message);
        png_image_free(&im);
        return NULL;
    }
    im.format = PNG_FORMAT_RGB; /* alpha composited over the background below */
    size_t size = PNG_IMAGE_SIZE(im);
    unsigned char *px = malloc(size);
    if (!px) {
        png_image_free(&im);
        err_set(e, ERR_TRANSIENT, "PNG: out of memory");
        return NULL;
    }
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&im, &white, px, 0, NULL) || PNG_IMAGE_FAILED(im)) {
        err_set(e, ERR_TRANSIENT, "the PNG is damaged: %s", im.message);
        png_image_free(&im);
        free(px);
        return NULL;
    }
    png_image_free(&im);
    return px;
}

unsigned char *
imgchk_decode_rgb(const unsigned char *d, size_t n, const struct imgchk_limits *lim,
                  struct imgchk_info *info, struct err *e)
{
    if (imgchk_header(d, n, info, e) < 0 || imgchk_bounds(info, lim, e) < 0)
        return NULL;
    if (info->type == IMGCHK_JPEG)
        return imgchk_jpeg_decode(d, n, lim, e);
    return imgchk_png_decode(d, n, e);
}
