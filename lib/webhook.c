/*
 * webhook.c — the shop's webhook feed (see webhook.h): events read after
 * the cursor, each signed with a timestamp and POSTed in order.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "webhook.h"

#define WEBHOOK_BATCH "100"

char *
webhook_signature(const char *key, size_t key_len, long long t, const char *body, size_t len)
{
    /* The signed text is "<t>.<body>": the timestamp cannot be changed
     * without the key, so a receiver that refuses old ones cannot be fed a
     * recorded request again later. */
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)key, key_len);
    if (!h)
        abort();
    char ts[32];
    int tl = snprintf(ts, sizeof ts, "%lld.", t);
    g_hmac_update(h, (const guchar *)ts, tl);
    g_hmac_update(h, (const guchar *)body, (gssize)len);
    char *sig = NULL;
    if (asprintf(&sig, "t=%lld,v1=%s", t, g_hmac_get_string(h)) < 0)
        abort();
    g_hmac_unref(h);
    return sig;
}

/* The cursor; on the first run it starts at the newest event, so a new
 * receiver is not flooded with the whole history. */
static int
webhook_cursor(struct db *db, long long *cursor, struct err *e)
{
    PGresult *r = db_exec(db, e,
                          "INSERT INTO webhook_cursor (last_event_id)"
                          " SELECT coalesce(max(id), 0) FROM order_events"
                          " ON CONFLICT (one) DO NOTHING",
                          0, NULL);
    if (!r)
        return -1;
    PQclear(r);
    r = db_exec(db, e, "SELECT last_event_id FROM webhook_cursor", 0, NULL);
    if (!r)
        return -1;
    *cursor = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int
webhook_advance(struct db *db, const char *id, struct err *e)
{
    const char *p[] = {id};
    PGresult *r = db_exec(db, e,
                          "UPDATE webhook_cursor SET last_event_id = $1, updated_at = now()"
                          " WHERE last_event_id < $1",
                          1, p);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* One event as the receiver sees it (fresh string). */
static char *
webhook_body(PGresult *r, int i)
{
    json_t *detail = PQgetisnull(r, i, 5) ? json_object() : json_loads(PQgetvalue(r, i, 5), 0, NULL);
    /* A book waiting for the shop's decision is named as such: proof_ready
     * (its detail lists the previews, or their URLs). */
    const char *event = strcmp(PQgetvalue(r, i, 3), "proof") == 0 ? "proof_ready" : NULL;
    json_t *j = json_pack("{s:I, s:s?, s:s, s:s, s:s?, s:s, s:o}", "event_id",
                          (json_int_t)atoll(PQgetvalue(r, i, 0)), "event", event, "order_id",
                          PQgetvalue(r, i, 1), "state", PQgetvalue(r, i, 3), "from",
                          PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2), "at",
                          PQgetvalue(r, i, 4), "detail", detail ? detail : json_object());
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s)
        abort();
    return s;
}

int
webhook_deliver(const struct config *cfg, struct db *db, const char *key, size_t key_len,
                int *sent, struct err *e)
{
    *sent = 0;
    const char *url = config_str(cfg, "webhook_url");
    long long cursor;
    if (webhook_cursor(db, &cursor, e) < 0)
        return -1;
    char cbuf[32];
    snprintf(cbuf, sizeof cbuf, "%lld", cursor);
    const char *p[] = {cbuf};
    PGresult *r = db_exec(db, e,
                          "SELECT id, order_id, from_state, to_state,"
                          " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
                          " detail::text FROM order_events WHERE id > $1 ORDER BY id"
                          " LIMIT " WEBHOOK_BATCH,
                          1, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        const char *id = PQgetvalue(r, i, 0), *order = PQgetvalue(r, i, 1);
        char *body = webhook_body(r, i);
        /* Signed now, at each attempt: a retry carries a fresh timestamp. */
        char *sig = webhook_signature(key, key_len, (long long)time(NULL), body, strlen(body));
        char h_event[64], *h_sig = NULL;
        snprintf(h_event, sizeof h_event, "X-Storypress-Event: %s", id);
        if (asprintf(&h_sig, "X-Storypress-Signature: %s", sig) < 0)
            abort();
        const char *headers[] = {"Content-Type: application/json", h_event, h_sig, NULL};
        struct http_request rq = {.method = "POST", .url = url, .headers = headers,
                                  .body = body, .body_len = strlen(body),
                                  .timeout_ms = 10000, .max_body = 65536};
        struct http_response rs = {0};
        struct err he = {0};
        int got = http_perform(&rq, &rs, &he);
        enum err_kind kind = got < 0 ? he.kind : http_status_kind(rs.status);
        if (kind == ERR_NONE) {
            (*sent)++;
            if (webhook_advance(db, id, e) < 0)
                rc = -1;
        } else if (kind == ERR_TRANSIENT) {
            log_order(LOG_WARNING, order, "webhook event %s: %s; will try again", id,
                      got < 0 ? he.msg : "the receiver answered with an error");
            if (got == 0)
                log_order(LOG_WARNING, order, "webhook event %s: HTTP %ld", id, rs.status);
            rc = 1;
        } else {
            log_order(LOG_ERR, order, "webhook event %s refused for good (%s%ld); skipped", id,
                      got < 0 ? he.msg : "HTTP ", got < 0 ? 0L : rs.status);
            if (webhook_advance(db, id, e) < 0)
                rc = -1;
        }
        http_response_free(&rs);
        free(h_sig);
        free(sig);
        free(body);
    }
    PQclear(r);
    return rc;
}
