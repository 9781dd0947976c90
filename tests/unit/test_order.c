/*
 * test_order.c — the order validator (lib/order.c).
 *
 * Most invalid orders are a valid base order with one field set or deleted
 * (a JSON-pointer-like path and a JSON text), so each case shows exactly what
 * it breaks; every case checks the message a shop would read in the reason
 * file.  Raw byte cases (NUL, bad UTF-8, truncated, deep, huge) check that
 * the parser refuses them whole, and the corpus in tests/corpus/orders/ and
 * the samples in config/samples/ are checked as the incoming stage sees them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "order.h"
#include "vocab.h"
#include "testutil.h"

/* Valid; leaves out trim, binding, glasses and shipping_level, which the
 * parser fills in. */
static const char base_order[] =
    "{\"order_id\": \"T0001\",\n"
    " \"customer\": {\"id\": \"C-1\", \"email\": \"ann@example.com\", \"name\": \"Ann "
    "Smith\"},\n"
    " \"child\": {\"name\": \"Maya\", \"age\": 5, \"pronouns\": \"she\",\n"
    "   \"appearance\": {\"hair_colour\": \"brown\", \"hair_style\": \"curly\",\n"
    "                  \"skin_tone\": \"medium\", \"eye_colour\": \"green\"},\n"
    "   \"interests\": [\"dinosaurs\", \"space\"]},\n"
    " \"book\": {\"language\": \"en\", \"theme\": \"dinosaurs\", \"style\": "
    "\"watercolour\",\n"
    "          \"pages\": 24, \"dedication\": \"For Maya.\"},\n"
    " \"shipping\": {\"name\": \"Ann Smith\", \"street1\": \"1 High Street\", \"city\": "
    "\"Leeds\",\n"
    "              \"postcode\": \"LS1 1AA\", \"country_code\": \"GB\",\n"
    "              \"phone_number\": \"+44 113 496 0000\"}}\n";

static const struct order_defaults defaults = {.trim = "8x10", .binding = "paperback"};

/* ---- helpers -------------------------------------------------------------- */

/* Sets (json != NULL) or deletes the value at path ("/child/interests/0") in
 * root; "" replaces the whole document.  Returns the new root. */
static json_t *
edit_json(json_t *root, const char *path, const char *json)
{
    json_error_t je;
    json_t *val = NULL;
    if (json) {
        val = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!val)
            fail_msg("bad replacement JSON in the test table: %s: %s", json, je.text);
    }
    if (!*path) {
        json_decref(root);
        return val;
    }
    char *copy = strdup(path);
    assert_non_null(copy);
    json_t *parent = root;
    char *save = NULL, *tok = strtok_r(copy + 1, "/", &save), *next;
    while ((next = strtok_r(NULL, "/", &save))) {
        parent = json_is_array(parent) ? json_array_get(parent, strtoul(tok, NULL, 10))
                                       : json_object_get(parent, tok);
        if (!parent)
            fail_msg("test path %s does not exist in the base order", path);
        tok = next;
    }
    if (json_is_array(parent)) {
        size_t i = strtoul(tok, NULL, 10);
        if (!val)
            assert_int_equal(json_array_remove(parent, i), 0);
        else if (strcmp(tok, "-") == 0)
            assert_int_equal(json_array_append_new(parent, val), 0);
        else
            assert_int_equal(json_array_set_new(parent, i, val), 0);
    } else if (!val) {
        assert_int_equal(json_object_del(parent, tok), 0);
    } else {
        assert_int_equal(json_object_set_new(parent, tok, val), 0);
    }
    free(copy);
    return root;
}

struct edit {
    const char *path;
    const char *json; /* NULL: delete */
};

/* The base order with edits applied, as text (free()). */
static char *
mutate(const struct edit *edits, size_t n)
{
    json_error_t je;
    json_t *root = json_loads(base_order, 0, &je);
    assert_non_null(root);
    for (size_t i = 0; i < n && edits[i].path; i++)
        root = edit_json(root, edits[i].path, edits[i].json);
    char *text = json_dumps(root, JSON_ENCODE_ANY | JSON_INDENT(1));
    assert_non_null(text);
    json_decref(root);
    return text;
}

static void
print_errors(const struct order_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        print_error("    got: %s\n", errs->msg[i]);
}

/* The message that starts with "path: ", or NULL. */
static const char *
find_msg(const struct order_errors *errs, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < errs->count; i++)
        if (strncmp(errs->msg[i], path, n) == 0 && errs->msg[i][n] == ':' &&
            errs->msg[i][n + 1] == ' ')
            return errs->msg[i];
    return NULL;
}

/* Every message is one printable line of bounded length: safe to cat. */
static void
assert_msgs_safe(const struct order_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++) {
        const unsigned char *m = (const unsigned char *)errs->msg[i];
        assert_true(strlen(errs->msg[i]) < 600);
        for (; *m; m++)
            if (*m < 0x20 || *m == 0x7F) {
                print_errors(errs);
                fail_msg("control byte 0x%02X in a message", *m);
            }
    }
}

static json_t *
parse_text(const char *text, size_t len, struct order_errors *errs)
{
    json_t *o = order_parse(text, len, &defaults, errs);
    assert_msgs_safe(errs);
    return o;
}

static const char *
get_str(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    return json_string_value(v);
}

/* ---- the valid base ------------------------------------------------------- */

