/*
 * test_image_check.c — an image answer as the art stage meets it
 * (image_check.h, upscale.h, the remote prompts of art.h): sizes read from
 * the header without decoding, lies about the size refused before a pixel
 * is allocated, truncated and corrupt pictures refused rather than stored
 * half grey, the upscaler's output of the page's size with the picture's
 * colours, and the softened and sheet prompts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cairo.h>
#include <glib.h>
#include <jansson.h>

#include "art.h"
#include "image_check.h"
#include "upscale.h"

static const struct imgchk_limits lim = {2048, 32L << 20};

/* A w × h picture of one colour with a stripe, as PNG bytes. */
static cairo_status_t
png_cb(void *arg, const unsigned char *d, unsigned int n)
{
    g_byte_array_append(arg, d, n);
    return CAIRO_STATUS_SUCCESS;
}

static GByteArray *
make_png(int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.8, 0.2, 0.1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.1, 0.3, 0.9);
    cairo_rectangle(cr, 0, h / 2.0, w, h / 8.0);
    cairo_fill(cr);
    cairo_destroy(cr);
    GByteArray *b = g_byte_array_new();
    assert_int_equal(cairo_surface_write_to_png_stream(s, png_cb, b), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return b;
}

/* The same picture as a baseline JPEG file's bytes (the art stage's writer). */
static char *
make_jpeg(int w, int h, size_t *n)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 8; i++) {
        cairo_set_source_rgb(cr, i / 8.0, 0.5, 1 - i / 8.0);
        cairo_rectangle(cr, 0, i * h / 8.0, w, h / 8.0);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    char path[] = "/tmp/test_image_check.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct err e = {0};
    assert_int_equal(art_write_jpeg(s, path, 90, &e), 0);
    cairo_surface_destroy(s);
    char *buf = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &buf, &len, NULL));
    unlink(path);
    close(fd);
    *n = len;
    return buf;
}

static void
test_header_sizes(void **state)
{
    (void)state;
    GByteArray *png = make_png(300, 200);
    struct imgchk_info info;
    struct err e = {0};
    assert_int_equal(imgchk_header(png->data, png->len, &info, &e), 0);
    assert_int_equal(info.type, IMGCHK_PNG);
    assert_int_equal(info.w, 300);
    assert_int_equal(info.h, 200);
    g_byte_array_unref(png);
    size_t n;
    char *jpg = make_jpeg(320, 240, &n);
    assert_int_equal(imgchk_header((unsigned char *)jpg, n, &info, &e), 0);
    assert_int_equal(info.type, IMGCHK_JPEG);
    assert_int_equal(info.w, 320);
    assert_int_equal(info.h, 240);
    assert_true(info.baseline);
    g_free(jpg);
    assert_int_equal(imgchk_header((const unsigned char *)"GIF89a....", 10, &info, &e), -1);
    assert_non_null(strstr(e.msg, "neither a JPEG nor a PNG"));
}

static void
test_lying_headers_refused(void **state)
{
    (void)state;
    /* A PNG claiming 20000 × 20000 whose data is nothing: refused from
     * IHDR alone, never decoded. */
    unsigned char png[64] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
    png[16] = 0, png[17] = 0, png[18] = 0x4e, png[19] = 0x20; /* 20000 */
    png[20] = 0, png[21] = 0, png[22] = 0x4e, png[23] = 0x20;
    png[24] = 8, png[25] = 2;
    struct imgchk_info info;
    struct err e = {0};
    assert_null(imgchk_decode_rgb(png, sizeof png, &lim, &info, &e));
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_string_equal(e.msg, "the PNG claims 20000×20000 pixels, above the 2048×2048 accepted "
                               "(art_max_image_px); not decoded");
    /* A JPEG whose frame header claims 30000 × 30000. */
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x75, 0x30,
                                        0x75, 0x30, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
                                        0x03, 0x11, 0x01, 0xFF, 0xD9};
    assert_null(imgchk_decode_rgb(jpg, sizeof jpg, &lim, &info, &e));
    assert_non_null(strstr(e.msg, "the JPEG claims 30000×30000 pixels"));
    /* Within the side but not the memory bound. */
    struct imgchk_limits small = {2048, 1L << 20};
    GByteArray *p = make_png(1024, 1024);
    assert_null(imgchk_decode_rgb(p->data, p->len, &small, &info, &e));
    assert_string_equal(e.msg, "the PNG of 1024×1024 pixels would take 4 MB decoded, above the 1 "
                               "MB accepted (art_max_image_mb); not decoded");
    g_byte_array_unref(p);
}

