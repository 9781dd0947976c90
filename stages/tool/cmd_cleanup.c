/*
 * cmd_cleanup.c — `storypress cleanup`: retention of the end states.
 *
 * Removes the entries of done/, failed/ and rejected/ older than
 * retention_days (or --older-than DAYS), marks their orders purged in the
 * database (orders.purged_at, which fsck then no longer expects in the
 * spool), and, when retention_db_days > 0, deletes the database rows of
 * purged orders received longer ago than that (events, API calls and print
 * job go with them by ON DELETE CASCADE) and old rejects whose entry is gone.
 * Run daily by storypress-cleanup.timer.
 *
 * The age of an entry is its modification time: the stages write an
 * order's last file as it reaches its end state and nothing touches it
 * after, so the mtime says when it finished.  (The ctime would be as good
 * but cannot be set, so no one could test or backdate retention.)
 *
 * An entry is first renamed to ".purge-<name>" in its own directory: that
 * is the claim (an operator's requeue racing with cleanup either wins or
 * finds nothing), dot names are invisible to every scan, and a removal cut
 * short by a crash is finished by the next run.
 */
#include <dirent.h>
#include <errno.h>
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

#define CLEANUP_PREFIX ".purge-"

static const enum state cleanup_dirs[] = {ST_DONE, ST_FAILED, ST_REJECTED};
#define CLEANUP_NDIRS (sizeof cleanup_dirs / sizeof cleanup_dirs[0])

struct cleanup {
    struct tool *t;
    int dry_run, json;
    long long cutoff, now;
    long removed[CLEANUP_NDIRS];
    long errors;
    json_t *list;
};

/* Finishes removals an earlier run left half done (".purge-*" names). */
static void
cleanup_leftovers(struct cleanup *c, enum state st)
{
    char *dir = spool_dir_path(&c->t->sp, st);
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, CLEANUP_PREFIX, strlen(CLEANUP_PREFIX)) != 0)
            continue;
        if (c->dry_run) {
            if (!c->json)
                printf("would finish removing %s/%s\n", state_name(st), de->d_name);
            continue;
        }
        char *path = fsu_join(dir, de->d_name);
        struct err e = {0};
        if (fsu_remove_tree(path, &e) < 0) {
            tool_fail("%s", e.msg);
            c->errors++;
        }
        free(path);
    }
    closedir(d);
    free(dir);
}

