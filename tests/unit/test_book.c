/*
 * test_book.c — the built-in book as a whole: the writer's scenes and the
 * illustrator's pictures together, over 200 generated orders (every theme,
 * both languages, ages 0–12, every pronoun and style).
 *
 * For every page and the cover, every companion and object the scene names
 * is among what the illustrator reports having drawn
 * (art_builtin_draw_report); for a sample, the report is checked against
 * the pixels: inside each reported box the picture differs from the same
 * page drawn without companions and objects.  Every title's words come
 * from its story.  The same order gives the same book.  The figures a
 * reader notices (sentences shared between books, the child's name per
 * page) are printed for docs/art.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "art.h"
#include "story.h"
#include "vocab.h"
#include "testutil.h"

#define BOOKS 200
#define SMALL_PX 32   /* the report does not depend on the size: draw small */
#define SAMPLE_PX 200 /* the pixel check */

static const char *const names[2][6] = {{"Maya", "Leo", "Sam", "Ava", "Noah", "Isla"},
                                        {"Léa", "Hugo", "Inès", "Jules", "Chloé", "Noé"}};

static json_t *
book_order(int k)
{
    size_t nt = vocab_count(vocab_themes), ni = vocab_count(vocab_interests);
    int lang = k % 2;
    const char *theme = vocab_themes[(size_t)(k / 2) % nt];
    char id[16];
    snprintf(id, sizeof id, "T%04d", k);
    json_t *o = json_pack(
        "{s:s, s:{s:s, s:i, s:s, s:[s,s], s:{s:s, s:s, s:s, s:s}}, s:{s:s, s:s, s:s, "
        "s:i}}",
        "order_id", id, "child", "name", names[lang][(k / 18) % 6], "age", (k * 7) % 13,
        "pronouns", vocab_pronouns[(k / 3) % 3], "interests",
        vocab_interests[(size_t)(k * 5) % ni], vocab_interests[(size_t)(k * 11 + 3) % ni],
        "appearance", "hair_colour", "brown", "hair_style", "curly", "skin_tone",
        "medium", "eye_colour", "brown", "book", "language", lang ? "fr" : "en", "theme",
        theme, "style", vocab_styles[(k / 5) % 3], "pages", k % 4 ? 24 : 32);
    assert_non_null(o);
    return o;
}

static int
placed_has(const json_t *placed, const char *name)
{
    size_t i;
    json_t *x;
    json_array_foreach(placed, i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "name")), name) == 0)
            return 1;
    }
    return 0;
}

/* Every companion and object of scene is in what the illustrator placed. */
static void
check_scene_drawn(const struct art_character *ch, const json_t *scene, const char *style,
                  unsigned seed, int cover, const char *where)
{
    struct err e = {0};
    json_t *placed = json_array();
    cairo_surface_t *s = art_builtin_draw_report(ch, scene, style, SMALL_PX, SMALL_PX,
                                                 seed, cover, placed, NULL, &e);
    if (!s)
        fail_msg("%s: %s", where, e.msg);
    cairo_surface_destroy(s);
    static const char *const keys[] = {"companions", "objects"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(scene, keys[k]), i, x)
        {
            if (!placed_has(placed, json_string_value(x))) {
                char *d = json_dumps(placed, JSON_COMPACT);
                fail_msg("%s: the scene names %s \"%s\" but the picture has %s", where,
                         keys[k], json_string_value(x), d);
            }
        }
    }
    json_decref(placed);
}

/* Inside each reported box (less the child's), the picture differs from
 * the same page without its companions and objects. */
