/*
 * config.h — storypress.conf: "key = value" lines, '#' comments.
 *
 * Every key is declared once, with its default and a line of help, in the
 * table in config.c; config/storypress.conf documents each of them.  An
 * unknown key is an error (a typo must not silently fall back to a default).
 * A value may refer to the environment as ${NAME}.  Secrets are never
 * values: keys ending in _file name a file that holds the secret, read with
 * config_secret(), which also looks in $CREDENTIALS_DIRECTORY.
 */
#ifndef STORYPRESS_CONFIG_H
#define STORYPRESS_CONFIG_H

#include <stdio.h>

#include "err.h"

struct config;

/* Loads path (NULL: built-in defaults only).  Then applies overrides from
 * the environment: STORYPRESS_<KEY in upper case> (for tests and the demo). */
struct config *config_load(const char *path, struct err *e);
void config_free(struct config *cfg);

/* Sets a key (as if it were in the file); -1 if unknown or invalid. */
int config_set(struct config *cfg, const char *key, const char *value, struct err *e);

/* Values: the file's, else the default.  Asking for a key not in the table
 * is a programming error and aborts. */
const char *config_str(const struct config *cfg, const char *key);
long config_int(const struct config *cfg, const char *key);
double config_double(const struct config *cfg, const char *key);
int config_bool(const struct config *cfg, const char *key);

/* Reads the secret named by key (a *_file key): the file it names, or, when
 * the value is a bare name and $CREDENTIALS_DIRECTORY is set, that
 * credential.  Trailing newlines are removed.  Returns a fresh string the
 * caller must free (and should wipe), or NULL with e set. */
char *config_secret(const struct config *cfg, const char *key, struct err *e);

/* Prints every key with its current value and help (storypress config). */
void config_dump(const struct config *cfg, FILE *out);

/* The path the configuration came from, or "(defaults)". */
const char *config_path(const struct config *cfg);

#endif
