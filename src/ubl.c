/* ubl: writes the merged, priced data tree as an OASIS UBL 2.1 Quotation.
 * Element order follows the sequences of UBL-Quotation-2.1.xsd and
 * UBL-CommonAggregateComponents-2.1.xsd; amounts are the tree's decimal
 * strings, never re-computed through floating point. The mapping table is
 * in docs/package.md.
 *
 * The document is written straight into a growing qs_buf: no tree of the
 * output exists, and no XML library sits in between. The bytes are those
 * libxml2's xmlTextWriter gave before (and xmlDocDumpFormatMemoryEnc
 * before it): two-space indentation, one element per line, elements with
 * text on one line, an element without content as <x/>, and the same
 * escaping (see put_escaped). The stream writer spent most of this
 * stage's instructions on a heap-allocated stack of element names and an
 * output-buffer call per piece of markup, and xmlGetProp on a malloc'd
 * copy of every value read. Writing directly, reading values in place
 * and appending inline (buf.h) took the stage from 6.0 to 1.1 million
 * instructions for the 60-line bench quote (callgrind), and from 0.54 to
 * 0.14 ms. */
#include "ubl.h"
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"
#include "buf.h"
#include "decimal.h"

#define NS_QUOTATION "urn:oasis:names:specification:ubl:schema:xsd:Quotation-2"
#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

/* The deepest nesting of elements that hold elements:
 * Quotation/QuotationLine/LineItem/Item/ClassifiedTaxCategory/TaxScheme
 * is 6. */
#define MAX_DEPTH 8

/* An open element: its prefix (NULL for none) and local name, both string
 * literals. */
typedef struct {
    const char *prefix;
    const char *name;
} element;

/* The writer's state: the document so far, the open elements, whether the
 * innermost one's start tag still lacks its '>', whether the nesting went
 * wrong, the quote's currency and language, and an arena for the strings
 * read from the tree. */
typedef struct {
    qs_buf out;
    element open[MAX_DEPTH];
    size_t depth;
    bool tag_open;
    bool failed;
    const char *currency;
    const char *lang;
    int minor_digits;
    qs_arena arena;
} writer;

/* UN/ECE Recommendation 20 codes for the units our price lists use. */
static const struct {
    const char *unit;
    const char *code;
} unit_codes[] = {
    {"Stk.", "C62"}, {"Stk", "C62"}, {"Stück", "C62"}, {"pc", "C62"},
    {"pcs", "C62"}, {"piece", "C62"}, {"pieces", "C62"},
    {"Lizenz", "C62"}, {"Lizenzen", "C62"}, {"license", "C62"},
    {"licence", "C62"}, {"Vertrag", "C62"}, {"contract", "C62"},
    {"Tag", "DAY"}, {"Tage", "DAY"}, {"day", "DAY"}, {"days", "DAY"},
    {"Std.", "HUR"}, {"Std", "HUR"}, {"Stunde", "HUR"}, {"Stunden", "HUR"},
    {"h", "HUR"}, {"hour", "HUR"}, {"hours", "HUR"},
    {"Woche", "WEE"}, {"Wochen", "WEE"}, {"week", "WEE"}, {"weeks", "WEE"},
    {"Monat", "MON"}, {"Monate", "MON"}, {"month", "MON"}, {"months", "MON"},
    {"Jahr", "ANN"}, {"Jahre", "ANN"}, {"year", "ANN"}, {"years", "ANN"},
    {"m", "MTR"}, {"km", "KMT"}, {"kg", "KGM"},
    {"Pauschale", "LS"}, {"pauschal", "LS"}, {"flat fee", "LS"},
    {"lump sum", "LS"},
    {"Palette", "PF"}, {"Paletten", "PF"}, {"pallet", "PF"}, {"pallets", "PF"},
};