static void
test_base_valid_and_normalised(void **state)
{
    (void)state;
    struct order_errors errs = {0};
    json_t *o = parse_text(base_order, strlen(base_order), &errs);
    if (!o)
        print_errors(&errs);
    assert_non_null(o);
    assert_int_equal(errs.count, 0);
    assert_string_equal(order_id(o), "T0001");
    assert_string_equal(order_customer_id(o), "C-1");
    assert_string_equal(order_child_name(o), "Maya");

    /* the defaults the drop left out */
    assert_string_equal(get_str(o, "book", "trim"), "8x10");
    assert_string_equal(get_str(o, "book", "binding"), "paperback");
    assert_string_equal(get_str(o, "shipping_level", NULL), "MAIL");
    assert_true(json_is_false(json_object_get(
        json_object_get(json_object_get(o, "child"), "appearance"), "glasses")));
    assert_null(json_object_get(o, "meta"));

    /* keys in the fixed order, whatever the drop's order */
    static const char *const top[] = {"order_id", "customer", "child",
                                      "book",     "shipping", "shipping_level"};
    const char *key;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, key, v)
    {
        (void)v;
        assert_true(i < sizeof top / sizeof top[0]);
        assert_string_equal(key, top[i++]);
    }
    assert_int_equal(i, sizeof top / sizeof top[0]);
    json_decref(o);
    order_errors_free(&errs);
}

static void
test_builtin_defaults_without_config(void **state)
{
    (void)state;
    struct order_errors errs = {0};
    json_t *o = order_parse(base_order, strlen(base_order), NULL, &errs);
    assert_non_null(o);
    assert_string_equal(get_str(o, "book", "trim"), "8.5x8.5");
    assert_string_equal(get_str(o, "book", "binding"), "hardcover");
    json_decref(o);
}

/* ---- one problem at a time ----------------------------------------------- */

struct bad_case {
    struct edit edit[2];
    const char *path; /* the message must start with "<path>: " */
    const char *text; /* and contain this, when not NULL */
};

#define LONG41 "\"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJK\""
#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X300 X100 X100 X100
#define ID65 "\"A123456789012345678901234567890123456789012345678901234567890123X\""

