/*
 * test_print_http.c — lib/http.c against a tiny HTTP server on 127.0.0.1
 * (a thread of this test, on a port the OS picks): what is sent (method,
 * body, bearer and Basic auth), what is read (status, body, Retry-After),
 * and how failures are graded (a refused connection, a server that never
 * answers, an answer over the cap: transient; a malformed URL: permanent).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "http.h"

static int server_fd = -1;
static int server_port;
static pthread_t server_thread;

static void
send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void
respond(int fd, const char *status, const char *extra, const char *body, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     status, len, extra ? extra : "");
    send_all(fd, head, (size_t)n);
    send_all(fd, body, len);
}

/* Serves one connection: reads the request, answers by its path. */
static void
serve(int fd)
{
    char req[16384];
    size_t got = 0;
    char *end = NULL;
    while (got < sizeof req - 1) {
        ssize_t n = recv(fd, req + got, sizeof req - 1 - got, 0);
        if (n <= 0)
            return;
        got += (size_t)n;
        req[got] = 0;
        if ((end = strstr(req, "\r\n\r\n"))) {
            const char *cl = strcasestr(req, "Content-Length:");
            size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;
            if (got >= (size_t)(end + 4 - req) + want)
                break;
        }
    }
    if (strncmp(strchr(req, ' ') + 1, "/echo", 5) == 0) {
        respond(fd, "200 OK", "Content-Type: text/plain\r\n", req, got);
    } else if (strncmp(strchr(req, ' ') + 1, "/throttled", 10) == 0) {
        respond(fd, "429 Too Many Requests", "Retry-After: 7\r\n",
                "{\"detail\": \"slow down\"}", 23);
    } else if (strncmp(strchr(req, ' ') + 1, "/big", 4) == 0) {
        static char big[100000];
        memset(big, 'x', sizeof big);
        respond(fd, "200 OK", NULL, big, sizeof big);
    } else if (strncmp(strchr(req, ' ') + 1, "/hang", 5) == 0) {
        /* Never answers: waits for the client to give up (or 5 s). */
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char c;
        (void)recv(fd, &c, 1, 0);
    } else {
        respond(fd, "200 OK", NULL, "{\"ok\": true}", 12);
    }
}

static void *
server_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(server_fd, NULL, NULL);
        if (c < 0)
            return NULL;
        serve(c);
        close(c);
    }
}

static int
setup(void **state)
{
    (void)state;
    server_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (server_fd < 0 || bind(server_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(server_fd, 8) < 0 ||
        getsockname(server_fd, (struct sockaddr *)&sa, &sl) < 0)
        return -1;
    server_port = ntohs(sa.sin_port);
    struct err e;
    if (http_init(&e) < 0)
        return -1;
    return pthread_create(&server_thread, NULL, server_main, NULL) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    shutdown(server_fd, SHUT_RDWR);
    close(server_fd);
    pthread_join(server_thread, NULL);
    return 0;
}

static char *
url(const char *path)
{
    char *u;
    if (asprintf(&u, "http://127.0.0.1:%d%s", server_port, path) < 0)
        abort();
    return u;
}

static void
test_get(void **state)
{
    (void)state;
    char *u = url("/ok");
    struct http_request rq = {.url = u, .timeout_ms = 5000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), 0);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.body, "{\"ok\": true}");
    assert_int_equal(rs.body_len, 12);
    assert_int_equal(rs.retry_after, -1);
    http_response_free(&rs);
    free(u);
}

static void
test_post_bearer(void **state)
{
    (void)state;
    char *u = url("/echo");
    const char *hdrs[] = {"Content-Type: application/json", NULL};
    struct http_request rq = {.method = "POST",
                              .url = u,
                              .headers = hdrs,
                              .body = "{\"a\": 1}",
                              .body_len = 8,
                              .bearer = "tok-123",
                              .timeout_ms = 5000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), 0);
    assert_int_equal(rs.status, 200);
    assert_non_null(strstr(rs.body, "POST /echo HTTP/1.1\r\n"));
    assert_non_null(strstr(rs.body, "\r\nAuthorization: Bearer tok-123\r\n"));
    assert_non_null(strstr(rs.body, "\r\nContent-Type: application/json\r\n"));
    assert_null(strcasestr(rs.body, "Expect:"));
    assert_non_null(strstr(rs.body, "\r\n\r\n{\"a\": 1}"));
    http_response_free(&rs);
    free(u);
}

