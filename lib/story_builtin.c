/*
 * story_builtin.c — the built-in story writer: turns an order into a
 * story.json with no network and no model.
 *
 * The shape of a book (which beat of the story falls on which page, the
 * world of each theme, what each picture shows) comes from
 * data/story/common.json; its words from data/story/<language>.json; the
 * picture descriptions, which are for image models, always from en.json.
 * This file holds no word of any language: it picks, fills and typesets.
 *
 * Every choice (helper, place, goal, obstacles, each sentence, the title) is
 * drawn from a small PRNG of our own seeded with a hash of the order id, one
 * stream per purpose, so the same order always gives the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "story.h"
#include "story_builtin.h"
#include "story_lang.h"
#include "vocab.h"

#define STORY_FNV_BASIS 0xcbf29ce484222325ULL
#define STORY_INTERESTS_MAX 5
#define STORY_COMPANIONS_MAX 3
#define STORY_OBJECTS_MAX 4

/* --- a PRNG of our own: the same on every platform and library version --- */

struct story_rng {
    uint64_t s;
};

static uint64_t
story_fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* One stream per purpose ("title", a beat and its page), so that a sentence
 * added to one beat does not reshuffle every other choice of every book. */
static void
story_rng_init(struct story_rng *r, uint64_t seed, const char *stream, long n)
{
    r->s = story_fnv1a(stream, seed) ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
}

/* splitmix64 */
static uint64_t
story_rng_next(struct story_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t
story_rng_below(struct story_rng *r, size_t n)
{
    return n ? (size_t)(story_rng_next(r) % n) : 0;
}

/* --- the book being written ------------------------------------------- */

struct story_book {
    const json_t *common, *lang, *en;
    const char *id, *name, *pronoun, *theme, *language, *dedication;
    long age, pages;
    enum story_gender g;
    char band; /* 's' (ages 0–4), 'm' (5–6), 'b' (7–9) or 'o' (10–12): keys in the data */
    const char *interest[STORY_INTERESTS_MAX];
    size_t ninterest;
    const json_t *ct, *lt, *et;        /* the theme in common, lang and en */
    const json_t *chelper, *cgoal;     /* the chosen helper and goal (common) */
    const json_t *lhelper, *lgoal;     /* their words */
    const json_t *ehelper, *egoal;     /* their words in English (pictures) */
    const char *helper_name;
    const char *world_weather;
    size_t *obst; /* indexes into the theme's obstacles, in the order met */
    size_t nobst;
    uint64_t seed;
    struct story_vars *vars, *evars; /* for the book's language, for English */
};

/* Choices the data lint forces instead of drawing them. */
struct story_force {
    int on;
    size_t helper, goal;
};

static void
story_book_free(struct story_book *b)
{
    story_vars_free(b->vars);
    story_vars_free(b->evars);
    free(b->obst);
}

/* o.a.b.c, or NULL. */
static const json_t *
story_jget(const json_t *o, const char *path)
{
    char *copy = g_strdup(path), *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = json_object_get(o, k);
    g_free(copy);
    return o;
}

static const char *
story_jstr(const json_t *o, const char *path)
{
    return json_string_value(story_jget(o, path));
}

static int
story_in_list(const json_t *arr, const char *word)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        const char *s = json_string_value(x);
        if (s && strcmp(s, word) == 0)
            return 1;
    }
    return 0;
}

/* A string, or one string of an array, drawn from r. */
static const char *
story_pick_str(const json_t *alts, struct story_rng *r)
{
    if (json_is_string(alts))
        return json_string_value(alts);
    return json_string_value(json_array_get(alts, story_rng_below(r, json_array_size(alts))));
}

static int
story_read_order(struct story_book *b, const json_t *order, struct err *e)
{
    static const char *const need[] = {"order_id",      "child.name",    "child.pronouns",
                                       "book.language", "book.theme"};
    const char **slot[] = {&b->id, &b->name, &b->pronoun, &b->language, &b->theme};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        *slot[i] = story_jstr(order, need[i]);
        if (!*slot[i] || !**slot[i])
            return err_set(e, ERR_PERMANENT, "order: %s: missing or not a string", need[i]);
    }
    const json_t *age = story_jget(order, "child.age");
    const json_t *pages = story_jget(order, "book.pages");
    if (!json_is_integer(age) || json_integer_value(age) < 0 || json_integer_value(age) > 12)
        return err_set(e, ERR_PERMANENT, "order: child.age: missing or not 0–12");
    if (!json_is_integer(pages))
        return err_set(e, ERR_PERMANENT, "order: book.pages: missing or not a number");
    b->age = (long)json_integer_value(age);
    b->pages = (long)json_integer_value(pages);
    if (strcmp(b->pronoun, "he") == 0)
        b->g = STORY_M;
    else if (strcmp(b->pronoun, "she") == 0)
        b->g = STORY_F;
    else if (strcmp(b->pronoun, "they") == 0)
        b->g = STORY_N;
    else
        return err_set(e, ERR_PERMANENT, "order: child.pronouns: must be she, he or they");
    const json_t *ints = story_jget(order, "child.interests");
    size_t i;
    json_t *x;
    json_array_foreach(ints, i, x) {
        if (!json_is_string(x) || b->ninterest == STORY_INTERESTS_MAX)
            return err_set(e, ERR_PERMANENT, "order: child.interests: 1–5 words expected");
        b->interest[b->ninterest++] = json_string_value(x);
    }
    if (b->ninterest == 0)
        return err_set(e, ERR_PERMANENT, "order: child.interests: 1–5 words expected");
    b->dedication = story_jstr(order, "book.dedication");
    return 0;
}