const char *qs_ubl_unit_code(const char *unit)
{
    if (!unit)
        return "C62";
    for (size_t i = 0; i < sizeof unit_codes / sizeof unit_codes[0]; i++)
        if (strcmp(unit, unit_codes[i].unit) == 0)
            return unit_codes[i].code;
    return "C62";
}

/* ---- reading the data tree ---- */

/* The one text node `n` holds (the common case in the data tree), or
 * NULL. */
static const xmlNode *only_text(const xmlNode *n)
{
    const xmlNode *t = n->children;
    return t && !t->next && t->type == XML_TEXT_NODE ? t : NULL;
}

/* The text of `n` with white space collapsed, in the arena; NULL when `n`
 * is NULL or the text is empty. A single text node is copied straight
 * into the arena; anything else goes through xmlNodeGetContent's malloc'd
 * copy first. */
static const char *text_of(writer *w, const xmlNode *n)
{
    if (!n)
        return NULL;
    const xmlNode *t = n->type == XML_ELEMENT_NODE ? only_text(n) : NULL;
    char *s;
    if (t && t->content) {
        s = qs_arena_strdup(&w->arena, (const char *)t->content);
    } else {
        xmlChar *raw = xmlNodeGetContent(n);
        if (!raw)
            return NULL;
        s = qs_arena_strdup(&w->arena, (const char *)raw);
        xmlFree(raw);
    }
    s = qs_xml_collapse_space(s);
    return *s ? s : NULL;
}

/* The attribute `name` of `n`, or NULL. A value that is one text node
 * (every attribute merge and price set) is returned as the tree holds it,
 * not copied: the tree outlives the writer, and nothing here changes it.
 * Other values (none, or several nodes) are copied into the arena, as
 * xmlGetProp gives them. */
static const char *attr(writer *w, const xmlNode *n, const char *name)
{
    const xmlAttr *a = n ? xmlHasProp(n, (const xmlChar *)name) : NULL;
    if (!a)
        return NULL;
    const xmlNode *t = a->type == XML_ATTRIBUTE_NODE ? only_text((const xmlNode *)a) : NULL;
    if (t && t->content)
        return (const char *)t->content;
    xmlChar *raw = xmlGetProp(n, (const xmlChar *)name);
    if (!raw)
        return NULL;
    char *s = qs_arena_strdup(&w->arena, (const char *)raw);
    xmlFree(raw);
    return s;
}

static const char *child_text(writer *w, const xmlNode *parent, const char *name)
{
    return text_of(w, qs_xml_child(parent, name));
}

/* ---- writing the UBL document ---- */

static void put(writer *w, const char *s)
{
    qs_buf_puts(&w->out, s);
}

/* The entity for a character that put_escaped replaces, as libxml2's tree
 * serialiser escaped: < > & and CR everywhere, " TAB LF in attribute
 * values too. */
static const char *entity(char c)
{
    switch (c) {
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '&': return "&amp;";
    case '\r': return "&#13;";
    case '"': return "&quot;";
    case '\t': return "&#9;";
    default: return "&#10;";   /* '\n' */
    }
}

/* Writes `s` escaped as element text or an attribute value (in double
 * quotes). What it assumes of the tree: it was parsed from XML 1.0 by
 * libxml2, which checks the encoding, or formatted by quotesmith in
 * ASCII, so `s` is valid UTF-8 and holds no control character other than
 * TAB, LF and CR; every other byte, UTF-8 sequences included, is written
 * as it is. A '"' in text and a "'" anywhere stay literal (the quoting is
 * always '"'), as the tree serialiser wrote them. */
static void put_escaped(writer *w, const char *s, bool attribute)
{
    const char *special = attribute ? "<>&\r\"\t\n" : "<>&\r";
    for (;;) {
        size_t run = strcspn(s, special);
        qs_buf_add(&w->out, s, run);
        if (!s[run])
            return;
        put(w, entity(s[run]));
        s += run + 1;
    }
}

