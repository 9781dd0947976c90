/*
 * test_state.c — the state machine: every pair of states against the table
 * of legal moves, the chain of state_next() from incoming to done, which
 * states are final, stages or folders, and that an illegal move aborts the
 * process loudly (checked in a forked child).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"

/* Every legal move; any pair not listed here must be refused. */
static const struct {
    enum state from, to;
} legal[] = {
    {ST_INCOMING, ST_STORY}, {ST_INCOMING, ST_REJECTED}, {ST_INCOMING, ST_HOLD} /* quota */,
    /* a working stage: on, failed, hold, or back to an earlier stage */
    {ST_STORY, ST_ART}, {ST_STORY, ST_FAILED}, {ST_STORY, ST_HOLD},
    {ST_ART, ST_PDF}, {ST_ART, ST_FAILED}, {ST_ART, ST_HOLD}, {ST_ART, ST_STORY},
    {ST_PDF, ST_PRINT}, {ST_PDF, ST_FAILED}, {ST_PDF, ST_HOLD}, {ST_PDF, ST_STORY},
    {ST_PDF, ST_ART},
    {ST_PRINT, ST_DONE}, {ST_PRINT, ST_FAILED}, {ST_PRINT, ST_HOLD}, {ST_PRINT, ST_STORY},
    {ST_PRINT, ST_ART}, {ST_PRINT, ST_PDF},
    /* release and cancel */
    {ST_HOLD, ST_STORY}, {ST_HOLD, ST_ART}, {ST_HOLD, ST_PDF}, {ST_HOLD, ST_PRINT},
    {ST_HOLD, ST_FAILED},
    /* requeue */
    {ST_FAILED, ST_STORY}, {ST_FAILED, ST_ART}, {ST_FAILED, ST_PDF}, {ST_FAILED, ST_PRINT},
    /* the proof: entered from pdf (or released, requeued), left by approve
     * (print), reject (failed), hold, or a requeue to an earlier stage */
    {ST_PDF, ST_PROOF}, {ST_HOLD, ST_PROOF}, {ST_FAILED, ST_PROOF},
    {ST_PROOF, ST_PRINT}, {ST_PROOF, ST_FAILED}, {ST_PROOF, ST_HOLD},
    {ST_PROOF, ST_STORY}, {ST_PROOF, ST_ART}, {ST_PROOF, ST_PDF},
};

static int
listed_legal(enum state from, enum state to)
{
    for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++)
        if (legal[i].from == from && legal[i].to == to)
            return 1;
    return 0;
}

static void
test_move_table(void **unused)
{
    (void)unused;
    int n_legal = 0;
    for (int f = 0; f < ST_COUNT; f++)
        for (int t = 0; t < ST_COUNT; t++) {
            int want = listed_legal((enum state)f, (enum state)t);
            int got = state_move_ok((enum state)f, (enum state)t);
            if (want != got)
                fail_msg("%s → %s: expected %s, got %s", state_name((enum state)f),
                         state_name((enum state)t), want ? "legal" : "illegal",
                         got ? "legal" : "illegal");
            n_legal += got;
        }
    assert_int_equal(n_legal, (int)(sizeof legal / sizeof legal[0]));
}

static void
test_move_out_of_range(void **unused)
{
    (void)unused;
    assert_false(state_move_ok(ST_NONE, ST_STORY));
    assert_false(state_move_ok(ST_INCOMING, ST_NONE));
    assert_false(state_move_ok(ST_COUNT, ST_STORY));
    assert_false(state_move_ok(ST_STORY, ST_COUNT));
    /* Staying put is not a move. */
    for (int s = 0; s < ST_COUNT; s++)
        assert_false(state_move_ok((enum state)s, (enum state)s));
    /* Only a proof changes in place (a redo), with an event of its own. */
    for (int s = 0; s < ST_COUNT; s++)
        assert_int_equal(state_stay_ok((enum state)s), s == ST_PROOF);
}