static const struct bad_case bad_cases[] = {
    /* order_id */
    {{{"/order_id", NULL}}, "order_id", "missing"},
    {{{"/order_id", "\"\""}}, "order_id", "must be 1 to 64 letters"},
    {{{"/order_id", "\".hidden\""}}, "order_id", "got \".hidden\""},
    {{{"/order_id", "\"../etc/passwd\""}}, "order_id", "not starting with a dot"},
    {{{"/order_id", "\"A 1\""}}, "order_id", NULL},
    {{{"/order_id", ID65}}, "order_id", NULL},
    {{{"/order_id", "1001"}}, "order_id", "got 1001"},
    {{{"/order_id", "\"Zo\\u00eb\""}}, "order_id", NULL},
    /* customer */
    {{{"/customer", NULL}}, "customer", "missing"},
    {{{"/customer", "\"Ann\""}}, "customer", "must be an object, got \"Ann\""},
    {{{"/customer/id", "\"a/b\""}}, "customer.id", NULL},
    {{{"/customer/email", NULL}}, "customer.email", "missing"},
    {{{"/customer/email", "\"not-an-email\""}}, "customer.email", "email address"},
    {{{"/customer/email", "\"ann@localhost\""}}, "customer.email", NULL},
    {{{"/customer/email", "\"ann smith@example.com\""}}, "customer.email", NULL},
    {{{"/customer/email", "\"ann@@example.com\""}}, "customer.email", NULL},
    {{{"/customer/email", "\"ann@example..com\""}}, "customer.email", NULL},
    {{{"/customer/email", "\"ann@-example.com\""}}, "customer.email", NULL},
    {{{"/customer/name", "\"\""}}, "customer.name", "must not be empty"},
    {{{"/customer/name", "\"\\u200b\\u200b\""}}, "customer.name", "invisible"},
    {{{"/customer/name", "[\"Ann\"]"}},
     "customer.name",
     "must be a string, got an array"},
    {{{"/customer/vip", "true"}}, "customer.vip", "unknown field"},
    /* child */
    {{{"/child", "[]"}}, "child", "must be an object"},
    {{{"/child/name", NULL}}, "child.name", "missing"},
    {{{"/child/name", "\"\""}}, "child.name", "must not be empty"},
    {{{"/child/name", "\"   \\t \""}}, "child.name", "must not be empty"},
    {{{"/child/name", LONG41}}, "child.name", "must be 1 to 40 characters long, got 41"},
    {{{"/child/name", "\"Maya\\u0007\""}}, "child.name", "control characters (U+0007)"},
    {{{"/child/name", "\"Maya\\u007f\""}}, "child.name", "control characters (U+007F)"},
    {{{"/child/name", "\"Maya\\u0085\""}}, "child.name", "control characters (U+0085)"},
    {{{"/child/name", "\"Maya\\nRose\""}}, "child.name", "control characters (U+000A)"},
    {{{"/child/name", "\"\\u202eayaM\""}}, "child.name", "bidirectional"},
    {{{"/child/name", "\"Maya\\u2066x\""}}, "child.name", "bidirectional"},
    {{{"/child/name", "\"Ma\\u200bya\""}}, "child.name", "invisible characters (U+200B)"},
    {{{"/child/name", "\"\\u200dMaya\""}}, "child.name", "invisible characters (U+200D)"},
    {{{"/child/name", "\"Maya\\ufeff\""}}, "child.name", "invisible"},
    {{{"/child/name", "\"\\u3164\""}}, "child.name", "invisible"},
    {{{"/child/name", "\"Maya\\ue000\""}}, "child.name", "private-use"},
    {{{"/child/name", "\"Maya 2\""}}, "child.name", "letters"},
    {{{"/child/name", "\"Maya \\ud83e\\udd95\""}}, "child.name", "letters"},
    {{{"/child/name", "\"'-.\""}}, "child.name", "must contain a letter"},
    {{{"/child/name", "\"\\u0301Maya\""}},
     "child.name",
     "combining marks without a letter"},
    {{{"/child/name", "\"Ma\\u0301\\u0302\\u0303\\u0304\\u0306\\u0307ya\""}},
     "child.name",
     "stacked more than 4 deep"},
    {{{"/shipping/name", "\"A\\u0300\\u0301\\u0302\\u0303\\u0304\\u0306nn\""}},
     "shipping.name",
     "combining marks"},
    {{{"/child/name", "42"}}, "child.name", "must be a string, got 42"},
    {{{"/child/age", NULL}}, "child.age", "missing"},
    {{{"/child/age", "\"five\""}}, "child.age", NULL},
    {{{"/child/age", "13"}}, "child.age", "got 13"},
    {{{"/child/age", "-1"}}, "child.age", "got -1"},
    {{{"/child/age", "5.0"}}, "child.age", "got 5.0"},
    {{{"/child/age", "5.5"}}, "child.age", "got 5.5"},
    {{{"/child/age", "true"}}, "child.age", "got true"},
    {{{"/child/age", "null"}}, "child.age", "got null"},
    {{{"/child/age", "9223372036854775807"}}, "child.age", "got 9223372036854775807"},
    {{{"/child/age", "1e300"}}, "child.age", "must be an integer"},
    {{{"/child/pronouns", "\"it\""}}, "child.pronouns", "she, he or they, got \"it\""},
    {{{"/child/appearance", NULL}}, "child.appearance", "missing"},
    {{{"/child/appearance/hair_colour", "\"green\""}},
     "child.appearance.hair_colour",
     NULL},
    {{{"/child/appearance/hair_style", "\"mohawk\""}},
     "child.appearance.hair_style",
     NULL},
    {{{"/child/appearance/skin_tone", NULL}}, "child.appearance.skin_tone", "missing"},
    {{{"/child/appearance/skin_tone", "\"blue\""}}, "child.appearance.skin_tone", NULL},
    {{{"/child/appearance/eye_colour", "\"Green\""}},
     "child.appearance.eye_colour",
     NULL},
    {{{"/child/appearance/top_colour", "\"gold\""}}, "child.appearance.top_colour", NULL},
    {{{"/child/appearance/bottom_colour", "3"}},
     "child.appearance.bottom_colour",
     "got 3"},
    {{{"/child/appearance/glasses", "\"yes\""}},
     "child.appearance.glasses",
     "must be true or false, got \"yes\""},
    {{{"/child/appearance/glasses", "1"}}, "child.appearance.glasses", NULL},
    {{{"/child/appearance/hat", "\"red\""}}, "child.appearance.hat", "unknown field"},
    {{{"/child/interests", "[]"}},
     "child.interests",
     "must hold 1 to 5 interests, got 0"},
    {{{"/child/interests", "[\"cats\",\"dogs\",\"fish\",\"birds\",\"trains\",\"cars\"]"}},
     "child.interests",
     "got 6"},
    {{{"/child/interests", "\"dinosaurs\""}}, "child.interests", "must be an array"},
    {{{"/child/interests/1", "\"dinosaurs\""}},
     "child.interests[1]",
     "\"dinosaurs\" is listed twice"},
    {{{"/child/interests/0", "\"knitting\""}}, "child.interests[0]", "got \"knitting\""},
    {{{"/child/interests/1", "7"}}, "child.interests[1]", "got 7"},
    {{{"/child/interests/1", "\"Space\""}}, "child.interests[1]", NULL},
    {{{"/child/siblings", "2"}}, "child.siblings", "unknown field"},
    /* book */
    {{{"/book", NULL}}, "book", "missing"},
    {{{"/book/language", "\"de\""}},
     "book.language",
     "must be one of en or fr, got \"de\""},
    {{{"/book/theme", "\"pirates\""}}, "book.theme", "got \"pirates\""},
    {{{"/book/style", "\"oil\""}}, "book.style", "watercolour, flat or crayon"},
    {{{"/book/pages", NULL}}, "book.pages", "missing"},
    {{{"/book/pages", "30"}}, "book.pages", "must be 24 or 32"},
    {{{"/book/pages", "\"24\""}}, "book.pages", "got \"24\""},
    {{{"/book/pages", "24.0"}}, "book.pages", "got 24.0"},
    {{{"/book/dedication", "\"" X300 "y\""}},
     "book.dedication",
     "must be 0 to 300 characters long, got 301"},
    {{{"/book/dedication", "\"Love\\u202e\""}}, "book.dedication", "bidirectional"},
    {{{"/book/dedication", "\"Love\\tyou\""}}, "book.dedication", "control characters"},
    {{{"/book/dedication", "{}"}}, "book.dedication", "must be a string, got an object"},
    {{{"/book/trim", "\"A4\""}}, "book.trim", "8.5x8.5, 8x10 or 6x9, got \"A4\""},
    {{{"/book/binding", "\"spiral\""}}, "book.binding", NULL},
    {{{"/book/colour", "\"red\""}}, "book.colour", "unknown field"},
    /* shipping */
    {{{"/shipping", NULL}}, "shipping", "missing"},
    {{{"/shipping/name", NULL}}, "shipping.name", "missing"},
    {{{"/shipping/street1", NULL}}, "shipping.street1", "missing"},
    {{{"/shipping/street1", "\"1 High St\\r\\nRm 2\""}}, "shipping.street1", "control"},
    {{{"/shipping/city", "\"\""}}, "shipping.city", "must not be empty"},
    {{{"/shipping/postcode", NULL}}, "shipping.postcode", "missing"},
    {{{"/shipping/postcode", "\"LS1 1AA!\""}}, "shipping.postcode", NULL},
    {{{"/shipping/country_code", NULL}}, "shipping.country_code", "missing"},
    {{{"/shipping/country_code", "\"gb\""}}, "shipping.country_code", "two upper-case"},
    {{{"/shipping/country_code", "\"GBR\""}}, "shipping.country_code", NULL},
    {{{"/shipping/country_code", "\"ZZ\""}},
     "shipping.country_code",
     "\"ZZ\" is not an ISO 3166-1 country code"},
    {{{"/shipping/country_code", "\"US\""}}, "shipping.state_code", "missing"},
    {{{"/shipping/state_code", "\"Yorkshire\""}}, "shipping.state_code", NULL},
    {{{"/shipping/phone_number", NULL}}, "shipping.phone_number", "missing"},
    {{{"/shipping/phone_number", "\"12\""}}, "shipping.phone_number", NULL},
    {{{"/shipping/phone_number", "\"call me maybe\""}}, "shipping.phone_number", NULL},
    {{{"/shipping/phone_number", "\"+44 113 496 0000 0000\""}},
     "shipping.phone_number",
     NULL},
    {{{"/shipping/email", "\"ann\""}}, "shipping.email", NULL},
    {{{"/shipping/street2", "42"}}, "shipping.street2", NULL},
    {{{"/shipping/street3", "\"x\""}}, "shipping.street3", "unknown field"},
    /* the rest */
    {{{"/shipping_level", "\"TELEPORT\""}}, "shipping_level", "got \"TELEPORT\""},
    {{{"/shipping_level", "\"mail\""}}, "shipping_level", NULL},
    {{{"/meta", "\"note\""}}, "meta", "must be an object"},
    {{{"/meta", "[1,2]"}}, "meta", "must be an object, got an array"},
    {{{"/priority", "1"}}, "priority", "unknown field"},
    {{{"/book/trim", "\"6x9\""}, {"/book/bnding", "\"paperback\""}},
     "book.bnding",
     "unknown field"},
    {{{"", "[]"}}, "order", "must be a JSON object, got an array"},
    {{{"", "null"}}, "order", "must be a JSON object, got null"},
    {{{"", "{}"}}, "order_id", "missing"},
};