/* Two spaces per open element, before a tag at the start of a line. */
static void indent(writer *w)
{
    static const char spaces[2 * MAX_DEPTH + 1] = "                ";
    qs_buf_add(&w->out, spaces, 2 * w->depth);
}

/* Ends the innermost start tag before the first element inside it. */
static void end_start_tag(writer *w)
{
    if (w->tag_open)
        put(w, ">\n");
    w->tag_open = false;
}

static void put_name(writer *w, const element *e)
{
    if (e->prefix) {
        put(w, e->prefix);
        put(w, ":");
    }
    put(w, e->name);
}

/* Opens the element prefix:name, which will hold elements (a cac
 * aggregate, the root); end() closes the innermost open one. */
static void start(writer *w, const char *prefix, const char *name)
{
    if (w->depth == MAX_DEPTH) {
        w->failed = true;
        return;
    }
    end_start_tag(w);
    indent(w);
    element *e = &w->open[w->depth++];
    *e = (element){prefix, name};
    put(w, "<");
    put_name(w, e);
    w->tag_open = true;
}

/* Closes the innermost open element: <x/> when nothing was written into
 * it, else its end tag on a line of its own. */
static void end(writer *w)
{
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    const element *e = &w->open[--w->depth];
    if (w->tag_open) {
        put(w, "/>\n");
        w->tag_open = false;
        return;
    }
    indent(w);
    put(w, "</");
    put_name(w, e);
    put(w, ">\n");
}

static void cac(writer *w, const char *name)
{
    start(w, "cac", name);
}

/* An attribute of the start tag being written; NULL is written as "". */
static void attribute(writer *w, const char *name, const char *value)
{
    put(w, " ");
    put(w, name);
    put(w, "=\"");
    put_escaped(w, value ? value : "", true);
    put(w, "\"");
}

typedef struct {
    const char *name, *value;
} xml_attr;

/* A cbc element holding `text`, with `n` attributes, on one line;
 * nothing when text is NULL, <x></x> when it is empty. */
static void cbc_attrs(writer *w, const char *name, const char *text,
                      const xml_attr *attrs, size_t n)
{
    if (!text)
        return;
    end_start_tag(w);
    indent(w);
    put(w, "<cbc:");
    put(w, name);
    for (size_t i = 0; i < n; i++)
        attribute(w, attrs[i].name, attrs[i].value);
    put(w, ">");
    put_escaped(w, text, false);
    put(w, "</cbc:");
    put(w, name);
    put(w, ">\n");
}

static void cbc(writer *w, const char *name, const char *text)
{
    cbc_attrs(w, name, text, NULL, 0);
}

/* A cbc element with one attribute. */
static void cbc_attr(writer *w, const char *name, const char *text,
                     const char *attr_name, const char *attr_value)
{
    cbc_attrs(w, name, text, &(xml_attr){attr_name, attr_value}, 1);
}

/* A cac element holding just one cbc element; nothing when text is NULL. */
static void cac_cbc(writer *w, const char *outer, const char *name, const char *text)
{
    if (!text)
        return;
    cac(w, outer);
    cbc(w, name, text);
    end(w);
}

/* A cbc amount with the quote's currencyID. */
static void amount(writer *w, const char *name, const char *value)
{
    cbc_attr(w, name, value, "currencyID", w->currency);
}

/* A cbc:Note in the quote's language. */
static void note(writer *w, const char *text)
{
    cbc_attr(w, "Note", text, "languageID", w->lang);
}

/* The UBL MultiplierFactorNumeric for a percentage: "3" -> "0.03",
 * "33.3333" -> "0.333333". Exact: a qs_decimal percent in 1/10^4 is the
 * factor in 1/10^6. */
