/*
 * test_print.c — the print module's pieces that need no printer: the Lulu
 * print job and cost calculation built from an order (field by field, as
 * Lulu's OpenAPI document names them), the reading of Lulu's statuses,
 * tracking and errors, the webhook signature, the unguessable names, the
 * checksums and the PDF page count; Lulu's cover dimensions and file
 * validations (requests and answers as its OpenAPI document gives them) and
 * a PDF's page size as poppler reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cmocka.h>
#include <math.h>

#include "config.h"
#include "print.h"
#include "print_lulu.h"

static const char order_text[] =
    "{\"order_id\": \"A1001\","
    " \"customer\": {\"id\": \"C-1\", \"email\": \"priya@example.com\", \"name\": "
    "\"Priya Shah\"},"
    " \"child\": {\"name\": \"Maya\"},"
    " \"book\": {\"language\": \"en\", \"pages\": 24, \"trim\": \"8.5x8.5\","
    "            \"binding\": \"hardcover\"},"
    " \"shipping\": {\"name\": \"Priya Shah\", \"street1\": \"14 Larkspur Road\","
    "   \"street2\": \"Flat 2\", \"city\": \"Leeds\", \"postcode\": \"LS6 2QE\","
    "   \"country_code\": \"GB\", \"phone_number\": \"+44 113 496 0000\","
    "   \"email\": \"ship@example.com\"},"
    " \"shipping_level\": \"EXPRESS\"}";

static json_t *
load(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("bad test JSON: %s", je.text);
    return j;
}

/* A book as print_book_load() would fill it, without files. */
static void
fake_book(struct print_book *b, const json_t *order)
{
    memset(b, 0, sizeof *b);
    b->id = "A1001";
    b->order = order;
    b->trim = "8.5x8.5";
    b->binding = "hardcover";
    b->shipping_level = "EXPRESS";
    b->story_pages = 24;
    b->page_count = 32;
    b->title = strdup("Maya and the Secret of Fern Valley");
    strcpy(b->interior_md5, "0123456789abcdef0123456789abcdef");
    strcpy(b->cover_md5, "fedcba9876543210fedcba9876543210");
    b->shipping_address = print_shipping_address(order);
}

static const char *
jstr(const json_t *o, const char *path)
{
    json_t *v = (json_t *)o;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && v; tok = strtok(NULL, ".")) {
        char *end;
        long i = strtol(tok, &end, 10);
        v = *end == 0 && json_is_array(v) ? json_array_get(v, (size_t)i)
                                          : json_object_get(v, tok);
    }
    return json_string_value(v);
}

static void
assert_keys(const json_t *o, const char *const *keys)
{
    size_t n = 0;
    for (; keys[n]; n++)
        assert_non_null(json_object_get(o, keys[n]));
    assert_int_equal(json_object_size(o), n);
}

