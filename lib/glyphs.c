/*
 * glyphs.c — the font coverage of a text (see glyphs.h).
 *
 * The text is laid out with pango exactly as the renderer lays out its
 * text (a private pango-cairo font map, the configured family); pango marks
 * a glyph no font could give with PANGO_GLYPH_UNKNOWN_FLAG and keeps the
 * character in the other bits, which is how the missing characters are
 * named.
 */
#include <glib.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glyphs.h"

struct glyphs {
    char *family;
    PangoFontMap *map;
    PangoContext *ctx;
    PangoFontDescription *fd;
};

struct glyphs *
glyphs_open(const char *family, struct err *e)
{
    struct glyphs *g = calloc(1, sizeof *g);
    if (!g)
        abort();
    g->family = strdup(family && *family ? family : "sans");
    if (!g->family)
        abort();
    g->map = pango_cairo_font_map_new();
    if (!g->map) {
        glyphs_close(g);
        err_set(e, ERR_TRANSIENT, "pango: cannot create a font map");
        return NULL;
    }
    g->ctx = pango_font_map_create_context(g->map);
    if (!g->ctx) {
        glyphs_close(g);
        err_set(e, ERR_TRANSIENT, "pango: cannot create a context");
        return NULL;
    }
    g->fd = pango_font_description_new();
    pango_font_description_set_family(g->fd, g->family);
    pango_font_description_set_size(g->fd, 12 * PANGO_SCALE);
    return g;
}

void
glyphs_close(struct glyphs *g)
{
    if (!g)
        return;
    if (g->fd)
        pango_font_description_free(g->fd);
    if (g->ctx)
        g_object_unref(g->ctx);
    if (g->map)
        g_object_unref(g->map);
    free(g->family);
    free(g);
}

const char *
glyphs_family(const struct glyphs *g)
{
    return g->family;
}

char *
glyphs_missing(struct glyphs *g, const char *text)
{
    if (!text || !*text)
        return NULL;
    PangoLayout *layout = pango_layout_new(g->ctx);
    pango_layout_set_font_description(layout, g->fd);
    pango_layout_set_text(layout, text, -1);
    if (pango_layout_get_unknown_glyphs_count(layout) == 0) {
        g_object_unref(layout);
        return NULL;
    }
    GArray *found = g_array_new(FALSE, FALSE, sizeof(gunichar));
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        for (int i = 0; i < run->glyphs->num_glyphs; i++) {
            PangoGlyph gl = run->glyphs->glyphs[i].glyph;
            if (!(gl & PANGO_GLYPH_UNKNOWN_FLAG) || gl == PANGO_GLYPH_INVALID_INPUT)
                continue;
            gunichar u = gl & ~PANGO_GLYPH_UNKNOWN_FLAG;
            guint k = 0;
            while (k < found->len && g_array_index(found, gunichar, k) != u)
                k++;
            if (k == found->len)
                g_array_append_val(found, u);
        }
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    GString *out = g_string_new(NULL);
    for (guint k = 0; k < found->len && k < GLYPHS_LIST_MAX; k++)
        g_string_append_printf(out, "%sU+%04X", k ? ", " : "",
                               (unsigned)g_array_index(found, gunichar, k));
    if (found->len > GLYPHS_LIST_MAX)
        g_string_append_printf(out, " and %u more", found->len - GLYPHS_LIST_MAX);
    if (!found->len) /* counted unknown, none named: say so rather than pass it */
        g_string_append(out, "a character");
    g_array_free(found, TRUE);
    char *r = strdup(out->str);
    g_string_free(out, TRUE);
    if (!r)
        abort();
    return r;
}

char *
glyphs_unprintable(struct glyphs *g, const char *text)
{
    char *missing = glyphs_missing(g, text);
    if (!missing)
        return NULL;
    char *msg = NULL;
    if (asprintf(&msg,
                 "cannot be printed: no installed font has a glyph for %s (the book's font "
                 "is \"%s\", with fontconfig's fallbacks)",
                 missing, glyphs_family(g)) < 0)
        abort();
    free(missing);
    return msg;
}
