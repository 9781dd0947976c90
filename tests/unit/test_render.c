/*
 * test_render.c — the PDFs as the printer and the reader see them.
 *
 * Each test writes an order, a story and synthetic illustrations (cairo
 * shapes encoded with libjpeg, at the exact pixel size geom gives) into a
 * temporary order folder, calls render_book(), then reads the PDFs back with
 * poppler-utils: page count and size (pdfinfo), embedded fonts (pdffonts),
 * the words and where they sit (pdftotext -bbox), the pictures' bytes
 * (pdfimages -j) and the look of a page (pdftoppm).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cairo.h>
#include <glib.h>
#include <jansson.h>
#include <jpeglib.h>

#include "config.h"
#include "fsutil.h"
#include "geom.h"
#include "render.h"
#include "render_priv.h"
#include "testutil.h"

static char *root; /* one temporary directory for the whole run */
static int serial;

/* ---- helpers ---------------------------------------------------------------- */

static void
write_jpeg(const char *path, int w, int h, unsigned seed, int progressive)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_pattern_t *sky = cairo_pattern_create_linear(0, 0, 0, h);
    double hue = (seed % 7) / 7.0;
    cairo_pattern_add_color_stop_rgb(sky, 0, 0.55 + 0.3 * hue, 0.75, 0.95 - 0.3 * hue);
    cairo_pattern_add_color_stop_rgb(sky, 1, 0.98, 0.9, 0.75);
    cairo_set_source(cr, sky);
    cairo_paint(cr);
    cairo_pattern_destroy(sky);
    cairo_set_source_rgb(cr, 0.98, 0.8, 0.25);
    cairo_arc(cr, w * 0.75, h * 0.22, w * 0.08, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.35, 0.62, 0.35);
    cairo_move_to(cr, 0, h * 0.7);
    cairo_curve_to(cr, w * 0.3, h * 0.55, w * 0.6, h * 0.85, w, h * 0.65);
    cairo_line_to(cr, w, h);
    cairo_line_to(cr, 0, h);
    cairo_fill(cr);
    /* the "child": a round face in the upper part, as the illustrator does */
    cairo_set_source_rgb(cr, 0.93, 0.76, 0.62);
    cairo_arc(cr, w * 0.45, h * 0.4, w * 0.09, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);

    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 80, TRUE);
    if (progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char *row = malloc((size_t)w * 3);
    assert_non_null(row);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(px + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = src[x] >> 16 & 0xFF;
            row[3 * x + 1] = src[x] >> 8 & 0xFF;
            row[3 * x + 2] = src[x] & 0xFF;
        }
        JSAMPROW rp = row;
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    assert_int_equal(fclose(f), 0);
    cairo_surface_destroy(s);
}

/* One picture per size, made once and hard-linked into every order. */
static char *
picture_for(int w, int h)
{
    char *path = g_strdup_printf("%s/pic-%dx%d.jpg", root, w, h);
    if (access(path, F_OK) != 0)
        write_jpeg(path, w, h, (unsigned)(w + h), 0);
    return path;
}

static void
link_picture(const char *from, const char *dir, const char *name)
{
    char *to = g_strdup_printf("%s/art/%s", dir, name);
    if (link(from, to) != 0)
        fail_msg("link %s %s: %s", from, to, strerror(errno));
    g_free(to);
}

static json_t *
make_order(const char *id, const char *name, int age, const char *lang, const char *trim,
           const char *binding)
{
    json_t *o = json_pack("{s:s, s:{s:s, s:i}, s:{s:s, s:s, s:s}}", "order_id", id,
                          "child", "name", name, "age", age, "book", "language", lang,
                          "trim", trim, "binding", binding);
    assert_non_null(o);
    return o;
}

static const char *sentences[] = {
    "Léa tiptoed between the giant ferns, where a little green dinosaur was waiting.",
    "The dinosaur sneezed, and all the butterflies flew up like confetti.",
    "They followed the river until the sun turned orange over the hills.",
    "At the top of the hill, a nest of speckled eggs was warm in the grass.",
};

static json_t *
make_story(const char *id, const char *lang, size_t npages, const char *child)
{
    json_t *scene = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:s}", "setting",
                              "forest", "time_of_day", "morning", "weather", "clear",
                              "action", "walking", "mood", "curious", "companions",
                              "objects", "description", "A walk in the forest.");
    json_t *pages = json_array();
    for (size_t i = 0; i < npages; i++) {
        char *t = g_strdup_printf("%s %s", sentences[i % 4], i == 0 ? child : "");
        json_array_append_new(pages, json_pack("{s:s, s:O}", "text", t, "scene", scene));
        g_free(t);
    }
    char *title = g_strdup_printf("%s and the Secret of Fern Valley", child);
    char *ded =
        g_strdup_printf("For %s, who is never too small for a big adventure.", child);
    json_t *s =
        json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:O}, s:o}", "version", 1,
                  "order_id", id, "language", lang, "provider", "builtin", "title", title,
                  "dedication", ded, "blurb",
                  "One morning, a little dinosaur knocks at the window. Where will "
                  "it lead? A gentle adventure through ferns, rivers and hills.",
                  "ending", "The End", "cover", "scene", scene, "pages", pages);
    assert_non_null(s);
    json_decref(scene);
    g_free(title);
    g_free(ded);
    return s;
}

/* A fresh order folder with art/ holding cover.jpg and page-NN.jpg. */
static char *
make_folder(const char *trim, size_t npages)
{
    struct geom g;
    struct err e = {0};
    assert_int_equal(geom_compute(trim, "hardcover", 24, &g, &e), 0);
    char *dir = g_strdup_printf("%s/order-%d", root, ++serial);
    char *art = g_strdup_printf("%s/art", dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mkdir(art, 0755), 0);
    char *pic = picture_for(g.art_w_px, g.art_h_px);
    link_picture(pic, dir, "cover.jpg");
    for (size_t i = 0; i < npages; i++) {
        char name[32];
        snprintf(name, sizeof name, "page-%02zu.jpg", i + 1);
        link_picture(pic, dir, name);
    }
    g_free(pic);
    g_free(art);
    return dir;
}

