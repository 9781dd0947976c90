/*
 * err.c — filling and extending a struct err (see err.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    char prefix[512], old[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old);
    if (e->kind == ERR_NONE)
        e->kind = ERR_PERMANENT;
    return -1;
}

/* Errors that another try may not meet: resources, the network, locks. */
static int
err_errno_transient(int errnum)
{
    switch (errnum) {
    case ENOSPC: case EDQUOT: case EIO: case ENOMEM: case EAGAIN: case EINTR:
    case EMFILE: case ENFILE: case EBUSY: case ETIMEDOUT: case ECONNREFUSED:
    case ECONNRESET: case EHOSTUNREACH: case ENETUNREACH: case ESTALE:
        return 1;
    default:
        return 0;
    }
}

int
err_errno(struct err *e, int errnum, const char *fmt, ...)
{
    if (!e)
        return -1;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(e->msg, sizeof e->msg, "%s: %s", what, strerror(errnum));
    e->kind = err_errno_transient(errnum) ? ERR_TRANSIENT : ERR_PERMANENT;
    return -1;
}

void
err_clear(struct err *e)
{
    if (e) {
        e->kind = ERR_NONE;
        e->msg[0] = 0;
    }
}

const char *
err_kind_name(enum err_kind kind)
{
    switch (kind) {
    case ERR_NONE: return "none";
    case ERR_TRANSIENT: return "transient";
    case ERR_PERMANENT: return "permanent";
    case ERR_INVALID: return "invalid";
    }
    return "?";
}
