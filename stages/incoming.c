/*
 * storypress-incoming — takes the shop's drops out of incoming/, checks
 * them, records each new order and hands it on to story/ as a folder.
 *
 * A drop is one regular file of at most 256 KiB; anything else (a link, a
 * FIFO, a directory, a device, a file too big, bad JSON, a bad order) goes to
 * rejected/ with a reason.  The same order id dropped again is a no-op when
 * the order is identical and a rejected conflict when it is not.  Text the
 * book will print must have glyphs in the installed fonts (glyphs.h).
 * A drop's name may be any bytes: it is shown escaped (escape.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decision.h"
#include "escape.h"
#include "fsutil.h"
#include "glyphs.h"
#include "log.h"
#include "order.h"
#include "stage.h"

/* What a drop that is not a regular file is, in words. */
static const char *
incoming_kind(mode_t m)
{
    if (S_ISLNK(m))
        return "a symbolic link";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "not a regular file";
}

/* Builds the order folder <work>/.<id>.new with order.json. */
static char *
incoming_folder(const struct stage_job *job, const char *id, const json_t *order,
                struct err *e)
{
    char *slash = strrchr(job->path, '/');
    char *folder = NULL;
    if (asprintf(&folder, "%.*s/.%s.new", (int)(slash - job->path), job->path, id) < 0)
        abort();
    char *text = json_dumps(order, JSON_INDENT(2));
    if (!text)
        abort();
    int rc = fsu_remove_tree(folder, e);
    if (rc == 0 && mkdir(folder, 0755) < 0)
        rc = err_errno(e, errno, "%s", folder);
    if (rc == 0)
        rc = fsu_write_atomic(folder, "order.json", text, strlen(text), e);
    free(text);
    if (rc < 0) {
        fsu_remove_tree(folder, NULL);
        free(folder);
        return NULL;
    }
    return folder;
}

/* A decision drop (lib/decision.h): carried out and removed, or rejected
 * with the reason naming the field.  Takes buf. */
static enum stage_result
incoming_decision(struct stage_ctx *ctx, struct stage_job *job, char *buf, size_t len,
                  struct err *e)
{
    struct decision d;
    struct order_errors errs = {0};
    int rc = decision_parse(buf, len, &d, &errs);
    if (rc < 0) {
        char *peek = order_peek_id(buf, len);
        if (peek && spool_id_ok(peek))
            job->out_id = peek;
        else
            free(peek);
        char *why = order_errors_join(&errs);
        if (!why)
            abort();
        err_set(e, ERR_INVALID, "%s", why);
        job->reason = why; /* the reason file holds every message whole */
    }
    free(buf);
    order_errors_free(&errs);
    if (rc < 0)
        return STAGE_REJECT;
    if (!(job->out_id = strdup(d.order_id)))
        abort();
    rc = decision_apply(ctx->cfg, ctx->sp, ctx->db, ctx->worker, &d, "shop", e);
    decision_free(&d);
    if (rc < 0)
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_REJECT;
    if (unlink(job->path) < 0)
        log_order(LOG_ERR, job->out_id, "%s: cannot remove: %s", job->path, strerror(errno));
    return STAGE_SKIP;
}

/* The order module's question for every printed field: can the book's
 * fonts set it? */
static char *
incoming_printable(void *arg, const char *text)
{
    return glyphs_unprintable(arg, text);
}

static int
incoming_init(struct stage_ctx *ctx, struct err *e)
{
    ctx->priv = glyphs_open(config_str(ctx->cfg, "font"), e);
    return ctx->priv ? 0 : -1;
}

static void
incoming_fini(struct stage_ctx *ctx)
{
    glyphs_close(ctx->priv);
    ctx->priv = NULL;
}

/* The checks of the drop as a file, before it is read: *shown is its name
 * escaped, for every message. */
static enum stage_result
incoming_check_file(struct stage_job *job, const char *shown, struct err *e)
{
    struct stat st;
    if (lstat(job->path, &st) < 0) {
        err_errno(e, errno, "%s", shown);
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_REJECT;
    }
    if (!S_ISREG(st.st_mode)) {
        err_set(e, ERR_INVALID, "%s: %s, not an order file", shown, incoming_kind(st.st_mode));
        return STAGE_REJECT;
    }
    if (st.st_size == 0) {
        err_set(e, ERR_INVALID, "%s: empty file", shown);
        return STAGE_REJECT;
    }
    if (st.st_size > ORDER_MAX_BYTES) {
        err_set(e, ERR_INVALID, "%s: %lld bytes, more than the %d an order may have", shown,
                (long long)st.st_size, ORDER_MAX_BYTES);
        return STAGE_REJECT;
    }
    if (st.st_nlink > 1) {
        /* Another name could change the file under us after we checked it. */
        err_set(e, ERR_INVALID, "%s: has %ld hard links; drop a file of its own", shown,
                (long)st.st_nlink);
        return STAGE_REJECT;
    }
    return STAGE_DONE;
}

