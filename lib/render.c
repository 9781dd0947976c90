/*
 * render.c — the print-ready book: interior.pdf and cover.pdf from the
 * order, story.json and art/ (see render.h; the rules and layouts are in
 * docs/pdf.md).
 *
 * The book is first planned as a list of page kinds (title, dedication,
 * story pages, ending, colophon), which gives geom_compute() the number of
 * pages to pad; then every page is drawn with cairo, the text fitted with
 * pango (render_text.c), the pictures embedded as their JPEG bytes
 * (render_jpeg.c).  One picture is loaded at a time and dropped after its
 * page, so memory does not grow with the page count.  Both files are
 * written under temporary names, synced, and renamed into place only when
 * both are complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "art.h"
#include "fsutil.h"
#include "geom.h"
#include "render.h"
#include "render_priv.h"
#include "shape.h"

#define RENDER_PT_PER_IN 72.0

/* The illustrator keeps the child's face in the upper part of every
 * picture: text bands stay below this fraction of the page's height. */
#define RENDER_FACE_ZONE 0.65

/* Lulu prints the barcode on the back cover's lower right: this much of
 * the back, from its trim corner, stays empty (inches). */
#define RENDER_BARCODE_W_IN 2.5
#define RENDER_BARCODE_H_IN 1.5

/* A spine may be cut up to 1/16 in off centre: spine text keeps clear. */
#define RENDER_SPINE_VARIANCE_IN 0.0625

struct rgb {
    double r, g, b;
};

#define RGB(hex)                                                                         \
    {                                                                                    \
        ((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, ((hex)&0xFF) / 255.0  \
    }

/* Calm colours that go with the cover's setting: a light ground for text
 * pages and the back cover, a deeper accent for the spine and ornaments. */
static const struct render_palette {
    const char *settings; /* space-separated scene.setting words */
    struct rgb ground, accent;
} render_palettes[] = {
    {"bedroom home library school", RGB(0xFBF3E4), RGB(0xC0583F)},
    {"garden park meadow forest jungle farm", RGB(0xF1F6E6), RGB(0x4E7A45)},
    {"volcano desert", RGB(0xFBEEDC), RGB(0xB8612E)},
    {"beach ocean underwater island", RGB(0xE9F4F6), RGB(0x2B7A96)},
    {"space moon sky", RGB(0xEDEBF7), RGB(0x47418A)},
    {"mountains snow", RGB(0xEEF3F8), RGB(0x4A6C8C)},
    {"castle city", RGB(0xF7ECF3), RGB(0x8A4A78)},
};
static const struct rgb render_ink = RGB(0x2F2A26);
static const struct rgb render_white = RGB(0xFFFFFF);

/* The words the renderer itself puts on pages, per language. */
static const struct render_words {
    const char *lang;
    const char *story_for;  /* "%s": the child's name */
    const char *printed_on; /* "%s": the date */
    const char *order;      /* "%s": the order id */
    const char *made_with;
    const char *months[12];
    const char *first_day; /* the 1st of a month, if the language says it apart */
    /* the pages a book gets when the binding asks for more (docs/pdf.md) */
    const char *belongs, *portrait, *draw_moment, *draw_next, *notes;
} render_words[] = {
    {"en",
     "A story for %s",
     "Printed on %s",
     "Order %s",
     "Made with storypress",
     {"January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"},
     NULL,
     "This book belongs to",
     "This is me",
     "Draw your favourite moment of the story",
     "Draw what happens next",
     "Notes and memories"},
    {"fr",
     "Une histoire pour %s",
     "Imprimé le %s",
     "Commande %s",
     "Fabriqué avec storypress",
     {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
      "septembre", "octobre", "novembre", "décembre"},
     "1er",
     "Ce livre appartient à",
     "Mon portrait",
     "Dessine ton moment préféré de l’histoire",
     "Dessine la suite de l’aventure",
     "Notes et souvenirs"},
};

enum render_kind {
    RK_TITLE,
    RK_DEDICATION,
    RK_STORY,         /* fullbleed: picture and text band */
    RK_STORY_TEXT,    /* facing: the text, on the left */
    RK_STORY_PICTURE, /* facing: the picture, on the right */
    RK_ENDING,
    RK_COLOPHON,
    RK_QUIET, /* the back of the title page in facing */
    /* Pages that fill the book to the binding's count (render_make_plan) */
    RK_BOOKPLATE, /* "This book belongs to…" */
    RK_PORTRAIT,  /* "This is me": a frame to draw oneself in */
    RK_DRAWING,   /* a frame to draw in, under a prompt */
    RK_NOTES,     /* ruled lines for notes and memories */
    RK_PAD,       /* a quiet page, if the plan ever falls short */
};

struct render_page {
    enum render_kind kind;
    int story; /* index into story.pages for the story kinds; the nth of a
                * kind for the pages that fill the book */
};

struct render_book {
    const struct config *cfg;
    const char *dir, *id, *child, *lang, *title, *dedication, *blurb, *ending;
    const char *trim, *binding, *layout;
    int age;
    const json_t *pages;
    size_t npages;
    const struct render_palette *pal;
    const struct render_words *words;
    double min_size;
    struct geom g;
    struct render_text rt;
    struct render_page *plan;
    int nplan;
    time_t when;
    cairo_surface_t *cover_art; /* shared by the title page, the cover and its back */
    json_t *art_layout; /* art/layout.json: the illustrator's text bands, or NULL */
};

/* ---- small drawing helpers ------------------------------------------------ */

/* Every colour is opaque: Lulu asks for PDFs without live transparency, so
 * what would be a translucent panel is a colour mixed in advance
 * (render_panel_colour). */
static void
render_colour(cairo_t *cr, struct rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* a mixed into b by the fraction t of a. */
static struct rgb
render_mix(struct rgb a, struct rgb b, double t)
{
    return (struct rgb){b.r + (a.r - b.r) * t, b.g + (a.g - b.g) * t,
                        b.b + (a.b - b.b) * t};
}

static void
render_star(cairo_t *cr, double cx, double cy, double r)
{
    for (int i = 0; i < 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5, rr = i % 2 ? r * 0.45 : r;
        if (i == 0)
            cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
        else
            cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
    }
    cairo_close_path(cr);
}

/* A quiet flourish: a star between two thin lines ending in dots. */
static void
render_ornament(cairo_t *cr, double cx, double cy, double width, struct rgb c)
{
    double r = width * 0.07, gap = r * 1.8, dot = width * 0.018;
    render_colour(cr, c);
    render_star(cr, cx, cy, r);
    cairo_fill(cr);
    cairo_set_line_width(cr, width * 0.012);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int side = -1; side <= 1; side += 2) {
        cairo_move_to(cr, cx + side * gap, cy);
        cairo_line_to(cr, cx + side * width / 2, cy);
        cairo_stroke(cr);
        cairo_arc(cr, cx + side * (width / 2 + dot * 2.2), cy, dot, 0, 2 * M_PI);
        cairo_fill(cr);
        render_star(cr, cx + side * (gap + (width / 2 - gap) * 0.45), cy, r * 0.42);
        cairo_fill(cr);
    }
}

static void
render_fill(cairo_t *cr, double x, double y, double w, double h, struct rgb c)
{
    render_colour(cr, c);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

/* Paints a picture at 300 dpi with its top left corner at (x, y). */
static void
render_picture(cairo_t *cr, cairo_surface_t *img, double x, double y)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, RENDER_PT_PER_IN / GEOM_DPI, RENDER_PT_PER_IN / GEOM_DPI);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* A picture in a round frame: the circle shows the part of the picture
 * around the child (upper middle), framed by a ring in the accent colour. */
static void
render_medallion(cairo_t *cr, cairo_surface_t *img, int iw, int ih, double cx, double cy,
                 double radius, struct rgb ring)
{
    double shown = (iw < ih ? iw : ih) * 0.8; /* pixels across the circle */
    double s = 2 * radius / shown;
    cairo_save(cr);
    /* A fresh path: a current point left by earlier text would join the
     * circle with a line, and that sliver of clip shows as a hairline. */
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, radius, 0, 2 * M_PI);
    cairo_clip(cr);
    cairo_translate(cr, cx - iw * 0.5 * s, cy - ih * 0.45 * s);
    cairo_scale(cr, s, s);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    /* The ring is painted over the clip's antialiased edge. */
    render_colour(cr, ring);
    cairo_set_line_width(cr, radius * 0.04);
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, radius, 0, 2 * M_PI);
    cairo_stroke(cr);
}

