/*
 * cmd_stats.c — `storypress stats [--since AGE] [--json]`: what the
 * pipeline did, from the database alone.
 *
 * Four reports over the window (default: the last 7 days):
 *   - per day (UTC): orders received, done, failed, rejected;
 *   - time in each stage: median and 95th percentile of the time between an
 *     order entering a stage and leaving it, from order_events (each event's
 *     next event of the same order ends its stay), for stays that began in
 *     the window;
 *   - API calls and their cost, by provider and kind, in total, and per book
 *     (the cost of the orders that reached done/ in the window, over them);
 *   - failures by reason (detail->>'error' of the moves to failed);
 *   - the proof: books proofed, approved, rejected, and the redos (pages,
 *     pictures drawn again, their cost).
 * The figures are computed by PostgreSQL (percentile_cont), so that stats
 * over months do not pull every event into this process.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "tool.h"

static const char stats_days_sql[] =
    "WITH w AS (SELECT to_timestamp($1::double precision) AS since),"
    " r AS (SELECT (received_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM orders, w"
    "       WHERE received_at >= w.since GROUP BY 1),"
    " e AS (SELECT (at AT TIME ZONE 'UTC')::date AS day,"
    "              count(*) FILTER (WHERE to_state = 'done') AS done,"
    "              count(*) FILTER (WHERE to_state = 'failed') AS failed"
    "       FROM order_events, w WHERE at >= w.since AND to_state IN ('done', 'failed')"
    "       GROUP BY 1),"
    " j AS (SELECT (at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM rejects, w"
    "       WHERE at >= w.since GROUP BY 1),"
    " d AS (SELECT day FROM r UNION SELECT day FROM e UNION SELECT day FROM j)"
    " SELECT d.day::text, coalesce(r.n, 0), coalesce(e.done, 0), coalesce(e.failed, 0),"
    "        coalesce(j.n, 0)"
    " FROM d LEFT JOIN r USING (day) LEFT JOIN e USING (day) LEFT JOIN j USING (day)"
    " ORDER BY d.day";

/* A stay in a stage: from the event entering it to the order's next event. */
static const char stats_stages_sql[] =
    "WITH s AS (SELECT to_state AS stage, at,"
    "                  extract(epoch FROM lead(at) OVER (PARTITION BY order_id ORDER BY at, id)"
    "                                     - at) AS secs"
    "           FROM order_events WHERE from_state IS DISTINCT FROM to_state)"
    " SELECT stage, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY secs),"
    "        percentile_cont(0.95) WITHIN GROUP (ORDER BY secs)"
    " FROM s WHERE secs IS NOT NULL AND at >= to_timestamp($1::double precision)"
    "   AND stage IN ('incoming', 'story', 'art', 'pdf', 'proof', 'print')"
    " GROUP BY stage"
    " ORDER BY array_position(ARRAY['incoming', 'story', 'art', 'pdf', 'proof', 'print'], stage)";

static const char stats_api_sql[] =
    "SELECT provider, kind, count(*), coalesce(sum(cost), 0)::float8 FROM api_calls"
    " WHERE at >= to_timestamp($1::double precision)"
    " GROUP BY provider, kind ORDER BY provider, kind";

static const char stats_books_sql[] =
    "WITH b AS (SELECT DISTINCT order_id FROM order_events"
    "           WHERE to_state = 'done' AND at >= to_timestamp($1::double precision))"
    " SELECT (SELECT count(*) FROM b),"
    "        (SELECT coalesce(sum(cost), 0)::float8 FROM api_calls"
    "         WHERE order_id IN (SELECT order_id FROM b))";

static const char stats_failures_sql[] =
    "SELECT coalesce(detail->>'error', '(no reason recorded)'), count(*) FROM order_events"
    " WHERE to_state = 'failed' AND at >= to_timestamp($1::double precision)"
    " GROUP BY 1 ORDER BY 2 DESC, 1";

/* Per host (sql/008_hosts.sql): books finished and failed by each host's
 * events, and its API calls and their cost, over the window. */
