/*
 * bench_upscale.c — what printing a remote picture at 300 dpi costs: the CPU
 * time and peak memory of taking one 1024 × 1024 answer to the 2625 × 2625
 * page of an 8.5x8.5 book (the strict decode of a PNG, libvips' resize and
 * the JPEG encoding apart), and a 1024 × 1536 answer to the 6x9 page.
 *
 * Usage: bench_upscale [WORKDIR]   Built and run by bench/run.sh.
 * Each case runs in a child process, so its peak resident memory (wait4's
 * ru_maxrss) is the case's own; CPU is the child's user + system time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>

#include "art.h"
#include "image_check.h"
#include "upscale.h"

/* A 1024-px picture with detail everywhere, as a PNG in memory. */
static cairo_status_t
bench_png_write(void *arg, const unsigned char *d, unsigned int n)
{
    FILE *f = arg;
    return fwrite(d, 1, n, f) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int
bench_case(const char *dir, int iw, int ih, int w, int h, int reps)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, iw, ih);
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < ih; y++)
        for (int x = 0; x < iw; x++)
            ((unsigned *)(void *)(px + (size_t)y * stride))[x] =
                (unsigned)(((x * 7) ^ (y * 13)) & 0xFF) << 16 | (unsigned)((x + y) & 0xFF) << 8 |
                (unsigned)((x * y) & 0xFF);
    cairo_surface_mark_dirty(s);
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    cairo_surface_write_to_png_stream(s, bench_png_write, mf);
    fclose(mf);
    cairo_surface_destroy(s);

    struct rusage ru;
    double dec = 0, up = 0, enc = 0;
    for (int r = 0; r < reps; r++) {
        struct timespec t0, t1, t2, t3;
        struct err e = {0};
        struct imgchk_limits lim = {2048, 32 << 20};
        struct imgchk_info info;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        unsigned char *rgb = imgchk_decode_rgb((unsigned char *)buf, len, &lim, &info, &e);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        cairo_surface_t *big = rgb ? upscale_cover(rgb, iw, ih, w, h, &e) : NULL;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t2);
        char path[4096];
        snprintf(path, sizeof path, "%s/page.jpg", dir);
        if (!big || art_write_jpeg(big, path, 90, &e) < 0) {
            fprintf(stderr, "bench_upscale: %s\n", e.msg);
            return 1;
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t3);
        free(rgb);
        cairo_surface_destroy(big);
        dec += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        up += (t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9;
        enc += (t3.tv_sec - t2.tv_sec) + (t3.tv_nsec - t2.tv_nsec) / 1e9;
    }
    free(buf);
    getrusage(RUSAGE_SELF, &ru);
    printf("%4d×%-4d → %4d×%-4d (×%.2f, %3.0f dpi of detail): CPU per picture: decode %5.1f ms, "
           "upscale %6.1f ms, JPEG %5.1f ms; peak RSS %ld MB (%d pictures)\n",
           iw, ih, w, h, upscale_factor(iw, ih, w, h), 300 / upscale_factor(iw, ih, w, h),
           dec * 1000 / reps, up * 1000 / reps, enc * 1000 / reps, ru.ru_maxrss / 1024, reps);
    fflush(stdout);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    static const int cases[][4] = {{1024, 1024, 2625, 2625}, {1024, 1536, 1875, 2775},
                                   {1536, 1024, 2625, 2625}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            _exit(bench_case(dir, cases[i][0], cases[i][1], cases[i][2], cases[i][3], 5));
        int st = 0;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            return 1;
        printf("    the process: %.2f s CPU (user + system, with libvips' threads), peak %ld MB\n",
               ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                   ru.ru_stime.tv_usec / 1e6,
               ru.ru_maxrss / 1024);
    }
    return 0;
}
