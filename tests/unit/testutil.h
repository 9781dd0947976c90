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

#include <glib.h>

#include "fsutil.h"

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

/* A fresh directory for one test binary's files, under $TESTTMP (set by
 * tests/run), else $TMPDIR, else /tmp; NULL when it cannot be made. */
static inline char *
testutil_tmpdir(const char *name)
{
    const char *base = getenv("TESTTMP");
    if (!base || !*base)
        base = getenv("TMPDIR");
    char *p = NULL;
    if (asprintf(&p, "%s/%s.XXXXXX", base && *base ? base : "/tmp", name) < 0)
        return NULL;
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

/* Removes it again, unless $KEEP_TEST_OUTPUT asks to keep it; frees dir. */
static inline void
testutil_tmpdir_done(char *dir)
{
    if (!getenv("KEEP_TEST_OUTPUT"))
        fsu_remove_tree(dir, NULL);
    else
        fprintf(stderr, "test output kept in %s\n", dir);
    free(dir);
}

/* The sentences of a page's text that a reader would notice repeated
 * between books (test_book, test_story_variety): a sentence ends at . ! ?
 * or … (and a closing quote after it) where the next begins with a
 * capital, a quote or a dash, so “Hello,” she said. is one sentence; one of
 * fewer than TESTUTIL_SENTENCE_WORDS words ("Oh no!", "Crack!", "Hold on!")
 * is an interjection, as in every picture book, and is left out.  Words are
 * runs of letters, digits and apostrophes.  A NULL-terminated list
 * (g_strfreev()). */
#define TESTUTIL_SENTENCE_WORDS 4
static inline char **
testutil_sentences(const char *text)
{
    char **all = g_regex_split_simple(
        "(?<=[.!?…]|[.!?…][”»]|[.!?…]\\x{00A0}»)\\s+(?=[\\p{Lu}“«—])", text, 0, 0);
    GPtrArray *kept = g_ptr_array_new();
    for (char **s = all; *s; s++) {
        int n = 0, in = 0;
        for (const char *p = *s; *p; p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            int w = g_unichar_isalnum(c) || c == '\'' || c == 0x2019;
            n += w && !in;
            in = w;
        }
        if (n >= TESTUTIL_SENTENCE_WORDS)
            g_ptr_array_add(kept, g_strdup(*s));
    }
    g_strfreev(all);
    g_ptr_array_add(kept, NULL);
    return (char **)g_ptr_array_free(kept, FALSE);
}

#endif
