/*
 * art_scenery.c — the world behind the child: the sky for the time of day
 * and the weather, and one painted place for every word of vocab_settings.
 *
 * art_scenery_draw() paints back to front up to the figures and fills in the
 * art_stage (where the horizon is, whether this is a room or the sea...);
 * art_scenery_weather() adds what falls in front of everything.  Props that
 * could hide the child (a bench, a barn, a bed) keep out of the band where
 * the child stands (st->clear_x0..clear_x1).  An unknown setting is a meadow.
 */
#include <math.h>
#include <string.h>

#include "art_draw.h"

struct scen_time {
    const char *name;
    uint32_t top, mid, bottom; /* the sky, top to horizon */
    uint32_t light;            /* multiplied into every colour ... */
    double k;                  /* ... this much */
    uint32_t cloud;
};

static const struct scen_time scen_times[] = {
    {"morning", 0x8ec9ee, 0xc9e4f0, 0xffe0c2, 0xfff1de, 0.22, 0xfff6f0},
    {"day", 0x5aaee8, 0x94cdf0, 0xd6eff9, 0xffffff, 0.0, 0xffffff},
    {"evening", 0x5a5aa6, 0xdc8c9c, 0xffbf7e, 0xffc6a2, 0.32, 0xffd9c8},
    {"night", 0x0e1440, 0x1f2c6a, 0x3b4d90, 0x8494d8, 0.42, 0x56609a},
};

static const struct scen_time *
scen_time(const char *name)
{
    for (size_t i = 0; i < sizeof scen_times / sizeof scen_times[0]; i++)
        if (strcmp(scen_times[i].name, name) == 0)
            return &scen_times[i];
    return &scen_times[1];
}

/* The ground's colour as the weather leaves it: snow covers it. */
static struct art_rgb
scen_land(const struct art_scene *sc, uint32_t hex)
{
    struct art_rgb c = art_hex(hex);
    if (strcmp(sc->weather, "snow") == 0)
        c = art_mix(c, art_hex(0xf1f5fb), 0.78);
    return c;
}

/* A random x (pixels) in [lo, hi] × width, outside the child's band when
 * that is possible. */
static double
scen_free_x(const struct art_stage *st, uint32_t *rng, double lo, double hi, double half)
{
    double x = 0;
    for (int i = 0; i < 12; i++) {
        x = art_rand_in(rng, lo, hi) * st->w;
        if (x + half < st->clear_x0 || x - half > st->clear_x1)
            return x;
    }
    /* No room: the side with more space, against its edge. */
    if (st->clear_x0 > st->w - st->clear_x1)
        return st->clear_x0 - half;
    return st->clear_x1 + half;
}

/* ---- the sky ----------------------------------------------------------- */

static void
scen_clouds(struct art_pen *p, uint32_t *rng, double x, double y, double w, double h, int n,
            struct art_rgb col, double size)
{
    cairo_t *cr = p->cr;
    for (int i = 0; i < n; i++) {
        double cw = size * art_rand_in(rng, 0.8, 1.4), ch = cw * art_rand_in(rng, 0.28, 0.38);
        double cx = x + art_rand(rng) * (w - cw * 0.5) - cw * 0.25;
        double cy = y + art_rand(rng) * (h - ch);
        art_path_cloud(cr, rng, cx, cy, cw, ch);
        art_pen_fill(p, col, ART_BG);
    }
}

static void
scen_sun(struct art_pen *p, double x, double y, double r, struct art_rgb col)
{
    cairo_t *cr = p->cr;
    cairo_pattern_t *halo = cairo_pattern_create_radial(x, y, r * 0.9, x, y, r * 2.6);
    cairo_pattern_add_color_stop_rgba(halo, 0, col.r, col.g, col.b, 0.45);
    cairo_pattern_add_color_stop_rgba(halo, 1, col.r, col.g, col.b, 0);
    art_path_circle(cr, x, y, r * 2.6);
    cairo_set_source(cr, halo);
    cairo_fill(cr);
    cairo_pattern_destroy(halo);
    art_path_circle(cr, x, y, r);
    art_pen_fill(p, col, ART_BG | ART_NOLIGHT);
}

static void
scen_moon(struct art_pen *p, double x, double y, double r)
{
    cairo_t *cr = p->cr;
    cairo_pattern_t *halo = cairo_pattern_create_radial(x, y, r, x, y, r * 3);
    cairo_pattern_add_color_stop_rgba(halo, 0, 1, 0.97, 0.8, 0.25);
    cairo_pattern_add_color_stop_rgba(halo, 1, 1, 0.97, 0.8, 0);
    art_path_circle(cr, x, y, r * 3);
    cairo_set_source(cr, halo);
    cairo_fill(cr);
    cairo_pattern_destroy(halo);
    /* A crescent: the outer arc one way, an offset inner arc back. */
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, M_PI * 0.35, M_PI * 1.65);
    cairo_arc_negative(cr, x - r * 0.45, y - r * 0.15, r * 0.8, M_PI * 1.45, M_PI * 0.62);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfff2c0), ART_BG | ART_NOLIGHT);
}

static void
scen_stars(struct art_pen *p, uint32_t *rng, double x, double y, double w, double h, int n)
{
    cairo_t *cr = p->cr;
    double u = p->u;
    for (int i = 0; i < n; i++) {
        double sx = x + art_rand(rng) * w, sy = y + art_rand(rng) * h;
        double r = art_rand_in(rng, 2.5, 7) * u;
        if (art_rand(rng) < 0.3)
            art_path_star(cr, sx, sy, r * 1.6, r * 0.7, art_rand(rng));
        else
            art_path_circle(cr, sx, sy, r * 0.6);
        art_pen_fill(p, art_hex(0xfff6c8), ART_PLAIN | ART_NOLIGHT);
    }
}

/* Paints the sky into the rectangle (x, y, w, h), the horizon at hz: the
 * gradient, the sun or the moon, clouds.  Also used inside windows. */
static void
scen_sky(struct art_pen *p, const struct art_scene *sc, const struct art_stage *st,
         uint32_t *rng, double x, double y, double w, double h, double hz)
{
    cairo_t *cr = p->cr;
    const struct scen_time *t = scen_time(sc->time);
    struct art_rgb top = art_hex(t->top), mid = art_hex(t->mid), bot = art_hex(t->bottom);
    struct art_rgb cloud = art_hex(t->cloud);
    int clouds = 2, night = strcmp(sc->time, "night") == 0;
    double grey = 0;
    if (strcmp(sc->weather, "cloudy") == 0)
        grey = 0.35, clouds = 5;
    else if (strcmp(sc->weather, "rain") == 0)
        grey = 0.55, clouds = 6, cloud = art_mix(cloud, art_hex(0x8a93a6), 0.6);
    else if (strcmp(sc->weather, "snow") == 0)
        grey = 0.45, clouds = 4, cloud = art_mix(cloud, art_hex(0xdde2ea), 0.3);
    else if (strcmp(sc->weather, "wind") == 0)
        clouds = 4;
    if (grey > 0) {
        struct art_rgb g = art_hex(night ? 0x2a3050 : 0xb0b8c6);
        top = art_mix(top, g, grey);
        mid = art_mix(mid, g, grey);
        bot = art_mix(bot, g, grey * 0.8);
    }
    cairo_pattern_t *sky = cairo_pattern_create_linear(0, y, 0, hz);
    cairo_pattern_add_color_stop_rgb(sky, 0, top.r, top.g, top.b);
    cairo_pattern_add_color_stop_rgb(sky, 0.6, mid.r, mid.g, mid.b);
    cairo_pattern_add_color_stop_rgb(sky, 1, bot.r, bot.g, bot.b);
    cairo_rectangle(cr, x, y, w, h);
    art_pen_fill_source(p, sky);
    cairo_pattern_destroy(sky);

    /* The calm top of a cover (the title's place) gets no sun and no clouds. */
    double y0 = st->cover ? (y > 0.3 * st->h ? y : 0.3 * st->h) : y;
    double u = p->u, r = 55 * u;
    if (h < 400 * u) /* a window: a smaller sun */
        r = 0.12 * (w < h ? w : h) + 10 * u;
    double side = art_rand(rng) < 0.5 ? 0.2 : 0.8;
    if (night) {
        scen_stars(p, rng, x, y, w, hz - y, (int)(w * (hz - y) / (u * u) / 9000) + 4);
        if (!st->sky_body)
            scen_moon(p, x + w * side, y0 + (hz - y0) * 0.3, r * 0.9);
    } else if (strcmp(sc->weather, "rain") != 0 && !st->sky_body) {
        struct art_rgb sun = art_hex(0xffd64a);
        double sy = y0 + (hz - y0) * 0.28;
        if (strcmp(sc->time, "morning") == 0)
            sun = art_hex(0xffe69a), sy = y0 + (hz - y0) * 0.5;
        else if (strcmp(sc->time, "evening") == 0)
            sun = art_hex(0xff9a50), sy = y0 + (hz - y0) * 0.78, r *= 1.3;
        scen_sun(p, x + w * side, sy, r, sun);
    }
    double size = (w < 1000 * u ? w : 1000 * u) * 0.26;
    if (hz - y0 > size * 0.4)
        scen_clouds(p, rng, x, y0 + 10 * u, w, (hz - y0) * 0.6, clouds, cloud, size);
}

/* ---- shapes of the land -------------------------------------------------- */

/* A band of land from a wavy line around y0 down to the bottom of the image. */
static void
scen_band(struct art_pen *p, const struct art_stage *st, uint32_t *rng, double y0, double amp,
          double waves, struct art_rgb col)
{
    cairo_t *cr = p->cr;
    double ph1 = art_rand(rng) * 2 * M_PI, ph2 = art_rand(rng) * 2 * M_PI;
    double W = st->w;
    enum { N = 64 };
    cairo_move_to(cr, -20, st->h + 20);
    for (int i = 0; i <= N; i++) {
        double x = -20 + (W + 40) * i / N;
        double y = y0 + amp * (0.65 * sin(ph1 + waves * 2 * M_PI * x / W) +
                               0.35 * sin(ph2 + 2.3 * waves * 2 * M_PI * x / W));
        cairo_line_to(cr, x, y);
    }
    cairo_line_to(cr, W + 20, st->h + 20);
    cairo_close_path(cr);
    art_pen_fill(p, col, ART_BG);
}

static void
scen_tree(struct art_pen *p, uint32_t *rng, double x, double y, double h, struct art_rgb leaf,
          int flags)
{
    cairo_t *cr = p->cr;
    shape_round_rect(cr, x - 0.055 * h, y - 0.5 * h, 0.11 * h, 0.5 * h, 0.03 * h);
    art_pen_fill(p, art_hex(0x8a5a3c), flags);
    art_path_blob(cr, rng, x, y - 0.66 * h, 0.34 * h, 0.32 * h, 0.1);
    art_pen_fill(p, leaf, flags);
    art_path_blob(cr, rng, x - 0.1 * h, y - 0.74 * h, 0.15 * h, 0.12 * h, 0.15);
    art_pen_fill_alpha(p, art_lighter(leaf, 0.35), 0.45, flags);
}

