/*
 * art_openai.c — the remote illustrator: a character sheet first, then one
 * request per picture drawn from it, several in flight at once (libcurl
 * multi, at most openai_max_in_flight, for all the books of a batch), within
 * the host-wide request rate (openai_rpm, see openai.c), each picture stored
 * as art/cover.jpg or art/page-NN.jpg at the book's pixel size.
 *
 * The character sheet.  An image model draws each picture alone; words
 * alone ("a 5-year-old girl with dark brown curly hair") give a different
 * child on every page.  So, as the products that sell these books do, the
 * book's first request (POST /images/generations) draws a reference sheet
 * of the child — front and three-quarter view, plain background, in the
 * book's style — and, when one companion comes back on a third of the
 * pages or more, a second sheet of it.  They are stored as
 * art/character.png and art/companion.png, recorded in api_calls (kind
 * "sheet"), and never asked again for that order: a retry, or a restart
 * after a crash, finds them there.  Every page and the cover are then
 * POST /images/edits (multipart/form-data) with the sheets as image[] and a
 * prompt saying which input image is whom (art_character_sheet = off: the
 * old way, generations with the words only).
 *
 * The prompt repeats, word for word on every page, the style
 * (art_openai_style()) and the child from the order (art_openai_character(),
 * never from the story); only the scene of story.json changes
 * (art_openai_prompt()).  A prompt the provider's moderation blocks
 * (moderation_blocked, HTTP 400) is asked once more with a softened prompt
 * (art_openai_prompt_soft(): no free-text description, a gentle scene);
 * blocked again, the order fails with the reason.  Never a loop of paid
 * calls.
 *
 * The answer is untrusted (image_check.h): its header is read and its size
 * judged before it is decoded, the decoding is strict.  A picture smaller
 * than the page is scaled up with libvips (upscale.h) down to art_min_dpi;
 * below that the order fails with both sizes.  The models answer 1024 or
 * 1536 px, the page needs 1875 × 2775 or more: upscaling is the default.
 *
 * The check (art_check = vision): a vision chat model is shown the stored
 * page's answer and the sheet, and answers (strict JSON schema) whether it
 * shows the same child and the page's scene.  A page that fails is drawn
 * once more; failing again, it is kept, with a warning in the order's
 * events (struct art_book's warnings).  A page stored before a crash is
 * not checked again.
 *
 * Time.  Edits take 40–130 s and minutes at high quality: image requests
 * have their own timeout (openai_image_timeout).  The loop never blocks on
 * one transfer: an answer is decoded, scaled and encoded one at a time
 * between polls, after the finished transfers' slots were given to new
 * requests, so CPU work does not leave the pipe idle.  A stop request
 * starts nothing new and waits for the requests in flight (they are paid).
 *
 * Money.  A picture already in dir is never asked again, so a retried
 * order pays only for what it lacks; after a book's first failure no new
 * request of that book starts, but those in flight are finished and kept.
 * Every call is a row in api_calls (a 2xx image costs openai_price_image).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <glib.h>

#include "art.h"
#include "image_check.h"
#include "fsutil.h"
#include "geom.h"
#include "log.h"
#include "openai.h"
#include "upscale.h"

#define ART_OPENAI_RATE_WAITS 5 /* 429s waited out per picture before giving up */

