/*
 * art_objects.c — every word of vocab_objects as a drawing, plus the gift
 * box that stands in for a word the illustrator does not know.
 *
 * Each drawing lives in a box 100 units tall with its feet at (0, 0), y up
 * negative, facing +x; art_object_draw() moves, scales and mirrors it.  The
 * table says how big each thing is next to the child and where it belongs
 * (on the ground, in the sky, in the water), which the layout uses.
 * Shapes are simple and round, with faces where a child would want one.
 */
#include <math.h>
#include <string.h>

#include "art_draw.h"

typedef void obj_fn(struct art_pen *p, uint32_t *rng);

static const struct art_rgb obj_ink = {0.16, 0.11, 0.11};

/* A friendly eye: dark, with a white glint. */
static void
obj_eye(struct art_pen *p, double x, double y, double r)
{
    cairo_t *cr = p->cr;
    art_path_circle(cr, x, y, r);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    art_path_circle(cr, x + r * 0.35, y - r * 0.35, r * 0.38);
    art_pen_fill(p, art_hex(0xffffff), ART_PLAIN | ART_NOLIGHT);
}

static void
obj_smile(struct art_pen *p, double x, double y, double w)
{
    cairo_t *cr = p->cr;
    cairo_move_to(cr, x - w, y);
    cairo_curve_to(cr, x - w * 0.5, y + w * 0.7, x + w * 0.5, y + w * 0.7, x + w, y);
    art_pen_stroke(p, obj_ink, w * 0.28, ART_PLAIN);
}

static void
obj_cheek(struct art_pen *p, double x, double y, double r)
{
    art_path_ellipse(p->cr, x, y, r, r * 0.7);
    art_pen_fill_alpha(p, art_hex(0xff7f86), 0.45, ART_PLAIN);
}

static void
obj_wheel(struct art_pen *p, double x, double y, double r)
{
    cairo_t *cr = p->cr;
    art_path_circle(cr, x, y, r);
    art_pen_fill(p, art_hex(0x3a3a46), ART_FG);
    art_path_circle(cr, x, y, r * 0.45);
    art_pen_fill(p, art_hex(0xd8d8e0), ART_FG | ART_NOSHADOW);
}

/* A leg or a neck: a thick round-ended line. */
static void
obj_line(struct art_pen *p, double x0, double y0, double x1, double y1, double w,
         struct art_rgb c)
{
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    art_pen_stroke(p, c, w, ART_FG);
}

static void
obj_dinosaur(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb body = art_hex(0x6cc070), belly = art_hex(0xd8efb0), plate = art_hex(0xf6a04a);
    (void)rng;
    for (int i = 0; i < 5; i++) {
        double x = -38 + i * 14, y = -56 + fabs(i - 2.2) * 4;
        cairo_move_to(cr, x - 7, y + 6);
        cairo_line_to(cr, x, y - 10);
        cairo_line_to(cr, x + 7, y + 6);
        cairo_close_path(cr);
    }
    art_pen_fill(p, plate, ART_FG);
    obj_line(p, -30, -28, -30, -4, 13, art_darker(body, 0.1));
    obj_line(p, 18, -28, 18, -4, 13, art_darker(body, 0.1));
    /* Body, tail and neck in one shape. */
    cairo_move_to(cr, -78, -26);
    cairo_curve_to(cr, -60, -26, -50, -60, -10, -60);
    cairo_curve_to(cr, 12, -60, 22, -58, 30, -72);
    cairo_curve_to(cr, 34, -82, 36, -94, 48, -96);
    cairo_curve_to(cr, 62, -98, 72, -90, 70, -80);
    cairo_curve_to(cr, 68, -72, 56, -72, 50, -74);
    cairo_curve_to(cr, 46, -60, 44, -40, 36, -30);
    cairo_curve_to(cr, 28, -16, -30, -12, -44, -20);
    cairo_curve_to(cr, -56, -24, -68, -22, -78, -26);
    cairo_close_path(cr);
    art_pen_fill(p, body, ART_FG);
    art_path_ellipse(cr, 0, -30, 26, 12);
    art_pen_fill(p, belly, ART_FG | ART_NOSHADOW);
    obj_line(p, -20, -26, -20, -3, 13, body);
    obj_line(p, 28, -26, 28, -3, 13, body);
    obj_eye(p, 56, -86, 3.2);
    obj_smile(p, 62, -79, 4);
    obj_cheek(p, 52, -78, 3.5);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, -14 + i * 16, -48 + (i & 1) * 4, 3);
    art_pen_fill_alpha(p, art_darker(body, 0.2), 0.5, ART_PLAIN);
}

static void
obj_rocket(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_move_to(cr, -8, -10);
    cairo_curve_to(cr, -10, 4, -4, 8, 0, 14);
    cairo_curve_to(cr, 4, 8, 10, 4, 8, -10);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xffb03a), ART_FG | ART_NOLIGHT);
    cairo_move_to(cr, -4, -10);
    cairo_curve_to(cr, -5, -2, -2, 2, 0, 6);
    cairo_curve_to(cr, 2, 2, 5, -2, 4, -10);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfff08a), ART_PLAIN | ART_NOLIGHT);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, s * 12, -40);
        cairo_curve_to(cr, s * 24, -30, s * 24, -16, s * 22, -8);
        cairo_line_to(cr, s * 10, -16);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xe0483c), ART_FG);
    }
    cairo_move_to(cr, -14, -14);
    cairo_curve_to(cr, -18, -50, -12, -80, 0, -100);
    cairo_curve_to(cr, 12, -80, 18, -50, 14, -14);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf4f2f0), ART_FG);
    cairo_move_to(cr, -10.5, -76);
    cairo_curve_to(cr, -6, -88, -3, -94, 0, -100);
    cairo_curve_to(cr, 3, -94, 6, -88, 10.5, -76);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xe0483c), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 0, -54, 8);
    art_pen_fill(p, art_hex(0x8a8a9a), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 0, -54, 5.5);
    art_pen_fill(p, art_hex(0x7ac8f0), ART_PLAIN);
    cairo_rectangle(cr, -2, -12, 4, 10);
    art_pen_fill(p, art_hex(0xe0483c), ART_FG);
}

static void
obj_ball(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    art_path_circle(cr, 0, -50, 50);
    art_pen_fill(p, art_hex(0xfafafa), ART_FG);
    cairo_save(cr);
    art_path_circle(cr, 0, -50, 50);
    cairo_clip(cr);
    static const uint32_t seg[] = {0xe84a4a, 0xf6c63a, 0x3f8ae0};
    for (int i = 0; i < 3; i++) {
        double a = -M_PI / 2 + i * 2 * M_PI / 3;
        cairo_move_to(cr, 0, -50);
        cairo_curve_to(cr, cos(a - 0.5) * 40, -50 + sin(a - 0.5) * 40, cos(a - 0.3) * 60,
                       -50 + sin(a - 0.3) * 60, cos(a - 0.25) * 70, -50 + sin(a - 0.25) * 70);
        cairo_line_to(cr, cos(a + 0.35) * 70, -50 + sin(a + 0.35) * 70);
        cairo_curve_to(cr, cos(a + 0.35) * 60, -50 + sin(a + 0.35) * 60, cos(a + 0.3) * 30,
                       -50 + sin(a + 0.3) * 30, 0, -50);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(seg[i]), ART_FG | ART_NOSHADOW);
    }
    cairo_restore(cr);
    art_path_circle(cr, 0, -50, 8);
    art_pen_fill(p, art_hex(0xfafafa), ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, -20, -72, 10, 6);
    art_pen_fill_alpha(p, art_hex(0xffffff), 0.6, ART_PLAIN);
}

static void
obj_cat(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb fur = art_hex(0xf2a04e), light = art_hex(0xfbe2c0);
    (void)rng;
    cairo_move_to(cr, -20, -8);
    cairo_curve_to(cr, -46, -8, -52, -36, -38, -40);
    cairo_curve_to(cr, -30, -42, -32, -28, -40, -28);
    art_pen_stroke(p, fur, 7, ART_FG);
    cairo_move_to(cr, -24, 0);
    cairo_curve_to(cr, -28, -30, -18, -52, 0, -54);
    cairo_curve_to(cr, 18, -52, 28, -30, 24, 0);
    cairo_close_path(cr);
    art_pen_fill(p, fur, ART_FG);
    art_path_ellipse(cr, 0, -22, 11, 16);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, s * 22, -80);
        cairo_line_to(cr, s * 24, -102);
        cairo_line_to(cr, s * 8, -90);
        cairo_close_path(cr);
        art_pen_fill(p, fur, ART_FG);
        cairo_move_to(cr, s * 20, -84);
        cairo_line_to(cr, s * 21, -96);
        cairo_line_to(cr, s * 12, -89);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xf7b7b0), ART_PLAIN);
    }
    art_path_ellipse(cr, 0, -72, 25, 21);
    art_pen_fill(p, fur, ART_FG);
    for (int i = -1; i <= 1; i++) {
        cairo_move_to(cr, i * 6 - 3, -91);
        cairo_line_to(cr, i * 6 + 3, -84);
    }
    art_pen_stroke(p, art_darker(fur, 0.3), 2.4, ART_PLAIN);
    art_path_ellipse(cr, 0, -64, 10, 7);
    art_pen_fill(p, light, ART_PLAIN);
    obj_eye(p, -9, -74, 3.4);
    obj_eye(p, 9, -74, 3.4);
    cairo_move_to(cr, -2, -68);
    cairo_line_to(cr, 2, -68);
    cairo_line_to(cr, 0, -65.5);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf07a8a), ART_PLAIN);
    cairo_move_to(cr, 0, -65);
    cairo_curve_to(cr, -2, -61, -5, -61, -6, -63);
    cairo_move_to(cr, 0, -65);
    cairo_curve_to(cr, 2, -61, 5, -61, 6, -63);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, s * 10, -66);
        cairo_line_to(cr, s * 28, -68);
        cairo_move_to(cr, s * 10, -63);
        cairo_line_to(cr, s * 27, -60);
    }
    art_pen_stroke(p, obj_ink, 1.2, ART_PLAIN);
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 9, -2, 8, 5);
        art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    }
}

