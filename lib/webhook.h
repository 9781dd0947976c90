/*
 * webhook.h — progress for the shop: each transition POSTed as JSON to a
 * configured URL, signed with HMAC-SHA256 over a timestamp and the raw body.
 *
 * order_events is the outbox: the sender reads events after its cursor
 * (table webhook_cursor), posts them in order, and advances the cursor on a
 * 2xx.  It runs as its own process (`storypress webhook`), so a slow or
 * broken receiver never holds up an order.
 *
 * The request:  POST <webhook_url>
 *   Content-Type: application/json
 *   X-Storypress-Event: <event id>         (the same on a repeated delivery)
 *   X-Storypress-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>
 *   {"event_id":…, "order_id":…, "state":…, "from":…, "at":…, "detail":{…}}
 *   and "event": "proof_ready" when the order entered proof/ (detail.proof:
 *   the previews' files, and their URLs when published), and again after
 *   each redo ("from": "proof", detail.redo: its number, detail.pages).
 *
 * t is the time of this attempt (a retry is signed anew).  A receiver
 * computes the HMAC over the header's t, a dot and the raw body, compares
 * in constant time, and refuses a t more than a few minutes from its clock:
 * a request recorded on the way cannot be replayed later (docs/operations.md
 * has a verification example).
 */
#ifndef STORYPRESS_WEBHOOK_H
#define STORYPRESS_WEBHOOK_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "err.h"

/* "t=<t>,v1=<64 hex digits>": the signature of body at time t under key
 * (fresh string). */
char *webhook_signature(const char *key, size_t key_len, long long t, const char *body,
                        size_t len);

/* Delivers every event after the cursor, in order.  A transient failure
 * (no answer, 408, 429, 5xx) stops the round: the caller waits and calls
 * again, and the same event goes first.  A permanent refusal (other 4xx) is
 * logged and skipped, so one bad event cannot stop the feed.  *sent: how
 * many were accepted.  Returns 0 when all were delivered, 1 when a
 * transient failure stopped the round, -1 on a database error. */
int webhook_deliver(const struct config *cfg, struct db *db, const char *key, size_t key_len,
                    int *sent, struct err *e);

#endif
