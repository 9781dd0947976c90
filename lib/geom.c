/*
 * geom.c — the printed book's geometry (see geom.h).
 *
 * Every printer rule lives in the tables below, taken from Lulu's published
 * figures (docs/print.md, "Cover sizes", gives each source and the choices
 * made where Lulu leaves room): the trims we sell, the minimum page count
 * and the padding multiple of each binding, the paperback spine formula,
 * the casewrap spine table and the casewrap's wrap.  The code only looks
 * things up, so a change of printer rules is a change of data.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "geom.h"

#define GEOM_PT_PER_IN 72.0

static const struct geom_trim {
    const char *name;
    double w_in, h_in;
} geom_trims[] = {
    {"8.5x8.5", 8.5, 8.5},
    {"8x10", 8.0, 10.0},
    {"6x9", 6.0, 9.0},
};

/* One row of the casewrap spine table: books of up to max_pages pages have
 * a spine of spine_in inches (rows in increasing order). */
struct geom_spine_row {
    int max_pages;
    double spine_in;
};

/* Lulu's hardcover (casewrap) spine widths, from "How is spine width
 * calculated?" (help.api.lulu.com, article 64000254616): Lulu's ranges
 * share their end points (24-84, 84-140, 140-168); a shared count takes the
 * thinner spine.  Below 24 pages the binding does not exist; the table ends
 * at Lulu's maximum of 800 pages. */
static const struct geom_spine_row geom_casewrap_spine[] = {
    {84, 0.25},   {140, 0.5},    {168, 0.625}, {194, 0.6875}, {222, 0.75},  {250, 0.8125},
    {278, 0.875}, {306, 0.9375}, {334, 1.0},   {360, 1.0625}, {388, 1.125}, {416, 1.1875},
    {444, 1.25},  {472, 1.3125}, {500, 1.375}, {528, 1.4375}, {556, 1.5},   {582, 1.5625},
    {610, 1.625}, {638, 1.6875}, {666, 1.75},  {694, 1.8125}, {722, 1.875}, {750, 1.9375},
    {778, 2.0},   {800, 2.0625},
};

enum geom_spine_rule {
    GEOM_SPINE_FORMULA, /* pages / pages_per_in + spine_add_in */
    GEOM_SPINE_TABLE,   /* geom_casewrap_spine */
};

static const struct geom_binding {
    const char *name;
    int min_pages, max_pages;
    int multiple; /* the interior is padded to a multiple of this */
    enum geom_spine_rule rule;
    double pages_per_in, spine_add_in; /* GEOM_SPINE_FORMULA */
    int spine_text_min_pages;          /* Lulu: no text on a thinner spine */
    double wrap_in; /* printed beyond the bleed on every edge, folded round the boards */
} geom_bindings[] = {
    /* Casewrap: "a hardcover is printed 0.75\" larger" (Lulu, "Creating your
     * hardcover casewrap cover"): 0.75 in of wrap beyond the 0.125 in bleed,
     * so 8.5x8.5 with 28 pages is 19 x 10.25 in (1368 x 738 pt). */
    {"hardcover", 24, 800, 4, GEOM_SPINE_TABLE, 0, 0, 80, 0.75},
    {"paperback", 32, 800, 4, GEOM_SPINE_FORMULA, 444.0, 0.06, 80, 0},
};

#define GEOM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct geom_trim *
geom_find_trim(const char *name)
{
    for (size_t i = 0; name && i < GEOM_NELEM(geom_trims); i++)
        if (strcmp(geom_trims[i].name, name) == 0)
            return &geom_trims[i];
    return NULL;
}

static const struct geom_binding *
geom_find_binding(const char *name)
{
    for (size_t i = 0; name && i < GEOM_NELEM(geom_bindings); i++)
        if (strcmp(geom_bindings[i].name, name) == 0)
            return &geom_bindings[i];
    return NULL;
}

/* The spine width for a padded page count already within the binding's range. */
static double
geom_spine(const struct geom_binding *b, int pages)
{
    if (b->rule == GEOM_SPINE_FORMULA)
        return pages / b->pages_per_in + b->spine_add_in;
    for (size_t i = 0; i < GEOM_NELEM(geom_casewrap_spine); i++)
        if (pages <= geom_casewrap_spine[i].max_pages)
            return geom_casewrap_spine[i].spine_in;
    return geom_casewrap_spine[GEOM_NELEM(geom_casewrap_spine) - 1].spine_in;
}

int
geom_compute(const char *trim, const char *binding, int content_pages, struct geom *g,
             struct err *e)
{
    const struct geom_trim *t = geom_find_trim(trim);
    if (!t)
        return err_set(e, ERR_PERMANENT, "trim \"%s\": must be 8.5x8.5, 8x10 or 6x9",
                       trim ? trim : "(none)");
    const struct geom_binding *b = geom_find_binding(binding);
    if (!b)
        return err_set(e, ERR_PERMANENT, "binding \"%s\": must be hardcover or paperback",
                       binding ? binding : "(none)");
    if (content_pages < 1)
        return err_set(e, ERR_PERMANENT, "a book needs at least one page, got %d",
                       content_pages);

    int pages = content_pages < b->min_pages ? b->min_pages : content_pages;
    pages = (pages + b->multiple - 1) / b->multiple * b->multiple;
    if (pages > b->max_pages)
        return err_set(e, ERR_PERMANENT, "%d pages: a %s book has at most %d", pages,
                       b->name, b->max_pages);

    memset(g, 0, sizeof *g);
    g->trim_w_in = t->w_in;
    g->trim_h_in = t->h_in;
    g->bleed_in = GEOM_BLEED_IN;
    g->safety_in = GEOM_SAFETY_IN;
    g->page_w_pt = (t->w_in + 2 * GEOM_BLEED_IN) * GEOM_PT_PER_IN;
    g->page_h_pt = (t->h_in + 2 * GEOM_BLEED_IN) * GEOM_PT_PER_IN;
    g->art_w_px = (int)lround((t->w_in + 2 * GEOM_BLEED_IN) * GEOM_DPI);
    g->art_h_px = (int)lround((t->h_in + 2 * GEOM_BLEED_IN) * GEOM_DPI);
    g->content_pages = content_pages;
    g->interior_pages = pages;
    g->spine_in = geom_spine(b, pages);
    g->cover_w_pt = (2 * t->w_in + g->spine_in + 2 * GEOM_BLEED_IN) * GEOM_PT_PER_IN;
    g->cover_h_pt = (t->h_in + 2 * GEOM_BLEED_IN) * GEOM_PT_PER_IN;
    g->wrap_in = b->wrap_in;
    g->sheet_w_pt = g->cover_w_pt + 2 * b->wrap_in * GEOM_PT_PER_IN;
    g->sheet_h_pt = g->cover_h_pt + 2 * b->wrap_in * GEOM_PT_PER_IN;
    g->spine_text = pages >= b->spine_text_min_pages;
    return 0;
}
