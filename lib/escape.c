/*
 * escape.c — showing outside text safely (see escape.h).
 *
 * Used for drop names in logs, `storypress list`, reason files and the
 * database, and by order.c for the values quoted in its messages.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"

int
esc_hidden(gunichar u)
{
    /* Embedding, override and isolate controls reorder what follows them. */
    if ((u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
        return 1;
    /* Letters that draw nothing (Hangul fillers, blank braille) and the
     * non-characters. */
    if (u == 0x115F || u == 0x1160 || u == 0x3164 || u == 0xFFA0 || u == 0x2800)
        return 1;
    if ((u >= 0xFDD0 && u <= 0xFDEF) || (u & 0xFFFE) == 0xFFFE)
        return 1;
    switch (g_unichar_type(u)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
        return 1;
    default:
        return 0;
    }
}

void
esc_append(GString *out, const char *s, size_t len, size_t max, unsigned flags)
{
    int quotes = (flags & ESC_QUOTES) != 0;
    size_t i = 0, shown = 0, total = 0;
    if (quotes)
        g_string_append_c(out, '"');
    while (i < len) {
        gunichar u = g_utf8_get_char_validated(s + i, (gssize)(len - i));
        int valid = u != (gunichar)-1 && u != (gunichar)-2;
        size_t step = valid ? (size_t)(g_utf8_next_char(s + i) - (s + i)) : 1;
        total++;
        if (!max || shown < max) {
            shown++;
            if (!valid)
                g_string_append_printf(out, "\\x%02X", (unsigned char)s[i]);
            else if ((u == '"' && quotes) || u == '\\')
                g_string_append_printf(out, "\\%c", (char)u);
            else if (u == '\n')
                g_string_append(out, "\\n");
            else if (u == '\t')
                g_string_append(out, "\\t");
            else if (u == '\r')
                g_string_append(out, "\\r");
            else if (esc_hidden(u))
                g_string_append_printf(out, "\\u%04X", (unsigned)u);
            else
                g_string_append_len(out, s + i, (gssize)step);
        }
        i += step;
    }
    if (quotes)
        g_string_append_c(out, '"');
    if (total > shown)
        g_string_append_printf(out, "... (%zu characters)", total);
}

char *
esc_str(const char *s)
{
    return esc_cut(s, 0);
}

char *
esc_cut(const char *s, size_t max)
{
    GString *g = g_string_new(NULL);
    if (s)
        esc_append(g, s, strlen(s), max, 0);
    char *r = strdup(g->str);
    g_string_free(g, TRUE);
    if (!r)
        abort();
    return r;
}

int
esc_plain(const char *s)
{
    char *e = esc_str(s);
    int same = strcmp(e, s) == 0;
    free(e);
    return same;
}
