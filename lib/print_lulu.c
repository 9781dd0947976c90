/*
 * print_lulu.c — the Lulu print provider: OAuth2 client credentials, the
 * print job, its status, and the files Lulu fetches (see print_lulu.h and
 * docs/print.md).
 *
 * Lulu has no idempotency key, so "never a book printed twice" rests on the
 * print_jobs row: it is committed in state 'intent' before the first POST;
 * an order that finds its row still in 'intent' (a crash, a timeout, an
 * answer lost after Lulu created the job) first asks Lulu for a job with
 * its external_id and adopts it, and posts only when there is none.
 *
 * Before the intent, the cover's size is asked of Lulu (POST
 * /cover-dimensions/) and compared with cover.pdf; after it, both files are
 * validated by Lulu (POST /validate-interior/, /validate-cover/, polled
 * with backoff while the order waits, ids kept in print_validations) and
 * the job is posted only when both are valid.  never_posted, true until
 * just before the first POST /print-jobs/, spares those retries the search.
 *
 * The order waits in print/ (STAGE_WAIT, one status poll per
 * lulu_poll_interval) until the job is in production, then moves to done/;
 * print_follow() keeps polling until the job ships, for the tracking.
 */
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "http.h"
#include "log.h"
#include "print.h"
#include "print_lulu.h"
#include "publish_s3.h"
#include "ratelimit.h"
#include "vocab.h"

#define LULU_TOKEN_PATH "/auth/realms/glasstree/protocol/openid-connect/token"
#define LULU_MAX_BODY (2 * 1024 * 1024)
#define LULU_SEARCH_PAGES 20 /* a search never needs more than a page or two */
#define LULU_FOLLOW_BATCH 20 /* status polls per idle call */

/* A pod_package_id per trim and binding, read once at start. */
struct lulu_pod {
    char *trim, *binding, *pod;
};

struct lulu {
    char *api;          /* base URL, no trailing slash */
    char *key, *secret; /* client credentials (wiped at close) */
    char *contact;
    char *publish_dir, *publish_url;
    int cost_check;
    long poll_interval; /* seconds */
    long repoll;        /* seconds before asking again after a failed poll */
    long timeout_ms, connect_ms;
    struct lulu_pod *pods;
    size_t npods;
    /* The bearer token, per process. */
    char *token;
    double token_renew; /* monotonic seconds after which it is renewed */
    struct rl *rl;      /* rate_limit = shared: Lulu's limit for every host */
    struct publish_s3 *s3; /* publish = s3 (publish_s3.c); NULL: publish_dir */
};

static double
lulu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
lulu_strdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static void
lulu_wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/*
 * Standalone pieces (print_lulu.h).
 */

static char *lulu_job_id(const json_t *job);

char *
print_lulu_pod_key(const char *trim, const char *binding)
{
    char *key;
    if (asprintf(&key, "lulu_pod_%s_%s", trim, binding) < 0)
        abort();
    return key;
}

json_t *
print_lulu_job_json(const struct print_book *b, const char *contact_email,
                    const char *pod_package_id, const char *interior_url,
                    const char *cover_url)
{
    json_t *job = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:i, s:{s:{s:s, s:s}, s:{s:s, s:s}, s:s}}], s:O, s:s}",
        "contact_email", contact_email, "external_id", b->id, "line_items", "external_id",
        b->id, "title", b->title, "quantity", 1, "printable_normalization", "cover",
        "source_url", cover_url, "source_md5_sum", b->cover_md5, "interior", "source_url",
        interior_url, "source_md5_sum", b->interior_md5, "pod_package_id", pod_package_id,
        "shipping_address", b->shipping_address, "shipping_level", b->shipping_level);
    if (!job)
        abort();
    return job;
}

json_t *
print_lulu_cost_json(const struct print_book *b, const char *pod_package_id)
{
    json_t *c = json_pack("{s:[{s:i, s:s, s:i}], s:O, s:s}", "line_items", "page_count",
                          b->page_count, "pod_package_id", pod_package_id, "quantity", 1,
                          "shipping_address", b->shipping_address, "shipping_option",
                          b->shipping_level);
    if (!c)
        abort();
    return c;
}

enum print_lulu_phase
print_lulu_phase(const char *status)
{
    static const char *const pending[] = {
        "CREATED",          "UNPAID", "PAYMENT_IN_PROGRESS", "PRODUCTION_DELAYED",
        "PRODUCTION_READY", NULL};
    static const char *const failed[] = {"REJECTED", "CANCELED", "CANCELLED", "ERROR",
                                         NULL};
    if (!status)
        return PRINT_LULU_UNKNOWN;
    for (size_t i = 0; pending[i]; i++)
        if (strcmp(status, pending[i]) == 0)
            return PRINT_LULU_PENDING;
    for (size_t i = 0; failed[i]; i++)
        if (strcmp(status, failed[i]) == 0)
            return PRINT_LULU_FAILED;
    if (strcmp(status, "IN_PRODUCTION") == 0)
        return PRINT_LULU_PRODUCTION;
    if (strcmp(status, "SHIPPED") == 0 || strcmp(status, "DELIVERED") == 0)
        return PRINT_LULU_SHIPPED;
    return PRINT_LULU_UNKNOWN;
}

static const char *
lulu_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* Appends s to the growing message (separated by "; "). */
static void
lulu_words_add(GString *w, const char *prefix, const char *s)
{
    if (!s || !*s)
        return;
    if (w->len)
        g_string_append(w, "; ");
    if (prefix && *prefix)
        g_string_append_printf(w, "%s: ", prefix);
    g_string_append(w, s);
}

/* One tracking entry from a "messages"-like object, or NULL. */
static json_t *
lulu_tracking_entry(const json_t *src, const json_t *line_item_id)
{
    const char *tid = lulu_str(src, "tracking_id");
    const json_t *urls = json_object_get(src, "tracking_urls");
    if (!tid && !json_is_string(urls) && json_array_size(urls) == 0)
        return NULL;
    json_t *e = json_object();
    json_t *u = json_array();
    if (!e || !u)
        abort();
    if (line_item_id && (json_is_integer(line_item_id) || json_is_string(line_item_id)))
        json_object_set(e, "line_item_id", (json_t *)line_item_id);
    if (tid)
        json_object_set_new(e, "tracking_id", json_string(tid));
    if (json_is_string(urls)) {
        json_array_append(u, (json_t *)urls);
    } else {
        for (size_t i = 0; i < json_array_size(urls); i++)
            if (json_is_string(json_array_get(urls, i)))
                json_array_append(u, json_array_get(urls, i));
    }
    json_object_set_new(e, "tracking_urls", u);
    const char *carrier = lulu_str(src, "carrier_name");
    if (carrier)
        json_object_set_new(e, "carrier_name", json_string(carrier));
    return e;
}

/* The errors a line item's status messages hold, added to w. */
static void
lulu_line_item_words(GString *w, const json_t *messages, const json_t *line_item_id)
{
    char prefix[64] = "line item";
    if (json_is_integer(line_item_id))
        snprintf(prefix, sizeof prefix, "line item %lld",
                 (long long)json_integer_value(line_item_id));
    /* Lulu often repeats the job's message on its line items: said once. */
    const char *err = lulu_str(messages, "error");
    if (err && !strstr(w->str, err))
        lulu_words_add(w, prefix, err);
    const json_t *pn = json_object_get(messages, "printable_normalization");
    static const char *const parts[] = {"interior", "cover"};
    for (size_t k = 0; k < 2; k++) {
        const json_t *list = json_object_get(pn, parts[k]);
        char p2[96];
        snprintf(p2, sizeof p2, "%s, %s file", prefix, parts[k]);
        for (size_t i = 0; i < json_array_size(list); i++)
            lulu_words_add(w, p2, json_string_value(json_array_get(list, i)));
    }
}