static void
scen_pine(struct art_pen *p, double x, double y, double h, struct art_rgb col, int snow,
          int flags)
{
    cairo_t *cr = p->cr;
    cairo_rectangle(cr, x - 0.05 * h, y - 0.18 * h, 0.1 * h, 0.18 * h);
    art_pen_fill(p, art_hex(0x7a4e32), flags);
    for (int i = 0; i < 3; i++) {
        double base = y - 0.12 * h - i * 0.25 * h, top = base - 0.42 * h + i * 0.04 * h;
        double half = (0.36 - i * 0.08) * h;
        cairo_move_to(cr, x - half, base);
        cairo_curve_to(cr, x - half * 0.5, base - 0.1 * h, x - 0.06 * h, top + 0.05 * h, x, top);
        cairo_curve_to(cr, x + 0.06 * h, top + 0.05 * h, x + half * 0.5, base - 0.1 * h, x + half,
                       base);
        cairo_curve_to(cr, x + half * 0.4, base + 0.04 * h, x - half * 0.4, base + 0.04 * h,
                       x - half, base);
        cairo_close_path(cr);
        art_pen_fill(p, col, flags);
        if (snow) {
            double sy = top + (base - top) * 0.45, sh = half * 0.55;
            cairo_move_to(cr, x, top);
            cairo_curve_to(cr, x + 0.05 * h, top + 0.05 * h, x + sh * 0.8, sy - 0.02 * h, x + sh,
                           sy);
            cairo_curve_to(cr, x + sh * 0.5, sy + 0.03 * h, x + sh * 0.3, sy - 0.02 * h, x,
                           sy + 0.02 * h);
            cairo_curve_to(cr, x - sh * 0.3, sy - 0.02 * h, x - sh * 0.5, sy + 0.03 * h, x - sh,
                           sy);
            cairo_curve_to(cr, x - sh * 0.8, sy - 0.02 * h, x - 0.05 * h, top + 0.05 * h, x, top);
            cairo_close_path(cr);
            art_pen_fill(p, art_hex(0xf6f9ff), flags | ART_NOSHADOW);
        }
    }
}

static void
scen_flower(struct art_pen *p, double x, double y, double s, struct art_rgb petal)
{
    cairo_t *cr = p->cr;
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x, y - s);
    art_pen_stroke(p, art_hex(0x4f9a45), s * 0.12, ART_BG);
    for (int i = 0; i < 5; i++) {
        double a = i * 2 * M_PI / 5;
        art_path_circle(cr, x + cos(a) * s * 0.28, y - s + sin(a) * s * 0.28, s * 0.2);
    }
    art_pen_fill(p, petal, ART_FG | ART_NOSHADOW);
    art_path_circle(cr, x, y - s, s * 0.15);
    art_pen_fill(p, art_hex(0xffd23c), ART_PLAIN);
}

static const uint32_t scen_petals[] = {0xf26d7d, 0xffffff, 0xffd23c, 0xb98be0, 0xff9f43,
                                       0x6fa8ff};

/* Flowers scattered over a strip of land, none where the child stands. */
static void
scen_flowers(struct art_pen *p, const struct art_stage *st, uint32_t *rng, double y0, double y1,
             int n)
{
    double u = p->u;
    for (int i = 0; i < n; i++) {
        double x = scen_free_x(st, rng, 0.04, 0.96, 15 * u);
        double y = art_rand_in(rng, y0, y1);
        double s = (16 + 14 * (y - y0) / (y1 - y0 + 1)) * u;
        scen_flower(p, x, y, s, art_hex(scen_petals[art_rand_u32(rng) % 6]));
    }
}

static void
scen_grass(struct art_pen *p, const struct art_scene *sc, const struct art_stage *st,
           uint32_t *rng, double y0, double y1, int n, struct art_rgb col)
{
    cairo_t *cr = p->cr;
    double u = p->u, bend = strcmp(sc->weather, "wind") == 0 ? 14 : 3;
    for (int i = 0; i < n; i++) {
        double x = art_rand(rng) * st->w, y = art_rand_in(rng, y0, y1);
        double s = art_rand_in(rng, 12, 22) * u;
        for (int k = -1; k <= 1; k++) {
            cairo_move_to(cr, x + k * 4 * u, y);
            cairo_curve_to(cr, x + k * 5 * u, y - s * 0.5, x + (k * 6 + bend) * u, y - s * 0.8,
                           x + (k * 8 + bend * 1.6) * u, y - s * (k ? 0.85 : 1.1));
        }
        art_pen_stroke(p, col, 2.6 * u, ART_BG);
    }
}

/* A room: wall, skirting, floor, a window on the time and the weather. */
static void
scen_room(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng,
          uint32_t wall, uint32_t floor, double wx, double ww, int curtains)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u, fy = st->ground - 0.12 * H;
    st->indoor = 1;
    st->horizon = fy;
    cairo_rectangle(cr, -10, -10, W + 20, fy + 10);
    art_pen_fill(p, art_hex(wall), ART_BG);
    cairo_rectangle(cr, -10, fy, W + 20, H - fy + 10);
    art_pen_fill(p, art_hex(floor), ART_BG);
    for (double y = fy + 30 * u, step = 28 * u; y < H; y += step, step *= 1.25) {
        cairo_move_to(cr, 0, y);
        cairo_line_to(cr, W, y);
        art_pen_stroke_alpha(p, art_darker(art_hex(floor), 0.3), 0.35, 1.6 * u, ART_BG);
    }
    cairo_rectangle(cr, -10, fy - 14 * u, W + 20, 14 * u);
    art_pen_fill(p, art_lighter(art_hex(wall), 0.5), ART_BG);

    /* The window: the sky as outside, then the frame over it. */
    double wy = st->cover ? 0.34 * H : 0.14 * H, wh = (fy - 60 * u) - wy;
    if (wh > 330 * u)
        wh = 330 * u;
    cairo_save(cr);
    cairo_rectangle(cr, wx, wy, ww, wh);
    cairo_clip(cr);
    scen_sky(p, sc, st, rng, wx, wy, ww, wh, wy + wh);
    scen_band(p, st, rng, wy + wh * 0.82, 8 * u, 1.5, scen_land(sc, 0x8cc47a));
    if (strcmp(sc->weather, "rain") == 0 || strcmp(sc->weather, "snow") == 0) {
        int rain = sc->weather[0] == 'r';
        for (int i = 0; i < 40; i++) {
            double x = wx + art_rand(rng) * ww, y = wy + art_rand(rng) * wh;
            if (rain) {
                cairo_move_to(cr, x, y);
                cairo_line_to(cr, x - 4 * u, y + 22 * u);
                art_pen_stroke_alpha(p, art_hex(0xe6f0fa), 0.7, 2 * u, ART_BG);
            } else {
                art_path_circle(cr, x, y, art_rand_in(rng, 2.5, 5) * u);
                art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
            }
        }
    }
    cairo_restore(cr);
    struct art_rgb frame = art_hex(0xfdfaf2);
    double fw = 12 * u;
    cairo_rectangle(cr, wx - fw, wy - fw, ww + 2 * fw, wh + 2 * fw);
    cairo_rectangle(cr, wx, wy, ww, wh);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    art_pen_fill(p, frame, ART_FG);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_rectangle(cr, wx + ww / 2 - fw / 2, wy, fw, wh);
    cairo_rectangle(cr, wx, wy + wh * 0.45 - fw / 2, ww, fw);
    art_pen_fill(p, frame, ART_FG | ART_NOSHADOW);
    cairo_rectangle(cr, wx - 2.2 * fw, wy + wh + fw, ww + 4.4 * fw, fw * 1.2);
    art_pen_fill(p, frame, ART_FG);
    if (curtains) {
        struct art_rgb cc = art_hex(curtains);
        for (int s = -1; s <= 1; s += 2) {
            double cx = s < 0 ? wx - 3 * fw : wx + ww + 3 * fw;
            double cw = 0.22 * ww;
            cairo_move_to(cr, cx, wy - 2 * fw);
            cairo_line_to(cr, cx - s * cw, wy - 2 * fw);
            cairo_curve_to(cr, cx - s * cw * 0.4, wy + wh * 0.5, cx - s * cw * 0.9, wy + wh * 0.8,
                           cx - s * cw * 0.5, wy + wh + 2 * fw);
            cairo_line_to(cr, cx + s * cw * 0.3, wy + wh + 2 * fw);
            cairo_close_path(cr);
            art_pen_fill(p, cc, ART_FG);
        }
        cairo_rectangle(cr, wx - 4.5 * fw, wy - 3 * fw, ww + 9 * fw, 1.2 * fw);
        art_pen_fill(p, art_hex(0x9a6a48), ART_FG);
    }
}

/* A lamp whose glow lights the room at night. */
static void
scen_lamp(struct art_pen *p, const struct art_stage *st, double x, double y, double s, int lit)
{
    cairo_t *cr = p->cr;
    if (lit) {
        cairo_pattern_t *g = cairo_pattern_create_radial(x, y - s * 0.8, s * 0.1, x, y - s * 0.8,
                                                         s * 2.6);
        cairo_pattern_add_color_stop_rgba(g, 0, 1, 0.9, 0.6, 0.55);
        cairo_pattern_add_color_stop_rgba(g, 1, 1, 0.9, 0.6, 0);
        cairo_rectangle(cr, 0, 0, st->w, st->h);
        cairo_set_source(cr, g);
        cairo_fill(cr);
        cairo_pattern_destroy(g);
    }
    cairo_rectangle(cr, x - s * 0.04, y - s * 0.7, s * 0.08, s * 0.7);
    art_pen_fill(p, art_hex(0x7a6a5a), ART_FG);
    cairo_move_to(cr, x - s * 0.3, y - s * 0.65);
    cairo_line_to(cr, x + s * 0.3, y - s * 0.65);
    cairo_line_to(cr, x + s * 0.18, y - s * 1.05);
    cairo_line_to(cr, x - s * 0.18, y - s * 1.05);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(lit ? 0xffe6a0 : 0xf3c56b), ART_FG | (lit ? ART_NOLIGHT : 0));
}

static void
scen_rug(struct art_pen *p, const struct art_stage *st, uint32_t col)
{
    cairo_t *cr = p->cr;
    double cx = (st->clear_x0 + st->clear_x1) / 2;
    art_path_ellipse(cr, cx, st->ground + 0.01 * st->h, 0.3 * st->w, 0.045 * st->h);
    art_pen_fill(p, art_hex(col), ART_BG);
    art_path_ellipse(cr, cx, st->ground + 0.01 * st->h, 0.22 * st->w, 0.028 * st->h);
    art_pen_stroke(p, art_lighter(art_hex(col), 0.4), 5 * p->u, ART_BG);
}

/* ---- the settings ------------------------------------------------------- */

typedef void scen_fn(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
                     uint32_t *rng);

static void
scen_outdoor_sky(struct art_pen *p, const struct art_scene *sc, const struct art_stage *st,
                 uint32_t *rng)
{
    /* Down past the horizon: the land's wavy edges never show bare canvas. */
    scen_sky(p, sc, st, rng, -10, -10, st->w + 20, st->horizon + 0.12 * st->h, st->horizon);
}

static void
scen_meadow(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    double H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    scen_band(p, st, rng, st->horizon - 20 * u, 26 * u, 1.2, scen_land(sc, 0xa9d48e));
    scen_band(p, st, rng, st->horizon + 0.05 * H, 22 * u, 0.8, scen_land(sc, 0x8cc670));
    scen_band(p, st, rng, st->ground - 0.07 * H, 14 * u, 0.6, scen_land(sc, 0x78b65a));
    scen_grass(p, sc, st, rng, st->ground - 0.06 * H, H, 30, scen_land(sc, 0x5a9a44));
    if (strcmp(sc->weather, "snow") != 0)
        scen_flowers(p, st, rng, st->ground - 0.05 * H, st->ground + 0.2 * H, 14);
}

