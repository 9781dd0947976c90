/*
 * fsutil.c — bounded reads, atomic durable writes, trees (see fsutil.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

char *
fsu_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        abort();
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

int
fsu_read_file(int dirfd, const char *path, size_t max, char **buf, size_t *len,
              struct err *e)
{
    /* O_NONBLOCK: a FIFO must not hang us; O_NOFOLLOW: a link is not a file. */
    int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP)
            return err_set(e, ERR_INVALID, "%s: is a symbolic link", path);
        return err_errno(e, errno, "%s: cannot open", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "%s: cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, ERR_INVALID, "%s: not a regular file", path);
    }
    if ((size_t)st.st_size > max) {
        close(fd);
        return err_set(e, ERR_INVALID, "%s: %lld bytes, more than the %zu allowed", path,
                       (long long)st.st_size, max);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *b = malloc(cap);
    if (!b)
        abort();
    for (;;) {
        if (n + 1 >= cap) {
            /* The file grew while we read it: still bounded by max. */
            if (cap > max + 1) {
                free(b);
                close(fd);
                return err_set(e, ERR_INVALID, "%s: more than the %zu bytes allowed", path,
                               max);
            }
            cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            b = realloc(b, cap);
            if (!b)
                abort();
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            free(b);
            close(fd);
            return err_errno(e, saved, "%s: cannot read", path);
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(b);
        return err_set(e, ERR_INVALID, "%s: more than the %zu bytes allowed", path, max);
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

int
fsu_fsync_dir(const char *dir, struct err *e)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(e, errno, "%s: cannot open directory", dir);
    if (fsync(fd) < 0 && errno != EINVAL) {
        int saved = errno;
        close(fd);
        return err_errno(e, saved, "%s: fsync", dir);
    }
    close(fd);
    return 0;
}

int
fsu_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int
fsu_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                    struct err *e)
{
    char tmp[300];
    if (snprintf(tmp, sizeof tmp, ".%s.tmp%ld", name, (long)getpid()) >= (int)sizeof tmp)
        return err_set(e, ERR_PERMANENT, "%s: name too long", name);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return err_errno(e, errno, "%s: cannot create", name);
    if (fsu_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlinkat(dirfd, tmp, 0);
        return err_errno(e, saved, "%s: cannot write", name);
    }
    if (close(fd) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return err_errno(e, saved, "%s: cannot write", name);
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return err_errno(e, saved, "%s: cannot rename into place", name);
    }
    if (fsync(dirfd) < 0 && errno != EINVAL)
        return err_errno(e, errno, "%s: fsync of its directory", name);
    return 0;
}

int
fsu_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                 struct err *e)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return err_errno(e, errno, "%s: cannot open directory", dir);
    int rc = fsu_write_atomic_at(dfd, name, data, len, e);
    close(dfd);
    if (rc < 0)
        err_prefix(e, "%s", dir);
    return rc;
}

int
fsu_mkdir_p(const char *path, mode_t mode, struct err *e)
{
    char *p = strdup(path);
    if (!p)
        abort();
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, mode) < 0 && errno != EEXIST) {
                int saved = errno;
                err_errno(e, saved, "%s: cannot create directory", p);
                free(p);
                return -1;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return 0;
}

static int
fsu_remove_at(int parent, const char *name, struct err *e)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return err_errno(e, errno, "%s: cannot remove", name);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_errno(e, errno, "%s: cannot open", name);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return err_errno(e, errno, "%s: cannot list", name);
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        rc = fsu_remove_at(dirfd(d), de->d_name, e);
    }
    closedir(d);
    if (rc == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return err_errno(e, errno, "%s: cannot remove directory", name);
    return rc;
}

int
fsu_remove_tree(const char *path, struct err *e)
{
    return fsu_remove_at(AT_FDCWD, path, e);
}

int
fsu_copy_file(const char *from, const char *to, struct err *e)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return err_errno(e, errno, "%s: cannot open", from);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0) {
        int saved = errno;
        close(in);
        return err_errno(e, saved, "%s: cannot create", to);
    }
    char buf[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = err_errno(e, errno, "%s: cannot read", from);
            break;
        }
        if (fsu_write_all(out, buf, (size_t)r) < 0) {
            rc = err_errno(e, errno, "%s: cannot write", to);
            break;
        }
    }
    if (rc == 0 && fsync(out) < 0)
        rc = err_errno(e, errno, "%s: fsync", to);
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = err_errno(e, errno, "%s: cannot write", to);
    return rc;
}