int
print_lulu_status_parse(const json_t *status, struct print_lulu_status *st, struct err *e)
{
    memset(st, 0, sizeof *st);
    const char *name = lulu_str(status, "name");
    if (!name)
        return err_set(e, ERR_TRANSIENT, "Lulu's answer holds no status name");
    st->name = lulu_strdup(name);
    const char *changed = lulu_str(status, "changed");
    if (changed)
        st->changed = lulu_strdup(changed);
    GString *w = g_string_new(NULL);
    lulu_words_add(w, NULL, lulu_str(status, "message"));
    json_t *tracking = json_array();
    if (!tracking)
        abort();
    const json_t *lis = json_object_get(status, "line_item_statuses");
    for (size_t i = 0; i < json_array_size(lis); i++) {
        const json_t *li = json_array_get(lis, i);
        const json_t *msgs = json_object_get(li, "messages");
        const json_t *lid = json_object_get(li, "line_item_id");
        lulu_line_item_words(w, msgs, lid);
        json_t *t = lulu_tracking_entry(msgs, lid);
        if (t)
            json_array_append_new(tracking, t);
    }
    if (w->len)
        st->message = lulu_strdup(w->str);
    g_string_free(w, TRUE);
    if (json_array_size(tracking))
        st->tracking = tracking;
    else
        json_decref(tracking);
    return 0;
}

void
print_lulu_status_free(struct print_lulu_status *st)
{
    free(st->name);
    free(st->message);
    free(st->changed);
    json_decref(st->tracking);
    memset(st, 0, sizeof *st);
}

json_t *
print_lulu_job_tracking(const json_t *job)
{
    json_t *tracking = json_array();
    if (!tracking)
        abort();
    const json_t *items = json_object_get(job, "line_items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *li = json_array_get(items, i);
        const json_t *id = json_object_get(li, "id");
        json_t *t = lulu_tracking_entry(li, id);
        if (!t)
            t = lulu_tracking_entry(
                json_object_get(json_object_get(li, "status"), "messages"), id);
        if (t)
            json_array_append_new(tracking, t);
    }
    if (json_array_size(tracking) == 0) {
        json_decref(tracking);
        return NULL;
    }
    return tracking;
}

/* Flattens a Django REST Framework error answer: {"field": ["msg"]},
 * nested objects for nested fields, lists of objects for lists. */
static void
lulu_error_walk(GString *w, const char *path, const json_t *v, int depth)
{
    if (depth > 8 || w->len > 900)
        return;
    if (json_is_string(v)) {
        lulu_words_add(w, path, json_string_value(v));
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *x = json_array_get(v, i);
            if (json_is_string(x)) {
                lulu_words_add(w, path, json_string_value(x));
            } else {
                char *p;
                if (asprintf(&p, "%s[%zu]", path, i) < 0)
                    abort();
                lulu_error_walk(w, p, x, depth + 1);
                free(p);
            }
        }
    } else if (json_is_object(v)) {
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            const char *k = json_object_iter_key(it);
            const json_t *x = json_object_iter_value(it);
            char *p;
            /* non_field_errors and detail belong to the object itself. */
            if (strcmp(k, "non_field_errors") == 0 || strcmp(k, "detail") == 0)
                p = lulu_strdup(path);
            else if (asprintf(&p, "%s%s%s", path, *path ? "." : "", k) < 0)
                abort();
            lulu_error_walk(w, p, x, depth + 1);
            free(p);
        }
    }
}

char *
print_lulu_error_words(const char *body, size_t len)
{
    GString *w = g_string_new(NULL);
    json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL;
    if (j) {
        const char *oauth = lulu_str(j, "error_description");
        if (!oauth)
            oauth = lulu_str(j, "error");
        if (oauth && json_is_object(j) && !json_is_array(json_object_get(j, "error")))
            lulu_words_add(w, NULL, oauth);
        else
            lulu_error_walk(w, "", j, 0);
        json_decref(j);
    }
    if (!w->len && body && len) {
        /* Not JSON (a proxy's page): its start, printable only. */
        size_t n = len < 200 ? len : 200;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)body[i];
            g_string_append_c(w, c >= 0x20 && c < 0x7f ? (char)c : ' ');
        }
    }
    if (!w->len)
        g_string_append(w, "(empty answer)");
    if (w->len > 900) {
        g_string_truncate(w, 900);
        g_string_append(w, "...");
    }
    char *s = lulu_strdup(w->str);
    g_string_free(w, TRUE);
    return s;
}

/* A number Lulu sends as a string ("1368.000") or as a number. */
static int
lulu_number(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || errno)
        return -1;
    *out = d;
    return 0;
}

int
print_lulu_dimensions_parse(const json_t *ans, double *w_pt, double *h_pt, struct err *e)
{
    double w, h, per = 1;
    const char *unit = lulu_str(ans, "unit");
    if (lulu_number(json_object_get(ans, "width"), &w) < 0 ||
        lulu_number(json_object_get(ans, "height"), &h) < 0)
        return err_set(e, ERR_TRANSIENT,
                       "Lulu's cover dimensions hold no width and height");
    if (!unit || strcmp(unit, "pt") == 0)
        per = 1;
    else if (strcmp(unit, "mm") == 0)
        per = 72 / 25.4;
    else if (strcmp(unit, "inch") == 0)
        per = 72;
    else
        return err_set(e, ERR_TRANSIENT,
                       "Lulu's cover dimensions are in \"%s\", unknown here", unit);
    if (!(w > 0 && h > 0 && w < 1e5 && h < 1e5))
        return err_set(e, ERR_TRANSIENT, "Lulu's cover dimensions %g x %g make no sense",
                       w, h);
    *w_pt = w * per;
    *h_pt = h * per;
    return 0;
}

json_t *
print_lulu_validation_json(const char *part, const char *source_url,
                           const char *pod_package_id, int page_count)
{
    json_t *j =
        strcmp(part, "cover") == 0
            ? json_pack("{s:s, s:s, s:i}", "source_url", source_url, "pod_package_id",
                        pod_package_id, "interior_page_count", page_count)
            : json_pack("{s:s, s:s}", "source_url", source_url, "pod_package_id",
                        pod_package_id);
    if (!j)
        abort();
    return j;
}

int
print_lulu_validation_parse(const json_t *ans, struct print_lulu_validation *v,
                            struct err *e)
{
    memset(v, 0, sizeof *v);
    v->id = lulu_job_id(ans);
    if (!v->id)
        return err_set(e, ERR_TRANSIENT, "Lulu's validation answer holds no id");
    const json_t *st = json_object_get(ans, "status");
    /* "NULL - file validation is not started yet": null, or the word. */
    v->status = lulu_strdup(json_is_string(st) && json_string_length(st) > 0
                                ? json_string_value(st)
                                : "NULL");
    static const char *const checking[] = {"NULL", "VALIDATING", "NORMALIZING", NULL};
    static const char *const valid[] = {"VALIDATED", "NORMALIZED", NULL};
    v->check = PRINT_LULU_CHECK_UNKNOWN;
    for (size_t i = 0; checking[i]; i++)
        if (strcmp(v->status, checking[i]) == 0)
            v->check = PRINT_LULU_CHECKING;
    for (size_t i = 0; valid[i]; i++)
        if (strcmp(v->status, valid[i]) == 0)
            v->check = PRINT_LULU_VALID;
    if (strcmp(v->status, "ERROR") == 0)
        v->check = PRINT_LULU_INVALID;
    const json_t *errs = json_object_get(ans, "errors");
    GString *w = g_string_new(NULL);
    if (json_is_array(errs)) {
        v->errors = json_incref((json_t *)errs);
        lulu_error_walk(w, "", errs, 0);
    } else if (json_is_string(errs) || json_is_object(errs)) {
        lulu_error_walk(w, "", errs, 0);
    }
    if (w->len > 900) {
        g_string_truncate(w, 900);
        g_string_append(w, "...");
    }
    if (w->len)
        v->words = lulu_strdup(w->str);
    g_string_free(w, TRUE);
    return 0;
}

void
print_lulu_validation_free(struct print_lulu_validation *v)
{
    free(v->id);
    free(v->status);
    free(v->words);
    json_decref(v->errors);
    memset(v, 0, sizeof *v);
}

int
print_lulu_webhook_verify(const void *body, size_t len, const char *header,
                          const char *secret)
{
    if (!header || !secret || !*secret)
        return 0;
    while (*header == ' ' || *header == '\t')
        header++;
    size_t hl = strlen(header);
    while (hl > 0 && (header[hl - 1] == ' ' || header[hl - 1] == '\t' ||
                      header[hl - 1] == '\r' || header[hl - 1] == '\n'))
        hl--;
    gchar *mac =
        g_compute_hmac_for_data(G_CHECKSUM_SHA256, (const guchar *)secret, strlen(secret),
                                (const guchar *)(body ? body : ""), len);
    if (!mac)
        return 0;
    size_t ml = strlen(mac);
    unsigned diff = hl != ml;
    /* Every byte is compared whatever the first difference, so the time
     * taken tells nothing about the expected value. */
    for (size_t i = 0; i < ml; i++) {
        unsigned char a = i < hl ? (unsigned char)header[i] : 0;
        unsigned char b = (unsigned char)mac[i];
        if (a >= 'A' && a <= 'F')
            a = (unsigned char)(a - 'A' + 'a');
        diff |= (unsigned)(a ^ b);
    }
    g_free(mac);
    return diff == 0;
}

