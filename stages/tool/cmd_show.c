/*
 * cmd_show.c — `storypress show ID`: one order, from the spool and the
 * database side by side.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escape.h"
#include "fsutil.h"
#include "tool.h"

/* Rows of a query as a JSON array of objects (column name → text or null). */
static json_t *
show_rows(struct db *db, const char *sql, const char *id, struct err *e)
{
    const char *p[] = {id};
    PGresult *r = db_exec(db, e, sql, 1, p);
    if (!r)
        return NULL;
    json_t *arr = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_t *o = json_object();
        for (int c = 0; c < PQnfields(r); c++)
            json_object_set_new(o, PQfname(r, c),
                                PQgetisnull(r, i, c) ? json_null()
                                                     : json_string(PQgetvalue(r, i, c)));
        json_array_append_new(arr, o);
    }
    PQclear(r);
    return arr;
}

static void
show_files(const char *dir, const char *prefix, json_t *arr)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *p = fsu_join(dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0) {
            char *name = NULL, *shown = esc_str(de->d_name);
            if (asprintf(&name, "%s%s", prefix, shown) < 0)
                abort();
            free(shown);
            if (S_ISDIR(st.st_mode)) {
                char *sub = NULL;
                if (asprintf(&sub, "%s/", name) < 0)
                    abort();
                show_files(p, sub, arr);
                free(sub);
            } else {
                json_array_append_new(arr, json_pack("{s:s, s:I}", "name", name, "bytes",
                                                     (json_int_t)st.st_size));
            }
            free(name);
        }
        free(p);
    }
    closedir(d);
}

static const char *
show_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

static void
show_text(const char *id, json_t *out)
{
    json_t *o = json_object_get(out, "order");
    printf("order %s\n", id);
    printf("  spool:      %s", show_str(out, "where"));
    if (json_integer_value(json_object_get(out, "places")) > 1)
        printf("  (in %lld places: run storypress fsck)",
               (long long)json_integer_value(json_object_get(out, "places")));
    printf("\n");
    if (json_is_object(o)) {
        printf("  database:   %s, %s attempt(s) at this stage, received %s\n",
               show_str(o, "state"), show_str(o, "attempts"), show_str(o, "received_at"));
        printf("  customer:   %s\n", show_str(o, "customer_id"));
        if (json_is_string(json_object_get(o, "last_error")))
            printf("  last error: %s\n", show_str(o, "last_error"));
    } else {
        printf("  database:   not recorded\n");
    }
    size_t i;
    json_t *v;
    json_t *ev = json_object_get(out, "events");
    if (json_array_size(ev)) {
        printf("\nhistory\n");
        json_array_foreach(ev, i, v) {
            printf("  %s  %-8s → %-8s  %s", show_str(v, "at"), show_str(v, "from_state"),
                   show_str(v, "to_state"), show_str(v, "worker"));
            if (json_is_string(json_object_get(v, "detail")))
                printf("  %s", show_str(v, "detail"));
            printf("\n");
        }
    }
    json_t *calls = json_object_get(out, "api_calls");
    if (json_array_size(calls)) {
        printf("\nAPI calls\n");
        json_array_foreach(calls, i, v) {
            printf("  %s  %-8s %-6s %-18s in %s out %s images %s  %s ms  HTTP %s  $%s%s%s\n",
                   show_str(v, "at"), show_str(v, "provider"), show_str(v, "kind"),
                   show_str(v, "model"), show_str(v, "tokens_in"), show_str(v, "tokens_out"),
                   show_str(v, "images"), show_str(v, "latency_ms"), show_str(v, "http_status"),
                   show_str(v, "cost"), json_is_string(json_object_get(v, "error")) ? "  " : "",
                   json_is_string(json_object_get(v, "error")) ? show_str(v, "error") : "");
        }
    }
    printf("\ntotal cost: $%s\n", show_str(out, "total_cost"));
    json_t *pj = json_object_get(out, "print_job");
    if (json_is_object(pj))
        printf("\nprint job\n  %s job %s: %s (%s)%s%s\n", show_str(pj, "provider"),
               show_str(pj, "provider_job_id"), show_str(pj, "status"), show_str(pj, "state"),
               json_is_string(json_object_get(pj, "tracking")) ? ", tracking " : "",
               json_is_string(json_object_get(pj, "tracking")) ? show_str(pj, "tracking") : "");
    json_t *files = json_object_get(out, "files");
    if (json_array_size(files)) {
        printf("\nfiles in %s\n", show_str(out, "path"));
        json_array_foreach(files, i, v)
            printf("  %10lld  %s\n", (long long)json_integer_value(json_object_get(v, "bytes")),
                   show_str(v, "name"));
    }
    if (json_is_string(json_object_get(out, "error")))
        printf("\nerror.json\n%s\n", show_str(out, "error"));
}

