/*
 * err.h — an error carried up from where it happened to where it is
 * reported: a message in words and a kind that decides what the stage loop
 * does with the order (retry later, fail it, reject the drop).
 *
 * Library functions return -1 and fill a struct err; callers add context
 * with err_prefix() ("order 123: story.json: ...") and pass it on.
 */
#ifndef STORYPRESS_ERR_H
#define STORYPRESS_ERR_H

enum err_kind {
    ERR_NONE = 0,
    ERR_TRANSIENT, /* may work later: timeout, 429, 5xx, database away, disk full */
    ERR_PERMANENT, /* will never work: bad story, refused by a provider, a bug in data */
    ERR_INVALID,   /* the input itself is bad: the drop is rejected */
};

struct err {
    enum err_kind kind;
    char msg[1024]; /* always NUL-terminated; long messages are cut, never overrun */
};

/* Sets the error; returns -1 so that `return err_set(e, ...)` reads well.
 * e may be NULL (the error is then dropped). */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to the message, keeping the kind. Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the error from errno: "<what>: <strerror>", kind chosen from errno
 * (ENOSPC, EIO, ENOMEM, EAGAIN... are transient). Returns -1. */
int err_errno(struct err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void err_clear(struct err *e);

const char *err_kind_name(enum err_kind kind);

#endif
