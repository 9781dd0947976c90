/*
 * openai.c — the client parts the OpenAI-compatible story writer and
 * illustrator share (see openai.h).
 *
 * Requests are plain libcurl easy handles that the caller either performs
 * alone (a story: one request at a time) or adds to a multi handle (the
 * pictures of a book, several in flight).  lib/http.c does the single
 * request case for the other providers, but it neither runs inside a multi
 * handle nor keeps x-ratelimit-reset-requests, which a rate-limited 429
 * from OpenAI may carry instead of Retry-After; so this file builds its own
 * handles with the same rules: no signals, connect and total timeouts,
 * http(s) only, no redirects, answers capped.
 *
 * The rate limit (openai_rpm) is a token bucket kept in
 * <spool_dir>/.openai.rate, read and rewritten under flock(2) by every
 * worker on the host: "<tokens> <unix time of the last refill>".  It refills
 * at rpm/60 tokens a second and holds at most max(1, rpm/12) tokens (five
 * seconds' worth), so no minute ever sees more than about 1.1 × rpm
 * requests, and a burst after a quiet spell stays short.
 *
 * With rate_limit = shared the bucket, and the in-flight slots, are rows in
 * PostgreSQL instead (lib/ratelimit.c), the same for every host; a 429
 * that says how long to wait holds every host back that long.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "db.h"
#include "fsutil.h"
#include "http.h"
#include "log.h"
#include "openai.h"
#include "ratelimit.h"

struct openai {
    char *base_url;
    char *auth;          /* "Authorization: Bearer <key>"; wiped at close */
    long connect_ms, total_ms;
    long rpm;
    char *rate_path;
    struct rl *rl; /* rate_limit = shared; NULL: the file above */
};

static void openai_rate_block(struct openai_call *c);

struct openai *
openai_open(const struct config *cfg, struct err *e)
{
    if (http_init(e) < 0)
        return NULL;
    char *key = config_secret(cfg, "openai_api_key_file", e);
    if (!key) {
        /* An operator's fix away, and no fault of the order: defer it (the
         * log says why) rather than fail every order until then. */
        if (e)
            e->kind = ERR_TRANSIENT;
        err_prefix(e, "OpenAI API key (openai_api_key_file)");
        return NULL;
    }
    if (!*key || strpbrk(key, "\r\n")) {
        explicit_bzero(key, strlen(key));
        free(key);
        err_set(e, ERR_PERMANENT,
                "OpenAI API key (openai_api_key_file): empty or more than one line");
        return NULL;
    }
    struct openai *oa = calloc(1, sizeof *oa);
    if (!oa || asprintf(&oa->auth, "Authorization: Bearer %s", key) < 0) {
        if (oa)
            oa->auth = NULL;
        explicit_bzero(key, strlen(key));
        free(key);
        free(oa);
        err_set(e, ERR_TRANSIENT, "OpenAI client: out of memory");
        return NULL;
    }
    explicit_bzero(key, strlen(key));
    free(key);
    const char *base = config_str(cfg, "openai_base_url");
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/') /* tolerate a trailing slash */
        bl--;
    oa->base_url = strndup(base, bl);
    oa->connect_ms = config_int(cfg, "openai_connect_timeout") * 1000;
    oa->total_ms = config_int(cfg, "openai_timeout") * 1000;
    oa->rpm = config_int(cfg, "openai_rpm");
    oa->rate_path = fsu_join(config_str(cfg, "spool_dir"), ".openai.rate");
    oa->rl = rl_for(cfg, OPENAI_PROVIDER);
    if (!oa->base_url || !oa->rate_path) {
        openai_close(oa);
        err_set(e, ERR_TRANSIENT, "OpenAI client: out of memory");
        return NULL;
    }
    return oa;
}

void
openai_close(struct openai *oa)
{
    if (!oa)
        return;
    if (oa->auth) {
        explicit_bzero(oa->auth, strlen(oa->auth));
        free(oa->auth);
    }
    free(oa->base_url);
    free(oa->rate_path);
    rl_close(oa->rl);
    free(oa);
}

/* ---- the watchdog ---- */

void
openai_keepalive(void)
{
    /* The stage loop pings systemd's watchdog (WatchdogSec=60) between
     * orders; a book's pictures, or a slow model, take longer than that,
     * so the waits here ping it too.  Outside systemd this does nothing. */
    static struct timespec last;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (last.tv_sec && now.tv_sec - last.tv_sec < 10)
        return;
    last = now;
    sd_notify(0, "WATCHDOG=1");
}