static void
obj_dog(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb fur = art_hex(0xc98a52), light = art_hex(0xf6e2c4), ear = art_hex(0x7a4e2e);
    (void)rng;
    cairo_move_to(cr, -22, -20);
    cairo_curve_to(cr, -38, -26, -40, -40, -34, -48);
    art_pen_stroke(p, fur, 7, ART_FG);
    cairo_move_to(cr, -26, 0);
    cairo_curve_to(cr, -30, -30, -18, -56, 0, -56);
    cairo_curve_to(cr, 18, -56, 30, -30, 26, 0);
    cairo_close_path(cr);
    art_pen_fill(p, fur, ART_FG);
    art_path_ellipse(cr, 0, -26, 13, 18);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, 0, -72, 25, 22);
    art_pen_fill(p, fur, ART_FG);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, s * 16, -90);
        cairo_curve_to(cr, s * 36, -92, s * 38, -70, s * 30, -58);
        cairo_curve_to(cr, s * 24, -60, s * 20, -72, s * 16, -90);
        cairo_close_path(cr);
        art_pen_fill(p, ear, ART_FG);
    }
    art_path_ellipse(cr, 0, -63, 13, 10);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, 0, -68, 5, 3.6);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    obj_eye(p, -9, -78, 3.4);
    obj_eye(p, 9, -78, 3.4);
    art_path_ellipse(cr, 3, -55, 4, 5);
    art_pen_fill(p, art_hex(0xf07a8a), ART_PLAIN);
    cairo_move_to(cr, -6, -60);
    cairo_curve_to(cr, -3, -56, 3, -56, 6, -60);
    art_pen_stroke(p, obj_ink, 1.4, ART_PLAIN);
    cairo_move_to(cr, -15, -50);
    cairo_curve_to(cr, -5, -46, 5, -46, 15, -50);
    art_pen_stroke(p, art_hex(0xe0483c), 4, ART_FG);
    art_path_circle(cr, 0, -46, 3);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 10, -2, 9, 5.5);
        art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    }
}

/* Horse and unicorn share a body. */
static void
obj_horse_body(struct art_pen *p, struct art_rgb coat, struct art_rgb mane, int unicorn)
{
    cairo_t *cr = p->cr;
    struct art_rgb hoof = art_hex(0x5a4a44);
    for (int i = 0; i < 2; i++) {
        double x = i ? 30 : -30;
        obj_line(p, x - 4, -38, x - 6, -6, 10, art_darker(coat, 0.12));
    }
    cairo_move_to(cr, -48, -58);
    cairo_curve_to(cr, -66, -56, -70, -30, -64, -18);
    cairo_curve_to(cr, -60, -30, -56, -44, -48, -48);
    cairo_close_path(cr);
    art_pen_fill(p, mane, ART_FG);
    shape_round_rect(cr, -52, -66, 92, 36, 18);
    art_pen_fill(p, coat, ART_FG);
    for (int i = 0; i < 2; i++) {
        double x = i ? 26 : -36;
        obj_line(p, x, -38, x + 2, -6, 10, coat);
        shape_round_rect(cr, x - 4.5, -8, 13, 8, 2);
        art_pen_fill(p, hoof, ART_FG | ART_NOSHADOW);
    }
    cairo_move_to(cr, 22, -60);
    cairo_curve_to(cr, 26, -76, 32, -88, 40, -96);
    cairo_line_to(cr, 58, -84);
    cairo_curve_to(cr, 50, -74, 44, -64, 40, -54);
    cairo_close_path(cr);
    art_pen_fill(p, coat, ART_FG);
    shape_round_rect(cr, 34, -102, 30, 22, 10);
    art_pen_fill(p, coat, ART_FG);
    art_path_ellipse(cr, 60, -86, 10, 8);
    art_pen_fill(p, art_lighter(coat, 0.35), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 63, -87, 1.5);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    cairo_move_to(cr, 38, -100);
    cairo_line_to(cr, 40, -110);
    cairo_line_to(cr, 46, -101);
    cairo_close_path(cr);
    art_pen_fill(p, coat, ART_FG);
    if (unicorn) {
        cairo_move_to(cr, 48, -101);
        cairo_line_to(cr, 58, -124);
        cairo_line_to(cr, 54, -100);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
        static const uint32_t rainbow[] = {0xf2708a, 0xf6b04a, 0xf6dc5a, 0x7ac87a, 0x6aa8e8,
                                           0xa07ad8};
        for (int i = 0; i < 6; i++) {
            art_path_ellipse(cr, 34 - i * 3.2, -100 + i * 7, 7, 5.5);
            art_pen_fill(p, art_hex(rainbow[i]), ART_FG | ART_NOSHADOW);
        }
    } else {
        cairo_move_to(cr, 40, -104);
        cairo_curve_to(cr, 30, -100, 24, -80, 22, -62);
        cairo_curve_to(cr, 28, -70, 32, -84, 42, -94);
        cairo_close_path(cr);
        art_pen_fill(p, mane, ART_FG);
    }
    obj_eye(p, 46, -92, 2.8);
    obj_cheek(p, 50, -86, 3);
}

static void
obj_horse(struct art_pen *p, uint32_t *rng)
{
    (void)rng;
    obj_horse_body(p, art_hex(0xb8703a), art_hex(0x5a3420), 0);
}

static void
obj_unicorn(struct art_pen *p, uint32_t *rng)
{
    (void)rng;
    obj_horse_body(p, art_hex(0xfbf8f6), art_hex(0xf2708a), 1);
}

static void
obj_rabbit(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb fur = art_hex(0xeeeae6), pink = art_hex(0xf7b7c0);
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 9, -82, 7, 20);
        art_pen_fill(p, fur, ART_FG);
        art_path_ellipse(cr, s * 9, -82, 3.5, 14);
        art_pen_fill(p, pink, ART_PLAIN);
    }
    art_path_circle(cr, -24, -14, 7);
    art_pen_fill(p, art_hex(0xffffff), ART_FG);
    art_path_ellipse(cr, 0, -24, 22, 24);
    art_pen_fill(p, fur, ART_FG);
    art_path_ellipse(cr, 0, -56, 19, 16);
    art_pen_fill(p, fur, ART_FG);
    obj_eye(p, -7, -58, 2.8);
    obj_eye(p, 7, -58, 2.8);
    art_path_ellipse(cr, 0, -51, 2.6, 1.8);
    art_pen_fill(p, art_hex(0xf07a8a), ART_PLAIN);
    obj_cheek(p, -12, -51, 3);
    obj_cheek(p, 12, -51, 3);
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 11, -2, 9, 4.5);
        art_pen_fill(p, fur, ART_FG | ART_NOSHADOW);
    }
}

static void
obj_bird(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb blue = art_hex(0x4a9ae0);
    (void)rng;
    cairo_move_to(cr, -40, -52);
    cairo_line_to(cr, -66, -64);
    cairo_line_to(cr, -62, -40);
    cairo_close_path(cr);
    art_pen_fill(p, art_darker(blue, 0.15), ART_FG);
    art_path_ellipse(cr, 0, -48, 44, 34);
    art_pen_fill(p, blue, ART_FG);
    art_path_ellipse(cr, 8, -34, 26, 16);
    art_pen_fill(p, art_hex(0xf6d4b0), ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, -16, -56);
    cairo_curve_to(cr, -30, -96, 0, -104, 10, -86);
    cairo_curve_to(cr, 4, -70, -4, -60, -16, -56);
    cairo_close_path(cr);
    art_pen_fill(p, art_lighter(blue, 0.2), ART_FG);
    cairo_move_to(cr, 42, -56);
    cairo_line_to(cr, 60, -50);
    cairo_line_to(cr, 42, -44);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6a03a), ART_FG | ART_NOSHADOW);
    obj_eye(p, 26, -58, 5);
    obj_cheek(p, 30, -44, 5);
}

static void
obj_owl(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb brown = art_hex(0x9a6a48), light = art_hex(0xe8cfa8);
    (void)rng;
    obj_line(p, -40, -4, 40, -4, 8, art_hex(0x7a5236));
    cairo_move_to(cr, -30, -14);
    cairo_curve_to(cr, -34, -60, -24, -94, -22, -100);
    cairo_curve_to(cr, -12, -90, 12, -90, 22, -100);
    cairo_curve_to(cr, 24, -94, 34, -60, 30, -14);
    cairo_curve_to(cr, 20, -6, -20, -6, -30, -14);
    cairo_close_path(cr);
    art_pen_fill(p, brown, ART_FG);
    art_path_ellipse(cr, 0, -34, 18, 22);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    for (int i = 0; i < 3; i++) {
        cairo_move_to(cr, -8 + i * 8 - 3, -40 + (i & 1) * 8);
        cairo_curve_to(cr, -8 + i * 8 - 1, -37 + (i & 1) * 8, -8 + i * 8 + 1, -37 + (i & 1) * 8,
                       -8 + i * 8 + 3, -40 + (i & 1) * 8);
    }
    art_pen_stroke(p, art_darker(light, 0.3), 1.5, ART_PLAIN);
    for (int s = -1; s <= 1; s += 2) {
        art_path_circle(cr, s * 12, -70, 11);
        art_pen_fill(p, art_hex(0xfaf4e6), ART_FG | ART_NOSHADOW);
        art_path_circle(cr, s * 12, -70, 6.5);
        art_pen_fill(p, art_hex(0xf6b03a), ART_PLAIN | ART_NOLIGHT);
        obj_eye(p, s * 12, -70, 3.8);
    }
    cairo_move_to(cr, -4, -60);
    cairo_line_to(cr, 4, -60);
    cairo_line_to(cr, 0, -52);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6a03a), ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 8, -8, 5, 3);
        art_pen_fill(p, art_hex(0xf6a03a), ART_FG | ART_NOSHADOW);
    }
}

static void
obj_fish(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0xf6903a);
    (void)rng;
    cairo_move_to(cr, -40, -50);
    cairo_line_to(cr, -78, -82);
    cairo_curve_to(cr, -70, -60, -70, -40, -78, -18);
    cairo_close_path(cr);
    art_pen_fill(p, art_darker(c, 0.1), ART_FG);
    cairo_move_to(cr, -10, -82);
    cairo_curve_to(cr, -4, -100, 18, -100, 22, -78);
    cairo_close_path(cr);
    art_pen_fill(p, art_darker(c, 0.1), ART_FG);
    art_path_ellipse(cr, 0, -50, 50, 34);
    art_pen_fill(p, c, ART_FG);
    for (int i = 0; i < 2; i++) {
        cairo_move_to(cr, -20 + i * 18, -82);
        cairo_curve_to(cr, -10 + i * 18, -60, -10 + i * 18, -40, -20 + i * 18, -18);
        art_pen_stroke(p, art_hex(0xfff0e0), 6, ART_PLAIN);
    }
    obj_eye(p, 26, -56, 5.5);
    obj_smile(p, 36, -40, 6);
}

