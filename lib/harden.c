/*
 * harden.c — the umask and the no-core-dump settings of every storypress
 * program (see harden.h).  Called first thing by the stage loop and by the
 * operator's tool, before a configuration or a key is read.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "harden.h"

int
harden_process(struct err *e)
{
    umask(HARDEN_UMASK);
    /* Not dumpable: the kernel writes no core and lets no other process of
     * our user attach or read our memory.  The rlimit as well, so that a
     * later exec (none today) or a re-enabled dumpable flag still writes
     * no core. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return err_errno(e, errno, "prctl(PR_SET_DUMPABLE, 0)");
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) < 0)
        return err_errno(e, errno, "setrlimit(RLIMIT_CORE, 0)");
    return 0;
}