static int
openai_progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                   curl_off_t ulnow)
{
    (void)arg;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    openai_keepalive();
    return 0;
}

/* ---- one request ---- */

static size_t
openai_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct openai_call *c = arg;
    size_t n = size * nmemb;
    if (n > c->max_body - c->body_len) {
        c->overflow = 1;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    if (c->body_len + n + 1 > c->body_alloc) {
        size_t want = c->body_alloc ? c->body_alloc : 16384;
        while (want < c->body_len + n + 1)
            want *= 2;
        char *nb = realloc(c->body, want);
        if (!nb)
            return 0;
        c->body = nb;
        c->body_alloc = want;
    }
    memcpy(c->body + c->body_len, data, n);
    c->body_len += n;
    c->body[c->body_len] = 0;
    return n;
}

/* The header value after "name:", trimmed, into buf; 0 when line is not
 * that header. */
static int
openai_header_value(const char *line, size_t n, const char *name, char *buf, size_t size)
{
    size_t nl = strlen(name);
    if (n <= nl || n - nl >= size || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return 0;
    const char *p = line + nl + 1, *end = line + n;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = 0;
    return 1;
}

static size_t
openai_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct openai_call *c = arg;
    size_t n = size * nmemb;
    char v[128];
    if (openai_header_value(data, n, "retry-after", v, sizeof v)) {
        char *end;
        errno = 0;
        long s = strtol(v, &end, 10);
        if (!errno && end != v && !*end && s >= 0) {
            c->retry_after_s = s;
        } else {
            time_t when = curl_getdate(v, NULL);
            if (when != -1) {
                time_t now = time(NULL);
                c->retry_after_s = when > now ? (long)(when - now) : 0;
            }
        }
    } else if (openai_header_value(data, n, "x-ratelimit-reset-requests", v, sizeof v)) {
        c->reset_ms = openai_duration_ms(v);
    }
    return n;
}

/* The handle, headers and options every request shares; the body is the
 * caller's.  0, or -1 with c freed. */
static int
openai_call_init(struct openai *oa, struct openai_call *c, const char *path,
                 const char *content_type, size_t max_body, struct err *e)
{
    void *user = c->user;
    int lease = c->lease;
    memset(c, 0, sizeof *c);
    c->user = user;
    c->lease = lease;
    c->oa = oa;
    c->retry_after_s = -1;
    c->reset_ms = -1;
    c->max_body = max_body;
    char *url = NULL;
    c->curl = curl_easy_init();
    if (!c->curl || asprintf(&url, "%s%s", oa->base_url, path) < 0) {
        url = NULL;
        goto oom;
    }
    const char *fixed[] = {"Accept: application/json", "Expect:", content_type};
    for (size_t i = 0; i < 3; i++) {
        if (!fixed[i])
            continue; /* a form: libcurl writes the Content-Type with its boundary */
        struct curl_slist *t = curl_slist_append(c->headers, fixed[i]);
        if (!t)
            goto oom;
        c->headers = t;
    }
    /* libcurl copies the line; our copy is wiped at openai_close(). */
    struct curl_slist *t = curl_slist_append(c->headers, oa->auth);
    if (!t)
        goto oom;
    c->headers = t;

    int bad = 0;
    CURL *h = c->curl;
    bad |= curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, oa->connect_ms) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, oa->total_ms) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "storypress/1") != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, openai_write_cb) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, c) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, openai_header_cb) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_HEADERDATA, c) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_PRIVATE, c) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, openai_progress_cb) != CURLE_OK;
    bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
    if (bad) {
        err_set(e, ERR_PERMANENT, "POST %s: libcurl refused an option", url);
        free(url);
        openai_call_free(c);
        return -1;
    }
    free(url);
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    return 0;
oom:
    free(url);
    openai_call_free(c);
    return err_set(e, ERR_TRANSIENT, "OpenAI request: out of memory");
}

int
openai_call_start(struct openai *oa, struct openai_call *c, const char *path, const json_t *body,
                  size_t max_body, struct err *e)
{
    if (openai_call_init(oa, c, path, "Content-Type: application/json", max_body, e) < 0)
        return -1;
    c->request = json_dumps(body, JSON_COMPACT);
    if (!c->request) {
        openai_call_free(c);
        return err_set(e, ERR_TRANSIENT, "OpenAI request: out of memory");
    }
    if (curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)strlen(c->request)) != CURLE_OK ||
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, c->request) != CURLE_OK) {
        openai_call_free(c);
        return err_set(e, ERR_PERMANENT, "POST %s: libcurl refused the body", path);
    }
    return 0;
}