int
cmd_show(struct tool *t, int argc, char **argv)
{
    int json = 0, rc = tool_json_opts(argc, argv, &json);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc)
        return tool_usage(argv[0]);
    const char *id = argv[optind];
    if (!spool_id_ok(id))
        return tool_fail("\"%s\" is not an order id", id);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    struct err e = {0};
    json_t *out = json_object();
    int places = 0;
    char *path = NULL;
    enum state where = spool_locate(&t->sp, id, &places, &path);
    json_object_set_new(out, "order_id", json_string(id));
    json_object_set_new(out, "where", where == ST_NONE ? json_null() : json_string(state_name(where)));
    json_object_set_new(out, "places", json_integer(places));
    json_object_set_new(out, "path", path ? json_string(path) : json_null());
    json_t *order = show_rows(t->db,
                              "SELECT state, attempts, next_attempt, last_error, customer_id,"
                              " received_at, updated_at, purged_at FROM orders WHERE id = $1",
                              id, &e);
    json_t *events = order ? show_rows(t->db,
                                       "SELECT at, from_state, to_state, worker, detail::text"
                                       " AS detail FROM order_events WHERE order_id = $1"
                                       " ORDER BY id", id, &e) : NULL;
    json_t *calls = events ? show_rows(t->db,
                                       "SELECT at, provider, model, kind, tokens_in, tokens_out,"
                                       " images, latency_ms, http_status, cost, error"
                                       " FROM api_calls WHERE order_id = $1 ORDER BY id",
                                       id, &e) : NULL;
    json_t *total = calls ? show_rows(t->db,
                                      "SELECT coalesce(sum(cost), 0)::numeric(14,4)::text AS"
                                      " total FROM api_calls WHERE order_id = $1",
                                      id, &e) : NULL;
    json_t *pj = total ? show_rows(t->db,
                                   "SELECT provider, state, provider_job_id, status,"
                                   " tracking::text AS tracking, cost, currency, intent_at,"
                                   " submitted_at FROM print_jobs WHERE order_id = $1",
                                   id, &e) : NULL;
    if (!pj) {
        json_decref(out);
        json_decref(order);
        json_decref(events);
        json_decref(calls);
        json_decref(total);
        free(path);
        return tool_fail("%s", e.msg);
    }
    if (where == ST_NONE && json_array_size(order) == 0) {
        json_decref(out);
        json_decref(order);
        json_decref(events);
        json_decref(calls);
        json_decref(total);
        json_decref(pj);
        return tool_fail("no order %s in the spool or the database", id);
    }
    json_object_set(out, "order", json_array_get(order, 0) ? json_array_get(order, 0) : json_null());
    json_object_set_new(out, "events", events);
    json_object_set_new(out, "api_calls", calls);
    json_object_set(out, "total_cost", json_object_get(json_array_get(total, 0), "total"));
    json_object_set(out, "print_job", json_array_get(pj, 0) ? json_array_get(pj, 0) : json_null());
    json_decref(order);
    json_decref(total);
    json_decref(pj);
    json_t *files = json_array();
    if (path) {
        show_files(path, "", files);
        char *ep = fsu_join(path, "error.json"), *buf;
        size_t len;
        if (fsu_read_file(AT_FDCWD, ep, 65536, &buf, &len, NULL) == 0) {
            json_object_set_new(out, "error", json_string(buf));
            free(buf);
        }
        free(ep);
    }
    json_object_set_new(out, "files", files);
    free(path);
    if (json)
        tool_print_json(out);
    else {
        show_text(id, out);
        json_decref(out);
    }
    return 0;
}
