/*
 * spool.c — the spool's layout, claims and scans (see spool.h).
 *
 * A claim is a rename into the worker's area: the kernel lets exactly one
 * rename of a name succeed, so two workers never hold the same entry.  A
 * worker proves it is alive by holding flock(2) on its lock file; a lock
 * that can be taken belongs to a dead worker, whose claims go back.  Names
 * starting with '.' inside a work area are the worker's scratch files and
 * are removed, not put back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "log.h"
#include "spool.h"

#define SPOOL_WORK ".work"

static void spool_reject_sweep(struct spool *sp);

int
spool_id_ok(const char *s)
{
    if (!s || !*s || *s == '.')
        return 0;
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        char c = *p;
        if (n >= SPOOL_ID_MAX)
            return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static char *
spool_strdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

char *
spool_dir_path(const struct spool *sp, enum state st)
{
    return fsu_join(sp->root, state_name(st));
}

char *
spool_entry_path(const struct spool *sp, enum state st, const char *name)
{
    char *dir = spool_dir_path(sp, st);
    char *p = fsu_join(dir, name);
    free(dir);
    return p;
}

/* Makes a work area (or lock) ours alone: the group of our process and no
 * setgid bit.  incoming/ is setgid to the drop group so that drops stay
 * readable by us; what we create in it would inherit that group, and order
 * folders would carry it through every stage to done/.  Only our own files
 * are changed (someone else's tool run leaves them as they are). */
static int
spool_private(int dirfd, const char *name, struct err *e)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return err_errno(e, errno, "%s", name);
    if (st.st_uid != geteuid() || (st.st_gid == getegid() && !(st.st_mode & S_ISGID)))
        return 0;
    if (fchownat(dirfd, name, (uid_t)-1, getegid(), AT_SYMLINK_NOFOLLOW) < 0)
        return err_errno(e, errno, "%s: cannot give it our group", name);
    if (S_ISDIR(st.st_mode) && fchmodat(dirfd, name, st.st_mode & 0777 /* no setgid */, 0) < 0)
        return err_errno(e, errno, "%s: cannot clear its setgid bit", name);
    return 0;
}

int
spool_open(struct spool *sp, const char *root, struct err *e)
{
    memset(sp, 0, sizeof *sp);
    sp->rootfd = sp->tmpfd = -1;
    for (int i = 0; i < ST_COUNT; i++)
        sp->dirfd[i] = -1;
    if (!root || !*root)
        return err_set(e, ERR_PERMANENT, "spool_dir is not set");
    sp->root = spool_strdup(root);
    if (fsu_mkdir_p(root, 0755, e) < 0)
        goto fail;
    sp->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sp->rootfd < 0) {
        err_errno(e, errno, "spool %s", root);
        goto fail;
    }
    if (mkdirat(sp->rootfd, "tmp", 0775) < 0 && errno != EEXIST) {
        err_errno(e, errno, "spool %s: cannot create tmp/", root);
        goto fail;
    }
    sp->tmpfd = openat(sp->rootfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sp->tmpfd < 0) {
        err_errno(e, errno, "spool %s: tmp/", root);
        goto fail;
    }
    for (int i = 0; i < ST_COUNT; i++) {
        const char *name = state_name((enum state)i);
        if (mkdirat(sp->rootfd, name, 0755) < 0 && errno != EEXIST) {
            err_errno(e, errno, "spool %s: cannot create %s/", root, name);
            goto fail;
        }
        sp->dirfd[i] = openat(sp->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sp->dirfd[i] < 0) {
            err_errno(e, errno, "spool %s: %s/", root, name);
            goto fail;
        }
        if (state_is_stage((enum state)i) && mkdirat(sp->dirfd[i], SPOOL_WORK, 0755) < 0 &&
            errno != EEXIST) {
            err_errno(e, errno, "spool %s: cannot create %s/%s", root, name, SPOOL_WORK);
            goto fail;
        }
        if (state_is_stage((enum state)i) && spool_private(sp->dirfd[i], SPOOL_WORK, e) < 0) {
            err_prefix(e, "spool %s: %s", root, name);
            goto fail;
        }
    }
    return 0;
