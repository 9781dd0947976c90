/*
 * art_builtin.c — the built-in illustrator: composes one picture from a
 * story scene and the child (art.h: art_builtin_draw).
 *
 * The layout follows the book's page: the text band covers the bottom 28%
 * of a page, so the child's face stays in the upper 65% and everything that
 * matters stays inside the safety margin (0.5 in + 0.125 in bleed, which is
 * at least a tenth of the shorter side for every trim).  On the cover the
 * child is large and central, above the title band that the pdf stage also
 * sets at the bottom, and the top of the sky stays calm.
 * Companions stand beside the child and face it; objects go where they
 * belong (ground, sky, water, far away) in slots that do not overlap.
 * Everything is a function of the inputs and the seed: no clock, no rand().
 */
#include <math.h>
#include <string.h>

#include "art_draw.h"
#include "vocab.h"

#define LAY_MAX 16

/* Occupied horizontal spans of one depth layer. */
struct lay_row {
    double x0[LAY_MAX], x1[LAY_MAX];
    int n;
};

static void
lay_take(struct lay_row *r, double x0, double x1)
{
    if (r->n < LAY_MAX) {
        r->x0[r->n] = x0;
        r->x1[r->n] = x1;
        r->n++;
    }
}

/* The centre for something w wide in [lo, hi] that overlaps the row least,
 * nearest to pref among equals. */
static double
lay_pick(const struct lay_row *r, double lo, double hi, double w, double pref)
{
    if (hi - lo <= w)
        return (lo + hi) / 2;
    double best = lo + w / 2, best_cost = INFINITY;
    enum { K = 32 };
    for (int i = 0; i <= K; i++) {
        double x = lo + w / 2 + (hi - lo - w) * i / K, cost = 0;
        for (int j = 0; j < r->n; j++) {
            double a = fmax(x - w / 2, r->x0[j]), b = fmin(x + w / 2, r->x1[j]);
            if (b > a)
                cost += b - a;
        }
        cost += fabs(x - pref) * 1e-3;
        if (cost < best_cost) {
            best_cost = cost;
            best = x;
        }
    }
    return best;
}

static const char *
scene_word(const json_t *scene, const char *key, vocab_list list, const char *def)
{
    const char *s = json_string_value(json_object_get(scene, key));
    return s && vocab_has(list, s) ? s : def;
}

void
art_scene_from_json(const json_t *scene, struct art_scene *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->setting = scene_word(scene, "setting", vocab_settings, "meadow");
    sc->time = scene_word(scene, "time_of_day", vocab_times, "day");
    sc->weather = scene_word(scene, "weather", vocab_weathers, "clear");
    sc->action = scene_word(scene, "action", vocab_actions, "standing");
    sc->mood = scene_word(scene, "mood", vocab_moods, "happy");
    json_t *a = json_object_get(scene, "companions");
    for (size_t i = 0; i < json_array_size(a) && sc->ncompanions < ART_MAX_COMPANIONS; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s)
            sc->companions[sc->ncompanions++] = s;
    }
    a = json_object_get(scene, "objects");
    for (size_t i = 0; i < json_array_size(a) && sc->nobjects < ART_MAX_OBJECTS; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s)
            sc->objects[sc->nobjects++] = s;
    }
}

/* Everything the layout knows while it places things. */
struct lay {
    struct art_pen *p;
    const struct art_scene *sc;
    struct art_stage *st;
    uint32_t rng;
    double hc;     /* the child's standing height, pixels */
    double half;   /* half the width the child takes in its pose, pixels */
    double cx, cy; /* the child's feet */
    struct lay_row front, mid, sky;
    json_t *placed; /* what was drawn where, or NULL (art_builtin_draw_report) */
};

/* Notes that name was drawn as role ("companion", "object", "worn",
 * "held") in the box x0..x1 × y0..y1 (pixels), clipped to the picture. */
