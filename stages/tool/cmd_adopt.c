/*
 * cmd_adopt.c — `storypress adopt --from-host NAME --spool COPY`: this host
 * takes over the orders of a host that died for good (docs/scaling.md).
 *
 * COPY is a copy of the dead host's spool (a restored backup, its disk
 * mounted elsewhere).  For each order folder in it — in a stage directory,
 * in a dead worker's claim, or in hold/ — the database decides who owns it:
 * one UPDATE orders SET host = this WHERE id = ... AND host = NAME.  Only
 * an order that UPDATE gives to this host is copied into this spool, into
 * the directory it was in; one another host took (or that this host
 * adopted before: a second run goes on where the first stopped) is left
 * alone.  Once an order belongs to another host, the dead host's daemons
 * could not move it any more (db_record_transition checks the owner), so a
 * book is never printed twice, even if that host comes back.
 *
 * Orders already in done/ or failed/ are not copied: their ownership moves,
 * so this host follows their print jobs (shipping, removal of the files in
 * the object store).  The order's print_jobs row stays as it is: a book
 * whose job was submitted (or whose intent was recorded) is asked of the
 * provider again by its external id, never submitted blindly.
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
#include "host.h"
#include "tool.h"

/* Directories whose orders are copied; done/ and failed/ only change hands. */
static const enum state adopt_copied[] = {ST_STORY, ST_ART, ST_PDF, ST_PRINT, ST_HOLD};

struct adopt {
    struct tool *t;
    const char *from, *copy;
    int dry_run;
    int adopted, skipped, failed, finished;
};

/* Copies the order folder from → to (files and one level of folders, as an
 * order holds: art/). */
static int
adopt_copy_tree(const char *from, const char *to, int depth, struct err *e)
{
    if (depth > 3)
        return err_set(e, ERR_PERMANENT, "%s: nested too deep for an order folder", from);
    if (mkdir(to, 0755) < 0 && errno != EEXIST)
        return err_errno(e, errno, "mkdir %s", to);
    DIR *d = opendir(from);
    if (!d)
        return err_errno(e, errno, "%s", from);
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *src = fsu_join(from, de->d_name), *dst = fsu_join(to, de->d_name);
        struct stat st;
        if (lstat(src, &st) < 0)
            rc = err_errno(e, errno, "%s", src);
        else if (S_ISDIR(st.st_mode))
            rc = adopt_copy_tree(src, dst, depth + 1, e);
        else if (S_ISREG(st.st_mode))
            rc = fsu_copy_file(src, dst, e);
        /* anything else (a link, a FIFO) is no part of an order: left out */
        free(src);
        free(dst);
    }
    closedir(d);
    return rc;
}

/* One order found in the copy at path, in state st. */
static void
adopt_one(struct adopt *a, const char *id, const char *path, enum state st)
{
    struct err e = {0};
    const char *mine = host_name();
    if (a->dry_run) {
        const char *p[] = {id, a->from};
        PGresult *r = db_exec(a->t->db, &e,
                              "SELECT state FROM orders WHERE id = $1 AND host = $2", 2, p);
        int would = r && PQntuples(r) == 1;
        PQclear(r);
        printf("%s: %s/ %s %s's\n", id, state_name(st), would ? "would be adopted, now" : "left alone, not",
               a->from);
        if (would)
            a->adopted++;
        else
            a->skipped++;
        return;
    }
    /* The database decides: only the dead host's orders change hands.  An
     * order this host already holds (a second run) goes on to the copy. */
    const char *p[] = {id, a->from, mine};
    PGresult *r = db_exec(a->t->db, &e,
                          "UPDATE orders SET host = $3, updated_at = now()"
                          " WHERE id = $1 AND host IN ($2, $3) RETURNING state",
                          3, p);
    if (!r) {
        fprintf(stderr, "storypress: %s: not adopted: %s\n", id, e.msg);
        a->failed++;
        return;
    }
    int ours = PQntuples(r) == 1;
    PQclear(r);
    if (!ours) {
        printf("%s: left alone (not %s's in the database)\n", id, a->from);
        a->skipped++;
        return;
    }
    if (st == ST_DONE || st == ST_FAILED) {
        printf("%s: %s/, now %s's (not copied)\n", id, state_name(st), mine);
        a->finished++;
        return;
    }
    int count = 0;
    char *here = NULL;
    if (spool_locate(&a->t->sp, id, &count, &here) != ST_NONE) {
        printf("%s: already in this spool (%s)\n", id, here);
        free(here);
        a->adopted++;
        return;
    }
    free(here);
    /* Copied whole under a dot name in tmp/ (same filesystem), then renamed
     * into its directory: no stage ever sees half an order. */
    char *scratch = NULL;
    if (asprintf(&scratch, "%s/tmp/.adopt.%s.%ld", a->t->sp.root, id, (long)getpid()) < 0)
        abort();
    fsu_remove_tree(scratch, NULL);
    if (adopt_copy_tree(path, scratch, 0, &e) < 0 ||
        spool_rename_into(&a->t->sp, scratch, st, id, &e) < 0) {
        fprintf(stderr, "storypress: %s: now %s's but not copied: %s (run adopt again)\n", id,
                mine, e.msg);
        fsu_remove_tree(scratch, NULL);
        free(scratch);
        a->failed++;
        return;
    }
    free(scratch);
    printf("%s: adopted into %s/\n", id, state_name(st));
    a->adopted++;
}

