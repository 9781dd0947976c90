/*
 * test_openai.c — the OpenAI-compatible providers without a network: the
 * strict story schema (every property required and no other allowed at
 * every level, enums straight from lib/vocab.h, page count fixed), the
 * prompts (the order's child and book go out, the customer's address does
 * not; the character description is on every page's picture prompt), the
 * classification of error answers (status and body → retry or fail, and
 * the words an operator reads), the 429 wait headers, the cost of a call,
 * the host-wide rate bucket and the key file.  Files go under $TESTTMP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "art.h"
#include "config.h"
#include "fsutil.h"
#include "openai.h"
#include "story.h"
#include "vocab.h"

static json_t *
sample_order(void)
{
    json_error_t je;
    json_t *o = json_loads(
        "{\"order_id\":\"T42\",\"customer\":{\"id\":\"C1\",\"email\":\"secret@example.com\","
        "\"name\":\"Ann Parent\"},"
        "\"child\":{\"name\":\"Maya\",\"age\":5,\"pronouns\":\"she\",\"appearance\":{"
        "\"hair_colour\":\"dark_brown\",\"hair_style\":\"curly\",\"skin_tone\":\"brown\","
        "\"eye_colour\":\"green\",\"top_colour\":\"yellow\",\"bottom_colour\":\"navy\","
        "\"glasses\":true},\"interests\":[\"dinosaurs\",\"space\"]},"
        "\"book\":{\"language\":\"en\",\"theme\":\"dinosaurs\",\"style\":\"crayon\","
        "\"pages\":24,\"trim\":\"8.5x8.5\",\"binding\":\"hardcover\"},"
        "\"shipping\":{\"name\":\"Ann Parent\",\"street1\":\"14 Larkspur Road\","
        "\"city\":\"Leeds\",\"postcode\":\"LS6 2QE\",\"country_code\":\"GB\"}}",
        0, &je);
    assert_non_null(o);
    return o;
}

/* Every object: additionalProperties false, required = its properties;
 * every array: maxItems.  Counts the objects seen. */
static void
check_strict(const json_t *s, const char *path, int *objects)
{
    const char *type = json_string_value(json_object_get(s, "type"));
    assert_non_null(type);
    if (strcmp(type, "object") == 0) {
        (*objects)++;
        const json_t *props = json_object_get(s, "properties");
        const json_t *req = json_object_get(s, "required");
        assert_true(json_is_object(props));
        if (!json_is_false(json_object_get(s, "additionalProperties")))
            fail_msg("%s: additionalProperties is not false", path);
        if (json_array_size(req) != json_object_size(props))
            fail_msg("%s: %zu required of %zu properties", path, json_array_size(req),
                     json_object_size(props));
        size_t i;
        json_t *r;
        json_array_foreach(req, i, r) assert_non_null(json_object_get(props, json_string_value(r)));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)props, k, v) {
            char *p = g_strdup_printf("%s.%s", path, k);
            check_strict(v, p, objects);
            g_free(p);
        }
    } else if (strcmp(type, "array") == 0) {
        if (!json_is_integer(json_object_get(s, "maxItems")))
            fail_msg("%s: array without maxItems", path);
        char *p = g_strdup_printf("%s[]", path);
        check_strict(json_object_get(s, "items"), p, objects);
        g_free(p);
    }
}

/* The enum at a path of property names ("[]" for array items) equals list. */
static void
check_enum(const json_t *schema, vocab_list list, const char *const *path)
{
    const json_t *s = schema;
    for (; *path; path++)
        s = strcmp(*path, "[]") == 0 ? json_object_get(s, "items")
                                     : json_object_get(json_object_get(s, "properties"), *path);
    const json_t *en = json_object_get(s, "enum");
    assert_int_equal(json_array_size(en), vocab_count(list));
    for (size_t i = 0; list[i]; i++)
        assert_string_equal(json_string_value(json_array_get(en, i)), list[i]);
}

