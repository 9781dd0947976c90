/*
 * test_geom.c — the book's geometry against the printer's published rules:
 * page size with bleed, art pixel size at 300 dpi, padding to the binding's
 * minimum and multiple, the spine (paperback formula, casewrap table) and
 * the cover's size, for every trim, binding and a spread of page counts.
 *
 * Sources of the figures (docs/print.md, "Cover sizes"): Lulu's "How is
 * spine width calculated?" (help.api.lulu.com, article 64000254616) for the
 * paperback formula and the casewrap table; Lulu's "Creating your hardcover
 * casewrap cover" (help.lulu.com, article 64000308572) for the 0.75 in wrap;
 * the measurement of Lulu's 8.5x8.5 casewrap template (1368 x 738
 * pt for 28 pages) and the 6x9 casewrap sizes Lulu reported to the HoTT
 * book (github.com/HoTT/book, cover-lulu-hardcover.tex: 774 pt high).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "geom.h"

#define PT(in) ((in)*72.0)

static const struct {
    const char *trim;
    double w_in, h_in;
    double page_w_pt, page_h_pt;
    int art_w, art_h;
} trims[] = {
    {"8.5x8.5", 8.5, 8.5, 630, 630, 2625, 2625},
    {"8x10", 8, 10, 594, 738, 2475, 3075},
    {"6x9", 6, 9, 450, 666, 1875, 2775},
};

static const struct {
    const char *binding;
    int content, padded;
    double spine_in;
    int spine_text;
} counts[] = {
    /* casewrap: at least 24 pages, multiple of 4, spine by table */
    {"hardcover", 1, 24, 0.25, 0},
    {"hardcover", 24, 24, 0.25, 0},
    {"hardcover", 25, 28, 0.25, 0},
    {"hardcover", 28, 28, 0.25, 0},
    {"hardcover", 29, 32, 0.25, 0},
    {"hardcover", 53, 56, 0.25, 0},
    {"hardcover", 79, 80, 0.25, 1},
    {"hardcover", 84, 84, 0.25, 1},
    {"hardcover", 85, 88, 0.5, 1},
    {"hardcover", 140, 140, 0.5, 1},
    {"hardcover", 141, 144, 0.625, 1},
    {"hardcover", 169, 172, 0.6875, 1},
    {"hardcover", 200, 200, 0.75, 1},
    {"hardcover", 223, 224, 0.8125, 1},
    {"hardcover", 251, 252, 0.875, 1},
    {"hardcover", 279, 280, 0.9375, 1},
    {"hardcover", 307, 308, 1.0, 1},
    {"hardcover", 334, 336, 1.0625, 1},
    {"hardcover", 360, 360, 1.0625, 1},
    {"hardcover", 361, 364, 1.125, 1},
    {"hardcover", 389, 392, 1.1875, 1},
    {"hardcover", 557, 560, 1.5625, 1},
    {"hardcover", 583, 584, 1.625, 1},
    {"hardcover", 777, 780, 2.0625, 1},
    {"hardcover", 800, 800, 2.0625, 1},
    /* perfect bound: at least 32 pages, multiple of 4, pages/444 + 0.06 in */
    {"paperback", 1, 32, 32 / 444.0 + 0.06, 0},
    {"paperback", 28, 32, 32 / 444.0 + 0.06, 0},
    {"paperback", 33, 36, 36 / 444.0 + 0.06, 0},
    {"paperback", 53, 56, 56 / 444.0 + 0.06, 0},
    {"paperback", 79, 80, 80 / 444.0 + 0.06, 1},
    {"paperback", 100, 100, 100 / 444.0 + 0.06, 1},
    {"paperback", 200, 200, 200 / 444.0 + 0.06, 1},
    {"paperback", 800, 800, 800 / 444.0 + 0.06, 1},
};