static const char *percent_factor(writer *w, const char *percent)
{
    qs_decimal p;
    if (!percent || qs_decimal_parse(percent, &p) != QS_DEC_OK)
        return NULL;
    char frac[8];
    snprintf(frac, sizeof frac, "%06lld", (long long)(p % 1000000));
    size_t n = strlen(frac);
    while (n > 0 && frac[n - 1] == '0')
        frac[--n] = '\0';
    return qs_arena_printf(&w->arena, "%lld%s%s", (long long)(p / 1000000),
                           n ? "." : "", frac);
}

/* UNCL 5305 tax category: Z for a zero rate, S (standard, any positive
 * rate, as EN 16931 uses it) otherwise. */
static const char *tax_category_id(const char *percent)
{
    qs_decimal p;
    if (percent && qs_decimal_parse(percent, &p) == QS_DEC_OK && p == 0)
        return "Z";
    return "S";
}

static void tax_scheme(writer *w)
{
    cac_cbc(w, "TaxScheme", "ID", "VAT");
}

/* cac:TaxCategory / cac:ClassifiedTaxCategory: ID, Name (our tax id),
 * Percent, TaxScheme. */
static void tax_category(writer *w, const char *element, const char *tax_id,
                         const char *percent)
{
    cac(w, element);
    cbc(w, "ID", tax_category_id(percent));
    cbc(w, "Name", tax_id);
    cbc(w, "Percent", percent);
    tax_scheme(w);
    end(w);
}

/* Free text directly inside a mixed-content element (the seller's free
 * address), one AddressLine per non-empty source line. */
static void address_lines(writer *w, const xmlNode *address)
{
    for (const xmlNode *c = address->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE || !c->content)
            continue;
        char *copy = qs_arena_strdup(&w->arena, (const char *)c->content);
        for (char *line = copy; line;) {
            char *end_of_line = strchr(line, '\n');
            if (end_of_line)
                *end_of_line = '\0';
            if (*qs_xml_collapse_space(line))
                cac_cbc(w, "AddressLine", "Line", line);
            line = end_of_line ? end_of_line + 1 : NULL;
        }
    }
}

static void postal_address(writer *w, const xmlNode *address)
{
    if (!address)
        return;
    cac(w, "PostalAddress");
    cbc(w, "StreetName", child_text(w, address, "street"));
    cbc(w, "CityName", child_text(w, address, "city"));
    cbc(w, "PostalZone", child_text(w, address, "postal-code"));
    address_lines(w, address);
    cac_cbc(w, "Country", "IdentificationCode", child_text(w, address, "country"));
    end(w);
}

static void contact(writer *w, const xmlNode *in)
{
    if (!in)
        return;
    const char *name = child_text(w, in, "name");
    const char *phone = child_text(w, in, "phone");
    const char *email = child_text(w, in, "email");
    const char *free = NULL;
    if (!name && !phone && !email)
        free = text_of(w, in);      /* the seller's free-text contact */
    if (!name && !phone && !email && !free)
        return;
    cac(w, "Contact");
    cbc(w, "Name", name);
    cbc(w, "Telephone", phone);
    cbc(w, "ElectronicMail", email);
    cbc(w, "Note", free);
    end(w);
}

/* cac:Party for the seller or the customer, in PartyType's order. */
static void party(writer *w, const xmlNode *in)
{
    cac(w, "Party");
    cbc(w, "WebsiteURI", child_text(w, in, "web"));
    const char *name = child_text(w, in, "name");
    cac_cbc(w, "PartyName", "Name", name ? name : "");
    postal_address(w, qs_xml_child(in, "address"));
    const char *vat = child_text(w, in, "vat-id");
    if (vat) {
        cac(w, "PartyTaxScheme");
        cbc(w, "CompanyID", vat);
        tax_scheme(w);
        end(w);
    }
    if (name) {
        cac(w, "PartyLegalEntity");
        cbc(w, "RegistrationName", name);
        cbc(w, "CompanyLegalForm", child_text(w, in, "register"));
        end(w);
    }
    contact(w, qs_xml_child(in, "contact"));
    end(w);
}

