/*
 * order.c — the order format: parse a shop's drop, check every field, build
 * the normalised order that the later stages read (see order.h; the rules,
 * field by field, are in README.md ("The order format")).
 *
 * One table per JSON object lists its fields in the order the normalised
 * order keeps them.  A walker checks the drop against the tables, collects
 * one message per bad field (each starting with the field's path) and builds
 * the normalised object in the same pass, so every rule lives in one place.
 * Offending values are quoted through quote_*() (escape.c): escaped and cut short,
 * because they end up in a reason file that an operator reads in a terminal.
 *
 * Memory exhaustion aborts, as it does everywhere inside GLib, on which this
 * module relies for UTF-8 and Unicode normalisation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "escape.h"
#include "order.h"
#include "vocab.h"

/* Past this, one more message says how many were left out: a drop with
 * thousands of unknown keys must not produce a reason file of megabytes. */
#define ORDER_MAX_ERRORS 50

/* Characters of an offending value shown in a message. */
#define QUOTE_MAX_CHARS 40

#define ID_MAX 64
#define EMAIL_MAX_BYTES 254 /* RFC 5321's path limit, less the brackets */

/* ---- collecting messages ------------------------------------------------ */

struct chk {
    struct order_errors *errs;
    size_t dropped; /* messages beyond ORDER_MAX_ERRORS */
};

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        abort();
    return p;
}

