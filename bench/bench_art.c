/*
 * bench_art.c — what the built-in illustrator costs: CPU time per full-size
 * illustration (drawing and JPEG encoding apart) in each style, CPU time
 * and peak resident memory for a whole 32-page 8.5x8.5 book through
 * art_draw_book() (33 pictures), and the figures behind the choice of JPEG:
 * size and encoding time of one page as JPEG (several settings) and as PNG.
 *
 * Usage: bench_art [WORKDIR]   (default: a fresh directory under $TMPDIR)
 * Built and run by bench/run.sh against build/libstorypress.a.
 * CPU times come from clock_gettime(CLOCK_PROCESS_CPUTIME_ID), the book's
 * from the child process that draws it (wait4), so disk waits do not count.
 */
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
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
#include <jpeglib.h>

#include "art.h"
#include "art_draw.h"
#include "config.h"
#include "fsutil.h"
#include "vocab.h"

#define BENCH_SIZE 2625 /* 8.5x8.5 in with bleed at 300 dpi */
#define BENCH_PICTURES 6

static double
bench_cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* A varied scene: picture i of a book walks through the vocabularies. */
static json_t *
bench_scene(int i)
{
    json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s,s], s:s}", "setting",
                          vocab_settings[(i * 7) % vocab_count(vocab_settings)], "time_of_day",
                          vocab_times[i % 4], "weather", vocab_weathers[(i / 2) % 5], "action",
                          vocab_actions[i % vocab_count(vocab_actions)], "mood",
                          vocab_moods[i % vocab_count(vocab_moods)], "companions",
                          vocab_objects[(i * 5) % vocab_count(vocab_objects)], "objects",
                          vocab_objects[(i * 11 + 3) % vocab_count(vocab_objects)],
                          vocab_objects[(i * 13 + 8) % vocab_count(vocab_objects)],
                          "description", "a benchmark scene");
    return s;
}

static const char *bench_order_json =
    "{\"order_id\": \"BENCH-1\", \"child\": {\"name\": \"Maya\", \"age\": 5, \"pronouns\": "
    "\"she\", \"appearance\": {\"hair_colour\": \"dark_brown\", \"hair_style\": \"curly\","
    " \"skin_tone\": \"brown\", \"eye_colour\": \"brown\", \"glasses\": false}},"
    " \"book\": {\"language\": \"en\", \"theme\": \"forest\", \"style\": \"%s\", \"pages\": 32,"
    " \"trim\": \"8.5x8.5\", \"binding\": \"hardcover\"}}";

/* ---- JPEG and PNG in memory, for the format figures ---------------------- */

struct bench_buf {
    unsigned char *d;
    size_t n, cap;
};

static cairo_status_t
bench_png_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct bench_buf *b = closure;
    if (b->n + len > b->cap) {
        size_t cap = (b->n + len) * 2;
        unsigned char *d = realloc(b->d, cap);
        if (!d)
            return CAIRO_STATUS_NO_MEMORY;
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Encodes s (RGB24) with the given settings; returns the size, *ms the CPU. */
static unsigned long
bench_jpeg(cairo_surface_t *s, int quality, int h_samp, int optimize, double *ms)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *out = NULL;
    unsigned long len = 0;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    double t0 = bench_cpu_ms();
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &out, &len);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = 4;
    ci.in_color_space = JCS_EXT_BGRX;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    ci.comp_info[0].h_samp_factor = ci.comp_info[0].v_samp_factor = h_samp;
    ci.optimize_coding = optimize;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = data + (size_t)ci.next_scanline * (size_t)stride;
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    *ms = bench_cpu_ms() - t0;
    free(out);
    return len;
}

static void
bench_formats(cairo_surface_t *s)
{
    static const struct {
        const char *what;
        int q, samp, opt;
    } jpegs[] = {
        {"JPEG q90 4:2:0 standard tables (the art stage)", 90, 2, 0},
        {"JPEG q90 4:2:0 optimised tables", 90, 2, 1},
        {"JPEG q90 4:4:4 optimised", 90, 1, 1},
        {"JPEG q85 4:2:0 optimised", 85, 2, 1},
        {"JPEG q95 4:2:0 optimised", 95, 2, 1},
    };
    printf("\none %d×%d page, encoded in memory:\n", cairo_image_surface_get_width(s),
           cairo_image_surface_get_height(s));
    printf("  %-44s %10s %10s\n", "format", "bytes", "CPU ms");
    for (size_t i = 0; i < sizeof jpegs / sizeof jpegs[0]; i++) {
        double ms;
        unsigned long n = bench_jpeg(s, jpegs[i].q, jpegs[i].samp, jpegs[i].opt, &ms);
        printf("  %-44s %10lu %10.1f\n", jpegs[i].what, n, ms);
    }
    struct bench_buf b = {NULL, 0, 0};
    double t0 = bench_cpu_ms();
    cairo_status_t st = cairo_surface_write_to_png_stream(s, bench_png_write, &b);
    double ms = bench_cpu_ms() - t0;
    if (st == CAIRO_STATUS_SUCCESS)
        printf("  %-44s %10zu %10.1f\n", "PNG (cairo, zlib default)", b.n, ms);
    free(b.d);
}