static struct config *
make_config(const char *layout)
{
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    if (!cfg)
        fail_msg("config: %s", e.msg);
    if (layout && config_set(cfg, "layout", layout, &e) < 0)
        fail_msg("config: %s", e.msg);
    return cfg;
}

/* Renders a book; returns render_book's result, e filled on failure. */
static int
render(const char *dir, const char *name, const char *lang, const char *trim,
       const char *binding, size_t npages, const char *layout, struct err *e)
{
    struct config *cfg = make_config(layout);
    json_t *order = make_order("A1001", name, 5, lang, trim, binding);
    json_t *story = make_story("A1001", lang, npages, name);
    int rc = render_book(cfg, order, story, dir, e);
    json_decref(order);
    json_decref(story);
    config_free(cfg);
    return rc;
}

/* Runs a shell command, returns its standard output (fresh string). */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        fail_msg("popen %s: %s", cmd, strerror(errno));
    GString *out = g_string_new(NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        g_string_append_len(out, buf, (gssize)n);
    int st = pclose(p);
    if (st != 0)
        fail_msg("%s: exit status %d", cmd, st);
    g_free(cmd);
    return g_string_free(out, FALSE);
}

static char *
pdf(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s", dir, name);
}

/* pdfinfo's "Pages:" and "Page size:" */
static void
pdf_info(const char *path, int *pages, double *w, double *h)
{
    char *out = run("pdfinfo '%s'", path);
    const char *p = strstr(out, "Pages:");
    assert_non_null(p);
    *pages = atoi(p + 6);
    p = strstr(out, "Page size:");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "Page size: %lf x %lf pts", w, h), 2);
    g_free(out);
}

/* The value of one "Key: value" line of pdfinfo (a static copy). */
static const char *
info_field(const char *info, const char *key)
{
    static char val[256];
    char *pat = g_strdup_printf("\n%s:", key);
    const char *p = strstr(info, pat);
    if (!p && strncmp(info, pat + 1, strlen(pat + 1)) == 0)
        p = info - 1;
    val[0] = 0;
    if (p) {
        p += strlen(pat);
        p += strspn(p, " ");
        size_t n = strcspn(p, "\n");
        if (n >= sizeof val)
            n = sizeof val - 1;
        memcpy(val, p, n);
        val[n] = 0;
    }
    g_free(pat);
    return val;
}

/* Every font listed by pdffonts is embedded; returns how many there are. */
static int
fonts_all_embedded(const char *path)
{
    char *out = run("pdffonts '%s'", path);
    char **lines = g_strsplit(out, "\n", -1);
    int fonts = 0;
    for (int i = 2; lines[i]; i++) { /* two header lines */
        if (!lines[i][0])
            continue;
        char **tok = g_strsplit_set(g_strstrip(lines[i]), " ", -1);
        int n = 0;
        char *words[64];
        for (int j = 0; tok[j] && n < 64; j++)
            if (tok[j][0])
                words[n++] = tok[j];
        /* ... emb sub uni object-number generation */
        assert_true(n >= 6);
        if (strcmp(words[n - 5], "yes") != 0)
            fail_msg("%s: font not embedded: %s", path, lines[i]);
        fonts++;
        g_strfreev(tok);
    }
    g_strfreev(lines);
    g_free(out);
    return fonts;
}

static int
text_has(const char *path, int page, const char *needle)
{
    char *out = page ? run("pdftotext -f %d -l %d '%s' -", page, page, path)
                     : run("pdftotext '%s' -", path);
    /* pdftotext ends lines where the layout did: compare without them */
    for (char *c = out; *c; c++)
        if (*c == '\n')
            *c = ' ';
    int found = strstr(out, needle) != NULL;
    if (!found)
        print_message("%s page %d: \"%s\" not in:\n%s\n", path, page, needle, out);
    g_free(out);
    return found;
}

/* Reads one page rendered at low resolution as PPM; returns the standard
 * deviation of its grey levels and the mean (0-255). */
static void
page_look(const char *path, int page, double *stddev, double *mean)
{
    char *cmd =
        g_strdup_printf("pdftoppm -r 20 -gray -f %d -l %d '%s'", page, page, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int w, h, max;
    assert_int_equal(fscanf(p, "P5 %d %d %d", &w, &h, &max), 3);
    fgetc(p);
    size_t n = (size_t)w * h;
    unsigned char *px = malloc(n);
    assert_non_null(px);
    assert_int_equal(fread(px, 1, n, p), n);
    assert_int_equal(pclose(p), 0);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        sum += px[i];
        sq += (double)px[i] * px[i];
    }
    *mean = sum / n;
    *stddev = sqrt(sq / n - *mean * *mean);
    free(px);
    g_free(cmd);
}

/* Every word of every page (pdftotext -bbox) lies inside [x0,x1]×[y0,y1]
 * given per page by check(); returns the number of words seen. */
struct word {
    int page;
    double x0, y0, x1, y1;
    char text[128];
};

static int
words_of(const char *path, struct word **out)
{
    char *html = run("pdftotext -bbox '%s' - 2>/dev/null", path);
    int cap = 256, n = 0, page = 0;
    struct word *w = malloc(cap * sizeof *w);
    for (char *line = strtok(html, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "<page "))
            page++;
        char *p = strstr(line, "<word ");
        if (!p)
            continue;
        if (n == cap)
            w = realloc(w, (cap *= 2) * sizeof *w);
        assert_non_null(w);
        w[n].page = page;
        int m = sscanf(
            p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%127[^<]",
            &w[n].x0, &w[n].y0, &w[n].x1, &w[n].y1, w[n].text);
        assert_true(m >= 4);
        n++;
    }
    g_free(html);
    *out = w;
    return n;
}

/* ---- tests -------------------------------------------------------------- */

struct shape {
    const char *trim, *binding;
    size_t story_pages;
    int want_pages;
    double page_w, page_h;
    double cover_w;
};

