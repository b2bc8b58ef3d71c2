/* Unit tests of csv_read.c (dialects, physical lines, broken rows) and of
 * leads.c's company-name normalisation. */
#include <stdlib.h>

#include "check.h"
#include "csv_read.h"
#include "leads.h"

/* The rows a read gave, as one string: "LINE[!]:f1|f2|...\n" per row, '!'
 * marking a broken row. */
typedef struct {
    char text[2048];
    size_t len;
} rows;

static bool collect(void *ctx, const qs_csv_row *row)
{
    rows *r = ctx;
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%u%s:", row->line,
                               row->broken ? "!" : "");
    for (size_t i = 0; i < row->nfields; i++)
        r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s%s",
                                   i ? "|" : "", row->fields[i]);
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "\n");
    return true;
}

/* Reads `csv` and returns the rows; *ndiags the diagnostics added, the
 * first one's text in diag. */
static const char *read_csv(const char *csv, qs_csv_encoding enc, bool *ok, size_t *ndiags,
                            char diag[256])
{
    static rows r;
    memset(&r, 0, sizeof r);
    qs_diags d;
    qs_diags_init(&d);
    *ok = qs_csv_read("t.csv", (const unsigned char *)csv, strlen(csv), enc, collect, &r, &d);
    *ndiags = d.count;
    diag[0] = '\0';
    if (d.count)
        snprintf(diag, 256, "%u:%u %s [%s]", d.items[0].line, d.items[0].col,
                 d.items[0].message, d.items[0].rule);
    qs_diags_free(&d);
    return r.text;
}

static void test_dialects(void)
{
    bool ok;
    size_t n;
    char diag[256];
    CHECK_STR(read_csv("a,b\nc,d\n", QS_CSV_UTF8, &ok, &n, diag), "1:a|b\n2:c|d\n",
              "commas, LF");
    CHECK(ok && n == 0, "no diagnostics");
    CHECK_STR(read_csv("\xEF\xBB\xBF" "a;b\r\nc;\"d;e\"\r\n", QS_CSV_UTF8, &ok, &n, diag),
              "1:a|b\n2:c|d;e\n", "BOM, semicolons from the header, CRLF, quoted delimiter");
    CHECK_STR(read_csv("a;b;c,x\n1;2;3,4\n", QS_CSV_UTF8, &ok, &n, diag),
              "1:a|b|c,x\n2:1|2|3,4\n",
              "more semicolons than commas in the header: ';'");
    CHECK_STR(read_csv("a,b\n\"x\r\ny\",\"say \"\"hi\"\"\"\n\n3,4\n", QS_CSV_UTF8, &ok, &n, diag),
              "1:a|b\n2:x\r\ny|say \"hi\"\n5:3|4\n",
              "a line break in a field; the next row keeps its physical line");
    CHECK_STR(read_csv("a;b\n\xE4;\x80\n", QS_CSV_WINDOWS_1252, &ok, &n, diag),
              "1:a|b\n2:\xC3\xA4|\xE2\x82\xAC\n", "Windows-1252: ä and € as UTF-8");
    CHECK(ok && n == 0, "Windows-1252 without diagnostics");
}

static void test_broken(void)
{
    bool ok;
    size_t n;
    char diag[256];
    CHECK_STR(read_csv("a,b\n1,2\n\"3,4\n", QS_CSV_UTF8, &ok, &n, diag), "1:a|b\n2:1|2\n3!:\n",
              "a truncated last row is handed on broken");
    CHECK(ok && n == 1, "one warning for it");
    CHECK_STR(diag, "3:1 column 1: the list ends inside a quoted field (the last row is cut "
              "off) [csv-quote]", "its diagnostic");
    CHECK_STR(read_csv("a,b\nx\"y,1\n5,6\n", QS_CSV_UTF8, &ok, &n, diag), "1:a|b\n2!:\n3:5|6\n",
              "a stray quote breaks its row; the next row is read");
    CHECK_STR(diag, "2:1 column 1: a quote in the wrong place (a field with quotes must be "
              "quoted as a whole, with quotes doubled) [csv-quote]", "stray quote diagnostic");
    CHECK_STR(read_csv("a,b\n1,\xE4\n", QS_CSV_UTF8, &ok, &n, diag), "1:a|b\n2!:1|\xE4\n",
              "Latin-1 bytes read as UTF-8 break the row");
    CHECK_STR(diag, "2:2 column 2 is not valid UTF-8 (is the list Windows-1252? use "
              "--encoding windows-1252) [csv-encoding]", "the encoding hint");
    read_csv("", QS_CSV_UTF8, &ok, &n, diag);
    CHECK(!ok && n == 1, "an empty file is not CSV");
    CHECK_STR(diag, "0:0 not a CSV list: the file has no header line [not-csv]", "no header");
}

static void test_binary(void)
{
    static const unsigned char data[] = "a,b\n1,\0\n";
    rows r = {0};
    qs_diags d;
    qs_diags_init(&d);
    bool ok = qs_csv_read("t.csv", data, sizeof data - 1, QS_CSV_UTF8, collect, &r, &d);
    CHECK(!ok && d.count == 1 && d.items[0].line == 2, "NUL bytes: not CSV, at line 2");
    qs_diags_free(&d);
}

static void key(const char *name, const char *want)
{
    char *k = qs_leads_company_key(name);
    CHECK_STR(k, want, "company key of '%s'", name);
    free(k);
}

static void test_company_key(void)
{
    key("Muster Logistik GmbH", "muster logistik");
    key("MUSTER LOGISTIK GMBH & CO. KG", "muster logistik");
    key("Muster Logistik G.m.b.H.", "muster logistik");
    key("Weiß Handel AG", "weiss handel");
    key("ÖKO-Bau UG (haftungsbeschränkt)", "öko bau");
    key("Bäckerei Schulz e.K.", "bäckerei schulz");
    key("Dutch Freight B.V.", "dutch freight");
    key("Lux Trans S.à r.l.", "lux trans");
    key("Harbour Analytics Ltd.", "harbour analytics");
    key("Acme Inc.", "acme");
    key("Rocket LLC", "rocket");
    key("Müller OHG", "müller");
    key("Schmidt KG", "schmidt");
    key("Agrar AG", "agrar");
    key("GmbH", "gmbh");
    key("  Nord   Süd  ", "nord süd");
}

int main(void)
{
    test_dialects();
    test_broken();
    test_binary();
    test_company_key();
    return check_failures ? 1 : 0;
}