/* cac:SellerSupplierParty; cac:BuyerCustomerParty with our customer
 * number when there is a customer. */
static void parties(writer *w, const xmlNode *seller, const xmlNode *customer)
{
    cac(w, "SellerSupplierParty");
    party(w, seller);
    end(w);
    if (!customer)
        return;
    cac(w, "BuyerCustomerParty");
    cbc(w, "SupplierAssignedAccountID", attr(w, customer, "id"));
    party(w, customer);
    end(w);
}

/* The payment terms as a sentence: Quotation has no cac:PaymentTerms. */
static const char *payment_note(writer *w, const xmlNode *terms)
{
    const char *days = attr(w, terms, "days");
    const char *pct = attr(w, terms, "discount-percent");
    const char *pdays = attr(w, terms, "discount-days");
    bool de = strcmp(w->lang, "de") == 0;
    if (!days)
        return NULL;
    if (pct && pdays)
        return qs_arena_printf(&w->arena, de
            ? "Zahlungsbedingungen: zahlbar innerhalb von %s Tagen netto, "
              "%s %% Skonto bei Zahlung innerhalb von %s Tagen"
            : "Payment terms: net %s days, %s %% discount if paid within %s days",
            days, pct, pdays);
    return qs_arena_printf(&w->arena, de
        ? "Zahlungsbedingungen: zahlbar innerhalb von %s Tagen netto"
        : "Payment terms: net %s days", days);
}

/* cac:Delivery (promised period in weeks) and cac:DeliveryTerms (the
 * Incoterm and its named place). */
static void delivery(writer *w, const xmlNode *in)
{
    if (!in)
        return;
    const char *weeks = attr(w, in, "weeks");
    const char *incoterm = attr(w, in, "incoterm");
    const char *place = attr(w, in, "place");
    if (weeks) {
        cac(w, "Delivery");
        cac(w, "PromisedDeliveryPeriod");
        cbc_attr(w, "DurationMeasure", weeks, "unitCode", "WEE");
        end(w);
        end(w);
    }
    if (incoterm) {
        cac(w, "DeliveryTerms");
        cbc_attrs(w, "ID", incoterm, (const xml_attr[]){
            {"schemeID", "INCOTERMS"}, {"schemeVersionID", "2020"}}, 2);
        cbc(w, "SpecialTerms",
            place ? qs_arena_printf(&w->arena, "%s %s (Incoterms 2020)", incoterm, place)
                  : qs_arena_printf(&w->arena, "%s (Incoterms 2020)", incoterm));
        cac_cbc(w, "DeliveryLocation", "Name", place);
        end(w);
    }
}

/* cac:PaymentMeans: credit transfer (UNCL 4461 code 30) to the seller's
 * structured bank account; nothing without an IBAN. */
static void payment_means(writer *w, const xmlNode *bank)
{
    const char *iban = child_text(w, bank, "iban");
    if (!iban)
        return;
    cac(w, "PaymentMeans");
    cbc(w, "PaymentMeansCode", "30");
    cac(w, "PayeeFinancialAccount");
    cbc(w, "ID", iban);
    cbc(w, "Name", child_text(w, bank, "account-holder"));
    const char *bic = child_text(w, bank, "bic");
    const char *bank_name = child_text(w, bank, "name");
    if (bic || bank_name) {
        cac(w, "FinancialInstitutionBranch");
        cbc(w, "ID", bic);
        cbc(w, "Name", bank_name);
        end(w);
    }
    end(w);
    end(w);
}