fail:
    spool_close(sp);
    return -1;
}

void
spool_close(struct spool *sp)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (sp->dirfd[i] >= 0)
            close(sp->dirfd[i]);
    if (sp->tmpfd >= 0)
        close(sp->tmpfd);
    if (sp->rootfd >= 0)
        close(sp->rootfd);
    free(sp->root);
    memset(sp, 0, sizeof *sp);
    sp->rootfd = sp->tmpfd = -1;
    for (int i = 0; i < ST_COUNT; i++)
        sp->dirfd[i] = -1;
}

static char *
spool_work_path(const struct spool *sp, enum state st, const char *name)
{
    char *dir = spool_dir_path(sp, st);
    char *work = fsu_join(dir, SPOOL_WORK);
    char *p = name ? fsu_join(work, name) : spool_strdup(work);
    free(dir);
    free(work);
    return p;
}

int
spool_worker_start(struct spool *sp, enum state st, const char *name, struct spool_worker *w,
                   struct err *e)
{
    memset(w, 0, sizeof *w);
    w->dirfd = w->lockfd = -1;
    if (!spool_id_ok(name))
        return err_set(e, ERR_PERMANENT, "worker name \"%s\" is not usable as a file name",
                       name);
    w->sp = sp;
    w->st = st;
    w->name = spool_strdup(name);
    w->dir = spool_work_path(sp, st, name);
    char *lock = NULL;
    if (asprintf(&lock, "%s.lock", w->dir) < 0)
        abort();
    /* The lock first, so a work area never exists unowned by a living process. */
    for (int tries = 0;; tries++) {
        w->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (w->lockfd < 0) {
            err_errno(e, errno, "%s", lock);
            goto fail;
        }
        if (flock(w->lockfd, LOCK_EX | LOCK_NB) < 0) {
            err_errno(e, errno, "%s: another process holds this worker's lock", lock);
            goto fail;
        }
        /* A reclaimer that held this lock for a dead predecessor of the same
         * name unlinks the file when done: a lock taken on the unlinked file
         * would prove nothing to the next reclaimer, who would take our
         * claims.  Only a lock on the file at the path counts. */
        struct stat held, there;
        if (fstat(w->lockfd, &held) == 0 && stat(lock, &there) == 0 &&
            held.st_dev == there.st_dev && held.st_ino == there.st_ino)
            break;
        close(w->lockfd);
        w->lockfd = -1;
        if (tries == 10) {
            err_set(e, ERR_TRANSIENT, "%s: keeps being removed under us", lock);
            goto fail;
        }
    }
    if (spool_private(AT_FDCWD, lock, e) < 0)
        goto fail;
    if (mkdir(w->dir, 0755) < 0 && errno != EEXIST) {
        err_errno(e, errno, "%s", w->dir);
        goto fail;
    }
    if (spool_private(AT_FDCWD, w->dir, e) < 0)
        goto fail;
    w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->dirfd < 0) {
        err_errno(e, errno, "%s", w->dir);
        goto fail;
    }
    free(lock);
    return 0;
fail:
    free(lock);
    if (w->lockfd >= 0)
        close(w->lockfd);
    free(w->name);
    free(w->dir);
    memset(w, 0, sizeof *w);
    w->dirfd = w->lockfd = -1;
    return -1;
}

/* Puts back every entry of the work area at workfd into the stage directory;
 * removes scratch (dot) entries.  Returns how many went back, -1 on error. */