static void
scen_garden(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    /* The hedge, the picket fence in front of it, the lawn. */
    for (double x = -40 * u; x < W + 40 * u; x += 110 * u) {
        art_path_blob(cr, rng, x, st->horizon + 10 * u, 80 * u, 60 * u, 0.12);
        art_pen_fill(p, scen_land(sc, 0x4f9550), ART_BG);
    }
    cairo_rectangle(cr, -10, st->horizon + 20 * u, W + 20, H);
    art_pen_fill(p, scen_land(sc, 0x4f9550), ART_BG);
    double fy = st->horizon + 0.06 * H;
    struct art_rgb white = art_hex(0xfaf6ee);
    cairo_rectangle(cr, -10, fy - 58 * u, W + 20, 10 * u);
    cairo_rectangle(cr, -10, fy - 28 * u, W + 20, 10 * u);
    art_pen_fill(p, white, ART_BG);
    for (double x = 10 * u; x < W; x += 42 * u) {
        cairo_move_to(cr, x, fy);
        cairo_line_to(cr, x, fy - 78 * u);
        cairo_line_to(cr, x + 12 * u, fy - 90 * u);
        cairo_line_to(cr, x + 24 * u, fy - 78 * u);
        cairo_line_to(cr, x + 24 * u, fy);
        cairo_close_path(cr);
        art_pen_fill(p, white, ART_FG | ART_NOSHADOW);
    }
    scen_band(p, st, rng, fy, 6 * u, 0.5, scen_land(sc, 0x84c466));
    /* Flower beds left and right. */
    for (int s = 0; s < 2; s++) {
        double bx = s ? W * 0.88 : W * 0.12, by = st->ground - 0.04 * H;
        if (bx > st->clear_x0 - 60 * u && bx < st->clear_x1 + 60 * u)
            continue;
        art_path_ellipse(cr, bx, by, 120 * u, 30 * u);
        if (strcmp(sc->weather, "snow") == 0) {
            /* No flowers in the snow: the beds sleep under it. */
            art_pen_fill(p, art_hex(0xf4f7fc), ART_BG);
            continue;
        }
        art_pen_fill(p, art_hex(0x8a5a3c), ART_BG);
        for (int i = 0; i < 7; i++)
            scen_flower(p, bx - 95 * u + i * 32 * u, by + art_rand_in(rng, -10, 12) * u,
                        art_rand_in(rng, 40, 60) * u,
                        art_hex(scen_petals[art_rand_u32(rng) % 6]));
    }
    scen_grass(p, sc, st, rng, st->ground - 0.04 * H, H, 20, scen_land(sc, 0x5a9a44));
}

static void
scen_bench(struct art_pen *p, double x, double y, double s)
{
    cairo_t *cr = p->cr;
    struct art_rgb wood = art_hex(0xb9773f), iron = art_hex(0x3f4650);
    for (int i = 0; i < 2; i++) {
        cairo_rectangle(cr, x - s * 0.45 + i * s * 0.82, y - s * 0.45, s * 0.08, s * 0.45);
        art_pen_fill(p, iron, ART_FG);
    }
    for (int i = 0; i < 2; i++) {
        shape_round_rect(cr, x - s * 0.55, y - s * (0.52 + i * 0.32), s * 1.1, s * 0.1, s * 0.03);
        art_pen_fill(p, wood, ART_FG);
    }
    shape_round_rect(cr, x - s * 0.55, y - s * 0.72, s * 1.1, s * 0.1, s * 0.03);
    art_pen_fill(p, wood, ART_FG);
}

static void
scen_park(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    scen_band(p, st, rng, st->horizon, 10 * u, 0.7, scen_land(sc, 0x9ccf80));
    for (double x = art_rand(rng) * 60 * u; x < W; x += art_rand_in(rng, 110, 190) * u)
        scen_tree(p, rng, x, st->horizon + 10 * u, art_rand_in(rng, 150, 210) * u,
                  art_hex(0x5fa866), ART_BG);
    scen_band(p, st, rng, st->horizon + 0.04 * H, 8 * u, 0.5, scen_land(sc, 0x86c469));
    /* A path winding from the front into the distance. */
    double cx = (st->clear_x0 + st->clear_x1) / 2;
    cairo_move_to(cr, cx - 0.22 * W, H + 10);
    cairo_curve_to(cr, cx - 0.1 * W, st->ground, cx + 0.25 * W, st->horizon + 0.1 * H,
                   cx + 0.08 * W, st->horizon + 0.045 * H);
    cairo_line_to(cr, cx + 0.12 * W, st->horizon + 0.045 * H);
    cairo_curve_to(cr, cx + 0.32 * W, st->horizon + 0.1 * H, cx + 0.1 * W, st->ground,
                   cx + 0.24 * W, H + 10);
    cairo_close_path(cr);
    art_pen_fill(p, scen_land(sc, 0xecd9ad), ART_BG);
    double bx = scen_free_x(st, rng, 0.14, 0.86, 80 * u);
    scen_bench(p, bx, st->horizon + 0.1 * H, 150 * u);
    scen_grass(p, sc, st, rng, st->ground - 0.05 * H, H, 20, scen_land(sc, 0x5a9a44));
    scen_flowers(p, st, rng, st->ground, st->ground + 0.2 * H, 6);
}

static void
scen_mushroom(struct art_pen *p, double x, double y, double s)
{
    cairo_t *cr = p->cr;
    shape_round_rect(cr, x - s * 0.15, y - s * 0.6, s * 0.3, s * 0.6, s * 0.1);
    art_pen_fill(p, art_hex(0xf6ecd8), ART_FG);
    cairo_move_to(cr, x - s * 0.5, y - s * 0.55);
    cairo_curve_to(cr, x - s * 0.5, y - s * 1.15, x + s * 0.5, y - s * 1.15, x + s * 0.5,
                   y - s * 0.55);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xe04b3a), ART_FG);
    art_path_circle(cr, x - s * 0.2, y - s * 0.78, s * 0.08);
    art_path_circle(cr, x + s * 0.15, y - s * 0.88, s * 0.07);
    art_path_circle(cr, x + s * 0.3, y - s * 0.66, s * 0.05);
    art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
}

static void
scen_forest(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    double W = st->w, H = st->h, u = p->u;
    int snow = strcmp(sc->weather, "snow") == 0;
    scen_outdoor_sky(p, sc, st, rng);
    for (double x = -30 * u; x < W + 60 * u; x += art_rand_in(rng, 60, 100) * u)
        scen_pine(p, x, st->horizon + 20 * u, art_rand_in(rng, 240, 320) * u,
                  art_hex(0x7fae94), snow, ART_BG);
    scen_band(p, st, rng, st->horizon + 0.03 * H, 10 * u, 0.8, scen_land(sc, 0x79ad62));
    for (int i = 0; i < 5; i++) {
        double x = scen_free_x(st, rng, 0.02, 0.98, 60 * u);
        double y = st->horizon + art_rand_in(rng, 0.06, 0.12) * H;
        if (i & 1)
            scen_pine(p, x, y, art_rand_in(rng, 330, 430) * u, art_hex(0x3f8a5a), snow, ART_FG);
        else
            scen_tree(p, rng, x, y, art_rand_in(rng, 330, 420) * u, art_hex(0x4e9a50), ART_FG);
    }
    scen_band(p, st, rng, st->ground - 0.06 * H, 8 * u, 0.6, scen_land(sc, 0x6aa656));
    scen_grass(p, sc, st, rng, st->ground - 0.05 * H, H, 24, scen_land(sc, 0x4f8a3c));
    for (int i = 0; i < 3; i++)
        scen_mushroom(p, scen_free_x(st, rng, 0.05, 0.95, 30 * u),
                      st->ground + art_rand_in(rng, -0.03, 0.12) * H,
                      art_rand_in(rng, 35, 55) * u);
}

/* A big tropical leaf from (x, y) pointing at angle a. */
static void
scen_leaf(struct art_pen *p, double x, double y, double len, double a, struct art_rgb col)
{
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, a);
    cairo_move_to(cr, 0, 0);
    cairo_curve_to(cr, len * 0.3, -len * 0.28, len * 0.8, -len * 0.2, len, 0);
    cairo_curve_to(cr, len * 0.8, len * 0.2, len * 0.3, len * 0.28, 0, 0);
    cairo_close_path(cr);
    art_pen_fill(p, col, ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, len * 0.05, 0);
    cairo_curve_to(cr, len * 0.4, -len * 0.02, len * 0.7, len * 0.02, len * 0.95, 0);
    art_pen_stroke(p, art_darker(col, 0.25), len * 0.02, ART_BG);
    cairo_restore(cr);
}

static void
scen_jungle(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    for (double x = -60 * u; x < W + 60 * u; x += art_rand_in(rng, 90, 150) * u) {
        art_path_blob(cr, rng, x, st->horizon - 20 * u, 110 * u, 150 * u, 0.15);
        art_pen_fill(p, art_hex(0x3f8f60), ART_BG);
    }
    scen_band(p, st, rng, st->horizon + 0.02 * H, 20 * u, 1.3, art_hex(0x2f7a4a));
    /* Trunks and hanging vines. */
    for (int i = 0; i < 3; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 30 * u);
        shape_round_rect(cr, x - 22 * u, -20, 44 * u, st->horizon + 0.1 * H, 15 * u);
        art_pen_fill(p, art_hex(0x7a5236), ART_FG);
    }
    for (int i = 0; i < 6; i++) {
        double x = art_rand(rng) * W, len = art_rand_in(rng, 0.12, 0.3) * H;
        cairo_move_to(cr, x, -10);
        cairo_curve_to(cr, x + 30 * u, len * 0.4, x - 30 * u, len * 0.7, x + 10 * u, len);
        art_pen_stroke(p, art_hex(0x4d8f3a), 6 * u, ART_BG);
        art_path_ellipse(cr, x + 10 * u, len, 12 * u, 8 * u);
        art_pen_fill(p, art_hex(0x5fae48), ART_FG | ART_NOSHADOW);
    }
    scen_band(p, st, rng, st->ground - 0.06 * H, 10 * u, 0.7, art_hex(0x4f9a42));
    /* Big leaves framing the picture from the corners. */
    struct art_rgb l1 = art_hex(0x2f8f4a), l2 = art_hex(0x45a856);
    for (int i = 0; i < 4; i++) {
        scen_leaf(p, -20 * u, (0.05 + 0.08 * i) * H, art_rand_in(rng, 190, 260) * u,
                  art_rand_in(rng, -0.3, 0.6), i & 1 ? l1 : l2);
        scen_leaf(p, W + 20 * u, (0.07 + 0.08 * i) * H, art_rand_in(rng, 190, 260) * u,
                  M_PI + art_rand_in(rng, -0.6, 0.3), i & 1 ? l2 : l1);
    }
    for (int i = 0; i < 3; i++) {
        double x = scen_free_x(st, rng, 0.05, 0.95, 20 * u);
        double y = st->ground + art_rand_in(rng, -0.02, 0.1) * H;
        art_path_star(cr, x, y - 20 * u, 24 * u, 12 * u, 0.3);
        art_pen_fill(p, art_hex(0xf05a5a), ART_FG);
        art_path_circle(cr, x, y - 20 * u, 6 * u);
        art_pen_fill(p, art_hex(0xffd23c), ART_PLAIN);
    }
    scen_grass(p, sc, st, rng, st->ground - 0.05 * H, H, 22, art_hex(0x367a32));
}

