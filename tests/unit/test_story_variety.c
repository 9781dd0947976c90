/*
 * test_story_variety.c — do the built-in stories read like one template?
 *
 * The share of a theme and language's books that carry a given sentence
 * is a property of the writer, and a share of 10 % cannot be told apart
 * from 20 % on the eleven books of one theme and language that the
 * 200-order test of test_book.c draws.  Here every theme and language
 * gets VARIETY_BOOKS orders of its own (ages 0–12, every pronoun, many
 * names, both sizes, varied interests: the stories only, no pictures), and
 * no sentence may be in more than 10 % of them (issue 14).
 *
 * Sentences are cut as testutil_sentences() says (interjections of fewer
 * than four words left out).  A sentence is counted once per book, however
 * often the book says it (a refrain).
 *
 *   STORY_SHARED=1   list every sentence over the limit, with its share
 *   STORY_THEME=x    only theme x (while writing its words)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "story.h"
#include "testutil.h"
#include "vocab.h"

#define VARIETY_BOOKS 100 /* per theme and language */
#define VARIETY_SHARE 0.10

static const char *const variety_names[2][12] = {
    {"Maya", "Leo", "Sam", "Ava", "Noah", "Isla", "Omar", "Ruby", "Finn", "Zara", "Theo",
     "Priya"},
    {"Léa", "Hugo", "Inès", "Jules", "Chloé", "Noé", "Adam", "Louise", "Malo", "Jade",
     "Nael", "Rose"}};

static json_t *
variety_order(int lang, const char *theme, int k)
{
    size_t ni = vocab_count(vocab_interests);
    char id[48];
    /* Ids as a shop makes them: the hash of the id seeds every choice. */
    snprintf(id, sizeof id, "SHOP-%s-%s-%05d", lang ? "fr" : "en", theme, k * 37 + 11);
    json_t *o = json_pack(
        "{s:s, s:{s:s, s:i, s:s, s:[s,s], s:{s:s, s:s, s:s, s:s}}, s:{s:s, s:s, s:s, "
        "s:i}}",
        "order_id", id, "child", "name", variety_names[lang][(k * 5) % 12], "age", k % 13,
        "pronouns", vocab_pronouns[(k / 2) % 3], "interests",
        vocab_interests[(size_t)(k * 7) % ni], vocab_interests[(size_t)(k * 13 + 5) % ni],
        "appearance", "hair_colour", "brown", "hair_style", "curly", "skin_tone",
        "medium", "eye_colour", "brown", "book", "language", lang ? "fr" : "en", "theme",
        theme, "style", "flat", "pages", k % 3 ? 24 : 32);
    assert_non_null(o);
    return o;
}

/* Adds each sentence of the story once to seen (sentence → books). */
static void
variety_count(GHashTable *seen, const json_t *story)
{
    GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;
    json_t *pg;
    json_array_foreach(json_object_get(story, "pages"), i, pg)
    {
        const char *t = json_string_value(json_object_get(pg, "text"));
        char **ss = testutil_sentences(t);
        for (char **s = ss; *s; s++) {
            if (g_hash_table_contains(mine, *s))
                continue;
            g_hash_table_add(mine, g_strdup(*s));
            gpointer n = g_hash_table_lookup(seen, *s);
            g_hash_table_insert(seen, g_strdup(*s), GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
        }
        g_strfreev(ss);
    }
    g_hash_table_destroy(mine);
}

static void
test_no_sentence_in_many_books(void **state)
{
    (void)state;
    const char *only = getenv("STORY_THEME");
    int over = 0, total = 0;
    double worst = 0;
    char worst_text[512] = "";
    for (int lang = 0; lang < 2; lang++)
        for (size_t t = 0; vocab_themes[t]; t++) {
            if (only && *only && strcmp(only, vocab_themes[t]) != 0)
                continue;
            GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            for (int k = 0; k < VARIETY_BOOKS; k++) {
                json_t *order = variety_order(lang, vocab_themes[t], k);
                struct err e = {0};
                json_t *story = story_builtin_write(order, &e);
                if (!story)
                    fail_msg("%s: %s",
                             json_string_value(json_object_get(order, "order_id")), e.msg);
                variety_count(seen, story);
                json_decref(story);
                json_decref(order);
            }
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init(&it, seen);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                double share = (double)GPOINTER_TO_INT(v) / VARIETY_BOOKS;
                total++;
                if (share > worst) {
                    worst = share;
                    snprintf(worst_text, sizeof worst_text, "%s/%s: %s", lang ? "fr" : "en",
                             vocab_themes[t], (const char *)k);
                }
                if (share > VARIETY_SHARE) {
                    over++;
                    if (getenv("STORY_SHARED"))
                        printf("# shared %s/%s %3.0f%%: %s\n", lang ? "fr" : "en",
                               vocab_themes[t], share * 100, (const char *)k);
                }
            }
            g_hash_table_destroy(seen);
        }
    printf("# %d books per theme and language: %d distinct sentences, %d in more than "
           "%.0f%% of the books of their theme and language; the most shared (%.0f%%): %s\n",
           VARIETY_BOOKS, total, over, VARIETY_SHARE * 100, worst * 100, worst_text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_sentence_in_many_books),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
