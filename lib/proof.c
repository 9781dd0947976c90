/*
 * proof.c — the proof before print (see proof.h): previews rendered from
 * the PDFs with poppler, and the three decisions.
 *
 * Why poppler and not the renderer: the proof must show what the printer
 * will get, so it is drawn from the PDF files themselves, not from the
 * inputs they were made from.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <poppler.h>

#include "art.h"
#include "fsutil.h"
#include "geom.h"
#include "glyphs.h"
#include "log.h"
#include "proof.h"
#include "render.h"
#include "story.h"
#include "transit.h"

#define PROOF_DIR "proof"
#define PROOF_QUALITY 85
#define PROOF_THUMB_PX 160 /* width of a page on the contact sheet */
#define PROOF_COLUMNS 6
#define PROOF_MAX_PAGES 400
#define PROOF_ORDER_JSON_MAX (512 * 1024)

int
proof_wanted(const struct config *cfg, const json_t *order)
{
    const json_t *p = json_object_get(json_object_get(order, "book"), "proof");
    if (json_is_boolean(p))
        return json_is_true(p);
    return config_bool(cfg, "proof_required");
}

/* ---- previews ------------------------------------------------------------ */

static PopplerDocument *
proof_open_pdf(const char *path, struct err *e)
{
    GError *ge = NULL;
    char *abs = g_canonicalize_filename(path, NULL);
    char *uri = g_filename_to_uri(abs, NULL, &ge);
    g_free(abs);
    if (!uri) {
        err_set(e, ERR_PERMANENT, "%s: %s", path, ge ? ge->message : "no URI");
        g_clear_error(&ge);
        return NULL;
    }
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &ge);
    g_free(uri);
    if (!doc) {
        /* The PDF was just written by us: unreadable means damaged. */
        err_set(e, ERR_PERMANENT, "%s: poppler cannot read it: %s", path,
                ge ? ge->message : "unknown error");
        g_clear_error(&ge);
    }
    return doc;
}

/* One page at dpi on white, as a new RGB24 image surface. */
static cairo_surface_t *
proof_render_page(PopplerDocument *doc, int i, int dpi, struct err *e)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page) {
        err_set(e, ERR_PERMANENT, "page %d: poppler cannot load it", i + 1);
        return NULL;
    }
    double w_pt, h_pt;
    poppler_page_get_size(page, &w_pt, &h_pt);
    /* The same size as pdftoppm -r dpi gives, so the two can be compared. */
    int w = (int)ceil(w_pt * dpi / 72.0), h = (int)ceil(h_pt * dpi / 72.0);
    if (w < 1 || h < 1 || w > 20000 || h > 20000) {
        g_object_unref(page);
        err_set(e, ERR_PERMANENT, "page %d: odd size %.0f×%.0f pt", i + 1, w_pt, h_pt);
        return NULL;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        g_object_unref(page);
        err_set(e, ERR_TRANSIENT, "page %d: out of memory for %d×%d pixels", i + 1, w, h);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72.0, dpi / 72.0);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    g_object_unref(page);
    cairo_surface_flush(s);
    return s;
}

/* Puts page surface s into cell i of the contact sheet. */
static void
proof_contact_cell(cairo_t *cr, cairo_surface_t *s, int i, int cell_w, int cell_h)
{
    int pw = cairo_image_surface_get_width(s), ph = cairo_image_surface_get_height(s);
    double scale = fmin((double)(cell_w - 8) / pw, (double)(cell_h - 24) / ph);
    double x = (i % PROOF_COLUMNS) * cell_w + (cell_w - pw * scale) / 2;
    double y = (i / PROOF_COLUMNS) * cell_h + 4;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x - 0.5, y - 0.5, pw * scale + 1, ph * scale + 1);
    cairo_stroke(cr);
    char label[16];
    snprintf(label, sizeof label, "%d", i + 1);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_font_size(cr, 12);
    cairo_text_extents_t te;
    cairo_text_extents(cr, label, &te);
    cairo_move_to(cr, (i % PROOF_COLUMNS) * cell_w + (cell_w - te.width) / 2,
                  y + ph * scale + 16);
    cairo_show_text(cr, label);
}

