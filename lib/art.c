/*
 * art.c — the art stage's library side (art.h): who the child is, how a
 * picture becomes a JPEG file, and the book loop that draws every missing
 * picture with the configured provider.
 *
 * Pictures are art/cover.jpg and art/page-NN.jpg at geom_compute()'s pixel
 * size.  Each is encoded in memory and written with fsu_write_atomic(), so a
 * file that exists is complete; a retried order keeps what it has and draws
 * only what is missing.  A file that is there but unreadable or of the
 * wrong size (the trim changed, a disk error) is drawn again.
 *
 * Seeds come from the order id and the picture's index, so the same order
 * always gets the same pictures.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h and stddef.h, which it needs */

#include "art.h"
#include "art_draw.h"
#include "fsutil.h"
#include "geom.h"
#include "log.h"
#include "vocab.h"

/* ---- the character ------------------------------------------------------- */

/* FNV-1a: a stable hash of the order id (the same on every machine). */
static uint32_t
art_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The seed of picture index (0: cover, 1..n: pages) of an order. */
static unsigned
art_seed(uint32_t base, int index)
{
    uint32_t z = base ^ ((uint32_t)index * 0x9E3779B9u);
    z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
    z = (z ^ (z >> 13)) * 0xC2B2AE35u;
    return z ^ (z >> 16);
}

static const char *
art_word(const json_t *o, const char *key, vocab_list list, const char *def)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && vocab_has(list, s) ? s : def;
}

void
art_character_from_order(const json_t *order, struct art_character *c)
{
    const json_t *child = json_object_get(order, "child");
    const json_t *look = json_object_get(child, "appearance");
    memset(c, 0, sizeof *c);
    c->name = json_string_value(json_object_get(child, "name"));
    c->pronouns = art_word(child, "pronouns", vocab_pronouns, "they");
    c->hair_colour = art_word(look, "hair_colour", vocab_hair_colours, "brown");
    c->hair_style = art_word(look, "hair_style", vocab_hair_styles, "short");
    c->skin_tone = art_word(look, "skin_tone", vocab_skin_tones, "medium");
    c->eye_colour = art_word(look, "eye_colour", vocab_eye_colours, "brown");
    c->glasses = json_is_true(json_object_get(look, "glasses"));
    json_t *age = json_object_get(child, "age");
    c->age = json_is_integer(age) ? (int)json_integer_value(age) : 5;
    /* Clothes the order leaves open: bright tops, darker bottoms, chosen
     * once per book from the order id so every page agrees. */
    static const char *const tops[] = {"red", "yellow", "teal", "orange", "purple", "green",
                                       "pink", "blue"};
    static const char *const bottoms[] = {"navy", "blue", "brown", "grey", "teal", "purple"};
    uint32_t h = art_hash(json_string_value(json_object_get(order, "order_id")));
    c->top_colour = art_word(look, "top_colour", vocab_colours, tops[h % 8]);
    const char *bottom = bottoms[(h >> 8) % 6];
    if (strcmp(bottom, c->top_colour) == 0)
        bottom = bottoms[((h >> 8) + 1) % 6];
    c->bottom_colour = art_word(look, "bottom_colour", vocab_colours, bottom);
}

/* ---- JPEG ---------------------------------------------------------------- */

struct art_jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
};

/* libjpeg's default error handler calls exit(): jump back instead. */
static void
art_jpeg_fail(j_common_ptr ci)
{
    struct art_jpeg_err *je = (struct art_jpeg_err *)ci->err;
    ci->err->format_message(ci, je->msg);
    longjmp(je->jump, 1);
}

static void
art_jpeg_quiet(j_common_ptr ci)
{
    (void)ci; /* warnings (corrupt data) are judged by the caller */
}

/* The surface as opaque RGB24: itself (a new reference) when it already is,
 * else painted over white (alpha composited, any format). */