static void
test_basic_auth(void **state)
{
    (void)state;
    char *u = url("/echo");
    struct http_request rq = {.method = "POST",
                              .url = u,
                              .body = "grant_type=client_credentials",
                              .body_len = 29,
                              .basic_user = "user",
                              .basic_pass = "pass",
                              .timeout_ms = 5000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), 0);
    assert_non_null(strstr(rs.body, "\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"));
    http_response_free(&rs);
    free(u);
}

static void
test_retry_after(void **state)
{
    (void)state;
    char *u = url("/throttled");
    struct http_request rq = {.url = u, .timeout_ms = 5000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), 0);
    assert_int_equal(rs.status, 429);
    assert_int_equal(rs.retry_after, 7);
    assert_int_equal(http_status_kind(rs.status), ERR_TRANSIENT);
    http_response_free(&rs);
    free(u);
}

static void
test_body_cap(void **state)
{
    (void)state;
    char *u = url("/big");
    struct http_request rq = {.url = u, .timeout_ms = 5000, .max_body = 1000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_non_null(strstr(e.msg, "larger than 1000 bytes"));
    assert_null(rs.body);
    http_response_free(&rs);
    /* The same answer under a cap it fits in. */
    rq.max_body = 200000;
    assert_int_equal(http_perform(&rq, &rs, &e), 0);
    assert_int_equal(rs.body_len, 100000);
    http_response_free(&rs);
    free(u);
}

static void
test_timeout(void **state)
{
    (void)state;
    char *u = url("/hang");
    struct http_request rq = {
        .method = "POST", .url = u, .body = "{}", .body_len = 2, .timeout_ms = 300};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_non_null(strstr(e.msg, "no complete answer"));
    assert_non_null(strstr(e.msg, u));
    assert_int_equal(rs.status, 0);
    http_response_free(&rs);
    free(u);
}

static void
test_refused(void **state)
{
    (void)state;
    /* A port that was just free: nobody listens there. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    char *u;
    if (asprintf(&u, "http://127.0.0.1:%d/x", ntohs(sa.sin_port)) < 0)
        abort();
    struct http_request rq = {.url = u, .timeout_ms = 2000, .bearer = "secret-token"};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    assert_null(strstr(e.msg, "secret-token")); /* never in a message */
    http_response_free(&rs);
    free(u);
}

static void
test_bad_url(void **state)
{
    (void)state;
    struct http_request rq = {.url = "ftp://127.0.0.1/x", .timeout_ms = 2000};
    struct http_response rs;
    struct err e;
    assert_int_equal(http_perform(&rq, &rs, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    http_response_free(&rs);
}

static void
test_status_kinds(void **state)
{
    (void)state;
    static const struct {
        long status;
        enum err_kind kind;
    } cases[] = {
        {200, ERR_NONE},      {201, ERR_NONE},      {204, ERR_NONE},
        {400, ERR_PERMANENT}, {401, ERR_PERMANENT}, {403, ERR_PERMANENT},
        {404, ERR_PERMANENT}, {408, ERR_TRANSIENT}, {429, ERR_TRANSIENT},
        {500, ERR_TRANSIENT}, {502, ERR_TRANSIENT}, {503, ERR_TRANSIENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(http_status_kind(cases[i].status), cases[i].kind);
}

static void
test_escape(void **state)
{
    (void)state;
    char *s = http_escape("A1001");
    assert_string_equal(s, "A1001");
    free(s);
    s = http_escape("a b/c&d=\xc3\xa9~_.-");
    assert_string_equal(s, "a%20b%2Fc%26d%3D%C3%A9~_.-");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),          cmocka_unit_test(test_post_bearer),
        cmocka_unit_test(test_basic_auth),   cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_body_cap),     cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_refused),      cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_status_kinds), cmocka_unit_test(test_escape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
