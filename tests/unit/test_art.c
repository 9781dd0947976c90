/*
 * test_art.c — the built-in illustrator as a reader of the book sees it:
 * pictures of the promised size and format, not blank, different from page
 * to page, the same from run to run, the child's own colours on the page,
 * the face above the text band, every word of the vocabularies drawable,
 * and the book loop keeping the pictures it already has.
 *
 * Pictures are small (a few hundred pixels) except one full-size page and
 * one small book at the 6x9 trim's real size, so the run stays quick.
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
#include <jansson.h>
#include <jpeglib.h>

#include "art.h"
#include "art_draw.h"
#include "config.h"
#include "fsutil.h"
#include "vocab.h"
#include "testutil.h"

static char *root; /* one temporary directory for the whole run */

/* ---- helpers ---------------------------------------------------------------- */

static struct art_character
child(void)
{
    struct art_character c = {"Léa", "she", "red", "curly", "deep", "green", "yellow", "navy",
                              0, 5};
    return c;
}

static json_t *
scene(const char *setting, const char *time, const char *weather, const char *action,
      const char *mood, const char *companions, const char *objects)
{
    json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:s}", "setting", setting,
                          "time_of_day", time, "weather", weather, "action", action, "mood",
                          mood, "companions", "objects", "description", "a test scene");
    const char *lists[2] = {companions, objects};
    const char *keys[2] = {"companions", "objects"};
    for (int k = 0; k < 2; k++) {
        if (!lists[k])
            continue;
        char *copy = strdup(lists[k]), *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
            json_array_append_new(json_object_get(s, keys[k]), json_string(w));
        free(copy);
    }
    return s;
}

static cairo_surface_t *
draw(const struct art_character *c, json_t *sc, const char *style, int w, int h, unsigned seed)
{
    struct err e = {0};
    cairo_surface_t *s = art_builtin_draw(c, sc, style, w, h, seed, &e);
    if (!s)
        fail_msg("art_builtin_draw: %s", e.msg);
    assert_int_equal(cairo_image_surface_get_width(s), w);
    assert_int_equal(cairo_image_surface_get_height(s), h);
    return s;
}

/* Draws a scene given in words, frees the scene. */
static cairo_surface_t *
draw_words(const char *setting, const char *time, const char *weather, const char *action,
           const char *mood, const char *companions, const char *objects, const char *style,
           int size)
{
    struct art_character c = child();
    json_t *sc = scene(setting, time, weather, action, mood, companions, objects);
    cairo_surface_t *s = draw(&c, sc, style, size, size, 7);
    json_decref(sc);
    return s;
}

static uint32_t
pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return ((const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x] &
           0xffffff;
}

static double
luma(uint32_t p)
{
    return 0.299 * (p >> 16 & 255) + 0.587 * (p >> 8 & 255) + 0.114 * (p & 255);
}

struct stats {
    double mean, sd;
    int colours;
};

static struct stats
measure(cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    unsigned char *seen = calloc(1 << 21, 1); /* one bit per 24-bit colour */
    assert_non_null(seen);
    double sum = 0, sum2 = 0;
    struct stats st = {0, 0, 0};
    cairo_surface_flush(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = pixel(s, x, y);
            double l = luma(p);
            sum += l;
            sum2 += l * l;
            if (!(seen[p >> 3] & (1 << (p & 7)))) {
                seen[p >> 3] |= (unsigned char)(1 << (p & 7));
                st.colours++;
            }
        }
    free(seen);
    double n = (double)w * h;
    st.mean = sum / n;
    st.sd = sqrt(fmax(0, sum2 / n - st.mean * st.mean));
    return st;
}

/* Mean absolute difference per channel, 0–255. */
static double
difference(cairo_surface_t *a, cairo_surface_t *b)
{
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    double sum = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = pixel(a, x, y), q = pixel(b, x, y);
            for (int k = 0; k < 24; k += 8)
                sum += abs((int)(p >> k & 255) - (int)(q >> k & 255));
        }
    return sum / (3.0 * w * h);
}

