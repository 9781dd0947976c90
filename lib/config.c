/*
 * config.c — the configuration file and the one table of every key.
 *
 * The table is the contract: a key is added here with its default, its type
 * and one line of help, and documented in config/storypress.conf.  Values are
 * checked when the file is loaded, so a daemon with a bad configuration stops
 * at start with the file, line and reason, not hours later on an order.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "fsutil.h"

enum config_type { CT_STR, CT_INT, CT_DOUBLE, CT_BOOL, CT_ENUM };

struct config_key {
    const char *name;
    enum config_type type;
    const char *def;
    const char *allowed; /* CT_ENUM: "a|b|c"; CT_INT: "min:max" */
    const char *help;
};

static const struct config_key config_keys[] = {
    /* the spool, the database, logging */
    {"spool_dir", CT_STR, "/var/spool/storypress", NULL,
     "root of the spool; one filesystem, so that every rename is atomic"},
    {"database", CT_STR, "", NULL,
     "libpq conninfo (\"host=/run/postgresql dbname=storypress\") or URI; empty: "
     "libpq's PGHOST, PGDATABASE, ... and service file"},
    {"log_level", CT_ENUM, "info", "debug|info|notice|warning|error",
     "lowest priority written to the log"},
    {"worker_name", CT_STR, "", NULL,
     "name of this worker in the event log; empty: <hostname>.<pid>"},
    /* retries */
    {"retry_base", CT_INT, "30", "1:86400", "first retry delay after a transient failure, seconds"},
    {"retry_cap", CT_INT, "3600", "1:604800", "longest retry delay, seconds"},
    {"max_attempts", CT_INT, "8", "1:1000",
     "attempts at one stage before the order moves to failed/"},
    {"rescan_interval", CT_INT, "60", "1:3600",
     "seconds between full rescans and sweeps of dead workers' claims"},
    {"db_retry_cap", CT_INT, "30", "1:3600",
     "longest wait between attempts to reach the database, seconds"},
    /* operations */
    {"stale_after", CT_INT, "3600", "1:31536000",
     "storypress status flags a stage whose oldest order waited longer, seconds"},
    {"retention_days", CT_INT, "30", "0:36500",
     "storypress cleanup removes done/, failed/ and rejected/ entries older than this"},
    {"retention_db_days", CT_INT, "0", "0:36500",
     "storypress cleanup prunes database rows of removed orders older than this; 0 keeps them"},
    {"metrics_file", CT_STR, "", NULL,
     "Prometheus text file for node_exporter's textfile collector; empty: none"},
    {"webhook_url", CT_STR, "", NULL, "URL that receives a POST on each transition; empty: none"},
    {"webhook_secret_file", CT_STR, "", NULL,
     "file (or credential) holding the webhook's HMAC-SHA256 key"},
    {"quota_policy", CT_ENUM, "hold", "hold|reject",
     "what the incoming stage does with an order over its customer's daily quota"},
    {"quota_timezone", CT_STR, "UTC", NULL, "time zone whose midnight resets daily quotas"},
    {"quota_default_daily", CT_INT, "0", "0:1000000",
     "orders per customer per day when no quota is set; 0: unlimited"},
    /* the book */
    {"trim", CT_ENUM, "8.5x8.5", "8.5x8.5|8x10|6x9",
     "trim size in inches when the order does not choose one"},
    {"binding", CT_ENUM, "hardcover", "hardcover|paperback",
     "binding when the order does not choose one"},
    {"layout", CT_ENUM, "fullbleed", "fullbleed|facing",
     "fullbleed: picture on every story page, text in a band; facing: text left, picture right"},
    {"font", CT_STR, "Andika", NULL, "font family of the book's text (fontconfig name)"},
    {"min_font_size", CT_DOUBLE, "13", NULL,
     "smallest text size in points; a page that does not fit fails the order"},
    /* story */
    {"story_provider", CT_ENUM, "builtin", "builtin|openai", "who writes the story"},
    /* art */
    {"art_provider", CT_ENUM, "builtin", "builtin|openai", "who draws the illustrations"},
    {"art_jpeg_quality", CT_INT, "90", "50:100", "JPEG quality of stored illustrations"},
    {"art_low_res", CT_ENUM, "upscale", "refuse|upscale",
     "a remote picture smaller than the page: upscale it (Lanczos, libvips) down to "
     "art_min_dpi, or refuse it"},
    {"art_min_dpi", CT_INT, "100", "1:300",
     "upscaling: the lowest effective resolution accepted; below it the order fails"},
    {"art_max_image_px", CT_INT, "2048", "256:16384",
     "a remote picture wider or taller than this is refused before it is decoded"},
    {"art_max_image_mb", CT_INT, "32", "1:1024",
     "a remote picture that would take more memory decoded (4 bytes a pixel) is refused"},
    {"art_character_sheet", CT_ENUM, "on", "on|off",
     "remote art: draw a character sheet first and every page from it (images/edits)"},
    {"art_check", CT_ENUM, "off", "off|vision",
     "remote art: a vision model compares each page with the character sheet"},
    /* print */
    {"print_provider", CT_ENUM, "outbox", "outbox|lulu", "who prints the book"},
    {"outbox_dir", CT_STR, "", NULL, "outbox provider: where jobs go; empty: <spool_dir>/outbox"},
    {"lulu_api_url", CT_STR, "https://api.sandbox.lulu.com", NULL,
     "Lulu API base URL: https://api.lulu.com in production"},
    {"lulu_client_key_file", CT_STR, "lulu_client_key", NULL,
     "file or credential holding the Lulu client key"},
    {"lulu_client_secret_file", CT_STR, "lulu_client_secret", NULL,
     "file or credential holding the Lulu client secret"},
    {"lulu_contact_email", CT_STR, "", NULL, "contact e-mail sent with every print job"},
    {"lulu_publish_dir", CT_STR, "", NULL,
     "directory served by the web server from which Lulu fetches the PDFs"},
    {"lulu_publish_url", CT_STR, "", NULL, "URL under which lulu_publish_dir is served"},
    {"lulu_cost_check", CT_BOOL, "true", NULL,
     "ask Lulu's cost calculation before submitting, and record the cost"},
    {"lulu_poll_interval", CT_INT, "600", "1:86400", "seconds between print job status polls"},
    {"lulu_timeout", CT_INT, "60", "1:600", "total timeout of one Lulu request, seconds"},
    {"lulu_pod_8.5x8.5_hardcover", CT_STR, "0850X0850.FC.PRE.CW.080CW444.GXX", NULL,
     "Lulu pod_package_id for 8.5x8.5 in, hardcover (dotted form)"},
    {"lulu_pod_8.5x8.5_paperback", CT_STR, "0850X0850.FC.PRE.PB.080CW444.GXX", NULL,
     "Lulu pod_package_id for 8.5x8.5 in, paperback"},
    {"lulu_pod_8x10_hardcover", CT_STR, "0800X1000.FC.PRE.CW.080CW444.GXX", NULL,
     "Lulu pod_package_id for 8x10 in, hardcover"},
    {"lulu_pod_8x10_paperback", CT_STR, "0800X1000.FC.PRE.PB.080CW444.GXX", NULL,
     "Lulu pod_package_id for 8x10 in, paperback"},
    {"lulu_pod_6x9_hardcover", CT_STR, "0600X0900.FC.PRE.CW.080CW444.GXX", NULL,
     "Lulu pod_package_id for 6x9 in, hardcover"},
    {"lulu_pod_6x9_paperback", CT_STR, "0600X0900.FC.PRE.PB.080CW444.GXX", NULL,
     "Lulu pod_package_id for 6x9 in, paperback"},
    /* OpenAI-compatible providers */
    {"openai_base_url", CT_STR, "https://api.openai.com/v1", NULL,
     "base URL of an OpenAI-compatible API (no trailing slash)"},
    {"openai_api_key_file", CT_STR, "openai_api_key", NULL,
     "file or credential holding the API key"},
    {"openai_story_model", CT_STR, "gpt-4.1-mini", NULL, "chat model that writes stories"},
    {"openai_temperature", CT_DOUBLE, "0.8", NULL, "sampling temperature for stories"},
    {"openai_story_prompt_file", CT_STR, "", NULL,
     "file with the system prompt and templates; empty: the built-in ones"},
    {"openai_story_retries", CT_INT, "2", "0:10",
     "new requests after an invalid or truncated story before the order fails"},
    {"openai_image_model", CT_STR, "gpt-image-1.5", NULL, "image model"},
    {"openai_image_size", CT_STR, "auto", NULL,
     "size asked of the image model; auto: 1024x1024, 1024x1536 or 1536x1024 by the page's shape"},
    {"openai_input_fidelity", CT_ENUM, "high", "high|low|off",
     "images/edits input_fidelity (sent to models that take it); off: not sent"},
    {"openai_check_model", CT_STR, "gpt-4.1-mini", NULL,
     "vision chat model of art_check = vision"},
    {"openai_image_timeout", CT_INT, "600", "1:3600",
     "total timeout of one image request, seconds (edits take minutes at high quality)"},
    {"openai_image_quality", CT_ENUM, "medium", "low|medium|high|auto", "image quality asked"},
    {"openai_max_in_flight", CT_INT, "16", "1:64", "image requests in flight at once"},
    {"openai_rpm", CT_INT, "50", "1:100000",
     "requests per minute to the provider, shared by all workers on the host"},
    {"openai_connect_timeout", CT_INT, "10", "1:300", "connect timeout, seconds"},
    {"openai_timeout", CT_INT, "180", "1:3600", "total timeout of one request, seconds"},
    {"openai_price_input_mtok", CT_DOUBLE, "0.40", NULL, "price of a million input tokens, USD"},
    {"openai_price_output_mtok", CT_DOUBLE, "1.60", NULL,
     "price of a million output tokens, USD"},
    {"openai_price_image", CT_DOUBLE, "0.04", NULL, "price of one image, USD"},
    /* several hosts on one database (docs/scaling.md) */
    {"host_name", CT_STR, "", NULL,
     "name of this host among those sharing the database; empty: the hostname"},
    {"rate_limit", CT_ENUM, "host", "host|shared",
     "provider limits: host (a file in the spool, this host alone) or shared (in "
     "PostgreSQL, one limit for every host)"},
    {"rate_lease_seconds", CT_INT, "300", "10:86400",
     "shared limits: a request-in-flight slot not given back after this long returns "
     "(a dead host's); longer than the longest request"},
    {"lulu_rpm", CT_INT, "60", "1:100000", "shared limits: requests per minute to Lulu"},
    {"lulu_max_in_flight", CT_INT, "4", "1:64", "shared limits: Lulu requests in flight at once"},
    {"publish", CT_ENUM, "dir", "dir|s3",
     "where the print files Lulu fetches go: lulu_publish_dir, or an S3-compatible bucket"},
    {"s3_endpoint", CT_STR, "", NULL,
     "publish = s3: the store's base URL (https://s3.eu-west-1.amazonaws.com)"},
    {"s3_region", CT_STR, "us-east-1", NULL, "publish = s3: the region signed for"},
    {"s3_bucket", CT_STR, "", NULL, "publish = s3: the bucket (path-style addressing)"},
    {"s3_access_key", CT_STR, "", NULL, "publish = s3: the access key id"},
    {"s3_secret_key_file", CT_STR, "s3_secret_key", NULL,
     "publish = s3: file or credential holding the secret access key"},
    {"s3_url_expiry", CT_INT, "604800", "60:604800",
     "publish = s3: seconds the presigned URLs given to Lulu stay valid"},
    /* the proof */
    {"proof_required", CT_BOOL, "no", NULL,
     "stop every book in proof/ after pdf until it is approved (an order may ask with book.proof)"},
    {"max_redos", CT_INT, "3", "0:100", "redos of pages an order in proof may have"},
    {"proof_dpi", CT_INT, "60", "20:150", "resolution of the proof's JPEG previews, dots per inch"},
    /* transport security */
    {"allow_insecure_http", CT_BOOL, "no", NULL,
     "accept http:// in openai_base_url, lulu_api_url, webhook_url and s3_endpoint (test servers only: "
     "keys, tokens and signatures would cross the network in clear)"},
    {NULL, 0, NULL, NULL, NULL},
};

