/*
 * art_pen.c — the built-in illustrator's brushes: every shape of every
 * picture is painted here, in the book's style.
 *
 * The drawing code builds a cairo path and calls art_pen_fill() or
 * art_pen_stroke(); the pen decides what "paint" means:
 *   flat         solid colour, a soft offset shadow, a thin darker outline;
 *   watercolour  a pale opaque base, then translucent washes shifted by a
 *                pixel or two (the soft double edge of wet paint), a faint
 *                darker rim where pigment pools, and a granulated paper;
 *   crayon       solid wax, darker streaks through a small repeated tile,
 *                a jittered outline, and white paper tooth over everything.
 * Textures are tiles of a few hundred pixels repeated by cairo, so no code
 * here walks over every pixel of a full-size page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "art_draw.h"

/* The tile's size; texture sizes are given for a 2625-pixel page, where one
 * scene unit is 2.625 pixels, and scaled for other sizes. */
#define PEN_TILE 192
#define PEN_FULL_U 2.625

struct art_rgb
art_hex(uint32_t v)
{
    struct art_rgb c = {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                        (v & 0xff) / 255.0};
    return c;
}

struct art_rgb
art_mix(struct art_rgb a, struct art_rgb b, double t)
{
    struct art_rgb c = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
    return c;
}

struct art_rgb
art_darker(struct art_rgb c, double k)
{
    struct art_rgb black = {0, 0, 0};
    return art_mix(c, black, k);
}

struct art_rgb
art_lighter(struct art_rgb c, double k)
{
    struct art_rgb white = {1, 1, 1};
    return art_mix(c, white, k);
}

/* splitmix32: tiny, and good enough to scatter brush strokes. */
uint32_t
art_rand_u32(uint32_t *s)
{
    uint32_t z = (*s += 0x9E3779B9u);
    z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
    z = (z ^ (z >> 13)) * 0xC2B2AE35u;
    return z ^ (z >> 16);
}

double
art_rand(uint32_t *s)
{
    return (art_rand_u32(s) >> 8) / 16777216.0;
}

double
art_rand_in(uint32_t *s, double lo, double hi)
{
    return lo + (hi - lo) * art_rand(s);
}

enum art_style
art_style_from_name(const char *name)
{
    if (name && strcmp(name, "flat") == 0)
        return ART_STYLE_FLAT;
    if (name && strcmp(name, "crayon") == 0)
        return ART_STYLE_CRAYON;
    return ART_STYLE_WATERCOLOUR;
}

/* A texture tile, premultiplied ARGB, made at the page's own scale (k: the
 * scale of a 2625-pixel page) so that cairo repeats it pixel for pixel:
 * a scaled or filtered repeat costs ten times more on a full page.
 *   streaks: short wax strokes at angle a, colour c (crayon);
 *   noise:   granulation, fine grain over a few soft blotches (watercolour). */
enum pen_tile { PEN_STREAKS, PEN_NOISE };

