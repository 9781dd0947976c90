/*
 * host.c — this host's name (see host.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

static char host_current[HOST_NAME_LEN + 1];

int
host_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > HOST_NAME_LEN || name[0] == '.' || name[0] == '-')
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

/* The machine's hostname made into a valid host name. */
static void
host_default(char *out, size_t len)
{
    char h[HOST_NAME_MAX + 1];
    if (gethostname(h, sizeof h) < 0 || !h[0])
        snprintf(h, sizeof h, "host");
    h[HOST_NAME_MAX] = 0;
    snprintf(out, len, "%s", h);
    for (char *p = out; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            *p = '-';
    if (out[0] == '.' || out[0] == '-')
        out[0] = 'h';
}

int
host_set(const char *name, struct err *e)
{
    if (!host_name_ok(name))
        return err_set(e, ERR_INVALID,
                       "host_name: \"%.80s\" is not a host name (1 to %d letters, digits, "
                       "'.', '-' or '_', not starting with '.' or '-')",
                       name ? name : "", HOST_NAME_LEN);
    snprintf(host_current, sizeof host_current, "%s", name);
    return 0;
}

int
host_configure(const struct config *cfg, struct err *e)
{
    const char *v = config_str(cfg, "host_name");
    if (v && *v)
        return host_set(v, e);
    host_default(host_current, sizeof host_current);
    return 0;
}

const char *
host_name(void)
{
    if (!host_current[0])
        host_default(host_current, sizeof host_current);
    return host_current;
}