/* Draws a fitted layout horizontally at x (box of width w), top at y. */
static void
render_layout_at(cairo_t *cr, PangoLayout *l, double x, double y, struct rgb c)
{
    render_colour(cr, c);
    render_text_draw(cr, l, x, y);
}

/* ---- the order and the story ---------------------------------------------- */

static const char *
render_str(const json_t *obj, const char *a, const char *b)
{
    const json_t *v = json_object_get(obj, a);
    if (b)
        v = json_object_get(v, b);
    return json_string_value(v);
}

static int
render_read_input(struct render_book *bk, const json_t *order, const json_t *story,
                  struct err *e)
{
    bk->id = render_str(order, "order_id", NULL);
    bk->child = render_str(order, "child", "name");
    bk->lang = render_str(order, "book", "language");
    bk->trim = render_str(order, "book", "trim");
    bk->binding = render_str(order, "book", "binding");
    bk->age =
        (int)json_integer_value(json_object_get(json_object_get(order, "child"), "age"));
    if (!bk->id || !bk->child || !bk->lang || !bk->trim || !bk->binding)
        return err_set(e, ERR_PERMANENT,
                       "order.json: order_id, child.name, book.language, book.trim and "
                       "book.binding are required");
    bk->title = render_str(story, "title", NULL);
    bk->dedication = render_str(story, "dedication", NULL);
    bk->blurb = render_str(story, "blurb", NULL);
    bk->ending = render_str(story, "ending", NULL);
    bk->pages = json_object_get(story, "pages");
    if (!bk->title || !bk->dedication || !bk->blurb || !bk->ending ||
        !json_is_array(bk->pages) || json_array_size(bk->pages) == 0)
        return err_set(
            e, ERR_PERMANENT,
            "story.json: title, dedication, blurb, ending and pages are required");
    bk->npages = json_array_size(bk->pages);
    for (size_t i = 0; i < bk->npages; i++)
        if (!render_str(json_array_get(bk->pages, i), "text", NULL))
            return err_set(e, ERR_PERMANENT, "story.json: pages[%zu].text is missing", i);

    const char *setting = json_string_value(json_object_get(
        json_object_get(json_object_get(story, "cover"), "scene"), "setting"));
    bk->pal = &render_palettes[0];
    for (size_t i = 0; setting && i < sizeof render_palettes / sizeof render_palettes[0];
         i++) {
        const char *p = strstr(render_palettes[i].settings, setting);
        size_t n = strlen(setting);
        if (p && (p == render_palettes[i].settings || p[-1] == ' ') &&
            (p[n] == ' ' || !p[n]))
            bk->pal = &render_palettes[i];
    }
    bk->words = &render_words[0];
    for (size_t i = 0; i < sizeof render_words / sizeof render_words[0]; i++)
        if (strcmp(render_words[i].lang, bk->lang) == 0)
            bk->words = &render_words[i];
    return 0;
}

/* The page list of the chosen layout; sets nplan.  spare: how many pages
 * the binding asks for beyond the content (geom's padding), filled with
 * pages that belong in a book rather than left blank: with two or more, the
 * book opens with "This book belongs to…" and "This is me" (a pair, so that
 * the title stays on a right-hand page and facing spreads on left ones);
 * the rest go before the colophon, a page to draw in and a page for notes
 * in turn.  docs/pdf.md lists what each binding gets. */
static int
render_make_plan(struct render_book *bk, int spare, struct err *e)
{
    int facing = strcmp(bk->layout, "facing") == 0;
    if (!facing && strcmp(bk->layout, "fullbleed") != 0)
        return err_set(e, ERR_PERMANENT, "layout \"%s\": must be fullbleed or facing",
                       bk->layout);
    if (spare < 0 || spare > 1000)
        return err_set(e, ERR_PERMANENT, "page plan: %d pages to fill", spare);
    size_t cap = 8 + 2 * bk->npages + (size_t)spare;
    free(bk->plan);
    bk->plan = calloc(cap, sizeof *bk->plan);
    if (!bk->plan)
        return err_errno(e, ENOMEM, "page plan");
    int n = 0;
    if (spare >= 2) {
        bk->plan[n++].kind = RK_BOOKPLATE;
        bk->plan[n++].kind = RK_PORTRAIT;
        spare -= 2;
    }
    bk->plan[n++].kind = RK_TITLE;
    if (facing) {
        /* Story spreads must open on a left (even) page: the title's back
         * stays quiet and the dedication faces it. */
        bk->plan[n++].kind = RK_QUIET;
    }
    bk->plan[n++].kind = RK_DEDICATION;
    for (size_t i = 0; i < bk->npages; i++) {
        if (facing) {
            bk->plan[n] = (struct render_page){RK_STORY_TEXT, (int)i};
            n++;
            bk->plan[n] = (struct render_page){RK_STORY_PICTURE, (int)i};
            n++;
        } else {
            bk->plan[n] = (struct render_page){RK_STORY, (int)i};
            n++;
        }
    }
    bk->plan[n++].kind = RK_ENDING;
    for (int i = 0; i < spare; i++) {
        bk->plan[n] = (struct render_page){i % 2 ? RK_NOTES : RK_DRAWING, i / 2};
        n++;
    }
    bk->plan[n++].kind = RK_COLOPHON;
    bk->nplan = n;
    return 0;
}

/* The size a reader of that age reads comfortably (picture books set
 * 18-24 pt for young readers); never below the configured minimum. */
static double
render_story_size(const struct render_book *bk)
{
    double s = bk->age <= 4 ? 24 : bk->age <= 6 ? 22 : bk->age <= 8 ? 20 : 18;
    return s < bk->min_size ? bk->min_size : s;
}

