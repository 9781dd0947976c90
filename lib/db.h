/*
 * db.h — the PostgreSQL side: connection (libpq conventions), migrations,
 * and the records every program writes: transitions with their events and
 * NOTIFY, attempts and deferrals, rejected drops, API calls.
 *
 * The spool says where an order is; the database says how it got there.
 * A move is recorded before the rename that makes it (transit.c), so after a
 * crash the database may be one step ahead of the spool, never behind; the
 * spool is the truth and `storypress fsck --repair` brings the database to
 * it.
 *
 * A lost connection is ERR_TRANSIENT; db_wait() reconnects with backoff.
 */
#ifndef STORYPRESS_DB_H
#define STORYPRESS_DB_H

#include <jansson.h>
#include <libpq-fe.h>

#include "err.h"
#include "state.h"

/* Channel of the NOTIFY sent with every transition.  Payload: JSON
 * {"order_id","from","to","at","worker"}. */
#define DB_NOTIFY_CHANNEL "storypress_events"

struct db;

/* Keeps the conninfo ("" means libpq's environment defaults); does not
 * connect yet. */
struct db *db_new(const char *conninfo);
void db_free(struct db *db);

/* Connects if not connected (or the connection broke).  ERR_TRANSIENT when
 * the server cannot be reached. */
int db_connect(struct db *db, struct err *e);

/* Connects, retrying with exponential backoff up to cap seconds between
 * tries, until it works or *stop becomes non-zero (then -1). */
int db_wait(struct db *db, int cap, volatile int *stop, struct err *e);

/* The live connection (NULL when none): for LISTEN, and for modules with
 * their own queries.  Callers use db_exec() where they can. */
PGconn *db_conn(struct db *db);

/* Runs sql with text parameters; returns the result for a SELECT (caller
 * PQclear()s it), or NULL with e set.  A broken connection is ERR_TRANSIENT
 * and is reset for the next call. */
PGresult *db_exec(struct db *db, struct err *e, const char *sql, int nparams,
                  const char *const *params);

/* BEGIN / COMMIT / ROLLBACK. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* Applies the embedded migrations (sql/NNN_*.sql) not yet applied, under an
 * advisory lock, each in its own transaction.  *applied: how many. */
int db_migrate(struct db *db, int *applied, struct err *e);

/* 1 when the schema lacks an embedded migration. */
int db_schema_behind(struct db *db, struct err *e);

/* Records the intake of a valid order: its customer, its row (state story),
 * the event incoming → story, and the NOTIFY, in one transaction.
 * canonical: order_canonical()'s bytes.  Returns 0 when recorded, 1 when the
 * same id is already recorded with the same canonical bytes (a repeated
 * drop), 2 when the id is recorded with different bytes (a conflict), 3 when
 * another order's id differs from this one only in case. */
int db_order_intake(struct db *db, const json_t *order, const char *canonical,
                    const char *worker, struct err *e);

/* Daily quotas, checked at intake in the same transaction (so two workers
 * cannot both take a customer's last order of the day). */
struct db_quota {
    const char *timezone; /* "today" starts at midnight here */
    long default_daily;   /* for customers without a limit of their own; 0: none */
    int hold;             /* over the limit: 1 record the order in hold, 0 refuse it */
};

/* db_order_intake() with quotas (q may be NULL: none).  Returns 4 when the
 * order is over a limit: recorded in state hold (q->hold) or not recorded
 * at all; e->msg says which limit. */
int db_order_intake_quota(struct db *db, const json_t *order, const char *canonical,
                          const char *worker, const struct db_quota *q, struct err *e);

/* Records a move of an order: state, the event with detail (may be NULL),
 * NOTIFY; resets attempts when the state changes.  An order already in `to`
 * (a repeat after a crash between record and rename) is not recorded twice.
 * Returns 0, or -1 with e set. */
int db_record_transition(struct db *db, const char *order_id, enum state from,
                         enum state to, const char *worker, const json_t *detail,
                         struct err *e);

/* Records an event that leaves the order in st (state_stay_ok: a proof's
 * redo), with detail and the NOTIFY, when the database has it in st and
 * this host owns it.  Returns 0, or -1 with e set. */
int db_record_in_place(struct db *db, const char *order_id, enum state st,
                       const char *worker, const json_t *detail, struct err *e);

/* Records a failed attempt at stage st: attempts + 1, last_error, and
 * next_attempt (0: none).  *attempts receives the new count. */
int db_record_attempt(struct db *db, const char *order_id, enum state st,
                      const char *error, long long next_attempt, int *attempts,
                      struct err *e);

/* The state the database holds for the order (ST_NONE when unknown). */
int db_order_state(struct db *db, const char *order_id, enum state *st, struct err *e);

/* The attempts already made at the order's current stage (0 when unknown). */
int db_order_attempts(struct db *db, const char *order_id, int *attempts, struct err *e);

/* Records a rejected drop (name in rejected/, order id if one was read). */
int db_record_reject(struct db *db, const char *entry, const char *order_id,
                     const char *reason, const char *worker, struct err *e);

/* The same, recorded at most once for drop_key (the drop's identity: see
 * transit_reject); a second call with the same key records nothing. */
int db_record_reject_once(struct db *db, const char *entry, const char *order_id,
                          const char *reason, const char *worker, const char *drop_key,
                          struct err *e);

/* The same with the drop's own name, escaped (escape.h).  Recorded once per
 * drop_key: a second call (a retry after a crash between the record and
 * the move) updates the row to the folder this attempt uses. */
int db_record_reject_drop(struct db *db, const char *entry, const char *drop_name,
                          const char *order_id, const char *reason, const char *worker,
                          const char *drop_key, struct err *e);

/* One row in api_calls. */
struct db_api_call {
    const char *order_id, *provider, *model, *kind;
    long tokens_in, tokens_out, images;
    long latency_ms;
    int http_status;
    double cost;
    const char *error; /* NULL when the call succeeded */
};
int db_record_api_call(struct db *db, const struct db_api_call *call, struct err *e);

#endif