static void
check_book(const struct shape *s)
{
    char *dir = make_folder(s->trim, s->story_pages);
    struct err e = {0};
    if (render(dir, "Léa", "en", s->trim, s->binding, s->story_pages, NULL, &e) != 0)
        fail_msg("render %s %s: %s", s->trim, s->binding, e.msg);
    char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
    int pages;
    double w, h;
    pdf_info(in, &pages, &w, &h);
    assert_int_equal(pages, s->want_pages);
    if (fabs(w - s->page_w) > 0.01 || fabs(h - s->page_h) > 0.01)
        fail_msg("interior %s: %g x %g pt, want %g x %g", s->trim, w, h, s->page_w,
                 s->page_h);
    /* every page the same size */
    char *sizes = run("pdfinfo -f 1 -l %d '%s'", s->want_pages, in);
    int seen = 0;
    for (const char *p = strstr(sizes, "\nPage "); p; p = strstr(p + 1, "\nPage ")) {
        int no;
        double pw, ph;
        if (sscanf(p, "\nPage %d size: %lf x %lf pts", &no, &pw, &ph) != 3)
            continue;
        if (fabs(pw - s->page_w) > 0.01 || fabs(ph - s->page_h) > 0.01)
            fail_msg("page %d: %g x %g pt", no, pw, ph);
        seen++;
    }
    assert_int_equal(seen, s->want_pages);
    g_free(sizes);
    pdf_info(cv, &pages, &w, &h);
    assert_int_equal(pages, 1);
    /* A casewrap's sheet has Lulu's 0.75 in of wrap beyond the bleed on every
     * edge ("Creating your hardcover casewrap cover", help.lulu.com). */
    double wrap = strcmp(s->binding, "hardcover") == 0 ? 0.75 * 72 : 0;
    if (fabs(w - s->cover_w - 2 * wrap) > 0.01 || fabs(h - s->page_h - 2 * wrap) > 0.01)
        fail_msg("cover %s %s: %g x %g pt, want %g x %g", s->trim, s->binding, w, h,
                 s->cover_w + 2 * wrap, s->page_h + 2 * wrap);
    assert_true(fonts_all_embedded(in) >= 1);
    assert_true(fonts_all_embedded(cv) >= 1);
    /* nothing left behind under a temporary name */
    char *tmp = pdf(dir, "interior.pdf.tmp");
    assert_int_not_equal(access(tmp, F_OK), 0);
    g_free(tmp);
    g_free(in);
    g_free(cv);
    g_free(dir);
}

static void
test_square_hardcover(void **state)
{
    (void)state;
    /* 24 story pages + title, dedication, ending, colophon = 28 */
    struct shape s = {"8.5x8.5", "hardcover", 24, 28, 630, 630, (17 + 0.25 + 0.25) * 72};
    check_book(&s);
}

static void
test_8x10_paperback(void **state)
{
    (void)state;
    /* 28 content pages padded to the paperback minimum of 32 */
    struct shape s = {
        "8x10", "paperback", 24, 32, 594, 738, (16 + 32 / 444.0 + 0.06 + 0.25) * 72};
    check_book(&s);
}

static void
test_6x9_hardcover(void **state)
{
    (void)state;
    struct shape s = {"6x9", "hardcover", 24, 28, 450, 666, (12 + 0.25 + 0.25) * 72};
    check_book(&s);
}

/* A paperback's spine grows with its pages (pages/444 + 0.06 in). */
static void
test_cover_grows(void **state)
{
    (void)state;
    const struct {
        size_t story;
        int pages;
    } c[] = {{24, 32}, {32, 36}, {196, 200}};
    double last = 0;
    for (size_t i = 0; i < 3; i++) {
        char *dir = make_folder("8.5x8.5", c[i].story);
        struct err e = {0};
        if (render(dir, "Léa", "en", "8.5x8.5", "paperback", c[i].story, NULL, &e) != 0)
            fail_msg("%s", e.msg);
        char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
        int pages;
        double w, h;
        pdf_info(in, &pages, &w, &h);
        assert_int_equal(pages, c[i].pages);
        pdf_info(cv, &pages, &w, &h);
        double want = (17 + c[i].pages / 444.0 + 0.06 + 0.25) * 72;
        if (fabs(w - want) > 0.01)
            fail_msg("%d pages: cover %g pt wide, want %g", c[i].pages, w, want);
        assert_true(w > last);
        last = w;
        /* 200 pages: the spine carries the title; thinner spines do not */
        char *spine = run("pdftotext -x %d -y 0 -W %d -H 630 '%s' -", (int)(9 + 8.5 * 72),
                          (int)(c[i].pages / 444.0 * 72 + 5), cv);
        if (c[i].pages >= 80)
            assert_non_null(strstr(spine, "Fern"));
        else
            assert_null(strstr(spine, "Fern"));
        g_free(spine);
        g_free(in);
        g_free(cv);
        g_free(dir);
    }
}

/* What a reader sees: the name and the story's words, a real picture on a
 * story page, the JPEG embedded byte for byte, the metadata. */
static void
test_content(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 24);
    struct err e = {0};
    if (render(dir, "Léa", "en", "8.5x8.5", "hardcover", 24, NULL, &e) != 0)
        fail_msg("%s", e.msg);
    char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
    assert_true(text_has(in, 1, "Léa and the Secret of Fern Valley"));
    assert_true(text_has(in, 1, "A story for Léa"));
    assert_true(text_has(in, 2, "never too small"));
    assert_true(text_has(in, 3, "where a little green dinosaur was waiting."));
    assert_true(text_has(in, 27, "The End"));
    assert_true(text_has(in, 28, "A1001"));
    assert_true(text_has(in, 28, "Made with storypress"));
    assert_true(text_has(cv, 0, "Secret of Fern Valley"));
    assert_true(text_has(cv, 0, "A story for Léa"));
    assert_true(text_has(cv, 0, "knocks at the window"));

    double sd, mean;
    page_look(in, 3, &sd, &mean);
    if (sd < 10 || mean < 60)
        fail_msg("story page looks blank or black: mean %.1f, spread %.1f", mean, sd);
    page_look(cv, 1, &sd, &mean);
    assert_true(sd > 10 && mean > 60);

    char *imgdir = g_strdup_printf("%s/imgs", dir);
    assert_int_equal(mkdir(imgdir, 0755), 0);
    char *list = run("pdfimages -j -f 3 -l 3 '%s' '%s/p' && ls '%s'", in, imgdir, imgdir);
    assert_non_null(strstr(list, "p-000.jpg"));
    g_free(list);
    char *a = NULL, *b = NULL;
    size_t alen, blen;
    char *extracted = g_strdup_printf("%s/p-000.jpg", imgdir);
    char *orig = g_strdup_printf("%s/art/page-01.jpg", dir);
    assert_true(g_file_get_contents(extracted, &a, &alen, NULL));
    assert_true(g_file_get_contents(orig, &b, &blen, NULL));
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    g_free(a);
    g_free(b);
    g_free(extracted);
    g_free(orig);
    g_free(imgdir);

    char *info = run("pdfinfo '%s'", in);
    assert_string_equal(info_field(info, "Title"), "Léa and the Secret of Fern Valley");
    assert_string_equal(info_field(info, "Creator"), "storypress");
    assert_string_equal(info_field(info, "Encrypted"), "no");
    assert_string_equal(info_field(info, "CreationDate"), "Thu Jan  1 00:00:00 2026 UTC");
    g_free(info);
    g_free(in);
    g_free(cv);
    g_free(dir);
}

