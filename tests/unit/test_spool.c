/*
 * test_spool.c — the spool: which order ids may become file names, the
 * skeleton spool_open() creates, claims (exactly one of two workers wins,
 * also when they race in two processes), due times set by spool_unclaim()
 * and seen by spool_scan(), the return of a dead worker's claims (a child
 * that _exit()s holding claims) while a living worker's are left alone, and
 * spool_locate().  Each test works in a fresh directory under $TESTTMP.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "log.h"
#include "spool.h"

struct fixture {
    char *root;
    struct spool sp;
};

static int
setup(void **state)
{
    const char *base = getenv("TESTTMP");
    char *tmpl = NULL;
    if (asprintf(&tmpl, "%s/spool.XXXXXX", base && *base ? base : "/tmp") < 0)
        return -1;
    if (!mkdtemp(tmpl))
        return -1;
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->root = tmpl;
    struct err e = {0};
    if (spool_open(&f->sp, f->root, &e) < 0) {
        fprintf(stderr, "spool_open: %s\n", e.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    spool_close(&f->sp);
    if (fsu_remove_tree(f->root, NULL) < 0)
        return -1;
    free(f->root);
    free(f);
    return 0;
}

/* 1 when root/rel exists (without following a final symlink). */
static int
exists(const char *root, const char *rel)
{
    char *p = fsu_join(root, rel);
    struct stat st;
    int r = lstat(p, &st) == 0;
    free(p);
    return r;
}

/* An order folder <state>/<name>/ with an order.json inside. */
static void
make_folder(struct fixture *f, enum state st, const char *name)
{
    assert_int_equal(mkdirat(f->sp.dirfd[st], name, 0755), 0);
    char *dir = spool_entry_path(&f->sp, st, name);
    struct err e = {0};
    assert_int_equal(fsu_write_atomic(dir, "order.json", "{}", 2, &e), 0);
    free(dir);
}

/* Entries (not dot names) directly in dir. */
static int
count_entries(const char *root, const char *rel)
{
    char *cmd = NULL;
    assert_true(asprintf(&cmd, "find '%s/%s' -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l",
                         root, rel) > 0);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    free(cmd);
    return n;
}

static void
test_id_ok(void **unused)
{
    (void)unused;
    char max[SPOOL_ID_MAX + 2];
    memset(max, 'a', sizeof max);
    max[SPOOL_ID_MAX] = 0; /* 64 characters */
    char over[SPOOL_ID_MAX + 2];
    memset(over, 'b', sizeof over);
    over[SPOOL_ID_MAX + 1] = 0; /* 65 characters */
    static const char *const good[] = {"A1001", "a.b_c-d", "0", "x", "A-2024.11_07", "a..b"};
    const char *const bad[] = {"",     ".x",   "..",    ".",   "a/b",  "/a",  "é",
                               "a b",  "a\nb", "a\tb",  "a*b", "a\\b", "a:b", over,
                               "ab\x7f", "~a"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!spool_id_ok(good[i]))
            fail_msg("\"%s\" refused", good[i]);
    assert_true(spool_id_ok(max));
    assert_int_equal(strlen(max), 64);
    assert_int_equal(strlen(over), 65);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (spool_id_ok(bad[i]))
            fail_msg("\"%s\" accepted", bad[i]);
    assert_false(spool_id_ok(NULL));
}

static void
test_open_skeleton(void **state)
{
    struct fixture *f = *state;
    /* A nested root that does not exist yet. */
    char *root = fsu_join(f->root, "deep/er/spool");
    struct spool sp;
    struct err e = {0};
    assert_int_equal(spool_open(&sp, root, &e), 0);
    static const char *const dirs[] = {"tmp",  "incoming", "story",    "art",  "pdf",
                                       "print", "done",    "failed", "rejected", "hold"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *p = fsu_join(root, dirs[i]);
        struct stat st;
        if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
            fail_msg("%s is not a directory", p);
        free(p);
    }
    /* Work areas in the stage directories only. */
    static const char *const work[] = {"incoming/.work", "story/.work", "art/.work",
                                       "pdf/.work", "print/.work"};
    for (size_t i = 0; i < sizeof work / sizeof work[0]; i++)
        if (!exists(root, work[i]))
            fail_msg("%s/%s missing", root, work[i]);
    assert_false(exists(root, "done/.work"));
    assert_false(exists(root, "rejected/.work"));
    /* Paths. */
    char *p = spool_dir_path(&sp, ST_ART), *want = fsu_join(root, "art");
    assert_string_equal(p, want);
    free(p);
    free(want);
    p = spool_entry_path(&sp, ST_DONE, "A1");
    want = fsu_join(root, "done/A1");
    assert_string_equal(p, want);
    free(p);
    free(want);
    spool_close(&sp);
    /* Opening an existing spool changes nothing and works. */
    assert_int_equal(spool_open(&sp, root, &e), 0);
    spool_close(&sp);
    free(root);
    /* No root: a clear error. */
    assert_int_equal(spool_open(&sp, "", &e), -1);
    assert_non_null(strstr(e.msg, "spool_dir"));
    /* A root that cannot be created. */
    assert_int_equal(spool_open(&sp, "/proc/storypress-cannot/spool", &e), -1);
    assert_non_null(strstr(e.msg, "/proc/storypress-cannot"));
}

