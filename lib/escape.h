/*
 * escape.h — text from outside (drop names, offending values, anything a
 * shop or a file system hands us) made safe to show to a person: in a
 * terminal, in a log line, in a reason file, in the database.
 *
 * The escaped form is always valid UTF-8 and one line, and tells different
 * inputs apart (a backslash is itself escaped): printable characters stay as
 * they are; \n \t \r and \\ are written so; other control, format,
 * bidirectional, unassigned, private-use and non-characters as \uXXXX
 * (the code point in hex, four digits or more); bytes that are not UTF-8
 * as \xNN.  This is the one escaping function of storypress.
 */
#ifndef STORYPRESS_ESCAPE_H
#define STORYPRESS_ESCAPE_H

#include <glib.h>
#include <stddef.h>

#define ESC_QUOTES 1u /* put "..." around it, and escape " inside */

/* Appends the len bytes at s (any bytes at all) to out, escaped.  At most
 * max characters of s are shown (0: all), then "... (N characters)". */
void esc_append(GString *out, const char *s, size_t len, size_t max, unsigned flags);

/* The NUL-terminated s escaped whole, without quotes: a fresh string
 * (free()), never NULL. */
char *esc_str(const char *s);

/* The same, cut after max characters (0: all) with "... (N characters)":
 * for a line of a listing, where "%.100s" could split a character. */
char *esc_cut(const char *s, size_t max);

/* 1 when s needs no escaping (esc_str(s) would equal s). */
int esc_plain(const char *s);

/* 1 when the character u is shown escaped: it hides, moves or reorders
 * text, or is no character at all. */
int esc_hidden(gunichar u);

#endif
