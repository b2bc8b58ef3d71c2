/* Unit tests for catalog.c: the catalog data tree of the shipped price list
 * (categories in order of first appearance, localized names, tiers, no
 * cost), a small hand-written list (products without category last, tiers
 * sorted, name fallback), the brochure PDF in German and English (text back
 * through pdftotext without warnings, several pages, deterministic bytes),
 * every check on a bad price list (file:line:col, no PDF), and the atomic
 * writer. Run from the repository root; needs pdftotext and pdfinfo. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "catalog.h"
#include "package.h"
#include "check.h"

#define PRICELIST "pricing/pricelist-2026.xml"

static char tmpdir[] = "/tmp/qs-test-catalog-XXXXXX";

/* ---- helpers ---- */

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static size_t count_children(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        k += is_el(c, name);
    return k;
}

static const xmlNode *nth_child(const xmlNode *n, const char *name, size_t i)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is_el(c, name) && i-- == 0)
            return c;
    return NULL;
}

/* The attribute as a static string ("" when absent, "(none)" for no node). */
static const char *attr(const xmlNode *n, const char *name)
{
    static char buf[8][256];
    static int k;
    char *out = buf[k++ % 8];
    if (!n)
        return "(none)";
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    snprintf(out, 256, "%s", v ? (const char *)v : "");
    xmlFree(v);
    return out;
}

static const char *text(const xmlNode *n, const char *child)
{
    static char buf[4][512];
    static int k;
    char *out = buf[k++ % 4];
    const xmlNode *c = n ? nth_child(n, child, 0) : NULL;
    xmlChar *v = c ? xmlNodeGetContent(c) : NULL;
    snprintf(out, 512, "%s", v ? (const char *)v : "(none)");
    xmlFree(v);
    return out;
}

static const xmlNode *find_product(const xmlNode *root, const char *sku)
{
    for (const xmlNode *c = root->children; c; c = c->next)
        for (const xmlNode *p = is_el(c, "category") ? c->children : NULL; p; p = p->next)
            if (is_el(p, "product") && strcmp(attr(p, "sku"), sku) == 0)
                return p;
    return NULL;
}

static bool write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(s, f);
    return fclose(f) == 0;
}

static bool write_bytes(const char *path, const unsigned char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Runs cmd, capturing stdout (and stderr when the command redirects it). */
static int run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    return pclose(p);
}

static bool has_diag(const qs_diags *d, const char *rule, unsigned line, unsigned col)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].rule, rule) == 0 && d->items[i].line == line &&
            (col == 0 || d->items[i].col == col))
            return true;
    return false;
}

static void print_diags(const qs_diags *d)
{
    for (size_t i = 0; i < d->count; i++)
        printf("     diag: %s:%u:%u: %s [%s]\n", d->items[i].file ? d->items[i].file : "",
               d->items[i].line, d->items[i].col, d->items[i].message, d->items[i].rule);
}

/* ---- the shipped price list's tree ---- */

