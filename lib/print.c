/*
 * print.c — the print stage's module (see print.h): picks the provider named
 * by print_provider, reads the order's print_jobs row before anything else,
 * and holds what every provider shares: the book's files, checksums and
 * page count, the row, print.json, unguessable names, file placement.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "print.h"

struct print {
    const struct print_provider *prov;
    void *st;
};

static const struct print_provider *const print_providers[] = {
    &print_outbox_provider,
    &print_lulu_provider,
    NULL,
};

struct print *
print_open(const struct config *cfg, struct err *e)
{
    const char *name = config_str(cfg, "print_provider");
    const struct print_provider *prov = NULL;
    for (size_t i = 0; print_providers[i]; i++)
        if (strcmp(print_providers[i]->name, name) == 0)
            prov = print_providers[i];
    if (!prov) {
        err_set(e, ERR_PERMANENT, "print_provider: no provider called \"%s\"", name);
        return NULL;
    }
    struct print *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->prov = prov;
    if (prov->open(cfg, &p->st, e) < 0) {
        err_prefix(e, "print provider %s", prov->name);
        free(p);
        return NULL;
    }
    return p;
}

void
print_close(struct print *p)
{
    if (!p)
        return;
    p->prov->close(p->st);
    free(p);
}

const char *
print_provider_name(const struct print *p)
{
    return p->prov->name;
}

/* A row left by another provider (print_provider changed while the order
 * was in print/): a finished job still counts, an unfinished one must be
 * finished by the provider that started it, never submitted again. */
static enum print_result
print_other_provider(struct print *p, const char *id, const char *dir,
                     struct print_row *row, json_t **detail, struct err *e)
{
    if (strcmp(row->state, "finished") != 0) {
        err_set(e, ERR_PERMANENT,
                "order %s: its print job was started with provider %s (state %s), but "
                "print_provider is now %s; switch back to finish it (a second job would "
                "print "
                "the book twice)",
                id, row->provider, row->state, p->prov->name);
        return PRINT_FAIL;
    }
    const char *st = row->status ? row->status : "";
    if (strcmp(st, "REJECTED") == 0 || strcmp(st, "CANCELED") == 0 ||
        strcmp(st, "ERROR") == 0) {
        const char *msg = print_row_message(row);
        err_set(e, ERR_PERMANENT, "order %s: print job %s at %s ended %s%s%s", id,
                row->provider_job_id ? row->provider_job_id : "?", row->provider, st,
                msg ? ": " : "", msg ? msg : "");
        return PRINT_FAIL;
    }
    json_t *res = print_row_result(row, id);
    int rc = print_write_result(dir, res, e);
    if (rc == 0 && detail)
        *detail = json_pack("{s:O}", "print", res);
    json_decref(res);
    if (rc < 0)
        return e->kind == ERR_TRANSIENT ? PRINT_RETRY : PRINT_FAIL;
    return PRINT_DONE;
}

enum print_result
print_order(struct print *p, struct db *db, const char *id, const json_t *order,
            const char *dir, long long *wait_until, json_t **detail, struct err *e)
{
    struct print_row row;
    if (detail)
        *detail = NULL;
    if (print_row_load(db, id, &row, e) < 0) {
        err_prefix(e, "order %s: print_jobs", id);
        return e->kind == ERR_TRANSIENT ? PRINT_RETRY : PRINT_FAIL;
    }
    enum print_result r;
    if (row.found && strcmp(row.provider, p->prov->name) != 0)
        r = print_other_provider(p, id, dir, &row, detail, e);
    else
        r = p->prov->order(p->st, db, id, order, dir, &row, wait_until, detail, e);
    print_row_free(&row);
    return r;
}

void
print_follow(struct print *p, struct db *db, volatile int *stopping)
{
    if (p->prov->follow)
        p->prov->follow(p->st, db, stopping);
}

/*
 * The book.
 */

static const char *
print_json_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* The order's field book.<key>, else <key> at the top. */
static const char *
print_book_field(const json_t *order, const char *key)
{
    const char *v = print_json_str(json_object_get(order, "book"), key);
    return v ? v : print_json_str(order, key);
}

