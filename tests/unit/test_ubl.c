/* test_ubl: the UBL 2.1 Quotation written for tests/fixtures/mini: key
 * values by XPath, every amount's currencyID, validity against the
 * official schema (tests/ubl-2.1), determinism, escaping, and the failure
 * on a quote that was not priced. Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "check.h"
#include "priced.h"
#include "quote.h"
#include "ubl.h"

#define MINI "tests/fixtures/mini"
#define UBL_XSD "tests/ubl-2.1/xsd/maindoc/UBL-Quotation-2.1.xsd"

typedef priced_quote run;

static void load(run *r)
{
    priced_load(r, MINI, MINI "/quote.xml");
}

static void unload(run *r)
{
    priced_free(r);
}

/* The string value of `expr` on the document, or "" (static buffer). */
static const char *xpath(xmlDoc *doc, const char *expr)
{
    static char buf[256];
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"q", (const xmlChar *)
        "urn:oasis:names:specification:ubl:schema:xsd:Quotation-2");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"cac", (const xmlChar *)
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"cbc", (const xmlChar *)
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "string(%s)", expr);
    xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)wrapped, ctx);
    snprintf(buf, sizeof buf, "%s", o && o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return buf;
}

/* libxml2's own entity loader, saved before the input module installs
 * its deny-all loader: the UBL schema imports its modules from files. */
static xmlExternalEntityLoader default_loader;

static bool validates(xmlDoc *doc)
{
    xmlExternalEntityLoader deny = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(default_loader);
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(UBL_XSD);
    xmlSchema *schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxt *vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    int rc = vc ? xmlSchemaValidateDoc(vc, doc) : -1;
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    xmlSetExternalEntityLoader(deny);
    return rc == 0;
}