/*
 * The client.
 */

static void
lulu_record(struct db *db, const char *order_id, const char *kind,
            const struct http_response *rs, double cost, const char *error)
{
    struct db_api_call call = {
        .order_id = order_id,
        .provider = "lulu",
        .model = NULL,
        .kind = kind,
        .latency_ms = rs->latency_ms,
        .http_status = (int)rs->status,
        .cost = cost,
        .error = error,
    };
    struct err e;
    if (db_record_api_call(db, &call, &e) < 0)
        log_order(LOG_WARNING, order_id, "cannot record a Lulu %s call: %s", kind, e.msg);
}

/* Gets a fresh token (the old one is dropped first). */
static int
lulu_token_fetch(struct lulu *lu, struct db *db, const char *order_id, struct err *e)
{
    lulu_wipe_free(lu->token);
    lu->token = NULL;
    char *url;
    if (asprintf(&url, "%s%s", lu->api, LULU_TOKEN_PATH) < 0)
        abort();
    static const char body[] = "grant_type=client_credentials";
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded",
                          "Accept: application/json", NULL};
    struct http_request rq = {
        .method = "POST",
        .url = url,
        .headers = hdrs,
        .body = body,
        .body_len = sizeof body - 1,
        .basic_user = lu->key,
        .basic_pass = lu->secret,
        .connect_timeout_ms = lu->connect_ms,
        .timeout_ms = lu->timeout_ms,
        .max_body = 256 * 1024,
    };
    struct http_response rs;
    int rc = -1;
    json_t *j = NULL;
    if (http_perform(&rq, &rs, e) < 0) {
        lulu_record(db, order_id, "token", &rs, 0, e->msg);
        err_prefix(e, "Lulu token");
        goto out;
    }
    enum err_kind k = http_status_kind(rs.status);
    if (k != ERR_NONE) {
        char *words = print_lulu_error_words(rs.body, rs.body_len);
        /* Refused credentials are a configuration to mend, not a fault of
         * the order: transient, so that orders wait (with backoff) for the
         * operator instead of all failing at once. */
        if (rs.status == 400 || rs.status == 401)
            err_set(e, ERR_TRANSIENT,
                    "Lulu refused the client key and secret (HTTP %ld: %s); check "
                    "lulu_client_key_file and lulu_client_secret_file",
                    rs.status, words);
        else
            err_set(e, k, "Lulu token: HTTP %ld: %s", rs.status, words);
        lulu_record(db, order_id, "token", &rs, 0, e->msg);
        free(words);
        goto out;
    }
    j = json_loadb(rs.body, rs.body_len, 0, NULL);
    const char *tok = lulu_str(j, "access_token");
    const json_t *exp = json_object_get(j, "expires_in");
    if (!tok) {
        err_set(e, ERR_TRANSIENT, "Lulu token: the answer holds no access_token");
        lulu_record(db, order_id, "token", &rs, 0, e->msg);
        goto out;
    }
    double life = json_is_number(exp) ? json_number_value(exp) : 300;
    /* Renewed a minute before it ends, or in its last quarter when it
     * lives less than four minutes. */
    double margin = life >= 240 ? 60 : life / 4;
    lu->token = lulu_strdup(tok);
    lu->token_renew = lulu_now() + life - margin;
    lulu_record(db, order_id, "token", &rs, 0, NULL);
    log_debug("Lulu token obtained, valid %.0f s", life);
    rc = 0;
out:
    if (j) {
        /* The token is in the parsed answer and in the body: wipe both. */
        json_decref(j);
    }
    if (rs.body)
        explicit_bzero(rs.body, rs.body_len);
    http_response_free(&rs);
    free(url);
    return rc;
}

/* One call to Lulu's API with the bearer token: renewed before it expires,
 * and once more on a 401.  Returns 0 with *out (the parsed JSON, may be
 * NULL for an empty body) on 2xx; -1 with e set otherwise: 429, 5xx and
 * timeouts are ERR_TRANSIENT, other refusals ERR_PERMANENT with Lulu's
 * words.  *status receives the HTTP status (0 when none came). */
static int
lulu_call(struct lulu *lu, struct db *db, const char *order_id, const char *kind,
          const char *method, const char *path, const json_t *body, double cost,
          long *status, json_t **out, struct err *e)
{
    *out = NULL;
    *status = 0;
    char *url = NULL, *text = NULL;
    if (asprintf(&url, "%s%s", lu->api, path) < 0)
        abort();
    if (body) {
        text = json_dumps(body, JSON_COMPACT);
        if (!text)
            abort();
    }
    const char *hdrs[] = {"Content-Type: application/json", "Accept: application/json",
                          "Cache-Control: no-cache", NULL};
    int rc = -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        if ((!lu->token || lulu_now() >= lu->token_renew) &&
            lulu_token_fetch(lu, db, order_id, e) < 0)
            break;
        struct http_request rq = {
            .method = method,
            .url = url,
            .headers = hdrs,
            .body = text,
            .body_len = text ? strlen(text) : 0,
            .bearer = lu->token,
            .connect_timeout_ms = lu->connect_ms,
            .timeout_ms = lu->timeout_ms,
            .max_body = LULU_MAX_BODY,
        };
        struct http_response rs;
        int slot; /* the limit shared by every host (ratelimit.c) */
        if (rl_acquire(lu->rl, &slot, e) < 0)
            break;
        int hr = http_perform(&rq, &rs, e);
        rl_done(lu->rl, slot, hr < 0 ? 0 : rs.status, hr < 0 ? -1 : rs.retry_after);
        if (hr < 0) {
            lulu_record(db, order_id, kind, &rs, 0, e->msg);
            err_prefix(e, "Lulu");
            http_response_free(&rs);
            break;
        }
        *status = rs.status;
        if (rs.status == 401 && attempt == 0) {
            /* Revoked or expired early: one new token, one more try. */
            lulu_record(db, order_id, kind, &rs, 0,
                        "HTTP 401: token refused, renewing it");
            log_order(LOG_INFO, order_id, "Lulu refused the token; asking for a new one");
            lulu_wipe_free(lu->token);
            lu->token = NULL;
            http_response_free(&rs);
            continue;
        }
        enum err_kind k = http_status_kind(rs.status);
        if (k != ERR_NONE) {
            char *words = print_lulu_error_words(rs.body, rs.body_len);
            if (rs.status == 401)
                k = ERR_TRANSIENT; /* a fresh token refused too: Lulu's side */
            if (rs.retry_after >= 0)
                err_set(e, k, "Lulu: %s %s: HTTP %ld (retry after %ld s): %s", method,
                        path, rs.status, rs.retry_after, words);
            else
                err_set(e, k, "Lulu: %s %s: HTTP %ld: %s", method, path, rs.status,
                        words);
            lulu_record(db, order_id, kind, &rs, 0, e->msg);
            free(words);
            http_response_free(&rs);
            break;
        }
        json_t *j = rs.body_len ? json_loadb(rs.body, rs.body_len, 0, NULL) : NULL;
        if (rs.body_len && !j) {
            err_set(e, ERR_TRANSIENT,
                    "Lulu: %s %s: HTTP %ld with an answer that is not JSON", method, path,
                    rs.status);
            lulu_record(db, order_id, kind, &rs, 0, e->msg);
            http_response_free(&rs);
            break;
        }
        lulu_record(db, order_id, kind, &rs, cost, NULL);
        http_response_free(&rs);
        *out = j;
        rc = 0;
        break;
    }
    free(url);
    free(text);
    return rc;
}

/* A job id as text (Lulu sends numbers; a string is taken as it is). */
static char *
lulu_job_id(const json_t *job)
{
    const json_t *id = json_object_get(job, "id");
    char *s = NULL;
    if (json_is_integer(id)) {
        if (asprintf(&s, "%lld", (long long)json_integer_value(id)) < 0)
            abort();
    } else if (json_is_real(id)) {
        if (asprintf(&s, "%.0f", json_real_value(id)) < 0)
            abort();
    } else if (json_is_string(id) && json_string_length(id) > 0 &&
               json_string_length(id) < 64) {
        s = lulu_strdup(json_string_value(id));
    }
    return s;
}

