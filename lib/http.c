/*
 * http.c — one bounded HTTP request with libcurl (see http.h).
 *
 * A fresh easy handle per request: the daemons make a few requests a minute,
 * and a handle that carries nothing from one request to the next cannot
 * leak a token or a half-read answer into the next order.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "log.h"

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_init_rc = CURLE_OK;

static void
http_init_once(void)
{
    http_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int
http_init(struct err *e)
{
    pthread_once(&http_once, http_init_once);
    if (http_init_rc != CURLE_OK)
        return err_set(e, ERR_TRANSIENT, "libcurl initialisation failed: %s",
                       curl_easy_strerror(http_init_rc));
    return 0;
}

/* The body being received, and whether it outgrew its cap. */
struct http_sink {
    struct http_response *rs;
    size_t cap;
    size_t alloc;
    int overflow;
};

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct http_sink *s = arg;
    size_t n = size * nmemb;
    if (n > s->cap - s->rs->body_len) {
        s->overflow = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    if (s->rs->body_len + n + 1 > s->alloc) {
        size_t want = s->alloc ? s->alloc : 4096;
        while (want < s->rs->body_len + n + 1)
            want *= 2;
        char *nb = realloc(s->rs->body, want);
        if (!nb)
            return 0;
        s->rs->body = nb;
        s->alloc = want;
    }
    memcpy(s->rs->body + s->rs->body_len, data, n);
    s->rs->body_len += n;
    s->rs->body[s->rs->body_len] = 0;
    return n;
}

/* Picks Retry-After out of the headers: seconds or an HTTP date. */
static size_t
http_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct http_response *rs = arg;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && n < 256 && strncasecmp(data, name, sizeof name - 1) == 0) {
        char val[256];
        size_t vl = n - (sizeof name - 1);
        memcpy(val, data + sizeof name - 1, vl);
        val[vl] = 0;
        char *p = val;
        while (*p == ' ' || *p == '\t')
            p++;
        char *end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1]))
            *--end = 0;
        char *stop;
        long secs = strtol(p, &stop, 10);
        if (stop != p && *stop == 0 && secs >= 0) {
            rs->retry_after = secs;
        } else {
            time_t when = curl_getdate(p, NULL);
            if (when != -1) {
                time_t now = time(NULL);
                rs->retry_after = when > now ? (long)(when - now) : 0;
            }
        }
    }
    return n;
}

static long
http_ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Whether a libcurl failure can go away by itself. */
static enum err_kind
http_curl_kind(CURLcode rc)
{
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
        return ERR_PERMANENT;
    default:
        return ERR_TRANSIENT;
    }
}

int
http_perform(const struct http_request *rq, struct http_response *rs, struct err *e)
{
    memset(rs, 0, sizeof *rs);
    rs->retry_after = -1;
    if (http_init(e) < 0)
        return -1;
    const char *method = rq->method ? rq->method : "GET";
    CURL *c = curl_easy_init();
    if (!c)
        return err_set(e, ERR_TRANSIENT, "%s %s: cannot create a libcurl handle", method,
                       rq->url);

    struct curl_slist *hdrs = NULL, *tmp;
    char *auth = NULL;
    int rc = -1;
    /* "Expect: 100-continue" would add a round trip to every POST. */
    tmp = curl_slist_append(hdrs, "Expect:");
    if (!tmp)
        goto oom;
    hdrs = tmp;
    for (const char *const *h = rq->headers; h && *h; h++) {
        if (!(tmp = curl_slist_append(hdrs, *h)))
            goto oom;
        hdrs = tmp;
    }
    if (rq->bearer) {
        if (asprintf(&auth, "Authorization: Bearer %s", rq->bearer) < 0) {
            auth = NULL;
            goto oom;
        }
        tmp = curl_slist_append(hdrs, auth);
        explicit_bzero(auth, strlen(auth));
        if (!tmp)
            goto oom;
        hdrs = tmp;
    }

    struct http_sink sink = {.rs = rs,
                             .cap = rq->max_body ? rq->max_body : HTTP_MAX_BODY_DEFAULT};
    long connect_ms = rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : 10000;
    long total_ms = rq->timeout_ms > 0 ? rq->timeout_ms : 60000;

    int bad = 0;
    bad |= curl_easy_setopt(c, CURLOPT_URL, rq->url) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "storypress/1") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header_cb) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, rs) != CURLE_OK;
    if (rq->basic_user) {
        bad |= curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_USERNAME, rq->basic_user) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_PASSWORD,
                                rq->basic_pass ? rq->basic_pass : "") != CURLE_OK;
    }
    if (strcmp(method, "GET") == 0) {
        bad |= curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) != CURLE_OK;
    } else {
        if (strcmp(method, "POST") != 0)
            bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                (curl_off_t)(rq->body ? rq->body_len : 0)) != CURLE_OK;
        bad |=
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "") != CURLE_OK;
    }
    if (bad) {
        err_set(e, ERR_PERMANENT, "%s %s: libcurl refused an option", method, rq->url);
        goto out;
    }

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CURLcode crc = curl_easy_perform(c);
    rs->latency_ms = http_ms_since(&t0);
    if (crc != CURLE_OK) {
        if (sink.overflow)
            err_set(e, ERR_TRANSIENT, "%s %s: the answer is larger than %zu bytes",
                    method, rq->url, sink.cap);
        else if (crc == CURLE_OPERATION_TIMEDOUT)
            err_set(e, ERR_TRANSIENT, "%s %s: no complete answer within %ld ms", method,
                    rq->url, total_ms);
        else
            err_set(e, http_curl_kind(crc), "%s %s: %s", method, rq->url,
                    curl_easy_strerror(crc));
        rs->status = 0;
        goto out;
    }
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status) != CURLE_OK)
        rs->status = 0;
    if (!rs->body) {
        rs->body = strdup("");
        if (!rs->body)
            goto oom;
    }
    log_debug("%s %s: HTTP %ld in %ld ms, %zu bytes", method, rq->url, rs->status,
              rs->latency_ms, rs->body_len);
    rc = 0;
    goto out;

oom:
    err_set(e, ERR_TRANSIENT, "%s %s: out of memory", method, rq->url);
out:
    free(auth);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (rc < 0) {
        free(rs->body);
        rs->body = NULL;
        rs->body_len = 0;
    }
    return rc;
}

void
http_response_free(struct http_response *rs)
{
    if (!rs)
        return;
    free(rs->body);
    rs->body = NULL;
    rs->body_len = 0;
}

enum err_kind
http_status_kind(long status)
{
    if (status >= 200 && status < 300)
        return ERR_NONE;
    if (status == 408 || status == 425 || status == 429 || status >= 500 || status == 0)
        return ERR_TRANSIENT;
    return ERR_PERMANENT;
}

char *
http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *p = out;
    if (!out)
        abort();
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
            (*q >= '0' && *q <= '9') || *q == '-' || *q == '_' || *q == '.' ||
            *q == '~') {
            *p++ = (char)*q;
        } else {
            *p++ = '%';
            *p++ = hex[*q >> 4];
            *p++ = hex[*q & 15];
        }
    }
    *p = 0;
    return out;
}
