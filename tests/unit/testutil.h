/*
 * testutil.h — small helpers the unit tests share (header-only: each test
 * is one .c file built on its own).
 */
#ifndef STORYPRESS_TESTUTIL_H
#define STORYPRESS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* rel inside the source tree.  tests/run starts each test in a scratch
 * directory, so the tree is found from $STORYPRESS_SRCDIR, else from the
 * test binary's place (<tree>/<build>/tests/test_x), else from the current
 * directory.  A fresh string; never NULL. */
static inline char *
testutil_src_path(const char *rel)
{
    char *p = NULL;
    const char *env = getenv("STORYPRESS_SRCDIR");
    if (env && *env) {
        if (asprintf(&p, "%s/%s", env, rel) < 0)
            abort();
        return p;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = 0;
        }
        if (asprintf(&p, "%s/%s", exe, rel) < 0)
            abort();
        if (access(p, F_OK) == 0)
            return p;
        free(p);
    }
    p = strdup(rel);
    if (!p)
        abort();
    return p;
}

#endif