/*
 * Opening.
 */

static void
lulu_free(struct lulu *lu)
{
    if (!lu)
        return;
    free(lu->api);
    lulu_wipe_free(lu->key);
    lulu_wipe_free(lu->secret);
    lulu_wipe_free(lu->token);
    rl_close(lu->rl);
    publish_s3_close(lu->s3);
    free(lu->contact);
    free(lu->publish_dir);
    free(lu->publish_url);
    for (size_t i = 0; i < lu->npods; i++) {
        free(lu->pods[i].trim);
        free(lu->pods[i].binding);
        free(lu->pods[i].pod);
    }
    free(lu->pods);
    free(lu);
}

static int
lulu_open(const struct config *cfg, void **stp, struct err *e)
{
    struct lulu *lu = calloc(1, sizeof *lu);
    if (!lu)
        abort();
    lu->api = lulu_strdup(config_str(cfg, "lulu_api_url"));
    for (size_t n = strlen(lu->api); n > 0 && lu->api[n - 1] == '/'; n--)
        lu->api[n - 1] = 0;
    lu->contact = lulu_strdup(config_str(cfg, "lulu_contact_email"));
    lu->publish_dir = lulu_strdup(config_str(cfg, "lulu_publish_dir"));
    lu->publish_url = lulu_strdup(config_str(cfg, "lulu_publish_url"));
    for (size_t n = strlen(lu->publish_url); n > 0 && lu->publish_url[n - 1] == '/'; n--)
        lu->publish_url[n - 1] = 0;
    lu->cost_check = config_bool(cfg, "lulu_cost_check");
    lu->poll_interval = config_int(cfg, "lulu_poll_interval");
    lu->repoll = config_int(cfg, "retry_base");
    if (lu->repoll > lu->poll_interval)
        lu->repoll = lu->poll_interval;
    lu->timeout_ms = config_int(cfg, "lulu_timeout") * 1000;
    lu->connect_ms = lu->timeout_ms < 10000 ? lu->timeout_ms : 10000;

    if (strcmp(config_str(cfg, "publish"), "s3") == 0) {
        /* The files go to a bucket (publish_s3.c), not a directory. */
        if (!(lu->s3 = publish_s3_open(cfg, e)))
            goto fail;
        free(lu->publish_dir);
        free(lu->publish_url);
        lu->publish_dir = lulu_strdup("-");
        lu->publish_url = lulu_strdup("-");
    }
    if (!*lu->api || !*lu->contact || !*lu->publish_dir || !*lu->publish_url) {
        err_set(e, ERR_PERMANENT, "%s is not set",
                !*lu->api           ? "lulu_api_url"
                : !*lu->contact     ? "lulu_contact_email"
                : !*lu->publish_dir ? "lulu_publish_dir"
                                    : "lulu_publish_url");
        goto fail;
    }
    if (!lu->s3 && fsu_mkdir_p(lu->publish_dir, 0755, e) < 0) {
        err_prefix(e, "lulu_publish_dir %s", lu->publish_dir);
        goto fail;
    }
    if (!(lu->key = config_secret(cfg, "lulu_client_key_file", e)) ||
        !(lu->secret = config_secret(cfg, "lulu_client_secret_file", e)))
        goto fail;

    size_t nt = vocab_count(vocab_trims), nb = vocab_count(vocab_bindings);
    lu->pods = calloc(nt * nb, sizeof *lu->pods);
    if (!lu->pods)
        abort();
    for (size_t t = 0; t < nt; t++)
        for (size_t b = 0; b < nb; b++) {
            char *key = print_lulu_pod_key(vocab_trims[t], vocab_bindings[b]);
            struct lulu_pod *p = &lu->pods[lu->npods++];
            p->trim = lulu_strdup(vocab_trims[t]);
            p->binding = lulu_strdup(vocab_bindings[b]);
            p->pod = lulu_strdup(config_str(cfg, key));
            free(key);
        }
    if (http_init(e) < 0)
        goto fail;
    lu->rl = rl_for(cfg, "lulu");
    *stp = lu;
    return 0;
fail:
    lulu_free(lu);
    return -1;
}

static void
lulu_close(void *st)
{
    lulu_free(st);
}

static const char *
lulu_pod(const struct lulu *lu, const char *trim, const char *binding)
{
    for (size_t i = 0; i < lu->npods; i++)
        if (strcmp(lu->pods[i].trim, trim) == 0 &&
            strcmp(lu->pods[i].binding, binding) == 0)
            return *lu->pods[i].pod ? lu->pods[i].pod : NULL;
    return NULL;
}

/*
 * Published files.
 */

static json_t *
lulu_new_names(struct err *e)
{
    char *i = print_secret_name(".pdf", e);
    char *c = i ? print_secret_name(".pdf", e) : NULL;
    json_t *names = c ? json_pack("{s:s, s:s}", "interior", i, "cover", c) : NULL;
    free(i);
    free(c);
    return names;
}

static char *
lulu_url(const struct lulu *lu, const char *name)
{
    if (lu->s3)
        return publish_s3_url(lu->s3, name); /* presigned, expiring */
    char *u;
    if (asprintf(&u, "%s/%s", lu->publish_url, name) < 0)
        abort();
    return u;
}

/* Puts the book's PDFs under their published names (those already there
 * stay), readable by the web server that serves them to Lulu. */
static int
lulu_publish(struct lulu *lu, const struct print_book *b, const json_t *names,
             struct err *e)
{
    const char *src[] = {b->interior, b->cover};
    const char *md5[] = {b->interior_md5, b->cover_md5};
    const char *key[] = {"interior", "cover"};
    for (int i = 0; i < 2; i++) {
        const char *name = lulu_str(names, key[i]);
        if (!name || strchr(name, '/') || name[0] == '.')
            return err_set(e, ERR_PERMANENT, "order %s: bad published name for %s", b->id,
                           key[i]);
        if (lu->s3) {
            /* Uploaded again each attempt: a PUT replaces, and its sums
             * say the store holds these very bytes. */
            const char *sha[] = {b->interior_sha256, b->cover_sha256};
            if (publish_s3_put(lu->s3, src[i], name, sha[i], md5[i], e) < 0)
                return err_prefix(e, "order %s: publishing %s", b->id, key[i]);
            continue;
        }
        char *dst = fsu_join(lu->publish_dir, name);
        struct stat sb, ss;
        int rc = 0;
        if (lstat(dst, &sb) == 0 && stat(src[i], &ss) == 0 &&
            (sb.st_dev != ss.st_dev || sb.st_ino != ss.st_ino)) {
            /* Published by an earlier attempt: still these very bytes?  (The
             * PDFs are made anew when an order is sent back to pdf/.) */
            char sha[65], sum[33];
            struct err ignored;
            if (print_file_sums(dst, sha, sum, &ignored) < 0 ||
                strcmp(sum, md5[i]) != 0) {
                log_order(LOG_INFO, b->id,
                          "the published %s is outdated; publishing it again", key[i]);
                if (unlink(dst) < 0 && errno != ENOENT)
                    rc = err_errno(e, errno, "unlink %s", dst);
            }
        }
        if (rc == 0 && lstat(dst, &sb) < 0) {
            rc = print_place_file(src[i], dst, e);
            if (rc == 0 && stat(dst, &sb) == 0 && (sb.st_mode & 0044) != 0044 &&
                chmod(dst, (sb.st_mode & 07777) | 0044) < 0)
                rc = err_errno(e, errno, "chmod %s", dst);
        }
        free(dst);
        if (rc < 0)
            return err_prefix(e, "order %s: publishing %s", b->id, key[i]);
    }
    return 0;
}

/* Removes the published files once Lulu needs them no more. */
static void
lulu_unpublish(struct lulu *lu, struct db *db, const char *id, const json_t *names)
{
    const char *key[] = {"interior", "cover"};
    for (int i = 0; i < 2 && names; i++) {
        const char *name = lulu_str(names, key[i]);
        if (!name || strchr(name, '/') || name[0] == '.')
            continue;
        if (lu->s3) {
            struct err se = {0};
            if (publish_s3_delete(lu->s3, name, &se) < 0)
                log_order(LOG_WARNING, id, "cannot remove the published %s: %s", key[i],
                          se.msg);
            continue;
        }
        char *path = fsu_join(lu->publish_dir, name);
        if (unlink(path) < 0 && errno != ENOENT)
            log_order(LOG_WARNING, id, "cannot remove the published %s %s: %s", key[i],
                      path, strerror(errno));
        free(path);
    }
    const char *params[] = {id};
    struct err e;
    if (print_row_update(db, id,
                         "UPDATE print_jobs SET published = NULL, updated_at = now()"
                         " WHERE order_id = $1 RETURNING order_id",
                         1, params, &e) < 0)
        log_order(LOG_WARNING, id, "%s", e.msg);
}