/* "dark_brown" → "dark brown" */
static const char *
art_openai_words(const char *w, char *buf, size_t size)
{
    snprintf(buf, size, "%s", w ? w : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    return buf;
}

static const char *
art_openai_get(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

char *
art_openai_character(const json_t *order)
{
    const json_t *child = json_object_get(order, "child");
    const json_t *look = json_object_get(child, "appearance");
    const char *pro = art_openai_get(child, "pronouns");
    const char *who = !pro ? "child" : strcmp(pro, "she") == 0 ? "girl"
                                   : strcmp(pro, "he") == 0    ? "boy"
                                                               : "child";
    long age = (long)json_integer_value(json_object_get(child, "age"));
    /* Clothes the order leaves open: a colour chosen by the order id, so
     * every page of the book agrees. */
    const char *oid = art_openai_get(order, "order_id");
    guint h = g_str_hash(oid ? oid : "");
    const char *top = art_openai_get(look, "top_colour");
    const char *bottom = art_openai_get(look, "bottom_colour");
    static const char *const tops[] = {"red", "yellow", "teal", "orange", "purple", "green"};
    static const char *const bottoms[] = {"navy", "blue", "grey", "brown"};
    if (!top)
        top = tops[h % 6];
    if (!bottom)
        bottom = bottoms[(h / 6) % 4];
    char hc[32], hs[32], sk[32], ey[32];
    GString *s = g_string_new(NULL);
    if (age > 0)
        g_string_append_printf(s, "a %ld-year-old %s", age, who);
    else
        g_string_append_printf(s, "a toddler %s", who);
    g_string_append_printf(s, " with %s skin", art_openai_words(art_openai_get(look, "skin_tone") ? art_openai_get(look, "skin_tone") : "medium", sk, sizeof sk));
    const char *style = art_openai_get(look, "hair_style");
    if (style && strcmp(style, "bald") == 0)
        g_string_append(s, ", no hair");
    else
        g_string_append_printf(s, ", %s %s hair",
                               art_openai_words(art_openai_get(look, "hair_colour") ? art_openai_get(look, "hair_colour") : "brown", hc, sizeof hc),
                               art_openai_words(style ? style : "short", hs, sizeof hs));
    g_string_append_printf(s, ", %s eyes",
                           art_openai_words(art_openai_get(look, "eye_colour") ? art_openai_get(look, "eye_colour") : "brown", ey, sizeof ey));
    g_string_append_printf(s, ", wearing a %s top and %s trousers", top, bottom);
    if (json_is_true(json_object_get(look, "glasses")))
        g_string_append(s, ", with round glasses");
    return g_string_free(s, FALSE);
}

const char *
art_openai_style(const char *style)
{
    if (style && strcmp(style, "flat") == 0)
        return "A flat-colour children's picture book illustration: bold simple shapes, clean "
               "edges, no gradients, a bright limited palette.";
    if (style && strcmp(style, "crayon") == 0)
        return "A crayon children's picture book illustration: waxy hand-drawn strokes, paper "
               "texture showing through, bright cheerful colours.";
    return "A soft watercolour children's picture book illustration: gentle washes, visible "
           "paper texture, warm light, delicate ink outlines.";
}

/* "a, b and c" of a JSON list of words. */
static void
art_openai_list(GString *s, const json_t *list)
{
    size_t i, n = json_array_size(list);
    json_t *x;
    char w[64];
    json_array_foreach(list, i, x) {
        if (i)
            g_string_append(s, i + 1 == n ? " and " : ", ");
        g_string_append(s, art_openai_words(json_string_value(x), w, sizeof w));
    }
}

char *
art_openai_prompt(const char *character, const char *style, const json_t *scene)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s\n", style);
    g_string_append_printf(s, "The main character, drawn exactly the same in every picture of "
                              "the book: %s.\n",
                           character);
    const char *desc = art_openai_get(scene, "description");
    if (desc)
        g_string_append_printf(s, "The scene: %s\n", desc);
    g_string_append_printf(s, "Setting: %s, %s, %s weather. The child is %s and looks %s.",
                           art_openai_get(scene, "setting") ? art_openai_get(scene, "setting") : "home",
                           art_openai_get(scene, "time_of_day") ? art_openai_get(scene, "time_of_day") : "day",
                           art_openai_get(scene, "weather") ? art_openai_get(scene, "weather") : "clear",
                           art_openai_get(scene, "action") ? art_openai_get(scene, "action") : "standing",
                           art_openai_get(scene, "mood") ? art_openai_get(scene, "mood") : "happy");
    if (json_array_size(json_object_get(scene, "companions"))) {
        g_string_append(s, " Beside the child: ");
        art_openai_list(s, json_object_get(scene, "companions"));
        g_string_append_c(s, '.');
    }
    if (json_array_size(json_object_get(scene, "objects"))) {
        g_string_append(s, " Also in the picture: ");
        art_openai_list(s, json_object_get(scene, "objects"));
        g_string_append_c(s, '.');
    }
    g_string_append(s, "\nA full-page picture for a printed book: no text, no letters, no "
                       "frame; keep faces and important things away from the edges, which are "
                       "trimmed. Keep the lower third free of people and animals (ground, "
                       "grass or water only): the page's text is set there.");
    return g_string_free(s, FALSE);
}

char *
art_openai_prompt_soft(const char *character, const char *style, const json_t *scene)
{
    /* The story's free text (description) is what a policy most likely
     * stumbles on; the scene's words come from our own vocabulary. */
    json_t *plain = json_deep_copy(scene);
    if (plain)
        json_object_del(plain, "description");
    char *base = art_openai_prompt(character, style, plain ? plain : scene);
    json_decref(plain);
    char *s = g_strdup_printf("%s\nA gentle, wholesome picture for young children: everyone "
                              "fully clothed, friendly faces, nothing frightening, no danger.",
                              base);
    g_free(base);
    return s;
}

char *
art_openai_sheet_prompt(const char *character, const char *style, const char *companion)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s\n", style);
    if (companion) {
        char w[64];
        g_string_append_printf(s, "A character reference sheet of a companion in a picture "
                                  "book: %s, drawn twice side by side: from the front and in "
                                  "three-quarter view.",
                               art_openai_words(companion, w, sizeof w));
    } else {
        g_string_append_printf(s, "A character reference sheet of the main character of a "
                                  "picture book: %s. The same child drawn twice side by side, "
                                  "full figure: from the front and in three-quarter view.",
                               character);
    }
    g_string_append(s, " Plain white background, even light, nothing else in the picture, no "
                       "text, no letters.");
    return g_string_free(s, FALSE);
}

/* The most frequent companion of the story's pages when it is on a third of
 * them or more (two pages at least), else NULL: worth a sheet of its own. */
static const char *
art_openai_companion(const json_t *story)
{
    const json_t *pages = json_object_get(story, "pages");
    size_t n = json_array_size(pages), i;
    GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
    const char *best = NULL;
    guint best_n = 0;
    json_t *page;
    json_array_foreach(pages, i, page) {
        const json_t *list = json_object_get(json_object_get(page, "scene"), "companions");
        size_t j;
        json_t *c;
        json_array_foreach(list, j, c) {
            const char *w = json_string_value(c);
            if (!w || !*w)
                continue;
            guint k = GPOINTER_TO_UINT(g_hash_table_lookup(count, w)) + 1;
            g_hash_table_insert(count, (gpointer)w, GUINT_TO_POINTER(k));
            if (k > best_n) {
                best_n = k;
                best = w;
            }
        }
    }
    g_hash_table_destroy(count);
    return best_n >= 2 && best_n * 3 >= n ? best : NULL;
}

/* The first lines of a page's prompt when it is drawn from the sheets. */
static char *
art_openai_edit_preface(const char *name, int sheets, const char *companion)
{
    char w[64];
    GString *s = g_string_new("Draw a new picture for a picture book. ");
    g_string_append_printf(s, "Input image 1 is the character sheet of the main character%s%s: "
                              "draw this same child — face, hair, skin, clothes — as on the "
                              "sheet, in a new pose.",
                           name ? ", " : "", name ? name : "");
    if (sheets > 1)
        g_string_append_printf(s, " Input image 2 is the character sheet of the companion, %s: "
                                  "draw it as on that sheet.",
                               art_openai_words(companion, w, sizeof w));
    g_string_append(s, " Do not copy the sheets' white background or layout.\n");
    return g_string_free(s, FALSE);
}

