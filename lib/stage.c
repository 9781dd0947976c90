/*
 * stage.c — the common loop of the stage daemons (see stage.h).
 *
 * Shape of a pass: scan the directory, and for every entry that is due,
 * claim it, run the handler, and act on its result.  A pass that did any
 * work is followed by another at once (as Postfix's pickup rescans until a
 * pass finds nothing), because entries may have arrived meanwhile.  Between
 * passes the loop sleeps in poll(2) on inotify, woken by a new entry, by the
 * next deferred order falling due, by the sweep timer or by the watchdog.
 * inotify is only a hint: the scan is the truth.
 *
 * A stage with batch hooks (stage_main_batch()) claims up to its batch size
 * of due entries, hands them to its handler together and then acts on each
 * one's own result; claiming and acting are the same code as for one entry
 * (stage_job_prepare(), stage_job_conclude()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "host.h"
#include "harden.h"
#include "log.h"
#include "order.h"
#include "stage.h"
#include "transit.h"

#define STAGE_ORDER_JSON_MAX (1024 * 1024)

static volatile int stage_stop;

static void
stage_on_signal(int sig)
{
    (void)sig;
    stage_stop = 1;
}

long
stage_backoff(long base, long cap, int attempt, double rnd)
{
    double d = (double)base;
    for (int i = 1; i < attempt && d < (double)cap; i++)
        d *= 2;
    if (d > (double)cap)
        d = (double)cap;
    /* "Equal jitter": half fixed, half random, so workers that failed
     * together do not come back together. */
    long v = (long)(d / 2 + rnd * d / 2);
    return v < 1 ? 1 : v;
}

static double
stage_random(void)
{
    unsigned int r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
        r = (unsigned int)rand();
    return (double)r / 4294967296.0;
}

static long long
stage_now(void)
{
    return (long long)time(NULL);
}

static void
stage_usage(FILE *out, const struct stage_ops *ops)
{
    fprintf(out,
            "NAME\n"
            "    %s — the %s stage of storypress\n\n"
            "SYNOPSIS\n"
            "    %s [-c FILE] [--once] [--worker NAME]\n"
            "    %s --help\n\n"
            "DESCRIPTION\n"
            "    %s\n\n"
            "    It works on the orders in <spool_dir>/%s/, several instances at once if\n"
            "    wanted: each claims an order by renaming it into its own work area, so\n"
            "    no order is worked on twice.  A transient failure defers the order with\n"
            "    exponential backoff (retry_base, retry_cap); after max_attempts, or on\n"
            "    a permanent failure, the order goes to failed/ with error.json.  Every\n"
            "    move is recorded in PostgreSQL before it is made.\n\n"
            "OPTIONS\n"
            "    -c, --config FILE   configuration file (default: $STORYPRESS_CONFIG, else\n"
            "                        " STORYPRESS_SYSCONFDIR "/storypress.conf if it exists,\n"
            "                        else built-in defaults)\n"
            "    --once              work on every order that is due, then exit\n"
            "    --worker NAME       name in the event log (default: <hostname>.<pid>)\n"
            "    -h, --help          this text\n\n"
            "SIGNALS\n"
            "    SIGTERM, SIGINT     finish or put back the current order and exit 0\n\n"
            "ENVIRONMENT\n"
            "    STORYPRESS_<KEY>    overrides a configuration key (STORYPRESS_SPOOL_DIR)\n"
            "    PGHOST, PGDATABASE, ...  libpq's defaults when `database` is empty\n"
            "    NOTIFY_SOCKET, WATCHDOG_USEC  set by systemd (Type=notify, WatchdogSec)\n\n"
            "EXIT STATUS\n"
            "    0 on a requested stop or when --once is done; 1 on a configuration,\n"
            "    spool or database error at start; 2 on bad usage.\n",
            ops->prog, state_name(ops->state), ops->prog, ops->prog, ops->summary,
            state_name(ops->state));
}

static char *
stage_worker_name(const struct config *cfg, const char *opt)
{
    const char *w = opt && *opt ? opt : config_str(cfg, "worker_name");
    char *name = NULL;
    if (w && *w) {
        name = strdup(w);
    } else {
        /* The host's name (host.c): claims in the spool and events say
         * which host did the work. */
        const char *host = host_name();
        if (asprintf(&name, "%.40s.%ld", host, (long)getpid()) < 0)
            name = NULL;
    }
    if (!name)
        abort();
    return name;
}

