/*
 * bench_ratelimit.c — the cost of the shared provider limit (lib/ratelimit.c)
 * on the benchmark's PostgreSQL (a Unix socket on this machine):
 *   - one token taken (rl_take: one UPDATE of the bucket row), one worker;
 *   - one in-flight slot leased and given back (rl_lease + rl_release);
 *   - tokens taken by 8 processes at once on the same row (the contended
 *     case: every host's workers share one row), throughput and latency.
 * Figures on stdout; the target is under 1 ms a token on a local socket.
 * Usage: bench_ratelimit WORKDIR (the database from PG* variables).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "host.h"
#include "ratelimit.h"

#define N_SOLO 5000
#define N_PROCS 8
#define N_EACH 1000

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n, double wall)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("%-44s %6d  median %6.3f ms  p99 %6.3f ms  max %6.3f ms  %8.0f /s\n", what, n,
           t[n / 2] * 1e3, t[n * 99 / 100] * 1e3, t[n - 1] * 1e3, n / wall);
}

/* Takes n tokens, each time into t[]; 0, or -1 when one failed. */
static int
take_n(struct rl *rl, double *t, int n)
{
    for (int i = 0; i < n; i++) {
        double w, t0 = now_s();
        struct err e = {0};
        int rc = rl_take(rl, &w, &e);
        t[i] = now_s() - t0;
        if (rc != 0) {
            fprintf(stderr, "take: %s\n", rc < 0 ? e.msg : "refused (the bucket ran dry)");
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct err e = {0};
    host_set("bench", &e);
    struct db *db = db_new("");
    int applied;
    if (db_connect(db, &e) < 0 || db_migrate(db, &applied, &e) < 0) {
        fprintf(stderr, "bench_ratelimit: %s\n", e.msg);
        return 1;
    }
    /* A limit far above what is asked: every take is granted, so the
     * figures are the cost of the statement, not waits. */
    struct rl_limits lim = {10000000, 1e9, 64, 60};
    struct rl *rl = rl_open("", "bench", &lim);
    double *t = calloc(N_PROCS * N_EACH > N_SOLO ? N_PROCS * N_EACH : N_SOLO, sizeof *t);
    if (!t)
        return 1;
    if (take_n(rl, t, 50) < 0) /* connect, write the row, warm up */
        return 1;
    double w0 = now_s();
    if (take_n(rl, t, N_SOLO) < 0)
        return 1;
    report("rl_take, one worker", t, N_SOLO, now_s() - w0);

    w0 = now_s();
    for (int i = 0; i < N_SOLO; i++) {
        double t0 = now_s(), w;
        int slot;
        if (rl_lease(rl, &slot, &w, &e) != 0 || rl_release(rl, slot, &e) < 0) {
            fprintf(stderr, "lease: %s\n", e.msg);
            return 1;
        }
        t[i] = now_s() - t0;
    }
    report("rl_lease + rl_release, one worker", t, N_SOLO, now_s() - w0);
    rl_close(rl);

    /* Contended: N_PROCS processes on the one row, each writing its
     * latencies into a pipe. */
    int fds[2];
    if (pipe(fds) < 0)
        return 1;
    w0 = now_s();
    for (int p = 0; p < N_PROCS; p++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            struct rl *r = rl_open("", "bench", &lim);
            double *mine = calloc(N_EACH, sizeof *mine);
            int rc = mine && take_n(r, mine, N_EACH) == 0 ? 0 : 1;
            if (rc == 0 && write(fds[1], mine, N_EACH * sizeof *mine) !=
                               (ssize_t)(N_EACH * sizeof *mine))
                rc = 1;
            rl_close(r);
            _exit(rc);
        }
    }
    close(fds[1]);
    size_t got = 0, want = N_PROCS * N_EACH * sizeof(double);
    char *buf = (char *)t;
    ssize_t n;
    while (got < want && (n = read(fds[0], buf + got, want - got)) > 0)
        got += (size_t)n;
    int bad = 0, st;
    while (wait(&st) > 0)
        bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    double wall = now_s() - w0;
    if (bad || got != want) {
        fprintf(stderr, "bench_ratelimit: a contending process failed\n");
        return 1;
    }
    char label[64];
    snprintf(label, sizeof label, "rl_take, %d processes on one row", N_PROCS);
    report(label, t, N_PROCS * N_EACH, wall);
    free(t);
    db_free(db);
    return 0;
}