static void
check_pixels(const struct art_character *ch, const json_t *scene, const char *style,
             unsigned seed, const char *where)
{
    struct err e = {0};
    json_t *placed = json_array(), *bare = json_deep_copy(scene);
    json_object_set_new(bare, "companions", json_array());
    json_object_set_new(bare, "objects", json_array());
    cairo_surface_t *full = art_builtin_draw_report(ch, scene, style, SAMPLE_PX,
                                                    SAMPLE_PX, seed, 0, placed, NULL, &e);
    cairo_surface_t *base = full ? art_builtin_draw_report(ch, bare, style, SAMPLE_PX,
                                                           SAMPLE_PX, seed, 0, NULL, NULL, &e)
                                 : NULL;
    if (!full || !base)
        fail_msg("%s: %s", where, e.msg);
    int stride = cairo_image_surface_get_stride(full);
    const unsigned char *a = cairo_image_surface_get_data(full),
                        *b = cairo_image_surface_get_data(base);
    int cx0 = 0, cy0 = 0, cx1 = 0, cy1 = 0;
    size_t i;
    json_t *x;
    json_array_foreach(placed, i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "as")), "child") == 0) {
            json_t *box = json_object_get(x, "box");
            cx0 = (int)json_integer_value(json_array_get(box, 0));
            cy0 = (int)json_integer_value(json_array_get(box, 1));
            cx1 = (int)json_integer_value(json_array_get(box, 2));
            cy1 = (int)json_integer_value(json_array_get(box, 3));
        }
    }
    json_array_foreach(placed, i, x)
    {
        const char *as = json_string_value(json_object_get(x, "as"));
        if (strcmp(as, "object") != 0 && strcmp(as, "companion") != 0)
            continue;
        json_t *box = json_object_get(x, "box");
        int x0 = (int)json_integer_value(json_array_get(box, 0));
        int y0 = (int)json_integer_value(json_array_get(box, 1));
        int x1 = (int)json_integer_value(json_array_get(box, 2));
        int y1 = (int)json_integer_value(json_array_get(box, 3));
        long area = 0, differ = 0;
        for (int y = y0; y < y1 && y < SAMPLE_PX; y++)
            for (int xx = x0; xx < x1 && xx < SAMPLE_PX; xx++) {
                if (xx >= cx0 && xx < cx1 && y >= cy0 && y < cy1)
                    continue;
                const unsigned char *pa = a + y * stride + xx * 4,
                                    *pb = b + y * stride + xx * 4;
                int d = abs(pa[0] - pb[0]) + abs(pa[1] - pb[1]) + abs(pa[2] - pb[2]);
                area++;
                differ += d > 40;
            }
        if (area >= 40 && differ * 20 < area)
            fail_msg(
                "%s: \"%s\" is reported in %d,%d–%d,%d but only %ld of %ld pixels there "
                "show it",
                where, json_string_value(json_object_get(x, "name")), x0, y0, x1, y1,
                differ, area);
    }
    cairo_surface_destroy(full);
    cairo_surface_destroy(base);
    json_decref(placed);
    json_decref(bare);
}

/* Every word of the title (but the child's name and short words) is in
 * the story's text. */
static void
check_title(const json_t *story, const json_t *order)
{
    GString *all = g_string_new(NULL);
    size_t i;
    json_t *pg;
    json_array_foreach(json_object_get(story, "pages"), i, pg)
    {
        g_string_append(all, json_string_value(json_object_get(pg, "text")));
        g_string_append_c(all, ' ');
    }
    char *text = g_utf8_strdown(all->str, -1);
    char *title = g_utf8_strdown(json_string_value(json_object_get(story, "title")), -1);
    char *name = g_utf8_strdown(
        json_string_value(json_object_get(json_object_get(order, "child"), "name")), -1);
    char **words = g_regex_split_simple("[^[:alpha:]’'-]+", title, 0, 0);
    for (char **w = words; *w; w++) {
        if (g_utf8_strlen(*w, -1) <= 3 || strcmp(*w, name) == 0)
            continue;
        if (!strstr(text, *w))
            fail_msg("%s: title \"%s\": \"%s\" is not in the story",
                     json_string_value(json_object_get(order, "order_id")),
                     json_string_value(json_object_get(story, "title")), *w);
    }
    g_strfreev(words);
    g_free(text);
    g_free(title);
    g_free(name);
    g_string_free(all, TRUE);
}

