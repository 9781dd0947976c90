/*
 * test_publish_s3.c — presigned URLs (publish_s3_presign) against AWS's
 * published example of query-string authentication (Signature Version 4,
 * "Authenticating Requests: Using Query Parameters", examplebucket/test.txt
 * on 2013-05-24), and host names (host.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"
#include "publish_s3.h"

#define AWS_AK "AKIAIOSFODNN7EXAMPLE"
#define AWS_SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AWS_T0 1369353600 /* 2013-05-24T00:00:00Z */

static void
test_aws_example(void **unused)
{
    (void)unused;
    char *u = publish_s3_presign("https://examplebucket.s3.amazonaws.com", "us-east-1", "",
                                 AWS_AK, AWS_SK, "test.txt", 86400, AWS_T0);
    assert_string_equal(
        u, "https://examplebucket.s3.amazonaws.com/test.txt"
           "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
           "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
           "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    free(u);
}

/* What the signature covers: each part changes it. */
static void
test_signature_covers(void **unused)
{
    (void)unused;
    const char *ep = "http://127.0.0.1:9000";
    char *base = publish_s3_presign(ep, "eu-west-1", "books", AWS_AK, AWS_SK, "a.pdf", 600, AWS_T0);
    char *other[] = {
        publish_s3_presign(ep, "eu-west-1", "books", AWS_AK, AWS_SK, "b.pdf", 600, AWS_T0),
        publish_s3_presign(ep, "eu-west-1", "books", AWS_AK, AWS_SK, "a.pdf", 601, AWS_T0),
        publish_s3_presign(ep, "eu-west-1", "books", AWS_AK, AWS_SK, "a.pdf", 600, AWS_T0 + 1),
        publish_s3_presign(ep, "eu-west-2", "books", AWS_AK, AWS_SK, "a.pdf", 600, AWS_T0),
        publish_s3_presign(ep, "eu-west-1", "album", AWS_AK, AWS_SK, "a.pdf", 600, AWS_T0),
        publish_s3_presign(ep, "eu-west-1", "books", AWS_AK, "another", "a.pdf", 600, AWS_T0),
        publish_s3_presign("http://127.0.0.1:9001", "eu-west-1", "books", AWS_AK, AWS_SK,
                           "a.pdf", 600, AWS_T0),
    };
    const char *sig = strstr(base, "X-Amz-Signature=");
    assert_non_null(sig);
    assert_int_equal(strlen(sig), strlen("X-Amz-Signature=") + 64);
    assert_true(strncmp(base, "http://127.0.0.1:9000/books/a.pdf?", 34) == 0);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        const char *s = strstr(other[i], "X-Amz-Signature=");
        assert_non_null(s);
        if (strcmp(s, sig) == 0)
            fail_msg("variant %zu signs the same: %s", i, other[i]);
        free(other[i]);
    }
    free(base);
}

/* A key with characters outside SigV4's unreserved set is %-encoded,
 * '/' kept. */
static void
test_key_encoding(void **unused)
{
    (void)unused;
    char *u = publish_s3_presign("http://s3.test", "r", "b", AWS_AK, AWS_SK, "dir/a b+é.pdf", 60,
                                 AWS_T0);
    assert_true(strncmp(u, "http://s3.test/b/dir/a%20b%2B%C3%A9.pdf?", 40) == 0);
    free(u);
}

static void
test_host_names(void **unused)
{
    (void)unused;
    static const struct {
        const char *name;
        int ok;
    } cases[] = {
        {"h1", 1},          {"print-2.eu_west", 1}, {"", 0},      {".h", 0},
        {"-h", 0},          {"h 1", 0},             {"h/1", 0},   {"hé", 0},
        {"a23456789012345678901234567890123456789012345678901234567890123", 1},
        {"a234567890123456789012345678901234567890123456789012345678901234", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (host_name_ok(cases[i].name) != cases[i].ok)
            fail_msg("host_name_ok(\"%s\") != %d", cases[i].name, cases[i].ok);
    struct err e = {0};
    assert_int_equal(host_set("h7", &e), 0);
    assert_string_equal(host_name(), "h7");
    assert_int_equal(host_set("bad name", &e), -1);
    assert_non_null(strstr(e.msg, "host_name"));
    assert_string_equal(host_name(), "h7");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_example),
        cmocka_unit_test(test_signature_covers),
        cmocka_unit_test(test_key_encoding),
        cmocka_unit_test(test_host_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
