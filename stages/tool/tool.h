/*
 * tool.h — what the operator's tool's commands share: the configuration,
 * the spool and the database opened on demand, output helpers, and the
 * command table (stages/storypress.c).
 *
 * A command is a function `int cmd_X(struct tool *t, int argc, char **argv)`
 * (argv[0] is the command's name) returning the exit status: 0 success,
 * 1 failure (one clear line on stderr), 2 bad usage.
 */
#ifndef STORYPRESS_TOOL_H
#define STORYPRESS_TOOL_H

#include <jansson.h>
#include <stdio.h>

#include "config.h"
#include "db.h"
#include "spool.h"

struct tool {
    const char *cfgpath;
    struct config *cfg;
    struct spool sp;
    int sp_open;
    struct db *db;
    int db_open;
    const char *worker; /* "storypress:<user>" in the event log */
};

struct tool_cmd {
    const char *name;
    int (*run)(struct tool *t, int argc, char **argv);
    const char *synopsis; /* "show ID [--json]" */
    const char *summary;  /* one line */
    const char *help;     /* the rest of the command's --help */
};

extern const struct tool_cmd tool_cmds[];

/* Opens the spool / connects to the database (once); on failure prints the
 * reason and returns -1. */
int tool_spool(struct tool *t);
int tool_db(struct tool *t);

/* Prints "storypress: <message>" to stderr; returns 1. */
int tool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a command's --help; returns 0. */
int tool_help(const char *name);

/* Prints a usage error and returns 2. */
int tool_usage(const char *name);

/* 1 when argv holds --help or -h (then the help was printed). */
int tool_wants_help(int argc, char **argv);

/* Parses the options of a command whose only option is --json (and
 * --help).  Returns -1 to go on, or the exit status to return at once. */
int tool_json_opts(int argc, char **argv, int *json);

/* Prints json to stdout, indented, with a newline; frees it. */
void tool_print_json(json_t *j);

/* "3m", "2h", "5d": an age in a few characters. */
const char *tool_age(long long seconds, char *buf, size_t len);

/* Parses "7d", "12h", "30m", "90s", "2026-11-01" into seconds before now
 * (or an absolute unix time for a date); -1 when it cannot. */
long long tool_parse_since(const char *s);

/* The command implementations. */
int cmd_submit(struct tool *t, int argc, char **argv);
int cmd_status(struct tool *t, int argc, char **argv);
int cmd_list(struct tool *t, int argc, char **argv);
int cmd_show(struct tool *t, int argc, char **argv);
int cmd_requeue(struct tool *t, int argc, char **argv);
int cmd_hold(struct tool *t, int argc, char **argv);
int cmd_release(struct tool *t, int argc, char **argv);
int cmd_cancel(struct tool *t, int argc, char **argv);
int cmd_migrate(struct tool *t, int argc, char **argv);
int cmd_fsck(struct tool *t, int argc, char **argv);
int cmd_run(struct tool *t, int argc, char **argv);
int cmd_config(struct tool *t, int argc, char **argv);
int cmd_webhook(struct tool *t, int argc, char **argv);
int cmd_adopt(struct tool *t, int argc, char **argv);
int cmd_cleanup(struct tool *t, int argc, char **argv);
int cmd_stats(struct tool *t, int argc, char **argv);
int cmd_watch(struct tool *t, int argc, char **argv);
int cmd_quota(struct tool *t, int argc, char **argv);
int cmd_metrics(struct tool *t, int argc, char **argv);
int cmd_approve(struct tool *t, int argc, char **argv);
int cmd_redo(struct tool *t, int argc, char **argv);
int cmd_reject(struct tool *t, int argc, char **argv);

#endif