struct figures {
    GHashTable *seen[2][16]; /* sentence → books of a language and theme */
    int books[2][16];
    long names, pages;
};

static void
count_figures(struct figures *f, const json_t *story, const json_t *order, int lang,
              int theme)
{
    const char *name =
        json_string_value(json_object_get(json_object_get(order, "child"), "name"));
    GHashTable *mine = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *pg;
    if (!f->seen[lang][theme])
        f->seen[lang][theme] =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    f->books[lang][theme]++;
    json_array_foreach(json_object_get(story, "pages"), i, pg)
    {
        const char *t = json_string_value(json_object_get(pg, "text"));
        int here = 0;
        f->pages++;
        for (const char *p = strstr(t, name); p; p = strstr(p + 1, name))
            here++;
        f->names += here;
        if (getenv("BOOK_SHARED") && here > 1)
            printf("# names %d: %s\n", here, t);
        char **ss = testutil_sentences(t);
        for (char **s = ss; *s; s++) {
            if (g_hash_table_contains(mine, *s))
                continue;
            g_hash_table_add(mine, g_strdup(*s));
            gpointer n = g_hash_table_lookup(f->seen[lang][theme], *s);
            g_hash_table_insert(f->seen[lang][theme], g_strdup(*s),
                                GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
        }
        g_strfreev(ss);
    }
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, mine);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_free(k);
    g_hash_table_destroy(mine);
}

static void
test_every_named_thing_is_drawn(void **state)
{
    (void)state;
    struct figures f;
    memset(&f, 0, sizeof f);
    /* The sanitizer build runs some eight times slower: there the pictures
     * of every other book are checked (still every theme, language, age
     * band and style), the stories of all of them. */
    const char *san = getenv("SAN");
    int every = san && *san ? 2 : 1;
    for (int k = 0; k < BOOKS; k++) {
        json_t *order = book_order(k);
        struct err e = {0};
        json_t *story = story_builtin_write(order, &e);
        if (!story)
            fail_msg("order %d: %s", k, e.msg);
        if (story_validate(story, order, &e) < 0)
            fail_msg("order %d: %s", k, e.msg);
        struct art_character ch;
        art_character_from_order(order, &ch);
        const char *style =
            json_string_value(json_object_get(json_object_get(order, "book"), "style"));
        char where[64];
        snprintf(where, sizeof where, "order %d cover", k);
        if ((k / 2) % every == 0)
            check_scene_drawn(&ch,
                              json_object_get(json_object_get(story, "cover"), "scene"),
                              style, (unsigned)k, 1, where);
        size_t i;
        json_t *pg;
        json_array_foreach(json_object_get(story, "pages"), i, pg)
        {
            if ((k / 2) % every != 0)
                break;
            snprintf(where, sizeof where, "order %d page %zu", k, i + 1);
            check_scene_drawn(&ch, json_object_get(pg, "scene"), style,
                              (unsigned)(k * 64 + i), 0, where);
            if (k % 25 == 0 && i % 3 == 0)
                check_pixels(&ch, json_object_get(pg, "scene"), style,
                             (unsigned)(k * 64 + i), where);
        }
        check_title(story, order);
        const char *lang = json_string_value(
            json_object_get(json_object_get(order, "book"), "language"));
        const char *theme =
            json_string_value(json_object_get(json_object_get(order, "book"), "theme"));
        int ti = 0;
        while (vocab_themes[ti] && strcmp(vocab_themes[ti], theme) != 0)
            ti++;
        count_figures(&f, story, order, strcmp(lang, "fr") == 0, ti);
        json_decref(story);
        json_decref(order);
    }
    /* The figures of docs/art.md. BOOK_SHARED=1 lists the shared sentences
     * and the pages that name the child more than once. */
    double worst = 0;
    int over = 0;
    for (int l = 0; l < 2; l++)
        for (int t = 0; t < 16; t++) {
            if (!f.seen[l][t])
                continue;
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init(&it, f.seen[l][t]);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                double share = (double)GPOINTER_TO_INT(v) / f.books[l][t];
                worst = share > worst ? share : worst;
                over += share > 0.1 && GPOINTER_TO_INT(v) > 1;
                if (getenv("BOOK_SHARED") && share > 0.1 && GPOINTER_TO_INT(v) > 1)
                    printf("# shared %s/%s %d/%d: %s\n", l ? "fr" : "en", vocab_themes[t],
                           GPOINTER_TO_INT(v), f.books[l][t], (const char *)k);
            }
            g_hash_table_destroy(f.seen[l][t]);
        }
    printf("# %d books: the child's name %.2f times per page; %d sentences in more than "
           "10%% "
           "of the books of their theme and language (the most shared: %.0f%%)\n",
           BOOKS, (double)f.names / (double)f.pages, over, worst * 100);
    /* A writer names the child and then says "she": at most once a page
     * on average (issue 14). The sentences shared between books are
     * measured above but not yet asserted: see docs/art.md. */
    if (f.names > f.pages)
        fail_msg("the child's name %ld times in %ld pages: more than once a page", f.names,
                 f.pages);
}

