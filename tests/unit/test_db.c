/*
 * test_db.c — the database layer against a real PostgreSQL (tests/run gives
 * each test binary a fresh, empty database through PGHOST/PGDATABASE):
 * migrations applied once and a no-op the second time, db_schema_behind,
 * the intake of an order (new, repeated, conflicting), transitions with
 * their event and the NOTIFY a second connection hears, repeated
 * transitions not recorded twice, attempts, rejects, and the grading of a
 * server that cannot be reached as transient.
 *
 * Orders are built by hand: only the fields db.c reads matter here.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "log.h"

static struct db *db;

/* A query on the test's own connection; returns the single value (fresh
 * string) or NULL for no row. */
static char *
q1(const char *sql)
{
    PGconn *c = db_conn(db);
    assert_non_null(c);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    char *v = PQntuples(r) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return v;
}

/* A statement with no result rows. */
static void
qexec(const char *sql)
{
    PGresult *r = PQexec(db_conn(db), sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

static long
qint(const char *sql)
{
    char *v = q1(sql);
    assert_non_null(v);
    long n = strtol(v, NULL, 10);
    free(v);
    return n;
}

static void
assert_q(const char *sql, const char *want)
{
    char *v = q1(sql);
    if (!v || strcmp(v, want) != 0)
        fail_msg("%s: got \"%s\", expected \"%s\"", sql, v ? v : "(no row)", want);
    free(v);
}

static json_t *
make_order(const char *id, const char *customer)
{
    json_t *o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:i}}", "order_id", id, "customer",
                          "id", customer, "email", "ann@example.com", "name", "Ann Example",
                          "child", "name", "Léa", "age", 5);
    assert_non_null(o);
    return o;
}

/* Waits up to 10 s for a notification on conn; returns it (PQfreemem) or
 * NULL. */
static PGnotify *
next_notify(PGconn *conn)
{
    time_t end = time(NULL) + 10;
    for (;;) {
        assert_int_equal(PQconsumeInput(conn), 1);
        PGnotify *n = PQnotifies(conn);
        if (n)
            return n;
        if (time(NULL) >= end)
            return NULL;
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
        assert_true(poll(&p, 1, 1000) >= 0);
    }
}