/* All text inside the safety margin; story text below the face zone. */
static void
test_safe_area(void **state)
{
    (void)state;
    char *dir = make_folder("6x9", 24);
    struct err e = {0};
    if (render(dir, "Léa", "en", "6x9", "hardcover", 24, NULL, &e) != 0)
        fail_msg("%s", e.msg);
    char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
    struct word *w;
    int n = words_of(in, &w);
    assert_true(n > 24 * 8);
    double lo = (0.125 + 0.5) * 72, hix = 450 - lo, hiy = 666 - lo;
    for (int i = 0; i < n; i++) {
        if (w[i].x0 < lo - 0.5 || w[i].y0 < lo - 0.5 || w[i].x1 > hix + 0.5 ||
            w[i].y1 > hiy + 0.5)
            fail_msg(
                "page %d: \"%s\" at %.1f,%.1f-%.1f,%.1f is outside the safety margin",
                w[i].page, w[i].text, w[i].x0, w[i].y0, w[i].x1, w[i].y1);
        if (w[i].page >= 3 && w[i].page <= 26 && w[i].y0 < 666 * 0.65)
            fail_msg("page %d: \"%s\" at y %.1f covers the face zone", w[i].page,
                     w[i].text, w[i].y0);
    }
    free(w);

    /* cover: back and front panels each keep their own safety margin, and
     * the back's lower right stays clear for the barcode */
    n = words_of(cv, &w);
    /* the edge of the trim: bleed and the casewrap's 0.75 in wrap */
    double tw = 6 * 72, bleed = 9 + 54, safe = 36, spine = 0.25 * 72, ch = 666 + 108;
    for (int i = 0; i < n; i++) {
        int back = w[i].x1 < bleed + tw;
        double px0 = back ? bleed : bleed + tw + spine;
        if (w[i].x0 < px0 + safe - 0.5 || w[i].x1 > px0 + tw - safe + 0.5 ||
            w[i].y0 < bleed + safe - 0.5 || w[i].y1 > ch - bleed - safe + 0.5)
            fail_msg("cover: \"%s\" at %.1f,%.1f is outside the safety margin", w[i].text,
                     w[i].x0, w[i].y0);
        if (back && w[i].x1 > bleed + tw - 2.5 * 72 && w[i].y1 > ch - bleed - 1.5 * 72)
            fail_msg("cover: \"%s\" is in the barcode area", w[i].text);
    }
    free(w);
    g_free(in);
    g_free(cv);
    g_free(dir);
}

static void
test_facing(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 24);
    struct err e = {0};
    if (render(dir, "Léa", "fr", "8.5x8.5", "hardcover", 24, "facing", &e) != 0)
        fail_msg("%s", e.msg);
    char *in = pdf(dir, "interior.pdf");
    int pages;
    double w, h;
    pdf_info(in, &pages, &w, &h);
    /* title, quiet page, dedication, 24 spreads, ending, colophon: 53,
     * filled to 56 by the bookplate and the portrait in front (pages 1, 2)
     * and a drawing page before the colophon */
    assert_int_equal(pages, 56);
    /* the first spread: text on the left (page 6), picture on the right (7) */
    assert_true(text_has(in, 6, "where a little green dinosaur was waiting."));
    char *list = run("pdfimages -list -f 6 -l 7 '%s'", in);
    char **lines = g_strsplit(list, "\n", -1);
    int on4 = 0, on5 = 0;
    for (int i = 2; lines[i]; i++) {
        int page;
        if (sscanf(lines[i], "%d", &page) == 1)
            on4 += page == 6, on5 += page == 7;
    }
    assert_int_equal(on4, 0);
    assert_int_equal(on5, 1);
    g_strfreev(lines);
    g_free(list);
    /* the words the renderer adds speak the book's language */
    assert_true(text_has(in, 3, "Une histoire pour Léa"));
    assert_true(text_has(in, 56, "Fabriqué avec storypress"));
    g_free(in);
    g_free(dir);
}

