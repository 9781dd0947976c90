/*
 * ratelimit.h — one provider limit for every host, held in PostgreSQL
 * (tables rate_limits and rate_leases, sql/008_hosts.sql).
 *
 * OpenAI's limits are per organisation and Lulu's per account, not per
 * host: N hosts together must stay under them.  Two limits per provider:
 *   - requests per minute: a token bucket, one row, refilled at rpm/60
 *     tokens a second up to burst; a take is one UPDATE of that row, so
 *     any number of hosts and workers take tokens without a lock of ours;
 *   - requests in flight: max_in_flight slots, each a leased row; a lease
 *     expires after lease_s, so the slots of a host that died come back.
 * A 429 with Retry-After sets the row's blocked_until: every host waits.
 *
 * The limiter keeps its own connection (never inside a caller's
 * transaction).  Used by openai.c and print_lulu.c when rate_limit = shared.
 */
#ifndef STORYPRESS_RATELIMIT_H
#define STORYPRESS_RATELIMIT_H

#include "err.h"

struct rl;

struct rl_limits {
    long rpm;           /* requests per minute, sustained */
    double burst;       /* tokens saved up at most (>= 1) */
    long max_in_flight; /* requests out at once, all hosts together */
    long lease_s;       /* a slot not given back returns after this long */
};

/* A limiter for provider on the database conninfo ("" : libpq's
 * defaults).  Connects on first use; the limits are written into the
 * provider's row then (the last host to start sets them). */
struct rl *rl_open(const char *conninfo, const char *provider, const struct rl_limits *lim);
void rl_close(struct rl *rl);

/* The default burst for rpm: five seconds' worth, at least 1. */
double rl_default_burst(long rpm);

/* Takes one token.  0: send now; 1: wait *wait_s seconds first (no token
 * taken); -1: the database failed (e set, ERR_TRANSIENT when it may come
 * back). */
int rl_take(struct rl *rl, double *wait_s, struct err *e);

/* Leases a slot for one request in flight.  0: *slot is yours until
 * rl_release(); 1: every slot is out, try again in *wait_s; -1: e set. */
int rl_lease(struct rl *rl, int *slot, double *wait_s, struct err *e);

/* Gives a slot back (a lease that expired meanwhile is left alone). */
int rl_release(struct rl *rl, int slot, struct err *e);

/* A rate limit answered: no host sends before seconds from now. */
int rl_block(struct rl *rl, double seconds, struct err *e);

/* The shared limiter of provider ("openai": openai_rpm, openai_max_in_flight;
 * "lulu": lulu_rpm, lulu_max_in_flight) when rate_limit = shared; NULL when
 * rate_limit = host. */
struct config;
struct rl *rl_for(const struct config *cfg, const char *provider);

/* For a client making one blocking request at a time: waits (keeping
 * systemd's watchdog fed) for a slot and then a token.  rl NULL: nothing to
 * wait for (*slot = -1).  -1 when the database failed (e set). */
int rl_acquire(struct rl *rl, int *slot, struct err *e);

/* After that request: gives the slot back and, on a 429 with Retry-After
 * (retry_after_s >= 0), holds every host back.  Failures are logged. */
void rl_done(struct rl *rl, int slot, long status, long retry_after_s);

#endif