static void
lay_report_box(struct lay *L, const char *name, const char *role, double x0, double y0,
               double x1, double y1)
{
    if (!L->placed)
        return;
    x0 = fmax(0, x0);
    y0 = fmax(0, y0);
    x1 = fmin(L->st->w, x1);
    y1 = fmin(L->st->h, y1);
    json_array_append_new(L->placed,
                          json_pack("{s:s, s:s, s:[i,i,i,i]}", "name", name, "as", role,
                                    "box", (int)floor(x0), (int)floor(y0), (int)ceil(x1),
                                    (int)ceil(y1)));
}

/* An object drawn with its feet at (x, y), px tall: draws and reports it. */
static void
lay_draw(struct lay *L, const char *role, const struct art_object_info *o, double x, double y,
         double px, int flip, uint32_t seed)
{
    art_object_draw(L->p, o, x, y, px, flip, seed);
    double hw = px * o->aspect / 2;
    lay_report_box(L, o->name, role, x - hw, y - px, x + hw, y);
}

/* A pond for a swimmer on dry land. */
static void
lay_pond(struct lay *L, double x, double y, double w)
{
    cairo_t *cr = L->p->cr;
    art_path_blob(cr, &L->rng, x, y, w * 0.62, w * 0.14, 0.08);
    art_pen_fill(L->p, art_hex(0x8a7a5a), ART_BG);
    art_path_blob(cr, &L->rng, x, y, w * 0.56, w * 0.11, 0.06);
    art_pen_fill(L->p, art_hex(0x5ab0dc), ART_BG);
    art_path_ellipse(cr, x - w * 0.2, y - w * 0.02, w * 0.12, w * 0.02);
    art_pen_fill_alpha(L->p, art_hex(0xffffff), 0.5, ART_PLAIN);
}

/* The sea in front of a child swimming at its surface. */
static void
lay_waves(struct lay *L)
{
    cairo_t *cr = L->p->cr;
    double x0 = L->cx - 0.75 * L->hc, x1 = L->cx + 0.75 * L->hc, y = L->cy - 0.12 * L->hc;
    double u = L->p->u;
    cairo_move_to(cr, x0, L->cy + 0.1 * L->hc);
    cairo_line_to(cr, x0, y);
    for (int i = 0; i < 6; i++) {
        double a = x0 + (x1 - x0) * i / 6, b = x0 + (x1 - x0) * (i + 1) / 6;
        cairo_curve_to(cr, a + (b - a) * 0.3, y - 14 * u, a + (b - a) * 0.7, y - 14 * u, b, y);
    }
    cairo_line_to(cr, x1, L->cy + 0.1 * L->hc);
    cairo_close_path(cr);
    art_pen_fill_alpha(L->p, art_hex(0x3a9ad0), 0.85, ART_BG);
    for (int i = 0; i < 6; i++) {
        double a = x0 + (x1 - x0) * i / 6, b = x0 + (x1 - x0) * (i + 1) / 6;
        cairo_move_to(cr, a, y);
        cairo_curve_to(cr, a + (b - a) * 0.3, y - 14 * u, a + (b - a) * 0.7, y - 14 * u, b, y);
    }
    art_pen_stroke_alpha(L->p, art_hex(0xeef8fc), 0.9, 5 * u, ART_BG);
}

/* 1 in a wintry place: snow falling, the snow, the snowy mountains. */
static int
lay_wintry(const struct art_scene *sc)
{
    return strcmp(sc->weather, "snow") == 0 || strcmp(sc->setting, "snow") == 0 ||
           strcmp(sc->setting, "mountains") == 0;
}

