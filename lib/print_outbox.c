/*
 * print_outbox.c — the default print provider, offline: a job is a folder
 * <outbox_dir>/<order_id>/ holding interior.pdf, cover.pdf and job.json
 * (the order, the product, the shipping data, the files' checksums), for a
 * person or a script that sends it to a printer.
 *
 * The folder appears whole or not at all: it is built in
 * <outbox_dir>/.tmp-<order_id> and renamed into place.  A folder already
 * there with the same checksums is this very job (the worker died after the
 * rename and before recording it): it is recorded, never made twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "print.h"

#define OUTBOX_JOB_FILE "job.json"

struct outbox {
    char *dir;
};

static int
outbox_open(const struct config *cfg, void **stp, struct err *e)
{
    const char *dir = config_str(cfg, "outbox_dir");
    struct outbox *ob = calloc(1, sizeof *ob);
    if (!ob)
        abort();
    ob->dir = *dir ? strdup(dir) : fsu_join(config_str(cfg, "spool_dir"), "outbox");
    if (!ob->dir)
        abort();
    if (fsu_mkdir_p(ob->dir, 0750, e) < 0) {
        err_prefix(e, "outbox_dir %s", ob->dir);
        free(ob->dir);
        free(ob);
        return -1;
    }
    *stp = ob;
    return 0;
}

static void
outbox_close(void *st)
{
    struct outbox *ob = st;
    if (!ob)
        return;
    free(ob->dir);
    free(ob);
}

/* job.json: everything a printer needs besides the two PDFs. */
static json_t *
outbox_job_json(const struct print_book *b)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *job = json_pack(
        "{s:i, s:s, s:s, s:{s:s, s:s, s:s, s:i, s:i}, s:i, s:O, s:s,"
        " s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}",
        "version", 1, "order_id", b->id, "created_at", when, "product", "title", b->title,
        "trim", b->trim, "binding", b->binding, "story_pages", b->story_pages,
        "page_count", b->page_count, "quantity", 1, "shipping_address",
        b->shipping_address, "shipping_level", b->shipping_level, "files", "interior",
        "name", "interior.pdf", "sha256", b->interior_sha256, "md5", b->interior_md5,
        "cover", "name", "cover.pdf", "sha256", b->cover_sha256, "md5", b->cover_md5);
    if (!job)
        abort();
    return job;
}

/* 1 when the job folder at path was made from the same files as b, 0 when
 * from others, -1 when it cannot be read. */
static int
outbox_same_job(const char *path, const struct print_book *b, struct err *e)
{
    char *file = fsu_join(path, OUTBOX_JOB_FILE), *buf;
    size_t len;
    int rc = fsu_read_file(AT_FDCWD, file, 1 << 20, &buf, &len, e);
    free(file);
    if (rc < 0)
        return -1;
    json_t *job = json_loadb(buf, len, 0, NULL);
    free(buf);
    const json_t *files = json_object_get(job, "files");
    const char *is =
        json_string_value(json_object_get(json_object_get(files, "interior"), "sha256"));
    const char *cs =
        json_string_value(json_object_get(json_object_get(files, "cover"), "sha256"));
    int same = is && cs && strcmp(is, b->interior_sha256) == 0 &&
               strcmp(cs, b->cover_sha256) == 0;
    json_decref(job);
    return same;
}

/* Makes <dir>/<id>/ for book b.  Returns 0 when made now, 1 when the same
 * job was already there, -1 on error. */