struct stage_aside {
    char *name;
    long long until; /* 0: for good; else not before this time */
    int tries;       /* transient failures so far (the backoff's attempt) */
};

struct stage_loop {
    const struct stage_ops *ops;
    const struct stage_batch_ops *batch; /* NULL: one entry at a time */
    struct stage_ctx ctx;
    struct spool sp;
    struct spool_worker w;
    struct db *db;
    struct config *cfg;
    char *worker;
    int once;
    long retry_base, retry_cap, max_attempts, db_cap;
    /* Entries set aside by name: drops that could not be moved (for good,
     * logged once each), and incoming drops deferred after a transient
     * failure (a drop has no row to count attempts on, and its mtime is the
     * shop's: the backoff is kept here). */
    struct stage_aside *aside;
    size_t n_aside;
};

static struct stage_aside *
stage_aside_find(struct stage_loop *L, const char *name)
{
    for (size_t i = 0; i < L->n_aside; i++)
        if (strcmp(L->aside[i].name, name) == 0)
            return &L->aside[i];
    return NULL;
}

static struct stage_aside *
stage_aside_add(struct stage_loop *L, const char *name)
{
    struct stage_aside *a = stage_aside_find(L, name);
    if (a)
        return a;
    L->aside = realloc(L->aside, (L->n_aside + 1) * sizeof *L->aside);
    if (!L->aside)
        abort();
    a = &L->aside[L->n_aside++];
    *a = (struct stage_aside){.name = strdup(name)};
    if (!a->name)
        abort();
    return a;
}

/* 1 when name is set aside now; *next_due learns when a deferral ends. */
static int
stage_is_ignored(struct stage_loop *L, const char *name, long long now, long long *next_due)
{
    struct stage_aside *a = stage_aside_find(L, name);
    if (!a)
        return 0;
    if (a->until == 0)
        return 1;
    if (a->until <= now)
        return 0;
    if (!*next_due || a->until < *next_due)
        *next_due = a->until;
    return 1;
}

static void
stage_ignore(struct stage_loop *L, const char *name)
{
    stage_aside_add(L, name)->until = 0;
}

/* An incoming drop met a transient failure: not again before the backoff
 * (retry_base, doubling to retry_cap, with jitter) has passed. */
static long
stage_defer_drop(struct stage_loop *L, const char *name)
{
    struct stage_aside *a = stage_aside_add(L, name);
    a->tries++;
    long delay = stage_backoff(L->retry_base, L->retry_cap, a->tries, stage_random());
    a->until = stage_now() + delay;
    return delay;
}

/* A drop dealt with: its deferral is over. */
static void
stage_forget(struct stage_loop *L, const char *name)
{
    struct stage_aside *a = stage_aside_find(L, name);
    if (a && a->until != 0) {
        free(a->name);
        *a = L->aside[--L->n_aside];
    }
}

/* Forgets the entries no longer in the directory (list: this scan), so the
 * list stays as short as what is really set aside. */
static void
stage_aside_prune(struct stage_loop *L, const struct spool_entry *list, size_t n)
{
    for (size_t i = 0; i < L->n_aside;) {
        int there = 0;
        for (size_t k = 0; k < n && !there; k++)
            there = strcmp(list[k].name, L->aside[i].name) == 0;
        if (!there) {
            free(L->aside[i].name);
            L->aside[i] = L->aside[--L->n_aside];
        } else {
            i++;
        }
    }
}

/* Waits for the database; 0 once it answers, -1 when told to stop. */
static int
stage_db_wait(struct stage_loop *L, struct err *e)
{
    int cap = (int)L->db_cap;
    return db_wait(L->db, cap, &stage_stop, e);
}

/* Runs a transit, waiting out database outages: the work is done and must
 * not be lost to one.  Returns 0, or -1 (e set) on a permanent error or a
 * stop request. */
static int
stage_transit(struct stage_loop *L, const char *id, const char *src, enum state to,
              const json_t *detail, struct err *e)
{
    for (;;) {
        if (transit_move(&L->sp, L->db, L->worker, id, src, L->ops->state, to, detail, e) == 0)
            return 0;
        if (e->kind != ERR_TRANSIENT || stage_stop)
            return -1;
        log_order(LOG_WARNING, id, "%s; waiting for the database", e->msg);
        if (stage_db_wait(L, e) < 0)
            return -1;
    }
}