/* Renders every page of dir/interior.pdf to out/page-NN.jpg and the
 * contact sheet, and dir/cover.pdf's first page to out/cover.jpg. */
static int
proof_render_all(const char *dir, const char *out, int dpi, int *npages, struct err *e)
{
    char *path = fsu_join(dir, "interior.pdf");
    PopplerDocument *doc = proof_open_pdf(path, e);
    free(path);
    if (!doc)
        return -1;
    int n = poppler_document_get_n_pages(doc), rc = 0;
    if (n < 1 || n > PROOF_MAX_PAGES) {
        g_object_unref(doc);
        return err_set(e, ERR_PERMANENT, "interior.pdf: %d pages", n);
    }
    cairo_surface_t *sheet = NULL;
    cairo_t *cr = NULL;
    for (int i = 0; i < n && rc == 0; i++) {
        cairo_surface_t *s = proof_render_page(doc, i, dpi, e);
        if (!s) {
            rc = err_prefix(e, "interior.pdf");
            break;
        }
        if (!sheet) {
            int pw = cairo_image_surface_get_width(s),
                ph = cairo_image_surface_get_height(s);
            int cell_w = PROOF_THUMB_PX + 8;
            int cell_h = (int)ceil((double)PROOF_THUMB_PX * ph / pw) + 28;
            int rows = (n + PROOF_COLUMNS - 1) / PROOF_COLUMNS;
            sheet = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cell_w * PROOF_COLUMNS,
                                               cell_h * rows);
            cr = cairo_create(sheet);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_paint(cr);
        }
        int cell_w = cairo_image_surface_get_width(sheet) / PROOF_COLUMNS;
        int rows = (n + PROOF_COLUMNS - 1) / PROOF_COLUMNS;
        proof_contact_cell(cr, s, i, cell_w,
                           cairo_image_surface_get_height(sheet) / rows);
        char name[32], *p;
        snprintf(name, sizeof name, "page-%02d.jpg", i + 1);
        p = fsu_join(out, name);
        rc = art_write_jpeg(s, p, PROOF_QUALITY, e);
        free(p);
        cairo_surface_destroy(s);
    }
    g_object_unref(doc);
    if (cr)
        cairo_destroy(cr);
    if (rc == 0 && cairo_surface_status(sheet) != CAIRO_STATUS_SUCCESS)
        rc = err_set(e, ERR_TRANSIENT, "contact sheet: out of memory");
    if (rc == 0) {
        char *p = fsu_join(out, "contact.jpg");
        rc = art_write_jpeg(sheet, p, PROOF_QUALITY, e);
        free(p);
    }
    if (sheet)
        cairo_surface_destroy(sheet);
    if (rc < 0)
        return -1;
    path = fsu_join(dir, "cover.pdf");
    doc = proof_open_pdf(path, e);
    free(path);
    if (!doc)
        return -1;
    cairo_surface_t *s =
        poppler_document_get_n_pages(doc) >= 1 ? proof_render_page(doc, 0, dpi, e) : NULL;
    if (!s && poppler_document_get_n_pages(doc) < 1)
        err_set(e, ERR_PERMANENT, "cover.pdf: no page");
    g_object_unref(doc);
    if (!s)
        return err_prefix(e, "cover.pdf");
    path = fsu_join(out, "cover.jpg");
    rc = art_write_jpeg(s, path, PROOF_QUALITY, e);
    free(path);
    cairo_surface_destroy(s);
    *npages = n;
    return rc;
}

/* With Lulu, the proof goes where the print files go: copies under an
 * unguessable folder of lulu_publish_dir, listed as URLs. */
