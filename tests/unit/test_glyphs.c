/*
 * test_glyphs.c — font coverage (glyphs.h) and the order's printed fields
 * (order_parse() asking order_defaults.printable of child.name and
 * book.dedication only, and listing its answer under the field's path).
 * What "no font has it" means is asked of fontconfig itself, so the test
 * holds on a machine with more fonts too.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>

#include "glyphs.h"
#include "order.h"
#include "testutil.h"

/* 1 when some installed font has the character. */
static int
font_has(FcChar32 u)
{
    FcPattern *p = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcCharSetAddChar(cs, u);
    FcPatternAddCharSet(p, FC_CHARSET, cs);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, NULL);
    FcFontSet *fs = FcFontList(NULL, p, os);
    int has = fs && fs->nfont > 0;
    if (fs)
        FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcCharSetDestroy(cs);
    FcPatternDestroy(p);
    return has;
}

static void
test_covered(void **state)
{
    (void)state;
    struct err e = {0};
    struct glyphs *g = glyphs_open("Andika", &e);
    assert_non_null(g);
    /* The names README.md welcomes, as far as this machine has fonts. */
    const char *ok[] = {"Léa", "Zoë Łukasz", "Ньюша", "Αλέξης", "For Léa,\nwith love"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_null(glyphs_missing(g, ok[i]));
    assert_null(glyphs_missing(g, ""));
    glyphs_close(g);
}

static void
test_missing(void **state)
{
    (void)state;
    const FcChar32 cands[] = {0x1F995, 0x1F389, 0x10570, 0x1E290};
    struct err e = {0};
    struct glyphs *g = glyphs_open("Andika", &e);
    assert_non_null(g);
    int tried = 0;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        char text[32], want[16];
        gchar utf8[8] = {0};
        g_unichar_to_utf8(cands[i], utf8);
        snprintf(text, sizeof text, "Léa %s%s x", utf8, utf8);
        snprintf(want, sizeof want, "U+%04X", (unsigned)cands[i]);
        char *m = glyphs_missing(g, text);
        if (font_has(cands[i])) {
            assert_null(m);
        } else {
            tried++;
            assert_non_null(m);
            assert_string_equal(m, want); /* once, though twice in the text */
        }
        free(m);
    }
    if (!tried)
        print_message("note: every candidate character has a font here\n");
    glyphs_close(g);
}

/* A fake checker: refuses any text holding 'Q', and counts its calls. */
static int calls;
static char *
no_q(void *arg, const char *text)
{
    (void)arg;
    calls++;
    return strchr(text, 'Q') ? strdup("cannot be printed: Q") : NULL;
}

static char *
sample_with(const char *child, const char *dedication)
{
    char *path = testutil_src_path("config/samples/A1001.json"), *buf;
    size_t len;
    assert_int_equal(fsu_read_file(AT_FDCWD, path, 1 << 20, &buf, &len, NULL), 0);
    free(path);
    json_t *o = json_loadb(buf, len, 0, NULL);
    free(buf);
    assert_non_null(o);
    json_object_set_new(json_object_get(o, "child"), "name", json_string(child));
    json_object_set_new(json_object_get(o, "book"), "dedication",
                        json_string(dedication));
    /* Not printed: a Q there is nobody's business. */
    json_object_set_new(json_object_get(o, "shipping"), "city", json_string("Quimper"));
    char *s = json_dumps(o, 0);
    json_decref(o);
    return s;
}

static void
test_order_hook(void **state)
{
    (void)state;
    struct order_defaults def = {.printable = no_q};
    struct order_errors errs = {0};
    char *s = sample_with("Léa", "For you");
    calls = 0;
    json_t *o = order_parse(s, strlen(s), &def, &errs);
    assert_non_null(o);
    assert_int_equal(calls, 2); /* child.name and book.dedication, nothing else */
    json_decref(o);
    free(s);
    s = sample_with("Quentin", "For Q");
    o = order_parse(s, strlen(s), &def, &errs);
    assert_null(o);
    char *why = order_errors_join(&errs);
    assert_string_equal(why, "child.name: cannot be printed: Q\n"
                             "book.dedication: cannot be printed: Q");
    free(why);
    order_errors_free(&errs);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_covered),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_order_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