static void
scen_volcano(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
             uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    double vx = scen_free_x(st, rng, 0.2, 0.8, 150 * u), vh = 0.26 * H;
    double top = st->horizon - vh, crater = 55 * u;
    /* Smoke first, so the mountain sits in front of it. */
    for (int i = 0; i < 5; i++) {
        double r = (40 + 22 * i) * u;
        art_path_blob(cr, rng, vx + (i * 28 - 20) * u, top - 30 * u - i * 55 * u, r * 1.2, r,
                      0.18);
        art_pen_fill(p, art_hex(i & 1 ? 0xb4aab0 : 0xc9bfc2), ART_BG);
    }
    cairo_move_to(cr, vx - 2.4 * vh, st->horizon + 20 * u);
    cairo_curve_to(cr, vx - vh, st->horizon - vh * 0.2, vx - crater * 1.6, top + 20 * u,
                   vx - crater, top);
    cairo_line_to(cr, vx + crater, top);
    cairo_curve_to(cr, vx + crater * 1.6, top + 20 * u, vx + vh, st->horizon - vh * 0.2,
                   vx + 2.4 * vh, st->horizon + 20 * u);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x8a6254), ART_BG);
    struct art_rgb lava = art_hex(0xff6a2a);
    cairo_move_to(cr, vx - crater, top);
    cairo_curve_to(cr, vx - crater * 0.5, top + 20 * u, vx + crater * 0.5, top + 20 * u,
                   vx + crater, top);
    cairo_curve_to(cr, vx + crater * 0.6, top + 60 * u, vx + crater * 1.2, top + 120 * u,
                   vx + crater * 0.7, top + 150 * u);
    cairo_curve_to(cr, vx + crater * 0.2, top + 90 * u, vx - crater * 0.2, top + 90 * u,
                   vx - crater * 0.5, top + 110 * u);
    cairo_curve_to(cr, vx - crater * 0.8, top + 60 * u, vx - crater * 1.1, top + 20 * u,
                   vx - crater, top);
    cairo_close_path(cr);
    art_pen_fill(p, lava, ART_BG | ART_NOLIGHT);
    scen_band(p, st, rng, st->horizon + 0.04 * H, 12 * u, 0.9, scen_land(sc, 0x8f9a5a));
    for (int i = 0; i < 4; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 40 * u);
        double y = st->horizon + art_rand_in(rng, 0.06, 0.1) * H;
        for (int k = 0; k < 5; k++)
            scen_leaf(p, x, y - 10 * u, art_rand_in(rng, 70, 100) * u,
                      -M_PI / 2 + (k - 2) * 0.5, art_hex(0x4f8f3a));
    }
    scen_band(p, st, rng, st->ground - 0.06 * H, 10 * u, 0.6, scen_land(sc, 0xa38660));
    for (int i = 0; i < 6; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 30 * u);
        art_path_blob(cr, rng, x, st->ground + art_rand_in(rng, 0, 0.15) * H,
                      art_rand_in(rng, 18, 34) * u, art_rand_in(rng, 12, 20) * u, 0.2);
        art_pen_fill(p, art_hex(0x7a6a5e), ART_FG);
    }
}

static void
scen_cactus(struct art_pen *p, double x, double y, double h)
{
    cairo_t *cr = p->cr;
    struct art_rgb g = art_hex(0x5aa05a);
    double w = 0.2 * h;
    shape_round_rect(cr, x - w / 2, y - h, w, h, w / 2);
    art_pen_fill(p, g, ART_FG);
    cairo_move_to(cr, x - w / 2, y - h * 0.45);
    cairo_curve_to(cr, x - w * 1.5, y - h * 0.45, x - w * 1.5, y - h * 0.55, x - w * 1.5,
                   y - h * 0.75);
    art_pen_stroke(p, g, w * 0.7, ART_FG);
    cairo_move_to(cr, x + w / 2, y - h * 0.6);
    cairo_curve_to(cr, x + w * 1.4, y - h * 0.6, x + w * 1.4, y - h * 0.7, x + w * 1.4,
                   y - h * 0.85);
    art_pen_stroke(p, g, w * 0.7, ART_FG);
    art_path_circle(cr, x, y - h, w * 0.25);
    art_pen_fill(p, art_hex(0xff7aa0), ART_FG | ART_NOSHADOW);
}

static void
scen_desert(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    double mx = art_rand_in(rng, 0.1, 0.7) * W;
    cairo_move_to(cr, mx, st->horizon + 10 * u);
    cairo_line_to(cr, mx + 30 * u, st->horizon - 110 * u);
    cairo_line_to(cr, mx + 230 * u, st->horizon - 120 * u);
    cairo_line_to(cr, mx + 270 * u, st->horizon + 10 * u);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xd98a5e), ART_BG);
    scen_band(p, st, rng, st->horizon, 16 * u, 0.9, scen_land(sc, 0xf3cf86));
    scen_band(p, st, rng, st->horizon + 0.07 * H, 22 * u, 0.6, scen_land(sc, 0xeab66a));
    for (int i = 0; i < 2; i++)
        scen_cactus(p, scen_free_x(st, rng, 0.06, 0.94, 40 * u),
                    st->horizon + art_rand_in(rng, 0.1, 0.14) * H, art_rand_in(rng, 160, 220) * u);
    scen_band(p, st, rng, st->ground - 0.05 * H, 14 * u, 0.5, scen_land(sc, 0xf6d893));
    for (int i = 0; i < 5; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 20 * u);
        art_path_blob(cr, rng, x, st->ground + art_rand_in(rng, 0, 0.18) * H,
                      art_rand_in(rng, 12, 24) * u, art_rand_in(rng, 8, 14) * u, 0.2);
        art_pen_fill(p, art_hex(0xc49a6a), ART_FG);
    }
}

/* The sea from the horizon down, with rows of little waves. */
static void
scen_sea(struct art_pen *p, const struct art_scene *sc, const struct art_stage *st,
         uint32_t *rng, double y0)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    int night = strcmp(sc->time, "night") == 0;
    struct art_rgb far = art_hex(night ? 0x2a4a7a : 0x5cb8dc);
    struct art_rgb near = art_hex(night ? 0x1a3460 : 0x2f8fc4);
    cairo_pattern_t *g = cairo_pattern_create_linear(0, y0, 0, H);
    cairo_pattern_add_color_stop_rgb(g, 0, far.r, far.g, far.b);
    cairo_pattern_add_color_stop_rgb(g, 1, near.r, near.g, near.b);
    cairo_rectangle(cr, -10, y0, W + 20, H - y0 + 10);
    art_pen_fill_source(p, g);
    cairo_pattern_destroy(g);
    struct art_rgb foam = art_hex(0xe8f6fc);
    for (double y = y0 + 18 * u, k = 1; y < H; y += 26 * u * k, k *= 1.18) {
        for (int i = 0; i < 5; i++) {
            double x = art_rand(rng) * W, w = (20 + 14 * k) * u;
            cairo_move_to(cr, x - w, y);
            cairo_curve_to(cr, x - w / 2, y - 7 * u * k, x + w / 2, y - 7 * u * k, x + w, y);
            art_pen_stroke_alpha(p, foam, 0.55, 2.2 * u * k, ART_BG);
        }
    }
}

static void
scen_palm(struct art_pen *p, uint32_t *rng, double x, double y, double h, int lean)
{
    cairo_t *cr = p->cr;
    double tx = x + lean * 0.25 * h, ty = y - h;
    cairo_move_to(cr, x, y);
    cairo_curve_to(cr, x + lean * 0.02 * h, y - 0.5 * h, tx - lean * 0.1 * h, ty + 0.2 * h, tx, ty);
    art_pen_stroke(p, art_hex(0xa0703f), 0.07 * h, ART_FG);
    for (int i = 0; i < 6; i++) {
        double a = -M_PI / 2 + (i - 2.5) * 0.55 + art_rand_in(rng, -0.1, 0.1);
        scen_leaf(p, tx, ty, 0.42 * h, a + (a > -M_PI / 2 ? 0.5 : -0.5) * 0.6,
                  art_hex(i & 1 ? 0x3f9a4a : 0x52b055));
    }
    art_path_circle(cr, tx - 0.03 * h, ty + 0.03 * h, 0.035 * h);
    art_path_circle(cr, tx + 0.04 * h, ty + 0.04 * h, 0.035 * h);
    art_pen_fill(p, art_hex(0x7a5230), ART_FG | ART_NOSHADOW);
}

static void
scen_parasol(struct art_pen *p, double x, double y, double h)
{
    cairo_t *cr = p->cr;
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 0.08 * h, y - h);
    art_pen_stroke(p, art_hex(0xf4efe6), 0.03 * h, ART_FG);
    double cx = x + 0.08 * h, cy = y - h, r = 0.55 * h;
    for (int i = 0; i < 6; i++) {
        double a0 = M_PI + i * M_PI / 6, a1 = a0 + M_PI / 6;
        cairo_move_to(cr, cx, cy - 0.12 * h);
        cairo_line_to(cr, cx + r * cos(a0), cy + r * 0.45 * sin(a0) + 0.02 * h);
        cairo_line_to(cr, cx + r * cos(a1), cy + r * 0.45 * sin(a1) + 0.02 * h);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(i & 1 ? 0xffffff : 0xf0584a), ART_FG | ART_NOSHADOW);
    }
}

static void
scen_beach(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    st->water = 1;
    scen_outdoor_sky(p, sc, st, rng);
    scen_sea(p, sc, st, rng, st->horizon);
    double shore = st->ground - 0.1 * H;
    scen_band(p, st, rng, shore - 6 * u, 10 * u, 1.0, art_hex(0xeaf8fc));
    scen_band(p, st, rng, shore, 8 * u, 1.0, scen_land(sc, 0xe2c98e));
    scen_band(p, st, rng, shore + 14 * u, 8 * u, 0.8, scen_land(sc, 0xf4dfa6));
    double px = scen_free_x(st, rng, 0.1, 0.9, 200 * u);
    scen_parasol(p, px, st->ground - 0.02 * H, 300 * u);
    for (int i = 0; i < 5; i++) {
        double x = scen_free_x(st, rng, 0.04, 0.96, 16 * u);
        double y = st->ground + art_rand_in(rng, -0.02, 0.18) * H;
        art_path_star(cr, x, y, 14 * u, 6 * u, art_rand(rng));
        art_pen_fill(p, art_hex(i & 1 ? 0xf3a46a : 0xf08a8a), ART_FG);
    }
    double sx = art_rand_in(rng, 0.15, 0.85) * W, sy = st->horizon + 12 * u;
    cairo_move_to(cr, sx - 40 * u, sy - 14 * u);
    cairo_line_to(cr, sx + 40 * u, sy - 14 * u);
    cairo_line_to(cr, sx + 28 * u, sy);
    cairo_line_to(cr, sx - 28 * u, sy);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xb55a3a), ART_BG);
    cairo_move_to(cr, sx, sy - 16 * u);
    cairo_line_to(cr, sx, sy - 80 * u);
    cairo_line_to(cr, sx + 34 * u, sy - 20 * u);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfdfaf0), ART_BG);
}

