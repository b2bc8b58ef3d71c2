/* test_shared: the shared helpers of issue 12: the one date check, the one
 * UTF-8 decoder and its U+FFFD rule, the one JSON writer and reader, the
 * one SHA-256, the rule-id table and the exit-status policy; the buffer's
 * number writer. */
#include "check.h"

#include <stdlib.h>

#include "buf.h"
#include "date.h"
#include "diag.h"
#include "exitcode.h"
#include "format.h"
#include "json.h"
#include "rule_ids.h"
#include "sha256.h"
#include "utf8.h"

static void test_date(void)
{
    static const struct {
        const char *s;
        int ok;
    } cases[] = {
        {"2026-02-28", 1}, {"2026-02-29", 0}, {"2026-02-31", 0}, {"2028-02-29", 1},
        {"2000-02-29", 1}, {"2100-02-29", 0}, {"2026-04-30", 1}, {"2026-04-31", 0},
        {"2026-12-31", 1}, {"2026-13-01", 0}, {"2026-00-10", 0}, {"2026-01-00", 0},
        {"0000-01-01", 0}, {"0001-01-01", 1}, {"9999-12-31", 1}, {"2026-1-01", 0},
        {"2026-01-011", 0}, {"2026/01/01", 0}, {"", 0}, {"2026-01-0x", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(qs_date_parse(cases[i].s, NULL, NULL, NULL) == cases[i].ok,
              "date '%s' %s", cases[i].s, cases[i].ok ? "valid" : "invalid");
    CHECK(!qs_date_parse(NULL, NULL, NULL, NULL), "date NULL invalid");
    int y = 0, m = 0, d = 0;
    CHECK(qs_date_parse("2024-02-29", &y, &m, &d) && y == 2024 && m == 2 && d == 29,
          "date parts 2024-02-29");
}

static void test_utf8(void)
{
    size_t used;
    CHECK(qs_utf8_decode("\xc3\xa4", 2, &used) == 0xE4 && used == 2, "decode U+00E4");
    CHECK(qs_utf8_decode("\xf0\x9f\x98\x80", 4, &used) == 0x1F600 && used == 4,
          "decode U+1F600");
    CHECK(qs_utf8_decode("\xc0\xaf", 2, &used) == (uint32_t)-1 && used == 1,
          "overlong rejected, one byte");
    CHECK(qs_utf8_decode("\xed\xa0\x80", 3, &used) == (uint32_t)-1, "surrogate rejected");
    CHECK(qs_utf8_decode("\xe2\x82", 2, &used) == (uint32_t)-1, "cut sequence rejected");
    /* The encoder: exact bytes at each length's edges, and every code
     * point (surrogates excepted) decodes back to itself. */
    char u[4];
    CHECK(qs_utf8_encode(0x7F, u) == 1 && u[0] == 0x7F, "encode U+007F: 1 byte");
    CHECK(qs_utf8_encode(0x80, u) == 2 && memcmp(u, "\xc2\x80", 2) == 0, "encode U+0080");
    CHECK(qs_utf8_encode(0x20AC, u) == 3 && memcmp(u, "\xe2\x82\xac", 3) == 0, "encode U+20AC");
    CHECK(qs_utf8_encode(0x10FFFF, u) == 4 && memcmp(u, "\xf4\x8f\xbf\xbf", 4) == 0,
          "encode U+10FFFF");
    uint32_t bad = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t n = qs_utf8_encode(cp, u);
        if (qs_utf8_decode(u, n, &used) != cp || used != n)
            bad++;
    }
    CHECK(bad == 0, "every code point encodes and decodes back (%u do not)", (unsigned)bad);
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"\xc3\xa4 ok", "\xc3\xa4 ok"},
        {"x\xff" "y", "x\xef\xbf\xbd" "y"},
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *v = qs_utf8_valid(cases[i].in);
        CHECK_STR(v, cases[i].out, "qs_utf8_valid case %zu", i);
        free(v);
    }
    char *v = qs_utf8_valid(NULL);
    CHECK_STR(v, "", "qs_utf8_valid(NULL) is empty");
    free(v);
}

static void test_json(void)
{
    json_t *o = json_object();
    qs_json_set(o, "b", qs_json_string("x\xff\"\\\n\x01"));
    qs_json_set(o, "a", qs_json_integer(7));
    size_t len;
    char *text = qs_json_text(o, &len);
    CHECK_STR(text, "{\n  \"b\": \"x\xef\xbf\xbd\\\"\\\\\\n\\u0001\",\n  \"a\": 7\n}\n",
              "qs_json_text: order kept, escapes, U+FFFD, final newline");
    CHECK(len == strlen(text), "qs_json_text length");
    json_t *back = qs_json_load(text, len);
    CHECK(back && strcmp(qs_json_get_string(back, "b"), "x\xef\xbf\xbd\"\\\n\x01") == 0,
          "qs_json_load reads it back");
    CHECK(qs_json_get_string(back, "a") == NULL, "a number is not a string");
    CHECK(qs_json_get_string(NULL, "a") == NULL, "no object, no string");
    json_decref(back);
    free(text);
    json_decref(o);
    CHECK(qs_json_load("{\"a\": 1,", 8) == NULL, "truncated JSON is refused");
    CHECK(qs_json_load("{\"a\": 1, \"a\": 2}", 16) == NULL, "duplicate keys are refused");

    FILE *f = tmpfile();
    json_t *rows = json_array();
    qs_json_write_rows(rows, f);
    qs_json_append(rows, qs_json_integer(1));
    json_t *row = json_object();
    qs_json_set(row, "k", qs_json_string("v"));
    qs_json_set(row, "n", json_null());
    qs_json_append(rows, row);
    qs_json_write_rows(rows, f);
    json_decref(rows);
    rewind(f);
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK_STR(buf, "[]\n[\n 1,\n {\"k\": \"v\", \"n\": null}\n]\n", "qs_json_write_rows");
}