static void
test_each_bad_order(void **state)
{
    (void)state;
    size_t n = sizeof bad_cases / sizeof bad_cases[0];
    assert_true(n >= 60);
    for (size_t i = 0; i < n; i++) {
        const struct bad_case *bc = &bad_cases[i];
        char *text = mutate(bc->edit, 2);
        struct order_errors errs = {0};
        json_t *o = parse_text(text, strlen(text), &errs);
        const char *m = find_msg(&errs, bc->path);
        int ok = !o && m && (!bc->text || strstr(m, bc->text));
        /* one edit, one problem (the empty object lacks everything) */
        if (ok && strcmp(bc->edit[0].path, "") != 0)
            ok = errs.count == 1;
        if (!ok) {
            print_error("case %zu: %s = %s: want \"%s: ...%s...\"\n", i, bc->edit[0].path,
                        bc->edit[0].json ? bc->edit[0].json : "(deleted)", bc->path,
                        bc->text ? bc->text : "");
            print_errors(&errs);
            fail();
        }
        json_decref(o);
        order_errors_free(&errs);
        free(text);
    }
}

/* ---- messages as a shop reads them ---------------------------------------- */

static void
test_all_problems_at_once(void **state)
{
    (void)state;
    struct edit edits[] = {
        {"/child/age", "\"five\""},
        {"/book/theme", "\"pirates\""},
        {"/customer/email", NULL},
        {"/book/colour", "\"red\""},
        {"/shipping/country_code", "\"fr\""},
    };
    char *text = mutate(edits, sizeof edits / sizeof edits[0]);
    struct order_errors errs = {0};
    assert_null(parse_text(text, strlen(text), &errs));
    assert_int_equal(errs.count, 5);
    /* in the order of the fields in the format */
    assert_string_equal(errs.msg[0], "customer.email: missing");
    assert_string_equal(errs.msg[1],
                        "child.age: must be an integer from 0 to 12, got \"five\"");
    char *theme = NULL;
    assert_true(asprintf(&theme, "book.theme: must be one of %s, got \"pirates\"",
                         vocab_describe(vocab_themes)) > 0);
    assert_string_equal(errs.msg[2], theme);
    assert_non_null(strstr(errs.msg[2], "space, ocean, dinosaurs"));
    assert_string_equal(errs.msg[3], "book.colour: unknown field");
    assert_non_null(strstr(errs.msg[4], "shipping.country_code: must be an ISO 3166-1"));
    assert_non_null(strstr(errs.msg[4], "got \"fr\""));

    char *joined = order_errors_join(&errs);
    assert_non_null(joined);
    assert_non_null(strstr(joined, "customer.email: missing\nchild.age: "));
    assert_int_equal(joined[strlen(joined) - 1], '"');
    free(joined);
    free(theme);
    order_errors_free(&errs);
    assert_int_equal(errs.count, 0);
    free(text);
}

