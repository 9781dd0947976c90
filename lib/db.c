/*
 * db.c — PostgreSQL through libpq (see db.h).
 *
 * Every write that belongs to a move happens in one transaction with its
 * NOTIFY, so a listener never hears of a move that was not recorded.
 * Errors are graded by SQLSTATE: a lost connection, a serialization
 * failure, a server shutting down or out of resources is transient (try
 * again later); anything else is a permanent error, usually a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "embed.h"
#include "host.h"
#include "log.h"

/* Key of the advisory lock that serialises migrations ("stry" "migr"). */
#define DB_MIGRATE_LOCK "7526738173069216882"

struct db {
    char *conninfo;
    PGconn *conn;
};

struct db *
db_new(const char *conninfo)
{
    struct db *db = calloc(1, sizeof *db);
    if (!db)
        abort();
    db->conninfo = strdup(conninfo ? conninfo : "");
    if (!db->conninfo)
        abort();
    return db;
}

void
db_free(struct db *db)
{
    if (!db)
        return;
    if (db->conn)
        PQfinish(db->conn);
    free(db->conninfo);
    free(db);
}

/* libpq's messages end in a newline and may hold several lines. */
static const char *
db_message(const char *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s", m ? m : "");
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = ' ';
    size_t l = strlen(buf);
    while (l > 0 && buf[l - 1] == ' ')
        buf[--l] = 0;
    return buf;
}

int
db_connect(struct db *db, struct err *e)
{
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    if (db->conn) {
        PQfinish(db->conn);
        db->conn = NULL;
    }
    db->conn = PQconnectdb(db->conninfo);
    if (!db->conn)
        return err_set(e, ERR_TRANSIENT, "database: out of memory");
    if (PQstatus(db->conn) != CONNECTION_OK) {
        char buf[512];
        err_set(e, ERR_TRANSIENT, "database: cannot connect: %s",
                db_message(PQerrorMessage(db->conn), buf, sizeof buf));
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    PGresult *r = PQexec(db->conn, "SET client_min_messages = warning");
    PQclear(r);
    /* Which host this is: the host columns (sql/008_hosts.sql) default to it. */
    const char *hp[] = {host_name()};
    r = PQexecParams(db->conn, "SELECT set_config('storypress.host', $1, false)", 1, NULL, hp,
                     NULL, NULL, 0);
    int set = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!set) {
        char buf[512];
        err_set(e, ERR_TRANSIENT, "database: cannot name the host: %s",
                db_message(PQerrorMessage(db->conn), buf, sizeof buf));
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    return 0;
}

int
db_wait(struct db *db, int cap, volatile int *stop, struct err *e)
{
    int delay = 1, logged = 0;
    while (db_connect(db, e) < 0) {
        if (stop && *stop)
            return -1;
        if (!logged++)
            log_warn("%s; retrying", e->msg);
        for (int i = 0; i < delay * 10 && !(stop && *stop); i++)
            usleep(100000);
        delay = delay * 2 > cap ? cap : delay * 2;
    }
    if (logged)
        log_notice("database: connected again");
    return 0;
}

PGconn *
db_conn(struct db *db)
{
    return db->conn;
}

/* Fills e from a failed result; transient when another try may work. */
static int
db_fail(struct db *db, PGresult *r, struct err *e, const char *what)
{
    char buf[512];
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(db->conn);
    int transient = PQstatus(db->conn) != CONNECTION_OK || !state ||
                    strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
                    strncmp(state, "57", 2) == 0 || strcmp(state, "40001") == 0 ||
                    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0;
    err_set(e, transient ? ERR_TRANSIENT : ERR_PERMANENT, "database: %s: %s", what,
            db_message(msg, buf, sizeof buf));
    if (PQstatus(db->conn) != CONNECTION_OK) {
        PQfinish(db->conn);
        db->conn = NULL;
    }
    return -1;
}

PGresult *
db_exec(struct db *db, struct err *e, const char *sql, int nparams, const char *const *params)
{
    if (db_connect(db, e) < 0)
        return NULL;
    PGresult *r = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    /* The first word of the statement is enough to say what failed. */
    char what[40];
    snprintf(what, sizeof what, "%s", sql);
    what[strcspn(what, " \n(")] = 0;
    db_fail(db, r, e, what);
    PQclear(r);
    return NULL;
}

/* Runs a statement whose result is not needed. */
static int
db_run(struct db *db, struct err *e, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = db_exec(db, e, sql, nparams, params);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int
db_begin(struct db *db, struct err *e)
{
    return db_run(db, e, "BEGIN", 0, NULL);
}

int
db_commit(struct db *db, struct err *e)
{
    return db_run(db, e, "COMMIT", 0, NULL);
}

void
db_rollback(struct db *db)
{
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK) {
        PGresult *r = PQexec(db->conn, "ROLLBACK");
        PQclear(r);
    }
}

/* ---- migrations ---- */

struct db_migration_walk {
    struct db *db;
    struct err *e;
    int applied;
    int behind; /* count only, apply nothing */
};

static int
db_migration_version(const char *name)
{
    const char *base = strrchr(name, '/');
    return atoi(base ? base + 1 : name);
}

static int
db_migration_apply(const struct embed_file *f, void *arg)
{
    struct db_migration_walk *w = arg;
    size_t nl = strlen(f->name);
    if (nl < 5 || strcmp(f->name + nl - 4, ".sql") != 0)
        return 0;
    int version = db_migration_version(f->name);
    if (version <= 0)
        return 0;
    char vbuf[16];
    snprintf(vbuf, sizeof vbuf, "%d", version);
    const char *p[] = {vbuf};
    PGresult *r = db_exec(w->db, w->e, "SELECT 1 FROM schema_migrations WHERE version = $1",
                          1, p);
    if (!r)
        return -1;
    int done = PQntuples(r) > 0;
    PQclear(r);
    if (done)
        return 0;
    if (w->behind) {
        w->applied++;
        return 0;
    }
    if (db_begin(w->db, w->e) < 0)
        return -1;
    /* PQexec, not PQexecParams: a migration holds several statements. */
    r = PQexec(w->db->conn, (const char *)f->data);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        db_fail(w->db, r, w->e, f->name);
        PQclear(r);
        db_rollback(w->db);
        return -1;
    }
    PQclear(r);
    const char *p2[] = {vbuf, f->name};
    if (db_run(w->db, w->e, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2,
               p2) < 0 ||
        db_commit(w->db, w->e) < 0) {
        db_rollback(w->db);
        return -1;
    }
    log_notice("database: applied migration %s", f->name);
    w->applied++;
    return 0;
}