static void chk_add(struct chk *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds "path: <message>". */
static void
chk_add(struct chk *c, const char *path, const char *fmt, ...)
{
    if (c->errs->count >= ORDER_MAX_ERRORS) {
        c->dropped++;
        return;
    }
    va_list ap;
    char *body, *msg;
    va_start(ap, fmt);
    int n = vasprintf(&body, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    if (asprintf(&msg, "%s: %s", path, body) < 0)
        abort();
    free(body);
    c->errs->msg = xrealloc(c->errs->msg, (c->errs->count + 1) * sizeof *c->errs->msg);
    c->errs->msg[c->errs->count++] = msg;
}

void
order_errors_free(struct order_errors *errs)
{
    if (!errs)
        return;
    for (size_t i = 0; i < errs->count; i++)
        free(errs->msg[i]);
    free(errs->msg);
    errs->msg = NULL;
    errs->count = 0;
}

char *
order_errors_join(const struct order_errors *errs)
{
    if (!errs)
        return strdup("");
    size_t len = 1;
    for (size_t i = 0; i < errs->count; i++)
        len += strlen(errs->msg[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < errs->count; i++) {
        size_t n = strlen(errs->msg[i]);
        if (i)
            *p++ = '\n';
        memcpy(p, errs->msg[i], n);
        p += n;
    }
    *p = 0;
    return s;
}

/* ---- characters ---------------------------------------------------------- */

/* Embedding and override controls (U+202A–U+202E) and isolates
 * (U+2066–U+2069) reorder the text around them: "Maya<RLO>txt.exe". */
static int
uc_bidi_control(gunichar u)
{
    return (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069);
}

/* C0, DEL and C1. */
static int
uc_control(gunichar u)
{
    return u < 0x20 || (u >= 0x7F && u <= 0x9F);
}

/* Letters that draw nothing: the Hangul fillers and the blank braille
 * pattern, classified as letters or symbols, yet invisible in a name. */
static int
uc_blank_letter(gunichar u)
{
    return u == 0x115F || u == 0x1160 || u == 0x3164 || u == 0xFFA0 || u == 0x2800;
}

static int
uc_noncharacter(gunichar u)
{
    return (u >= 0xFDD0 && u <= 0xFDEF) || (u & 0xFFFE) == 0xFFFE;
}

/* ---- quoting offending values --------------------------------------------- */

/* A string value for a message: "\"Maya\\u0007\"" (g_free). */
static char *
quote_text(const char *s, size_t len)
{
    GString *q = g_string_new(NULL);
    esc_append(q, s, len, QUOTE_MAX_CHARS, ESC_QUOTES);
    return g_string_free(q, FALSE);
}

/* Any JSON value for a message: strings quoted, numbers and literals as
 * written, containers by kind (g_free). */
static char *
quote_value(const json_t *v)
{
    if (!v)
        return g_strdup("nothing");
    switch (json_typeof(v)) {
    case JSON_STRING:
        return quote_text(json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL: {
        char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
        char *q = g_strdup(d ? d : "a number");
        free(d);
        return q;
    }
    case JSON_TRUE:
        return g_strdup("true");
    case JSON_FALSE:
        return g_strdup("false");
    case JSON_NULL:
        return g_strdup("null");
    case JSON_OBJECT:
        return g_strdup("an object");
    case JSON_ARRAY:
        return g_strdup("an array");
    }
    return g_strdup("a value");
}

/* ---- paths ----------------------------------------------------------------- */

/* "parent.key", or parent["key"] when the key is not a plain word (it comes
 * from the drop and may hold anything). g_free. */
static char *
path_key(const char *parent, const char *key)
{
    size_t n = strlen(key);
    int plain = n > 0 && n <= QUOTE_MAX_CHARS;
    for (size_t i = 0; plain && i < n; i++)
        plain = g_ascii_isalnum(key[i]) || key[i] == '_' || key[i] == '-';
    if (plain)
        return *parent ? g_strdup_printf("%s.%s", parent, key) : g_strdup(key);
    char *q = quote_text(key, n);
    char *p = g_strdup_printf("%s[%s]", parent, q);
    g_free(q);
    return p;
}

static char *
path_index(const char *parent, size_t i)
{
    return g_strdup_printf("%s[%zu]", parent, i);
}

/* ---- text ------------------------------------------------------------------ */

/* What kind of text a field holds decides which characters it may contain. */
enum tkind {
    TK_LINE,  /* one line of free text: an address line, a city */
    TK_MULTI, /* several lines: the dedication */
    TK_NAME,  /* a person's name: no invisible characters, at least a letter */
    TK_CHILD, /* the child's name, printed in titles: letters, marks, spaces,
               * and the punctuation names use */
};

/* The string's text: CR LF and CR turned into LF (multi-line text only),
 * white space trimmed, NFC.  NULL when v is not a string of UTF-8. g_free. */
static char *
text_norm(const json_t *v, int multiline)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    /* jansson already refuses both without JSON_ALLOW_NUL; kept because the
     * rest of this module relies on it. */
    if (memchr(s, 0, n) || !g_utf8_validate(s, (gssize)n, NULL))
        return NULL;

    char *t = g_malloc(n + 1), *w = t;
    for (size_t i = 0; i < n; i++) {
        if (multiline && s[i] == '\r') {
            *w++ = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            *w++ = s[i];
        }
    }
    *w = 0;

    const char *start = t, *end = t;
    while (*start && g_unichar_isspace(g_utf8_get_char(start)))
        start = g_utf8_next_char(start);
    for (const char *p = start; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            end = g_utf8_next_char(p);
    if (end < start)
        end = start;
    char *norm = g_utf8_normalize(start, end - start, G_NORMALIZE_NFC);
    g_free(t);
    return norm;
}

/* 1 for the punctuation that belongs in names: Anne-Marie, O'Brien, Jr.,
 * Gal·la, Hebrew geresh, the katakana middle dot. */
static int
uc_name_punct(gunichar u)
{
    static const gunichar ok[] = {'-',    '\'',   '.',    0x00B7, 0x2019, 0x2010,
                                  0x2011, 0x05F3, 0x05F4, 0x30FB, 0x02BC};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (u == ok[i])
            return 1;
    return 0;
}

static int
uc_letter_or_mark(gunichar u)
{
    return g_unichar_isalpha(u) || g_unichar_ismark(u);
}

/* Combining marks in a row that a name may carry: Vietnamese and Thai use
 * two, pointed Hebrew a few more; "Zalgo" text piles up dozens that spill
 * over the lines around it on the page. */
#define NAME_MAX_MARKS 4

/* The first character s may not contain as text of this kind, with the
 * reason (NULL: none). */
static const char *
text_bad_char(const char *s, enum tkind kind, gunichar *bad)
{
    gunichar prev = 0;
    size_t marks = 0;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        GUnicodeType type = g_unichar_type(u);
        *bad = u;
        if (u == '\n' && kind == TK_MULTI) {
            prev = u;
            continue;
        }
        if (uc_control(u))
            return "control characters";
        if (uc_bidi_control(u))
            return "bidirectional override or isolate characters";
        if (type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
            return "line or paragraph separators";
        if (type == G_UNICODE_UNASSIGNED || type == G_UNICODE_PRIVATE_USE ||
            type == G_UNICODE_SURROGATE || uc_noncharacter(u))
            return "unassigned or private-use code points";
        if ((kind == TK_NAME || kind == TK_CHILD) && g_unichar_ismark(u)) {
            if (p == s || ++marks > NAME_MAX_MARKS)
                return "combining marks without a letter or stacked more than 4 deep";
        } else {
            marks = 0;
        }
        if (kind == TK_NAME || kind == TK_CHILD) {
            /* ZWNJ and ZWJ shape Persian and Indic names, between letters
             * only; every other format character is an invisible trick. */
            if (u == 0x200C || u == 0x200D) {
                gunichar next = g_utf8_get_char(g_utf8_next_char(p));
                if (!uc_letter_or_mark(prev) || !uc_letter_or_mark(next))
                    return "invisible characters";
            } else if (type == G_UNICODE_FORMAT || uc_blank_letter(u)) {
                return "invisible characters";
            }
        }
        if (kind == TK_CHILD && !uc_letter_or_mark(u) &&
            type != G_UNICODE_SPACE_SEPARATOR && !uc_name_punct(u) && u != 0x200C &&
            u != 0x200D)
            return "anything but letters, spaces and the punctuation - ' \xE2\x80\x99 . "
                   "\xC2\xB7";
        prev = u;
    }
    return NULL;
}

static int
text_has_letter(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p))
        if (g_unichar_isalpha(g_utf8_get_char(p)))
            return 1;
    return 0;
}

/* Checks a text field; returns its normalised form (g_free) or NULL after
 * reporting the first problem. */
static char *
text_check(struct chk *c, const char *path, const json_t *v, enum tkind kind, size_t min,
           size_t max)
{
    char *s = text_norm(v, kind == TK_MULTI);
    char *q = quote_value(v);
    if (!s) {
        chk_add(c, path, "must be a string, got %s", q);
        g_free(q);
        return NULL;
    }
    gunichar bad;
    const char *why = text_bad_char(s, kind, &bad);
    size_t n = (size_t)g_utf8_strlen(s, -1);
    int ok = 0;
    if (why)
        chk_add(c, path, "must not contain %s (U+%04X), got %s", why, (unsigned)bad, q);
    else if (n == 0 && min > 0)
        chk_add(c, path, "must not be empty");
    else if (n < min || n > max)
        chk_add(c, path, "must be %zu to %zu characters long, got %zu", min, max, n);
    else if ((kind == TK_NAME || kind == TK_CHILD) && !text_has_letter(s))
        chk_add(c, path, "must contain a letter, got %s", q);
    else
        ok = 1;
    g_free(q);
    if (!ok) {
        g_free(s);
        return NULL;
    }
    return s;
}

/* ---- rules on single values --------------------------------------------- */

/* The same rule as spool_id_ok(): the id becomes a file name. */
static int
order_id_rule(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > ID_MAX || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

/* A plausible address, not RFC 5322's every corner: one @, a dot-atom
 * local part (or UTF-8, for SMTPUTF8 addresses), a domain of two labels or
 * more whose last is not all digits. */
static int
order_email_rule(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || strchr(at + 1, '@') || strlen(s) > EMAIL_MAX_BYTES)
        return 0;
    size_t local = (size_t)(at - s);
    if (local < 1 || local > 64 || s[0] == '.' || at[-1] == '.')
        return 0;
    for (const char *p = s; p < at; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '.' && p[1] == '.')
            return 0;
        if (ch >= 0x80 || g_ascii_isalnum(ch) || strchr("!#$%&'*+/=?^_`{|}~.-", ch))
            continue;
        return 0;
    }
    const char *dom = at + 1;
    size_t labels = 0;
    int last_digits = 1;
    while (1) {
        const char *dot = strchr(dom, '.');
        size_t n = dot ? (size_t)(dot - dom) : strlen(dom);
        if (n < 1 || n > 63 || dom[0] == '-' || dom[n - 1] == '-')
            return 0;
        last_digits = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)dom[i];
            if (!(ch >= 0x80 || g_ascii_isalnum(ch) || ch == '-'))
                return 0;
            if (!g_ascii_isdigit(ch))
                last_digits = 0;
        }
        labels++;
        if (!dot)
            break;
        dom = dot + 1;
    }
    return labels >= 2 && !last_digits;
}