/* Writes error.json into the order folder and moves it to failed/. */
static void
stage_fail(struct stage_loop *L, struct stage_job *job, const char *reason, int attempts)
{
    struct err e = {0};
    char at[40];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *ej = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "order_id", job->id, "stage",
                           state_name(L->ops->state), "error", reason, "attempts", attempts,
                           "worker", L->worker, "at", at);
    char *text = ej ? json_dumps(ej, JSON_INDENT(2)) : NULL;
    json_decref(ej);
    if (!text || fsu_write_atomic(job->path, "error.json", text, strlen(text), &e) < 0)
        log_order(LOG_ERR, job->id, "cannot write error.json: %s", e.msg);
    free(text);
    json_t *detail = json_pack("{s:s}", "error", reason);
    if (stage_transit(L, job->id, job->path, ST_FAILED, detail, &e) < 0) {
        log_order(LOG_ERR, job->id, "cannot move to failed/: %s; putting it back", e.msg);
        if (spool_unclaim(&L->w, job->entry, time(NULL) + L->retry_base, &e) < 0)
            log_order(LOG_ERR, job->id, "%s", e.msg);
    } else {
        log_order(LOG_ERR, job->id, "failed at %s after %d attempt%s: %s",
                  state_name(L->ops->state), attempts, attempts == 1 ? "" : "s", reason);
    }
    json_decref(detail);
}

/* A transient failure: count the attempt, defer, or fail when too many. */
static void
stage_retry(struct stage_loop *L, struct stage_job *job, const char *reason)
{
    struct err e = {0};
    if (stage_stop) {
        /* Cut short by a stop request: not the order's fault. */
        if (spool_unclaim(&L->w, job->entry, 0, &e) < 0)
            log_order(LOG_ERR, job->id, "%s", e.msg);
        return;
    }
    long delay = stage_backoff(L->retry_base, L->retry_cap, job->attempt, stage_random());
    long long due = stage_now() + delay;
    int attempts = job->attempt;
    while (db_record_attempt(L->db, job->id, L->ops->state, reason, due, &attempts, &e) < 0) {
        if (e.kind != ERR_TRANSIENT || stage_db_wait(L, &e) < 0)
            break;
    }
    if (attempts >= L->max_attempts) {
        char *why = NULL;
        if (asprintf(&why, "gave up after %d attempts; last error: %s", attempts, reason) < 0)
            abort();
        stage_fail(L, job, why, attempts);
        free(why);
        return;
    }
    log_order(LOG_WARNING, job->id, "attempt %d at %s failed, next in %lds: %s", attempts,
              state_name(L->ops->state), delay, reason);
    if (spool_unclaim(&L->w, job->entry, (time_t)due, &e) < 0)
        log_order(LOG_ERR, job->id, "%s", e.msg);
}

/* Prepares the job of an order folder: its id and order.json. */
static int
stage_job_load(struct stage_loop *L, struct stage_job *job, struct err *e)
{
    job->id = job->entry;
    char *buf;
    size_t len;
    char *p = fsu_join(job->path, "order.json");
    int rc = fsu_read_file(AT_FDCWD, p, STAGE_ORDER_JSON_MAX, &buf, &len, e);
    free(p);
    if (rc < 0)
        return err_prefix(e, "order.json");
    json_error_t je;
    job->order = json_loadb(buf, len, 0, &je);
    free(buf);
    if (!job->order)
        return err_set(e, ERR_PERMANENT, "order.json: line %d: %s", je.line, je.text);
    int attempts = 0;
    while (db_order_attempts(L->db, job->id, &attempts, e) < 0) {
        if (e->kind != ERR_TRANSIENT || stage_db_wait(L, e) < 0)
            return -1;
    }
    job->attempt = attempts + 1;
    return 0;
}

static void
stage_job_clear(struct stage_job *job)
{
    free(job->path);
    free(job->out_path);
    free(job->out_id);
    free(job->reason);
    json_decref(job->order);
    json_decref(job->detail);
    memset(job, 0, sizeof *job);
}

