/*
 * transit.c — the one mover of orders (see transit.h).
 *
 * Record first, rename second: if we crash in between, the database is one
 * step ahead and the order is still where it was; the stage runs it again
 * and db_record_transition() sees the move already recorded.  The reverse
 * order could leave a moved order that no one recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "log.h"
#include "transit.h"

int
transit_move(struct spool *sp, struct db *db, const char *worker, const char *id,
             const char *src, enum state from, enum state to, const json_t *detail,
             struct err *e)
{
    state_assert_move(from, to);
    if (!spool_id_ok(id))
        return err_set(e, ERR_PERMANENT, "\"%s\" is not a valid order id", id);
    if (db_record_transition(db, id, from, to, worker, detail, e) < 0)
        return err_prefix(e, "%s: %s → %s not recorded, not moved", id, state_name(from),
                          state_name(to));
    if (spool_rename_into(sp, src, to, id, e) < 0)
        return err_prefix(e, "%s: recorded %s → %s but the move failed", id,
                          state_name(from), state_name(to));
    log_order(LOG_INFO, id, "%s → %s", state_name(from), state_name(to));
    return 0;
}

/* The first line of a reason, and how many lines follow it, for the log. */
static void
transit_reason_head(const char *reason, int *len, int *more)
{
    const char *nl = strchr(reason, '\n');
    *len = nl ? (int)(nl - reason) : (int)strlen(reason);
    *more = 0;
    for (; nl; nl = strchr(nl + 1, '\n'))
        if (nl[1])
            (*more)++;
}

int
transit_reject(struct spool *sp, struct db *db, const char *worker, const char *entry,
               const char *src, const char *id, const char *reason, struct err *e)
{
    /* Build the rejected folder as scratch inside rejected/ itself (same
     * filesystem), and move the drop into it only once the reject is
     * recorded, just before the folder is renamed into place.  Never put the
     * drop into a dot-named scratch folder in the work area: a worker that
     * dies there leaves it to spool_reclaim(), which removes scratch, and the
     * drop would be lost.  The scratch name carries the worker's name and the
     * final one: fsck sees by the worker's lock whether it was abandoned, and
     * where to finish it. */
    char *parent = strdup(src);
    if (!parent)
        abort();
    char *slash = strrchr(parent, '/');
    if (!slash) {
        free(parent);
        return err_set(e, ERR_PERMANENT, "%s: not a path", src);
    }
    *slash = 0;
    char *shown = esc_str(entry);
    char *name = spool_reject_name(sp, entry);
    char *sname = spool_reject_scratch(worker, name);
    char *rejdir = spool_dir_path(sp, ST_REJECTED);
    char *scratch = fsu_join(rejdir, sname);
    free(rejdir);
    char *inside = NULL, *text = NULL;
    int rc = -1;
    if (mkdir(scratch, 0755) < 0) {
        err_errno(e, errno, "rejected/%s", sname);
        goto out;
    }
    inside = fsu_join(scratch, entry);
    if (asprintf(&text, "%s\n", reason) < 0)
        abort();
    if (fsu_write_atomic(scratch, "reason", text, strlen(text), e) < 0)
        goto drop_scratch;
    /* The drop's identity survives the renames of its claim: a retry after a
     * crash between the record and the move records nothing new. */
    struct stat dst;
    char key[128];
    if (lstat(src, &dst) < 0) {
        err_errno(e, errno, "%s", shown);
        goto drop_scratch;
    }
    snprintf(key, sizeof key, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)dst.st_dev,
             (unsigned long long)dst.st_ino, (long long)dst.st_size,
             (long long)dst.st_mtim.tv_sec, dst.st_mtim.tv_nsec);
    if (db_record_reject_drop(db, name, shown, id, reason, worker, key, e) < 0)
        goto drop_scratch; /* not recorded: the drop stays claimed, for a later try */
    /* rename(2) moves a symlink, a FIFO or a device without opening it. */
    if (rename(src, inside) < 0) {
        err_errno(e, errno, "%s: cannot move aside", shown);
        goto drop_scratch;
    }
    if (spool_rename_into(sp, scratch, ST_REJECTED, name, e) < 0) {
        /* Back to its claim, unless the folder did move (a failed fsync). */
        if (rename(inside, src) == 0)
            fsu_remove_tree(scratch, NULL);
        goto out;
    }
    if (fsu_fsync_dir(parent, e) < 0)
        log_warn("%s", e->msg);
    int head, more;
    transit_reason_head(reason, &head, &more);
    if (more)
        log_order(LOG_WARNING, id ? id : shown,
                  "rejected (rejected/%s): %.*s; and %d more problem%s (see its reason file)",
                  name, head, reason, more, more == 1 ? "" : "s");
    else
        log_order(LOG_WARNING, id ? id : shown, "rejected (rejected/%s): %s", name, reason);
    rc = 0;
    goto out;
drop_scratch:
    fsu_remove_tree(scratch, NULL);
out:
    free(parent);
    free(text);
    free(inside);
    free(shown);
    free(name);
    free(sname);
    free(scratch);
    return rc;
}
