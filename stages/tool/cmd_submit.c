/*
 * cmd_submit.c — `storypress submit FILE...`: the drop protocol done right.
 *
 * Write into tmp/, fsync, then renameat2(RENAME_NOREPLACE) into incoming/:
 * the drop appears whole, under one name (a daemon that is awake never sees
 * a second link), and never replaces one that waits under the same name.
 *
 * It needs only tmp/ and incoming/: the shop's user (the storypress-drop
 * group) may pass through the spool's root but not list it, and may not
 * read any other directory.  Only when the spool does not exist yet (a
 * development machine) is the whole skeleton created.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "order.h"
#include "tool.h"

/* The name the drop gets: <order_id>.json when the file has a usable id. */
static char *
submit_name(const char *buf, size_t len, const char *path, unsigned serial)
{
    json_t *j = json_loadb(buf, len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "order_id"));
    char *name = NULL;
    if (id && spool_id_ok(id) && strlen(id) <= SPOOL_ID_MAX - 5) {
        if (asprintf(&name, "%s.json", id) < 0)
            abort();
    } else {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!spool_id_ok(base)) {
            if (asprintf(&name, "drop-%ld-%ld-%u.json", (long)time(NULL), (long)getpid(),
                         serial) < 0)
                abort();
        } else if (!(name = strdup(base))) {
            abort();
        }
    }
    json_decref(j);
    return name;
}

static int
submit_read_stdin(char **buf, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        abort();
    for (;;) {
        if (n == cap) {
            if (cap > ORDER_MAX_BYTES) {
                free(b);
                return -1;
            }
            cap *= 2;
            b = realloc(b, cap + 1);
            if (!b)
                abort();
        }
        size_t r = fread(b + n, 1, cap - n, stdin);
        if (r == 0)
            break;
        n += r;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

/* The two directories a drop needs, opened by path: the root itself is
 * only passed through. */
struct submit_dirs {
    int tmpfd, infd;
    int owned; /* opened here (else borrowed from t->sp) */
};

static int
submit_open_dir(const char *root, const char *name)
{
    char *p = fsu_join(root, name);
    int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int saved = errno;
    free(p);
    errno = saved;
    return fd;
}

static int
submit_dirs_open(struct tool *t, struct submit_dirs *d)
{
    const char *root = config_str(t->cfg, "spool_dir");
    if (!root || !*root)
        return tool_fail("spool_dir is not set");
    d->owned = 1;
    d->tmpfd = submit_open_dir(root, "tmp");
    if (d->tmpfd < 0 && errno != ENOENT)
        return tool_fail("spool %s: tmp/: %s", root, strerror(errno));
    d->infd = d->tmpfd < 0 ? -1 : submit_open_dir(root, "incoming");
    if (d->tmpfd >= 0 && d->infd < 0 && errno != ENOENT) {
        int saved = errno;
        close(d->tmpfd);
        return tool_fail("spool %s: incoming/: %s", root, strerror(saved));
    }
    if (d->tmpfd >= 0 && d->infd >= 0)
        return 0;
    /* No spool yet: make one (it needs the rights to create it). */
    if (d->tmpfd >= 0)
        close(d->tmpfd);
    d->owned = 0;
    if (tool_spool(t) < 0)
        return 1;
    d->tmpfd = t->sp.tmpfd;
    d->infd = t->sp.dirfd[ST_INCOMING];
    return 0;
}

static void
submit_dirs_close(struct submit_dirs *d)
{
    if (d->owned) {
        close(d->tmpfd);
        close(d->infd);
    }
}

/* Writes the drop into tmp/<name>, whole and on disk, or removes it. */
static int
submit_write_tmp(int tmpfd, const char *name, const char *buf, size_t len, struct err *e)
{
    int fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_errno(e, errno, "tmp/%s", name);
    if (fsu_write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlinkat(tmpfd, name, 0);
        return err_errno(e, saved, "tmp/%s", name);
    }
    if (close(fd) < 0) {
        int saved = errno;
        unlinkat(tmpfd, name, 0);
        return err_errno(e, saved, "tmp/%s", name);
    }
    return 0;
}

static int
submit_one(const struct submit_dirs *d, const char *path, unsigned serial)
{
    struct err e = {0};
    char *buf;
    size_t len;
    char *shown = esc_str(path);
    int rc = 0;
    if (strcmp(path, "-") == 0) {
        if (submit_read_stdin(&buf, &len) < 0) {
            free(shown);
            return tool_fail("standard input: more than %d bytes", ORDER_MAX_BYTES);
        }
    } else if (fsu_read_file(AT_FDCWD, path, ORDER_MAX_BYTES, &buf, &len, &e) < 0) {
        free(shown);
        return tool_fail("%s", e.msg);
    }
    char *name = submit_name(buf, len, path, serial);
    char tmpname[64];
    snprintf(tmpname, sizeof tmpname, "submit.%ld.%u.json", (long)getpid(), serial);
    /* The data is synced before the rename, the rename after it: a crash
     * shows either no drop or a whole one. */
    if (submit_write_tmp(d->tmpfd, tmpname, buf, len, &e) < 0) {
        rc = tool_fail("%s: cannot write into tmp/: %s", shown, e.msg);
    } else if (renameat2(d->tmpfd, tmpname, d->infd, name, RENAME_NOREPLACE) < 0) {
        if (errno == EEXIST)
            rc = tool_fail("%s: incoming/%s already waits; not replaced", shown, name);
        else
            rc = tool_fail("%s: cannot drop into incoming/: %s", shown, strerror(errno));
        unlinkat(d->tmpfd, tmpname, 0);
    } else if (fsync(d->infd) < 0 && errno != EINVAL) {
        rc = tool_fail("incoming/: fsync: %s", strerror(errno));
    } else {
        printf("%s: dropped as incoming/%s\n", shown, name);
    }
    free(shown);
    free(name);
    free(buf);
    return rc;
}

int
cmd_submit(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc < 2)
        return tool_usage(argv[0]);
    struct submit_dirs d;
    if (submit_dirs_open(t, &d))
        return 1;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (submit_one(&d, argv[i], (unsigned)i))
            rc = 1;
    submit_dirs_close(&d);
    return rc;
}