/* The quote discount as a document-level allowance. */
static void allowance(writer *w, const xmlNode *quote, const xmlNode *totals)
{
    const char *pct = attr(w, totals, "discount-percent");
    if (!pct)
        return;
    cac(w, "AllowanceCharge");
    cbc(w, "ChargeIndicator", "false");
    cbc(w, "AllowanceChargeReasonCode", "95");  /* UNCL 5189: discount */
    cbc(w, "AllowanceChargeReason", attr(w, qs_xml_child(quote, "discount"), "reason"));
    cbc(w, "MultiplierFactorNumeric", percent_factor(w, pct));
    amount(w, "Amount", attr(w, totals, "discount"));
    amount(w, "BaseAmount", attr(w, totals, "net"));
    end(w);
}

/* The sum of the rates' tax amounts (exact decimal) into `buf`; NULL when
 * an amount does not parse or the sum overflows. */
static const char *tax_sum(writer *w, const xmlNode *totals, char buf[QS_DECIMAL_BUFSIZE])
{
    qs_decimal sum = 0;
    for (const xmlNode *t = totals->children; t; t = t->next) {
        qs_decimal v;
        const char *a = qs_xml_is(t, "tax") ? attr(w, t, "amount") : NULL;
        if (!a)
            continue;
        if (qs_decimal_parse(a, &v) != QS_DEC_OK || !qs_decimal_add(sum, v, &sum))
            return NULL;
    }
    return qs_decimal_format(sum, w->minor_digits, buf);
}

/* cac:TaxTotal: the sum `tax` (tax_sum), then one subtotal per rate. */
static void tax_total(writer *w, const xmlNode *totals, const char *tax)
{
    cac(w, "TaxTotal");
    amount(w, "TaxAmount", tax);
    for (const xmlNode *t = totals->children; t; t = t->next) {
        if (!qs_xml_is(t, "tax"))
            continue;
        cac(w, "TaxSubtotal");
        amount(w, "TaxableAmount", attr(w, t, "base"));
        amount(w, "TaxAmount", attr(w, t, "amount"));
        tax_category(w, "TaxCategory", attr(w, t, "id"), attr(w, t, "percent"));
        end(w);
    }
    end(w);
}

static void monetary_total(writer *w, const xmlNode *totals)
{
    const char *gross = attr(w, totals, "gross");
    cac(w, "QuotedMonetaryTotal");
    amount(w, "LineExtensionAmount", attr(w, totals, "net"));
    amount(w, "TaxExclusiveAmount", attr(w, totals, "taxable"));
    amount(w, "TaxInclusiveAmount", gross);
    amount(w, "AllowanceTotalAmount", attr(w, totals, "discount"));
    amount(w, "PayableAmount", gross);
    end(w);
}

/* cac:Item of a line: description, name, our SKU, the tax category. */
static void item(writer *w, const xmlNode *line)
{
    cac(w, "Item");
    cbc(w, "Description", child_text(w, line, "description"));
    cbc(w, "Name", child_text(w, line, "name"));
    cac_cbc(w, "SellersItemIdentification", "ID", attr(w, line, "sku"));
    tax_category(w, "ClassifiedTaxCategory", attr(w, line, "tax"),
                 attr(w, line, "tax-percent"));
    end(w);
}

static void quotation_line(writer *w, const xmlNode *line)
{
    const char *pos = attr(w, line, "pos");
    const char *optional = attr(w, line, "optional");
    cac(w, "QuotationLine");
    cbc(w, "ID", pos);
    if (optional && strcmp(optional, "true") == 0)
        cbc(w, "Note", "optional");

    cac(w, "LineItem");
    cbc(w, "ID", pos);
    cbc_attr(w, "Quantity", attr(w, line, "qty"), "unitCode",
             qs_ubl_unit_code(attr(w, line, "unit")));
    amount(w, "LineExtensionAmount", attr(w, line, "net"));
    cac(w, "Price");
    amount(w, "PriceAmount", attr(w, line, "unit-price"));
    end(w);
    item(w, line);
    end(w);
    end(w);
}

/* Counts every <line> below `n` in document order, and writes each as a
 * cac:QuotationLine when `write` is set. */