static void
test_text_too_long(void **state)
{
    (void)state;
    char *dir = make_folder("6x9", 24);
    struct config *cfg = make_config(NULL);
    json_t *order = make_order("A1002", "Léa", 5, "en", "6x9", "hardcover");
    json_t *story = make_story("A1002", "en", 24, "Léa");
    GString *long_text = g_string_new(NULL);
    while (long_text->len < 590)
        g_string_append(long_text, "The little dinosaur walked on and on. ");
    json_object_set_new(json_array_get(json_object_get(story, "pages"), 6), "text",
                        json_string(long_text->str));
    struct err e = {0};
    assert_int_equal(render_book(cfg, order, story, dir, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    if (!strstr(e.msg, "page 7: text does not fit at 13 pt"))
        fail_msg("unexpected error: %s", e.msg);
    char *in = pdf(dir, "interior.pdf"), *tmp = pdf(dir, "interior.pdf.tmp");
    assert_int_not_equal(access(in, F_OK), 0);
    assert_int_not_equal(access(tmp, F_OK), 0);
    g_free(in);
    g_free(tmp);
    g_string_free(long_text, TRUE);
    json_decref(order);
    json_decref(story);
    config_free(cfg);
    g_free(dir);
}

/* Every script a child's name may come in, with the book's font first and
 * fontconfig's fallbacks: no missing glyph, every font embedded. */
static void
test_names(void **state)
{
    (void)state;
    const char *names[] = {"Zoë",  "Łukasz", "Ньюша", "Αλέξης",
                           "مريم", "נועה",   "美咲",  "서준"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *dir = make_folder("8.5x8.5", 2);
        struct err e = {0};
        if (render(dir, names[i], "en", "8.5x8.5", "hardcover", 2, NULL, &e) != 0)
            fail_msg("%s: %s", names[i], e.msg);
        char *cv = pdf(dir, "cover.pdf"), *in = pdf(dir, "interior.pdf");
        assert_true(fonts_all_embedded(cv) >= 2 || i < 4);
        fonts_all_embedded(in);
        /* pdftotext gives right-to-left names in logical order too */
        assert_true(text_has(cv, 0, names[i]));
        g_free(cv);
        g_free(in);
        g_free(dir);
    }
}

/* The number of times needle occurs in hay. */
static int
count_of(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* text without spaces and without the bidi marks pdftotext puts around a
 * right-to-left run; with or without its line ends. */
static char *
squeeze(const char *text, int keep_newlines)
{
    GString *j = g_string_new(NULL);
    for (const char *c = text; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        if (u == ' ' || (u == '\n' && !keep_newlines) || u == 0x200E || u == 0x200F ||
            (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            continue;
        g_string_append_unichar(j, u);
    }
    return g_string_free(j, FALSE);
}

/* How often pdftotext shows needle whole on one line, and how often with
 * the line ends taken out: a name broken over two lines is whole only in
 * the second.  Spaces do not count: poppler puts one between Arabic
 * letters that cairo places one by one, on the same line. */
static void
lines_count(const char *path, const char *needle, int *whole, int *joined)
{
    char *out = run("pdftotext '%s' -", path);
    char *n = squeeze(needle, 0), *lines = squeeze(out, 1), *flat = squeeze(out, 0);
    *whole = count_of(lines, n);
    *joined = count_of(flat, n);
    g_free(n);
    g_free(lines);
    g_free(flat);
    g_free(out);
}

/* A story that puts the name (or the phrases) at every place of a line:
 * page k starts with 2k words before it. */
static json_t *
story_with(const char *id, const char *lang, const char *name, const char *const *phrases,
           size_t nphrases, size_t npages, int *in_story)
{
    static const char *filler[] = {"Once",  "upon",  "a",      "time",   "in",
                                   "a",     "green", "valley", "far",    "away",
                                   "there", "lived", "a",      "little", "dragon",
                                   "who",   "liked", "to",     "sing",   "songs"};
    json_t *scene =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:s}", "setting", "forest",
                  "time_of_day", "morning", "weather", "clear", "action", "walking",
                  "mood", "curious", "companions", "objects", "description", "A walk.");
    json_t *pages = json_array();
    *in_story = 0;
    for (size_t k = 0; k < npages; k++) {
        GString *t = g_string_new(NULL);
        for (size_t w = 0; w < (2 * k) % 20; w++)
            g_string_append_printf(t, "%s ", filler[w]);
        const char *a = nphrases ? phrases[k % nphrases] : name;
        const char *b = nphrases ? phrases[(k + 1) % nphrases] : name;
        g_string_append_printf(t,
                               "%s and the dragon sang together by the river, then %s "
                               "went home happy and tired.",
                               a, b);
        *in_story += count_of(t->str, nphrases ? phrases[0] : name);
        json_array_append_new(pages,
                              json_pack("{s:s, s:O}", "text", t->str, "scene", scene));
        g_string_free(t, TRUE);
    }
    char *title = g_strdup_printf("%s and the Singing Dragon", name);
    char *ded = g_strdup_printf("For %s.", name);
    json_t *s =
        json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:O}, s:o}", "version", 1,
                  "order_id", id, "language", lang, "provider", "builtin", "title", title,
                  "dedication", ded, "blurb", "A gentle story about a dragon who sings.",
                  "ending", "The End", "cover", "scene", scene, "pages", pages);
    json_decref(scene);
    g_free(title);
    g_free(ded);
    return s;
}

/* The child's name, in any script, is never broken over two lines, on any
 * layout and trim: pdftotext finds it whole as often as the book prints it. */
static void
test_names_whole(void **state)
{
    (void)state;
    const char *names[] = {"王小明", "美咲", "عائشة", "अनन्या", "Marie-Sophie-Charlotte"};
    const char *trims[] = {"8.5x8.5", "8x10", "6x9"};
    const char *layouts[] = {"fullbleed", "facing"};
    for (size_t t = 0; t < 3; t++) {
        char *dir = make_folder(trims[t], 8);
        for (size_t l = 0; l < 2; l++) {
            for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
                struct config *cfg = make_config(layouts[l]);
                json_t *order =
                    make_order("A1001", names[n], 5, "en", trims[t], "hardcover");
                int in_story;
                json_t *story =
                    story_with("A1001", "en", names[n], NULL, 0, 8, &in_story);
                struct err e = {0};
                if (render_book(cfg, order, story, dir, &e) != 0)
                    fail_msg("%s %s %s: %s", names[n], trims[t], layouts[l], e.msg);
                char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
                int whole, joined;
                lines_count(in, names[n], &whole, &joined);
                /* the story, the title page's title and line, the
                 * dedication, the colophon's title and line */
                if (whole != in_story + 5 || joined != whole)
                    fail_msg("%s, %s, %s: the name whole %d times on a line, %d with the "
                             "lines joined, the book prints it %d times",
                             names[n], trims[t], layouts[l], whole, joined, in_story + 5);
                lines_count(cv, names[n], &whole, &joined);
                if (whole != 2 || joined != 2)
                    fail_msg(
                        "%s, %s, %s: cover: the name whole %d times, %d joined, want 2",
                        names[n], trims[t], layouts[l], whole, joined);
                g_free(in);
                g_free(cv);
                json_decref(order);
                json_decref(story);
                config_free(cfg);
            }
        }
        g_free(dir);
    }
}

