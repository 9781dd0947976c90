/*
 * art_child.c — the book's hero, drawn the same on every page: skin, hair,
 * eyes and clothes from the order (art_character), the pose from the
 * scene's action and the face from its mood.
 *
 * The child is drawn in its own units: 100 from the soles to the top of the
 * head, feet at (0, 0), y up being negative as in cairo.  Proportions are a
 * picture book's, not anatomy's: the head is a third of the height, the eyes
 * sit low in the face, the cheeks are rosy.  A pose is data (the angles of
 * the arms and legs), so every pose shares one body.
 */
#include <math.h>
#include <string.h>

#include "art_draw.h"

/* ---- the palette --------------------------------------------------------- */

struct child_named {
    const char *name;
    uint32_t rgb;
};

static uint32_t
child_lookup(const struct child_named *t, size_t n, const char *name, uint32_t def)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].rgb;
    return def;
}

#define CHILD_LOOKUP(t, name, def) child_lookup(t, sizeof t / sizeof t[0], name, def)

static const struct child_named child_skins[] = {
    {"light", 0xfde3d0}, {"fair", 0xf6d2b6}, {"medium", 0xe3b48e}, {"olive", 0xcfa577},
    {"tan", 0xc28c5e},   {"brown", 0x9a6440}, {"dark", 0x74482c},  {"deep", 0x52311f},
};
static const struct child_named child_hairs[] = {
    {"black", 0x2a2426},       {"dark_brown", 0x4a2e20},        {"brown", 0x7a4a2c},
    {"auburn", 0x9a3f24},      {"red", 0xc9562a},               {"strawberry_blonde", 0xe0a070},
    {"blonde", 0xe8c068},      {"light_blonde", 0xf2dc9a},      {"grey", 0xa8a8ac},
    {"white", 0xeeeae2},
};
static const struct child_named child_eyes[] = {
    {"brown", 0x7a4a26}, {"dark_brown", 0x4a2c18}, {"blue", 0x3f82c8}, {"green", 0x4a9a5a},
    {"hazel", 0x8f7a3a}, {"grey", 0x7a8a98},       {"amber", 0xb8802a},
};
static const struct child_named child_cloths[] = {
    {"red", 0xe04848},    {"orange", 0xf28a3a}, {"yellow", 0xf6cf40}, {"green", 0x4fae5a},
    {"teal", 0x2fa8a0},   {"blue", 0x3f7fd8},   {"navy", 0x2f3f78},   {"purple", 0x8a5ac8},
    {"pink", 0xf27fae},   {"white", 0xf4f2ee},  {"grey", 0x9a9ca4},   {"black", 0x34343c},
    {"brown", 0x8a5a3a},
};

struct art_rgb
art_skin_colour(const char *tone)
{
    return art_hex(CHILD_LOOKUP(child_skins, tone, 0xe3b48e));
}

struct art_rgb
art_hair_colour(const char *colour)
{
    return art_hex(CHILD_LOOKUP(child_hairs, colour, 0x7a4a2c));
}

struct art_rgb
art_eye_colour(const char *colour)
{
    return art_hex(CHILD_LOOKUP(child_eyes, colour, 0x7a4a26));
}

struct art_rgb
art_cloth_colour(const char *colour)
{
    return art_hex(CHILD_LOOKUP(child_cloths, colour, 0x3f7fd8));
}

/* ---- poses --------------------------------------------------------------- */

/* Angles in degrees, on the page: 0 points down, 90 towards +x (the way the
 * child faces), 180 up.  Each limb has its upper and its lower segment. */
struct child_pose {
    const char *name;
    double lift;  /* body raised from the ground, units */
    double lean;  /* upper body tilted towards +x, degrees */
    double rot;   /* the whole child turned (lying, swimming), degrees */
    double la1, la2, ra1, ra2; /* left (-x) and right (+x) arm */
    double ll1, ll2, rl1, rl2; /* legs */
    int sit;      /* thighs come towards us: drawn short */
};

static const struct child_pose child_poses[] = {
    {"standing", 0, 0, 0, -12, -6, 12, 6, -3, -3, 3, 3, 0},
    {"walking", 1, 3, 0, -28, -12, 24, 42, -16, -4, 14, 6, 0},
    {"running", 5, 7, 0, -55, -115, 42, 100, -38, 8, 26, 40, 0},
    {"jumping", 16, 0, 0, -140, -162, 140, 162, -38, 6, 38, -6, 0},
    {"sitting", -20, 0, 0, -28, -38, 28, 38, -58, -8, 58, 8, 1},
    {"waving", 0, -2, 0, -12, -6, 125, 168, -3, -3, 3, 3, 0},
    {"pointing", 0, 3, 0, -12, -6, 82, 86, -4, -3, 6, 4, 0},
    {"reaching", 3, 0, 0, -165, -174, 160, 170, -3, -2, 3, 2, 0},
    {"sleeping", 0, 0, -90, -8, -4, 8, 4, -2, -2, 2, 2, 0},
    {"hugging", 0, 0, 0, -22, 62, 22, -62, -3, -3, 3, 3, 0},
    {"flying", 0, 8, 0, -98, -102, 96, 100, -6, 24, 10, 36, 0},
    {"swimming", 0, 0, 35, -45, -20, 150, 120, -22, -35, 18, 30, 0},
    {"climbing", 8, 0, 0, -160, -176, 150, 168, -40, -4, 5, 3, 0},
    {"dancing", 2, 9, 0, -128, -165, 62, 22, -4, -4, 52, 2, 0},
    {"reading", -20, 0, 0, -18, 55, 18, -55, -58, -8, 58, 8, 1},
};

static const struct child_pose *
child_pose(const char *action)
{
    for (size_t i = 0; i < sizeof child_poses / sizeof child_poses[0]; i++)
        if (action && strcmp(child_poses[i].name, action) == 0)
            return &child_poses[i];
    return &child_poses[0];
}

/* Body measures, units. */
#define HIP_Y (-38.0)
#define SHOULDER_Y (-57.0)
#define HEAD_Y (-79.0)
#define HEAD_RX 19.0
#define HEAD_RY 18.0

