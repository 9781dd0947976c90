/*
 * story_lang.c — language data and the template filler of the built-in
 * writer (see story_lang.h).  Nothing here knows a word of any language:
 * elision, contractions and typography are rules read from the data.
 */
#include <string.h>

#include "embed.h"
#include "story_lang.h"

/* Templates refer to templates (a helper's description names {their}); a
 * loop in the data must end in an error, not in a stack overflow. */
#define STORY_LANG_DEPTH_MAX 8
#define STORY_LANG_CACHE_MAX 16

static struct {
    char *name;
    json_t *root;
} story_lang_cache[STORY_LANG_CACHE_MAX];

const json_t *
story_lang_load(const char *name, struct err *e)
{
    size_t i;
    for (i = 0; i < STORY_LANG_CACHE_MAX && story_lang_cache[i].name; i++)
        if (strcmp(story_lang_cache[i].name, name) == 0)
            return story_lang_cache[i].root;
    if (i == STORY_LANG_CACHE_MAX) {
        err_set(e, ERR_PERMANENT, "story data: too many languages loaded");
        return NULL;
    }
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_')) {
            err_set(e, ERR_PERMANENT, "story data: bad language name");
            return NULL;
        }
    char *path = g_strdup_printf("data/story/%s.json", name);
    const struct embed_file *f = embed_find(path);
    if (!f) {
        err_set(e, ERR_PERMANENT, "%s: not built into this program", path);
        g_free(path);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb((const char *)f->data, f->size, JSON_REJECT_DUPLICATES, &jerr);
    if (!root || !json_is_object(root)) {
        err_set(e, ERR_PERMANENT, "%s: line %d: %s", path, jerr.line,
                root ? "not a JSON object" : jerr.text);
        json_decref(root);
        g_free(path);
        return NULL;
    }
    g_free(path);
    story_lang_cache[i].name = g_strdup(name);
    story_lang_cache[i].root = root;
    return root;
}

/* --- variables --------------------------------------------------------- */

struct story_var {
    char *value;
    int literal;
};

struct story_vars {
    GHashTable *map; /* name → struct story_var */
};

static void
story_var_free(gpointer p)
{
    struct story_var *sv = p;
    g_free(sv->value);
    g_free(sv);
}

struct story_vars *
story_vars_new(void)
{
    struct story_vars *v = g_new0(struct story_vars, 1);
    v->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, story_var_free);
    return v;
}

void
story_vars_free(struct story_vars *v)
{
    if (!v)
        return;
    g_hash_table_destroy(v->map);
    g_free(v);
}

static void
story_vars_put(struct story_vars *v, const char *name, const char *value, int literal)
{
    struct story_var *sv = g_new0(struct story_var, 1);
    sv->value = g_strdup(value ? value : "");
    sv->literal = literal;
    g_hash_table_replace(v->map, g_strdup(name), sv);
}

void
story_vars_set(struct story_vars *v, const char *name, const char *tmpl)
{
    story_vars_put(v, name, tmpl, 0);
}

void
story_vars_set_literal(struct story_vars *v, const char *name, const char *text)
{
    story_vars_put(v, name, text, 1);
}

const char *
story_vars_get(const struct story_vars *v, const char *name)
{
    const struct story_var *sv = g_hash_table_lookup(v->map, name);
    return sv ? sv->value : NULL;
}

/* --- seams: elision and contractions ----------------------------------- */

/* 1 when out ends with the whole word w (or w with a capital) followed by one
 * space; *cap says which. */
static int
story_lang_ends_with_word(const GString *out, const char *w, int *cap)
{
    size_t wl = strlen(w);
    if (wl == 0 || out->len < wl + 1 || out->str[out->len - 1] != ' ')
        return 0;
    const char *start = out->str + out->len - 1 - wl;
    if (strncmp(start, w, wl) == 0) {
        *cap = 0;
    } else {
        /* Compare with the first letter capitalised ("De", "Que"). */
        gunichar c0 = g_utf8_get_char(w);
        char buf[8];
        int n = g_unichar_to_utf8(g_unichar_toupper(c0), buf);
        const char *rest = g_utf8_next_char(w);
        size_t rl = strlen(rest);
        if ((size_t)n + rl != wl || strncmp(start, buf, (size_t)n) != 0 ||
            strncmp(start + n, rest, rl) != 0)
            return 0;
        *cap = 1;
    }
    if (start > out->str) {
        const char *prev = g_utf8_find_prev_char(out->str, start);
        if (prev && g_unichar_isalpha(g_utf8_get_char(prev)))
            return 0;
    }
    return 1;
}

/* Appends s to out, with its first letter capitalised when cap. */
static void
story_lang_append_cap(GString *out, const char *s, int cap)
{
    if (!cap || !*s) {
        g_string_append(out, s);
        return;
    }
    char buf[8];
    int n = g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(s)), buf);
    g_string_append_len(out, buf, n);
    g_string_append(out, g_utf8_next_char(s));
}