/* Every order folder in directory dir of the copy (not scratch: dot names). */
static void
adopt_dir(struct adopt *a, const char *dir, enum state st)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !spool_id_ok(de->d_name))
            continue;
        char *p = fsu_join(dir, de->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            adopt_one(a, de->d_name, p, st);
        free(p);
    }
    closedir(d);
}

/* The claims of the dead host's workers: <dir>/.work/<worker>/<id>. */
static void
adopt_claims(struct adopt *a, const char *dir, enum state st)
{
    char *work = fsu_join(dir, ".work");
    DIR *d = opendir(work);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char *area = fsu_join(work, de->d_name);
            struct stat sb;
            if (lstat(area, &sb) == 0 && S_ISDIR(sb.st_mode))
                adopt_dir(a, area, st);
            free(area);
        }
        closedir(d);
    }
    free(work);
}

int
cmd_adopt(struct tool *t, int argc, char **argv)
{
    static const struct option opts[] = {{"from-host", required_argument, NULL, 'f'},
                                         {"spool", required_argument, NULL, 's'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    if (tool_wants_help(argc, argv))
        return 0;
    struct adopt a = {.t = t};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': a.from = optarg; break;
        case 's': a.copy = optarg; break;
        case 'n': a.dry_run = 1; break;
        default: return tool_usage(argv[0]);
        }
    }
    if (optind != argc || !a.from || !a.copy)
        return tool_usage(argv[0]);
    if (!host_name_ok(a.from))
        return tool_fail("--from-host: \"%s\" is not a host name", a.from);
    if (strcmp(a.from, host_name()) == 0)
        return tool_fail("--from-host %s: that is this host", a.from);
    struct stat sb;
    if (stat(a.copy, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return tool_fail("--spool %s: not a directory", a.copy);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    for (size_t i = 0; i < sizeof adopt_copied / sizeof adopt_copied[0]; i++) {
        enum state st = adopt_copied[i];
        char *dir = fsu_join(a.copy, state_name(st));
        adopt_dir(&a, dir, st);
        if (state_is_stage(st))
            adopt_claims(&a, dir, st);
        free(dir);
    }
    static const enum state finished[] = {ST_DONE, ST_FAILED};
    for (size_t i = 0; i < 2; i++) {
        enum state st = finished[i];
        char *dir = fsu_join(a.copy, state_name(st));
        adopt_dir(&a, dir, st);
        free(dir);
    }
    /* Orders the dead host owned that the copy lacks: the operator must
     * know (a copy older than the host's last moves). */
    struct err e = {0};
    const char *p[] = {a.from};
    PGresult *r = db_exec(t->db, &e,
                          "SELECT id, state FROM orders WHERE host = $1 AND purged_at IS NULL"
                          " ORDER BY id",
                          1, p);
    int missing = r ? PQntuples(r) : 0;
    for (int i = 0; i < missing; i++)
        printf("%s: still %s's (%s), not in the copy\n", PQgetvalue(r, i, 0), a.from,
               PQgetvalue(r, i, 1));
    PQclear(r);
    printf("adopt: %d order%s adopted, %d finished ones taken over, %d left alone, %d failed, "
           "%d of %s's not in the copy\n",
           a.adopted, a.adopted == 1 ? "" : "s", a.finished, a.skipped, a.failed, missing,
           a.from);
    return a.failed ? 1 : 0;
}