static int
outbox_place(struct outbox *ob, const struct print_book *b, const char *final,
             struct err *e)
{
    struct stat sb;
    if (lstat(final, &sb) == 0) {
        int same = outbox_same_job(final, b, e);
        if (same < 0)
            return err_prefix(e, "order %s: outbox job %s exists but cannot be read",
                              b->id, final);
        if (!same)
            return err_set(
                e, ERR_PERMANENT,
                "order %s: the outbox already holds a job for this order made "
                "from other files (%s); a second job would print the book twice: "
                "remove that folder by hand if it was never printed",
                b->id, final);
        return 1;
    }
    char *tmpname = NULL, *tmp;
    if (asprintf(&tmpname, ".tmp-%s", b->id) < 0)
        abort();
    tmp = fsu_join(ob->dir, tmpname);
    free(tmpname);
    char *ti = fsu_join(tmp, "interior.pdf"), *tc = fsu_join(tmp, "cover.pdf");
    json_t *job = NULL;
    char *text = NULL;
    int rc = -1;
    /* A .tmp- folder is what a worker left when it died while building. */
    if (fsu_remove_tree(tmp, e) < 0)
        goto out;
    if (mkdir(tmp, 0750) < 0) {
        err_errno(e, errno, "mkdir %s", tmp);
        goto out;
    }
    if (print_place_file(b->interior, ti, e) < 0 || print_place_file(b->cover, tc, e) < 0)
        goto out;
    job = outbox_job_json(b);
    text = json_dumps(job, JSON_INDENT(2));
    if (!text) {
        err_set(e, ERR_TRANSIENT, "cannot serialise %s", OUTBOX_JOB_FILE);
        goto out;
    }
    if (fsu_write_atomic(tmp, OUTBOX_JOB_FILE, text, strlen(text), e) < 0 ||
        fsu_fsync_dir(tmp, e) < 0)
        goto out;
    if (rename(tmp, final) < 0) {
        if (errno == EEXIST || errno == ENOTEMPTY) {
            /* Another worker won the race for the same order: its job
             * stands, if it is this one. */
            fsu_remove_tree(tmp, NULL);
            rc = outbox_place(ob, b, final, e);
            goto out;
        }
        err_errno(e, errno, "rename %s to %s", tmp, final);
        goto out;
    }
    if (fsu_fsync_dir(ob->dir, e) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        err_prefix(e, "order %s: outbox", b->id);
    free(text);
    json_decref(job);
    free(ti);
    free(tc);
    free(tmp);
    return rc;
}

static enum print_result
outbox_fail(struct err *e)
{
    return e->kind == ERR_TRANSIENT ? PRINT_RETRY : PRINT_FAIL;
}

static enum print_result
outbox_order(void *st, struct db *db, const char *id, const json_t *order,
             const char *dir, struct print_row *row, long long *wait_until,
             json_t **detail, struct err *e)
{
    struct outbox *ob = st;
    (void)wait_until;
    char *final = fsu_join(ob->dir, id);
    struct print_book b;
    json_t *sums = NULL, *res = NULL;
    enum print_result r = PRINT_FAIL;

    if (print_book_load(&b, id, order, dir, e) < 0) {
        free(final);
        return outbox_fail(e);
    }
    sums = print_book_checksums(&b);
    if (row->found && strcmp(row->state, "finished") == 0) {
        /* Recorded, but print.json may not have been written. */
        if (row->checksums && !json_equal(row->checksums, sums))
            log_order(
                LOG_WARNING, id,
                "the PDFs changed after the outbox job was written; the job in %s keeps "
                "the earlier files (a reprint is a new order)",
                final);
    } else {
        if (!row->found && print_row_intent(db, id, "outbox", sums, NULL, e) < 0) {
            r = outbox_fail(e);
            goto out;
        }
        int placed = outbox_place(ob, &b, final, e);
        if (placed < 0) {
            r = outbox_fail(e);
            goto out;
        }
        char *msg;
        if (asprintf(&msg, "%s %s", placed ? "found in" : "written to", final) < 0)
            abort();
        const char *params[] = {id, final, msg};
        int rc = print_row_update(
            db, id,
            "UPDATE print_jobs SET state = 'finished', provider_job_id = $1,"
            " status = 'SUBMITTED', submitted_at = coalesce(submitted_at, now()),"
            " status_detail = coalesce(status_detail, '[]'::jsonb) ||"
            "   jsonb_build_array(jsonb_build_object('status', 'SUBMITTED',"
            "     'message', $3::text, 'outbox', $2::text, 'seen_at', now())),"
            " updated_at = now() WHERE order_id = $1 RETURNING order_id",
            3, params, e);
        free(msg);
        if (rc < 0) {
            r = outbox_fail(e);
            goto out;
        }
        log_order(LOG_INFO, id, "print job %s in %s", placed ? "already" : "written",
                  final);
    }
    res = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "provider", "outbox", "job_id", id,
                    "external_id", id, "status", "SUBMITTED", "outbox", final,
                    "checksums", row->found && row->checksums ? row->checksums : sums);
    if (!res)
        abort();
    if (print_write_result(dir, res, e) < 0) {
        err_prefix(e, "order %s", id);
        r = outbox_fail(e);
        goto out;
    }
    if (detail)
        *detail = json_pack("{s:{s:s, s:s, s:s}}", "print", "provider", "outbox",
                            "job_id", id, "outbox", final);
    r = PRINT_DONE;
out:
    json_decref(res);
    json_decref(sums);
    print_book_free(&b);
    free(final);
    return r;
}

const struct print_provider print_outbox_provider = {
    .name = "outbox",
    .open = outbox_open,
    .order = outbox_order,
    .follow = NULL,
    .close = outbox_close,
};