/*
 * One order.
 */

static enum print_result
lulu_fail(struct err *e)
{
    return e->kind == ERR_TRANSIENT ? PRINT_RETRY : PRINT_FAIL;
}

/* Writes print.json from the row as it now is; detail for the event. */
static int
lulu_write_result(struct db *db, const char *id, const char *dir, json_t **detail,
                  struct err *e)
{
    struct print_row row;
    if (print_row_load(db, id, &row, e) < 0)
        return -1;
    json_t *res = print_row_result(&row, id);
    int rc = print_write_result(dir, res, e);
    if (rc == 0 && detail)
        *detail = json_pack("{s:O}", "print", res);
    json_decref(res);
    print_row_free(&row);
    if (rc < 0)
        err_prefix(e, "order %s", id);
    return rc;
}

/* Tracking of a shipped job, from the job itself when the status had none. */
static json_t *
lulu_fetch_tracking(struct lulu *lu, struct db *db, const char *id, const char *job_id)
{
    char *path;
    if (asprintf(&path, "/print-jobs/%s/", job_id) < 0)
        abort();
    long status;
    json_t *job = NULL, *t = NULL;
    struct err e;
    if (lulu_call(lu, db, id, "status", "GET", path, NULL, 0, &status, &job, &e) == 0)
        t = print_lulu_job_tracking(job);
    else
        log_order(LOG_WARNING, id, "no tracking for Lulu job %s yet: %s", job_id, e.msg);
    json_decref(job);
    free(path);
    return t;
}

/* Records a status seen and acts on it: the common end of a submission, an
 * adoption, a poll from the handler or from print_follow (dir NULL: the
 * order has left print/, so no print.json and no result). */
static enum print_result
lulu_settle(struct lulu *lu, struct db *db, const char *id, const char *dir,
            const char *job_id, struct print_lulu_status *st, const char *before,
            long long *wait_until, json_t **detail, struct err *e)
{
    enum print_lulu_phase ph = print_lulu_phase(st->name);
    if (ph == PRINT_LULU_SHIPPED && !st->tracking)
        st->tracking = lulu_fetch_tracking(lu, db, id, job_id);
    if (print_row_status(db, id, st->name, st->message, st->changed, st->tracking, e) < 0)
        return lulu_fail(e);
    int changed = !before || strcmp(before, st->name) != 0;
    if (changed)
        log_order(ph == PRINT_LULU_FAILED ? LOG_ERR : LOG_INFO, id,
                  "Lulu print job %s: %s%s%s", job_id, st->name, st->message ? ": " : "",
                  st->message ? st->message : "");

    if (ph == PRINT_LULU_SHIPPED || ph == PRINT_LULU_FAILED) {
        struct print_row row;
        if (print_row_load(db, id, &row, e) < 0)
            return lulu_fail(e);
        if (row.published)
            lulu_unpublish(lu, db, id, row.published);
        print_row_free(&row);
        const char *params[] = {id};
        if (print_row_update(
                db, id,
                "UPDATE print_jobs SET state = 'finished', updated_at = now()"
                " WHERE order_id = $1 RETURNING order_id",
                1, params, e) < 0)
            return lulu_fail(e);
    }
    switch (ph) {
    case PRINT_LULU_PENDING:
    case PRINT_LULU_UNKNOWN:
        if (ph == PRINT_LULU_UNKNOWN && changed)
            log_order(LOG_WARNING, id,
                      "Lulu print job %s has status %s, unknown here; waiting", job_id,
                      st->name);
        if (changed && strcmp(st->name, "UNPAID") == 0)
            log_order(LOG_NOTICE, id,
                      "Lulu print job %s waits for payment (no card on file?): pay it in "
                      "Lulu's developer portal",
                      job_id);
        *wait_until = (long long)time(NULL) + lu->poll_interval;
        return PRINT_WAIT;
    case PRINT_LULU_PRODUCTION:
    case PRINT_LULU_SHIPPED:
        if (dir && lulu_write_result(db, id, dir, detail, e) < 0)
            return lulu_fail(e);
        return PRINT_DONE;
    case PRINT_LULU_FAILED:
        if (dir) {
            struct err ignored;
            if (lulu_write_result(db, id, dir, NULL, &ignored) < 0)
                log_order(LOG_WARNING, id, "%s", ignored.msg);
        }
        err_set(e, ERR_PERMANENT, "order %s: Lulu print job %s ended %s: %s", id, job_id,
                st->name, st->message ? st->message : "Lulu gave no reason");
        return PRINT_FAIL;
    }
    return PRINT_FAIL;
}

/* Looks for a job Lulu already holds for this order (external_id = id).
 * Returns 1 with *job when found, 0 when none, -1 on error. */
static int
lulu_find(struct lulu *lu, struct db *db, const char *id, json_t **job, struct err *e)
{
    *job = NULL;
    char *q = http_escape(id);
    int found = 0, rc = 0;
    for (int page = 1; page <= LULU_SEARCH_PAGES; page++) {
        char *path;
        if (asprintf(&path, "/print-jobs/?search=%s&page=%d&page_size=100", q, page) < 0)
            abort();
        long status;
        json_t *list = NULL;
        rc = lulu_call(lu, db, id, "search", "GET", path, NULL, 0, &status, &list, e);
        free(path);
        if (rc < 0) {
            if (status == 404 && page > 1) /* past the last page */
                rc = 0;
            break;
        }
        const json_t *results = json_object_get(list, "results");
        if (!json_is_array(results)) {
            json_decref(list);
            rc = err_set(e, ERR_TRANSIENT,
                         "Lulu: the print job search answer has no results");
            break;
        }
        /* The search matches parts of several fields: only an exact
         * external_id is this order's job. */
        for (size_t i = 0; i < json_array_size(results); i++) {
            json_t *r = json_array_get(results, i);
            const char *ext = lulu_str(r, "external_id");
            if (!ext || strcmp(ext, id) != 0)
                continue;
            if (!found) {
                *job = json_incref(r);
            } else {
                char *a = lulu_job_id(*job), *b = lulu_job_id(r);
                log_order(
                    LOG_ERR, id,
                    "Lulu holds more than one print job for this order (%s and %s); "
                    "keeping %s, cancel the other by hand",
                    a ? a : "?", b ? b : "?", a ? a : "?");
                free(a);
                free(b);
            }
            found++;
        }
        int more = json_is_string(json_object_get(list, "next"));
        json_decref(list);
        if (!more)
            break;
    }
    free(q);
    if (rc < 0) {
        json_decref(*job);
        *job = NULL;
        return err_prefix(e, "order %s: looking for an earlier print job", id);
    }
    return found > 0;
}

/* Records the job Lulu holds as this order's. */
static int
lulu_record_submitted(struct db *db, const char *id, const char *job_id, struct err *e)
{
    const char *params[] = {id, job_id};
    return print_row_update(
        db, id,
        "UPDATE print_jobs SET state = 'submitted', provider_job_id = $2,"
        " submitted_at = coalesce(submitted_at, now()), updated_at = now()"
        " WHERE order_id = $1 RETURNING order_id",
        2, params, e);
}

/* Asks Lulu what the book will cost and records it on the row. */
static int
lulu_cost(struct lulu *lu, struct db *db, const struct print_book *b, const char *pod,
          double *cost, struct err *e)
{
    json_t *body = print_lulu_cost_json(b, pod), *ans = NULL;
    long status;
    int rc = lulu_call(lu, db, b->id, "cost", "POST", "/print-job-cost-calculations/",
                       body, 0, &status, &ans, e);
    json_decref(body);
    if (rc < 0)
        return err_prefix(e, "order %s: cost calculation", b->id);
    const char *total = lulu_str(ans, "total_cost_incl_tax");
    const char *cur = lulu_str(ans, "currency");
    if (total) {
        char *end;
        double v = strtod(total, &end);
        if (end != total && *end == 0 && v >= 0) {
            *cost = v;
            const char *params[] = {b->id, total, cur};
            rc = print_row_update(
                db, b->id,
                "UPDATE print_jobs SET cost = $2::numeric, currency = $3,"
                " updated_at = now() WHERE order_id = $1 RETURNING order_id",
                3, params, e);
            if (rc == 0)
                log_order(LOG_INFO, b->id, "Lulu prices the book at %s %s", total,
                          cur ? cur : "");
        }
    }
    json_decref(ans);
    return rc;
}

