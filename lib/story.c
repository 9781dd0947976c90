/*
 * story.c — story.json: the check every story passes before the order moves
 * on to art, whoever wrote it, and the choice of writer (story_provider).
 *
 * story_validate() is strict on purpose: the art and pdf stages, and a
 * remote model's answer, meet here.  It stops at the first problem and names
 * the field ("pages[3].scene.setting: must be one of …, got \"mars\"") so an
 * operator reading failed/<id>/error.json knows what to look at.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "fsutil.h"
#include "story.h"
#include "vocab.h"

static const char *const story_providers[] = {"builtin", "openai", NULL};

/* A short rendering of a bad value for a message: "\"mars\"", "42", "an
 * object".  Long strings are cut on a character boundary. */
static void
story_got(const json_t *v, char *buf, size_t size)
{
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        if (!g_utf8_validate(s, -1, NULL)) {
            snprintf(buf, size, "a string that is not UTF-8");
            break;
        }
        long n = g_utf8_strlen(s, -1);
        const char *cut = n > 40 ? g_utf8_offset_to_pointer(s, 40) : s + strlen(s);
        snprintf(buf, size, "\"%.*s%s\"", (int)(cut - s), s, n > 40 ? "…" : "");
        break;
    }
    case JSON_INTEGER:
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(buf, size, "%g", json_real_value(v));
        break;
    case JSON_TRUE:
        snprintf(buf, size, "true");
        break;
    case JSON_FALSE:
        snprintf(buf, size, "false");
        break;
    case JSON_NULL:
        snprintf(buf, size, "null");
        break;
    case JSON_OBJECT:
        snprintf(buf, size, "an object");
        break;
    case JSON_ARRAY:
        snprintf(buf, size, "an array");
        break;
    }
}

/* Every field of names present, and no other. */
static int
story_check_fields(const json_t *obj, const char *path, const char *const *names, struct err *e)
{
    const char *sep = *path ? "." : "";
    if (!json_is_object(obj)) {
        char got[128];
        story_got(obj, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "%s: must be an object, got %s", *path ? path : "story",
                       got);
    }
    for (size_t i = 0; names[i]; i++)
        if (!json_object_get(obj, names[i]))
            return err_set(e, ERR_PERMANENT, "%s%s%s: missing", path, sep, names[i]);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        size_t i;
        for (i = 0; names[i] && strcmp(names[i], k) != 0; i++)
            ;
        if (!names[i])
            return err_set(e, ERR_PERMANENT, "%s%s%s: unknown field", path, sep, k);
    }
    return 0;
}

/* A leftover of a template: "{name}", "%s", "$name". */
static const char *
story_placeholder(const char *s, int *len)
{
    for (const char *p = s; *p; p++) {
        if (*p == '{' || *p == '}') {
            const char *q = p;
            while (*q && *q != '}' && q - p < 30)
                q++;
            *len = (int)(q - p) + (*q == '}');
            return p;
        }
        if (*p == '$' || (*p == '%' && ((p[1] >= 'a' && p[1] <= 'z') ||
                                        (p[1] >= 'A' && p[1] <= 'Z')))) {
            *len = p[0] == '$' || !p[1] ? 1 : 2;
            return p;
        }
    }
    return NULL;
}

/* What story_check_text() checks beyond the basics. */
#define STORY_TEXT_TMPL 1    /* no template leftover */
#define STORY_TEXT_NEWLINE 2 /* line breaks allowed (a customer's dedication) */

/* A string of min..max characters: UTF-8, no NUL, no control character
 * (but line breaks when flags say so), not blank when min > 0, and (with
 * STORY_TEXT_TMPL) no template leftover. */
static int
story_check_text(const json_t *v, const char *path, long min, long max, int flags,
                 struct err *e)
{
    int check_tmpl = flags & STORY_TEXT_TMPL;
    char got[128];
    if (!json_is_string(v)) {
        story_got(v, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "%s: must be a string, got %s", path, got);
    }
    const char *s = json_string_value(v);
    size_t bytes = json_string_length(v);
    if (strlen(s) != bytes)
        return err_set(e, ERR_PERMANENT, "%s: contains a NUL character", path);
    if (!g_utf8_validate(s, (gssize)bytes, NULL))
        return err_set(e, ERR_PERMANENT, "%s: not valid UTF-8", path);
    long n = g_utf8_strlen(s, -1);
    if (n > max)
        return err_set(e, ERR_PERMANENT, "%s: must be at most %ld characters, got %ld", path, max,
                       n);
    int blank = 1;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if ((g_unichar_iscntrl(c) && !(c == '\n' && (flags & STORY_TEXT_NEWLINE))) ||
            c == 0x2028 || c == 0x2029)
            return err_set(e, ERR_PERMANENT, "%s: contains a control character (U+%04X)", path,
                           (unsigned)c);
        if (!g_unichar_isspace(c) && c != 0x00A0 && c != 0x202F)
            blank = 0;
    }
    if (min > 0 && (n < min || blank))
        return err_set(e, ERR_PERMANENT, "%s: must not be empty", path);
    int len;
    const char *ph = check_tmpl ? story_placeholder(s, &len) : NULL;
    if (ph)
        return err_set(e, ERR_PERMANENT, "%s: leftover template placeholder \"%.*s\"", path, len,
                       ph);
    return 0;
}