static void
obj_whale(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0x4a7ec8);
    (void)rng;
    /* The spout. */
    for (int s = -1; s <= 1; s++) {
        cairo_move_to(cr, 10, -62);
        cairo_curve_to(cr, 10 + s * 4, -80, 10 + s * 14, -92, 10 + s * 22, -94);
    }
    art_pen_stroke(p, art_hex(0x9ad8f6), 5, ART_FG);
    cairo_move_to(cr, -60, -40);
    cairo_curve_to(cr, -78, -54, -90, -66, -90, -76);
    cairo_curve_to(cr, -80, -70, -70, -68, -62, -66);
    cairo_curve_to(cr, -62, -74, -58, -84, -50, -86);
    cairo_curve_to(cr, -52, -70, -50, -56, -46, -40);
    cairo_close_path(cr);
    art_pen_fill(p, c, ART_FG);
    cairo_move_to(cr, -60, -30);
    cairo_curve_to(cr, -60, -56, -30, -62, 10, -62);
    cairo_curve_to(cr, 50, -62, 70, -40, 70, -24);
    cairo_curve_to(cr, 70, -6, 50, 0, 10, 0);
    cairo_curve_to(cr, -30, 0, -60, -10, -60, -30);
    cairo_close_path(cr);
    art_pen_fill(p, c, ART_FG);
    cairo_move_to(cr, -40, -12);
    cairo_curve_to(cr, -10, -24, 40, -24, 68, -18);
    cairo_curve_to(cr, 66, -4, 40, 0, 10, 0);
    cairo_curve_to(cr, -14, 0, -30, -4, -40, -12);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xd8ecf8), ART_FG | ART_NOSHADOW);
    obj_eye(p, 42, -36, 4);
    obj_smile(p, 54, -24, 7);
    obj_cheek(p, 46, -26, 4);
}

static void
obj_turtle(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb skin = art_hex(0x8ac870), shell = art_hex(0x4a9a5a);
    (void)rng;
    for (int i = 0; i < 2; i++) {
        art_path_ellipse(cr, -26 + i * 48, -8, 10, 8);
        art_pen_fill(p, skin, ART_FG);
    }
    art_path_ellipse(cr, 54, -40, 20, 17);
    art_pen_fill(p, skin, ART_FG);
    cairo_move_to(cr, -56, -12);
    cairo_curve_to(cr, -56, -66, 46, -66, 46, -12);
    cairo_close_path(cr);
    art_pen_fill(p, shell, ART_FG);
    for (int i = 0; i < 3; i++) {
        art_path_circle(cr, -30 + i * 20, -28 - (i == 1) * 10, 8);
    }
    art_pen_fill(p, art_lighter(shell, 0.3), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -58, -16, 106, 7, 3.5);
    art_pen_fill(p, art_hex(0xe8d08a), ART_FG | ART_NOSHADOW);
    obj_eye(p, 60, -44, 3.2);
    obj_smile(p, 62, -34, 4);
}

static void
obj_octopus(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0xc86ac8);
    (void)rng;
    for (int i = 0; i < 6; i++) {
        double x = -30 + i * 12, dir = i < 3 ? -1 : 1;
        cairo_move_to(cr, x, -40);
        cairo_curve_to(cr, x + dir * 4, -20, x - dir * 10, -10, x + dir * 8, -4);
        cairo_curve_to(cr, x + dir * 14, -2, x + dir * 16, -8, x + dir * 12, -10);
    }
    art_pen_stroke(p, c, 9, ART_FG);
    art_path_ellipse(cr, 0, -66, 36, 34);
    art_pen_fill(p, c, ART_FG);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, -14 + i * 12, -88 + (i & 1) * 6, 4);
    art_pen_fill(p, art_lighter(c, 0.35), ART_PLAIN);
    obj_eye(p, -12, -62, 5);
    obj_eye(p, 12, -62, 5);
    obj_smile(p, 0, -50, 8);
    obj_cheek(p, -22, -52, 5);
    obj_cheek(p, 22, -52, 5);
}

static void
obj_dragon(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0x8a6ad0), belly = art_hex(0xf6dc8a), wing = art_hex(0x6ab0a0);
    (void)rng;
    cairo_translate(cr, 12, 0); /* the tail reaches further than the snout: centre it */
    /* Wing behind. */
    cairo_move_to(cr, -10, -64);
    cairo_curve_to(cr, -30, -96, -60, -104, -74, -96);
    cairo_curve_to(cr, -66, -86, -62, -78, -64, -70);
    cairo_curve_to(cr, -54, -72, -48, -66, -46, -58);
    cairo_curve_to(cr, -36, -62, -26, -56, -10, -44);
    cairo_close_path(cr);
    art_pen_fill(p, wing, ART_FG);
    cairo_move_to(cr, -20, -14);
    cairo_curve_to(cr, -50, -10, -70, -10, -78, -26);
    cairo_line_to(cr, -90, -22);
    cairo_line_to(cr, -82, -36);
    cairo_curve_to(cr, -66, -24, -50, -26, -26, -32);
    cairo_close_path(cr);
    art_pen_fill(p, c, ART_FG);
    art_path_ellipse(cr, -4, -36, 30, 34);
    art_pen_fill(p, c, ART_FG);
    art_path_ellipse(cr, 4, -34, 16, 24);
    art_pen_fill(p, belly, ART_FG | ART_NOSHADOW);
    for (int i = 0; i < 4; i++) {
        cairo_move_to(cr, 4 - 14, -44 + i * 10);
        cairo_line_to(cr, 4 + 14, -44 + i * 10);
    }
    art_pen_stroke_alpha(p, art_darker(belly, 0.25), 0.6, 1.5, ART_PLAIN);
    for (int i = 0; i < 2; i++) {
        art_path_ellipse(cr, -18 + i * 34, -4, 12, 7);
        art_pen_fill(p, c, ART_FG);
    }
    /* Head: horns, snout, a friendly puff of smoke. */
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, 10 + s * 8, -88);
        cairo_line_to(cr, 10 + s * 12, -104);
        cairo_line_to(cr, 10 + s * 2, -92);
        cairo_close_path(cr);
    }
    art_pen_fill(p, art_hex(0xf6e6b0), ART_FG);
    art_path_ellipse(cr, 12, -76, 22, 18);
    art_pen_fill(p, c, ART_FG);
    art_path_ellipse(cr, 28, -70, 13, 10);
    art_pen_fill(p, c, ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 34, -73, 1.6);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    obj_eye(p, 12, -80, 3.6);
    obj_smile(p, 28, -64, 5);
    obj_cheek(p, 16, -68, 3.5);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, 48 + i * 9, -80 - i * 6, 4 + i * 1.5);
    art_pen_fill_alpha(p, art_hex(0xdcdce6), 0.85, ART_FG);
}

static void
obj_robot(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb metal = art_hex(0xb8c4d4), dark = art_hex(0x5a6478);
    (void)rng;
    obj_line(p, -12, -30, -12, -6, 8, dark);
    obj_line(p, 12, -30, 12, -6, 8, dark);
    shape_round_rect(cr, -20, -8, 16, 8, 3);
    shape_round_rect(cr, 4, -8, 16, 8, 3);
    art_pen_fill(p, dark, ART_FG);
    obj_line(p, -26, -56, -38, -36, 7, dark);
    obj_line(p, 26, -56, 38, -70, 7, dark);
    art_path_circle(cr, -38, -34, 5);
    art_path_circle(cr, 38, -72, 5);
    art_pen_fill(p, art_hex(0xf0604a), ART_FG);
    shape_round_rect(cr, -26, -62, 52, 36, 8);
    art_pen_fill(p, metal, ART_FG);
    shape_round_rect(cr, -14, -54, 28, 16, 4);
    art_pen_fill(p, art_hex(0x3a4458), ART_FG | ART_NOSHADOW);
    static const uint32_t lamps[] = {0xf0604a, 0xf6c63a, 0x6ad08a};
    for (int i = 0; i < 3; i++) {
        art_path_circle(cr, -8 + i * 8, -46, 2.5);
        art_pen_fill(p, art_hex(lamps[i]), ART_PLAIN | ART_NOLIGHT);
    }
    obj_line(p, 0, -92, 0, -102, 2.5, dark);
    art_path_circle(cr, 0, -103, 4);
    art_pen_fill(p, art_hex(0xf0604a), ART_FG | ART_NOLIGHT);
    shape_round_rect(cr, -24, -94, 48, 30, 10);
    art_pen_fill(p, metal, ART_FG);
    shape_round_rect(cr, -18, -89, 36, 20, 7);
    art_pen_fill(p, art_hex(0x2a3a58), ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        art_path_circle(cr, s * 8, -81, 3.4);
    }
    art_pen_fill(p, art_hex(0x7ae8f6), ART_PLAIN | ART_NOLIGHT);
    cairo_move_to(cr, -5, -75);
    cairo_curve_to(cr, -2, -72, 2, -72, 5, -75);
    art_pen_stroke(p, art_hex(0x7ae8f6), 1.6, ART_PLAIN | ART_NOLIGHT);
}

static void
obj_train(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb red = art_hex(0xe0483c), blue = art_hex(0x3f7fd8);
    for (int i = 0; i < 3; i++) {
        art_path_blob(cr, rng, 62 + i * 12, -94 - i * 10, 9 + i * 3, 7 + i * 2, 0.2);
        art_pen_fill(p, art_hex(0xeef0f4), ART_FG | ART_NOSHADOW);
    }
    /* The carriage behind the engine. */
    shape_round_rect(cr, -108, -60, 66, 44, 6);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    for (int i = 0; i < 2; i++) {
        shape_round_rect(cr, -100 + i * 30, -52, 22, 16, 4);
        art_pen_fill(p, art_hex(0xdff0fa), ART_FG | ART_NOSHADOW);
    }
    obj_line(p, -44, -22, -36, -22, 4, art_hex(0x5a5a66));
    shape_round_rect(cr, -36, -70, 34, 54, 4);
    art_pen_fill(p, red, ART_FG);
    shape_round_rect(cr, -30, -64, 22, 18, 3);
    art_pen_fill(p, art_hex(0xdff0fa), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -40, -76, 42, 10, 3);
    art_pen_fill(p, blue, ART_FG);
    shape_round_rect(cr, -4, -50, 62, 34, 14);
    art_pen_fill(p, blue, ART_FG);
    shape_round_rect(cr, 40, -74, 14, 26, 3);
    art_pen_fill(p, red, ART_FG);
    shape_round_rect(cr, 36, -80, 22, 8, 3);
    art_pen_fill(p, art_hex(0x3a3a46), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 58, -36, 5);
    art_pen_fill(p, art_hex(0xfff0a0), ART_FG | ART_NOLIGHT);
    obj_wheel(p, -94, -12, 11);
    obj_wheel(p, -56, -12, 11);
    obj_wheel(p, -18, -14, 14);
    obj_wheel(p, 20, -12, 11);
    obj_wheel(p, 46, -12, 11);
}

