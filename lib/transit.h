/*
 * transit.h — the one mover of orders between spool directories.
 *
 * Every program that moves an order calls transit_move(): the stage loop
 * handing an order on or failing it, the incoming stage rejecting a drop,
 * the operator's tool holding, releasing, requeueing or cancelling.  It
 * checks the move against the state machine, records it in the database
 * (event + NOTIFY) and only then renames; a database that cannot be reached
 * means no move (ERR_TRANSIENT), so nothing moves unrecorded.
 */
#ifndef STORYPRESS_TRANSIT_H
#define STORYPRESS_TRANSIT_H

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "spool.h"
#include "state.h"

/* Moves the entry at src (an order folder in state `from`, or a worker's
 * claim of it) to `to`/<id>.  detail (may be NULL) goes into the event.
 * An illegal move aborts (a bug). */
int transit_move(struct spool *sp, struct db *db, const char *worker, const char *id,
                 const char *src, enum state from, enum state to, const json_t *detail,
                 struct err *e);

/* Moves a bad drop at src into rejected/ as a folder holding the drop (under
 * its own name, entry) and a `reason` file with the whole reason, under the
 * name spool_reject_name() gives; records it once.  id may be NULL when the
 * drop had no usable id.  ENOSPC and the like are ERR_TRANSIENT: nothing
 * moved, no scratch left behind. */
int transit_reject(struct spool *sp, struct db *db, const char *worker, const char *entry,
                   const char *src, const char *id, const char *reason, struct err *e);

#endif
