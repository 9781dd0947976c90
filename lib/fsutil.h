/*
 * fsutil.h — small file helpers that know nothing of books: read a bounded
 * file, write a file so that it is either absent or complete (temporary name,
 * fsync, rename, fsync of the directory), make and remove trees.
 */
#ifndef STORYPRESS_FSUTIL_H
#define STORYPRESS_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Reads at most max bytes of path (relative to dirfd, or AT_FDCWD) into a
 * fresh NUL-terminated buffer.  A larger file, or anything but a regular
 * file, is an ERR_INVALID error.  Never follows a symlink at the last
 * component, never blocks on a FIFO. */
int fsu_read_file(int dirfd, const char *path, size_t max, char **buf, size_t *len,
                  struct err *e);

/* Writes data to dir/name atomically and durably. */
int fsu_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                     struct err *e);

/* Same, relative to an open directory. */
/* Writes all of data to fd, going on after EINTR and short writes;
 * -1 with errno set. */
int fsu_write_all(int fd, const void *data, size_t len);

int fsu_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                        struct err *e);

/* fsync(2) of a directory, so that a rename in it survives a crash. */
int fsu_fsync_dir(const char *dir, struct err *e);

/* mkdir -p with mode; existing directories are fine. */
int fsu_mkdir_p(const char *path, mode_t mode, struct err *e);

/* rm -rf, without following symlinks. A missing path is fine. */
int fsu_remove_tree(const char *path, struct err *e);

/* Copies a regular file (used when a hard link is not possible). */
int fsu_copy_file(const char *from, const char *to, struct err *e);

/* "dir/name" in a fresh string (never NULL: aborts on out of memory). */
char *fsu_join(const char *dir, const char *name);

#endif
