/*
 * upscale.c — scaling a picture to cover the page (upscale.h), with libvips.
 *
 * cairo's filters are bilinear at best (CAIRO_FILTER_GOOD/BEST are a box
 * or bilinear when enlarging), which prints a 2.5× upscale visibly soft and
 * stair-stepped; libvips is a library made for resampling.  vips_resize
 * with the lanczos3 kernel: when shrinking that is a Lanczos-3 reduction;
 * when enlarging, libvips 8.14 resamples with its bicubic (Catmull-Rom)
 * interpolator, which is what it chooses for every kernel above linear.
 *
 * libvips keeps a cache of operations for a program that works on many
 * images at once; the art daemon holds one picture at a time, so the cache
 * is off (nothing stays after upscale_cover() returns) and libvips works
 * with its own threads only inside the call.  Its SIMD code generator
 * (orc) is off too: see upscale_init_once().
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>
#include <vips/vector.h> /* not in vips.h: vips_vector_set_enabled() */

#include "upscale.h"

static gpointer
upscale_init_once(gpointer arg)
{
    (void)arg;
    if (VIPS_INIT("storypress") != 0)
        return GINT_TO_POINTER(-1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    /* No run-time code generation (liborc): the units run with
     * MemoryDenyWriteExecute=yes, where orc's executable pages are refused. */
    vips_vector_set_enabled(FALSE);
    return GINT_TO_POINTER(1);
}

double
upscale_factor(int iw, int ih, int w, int h)
{
    return fmax((double)w / iw, (double)h / ih);
}

/* libvips' last error, one line. */
static void
upscale_vips_err(struct err *e, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s", vips_error_buffer());
    vips_error_clear();
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    err_set(e, ERR_TRANSIENT, "upscaling: %s: %s", what, msg);
}

cairo_surface_t *
upscale_cover(const unsigned char *rgb, int iw, int ih, int w, int h, struct err *e)
{
    static GOnce once = G_ONCE_INIT;
    if (GPOINTER_TO_INT(g_once(&once, upscale_init_once, NULL)) < 0) {
        err_set(e, ERR_TRANSIENT, "upscaling: libvips cannot start");
        return NULL;
    }
    double f = upscale_factor(iw, ih, w, h);
    VipsImage *in = vips_image_new_from_memory(rgb, (size_t)iw * (size_t)ih * 3, iw, ih, 3,
                                               VIPS_FORMAT_UCHAR);
    if (!in) {
        upscale_vips_err(e, "reading the picture");
        return NULL;
    }
    VipsImage *big = NULL, *cut = NULL;
    /* The factor is rounded up a hair so that both sides reach the page
     * after libvips rounds the output size. */
    if (vips_resize(in, &big, f * (1 + 1e-6), "kernel", VIPS_KERNEL_LANCZOS3, NULL) != 0) {
        g_object_unref(in);
        upscale_vips_err(e, "vips_resize");
        return NULL;
    }
    g_object_unref(in);
    int bw = vips_image_get_width(big), bh = vips_image_get_height(big);
    if (bw < w || bh < h) {
        g_object_unref(big);
        err_set(e, ERR_TRANSIENT, "upscaling: %d×%d came out %d×%d, short of %d×%d", iw, ih,
                bw, bh, w, h);
        return NULL;
    }
    if (vips_extract_area(big, &cut, (bw - w) / 2, (bh - h) / 2, w, h, NULL) != 0) {
        g_object_unref(big);
        upscale_vips_err(e, "cropping");
        return NULL;
    }
    g_object_unref(big);
    size_t len = 0;
    unsigned char *out = vips_image_write_to_memory(cut, &len);
    g_object_unref(cut);
    if (!out || len != (size_t)w * (size_t)h * 3) {
        g_free(out);
        upscale_vips_err(e, "writing the picture");
        return NULL;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        g_free(out);
        err_set(e, ERR_TRANSIENT, "upscaling: out of memory for %d×%d", w, h);
        return NULL;
    }
    cairo_surface_flush(s);
    unsigned char *dst = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(dst + (size_t)y * (size_t)stride);
        const unsigned char *src = out + (size_t)y * (size_t)w * 3;
        for (int x = 0; x < w; x++, src += 3)
            row[x] = (uint32_t)src[0] << 16 | (uint32_t)src[1] << 8 | src[2];
    }
    cairo_surface_mark_dirty(s);
    g_free(out);
    return s;
}
