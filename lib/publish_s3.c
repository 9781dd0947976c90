/*
 * publish_s3.c — print files in an S3-compatible store (see publish_s3.h).
 *
 * Uploads and deletes are signed by libcurl (CURLOPT_AWS_SIGV4 with
 * "aws:amz:<region>:s3"); we set x-amz-content-sha256 ourselves to the
 * file's SHA-256, so the signature covers the bytes, and libcurl signs that
 * header with the others.  The presigned GET is SigV4's query form
 * (AWS's "Authenticating Requests: Using Query Parameters"): the signature
 * covers the method, the path, the query without the signature, and the
 * host header; the payload is UNSIGNED-PAYLOAD.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "publish_s3.h"

struct publish_s3 {
    char *endpoint; /* scheme://host[:port], no trailing slash */
    char *region, *bucket, *access_key, *secret;
    long expiry;
    long timeout_ms;
};

static char *
s3_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void
s3_wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

struct publish_s3 *
publish_s3_open(const struct config *cfg, struct err *e)
{
    const char *need[] = {"s3_endpoint", "s3_region", "s3_bucket", "s3_access_key"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!*config_str(cfg, need[i])) {
            err_set(e, ERR_PERMANENT, "publish = s3: %s is not set", need[i]);
            return NULL;
        }
    const char *b = config_str(cfg, "s3_bucket");
    if (strpbrk(b, "/?#% ")) {
        err_set(e, ERR_PERMANENT, "s3_bucket: \"%.80s\" is not a bucket name", b);
        return NULL;
    }
    char *secret = config_secret(cfg, "s3_secret_key_file", e);
    if (!secret) {
        err_prefix(e, "S3 secret key (s3_secret_key_file)");
        return NULL;
    }
    if (!*secret || strpbrk(secret, "\r\n")) {
        s3_wipe_free(secret);
        err_set(e, ERR_PERMANENT, "S3 secret key (s3_secret_key_file): empty or more than one line");
        return NULL;
    }
    if (http_init(e) < 0) {
        s3_wipe_free(secret);
        return NULL;
    }
    struct publish_s3 *s3 = calloc(1, sizeof *s3);
    if (!s3)
        abort();
    s3->endpoint = s3_strdup(config_str(cfg, "s3_endpoint"));
    for (size_t n = strlen(s3->endpoint); n > 0 && s3->endpoint[n - 1] == '/'; n--)
        s3->endpoint[n - 1] = 0;
    s3->region = s3_strdup(config_str(cfg, "s3_region"));
    s3->bucket = s3_strdup(b);
    s3->access_key = s3_strdup(config_str(cfg, "s3_access_key"));
    s3->secret = secret;
    s3->expiry = config_int(cfg, "s3_url_expiry");
    s3->timeout_ms = config_int(cfg, "lulu_timeout") * 1000;
    return s3;
}

void
publish_s3_close(struct publish_s3 *s3)
{
    if (!s3)
        return;
    free(s3->endpoint);
    free(s3->region);
    free(s3->bucket);
    free(s3->access_key);
    s3_wipe_free(s3->secret);
    free(s3);
}

/* ---- presigning ---- */

/* SigV4's URI encoding: everything but A-Z a-z 0-9 - . _ ~ as %XX; '/'
 * kept when keep_slash. */
static void
s3_uri_encode(GString *out, const char *s, int keep_slash)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/'))
            g_string_append_c(out, (char)*p);
        else
            g_string_append_printf(out, "%%%02X", *p);
    }
}

/* HMAC-SHA256 of data under key into out (32 bytes). */
static void
s3_hmac(const guchar *key, gsize keylen, const char *data, guint8 out[32])
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, keylen);
    g_hmac_update(h, (const guchar *)data, -1);
    gsize n = 32;
    g_hmac_get_digest(h, out, &n);
    g_hmac_unref(h);
}

/* The host header for endpoint ("http://127.0.0.1:9000" → "127.0.0.1:9000"). */
static char *
s3_host(const char *endpoint)
{
    const char *h = strstr(endpoint, "://");
    h = h ? h + 3 : endpoint;
    size_t n = strcspn(h, "/");
    char *host = strndup(h, n);
    if (!host)
        abort();
    return host;
}