/* Whether the written bytes (not NUL-terminated) contain `needle`. */
static bool contains(const unsigned char *buf, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; buf && i + n <= size; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

static xmlDoc *write_and_parse(run *r, unsigned char **buf, size_t *size)
{
    if (!qs_ubl_write(&r->q, buf, size, &r->d))
        return NULL;
    return xmlReadMemory((const char *)*buf, (int)*size, "ubl.xml", "UTF-8",
                         XML_PARSE_NONET);
}

static void test_mini_values(void)
{
    run r;
    load(&r);
    CHECK(r.ok, "mini fixture loads and prices");
    unsigned char *buf = NULL;
    size_t size = 0;
    xmlDoc *doc = r.ok ? write_and_parse(&r, &buf, &size) : NULL;
    CHECK(doc != NULL, "UBL written and well-formed");
    if (!doc) {
        free(buf);
        unload(&r);
        return;
    }
    CHECK(strncmp((const char *)buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0,
          "UTF-8 declaration");
    CHECK_STR(xpath(doc, "/q:Quotation/cbc:UBLVersionID"), "2.1", "UBLVersionID");
    CHECK_STR(xpath(doc, "/q:Quotation/cbc:ID"), "T-1", "ID = quote id");
    CHECK_STR(xpath(doc, "/q:Quotation/cbc:IssueDate"), "2026-11-26", "IssueDate = date");
    CHECK_STR(xpath(doc, "/q:Quotation/cbc:PricingCurrencyCode"), "EUR", "currency");
    CHECK_STR(xpath(doc, "/q:Quotation/cbc:LineCountNumeric"), "6", "LineCountNumeric");
    CHECK_STR(xpath(doc, "count(/q:Quotation/cac:QuotationLine)"), "6", "6 QuotationLines");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:ValidityPeriod/cbc:EndDate"), "2026-12-31",
              "ValidityPeriod/EndDate = valid-until");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:SellerSupplierParty/cac:Party/cac:PartyName/cbc:Name"),
              "Nordlicht Systemhaus GmbH", "seller name");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:SellerSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
              "DE287654324", "seller VAT id");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:BuyerCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName"),
              "Bremen", "buyer city");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:BuyerCustomerParty/cac:Party/cac:PostalAddress/cbc:StreetName"),
              "Überseetor 18", "buyer street, UTF-8 intact");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:BuyerCustomerParty/cbc:SupplierAssignedAccountID"),
              "K-1", "customer id");

    const char *line1 = "/q:Quotation/cac:QuotationLine[1]/cac:LineItem";
    char e[256];
    snprintf(e, sizeof e, "%s/cbc:LineExtensionAmount", line1);
    CHECK_STR(xpath(doc, e), "95880.00", "line 1 LineExtensionAmount = net");
    snprintf(e, sizeof e, "%s/cbc:ID", line1);
    CHECK_STR(xpath(doc, e), "1", "line 1 LineItem/ID = pos");
    snprintf(e, sizeof e, "%s/cbc:Quantity/@unitCode", line1);
    CHECK_STR(xpath(doc, e), "C62", "Stk. -> C62");
    snprintf(e, sizeof e, "%s/cac:Price/cbc:PriceAmount", line1);
    CHECK_STR(xpath(doc, e), "7990.00", "line 1 PriceAmount = unit-price");
    snprintf(e, sizeof e, "%s/cac:Item/cac:SellersItemIdentification/cbc:ID", line1);
    CHECK_STR(xpath(doc, e), "SRV", "line 1 sku");
    snprintf(e, sizeof e, "%s/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", line1);
    CHECK_STR(xpath(doc, e), "19", "line 1 tax percent");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[3]/cac:LineItem/cbc:Quantity/@unitCode"),
              "MTR", "m -> MTR");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[3]/cac:LineItem/cbc:Quantity"),
              "33", "quantity copied");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[5]/cac:LineItem/cbc:Quantity/@unitCode"),
              "DAY", "Tag -> DAY");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[5]/cac:LineItem/cbc:Quantity"),
              "2.5", "decimal quantity copied");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[6]/cbc:Note"), "optional",
              "optional line 6 carries the note");
    CHECK_STR(xpath(doc, "count(/q:Quotation/cac:QuotationLine/cbc:Note)"), "1",
              "only the optional line has a note");

    const char *sub = "/q:Quotation/cac:TaxTotal/cac:TaxSubtotal";
    snprintf(e, sizeof e, "%s[1]/cbc:TaxableAmount", sub);
    CHECK_STR(xpath(doc, e), "103704.02", "standard base");
    snprintf(e, sizeof e, "%s[1]/cbc:TaxAmount", sub);
    CHECK_STR(xpath(doc, e), "19703.76", "standard amount");
    snprintf(e, sizeof e, "%s[1]/cac:TaxCategory/cbc:Percent", sub);
    CHECK_STR(xpath(doc, e), "19", "standard percent");
    snprintf(e, sizeof e, "%s[2]/cbc:TaxableAmount", sub);
    CHECK_STR(xpath(doc, e), "145.21", "reduced base");
    snprintf(e, sizeof e, "%s[2]/cbc:TaxAmount", sub);
    CHECK_STR(xpath(doc, e), "10.16", "reduced amount");
    snprintf(e, sizeof e, "%s[2]/cac:TaxCategory/cbc:Percent", sub);
    CHECK_STR(xpath(doc, e), "7", "reduced percent");
    CHECK_STR(xpath(doc, "/q:Quotation/cac:TaxTotal/cbc:TaxAmount"), "19713.92",
              "TaxTotal/TaxAmount = sum of the rates' amounts");

    const char *tot = "/q:Quotation/cac:QuotedMonetaryTotal";
    snprintf(e, sizeof e, "%s/cbc:LineExtensionAmount", tot);
    CHECK_STR(xpath(doc, e), "107061.06", "LineExtensionAmount = totals/@net");
    snprintf(e, sizeof e, "%s/cbc:AllowanceTotalAmount", tot);
    CHECK_STR(xpath(doc, e), "3211.83", "AllowanceTotalAmount = @discount");
    snprintf(e, sizeof e, "%s/cbc:TaxExclusiveAmount", tot);
    CHECK_STR(xpath(doc, e), "103849.23", "TaxExclusiveAmount = @taxable");
    snprintf(e, sizeof e, "%s/cbc:TaxInclusiveAmount", tot);
    CHECK_STR(xpath(doc, e), "123563.15", "TaxInclusiveAmount = @gross");
    snprintf(e, sizeof e, "%s/cbc:PayableAmount", tot);
    CHECK_STR(xpath(doc, e), "123563.15", "PayableAmount = @gross");

    /* the quote discount: one allowance per tax group (SPEC 5) */
    const char *ac = "/q:Quotation/cac:AllowanceCharge";
    snprintf(e, sizeof e, "count(%s)", ac);
    CHECK_STR(xpath(doc, e), "2", "one document-level allowance per tax group");
    snprintf(e, sizeof e, "%s[1]/cbc:ChargeIndicator", ac);
    CHECK_STR(xpath(doc, e), "false", "quote discount is an allowance");
    snprintf(e, sizeof e, "%s[2]/cbc:MultiplierFactorNumeric", ac);
    CHECK_STR(xpath(doc, e), "0.03", "3 %% as factor 0.03");
    snprintf(e, sizeof e, "%s[1]/cbc:AllowanceChargeReason", ac);
    CHECK_STR(xpath(doc, e), "Rahmenvertrag", "discount reason");
    snprintf(e, sizeof e, "%s[1]/cbc:BaseAmount", ac);
    CHECK_STR(xpath(doc, e), "106911.36", "allowance base = the standard group's net");
    snprintf(e, sizeof e, "%s[1]/cbc:Amount", ac);
    CHECK_STR(xpath(doc, e), "3207.34", "allowance = round(106911.36 x 3 %%)");
    snprintf(e, sizeof e, "%s[1]/cac:TaxCategory/cbc:ID", ac);
    CHECK_STR(xpath(doc, e), "S", "allowance's tax category");
    snprintf(e, sizeof e, "%s[2]/cbc:BaseAmount", ac);
    CHECK_STR(xpath(doc, e), "149.70", "allowance base = the reduced group's net");
    snprintf(e, sizeof e, "%s[2]/cbc:Amount", ac);
    CHECK_STR(xpath(doc, e), "4.49", "allowance = round(149.70 x 3 %%)");
    snprintf(e, sizeof e, "%s[2]/cac:TaxCategory/cbc:Percent", ac);
    CHECK_STR(xpath(doc, e), "7", "allowance's tax percent");

    /* the line discount of RAM (line 2): a line-level allowance */
    const char *li = "/q:Quotation/cac:QuotationLine[2]/cac:LineItem";
    snprintf(e, sizeof e, "%s/cac:AllowanceCharge/cbc:Amount", li);
    CHECK_STR(xpath(doc, e), "448.80", "line allowance = round(8976.00 x 5 %%)");
    snprintf(e, sizeof e, "%s/cac:AllowanceCharge/cbc:BaseAmount", li);
    CHECK_STR(xpath(doc, e), "8976.00", "line allowance base = the line's amount");
    snprintf(e, sizeof e, "%s/cac:AllowanceCharge/cbc:AllowanceChargeReason", li);
    CHECK_STR(xpath(doc, e), "Paket", "line discount reason");
    snprintf(e, sizeof e, "%s/cbc:LineExtensionAmount", li);
    CHECK_STR(xpath(doc, e), "8527.20", "line amount = 8976.00 - 448.80");
    snprintf(e, sizeof e, "%s/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", li);
    CHECK_STR(xpath(doc, e), "S", "line's tax category");

    /* 6 lines x 2, line allowance 2, quote allowances 2 x 2, tax total
     * 1 + 2 x 2, monetary total 5 */
    CHECK_STR(xpath(doc, "count(//cbc:*[contains(local-name(), 'Amount')])"), "28",
              "28 amounts written");
    CHECK_STR(xpath(doc, "count(//cbc:*[contains(local-name(), 'Amount')][not(@currencyID = 'EUR')])"),
              "0", "every amount has currencyID EUR");
    CHECK(validates(doc), "validates against the official UBL 2.1 Quotation schema");
    xmlFreeDoc(doc);
    free(buf);
    unload(&r);
}