int
openai_call_start_form(struct openai *oa, struct openai_call *c, const char *path,
                       const struct openai_part *parts, size_t n, size_t max_body,
                       struct err *e)
{
    if (openai_call_init(oa, c, path, NULL, max_body, e) < 0)
        return -1;
    c->mime = curl_mime_init(c->curl);
    if (!c->mime)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const struct openai_part *p = &parts[i];
        curl_mimepart *m = curl_mime_addpart(c->mime);
        if (!m || curl_mime_name(m, p->name) != CURLE_OK)
            goto oom;
        CURLcode rc = p->data ? curl_mime_data(m, (const char *)p->data, p->len)
                              : curl_mime_data(m, p->value, CURL_ZERO_TERMINATED);
        if (rc != CURLE_OK || (p->filename && curl_mime_filename(m, p->filename) != CURLE_OK) ||
            (p->type && curl_mime_type(m, p->type) != CURLE_OK))
            goto oom;
    }
    if (curl_easy_setopt(c->curl, CURLOPT_MIMEPOST, c->mime) != CURLE_OK) {
        openai_call_free(c);
        return err_set(e, ERR_PERMANENT, "POST %s: libcurl refused the form", path);
    }
    return 0;
oom:
    openai_call_free(c);
    return err_set(e, ERR_TRANSIENT, "OpenAI request: out of memory");
}

int
openai_call_timeout(struct openai_call *c, long seconds, struct err *e)
{
    if (curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, seconds * 1000) != CURLE_OK)
        return err_set(e, ERR_PERMANENT, "libcurl refused a timeout of %ld s", seconds);
    return 0;
}

int
openai_call_done(struct openai_call *c, CURLcode rc, struct err *e)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    c->latency_ms =
        (long)((t1.tv_sec - c->t0.tv_sec) * 1000 + (t1.tv_nsec - c->t0.tv_nsec) / 1000000);
    /* The request is no longer in flight: its shared slot goes back now. */
    openai_slot_give(c->oa, c);
    if (rc != CURLE_OK) {
        c->status = 0;
        if (c->overflow)
            return err_set(e, ERR_TRANSIENT, "OpenAI: the answer is larger than %zu bytes",
                           c->max_body);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            return err_set(e, ERR_TRANSIENT, "OpenAI: no complete answer after %ld ms",
                           c->latency_ms);
        return err_set(e, rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL
                              ? ERR_PERMANENT
                              : ERR_TRANSIENT,
                       "OpenAI: %s", c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
    }
    if (curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status) != CURLE_OK)
        c->status = 0;
    if (!c->body) {
        c->body = strdup("");
        if (!c->body)
            return err_set(e, ERR_TRANSIENT, "OpenAI: out of memory");
    }
    openai_rate_block(c);
    return 0;
}

int
openai_call_perform(struct openai *oa, struct openai_call *c, const char *path,
                    const json_t *body, size_t max_body, struct err *e)
{
    if (openai_slot_wait(oa, c, e) < 0)
        return -1;
    if (openai_call_start(oa, c, path, body, max_body, e) < 0)
        return -1;
    return openai_call_done(c, curl_easy_perform(c->curl), e);
}

void
openai_call_free(struct openai_call *c)
{
    if (!c)
        return;
    openai_slot_give(c->oa, c);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_mime_free(c->mime); /* after the handle that used it */
    c->mime = NULL;
    curl_slist_free_all(c->headers);
    free(c->request);
    free(c->body);
    c->curl = NULL;
    c->headers = NULL;
    c->request = c->body = NULL;
    c->body_len = c->body_alloc = 0;
}

/* ---- what an answer means ---- */

long
openai_duration_ms(const char *s)
{
    /* Go's time.Duration format, as OpenAI writes it: "1m30.5s", "20ms". */
    double total = 0;
    const char *p = s;
    if (!p || !*p)
        return -1;
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (errno || end == p || v < 0)
            return -1;
        p = end;
        if (strncmp(p, "ms", 2) == 0) {
            total += v / 1000;
            p += 2;
        } else if (*p == 'h') {
            total += v * 3600;
            p++;
        } else if (*p == 'm') {
            total += v * 60;
            p++;
        } else if (*p == 's') {
            total += v;
            p++;
        } else {
            return -1;
        }
    }
    if (total > 1e7)
        return -1;
    return (long)ceil(total * 1000);
}