json_t *
print_shipping_address(const json_t *order)
{
    /* Lulu's names first; the others are names a shop may use for them. */
    static const struct {
        const char *lulu, *alt1, *alt2;
    } fields[] = {
        {"name", "full_name", NULL},
        {"organization", "company", NULL},
        {"street1", "line1", "address1"},
        {"street2", "line2", "address2"},
        {"city", "town", NULL},
        {"state_code", "state", "region"},
        {"postcode", "postal_code", "zip"},
        {"country_code", "country", NULL},
        {"phone_number", "phone", NULL},
        {"email", NULL, NULL},
    };
    const json_t *ship = json_object_get(order, "shipping");
    json_t *addr = json_object();
    if (!addr)
        abort();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = print_json_str(ship, fields[i].lulu);
        if (!v && fields[i].alt1)
            v = print_json_str(ship, fields[i].alt1);
        if (!v && fields[i].alt2)
            v = print_json_str(ship, fields[i].alt2);
        if (!v && strcmp(fields[i].lulu, "email") == 0)
            v = print_json_str(json_object_get(order, "customer"), "email");
        if (v)
            json_object_set_new(addr, fields[i].lulu, json_string(v));
    }
    return addr;
}

/* The title printed on the cover, from story.json when it is there. */
static char *
print_book_title(const json_t *order, const char *dir)
{
    char *path = fsu_join(dir, "story.json"), *buf = NULL, *title = NULL;
    size_t len;
    struct err e;
    if (fsu_read_file(AT_FDCWD, path, 4 << 20, &buf, &len, &e) == 0) {
        json_t *story = json_loadb(buf, len, 0, NULL);
        const char *t = print_json_str(story, "title");
        if (t)
            title = strdup(t);
        json_decref(story);
        free(buf);
    }
    free(path);
    if (!title) {
        const char *child = print_json_str(json_object_get(order, "child"), "name");
        const char *id = print_json_str(order, "order_id");
        if (child) {
            if (asprintf(&title, "A book for %s", child) < 0)
                title = NULL;
        } else {
            title = strdup(id ? id : "A storypress book");
        }
    }
    if (!title)
        abort();
    /* Lulu's line item titles hold at most 255 characters; cut on a
     * character boundary. */
    size_t n = strlen(title);
    if (n > 255) {
        size_t cut = 255;
        while (cut > 0 && ((unsigned char)title[cut] & 0xC0) == 0x80)
            cut--;
        title[cut] = 0;
    }
    return title;
}

int
print_book_load(struct print_book *b, const char *id, const json_t *order,
                const char *dir, struct err *e)
{
    memset(b, 0, sizeof *b);
    b->id = id;
    b->order = order;
    b->dir = dir;
    b->interior = fsu_join(dir, "interior.pdf");
    b->cover = fsu_join(dir, "cover.pdf");
    b->trim = print_book_field(order, "trim");
    b->binding = print_book_field(order, "binding");
    b->shipping_level = print_json_str(order, "shipping_level");
    if (!b->shipping_level)
        b->shipping_level = print_json_str(json_object_get(order, "shipping"), "level");
    const json_t *pages = json_object_get(json_object_get(order, "book"), "pages");
    b->story_pages = json_is_integer(pages) ? (int)json_integer_value(pages) : 0;
    if (!b->trim || !b->binding || !b->shipping_level) {
        err_set(e, ERR_PERMANENT, "order %s: order.json has no %s", id,
                !b->trim      ? "book.trim"
                : !b->binding ? "book.binding"
                              : "shipping_level");
        goto fail;
    }
    if (!json_is_object(json_object_get(order, "shipping"))) {
        err_set(e, ERR_PERMANENT, "order %s: order.json has no shipping address", id);
        goto fail;
    }
    if (print_file_sums(b->interior, b->interior_sha256, b->interior_md5, e) < 0 ||
        print_file_sums(b->cover, b->cover_sha256, b->cover_md5, e) < 0) {
        err_prefix(e, "order %s", id);
        goto fail;
    }
    if (print_pdf_pages(b->interior, &b->page_count, e) < 0) {
        err_prefix(e, "order %s", id);
        goto fail;
    }
    b->title = print_book_title(order, dir);
    b->shipping_address = print_shipping_address(order);
    return 0;
fail:
    print_book_free(b);
    return -1;
}

