/*
 * art_openai.c — the remote illustrator: one request per picture to an
 * OpenAI-compatible /images/generations, several in flight at once (libcurl
 * multi, at most openai_max_in_flight), within the host-wide request rate
 * (openai_rpm, see openai.c), each picture stored as art/cover.jpg or
 * art/page-NN.jpg at the book's pixel size.
 *
 * The prompt.  An image model draws each picture alone, so every prompt
 * repeats the same two descriptions, word for word, and only the scene
 * changes (art_openai_prompt() is the one place that assembles it):
 *   1. the style, from book.style (art_openai_style());
 *   2. the child, built once per book from the order's child.age,
 *      pronouns and appearance (hair colour and style, skin tone, eye
 *      colour, clothes, glasses) — never from the story
 *      (art_openai_character());
 *   3. the scene of story.json: description, setting, time of day,
 *      weather, the child's action and mood, companions and objects;
 *   4. the rules of a printed page: no text, nothing important near the
 *      edges (they are trimmed).
 *
 * The answer.  We ask for JPEG.  A baseline JPEG of exactly the book's size
 * is stored as it is; anything else (a PNG, a progressive JPEG, another
 * size) is decoded, scaled once to cover the page (centred, the overflow
 * cropped) and encoded once with art_write_jpeg().  An image smaller than
 * the page is refused (art_low_res = refuse: the order fails, with both
 * sizes) or upscaled with a warning (art_low_res = upscale).
 *
 * Money.  A picture already in dir is never asked again, so a retried order
 * pays only for what it lacks; after a book's first failure no new request
 * of that book starts, but those in flight are finished and kept.  Every call is a row
 * in api_calls (kind "image"; a 2xx costs openai_price_image).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jpeglib.h> /* after stdio.h and stddef.h, which it needs */

#include <glib.h>

#include "art.h"
#include "fsutil.h"
#include "geom.h"
#include "log.h"
#include "openai.h"

#define ART_OPENAI_RATE_WAITS 5 /* 429s waited out per picture before giving up */