/* The words of one language for the chosen helper, goal and interests. */
static int
story_vars_build(struct story_book *b, const json_t *L, const json_t *Lt, const json_t *Lhelper,
                 const json_t *Lgoal, struct story_vars *v, struct err *e)
{
    const char *lname = json_string_value(json_object_get(L, "language"));
    story_vars_set_literal(v, "name", b->name);
    char age[8];
    snprintf(age, sizeof age, "%ld", b->age);
    story_vars_set_literal(v, "age", age);
    const json_t *pro = story_jget(json_object_get(L, "pronouns"), b->pronoun);
    if (!json_is_object(pro))
        return err_set(e, ERR_PERMANENT, "data/story/%s.json: pronouns.%s: missing", lname,
                       b->pronoun);
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)pro, k, val) story_vars_set(v, k, json_string_value(val));

    /* Interests: the first drives the plot, the second (or the first again)
     * colours the celebration; all of them are listed at home. */
    static const char *const fields[] = {"noun", "thing", "the_thing", "joy"};
    static const char *const main_names[] = {"interest", "thing", "the_thing", "joy"};
    static const char *const second_names[] = {"interest2", "thing2", "the_thing2", "joy2"};
    GString *list = g_string_new(NULL);
    for (size_t i = 0; i < b->ninterest; i++) {
        const json_t *in = json_object_get(json_object_get(L, "interests"), b->interest[i]);
        if (!json_is_object(in)) {
            g_string_free(list, TRUE);
            return err_set(e, ERR_PERMANENT, "data/story/%s.json: interests.%s: missing", lname,
                           b->interest[i]);
        }
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            const char *t = json_string_value(json_object_get(in, fields[f]));
            if (!t) {
                g_string_free(list, TRUE);
                return err_set(e, ERR_PERMANENT, "data/story/%s.json: interests.%s.%s: missing",
                               lname, b->interest[i], fields[f]);
            }
            if (i == 0)
                story_vars_set(v, main_names[f], t);
            if (i == 1 || (i == 0 && b->ninterest == 1))
                story_vars_set(v, second_names[f], t);
        }
        const char *sep = story_jstr(L, i + 1 == b->ninterest ? "list.last" : "list.sep");
        if (i > 0 && sep)
            g_string_append(list, sep);
        if (story_lang_fill(L, v, b->g, json_string_value(json_object_get(in, "noun")), list, e) < 0) {
            g_string_free(list, TRUE);
            return err_prefix(e, "data/story/%s.json: interests.%s.noun", lname, b->interest[i]);
        }
    }
    story_vars_set_literal(v, "interests", list->str);
    g_string_free(list, TRUE);

    struct story_rng r;
    story_rng_init(&r, b->seed, "place", 0);
    const char *place = story_pick_str(json_object_get(Lt, "places"), &r);
    const char *kind = json_string_value(json_object_get(Lhelper, "a"));
    const char *the_kind = json_string_value(json_object_get(Lhelper, "the"));
    const char *goal = json_string_value(json_object_get(Lgoal, "the"));
    if (!place || !kind || !the_kind || !goal)
        return err_set(e, ERR_PERMANENT,
                       "data/story/%s.json: themes.%s: places, helpers.*.a/the or goals.*.the "
                       "missing",
                       lname, b->theme);
    story_vars_set(v, "place", place);
    story_vars_set_literal(v, "helper", b->helper_name);
    story_vars_set(v, "helper_kind", kind);
    story_vars_set(v, "the_helper_kind", the_kind);
    story_vars_set(v, "goal", goal);
    /* The theme, its helper and its goal may bring their own words (how the
     * child sets off, a French gender ending); the goal's win over the
     * helper's, which win over the theme's. */
    const json_t *extra[] = {json_object_get(Lt, "vars"), json_object_get(Lhelper, "vars"),
                             json_object_get(Lgoal, "vars")};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        json_object_foreach((json_t *)extra[i], k, val) story_vars_set(v, k, json_string_value(val));
    return 0;
}

static int
story_book_init(struct story_book *b, const json_t *order, const struct story_force *force,
                struct err *e)
{
    memset(b, 0, sizeof *b);
    if (story_read_order(b, order, e) < 0)
        return -1;
    if (!(b->common = story_lang_load("common", e)) || !(b->en = story_lang_load("en", e)))
        return -1;
    if (!vocab_has(vocab_languages, b->language))
        return err_set(e, ERR_PERMANENT, "order: book.language: \"%s\" is not supported",
                       b->language);
    if (!(b->lang = story_lang_load(b->language, e)))
        return -1;
    b->ct = story_jget(json_object_get(b->common, "themes"), b->theme);
    b->lt = story_jget(json_object_get(b->lang, "themes"), b->theme);
    b->et = story_jget(json_object_get(b->en, "themes"), b->theme);
    if (!b->ct || !b->lt || !b->et)
        return err_set(e, ERR_PERMANENT, "theme \"%s\": not in data/story (%s)", b->theme,
                       !b->ct ? "common" : !b->lt ? b->language : "en");

    size_t i;
    json_t *band;
    b->band = 0;
    json_array_foreach(json_object_get(b->common, "bands"), i, band) {
        const char *name = json_string_value(json_object_get(band, "band"));
        if (!b->band && name && b->age <= json_integer_value(json_object_get(band, "max_age")))
            b->band = name[0];
    }
    if (!b->band)
        return err_set(e, ERR_PERMANENT, "data/story/common.json: bands: no band for age %ld",
                       b->age);

    b->seed = story_fnv1a(b->id, STORY_FNV_BASIS);
    const json_t *helpers = json_object_get(b->ct, "helpers");
    const json_t *goals = json_object_get(b->ct, "goals");
    const json_t *obst = json_object_get(b->ct, "obstacles");
    if (!json_array_size(helpers) || !json_array_size(goals) || json_array_size(obst) < 3)
        return err_set(e, ERR_PERMANENT,
                       "data/story/common.json: themes.%s: needs helpers, goals, 3+ obstacles",
                       b->theme);
    struct story_rng r;
    story_rng_init(&r, b->seed, "helper", 0);
    size_t h = force && force->on ? force->helper : story_rng_below(&r, json_array_size(helpers));
    story_rng_init(&r, b->seed, "goal", 0);
    size_t gl = force && force->on ? force->goal : story_rng_below(&r, json_array_size(goals));
    b->chelper = json_array_get(helpers, h);
    b->cgoal = json_array_get(goals, gl);
    const char *hid = json_string_value(json_object_get(b->chelper, "id"));
    const char *gid = json_string_value(json_object_get(b->cgoal, "id"));
    if (!hid || !gid)
        return err_set(e, ERR_PERMANENT, "data/story/common.json: themes.%s: helper or goal "
                       "without id", b->theme);
    b->lhelper = story_jget(json_object_get(b->lt, "helpers"), hid);
    b->lgoal = story_jget(json_object_get(b->lt, "goals"), gid);
    b->ehelper = story_jget(json_object_get(b->et, "helpers"), hid);
    b->egoal = story_jget(json_object_get(b->et, "goals"), gid);
    if (!b->lhelper || !b->lgoal || !b->ehelper || !b->egoal)
        return err_set(e, ERR_PERMANENT, "data/story/%s.json: themes.%s: helper \"%s\" or "
                       "goal \"%s\" missing", b->language, b->theme, hid, gid);
    story_rng_init(&r, b->seed, "helper_name", 0);
    b->helper_name = story_pick_str(json_object_get(b->lhelper, "names"), &r);
    if (!b->helper_name)
        return err_set(e, ERR_PERMANENT, "data/story/%s.json: themes.%s.helpers.%s.names: "
                       "missing", b->language, b->theme, hid);
    story_rng_init(&r, b->seed, "weather", 0);
    b->world_weather = story_pick_str(json_object_get(b->ct, "weathers"), &r);
    if (!b->world_weather)
        return err_set(e, ERR_PERMANENT, "data/story/common.json: themes.%s.weathers: missing",
                       b->theme);

    /* The obstacles met, in a seeded order (Fisher–Yates). */
    b->nobst = json_array_size(obst);
    b->obst = calloc(b->nobst, sizeof *b->obst);
    if (!b->obst)
        return err_set(e, ERR_TRANSIENT, "out of memory");
    for (i = 0; i < b->nobst; i++)
        b->obst[i] = i;
    story_rng_init(&r, b->seed, "obstacles", 0);
    for (i = b->nobst - 1; i > 0; i--) {
        size_t j = story_rng_below(&r, i + 1), t = b->obst[i];
        b->obst[i] = b->obst[j];
        b->obst[j] = t;
    }