static void
test_job_json(void **state)
{
    (void)state;
    json_t *order = load(order_text);
    struct print_book b;
    fake_book(&b, order);
    json_t *job = print_lulu_job_json(
        &b, "books@shop.example", "0850X0850.FC.PRE.CW.080CW444.GXX",
        "https://files.example/p/aaaa.pdf", "https://files.example/p/bbbb.pdf");
    static const char *const top[] = {"contact_email",    "external_id",    "line_items",
                                      "shipping_address", "shipping_level", NULL};
    assert_keys(job, top);
    assert_string_equal(jstr(job, "contact_email"), "books@shop.example");
    assert_string_equal(jstr(job, "external_id"), "A1001");
    assert_string_equal(jstr(job, "shipping_level"), "EXPRESS");
    assert_int_equal(json_array_size(json_object_get(job, "line_items")), 1);
    json_t *li = json_array_get(json_object_get(job, "line_items"), 0);
    static const char *const item[] = {"external_id", "title", "quantity",
                                       "printable_normalization", NULL};
    assert_keys(li, item);
    assert_string_equal(jstr(li, "external_id"), "A1001");
    assert_string_equal(jstr(li, "title"), "Maya and the Secret of Fern Valley");
    assert_int_equal(json_integer_value(json_object_get(li, "quantity")), 1);
    assert_string_equal(jstr(li, "printable_normalization.pod_package_id"),
                        "0850X0850.FC.PRE.CW.080CW444.GXX");
    assert_string_equal(jstr(li, "printable_normalization.interior.source_url"),
                        "https://files.example/p/aaaa.pdf");
    assert_string_equal(jstr(li, "printable_normalization.cover.source_url"),
                        "https://files.example/p/bbbb.pdf");
    assert_string_equal(jstr(li, "printable_normalization.interior.source_md5_sum"),
                        "0123456789abcdef0123456789abcdef");
    assert_string_equal(jstr(li, "printable_normalization.cover.source_md5_sum"),
                        "fedcba9876543210fedcba9876543210");
    json_t *addr = json_object_get(job, "shipping_address");
    static const char *const afields[] = {"name",         "street1",  "street2",
                                          "city",         "postcode", "country_code",
                                          "phone_number", "email",    NULL};
    assert_keys(addr, afields);
    assert_string_equal(jstr(addr, "street1"), "14 Larkspur Road");
    assert_string_equal(jstr(addr, "street2"), "Flat 2");
    assert_string_equal(jstr(addr, "postcode"), "LS6 2QE");
    assert_string_equal(jstr(addr, "country_code"), "GB");
    assert_string_equal(jstr(addr, "phone_number"), "+44 113 496 0000");
    assert_string_equal(jstr(addr, "email"), "ship@example.com");
    json_decref(job);
    print_book_free(&b);
    json_decref(order);
}

static void
test_cost_json(void **state)
{
    (void)state;
    json_t *order = load(order_text);
    struct print_book b;
    fake_book(&b, order);
    json_t *c = print_lulu_cost_json(&b, "0850X0850.FC.PRE.CW.080CW444.GXX");
    static const char *const top[] = {"line_items", "shipping_address", "shipping_option",
                                      NULL};
    assert_keys(c, top);
    assert_string_equal(jstr(c, "shipping_option"), "EXPRESS");
    json_t *li = json_array_get(json_object_get(c, "line_items"), 0);
    assert_int_equal(json_integer_value(json_object_get(li, "page_count")), 32);
    assert_int_equal(json_integer_value(json_object_get(li, "quantity")), 1);
    assert_string_equal(jstr(li, "pod_package_id"), "0850X0850.FC.PRE.CW.080CW444.GXX");
    json_decref(c);
    print_book_free(&b);
    json_decref(order);
}

static void
test_shipping_fallbacks(void **state)
{
    (void)state;
    /* No e-mail on the address: the customer's; a shop's other names. */
    json_t *order =
        load("{\"customer\": {\"email\": \"c@example.com\"},"
             " \"shipping\": {\"name\": \"A B\", \"line1\": \"1 Road\","
             " \"zip\": \"10001\", \"state\": \"NY\", \"country_code\": \"US\","
             " \"city\": \"\", \"phone\": \"+1 212 555 0100\"}}");
    json_t *a = print_shipping_address(order);
    assert_string_equal(jstr(a, "email"), "c@example.com");
    assert_string_equal(jstr(a, "street1"), "1 Road");
    assert_string_equal(jstr(a, "postcode"), "10001");
    assert_string_equal(jstr(a, "state_code"), "NY");
    assert_string_equal(jstr(a, "phone_number"), "+1 212 555 0100");
    assert_null(
        json_object_get(a, "city")); /* empty: left out, Lulu says what is missing */
    assert_null(json_object_get(a, "line1"));
    json_decref(a);
    json_decref(order);
}

static void
test_pod_key(void **state)
{
    (void)state;
    char *k = print_lulu_pod_key("8.5x8.5", "hardcover");
    assert_string_equal(k, "lulu_pod_8.5x8.5_hardcover");
    struct err e;
    struct config *cfg = config_load(NULL, &e);
    assert_non_null(cfg);
    /* The configured ids are in the dotted form Lulu keeps after 2027-02-01. */
    const char *pod = config_str(cfg, k);
    assert_int_equal(strlen(pod), 32);
    assert_int_equal(pod[9], '.');
    free(k);
    config_free(cfg);
}