static cairo_surface_t *
pen_make_tile(enum pen_tile kind, double k, struct art_rgb c, double alpha, double angle,
              uint32_t seed)
{
    int n = (int)lround(PEN_TILE * k);
    if (n < 8)
        n = 8;
    cairo_surface_t *t = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n, n);
    if (cairo_surface_status(t) != CAIRO_STATUS_SUCCESS)
        return t;
    uint32_t rng = seed;
    if (kind == PEN_STREAKS) {
        cairo_t *cr = cairo_create(t);
        cairo_scale(cr, (double)n / PEN_TILE, (double)n / PEN_TILE);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        for (int i = 0; i < 260; i++) {
            double x = art_rand(&rng) * PEN_TILE, y = art_rand(&rng) * PEN_TILE;
            double len = art_rand_in(&rng, 5, 22), a = angle + art_rand_in(&rng, -0.15, 0.15);
            cairo_set_line_width(cr, art_rand_in(&rng, 0.7, 1.8));
            cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha * art_rand_in(&rng, 0.3, 1));
            /* Each streak at its place and wrapped, so the tile repeats seamlessly. */
            for (int dx = -1; dx <= 1; dx++)
                for (int dy = -1; dy <= 1; dy++) {
                    double ox = x + dx * PEN_TILE, oy = y + dy * PEN_TILE;
                    if (ox + len < 0 || ox - len > PEN_TILE || oy + len < 0 ||
                        oy - len > PEN_TILE)
                        continue;
                    cairo_move_to(cr, ox, oy);
                    cairo_line_to(cr, ox + len * cos(a), oy + len * sin(a));
                    cairo_stroke(cr);
                }
        }
        cairo_destroy(cr);
        cairo_surface_flush(t);
        return t;
    }
    /* Value noise on an 8×8 lattice, wrapped, plus per-pixel grain. */
    enum { G = 8 };
    double lat[G][G];
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++)
            lat[i][j] = art_rand(&rng);
    cairo_surface_flush(t);
    unsigned char *d = cairo_image_surface_get_data(t);
    int stride = cairo_image_surface_get_stride(t);
    for (int y = 0; y < n; y++) {
        double fy = (double)y * G / n;
        int y0 = (int)fy % G, y1 = (y0 + 1) % G;
        double ty = fy - floor(fy);
        ty = ty * ty * (3 - 2 * ty);
        uint32_t *row = (uint32_t *)(d + (size_t)y * stride);
        for (int x = 0; x < n; x++) {
            double fx = (double)x * G / n;
            int x0 = (int)fx % G, x1 = (x0 + 1) % G;
            double tx = fx - floor(fx);
            tx = tx * tx * (3 - 2 * tx);
            double v = (lat[y0][x0] * (1 - tx) + lat[y0][x1] * tx) * (1 - ty) +
                       (lat[y1][x0] * (1 - tx) + lat[y1][x1] * tx) * ty;
            double g = art_rand(&rng);
            double a = alpha * (0.55 * v + 0.45 * g * g);
            uint32_t A = (uint32_t)lround(a * 255);
            row[x] = A << 24 | (uint32_t)lround(c.r * A) << 16 | (uint32_t)lround(c.g * A) << 8 |
                     (uint32_t)lround(c.b * A);
        }
    }
    cairo_surface_mark_dirty(t);
    return t;
}

static cairo_pattern_t *
pen_tile_pattern(cairo_surface_t *t)
{
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(t);
    cairo_surface_destroy(t);
    cairo_pattern_set_extend(pat, CAIRO_EXTEND_REPEAT);
    cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
    return pat;
}

int
art_pen_init(struct art_pen *p, cairo_t *cr, enum art_style style, int w, int h,
             uint32_t seed)
{
    p->cr = cr;
    p->style = style;
    p->u = (w < h ? w : h) / 1000.0;
    p->rng = seed ^ 0x5EED5EEDu;
    p->light = art_hex(0xffffff);
    p->light_k = 0;
    p->grain = p->paper = NULL;
    if (style == ART_STYLE_FLAT)
        return 0;
    /* Fixed tile seeds: the paper is the same sheet on every page, as it
     * would be in a real sketchbook. */
    double k = p->u / PEN_FULL_U;
    cairo_surface_t *g = NULL, *q;
    if (style == ART_STYLE_CRAYON) {
        g = pen_make_tile(PEN_STREAKS, k, art_hex(0x000000), 0.16, -0.7, 11);
        q = pen_make_tile(PEN_STREAKS, k, art_hex(0xfbf7ee), 0.5, 0.75, 12);
    } else {
        q = pen_make_tile(PEN_NOISE, k * 1.6, art_hex(0x5a4a3a), 0.12, 0, 13);
    }
    if ((g && cairo_surface_status(g) != CAIRO_STATUS_SUCCESS) ||
        cairo_surface_status(q) != CAIRO_STATUS_SUCCESS) {
        if (g)
            cairo_surface_destroy(g);
        cairo_surface_destroy(q);
        return -1;
    }
    if (g) {
        /* The paper for crayon is the tooth over the wax streaks, both in
         * one tile: OVER is associative, so one pass over the page paints
         * what two would. */
        cairo_t *cr2 = cairo_create(q);
        cairo_set_operator(cr2, CAIRO_OPERATOR_DEST_OVER);
        cairo_set_source_surface(cr2, g, 0, 0);
        cairo_paint(cr2);
        cairo_destroy(cr2);
        cairo_surface_flush(q);
    }
    p->grain = g ? pen_tile_pattern(g) : NULL;
    p->paper = pen_tile_pattern(q);
    return 0;
}

