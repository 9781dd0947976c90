/*
 * cmd_watch.c — `storypress watch [ID] [--count N]`: the pipeline, live.
 *
 * LISTENs on the channel every transition NOTIFYs (DB_NOTIFY_CHANNEL,
 * payload {"order_id","from","to","at","worker"}) and prints one line per
 * transition: time, order, from → to, worker.  With ID, only that order's.
 * On a terminal each line also shows how far the order has come: a bar of
 * the five stages it has passed.  Ends on SIGINT or SIGTERM, or after N
 * transitions with --count (for scripts and tests).
 *
 * Once listening it says so on stderr, so that a script starting it in the
 * background knows when transitions will be seen.  When the database goes
 * away it reconnects (with the stage daemons' backoff) and listens again,
 * saying on stderr that the transitions in between were not seen: a
 * notification is not queued for a listener that is not connected.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "tool.h"

#define WATCH_STAGES 5 /* incoming, story, art, pdf, print: passed on the way to done */

static volatile sig_atomic_t watch_stop;

static void
watch_on_signal(int sig)
{
    (void)sig;
    watch_stop = 1;
}

/* Stages an order has passed once it is in state `name` (done: all five);
 * -1 for the states off the path (failed, rejected, hold). */
static int
watch_passed(const char *name)
{
    enum state st = name ? state_from_name(name) : ST_NONE;
    if (st == ST_DONE)
        return WATCH_STAGES;
    if (st != ST_NONE && state_is_stage(st))
        return (int)st - (int)ST_INCOMING;
    return -1;
}

/* Prints one transition; returns 1 when it was printed (it matched). */
static int
watch_print(const char *payload, const char *only, int tty)
{
    json_error_t je;
    json_t *j = json_loads(payload, 0, &je);
    if (!j || !json_is_object(j)) {
        /* Not ours to judge: say it once, keep watching. */
        char *cut = esc_cut(payload, 200);
        fprintf(stderr, "storypress: watch: a notification that is not JSON: %s\n", cut);
        free(cut);
        json_decref(j);
        return 0;
    }
    const char *id = json_string_value(json_object_get(j, "order_id"));
    const char *from = json_string_value(json_object_get(j, "from"));
    const char *to = json_string_value(json_object_get(j, "to"));
    const char *at = json_string_value(json_object_get(j, "at"));
    const char *worker = json_string_value(json_object_get(j, "worker"));
    if (!id || (only && strcmp(id, only) != 0)) {
        json_decref(j);
        return 0;
    }
    printf("%s  %s  %s → %s  %s", at ? at : "-", id, from ? from : "-", to ? to : "-",
           worker ? worker : "-");
    if (tty) {
        int passed = watch_passed(to);
        if (passed < 0) {
            /* Off the path: show where it left it. */
            int before = watch_passed(from);
            passed = before < 0 ? 0 : before;
        }
        char bar[WATCH_STAGES + 1];
        for (int i = 0; i < WATCH_STAGES; i++)
            bar[i] = i < passed ? '#' : '.';
        bar[WATCH_STAGES] = 0;
        printf("  [%s] %d/%d", bar, passed, WATCH_STAGES);
    }
    printf("\n");
    fflush(stdout);
    json_decref(j);
    return 1;
}

static int
watch_listen(struct tool *t, struct err *e)
{
    PGresult *r = db_exec(t->db, e, "LISTEN " DB_NOTIFY_CHANNEL, 0, NULL);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* Waits for the database and listens again: 0 when listening, 1 when a
 * signal stopped the wait, -1 on an error that waiting will not mend. */
static int
watch_reconnect(struct tool *t, struct err *e)
{
    for (;;) {
        if (db_wait(t->db, (int)config_int(t->cfg, "db_retry_cap"), &watch_stop, e) < 0)
            return watch_stop ? 1 : -1;
        if (watch_listen(t, e) == 0)
            break;
        if (e->kind != ERR_TRANSIENT)
            return -1;
    }
    fprintf(stderr, "watching %s again; transitions while the database was away were not "
                    "seen\n", DB_NOTIFY_CHANNEL);
    return 0;
}

int
cmd_watch(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"count", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    long count = 0;
    int c;
    if (tool_wants_help(argc, argv))
        return 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'n')
            return tool_usage(argv[0]);
        char *end;
        errno = 0;
        count = strtol(optarg, &end, 10);
        if (errno || end == optarg || *end || count < 1)
            return tool_fail("--count: a number of transitions from 1, got \"%s\"", optarg) + 1;
    }
    const char *only = NULL;
    if (optind < argc)
        only = argv[optind++];
    if (optind != argc)
        return tool_usage(argv[0]);
    if (only && !spool_id_ok(only))
        return tool_fail("\"%s\" is not an order id", only);

    /* No SA_RESTART: a signal must wake poll(). */
    struct sigaction sa = {0};
    sa.sa_handler = watch_on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        return tool_fail("sigaction: %s", strerror(errno));

    if (tool_db(t) < 0)
        return 1;
    struct err e = {0};
    if (watch_listen(t, &e) < 0)
        return tool_fail("%s", e.msg);
    int tty = isatty(STDOUT_FILENO);
    fprintf(stderr, "watching %s%s%s (Ctrl-C to stop)\n", DB_NOTIFY_CHANNEL,
            only ? " for order " : "", only ? only : "");

    long seen = 0;
    while (!watch_stop && (!count || seen < count)) {
        PGconn *conn = db_conn(t->db);
        struct pollfd pfd = {.fd = conn ? PQsocket(conn) : -1, .events = POLLIN};
        if (pfd.fd < 0 || PQstatus(conn) != CONNECTION_OK) {
            int r = watch_reconnect(t, &e);
            if (r < 0)
                return tool_fail("%s", e.msg);
            if (r > 0)
                break; /* stopped while waiting */
            continue;
        }
        int n = poll(&pfd, 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return tool_fail("poll: %s", strerror(errno));
        }
        if (!PQconsumeInput(conn)) {
            fprintf(stderr, "storypress: watch: database connection lost: %s",
                    PQerrorMessage(conn));
            /* A fresh handle: the broken one may still claim to be fine. */
            db_free(t->db);
            t->db = db_new(config_str(t->cfg, "database"));
            continue;
        }
        PGnotify *nt;
        while ((nt = PQnotifies(conn))) {
            if ((!count || seen < count) && watch_print(nt->extra, only, tty))
                seen++;
            PQfreemem(nt);
        }
    }
    return 0;
}