static void
test_table(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof trims / sizeof trims[0]; t++) {
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            struct geom g;
            struct err e = {0};
            int rc =
                geom_compute(trims[t].trim, counts[c].binding, counts[c].content, &g, &e);
            if (rc != 0)
                fail_msg("%s %s %d: %s", trims[t].trim, counts[c].binding,
                         counts[c].content, e.msg);
            assert_true(g.page_w_pt == trims[t].page_w_pt);
            assert_true(g.page_h_pt == trims[t].page_h_pt);
            assert_int_equal(g.art_w_px, trims[t].art_w);
            assert_int_equal(g.art_h_px, trims[t].art_h);
            assert_true(g.bleed_in == 0.125);
            assert_true(g.safety_in == 0.5);
            assert_true(g.trim_w_in == trims[t].w_in && g.trim_h_in == trims[t].h_in);
            assert_int_equal(g.content_pages, counts[c].content);
            if (g.interior_pages != counts[c].padded)
                fail_msg("%s %s %d: padded to %d, want %d", trims[t].trim,
                         counts[c].binding, counts[c].content, g.interior_pages,
                         counts[c].padded);
            assert_int_equal(g.interior_pages % 4, 0);
            assert_true(g.interior_pages >= counts[c].content);
            if (fabs(g.spine_in - counts[c].spine_in) > 1e-9)
                fail_msg("%s %d pages: spine %.4f in, want %.4f", counts[c].binding,
                         g.interior_pages, g.spine_in, counts[c].spine_in);
            double want_w = PT(2 * trims[t].w_in + counts[c].spine_in + 2 * 0.125);
            assert_true(fabs(g.cover_w_pt - want_w) < 1e-6);
            assert_true(g.cover_h_pt == trims[t].page_h_pt);
            /* the sheet: the casewrap's 0.75 in wrap on every edge */
            double wrap = strcmp(counts[c].binding, "hardcover") == 0 ? 0.75 : 0;
            assert_true(g.wrap_in == wrap);
            assert_true(fabs(g.sheet_w_pt - want_w - PT(2 * wrap)) < 1e-6);
            assert_true(fabs(g.sheet_h_pt - trims[t].page_h_pt - PT(2 * wrap)) < 1e-6);
            assert_int_equal(g.spine_text, counts[c].spine_text);
        }
    }
}

/* Lulu's own example for the cover-dimensions endpoint: a 6x9 paperback of
 * 210 pages is 920 x 666 pt (the endpoint rounds to the point). */
static void
test_lulu_example(void **state)
{
    (void)state;
    struct geom g;
    struct err e = {0};
    /* 210 is not a multiple of 4; 208 is, and rounds to the same point. */
    assert_int_equal(geom_compute("6x9", "paperback", 208, &g, &e), 0);
    assert_int_equal(g.interior_pages, 208);
    assert_true(fabs(g.cover_w_pt - 920) < 0.5);
    assert_true(g.cover_h_pt == 666);
}

/* Lulu's published casewrap sizes: the 8.5x8.5 template for a 28-page book
 * is 1368 x 738 pt (19 x 10.25 in); a 6x9 casewrap is 774 pt high (10.75
 * in) whatever its pages, 12 in + 1.75 in of bleed and wrap + the spine
 * wide (HoTT/book's cover-lulu-hardcover.tex, figures reported by Lulu). */
static void
test_lulu_casewrap(void **state)
{
    (void)state;
    struct geom g;
    struct err e = {0};
    assert_int_equal(geom_compute("8.5x8.5", "hardcover", 28, &g, &e), 0);
    assert_true(fabs(g.sheet_w_pt - 1368) < 1e-6 && fabs(g.sheet_h_pt - 738) < 1e-6);
    assert_int_equal(geom_compute("6x9", "hardcover", 28, &g, &e), 0);
    assert_true(fabs(g.sheet_h_pt - 774) < 1e-6);
    assert_true(fabs(g.sheet_w_pt - PT(12 + 1.75 + 0.25)) < 1e-6);
    /* a paperback's sheet is its spread */
    assert_int_equal(geom_compute("8x10", "paperback", 32, &g, &e), 0);
    assert_true(g.sheet_w_pt == g.cover_w_pt && g.sheet_h_pt == g.cover_h_pt);
}

static void
test_errors(void **state)
{
    (void)state;
    struct geom g;
    struct err e = {0};
    assert_int_equal(geom_compute("7x7", "hardcover", 28, &g, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "7x7"));
    err_clear(&e);
    assert_int_equal(geom_compute("8x10", "spiral", 28, &g, &e), -1);
    assert_non_null(strstr(e.msg, "spiral"));
    err_clear(&e);
    assert_int_equal(geom_compute(NULL, "hardcover", 28, &g, &e), -1);
    assert_int_equal(geom_compute("8x10", NULL, 28, &g, &e), -1);
    assert_int_equal(geom_compute("8x10", "hardcover", 0, &g, &e), -1);
    assert_int_equal(geom_compute("8x10", "hardcover", 801, &g, &e), -1);
    assert_non_null(strstr(e.msg, "at most 800"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lulu_example),
        cmocka_unit_test(test_lulu_casewrap),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