/* The printing date in words of the book's language. */
static char *
render_date(const struct render_book *bk)
{
    struct tm tm;
    if (!gmtime_r(&bk->when, &tm))
        return g_strdup("");
    const struct render_words *w = bk->words;
    if (tm.tm_mday == 1 && w->first_day)
        return g_strdup_printf("%s %s %d", w->first_day, w->months[tm.tm_mon],
                               tm.tm_year + 1900);
    if (strcmp(w->lang, "en") == 0)
        return g_strdup_printf("%s %d, %d", w->months[tm.tm_mon], tm.tm_mday,
                               tm.tm_year + 1900);
    return g_strdup_printf("%d %s %d", tm.tm_mday, w->months[tm.tm_mon],
                           tm.tm_year + 1900);
}

/* ---- interior pages -------------------------------------------------------- */

/* The safe area of an interior page: trim less the safety margin. */
struct render_box {
    double x, y, w, h;
};

static struct render_box
render_safe(const struct geom *g)
{
    double inset = (g->bleed_in + g->safety_in) * RENDER_PT_PER_IN;
    return (struct render_box){inset, inset, g->page_w_pt - 2 * inset,
                               g->page_h_pt - 2 * inset};
}

/* The accent colour mixed into the ground: for quiet decoration. */
static struct rgb
render_pale(const struct render_book *bk, double amount)
{
    struct rgb a = bk->pal->accent, g = bk->pal->ground;
    return (struct rgb){g.r + (a.r - g.r) * amount, g.g + (a.g - g.g) * amount,
                        g.b + (a.b - g.b) * amount};
}

/* The text panel over a picture: opaque (no live transparency for the
 * printer), white with a little of the setting's light ground mixed in, the
 * tone a translucent white panel takes over a light picture. */
static struct rgb
render_panel_colour(const struct render_book *bk)
{
    return render_mix(render_white, bk->pal->ground, 0.6);
}

/* The ground of a page without a picture: the setting's light colour and
 * a thin rounded frame on the safety line, a small star at its top and
 * bottom, as storybooks frame their text pages. */
static void
render_quiet_ground(struct render_book *bk, cairo_t *cr)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_fill(cr, 0, 0, g->page_w_pt, g->page_h_pt, bk->pal->ground);
    struct rgb line = render_pale(bk, 0.35);
    double inset = -12; /* just outside the text's safe area, well inside the trim */
    render_colour(cr, line);
    cairo_set_line_width(cr, 1.2);
    shape_round_rect(cr, safe.x + inset, safe.y + inset, safe.w - 2 * inset,
                     safe.h - 2 * inset, 22);
    cairo_stroke(cr);
    for (int i = 0; i < 2; i++) {
        double cy = i ? safe.y + safe.h - inset : safe.y + inset;
        render_fill(cr, safe.x + safe.w / 2 - 14, cy - 3, 28, 6, bk->pal->ground);
        render_colour(cr, line);
        render_star(cr, safe.x + safe.w / 2, cy, 7);
        cairo_fill(cr);
    }
}

static char *
render_page_art_name(int story_index)
{
    return g_strdup_printf("art/page-%02d.jpg", story_index + 1);
}

/* Where the text may go over the picture art/name, as the top of the band
 * in points from the top of a picture h points high: the band the
 * illustrator reported in art/layout.json, or the default band under the
 * face zone (remote art: its prompt asks for that band to be left free). */
static double
render_band_top(const struct render_book *bk, const char *name, double h)
{
    const char *base = strncmp(name, "art/", 4) == 0 ? name + 4 : name;
    const json_t *band = json_object_get(
        json_object_get(json_object_get(bk->art_layout, "pages"), base), "text_band");
    const json_t *top = json_object_get(band, "top");
    double t = json_is_number(top) ? json_number_value(top) : RENDER_FACE_ZONE;
    /* never into the face zone, never off the picture */
    if (!(t >= RENDER_FACE_ZONE))
        t = RENDER_FACE_ZONE;
    if (t > 1)
        t = 1;
    return ceil(h * t);
}

/* A picture over the whole page and the text in a panel at the bottom,
 * inside the safety margin and inside the band the illustrator left free
 * (render_band_top). */