/* Lulu's pattern, ^\+?[\d\s\-.\/()]{8,20}$, within its 20 characters, with
 * enough digits to be dialled. */
static int
order_phone_rule(const char *s)
{
    size_t digits = 0, n = strlen(s);
    const char *p = s + (s[0] == '+');
    size_t body = strlen(p);
    if (n > 20 || body < 8)
        return 0;
    for (; *p; p++) {
        if (g_ascii_isdigit(*p))
            digits++;
        else if (!strchr(" -./()", *p))
            return 0;
    }
    return digits >= 5;
}

static int
order_postcode_rule(const char *s)
{
    size_t n = strlen(s), alnum = 0;
    if (n < 1 || n > 20)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (g_ascii_isalnum(s[i]))
            alnum++;
        else if (s[i] != ' ' && s[i] != '-')
            return 0;
    }
    return alnum > 0;
}

/* The part of an ISO 3166-2 code after the country: "CA", "NSW", "75". */
static int
order_state_rule(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isupper(s[i]) && !g_ascii_isdigit(s[i]))
            return 0;
    return 1;
}

/* ISO 3166-1 alpha-2, every officially assigned code, and XK (Kosovo), the
 * user-assigned code that carriers use. */
static const char order_countries[] = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
                                      "BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
                                      "CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
                                      "DEDJDKDMDODZ"
                                      "ECEEEGEHERESET"
                                      "FIFJFKFMFOFR"
                                      "GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
                                      "HKHMHNHRHTHU"
                                      "IDIEILIMINIOIQIRISIT"
                                      "JEJMJOJP"
                                      "KEKGKHKIKMKNKPKRKWKYKZ"
                                      "LALBLCLILKLRLSLTLULVLY"
                                      "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
                                      "NANCNENFNGNINLNONPNRNUNZ"
                                      "OM"
                                      "PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
                                      "QA"
                                      "RERORSRURW"
                                      "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
                                      "TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
                                      "UAUGUMUSUYUZ"
                                      "VAVCVEVGVIVNVU"
                                      "WFWS"
                                      "XK"
                                      "YEYT"
                                      "ZAZMZW";