/* The first part of working on an entry: claims it and, outside incoming,
 * loads its order.json and attempt count into *job.  Returns 1 when the job
 * is ready for the handler; 0 when the claim was lost or failed (nothing
 * done); -1 when the load failed and the entry was dealt with here (put
 * back or failed: something done). */
static int
stage_job_prepare(struct stage_loop *L, const char *name, struct stage_job *job)
{
    struct err e = {0};
    enum state st = L->ops->state;
    memset(job, 0, sizeof *job);
    int rc = spool_claim(&L->w, name, &e);
    if (rc == 1) {
        if (st == ST_INCOMING) {
            char *shown = esc_str(name);
            log_debug("%s: taken by another worker", shown);
            free(shown);
        } else {
            log_debug("%s: taken by another worker", name);
        }
        return 0;
    }
    if (rc < 0) {
        log_error("%s", e.msg);
        return 0;
    }
    job->entry = name;
    job->path = spool_claim_path(&L->w, name);
    if (st != ST_INCOMING) {
        if (!spool_id_ok(name)) {
            char *shown = esc_str(name);
            log_error("%s/%s: not an order folder (bad name); left in place for fsck",
                      state_name(st), shown);
            free(shown);
            spool_unclaim(&L->w, name, 0, &e);
            stage_ignore(L, name);
            stage_job_clear(job);
            return 0;
        }
        if (stage_job_load(L, job, &e) < 0) {
            if (stage_stop || e.kind == ERR_TRANSIENT) {
                spool_unclaim(&L->w, name, 0, &e);
            } else {
                job->id = name;
                stage_fail(L, job, e.msg, 1);
            }
            stage_job_clear(job);
            return -1;
        }
        log_order(LOG_DEBUG, job->id, "claimed at %s (attempt %d)", state_name(st),
                  job->attempt);
    }
    return 1;
}

/* The last part: acts on the handler's result for one prepared job (hand
 * on, defer, fail, reject, wait), e saying why when it failed, and clears
 * the job. */
static void
stage_job_conclude(struct stage_loop *L, struct stage_job *job, enum stage_result res,
                   struct err *e)
{
    enum state st = L->ops->state;
    const char *name = job->entry;
    const char *id = job->out_id ? job->out_id : job->id;
    switch (res) {
    case STAGE_DONE: {
        const char *src = job->out_path ? job->out_path : job->path;
        struct err e2 = {0};
        enum state to = job->hand_to != ST_INCOMING ? job->hand_to : state_next(st);
        if (stage_transit(L, id, src, to, job->detail, &e2) < 0) {
            log_order(LOG_ERR, id, "%s", e2.msg);
            if (job->out_path)
                fsu_remove_tree(job->out_path, NULL);
            if (spool_unclaim(&L->w, name, stage_stop ? 0 : time(NULL) + L->retry_base,
                              &e2) < 0)
                log_order(LOG_ERR, id, "%s", e2.msg);
        } else if (job->out_path && unlink(job->path) < 0 && errno != ENOENT) {
            int saved = errno;
            char *shown = esc_str(job->path);
            log_order(LOG_ERR, id, "%s: cannot remove the drop: %s", shown, strerror(saved));
            free(shown);
        }
        break;
    }
    case STAGE_RETRY:
        if (job->out_path)
            fsu_remove_tree(job->out_path, NULL);
        if (st == ST_INCOMING) {
            /* No order yet to count attempts on: try the drop again later.
             * When the database is away, wait for it here, once for all
             * drops, rather than retrying (and logging) drop by drop. */
            char *shown = esc_str(name);
            if (spool_unclaim(&L->w, name, 0, e) < 0)
                log_error("%s", e->msg);
            if (!stage_stop && !db_conn(L->db)) {
                log_warn("%s: %s; will try again", shown, e->msg);
                stage_db_wait(L, e);
            } else if (!stage_stop) {
                long delay = stage_defer_drop(L, name);
                log_warn("%s: %s; will try again in %lds", shown, e->msg, delay);
            }
            free(shown);
        } else {
            stage_retry(L, job, e->msg);
        }
        break;
    case STAGE_FAIL:
        if (st != ST_INCOMING) {
            stage_fail(L, job, e->msg, job->attempt);
            break;
        }
        /* in incoming a failure is a bad drop */
        __attribute__((fallthrough));
    case STAGE_REJECT: {
        struct err e2 = {0};
        if (job->out_path)
            fsu_remove_tree(job->out_path, NULL);
        const char *reason = job->reason ? job->reason : e->msg;
        int moved;
        while (!(moved = transit_reject(&L->sp, L->db, L->worker, name, job->path, id, reason,
                                        &e2) == 0)) {
            /* The database away: wait for it (that is all that is wrong).
             * Anything else transient (a full disk): put the drop back and
             * try it again after a backoff, staying responsive meanwhile.
             * Permanent: put back and leave it for the operator. */
            if (e2.kind == ERR_TRANSIENT && !stage_stop && !db_conn(L->db) &&
                stage_db_wait(L, &e2) == 0)
                continue;
            char *shown = esc_str(name);
            struct err e3 = {0};
            if (spool_unclaim(&L->w, name, 0, &e3) < 0)
                log_error("%s", e3.msg);
            if (stage_stop) {
                log_notice("%s: not rejected yet (stopping): %s", shown, e2.msg);
            } else if (e2.kind == ERR_TRANSIENT) {
                long delay = stage_defer_drop(L, name);
                log_warn("%s: cannot reject now: %s; will try again in %lds", shown, e2.msg,
                         delay);
            } else {
                log_error("%s: cannot reject: %s; left in place", shown, e2.msg);
                stage_ignore(L, name);
            }
            free(shown);
            break;
        }
        if (moved)
            stage_forget(L, name);
        break;
    }
    case STAGE_WAIT:
        if (spool_unclaim(&L->w, name, (time_t)job->wait_until, e) < 0)
            log_order(LOG_ERR, id, "%s", e->msg);
        break;
    case STAGE_SKIP:
        break;
    }
    stage_job_clear(job);
}