static int
story_check_word(const json_t *v, const char *path, vocab_list list, struct err *e)
{
    if (json_is_string(v) && vocab_has(list, json_string_value(v)))
        return 0;
    char got[128];
    story_got(v, got, sizeof got);
    return err_set(e, ERR_PERMANENT, "%s: must be one of %s, got %s", path, vocab_describe(list),
                   got);
}

static int
story_check_words(const json_t *v, const char *path, size_t max, struct err *e)
{
    char got[128];
    if (!json_is_array(v)) {
        story_got(v, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "%s: must be a list, got %s", path, got);
    }
    if (json_array_size(v) > max)
        return err_set(e, ERR_PERMANENT, "%s: at most %zu entries, got %zu", path, max,
                       json_array_size(v));
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        char *p = g_strdup_printf("%s[%zu]", path, i);
        int rc = story_check_word(x, p, vocab_objects, e);
        g_free(p);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
story_check_scene(const json_t *scene, const char *path, struct err *e)
{
    static const char *const fields[] = {"setting", "time_of_day", "weather",     "action",
                                         "mood",    "companions",  "objects", "description",
                                         NULL};
    static const char *const *lists[] = {vocab_settings, vocab_times, vocab_weathers,
                                         vocab_actions, vocab_moods};
    if (story_check_fields(scene, path, fields, e) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < 5 && rc == 0; i++) {
        char *p = g_strdup_printf("%s.%s", path, fields[i]);
        rc = story_check_word(json_object_get(scene, fields[i]), p, lists[i], e);
        g_free(p);
    }
    static const size_t max[] = {3, 4};
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        char *p = g_strdup_printf("%s.%s", path, fields[5 + i]);
        rc = story_check_words(json_object_get(scene, fields[5 + i]), p, max[i], e);
        g_free(p);
    }
    if (rc == 0) {
        char *p = g_strdup_printf("%s.description", path);
        rc = story_check_text(json_object_get(scene, "description"), p, 1, STORY_DESCRIPTION_MAX,
                              STORY_TEXT_TMPL, e);
        g_free(p);
    }
    return rc;
}

