/*
 * decision.c — the shop's decision drops about proofs (see decision.h):
 * strict parsing with jansson, every problem named by its field, then the
 * decision carried out by lib/proof.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "decision.h"
#include "proof.h"

static void
decision_add(struct order_errors *errs, const char *fmt, ...)
{
    va_list ap;
    char *m;
    va_start(ap, fmt);
    int n = vasprintf(&m, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char **grown = realloc(errs->msg, (errs->count + 1) * sizeof *errs->msg);
    if (!grown)
        abort();
    errs->msg = grown;
    errs->msg[errs->count++] = m;
}

/* A key or value as it may be printed: JSON-quoted, ASCII, at most 40
 * characters (fresh string). */
static char *
decision_quote(const char *s)
{
    /* A plain key is shown as it is, as order.c does: "colour: unknown field". */
    size_t plain =
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    if (s[plain] == 0 && plain > 0 && plain <= 40) {
        char *c = strdup(s);
        if (!c)
            abort();
        return c;
    }
    json_t *j = json_string(s);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!q && !(q = strdup("\"?\"")))
        abort();
    if (strlen(q) > 42) {
        strcpy(q + 38, "\"...");
    }
    return q;
}

/* Skips a UTF-8 byte order mark. */
static void
decision_skip_bom(const char **buf, size_t *len)
{
    if (*len >= 3 && memcmp(*buf, "\xEF\xBB\xBF", 3) == 0) {
        *buf += 3;
        *len -= 3;
    }
}

int
decision_is(const char *buf, size_t len)
{
    decision_skip_bom(&buf, &len);
    json_t *j = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
    int is = json_is_object(j) && json_object_get(j, "decision") != NULL;
    json_decref(j);
    return is;
}

/* A text field: a string of min..max characters after trimming and NFC,
 * without control characters.  Returns the normalised text or NULL. */