/* A server's message cut to a sane length, on one line. */
static void
openai_clip(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; in && in[i] && j + 4 < size && i < 200; i++)
        out[j++] = (in[i] == '\n' || in[i] == '\r' || in[i] == '\t') ? ' ' : in[i];
    if (in && strlen(in) > 200 && j + 4 < size) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = 0;
}

void
openai_classify(long status, const char *body, long retry_after_s, long reset_ms,
                struct openai_verdict *v)
{
    v->kind = ERR_NONE;
    v->wait_s = -1;
    v->blocked = 0;
    v->reason[0] = 0;
    if (status >= 200 && status < 300)
        return;

    json_t *root = body ? json_loads(body, 0, NULL) : NULL;
    json_t *error = json_object_get(root, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *type = json_string_value(json_object_get(error, "type"));
    char msg[256];
    openai_clip(json_string_value(json_object_get(error, "message")), msg, sizeof msg);
    if (!code)
        code = "";
    if (!type)
        type = "";
    const char *sep = *msg ? ": " : "";

    if (status == 0) {
        v->kind = ERR_TRANSIENT;
        snprintf(v->reason, sizeof v->reason, "OpenAI did not answer");
    } else if (status == 429 &&
               (strcmp(code, "insufficient_quota") == 0 || strcmp(type, "insufficient_quota") == 0)) {
        v->kind = ERR_PERMANENT;
        snprintf(v->reason, sizeof v->reason,
                 "OpenAI refused: insufficient quota on the account (HTTP 429)");
    } else if (status == 429) {
        v->kind = ERR_TRANSIENT;
        long w = retry_after_s >= 0 ? retry_after_s : reset_ms >= 0 ? (reset_ms + 999) / 1000 : 1;
        v->wait_s = w < 1 ? 1 : w > OPENAI_WAIT_MAX ? OPENAI_WAIT_MAX : w;
        snprintf(v->reason, sizeof v->reason, "OpenAI rate limit reached (HTTP 429, retry in %ld s)",
                 v->wait_s);
    } else if (status == 401) {
        /* The body of a 401 may quote part of the key: never repeat it. */
        v->kind = ERR_PERMANENT;
        snprintf(v->reason, sizeof v->reason,
                 "OpenAI refused: the API key was not accepted (HTTP 401)");
    } else if (status == 403) {
        v->kind = ERR_PERMANENT;
        snprintf(v->reason, sizeof v->reason,
                 "OpenAI refused: this account may not use this model or region (HTTP 403)%s%s",
                 sep, msg);
    } else if (status == 400 && (strcmp(code, "content_policy_violation") == 0 ||
                                 strcmp(code, "moderation_blocked") == 0 ||
                                 strstr(msg, "safety system"))) {
        v->kind = ERR_PERMANENT;
        v->blocked = 1;
        snprintf(v->reason, sizeof v->reason,
                 "OpenAI refused: the request was blocked by its content policy (HTTP 400)%s%s",
                 sep, msg);
    } else if (status == 404) {
        v->kind = ERR_PERMANENT;
        snprintf(v->reason, sizeof v->reason,
                 "OpenAI refused: no such model or endpoint (HTTP 404)%s%s", sep, msg);
    } else if (status == 408 || status == 409 || status >= 500) {
        v->kind = ERR_TRANSIENT;
        snprintf(v->reason, sizeof v->reason, "OpenAI server error (HTTP %ld)%s%s", status, sep,
                 msg);
    } else {
        v->kind = ERR_PERMANENT;
        snprintf(v->reason, sizeof v->reason, "OpenAI refused the request (HTTP %ld)%s%s", status,
                 sep, msg);
    }
    json_decref(root);
}

double
openai_cost(const struct config *cfg, long tokens_in, long tokens_out, long images)
{
    return (double)tokens_in * config_double(cfg, "openai_price_input_mtok") / 1e6 +
           (double)tokens_out * config_double(cfg, "openai_price_output_mtok") / 1e6 +
           (double)images * config_double(cfg, "openai_price_image");
}

void
openai_record(struct db *db, const char *order_id, const char *model, const char *kind,
              long tokens_in, long tokens_out, long images, const struct openai_call *c,
              double cost, const char *error)
{
    if (!db)
        return;
    struct db_api_call row = {
        .order_id = order_id,
        .provider = OPENAI_PROVIDER,
        .model = model,
        .kind = kind,
        .tokens_in = tokens_in,
        .tokens_out = tokens_out,
        .images = images,
        .latency_ms = c ? c->latency_ms : 0,
        .http_status = c ? (int)c->status : 0,
        .cost = cost,
        .error = error,
    };
    struct err e = {0};
    if (db_record_api_call(db, &row, &e) < 0)
        log_order(LOG_WARNING, order_id, "%s call not recorded in api_calls: %s", kind, e.msg);
}

/* ---- the host-wide rate ---- */

int
openai_slot_take(struct openai *oa, struct openai_call *c, double *wait_s, struct err *e)
{
    *wait_s = 0;
    if (!oa->rl || c->lease)
        return 0;
    int slot;
    int rc = rl_lease(oa->rl, &slot, wait_s, e);
    if (rc == 0)
        c->lease = slot + 1;
    return rc;
}

int
openai_slot_wait(struct openai *oa, struct openai_call *c, struct err *e)
{
    for (;;) {
        double w;
        int rc = openai_slot_take(oa, c, &w, e);
        if (rc <= 0)
            return rc;
        openai_sleep(w);
    }
}

void
openai_slot_give(struct openai *oa, struct openai_call *c)
{
    if (!oa || !oa->rl || !c->lease)
        return;
    struct err e = {0};
    if (rl_release(oa->rl, c->lease - 1, &e) < 0)
        log_warn("%s (the slot returns when its lease expires)", e.msg);
    c->lease = 0;
}

/* A 429 that says how long to wait: every host waits (shared limits). */
static void
openai_rate_block(struct openai_call *c)
{
    if (!c->oa || !c->oa->rl || c->status != 429)
        return;
    struct openai_verdict v;
    openai_classify(c->status, c->body, c->retry_after_s, c->reset_ms, &v);
    if (v.kind != ERR_TRANSIENT || v.wait_s <= 0)
        return;
    struct err e = {0};
    if (rl_block(c->oa->rl, (double)v.wait_s, &e) < 0)
        log_warn("%s", e.msg);
}

int
openai_rate_take(struct openai *oa, double *wait_s, struct err *e)
{
    *wait_s = 0;
    if (oa->rl)
        return rl_take(oa->rl, wait_s, e);
    int fd = open(oa->rate_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return err_errno(e, errno, "%s", oa->rate_path);
    if (flock(fd, LOCK_EX) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "%s: flock", oa->rate_path);
    }
    double cap = oa->rpm / 12 > 1 ? (double)(oa->rpm / 12) : 1.0;
    double rate = (double)oa->rpm / 60.0; /* tokens per second */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* shared between processes: wall clock */
    double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;

    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    double tokens = cap, last = now;
    if (n > 0) {
        buf[n] = 0;
        if (sscanf(buf, "%lf %lf", &tokens, &last) != 2 || !(tokens >= 0) || !(last > 0)) {
            tokens = cap; /* a damaged file: start afresh */
            last = now;
        }
    }
    if (last > now) /* the clock went back */
        last = now;
    tokens = fmin(cap, tokens + (now - last) * rate);
    int rc = 0;
    if (tokens >= 1) {
        tokens -= 1;
    } else {
        *wait_s = (1 - tokens) / rate;
        rc = 1;
    }
    int len = snprintf(buf, sizeof buf, "%.6f %.6f\n", tokens, now);
    if (pwrite(fd, buf, (size_t)len, 0) != len || ftruncate(fd, len) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "%s: write", oa->rate_path);
    }
    close(fd); /* releases the lock */
    return rc;
}

int
openai_rate_wait(struct openai *oa, struct err *e)
{
    for (;;) {
        double w;
        int rc = openai_rate_take(oa, &w, e);
        if (rc <= 0)
            return rc;
        openai_sleep(w);
    }
}

void
openai_sleep(double seconds)
{
    if (seconds > OPENAI_WAIT_MAX)
        seconds = OPENAI_WAIT_MAX;
    while (seconds > 0) {
        double step = seconds > 5 ? 5 : seconds;
        struct timespec ts = {(time_t)step, (long)((step - floor(step)) * 1e9)};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        seconds -= step;
        openai_keepalive();
    }
}