static void
test_damage_refused(void **state)
{
    (void)state;
    size_t n;
    char *jpg = make_jpeg(400, 600, &n);
    struct imgchk_info info;
    struct err e = {0};
    unsigned char *rgb = imgchk_decode_rgb((unsigned char *)jpg, n, &lim, &info, &e);
    assert_non_null(rgb); /* whole: decodes */
    free(rgb);
    rgb = imgchk_decode_rgb((unsigned char *)jpg, n / 2, &lim, &info, &e); /* cut in half */
    assert_null(rgb);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_non_null(strstr(e.msg, "the JPEG is damaged: Premature end of JPEG file"));
    /* Garbage in the middle of the entropy-coded data: a marker where none belongs. */
    memset(jpg + n / 2, 0xFF, 4);
    jpg[n / 2 + 4] = 0xD3;
    e.msg[0] = 0;
    rgb = imgchk_decode_rgb((unsigned char *)jpg, n, &lim, &info, &e);
    assert_null(rgb);
    assert_non_null(strstr(e.msg, "the JPEG is damaged"));
    g_free(jpg);

    GByteArray *png = make_png(500, 500);
    png->data[png->len / 2] ^= 0x55; /* IDAT's CRC no longer matches */
    assert_null(imgchk_decode_rgb(png->data, png->len, &lim, &info, &e));
    assert_non_null(strstr(e.msg, "the PNG is damaged"));
    g_byte_array_unref(png);
}

static void
test_upscale_cover(void **state)
{
    (void)state;
    GByteArray *png = make_png(1024, 1536);
    struct imgchk_info info;
    struct err e = {0};
    unsigned char *rgb = imgchk_decode_rgb(png->data, png->len, &lim, &info, &e);
    assert_non_null(rgb);
    g_byte_array_unref(png);
    cairo_surface_t *s = upscale_cover(rgb, 1024, 1536, 1875, 2775, &e);
    free(rgb);
    assert_non_null(s);
    assert_int_equal(cairo_image_surface_get_width(s), 1875);
    assert_int_equal(cairo_image_surface_get_height(s), 2775);
    /* The picture's colours where they were: red at the top, the blue
     * stripe at 9/16 of the height. */
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t top = ((uint32_t *)(void *)(d + 100 * stride))[900];
    uint32_t band = ((uint32_t *)(void *)(d + (size_t)(2775 * 9 / 16) * stride))[900];
    assert_in_range((top >> 16) & 0xFF, 190, 220);
    assert_in_range(top & 0xFF, 10, 40);
    assert_in_range(band & 0xFF, 215, 240);
    cairo_surface_destroy(s);
    assert_true(fabs(upscale_factor(1024, 1024, 2625, 2625) - 2.5634765625) < 1e-9);
}

static void
test_remote_prompts(void **state)
{
    (void)state;
    json_t *scene = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[]}", "description",
                              "Maya fights the dragon with a sword", "setting", "castle",
                              "time_of_day", "night", "weather", "stormy", "action", "running",
                              "mood", "brave", "companions", "dragon", "objects");
    char *soft = art_openai_prompt_soft("a 5-year-old girl", "A watercolour.", scene);
    assert_null(strstr(soft, "sword"));
    assert_non_null(strstr(soft, "a 5-year-old girl"));
    assert_non_null(strstr(soft, "castle"));
    assert_non_null(strstr(soft, "gentle, wholesome"));
    assert_non_null(json_object_get(scene, "description")); /* the story's own is kept */
    char *plain = art_openai_prompt("a 5-year-old girl", "A watercolour.", scene);
    assert_non_null(strstr(plain, "sword"));
    g_free(plain);
    g_free(soft);
    json_decref(scene);
    char *sheet = art_openai_sheet_prompt("a 5-year-old girl with red hair", "A watercolour.", NULL);
    assert_non_null(strstr(sheet, "a 5-year-old girl with red hair"));
    assert_non_null(strstr(sheet, "three-quarter view"));
    assert_non_null(strstr(sheet, "Plain white background"));
    g_free(sheet);
    sheet = art_openai_sheet_prompt("a 5-year-old girl", "A watercolour.", "teddy_bear");
    assert_non_null(strstr(sheet, "teddy bear"));
    assert_null(strstr(sheet, "5-year-old"));
    g_free(sheet);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_sizes),
        cmocka_unit_test(test_lying_headers_refused),
        cmocka_unit_test(test_damage_refused),
        cmocka_unit_test(test_upscale_cover),
        cmocka_unit_test(test_remote_prompts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