/* A French inversion is never broken at its hyphen. */
static void
test_french_inversions(void **state)
{
    (void)state;
    const char *phrases[] = {"murmure-t-elle", "dit-il", "a-t-il"};
    const char *trims[] = {"8.5x8.5", "8x10", "6x9"};
    const char *layouts[] = {"fullbleed", "facing"};
    for (size_t t = 0; t < 3; t++) {
        char *dir = make_folder(trims[t], 8);
        for (size_t l = 0; l < 2; l++) {
            struct config *cfg = make_config(layouts[l]);
            json_t *order = make_order("A1001", "Léa", 5, "fr", trims[t], "hardcover");
            int in_story;
            json_t *story = story_with("A1001", "fr", "Léa", phrases, 3, 8, &in_story);
            struct err e = {0};
            if (render_book(cfg, order, story, dir, &e) != 0)
                fail_msg("%s %s: %s", trims[t], layouts[l], e.msg);
            char *in = pdf(dir, "interior.pdf");
            for (size_t p = 0; p < 3; p++) {
                int whole, joined;
                lines_count(in, phrases[p], &whole, &joined);
                /* each phrase is on 2 of every 3 pages: 8 pages hold 5 or 6 */
                if (whole < 5 || whole != joined)
                    fail_msg("%s, %s: \"%s\" whole %d times, %d with the lines joined",
                             trims[t], layouts[l], phrases[p], whole, joined);
            }
            g_free(in);
            json_decref(order);
            json_decref(story);
            config_free(cfg);
        }
        g_free(dir);
    }
}

/* The height pdftotext gives the words of page `page` (0: every page) that
 * equal one of want: the smallest and the largest. */
static void
word_heights(const char *path, int page, const char *const *want, double *lo, double *hi)
{
    struct word *w;
    int n = words_of(path, &w);
    *lo = 1e9;
    *hi = 0;
    for (int i = 0; i < n; i++) {
        if (page && w[i].page != page)
            continue;
        for (const char *const *k = want; *k; k++)
            if (strcmp(w[i].text, *k) == 0) {
                double h = w[i].y1 - w[i].y0;
                *lo = fmin(*lo, h);
                *hi = fmax(*hi, h);
            }
    }
    free(w);
    assert_true(*hi > 0);
}

/* The title is never set smaller than the line under it, on the cover and
 * the title page, even for a long name on the narrowest trim. */
static void
test_title_size(void **state)
{
    (void)state;
    const char *names[] = {"Léa", "Marie-Sophie-Charlotte", "Maximilian-Alexander"};
    const char *title_words[] = {"Secret", "Fern", "Valley", NULL};
    const char *line_words[] = {"story", "for", NULL};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *dir = make_folder("6x9", 4);
        struct err e = {0};
        struct config *cfg = make_config(NULL);
        json_t *order = make_order("A1001", names[i], 5, "en", "6x9", "paperback");
        json_t *story = make_story("A1001", "en", 4, names[i]);
        char *title = g_strdup_printf(
            "%s and the Great Journey to the Secret Kingdom of Fern Valley", names[i]);
        json_object_set_new(story, "title", json_string(title));
        g_free(title);
        if (render_book(cfg, order, story, dir, &e) != 0)
            fail_msg("%s: %s", names[i], e.msg);
        json_decref(order);
        json_decref(story);
        config_free(cfg);
        char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
        double tlo, thi, llo, lhi;
        word_heights(cv, 0, title_words, &tlo, &thi);
        word_heights(cv, 0, line_words, &llo, &lhi);
        if (tlo < lhi)
            fail_msg("%s: cover title %.1f pt high, the line under it %.1f", names[i],
                     tlo, lhi);
        /* 8 content pages filled to 32: the bookplate and the portrait
         * come first, the title page is the third */
        assert_true(text_has(in, 3, "A story for"));
        word_heights(in, 3, title_words, &tlo, &thi);
        word_heights(in, 3, line_words, &llo, &lhi);
        if (tlo < lhi)
            fail_msg("%s: title page title %.1f pt high, the line under it %.1f",
                     names[i], tlo, lhi);
        g_free(in);
        g_free(cv);
        g_free(dir);
    }
}

/* The binding's page count is reached with pages that belong in a book,
 * never blank ones: what a reader finds on each page, en and fr. */
static void
test_padding(void **state)
{
    (void)state;
    const struct {
        const char *lang, *binding, *layout;
        int pages;
        const char *first[3]; /* pages 1, 2, 3 */
        const char *tail[3];  /* the last three pages */
    } c[] = {
        /* 28 content pages, paperback minimum 32: 4 to fill */
        {"en",
         "paperback",
         "fullbleed",
         32,
         {"This book belongs to…", "This is me", "Léa and the Secret of Fern Valley"},
         {"Draw your favourite moment of the story", "Notes and memories",
          "Order A1001"}},
        /* 53 → 56: 3 to fill */
        {"fr",
         "hardcover",
         "facing",
         56,
         {"Ce livre appartient à…", "Mon portrait", "Une histoire pour Léa"},
         {"Fin", "Dessine ton moment préféré de l’histoire", "Commande A1001"}},
        /* 28 pages are a whole hardcover: nothing added */
        {"en",
         "hardcover",
         "fullbleed",
         28,
         {"Léa and the Secret of Fern Valley", "never too small", "green dinosaur"},
         {"speckled eggs", "The End", "Order A1001"}},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *dir = make_folder("8.5x8.5", 24);
        struct config *cfg = make_config(c[i].layout);
        json_t *order = make_order("A1001", "Léa", 5, c[i].lang, "8.5x8.5", c[i].binding);
        json_t *story = make_story("A1001", c[i].lang, 24, "Léa");
        if (strcmp(c[i].lang, "fr") == 0)
            json_object_set_new(story, "ending", json_string("Fin"));
        struct err e = {0};
        if (render_book(cfg, order, story, dir, &e) != 0)
            fail_msg("%s %s: %s", c[i].binding, c[i].layout, e.msg);
        char *in = pdf(dir, "interior.pdf");
        int pages;
        double w, h;
        pdf_info(in, &pages, &w, &h);
        assert_int_equal(pages, c[i].pages);
        for (int k = 0; k < 3; k++) {
            if (!text_has(in, k + 1, c[i].first[k]))
                fail_msg("%s %s: page %d", c[i].binding, c[i].layout, k + 1);
            if (!text_has(in, pages - 2 + k, c[i].tail[k]))
                fail_msg("%s %s: page %d", c[i].binding, c[i].layout, pages - 2 + k);
        }
        /* every page says something but, in facing, the title's quiet back
         * and the 24 pictures */
        char *all = run("pdftotext '%s' -", in);
        char **pg = g_strsplit(all, "\f", -1);
        int empty = 0;
        for (int k = 0; k < pages && pg[k]; k++)
            if (!g_strstrip(pg[k])[0])
                empty++;
        assert_int_equal(empty, strcmp(c[i].layout, "facing") == 0 ? 1 + 24 : 0);
        if (strcmp(c[i].binding, "hardcover") == 0 && pages == 28)
            assert_int_equal(count_of(all, "belongs"), 0);
        g_strfreev(pg);
        g_free(all);
        g_free(in);
        json_decref(order);
        json_decref(story);
        config_free(cfg);
        g_free(dir);
    }
}

