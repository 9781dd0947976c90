/*
 * cmd_fsck.c — `storypress fsck [--repair]`: the spool against the database.
 *
 * The spool is the truth on where an order is (a rename is what really
 * moved it); the database can be one step ahead after a crash between the
 * record and the rename, and never behind.  Repair therefore brings the
 * database to the spool.  An order the database knows and the spool does not
 * is lost: fsck can only report it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "order.h"
#include "proof.h"
#include "tool.h"

#define FSCK_TMP_STALE 3600 /* a drop half-written in tmp/ for an hour is abandoned */

/* This host's rows (sql/008_hosts.sql): fsck compares this host's spool
 * with them and never looks at, or mends, another host's orders.  A row
 * without a host (written by hand) counts as this host's. */
#define FSCK_MINE(t) "(" t ".host IS NULL OR " t ".host = current_setting('storypress.host'))"

struct fsck_seen {
    enum state st;
    int places;
    char *path;
};

struct fsck {
    struct tool *t;
    int repair, json;
    int problems, repaired;
    json_t *report;
    GHashTable *seen; /* id → struct fsck_seen */
};

static void
fsck_seen_free(gpointer p)
{
    struct fsck_seen *s = p;
    free(s->path);
    free(s);
}

__attribute__((format(printf, 3, 4))) static void
fsck_problem(struct fsck *f, int repaired, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    f->problems++;
    f->repaired += repaired;
    json_array_append_new(f->report, json_pack("{s:s, s:b}", "problem", buf, "repaired", repaired));
    if (!f->json)
        printf("%s%s\n", buf, repaired ? " — repaired" : "");
}

static void
fsck_note(struct fsck *f, enum state st, const char *dirpath, const char *name)
{
    struct fsck_seen *s = g_hash_table_lookup(f->seen, name);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            abort();
        s->st = st;
        s->path = fsu_join(dirpath, name);
        g_hash_table_insert(f->seen, g_strdup(name), s);
    }
    s->places++;
}

/* Records the entries of dir as being in state st. */
static void
fsck_scan_dir(struct fsck *f, enum state st, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (!spool_id_ok(de->d_name)) {
            char *shown = esc_str(de->d_name);
            fsck_problem(f, 0, "%s/%s: not an order folder (bad name)", dir, shown);
            free(shown);
            continue;
        }
        fsck_note(f, st, dir, de->d_name);
    }
    closedir(d);
}

struct fsck_work {
    struct fsck *f;
    enum state st;
    int dead_found;
    int scan; /* 0: only look for dead workers' claims */
};

static int
fsck_scan_area(const char *worker, const char *area, void *arg)
{
    struct fsck_work *w = arg;
    /* A dead worker's empty area is litter, not a difference. */
    long held = spool_area_dead(area) ? spool_area_entries(area) : 0;
    if (held) {
        w->dead_found = 1;
        if (w->scan)
            fsck_problem(w->f, 0, "%s/: %ld claim%s of dead worker %s not put back",
                         state_name(w->st), held, held == 1 ? "" : "s", worker);
    }
    if (w->scan)
        fsck_scan_dir(w->f, w->st, area);
    return 0;
}

/* Work areas of a stage: live ones hold claims in progress (counted as in
 * the stage), dead ones are reported and, with --repair, put back. */
static void
fsck_scan_work(struct fsck *f, enum state st)
{
    /* Repair puts the claims back first, so they are then seen where they
     * are put, not in the area they left. */
    struct fsck_work w = {f, st, 0, !f->repair};
    spool_each_area(&f->t->sp, st, fsck_scan_area, &w);
    if (w.dead_found && f->repair) {
        struct err e = {0};
        int back = 0;
        if (spool_reclaim(&f->t->sp, st, &back, &e) < 0)
            fsck_problem(f, 0, "%s/: cannot put back dead workers' claims: %s", state_name(st),
                         e.msg);
        else
            fsck_problem(f, 1, "%s/: %d claim%s of dead workers put back", state_name(st),
                         back, back == 1 ? "" : "s");
    }
    if (f->repair) {
        w.scan = 1;
        spool_each_area(&f->t->sp, st, fsck_scan_area, &w);
    }
}