static void
test_phases(void **state)
{
    (void)state;
    static const struct {
        const char *status;
        enum print_lulu_phase phase;
    } cases[] = {
        {"CREATED", PRINT_LULU_PENDING},
        {"UNPAID", PRINT_LULU_PENDING},
        {"PAYMENT_IN_PROGRESS", PRINT_LULU_PENDING},
        {"PRODUCTION_DELAYED", PRINT_LULU_PENDING},
        {"PRODUCTION_READY", PRINT_LULU_PENDING},
        {"IN_PRODUCTION", PRINT_LULU_PRODUCTION},
        {"SHIPPED", PRINT_LULU_SHIPPED},
        {"DELIVERED", PRINT_LULU_SHIPPED},
        {"REJECTED", PRINT_LULU_FAILED},
        {"CANCELED", PRINT_LULU_FAILED},
        {"ERROR", PRINT_LULU_FAILED},
        {"LOST_IN_SPACE", PRINT_LULU_UNKNOWN},
        {NULL, PRINT_LULU_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(print_lulu_phase(cases[i].status), cases[i].phase);
}

static void
test_status_shipped(void **state)
{
    (void)state;
    /* The shipping notification of Lulu's documentation. */
    json_t *s =
        load("{\"name\": \"SHIPPED\", \"message\": \"All line-items were shipped\","
             " \"changed\": \"2024-04-10T09:28:34.870842Z\","
             " \"line_item_statuses\": [{\"name\": \"SHIPPED\", \"messages\": {"
             "   \"tracking_id\": \"3d4a53da-cc42-44c2-b47b-c3da8fa37491_1\","
             "   \"tracking_urls\": "
             "[\"https://api.sandbox.lulu.com/printer-wannabe-tracking/3d4a\"],"
             "   \"carrier_name\": \"Carrier\"}, \"line_item_id\": 57999}],"
             " \"print_job_id\": 42776}");
    struct print_lulu_status st;
    struct err e;
    assert_int_equal(print_lulu_status_parse(s, &st, &e), 0);
    assert_string_equal(st.name, "SHIPPED");
    assert_string_equal(st.message, "All line-items were shipped");
    assert_string_equal(st.changed, "2024-04-10T09:28:34.870842Z");
    assert_int_equal(json_array_size(st.tracking), 1);
    json_t *t = json_array_get(st.tracking, 0);
    assert_int_equal(json_integer_value(json_object_get(t, "line_item_id")), 57999);
    assert_string_equal(jstr(t, "tracking_id"), "3d4a53da-cc42-44c2-b47b-c3da8fa37491_1");
    assert_string_equal(jstr(t, "tracking_urls.0"),
                        "https://api.sandbox.lulu.com/printer-wannabe-tracking/3d4a");
    assert_string_equal(jstr(t, "carrier_name"), "Carrier");
    print_lulu_status_free(&st);
    json_decref(s);
}

static void
test_status_rejected(void **state)
{
    (void)state;
    json_t *s = load("{\"name\": \"REJECTED\", \"message\": \"Print-job was rejected\","
                     " \"line_item_statuses\": [{\"name\": \"REJECTED\", "
                     "\"line_item_id\": 7, \"messages\": {"
                     "   \"error\": \"Interior: fonts not embedded\","
                     "   \"printable_normalization\": {\"cover\": [\"Cover is 2 mm too "
                     "narrow\"]}}}]}");
    struct print_lulu_status st;
    struct err e;
    assert_int_equal(print_lulu_status_parse(s, &st, &e), 0);
    assert_int_equal(print_lulu_phase(st.name), PRINT_LULU_FAILED);
    assert_string_equal(st.message,
                        "Print-job was rejected; line item 7: Interior: fonts not "
                        "embedded; line item 7, cover file: Cover is 2 mm too narrow");
    assert_null(st.tracking);
    print_lulu_status_free(&st);
    json_decref(s);

    /* No name: an answer we cannot read is asked again, not trusted. */
    s = load("{\"message\": \"hello\"}");
    assert_int_equal(print_lulu_status_parse(s, &st, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    print_lulu_status_free(&st);
    json_decref(s);
}

static void
test_job_tracking(void **state)
{
    (void)state;
    json_t *job =
        load("{\"id\": 1, \"line_items\": ["
             " {\"id\": 11, \"tracking_id\": \"T1\", \"tracking_urls\": [\"u1\", \"u2\"],"
             "  \"carrier_name\": \"UPS\"},"
             " {\"id\": 12, \"status\": {\"name\": \"SHIPPED\", \"messages\":"
             "  {\"tracking_id\": \"T2\", \"tracking_urls\": \"u3\"}}},"
             " {\"id\": 13, \"status\": {\"name\": \"IN_PRODUCTION\"}}]}");
    json_t *t = print_lulu_job_tracking(job);
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(jstr(t, "0.tracking_id"), "T1");
    assert_string_equal(jstr(t, "0.tracking_urls.1"), "u2");
    assert_string_equal(jstr(t, "1.tracking_id"), "T2");
    assert_string_equal(jstr(t, "1.tracking_urls.0"),
                        "u3"); /* a lone URL becomes a list */
    json_decref(t);
    json_decref(job);
    job = load("{\"id\": 1, \"line_items\": [{\"id\": 2}]}");
    assert_null(print_lulu_job_tracking(job));
    json_decref(job);
}

static void
test_error_words(void **state)
{
    (void)state;
    static const struct {
        const char *body, *words;
    } cases[] = {
        {"{\"shipping_address\": {\"postcode\": [\"This field is required.\"]}}",
         "shipping_address.postcode: This field is required."},
        {"{\"line_items\": [{}, {\"title\": [\"This field is required.\"]}],"
         " \"shipping_level\": [\"\\\"FAST\\\" is not a valid choice.\"]}",
         "line_items[1].title: This field is required.; shipping_level: \"FAST\" is not "
         "a valid "
         "choice."},
        {"{\"non_field_errors\": [\"Invalid data.\"]}", "Invalid data."},
        {"{\"detail\": \"Not found.\"}", "Not found."},
        {"{\"error\": \"unauthorized_client\", \"error_description\": \"Invalid "
         "client\"}",
         "Invalid client"},
        {"<html><body>502 Bad Gateway</body></html>",
         "<html><body>502 Bad Gateway</body></html>"},
        {"", "(empty answer)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *w = print_lulu_error_words(cases[i].body, strlen(cases[i].body));
        assert_string_equal(w, cases[i].words);
        free(w);
    }
    /* Control characters in a non-JSON answer never reach a log line. */
    char *w = print_lulu_error_words("bad\n\x1b[31mred", 12);
    assert_string_equal(w, "bad  [31mred");
    free(w);
}

static void
test_webhook(void **state)
{
    (void)state;
    static const char body[] = "{\"topic\":\"PRINT_JOB_STATUS_CHANGED\",\"data\":{\"id\":"
                               "42,\"status\":{\"name\":"
                               "\"SHIPPED\"}}}";
    static const char secret[] = "sekr\xc3\xa9t-42";
    /* Computed independently (python3 hmac). */
    static const char good[] =
        "ec8a1ca340ef98eb103c7702b45d89d26981c983d74942e2faba1cc8553ff7f3";
    size_t n = strlen(body);
    assert_int_equal(print_lulu_webhook_verify(body, n, good, secret), 1);
    assert_int_equal(
        print_lulu_webhook_verify(body, n,
                                  "EC8A1CA340EF98EB103C7702B45D89D26981C983D74942E2"
                                  "FABA1CC8553FF7F3",
                                  secret),
        1);
    assert_int_equal(print_lulu_webhook_verify(body, n,
                                               " ec8a1ca340ef98eb103c7702b45d89d26981c9"
                                               "83d74942e2faba1cc8553ff7f3\r\n",
                                               secret),
                     1);
    assert_int_equal(print_lulu_webhook_verify(body, n, good, "sekret-42"), 0);
    assert_int_equal(print_lulu_webhook_verify(body, n - 1, good, secret), 0);
    assert_int_equal(print_lulu_webhook_verify(body, n, "ec8a1ca340ef98eb", secret), 0);
    assert_int_equal(
        print_lulu_webhook_verify(
            body, n, "ec8a1ca340ef98eb103c7702b45d89d26981c983d74942e2faba1cc8553ff7f300",
            secret),
        0);
    assert_int_equal(print_lulu_webhook_verify(body, n, NULL, secret), 0);
    assert_int_equal(print_lulu_webhook_verify(body, n, "", secret), 0);
    assert_int_equal(print_lulu_webhook_verify(body, n, good, ""), 0);
}

static int
is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void
test_secret_names(void **state)
{
    (void)state;
    struct err e;
    char *a = print_secret_name(".pdf", &e), *b = print_secret_name(".pdf", &e);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 32 + 4); /* 128 bits in hex, then ".pdf" */
    assert_true(is_lower_hex(a, 32));
    assert_string_equal(a + 32, ".pdf");
    assert_true(is_lower_hex(b, 32));
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    char hex[65];
    assert_int_equal(print_random_hex(hex, 32, &e), 0);
    assert_int_equal(strlen(hex), 64);
    assert_true(is_lower_hex(hex, 64));
    assert_int_equal(print_random_hex(hex, 65, &e), -1);
}

static char tmpdir[256];

static int
setup_tmp(void **state)
{
    (void)state;
    const char *base = getenv("TESTTMP");
    snprintf(tmpdir, sizeof tmpdir, "%s/print-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown_tmp(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *
write_tmp(const char *name, const char *data, size_t len)
{
    char *path;
    if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
        abort();
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void
test_file_sums(void **state)
{
    (void)state;
    char *p = write_tmp("abc", "abc", 3);
    char sha[65], md5[33];
    struct err e;
    assert_int_equal(print_file_sums(p, sha, md5, &e), 0);
    assert_string_equal(
        sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(md5, "900150983cd24fb0d6963f7d28e17f72");
    free(p);
    char *missing;
    if (asprintf(&missing, "%s/none.pdf", tmpdir) < 0)
        abort();
    assert_int_equal(print_file_sums(missing, sha, md5, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "none.pdf"));
    free(missing);
}

static void
test_pdf_pages(void **state)
{
    (void)state;
    static const char three[] =
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        "2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n"
        "3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n"
        "4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n"
        "5 0 obj << /Type\n/Page /Parent 2 0 R >> endobj\n"
        "6 0 obj << /Type /PageLabel >> endobj\n%%EOF\n";
    static const char tree_only[] =
        "%PDF-1.5\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 5 >> endobj\n%%EOF\n";
    struct err e;
    int n = -1;
    char *p = write_tmp("three.pdf", three, sizeof three - 1);
    assert_int_equal(print_pdf_pages(p, &n, &e), 0);
    assert_int_equal(n, 3);
    free(p);
    p = write_tmp("tree.pdf", tree_only, sizeof tree_only - 1);
    assert_int_equal(print_pdf_pages(p, &n, &e), 0);
    assert_int_equal(n, 5);
    free(p);
    p = write_tmp("empty.pdf", "", 0);
    assert_int_equal(print_pdf_pages(p, &n, &e), 0);
    assert_int_equal(n, 0);
    free(p);
}

/* POST /cover-dimensions/ answers strings in the unit asked (pt by
 * default); mm and inch are converted; nonsense is transient. */
static void
test_dimensions(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int rc;
        double w, h;
    } c[] = {
        {"{\"width\": \"1368.000\", \"height\": \"738.000\", \"unit\": \"pt\"}", 0, 1368,
         738},
        {"{\"width\": \"920.000\", \"height\": \"666.000\"}", 0, 920, 666},
        {"{\"width\": 482.6, \"height\": 260.35, \"unit\": \"mm\"}", 0, 1368, 738},
        {"{\"width\": \"19\", \"height\": \"10.25\", \"unit\": \"inch\"}", 0, 1368, 738},
        {"{\"width\": \"wide\", \"height\": \"738\"}", -1, 0, 0},
        {"{\"height\": \"738\"}", -1, 0, 0},
        {"{\"width\": \"0\", \"height\": \"738\"}", -1, 0, 0},
        {"{\"width\": \"1\", \"height\": \"1\", \"unit\": \"furlong\"}", -1, 0, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        json_t *j = load(c[i].json);
        double w = -1, h = -1;
        struct err e = {0};
        int rc = print_lulu_dimensions_parse(j, &w, &h, &e);
        if (rc != c[i].rc)
            fail_msg("%s: rc %d (%s)", c[i].json, rc, e.msg);
        if (rc == 0 && (fabs(w - c[i].w) > 0.01 || fabs(h - c[i].h) > 0.01))
            fail_msg("%s: %g x %g", c[i].json, w, h);
        if (rc < 0)
            assert_int_equal(e.kind, ERR_TRANSIENT);
        json_decref(j);
    }
}

static void
test_validation_json(void **state)
{
    (void)state;
    json_t *i = print_lulu_validation_json("interior", "https://f.example/a.pdf",
                                           "0850X0850.FC.PRE.CW.080CW444.GXX", 28);
    static const char *const ik[] = {"source_url", "pod_package_id", NULL};
    assert_keys(i, ik);
    assert_string_equal(jstr(i, "source_url"), "https://f.example/a.pdf");
    json_t *c = print_lulu_validation_json("cover", "https://f.example/b.pdf",
                                           "0850X0850.FC.PRE.CW.080CW444.GXX", 28);
    static const char *const ck[] = {"source_url", "pod_package_id",
                                     "interior_page_count", NULL};
    assert_keys(c, ck);
    assert_int_equal(json_integer_value(json_object_get(c, "interior_page_count")), 28);
    json_decref(i);
    json_decref(c);
}

/* Validation records: the statuses the spec lists, null for "not started",
 * Lulu's errors in words, an id as number or string. */
static void
test_validation_parse(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        enum print_lulu_check check;
        const char *status, *words;
    } c[] = {
        {"{\"id\": 1, \"status\": \"VALIDATING\", \"errors\": null}", PRINT_LULU_CHECKING,
         "VALIDATING", NULL},
        {"{\"id\": 2, \"status\": null}", PRINT_LULU_CHECKING, "NULL", NULL},
        {"{\"id\": \"3\", \"status\": \"NORMALIZING\"}", PRINT_LULU_CHECKING,
         "NORMALIZING", NULL},
        {"{\"id\": 4, \"status\": \"VALIDATED\", \"page_count\": \"28\"}",
         PRINT_LULU_VALID, "VALIDATED", NULL},
        {"{\"id\": 5, \"status\": \"NORMALIZED\", \"errors\": []}", PRINT_LULU_VALID,
         "NORMALIZED", NULL},
        {"{\"id\": 6, \"status\": \"ERROR\", \"errors\": [\"invalid file size\", \"fonts "
         "not "
         "embedded\"]}",
         PRINT_LULU_INVALID, "ERROR", "invalid file size; fonts not embedded"},
        {"{\"id\": 7, \"status\": \"PONDERING\"}", PRINT_LULU_CHECK_UNKNOWN, "PONDERING",
         NULL},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        json_t *j = load(c[i].json);
        struct print_lulu_validation v;
        struct err e = {0};
        if (print_lulu_validation_parse(j, &v, &e) != 0)
            fail_msg("%s: %s", c[i].json, e.msg);
        assert_int_equal(v.check, c[i].check);
        assert_string_equal(v.status, c[i].status);
        if (c[i].words)
            assert_string_equal(v.words, c[i].words);
        else
            assert_null(v.words);
        print_lulu_validation_free(&v);
        json_decref(j);
    }
    json_t *j = load("{\"status\": \"VALIDATED\"}");
    struct print_lulu_validation v;
    struct err e = {0};
    assert_int_equal(print_lulu_validation_parse(j, &v, &e), -1);
    assert_int_equal(e.kind, ERR_TRANSIENT);
    print_lulu_validation_free(&v);
    json_decref(j);
}

/* The page size of a PDF as cairo writes it (and as the pdf stage does);
 * a file that is no PDF is a permanent error naming it. */
static void
test_pdf_page_size(void **state)
{
    (void)state;
    char *p;
    if (asprintf(&p, "%s/sheet.pdf", tmpdir) < 0)
        abort();
    cairo_surface_t *s = cairo_pdf_surface_create(p, 1368, 738);
    cairo_t *cr = cairo_create(s);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    double w = 0, h = 0;
    struct err e = {0};
    assert_int_equal(print_pdf_page_size(p, &w, &h, &e), 0);
    assert_true(fabs(w - 1368) < 0.001 && fabs(h - 738) < 0.001);
    free(p);
    p = write_tmp("garbage.pdf", "not a pdf at all", 16);
    assert_int_equal(print_pdf_page_size(p, &w, &h, &e), -1);
    assert_int_equal(e.kind, ERR_PERMANENT);
    assert_non_null(strstr(e.msg, "garbage.pdf"));
    free(p);
}

static void
test_place_and_result(void **state)
{
    (void)state;
    char *from = write_tmp("interior.pdf", "%PDF-1.4 x", 10);
    char *to;
    if (asprintf(&to, "%s/published.pdf", tmpdir) < 0)
        abort();
    struct err e;
    assert_int_equal(print_place_file(from, to, &e), 0);
    assert_int_equal(access(to, R_OK), 0);
    assert_int_equal(print_place_file(from, to, &e), -1); /* never replaces */
    free(from);
    free(to);

    /* Across filesystems (/dev/shm is a tmpfs): a copy, complete, and no
     * temporary file left beside it. */
    char shm[] = "/dev/shm/test_print-XXXXXX";
    int fd = mkstemp(shm);
    if (fd >= 0) {
        assert_int_equal(write(fd, "%PDF-1.4 across", 15), 15);
        close(fd);
        if (asprintf(&to, "%s/copied.pdf", tmpdir) < 0)
            abort();
        int rc = print_place_file(shm, to, &e);
        unlink(shm);
        assert_int_equal(rc, 0);
        char buf[32] = {0};
        FILE *f = fopen(to, "rb");
        assert_non_null(f);
        assert_int_equal(fread(buf, 1, sizeof buf, f), 15);
        fclose(f);
        assert_string_equal(buf, "%PDF-1.4 across");
        char *tmp;
        if (asprintf(&tmp, "%s/.copied.pdf.tmp", tmpdir) < 0)
            abort();
        assert_int_equal(access(tmp, F_OK), -1);
        free(tmp);
        free(to);
    }

    struct print_row r = {0};
    r.found = 1;
    r.provider = "lulu";
    r.provider_job_id = "1234";
    r.status = "IN_PRODUCTION";
    r.cost = "7.63";
    r.currency = "USD";
    r.status_detail = load("[{\"status\": \"CREATED\"}, {\"status\": \"IN_PRODUCTION\","
                           " \"message\": \"Print-job submitted to printer\"}]");
    json_t *res = print_row_result(&r, "A1001");
    assert_string_equal(jstr(res, "provider"), "lulu");
    assert_string_equal(jstr(res, "job_id"), "1234");
    assert_string_equal(jstr(res, "external_id"), "A1001");
    assert_string_equal(jstr(res, "status"), "IN_PRODUCTION");
    assert_string_equal(jstr(res, "status_message"), "Print-job submitted to printer");
    assert_string_equal(jstr(res, "cost"), "7.63");
    assert_int_equal(print_write_result(tmpdir, res, &e), 0);
    char *path;
    if (asprintf(&path, "%s/" PRINT_RESULT_FILE, tmpdir) < 0)
        abort();
    json_t *back = json_load_file(path, 0, NULL);
    assert_non_null(back);
    assert_true(json_equal(back, res));
    json_decref(back);
    json_decref(res);
    json_decref(r.status_detail);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_json),
        cmocka_unit_test(test_cost_json),
        cmocka_unit_test(test_shipping_fallbacks),
        cmocka_unit_test(test_pod_key),
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_status_shipped),
        cmocka_unit_test(test_status_rejected),
        cmocka_unit_test(test_job_tracking),
        cmocka_unit_test(test_error_words),
        cmocka_unit_test(test_webhook),
        cmocka_unit_test(test_secret_names),
        cmocka_unit_test(test_file_sums),
        cmocka_unit_test(test_pdf_pages),
        cmocka_unit_test(test_place_and_result),
        cmocka_unit_test(test_dimensions),
        cmocka_unit_test(test_validation_json),
        cmocka_unit_test(test_validation_parse),
        cmocka_unit_test(test_pdf_page_size),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