static int
near(uint32_t p, struct art_rgb c, int tol)
{
    return abs((int)(p >> 16 & 255) - (int)lround(c.r * 255)) <= tol &&
           abs((int)(p >> 8 & 255) - (int)lround(c.g * 255)) <= tol &&
           abs((int)(p & 255) - (int)lround(c.b * 255)) <= tol;
}

/* Pixels of colour c (± tol): how many, how many above row limit, and
 * whether any lies in the outer margin (a fraction of the shorter side). */
struct census {
    int all, above, in_margin;
};

static struct census
count_colour(cairo_surface_t *s, struct art_rgb c, int tol, double limit, double margin)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int m = (int)(margin * (w < h ? w : h));
    struct census n = {0, 0, 0};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (near(pixel(s, x, y), c, tol)) {
                n.all++;
                n.above += y < limit * h;
                n.in_margin += x < m || y < m || x >= w - m || y >= h - m;
            }
    return n;
}

struct jpeg_header {
    int w, h, components, progressive, density_unit, x_density, y_density;
};

struct test_jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void
test_jpeg_fail(j_common_ptr ci)
{
    longjmp(((struct test_jpeg_err *)ci->err)->jump, 1);
}

/* Reads a JPEG's header; with rgb, also its first pixel. -1 when unreadable. */
static int
read_jpeg(const char *path, struct jpeg_header *hd, unsigned char rgb[3])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct jpeg_decompress_struct ci;
    struct test_jpeg_err je;
    ci.err = jpeg_std_error(&je.mgr);
    je.mgr.error_exit = test_jpeg_fail;
    if (setjmp(je.jump)) {
        jpeg_destroy_decompress(&ci);
        fclose(f);
        return -1;
    }
    jpeg_create_decompress(&ci);
    jpeg_stdio_src(&ci, f);
    jpeg_read_header(&ci, TRUE);
    hd->w = (int)ci.image_width;
    hd->h = (int)ci.image_height;
    hd->components = ci.num_components;
    hd->progressive = ci.progressive_mode;
    hd->density_unit = ci.density_unit;
    hd->x_density = ci.X_density;
    hd->y_density = ci.Y_density;
    if (rgb) {
        ci.out_color_space = JCS_RGB;
        jpeg_start_decompress(&ci);
        JSAMPLE *row = malloc((size_t)ci.output_width * 3);
        jpeg_read_scanlines(&ci, &row, 1);
        memcpy(rgb, row, 3);
        free(row);
        jpeg_abort_decompress(&ci);
    }
    jpeg_destroy_decompress(&ci);
    fclose(f);
    return 0;
}

static char *
path_in(const char *dir, const char *name)
{
    return fsu_join(dir, name);
}

/* ---- the picture ---------------------------------------------------------------- */

/* One page at the real size of the square book: the surface, the JPEG
 * header (size, baseline, colour, 300 dpi), a complete file. */
static void
test_full_size_page(void **state)
{
    (void)state;
    struct art_character c = child();
    json_t *sc = scene("forest", "morning", "clear", "waving", "happy", "dog", "tree,flower");
    cairo_surface_t *s = draw(&c, sc, "watercolour", 2625, 2625, 1);
    char *path = path_in(root, "full.jpg");
    struct err e = {0};
    assert_int_equal(art_write_jpeg(s, path, 90, &e), 0);
    struct jpeg_header hd;
    assert_int_equal(read_jpeg(path, &hd, NULL), 0);
    assert_int_equal(hd.w, 2625);
    assert_int_equal(hd.h, 2625);
    assert_int_equal(hd.components, 3);
    assert_false(hd.progressive);
    assert_int_equal(hd.density_unit, 1);
    assert_int_equal(hd.x_density, 300);
    assert_int_equal(hd.y_density, 300);
    /* Complete: ends with the end-of-image marker. */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char tail[2];
    assert_int_equal(fseek(f, -2, SEEK_END), 0);
    assert_int_equal(fread(tail, 1, 2, f), 2);
    fclose(f);
    assert_int_equal(tail[0], 0xFF);
    assert_int_equal(tail[1], 0xD9);
    struct stats st = measure(s);
    assert_true(st.sd > 25);
    assert_true(st.colours > 2000);
    free(path);
    cairo_surface_destroy(s);
    json_decref(sc);
}