static int
story_lang_is_vowel(const json_t *lang, const char *s)
{
    const char *vowels = json_string_value(json_object_get(lang, "vowels"));
    if (!vowels || !*s)
        return 0;
    gunichar c = g_unichar_tolower(g_utf8_get_char(s));
    for (const char *p = vowels; *p; p = g_utf8_next_char(p))
        if (g_utf8_get_char(p) == c)
            return 1;
    return 0;
}

/* Appends value where the text before it may have to change: "de" + "le bois"
 * → "du bois", "de" + "Emma" → "d’Emma" (rules from the data). */
static void
story_lang_join(const json_t *lang, GString *out, const char *value)
{
    size_t i;
    json_t *rule;
    int cap;
    if (lang) {
        json_array_foreach(json_object_get(lang, "contractions"), i, rule) {
            const char *w1 = json_string_value(json_array_get(rule, 0));
            const char *w2 = json_string_value(json_array_get(rule, 1));
            const char *to = json_string_value(json_array_get(rule, 2));
            if (!w1 || !w2 || !to)
                continue;
            size_t l2 = strlen(w2);
            if (strncmp(value, w2, l2) == 0 && value[l2] == ' ' &&
                story_lang_ends_with_word(out, w1, &cap)) {
                g_string_truncate(out, out->len - 1 - strlen(w1));
                story_lang_append_cap(out, to, cap);
                g_string_append(out, value + l2);
                return;
            }
        }
        if (story_lang_is_vowel(lang, value)) {
            json_array_foreach(json_object_get(lang, "elision"), i, rule) {
                const char *w = json_string_value(json_array_get(rule, 0));
                const char *to = json_string_value(json_array_get(rule, 1));
                if (!w || !to)
                    continue;
                if (story_lang_ends_with_word(out, w, &cap)) {
                    g_string_truncate(out, out->len - 1 - strlen(w));
                    story_lang_append_cap(out, to, cap);
                    g_string_append(out, value);
                    return;
                }
            }
        }
    }
    g_string_append(out, value);
}

/* --- the filler -------------------------------------------------------- */

/* Offset of the '}' that closes the '{' at tmpl[open], within len, or -1. */
static long
story_lang_close(const char *tmpl, size_t open, size_t len)
{
    int depth = 0;
    for (size_t i = open; i < len; i++) {
        if (tmpl[i] == '{')
            depth++;
        else if (tmpl[i] == '}' && --depth == 0)
            return (long)i;
    }
    return -1;
}

static int story_lang_expand(const json_t *lang, const struct story_vars *v,
                             enum story_gender g, const char *tmpl, size_t len, GString *out,
                             int depth, struct err *e);

/* {a|b|c}: appends the form for g and returns 1; 0 when the braces hold no
 * '|' (a variable); -1 on error. */
static int
story_lang_variant(const json_t *lang, const struct story_vars *v, enum story_gender g,
                   const char *in, size_t len, GString *out, int depth, struct err *e)
{
    size_t cut[4], n = 0;
    int d = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '{')
            d++;
        else if (in[i] == '}')
            d--;
        else if (in[i] == '|' && d == 0) {
            if (n == 3)
                return err_set(e, ERR_PERMANENT, "{…|…|…} with more than three forms");
            cut[n++] = i;
        }
    }
    if (n == 0)
        return 0;
    if (n != 2)
        return err_set(e, ERR_PERMANENT,
                       "{…|…} needs exactly three forms (he|she|they), got %zu", n + 1);
    size_t from = g == STORY_M ? 0 : cut[g - 1] + 1;
    size_t to = g == STORY_N ? len : cut[g];
    GString *tmp = g_string_new(NULL);
    int rc = story_lang_expand(lang, v, g, in + from, to - from, tmp, depth + 1, e);
    if (rc == 0)
        story_lang_join(lang, out, tmp->str);
    g_string_free(tmp, TRUE);
    return rc < 0 ? -1 : 1;
}

static int
story_lang_var(const json_t *lang, const struct story_vars *v, enum story_gender g,
               const char *in, size_t len, GString *out, int depth, struct err *e)
{
    if (len == 0 || len > 64)
        return err_set(e, ERR_PERMANENT, "empty or overlong placeholder {}");
    char name[65];
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return err_set(e, ERR_PERMANENT, "bad placeholder {%.*s}", (int)len, in);
        name[i] = c;
    }
    name[len] = 0;
    int cap = 0;
    const struct story_var *sv = g_hash_table_lookup(v->map, name);
    if (!sv && name[0] >= 'A' && name[0] <= 'Z') {
        name[0] = (char)(name[0] - 'A' + 'a');
        sv = g_hash_table_lookup(v->map, name);
        cap = 1;
    }
    if (!sv)
        return err_set(e, ERR_PERMANENT, "unknown variable {%.*s}", (int)len, in);
    GString *tmp = g_string_new(NULL);
    int rc = 0;
    if (sv->literal)
        story_lang_append_cap(tmp, sv->value, cap);
    else {
        GString *raw = g_string_new(NULL);
        rc = story_lang_expand(lang, v, g, sv->value, strlen(sv->value), raw, depth + 1, e);
        if (rc == 0)
            story_lang_append_cap(tmp, raw->str, cap);
        else
            err_prefix(e, "in {%s}", name);
        g_string_free(raw, TRUE);
    }
    if (rc == 0)
        story_lang_join(lang, out, tmp->str);
    g_string_free(tmp, TRUE);
    return rc;
}