/* The same order, the same book: the story's bytes and a picture's pixels. */
static void
test_deterministic(void **state)
{
    (void)state;
    json_t *order = book_order(17);
    struct err e = {0};
    json_t *a = story_builtin_write(order, &e), *b = story_builtin_write(order, &e);
    assert_non_null(a);
    assert_non_null(b);
    char *da = json_dumps(a, JSON_SORT_KEYS), *db = json_dumps(b, JSON_SORT_KEYS);
    assert_string_equal(da, db);
    struct art_character ch;
    art_character_from_order(order, &ch);
    const json_t *scene =
        json_object_get(json_array_get(json_object_get(a, "pages"), 9), "scene");
    json_t *pa = json_array(), *pb = json_array();
    cairo_surface_t *sa =
        art_builtin_draw_report(&ch, scene, "crayon", 120, 120, 9, 0, pa, NULL, &e);
    cairo_surface_t *sb =
        art_builtin_draw_report(&ch, scene, "crayon", 120, 120, 9, 0, pb, NULL, &e);
    assert_non_null(sa);
    assert_non_null(sb);
    assert_true(json_equal(pa, pb));
    assert_memory_equal(cairo_image_surface_get_data(sa),
                        cairo_image_surface_get_data(sb),
                        (size_t)cairo_image_surface_get_stride(sa) * 120);
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
    json_decref(pa);
    json_decref(pb);
    free(da);
    free(db);
    json_decref(a);
    json_decref(b);
    json_decref(order);
}

/* The cases a parent noticed: the baby triceratops is a triceratops, a
 * boat under the sea floats at its surface, a snowman at home is a toy. */
static void
test_believable(void **state)
{
    (void)state;
    json_t *order = book_order(0);
    struct art_character ch;
    art_character_from_order(order, &ch);
    struct err e = {0};
    struct {
        const char *setting, *thing;
        double max_top, max_height; /* box top and height, fractions of the picture */
    } cases[] = {
        {"underwater", "boat", 0.2, 1},  /* at the surface, the top of the picture */
        {"bedroom", "snowman", 1, 0.16}, /* a toy */
        {"home", "horse", 1, 0.16},
        {"jungle", "triceratops", 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *scene = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:[], s:[s], s:s}", "setting", cases[i].setting,
            "time_of_day", "day", "weather", "clear", "action", "standing", "mood",
            "happy", "companions", "objects", cases[i].thing, "description", "x");
        json_t *placed = json_array();
        cairo_surface_t *s =
            art_builtin_draw_report(&ch, scene, "flat", 200, 200, 3, 0, placed, NULL, &e);
        assert_non_null(s);
        size_t k;
        json_t *x;
        int found = 0;
        json_array_foreach(placed, k, x)
        {
            if (strcmp(json_string_value(json_object_get(x, "name")), cases[i].thing) !=
                0)
                continue;
            found = 1;
            json_t *box = json_object_get(x, "box");
            double top = json_integer_value(json_array_get(box, 1)) / 200.0;
            double hgt = (json_integer_value(json_array_get(box, 3)) -
                          json_integer_value(json_array_get(box, 1))) /
                         200.0;
            if (top > cases[i].max_top || hgt > cases[i].max_height)
                fail_msg("%s in %s: top %.2f, height %.2f", cases[i].thing,
                         cases[i].setting, top, hgt);
        }
        if (!found)
            fail_msg("%s in %s: not drawn", cases[i].thing, cases[i].setting);
        cairo_surface_destroy(s);
        json_decref(placed);
        json_decref(scene);
    }
    json_decref(order);
}

