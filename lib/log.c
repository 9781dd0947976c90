/*
 * log.c — one line per event on stderr (see log.h).
 *
 * journald reads "<N>" at the start of a line as the priority; on a terminal
 * a person reads "storypress-story: warning: ..." better.  Each line is
 * written with one write(2), so lines of several processes sharing a pipe do
 * not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "storypress";
static int log_max = LOG_INFO;
static int log_prefix_prio = 0;

void
log_init(const char *prog, int level, enum log_prefix prefix)
{
    log_prog = prog;
    log_max = level;
    if (prefix == LOG_PREFIX_AUTO)
        log_prefix_prio = getenv("JOURNAL_STREAM") != NULL;
    else
        log_prefix_prio = prefix == LOG_PREFIX_ALWAYS;
}

int
log_level_parse(const char *name)
{
    static const struct {
        const char *name;
        int prio;
    } levels[] = {{"debug", LOG_DEBUG},     {"info", LOG_INFO},  {"notice", LOG_NOTICE},
                  {"warning", LOG_WARNING}, {"error", LOG_ERR}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(levels[i].name, name) == 0)
            return levels[i].prio;
    return -1;
}

static const char *
log_prio_word(int prio)
{
    switch (prio) {
    case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR: return "error";
    case LOG_WARNING: return "warning";
    case LOG_NOTICE: return "notice";
    case LOG_INFO: return "info";
    default: return "debug";
    }
}

static void
log_vwrite(int prio, const char *id, const char *fmt, va_list ap)
{
    if (prio > log_max)
        return;
    char line[4096];
    int n;
    if (log_prefix_prio)
        n = snprintf(line, sizeof line, "<%d>", prio);
    else
        n = snprintf(line, sizeof line, "%s: %s: ", log_prog, log_prio_word(prio));
    if (id && n >= 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ", id);
    if (n >= 0 && (size_t)n < sizeof line)
        n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    /* A message must stay one line: journald would split it otherwise. */
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w; /* nowhere left to report a failed write to stderr */
}

void
log_msg(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(prio, NULL, fmt, ap);
    va_end(ap);
}

void
log_order(int prio, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(prio, id, fmt, ap);
    va_end(ap);
}
