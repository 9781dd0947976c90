/*
 * cmd_quota.c — `storypress quota`: the daily order limits the incoming
 * stage enforces (quota_policy: hold or reject the order over its limit).
 *
 *   quota list [--json]                          limits, today's use, groups
 *   quota set customer|group KEY LIMIT           a daily limit (0: none allowed)
 *   quota unset customer|group KEY               back to the default
 *   quota group add|remove CUSTOMER GROUP        membership
 *
 * A customer's limit is its own (scope customer), and each group it is in
 * has its own limit shared by the group's members; quota_default_daily
 * applies to customers without a limit of their own.  "Today" starts at
 * midnight in quota_timezone.  This command only edits the tables (quotas,
 * customer_groups); the incoming stage reads them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Orders received today (since midnight in $1, the quota time zone). */
#define QUOTA_TODAY                                                                       \
    "received_at >= (date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1)"

static const char quota_list_sql[] =
    "SELECT q.scope, q.key, q.daily_limit,"
    "  CASE q.scope"
    "    WHEN 'customer' THEN (SELECT count(*) FROM orders o"
    "                          WHERE o.customer_id = q.key AND " QUOTA_TODAY ")"
    "    ELSE (SELECT count(*) FROM orders o JOIN customer_groups g"
    "          ON g.customer_id = o.customer_id"
    "          WHERE g.group_name = q.key AND " QUOTA_TODAY ")"
    "  END"
    " FROM quotas q ORDER BY q.scope, q.key";

static int
quota_scope_ok(const char *s)
{
    return strcmp(s, "customer") == 0 || strcmp(s, "group") == 0;
}

/* Runs one statement with text parameters; prints the error. */
static PGresult *
quota_exec(struct tool *t, const char *sql, int n, const char *const *p)
{
    struct err e = {0};
    PGresult *r = db_exec(t->db, &e, sql, n, p);
    if (!r)
        tool_fail("%s", e.msg);
    return r;
}

static int
quota_list(struct tool *t, int json)
{
    const char *tz[] = {config_str(t->cfg, "quota_timezone")};
    PGresult *q = quota_exec(t, quota_list_sql, 1, tz);
    if (!q)
        return 1;
    PGresult *g = quota_exec(
        t, "SELECT group_name, customer_id FROM customer_groups ORDER BY 1, 2", 0, NULL);
    if (!g) {
        PQclear(q);
        return 1;
    }
    long def = config_int(t->cfg, "quota_default_daily");
    if (json) {
        json_t *jq = json_array(), *jg = json_array();
        for (int i = 0; i < PQntuples(q); i++)
            json_array_append_new(
                jq, json_pack("{s:s, s:s, s:I, s:I}", "scope", PQgetvalue(q, i, 0), "key",
                              PQgetvalue(q, i, 1), "daily_limit",
                              (json_int_t)atol(PQgetvalue(q, i, 2)), "today",
                              (json_int_t)atol(PQgetvalue(q, i, 3))));
        for (int i = 0; i < PQntuples(g); i++)
            json_array_append_new(jg, json_pack("{s:s, s:s}", "group", PQgetvalue(g, i, 0),
                                                "customer", PQgetvalue(g, i, 1)));
        tool_print_json(json_pack("{s:o, s:o, s:I, s:s, s:s}", "quotas", jq, "groups", jg,
                                  "default_daily", (json_int_t)def, "timezone", tz[0],
                                  "policy", config_str(t->cfg, "quota_policy")));
    } else {
        printf("%-9s %-32s %8s %8s\n", "SCOPE", "KEY", "DAILY", "TODAY");
        for (int i = 0; i < PQntuples(q); i++)
            printf("%-9s %-32s %8s %8s\n", PQgetvalue(q, i, 0), PQgetvalue(q, i, 1),
                   PQgetvalue(q, i, 2), PQgetvalue(q, i, 3));
        if (def > 0)
            printf("%-9s %-32s %8ld\n", "default", "(any other customer)", def);
        else
            printf("%-9s %-32s %8s\n", "default", "(any other customer)", "-");
        printf("days start at midnight %s; over the limit: %s\n", tz[0],
               config_str(t->cfg, "quota_policy"));
        if (PQntuples(g) > 0) {
            printf("\n%-32s %s\n", "GROUP", "CUSTOMER");
            for (int i = 0; i < PQntuples(g); i++)
                printf("%-32s %s\n", PQgetvalue(g, i, 0), PQgetvalue(g, i, 1));
        }
    }
    PQclear(q);
    PQclear(g);
    return 0;
}

