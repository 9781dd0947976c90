/*
 * storypress-print — hands each finished book in print/ to the printer
 * chosen by print_provider (lib/print.h), exactly once, and moves the order
 * to done/ once the printer holds it: at once for the outbox, once the job
 * is in production for Lulu (the order waits in print/ until then, polled
 * every lulu_poll_interval).  Between passes it follows the jobs of orders
 * already done until they ship, for the tracking.
 */
#include <stdlib.h>

#include "log.h"
#include "print.h"
#include "stage.h"

static int
print_stage_init(struct stage_ctx *ctx, struct err *e)
{
    struct print *p = print_open(ctx->cfg, e);
    if (!p)
        return -1;
    ctx->priv = p;
    log_info("print provider: %s", print_provider_name(p));
    return 0;
}

static enum stage_result
print_stage_handle(struct stage_ctx *ctx, struct stage_job *job, struct err *e)
{
    long long wait_until = 0;
    json_t *detail = NULL;
    enum print_result r = print_order(ctx->priv, ctx->db, job->id, job->order, job->path,
                                      &wait_until, &detail, e);
    switch (r) {
    case PRINT_DONE:
        job->detail = detail;
        return STAGE_DONE;
    case PRINT_WAIT:
        json_decref(detail);
        job->wait_until = wait_until;
        return STAGE_WAIT;
    case PRINT_RETRY:
        json_decref(detail);
        return STAGE_RETRY;
    case PRINT_FAIL:
        break;
    }
    json_decref(detail);
    return STAGE_FAIL;
}

static void
print_stage_idle(struct stage_ctx *ctx)
{
    print_follow(ctx->priv, ctx->db, ctx->stopping);
}

static void
print_stage_fini(struct stage_ctx *ctx)
{
    print_close(ctx->priv);
    ctx->priv = NULL;
}

static const struct stage_ops print_stage_ops = {
    .state = ST_PRINT,
    .prog = "storypress-print",
    .summary =
        "Sends each finished book (interior.pdf, cover.pdf) to the printer named by\n"
        "    print_provider: \"outbox\" writes the job into outbox_dir for a person or "
        "a\n"
        "    script; \"lulu\" submits it to Lulu's print API and waits in print/ until\n"
        "    the job is in production, then follows it until it ships.  A print job\n"
        "    is recorded in print_jobs before the printer is called, so that no book\n"
        "    is ever printed twice, even after a crash.",
    .init = print_stage_init,
    .handle = print_stage_handle,
    .idle = print_stage_idle,
    .fini = print_stage_fini,
};

int
main(int argc, char **argv)
{
    return stage_main(argc, argv, &print_stage_ops);
}