static int
proof_publish(const struct config *cfg, const char *id, const char *dir, json_t *listing,
              struct err *e)
{
    if (strcmp(config_str(cfg, "print_provider"), "lulu") != 0)
        return 0;
    const char *pdir = config_str(cfg, "lulu_publish_dir"),
               *purl = config_str(cfg, "lulu_publish_url");
    if (!*pdir || !*purl)
        return 0; /* the print stage refuses this configuration itself */
    char *uuid = g_uuid_string_random(), *sub = NULL;
    if (asprintf(&sub, "%s/proof-%s-%s", pdir, id, uuid) < 0)
        abort();
    g_free(uuid);
    int rc = fsu_mkdir_p(sub, 0755, e);
    json_t *urls = json_array(), *files = json_object_get(listing, "files");
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        if (rc < 0)
            break;
        const char *rel = json_string_value(f), *base = strrchr(rel, '/');
        base = base ? base + 1 : rel;
        char *src = fsu_join(dir, rel), *dst = fsu_join(sub, base), *url = NULL;
        rc = fsu_copy_file(src, dst, e);
        if (rc == 0 && chmod(dst, 0644) < 0)
            rc = err_errno(e, errno, "chmod %s", dst);
        size_t ul = strlen(purl);
        while (ul > 0 && purl[ul - 1] == '/') /* as print_lulu.c: no "//" */
            ul--;
        if (asprintf(&url, "%.*s/%s/%s", (int)ul, purl, strrchr(sub, '/') + 1, base) < 0)
            abort();
        json_array_append_new(urls, json_string(url));
        free(url);
        free(src);
        free(dst);
    }
    free(sub);
    if (rc < 0) {
        json_decref(urls);
        return err_prefix(e, "order %s: publishing the proof", id);
    }
    json_object_set_new(listing, "urls", urls);
    return 0;
}

int
proof_previews(const struct config *cfg, const char *id, const char *dir,
               json_t **listing, struct err *e)
{
    if (listing)
        *listing = NULL;
    char *tmp = fsu_join(dir, ".proof.new"), *old = fsu_join(dir, ".proof.old"),
         *final = fsu_join(dir, PROOF_DIR);
    int n = 0, rc = fsu_remove_tree(tmp, e);
    if (rc == 0)
        rc = fsu_remove_tree(old, e);
    if (rc == 0 && mkdir(tmp, 0755) < 0)
        rc = err_errno(e, errno, "%s", tmp);
    if (rc == 0)
        rc = proof_render_all(dir, tmp, (int)config_int(cfg, "proof_dpi"), &n, e);
    if (rc == 0 && rename(final, old) < 0 && errno != ENOENT)
        rc = err_errno(e, errno, "%s", final);
    if (rc == 0 && rename(tmp, final) < 0)
        rc = err_errno(e, errno, "%s", final);
    if (rc == 0)
        rc = fsu_fsync_dir(dir, e);
    if (rc == 0)
        fsu_remove_tree(old, NULL);
    else
        fsu_remove_tree(tmp, NULL);
    free(tmp);
    free(old);
    free(final);
    if (rc < 0)
        return err_prefix(e, "order %s: proof", id);
    json_t *l = json_pack("{s:i, s:[]}", "pages", n, "files");
    json_t *files = json_object_get(l, "files");
    for (int i = 1; i <= n; i++) {
        char name[40];
        snprintf(name, sizeof name, PROOF_DIR "/page-%02d.jpg", i);
        json_array_append_new(files, json_string(name));
    }
    json_array_append_new(files, json_string(PROOF_DIR "/cover.jpg"));
    json_array_append_new(files, json_string(PROOF_DIR "/contact.jpg"));
    if (proof_publish(cfg, id, dir, l, e) < 0) {
        json_decref(l);
        return -1;
    }
    log_order(LOG_INFO, id, "proof: %d page previews, cover and contact sheet", n);
    if (listing)
        *listing = l;
    else
        json_decref(l);
    return 0;
}

/* ---- decisions ----------------------------------------------------------- */

/* The decisions' lock (proof/.lock), held with flock until closed. */
static int
proof_lock(struct spool *sp, struct err *e)
{
    int fd = openat(sp->dirfd[ST_PROOF], ".lock",
                    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return err_errno(e, errno, "proof/.lock");
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int saved = errno;
            close(fd);
            return err_errno(e, saved, "proof/.lock: flock");
        }
    }
    return fd;
}

