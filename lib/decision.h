/*
 * decision.h — the shop's decision about a proof, dropped into incoming/
 * like an order (the same drop protocol), and recognised by its top-level
 * "decision" key:
 *
 *   {"decision": "approve", "order_id": "A1001"}
 *   {"decision": "redo", "order_id": "A1001", "pages": [3, 7], "text": "…", "art": true}
 *   {"decision": "reject", "order_id": "A1001", "reason": "the name is misspelt"}
 *
 * Checked as strictly as an order: one JSON object, UTF-8, no duplicate
 * keys, no unknown field (nor a field of another kind of decision), every
 * problem reported at once, each line starting with the field's name.  A
 * redo names 1 to 32 different pages and new text (1 to 600 characters,
 * no control characters but line breaks) and/or "art": true.
 */
#ifndef STORYPRESS_DECISION_H
#define STORYPRESS_DECISION_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "order.h"
#include "spool.h"

#define DECISION_MAX_PAGES 32
#define DECISION_REASON_MAX 500

enum decision_kind { DECISION_APPROVE, DECISION_REDO, DECISION_REJECT };

struct decision {
    enum decision_kind kind;
    char *order_id;
    int pages[DECISION_MAX_PAGES];
    size_t npages;
    char *text;   /* redo: NULL when the text stays */
    int art;      /* redo: 1 to draw again */
    char *reason; /* reject */
};

/* 1 when the drop is a JSON object with a top-level "decision" key (the
 * incoming stage then reads it as a decision, not as an order). */
int decision_is(const char *buf, size_t len);

/* Parses and checks a decision.  0, or -1 with every problem in errs. */
int decision_parse(const char *buf, size_t len, struct decision *d,
                   struct order_errors *errs);
void decision_free(struct decision *d);

/* Carries it out (lib/proof.h); by names who asked, for the history.  An
 * order not in proof, a page out of range or too many redos: ERR_INVALID
 * naming the field. */
int decision_apply(const struct config *cfg, struct spool *sp, struct db *db,
                   const char *worker, const struct decision *d, const char *by,
                   struct err *e);

#endif