/* How a turned pose (lying, swimming) is laid down: turned about the
 * middle of the body, then settled (a sleeper on its mattress). */
static void
child_turn(const struct child_pose *po, double *pivot_y, double *shift_x)
{
    *pivot_y = strcmp(po->name, "sleeping") == 0 ? -30 : -16;
    *shift_x = po->rot < 0 ? -10 : 30;
}

double
art_child_face_height(const char *action)
{
    const struct child_pose *po = child_pose(action);
    double x = 0, y = HEAD_Y + 2;
    if (po->rot != 0) {
        double pivot, shift, a = po->rot * M_PI / 180;
        child_turn(po, &pivot, &shift);
        x += shift;
        y += 38;
        y = x * sin(a) + y * cos(a) + pivot;
    }
    return (po->lift - y) / 100.0;
}

double
art_child_half_width(const char *action)
{
    const struct child_pose *po = child_pose(action);
    if (fabs(po->rot) > 45)
        return 0.7;
    if (po->rot != 0)
        return 0.55;
    /* An arm held out sideways (flying, pointing) reaches further. */
    double reach = fmax(fabs(sin(po->la1 * M_PI / 180)), fabs(sin(po->ra1 * M_PI / 180)));
    return reach > 0.9 ? 0.45 : 0.3;
}

/* ---- faces --------------------------------------------------------------- */

enum child_eyes { EYES_DOTS, EYES_BIG, EYES_HAPPY, EYES_CLOSED, EYES_HALF };
enum child_mouth { MOUTH_SMILE, MOUTH_GRIN, MOUTH_O, MOUTH_BIG_O, MOUTH_FROWN, MOUTH_WAVY,
                   MOUTH_SOFT, MOUTH_SMIRK };

struct child_face {
    const char *name;
    enum child_eyes eyes;
    enum child_mouth mouth;
    double brow_lift; /* units up */
    double brow_tilt; /* inner ends up (worried) when > 0, degrees */
    double look_x, look_y;
    int tear;
    double brow_right; /* one eyebrow up (curious) */
};

static const struct child_face child_faces[] = {
    {"happy", EYES_DOTS, MOUTH_SMILE, 0, 0, 0, 0, 0, 0},
    {"excited", EYES_BIG, MOUTH_GRIN, 1.5, 0, 0, 0, 0, 0},
    {"curious", EYES_DOTS, MOUTH_SMIRK, 0.5, 0, 0.9, -0.4, 0, 2.2},
    {"surprised", EYES_BIG, MOUTH_BIG_O, 2.5, 0, 0, 0, 0, 0},
    {"worried", EYES_DOTS, MOUTH_WAVY, 0.5, 18, 0, 0, 0, 0},
    {"sad", EYES_DOTS, MOUTH_FROWN, 0, 22, 0, 0.6, 1, 0},
    {"calm", EYES_HAPPY, MOUTH_SOFT, 0, 0, 0, 0, 0, 0},
    {"proud", EYES_HAPPY, MOUTH_GRIN, 1, -5, 0, 0, 0, 0},
    {"sleepy", EYES_HALF, MOUTH_O, -0.5, 8, 0, 0.5, 0, 0},
};

static const struct child_face *
child_face(const char *mood)
{
    for (size_t i = 0; i < sizeof child_faces / sizeof child_faces[0]; i++)
        if (mood && strcmp(child_faces[i].name, mood) == 0)
            return &child_faces[i];
    return &child_faces[0];
}

static void
child_eye(struct art_pen *p, double x, double y, const struct child_face *f, struct art_rgb iris,
          double mirror)
{
    cairo_t *cr = p->cr;
    struct art_rgb ink = art_hex(0x2a1c1c);
    switch (f->eyes) {
    case EYES_DOTS:
    case EYES_BIG: {
        double big = f->eyes == EYES_BIG ? 1.25 : 1.0;
        double lx = x + f->look_x * mirror, ly = y + f->look_y;
        if (f->eyes == EYES_BIG) {
            art_path_ellipse(cr, x, y, 3.6, 4.0);
            art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
        }
        art_path_ellipse(cr, lx, ly, 2.55 * big, 2.95 * big);
        art_pen_fill(p, iris, ART_PLAIN);
        art_path_ellipse(cr, lx, ly + 0.2, 1.55 * big, 1.8 * big);
        art_pen_fill(p, ink, ART_PLAIN);
        art_path_circle(cr, lx + 0.9 * big, ly - 1.1 * big, 0.85 * big);
        art_path_circle(cr, lx - 0.8 * big, ly + 1.0 * big, 0.4 * big);
        art_pen_fill(p, art_hex(0xffffff), ART_PLAIN | ART_NOLIGHT);
        break;
    }
    case EYES_HAPPY: /* closed in a smile: ^ ^ */
        cairo_move_to(cr, x - 2.8, y + 0.8);
        cairo_curve_to(cr, x - 1.5, y - 2.2, x + 1.5, y - 2.2, x + 2.8, y + 0.8);
        art_pen_stroke(p, ink, 1.3, ART_PLAIN);
        break;
    case EYES_CLOSED: /* asleep: a soft downward curve with lashes */
        cairo_move_to(cr, x - 2.8, y - 0.3);
        cairo_curve_to(cr, x - 1.5, y + 1.9, x + 1.5, y + 1.9, x + 2.8, y - 0.3);
        art_pen_stroke(p, ink, 1.2, ART_PLAIN);
        break;
    case EYES_HALF: /* heavy lids over the lower half of the eye */
        art_path_ellipse(cr, x, y + 0.6, 2.5, 2.2);
        art_pen_fill(p, iris, ART_PLAIN);
        art_path_ellipse(cr, x, y + 0.9, 1.5, 1.3);
        art_pen_fill(p, ink, ART_PLAIN);
        break; /* the lid is drawn over it by child_face_draw */
    }
}

