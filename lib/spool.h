/*
 * spool.h — the spool directory: its layout, order ids as file names, the
 * claim of an entry by one worker, the return of dead workers' claims, and
 * the scan of a stage's directory.
 *
 * Layout under spool_dir:
 *   tmp/                 producers write here, then rename into incoming/
 *   incoming/<id>.json   complete drops
 *   story/ art/ pdf/ print/ <id>/    order folders waiting for that stage
 *   hold/ done/ failed/ <id>/        set aside, finished, given up
 *   rejected/<name>/     a bad drop (the file under the name it was dropped
 *                        with) and its reason; <name>: see spool_reject_name()
 *   <stage>/.work/<worker>/<entry>   an entry claimed by a worker
 *   <stage>/.work/<worker>.lock      held with flock(2) while the worker lives
 *
 * Every move between directories goes through transit.c; this module only
 * knows names and renames.  A deferred order waits in its stage directory
 * with its folder's mtime set to the time it is due (as Postfix's deferred
 * queue does), so a scan sees when it is due without reading anything.
 */
#ifndef STORYPRESS_SPOOL_H
#define STORYPRESS_SPOOL_H

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "state.h"

#define SPOOL_ID_MAX 64

struct spool {
    char *root;
    int rootfd;
    int dirfd[ST_COUNT]; /* open directories, by state */
    int tmpfd;
};

/* 1 when s is an order id that may become a file name: 1 to 64 of
 * [A-Za-z0-9._-], not starting with a dot. */
int spool_id_ok(const char *s);

/* Opens the spool at root, creating the skeleton when it is missing. */
int spool_open(struct spool *sp, const char *root, struct err *e);
void spool_close(struct spool *sp);

/* "<root>/<state>" and "<root>/<state>/<name>" (fresh strings). */
char *spool_dir_path(const struct spool *sp, enum state st);
char *spool_entry_path(const struct spool *sp, enum state st, const char *name);

/* One worker's work area in one stage directory. */
struct spool_worker {
    struct spool *sp;
    enum state st;
    char *name;   /* "<hostname>.<pid>" */
    char *dir;    /* <root>/<state>/.work/<name> */
    int dirfd;
    int lockfd;   /* flock held while this process lives */
};

/* Creates and locks this process's work area. */
int spool_worker_start(struct spool *sp, enum state st, const char *name,
                       struct spool_worker *w, struct err *e);

/* Puts back the remaining claims (into the stage directory) and removes the
 * work area. */
int spool_worker_stop(struct spool_worker *w, struct err *e);

/* Puts back the claims of every dead worker of stage st (their lock is
 * free) and removes their work areas; for incoming, also mends the
 * rejections they left half-built (spool_reject_recover()).  *returned:
 * entries put back. */
int spool_reclaim(struct spool *sp, enum state st, int *returned, struct err *e);

/* An entry waiting in a directory. */
struct spool_entry {
    char *name;
    time_t due;   /* mtime: when it may be worked on */
    mode_t mode;  /* S_IFREG, S_IFDIR, S_IFLNK, ... (from lstat) */
    off_t size;
};

/* Lists the entries of state st's directory, skipping dot names, oldest
 * due first.  The caller frees with spool_entries_free(). */
int spool_scan(struct spool *sp, enum state st, struct spool_entry **list, size_t *n,
               struct err *e);
void spool_entries_free(struct spool_entry *list, size_t n);

/* Calls fn for every worker's area of stage st (living or dead) with the
 * worker's name and the area's path; stops when fn returns non-zero and
 * returns that value. */
int spool_each_area(struct spool *sp, enum state st,
                    int (*fn)(const char *worker, const char *area, void *arg), void *arg);

/* 1 when the worker owning the area is gone (its lock is free or missing).
 * A test only: the lock is not kept. */
int spool_area_dead(const char *area);

/* The entries (not scratch) in one worker's area. */
long spool_area_entries(const char *area);

/* How many entries the workers of stage st hold in their areas now. */
long spool_count_claims(struct spool *sp, enum state st);

/* Claims name: renames it into the worker's area.  Returns 0 when claimed,
 * 1 when another worker was faster (ENOENT: normal), -1 on error. */
int spool_claim(struct spool_worker *w, const char *name, struct err *e);

/* Puts a claimed entry back into the stage directory, due at `due` (0: now).
 * The mtime is set before the rename, so no worker sees it early. */
int spool_unclaim(struct spool_worker *w, const char *name, time_t due, struct err *e);

/* "<worker dir>/<name>" (fresh string). */
char *spool_claim_path(const struct spool_worker *w, const char *name);

/* Renames src (a path under the spool) to <to>/<name> without replacing an
 * existing entry (EEXIST is an error), and fsyncs both directories.  Only
 * transit.c calls this. */
int spool_rename_into(struct spool *sp, const char *src, enum state to, const char *name,
                      struct err *e);

/* Where an order folder is now: the state whose directory (or a worker's
 * area in it) holds <id>, ST_NONE when nowhere, and *count how many places
 * hold it (more than one is a fault fsck reports). */
enum state spool_locate(struct spool *sp, const char *id, int *count, char **path);

/* ---- rejected/ ----------------------------------------------------------
 * A rejected drop is the folder rejected/<name>/ holding the drop, under the
 * exact bytes of the name it was dropped with, and its `reason`.  <name> is
 * the drop's own name when that is plain (nothing escape.h would escape) and
 * at most SPOOL_REJECT_BASE_MAX bytes and free; otherwise a readable form of
 * it cut to SPOOL_REJECT_BASE_MAX bytes, with a unique suffix.  So any name a
 * file system allows gets a folder: never longer than SPOOL_REJECT_NAME_MAX
 * bytes, always valid UTF-8 (the database stores it), never a dot name.
 *
 * The folder is built as scratch, rejected/.<worker>~<name>.tmp, and renamed
 * into place when whole: a scratch folder whose worker's lock is free was
 * left by a worker that died, and fsck finishes or removes it. */
#define SPOOL_REJECT_BASE_MAX 140
#define SPOOL_REJECT_NAME_MAX 180

/* The folder name for a drop called entry (fresh string). */
char *spool_reject_name(struct spool *sp, const char *entry);

/* The scratch name for building rejected/<name> by worker (fresh string);
 * a worker name that is not a plain id is written "unknown". */
char *spool_reject_scratch(const char *worker, const char *name);

/* 0 when scratch is such a name, with its worker and final name (fresh
 * strings); -1 otherwise. */
int spool_reject_scratch_parse(const char *scratch, char **worker, char **name);

/* Mends the scratch folder rejected/<scratch> of a rejection whose worker
 * died: one that holds the drop is renamed to the name it was built for
 * (or, when that is taken, a free one: *where says which, fresh string);
 * one that does not is removed (*where NULL), the drop being still in
 * incoming/.  *held: whether it held the drop. */
int spool_reject_recover(struct spool *sp, const char *scratch, char **where, int *held,
                         struct err *e);

/* 1 when the rejected/ scratch folder `scratch` (st: its lstat) is
 * abandoned: its worker's lock is free, or, for a name that does not say
 * whose it is, it is older than an hour. */
int spool_reject_abandoned(struct spool *sp, const char *scratch, const struct stat *st);

/* The path of the work area of worker in stage st (fresh string), to test
 * with spool_area_dead(). */
char *spool_area_path(const struct spool *sp, enum state st, const char *worker);

#endif