struct config {
    char *path;
    char **values; /* parallel to config_keys; NULL: default */
};

static const struct config_key *
config_key_find(const char *name, size_t *index)
{
    for (size_t i = 0; config_keys[i].name; i++)
        if (strcmp(config_keys[i].name, name) == 0) {
            if (index)
                *index = i;
            return &config_keys[i];
        }
    return NULL;
}

static size_t
config_key_count(void)
{
    size_t n = 0;
    while (config_keys[n].name)
        n++;
    return n;
}

/* Checks value against the key's type; fills e on error. */
static int
config_check(const struct config_key *k, const char *v, struct err *e)
{
    char *end;
    switch (k->type) {
    case CT_STR:
        return 0;
    case CT_INT: {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end)
            return err_set(e, ERR_INVALID, "%s: must be a whole number, got \"%s\"", k->name, v);
        long lo = LONG_MIN, hi = LONG_MAX;
        if (k->allowed && sscanf(k->allowed, "%ld:%ld", &lo, &hi) == 2 && (n < lo || n > hi))
            return err_set(e, ERR_INVALID, "%s: must be from %ld to %ld, got %ld", k->name, lo,
                           hi, n);
        return 0;
    }
    case CT_DOUBLE:
        errno = 0;
        strtod(v, &end);
        if (errno || end == v || *end)
            return err_set(e, ERR_INVALID, "%s: must be a number, got \"%s\"", k->name, v);
        return 0;
    case CT_BOOL:
        if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "yes") && strcmp(v, "no") &&
            strcmp(v, "1") && strcmp(v, "0"))
            return err_set(e, ERR_INVALID, "%s: must be true or false, got \"%s\"", k->name, v);
        return 0;
    case CT_ENUM: {
        size_t vl = strlen(v);
        for (const char *p = k->allowed; *p;) {
            const char *bar = strchr(p, '|');
            size_t l = bar ? (size_t)(bar - p) : strlen(p);
            if (l == vl && strncmp(p, v, l) == 0)
                return 0;
            p += l + (bar ? 1 : 0);
        }
        return err_set(e, ERR_INVALID, "%s: must be one of %s, got \"%s\"", k->name, k->allowed,
                       v);
    }
    }
    return 0;
}