/* ---- pictures ---- */

static struct imgchk_limits
art_openai_limits(const struct config *cfg)
{
    struct imgchk_limits lim = {config_int(cfg, "art_max_image_px"),
                                config_int(cfg, "art_max_image_mb") << 20};
    return lim;
}

/* Stores one page's answer as dir/name at w × h: as it is when it already
 * is a baseline JPEG of that size, else decoded, scaled (libvips) and
 * encoded once.  ERR_PERMANENT when the picture is unusable for good (too
 * large, too small). */
static int
art_openai_store(const struct config *cfg, const char *oid, const unsigned char *d, size_t n,
                 int w, int h, const char *dir, const char *name, struct err *e)
{
    struct imgchk_limits lim = art_openai_limits(cfg);
    struct imgchk_info info;
    unsigned char *rgb = imgchk_decode_rgb(d, n, &lim, &info, e);
    if (!rgb)
        return err_prefix(e, "%s", name);
    if (info.type == IMGCHK_JPEG && info.baseline && info.w == w && info.h == h) {
        free(rgb); /* decoded only to know it is whole */
        return fsu_write_atomic(dir, name, d, n, e);
    }
    double f = upscale_factor(info.w, info.h, w, h);
    if (f > 1.001) {
        double dpi = GEOM_DPI / f;
        long min_dpi = config_int(cfg, "art_min_dpi");
        if (strcmp(config_str(cfg, "art_low_res"), "upscale") != 0) {
            free(rgb);
            return err_set(e, ERR_PERMANENT,
                           "%s: the image is %d×%d pixels, below the %d×%d the page needs at "
                           "%d dpi (art_low_res = refuse)",
                           name, info.w, info.h, w, h, GEOM_DPI);
        }
        if (dpi + 1e-9 < (double)min_dpi) {
            free(rgb);
            return err_set(e, ERR_PERMANENT,
                           "%s: the image is %d×%d pixels; the %d×%d page would print at %.0f "
                           "dpi, below art_min_dpi = %ld",
                           name, info.w, info.h, w, h, dpi, min_dpi);
        }
        log_order(LOG_DEBUG, oid, "%s: %d×%d scaled ×%.2f to %d×%d (%.0f dpi of detail)", name,
                  info.w, info.h, f, w, h, dpi);
    }
    cairo_surface_t *s = upscale_cover(rgb, info.w, info.h, w, h, e);
    free(rgb);
    if (!s)
        return err_prefix(e, "%s", name);
    char *path = fsu_join(dir, name);
    int rc = art_write_jpeg(s, path, (int)config_int(cfg, "art_jpeg_quality"), e);
    free(path);
    cairo_surface_destroy(s);
    return rc;
}

/* A sheet's answer: decoded in full to know it is whole and within the
 * bounds, then stored as the bytes that came (they go back as image[]). */
static int
art_openai_store_sheet(const struct config *cfg, const unsigned char *d, size_t n,
                       const char *dir, const char *name, struct err *e)
{
    struct imgchk_limits lim = art_openai_limits(cfg);
    struct imgchk_info info;
    unsigned char *rgb = imgchk_decode_rgb(d, n, &lim, &info, e);
    if (!rgb)
        return err_prefix(e, "%s", name);
    free(rgb);
    return fsu_write_atomic(dir, name, d, n, e);
}

/* ---- the book ---- */

enum { PIC_SHEET, PIC_PAGE };
enum { PH_DRAW, PH_CHECK };
enum { ST_WAITING, ST_FLIGHT, ST_DONE, ST_ANSWERED };

struct art_openai_pic {
    char name[32];
    int kind;          /* PIC_SHEET (character.png, companion.png) or PIC_PAGE */
    int phase;         /* PH_DRAW, or PH_CHECK once stored (art_check = vision) */
    const json_t *scene;
    char *prompt;
    int state;         /* ST_*: ST_ANSWERED waits for art_openai_finish() */
    int waits;         /* 429s waited out */
    int softened;      /* asked again with a softened prompt after a block */
    int redrawn;       /* drawn again after a failed check */
    double not_before; /* monotonic seconds */
    size_t book;       /* its book in the batch */
    CURLcode rc;       /* the transfer's result, once answered */
    unsigned char *answer; /* the answer's picture, kept for the check */
    size_t answer_len;
    struct openai_call call;
};

static double
art_openai_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1 when dir/name is a complete JPEG of w × h: paid for already.  (Files
 * are written atomically, but a leftover of another size is drawn again.) */
static int
art_openai_present(const char *dir, const char *name, int w, int h)
{
    char *p = fsu_join(dir, name);
    char *buf = NULL;
    size_t n = 0;
    struct err e = {0};
    struct imgchk_info info;
    int ok = p && fsu_read_file(AT_FDCWD, p, OPENAI_IMAGE_MAX_BODY, &buf, &n, &e) == 0 &&
             n > 4 && (unsigned char)buf[n - 2] == 0xFF && (unsigned char)buf[n - 1] == 0xD9 &&
             imgchk_header((const unsigned char *)buf, n, &info, &e) == 0 &&
             info.type == IMGCHK_JPEG && info.w == w && info.h == h;
    free(buf);
    free(p);
    return ok;
}

#define ART_OPENAI_SHEETS 2

/* One book of a batch: where its pictures go, its sheets, and its first
 * failure, which stops only this book's pictures not yet started. */