static cairo_surface_t *
art_opaque(cairo_surface_t *s)
{
    if (cairo_image_surface_get_format(s) == CAIRO_FORMAT_RGB24)
        return cairo_surface_reference(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    cairo_surface_t *o = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(o);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(o);
    return o;
}

/* Encodes an RGB24 surface; *out is malloc'd by libjpeg. */
static int
art_jpeg_encode(cairo_surface_t *s, int quality, unsigned char **out, unsigned long *len,
                char *why, size_t whylen)
{
    struct jpeg_compress_struct ci;
    struct art_jpeg_err je;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    *out = NULL;
    *len = 0;
    ci.err = jpeg_std_error(&je.mgr);
    je.mgr.error_exit = art_jpeg_fail;
    je.mgr.output_message = art_jpeg_quiet;
    if (setjmp(je.jump)) {
        snprintf(why, whylen, "%s", je.msg);
        jpeg_destroy_compress(&ci);
        free(*out);
        *out = NULL;
        return -1;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, out, len);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = 4;
    /* cairo's RGB24 is a native-endian 32-bit word 0x00RRGGBB: libjpeg-turbo
     * reads those bytes as they are, no conversion pass. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    ci.in_color_space = JCS_EXT_BGRX;
#else
    ci.in_color_space = JCS_EXT_XRGB;
#endif
    jpeg_set_defaults(&ci); /* baseline, Huffman, YCbCr 4:2:0 */
    jpeg_set_quality(&ci, quality, TRUE);
    /* Standard Huffman tables: fitted ones save ~10% of the bytes but
     * double the encoding time (docs/art.md has the figures). */
    ci.optimize_coding = FALSE;
    ci.write_JFIF_header = TRUE;
    ci.density_unit = 1; /* dots per inch */
    ci.X_density = GEOM_DPI;
    ci.Y_density = GEOM_DPI;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW rows[16];
        int n = 0;
        for (; n < 16 && ci.next_scanline + (JDIMENSION)n < ci.image_height; n++)
            rows[n] = data + (size_t)(ci.next_scanline + (JDIMENSION)n) * (size_t)stride;
        jpeg_write_scanlines(&ci, rows, (JDIMENSION)n);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return 0;
}

int
art_write_jpeg(cairo_surface_t *s, const char *path, int quality, struct err *e)
{
    if (!s || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE)
        return err_set(e, ERR_PERMANENT, "%s: not a picture to encode", path);
    if (quality < 1 || quality > 100)
        return err_set(e, ERR_PERMANENT, "%s: JPEG quality %d is not 1 to 100", path, quality);
    cairo_surface_flush(s);
    cairo_surface_t *o = art_opaque(s);
    if (cairo_surface_status(o) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(o);
        return err_set(e, ERR_TRANSIENT, "%s: out of memory", path);
    }
    unsigned char *buf;
    unsigned long len;
    char why[JMSG_LENGTH_MAX];
    int rc = art_jpeg_encode(o, quality, &buf, &len, why, sizeof why);
    cairo_surface_destroy(o);
    if (rc < 0)
        return err_set(e, ERR_PERMANENT, "%s: JPEG encoding failed: %s", path, why);
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path == 0 ? 1 : slash - path))
                      : strdup(".");
    if (!dir)
        abort();
    rc = fsu_write_atomic(dir, slash ? slash + 1 : path, buf, len, e);
    free(dir);
    free(buf);
    return rc;
}

/* 1 when path is a complete JPEG of w × h pixels: its header reads and its
 * last two bytes are the end-of-image marker. */
static int
art_jpeg_complete(const char *path, int w, int h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char tail[2] = {0, 0};
    if (fseek(f, -2, SEEK_END) != 0 || fread(tail, 1, 2, f) != 2 || tail[0] != 0xFF ||
        tail[1] != 0xD9 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return 0;
    }
    struct jpeg_decompress_struct ci;
    struct art_jpeg_err je;
    ci.err = jpeg_std_error(&je.mgr);
    je.mgr.error_exit = art_jpeg_fail;
    je.mgr.output_message = art_jpeg_quiet;
    if (setjmp(je.jump)) {
        jpeg_destroy_decompress(&ci);
        fclose(f);
        return 0;
    }
    jpeg_create_decompress(&ci);
    jpeg_stdio_src(&ci, f);
    int ok = jpeg_read_header(&ci, TRUE) == JPEG_HEADER_OK && (int)ci.image_width == w &&
             (int)ci.image_height == h;
    jpeg_destroy_decompress(&ci);
    fclose(f);
    return ok;
}

/* ---- the book ------------------------------------------------------------ */

