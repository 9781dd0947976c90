/*
 * state.c — the transition table (see state.h).
 *
 * Legal moves:
 *   incoming → story (accepted) | rejected (bad drop) | hold (over quota)
 *   a working stage → the next one | failed | hold | an earlier stage (requeue)
 *   hold → a working stage other than incoming (release) | failed (cancel)
 *   failed → a working stage other than incoming (requeue)
 *   pdf → proof (a proof is wanted) ; proof → print (approved) | failed
 *   (rejected) | hold | an earlier stage (requeue); hold and failed → proof.
 *   A redo is done in place in proof/ and is no move.
 * done and rejected are ends: a done book is never sent back to print by a
 * move (reprinting is a new order), a rejected drop is resubmitted as a new
 * drop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static const char *const state_names[ST_COUNT] = {
    [ST_INCOMING] = "incoming", [ST_STORY] = "story",   [ST_ART] = "art",
    [ST_PDF] = "pdf",           [ST_PRINT] = "print",   [ST_DONE] = "done",
    [ST_FAILED] = "failed",     [ST_REJECTED] = "rejected", [ST_HOLD] = "hold",
    [ST_PROOF] = "proof",
};

static int
state_valid(enum state st)
{
    return st >= 0 && st < ST_COUNT;
}

const char *
state_name(enum state st)
{
    return state_valid(st) ? state_names[st] : "none";
}

enum state
state_from_name(const char *name)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (name && strcmp(name, state_names[i]) == 0)
            return (enum state)i;
    return ST_NONE;
}

enum state
state_next(enum state st)
{
    switch (st) {
    case ST_INCOMING: return ST_STORY;
    case ST_STORY: return ST_ART;
    case ST_ART: return ST_PDF;
    case ST_PDF: return ST_PRINT;
    case ST_PRINT: return ST_DONE;
    default: return ST_NONE;
    }
}

int
state_is_stage(enum state st)
{
    return st >= ST_INCOMING && st <= ST_PRINT;
}

int
state_is_final(enum state st)
{
    return st == ST_DONE || st == ST_FAILED || st == ST_REJECTED;
}

int
state_holds_folders(enum state st)
{
    return state_valid(st) && st != ST_INCOMING && st != ST_REJECTED;
}

int
state_move_ok(enum state from, enum state to)
{
    if (!state_valid(from) || !state_valid(to) || from == to)
        return 0;
    if (from == ST_INCOMING)
        return to == ST_STORY || to == ST_REJECTED || to == ST_HOLD;
    if (to == ST_INCOMING || to == ST_REJECTED)
        return 0;
    if (to == ST_PROOF)
        return from == ST_PDF || from == ST_HOLD || from == ST_FAILED;
    if (from == ST_PROOF)
        return to == ST_PRINT || to == ST_FAILED || to == ST_HOLD ||
               (to >= ST_STORY && to <= ST_PDF);
    if (from >= ST_STORY && from <= ST_PRINT)
        return to == state_next(from) || to == ST_FAILED || to == ST_HOLD ||
               (to >= ST_STORY && to < from);
    if (from == ST_HOLD)
        return (to >= ST_STORY && to <= ST_PRINT) || to == ST_FAILED;
    if (from == ST_FAILED)
        return to >= ST_STORY && to <= ST_PRINT;
    return 0; /* done, rejected */
}

int
state_stay_ok(enum state st)
{
    return st == ST_PROOF;
}

int
state_event_ok(enum state from, enum state to)
{
    return from == to ? state_stay_ok(to) : state_move_ok(from, to);
}

void
state_assert_move(enum state from, enum state to)
{
    if (!state_move_ok(from, to)) {
        fprintf(stderr, "storypress: bug: illegal move from %s to %s\n", state_name(from),
                state_name(to));
        abort();
    }
}
