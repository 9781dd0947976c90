/*
 * bench_pdf.c — how much the pdf stage costs for one book: renders a
 * 32-page 8.5x8.5 hardcover (interior and cover) from full-size synthetic
 * illustrations and prints the CPU time (total and per interior page), the
 * peak resident memory and the sizes of the PDFs.  A second run with 8
 * story pages shows whether memory grows with the page count (it should
 * not: one picture is held at a time and never decoded).
 *
 * Usage: bench_pdf [WORKDIR]   (default: a fresh directory under $TMPDIR)
 * Built and run by bench/run.sh against build/libstorypress.a.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <jansson.h>

#include "art.h"
#include "config.h"
#include "fsutil.h"
#include "geom.h"
#include "render.h"

/* A busy picture (many soft shapes), so the JPEG is about as large as a
 * real illustration at the same quality. */
static int
bench_picture(const char *path, int w, int h, unsigned seed)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    srand(seed);
    cairo_set_source_rgb(cr, 0.6, 0.8, 0.95);
    cairo_paint(cr);
    for (int i = 0; i < 400; i++) {
        cairo_set_source_rgba(cr, rand() / (double)RAND_MAX, rand() / (double)RAND_MAX,
                              rand() / (double)RAND_MAX, 0.6);
        cairo_arc(cr, rand() % w, rand() % h, 20 + rand() % (w / 8), 0, 2 * M_PI);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_surface_flush(s);

    /* The art stage's own writer: baseline JPEG, as the renderer expects. */
    struct err e = {0};
    int rc = art_write_jpeg(s, path, 90, &e);
    if (rc < 0)
        fprintf(stderr, "bench_pdf: %s\n", e.msg);
    cairo_surface_destroy(s);
    return rc;
}

static json_t *
bench_story(size_t pages)
{
    json_t *scene = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:s}", "setting",
                              "forest", "time_of_day", "morning", "weather", "clear",
                              "action", "walking", "mood", "curious", "companions",
                              "objects", "description", "A walk in the forest.");
    json_t *arr = json_array();
    for (size_t i = 0; i < pages; i++)
        json_array_append_new(
            arr, json_pack(
                     "{s:s, s:O}", "text",
                     "Léa tiptoed between the giant ferns, where a little green dinosaur "
                     "was waiting for her with a basket of shiny red berries.",
                     "scene", scene));
    json_t *s =
        json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:O}, s:o}", "version", 1,
                  "order_id", "BENCH1", "language", "en", "provider", "builtin", "title",
                  "Léa and the Secret of Fern Valley", "dedication",
                  "For Léa, who is never too small for a big adventure.", "blurb",
                  "One morning, a little dinosaur knocks at the window. Where will it "
                  "lead? A gentle adventure through ferns, rivers and hills.",
                  "ending", "The End", "cover", "scene", scene, "pages", arr);
    json_decref(scene);
    return s;
}

static double
bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long
bench_size(const char *dir, const char *name)
{
    char *p = fsu_join(dir, name);
    struct stat st;
    long long n = stat(p, &st) == 0 ? (long long)st.st_size : -1;
    free(p);
    return n;
}

/* Renders one book of `pages` story pages in a child process, so that its
 * peak memory is its own; prints one line. */
static int
bench_run(const char *dir, size_t pages)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct err e = {0};
        struct config *cfg = config_load(NULL, &e);
        json_t *order =
            json_pack("{s:s, s:{s:s, s:i}, s:{s:s, s:s, s:s}}", "order_id", "BENCH1",
                      "child", "name", "Léa", "age", 5, "book", "language", "en", "trim",
                      "8.5x8.5", "binding", "hardcover");
        json_t *story = bench_story(pages);
        if (!cfg || !order || !story) {
            fprintf(stderr, "bench_pdf: setup: %s\n", e.msg);
            _exit(1);
        }
        double t0 = bench_cpu();
        if (render_book(cfg, order, story, dir, &e) < 0) {
            fprintf(stderr, "bench_pdf: render: %s\n", e.msg);
            _exit(1);
        }
        double cpu = bench_cpu() - t0;
        struct geom g;
        if (geom_compute("8.5x8.5", "hardcover", (int)pages + 4, &g, &e) < 0)
            _exit(1);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("pdf: %2zu story pages, %2d interior pages: cpu %.3f s (%.1f ms/page), "
               "peak rss %.1f MB, interior.pdf %.1f MB, cover.pdf %.1f MB\n",
               pages, g.interior_pages, cpu, cpu * 1000 / g.interior_pages,
               ru.ru_maxrss / 1024.0, bench_size(dir, "interior.pdf") / 1e6,
               bench_size(dir, "cover.pdf") / 1e6);
        fflush(stdout);
        json_decref(order);
        json_decref(story);
        config_free(cfg);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
    struct err e = {0};
    char *dir;
    if (argc > 1) {
        dir = strdup(argv[1]);
    } else {
        const char *tmp = getenv("TMPDIR");
        if (asprintf(&dir, "%s/bench_pdf.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
            !mkdtemp(dir)) {
            perror("bench_pdf: mkdtemp");
            return 1;
        }
    }
    char *art = fsu_join(dir, "art");
    if (fsu_mkdir_p(art, 0755, &e) < 0) {
        fprintf(stderr, "bench_pdf: %s\n", e.msg);
        return 1;
    }
    struct geom g;
    if (geom_compute("8.5x8.5", "hardcover", 36, &g, &e) < 0)
        return 1;
    /* Pictures are drawn in a child, so their memory is not counted. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i <= 32; i++) {
            char name[32];
            if (i == 0)
                snprintf(name, sizeof name, "cover.jpg");
            else
                snprintf(name, sizeof name, "page-%02d.jpg", i);
            char *p = fsu_join(art, name);
            if (bench_picture(p, g.art_w_px, g.art_h_px, (unsigned)i + 1) < 0) {
                fprintf(stderr, "bench_pdf: %s: %s\n", p, strerror(errno));
                _exit(1);
            }
            free(p);
        }
        _exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_pdf: could not draw the pictures\n");
        return 1;
    }
    printf("pdf: pictures %d x %d px, page-01.jpg %.2f MB\n", g.art_w_px, g.art_h_px,
           bench_size(art, "page-01.jpg") / 1e6);
    int rc = bench_run(dir, 8) == 0 && bench_run(dir, 32) == 0 ? 0 : 1;
    if (argc <= 1)
        fsu_remove_tree(dir, &e);
    free(art);
    free(dir);
    return rc;
}
