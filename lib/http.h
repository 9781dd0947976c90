/*
 * http.h — one HTTP request with libcurl, the way every remote provider
 * needs it: bounded in time (connect and total timeouts), bounded in size
 * (the response body is capped), safe in a daemon (no signals), and with
 * failures sorted into what the stage loop should do: a connection that
 * fails or times out, a 429 or a 5xx may work later (ERR_TRANSIENT);
 * anything else the caller judges from the status and body.
 *
 * Nothing here logs a header: Authorization values stay out of every log
 * line and every error message.
 */
#ifndef STORYPRESS_HTTP_H
#define STORYPRESS_HTTP_H

#include <stddef.h>

#include "err.h"

/* Response bodies larger than this are refused unless the request asks for
 * another cap. */
#define HTTP_MAX_BODY_DEFAULT (4 * 1024 * 1024)

struct http_request {
    const char *method; /* "GET", "POST", "PUT"...; NULL: GET */
    const char *url;
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
    const char *body;           /* request body, or NULL */
    size_t body_len;
    const char *bearer;     /* adds "Authorization: Bearer <bearer>" when set */
    const char *basic_user; /* HTTP Basic auth when set (with basic_pass) */
    const char *basic_pass;
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* whole request; 0: 60 s */
    size_t max_body;         /* 0: HTTP_MAX_BODY_DEFAULT */
};

struct http_response {
    long status; /* 0 when no answer came */
    char *body;  /* NUL-terminated; never NULL after http_perform() returned 0 */
    size_t body_len;
    long retry_after; /* Retry-After in seconds, -1 when absent */
    long latency_ms;  /* time the request took, answered or not */
};

/* Initialises libcurl once per process; http_perform() calls it too, but a
 * daemon calls it at start, before any thread exists. */
int http_init(struct err *e);

/* Performs rq.  Returns 0 when an answer came, whatever its status (the
 * caller judges it; http_status_kind() helps), or -1 with e set:
 * ERR_TRANSIENT when the server could not be reached, did not answer in
 * time, or answered more than max_body; ERR_PERMANENT for a request that
 * can never work (a malformed URL, an unsupported protocol).  rs is filled
 * either way (status 0, latency) and must be freed with
 * http_response_free(). */
int http_perform(const struct http_request *rq, struct http_response *rs, struct err *e);

void http_response_free(struct http_response *rs);

/* What a status means for a retry: ERR_NONE for 2xx, ERR_TRANSIENT for 408,
 * 425, 429 and 5xx, ERR_PERMANENT for the rest. */
enum err_kind http_status_kind(long status);

/* s percent-encoded for a URL query value (fresh string). */
char *http_escape(const char *s);

#endif