    b->vars = story_vars_new();
    b->evars = story_vars_new();
    if (story_vars_build(b, b->lang, b->lt, b->lhelper, b->lgoal, b->vars, e) < 0 ||
        story_vars_build(b, b->en, b->et, b->ehelper, b->egoal, b->evars, e) < 0)
        return -1;
    return 0;
}

/* --- text --------------------------------------------------------------- */

/* Appends the template of a unit for a band: a string; an array of
 * alternatives; {"parts": [unit, …]}, one pick of each joined; or
 * {"s": …, "m": …, "x": …, "o": …} where the youngest read
 * "s", the middle band "m", the 7–9s "m" followed by "x", and the 10–12s
 * "o" when the unit has one (else what the 7–9s read). */
static int
story_unit(const struct story_book *b, char band, const json_t *unit, struct story_rng *r,
           GString *out, struct err *e)
{
    if (json_is_string(unit)) {
        g_string_append(out, json_string_value(unit));
        return 0;
    }
    if (json_is_array(unit)) {
        size_t n = json_array_size(unit);
        if (n == 0)
            return err_set(e, ERR_PERMANENT, "empty list of alternatives");
        return story_unit(b, band, json_array_get(unit, story_rng_below(r, n)), r, out, e);
    }
    if (json_is_object(unit) && json_object_get(unit, "parts")) {
        /* {"parts": [a, b, c]}: one pick of each, joined — an opening clause
         * × an action × a detail, so that three lists of three make 27
         * sentences rather than 9. Each part is a unit of its own (a string,
         * alternatives, or by band). */
        const json_t *parts = json_object_get(unit, "parts");
        size_t i;
        json_t *part;
        if (!json_is_array(parts) || json_array_size(parts) == 0)
            return err_set(e, ERR_PERMANENT, "parts: not a list of units");
        json_array_foreach(parts, i, part) {
            if (story_unit(b, band, part, r, out, e) < 0)
                return -1;
        }
        return 0;
    }
    if (json_is_object(unit)) {
        /* The oldest read their own text where there is one ("o"), else
         * the 7–9 band's. */
        if (band == 'o' && json_object_get(unit, "o"))
            return story_unit(b, band, json_object_get(unit, "o"), r, out, e);
        const char *key = band == 's' ? "s" : "m";
        const json_t *part = json_object_get(unit, key);
        if (!part)
            return err_set(e, ERR_PERMANENT, "no \"%s\" text", key);
        if (story_unit(b, band, part, r, out, e) < 0)
            return -1;
        const json_t *more = json_object_get(unit, "x");
        if ((band == 'b' || band == 'o') && more) {
            g_string_append_c(out, ' ');
            return story_unit(b, band, more, r, out, e);
        }
        return 0;
    }
    return err_set(e, ERR_PERMANENT, "not a text");
}

/* Fills and typesets a template in the book's language. */
static char *
story_render(const struct story_book *b, const json_t *L, struct story_vars *v, const char *tmpl,
             struct err *e)
{
    GString *out = g_string_new(NULL);
    if (story_lang_fill(L, v, b->g, tmpl, out, e) < 0) {
        g_string_free(out, TRUE);
        return NULL;
    }
    char *t = story_lang_typeset(L, out->str);
    g_string_free(out, TRUE);
    /* The child's name is printed as the order spells it: typography must
     * not turn O'Brien into O’Brien (nor would the story validate). */
    char *tn = story_lang_typeset(L, b->name);
    if (strcmp(tn, b->name) != 0 && strstr(t, tn)) {
        char **parts = g_strsplit(t, tn, -1);
        g_free(t);
        t = g_strjoinv(b->name, parts);
        g_strfreev(parts);
    }
    g_free(tn);
    return t;
}

/* The unit of words for a beat: the goal's, the theme's, the main
 * interest's, or the common one — the first that has it. */
static const json_t *
story_beat_unit(const struct story_book *b, const char *beat)
{
    const json_t *u;
    if ((u = json_object_get(json_object_get(b->lgoal, "beats"), beat)))
        return u;
    if ((u = json_object_get(story_jget(b->lt, "beats"), beat)))
        return u;
    const json_t *in = json_object_get(json_object_get(b->lang, "interests"), b->interest[0]);
    if ((u = json_object_get(json_object_get(in, "beats"), beat)))
        return u;
    return json_object_get(json_object_get(b->lang, "beats"), beat);
}

/* 1 when the word that starts at s is one that a plural "they" cannot
 * take ("they was"): listed in the language's name_again.plural_avoid, or
 * a present tense in -s ("looks") when plural_avoid_s is set. */
static int
story_plural_clash(const json_t *again, const char *s)
{
    size_t n = 0;
    while (s[n] && (g_ascii_isalpha(s[n]) || s[n] == '\'' ))
        n++;
    if (n == 0)
        return 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(again, "plural_avoid"), i, x) {
        const char *w = json_string_value(x);
        if (w && strlen(w) == n && g_ascii_strncasecmp(w, s, n) == 0)
            return 1;
    }
    return json_is_true(json_object_get(again, "plural_avoid_s")) && n > 2 && s[n - 1] == 's' &&
           s[n - 2] != 's';
}

/* 1 when the word at s (up to a space or punctuation) is in list. */
static int
story_word_in(const json_t *list, const char *s)
{
    size_t n = strcspn(s, " ,.;:!?\u00a0");
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        const char *w = json_string_value(x);
        if (w && strlen(w) == n && strncmp(w, s, n) == 0)
            return 1;
    }
    return 0;
}

/* 1 when the text before t[at] ends with one of the words of list and a
 * space ("and ", "” "): there a lower-case mention opens a clause. */
static int
story_word_before_in(const char *t, size_t at, const json_t *list)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        const char *w = json_string_value(x);
        size_t n = w ? strlen(w) : 0;
        if (!n || at < n + 1 || t[at - 1] != ' ' || strncmp(t + at - 1 - n, w, n) != 0)
            continue;
        /* a whole word: what comes before it is not a letter */
        if (at == n + 1 || !g_ascii_isalpha(t[at - 2 - n]) || !g_ascii_isalpha(w[0]))
            return 1;
    }
    return 0;
}

/* A writer names the child once and then says "she": in a page's template,
 * every {Name} that opens a sentence after the first mention becomes the
 * language's subject pronoun, and every "{name}'s" its possessive
 * (name_again in <lang>.json).  Other mentions (a vocative, "said Maya")
 * keep the name. */