/* The mean colour of a small patch in the middle of the child's shirt
 * (the child's box from the report), as chroma (the spread of the
 * channels) and lightness. */
static void
shirt_colour(cairo_surface_t *s, const json_t *placed, double *chroma, double *light)
{
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    size_t i;
    json_t *x;
    *chroma = *light = -1;
    json_array_foreach(placed, i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "as")), "child") != 0)
            continue;
        json_t *box = json_object_get(x, "box");
        double x0 = json_integer_value(json_array_get(box, 0));
        double y0 = json_integer_value(json_array_get(box, 1));
        double x1 = json_integer_value(json_array_get(box, 2));
        double y1 = json_integer_value(json_array_get(box, 3));
        double hc = (y1 - y0) / 1.07, cx = (x0 + x1) / 2, cy = y1 - 0.02 * hc - 0.46 * hc;
        double sum[3] = {0, 0, 0};
        int n = 0;
        for (int y = (int)(cy - 0.03 * hc); y <= (int)(cy + 0.03 * hc); y++)
            for (int xx = (int)(cx - 0.04 * hc); xx <= (int)(cx + 0.04 * hc); xx++, n++)
                for (int c = 0; c < 3; c++)
                    sum[c] += d[y * stride + xx * 4 + c];
        double r = sum[2] / n, g = sum[1] / n, b = sum[0] / n;
        *chroma = fmax(r, fmax(g, b)) - fmin(r, fmin(g, b));
        *light = (r + g + b) / 3;
    }
}

/* The three styles differ in colour, not only in the paper: the same
 * shirt is greyer in watercolour, fuller in crayon, than flat. */
static void
test_styles_differ(void **state)
{
    (void)state;
    json_t *order = book_order(3);
    struct art_character ch;
    art_character_from_order(order, &ch);
    static const char *const tops[] = {"red", "green", "blue", "yellow", "purple"};
    static const char *const settings[] = {"meadow", "beach", "bedroom", "snow", "city"};
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        ch.top_colour = tops[i];
        json_t *scene = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:s}", "setting",
                                  settings[i], "time_of_day", "day", "weather", "clear",
                                  "action", "standing", "mood", "happy", "companions",
                                  "objects", "description", "x");
        double c[3], l[3];
        for (int k = 0; k < 3; k++) {
            struct err e = {0};
            json_t *placed = json_array();
            cairo_surface_t *s = art_builtin_draw_report(&ch, scene, vocab_styles[k], 400,
                                                         400, 11, 0, placed, NULL, &e);
            assert_non_null(s);
            shirt_colour(s, placed, &c[k], &l[k]);
            cairo_surface_destroy(s);
            json_decref(placed);
        }
        /* vocab_styles: watercolour, flat, crayon */
        if (!(c[0] < c[1] - 4 && c[2] > c[1] + 4))
            fail_msg(
                "%s shirt in the %s: chroma %.0f/%.0f/%.0f, lightness %.0f/%.0f/%.0f "
                "(watercolour/flat/crayon)",
                tops[i], settings[i], c[0], c[1], c[2], l[0], l[1], l[2]);
        json_decref(scene);
    }
    json_decref(order);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_named_thing_is_drawn),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_believable),
        cmocka_unit_test(test_styles_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
