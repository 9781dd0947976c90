/*
 * embed.c — lookup in the table of compiled-in files (see embed.h).
 */
#include <stdlib.h>
#include <string.h>

#include "embed.h"

const struct embed_file *
embed_find(const char *name)
{
    for (const struct embed_file *f = embed_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static int
embed_cmp(const void *a, const void *b)
{
    const struct embed_file *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

int
embed_each(const char *prefix, int (*fn)(const struct embed_file *, void *), void *arg)
{
    size_t n = 0, plen = strlen(prefix);
    for (const struct embed_file *f = embed_files; f->name; f++)
        n++;
    const struct embed_file **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return -1;
    size_t m = 0;
    for (const struct embed_file *f = embed_files; f->name; f++)
        if (strncmp(f->name, prefix, plen) == 0)
            v[m++] = f;
    qsort(v, m, sizeof *v, embed_cmp);
    int rc = 0;
    for (size_t i = 0; i < m && rc == 0; i++)
        rc = fn(v[i], arg);
    free(v);
    return rc;
}