static int
group_setup(void **state)
{
    (void)state;
    log_init("test_db", LOG_WARNING, LOG_PREFIX_NEVER);
    db = db_new(""); /* libpq's environment: tests/run's fresh database */
    struct err e = {0};
    if (db_connect(db, &e) < 0) {
        fprintf(stderr, "test_db: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    db_free(db);
    return 0;
}

/* Runs first: the database is empty. */
static void
test_migrate_twice(void **unused)
{
    (void)unused;
    struct err e = {0};
    assert_int_equal(db_schema_behind(db, &e), 1);
    int applied = -1;
    if (db_migrate(db, &applied, &e) < 0)
        fail_msg("db_migrate: %s", e.msg);
    assert_true(applied >= 1);
    assert_int_equal(qint("SELECT count(*) FROM schema_migrations"), applied);
    assert_q("SELECT min(version) FROM schema_migrations", "1");
    assert_q("SELECT to_regclass('orders') IS NOT NULL", "t");
    assert_q("SELECT to_regclass('order_events') IS NOT NULL", "t");
    assert_int_equal(db_schema_behind(db, &e), 0);
    char *before = q1("SELECT string_agg(version || ' ' || name || ' ' || applied_at, ',' "
                      "ORDER BY version) FROM schema_migrations");
    /* Again: nothing to do, nothing changed. */
    applied = -1;
    assert_int_equal(db_migrate(db, &applied, &e), 0);
    assert_int_equal(applied, 0);
    char *after = q1("SELECT string_agg(version || ' ' || name || ' ' || applied_at, ',' "
                     "ORDER BY version) FROM schema_migrations");
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(db_schema_behind(db, &e), 0);
    /* The advisory lock was released: another session can take it at once. */
    PGconn *other = PQconnectdb("");
    assert_int_equal(PQstatus(other), CONNECTION_OK);
    PGresult *r = PQexec(other, "SELECT pg_try_advisory_lock(7526738173069216882)");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    PQfinish(other);
    /* A schema missing its newest migration is behind. */
    long last = qint("SELECT max(version) FROM schema_migrations");
    char *name = q1("SELECT name FROM schema_migrations ORDER BY version DESC LIMIT 1");
    char sql[512];
    snprintf(sql, sizeof sql, "DELETE FROM schema_migrations WHERE version = %ld", last);
    qexec(sql);
    assert_int_equal(db_schema_behind(db, &e), 1);
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations (version, name) VALUES (%ld, '%s')", last, name);
    qexec(sql);
    free(name);
    assert_int_equal(db_schema_behind(db, &e), 0);
}

static void
test_intake(void **unused)
{
    (void)unused;
    struct err e = {0};
    json_t *o = make_order("T100", "C-1");
    const char *canon = "{\"order_id\":\"T100\",\"v\":1}";
    int r = db_order_intake(db, o, canon, "w-intake", &e);
    if (r != 0)
        fail_msg("intake: %d %s", r, e.msg);
    assert_q("SELECT state FROM orders WHERE id = 'T100'", "story");
    assert_q("SELECT customer_id || ' ' || attempts FROM orders WHERE id = 'T100'", "C-1 0");
    assert_q("SELECT order_json->'child'->>'name' FROM orders WHERE id = 'T100'", "Léa");
    assert_q("SELECT email FROM customers WHERE id = 'C-1'", "ann@example.com");
    assert_q("SELECT count(*) FROM order_events WHERE order_id = 'T100'", "1");
    assert_q("SELECT from_state || '>' || to_state || ' ' || worker FROM order_events"
             " WHERE order_id = 'T100'",
             "incoming>story w-intake");
    /* The same bytes again: a repeat, nothing written. */
    assert_int_equal(db_order_intake(db, o, canon, "w-intake", &e), 1);
    /* Other bytes under the same id: a conflict, the first order stands. */
    assert_int_equal(db_order_intake(db, o, "{\"order_id\":\"T100\",\"v\":2}", "w-other", &e),
                     2);
    assert_q("SELECT count(*) FROM orders WHERE id = 'T100'", "1");
    assert_q("SELECT canonical FROM orders WHERE id = 'T100'", canon);
    assert_q("SELECT count(*) FROM order_events WHERE order_id = 'T100'", "1");
    /* The connection is usable afterwards (no transaction left open). */
    assert_int_equal(PQtransactionStatus(db_conn(db)), PQTRANS_IDLE);
    json_decref(o);
    /* A second order of the same customer updates the customer's details. */
    o = make_order("T101", "C-1");
    json_object_set_new(json_object_get(o, "customer"), "email", json_string("new@example.com"));
    assert_int_equal(db_order_intake(db, o, "{\"order_id\":\"T101\"}", "w-intake", &e), 0);
    assert_q("SELECT email FROM customers WHERE id = 'C-1'", "new@example.com");
    json_decref(o);
    /* An order without a customer is refused, not half written. */
    o = json_pack("{s:s}", "order_id", "T102");
    assert_int_equal(db_order_intake(db, o, "{}", "w", &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_q("SELECT count(*) FROM orders WHERE id = 'T102'", "0");
    json_decref(o);
}

static void
test_transition_and_notify(void **unused)
{
    (void)unused;
    struct err e = {0};
    json_t *o = make_order("T200", "C-2");
    assert_int_equal(db_order_intake(db, o, "{\"order_id\":\"T200\"}", "w-in", &e), 0);
    json_decref(o);

    PGconn *listener = PQconnectdb("");
    assert_int_equal(PQstatus(listener), CONNECTION_OK);
    PGresult *r = PQexec(listener, "LISTEN " DB_NOTIFY_CHANNEL);
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);

    json_t *detail = json_pack("{s:s, s:i}", "note", "drawn", "pages", 24);
    if (db_record_transition(db, "T200", ST_STORY, ST_ART, "w-story", detail, &e) < 0)
        fail_msg("db_record_transition: %s", e.msg);
    json_decref(detail);
    assert_q("SELECT state || ' ' || attempts FROM orders WHERE id = 'T200'", "art 0");
    assert_q("SELECT count(*) FROM order_events WHERE order_id = 'T200'", "2");
    assert_q("SELECT from_state || '>' || to_state || ' ' || worker || ' ' ||"
             " (detail->>'note') || ' ' || (detail->>'pages')"
             " FROM order_events WHERE order_id = 'T200' ORDER BY id DESC LIMIT 1",
             "story>art w-story drawn 24");

    PGnotify *n = next_notify(listener);
    if (!n)
        fail_msg("no NOTIFY within 10 s");
    assert_string_equal(n->relname, DB_NOTIFY_CHANNEL);
    json_error_t je;
    json_t *p = json_loads(n->extra, 0, &je);
    if (!p)
        fail_msg("payload \"%s\" is not JSON: %s", n->extra, je.text);
    assert_string_equal(json_string_value(json_object_get(p, "order_id")), "T200");
    assert_string_equal(json_string_value(json_object_get(p, "from")), "story");
    assert_string_equal(json_string_value(json_object_get(p, "to")), "art");
    assert_string_equal(json_string_value(json_object_get(p, "worker")), "w-story");
    const char *at = json_string_value(json_object_get(p, "at"));
    assert_non_null(at);
    assert_int_equal(strlen(at), 20); /* 2026-11-21T23:47:07Z */
    json_decref(p);
    PQfreemem(n);

    /* The same move again (recorded before a crash, then re-run): no second
     * event, state unchanged, and no NOTIFY before the next real move. */
    assert_int_equal(db_record_transition(db, "T200", ST_STORY, ST_ART, "w-story", NULL, &e), 0);
    assert_q("SELECT count(*) FROM order_events WHERE order_id = 'T200'", "2");
    assert_q("SELECT state FROM orders WHERE id = 'T200'", "art");

    /* A move whose spool state disagrees with the database: the event says
     * where the database had it, and where the spool had it. */
    assert_int_equal(db_record_transition(db, "T200", ST_STORY, ST_HOLD, "op", NULL, &e), 0);
    assert_q("SELECT from_state || '>' || to_state || ' ' || (detail->>'spool_from')"
             " FROM order_events WHERE order_id = 'T200' ORDER BY id DESC LIMIT 1",
             "art>hold story");
    n = next_notify(listener);
    if (!n)
        fail_msg("no NOTIFY for art → hold within 10 s");
    p = json_loads(n->extra, 0, &je);
    assert_non_null(p);
    /* The repeated move sent nothing: the next notification is this one. */
    assert_string_equal(json_string_value(json_object_get(p, "to")), "hold");
    assert_string_equal(json_string_value(json_object_get(p, "order_id")), "T200");
    json_decref(p);
    PQfreemem(n);
    PQfinish(listener);

    /* An order the database does not know: permanent, nothing written. */
    assert_int_equal(db_record_transition(db, "T-unknown", ST_STORY, ST_ART, "w", NULL, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "T-unknown"));
    assert_q("SELECT count(*) FROM order_events WHERE order_id = 'T-unknown'", "0");
    enum state st = ST_INCOMING;
    assert_int_equal(db_order_state(db, "T-unknown", &st, &e), 0);
    assert_int_equal(st, ST_NONE);
    assert_int_equal(db_order_state(db, "T200", &st, &e), 0);
    assert_int_equal(st, ST_HOLD);
}

static void
test_attempts(void **unused)
{
    (void)unused;
    struct err e = {0};
    json_t *o = make_order("T300", "C-3");
    assert_int_equal(db_order_intake(db, o, "{\"order_id\":\"T300\"}", "w-in", &e), 0);
    json_decref(o);
    int attempts = -1;
    assert_int_equal(db_order_attempts(db, "T300", &attempts, &e), 0);
    assert_int_equal(attempts, 0);
    long long due = (long long)time(NULL) + 60;
    assert_int_equal(db_record_attempt(db, "T300", ST_STORY, "timeout", due, &attempts, &e), 0);
    assert_int_equal(attempts, 1);
    assert_int_equal(db_record_attempt(db, "T300", ST_STORY, "HTTP 503", due, &attempts, &e),
                     0);
    assert_int_equal(attempts, 2);
    assert_int_equal(db_order_attempts(db, "T300", &attempts, &e), 0);
    assert_int_equal(attempts, 2);
    assert_q("SELECT last_error FROM orders WHERE id = 'T300'", "HTTP 503");
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT extract(epoch FROM next_attempt)::bigint = %lld FROM orders"
             " WHERE id = 'T300'",
             due);
    assert_q(sql, "t");
    /* No next attempt: NULL. */
    assert_int_equal(db_record_attempt(db, "T300", ST_STORY, "x", 0, &attempts, &e), 0);
    assert_int_equal(attempts, 3);
    assert_q("SELECT next_attempt IS NULL FROM orders WHERE id = 'T300'", "t");
    /* Moving on resets the count for the next stage. */
    assert_int_equal(db_record_transition(db, "T300", ST_STORY, ST_ART, "w", NULL, &e), 0);
    assert_int_equal(db_order_attempts(db, "T300", &attempts, &e), 0);
    assert_int_equal(attempts, 0);
    /* An unknown order has no attempts. */
    assert_int_equal(db_order_attempts(db, "T-none", &attempts, &e), 0);
    assert_int_equal(attempts, 0);
}

static void
test_reject_and_api_call(void **unused)
{
    (void)unused;
    struct err e = {0};
    assert_int_equal(db_record_reject(db, "junk.json", NULL, "not JSON", "w-in", &e), 0);
    assert_int_equal(db_record_reject(db, "B1.json~2", "B1", "child.age: bad", "w-in", &e), 0);
    assert_q("SELECT count(*) FROM rejects", "2");
    assert_q("SELECT coalesce(order_id, '-') || ' ' || reason FROM rejects"
             " WHERE entry = 'junk.json'",
             "- not JSON");
    assert_q("SELECT order_id FROM rejects WHERE entry = 'B1.json~2'", "B1");
    struct db_api_call c = {.order_id = "T100", .provider = "openai", .model = "m",
                            .kind = "story", .tokens_in = 10, .tokens_out = 20,
                            .latency_ms = 1234, .http_status = 200, .cost = 0.5};
    assert_int_equal(db_record_api_call(db, &c, &e), 0);
    assert_q("SELECT tokens_in + tokens_out || ' ' || http_status || ' ' || cost"
             " FROM api_calls WHERE order_id = 'T100'",
             "30 200 0.500000");
}

static void
test_unreachable_is_transient(void **unused)
{
    (void)unused;
    struct err e = {0};
    struct db *bad = db_new("host=/nonexistent/storypress-test port=1 connect_timeout=2");
    assert_int_equal(db_connect(bad, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_non_null(strstr(e.msg, "cannot connect"));
    assert_null(db_conn(bad));
    /* Every call on it says the same, without crashing. */
    err_clear(&e);
    assert_null(db_exec(bad, &e, "SELECT 1", 0, NULL));
    assert_int_equal(e.kind, ERR_TRANSIENT);
    enum state st;
    err_clear(&e);
    assert_int_equal(db_order_state(bad, "T1", &st, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    err_clear(&e);
    assert_int_equal(db_record_transition(bad, "T1", ST_STORY, ST_ART, "w", NULL, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    /* db_wait gives up when told to stop. */
    volatile int stop = 1;
    assert_int_equal(db_wait(bad, 1, &stop, &e), -1);
    db_free(bad);
    /* A server that refuses the database name is also a "cannot connect". */
    bad = db_new("dbname=storypress_no_such_db");
    assert_int_equal(db_connect(bad, &e), -1);
    assert_non_null(strstr(e.msg, "storypress_no_such_db"));
    db_free(bad);
    /* A bad statement is a permanent error, and the connection survives it. */
    err_clear(&e);
    assert_null(db_exec(db, &e, "SELECT no_such_column FROM orders", 0, NULL));
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "no_such_column"));
    assert_q("SELECT 1", "1");
    assert_int_equal(PQtransactionStatus(db_conn(db)), PQTRANS_IDLE);
}

/* The server ends our session (as on a restart): the next call fails as
 * transient, and the one after reconnects by itself. */
static void
test_reconnect_after_termination(void **unused)
{
    (void)unused;
    struct err e = {0};
    PGconn *killer = PQconnectdb("");
    assert_int_equal(PQstatus(killer), CONNECTION_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", PQbackendPID(db_conn(db)));
    PGresult *r = PQexec(killer, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    PQfinish(killer);
    enum state st;
    int rc = db_order_state(db, "T100", &st, &e);
    if (rc < 0)
        assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_int_equal(db_order_state(db, "T100", &st, &e), 0);
    assert_int_equal(st, ST_STORY);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_twice),
        cmocka_unit_test(test_intake),
        cmocka_unit_test(test_transition_and_notify),
        cmocka_unit_test(test_attempts),
        cmocka_unit_test(test_reject_and_api_call),
        cmocka_unit_test(test_unreachable_is_transient),
        cmocka_unit_test(test_reconnect_after_termination),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