static enum stage_result
incoming_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    char *shown = esc_str(job->entry);
    enum stage_result checked = incoming_check_file(job, shown, e);
    if (checked != STAGE_DONE) {
        free(shown);
        return checked;
    }
    char *buf;
    size_t len;
    if (fsu_read_file(AT_FDCWD, job->path, ORDER_MAX_BYTES, &buf, &len, e) < 0) {
        err_prefix(e, "%s", shown);
        free(shown);
        return e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_REJECT;
    }
    if (decision_is(buf, len)) { /* the shop's decision about a proof */
        free(shown);
        return incoming_decision(ctx, job, buf, len, e);
    }
    struct order_defaults def = {config_str(ctx->cfg, "trim"), config_str(ctx->cfg, "binding"),
                                 incoming_printable, ctx->priv};
    struct order_errors errs = {0};
    json_t *order = order_parse(buf, len, &def, &errs);
    if (!order) {
        /* The id, if one can be read, goes into the rejects record. */
        char *peek = order_peek_id(buf, len);
        if (peek && spool_id_ok(peek))
            job->out_id = peek;
        else
            free(peek);
        free(buf);
        free(shown);
        /* The reason file holds every message whole; the err only what fits. */
        char *why = order_errors_join(&errs);
        if (!why)
            abort();
        err_set(e, ERR_INVALID, "%s", why);
        job->reason = why;
        order_errors_free(&errs);
        return STAGE_REJECT;
    }
    free(buf);
    order_errors_free(&errs);
    const char *id = order_id(order);
    job->out_id = strdup(id);
    if (!job->out_id)
        abort();
    enum stage_result res = STAGE_REJECT;
    char *canonical = order_canonical(order);
    char *folder = incoming_folder(job, id, order, e);
    if (!folder) {
        res = STAGE_RETRY;
        goto out;
    }
    struct db_quota quota = {config_str(ctx->cfg, "quota_timezone"),
                             config_int(ctx->cfg, "quota_default_daily"),
                             strcmp(config_str(ctx->cfg, "quota_policy"), "hold") == 0};
    int seen = db_order_intake_quota(ctx->db, order, canonical, ctx->worker, &quota, e);
    if (seen < 0) {
        res = e->kind == ERR_TRANSIENT ? STAGE_RETRY : STAGE_REJECT;
    } else if (seen == 4 && !quota.hold) {
        res = STAGE_REJECT;
    } else if (seen == 4) {
        /* Recorded in hold: `storypress release` sends it on to story/. */
        json_t *h = json_pack("{s:s, s:s, s:s}", "from", "story", "reason", e->msg, "by",
                              "quota");
        char *text = json_dumps(h, JSON_INDENT(2));
        json_decref(h);
        struct err e2 = {0};
        if (!text || fsu_write_atomic(folder, "hold.json", text, strlen(text), &e2) < 0) {
            *e = e2;
            res = STAGE_RETRY;
        } else {
            log_order(LOG_NOTICE, id, "held: %s", e->msg);
            job->hand_to = ST_HOLD;
            res = STAGE_DONE;
        }
        free(text);
    } else if (seen == 3) {
        err_set(e, ERR_INVALID,
                "order_id: \"%s\" differs only in case from an order already received; "
                "ids must stay distinct when case is ignored",
                id);
        res = STAGE_REJECT;
    } else if (seen == 2) {
        err_set(e, ERR_INVALID,
                "order_id: \"%s\" was already received with different content (a "
                "conflicting duplicate); the first order stands",
                id);
        res = STAGE_REJECT;
    } else if (seen == 1) {
        /* Received before.  If the order never reached story/ (a crash after
         * it was recorded), this drop finishes the job; otherwise it is a
         * repeat and nothing is done twice. */
        enum state where = spool_locate(ctx->sp, id, NULL, NULL), indb = ST_NONE;
        if (where == ST_NONE && db_order_state(ctx->db, id, &indb, e) < 0) {
            res = STAGE_RETRY;
        } else if (where == ST_NONE && (indb == ST_STORY || indb == ST_HOLD)) {
            log_order(LOG_NOTICE, id, "recorded before but not in the spool: handing on");
            static const char held[] = "{\"from\": \"story\", \"by\": \"quota\"}\n";
            struct err e2 = {0};
            if (indb == ST_HOLD && fsu_write_atomic(folder, "hold.json", held,
                                                    sizeof held - 1, &e2) < 0) {
                *e = e2;
                res = STAGE_RETRY;
            } else {
                job->hand_to = indb;
                res = STAGE_DONE;
            }
        } else {
            log_order(LOG_NOTICE, id, "%s: the same order again (now in %s/); dropped as a "
                      "repeat", shown, state_name(where != ST_NONE ? where : indb));
            if (unlink(job->path) < 0)
                log_order(LOG_ERR, id, "%s: cannot remove: %s", job->path, strerror(errno));
            res = STAGE_SKIP;
        }
    } else {
        res = STAGE_DONE;
    }
    if (res == STAGE_DONE) {
        job->out_path = folder;
        folder = NULL;
    }
out:
    if (folder) {
        fsu_remove_tree(folder, NULL);
        free(folder);
    }
    free(canonical);
    free(shown);
    json_decref(order);
    return res;
}

static const struct stage_ops incoming_ops = {
    .state = ST_INCOMING,
    .prog = "storypress-incoming",
    .summary = "Takes the shop's order drops out of incoming/, validates each one (see\n"
               "    the order format in README.md), records the new order in PostgreSQL and\n"
               "    hands it on to story/ as a folder holding the normalised order.json.  A\n"
               "    bad drop goes to rejected/<name>/ with a `reason` file listing every\n"
               "    problem.  A drop whose order id is known is a no-op when identical and a\n"
               "    rejected conflict when not.",
    .init = incoming_init,
    .handle = incoming_handle,
    .fini = incoming_fini,
};

int
main(int argc, char **argv)
{
    return stage_main(argc, argv, &incoming_ops);
}