/* A picture has things in it: contrast and many colours, in every style. */
static void
test_not_flat(void **state)
{
    (void)state;
    const char *styles[] = {"watercolour", "flat", "crayon"};
    for (int i = 0; i < 3; i++) {
        cairo_surface_t *s = draw_words("meadow", "day", "clear", "standing", "happy", "cat",
                                        "ball", styles[i], 400);
        struct stats st = measure(s);
        if (st.sd < 20 || st.colours < 200)
            fail_msg("%s: standard deviation %.1f, %d colours: a flat picture", styles[i],
                     st.sd, st.colours);
        cairo_surface_destroy(s);
    }
}

/* Two pages of one book with different scenes differ; so do the styles. */
static void
test_pages_differ(void **state)
{
    (void)state;
    struct art_character c = child();
    json_t *a = scene("beach", "day", "clear", "running", "excited", "dog", "shell");
    json_t *b = scene("bedroom", "night", "clear", "sleeping", "sleepy", "teddy", "lantern");
    cairo_surface_t *sa = draw(&c, a, "flat", 400, 400, 11);
    cairo_surface_t *sb = draw(&c, b, "flat", 400, 400, 12);
    double d = difference(sa, sb);
    if (d < 20)
        fail_msg("two different pages differ by only %.1f per channel", d);
    cairo_surface_t *sw = draw(&c, a, "watercolour", 400, 400, 11);
    cairo_surface_t *sc = draw(&c, a, "crayon", 400, 400, 11);
    assert_true(difference(sa, sw) > 2);
    assert_true(difference(sa, sc) > 2);
    assert_true(difference(sw, sc) > 2);
    /* The same scene on another page (another seed) is arranged afresh. */
    cairo_surface_t *s2 = draw(&c, a, "flat", 400, 400, 99);
    assert_true(difference(sa, s2) > 1);
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
    cairo_surface_destroy(sw);
    cairo_surface_destroy(sc);
    cairo_surface_destroy(s2);
    json_decref(a);
    json_decref(b);
}

/* The same input twice gives the same pixels, in every style. */
static void
test_deterministic(void **state)
{
    (void)state;
    struct art_character c = child();
    json_t *sc = scene("city", "evening", "rain", "pointing", "curious", "robot,cat", "car,kite");
    const char *styles[] = {"watercolour", "flat", "crayon"};
    for (int i = 0; i < 3; i++) {
        cairo_surface_t *a = draw(&c, sc, styles[i], 300, 360, 5);
        cairo_surface_t *b = draw(&c, sc, styles[i], 300, 360, 5);
        int stride = cairo_image_surface_get_stride(a);
        for (int y = 0; y < 360; y++)
            for (int x = 0; x < 300; x++)
                if (pixel(a, x, y) != pixel(b, x, y))
                    fail_msg("%s: pixel %d,%d differs between two runs", styles[i], x, y);
        (void)stride;
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
    }
    json_decref(sc);
}

/* ---- the vocabularies --------------------------------------------------------- */

static void
test_every_setting(void **state)
{
    (void)state;
    const char *styles[] = {"watercolour", "flat", "crayon"};
    for (size_t i = 0; vocab_settings[i]; i++) {
        cairo_surface_t *s = draw_words(vocab_settings[i], "day", "clear", "standing", "happy",
                                        NULL, NULL, styles[i % 3], 160);
        struct stats st = measure(s);
        if (st.sd < 10 || st.colours < 50)
            fail_msg("%s: looks blank (sd %.1f, %d colours)", vocab_settings[i], st.sd,
                     st.colours);
        cairo_surface_destroy(s);
    }
}

