/*
 * host.h — the name of this storypress host, when several share one
 * database (docs/scaling.md).
 *
 * Each host keeps its own spool and daemons and names itself with the
 * host_name key (default: the machine's hostname).  The name goes with
 * every database connection (db_connect sets storypress.host), so events,
 * API calls, print jobs and the orders a host owns carry it; the default
 * worker name, and so every claim in the spool, starts with it.
 *
 * The name is process-wide: a process is one host.
 */
#ifndef STORYPRESS_HOST_H
#define STORYPRESS_HOST_H

#include "config.h"
#include "err.h"

/* Longest host name. */
#define HOST_NAME_LEN 63

/* 1 when name can name a host: 1..HOST_NAME_LEN of [A-Za-z0-9._-], not
 * starting with a dot or a dash (it becomes part of file names). */
int host_name_ok(const char *name);

/* Sets this process's host name from cfg's host_name (empty: the hostname,
 * with characters a host name may not hold replaced by '-').  ERR_INVALID
 * when the key holds a name host_name_ok() refuses. */
int host_configure(const struct config *cfg, struct err *e);

/* Sets the name directly (tests, tools); the same checks. */
int host_set(const char *name, struct err *e);

/* This host's name: the one set, else the hostname. */
const char *host_name(void);

#endif
