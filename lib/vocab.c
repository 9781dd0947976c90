/*
 * vocab.c — the word lists (see vocab.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vocab.h"

vocab_list vocab_languages = {"en", "fr", NULL};
vocab_list vocab_themes = {"space",  "ocean", "dinosaurs", "forest", "castle",
                           "farm",   "winter", "city",     "jungle", NULL};
vocab_list vocab_styles = {"watercolour", "flat", "crayon", NULL};
vocab_list vocab_pronouns = {"she", "he", "they", NULL};
vocab_list vocab_interests = {
    "dinosaurs", "space",   "rockets", "ocean",  "fish",     "whales",   "animals",
    "cats",      "dogs",    "horses",  "rabbits", "birds",   "dragons",  "unicorns",
    "robots",    "trains",  "cars",    "planes", "boats",    "football", "music",
    "drawing",   "books",   "baking",  "flowers", "butterflies", "snow",  "pirates",
    "knights",   "princesses", "farm animals", "tractors", "stars", "kites", "bicycles",
    NULL};
vocab_list vocab_hair_colours = {"black", "dark_brown", "brown", "auburn", "red",
                                 "strawberry_blonde", "blonde", "light_blonde", "grey",
                                 "white", NULL};
vocab_list vocab_hair_styles = {"short", "long", "curly", "wavy", "straight", "afro",
                                "braids", "ponytail", "pigtails", "bun", "bob", "buzz",
                                "bald", NULL};
vocab_list vocab_skin_tones = {"light", "fair", "medium", "olive", "tan", "brown", "dark",
                               "deep", NULL};
vocab_list vocab_eye_colours = {"brown", "dark_brown", "blue", "green", "hazel", "grey",
                                "amber", NULL};
vocab_list vocab_colours = {"red",  "orange", "yellow", "green", "teal", "blue", "navy",
                            "purple", "pink", "white", "grey", "black", "brown", NULL};
vocab_list vocab_trims = {"8.5x8.5", "8x10", "6x9", NULL};
vocab_list vocab_bindings = {"hardcover", "paperback", NULL};
vocab_list vocab_shipping_levels = {"MAIL", "PRIORITY_MAIL", "GROUND_HD", "GROUND_BUS",
                                    "GROUND", "EXPEDITED", "EXPRESS", NULL};
vocab_list vocab_settings = {"bedroom", "home",    "garden",     "park",   "meadow",
                             "forest",  "jungle",  "volcano",    "desert", "beach",
                             "ocean",   "underwater", "island",  "space",  "moon",
                             "sky",     "mountains", "snow",     "castle", "farm",
                             "city",    "school",  "library",    NULL};
vocab_list vocab_times = {"morning", "day", "evening", "night", NULL};
vocab_list vocab_weathers = {"clear", "cloudy", "rain", "snow", "wind", NULL};
vocab_list vocab_actions = {"standing", "walking", "running",  "jumping", "sitting",
                            "waving",   "pointing", "reaching", "sleeping", "hugging",
                            "flying",   "swimming", "climbing", "dancing", "reading",
                            NULL};
vocab_list vocab_moods = {"happy", "excited", "curious", "surprised", "worried",
                          "sad",   "calm",    "proud",   "sleepy",    NULL};
vocab_list vocab_objects = {
    "dinosaur", "rocket",  "ball",    "cat",      "dog",       "horse",    "rabbit",
    "bird",     "owl",     "fish",    "whale",    "turtle",    "octopus",  "dragon",
    "unicorn",  "robot",   "train",   "car",      "boat",      "plane",    "balloon",
    "kite",     "bicycle", "book",    "star",     "moon",      "sun",      "tree",
    "flower",   "butterfly", "shell", "treasure", "crown",     "snowman",  "sled",
    "tractor",  "cow",     "sheep",   "chicken",  "teddy",     "cake",     "guitar",
    "paintbrush", "telescope", "map", "lantern",  "planet",    "castle",   "tent",
    "triceratops", "pterosaur", "parrot", "egg",   "river",     "family",   "bunting",
    NULL};

static const struct {
    const char *interest, *object;
} vocab_interest_map[] = {
    {"dinosaurs", "dinosaur"}, {"space", "planet"},     {"rockets", "rocket"},
    {"ocean", "shell"},        {"fish", "fish"},         {"whales", "whale"},
    {"animals", "rabbit"},     {"cats", "cat"},          {"dogs", "dog"},
    {"horses", "horse"},       {"rabbits", "rabbit"},    {"birds", "bird"},
    {"dragons", "dragon"},     {"unicorns", "unicorn"},  {"robots", "robot"},
    {"trains", "train"},       {"cars", "car"},          {"planes", "plane"},
    {"boats", "boat"},         {"football", "ball"},     {"music", "guitar"},
    {"drawing", "paintbrush"}, {"books", "book"},        {"baking", "cake"},
    {"flowers", "flower"},     {"butterflies", "butterfly"}, {"snow", "snowman"},
    {"pirates", "treasure"},   {"knights", "castle"},    {"princesses", "crown"},
    {"farm animals", "cow"},   {"tractors", "tractor"},  {"stars", "telescope"},
    {"kites", "kite"},         {"bicycles", "bicycle"},
};

int
vocab_has(vocab_list list, const char *word)
{
    if (!word)
        return 0;
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], word) == 0)
            return 1;
    return 0;
}

size_t
vocab_count(vocab_list list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

/* Lists are few and fixed: cache one description per list address. */
const char *
vocab_describe(vocab_list list)
{
    static struct {
        const char *const *list;
        char *text;
    } cache[32];
    for (size_t i = 0; i < sizeof cache / sizeof cache[0]; i++) {
        if (cache[i].list == list)
            return cache[i].text;
        if (!cache[i].list) {
            size_t len = 1, n = vocab_count(list);
            for (size_t j = 0; j < n; j++)
                len += strlen(list[j]) + 4;
            char *t = malloc(len);
            if (!t)
                abort();
            t[0] = 0;
            for (size_t j = 0; j < n; j++) {
                if (j)
                    strcat(t, j + 1 == n ? " or " : ", ");
                strcat(t, list[j]);
            }
            cache[i].list = list;
            cache[i].text = t;
            return t;
        }
    }
    return "(see the documentation)";
}

const char *
vocab_interest_object(const char *interest)
{
    for (size_t i = 0; i < sizeof vocab_interest_map / sizeof vocab_interest_map[0]; i++)
        if (strcmp(vocab_interest_map[i].interest, interest) == 0)
            return vocab_interest_map[i].object;
    return "star";
}