void
print_book_free(struct print_book *b)
{
    free(b->interior);
    free(b->cover);
    free(b->title);
    json_decref(b->shipping_address);
    memset(b, 0, sizeof *b);
}

/*
 * The print_jobs row.
 */

static char *
print_col_str(PGresult *res, int col)
{
    if (PQgetisnull(res, 0, col))
        return NULL;
    char *s = strdup(PQgetvalue(res, 0, col));
    if (!s)
        abort();
    return s;
}

static json_t *
print_col_json(PGresult *res, int col)
{
    if (PQgetisnull(res, 0, col))
        return NULL;
    return json_loads(PQgetvalue(res, 0, col), 0, NULL);
}

int
print_row_load(struct db *db, const char *id, struct print_row *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    const char *params[] = {id};
    PGresult *res =
        db_exec(db, e,
                "SELECT provider, state, provider_job_id, status, cost::text, currency,"
                " checksums::text, published::text, status_detail::text,"
                " tracking::text FROM print_jobs WHERE order_id = $1",
                1, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 1) {
        r->found = 1;
        r->provider = print_col_str(res, 0);
        r->state = print_col_str(res, 1);
        r->provider_job_id = print_col_str(res, 2);
        r->status = print_col_str(res, 3);
        r->cost = print_col_str(res, 4);
        r->currency = print_col_str(res, 5);
        r->checksums = print_col_json(res, 6);
        r->published = print_col_json(res, 7);
        r->status_detail = print_col_json(res, 8);
        r->tracking = print_col_json(res, 9);
    }
    PQclear(res);
    return 0;
}

void
print_row_free(struct print_row *r)
{
    free(r->provider);
    free(r->state);
    free(r->provider_job_id);
    free(r->status);
    free(r->cost);
    free(r->currency);
    json_decref(r->checksums);
    json_decref(r->published);
    json_decref(r->status_detail);
    json_decref(r->tracking);
    memset(r, 0, sizeof *r);
}

json_t *
print_book_checksums(const struct print_book *b)
{
    json_t *o = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}", "interior", "sha256",
                          b->interior_sha256, "md5", b->interior_md5, "cover", "sha256",
                          b->cover_sha256, "md5", b->cover_md5);
    if (!o)
        abort();
    return o;
}

/* A JSON value as text for a query parameter (NULL for NULL); fresh. */
static char *
print_json_param(const json_t *v)
{
    if (!v)
        return NULL;
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        abort();
    return s;
}

int
print_row_intent(struct db *db, const char *id, const char *provider,
                 const json_t *checksums, const json_t *published, struct err *e)
{
    char *sums = print_json_param(checksums), *pub = print_json_param(published);
    const char *params[] = {id, provider, sums, pub};
    PGresult *res =
        db_exec(db, e,
                "INSERT INTO print_jobs (order_id, provider, state, external_id,"
                " checksums, published) VALUES ($1, $2, 'intent', $1, $3::jsonb,"
                " $4::jsonb) ON CONFLICT (order_id) DO NOTHING RETURNING order_id",
                4, params);
    free(sums);
    free(pub);
    if (!res)
        return err_prefix(e, "order %s: recording the print intent", id);
    int existed = PQntuples(res) == 0;
    PQclear(res);
    return existed;
}

int
print_row_update(struct db *db, const char *id, const char *sql, int nparams,
                 const char *const *params, struct err *e)
{
    PGresult *res = db_exec(db, e, sql, nparams, params);
    if (!res)
        return err_prefix(e, "order %s: print_jobs", id);
    int n = PQntuples(res);
    PQclear(res);
    if (n != 1)
        return err_set(e, ERR_TRANSIENT, "order %s: print_jobs: the row vanished", id);
    return 0;
}

int
print_row_status(struct db *db, const char *id, const char *status, const char *message,
                 const char *changed, const json_t *tracking, struct err *e)
{
    char *track = print_json_param(tracking);
    const char *params[] = {id, status, message, changed, track};
    /* The right-hand sides see the row as it was, so "status IS DISTINCT
     * FROM $2" compares with the previous status. */
    int rc = print_row_update(
        db, id,
        "UPDATE print_jobs SET status = $2,"
        " status_detail = CASE WHEN status IS DISTINCT FROM $2"
        "   THEN coalesce(status_detail, '[]'::jsonb) || "
        "jsonb_build_array(jsonb_strip_nulls("
        "     jsonb_build_object('status', $2::text, 'message', $3::text,"
        "       'changed', $4::text, 'seen_at', now())))"
        "   ELSE status_detail END,"
        " tracking = coalesce($5::jsonb, tracking),"
        " last_polled_at = now(), updated_at = now()"
        " WHERE order_id = $1 RETURNING order_id",
        5, params, e);
    free(track);
    return rc;
}

