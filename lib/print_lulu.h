/*
 * print_lulu.h — the parts of the Lulu client that stand alone: the JSON
 * sent to Lulu, the reading of its answers (statuses, tracking, field
 * errors, cover dimensions, file validations), and the check of a
 * webhook's signature.  The provider itself is
 * print_lulu_provider (print.h).  The wire format is Lulu's published
 * OpenAPI document (../shared/specs/lulu-print-api.openapi.yml).
 */
#ifndef STORYPRESS_PRINT_LULU_H
#define STORYPRESS_PRINT_LULU_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "print.h"

/* The body of POST /print-jobs/ for one book: contact_email, external_id
 * (the order id), one line item (external_id, title, quantity 1,
 * printable_normalization {cover, interior {source_url, source_md5_sum},
 * pod_package_id}), shipping_address, shipping_level.  New reference. */
json_t *print_lulu_job_json(const struct print_book *b, const char *contact_email,
                            const char *pod_package_id, const char *interior_url,
                            const char *cover_url);

/* The body of POST /print-job-cost-calculations/ for one book (its page
 * count must be known).  New reference. */
json_t *print_lulu_cost_json(const struct print_book *b, const char *pod_package_id);

/* The configuration key holding the pod_package_id of a trim and binding:
 * "lulu_pod_8.5x8.5_hardcover" (fresh string). */
char *print_lulu_pod_key(const char *trim, const char *binding);

/* What a Lulu status means for the order. */
enum print_lulu_phase {
    PRINT_LULU_PENDING,    /* CREATED, UNPAID, PAYMENT_IN_PROGRESS, PRODUCTION_DELAYED,
                              PRODUCTION_READY: not yet in production */
    PRINT_LULU_PRODUCTION, /* IN_PRODUCTION: printing; the order is done for us */
    PRINT_LULU_SHIPPED,    /* SHIPPED, DELIVERED: tracking known; the job is over */
    PRINT_LULU_FAILED,     /* REJECTED, CANCELED, ERROR: no book will come */
    PRINT_LULU_UNKNOWN,    /* a status this version does not know */
};

enum print_lulu_phase print_lulu_phase(const char *status);

/* A job's status, from the body of GET /print-jobs/{id}/status/ (or the
 * "status" object of a job). */
struct print_lulu_status {
    char *name;       /* "CREATED" ... */
    char *message;    /* Lulu's message, with the line items' errors; may be NULL */
    char *changed;    /* ISO 8601 timestamp, may be NULL */
    json_t *tracking; /* array of {line_item_id, tracking_id, tracking_urls,
                        carrier_name}; NULL when none */
};

/* Reads a status object.  ERR_TRANSIENT when it has no name (an answer we
 * cannot read may be a proxy's page: ask again later). */
int print_lulu_status_parse(const json_t *status, struct print_lulu_status *st,
                            struct err *e);
void print_lulu_status_free(struct print_lulu_status *st);

/* Tracking from a job's line_items (GET /print-jobs/{id}/): the same shape
 * as print_lulu_status.tracking, or NULL when none. */
json_t *print_lulu_job_tracking(const json_t *job);

/* Reads the answer of POST /cover-dimensions/ ({"width": "1368.000",
 * "height": "738.000", "unit": "pt"}; numbers taken too; mm and inch
 * converted) into points.  ERR_TRANSIENT when it cannot be read. */
int print_lulu_dimensions_parse(const json_t *ans, double *w_pt, double *h_pt,
                                struct err *e);

/* The body of POST /validate-interior/ (part "interior": source_url,
 * pod_package_id) or /validate-cover/ (part "cover": source_url,
 * pod_package_id, interior_page_count).  New reference. */
json_t *print_lulu_validation_json(const char *part, const char *source_url,
                                   const char *pod_package_id, int page_count);

/* What a validation's status means. */
enum print_lulu_check {
    PRINT_LULU_CHECKING, /* NULL (not started), VALIDATING, NORMALIZING */
    PRINT_LULU_VALID,    /* VALIDATED, NORMALIZED */
    PRINT_LULU_INVALID,  /* ERROR: errors say why */
    PRINT_LULU_CHECK_UNKNOWN,
};

/* A validation record (the answer of the POST, or of GET
 * /validate-interior/{id}/ or /validate-cover/{id}/). */
struct print_lulu_validation {
    char *id;       /* Lulu's id, as text */
    char *status;   /* "VALIDATING" ...; "NULL" when Lulu sent null */
    char *words;    /* the errors joined by "; ", NULL when none */
    json_t *errors; /* the errors as Lulu sent them (array), or NULL */
    enum print_lulu_check check;
};

/* Reads a validation record.  ERR_TRANSIENT when it has no id. */
int print_lulu_validation_parse(const json_t *ans, struct print_lulu_validation *v,
                                struct err *e);
void print_lulu_validation_free(struct print_lulu_validation *v);

/* Lulu's error answer in words: field errors as "shipping_address.postcode:
 * This field is required." joined by "; ", or the "detail" message, or the
 * body's start when it is not JSON.  Fresh string. */
char *print_lulu_error_words(const char *body, size_t len);

/* 1 when header (the Lulu-HMAC-SHA256 header of a webhook submission) is
 * the hex HMAC-SHA256 of the raw body with secret (the API secret) as key;
 * 0 otherwise, including a missing header.  Compared in constant time. */
int print_lulu_webhook_verify(const void *body, size_t len, const char *header,
                              const char *secret);

#endif