static int
db_migrations_table(struct db *db, struct err *e)
{
    return db_run(db, e,
                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
                  " version integer PRIMARY KEY, name text NOT NULL,"
                  " applied_at timestamptz NOT NULL DEFAULT now())",
                  0, NULL);
}

int
db_migrate(struct db *db, int *applied, struct err *e)
{
    if (applied)
        *applied = 0;
    if (db_run(db, e, "SELECT pg_advisory_lock(" DB_MIGRATE_LOCK ")", 0, NULL) < 0)
        return -1;
    struct db_migration_walk w = {db, e, 0, 0};
    int rc = db_migrations_table(db, e);
    if (rc == 0)
        rc = embed_each("sql/", db_migration_apply, &w);
    struct err e2;
    if (db->conn && db_run(db, &e2, "SELECT pg_advisory_unlock(" DB_MIGRATE_LOCK ")", 0,
                           NULL) < 0 && rc == 0) {
        *e = e2;
        rc = -1;
    }
    if (applied)
        *applied = w.applied;
    return rc < 0 ? -1 : 0;
}

int
db_schema_behind(struct db *db, struct err *e)
{
    PGresult *r = db_exec(db, e, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0,
                          NULL);
    if (!r)
        return -1;
    int exists = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists)
        return 1;
    struct db_migration_walk w = {db, e, 0, 1};
    if (embed_each("sql/", db_migration_apply, &w) < 0)
        return -1;
    return w.applied > 0;
}

/* ---- records ---- */

static char *
db_notify_payload(const char *id, const char *from, const char *to, const char *worker)
{
    char at[40];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *j = json_pack("{s:s, s:s?, s:s, s:s, s:s}", "order_id", id, "from", from, "to", to,
                          "at", at, "worker", worker);
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s)
        abort();
    return s;
}

/* Inserts the event and sends the NOTIFY; inside the caller's transaction. */
static int
db_event(struct db *db, const char *id, const char *from, const char *to, const char *worker,
         const json_t *detail, struct err *e)
{
    char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    const char *p[] = {id, from, to, worker, d};
    int rc = db_run(db, e,
                    "INSERT INTO order_events (order_id, from_state, to_state, worker, detail)"
                    " VALUES ($1, $2, $3, $4, $5::jsonb)",
                    5, p);
    free(d);
    if (rc < 0)
        return -1;
    char *payload = db_notify_payload(id, from, to, worker);
    const char *p2[] = {DB_NOTIFY_CHANNEL, payload};
    rc = db_run(db, e, "SELECT pg_notify($1, $2)", 2, p2);
    free(payload);
    return rc;
}

