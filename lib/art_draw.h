/*
 * art_draw.h — the inside of the built-in illustrator, shared by its files
 * and by nothing else:
 *
 *   art_pen.c      the style-aware drawing primitives (fill, stroke, paper)
 *   art_scenery.c  skies, settings, weather
 *   art_objects.c  every word of vocab_objects as a drawing
 *   art_child.c    the child: body, pose, face, hair, clothes
 *   art_builtin.c  the composition of one picture (layout, depth order)
 *
 * Every drawing goes through the pen: code builds a cairo path and hands it
 * to art_pen_fill() or art_pen_stroke(), which paint it as watercolour,
 * flat or crayon.  So one drawing of a cat serves every style.
 */
#ifndef STORYPRESS_ART_DRAW_H
#define STORYPRESS_ART_DRAW_H

#include <cairo.h>

#include "shape.h"
#include <jansson.h>
#include <stdint.h>

#include "art.h"
#include "err.h"

enum art_style { ART_STYLE_WATERCOLOUR, ART_STYLE_FLAT, ART_STYLE_CRAYON };

/* art_builtin_draw() with the cover's layout: the child large and central,
 * the top 30% calm for the title. */
cairo_surface_t *art_builtin_draw_cover(const struct art_character *c, const json_t *scene,
                                        const char *style, int w, int h, unsigned seed,
                                        struct err *e);

/* The style called name; unknown names give watercolour. */
enum art_style art_style_from_name(const char *name);

/* A colour, components in [0,1]. */
struct art_rgb {
    double r, g, b;
};

struct art_rgb art_hex(uint32_t rrggbb);
struct art_rgb art_mix(struct art_rgb a, struct art_rgb b, double t); /* t = 0: a */
struct art_rgb art_darker(struct art_rgb c, double k);                /* towards black */
struct art_rgb art_lighter(struct art_rgb c, double k);               /* towards white */

/* Deterministic randomness: every picture is a function of its seed. */
uint32_t art_rand_u32(uint32_t *state);
double art_rand(uint32_t *state);                       /* [0,1) */
double art_rand_in(uint32_t *state, double lo, double hi);

/* What a fill or stroke is, which decides how much style it gets. */
enum {
    ART_FG = 0,       /* a figure or a thing: outline, shadow, texture */
    ART_BG = 1,       /* the land and sky: texture, no outline, no shadow */
    ART_PLAIN = 2,    /* small details (eyes, mouths, highlights): solid in every style */
    ART_NOSHADOW = 4, /* a figure's part that must not cast a shadow (flat style) */
    ART_NOLIGHT = 8,  /* keeps its colour whatever the time of day (a glowing lamp) */
    ART_UNION = 16,   /* a path of overlapping pieces (curls, wool): outline only the outside */
};

struct art_pen {
    cairo_t *cr;
    enum art_style style;
    double u;           /* device pixels per scene unit: min(w, h) / 1000 */
    uint32_t rng;       /* jitter of strokes and washes */
    struct art_rgb light; /* the time of day's light, multiplied into colours ... */
    double light_k;       /* ... with this strength (0: none) */
    cairo_pattern_t *grain; /* crayon: dark wax streaks (a repeated tile), or NULL */
    cairo_pattern_t *paper; /* laid over the finished picture, or NULL (flat) */
};

/* Sets up a pen on cr for an image of w × h pixels; seed drives the jitter.
 * Returns -1 when the texture tile cannot be made (out of memory). */
int art_pen_init(struct art_pen *p, cairo_t *cr, enum art_style style, int w, int h,
                 uint32_t seed);
void art_pen_fini(struct art_pen *p);

/* The colour a fill with these flags really gets (the light applied). */
struct art_rgb art_pen_colour(const struct art_pen *p, struct art_rgb c, int flags);

/* Paints the current path (and clears it) in the pen's style. */
void art_pen_fill(struct art_pen *p, struct art_rgb c, int flags);
/* Same with a colour that lets the background through (alpha < 1). */
void art_pen_fill_alpha(struct art_pen *p, struct art_rgb c, double alpha, int flags);
/* Fills the current path with a gradient (skies, the sea): the paper
 * over the finished picture gives it the style's texture. */
void art_pen_fill_source(struct art_pen *p, cairo_pattern_t *src);
/* Strokes the current path as a line width user units wide, round ends. */
void art_pen_stroke(struct art_pen *p, struct art_rgb c, double width, int flags);
void art_pen_stroke_alpha(struct art_pen *p, struct art_rgb c, double alpha, double width,
                          int flags);

/* The paper over the finished picture: watercolour granulation, crayon tooth. */
void art_pen_paper(struct art_pen *p, int w, int h);