static void
story_name_again(const struct story_book *b, GString *t, int named_before)
{
    const json_t *again = json_object_get(b->lang, "name_again");
    const char *subject = json_string_value(json_object_get(again, "subject"));
    const char *poss = json_string_value(json_object_get(again, "possessive"));
    const char *poss_lc = json_string_value(json_object_get(again, "possessive_lc"));
    const char *subject_lc = json_string_value(json_object_get(again, "subject_lc"));
    const char *object_lc = json_string_value(json_object_get(again, "object_lc"));
    if (!subject)
        return;
    int seen = named_before;
    for (size_t i = 0; i < t->len; i++) {
        int cap = strncmp(t->str + i, "{Name}", 6) == 0;
        if (!cap && strncmp(t->str + i, "{name}", 6) != 0)
            continue;
        if (!seen) {
            seen = 1;
            i += 5;
            continue;
        }
        const char *after = t->str + i + 6;
        const char *with = NULL;
        size_t take = 6;
        /* ' or U+2019, then s */
        int apos = (after[0] == '\'' && after[1] == 's')             ? 2
                   : (strncmp(after, "\xe2\x80\x99s", 4) == 0) ? 4
                                                               : 0;
        if (apos && poss && poss_lc && !g_ascii_isalpha(after[apos])) {
            with = cap ? poss : poss_lc;
            take += (size_t)apos;
        } else if (after[0] == ' ' && !(b->g == STORY_N && story_plural_clash(again, after + 1)) &&
                   !story_word_in(json_object_get(again, "not_before"), after + 1)) {
            if (cap)
                with = subject;
            else if (subject_lc &&
                     (story_word_before_in(t->str, i, json_object_get(again, "after")) ||
                      story_word_in(json_object_get(again, "subject_before"), after + 1)))
                with = subject_lc;
            else if (object_lc && story_word_before_in(t->str, i, json_object_get(again, "object_after")))
                with = object_lc;
        } else if (!cap && object_lc && !apos &&
                   story_word_before_in(t->str, i, json_object_get(again, "object_after"))) {
            with = object_lc;
        }
        if (!with)
            continue;
        g_string_erase(t, (gssize)i, (gssize)take);
        g_string_insert(t, (gssize)i, with);
        i += strlen(with) - 1;
    }
}

/* The text of one page; a text too long for the page in the oldest band
 * falls back to the middle band's. */
static char *
story_page_text(const struct story_book *b, const char *beat, const char *kind,
                const json_t *unit, long page, int named_before, struct err *e)
{
    char bands[2] = {b->band, b->band == 'b' || b->band == 'o' ? 'm' : 0};
    const char *refrain = json_string_value(
        json_object_get(json_object_get(json_object_get(b->common, "beats"), kind), "refrain"));
    for (int k = 0; k < 2 && bands[k]; k++) {
        struct story_rng r;
        story_rng_init(&r, b->seed, beat, page);
        GString *tmpl = g_string_new(NULL);
        if (story_unit(b, bands[k], unit, &r, tmpl, e) < 0) {
            g_string_free(tmpl, TRUE);
            err_prefix(e, "data/story/%s.json: beat %s", b->language, beat);
            return NULL;
        }
        char key[2] = {bands[k], 0};
        /* An obstacle's page may take the language's common follow-up for
         * its kind and band ("What will they do?"), a page-turn for the
         * youngest that every obstacle shares. */
        const json_t *follow =
            strcmp(beat, kind) != 0
                ? json_object_get(json_object_get(json_object_get(b->lang, "follow"), kind),
                                  bands[k] == 's' ? "s" : "m")
                : NULL;
        if (follow) {
            g_string_append_c(tmpl, ' ');
            if (story_unit(b, bands[k], follow, &r, tmpl, e) < 0) {
                g_string_free(tmpl, TRUE);
                err_prefix(e, "data/story/%s.json: follow.%s", b->language, kind);
                return NULL;
            }
        }
        const json_t *ref = json_object_get(json_object_get(b->lt, "refrain"), key);
        if (refrain && strchr(refrain, bands[k]) && ref) {
            g_string_append_c(tmpl, ' ');
            g_string_append(tmpl, story_pick_str(ref, &r));
        }
        /* A page that goes on with the moment of the page before, when
         * that one named the child ("continues" in common.json: the try after the problem,
         * the friend joining after the meeting) says "she" from its first
         * sentence, as a writer turning the page would. Not for a plural
         * "they", which the child and the helper share on those pages. */
        const json_t *cont = json_object_get(
            json_object_get(json_object_get(b->common, "beats"), kind), "continues");
        story_name_again(b, tmpl, json_is_true(cont) && named_before && b->g != STORY_N);
        char *text = story_render(b, b->lang, b->vars, tmpl->str, e);
        g_string_free(tmpl, TRUE);
        if (!text) {
            err_prefix(e, "data/story/%s.json: beat %s", b->language, beat);
            return NULL;
        }
        if (g_utf8_strlen(text, -1) <= STORY_PAGE_TEXT_MAX)
            return text;
        g_free(text);
    }
    err_set(e, ERR_PERMANENT, "page %ld (%s): text longer than %d characters", page, beat,
            STORY_PAGE_TEXT_MAX);
    return NULL;
}

/* --- scenes ------------------------------------------------------------- */

static void
story_add_word(json_t *arr, size_t max, const char *word, const json_t *not_in)
{
    if (!word || json_array_size(arr) >= max || story_in_list(arr, word) ||
        (not_in && story_in_list(not_in, word)))
        return;
    json_array_append_new(arr, json_string(word));
}

/* Resolves "@main", "@world"... to a word of the theme. */
static const char *
story_resolve(const struct story_book *b, const char *v, struct story_rng *r)
{
    if (!v || v[0] != '@')
        return v;
    if (strcmp(v, "@world") == 0)
        return story_pick_str(json_object_get(b->ct, "world"), r);
    if (strcmp(v, "@interest") == 0) {
        const char *a = json_string_value(
            json_object_get(json_object_get(b->common, "interest_actions"), b->interest[0]));
        return a ? a : story_jstr(b->common, "default_interest_action");
    }
    return json_string_value(json_object_get(b->ct, v + 1));
}

/* " a, b and c" of the English words for vocab objects. */
static void
story_describe_list(const struct story_book *b, const json_t *arr, GString *out)
{
    size_t i, n = json_array_size(arr);
    json_t *x;
    json_array_foreach(arr, i, x) {
        const char *sep = story_jstr(b->en, i + 1 == n ? "list.last" : "list.sep");
        if (i > 0 && sep)
            g_string_append(out, sep);
        const char *w = json_string_value(x);
        const char *d = json_string_value(json_object_get(story_jget(b->en, "describe.object"), w));
        g_string_append(out, d ? d : w);
    }
}

/* The picture in English words, for image models and alt text; shortened
 * (fewer details) until it fits. */