/* "dark_brown" → "dark brown" */
static const char *
art_openai_words(const char *w, char *buf, size_t size)
{
    snprintf(buf, size, "%s", w ? w : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    return buf;
}

static const char *
art_openai_get(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

char *
art_openai_character(const json_t *order)
{
    const json_t *child = json_object_get(order, "child");
    const json_t *look = json_object_get(child, "appearance");
    const char *pro = art_openai_get(child, "pronouns");
    const char *who = !pro ? "child" : strcmp(pro, "she") == 0 ? "girl"
                                   : strcmp(pro, "he") == 0    ? "boy"
                                                               : "child";
    long age = (long)json_integer_value(json_object_get(child, "age"));
    /* Clothes the order leaves open: a colour chosen by the order id, so
     * every page of the book agrees. */
    const char *oid = art_openai_get(order, "order_id");
    guint h = g_str_hash(oid ? oid : "");
    const char *top = art_openai_get(look, "top_colour");
    const char *bottom = art_openai_get(look, "bottom_colour");
    static const char *const tops[] = {"red", "yellow", "teal", "orange", "purple", "green"};
    static const char *const bottoms[] = {"navy", "blue", "grey", "brown"};
    if (!top)
        top = tops[h % 6];
    if (!bottom)
        bottom = bottoms[(h / 6) % 4];
    char hc[32], hs[32], sk[32], ey[32];
    GString *s = g_string_new(NULL);
    if (age > 0)
        g_string_append_printf(s, "a %ld-year-old %s", age, who);
    else
        g_string_append_printf(s, "a toddler %s", who);
    g_string_append_printf(s, " with %s skin", art_openai_words(art_openai_get(look, "skin_tone") ? art_openai_get(look, "skin_tone") : "medium", sk, sizeof sk));
    const char *style = art_openai_get(look, "hair_style");
    if (style && strcmp(style, "bald") == 0)
        g_string_append(s, ", no hair");
    else
        g_string_append_printf(s, ", %s %s hair",
                               art_openai_words(art_openai_get(look, "hair_colour") ? art_openai_get(look, "hair_colour") : "brown", hc, sizeof hc),
                               art_openai_words(style ? style : "short", hs, sizeof hs));
    g_string_append_printf(s, ", %s eyes",
                           art_openai_words(art_openai_get(look, "eye_colour") ? art_openai_get(look, "eye_colour") : "brown", ey, sizeof ey));
    g_string_append_printf(s, ", wearing a %s top and %s trousers", top, bottom);
    if (json_is_true(json_object_get(look, "glasses")))
        g_string_append(s, ", with round glasses");
    return g_string_free(s, FALSE);
}

const char *
art_openai_style(const char *style)
{
    if (style && strcmp(style, "flat") == 0)
        return "A flat-colour children's picture book illustration: bold simple shapes, clean "
               "edges, no gradients, a bright limited palette.";
    if (style && strcmp(style, "crayon") == 0)
        return "A crayon children's picture book illustration: waxy hand-drawn strokes, paper "
               "texture showing through, bright cheerful colours.";
    return "A soft watercolour children's picture book illustration: gentle washes, visible "
           "paper texture, warm light, delicate ink outlines.";
}

/* "a, b and c" of a JSON list of words. */
static void
art_openai_list(GString *s, const json_t *list)
{
    size_t i, n = json_array_size(list);
    json_t *x;
    char w[64];
    json_array_foreach(list, i, x) {
        if (i)
            g_string_append(s, i + 1 == n ? " and " : ", ");
        g_string_append(s, art_openai_words(json_string_value(x), w, sizeof w));
    }
}

char *
art_openai_prompt(const char *character, const char *style, const json_t *scene)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s\n", style);
    g_string_append_printf(s, "The main character, drawn exactly the same in every picture of "
                              "the book: %s.\n",
                           character);
    const char *desc = art_openai_get(scene, "description");
    if (desc)
        g_string_append_printf(s, "The scene: %s\n", desc);
    g_string_append_printf(s, "Setting: %s, %s, %s weather. The child is %s and looks %s.",
                           art_openai_get(scene, "setting") ? art_openai_get(scene, "setting") : "home",
                           art_openai_get(scene, "time_of_day") ? art_openai_get(scene, "time_of_day") : "day",
                           art_openai_get(scene, "weather") ? art_openai_get(scene, "weather") : "clear",
                           art_openai_get(scene, "action") ? art_openai_get(scene, "action") : "standing",
                           art_openai_get(scene, "mood") ? art_openai_get(scene, "mood") : "happy");
    if (json_array_size(json_object_get(scene, "companions"))) {
        g_string_append(s, " Beside the child: ");
        art_openai_list(s, json_object_get(scene, "companions"));
        g_string_append_c(s, '.');
    }
    if (json_array_size(json_object_get(scene, "objects"))) {
        g_string_append(s, " Also in the picture: ");
        art_openai_list(s, json_object_get(scene, "objects"));
        g_string_append_c(s, '.');
    }
    g_string_append(s, "\nA full-page picture for a printed book: no text, no letters, no "
                       "frame; keep faces and important things away from the edges, which are "
                       "trimmed. Keep the lower third free of people and animals (ground, "
                       "grass or water only): the page's text is set there.");
    return g_string_free(s, FALSE);
}

/* ---- images ---- */

/* Size and coding of a JPEG from its frame header; 0, or -1 when it is not
 * a JPEG we can read. */
static int
art_openai_jpeg_info(const unsigned char *d, size_t n, int *w, int *h, int *sof)
{
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return -1;
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
            return -1;
        size_t len = ((size_t)d[pos + 2] << 8) | d[pos + 3];
        if (len < 2 || pos + 2 + len > n)
            return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 8)
                return -1;
            *h = (d[pos + 5] << 8) | d[pos + 6];
            *w = (d[pos + 7] << 8) | d[pos + 8];
            *sof = m;
            return 0;
        }
        pos += 2 + len;
    }
    return -1;
}