/* A thing of the scene (not a companion) where it belongs. */
static void
lay_object(struct lay *L, const char *name, int index)
{
    struct art_stage *st = L->st;
    const struct art_object_info *o = art_object_find(name);
    double W = st->w, H = st->h, m = st->margin;
    double px = o->size * L->hc, w, x, y;
    uint32_t seed = L->rng + 7919u * (uint32_t)index;
    double pref = art_rand(&L->rng) < 0.5 ? m : W - m;
    if (strcmp(o->name, "river") == 0 && !st->underwater && !st->floating) {
        /* A river crosses the land between the far hills and the child. */
        px = W / o->aspect;
        y = st->indoor ? st->horizon : fmin(st->horizon + 0.1 * H, L->cy - 0.02 * H);
        lay_draw(L, "object", o, W / 2, y, px, 0, seed);
        return;
    }
    if (strcmp(o->name, "bunting") == 0) {
        /* Party bunting hangs across the top of the picture. */
        px = (W - 2 * m) / o->aspect;
        lay_draw(L, "object", o, W / 2, 0.6 * m + px, px, 0, seed);
        return;
    }
    if (strcmp(o->name, "boat") == 0 && st->underwater) {
        /* Seen from below, a boat floats at the surface, never under it. */
        px = fmin(px, 0.14 * H);
        w = px * o->aspect;
        x = lay_pick(&L->sky, m, W - m, w, pref);
        lay_take(&L->sky, x - w / 2, x + w / 2);
        lay_draw(L, "object", o, x, 0.1 * H + px * 0.55, px, x > L->cx, seed);
        return;
    }
    if (st->indoor && o->place == ART_PLACE_GROUND && o->size > 0.35 &&
        strcmp(o->name, "family") != 0) {
        /* Indoors, a snowman, a horse or a tractor is a toy on the floor. */
        px = 0.3 * L->hc;
        w = px * o->aspect;
        x = lay_pick(&L->front, m, W - m, w, L->cx + (pref < W / 2 ? -1 : 1) * 0.4 * L->hc);
        lay_take(&L->front, x - w / 2, x + w / 2);
        lay_draw(L, "object", o, x, L->cy + 0.015 * H, px, x > L->cx, seed);
        return;
    }
    switch (o->place) {
    case ART_PLACE_SKY: {
        double top = st->cover ? 0.32 * H : m + 0.02 * H;
        px = fmin(px, 0.16 * H);
        w = px * o->aspect;
        x = lay_pick(&L->sky, m, W - m, w, pref);
        lay_take(&L->sky, x - w / 2, x + w / 2);
        y = top + px + art_rand(&L->rng) * 0.08 * H;
        if (fabs(x - L->cx) < w / 2 + 0.25 * L->hc && y > L->cy - L->hc * 1.05)
            y = fmax(top + px, L->cy - L->hc * 1.05);
        lay_draw(L, "object", o, x, y, px, x > L->cx, seed);
        return;
    }
    case ART_PLACE_FAR:
        /* Far away, so smaller, standing on the horizon. */
        px *= st->indoor ? 0.35 : 0.42;
        w = px * o->aspect;
        x = lay_pick(&L->mid, m, W - m, w, pref);
        lay_take(&L->mid, x - w / 2, x + w / 2);
        y = st->indoor ? st->horizon : st->horizon + 0.035 * H;
        if (strcmp(o->name, "tree") == 0 && !st->indoor && lay_wintry(L->sc)) {
            /* In the snow a tree is a snowy pine, not an apple tree. */
            art_scenery_pine(L->p, x, y, px, 1);
            lay_report_box(L, "tree", "object", x - 0.36 * px, y - px, x + 0.36 * px, y);
            return;
        }
        lay_draw(L, "object", o, x, y, px, 0, seed);
        return;
    case ART_PLACE_WATER:
        if (st->underwater) {
            w = px * o->aspect;
            x = lay_pick(&L->sky, m, W - m, w, pref);
            lay_take(&L->sky, x - w / 2, x + w / 2);
            y = art_rand_in(&L->rng, 0.3, 0.5) * H;
            lay_draw(L, "object", o, x, y, px, x > L->cx, seed);
            return;
        }
        px *= 0.7;
        w = px * o->aspect;
        x = lay_pick(&L->mid, m, W - m, w, pref);
        lay_take(&L->mid, x - w / 2, x + w / 2);
        y = st->horizon + 0.06 * H;
        if (st->indoor) {
            lay_draw(L, "object", o, x, st->horizon + 0.05 * H, px * 0.6, x > L->cx, seed);
        } else if (st->water) {
            lay_draw(L, "object", o, x, y, px, x > L->cx, seed);
        } else {
            /* No sea here: a pond, the swimmer jumping out of it. */
            lay_pond(L, x, y, fmax(w * 1.2, 0.12 * W));
            lay_draw(L, "object", o, x, y - px * 0.15, px, x > L->cx, seed);
        }
        return;
    case ART_PLACE_GROUND:
        /* In the middle distance, a little smaller than beside the child. */
        px *= 0.72;
        w = px * o->aspect;
        x = lay_pick(&L->mid, m, W - m, w, pref);
        lay_take(&L->mid, x - w / 2, x + w / 2);
        y = st->floating ? L->cy - 0.05 * H : st->horizon + 0.12 * H;
        if (st->indoor)
            y = st->horizon + 0.05 * H;
        lay_draw(L, "object", o, x, y, px, x > L->cx, seed);
        return;
    case ART_PLACE_SMALL:
        break;
    }
    /* Small things lie at the child's feet. */
    w = px * o->aspect;
    x = lay_pick(&L->front, m, W - m, w, L->cx + (pref < W / 2 ? -1 : 1) * 0.35 * L->hc);
    lay_take(&L->front, x - w / 2, x + w / 2);
    y = L->cy + 0.015 * H;
    lay_draw(L, "object", o, x, y, px, x > L->cx, seed);
}