static void
child_face_draw(struct art_pen *p, const struct art_character *c, const struct child_face *f,
                struct art_rgb skin, struct art_rgb hair, double mirror)
{
    cairo_t *cr = p->cr;
    struct art_rgb ink = art_hex(0x3a2222), iris = art_eye_colour(c->eye_colour);
    double ey = HEAD_Y + 1.5;
    /* Rosy cheeks, under everything else. */
    art_path_ellipse(cr, -11.5, HEAD_Y + 7.2, 3.6, 2.5);
    art_path_ellipse(cr, 11.5, HEAD_Y + 7.2, 3.6, 2.5);
    art_pen_fill_alpha(p, art_hex(0xff7f86), 0.42, ART_PLAIN);
    for (int s = -1; s <= 1; s += 2) {
        child_eye(p, s * 7.2, ey, f, iris, mirror);
        if (f->eyes == EYES_HALF) {
            /* The lid in the colour of the skin, drawn over the eye. */
            cairo_move_to(cr, s * 7.2 - 3.1, ey + 0.4);
            cairo_curve_to(cr, s * 7.2 - 1.5, ey - 3.0, s * 7.2 + 1.5, ey - 3.0, s * 7.2 + 3.1,
                           ey + 0.4);
            cairo_close_path(cr);
            art_pen_fill(p, art_darker(skin, 0.06), ART_PLAIN);
            cairo_move_to(cr, s * 7.2 - 3.0, ey + 0.4);
            cairo_line_to(cr, s * 7.2 + 3.0, ey + 0.4);
            art_pen_stroke(p, ink, 0.9, ART_PLAIN);
        }
        /* Eyebrow: a positive tilt lifts its inner end (worry). */
        double bx = s * 7.4, by = ey - 5.8 - f->brow_lift - (s > 0 ? f->brow_right : 0);
        double t = f->brow_tilt * M_PI / 180;
        cairo_move_to(cr, bx - s * 2.6 * cos(t), by - 2.6 * sin(t));
        cairo_line_to(cr, bx + s * 2.6 * cos(t), by + 2.6 * sin(t));
        art_pen_stroke(p, art_darker(hair, 0.35), 1.2, ART_PLAIN);
    }
    /* Nose: a tiny curve. */
    cairo_move_to(cr, -1.2, HEAD_Y + 5.2);
    cairo_curve_to(cr, -0.4, HEAD_Y + 6.2, 0.4, HEAD_Y + 6.2, 1.2, HEAD_Y + 5.2);
    art_pen_stroke(p, art_darker(skin, 0.3), 0.9, ART_PLAIN);
    double my = HEAD_Y + 9.0;
    switch (f->mouth) {
    case MOUTH_SMILE:
        cairo_move_to(cr, -4.2, my - 0.6);
        cairo_curve_to(cr, -2, my + 2.6, 2, my + 2.6, 4.2, my - 0.6);
        art_pen_stroke(p, ink, 1.1, ART_PLAIN);
        break;
    case MOUTH_SOFT:
        cairo_move_to(cr, -3, my);
        cairo_curve_to(cr, -1.5, my + 1.5, 1.5, my + 1.5, 3, my);
        art_pen_stroke(p, ink, 1.0, ART_PLAIN);
        break;
    case MOUTH_GRIN:
        cairo_move_to(cr, -4.8, my - 1);
        cairo_curve_to(cr, -3.5, my + 5, 3.5, my + 5, 4.8, my - 1);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0x8a2f36), ART_PLAIN);
        art_path_ellipse(cr, 0, my + 2.5, 2.4, 1.2);
        art_pen_fill(p, art_hex(0xf07a86), ART_PLAIN);
        cairo_move_to(cr, -4.3, my - 0.8);
        cairo_line_to(cr, 4.3, my - 0.8);
        cairo_line_to(cr, 3.6, my + 0.5);
        cairo_line_to(cr, -3.6, my + 0.5);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0xffffff), ART_PLAIN);
        break;
    case MOUTH_O:
        art_path_ellipse(cr, 0, my + 0.6, 1.7, 2.0);
        art_pen_fill(p, art_hex(0x8a2f36), ART_PLAIN);
        break;
    case MOUTH_BIG_O:
        art_path_ellipse(cr, 0, my + 1.0, 2.8, 3.4);
        art_pen_fill(p, art_hex(0x8a2f36), ART_PLAIN);
        break;
    case MOUTH_FROWN:
        cairo_move_to(cr, -3.4, my + 1.6);
        cairo_curve_to(cr, -1.5, my - 0.9, 1.5, my - 0.9, 3.4, my + 1.6);
        art_pen_stroke(p, ink, 1.1, ART_PLAIN);
        break;
    case MOUTH_WAVY:
        cairo_move_to(cr, -3.6, my + 0.6);
        cairo_curve_to(cr, -2.4, my - 0.8, -1.2, my - 0.8, 0, my + 0.4);
        cairo_curve_to(cr, 1.2, my + 1.6, 2.4, my + 1.6, 3.6, my + 0.2);
        art_pen_stroke(p, ink, 1.0, ART_PLAIN);
        break;
    case MOUTH_SMIRK:
        cairo_move_to(cr, -3.2 * mirror, my + 0.6);
        cairo_curve_to(cr, -1 * mirror, my + 2.2, 2 * mirror, my + 1.6, 3.8 * mirror, my - 0.8);
        art_pen_stroke(p, ink, 1.1, ART_PLAIN);
        break;
    }
    if (f->tear) {
        cairo_move_to(cr, -8.8, ey + 3.0);
        cairo_curve_to(cr, -10.4, ey + 6.2, -10.4, ey + 7.4, -8.8, ey + 7.4);
        cairo_curve_to(cr, -7.2, ey + 7.4, -7.2, ey + 6.2, -8.8, ey + 3.0);
        cairo_close_path(cr);
        art_pen_fill(p, art_hex(0x8fd0f8), ART_PLAIN);
    }
    if (c->glasses) {
        struct art_rgb frame = art_hex(0x34304a);
        art_path_circle(cr, -7.2, ey, 5.0);
        art_path_circle(cr, 7.2, ey, 5.0);
        cairo_move_to(cr, -2.2, ey - 0.8);
        cairo_curve_to(cr, -1, ey - 2, 1, ey - 2, 2.2, ey - 0.8);
        cairo_move_to(cr, -12.2, ey - 0.8);
        cairo_line_to(cr, -17.5, ey - 2.2);
        cairo_move_to(cr, 12.2, ey - 0.8);
        cairo_line_to(cr, 17.5, ey - 2.2);
        art_pen_stroke(p, frame, 1.2, ART_PLAIN);
        cairo_new_sub_path(cr);
        cairo_arc(cr, -7.2, ey, 3.6, M_PI * 1.15, M_PI * 1.45);
        art_pen_stroke_alpha(p, art_hex(0xffffff), 0.7, 0.8, ART_PLAIN);
    }
}