static void test_tree(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_inputs in;
    qs_inputs_init(&in, ".", QS_DEFAULT_MAX_FILE_SIZE, &d);
    xmlDoc *tree = qs_catalog_data(&in, PRICELIST, "en", &d);
    CHECK(tree != NULL && d.count == 0, "the shipped price list gives a tree without diagnostics");
    if (!tree) {
        print_diags(&d);
        qs_inputs_free(&in);
        qs_diags_free(&d);
        return;
    }
    const xmlNode *root = xmlDocGetRootElement(tree);
    CHECK(is_el(root, "catalog"), "the root is <catalog>");
    CHECK_STR(attr(root, "id"), "PL-2026-DE", "catalog/@id");
    CHECK_STR(attr(root, "currency"), "EUR", "catalog/@currency");
    CHECK_STR(attr(root, "valid-until"), "2026-12-31", "catalog/@valid-until");
    CHECK_STR(attr(root, "date"), "2026-01-01", "catalog/@date is valid-from");
    CHECK_STR(attr(root, "lang"), "en", "catalog/@lang");
    CHECK_STR(attr(root, "src"), PRICELIST, "catalog/@src");
    CHECK(count_children(root, "tax-rate") == 2, "two tax rates");
    CHECK_STR(attr(nth_child(root, "tax-rate", 1), "percent"), "7", "second tax rate 7 %%");

    static const char *const order[] = {"hardware", "software", "services", "logistics",
                                        "documentation"};
    CHECK(count_children(root, "category") == 5, "five categories");
    size_t products = 0;
    for (size_t i = 0; i < 5; i++) {
        const xmlNode *c = nth_child(root, "category", i);
        CHECK_STR(attr(c, "name"), order[i], "category %zu in order of first appearance", i + 1);
        products += c ? count_children(c, "product") : 0;
    }
    CHECK(products == 58, "all 58 products, got %zu", products);
    CHECK(count_children(nth_child(root, "category", 0), "product") == 27, "27 hardware products");

    const xmlNode *r750 = find_product(root, "SRV-R750");
    CHECK_STR(attr(r750, "price"), "8490.00", "price stays the decimal string");
    CHECK_STR(attr(r750, "unit"), "Stk.", "unit");
    CHECK_STR(attr(r750, "tax-percent"), "19", "tax-percent from the rate");
    CHECK_STR(attr(r750, "tier-mode"), "volume", "effective tier mode: volume");
    CHECK_STR(text(r750, "name"), "PowerServer R750 rack server", "English name");
    CHECK(strncmp(text(r750, "description"), "2U, ", 4) == 0, "English description");
    CHECK(r750 && count_children(r750, "tier") == 2, "two tiers");
    CHECK_STR(attr(nth_child(r750, "tier", 0), "min-qty"), "5", "first tier min-qty");
    CHECK_STR(attr(nth_child(r750, "tier", 0), "price"), "8150.00", "first tier price");
    CHECK(r750 && count_children(r750, "image") == 1, "the product's picture");
    CHECK_STR(attr(nth_child(r750, "image", 0), "href"), "images/srv-r750.png",
              "image/@href as the price list writes it");
    CHECK(count_children(find_product(root, "SRV-T350"), "image") == 0,
          "no image element without a picture");
    CHECK(r750 && count_children(r750, "cost") == 0 && !xmlHasProp(r750, BAD_CAST "cost"),
          "the internal cost never enters the tree");
    CHECK(r750 && xmlGetLineNo(r750) == 16, "product keeps its source line (got %ld)",
          r750 ? xmlGetLineNo(r750) : 0L);
    CHECK_STR(attr(find_product(root, "SRV-RAM-64"), "tier-mode"), "graduated", "graduated product");
    CHECK(!xmlHasProp(find_product(root, "SRV-T350"), BAD_CAST "tier-mode"),
          "no tier-mode without tiers");
    CHECK_STR(attr(find_product(root, "DOC-HB-USER"), "tax-percent"), "7", "reduced rate");
    CHECK_STR(attr(find_product(root, "CAB-LIYY-M"), "price"), "0.125", "three-decimal price kept");
    xmlFreeDoc(tree);

    tree = qs_catalog_data(&in, PRICELIST, NULL, &d);
    root = tree ? xmlDocGetRootElement(tree) : NULL;
    CHECK(root && strcmp(attr(root, "lang"), "de") == 0, "default language de");
    CHECK_STR(text(root ? find_product(root, "SRV-R750") : NULL, "name"), "PowerServer R750",
              "German name (the one without lang)");
    xmlFreeDoc(tree);
    qs_inputs_free(&in);
    qs_diags_free(&d);
}

/* ---- a hand-written list: grouping, sorting, fallbacks ---- */

static const char *const small_list =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<pricelist version=\"1\" id=\"T-1\" currency=\"EUR\" valid-from=\"2026-03-01\"\n"
    "           valid-until=\"2026-06-30\" tier-mode=\"graduated\">\n"
    "  <tax-rate id=\"std\" percent=\"19\"/>\n"
    "  <product sku=\"B-1\" unit=\"Stk.\" tax=\"std\" category=\"b\">\n"
    "    <name lang=\"fr\">Le premier</name><name lang=\"it\">Il primo</name>\n"
    "    <price>10</price>\n"
    "    <tier min-qty=\"100\" price=\"7\"/><tier min-qty=\"2.5\" price=\"9\"/><tier min-qty=\"10\" price=\"8\"/>\n"
    "  </product>\n"
    "  <product sku=\"X-1\" unit=\"Stk.\" tax=\"std\">\n"
    "    <name>Ohne Kategorie</name><name lang=\"en\">Uncategorized</name><price>1</price>\n"
    "  </product>\n"
    "  <product sku=\"A-1\" unit=\"Stk.\" tax=\"std\" category=\"a\" tier-mode=\"volume\">\n"
    "    <name>A</name><price>2</price><tier min-qty=\"5\" price=\"1.5\"/>\n"
    "  </product>\n"
    "  <product sku=\"B-2\" unit=\"Stk.\" tax=\"std\" category=\"b\"><name>B2</name><price>3</price></product>\n"
    "</pricelist>\n";

