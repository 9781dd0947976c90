/*
 * cmd_submit.c — `storypress submit FILE...`: the drop protocol done right.
 *
 * Write into tmp/, fsync, then link(2) into incoming/: unlike rename, link
 * fails when the name is taken, so a drop never replaces one that waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "order.h"
#include "tool.h"

/* The name the drop gets: <order_id>.json when the file has a usable id. */
static char *
submit_name(const char *buf, size_t len, const char *path)
{
    json_t *j = json_loadb(buf, len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "order_id"));
    char *name = NULL;
    if (id && spool_id_ok(id) && strlen(id) <= SPOOL_ID_MAX - 5) {
        if (asprintf(&name, "%s.json", id) < 0)
            abort();
    } else {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!spool_id_ok(base)) {
            if (asprintf(&name, "drop-%ld-%ld.json", (long)time(NULL), (long)getpid()) < 0)
                abort();
        } else if (!(name = strdup(base))) {
            abort();
        }
    }
    json_decref(j);
    return name;
}

static int
submit_read_stdin(char **buf, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        abort();
    for (;;) {
        if (n == cap) {
            if (cap > ORDER_MAX_BYTES) {
                free(b);
                return -1;
            }
            cap *= 2;
            b = realloc(b, cap + 1);
            if (!b)
                abort();
        }
        size_t r = fread(b + n, 1, cap - n, stdin);
        if (r == 0)
            break;
        n += r;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

static int
submit_one(struct tool *t, const char *path)
{
    struct err e = {0};
    char *buf;
    size_t len;
    if (strcmp(path, "-") == 0) {
        if (submit_read_stdin(&buf, &len) < 0)
            return tool_fail("standard input: more than %d bytes", ORDER_MAX_BYTES);
    } else if (fsu_read_file(AT_FDCWD, path, ORDER_MAX_BYTES, &buf, &len, &e) < 0) {
        return tool_fail("%s", e.msg);
    }
    char *name = submit_name(buf, len, path);
    char tmpname[128];
    snprintf(tmpname, sizeof tmpname, "submit.%ld.%s", (long)getpid(), name);
    int rc = 0;
    if (fsu_write_atomic_at(t->sp.tmpfd, tmpname, buf, len, &e) < 0) {
        rc = tool_fail("%s: cannot write into tmp/: %s", path, e.msg);
    } else if (linkat(t->sp.tmpfd, tmpname, t->sp.dirfd[ST_INCOMING], name, 0) < 0) {
        if (errno == EEXIST)
            rc = tool_fail("%s: incoming/%s already waits; not replaced", path, name);
        else
            rc = tool_fail("%s: cannot drop into incoming/: %s", path, strerror(errno));
    } else if (fsync(t->sp.dirfd[ST_INCOMING]) < 0) {
        rc = tool_fail("incoming/: fsync: %s", strerror(errno));
    } else {
        printf("%s: dropped as incoming/%s\n", path, name);
    }
    unlinkat(t->sp.tmpfd, tmpname, 0);
    free(name);
    free(buf);
    return rc;
}

int
cmd_submit(struct tool *t, int argc, char **argv)
{
    if (tool_wants_help(argc, argv))
        return 0;
    if (argc < 2)
        return tool_usage(argv[0]);
    if (tool_spool(t) < 0)
        return 1;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (submit_one(t, argv[i]))
            rc = 1;
    return rc;
}