/* The text goes where the illustrator left room (art/layout.json): below
 * its band's top, never above the face zone, the default band without one;
 * a file that does not parse fails the book. */
static void
test_text_band(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 4);
    char *path = g_strdup_printf("%s/art/layout.json", dir);
    const char *layout =
        "{\"version\": 1, \"pages\": {\"cover.jpg\": {\"text_band\": {\"top\": 0.78, "
        "\"bottom\": 1}}, \"page-01.jpg\": {\"text_band\": {\"top\": 0.75, \"bottom\": "
        "1}}, "
        "\"page-02.jpg\": {\"text_band\": {\"top\": 0.3, \"bottom\": 1}}}}";
    assert_true(g_file_set_contents(path, layout, -1, NULL));
    struct err e = {0};
    /* page 1's text is long enough that in the default band it would
     * rise above 0.75 of the page */
    struct config *cfg = make_config(NULL);
    json_t *order = make_order("A1001", "Léa", 5, "en", "8.5x8.5", "hardcover");
    json_t *story = make_story("A1001", "en", 4, "Léa");
    json_object_set_new(json_array_get(json_object_get(story, "pages"), 0), "text",
                        json_string("Léa tiptoed between the giant ferns, where a little "
                                    "green dinosaur was waiting for her with a basket of "
                                    "berries, a map of the valley and a very old compass "
                                    "that always pointed towards home."));
    if (render_book(cfg, order, story, dir, &e) != 0)
        fail_msg("%s", e.msg);
    json_decref(order);
    json_decref(story);
    config_free(cfg);
    char *in = pdf(dir, "interior.pdf"), *cv = pdf(dir, "cover.pdf");
    /* bookplate, portrait, title, dedication: the story starts on page 5 */
    assert_true(text_has(in, 5, "green dinosaur"));
    struct word *w;
    int n = words_of(in, &w), seen[4] = {0};
    for (int i = 0; i < n; i++) {
        if (w[i].page < 5 || w[i].page > 8)
            continue;
        double top = w[i].page == 5 ? 0.75 * 630 : 0.65 * 630;
        if (w[i].y0 < top)
            fail_msg("page %d: \"%s\" at y %.1f, above the band's top %.1f", w[i].page,
                     w[i].text, w[i].y0, top);
        seen[w[i].page - 5]++;
    }
    free(w);
    for (int k = 0; k < 4; k++)
        assert_true(seen[k] > 3);
    n = words_of(cv, &w);
    int front = 0;
    for (int i = 0; i < n; i++) {
        if (w[i].x0 < 9 + 612 + 18) /* the back and the spine */
            continue;
        front++;
        if (w[i].y0 < 0.78 * 630)
            fail_msg("cover: \"%s\" at y %.1f, above the band's top", w[i].text, w[i].y0);
    }
    assert_true(front >= 5);
    free(w);

    assert_true(g_file_set_contents(path, "{\"pages\": ", -1, NULL));
    err_clear(&e);
    assert_int_equal(render(dir, "Léa", "en", "8.5x8.5", "hardcover", 4, NULL, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "art/layout.json"));
    g_free(path);
    g_free(in);
    g_free(cv);
    g_free(dir);
}

/* A name wider than any line (40 ideographs, the longest a child's name
 * may be) is the one case it is broken: the book is still made. */
static void
test_long_name(void **state)
{
    (void)state;
    GString *name = g_string_new(NULL);
    for (int i = 0; i < 20; i++)
        g_string_append(name, "美咲");
    char *dir = make_folder("6x9", 2);
    struct err e = {0};
    if (render(dir, name->str, "en", "6x9", "hardcover", 2, NULL, &e) != 0)
        fail_msg("%s", e.msg);
    char *cv = pdf(dir, "cover.pdf");
    assert_true(text_has(cv, 0, "A story for 美咲美咲"));
    g_free(cv);
    g_free(dir);
    g_string_free(name, TRUE);
}

/* A right-to-left name at the start of an English sentence: the sentence
 * stays left to right, the name sits at its left end, its letters in
 * right-to-left order. */
static void
test_bidi(void **state)
{
    (void)state;
    struct render_text rt;
    struct err e = {0};
    const char *name = "\xD9\x85\xD8\xB1\xD9\x8A\xD9\x85"; /* مريم */
    assert_int_equal(render_text_init(&rt, "Andika", "en", name, &e), 0);
    char *text = g_strdup_printf("%s and the Moon", name);
    struct render_style st = {.size = 20, .min_size = 20, .align = PANGO_ALIGN_LEFT};
    PangoLayout *l = render_text_fit(&rt, text, &st, 500, 100, "test", &e);
    assert_non_null(l);
    PangoRectangle first, last, and;
    pango_layout_index_to_pos(l, 0, &first);                    /* م, first letter */
    pango_layout_index_to_pos(l, (int)strlen(name) - 2, &last); /* م, last letter */
    pango_layout_index_to_pos(l, (int)strlen(name) + 1, &and);  /* the "a" of "and" */
    assert_true(first.x > last.x); /* the name reads right to left */
    assert_true(and.x > first.x);  /* and the English goes on to its right */
    /* the name starts the line, at the left (an RTL glyph's rectangle
     * runs leftwards from x: its width is negative) */
    assert_true(MIN(last.x, last.x + last.width) < PANGO_SCALE);
    g_object_unref(l);
    g_free(text);
    render_text_fini(&rt);
}

