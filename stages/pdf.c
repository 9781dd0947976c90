/*
 * storypress-pdf — turns each illustrated story in pdf/ into the two files
 * the printer takes, interior.pdf and cover.pdf (lib/render.h), to the
 * printer's geometry (lib/geom.h), and hands the order on to print/.
 *
 * The story is validated again before it is typeset: the file sat on disk
 * between stages and an operator may have edited it.  A text that cannot
 * fit, a missing glyph or a wrong picture fails the order with the reason;
 * a full disk is retried.  When the order wants a proof (book.proof, or
 * proof_required), the stage also renders its previews (lib/proof.h) and
 * hands it to proof/ instead of print/.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "fsutil.h"
#include "proof.h"
#include "render.h"
#include "stage.h"
#include "story.h"


/* The size of dir/name in bytes, or -1. */
static long long
pdf_file_size(const char *dir, const char *name)
{
    char *path = fsu_join(dir, name);
    struct stat st;
    long long size = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    free(path);
    return size;
}

static enum stage_result
pdf_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    json_t *story = story_load(job->path, job->order, NULL, e);
    if (!story)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    int rc = render_book(ctx->cfg, job->order, story, job->path, e);
    json_decref(story);
    if (rc < 0)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    job->detail =
        json_pack("{s:I, s:I}", "interior_bytes",
                  (json_int_t)pdf_file_size(job->path, "interior.pdf"), "cover_bytes",
                  (json_int_t)pdf_file_size(job->path, "cover.pdf"));
    if (proof_wanted(ctx->cfg, job->order)) {
        /* A proof first: previews of these very PDFs, then proof/. */
        json_t *listing;
        if (proof_previews(ctx->cfg, job->id, job->path, &listing, e) < 0)
            return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
        json_object_set_new(job->detail, "proof", listing);
        job->hand_to = ST_PROOF;
    }
    return STAGE_DONE;
}

static const struct stage_ops pdf_ops = {
    ST_PDF,
    "storypress-pdf",
    "Typesets each illustrated story in pdf/ into the printer's files: interior.pdf\n"
    "    (title page, dedication, the story with its pictures, the end, a colophon;\n"
    "    a bookplate, a portrait, drawing and notes pages where the binding asks for\n"
    "    more pages) and cover.pdf (back, spine, front), to the trim, bleed and spine\n"
    "    of the order's book, flat (no transparency), with every font embedded and\n"
    "    the pictures' JPEG bytes as the art stage wrote them.  Layout, font and the\n"
    "    smallest text size come from the configuration (layout, font, min_font_size).\n"
    "    A book that wants a proof (book.proof, or proof_required) gets JPEG previews\n"
    "    of its pages, its cover and a contact sheet (proof/ in its folder, at\n"
    "    proof_dpi) and goes to proof/ instead of print/.",
    NULL,
    pdf_handle,
    NULL,
    NULL,
};

int
main(int argc, char **argv)
{
    return stage_main(argc, argv, &pdf_ops);
}
