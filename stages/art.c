/*
 * storypress-art — draws the pictures of each story in art/: the cover and
 * one per story page, as art/cover.jpg and art/page-NN.jpg in the order's
 * folder (lib/art.h), then hands the order on to pdf/.
 *
 * The story is validated again before it is drawn: the file sat on disk
 * between stages and an operator may have edited it.  Pictures already
 * there are kept, so a retry after a crash or a transient failure (a full
 * disk, a remote illustrator's 429) draws, and pays for, only what is
 * missing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "art.h"
#include "fsutil.h"
#include "stage.h"
#include "story.h"

/* story.json is a few tens of kilobytes; anything far larger is not ours. */

/* The bytes of the pictures now in dir (cover and n pages). */
static long long
art_stage_bytes(const char *dir, size_t n)
{
    long long total = 0;
    for (size_t i = 0; i <= n; i++) {
        char name[32];
        if (i == 0)
            snprintf(name, sizeof name, "cover.jpg");
        else
            snprintf(name, sizeof name, "page-%02zu.jpg", i);
        char *path = fsu_join(dir, name);
        struct stat st;
        if (stat(path, &st) == 0)
            total += (long long)st.st_size;
        free(path);
    }
    return total;
}

static enum stage_result
art_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    json_t *story = story_load(job->path, job->order, NULL, e);
    if (!story)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    char *dir = fsu_join(job->path, "art");
    int rc = art_draw_book(ctx->cfg, ctx->db, job->order, story, dir, e);
    if (rc == 0) {
        size_t n = json_array_size(json_object_get(story, "pages"));
        job->detail = json_pack("{s:s, s:I, s:I}", "provider",
                                config_str(ctx->cfg, "art_provider"), "pictures",
                                (json_int_t)n + 1, "art_bytes",
                                (json_int_t)art_stage_bytes(dir, n));
    }
    free(dir);
    json_decref(story);
    if (rc < 0)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    return STAGE_DONE;
}

/* A stop request cuts a book short between pictures (see art_set_stop_flag). */
static int
art_init(struct stage_ctx *ctx, struct err *e)
{
    (void)e;
    art_set_stop_flag(ctx->stopping);
    return 0;
}

static const struct stage_ops art_ops = {
    ST_ART,
    "storypress-art",
    "Draws the pictures of each story in art/: the cover and one per story page,\n"
    "    as baseline JPEGs at 300 dpi with bleed (art/cover.jpg, art/page-NN.jpg),\n"
    "    the child drawn from the order on every page.  art_provider chooses the\n"
    "    illustrator: builtin (cairo, offline, in the book's style) or openai (an\n"
    "    image API, every call recorded with its cost).  Pictures already there are\n"
    "    kept, so a retried order draws and pays only for what is missing.",
    art_init,
    art_handle,
    NULL,
    NULL,
};

int
main(int argc, char **argv)
{
    return stage_main(argc, argv, &art_ops);
}
