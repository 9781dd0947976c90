/*
 * state.h — the state machine of an order, in one place.
 *
 * A state is also the name of a spool directory.  The normal path is
 * incoming → story → art → pdf → print → done, with an optional proof between
 * pdf and print.  Which moves are legal, which
 * state follows which, and which states are final is decided here and only
 * here; an illegal move is a bug and aborts (state_assert_move).
 */
#ifndef STORYPRESS_STATE_H
#define STORYPRESS_STATE_H

enum state {
    ST_NONE = -1,
    ST_INCOMING = 0,
    ST_STORY,
    ST_ART,
    ST_PDF,
    ST_PRINT,
    ST_DONE,
    ST_FAILED,
    ST_REJECTED,
    ST_HOLD,
    ST_PROOF, /* optional, between pdf and print: waits for a decision, no daemon */
    ST_COUNT
};

/* "incoming", "story", ... — also the directory names. */
const char *state_name(enum state st);

/* The state called name, or ST_NONE. */
enum state state_from_name(const char *name);

/* The state an order goes to when its stage succeeds, or ST_NONE. */
enum state state_next(enum state st);

/* 1 for the states a daemon works on: incoming, story, art, pdf, print. */
int state_is_stage(enum state st);

/* 1 for done, failed, rejected: no daemon touches them. */
int state_is_final(enum state st);

/* 1 for the states whose entries are order folders (all but incoming and
 * rejected, whose entries are drops). */
int state_holds_folders(enum state st);

/* 1 when an event may leave an order where it is (from = to = st): a
 * proof's redo puts new pages and previews in proof/ and says so, so that
 * the shop hears proof_ready again.  No other state changes in place. */
int state_stay_ok(enum state st);

/* 1 when an order may move from one state to the other. */
int state_move_ok(enum state from, enum state to);

/* 1 when an order's history may hold an event from one state to the
 * other: a move, or a stay (state_stay_ok). */
int state_event_ok(enum state from, enum state to);

/* Aborts, naming both states, when the move is illegal. */
void state_assert_move(enum state from, enum state to);

#endif
