/*
 * vocab.h — the closed vocabularies shared by the order format, story.json,
 * the writers and the illustrators: themes, interests, appearance, scene
 * settings, actions, moods and drawable objects.
 *
 * The order validator and the story validator accept only these words, the
 * built-in illustrator can draw every one of them, and the remote story
 * provider's JSON schema lists them as enums.  Adding a word means teaching
 * the illustrator to draw it (or mapping it to one it can).
 */
#ifndef STORYPRESS_VOCAB_H
#define STORYPRESS_VOCAB_H

#include <stddef.h>

/* A NULL-terminated list of words. */
typedef const char *const vocab_list[];

extern vocab_list vocab_languages;    /* en fr */
extern vocab_list vocab_themes;       /* space ocean dinosaurs forest castle farm winter city ... */
extern vocab_list vocab_styles;       /* watercolour flat crayon */
extern vocab_list vocab_pronouns;     /* she he they */
extern vocab_list vocab_interests;    /* dinosaurs space rockets ... */
extern vocab_list vocab_hair_colours; /* black dark_brown brown auburn red blonde ... */
extern vocab_list vocab_hair_styles;  /* short long curly ... */
extern vocab_list vocab_skin_tones;   /* light fair medium olive tan brown dark deep */
extern vocab_list vocab_eye_colours;  /* brown blue green hazel grey amber */
extern vocab_list vocab_colours;      /* clothes: red orange yellow green ... */
extern vocab_list vocab_trims;        /* 8.5x8.5 8x10 6x9 */
extern vocab_list vocab_bindings;     /* hardcover paperback */
extern vocab_list vocab_shipping_levels; /* MAIL PRIORITY_MAIL GROUND EXPEDITED EXPRESS */
extern vocab_list vocab_settings;     /* scene.setting */
extern vocab_list vocab_times;        /* scene.time_of_day */
extern vocab_list vocab_weathers;     /* scene.weather */
extern vocab_list vocab_actions;      /* scene.action: the child's pose */
extern vocab_list vocab_moods;        /* scene.mood */
extern vocab_list vocab_objects;      /* scene.objects and scene.companions */

/* 1 when word is in list. */
int vocab_has(vocab_list list, const char *word);

/* Number of words in list. */
size_t vocab_count(vocab_list list);

/* "a, b or c" — for error messages; a static string per list. */
const char *vocab_describe(vocab_list list);

/* The drawable object that stands for an interest ("dinosaurs" → "dinosaur",
 * "football" → "ball"); never NULL for a word in vocab_interests. */
const char *vocab_interest_object(const char *interest);

#endif