static const char stats_hosts_sql[] =
    "WITH e AS (SELECT coalesce(host, '(none)') AS host,"
    "                  count(*) FILTER (WHERE to_state = 'done') AS done,"
    "                  count(*) FILTER (WHERE to_state = 'failed') AS failed"
    "           FROM order_events WHERE at >= to_timestamp($1::double precision)"
    "           GROUP BY 1),"
    " a AS (SELECT coalesce(host, '(none)') AS host, count(*) AS calls,"
    "              coalesce(sum(cost), 0)::float8 AS cost"
    "       FROM api_calls WHERE at >= to_timestamp($1::double precision) GROUP BY 1)"
    " SELECT host, coalesce(e.done, 0), coalesce(e.failed, 0), coalesce(a.calls, 0),"
    "        coalesce(a.cost, 0) FROM e FULL JOIN a USING (host) ORDER BY host";

/* The proof: redos (pages, pictures drawn again, cost) and decisions. */
static const char stats_proof_sql[] =
    "SELECT (SELECT count(*) FROM proof_redos WHERE at >= to_timestamp($1::double precision)),"
    "       (SELECT coalesce(sum(cardinality(pages)), 0) FROM proof_redos"
    "        WHERE at >= to_timestamp($1::double precision)),"
    "       (SELECT coalesce(sum(images), 0) FROM proof_redos"
    "        WHERE at >= to_timestamp($1::double precision)),"
    "       (SELECT coalesce(sum(cost), 0)::float8 FROM proof_redos"
    "        WHERE at >= to_timestamp($1::double precision)),"
    "       count(*) FILTER (WHERE to_state = 'proof' AND from_state IS DISTINCT FROM 'proof'),"
    "       count(*) FILTER (WHERE from_state = 'proof' AND to_state = 'print'),"
    "       count(*) FILTER (WHERE from_state = 'proof' AND to_state = 'failed')"
    " FROM order_events WHERE at >= to_timestamp($1::double precision)";

/* "45s", "12m30s", "3h05m", "2d04h": a duration in a few characters. */
static const char *
stats_duration(double secs, char *buf, size_t len)
{
    long s = (long)(secs + 0.5);
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, len, "%lds", s);
    else if (s < 7200)
        snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
    else if (s < 2 * 86400)
        snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
        snprintf(buf, len, "%ldd%02ldh", s / 86400, s / 3600 % 24);
    return buf;
}

static PGresult *
stats_query(struct tool *t, const char *sql, const char *since)
{
    struct err e = {0};
    const char *p[] = {since};
    PGresult *r = db_exec(t->db, &e, sql, 1, p);
    if (!r)
        tool_fail("%s", e.msg);
    return r;
}

