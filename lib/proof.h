/*
 * proof.h — the proof before print: an order whose book is made waits in
 * proof/ (no daemon polls it) until someone approves it (on to print/),
 * rejects it (failed/) or asks for some pages again (a redo, done in place).
 *
 * The pdf stage calls proof_wanted() and proof_previews(); the operator's
 * tool (approve, redo, reject) and the incoming stage (a shop's decision
 * drop, lib/decision.h) call proof_approve(), proof_redo(), proof_reject().
 * Decisions about one spool are serialised by a lock file, proof/.lock.
 *
 * What a person looks at, in the order's folder, made from the very PDFs
 * that will be printed (poppler renders them; art_write_jpeg() encodes):
 *   proof/page-NN.jpg   every interior page, NN from 01, at proof_dpi
 *   proof/cover.jpg     the cover spread (back, spine, front)
 *   proof/contact.jpg   all interior pages as one sheet of thumbnails
 *
 * A redo builds the whole new book aside, in proof/.redo-<id>/ (files that
 * do not change are hard links, so their bytes are the very same), then
 * exchanges it with the order's folder in one renameat2(RENAME_EXCHANGE):
 * a crash leaves the old book or the new one, never a mix.
 */
#ifndef STORYPRESS_PROOF_H
#define STORYPRESS_PROOF_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "spool.h"

/* Longest text of a story page, characters (story.json's rule). */
#define PROOF_TEXT_MAX 600

/* 1 when the order stops in proof/ after pdf: its book.proof when given,
 * else the configuration's proof_required. */
int proof_wanted(const struct config *cfg, const json_t *order);

/* Renders dir/proof/ from dir/interior.pdf and dir/cover.pdf (replacing
 * any earlier one as a whole).  *listing (may be NULL) receives
 * {"pages": n, "files": ["proof/page-01.jpg", ..., "proof/cover.jpg",
 * "proof/contact.jpg"]}, with "urls" when the files were published for the
 * shop (print_provider lulu: under lulu_publish_dir / lulu_publish_url). */
int proof_previews(const struct config *cfg, const char *id, const char *dir,
                   json_t **listing, struct err *e);

/* A redo: story pages (from 1) to make again, with new text (the same text
 * for each of them) and/or new pictures. */
struct proof_redo {
    const int *pages;
    size_t npages;
    const char *text; /* NULL: keep the text */
    int art;          /* 1: draw the pictures again */
    const char *by;   /* who asked: "storypress:<user>", "shop" */
};

/* The decisions.  An order that is not waiting in proof/ is ERR_INVALID
 * with a message saying where it is.  worker goes into the event log. */
int proof_approve(struct spool *sp, struct db *db, const char *worker, const char *id,
                  const char *by, struct err *e);
int proof_reject(struct spool *sp, struct db *db, const char *worker, const char *id,
                 const char *by, const char *reason, struct err *e);

/* Makes the pages again (see above), records the redo and its cost in
 * proof_redos (at most max_redos per order), renders the PDFs and the
 * previews anew and swaps the new book in.  *result (may be NULL): what was
 * done ({"pages", "new_text", "new_art", "images", "cost", "redo"}). */
int proof_redo(const struct config *cfg, struct spool *sp, struct db *db, const char *id,
               const struct proof_redo *rq, json_t **result, struct err *e);

/* Puts back what a killed redo left: removes stale proof/.redo-* folders
 * (they hold either an unfinished new book or an old one already swapped
 * out).  Takes the lock.  Returns how many were removed, or -1. */
int proof_sweep(struct spool *sp, struct err *e);

#endif