static void
test_times_and_weather(void **state)
{
    (void)state;
    cairo_surface_t *day = draw_words("park", "day", "clear", "standing", "happy", NULL, NULL,
                                      "flat", 200);
    double day_mean = measure(day).mean;
    for (size_t t = 0; vocab_times[t]; t++)
        for (size_t w = 0; vocab_weathers[w]; w++) {
            cairo_surface_t *s = draw_words("park", vocab_times[t], vocab_weathers[w],
                                            "standing", "happy", NULL, NULL, "flat", 200);
            struct stats st = measure(s);
            if (strcmp(vocab_times[t], "night") == 0 && st.mean > day_mean - 30)
                fail_msg("night/%s is not darker than day (%.0f against %.0f)",
                         vocab_weathers[w], st.mean, day_mean);
            if (strcmp(vocab_times[t], "day") == 0 && strcmp(vocab_weathers[w], "clear") != 0 &&
                difference(s, day) < 1)
                fail_msg("day: %s looks like clear weather", vocab_weathers[w]);
            cairo_surface_destroy(s);
        }
    cairo_surface_destroy(day);
}

/* Every object draws, as an object and as a companion, and changes the picture. */
static void
test_every_object(void **state)
{
    (void)state;
    cairo_surface_t *none = draw_words("meadow", "day", "clear", "standing", "happy", NULL,
                                       NULL, "flat", 160);
    for (size_t i = 0; vocab_objects[i]; i++) {
        assert_true(art_object_known(vocab_objects[i]));
        cairo_surface_t *o = draw_words("meadow", "day", "clear", "standing", "happy", NULL,
                                        vocab_objects[i], "flat", 160);
        cairo_surface_t *c = draw_words("meadow", "day", "clear", "standing", "happy",
                                        vocab_objects[i], NULL, "crayon", 160);
        if (difference(o, none) < 0.05)
            fail_msg("object %s: nothing drawn", vocab_objects[i]);
        assert_true(measure(c).sd > 10);
        cairo_surface_destroy(o);
        cairo_surface_destroy(c);
    }
    cairo_surface_destroy(none);
}

static void
test_every_action_and_mood(void **state)
{
    (void)state;
    cairo_surface_t *base = draw_words("garden", "day", "clear", "standing", "happy", NULL,
                                       NULL, "flat", 240);
    for (size_t i = 0; vocab_actions[i]; i++) {
        cairo_surface_t *s = draw_words("garden", "day", "clear", vocab_actions[i], "happy",
                                        NULL, NULL, "flat", 240);
        if (strcmp(vocab_actions[i], "standing") != 0 && difference(s, base) < 0.05)
            fail_msg("action %s: draws like standing", vocab_actions[i]);
        cairo_surface_destroy(s);
    }
    for (size_t i = 0; vocab_moods[i]; i++) {
        cairo_surface_t *s = draw_words("garden", "day", "clear", "standing", vocab_moods[i],
                                        NULL, NULL, "flat", 240);
        if (strcmp(vocab_moods[i], "happy") != 0 && difference(s, base) < 0.002)
            fail_msg("mood %s: the same face as happy", vocab_moods[i]);
        cairo_surface_destroy(s);
    }
    cairo_surface_destroy(base);
}