/* Replaces ${NAME} with the environment's value (empty when unset). */
static char *
config_expand(const char *v)
{
    size_t cap = strlen(v) + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        abort();
    for (const char *p = v; *p;) {
        const char *val = NULL;
        size_t adv = 1, vlen = 1;
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (close) {
                char *name = strndup(p + 2, (size_t)(close - p - 2));
                if (!name)
                    abort();
                val = getenv(name);
                free(name);
                if (!val)
                    val = "";
                vlen = strlen(val);
                adv = (size_t)(close - p) + 1;
            }
        }
        if (!val) {
            val = p;
            vlen = 1;
        }
        if (len + vlen + 1 > cap) {
            cap = (len + vlen + 1) * 2;
            out = realloc(out, cap);
            if (!out)
                abort();
        }
        memcpy(out + len, val, vlen);
        len += vlen;
        p += adv;
    }
    out[len] = 0;
    return out;
}

int
config_set(struct config *cfg, const char *key, const char *value, struct err *e)
{
    size_t i;
    const struct config_key *k = config_key_find(key, &i);
    if (!k)
        return err_set(e, ERR_INVALID, "unknown key \"%s\"", key);
    char *v = config_expand(value);
    if (config_check(k, v, e) < 0) {
        free(v);
        return -1;
    }
    free(cfg->values[i]);
    cfg->values[i] = v;
    return 0;
}

