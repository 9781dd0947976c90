/*
 * cmd_metrics.c — `storypress metrics [--output FILE|-]`: the pipeline's
 * figures in Prometheus's text format, for node_exporter's textfile
 * collector.
 *
 * storypress-metrics.timer runs it every minute; it writes metrics_file
 * (or FILE; "-" or no file at all: standard output) atomically, by a
 * temporary name and a rename, so that the collector never reads half a
 * file.  The temporary name does not end in .prom, which the collector
 * ignores.
 *
 * From the spool: entries, entries being worked on and the oldest age in
 * each directory.  From the database: orders by state, transitions by
 * destination, rejects, API calls, errors and cost by provider and kind.
 * When the database cannot be reached the spool figures are still written,
 * with storypress_database_up 0, and the exit status is 1.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fsutil.h"
#include "tool.h"

/* Writes s as a label value: backslash, double quote and newline escaped. */
static void
metrics_label(FILE *m, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", m);
        else if (*s == '"')
            fputs("\\\"", m);
        else if (*s == '\n')
            fputs("\\n", m);
        else
            fputc(*s, m);
    }
}

static void
metrics_head(FILE *m, const char *name, const char *type, const char *help)
{
    fprintf(m, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}


static void
metrics_spool(struct tool *t, FILE *m, long long now)
{
    long count[ST_COUNT] = {0}, active[ST_COUNT] = {0};
    long long oldest[ST_COUNT] = {0};
    for (int i = 0; i < ST_COUNT; i++) {
        enum state st = (enum state)i;
        struct spool_entry *list;
        size_t n;
        struct err e = {0};
        if (spool_scan(&t->sp, st, &list, &n, &e) < 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            struct stat s;
            if (fstatat(t->sp.dirfd[st], list[k].name, &s, AT_SYMLINK_NOFOLLOW) < 0)
                continue;
            count[i]++;
            /* ctime: set by the rename into the directory (mtime is a due time). */
            long long age = now - (long long)s.st_ctime;
            if (age > oldest[i])
                oldest[i] = age;
        }
        spool_entries_free(list, n);
        if (state_is_stage(st))
            active[i] = spool_count_claims(&t->sp, st);
    }
    metrics_head(m, "storypress_spool_entries", "gauge",
                 "Entries waiting in a spool directory (claimed ones not included).");
    for (int i = 0; i < ST_COUNT; i++)
        fprintf(m, "storypress_spool_entries{dir=\"%s\"} %ld\n", state_name((enum state)i),
                count[i]);
    metrics_head(m, "storypress_spool_active", "gauge",
                 "Entries of a stage being worked on by a worker.");
    for (int i = 0; i < ST_COUNT; i++)
        if (state_is_stage((enum state)i))
            fprintf(m, "storypress_spool_active{dir=\"%s\"} %ld\n", state_name((enum state)i),
                    active[i]);
    metrics_head(m, "storypress_spool_oldest_seconds", "gauge",
                 "Age of the oldest entry waiting in a spool directory (0 when empty).");
    for (int i = 0; i < ST_COUNT; i++)
        fprintf(m, "storypress_spool_oldest_seconds{dir=\"%s\"} %lld\n",
                state_name((enum state)i), oldest[i]);
}

/* One metric family from a query whose last column is the value and whose
 * other columns are the labels named in labels[]. */
static int
metrics_query(struct tool *t, FILE *m, const char *name, const char *type, const char *help,
              const char *const *labels, int nlabels, const char *sql)
{
    struct err e = {0};
    PGresult *r = db_exec(t->db, &e, sql, 0, NULL);
    if (!r) {
        tool_fail("%s", e.msg);
        return -1;
    }
    metrics_head(m, name, type, help);
    for (int i = 0; i < PQntuples(r); i++) {
        fputs(name, m);
        if (nlabels) {
            fputc('{', m);
            for (int k = 0; k < nlabels; k++) {
                fprintf(m, "%s%s=\"", k ? "," : "", labels[k]);
                metrics_label(m, PQgetvalue(r, i, k));
                fputc('"', m);
            }
            fputc('}', m);
        }
        fprintf(m, " %s\n", PQgetvalue(r, i, nlabels));
    }
    PQclear(r);
    return 0;
}

static int
metrics_db(struct tool *t, FILE *m)
{
    static const char *const st[] = {"state"}, *const to[] = {"to"},
                             *const pk[] = {"provider", "kind"};
    if (metrics_query(t, m, "storypress_orders", "gauge",
                      "Orders in the database by state (purged ones included).", st, 1,
                      "SELECT state, count(*) FROM orders GROUP BY 1 ORDER BY 1") < 0 ||
        metrics_query(t, m, "storypress_transitions_total", "counter",
                      "Transitions recorded, by destination.", to, 1,
                      "SELECT to_state, count(*) FROM order_events"
                      " WHERE from_state IS DISTINCT FROM to_state GROUP BY 1 ORDER BY 1") < 0 ||
        metrics_query(t, m, "storypress_rejects_total", "counter", "Drops rejected.", NULL, 0,
                      "SELECT count(*) FROM rejects") < 0 ||
        metrics_query(t, m, "storypress_api_calls_total", "counter",
                      "Calls to paid remote APIs.", pk, 2,
                      "SELECT provider, kind, count(*) FROM api_calls GROUP BY 1, 2 ORDER BY 1, 2") <
            0 ||
        metrics_query(t, m, "storypress_api_errors_total", "counter",
                      "Calls to paid remote APIs that failed.", pk, 2,
                      "SELECT provider, kind, count(*) FILTER (WHERE error IS NOT NULL)"
                      " FROM api_calls GROUP BY 1, 2 ORDER BY 1, 2") < 0 ||
        metrics_query(t, m, "storypress_api_cost_usd_total", "counter",
                      "Cost of the calls to paid remote APIs, USD.", pk, 2,
                      "SELECT provider, kind, sum(cost)::float8 FROM api_calls"
                      " GROUP BY 1, 2 ORDER BY 1, 2") < 0 ||
        metrics_query(t, m, "storypress_proof_redos_total", "counter",
                      "Redos of proofed pages.", NULL, 0,
                      "SELECT count(*) FROM proof_redos") < 0 ||
        metrics_query(t, m, "storypress_proof_redo_cost_usd_total", "counter",
                      "Cost of the redos of proofed pages, USD.", NULL, 0,
                      "SELECT coalesce(sum(cost), 0)::float8 FROM proof_redos") < 0)
        return -1;
    return 0;
}

int
cmd_metrics(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    const char *out = config_str(t->cfg, "metrics_file");
    int c;
    if (tool_wants_help(argc, argv))
        return 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'o')
            return tool_usage(argv[0]);
        out = optarg;
    }
    if (optind != argc)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0)
        return 1;

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return tool_fail("open_memstream: out of memory");
    long long now = (long long)time(NULL);
    metrics_spool(t, m, now);

    /* Not tool_db(): without a database the spool figures still count. */
    struct err e = {0};
    t->db = db_new(config_str(t->cfg, "database"));
    int up = db_connect(t->db, &e) == 0;
    if (!up)
        tool_fail("%s", e.msg);
    else if (metrics_db(t, m) < 0)
        up = 0;
    metrics_head(m, "storypress_database_up", "gauge",
                 "1 when the database answered every query of this scrape.");
    fprintf(m, "storypress_database_up %d\n", up);
    metrics_head(m, "storypress_metrics_timestamp_seconds", "gauge",
                 "When these figures were taken (unix time).");
    fprintf(m, "storypress_metrics_timestamp_seconds %lld\n", now);
    if (fclose(m) != 0) {
        free(buf);
        return tool_fail("metrics: out of memory");
    }

    int rc = up ? 0 : 1;
    if (!*out || strcmp(out, "-") == 0) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
            rc = tool_fail("standard output: write error");
    } else {
        char *copy = strdup(out);
        if (!copy)
            abort();
        char *slash = strrchr(copy, '/');
        const char *dir = ".", *name = copy;
        if (slash) {
            *slash = 0;
            dir = slash == copy ? "/" : copy;
            name = slash + 1;
        }
        if (!*name) {
            rc = tool_fail("metrics_file \"%s\" names a directory, not a file", out);
        } else {
            /* The collector, another user, reads it; it holds no customer
             * data, so it need not keep the tool's umask (harden.h). */
            umask(022);
            if (fsu_write_atomic(dir, name, buf, len, &e) < 0)
                rc = tool_fail("%s: %s", out, e.msg);
        }
        free(copy);
    }
    free(buf);
    return rc;
}