void
art_pen_fini(struct art_pen *p)
{
    if (p->grain)
        cairo_pattern_destroy(p->grain);
    if (p->paper)
        cairo_pattern_destroy(p->paper);
    p->grain = p->paper = NULL;
}

/* Each style's own colour: watercolour's pigment is thin, so its colours
 * are paler and a little greyed (the paper shows through); crayon's wax is
 * dense, so its colours are fuller and a little deeper; flat keeps the
 * palette as it is. */
static struct art_rgb
pen_style_colour(enum art_style style, struct art_rgb c)
{
    double m = (c.r + c.g + c.b) / 3, k;
    switch (style) {
    case ART_STYLE_WATERCOLOUR:
        k = 0.9;
        c = (struct art_rgb){m + (c.r - m) * k, m + (c.g - m) * k, m + (c.b - m) * k};
        return art_mix(c, art_hex(0xfdfaf2), 0.05);
    case ART_STYLE_CRAYON:
        k = 1.3;
        c = (struct art_rgb){m + (c.r - m) * k, m + (c.g - m) * k, m + (c.b - m) * k};
        c.r = fmin(fmax(c.r, 0), 1);
        c.g = fmin(fmax(c.g, 0), 1);
        c.b = fmin(fmax(c.b, 0), 1);
        return art_darker(c, 0.05);
    case ART_STYLE_FLAT:
        break;
    }
    return c;
}

struct art_rgb
art_pen_colour(const struct art_pen *p, struct art_rgb c, int flags)
{
    c = pen_style_colour(p->style, c);
    if ((flags & ART_NOLIGHT) || p->light_k <= 0)
        return c;
    struct art_rgb lit = {c.r * p->light.r, c.g * p->light.g, c.b * p->light.b};
    return art_mix(c, lit, p->light_k);
}

static void
pen_source(cairo_t *cr, struct art_rgb c, double a)
{
    if (a >= 1)
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
    else
        cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

/* A distance of d device pixels in user units (the drawing may be scaled). */
static double
pen_dev(cairo_t *cr, double d)
{
    double dx = d, dy = 0;
    cairo_device_to_user_distance(cr, &dx, &dy);
    return hypot(dx, dy);
}

/* Replays path shifted by (dx, dy) device pixels. */
static void
pen_append_shifted(cairo_t *cr, const cairo_path_t *path, double dx, double dy)
{
    cairo_device_to_user_distance(cr, &dx, &dy);
    cairo_save(cr);
    cairo_translate(cr, dx, dy);
    cairo_new_path(cr);
    cairo_append_path(cr, path);
    cairo_restore(cr); /* the path keeps the shift: cairo stores it in device space */
}

/* Replays path as a hand-drawn line: flattened, cut into short steps, each
 * point moved by up to j device pixels. */
static void
pen_append_jittered(struct art_pen *p, const cairo_path_t *path, double j)
{
    cairo_t *cr = p->cr;
    double ju = pen_dev(cr, j), step = pen_dev(cr, 9 * p->u);
    cairo_new_path(cr);
    cairo_append_path(cr, path);
    /* Flattened only as finely as the jitter can show: a hand's wobble of
     * ju hides an error of half of it (and a finer path is a dearer
     * stroke). */
    double tol = cairo_get_tolerance(cr);
    cairo_set_tolerance(cr, fmax(tol, 0.5 * j)); /* j and tolerances: device pixels */
    cairo_path_t *flat = cairo_copy_path_flat(cr);
    cairo_set_tolerance(cr, tol);
    cairo_new_path(cr);
    if (flat->status != CAIRO_STATUS_SUCCESS) {
        cairo_path_destroy(flat);
        return;
    }
    double lx = 0, ly = 0, sx = 0, sy = 0;
    for (int i = 0; i < flat->num_data; i += flat->data[i].header.length) {
        cairo_path_data_t *d = &flat->data[i];
        switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO:
            lx = sx = d[1].point.x;
            ly = sy = d[1].point.y;
            cairo_move_to(cr, lx + art_rand_in(&p->rng, -ju, ju),
                          ly + art_rand_in(&p->rng, -ju, ju));
            break;
        case CAIRO_PATH_CLOSE_PATH:
        case CAIRO_PATH_LINE_TO: {
            double x = d->header.type == CAIRO_PATH_LINE_TO ? d[1].point.x : sx;
            double y = d->header.type == CAIRO_PATH_LINE_TO ? d[1].point.y : sy;
            double len = hypot(x - lx, y - ly);
            int n = (int)(len / step) + 1;
            if (n > 400)
                n = 400;
            for (int k = 1; k <= n; k++) {
                double t = (double)k / n;
                cairo_line_to(cr, lx + (x - lx) * t + art_rand_in(&p->rng, -ju, ju),
                              ly + (y - ly) * t + art_rand_in(&p->rng, -ju, ju));
            }
            lx = x;
            ly = y;
            break;
        }
        case CAIRO_PATH_CURVE_TO: /* never in a flattened path */
            break;
        }
    }
    cairo_path_destroy(flat);
}