/* Where a companion goes: decided before anything is drawn, so that the
 * small things at the child's feet keep out of its way. */
struct lay_spot {
    const struct art_object_info *o;
    double x, y, px;
    int pond, far;
};

/* A companion beside the child, facing it. */
static void
lay_companion(struct lay *L, const char *name, int index, int hugging, struct lay_spot *sp)
{
    struct art_stage *st = L->st;
    const struct art_object_info *o = art_object_find(name);
    double W = st->w, m = st->margin;
    double px = o->size * L->hc, w = px * o->aspect, y = L->cy;
    memset(sp, 0, sizeof *sp);
    sp->o = o;
    if (o->place == ART_PLACE_FAR) {
        sp->far = 1; /* a tree or a castle is scenery: drawn with the objects */
        return;
    }
    if (st->indoor && o->size > 0.4 && strcmp(o->name, "family") != 0 &&
        o->place != ART_PLACE_WATER) {
        /* Indoors, the child's dinosaur or snowman is a toy. */
        px = 0.32 * L->hc;
        w = px * o->aspect;
    }
    /* Too wide for the page: shrink it to fit beside the child. */
    double room = fmax(L->cx - m, W - m - L->cx) - 0.22 * L->hc;
    if (w > room && room > 0) {
        px *= room / w;
        w = room;
    }
    double gap = hugging && index == 0 ? 0.12 * L->hc : L->half + 0.12 * w;
    double left = L->cx - gap - w / 2, right = L->cx + gap + w / 2;
    int right_first = W - m - L->cx > L->cx - m;
    double x;
    if (index == 0) {
        x = right_first ? right : left;
    } else {
        /* The others where the row is free, the second preferably on the
         * child's other side, a third a step further back. */
        if (index == 2) {
            px *= 0.85;
            w *= 0.85;
            y -= 0.025 * st->h;
        }
        x = lay_pick(&L->front, m, W - m, w, right_first ? left : right);
    }
    x = fmin(fmax(x, m + w / 2), W - m - w / 2);
    if (o->place == ART_PLACE_SKY) {
        /* A flyer hovers at the child's shoulder. */
        px = fmin(px, 0.45 * L->hc);
        y = L->cy - L->hc * (o->size > 0.4 ? 0.4 : 0.8);
    } else if (o->place == ART_PLACE_WATER && st->underwater) {
        y = L->cy - L->hc * 0.35;
    } else if (o->place == ART_PLACE_WATER && st->indoor) {
        px *= 0.55; /* indoors, a whale or a boat is a toy */
    } else if (o->place == ART_PLACE_WATER && st->water) {
        /* Out in the sea beside the child on the shore (or the jetty),
         * or swimming with it. */
        if (strcmp(L->sc->action, "swimming") != 0)
            y = st->horizon + 0.08 * st->h;
        px *= 0.8;
    } else if (o->place == ART_PLACE_WATER) {
        sp->pond = 1;
    }
    lay_take(&L->front, x - w / 2, x + w / 2);
    sp->x = x;
    sp->y = y;
    sp->px = px;
}

