/*
 * cmd_move.c — moving orders by hand: requeue, hold, release, cancel.
 *
 * Every move goes through transit_move(), like the daemons'.  An order a
 * worker has claimed is busy: the tool never takes it from under the worker,
 * it says so and the operator tries again.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "tool.h"
#include "transit.h"

/* Finds the order waiting (not claimed) in a directory.  Returns its state
 * and path, or ST_NONE after printing why not. */
static enum state
move_find(struct tool *t, const char *id, char **path)
{
    *path = NULL;
    if (!spool_id_ok(id)) {
        tool_fail("\"%s\" is not an order id", id);
        return ST_NONE;
    }
    int places = 0;
    char *p = NULL;
    enum state st = spool_locate(&t->sp, id, &places, &p);
    if (st == ST_NONE) {
        tool_fail("%s: not in the spool", id);
        return ST_NONE;
    }
    if (places > 1) {
        free(p);
        tool_fail("%s: in %d places; run storypress fsck first", id, places);
        return ST_NONE;
    }
    char *waiting = spool_entry_path(&t->sp, st, id);
    if (strcmp(waiting, p) != 0) {
        free(waiting);
        free(p);
        tool_fail("%s: a %s worker is busy with it; try again in a moment", id,
                  state_name(st));
        return ST_NONE;
    }
    free(p);
    *path = waiting;
    return st;
}

/* A string field of a small JSON file in the order folder, or NULL. */
static char *
move_read_field(const char *dir, const char *file, const char *field)
{
    char *p = fsu_join(dir, file), *buf, *out = NULL;
    size_t len;
    if (fsu_read_file(AT_FDCWD, p, 65536, &buf, &len, NULL) == 0) {
        json_t *j = json_loadb(buf, len, 0, NULL);
        const char *s = json_string_value(json_object_get(j, field));
        if (s && !(out = strdup(s)))
            abort();
        json_decref(j);
        free(buf);
    }
    free(p);
    return out;
}

static int
move_do(struct tool *t, const char *id, const char *src, enum state from, enum state to,
        json_t *detail)
{
    struct err e = {0};
    json_object_set_new(detail, "by", json_string(t->worker));
    int rc = transit_move(&t->sp, t->db, t->worker, id, src, from, to, detail, &e);
    json_decref(detail);
    if (rc < 0)
        return tool_fail("%s", e.msg);
    printf("%s: %s → %s\n", id, state_name(from), state_name(to));
    return 0;
}

static void
move_remove(struct tool *t, const char *id, enum state st, const char *file)
{
    char *dir = spool_entry_path(&t->sp, st, id), *p = fsu_join(dir, file);
    unlink(p);
    free(p);
    free(dir);
}

/* Requeues one order; to == ST_NONE: where it failed or was held. */
static int
requeue_one(struct tool *t, const char *id, enum state to)
{
    char *src;
    enum state from = move_find(t, id, &src);
    if (from == ST_NONE)
        return 1;
    if (to == ST_NONE) {
        char *s = NULL;
        if (from == ST_FAILED)
            s = move_read_field(src, "error.json", "stage");
        else if (from == ST_HOLD)
            s = move_read_field(src, "hold.json", "from");
        to = s ? state_from_name(s) : ST_NONE;
        free(s);
        if (to == ST_NONE || to == ST_INCOMING)
            to = ST_STORY;
    }
    if (!state_move_ok(from, to)) {
        free(src);
        return tool_fail("%s: cannot requeue from %s/ to %s/%s", id, state_name(from),
                         state_name(to), from == ST_DONE ? " (a reprint is a new order)" : "");
    }
    int rc = move_do(t, id, src, from, to, json_pack("{s:s}", "action", "requeue"));
    if (rc == 0 && from == ST_FAILED)
        move_remove(t, id, to, "error.json");
    free(src);
    return rc;
}

/* requeue --failed: every failed order, or those failed since / at a stage. */
static int
requeue_failed(struct tool *t, long long since, enum state at)
{
    struct spool_entry *list;
    size_t n;
    struct err e = {0};
    if (spool_scan(&t->sp, ST_FAILED, &list, &n, &e) < 0)
        return tool_fail("%s", e.msg);
    int rc = 0, count = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (since > 0 && (fstatat(t->sp.dirfd[ST_FAILED], list[i].name, &st,
                                  AT_SYMLINK_NOFOLLOW) < 0 ||
                          (long long)st.st_ctime < since))
            continue;
        if (at != ST_NONE) {
            char *dir = spool_entry_path(&t->sp, ST_FAILED, list[i].name);
            char *s = move_read_field(dir, "error.json", "stage");
            int match = s && state_from_name(s) == at;
            free(s);
            free(dir);
            if (!match)
                continue;
        }
        if (requeue_one(t, list[i].name, ST_NONE))
            rc = 1;
        else
            count++;
    }
    spool_entries_free(list, n);
    printf("%d order%s requeued\n", count, count == 1 ? "" : "s");
    return rc;
}