/* Removes every proof/.redo-* (under the lock). */
static int
proof_sweep_locked(struct spool *sp)
{
    int fd = dup(sp->dirfd[ST_PROOF]), removed = 0;
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, ".redo-", 6) != 0)
            continue;
        char *p = spool_entry_path(sp, ST_PROOF, de->d_name);
        if (fsu_remove_tree(p, NULL) == 0) {
            log_order(LOG_NOTICE, de->d_name + 6,
                      "proof: removed what an interrupted redo left");
            removed++;
        }
        free(p);
    }
    closedir(d);
    return removed;
}

int
proof_sweep(struct spool *sp, struct err *e)
{
    int fd = proof_lock(sp, e);
    if (fd < 0)
        return -1;
    int n = proof_sweep_locked(sp);
    close(fd);
    return n;
}

/* 0 when the order waits in proof/ (its path in *path), else ERR_INVALID
 * saying where it is. */
static int
proof_find(struct spool *sp, const char *id, char **path, struct err *e)
{
    *path = NULL;
    if (!spool_id_ok(id))
        return err_set(e, ERR_INVALID, "order_id: \"%.64s\" is not an order id", id);
    struct stat st;
    if (fstatat(sp->dirfd[ST_PROOF], id, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(st.st_mode)) {
        *path = spool_entry_path(sp, ST_PROOF, id);
        return 0;
    }
    int places = 0;
    char *where = NULL;
    enum state s = spool_locate(sp, id, &places, &where);
    free(where);
    if (s == ST_NONE)
        return err_set(e, ERR_INVALID, "order_id: %s: no such order in the spool", id);
    return err_set(e, ERR_INVALID, "order_id: %s is not in proof (it is in %s/)", id,
                   state_name(s));
}

/* error.json of an order rejected at proof, in its folder. */
static int
proof_write_error(const char *path, const char *id, const char *worker, const char *why,
                  struct err *e)
{
    char at[40];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *ej = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "order_id", id, "stage", "proof",
                           "error", why, "attempts", 0, "worker", worker, "at", at);
    char *text = json_dumps(ej, JSON_INDENT(2));
    json_decref(ej);
    if (!text)
        abort();
    int rc = fsu_write_atomic(path, "error.json", text, strlen(text), e);
    free(text);
    return rc;
}

/* A decision about the order id waiting in proof/, under the proof lock:
 * approved (why NULL) it moves to print/; rejected it leaves error.json
 * saying why, then moves to failed/. */
static int
proof_decide(struct spool *sp, struct db *db, const char *worker, const char *id,
             const char *by, const char *why, struct err *e)
{
    int fd = proof_lock(sp, e);
    if (fd < 0)
        return -1;
    proof_sweep_locked(sp);
    char *path;
    int rc = proof_find(sp, id, &path, e);
    if (rc == 0 && why)
        rc = proof_write_error(path, id, worker, why, e);
    if (rc == 0) {
        json_t *d = why ? json_pack("{s:s, s:s, s:s}", "action", "reject", "by", by, "error", why)
                        : json_pack("{s:s, s:s}", "action", "approve", "by", by);
        rc = transit_move(sp, db, worker, id, path, ST_PROOF, why ? ST_FAILED : ST_PRINT, d,
                          e);
        json_decref(d);
    }
    free(path);
    close(fd);
    return rc;
}

int
proof_approve(struct spool *sp, struct db *db, const char *worker, const char *id,
              const char *by, struct err *e)
{
    return proof_decide(sp, db, worker, id, by, NULL, e);
}

int
proof_reject(struct spool *sp, struct db *db, const char *worker, const char *id,
             const char *by, const char *reason, struct err *e)
{
    char *why = NULL;
    if (asprintf(&why, "rejected at proof by %s: %s", by, reason) < 0)
        abort();
    int rc = proof_decide(sp, db, worker, id, by, why, e);
    free(why);
    return rc;
}

/* ---- redo ---------------------------------------------------------------- */

/* Hard-links the tree src into dst (made here), skipping dot names and, at
 * the top, the previews (made anew). */