static int
render_story_fullbleed(struct render_book *bk, cairo_t *cr, int idx, struct err *e)
{
    const struct geom *g = &bk->g;
    char *name = render_page_art_name(idx);
    cairo_surface_t *img = render_jpeg_load(bk->dir, name, g->art_w_px, g->art_h_px, e);
    double top_limit = render_band_top(bk, name, g->page_h_pt);
    g_free(name);
    if (!img)
        return -1;
    render_picture(cr, img, 0, 0);
    cairo_surface_destroy(img);

    struct render_box safe = render_safe(g);
    double pad_x = 20, pad_y = 14;
    double bottom = safe.y + safe.h;
    char what[32];
    snprintf(what, sizeof what, "page %d", idx + 1);
    struct render_style st = {.size = render_story_size(bk),
                              .min_size = bk->min_size,
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    const char *text = render_str(json_array_get(bk->pages, idx), "text", NULL);
    PangoLayout *l = render_text_fit(&bk->rt, text, &st, safe.w - 2 * pad_x,
                                     bottom - top_limit - 2 * pad_y, what, e);
    double face_line = ceil(g->page_h_pt * RENDER_FACE_ZONE);
    if (!l && top_limit > face_line && e->kind == ERR_PERMANENT &&
        strstr(e->msg, "does not fit")) {
        /* A long text in a narrow band: the default band rather than a
         * failed book (the panel may then cover the figures' feet). */
        err_clear(e);
        l = render_text_fit(&bk->rt, text, &st, safe.w - 2 * pad_x,
                            bottom - face_line - 2 * pad_y, what, e);
    }
    if (!l)
        return -1;
    double tw, th;
    render_text_extent(l, &tw, &th);
    double band_h = th + 2 * pad_y;
    render_colour(cr, render_panel_colour(bk));
    shape_round_rect(cr, safe.x, bottom - band_h, safe.w, band_h, 16);
    cairo_fill(cr);
    render_layout_at(cr, l, safe.x + pad_x, bottom - band_h + pad_y, render_ink);
    g_object_unref(l);
    return 0;
}

/* facing: a calm page with the text in the middle and a flourish. */
static int
render_story_text(struct render_book *bk, cairo_t *cr, int idx, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);
    char what[32];
    snprintf(what, sizeof what, "page %d", idx + 1);
    struct render_style st = {.size = render_story_size(bk) * 1.25,
                              .min_size = bk->min_size,
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    const char *text = render_str(json_array_get(bk->pages, idx), "text", NULL);
    double orn = safe.w * 0.3;
    PangoLayout *l = render_text_fit(&bk->rt, text, &st, safe.w, safe.h - 70, what, e);
    if (!l)
        return -1;
    double tw, th;
    render_text_extent(l, &tw, &th);
    double y = safe.y + (safe.h - th - 40) / 2;
    render_layout_at(cr, l, safe.x, y, render_ink);
    render_ornament(cr, safe.x + safe.w / 2, y + th + 40, orn, bk->pal->accent);
    g_object_unref(l);
    return 0;
}

static int
render_story_picture(struct render_book *bk, cairo_t *cr, int idx, struct err *e)
{
    char *name = render_page_art_name(idx);
    cairo_surface_t *img =
        render_jpeg_load(bk->dir, name, bk->g.art_w_px, bk->g.art_h_px, e);
    g_free(name);
    if (!img)
        return -1;
    render_picture(cr, img, 0, 0);
    cairo_surface_destroy(img);
    return 0;
}

static int
render_title_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);

    double unit = fmin(safe.w, safe.h);
    double radius = unit * 0.24;
    double cy = safe.y + safe.h * 0.56;
    struct render_style ts = {.bold = 1,
                              .size = 40,
                              .min_size = fmin(18, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    double title_box_h = cy - radius - safe.y - unit * 0.06;
    PangoLayout *title = render_text_fit(&bk->rt, bk->title, &ts, safe.w * 0.92,
                                         title_box_h, "title page", e);
    if (!title)
        return -1;
    double tw, th;
    render_text_extent(title, &tw, &th);
    render_layout_at(cr, title, safe.x + safe.w * 0.04, safe.y + (title_box_h - th) / 2,
                     bk->pal->accent);
    double title_size = render_text_size(title);
    g_object_unref(title);

    render_medallion(cr, bk->cover_art, bk->g.art_w_px, bk->g.art_h_px,
                     safe.x + safe.w / 2, cy, radius, bk->pal->accent);

    char *line = g_strdup_printf(bk->words->story_for, bk->child);
    struct render_style ns = {.size = 22,
                              .min_size = fmin(14, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    /* The line under the title is never the larger of the two. */
    ns.size = fmin(ns.size, fmax(title_size * 0.6, fmin(ns.min_size, title_size)));
    ns.min_size = fmin(ns.min_size, ns.size);
    double ny = cy + radius + unit * 0.1;
    PangoLayout *nl = render_text_fit(&bk->rt, line, &ns, safe.w, safe.y + safe.h - ny,
                                      "title page", e);
    g_free(line);
    if (!nl)
        return -1;
    render_ornament(cr, safe.x + safe.w / 2, cy + radius + unit * 0.05, unit * 0.34,
                    bk->pal->accent);
    render_layout_at(cr, nl, safe.x, ny, render_ink);
    g_object_unref(nl);
    return 0;
}

/* Text centred on a quiet page, with a flourish above it. */
static int
render_centred_page(struct render_book *bk, cairo_t *cr, const char *text,
                    const struct render_style *st, struct rgb colour, double width_frac,
                    const char *what, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);
    double unit = fmin(safe.w, safe.h);
    PangoLayout *l =
        render_text_fit(&bk->rt, text, st, safe.w * width_frac, safe.h * 0.6, what, e);
    if (!l)
        return -1;
    double tw, th;
    render_text_extent(l, &tw, &th);
    /* The flourish and the text as one group, a little above the middle
     * where the eye expects the centre of a page. */
    double above = unit * 0.1;
    double y = safe.y + (safe.h - above - th) * 0.45 + above;
    render_ornament(cr, safe.x + safe.w / 2, y - above, unit * 0.3, bk->pal->accent);
    render_layout_at(cr, l, safe.x + safe.w * (1 - width_frac) / 2, y, colour);
    g_object_unref(l);
    return 0;
}

static int
render_dedication_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    struct render_style st = {.italic = 1,
                              .size = render_story_size(bk),
                              .min_size = bk->min_size,
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    char *text = bk->dedication[0] ? g_strdup(bk->dedication)
                                   : g_strdup_printf(bk->words->story_for, bk->child);
    int rc =
        render_centred_page(bk, cr, text, &st, render_ink, 0.75, "dedication page", e);
    g_free(text);
    return rc;
}

static int
render_ending_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    struct render_style st = {.bold = 1,
                              .size = 48,
                              .min_size = fmin(20, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    return render_centred_page(bk, cr, bk->ending, &st, bk->pal->accent, 0.9,
                               "ending page", e);
}

/* The colophon: what the book is, for whom, which order, when printed. */
static int
render_colophon_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_fill(cr, 0, 0, g->page_w_pt, g->page_h_pt, render_white);
    char *date = render_date(bk);
    char *for_line = g_strdup_printf(bk->words->story_for, bk->child);
    char *order_line = g_strdup_printf(bk->words->order, bk->id);
    char *printed = g_strdup_printf(bk->words->printed_on, date);
    char *text = g_strdup_printf("%s\n%s\n%s · %s\n%s", bk->title, for_line, order_line,
                                 printed, bk->words->made_with);
    struct render_style st = {.size = 11,
                              .min_size = 8,
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    PangoLayout *l =
        render_text_fit(&bk->rt, text, &st, safe.w, safe.h * 0.5, "colophon", e);
    g_free(date);
    g_free(for_line);
    g_free(order_line);
    g_free(printed);
    g_free(text);
    if (!l)
        return -1;
    double tw, th;
    render_text_extent(l, &tw, &th);
    double y = safe.y + safe.h - th;
    render_ornament(cr, safe.x + safe.w / 2, y - 22, fmin(safe.w, safe.h) * 0.2,
                    bk->pal->accent);
    render_layout_at(cr, l, safe.x, y, render_ink);
    g_object_unref(l);
    return 0;
}

/* A heading at the top of a quiet page, in the accent colour; *bottom is
 * the y under it. */
static int
render_heading(struct render_book *bk, cairo_t *cr, const char *text, double *bottom,
               struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    struct render_style st = {.bold = 1,
                              .size = 24,
                              .min_size = fmin(14, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    PangoLayout *l =
        render_text_fit(&bk->rt, text, &st, safe.w * 0.9, safe.h * 0.25, "extra page", e);
    if (!l)
        return -1;
    double w, h;
    render_text_extent(l, &w, &h);
    render_layout_at(cr, l, safe.x + safe.w * 0.05, safe.y + 10, bk->pal->accent);
    g_object_unref(l);
    *bottom = safe.y + 10 + h;
    return 0;
}

/* "This book belongs to…" with a line to write a name on. */
static int
render_bookplate_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);
    double unit = fmin(safe.w, safe.h);
    struct render_style st = {.italic = 1,
                              .size = 26,
                              .min_size = fmin(14, bk->min_size),
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    char *text = g_strdup_printf("%s…", bk->words->belongs);
    PangoLayout *l =
        render_text_fit(&bk->rt, text, &st, safe.w * 0.8, safe.h * 0.3, "bookplate", e);
    g_free(text);
    if (!l)
        return -1;
    double tw, th;
    render_text_extent(l, &tw, &th);
    double y = safe.y + safe.h * 0.38 - th;
    render_ornament(cr, safe.x + safe.w / 2, y - unit * 0.1, unit * 0.3, bk->pal->accent);
    render_layout_at(cr, l, safe.x + safe.w * 0.1, y, render_ink);
    g_object_unref(l);
    /* the line to write on, between two small stars */
    double ly = safe.y + safe.h * 0.56, half = safe.w * 0.32;
    render_colour(cr, render_pale(bk, 0.6));
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, safe.x + safe.w / 2 - half, ly);
    cairo_line_to(cr, safe.x + safe.w / 2 + half, ly);
    cairo_stroke(cr);
    for (int side = -1; side <= 1; side += 2) {
        render_star(cr, safe.x + safe.w / 2 + side * (half + 10), ly, 5);
        cairo_fill(cr);
    }
    return 0;
}

/* A prompt and a frame to draw in; portrait: a round-cornered frame a
 * little taller than wide, as for a picture of oneself. */
static int
render_drawing_page(struct render_book *bk, cairo_t *cr, const char *prompt, int portrait,
                    struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);
    double top;
    if (render_heading(bk, cr, prompt, &top, e) < 0)
        return -1;
    double room_h = safe.y + safe.h - 16 - (top + 22);
    double fw = safe.w * 0.9, fh = room_h;
    if (portrait) {
        fh = fmin(room_h, safe.w * 0.9);
        fw = fh * 0.8;
    }
    double fx = safe.x + (safe.w - fw) / 2, fy = top + 22 + (room_h - fh) / 2;
    render_fill(cr, fx, fy, fw, fh, render_white);
    render_colour(cr, render_pale(bk, 0.5));
    cairo_set_line_width(cr, 2);
    shape_round_rect(cr, fx, fy, fw, fh, portrait ? fw * 0.2 : 14);
    cairo_stroke(cr);
    return 0;
}

/* Ruled lines for notes, under a heading. */
static int
render_notes_page(struct render_book *bk, cairo_t *cr, struct err *e)
{
    const struct geom *g = &bk->g;
    struct render_box safe = render_safe(g);
    render_quiet_ground(bk, cr);
    double top;
    if (render_heading(bk, cr, bk->words->notes, &top, e) < 0)
        return -1;
    render_colour(cr, render_pale(bk, 0.45));
    cairo_set_line_width(cr, 1);
    double step = 30; /* a child's handwriting needs wide lines */
    for (double y = top + 20 + step; y <= safe.y + safe.h - 16; y += step) {
        cairo_move_to(cr, safe.x + safe.w * 0.04, y);
        cairo_line_to(cr, safe.x + safe.w * 0.96, y);
    }
    cairo_stroke(cr);
    return 0;
}

static void
render_pad_page(struct render_book *bk, cairo_t *cr)
{
    const struct geom *g = &bk->g;
    render_fill(cr, 0, 0, g->page_w_pt, g->page_h_pt, render_white);
    /* A small star says the page is blank on purpose, not a misprint. */
    struct rgb soft = {bk->pal->accent.r * 0.35 + 0.65, bk->pal->accent.g * 0.35 + 0.65,
                       bk->pal->accent.b * 0.35 + 0.65};
    render_colour(cr, soft);
    render_star(cr, g->page_w_pt / 2, g->page_h_pt / 2, 6);
    cairo_fill(cr);
}

/* ---- writing a PDF ------------------------------------------------------------ */

struct render_out {
    char *tmp, *final;
    FILE *f;
    int errnum;  /* the first write error */
    size_t held; /* bytes of the page group matched at the end of the last write */
};

/* cairo declares every page a transparency group, whether or not anything
 * on it is transparent, and has no option to leave it out.  Lulu asks for
 * flat files and preflight tools count that declaration as transparency, so
 * the bytes below (exactly as cairo 1.16 writes them into each page
 * dictionary) are replaced, as they stream past, by as many spaces: the
 * offsets of the cross-reference table stay right and the page is a plain
 * page.  Nothing on our pages needs a group: every colour is opaque.
 * tests/integ/pdf_flat.sh checks the result with qpdf. */
static const char render_page_group[] = "/Group <<\n"
                                        "      /Type /Group\n"
                                        "      /S /Transparency\n"
                                        "      /I true\n"
                                        "      /CS /DeviceRGB\n"
                                        "   >>";
#define RENDER_PAGE_GROUP_LEN (sizeof render_page_group - 1)

static int
render_out_put(struct render_out *o, const void *data, size_t len)
{
    if (len && fwrite(data, 1, len, o->f) != len) {
        o->errnum = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

static int
render_out_blank(struct render_out *o)
{
    char spaces[RENDER_PAGE_GROUP_LEN];
    memset(spaces, ' ', sizeof spaces);
    return render_out_put(o, spaces, sizeof spaces);
}

/* The held prefix did not go on: write out what cannot start a match and
 * keep the longest tail that still could (a '/' inside the prefix). */
static int
render_out_release(struct render_out *o)
{
    const char *h = render_page_group;
    size_t j = 1;
    for (; j < o->held; j++)
        if (h[j] == '/' && memcmp(h + j, h, o->held - j) == 0)
            break;
    if (render_out_put(o, h, j) < 0)
        return -1;
    o->held -= j < o->held ? j : o->held;
    return 0;
}

static cairo_status_t
render_out_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct render_out *o = closure;
    const char *p = (const char *)data, *end = p + len;
    if (o->errnum)
        return CAIRO_STATUS_WRITE_ERROR;
    while (p < end) {
        if (o->held) {
            /* a match begun in an earlier write: does it go on? */
            size_t want = RENDER_PAGE_GROUP_LEN - o->held, have = (size_t)(end - p);
            size_t n = want < have ? want : have;
            if (memcmp(p, render_page_group + o->held, n) == 0) {
                o->held += n;
                p += n;
                if (o->held == RENDER_PAGE_GROUP_LEN) {
                    o->held = 0;
                    if (render_out_blank(o) < 0)
                        return CAIRO_STATUS_WRITE_ERROR;
                }
                continue;
            }
            if (render_out_release(o) < 0)
                return CAIRO_STATUS_WRITE_ERROR;
            continue;
        }
        const char *hit =
            memmem(p, (size_t)(end - p), render_page_group, RENDER_PAGE_GROUP_LEN);
        if (hit) {
            if (render_out_put(o, p, (size_t)(hit - p)) < 0 || render_out_blank(o) < 0)
                return CAIRO_STATUS_WRITE_ERROR;
            p = hit + RENDER_PAGE_GROUP_LEN;
            continue;
        }
        /* No whole match: the write may still end inside one. */
        const char *q = end - p > (ptrdiff_t)RENDER_PAGE_GROUP_LEN
                            ? end - RENDER_PAGE_GROUP_LEN + 1
                            : p;
        for (; q < end; q++)
            if (*q == '/' && memcmp(q, render_page_group, (size_t)(end - q)) == 0)
                break;
        if (render_out_put(o, p, (size_t)(q - p)) < 0)
            return CAIRO_STATUS_WRITE_ERROR;
        o->held = (size_t)(end - q);
        break;
    }
    return CAIRO_STATUS_SUCCESS;
}

static int
render_out_open(struct render_out *o, const char *dir, const char *name, struct err *e)
{
    o->final = fsu_join(dir, name);
    o->tmp = g_strdup_printf("%s.tmp", o->final);
    o->errnum = 0;
    o->held = 0;
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return err_errno(e, errno, "%s: cannot create", o->tmp);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int saved = errno;
        close(fd);
        unlink(o->tmp);
        return err_errno(e, saved, "%s: cannot open", o->tmp);
    }
    return 0;
}

/* Flushes and syncs the temporary file; -1 (and the file removed) on error. */
static int
render_out_close(struct render_out *o, struct err *e)
{
    if (o->f && o->held && !o->errnum) {
        /* the file ended inside a possible match: those bytes were real */
        if (render_out_put(o, render_page_group, o->held) == 0)
            o->held = 0;
    }
    int errnum = o->errnum;
    if (o->f) {
        if (fflush(o->f) != 0 && !errnum)
            errnum = errno;
        if (!errnum && fsync(fileno(o->f)) != 0)
            errnum = errno;
        if (fclose(o->f) != 0 && !errnum)
            errnum = errno;
        o->f = NULL;
    }
    if (errnum) {
        unlink(o->tmp);
        return err_errno(e, errnum, "%s: cannot write", o->tmp);
    }
    return 0;
}

static void
render_out_free(struct render_out *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        unlink(o->tmp);
    }
    free(o->final);
    g_free(o->tmp);
    o->final = o->tmp = NULL;
}

static int
render_cairo_ok(cairo_t *cr, cairo_surface_t *s, struct render_out *o, const char *what,
                struct err *e)
{
    cairo_status_t st = cr ? cairo_status(cr) : CAIRO_STATUS_SUCCESS;
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        return 0;
    if (st == CAIRO_STATUS_WRITE_ERROR && o->errnum)
        return err_errno(e, o->errnum, "%s: cannot write", o->tmp);
    return err_set(e, st == CAIRO_STATUS_NO_MEMORY ? ERR_TRANSIENT : ERR_PERMANENT,
                   "%s: cairo: %s", what, cairo_status_to_string(st));
}

static cairo_surface_t *
render_pdf_new(struct render_book *bk, struct render_out *o, double w, double h,
               const char *subject)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(render_out_write, o, w, h);
    char date[40];
    struct tm tm;
    if (gmtime_r(&bk->when, &tm) &&
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm))
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, bk->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, "storypress");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "storypress");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subject);
    return s;
}