static void
test_schema_strict(void **state)
{
    (void)state;
    json_t *order = sample_order();
    json_t *schema = story_openai_schema(order);
    assert_non_null(schema);
    int objects = 0;
    check_strict(schema, "story", &objects);
    assert_int_equal(objects, 5); /* story, cover, cover.scene, pages[], pages[].scene */
    const json_t *pages = json_object_get(json_object_get(schema, "properties"), "pages");
    assert_int_equal(json_integer_value(json_object_get(pages, "minItems")), 24);
    assert_int_equal(json_integer_value(json_object_get(pages, "maxItems")), 24);
    const char *const setting[] = {"pages", "[]", "scene", "setting", NULL};
    const char *const cover_mood[] = {"cover", "scene", "mood", NULL};
    const char *const times[] = {"pages", "[]", "scene", "time_of_day", NULL};
    const char *const weather[] = {"pages", "[]", "scene", "weather", NULL};
    const char *const action[] = {"cover", "scene", "action", NULL};
    const char *const objs[] = {"pages", "[]", "scene", "objects", "[]", NULL};
    const char *const comps[] = {"cover", "scene", "companions", "[]", NULL};
    check_enum(schema, vocab_settings, setting);
    check_enum(schema, vocab_moods, cover_mood);
    check_enum(schema, vocab_times, times);
    check_enum(schema, vocab_weathers, weather);
    check_enum(schema, vocab_actions, action);
    check_enum(schema, vocab_objects, objs);
    check_enum(schema, vocab_objects, comps);
    const json_t *oid = json_object_get(json_object_get(schema, "properties"), "order_id");
    assert_string_equal(json_string_value(json_array_get(json_object_get(oid, "enum"), 0)), "T42");
    json_decref(schema);
    json_decref(order);
}

static void
test_messages(void **state)
{
    (void)state;
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    json_t *order = sample_order();
    json_t *msgs = story_openai_messages(cfg, order, &e);
    assert_non_null(msgs);
    assert_int_equal(json_array_size(msgs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")),
                        "system");
    const char *user = json_string_value(json_object_get(json_array_get(msgs, 1), "content"));
    assert_non_null(strstr(user, "Maya"));
    assert_non_null(strstr(user, "Exactly 24 pages"));
    assert_non_null(strstr(user, "```json"));
    assert_null(strstr(user, "{name}"));             /* every placeholder filled */
    assert_null(strstr(user, "secret@example.com")); /* the customer stays private */
    assert_null(strstr(user, "Larkspur"));
    json_decref(msgs);
    json_decref(order);
    config_free(cfg);
}

static void
test_prompt_character_everywhere(void **state)
{
    (void)state;
    json_t *order = sample_order();
    char *who = art_openai_character(order);
    assert_non_null(strstr(who, "5-year-old girl"));
    assert_non_null(strstr(who, "dark brown curly hair"));
    assert_non_null(strstr(who, "brown skin"));
    assert_non_null(strstr(who, "green eyes"));
    assert_non_null(strstr(who, "yellow top"));
    assert_non_null(strstr(who, "navy trousers"));
    assert_non_null(strstr(who, "glasses"));
    const char *style = art_openai_style("crayon");
    assert_non_null(strstr(style, "crayon"));
    static const char *const settings[] = {"forest", "beach", "moon", "castle"};
    for (int i = 0; i < 4; i++) {
        json_t *scene = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s,s], s:s}", "setting",
                                  settings[i], "time_of_day", "night", "weather", "snow",
                                  "action", "jumping", "mood", "excited", "companions",
                                  "dragon", "objects", "tree", "lantern", "description",
                                  "Maya leaps over a sleeping dragon.");
        char *p = art_openai_prompt(who, style, scene);
        assert_non_null(strstr(p, who)); /* the same words on every page */
        assert_non_null(strstr(p, style));
        assert_non_null(strstr(p, settings[i]));
        assert_non_null(strstr(p, "jumping"));
        assert_non_null(strstr(p, "dragon"));
        assert_non_null(strstr(p, "lantern"));
        assert_non_null(strstr(p, "Maya leaps over a sleeping dragon."));
        assert_non_null(strstr(p, "no text"));
        g_free(p);
        json_decref(scene);
    }
    g_free(who);
    json_decref(order);
}