static void
test_every_hair_style(void **state)
{
    (void)state;
    struct art_character c = child();
    json_t *sc = scene("meadow", "day", "clear", "standing", "happy", NULL, NULL);
    c.hair_style = "bald";
    cairo_surface_t *bald = draw(&c, sc, "flat", 240, 240, 3);
    for (size_t i = 0; vocab_hair_styles[i]; i++) {
        c.hair_style = vocab_hair_styles[i];
        cairo_surface_t *s = draw(&c, sc, "crayon", 240, 240, 3);
        cairo_surface_destroy(s);
        s = draw(&c, sc, "flat", 240, 240, 3);
        struct census hair = count_colour(s, art_hair_colour(c.hair_colour), 4, 1, 0);
        if (strcmp(c.hair_style, "bald") != 0) {
            /* (buzz: the scalp shows through, the colour is a mix) */
            if (hair.all < 20 && strcmp(c.hair_style, "buzz") != 0)
                fail_msg("hair style %s: %d pixels of hair", c.hair_style, hair.all);
            assert_true(difference(s, bald) > 0.01);
        }
        cairo_surface_destroy(s);
    }
    cairo_surface_destroy(bald);
    json_decref(sc);
}

/* The child's skin and hair colours are on the page (the flat style paints
 * them as they are); another child's are not. */
static void
test_child_colours(void **state)
{
    (void)state;
    struct art_character c = child();
    json_t *sc = scene("meadow", "day", "clear", "standing", "happy", NULL, NULL);
    cairo_surface_t *s = draw(&c, sc, "flat", 400, 400, 2);
    struct census skin = count_colour(s, art_skin_colour("deep"), 6, 1, 0);
    struct census hair = count_colour(s, art_hair_colour("red"), 6, 1, 0);
    struct census top = count_colour(s, art_cloth_colour("yellow"), 6, 1, 0);
    if (skin.all < 800 || hair.all < 800 || top.all < 500)
        fail_msg("the child's colours: %d skin, %d hair, %d shirt pixels", skin.all, hair.all,
                 top.all);
    struct census light = count_colour(s, art_skin_colour("light"), 3, 1, 0);
    assert_true(light.all < skin.all / 20);
    cairo_surface_destroy(s);

    /* Another child: light skin, black hair, glasses. */
    c.skin_tone = "light";
    c.hair_colour = "black";
    c.glasses = 1;
    s = draw(&c, sc, "flat", 400, 400, 2);
    assert_true(count_colour(s, art_skin_colour("light"), 6, 1, 0).all > 800);
    assert_true(count_colour(s, art_skin_colour("deep"), 3, 1, 0).all < 40);
    assert_true(count_colour(s, art_hair_colour("black"), 6, 1, 0).all > 800);
    cairo_surface_destroy(s);
    json_decref(sc);
}

/* In every pose the face (most of the skin) is above the text band, and
 * the child stays inside the safety margin — on pages and on the cover. */
static void
test_face_above_text_band(void **state)
{
    (void)state;
    struct art_character c = child();
    c.hair_style = "bald"; /* so the whole head shows as skin */
    struct art_rgb skin = art_skin_colour(c.skin_tone);
    for (size_t i = 0; vocab_actions[i]; i++) {
        json_t *sc = scene("meadow", "day", "clear", vocab_actions[i], "happy", "dog", NULL);
        for (int cover = 0; cover < 2; cover++) {
            struct err e = {0};
            cairo_surface_t *s =
                cover ? art_builtin_draw_cover(&c, sc, "flat", 300, 300, 4, &e)
                      : art_builtin_draw(&c, sc, "flat", 300, 300, 4, &e);
            assert_non_null(s);
            struct census n = count_colour(s, skin, 4, 0.65, 0.1);
            if (n.all < 300 || n.above < n.all * 0.7 || n.in_margin > 0)
                fail_msg("%s%s: %d skin pixels, %d above the 65%% line, %d in the margin",
                         vocab_actions[i], cover ? " (cover)" : "", n.all, n.above,
                         n.in_margin);
            cairo_surface_destroy(s);
        }
        json_decref(sc);
    }
}