static void
scen_ocean(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    st->water = 1;
    scen_outdoor_sky(p, sc, st, rng);
    scen_sea(p, sc, st, rng, st->horizon);
    /* A lighthouse island in the distance. */
    double lx = scen_free_x(st, rng, 0.1, 0.9, 60 * u);
    art_path_ellipse(cr, lx, st->horizon + 8 * u, 90 * u, 22 * u);
    art_pen_fill(p, art_hex(0x7c8a6a), ART_BG);
    cairo_move_to(cr, lx - 18 * u, st->horizon);
    cairo_line_to(cr, lx - 11 * u, st->horizon - 120 * u);
    cairo_line_to(cr, lx + 11 * u, st->horizon - 120 * u);
    cairo_line_to(cr, lx + 18 * u, st->horizon);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfaf4ea), ART_FG);
    for (int i = 0; i < 2; i++) {
        cairo_rectangle(cr, lx - 16 * u, st->horizon - (30 + i * 45) * u, 32 * u, 16 * u);
        art_pen_fill(p, art_hex(0xe0483c), ART_FG | ART_NOSHADOW);
    }
    shape_round_rect(cr, lx - 14 * u, st->horizon - 145 * u, 28 * u, 25 * u, 8 * u);
    art_pen_fill(p, art_hex(0xffe27a), ART_FG | ART_NOLIGHT);
    if (strcmp(sc->action, "swimming") == 0)
        return;
    /* A jetty to stand on: planks along the front, posts into the water. */
    double dy = st->ground - 0.035 * H;
    for (double x = 20 * u; x < W; x += 150 * u) {
        cairo_rectangle(cr, x, dy, 22 * u, 0.14 * H);
        art_pen_fill(p, art_hex(0x7a5236), ART_FG);
    }
    cairo_rectangle(cr, -10, dy, W + 20, 0.06 * H);
    art_pen_fill(p, art_hex(0xc08a55), ART_FG);
    for (double x = 0; x < W; x += 90 * u) {
        cairo_move_to(cr, x, dy);
        cairo_line_to(cr, x, dy + 0.06 * H);
        art_pen_stroke_alpha(p, art_hex(0x7a5236), 0.6, 2 * u, ART_BG);
    }
}

static void
scen_underwater(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
                uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    int night = strcmp(sc->time, "night") == 0;
    st->water = st->underwater = 1;
    struct art_rgb top = art_hex(night ? 0x1e4f82 : 0x4fb8e0);
    struct art_rgb bot = art_hex(night ? 0x0a1f45 : 0x17669e);
    cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, 0, H);
    cairo_pattern_add_color_stop_rgb(g, 0, top.r, top.g, top.b);
    cairo_pattern_add_color_stop_rgb(g, 1, bot.r, bot.g, bot.b);
    cairo_rectangle(cr, 0, 0, W, H);
    art_pen_fill_source(p, g);
    cairo_pattern_destroy(g);
    /* Sunbeams slanting down through the water. */
    for (int i = 0; i < 4; i++) {
        double x = art_rand_in(rng, 0.05, 0.95) * W, w = art_rand_in(rng, 30, 70) * u;
        cairo_move_to(cr, x - w, -10);
        cairo_line_to(cr, x + w, -10);
        cairo_line_to(cr, x + w * 3 + 0.25 * W, st->ground);
        cairo_line_to(cr, x + w + 0.25 * W, st->ground);
        cairo_close_path(cr);
        art_pen_fill_alpha(p, art_hex(0xffffff), 0.08, ART_BG);
    }
    scen_band(p, st, rng, st->horizon + 0.06 * H, 30 * u, 0.8, art_hex(night ? 0x1f4a6a : 0x3f8ab0));
    scen_band(p, st, rng, st->ground - 0.06 * H, 14 * u, 0.7, art_hex(0xe8d29a));
    /* Seaweed and coral, out of the child's way. */
    for (int i = 0; i < 6; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 25 * u);
        double y = st->ground + art_rand_in(rng, -0.05, 0.05) * H;
        double h = art_rand_in(rng, 150, 280) * u;
        if (i % 3 == 2) {
            struct art_rgb coral = art_hex(i & 1 ? 0xff7f7f : 0xf59ad0);
            for (int k = -2; k <= 2; k++) {
                cairo_move_to(cr, x, y);
                cairo_curve_to(cr, x + k * 10 * u, y - h * 0.3, x + k * 30 * u, y - h * 0.3,
                               x + k * 34 * u, y - h * (0.55 - 0.05 * abs(k)));
            }
            art_pen_stroke(p, coral, 14 * u, ART_FG);
            continue;
        }
        cairo_move_to(cr, x, y);
        for (int k = 1; k <= 4; k++)
            cairo_curve_to(cr, x + ((k & 1) ? 24 : -24) * u, y - h * (k - 0.7) / 4,
                           x + ((k & 1) ? 24 : -24) * u, y - h * (k - 0.3) / 4, x,
                           y - h * k / 4);
        art_pen_stroke(p, art_hex(i & 1 ? 0x3f9a5a : 0x57b06a), 12 * u, ART_FG);
    }
    for (int i = 0; i < 14; i++) {
        double x = art_rand(rng) * W, y = art_rand_in(rng, 0.05, 0.7) * H;
        art_path_circle(cr, x, y, art_rand_in(rng, 5, 14) * u);
        art_pen_stroke_alpha(p, art_hex(0xe8f8ff), 0.7, 2.2 * u, ART_BG);
    }
}

static void
scen_island(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    st->water = 1;
    scen_outdoor_sky(p, sc, st, rng);
    scen_sea(p, sc, st, rng, st->horizon);
    double fx = art_rand_in(rng, 0.1, 0.9) * W;
    art_path_ellipse(cr, fx, st->horizon + 6 * u, 70 * u, 16 * u);
    art_pen_fill(p, art_hex(0xe8cf90), ART_BG);
    scen_palm(p, rng, fx, st->horizon + 2 * u, 90 * u, 1);
    /* The island the child stands on: a sandy hump across the front. */
    double cx = (st->clear_x0 + st->clear_x1) / 2, top = st->ground - 0.06 * H;
    cairo_move_to(cr, -20, H + 10);
    cairo_line_to(cr, -20, top + 0.1 * H);
    cairo_curve_to(cr, cx - 0.3 * W, top - 0.02 * H, cx + 0.3 * W, top - 0.02 * H, W + 20,
                   top + 0.1 * H);
    cairo_line_to(cr, W + 20, H + 10);
    cairo_close_path(cr);
    art_pen_fill(p, scen_land(sc, 0xf2d898), ART_BG);
    double px = scen_free_x(st, rng, 0.1, 0.9, 120 * u);
    scen_palm(p, rng, px, st->ground - 0.01 * H, 0.34 * H, px < cx ? 1 : -1);
    scen_grass(p, sc, st, rng, top + 0.02 * H, H, 8, art_hex(0x6aa64a));
}

static void
scen_space(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    (void)sc;
    st->floating = 1;
    cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, 0, H);
    cairo_pattern_add_color_stop_rgb(g, 0, 0.04, 0.04, 0.16);
    cairo_pattern_add_color_stop_rgb(g, 1, 0.17, 0.11, 0.36);
    cairo_rectangle(cr, 0, 0, W, H);
    art_pen_fill_source(p, g);
    cairo_pattern_destroy(g);
    for (int i = 0; i < 3; i++) {
        art_path_blob(cr, rng, art_rand(rng) * W, art_rand_in(rng, 0.2, 0.6) * H,
                      art_rand_in(rng, 150, 260) * u, art_rand_in(rng, 90, 160) * u, 0.3);
        art_pen_fill_alpha(p, art_hex(i & 1 ? 0xc86adf : 0x5a8ae6), 0.16, ART_BG);
    }
    scen_stars(p, rng, 0, 0, W, st->ground, (int)(W * H / (u * u) / 12000) + 10);
    /* A ringed planet. */
    double px = scen_free_x(st, rng, 0.15, 0.85, 90 * u);
    double py = st->cover ? 0.4 * H : 0.2 * H, r = 55 * u;
    art_path_circle(cr, px, py, r);
    art_pen_fill(p, art_hex(0xf2a65a), ART_BG | ART_NOLIGHT);
    art_path_ellipse(cr, px, py, r * 1.9, r * 0.45);
    art_path_ellipse(cr, px, py, r * 1.4, r * 0.28);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    art_pen_fill(p, art_hex(0xf5dc9a), ART_BG | ART_NOLIGHT);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    /* The little world underfoot. */
    double R = 1.4 * W, cy = st->ground - 0.035 * H + R;
    art_path_circle(cr, W / 2, cy, R);
    art_pen_fill(p, art_hex(0x9a8fc4), ART_BG | ART_NOLIGHT);
    for (int i = 0; i < 6; i++) {
        double x = art_rand(rng) * W, y = st->ground + art_rand_in(rng, 0, 0.2) * H;
        art_path_ellipse(cr, x, y, art_rand_in(rng, 25, 50) * u, art_rand_in(rng, 8, 14) * u);
        art_pen_fill(p, art_hex(0x7c70a8), ART_BG | ART_NOLIGHT);
    }
}

static void
scen_moonscape(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
               uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    (void)sc;
    st->floating = 1;
    cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, 0, H);
    cairo_pattern_add_color_stop_rgb(g, 0, 0.02, 0.03, 0.09);
    cairo_pattern_add_color_stop_rgb(g, 1, 0.12, 0.14, 0.28);
    cairo_rectangle(cr, 0, 0, W, H);
    art_pen_fill_source(p, g);
    cairo_pattern_destroy(g);
    scen_stars(p, rng, 0, 0, W, st->horizon, (int)(W * H / (u * u) / 14000) + 10);
    /* Home, far away. */
    double ex = scen_free_x(st, rng, 0.15, 0.85, 80 * u), ey = st->cover ? 0.4 * H : 0.2 * H;
    double r = 60 * u;
    art_path_circle(cr, ex, ey, r);
    art_pen_fill(p, art_hex(0x4a8ee0), ART_BG | ART_NOLIGHT);
    cairo_save(cr);
    art_path_circle(cr, ex, ey, r);
    cairo_clip(cr);
    art_path_blob(cr, rng, ex - r * 0.3, ey - r * 0.2, r * 0.4, r * 0.3, 0.3);
    art_path_blob(cr, rng, ex + r * 0.35, ey + r * 0.3, r * 0.35, r * 0.4, 0.3);
    art_pen_fill(p, art_hex(0x5fb86a), ART_BG | ART_NOLIGHT);
    art_path_blob(cr, rng, ex + r * 0.1, ey - r * 0.55, r * 0.5, r * 0.15, 0.3);
    art_pen_fill(p, art_hex(0xffffff), ART_BG | ART_NOLIGHT);
    cairo_restore(cr);
    scen_band(p, st, rng, st->horizon + 0.04 * H, 18 * u, 0.8, art_hex(0xa6a6b4));
    scen_band(p, st, rng, st->ground - 0.05 * H, 10 * u, 0.5, art_hex(0xc8c8d2));
    for (int i = 0; i < 7; i++) {
        double x = scen_free_x(st, rng, 0.03, 0.97, 40 * u);
        double y = st->ground + art_rand_in(rng, -0.02, 0.18) * H, rx = art_rand_in(rng, 25, 55) * u;
        art_path_ellipse(cr, x, y, rx, rx * 0.3);
        art_pen_fill(p, art_hex(0x9c9cab), ART_BG | ART_NOLIGHT);
        art_path_ellipse(cr, x, y + rx * 0.06, rx * 0.8, rx * 0.2);
        art_pen_fill(p, art_hex(0x8a8a9a), ART_BG | ART_NOLIGHT);
    }
}