static char *
story_description(const struct story_book *b, json_t *scene, const char *picture, int helper,
                  struct err *e)
{
    struct story_vars *v = b->evars;
    static const char *const keys[] = {"setting", "time_of_day", "weather", "action", "mood"};
    static const char *const maps[] = {"setting", "time", "weather", "action", "mood"};
    for (size_t i = 0; i < 5; i++) {
        const char *w = json_string_value(json_object_get(scene, keys[i]));
        const json_t *m = story_jget(b->en, "describe");
        const char *d = w ? json_string_value(json_object_get(json_object_get(m, maps[i]), w)) : NULL;
        story_vars_set(v, maps[i], d ? d : (w ? w : ""));
    }
    GString *comp = g_string_new(NULL), *obj = g_string_new(NULL);
    json_t *c = json_object_get(scene, "companions"), *o = json_object_get(scene, "objects");
    /* The helper is named in words; the child's own companion is not. */
    size_t i;
    json_t *x;
    json_array_foreach(c, i, x) {
        const char *sep =
            story_jstr(b->en, i + 1 == json_array_size(c) ? "list.last" : "list.sep");
        if (i > 0 && sep)
            g_string_append(comp, sep);
        const char *w = json_string_value(x);
        const char *hobj = json_string_value(json_object_get(b->chelper, "object"));
        const char *htmpl = story_jstr(b->en, "describe.helper");
        if (hobj && strcmp(w, hobj) == 0 && helper && htmpl) {
            /* "{helper} ({helper_kind})": a template, filled here because
             * the list goes into the description as literal text. */
            if (story_lang_fill(b->en, v, b->g, htmpl, comp, e) < 0) {
                g_string_free(comp, TRUE);
                g_string_free(obj, TRUE);
                err_prefix(e, "data/story/en.json: describe.helper");
                return NULL;
            }
        } else {
            const char *d =
                json_string_value(json_object_get(story_jget(b->en, "describe.object"), w));
            g_string_append(comp, d ? d : w);
        }
    }
    story_describe_list(b, o, obj);
    story_vars_set_literal(v, "list", comp->str);
    story_vars_set_literal(v, "objects", obj->str);
    const char *pattern = story_jstr(b->en, "describe.pattern");
    const char *with = story_jstr(b->en, "describe.with");
    const char *around = story_jstr(b->en, "describe.around");
    char *out = NULL;
    for (int level = 0; level < 4 && !out; level++) {
        GString *t = g_string_new(pattern ? pattern : "{Name}.");
        if (picture && level < 3) {
            g_string_append_c(t, ' ');
            g_string_append(t, picture);
        }
        if (comp->len && with && level < 2) {
            g_string_append_c(t, ' ');
            g_string_append(t, with);
        }
        if (obj->len && around && level < 1) {
            g_string_append_c(t, ' ');
            g_string_append(t, around);
        }
        char *d = story_render(b, b->en, v, t->str, e);
        g_string_free(t, TRUE);
        if (!d)
            break;
        if (g_utf8_strlen(d, -1) <= STORY_DESCRIPTION_MAX)
            out = d;
        else
            g_free(d);
    }
    g_string_free(comp, TRUE);
    g_string_free(obj, TRUE);
    if (!out && e && e->kind == ERR_NONE)
        err_set(e, ERR_PERMANENT, "scene description longer than %d characters",
                STORY_DESCRIPTION_MAX);
    return out;
}

static int
story_is_home(const char *setting)
{
    return strcmp(setting, "bedroom") == 0 || strcmp(setting, "home") == 0 ||
           strcmp(setting, "garden") == 0;
}

/* The scene of a page: cbeat is the beat's entry in common.json, cobst the
 * obstacle's (or NULL), kind the beat's kind ("problem" for "ob2.problem"). */
/* 1 when the setting cannot hold the thing (common.json not_in: no
 * flowers in the snow). */
static int
story_not_in(const struct story_book *b, const char *setting, const char *word)
{
    return word && story_in_list(json_object_get(json_object_get(b->common, "not_in"), setting),
                                 word);
}

struct story_mention {
    size_t at;
    const char *object;
};

static int
story_mention_cmp(const void *a, const void *b)
{
    const struct story_mention *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* The things the page's text names (<lang>.json mentions: a word, or its
 * plural in -s or -x, as a whole word), in the order the text names them.
 * Returns how many were found (at most max). */
static size_t
story_mentions(const struct story_book *b, const char *text, struct story_mention *m,
               size_t max)
{
    size_t n = 0;
    if (!text)
        return 0;
    char *low = g_utf8_strdown(text, -1);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(b->lang, "mentions"), k, v) {
        const char *obj = json_string_value(v);
        size_t kl = strlen(k);
        for (const char *hit = strstr(low, k); obj && hit; hit = strstr(hit + 1, k)) {
            int before_ok = hit == low || !g_unichar_isalpha(g_utf8_get_char(
                                              g_utf8_find_prev_char(low, hit)));
            const char *end = hit + kl;
            if (*end == 's' || *end == 'x')
                end++;
            int after_ok = !*end || !g_unichar_isalpha(g_utf8_get_char(end));
            if (!before_ok || !after_ok)
                continue;
            size_t j;
            for (j = 0; j < n && strcmp(m[j].object, obj) != 0; j++)
                ;
            if (j < n) {
                if ((size_t)(hit - low) < m[j].at)
                    m[j].at = (size_t)(hit - low);
            } else if (n < max) {
                m[n].at = (size_t)(hit - low);
                m[n++].object = obj;
            }
            break;
        }
    }
    g_free(low);
    qsort(m, n, sizeof *m, story_mention_cmp);
    return n;
}