static void test_deterministic(void)
{
    run a, b;
    load(&a);
    load(&b);
    unsigned char *x = NULL, *y = NULL, *z = NULL;
    size_t nx = 0, ny = 0, nz = 0;
    bool ok = a.ok && b.ok && qs_ubl_write(&a.q, &x, &nx, &a.d) &&
              qs_ubl_write(&a.q, &y, &ny, &a.d) && qs_ubl_write(&b.q, &z, &nz, &b.d);
    CHECK(ok, "three writes succeed");
    CHECK(ok && nx == ny && memcmp(x, y, nx) == 0, "same quote twice: identical bytes");
    CHECK(ok && nx == nz && memcmp(x, z, nx) == 0, "separate runs: identical bytes");
    free(x);
    free(y);
    free(z);
    unload(&a);
    unload(&b);
}

/* Markup in the data is escaped and the document stays valid. The bytes
 * are escaped as libxml2's tree serialiser did before the writer streamed
 * (a '"' in text stays literal) and an empty name is <x></x>, not <x/>. */
static void test_escaping(void)
{
    run r;
    load(&r);
    qs_localized name = {NULL, "A &amp; B <b> \"q\"", {NULL, 0, 0}};
    bool found = r.ok && r.q.nlines > 0;
    CHECK(found, "line 1 in the model");
    if (found) {
        r.q.lines[0].name = &name;
        r.q.customer.name = NULL;
    }
    unsigned char *buf = NULL;
    size_t size = 0;
    xmlDoc *doc = found ? write_and_parse(&r, &buf, &size) : NULL;
    CHECK(doc != NULL, "written and well-formed");
    if (doc) {
        CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[1]/cac:LineItem/cac:Item/cbc:Name"),
                  "A &amp; B <b> \"q\"", "markup round-trips as text");
        CHECK(contains(buf, size, "\n        <cbc:Name>A &amp;amp; B &lt;b&gt; \"q\"</cbc:Name>\n"),
              "escaped bytes, indented like the tree serialiser");
        CHECK(contains(buf, size, "\n        <cbc:Name></cbc:Name>\n"),
              "empty customer name written as <cbc:Name></cbc:Name>");
        CHECK(validates(doc), "still valid");
    }
    xmlFreeDoc(doc);
    free(buf);
    unload(&r);
}