/* Over a limit?  Returns 1 (e->msg says which), 0, or -1.  Inside the
 * intake transaction, after the customer row was written (and so locked). */
static int
db_quota_over(struct db *db, const char *cid, const struct db_quota *q, struct err *e)
{
    static const char today[] =
        "received_at >= (date_trunc('day', now() AT TIME ZONE $2) AT TIME ZONE $2)";
    char sql[1024];
    /* Most shops set no quota: find that out with index lookups only,
     * before counting anything. */
    const char *p0[] = {cid};
    PGresult *r = db_exec(db, e,
                          "SELECT (SELECT daily_limit FROM quotas"
                          "        WHERE scope = 'customer' AND key = $1),"
                          " EXISTS (SELECT 1 FROM customer_groups g JOIN quotas q"
                          "         ON q.scope = 'group' AND q.key = g.group_name"
                          "         WHERE g.customer_id = $1)",
                          1, p0);
    if (!r)
        return -1;
    int own = !PQgetisnull(r, 0, 0);
    long limit = own ? atol(PQgetvalue(r, 0, 0)) : q->default_daily;
    int groups = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (!own && limit <= 0 && !groups)
        return 0;
    long used = 0;
    if (own || limit > 0) {
        const char *p[] = {cid, q->timezone};
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM orders WHERE customer_id = $1 AND %s", today);
        r = db_exec(db, e, sql, 2, p);
        if (!r)
            return -1;
        used = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    if ((own || limit > 0) && used >= limit) {
        err_set(e, ERR_INVALID, "customer %s: over its daily quota (%ld of %ld orders today)",
                cid, used, limit);
        return 1;
    }
    /* Each group the customer is in: lock the group, then count its members'
     * orders today. */
    snprintf(sql, sizeof sql,
             "SELECT g.group_name, q.daily_limit,"
             " pg_advisory_xact_lock(hashtext('storypress-quota:' || g.group_name)) IS NULL"
             " FROM customer_groups g JOIN quotas q ON q.scope = 'group' AND q.key = g.group_name"
             " WHERE g.customer_id = $1 ORDER BY g.group_name");
    if (!groups)
        return 0;
    const char *p1[] = {cid};
    r = db_exec(db, e, sql, 1, p1);
    if (!r)
        return -1;
    int over = 0;
    for (int i = 0; i < PQntuples(r) && !over; i++) {
        const char *group = PQgetvalue(r, i, 0);
        long glimit = atol(PQgetvalue(r, i, 1));
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM orders WHERE %s AND customer_id IN"
                 " (SELECT customer_id FROM customer_groups WHERE group_name = $1)",
                 today);
        const char *pg[] = {group, q->timezone};
        PGresult *c = db_exec(db, e, sql, 2, pg);
        if (!c) {
            PQclear(r);
            return -1;
        }
        long gused = atol(PQgetvalue(c, 0, 0));
        PQclear(c);
        if (gused >= glimit) {
            err_set(e, ERR_INVALID, "group %s: over its daily quota (%ld of %ld orders today)",
                    group, gused, glimit);
            over = 1;
        }
    }
    PQclear(r);
    return over;
}

int
db_order_intake(struct db *db, const json_t *order, const char *canonical, const char *worker,
                struct err *e)
{
    return db_order_intake_quota(db, order, canonical, worker, NULL, e);
}

