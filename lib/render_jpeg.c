/*
 * render_jpeg.c — illustrations into the PDF without re-compression.
 *
 * cairo's PDF backend writes a surface's attached JPEG bytes (mime data) as
 * a DCTDecode image instead of its pixels.  So we never decode: we read the
 * file once, check its frame header (size, colour, coding) ourselves, give
 * cairo an empty surface of that size, and attach the bytes, which live
 * until cairo drops the surface.
 *
 * The checks matter: if cairo cannot parse the JPEG it silently falls back
 * to the surface's pixels, and the page would print black.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "geom.h"
#include "render_priv.h"

static int
render_jpeg_sof_ok(int marker)
{
    /* SOF0 baseline, SOF1 extended sequential, SOF2 progressive: Huffman
     * coded DCT, which PDF's DCTDecode reads (progressive since PDF 1.3). */
    return marker == 0xC0 || marker == 0xC1 || marker == 0xC2;
}

static int
render_jpeg_is_sof(int marker)
{
    /* C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
           marker != 0xCC;
}

int
render_jpeg_parse(const unsigned char *d, size_t n, const char *name,
                  struct render_jpeg_info *info, struct err *e)
{
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return err_set(e, ERR_PERMANENT, "%s: not a JPEG file", name);
    if (d[n - 2] != 0xFF || d[n - 1] != 0xD9)
        return err_set(e, ERR_PERMANENT, "%s: truncated JPEG (no end marker)", name);
    size_t pos = 2;
    for (;;) {
        if (pos + 2 > n || d[pos] != 0xFF)
            return err_set(e, ERR_PERMANENT, "%s: corrupt JPEG (bad marker at byte %zu)",
                           name, pos);
        while (pos + 1 < n && d[pos + 1] == 0xFF) /* fill bytes */
            pos++;
        if (pos + 2 > n)
            break;
        int marker = d[pos + 1];
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += 2; /* standalone markers carry no length */
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA)
            break; /* end of image or start of scan before any frame header */
        if (pos + 4 > n)
            break;
        size_t len = (size_t)d[pos + 2] << 8 | d[pos + 3];
        if (len < 2 || pos + 2 + len > n)
            break;
        if (render_jpeg_is_sof(marker)) {
            if (len < 8)
                break;
            const unsigned char *s = d + pos + 4;
            int precision = s[0];
            info->height = s[1] << 8 | s[2];
            info->width = s[3] << 8 | s[4];
            info->components = s[5];
            info->progressive = marker == 0xC2;
            if (!render_jpeg_sof_ok(marker))
                return err_set(e, ERR_PERMANENT,
                               "%s: lossless, hierarchical or arithmetic-coded JPEG "
                               "(frame type 0x%02X): a PDF cannot carry it; write a "
                               "baseline JPEG",
                               name, marker);
            if (precision != 8)
                return err_set(e, ERR_PERMANENT, "%s: %d-bit JPEG: a PDF needs 8 bits",
                               name, precision);
            if (info->components == 4)
                return err_set(e, ERR_PERMANENT,
                               "%s: CMYK JPEG: the printer wants sRGB illustrations",
                               name);
            if (info->components != 1 && info->components != 3)
                return err_set(e, ERR_PERMANENT, "%s: JPEG with %d colour components",
                               name, info->components);
            if (info->width == 0 || info->height == 0)
                return err_set(e, ERR_PERMANENT, "%s: JPEG without a size", name);
            return 0;
        }
        pos += 2 + len;
    }
    return err_set(e, ERR_PERMANENT, "%s: corrupt JPEG (no frame header)", name);
}

cairo_surface_t *
render_jpeg_load(const char *dir, const char *name, int want_w, int want_h, struct err *e)
{
    char *path = fsu_join(dir, name);
    char *data = NULL;
    size_t len = 0;
    int rc = fsu_read_file(AT_FDCWD, path, RENDER_JPEG_MAX_BYTES, &data, &len, e);
    free(path);
    if (rc < 0) {
        /* The art stage wrote every picture before handing on: a missing or
         * odd one will not appear by waiting, unless the disk itself failed. */
        if (e && e->kind == ERR_INVALID)
            e->kind = ERR_PERMANENT;
        return NULL;
    }
    struct render_jpeg_info info;
    if (render_jpeg_parse((const unsigned char *)data, len, name, &info, e) < 0) {
        free(data);
        return NULL;
    }
    if (info.width != want_w || info.height != want_h) {
        err_set(e, ERR_PERMANENT, "%s: %d×%d pixels, the page needs %d×%d (%d dpi)", name,
                info.width, info.height, want_w, want_h, GEOM_DPI);
        free(data);
        return NULL;
    }
    /* An empty recording surface of the picture's size stands for it: cairo
     * writes the attached JPEG and never looks for pixels.  An image
     * surface would work too, but cairo copies an image surface's pixels
     * (copy on write, 27 MB for an 8.5 in page) when it is destroyed while
     * the PDF still holds a snapshot of it, on every page. */
    cairo_rectangle_t extents = {0, 0, want_w, want_h};
    cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, &extents);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        err_set(e, ERR_TRANSIENT, "%s: cannot make a %d×%d surface: %s", name, want_w,
                want_h, cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        free(data);
        return NULL;
    }
    cairo_status_t st = cairo_surface_set_mime_data(
        s, CAIRO_MIME_TYPE_JPEG, (const unsigned char *)data, len, free, data);
    if (st != CAIRO_STATUS_SUCCESS) {
        err_set(e, ERR_TRANSIENT, "%s: cannot attach the JPEG data: %s", name,
                cairo_status_to_string(st));
        cairo_surface_destroy(s);
        free(data);
        return NULL;
    }
    return s;
}
