/*
 * test_spool_reject.c — the names of rejected/ folders (spool.h): a drop of
 * any name a file system allows gets a folder whose name is bounded, valid
 * UTF-8, not a dot name and free; a plain, short, free name is kept as it
 * is; the scratch name of a rejection in progress says whose it is and
 * what it becomes.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "fsutil.h"
#include "spool.h"

struct fixture {
    char *root;
    struct spool sp;
};

static int
setup(void **state)
{
    const char *base = getenv("TESTTMP");
    char *tmpl = NULL;
    if (asprintf(&tmpl, "%s/spool.XXXXXX", base && *base ? base : "/tmp") < 0 ||
        !mkdtemp(tmpl))
        return -1;
    struct fixture *f = calloc(1, sizeof *f);
    f->root = tmpl;
    struct err e = {0};
    if (spool_open(&f->sp, f->root, &e) < 0)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    spool_close(&f->sp);
    fsu_remove_tree(f->root, NULL);
    free(f->root);
    free(f);
    return 0;
}

/* The name can be made into a folder in rejected/. */
static void
assert_usable(struct fixture *f, const char *name)
{
    assert_true(strlen(name) <= SPOOL_REJECT_NAME_MAX);
    assert_true(strlen(name) > 0);
    assert_true(name[0] != '.');
    assert_null(strchr(name, '/'));
    assert_true(g_utf8_validate(name, -1, NULL));
    for (const char *p = name; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
    char *dir = spool_dir_path(&f->sp, ST_REJECTED);
    char *p = fsu_join(dir, name);
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    free(dir);
}

static void
test_plain_kept(void **state)
{
    struct fixture *f = *state;
    char *n = spool_reject_name(&f->sp, "A1001.json");
    assert_string_equal(n, "A1001.json");
    assert_usable(f, n);
    /* Taken now: the second gets a suffix, and differs. */
    char *n2 = spool_reject_name(&f->sp, "A1001.json");
    assert_string_not_equal(n2, "A1001.json");
    assert_memory_equal(n2, "A1001.json~", 11);
    assert_usable(f, n2);
    free(n);
    free(n2);
}

static void
test_odd_names(void **state)
{
    struct fixture *f = *state;
    char longest[NAME_MAX + 1];
    memset(longest, 'L', NAME_MAX);
    longest[NAME_MAX] = 0;
    char long_utf8[NAME_MAX + 1]; /* 127 × "é" and one byte: cut inside none */
    size_t k = 0;
    while (k + 2 <= NAME_MAX) {
        long_utf8[k++] = (char)0xc3;
        long_utf8[k++] = (char)0xa9;
    }
    long_utf8[k] = 0;
    const char *names[] = {
        longest,
        longest,
        long_utf8,
        "bad-\xff\xfe.json",
        "evil\n\x1b[31mred.json",
        "\xc0\xaf",
        "Maya\xe2\x80\xaegnp.exe",
        "back\\slash",
    };
    char *seen[sizeof names / sizeof names[0]];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        seen[i] = spool_reject_name(&f->sp, names[i]);
        assert_usable(f, seen[i]);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
    }
    /* Readable: what was printable stays, escapes are visible. */
    assert_non_null(strstr(seen[3], "bad-%xFF%xFE.json~"));
    assert_non_null(strstr(seen[4], "evil%n%u001B[31mred.json~"));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        free(seen[i]);
}

static void
test_scratch(void **state)
{
    (void)state;
    char name[SPOOL_REJECT_NAME_MAX + 1];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = 0;
    char worker[SPOOL_ID_MAX + 1];
    memset(worker, 'w', sizeof worker - 1);
    worker[sizeof worker - 1] = 0;
    char *s = spool_reject_scratch(worker, name);
    assert_true(strlen(s) <= NAME_MAX);
    assert_int_equal(s[0], '.');
    char *w = NULL, *n = NULL;
    assert_int_equal(spool_reject_scratch_parse(s, &w, &n), 0);
    assert_string_equal(w, worker);
    assert_string_equal(n, name);
    free(w);
    free(n);
    free(s);
    /* A final name with a tilde of its own still parses. */
    s = spool_reject_scratch("host.42", "x.json~1796281056.1.2");
    assert_string_equal(s, ".host.42~x.json~1796281056.1.2.tmp");
    assert_int_equal(spool_reject_scratch_parse(s, &w, &n), 0);
    assert_string_equal(w, "host.42");
    assert_string_equal(n, "x.json~1796281056.1.2");
    free(w);
    free(n);
    free(s);
    s = spool_reject_scratch("storypress:root", "x");
    assert_string_equal(s, ".unknown~x.tmp");
    free(s);
    const char * not [] = {"x.tmp", ".x.tmp", ".~x.tmp", ".w~.tmp", ".w~x", "w~x.tmp"};
    for (size_t i = 0; i < sizeof not / sizeof not [0]; i++)
        assert_int_equal(spool_reject_scratch_parse(not [i], &w, &n), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
        cmocka_unit_test(test_scratch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