static size_t lines(writer *w, const xmlNode *n, bool write)
{
    size_t count = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (qs_xml_is(c, "line")) {
            if (write)
                quotation_line(w, c);
            count++;
        } else if (qs_xml_is(c, "department") || qs_xml_is(c, "group")) {
            count += lines(w, c, write);
        }
    }
    return count;
}

/* The document-level cbc elements before the parties, in QuotationType's
 * order. */
static void header(writer *w, const xmlNode *quote, const qs_quote *q,
                   const char *id, const char *date, size_t line_count)
{
    cbc(w, "UBLVersionID", "2.1");
    cbc(w, "ID", id);
    cbc(w, "IssueDate", date);
    if (q->draft)
        note(w, strcmp(w->lang, "de") == 0 ? "ENTWURF" : "DRAFT");
    note(w, child_text(w, quote, "subject"));
    note(w, child_text(w, quote, "reference"));
    note(w, payment_note(w, qs_xml_child(quote, "payment-terms")));
    cbc(w, "PricingCurrencyCode", w->currency);
    cbc(w, "LineCountNumeric", qs_arena_printf(&w->arena, "%zu", line_count));
    cac_cbc(w, "ValidityPeriod", "EndDate", child_text(w, quote, "valid-until"));
}

/* Writes the whole document from the tree's root, in the order of
 * QuotationType. Returns false before writing anything when the tree
 * lacks totals, id, date or lines, or a tax amount does not parse; false
 * too when the elements were not nested as start() and end() allow. */
static bool write_document(writer *w, const xmlNode *quote, const qs_quote *q)
{
    const xmlNode *totals = qs_xml_child(quote, "totals");
    const char *id = attr(w, quote, "id");
    const char *date = child_text(w, quote, "date");
    size_t line_count = lines(w, quote, false);
    char buf[QS_DECIMAL_BUFSIZE];
    const char *tax = totals ? tax_sum(w, totals, buf) : NULL;
    if (!totals || !id || !date || line_count == 0 || !tax)
        return false;

    put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    start(w, NULL, "Quotation");
    attribute(w, "xmlns", NS_QUOTATION);
    attribute(w, "xmlns:cac", NS_CAC);
    attribute(w, "xmlns:cbc", NS_CBC);

    header(w, quote, q, id, date, line_count);
    const xmlNode *seller = qs_xml_child(quote, "seller");
    parties(w, seller, qs_xml_child(quote, "customer"));
    delivery(w, qs_xml_child(quote, "delivery"));
    payment_means(w, qs_xml_child(seller, "bank"));
    allowance(w, quote, totals);
    tax_total(w, totals, tax);
    monetary_total(w, totals);
    lines(w, quote, true);

    end(w);
    return !w->failed && w->depth == 0;
}

bool qs_ubl_write(const qs_quote *q, unsigned char **out, size_t *size,
                  qs_diags *d)
{
    *out = NULL;
    *size = 0;
    const xmlNode *quote = q->tree ? xmlDocGetRootElement(q->tree) : NULL;
    writer w = {0};
    qs_arena_init(&w.arena);
    w.currency = q->currency ? q->currency : "";
    w.lang = q->lang ? q->lang : "en";
    w.minor_digits = q->minor_digits;
    const char *lang = attr(&w, quote, "lang");
    if (lang)   /* --lang may have overridden the quote's language */
        w.lang = lang;

    bool ok = quote && write_document(&w, quote, q);
    if (ok) {   /* the buffer becomes the caller's */
        *out = (unsigned char *)w.out.s;
        *size = w.out.len;
    } else {
        qs_buf_free(&w.out);
        qs_diag_add(d, QS_SEV_ERROR, q->src ? q->src->path : NULL, 0, 0, "ubl",
                    "cannot write the UBL quotation: the priced data tree is "
                    "incomplete");
        qs_diags_set_internal_failed(d);
    }
    qs_arena_free(&w.arena);
    return ok;
}
