/*
 * embed.h — files compiled into the program (the SQL migrations, data/).
 *
 * The Makefile runs tools/embed.sh over sql/ and data/ so that a daemon
 * started by systemd finds its migrations and story languages without a
 * data directory.  Names are the repository paths ("sql/001_init.sql").
 */
#ifndef STORYPRESS_EMBED_H
#define STORYPRESS_EMBED_H

#include <stddef.h>

struct embed_file {
    const char *name;
    const unsigned char *data; /* NUL-terminated after size bytes */
    size_t size;
};

/* The table, ending with a NULL name (generated). */
extern const struct embed_file embed_files[];

/* The embedded file called name, or NULL. */
const struct embed_file *embed_find(const char *name);

/* Calls fn for every embedded file whose name starts with prefix, in name
 * order; stops early and returns fn's value when it is not zero. */
int embed_each(const char *prefix, int (*fn)(const struct embed_file *, void *), void *arg);

#endif
