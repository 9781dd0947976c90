/*
 * stage.h — the common loop every stage daemon runs.
 *
 * A daemon's main() fills a struct stage_ops and calls stage_main(); the
 * loop owns everything else: options (-c, --once, --help), configuration,
 * logging, signals, sd_notify (READY, STOPPING, WATCHDOG), the database
 * (migrations at start, reconnecting when it goes away), inotify and
 * rescans, the sweep of dead workers' claims, claiming, and what happens
 * after the handler: hand on, defer with backoff and jitter, fail, reject.
 */
#ifndef STORYPRESS_STAGE_H
#define STORYPRESS_STAGE_H

#include <jansson.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "spool.h"
#include "state.h"

struct stage_ctx {
    const struct config *cfg;
    struct db *db;
    struct spool *sp;
    const char *worker;      /* this worker's name, for the event log */
    volatile int *stopping;  /* non-zero once SIGTERM/SIGINT arrived */
    void *priv;              /* the handler's own state (set by init) */
};

/* One claimed entry. */
struct stage_job {
    const char *entry;   /* its name in the stage directory */
    char *path;          /* the claimed entry, in this worker's area */
    const char *id;      /* the order id (NULL in incoming until the handler sets it) */
    json_t *order;       /* order.json, parsed (NULL in incoming) */
    int attempt;         /* 1 for the first attempt at this stage */
    /* Set by the handler: */
    char *out_path;      /* incoming only: the order folder to hand on (freed by the loop) */
    char *out_id;        /* incoming only: its id (freed by the loop) */
    enum state hand_to;  /* where STAGE_DONE sends it; ST_INCOMING (0): the next state */
    json_t *detail;      /* extra detail for the transition event (owned by the loop) */
    long long wait_until; /* STAGE_WAIT: when to look again (unix seconds) */
    char *reason;        /* STAGE_REJECT: the whole reason, when longer than an err
                          * holds (freed by the loop); NULL: e's message */
};

enum stage_result {
    STAGE_DONE,    /* hand on to the next state */
    STAGE_RETRY,   /* transient failure: defer with backoff (failed after max_attempts) */
    STAGE_FAIL,    /* permanent failure: failed/ with error.json */
    STAGE_REJECT,  /* incoming only: the drop is bad, to rejected/ with the reason */
    STAGE_WAIT,    /* nothing wrong, not finished: look again at wait_until (no attempt counted) */
    STAGE_SKIP,    /* the handler dealt with the entry itself (e.g. a repeated drop removed) */
};

struct stage_ops {
    enum state state;     /* the directory this daemon works on */
    const char *prog;     /* "storypress-story" */
    const char *summary;  /* one paragraph for --help: what the stage does */
    /* Called once after configuration and database are up; may set ctx->priv. */
    int (*init)(struct stage_ctx *ctx, struct err *e);
    /* Does the stage's work on one claimed entry; on any result but
     * STAGE_DONE/SKIP/WAIT, e says why. */
    enum stage_result (*handle)(struct stage_ctx *ctx, struct stage_job *job, struct err *e);
    /* Called between passes (at most every rescan_interval); may be NULL. */
    void (*idle)(struct stage_ctx *ctx);
    void (*fini)(struct stage_ctx *ctx);
};

/* Optional batch mode.  It is a struct of its own rather than more members
 * of struct stage_ops, whose positional initialisers in every stage would
 * otherwise miss fields.
 * batch_size, asked once per pass, says how many entries to claim before
 * handing them to handle_batch together; NULL or a result of 1 or less
 * keeps the one-at-a-time path through handle.  handle_batch sets
 * results[i] and, on a failure, errs[i] for each of the n jobs (results
 * start as STAGE_RETRY, errs cleared); each job is then concluded on its
 * own, exactly as after handle.  Entries whose claim was lost or whose
 * order.json could not be loaded never reach it. */
struct stage_batch_ops {
    int (*batch_size)(struct stage_ctx *ctx);
    void (*handle_batch)(struct stage_ctx *ctx, struct stage_job *jobs, size_t n,
                         enum stage_result *results, struct err *errs);
};

/* Runs the daemon; returns the process exit status. */
int stage_main(int argc, char **argv, const struct stage_ops *ops);

/* The same with batch mode (batch may be NULL: stage_main()). */
int stage_main_batch(int argc, char **argv, const struct stage_ops *ops,
                     const struct stage_batch_ops *batch);

/* The delay before attempt number `attempt` + 1, with jitter: base × 2^(attempt-1),
 * at most cap, then a random 50–100 % of that.  rnd in [0,1). */
long stage_backoff(long base, long cap, int attempt, double rnd);

#endif
