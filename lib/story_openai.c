/*
 * story_openai.c — the remote story writer: asks an OpenAI-compatible chat
 * completions endpoint for a story.json, with Structured Outputs (a strict
 * JSON schema built here from lib/vocab.h, so the model can only answer
 * words the illustrator can draw), then checks it with story_validate()
 * like any other story.
 *
 * A model may still answer something unusable (cut off by the token limit,
 * a refusal, a story that misses a rule the schema cannot say, such as the
 * child's name in the text): that answer is paid for, recorded, and asked
 * again, up to openai_story_retries more times; then the order fails with
 * the last reason.  HTTP errors follow openai_classify(): a rate limit is
 * waited out here (bounded), other transient errors go back to the stage
 * loop, which defers the order.
 *
 * The prompts are data: the built-in ones below, or openai_story_prompt_file
 * with two sections, a line "[system]" then the system prompt, a line
 * "[user]" then the user template.  {name} {age} {pronouns} {language}
 * {theme} {style} {pages} {interests} {dedication} {order_id} {order_json}
 * are replaced; {order_json} is the order's child and book (never the
 * customer's address or e-mail).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "db.h"
#include "fsutil.h"
#include "log.h"
#include "openai.h"
#include "story.h"
#include "vocab.h"

/* The built-in prompts. */
static const char story_openai_system[] =
    "You write personalised picture books for young children. Stories are warm, simple, "
    "safe and funny, with short sentences a parent reads aloud in a minute per page. The "
    "child of the order is the hero, named on most pages. Every page has a picture: its "
    "scene uses only the words the schema allows, and its description says in one or two "
    "plain English sentences what the picture shows, without naming the child's looks "
    "(the illustrator knows them). No brands, no real people, nothing frightening.";

static const char story_openai_user[] =
    "Write the book for order {order_id} as story.json.\n"
    "Hero: {name}, {age} years old, pronouns {pronouns}; loves {interests}.\n"
    "Theme: {theme}. Picture style: {style}.\n"
    "Language of the text (title, dedication, blurb, pages, ending): {language}.\n"
    "Exactly {pages} pages, each with 1 to 4 sentences (at most 600 characters).\n"
    "Title: at most 120 characters, with {name} in it. Blurb (back cover): at most 600 "
    "characters. Ending: the last words of the book, such as \"The End\" or \"Fin\".\n"
    "Dedication: {dedication}\n"
    "Fields: version 1, order_id \"{order_id}\", language \"{language_code}\", provider "
    "\"openai\".\n"
    "The order:\n```json\n{order_json}\n```\n";

/* "[system]" / "[user]" sections of a prompt file, or the built-in ones. */
static int
story_openai_templates(const struct config *cfg, char **sys, char **user, struct err *e)
{
    const char *path = config_str(cfg, "openai_story_prompt_file");
    if (!*path) {
        *sys = g_strdup(story_openai_system);
        *user = g_strdup(story_openai_user);
        return 0;
    }
    char *buf;
    size_t len;
    if (fsu_read_file(AT_FDCWD, path, 256 * 1024, &buf, &len, e) < 0) {
        if (e)
            e->kind = ERR_PERMANENT;
        return err_prefix(e, "openai_story_prompt_file");
    }
    char *s = strstr(buf, "[system]\n"), *u = strstr(buf, "[user]\n");
    if (!s || !u || u < s) {
        free(buf);
        return err_set(e, ERR_PERMANENT,
                       "openai_story_prompt_file %s: needs a \"[system]\" line, then a "
                       "\"[user]\" line, each followed by its text",
                       path);
    }
    *u = 0;
    *sys = g_strstrip(g_strdup(s + strlen("[system]\n")));
    *user = g_strdup(u + strlen("[user]\n"));
    free(buf);
    return 0;
}

/* tmpl with every {key} of vars (key, value, key, value..., NULL) replaced;
 * unknown braces are kept as they are. */