static void
fsck_tmp(struct fsck *f)
{
    char *dir = fsu_join(f->t->sp.root, "tmp");
    DIR *d = opendir(dir);
    time_t now = time(NULL);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            struct stat st;
            if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                now - st.st_mtime < FSCK_TMP_STALE)
                continue;
            int ok = f->repair && unlinkat(dirfd(d), de->d_name, 0) == 0;
            char *shown = esc_str(de->d_name);
            fsck_problem(f, ok, "tmp/%s: abandoned for %ld minutes", shown,
                         (long)(now - st.st_mtime) / 60);
            free(shown);
        }
        closedir(d);
    }
    free(dir);
}

/* proof/.redo-<id>: a redo killed before or after its swap left the new
 * book unfinished or the old one swapped out; the order itself is whole. */
static void
fsck_proof_scratch(struct fsck *f)
{
    char *dir = spool_dir_path(&f->t->sp, ST_PROOF);
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strncmp(de->d_name, ".redo-", 6) == 0;
    closedir(d);
    if (n == 0)
        return;
    struct err e = {0};
    int swept = f->repair ? proof_sweep(&f->t->sp, &e) : 0;
    for (int i = 0; i < n; i++)
        fsck_problem(f, i < swept, "proof/: %d folder%s left by an interrupted redo (.redo-*)",
                     n, n == 1 ? "" : "s");
}

/* Scratch folders of interrupted rejections (rejected/.<worker>~<name>.tmp,
 * see spool_reject_scratch(); older versions: rejected/.<entry>.<pid>.<ns>.tmp)
 * whose worker is gone.  A starting incoming worker mends them (with the
 * dead workers' claims); --repair does it here: one holding only its reason
 * is removed (the drop is still in incoming/), one that already holds the
 * drop is finished under its name, so the drop is kept with its reason. */
static void
fsck_rejected_scratch(struct fsck *f)
{
    char *dir = spool_dir_path(&f->t->sp, ST_REJECTED);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t len = strlen(de->d_name);
            struct stat st;
            if (de->d_name[0] != '.' || len < 5 || strcmp(de->d_name + len - 4, ".tmp") ||
                fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                !S_ISDIR(st.st_mode) || !spool_reject_abandoned(&f->t->sp, de->d_name, &st))
                continue;
            char *worker = NULL, *final = NULL;
            spool_reject_scratch_parse(de->d_name, &worker, &final);
            char *path = fsu_join(dir, de->d_name), *shown = esc_str(de->d_name);
            int holds = 0, ok = 0;
            char *where = NULL;
            struct err e = {0};
            if (f->repair) {
                ok = spool_reject_recover(&f->t->sp, de->d_name, &where, &holds, &e) == 0;
                /* Finished under another name than the one recorded. */
                if (ok && where && final && strcmp(where, final) != 0) {
                    const char *p[] = {where, final};
                    PGresult *r = db_exec(f->t->db, &e,
                                          "UPDATE rejects SET entry = $1 WHERE entry = $2", 2, p);
                    PQclear(r);
                }
            } else {
                DIR *s = opendir(path);
                struct dirent *x;
                while (s && (x = readdir(s)))
                    if (x->d_name[0] != '.' && strcmp(x->d_name, "reason"))
                        holds = 1;
                if (s)
                    closedir(s);
            }
            char *shown_where = where ? esc_str(where) : NULL;
            fsck_problem(f, ok,
                         "rejected/%s: an interrupted rejection (its worker %s is gone)%s%s%s",
                         shown, worker ? worker : "?", holds ? ", holding a drop" : "",
                         shown_where ? ": finished as rejected/" : "",
                         shown_where ? shown_where : "");
            if (f->repair && !ok)
                fsck_problem(f, 0, "%s", e.msg);
            free(shown_where);
            free(where);
            free(shown);
            free(path);
            free(worker);
            free(final);
        }
        closedir(d);
    }
    free(dir);
}