static int
spool_return_all(struct spool *sp, enum state st, int workfd, const char *workdir,
                 struct err *e)
{
    int dfd = dup(workfd);
    if (dfd < 0)
        return err_errno(e, errno, "%s", workdir);
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return err_errno(e, errno, "%s", workdir);
    }
    rewinddir(d);
    int n = 0, rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        if (name[0] == '.') {
            char *p = fsu_join(workdir, name);
            if (fsu_remove_tree(p, e) < 0)
                log_warn("%s", e->msg);
            free(p);
            continue;
        }
        if (renameat2(workfd, name, sp->dirfd[st], name, RENAME_NOREPLACE) == 0) {
            n++;
            char *shown = esc_str(name);
            log_notice("%s: put back into %s/ from %s", shown, state_name(st), workdir);
            free(shown);
        } else if (errno != ENOENT) {
            /* Same name waiting already (a duplicate drop): leave it for fsck. */
            int saved = errno;
            char *shown = esc_str(name);
            log_error("%s: cannot put back from %s into %s/: %s", shown, workdir,
                      state_name(st), strerror(saved));
            free(shown);
            rc = -1;
        }
    }
    closedir(d);
    if (rc < 0)
        return err_set(e, ERR_TRANSIENT, "%s: some claims could not be put back", workdir);
    if (fsync(sp->dirfd[st]) < 0 && errno != EINVAL)
        return err_errno(e, errno, "%s/: fsync", state_name(st));
    return n;
}

int
spool_worker_stop(struct spool_worker *w, struct err *e)
{
    int rc = 0;
    if (w->dirfd >= 0) {
        if (spool_return_all(w->sp, w->st, w->dirfd, w->dir, e) < 0)
            rc = -1;
        close(w->dirfd);
        if (rc == 0 && rmdir(w->dir) < 0 && errno != ENOENT)
            rc = err_errno(e, errno, "%s", w->dir);
    }
    if (w->lockfd >= 0) {
        char *lock = NULL;
        if (asprintf(&lock, "%s.lock", w->dir) < 0)
            abort();
        if (rc == 0)
            unlink(lock);
        free(lock);
        close(w->lockfd);
    }
    free(w->name);
    free(w->dir);
    memset(w, 0, sizeof *w);
    w->dirfd = w->lockfd = -1;
    return rc;
}

int
spool_reclaim(struct spool *sp, enum state st, int *returned, struct err *e)
{
    if (returned)
        *returned = 0;
    char *work = spool_work_path(sp, st, NULL);
    DIR *d = opendir(work);
    if (!d) {
        int saved = errno;
        int rc = saved == ENOENT ? 0 : err_errno(e, saved, "%s", work);
        free(work);
        return rc;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        size_t len = strlen(name);
        if (name[0] == '.' || (len > 5 && strcmp(name + len - 5, ".lock") == 0))
            continue;
        /* A work area: is its owner alive? */
        char *dir = fsu_join(work, name), *lock = NULL;
        if (asprintf(&lock, "%s.lock", dir) < 0)
            abort();
        int lfd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        int dead = 0;
        if (lfd < 0)
            dead = errno == ENOENT; /* died between creating the lock and the area, or after */
        else if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
            dead = 1;
        if (dead) {
            int wfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (wfd >= 0) {
                int n = spool_return_all(sp, st, wfd, dir, e);
                close(wfd);
                if (n < 0)
                    rc = -1;
                else {
                    if (returned)
                        *returned += n;
                    if (rmdir(dir) < 0 && errno != ENOENT)
                        log_warn("%s: cannot remove: %s", dir, strerror(errno));
                    else if (lfd >= 0)
                        unlink(lock);
                    log_info("reclaimed the work area of dead worker %s in %s/ (%d back)",
                             name, state_name(st), n);
                }
            }
        }
        if (lfd >= 0)
            close(lfd);
        free(lock);
        free(dir);
    }
    closedir(d);
    free(work);
    if (st == ST_INCOMING)
        spool_reject_sweep(sp);
    return rc;
}

static int
spool_entry_cmp(const void *a, const void *b)
{
    const struct spool_entry *x = a, *y = b;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return strcmp(x->name, y->name);
}