/* Claims and works on one entry.  Returns 1 when it did something. */
static int
stage_process(struct stage_loop *L, const char *name)
{
    struct stage_job job;
    int rc = stage_job_prepare(L, name, &job);
    if (rc <= 0)
        return rc < 0;
    struct err e = {0};
    enum stage_result res = L->ops->handle(&L->ctx, &job, &e);
    stage_job_conclude(L, &job, res, &e);
    return 1;
}

/* The handler's batch size this pass: 1 (one entry at a time) unless the
 * stage has both batch hooks and asks for more. */
static size_t
stage_batch_size(struct stage_loop *L)
{
    if (!L->batch || !L->batch->batch_size || !L->batch->handle_batch)
        return 1;
    int n = L->batch->batch_size(&L->ctx);
    return n > 1 ? (size_t)n : 1;
}

/* Hands n prepared jobs to the batch handler at once, then concludes each
 * with its own result.  A stop request that came while they were being
 * claimed puts them all back unworked (STAGE_RETRY after a stop counts no
 * attempt), rather than starting work that would be cut short. */
static void
stage_batch_run(struct stage_loop *L, struct stage_job *jobs, size_t n,
                enum stage_result *results, struct err *errs)
{
    for (size_t i = 0; i < n; i++) {
        results[i] = STAGE_RETRY;
        err_clear(&errs[i]);
    }
    if (!stage_stop)
        L->batch->handle_batch(&L->ctx, jobs, n, results, errs);
    for (size_t i = 0; i < n; i++) {
        if (stage_stop && results[i] == STAGE_RETRY && errs[i].kind == ERR_NONE)
            err_set(&errs[i], ERR_TRANSIENT, "stopped: shutting down");
        stage_job_conclude(L, &jobs[i], results[i], &errs[i]);
        sd_notify(0, "WATCHDOG=1");
    }
}

/* One pass over the directory.  Returns how many entries were worked on;
 * *next_due receives the earliest due time still in the future (0: none). */