static void
obj_car(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb red = art_hex(0xe8503f);
    (void)rng;
    cairo_move_to(cr, -44, -44);
    cairo_curve_to(cr, -36, -90, 30, -90, 38, -44);
    cairo_close_path(cr);
    art_pen_fill(p, red, ART_FG);
    for (int i = 0; i < 2; i++) {
        double x0 = i ? 2 : -32, x1 = i ? 28 : -4;
        cairo_move_to(cr, x0, -48);
        cairo_curve_to(cr, x0, -72, x1, -76, x1, -72);
        cairo_line_to(cr, x1, -48);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xdff0fa), ART_FG | ART_NOSHADOW);
    }
    shape_round_rect(cr, -82, -50, 164, 36, 16);
    art_pen_fill(p, red, ART_FG);
    art_path_circle(cr, 76, -36, 6);
    art_pen_fill(p, art_hex(0xfff0a0), ART_FG | ART_NOLIGHT | ART_NOSHADOW);
    obj_line(p, -10, -38, 0, -38, 3, art_darker(red, 0.35));
    obj_wheel(p, -48, -14, 15);
    obj_wheel(p, 48, -14, 15);
}

static void
obj_boat(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    obj_line(p, 0, -24, 0, -100, 4, art_hex(0x8a5a3c));
    cairo_move_to(cr, 3, -98);
    cairo_curve_to(cr, 26, -80, 40, -50, 44, -32);
    cairo_line_to(cr, 3, -32);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfdfaf2), ART_FG);
    cairo_move_to(cr, -3, -86);
    cairo_curve_to(cr, -18, -70, -28, -50, -30, -36);
    cairo_line_to(cr, -3, -36);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf2708a), ART_FG);
    cairo_move_to(cr, 0, -100);
    cairo_line_to(cr, 16, -106);
    cairo_line_to(cr, 0, -110);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    cairo_move_to(cr, -50, -30);
    cairo_line_to(cr, 52, -30);
    cairo_curve_to(cr, 44, -12, 34, 0, 20, 0);
    cairo_line_to(cr, -26, 0);
    cairo_curve_to(cr, -38, 0, -46, -14, -50, -30);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xd8603a), ART_FG);
    cairo_rectangle(cr, -46, -22, 94, 5);
    art_pen_fill(p, art_hex(0xfdfaf2), ART_PLAIN);
}

static void
obj_plane(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb body = art_hex(0xf6c63a), wing = art_hex(0xe0483c);
    (void)rng;
    cairo_move_to(cr, -50, -54);
    cairo_line_to(cr, -62, -84);
    cairo_line_to(cr, -48, -84);
    cairo_line_to(cr, -34, -58);
    cairo_close_path(cr);
    art_pen_fill(p, wing, ART_FG);
    cairo_move_to(cr, -60, -56);
    cairo_curve_to(cr, -40, -70, 30, -72, 50, -60);
    cairo_curve_to(cr, 60, -52, 56, -38, 44, -36);
    cairo_curve_to(cr, 10, -32, -40, -40, -60, -56);
    cairo_close_path(cr);
    art_pen_fill(p, body, ART_FG);
    shape_round_rect(cr, -14, -56, 36, 12, 6);
    art_pen_fill(p, wing, ART_FG);
    for (int i = 0; i < 3; i++) {
        art_path_circle(cr, -10 + i * 14, -62, 4);
    }
    art_pen_fill(p, art_hex(0x7ac8f0), ART_PLAIN);
    art_path_ellipse(cr, 58, -48, 3, 18);
    art_pen_fill_alpha(p, art_hex(0x9a9aa8), 0.7, ART_FG);
    art_path_circle(cr, 56, -48, 4);
    art_pen_fill(p, wing, ART_FG | ART_NOSHADOW);
}

static void
obj_balloon(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    static const uint32_t cols[] = {0xf05a5a, 0x5aa8f0, 0xf6c63a};
    double bx[] = {-16, 16, 0}, by[] = {-72, -76, -86};
    (void)rng;
    for (int i = 0; i < 3; i++) {
        cairo_move_to(cr, 0, 0);
        cairo_curve_to(cr, bx[i] * 0.2, -20, bx[i] * 1.2, -40, bx[i], by[i] + 16);
    }
    art_pen_stroke(p, art_hex(0x8a8a9a), 1.2, ART_PLAIN);
    for (int i = 0; i < 3; i++) {
        art_path_ellipse(cr, bx[i], by[i], 15, 18);
        art_pen_fill(p, art_hex(cols[i]), ART_FG);
        cairo_move_to(cr, bx[i], by[i] + 17);
        cairo_line_to(cr, bx[i] - 3, by[i] + 21);
        cairo_line_to(cr, bx[i] + 3, by[i] + 21);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(cols[i]), ART_PLAIN);
        art_path_ellipse(cr, bx[i] - 6, by[i] - 7, 3.5, 5.5);
        art_pen_fill_alpha(p, art_hex(0xffffff), 0.6, ART_PLAIN);
    }
}

static void
obj_kite(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_move_to(cr, 0, -62);
    cairo_curve_to(cr, -10, -40, 12, -24, -4, 0);
    art_pen_stroke(p, art_hex(0x6a6a7a), 1.5, ART_PLAIN);
    static const uint32_t bows[] = {0xf05a5a, 0x5aa8f0, 0xf6c63a};
    for (int i = 0; i < 3; i++) {
        double x = (i & 1) ? 5 : -4, y = -48 + i * 14;
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x - 7, y - 5);
        cairo_line_to(cr, x - 7, y + 5);
        cairo_close_path(cr);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 7, y - 5);
        cairo_line_to(cr, x + 7, y + 5);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(bows[i]), ART_FG | ART_NOSHADOW);
    }
    static const uint32_t quads[] = {0xf05a5a, 0xf6c63a, 0x5aa8f0, 0x7ac85a};
    double px[] = {0, 30, 0, -30}, py[] = {-100, -80, -62, -80};
    for (int i = 0; i < 4; i++) {
        cairo_move_to(cr, 0, -80);
        cairo_line_to(cr, px[i], py[i]);
        cairo_line_to(cr, px[(i + 1) % 4], py[(i + 1) % 4]);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(quads[i]), ART_FG);
    }
}

static void
obj_bicycle(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb frame = art_hex(0x2fa8a0), tyre = art_hex(0x3a3a46);
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        art_path_circle(cr, s * 48, -28, 26);
        art_pen_stroke(p, tyre, 5, ART_FG);
        art_path_circle(cr, s * 48, -28, 3);
        art_pen_fill(p, tyre, ART_PLAIN);
    }
    cairo_move_to(cr, -48, -28);
    cairo_line_to(cr, -16, -28);
    cairo_line_to(cr, 30, -62);
    cairo_line_to(cr, -26, -62);
    cairo_close_path(cr);
    cairo_move_to(cr, -16, -28);
    cairo_line_to(cr, -30, -72);
    cairo_move_to(cr, 48, -28);
    cairo_line_to(cr, 30, -80);
    art_pen_stroke(p, frame, 5, ART_FG);
    shape_round_rect(cr, -40, -78, 22, 6, 3);
    art_pen_fill(p, art_hex(0x5a4a44), ART_FG);
    cairo_move_to(cr, 30, -80);
    cairo_line_to(cr, 20, -86);
    art_pen_stroke(p, tyre, 4, ART_FG);
    art_path_circle(cr, -16, -28, 6);
    art_pen_fill(p, art_hex(0x9a9aa8), ART_FG | ART_NOSHADOW);
    cairo_rectangle(cr, 10, -90, 4, 6);
    art_pen_fill(p, art_hex(0xf05a5a), ART_PLAIN);
}

static void
obj_book(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    shape_round_rect(cr, -62, -40, 124, 40, 5);
    art_pen_fill(p, art_hex(0x3f7fd8), ART_FG);
    shape_round_rect(cr, -58, -56, 120, 40, 5);
    art_pen_fill(p, art_hex(0xfdf8ec), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -62, -74, 124, 40, 5);
    art_pen_fill(p, art_hex(0xe0483c), ART_FG);
    art_path_star(cr, 0, -54, 12, 5, 0);
    art_pen_fill(p, art_hex(0xf6c63a), ART_PLAIN);
}

static void
obj_star(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    art_path_star(cr, 0, -50, 50, 24, 0);
    art_pen_fill(p, art_hex(0xf8d24a), ART_FG | ART_NOLIGHT);
    obj_eye(p, -9, -52, 4);
    obj_eye(p, 9, -52, 4);
    obj_smile(p, 0, -42, 6);
    obj_cheek(p, -16, -42, 4);
    obj_cheek(p, 16, -42, 4);
}

static void
obj_moon(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    /* A crescent opening to the right: the outer arc round the left, back
     * along a flatter inner arc; a sleepy face on its inner side. */
    cairo_translate(cr, 25, 0);
    double cx = 30, r = hypot(30, 50), a = atan2(50, -30);
    cairo_new_sub_path(cr);
    cairo_arc_negative(cr, 0, -50, 50, -M_PI / 2, M_PI / 2);
    cairo_arc(cr, cx, -50, r, a, 2 * M_PI - a);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfbe8a0), ART_FG | ART_NOLIGHT);
    cairo_move_to(cr, -40, -62);
    cairo_curve_to(cr, -37, -58, -33, -58, -30, -62);
    art_pen_stroke(p, obj_ink, 2.2, ART_PLAIN);
    obj_cheek(p, -38, -50, 4);
    obj_smile(p, -34, -42, 4);
}

static void
obj_sun(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    for (int i = 0; i < 12; i++) {
        double a = i * M_PI / 6;
        cairo_move_to(cr, cos(a) * 38, -50 + sin(a) * 38);
        cairo_line_to(cr, cos(a) * 48, -50 + sin(a) * 48);
    }
    art_pen_stroke(p, art_hex(0xf6b03a), 6, ART_FG | ART_NOLIGHT);
    art_path_circle(cr, 0, -50, 32);
    art_pen_fill(p, art_hex(0xf8d24a), ART_FG | ART_NOLIGHT);
    obj_eye(p, -10, -54, 3.6);
    obj_eye(p, 10, -54, 3.6);
    obj_smile(p, 0, -42, 8);
    obj_cheek(p, -18, -44, 4);
    obj_cheek(p, 18, -44, 4);
}