int
story_validate(const json_t *story, const json_t *order, struct err *e)
{
    const char *oid = json_string_value(json_object_get(order, "order_id"));
    const json_t *book = json_object_get(order, "book");
    const char *olang = json_string_value(json_object_get(book, "language"));
    const json_t *opages = json_object_get(book, "pages");
    const char *name = json_string_value(json_object_get(json_object_get(order, "child"), "name"));
    if (!oid || !olang || !json_is_integer(opages) || !name || !*name)
        return err_set(e, ERR_PERMANENT,
                       "order: order_id, book.language, book.pages or child.name missing");
    const char *oded = json_string_value(json_object_get(book, "dedication"));

    static const char *const fields[] = {"version", "order_id", "language", "provider",
                                         "title",   "dedication", "blurb", "ending",
                                         "cover",   "pages",      NULL};
    if (story_check_fields(story, "", fields, e) < 0)
        return -1;
    char got[128];
    const json_t *v = json_object_get(story, "version");
    if (!json_is_integer(v) || json_integer_value(v) != STORY_FORMAT_VERSION) {
        story_got(v, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "version: must be %d, got %s", STORY_FORMAT_VERSION, got);
    }
    v = json_object_get(story, "order_id");
    if (!json_is_string(v) || strcmp(json_string_value(v), oid) != 0) {
        story_got(v, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "order_id: must be the order's \"%s\", got %s", oid, got);
    }
    v = json_object_get(story, "language");
    if (story_check_word(v, "language", vocab_languages, e) < 0)
        return -1;
    if (strcmp(json_string_value(v), olang) != 0)
        return err_set(e, ERR_PERMANENT,
                       "language: must be the order's book.language \"%s\", got \"%s\"", olang,
                       json_string_value(v));
    if (story_check_word(json_object_get(story, "provider"), "provider", story_providers, e) < 0)
        return -1;
    const json_t *title = json_object_get(story, "title");
    if (story_check_text(title, "title", 1, STORY_TITLE_MAX, STORY_TEXT_TMPL, e) < 0)
        return -1;
    /* The customer's own dedication is printed as they wrote it: it may hold
     * a "$" or a brace, and line breaks ("Love,\nMum and Dad"), which the
     * order allows; anything else there must not.  The writer may trim the
     * spaces around it. */
    v = json_object_get(story, "dedication");
    int own = 0;
    if (oded && json_is_string(v)) {
        char *trimmed = g_strstrip(g_strdup(oded));
        own = strcmp(json_string_value(v), oded) == 0 ||
              strcmp(json_string_value(v), trimmed) == 0;
        g_free(trimmed);
    }
    if (story_check_text(v, "dedication", 0, STORY_DEDICATION_MAX,
                         own ? STORY_TEXT_NEWLINE : STORY_TEXT_TMPL, e) < 0)
        return -1;
    if (story_check_text(json_object_get(story, "blurb"), "blurb", 1, STORY_BLURB_MAX, STORY_TEXT_TMPL, e) < 0 ||
        story_check_text(json_object_get(story, "ending"), "ending", 1, STORY_ENDING_MAX, STORY_TEXT_TMPL, e) < 0)
        return -1;
    static const char *const cover_fields[] = {"scene", NULL};
    const json_t *cover = json_object_get(story, "cover");
    if (story_check_fields(cover, "cover", cover_fields, e) < 0 ||
        story_check_scene(json_object_get(cover, "scene"), "cover.scene", e) < 0)
        return -1;

    const json_t *pages = json_object_get(story, "pages");
    if (!json_is_array(pages)) {
        story_got(pages, got, sizeof got);
        return err_set(e, ERR_PERMANENT, "pages: must be a list, got %s", got);
    }
    long want = (long)json_integer_value(opages);
    if ((long)json_array_size(pages) != want)
        return err_set(e, ERR_PERMANENT, "pages: must have %ld pages (the order's book.pages), "
                       "got %zu", want, json_array_size(pages));
    static const char *const page_fields[] = {"text", "scene", NULL};
    int named = strstr(json_string_value(title), name) != NULL;
    size_t i;
    json_t *page;
    json_array_foreach(pages, i, page) {
        char *p = g_strdup_printf("pages[%zu]", i);
        char *pt = g_strdup_printf("pages[%zu].text", i);
        char *ps = g_strdup_printf("pages[%zu].scene", i);
        int rc = story_check_fields(page, p, page_fields, e);
        if (rc == 0)
            rc = story_check_text(json_object_get(page, "text"), pt, 1, STORY_PAGE_TEXT_MAX, STORY_TEXT_TMPL, e);
        if (rc == 0)
            rc = story_check_scene(json_object_get(page, "scene"), ps, e);
        g_free(p);
        g_free(pt);
        g_free(ps);
        if (rc < 0)
            return -1;
        if (strstr(json_string_value(json_object_get(page, "text")), name))
            named = 1;
    }
    if (!named)
        return err_set(e, ERR_PERMANENT, "title, pages: the child's name \"%s\" appears nowhere",
                       name);
    return 0;
}

json_t *
story_write(const struct config *cfg, struct db *db, const json_t *order, struct err *e)
{
    const char *provider = config_str(cfg, "story_provider");
    json_t *story = NULL;
    if (strcmp(provider, "builtin") == 0)
        story = story_builtin_write(order, e);
    else if (strcmp(provider, "openai") == 0)
        story = story_openai_write(cfg, db, order, e);
    else
        err_set(e, ERR_PERMANENT, "story_provider %s: unknown", provider);
    if (!story)
        return NULL;
    if (story_validate(story, order, e) < 0) {
        const char *id = json_string_value(json_object_get(order, "order_id"));
        err_prefix(e, "order %s: story from %s", id ? id : "?", provider);
        json_decref(story);
        return NULL;
    }
    return story;
}

/* story.json is a few tens of kilobytes; anything far larger is not ours. */
#define STORY_FILE_MAX_BYTES (4 * 1024 * 1024)

json_t *
story_load(const char *dir, const json_t *order, int *absent, struct err *e)
{
    char *path = fsu_join(dir, "story.json"), *buf = NULL;
    size_t len = 0;
    struct stat st;
    if (absent)
        *absent = lstat(path, &st) < 0 && errno == ENOENT;
    int rc = fsu_read_file(AT_FDCWD, path, STORY_FILE_MAX_BYTES, &buf, &len, e);
    free(path);
    if (rc < 0) {
        err_prefix(e, "story.json");
        return NULL;
    }
    json_error_t jerr;
    json_t *story = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    if (!story) {
        err_set(e, ERR_PERMANENT, "story.json: line %d: %s", jerr.line, jerr.text);
        return NULL;
    }
    if (story_validate(story, order, e) < 0) {
        err_prefix(e, "story.json");
        json_decref(story);
        return NULL;
    }
    return story;
}