static int
order_country_known(const char *s)
{
    for (const char *p = order_countries; *p; p += 2)
        if (p[0] == s[0] && p[1] == s[1])
            return 1;
    return 0;
}

/* Countries whose carriers need the state (Lulu names these). */
static int
order_country_needs_state(const char *s)
{
    static const char *const need[] = {"US", "CA", "AU", "MX"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (strcmp(s, need[i]) == 0)
            return 1;
    return 0;
}

/* ---- the tables ---------------------------------------------------------- */

enum ftype {
    F_OBJECT,
    F_ID,
    F_EMAIL,
    F_TEXT,       /* TK_LINE */
    F_NAME,       /* TK_NAME */
    F_CHILD_NAME, /* TK_CHILD */
    F_DEDICATION, /* TK_MULTI */
    F_ENUM,
    F_AGE,
    F_PAGES,
    F_BOOL,
    F_INTERESTS,
    F_STATE,
    F_POSTCODE,
    F_COUNTRY,
    F_PHONE,
    F_META,
};

enum fdefault { D_NONE, D_FALSE, D_TRIM, D_BINDING, D_MAIL };

struct field {
    const char *key;
    enum ftype type;
    int required;
    size_t min, max;          /* characters of text, or the integer range */
    const char *const *vocab; /* F_ENUM, F_INTERESTS */
    const struct field *sub;  /* F_OBJECT */
    enum fdefault def;
    int printed;              /* the book prints it: its text must have glyphs */
};

static const struct field customer_fields[] = {
    {.key = "id", .type = F_ID, .required = 1},
    {.key = "email", .type = F_EMAIL, .required = 1, .min = 3, .max = EMAIL_MAX_BYTES},
    {.key = "name", .type = F_NAME, .required = 1, .min = 1, .max = 100},
    {.key = NULL},
};

static const struct field appearance_fields[] = {
    {.key = "hair_colour", .type = F_ENUM, .required = 1, .vocab = vocab_hair_colours},
    {.key = "hair_style", .type = F_ENUM, .required = 1, .vocab = vocab_hair_styles},
    {.key = "skin_tone", .type = F_ENUM, .required = 1, .vocab = vocab_skin_tones},
    {.key = "eye_colour", .type = F_ENUM, .required = 1, .vocab = vocab_eye_colours},
    {.key = "top_colour", .type = F_ENUM, .vocab = vocab_colours},
    {.key = "bottom_colour", .type = F_ENUM, .vocab = vocab_colours},
    {.key = "glasses", .type = F_BOOL, .def = D_FALSE},
    {.key = NULL},
};

static const struct field child_fields[] = {
    {.key = "name", .type = F_CHILD_NAME, .required = 1, .min = 1, .max = 40, .printed = 1},
    {.key = "age", .type = F_AGE, .required = 1, .min = 0, .max = 12},
    {.key = "pronouns", .type = F_ENUM, .required = 1, .vocab = vocab_pronouns},
    {.key = "appearance", .type = F_OBJECT, .required = 1, .sub = appearance_fields},
    {.key = "interests",
     .type = F_INTERESTS,
     .required = 1,
     .min = 1,
     .max = 5,
     .vocab = vocab_interests},
    {.key = NULL},
};

static const struct field book_fields[] = {
    {.key = "language", .type = F_ENUM, .required = 1, .vocab = vocab_languages},
    {.key = "theme", .type = F_ENUM, .required = 1, .vocab = vocab_themes},
    {.key = "style", .type = F_ENUM, .required = 1, .vocab = vocab_styles},
    {.key = "pages", .type = F_PAGES, .required = 1},
    {.key = "dedication", .type = F_DEDICATION, .min = 0, .max = 300, .printed = 1},
    {.key = "trim", .type = F_ENUM, .vocab = vocab_trims, .def = D_TRIM},
    {.key = "binding", .type = F_ENUM, .vocab = vocab_bindings, .def = D_BINDING},
    {.key = NULL},
};

static const struct field shipping_fields[] = {
    {.key = "name", .type = F_NAME, .required = 1, .min = 1, .max = 100},
    {.key = "street1", .type = F_TEXT, .required = 1, .min = 1, .max = 100},
    {.key = "street2", .type = F_TEXT, .min = 1, .max = 100},
    {.key = "city", .type = F_TEXT, .required = 1, .min = 1, .max = 64},
    {.key = "state_code", .type = F_STATE},
    {.key = "postcode", .type = F_POSTCODE, .required = 1},
    {.key = "country_code", .type = F_COUNTRY, .required = 1},
    {.key = "phone_number", .type = F_PHONE, .required = 1},
    {.key = "email", .type = F_EMAIL, .min = 3, .max = EMAIL_MAX_BYTES},
    {.key = NULL},
};

static const struct field order_fields[] = {
    {.key = "order_id", .type = F_ID, .required = 1},
    {.key = "customer", .type = F_OBJECT, .required = 1, .sub = customer_fields},
    {.key = "child", .type = F_OBJECT, .required = 1, .sub = child_fields},
    {.key = "book", .type = F_OBJECT, .required = 1, .sub = book_fields},
    {.key = "shipping", .type = F_OBJECT, .required = 1, .sub = shipping_fields},
    {.key = "shipping_level",
     .type = F_ENUM,
     .vocab = vocab_shipping_levels,
     .def = D_MAIL},
    {.key = "meta", .type = F_META},
    {.key = NULL},
};

/* ---- the walker ----------------------------------------------------------- */

struct walk {
    struct chk chk;
    const struct order_defaults *def;
};

static void
put(json_t *obj, const char *key, json_t *val)
{
    if (!val || json_object_set_new(obj, key, val) != 0)
        abort(); /* out of memory: every value put here is valid */
}

static json_t *walk_object(struct walk *w, const char *path, json_t *in,
                           const struct field *fields);

/* An enum's word, trimmed, or NULL after reporting. */
static json_t *
walk_enum(struct walk *w, const char *path, const json_t *v, const char *const *vocab)
{
    char *s = text_norm(v, 0);
    json_t *out = NULL;
    if (s && vocab_has(vocab, s)) {
        out = json_string(s);
    } else {
        char *q = quote_value(v);
        chk_add(&w->chk, path, "must be one of %s, got %s", vocab_describe(vocab), q);
        g_free(q);
    }
    g_free(s);
    return out;
}

static json_t *
walk_interests(struct walk *w, const char *path, json_t *v, const struct field *f)
{
    if (!json_is_array(v)) {
        char *q = quote_value(v);
        chk_add(&w->chk, path,
                "must be an array of %zu to %zu different interests, got %s", f->min,
                f->max, q);
        g_free(q);
        return NULL;
    }
    size_t n = json_array_size(v);
    if (n < f->min || n > f->max)
        chk_add(&w->chk, path, "must hold %zu to %zu interests, got %zu", f->min, f->max,
                n);
    json_t *out = json_array();
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        char *ip = path_index(path, i);
        json_t *word = walk_enum(w, ip, json_array_get(v, i), f->vocab);
        if (word) {
            size_t j;
            json_t *seen;
            json_array_foreach(out, j, seen)
            {
                if (json_equal(seen, word)) {
                    chk_add(&w->chk, ip, "\"%s\" is listed twice",
                            json_string_value(word));
                    json_decref(word);
                    word = NULL;
                    break;
                }
            }
        }
        if (word && json_array_append_new(out, word) != 0)
            abort();
        g_free(ip);
    }
    return out;
}