static void
test_classify_table(void **state)
{
    (void)state;
    static const struct {
        long status;
        const char *body;
        long retry_after, reset_ms;
        enum err_kind kind;
        long wait;
        const char *words; /* in the reason */
        const char *never; /* never in the reason */
    } t[] = {
        {200, "{}", -1, -1, ERR_NONE, -1, "", NULL},
        {429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
              "\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
         7, -1, ERR_TRANSIENT, 7, "rate limit", NULL},
        {429, "{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\",\"param\":null,"
              "\"code\":\"rate_limit_exceeded\"}}",
         -1, 2500, ERR_TRANSIENT, 3, "retry in 3 s", NULL},
        {429, "{\"error\":{\"code\":\"rate_limit_exceeded\"}}", 3600, -1, ERR_TRANSIENT,
         OPENAI_WAIT_MAX, "rate limit", NULL},
        {429, "", -1, -1, ERR_TRANSIENT, 1, "rate limit", NULL},
        {429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
              "\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}",
         -1, -1, ERR_PERMANENT, -1, "OpenAI refused: insufficient quota on the account", NULL},
        {401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-ab**********WXYZ.\","
              "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}",
         -1, -1, ERR_PERMANENT, -1, "API key was not accepted", "WXYZ"},
        {400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety "
              "system.\",\"type\":\"invalid_request_error\",\"param\":null,"
              "\"code\":\"content_policy_violation\"}}",
         -1, -1, ERR_PERMANENT, -1, "content policy", NULL},
        {400, "{\"error\":{\"message\":\"Invalid schema for response_format\",\"type\":"
              "\"invalid_request_error\",\"param\":\"response_format\",\"code\":null}}",
         -1, -1, ERR_PERMANENT, -1, "Invalid schema for response_format", NULL},
        {403, "{\"error\":{\"message\":\"unsupported_country\"}}", -1, -1, ERR_PERMANENT, -1,
         "403", NULL},
        {404, "{\"error\":{\"message\":\"The model does not exist\"}}", -1, -1, ERR_PERMANENT,
         -1, "no such model", NULL},
        {500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\","
              "\"param\":null,\"code\":null}}",
         -1, -1, ERR_TRANSIENT, -1, "server error (HTTP 500)", NULL},
        {502, "<html>bad gateway</html>", -1, -1, ERR_TRANSIENT, -1, "HTTP 502", NULL},
        {503, NULL, -1, -1, ERR_TRANSIENT, -1, "HTTP 503", NULL},
        {0, NULL, -1, -1, ERR_TRANSIENT, -1, "did not answer", NULL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct openai_verdict v;
        openai_classify(t[i].status, t[i].body, t[i].retry_after, t[i].reset_ms, &v);
        if (v.kind != t[i].kind || v.wait_s != t[i].wait || !strstr(v.reason, t[i].words) ||
            (t[i].never && strstr(v.reason, t[i].never)))
            fail_msg("row %zu (HTTP %ld): got %s, wait %ld, \"%s\"", i, t[i].status,
                     err_kind_name(v.kind), v.wait_s, v.reason);
        /* Only a policy refusal is "blocked": the art stage softens the prompt once. */
        if (v.blocked != (strcmp(t[i].words, "content policy") == 0))
            fail_msg("row %zu (HTTP %ld): blocked %d", i, t[i].status, v.blocked);
    }
    /* What gpt-image models answer a prompt their safety system refuses. */
    struct openai_verdict v;
    openai_classify(400, "{\"error\":{\"message\":\"Your request was rejected by the safety "
                         "system.\",\"type\":\"image_generation_user_error\",\"param\":null,"
                         "\"code\":\"moderation_blocked\"}}", -1, -1, &v);
    assert_int_equal(v.kind, ERR_PERMANENT);
    assert_int_equal(v.blocked, 1);
    assert_non_null(strstr(v.reason, "blocked by its content policy (HTTP 400)"));
}

static void
test_duration(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        long ms;
    } t[] = {{"1s", 1000},   {"20ms", 20},        {"6m0s", 360000}, {"1m30.5s", 90500},
             {"0.5s", 500},  {"1h", 3600000},     {"", -1},         {"soon", -1},
             {"5", -1},      {"-1s", -1},         {NULL, -1}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (openai_duration_ms(t[i].s) != t[i].ms)
            fail_msg("\"%s\": %ld, want %ld", t[i].s ? t[i].s : "(null)",
                     openai_duration_ms(t[i].s), t[i].ms);
}

static void
test_cost(void **state)
{
    (void)state;
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    /* Defaults: 0.40 and 1.60 USD per million tokens, 0.04 per image. */
    assert_float_equal(openai_cost(cfg, 1000000, 0, 0), 0.40, 1e-9);
    assert_float_equal(openai_cost(cfg, 0, 1000000, 0), 1.60, 1e-9);
    assert_float_equal(openai_cost(cfg, 1200, 3400, 0), 1200 * 0.40e-6 + 3400 * 1.60e-6, 1e-12);
    assert_float_equal(openai_cost(cfg, 0, 0, 25), 1.00, 1e-9);
    assert_int_equal(config_set(cfg, "openai_price_input_mtok", "2.5", &e), 0);
    assert_int_equal(config_set(cfg, "openai_price_output_mtok", "10", &e), 0);
    assert_int_equal(config_set(cfg, "openai_price_image", "0.167", &e), 0);
    assert_float_equal(openai_cost(cfg, 4000, 2000, 0), 0.01 + 0.02, 1e-12);
    assert_float_equal(openai_cost(cfg, 10, 20, 3), 10 * 2.5e-6 + 20 * 10e-6 + 0.501, 1e-12);
    config_free(cfg);
}

/* A file under $TESTTMP (or the current directory); returns its path. */
static char *
put_file(const char *name, const char *text)
{
    const char *dir = getenv("TESTTMP");
    char *p = fsu_join(dir && *dir ? dir : ".", name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    return p;
}

static void
test_prompt_file(void **state)
{
    (void)state;
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    char *p = put_file("prompts.txt", "# house prompts\n[system]\nBe brief.\n[user]\n"
                                      "A {pages}-page book about {name} ({order_id}), {unknown}.\n");
    assert_int_equal(config_set(cfg, "openai_story_prompt_file", p, &e), 0);
    json_t *order = sample_order();
    json_t *msgs = story_openai_messages(cfg, order, &e);
    assert_non_null(msgs);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")),
                        "Be brief.");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "content")),
                        "A 24-page book about Maya (T42), {unknown}.\n");
    json_decref(msgs);
    /* A file without its sections is refused with words that say so. */
    char *bad = put_file("prompts-bad.txt", "Write a story.\n");
    assert_int_equal(config_set(cfg, "openai_story_prompt_file", bad, &e), 0);
    assert_null(story_openai_messages(cfg, order, &e));
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "[system]"));
    json_decref(order);
    free(p);
    free(bad);
    config_free(cfg);
}

