/*
 * test_decision.c — the shop's decision drops (lib/decision.c): a table of
 * drops, each either accepted with what it asks or refused with a message
 * naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decision.h"

static const struct {
    const char *drop;
    const char *field; /* NULL: accepted */
} cases[] = {
    {"{\"decision\": \"approve\", \"order_id\": \"A1\"}", NULL},
    {"\xEF\xBB\xBF{\"decision\": \"reject\", \"order_id\": \"A1\", \"reason\": \" no \"}",
     NULL},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [3, 1], \"text\": "
     "\"Hi.\"}",
     NULL},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [2], \"art\": true}",
     NULL},
    {"{\"decision\": \"approve\"}", "order_id: missing"},
    {"{\"decision\": \"approve\", \"order_id\": \".x\"}", "order_id: "},
    {"{\"decision\": \"ok\", \"order_id\": \"A1\"}", "decision: must be one of"},
    {"{\"decision\": \"approve\", \"order_id\": \"A1\", \"x\": 1}", "x: unknown field"},
    {"{\"decision\": \"approve\", \"order_id\": \"A1\", \"text\": \"a\"}",
     "text: not a field"},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [0], \"art\": true}",
     "pages[0]: "},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [1, 1], \"art\": true}",
     "pages[1]: "},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [], \"art\": true}",
     "pages: "},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [1]}", "text: missing"},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [1], \"art\": 1}",
     "art: "},
    {"{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [1], \"text\": \"\"}",
     "text: empty"},
    {"{\"decision\": \"reject\", \"order_id\": \"A1\"}", "reason: missing"},
    {"{\"decision\": \"approve\", \"order_id\": \"A1\", \"order_id\": \"A2\"}",
     "decision: "},
    {"[\"decision\"]", "decision: must be a JSON object"},
};

static void
test_table(void **unused)
{
    (void)unused;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct decision d;
        struct order_errors errs = {0};
        int rc = decision_parse(cases[i].drop, strlen(cases[i].drop), &d, &errs);
        char *why = order_errors_join(&errs);
        if (!cases[i].field && rc != 0)
            fail_msg("case %zu refused: %s", i, why);
        if (cases[i].field && (rc == 0 || !strstr(why, cases[i].field)))
            fail_msg("case %zu: wanted \"%s\", got \"%s\"", i, cases[i].field, why);
        free(why);
        order_errors_free(&errs);
        decision_free(&d);
    }
}

static void
test_values(void **unused)
{
    (void)unused;
    const char *s = "{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [3, 1],"
                    " \"text\": \"  Zoe\\u0308 waves.  \", \"art\": true}";
    struct decision d;
    struct order_errors errs = {0};
    assert_int_equal(decision_parse(s, strlen(s), &d, &errs), 0);
    assert_int_equal(d.kind, DECISION_REDO);
    assert_string_equal(d.order_id, "A1");
    assert_int_equal(d.npages, 2);
    assert_int_equal(d.pages[0], 3);
    assert_int_equal(d.pages[1], 1);
    assert_string_equal(d.text, "Zo\xC3\xAB waves."); /* trimmed, NFC */
    assert_true(d.art);
    decision_free(&d);
    char *big = malloc(800);
    memset(big, 'a', 700);
    big[700] = 0;
    char *drop;
    assert_true(asprintf(&drop,
                         "{\"decision\": \"redo\", \"order_id\": \"A1\", \"pages\": [1],"
                         " \"text\": \"%s\"}",
                         big) > 0);
    assert_int_equal(decision_parse(drop, strlen(drop), &d, &errs), -1);
    char *why = order_errors_join(&errs);
    assert_non_null(strstr(why, "text: too long: 700 characters, at most 600"));
    free(why);
    free(drop);
    free(big);
    order_errors_free(&errs);
    assert_true(decision_is("{\"decision\": 1}", 15));
    assert_false(decision_is("{\"order_id\": \"A1\"}", 18));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