static void
scen_skyland(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
             uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    st->floating = 1;
    scen_sky(p, sc, st, rng, -10, -10, W + 20, H + 20, H);
    if (strcmp(sc->time, "night") != 0 && strcmp(sc->weather, "rain") != 0) {
        /* A rainbow behind the clouds. */
        static const uint32_t bands[] = {0xf06a6a, 0xf6a55a, 0xf7dc6a, 0x7cc870, 0x6aa8e8,
                                         0x9a7ad8};
        double cx = art_rand_in(rng, 0.3, 0.7) * W, cy = st->ground;
        double r0 = 0.42 * W;
        for (int i = 0; i < 6; i++) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, cy, r0 - i * 16 * u, M_PI, 2 * M_PI);
            art_pen_stroke_alpha(p, art_hex(bands[i]), 0.7, 16.5 * u, ART_BG);
        }
    }
    struct art_rgb cloud = art_hex(scen_time(sc->time)->cloud);
    scen_clouds(p, rng, 0, st->horizon, W, 0.08 * H, 4, art_mix(cloud, art_hex(0xd8e6f4), 0.3),
                260 * u);
    /* A floor of clouds to stand on. */
    for (double x = -60 * u; x < W + 60 * u; x += 120 * u) {
        art_path_blob(cr, rng, x, st->ground + 10 * u, 110 * u, 70 * u, 0.15);
        art_pen_fill(p, cloud, ART_BG);
    }
    cairo_rectangle(cr, -10, st->ground + 10 * u, W + 20, H);
    art_pen_fill(p, cloud, ART_BG);
    for (int i = 0; i < 3; i++) {
        art_path_blob(cr, rng, art_rand(rng) * W, st->ground + art_rand_in(rng, 0.08, 0.2) * H,
                      art_rand_in(rng, 90, 150) * u, art_rand_in(rng, 30, 45) * u, 0.2);
        art_pen_fill_alpha(p, art_hex(0xd8e2f0), 0.5, ART_BG);
    }
}

static void
scen_mountains(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
               uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    for (int layer = 0; layer < 2; layer++) {
        struct art_rgb rock = art_hex(layer ? 0x7a8fb4 : 0xa4b4d2);
        double base = st->horizon + layer * 0.03 * H;
        for (double x = art_rand_in(rng, -100, 0) * u; x < W + 100 * u;
             x += art_rand_in(rng, 220, 320) * u) {
            double h = art_rand_in(rng, 180, 300) * u * (layer ? 0.8 : 1);
            double hw = h * 0.9;
            cairo_move_to(cr, x - hw, base + 10 * u);
            cairo_curve_to(cr, x - hw * 0.5, base - h * 0.5, x - hw * 0.15, base - h,
                           x, base - h);
            cairo_curve_to(cr, x + hw * 0.15, base - h, x + hw * 0.5, base - h * 0.5, x + hw,
                           base + 10 * u);
            cairo_close_path(cr);
            art_pen_fill(p, rock, ART_BG);
            /* Its snow cap. */
            double cy = base - h * 0.72;
            cairo_move_to(cr, x - hw * 0.28, cy);
            cairo_curve_to(cr, x - hw * 0.12, base - h * 0.97, x + hw * 0.12, base - h * 0.97,
                           x + hw * 0.28, cy);
            cairo_line_to(cr, x + hw * 0.12, cy + 16 * u);
            cairo_line_to(cr, x, cy + 4 * u);
            cairo_line_to(cr, x - hw * 0.12, cy + 18 * u);
            cairo_close_path(cr);
            art_pen_fill(p, art_hex(0xf6f8fc), ART_BG);
        }
    }
    /* The snowy mountains (story.json's word): snow on the ground
     * whatever the weather, and no flowers in it. */
    struct art_scene snowy = *sc;
    snowy.weather = "snow";
    scen_band(p, st, rng, st->horizon + 0.06 * H, 16 * u, 0.9, scen_land(&snowy, 0x8cc47a));
    for (int i = 0; i < 5; i++)
        scen_pine(p, scen_free_x(st, rng, 0.03, 0.97, 40 * u),
                  st->horizon + art_rand_in(rng, 0.08, 0.11) * H, art_rand_in(rng, 120, 180) * u,
                  art_hex(0x3f7f5a), 1, ART_FG);
    scen_band(p, st, rng, st->ground - 0.06 * H, 12 * u, 0.6, scen_land(&snowy, 0x7ab864));
    scen_grass(p, &snowy, st, rng, st->ground - 0.05 * H, H, 20, scen_land(&snowy, 0x5a9a44));
}

static void
scen_snow(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    double H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    scen_band(p, st, rng, st->horizon - 10 * u, 30 * u, 1.1, art_hex(0xdfe8f6));
    for (int i = 0; i < 6; i++)
        scen_pine(p, scen_free_x(st, rng, 0.02, 0.98, 40 * u),
                  st->horizon + art_rand_in(rng, 0.0, 0.05) * H, art_rand_in(rng, 140, 220) * u,
                  art_hex(0x4a8a6a), 1, ART_BG);
    scen_band(p, st, rng, st->horizon + 0.06 * H, 20 * u, 0.7, art_hex(0xeef3fb));
    for (int i = 0; i < 3; i++)
        scen_pine(p, scen_free_x(st, rng, 0.03, 0.97, 60 * u),
                  st->horizon + art_rand_in(rng, 0.1, 0.14) * H, art_rand_in(rng, 260, 340) * u,
                  art_hex(0x3a7a5a), 1, ART_FG);
    scen_band(p, st, rng, st->ground - 0.05 * H, 10 * u, 0.6, art_hex(0xf7f9fd));
    cairo_t *cr = p->cr;
    for (int i = 0; i < 5; i++) {
        art_path_ellipse(cr, art_rand(rng) * st->w, st->ground + art_rand_in(rng, 0.02, 0.2) * H,
                         art_rand_in(rng, 60, 120) * u, art_rand_in(rng, 8, 14) * u);
        art_pen_fill_alpha(p, art_hex(0xb8c8e4), 0.45, ART_BG);
    }
}

void
art_scenery_pine(struct art_pen *p, double x, double y, double h, int snow)
{
    scen_pine(p, x, y, h, art_hex(0x3f7f5a), snow, ART_FG);
}

void
art_scenery_castle(struct art_pen *p, double x, double y, double s)
{
    cairo_t *cr = p->cr;
    struct art_rgb stone = art_hex(0xd8cfc4), roof = art_hex(0x5a6ad0);
    cairo_rectangle(cr, x - s * 0.35, y - s * 0.55, s * 0.7, s * 0.55);
    art_pen_fill(p, stone, ART_BG);
    for (int i = 0; i < 5; i++) {
        cairo_rectangle(cr, x - s * 0.35 + i * s * 0.15, y - s * 0.62, s * 0.1, s * 0.08);
    }
    art_pen_fill(p, stone, ART_BG);
    for (int t = -1; t <= 1; t++) {
        double tx = x + t * s * 0.38, th = t ? 0.75 : 0.95, tw = s * (t ? 0.16 : 0.2);
        cairo_rectangle(cr, tx - tw / 2, y - s * th, tw, s * th);
        art_pen_fill(p, art_darker(stone, 0.05), ART_BG);
        cairo_move_to(cr, tx - tw * 0.65, y - s * th);
        cairo_line_to(cr, tx, y - s * (th + 0.28));
        cairo_line_to(cr, tx + tw * 0.65, y - s * th);
        cairo_close_path(cr);
        art_pen_fill(p, roof, ART_BG);
        cairo_move_to(cr, tx, y - s * (th + 0.28));
        cairo_line_to(cr, tx, y - s * (th + 0.38));
        art_pen_stroke(p, art_hex(0x5a4a3a), s * 0.01, ART_BG);
        cairo_move_to(cr, tx, y - s * (th + 0.38));
        cairo_line_to(cr, tx + s * 0.09, y - s * (th + 0.35));
        cairo_line_to(cr, tx, y - s * (th + 0.32));
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xf05a5a), ART_BG);
        shape_round_rect(cr, tx - tw * 0.15, y - s * (th - 0.12), tw * 0.3, s * 0.1, tw * 0.15);
        art_pen_fill(p, art_hex(0x4a4060), ART_PLAIN);
    }
    cairo_move_to(cr, x - s * 0.1, y);
    cairo_line_to(cr, x - s * 0.1, y - s * 0.18);
    cairo_arc(cr, x, y - s * 0.18, s * 0.1, M_PI, 2 * M_PI);
    cairo_line_to(cr, x + s * 0.1, y);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x8a5a3c), ART_BG);
}

static void
scen_castle(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    double H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    scen_band(p, st, rng, st->horizon, 18 * u, 0.8, scen_land(sc, 0xa2cf88));
    double cx = scen_free_x(st, rng, 0.15, 0.85, 150 * u);
    art_scenery_castle(p, cx, st->horizon + 0.02 * H, 330 * u);
    scen_band(p, st, rng, st->horizon + 0.05 * H, 14 * u, 0.6, scen_land(sc, 0x8cc470));
    scen_band(p, st, rng, st->ground - 0.06 * H, 10 * u, 0.6, scen_land(sc, 0x7ab862));
    scen_grass(p, sc, st, rng, st->ground - 0.05 * H, H, 20, scen_land(sc, 0x5a9a44));
    scen_flowers(p, st, rng, st->ground, st->ground + 0.2 * H, 8);
}

static void
scen_fence(struct art_pen *p, const struct art_stage *st, double y, double h)
{
    cairo_t *cr = p->cr;
    struct art_rgb wood = art_hex(0xc89a6a);
    for (double x = 30 * p->u; x < st->w; x += 0.18 * st->w) {
        shape_round_rect(cr, x - h * 0.07, y - h, h * 0.14, h, h * 0.03);
        art_pen_fill(p, wood, ART_FG | ART_NOSHADOW);
    }
    cairo_rectangle(cr, -10, y - h * 0.8, st->w + 20, h * 0.12);
    cairo_rectangle(cr, -10, y - h * 0.45, st->w + 20, h * 0.12);
    art_pen_fill(p, wood, ART_FG);
}