int
cmd_stats(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"since", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    const char *since_arg = "7d";
    int json = 0, c;
    if (tool_wants_help(argc, argv))
        return 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': since_arg = optarg; break;
        case 'j': json = 1; break;
        default: return tool_usage(argv[0]);
        }
    }
    if (optind != argc)
        return tool_usage(argv[0]);
    long long since = tool_parse_since(since_arg);
    if (since < 0)
        return tool_fail("--since: an age (30m, 12h, 7d, 2w) or a date (YYYY-MM-DD), got \"%s\"",
                         since_arg) + 1;
    if (tool_db(t) < 0)
        return 1;
    char sbuf[32], sdate[32];
    snprintf(sbuf, sizeof sbuf, "%lld", since);
    time_t st = (time_t)since;
    struct tm tm;
    if (!gmtime_r(&st, &tm) || !strftime(sdate, sizeof sdate, "%Y-%m-%d %H:%M UTC", &tm))
        snprintf(sdate, sizeof sdate, "%lld", since);

    PGresult *days = stats_query(t, stats_days_sql, sbuf);
    PGresult *stages = days ? stats_query(t, stats_stages_sql, sbuf) : NULL;
    PGresult *api = stages ? stats_query(t, stats_api_sql, sbuf) : NULL;
    PGresult *books = api ? stats_query(t, stats_books_sql, sbuf) : NULL;
    PGresult *fails = books ? stats_query(t, stats_failures_sql, sbuf) : NULL;
    PGresult *hosts = fails ? stats_query(t, stats_hosts_sql, sbuf) : NULL;
    PGresult *proof = hosts ? stats_query(t, stats_proof_sql, sbuf) : NULL;
    if (!proof) {
        PQclear(hosts);
        PQclear(fails);
        PQclear(days);
        PQclear(stages);
        PQclear(api);
        PQclear(books);
        return 1;
    }

    long tot[4] = {0};
    long api_calls = 0;
    double api_cost = 0;
    long nbooks = atol(PQgetvalue(books, 0, 0));
    double books_cost = strtod(PQgetvalue(books, 0, 1), NULL);
    for (int i = 0; i < PQntuples(days); i++)
        for (int k = 0; k < 4; k++)
            tot[k] += atol(PQgetvalue(days, i, k + 1));
    for (int i = 0; i < PQntuples(api); i++) {
        api_calls += atol(PQgetvalue(api, i, 2));
        api_cost += strtod(PQgetvalue(api, i, 3), NULL);
    }
    double per_book = nbooks ? books_cost / (double)nbooks : 0;

    if (json) {
        json_t *jd = json_array(), *js = json_array(), *ja = json_array(), *jf = json_array();
        for (int i = 0; i < PQntuples(days); i++)
            json_array_append_new(
                jd, json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", PQgetvalue(days, i, 0),
                              "received", (json_int_t)atol(PQgetvalue(days, i, 1)), "done",
                              (json_int_t)atol(PQgetvalue(days, i, 2)), "failed",
                              (json_int_t)atol(PQgetvalue(days, i, 3)), "rejected",
                              (json_int_t)atol(PQgetvalue(days, i, 4))));
        for (int i = 0; i < PQntuples(stages); i++)
            json_array_append_new(
                js, json_pack("{s:s, s:I, s:f, s:f}", "stage", PQgetvalue(stages, i, 0), "stays",
                              (json_int_t)atol(PQgetvalue(stages, i, 1)), "median_seconds",
                              strtod(PQgetvalue(stages, i, 2), NULL), "p95_seconds",
                              strtod(PQgetvalue(stages, i, 3), NULL)));
        for (int i = 0; i < PQntuples(api); i++)
            json_array_append_new(
                ja, json_pack("{s:s, s:s, s:I, s:f}", "provider", PQgetvalue(api, i, 0), "kind",
                              PQgetvalue(api, i, 1), "calls",
                              (json_int_t)atol(PQgetvalue(api, i, 2)), "cost",
                              strtod(PQgetvalue(api, i, 3), NULL)));
        for (int i = 0; i < PQntuples(fails); i++)
            json_array_append_new(jf, json_pack("{s:s, s:I}", "reason", PQgetvalue(fails, i, 0),
                                                "count",
                                                (json_int_t)atol(PQgetvalue(fails, i, 1))));
        json_t *jh = json_array();
        for (int i = 0; i < PQntuples(hosts); i++)
            json_array_append_new(
                jh, json_pack("{s:s, s:I, s:I, s:I, s:f}", "host", PQgetvalue(hosts, i, 0),
                              "done", (json_int_t)atol(PQgetvalue(hosts, i, 1)), "failed",
                              (json_int_t)atol(PQgetvalue(hosts, i, 2)), "api_calls",
                              (json_int_t)atol(PQgetvalue(hosts, i, 3)), "cost",
                              strtod(PQgetvalue(hosts, i, 4), NULL)));
        json_t *out = json_pack(
            "{s:I, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:{s:I, s:f, s:o, s:I, s:f}, s:o}", "since",
            (json_int_t)since, "days", jd, "total", "received", (json_int_t)tot[0], "done",
            (json_int_t)tot[1], "failed", (json_int_t)tot[2], "rejected", (json_int_t)tot[3],
            "stages", js, "api", "calls", (json_int_t)api_calls, "cost", api_cost, "by", ja,
            "books", (json_int_t)nbooks, "cost_per_book", per_book, "failures", jf);
        json_object_set_new(out, "hosts", jh);
        json_object_set_new(
            out, "proof",
            json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I}", "redos",
                      (json_int_t)atol(PQgetvalue(proof, 0, 0)), "pages_redone",
                      (json_int_t)atol(PQgetvalue(proof, 0, 1)), "pictures_redrawn",
                      (json_int_t)atol(PQgetvalue(proof, 0, 2)), "redo_cost",
                      strtod(PQgetvalue(proof, 0, 3), NULL), "proofs",
                      (json_int_t)atol(PQgetvalue(proof, 0, 4)), "approved",
                      (json_int_t)atol(PQgetvalue(proof, 0, 5)), "rejected",
                      (json_int_t)atol(PQgetvalue(proof, 0, 6))));
        tool_print_json(out);
    } else {
        printf("storypress stats since %s\n\n", sdate);
        printf("%-12s %9s %7s %7s %9s\n", "DAY (UTC)", "RECEIVED", "DONE", "FAILED", "REJECTED");
        for (int i = 0; i < PQntuples(days); i++)
            printf("%-12s %9s %7s %7s %9s\n", PQgetvalue(days, i, 0), PQgetvalue(days, i, 1),
                   PQgetvalue(days, i, 2), PQgetvalue(days, i, 3), PQgetvalue(days, i, 4));
        printf("%-12s %9ld %7ld %7ld %9ld\n", "total", tot[0], tot[1], tot[2], tot[3]);

        printf("\n%-12s %9s %9s %9s\n", "STAGE", "STAYS", "MEDIAN", "P95");
        for (int i = 0; i < PQntuples(stages); i++) {
            char m[24], p[24];
            printf("%-12s %9s %9s %9s\n", PQgetvalue(stages, i, 0), PQgetvalue(stages, i, 1),
                   stats_duration(strtod(PQgetvalue(stages, i, 2), NULL), m, sizeof m),
                   stats_duration(strtod(PQgetvalue(stages, i, 3), NULL), p, sizeof p));
        }
        if (PQntuples(stages) == 0)
            printf("(no stage left in this window)\n");

        printf("\n%-24s %7s %12s\n", "API CALLS", "CALLS", "COST (USD)");
        for (int i = 0; i < PQntuples(api); i++) {
            char name[128];
            snprintf(name, sizeof name, "%s %s", PQgetvalue(api, i, 0), PQgetvalue(api, i, 1));
            printf("%-24s %7s %12.4f\n", name, PQgetvalue(api, i, 2),
                   strtod(PQgetvalue(api, i, 3), NULL));
        }
        printf("%-24s %7ld %12.4f\n", "total", api_calls, api_cost);
        char label[64];
        snprintf(label, sizeof label, "per book (%ld done)", nbooks);
        printf("%-32s %12.4f\n", label, per_book);

        printf("\nFAILURES BY REASON\n");
        for (int i = 0; i < PQntuples(fails); i++) {
            char *cut = esc_cut(PQgetvalue(fails, i, 0), 200);
            printf("%7s  %s\n", PQgetvalue(fails, i, 1), cut);
            free(cut);
        }
        if (PQntuples(fails) == 0)
            printf("(none)\n");

        printf("\n%-24s %7s %7s %7s %12s\n", "HOST", "DONE", "FAILED", "CALLS", "COST (USD)");
        for (int i = 0; i < PQntuples(hosts); i++)
            printf("%-24s %7s %7s %7s %12.4f\n", PQgetvalue(hosts, i, 0),
                   PQgetvalue(hosts, i, 1), PQgetvalue(hosts, i, 2), PQgetvalue(hosts, i, 3),
                   strtod(PQgetvalue(hosts, i, 4), NULL));
        printf("\nPROOF  %s proofs, %s approved, %s rejected; %s redos of %s pages, %s pictures "
               "redrawn, %.4f USD\n",
               PQgetvalue(proof, 0, 4), PQgetvalue(proof, 0, 5), PQgetvalue(proof, 0, 6),
               PQgetvalue(proof, 0, 0), PQgetvalue(proof, 0, 1), PQgetvalue(proof, 0, 2),
               strtod(PQgetvalue(proof, 0, 3), NULL));
    }
    PQclear(proof);
    PQclear(hosts);
    PQclear(days);
    PQclear(stages);
    PQclear(api);
    PQclear(books);
    PQclear(fails);
    return 0;
}