static int
story_lang_expand(const json_t *lang, const struct story_vars *v, enum story_gender g,
                  const char *tmpl, size_t len, GString *out, int depth, struct err *e)
{
    if (depth > STORY_LANG_DEPTH_MAX)
        return err_set(e, ERR_PERMANENT, "templates nested too deep (a loop?)");
    size_t i = 0;
    while (i < len) {
        if (tmpl[i] == '}')
            return err_set(e, ERR_PERMANENT, "'}' without '{'");
        if (tmpl[i] != '{') {
            size_t j = i;
            while (j < len && tmpl[j] != '{' && tmpl[j] != '}')
                j++;
            g_string_append_len(out, tmpl + i, (gssize)(j - i));
            i = j;
            continue;
        }
        /* Only inside [i, len): the template may be a slice of a variant. */
        long close = story_lang_close(tmpl, i, len);
        if (close < 0)
            return err_set(e, ERR_PERMANENT, "'{' without '}'");
        const char *in = tmpl + i + 1;
        size_t inlen = (size_t)close - i - 1;
        int rc = story_lang_variant(lang, v, g, in, inlen, out, depth, e);
        if (rc < 0)
            return -1;
        if (rc == 0 && story_lang_var(lang, v, g, in, inlen, out, depth, e) < 0)
            return -1;
        i = (size_t)close + 1;
    }
    return 0;
}

int
story_lang_fill(const json_t *lang, const struct story_vars *v, enum story_gender g,
                const char *tmpl, GString *out, struct err *e)
{
    if (!tmpl)
        return err_set(e, ERR_PERMANENT, "missing template");
    return story_lang_expand(lang, v, g, tmpl, strlen(tmpl), out, 0, e);
}

/* --- typography -------------------------------------------------------- */

static int
story_lang_is_space(gunichar c)
{
    return c == ' ' || c == 0x00A0 || c == 0x202F || c == 0x2009;
}

/* The space the data puts next to the one-character mark at p, or NULL. */
static const char *
story_lang_mark_space(const json_t *map, const char *p, size_t *marklen)
{
    const char *next = g_utf8_next_char(p);
    *marklen = (size_t)(next - p);
    char key[8];
    if (*marklen >= sizeof key)
        return NULL;
    memcpy(key, p, *marklen);
    key[*marklen] = 0;
    return json_string_value(json_object_get(map, key));
}

char *
story_lang_typeset(const json_t *lang, const char *text)
{
    const json_t *ty = json_object_get(lang, "typography");
    char *cur = g_strdup(text);
    size_t i;
    json_t *pair;
    json_array_foreach(json_object_get(ty, "replace"), i, pair) {
        const char *from = json_string_value(json_array_get(pair, 0));
        const char *to = json_string_value(json_array_get(pair, 1));
        if (!from || !to || !*from)
            continue;
        char **parts = g_strsplit(cur, from, -1);
        g_free(cur);
        cur = g_strjoinv(to, parts);
        g_strfreev(parts);
    }
    const json_t *before = json_object_get(ty, "space_before");
    const json_t *after = json_object_get(ty, "space_after");
    const char *cluster = json_string_value(json_object_get(ty, "cluster"));
    if (!before && !after)
        return cur;
    GString *out = g_string_sized_new(strlen(cur) + 16);
    for (const char *p = cur; *p;) {
        size_t ml;
        const char *sp = story_lang_mark_space(before, p, &ml);
        if (sp) {
            /* Drop whatever space the text had; put the right one, unless the
             * mark follows another of its cluster ("?!") or starts the text. */
            int had = 0;
            while (out->len) {
                const char *last = g_utf8_find_prev_char(out->str, out->str + out->len);
                if (!last || !story_lang_is_space(g_utf8_get_char(last)))
                    break;
                g_string_truncate(out, (gsize)(last - out->str));
                had = 1;
            }
            int glued = 0;
            if (out->len && cluster && !had) {
                const char *last = g_utf8_find_prev_char(out->str, out->str + out->len);
                gunichar lc = last ? g_utf8_get_char(last) : 0;
                for (const char *q = cluster; *q; q = g_utf8_next_char(q))
                    if (g_utf8_get_char(q) == lc)
                        glued = 1;
            }
            if (out->len && !glued)
                g_string_append(out, sp);
            g_string_append_len(out, p, (gssize)ml);
            p += ml;
            continue;
        }
        sp = story_lang_mark_space(after, p, &ml);
        if (sp) {
            g_string_append_len(out, p, (gssize)ml);
            p += ml;
            while (*p && story_lang_is_space(g_utf8_get_char(p)))
                p = g_utf8_next_char(p);
            g_string_append(out, sp);
            continue;
        }
        const char *next = g_utf8_next_char(p);
        g_string_append_len(out, p, next - p);
        p = next;
    }
    g_free(cur);
    return g_string_free(out, FALSE);
}
