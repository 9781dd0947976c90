/*
 * order.h — the order format: parse a shop's drop, check every field,
 * return the normalised order that the later stages read as order.json.
 *
 * The format is documented in README.md ("The order format").  Validation
 * reports every problem at once, one message per problem, each starting with
 * the field's path: "child.age: must be an integer from 0 to 12, got \"five\"".
 */
#ifndef STORYPRESS_ORDER_H
#define STORYPRESS_ORDER_H

#include <jansson.h>
#include <stddef.h>

/* Largest drop accepted, bytes. */
#define ORDER_MAX_BYTES (256 * 1024)

/* Bounds on the shop's free "meta" object: compact JSON size and nesting. */
#define ORDER_META_MAX_BYTES (16 * 1024)
#define ORDER_META_MAX_DEPTH 16

/* A list of messages, in the order found. */
struct order_errors {
    char **msg;
    size_t count;
};

void order_errors_free(struct order_errors *errs);

/* All messages joined by "\n" (fresh string), for the rejected/ reason file. */
char *order_errors_join(const struct order_errors *errs);

/* Defaults filled into the normalised order where the drop leaves a field
 * out (from the configuration). */
struct order_defaults {
    const char *trim;    /* "8.5x8.5" */
    const char *binding; /* "hardcover" */
    /* Optional: asked of every field the book prints (child.name,
     * book.dedication) once its own rules passed.  Returns NULL when the
     * text can be printed, else a fresh message (free()) that follows
     * "<path>: " in the list of problems. */
    char *(*printable)(void *arg, const char *text);
    void *printable_arg;
};

/* Parses and validates len bytes (not necessarily NUL-terminated, may hold
 * NUL bytes: that is an error).  Returns the normalised order (a new
 * reference: keys in a fixed order, strings trimmed and NFC-normalised,
 * defaults filled in), or NULL with every problem in errs.  Never aborts on
 * any input. */
json_t *order_parse(const char *buf, size_t len, const struct order_defaults *def,
                    struct order_errors *errs);

/* The order id of a drop that may be invalid otherwise (for logging a
 * rejected drop): a fresh string (free()), or NULL when the drop is not a
 * JSON object or holds no valid order_id. */
char *order_peek_id(const char *buf, size_t len);

/* Accessors on a normalised order (never NULL on one that passed). */
const char *order_id(const json_t *order);
const char *order_customer_id(const json_t *order);
const char *order_child_name(const json_t *order);

/* A canonical serialisation (sorted keys, compact) for duplicate detection:
 * two drops are "the same order" when these bytes are equal. Fresh string. */
char *order_canonical(const json_t *order);

#endif