int
spool_scan(struct spool *sp, enum state st, struct spool_entry **list, size_t *n,
           struct err *e)
{
    *list = NULL;
    *n = 0;
    int fd = dup(sp->dirfd[st]);
    if (fd < 0)
        return err_errno(e, errno, "%s/", state_name(st));
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return err_errno(e, errno, "%s/", state_name(st));
    }
    rewinddir(d);
    size_t cap = 0, cnt = 0;
    struct spool_entry *v = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        struct stat stt;
        if (fstatat(sp->dirfd[st], de->d_name, &stt, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* claimed by someone meanwhile */
        if (cnt == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        v[cnt].name = spool_strdup(de->d_name);
        v[cnt].due = stt.st_mtime;
        v[cnt].mode = stt.st_mode;
        v[cnt].size = stt.st_size;
        cnt++;
    }
    closedir(d);
    if (cnt)
        qsort(v, cnt, sizeof *v, spool_entry_cmp);
    *list = v;
    *n = cnt;
    return 0;
}

void
spool_entries_free(struct spool_entry *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].name);
    free(list);
}

int
spool_each_area(struct spool *sp, enum state st,
                int (*fn)(const char *worker, const char *area, void *arg), void *arg)
{
    char *work = spool_work_path(sp, st, NULL);
    int rc = 0;
    DIR *d = opendir(work);
    if (d) {
        struct dirent *de;
        while (rc == 0 && (de = readdir(d))) {
            if (de->d_name[0] == '.' || strstr(de->d_name, ".lock"))
                continue;
            char *area = fsu_join(work, de->d_name);
            rc = fn(de->d_name, area, arg);
            free(area);
        }
        closedir(d);
    }
    free(work);
    return rc;
}

int
spool_area_dead(const char *area)
{
    char *lock = NULL;
    if (asprintf(&lock, "%s.lock", area) < 0)
        abort();
    int fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    free(lock);
    int dead = fd < 0 || flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (fd >= 0)
        close(fd);
    return dead;
}

long
spool_area_entries(const char *area)
{
    long n = 0;
    DIR *wd = opendir(area);
    if (wd) {
        struct dirent *x;
        while ((x = readdir(wd)))
            if (x->d_name[0] != '.')
                n++;
        closedir(wd);
    }
    return n;
}

static int
spool_count_area(const char *worker, const char *area, void *arg)
{
    (void)worker;
    *(long *)arg += spool_area_entries(area);
    return 0;
}

long
spool_count_claims(struct spool *sp, enum state st)
{
    long n = 0;
    spool_each_area(sp, st, spool_count_area, &n);
    return n;
}

