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

/* A name in rejected/ not yet taken: the entry's own, else with a suffix. */
static char *
transit_reject_name(struct spool *sp, const char *entry)
{
    char *name = NULL;
    struct stat st;
    if (fstatat(sp->dirfd[ST_REJECTED], entry, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
        errno == ENOENT) {
        name = strdup(entry);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (asprintf(&name, "%s~%lld.%09ld.%ld", entry, (long long)ts.tv_sec, ts.tv_nsec,
                     (long)getpid()) < 0)
            name = NULL;
    }
    if (!name)
        abort();
    return name;
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
     * drop would be lost. */
    char *parent = strdup(src);
    if (!parent)
        abort();
    char *slash = strrchr(parent, '/');
    if (!slash) {
        free(parent);
        return err_set(e, ERR_PERMANENT, "%s: not a path", src);
    }
    *slash = 0;
    /* A name no other attempt uses (never removed blindly: after a crash it
     * may hold a drop), short enough whatever the entry's length. */
    char *rejdir = spool_dir_path(sp, ST_REJECTED), *scratch = NULL;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (asprintf(&scratch, "%s/.%.100s.%ld.%lld%09ld.tmp", rejdir, entry, (long)getpid(),
                 (long long)ts.tv_sec, ts.tv_nsec) < 0)
        abort();
    free(rejdir);
    char *name = NULL, *inside = NULL, *text = NULL;
    int rc = -1;
    if (mkdir(scratch, 0755) < 0) {
        err_errno(e, errno, "%s", scratch);
        goto out;
    }
    inside = fsu_join(scratch, entry);
    if (asprintf(&text, "%s\n", reason) < 0)
        abort();
    if (fsu_write_atomic(scratch, "reason", text, strlen(text), e) < 0)
        goto drop_scratch;
    name = transit_reject_name(sp, entry);
    /* The drop's identity survives the renames of its claim: a retry after a
     * crash between the record and the move records nothing new. */
    struct stat dst;
    char key[128];
    if (lstat(src, &dst) < 0) {
        err_errno(e, errno, "%s", src);
        goto drop_scratch;
    }
    snprintf(key, sizeof key, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)dst.st_dev,
             (unsigned long long)dst.st_ino, (long long)dst.st_size,
             (long long)dst.st_mtim.tv_sec, dst.st_mtim.tv_nsec);
    if (db_record_reject_once(db, name, id, reason, worker, key, e) < 0)
        goto drop_scratch; /* not recorded: the drop stays claimed, for a later try */
    /* rename(2) moves a symlink, a FIFO or a device without opening it. */
    if (rename(src, inside) < 0) {
        err_errno(e, errno, "%s: cannot move aside", src);
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
    log_order(LOG_WARNING, id ? id : entry, "rejected (rejected/%s): %s", name, reason);
    rc = 0;
    goto out;
drop_scratch:
    fsu_remove_tree(scratch, NULL);
out:
    free(parent);
    free(text);
    free(inside);
    free(name);
    free(scratch);
    return rc;
}