static void test_sha256(void)
{
    char hex[QS_SHA256_HEX_SIZE];
    CHECK_STR(qs_sha256_hex("abc", 3, hex),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              "SHA-256 of 'abc'");
    CHECK_STR(qs_sha256_hex(NULL, 0, hex),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              "SHA-256 of nothing");
    unsigned char whole[QS_SHA256_SIZE], parts[QS_SHA256_SIZE];
    qs_sha256("abcdef", 6, whole);
    qs_sha256_ctx h;
    qs_sha256_init(&h);
    qs_sha256_add(&h, "abc", 3);
    qs_sha256_add(&h, NULL, 0);
    qs_sha256_add(&h, "def", 3);
    qs_sha256_finish(&h, parts);
    CHECK(memcmp(whole, parts, sizeof whole) == 0, "SHA-256 piece by piece = whole");
}

static void test_rule_ids(void)
{
    for (size_t i = 0; i < qs_rule_ids_count; i++) {
        const qs_rule_id *r = &qs_rule_ids[i];
        size_t n = strlen(r->description);
        if (i > 0 && strcmp(qs_rule_ids[i - 1].id, r->id) >= 0)
            CHECK(0, "rule ids sorted and unique at '%s'", r->id);
        if (n < 10 || r->description[n - 1] != '.' || strchr(r->description, '\n'))
            CHECK(0, "rule '%s' has a one-line sentence", r->id);
    }
    CHECK(qs_rule_ids_count > 40, "rule id table holds the built-in ids");
    CHECK_STR(qs_rule_id_description("validity-order"),
              "The quote's valid-until is not after its date.", "validity-order: the quote's");
    CHECK_STR(qs_rule_id_description("pricelist-date-order"),
              "A price list's valid-until is before its valid-from.",
              "pricelist-date-order: the price list's");
    CHECK(qs_rule_id_description("max-discount") == NULL, "a rules file's id has none");
}

static void test_exit_status(void)
{
    qs_diags d;
    qs_diags_init(&d);
    CHECK(qs_exit_status(&d, false, true) == QS_EXIT_OK, "nothing: 0");
    qs_diag_add(&d, QS_SEV_NOTE, NULL, 0, 0, "x", "n");
    CHECK(qs_exit_status(&d, false, true) == QS_EXIT_OK, "a note never counts");
    d.environment_failed = 1;
    CHECK(qs_exit_status(&d, false, false) == QS_EXIT_ENVIRONMENT, "environment: 2");
    d.internal_failed = 1;
    CHECK(qs_exit_status(&d, false, false) == QS_EXIT_INTERNAL, "internal beats environment: 3");
    qs_diags_free(&d);
    qs_diags_init(&d);
    qs_diag_add(&d, QS_SEV_ERROR, NULL, 0, 0, "x", "e");
    CHECK(qs_exit_status(&d, true, false) == QS_EXIT_INVALID, "an error, even in a draft: 1");
    qs_diags_free(&d);
}

static void test_fixed(void)
{
    char out[QS_FORMAT_BUFSIZE];
    CHECK_STR(qs_format_fixed(1.23456, 3, out), "1.235", "fixed 1.23456 at 3");
    CHECK_STR(qs_format_fixed(0.5, 2, out), "0.50", "fixed 0.5 at 2");
    CHECK_STR(qs_format_fixed(12.7, 0, out), "13", "fixed 12.7 at 0");
    CHECK_STR(qs_format_fixed(-1, 3, out), "0.000", "fixed negative counts as 0");
}

/* qs_buf_put_uint writes what "%llu" does, at the edges too. */
static void test_buf_put_uint(void)
{
    const unsigned long long values[] = { 0, 7, 10, 99, 4294967295ULL, 18446744073709551615ULL };
    qs_buf got = { 0 }, want = { 0 };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        qs_buf_puts(&got, "[");
        qs_buf_put_uint(&got, values[i]);
        qs_buf_puts(&got, "]");
        qs_buf_printf(&want, "[%llu]", values[i]);
    }
    CHECK_STR(got.s, "[0][7][10][99][4294967295][18446744073709551615]", "put_uint digits");
    CHECK_STR(got.s, want.s, "put_uint agrees with printf");
    qs_buf_free(&got);
    qs_buf_free(&want);
}

int main(void)
{
    test_fixed();
    test_buf_put_uint();
    test_date();
    test_utf8();
    test_json();
    test_sha256();
    test_rule_ids();
    test_exit_status();
    return check_failures ? 1 : 0;
}
