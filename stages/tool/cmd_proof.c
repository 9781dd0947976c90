/*
 * cmd_proof.c — the operator's decisions about orders waiting in proof/:
 * approve (on to print/), reject (failed/), redo (some pages made again,
 * back in proof/).  The work is lib/proof.c's, shared with the shop's
 * decision drops.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "proof.h"
#include "tool.h"

/* Reads the new text from FILE or "-" (stdin), at most 64 KiB; the final
 * line break(s) are not part of it. */
static char *
proof_read_text(const char *file)
{
    char *buf = NULL;
    size_t len = 0;
    struct err e = {0};
    if (strcmp(file, "-") == 0) {
        size_t cap = 65537;
        buf = malloc(cap);
        if (!buf)
            abort();
        size_t got;
        while (len < cap - 1 && (got = fread(buf + len, 1, cap - 1 - len, stdin)) > 0)
            len += got;
        if (ferror(stdin)) {
            free(buf);
            tool_fail("--text -: cannot read stdin");
            return NULL;
        }
        buf[len] = 0;
    } else if (fsu_read_file(AT_FDCWD, file, 65536, &buf, &len, &e) < 0) {
        tool_fail("--text %s: %s", file, e.msg);
        return NULL;
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = 0;
    if (strlen(buf) != len) {
        free(buf);
        tool_fail("--text %s: holds a NUL byte", file);
        return NULL;
    }
    return buf;
}

int
cmd_approve(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc < 2)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct err e = {0};
        if (proof_approve(&t->sp, t->db, t->worker, argv[i], t->worker, &e) < 0)
            rc = tool_fail("%s: %s", argv[i], e.msg);
        else
            printf("%s: proof → print (approved)\n", argv[i]);
    }
    return rc;
}

int
cmd_reject(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    const char *reason = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'r')
            reason = optarg;
        else
            return tool_usage(argv[0]);
    }
    if (!reason || !*reason || optind >= argc)
        return tool_usage(argv[0]);
    if (strlen(reason) > 500)
        return tool_fail("--reason: at most 500 bytes");
    if (tool_spool(t) < 0 || tool_db(t) < 0)
        return 1;
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        struct err e = {0};
        if (proof_reject(&t->sp, t->db, t->worker, argv[i], t->worker, reason, &e) < 0)
            rc = tool_fail("%s: %s", argv[i], e.msg);
        else
            printf("%s: proof → failed (rejected: %s)\n", argv[i], reason);
    }
    return rc;
}

int
cmd_redo(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    static const struct option opts[] = {{"page", required_argument, NULL, 'p'},
                                         {"text", required_argument, NULL, 't'},
                                         {"art", no_argument, NULL, 'a'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    int pages[32];
    size_t npages = 0;
    const char *textfile = NULL;
    int art = 0, json = 0, c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'p') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000)
                return tool_fail("--page %s: not a page number", optarg);
            if (npages == sizeof pages / sizeof pages[0])
                return tool_fail("--page: at most 32 pages at once");
            for (size_t i = 0; i < npages; i++)
                if (pages[i] == (int)n)
                    return tool_fail("--page %ld: given twice", n);
            pages[npages++] = (int)n;
        } else if (c == 't') {
            textfile = optarg;
        } else if (c == 'a') {
            art = 1;
        } else if (c == 'j') {
            json = 1;
        } else {
            return tool_usage(argv[0]);
        }
    }
    if (optind != argc - 1 || npages == 0 || (!textfile && !art))
        return tool_usage(argv[0]);
    const char *id = argv[optind];
    char *text = NULL;
    if (textfile && !(text = proof_read_text(textfile)))
        return 1;
    if (tool_spool(t) < 0 || tool_db(t) < 0) {
        free(text);
        return 1;
    }
    struct proof_redo rq = {pages, npages, text, art, t->worker};
    struct err e = {0};
    json_t *result = NULL;
    int rc = proof_redo(t->cfg, &t->sp, t->db, id, &rq, &result, &e);
    free(text);
    if (rc < 0)
        return tool_fail("%s: %s", id, e.msg);
    if (json) {
        tool_print_json(result);
    } else {
        printf(
            "%s: redo %lld: %zu page%s made again (%s%s%s), cost %.4f; back in proof/\n",
            id, (long long)json_integer_value(json_object_get(result, "redo")), npages,
            npages == 1 ? "" : "s", text || textfile ? "text" : "",
            textfile && art ? " and " : "", art ? "pictures" : "",
            json_real_value(json_object_get(result, "cost")));
        json_decref(result);
    }
    return 0;
}
