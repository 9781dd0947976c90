/*
 * test_config.c — storypress.conf: the built-in defaults, a file with
 * comments, quotes and ${ENV} expansion, the errors an operator sees for an
 * unknown key or a bad value (file:line and the key), the STORYPRESS_<KEY>
 * environment overrides, and secrets read from files or from systemd's
 * $CREDENTIALS_DIRECTORY.  Files are written under $TESTTMP.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "fsutil.h"

extern char **environ;

static char *tmpdir;

/* Writes text to <tmpdir>/name; returns the path (free it). */
static char *
write_file(const char *name, const char *text)
{
    char *p = fsu_join(tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* No STORYPRESS_* or CREDENTIALS_DIRECTORY from the caller may leak in. */
static void
clean_env(void)
{
    for (;;) {
        char *found = NULL;
        for (char **e = environ; *e; e++)
            if (strncmp(*e, "STORYPRESS_", 11) == 0) {
                found = strndup(*e, strcspn(*e, "="));
                break;
            }
        if (!found)
            break;
        unsetenv(found);
        free(found);
    }
    unsetenv("CREDENTIALS_DIRECTORY");
}

static int
setup(void **state)
{
    (void)state;
    clean_env();
    return 0;
}

static void
test_defaults(void **unused)
{
    (void)unused;
    struct err e = {0};
    struct config *c = config_load(NULL, &e);
    assert_non_null(c);
    assert_string_equal(config_path(c), "(defaults)");
    assert_string_equal(config_str(c, "spool_dir"), "/var/spool/storypress");
    assert_string_equal(config_str(c, "database"), "");
    assert_string_equal(config_str(c, "log_level"), "info");
    assert_int_equal(config_int(c, "retry_base"), 30);
    assert_int_equal(config_int(c, "retry_cap"), 3600);
    assert_int_equal(config_int(c, "max_attempts"), 8);
    assert_int_equal(config_int(c, "rescan_interval"), 60);
    assert_string_equal(config_str(c, "trim"), "8.5x8.5");
    assert_string_equal(config_str(c, "binding"), "hardcover");
    assert_true(config_bool(c, "lulu_cost_check"));
    assert_true(config_double(c, "min_font_size") == 13.0);
    assert_string_equal(config_str(c, "lulu_pod_8.5x8.5_paperback"),
                        "0850X0850.FC.PRE.PB.080CW444.GXX");
    config_free(c);
    /* The same with no configuration object at all. */
    assert_int_equal(config_int(NULL, "retry_base"), 30);
}

static void
test_file(void **unused)
{
    (void)unused;
    assert_int_equal(setenv("SP_TEST_ROOT", "/srv/books", 1), 0);
    unsetenv("SP_TEST_UNSET");
    char *path = write_file("good.conf",
                            "# storypress test configuration\n"
                            "\n"
                            "   # an indented comment = with an equals sign\n"
                            "spool_dir = ${SP_TEST_ROOT}/spool\n"
                            "retry_base=5\n"
                            "\t max_attempts   =   3   \n"
                            "font = \"Andika New Basic\"\n"
                            "database = \"host=/run/postgresql dbname=${SP_TEST_UNSET}x\"\n"
                            "webhook_url = a${SP_TEST_UNSET}b$c${x\n"
                            "lulu_cost_check = no\n"
                            "trim = 6x9\n"
                            "min_font_size = 14.5\n"
                            "metrics_file =\n"
                            "retry_base = 6\n"
                            "\n"
                            "# last line without a newline:\n"
                            "log_level = debug");
    struct err e = {0};
    struct config *c = config_load(path, &e);
    if (!c)
        fail_msg("config_load: %s", e.msg);
    assert_string_equal(config_path(c), path);
    assert_string_equal(config_str(c, "spool_dir"), "/srv/books/spool");
    assert_int_equal(config_int(c, "retry_base"), 6); /* the last one wins */
    assert_int_equal(config_int(c, "max_attempts"), 3);
    assert_string_equal(config_str(c, "font"), "Andika New Basic");
    assert_string_equal(config_str(c, "database"), "host=/run/postgresql dbname=x");
    /* An unset variable is empty; a lone $ or an unclosed ${ stays as written. */
    assert_string_equal(config_str(c, "webhook_url"), "ab$c${x");
    assert_false(config_bool(c, "lulu_cost_check"));
    assert_string_equal(config_str(c, "trim"), "6x9");
    assert_true(config_double(c, "min_font_size") == 14.5);
    assert_string_equal(config_str(c, "metrics_file"), "");
    assert_string_equal(config_str(c, "log_level"), "debug");
    /* Keys the file leaves out keep their defaults. */
    assert_int_equal(config_int(c, "retry_cap"), 3600);
    config_free(c);
    free(path);
}

/* Loads text as a file and expects an error whose message holds every one
 * of the NULL-terminated strings that follow. */
static void
expect_error(const char *name, const char *text, ...)
{
    char *path = write_file(name, text);
    struct err e = {0};
    struct config *c = config_load(path, &e);
    if (c)
        fail_msg("%s: loaded, expected an error", name);
    va_list ap;
    va_start(ap, text);
    for (const char *want; (want = va_arg(ap, const char *));)
        if (!strstr(e.msg, want))
            fail_msg("%s: error \"%s\" does not mention \"%s\"", name, e.msg, want);
    va_end(ap);
    assert_int_not_equal(e.kind, ERR_NONE);
    free(path);
}

static void
test_errors(void **unused)
{
    (void)unused;
    char *p = fsu_join(tmpdir, "unknown.conf");
    char *where = NULL;
    assert_true(asprintf(&where, "%s:3", p) > 0);
    expect_error("unknown.conf", "# a comment\nretry_base = 5\nspool_dri = /x\n", where,
                 "spool_dri", NULL);
    free(where);
    free(p);
    p = fsu_join(tmpdir, "int.conf");
    assert_true(asprintf(&where, "%s:1", p) > 0);
    expect_error("int.conf", "retry_base = abc\n", where, "retry_base", "abc", NULL);
    free(where);
    free(p);
    expect_error("int2.conf", "\n\nretry_base = 5s\n", ":3", "retry_base", "5s", NULL);
    expect_error("range.conf", "max_attempts = 0\n", "max_attempts", "1", "1000", NULL);
    expect_error("range2.conf", "rescan_interval = 99999\n", "rescan_interval", NULL);
    expect_error("empty_int.conf", "retry_cap =\n", "retry_cap", NULL);
    expect_error("enum.conf", "trim = 9x9\n", "trim", "9x9", "8.5x8.5", NULL);
    expect_error("enum2.conf", "log_level = verbose\n", "log_level", "verbose", NULL);
    expect_error("bool.conf", "lulu_cost_check = maybe\n", "lulu_cost_check", "maybe", NULL);
    expect_error("double.conf", "min_font_size = big\n", "min_font_size", "big", NULL);
    expect_error("noeq.conf", "retry_base = 5\nspool_dir /x\n", ":2", "key = value", NULL);
    /* A missing file is an error naming it, not a silent fallback. */
    struct err e = {0};
    p = fsu_join(tmpdir, "does-not-exist.conf");
    assert_null(config_load(p, &e));
    assert_non_null(strstr(e.msg, "does-not-exist.conf"));
    free(p);
    /* config_set checks the same way. */
    struct config *c = config_load(NULL, &e);
    assert_non_null(c);
    assert_int_equal(config_set(c, "no_such_key", "1", &e), -1);
    assert_non_null(strstr(e.msg, "no_such_key"));
    assert_int_equal(config_set(c, "retry_base", "-1", &e), -1);
    assert_int_equal(config_int(c, "retry_base"), 30); /* unchanged */
    assert_int_equal(config_set(c, "retry_base", "17", &e), 0);
    assert_int_equal(config_int(c, "retry_base"), 17);
    config_free(c);
}

/* http:// is refused for every URL that carries a secret, naming the key,
 * unless allow_insecure_http says so; https:// and other keys are left. */
static void
test_insecure_url(void **unused)
{
    (void)unused;
    expect_error("http1.conf", "openai_base_url = http://api.example/v1\n", "openai_base_url",
                 "http://api.example/v1", "allow_insecure_http", NULL);
    expect_error("http2.conf", "lulu_api_url = HTTP://lulu.example\n", "lulu_api_url", NULL);
    expect_error("http3.conf", "webhook_url = http://shop.example/hook\n", "webhook_url", NULL);
    expect_error("http4.conf", "allow_insecure_http = no\nwebhook_url = http://s/h\n",
                 "webhook_url", NULL);
    /* The environment counts too. */
    struct err e = {0};
    assert_int_equal(setenv("STORYPRESS_LULU_API_URL", "http://127.0.0.1:9/", 1), 0);
    assert_null(config_load(NULL, &e));
    assert_non_null(strstr(e.msg, "lulu_api_url"));
    /* Said explicitly: accepted, wherever in the file. */
    char *path = write_file("http-ok.conf", "openai_base_url = http://127.0.0.1:1/v1\n"
                                            "webhook_url = http://127.0.0.1:2/hook\n"
                                            "allow_insecure_http = yes\n");
    struct config *c = config_load(path, &e);
    if (!c)
        fail_msg("config_load: %s", e.msg);
    assert_string_equal(config_str(c, "lulu_api_url"), "http://127.0.0.1:9/");
    config_free(c);
    clean_env();
    free(path);
    path = write_file("https.conf", "openai_base_url = https://api.example/v1\n"
                                    "lulu_publish_url = http://files.example/books\n");
    c = config_load(path, &e);
    if (!c)
        fail_msg("config_load: %s", e.msg);
    config_free(c);
    free(path);
}

static void
test_env_override(void **unused)
{
    (void)unused;
    char *path = write_file("env.conf", "retry_base = 5\nspool_dir = /from/file\n");
    assert_int_equal(setenv("STORYPRESS_RETRY_BASE", "7", 1), 0);
    assert_int_equal(setenv("STORYPRESS_LOG_LEVEL", "warning", 1), 0);
    /* A dot in a key becomes an underscore in the variable's name. */
    assert_int_equal(setenv("STORYPRESS_LULU_POD_8_5X8_5_HARDCOVER", "X.Y", 1), 0);
    struct err e = {0};
    struct config *c = config_load(path, &e);
    if (!c)
        fail_msg("config_load: %s", e.msg);
    assert_int_equal(config_int(c, "retry_base"), 7); /* over the file */
    assert_string_equal(config_str(c, "spool_dir"), "/from/file");
    assert_string_equal(config_str(c, "log_level"), "warning"); /* over the default */
    assert_string_equal(config_str(c, "lulu_pod_8.5x8.5_hardcover"), "X.Y");
    config_free(c);
    /* Also without a file. */
    c = config_load(NULL, &e);
    assert_non_null(c);
    assert_int_equal(config_int(c, "retry_base"), 7);
    config_free(c);
    /* A bad value in the environment is an error naming the variable. */
    assert_int_equal(setenv("STORYPRESS_MAX_ATTEMPTS", "lots", 1), 0);
    assert_null(config_load(path, &e));
    assert_non_null(strstr(e.msg, "STORYPRESS_MAX_ATTEMPTS"));
    assert_non_null(strstr(e.msg, "lots"));
    clean_env();
    free(path);
}

static void
test_secret(void **unused)
{
    (void)unused;
    char *key = write_file("key.txt", "sk-test-123\n");
    char *crlf = write_file("crlf.txt", "tok\r\n\n");
    char *empty = write_file("empty.txt", "");
    char *nl = write_file("nl.txt", "\n");
    struct err e = {0};
    struct config *c = config_load(NULL, &e);
    assert_non_null(c);

    /* A path. */
    assert_int_equal(config_set(c, "openai_api_key_file", key, &e), 0);
    char *s = config_secret(c, "openai_api_key_file", &e);
    assert_non_null(s);
    assert_string_equal(s, "sk-test-123");
    free(s);
    assert_int_equal(config_set(c, "openai_api_key_file", crlf, &e), 0);
    s = config_secret(c, "openai_api_key_file", &e);
    assert_non_null(s);
    assert_string_equal(s, "tok");
    free(s);

    /* A bare name is a systemd credential. */
    char *creds = fsu_join(tmpdir, "creds");
    assert_int_equal(mkdir(creds, 0700), 0);
    char *cred = fsu_join(creds, "lulu_client_key");
    FILE *f = fopen(cred, "w");
    assert_non_null(f);
    fputs("lulu-key-xyz\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(setenv("CREDENTIALS_DIRECTORY", creds, 1), 0);
    s = config_secret(c, "lulu_client_key_file", &e); /* default value: lulu_client_key */
    if (!s)
        fail_msg("config_secret: %s", e.msg);
    assert_string_equal(s, "lulu-key-xyz");
    free(s);
    /* A bare name missing from the credentials: an error naming the key. */
    s = config_secret(c, "lulu_client_secret_file", &e);
    assert_null(s);
    assert_non_null(strstr(e.msg, "lulu_client_secret_file"));
    assert_int_equal(e.kind, ERR_PERMANENT);
    unsetenv("CREDENTIALS_DIRECTORY");

    /* A missing file: permanent, names the key and the file. */
    char *missing = fsu_join(tmpdir, "no-such-secret");
    assert_int_equal(config_set(c, "openai_api_key_file", missing, &e), 0);
    assert_null(config_secret(c, "openai_api_key_file", &e));
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "openai_api_key_file"));
    assert_non_null(strstr(e.msg, "no-such-secret"));
    /* Empty, or only a newline: an error that says so. */
    assert_int_equal(config_set(c, "openai_api_key_file", empty, &e), 0);
    assert_null(config_secret(c, "openai_api_key_file", &e));
    assert_non_null(strstr(e.msg, "empty"));
    assert_int_equal(config_set(c, "openai_api_key_file", nl, &e), 0);
    assert_null(config_secret(c, "openai_api_key_file", &e));
    assert_non_null(strstr(e.msg, "empty"));
    /* Not set at all. */
    assert_int_equal(config_set(c, "webhook_secret_file", "", &e), 0);
    assert_null(config_secret(c, "webhook_secret_file", &e));
    assert_non_null(strstr(e.msg, "webhook_secret_file"));
    assert_non_null(strstr(e.msg, "not set"));
    /* The secret never shows in an error. */
    assert_int_equal(config_set(c, "openai_api_key_file", key, &e), 0);
    s = config_secret(c, "openai_api_key_file", &e);
    assert_null(strstr(e.msg, "sk-test-123"));
    free(s);

    config_free(c);
    free(key);
    free(crlf);
    free(empty);
    free(nl);
    free(missing);
    free(cred);
    free(creds);
}

/* Asking for a key that is not declared is a bug: the process aborts. */
static void
test_undeclared_key_aborts(void **unused)
{
    (void)unused;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        if (!freopen("/dev/null", "w", stderr))
            _exit(99);
        config_str(NULL, "no_such_key");
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_dump(void **unused)
{
    (void)unused;
    struct err e = {0};
    struct config *c = config_load(NULL, &e);
    assert_non_null(c);
    assert_int_equal(config_set(c, "retry_base", "11", &e), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    config_dump(c, f);
    assert_int_equal(fclose(f), 0);
    assert_non_null(strstr(buf, "\nretry_base = 11\n"));
    assert_non_null(strstr(buf, "spool_dir = /var/spool/storypress\n"));
    free(buf);
    config_free(c);
}

int
main(void)
{
    const char *base = getenv("TESTTMP");
    if (asprintf(&tmpdir, "%s/config.XXXXXX", base && *base ? base : "/tmp") < 0 ||
        !mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, setup),
        cmocka_unit_test_setup(test_file, setup),
        cmocka_unit_test_setup(test_errors, setup),
        cmocka_unit_test_setup(test_env_override, setup),
        cmocka_unit_test_setup(test_insecure_url, setup),
        cmocka_unit_test_setup(test_secret, setup),
        cmocka_unit_test_setup(test_undeclared_key_aborts, setup),
        cmocka_unit_test_setup(test_dump, setup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fsu_remove_tree(tmpdir, NULL);
    free(tmpdir);
    return rc;
}
