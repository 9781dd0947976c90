/*
 * fuzz_providers.c — libFuzzer target: the parsers of what remote providers
 * answer (OpenAI's error bodies and rate-limit durations, Lulu's error
 * bodies, job statuses and tracking).  A provider, a proxy in front of it or
 * an attacker on the path may send anything: never crash, always produce a
 * verdict and words an operator can read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openai.h"
#include "print_lulu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks an HTTP status; the rest is the body. */
    static const long statuses[] = {200, 400, 401, 403, 404, 408, 429, 500, 502, 503};
    long status = size ? statuses[data[0] % 10] : 200;
    char *body = malloc(size + 1);
    if (!body)
        return 0;
    if (size)
        memcpy(body, data + 1, size - 1);
    body[size ? size - 1 : 0] = 0;
    size_t blen = size ? size - 1 : 0;

    struct openai_verdict v;
    openai_classify(status, body, size > 2 ? data[1] : -1, size > 3 ? data[2] * 100 : -1, &v);
    if (v.kind == ERR_NONE && (status < 200 || status > 299))
        abort();
    if (!memchr(v.reason, 0, sizeof v.reason))
        abort();
    (void)openai_duration_ms(body);

    char *words = print_lulu_error_words(body, blen);
    if (!words)
        abort();
    free(words);

    json_t *j = json_loadb(body, blen, 0, NULL);
    if (j) {
        struct print_lulu_status st = {0};
        struct err e = {0};
        if (print_lulu_status_parse(j, &st, &e) == 0)
            (void)print_lulu_phase(st.name);
        print_lulu_status_free(&st);
        json_decref(print_lulu_job_tracking(j));
        json_decref(j);
    }
    free(body);
    return 0;
}
