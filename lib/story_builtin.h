/*
 * story_builtin.h — the built-in writer's checks on its own data, for the
 * unit tests (the writer itself is story_builtin_write() in story.h).
 */
#ifndef STORYPRESS_STORY_BUILTIN_H
#define STORYPRESS_STORY_BUILTIN_H

#include "err.h"
#include "story_lang.h"

/* Fills every template of data/story/<language>.json for every theme,
 * pronoun, helper and goal, so that a mistake in an alternative that a
 * seed rarely picks shows at build time.  Calls fn with each result
 * (typeset) and where it came from ("themes.space.obstacles.rocks.try.m[1]").
 * Returns -1 with e naming the template that cannot be filled. */
int story_builtin_lint(const char *language,
                       void (*fn)(void *arg, const char *where, const char *pronoun,
                                  const char *text),
                       void *arg, struct err *e);

#endif