static void
obj_tree(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb leaf = art_hex(0x5aa85a);
    cairo_move_to(cr, -9, 0);
    cairo_curve_to(cr, -6, -20, -6, -40, -8, -54);
    cairo_line_to(cr, 8, -54);
    cairo_curve_to(cr, 6, -40, 6, -20, 9, 0);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x8a5a3c), ART_FG);
    art_path_blob(cr, rng, 0, -70, 36, 28, 0.1);
    art_pen_fill(p, leaf, ART_FG);
    art_path_blob(cr, rng, -10, -78, 14, 10, 0.15);
    art_pen_fill_alpha(p, art_lighter(leaf, 0.35), 0.5, ART_PLAIN);
    for (int i = 0; i < 6; i++)
        art_path_circle(cr, art_rand_in(rng, -28, 28), art_rand_in(rng, -88, -54), 3.4);
    art_pen_fill(p, art_hex(0xe8483c), ART_FG | ART_NOSHADOW);
}

static void
obj_flower(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    static const uint32_t cols[] = {0xf2708a, 0xf6c63a, 0xa07ad8};
    (void)rng;
    for (int i = 0; i < 3; i++) {
        double x = -22 + i * 22, top = i == 1 ? -84 : -58;
        cairo_move_to(cr, x * 0.3, 0);
        cairo_curve_to(cr, x * 0.3, top * 0.4, x, top * 0.6, x, top);
        art_pen_stroke(p, art_hex(0x4f9a45), 4, ART_FG);
        cairo_move_to(cr, x * 0.5, top * 0.45);
        cairo_curve_to(cr, x * 0.5 + 10, top * 0.5, x * 0.5 + 14, top * 0.6, x * 0.5 + 12,
                       top * 0.65);
        cairo_curve_to(cr, x * 0.5 + 6, top * 0.62, x * 0.5 + 2, top * 0.52, x * 0.5, top * 0.45);
        art_pen_fill(p, art_hex(0x5aae4a), ART_FG | ART_NOSHADOW);
        for (int k = 0; k < 6; k++) {
            double a = k * M_PI / 3;
            art_path_circle(cr, x + cos(a) * 9, top + sin(a) * 9, 7.5);
        }
        art_pen_fill(p, art_hex(cols[i]), ART_FG);
        art_path_circle(cr, x, top, 6);
        art_pen_fill(p, art_hex(0xf6a03a), ART_PLAIN);
    }
}

static void
obj_butterfly(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 24, -64, 24, 28);
        art_pen_fill(p, art_hex(0xf28a4a), ART_FG);
        art_path_ellipse(cr, s * 20, -28, 17, 19);
        art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
        art_path_circle(cr, s * 26, -66, 8);
        art_pen_fill(p, art_hex(0xfaf4e6), ART_PLAIN);
    }
    art_path_ellipse(cr, 0, -46, 5, 32);
    art_pen_fill(p, art_hex(0x4a3a4a), ART_FG);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, 0, -76);
        cairo_curve_to(cr, s * 4, -90, s * 10, -96, s * 14, -96);
    }
    art_pen_stroke(p, art_hex(0x4a3a4a), 2, ART_PLAIN);
}

static void
obj_shell(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0xf6a8a0);
    (void)rng;
    cairo_move_to(cr, -12, -6);
    cairo_curve_to(cr, -60, -30, -40, -96, 0, -96);
    cairo_curve_to(cr, 40, -96, 60, -30, 12, -6);
    cairo_close_path(cr);
    art_pen_fill(p, c, ART_FG);
    for (int i = -2; i <= 2; i++) {
        cairo_move_to(cr, 0, -10);
        cairo_line_to(cr, i * 16, -88 + abs(i) * 8);
    }
    art_pen_stroke(p, art_darker(c, 0.25), 3, ART_PLAIN);
    shape_round_rect(cr, -16, -14, 32, 14, 5);
    art_pen_fill(p, art_darker(c, 0.1), ART_FG);
}

static void
obj_treasure(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb wood = art_hex(0xa0643a), gold = art_hex(0xf6c63a);
    cairo_move_to(cr, -46, -54);
    cairo_curve_to(cr, -46, -96, 46, -96, 46, -54);
    cairo_close_path(cr);
    art_pen_fill(p, art_darker(wood, 0.15), ART_FG);
    for (int i = 0; i < 9; i++)
        art_path_circle(cr, art_rand_in(rng, -36, 36), art_rand_in(rng, -64, -52), 6);
    art_pen_fill(p, gold, ART_FG | ART_NOLIGHT);
    shape_round_rect(cr, -50, -56, 100, 56, 6);
    art_pen_fill(p, wood, ART_FG);
    cairo_rectangle(cr, -50, -50, 100, 6);
    cairo_rectangle(cr, -40, -56, 8, 56);
    cairo_rectangle(cr, 32, -56, 8, 56);
    art_pen_fill(p, gold, ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -8, -44, 16, 16, 3);
    art_pen_fill(p, gold, ART_FG);
    art_path_circle(cr, 0, -37, 2.5);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    art_path_star(cr, 24, -84, 8, 2.5, 0);
    art_path_star(cr, -20, -90, 6, 2, 0.3);
    art_pen_fill(p, art_hex(0xfffbe0), ART_PLAIN | ART_NOLIGHT);
}

static void
obj_crown(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    art_path_ellipse(cr, 0, -14, 56, 14);
    art_pen_fill(p, art_hex(0xc8404a), ART_FG);
    cairo_move_to(cr, -40, -24);
    cairo_line_to(cr, -48, -84);
    cairo_line_to(cr, -22, -56);
    cairo_line_to(cr, 0, -96);
    cairo_line_to(cr, 22, -56);
    cairo_line_to(cr, 48, -84);
    cairo_line_to(cr, 40, -24);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    art_path_circle(cr, 0, -44, 7);
    art_pen_fill(p, art_hex(0xe04a5a), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, -26, -38, 5);
    art_path_circle(cr, 26, -38, 5);
    art_pen_fill(p, art_hex(0x4a8ae0), ART_FG | ART_NOSHADOW);
}

static void
obj_snowman(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb snow = art_hex(0xf8fafe);
    (void)rng;
    obj_line(p, -20, -54, -44, -70, 3, art_hex(0x7a5236));
    obj_line(p, 20, -54, 44, -72, 3, art_hex(0x7a5236));
    art_path_circle(cr, 0, -22, 24);
    art_pen_fill(p, snow, ART_FG);
    art_path_circle(cr, 0, -58, 18);
    art_pen_fill(p, snow, ART_FG);
    art_path_circle(cr, 0, -84, 14);
    art_pen_fill(p, snow, ART_FG);
    shape_round_rect(cr, -14, -74, 28, 7, 3);
    art_pen_fill(p, art_hex(0xe0483c), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, 6, -72, 8, 18, 3);
    art_pen_fill(p, art_hex(0xe0483c), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -15, -98, 30, 4, 2);
    shape_round_rect(cr, -10, -114, 20, 17, 2);
    art_pen_fill(p, art_hex(0x34343c), ART_FG);
    obj_eye(p, -5, -88, 2);
    obj_eye(p, 5, -88, 2);
    cairo_move_to(cr, 0, -84);
    cairo_line_to(cr, 12, -82);
    cairo_line_to(cr, 0, -80);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6903a), ART_PLAIN);
    obj_smile(p, 0, -79, 4);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, 0, -62 + i * 8 + (i == 2) * 10, 2.2);
    art_pen_fill(p, art_hex(0x34343c), ART_PLAIN);
}

static void
obj_sled(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_move_to(cr, -70, -6);
    cairo_line_to(cr, 60, -6);
    cairo_curve_to(cr, 76, -6, 80, -20, 70, -26);
    art_pen_stroke(p, art_hex(0x8a8a98), 5, ART_FG);
    for (int s = -1; s <= 1; s += 2)
        obj_line(p, s * 36, -8, s * 36, -30, 5, art_hex(0x8a5a3c));
    shape_round_rect(cr, -64, -46, 124, 18, 6);
    art_pen_fill(p, art_hex(0xd0603a), ART_FG);
    for (int i = 0; i < 4; i++) {
        cairo_move_to(cr, -40 + i * 26, -44);
        cairo_line_to(cr, -40 + i * 26, -30);
    }
    art_pen_stroke_alpha(p, art_hex(0x8a3a2a), 0.6, 2, ART_PLAIN);
}

static void
obj_tractor(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb green = art_hex(0x4aa850);
    (void)rng;
    shape_round_rect(cr, -30, -92, 44, 50, 6);
    art_pen_fill(p, green, ART_FG);
    shape_round_rect(cr, -24, -86, 32, 28, 4);
    art_pen_fill(p, art_hex(0xdff0fa), ART_FG | ART_NOSHADOW);
    shape_round_rect(cr, -34, -56, 104, 30, 8);
    art_pen_fill(p, green, ART_FG);
    obj_line(p, 52, -56, 52, -76, 5, art_hex(0x5a5a66));
    art_path_circle(cr, 70, -42, 4);
    art_pen_fill(p, art_hex(0xfff0a0), ART_FG | ART_NOLIGHT);
    art_path_circle(cr, -22, -30, 30);
    art_pen_fill(p, art_hex(0x3a3a46), ART_FG);
    art_path_circle(cr, -22, -30, 15);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 48, -18, 18);
    art_pen_fill(p, art_hex(0x3a3a46), ART_FG);
    art_path_circle(cr, 48, -18, 8);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
}

/* Cow and sheep: four legs under a body, a head at the front. */
static void
obj_cow(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb white = art_hex(0xfaf8f4), spot = art_hex(0x3a3436);
    (void)rng;
    for (int i = 0; i < 4; i++)
        obj_line(p, -40 + i * 22 + (i > 1) * 8, -36, -40 + i * 22 + (i > 1) * 8, -5, 10,
                 i & 1 ? art_darker(white, 0.1) : white);
    shape_round_rect(cr, -54, -74, 100, 44, 20);
    art_pen_fill(p, white, ART_FG);
    cairo_save(cr);
    shape_round_rect(cr, -54, -74, 100, 44, 20);
    cairo_clip(cr);
    art_path_blob(cr, rng, -28, -64, 14, 12, 0.25);
    art_path_blob(cr, rng, 14, -46, 16, 10, 0.25);
    art_pen_fill(p, spot, ART_PLAIN);
    cairo_restore(cr);
    cairo_move_to(cr, -54, -64);
    cairo_curve_to(cr, -64, -60, -64, -44, -62, -38);
    art_pen_stroke(p, white, 3, ART_FG);
    art_path_circle(cr, 40, -37, 5);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, 50 + s * 10, -92);
        cairo_line_to(cr, 50 + s * 16, -104);
        cairo_line_to(cr, 50 + s * 4, -96);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xe8dcc0), ART_FG);
        art_path_ellipse(cr, 50 + s * 22, -84, 9, 5);
        art_pen_fill(p, white, ART_FG);
    }
    art_path_ellipse(cr, 50, -76, 20, 22);
    art_pen_fill(p, white, ART_FG);
    art_path_ellipse(cr, 50, -62, 16, 11);
    art_pen_fill(p, art_hex(0xf7b7c0), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 44, -62, 2);
    art_path_circle(cr, 56, -62, 2);
    art_pen_fill(p, art_darker(art_hex(0xf7b7c0), 0.4), ART_PLAIN);
    obj_eye(p, 42, -82, 3);
    obj_eye(p, 58, -82, 3);
}