/* Deepest nesting in v, counted up to limit + 1. */
static size_t
meta_depth(json_t *v, size_t limit)
{
    size_t deepest = 0, d;
    const char *key;
    json_t *sub;
    size_t i;
    if (limit == 0)
        return json_is_object(v) || json_is_array(v) ? 1 : 0;
    if (json_is_object(v)) {
        json_object_foreach(v, key, sub)
        {
            (void)key;
            if ((d = meta_depth(sub, limit - 1)) > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, sub)
        {
            if ((d = meta_depth(sub, limit - 1)) > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    return 0;
}

static json_t *
walk_meta(struct walk *w, const char *path, json_t *v)
{
    if (!json_is_object(v)) {
        char *q = quote_value(v);
        chk_add(&w->chk, path, "must be an object, got %s", q);
        g_free(q);
        return NULL;
    }
    if (meta_depth(v, ORDER_META_MAX_DEPTH) > ORDER_META_MAX_DEPTH) {
        chk_add(&w->chk, path, "nested more than %d levels deep", ORDER_META_MAX_DEPTH);
        return NULL;
    }
    char *s = json_dumps(v, JSON_COMPACT);
    if (!s)
        abort();
    size_t n = strlen(s);
    free(s);
    if (n > ORDER_META_MAX_BYTES) {
        chk_add(&w->chk, path, "too large: %zu bytes as compact JSON, the limit is %d", n,
                ORDER_META_MAX_BYTES);
        return NULL;
    }
    json_t *copy = json_deep_copy(v);
    if (!copy)
        abort();
    return copy;
}

/* A text field checked by its shape (ids, codes, numbers): trimmed, then
 * matched by rule; else the message "must be <what>, got <value>". */
static json_t *
walk_shaped(struct walk *w, const char *path, const json_t *v, int (*rule)(const char *),
            const char *what)
{
    char *s = text_norm(v, 0);
    json_t *out = NULL;
    if (s && rule(s)) {
        out = json_string(s);
    } else {
        char *q = quote_value(v);
        chk_add(&w->chk, path, "must be %s, got %s", what, q);
        g_free(q);
    }
    g_free(s);
    return out;
}

static int
order_country_shape(const char *s)
{
    return strlen(s) == 2 && g_ascii_isupper(s[0]) && g_ascii_isupper(s[1]);
}

static json_t *
walk_text(struct walk *w, const char *path, const json_t *v, enum tkind kind,
          const struct field *f)
{
    char *s = text_check(&w->chk, path, v, kind, f->min, f->max);
    if (!s)
        return NULL;
    /* A character no font has fails the book at the pdf stage, after the
     * story and the pictures: refuse it here instead. */
    char *why = f->printed && w->def && w->def->printable
                    ? w->def->printable(w->def->printable_arg, s)
                    : NULL;
    if (why) {
        chk_add(&w->chk, path, "%s", why);
        free(why);
        g_free(s);
        return NULL;
    }
    json_t *out = json_string(s);
    g_free(s);
    return out;
}

/* Checks one present value against its field; the normalised value, or
 * NULL after reporting. */
static json_t *
walk_value(struct walk *w, const char *path, json_t *v, const struct field *f)
{
    char *q;
    switch (f->type) {
    case F_OBJECT:
        return walk_object(w, path, v, f->sub);
    case F_ID:
        return walk_shaped(
            w, path, v, order_id_rule,
            "1 to 64 letters, digits, '.', '_' or '-', not starting with a dot");
    case F_EMAIL: {
        char *s = text_check(&w->chk, path, v, TK_LINE, 1, EMAIL_MAX_BYTES);
        json_t *out = NULL;
        if (!s)
            return NULL;
        q = quote_value(v);
        if (strlen(s) > EMAIL_MAX_BYTES)
            chk_add(&w->chk, path, "must be at most %d bytes long, got %zu",
                    EMAIL_MAX_BYTES, strlen(s));
        else if (!order_email_rule(s))
            chk_add(&w->chk, path,
                    "must be an email address such as name@example.com, got %s", q);
        else
            out = json_string(s);
        g_free(q);
        g_free(s);
        return out;
    }
    case F_TEXT:
        return walk_text(w, path, v, TK_LINE, f);
    case F_NAME:
        return walk_text(w, path, v, TK_NAME, f);
    case F_CHILD_NAME:
        return walk_text(w, path, v, TK_CHILD, f);
    case F_DEDICATION:
        return walk_text(w, path, v, TK_MULTI, f);
    case F_ENUM:
        return walk_enum(w, path, v, f->vocab);
    case F_AGE:
        if (json_is_integer(v) && json_integer_value(v) >= (json_int_t)f->min &&
            json_integer_value(v) <= (json_int_t)f->max)
            return json_integer(json_integer_value(v));
        q = quote_value(v);
        chk_add(&w->chk, path, "must be an integer from %zu to %zu, got %s", f->min,
                f->max, q);
        g_free(q);
        return NULL;
    case F_PAGES:
        if (json_is_integer(v) &&
            (json_integer_value(v) == 24 || json_integer_value(v) == 32))
            return json_integer(json_integer_value(v));
        q = quote_value(v);
        chk_add(&w->chk, path, "must be 24 or 32 (story pages), got %s", q);
        g_free(q);
        return NULL;
    case F_BOOL:
        if (json_is_boolean(v))
            return json_boolean(json_is_true(v));
        q = quote_value(v);
        chk_add(&w->chk, path, "must be true or false, got %s", q);
        g_free(q);
        return NULL;
    case F_INTERESTS:
        return walk_interests(w, path, v, f);
    case F_STATE:
        return walk_shaped(w, path, v, order_state_rule,
                           "an ISO 3166-2 subdivision code without the country: 1 to 3 "
                           "upper-case letters or digits, such as \"CA\" or \"NSW\"");
    case F_POSTCODE:
        return walk_shaped(w, path, v, order_postcode_rule,
                           "a postcode of 1 to 20 letters, digits, spaces or '-'");
    case F_PHONE:
        return walk_shaped(w, path, v, order_phone_rule,
                           "a phone number: a '+' if need be, then 8 to 20 digits, "
                           "spaces or - . / ( ), such as \"+44 113 496 0000\"");
    case F_COUNTRY: {
        json_t *out = walk_shaped(w, path, v, order_country_shape,
                                  "an ISO 3166-1 alpha-2 country code of two upper-case "
                                  "letters, such as \"GB\"");
        if (out && !order_country_known(json_string_value(out))) {
            chk_add(&w->chk, path, "\"%s\" is not an ISO 3166-1 country code",
                    json_string_value(out));
            json_decref(out);
            out = NULL;
        }
        return out;
    }
    case F_META:
        return walk_meta(w, path, v);
    }
    abort(); /* a field type without a case */
}

/* A value an optional field may hold to mean "not given": null, or a blank
 * string (shops send "street2": ""). */
static int
field_absent(const json_t *v, const struct field *f)
{
    if (!v)
        return 1;
    if (f->required)
        return 0;
    if (json_is_null(v))
        return 1;
    if (json_is_string(v) && f->type != F_DEDICATION) {
        char *s = text_norm(v, 0);
        int blank = s && !*s;
        g_free(s);
        return blank;
    }
    return 0;
}

static const char *
default_word(const char *configured, const char *const *vocab, const char *builtin)
{
    return configured && vocab_has(vocab, configured) ? configured : builtin;
}

static json_t *
field_default(struct walk *w, const struct field *f)
{
    switch (f->def) {
    case D_NONE:
        return NULL;
    case D_FALSE:
        return json_false();
    case D_TRIM:
        return json_string(
            default_word(w->def ? w->def->trim : NULL, vocab_trims, "8.5x8.5"));
    case D_BINDING:
        return json_string(
            default_word(w->def ? w->def->binding : NULL, vocab_bindings, "hardcover"));
    case D_MAIL:
        return json_string("MAIL");
    }
    return NULL;
}

/* Checks an object against its table; returns the normalised object (as
 * far as it is valid), or NULL when in is not an object. */
static json_t *
walk_object(struct walk *w, const char *path, json_t *in, const struct field *fields)
{
    if (!json_is_object(in)) {
        char *q = quote_value(in);
        chk_add(&w->chk, *path ? path : "order", "must be an object, got %s", q);
        g_free(q);
        return NULL;
    }
    json_t *out = json_object();
    if (!out)
        abort();
    for (const struct field *f = fields; f->key; f++) {
        char *fp = path_key(path, f->key);
        json_t *v = json_object_get(in, f->key);
        if (field_absent(v, f)) {
            if (f->required) {
                chk_add(&w->chk, fp, "missing");
            } else {
                json_t *d = field_default(w, f);
                if (d)
                    put(out, f->key, d);
            }
        } else {
            json_t *nv = walk_value(w, fp, v, f);
            if (nv)
                put(out, f->key, nv);
        }
        g_free(fp);
    }
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        const struct field *f = fields;
        while (f->key && strcmp(f->key, key) != 0)
            f++;
        if (!f->key) {
            char *fp = path_key(path, key);
            chk_add(&w->chk, fp, "unknown field");
            g_free(fp);
        }
    }
    return out;
}

/* The rules that involve two fields. */
static void
walk_cross(struct walk *w, json_t *in, json_t *out)
{
    json_t *ship = out ? json_object_get(out, "shipping") : NULL;
    json_t *ship_in = json_object_get(in, "shipping");
    const char *cc = json_string_value(json_object_get(ship, "country_code"));
    const struct field *state = shipping_fields;
    while (strcmp(state->key, "state_code") != 0)
        state++;
    json_t *state_in = json_object_get(ship_in, state->key);
    if (cc && order_country_needs_state(cc) && field_absent(state_in, state))
        chk_add(&w->chk, "shipping.state_code",
                "missing (required when the country is %s)", cc);
}

/* ---- parsing --------------------------------------------------------------- */

/* Turns jansson's error into one message about the whole drop. */
static void
order_parse_error(struct chk *c, const json_error_t *je)
{
    GString *t = g_string_new(NULL);
    esc_append(t, je->text, strnlen(je->text, JSON_ERROR_TEXT_LENGTH - 1), 160, 0);
    int line = je->line, col = je->column;
    switch (json_error_code(je)) {
    case json_error_stack_overflow:
        chk_add(c, "order", "nested more than %d levels deep", JSON_PARSER_MAX_DEPTH);
        break;
    case json_error_invalid_utf8:
        chk_add(c, "order", "not valid UTF-8 at line %d, column %d (%s)", line, col,
                t->str);
        break;
    case json_error_null_character:
        chk_add(c, "order", "a string holds \\u0000 (NUL) at line %d, column %d", line,
                col);
        break;
    case json_error_premature_end_of_input:
        chk_add(c, "order",
                "truncated: the JSON text ends at line %d, column %d before it is "
                "complete",
                line, col);
        break;
    case json_error_end_of_input_expected:
        chk_add(c, "order", "unexpected text after the JSON object at line %d, column %d",
                line, col);
        break;
    case json_error_duplicate_key:
        chk_add(c, "order", "duplicate key at line %d, column %d (%s)", line, col,
                t->str);
        break;
    case json_error_numeric_overflow:
        chk_add(c, "order", "number too large at line %d, column %d (%s)", line, col,
                t->str);
        break;
    default:
        chk_add(c, "order", "not valid JSON at line %d, column %d: %s", line, col,
                t->str);
        break;
    }
    g_string_free(t, TRUE);
}

/* The JSON document in a drop: checks what must be checked before jansson
 * sees the bytes, skips a UTF-8 byte order mark, parses. NULL after
 * reporting. */
static json_t *
order_load(struct chk *c, const char *buf, size_t len)
{
    if (!buf)
        len = 0;
    if (len > ORDER_MAX_BYTES) {
        chk_add(c, "order", "too large: %zu bytes, the limit is %d bytes", len,
                ORDER_MAX_BYTES);
        return NULL;
    }
    const char *nul = len ? memchr(buf, 0, len) : NULL;
    if (nul) {
        chk_add(c, "order", "holds a NUL byte at offset %zu", (size_t)(nul - buf));
        return NULL;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", buf[i]))
        i++;
    if (i == len) {
        chk_add(c, "order", "empty: an order is a JSON object");
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) {
        order_parse_error(c, &je);
        return NULL;
    }
    if (!json_is_object(root)) {
        char *q = quote_value(root);
        chk_add(c, "order", "must be a JSON object, got %s", q);
        g_free(q);
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *
order_parse(const char *buf, size_t len, const struct order_defaults *def,
            struct order_errors *errs)
{
    struct order_errors unwanted = {0};
    if (!errs)
        errs = &unwanted;
    struct walk w = {.chk = {.errs = errs}, .def = def};
    errs->msg = NULL;
    errs->count = 0;
    json_t *root = order_load(&w.chk, buf, len);
    if (!root) {
        order_errors_free(&unwanted);
        return NULL;
    }
    json_t *out = walk_object(&w, "", root, order_fields);
    walk_cross(&w, root, out);
    json_decref(root);
    if (w.chk.dropped) {
        size_t dropped = w.chk.dropped;
        errs->msg = xrealloc(errs->msg, (errs->count + 1) * sizeof *errs->msg);
        if (asprintf(&errs->msg[errs->count], "order: %zu more problems not listed",
                     dropped) < 0)
            abort();
        errs->count++;
    }
    if (errs->count) {
        json_decref(out);
        out = NULL;
    }
    order_errors_free(&unwanted);
    return out;
}

char *
order_peek_id(const char *buf, size_t len)
{
    struct order_errors errs = {0};
    struct chk c = {.errs = &errs};
    json_t *root = order_load(&c, buf, len);
    order_errors_free(&errs);
    if (!root)
        return NULL;
    char *s = text_norm(json_object_get(root, "order_id"), 0);
    char *id = s && order_id_rule(s) ? strdup(s) : NULL;
    g_free(s);
    json_decref(root);
    return id;
}

/* ---- the normalised order ---------------------------------------------------- */

static const char *
order_str(const json_t *order, const char *obj, const char *key)
{
    const json_t *o = obj ? json_object_get(order, obj) : order;
    return json_string_value(json_object_get(o, key));
}

const char *
order_id(const json_t *order)
{
    return order_str(order, NULL, "order_id");
}

const char *
order_customer_id(const json_t *order)
{
    return order_str(order, "customer", "id");
}

const char *
order_child_name(const json_t *order)
{
    return order_str(order, "child", "name");
}

/* meta is the shop's own business: a retried drop that differs only there
 * (a new timestamp, say) is the same order. */
char *
order_canonical(const json_t *order)
{
    json_t *copy = json_copy((json_t *)order);
    if (!copy)
        return NULL;
    if (json_object_get(copy, "meta") && json_object_del(copy, "meta") != 0) {
        json_decref(copy);
        return NULL;
    }
    char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(copy);
    return s;
}