struct art_openai_bk {
    const char *oid;
    const char *dir;
    const char *child_name;
    const char *companion;   /* the companion with a sheet, or NULL */
    char *character;         /* art_openai_character() */
    const char *style;       /* art_openai_style() */
    int w, h;                /* the pictures' pixel size */
    char size[16];           /* asked of the model */
    int nsheets;             /* sheets the book uses (0: art_character_sheet = off) */
    int sheets_pending;      /* sheets not yet stored: its pages wait */
    unsigned char *sheet[ART_OPENAI_SHEETS];
    size_t sheet_len[ART_OPENAI_SHEETS];
    struct err first;        /* ERR_NONE while the book goes well */
    json_t *warnings;        /* the art_book's */
};

static const char *const art_openai_sheet_names[ART_OPENAI_SHEETS] = {"character.png",
                                                                       "companion.png"};

/* Keeps the worse of two errors: permanent beats transient. */
static void
art_openai_fail(struct err *first, const struct err *now)
{
    if (first->kind == ERR_NONE || (first->kind == ERR_TRANSIENT && now->kind == ERR_PERMANENT))
        *first = *now;
}

/* Loads sheet i of a book from its folder; 0, or -1 when it is not there
 * or not a picture within the bounds (then it is drawn). */
static int
art_openai_sheet_load(const struct config *cfg, struct art_openai_bk *bk, int i)
{
    char *p = fsu_join(bk->dir, art_openai_sheet_names[i]);
    char *buf = NULL;
    size_t n = 0;
    struct err e = {0};
    struct imgchk_info info;
    struct imgchk_limits lim = art_openai_limits(cfg);
    int rc = p && fsu_read_file(AT_FDCWD, p, OPENAI_IMAGE_MAX_BODY, &buf, &n, &e) == 0 &&
                     imgchk_header((const unsigned char *)buf, n, &info, &e) == 0 &&
                     imgchk_bounds(&info, &lim, &e) == 0
                 ? 0
                 : -1;
    free(p);
    if (rc < 0) {
        free(buf);
        return -1;
    }
    free(bk->sheet[i]);
    bk->sheet[i] = (unsigned char *)buf;
    bk->sheet_len[i] = n;
    return 0;
}

/* The size to ask: openai_image_size, or by the page's shape (auto). */
static void
art_openai_size(const struct config *cfg, int w, int h, char *buf, size_t size)
{
    const char *want = config_str(cfg, "openai_image_size");
    if (strcmp(want, "auto") != 0)
        snprintf(buf, size, "%s", want);
    else if (h > w * 1.2)
        snprintf(buf, size, "1024x1536");
    else if (w > h * 1.2)
        snprintf(buf, size, "1536x1024");
    else
        snprintf(buf, size, "1024x1024");
}

/* Lists the pictures of book b still missing in dir — its sheets first,
 * then the cover and pages — appended to pics (room for them all).  0, or
 * -1 with bk->first set. */
static int
art_openai_book_setup(const struct config *cfg, const struct art_book *b,
                      struct art_openai_bk *bk, size_t bi, struct art_openai_pic *pics,
                      size_t *npic)
{
    const json_t *book = json_object_get(b->order, "book");
    const char *trim = art_openai_get(book, "trim") ? art_openai_get(book, "trim")
                                                    : config_str(cfg, "trim");
    const char *binding = art_openai_get(book, "binding") ? art_openai_get(book, "binding")
                                                          : config_str(cfg, "binding");
    struct geom g;
    if (geom_compute(trim, binding, 40, &g, &bk->first) < 0 ||
        fsu_mkdir_p(b->dir, 0755, &bk->first) < 0)
        return -1;
    bk->w = g.art_w_px;
    bk->h = g.art_h_px;
    art_openai_size(cfg, bk->w, bk->h, bk->size, sizeof bk->size);
    bk->child_name = art_openai_get(json_object_get(b->order, "child"), "name");
    const json_t *pages = json_object_get(b->story, "pages");
    size_t total = 1 + json_array_size(pages), mine = 0;
    char *character = bk->character = art_openai_character(b->order);
    const char *style = bk->style = art_openai_style(art_openai_get(book, "style"));
    if (strcmp(config_str(cfg, "art_character_sheet"), "on") == 0) {
        bk->companion = art_openai_companion(b->story);
        bk->nsheets = bk->companion ? 2 : 1;
    }
    for (int i = 0; i < bk->nsheets; i++) {
        if (art_openai_sheet_load(cfg, bk, i) == 0)
            continue; /* drawn and paid for already: never asked twice */
        struct art_openai_pic *p = &pics[(*npic)++];
        snprintf(p->name, sizeof p->name, "%s", art_openai_sheet_names[i]);
        p->kind = PIC_SHEET;
        p->prompt = art_openai_sheet_prompt(character, style, i ? bk->companion : NULL);
        p->book = bi;
        p->call.user = p;
        bk->sheets_pending++;
        mine++;
    }
    for (size_t i = 0; i < total; i++) {
        struct art_openai_pic *p = &pics[*npic];
        if (i == 0) {
            snprintf(p->name, sizeof p->name, "cover.jpg");
            p->scene = json_object_get(json_object_get(b->story, "cover"), "scene");
        } else {
            snprintf(p->name, sizeof p->name, "page-%02zu.jpg", i);
            p->scene = json_object_get(json_array_get(pages, i - 1), "scene");
        }
        if (art_openai_present(b->dir, p->name, bk->w, bk->h))
            continue; /* paid for already */
        p->kind = PIC_PAGE;
        p->prompt = art_openai_prompt(character, style, p->scene);
        p->book = bi;
        p->call.user = p;
        (*npic)++;
        mine++;
    }
    if (mine)
        log_order(LOG_INFO, bk->oid, "%zu of %zu pictures to draw with %s (%s, %d sheet%s), %ld "
                  "at a time", mine, total + (size_t)bk->nsheets,
                  config_str(cfg, "openai_image_model"), bk->size, bk->nsheets,
                  bk->nsheets == 1 ? "" : "s", config_int(cfg, "openai_max_in_flight"));
    return 0;
}

