/*
 * storypress-story — writes the story of each order in story/ (story.json:
 * title, dedication, blurb, pages of text with a scene each) with the
 * configured provider (lib/story.h), and hands the order on to art/.
 *
 * A story.json already in the order folder that still validates against the
 * order is kept: a retry after a crash, or after a later step of this stage
 * failed, must not pay a remote model twice for the same book.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "fsutil.h"
#include "log.h"
#include "stage.h"
#include "story.h"

/* 1 when dir/story.json exists and is a valid story of this order; 0 when it
 * is absent or unusable (it is then written again, and the operator told
 * why); -1 when it cannot be read for a reason that may pass (e is set). */
static int
story_existing_ok(const char *id, const char *dir, const json_t *order, struct err *e)
{
    int absent = 0;
    struct err le = {0};
    json_t *story = story_load(dir, order, &absent, &le);
    if (story) {
        json_decref(story);
        return 1;
    }
    if (absent)
        return 0;
    if (le.kind == ERR_TRANSIENT) {
        *e = le;
        return -1;
    }
    log_order(LOG_WARNING, id, "%s; writing it again", le.msg);
    return 0;
}

static enum stage_result
story_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    int have = story_existing_ok(job->id, job->path, job->order, e);
    if (have < 0)
        return STAGE_RETRY;
    if (have) {
        job->detail = json_pack("{s:b}", "kept_existing", 1);
        return STAGE_DONE;
    }
    json_t *story = story_write(ctx->cfg, ctx->db, job->order, e);
    if (!story)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    char *text = json_dumps(story, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    const char *provider = json_string_value(json_object_get(story, "provider"));
    json_t *detail = json_pack("{s:s, s:I}", "provider", provider ? provider : "?", "pages",
                               (json_int_t)json_array_size(json_object_get(story, "pages")));
    json_decref(story);
    if (!text) {
        json_decref(detail);
        err_set(e, ERR_TRANSIENT, "story.json: out of memory");
        return STAGE_RETRY;
    }
    size_t len = strlen(text);
    /* A text file ends with a newline: replace the NUL's place with one. */
    char *file = realloc(text, len + 2);
    if (!file) {
        free(text);
        json_decref(detail);
        err_set(e, ERR_TRANSIENT, "story.json: out of memory");
        return STAGE_RETRY;
    }
    file[len] = '\n';
    file[len + 1] = 0;
    int rc = fsu_write_atomic(job->path, "story.json", file, len + 1, e);
    free(file);
    if (rc < 0) {
        json_decref(detail);
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_FAIL;
    }
    job->detail = detail;
    return STAGE_DONE;
}

static const struct stage_ops story_ops = {
    .state = ST_STORY,
    .prog = "storypress-story",
    .summary =
        "Writes the story of each order in story/: story.json with the title,\n"
        "    dedication, back-cover blurb and one text and scene per page, from the\n"
        "    configured story_provider (builtin: templates in English and French, no\n"
        "    network; openai: a chat completion with a strict JSON schema).  Every\n"
        "    story is validated against its order; a valid story.json already there\n"
        "    (a retry after a crash) is kept, so a remote model is never paid twice.",
    .handle = story_handle,
};

int
main(int argc, char **argv)
{
    return stage_main(argc, argv, &story_ops);
}
