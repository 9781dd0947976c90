/*
 * test_escape.c — the one escaping of outside text (escape.h): a table of
 * inputs (names as a file system allows them, values as a shop sends them)
 * and what a person must see; every output valid UTF-8 and one line, and
 * different inputs never shown the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

static const struct {
    const char *in, *want;
} cases[] = {
    {"A1001.json", "A1001.json"},
    {"Léa 美咲 مريم.json", "Léa 美咲 مريم.json"},
    {"two\nlines", "two\\nlines"},
    {"tab\there\r", "tab\\there\\r"},
    {"\x1b[31mred\x1b[0m", "\\u001B[31mred\\u001B[0m"},
    {"bad-\xff\xfe.json", "bad-\\xFF\\xFE.json"},
    {"overlong-\xc0\xaf", "overlong-\\xC0\\xAF"},
    {"surrogate-\xed\xa0\x80", "surrogate-\\xED\\xA0\\x80"},
    {"cut-\xe2\x82", "cut-\\xE2\\x82"},
    {"back\\slash", "back\\\\slash"},
    {"Maya\xe2\x80\xaegnp.exe", "Maya\\u202Egnp.exe"},
    {"zero\xe2\x80\x8bwidth", "zero\\u200Bwidth"},
    {"del\x7f", "del\\u007F"},
    {"c1-\xc2\x85", "c1-\\u0085"},
    {"\"quoted\"", "\"quoted\""},
    {"", ""},
};

static void
test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = esc_str(cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].want);
        assert_true(g_utf8_validate(got, -1, NULL));
        assert_null(strchr(got, '\n'));
        assert_int_equal(esc_plain(cases[i].in), strcmp(cases[i].in, cases[i].want) == 0);
        free(got);
    }
}

/* Different inputs, different outputs: "\x41" typed out is not "A", an
 * escaped newline typed out is not a newline. */
static void
test_distinct(void **state)
{
    (void)state;
    const char *pairs[][2] = {{"a\\nb", "a\nb"}, {"\\xFF", "\xff"}, {"\\u001B", "\x1b"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char *a = esc_str(pairs[i][0]), *b = esc_str(pairs[i][1]);
        assert_string_not_equal(a, b);
        free(a);
        free(b);
    }
}

static void
test_quotes_and_cut(void **state)
{
    (void)state;
    GString *g = g_string_new(NULL);
    esc_append(g, "say \"hi\"", 8, 0, ESC_QUOTES);
    assert_string_equal(g->str, "\"say \\\"hi\\\"\"");
    g_string_truncate(g, 0);
    esc_append(g, "abcdefghij", 10, 4, ESC_QUOTES);
    assert_string_equal(g->str, "\"abcd\"... (10 characters)");
    g_string_truncate(g, 0);
    /* NUL bytes inside a length-given string are shown (as bytes), not ended at. */
    esc_append(g, "a\0b", 3, 0, 0);
    assert_string_equal(g->str, "a\\x00b");
    g_string_free(g, TRUE);
}

/* A listing's cut never splits a character: "%.5s" of "Zoë: échec"
 * would end in the middle of the é's two bytes. */
static void
test_cut_whole_characters(void **state)
{
    (void)state;
    char *c = esc_cut("Zoë: échec", 6);
    assert_string_equal(c, "Zoë: é... (10 characters)");
    assert_true(g_utf8_validate(c, -1, NULL));
    free(c);
    c = esc_cut("short", 100);
    assert_string_equal(c, "short");
    free(c);
    c = esc_cut("line\nbreak", 0);
    assert_string_equal(c, "line\\nbreak");
    free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_quotes_and_cut),
        cmocka_unit_test(test_cut_whole_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