static void test_grouping(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/small.xml", tmpdir);
    CHECK(write_text(path, small_list), "wrote %s", path);
    qs_diags d;
    qs_diags_init(&d);
    qs_inputs in;
    qs_inputs_init(&in, tmpdir, QS_DEFAULT_MAX_FILE_SIZE, &d);
    xmlDoc *tree = qs_catalog_data(&in, path, "en", &d);
    CHECK(tree != NULL && d.count == 0, "small list loads");
    if (!tree) {
        print_diags(&d);
    } else {
        const xmlNode *root = xmlDocGetRootElement(tree);
        CHECK(count_children(root, "category") == 3, "three groups");
        const xmlNode *b = nth_child(root, "category", 0), *a = nth_child(root, "category", 1),
                      *none = nth_child(root, "category", 2);
        CHECK_STR(attr(b, "name"), "b", "first appearance first");
        CHECK_STR(attr(a, "name"), "a", "then a");
        CHECK(none && !xmlHasProp(none, BAD_CAST "name"), "products without category: a last group without name");
        CHECK(b && count_children(b, "product") == 2, "both b products in one group");
        CHECK_STR(attr(nth_child(none, "product", 0), "sku"), "X-1", "uncategorized product");
        CHECK_STR(text(nth_child(none, "product", 0), "name"), "Uncategorized", "lang match wins");
        const xmlNode *b1 = nth_child(b, "product", 0);
        CHECK_STR(text(b1, "name"), "Le premier", "no match and no plain name: the first");
        CHECK_STR(text(b1, "description"), "(none)", "no description element without one");
        CHECK_STR(attr(b1, "tier-mode"), "graduated", "the list's tier mode");
        CHECK_STR(attr(nth_child(a, "product", 0), "tier-mode"), "volume", "the product's own mode wins");
        CHECK_STR(attr(nth_child(b1, "tier", 0), "min-qty"), "2.5", "tiers sorted: 2.5");
        CHECK_STR(attr(nth_child(b1, "tier", 1), "min-qty"), "10", "tiers sorted: 10");
        CHECK_STR(attr(nth_child(b1, "tier", 2), "min-qty"), "100", "tiers sorted: 100");
        CHECK_STR(attr(root, "tier-mode"), "graduated", "the list's mode on <catalog>");
        xmlFreeDoc(tree);
    }
    qs_inputs_free(&in);
    qs_diags_free(&d);
}

/* ---- the brochure ---- */

static void check_pdf(const unsigned char *pdf, size_t size, const char *lang,
                      const char *const *want, size_t nwant)
{
    char path[512], cmd[1024];
    static char out[256 * 1024];
    snprintf(path, sizeof path, "%s/catalog-%s.pdf", tmpdir, lang);
    CHECK(write_bytes(path, pdf, size), "wrote %s", path);
    snprintf(cmd, sizeof cmd, "pdfinfo %s 2>&1 | sed -n 's/^Pages: *//p'", path);
    run(cmd, out, sizeof out);
    int pages = atoi(out);
    CHECK(pages > 1, "%s: a title page and more (%d pages)", lang, pages);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>&1 >/dev/null", path);
    run(cmd, out, sizeof out);
    CHECK(out[0] == '\0', "%s: pdftotext gives no warnings", lang);
    if (out[0])
        printf("     %s\n", out);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
    run(cmd, out, sizeof out);
    for (size_t i = 0; i < nwant; i++)
        CHECK(strstr(out, want[i]) != NULL, "%s: the text shows '%s'", lang, want[i]);
}

static void test_brochure(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_inputs in;
    qs_inputs_init(&in, ".", QS_DEFAULT_MAX_FILE_SIZE, &d);
    unsigned char *pdf = NULL, *again = NULL;
    size_t size = 0, size2 = 0;
    bool ok = qs_catalog_build(&in, PRICELIST, NULL, "de", &pdf, &size, &d);
    CHECK(ok && pdf && size > 10000, "German brochure builds (%zu bytes)", size);
    CHECK(d.count == 0, "no diagnostics at all, not even warnings (%zu)", d.count);
    print_diags(&d);
    static const char *const de[] = {
        "Preisliste 2026", "PL-2026-DE", "1. Januar 2026", "31. Dezember 2026",
        "PowerServer R750", "8.490,00 €", "ab 5: 8.150,00 €", "ab 10: 7.990,00 €",
        "Staffel je Mengenband", "0,125 €", "Software und Lizenzen", "Dienstleistungen",
        "Installation und Inbetriebnahme vor Ort", "USt. 7 %", "Seite 2 von",
        "Alle Preise netto zzgl. gesetzlicher Umsatzsteuer", "SRV-R750"};
    if (ok)
        check_pdf(pdf, size, "de", de, sizeof de / sizeof *de);
    ok = qs_catalog_build(&in, PRICELIST, NULL, "de", &again, &size2, &d);
    CHECK(ok && size == size2 && memcmp(pdf, again, size) == 0,
          "building twice gives the same bytes");
    free(again);
    free(pdf);

    pdf = NULL;
    ok = qs_catalog_build(&in, PRICELIST, "templates/catalog/template.xml", "en", &pdf, &size, &d);
    CHECK(ok && pdf && d.count == 0, "English brochure builds with an explicit template");
    static const char *const en[] = {
        "Price list 2026", "1 January 2026", "PowerServer R750 rack server", "€8,490.00",
        "from 5: €8,150.00", "graduated per band", "Software and licences", "Page 2 of",
        "pc.", "user/year"};
    if (ok)
        check_pdf(pdf, size, "en", en, sizeof en / sizeof *en);
    free(pdf);

    char *out = qs_catalog_output_path(&in, PRICELIST, &d);
    CHECK(out && strcmp(out, "out/catalog-PL-2026-DE.pdf") == 0, "default output path");
    free(out);
    qs_inputs_free(&in);
    qs_diags_free(&d);
}

