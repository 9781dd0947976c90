/*
 * openai.h — what the OpenAI-compatible providers (story_openai.c,
 * art_openai.c) share: the client (base URL, API key, timeouts), one
 * request as a libcurl easy handle that works alone or in a multi handle,
 * the reading of an error answer into what the stage loop should do, the
 * cost of a call, its row in api_calls, and the host-wide request rate.
 *
 * The API key is read once with config_secret() and only ever goes into the
 * Authorization header of a request; it is wiped when the client closes.
 * Nothing here logs a header, and no error message quotes a 401's body
 * (OpenAI's echoes part of the key).
 */
#ifndef STORYPRESS_OPENAI_H
#define STORYPRESS_OPENAI_H

#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "err.h"

struct db;

#define OPENAI_PROVIDER "openai"
#define OPENAI_CHAT_MAX_BODY (1L << 20)   /* a story is a few kB */
#define OPENAI_IMAGE_MAX_BODY (64L << 20) /* base64 of one large picture */
#define OPENAI_WAIT_MAX 60                /* longest wait asked by a 429 we honour, s */

struct openai;

/* Reads the key (openai_api_key_file) and the settings; ERR_TRANSIENT when
 * the key cannot be read (the order waits for the operator's fix). */
struct openai *openai_open(const struct config *cfg, struct err *e);
void openai_close(struct openai *oa);

/* One request and its answer.  Fields after `curl` are filled as the
 * answer arrives; the caller reads them after openai_call_done(). */
struct openai_call {
    CURL *curl;
    struct curl_slist *headers;
    curl_mime *mime;      /* a multipart/form-data body (images/edits), or NULL */
    char *request;        /* the JSON body sent; NULL for a form */
    char *body;           /* the answer, NUL-terminated (never NULL after done) */
    size_t body_len, body_alloc, max_body;
    int overflow;         /* the answer outgrew max_body */
    long status;          /* HTTP status, 0 when no answer */
    long retry_after_s;   /* Retry-After, -1 when absent */
    long reset_ms;        /* x-ratelimit-reset-requests, -1 when absent */
    long latency_ms;
    struct timespec t0;
    char curl_err[CURL_ERROR_SIZE];
    void *user;           /* the caller's */
    struct openai *oa;    /* the client that started it */
    int lease;            /* shared in-flight slot + 1 (openai_slot_take); 0: none */
};

/* Prepares a POST of body (JSON) to <openai_base_url><path>, with the
 * client's key and timeouts, answer capped at max_body.  The handle is
 * ready for curl_easy_perform() or curl_multi_add_handle(). */
int openai_call_start(struct openai *oa, struct openai_call *c, const char *path,
                      const json_t *body, size_t max_body, struct err *e);

/* One part of a multipart/form-data request: a text field (data NULL:
 * value is the text) or a file (data, len, filename and content type). */
struct openai_part {
    const char *name;
    const char *value;
    const unsigned char *data;
    size_t len;
    const char *filename, *type;
};

/* As openai_call_start(), with a multipart/form-data body of n parts
 * (libcurl's mime API: it writes the boundary and the Content-Type); the
 * file parts' bytes are copied. */
int openai_call_start_form(struct openai *oa, struct openai_call *c, const char *path,
                           const struct openai_part *parts, size_t n, size_t max_body,
                           struct err *e);

/* A started call's total timeout, seconds (images take minutes). */
int openai_call_timeout(struct openai_call *c, long seconds, struct err *e);

/* To be called once libcurl finished the transfer with rc: sets status and
 * latency.  Returns 0 when an answer came (any status), or -1 with e set
 * (ERR_TRANSIENT: timeout, connection refused, answer too large). */
int openai_call_done(struct openai_call *c, CURLcode rc, struct err *e);

/* openai_slot_take (waiting for a slot) + start + curl_easy_perform + done. */
int openai_call_perform(struct openai *oa, struct openai_call *c, const char *path,
                        const json_t *body, size_t max_body, struct err *e);

void openai_call_free(struct openai_call *c);

/* What an answer means for the order. */
struct openai_verdict {
    enum err_kind kind; /* ERR_NONE (2xx), ERR_TRANSIENT, ERR_PERMANENT */
    long wait_s;        /* a rate limit: seconds to wait before asking again
                           (≤ OPENAI_WAIT_MAX); -1 when waiting will not help */
    int blocked;        /* 1: refused by the content policy (moderation_blocked...):
                           the same prompt will be refused again */
    char reason[512];   /* in words, for the operator; never quotes a key */
};

/* Classifies an answer from its status, body (OpenAI's {"error":{...}} or
 * anything), Retry-After (s, -1) and x-ratelimit-reset-requests (ms, -1). */
void openai_classify(long status, const char *body, long retry_after_s, long reset_ms,
                     struct openai_verdict *v);

/* "1s", "6m0s", "20ms", "1m30.5s", "0.5s" → milliseconds; -1 when not a
 * duration. */
long openai_duration_ms(const char *s);

/* Cost in USD of a call: tokens at openai_price_{input,output}_mtok per
 * million, images at openai_price_image each. */
double openai_cost(const struct config *cfg, long tokens_in, long tokens_out, long images);

/* One row in api_calls for call c (db NULL: nothing).  A failure to record
 * is logged, not returned: the call happened and the order goes on. */
void openai_record(struct db *db, const char *order_id, const char *model, const char *kind,
                   long tokens_in, long tokens_out, long images, const struct openai_call *c,
                   double cost, const char *error);

/* The host-wide requests-per-minute limit (openai_rpm), shared by every
 * worker through a small file under the spool (see openai.c).  Returns 0
 * when the caller may send one request now, 1 when it must wait *wait_s
 * seconds first, -1 on error (the file cannot be used: e set). */
int openai_rate_take(struct openai *oa, double *wait_s, struct err *e);

/* The in-flight limit shared by every host (rate_limit = shared,
 * lib/ratelimit.c): leases a slot for call c before it starts.  0: taken
 * (or no shared limit); 1: every slot is out, try again in *wait_s; -1: e
 * set.  openai_call_free() gives the slot back; openai_slot_give() gives
 * it back before the call started. */
int openai_slot_take(struct openai *oa, struct openai_call *c, double *wait_s, struct err *e);
void openai_slot_give(struct openai *oa, struct openai_call *c);

/* openai_slot_take(), waiting until a slot is free. */
int openai_slot_wait(struct openai *oa, struct openai_call *c, struct err *e);

/* Blocks until openai_rate_take() allows a request (or fails). */
int openai_rate_wait(struct openai *oa, struct err *e);

/* Sleeps (at most OPENAI_WAIT_MAX seconds), keeping the watchdog fed. */
void openai_sleep(double seconds);

/* Pings systemd's watchdog (at most every 10 s): a book's pictures or a
 * slow model outlast WatchdogSec between two orders.  Every request and
 * every wait here calls it; so does the art loop. */
void openai_keepalive(void);

#endif
