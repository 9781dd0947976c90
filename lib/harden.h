/*
 * harden.h — process settings every storypress program takes at start, so
 * that customer data and API keys stay private whoever starts it: by hand,
 * from cron, under `storypress run` or under systemd.
 */
#ifndef STORYPRESS_HARDEN_H
#define STORYPRESS_HARDEN_H

#include <sys/types.h>

#include "err.h"

/* The umask of every storypress program: files 0640, folders 0750.  The
 * group may read (the daemons read the shop's drops through the drop group,
 * an operator in the storypress group reads the spool); nobody else may, and
 * no group member may change what another wrote (007 would let one shop
 * user rewrite another's drop waiting in incoming/). */
#define HARDEN_UMASK ((mode_t)027)

/* Sets HARDEN_UMASK, makes the process not dumpable (no core file, no
 * ptrace by other processes of the same user, /proc/PID/mem closed: the
 * API keys it holds in memory stay there) and its core size limit 0.
 * Returns 0, or -1 with e set naming what could not be set. */
int harden_process(struct err *e);

#endif