/* ---- the book, in a child process ------------------------------------------ */

static int
bench_book(const char *work, const char *style)
{
    char *dir = fsu_join(work, style);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        free(dir);
        return -1;
    }
    if (pid == 0) {
        struct err e = {0};
        struct config *cfg = config_load(NULL, &e);
        char *oj = NULL;
        if (!cfg || asprintf(&oj, bench_order_json, style) < 0)
            _exit(1);
        json_t *order = json_loads(oj, 0, NULL);
        json_t *story = json_object(), *pages = json_array();
        json_object_set_new(story, "cover", json_pack("{s:o}", "scene", bench_scene(100)));
        for (int i = 0; i < 32; i++)
            json_array_append_new(pages, json_pack("{s:s, s:o}", "text", "Once upon a time.",
                                                   "scene", bench_scene(i)));
        json_object_set_new(story, "pages", pages);
        if (art_draw_book(cfg, NULL, order, story, dir, &e) < 0) {
            fprintf(stderr, "art_draw_book: %s\n", e.msg);
            _exit(1);
        }
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_art: the %s book failed\n", style);
        free(dir);
        return -1;
    }
    double cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
                 ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    long long bytes = 0;
    for (int i = 0; i <= 32; i++) {
        char name[32];
        snprintf(name, sizeof name, i ? "page-%02d.jpg" : "cover.jpg", i);
        char *p = fsu_join(dir, name);
        struct stat st;
        if (stat(p, &st) == 0)
            bytes += st.st_size;
        free(p);
    }
    printf("  %-12s %8.2f s CPU  %6.0f ms/picture  peak RSS %6.1f MB  %6.1f MB of JPEG\n", style,
           cpu / 1e3, cpu / 33, ru.ru_maxrss / 1024.0, bytes / 1048576.0);
    free(dir);
    return 0;
}

int
main(int argc, char **argv)
{
    char tmpl[] = "/tmp/bench_art.XXXXXX";
    const char *work = argc > 1 ? argv[1] : mkdtemp(tmpl);
    struct err e = {0};
    if (!work || fsu_mkdir_p(work, 0755, &e) < 0) {
        fprintf(stderr, "bench_art: no work directory: %s\n", e.msg);
        return 1;
    }
    struct art_character c;
    json_t *order = json_loads("{\"order_id\": \"BENCH-1\", \"child\": {\"appearance\": "
                               "{\"hair_style\": \"curly\", \"skin_tone\": \"brown\"}}}",
                               0, NULL);
    art_character_from_order(order, &c);

    printf("per illustration, %d×%d, mean of %d varied scenes (CPU ms):\n", BENCH_SIZE,
           BENCH_SIZE, BENCH_PICTURES);
    printf("  %-12s %8s %8s %8s %10s\n", "style", "draw", "encode", "total", "JPEG bytes");
    cairo_surface_t *keep = NULL;
    for (size_t k = 0; vocab_styles[k]; k++) {
        double draw = 0, enc = 0;
        long long bytes = 0;
        for (int i = 0; i < BENCH_PICTURES; i++) {
            json_t *sc = bench_scene(i * 3 + 1);
            double t0 = bench_cpu_ms();
            cairo_surface_t *s =
                art_builtin_draw(&c, sc, vocab_styles[k], BENCH_SIZE, BENCH_SIZE, 1000 + i, &e);
            double t1 = bench_cpu_ms();
            if (!s) {
                fprintf(stderr, "bench_art: %s\n", e.msg);
                return 1;
            }
            char *path = fsu_join(work, "one.jpg");
            if (art_write_jpeg(s, path, 90, &e) < 0) {
                fprintf(stderr, "bench_art: %s\n", e.msg);
                return 1;
            }
            double t2 = bench_cpu_ms();
            struct stat st;
            if (stat(path, &st) == 0)
                bytes += st.st_size;
            free(path);
            draw += t1 - t0;
            enc += t2 - t1;
            if (!keep && i == 0 && k == 0)
                keep = s;
            else
                cairo_surface_destroy(s);
            json_decref(sc);
        }
        printf("  %-12s %8.1f %8.1f %8.1f %10lld\n", vocab_styles[k], draw / BENCH_PICTURES,
               enc / BENCH_PICTURES, (draw + enc) / BENCH_PICTURES, bytes / BENCH_PICTURES);
    }
    if (keep) {
        bench_formats(keep);
        cairo_surface_destroy(keep);
    }
    printf("\na 32-page book through art_draw_book (cover + 32 pages, JPEG q90, files synced):\n");
    int rc = 0;
    for (size_t k = 0; vocab_styles[k]; k++)
        rc |= bench_book(work, vocab_styles[k]);
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    printf("\nthis process (single pictures and format figures): peak RSS %.1f MB\n",
           self.ru_maxrss / 1024.0);
    json_decref(order);
    return rc ? 1 : 0;
}