static int
art_builtin_book(const struct config *cfg, const json_t *order, const json_t *story,
                 const char *dir, struct err *e)
{
    const char *oid = json_string_value(json_object_get(order, "order_id"));
    const json_t *book = json_object_get(order, "book");
    const char *trim = json_string_value(json_object_get(book, "trim"));
    const char *binding = json_string_value(json_object_get(book, "binding"));
    const char *style = json_string_value(json_object_get(book, "style"));
    const json_t *pages = json_object_get(story, "pages");
    const json_t *cover = json_object_get(json_object_get(story, "cover"), "scene");
    if (!oid)
        oid = "?";
    if (!json_is_array(pages) || json_array_size(pages) == 0 || !json_is_object(cover))
        return err_set(e, ERR_PERMANENT, "order %s: story.json has no pages or no cover scene",
                       oid);
    int n = (int)json_array_size(pages);
    struct geom g;
    if (geom_compute(trim ? trim : "8.5x8.5", binding ? binding : "hardcover", n, &g, e) < 0)
        return err_prefix(e, "order %s", oid);
    if (fsu_mkdir_p(dir, 0755, e) < 0)
        return err_prefix(e, "order %s", oid);
    struct art_character ch;
    art_character_from_order(order, &ch);
    int quality = (int)config_int(cfg, "art_jpeg_quality");
    uint32_t base = art_hash(oid);
    int drawn = 0, kept = 0;
    /* Where each picture leaves the text its band (docs/pdf.md): kept from
     * an earlier attempt for the pictures that are kept. */
    char *layout_path = fsu_join(dir, ART_LAYOUT_FILE);
    json_t *layout = json_load_file(layout_path, 0, NULL);
    free(layout_path);
    if (!json_is_object(json_object_get(layout, "pages"))) {
        json_decref(layout);
        layout = json_pack("{s:i, s:{}}", "version", 1, "pages");
    }
    json_t *bands = json_object_get(layout, "pages");
    /* What each picture shows (art_builtin_draw_report), for art/placed.json:
     * cover first, then the pages; null for a picture kept from before. */
    json_t *placed_book = json_array();
    char *placed_path = fsu_join(dir, "placed.json");
    json_t *placed_was = json_load_file(placed_path, 0, NULL);
    free(placed_path);
    for (int i = 0; i <= n; i++) {
        if (art_stopping()) {
            json_decref(layout);
            json_decref(placed_book);
            json_decref(placed_was);
            return err_set(e, ERR_TRANSIENT, "order %s: stopped after %d pictures: shutting down",
                           oid, drawn + kept);
        }
        char name[32];
        if (i == 0)
            snprintf(name, sizeof name, "cover.jpg");
        else
            snprintf(name, sizeof name, "page-%02d.jpg", i);
        char *path = fsu_join(dir, name);
        if (art_jpeg_complete(path, g.art_w_px, g.art_h_px)) {
            kept++;
            free(path);
            json_t *was = json_array_get(placed_was, (size_t)i);
            json_array_append_new(placed_book, was ? json_incref(was) : json_null());
            continue;
        }
        const json_t *scene =
            i == 0 ? cover : json_object_get(json_array_get(pages, (size_t)(i - 1)), "scene");
        double band_top = 1;
        json_t *placed = json_array();
        json_array_append_new(placed_book, placed);
        cairo_surface_t *s = art_builtin_draw_report(&ch, scene, style, g.art_w_px, g.art_h_px,
                                                     art_seed(base, i), i == 0, placed,
                                                     &band_top, e);
        int rc = s ? art_write_jpeg(s, path, quality, e) : -1;
        if (s)
            cairo_surface_destroy(s);
        free(path);
        if (rc < 0) {
            json_decref(layout);
            json_decref(placed_book);
            json_decref(placed_was);
            return err_prefix(e, "order %s: %s", oid, name);
        }
        json_object_set_new(bands, name,
                            json_pack("{s:{s:f, s:f}}", "text_band", "top",
                                      round(band_top * 1000) / 1000, "bottom", 1.0));
        drawn++;
    }
    json_decref(placed_was);
    char *pj = drawn ? json_dumps(placed_book, JSON_COMPACT) : NULL;
    json_decref(placed_book);
    int prc = pj ? fsu_write_atomic(dir, "placed.json", pj, strlen(pj), e) : 0;
    free(pj);
    if (prc < 0) {
        json_decref(layout);
        return err_prefix(e, "order %s: placed.json", oid);
    }
    char *text = json_dumps(layout, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(layout);
    if (!text)
        return err_set(e, ERR_TRANSIENT, "order %s: %s: out of memory", oid,
                       ART_LAYOUT_FILE);
    int wrc = fsu_write_atomic(dir, ART_LAYOUT_FILE, text, strlen(text), e);
    free(text);
    if (wrc < 0)
        return err_prefix(e, "order %s", oid);
    log_order(LOG_INFO, oid, "art: %d pictures drawn, %d already there (builtin, %s, %d×%d)",
              drawn, kept, style ? style : "watercolour", g.art_w_px, g.art_h_px);
    return 0;
}

static volatile int *art_stop_flag;

void
art_set_stop_flag(volatile int *flag)
{
    art_stop_flag = flag;
}

int
art_stopping(void)
{
    return art_stop_flag && *art_stop_flag;
}

int
art_draw_book(const struct config *cfg, struct db *db, const json_t *order,
              const json_t *story, const char *dir, struct err *e)
{
    const char *provider = config_str(cfg, "art_provider");
    if (strcmp(provider, "builtin") == 0)
        return art_builtin_book(cfg, order, story, dir, e);
    if (strcmp(provider, "openai") == 0)
        return art_openai_draw_book(cfg, db, order, story, dir, e);
    return err_set(e, ERR_PERMANENT, "art_provider %s: not available in this build", provider);
}