/* ---- hair ------------------------------------------------------------------ */

/* The hair's outer ellipse around the head. */
#define CAP_CY (HEAD_Y - 1.2)
#define CAP_RX (HEAD_RX + 2.0)
#define CAP_RY (HEAD_RY + 2.4)

/* The point of the cap's ellipse at height y on side s (-1 left, +1 right). */
static double
cap_angle(int s, double y)
{
    double v = (y - CAP_CY) / CAP_RY;
    if (v > 1)
        v = 1;
    if (v < -1)
        v = -1;
    return s < 0 ? M_PI - asin(v) : 2 * M_PI + asin(v);
}

/* Starts the cap: the outer arc from the left side at yl over the top to
 * the right side at yr.  The caller closes it with the hairline. */
static void
cap_arc(cairo_t *cr, double yl, double yr)
{
    cairo_save(cr);
    cairo_translate(cr, 0, CAP_CY);
    cairo_scale(cr, CAP_RX, CAP_RY);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 0, 0, 1, cap_angle(-1, yl), cap_angle(1, yr));
    cairo_restore(cr);
}

static int
hair_is(const char *style, const char *name)
{
    return style && strcmp(style, name) == 0;
}

/* What grows behind the head: long hair, the afro's cloud, braids, tails. */
static void
child_hair_back(struct art_pen *p, const char *style, struct art_rgb hair, struct art_rgb tie)
{
    cairo_t *cr = p->cr;
    if (hair_is(style, "long") || hair_is(style, "straight") || hair_is(style, "wavy")) {
        double bottom = hair_is(style, "straight") ? -52 : hair_is(style, "wavy") ? -50 : -46;
        cairo_move_to(cr, -CAP_RX, CAP_CY);
        if (hair_is(style, "wavy")) {
            for (int i = 0; i < 3; i++) {
                double y0 = CAP_CY + (bottom - CAP_CY) * i / 3, y1 = CAP_CY + (bottom - CAP_CY) * (i + 1) / 3;
                cairo_curve_to(cr, -CAP_RX - 5, (2 * y0 + y1) / 3, -CAP_RX + 1, (y0 + 2 * y1) / 3,
                               -CAP_RX - 3 - i, y1);
            }
        } else {
            cairo_curve_to(cr, -CAP_RX - 3, CAP_CY + 12, -CAP_RX - 3, bottom - 6, -CAP_RX - 2,
                           bottom);
        }
        if (hair_is(style, "straight"))
            cairo_line_to(cr, CAP_RX + 2, bottom);
        else
            cairo_curve_to(cr, -10, bottom + 4, 10, bottom + 4, CAP_RX + 2, bottom);
        if (hair_is(style, "wavy")) {
            for (int i = 2; i >= 0; i--) {
                double y0 = CAP_CY + (bottom - CAP_CY) * (i + 1) / 3, y1 = CAP_CY + (bottom - CAP_CY) * i / 3;
                cairo_curve_to(cr, CAP_RX - 1, (2 * y0 + y1) / 3, CAP_RX + 5, (y0 + 2 * y1) / 3,
                               CAP_RX + (i ? 3 + i - 1 : 0), y1);
            }
        } else {
            cairo_curve_to(cr, CAP_RX + 3, bottom - 6, CAP_RX + 3, CAP_CY + 12, CAP_RX, CAP_CY);
        }
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG);
    } else if (hair_is(style, "bob")) {
        cairo_move_to(cr, -CAP_RX, CAP_CY);
        cairo_curve_to(cr, -CAP_RX - 2, CAP_CY + 10, -CAP_RX - 1, -62, -CAP_RX + 1, -61);
        cairo_curve_to(cr, -8, -60, 8, -60, CAP_RX - 1, -61);
        cairo_curve_to(cr, CAP_RX + 1, -62, CAP_RX + 2, CAP_CY + 10, CAP_RX, CAP_CY);
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG);
    } else if (hair_is(style, "curly")) {
        for (int i = 0; i <= 12; i++) {
            double a = M_PI * (0.92 + 1.16 * i / 12.0);
            double x = cos(a) * (CAP_RX + 2.5), y = CAP_CY + sin(a) * (CAP_RY + 1.5);
            if (y > CAP_CY)
                y += 6;
            art_path_circle(cr, x, y, 6.2);
        }
        art_path_circle(cr, -CAP_RX - 1, CAP_CY + 13, 5.5);
        art_path_circle(cr, CAP_RX + 1, CAP_CY + 13, 5.5);
        art_pen_fill(p, hair, ART_FG | ART_UNION);
    } else if (hair_is(style, "afro")) {
        for (int i = 0; i < 16; i++) {
            double a = 2 * M_PI * i / 16;
            art_path_circle(cr, cos(a) * 24, HEAD_Y - 6 + sin(a) * 22, 9);
        }
        art_path_circle(cr, 0, HEAD_Y - 6, 26);
        art_pen_fill(p, hair, ART_FG | ART_UNION);
    } else if (hair_is(style, "braids")) {
        for (int s = -1; s <= 1; s += 2) {
            for (int i = 0; i < 5; i++) {
                art_path_ellipse(cr, s * (CAP_RX - 1 + i * 0.6), HEAD_Y + 2 + i * 6.2, 4.2, 3.8);
                art_pen_fill(p, hair, ART_FG | ART_NOSHADOW);
            }
            art_path_circle(cr, s * (CAP_RX + 2), HEAD_Y + 31, 2.2);
            art_pen_fill(p, tie, ART_FG | ART_NOSHADOW);
            cairo_move_to(cr, s * (CAP_RX + 2), HEAD_Y + 32);
            cairo_curve_to(cr, s * (CAP_RX + 4), HEAD_Y + 36, s * (CAP_RX + 1), HEAD_Y + 37,
                           s * (CAP_RX + 2), HEAD_Y + 39);
            art_pen_stroke(p, hair, 3, ART_FG | ART_NOSHADOW);
        }
    } else if (hair_is(style, "ponytail")) {
        cairo_move_to(cr, 12, CAP_CY - 14);
        cairo_curve_to(cr, 34, CAP_CY - 16, 34, CAP_CY + 10, 30, CAP_CY + 26);
        cairo_curve_to(cr, 26, CAP_CY + 14, 24, CAP_CY + 2, 14, CAP_CY - 6);
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG);
        art_path_circle(cr, 20, CAP_CY - 12, 3);
        art_pen_fill(p, tie, ART_FG | ART_NOSHADOW);
    } else if (hair_is(style, "pigtails")) {
        for (int s = -1; s <= 1; s += 2) {
            cairo_move_to(cr, s * 17, CAP_CY - 8);
            cairo_curve_to(cr, s * 36, CAP_CY - 16, s * 38, CAP_CY + 6, s * 32, CAP_CY + 18);
            cairo_curve_to(cr, s * 28, CAP_CY + 8, s * 24, CAP_CY + 2, s * 18, CAP_CY + 2);
            cairo_close_path(cr);
            art_pen_fill(p, hair, ART_FG);
            art_path_circle(cr, s * 21, CAP_CY - 5, 2.8);
            art_pen_fill(p, tie, ART_FG | ART_NOSHADOW);
        }
    } else if (hair_is(style, "bun")) {
        art_path_circle(cr, 0, CAP_CY - CAP_RY - 4, 8.5);
        art_pen_fill(p, hair, ART_FG);
    }
}