static void
obj_sheep(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb wool = art_hex(0xf8f6f0), face = art_hex(0x4a4046);
    for (int i = 0; i < 4; i++)
        obj_line(p, -30 + i * 18, -30, -30 + i * 18, -4, 7, face);
    for (int i = 0; i < 9; i++) {
        double a = 2 * M_PI * i / 9;
        art_path_circle(cr, cos(a) * 36, -54 + sin(a) * 20, art_rand_in(rng, 15, 19));
    }
    art_path_ellipse(cr, 0, -54, 40, 24);
    art_pen_fill(p, wool, ART_FG | ART_UNION);
    art_path_ellipse(cr, 44, -62, 14, 18);
    art_pen_fill(p, face, ART_FG);
    art_path_ellipse(cr, 34, -70, 8, 4);
    art_path_ellipse(cr, 56, -70, 8, 4);
    art_pen_fill(p, face, ART_FG);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, 38 + i * 6, -80, 6);
    art_pen_fill(p, wool, ART_FG | ART_NOSHADOW | ART_UNION);
    for (int s = -1; s <= 1; s += 2) {
        art_path_circle(cr, 44 + s * 5, -64, 2.8);
        art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
        art_path_circle(cr, 44 + s * 5, -64, 1.6);
        art_pen_fill(p, obj_ink, ART_PLAIN);
    }
    obj_cheek(p, 44, -54, 3);
}

static void
obj_chicken(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb white = art_hex(0xfbf6ec), orange = art_hex(0xf6a03a);
    (void)rng;
    obj_line(p, -8, -20, -10, -4, 3, orange);
    obj_line(p, 8, -20, 10, -4, 3, orange);
    cairo_move_to(cr, -40, -62);
    cairo_curve_to(cr, -48, -40, -36, -16, 0, -16);
    cairo_curve_to(cr, 30, -16, 40, -40, 34, -62);
    cairo_curve_to(cr, 30, -84, 10, -86, 8, -70);
    cairo_curve_to(cr, -8, -56, -26, -56, -40, -62);
    cairo_close_path(cr);
    art_pen_fill(p, white, ART_FG);
    for (int i = 0; i < 3; i++)
        art_path_circle(cr, 14 + i * 8, -86 - (i == 1) * 4, 5);
    art_pen_fill(p, art_hex(0xe0403a), ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, 34, -72);
    cairo_line_to(cr, 46, -68);
    cairo_line_to(cr, 34, -64);
    cairo_close_path(cr);
    art_pen_fill(p, orange, ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, 34, -58, 3, 5);
    art_pen_fill(p, art_hex(0xe0403a), ART_PLAIN);
    obj_eye(p, 24, -72, 2.8);
    cairo_move_to(cr, -18, -44);
    cairo_curve_to(cr, -8, -36, 4, -36, 12, -44);
    art_pen_stroke(p, art_darker(white, 0.2), 2.5, ART_PLAIN);
}

static void
obj_teddy(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb fur = art_hex(0xb07a4a), light = art_hex(0xe8c8a0);
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 20, -10, 13, 10);
        art_pen_fill(p, fur, ART_FG);
        art_path_ellipse(cr, s * 22, -10, 7, 6);
        art_pen_fill(p, light, ART_PLAIN);
        art_path_ellipse(cr, s * 28, -38, 8, 13);
        art_pen_fill(p, fur, ART_FG);
    }
    art_path_ellipse(cr, 0, -32, 24, 26);
    art_pen_fill(p, fur, ART_FG);
    art_path_ellipse(cr, 0, -28, 13, 15);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    for (int s = -1; s <= 1; s += 2) {
        art_path_circle(cr, s * 17, -88, 8);
        art_pen_fill(p, fur, ART_FG);
        art_path_circle(cr, s * 17, -88, 4);
        art_pen_fill(p, light, ART_PLAIN);
    }
    art_path_circle(cr, 0, -70, 20);
    art_pen_fill(p, fur, ART_FG);
    art_path_ellipse(cr, 0, -63, 9, 7);
    art_pen_fill(p, light, ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, 0, -66, 3.4, 2.4);
    art_pen_fill(p, obj_ink, ART_PLAIN);
    obj_eye(p, -7, -74, 2.6);
    obj_eye(p, 7, -74, 2.6);
    obj_smile(p, 0, -61, 3);
    art_path_heart(cr, 0, -20, 10);
    art_pen_fill(p, art_hex(0xe04a5a), ART_PLAIN);
    cairo_move_to(cr, -10, -52);
    cairo_line_to(cr, 10, -46);
    cairo_line_to(cr, 10, -56);
    cairo_line_to(cr, -10, -48);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x3f7fd8), ART_FG | ART_NOSHADOW);
}

static void
obj_cake(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    art_path_ellipse(cr, 0, -4, 52, 8);
    art_pen_fill(p, art_hex(0xe8e8f0), ART_FG);
    shape_round_rect(cr, -44, -44, 88, 40, 8);
    art_pen_fill(p, art_hex(0xf2a8c0), ART_FG);
    shape_round_rect(cr, -32, -70, 64, 28, 8);
    art_pen_fill(p, art_hex(0xfdf4ec), ART_FG);
    cairo_move_to(cr, -44, -36);
    for (int i = 0; i < 8; i++)
        cairo_curve_to(cr, -44 + i * 11 + 3, -26, -44 + i * 11 + 8, -26, -44 + (i + 1) * 11,
                       -36);
    art_pen_stroke(p, art_hex(0xfdf4ec), 5, ART_FG | ART_NOSHADOW);
    static const uint32_t cols[] = {0x5aa8f0, 0xf6c63a, 0x7ac85a};
    for (int i = 0; i < 3; i++) {
        double x = -16 + i * 16;
        cairo_rectangle(cr, x - 2.5, -88, 5, 18);
        art_pen_fill(p, art_hex(cols[i]), ART_FG | ART_NOSHADOW);
        cairo_move_to(cr, x, -100);
        cairo_curve_to(cr, x + 5, -94, x + 3, -90, x, -90);
        cairo_curve_to(cr, x - 3, -90, x - 5, -94, x, -100);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xffb03a), ART_PLAIN | ART_NOLIGHT);
    }
    art_path_circle(cr, 0, -64, 5);
    art_pen_fill(p, art_hex(0xe0404a), ART_FG | ART_NOSHADOW);
}

static void
obj_guitar(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb wood = art_hex(0xd88a3a);
    (void)rng;
    shape_round_rect(cr, -5, -100, 10, 60, 3);
    art_pen_fill(p, art_hex(0x6a4028), ART_FG);
    shape_round_rect(cr, -8, -104, 16, 14, 4);
    art_pen_fill(p, art_hex(0x5a3420), ART_FG);
    art_path_circle(cr, 0, -26, 24);
    art_path_circle(cr, 0, -52, 17);
    art_pen_fill(p, wood, ART_FG);
    art_path_circle(cr, 0, -40, 7);
    art_pen_fill(p, art_hex(0x4a2a1a), ART_PLAIN);
    cairo_rectangle(cr, -10, -20, 20, 5);
    art_pen_fill(p, art_hex(0x5a3420), ART_PLAIN);
    for (int i = -1; i <= 1; i++) {
        cairo_move_to(cr, i * 2.2, -18);
        cairo_line_to(cr, i * 2.2, -96);
    }
    art_pen_stroke(p, art_hex(0xf0ece0), 0.8, ART_PLAIN);
}

static void
obj_paintbrush(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb wood = art_hex(0xb8844a);
    (void)rng;
    /* An easel with a painting, the brush resting on its ledge. */
    obj_line(p, -30, 0, -6, -100, 5, wood);
    obj_line(p, 30, 0, 6, -100, 5, wood);
    obj_line(p, 0, 0, 0, -60, 5, art_darker(wood, 0.2));
    shape_round_rect(cr, -36, -96, 72, 56, 3);
    art_pen_fill(p, art_hex(0xfdfbf4), ART_FG);
    static const uint32_t rb[] = {0xf06a6a, 0xf6c63a, 0x6ac87a, 0x5aa8f0};
    for (int i = 0; i < 4; i++) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, 0, -50, 28 - i * 5, M_PI, 2 * M_PI);
        art_pen_stroke(p, art_hex(rb[i]), 4.5, ART_PLAIN);
    }
    art_path_circle(cr, 22, -84, 6);
    art_pen_fill(p, art_hex(0xf6c63a), ART_PLAIN);
    shape_round_rect(cr, -40, -42, 80, 6, 2);
    art_pen_fill(p, wood, ART_FG);
    obj_line(p, -24, -44, 14, -50, 3, art_hex(0xe0483c));
    cairo_move_to(cr, 14, -52);
    cairo_line_to(cr, 26, -54);
    cairo_line_to(cr, 15, -47);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x3f7fd8), ART_PLAIN);
}

static void
obj_telescope(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    obj_line(p, 0, -50, -26, 0, 4, art_hex(0x6a4a3a));
    obj_line(p, 0, -50, 26, 0, 4, art_hex(0x6a4a3a));
    obj_line(p, 0, -50, 2, 0, 4, art_hex(0x5a3a2a));
    cairo_save(cr);
    cairo_translate(cr, 0, -56);
    cairo_rotate(cr, -0.55);
    shape_round_rect(cr, -36, -8, 50, 16, 4);
    art_pen_fill(p, art_hex(0x3f5aa8), ART_FG);
    shape_round_rect(cr, 12, -10, 30, 20, 4);
    art_pen_fill(p, art_hex(0xd8a83a), ART_FG);
    shape_round_rect(cr, -46, -5, 12, 10, 2);
    art_pen_fill(p, art_hex(0xd8a83a), ART_FG);
    cairo_restore(cr);
}