static int
proof_link_tree(const char *src, const char *dst, int top, struct err *e)
{
    if (mkdir(dst, 0755) < 0)
        return err_errno(e, errno, "%s", dst);
    DIR *d = opendir(src);
    if (!d)
        return err_errno(e, errno, "%s", src);
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.' || (top && strcmp(de->d_name, PROOF_DIR) == 0))
            continue;
        char *s = fsu_join(src, de->d_name), *t = fsu_join(dst, de->d_name);
        struct stat st;
        if (lstat(s, &st) < 0)
            rc = err_errno(e, errno, "%s", s);
        else if (S_ISDIR(st.st_mode))
            rc = proof_link_tree(s, t, 0, e);
        else if (S_ISREG(st.st_mode) && link(s, t) < 0)
            rc = err_errno(e, errno, "link %s", t);
        free(s);
        free(t);
    }
    closedir(d);
    if (rc == 0)
        rc = fsu_fsync_dir(dst, e);
    return rc;
}

static double
proof_api_cost(struct db *db, const char *id, struct err *e)
{
    const char *p[] = {id};
    PGresult *r = db_exec(
        db, e, "SELECT coalesce(sum(cost), 0)::float8 FROM api_calls WHERE order_id = $1",
        1, p);
    if (!r)
        return -1;
    double c = strtod(PQgetvalue(r, 0, 0), NULL);
    PQclear(r);
    return c;
}