int
spool_claim(struct spool_worker *w, const char *name, struct err *e)
{
    if (renameat2(w->sp->dirfd[w->st], name, w->dirfd, name, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno == ENOENT)
        return 1;
    int saved = errno;
    char *shown = esc_str(name);
    err_errno(e, saved, "%s/%s: cannot claim", state_name(w->st), shown);
    free(shown);
    return -1;
}

int
spool_unclaim(struct spool_worker *w, const char *name, time_t due, struct err *e)
{
    if (due > 0) {
        struct timespec ts[2] = {{.tv_sec = 0, .tv_nsec = UTIME_OMIT}, {.tv_sec = due}};
        if (utimensat(w->dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0) {
            int saved = errno;
            char *shown = esc_str(name);
            err_errno(e, saved, "%s: cannot set its due time", shown);
            free(shown);
            return -1;
        }
    }
    if (renameat2(w->dirfd, name, w->sp->dirfd[w->st], name, RENAME_NOREPLACE) < 0) {
        int saved = errno;
        char *shown = esc_str(name);
        err_errno(e, saved, "%s: cannot put back into %s/", shown, state_name(w->st));
        free(shown);
        return -1;
    }
    if (fsync(w->sp->dirfd[w->st]) < 0 && errno != EINVAL)
        return err_errno(e, errno, "%s/: fsync", state_name(w->st));
    return 0;
}

char *
spool_claim_path(const struct spool_worker *w, const char *name)
{
    return fsu_join(w->dir, name);
}

int
spool_rename_into(struct spool *sp, const char *src, enum state to, const char *name,
                  struct err *e)
{
    if (renameat2(AT_FDCWD, src, sp->dirfd[to], name, RENAME_NOREPLACE) < 0)
        return err_errno(e, errno, "%s: cannot move to %s/%s", src, state_name(to), name);
    if (fsync(sp->dirfd[to]) < 0 && errno != EINVAL)
        return err_errno(e, errno, "%s/: fsync", state_name(to));
    /* The source directory lost the entry: make that durable too, so a crash
     * cannot show the order in both places. */
    char *parent = spool_strdup(src);
    char *slash = strrchr(parent, '/');
    int rc = 0;
    if (slash) {
        *slash = 0;
        rc = fsu_fsync_dir(parent, e);
    }
    free(parent);
    return rc;
}

struct spool_found {
    const char *name;
    enum state st;
    int *count;
    char **path;
    enum state *found;
};

/* Notes one place that holds the order; the first is the one reported. */
static void
spool_found_at(struct spool_found *f, const char *dir)
{
    if ((*f->count)++ == 0) {
        *f->found = f->st;
        if (f->path)
            *f->path = fsu_join(dir, f->name);
    }
}

static int
spool_locate_area(const char *worker, const char *area, void *arg)
{
    (void)worker;
    struct spool_found *f = arg;
    char *p = fsu_join(area, f->name);
    struct stat stt;
    if (lstat(p, &stt) == 0)
        spool_found_at(f, area);
    free(p);
    return 0;
}

/* Adds the places under dir (and its work areas) that hold name. */
static void
spool_locate_in(struct spool *sp, enum state st, const char *name, int *count, char **path,
                enum state *found)
{
    struct spool_found f = {name, st, count, path, found};
    struct stat stt;
    if (fstatat(sp->dirfd[st], name, &stt, AT_SYMLINK_NOFOLLOW) == 0) {
        char *dir = spool_dir_path(sp, st);
        spool_found_at(&f, dir);
        free(dir);
    }
    if (state_is_stage(st))
        spool_each_area(sp, st, spool_locate_area, &f);
}

enum state
spool_locate(struct spool *sp, const char *id, int *count, char **path)
{
    enum state found = ST_NONE;
    int c = 0;
    if (path)
        *path = NULL;
    for (int i = 0; i < ST_COUNT; i++)
        if (state_holds_folders((enum state)i))
            spool_locate_in(sp, (enum state)i, id, &c, path, &found);
    if (count)
        *count = c;
    return found;
}

/* ---- rejected/ ------------------------------------------------------------ */

/* The drop's name escaped, with the backslashes of the escapes shown as '%'
 * (a file name a shell does not trip over), cut at a character boundary. */
static char *
spool_reject_base(const char *entry)
{
    char *t = esc_str(entry);
    for (char *p = t; *p; p++)
        if (*p == '\\')
            *p = '%';
    size_t n = strlen(t);
    if (n > SPOOL_REJECT_BASE_MAX) {
        n = SPOOL_REJECT_BASE_MAX;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
        t[n] = 0;
    }
    if (t[0] == '.')
        t[0] = '_';
    if (!t[0]) {
        free(t);
        t = spool_strdup("drop");
    }
    return t;
}

char *
spool_reject_name(struct spool *sp, const char *entry)
{
    struct stat st;
    if (esc_plain(entry) && strlen(entry) <= SPOOL_REJECT_BASE_MAX && entry[0] != '.' &&
        fstatat(sp->dirfd[ST_REJECTED], entry, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
        errno == ENOENT)
        return spool_strdup(entry);
    char *base = spool_reject_base(entry), *name = NULL;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (asprintf(&name, "%s~%lld.%09ld.%ld", base, (long long)ts.tv_sec, ts.tv_nsec,
                 (long)getpid()) < 0)
        abort();
    free(base);
    return name;
}

char *
spool_reject_scratch(const char *worker, const char *name)
{
    char *s = NULL;
    if (asprintf(&s, ".%s~%s.tmp", spool_id_ok(worker) ? worker : "unknown", name) < 0)
        abort();
    return s;
}

int
spool_reject_scratch_parse(const char *scratch, char **worker, char **name)
{
    size_t n = strlen(scratch);
    const char *tilde = strchr(scratch, '~');
    if (n < 7 || scratch[0] != '.' || strcmp(scratch + n - 4, ".tmp") != 0 || !tilde ||
        tilde - scratch < 2 || scratch + n - 4 - (tilde + 1) < 1)
        return -1;
    char *w = strndup(scratch + 1, (size_t)(tilde - scratch - 1));
    if (!w)
        abort();
    if (!spool_id_ok(w)) {
        free(w);
        return -1;
    }
    char *f = strndup(tilde + 1, (size_t)(scratch + n - 4 - (tilde + 1)));
    if (!f)
        abort();
    *worker = w;
    *name = f;
    return 0;
}

char *
spool_area_path(const struct spool *sp, enum state st, const char *worker)
{
    return spool_work_path(sp, st, worker);
}

int
spool_reject_abandoned(struct spool *sp, const char *scratch, const struct stat *st)
{
    char *worker = NULL, *final = NULL;
    int dead;
    if (spool_reject_scratch_parse(scratch, &worker, &final) < 0 ||
        strcmp(worker, "unknown") == 0) {
        dead = time(NULL) - st->st_mtime >= 3600;
    } else {
        char *area = spool_area_path(sp, ST_INCOMING, worker);
        dead = spool_area_dead(area);
        free(area);
    }
    free(worker);
    free(final);
    return dead;
}

int
spool_reject_recover(struct spool *sp, const char *scratch, char **where, int *held,
                     struct err *e)
{
    int dfd = sp->dirfd[ST_REJECTED];
    *where = NULL;
    *held = 0;
    char *dir = spool_dir_path(sp, ST_REJECTED);
    char *path = fsu_join(dir, scratch);
    free(dir);
    DIR *d = opendir(path);
    if (d) {
        struct dirent *x;
        while ((x = readdir(d)))
            if (x->d_name[0] != '.' && strcmp(x->d_name, "reason"))
                *held = 1;
        closedir(d);
    }
    int rc = 0;
    if (!*held) {
        rc = fsu_remove_tree(path, e);
        free(path);
        return rc;
    }
    char *worker = NULL, *final = NULL;
    if (spool_reject_scratch_parse(scratch, &worker, &final) < 0)
        final = NULL;
    char *name = final ? spool_strdup(final) : spool_reject_name(sp, scratch + 1);
    int r = renameat2(dfd, scratch, dfd, name, RENAME_NOREPLACE);
    if (r < 0 && errno == EEXIST) {
        free(name);
        name = spool_reject_name(sp, final ? final : scratch + 1);
        r = renameat2(dfd, scratch, dfd, name, RENAME_NOREPLACE);
    }
    if (r < 0) {
        int saved = errno;
        rc = -1;
        char *shown = esc_str(scratch);
        err_errno(e, saved, "rejected/%s: cannot finish", shown);
        free(shown);
        free(name);
    } else {
        if (fsync(dfd) < 0 && errno != EINVAL)
            log_warn("rejected/: fsync: %s", strerror(errno));
        *where = name;
    }
    free(worker);
    free(final);
    free(path);
    return rc;
}

/* The rejections dead incoming workers left half-built. */
static void
spool_reject_sweep(struct spool *sp)
{
    int fd = dup(sp->dirfd[ST_REJECTED]);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        struct stat st;
        if (de->d_name[0] != '.' || len < 5 || strcmp(de->d_name + len - 4, ".tmp") ||
            fstatat(sp->dirfd[ST_REJECTED], de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISDIR(st.st_mode) || !spool_reject_abandoned(sp, de->d_name, &st))
            continue;
        char *where = NULL, *shown = esc_str(de->d_name);
        int held = 0;
        struct err e = {0};
        if (spool_reject_recover(sp, de->d_name, &where, &held, &e) < 0)
            log_warn("%s", e.msg);
        else if (where)
            log_notice("rejected/%s: a rejection a dead worker left half-done, finished as "
                       "rejected/%s", shown, where);
        else
            log_info("rejected/%s: the scratch of a dead worker's rejection removed", shown);
        free(where);
        free(shown);
    }
    closedir(d);
}