static void
lay_companion_draw(struct lay *L, const struct lay_spot *sp, int index)
{
    double y = sp->y;
    if (sp->far || !sp->o)
        return;
    if (sp->pond) {
        lay_pond(L, sp->x, y, fmax(sp->px * sp->o->aspect * 1.2, 0.1 * L->st->w));
        y -= sp->px * 0.12;
    }
    lay_draw(L, "companion", sp->o, sp->x, y, sp->px, sp->x > L->cx,
             L->rng + 104729u * (uint32_t)index);
}

/* How far the child turns towards where it faces: on the move, pointing
 * or reaching a three-quarter view; standing, waving or sitting either
 * way, by the seed; lying, hugging, jumping and dancing face us. */
static double
lay_turn(const char *action, uint32_t *rng)
{
    static const struct {
        const char *action;
        double lo, hi;
    } turns[] = {
        {"walking", 0.8, 1},  {"running", 0.9, 1},  {"climbing", 0.7, 0.9},
        {"pointing", 0.6, 0.9}, {"reaching", 0.5, 0.8}, {"flying", 0.7, 1},
        {"swimming", 0.8, 1}, {"reading", 0, 0.4},  {"standing", 0, 0.7},
        {"waving", 0, 0.6},   {"sitting", 0, 0.7},
    };
    double r = art_rand(rng);
    for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++)
        if (strcmp(turns[i].action, action) == 0) {
            double t = turns[i].lo + (turns[i].hi - turns[i].lo) * r;
            return t < 0.2 ? 0 : t;
        }
    return 0;
}