/* Unknown words fall back to something drawn, never a blank page. */
static void
test_unknown_words(void **state)
{
    (void)state;
    cairo_surface_t *meadow = draw_words("meadow", "day", "clear", "standing", "happy", NULL,
                                         NULL, "flat", 200);
    cairo_surface_t *atlantis = draw_words("atlantis", "teatime", "fog", "juggling", "grumpy",
                                           NULL, NULL, "flat", 200);
    assert_true(difference(meadow, atlantis) == 0); /* a meadow, on a day, standing, happy */
    assert_true(measure(atlantis).sd > 10);
    assert_false(art_object_known("zebra"));
    assert_non_null(art_object_find("zebra"));
    cairo_surface_t *zebra = draw_words("meadow", "day", "clear", "standing", "happy", "zebra",
                                        "spaceship", "flat", 200);
    assert_true(difference(zebra, meadow) > 0.1);
    /* No scene at all, an unknown style: still a picture. */
    struct art_character c = child();
    struct err e = {0};
    cairo_surface_t *bare = art_builtin_draw(&c, NULL, "oil", 200, 200, 1, &e);
    assert_non_null(bare);
    assert_true(measure(bare).sd > 10);
    /* A size no book has is refused with a reason. */
    assert_null(art_builtin_draw(&c, NULL, "flat", 0, 200, 1, &e));
    assert_non_null(strstr(e.msg, "size"));
    cairo_surface_destroy(meadow);
    cairo_surface_destroy(atlantis);
    cairo_surface_destroy(zebra);
    cairo_surface_destroy(bare);
}

/* ---- the character, the JPEG, the book ------------------------------------------ */

static void
test_character(void **state)
{
    (void)state;
    json_t *o = json_loads("{\"order_id\": \"A1001\", \"child\": {\"name\": \"Maya\", \"age\": 6,"
                           " \"pronouns\": \"she\", \"appearance\": {\"hair_colour\": "
                           "\"dark_brown\", \"hair_style\": \"afro\", \"skin_tone\": \"brown\","
                           " \"eye_colour\": \"hazel\", \"top_colour\": \"purple\","
                           " \"bottom_colour\": \"grey\", \"glasses\": true}}}",
                           0, NULL);
    assert_non_null(o);
    struct art_character c;
    art_character_from_order(o, &c);
    assert_string_equal(c.name, "Maya");
    assert_string_equal(c.hair_colour, "dark_brown");
    assert_string_equal(c.hair_style, "afro");
    assert_string_equal(c.skin_tone, "brown");
    assert_string_equal(c.eye_colour, "hazel");
    assert_string_equal(c.top_colour, "purple");
    assert_string_equal(c.bottom_colour, "grey");
    assert_true(c.glasses);
    assert_int_equal(c.age, 6);

    /* Clothes the order leaves open: chosen from the order id, the same
     * every time, different for different orders, never top = bottom. */
    json_t *look = json_object_get(json_object_get(o, "child"), "appearance");
    json_object_del(look, "top_colour");
    json_object_del(look, "bottom_colour");
    struct art_character a, b;
    art_character_from_order(o, &a);
    art_character_from_order(o, &b);
    assert_string_equal(a.top_colour, b.top_colour);
    assert_string_equal(a.bottom_colour, b.bottom_colour);
    assert_true(vocab_has(vocab_colours, a.top_colour));
    int differ = 0;
    for (int i = 0; i < 20; i++) {
        char id[16];
        snprintf(id, sizeof id, "B%d", i);
        json_object_set_new(o, "order_id", json_string(id));
        art_character_from_order(o, &b);
        assert_string_not_equal(b.top_colour, b.bottom_colour);
        differ += strcmp(a.top_colour, b.top_colour) != 0;
    }
    assert_true(differ > 5);
    /* Nothing at all: sensible defaults. */
    json_t *empty = json_object();
    art_character_from_order(empty, &c);
    assert_non_null(c.hair_style);
    assert_non_null(c.skin_tone);
    assert_non_null(c.top_colour);
    json_decref(empty);
    json_decref(o);
}