static void
test_claim_one_wins(void **state)
{
    struct fixture *f = *state;
    struct spool_worker w1, w2;
    struct err e = {0};
    assert_int_equal(spool_worker_start(&f->sp, ST_STORY, "w1", &w1, &e), 0);
    assert_int_equal(spool_worker_start(&f->sp, ST_STORY, "w2", &w2, &e), 0);
    make_folder(f, ST_STORY, "A1");
    assert_int_equal(spool_claim(&w1, "A1", &e), 0);
    assert_int_equal(spool_claim(&w2, "A1", &e), 1);
    assert_int_equal(spool_claim(&w1, "A1", &e), 1); /* already gone from story/ */
    assert_false(exists(f->root, "story/A1"));
    assert_true(exists(f->root, "story/.work/w1/A1/order.json"));
    assert_false(exists(f->root, "story/.work/w2/A1"));
    char *cp = spool_claim_path(&w1, "A1"), *want = fsu_join(f->root, "story/.work/w1/A1");
    assert_string_equal(cp, want);
    free(cp);
    free(want);
    /* Stopping a worker puts its claims back and removes its area and lock. */
    assert_int_equal(spool_worker_stop(&w1, &e), 0);
    assert_true(exists(f->root, "story/A1/order.json"));
    assert_false(exists(f->root, "story/.work/w1"));
    assert_false(exists(f->root, "story/.work/w1.lock"));
    assert_int_equal(spool_claim(&w2, "A1", &e), 0);
    assert_int_equal(spool_worker_stop(&w2, &e), 0);
    assert_true(exists(f->root, "story/A1"));
}

static void
test_worker_name_and_lock(void **state)
{
    struct fixture *f = *state;
    struct spool_worker w, w2;
    struct err e = {0};
    /* A worker name becomes a directory name: same rules as an order id. */
    assert_int_equal(spool_worker_start(&f->sp, ST_ART, "../evil", &w, &e), -1);
    assert_non_null(strstr(e.msg, "../evil"));
    assert_int_equal(spool_worker_start(&f->sp, ST_ART, "same", &w, &e), 0);
    /* A second worker of the same name while the first lives is refused. */
    assert_int_equal(spool_worker_start(&f->sp, ST_ART, "same", &w2, &e), -1);
    assert_non_null(strstr(e.msg, "lock"));
    assert_int_equal(spool_worker_stop(&w, &e), 0);
    assert_int_equal(spool_worker_start(&f->sp, ST_ART, "same", &w2, &e), 0);
    assert_int_equal(spool_worker_stop(&w2, &e), 0);
}

#define RACE_N 300

/* Child: claims every entry it can, writes the names it won to out, and
 * dies without stopping (its claims stay in its area). */
static void
race_child(const char *root, const char *name, int fdready, int fdgo, const char *out)
{
    struct spool sp;
    struct spool_worker w;
    struct err e = {0};
    if (spool_open(&sp, root, &e) < 0 || spool_worker_start(&sp, ST_PDF, name, &w, &e) < 0)
        _exit(2);
    char c = 1;
    if (write(fdready, &c, 1) != 1 || read(fdgo, &c, 1) != 1)
        _exit(3);
    FILE *o = fopen(out, "w");
    if (!o)
        _exit(4);
    /* r0 goes forwards, r1 backwards: they meet, whoever starts first. */
    int back = strcmp(name, "r1") == 0;
    for (int k = 0; k < RACE_N; k++) {
        int i = back ? RACE_N - 1 - k : k;
        char id[16];
        snprintf(id, sizeof id, "R%03d", i);
        int r = spool_claim(&w, id, &e);
        if (r < 0)
            _exit(5);
        if (r == 0)
            fprintf(o, "%s\n", id);
    }
    if (fclose(o) != 0)
        _exit(6);
    _exit(0);
}

