/*
 * storypress — the operator's tool: drop orders, look at the spool and the
 * database, move orders by hand, check and mend, run the pipeline.
 *
 * Like Postfix's postqueue and OpenSMTPD's smtpctl, it never moves an order
 * by itself: every move goes through transit_move(), the same function the
 * daemons use, so the database hears of it.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "harden.h"
#include "log.h"
#include "tool.h"

const struct tool_cmd tool_cmds[] = {
    {"submit", cmd_submit, "submit FILE...",
     "drop order files into the spool, the safe way",
     "Each FILE is written into <spool_dir>/tmp/, synced, and renamed into\n"
     "incoming/<order_id>.json (never replacing a drop that waits there), so the\n"
     "incoming stage only ever sees complete files.  '-' reads standard input.\n"
     "Validation happens in the incoming stage: a bad order ends in rejected/."},
    {"status", cmd_status, "status [--all] [--json]",
     "orders waiting in each directory, with an age histogram",
     "For every spool directory: how many entries wait there (and how many are\n"
     "being worked on), an age histogram like Postfix's qshape (<5m <1h <6h <1d\n"
     "<1w older), and the age of the oldest.  A stage whose oldest order waited\n"
     "longer than stale_after is flagged STALE; the exit status is then 3.\n"
     "--all: every host's orders per state and its last event, from the database\n"
     "(several hosts sharing one database: docs/scaling.md)."},
    {"list", cmd_list, "list [DIR] [--json]",
     "the orders in one directory (default: every directory)",
     "One line per order: directory, id, age, attempts and last error from the\n"
     "database.  DIR is one of incoming story art pdf proof print done failed rejected hold."},
    {"show", cmd_show, "show ID [--json]", "one order: where it is, its history, costs, files",
     "Prints where the order is in the spool, its row in the database, every event\n"
     "of its history, its API calls with their cost and the total, its print job,\n"
     "its files, and error.json when it failed."},
    {"requeue", cmd_requeue, "requeue ID... [--to STAGE] | requeue --failed [--since AGE] [--stage STAGE]",
     "send orders back to a stage",
     "Moves each order (from failed/, hold/ or a later stage) to STAGE (default:\n"
     "the stage it failed or was held at; story for a rejected-free order with no\n"
     "history), with a fresh count of attempts.  --failed takes every order in\n"
     "failed/, or those that failed within --since (e.g. 2h, 3d) and, with\n"
     "--stage, only those that failed at that stage.  done/ orders are never\n"
     "requeued: a reprint is a new order."},
    {"hold", cmd_hold, "hold ID...", "set orders aside",
     "Moves each order from the stage directory it waits in to hold/, remembering\n"
     "the stage.  An order a worker is busy with cannot be held: try again."},
    {"release", cmd_release, "release ID...", "put held orders back where they were",
     "Moves each order from hold/ back to the stage it was held from."},
    {"cancel", cmd_cancel, "cancel ID... --reason TEXT", "give up on orders",
     "Moves each order (waiting in a stage or held) to failed/ with error.json\n"
     "saying it was cancelled and why.  An order whose print job was already sent\n"
     "to the printer is refused: cancel that job with the printer first."},
    {"migrate", cmd_migrate, "migrate", "apply the database migrations",
     "Applies the migrations compiled into storypress that the database lacks,\n"
     "under an advisory lock (safe to run from several places at once).  The\n"
     "daemons do the same at start."},
    {"fsck", cmd_fsck, "fsck [--repair] [--json]", "compare the spool with the database",
     "The spool is the truth on where an order is.  fsck reports: orders whose\n"
     "database state differs from their directory, folders the database does not\n"
     "know, orders the database knows that are nowhere in the spool (lost), orders\n"
     "in more than one place, claims left by dead workers, folders without\n"
     "order.json, histories that are not a legal path through the state machine,\n"
     "interrupted rejections, and stale files in tmp/.  --repair brings the database to the\n"
     "spool (recording an event with detail {\"fsck\": true}), puts dead workers'\n"
     "claims back, and removes stale tmp/ files.  Exit status: 0 clean (or all\n"
     "repaired), 1 differences remain."},
    {"run", cmd_run, "run [--once]", "every stage daemon in the foreground",
     "Starts every stage daemon (storypress-incoming, -story, -art, -pdf, -print:\n"
     "those installed beside this program) with the same configuration, until\n"
     "Ctrl-C or SIGTERM, then stops them all.  With --once, runs each stage with\n"
     "--once in pipeline order, repeatedly, until no order moves.  For the demo\n"
     "and development; production uses systemd (storypress.target)."},
    {"config", cmd_config, "config", "print the configuration in effect",
     "Prints every configuration key with its value and a line of help.  Secrets\n"
     "are never values (only the names of files holding them), so the output is\n"
     "safe to share."},
    {"cleanup", cmd_cleanup, "cleanup [--older-than DAYS] [--dry-run] [--json]",
     "retention: remove old done/, failed/ and rejected/ entries",
     "Removes the entries of done/, failed/ and rejected/ whose modification time\n"
     "(when they reached that directory) is older than retention_days, or DAYS,\n"
     "printing one line for each and a count, and sets purged_at on their orders.\n"
     "When retention_db_days is above 0, also deletes the database rows of purged\n"
     "orders received longer ago than that (with their events, API calls and print\n"
     "job) and of old rejects whose entry is gone.  --dry-run removes nothing and\n"
     "prints what would go.  Run daily by storypress-cleanup.timer."},
    {"stats", cmd_stats, "stats [--since AGE] [--json]",
     "orders, time in each stage, costs and failures, per day",
     "From the database, over the window since AGE (30m, 12h, 7d, 2w, or a date\n"
     "YYYY-MM-DD; default 7d): per day (UTC) the orders received, done, failed and\n"
     "rejected; the median and 95th percentile of the time orders spent in each\n"
     "stage; the API calls and their cost by provider and kind, in total and per\n"
     "book done; and the failures grouped by reason."},
    {"watch", cmd_watch, "watch [ID] [--count N]", "follow the pipeline live",
     "Listens to the database's storypress_events notifications and prints one\n"
     "line per transition: time, order, from → to, worker.  With ID, only that\n"
     "order's.  On a terminal each line also shows a bar of the five stages the\n"
     "order has passed.  When the database goes away it reconnects and says that\n"
     "transitions in between were missed.  Runs until Ctrl-C, or until N\n"
     "transitions were printed."},
    {"quota", cmd_quota,
     "quota list [--json] | quota set|unset customer|group KEY [LIMIT] | quota group add|remove CUSTOMER GROUP",
     "daily order limits per customer and per group",
     "list: every limit with the orders received today (since midnight in\n"
     "quota_timezone), the default (quota_default_daily) and the groups.\n"
     "set customer|group KEY LIMIT: at most LIMIT orders a day for that customer,\n"
     "or for all the members of that group together (0: none).  unset: back to\n"
     "the default.  group add|remove CUSTOMER GROUP: membership.  The incoming\n"
     "stage holds or rejects an order over a limit (quota_policy)."},
    {"metrics", cmd_metrics, "metrics [--output FILE|-]",
     "the pipeline's figures for Prometheus (node_exporter textfile)",
     "Writes, in Prometheus's text format, the entries waiting, being worked on\n"
     "and the oldest age of every spool directory, and from the database the\n"
     "orders by state, transitions, rejects, API calls, errors and cost, to\n"
     "metrics_file (or FILE; '-' or neither: standard output), atomically.\n"
     "storypress-metrics.timer runs it every minute.  Without the database the\n"
     "spool figures are still written, with storypress_database_up 0, and the\n"
     "exit status is 1."},
    {"webhook", cmd_webhook, "webhook [--once]", "send each transition to the shop's webhook",
     "Posts every transition, in order, to webhook_url as JSON {event_id,\n"
     "order_id, state, from, at, detail}, signed with HMAC-SHA256 over the raw\n"
     "body with the key in webhook_secret_file: header X-Storypress-Signature:\n"
     "sha256=<hex>; X-Storypress-Event carries the event id, the same if a\n"
     "delivery is repeated.  The feed's cursor is kept in the database, so a\n"
     "restart loses nothing; a receiver that fails is retried with backoff (the\n"
     "same event first), one that refuses an event (4xx) has it skipped and\n"
     "logged.  Runs until stopped (storypress-webhook.service), woken by the\n"
     "transitions' NOTIFY; --once delivers what is pending and exits (1 when the\n"
     "receiver could not be reached).  It never holds up an order."},
    {"adopt", cmd_adopt, "adopt --from-host NAME --spool COPY [--dry-run]",
     "take over the orders of a host that died for good",
     "COPY is a copy of the dead host's spool.  Each order folder in it (stage\n"
     "directories, dead workers' claims, hold/) changes hands in the database\n"
     "only if NAME still owns it (UPDATE ... WHERE host = NAME), and is then\n"
     "copied into this spool where it was; orders in done/ and failed/ only\n"
     "change hands, so this host follows their print jobs.  The dead host can\n"
     "never move an adopted order again, so no book is printed twice.  Run it\n"
     "again after a failure: it goes on where it stopped.  docs/scaling.md."},
    {"approve", cmd_approve, "approve ID...", "send proofed orders on to print",
     "Moves each order waiting in proof/ to print/: its book is printed as the\n"
     "proof shows it.  An order not in proof/ is refused, saying where it is."},
    {"redo", cmd_redo, "redo ID --page N [--page M...] [--text FILE|-] [--art] [--json]",
     "make some pages of a proof again",
     "Makes the story pages named by --page again: --text replaces their text\n"
     "with the text of FILE (- for standard input; at most 600 characters),\n"
     "--art draws their pictures again (art_provider; a remote one is paid and\n"
     "costed like any call).  Every other picture keeps its bytes.  The new\n"
     "book (pictures, story.json, PDFs, previews) is built aside and swapped in\n"
     "at once, so an interrupted redo leaves the old book or the new one, never\n"
     "a mix.  The order stays in proof/.  At most max_redos redos per order;\n"
     "each is recorded with its cost (table proof_redos)."},
    {"reject", cmd_reject, "reject ID... --reason TEXT", "fail proofed orders",
     "Moves each order waiting in proof/ to failed/ with error.json saying it\n"
     "was rejected at proof, by whom and why.  It is never printed."},
    {NULL, NULL, NULL, NULL, NULL},
};

static void
tool_main_usage(FILE *out)
{
    fprintf(out,
            "NAME\n"
            "    storypress — the operator's tool of the storypress book pipeline\n\n"
            "SYNOPSIS\n"
            "    storypress [-c FILE] COMMAND [ARGS...]\n"
            "    storypress COMMAND --help\n\n"
            "DESCRIPTION\n"
            "    storypress turns a shop's orders into printed picture books through the\n"
            "    spool directories incoming → story → art → pdf → print → done (see\n"
            "    README.md).  This tool drops orders, shows where they are, moves them by\n"
            "    hand (every move is recorded in the database) and checks the spool\n"
            "    against the database.\n\n"
            "COMMANDS\n");
    for (const struct tool_cmd *c = tool_cmds; c->name; c++) {
        if (strlen(c->synopsis) <= 40)
            fprintf(out, "    %-40s  %s\n", c->synopsis, c->summary);
        else /* a long synopsis gets its own line */
            fprintf(out, "    %s\n    %-40s  %s\n", c->synopsis, "", c->summary);
    }
    fprintf(out,
            "\nOPTIONS\n"
            "    -c, --config FILE   configuration file (default: $STORYPRESS_CONFIG, else\n"
            "                        " STORYPRESS_SYSCONFDIR "/storypress.conf if it exists,\n"
            "                        else built-in defaults); may also follow COMMAND\n"
            "    -h, --help          this text\n\n"
            "ENVIRONMENT\n"
            "    STORYPRESS_<KEY>    overrides a configuration key (STORYPRESS_SPOOL_DIR)\n"
            "    PGHOST, PGDATABASE, ...  libpq's defaults when `database` is empty\n\n"
            "EXIT STATUS\n"
            "    0 success, 1 failure (one line on stderr says why), 2 bad usage;\n"
            "    status: 3 when a stage is stale.\n");
}