static void
test_offending_values_quoted_safely(void **state)
{
    (void)state;
    static const struct {
        struct edit edit;
        const char *want; /* a message equal to this */
    } cases[] = {
        /* control and bidi characters shown escaped, never raw */
        {{"/child/name", "\"Ma\\u0007ya\""},
         "child.name: must not contain control characters (U+0007), got \"Ma\\u0007ya\""},
        {{"/child/name", "\"Maya\\u202egnp.exe\""},
         "child.name: must not contain bidirectional override or isolate characters "
         "(U+202E), got \"Maya\\u202Egnp.exe\""},
        /* long values cut after 40 characters, with the full length */
        {{"/book/style", "\"" X100 "\""},
         "book.style: must be one of watercolour, flat or crayon, got "
         "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"... (100 characters)"},
        /* quotes and backslashes escaped */
        {{"/book/language", "\"e\\\"n\\\\\""},
         "book.language: must be one of en or fr, got \"e\\\"n\\\\\""},
        /* a key that is not a plain word is quoted in the path */
        {{"/book/c\\u0007l r", "1"}, "book[\"c\\\\u0007l r\"]: unknown field"},
        /* non-Latin text is shown as it is */
        {{"/book/theme", "\"\\u6d77\""},
         "book.theme: must be one of space, ocean, dinosaurs, forest, castle, farm, "
         "winter, "
         "city or jungle, got \"\xe6\xb5\xb7\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = mutate(&cases[i].edit, 1);
        struct order_errors errs = {0};
        assert_null(parse_text(text, strlen(text), &errs));
        if (cases[i].want) {
            if (errs.count != 1 || strcmp(errs.msg[0], cases[i].want) != 0) {
                print_error("case %zu: want %s\n", i, cases[i].want);
                print_errors(&errs);
                fail();
            }
        }
        order_errors_free(&errs);
        free(text);
    }

    /* the odd key: built by hand, since the edit path cannot hold it */
    const char *odd = "{\"order_id\":\"T1\",\"b\\u0007d \\\"k\\\"\":1}";
    struct order_errors errs = {0};
    assert_null(parse_text(odd, strlen(odd), &errs));
    const char *m = NULL;
    for (size_t i = 0; i < errs.count; i++)
        if (strstr(errs.msg[i], "unknown field"))
            m = errs.msg[i];
    assert_non_null(m);
    assert_string_equal(m, "[\"b\\u0007d \\\"k\\\"\"]: unknown field");
    order_errors_free(&errs);
}

static void
test_error_count_bounded(void **state)
{
    (void)state;
    /* 200 unknown fields: 50 messages and a count of the rest */
    size_t cap = 64 * 200 + 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "%.*s",
                                (int)(strrchr(base_order, '}') - base_order), base_order);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(text + n, cap - n, ", \"extra%03d\": %d", i, i);
    snprintf(text + n, cap - n, "}");
    struct order_errors errs = {0};
    assert_null(parse_text(text, strlen(text), &errs));
    assert_int_equal(errs.count, 51);
    assert_string_equal(errs.msg[0], "extra000: unknown field");
    assert_string_equal(errs.msg[50], "order: 150 more problems not listed");
    order_errors_free(&errs);
    free(text);
}

/* ---- names in any script -------------------------------------------------- */

static void
test_names_any_script(void **state)
{
    (void)state;
    static const struct {
        const char *json; /* as the shop sends it */
        const char *want; /* normalised: NFC, trimmed */
    } names[] = {
        {"\"Zo\xc3\xab\"", "Zo\xc3\xab"},      /* Zoë, precomposed */
        {"\"Zoe\\u0308\"", "Zo\xc3\xab"},      /* Zoë, e + combining diaeresis */
        {"\"\\u0141ukasz\"", "\xc5\x81ukasz"}, /* Łukasz */
        {"\"\xd0\x9d\xd1\x8c\xd1\x8e\xd1\x88\xd0\xb0\"",
         "\xd0\x9d\xd1\x8c\xd1\x8e\xd1\x88\xd0\xb0"}, /* Ньюша */
        {"\"\xce\x91\xce\xbb\xce\xad\xce\xbe\xce\xb7\xcf\x82\"",
         "\xce\x91\xce\xbb\xce\xad\xce\xbe\xce\xb7\xcf\x82"}, /* Αλέξης */
        {"\"\\u0391\\u03bb\\u03b5\\u0301\\u03be\\u03b7\\u03c2\"",
         "\xce\x91\xce\xbb\xce\xad\xce\xbe\xce\xb7\xcf\x82"}, /* Αλέξης, decomposed */
        {"\"\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85\"",
         "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85"}, /* مريم */
        {"\"\xd7\xa0\xd7\x95\xd7\xa2\xd7\x94\"",
         "\xd7\xa0\xd7\x95\xd7\xa2\xd7\x94"},                         /* נועה */
        {"\"\xe7\xbe\x8e\xe5\x92\xb2\"", "\xe7\xbe\x8e\xe5\x92\xb2"}, /* 美咲 */
        {"\"\xec\x84\x9c\xec\xa4\x80\"", "\xec\x84\x9c\xec\xa4\x80"}, /* 서준 */
        {"\"\\u1109\\u1165\\u110c\\u116e\\u11ab\"",
         "\xec\x84\x9c\xec\xa4\x80"}, /* 서준 as conjoining jamo */
        /* مه‌لقا: ZWNJ between two letters is how Persian writes it */
        {"\"\\u0645\\u0647\\u200c\\u0644\\u0642\\u0627\"",
         "\xd9\x85\xd9\x87\xe2\x80\x8c\xd9\x84\xd9\x82\xd8\xa7"},
        {"\"  Anne-Marie O\\u2019Brien\\u00a0 \"", "Anne-Marie O\xe2\x80\x99"
                                                   "Brien"},
        {"\"Jean-Fran\\u00e7ois Jr.\"", "Jean-Fran\xc3\xa7ois Jr."},
        {"\"Ma\\u00ef Gal\\u00b7la\"", "Ma\xc3\xaf Gal\xc2\xb7la"},
        /* Nguyễn with two stacked marks, composed by NFC */
        {"\"Nguye\\u0302\\u0303n\"", "Nguy\xe1\xbb\x85n"},
        /* נֹעָה: pointed Hebrew, marks after letters */
        {"\"\\u05e0\\u05b9\\u05e2\\u05b8\\u05d4\"",
         "\xd7\xa0\xd6\xb9\xd7\xa2\xd6\xb8\xd7\x94"},
        /* प्रिया (Priya): virama and vowel signs are marks */
        {"\"\\u092a\\u094d\\u0930\\u093f\\u092f\\u093e\"",
         "\xe0\xa4\xaa\xe0\xa5\x8d\xe0\xa4\xb0\xe0\xa4\xbf\xe0\xa4\xaf\xe0\xa4\xbe"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct edit e = {"/child/name", names[i].json};
        char *text = mutate(&e, 1);
        struct order_errors errs = {0};
        json_t *o = parse_text(text, strlen(text), &errs);
        if (!o) {
            print_error("name %zu (%s) refused\n", i, names[i].json);
            print_errors(&errs);
            fail();
        }
        assert_string_equal(order_child_name(o), names[i].want);
        json_decref(o);
        free(text);
    }
}

static void
test_text_normalised(void **state)
{
    (void)state;
    struct edit edits[] = {
        {"/customer/name", "\"  Ren\\u0065\\u0301e Dupont \\n\""},
        {"/book/dedication", "\"\\r\\n  For Maya,\\r\\nwith love.\\r\\n \""},
        {"/book/theme", "\" space \""},
        {"/shipping/street2", "\"\""},
        {"/shipping/email", "null"},
        {"/child/appearance/top_colour", "\"\""},
        {"/child/appearance/glasses", "true"},
        {"/order_id", "\" T0001 \""},
    };
    char *text = mutate(edits, sizeof edits / sizeof edits[0]);
    struct order_errors errs = {0};
    json_t *o = parse_text(text, strlen(text), &errs);
    if (!o)
        print_errors(&errs);
    assert_non_null(o);
    assert_string_equal(get_str(o, "customer", "name"), "Ren\xc3\xa9"
                                                        "e Dupont");
    assert_string_equal(get_str(o, "book", "dedication"), "For Maya,\nwith love.");
    assert_string_equal(get_str(o, "book", "theme"), "space");
    assert_string_equal(order_id(o), "T0001");
    /* blank optional fields mean "not given" */
    assert_null(json_object_get(json_object_get(o, "shipping"), "street2"));
    assert_null(json_object_get(json_object_get(o, "shipping"), "email"));
    json_t *look = json_object_get(json_object_get(o, "child"), "appearance");
    assert_null(json_object_get(look, "top_colour"));
    assert_true(json_is_true(json_object_get(look, "glasses")));
    json_decref(o);
    free(text);
}

/* ---- bytes that are not an order ------------------------------------------- */

static char *
base_with_name_bytes(const char *bytes, size_t n, size_t *len)
{
    const char *at = strstr(base_order, "\"Maya\"");
    assert_non_null(at);
    size_t head = (size_t)(at - base_order) + 1, tail = strlen(at + 5);
    char *buf = malloc(head + n + tail + 1);
    assert_non_null(buf);
    memcpy(buf, base_order, head);
    memcpy(buf + head, bytes, n);
    memcpy(buf + head + n, at + 5, tail + 1);
    *len = head + n + tail;
    return buf;
}

static void
test_bad_bytes_refused(void **state)
{
    (void)state;
    static const struct {
        const char *name_bytes; /* put in place of Maya */
        size_t n;
        const char *want;
    } in_name[] = {
        {"Ma\0ya", 5, "order: holds a NUL byte at offset "},
        {"Ma\xffya", 5, "order: not valid UTF-8"},
        {"Ma\xc0\xafya", 6, "order: not valid UTF-8"},       /* overlong '/' */
        {"Ma\xe0\x80\xafya", 7, "order: not valid UTF-8"},   /* overlong, 3 bytes */
        {"Ma\xed\xa0\x80ya", 7, "order: not valid UTF-8"},   /* a surrogate */
        {"Ma\xf4\x90\x80\x80", 6, "order: not valid UTF-8"}, /* past U+10FFFF */
        {"Ma\xc3", 3, "order: not valid UTF-8"},             /* cut sequence */
        {"Ma\\u0000ya", 10, "order: a string holds \\u0000 (NUL)"},
        {"Ma\\ud800ya", 10, "order: not valid JSON"}, /* lone surrogate escape */
        {"Ma\tya", 5, "order: not valid JSON"},       /* raw control in a string */
    };
    for (size_t i = 0; i < sizeof in_name / sizeof in_name[0]; i++) {
        size_t len;
        char *buf = base_with_name_bytes(in_name[i].name_bytes, in_name[i].n, &len);
        struct order_errors errs = {0};
        json_t *o = parse_text(buf, len, &errs);
        if (o || errs.count != 1 ||
            strncmp(errs.msg[0], in_name[i].want, strlen(in_name[i].want)) != 0) {
            print_error("case %zu: want %s\n", i, in_name[i].want);
            print_errors(&errs);
            fail();
        }
        order_errors_free(&errs);
        free(buf);
    }

    static const struct {
        const char *text;
        const char *want;
    } whole[] = {
        {"", "order: empty"},
        {" \n\t", "order: empty"},
        {"[]", "order: must be a JSON object, got an array"},
        {"42", "order: must be a JSON object, got 42"},
        {"\"A1001\"", "order: must be a JSON object, got \"A1001\""},
        {"{\"order_id\": \"A\", \"order_id\": \"B\"}", "order: duplicate key"},
        {"{} {}", "order: unexpected text after the JSON object"},
        {"{\"order_id\": \"A\",", "order: truncated"},
        {"{\"a\": 1e999}", "order: number too large"},
        {"{\"a\": 123456789012345678901234567890}", "order: number too large"},
        {"{\"a\": 01}", "order: not valid JSON"},
        {"{'a': 1}", "order: not valid JSON"},
        {"{\"a\": NaN}", "order: not valid JSON"},
        {"\xef\xbb\xbf", "order: empty"},
        {"{\"a\": \"\x1b[31mred\"}", "order: not valid JSON"},
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        struct order_errors errs = {0};
        json_t *o = parse_text(whole[i].text, strlen(whole[i].text), &errs);
        if (o || errs.count != 1 ||
            strncmp(errs.msg[0], whole[i].want, strlen(whole[i].want)) != 0) {
            print_error("whole case %zu: want %s\n", i, whole[i].want);
            print_errors(&errs);
            fail();
        }
        order_errors_free(&errs);
    }

    /* the base order cut at every 50th byte */
    size_t blen = strlen(base_order);
    for (size_t cut = 1; cut + 2 < blen; cut += 50) {
        struct order_errors errs = {0};
        assert_null(parse_text(base_order, cut, &errs));
        assert_int_equal(errs.count, 1);
        assert_non_null(strstr(errs.msg[0], "order: truncated"));
        order_errors_free(&errs);
    }
}

static void
test_huge_and_deep_refused(void **state)
{
    (void)state;
    struct order_errors errs = {0};

    /* 10000 '[': jansson's depth limit, not our stack */
    char *deep = malloc(10000);
    assert_non_null(deep);
    memset(deep, '[', 10000);
    assert_null(parse_text(deep, 10000, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msg[0], "order: nested more than 2048 levels deep");
    order_errors_free(&errs);
    free(deep);

    /* a 300 KB name: refused by size before parsing */
    size_t big = 300 * 1024, len;
    char *name = malloc(big);
    assert_non_null(name);
    memset(name, 'a', big);
    char *buf = base_with_name_bytes(name, big, &len);
    assert_null(parse_text(buf, len, &errs));
    assert_int_equal(errs.count, 1);
    assert_non_null(strstr(errs.msg[0], "order: too large: "));
    assert_non_null(strstr(errs.msg[0], "the limit is 262144 bytes"));
    order_errors_free(&errs);
    free(buf);

    /* 200 KB: parsed, refused by the field's bound, message short */
    buf = base_with_name_bytes(name, 200 * 1024, &len);
    assert_null(parse_text(buf, len, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msg[0],
                        "child.name: must be 1 to 40 characters long, got 204800");
    order_errors_free(&errs);
    free(buf);

    /* the meta object: kept when small, refused when large or deep */
    struct edit meta_ok = {"/meta",
                           "{\"shop\": {\"ref\": \"SO-1\", \"tags\": [1, 2.5, null]}}"};
    char *text = mutate(&meta_ok, 1);
    json_t *o = parse_text(text, strlen(text), &errs);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(o, "meta"), "shop"), "ref")),
                        "SO-1");
    json_decref(o);
    free(text);

    memset(name, 'm', ORDER_META_MAX_BYTES);
    char *meta = NULL;
    assert_true(asprintf(&meta, "{\"note\": \"%.*s\"}", ORDER_META_MAX_BYTES, name) > 0);
    struct edit meta_big = {"/meta", meta};
    text = mutate(&meta_big, 1);
    assert_null(parse_text(text, strlen(text), &errs));
    assert_int_equal(errs.count, 1);
    assert_non_null(strstr(errs.msg[0], "meta: too large"));
    order_errors_free(&errs);
    free(text);
    free(meta);

    /* {"a": 1 in 20 arrays}: 21 levels */
    char deep_meta[64];
    snprintf(deep_meta, sizeof deep_meta, "{\"a\":%.20s1%.20s}", "[[[[[[[[[[[[[[[[[[[[",
             "]]]]]]]]]]]]]]]]]]]]");
    struct edit meta_deep = {"/meta", deep_meta};
    text = mutate(&meta_deep, 1);
    assert_null(parse_text(text, strlen(text), &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msg[0], "meta: nested more than 16 levels deep");
    order_errors_free(&errs);
    free(text);
    free(name);
}

static void
test_bom_skipped(void **state)
{
    (void)state;
    size_t n = strlen(base_order);
    char *buf = malloc(n + 3);
    assert_non_null(buf);
    memcpy(buf, "\xef\xbb\xbf", 3);
    memcpy(buf + 3, base_order, n);
    struct order_errors errs = {0};
    json_t *o = parse_text(buf, n + 3, &errs);
    assert_non_null(o);
    assert_string_equal(order_id(o), "T0001");
    json_decref(o);
    free(buf);
}

/* ---- duplicates ------------------------------------------------------------- */

/* v with every object's keys in reverse order. */
static json_t *
reversed(json_t *v)
{
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            assert_int_equal(json_array_append_new(a, reversed(x)), 0);
        }
        return a;
    }
    if (!json_is_object(v))
        return json_incref(v);
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        assert_true(n < 64);
        keys[n++] = k;
    }
    json_t *o = json_object();
    while (n--)
        assert_int_equal(
            json_object_set_new(o, keys[n], reversed(json_object_get(v, keys[n]))), 0);
    return o;
}