int
cmd_requeue(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 't'},
                                         {"failed", no_argument, NULL, 'f'},
                                         {"since", required_argument, NULL, 's'},
                                         {"stage", required_argument, NULL, 'g'},
                                         {NULL, 0, NULL, 0}};
    if (tool_wants_help(argc, argv))
        return 0;
    enum state to = ST_NONE, at = ST_NONE;
    int failed = 0, c;
    long long since = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            to = state_from_name(optarg);
            if (to < ST_STORY || to > ST_PRINT)
                return tool_fail("--to: must be story, art, pdf or print, got \"%s\"", optarg);
            break;
        case 'f': failed = 1; break;
        case 's':
            since = tool_parse_since(optarg);
            if (since < 0)
                return tool_fail("--since: expected an age like 2h or 3d, or a date, got \"%s\"",
                                 optarg);
            break;
        case 'g':
            at = state_from_name(optarg);
            if (at < ST_STORY || at > ST_PRINT)
                return tool_fail("--stage: must be story, art, pdf or print, got \"%s\"", optarg);
            break;
        default: return tool_usage(argv[0]);
        }
    }
    if (failed == (optind < argc) || (!failed && (since || at != ST_NONE)))
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    if (failed)
        return requeue_failed(t, since, at);
    int rc = 0;
    for (int i = optind; i < argc; i++)
        rc |= requeue_one(t, argv[i], to);
    return rc;
}

/* "2026-11-21T23:35:09Z" for now. */
static const char *
move_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* Runs one(t, id, where, path) for each id of the command line that waits
 * in the spool; the exit status is 1 if any failed. */
static int
move_each(struct tool *t, int argc, char **argv,
          int (*one)(struct tool *t, const char *id, enum state from, const char *src))
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc < 2)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        char *src;
        enum state from = move_find(t, argv[i], &src);
        if (from == ST_NONE) {
            rc = 1;
            continue;
        }
        rc |= one(t, argv[i], from, src);
        free(src);
    }
    return rc;
}

static int
hold_one(struct tool *t, const char *id, enum state from, const char *src)
{
    if (from < ST_STORY || from > ST_PRINT)
        return tool_fail("%s: in %s/, only waiting orders can be held", id, state_name(from));
    struct err e = {0};
    char at[32];
    json_t *h = json_pack("{s:s, s:s, s:s}", "from", state_name(from), "at",
                          move_now(at, sizeof at), "by", t->worker);
    char *text = json_dumps(h, JSON_INDENT(2));
    json_decref(h);
    int rc;
    if (fsu_write_atomic(src, "hold.json", text, strlen(text), &e) < 0)
        rc = tool_fail("%s: %s", id, e.msg);
    else
        rc = move_do(t, id, src, from, ST_HOLD,
                     json_pack("{s:s, s:s}", "action", "hold", "from", state_name(from)));
    free(text);
    return rc;
}

int
cmd_hold(struct tool *t, int argc, char **argv)
{
    return move_each(t, argc, argv, hold_one);
}

static int
release_one(struct tool *t, const char *id, enum state from, const char *src)
{
    if (from != ST_HOLD)
        return tool_fail("%s: not held (it is in %s/)", id, state_name(from));
    char *s = move_read_field(src, "hold.json", "from");
    enum state to = s ? state_from_name(s) : ST_STORY;
    free(s);
    if (to < ST_STORY || to > ST_PRINT)
        to = ST_STORY;
    int rc = move_do(t, id, src, ST_HOLD, to, json_pack("{s:s}", "action", "release"));
    if (rc == 0)
        move_remove(t, id, to, "hold.json");
    return rc;
}

int
cmd_release(struct tool *t, int argc, char **argv)
{
    return move_each(t, argc, argv, release_one);
}

int
cmd_cancel(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    if (tool_wants_help(argc, argv))
        return 0;
    const char *reason = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'r')
            return tool_usage(argv[0]);
        reason = optarg;
    }
    if (!reason || !*reason)
        return tool_fail("cancel needs --reason TEXT: the reason goes into error.json");
    if (optind >= argc)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        const char *id = argv[i];
        char *src;
        enum state from = move_find(t, id, &src);
        if (from == ST_NONE) {
            rc = 1;
            continue;
        }
        struct err e = {0};
        const char *p[] = {id};
        PGresult *r = db_exec(t->db, &e, "SELECT state FROM print_jobs WHERE order_id = $1", 1, p);
        if (!r) {
            rc = tool_fail("%s", e.msg);
        } else if (PQntuples(r) > 0) {
            rc = tool_fail("%s: its print job was already sent to the printer (%s); cancel it "
                           "with the printer first", id, PQgetvalue(r, 0, 0));
        } else if (!state_move_ok(from, ST_FAILED)) {
            rc = tool_fail("%s: in %s/, cannot be cancelled", id, state_name(from));
        } else {
            char at[32];
            move_now(at, sizeof at);
            char *why = NULL;
            if (asprintf(&why, "cancelled by %s: %s", t->worker, reason) < 0)
                abort();
            json_t *ej = json_pack("{s:s, s:s, s:s, s:b, s:s}", "order_id", id, "stage",
                                   state_name(from == ST_HOLD ? ST_STORY : from), "error", why,
                                   "cancelled", 1, "at", at);
            char *text = json_dumps(ej, JSON_INDENT(2));
            json_decref(ej);
            if (fsu_write_atomic(src, "error.json", text, strlen(text), &e) < 0)
                rc = tool_fail("%s: %s", id, e.msg);
            else
                rc |= move_do(t, id, src, from, ST_FAILED,
                              json_pack("{s:s, s:s}", "action", "cancel", "reason", reason));
            free(text);
            free(why);
        }
        PQclear(r);
        free(src);
    }
    return rc;
}