/* Fails, with e, every book that still has a picture not finished (a book
 * already complete stays complete). */
static void
art_openai_fail_unfinished(const struct art_openai_pic *pics, size_t npic,
                           struct art_openai_bk *bks, const struct err *e)
{
    for (size_t i = 0; i < npic; i++)
        if (pics[i].state != ST_DONE)
            art_openai_fail(&bks[pics[i].book].first, e);
}

/* 1 when the model takes input_fidelity: gpt-image-1 and its successors,
 * not the -mini models nor dall-e-2 (docs/remote-providers.md). */
static int
art_openai_takes_fidelity(const char *model)
{
    return strncmp(model, "gpt-image-", 10) == 0 && !strstr(model, "mini");
}

/* The strict schema of a check's answer. */
static json_t *
art_openai_check_format(void)
{
    return json_pack("{s:s, s:{s:s, s:b, s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:[s,s,s], "
                     "s:b}}}",
                     "type", "json_schema", "json_schema", "name", "page_check", "strict", 1,
                     "schema", "type", "object", "properties", "same_child", "type", "boolean",
                     "shows_scene", "type", "boolean", "problems", "type", "string", "required",
                     "same_child", "shows_scene", "problems", "additionalProperties", 0);
}

static char *
art_openai_data_url(const unsigned char *d, size_t n)
{
    struct imgchk_info info;
    const char *type = imgchk_header(d, n, &info, NULL) == 0 && info.type == IMGCHK_JPEG
                           ? "image/jpeg"
                           : "image/png";
    gchar *b64 = g_base64_encode(d, n);
    char *url = g_strdup_printf("data:%s;base64,%s", type, b64);
    g_free(b64);
    return url;
}

/* Starts the check of a stored page: the sheet and the page's answer. */
static int
art_openai_start_check(const struct config *cfg, struct openai *oa, struct art_openai_bk *bk,
                       struct art_openai_pic *p, struct err *e)
{
    char *sheet = art_openai_data_url(bk->sheet[0], bk->sheet_len[0]);
    char *page = art_openai_data_url(p->answer, p->answer_len);
    const char *desc = art_openai_get(p->scene, "description");
    char *ask = g_strdup_printf(
        "Image 1 is the character sheet of the main character of a picture book. Image 2 is "
        "one page of the book. same_child: does the page show the same child as the sheet "
        "(hair colour and style, skin tone, clothes)? shows_scene: does it show this scene: "
        "%s (setting %s, the child %s)? problems: what differs, in a few words, or an empty "
        "string.",
        desc ? desc : "as described", art_openai_get(p->scene, "setting") ? art_openai_get(p->scene, "setting") : "any",
        art_openai_get(p->scene, "action") ? art_openai_get(p->scene, "action") : "present");
    json_t *rq = json_pack(
        "{s:s, s:[{s:s, s:s}, {s:s, s:[{s:s, s:s}, {s:s, s:{s:s}}, {s:s, s:{s:s}}]}], s:o}",
        "model", config_str(cfg, "openai_check_model"), "messages", "role", "system",
        "content", "You check the illustrations of children's picture books. Answer only with "
                   "the JSON the schema asks for.",
        "role", "user", "content", "type", "text", "text", ask, "type", "image_url",
        "image_url", "url", sheet, "type", "image_url", "image_url", "url", page,
        "response_format", art_openai_check_format());
    g_free(ask);
    g_free(sheet);
    g_free(page);
    if (!rq)
        return err_set(e, ERR_TRANSIENT, "%s: check: out of memory", p->name);
    int rc = openai_call_start(oa, &p->call, "/chat/completions", rq, OPENAI_CHAT_MAX_BODY, e);
    json_decref(rq);
    return rc;
}

/* Starts the request of picture p: a sheet (generations), a page (edits
 * from the sheets, or generations when there are none) or a check. */
static int
art_openai_start(const struct config *cfg, struct openai *oa, struct art_openai_bk *bk,
                 struct art_openai_pic *p, struct err *e)
{
    const char *model = config_str(cfg, "openai_image_model");
    const char *quality = config_str(cfg, "openai_image_quality");
    long timeout = config_int(cfg, "openai_image_timeout");
    int rc;
    if (p->phase == PH_CHECK)
        return art_openai_start_check(cfg, oa, bk, p, e);
    if (p->kind == PIC_SHEET || bk->nsheets == 0) {
        json_t *rq = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "model", model, "prompt",
                               p->prompt, "size", p->kind == PIC_SHEET ? "1536x1024" : bk->size,
                               "quality", quality, "n", 1, "output_format",
                               p->kind == PIC_SHEET ? "png" : "jpeg");
        if (!rq)
            return err_set(e, ERR_TRANSIENT, "out of memory");
        rc = openai_call_start(oa, &p->call, "/images/generations", rq, OPENAI_IMAGE_MAX_BODY, e);
        json_decref(rq);
    } else {
        /* The images/edits form, field by field as OpenAI documents it
         * (docs/remote-providers.md). */
        char *preface = art_openai_edit_preface(bk->child_name, bk->nsheets, bk->companion);
        char *prompt = g_strconcat(preface, p->prompt, NULL);
        g_free(preface);
        const char *fid = config_str(cfg, "openai_input_fidelity");
        struct openai_part parts[12];
        size_t n = 0;
        parts[n++] = (struct openai_part){.name = "model", .value = model};
        parts[n++] = (struct openai_part){.name = "prompt", .value = prompt};
        for (int i = 0; i < bk->nsheets; i++) {
            struct imgchk_info info;
            int jpeg = imgchk_header(bk->sheet[i], bk->sheet_len[i], &info, NULL) == 0 &&
                       info.type == IMGCHK_JPEG;
            parts[n++] = (struct openai_part){.name = "image[]", .data = bk->sheet[i],
                                              .len = bk->sheet_len[i],
                                              .filename = art_openai_sheet_names[i],
                                              .type = jpeg ? "image/jpeg" : "image/png"};
        }
        parts[n++] = (struct openai_part){.name = "size", .value = bk->size};
        parts[n++] = (struct openai_part){.name = "quality", .value = quality};
        parts[n++] = (struct openai_part){.name = "n", .value = "1"};
        parts[n++] = (struct openai_part){.name = "output_format", .value = "jpeg"};
        parts[n++] = (struct openai_part){.name = "background", .value = "opaque"};
        if (strcmp(fid, "off") != 0 && art_openai_takes_fidelity(model))
            parts[n++] = (struct openai_part){.name = "input_fidelity", .value = fid};
        rc = openai_call_start_form(oa, &p->call, "/images/edits", parts, n,
                                    OPENAI_IMAGE_MAX_BODY, e);
        g_free(prompt);
    }
    if (rc == 0 && openai_call_timeout(&p->call, timeout, e) < 0) {
        openai_call_free(&p->call);
        rc = -1;
    }
    return rc;
}