/* What covers the top of the head and frames the face. */
static void
child_hair_front(struct art_pen *p, const char *style, struct art_rgb hair, struct art_rgb skin)
{
    cairo_t *cr = p->cr;
    if (hair_is(style, "bald"))
        return;
    if (hair_is(style, "buzz")) {
        cap_arc(cr, HEAD_Y - 4, HEAD_Y - 4);
        cairo_curve_to(cr, 14, HEAD_Y - 12, -14, HEAD_Y - 12, -CAP_RX + 0.5, HEAD_Y - 4);
        cairo_close_path(cr);
        art_pen_fill(p, art_mix(hair, skin, 0.35), ART_FG | ART_NOSHADOW);
        return;
    }
    if (hair_is(style, "short") || hair_is(style, "afro")) {
        /* Down to the ears at the sides, a fringe of soft tufts. */
        cap_arc(cr, HEAD_Y - 2, HEAD_Y - 2);
        cairo_curve_to(cr, 18, HEAD_Y - 8, 17, HEAD_Y - 9, 15, HEAD_Y - 10);
        int n = hair_is(style, "afro") ? 2 : 4;
        double x0 = 15, x1 = -15, y = HEAD_Y - 9;
        for (int i = 0; i < n; i++) {
            double a = x0 + (x1 - x0) * i / n, b = x0 + (x1 - x0) * (i + 1) / n;
            cairo_curve_to(cr, a - 1, y + 3.5, b + 2, y + 4, b, y - 0.5 * (i & 1));
        }
        cairo_curve_to(cr, -17, HEAD_Y - 9, -18, HEAD_Y - 8, -CAP_RX + 0.2, HEAD_Y - 2);
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG | ART_NOSHADOW);
        return;
    }
    if (hair_is(style, "curly")) {
        cap_arc(cr, HEAD_Y + 4, HEAD_Y + 4);
        cairo_curve_to(cr, 17, HEAD_Y - 6, 14, HEAD_Y - 9, 10, HEAD_Y - 9);
        for (int i = 0; i < 4; i++) {
            double a = 10 - i * 5, b = a - 5;
            cairo_curve_to(cr, a, HEAD_Y - 4, b, HEAD_Y - 4, b, HEAD_Y - 9 + (i & 1));
        }
        cairo_curve_to(cr, -14, HEAD_Y - 9, -17, HEAD_Y - 6, -CAP_RX + 0.5, HEAD_Y + 4);
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG | ART_NOSHADOW);
        return;
    }
    if (hair_is(style, "straight") || hair_is(style, "bob")) {
        /* Straight bangs across the forehead, sides down past the cheeks. */
        double side = hair_is(style, "bob") ? HEAD_Y + 14 : HEAD_Y + 10;
        cap_arc(cr, side, side);
        cairo_line_to(cr, 15.5, side);
        cairo_curve_to(cr, 16, HEAD_Y, 15, HEAD_Y - 6, 14, HEAD_Y - 6.5);
        cairo_line_to(cr, -14, HEAD_Y - 6.5);
        cairo_curve_to(cr, -15, HEAD_Y - 6, -16, HEAD_Y, -15.5, side);
        cairo_close_path(cr);
        art_pen_fill(p, hair, ART_FG | ART_NOSHADOW);
        return;
    }
    /* long, wavy, braids, ponytail, pigtails, bun, and anything else: a side
     * parting with a swept fringe. */
    int framing = hair_is(style, "long") || hair_is(style, "wavy");
    double side = framing ? HEAD_Y + 12 : HEAD_Y + 1;
    cap_arc(cr, side, side);
    if (framing)
        cairo_curve_to(cr, 17, side - 6, 16, HEAD_Y - 2, 15, HEAD_Y - 6);
    else
        cairo_curve_to(cr, 18, HEAD_Y - 3, 16, HEAD_Y - 6, 15, HEAD_Y - 7);
    cairo_curve_to(cr, 12, HEAD_Y - 12, 8, HEAD_Y - 14, 5, HEAD_Y - 14.5);
    cairo_curve_to(cr, 0, HEAD_Y - 8, -8, HEAD_Y - 6, -15, HEAD_Y - 5.5);
    if (framing)
        cairo_curve_to(cr, -16, HEAD_Y - 2, -17, side - 6, -CAP_RX + 0.5, side);
    else
        cairo_curve_to(cr, -17, HEAD_Y - 4, -18, HEAD_Y - 2, -CAP_RX + 0.3, side);
    cairo_close_path(cr);
    art_pen_fill(p, hair, ART_FG | ART_NOSHADOW);
    /* A strand of shine. */
    cairo_move_to(cr, -6, HEAD_Y - 17);
    cairo_curve_to(cr, -2, HEAD_Y - 19, 3, HEAD_Y - 19.5, 7, HEAD_Y - 18);
    art_pen_stroke_alpha(p, art_lighter(hair, 0.45), 0.6, 1.4, ART_PLAIN);
}