static void
test_claim_race_two_processes(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < RACE_N; i++) {
        char id[16];
        snprintf(id, sizeof id, "R%03d", i);
        make_folder(f, ST_PDF, id);
    }
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t pid[2];
    char *out[2];
    for (int k = 0; k < 2; k++) {
        char name[8];
        snprintf(name, sizeof name, "r%d", k);
        char *rel = NULL;
        assert_true(asprintf(&rel, "won-%d", k) > 0);
        out[k] = fsu_join(f->root, rel);
        free(rel);
        fflush(NULL);
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0)
            race_child(f->root, name, ready[1], go[0], out[k]);
    }
    char c;
    /* Both ready, then both go at once. */
    for (int k = 0; k < 2; k++)
        assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(write(go[1], "xx", 2), 2);
    for (int k = 0; k < 2; k++) {
        int status;
        assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
    /* Each entry won exactly once: by the file lists and by the directories. */
    static char seen[RACE_N];
    memset(seen, 0, sizeof seen);
    int total = 0;
    for (int k = 0; k < 2; k++) {
        FILE *in = fopen(out[k], "r");
        assert_non_null(in);
        char line[32];
        while (fgets(line, sizeof line, in)) {
            int i = atoi(line + 1);
            assert_in_range(i, 0, RACE_N - 1);
            if (seen[i]++)
                fail_msg("R%03d claimed twice", i);
            char rel[64];
            snprintf(rel, sizeof rel, "pdf/.work/r%d/R%03d", k, i);
            assert_true(exists(f->root, rel));
            total++;
        }
        fclose(in);
        free(out[k]);
    }
    assert_int_equal(total, RACE_N);
    assert_int_equal(count_entries(f->root, "pdf"), 0);
    assert_int_equal(count_entries(f->root, "pdf/.work/r0") +
                         count_entries(f->root, "pdf/.work/r1"),
                     RACE_N);
    /* Both children are dead: a reclaim puts everything back. */
    int back = -1;
    struct err e = {0};
    assert_int_equal(spool_reclaim(&f->sp, ST_PDF, &back, &e), 0);
    assert_int_equal(back, RACE_N);
    assert_int_equal(count_entries(f->root, "pdf"), RACE_N);
    assert_int_equal(count_entries(f->root, "pdf/.work"), 0);
}

static void
test_unclaim_due_and_scan(void **state)
{
    struct fixture *f = *state;
    struct spool_worker w;
    struct err e = {0};
    make_folder(f, ST_STORY, "D1");
    make_folder(f, ST_STORY, "D2");
    make_folder(f, ST_STORY, "D3");
    /* A dot name is scratch: never listed. */
    assert_int_equal(mkdirat(f->sp.dirfd[ST_STORY], ".D4.new", 0755), 0);
    assert_int_equal(spool_worker_start(&f->sp, ST_STORY, "u1", &w, &e), 0);
    time_t now = time(NULL);
    /* D2 deferred an hour; D1 claimed and put back at once keeps its time. */
    assert_int_equal(spool_claim(&w, "D2", &e), 0);
    assert_int_equal(spool_unclaim(&w, "D2", now + 3600, &e), 0);
    assert_true(exists(f->root, "story/D2/order.json"));
    assert_false(exists(f->root, "story/.work/u1/D2"));
    assert_int_equal(spool_claim(&w, "D1", &e), 0);
    assert_int_equal(spool_unclaim(&w, "D1", 0, &e), 0);

    struct spool_entry *list;
    size_t n;
    assert_int_equal(spool_scan(&f->sp, ST_STORY, &list, &n, &e), 0);
    assert_int_equal(n, 3);
    /* Oldest due first: the deferred one last, with its due time. */
    assert_string_equal(list[2].name, "D2");
    assert_int_equal(list[2].due, now + 3600);
    for (size_t i = 0; i < 2; i++) {
        assert_true(list[i].due <= now + 1);
        assert_true(S_ISDIR(list[i].mode));
    }
    spool_entries_free(list, n);

    /* Unclaiming a name that is not claimed is an error, not a silent no-op. */
    assert_int_equal(spool_unclaim(&w, "D9", 0, &e), -1);
    /* Putting back onto a name that waits already does not replace it. */
    assert_int_equal(spool_claim(&w, "D3", &e), 0);
    make_folder(f, ST_STORY, "D3");
    assert_int_equal(spool_unclaim(&w, "D3", 0, &e), -1);
    assert_true(exists(f->root, "story/.work/u1/D3"));

    /* In incoming, entries are files: scan reports type and size. */
    int fd = openat(f->sp.dirfd[ST_INCOMING], "X1.json", O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "12345", 5), 5);
    close(fd);
    assert_int_equal(symlinkat("/etc/passwd", f->sp.dirfd[ST_INCOMING], "L1.json"), 0);
    assert_int_equal(spool_scan(&f->sp, ST_INCOMING, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].name, "X1.json") == 0) {
            assert_true(S_ISREG(list[i].mode));
            assert_int_equal(list[i].size, 5);
        } else {
            assert_string_equal(list[i].name, "L1.json");
            assert_true(S_ISLNK(list[i].mode)); /* lstat, not stat */
        }
    }
    spool_entries_free(list, n);
    assert_int_equal(spool_scan(&f->sp, ST_DONE, &list, &n, &e), 0);
    assert_int_equal(n, 0);
    spool_entries_free(list, n);
    spool_worker_stop(&w, &e); /* D3 cannot go back: that is reported */
}