static char *
config_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = 0;
    return s;
}

static int
config_parse(struct config *cfg, const char *path, struct err *e)
{
    char *buf;
    size_t len;
    if (fsu_read_file(AT_FDCWD, path, 1 << 20, &buf, &len, e) < 0)
        return err_prefix(e, "configuration %s", path);
    int rc = 0, lineno = 0;
    char *save = NULL;
    /* strtok_r would merge empty lines and so miscount; walk by hand. */
    for (char *line = buf; line && rc == 0; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = 0;
        lineno++;
        char *t = config_trim(line);
        if (!*t || *t == '#')
            continue;
        char *eq = strchr(t, '=');
        if (!eq) {
            rc = err_set(e, ERR_INVALID, "%s:%d: expected \"key = value\"", path, lineno);
            break;
        }
        *eq = 0;
        char *key = config_trim(t), *val = config_trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = 0;
            val++;
        }
        if (config_set(cfg, key, val, e) < 0)
            rc = err_prefix(e, "%s:%d", path, lineno);
    }
    free(buf);
    return rc;
}

/* STORYPRESS_SPOOL_DIR=... overrides spool_dir, and so on. */
static int
config_env_overrides(struct config *cfg, struct err *e)
{
    for (size_t i = 0; config_keys[i].name; i++) {
        char env[128] = "STORYPRESS_";
        size_t l = strlen(env);
        for (const char *p = config_keys[i].name; *p && l < sizeof env - 1; p++)
            env[l++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
        env[l] = 0;
        const char *v = getenv(env);
        if (v && config_set(cfg, config_keys[i].name, v, e) < 0)
            return err_prefix(e, "environment %s", env);
    }
    return 0;
}

/* The URLs that carry a secret: an API key or bearer token (and so Lulu's
 * token endpoint, under lulu_api_url), or a signed body. */
static const struct {
    const char *key, *what;
} config_secret_urls[] = {
    {"openai_base_url", "the API key"},
    {"lulu_api_url", "the client secret and the bearer token"},
    {"webhook_url", "the signed events (customer data)"},
    {"s3_endpoint", "the print files and the presigned URLs that fetch them"},
};

/* Refuses http:// for those URLs unless allow_insecure_http says so: one
 * mistyped "s" must not send a key in clear on every request. */
static int
config_check_urls(const struct config *cfg, struct err *e)
{
    if (config_bool(cfg, "allow_insecure_http"))
        return 0;
    for (size_t i = 0; i < sizeof config_secret_urls / sizeof config_secret_urls[0]; i++) {
        const char *key = config_secret_urls[i].key, *v = config_str(cfg, key);
        if (strncasecmp(v, "http://", 7) == 0)
            return err_set(e, ERR_INVALID,
                           "configuration %s: %s = \"%s\": http:// would send %s in clear; "
                           "use https://, or set allow_insecure_http = yes for a test server",
                           cfg->path, key, v, config_secret_urls[i].what);
    }
    return 0;
}

struct config *
config_load(const char *path, struct err *e)
{
    struct config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        abort();
    cfg->values = calloc(config_key_count() + 1, sizeof *cfg->values);
    cfg->path = strdup(path ? path : "(defaults)");
    if (!cfg->values || !cfg->path)
        abort();
    if ((path && config_parse(cfg, path, e) < 0) || config_env_overrides(cfg, e) < 0 ||
        config_check_urls(cfg, e) < 0) {
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

void
config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; config_keys[i].name; i++)
        free(cfg->values[i]);
    free(cfg->values);
    free(cfg->path);
    free(cfg);
}

static const char *
config_value(const struct config *cfg, const char *key, const struct config_key **kp)
{
    size_t i;
    const struct config_key *k = config_key_find(key, &i);
    if (!k) {
        fprintf(stderr, "storypress: bug: configuration key \"%s\" is not declared\n", key);
        abort();
    }
    if (kp)
        *kp = k;
    return cfg && cfg->values[i] ? cfg->values[i] : k->def;
}

const char *
config_str(const struct config *cfg, const char *key)
{
    return config_value(cfg, key, NULL);
}

long
config_int(const struct config *cfg, const char *key)
{
    return strtol(config_value(cfg, key, NULL), NULL, 10);
}

double
config_double(const struct config *cfg, const char *key)
{
    return strtod(config_value(cfg, key, NULL), NULL);
}

int
config_bool(const struct config *cfg, const char *key)
{
    const char *v = config_value(cfg, key, NULL);
    return strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0;
}

char *
config_secret(const struct config *cfg, const char *key, struct err *e)
{
    const char *v = config_str(cfg, key);
    if (!*v) {
        err_set(e, ERR_PERMANENT, "%s is not set: no file holds the secret", key);
        return NULL;
    }
    char *path = NULL;
    const char *creds = getenv("CREDENTIALS_DIRECTORY");
    if (!strchr(v, '/') && creds && *creds)
        path = fsu_join(creds, v);
    else
        path = strdup(v);
    if (!path)
        abort();
    char *buf;
    size_t len;
    if (fsu_read_file(AT_FDCWD, path, 64 * 1024, &buf, &len, e) < 0) {
        err_prefix(e, "%s", key);
        e->kind = ERR_PERMANENT;
        free(path);
        return NULL;
    }
    free(path);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = 0;
    if (len == 0) {
        free(buf);
        err_set(e, ERR_PERMANENT, "%s: the secret file is empty", key);
        return NULL;
    }
    return buf;
}

void
config_dump(const struct config *cfg, FILE *out)
{
    for (size_t i = 0; config_keys[i].name; i++)
        fprintf(out, "# %s\n%s = %s\n", config_keys[i].help, config_keys[i].name,
                config_value(cfg, config_keys[i].name, NULL));
}

const char *
config_path(const struct config *cfg)
{
    return cfg->path;
}