static void
test_next_chain(void **unused)
{
    (void)unused;
    static const enum state path[] = {ST_INCOMING, ST_STORY, ST_ART, ST_PDF, ST_PRINT, ST_DONE};
    for (size_t i = 0; i + 1 < sizeof path / sizeof path[0]; i++) {
        assert_int_equal(state_next(path[i]), path[i + 1]);
        /* The normal path is always a legal move. */
        assert_true(state_move_ok(path[i], path[i + 1]));
    }
    /* Following state_next from incoming reaches done in five steps and stops. */
    enum state s = ST_INCOMING;
    int steps = 0;
    while (state_next(s) != ST_NONE && steps < 100) {
        s = state_next(s);
        steps++;
    }
    assert_int_equal(s, ST_DONE);
    assert_int_equal(steps, 5);
    static const enum state no_next[] = {ST_DONE, ST_FAILED, ST_REJECTED, ST_HOLD,
                                         ST_PROOF, ST_NONE};
    for (size_t i = 0; i < sizeof no_next / sizeof no_next[0]; i++)
        assert_int_equal(state_next(no_next[i]), ST_NONE);
}

static void
test_kinds(void **unused)
{
    (void)unused;
    static const struct {
        enum state st;
        const char *name;
        int stage, final, folders;
    } rows[] = {
        {ST_INCOMING, "incoming", 1, 0, 0}, {ST_STORY, "story", 1, 0, 1},
        {ST_ART, "art", 1, 0, 1},           {ST_PDF, "pdf", 1, 0, 1},
        {ST_PRINT, "print", 1, 0, 1},       {ST_DONE, "done", 0, 1, 1},
        {ST_FAILED, "failed", 0, 1, 1},     {ST_REJECTED, "rejected", 0, 1, 0},
        {ST_HOLD, "hold", 0, 0, 1},         {ST_PROOF, "proof", 0, 0, 1},
    };
    assert_int_equal(sizeof rows / sizeof rows[0], ST_COUNT);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_string_equal(state_name(rows[i].st), rows[i].name);
        assert_int_equal(state_from_name(rows[i].name), rows[i].st);
        if (state_is_stage(rows[i].st) != rows[i].stage ||
            state_is_final(rows[i].st) != rows[i].final ||
            state_holds_folders(rows[i].st) != rows[i].folders)
            fail_msg("%s: stage %d final %d folders %d", rows[i].name,
                     state_is_stage(rows[i].st), state_is_final(rows[i].st),
                     state_holds_folders(rows[i].st));
        /* No move ever leaves done or rejected. */
        if (rows[i].st == ST_DONE || rows[i].st == ST_REJECTED)
            for (int t = 0; t < ST_COUNT; t++)
                assert_false(state_move_ok(rows[i].st, (enum state)t));
    }
    assert_int_equal(state_from_name("nowhere"), ST_NONE);
    assert_int_equal(state_from_name(""), ST_NONE);
    assert_int_equal(state_from_name(NULL), ST_NONE);
    assert_int_equal(state_from_name("Story"), ST_NONE);
    assert_string_equal(state_name(ST_NONE), "none");
    assert_string_equal(state_name(ST_COUNT), "none");
    assert_false(state_is_stage(ST_NONE));
    assert_false(state_is_final(ST_NONE));
    assert_false(state_holds_folders(ST_NONE));
}

/* Runs state_assert_move(from, to) in a child; returns its wait status and
 * what it wrote on stderr. */
static int
assert_in_child(enum state from, enum state to, char *out, size_t outlen)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        if (dup2(p[1], 2) < 0)
            _exit(99);
        close(p[0]);
        state_assert_move(from, to);
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < outlen && (r = read(p[0], out + n, outlen - n - 1)) > 0)
        n += (size_t)r;
    out[n] = 0;
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void
test_assert_move_aborts(void **unused)
{
    (void)unused;
    static const struct {
        enum state from, to;
    } bad[] = {{ST_DONE, ST_PRINT}, {ST_INCOMING, ST_ART}, {ST_STORY, ST_PDF},
               {ST_REJECTED, ST_STORY}, {ST_ART, ST_INCOMING}};
    char out[1024];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int status = assert_in_child(bad[i].from, bad[i].to, out, sizeof out);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
            fail_msg("%s → %s: the child was not killed by SIGABRT (status 0x%x)",
                     state_name(bad[i].from), state_name(bad[i].to), status);
        /* The message names both states. */
        char want[128];
        snprintf(want, sizeof want, "illegal move from %s to %s", state_name(bad[i].from),
                 state_name(bad[i].to));
        if (!strstr(out, want))
            fail_msg("stderr \"%s\" lacks \"%s\"", out, want);
    }
    /* A legal move returns quietly. */
    int status = assert_in_child(ST_PRINT, ST_DONE, out, sizeof out);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_move_table),  cmocka_unit_test(test_move_out_of_range),
        cmocka_unit_test(test_next_chain),  cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_assert_move_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
