/*
 * story.h — story.json: its validation, and the providers that write it.
 *
 * The format is documented in README.md ("story.json").
 * Every story, from the built-in writer or from a remote model, passes
 * story_validate() before the order moves on to art.
 */
#ifndef STORYPRESS_STORY_H
#define STORYPRESS_STORY_H

#include <jansson.h>

#include "config.h"
#include "err.h"

struct db;

#define STORY_FORMAT_VERSION 1
#define STORY_TITLE_MAX 120      /* characters (code points) */
#define STORY_DEDICATION_MAX 400
#define STORY_BLURB_MAX 600
#define STORY_PAGE_TEXT_MAX 600
#define STORY_ENDING_MAX 200
#define STORY_DESCRIPTION_MAX 400

/* Checks story against the format and against its order (same id, language
 * and page count; the child's name appears).  On failure, e (ERR_PERMANENT)
 * names the first bad field: "pages[3].scene.setting: must be one of ...". */
int story_validate(const json_t *story, const json_t *order, struct err *e);

/* Reads dir/story.json (bounded) and validates it against order.  Returns
 * the story, or NULL with e set: ERR_TRANSIENT when the file could not be
 * read for a reason that may pass, ERR_PERMANENT otherwise, the message
 * starting with "story.json".  *absent (may be NULL) is set to 1 when there
 * is no story.json at all. */
json_t *story_load(const char *dir, const json_t *order, int *absent, struct err *e);

/* The built-in writer: a pure function of the order (same order, same
 * story), seeded by the order id.  Returns a new reference or NULL. */
json_t *story_builtin_write(const json_t *order, struct err *e);

/* Writes the story with the configured provider (story_provider) and
 * validates it.  db may be NULL (no cost accounting). */
json_t *story_write(const struct config *cfg, struct db *db, const json_t *order,
                    struct err *e);

/* The OpenAI-compatible writer (story_openai.c): one chat completion with a
 * strict JSON schema, asked again (openai_story_retries) while the answer
 * is unusable; every call recorded in api_calls when db is set. */
json_t *story_openai_write(const struct config *cfg, struct db *db, const json_t *order,
                           struct err *e);

/* Its strict schema for this order's story, and its two messages (system,
 * user) — exposed for the tests. */
json_t *story_openai_schema(const json_t *order);
json_t *story_openai_messages(const struct config *cfg, const json_t *order, struct err *e);

#endif