static void
scen_farm(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    scen_outdoor_sky(p, sc, st, rng);
    scen_band(p, st, rng, st->horizon, 20 * u, 0.7, scen_land(sc, 0xb8d67e));
    /* Ploughed rows in the far field. */
    cairo_save(cr);
    cairo_rectangle(cr, 0, st->horizon + 0.02 * H, W, 0.05 * H);
    cairo_clip(cr);
    for (double x = -W; x < 2 * W; x += 34 * u) {
        cairo_move_to(cr, x, st->horizon);
        cairo_line_to(cr, x + 0.3 * W, st->horizon + 0.1 * H);
    }
    art_pen_stroke_alpha(p, scen_land(sc, 0x8aa85a), 0.6, 9 * u, ART_BG);
    cairo_restore(cr);
    /* The red barn and its silo. */
    double bx = scen_free_x(st, rng, 0.15, 0.85, 150 * u), by = st->horizon + 0.06 * H;
    double s = 260 * u;
    shape_round_rect(cr, bx + s * 0.42, by - s * 0.95, s * 0.26, s * 0.95, s * 0.13);
    art_pen_fill(p, art_hex(0xb8c0c8), ART_FG);
    cairo_move_to(cr, bx - s * 0.45, by);
    cairo_line_to(cr, bx - s * 0.45, by - s * 0.5);
    cairo_line_to(cr, bx, by - s * 0.85);
    cairo_line_to(cr, bx + s * 0.45, by - s * 0.5);
    cairo_line_to(cr, bx + s * 0.45, by);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xc8443a), ART_FG);
    cairo_move_to(cr, bx - s * 0.52, by - s * 0.46);
    cairo_line_to(cr, bx, by - s * 0.9);
    cairo_line_to(cr, bx + s * 0.52, by - s * 0.46);
    art_pen_stroke(p, art_hex(0x6a3a36), s * 0.06, ART_FG);
    cairo_rectangle(cr, bx - s * 0.16, by - s * 0.36, s * 0.32, s * 0.36);
    art_pen_fill(p, art_hex(0xfaf4ea), ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, bx - s * 0.16, by - s * 0.36);
    cairo_line_to(cr, bx + s * 0.16, by);
    cairo_move_to(cr, bx + s * 0.16, by - s * 0.36);
    cairo_line_to(cr, bx - s * 0.16, by);
    art_pen_stroke(p, art_hex(0xc8443a), s * 0.03, ART_PLAIN);
    art_path_circle(cr, bx, by - s * 0.6, s * 0.06);
    art_pen_fill(p, art_hex(0xfaf4ea), ART_FG | ART_NOSHADOW);
    scen_band(p, st, rng, st->horizon + 0.07 * H, 10 * u, 0.6, scen_land(sc, 0x8cc66c));
    scen_fence(p, st, st->ground - 0.05 * H, 90 * u);
    scen_band(p, st, rng, st->ground - 0.045 * H, 6 * u, 0.5, scen_land(sc, 0x7ab862));
    scen_grass(p, sc, st, rng, st->ground - 0.04 * H, H, 22, scen_land(sc, 0x5a9a44));
    for (int i = 0; i < 2; i++) {
        double x = scen_free_x(st, rng, 0.06, 0.94, 50 * u);
        double y = st->ground + art_rand_in(rng, 0.02, 0.12) * H;
        shape_round_rect(cr, x - 50 * u, y - 60 * u, 100 * u, 60 * u, 18 * u);
        art_pen_fill(p, art_hex(0xe8c060), ART_FG);
        for (int k = 0; k < 3; k++) {
            cairo_move_to(cr, x - 40 * u, y - (15 + k * 15) * u);
            cairo_line_to(cr, x + 40 * u, y - (15 + k * 15) * u);
        }
        art_pen_stroke_alpha(p, art_hex(0xb08a3a), 0.6, 2.5 * u, ART_BG);
    }
}

static void
scen_city(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    int dark = strcmp(sc->time, "night") == 0 || strcmp(sc->time, "evening") == 0;
    scen_outdoor_sky(p, sc, st, rng);
    static const uint32_t walls[] = {0xf2c0a0, 0xa8c8e8, 0xf4dca0, 0xc8b4e0, 0xa8dcc0, 0xf0a8a8};
    for (int layer = 0; layer < 2; layer++) {
        double base = st->horizon + (layer ? 0.1 : 0.04) * H;
        for (double x = art_rand_in(rng, -80, 0) * u; x < W;) {
            double bw = art_rand_in(rng, 110, 180) * u;
            double bh = art_rand_in(rng, 180, 380) * u * (layer ? 0.85 : 1.15);
            struct art_rgb c = art_hex(walls[art_rand_u32(rng) % 6]);
            if (!layer)
                c = art_mix(c, art_hex(0x9ab0d0), 0.45);
            shape_round_rect(cr, x, base - bh, bw - 8 * u, bh + 20 * u, 6 * u);
            art_pen_fill(p, c, layer ? ART_FG : ART_BG);
            struct art_rgb win = dark ? art_hex(0xffe08a) : art_hex(0xe8f4fc);
            for (double wy = base - bh + 22 * u; wy < base - 40 * u; wy += 46 * u)
                for (double wx = x + 18 * u; wx < x + bw - 40 * u; wx += 38 * u) {
                    if (dark && art_rand(rng) < 0.35)
                        continue;
                    cairo_rectangle(cr, wx, wy, 20 * u, 26 * u);
                }
            art_pen_fill(p, win, ART_PLAIN | (dark ? ART_NOLIGHT : 0));
            x += bw;
        }
    }
    /* The pavement, a tree in a planter, a street lamp. */
    double py = st->ground - 0.06 * H;
    cairo_rectangle(cr, -10, py, W + 20, H - py + 10);
    art_pen_fill(p, scen_land(sc, 0xc9c4bc), ART_BG);
    for (double x = 0; x < W; x += 130 * u) {
        cairo_move_to(cr, x, py);
        cairo_line_to(cr, x - 40 * u, H);
    }
    cairo_move_to(cr, 0, py + 0.06 * H);
    cairo_line_to(cr, W, py + 0.06 * H);
    art_pen_stroke_alpha(p, art_hex(0x9a948c), 0.6, 2.5 * u, ART_BG);
    cairo_rectangle(cr, -10, py - 10 * u, W + 20, 12 * u);
    art_pen_fill(p, art_hex(0xa8a29a), ART_BG);
    double tx = scen_free_x(st, rng, 0.08, 0.92, 60 * u);
    scen_tree(p, rng, tx, py + 20 * u, 300 * u, art_hex(0x5aa85e), ART_FG);
    shape_round_rect(cr, tx - 45 * u, py - 10 * u, 90 * u, 50 * u, 8 * u);
    art_pen_fill(p, art_hex(0xb8704a), ART_FG);
    double lx = scen_free_x(st, rng, 0.06, 0.94, 30 * u);
    cairo_move_to(cr, lx, py + 25 * u);
    cairo_line_to(cr, lx, py - 320 * u);
    art_pen_stroke(p, art_hex(0x3f4a5a), 10 * u, ART_FG);
    art_path_circle(cr, lx, py - 330 * u, 22 * u);
    art_pen_fill(p, art_hex(dark ? 0xfff0a0 : 0xf4f0e0), ART_FG | (dark ? ART_NOLIGHT : 0));
}

static void
scen_letter(cairo_t *cr, char ch, double x, double y, double s)
{
    /* Chalk letters as strokes, so no font is needed. */
    switch (ch) {
    case 'A':
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + s * 0.35, y - s);
        cairo_line_to(cr, x + s * 0.7, y);
        cairo_move_to(cr, x + s * 0.15, y - s * 0.4);
        cairo_line_to(cr, x + s * 0.55, y - s * 0.4);
        break;
    case 'B':
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x, y - s);
        cairo_curve_to(cr, x + s * 0.6, y - s, x + s * 0.6, y - s * 0.5, x, y - s * 0.5);
        cairo_curve_to(cr, x + s * 0.7, y - s * 0.5, x + s * 0.7, y, x, y);
        break;
    default: /* 'C' */
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + s * 0.4, y - s * 0.5, s * 0.45, M_PI * 0.3, M_PI * 1.7);
        break;
    }
}

static void
scen_school(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, u = p->u;
    double wx = st->clear_x0 > W - st->clear_x1 ? 0.1 * W : 0.66 * W;
    scen_room(p, sc, st, rng, 0xf6e8b8, 0xc9b48e, wx, 0.24 * W, 0);
    /* The blackboard, on the other side from the window. */
    double bx = wx < W / 2 ? 0.42 * W : 0.06 * W, bw = 0.5 * W;
    double by = st->cover ? 0.34 * st->h : 0.16 * st->h, bh = 0.22 * st->h;
    shape_round_rect(cr, bx - 12 * u, by - 12 * u, bw + 24 * u, bh + 24 * u, 8 * u);
    art_pen_fill(p, art_hex(0xa0703f), ART_FG);
    cairo_rectangle(cr, bx, by, bw, bh);
    art_pen_fill(p, art_hex(0x2f5a4a), ART_BG);
    struct art_rgb chalk = art_hex(0xf4f4ec);
    const char *abc = "ABC";
    for (int i = 0; i < 3; i++)
        scen_letter(cr, abc[i], bx + 40 * u + i * 70 * u, by + 90 * u, 60 * u);
    art_pen_stroke_alpha(p, chalk, 0.9, 5 * u, ART_PLAIN);
    art_path_circle(cr, bx + bw - 80 * u, by + 60 * u, 25 * u);
    for (int i = 0; i < 8; i++) {
        double a = i * M_PI / 4;
        cairo_move_to(cr, bx + bw - 80 * u + cos(a) * 34 * u, by + 60 * u + sin(a) * 34 * u);
        cairo_line_to(cr, bx + bw - 80 * u + cos(a) * 48 * u, by + 60 * u + sin(a) * 48 * u);
    }
    art_path_star(cr, bx + 110 * u, by + bh - 50 * u, 28 * u, 12 * u, 0);
    art_pen_stroke_alpha(p, art_hex(0xf8e27a), 0.9, 4 * u, ART_PLAIN);
    if (!st->cover) {
        /* Bunting across the top. */
        static const uint32_t flags[] = {0xf06a6a, 0xf7d45a, 0x6ab8e8, 0x7cc870};
        for (int i = 0; i * 70 * u < W; i++) {
            double x = i * 70 * u, y = 0.06 * st->h + 10 * u * sin(i * 0.5);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + 60 * u, y);
            cairo_line_to(cr, x + 30 * u, y + 55 * u);
            cairo_close_path(cr);
            art_pen_fill(p, art_hex(flags[i % 4]), ART_FG | ART_NOSHADOW);
        }
    }
}

static void
scen_shelves(struct art_pen *p, uint32_t *rng, double x, double y, double w, double h)
{
    cairo_t *cr = p->cr;
    double u = p->u;
    static const uint32_t spines[] = {0xd0524a, 0x4a7ad0, 0x4aa86a, 0xe8b03a, 0x8a5ac0,
                                      0xf08a5a, 0x3a9aa8, 0xc86a9a};
    cairo_rectangle(cr, x, y, w, h);
    art_pen_fill(p, art_hex(0x8a5a3c), ART_FG);
    int rows = (int)(h / (110 * u));
    if (rows < 2)
        rows = 2;
    double rh = h / rows;
    for (int r = 0; r < rows; r++) {
        double ry = y + r * rh + 12 * u, bx = x + 14 * u;
        cairo_rectangle(cr, x + 10 * u, ry, w - 20 * u, rh - 24 * u);
        art_pen_fill(p, art_hex(0x5a3a2a), ART_PLAIN);
        while (bx < x + w - 40 * u) {
            double bw = art_rand_in(rng, 14, 26) * u, bh = (rh - 24 * u) * art_rand_in(rng, 0.7, 0.98);
            cairo_rectangle(cr, bx, ry + rh - 24 * u - bh, bw, bh);
            art_pen_fill(p, art_hex(spines[art_rand_u32(rng) % 8]), ART_BG);
            bx += bw + 2 * u;
        }
    }
}

static void
scen_library(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
             uint32_t *rng)
{
    double W = st->w, H = st->h, u = p->u;
    double cx = (st->clear_x0 + st->clear_x1) / 2;
    scen_room(p, sc, st, rng, 0xecdcc0, 0xb98a5a, cx - 0.1 * W, 0.2 * W, 0x8a3a4a);
    double top = st->cover ? 0.32 * H : 0.08 * H, bottom = st->horizon - 14 * u;
    double sw = cx - 0.16 * W - 0.02 * W;
    if (sw > 80 * u)
        scen_shelves(p, rng, 0.02 * W - 30 * u, top, sw + 30 * u, bottom - top);
    double rx = cx + 0.16 * W;
    if (W - rx > 80 * u)
        scen_shelves(p, rng, rx, top, W - rx + 30 * u, bottom - top);
    scen_rug(p, st, 0x7a5ab0);
}