int
tool_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("storypress: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static const struct tool_cmd *
tool_find(const char *name)
{
    for (const struct tool_cmd *c = tool_cmds; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int
tool_help(const char *name)
{
    const struct tool_cmd *c = tool_find(name);
    if (!c)
        return 1;
    printf("NAME\n    storypress %s — %s\n\nSYNOPSIS\n    storypress [-c FILE] %s\n\n"
           "DESCRIPTION\n",
           c->name, c->summary, c->synopsis);
    /* Indent the help text as a man page would. */
    for (const char *p = c->help; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        printf("    %.*s\n", len, p);
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

int
tool_usage(const char *name)
{
    const struct tool_cmd *c = tool_find(name);
    fprintf(stderr, "usage: storypress %s (see storypress %s --help)\n",
            c ? c->synopsis : name, name);
    return 2;
}

int
tool_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            tool_help(argv[0]);
            return 1;
        }
    }
    return 0;
}

int
tool_json_opts(int argc, char **argv, int *json)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    int c;
    *json = 0;
    if (tool_wants_help(argc, argv))
        return 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'j')
            return tool_usage(argv[0]);
        *json = 1;
    }
    return -1;
}

int
tool_spool(struct tool *t)
{
    if (t->sp_open)
        return 0;
    struct err e = {0};
    if (spool_open(&t->sp, config_str(t->cfg, "spool_dir"), &e) < 0) {
        tool_fail("%s", e.msg);
        return -1;
    }
    t->sp_open = 1;
    return 0;
}