char *
publish_s3_presign(const char *endpoint, const char *region, const char *bucket,
                   const char *access_key, const char *secret, const char *name, long expires,
                   time_t now)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    char amzdate[20], day[12];
    strftime(amzdate, sizeof amzdate, "%Y%m%dT%H%M%SZ", &tm);
    strftime(day, sizeof day, "%Y%m%d", &tm);
    char *host = s3_host(endpoint);

    GString *path = g_string_new("/");
    if (bucket && *bucket) { /* path-style; none: the endpoint names the bucket */
        s3_uri_encode(path, bucket, 0);
        g_string_append_c(path, '/');
    }
    s3_uri_encode(path, name, 1);

    GString *cred = g_string_new(NULL);
    g_string_printf(cred, "%s/%s/%s/s3/aws4_request", access_key, day, region);
    /* The query, its parameters in byte order of their names. */
    GString *query = g_string_new("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
    s3_uri_encode(query, cred->str, 0);
    g_string_append_printf(query, "&X-Amz-Date=%s&X-Amz-Expires=%ld&X-Amz-SignedHeaders=host",
                           amzdate, expires);

    GString *canon = g_string_new(NULL);
    g_string_printf(canon, "GET\n%s\n%s\nhost:%s\n\nhost\nUNSIGNED-PAYLOAD", path->str,
                    query->str, host);
    gchar *canon_hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, canon->str, -1);
    GString *sts = g_string_new(NULL);
    g_string_printf(sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/s3/aws4_request\n%s", amzdate, day,
                    region, canon_hash);

    /* The signing key: HMAC chain over the day, region, service. */
    GString *k0 = g_string_new("AWS4");
    g_string_append(k0, secret);
    guint8 k1[32], k2[32], k3[32], k4[32], sig[32];
    s3_hmac((const guchar *)k0->str, k0->len, day, k1);
    s3_hmac(k1, 32, region, k2);
    s3_hmac(k2, 32, "s3", k3);
    s3_hmac(k3, 32, "aws4_request", k4);
    s3_hmac(k4, 32, sts->str, sig);
    explicit_bzero(k0->str, k0->len);

    GString *url = g_string_new(endpoint);
    g_string_append_printf(url, "%s?%s&X-Amz-Signature=", path->str, query->str);
    for (int i = 0; i < 32; i++)
        g_string_append_printf(url, "%02x", sig[i]);
    explicit_bzero(k1, 32);
    explicit_bzero(k2, 32);
    explicit_bzero(k3, 32);
    explicit_bzero(k4, 32);

    char *out = s3_strdup(url->str);
    g_string_free(url, TRUE);
    g_string_free(k0, TRUE);
    g_string_free(sts, TRUE);
    g_free(canon_hash);
    g_string_free(canon, TRUE);
    g_string_free(query, TRUE);
    g_string_free(cred, TRUE);
    g_string_free(path, TRUE);
    free(host);
    return out;
}

char *
publish_s3_url(struct publish_s3 *s3, const char *name)
{
    return publish_s3_presign(s3->endpoint, s3->region, s3->bucket, s3->access_key, s3->secret,
                              name, s3->expiry, time(NULL));
}

/* ---- signed requests (libcurl) ---- */

struct s3_answer {
    char etag[80];
    char checksum[80];
    GString *body;
};

static size_t
s3_header_cb(char *data, size_t size, size_t n, void *arg)
{
    struct s3_answer *a = arg;
    size_t len = size * n;
    const char *names[] = {"etag:", "x-amz-checksum-sha256:"};
    char *dst[] = {a->etag, a->checksum};
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen(names[i]);
        if (len > nl && g_ascii_strncasecmp(data, names[i], nl) == 0) {
            size_t k = nl;
            while (k < len && (data[k] == ' ' || data[k] == '\t'))
                k++;
            size_t end = len;
            while (end > k && (data[end - 1] == '\r' || data[end - 1] == '\n' ||
                               data[end - 1] == ' '))
                end--;
            snprintf(dst[i], 80, "%.*s", (int)(end - k), data + k);
        }
    }
    return len;
}

static size_t
s3_body_cb(char *data, size_t size, size_t n, void *arg)
{
    struct s3_answer *a = arg;
    if (a->body->len < 4096) /* an error document: enough to quote */
        g_string_append_len(a->body, data, (gssize)(size * n));
    return size * n;
}

/* The <Code> of an S3 error document, or "" (into buf). */
static const char *
s3_error_code(const char *body, char *buf, size_t len)
{
    const char *c = strstr(body, "<Code>");
    const char *end = c ? strstr(c, "</Code>") : NULL;
    if (!c || !end)
        snprintf(buf, len, "no error code");
    else
        snprintf(buf, len, "%.*s", (int)(end - c - 6 > 60 ? 60 : end - c - 6), c + 6);
    return buf;
}

/* One signed request: method on object name, uploading file (may be NULL).
 * *status: the HTTP status. */