/* How far the cover's size may stray from Lulu's (points). */
#define LULU_COVER_TOLERANCE_PT 1.0
/* A validation still running after this long is started anew. */
#define LULU_VALIDATE_PATIENCE_S 3600

/* Asks Lulu the cover's size for this book (pod_package_id and interior
 * page count) and compares it with cover.pdf's page.  A mismatch is
 * permanent: the PDF was made for another product or page count. */
static int
lulu_cover_check(struct lulu *lu, struct db *db, const struct print_book *b,
                 const char *pod, struct err *e)
{
    if (b->page_count <= 0)
        return err_set(
            e, ERR_PERMANENT,
            "order %s: cannot count the pages of interior.pdf, which Lulu needs "
            "for the cover's size",
            b->id);
    double cw, ch;
    if (print_pdf_page_size(b->cover, &cw, &ch, e) < 0)
        return err_prefix(e, "order %s", b->id);
    json_t *body = json_pack("{s:s, s:i, s:s}", "pod_package_id", pod,
                             "interior_page_count", b->page_count, "unit", "pt");
    if (!body)
        abort();
    json_t *ans = NULL;
    long status;
    int rc = lulu_call(lu, db, b->id, "cover-dimensions", "POST", "/cover-dimensions/",
                       body, 0, &status, &ans, e);
    json_decref(body);
    double lw = 0, lh = 0;
    if (rc == 0)
        rc = print_lulu_dimensions_parse(ans, &lw, &lh, e);
    json_decref(ans);
    if (rc < 0)
        return err_prefix(e, "order %s: cover dimensions", b->id);
    if (fabs(cw - lw) > LULU_COVER_TOLERANCE_PT ||
        fabs(ch - lh) > LULU_COVER_TOLERANCE_PT)
        return err_set(
            e, ERR_PERMANENT,
            "order %s: cover.pdf is %.2f x %.2f pt, but Lulu asks %.2f x %.2f pt "
            "for %s with %d pages (trim %s, %s): no job was created",
            b->id, cw, ch, lw, lh, pod, b->page_count, b->trim, b->binding);
    log_order(LOG_INFO, b->id, "cover.pdf is %.2f x %.2f pt, as Lulu asks", cw, ch);
    return 0;
}

/* The latest validation of one file, as recorded. */
struct lulu_vrow {
    int found;
    char *validation_id, *md5, *pod, *status, *words;
    int page_count, polls;
    long long age; /* seconds since it was started */
};

static void
lulu_vrow_free(struct lulu_vrow *r)
{
    free(r->validation_id);
    free(r->md5);
    free(r->pod);
    free(r->status);
    free(r->words);
    memset(r, 0, sizeof *r);
}

static char *
lulu_col(PGresult *res, int col)
{
    return PQgetisnull(res, 0, col) ? NULL : lulu_strdup(PQgetvalue(res, 0, col));
}

static int
lulu_vrow_load(struct db *db, const char *id, const char *part, struct lulu_vrow *r,
               struct err *e)
{
    memset(r, 0, sizeof *r);
    const char *params[] = {id, part};
    PGresult *res =
        db_exec(db, e,
                "SELECT validation_id, source_md5, pod_package_id, status,"
                " (SELECT string_agg(x, '; ') FROM jsonb_array_elements_text(errors) x),"
                " coalesce(page_count, 0), polls,"
                " extract(epoch FROM now() - created_at)::bigint"
                " FROM print_validations WHERE order_id = $1 AND part = $2",
                2, params);
    if (!res)
        return err_prefix(e, "order %s: print_validations", id);
    if (PQntuples(res) == 1) {
        r->found = 1;
        r->validation_id = lulu_col(res, 0);
        r->md5 = lulu_col(res, 1);
        r->pod = lulu_col(res, 2);
        r->status = lulu_col(res, 3);
        r->words = lulu_col(res, 4);
        r->page_count = atoi(PQgetvalue(res, 0, 5));
        r->polls = atoi(PQgetvalue(res, 0, 6));
        r->age = atoll(PQgetvalue(res, 0, 7));
    }
    PQclear(res);
    return 0;
}

/* Records a validation just started (fresh: polls 0) or polled. */
static int
lulu_vrow_save(struct db *db, const char *id, const char *part, int fresh,
               const struct print_lulu_validation *v, const char *md5, const char *pod,
               int page_count, struct err *e)
{
    char *errs = v->errors ? json_dumps(v->errors, JSON_COMPACT) : NULL;
    char pages[16];
    snprintf(pages, sizeof pages, "%d", page_count);
    PGresult *res;
    if (fresh) {
        const char *params[] = {id, part, v->id, md5, pod, pages, v->status, errs};
        res =
            db_exec(db, e,
                    "INSERT INTO print_validations (order_id, part, provider,"
                    " validation_id, source_md5, pod_package_id, page_count, status,"
                    " errors) VALUES ($1, $2, 'lulu', $3, $4, $5, $6::int, $7, $8::jsonb)"
                    " ON CONFLICT (order_id, part) DO UPDATE SET"
                    " validation_id = $3, source_md5 = $4, pod_package_id = $5,"
                    " page_count = $6::int, status = $7, errors = $8::jsonb, polls = 0,"
                    " created_at = now(), updated_at = now()",
                    8, params);
    } else {
        const char *params[] = {id, part, v->id, v->status, errs};
        res = db_exec(db, e,
                      "UPDATE print_validations SET status = $4, errors = $5::jsonb,"
                      " polls = polls + 1, updated_at = now()"
                      " WHERE order_id = $1 AND part = $2 AND validation_id = $3",
                      5, params);
    }
    free(errs);
    if (!res)
        return err_prefix(e, "order %s: recording the %s validation", id, part);
    PQclear(res);
    return 0;
}

/* One file's validation, one step: started when none fits these bytes,
 * product and page count; polled while Lulu works; kept once valid.
 * Returns the check with *polls (how often it was polled), or -1. */
static int
lulu_validate_part(struct lulu *lu, struct db *db, const struct print_book *b,
                   const char *pod, const char *part, const char *url, int *polls,
                   char **words, struct err *e)
{
    const char *md5 = strcmp(part, "cover") == 0 ? b->cover_md5 : b->interior_md5;
    struct lulu_vrow row;
    struct print_lulu_validation v = {0};
    json_t *ans = NULL;
    int rc = -1;
    *polls = 0;
    *words = NULL;
    if (lulu_vrow_load(db, b->id, part, &row, e) < 0)
        return -1;
    int same = row.found && row.md5 && strcmp(row.md5, md5) == 0 && row.pod &&
               strcmp(row.pod, pod) == 0 && row.page_count == b->page_count;
    if (same && row.status &&
        (strcmp(row.status, "VALIDATED") == 0 || strcmp(row.status, "NORMALIZED") == 0)) {
        rc = PRINT_LULU_VALID; /* judged before: not asked again */
        goto out;
    }
    long status;
    char *path;
    if (same && row.status && strcmp(row.status, "ERROR") != 0) {
        if (row.age > LULU_VALIDATE_PATIENCE_S) {
            const char *params[] = {b->id, part};
            PGresult *res = db_exec(
                db, e, "DELETE FROM print_validations WHERE order_id = $1 AND part = $2",
                2, params);
            if (!res)
                goto out;
            PQclear(res);
            err_set(
                e, ERR_TRANSIENT,
                "order %s: Lulu has been validating %s.pdf (validation %s) for over an "
                "hour; a new validation at the next attempt",
                b->id, part, row.validation_id);
            goto out;
        }
        if (asprintf(&path, "/validate-%s/%s/", part, row.validation_id) < 0)
            abort();
        rc = lulu_call(lu, db, b->id, "validation-status", "GET", path, NULL, 0, &status,
                       &ans, e);
        free(path);
        if (rc == 0)
            rc = print_lulu_validation_parse(ans, &v, e);
        if (rc == 0)
            rc = lulu_vrow_save(db, b->id, part, 0, &v, md5, pod, b->page_count, e);
        if (rc < 0) {
            err_prefix(e, "order %s: %s validation %s", b->id, part, row.validation_id);
            goto out;
        }
        *polls = row.polls + 1;
    } else {
        /* None yet, an earlier one judged other bytes, or it said ERROR
         * (a requeue asks again). */
        json_t *body = print_lulu_validation_json(part, url, pod, b->page_count);
        if (asprintf(&path, "/validate-%s/", part) < 0)
            abort();
        char kind[32];
        snprintf(kind, sizeof kind, "validate-%s", part);
        rc = lulu_call(lu, db, b->id, kind, "POST", path, body, 0, &status, &ans, e);
        free(path);
        json_decref(body);
        if (rc == 0)
            rc = print_lulu_validation_parse(ans, &v, e);
        if (rc == 0)
            rc = lulu_vrow_save(db, b->id, part, 1, &v, md5, pod, b->page_count, e);
        if (rc < 0) {
            err_prefix(e, "order %s: validating %s.pdf", b->id, part);
            goto out;
        }
        log_order(LOG_INFO, b->id, "Lulu validates %s.pdf (validation %s): %s", part,
                  v.id, v.status);
    }
    if (v.check == PRINT_LULU_INVALID && v.words)
        *words = lulu_strdup(v.words);
    if (v.check == PRINT_LULU_CHECK_UNKNOWN) {
        log_order(LOG_WARNING, b->id,
                  "Lulu's %s validation %s has status %s, unknown here", part, v.id,
                  v.status);
        rc = PRINT_LULU_CHECKING;
    } else {
        rc = (int)v.check;
    }
out:
    print_lulu_validation_free(&v);
    json_decref(ans);
    lulu_vrow_free(&row);
    return rc;
}