int
db_order_intake_quota(struct db *db, const json_t *order, const char *canonical,
                      const char *worker, const struct db_quota *q, struct err *e)
{
    const char *id = json_string_value(json_object_get(order, "order_id"));
    const json_t *cust = json_object_get(order, "customer");
    const char *cid = json_string_value(json_object_get(cust, "id"));
    const char *cemail = json_string_value(json_object_get(cust, "email"));
    const char *cname = json_string_value(json_object_get(cust, "name"));
    if (!id || !cid || !cemail || !cname)
        return err_set(e, ERR_PERMANENT, "intake: the order lacks its id or customer");
    char *oj = json_dumps(order, JSON_COMPACT);
    if (!oj)
        abort();
    int result = -1;
    if (db_begin(db, e) < 0)
        goto out;
    const char *pc[] = {cid, cemail, cname};
    if (db_run(db, e,
               "INSERT INTO customers (id, email, name) VALUES ($1, $2, $3)"
               " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name",
               3, pc) < 0)
        goto rollback;
    const char *pf[] = {id};
    PGresult *rf = db_exec(db, e,
                           "SELECT id FROM orders WHERE lower(id) = lower($1) AND id <> $1",
                           1, pf);
    if (!rf)
        goto rollback;
    int folded = PQntuples(rf) > 0;
    PQclear(rf);
    if (folded) {
        db_rollback(db);
        result = 3;
        goto out;
    }
    /* A repeat of a known order is not a new order: no quota for it. */
    const char *pk[] = {id};
    PGresult *r = db_exec(db, e, "SELECT 1 FROM orders WHERE id = $1", 1, pk);
    if (!r)
        goto rollback;
    int known = PQntuples(r) > 0;
    PQclear(r);
    const char *first = "story";
    if (q && !known) {
        int over = db_quota_over(db, cid, q, e);
        if (over < 0)
            goto rollback;
        if (over && !q->hold) {
            db_rollback(db);
            result = 4;
            goto out;
        }
        if (over)
            first = "hold";
    }
    const char *po[] = {id, cid, canonical, oj, first};
    r = db_exec(db, e,
                "INSERT INTO orders (id, customer_id, state, canonical, order_json)"
                " VALUES ($1, $2, $5, $3, $4::jsonb)"
                " ON CONFLICT (id) DO NOTHING",
                5, po);
    if (!r)
        goto rollback;
    int inserted = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (!inserted) {
        /* The id is known: the same order again, or another one under its id. */
        /* Taken by another host: never a repeat here, whatever its bytes
         * (the other host's spool holds it; this one must not run it too). */
        const char *pq[] = {id, canonical};
        r = db_exec(db, e,
                    "SELECT canonical = $2 AND coalesce(host = current_setting('storypress.host'),"
                    " true) FROM orders WHERE id = $1",
                    2, pq);
        if (!r)
            goto rollback;
        result = PQntuples(r) > 0 && PQgetvalue(r, 0, 0)[0] == 't' ? 1 : 2;
        PQclear(r);
        db_rollback(db);
        goto out;
    }
    json_t *detail = strcmp(first, "hold") == 0 ? json_pack("{s:s}", "quota", e->msg) : NULL;
    int rc = db_event(db, id, "incoming", first, worker, detail, e);
    json_decref(detail);
    if (rc < 0 || db_commit(db, e) < 0)
        goto rollback;
    result = strcmp(first, "hold") == 0 ? 4 : 0;
    goto out;
rollback:
    db_rollback(db);
out:
    free(oj);
    return result;
}

/* Locks the order's row for the caller's transaction and puts its state
 * in *now; fails when the order is unknown or another host owns it. */