static long
proof_redos_done(struct db *db, const char *id, struct err *e)
{
    const char *p[] = {id};
    PGresult *r =
        db_exec(db, e, "SELECT count(*) FROM proof_redos WHERE order_id = $1", 1, p);
    if (!r)
        return -1;
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

static json_t *
proof_load_json(const char *dir, const char *name, struct err *e)
{
    char *p = fsu_join(dir, name), *buf;
    size_t len;
    int rc = fsu_read_file(AT_FDCWD, p, PROOF_ORDER_JSON_MAX, &buf, &len, e);
    free(p);
    if (rc < 0)
        return NULL;
    json_error_t je;
    json_t *j = json_loadb(buf, len, 0, &je);
    free(buf);
    if (!j)
        err_set(e, ERR_PERMANENT, "%s: line %d: %s", name, je.line, je.text);
    return j;
}

/* FNV-1a of the order id: the base of a redrawn picture's seed. */
static unsigned
proof_seed(const char *id, int page, long redo)
{
    uint32_t h = 2166136261u;
    for (const char *s = id; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h ^= (uint32_t)page * 0x9E3779B9u;
    h ^= (uint32_t)(redo + 1) * 0x85EBCA6Bu;
    h = (h ^ (h >> 15)) * 0x2C1B3C6Du;
    return h ^ (h >> 12);
}

/* Draws the pages of rq again into art (the scratch book's art/). */
static int
proof_redraw(const struct config *cfg, struct db *db, const char *id, const json_t *order,
             const json_t *story, const char *art, const struct proof_redo *rq, long redo,
             struct err *e)
{
    for (size_t i = 0; i < rq->npages; i++) {
        char name[32], *p;
        snprintf(name, sizeof name, "page-%02d.jpg", rq->pages[i]);
        p = fsu_join(art, name);
        int gone = unlink(p) == 0 || errno == ENOENT;
        free(p);
        if (!gone)
            return err_errno(e, errno, "%s/%s", art, name);
    }
    if (strcmp(config_str(cfg, "art_provider"), "builtin") != 0)
        /* A remote illustrator draws what is missing, each call costed. */
        return art_draw_book(cfg, db, order, story, art, e);
    /* The built-in one is deterministic: a new seed gives a new picture of
     * the same scene and the same child. */
    const json_t *book = json_object_get(order, "book");
    const char *trim = json_string_value(json_object_get(book, "trim"));
    const char *binding = json_string_value(json_object_get(book, "binding"));
    const char *style = json_string_value(json_object_get(book, "style"));
    const json_t *pages = json_object_get(story, "pages");
    struct geom g;
    if (geom_compute(trim ? trim : "8.5x8.5", binding ? binding : "hardcover",
                     (int)json_array_size(pages), &g, e) < 0)
        return -1;
    struct art_character ch;
    art_character_from_order(order, &ch);
    for (size_t i = 0; i < rq->npages; i++) {
        int n = rq->pages[i];
        const json_t *scene =
            json_object_get(json_array_get(pages, (size_t)n - 1), "scene");
        cairo_surface_t *s =
            art_builtin_draw(&ch, scene, style ? style : "watercolour", g.art_w_px,
                             g.art_h_px, proof_seed(id, n, redo), e);
        if (!s)
            return -1;
        char name[32], *p;
        snprintf(name, sizeof name, "page-%02d.jpg", n);
        p = fsu_join(art, name);
        int rc = art_write_jpeg(s, p, (int)config_int(cfg, "art_jpeg_quality"), e);
        free(p);
        cairo_surface_destroy(s);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Records the redo (before the swap: the database may be a step ahead of
 * the spool, never behind, as for moves). */
static int
proof_record(struct db *db, const char *id, const struct proof_redo *rq, long images,
             double cost, struct err *e)
{
    GString *pages = g_string_new("{");
    for (size_t i = 0; i < rq->npages; i++)
        g_string_append_printf(pages, "%s%d", i ? "," : "", rq->pages[i]);
    g_string_append_c(pages, '}');
    char nimg[24], ncost[40];
    snprintf(nimg, sizeof nimg, "%ld", images);
    snprintf(ncost, sizeof ncost, "%.6f", cost);
    const char *p[] = {
        id, rq->by, pages->str, rq->text ? "t" : "f", rq->art ? "t" : "f", nimg, ncost};
    PGresult *r =
        db_exec(db, e,
                "INSERT INTO proof_redos (order_id, by, pages, new_text, new_art,"
                " images, cost) VALUES ($1, $2, $3::integer[], $4::boolean,"
                " $5::boolean, $6::integer, $7::numeric)",
                7, p);
    g_string_free(pages, TRUE);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

static int
proof_redo_locked(const struct config *cfg, struct spool *sp, struct db *db,
                  const char *id, const struct proof_redo *rq, json_t **result,
                  struct err *e)
{
    char *path = NULL, *scratch = NULL, *name = NULL, *art = NULL;
    json_t *order = NULL, *story = NULL, *listing = NULL;
    int rc = proof_find(sp, id, &path, e);
    if (rc < 0)
        goto out;
    rc = -1;
    if (rq->npages == 0 || (!rq->text && !rq->art)) {
        err_set(e, ERR_INVALID,
                "redo: name the pages and what to change (new text, new art)");
        goto out;
    }
    if (!(order = proof_load_json(path, "order.json", e)) ||
        !(story = story_load(path, order, NULL, e)))
        goto out;
    size_t n = json_array_size(json_object_get(story, "pages"));
    for (size_t i = 0; i < rq->npages; i++)
        if (rq->pages[i] < 1 || (size_t)rq->pages[i] > n) {
            err_set(e, ERR_INVALID,
                    "pages[%zu]: page %d is out of range: the book has %zu "
                    "story pages",
                    i, rq->pages[i], n);
            goto out;
        }
    long done = proof_redos_done(db, id, e);
    if (done < 0)
        goto out;
    long max = config_int(cfg, "max_redos");
    if (done >= max) {
        err_set(e, ERR_INVALID,
                "order_id: %s has had %ld redo%s, the most an order may have "
                "(max_redos = %ld)",
                id, done, done == 1 ? "" : "s", max);
        goto out;
    }
    if (asprintf(&name, ".redo-%s", id) < 0)
        abort();
    scratch = spool_entry_path(sp, ST_PROOF, name);
    if (fsu_remove_tree(scratch, e) < 0 || proof_link_tree(path, scratch, 1, e) < 0)
        goto out;
    if (rq->text) {
        for (size_t i = 0; i < rq->npages; i++) {
            json_t *pg =
                json_array_get(json_object_get(story, "pages"), (size_t)rq->pages[i] - 1);
            json_object_set_new(pg, "text", json_string(rq->text));
        }
        if (story_validate(story, order, e) < 0) {
            err_prefix(e, "text");
            e->kind = ERR_INVALID;
            goto out;
        }
        /* Asked now, as the incoming stage asks of an order's fields: a
         * character no font has would otherwise fail the book in pdf/,
         * after its pictures were drawn again. */
        struct glyphs *g = glyphs_open(config_str(cfg, "font"), e);
        if (!g)
            goto out;
        char *refusal = glyphs_unprintable(g, rq->text);
        glyphs_close(g);
        if (refusal) {
            err_set(e, ERR_INVALID, "text: %s", refusal);
            free(refusal);
            goto out;
        }
        char *text = json_dumps(story, JSON_INDENT(2));
        if (!text)
            abort();
        int w = fsu_write_atomic(scratch, "story.json", text, strlen(text), e);
        free(text);
        if (w < 0)
            goto out;
    }
    double before = proof_api_cost(db, id, e);
    if (before < 0)
        goto out;
    art = fsu_join(scratch, "art");
    if (rq->art && proof_redraw(cfg, db, id, order, story, art, rq, done, e) < 0)
        goto out;
    if (render_book(cfg, order, story, scratch, e) < 0)
        goto out;
    if (proof_previews(cfg, id, scratch, &listing, e) < 0)
        goto out;
    double after = proof_api_cost(db, id, e);
    if (after < 0)
        goto out;
    if (fsu_fsync_dir(art, e) < 0 || fsu_fsync_dir(scratch, e) < 0)
        goto out;
    if (proof_record(db, id, rq, rq->art ? (long)rq->npages : 0, after - before, e) < 0)
        goto out;
    /* The swap: one rename exchanges the two folders. */
    if (renameat2(sp->dirfd[ST_PROOF], name, sp->dirfd[ST_PROOF], id, RENAME_EXCHANGE) <
        0) {
        err_errno(e, errno, "proof/%s: cannot swap the new book in", id);
        goto out;
    }
    if (fsync(sp->dirfd[ST_PROOF]) < 0)
        log_order(LOG_WARNING, id, "proof/: fsync: %s", strerror(errno));
    json_t *pages = json_array();
    for (size_t i = 0; i < rq->npages; i++)
        json_array_append_new(pages, json_integer(rq->pages[i]));
    /* The shop hears proof_ready again (webhook.h), with the new previews.
     * After the swap, so that what it fetches is the new book; a crash
     * between the two loses only this notice, never the redo. */
    json_t *ev = json_pack("{s:I, s:O, s:O}", "redo", (json_int_t)done + 1, "pages", pages,
                           "proof", listing);
    struct err ee = {0};
    if (!ev || db_record_in_place(db, id, ST_PROOF, rq->by, ev, &ee) < 0)
        log_order(LOG_WARNING, id, "proof: redo %ld done, but the shop was not told: %s",
                  done + 1, ev ? ee.msg : "out of memory");
    json_decref(ev);
    rc = 0;
    log_order(LOG_NOTICE, id,
              "proof: redo %ld of %zu page%s (%s%s%s), cost %.4f, back in proof/",
              done + 1, rq->npages, rq->npages == 1 ? "" : "s", rq->text ? "text" : "",
              rq->text && rq->art ? " and " : "", rq->art ? "art" : "", after - before);
    if (result)
        *result =
            json_pack("{s:o, s:b, s:b, s:I, s:f, s:I, s:O}", "pages", pages, "new_text",
                      rq->text != NULL, "new_art", rq->art, "images",
                      (json_int_t)(rq->art ? rq->npages : 0), "cost", after - before,
                      "redo", (json_int_t)done + 1, "proof", listing);
    else
        json_decref(pages);
out:
    if (scratch)
        fsu_remove_tree(scratch, NULL); /* the old book, or an unfinished new one */
    json_decref(listing);
    json_decref(order);
    json_decref(story);
    free(art);
    free(scratch);
    free(name);
    free(path);
    return rc;
}

int
proof_redo(const struct config *cfg, struct spool *sp, struct db *db, const char *id,
           const struct proof_redo *rq, json_t **result, struct err *e)
{
    if (result)
        *result = NULL;
    int fd = proof_lock(sp, e);
    if (fd < 0)
        return -1;
    proof_sweep_locked(sp);
    int rc = proof_redo_locked(cfg, sp, db, id, rq, result, e);
    close(fd);
    if (rc < 0 && e->kind != ERR_INVALID)
        err_prefix(e, "%s: redo", id);
    return rc;
}