/* Ends a PDF: the context goes, the surface is finished (which writes the
 * file) and checked, unless an earlier step failed already (rc). */
static int
render_pdf_close(cairo_t *cr, cairo_surface_t *s, struct render_out *o, const char *name,
                 int rc, struct err *e)
{
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (rc == 0)
        rc = render_cairo_ok(NULL, s, o, name, e);
    cairo_surface_destroy(s);
    return rc;
}

static int
render_interior(struct render_book *bk, struct render_out *o, struct err *e)
{
    const struct geom *g = &bk->g;
    cairo_surface_t *s = render_pdf_new(bk, o, g->page_w_pt, g->page_h_pt, "interior");
    cairo_t *cr = cairo_create(s);
    int rc = render_cairo_ok(cr, s, o, "interior.pdf", e);
    for (int i = 0; rc == 0 && i < g->interior_pages; i++) {
        struct render_page p =
            i < bk->nplan ? bk->plan[i] : (struct render_page){RK_PAD, 0};
        cairo_save(cr);
        switch (p.kind) {
        case RK_TITLE:
            rc = render_title_page(bk, cr, e);
            break;
        case RK_DEDICATION:
            rc = render_dedication_page(bk, cr, e);
            break;
        case RK_STORY:
            rc = render_story_fullbleed(bk, cr, p.story, e);
            break;
        case RK_STORY_TEXT:
            rc = render_story_text(bk, cr, p.story, e);
            break;
        case RK_STORY_PICTURE:
            rc = render_story_picture(bk, cr, p.story, e);
            break;
        case RK_ENDING:
            rc = render_ending_page(bk, cr, e);
            break;
        case RK_COLOPHON:
            rc = render_colophon_page(bk, cr, e);
            break;
        case RK_QUIET:
            render_fill(cr, 0, 0, g->page_w_pt, g->page_h_pt, render_white);
            break;
        case RK_BOOKPLATE:
            rc = render_bookplate_page(bk, cr, e);
            break;
        case RK_PORTRAIT:
            rc = render_drawing_page(bk, cr, bk->words->portrait, 1, e);
            break;
        case RK_DRAWING:
            rc = render_drawing_page(
                bk, cr, p.story % 2 ? bk->words->draw_next : bk->words->draw_moment, 0,
                e);
            break;
        case RK_NOTES:
            rc = render_notes_page(bk, cr, e);
            break;
        case RK_PAD:
            render_pad_page(bk, cr);
            break;
        }
        cairo_restore(cr);
        if (rc == 0) {
            cairo_show_page(cr);
            rc = render_cairo_ok(cr, s, o, "interior.pdf", e);
        }
    }
    return render_pdf_close(cr, s, o, "interior.pdf", rc, e);
}