/* ---- the body -------------------------------------------------------------- */

static void
limb_end(double x, double y, double a_deg, double len, double *ox, double *oy)
{
    double a = a_deg * M_PI / 180;
    *ox = x + sin(a) * len;
    *oy = y + cos(a) * len;
}

static void
child_leg(struct art_pen *p, double hx, double hy, double a1, double a2, double k,
          struct art_rgb trousers, struct art_rgb shoe, int flags)
{
    cairo_t *cr = p->cr;
    double kx, ky, fx, fy;
    limb_end(hx, hy, a1, 17 * k, &kx, &ky);
    limb_end(kx, ky, a2, 16, &fx, &fy);
    cairo_move_to(cr, hx, hy);
    cairo_line_to(cr, kx, ky);
    cairo_line_to(cr, fx, fy);
    art_pen_stroke(p, trousers, 10, flags);
    /* The shoe points along the leg's sideways swing, rounded toe out. */
    double toe = a2 < -5 ? -1 : a2 > 5 ? 1 : (hx < 0 ? -0.4 : 0.4);
    cairo_save(cr);
    cairo_translate(cr, fx, fy + 1.5);
    cairo_rotate(cr, (a2 * M_PI / 180));
    art_path_ellipse(cr, toe * 2.2, 0, 6.6, 4.2);
    cairo_restore(cr);
    art_pen_fill(p, shoe, flags);
}

static void
child_arm(struct art_pen *p, double sx, double sy, double a1, double a2, struct art_rgb sleeve,
          struct art_rgb skin, int finger, double *hx, double *hy)
{
    cairo_t *cr = p->cr;
    double ex, ey, wx, wy;
    limb_end(sx, sy, a1, 13, &ex, &ey);
    limb_end(ex, ey, a2, 11, &wx, &wy);
    cairo_move_to(cr, sx, sy);
    cairo_line_to(cr, ex, ey);
    cairo_line_to(cr, wx, wy);
    art_pen_stroke(p, skin, 6.4, ART_FG);
    double mx, my;
    limb_end(sx, sy, a1, 9, &mx, &my);
    cairo_move_to(cr, sx, sy);
    cairo_line_to(cr, mx, my);
    art_pen_stroke(p, sleeve, 8.4, ART_FG);
    art_path_circle(cr, wx, wy, 4.1);
    art_pen_fill(p, skin, ART_FG | ART_NOSHADOW);
    if (finger) {
        double fx, fy;
        limb_end(wx, wy, a2, 6.5, &fx, &fy);
        cairo_move_to(cr, wx, wy);
        cairo_line_to(cr, fx, fy);
        art_pen_stroke(p, skin, 2.4, ART_FG | ART_NOSHADOW);
    }
    *hx = wx;
    *hy = wy;
}

/* A colour for the shoes and the hair ties that does not change from page
 * to page: derived from the character's own words. */
static uint32_t
child_hash(const struct art_character *c)
{
    uint32_t h = 2166136261u;
    const char *parts[] = {c->top_colour, c->bottom_colour, c->hair_colour, c->name};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *s = parts[i]; s && *s; s++)
            h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void
child_crown(struct art_pen *p)
{
    cairo_t *cr = p->cr;
    double y = CAP_CY - CAP_RY + 3;
    cairo_move_to(cr, -11, y);
    cairo_line_to(cr, -13, y - 11);
    cairo_line_to(cr, -6, y - 5);
    cairo_line_to(cr, 0, y - 14);
    cairo_line_to(cr, 6, y - 5);
    cairo_line_to(cr, 13, y - 11);
    cairo_line_to(cr, 11, y);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xf6c63a), ART_FG);
    art_path_circle(cr, 0, y - 4, 1.8);
    art_pen_fill(p, art_hex(0xe04a5a), ART_PLAIN);
    art_path_circle(cr, -7, y - 3, 1.3);
    art_path_circle(cr, 7, y - 3, 1.3);
    art_pen_fill(p, art_hex(0x4a8ae0), ART_PLAIN);
}

static void
child_book(struct art_pen *p, double x, double y)
{
    cairo_t *cr = p->cr;
    cairo_move_to(cr, x, y - 9);
    cairo_curve_to(cr, x - 6, y - 11, x - 12, y - 10, x - 15, y - 8);
    cairo_line_to(cr, x - 15, y + 5);
    cairo_curve_to(cr, x - 12, y + 3, x - 6, y + 3, x, y + 5);
    cairo_curve_to(cr, x + 6, y + 3, x + 12, y + 3, x + 15, y + 5);
    cairo_line_to(cr, x + 15, y - 8);
    cairo_curve_to(cr, x + 12, y - 10, x + 6, y - 11, x, y - 9);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xe05a4a), ART_FG);
    cairo_move_to(cr, x, y - 8);
    cairo_curve_to(cr, x - 5, y - 9.5, x - 10, y - 9, x - 13, y - 7);
    cairo_line_to(cr, x - 13, y + 3);
    cairo_curve_to(cr, x - 10, y + 1.5, x - 5, y + 1.5, x, y + 3);
    cairo_curve_to(cr, x + 5, y + 1.5, x + 10, y + 1.5, x + 13, y + 3);
    cairo_line_to(cr, x + 13, y - 7);
    cairo_curve_to(cr, x + 10, y - 9, x + 5, y - 9.5, x, y - 8);
    cairo_close_path(cr);
    art_pen_fill(p, art_hex(0xfffaf0), ART_FG | ART_NOSHADOW);
    for (int i = 0; i < 3; i++) {
        cairo_move_to(cr, x - 11, y - 5 + i * 2.6);
        cairo_line_to(cr, x - 3, y - 5.5 + i * 2.6);
        cairo_move_to(cr, x + 3, y - 5.5 + i * 2.6);
        cairo_line_to(cr, x + 11, y - 5 + i * 2.6);
    }
    art_pen_stroke_alpha(p, art_hex(0x8a8a9a), 0.7, 0.7, ART_PLAIN);
}