/* The answer of a check: passed, or a redraw, or kept with a warning. */
static void
art_openai_finish_check(const struct config *cfg, struct db *db, struct art_openai_bk *bk,
                        struct art_openai_pic *p, CURLcode rc)
{
    const char *model = config_str(cfg, "openai_check_model");
    struct openai_call *c = &p->call;
    struct err e = {0};
    const char *why = NULL;
    json_t *root = NULL, *verdict = NULL;
    p->state = ST_DONE;
    if (openai_call_done(c, rc, &e) < 0) {
        openai_record(db, bk->oid, model, "check", 0, 0, 0, c, 0, e.msg);
        why = e.msg;
    } else {
        struct openai_verdict v;
        openai_classify(c->status, c->body, c->retry_after_s, c->reset_ms, &v);
        root = json_loadb(c->body, c->body_len, 0, NULL);
        json_t *usage = json_object_get(root, "usage");
        long tin = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
        long tout = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
        const char *content = json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(root, "choices"), 0), "message"),
            "content"));
        verdict = content ? json_loads(content, 0, NULL) : NULL;
        if (v.kind != ERR_NONE)
            snprintf(e.msg, sizeof e.msg, "%s", v.reason);
        else if (!json_is_boolean(json_object_get(verdict, "same_child")) ||
                 !json_is_boolean(json_object_get(verdict, "shows_scene")))
            snprintf(e.msg, sizeof e.msg, "the check's answer does not follow its schema");
        openai_record(db, bk->oid, model, "check", tin, tout, 0, c,
                      v.kind == ERR_NONE ? openai_cost(cfg, tin, tout, 0) : 0,
                      e.msg[0] ? e.msg : NULL);
        if (e.msg[0])
            why = e.msg;
    }
    g_free(p->answer);
    p->answer = NULL;
    if (why) {
        /* The check is a help, not a gate: the page stays. */
        log_order(LOG_WARNING, bk->oid, "%s: not checked: %s", p->name, why);
        json_array_append_new(bk->warnings, json_sprintf("%s: not checked: %s", p->name, why));
    } else if (!json_is_true(json_object_get(verdict, "same_child")) ||
               !json_is_true(json_object_get(verdict, "shows_scene"))) {
        const char *problems = json_string_value(json_object_get(verdict, "problems"));
        int same = json_is_true(json_object_get(verdict, "same_child"));
        int scene = json_is_true(json_object_get(verdict, "shows_scene"));
        const char *what = !same && !scene ? "neither the same child nor the scene"
                           : !same         ? "not the same child"
                                           : "not the page's scene";
        if (!p->redrawn && bk->first.kind == ERR_NONE) {
            p->redrawn = 1;
            p->phase = PH_DRAW;
            p->state = ST_WAITING;
            log_order(LOG_NOTICE, bk->oid, "%s: the check says %s (%s): drawing it once more",
                      p->name, what, problems ? problems : "");
        } else {
            log_order(LOG_WARNING, bk->oid, "%s: the check says %s (%s) again: kept", p->name,
                      what, problems ? problems : "");
            json_array_append_new(bk->warnings,
                                  json_sprintf("%s: the check says %s (%s); kept after one "
                                               "redraw", p->name, what, problems ? problems : ""));
        }
    }
    json_decref(verdict);
    json_decref(root);
}

/* Reads one answered transfer: stores the picture or says why not.  A
 * picture may go back to waiting (a 429, a softened prompt, its check). */
