/*
 * render_text.c — the book's text with pango: a private font map (points
 * as units, no hinting, so what we measure is what the PDF shows), text
 * fitted to a box by shrinking from a comfortable size to the minimum, the
 * book's language for line breaking and hyphens, and a check that every
 * character found a glyph (fontconfig falls back from the book's font to
 * the Noto families for scripts it lacks; a character no font has would
 * print as a box, so it fails the order instead).
 */
#include <math.h>
#include <string.h>

#include "render_priv.h"

int
render_text_init(struct render_text *rt, const char *family, const char *language,
                 const char *child, struct err *e)
{
    memset(rt, 0, sizeof *rt);
    rt->family = family;
    rt->language = language;
    rt->child = child ? child : "";
    rt->map = pango_cairo_font_map_new();
    if (!rt->map)
        return err_set(e, ERR_TRANSIENT, "pango: cannot create a font map");
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(rt->map), 72.0);
    rt->ctx = pango_font_map_create_context(rt->map);
    if (!rt->ctx) {
        g_object_unref(rt->map);
        rt->map = NULL;
        return err_set(e, ERR_TRANSIENT, "pango: cannot create a context");
    }
    pango_cairo_context_set_resolution(rt->ctx, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(rt->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_language(rt->ctx, pango_language_from_string(language));
    pango_context_set_base_dir(rt->ctx, PANGO_DIRECTION_LTR);
    return 0;
}

void
render_text_fini(struct render_text *rt)
{
    if (rt->ctx)
        g_object_unref(rt->ctx);
    if (rt->map)
        g_object_unref(rt->map);
    rt->ctx = NULL;
    rt->map = NULL;
}

/* The first character that has no glyph in any font, or 0. */
static gunichar
render_text_missing(PangoLayout *layout)
{
    if (pango_layout_get_unknown_glyphs_count(layout) == 0)
        return 0;
    gunichar found = 0;
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        for (int i = 0; i < run->glyphs->num_glyphs && !found; i++) {
            PangoGlyph g = run->glyphs->glyphs[i].glyph;
            /* pango marks a glyph it could not find by the flag and keeps
             * the character in the other bits. */
            if ((g & PANGO_GLYPH_UNKNOWN_FLAG) && g != PANGO_GLYPH_INVALID_INPUT)
                found = g & ~PANGO_GLYPH_UNKNOWN_FLAG;
        }
    } while (!found && pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    return found ? found : 0xFFFD;
}

static void
render_text_set(PangoLayout *layout, struct render_text *rt,
                const struct render_style *st, double size, PangoWrapMode wrap)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, rt->family);
    pango_font_description_set_weight(fd,
                                      st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC
                                                    : PANGO_STYLE_NORMAL);
    pango_font_description_set_size(fd, (gint)lround(size * PANGO_SCALE));
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_wrap(layout, wrap);
}

/* Narrows a layout as far as it keeps its number of lines, so that a
 * title breaks into lines of even length rather than leaving one word
 * alone on the last. */
static void
render_text_balance(PangoLayout *layout, int max_w)
{
    int lines = pango_layout_get_line_count(layout);
    if (lines < 2)
        return;
    int lo = max_w / 4, hi = max_w;
    while (hi - lo > PANGO_SCALE) {
        int mid = lo + (hi - lo) / 2;
        pango_layout_set_width(layout, mid);
        PangoRectangle logical;
        pango_layout_get_extents(layout, NULL, &logical);
        if (pango_layout_get_line_count(layout) <= lines && logical.width <= mid)
            hi = mid;
        else
            lo = mid;
    }
    pango_layout_set_width(layout, hi);
}

/* No line break inside text[start, end) (pango's allow-breaks attribute:
 * the range stays whole, on one line, whatever the wrap mode). */
static void
render_text_keep(PangoAttrList *attrs, size_t start, size_t end)
{
    PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
    a->start_index = (guint)start;
    a->end_index = (guint)end;
    pango_attr_list_insert(attrs, a);
}

/* Every occurrence of needle in text kept whole. */
static void
render_text_keep_all(PangoAttrList *attrs, const char *text, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return;
    for (const char *p = strstr(text, needle); p; p = strstr(p + n, needle))
        render_text_keep(attrs, (size_t)(p - text), (size_t)(p - text) + n);
}

/* The child's name is one unit in any script (pango would otherwise break
 * between two ideographs, 美 / 咲, or after a hyphen, Anne- / Sophie): the
 * whole name, and each of its words where the story uses one alone. */
static void
render_text_keep_name(PangoAttrList *attrs, const char *text, const char *name)
{
    render_text_keep_all(attrs, text, name);
    char **words = g_strsplit_set(name, " \t", -1);
    for (int i = 0; words[i]; i++)
        if (g_utf8_strlen(words[i], -1) >= 2)
            render_text_keep_all(attrs, text, words[i]);
    g_strfreev(words);
}

/* French inversions and imperatives (dit-il, murmure-t-elle, a-t-il,
 * regarde-moi, allons-y) are never broken at their hyphen: the verb and its
 * pronoun stay on one line. */