static int
s3_request(struct publish_s3 *s3, const char *method, const char *name, FILE *file,
           curl_off_t size, struct curl_slist *headers, long *status, struct s3_answer *a,
           struct err *e)
{
    CURL *c = curl_easy_init();
    if (!c)
        return err_set(e, ERR_TRANSIENT, "S3: cannot create a libcurl handle");
    GString *url = g_string_new(s3->endpoint);
    g_string_append_c(url, '/');
    s3_uri_encode(url, s3->bucket, 0);
    g_string_append_c(url, '/');
    s3_uri_encode(url, name, 1);
    char sigv4[128], userpwd[512];
    snprintf(sigv4, sizeof sigv4, "aws:amz:%s:s3", s3->region);
    snprintf(userpwd, sizeof userpwd, "%s:%s", s3->access_key, s3->secret);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url->str);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4);
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s3->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s3->timeout_ms < 10000 ? s3->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, s3_header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, s3_body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (file) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READDATA, file);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, size);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
    }
    CURLcode rc = curl_easy_perform(c);
    explicit_bzero(userpwd, sizeof userpwd);
    *status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    g_string_free(url, TRUE);
    if (rc != CURLE_OK)
        return err_set(e, ERR_TRANSIENT, "S3: %s %s: %s", method, name,
                       errbuf[0] ? errbuf : curl_easy_strerror(rc));
    return 0;
}

/* Hex to base64 (the form x-amz-checksum-sha256 and Content-MD5 take). */
static char *
s3_hex_b64(const char *hex)
{
    guchar raw[32];
    size_t n = strlen(hex) / 2;
    if (n > sizeof raw)
        n = sizeof raw;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            v = 0;
        raw[i] = (guchar)v;
    }
    gchar *b = g_base64_encode(raw, n);
    char *out = s3_strdup(b);
    g_free(b);
    return out;
}

int
publish_s3_put(struct publish_s3 *s3, const char *path, const char *name, const char *sha256,
               const char *md5, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_errno(e, errno, "%s", path);
    struct stat st;
    if (fstat(fileno(f), &st) < 0) {
        int saved = errno;
        fclose(f);
        return err_errno(e, saved, "%s", path);
    }
    char *sha_b64 = s3_hex_b64(sha256), *md5_b64 = s3_hex_b64(md5);
    char h1[128], h2[128], h3[128];
    snprintf(h1, sizeof h1, "x-amz-content-sha256: %s", sha256);
    snprintf(h2, sizeof h2, "x-amz-checksum-sha256: %s", sha_b64);
    snprintf(h3, sizeof h3, "Content-MD5: %s", md5_b64);
    struct curl_slist *hd = NULL;
    hd = curl_slist_append(hd, h1);
    hd = curl_slist_append(hd, h2);
    hd = curl_slist_append(hd, h3);
    /* No "Expect:" to switch 100-continue off: libcurl 7.88 would sign that
     * emptied header, and the store would refuse the signature. */
    hd = curl_slist_append(hd, "Content-Type: application/pdf");
    struct s3_answer a = {.body = g_string_new(NULL)};
    long status;
    int rc = s3_request(s3, "PUT", name, f, (curl_off_t)st.st_size, hd, &status, &a, e);
    fclose(f);
    curl_slist_free_all(hd);
    if (rc == 0 && status / 100 != 2) {
        char code[80];
        rc = err_set(e, status == 403 || status == 400 || status == 404 ? ERR_PERMANENT
                                                                        : ERR_TRANSIENT,
                     "S3: PUT %s: HTTP %ld (%s)", name, status,
                     s3_error_code(a.body->str, code, sizeof code));
    }
    if (rc == 0) {
        /* The store says which bytes it holds: they must be ours. */
        char want[40];
        snprintf(want, sizeof want, "\"%s\"", md5);
        if (g_ascii_strcasecmp(a.etag, want) != 0 && g_ascii_strcasecmp(a.etag, md5) != 0)
            rc = err_set(e, ERR_TRANSIENT, "S3: PUT %s: the store holds other bytes (ETag %.40s, "
                         "MD5 %s)", name, a.etag, md5);
        else if (a.checksum[0] && strcmp(a.checksum, sha_b64) != 0)
            rc = err_set(e, ERR_TRANSIENT, "S3: PUT %s: the store's SHA-256 differs", name);
    }
    g_string_free(a.body, TRUE);
    free(sha_b64);
    free(md5_b64);
    return rc;
}

int
publish_s3_delete(struct publish_s3 *s3, const char *name, struct err *e)
{
    /* The hash of an empty payload, signed like any other. */
    struct curl_slist *hd = curl_slist_append(
        NULL, "x-amz-content-sha256: "
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    struct s3_answer a = {.body = g_string_new(NULL)};
    long status;
    int rc = s3_request(s3, "DELETE", name, NULL, 0, hd, &status, &a, e);
    curl_slist_free_all(hd);
    if (rc == 0 && status / 100 != 2 && status != 404) {
        char code[80];
        rc = err_set(e, ERR_TRANSIENT, "S3: DELETE %s: HTTP %ld (%s)", name, status,
                     s3_error_code(a.body->str, code, sizeof code));
    }
    g_string_free(a.body, TRUE);
    return rc;
}