static json_t *
story_scene(const struct story_book *b, const char *beat, const char *kind, const json_t *cbeat,
            const json_t *cobst, long page, const char *text, struct err *e)
{
    struct story_rng r;
    story_rng_init(&r, b->seed, "scene", page);
    const json_t *src = cobst ? cobst : cbeat;
    const char *setting = story_resolve(b, json_string_value(json_object_get(src, "setting")), &r);
    const char *time = json_string_value(json_object_get(cbeat, "time"));
    const char *action = NULL;
    if (cobst) {
        static const char *const kinds[] = {"problem", "try", "solve"};
        for (size_t i = 0; i < 3; i++)
            if (strcmp(kind, kinds[i]) == 0)
                action = json_string_value(json_array_get(json_object_get(cobst, "actions"), i));
    } else
        action = story_resolve(b, json_string_value(json_object_get(cbeat, "action")), &r);
    const char *mood = json_string_value(json_object_get(cbeat, "mood"));
    if (!setting || !time || !action || !mood) {
        err_set(e, ERR_PERMANENT, "data/story/common.json: beat %s (theme %s): setting, time, "
                "action or mood missing", beat, b->theme);
        return NULL;
    }
    const char *weather = json_string_value(json_object_get(src, "weather"));
    if (!weather)
        weather = story_is_home(setting) ? story_jstr(b->ct, "home_weather") : b->world_weather;
    if (!weather)
        weather = "clear";

    json_t *scene = json_object();
    json_object_set_new(scene, "setting", json_string(setting));
    json_object_set_new(scene, "time_of_day", json_string(time));
    json_object_set_new(scene, "weather", json_string(weather));
    json_object_set_new(scene, "action", json_string(action));
    json_object_set_new(scene, "mood", json_string(mood));

    /* Who is there: the helper while the adventure lasts, the child's own
     * creature-companion (a toy dinosaur, a cat) always.  What is there: the
     * goal when it is seen, the main interest's thing, the beat's things. */
    json_t *comp = json_array(), *obj = json_array();
    const json_t *creatures = json_object_get(b->common, "creatures");
    int helper = json_is_true(json_object_get(cbeat, "helper"));
    if (helper)
        story_add_word(comp, STORY_COMPANIONS_MAX,
                       json_string_value(json_object_get(b->chelper, "object")), NULL);
    const char *mine = vocab_interest_object(b->interest[0]);
    if (story_in_list(creatures, mine))
        story_add_word(comp, STORY_COMPANIONS_MAX, mine, NULL);
    if (json_is_true(json_object_get(cbeat, "goal")))
        story_add_word(obj, STORY_OBJECTS_MAX,
                       json_string_value(json_object_get(b->cgoal, "object")), comp);
    /* What the sentence names comes before what merely belongs to the
     * theme: a creature walks beside the child, a thing stands in the
     * scene. */
    struct story_mention ment[16];
    size_t nment = story_mentions(b, text, ment, 16);
    for (size_t i = 0; i < nment; i++) {
        if (story_not_in(b, setting, ment[i].object))
            continue;
        if (story_in_list(creatures, ment[i].object) &&
            json_array_size(comp) < STORY_COMPANIONS_MAX)
            story_add_word(comp, STORY_COMPANIONS_MAX, ment[i].object, obj);
        else
            story_add_word(obj, STORY_OBJECTS_MAX, ment[i].object, comp);
    }
    if (!story_in_list(creatures, mine) && !story_not_in(b, setting, mine))
        story_add_word(obj, STORY_OBJECTS_MAX, mine, comp);
    const json_t *more = json_object_get(src, "objects");
    if (json_is_string(more) && strcmp(json_string_value(more), "@interests") == 0) {
        for (size_t i = 0; i < b->ninterest; i++)
            story_add_word(obj, STORY_OBJECTS_MAX, vocab_interest_object(b->interest[i]), comp);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(more, i, x)
            if (!story_not_in(b, setting, json_string_value(x)))
                story_add_word(obj, STORY_OBJECTS_MAX, json_string_value(x), comp);
    }
    const char *filler = story_pick_str(json_object_get(b->ct, "objects"), &r);
    if (!story_is_home(setting) && json_array_size(obj) < 2 && !story_not_in(b, setting, filler))
        story_add_word(obj, STORY_OBJECTS_MAX, filler, comp);
    json_object_set_new(scene, "companions", comp);
    json_object_set_new(scene, "objects", obj);

    /* The English picture phrase: the obstacle's, the goal's, the theme's or
     * the common one for this beat. */
    const char *picture = NULL;
    if (cobst) {
        const char *oid = json_string_value(json_object_get(cobst, "id"));
        picture = story_jstr(json_object_get(json_object_get(b->et, "obstacles"), oid),
                             "picture");
    }
    if (!picture)
        picture = json_string_value(json_object_get(json_object_get(b->egoal, "pictures"), beat));
    if (!picture)
        picture = json_string_value(json_object_get(json_object_get(b->et, "pictures"), beat));
    if (!picture)
        picture = json_string_value(json_object_get(story_jget(b->en, "describe.pictures"), kind));
    char *d = story_description(b, scene, picture, helper, e);
    if (!d) {
        json_decref(scene);
        return NULL;
    }
    json_object_set_new(scene, "description", json_string(d));
    g_free(d);
    return scene;
}

static json_t *
story_cover(const struct story_book *b, struct err *e)
{
    const json_t *cover = json_object_get(b->ct, "cover");
    json_t *cbeat = json_pack("{s:s, s:s, s:s, s:s, s:O}", "setting", "@main", "time",
                              story_jstr(cover, "time") ? story_jstr(cover, "time") : "day",
                              "action", story_jstr(b->common, "cover.action"), "mood",
                              story_jstr(b->common, "cover.mood"), "objects",
                              json_object_get(cover, "objects") ? json_object_get(cover, "objects")
                                                                : json_null());
    if (!cbeat) {
        err_set(e, ERR_PERMANENT, "data/story/common.json: cover.action or cover.mood missing");
        return NULL;
    }
    json_t *scene = story_scene(b, "cover", "cover", cbeat, NULL, 0, NULL, e);
    json_decref(cbeat);
    return scene;
}

/* --- title, blurb, dedication ------------------------------------------ */

/* "the lost dinosaur egg" → "the Lost Dinosaur Egg" (small words stay;
 * the caller's title pattern opens with the name, so none is first). */