static char *
canonical_of(const char *text)
{
    struct order_errors errs = {0};
    json_t *o = parse_text(text, strlen(text), &errs);
    if (!o)
        print_errors(&errs);
    assert_non_null(o);
    char *c = order_canonical(o);
    assert_non_null(c);
    json_decref(o);
    return c;
}

static void
test_canonical(void **state)
{
    (void)state;
    char *c1 = canonical_of(base_order);

    /* same order, keys in another order, other white space */
    json_t *root = json_loads(base_order, 0, NULL);
    json_t *rev = reversed(root);
    char *text = json_dumps(rev, JSON_INDENT(4));
    assert_string_not_equal(text, base_order);
    char *c2 = canonical_of(text);
    assert_string_equal(c1, c2);
    assert_null(strchr(c1, '\n'));
    assert_non_null(strstr(c1, "{\"book\":{\"binding\":\"paperback\","));
    free(text);
    free(c2);
    json_decref(rev);
    json_decref(root);

    /* same after normalisation, and with defaults spelt out; meta aside */
    struct edit same[] = {
        {"/child/name", "\" Maya \""},
        {"/book/trim", "\"8x10\""},
        {"/shipping_level", "\"MAIL\""},
        {"/meta", "{\"sent_at\": \"2025-01-02T03:04:05Z\"}"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        text = mutate(&same[i], 1);
        c2 = canonical_of(text);
        assert_string_equal(c1, c2);
        free(c2);
        free(text);
    }

    /* a changed field is another order */
    struct edit other[] = {
        {"/child/age", "6"},
        {"/child/name", "\"May\\u0430\""}, /* a Cyrillic a at the end */
        {"/child/interests/1", "\"rockets\""},
        {"/book/trim", "\"6x9\""},
        {"/shipping/street2", "\"Flat 2\""},
        {"/child/appearance/glasses", "true"},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        text = mutate(&other[i], 1);
        c2 = canonical_of(text);
        assert_string_not_equal(c1, c2);
        free(c2);
        free(text);
    }
    free(c1);
}

static void
test_peek_id(void **state)
{
    (void)state;
    struct edit bad_age = {"/child/age", "\"five\""};
    char *text = mutate(&bad_age, 1);
    char *id = order_peek_id(text, strlen(text));
    assert_non_null(id);
    assert_string_equal(id, "T0001");
    free(id);
    free(text);
    static const char dotted[] = "{\"order_id\": \"../x\"}";
    static const char array[] = "[\"T0001\"]";
    static const char nul[] = "{\"order_id\": \"T0\0001\"}";
    assert_null(order_peek_id(dotted, sizeof dotted - 1));
    assert_null(order_peek_id(array, sizeof array - 1));
    assert_null(order_peek_id(nul, sizeof nul - 1));
    assert_null(order_peek_id("", 0));

    /* errs may be left out when only the verdict matters */
    assert_null(order_parse("{}", 2, NULL, NULL));
    json_t *o = order_parse(base_order, strlen(base_order), NULL, NULL);
    assert_non_null(o);
    json_decref(o);
}

/* ---- the corpus and the samples ----------------------------------------------- */


static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = malloc(ORDER_MAX_BYTES + 2);
    assert_non_null(buf);
    *len = fread(buf, 1, ORDER_MAX_BYTES + 1, f);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    return buf;
}