/* The picture; cover: the book's cover layout. */
static cairo_surface_t *
art_builtin_compose(const struct art_character *c, const json_t *scene, const char *style,
                    int w, int h, unsigned seed, int cover, json_t *placed, double *band_top,
                    struct err *e)
{
    if (!c)
        return err_set(e, ERR_PERMANENT, "illustrator: no character"), NULL;
    if (w < 16 || h < 16 || w > 20000 || h > 20000)
        return err_set(e, ERR_PERMANENT, "illustrator: bad picture size %d×%d", w, h), NULL;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        err_set(e, ERR_TRANSIENT, "illustrator: cannot make a %d×%d picture: %s", w, h,
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    struct art_pen pen;
    if (art_pen_init(&pen, cr, art_style_from_name(style), w, h, seed) < 0) {
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        return err_set(e, ERR_TRANSIENT, "illustrator: out of memory"), NULL;
    }
    struct art_scene sc;
    art_scene_from_json(scene, &sc);
    struct art_stage st;
    memset(&st, 0, sizeof st);
    st.w = w;
    st.h = h;
    st.cover = cover;
    st.margin = 0.1 * (w < h ? w : h);
    /* The cover's title band is at the bottom too (the pdf stage sets it
     * below the face line): the child and its companions stand above it,
     * large and central, and the top quarter stays calm sky. */
    st.horizon = h * (cover ? 0.52 : 0.5);
    st.ground = h * (cover ? 0.74 : 0.7);

    struct lay L;
    memset(&L, 0, sizeof L);
    L.p = &pen;
    L.sc = &sc;
    L.st = &st;
    L.rng = seed * 2654435761u + 12345u;
    L.placed = json_is_array(placed) ? placed : NULL;
    L.hc = cover ? fmin(0.46 * h, 0.58 * w) : fmin(0.4 * h, 0.5 * w);
    static const double spots[] = {0.36, 0.5, 0.64};
    int sleeping = strcmp(sc.action, "sleeping") == 0;
    L.cx = w * (cover || sleeping ? 0.5 : spots[art_rand_u32(&L.rng) % 3]);
    L.cy = st.ground;
    if (strcmp(sc.action, "flying") == 0 ||
        (strcmp(sc.action, "swimming") == 0 && strcmp(sc.setting, "underwater") == 0))
        L.cy -= (cover ? 0.08 : 0.15) * h;
    /* The face above the text band: its chin in the upper 65%. */
    double chin = L.cy - art_child_face_height(sc.action) * L.hc + 0.2 * L.hc;
    if (chin > 0.65 * h)
        L.cy -= chin - 0.65 * h;
    L.half = art_child_half_width(sc.action) * L.hc;
    L.cx = fmin(fmax(L.cx, st.margin + L.half), w - st.margin - L.half);
    st.face_x = L.cx;
    st.face_y = L.cy - art_child_face_height(sc.action) * L.hc;
    st.face_r = 0.3 * L.hc;
    if (strcmp(sc.action, "sleeping") == 0 || strcmp(sc.action, "swimming") == 0)
        st.face_r = 0.6 * L.hc; /* a turned body: its face is off to one side */
    st.clear_x0 = L.cx - L.half;
    st.clear_x1 = L.cx + L.half;
    lay_take(&L.front, L.cx - L.half, L.cx + L.half);
    lay_take(&L.sky, L.cx - 0.25 * L.hc, L.cx + 0.25 * L.hc);

    for (int i = 0; i < sc.nobjects; i++)
        if (strcmp(sc.objects[i], "sun") == 0 || strcmp(sc.objects[i], "moon") == 0)
            st.sky_body = 1;
    /* Paper first: nothing is ever left as bare (black) canvas. */
    cairo_set_source_rgb(cr, 0.99, 0.98, 0.95);
    cairo_paint(cr);
    /* A second composition of every setting: the scenery mirrored (the
     * volcano, the window, the barn on the other side), around the same
     * clear place for the child. */
    int mirror = !cover && ((seed * 2654435761u) >> 17 & 1);
    double keep_x0 = st.clear_x0, keep_x1 = st.clear_x1;
    if (mirror) {
        cairo_save(cr);
        cairo_translate(cr, w, 0);
        cairo_scale(cr, -1, 1);
        st.clear_x0 = w - keep_x1;
        st.clear_x1 = w - keep_x0;
    }
    art_scenery_draw(&pen, &sc, &st, seed);
    if (mirror) {
        cairo_restore(cr);
        st.clear_x0 = keep_x0;
        st.clear_x1 = keep_x1;
    }

    struct art_child_extras extras = {0, 0, 0};
    extras.turn = lay_turn(sc.action, &L.rng);
    int reading = strcmp(sc.action, "reading") == 0;
    struct lay_spot spots_c[ART_MAX_COMPANIONS];
    for (int i = 0; i < sc.ncompanions; i++)
        lay_companion(&L, sc.companions[i], i, strcmp(sc.action, "hugging") == 0, &spots_c[i]);
    /* A river first: everything else stands on its banks. */
    for (int i = 0; i < sc.nobjects; i++)
        if (strcmp(art_object_find(sc.objects[i])->name, "river") == 0)
            lay_object(&L, sc.objects[i], i);
    /* Far and middle things first, then the sky, then the child's row. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < sc.nobjects; i++) {
            const struct art_object_info *o = art_object_find(sc.objects[i]);
            if (strcmp(o->name, "crown") == 0) {
                extras.crown = 1;
                continue;
            }
            if ((reading && strcmp(o->name, "book") == 0) || strcmp(o->name, "river") == 0)
                continue;
            if ((o->place != ART_PLACE_SMALL) == (pass == 0))
                lay_object(&L, sc.objects[i], i);
        }
        for (int i = 0; pass == 0 && i < sc.ncompanions; i++)
            if (spots_c[i].far)
                lay_object(&L, sc.companions[i], 10 + i);
    }
    int flip = 0;
    if (sc.ncompanions > 0 || sc.nobjects > 0) {
        /* Face the first thing the child is with (the companions' side). */
        int right_first = w - st.margin - L.cx > L.cx - st.margin;
        flip = !right_first;
    }
    /* Companions behind the child, but the first one in front of it (a
     * friend at its side), unless the child hugs it. */
    int hugging = strcmp(sc.action, "hugging") == 0;
    for (int i = sc.ncompanions - 1; i >= (hugging ? 0 : 1); i--)
        lay_companion_draw(&L, &spots_c[i], i);
    double light_k = pen.light_k;
    /* The hero keeps more of its own colours than the world around it. */
    pen.light_k *= 0.55;
    art_child_draw(&pen, c, sc.action, sc.mood, L.cx, L.cy, L.hc, flip, &extras);
    lay_report_box(&L, "child", "child", L.cx - L.half, L.cy - 1.05 * L.hc, L.cx + L.half,
                   L.cy + 0.02 * L.hc);
    if (L.placed) {
        json_t *me = json_array_get(L.placed, json_array_size(L.placed) - 1);
        json_object_set_new(me, "action", json_string(sc.action));
        json_object_set_new(me, "view", json_string(extras.turn > 0.5   ? "three-quarter"
                                                    : extras.turn > 0 ? "half-turned"
                                                                      : "front"));
    }
    {
        double fy = L.cy - art_child_face_height(sc.action) * L.hc;
        if (extras.crown)
            lay_report_box(&L, "crown", "worn", L.cx - 0.2 * L.hc, fy - 0.35 * L.hc,
                           L.cx + 0.2 * L.hc, fy - 0.05 * L.hc);
        if (reading)
            for (int i = 0; i < sc.nobjects; i++)
                if (strcmp(art_object_find(sc.objects[i])->name, "book") == 0)
                    lay_report_box(&L, "book", "held", L.cx - L.half, fy, L.cx + L.half, L.cy);
    }
    pen.light_k = light_k;
    if (strcmp(sc.action, "swimming") == 0 && st.water && !st.underwater)
        lay_waves(&L);
    if (sc.ncompanions > 0 && !hugging)
        lay_companion_draw(&L, &spots_c[0], 0);
    if (band_top) {
        /* The figures stand on their y (feet, paws): the band for the text
         * starts a little below the lowest of them. */
        double low = L.cy;
        for (int i = 0; i < sc.ncompanions; i++)
            if (!spots_c[i].far && spots_c[i].o)
                low = fmax(low, spots_c[i].y);
        *band_top = fmin(1.0, (low + 0.03 * L.hc) / h);
    }
    art_scenery_weather(&pen, &sc, &st, seed);
    art_pen_paper(&pen, w, h);

    art_pen_fini(&pen);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return err_set(e, cs == CAIRO_STATUS_NO_MEMORY ? ERR_TRANSIENT : ERR_PERMANENT,
                       "illustrator: drawing failed: %s", cairo_status_to_string(cs)),
               NULL;
    }
    cairo_surface_flush(s);
    return s;
}

cairo_surface_t *
art_builtin_draw(const struct art_character *c, const json_t *scene, const char *style, int w,
                 int h, unsigned seed, struct err *e)
{
    return art_builtin_compose(c, scene, style, w, h, seed, 0, NULL, NULL, e);
}

cairo_surface_t *
art_builtin_draw_cover(const struct art_character *c, const json_t *scene, const char *style,
                       int w, int h, unsigned seed, struct err *e)
{
    return art_builtin_compose(c, scene, style, w, h, seed, 1, NULL, NULL, e);
}

cairo_surface_t *
art_builtin_draw_report(const struct art_character *c, const json_t *scene, const char *style,
                        int w, int h, unsigned seed, int cover, json_t *placed, double *band_top,
                        struct err *e)
{
    return art_builtin_compose(c, scene, style, w, h, seed, cover, placed, band_top, e);
}
