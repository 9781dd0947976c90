/*
 * cmd_status.c — `storypress status` and `storypress list`: what waits where.
 *
 * The age of an entry is taken from its ctime, which the rename into the
 * directory sets (a deferred order's mtime is its due time, not its age).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "escape.h"
#include "fsutil.h"
#include "host.h"
#include "tool.h"

static const long long status_buckets[] = {300, 3600, 6 * 3600, 86400, 7 * 86400};
static const char *const status_bucket_names[] = {"<5m", "<1h", "<6h", "<1d", "<1w", "older"};
#define STATUS_NBUCKETS 6

/* The directories in the order a person reads them. */
static const enum state status_order[] = {ST_INCOMING, ST_STORY, ST_ART,    ST_PDF,
                                          ST_PROOF, /* waits for a decision, never stale */
                                          ST_PRINT,    ST_HOLD,  ST_FAILED, ST_REJECTED,
                                          ST_DONE};
#define STATUS_NDIRS (sizeof status_order / sizeof status_order[0])

struct status_dir {
    long count, active, deferred;
    long hist[STATUS_NBUCKETS];
    long long oldest;
};


static void
status_collect(struct tool *t, enum state st, struct status_dir *s, long long now)
{
    memset(s, 0, sizeof *s);
    struct spool_entry *list;
    size_t n;
    struct err e = {0};
    if (spool_scan(&t->sp, st, &list, &n, &e) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        struct stat stt;
        if (fstatat(t->sp.dirfd[st], list[i].name, &stt, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        long long age = now - (long long)stt.st_ctime;
        if (age < 0)
            age = 0;
        int b = 0;
        while (b < STATUS_NBUCKETS - 1 && age >= status_buckets[b])
            b++;
        s->hist[b]++;
        s->count++;
        if ((long long)list[i].due > now && state_is_stage(st) && st != ST_INCOMING)
            s->deferred++;
        if (age > s->oldest)
            s->oldest = age;
    }
    spool_entries_free(list, n);
    if (state_is_stage(st))
        s->active = spool_count_claims(&t->sp, st);
}

/* Every host's figures, from the database (status --all): orders each host
 * owns per state, and when the host last recorded an event. */
static const char status_hosts_sql[] =
    "SELECT coalesce(o.host, '(none)'), o.state, count(*),"
    " (SELECT extract(epoch FROM now() - max(e.at))::bigint FROM order_events e"
    "  WHERE e.host IS NOT DISTINCT FROM o.host AND e.at > now() - interval '1 day')"
    " FROM orders o WHERE o.purged_at IS NULL GROUP BY o.host, o.state ORDER BY 1, 2";

static int
status_all(struct tool *t, int json)
{
    if (tool_db(t) < 0)
        return 1;
    struct err e = {0};
    PGresult *r = db_exec(t->db, &e, status_hosts_sql, 0, NULL);
    if (!r)
        return tool_fail("%s", e.msg);
    json_t *hosts = json_object();
    for (int i = 0; i < PQntuples(r); i++) {
        const char *h = PQgetvalue(r, i, 0);
        json_t *o = json_object_get(hosts, h);
        if (!o) {
            o = json_pack("{s:{}, s:I, s:o}", "orders", "total", (json_int_t)0, "last_event_seconds",
                          PQgetisnull(r, i, 3) ? json_null()
                                               : json_integer(atoll(PQgetvalue(r, i, 3))));
            json_object_set_new(hosts, h, o);
        }
        long long n = atoll(PQgetvalue(r, i, 2));
        json_object_set_new(json_object_get(o, "orders"), PQgetvalue(r, i, 1), json_integer(n));
        json_object_set_new(o, "total",
                            json_integer(json_integer_value(json_object_get(o, "total")) + n));
    }
    PQclear(r);
    if (json) {
        tool_print_json(json_pack("{s:s, s:o}", "this_host", host_name(), "hosts", hosts));
        return 0;
    }
    printf("%-24s", "HOST");
    for (size_t i = 0; i < STATUS_NDIRS; i++)
        if (status_order[i] != ST_INCOMING && status_order[i] != ST_REJECTED)
            printf(" %6s", state_name(status_order[i]));
    printf(" %7s %10s\n", "TOTAL", "LAST EVENT");
    const char *h;
    json_t *o;
    json_object_foreach(hosts, h, o) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", h, strcmp(h, host_name()) == 0 ? " *" : "");
        printf("%-24s", name);
        for (size_t i = 0; i < STATUS_NDIRS; i++)
            if (status_order[i] != ST_INCOMING && status_order[i] != ST_REJECTED)
                printf(" %6lld", (long long)json_integer_value(json_object_get(
                                     json_object_get(o, "orders"), state_name(status_order[i]))));
        json_t *last = json_object_get(o, "last_event_seconds");
        char age[16];
        printf(" %7lld %10s\n", (long long)json_integer_value(json_object_get(o, "total")),
               json_is_integer(last) ? tool_age(json_integer_value(last), age, sizeof age)
                                     : "-");
    }
    json_decref(hosts);
    return 0;
}

int
cmd_status(struct tool *t, int argc, char **argv)
{
    /* --all: every host's orders, from the database, instead of this spool. */
    int all = 0, kept = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--all") == 0)
            all = 1;
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    int json = 0, rc = tool_json_opts(argc, argv, &json);
    if (rc >= 0)
        return rc;
    if (optind != argc)
        return tool_usage(argv[0]);
    if (all)
        return status_all(t, json);
    if (tool_spool(t) < 0)
        return 1;
    long long now = (long long)time(NULL), stale_after = config_int(t->cfg, "stale_after");
    int stale = 0;
    json_t *out = json_object();
    if (!json) {
        printf("%-9s %6s %6s %8s", "DIR", "COUNT", "ACTIVE", "DEFERRED");
        for (int b = 0; b < STATUS_NBUCKETS; b++)
            printf(" %6s", status_bucket_names[b]);
        printf(" %7s\n", "OLDEST");
    }
    for (size_t i = 0; i < STATUS_NDIRS; i++) {
        enum state st = status_order[i];
        struct status_dir s;
        status_collect(t, st, &s, now);
        int is_stale = state_is_stage(st) && s.count > 0 && s.oldest > stale_after;
        stale |= is_stale;
        if (json) {
            json_t *h = json_object();
            for (int b = 0; b < STATUS_NBUCKETS; b++)
                json_object_set_new(h, status_bucket_names[b], json_integer(s.hist[b]));
            json_object_set_new(out, state_name(st),
                                json_pack("{s:I, s:I, s:I, s:o, s:I, s:b}", "count",
                                          (json_int_t)s.count, "active", (json_int_t)s.active,
                                          "deferred", (json_int_t)s.deferred, "ages", h,
                                          "oldest_seconds", (json_int_t)s.oldest, "stale",
                                          is_stale));
        } else {
            char age[16];
            printf("%-9s %6ld %6ld %8ld", state_name(st), s.count, s.active, s.deferred);
            for (int b = 0; b < STATUS_NBUCKETS; b++)
                printf(" %6ld", s.hist[b]);
            printf(" %7s%s\n", s.count ? tool_age(s.oldest, age, sizeof age) : "-",
                   is_stale ? "  STALE" : "");
        }
    }
    if (json)
        tool_print_json(out);
    else
        json_decref(out);
    return stale ? 3 : 0;
}

int
cmd_list(struct tool *t, int argc, char **argv)
{
    int json = 0, rc = tool_json_opts(argc, argv, &json);
    if (rc >= 0)
        return rc;
    enum state only = ST_NONE;
    if (optind < argc) {
        only = state_from_name(argv[optind]);
        if (only == ST_NONE)
            return tool_fail("unknown directory \"%s\"", argv[optind]);
        optind++;
    }
    if (optind != argc)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0)
        return 1;
    /* The database adds attempts and errors; the list works without it. */
    struct err e = {0};
    struct db *db = db_new(config_str(t->cfg, "database"));
    int have_db = db_connect(db, &e) == 0;
    long long now = (long long)time(NULL);
    json_t *arr = json_array();
    for (size_t i = 0; i < STATUS_NDIRS; i++) {
        enum state st = status_order[i];
        if (only != ST_NONE && st != only)
            continue;
        struct spool_entry *list;
        size_t n;
        if (spool_scan(&t->sp, st, &list, &n, &e) < 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            struct stat stt;
            long long age = 0;
            if (fstatat(t->sp.dirfd[st], list[k].name, &stt, AT_SYMLINK_NOFOLLOW) == 0)
                age = now - (long long)stt.st_ctime;
            int attempts = 0;
            const char *last = NULL;
            PGresult *r = NULL;
            if (have_db && state_holds_folders(st)) {
                const char *p[] = {list[k].name};
                r = db_exec(db, &e, "SELECT attempts, last_error FROM orders WHERE id = $1", 1,
                            p);
                if (r && PQntuples(r)) {
                    attempts = atoi(PQgetvalue(r, 0, 0));
                    if (!PQgetisnull(r, 0, 1))
                        last = PQgetvalue(r, 0, 1);
                }
            }
            long long due = list[k].due > now && st != ST_INCOMING ? list[k].due - now : 0;
            /* A drop's name is the shop's: any bytes, shown escaped. */
            char *shown = esc_str(list[k].name);
            if (json) {
                json_array_append_new(
                    arr, json_pack("{s:s, s:s, s:I, s:i, s:s?, s:I}", "dir", state_name(st),
                                   "name", shown, "age_seconds", (json_int_t)age,
                                   "attempts", attempts, "last_error", last, "due_in_seconds",
                                   (json_int_t)due));
            } else {
                char a[16], d[16];
                printf("%-9s %-40s %6s", state_name(st), shown, tool_age(age, a, sizeof a));
                if (attempts)
                    printf("  attempts %d", attempts);
                if (due)
                    printf("  retry in %s", tool_age(due, d, sizeof d));
                if (last && st != ST_DONE) {
                    char *cut = esc_cut(last, 100);
                    printf("  (%s)", cut);
                    free(cut);
                }
                printf("\n");
            }
            free(shown);
            PQclear(r);
        }
        spool_entries_free(list, n);
    }
    db_free(db);
    if (json)
        tool_print_json(arr);
    else
        json_decref(arr);
    return 0;
}