const char *
print_row_message(const struct print_row *r)
{
    size_t n = json_array_size(r->status_detail);
    if (n == 0)
        return NULL;
    return print_json_str(json_array_get(r->status_detail, n - 1), "message");
}

json_t *
print_row_result(const struct print_row *r, const char *id)
{
    json_t *o = json_pack("{s:s, s:s?, s:s, s:s?}", "provider", r->provider, "job_id",
                          r->provider_job_id, "external_id", id, "status", r->status);
    if (!o)
        abort();
    const char *msg = print_row_message(r);
    if (msg)
        json_object_set_new(o, "status_message", json_string(msg));
    if (r->cost)
        json_object_set_new(o, "cost", json_string(r->cost));
    if (r->currency)
        json_object_set_new(o, "currency", json_string(r->currency));
    if (r->tracking)
        json_object_set(o, "tracking", r->tracking);
    if (r->checksums)
        json_object_set(o, "checksums", r->checksums);
    return o;
}

int
print_write_result(const char *dir, const json_t *result, struct err *e)
{
    char *text = json_dumps(result, JSON_INDENT(2));
    if (!text)
        return err_set(e, ERR_TRANSIENT, "%s: cannot serialise " PRINT_RESULT_FILE, dir);
    size_t len = strlen(text);
    /* A trailing newline, as every text file the spool holds has one. */
    char *withnl = malloc(len + 2);
    if (!withnl)
        abort();
    memcpy(withnl, text, len);
    withnl[len] = '\n';
    withnl[len + 1] = 0;
    free(text);
    int rc = fsu_write_atomic(dir, PRINT_RESULT_FILE, withnl, len + 1, e);
    free(withnl);
    return rc;
}

/*
 * Files.
 */

int
print_file_sums(const char *path, char sha256[65], char md5[33], struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        err_errno(e, errno, "%s", path);
        if (errno == ENOENT || errno == ELOOP)
            e->kind = ERR_PERMANENT;
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return err_set(e, ERR_PERMANENT, "%s: not a regular file", path);
    }
    GChecksum *s = g_checksum_new(G_CHECKSUM_SHA256), *m = g_checksum_new(G_CHECKSUM_MD5);
    unsigned char buf[65536];
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_errno(e, errno, "%s: read", path);
            break;
        }
        if (n == 0)
            break;
        g_checksum_update(s, buf, (gssize)n);
        g_checksum_update(m, buf, (gssize)n);
    }
    close(fd);
    if (rc == 0) {
        snprintf(sha256, 65, "%s", g_checksum_get_string(s));
        snprintf(md5, 33, "%s", g_checksum_get_string(m));
    }
    g_checksum_free(s);
    g_checksum_free(m);
    return rc;
}

int
print_random_hex(char *out, size_t nbytes, struct err *e)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        return err_set(e, ERR_PERMANENT, "print_random_hex: %zu bytes asked, at most %zu",
                       nbytes, sizeof buf);
    size_t got = 0;
    while (got < nbytes) {
        ssize_t n = getrandom(buf + got, nbytes - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_errno(e, errno, "getrandom");
        got += (size_t)n;
    }
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = hex[buf[i] >> 4];
        out[2 * i + 1] = hex[buf[i] & 15];
    }
    out[2 * nbytes] = 0;
    explicit_bzero(buf, sizeof buf);
    return 0;
}

char *
print_secret_name(const char *suffix, struct err *e)
{
    char hex[33];
    if (print_random_hex(hex, 16, e) < 0)
        return NULL;
    char *name;
    if (asprintf(&name, "%s%s", hex, suffix ? suffix : "") < 0)
        abort();
    return name;
}

/* The length of "/Type" + white space + "/Page" at p when it names a page
 * (not /Pages), else 0. */