/* Every character class the escaper treats, as text (the SKU, copied
 * without collapsing white space) and as an attribute value (languageID
 * of the draft note):
 * < > & and CR always become references; " TAB LF only in attributes;
 * ' and UTF-8 stay as they are. An aggregate left without content (a
 * customer address without fields) is written as <x/>. */
static void test_escaping_classes(void)
{
    static const char value[] = "a\r\tb\n'c\"<>&\xc3\xa4";
    run r;
    load(&r);
    bool found = r.ok && r.q.nlines > 0 && r.q.has_customer;
    CHECK(found, "line 1 and a customer in the model");
    if (found) {
        r.q.lines[0].sku = value;
        r.q.lang = value;
        memset(&r.q.customer.address, 0, sizeof r.q.customer.address);
        r.q.draft = true;   /* for a cbc:Note with languageID */
    }
    unsigned char *buf = NULL;
    size_t size = 0;
    xmlDoc *doc = found ? write_and_parse(&r, &buf, &size) : NULL;
    CHECK(doc != NULL, "written and well-formed");
    CHECK(contains(buf, size, "<cbc:ID>a&#13;\tb\n'c\"&lt;&gt;&amp;\xc3\xa4</cbc:ID>\n"),
          "text: <, >, &, CR escaped; TAB, LF, \", ' and UTF-8 literal");
    CHECK(contains(buf, size, " languageID=\"a&#13;&#9;b&#10;'c&quot;&lt;&gt;&amp;\xc3\xa4\">"),
          "attribute: TAB, LF and \" escaped as well; ' and UTF-8 literal");
    if (doc) {
        CHECK_STR(xpath(doc, "/q:Quotation/cac:QuotationLine[1]/cac:LineItem/cac:Item"
                             "/cac:SellersItemIdentification/cbc:ID"),
                  value, "text round-trips, CR included");
    }
    CHECK(contains(buf, size, "\n      <cac:PostalAddress/>\n"),
          "an aggregate without content is <x/>");
    xmlFreeDoc(doc);
    free(buf);
    unload(&r);
}

/* A quote that was not priced is an internal error, not a broken file. */
static void test_unpriced_quote(void)
{
    run r;
    load(&r);
    CHECK(r.ok && r.q.totals.priced, "priced");
    r.q.totals.priced = false;
    unsigned char *buf = (unsigned char *)"x";
    size_t size = 1;
    size_t before = r.d.count;
    bool ok = qs_ubl_write(&r.q, &buf, &size, &r.d);
    CHECK(!ok && buf == NULL && size == 0, "refused, no buffer");
    CHECK(r.d.internal_failed && r.d.count == before + 1 &&
          strcmp(r.d.items[before].rule, "ubl") == 0, "internal diagnostic [ubl]");
    unload(&r);
}

static void test_unit_codes(void)
{
    static const char *const pairs[][2] = {
        {"Stk.", "C62"}, {"pc", "C62"}, {"Lizenz", "C62"}, {"Tag", "DAY"},
        {"day", "DAY"}, {"Std.", "HUR"}, {"h", "HUR"}, {"m", "MTR"},
        {"km", "KMT"}, {"kg", "KGM"}, {"Monat", "MON"}, {"Jahr", "ANN"},
        {"Woche", "WEE"}, {"Pauschale", "LS"}, {"flat fee", "LS"},
        {"Palette", "PF"}, {"Benutzer/Jahr", "C62"}, {"", "C62"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        CHECK_STR(qs_ubl_unit_code(pairs[i][0]), pairs[i][1], "unit '%s'", pairs[i][0]);
    }
    CHECK_STR(qs_ubl_unit_code(NULL), "C62", "no unit -> C62");
}

int main(void)
{
    xmlInitParser();
    default_loader = xmlGetExternalEntityLoader();
    test_mini_values();
    test_deterministic();
    test_escaping();
    test_escaping_classes();
    test_unpriced_quote();
    test_unit_codes();
    xmlCleanupParser();
    return check_failures ? 1 : 0;
}
