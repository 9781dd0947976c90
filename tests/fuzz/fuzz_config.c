/*
 * fuzz_config.c — libFuzzer target: the configuration parser on any file
 * contents.  It must load or refuse with a message naming the file, never
 * crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_config.%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct err e = {0};
    struct config *c = config_load(path, &e);
    if (c) {
        /* Typed getters on whatever was accepted must not crash. */
        (void)config_int(c, "retry_base");
        (void)config_double(c, "min_font_size");
        (void)config_bool(c, "lulu_cost_check");
        (void)config_str(c, "spool_dir");
        config_free(c);
    } else if (!e.msg[0]) {
        abort();
    }
    return 0;
}