/* ---- bad price lists ---- */

/* Builds the shipped list with `from` replaced by `to` (once), in the temp
 * folder, and returns whether the build succeeded; *pdf must stay NULL on
 * failure. */
static bool build_edited(const char *from, const char *to, qs_diags *d, bool *no_pdf)
{
    unsigned char *data = NULL;
    size_t size = 0;
    qs_file_read(PRICELIST, 1 << 20, &data, &size);
    char *hit = data ? strstr((char *)data, from) : NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/bad.xml", tmpdir);
    FILE *f = fopen(path, "w");
    if (f && hit) {
        fwrite(data, 1, (size_t)(hit - (char *)data), f);
        fputs(to, f);
        fputs(hit + strlen(from), f);
    }
    if (f)
        fclose(f);
    free(data);
    qs_inputs in;
    qs_inputs_init(&in, tmpdir, QS_DEFAULT_MAX_FILE_SIZE, d);
    unsigned char *pdf = (unsigned char *)"not touched";
    size_t pdf_size = 1;
    bool ok = qs_catalog_build(&in, path, NULL, "de", &pdf, &pdf_size, d);
    *no_pdf = pdf == NULL && pdf_size == 0;
    if (ok)
        free(pdf);
    qs_inputs_free(&in);
    return ok && hit;
}

static void expect_error(const char *what, const char *from, const char *to,
                         const char *rule, unsigned line, unsigned col)
{
    qs_diags d;
    qs_diags_init(&d);
    bool no_pdf = false;
    bool ok = build_edited(from, to, &d, &no_pdf);
    CHECK(!ok && no_pdf, "%s: fails without a PDF", what);
    CHECK(has_diag(&d, rule, line, col) && qs_diags_count(&d, QS_SEV_ERROR) == 1,
          "%s: one error [%s] at line %u col %u", what, rule, line, col);
    if (!has_diag(&d, rule, line, col) || d.count != 1)
        print_diags(&d);
    CHECK(!d.environment_failed, "%s: an input error, not an environment failure", what);
    qs_diags_free(&d);
}