/* Child: starts worker `name` on story/, claims the given entries, adds a
 * scratch entry, signals readiness, then either dies at once or waits for
 * the pipe to close, and dies without stopping either way. */
static pid_t
claimer(const char *root, const char *name, const char *const *ids, int wait_fd, int close_fd,
        int *ready_fd)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (close_fd >= 0)
            close(close_fd); /* the parent's end of wait_fd: EOF when the parent closes it */
        struct spool sp;
        struct spool_worker w;
        struct err e = {0};
        if (spool_open(&sp, root, &e) < 0 || spool_worker_start(&sp, ST_STORY, name, &w, &e) < 0)
            _exit(2);
        for (const char *const *id = ids; *id; id++)
            if (spool_claim(&w, *id, &e) != 0)
                _exit(3);
        char scratch[64];
        snprintf(scratch, sizeof scratch, ".%s.new", ids[0]);
        if (mkdirat(w.dirfd, scratch, 0755) < 0)
            _exit(4);
        int fd = openat(w.dirfd, ".tmpfile", O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            _exit(5);
        close(fd);
        if (write(p[1], "r", 1) != 1)
            _exit(6);
        char c;
        if (wait_fd >= 0)
            while (read(wait_fd, &c, 1) > 0)
                ;
        _exit(0); /* no spool_worker_stop: as if killed */
    }
    close(p[1]);
    *ready_fd = p[0];
    return pid;
}

