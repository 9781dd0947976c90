/*
 * bench_story.c — what the built-in story writer costs: CPU time per story
 * (and its validation) over the sample orders, both languages, 24 and 32
 * pages, many order ids; peak resident memory.
 *
 * Usage: bench_story   (from the source tree: reads config/samples)
 * Built and run by bench/run.sh against build/libstorypress.a.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "fsutil.h"
#include "order.h"
#include "story.h"

#define BENCH_IDS 200

static double
bench_cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
    /* bench/run.sh passes a work directory, not needed here. */
    (void)argc;
    (void)argv;
    const char *dir = "config/samples";
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return 1;
    }
    json_t *orders = json_array();
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".json"))
            continue;
        char *p = fsu_join(dir, de->d_name), *buf;
        size_t len;
        struct err e = {0};
        if (fsu_read_file(AT_FDCWD, p, ORDER_MAX_BYTES, &buf, &len, &e) == 0) {
            struct order_errors errs = {0};
            json_t *o = order_parse(buf, len, NULL, &errs);
            if (o)
                json_array_append_new(orders, o);
            order_errors_free(&errs);
            free(buf);
        }
        free(p);
    }
    closedir(d);
    size_t n = json_array_size(orders);
    if (!n) {
        fprintf(stderr, "bench_story: no valid order in %s\n", dir);
        return 1;
    }
    /* Warm the language data (loaded once per process). */
    struct err e = {0};
    json_decref(story_builtin_write(json_array_get(orders, 0), &e));
    double t0 = bench_cpu_ms(), worst = 0;
    long stories = 0, bytes = 0;
    for (int k = 0; k < BENCH_IDS; k++) {
        json_t *o = json_deep_copy(json_array_get(orders, (size_t)k % n));
        char id[32];
        snprintf(id, sizeof id, "B%05d", k);
        json_object_set_new(o, "order_id", json_string(id));
        json_object_set_new(json_object_get(o, "book"), "pages", json_integer(k % 2 ? 32 : 24));
        double s0 = bench_cpu_ms();
        json_t *st = story_builtin_write(o, &e);
        if (!st || story_validate(st, o, &e) < 0) {
            fprintf(stderr, "bench_story: %s: %s\n", id, e.msg);
            return 1;
        }
        char *text = json_dumps(st, JSON_INDENT(2));
        bytes += (long)strlen(text);
        free(text);
        double dt = bench_cpu_ms() - s0;
        if (dt > worst)
            worst = dt;
        stories++;
        json_decref(st);
        json_decref(o);
    }
    double total = bench_cpu_ms() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("story (builtin): %ld stories from %zu sample orders, en and fr, 24 and 32 pages\n",
           stories, n);
    printf("  CPU per story (write + validate + serialise): %.2f ms mean, %.2f ms worst\n",
           total / (double)stories, worst);
    printf("  story.json: %.1f KB mean\n", (double)bytes / (double)stories / 1024.0);
    printf("  peak memory: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    json_decref(orders);
    return 0;
}