int
tool_db(struct tool *t)
{
    if (t->db_open)
        return 0;
    struct err e = {0};
    t->db = db_new(config_str(t->cfg, "database"));
    if (db_connect(t->db, &e) < 0) {
        tool_fail("%s", e.msg);
        return -1;
    }
    int behind = db_schema_behind(t->db, &e);
    if (behind < 0) {
        tool_fail("%s", e.msg);
        return -1;
    }
    if (behind) {
        int applied;
        if (db_migrate(t->db, &applied, &e) < 0) {
            tool_fail("%s", e.msg);
            return -1;
        }
    }
    t->db_open = 1;
    return 0;
}

void
tool_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));
    if (s) {
        puts(s);
        free(s);
    }
    json_decref(j);
}

const char *
tool_age(long long s, char *buf, size_t len)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, len, "%llds", s);
    else if (s < 7200)
        snprintf(buf, len, "%lldm", s / 60);
    else if (s < 2 * 86400)
        snprintf(buf, len, "%lldh", s / 3600);
    else
        snprintf(buf, len, "%lldd", s / 86400);
    return buf;
}

long long
tool_parse_since(const char *s)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (end != s && n >= 0) {
        long long unit = 0;
        if (strcmp(end, "s") == 0) unit = 1;
        else if (strcmp(end, "m") == 0) unit = 60;
        else if (strcmp(end, "h") == 0) unit = 3600;
        else if (strcmp(end, "d") == 0) unit = 86400;
        else if (strcmp(end, "w") == 0) unit = 7 * 86400;
        if (unit)
            return (long long)time(NULL) - n * unit;
    }
    struct tm tm = {0};
    const char *rest = strptime(s, "%Y-%m-%d", &tm);
    if (rest && !*rest)
        return (long long)timegm(&tm);
    return -1;
}

