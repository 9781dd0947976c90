/*
 * shape.h — cairo paths that both the illustrator and the PDF renderer
 * draw, and that know nothing of books.
 */
#ifndef STORYPRESS_SHAPE_H
#define STORYPRESS_SHAPE_H

#include <cairo.h>

/* Adds a rectangle with corners rounded to radius r (at most half the
 * shorter side) to the current path, as a closed sub-path. */
void shape_round_rect(cairo_t *cr, double x, double y, double w, double h, double r);

#endif
