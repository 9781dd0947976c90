/*
 * ratelimit.c — provider limits shared by every host (see ratelimit.h).
 *
 * The token bucket is one row; a take computes the refill and the grant in
 * one UPDATE, so PostgreSQL's row lock is the only serialisation and a take
 * is one round trip.  The expressions read the row's old values (SET sees
 * the row as it was); ts is the statement's own time, and refilled_at never
 * goes back, so a take that waited for the row lock credits no refill twice.
 *
 * A lease takes the lowest slot nobody holds (or whose lease expired) with
 * one INSERT ... ON CONFLICT DO UPDATE ... WHERE expired: two hosts racing
 * for one slot cannot both win it; the loser sees no row and tries again.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "db.h"
#include "host.h"
#include "log.h"
#include "ratelimit.h"

/* At most this many slots per provider (openai_max_in_flight's bound). */
#define RL_MAX_SLOTS 64

struct rl {
    struct db *db;
    char *provider;
    struct rl_limits lim;
    unsigned long seq;              /* of the last lease taken */
    unsigned long held[RL_MAX_SLOTS]; /* per slot: the sequence of our lease, 0 none */
    int ready; /* the provider's row is written */
};

/* The tokens the row holds now, refilled (old values, ts = now). */
#define RL_AVAIL                                                                             \
    "least(burst, tokens + greatest(0, extract(epoch FROM statement_timestamp() - refilled_at))" \
    " * rpm / 60.0)"
#define RL_BLOCKED "coalesce(blocked_until > statement_timestamp(), false)"

static const char rl_take_sql[] =
    "UPDATE rate_limits SET"
    " granted = NOT " RL_BLOCKED " AND " RL_AVAIL " >= 1,"
    " tokens = CASE WHEN " RL_BLOCKED " THEN tokens"
    "               WHEN " RL_AVAIL " >= 1 THEN " RL_AVAIL " - 1 ELSE " RL_AVAIL " END,"
    " refilled_at = CASE WHEN " RL_BLOCKED " THEN refilled_at"
    "                    ELSE greatest(refilled_at, statement_timestamp()) END,"
    " taken = taken + CASE WHEN NOT " RL_BLOCKED " AND " RL_AVAIL " >= 1 THEN 1 ELSE 0 END"
    " WHERE provider = $1"
    " RETURNING granted,"
    " CASE WHEN " RL_BLOCKED " THEN extract(epoch FROM blocked_until - statement_timestamp())"
    "      WHEN granted THEN 0 ELSE (1 - tokens) * 60.0 / rpm END::float8";

static const char rl_row_sql[] =
    "INSERT INTO rate_limits (provider, rpm, burst, max_in_flight, tokens)"
    " VALUES ($1, $2, $3, $4, $3)"
    " ON CONFLICT (provider) DO UPDATE SET rpm = EXCLUDED.rpm, burst = EXCLUDED.burst,"
    " max_in_flight = EXCLUDED.max_in_flight, tokens = least(rate_limits.tokens, EXCLUDED.burst)"
    " WHERE (rate_limits.rpm, rate_limits.burst, rate_limits.max_in_flight)"
    "       IS DISTINCT FROM (EXCLUDED.rpm, EXCLUDED.burst, EXCLUDED.max_in_flight)";

static const char rl_lease_sql[] =
    "INSERT INTO rate_leases (provider, slot, host, holder, expires_at)"
    " SELECT $1, s, current_setting('storypress.host'), $2,"
    "        clock_timestamp() + $3::integer * interval '1 second'"
    " FROM rate_limits r, generate_series(0, r.max_in_flight - 1) s"
    " WHERE r.provider = $1 AND NOT EXISTS (SELECT 1 FROM rate_leases l"
    "       WHERE l.provider = $1 AND l.slot = s AND l.expires_at > clock_timestamp())"
    " ORDER BY s LIMIT 1"
    " ON CONFLICT (provider, slot) DO UPDATE SET host = EXCLUDED.host, holder = EXCLUDED.holder,"
    " expires_at = EXCLUDED.expires_at WHERE rate_leases.expires_at <= clock_timestamp()"
    " RETURNING slot";

/* "host/pid/sequence": who holds a lease, unique to one lease. */
static void
rl_holder(char *buf, size_t len, unsigned long seq)
{
    snprintf(buf, len, "%s/%ld/%lu", host_name(), (long)getpid(), seq);
}

double
rl_default_burst(long rpm)
{
    return rpm / 12 > 1 ? (double)(rpm / 12) : 1.0;
}

struct rl *
rl_open(const char *conninfo, const char *provider, const struct rl_limits *lim)
{
    struct rl *rl = calloc(1, sizeof *rl);
    if (!rl)
        abort();
    rl->db = db_new(conninfo);
    rl->provider = strdup(provider);
    if (!rl->provider)
        abort();
    rl->lim = *lim;
    if (rl->lim.burst < 1)
        rl->lim.burst = 1;
    return rl;
}

void
rl_close(struct rl *rl)
{
    if (!rl)
        return;
    db_free(rl->db);
    free(rl->provider);
    free(rl);
}

/* Writes the provider's row (once per connection's life of this limiter). */
static int
rl_ready(struct rl *rl, struct err *e)
{
    if (rl->ready)
        return 0;
    char rpm[24], burst[40], mif[24];
    snprintf(rpm, sizeof rpm, "%ld", rl->lim.rpm);
    snprintf(burst, sizeof burst, "%.6f", rl->lim.burst);
    snprintf(mif, sizeof mif, "%ld", rl->lim.max_in_flight);
    const char *p[] = {rl->provider, rpm, burst, mif};
    PGresult *r = db_exec(rl->db, e, rl_row_sql, 4, p);
    if (!r)
        return err_prefix(e, "%s rate limit", rl->provider);
    PQclear(r);
    rl->ready = 1;
    return 0;
}