static void
scen_bed(struct art_pen *p, double x, double y, double s, int flip)
{
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, flip ? -s : s, s);
    shape_round_rect(cr, -0.6, -0.75, 0.12, 0.75, 0.05);
    art_pen_fill(p, art_hex(0xa06a44), ART_FG);
    shape_round_rect(cr, -0.55, -0.38, 1.15, 0.2, 0.05);
    art_pen_fill(p, art_hex(0xf8f4ec), ART_FG);
    shape_round_rect(cr, -0.45, -0.5, 0.3, 0.14, 0.07);
    art_pen_fill(p, art_hex(0xffffff), ART_FG);
    shape_round_rect(cr, -0.2, -0.44, 0.82, 0.34, 0.06);
    art_pen_fill(p, art_hex(0x6a9ae0), ART_FG);
    for (int i = 0; i < 4; i++)
        art_path_star(cr, -0.05 + i * 0.2, -0.28, 0.04, 0.02, 0);
    art_pen_fill(p, art_hex(0xfff0a0), ART_PLAIN);
    cairo_rectangle(cr, -0.58, -0.12, 0.08, 0.12);
    cairo_rectangle(cr, 0.5, -0.12, 0.08, 0.12);
    art_pen_fill(p, art_hex(0xa06a44), ART_FG);
    cairo_restore(cr);
}

static void
scen_bedroom(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
             uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    int night = strcmp(sc->time, "night") == 0;
    double cx = (st->clear_x0 + st->clear_x1) / 2;
    int right = cx < W / 2;
    scen_room(p, sc, st, rng, 0xc8dcf0, 0xd8b48a, right ? 0.62 * W : 0.14 * W, 0.22 * W, 0xf0a0b0);
    /* Little stars on the wallpaper. */
    for (double y = 40 * u; y < st->horizon - 30 * u; y += 90 * u)
        for (double x = (((int)(y / (90 * u))) & 1) * 45 * u; x < W; x += 90 * u)
            art_path_star(cr, x, y, 9 * u, 4 * u, 0);
    art_pen_fill_alpha(p, art_hex(0xffffff), 0.55, ART_BG);
    scen_rug(p, st, 0xf2b8c8);
    if (strcmp(sc->action, "sleeping") != 0)
        scen_bed(p, right ? 0.86 * W : 0.14 * W, st->ground - 0.02 * H, 0.34 * W, !right);
    scen_lamp(p, st, right ? 0.58 * W : 0.42 * W, st->horizon, 150 * u, night);
}

static void
scen_home(struct art_pen *p, const struct art_scene *sc, struct art_stage *st, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    double W = st->w, H = st->h, u = p->u;
    int night = strcmp(sc->time, "night") == 0;
    double cx = (st->clear_x0 + st->clear_x1) / 2;
    int right = cx < W / 2;
    scen_room(p, sc, st, rng, 0xf3dcb8, 0xb88a60, right ? 0.64 * W : 0.12 * W, 0.22 * W, 0x5aa0a0);
    for (double x = 30 * u; x < W; x += 60 * u) {
        cairo_rectangle(cr, x, 0, 16 * u, st->horizon - 14 * u);
    }
    art_pen_fill_alpha(p, art_hex(0xffffff), 0.25, ART_BG);
    /* A picture on the wall: a little house. */
    double fx = right ? 0.2 * W : 0.7 * W, fy = st->cover ? 0.34 * H : 0.18 * H;
    cairo_rectangle(cr, fx, fy, 130 * u, 100 * u);
    art_pen_fill(p, art_hex(0xc09050), ART_FG);
    cairo_rectangle(cr, fx + 12 * u, fy + 12 * u, 106 * u, 76 * u);
    art_pen_fill(p, art_hex(0xdff0fa), ART_PLAIN);
    cairo_move_to(cr, fx + 40 * u, fy + 80 * u);
    cairo_line_to(cr, fx + 40 * u, fy + 55 * u);
    cairo_line_to(cr, fx + 65 * u, fy + 35 * u);
    cairo_line_to(cr, fx + 90 * u, fy + 55 * u);
    cairo_line_to(cr, fx + 90 * u, fy + 80 * u);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xe0604a), ART_PLAIN);
    /* The sofa, on the side away from the child. */
    double sx = right ? 0.82 * W : 0.18 * W, sy = st->ground - 0.03 * H, s = 0.3 * W;
    shape_round_rect(cr, sx - s * 0.5, sy - s * 0.55, s, s * 0.4, s * 0.08);
    art_pen_fill(p, art_hex(0xd8705a), ART_FG);
    shape_round_rect(cr, sx - s * 0.5, sy - s * 0.25, s, s * 0.2, s * 0.06);
    art_pen_fill(p, art_hex(0xe8866a), ART_FG);
    for (int k = -1; k <= 1; k += 2) {
        shape_round_rect(cr, sx + k * s * 0.5 - s * 0.07, sy - s * 0.4, s * 0.14, s * 0.36, s * 0.06);
        art_pen_fill(p, art_hex(0xc8604a), ART_FG);
    }
    shape_round_rect(cr, sx - s * 0.3, sy - s * 0.45, s * 0.18, s * 0.16, s * 0.04);
    art_pen_fill(p, art_hex(0xf4d46a), ART_FG);
    scen_rug(p, st, 0x6aa8a0);
    double px = right ? 0.06 * W : 0.94 * W;
    shape_round_rect(cr, px - 35 * u, st->horizon - 10 * u, 70 * u, 70 * u, 10 * u);
    art_pen_fill(p, art_hex(0xd07a4a), ART_FG);
    for (int k = 0; k < 5; k++)
        scen_leaf(p, px, st->horizon - 10 * u, 90 * u, -M_PI / 2 + (k - 2) * 0.45,
                  art_hex(0x4f9a4a));
    scen_lamp(p, st, right ? 0.6 * W : 0.4 * W, st->horizon + 10 * u, 170 * u, night);
}

static const struct {
    const char *name;
    scen_fn *draw;
} scen_settings[] = {
    {"bedroom", scen_bedroom},   {"home", scen_home},       {"garden", scen_garden},
    {"park", scen_park},         {"meadow", scen_meadow},   {"forest", scen_forest},
    {"jungle", scen_jungle},     {"volcano", scen_volcano}, {"desert", scen_desert},
    {"beach", scen_beach},       {"ocean", scen_ocean},     {"underwater", scen_underwater},
    {"island", scen_island},     {"space", scen_space},     {"moon", scen_moonscape},
    {"sky", scen_skyland},       {"mountains", scen_mountains}, {"snow", scen_snow},
    {"castle", scen_castle},     {"farm", scen_farm},       {"city", scen_city},
    {"school", scen_school},     {"library", scen_library},
};

void
art_scenery_draw(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
                 uint32_t seed)
{
    uint32_t rng = seed ^ 0x51CE5EEDu;
    scen_fn *draw = scen_meadow;
    for (size_t i = 0; i < sizeof scen_settings / sizeof scen_settings[0]; i++)
        if (strcmp(scen_settings[i].name, sc->setting) == 0)
            draw = scen_settings[i].draw;
    const struct scen_time *t = scen_time(sc->time);
    static const char *const rooms[] = {"bedroom", "home", "school", "library"};
    int room = 0;
    for (size_t i = 0; i < sizeof rooms / sizeof rooms[0]; i++)
        room |= strcmp(rooms[i], sc->setting) == 0;
    st->night = strcmp(t->name, "night") == 0;
    /* Every colour takes the light of the hour (skies are painted in their
     * own colours); a room at night is lit by its lamp, warm rather than
     * blue; under the sea and in space the light is always cool. */
    if (room && st->night) {
        p->light = art_hex(0xc8a890);
        p->light_k = 0.4;
    } else if (strcmp(sc->setting, "underwater") == 0 || strcmp(sc->setting, "space") == 0 ||
               strcmp(sc->setting, "moon") == 0) {
        p->light = art_hex(0xd8e4ff);
        p->light_k = 0.15;
    } else {
        p->light = art_hex(t->light);
        p->light_k = t->k;
    }
    draw(p, sc, st, &rng);
}

/* 1 when (x, y) falls on the child's face. */
static int
scen_on_face(const struct art_stage *st, double x, double y, double r)
{
    return hypot(x - st->face_x, y - st->face_y) < st->face_r + r;
}

void
art_scenery_weather(struct art_pen *p, const struct art_scene *sc, const struct art_stage *st,
                    uint32_t seed)
{
    cairo_t *cr = p->cr;
    uint32_t rng = seed ^ 0xAE7EA7E5u;
    double W = st->w, H = st->h, u = p->u;
    if (st->indoor || st->underwater || st->floating)
        return;
    double area = W * H / (u * u * 1e6); /* in square thousand-units */
    if (strcmp(sc->weather, "rain") == 0) {
        int n = (int)(170 * area);
        for (int i = 0; i < n; i++) {
            double x = art_rand(&rng) * (W + 100 * u), y = art_rand(&rng) * H;
            double len = art_rand_in(&rng, 22, 40) * u;
            if (scen_on_face(st, x, y + len / 2, len))
                continue;
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x - len * 0.25, y + len);
        }
        art_pen_stroke_alpha(p, art_hex(0xdce8f6), 0.6, 2.2 * u, ART_BG);
    } else if (strcmp(sc->weather, "snow") == 0) {
        int n = (int)(140 * area);
        for (int i = 0; i < n; i++) {
            double x = art_rand(&rng) * W, y = art_rand(&rng) * H, r = art_rand_in(&rng, 3, 8) * u;
            if (!scen_on_face(st, x, y, r))
                art_path_circle(cr, x, y, r);
        }
        art_pen_fill_alpha(p, art_hex(0xffffff), 0.92, ART_BG);
    } else if (strcmp(sc->weather, "wind") == 0) {
        for (int i = 0; i < 5; i++) {
            double x = art_rand(&rng) * W, y = art_rand_in(&rng, 0.1, 0.6) * H;
            double len = art_rand_in(&rng, 120, 220) * u;
            if (scen_on_face(st, x + len / 2, y, len / 2))
                continue;
            cairo_move_to(cr, x, y);
            cairo_curve_to(cr, x + len * 0.4, y - 20 * u, x + len * 0.7, y + 20 * u, x + len, y);
            cairo_arc(cr, x + len, y - 14 * u, 14 * u, M_PI / 2, -M_PI / 2 + 0.3);
        }
        art_pen_stroke_alpha(p, art_hex(0xffffff), 0.65, 4 * u, ART_BG);
        static const uint32_t leaves[] = {0x7cc050, 0xf0a040, 0xe0603a, 0xf4d04a};
        for (int i = 0; i < 14; i++) {
            double x = art_rand(&rng) * W, y = art_rand_in(&rng, 0.1, 0.8) * H;
            if (scen_on_face(st, x, y, 25 * u))
                continue;
            cairo_save(cr);
            cairo_translate(cr, x, y);
            cairo_rotate(cr, art_rand(&rng) * 2 * M_PI);
            double s = art_rand_in(&rng, 12, 20) * u;
            cairo_move_to(cr, -s, 0);
            cairo_curve_to(cr, -s * 0.3, -s * 0.7, s * 0.3, -s * 0.7, s, 0);
            cairo_curve_to(cr, s * 0.3, s * 0.7, -s * 0.3, s * 0.7, -s, 0);
            cairo_close_path(cr);
            art_pen_fill(p, art_hex(leaves[i % 4]), ART_FG | ART_NOSHADOW);
            cairo_restore(cr);
        }
    }
}