/* The history of every order must be a path through the state machine:
 * each event leaves the state the previous one entered, by a legal move,
 * and the last one enters the state the order row holds. */
static int
fsck_histories(struct fsck *f, struct err *e)
{
    PGresult *r = db_exec(f->t->db, e,
                          "SELECT e.order_id, e.from_state, e.to_state, o.state"
                          " FROM order_events e JOIN orders o ON o.id = e.order_id"
                          " WHERE o.purged_at IS NULL AND " FSCK_MINE("o")
                          " ORDER BY e.order_id, e.id",
                          0, NULL);
    if (!r)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        const char *id = PQgetvalue(r, i, 0);
        int first = i == 0 || strcmp(id, PQgetvalue(r, i - 1, 0)) != 0;
        int last = i == n - 1 || strcmp(id, PQgetvalue(r, i + 1, 0)) != 0;
        enum state from = PQgetisnull(r, i, 1) ? ST_NONE : state_from_name(PQgetvalue(r, i, 1));
        enum state to = state_from_name(PQgetvalue(r, i, 2));
        enum state expected = first ? ST_INCOMING : state_from_name(PQgetvalue(r, i - 1, 2));
        if (from != expected)
            fsck_problem(f, 0, "%s: history: an event leaves %s, but the order was in %s", id,
                         state_name(from), state_name(expected));
        else if (!state_event_ok(from, to))
            fsck_problem(f, 0, "%s: history: illegal move %s → %s", id, state_name(from),
                         state_name(to));
        if (last && to != state_from_name(PQgetvalue(r, i, 3)))
            fsck_problem(f, 0, "%s: history ends in %s, the order row says %s", id,
                         state_name(to), PQgetvalue(r, i, 3));
    }
    PQclear(r);
    return 0;
}

/* The host that owns order id when it is another one (fresh string), NULL
 * when none does or the database cannot say. */
static char *
fsck_owner(struct fsck *f, const char *id)
{
    struct err e = {0};
    const char *p[] = {id};
    PGresult *r = db_exec(f->t->db, &e,
                          "SELECT host FROM orders WHERE id = $1 AND host IS NOT NULL"
                          " AND host <> current_setting('storypress.host')",
                          1, p);
    char *host = r && PQntuples(r) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return host;
}

/* A folder the database does not know: record it from its order.json. */
static int
fsck_adopt(struct fsck *f, const char *id, const struct fsck_seen *s)
{
    struct err e = {0};
    char *p = fsu_join(s->path, "order.json"), *buf;
    size_t len;
    int rc = fsu_read_file(AT_FDCWD, p, 1 << 20, &buf, &len, &e);
    free(p);
    if (rc < 0)
        return -1;
    struct order_errors errs = {0};
    json_t *order = order_parse(buf, len, NULL, &errs);
    free(buf);
    order_errors_free(&errs);
    if (!order)
        return -1;
    char *canon = order_canonical(order);
    rc = db_order_intake(f->t->db, order, canon, f->t->worker, &e) < 0 ? -1 : 0;
    json_t *d = json_pack("{s:b}", "fsck", 1);
    if (rc == 0 && s->st != ST_STORY)
        rc = db_record_transition(f->t->db, id, ST_STORY, s->st, f->t->worker, d, &e);
    json_decref(d);
    free(canon);
    json_decref(order);
    return rc;
}