int
rl_take(struct rl *rl, double *wait_s, struct err *e)
{
    *wait_s = 0;
    if (rl_ready(rl, e) < 0)
        return -1;
    const char *p[] = {rl->provider};
    PGresult *r = db_exec(rl->db, e, rl_take_sql, 1, p);
    if (!r)
        return err_prefix(e, "%s rate limit", rl->provider);
    if (PQntuples(r) != 1) {
        PQclear(r);
        rl->ready = 0; /* the row went away (an operator): write it again */
        *wait_s = 0.01;
        return 1;
    }
    int granted = PQgetvalue(r, 0, 0)[0] == 't';
    double w = strtod(PQgetvalue(r, 0, 1), NULL);
    PQclear(r);
    if (granted)
        return 0;
    *wait_s = w > 0.001 ? w : 0.001;
    return 1;
}

int
rl_lease(struct rl *rl, int *slot, double *wait_s, struct err *e)
{
    *slot = -1;
    *wait_s = 0;
    if (rl_ready(rl, e) < 0)
        return -1;
    char holder[HOST_NAME_LEN + 48];
    unsigned long seq = ++rl->seq;
    rl_holder(holder, sizeof holder, seq);
    char lease[24];
    snprintf(lease, sizeof lease, "%ld", rl->lim.lease_s);
    const char *p[] = {rl->provider, holder, lease};
    PGresult *r = db_exec(rl->db, e, rl_lease_sql, 3, p);
    if (!r)
        return err_prefix(e, "%s in-flight limit", rl->provider);
    int got = PQntuples(r) == 1;
    if (got)
        *slot = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (got && *slot >= 0 && *slot < RL_MAX_SLOTS) {
        rl->held[*slot] = seq;
        return 0;
    }
    /* Every slot is out: a request usually takes a second or more. */
    *wait_s = 0.05;
    return 1;
}

int
rl_release(struct rl *rl, int slot, struct err *e)
{
    if (slot < 0)
        return 0;
    char s[16];
    snprintf(s, sizeof s, "%d", slot);
    if (slot >= RL_MAX_SLOTS || !rl->held[slot])
        return 0;
    /* Only our own lease: one that expired may be someone else's by now. */
    char holder[HOST_NAME_LEN + 48];
    rl_holder(holder, sizeof holder, rl->held[slot]);
    rl->held[slot] = 0;
    const char *p[] = {rl->provider, s, holder};
    PGresult *r = db_exec(rl->db, e,
                          "DELETE FROM rate_leases WHERE provider = $1 AND slot = $2::integer"
                          " AND holder = $3",
                          3, p);
    if (!r)
        return err_prefix(e, "%s in-flight limit", rl->provider);
    PQclear(r);
    return 0;
}

int
rl_block(struct rl *rl, double seconds, struct err *e)
{
    if (rl_ready(rl, e) < 0)
        return -1;
    char s[40];
    snprintf(s, sizeof s, "%.3f", seconds);
    const char *p[] = {rl->provider, s};
    PGresult *r = db_exec(rl->db, e,
                          "UPDATE rate_limits SET blocked_until = greatest(blocked_until,"
                          " clock_timestamp() + $2::float8 * interval '1 second'), tokens = 0,"
                          " refilled_at = greatest(refilled_at, clock_timestamp()"
                          " + $2::float8 * interval '1 second') WHERE provider = $1",
                          2, p);
    if (!r)
        return err_prefix(e, "%s rate limit", rl->provider);
    PQclear(r);
    log_notice("%s: rate limited; every host waits %.0f s", rl->provider, seconds);
    return 0;
}

struct rl *
rl_for(const struct config *cfg, const char *provider)
{
    if (strcmp(config_str(cfg, "rate_limit"), "shared") != 0)
        return NULL;
    char k_rpm[64], k_mif[64];
    snprintf(k_rpm, sizeof k_rpm, "%s_rpm", provider);
    snprintf(k_mif, sizeof k_mif, "%s_max_in_flight", provider);
    long rpm = config_int(cfg, k_rpm);
    struct rl_limits lim = {rpm, rl_default_burst(rpm), config_int(cfg, k_mif),
                            config_int(cfg, "rate_lease_seconds")};
    return rl_open(config_str(cfg, "database"), provider, &lim);
}

/* Sleeps s seconds (at most 5 at a time), telling the watchdog we live. */
static void
rl_sleep(double s)
{
    if (s > 5)
        s = 5;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    sd_notify(0, "WATCHDOG=1");
}

int
rl_acquire(struct rl *rl, int *slot, struct err *e)
{
    *slot = -1;
    if (!rl)
        return 0;
    double w;
    int rc;
    while ((rc = rl_lease(rl, slot, &w, e)) == 1)
        rl_sleep(w);
    if (rc < 0)
        return -1;
    while ((rc = rl_take(rl, &w, e)) == 1)
        rl_sleep(w);
    if (rc < 0) {
        struct err e2 = {0};
        rl_release(rl, *slot, &e2);
        *slot = -1;
        return -1;
    }
    return 0;
}

void
rl_done(struct rl *rl, int slot, long status, long retry_after_s)
{
    if (!rl)
        return;
    struct err e = {0};
    if (rl_release(rl, slot, &e) < 0)
        log_warn("%s (the slot returns when its lease expires)", e.msg);
    if (status == 429 && retry_after_s >= 0 &&
        rl_block(rl, retry_after_s > 0 ? (double)retry_after_s : 1.0, &e) < 0)
        log_warn("%s", e.msg);
}
