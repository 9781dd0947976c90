/*
 * cmd_run.c — `storypress run`: every stage daemon at once, in the
 * foreground, for development and the demo (production uses systemd).
 *
 * A small supervisor: it starts one process per stage, passes SIGINT and
 * SIGTERM on, and restarts a daemon that died (after a second), so a crash
 * in one stage shows in the log without stopping the others.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

static const char *const run_stages[] = {"incoming", "story", "art", "pdf", "print"};
#define RUN_NSTAGES (sizeof run_stages / sizeof run_stages[0])

static volatile sig_atomic_t run_signal;

static void
run_on_signal(int sig)
{
    run_signal = sig;
}

/* The daemon's path: beside this program (a build tree), else libexec. */
static char *
run_find(const char *stage)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *p = NULL;
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = 0;
            if (asprintf(&p, "%s/storypress-%s", self, stage) < 0)
                abort();
            if (access(p, X_OK) == 0)
                return p;
            free(p);
        }
    }
    if (asprintf(&p, "%s/storypress-%s", STORYPRESS_LIBEXECDIR, stage) < 0)
        abort();
    if (access(p, X_OK) == 0)
        return p;
    free(p);
    return NULL;
}

static pid_t
run_spawn(const char *path, const char *cfgpath, int once)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    char *argv[6];
    int i = 0;
    argv[i++] = (char *)path;
    if (cfgpath) {
        argv[i++] = (char *)"-c";
        argv[i++] = (char *)cfgpath;
    }
    if (once)
        argv[i++] = (char *)"--once";
    argv[i] = NULL;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execv(path, argv);
    fprintf(stderr, "storypress: cannot start %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* A fingerprint of where the orders are, to see whether a round moved any. */
static unsigned long
run_fingerprint(struct tool *t)
{
    unsigned long fp = 0;
    for (int i = 0; i < ST_COUNT; i++) {
        struct spool_entry *list;
        size_t n;
        struct err e = {0};
        if (spool_scan(&t->sp, (enum state)i, &list, &n, &e) < 0)
            continue;
        fp = fp * 1000003u + (unsigned long)n * (unsigned long)(i + 1);
        spool_entries_free(list, n);
    }
    return fp;
}

static int
run_once(struct tool *t, char **paths)
{
    if (tool_spool(t) < 0)
        return 1;
    for (int round = 0; round < 100 && !run_signal; round++) {
        unsigned long before = run_fingerprint(t);
        for (size_t i = 0; i < RUN_NSTAGES && !run_signal; i++) {
            if (!paths[i])
                continue;
            pid_t pid = run_spawn(paths[i], t->cfgpath, 1);
            int status;
            if (pid < 0 || waitpid(pid, &status, 0) < 0)
                return tool_fail("storypress-%s: %s", run_stages[i], strerror(errno));
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return tool_fail("storypress-%s --once failed (status %d)", run_stages[i],
                                 status);
        }
        if (run_fingerprint(t) == before)
            break;
    }
    return 0;
}

int
cmd_run(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    int once = argc == 2 && strcmp(argv[1], "--once") == 0;
    if (argc > 2 || (argc == 2 && !once))
        return tool_usage(argv[0]);
    char *paths[RUN_NSTAGES] = {0};
    int found = 0;
    for (size_t i = 0; i < RUN_NSTAGES; i++)
        if ((paths[i] = run_find(run_stages[i])))
            found++;
    if (!found)
        return tool_fail("no stage daemon found beside this program or in %s",
                         STORYPRESS_LIBEXECDIR);
    struct sigaction sa = {0};
    sa.sa_handler = run_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = 0;
    if (once) {
        rc = run_once(t, paths);
    } else {
        pid_t pids[RUN_NSTAGES] = {0};
        time_t died[RUN_NSTAGES] = {0};
        for (size_t i = 0; i < RUN_NSTAGES; i++)
            if (paths[i])
                pids[i] = run_spawn(paths[i], t->cfgpath, 0);
        fprintf(stderr, "storypress: %d stage daemon%s running; Ctrl-C stops them\n", found,
                found == 1 ? "" : "s");
        while (!run_signal) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid > 0) {
                for (size_t i = 0; i < RUN_NSTAGES; i++)
                    if (pids[i] == pid) {
                        fprintf(stderr, "storypress: storypress-%s exited (status %d); "
                                "restarting it\n", run_stages[i], status);
                        pids[i] = 0;
                        died[i] = time(NULL);
                    }
            }
            for (size_t i = 0; i < RUN_NSTAGES; i++)
                if (paths[i] && !pids[i] && time(NULL) - died[i] >= 1)
                    pids[i] = run_spawn(paths[i], t->cfgpath, 0);
            usleep(100000);
        }
        for (size_t i = 0; i < RUN_NSTAGES; i++)
            if (pids[i] > 0)
                kill(pids[i], SIGTERM);
        for (size_t i = 0; i < RUN_NSTAGES; i++)
            if (pids[i] > 0) {
                int status;
                waitpid(pids[i], &status, 0);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                    rc = 1;
            }
    }
    for (size_t i = 0; i < RUN_NSTAGES; i++)
        free(paths[i]);
    return rc;
}