static void test_bad_input(void)
{
    expect_error("malformed price", "<price>8490.00</price>", "<price>8.490,00</price>",
                 "bad-number", 21, 5);
    {
        qs_diags d;
        qs_diags_init(&d);
        bool no_pdf;
        build_edited("<price>8490.00</price>", "<price>8.490,00</price>", &d, &no_pdf);
        char want[600];
        snprintf(want, sizeof want, "%s/bad.xml", tmpdir);
        CHECK(d.count == 1 && d.items[0].file && strcmp(d.items[0].file, want) == 0 &&
                  strstr(d.items[0].message, "price '8.490,00'") != NULL,
              "the diagnostic names the file and the bad value");
        qs_diags_free(&d);
    }
    expect_error("too many decimals", "<price>49.90</price>", "<price>49.90001</price>",
                 "bad-number", 275, 5);
    expect_error("tier min-qty 0", "<tier min-qty=\"5\" price=\"8150.00\"/>",
                 "<tier min-qty=\"0\" price=\"8150.00\"/>", "bad-number", 23, 11);
    expect_error("duplicate tier", "<tier min-qty=\"10\" price=\"7990.00\"/>",
                 "<tier min-qty=\"5.0\" price=\"7990.00\"/>", "duplicate-tier", 24, 11);
    expect_error("bad cost", "<cost>6120.00</cost>", "<cost>-1</cost>", "bad-number", 22, 5);
    expect_error("unknown tax rate", "tax=\"standard\" category=\"hardware\">",
                 "tax=\"normal\" category=\"hardware\">", "unknown-tax", 16, 39);
    expect_error("tax percent over 100", "percent=\"7\"", "percent=\"700\"", "bad-number", 13, 26);
    expect_error("unknown currency", "currency=\"EUR\"", "currency=\"XYZ\"",
                 "unknown-currency", 10, 40);
    expect_error("impossible date", "valid-until=\"2026-12-31\"", "valid-until=\"2026-02-30\"",
                 "bad-date", 11, 36);
    expect_error("validity order", "valid-until=\"2026-12-31\"", "valid-until=\"2025-12-31\"",
                 "pricelist-date-order", 11, 36);
    {
        qs_diags d;
        qs_diags_init(&d);
        bool no_pdf;
        bool ok = build_edited("<price>8490.00</price>", "<price>8490.00</price><foo/>", &d, &no_pdf);
        CHECK(!ok && no_pdf && has_diag(&d, "schema", 21, 0), "schema errors stop the catalog");
        qs_diags_free(&d);
    }
    {
        qs_diags d;
        qs_diags_init(&d);
        qs_inputs in;
        qs_inputs_init(&in, ".", QS_DEFAULT_MAX_FILE_SIZE, &d);
        unsigned char *pdf = NULL;
        size_t size = 0;
        bool ok = qs_catalog_build(&in, "pricing/no-such-list.xml", NULL, "de", &pdf, &size, &d);
        CHECK(!ok && !pdf && d.environment_failed, "a missing price list is an environment failure");
        qs_inputs_free(&in);
        qs_diags_free(&d);
    }
}

/* ---- the atomic writer ---- */

static size_t count_dir(const char *dir)
{
    char cmd[600], out[64];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    run(cmd, out, sizeof out);
    return (size_t)atoi(out);
}

static void test_write(void)
{
    char dir[512], path[600], blocker[600], bad[700];
    snprintf(dir, sizeof dir, "%s/out/deep", tmpdir);
    snprintf(path, sizeof path, "%s/catalog.pdf", dir);
    qs_diags d;
    qs_diags_init(&d);
    CHECK(qs_output_write_file(path, (const unsigned char *)"first", 5, &d) && d.count == 0,
          "writes into a new folder (mkdir -p)");
    CHECK(qs_output_write_file(path, (const unsigned char *)"second!", 7, &d), "replaces the file");
    unsigned char *data = NULL;
    size_t size = 0;
    qs_file_read(path, 100, &data, &size);
    CHECK(data && size == 7 && memcmp(data, "second!", 7) == 0, "the new content");
    free(data);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~(unsigned)umask(022)),
          "the mode a plain open() gives");
    umask(022);
    CHECK(count_dir(dir) == 1, "no temporary left behind");

    snprintf(blocker, sizeof blocker, "%s/file", tmpdir);
    write_text(blocker, "x");
    snprintf(bad, sizeof bad, "%s/sub/catalog.pdf", blocker);
    CHECK(!qs_output_write_file(bad, (const unsigned char *)"x", 1, &d) && d.environment_failed &&
              has_diag(&d, "output", 0, 0),
          "a path through a file fails as an environment failure");
    qs_diags_free(&d);
    qs_diags_init(&d);
    CHECK(!qs_output_write_file(dir, (const unsigned char *)"x", 1, &d) && d.environment_failed,
          "a directory cannot be replaced");
    CHECK(count_dir(dir) == 1, "... and leaves no temporary");
    qs_diags_free(&d);
}

static void test_bad_id(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/id.xml", tmpdir);
    write_text(path, "<pricelist version=\"1\" id=\"../x\" currency=\"EUR\" "
                     "valid-from=\"2026-01-01\" valid-until=\"2026-12-31\"/>\n");
    qs_diags d;
    qs_diags_init(&d);
    qs_inputs in;
    qs_inputs_init(&in, tmpdir, QS_DEFAULT_MAX_FILE_SIZE, &d);
    char *out = qs_catalog_output_path(&in, path, &d);
    CHECK(out == NULL && has_diag(&d, "output", 1, 0), "an id that cannot name a file");
    free(out);
    qs_inputs_free(&in);
    qs_diags_free(&d);
}

int main(void)
{
    xmlInitParser();
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_tree();
    test_grouping();
    test_brochure();
    test_bad_input();
    test_write();
    test_bad_id();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("FAIL could not remove %s\n", tmpdir);
    xmlCleanupParser();
    return check_failures ? 1 : 0;
}