static void
obj_map(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb paper = art_hex(0xf2deb0);
    (void)rng;
    cairo_move_to(cr, -60, -80);
    cairo_curve_to(cr, -30, -90, 30, -70, 60, -80);
    cairo_line_to(cr, 60, -10);
    cairo_curve_to(cr, 30, 0, -30, -20, -60, -10);
    cairo_close_path(cr);
    art_pen_fill(p, paper, ART_FG);
    art_path_blob(cr, rng, -10, -46, 30, 18, 0.25);
    art_pen_fill(p, art_hex(0x9ad08a), ART_PLAIN);
    double dash[] = {4, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, -44, -22);
    cairo_curve_to(cr, -20, -30, -30, -60, 10, -56);
    cairo_curve_to(cr, 30, -54, 30, -40, 36, -36);
    art_pen_stroke(p, art_hex(0xc04a3a), 2.4, ART_PLAIN);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_move_to(cr, 32, -42);
    cairo_line_to(cr, 44, -30);
    cairo_move_to(cr, 44, -42);
    cairo_line_to(cr, 32, -30);
    art_pen_stroke(p, art_hex(0xd0302a), 4, ART_PLAIN);
    for (int s = -1; s <= 1; s += 2) {
        art_path_ellipse(cr, s * 60, -45 + s * 0, 6, 37);
        art_pen_fill(p, art_darker(paper, 0.12), ART_FG);
    }
}

static void
obj_lantern(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_pattern_t *g = cairo_pattern_create_radial(0, -50, 5, 0, -50, 60);
    cairo_pattern_add_color_stop_rgba(g, 0, 1, 0.85, 0.45, 0.6);
    cairo_pattern_add_color_stop_rgba(g, 1, 1, 0.85, 0.45, 0);
    art_path_circle(cr, 0, -50, 60);
    cairo_set_source(cr, g);
    cairo_fill(cr);
    cairo_pattern_destroy(g);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 0, -86, 10, M_PI, 2 * M_PI);
    art_pen_stroke(p, art_hex(0x3a3a46), 3, ART_FG);
    shape_round_rect(cr, -22, -80, 44, 10, 3);
    shape_round_rect(cr, -24, -12, 48, 12, 3);
    art_pen_fill(p, art_hex(0x3a4a6a), ART_FG);
    shape_round_rect(cr, -18, -70, 36, 58, 6);
    art_pen_fill(p, art_hex(0xffe8a0), ART_FG | ART_NOLIGHT);
    cairo_move_to(cr, 0, -52);
    cairo_curve_to(cr, 8, -40, 6, -30, 0, -28);
    cairo_curve_to(cr, -6, -30, -8, -40, 0, -52);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xff9a3a), ART_PLAIN | ART_NOLIGHT);
    cairo_move_to(cr, -18, -41);
    cairo_line_to(cr, 18, -41);
    cairo_move_to(cr, 0, -70);
    cairo_line_to(cr, 0, -62);
    art_pen_stroke(p, art_hex(0x3a4a6a), 2, ART_PLAIN);
}

static void
obj_planet(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_save(cr);
    cairo_translate(cr, 0, -50);
    cairo_rotate(cr, -0.35);
    cairo_new_sub_path(cr);
    cairo_save(cr);
    cairo_scale(cr, 58, 14);
    cairo_arc(cr, 0, 0, 1, M_PI, 2 * M_PI);
    cairo_restore(cr);
    art_pen_stroke(p, art_hex(0xf6d48a), 6, ART_FG | ART_NOLIGHT);
    art_path_circle(cr, 0, 0, 34);
    art_pen_fill(p, art_hex(0x9a7ad8), ART_FG | ART_NOLIGHT);
    cairo_save(cr);
    art_path_circle(cr, 0, 0, 34);
    cairo_clip(cr);
    art_path_ellipse(cr, 0, -10, 40, 5);
    art_path_ellipse(cr, 0, 12, 40, 4);
    art_pen_fill(p, art_hex(0xb89ae8), ART_PLAIN | ART_NOLIGHT);
    cairo_restore(cr);
    cairo_new_sub_path(cr);
    cairo_save(cr);
    cairo_scale(cr, 58, 14);
    cairo_arc(cr, 0, 0, 1, 0, M_PI);
    cairo_restore(cr);
    art_pen_stroke(p, art_hex(0xf6d48a), 6, ART_FG | ART_NOLIGHT);
    cairo_restore(cr);
}

static void
obj_castle(struct art_pen *p, uint32_t *rng)
{
    (void)rng;
    art_scenery_castle(p, 0, 0, 75);
}

static void
obj_tent(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb c = art_hex(0xf28a3a);
    (void)rng;
    cairo_move_to(cr, -66, 0);
    cairo_line_to(cr, 0, -90);
    cairo_line_to(cr, 66, 0);
    cairo_close_path(cr);
    art_pen_fill(p, c, ART_FG);
    cairo_move_to(cr, -22, 0);
    cairo_line_to(cr, 0, -66);
    cairo_line_to(cr, 22, 0);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x6a3a2a), ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, 0, -66);
    cairo_line_to(cr, 30, 0);
    cairo_line_to(cr, 8, 0);
    cairo_close_path(cr);
    art_pen_fill(p, art_lighter(c, 0.25), ART_FG | ART_NOSHADOW);
    obj_line(p, 0, -90, 0, -104, 3, art_hex(0x6a4a3a));
    cairo_move_to(cr, 0, -104);
    cairo_line_to(cr, 14, -100);
    cairo_line_to(cr, 0, -96);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
}

static void
obj_gift(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, 0, -62);
        cairo_curve_to(cr, s * 10, -90, s * 34, -86, s * 20, -66);
        cairo_close_path(cr);
    }
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    shape_round_rect(cr, -40, -56, 80, 56, 4);
    art_pen_fill(p, art_hex(0x5aa8e0), ART_FG);
    shape_round_rect(cr, -46, -66, 92, 16, 4);
    art_pen_fill(p, art_hex(0x6ab8f0), ART_FG);
    cairo_rectangle(cr, -7, -66, 14, 66);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
    for (int i = 0; i < 4; i++)
        art_path_star(cr, -26 + (i & 1) * 50, -40 + (i >> 1) * 22, 4, 1.8, 0);
    art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
}

/* A baby triceratops: a frill, three horns, four stout legs (not the
 * long neck of the plain dinosaur). */
static void
obj_triceratops(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb body = art_hex(0xd98a4a), frill = art_hex(0xf2c46a), horn = art_hex(0xfbf1d8);
    (void)rng;
    for (int i = 0; i < 4; i++)
        obj_line(p, -44 + i * 22 + (i > 1 ? 8 : 0), -30, -44 + i * 22 + (i > 1 ? 8 : 0), -4, 14,
                 i & 1 ? body : art_darker(body, 0.12));
    cairo_move_to(cr, -80, -34);
    cairo_curve_to(cr, -66, -40, -56, -72, -10, -72);
    cairo_curve_to(cr, 22, -72, 36, -56, 38, -36);
    cairo_curve_to(cr, 38, -20, 10, -16, -30, -18);
    cairo_curve_to(cr, -50, -20, -66, -28, -80, -34);
    cairo_close_path(cr);
    art_pen_fill(p, body, ART_FG);
    /* The frill behind the head, then the head. */
    art_path_circle(cr, 38, -66, 30);
    art_pen_fill(p, frill, ART_FG);
    for (int i = 0; i < 6; i++) {
        double a = M_PI * (0.9 + 0.22 * i);
        art_path_circle(cr, 38 + cos(a) * 26, -66 + sin(a) * 26, 3.5);
    }
    art_pen_fill(p, art_darker(frill, 0.25), ART_PLAIN);
    art_path_ellipse(cr, 56, -50, 26, 19);
    art_pen_fill(p, body, ART_FG);
    cairo_move_to(cr, 76, -52);
    cairo_line_to(cr, 96, -50);
    cairo_line_to(cr, 78, -42);
    cairo_close_path(cr);
    for (int s = 0; s < 2; s++) {
        cairo_move_to(cr, 46 + s * 14, -64);
        cairo_line_to(cr, 62 + s * 16, -96);
        cairo_line_to(cr, 56 + s * 14, -62);
        cairo_close_path(cr);
    }
    art_pen_fill(p, horn, ART_FG);
    obj_eye(p, 62, -56, 3.4);
    obj_smile(p, 76, -42, 4);
    obj_cheek(p, 58, -44, 4);
}

/* A little pterosaur: wide leathery wings, a crested head, a long beak. */
static void
obj_pterosaur(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb skin = art_hex(0x8a7ad0), wing = art_hex(0xb4a6ec);
    (void)rng;
    for (int s = -1; s <= 1; s += 2) {
        cairo_move_to(cr, 0, -56);
        cairo_curve_to(cr, s * 30, -92, s * 70, -96, s * 90, -84);
        cairo_curve_to(cr, s * 60, -70, s * 40, -56, s * 6, -44);
        cairo_close_path(cr);
    }
    art_pen_fill(p, wing, ART_FG);
    art_path_ellipse(cr, 0, -50, 16, 12);
    art_pen_fill(p, skin, ART_FG);
    art_path_circle(cr, 18, -66, 11);
    art_pen_fill(p, skin, ART_FG);
    cairo_move_to(cr, 10, -74);
    cairo_line_to(cr, -12, -88);
    cairo_line_to(cr, 16, -78);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf28a5a), ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, 26, -70);
    cairo_line_to(cr, 56, -64);
    cairo_line_to(cr, 26, -60);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG | ART_NOSHADOW);
    obj_eye(p, 20, -68, 2.6);
}

/* A parrot: red, with a blue and yellow wing and a hooked beak. */
static void
obj_parrot(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb red = art_hex(0xe0403a);
    (void)rng;
    cairo_move_to(cr, -16, -30);
    cairo_line_to(cr, -56, -6);
    cairo_line_to(cr, -40, -2);
    cairo_line_to(cr, -6, -26);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x3a7ad8), ART_FG);
    art_path_ellipse(cr, 0, -52, 28, 36);
    art_pen_fill(p, red, ART_FG);
    cairo_move_to(cr, -20, -64);
    cairo_curve_to(cr, -30, -40, -22, -26, -4, -24);
    cairo_curve_to(cr, -6, -40, -6, -56, -20, -64);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    art_path_circle(cr, 10, -86, 18);
    art_pen_fill(p, red, ART_FG);
    cairo_move_to(cr, 24, -92);
    cairo_curve_to(cr, 40, -92, 44, -76, 34, -70);
    cairo_line_to(cr, 26, -78);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf4ead0), ART_FG | ART_NOSHADOW);
    art_path_circle(cr, 14, -90, 6);
    art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
    obj_eye(p, 15, -90, 2.6);
}

/* A speckled egg in a nest of twigs. */
static void
obj_egg(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    struct art_rgb twig = art_hex(0x9a6a3a);
    art_path_ellipse(cr, 0, -56, 30, 42);
    art_pen_fill(p, art_hex(0xf6efd8), ART_FG);
    for (int i = 0; i < 9; i++)
        art_path_circle(cr, art_rand_in(rng, -20, 20), art_rand_in(rng, -86, -40),
                        art_rand_in(rng, 2.5, 4.5));
    art_pen_fill(p, art_hex(0x7ab0a0), ART_PLAIN);
    cairo_move_to(cr, -56, -30);
    cairo_curve_to(cr, -50, 2, 50, 2, 56, -30);
    cairo_curve_to(cr, 30, -20, -30, -20, -56, -30);
    cairo_close_path(cr);
    art_pen_fill(p, twig, ART_FG);
    for (int i = 0; i < 6; i++) {
        double x = -44 + i * 17;
        obj_line(p, x, -24 + (i & 1) * 6, x + 18, -10 - (i & 1) * 6, 3, art_darker(twig, 0.25));
    }
}