/* French punctuation keeps its no-break space: "!" never starts a line,
 * "»" never either, however the text wraps. */
static void
test_french_spaces(void **state)
{
    (void)state;
    struct render_text rt;
    struct err e = {0};
    assert_int_equal(render_text_init(&rt, "Andika", "fr", "Léa", &e), 0);
    GString *t = g_string_new(NULL);
    for (int i = 0; i < 12; i++)
        g_string_append(
            t,
            "«\xC2\xA0Regarde\xC2\xA0!\xC2\xA0» dit Léa\xE2\x80\xAF; on y va\xC2\xA0? ");
    for (double w = 130; w <= 330; w += 7) {
        struct render_style st = {.size = 14, .min_size = 14, .align = PANGO_ALIGN_LEFT};
        PangoLayout *l = render_text_fit(&rt, t->str, &st, w, 5000, "test", &e);
        if (!l)
            fail_msg("width %g: %s", w, e.msg);
        int n = pango_layout_get_line_count(l);
        assert_true(n > 1);
        for (int i = 1; i < n; i++) {
            const char *start =
                t->str + pango_layout_get_line_readonly(l, i)->start_index;
            if (*start == '!' || *start == '?' || *start == ';' ||
                strncmp(start, "»", 2) == 0)
                fail_msg("width %g: line %d starts with \"%.8s\"", w, i, start);
        }
        g_object_unref(l);
    }
    g_string_free(t, TRUE);
    render_text_fini(&rt);
}

static void
test_missing_glyph(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 2);
    struct err e = {0};
    assert_int_equal(
        render(dir, "Léa\xEE\x80\x80", "en", "8.5x8.5", "hardcover", 2, NULL, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    if (!strstr(e.msg, "cover: no font has a glyph for U+E000 in the child's name"))
        fail_msg("unexpected error: %s", e.msg);
    g_free(dir);
}

static void
test_wrong_size(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 2);
    char *small = g_strdup_printf("%s/art/page-02.jpg", dir);
    assert_int_equal(unlink(small), 0);
    write_jpeg(small, 1024, 1024, 3, 0);
    struct err e = {0};
    assert_int_equal(render(dir, "Léa", "en", "8.5x8.5", "hardcover", 2, NULL, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    if (!strstr(e.msg,
                "art/page-02.jpg: 1024×1024 pixels, the page needs 2625×2625 (300 dpi)"))
        fail_msg("unexpected error: %s", e.msg);
    /* a missing picture is named too */
    assert_int_equal(unlink(small), 0);
    err_clear(&e);
    assert_int_equal(render(dir, "Léa", "en", "8.5x8.5", "hardcover", 2, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "art/page-02.jpg"));
    g_free(small);
    g_free(dir);
}

/* A progressive JPEG is embedded as it is (PDF 1.3 reads it); the frame
 * header parser refuses what a PDF cannot carry. */
static void
test_jpeg_kinds(void **state)
{
    (void)state;
    char *dir = make_folder("8.5x8.5", 2);
    char *p1 = g_strdup_printf("%s/art/page-01.jpg", dir);
    assert_int_equal(unlink(p1), 0);
    write_jpeg(p1, 2625, 2625, 5, 1);
    struct err e = {0};
    if (render(dir, "Léa", "en", "8.5x8.5", "hardcover", 2, NULL, &e) != 0)
        fail_msg("%s", e.msg);
    double sd, mean;
    char *in = pdf(dir, "interior.pdf");
    page_look(in, 3, &sd, &mean);
    assert_true(sd > 10 && mean > 60);
    g_free(in);
    g_free(p1);
    g_free(dir);

    /* SOI, SOF (precision, h, w, components), EOI */
    unsigned char j[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0,    16,  0,
                         32,   3,    1,    0x22, 0, 0,  0, 0xFF, 0xD9};
    struct render_jpeg_info info;
    assert_int_equal(render_jpeg_parse(j, sizeof j, "x.jpg", &info, &e), 0);
    assert_int_equal(info.width, 32);
    assert_int_equal(info.height, 16);
    j[11] = 4;
    assert_int_equal(render_jpeg_parse(j, sizeof j, "x.jpg", &info, &e), -1);
    assert_non_null(strstr(e.msg, "CMYK"));
    j[11] = 3;
    j[3] = 0xC9; /* arithmetic coding */
    assert_int_equal(render_jpeg_parse(j, sizeof j, "x.jpg", &info, &e), -1);
    assert_non_null(strstr(e.msg, "arithmetic"));
    j[3] = 0xC0;
    j[6] = 12;
    assert_int_equal(render_jpeg_parse(j, sizeof j, "x.jpg", &info, &e), -1);
    assert_non_null(strstr(e.msg, "12-bit"));
    j[6] = 8;
    assert_int_equal(render_jpeg_parse(j, sizeof j - 2, "x.jpg", &info, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    j[5] = 200; /* a segment longer than the file */
    assert_int_equal(render_jpeg_parse(j, sizeof j, "x.jpg", &info, &e), -1);
    assert_non_null(strstr(e.msg, "corrupt"));
    assert_int_equal(
        render_jpeg_parse((const unsigned char *)"GIF89a", 6, "x.jpg", &info, &e), -1);
}

static int
setup(void **state)
{
    (void)state;
    root = testutil_tmpdir("test_render");
    /* The colophon's date stays the same from run to run. */
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    return root ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    testutil_tmpdir_done(root);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_hardcover),
        cmocka_unit_test(test_8x10_paperback),
        cmocka_unit_test(test_6x9_hardcover),
        cmocka_unit_test(test_cover_grows),
        cmocka_unit_test(test_content),
        cmocka_unit_test(test_safe_area),
        cmocka_unit_test(test_facing),
        cmocka_unit_test(test_text_too_long),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_names_whole),
        cmocka_unit_test(test_french_inversions),
        cmocka_unit_test(test_title_size),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_text_band),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_bidi),
        cmocka_unit_test(test_french_spaces),
        cmocka_unit_test(test_missing_glyph),
        cmocka_unit_test(test_wrong_size),
        cmocka_unit_test(test_jpeg_kinds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