static void
test_key_and_rate(void **state)
{
    (void)state;
    struct err e = {0};
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    const char *dir = getenv("TESTTMP");
    assert_int_equal(config_set(cfg, "spool_dir", dir && *dir ? dir : ".", &e), 0);
    /* No key file: the order waits for the operator, and the message says
     * which setting to look at. */
    assert_int_equal(config_set(cfg, "openai_api_key_file", "/nonexistent/openai.key", &e), 0);
    assert_null(openai_open(cfg, &e));
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_non_null(strstr(e.msg, "openai_api_key_file"));

    char *key = put_file("openai.key", "sk-unit-test\n");
    assert_int_equal(config_set(cfg, "openai_api_key_file", key, &e), 0);
    /* 12 a minute: a bucket of one token, refilled every 5 s. */
    assert_int_equal(config_set(cfg, "openai_rpm", "12", &e), 0);
    char *rate = fsu_join(dir && *dir ? dir : ".", ".openai.rate");
    unlink(rate);
    struct openai *oa = openai_open(cfg, &e);
    assert_non_null(oa);
    double wait = -1;
    assert_int_equal(openai_rate_take(oa, &wait, &e), 0);
    assert_true(wait == 0);
    assert_int_equal(openai_rate_take(oa, &wait, &e), 1);
    assert_true(wait > 4.0 && wait <= 5.0);
    /* A second client (another worker) sees the same bucket. */
    struct openai *other = openai_open(cfg, &e);
    assert_non_null(other);
    assert_int_equal(openai_rate_take(other, &wait, &e), 1);
    /* A damaged file starts afresh rather than blocking every worker. */
    FILE *f = fopen(rate, "w");
    assert_non_null(f);
    fputs("garbage\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(openai_rate_take(other, &wait, &e), 0);
    openai_close(other);
    openai_close(oa);
    free(rate);
    free(key);
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_strict),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_prompt_character_everywhere),
        cmocka_unit_test(test_classify_table),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_prompt_file),
        cmocka_unit_test(test_key_and_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
