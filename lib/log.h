/*
 * log.h — one line per event on stderr, for journald.
 *
 * Under systemd (JOURNAL_STREAM set, or log_init(..., LOG_PREFIX_ALWAYS))
 * each line starts with the kernel-style priority "<3>" that journald turns
 * into the PRIORITY field; on a terminal it starts with the program name and
 * the level in words.  Lines about an order start with the order id.
 * Never log secrets: API keys, tokens, Authorization headers.
 */
#ifndef STORYPRESS_LOG_H
#define STORYPRESS_LOG_H

#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

enum log_prefix { LOG_PREFIX_AUTO, LOG_PREFIX_ALWAYS, LOG_PREFIX_NEVER };

/* prog: the name shown on a terminal; level: lines above it are dropped. */
void log_init(const char *prog, int level, enum log_prefix prefix);

/* Parses "debug", "info", "notice", "warning", "error"; -1 when unknown. */
int log_level_parse(const char *name);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<id>: <message>"; id may be NULL. */
void log_order(int prio, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