static char *
story_openai_fill(const char *tmpl, const char *const *vars)
{
    GString *out = g_string_new(NULL);
    for (const char *p = tmpl; *p;) {
        int done = 0;
        if (*p == '{') {
            for (size_t i = 0; vars[i]; i += 2) {
                size_t kl = strlen(vars[i]);
                if (strncmp(p + 1, vars[i], kl) == 0 && p[1 + kl] == '}') {
                    g_string_append(out, vars[i + 1]);
                    p += kl + 2;
                    done = 1;
                    break;
                }
            }
        }
        if (!done)
            g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

static const char *
story_openai_jstr(const json_t *o, const char *a, const char *b, const char *def)
{
    const char *s = json_string_value(json_object_get(json_object_get(o, a), b));
    return s && *s ? s : def;
}

json_t *
story_openai_messages(const struct config *cfg, const json_t *order, struct err *e)
{
    char *sys = NULL, *user = NULL;
    if (story_openai_templates(cfg, &sys, &user, e) < 0)
        return NULL;
    const json_t *child = json_object_get(order, "child");
    const json_t *book = json_object_get(order, "book");
    const char *lang = story_openai_jstr(order, "book", "language", "en");
    GString *ints = g_string_new(NULL);
    size_t i, n = json_array_size(json_object_get(child, "interests"));
    json_t *x;
    json_array_foreach(json_object_get(child, "interests"), i, x) {
        if (i)
            g_string_append(ints, i + 1 == n ? " and " : ", ");
        g_string_append(ints, json_string_value(x) ? json_string_value(x) : "");
    }
    if (!n)
        g_string_append(ints, "adventures");
    char age[16], pages[16];
    snprintf(age, sizeof age, "%lld", (long long)json_integer_value(json_object_get(child, "age")));
    snprintf(pages, sizeof pages, "%lld",
             (long long)json_integer_value(json_object_get(book, "pages")));
    const char *ded = story_openai_jstr(order, "book", "dedication", NULL);
    char *dedication =
        ded ? g_strdup_printf("use exactly the customer's words, as one line: \"%s\"", ded)
            : g_strdup("write a short loving one (at most 400 characters)");
    /* Only what a story needs: never the customer's address or e-mail. */
    json_t *slim = json_pack("{s:O?, s:O?, s:O?}", "order_id", json_object_get(order, "order_id"),
                             "child", child, "book", book);
    char *oj = slim ? json_dumps(slim, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(slim);
    const char *vars[] = {
        "name",       story_openai_jstr(order, "child", "name", "the child"),
        "age",        age,
        "pronouns",   story_openai_jstr(order, "child", "pronouns", "they"),
        "language",   strcmp(lang, "fr") == 0 ? "French (fr), with French typography" : "English (en)",
        "language_code", lang,
        "theme",      story_openai_jstr(order, "book", "theme", "adventure"),
        "style",      story_openai_jstr(order, "book", "style", "watercolour"),
        "pages",      pages,
        "interests",  ints->str,
        "dedication", dedication,
        "order_id",   json_string_value(json_object_get(order, "order_id"))
                          ? json_string_value(json_object_get(order, "order_id"))
                          : "",
        "order_json", oj ? oj : "{}",
        NULL,
    };
    char *u = story_openai_fill(user, vars);
    char *s = story_openai_fill(sys, vars);
    json_t *msgs = json_pack("[{s:s, s:s}, {s:s, s:s}]", "role", "system", "content", s, "role",
                             "user", "content", u);
    g_free(u);
    g_free(s);
    free(oj);
    g_free(dedication);
    g_string_free(ints, TRUE);
    g_free(sys);
    g_free(user);
    if (!msgs)
        err_set(e, ERR_TRANSIENT, "story prompt: out of memory");
    return msgs;
}

/* {"type":"string","enum":[list...]} */
static json_t *
story_openai_enum(vocab_list list)
{
    json_t *a = json_array();
    for (size_t i = 0; list[i]; i++)
        json_array_append_new(a, json_string(list[i]));
    return json_pack("{s:s, s:o}", "type", "string", "enum", a);
}

static json_t *
story_openai_text(const char *desc)
{
    return json_pack("{s:s, s:s}", "type", "string", "description", desc);
}

/* An object whose every property is required and no other allowed, as
 * strict Structured Outputs demand. props: a new reference. */
static json_t *
story_openai_object(json_t *props)
{
    json_t *req = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v)
        json_array_append_new(req, json_string(k));
    return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required",
                     req, "additionalProperties", 0);
}

static json_t *
story_openai_scene(void)
{
    json_t *p = json_object();
    json_object_set_new(p, "setting", story_openai_enum(vocab_settings));
    json_object_set_new(p, "time_of_day", story_openai_enum(vocab_times));
    json_object_set_new(p, "weather", story_openai_enum(vocab_weathers));
    json_object_set_new(p, "action", story_openai_enum(vocab_actions));
    json_object_set_new(p, "mood", story_openai_enum(vocab_moods));
    json_object_set_new(p, "companions",
                        json_pack("{s:s, s:o, s:i, s:s}", "type", "array", "items",
                                  story_openai_enum(vocab_objects), "maxItems", 3, "description",
                                  "creatures or friends beside the child, 0 to 3"));
    json_object_set_new(p, "objects",
                        json_pack("{s:s, s:o, s:i, s:s}", "type", "array", "items",
                                  story_openai_enum(vocab_objects), "maxItems", 4, "description",
                                  "things in the picture, 0 to 4"));
    json_object_set_new(p, "description",
                        story_openai_text("the picture in one or two English sentences, at most "
                                          "400 characters"));
    return story_openai_object(p);
}

json_t *
story_openai_schema(const json_t *order)
{
    const char *oid = json_string_value(json_object_get(order, "order_id"));
    const char *lang = story_openai_jstr(order, "book", "language", "en");
    json_int_t pages = json_integer_value(json_object_get(json_object_get(order, "book"), "pages"));
    json_t *p = json_object();
    json_object_set_new(p, "version", json_pack("{s:s, s:[i]}", "type", "integer", "enum",
                                                STORY_FORMAT_VERSION));
    json_object_set_new(p, "order_id", json_pack("{s:s, s:[s]}", "type", "string", "enum",
                                                 oid ? oid : ""));
    json_object_set_new(p, "language", json_pack("{s:s, s:[s]}", "type", "string", "enum", lang));
    json_object_set_new(p, "provider",
                        json_pack("{s:s, s:[s]}", "type", "string", "enum", "openai"));
    json_object_set_new(p, "title", story_openai_text("at most 120 characters, with the "
                                                      "child's name"));
    json_object_set_new(p, "dedication", story_openai_text("at most 400 characters, one line"));
    json_object_set_new(p, "blurb", story_openai_text("the back cover, at most 600 characters"));
    json_object_set_new(p, "ending", story_openai_text("the last words, at most 200 characters"));
    json_t *cover = json_object();
    json_object_set_new(cover, "scene", story_openai_scene());
    json_object_set_new(p, "cover", story_openai_object(cover));
    json_t *page = json_object();
    json_object_set_new(page, "text", story_openai_text("the page's text, 1 to 4 sentences, at "
                                                        "most 600 characters"));
    json_object_set_new(page, "scene", story_openai_scene());
    json_object_set_new(p, "pages",
                        json_pack("{s:s, s:o, s:I, s:I}", "type", "array", "items",
                                  story_openai_object(page), "minItems", pages, "maxItems",
                                  pages));
    return story_openai_object(p);
}

/* The request body: model, temperature, messages, response_format. */
static json_t *
story_openai_request(const struct config *cfg, const json_t *order, struct err *e)
{
    json_t *msgs = story_openai_messages(cfg, order, e);
    if (!msgs)
        return NULL;
    json_t *rq = json_pack(
        "{s:s, s:f, s:o, s:{s:s, s:{s:s, s:b, s:o}}}", "model",
        config_str(cfg, "openai_story_model"), "temperature",
        config_double(cfg, "openai_temperature"), "messages", msgs, "response_format", "type",
        "json_schema", "json_schema", "name", "story", "strict", 1, "schema",
        story_openai_schema(order));
    if (!rq)
        err_set(e, ERR_TRANSIENT, "story request: out of memory");
    return rq;
}

/* Reads a 2xx answer: the story, or NULL with the reason it is unusable in
 * why (ERR_PERMANENT: worth asking again).  Fills the token counts. */
static json_t *
story_openai_answer(const struct openai_call *c, const json_t *order, long *tin, long *tout,
                    struct err *why)
{
    json_error_t je;
    json_t *root = json_loadb(c->body, c->body_len, 0, &je);
    if (!root) {
        err_set(why, ERR_PERMANENT, "the answer is not JSON (%s at byte %d)", je.text,
                je.position);
        return NULL;
    }
    json_t *usage = json_object_get(root, "usage");
    *tin = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
    *tout = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    json_t *msg = json_object_get(choice, "message");
    const char *finish = json_string_value(json_object_get(choice, "finish_reason"));
    const char *refusal = json_string_value(json_object_get(msg, "refusal"));
    const char *content = json_string_value(json_object_get(msg, "content"));
    json_t *story = NULL;
    if (!msg) {
        err_set(why, ERR_PERMANENT, "the answer has no choices[0].message");
    } else if (refusal) {
        char cut[200];
        snprintf(cut, sizeof cut, "%s", refusal);
        err_set(why, ERR_PERMANENT, "the model refused: \"%s\"", cut);
    } else if (finish && strcmp(finish, "length") == 0) {
        err_set(why, ERR_PERMANENT, "the story was cut off at the token limit "
                                    "(finish_reason \"length\")");
    } else if (finish && strcmp(finish, "content_filter") == 0) {
        err_set(why, ERR_PERMANENT, "the story was withheld by the content filter "
                                    "(finish_reason \"content_filter\")");
    } else if (!content) {
        err_set(why, ERR_PERMANENT, "the answer has no message content");
    } else if (!(story = json_loads(content, JSON_REJECT_DUPLICATES, &je))) {
        err_set(why, ERR_PERMANENT, "the story is not valid JSON (%s at byte %d)", je.text,
                je.position);
    } else if (story_validate(story, order, why) < 0) {
        err_prefix(why, "the story does not follow story.json");
        json_decref(story);
        story = NULL;
    }
    json_decref(root);
    return story;
}

json_t *
story_openai_write(const struct config *cfg, struct db *db, const json_t *order, struct err *e)
{
    const char *oid = json_string_value(json_object_get(order, "order_id"));
    const char *model = config_str(cfg, "openai_story_model");
    int tries = 1 + (int)config_int(cfg, "openai_story_retries");
    int waits = 0;
    struct err why = {0};
    json_t *rq = story_openai_request(cfg, order, e);
    if (!rq)
        return NULL;
    struct openai *oa = openai_open(cfg, e);
    if (!oa) {
        json_decref(rq);
        return NULL;
    }
    json_t *story = NULL;
    int attempt = 0;
    while (attempt < tries) {
        /* A slot first, then a token: a token spent waiting for a slot
         * would let a later minute see more requests than rpm. */
        struct openai_call c = {0};
        if (openai_slot_wait(oa, &c, e) < 0 || openai_rate_wait(oa, e) < 0) {
            openai_slot_give(oa, &c);
            break;
        }
        if (openai_call_perform(oa, &c, "/chat/completions", rq, OPENAI_CHAT_MAX_BODY, e) < 0) {
            openai_record(db, oid, model, "story", 0, 0, 0, &c, 0, e ? e->msg : "no answer");
            openai_call_free(&c);
            break; /* no answer: e is already transient or permanent */
        }
        struct openai_verdict v;
        openai_classify(c.status, c.body, c.retry_after_s, c.reset_ms, &v);
        if (v.kind != ERR_NONE) {
            openai_record(db, oid, model, "story", 0, 0, 0, &c, 0, v.reason);
            openai_call_free(&c);
            /* A rate limit is waited out here a few times; after that the
             * stage loop's backoff takes over. */
            if (v.wait_s >= 0 && waits < 3) {
                waits++;
                log_order(LOG_NOTICE, oid, "%s; waiting %ld s", v.reason, v.wait_s);
                openai_sleep((double)v.wait_s);
                continue;
            }
            err_set(e, v.kind, "%s", v.reason);
            break;
        }
        attempt++;
        long tin = 0, tout = 0;
        story = story_openai_answer(&c, order, &tin, &tout, &why);
        double cost = openai_cost(cfg, tin, tout, 0);
        openai_record(db, oid, model, "story", tin, tout, 0, &c, cost, story ? NULL : why.msg);
        log_order(story ? LOG_INFO : LOG_WARNING, oid,
                  "OpenAI story attempt %d/%d: HTTP %ld in %ld ms, %ld+%ld tokens, $%.4f%s%s",
                  attempt, tries, c.status, c.latency_ms, tin, tout, cost, story ? "" : ": ",
                  story ? "" : why.msg);
        openai_call_free(&c);
        if (story)
            break;
        err_set(e, ERR_PERMANENT, "OpenAI gave no usable story in %d attempt%s; the last: %s",
                attempt, attempt > 1 ? "s" : "", why.msg);
    }
    openai_close(oa);
    json_decref(rq);
    return story;
}