/* ---- the cover ------------------------------------------------------------------ */

/* The front: the cover picture, and the title with the child's name in a
 * band at the bottom (below the face zone, inside the safety margin). */
static int
render_cover_front(struct render_book *bk, cairo_t *cr, double fx, struct err *e)
{
    const struct geom *g = &bk->g;
    double bleed = g->bleed_in * RENDER_PT_PER_IN,
           safety = g->safety_in * RENDER_PT_PER_IN;
    double tw = g->trim_w_in * RENDER_PT_PER_IN;
    /* The picture has bleed on both sides: its left bleed runs under the
     * spine panel, its right bleed is the cover's. */
    render_picture(cr, bk->cover_art,
                   g->cover_w_pt - g->art_w_px * RENDER_PT_PER_IN / GEOM_DPI, 0);

    double x = fx + safety, w = tw - 2 * safety;
    double bottom = g->cover_h_pt - bleed - safety;
    double top_limit = render_band_top(bk, "cover.jpg", g->cover_h_pt);
    double pad_x = 22, pad_y = 16, gap = 8;
    char *line = g_strdup_printf(bk->words->story_for, bk->child);
    struct render_style ns = {.size = 22,
                              .min_size = fmin(14, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    struct render_style ts = {.bold = 1,
                              .size = 40,
                              .min_size = fmin(18, bk->min_size),
                              .spacing = 0.9,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    /* The title first, with room kept for the line under it at that
     * line's smallest size; then the line, never larger than the title. */
    double room = bottom - top_limit - 2 * pad_y - gap;
    struct render_style small = ns;
    small.size = ns.min_size;
    PangoLayout *nl =
        render_text_fit(&bk->rt, line, &small, w - 2 * pad_x, room, "cover", e);
    if (!nl) {
        g_free(line);
        return -1;
    }
    double nw, nh;
    render_text_extent(nl, &nw, &nh);
    g_object_unref(nl);
    PangoLayout *tl =
        render_text_fit(&bk->rt, bk->title, &ts, w - 2 * pad_x, room - nh, "cover", e);
    if (!tl) {
        g_free(line);
        return -1;
    }
    double ttw, tth;
    render_text_extent(tl, &ttw, &tth);
    double title_size = render_text_size(tl);
    ns.size = fmin(ns.size, title_size * 0.6);
    if (ns.size < ns.min_size)
        ns.size = fmin(ns.min_size, title_size);
    ns.min_size = fmin(ns.min_size, ns.size);
    nl = render_text_fit(&bk->rt, line, &ns, w - 2 * pad_x, room - tth, "cover", e);
    g_free(line);
    if (!nl) {
        g_object_unref(tl);
        return -1;
    }
    render_text_extent(nl, &nw, &nh);
    double band_h = tth + gap + nh + 2 * pad_y;
    render_colour(cr, render_panel_colour(bk));
    shape_round_rect(cr, x, bottom - band_h, w, band_h, 18);
    cairo_fill(cr);
    render_layout_at(cr, tl, x + pad_x, bottom - band_h + pad_y, bk->pal->accent);
    render_layout_at(cr, nl, x + pad_x, bottom - pad_y - nh, render_ink);
    g_object_unref(tl);
    g_object_unref(nl);
    return 0;
}

/* The back: the blurb in a calm box, a small round picture under it, the
 * maker's line at the bottom left; the lower right stays empty for the
 * printer's barcode. */
static int
render_cover_back(struct render_book *bk, cairo_t *cr, struct err *e)
{
    const struct geom *g = &bk->g;
    double bleed = g->bleed_in * RENDER_PT_PER_IN,
           safety = g->safety_in * RENDER_PT_PER_IN;
    double tw = g->trim_w_in * RENDER_PT_PER_IN, th = g->trim_h_in * RENDER_PT_PER_IN;
    double x = bleed + safety, y = bleed + safety, w = tw - 2 * safety,
           h = th - 2 * safety;
    double barcode_top = bleed + th - RENDER_BARCODE_H_IN * RENDER_PT_PER_IN;
    double pad = 22, gap = 24;
    struct render_style st = {
        .size = 17, .min_size = bk->min_size, .spacing = 1.0, .align = PANGO_ALIGN_LEFT};
    /* The blurb may take what is above the barcode, less a small picture. */
    double min_radius = 0.45 * RENDER_PT_PER_IN;
    PangoLayout *l = render_text_fit(&bk->rt, bk->blurb, &st, w - 2 * pad,
                                     barcode_top - y - 2 * pad - 2 * gap - 2 * min_radius,
                                     "back cover", e);
    if (!l)
        return -1;
    double bw, bh;
    render_text_extent(l, &bw, &bh);
    double box_h = bh + 2 * pad;
    render_colour(cr, render_white);
    shape_round_rect(cr, x, y, w, box_h, 16);
    cairo_fill(cr);
    render_layout_at(cr, l, x + pad, y + pad, render_ink);
    g_object_unref(l);

    double room = barcode_top - (y + box_h) - 2 * gap;
    double radius = fmin(room / 2, fmin(w, h) * 0.2);
    if (radius >= min_radius)
        render_medallion(cr, bk->cover_art, bk->g.art_w_px, bk->g.art_h_px, x + w / 2,
                         y + box_h + gap + room / 2, radius, bk->pal->accent);

    struct render_style ms = {
        .size = 10, .min_size = 7, .spacing = 1.0, .align = PANGO_ALIGN_LEFT};
    double mw = w - RENDER_BARCODE_W_IN * RENDER_PT_PER_IN;
    PangoLayout *ml =
        render_text_fit(&bk->rt, bk->words->made_with, &ms, mw, 40, "back cover", e);
    if (!ml)
        return -1;
    double mww, mh;
    render_text_extent(ml, &mww, &mh);
    render_layout_at(cr, ml, x, y + h - mh, bk->pal->accent);
    g_object_unref(ml);
    return 0;
}

/* The spine: the accent colour, and when it is wide enough the title and
 * the child's name reading top to bottom. */
static int
render_cover_spine(struct render_book *bk, cairo_t *cr, double sx, struct err *e)
{
    const struct geom *g = &bk->g;
    double sw = g->spine_in * RENDER_PT_PER_IN;
    render_fill(cr, sx, 0, sw, g->cover_h_pt, bk->pal->accent);
    if (!g->spine_text)
        return 0;
    double th = g->trim_h_in * RENDER_PT_PER_IN, safety = g->safety_in * RENDER_PT_PER_IN;
    double across = sw - 2 * RENDER_SPINE_VARIANCE_IN * RENDER_PT_PER_IN;
    double along = th - 2 * safety;
    struct render_style st = {.bold = 1,
                              .size = fmin(14, across * 0.7),
                              .min_size = 5,
                              .spacing = 1.0,
                              .align = PANGO_ALIGN_CENTER,
                              .balance = 1};
    char *text = g_strdup_printf("%s  ·  %s", bk->title, bk->child);
    PangoLayout *l = render_text_fit(&bk->rt, text, &st, along, across, "spine", e);
    g_free(text);
    if (!l && e && strstr(e->msg, "does not fit")) {
        /* A long title on a thin spine: the title alone, or nothing. */
        err_clear(e);
        l = render_text_fit(&bk->rt, bk->title, &st, along, across, "spine", e);
        if (!l && e && strstr(e->msg, "does not fit")) {
            err_clear(e);
            return 0;
        }
    }
    if (!l)
        return -1;
    double lw, lh;
    render_text_extent(l, &lw, &lh);
    cairo_save(cr);
    cairo_translate(cr, sx + sw / 2, g->cover_h_pt / 2);
    cairo_rotate(cr, M_PI / 2);
    render_layout_at(cr, l, -along / 2, -lh / 2, render_white);
    cairo_restore(cr);
    g_object_unref(l);
    return 0;
}

/* A casewrap's wrap (the margin of the sheet around the spread, folded
 * round the boards): the back's ground runs on (the caller fills the whole
 * sheet), the spine's colour runs to the top and bottom edges, and the
 * front picture is mirrored across its top, bottom and outer edges, so that
 * the edge of the board shows the picture going on, not a band of colour.
 * The mirrors draw the one embedded JPEG again, clipped. */
static void
render_cover_wrap(struct render_book *bk, cairo_t *cr)
{
    const struct geom *g = &bk->g;
    double wrap = g->wrap_in * RENDER_PT_PER_IN, bleed = g->bleed_in * RENDER_PT_PER_IN;
    double pw = g->art_w_px * RENDER_PT_PER_IN / GEOM_DPI, ph = g->cover_h_pt;
    double x0 = wrap + g->cover_w_pt - pw, xr = wrap + g->cover_w_pt, y0 = wrap;
    /* columns: the picture's own, then past its outer edge; rows: above,
     * level with it, below. */
    const double cx[2][2] = {{x0, xr}, {xr, g->sheet_w_pt}};
    const double ry[3][2] = {{0, y0}, {y0, y0 + ph}, {y0 + ph, g->sheet_h_pt}};
    for (int c = 0; c < 2; c++)
        for (int r = 0; r < 3; r++) {
            if (c == 0 && r == 1)
                continue; /* the picture itself, drawn with the front */
            cairo_save(cr);
            cairo_rectangle(cr, cx[c][0], ry[r][0], cx[c][1] - cx[c][0],
                            ry[r][1] - ry[r][0]);
            cairo_clip(cr);
            /* a reflection across x = xr, and across y = y0 or y0 + ph */
            if (c == 1) {
                cairo_translate(cr, 2 * xr, 0);
                cairo_scale(cr, -1, 1);
            }
            if (r != 1) {
                cairo_translate(cr, 0, 2 * (r == 0 ? y0 : y0 + ph));
                cairo_scale(cr, 1, -1);
            }
            render_picture(cr, bk->cover_art, x0, y0);
            cairo_restore(cr);
        }
    render_fill(cr, wrap + bleed + g->trim_w_in * RENDER_PT_PER_IN, 0,
                g->spine_in * RENDER_PT_PER_IN, g->sheet_h_pt, bk->pal->accent);
}

static int
render_cover(struct render_book *bk, struct render_out *o, struct err *e)
{
    const struct geom *g = &bk->g;
    double bleed = g->bleed_in * RENDER_PT_PER_IN, tw = g->trim_w_in * RENDER_PT_PER_IN;
    double spine = g->spine_in * RENDER_PT_PER_IN, wrap = g->wrap_in * RENDER_PT_PER_IN;
    /* The page is the sheet; the panels are laid out on the spread inside
     * it, as on a paperback's cover. */
    cairo_surface_t *s = render_pdf_new(bk, o, g->sheet_w_pt, g->sheet_h_pt, "cover");
    cairo_t *cr = cairo_create(s);
    int rc = render_cairo_ok(cr, s, o, "cover.pdf", e);
    if (rc == 0) {
        render_fill(cr, 0, 0, g->sheet_w_pt, g->sheet_h_pt, bk->pal->ground);
        if (wrap > 0)
            render_cover_wrap(bk, cr);
        cairo_translate(cr, wrap, wrap);
        rc = render_cover_front(bk, cr, bleed + tw + spine, e);
    }
    if (rc == 0)
        rc = render_cover_spine(bk, cr, bleed + tw, e);
    if (rc == 0)
        rc = render_cover_back(bk, cr, e);
    if (rc == 0) {
        cairo_identity_matrix(cr);
        cairo_show_page(cr);
        rc = render_cairo_ok(cr, s, o, "cover.pdf", e);
    }
    return render_pdf_close(cr, s, o, "cover.pdf", rc, e);
}

/* ---- the book ------------------------------------------------------------------- */

/* art/layout.json, when the illustrator wrote one (art.h: ART_LAYOUT_FILE);
 * none is no error (remote art), a file that does not parse is. */
static int
render_load_layout(struct render_book *bk, struct err *e)
{
    char *path = g_strdup_printf("%s/art/%s", bk->dir, ART_LAYOUT_FILE);
    char *data = NULL;
    size_t len = 0;
    int rc = 0;
    if (access(path, F_OK) == 0) {
        rc = fsu_read_file(AT_FDCWD, path, 1024 * 1024, &data, &len, e);
        if (rc == 0) {
            json_error_t je;
            bk->art_layout = json_loadb(data, len, 0, &je);
            if (!json_is_object(bk->art_layout))
                rc = err_set(e, ERR_PERMANENT, "art/%s: line %d: %s", ART_LAYOUT_FILE,
                             je.line, bk->art_layout ? "not an object" : je.text);
        } else if (e->kind == ERR_INVALID) {
            e->kind = ERR_PERMANENT;
        }
    }
    free(data);
    g_free(path);
    return rc;
}

/* The printing time: now, or SOURCE_DATE_EPOCH when set, so that a
 * rebuild of the same order can give the same bytes. */
static time_t
render_when(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (!errno && !*end && v >= 0)
            return (time_t)v;
    }
    return time(NULL);
}

int
render_book(const struct config *cfg, const json_t *order, const json_t *story,
            const char *dir, struct err *e)
{
    struct render_book bk = {.cfg = cfg, .dir = dir};
    struct render_out interior = {0}, cover = {0};
    int rc = -1;
    if (render_read_input(&bk, order, story, e) < 0)
        goto out;
    bk.layout = config_str(cfg, "layout");
    bk.min_size = config_double(cfg, "min_font_size");
    if (!(bk.min_size >= 4 && bk.min_size <= 72)) {
        err_set(e, ERR_PERMANENT, "min_font_size: %g pt is not a sensible text size",
                bk.min_size);
        goto out;
    }
    bk.when = render_when();
    if (render_make_plan(&bk, 0, e) < 0)
        goto out;
    if (geom_compute(bk.trim, bk.binding, bk.nplan, &bk.g, e) < 0)
        goto out;
    /* The binding's count reached with pages of a book, not blank ones. */
    if (bk.g.interior_pages > bk.nplan &&
        render_make_plan(&bk, bk.g.interior_pages - bk.nplan, e) < 0)
        goto out;
    if (render_text_init(&bk.rt, config_str(cfg, "font"), bk.lang, bk.child, e) < 0)
        goto out;
    /* The name is on the cover and on most pages: a character no font has
     * fails the book at once, in words that say where. */
    struct render_style name_style = {
        .size = 20, .min_size = 20, .align = PANGO_ALIGN_LEFT};
    PangoLayout *name_check =
        render_text_fit(&bk.rt, bk.child, &name_style, 1e5, 1e5, "cover", e);
    if (!name_check)
        goto fini;
    g_object_unref(name_check);
    if (render_load_layout(&bk, e) < 0)
        goto fini;
    bk.cover_art =
        render_jpeg_load(dir, "art/cover.jpg", bk.g.art_w_px, bk.g.art_h_px, e);
    if (!bk.cover_art)
        goto fini;
    if (render_out_open(&interior, dir, "interior.pdf", e) < 0)
        goto fini;
    if (render_interior(&bk, &interior, e) < 0 || render_out_close(&interior, e) < 0)
        goto fini;
    if (render_out_open(&cover, dir, "cover.pdf", e) < 0)
        goto fini;
    if (render_cover(&bk, &cover, e) < 0 || render_out_close(&cover, e) < 0)
        goto fini;
    /* Both complete and on disk: only now do they take their real names. */
    if (rename(interior.tmp, interior.final) < 0) {
        err_errno(e, errno, "%s: cannot rename into place", interior.final);
        goto fini;
    }
    if (rename(cover.tmp, cover.final) < 0) {
        err_errno(e, errno, "%s: cannot rename into place", cover.final);
        goto fini;
    }
    if (fsu_fsync_dir(dir, e) < 0)
        goto fini;
    rc = 0;
fini:
    if (rc < 0) {
        if (interior.tmp)
            unlink(interior.tmp);
        if (cover.tmp)
            unlink(cover.tmp);
    }
    render_out_free(&interior);
    render_out_free(&cover);
    if (bk.cover_art)
        cairo_surface_destroy(bk.cover_art);
    render_text_fini(&bk.rt);
out:
    json_decref(bk.art_layout);
    free(bk.plan);
    return rc;
}