int
cmd_fsck(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"repair", no_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    if (tool_wants_help(argc, argv))
        return 0;
    struct fsck f = {0};
    f.t = t;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r')
            f.repair = 1;
        else if (c == 'j')
            f.json = 1;
        else
            return tool_usage(argv[0]);
    }
    if (optind != argc)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    f.report = json_array();
    f.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, fsck_seen_free);

    for (int i = 0; i < ST_COUNT; i++) {
        enum state st = (enum state)i;
        if (!state_holds_folders(st))
            continue;
        /* The work areas first: a repair may put claims back into dir. */
        if (state_is_stage(st))
            fsck_scan_work(&f, st);
        char *dir = spool_dir_path(&t->sp, st);
        fsck_scan_dir(&f, st, dir);
        free(dir);
    }
    fsck_tmp(&f);
    fsck_rejected_scratch(&f);
    fsck_proof_scratch(&f);

    struct err e = {0};
    PGresult *r = db_exec(t->db, &e,
                          "SELECT id, state FROM orders WHERE purged_at IS NULL AND "
                          FSCK_MINE("orders"),
                          0, NULL);
    if (!r) {
        g_hash_table_destroy(f.seen);
        json_decref(f.report);
        return tool_fail("%s", e.msg);
    }
    GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; i < PQntuples(r); i++) {
        const char *id = PQgetvalue(r, i, 0);
        enum state dbst = state_from_name(PQgetvalue(r, i, 1));
        g_hash_table_add(known, (gpointer)id);
        struct fsck_seen *s = g_hash_table_lookup(f.seen, id);
        if (!s) {
            fsck_problem(&f, 0, "%s: the database says %s but it is nowhere in the spool (lost)",
                         id, state_name(dbst));
            continue;
        }
        if (s->places > 1)
            fsck_problem(&f, 0, "%s: in %d places in the spool (first: %s)", id, s->places,
                         s->path);
        if (s->st != dbst) {
            int ok = 0;
            if (f.repair) {
                json_t *d = json_pack("{s:b}", "fsck", 1);
                ok = db_record_transition(t->db, id, dbst, s->st, t->worker, d, &e) == 0;
                json_decref(d);
            }
            fsck_problem(&f, ok, "%s: the database says %s, the spool has it in %s/", id,
                         state_name(dbst), state_name(s->st));
        }
        char *oj = fsu_join(s->path, "order.json");
        if (access(oj, F_OK) != 0)
            fsck_problem(&f, 0, "%s: %s has no order.json", id, s->path);
        free(oj);
    }
    GHashTableIter it;
    gpointer key, val;
    g_hash_table_iter_init(&it, f.seen);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        if (g_hash_table_contains(known, key))
            continue;
        struct fsck_seen *s = val;
        char *other = fsck_owner(&f, key);
        if (other) {
            /* Another host's order: never recorded or moved from here. */
            fsck_problem(&f, 0, "%s: in %s/ but owned by host %s (storypress adopt)",
                         (const char *)key, state_name(s->st), other);
            free(other);
            continue;
        }
        int ok = f.repair && fsck_adopt(&f, key, s) == 0;
        fsck_problem(&f, ok, "%s: in %s/ but unknown to the database", (const char *)key,
                     state_name(s->st));
    }
    if (fsck_histories(&f, &e) < 0)
        fsck_problem(&f, 0, "histories not checked: %s", e.msg);
    int checked = (int)g_hash_table_size(f.seen);
    g_hash_table_destroy(known);
    PQclear(r);
    g_hash_table_destroy(f.seen);
    int remaining = f.problems - f.repaired;
    if (f.json) {
        tool_print_json(json_pack("{s:i, s:i, s:i, s:o}", "orders_checked", checked,
                                  "problems", f.problems, "repaired", f.repaired, "details",
                                  f.report));
    } else {
        json_decref(f.report);
        printf("fsck: %d order%s checked, %d problem%s, %d repaired\n", checked,
               checked == 1 ? "" : "s", f.problems, f.problems == 1 ? "" : "s", f.repaired);
    }
    return remaining ? 1 : 0;
}
