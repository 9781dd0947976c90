/*
 * test_stage.c — the retry delay of the stage loop, stage_backoff(): it
 * doubles with each attempt, stops at the cap, never overflows however many
 * attempts, and its jitter keeps the delay within 50–100 % of the
 * unjittered value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stage.h"

static void
test_backoff_table(void **unused)
{
    (void)unused;
    static const struct {
        long base, cap;
        int attempt;
        double rnd;
        long want;
    } rows[] = {
        /* the first retry: half of base to all of it */
        {30, 3600, 1, 0.0, 15},
        {30, 3600, 1, 0.5, 22},
        {30, 3600, 1, 0.9999, 29},
        /* doubling */
        {30, 3600, 2, 0.0, 30},
        {30, 3600, 3, 0.0, 60},
        {30, 3600, 4, 0.0, 120},
        {30, 3600, 7, 0.0, 960},
        {30, 3600, 7, 0.9999, 1919},
        /* 30 × 2^7 = 3840 is over the cap: 3600 */
        {30, 3600, 8, 0.0, 1800},
        {30, 3600, 8, 0.9999, 3599},
        /* far past the cap: still the cap, no overflow */
        {30, 3600, 1000, 0.0, 1800},
        {30, 3600, 2147483647, 0.5, 2700},
        /* attempt 0 (none yet) is treated as the first */
        {30, 3600, 0, 0.0, 15},
        /* never below one second */
        {1, 2, 1, 0.0, 1},
        {1, 2, 2, 0.0, 1},
        {1, 2, 3, 0.9999, 1},
        /* a cap below base wins */
        {100, 10, 1, 0.0, 5},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        long got = stage_backoff(rows[i].base, rows[i].cap, rows[i].attempt, rows[i].rnd);
        if (got != rows[i].want)
            fail_msg("row %zu: stage_backoff(%ld, %ld, %d, %g) = %ld, expected %ld", i,
                     rows[i].base, rows[i].cap, rows[i].attempt, rows[i].rnd, got,
                     rows[i].want);
    }
}

/* For every attempt and a spread of random draws: within [d/2, d] where d is
 * base × 2^(attempt-1) capped, and never shorter than the attempt before. */
static void
test_backoff_bounds(void **unused)
{
    (void)unused;
    static const double rnds[] = {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999};
    static const long bases[][2] = {{1, 3600}, {30, 3600}, {5, 86400}, {60, 600}};
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        long base = bases[b][0], cap = bases[b][1];
        for (size_t r = 0; r < sizeof rnds / sizeof rnds[0]; r++) {
            long prev = 0;
            double d = (double)base;
            for (int a = 1; a <= 64; a++) {
                double full = d > (double)cap ? (double)cap : d;
                long got = stage_backoff(base, cap, a, rnds[r]);
                long lo = (long)(full / 2), hi = (long)full;
                if (lo < 1)
                    lo = 1;
                if (got < lo || got > hi || got > cap)
                    fail_msg("base %ld cap %ld attempt %d rnd %g: %ld not in [%ld, %ld]", base,
                             cap, a, rnds[r], got, lo, hi);
                if (got < prev)
                    fail_msg("base %ld cap %ld attempt %d rnd %g: %ld shorter than %ld", base,
                             cap, a, rnds[r], got, prev);
                prev = got;
                d *= 2;
            }
            /* Once capped, the unjittered delay is the cap. */
            assert_int_equal(stage_backoff(base, cap, 64, 0.0), cap / 2 < 1 ? 1 : cap / 2);
        }
    }
}

/* The random part really spreads: the lowest and highest draws differ by
 * about half the delay. */
static void
test_backoff_jitter_spread(void **unused)
{
    (void)unused;
    long lo = stage_backoff(1000, 1000000, 5, 0.0);
    long hi = stage_backoff(1000, 1000000, 5, 0.999999);
    assert_int_equal(lo, 8000);
    assert_in_range(hi, 15999, 16000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_table),
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_backoff_jitter_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