static void
art_openai_finish(const struct config *cfg, struct db *db, struct art_openai_bk *bk,
                  struct art_openai_pic *p, CURLcode rc)
{
    if (p->phase == PH_CHECK) {
        art_openai_finish_check(cfg, db, bk, p, rc);
        return;
    }
    const char *model = config_str(cfg, "openai_image_model");
    const char *kind = p->kind == PIC_SHEET ? "sheet" : "image";
    const char *oid = bk->oid;
    struct openai_call *c = &p->call;
    struct err e = {0};
    p->state = ST_DONE;
    if (openai_call_done(c, rc, &e) < 0) {
        openai_record(db, oid, model, kind, 0, 0, 0, c, 0, e.msg);
        err_prefix(&e, "%s", p->name);
        art_openai_fail(&bk->first, &e);
        return;
    }
    struct openai_verdict v;
    openai_classify(c->status, c->body, c->retry_after_s, c->reset_ms, &v);
    if (v.kind != ERR_NONE) {
        openai_record(db, oid, model, kind, 0, 0, 0, c, 0, v.reason);
        if (v.wait_s >= 0 && p->waits < ART_OPENAI_RATE_WAITS && bk->first.kind == ERR_NONE) {
            p->waits++;
            p->state = ST_WAITING;
            p->not_before = art_openai_now() + (double)v.wait_s;
            log_order(LOG_NOTICE, oid, "%s: %s; asking again in %ld s", p->name, v.reason,
                      v.wait_s);
            return;
        }
        if (v.blocked && !p->softened && bk->first.kind == ERR_NONE) {
            /* The same prompt would be blocked again: once more, softened. */
            char *soft = p->kind == PIC_SHEET
                             ? g_strdup_printf("%s\nA gentle, wholesome picture for young "
                                               "children, fully clothed, friendly.",
                                               p->prompt)
                             : art_openai_prompt_soft(bk->character, bk->style, p->scene);
            g_free(p->prompt);
            p->prompt = soft;
            p->softened = 1;
            p->state = ST_WAITING;
            log_order(LOG_NOTICE, oid, "%s: %s; asking once more with a softened prompt",
                      p->name, v.reason);
            return;
        }
        if (v.blocked)
            err_set(&e, v.kind, "%s: %s (the second time with a softened prompt)", p->name,
                    v.reason);
        else
            err_set(&e, v.kind, "%s: %s", p->name, v.reason);
        art_openai_fail(&bk->first, &e);
        return;
    }
    /* A 2xx is billed whatever we make of it. */
    double cost = openai_cost(cfg, 0, 0, 1);
    json_error_t je;
    json_t *root = json_loadb(c->body, c->body_len, 0, &je);
    json_t *usage = json_object_get(root, "usage");
    long tin = (long)json_integer_value(json_object_get(usage, "input_tokens"));
    long tout = (long)json_integer_value(json_object_get(usage, "output_tokens"));
    const char *b64 =
        json_string_value(json_object_get(json_array_get(json_object_get(root, "data"), 0),
                                          "b64_json"));
    if (!root)
        err_set(&e, ERR_TRANSIENT, "%s: the answer is not JSON (%s at byte %d)", p->name,
                je.text, je.position);
    else if (!b64)
        err_set(&e, ERR_TRANSIENT, "%s: the answer has no data[0].b64_json", p->name);
    /* The answer's text is not needed any more: free it before decoding. */
    free(c->body);
    c->body = NULL;
    c->body_len = c->body_alloc = 0;
    if (e.kind == ERR_NONE) {
        gsize n = 0;
        guchar *img = g_base64_decode(b64, &n);
        json_decref(root);
        root = NULL;
        int rc2 = p->kind == PIC_SHEET
                      ? art_openai_store_sheet(cfg, img, n, bk->dir, p->name, &e)
                      : art_openai_store(cfg, oid, img, n, bk->w, bk->h, bk->dir, p->name, &e);
        if (rc2 == 0) {
            log_order(LOG_INFO, oid, "%s: drawn by %s in %ld ms", p->name, model, c->latency_ms);
            if (p->kind == PIC_SHEET) {
                int i = strcmp(p->name, art_openai_sheet_names[0]) == 0 ? 0 : 1;
                struct err le = {0};
                if (art_openai_sheet_load(cfg, bk, i) < 0)
                    err_set(&le, ERR_TRANSIENT, "%s: stored but cannot be read back", p->name);
                else
                    bk->sheets_pending--;
                if (le.kind != ERR_NONE)
                    art_openai_fail(&bk->first, &le);
            } else if (strcmp(config_str(cfg, "art_check"), "vision") == 0 && bk->nsheets) {
                g_free(p->answer);
                p->answer = img; /* shown to the check */
                p->answer_len = n;
                img = NULL;
                p->phase = PH_CHECK;
                p->state = ST_WAITING;
            }
        }
        g_free(img);
    }
    openai_record(db, oid, model, kind, tin, tout, 1, c, cost, e.kind == ERR_NONE ? NULL : e.msg);
    json_decref(root);
    if (e.kind != ERR_NONE) {
        log_order(LOG_WARNING, oid, "%s", e.msg);
        art_openai_fail(&bk->first, &e);
    }
}

/* The pictures of all n books go through one multi handle, under one
 * in-flight limit and the host-wide rate: a book's last few pictures then
 * share the pipe with the next book's first ones, instead of leaving it
 * partly idle for a round.  A book's failure stops only that book. */