int
cmd_config(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc != 1)
        return tool_usage(argv[0]);
    printf("# configuration from %s\n", config_path(t->cfg));
    config_dump(t->cfg, stdout);
    return 0;
}

int
cmd_migrate(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc != 1)
        return tool_usage(argv[0]);
    struct err e = {0};
    t->db = db_new(config_str(t->cfg, "database"));
    int applied = 0;
    if (db_connect(t->db, &e) < 0 || db_migrate(t->db, &applied, &e) < 0)
        return tool_fail("%s", e.msg);
    t->db_open = 1;
    printf("%d migration%s applied; the schema is current\n", applied, applied == 1 ? "" : "s");
    return 0;
}

/* 1 when the command's synopsis shows opt taking a value ("--reason TEXT"),
 * so that the word after it is that value, whatever it looks like. */
static int
tool_opt_has_value(const struct tool_cmd *cmd, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = strstr(cmd->synopsis, opt); p; p = strstr(p + 1, opt))
        if ((p == cmd->synopsis || p[-1] == ' ' || p[-1] == '[' || p[-1] == '|') &&
            p[n] == ' ' && p[n + 1] >= 'A' && p[n + 1] <= 'Z')
            return 1;
    return 0;
}

/* The global options may also come after the command (`storypress submit
 * -c FILE ORDER`): they are taken out of argv (up to "--") and applied, so
 * that a command never mistakes them, or the file they name, for its own
 * arguments.  Returns the new argc, or -1 after a usage message. */