/* Marks the order purged; 0 also when the database does not know it. */
static int
cleanup_mark_purged(struct cleanup *c, const char *id, struct err *e)
{
    const char *p[] = {id};
    PGresult *r = db_exec(c->t->db, e,
                          "UPDATE orders SET purged_at = now(), updated_at = now()"
                          " WHERE id = $1 AND purged_at IS NULL",
                          1, p);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* Removes one entry (claim by rename, record, remove); 0 when it went. */
static int
cleanup_entry(struct cleanup *c, size_t di, const char *name, long long age)
{
    enum state st = cleanup_dirs[di];
    char agebuf[16];
    tool_age(age, agebuf, sizeof agebuf);
    if (c->dry_run) {
        if (!c->json)
            printf("would remove %s/%s (%s old)\n", state_name(st), name, agebuf);
    } else {
        int dfd = c->t->sp.dirfd[st];
        char *claimed = NULL;
        if (asprintf(&claimed, CLEANUP_PREFIX "%s", name) < 0)
            abort();
        if (renameat(dfd, name, dfd, claimed) < 0) {
            int rc = errno == ENOENT ? 1 : -1; /* gone meanwhile: requeued, not ours */
            if (rc < 0) {
                tool_fail("%s/%s: cannot claim for removal: %s", state_name(st), name,
                          strerror(errno));
                c->errors++;
            }
            free(claimed);
            return rc;
        }
        struct err e = {0};
        if (st != ST_REJECTED && cleanup_mark_purged(c, name, &e) < 0) {
            /* Keep spool and database in step: put it back, try another day. */
            if (renameat(dfd, claimed, dfd, name) < 0)
                tool_fail("%s/%s: cannot put back %s: %s", state_name(st), name, claimed,
                          strerror(errno));
            tool_fail("%s/%s: kept: %s", state_name(st), name, e.msg);
            c->errors++;
            free(claimed);
            return -1;
        }
        char *dir = spool_dir_path(&c->t->sp, st), *path = fsu_join(dir, claimed);
        int rc = fsu_remove_tree(path, &e);
        free(path);
        free(dir);
        free(claimed);
        if (rc < 0) {
            tool_fail("%s/%s: %s (the next run finishes it)", state_name(st), name, e.msg);
            c->errors++;
            return -1;
        }
        if (!c->json)
            printf("removed %s/%s (%s old)\n", state_name(st), name, agebuf);
    }
    c->removed[di]++;
    json_array_append_new(c->list, json_pack("{s:s, s:s, s:I}", "dir", state_name(st), "name",
                                             name, "age_seconds", (json_int_t)age));
    return 0;
}

static void
cleanup_dir(struct cleanup *c, size_t di)
{
    enum state st = cleanup_dirs[di];
    cleanup_leftovers(c, st);
    struct spool_entry *list;
    size_t n;
    struct err e = {0};
    if (spool_scan(&c->t->sp, st, &list, &n, &e) < 0) {
        tool_fail("%s", e.msg);
        c->errors++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct stat s;
        if (fstatat(c->t->sp.dirfd[st], list[i].name, &s, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* gone since the scan */
        if ((long long)s.st_mtime > c->cutoff)
            continue;
        cleanup_entry(c, di, list[i].name, c->now - (long long)s.st_mtime);
    }
    spool_entries_free(list, n);
}

/* Runs a DELETE (or, in a dry run, the matching count); *n: rows. */
static int
cleanup_db_rows(struct cleanup *c, const char *del, const char *count, const char *days,
                long *n)
{
    struct err e = {0};
    const char *p[] = {days};
    PGresult *r = db_exec(c->t->db, &e, c->dry_run ? count : del, 1, p);
    if (!r) {
        tool_fail("%s", e.msg);
        return -1;
    }
    *n = c->dry_run ? atol(PQgetvalue(r, 0, 0)) : atol(PQcmdTuples(r));
    PQclear(r);
    return 0;
}

/* Rejects older than the database retention whose entry left rejected/. */
static int
cleanup_db_rejects(struct cleanup *c, const char *days, long *n)
{
    struct err e = {0};
    const char *p[] = {days};
    PGresult *r = db_exec(c->t->db, &e,
                          "SELECT id, entry FROM rejects"
                          " WHERE at < now() - make_interval(days => $1::int)",
                          1, p);
    if (!r) {
        tool_fail("%s", e.msg);
        return -1;
    }
    *n = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *entry = PQgetvalue(r, i, 1);
        int plain = *entry && !strchr(entry, '/') && strcmp(entry, ".") && strcmp(entry, "..");
        if (plain &&
            faccessat(c->t->sp.dirfd[ST_REJECTED], entry, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue; /* still in the spool */
        if (!c->dry_run) {
            const char *q[] = {PQgetvalue(r, i, 0)};
            PGresult *d = db_exec(c->t->db, &e, "DELETE FROM rejects WHERE id = $1", 1, q);
            if (!d) {
                PQclear(r);
                tool_fail("%s", e.msg);
                return -1;
            }
            PQclear(d);
        }
        (*n)++;
    }
    PQclear(r);
    return 0;
}

int
cmd_cleanup(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"older-than", required_argument, NULL, 'o'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    struct cleanup c = {.t = t};
    long days = config_int(t->cfg, "retention_days");
    int ch;
    if (tool_wants_help(argc, argv))
        return 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': {
            char *end;
            errno = 0;
            days = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || days < 0 || days > 36500)
                return tool_fail("--older-than: a number of days from 0 to 36500, got \"%s\"",
                                 optarg) + 1;
            break;
        }
        case 'n': c.dry_run = 1; break;
        case 'j': c.json = 1; break;
        default: return tool_usage(argv[0]);
        }
    }
    if (optind != argc)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    c.now = (long long)time(NULL);
    c.cutoff = c.now - (long long)days * 86400;
    c.list = json_array();
    for (size_t i = 0; i < CLEANUP_NDIRS; i++)
        cleanup_dir(&c, i);
    long total = 0;
    for (size_t i = 0; i < CLEANUP_NDIRS; i++)
        total += c.removed[i];

    long db_days = config_int(t->cfg, "retention_db_days"), db_orders = 0, db_rejects = 0;
    if (db_days > 0) {
        char dbuf[24];
        snprintf(dbuf, sizeof dbuf, "%ld", db_days);
        static const char where[] = " FROM orders WHERE purged_at IS NOT NULL"
                                    " AND received_at < now() - make_interval(days => $1::int)";
        char *del = NULL, *count = NULL;
        if (asprintf(&del, "DELETE%s", where) < 0 ||
            asprintf(&count, "SELECT count(*)%s", where) < 0)
            abort();
        if (cleanup_db_rows(&c, del, count, dbuf, &db_orders) < 0 ||
            cleanup_db_rejects(&c, dbuf, &db_rejects) < 0)
            c.errors++;
        free(del);
        free(count);
    }

    const char *verb = c.dry_run ? "would be removed" : "removed";
    if (c.json) {
        tool_print_json(json_pack(
            "{s:b, s:I, s:o, s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I}", "dry_run", c.dry_run,
            "older_than_days", (json_int_t)days, "entries", c.list, "count", (json_int_t)total,
            "by_dir", "done", (json_int_t)c.removed[0], "failed", (json_int_t)c.removed[1],
            "rejected", (json_int_t)c.removed[2], "db_orders_deleted", (json_int_t)db_orders,
            "db_rejects_deleted", (json_int_t)db_rejects, "errors", (json_int_t)c.errors));
    } else {
        json_decref(c.list);
        printf("%ld entr%s %s (done %ld, failed %ld, rejected %ld), older than %ld day%s\n",
               total, total == 1 ? "y" : "ies", verb, c.removed[0], c.removed[1], c.removed[2],
               days, days == 1 ? "" : "s");
        if (db_days > 0)
            printf("database: %ld order%s and %ld reject%s %s, older than %ld day%s\n",
                   db_orders, db_orders == 1 ? "" : "s", db_rejects, db_rejects == 1 ? "" : "s",
                   c.dry_run ? "would be deleted" : "deleted", db_days, db_days == 1 ? "" : "s");
    }
    return c.errors ? 1 : 0;
}
