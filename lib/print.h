/*
 * print.h — the print stage's work: hand a finished book (interior.pdf and
 * cover.pdf in the order's folder) to a printer, exactly once per order,
 * and follow the job until the printer has it in hand.
 *
 * The provider is chosen by the configuration (print_provider): "outbox"
 * (the default, offline) writes the job into a directory; "lulu" sends it
 * to Lulu's print API.  Either way the print_jobs row of the order (PRIMARY
 * KEY order_id) is written before the provider is called, and a retry reads
 * it first, so that no book is ever printed twice.  docs/print.md explains
 * the states and the decisions behind them.
 *
 * storypress-print calls print_open() once, print_order() for each claimed
 * order, print_follow() between passes, print_close() at exit.
 */
#ifndef STORYPRESS_PRINT_H
#define STORYPRESS_PRINT_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "db.h"
#include "err.h"

/* Written into the order folder once the printer holds the job. */
#define PRINT_RESULT_FILE "print.json"

enum print_result {
    PRINT_DONE,  /* the printer holds the job: the order moves on to done/ */
    PRINT_WAIT,  /* nothing wrong, not there yet: look again at *wait_until */
    PRINT_RETRY, /* a failure that may go away (e says why) */
    PRINT_FAIL,  /* a failure that will not (e says why, in words) */
};

struct print;

/* Opens the configured provider: reads its configuration and secrets, so
 * that a bad configuration stops the daemon at start. */
struct print *print_open(const struct config *cfg, struct err *e);
void print_close(struct print *p);

/* "outbox", "lulu". */
const char *print_provider_name(const struct print *p);

/* Takes the order one step: submits its job if none was submitted, or asks
 * how the job is doing.  dir is the order folder (the claimed entry).  On
 * PRINT_WAIT, *wait_until is when to ask again (unix seconds).  *detail
 * receives, when not NULL, a JSON object for the transition event (the
 * caller owns it). */
enum print_result print_order(struct print *p, struct db *db, const char *id,
                              const json_t *order, const char *dir, long long *wait_until,
                              json_t **detail, struct err *e);

/* Between passes: asks about jobs whose orders already left print/ (a book
 * moves on once in production; tracking comes later).  Returns early once
 * *stopping becomes non-zero. */
void print_follow(struct print *p, struct db *db, volatile int *stopping);

/*
 * For the providers (print_outbox.c, print_lulu.c) and the tests.
 */

/* What a provider needs to know of one book. */
struct print_book {
    const char *id;
    const json_t *order;
    const char *dir;
    char *interior, *cover; /* paths of the PDFs in the order folder */
    char interior_sha256[65], cover_sha256[65];
    char interior_md5[33], cover_md5[33];
    const char *trim, *binding; /* "8.5x8.5", "hardcover" */
    const char *shipping_level; /* "MAIL" ... */
    int story_pages;            /* book.pages of the order, 0 when absent */
    int page_count;             /* pages of interior.pdf, 0 when unknown */
    char *title;                /* story.json's title, else a made-up one */
    json_t *shipping_address;   /* the order's address, in Lulu's field names */
};

/* Reads what the book needs from the order and its folder: checks that both
 * PDFs are there, computes their checksums and page count.  A missing PDF
 * or order field is ERR_PERMANENT naming it. */
int print_book_load(struct print_book *b, const char *id, const json_t *order,
                    const char *dir, struct err *e);
void print_book_free(struct print_book *b);

/* The shipping address of an order in Lulu's field names (name, street1,
 * street2, city, state_code, postcode, country_code, phone_number, email):
 * a new object; email falls back to the customer's. */
json_t *print_shipping_address(const json_t *order);

/* {"interior": {"sha256", "md5"}, "cover": {...}} (new reference). */
json_t *print_book_checksums(const struct print_book *b);

/* The order's print_jobs row. */
struct print_row {
    int found;
    char *provider, *state, *provider_job_id, *status, *cost, *currency;
    json_t *checksums, *published, *status_detail, *tracking; /* NULL when SQL NULL */
};

/* Loads it; r->found is 0 when the order has none. */
int print_row_load(struct db *db, const char *id, struct print_row *r, struct err *e);
void print_row_free(struct print_row *r);

/* Records the intent to submit, in its own statement (so committed before
 * the provider is called): state 'intent', external_id = id.  published may
 * be NULL.  Returns 0 when written, 1 when the order already had a row
 * (left as it was), -1 on error. */
int print_row_intent(struct db *db, const char *id, const char *provider,
                     const json_t *checksums, const json_t *published, struct err *e);

/* Records a status seen at the provider: status, its history in
 * status_detail (appended when it changed), last_polled_at, and tracking
 * when not NULL.  message and changed may be NULL. */
int print_row_status(struct db *db, const char *id, const char *status,
                     const char *message, const char *changed, const json_t *tracking,
                     struct err *e);

/* Runs sql (an UPDATE ... RETURNING order_id) with text params; -1 with e
 * set when it fails or touches no row. */
int print_row_update(struct db *db, const char *id, const char *sql, int nparams,
                     const char *const *params, struct err *e);

/* The message of the latest status in r->status_detail, or NULL. */
const char *print_row_message(const struct print_row *r);

/* print.json's content for a row: provider, job_id, external_id, status,
 * status_message, cost, currency, tracking, checksums (a new object). */
json_t *print_row_result(const struct print_row *r, const char *id);

/* Writes PRINT_RESULT_FILE into dir, atomically. */
int print_write_result(const char *dir, const json_t *result, struct err *e);

/* SHA-256 and MD5 of a file, in lower-case hex, in one read. */
int print_file_sums(const char *path, char sha256[65], char md5[33], struct err *e);

/* nbytes random bytes from getrandom(2) as 2 × nbytes lower-case hex digits
 * into out (at least 2 × nbytes + 1 bytes). */
int print_random_hex(char *out, size_t nbytes, struct err *e);

/* A name for a published file that cannot be guessed: 128 random bits in
 * hex, then suffix ("<32 hex>.pdf"); fresh string. */
char *print_secret_name(const char *suffix, struct err *e);

/* The pages of a PDF, counted from its page objects (or its page tree's
 * /Count): 0 when it cannot tell. */
int print_pdf_pages(const char *path, int *pages, struct err *e);

/* The size of a PDF's first page in points, as poppler reads it (the crop
 * box, which is the media box when the PDF gives none, as cairo's do). */
int print_pdf_page_size(const char *path, double *w_pt, double *h_pt, struct err *e);

/* Hard-links from to to, or copies when they are on different filesystems.
 * An existing to is an error (EEXIST). */
int print_place_file(const char *from, const char *to, struct err *e);

/* A provider. */
struct print_provider {
    const char *name;
    int (*open)(const struct config *cfg, void **st, struct err *e);
    /* One step for one order (print_order); row is its print_jobs row. */
    enum print_result (*order)(void *st, struct db *db, const char *id,
                               const json_t *order, const char *dir,
                               struct print_row *row, long long *wait_until,
                               json_t **detail, struct err *e);
    void (*follow)(void *st, struct db *db, volatile int *stopping); /* may be NULL */
    void (*close)(void *st);
};

extern const struct print_provider print_outbox_provider;
extern const struct print_provider print_lulu_provider;

#endif
