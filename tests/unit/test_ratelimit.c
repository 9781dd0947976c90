/*
 * test_ratelimit.c — the provider limits shared through PostgreSQL
 * (lib/ratelimit.c), on tests/run's fresh database: the bucket grants its
 * burst and then asks for the wait one token takes; two limiters (two
 * hosts) share one bucket; slots run out and come back on release or when
 * a lease expires; a block holds every limiter back; and two hosts'
 * intake of one id (the owner, sql/008_hosts.sql).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "host.h"
#include "log.h"
#include "ratelimit.h"

static struct db *db;

static void
sql(const char *q)
{
    struct err e = {0};
    PGresult *r = db_exec(db, &e, q, 0, NULL);
    if (!r)
        fail_msg("%s: %s", q, e.msg);
    PQclear(r);
}

static int
group_setup(void **state)
{
    (void)state;
    log_init("test_ratelimit", LOG_WARNING, LOG_PREFIX_NEVER);
    struct err e = {0};
    host_set("h1", &e);
    db = db_new("");
    int applied;
    if (db_connect(db, &e) < 0 || db_migrate(db, &applied, &e) < 0) {
        fprintf(stderr, "test_ratelimit: %s\n", e.msg);
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

static void
test_bucket(void **unused)
{
    (void)unused;
    /* 60 a minute, 2 saved up: two now, then one a second. */
    struct rl_limits lim = {60, 2, 4, 60};
    struct rl *a = rl_open("", "t-bucket", &lim), *b = rl_open("", "t-bucket", &lim);
    struct err e = {0};
    double w;
    assert_int_equal(rl_take(a, &w, &e), 0);
    assert_int_equal(rl_take(b, &w, &e), 0); /* the other host's take: the same bucket */
    assert_int_equal(rl_take(a, &w, &e), 1);
    assert_true(w > 0.5 && w <= 1.0);
    assert_int_equal(rl_take(b, &w, &e), 1);
    /* A second later (moved back in the row), one more and only one. */
    sql("UPDATE rate_limits SET refilled_at = refilled_at - interval '1.05 s'"
        " WHERE provider = 't-bucket'");
    assert_int_equal(rl_take(b, &w, &e), 0);
    assert_int_equal(rl_take(a, &w, &e), 1);
    /* A long quiet spell saves up no more than the burst. */
    sql("UPDATE rate_limits SET refilled_at = refilled_at - interval '1 hour'"
        " WHERE provider = 't-bucket'");
    assert_int_equal(rl_take(a, &w, &e), 0);
    assert_int_equal(rl_take(a, &w, &e), 0);
    assert_int_equal(rl_take(a, &w, &e), 1);
    rl_close(a);
    rl_close(b);
}

static void
test_block(void **unused)
{
    (void)unused;
    struct rl_limits lim = {6000, 100, 4, 60};
    struct rl *a = rl_open("", "t-block", &lim), *b = rl_open("", "t-block", &lim);
    struct err e = {0};
    double w;
    assert_int_equal(rl_take(b, &w, &e), 0);
    assert_int_equal(rl_block(a, 30, &e), 0); /* a's 429 said Retry-After: 30 */
    assert_int_equal(rl_take(b, &w, &e), 1);
    assert_true(w > 29 && w <= 30);
    rl_done(b, -1, 429, 5); /* a shorter one does not shorten the block */
    assert_int_equal(rl_take(a, &w, &e), 1);
    assert_true(w > 29);
    sql("UPDATE rate_limits SET blocked_until = now() - interval '1 s',"
        " refilled_at = now() - interval '1 s' WHERE provider = 't-block'");
    assert_int_equal(rl_take(a, &w, &e), 0);
    rl_close(a);
    rl_close(b);
}

static void
test_slots(void **unused)
{
    (void)unused;
    struct rl_limits lim = {6000, 100, 2, 60};
    struct rl *a = rl_open("", "t-slots", &lim), *b = rl_open("", "t-slots", &lim);
    struct err e = {0};
    double w;
    int s1, s2, s3;
    assert_int_equal(rl_lease(a, &s1, &w, &e), 0);
    assert_int_equal(rl_lease(b, &s2, &w, &e), 0);
    assert_int_not_equal(s1, s2);
    assert_int_equal(rl_lease(a, &s3, &w, &e), 1);
    assert_true(w > 0);
    assert_int_equal(rl_release(b, s2, &e), 0);
    assert_int_equal(rl_lease(a, &s3, &w, &e), 0);
    assert_int_equal(s3, s2);
    /* a "dies" holding both: once the leases expire, b gets one. */
    assert_int_equal(rl_lease(b, &s2, &w, &e), 1);
    sql("UPDATE rate_leases SET expires_at = now() - interval '1 s' WHERE provider = 't-slots'");
    assert_int_equal(rl_lease(b, &s2, &w, &e), 0);
    /* a's late release of the slot b now holds leaves b's lease alone. */
    assert_int_equal(rl_release(a, s2 == s1 ? s1 : s3, &e), 0);
    PGresult *r = db_exec(db, &e, "SELECT count(*) FROM rate_leases WHERE provider = 't-slots'"
                          " AND expires_at > now()", 0, NULL);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    rl_close(a);
    rl_close(b);
}

/* One id, one host: the same order dropped on h2 is a conflict there. */
static void
test_intake_other_host(void **unused)
{
    (void)unused;
    struct err e = {0};
    json_t *o = json_pack("{s:s, s:{s:s, s:s, s:s}}", "order_id", "T1", "customer", "id", "C1",
                          "email", "c@example.org", "name", "C");
    assert_int_equal(db_order_intake(db, o, "canon-T1", "w", &e), 0);
    assert_int_equal(db_order_intake(db, o, "canon-T1", "w", &e), 1); /* a repeat on h1 */
    host_set("h2", &e);
    struct db *db2 = db_new("");
    assert_int_equal(db_order_intake(db2, o, "canon-T1", "w", &e), 2);
    /* and h2 cannot move it */
    assert_int_equal(db_record_transition(db2, "T1", ST_STORY, ST_ART, "w", NULL, &e), -1);
    assert_non_null(strstr(e.msg, "owned by host h1"));
    db_free(db2);
    host_set("h1", &e);
    json_decref(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_block),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_intake_other_host),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
