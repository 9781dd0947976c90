/*
 * fuzz_story.c — libFuzzer target: story_validate() on any JSON, against a
 * fixed valid order.  Whatever a remote model answers, validation must
 * either accept it or name a field, never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_order_json[] =
    "{\"order_id\":\"F1\",\"customer\":{\"id\":\"C1\",\"email\":\"a@b.co\",\"name\":\"A B\"},"
    "\"child\":{\"name\":\"Maya\",\"age\":5,\"pronouns\":\"she\",\"appearance\":{"
    "\"hair_colour\":\"brown\",\"hair_style\":\"curly\",\"skin_tone\":\"brown\","
    "\"eye_colour\":\"brown\",\"glasses\":false},\"interests\":[\"dinosaurs\"]},"
    "\"book\":{\"language\":\"en\",\"theme\":\"dinosaurs\",\"style\":\"flat\",\"pages\":24,"
    "\"trim\":\"8.5x8.5\",\"binding\":\"hardcover\"},"
    "\"shipping\":{\"name\":\"A B\",\"street1\":\"1 Road\",\"city\":\"Leeds\","
    "\"postcode\":\"LS6 2QE\",\"country_code\":\"GB\",\"phone_number\":\"+44 113 496 0000\"},"
    "\"shipping_level\":\"MAIL\"}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *order;
    if (!order)
        order = json_loads(fuzz_order_json, 0, NULL);
    json_t *story = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!story)
        return 0;
    struct err e = {0};
    if (story_validate(story, order, &e) < 0 && e.msg[0] == 0)
        abort(); /* a refusal must say why */
    /* Again against an order that agrees with the story's id, language and
     * page count, so the fuzzer reaches the checks behind those. */
    json_t *o2 = json_deep_copy(order);
    json_t *book = json_object_get(o2, "book");
    const char *id = json_string_value(json_object_get(story, "order_id"));
    const char *lang = json_string_value(json_object_get(story, "language"));
    size_t pages = json_array_size(json_object_get(story, "pages"));
    if (id)
        json_object_set_new(o2, "order_id", json_string(id));
    if (lang)
        json_object_set_new(book, "language", json_string(lang));
    if (pages == 24 || pages == 32)
        json_object_set_new(book, "pages", json_integer((json_int_t)pages));
    err_clear(&e);
    if (story_validate(story, o2, &e) < 0 && e.msg[0] == 0)
        abort();
    json_decref(o2);
    json_decref(story);
    return 0;
}
