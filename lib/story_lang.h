/*
 * story_lang.h — the built-in writer's language machinery.
 *
 * Every word the built-in writer prints comes from data/story/<lang>.json
 * (compiled in, see embed.h); data/story/common.json holds the
 * language-neutral shape of the books (page plans, theme worlds, scenes).
 * This module loads those files and fills their templates:
 *
 *   {name}          a variable; {Name} capitalises its first letter
 *   {he|she|they}   the form for the child's grammatical gender (m|f|n)
 *
 * The words that follow the child's pronouns are variables of the data
 * ("pronouns" in <lang>.json: {they} {their} {was} in English; {il} {lui}
 * and whole agreeing phrases such as {est_fier} in French).  French has no
 * settled neutral pronoun, so for "they" fr.json writes the child's name
 * and epicene wording ("a le cœur gonflé de fierté") where il/elle and an
 * agreeing adjective would go.
 *
 * and, where a variable's value meets the text before it, applies the
 * language's elision ("de" + "Emma" → "d’Emma") and contractions
 * ("de" + "le bois" → "du bois") as listed in the data.  story_lang_typeset()
 * then applies the language's typography (apostrophes, no-break spaces).
 * Adding a language means adding a data file, not code.
 *
 * Loaded data is cached for the life of the process; the cache is not
 * locked (the story daemon is single-threaded).
 */
#ifndef STORYPRESS_STORY_LANG_H
#define STORYPRESS_STORY_LANG_H

#include <glib.h>
#include <jansson.h>

#include "err.h"

/* Grammatical gender of the child, indexing {m|f|n} variants. */
enum story_gender { STORY_M = 0, STORY_F = 1, STORY_N = 2 };

/* data/story/<name>.json ("en", "fr", "common"), parsed once; a borrowed
 * reference valid until the process ends.  ERR_PERMANENT when missing or
 * not JSON (a bug in the build, never in an order). */
const json_t *story_lang_load(const char *name, struct err *e);

/* A set of variables: name → template (expanded when used) or literal text
 * (inserted as it is: the child's name must never be read as a template). */
struct story_vars;

struct story_vars *story_vars_new(void);
void story_vars_free(struct story_vars *v);
void story_vars_set(struct story_vars *v, const char *name, const char *tmpl);
void story_vars_set_literal(struct story_vars *v, const char *name, const char *text);
/* The raw value, or NULL. */
const char *story_vars_get(const struct story_vars *v, const char *name);

/* Appends tmpl, filled, to out.  lang gives elision and contractions (may be
 * NULL: none).  An unknown variable, an unbalanced brace or a variant that
 * does not have exactly three forms is an ERR_PERMANENT error naming it. */
int story_lang_fill(const json_t *lang, const struct story_vars *v, enum story_gender g,
                    const char *tmpl, GString *out, struct err *e);

/* A fresh copy of text with lang's "typography" applied: replacements
 * ("'" → "’") and the spaces its punctuation takes ("!" → U+202F "!").
 * Idempotent: typesetting typeset text changes nothing. */
char *story_lang_typeset(const json_t *lang, const char *text);

#endif