static int
db_lock_owned(struct db *db, const char *order_id, enum state *now, struct err *e)
{
    const char *p[] = {order_id};
    PGresult *r = db_exec(db, e,
                          "SELECT state, host, host IS NULL OR host = current_setting("
                          "'storypress.host') FROM orders WHERE id = $1 FOR UPDATE",
                          1, p);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = err_set(e, ERR_PERMANENT, "%s: not in the database (run storypress fsck --repair)",
                     order_id);
    else if (PQgetvalue(r, 0, 2)[0] != 't')
        /* Another host owns it (storypress adopt gave it away): this copy
         * must not go on, or the book could be printed twice. */
        rc = err_set(e, ERR_PERMANENT, "%s: owned by host %s, not by %s (storypress adopt)",
                     order_id, PQgetvalue(r, 0, 1), host_name());
    else
        *now = state_from_name(PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

int
db_record_transition(struct db *db, const char *order_id, enum state from, enum state to,
                     const char *worker, const json_t *detail, struct err *e)
{
    if (db_begin(db, e) < 0)
        return -1;
    enum state now;
    if (db_lock_owned(db, order_id, &now, e) < 0)
        goto rollback;
    if (now == to) {
        /* Recorded before a crash that came before the rename. */
        db_rollback(db);
        return 0;
    }
    json_t *d = detail ? json_deep_copy(detail) : json_object();
    if (now != from)
        json_object_set_new(d, "spool_from", json_string(state_name(from)));
    const char *pu[] = {order_id, state_name(to)};
    int rc = db_run(db, e,
                    "UPDATE orders SET state = $2, attempts = 0, next_attempt = NULL,"
                    " host = coalesce(host, current_setting('storypress.host')),"
                    " updated_at = now() WHERE id = $1",
                    2, pu);
    if (rc == 0)
        rc = db_event(db, order_id, state_name(now), state_name(to), worker,
                      json_object_size(d) ? d : NULL, e);
    json_decref(d);
    if (rc < 0 || db_commit(db, e) < 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return -1;
}

int
db_record_in_place(struct db *db, const char *order_id, enum state st, const char *worker,
                   const json_t *detail, struct err *e)
{
    if (!state_stay_ok(st))
        return err_set(e, ERR_PERMANENT, "%s: bug: an order does not stay in %s", order_id,
                       state_name(st));
    if (db_begin(db, e) < 0)
        return -1;
    enum state now;
    if (db_lock_owned(db, order_id, &now, e) < 0)
        goto rollback;
    if (now != st) {
        err_set(e, ERR_PERMANENT, "%s: the database has it in %s, not %s", order_id,
                state_name(now), state_name(st));
        goto rollback;
    }
    if (db_event(db, order_id, state_name(st), state_name(st), worker, detail, e) < 0 ||
        db_commit(db, e) < 0)
        goto rollback;
    return 0;
rollback:
    db_rollback(db);
    return -1;
}

int
db_record_attempt(struct db *db, const char *order_id, enum state st, const char *error,
                  long long next_attempt, int *attempts, struct err *e)
{
    char nbuf[32];
    snprintf(nbuf, sizeof nbuf, "%lld", next_attempt);
    const char *p[] = {order_id, error, next_attempt > 0 ? nbuf : NULL, state_name(st)};
    PGresult *r = db_exec(db, e,
                          "UPDATE orders SET attempts = attempts + 1, last_error = $2,"
                          " next_attempt = to_timestamp($3::bigint), updated_at = now()"
                          " WHERE id = $1 AND state = $4 RETURNING attempts",
                          4, p);
    if (!r)
        return -1;
    *attempts = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 1;
    PQclear(r);
    return 0;
}

int
db_order_state(struct db *db, const char *order_id, enum state *st, struct err *e)
{
    const char *p[] = {order_id};
    PGresult *r = db_exec(db, e, "SELECT state FROM orders WHERE id = $1", 1, p);
    if (!r)
        return -1;
    *st = PQntuples(r) ? state_from_name(PQgetvalue(r, 0, 0)) : ST_NONE;
    PQclear(r);
    return 0;
}

int
db_order_attempts(struct db *db, const char *order_id, int *attempts, struct err *e)
{
    const char *p[] = {order_id};
    PGresult *r = db_exec(db, e, "SELECT attempts FROM orders WHERE id = $1", 1, p);
    if (!r)
        return -1;
    *attempts = PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return 0;
}

int
db_record_reject(struct db *db, const char *entry, const char *order_id, const char *reason,
                 const char *worker, struct err *e)
{
    return db_record_reject_once(db, entry, order_id, reason, worker, NULL, e);
}

int
db_record_reject_once(struct db *db, const char *entry, const char *order_id,
                      const char *reason, const char *worker, const char *drop_key,
                      struct err *e)
{
    const char *p[] = {entry, order_id, reason, worker, drop_key};
    return db_run(db, e,
                  "INSERT INTO rejects (entry, order_id, reason, worker, drop_key)"
                  " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (drop_key) DO NOTHING",
                  5, p);
}

int
db_record_reject_drop(struct db *db, const char *entry, const char *drop_name,
                      const char *order_id, const char *reason, const char *worker,
                      const char *drop_key, struct err *e)
{
    const char *p[] = {entry, order_id, reason, worker, drop_key, drop_name};
    return db_run(db, e,
                  "INSERT INTO rejects (entry, order_id, reason, worker, drop_key, drop_name)"
                  " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (drop_key) DO UPDATE"
                  " SET entry = EXCLUDED.entry, reason = EXCLUDED.reason",
                  6, p);
}

int
db_record_api_call(struct db *db, const struct db_api_call *c, struct err *e)
{
    char ti[24], to[24], im[24], lat[24], st[16], cost[40];
    snprintf(ti, sizeof ti, "%ld", c->tokens_in);
    snprintf(to, sizeof to, "%ld", c->tokens_out);
    snprintf(im, sizeof im, "%ld", c->images);
    snprintf(lat, sizeof lat, "%ld", c->latency_ms);
    snprintf(st, sizeof st, "%d", c->http_status);
    snprintf(cost, sizeof cost, "%.6f", c->cost);
    const char *p[] = {c->order_id, c->provider, c->model, c->kind, ti, to, im, lat,
                       c->http_status ? st : NULL, cost, c->error};
    return db_run(db, e,
                  "INSERT INTO api_calls (order_id, provider, model, kind, tokens_in, tokens_out,"
                  " images, latency_ms, http_status, cost, error)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                  11, p);
}