static void
test_reclaim_dead_not_living(void **state)
{
    struct fixture *f = *state;
    static const char *const all[] = {"A", "B", "C", "S1"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        make_folder(f, ST_STORY, all[i]);
    struct err e = {0};
    /* This process is a worker too (as a daemon sweeping): its claim stays. */
    struct spool_worker self;
    assert_int_equal(spool_worker_start(&f->sp, ST_STORY, "self", &self, &e), 0);
    assert_int_equal(spool_claim(&self, "S1", &e), 0);

    int hold[2];
    assert_int_equal(pipe(hold), 0);
    static const char *const dead_ids[] = {"A", "B", NULL};
    static const char *const live_ids[] = {"C", NULL};
    int rd, rl;
    pid_t dead = claimer(f->root, "dead", dead_ids, -1, hold[1], &rd);
    pid_t live = claimer(f->root, "live", live_ids, hold[0], hold[1], &rl);
    close(hold[0]);
    char c;
    assert_int_equal(read(rd, &c, 1), 1);
    assert_int_equal(read(rl, &c, 1), 1);
    close(rd);
    close(rl);
    int status;
    assert_int_equal(waitpid(dead, &status, 0), dead);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(exists(f->root, "story/.work/dead/A"));
    assert_true(exists(f->root, "story/.work/dead/.A.new"));

    int back = -1;
    assert_int_equal(spool_reclaim(&f->sp, ST_STORY, &back, &e), 0);
    assert_int_equal(back, 2);
    /* The dead worker's claims are back, its scratch and area gone. */
    assert_true(exists(f->root, "story/A/order.json"));
    assert_true(exists(f->root, "story/B/order.json"));
    assert_false(exists(f->root, "story/.A.new"));
    assert_false(exists(f->root, "story/.tmpfile"));
    assert_false(exists(f->root, "story/.work/dead"));
    assert_false(exists(f->root, "story/.work/dead.lock"));
    /* The living ones keep theirs. */
    assert_true(exists(f->root, "story/.work/live/C"));
    assert_false(exists(f->root, "story/C"));
    assert_true(exists(f->root, "story/.work/self/S1"));
    assert_false(exists(f->root, "story/S1"));

    /* Nothing more to do while they live. */
    assert_int_equal(spool_reclaim(&f->sp, ST_STORY, &back, &e), 0);
    assert_int_equal(back, 0);

    /* The other one dies too: its claim comes back, scratch removed. */
    close(hold[1]);
    assert_int_equal(waitpid(live, &status, 0), live);
    assert_int_equal(spool_reclaim(&f->sp, ST_STORY, &back, &e), 0);
    assert_int_equal(back, 1);
    assert_true(exists(f->root, "story/C/order.json"));
    assert_false(exists(f->root, "story/.C.new"));
    assert_false(exists(f->root, "story/.work/live"));
    assert_true(exists(f->root, "story/.work/self/S1"));
    assert_int_equal(count_entries(f->root, "story"), 3);

    /* A stage with no work areas, and a non-stage directory: nothing to do. */
    assert_int_equal(spool_reclaim(&f->sp, ST_PRINT, &back, &e), 0);
    assert_int_equal(back, 0);
    assert_int_equal(spool_reclaim(&f->sp, ST_DONE, &back, &e), 0);
    assert_int_equal(back, 0);
    assert_int_equal(spool_worker_stop(&self, &e), 0);
    assert_true(exists(f->root, "story/S1"));
}

static void
test_locate(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int count = -1;
    char *path = NULL;
    /* Nowhere. */
    assert_int_equal(spool_locate(&f->sp, "L1", &count, &path), ST_NONE);
    assert_int_equal(count, 0);
    assert_null(path);
    /* In a stage directory. */
    make_folder(f, ST_ART, "L1");
    assert_int_equal(spool_locate(&f->sp, "L1", &count, &path), ST_ART);
    assert_int_equal(count, 1);
    char *want = fsu_join(f->root, "art/L1");
    assert_string_equal(path, want);
    free(want);
    free(path);
    /* In a worker's area. */
    struct spool_worker w;
    assert_int_equal(spool_worker_start(&f->sp, ST_ART, "loc", &w, &e), 0);
    assert_int_equal(spool_claim(&w, "L1", &e), 0);
    assert_int_equal(spool_locate(&f->sp, "L1", &count, &path), ST_ART);
    assert_int_equal(count, 1);
    want = fsu_join(f->root, "art/.work/loc/L1");
    assert_string_equal(path, want);
    free(want);
    free(path);
    /* In an end state, and NULL outputs are allowed. */
    make_folder(f, ST_DONE, "L2");
    assert_int_equal(spool_locate(&f->sp, "L2", NULL, NULL), ST_DONE);
    make_folder(f, ST_HOLD, "L3");
    assert_int_equal(spool_locate(&f->sp, "L3", &count, NULL), ST_HOLD);
    assert_int_equal(count, 1);
    /* Duplicates are counted: claimed in art/ and also in failed/ and story/. */
    make_folder(f, ST_FAILED, "L1");
    make_folder(f, ST_STORY, "L1");
    enum state where = spool_locate(&f->sp, "L1", &count, &path);
    assert_int_equal(count, 3);
    assert_true(where == ST_STORY || where == ST_ART || where == ST_FAILED);
    assert_non_null(path);
    free(path);
    /* Drops in incoming/ and rejected/ are not order folders. */
    assert_int_equal(mkdirat(f->sp.dirfd[ST_REJECTED], "L4", 0755), 0);
    assert_int_equal(spool_locate(&f->sp, "L4", &count, NULL), ST_NONE);
    assert_int_equal(count, 0);
    assert_int_equal(spool_worker_stop(&w, &e), 0);
}

int
main(void)
{
    log_init("test_spool", LOG_WARNING, LOG_PREFIX_NEVER);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_ok),
        cmocka_unit_test_setup_teardown(test_open_skeleton, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_name_and_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_race_two_processes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclaim_due_and_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_dead_not_living, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
