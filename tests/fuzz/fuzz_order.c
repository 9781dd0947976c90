/*
 * fuzz_order.c — libFuzzer target: the order parser and validator on any
 * bytes.  It must never crash, leak, or accept an order whose id could not
 * be a file name; every message it returns must start with a field path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct order_errors errs = {0};
    json_t *o = order_parse((const char *)data, size, NULL, &errs);
    if (o) {
        if (!spool_id_ok(order_id(o)) || errs.count)
            abort();
        char *c = order_canonical(o);
        struct order_errors again = {0};
        /* The canonical form of a valid order is itself a valid order. */
        json_t *o2 = order_parse(c, strlen(c), NULL, &again);
        if (!o2)
            abort();
        json_decref(o2);
        order_errors_free(&again);
        free(c);
        json_decref(o);
    } else {
        if (errs.count == 0)
            abort();
        for (size_t i = 0; i < errs.count; i++)
            if (!errs.msg[i] || !strchr(errs.msg[i], ':'))
                abort();
    }
    char *id = order_peek_id((const char *)data, size);
    free(id);
    order_errors_free(&errs);
    return 0;
}