/* The wax streaks through the current clip, in device space. */
static void
pen_grain(struct art_pen *p)
{
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_set_source(cr, p->grain);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* Two or three paler or deeper blotches inside a large wash, as wet paint
 * dries unevenly. */
static void
pen_blooms(struct art_pen *p, const cairo_path_t *path, struct art_rgb c)
{
    cairo_t *cr = p->cr;
    double x1, y1, x2, y2;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_append_path(cr, path);
    cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
    double bx1, by1, bx2, by2;
    cairo_path_extents(cr, &bx1, &by1, &bx2, &by2);
    cairo_clip(cr);
    if (bx1 > x1)
        x1 = bx1;
    if (by1 > y1)
        y1 = by1;
    if (bx2 < x2)
        x2 = bx2;
    if (by2 < y2)
        y2 = by2;
    /* Blooms show only in a large wash: a far pine or a bush does not get
     * them (and they are the dearest part of a wash). */
    double dev_w = x2 - x1, dev_h = y2 - y1;
    cairo_user_to_device_distance(cr, &dev_w, &dev_h);
    double big = 0.004 * (double)p->u * p->u * 1e6;
    if (x2 > x1 && y2 > y1 && fabs(dev_w * dev_h) > big) {
        for (int i = 0; i < 3; i++) {
            double cx = art_rand_in(&p->rng, x1, x2), cy = art_rand_in(&p->rng, y1, y2);
            double rx = (x2 - x1) * art_rand_in(&p->rng, 0.12, 0.3);
            double ry = (y2 - y1) * art_rand_in(&p->rng, 0.2, 0.5);
            art_path_blob(cr, &p->rng, cx, cy, rx, ry, 0.25);
            struct art_rgb b = (i & 1) ? art_lighter(c, 0.25) : art_darker(c, 0.1);
            pen_source(cr, b, 0.22);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

static void
pen_fill_impl(struct art_pen *p, struct art_rgb col, double alpha, int flags)
{
    cairo_t *cr = p->cr;
    col = art_pen_colour(p, col, flags);
    if ((flags & ART_PLAIN) || alpha < 1) {
        pen_source(cr, col, alpha);
        cairo_fill(cr);
        return;
    }
    cairo_path_t *path = cairo_copy_path(cr);
    cairo_new_path(cr);
    int fg = !(flags & ART_BG), uni = (flags & ART_UNION) && fg;
    double u = p->u;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    switch (p->style) {
    case ART_STYLE_FLAT:
        if (fg && !(flags & ART_NOSHADOW)) {
            pen_append_shifted(cr, path, 1.6 * u, 2.2 * u);
            pen_source(cr, art_hex(0x1c1430), 0.16);
            cairo_fill(cr);
        }
        cairo_append_path(cr, path);
        if (fg) {
            /* A union is outlined first and filled over, hiding the inner
             * edges; a plain shape is filled and outlined on top. */
            cairo_set_line_width(cr, pen_dev(cr, (uni ? 2.2 : 1.1) * u));
            pen_source(cr, art_darker(col, 0.4), uni ? 1 : 0.8);
            if (uni)
                cairo_stroke_preserve(cr);
            pen_source(cr, col, 1);
            if (uni) {
                cairo_fill(cr);
                break;
            }
            cairo_fill_preserve(cr);
            /* Flat: one ink for every outline, as in a vector drawing. */
            cairo_set_line_width(cr, pen_dev(cr, 1.7 * u));
            pen_source(cr, art_mix(art_darker(col, 0.55), art_hex(0x2a2030), 0.6), 0.9);
            cairo_stroke(cr);
        } else {
            pen_source(cr, col, 1);
            cairo_fill(cr);
        }
        break;
    case ART_STYLE_WATERCOLOUR: {
        double s = fg ? 2.0 : 3.0;
        if (uni) {
            cairo_append_path(cr, path);
            cairo_set_line_width(cr, pen_dev(cr, 3.0 * u));
            pen_source(cr, art_mix(col, art_darker(col, 0.3), 0.45), 1);
            cairo_stroke(cr);
        }
        cairo_append_path(cr, path);
        pen_source(cr, art_lighter(col, 0.25), 1);
        cairo_fill(cr);
        pen_append_shifted(cr, path, art_rand_in(&p->rng, -s, s) * u,
                           art_rand_in(&p->rng, -s, s) * u);
        pen_source(cr, col, 0.55);
        cairo_fill(cr);
        if (fg) {
            /* A second, darker wash: the double edge of wet paint (the
             * land and sky get their unevenness from blooms instead). */
            pen_append_shifted(cr, path, art_rand_in(&p->rng, -s, s) * u,
                               art_rand_in(&p->rng, -s, s) * u);
            pen_source(cr, art_darker(col, 0.08), 0.3);
            cairo_fill(cr);
        } else {
            pen_blooms(p, path, col);
        }
        if (uni)
            break;
        cairo_append_path(cr, path);
        cairo_set_line_width(cr, pen_dev(cr, (fg ? 1.5 : 2.5) * u));
        pen_source(cr, art_darker(col, 0.3), fg ? 0.45 : 0.15);
        cairo_stroke(cr);
        break;
    }
    case ART_STYLE_CRAYON:
        if (uni) {
            pen_append_jittered(p, path, 1.1 * u);
            cairo_set_line_width(cr, pen_dev(cr, 4.4 * u));
            pen_source(cr, art_darker(col, 0.5), 0.85);
            cairo_stroke(cr);
        }
        cairo_save(cr);
        cairo_append_path(cr, path);
        pen_source(cr, col, 1);
        if (fg) {
            cairo_fill_preserve(cr);
            cairo_clip(cr);
            pen_grain(p);
        } else {
            cairo_fill(cr); /* the land and sky get their streaks from the paper */
        }
        cairo_restore(cr);
        if (uni)
            break;
        pen_append_jittered(p, path, 1.1 * u);
        cairo_set_line_width(cr, pen_dev(cr, (fg ? 2.2 : 1.6) * u));
        pen_source(cr, art_darker(col, fg ? 0.5 : 0.25), fg ? 0.85 : 0.5);
        cairo_stroke(cr);
        break;
    }
    cairo_path_destroy(path);
}

void
art_pen_fill(struct art_pen *p, struct art_rgb c, int flags)
{
    pen_fill_impl(p, c, 1, flags);
}

void
art_pen_fill_alpha(struct art_pen *p, struct art_rgb c, double alpha, int flags)
{
    pen_fill_impl(p, c, alpha, flags);
}

void
art_pen_fill_source(struct art_pen *p, cairo_pattern_t *src)
{
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_set_source(cr, src);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void
pen_stroke_impl(struct art_pen *p, struct art_rgb col, double alpha, double width, int flags)
{
    cairo_t *cr = p->cr;
    col = art_pen_colour(p, col, flags);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if ((flags & ART_PLAIN) || alpha < 1) {
        cairo_set_line_width(cr, width);
        pen_source(cr, col, alpha);
        cairo_stroke(cr);
        return;
    }
    cairo_path_t *path = cairo_copy_path(cr);
    cairo_new_path(cr);
    int fg = !(flags & ART_BG);
    double u = p->u;
    switch (p->style) {
    case ART_STYLE_FLAT:
        if (fg && !(flags & ART_NOSHADOW)) {
            pen_append_shifted(cr, path, 1.6 * u, 2.2 * u);
            cairo_set_line_width(cr, width);
            pen_source(cr, art_hex(0x1c1430), 0.16);
            cairo_stroke(cr);
        }
        cairo_append_path(cr, path);
        if (fg) {
            cairo_set_line_width(cr, width + pen_dev(cr, 2.2 * u));
            pen_source(cr, art_darker(col, 0.4), 0.8);
            cairo_stroke_preserve(cr);
        }
        cairo_set_line_width(cr, width);
        pen_source(cr, col, 1);
        cairo_stroke(cr);
        break;
    case ART_STYLE_WATERCOLOUR:
        cairo_append_path(cr, path);
        if (fg) {
            cairo_set_line_width(cr, width + pen_dev(cr, 2.6 * u));
            pen_source(cr, art_darker(col, 0.3), 0.4);
            cairo_stroke_preserve(cr);
        }
        cairo_set_line_width(cr, width);
        pen_source(cr, art_lighter(col, 0.2), 1);
        cairo_stroke(cr);
        pen_append_shifted(cr, path, art_rand_in(&p->rng, -1.2, 1.2) * u,
                           art_rand_in(&p->rng, -1.2, 1.2) * u);
        cairo_set_line_width(cr, width * 0.85);
        pen_source(cr, col, 0.6);
        cairo_stroke(cr);
        break;
    case ART_STYLE_CRAYON:
        if (fg) {
            pen_append_jittered(p, path, 1.0 * u);
            cairo_set_line_width(cr, width + pen_dev(cr, 3.4 * u));
            pen_source(cr, art_darker(col, 0.5), 0.85);
            cairo_stroke(cr);
        }
        cairo_append_path(cr, path);
        cairo_set_line_width(cr, width);
        pen_source(cr, col, 1);
        cairo_stroke(cr);
        pen_append_jittered(p, path, 0.8 * u);
        cairo_set_line_width(cr, width * 0.35);
        pen_source(cr, art_darker(col, 0.2), 0.35);
        cairo_stroke(cr);
        break;
    }
    cairo_path_destroy(path);
}

void
art_pen_stroke(struct art_pen *p, struct art_rgb c, double width, int flags)
{
    pen_stroke_impl(p, c, 1, width, flags);
}

void
art_pen_stroke_alpha(struct art_pen *p, struct art_rgb c, double alpha, double width,
                     int flags)
{
    pen_stroke_impl(p, c, alpha, width, flags);
}

void
art_pen_paper(struct art_pen *p, int w, int h)
{
    cairo_t *cr = p->cr;
    if (!p->paper)
        return;
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_reset_clip(cr);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_clip(cr);
    /* Crayon: the wax streaks over everything (the paper's tooth is under
     * every colour) and the white flecks where wax skipped.  Watercolour:
     * pigment settled in the hollows of cold-pressed paper. */
    cairo_set_source(cr, p->paper);
    cairo_paint(cr);
    cairo_restore(cr);
}

void
art_path_circle(cairo_t *cr, double x, double y, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    cairo_close_path(cr);
}

void
art_path_ellipse(cairo_t *cr, double x, double y, double rx, double ry)
{
    if (rx <= 0 || ry <= 0)
        return;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, rx, ry);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
    cairo_close_path(cr);
    cairo_restore(cr);
}

void
art_path_blob(cairo_t *cr, uint32_t *rng, double x, double y, double rx, double ry,
              double wobble)
{
    enum { N = 9 };
    double px[N], py[N];
    for (int i = 0; i < N; i++) {
        double a = 2 * M_PI * i / N, k = 1 + art_rand_in(rng, -wobble, wobble);
        px[i] = x + cos(a) * rx * k;
        py[i] = y + sin(a) * ry * k;
    }
    /* A closed Catmull-Rom curve through the points, as Béziers. */
    cairo_new_sub_path(cr);
    cairo_move_to(cr, px[0], py[0]);
    for (int i = 0; i < N; i++) {
        int i0 = (i + N - 1) % N, i2 = (i + 1) % N, i3 = (i + 2) % N;
        cairo_curve_to(cr, px[i] + (px[i2] - px[i0]) / 6, py[i] + (py[i2] - py[i0]) / 6,
                       px[i2] - (px[i3] - px[i]) / 6, py[i2] - (py[i3] - py[i]) / 6, px[i2],
                       py[i2]);
    }
    cairo_close_path(cr);
}

/* The angle of a point on a circle, in [0, 2π). */
static double
pen_angle(double x, double y, double cx, double cy)
{
    double a = atan2(y - cy, x - cx);
    return a < 0 ? a + 2 * M_PI : a;
}

void
art_path_cloud(cairo_t *cr, uint32_t *rng, double x, double y, double w, double h)
{
    /* Overlapping circles along a flat bottom, outlined as one shape (arc
     * to arc through their upper intersections) so no seam shows inside. */
    enum { NMAX = 5 };
    int n = 3 + (int)(art_rand(rng) * 3);
    double cx[NMAX] = {0}, cy[NMAX] = {0}, r[NMAX] = {0}, bottom = y + h;
    for (int i = 0; i < n; i++)
        r[i] = h * (0.5 + 0.45 * sin(M_PI * (i + 0.5) / n)) * art_rand_in(rng, 0.88, 1.05);
    for (int i = 0; i < n; i++) {
        cx[i] = x + r[0] * 0.8 + (w - r[0] * 0.8 - r[n - 1] * 0.8) * i / (n - 1);
        cy[i] = bottom - r[i] * 0.5;
    }
    for (int i = 0; i + 1 < n; i++) {
        double d = hypot(cx[i + 1] - cx[i], cy[i + 1] - cy[i]);
        if (d > 0.9 * (r[i] + r[i + 1])) { /* too far apart to touch: grow both */
            double k = d / (0.9 * (r[i] + r[i + 1]));
            r[i] *= k;
            r[i + 1] *= k;
            cy[i] = bottom - r[i] * 0.5;
            cy[i + 1] = bottom - r[i + 1] * 0.5;
        }
    }
    double a0 = M_PI - asin(fmin(1, (bottom - cy[0]) / r[0]));
    cairo_new_sub_path(cr);
    for (int i = 0; i < n; i++) {
        double a1;
        double nb = 0;
        if (i == n - 1) {
            a1 = 2 * M_PI + asin(fmin(1, (bottom - cy[i]) / r[i]));
        } else {
            /* The upper intersection of circles i and i + 1. */
            double dx = cx[i + 1] - cx[i], dy = cy[i + 1] - cy[i], d = hypot(dx, dy);
            double a = (r[i] * r[i] - r[i + 1] * r[i + 1] + d * d) / (2 * d);
            double hh = sqrt(fmax(0, r[i] * r[i] - a * a));
            double px = cx[i] + a * dx / d, py = cy[i] + a * dy / d;
            double ix = px + hh * dy / d, iy = py - hh * dx / d;
            if (py + hh * dx / d < iy) { /* take the higher of the two points */
                ix = px - hh * dy / d;
                iy = py + hh * dx / d;
            }
            a1 = pen_angle(ix, iy, cx[i], cy[i]);
            if (a1 < a0)
                a1 += 2 * M_PI;
            nb = pen_angle(ix, iy, cx[i + 1], cy[i + 1]);
        }
        cairo_arc(cr, cx[i], cy[i], r[i], a0, a1);
        a0 = nb;
    }
    cairo_close_path(cr);
}

void
art_path_star(cairo_t *cr, double x, double y, double ro, double ri, double rot)
{
    cairo_new_sub_path(cr);
    for (int i = 0; i < 10; i++) {
        double a = rot - M_PI / 2 + i * M_PI / 5, r = (i & 1) ? ri : ro;
        if (i == 0)
            cairo_move_to(cr, x + r * cos(a), y + r * sin(a));
        else
            cairo_line_to(cr, x + r * cos(a), y + r * sin(a));
    }
    cairo_close_path(cr);
}

void
art_path_heart(cairo_t *cr, double x, double y, double s)
{
    cairo_new_sub_path(cr);
    cairo_move_to(cr, x, y);
    cairo_curve_to(cr, x - s * 0.1, y - s * 0.25, x - s * 0.6, y - s * 0.45, x - s * 0.5,
                   y - s * 0.8);
    cairo_curve_to(cr, x - s * 0.4, y - s * 1.05, x - s * 0.05, y - s * 1.0, x, y - s * 0.75);
    cairo_curve_to(cr, x + s * 0.05, y - s * 1.0, x + s * 0.4, y - s * 1.05, x + s * 0.5,
                   y - s * 0.8);
    cairo_curve_to(cr, x + s * 0.6, y - s * 0.45, x + s * 0.1, y - s * 0.25, x, y);
    cairo_close_path(cr);
}
