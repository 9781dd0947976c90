/*
 * test_harden.c — harden_process(): after it, from a process started with
 * umask 022, a dumpable flag and a core limit, the umask is 027 (a file
 * created 0666 is 0640, a folder 0777 is 0750), the process is not
 * dumpable and its core limit is 0, soft and hard.  In a forked child, so
 * that the test runner itself keeps its settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harden.h"

/* Exit codes of the child: 0, or the number of the check that failed. */
static int
child_checks(const char *dir)
{
    umask(022);
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        return 10;
    struct err e = {0};
    if (harden_process(&e) < 0) {
        fprintf(stderr, "harden_process: %s\n", e.msg);
        return 1;
    }
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
        return 2;
    struct rlimit rl;
    if (getrlimit(RLIMIT_CORE, &rl) < 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
        return 3;
    char *f = NULL, *d = NULL;
    if (asprintf(&f, "%s/file", dir) < 0 || asprintf(&d, "%s/folder", dir) < 0)
        return 11;
    FILE *fp = fopen(f, "w"); /* 0666 asked */
    if (!fp || fclose(fp) != 0 || mkdir(d, 0777) < 0)
        return 12;
    struct stat sf, sd;
    if (stat(f, &sf) < 0 || stat(d, &sd) < 0)
        return 13;
    if ((sf.st_mode & 07777) != 0640)
        return 4;
    if ((sd.st_mode & 07777) != 0750)
        return 5;
    free(f);
    free(d);
    return 0;
}

static void
test_harden(void **unused)
{
    (void)unused;
    char dir[] = "/tmp/test_harden.XXXXXX";
    assert_non_null(mkdtemp(dir));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_checks(dir));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    if (code)
        fail_msg("check %d failed (2: dumpable, 3: core limit, 4: file mode, 5: folder mode)",
                 code);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