static void
test_jpeg_writer(void **state)
{
    (void)state;
    /* A transparent ARGB surface is laid on white, not on black. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 48);
    char *path = path_in(root, "clear.jpg");
    struct err e = {0};
    assert_int_equal(art_write_jpeg(s, path, 90, &e), 0);
    struct jpeg_header hd;
    unsigned char rgb[3];
    assert_int_equal(read_jpeg(path, &hd, rgb), 0);
    assert_int_equal(hd.w, 64);
    assert_int_equal(hd.h, 48);
    assert_true(rgb[0] > 250 && rgb[1] > 250 && rgb[2] > 250);
    free(path);
    /* A folder that does not exist: an error naming the file. */
    path = path_in(root, "no/such/dir/x.jpg");
    assert_int_equal(art_write_jpeg(s, path, 90, &e), -1);
    assert_non_null(strstr(e.msg, "no/such/dir"));
    free(path);
    path = path_in(root, "q.jpg");
    assert_int_equal(art_write_jpeg(s, path, 0, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    free(path);
    cairo_surface_destroy(s);
}

static const char *book_order =
    "{\"order_id\": \"T-42\", \"child\": {\"name\": \"Léa\", \"age\": 5, \"pronouns\": \"she\","
    " \"appearance\": {\"hair_colour\": \"blonde\", \"hair_style\": \"pigtails\","
    " \"skin_tone\": \"fair\", \"eye_colour\": \"blue\", \"glasses\": false}},"
    " \"book\": {\"language\": \"fr\", \"theme\": \"farm\", \"style\": \"crayon\", \"pages\": 24,"
    " \"trim\": \"6x9\", \"binding\": \"paperback\"}}";

static json_t *
book_story(void)
{
    json_t *st = json_object();
    json_object_set_new(st, "cover",
                        json_pack("{s:o}", "scene",
                                  scene("farm", "day", "clear", "waving", "happy", "cow", NULL)));
    json_t *pages = json_array();
    json_array_append_new(pages, json_pack("{s:s, s:o}", "text", "Léa part.", "scene",
                                           scene("farm", "morning", "clear", "walking",
                                                 "curious", "chicken", "tractor")));
    json_array_append_new(pages, json_pack("{s:s, s:o}", "text", "Fin.", "scene",
                                           scene("meadow", "evening", "wind", "sitting",
                                                 "calm", "sheep", "kite")));
    json_object_set_new(st, "pages", pages);
    return st;
}

struct file_id {
    ino_t ino;
    off_t size;
};

static struct file_id
file_id(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    struct stat st;
    struct file_id id = {0, -1};
    if (stat(p, &st) == 0) {
        id.ino = st.st_ino;
        id.size = st.st_size;
    }
    free(p);
    return id;
}

/* The book: cover.jpg and page-NN.jpg at the trim's size; pictures already
 * there are kept, missing or broken ones drawn again (and identically). */
static void
test_draw_book(void **state)
{
    (void)state;
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    assert_int_equal(config_set(cfg, "art_provider", "builtin", &e), 0);
    json_t *order = json_loads(book_order, 0, NULL);
    assert_non_null(order);
    json_t *story = book_story();
    char *dir = path_in(root, "T-42/art"); /* created by art_draw_book */
    if (art_draw_book(cfg, NULL, order, story, dir, &e) < 0)
        fail_msg("art_draw_book: %s", e.msg);
    const char *names[] = {"cover.jpg", "page-01.jpg", "page-02.jpg"};
    struct file_id before[3];
    for (int i = 0; i < 3; i++) {
        char *p = path_in(dir, names[i]);
        struct jpeg_header hd;
        if (read_jpeg(p, &hd, NULL) < 0)
            fail_msg("%s: missing or unreadable", names[i]);
        assert_int_equal(hd.w, 1875); /* 6x9 with bleed at 300 dpi */
        assert_int_equal(hd.h, 2775);
        assert_false(hd.progressive);
        free(p);
        before[i] = file_id(dir, names[i]);
    }
    assert_int_equal(file_id(dir, "page-03.jpg").size, -1);
    /* What each picture shows: placed.json, the cover then the pages, each
     * naming every companion and object of its scene. */
    char *pj = path_in(dir, "placed.json");
    json_t *placed = json_load_file(pj, 0, NULL);
    assert_int_equal(json_array_size(placed), 3);
    for (size_t i = 0; i < 3; i++) {
        const json_t *sc = i == 0 ? json_object_get(json_object_get(story, "cover"), "scene")
                                  : json_object_get(json_array_get(json_object_get(story, "pages"),
                                                                   i - 1),
                                                    "scene");
        static const char *const keys[] = {"companions", "objects"};
        for (size_t k = 0; k < 2; k++) {
            size_t j, m;
            json_t *w, *x;
            json_array_foreach(json_object_get(sc, keys[k]), j, w) {
                int found = 0;
                json_array_foreach(json_array_get(placed, i), m, x)
                    found |= strcmp(json_string_value(json_object_get(x, "name")),
                                    json_string_value(w)) == 0;
                if (!found)
                    fail_msg("placed.json[%zu]: no %s", i, json_string_value(w));
            }
        }
    }
    json_decref(placed);

    /* Again: nothing is drawn (same files, not rewritten). */
    assert_int_equal(art_draw_book(cfg, NULL, order, story, dir, &e), 0);
    for (int i = 0; i < 3; i++)
        assert_true(file_id(dir, names[i]).ino == before[i].ino);

    /* page-01 cut short, page-02 gone: both drawn again, the cover kept;
     * the new page-02 is the old one byte for byte. */
    char *p1 = path_in(dir, "page-01.jpg"), *p2 = path_in(dir, "page-02.jpg");
    char *old2 = NULL, *new2 = NULL;
    size_t old2_len = 0, new2_len = 0;
    assert_int_equal(fsu_read_file(AT_FDCWD, p2, 1 << 24, &old2, &old2_len, &e), 0);
    assert_int_equal(truncate(p1, before[1].size / 2), 0);
    assert_int_equal(unlink(p2), 0);
    assert_int_equal(art_draw_book(cfg, NULL, order, story, dir, &e), 0);
    assert_true(file_id(dir, "cover.jpg").ino == before[0].ino);
    struct file_id a1 = file_id(dir, "page-01.jpg"), a2 = file_id(dir, "page-02.jpg");
    assert_true(a1.ino != before[1].ino);
    assert_int_equal(a1.size, before[1].size);
    assert_int_equal(a2.size, before[2].size);
    assert_int_equal(fsu_read_file(AT_FDCWD, p2, 1 << 24, &new2, &new2_len, &e), 0);
    assert_int_equal(new2_len, old2_len);
    assert_memory_equal(new2, old2, old2_len);
    free(old2);
    free(new2);
    free(p1);
    free(p2);
    /* The cover was kept: its entry too. */
    placed = json_load_file(pj, 0, NULL);
    assert_int_equal(json_array_size(placed), 3);
    assert_true(json_is_array(json_array_get(placed, 0)));
    json_decref(placed);
    free(pj);

    /* No scene for the cover: a permanent error naming the order. */
    json_object_del(story, "cover");
    assert_int_equal(art_draw_book(cfg, NULL, order, story, dir, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "T-42"));
    json_decref(story);
    json_decref(order);
    free(dir);
    config_free(cfg);
}

static int
setup(void **state)
{
    (void)state;
    root = testutil_tmpdir("test_art");
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
        cmocka_unit_test(test_full_size_page),
        cmocka_unit_test(test_not_flat),
        cmocka_unit_test(test_pages_differ),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_every_setting),
        cmocka_unit_test(test_times_and_weather),
        cmocka_unit_test(test_every_object),
        cmocka_unit_test(test_every_action_and_mood),
        cmocka_unit_test(test_every_hair_style),
        cmocka_unit_test(test_child_colours),
        cmocka_unit_test(test_face_above_text_band),
        cmocka_unit_test(test_unknown_words),
        cmocka_unit_test(test_character),
        cmocka_unit_test(test_jpeg_writer),
        cmocka_unit_test(test_draw_book),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