/* Every *.json in dir is valid and named after its order id. */
static size_t
check_good_dir(const char *rel)
{
    char *dir = testutil_src_path(rel);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s (set STORYPRESS_SRCDIR to the source tree)", dir);
    struct dirent *de;
    size_t seen = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        char *path = NULL, id[80];
        assert_true(asprintf(&path, "%s/%s", dir, de->d_name) > 0);
        size_t len;
        char *buf = slurp(path, &len);
        struct order_errors errs = {0};
        json_t *o = parse_text(buf, len, &errs);
        if (!o) {
            print_error("%s refused\n", path);
            print_errors(&errs);
            fail();
        }
        snprintf(id, sizeof id, "%.*s", (int)(n - 5), de->d_name);
        assert_string_equal(order_id(o), id);
        json_decref(o);
        free(buf);
        free(path);
        seen++;
    }
    closedir(d);
    free(dir);
    return seen;
}

static void
test_samples_and_good_corpus(void **state)
{
    (void)state;
    assert_int_equal(check_good_dir("config/samples"), 5);
    assert_true(check_good_dir("tests/corpus/orders/good") >= 5);
}

/* tests/corpus/orders/bad/EXPECTED: "<file> <path>" lines; the file is
 * refused with a message starting with "<path>: ". */
static void
test_bad_corpus(void **state)
{
    (void)state;
    char *list = testutil_src_path("tests/corpus/orders/bad/EXPECTED");
    FILE *f = fopen(list, "r");
    if (!f)
        fail_msg("cannot open %s", list);
    char line[512];
    size_t cases = 0;
    while (fgets(line, sizeof line, f)) {
        char file[256], path[128];
        if (line[0] == '#' || sscanf(line, "%255s %127s", file, path) != 2)
            continue;
        char *rel = NULL;
        assert_true(asprintf(&rel, "tests/corpus/orders/bad/%s", file) > 0);
        char *p = testutil_src_path(rel);
        size_t len;
        char *buf = slurp(p, &len);
        struct order_errors errs = {0};
        json_t *o = parse_text(buf, len, &errs);
        if (o || !find_msg(&errs, path)) {
            print_error("%s: want a message for %s\n", file, path);
            print_errors(&errs);
            fail();
        }
        order_errors_free(&errs);
        free(buf);
        free(p);
        free(rel);
        cases++;
    }
    fclose(f);
    free(list);
    assert_true(cases >= 15);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_valid_and_normalised),
        cmocka_unit_test(test_builtin_defaults_without_config),
        cmocka_unit_test(test_each_bad_order),
        cmocka_unit_test(test_all_problems_at_once),
        cmocka_unit_test(test_offending_values_quoted_safely),
        cmocka_unit_test(test_error_count_bounded),
        cmocka_unit_test(test_names_any_script),
        cmocka_unit_test(test_text_normalised),
        cmocka_unit_test(test_bad_bytes_refused),
        cmocka_unit_test(test_huge_and_deep_refused),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_peek_id),
        cmocka_unit_test(test_samples_and_good_corpus),
        cmocka_unit_test(test_bad_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