static char *
decision_text(const json_t *v, const char *field, size_t min, size_t max,
              struct order_errors *errs)
{
    if (!json_is_string(v)) {
        decision_add(errs, "%s: must be a string", field);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (memchr(s, 0, n) || !g_utf8_validate(s, (gssize)n, NULL)) {
        decision_add(errs, "%s: must be UTF-8 text without NUL", field);
        return NULL;
    }
    char *norm = g_utf8_normalize(s, (gssize)n, G_NORMALIZE_NFC);
    char *t = norm ? g_strstrip(norm) : NULL;
    if (!t) {
        decision_add(errs, "%s: cannot be normalised", field);
        return NULL;
    }
    for (const char *p = t; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
            (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
            decision_add(errs,
                         "%s: must not contain control or bidirectional characters "
                         "(U+%04X)",
                         field, (unsigned)c);
            g_free(norm);
            return NULL;
        }
    }
    size_t chars = (size_t)g_utf8_strlen(t, -1);
    if (chars < min) {
        decision_add(errs, "%s: empty", field);
        g_free(norm);
        return NULL;
    }
    if (chars > max) {
        decision_add(errs, "%s: too long: %zu characters, at most %zu", field, chars,
                     max);
        g_free(norm);
        return NULL;
    }
    char *out = strdup(t);
    g_free(norm);
    if (!out)
        abort();
    return out;
}

static void
decision_pages(const json_t *v, struct decision *d, struct order_errors *errs)
{
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > DECISION_MAX_PAGES) {
        decision_add(errs, "pages: must be an array of 1 to %d page numbers",
                     DECISION_MAX_PAGES);
        return;
    }
    size_t i;
    json_t *p;
    json_array_foreach(v, i, p)
    {
        if (!json_is_integer(p) || json_integer_value(p) < 1 ||
            json_integer_value(p) > 1000) {
            char *q = json_dumps(p, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
            decision_add(errs,
                         "pages[%zu]: must be a story page number from 1, got %.40s", i,
                         q ? q : "?");
            free(q);
            continue;
        }
        int n = (int)json_integer_value(p);
        int twice = 0;
        for (size_t k = 0; k < d->npages; k++)
            twice |= d->pages[k] == n;
        if (twice)
            decision_add(errs, "pages[%zu]: page %d is listed twice", i, n);
        else
            d->pages[d->npages++] = n;
    }
}

int
decision_parse(const char *buf, size_t len, struct decision *d, struct order_errors *errs)
{
    memset(d, 0, sizeof *d);
    size_t before = errs->count;
    if (len > ORDER_MAX_BYTES) {
        decision_add(errs, "decision: too large: %zu bytes, at most %d", len,
                     ORDER_MAX_BYTES);
        return -1;
    }
    decision_skip_bom(&buf, &len);
    if (memchr(buf, 0, len) || !g_utf8_validate(buf, (gssize)len, NULL)) {
        decision_add(errs, "decision: not valid UTF-8 text");
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        if (root)
            decision_add(errs, "decision: must be a JSON object");
        else
            decision_add(errs, "decision: line %d, column %d: %s", je.line, je.column,
                         je.text);
        json_decref(root);
        return -1;
    }
    const json_t *kind = json_object_get(root, "decision");
    const char *k = json_string_value(kind);
    const char *kinds[] = {"approve", "redo", "reject"};
    int ki = -1;
    for (int i = 0; k && i < 3; i++)
        if (strcmp(k, kinds[i]) == 0)
            ki = i;
    if (ki < 0) {
        char *q = kind ? json_dumps(kind, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
        decision_add(errs, "decision: must be one of approve, redo or reject, got %.40s",
                     q ? q : "nothing");
        free(q);
    }
    d->kind = ki < 0 ? DECISION_APPROVE : (enum decision_kind)ki;
    /* Which fields each kind takes. */
    static const char *const approve_f[] = {"decision", "order_id", NULL};
    static const char *const redo_f[] = {"decision", "order_id", "pages",
                                         "text",     "art",      NULL};
    static const char *const reject_f[] = {"decision", "order_id", "reason", NULL};
    static const char *const all_f[] = {"pages", "text", "art", "reason", NULL};
    const char *const *mine = ki == 1 ? redo_f : ki == 2 ? reject_f : approve_f;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        int ok = 0, other = 0;
        for (int i = 0; mine[i]; i++)
            ok |= strcmp(key, mine[i]) == 0;
        for (int i = 0; all_f[i]; i++)
            other |= strcmp(key, all_f[i]) == 0;
        if (ok)
            continue;
        char *q = decision_quote(key);
        if (other && ki >= 0)
            decision_add(errs, "%s: not a field of a %s decision", key, kinds[ki]);
        else if (!other)
            decision_add(errs, "%s: unknown field", q);
        free(q);
    }
    const json_t *id = json_object_get(root, "order_id");
    if (!id)
        decision_add(errs, "order_id: missing");
    else if (!json_is_string(id) || !spool_id_ok(json_string_value(id))) {
        char *q = json_dumps(id, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
        decision_add(errs,
                     "order_id: must be 1 to 64 of A-Z a-z 0-9 . _ - (not starting "
                     "with a dot), got %.40s",
                     q ? q : "?");
        free(q);
    } else if (!(d->order_id = strdup(json_string_value(id))))
        abort();
    if (ki == 1) {
        const json_t *pages = json_object_get(root, "pages"),
                     *text = json_object_get(root, "text"),
                     *art = json_object_get(root, "art");
        if (!pages)
            decision_add(errs, "pages: missing (the story pages to make again)");
        else
            decision_pages(pages, d, errs);
        if (text && !json_is_null(text))
            d->text = decision_text(text, "text", 1, PROOF_TEXT_MAX, errs);
        if (art && !json_is_boolean(art))
            decision_add(errs, "art: must be true or false");
        d->art = json_is_true(art);
        if ((!text || json_is_null(text)) && !json_is_true(art) &&
            (!art || json_is_boolean(art)))
            decision_add(errs,
                         "text: missing (a redo changes the text, the pictures or both: "
                         "give text, \"art\": true, or both)");
    } else if (ki == 2) {
        const json_t *reason = json_object_get(root, "reason");
        if (!reason)
            decision_add(errs, "reason: missing");
        else
            d->reason = decision_text(reason, "reason", 1, DECISION_REASON_MAX, errs);
    }
    json_decref(root);
    if (errs->count > before) {
        decision_free(d);
        return -1;
    }
    return 0;
}

void
decision_free(struct decision *d)
{
    free(d->order_id);
    free(d->text);
    free(d->reason);
    memset(d, 0, sizeof *d);
}

int
decision_apply(const struct config *cfg, struct spool *sp, struct db *db,
               const char *worker, const struct decision *d, const char *by,
               struct err *e)
{
    switch (d->kind) {
    case DECISION_APPROVE:
        return proof_approve(sp, db, worker, d->order_id, by, e);
    case DECISION_REJECT:
        return proof_reject(sp, db, worker, d->order_id, by, d->reason, e);
    case DECISION_REDO: {
        struct proof_redo rq = {d->pages, d->npages, d->text, d->art, by};
        return proof_redo(cfg, sp, db, d->order_id, &rq, NULL, e);
    }
    }
    return err_set(e, ERR_PERMANENT, "decision: unknown kind");
}