/* Both files validated by Lulu?  1 yes, 0 not yet (*wait_until set, with
 * backoff), -1 with e: an invalid file is permanent, in Lulu's words. */
static int
lulu_validate(struct lulu *lu, struct db *db, const struct print_book *b, const char *pod,
              const json_t *names, long long *wait_until, struct err *e)
{
    static const char *const parts[] = {"interior", "cover"};
    int checks[2], polls = 0;
    for (int i = 0; i < 2; i++) {
        int n;
        char *words = NULL;
        char *url = lulu_url(lu, lulu_str(names, parts[i]));
        checks[i] = lulu_validate_part(lu, db, b, pod, parts[i], url, &n, &words, e);
        free(url);
        if (checks[i] < 0)
            return -1;
        if (checks[i] == PRINT_LULU_INVALID) {
            err_set(e, ERR_PERMANENT,
                    "order %s: Lulu finds %s.pdf invalid: %s (no job was created)", b->id,
                    parts[i], words ? words : "Lulu gave no reason");
            free(words);
            return -1;
        }
        free(words);
        if (n > polls)
            polls = n;
    }
    if (checks[0] == PRINT_LULU_VALID && checks[1] == PRINT_LULU_VALID)
        return 1;
    /* Lulu validates while we wait: 1 s, 2 s, 4 s ... up to the poll interval. */
    long delay = 1L << (polls < 10 ? polls : 10);
    if (delay > lu->poll_interval)
        delay = lu->poll_interval;
    *wait_until = (long long)time(NULL) + delay;
    return 0;
}

/* Whether no POST /print-jobs/ was ever sent for the order (so no job can
 * exist at Lulu).  -1 on error. */
static int
lulu_never_posted(struct db *db, const char *id, struct err *e)
{
    const char *params[] = {id};
    PGresult *res = db_exec(
        db, e, "SELECT never_posted FROM print_jobs WHERE order_id = $1", 1, params);
    if (!res)
        return err_prefix(e, "order %s: print_jobs", id);
    int v = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return v;
}

static int
lulu_set_never_posted(struct db *db, const char *id, int value, struct err *e)
{
    const char *params[] = {id, value ? "true" : "false"};
    return print_row_update(db, id,
                            "UPDATE print_jobs SET never_posted = $2::boolean,"
                            " updated_at = now() WHERE order_id = $1 RETURNING order_id",
                            2, params, e);
}

/* No job recorded as submitted yet: adopt the one Lulu may hold, or post. */
static enum print_result
lulu_submit(struct lulu *lu, struct db *db, const char *id, const json_t *order,
            const char *dir, struct print_row *row, long long *wait_until,
            json_t **detail, struct err *e)
{
    struct print_book b;
    if (print_book_load(&b, id, order, dir, e) < 0)
        return lulu_fail(e);
    enum print_result r = PRINT_FAIL;
    json_t *names = NULL, *job = NULL, *ans = NULL, *sums = print_book_checksums(&b);
    struct print_lulu_status st = {0};
    char *job_id = NULL;
    int earlier = row->found; /* an earlier attempt may have reached Lulu */
    const char *pod = lulu_pod(lu, b.trim, b.binding);
    if (!pod) {
        err_set(
            e, ERR_PERMANENT,
            "order %s: no Lulu pod_package_id for trim %s, binding %s (lulu_pod_%s_%s)",
            id, b.trim, b.binding, b.trim, b.binding);
        goto out;
    }

    if (!earlier) {
        /* The cover's size is Lulu's to say: a cover made for another
         * product fails here, before anything is recorded or published. */
        if (lulu_cover_check(lu, db, &b, pod, e) < 0)
            goto fail;
        /* The names are chosen and recorded before the files are
         * published, so a crash leaves no file that nobody knows of. */
        if (!(names = lulu_new_names(e)))
            goto fail;
        int existed = print_row_intent(db, id, "lulu", sums, names, e);
        if (existed < 0)
            goto fail;
        if (existed) {
            /* Another worker recorded it between our read and now. */
            err_set(e, ERR_TRANSIENT, "order %s: print_jobs row appeared meanwhile", id);
            goto fail;
        }
        /* Nothing posted yet: the retries while Lulu validates need not
         * search for a job.  (A crash before this leaves it false, and the
         * retry searches: the safe side.) */
        if (lulu_set_never_posted(db, id, 1, e) < 0)
            goto fail;
    } else if (row->published) {
        names = json_incref(row->published);
    } else {
        if (!(names = lulu_new_names(e)))
            goto fail;
        char *text = json_dumps(names, JSON_COMPACT);
        const char *params[] = {id, text};
        int rc = print_row_update(
            db, id,
            "UPDATE print_jobs SET published = $2::jsonb, updated_at = now()"
            " WHERE order_id = $1 RETURNING order_id",
            2, params, e);
        free(text);
        if (rc < 0)
            goto fail;
    }
    if (lulu_publish(lu, &b, names, e) < 0)
        goto fail;

    int never_posted = earlier ? lulu_never_posted(db, id, e) : 1;
    if (never_posted < 0)
        goto fail;
    if (earlier && !never_posted) {
        int found = lulu_find(lu, db, id, &job, e);
        if (found < 0)
            goto fail;
        if (found) {
            job_id = lulu_job_id(job);
            if (!job_id) {
                err_set(e, ERR_TRANSIENT, "order %s: Lulu's job for it has no id", id);
                goto fail;
            }
            log_order(
                LOG_NOTICE, id,
                "Lulu already holds print job %s for this order (an earlier attempt was "
                "cut off): adopting it instead of submitting again",
                job_id);
            if (lulu_record_submitted(db, id, job_id, e) < 0)
                goto fail;
            if (print_lulu_status_parse(json_object_get(job, "status"), &st, e) < 0) {
                /* Recorded; its status comes with the next poll. */
                *wait_until = (long long)time(NULL) + lu->poll_interval;
                r = PRINT_WAIT;
                goto out;
            }
            if (!st.tracking)
                st.tracking = print_lulu_job_tracking(job);
            r = lulu_settle(lu, db, id, dir, job_id, &st, NULL, wait_until, detail, e);
            goto out;
        }
    }

    /* Lulu judges the files before a job is paid for.  An earlier attempt
     * checked the cover's size before its intent; files made anew since
     * (a requeue through pdf/) are checked again before their validation. */
    int valid;
    if (earlier) {
        struct lulu_vrow vr;
        if (lulu_vrow_load(db, id, "cover", &vr, e) < 0)
            goto fail;
        int checked = vr.found && vr.md5 && strcmp(vr.md5, b.cover_md5) == 0;
        lulu_vrow_free(&vr);
        if (!checked && lulu_cover_check(lu, db, &b, pod, e) < 0) {
            if (e->kind != ERR_TRANSIENT)
                lulu_unpublish(lu, db, id, names);
            goto fail;
        }
    }
    valid = lulu_validate(lu, db, &b, pod, names, wait_until, e);
    if (valid < 0) {
        /* Invalid files: no job will fetch them. */
        if (e->kind != ERR_TRANSIENT)
            lulu_unpublish(lu, db, id, names);
        goto fail;
    }
    if (valid == 0) {
        r = PRINT_WAIT;
        goto out;
    }

    double cost = 0;
    if (lu->cost_check && b.page_count > 0) {
        if (!row->cost) {
            if (lulu_cost(lu, db, &b, pod, &cost, e) < 0) {
                /* Refused (an address Lulu cannot ship to): no job was
                 * posted, so nothing needs the files. */
                if (e->kind != ERR_TRANSIENT)
                    lulu_unpublish(lu, db, id, names);
                goto fail;
            }
        } else {
            cost = strtod(row->cost, NULL);
        }
    } else if (lu->cost_check) {
        log_order(LOG_WARNING, id,
                  "interior.pdf's page count is unknown: no cost calculation");
    }

    char *iurl = lulu_url(lu, lulu_str(names, "interior"));
    char *curl = lulu_url(lu, lulu_str(names, "cover"));
    json_t *body = print_lulu_job_json(&b, lu->contact, pod, iurl, curl);
    free(iurl);
    free(curl);
    /* From here a job may exist: committed before the request. */
    if (never_posted && lulu_set_never_posted(db, id, 0, e) < 0) {
        json_decref(body);
        goto fail;
    }
    long status;
    int rc = lulu_call(lu, db, id, "print", "POST", "/print-jobs/", body, cost, &status,
                       &ans, e);
    json_decref(body);
    if (rc < 0) {
        err_prefix(e, "order %s: print job", id);
        if (e->kind != ERR_TRANSIENT) {
            /* Refused outright (400 and the like): Lulu holds no job and
             * fetches nothing; a requeue publishes the files again. */
            lulu_unpublish(lu, db, id, names);
        }
        goto fail;
    }
    job_id = lulu_job_id(ans);
    if (!job_id) {
        /* Created, maybe, but we cannot tell which: the row stays 'intent'
         * and the next attempt finds the job by its external_id. */
        err_set(e, ERR_TRANSIENT, "order %s: Lulu's answer to the print job has no id",
                id);
        goto fail;
    }
    if (lulu_record_submitted(db, id, job_id, e) < 0) {
        /* Still 'intent': the next attempt adopts the job. */
        goto fail;
    }
    log_order(LOG_INFO, id, "submitted to Lulu as print job %s", job_id);
    if (print_lulu_status_parse(json_object_get(ans, "status"), &st, e) < 0) {
        st.name = lulu_strdup("CREATED");
    }
    r = lulu_settle(lu, db, id, dir, job_id, &st, NULL, wait_until, detail, e);
    goto out;
fail:
    r = lulu_fail(e);
out:
    print_lulu_status_free(&st);
    free(job_id);
    json_decref(ans);
    json_decref(job);
    json_decref(names);
    json_decref(sums);
    print_book_free(&b);
    return r;
}