/* Path helpers (they add to the current path). */
void art_path_circle(cairo_t *cr, double x, double y, double r);
void art_path_ellipse(cairo_t *cr, double x, double y, double rx, double ry);
/* A soft irregular blob around (x, y): clouds, bushes, puddles. */
void art_path_blob(cairo_t *cr, uint32_t *rng, double x, double y, double rx, double ry,
                   double wobble);
/* A row of bumps along the top of a box: clouds, bushes, tree tops. */
void art_path_cloud(cairo_t *cr, uint32_t *rng, double x, double y, double w, double h);
/* A five-pointed star. */
void art_path_star(cairo_t *cr, double x, double y, double r_out, double r_in, double rot);
/* A heart, its point at the bottom. */
void art_path_heart(cairo_t *cr, double x, double y, double size);

/* One scene, its words checked, unknown ones replaced by a fallback. */
#define ART_MAX_COMPANIONS 3
#define ART_MAX_OBJECTS 4
struct art_scene {
    const char *setting, *time, *weather, *action, *mood;
    const char *companions[ART_MAX_COMPANIONS];
    const char *objects[ART_MAX_OBJECTS];
    int ncompanions, nobjects;
};

/* Reads a story.json scene object; never fails (missing words get defaults). */
void art_scene_from_json(const json_t *scene, struct art_scene *sc);

/* Where the land is, as the scenery drew it; everything else stands on it. */
struct art_stage {
    int w, h;
    double margin;    /* the safety margin (bleed + safe area), pixels */
    double horizon;   /* y of the far land's line */
    double ground;    /* y where the child's feet are */
    int cover;        /* the top 30% stays calm for the title */
    int indoor;       /* bedroom, home, school, library: a room with a window */
    int water;        /* the child is in or by deep water (ocean, underwater, beach, island) */
    int underwater;
    int floating;     /* space, sky: nothing needs to stand on anything */
    int night;        /* dark sky: moon and stars */
    int sky_body;     /* the scene brings its own sun or moon: the sky adds none */
    double clear_x0, clear_x1; /* where the child stands: no big props here */
    double face_x, face_y, face_r; /* rain, snow and leaves keep off the child's face */
};

/* The sky and the setting, back to front, up to (not including) the figures. */
void art_scenery_draw(struct art_pen *p, const struct art_scene *sc, struct art_stage *st,
                      uint32_t seed);
/* A castle with towers, its gate's foot at (x, y), s pixels tall (the
 * castle setting's, also the castle object). */
void art_scenery_castle(struct art_pen *p, double x, double y, double s);

/* A pine, its trunk's foot at (x, y), h pixels tall, snowy when snow (the
 * tree object in winter places). */
void art_scenery_pine(struct art_pen *p, double x, double y, double h, int snow);

/* What the weather puts in front of everything: rain, snowflakes, leaves. */
void art_scenery_weather(struct art_pen *p, const struct art_scene *sc,
                         const struct art_stage *st, uint32_t seed);

/* Where an object belongs. */
enum art_place {
    ART_PLACE_GROUND, /* stands beside the child: animals, vehicles, snowman */
    ART_PLACE_SMALL,  /* lies at the child's feet: ball, book, shell */
    ART_PLACE_FAR,    /* big and in the distance: castle, tree, tent */
    ART_PLACE_SKY,    /* flies or shines: bird, kite, sun, planet */
    ART_PLACE_WATER,  /* swims: fish, whale, boat (a pond when there is no sea) */
};

struct art_object_info {
    const char *name;
    double size;          /* height relative to the child's standing height */
    double aspect;        /* width / height of the drawing */
    enum art_place place;
};

/* The object called name, or the gift box that stands for unknown words. */
const struct art_object_info *art_object_find(const char *name);
int art_object_known(const char *name);

/* Draws the object with its feet (bottom centre) at (x, y), height px pixels,
 * mirrored when flip. */
void art_object_draw(struct art_pen *p, const struct art_object_info *obj, double x,
                     double y, double px, int flip, uint32_t seed);

/* The palette of the character's words. */
struct art_rgb art_skin_colour(const char *tone);
struct art_rgb art_hair_colour(const char *colour);
struct art_rgb art_eye_colour(const char *colour);
struct art_rgb art_cloth_colour(const char *colour);

/* The child, feet at (x, y), standing height px pixels, facing right unless
 * flip; the pose from action, the face from mood.  extras: what the child
 * holds or wears (a crown, a book). */
struct art_child_extras {
    int crown;
    int book;
    double turn; /* 0: facing us; 1: a three-quarter view towards the way it faces */
};
void art_child_draw(struct art_pen *p, const struct art_character *c, const char *action,
                    const char *mood, double x, double y, double px, int flip,
                    const struct art_child_extras *extras);

/* The child's face centre relative to its feet for a pose, in standing
 * heights (for the layout rule: the face stays above the text band). */
double art_child_face_height(const char *action);

/* Half the width the child takes in a pose, in standing heights (lying
 * down takes more room than standing). */
double art_child_half_width(const char *action);

#endif