int
cmd_quota(struct tool *t, int argc, char **argv)
{
    int json = 0, rc = tool_json_opts(argc, argv, &json);
    if (rc >= 0)
        return rc;
    char **a = argv + optind;
    int n = argc - optind;
    if (n < 1)
        return tool_usage(argv[0]);

    if (strcmp(a[0], "list") == 0) {
        if (n != 1)
            return tool_usage(argv[0]);
        if (tool_db(t) < 0)
            return 1;
        return quota_list(t, json);
    }
    if (strcmp(a[0], "set") == 0) {
        if (n != 4 || !quota_scope_ok(a[1]) || !*a[2])
            return tool_usage(argv[0]);
        char *end;
        errno = 0;
        long lim = strtol(a[3], &end, 10);
        if (errno || end == a[3] || *end || lim < 0 || lim > 1000000)
            return tool_fail("LIMIT: orders per day from 0 to 1000000, got \"%s\"", a[3]) + 1;
        if (tool_db(t) < 0)
            return 1;
        char lbuf[16];
        snprintf(lbuf, sizeof lbuf, "%ld", lim);
        const char *p[] = {a[1], a[2], lbuf};
        PGresult *r = quota_exec(t,
                                 "INSERT INTO quotas (scope, key, daily_limit) VALUES ($1, $2, $3)"
                                 " ON CONFLICT (scope, key) DO UPDATE SET daily_limit = $3",
                                 3, p);
        if (!r)
            return 1;
        PQclear(r);
        printf("%s %s: at most %ld order%s a day\n", a[1], a[2], lim, lim == 1 ? "" : "s");
        return 0;
    }
    if (strcmp(a[0], "unset") == 0) {
        if (n != 3 || !quota_scope_ok(a[1]))
            return tool_usage(argv[0]);
        if (tool_db(t) < 0)
            return 1;
        const char *p[] = {a[1], a[2]};
        PGresult *r = quota_exec(t, "DELETE FROM quotas WHERE scope = $1 AND key = $2", 2, p);
        if (!r)
            return 1;
        int gone = atoi(PQcmdTuples(r));
        PQclear(r);
        if (!gone)
            return tool_fail("%s %s has no quota", a[1], a[2]);
        printf("%s %s: no quota of its own any more\n", a[1], a[2]);
        return 0;
    }
    if (strcmp(a[0], "group") == 0) {
        if (n != 4 || (strcmp(a[1], "add") && strcmp(a[1], "remove")) || !*a[2] || !*a[3])
            return tool_usage(argv[0]);
        if (tool_db(t) < 0)
            return 1;
        const char *p[] = {a[2], a[3]};
        int add = strcmp(a[1], "add") == 0;
        PGresult *r = quota_exec(
            t,
            add ? "INSERT INTO customer_groups (customer_id, group_name) VALUES ($1, $2)"
                  " ON CONFLICT DO NOTHING"
                : "DELETE FROM customer_groups WHERE customer_id = $1 AND group_name = $2",
            2, p);
        if (!r)
            return 1;
        int changed = atoi(PQcmdTuples(r));
        PQclear(r);
        if (!add && !changed)
            return tool_fail("customer %s is not in group %s", a[2], a[3]);
        printf("customer %s %s group %s\n", a[2],
               add ? (changed ? "added to" : "was already in") : "removed from", a[3]);
        return 0;
    }
    return tool_usage(argv[0]);
}