static size_t
print_pdf_page_at(const char *p, const char *end)
{
    const char *q = p + 5; /* after "/Type" */
    while (q < end && (*q == ' ' || *q == '\r' || *q == '\n' || *q == '\t'))
        q++;
    if ((size_t)(end - q) < 5 || memcmp(q, "/Page", 5) != 0)
        return 0;
    q += 5;
    if (q < end && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
                    (*q >= '0' && *q <= '9')))
        return 0;
    return (size_t)(q - p);
}

int
print_pdf_pages(const char *path, int *pages, struct err *e)
{
    *pages = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return err_errno(e, errno, "%s", path);
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int en = errno;
        close(fd);
        return err_errno(e, en, "%s", path);
    }
    if (sb.st_size == 0) {
        close(fd);
        return 0;
    }
    const char *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return err_errno(e, errno, "%s: mmap", path);
    const char *end = map + sb.st_size;
    long count = 0, tree = 0;
    for (const char *p = map; p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), "/Type", 5);
        if (!hit)
            break;
        size_t l = print_pdf_page_at(hit, end);
        count += l > 0;
        p = hit + (l ? l : 5);
    }
    /* Page objects may sit in compressed object streams; the page tree's
     * /Count is then the next best witness. */
    for (const char *p = map; count == 0 && p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), "/Count", 6);
        if (!hit)
            break;
        const char *q = hit + 6;
        while (q < end && (*q == ' ' || *q == '\r' || *q == '\n'))
            q++;
        long n = 0;
        while (q < end && *q >= '0' && *q <= '9' && n < 1000000)
            n = n * 10 + (*q++ - '0');
        if (n > tree)
            tree = n;
        p = hit + 6;
    }
    munmap((void *)map, (size_t)sb.st_size);
    long n = count ? count : tree;
    *pages = n > 100000 ? 0 : (int)n;
    return 0;
}

int
print_place_file(const char *from, const char *to, struct err *e)
{
    if (link(from, to) == 0)
        return 0;
    if (errno != EXDEV && errno != EPERM && errno != EMLINK)
        return err_errno(e, errno, "link %s to %s", from, to);
    /* A copy is made under a temporary name and linked into place, so that
     * `to` is complete whenever it exists (a reader may be waiting for it)
     * and an existing `to` is never replaced. */
    char *tmp;
    const char *slash = strrchr(to, '/');
    if (asprintf(&tmp, "%.*s.%s.tmp", slash ? (int)(slash - to + 1) : 0, to,
                 slash ? slash + 1 : to) < 0)
        abort();
    unlink(tmp); /* left by a copy that was cut short */
    int rc = fsu_copy_file(from, tmp, e);
    if (rc == 0 && link(tmp, to) < 0)
        rc = err_errno(e, errno, "link %s to %s", tmp, to);
    unlink(tmp);
    free(tmp);
    return rc;
}

int
print_pdf_page_size(const char *path, double *w_pt, double *h_pt, struct err *e)
{
    *w_pt = *h_pt = 0;
    /* poppler reads the file as a reader would: the first page's size as
     * shown (its crop box, which is the media box when none is given, as
     * cairo writes them), rotation applied. */
    gchar *abs = g_canonicalize_filename(path, NULL);
    GError *ge = NULL;
    gchar *uri = g_filename_to_uri(abs, NULL, &ge);
    g_free(abs);
    if (!uri) {
        err_set(e, ERR_PERMANENT, "%s: %s", path, ge->message);
        g_error_free(ge);
        return -1;
    }
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &ge);
    g_free(uri);
    if (!doc) {
        /* The file was checked to be there: what poppler cannot read is a
         * damaged PDF, which another try will not mend. */
        err_set(e, ERR_PERMANENT, "%s: not a PDF poppler can read: %s", path,
                ge ? ge->message : "unknown error");
        if (ge)
            g_error_free(ge);
        return -1;
    }
    int rc = 0;
    PopplerPage *page =
        poppler_document_get_n_pages(doc) > 0 ? poppler_document_get_page(doc, 0) : NULL;
    if (!page) {
        rc = err_set(e, ERR_PERMANENT, "%s: the PDF has no page", path);
    } else {
        poppler_page_get_size(page, w_pt, h_pt);
        g_object_unref(page);
    }
    g_object_unref(doc);
    return rc;
}
