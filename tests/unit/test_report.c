/* Unit tests of report.c (SARIF, JSON, depfiles) and of batch.c's shard
 * arithmetic. */
#include <stdlib.h>

#include "batch.h"
#include "check.h"
#include "input.h"
#include "report.h"

static char *read_all(const char *path)
{
    unsigned char *data = NULL;
    size_t size;
    if (qs_file_read(path, 1 << 20, &data, &size) != QS_READ_OK)
        return NULL;
    return (char *)data;
}

static void test_shard(void)
{
    unsigned i = 0, n = 0;
    CHECK(qs_batch_parse_shard("1/3", &i, &n) && i == 1 && n == 3, "shard 1/3");
    CHECK(qs_batch_parse_shard("3/3", &i, &n) && i == 3 && n == 3, "shard 3/3");
    CHECK(!qs_batch_parse_shard("4/3", &i, &n), "shard 4/3 refused");
    CHECK(!qs_batch_parse_shard("0/3", &i, &n), "shard 0/3 refused");
    CHECK(!qs_batch_parse_shard("x", &i, &n), "shard x refused");
    CHECK(!qs_batch_parse_shard("1/", &i, &n), "shard 1/ refused");
    CHECK(!qs_batch_parse_shard("+1/3", &i, &n), "shard +1/3 refused");
    CHECK(!qs_batch_parse_shard("1/3/4", &i, &n), "shard 1/3/4 refused");
    /* FNV-1a 64 test vectors (Fowler/Noll/Vo). */
    CHECK(qs_batch_hash("") == 0xcbf29ce484222325ULL, "fnv1a64 of ''");
    CHECK(qs_batch_hash("a") == 0xaf63dc4c8601ec8cULL, "fnv1a64 of 'a'");
    CHECK(qs_batch_hash("foobar") == 0x85944171f73967e8ULL, "fnv1a64 of 'foobar'");
}

static void test_levels(void)
{
    CHECK_STR(qs_report_sarif_level(QS_SEV_APPROVAL, false), "error", "approval, final");
    CHECK_STR(qs_report_sarif_level(QS_SEV_APPROVAL, true), "warning", "approval, draft");
    CHECK_STR(qs_report_sarif_level(QS_SEV_ERROR, true), "error", "error, draft");
    CHECK_STR(qs_report_sarif_level(QS_SEV_WARNING, false), "warning", "warning");
    CHECK_STR(qs_report_sarif_level(QS_SEV_NOTE, false), "note", "note");
}

static void test_sarif(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_diag_add(&d, QS_SEV_APPROVAL, "my dept/hw#1.xml", 3, 4, "max-discount",
                "discount \"%s\" needs approval", "12\n%");
    qs_diag_add(&d, QS_SEV_WARNING, NULL, 0, 0, "usage", "no file");
    qs_report_case c = {.quote = "q.xml", .diags = &d, .draft = true};
    FILE *f = fopen("test_report.sarif", "w");
    qs_report_sarif(&c, 1, f);
    fclose(f);
    char *s = read_all("test_report.sarif");
    CHECK(s && strstr(s, "\"uri\": \"my%20dept/hw%231.xml\""), "uri percent-encoded");
    CHECK(s && strstr(s, "\"text\": \"discount \\\"12\\n%\\\" needs approval\""), "message escaped");
    CHECK(s && strstr(s, "\"level\": \"warning\",\n          \"message\""), "draft approval is a warning");
    CHECK(s && strstr(s, "\"id\": \"max-discount\",\n              \"shortDescription\": {\n"
                         "                \"text\": \"Rule 'max-discount' of a rules file.\""),
          "rules-file rule described");
    CHECK(s && strstr(s, "\"ruleId\": \"usage\",\n          \"ruleIndex\": 1,"), "rule index");
    CHECK(s && strstr(s, "\"startLine\": 3,\n                  \"startColumn\": 4\n"), "region");
    free(s);
    remove("test_report.sarif");

    /* Two quotes sharing a diagnostic: reported once. */
    qs_report_case two[2] = {c, c};
    f = fopen("test_report.sarif", "w");
    qs_report_sarif(two, 2, f);
    fclose(f);
    s = read_all("test_report.sarif");
    size_t n = 0;
    for (const char *p = s; p && (p = strstr(p, "\"ruleId\"")); p++)
        n++;
    CHECK(n == 2, "shared diagnostics once each (%zu results)", n);
    free(s);
    remove("test_report.sarif");
    qs_diags_free(&d);
}

static void test_depfile(void)
{
    qs_diags d;
    qs_diags_init(&d);
    const char *targets[] = {"out $x/A.pdf"};
    const char *prereqs[] = {"q#1/quote.xml", "a b.xml"};
    CHECK(qs_report_depfile("test_report.d", targets, 1, prereqs, 2, &d), "depfile written");
    char *s = read_all("test_report.d");
    CHECK_STR(s ? s : "", "out\\ $$x/A.pdf: \\\n  q\\#1/quote.xml \\\n  a\\ b.xml\n\na\\ b.xml:\n",
              "depfile escaped for make");
    free(s);
    const char *bad[] = {"a\nb"};
    CHECK(!qs_report_depfile("test_report.d", targets, 1, bad, 1, &d) && d.environment_failed,
          "a line break refused");
    remove("test_report.d");
    qs_diags_free(&d);
}

int main(void)
{
    test_shard();
    test_levels();
    test_sarif();
    test_depfile();
    return check_failures ? 1 : 0;
}