/* Asks Lulu for the status of a submitted job.  Returns 0 with st filled. */
static int
lulu_poll(struct lulu *lu, struct db *db, const char *id, const char *job_id,
          struct print_lulu_status *st, struct err *e)
{
    char *path;
    if (asprintf(&path, "/print-jobs/%s/status/", job_id) < 0)
        abort();
    long status;
    json_t *ans = NULL;
    int rc = lulu_call(lu, db, id, "status", "GET", path, NULL, 0, &status, &ans, e);
    free(path);
    if (rc == 0)
        rc = print_lulu_status_parse(ans, st, e);
    json_decref(ans);
    if (rc < 0) {
        const char *params[] = {id};
        struct err ignored;
        /* Polled, even if in vain: the next poll waits its turn. */
        if (print_row_update(db, id,
                             "UPDATE print_jobs SET last_polled_at = now()"
                             " WHERE order_id = $1 RETURNING order_id",
                             1, params, &ignored) < 0)
            log_order(LOG_WARNING, id, "%s", ignored.msg);
        return err_prefix(e, "order %s: status of Lulu print job %s", id, job_id);
    }
    return 0;
}

static enum print_result
lulu_order(void *stp, struct db *db, const char *id, const json_t *order, const char *dir,
           struct print_row *row, long long *wait_until, json_t **detail, struct err *e)
{
    struct lulu *lu = stp;
    if (!row->found || strcmp(row->state, "intent") == 0)
        return lulu_submit(lu, db, id, order, dir, row, wait_until, detail, e);

    const char *job_id = row->provider_job_id ? row->provider_job_id : "?";
    if (strcmp(row->state, "finished") == 0) {
        /* The job ended before (a requeue, or a crash before the move). */
        if (print_lulu_phase(row->status) == PRINT_LULU_FAILED) {
            const char *msg = print_row_message(row);
            err_set(e, ERR_PERMANENT,
                    "order %s: Lulu print job %s ended %s: %s (to submit a new job, "
                    "delete the "
                    "order's print_jobs row first)",
                    id, job_id, row->status, msg ? msg : "Lulu gave no reason");
            return PRINT_FAIL;
        }
        if (lulu_write_result(db, id, dir, detail, e) < 0)
            return lulu_fail(e);
        return PRINT_DONE;
    }

    /* Submitted: the job exists at Lulu.  A failed poll never fails the
     * order (that would leave a book in production behind a failed
     * order): it waits and asks again, after retry_base rather than a
     * whole poll interval, as for any transient failure. */
    struct print_lulu_status st;
    if (lulu_poll(lu, db, id, job_id, &st, e) < 0) {
        log_order(LOG_WARNING, id, "%s; asking again in %ld s", e->msg, lu->repoll);
        err_clear(e);
        *wait_until = (long long)time(NULL) + lu->repoll;
        return PRINT_WAIT;
    }
    enum print_result r =
        lulu_settle(lu, db, id, dir, job_id, &st, row->status, wait_until, detail, e);
    print_lulu_status_free(&st);
    return r;
}

/* Follows the jobs of orders that left print/ (in production, waiting for
 * shipment), a few per call, each at most once per poll interval. */
static void
lulu_follow(void *stp, struct db *db, volatile int *stopping)
{
    struct lulu *lu = stp;
    char interval[32], batch[16];
    snprintf(interval, sizeof interval, "%ld", lu->poll_interval);
    snprintf(batch, sizeof batch, "%d", LULU_FOLLOW_BATCH);
    const char *params[] = {interval, batch};
    struct err e;
    PGresult *res =
        db_exec(db, &e,
                "SELECT p.order_id, p.provider_job_id, p.status FROM print_jobs p"
                " JOIN orders o ON o.id = p.order_id"
                " WHERE p.provider = 'lulu' AND p.state = 'submitted'"
                " AND p.provider_job_id IS NOT NULL AND o.state <> 'print'"
                /* this host's (docs/scaling.md): its publish_dir, its adoptions */
                " AND (o.host IS NULL OR o.host = current_setting('storypress.host'))"
                " AND (p.last_polled_at IS NULL OR"
                "      p.last_polled_at <= now() - $1::int * interval '1 second')"
                " ORDER BY p.last_polled_at NULLS FIRST LIMIT $2::int",
                2, params);
    if (!res) {
        log_warn("print jobs to follow: %s", e.msg);
        return;
    }
    for (int i = 0; i < PQntuples(res) && !*stopping; i++) {
        const char *id = PQgetvalue(res, i, 0), *job_id = PQgetvalue(res, i, 1);
        const char *before = PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2);
        struct print_lulu_status st;
        if (lulu_poll(lu, db, id, job_id, &st, &e) < 0) {
            log_order(LOG_WARNING, id, "%s", e.msg);
            continue;
        }
        long long wait;
        enum print_result r =
            lulu_settle(lu, db, id, NULL, job_id, &st, before, &wait, NULL, &e);
        if (r == PRINT_RETRY)
            log_order(LOG_WARNING, id, "%s", e.msg);
        else if (r == PRINT_FAIL)
            log_order(LOG_ERR, id, "after the order was done: %s", e.msg);
        else if (print_lulu_phase(st.name) == PRINT_LULU_SHIPPED && st.tracking)
            log_order(LOG_NOTICE, id, "shipped by Lulu, tracking recorded");
        print_lulu_status_free(&st);
    }
    PQclear(res);
}

const struct print_provider print_lulu_provider = {
    .name = "lulu",
    .open = lulu_open,
    .order = lulu_order,
    .follow = lulu_follow,
    .close = lulu_close,
};