/* A river: a band of moving water, drawn across the land (the layout
 * gives it the page's width). */
static void
obj_river(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    (void)rng;
    cairo_move_to(cr, -300, -100);
    for (int i = 0; i <= 6; i++)
        cairo_line_to(cr, -300 + i * 100, -100 + (i & 1) * 10);
    cairo_line_to(cr, 300, 0);
    for (int i = 6; i >= 0; i--)
        cairo_line_to(cr, -300 + i * 100, -4 - (i & 1) * 8);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0x4aa0d8), ART_BG);
    for (int i = 0; i < 7; i++) {
        double x = -260 + i * 80, y = -76 + (i % 3) * 22;
        cairo_move_to(cr, x, y);
        cairo_curve_to(cr, x + 12, y - 8, x + 24, y - 8, x + 36, y);
    }
    art_pen_stroke(p, art_hex(0xe8f6fc), 5, ART_PLAIN);
}

/* The child's family: two grown-ups side by side, arms open. */
static void
obj_family(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    static const uint32_t tops[] = {0x5a8ad0, 0xd06a7a, 0x6ab07a, 0xe0a040};
    static const uint32_t skins[] = {0xf2cfae, 0xc98d62, 0x8d5a3c, 0xe8b890};
    static const uint32_t hairs[] = {0x3a2a20, 0x7a4a2a, 0x1a1414, 0xc89a50};
    uint32_t k = art_rand_u32(rng);
    for (int s = 0; s < 2; s++) {
        double x = s ? 26 : -26, top = s ? -94 : -100;
        struct art_rgb skin = art_hex(skins[(k >> 4) % 4]), cloth = art_hex(tops[(k + s) % 4]);
        obj_line(p, x - 8, top + 56, x - 8, -2, 10, art_hex(0x3a4a6a));
        obj_line(p, x + 8, top + 56, x + 8, -2, 10, art_hex(0x3a4a6a));
        shape_round_rect(cr, x - 18, top + 20, 36, 44, 12);
        art_pen_fill(p, cloth, ART_FG);
        obj_line(p, x - 16, top + 28, x - 30, top + 10, 8, cloth);
        obj_line(p, x + 16, top + 28, x + 30, top + 10, 8, cloth);
        art_path_circle(cr, x, top + 8, 13);
        art_pen_fill(p, art_hex(hairs[(k >> (8 + s * 3)) % 4]), ART_FG);
        art_path_circle(cr, x, top + 11, 11);
        art_pen_fill(p, skin, ART_FG | ART_NOSHADOW);
        obj_eye(p, x - 4, top + 10, 1.6);
        obj_eye(p, x + 4, top + 10, 1.6);
        obj_smile(p, x, top + 15, 3);
    }
}

/* Party bunting: a string of flags (the layout hangs it across the top). */
static void
obj_bunting(struct art_pen *p, uint32_t *rng)
{
    cairo_t *cr = p->cr;
    static const uint32_t cols[] = {0xe04a4a, 0xf6c63a, 0x4a9ae0, 0x6cc070, 0xd070c0};
    (void)rng;
    cairo_move_to(cr, -200, -100);
    cairo_curve_to(cr, -100, -70, 100, -70, 200, -100);
    art_pen_stroke(p, art_hex(0x6a5040), 3, ART_FG);
    for (int i = 0; i < 11; i++) {
        double t = (i + 0.5) / 11, x = -200 + 400 * t;
        double y = -100 + 30 * 4 * t * (1 - t) * 0.75;
        cairo_move_to(cr, x - 14, y);
        cairo_line_to(cr, x + 14, y);
        cairo_line_to(cr, x, y + 34);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(cols[i % 5]), ART_FG | ART_NOSHADOW);
    }
}

struct obj_entry {
    struct art_object_info info;
    obj_fn *draw;
};

static const struct obj_entry obj_table[] = {
    {{"dinosaur", 0.85, 1.6, ART_PLACE_GROUND}, obj_dinosaur},
    {{"rocket", 0.6, 0.5, ART_PLACE_SKY}, obj_rocket},
    {{"ball", 0.22, 1.0, ART_PLACE_SMALL}, obj_ball},
    {{"cat", 0.38, 0.7, ART_PLACE_GROUND}, obj_cat},
    {{"dog", 0.46, 0.8, ART_PLACE_GROUND}, obj_dog},
    {{"horse", 1.0, 1.3, ART_PLACE_GROUND}, obj_horse},
    {{"rabbit", 0.34, 0.6, ART_PLACE_GROUND}, obj_rabbit},
    {{"bird", 0.2, 1.3, ART_PLACE_SKY}, obj_bird},
    {{"owl", 0.32, 0.8, ART_PLACE_GROUND}, obj_owl},
    {{"fish", 0.2, 1.6, ART_PLACE_WATER}, obj_fish},
    {{"whale", 0.6, 1.6, ART_PLACE_WATER}, obj_whale},
    {{"turtle", 0.28, 1.3, ART_PLACE_GROUND}, obj_turtle},
    {{"octopus", 0.42, 0.9, ART_PLACE_WATER}, obj_octopus},
    {{"dragon", 0.9, 1.6, ART_PLACE_GROUND}, obj_dragon},
    {{"unicorn", 1.0, 1.3, ART_PLACE_GROUND}, obj_unicorn},
    {{"robot", 0.7, 0.8, ART_PLACE_GROUND}, obj_robot},
    {{"train", 0.5, 2.2, ART_PLACE_GROUND}, obj_train},
    {{"car", 0.42, 1.7, ART_PLACE_GROUND}, obj_car},
    {{"boat", 0.6, 1.0, ART_PLACE_WATER}, obj_boat},
    {{"plane", 0.3, 1.3, ART_PLACE_SKY}, obj_plane},
    {{"balloon", 0.75, 0.5, ART_PLACE_SKY}, obj_balloon},
    {{"kite", 0.45, 0.6, ART_PLACE_SKY}, obj_kite},
    {{"bicycle", 0.5, 1.5, ART_PLACE_GROUND}, obj_bicycle},
    {{"book", 0.16, 1.3, ART_PLACE_SMALL}, obj_book},
    {{"star", 0.2, 1.0, ART_PLACE_SKY}, obj_star},
    {{"moon", 0.28, 0.5, ART_PLACE_SKY}, obj_moon},
    {{"sun", 0.32, 1.0, ART_PLACE_SKY}, obj_sun},
    {{"tree", 1.4, 0.8, ART_PLACE_FAR}, obj_tree},
    {{"flower", 0.25, 0.7, ART_PLACE_SMALL}, obj_flower},
    {{"butterfly", 0.12, 1.0, ART_PLACE_SKY}, obj_butterfly},
    {{"shell", 0.11, 1.0, ART_PLACE_SMALL}, obj_shell},
    {{"treasure", 0.3, 1.1, ART_PLACE_SMALL}, obj_treasure},
    {{"crown", 0.16, 1.2, ART_PLACE_SMALL}, obj_crown},
    {{"snowman", 0.8, 0.9, ART_PLACE_GROUND}, obj_snowman},
    {{"sled", 0.22, 1.6, ART_PLACE_SMALL}, obj_sled},
    {{"tractor", 0.62, 1.2, ART_PLACE_GROUND}, obj_tractor},
    {{"cow", 0.72, 1.3, ART_PLACE_GROUND}, obj_cow},
    {{"sheep", 0.42, 1.1, ART_PLACE_GROUND}, obj_sheep},
    {{"chicken", 0.24, 0.9, ART_PLACE_GROUND}, obj_chicken},
    {{"teddy", 0.3, 0.7, ART_PLACE_SMALL}, obj_teddy},
    {{"cake", 0.26, 1.0, ART_PLACE_SMALL}, obj_cake},
    {{"guitar", 0.45, 0.5, ART_PLACE_SMALL}, obj_guitar},
    {{"paintbrush", 0.62, 0.8, ART_PLACE_GROUND}, obj_paintbrush},
    {{"telescope", 0.55, 0.9, ART_PLACE_GROUND}, obj_telescope},
    {{"map", 0.2, 1.3, ART_PLACE_SMALL}, obj_map},
    {{"lantern", 0.24, 0.6, ART_PLACE_SMALL}, obj_lantern},
    {{"planet", 0.3, 1.2, ART_PLACE_SKY}, obj_planet},
    {{"castle", 1.5, 1.3, ART_PLACE_FAR}, obj_castle},
    {{"tent", 0.8, 1.4, ART_PLACE_FAR}, obj_tent},
    {{"triceratops", 0.55, 1.8, ART_PLACE_GROUND}, obj_triceratops},
    {{"pterosaur", 0.3, 1.8, ART_PLACE_SKY}, obj_pterosaur},
    {{"parrot", 0.3, 0.9, ART_PLACE_SKY}, obj_parrot},
    {{"egg", 0.2, 1.2, ART_PLACE_SMALL}, obj_egg},
    {{"river", 0.16, 6.0, ART_PLACE_FAR}, obj_river},
    {{"family", 1.1, 0.9, ART_PLACE_GROUND}, obj_family},
    {{"bunting", 0.16, 4.0, ART_PLACE_SKY}, obj_bunting},
};

static const struct obj_entry obj_fallback = {{"gift", 0.28, 1.0, ART_PLACE_SMALL}, obj_gift};

static const struct obj_entry *
obj_entry(const char *name)
{
    for (size_t i = 0; name && i < sizeof obj_table / sizeof obj_table[0]; i++)
        if (strcmp(obj_table[i].info.name, name) == 0)
            return &obj_table[i];
    return &obj_fallback;
}

const struct art_object_info *
art_object_find(const char *name)
{
    return &obj_entry(name)->info;
}

int
art_object_known(const char *name)
{
    return obj_entry(name) != &obj_fallback;
}

void
art_object_draw(struct art_pen *p, const struct art_object_info *obj, double x, double y,
                double px, int flip, uint32_t seed)
{
    cairo_t *cr = p->cr;
    /* obj is the first member of an obj_entry of the tables above. */
    const struct obj_entry *e = (const struct obj_entry *)obj;
    uint32_t rng = seed;
    double k = px / 100.0;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, flip ? -k : k, k);
    e->draw(p, &rng);
    cairo_restore(cr);
    cairo_new_path(cr);
}
