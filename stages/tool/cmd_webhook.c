/*
 * cmd_webhook.c — `storypress webhook [--once]`: the sender of the shop's
 * webhook feed (lib/webhook.h), as a long-running process of its own
 * (storypress-webhook.service), woken by the transitions' NOTIFY.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "tool.h"
#include "webhook.h"

static volatile sig_atomic_t webhook_stop;

static void
webhook_on_signal(int sig)
{
    (void)sig;
    webhook_stop = 1;
}

/* Sleeps up to ms, woken early by a stop request or, when db is given, by
 * a NOTIFY. */
static void
webhook_wait(struct db *db, int ms)
{
    PGconn *c = db ? db_conn(db) : NULL;
    if (!c) {
        for (int i = 0; i < ms / 100 && !webhook_stop; i++)
            usleep(100000);
        return;
    }
    struct pollfd pfd = {.fd = PQsocket(c), .events = POLLIN};
    if (poll(&pfd, 1, ms) > 0 && PQconsumeInput(c)) {
        PGnotify *n;
        while ((n = PQnotifies(c)))
            PQfreemem(n);
    }
}

static int
webhook_listen(struct db *db, struct err *e)
{
    PGresult *r = db_exec(db, e, "LISTEN " DB_NOTIFY_CHANNEL, 0, NULL);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int
cmd_webhook(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    int once = argc == 2 && strcmp(argv[1], "--once") == 0;
    if (argc > 2 || (argc == 2 && !once))
        return tool_usage(argv[0]);
    if (!*config_str(t->cfg, "webhook_url"))
        return tool_fail("webhook_url is not set: no webhook to send");
    struct err e = {0};
    char *key = config_secret(t->cfg, "webhook_secret_file", &e);
    if (!key)
        return tool_fail("%s", e.msg);
    size_t key_len = strlen(key);
    if (http_init(&e) < 0 || tool_db(t) < 0) {
        free(key);
        return e.msg[0] ? tool_fail("%s", e.msg) : 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = webhook_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Log lines, not the tool's warnings-only default: this is a daemon. */
    log_init("storypress-webhook", log_level_parse(config_str(t->cfg, "log_level")),
             LOG_PREFIX_AUTO);
    int listening = webhook_listen(t->db, &e) == 0, delay = 1, rc = 0;
    while (!webhook_stop) {
        int sent = 0;
        int r = webhook_deliver(t->cfg, t->db, key, key_len, &sent, &e);
        if (sent)
            log_info("webhook: %d event%s delivered", sent, sent == 1 ? "" : "s");
        if (r < 0) {
            log_warn("%s", e.msg);
            if (db_wait(t->db, 30, (volatile int *)&webhook_stop, &e) < 0)
                break;
            listening = webhook_listen(t->db, &e) == 0;
            continue;
        }
        if (r == 1) {
            /* The receiver is away: back off, the same event goes first. */
            if (once) {
                rc = 1;
                break;
            }
            webhook_wait(NULL, delay * 1000);
            delay = delay * 2 > 60 ? 60 : delay * 2;
            continue;
        }
        delay = 1;
        if (sent >= 100)
            continue;
        if (once)
            break;
        if (!listening)
            listening = webhook_listen(t->db, &e) == 0;
        webhook_wait(t->db, 30000);
    }
    explicit_bzero(key, key_len);
    free(key);
    return rc;
}