static char *
story_title_case(const char *s, const json_t *small)
{
    GString *out = g_string_new(NULL);
    const char *p = s ? s : "";
    while (*p) {
        size_t n = strcspn(p, " ");
        char *w = g_strndup(p, n);
        int keep = story_in_list(small, w);
        if (!keep && g_ascii_islower(w[0]))
            w[0] = g_ascii_toupper(w[0]);
        g_string_append(out, w);
        g_free(w);
        p += n;
        while (*p == ' ')
            g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

static char *story_title_pick(const struct story_book *b, struct story_rng *r,
                              const json_t *pats, size_t np, struct err *e);

static char *
story_title(const struct story_book *b, struct err *e)
{
    struct story_rng r;
    story_rng_init(&r, b->seed, "title", 0);
    const json_t *pats = json_object_get(b->lang, "titles");
    const json_t *nouns = json_object_get(b->lt, "title_nouns");
    const json_t *adjs = json_object_get(b->lt, "title_adjs");
    size_t np = json_array_size(pats);
    if (!np || !json_array_size(nouns) || !json_array_size(adjs)) {
        err_set(e, ERR_PERMANENT, "data/story/%s.json: titles or themes.%s.title_nouns/adjs "
                "missing", b->language, b->theme);
        return NULL;
    }
    /* A noun may carry a gender ({"t": "l’étoile", "g": "f"}) that its
     * adjective agrees with ({"m": "perdu", "f": "perdue"}). */
    const json_t *noun = json_array_get(nouns, story_rng_below(&r, json_array_size(nouns)));
    const json_t *adj = json_array_get(adjs, story_rng_below(&r, json_array_size(adjs)));
    const char *gender = json_is_object(noun) ? json_string_value(json_object_get(noun, "g")) : NULL;
    const char *ntext = json_is_object(noun) ? json_string_value(json_object_get(noun, "t"))
                                             : json_string_value(noun);
    const char *atext = json_is_object(adj)
                            ? json_string_value(json_object_get(adj, gender ? gender : "m"))
                            : json_string_value(adj);
    if (!ntext || !atext) {
        err_set(e, ERR_PERMANENT, "data/story/%s.json: themes.%s: bad title noun or adjective",
                b->language, b->theme);
        return NULL;
    }
    story_vars_set(b->vars, "tnoun", ntext);
    story_vars_set(b->vars, "tadj", atext);
    /* English titles capitalise their words (title_small_words aside): the
     * goal and the place as they are written in the story, capitalised. */
    const json_t *small = json_object_get(b->lang, "title_small_words");
    char *goal_was = g_strdup(story_vars_get(b->vars, "goal"));
    char *place_was = g_strdup(story_vars_get(b->vars, "place"));
    if (small) {
        char *g = story_title_case(goal_was, small), *pl = story_title_case(place_was, small);
        story_vars_set(b->vars, "goal", g);
        story_vars_set(b->vars, "place", pl);
        g_free(g);
        g_free(pl);
    }
    char *t = story_title_pick(b, &r, pats, np, e);
    story_vars_set(b->vars, "goal", goal_was ? goal_was : "");
    story_vars_set(b->vars, "place", place_was ? place_was : "");
    g_free(goal_was);
    g_free(place_was);
    return t;
}

/* The first title pattern, from a seeded start, whose title fits. */
static char *
story_title_pick(const struct story_book *b, struct story_rng *r, const json_t *pats, size_t np,
                 struct err *e)
{
    size_t first = story_rng_below(r, np);
    for (size_t k = 0; k < np; k++) {
        char *t = story_render(b, b->lang, b->vars,
                               json_string_value(json_array_get(pats, (first + k) % np)), e);
        if (!t) {
            err_prefix(e, "data/story/%s.json: titles", b->language);
            return NULL;
        }
        if (g_utf8_strlen(t, -1) <= STORY_TITLE_MAX)
            return t;
        g_free(t);
    }
    /* A name so long that no pattern fits: the name alone. */
    if (g_utf8_strlen(b->name, -1) <= STORY_TITLE_MAX)
        return g_strdup(b->name);
    err_set(e, ERR_PERMANENT, "child.name: too long for a title");
    return NULL;
}

static char *
story_blurb(const struct story_book *b, struct err *e)
{
    struct story_rng r;
    story_rng_init(&r, b->seed, "blurb", 0);
    const char *open = story_pick_str(story_jget(b->lang, "blurb.open"), &r);
    const char *mid = story_pick_str(json_object_get(b->lgoal, "blurb"), &r);
    const char *close = story_pick_str(story_jget(b->lang, "blurb.close"), &r);
    if (!open || !mid || !close) {
        err_set(e, ERR_PERMANENT, "data/story/%s.json: blurb.open/close or the goal's blurb "
                "missing", b->language);
        return NULL;
    }
    char *tmpl = g_strjoin(" ", open, mid, close, NULL);
    char *t = story_render(b, b->lang, b->vars, tmpl, e);
    g_free(tmpl);
    if (!t)
        err_prefix(e, "data/story/%s.json: blurb", b->language);
    return t;
}

/* The customer's words as they wrote them, or the language's default. */
static char *
story_dedication(const struct story_book *b, struct err *e)
{
    if (b->dedication) {
        char *d = g_strstrip(g_strdup(b->dedication));
        if (*d)
            return d;
        g_free(d);
    }
    struct story_rng r;
    story_rng_init(&r, b->seed, "dedication", 0);
    const char *tmpl = story_pick_str(json_object_get(b->lang, "dedication"), &r);
    if (!tmpl) {
        err_set(e, ERR_PERMANENT, "data/story/%s.json: dedication missing", b->language);
        return NULL;
    }
    return story_render(b, b->lang, b->vars, tmpl, e);
}

/* --- the book ----------------------------------------------------------- */

static json_t *
story_pages(const struct story_book *b, struct err *e)
{
    char key[16];
    snprintf(key, sizeof key, "%ld", b->pages);
    const json_t *plan = json_object_get(json_object_get(b->common, "plans"), key);
    /* Several plots for a size (a list of plans: the child sets out on a
     * wish, a friend comes asking for help…): one drawn from the seed. */
    if (json_is_array(json_array_get(plan, 0))) {
        struct story_rng r;
        story_rng_init(&r, b->seed, "plot", b->pages);
        plan = json_array_get(plan, story_rng_below(&r, json_array_size(plan)));
    }
    if ((long)json_array_size(plan) != b->pages) {
        err_set(e, ERR_PERMANENT, "book.pages: no plan for %ld pages", b->pages);
        return NULL;
    }
    json_t *pages = json_array();
    int named = 0; /* the page before says the child's name */
    for (long p = 0; p < b->pages; p++) {
        const char *beat = json_string_value(json_array_get(plan, (size_t)p));
        if (!beat) {
            err_set(e, ERR_PERMANENT, "data/story/common.json: plans.%s: not a list of beats", key);
            json_decref(pages);
            return NULL;
        }
        /* "ob2.try": the try page of the second obstacle met. */
        const char *kind = beat;
        const json_t *cobst = NULL, *unit;
        if (beat[0] == 'o' && beat[1] == 'b' && beat[2] >= '1' && beat[2] <= '9' &&
            beat[3] == '.') {
            size_t n = (size_t)(beat[2] - '1');
            if (n >= b->nobst) {
                err_set(e, ERR_PERMANENT, "theme %s: not enough obstacles for %s", b->theme, beat);
                json_decref(pages);
                return NULL;
            }
            kind = beat + 4;
            cobst = json_array_get(json_object_get(b->ct, "obstacles"), b->obst[n]);
            const char *oid = json_string_value(json_object_get(cobst, "id"));
            unit = json_object_get(
                json_object_get(json_object_get(b->lt, "obstacles"), oid ? oid : ""), kind);
        } else
            unit = story_beat_unit(b, beat);
        const json_t *cbeat = json_object_get(json_object_get(b->common, "beats"), kind);
        if (!unit || !cbeat) {
            err_set(e, ERR_PERMANENT, "data/story: theme %s, beat %s: no %s", b->theme, beat,
                    !unit ? "words" : "scene in common.json");
            json_decref(pages);
            return NULL;
        }
        char *text = story_page_text(b, beat, kind, unit, p + 1, named, e);
        json_t *scene = text ? story_scene(b, beat, kind, cbeat, cobst, p + 1, text, e) : NULL;
        if (!scene) {
            g_free(text);
            json_decref(pages);
            return NULL;
        }
        json_array_append_new(pages, json_pack("{s:s, s:o}", "text", text, "scene", scene));
        named = strstr(text, b->name) != NULL;
        g_free(text);
    }
    return pages;
}

static json_t *
story_book_write(const struct story_book *b, struct err *e)
{
    char *title = story_title(b, e);
    char *ded = title ? story_dedication(b, e) : NULL;
    char *blurb = ded ? story_blurb(b, e) : NULL;
    const char *end_t = story_jstr(b->lang, "ending");
    char *ending = blurb && end_t ? story_render(b, b->lang, b->vars, end_t, e) : NULL;
    if (blurb && !end_t)
        err_set(e, ERR_PERMANENT, "data/story/%s.json: ending missing", b->language);
    json_t *cover = ending ? story_cover(b, e) : NULL;
    json_t *pages = cover ? story_pages(b, e) : NULL;
    json_t *story = NULL;
    if (pages) {
        story = json_object();
        json_object_set_new(story, "version", json_integer(STORY_FORMAT_VERSION));
        json_object_set_new(story, "order_id", json_string(b->id));
        json_object_set_new(story, "language", json_string(b->language));
        json_object_set_new(story, "provider", json_string("builtin"));
        json_object_set_new(story, "title", json_string(title));
        json_object_set_new(story, "dedication", json_string(ded));
        json_object_set_new(story, "blurb", json_string(blurb));
        json_object_set_new(story, "ending", json_string(ending));
        json_object_set_new(story, "cover", json_pack("{s:o}", "scene", cover));
        json_object_set_new(story, "pages", pages);
    } else
        json_decref(cover);
    g_free(title);
    g_free(ded);
    g_free(blurb);
    g_free(ending);
    return story;
}

json_t *
story_builtin_write(const json_t *order, struct err *e)
{
    struct story_book b;
    json_t *story = NULL;
    if (story_book_init(&b, order, NULL, e) == 0)
        story = story_book_write(&b, e);
    story_book_free(&b);
    if (!story) {
        const char *id = story_jstr(order, "order_id");
        err_prefix(e, "order %s: built-in story", id ? id : "?");
    }
    return story;
}

/* --- lint ----------------------------------------------------------------- */

struct story_lint {
    const struct story_book *b;
    void (*fn)(void *, const char *, const char *, const char *);
    void *arg;
};

static int story_lint_walk(struct story_lint *l, const json_t *node, GString *where,
                           struct err *e);

/* {"parts": …}: every whole sentence the parts can make is linted (a part
 * alone is no sentence: agreement and typography are read across them).
 * Parts of parts, or by band, are walked one by one instead. */
static int
story_lint_parts(struct story_lint *l, const json_t *parts, size_t i, GString *tmpl,
                 GString *where, struct err *e)
{
    if (i == json_array_size(parts)) {
        char *t = story_render(l->b, l->b->lang, l->b->vars, tmpl->str, e);
        if (!t)
            return err_prefix(e, "data/story/%s.json: %s", l->b->language, where->str);
        l->fn(l->arg, where->str, l->b->pronoun, t);
        g_free(t);
        return 0;
    }
    const json_t *part = json_array_get(parts, i);
    size_t mark = tmpl->len, n = json_is_array(part) ? json_array_size(part) : 1;
    for (size_t k = 0; k < n; k++) {
        const json_t *x = json_is_array(part) ? json_array_get(part, k) : part;
        if (!json_is_string(x))
            return err_set(e, ERR_PERMANENT, "data/story/%s.json: %s: parts: %s",
                           l->b->language, where->str, "a part is a string or a list of strings");
        g_string_append(tmpl, json_string_value(x));
        int rc = story_lint_parts(l, parts, i + 1, tmpl, where, e);
        g_string_truncate(tmpl, mark);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
story_lint_walk(struct story_lint *l, const json_t *node, GString *where, struct err *e)
{
    size_t mark = where->len;
    int rc = 0;
    if (json_is_object(node) && json_is_array(json_object_get(node, "parts"))) {
        GString *tmpl = g_string_new(NULL);
        rc = story_lint_parts(l, json_object_get(node, "parts"), 0, tmpl, where, e);
        g_string_free(tmpl, TRUE);
        return rc;
    }
    if (json_is_string(node)) {
        char *t = story_render(l->b, l->b->lang, l->b->vars, json_string_value(node), e);
        if (!t)
            return err_prefix(e, "data/story/%s.json: %s", l->b->language, where->str);
        l->fn(l->arg, where->str, l->b->pronoun, t);
        g_free(t);
    } else if (json_is_array(node)) {
        size_t i;
        json_t *x;
        json_array_foreach(node, i, x) {
            g_string_append_printf(where, "[%zu]", i);
            rc = story_lint_walk(l, x, where, e);
            g_string_truncate(where, mark);
            if (rc < 0)
                return -1;
        }
    } else if (json_is_object(node)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)node, k, x) {
            if (mark == 0 && (strcmp(k, "pronouns") == 0 || strcmp(k, "typography") == 0 ||
                              strcmp(k, "elision") == 0 || strcmp(k, "contractions") == 0 ||
                              strcmp(k, "themes") == 0 || strcmp(k, "about") == 0 ||
                              strcmp(k, "vowels") == 0 || strcmp(k, "mentions") == 0 ||
                              strcmp(k, "name_again") == 0 ||
                              strcmp(k, "title_small_words") == 0 ||
                              strncmp(k, "about", 5) == 0))
                continue;
            /* A helper's or goal's "vars" are filled where they are used. */
            if (strcmp(k, "vars") == 0)
                continue;
            g_string_append_printf(where, "%s%s", mark ? "." : "", k);
            rc = story_lint_walk(l, x, where, e);
            g_string_truncate(where, mark);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

int
story_builtin_lint(const char *language,
                   void (*fn)(void *arg, const char *where, const char *pronoun,
                              const char *text),
                   void *arg, struct err *e)
{
    const json_t *common = story_lang_load("common", e);
    const json_t *lang = common ? story_lang_load(language, e) : NULL;
    if (!lang)
        return -1;
    /* Two interests that every language has, so the lists are filled. */
    const char *k;
    json_t *x;
    json_t *ints = json_array();
    json_object_foreach(json_object_get(lang, "interests"), k, x) {
        if (json_array_size(ints) < 2)
            json_array_append_new(ints, json_string(k));
    }
    int rc = 0;
    json_object_foreach(json_object_get(common, "themes"), k, x) {
        for (size_t p = 0; vocab_pronouns[p] && rc == 0; p++) {
            size_t nh = json_array_size(json_object_get(x, "helpers"));
            size_t ng = json_array_size(json_object_get(x, "goals"));
            for (size_t h = 0; h < nh && rc == 0; h++) {
                for (size_t g = 0; g < ng && rc == 0; g++) {
                    json_t *order = json_pack(
                        "{s:s, s:{s:s, s:i, s:s, s:O}, s:{s:s, s:s, s:i}}", "order_id", "LINT",
                        "child", "name", "Emma", "age", 7, "pronouns", vocab_pronouns[p],
                        "interests", ints, "book", "language", language, "theme", k, "pages", 24);
                    struct story_force force = {1, h, g};
                    struct story_book b;
                    rc = story_book_init(&b, order, &force, e);
                    if (rc == 0) {
                        /* What a page or a title sets just before filling. */
                        static const char *const late[] = {"setting", "time", "weather",
                                                           "action",  "mood", "list",
                                                           "objects", "tnoun", "tadj"};
                        for (size_t i = 0; i < sizeof late / sizeof late[0]; i++)
                            story_vars_set_literal(b.vars, late[i], "x");
                        struct story_lint l = {&b, fn, arg};
                        GString *where = g_string_new(NULL);
                        rc = story_lint_walk(&l, lang, where, e);
                        g_string_assign(where, "themes.");
                        g_string_append(where, k);
                        if (rc == 0)
                            rc = story_lint_walk(&l, b.lt, where, e);
                        g_string_free(where, TRUE);
                    }
                    story_book_free(&b);
                    json_decref(order);
                }
            }
        }
        if (rc < 0)
            break;
    }
    json_decref(ints);
    return rc;
}