static void
render_text_keep_inversions(PangoAttrList *attrs, const char *text)
{
    static GRegex *re;
    if (!re)
        re =
            g_regex_new("\\w+(?:-t)?-(?:je|tu|il|elle|on|nous|vous|ils|elles|iel|iels|ce|"
                        "moi|toi|lui|leur|le|la|les|y|en)\\b",
                        G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL);
    if (!re)
        return;
    GMatchInfo *m = NULL;
    g_regex_match(re, text, 0, &m);
    while (g_match_info_matches(m)) {
        int start, end;
        if (g_match_info_fetch_pos(m, 0, &start, &end))
            render_text_keep(attrs, (size_t)start, (size_t)end);
        g_match_info_next(m, NULL);
    }
    g_match_info_free(m);
}

/* The layout's attributes: the book's language, hyphens where a word
 * must break, and (keep) the name and French inversions kept whole. */
static void
render_text_attrs(PangoLayout *layout, struct render_text *rt, const char *text, int keep)
{
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(
        attrs, pango_attr_language_new(pango_language_from_string(rt->language)));
    /* Only a word too long for a whole line is ever broken (second pass);
     * then the break gets a hyphen, as the language would write it. */
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(TRUE));
    if (keep) {
        render_text_keep_name(attrs, text, rt->child);
        if (strncmp(rt->language, "fr", 2) == 0)
            render_text_keep_inversions(attrs, text);
    }
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);
}

PangoLayout *
render_text_fit(struct render_text *rt, const char *text, const struct render_style *st,
                double box_w, double box_h, const char *what, struct err *e)
{
    PangoLayout *layout = pango_layout_new(rt->ctx);
    /* Spaces at either end mean nothing in a box, and pango counts a
     * trailing one in the last line's width. */
    char *trimmed = g_strstrip(g_strdup(text));
    render_text_attrs(layout, rt, trimmed, 1);
    pango_layout_set_text(layout, trimmed, -1);
    pango_layout_set_width(layout, (int)floor(box_w * PANGO_SCALE));
    pango_layout_set_alignment(layout, st->align);
    /* The book's languages are written left to right: a sentence that
     * starts with a right-to-left name ("مريم and the Moon") is still an
     * English sentence, so the paragraph is LTR and only the name's run is
     * reordered (pango's bidi algorithm). */
    pango_layout_set_auto_dir(layout, FALSE);
    if (st->spacing > 0)
        pango_layout_set_line_spacing(layout, (float)st->spacing);

    render_text_set(layout, rt, st, st->size, PANGO_WRAP_WORD);
    gunichar missing = render_text_missing(layout);
    if (missing) {
        const char *where = rt->child[0] && g_utf8_strchr(rt->child, -1, missing)
                                ? "in the child's name"
                                : "in the text";
        err_set(e, ERR_PERMANENT, "%s: no font has a glyph for U+%04X %s", what,
                (unsigned)missing, where);
        g_object_unref(layout);
        g_free(trimmed);
        return NULL;
    }

    int max_w = (int)floor(box_w * PANGO_SCALE), max_h = (int)floor(box_h * PANGO_SCALE);
    /* First whole words only; if no size allows that, let pango break the
     * one long word with a hyphen rather than fail the book; the name (and a
     * French inversion) stays whole even then, unless it is itself wider
     * than the line at the smallest size (a name may be 40 ideographs). */
    const PangoWrapMode modes[] = {PANGO_WRAP_WORD, PANGO_WRAP_WORD_CHAR,
                                   PANGO_WRAP_WORD_CHAR};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        if (m == 2)
            render_text_attrs(layout, rt, trimmed, 0);
        for (double size = st->size;; size -= 0.5) {
            /* the last try is the minimum itself, whatever the start */
            if (size < st->min_size)
                size = st->min_size;
            render_text_set(layout, rt, st, size, modes[m]);
            PangoRectangle ink, logical;
            pango_layout_get_extents(layout, &ink, &logical);
            if (logical.width <= max_w && logical.height <= max_h) {
                if (st->balance)
                    render_text_balance(layout, max_w);
                g_object_set_data(G_OBJECT(layout), "render-box-w",
                                  GINT_TO_POINTER(max_w));
                g_free(trimmed);
                return layout;
            }
            if (size <= st->min_size)
                break;
        }
    }
    err_set(e, ERR_PERMANENT, "%s: text does not fit at %g pt", what, st->min_size);
    g_object_unref(layout);
    g_free(trimmed);
    return NULL;
}

double
render_text_size(PangoLayout *layout)
{
    const PangoFontDescription *fd = pango_layout_get_font_description(layout);
    return fd ? (double)pango_font_description_get_size(fd) / PANGO_SCALE : 0;
}

void
render_text_extent(PangoLayout *layout, double *w, double *h)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
}

void
render_text_draw(cairo_t *cr, PangoLayout *layout, double x, double y)
{
    /* A balanced layout is narrower than its box: keep it centred there. */
    int box = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(layout), "render-box-w"));
    int w = pango_layout_get_width(layout);
    if (box > w && w > 0 && pango_layout_get_alignment(layout) == PANGO_ALIGN_CENTER)
        x += (double)(box - w) / 2 / PANGO_SCALE;
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    /* No current point left behind for the next path to join. */
    cairo_new_path(cr);
}