static void
child_note(struct art_pen *p, double x, double y, double s)
{
    cairo_t *cr = p->cr;
    art_path_ellipse(cr, x, y, 2.6 * s, 2 * s);
    art_pen_fill(p, art_hex(0x6a4ac0), ART_PLAIN);
    cairo_move_to(cr, x + 2.4 * s, y);
    cairo_line_to(cr, x + 2.4 * s, y - 10 * s);
    cairo_line_to(cr, x + 6 * s, y - 8 * s);
    art_pen_stroke(p, art_hex(0x6a4ac0), 1.1 * s, ART_PLAIN);
}

void
art_child_draw(struct art_pen *p, const struct art_character *c, const char *action,
               const char *mood, double x, double y, double px, int flip,
               const struct art_child_extras *extras)
{
    cairo_t *cr = p->cr;
    const struct child_pose *po = child_pose(action);
    const struct child_face *face = child_face(mood);
    struct child_face asleep = {"asleep", EYES_CLOSED, MOUTH_SOFT, 0, 0, 0, 0, 0, 0};
    int sleeping = strcmp(po->name, "sleeping") == 0;
    if (sleeping)
        face = &asleep;
    struct child_face reading;
    if (strcmp(po->name, "reading") == 0) {
        /* Eyes on the page, whatever the mood. */
        reading = *face;
        if (reading.eyes != EYES_BIG)
            reading.eyes = EYES_DOTS;
        reading.look_x = 0;
        reading.look_y = 1.2;
        face = &reading;
    }
    struct art_rgb skin = art_skin_colour(c->skin_tone), hair = art_hair_colour(c->hair_colour);
    struct art_rgb top = art_cloth_colour(c->top_colour);
    struct art_rgb bottom = art_cloth_colour(c->bottom_colour);
    static const uint32_t shoes[] = {0xd8403a, 0x3a5ac8, 0x4a4652, 0x8a5a3a, 0x2fa090, 0xe07aa8};
    uint32_t h = child_hash(c);
    struct art_rgb shoe = art_hex(shoes[h % 6]);
    if (fabs(shoe.r - bottom.r) + fabs(shoe.g - bottom.g) + fabs(shoe.b - bottom.b) < 0.3)
        shoe = art_hex(shoes[(h + 1) % 6]);
    static const uint32_t ties[] = {0xf05a8a, 0xf6c63a, 0x5ab0f0, 0x7ac85a};
    struct art_rgb tie = art_hex(ties[(h >> 8) % 4]);
    const char *style = c->hair_style;
    double s = px / 100.0, mirror = flip ? -1 : 1;
    /* Slightly taller and less top-heavy as the child grows. */
    double age_k = 0.92 + 0.02 * (c->age < 2 ? 2 : c->age > 10 ? 10 : c->age);

    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, s * mirror, s);
    if (!sleeping && strcmp(po->name, "flying") != 0 && strcmp(po->name, "swimming") != 0) {
        art_path_ellipse(cr, 0, 0, 24 - po->lift * 0.4, 4.5);
        art_pen_fill_alpha(p, art_hex(0x2a2040), 0.16, ART_PLAIN);
    }
    if (sleeping) {
        /* A little mattress and a pillow: the child lies on its back, head
         * to the left. */
        shape_round_rect(cr, -82, -15, 146, 15, 5);
        art_pen_fill(p, art_hex(0xf2ece0), ART_FG);
        art_path_ellipse(cr, -58, -27, 22, 11);
        art_pen_fill(p, art_hex(0xffffff), ART_FG);
    }
    if (strcmp(po->name, "climbing") == 0) {
        cairo_move_to(cr, 0, -150);
        cairo_curve_to(cr, 3, -100, -3, -50, 1, 0);
        art_pen_stroke(p, art_hex(0xc8a060), 3.2, ART_FG);
        for (int i = 0; i < 5; i++) {
            art_path_ellipse(cr, 0.5, -20 - i * 24, 2.6, 2);
            art_pen_fill(p, art_hex(0xa8804a), ART_PLAIN);
        }
    }
    cairo_translate(cr, 0, -po->lift);
    if (po->rot != 0) {
        double pivot, shift;
        child_turn(po, &pivot, &shift);
        cairo_translate(cr, 0, pivot);
        cairo_rotate(cr, po->rot * M_PI / 180);
        cairo_translate(cr, shift, 38);
    }
    cairo_scale(cr, 1, age_k);
    cairo_translate(cr, 0, (1 - age_k) * -60);

    /* A three-quarter view (turn towards +x, 0 = facing us): the body a
     * little narrower, the face moved towards the side the child faces,
     * the far ear hidden. */
    double turn = extras ? fmin(fmax(extras->turn, 0), 1) : 0;
    double narrow = 1 - 0.16 * turn;
    child_hair_back(p, style, hair, tie);
    cairo_save(cr);
    cairo_scale(cr, narrow, 1);
    /* Legs, then the body over their tops. */
    double k = po->sit ? 0.45 : 1;
    child_leg(p, -5.8, HIP_Y, po->ll1, po->ll2, k, bottom, shoe, ART_FG);
    child_leg(p, 5.8, HIP_Y, po->rl1, po->rl2, k, bottom, shoe, ART_FG);
    cairo_save(cr);
    cairo_translate(cr, 0, HIP_Y);
    cairo_rotate(cr, po->lean * M_PI / 180);
    cairo_translate(cr, 0, -HIP_Y);
    shape_round_rect(cr, -4, SHOULDER_Y - 9, 8, 9, 3);
    art_pen_fill(p, art_darker(skin, 0.1), ART_FG | ART_NOSHADOW);
    /* Trousers' seat and the shirt. */
    shape_round_rect(cr, -11.5, HIP_Y - 5, 23, 9, 4);
    art_pen_fill(p, bottom, ART_FG | ART_NOSHADOW);
    cairo_move_to(cr, -10.5, SHOULDER_Y - 3);
    cairo_curve_to(cr, -4, SHOULDER_Y - 5, 4, SHOULDER_Y - 5, 10.5, SHOULDER_Y - 3);
    cairo_curve_to(cr, 13.5, SHOULDER_Y + 2, 13.5, HIP_Y - 4, 13, HIP_Y + 1);
    cairo_curve_to(cr, 5, HIP_Y + 3, -5, HIP_Y + 3, -13, HIP_Y + 1);
    cairo_curve_to(cr, -13.5, HIP_Y - 4, -13.5, SHOULDER_Y + 2, -10.5, SHOULDER_Y - 3);
    cairo_close_path(cr);
    art_pen_fill(p, top, ART_FG);
    /* The collar and a little star on the chest: the child's own shirt. */
    cairo_move_to(cr, -5, SHOULDER_Y - 3.8);
    cairo_curve_to(cr, -2.5, SHOULDER_Y + 0.2, 2.5, SHOULDER_Y + 0.2, 5, SHOULDER_Y - 3.8);
    art_pen_stroke(p, art_darker(top, 0.25), 1.3, ART_PLAIN);
    art_path_star(cr, 4.5, SHOULDER_Y + 8, 3.6, 1.6, 0);
    art_pen_fill(p, art_lighter(top, 0.55), ART_PLAIN);
    /* The head, turned up a little when proud. */
    cairo_save(cr);
    if (strcmp(face->name, "proud") == 0) {
        cairo_translate(cr, 0, SHOULDER_Y);
        cairo_rotate(cr, -0.06);
        cairo_translate(cr, 0, -SHOULDER_Y);
    }
    cairo_scale(cr, 1 / narrow, 1); /* the head keeps its width */
    art_path_circle(cr, -HEAD_RX + 0.5 + turn * 3, HEAD_Y + 1, 4.2);
    if (turn < 0.3)
        art_path_circle(cr, HEAD_RX - 0.5, HEAD_Y + 1, 4.2);
    art_pen_fill(p, skin, ART_FG | ART_NOSHADOW);
    art_path_ellipse(cr, 0, HEAD_Y, HEAD_RX, HEAD_RY);
    art_pen_fill(p, skin, ART_FG);
    cairo_save(cr);
    if (turn > 0) {
        art_path_ellipse(cr, 0, HEAD_Y, HEAD_RX, HEAD_RY);
        cairo_clip(cr);
        cairo_translate(cr, turn * 6, 0);
        /* the far half of the face is seen edge-on */
        cairo_translate(cr, 0, HEAD_Y);
        cairo_scale(cr, 1 - 0.12 * turn, 1);
        cairo_translate(cr, 0, -HEAD_Y);
    }
    child_face_draw(p, c, face, skin, hair, mirror);
    cairo_restore(cr);
    cairo_save(cr);
    cairo_translate(cr, turn * 2.5, 0);
    child_hair_front(p, style, hair, skin);
    cairo_restore(cr);
    if (extras && extras->crown)
        child_crown(p);
    cairo_restore(cr);
    /* Arms last: in front of the body. */
    double lhx, lhy, rhx, rhy;
    child_arm(p, -11, SHOULDER_Y, po->la1, po->la2, top, skin, 0, &lhx, &lhy);
    child_arm(p, 11, SHOULDER_Y, po->ra1, po->ra2, top, skin, strcmp(po->name, "pointing") == 0,
              &rhx, &rhy);
    if ((extras && extras->book) || strcmp(po->name, "reading") == 0)
        child_book(p, (lhx + rhx) / 2, (lhy + rhy) / 2 - 1);
    if (sleeping) {
        /* The quilt, tucked up to the chin. */
        shape_round_rect(cr, -25, SHOULDER_Y - 4, 50, 66, 8);
        art_pen_fill(p, art_hex(0x7aa6e0), ART_FG);
        for (int i = 0; i < 6; i++)
            art_path_star(cr, (i & 1) ? 9 : -9, SHOULDER_Y + 6 + i * 10, 3.5, 1.6, 0);
        art_pen_fill(p, art_hex(0xfff0a0), ART_PLAIN);
    }
    cairo_restore(cr);
    cairo_restore(cr); /* narrow */

    cairo_restore(cr);

    /* Little signs around the child, in page space so they never turn. */
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, s * mirror, s);
    if (sleeping) {
        for (int i = 0; i < 3; i++) {
            double zx = -40 + i * 9, zy = -52 - i * 11, zs = 4 + i * 1.5;
            cairo_move_to(cr, zx - zs, zy - zs);
            cairo_line_to(cr, zx + zs, zy - zs);
            cairo_line_to(cr, zx - zs, zy + zs);
            cairo_line_to(cr, zx + zs, zy + zs);
        }
        art_pen_stroke(p, art_hex(0x6a7ad8), 1.6, ART_PLAIN | ART_NOLIGHT);
    } else if (strcmp(po->name, "waving") == 0) {
        for (int i = 0; i < 2; i++) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, rhx + 2, rhy - po->lift, 8 + i * 4, -1.1, -0.2);
        }
        art_pen_stroke(p, art_hex(0x8a7a9a), 1.2, ART_PLAIN);
    } else if (strcmp(po->name, "hugging") == 0) {
        art_path_heart(cr, 22, -104, 10);
        art_path_heart(cr, 30, -118, 6);
        art_pen_fill(p, art_hex(0xf05a78), ART_FG);
    } else if (strcmp(po->name, "dancing") == 0) {
        child_note(p, -30, -95, 1.0);
        child_note(p, 28, -110, 0.8);
    } else if (strcmp(po->name, "flying") == 0 || strcmp(po->name, "running") == 0) {
        for (int i = 0; i < 3; i++) {
            cairo_move_to(cr, -30 - i * 3, -70 + i * 14);
            cairo_line_to(cr, -48 - i * 5, -70 + i * 14);
        }
        art_pen_stroke_alpha(p, art_hex(0xffffff), 0.8, 2.2, ART_PLAIN);
    } else if (strcmp(po->name, "swimming") == 0) {
        for (int i = 0; i < 4; i++) {
            art_path_circle(cr, 58 + i * 5, -70 - i * 11, 2 + i * 0.8);
        }
        art_pen_stroke_alpha(p, art_hex(0xe8f8ff), 0.9, 1.2, ART_PLAIN);
    }
    cairo_restore(cr);
}