static int
tool_global_opts(const struct tool_cmd *cmd, int argc, char **argv, const char **cfgpath)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (a[0] == '-' && a[1] == '-' && !strchr(a, '=') && tool_opt_has_value(cmd, a) &&
            i + 1 < argc) {
            argv[out++] = argv[i++];
            argv[out++] = argv[i];
            continue;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "storypress %s: %s needs a FILE\n", cmd->name, a);
                return -1;
            }
            *cfgpath = argv[++i];
        } else if (strncmp(a, "--config=", 9) == 0) {
            *cfgpath = a + 9;
        } else if (strncmp(a, "-c", 2) == 0 && a[2]) {
            *cfgpath = a + 2;
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    return out;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct tool t = {0};
    t.cfgpath = getenv("STORYPRESS_CONFIG");
    int c;
    /* "+": stop at the command, whose options are its own. */
    while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': t.cfgpath = optarg; break;
        case 'h': tool_main_usage(stdout); return 0;
        default: tool_main_usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        tool_main_usage(stderr);
        return 2;
    }
    int first = optind;
    const struct tool_cmd *cmd = tool_find(argv[first]);
    if (!cmd)
        return tool_fail("unknown command \"%s\"; see storypress --help", argv[first]) + 1;
    int cmd_argc = tool_global_opts(cmd, argc - first, argv + first, &t.cfgpath);
    if (cmd_argc < 0)
        return 2;
    if (!t.cfgpath && access(STORYPRESS_SYSCONFDIR "/storypress.conf", R_OK) == 0)
        t.cfgpath = STORYPRESS_SYSCONFDIR "/storypress.conf";
    struct err e = {0};
    if (harden_process(&e) < 0)
        return tool_fail("%s", e.msg);
    t.cfg = config_load(t.cfgpath, &e);
    if (!t.cfg)
        return tool_fail("%s", e.msg);
    /* The tool says what it did on stdout; the log only adds warnings. */
    int level = log_level_parse(config_str(t.cfg, "log_level"));
    log_init("storypress", level > LOG_WARNING ? LOG_WARNING : level, LOG_PREFIX_NEVER);
    if (host_configure(t.cfg, &e) < 0)
        return tool_fail("%s", e.msg);
    static char worker[96];
    struct passwd *pw = getpwuid(getuid());
    snprintf(worker, sizeof worker, "storypress:%s", pw ? pw->pw_name : "?");
    t.worker = worker;
    /* Commands parse their own options, argv[0] being their name; 0 makes
     * glibc's getopt start afresh. */
    optind = 0;
    int rc = cmd->run(&t, cmd_argc, argv + first);
    if (t.sp_open)
        spool_close(&t.sp);
    db_free(t.db);
    config_free(t.cfg);
    return rc;
}