int
art_openai_draw_books(const struct config *cfg, struct db *db, struct art_book *books,
                      size_t n, struct err *errs)
{
    struct art_openai_bk *bks = calloc(n ? n : 1, sizeof *bks);
    size_t total = 0;
    for (size_t b = 0; b < n; b++)
        total += ART_OPENAI_SHEETS + 1 + json_array_size(json_object_get(books[b].story, "pages"));
    struct art_openai_pic *pics = calloc(total ? total : 1, sizeof *pics);
    if (!bks || !pics) {
        free(bks);
        free(pics);
        for (size_t b = 0; b < n; b++) {
            books[b].rc = -1;
            err_set(&errs[b], ERR_TRANSIENT, "out of memory");
        }
        return -1;
    }
    size_t npic = 0;
    for (size_t b = 0; b < n; b++) {
        bks[b].oid = art_openai_get(books[b].order, "order_id");
        bks[b].dir = books[b].dir;
        bks[b].warnings = json_array();
        if (art_openai_book_setup(cfg, &books[b], &bks[b], b, pics, &npic) < 0)
            continue; /* that book alone fails, with bks[b].first */
    }

    struct openai *oa = NULL;
    CURLM *multi = NULL;
    if (npic) {
        struct err oe = {0};
        oa = openai_open(cfg, &oe);
        multi = oa ? curl_multi_init() : NULL;
        if (!multi) {
            if (oa)
                err_set(&oe, ERR_TRANSIENT, "cannot create a libcurl multi handle");
            /* Nothing can be drawn: every book with pictures to draw fails alike. */
            art_openai_fail_unfinished(pics, npic, bks, &oe);
            for (size_t i = 0; i < npic; i++)
                g_free(pics[i].prompt);
            npic = 0;
        }
    }
    long max_in_flight = config_int(cfg, "openai_max_in_flight");
    long in_flight = 0;
    size_t finished = 0, answered = 0;
    while (finished < npic) {
        /* Start what may start: not for a book that failed, nor a page
         * whose sheets are not there yet; within the limits. */
        double now = art_openai_now(), wake = now + 1.0;
        for (size_t i = 0; i < npic && in_flight < max_in_flight; i++) {
            struct art_openai_pic *p = &pics[i];
            struct art_openai_bk *bk = &bks[p->book];
            if (p->state != ST_WAITING || bk->first.kind != ERR_NONE)
                continue;
            if (p->kind == PIC_PAGE && bk->sheets_pending > 0)
                continue;
            if (p->not_before > now) {
                wake = fmin(wake, p->not_before);
                continue;
            }
            double wait;
            struct err re = {0};
            /* A slot of the in-flight limit shared by every host, then a
             * token (openai.c); no slot taken when rate_limit = host. */
            int rr = openai_slot_take(oa, &p->call, &wait, &re);
            if (rr == 0) {
                rr = openai_rate_take(oa, &wait, &re);
                if (rr != 0)
                    openai_slot_give(oa, &p->call);
            }
            if (rr < 0) {
                /* The rate limiter itself failed: no book can go on. */
                art_openai_fail_unfinished(pics, npic, bks, &re);
                break;
            }
            if (rr == 1) {
                wake = fmin(wake, now + wait);
                break;
            }
            struct err se = {0};
            int sr = art_openai_start(cfg, oa, bk, p, &se);
            if (sr == 0 && curl_multi_add_handle(multi, p->call.curl) != CURLM_OK) {
                openai_call_free(&p->call);
                sr = err_set(&se, ERR_TRANSIENT, "libcurl refused a transfer");
            }
            if (sr < 0) {
                err_prefix(&se, "%s", p->name);
                art_openai_fail(&bk->first, &se);
                continue;
            }
            p->state = ST_FLIGHT;
            in_flight++;
        }
        if (art_stopping()) {
            struct err se;
            err_set(&se, ERR_TRANSIENT, "stopped: shutting down");
            art_openai_fail_unfinished(pics, npic, bks, &se);
        }
        /* A book that failed gives up its pictures not started. */
        for (size_t i = 0; i < npic; i++)
            if (pics[i].state == ST_WAITING && bks[pics[i].book].first.kind != ERR_NONE) {
                pics[i].state = ST_DONE;
                finished++;
            }
        if (finished >= npic)
            break;

        openai_keepalive();
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct openai_call *c = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            struct art_openai_pic *p = c->user;
            p->rc = msg->data.result;
            curl_multi_remove_handle(multi, msg->easy_handle);
            in_flight--;
            p->state = ST_ANSWERED; /* its slot is free for the next request */
            answered++;
        }
        if (answered) {
            /* One answer at a time, the oldest first, between polls: a
             * picture's decoding and scaling (a fraction of a second)
             * happens while the new requests are already on their way. */
            for (size_t i = 0; i < npic; i++) {
                struct art_openai_pic *p = &pics[i];
                if (p->state != ST_ANSWERED)
                    continue;
                answered--;
                art_openai_finish(cfg, db, &bks[p->book], p, p->rc);
                openai_call_free(&p->call);
                if (p->state == ST_DONE)
                    finished++;
                break;
            }
            continue; /* start what the answer allows, then poll */
        }
        int ms = (int)ceil((wake - art_openai_now()) * 1000);
        if (ms < 1)
            ms = 1;
        /* A short cap: the multi poll was measured sleeping out its whole
         * timeout after transfers had finished (libcurl 7.88, bench_openai.sh),
         * leaving their slots idle; 50 ms bounds that loss for a few idle
         * wake-ups a second. */
        if (ms > 50)
            ms = 50;
        if (curl_multi_poll(multi, NULL, 0, ms, NULL) != CURLM_OK) {
            struct timespec ts = {0, (long)ms * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    if (multi)
        curl_multi_cleanup(multi);
    if (oa)
        openai_close(oa);
    for (size_t i = 0; i < npic; i++) {
        g_free(pics[i].prompt);
        g_free(pics[i].answer);
    }
    free(pics);
    int rc = 0;
    for (size_t b = 0; b < n; b++) {
        books[b].rc = bks[b].first.kind != ERR_NONE ? -1 : 0;
        errs[b] = bks[b].first;
        if (books[b].rc < 0)
            rc = -1;
        if (json_array_size(bks[b].warnings) && !books[b].warnings)
            books[b].warnings = json_incref(bks[b].warnings);
        json_decref(bks[b].warnings);
        g_free(bks[b].character);
        for (int i = 0; i < ART_OPENAI_SHEETS; i++)
            free(bks[b].sheet[i]);
    }
    free(bks);
    return rc;
}

int
art_openai_draw_book(const struct config *cfg, struct db *db, const json_t *order,
                     const json_t *story, const char *dir, struct err *e)
{
    struct art_book b = {order, story, dir, 0, NULL};
    struct err be = {0};
    int rc = art_openai_draw_books(cfg, db, &b, 1, &be);
    if (rc < 0 && e)
        *e = be;
    json_decref(b.warnings);
    return rc;
}