static int
stage_pass(struct stage_loop *L, long long *next_due)
{
    struct err e = {0};
    struct spool_entry *list;
    size_t n;
    *next_due = 0;
    if (spool_scan(&L->sp, L->ops->state, &list, &n, &e) < 0) {
        log_error("%s", e.msg);
        return 0;
    }
    long long now = stage_now();
    int worked = 0;
    if (L->n_aside)
        stage_aside_prune(L, list, n);
    size_t batch = stage_batch_size(L), nb = 0;
    struct stage_job *jobs = NULL;
    enum stage_result *results = NULL;
    struct err *errs = NULL;
    if (batch > 1) {
        jobs = calloc(batch, sizeof *jobs);
        results = calloc(batch, sizeof *results);
        errs = calloc(batch, sizeof *errs);
        if (!jobs || !results || !errs)
            abort();
    }
    for (size_t i = 0; i < n && !stage_stop; i++) {
        /* In incoming every drop is due: its mtime is the shop's to set. */
        if (L->ops->state != ST_INCOMING && list[i].due > now) {
            if (!*next_due || list[i].due < *next_due)
                *next_due = list[i].due;
            continue;
        }
        if (stage_is_ignored(L, list[i].name, now, next_due))
            continue;
        if (batch > 1) {
            /* Claim until the batch is full, then work on all of it at once. */
            int rc = stage_job_prepare(L, list[i].name, &jobs[nb]);
            if (rc < 0)
                worked++;
            else if (rc > 0 && ++nb == batch) {
                stage_batch_run(L, jobs, nb, results, errs);
                worked += (int)nb;
                nb = 0;
            }
        } else {
            worked += stage_process(L, list[i].name);
        }
        sd_notify(0, "WATCHDOG=1");
    }
    /* What is claimed is worked on (or put back) even after a stop request:
     * no entry stays in this worker's area. */
    if (nb) {
        stage_batch_run(L, jobs, nb, results, errs);
        worked += (int)nb;
    }
    free(jobs);
    free(results);
    free(errs);
    spool_entries_free(list, n);
    return worked;
}

static int
stage_inotify(struct stage_loop *L)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        log_warn("inotify: %s; falling back to rescans every %lds", strerror(errno),
                 config_int(L->cfg, "rescan_interval"));
        return -1;
    }
    char *dir = spool_dir_path(&L->sp, L->ops->state);
    if (inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) < 0) {
        log_warn("inotify on %s: %s; falling back to rescans", dir, strerror(errno));
        close(fd);
        fd = -1;
    }
    free(dir);
    return fd;
}

/* Drains inotify; returns 1 when anything arrived (or the queue overflowed:
 * the next pass rescans everything anyway). */
static int
stage_inotify_drain(int fd)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    int any = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        any = 1;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->mask & IN_Q_OVERFLOW)
                log_notice("inotify queue overflowed; rescanning");
            p += sizeof *ev + ev->len;
        }
    }
    return any;
}

static int
stage_start(struct stage_loop *L, const char *cfgpath, const char *worker_opt)
{
    struct err e = {0};
    if (harden_process(&e) < 0 || !(L->cfg = config_load(cfgpath, &e))) {
        fprintf(stderr, "%s: %s\n", L->ops->prog, e.msg);
        return -1;
    }
    log_init(L->ops->prog, log_level_parse(config_str(L->cfg, "log_level")), LOG_PREFIX_AUTO);
    if (host_configure(L->cfg, &e) < 0) {
        log_error("%s", e.msg);
        return -1;
    }
    L->retry_base = config_int(L->cfg, "retry_base");
    L->retry_cap = config_int(L->cfg, "retry_cap");
    L->max_attempts = config_int(L->cfg, "max_attempts");
    L->db_cap = config_int(L->cfg, "db_retry_cap");
    if (spool_open(&L->sp, config_str(L->cfg, "spool_dir"), &e) < 0) {
        log_error("%s", e.msg);
        return -1;
    }
    L->worker = stage_worker_name(L->cfg, worker_opt);
    L->db = db_new(config_str(L->cfg, "database"));
    if (stage_db_wait(L, &e) < 0)
        return -1;
    int applied = 0;
    while (db_migrate(L->db, &applied, &e) < 0) {
        if (e.kind != ERR_TRANSIENT) {
            log_error("%s", e.msg);
            return -1;
        }
        if (stage_db_wait(L, &e) < 0)
            return -1;
    }
    int back = 0;
    if (spool_reclaim(&L->sp, L->ops->state, &back, &e) < 0)
        log_warn("%s", e.msg);
    if (spool_worker_start(&L->sp, L->ops->state, L->worker, &L->w, &e) < 0) {
        log_error("%s", e.msg);
        return -1;
    }
    L->ctx.cfg = L->cfg;
    L->ctx.db = L->db;
    L->ctx.sp = &L->sp;
    L->ctx.worker = L->worker;
    L->ctx.stopping = &stage_stop;
    if (L->ops->init && L->ops->init(&L->ctx, &e) < 0) {
        log_error("%s", e.msg);
        return -1;
    }
    log_info("worker %s started on %s/%s/", L->worker, L->sp.root, state_name(L->ops->state));
    return 0;
}