struct art_openai_jerr {
    struct jpeg_error_mgr mgr;
    jmp_buf jb;
};

static void
art_openai_jpeg_fail(j_common_ptr cinfo)
{
    longjmp(((struct art_openai_jerr *)cinfo->err)->jb, 1);
}

/* A JPEG decoded into a new RGB24 surface, or NULL. */
static cairo_surface_t *
art_openai_jpeg_decode(const unsigned char *d, size_t n)
{
    struct jpeg_decompress_struct ci;
    struct art_openai_jerr je;
    cairo_surface_t *volatile s = NULL;
    ci.err = jpeg_std_error(&je.mgr);
    je.mgr.error_exit = art_openai_jpeg_fail;
    if (setjmp(je.jb)) {
        jpeg_destroy_decompress(&ci);
        if (s)
            cairo_surface_destroy(s);
        return NULL;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, d, (unsigned long)n);
    jpeg_read_header(&ci, TRUE);
    /* cairo's RGB24 is a native-endian 32-bit xRGB word. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    ci.out_color_space = JCS_EXT_BGRX;
#else
    ci.out_color_space = JCS_EXT_XRGB;
#endif
    jpeg_start_decompress(&ci);
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ci.output_width,
                                   (int)ci.output_height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        longjmp(je.jb, 1);
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = px + (size_t)ci.output_scanline * (size_t)stride;
        jpeg_read_scanlines(&ci, &row, 1);
    }
    cairo_surface_mark_dirty(s);
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    return s;
}

struct art_openai_mem {
    const unsigned char *d;
    size_t n, pos;
};

static cairo_status_t
art_openai_png_read(void *arg, unsigned char *buf, unsigned int len)
{
    struct art_openai_mem *m = arg;
    if (len > m->n - m->pos)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(buf, m->d + m->pos, len);
    m->pos += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Stores one answer as dir/name: as it is, or decoded, scaled to w × h and
 * encoded once.  ERR_PERMANENT when the image is unusable. */
static int
art_openai_store(const struct config *cfg, const char *oid, const unsigned char *d, size_t n,
                 int w, int h, const char *dir, const char *name, struct err *e)
{
    int iw = 0, ih = 0, sof = 0;
    cairo_surface_t *src = NULL;
    const char *kind;
    if (art_openai_jpeg_info(d, n, &iw, &ih, &sof) == 0) {
        kind = "JPEG";
        if (iw == w && ih == h && (sof == 0xC0 || sof == 0xC1))
            return fsu_write_atomic(dir, name, d, n, e); /* already what the book needs */
        src = art_openai_jpeg_decode(d, n);
    } else if (n > 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        kind = "PNG";
        struct art_openai_mem m = {d, n, 0};
        src = cairo_image_surface_create_from_png_stream(art_openai_png_read, &m);
    } else {
        return err_set(e, ERR_TRANSIENT, "%s: the answer holds neither a JPEG nor a PNG", name);
    }
    if (!src || cairo_surface_status(src) != CAIRO_STATUS_SUCCESS) {
        if (src)
            cairo_surface_destroy(src);
        return err_set(e, ERR_TRANSIENT, "%s: the %s in the answer cannot be decoded", name,
                       kind);
    }
    iw = cairo_image_surface_get_width(src);
    ih = cairo_image_surface_get_height(src);
    double scale = fmax((double)w / iw, (double)h / ih);
    if (scale > 1.001) {
        if (strcmp(config_str(cfg, "art_low_res"), "upscale") != 0) {
            cairo_surface_destroy(src);
            return err_set(e, ERR_PERMANENT,
                           "%s: the image is %d×%d pixels, below the %d×%d the page needs at "
                           "%d dpi (art_low_res = refuse; set openai_image_size larger, or "
                           "art_low_res = upscale)",
                           name, iw, ih, w, h, GEOM_DPI);
        }
        log_order(LOG_WARNING, oid, "%s: upscaling the %d×%d image ×%.2f to %d×%d "
                  "(art_low_res = upscale): it will print soft", name, iw, ih, scale, w, h);
    }
    cairo_surface_t *out = src;
    if (iw != w || ih != h) {
        out = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        cairo_t *cr = cairo_create(out);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        /* Cover the page, centred: the overflow of another aspect is cut. */
        cairo_translate(cr, (w - iw * scale) / 2, (h - ih * scale) / 2);
        cairo_scale(cr, scale, scale);
        cairo_set_source_surface(cr, src, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_paint(cr);
        cairo_status_t st = cairo_status(cr);
        cairo_destroy(cr);
        cairo_surface_destroy(src);
        if (st != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(out);
            return err_set(e, ERR_TRANSIENT, "%s: scaling: %s", name,
                           cairo_status_to_string(st));
        }
    }
    char *path = fsu_join(dir, name);
    int rc = art_write_jpeg(out, path, (int)config_int(cfg, "art_jpeg_quality"), e);
    free(path);
    cairo_surface_destroy(out);
    return rc;
}

/* ---- the book ---- */

struct art_openai_pic {
    char name[32];
    char *prompt;
    int state;         /* 0 waiting, 1 in flight, 2 finished */
    int waits;         /* 429s waited out */
    double not_before; /* monotonic seconds */
    size_t book;       /* its book in the batch */
    struct openai_call call;
};

static double
art_openai_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1 when dir/name is a complete JPEG of w × h: paid for already.  (Files
 * are written atomically, but a leftover of another size is drawn again.) */
static int
art_openai_present(const char *dir, const char *name, int w, int h)
{
    char *p = fsu_join(dir, name);
    char *buf = NULL;
    size_t n = 0;
    struct err e = {0};
    int iw = 0, ih = 0, sof = 0;
    int ok = p && fsu_read_file(AT_FDCWD, p, OPENAI_IMAGE_MAX_BODY, &buf, &n, &e) == 0 &&
             n > 4 && (unsigned char)buf[n - 2] == 0xFF && (unsigned char)buf[n - 1] == 0xD9 &&
             art_openai_jpeg_info((const unsigned char *)buf, n, &iw, &ih, &sof) == 0 &&
             iw == w && ih == h;
    free(buf);
    free(p);
    return ok;
}

/* Keeps the worse of two errors: permanent beats transient. */
static void
art_openai_fail(struct err *first, const struct err *now)
{
    if (first->kind == ERR_NONE || (first->kind == ERR_TRANSIENT && now->kind == ERR_PERMANENT))
        *first = *now;
}

/* Reads one finished transfer: stores the picture or says why not. */
static void
art_openai_finish(const struct config *cfg, struct db *db, const char *oid, const char *dir,
                  int w, int h, struct art_openai_pic *p, CURLcode rc, struct err *first)
{
    const char *model = config_str(cfg, "openai_image_model");
    struct openai_call *c = &p->call;
    struct err e = {0};
    p->state = 2;
    if (openai_call_done(c, rc, &e) < 0) {
        openai_record(db, oid, model, "image", 0, 0, 0, c, 0, e.msg);
        err_prefix(&e, "%s", p->name);
        art_openai_fail(first, &e);
        return;
    }
    struct openai_verdict v;
    openai_classify(c->status, c->body, c->retry_after_s, c->reset_ms, &v);
    if (v.kind != ERR_NONE) {
        openai_record(db, oid, model, "image", 0, 0, 0, c, 0, v.reason);
        if (v.wait_s >= 0 && p->waits < ART_OPENAI_RATE_WAITS && first->kind == ERR_NONE) {
            p->waits++;
            p->state = 0;
            p->not_before = art_openai_now() + (double)v.wait_s;
            log_order(LOG_NOTICE, oid, "%s: %s; asking again in %ld s", p->name, v.reason,
                      v.wait_s);
            return;
        }
        err_set(&e, v.kind, "%s: %s", p->name, v.reason);
        art_openai_fail(first, &e);
        return;
    }
    /* A 2xx is billed whatever we make of it. */
    double cost = openai_cost(cfg, 0, 0, 1);
    json_error_t je;
    json_t *root = json_loadb(c->body, c->body_len, 0, &je);
    json_t *usage = json_object_get(root, "usage");
    long tin = (long)json_integer_value(json_object_get(usage, "input_tokens"));
    long tout = (long)json_integer_value(json_object_get(usage, "output_tokens"));
    const char *b64 =
        json_string_value(json_object_get(json_array_get(json_object_get(root, "data"), 0),
                                          "b64_json"));
    if (!root)
        err_set(&e, ERR_TRANSIENT, "%s: the answer is not JSON (%s at byte %d)", p->name,
                je.text, je.position);
    else if (!b64)
        err_set(&e, ERR_TRANSIENT, "%s: the answer has no data[0].b64_json", p->name);
    if (e.kind == ERR_NONE) {
        gsize n = 0;
        guchar *img = g_base64_decode(b64, &n);
        int rc2 = art_openai_store(cfg, oid, img, n, w, h, dir, p->name, &e);
        g_free(img);
        if (rc2 == 0)
            log_order(LOG_INFO, oid, "%s: drawn by %s in %ld ms", p->name, model, c->latency_ms);
    }
    openai_record(db, oid, model, "image", tin, tout, 1, c, cost,
                  e.kind == ERR_NONE ? NULL : e.msg);
    json_decref(root);
    if (e.kind != ERR_NONE)
        art_openai_fail(first, &e);
}

/* One book of a batch: where its pictures go, and its first failure, which
 * stops only this book's pictures not yet started. */
struct art_openai_bk {
    const char *oid;
    const char *dir;
    int w, h;          /* the pictures' pixel size */
    struct err first;  /* ERR_NONE while the book goes well */
    int setup_failed;  /* 1 when the book never got to its pictures */
};

/* Fails, with e, every book that still has a picture not finished (a book
 * already complete stays complete). */
static void
art_openai_fail_unfinished(const struct art_openai_pic *pics, size_t npic,
                           struct art_openai_bk *bks, const struct err *e)
{
    for (size_t i = 0; i < npic; i++)
        if (pics[i].state != 2)
            art_openai_fail(&bks[pics[i].book].first, e);
}

/* Lists the pictures of book b still missing in dir, each with its prompt,
 * appended to pics (room for them all).  0, or -1 with bk->first set. */
static int
art_openai_book_setup(const struct config *cfg, const struct art_book *b,
                      struct art_openai_bk *bk, size_t bi, struct art_openai_pic *pics,
                      size_t *npic)
{
    const json_t *book = json_object_get(b->order, "book");
    const char *trim = art_openai_get(book, "trim") ? art_openai_get(book, "trim")
                                                    : config_str(cfg, "trim");
    const char *binding = art_openai_get(book, "binding") ? art_openai_get(book, "binding")
                                                          : config_str(cfg, "binding");
    struct geom g;
    if (geom_compute(trim, binding, 40, &g, &bk->first) < 0 ||
        fsu_mkdir_p(b->dir, 0755, &bk->first) < 0) {
        bk->setup_failed = 1;
        return -1;
    }
    bk->w = g.art_w_px;
    bk->h = g.art_h_px;
    const json_t *pages = json_object_get(b->story, "pages");
    size_t total = 1 + json_array_size(pages), mine = 0;
    char *character = art_openai_character(b->order);
    const char *style = art_openai_style(art_openai_get(book, "style"));
    for (size_t i = 0; i < total; i++) {
        struct art_openai_pic *p = &pics[*npic];
        const json_t *scene;
        if (i == 0) {
            snprintf(p->name, sizeof p->name, "cover.jpg");
            scene = json_object_get(json_object_get(b->story, "cover"), "scene");
        } else {
            snprintf(p->name, sizeof p->name, "page-%02zu.jpg", i);
            scene = json_object_get(json_array_get(pages, i - 1), "scene");
        }
        if (art_openai_present(b->dir, p->name, bk->w, bk->h))
            continue; /* paid for already */
        p->prompt = art_openai_prompt(character, style, scene);
        p->book = bi;
        p->call.user = p;
        (*npic)++;
        mine++;
    }
    g_free(character);
    if (mine)
        log_order(LOG_INFO, bk->oid, "%zu of %zu pictures to draw with %s, %ld at a time",
                  mine, total, config_str(cfg, "openai_image_model"),
                  config_int(cfg, "openai_max_in_flight"));
    return 0;
}

/* The pictures of all n books go through one multi handle, under one
 * in-flight limit and the host-wide rate: a book's last few pictures then
 * share the pipe with the next book's first ones, instead of leaving it
 * partly idle for a round.  A book's failure stops only that book. */
int
art_openai_draw_books(const struct config *cfg, struct db *db, struct art_book *books,
                      size_t n, struct err *errs)
{
    struct art_openai_bk *bks = calloc(n ? n : 1, sizeof *bks);
    size_t total = 0;
    for (size_t b = 0; b < n; b++)
        total += 1 + json_array_size(json_object_get(books[b].story, "pages"));
    struct art_openai_pic *pics = calloc(total ? total : 1, sizeof *pics);
    if (!bks || !pics) {
        free(bks);
        free(pics);
        for (size_t b = 0; b < n; b++) {
            books[b].rc = -1;
            err_set(&errs[b], ERR_TRANSIENT, "out of memory");
        }
        return -1;
    }
    size_t npic = 0;
    for (size_t b = 0; b < n; b++) {
        bks[b].oid = art_openai_get(books[b].order, "order_id");
        bks[b].dir = books[b].dir;
        if (art_openai_book_setup(cfg, &books[b], &bks[b], b, pics, &npic) < 0)
            continue; /* that book alone fails, with bks[b].first */
    }

    struct openai *oa = NULL;
    CURLM *multi = NULL;
    if (npic) {
        struct err oe = {0};
        oa = openai_open(cfg, &oe);
        multi = oa ? curl_multi_init() : NULL;
        if (!multi) {
            if (oa)
                err_set(&oe, ERR_TRANSIENT, "cannot create a libcurl multi handle");
            /* Nothing can be drawn: every book with pictures to draw fails alike. */
            art_openai_fail_unfinished(pics, npic, bks, &oe);
            for (size_t i = 0; i < npic; i++)
                g_free(pics[i].prompt);
            npic = 0;
        }
    }
    char size[32];
    snprintf(size, sizeof size, "%s", config_str(cfg, "openai_image_size"));
    long max_in_flight = config_int(cfg, "openai_max_in_flight");
    long in_flight = 0;
    size_t finished = 0;
    while (finished < npic) {
        /* Start what may start: not for a book that failed, within the limits. */
        double now = art_openai_now(), wake = now + 1.0;
        for (size_t i = 0; i < npic && in_flight < max_in_flight; i++) {
            struct art_openai_pic *p = &pics[i];
            struct art_openai_bk *bk = &bks[p->book];
            if (p->state != 0 || bk->first.kind != ERR_NONE)
                continue;
            if (p->not_before > now) {
                wake = fmin(wake, p->not_before);
                continue;
            }
            double wait;
            struct err re = {0};
            /* A slot of the in-flight limit shared by every host, then a
             * token (openai.c); no slot taken when rate_limit = host. */
            int rr = openai_slot_take(oa, &p->call, &wait, &re);
            if (rr == 0) {
                rr = openai_rate_take(oa, &wait, &re);
                if (rr != 0)
                    openai_slot_give(oa, &p->call);
            }
            if (rr < 0) {
                /* The rate limiter itself failed: no book can go on. */
                art_openai_fail_unfinished(pics, npic, bks, &re);
                break;
            }
            if (rr == 1) {
                wake = fmin(wake, now + wait);
                break;
            }
            json_t *rq = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "model",
                                   config_str(cfg, "openai_image_model"), "prompt", p->prompt,
                                   "size", size, "quality",
                                   config_str(cfg, "openai_image_quality"), "n", 1,
                                   "output_format", "jpeg");
            struct err se = {0};
            int sr = rq ? openai_call_start(oa, &p->call, "/images/generations", rq,
                                            OPENAI_IMAGE_MAX_BODY, &se)
                        : err_set(&se, ERR_TRANSIENT, "out of memory");
            json_decref(rq);
            if (sr == 0 && curl_multi_add_handle(multi, p->call.curl) != CURLM_OK) {
                openai_call_free(&p->call);
                sr = err_set(&se, ERR_TRANSIENT, "libcurl refused a transfer");
            }
            if (sr < 0) {
                err_prefix(&se, "%s", p->name);
                art_openai_fail(&bk->first, &se);
                continue;
            }
            p->state = 1;
            in_flight++;
        }
        if (art_stopping()) {
            struct err se;
            err_set(&se, ERR_TRANSIENT, "stopped: shutting down");
            art_openai_fail_unfinished(pics, npic, bks, &se);
        }
        /* A book that failed gives up its pictures not started. */
        for (size_t i = 0; i < npic; i++)
            if (pics[i].state == 0 && bks[pics[i].book].first.kind != ERR_NONE) {
                pics[i].state = 2;
                finished++;
            }
        if (finished >= npic)
            break;

        openai_keepalive();
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct openai_call *c = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            CURLcode rc = msg->data.result;
            curl_multi_remove_handle(multi, msg->easy_handle);
            struct art_openai_pic *p = c->user;
            struct art_openai_bk *bk = &bks[p->book];
            in_flight--;
            art_openai_finish(cfg, db, bk->oid, bk->dir, bk->w, bk->h, p, rc, &bk->first);
            openai_call_free(&p->call);
            if (p->state == 2)
                finished++;
        }
        if (finished >= npic)
            break;
        int ms = (int)ceil((wake - art_openai_now()) * 1000);
        if (ms < 1)
            ms = 1;
        /* A short cap: the multi poll was measured sleeping out its whole
         * timeout after transfers had finished (libcurl 7.88, bench_openai.sh),
         * leaving their slots idle; 50 ms bounds that loss for a few idle
         * wake-ups a second. */
        if (ms > 50)
            ms = 50;
        if (curl_multi_poll(multi, NULL, 0, ms, NULL) != CURLM_OK) {
            struct timespec ts = {0, (long)ms * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    if (multi)
        curl_multi_cleanup(multi);
    if (oa)
        openai_close(oa);
    for (size_t i = 0; i < npic; i++)
        g_free(pics[i].prompt);
    free(pics);
    int rc = 0;
    for (size_t b = 0; b < n; b++) {
        books[b].rc = bks[b].first.kind != ERR_NONE ? -1 : 0;
        errs[b] = bks[b].first;
        if (books[b].rc < 0)
            rc = -1;
    }
    free(bks);
    return rc;
}

int
art_openai_draw_book(const struct config *cfg, struct db *db, const json_t *order,
                     const json_t *story, const char *dir, struct err *e)
{
    struct art_book b = {order, story, dir, 0};
    struct err be = {0};
    int rc = art_openai_draw_books(cfg, db, &b, 1, &be);
    if (rc < 0 && e)
        *e = be;
    return rc;
}
