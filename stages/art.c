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
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "art.h"
#include "fsutil.h"
#include "log.h"
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

/* The transition's detail of a book drawn into dir. */
static json_t *
art_stage_detail(struct stage_ctx *ctx, const json_t *story, const char *dir)
{
    size_t n = json_array_size(json_object_get(story, "pages"));
    return json_pack("{s:s, s:I, s:I}", "provider", config_str(ctx->cfg, "art_provider"),
                     "pictures", (json_int_t)n + 1, "art_bytes",
                     (json_int_t)art_stage_bytes(dir, n));
}

static enum stage_result
art_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    json_t *story = story_load(job->path, job->order, NULL, e);
    if (!story)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    char *dir = fsu_join(job->path, "art");
    int rc = art_draw_book(ctx->cfg, ctx->db, job->order, story, dir, e);
    if (rc == 0)
        job->detail = art_stage_detail(ctx, story, dir);
    free(dir);
    json_decref(story);
    if (rc < 0)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    return STAGE_DONE;
}

static int
art_is_openai(const struct config *cfg)
{
    return strcmp(config_str(cfg, "art_provider"), "openai") == 0;
}

/* With a remote illustrator, as many books as requests may be in flight:
 * then even when each book has only a few pictures left, together they can
 * keep openai_max_in_flight requests going.  The built-in illustrator works
 * on this CPU, one book at a time. */
static int
art_batch_size(struct stage_ctx *ctx)
{
    if (!art_is_openai(ctx->cfg))
        return 1;
    long n = config_int(ctx->cfg, "openai_max_in_flight");
    return n > 1 ? (int)(n < 64 ? n : 64) : 1;
}

/* The books of a batch drawn together (art_openai_draw_books()); each one's
 * result is its own: a book that fails does not hold back the others. */
static void
art_handle_batch(struct stage_ctx *ctx, struct stage_job *jobs, size_t n,
                 enum stage_result *results, struct err *errs)
{
    if (!art_is_openai(ctx->cfg)) {
        for (size_t i = 0; i < n; i++)
            results[i] = art_handle(ctx, &jobs[i], &errs[i]);
        return;
    }
    json_t **stories = calloc(n, sizeof *stories);
    char **dirs = calloc(n, sizeof *dirs);
    struct art_book *books = calloc(n, sizeof *books);
    struct err *berrs = calloc(n, sizeof *berrs);
    size_t *of = calloc(n, sizeof *of); /* the job of each book */
    if (!stories || !dirs || !books || !berrs || !of) {
        for (size_t i = 0; i < n; i++) {
            err_set(&errs[i], ERR_TRANSIENT, "out of memory");
            results[i] = STAGE_RETRY;
        }
        goto out;
    }
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        stories[i] = story_load(jobs[i].path, jobs[i].order, NULL, &errs[i]);
        if (!stories[i]) {
            results[i] = errs[i].kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
            continue;
        }
        dirs[i] = fsu_join(jobs[i].path, "art");
        books[nb] = (struct art_book){jobs[i].order, stories[i], dirs[i], 0, NULL};
        of[nb++] = i;
    }
    if (nb && art_openai_draw_books(ctx->cfg, ctx->db, books, nb, berrs) < 0)
        log_debug("art: not every book of the batch was drawn; each is concluded on its own");
    for (size_t b = 0; b < nb; b++) {
        size_t i = of[b];
        if (books[b].rc == 0) {
            jobs[i].detail = art_stage_detail(ctx, stories[i], dirs[i]);
            /* Pages kept although their check failed: in the order's events. */
            if (books[b].warnings && jobs[i].detail)
                json_object_set(jobs[i].detail, "warnings", books[b].warnings);
            results[i] = STAGE_DONE;
        } else {
            errs[i] = berrs[b];
            results[i] = errs[i].kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
        }
        json_decref(books[b].warnings);
    }
out:
    for (size_t i = 0; i < n && stories && dirs; i++) {
        json_decref(stories[i]);
        free(dirs[i]);
    }
    free(stories);
    free(dirs);
    free(books);
    free(berrs);
    free(of);
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
    "    kept, so a retried order draws and pays only for what is missing.  With\n"
    "    openai, up to openai_max_in_flight orders are claimed at once and all their\n"
    "    pictures share one pool of openai_max_in_flight requests in flight (and the\n"
    "    host-wide openai_rpm); an order that fails stops only its own pictures.",
    art_init,
    art_handle,
    NULL,
    NULL,
};

int
main(int argc, char **argv)
{
    static const struct stage_batch_ops art_batch = {art_batch_size, art_handle_batch};
    return stage_main_batch(argc, argv, &art_ops, &art_batch);
}