static void
stage_finish(struct stage_loop *L)
{
    struct err e = {0};
    if (L->ops->fini && L->ctx.cfg)
        L->ops->fini(&L->ctx);
    if (L->w.dir && spool_worker_stop(&L->w, &e) < 0)
        log_error("%s", e.msg);
    for (size_t i = 0; i < L->n_aside; i++)
        free(L->aside[i].name);
    free(L->aside);
    if (L->sp.root)
        spool_close(&L->sp);
    db_free(L->db);
    config_free(L->cfg);
    free(L->worker);
}

int
stage_main(int argc, char **argv, const struct stage_ops *ops)
{
    return stage_main_batch(argc, argv, ops, NULL);
}

int
stage_main_batch(int argc, char **argv, const struct stage_ops *ops,
                 const struct stage_batch_ops *batch)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"once", no_argument, NULL, 'o'},
        {"worker", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct stage_loop L = {0};
    L.ops = ops;
    L.batch = batch;
    const char *cfgpath = getenv("STORYPRESS_CONFIG"), *worker_opt = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'o': L.once = 1; break;
        case 'w': worker_opt = optarg; break;
        case 'h': stage_usage(stdout, ops); return 0;
        default:
            fprintf(stderr, "usage: %s [-c FILE] [--once] [--worker NAME]; see --help\n",
                    ops->prog);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument \"%s\"; see --help\n", ops->prog,
                argv[optind]);
        return 2;
    }
    if (!cfgpath && access(STORYPRESS_SYSCONFDIR "/storypress.conf", R_OK) == 0)
        cfgpath = STORYPRESS_SYSCONFDIR "/storypress.conf";

    struct sigaction sa = {0};
    sa.sa_handler = stage_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (stage_start(&L, cfgpath, worker_opt) < 0) {
        stage_finish(&L);
        return stage_stop ? 0 : 1;
    }
    int ifd = stage_inotify(&L);
    sd_notify(0, "READY=1");
    uint64_t wd_usec = 0;
    long long wd_ms = sd_watchdog_enabled(0, &wd_usec) > 0 ? (long long)(wd_usec / 2000) : 0;
    long long rescan_s = config_int(L.cfg, "rescan_interval");
    long long last_sweep = stage_now();

    while (!stage_stop) {
        long long next_due = 0;
        int worked = stage_pass(&L, &next_due);
        if (stage_stop)
            break;
        long long now = stage_now();
        if (now - last_sweep >= rescan_s) {
            struct err e = {0};
            int back = 0;
            if (spool_reclaim(&L.sp, ops->state, &back, &e) < 0)
                log_warn("%s", e.msg);
            if (ops->idle)
                ops->idle(&L.ctx);
            last_sweep = now;
            if (back)
                continue;
        }
        if (worked)
            continue; /* something may have arrived while we worked */
        if (L.once)
            break;
        long long timeout_ms = rescan_s * 1000 - (stage_now() - last_sweep) * 1000;
        if (next_due) {
            long long until = (next_due - stage_now()) * 1000;
            if (until < timeout_ms)
                timeout_ms = until;
        }
        if (wd_ms && wd_ms < timeout_ms)
            timeout_ms = wd_ms;
        if (timeout_ms < 10)
            timeout_ms = 10;
        if (ifd >= 0) {
            struct pollfd pfd = {.fd = ifd, .events = POLLIN};
            int r = poll(&pfd, 1, (int)(timeout_ms > INT_MAX ? INT_MAX : timeout_ms));
            if (r > 0)
                stage_inotify_drain(ifd);
        } else {
            usleep((useconds_t)(timeout_ms > 1000 ? 1000000 : timeout_ms * 1000));
        }
        sd_notify(0, "WATCHDOG=1");
    }
    sd_notify(0, "STOPPING=1");
    if (ifd >= 0)
        close(ifd);
    log_info("worker %s stopping", L.worker ? L.worker : "?");
    stage_finish(&L);
    return 0;
}
