/* ubl: writes the merged, priced data tree as an OASIS UBL 2.1 Quotation.
 * Element order follows the sequences of UBL-Quotation-2.1.xsd and
 * UBL-CommonAggregateComponents-2.1.xsd; amounts are the tree's decimal
 * strings, never re-computed through floating point. The mapping table is
 * in docs/package.md. */
#include "ubl.h"
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"
#include "decimal.h"

#define NS_QUOTATION "urn:oasis:names:specification:ubl:schema:xsd:Quotation-2"
#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

/* The writer's state: the namespaces, the quote's currency and language,
 * and an arena for the strings read from the tree. */
typedef struct {
    xmlNs *cac, *cbc;
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

/* Collapses runs of white space to one space and trims both ends, in place. */
static char *collapse_space(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            space = w != s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

/* The text of `n` with white space collapsed, in the arena; NULL when `n`
 * is NULL or the text is empty. */
static const char *text_of(writer *w, const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw)
        return NULL;
    char *s = collapse_space(qs_arena_strdup(&w->arena, (const char *)raw));
    xmlFree(raw);
    return *s ? s : NULL;
}

/* The attribute `name` of `n` in the arena, or NULL. */
static const char *attr(writer *w, const xmlNode *n, const char *name)
{
    if (!n)
        return NULL;
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

/* ---- building the UBL document ---- */

static xmlNode *cac(writer *w, xmlNode *parent, const char *name)
{
    return xmlNewChild(parent, w->cac, (const xmlChar *)name, NULL);
}

/* A cbc element holding `text` (escaped); nothing when text is NULL. */
static xmlNode *cbc(writer *w, xmlNode *parent, const char *name, const char *text)
{
    if (!text)
        return NULL;
    return xmlNewTextChild(parent, w->cbc, (const xmlChar *)name,
                           (const xmlChar *)text);
}

static void set_attr(xmlNode *n, const char *name, const char *value)
{
    if (n)
        xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

/* A cbc amount with the quote's currencyID. */
static void amount(writer *w, xmlNode *parent, const char *name, const char *value)
{
    set_attr(cbc(w, parent, name, value), "currencyID", w->currency);
}

/* A cbc:Note in the quote's language. */
static void note(writer *w, xmlNode *parent, const char *text)
{
    set_attr(cbc(w, parent, "Note", text), "languageID", w->lang);
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

static void tax_scheme(writer *w, xmlNode *parent)
{
    cbc(w, cac(w, parent, "TaxScheme"), "ID", "VAT");
}

/* cac:TaxCategory / cac:ClassifiedTaxCategory: ID, Name (our tax id),
 * Percent, TaxScheme. */
static void tax_category(writer *w, xmlNode *parent, const char *element,
                         const char *tax_id, const char *percent)
{
    xmlNode *cat = cac(w, parent, element);
    cbc(w, cat, "ID", tax_category_id(percent));
    cbc(w, cat, "Name", tax_id);
    cbc(w, cat, "Percent", percent);
    tax_scheme(w, cat);
}

/* Free text directly inside a mixed-content element (the seller's free
 * address), one AddressLine per non-empty source line. */
static void address_lines(writer *w, xmlNode *out, const xmlNode *address)
{
    for (const xmlNode *c = address->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE || !c->content)
            continue;
        char *copy = qs_arena_strdup(&w->arena, (const char *)c->content);
        for (char *line = copy; line;) {
            char *end = strchr(line, '\n');
            if (end)
                *end = '\0';
            if (*collapse_space(line))
                cbc(w, cac(w, out, "AddressLine"), "Line", line);
            line = end ? end + 1 : NULL;
        }
    }
}

static void postal_address(writer *w, xmlNode *party, const xmlNode *address)
{
    if (!address)
        return;
    xmlNode *out = cac(w, party, "PostalAddress");
    cbc(w, out, "StreetName", child_text(w, address, "street"));
    cbc(w, out, "CityName", child_text(w, address, "city"));
    cbc(w, out, "PostalZone", child_text(w, address, "postal-code"));
    address_lines(w, out, address);
    const char *country = child_text(w, address, "country");
    if (country)
        cbc(w, cac(w, out, "Country"), "IdentificationCode", country);
}

static void contact(writer *w, xmlNode *party, const xmlNode *in)
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
    xmlNode *out = cac(w, party, "Contact");
    cbc(w, out, "Name", name);
    cbc(w, out, "Telephone", phone);
    cbc(w, out, "ElectronicMail", email);
    cbc(w, out, "Note", free);
}

/* cac:Party for the seller or the customer, in PartyType's order. */
static void party(writer *w, xmlNode *parent, const xmlNode *in)
{
    xmlNode *p = cac(w, parent, "Party");
    cbc(w, p, "WebsiteURI", child_text(w, in, "web"));
    const char *name = child_text(w, in, "name");
    cbc(w, cac(w, p, "PartyName"), "Name", name ? name : "");
    postal_address(w, p, qs_xml_child(in, "address"));
    const char *vat = child_text(w, in, "vat-id");
    if (vat) {
        xmlNode *scheme = cac(w, p, "PartyTaxScheme");
        cbc(w, scheme, "CompanyID", vat);
        tax_scheme(w, scheme);
    }
    if (name) {
        xmlNode *legal = cac(w, p, "PartyLegalEntity");
        cbc(w, legal, "RegistrationName", name);
        cbc(w, legal, "CompanyLegalForm", child_text(w, in, "register"));
    }
    contact(w, p, qs_xml_child(in, "contact"));
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
static void delivery(writer *w, xmlNode *doc, const xmlNode *in)
{
    if (!in)
        return;
    const char *weeks = attr(w, in, "weeks");
    const char *incoterm = attr(w, in, "incoterm");
    const char *place = attr(w, in, "place");
    if (weeks) {
        xmlNode *period = cac(w, cac(w, doc, "Delivery"), "PromisedDeliveryPeriod");
        set_attr(cbc(w, period, "DurationMeasure", weeks), "unitCode", "WEE");
    }
    if (incoterm) {
        xmlNode *terms = cac(w, doc, "DeliveryTerms");
        xmlNode *id = cbc(w, terms, "ID", incoterm);
        set_attr(id, "schemeID", "INCOTERMS");
        set_attr(id, "schemeVersionID", "2020");
        cbc(w, terms, "SpecialTerms",
            place ? qs_arena_printf(&w->arena, "%s %s (Incoterms 2020)", incoterm, place)
                  : qs_arena_printf(&w->arena, "%s (Incoterms 2020)", incoterm));
        if (place)
            cbc(w, cac(w, terms, "DeliveryLocation"), "Name", place);
    }
}

/* cac:PaymentMeans: credit transfer (UNCL 4461 code 30) to the seller's
 * structured bank account; nothing without an IBAN. */
static void payment_means(writer *w, xmlNode *doc, const xmlNode *bank)
{
    const char *iban = child_text(w, bank, "iban");
    if (!iban)
        return;
    xmlNode *means = cac(w, doc, "PaymentMeans");
    cbc(w, means, "PaymentMeansCode", "30");
    xmlNode *account = cac(w, means, "PayeeFinancialAccount");
    cbc(w, account, "ID", iban);
    cbc(w, account, "Name", child_text(w, bank, "account-holder"));
    const char *bic = child_text(w, bank, "bic");
    const char *bank_name = child_text(w, bank, "name");
    if (bic || bank_name) {
        xmlNode *branch = cac(w, account, "FinancialInstitutionBranch");
        cbc(w, branch, "ID", bic);
        cbc(w, branch, "Name", bank_name);
    }
}

/* The quote discount as a document-level allowance. */
static void allowance(writer *w, xmlNode *doc, const xmlNode *quote,
                      const xmlNode *totals)
{
    const char *pct = attr(w, totals, "discount-percent");
    if (!pct)
        return;
    xmlNode *ac = cac(w, doc, "AllowanceCharge");
    cbc(w, ac, "ChargeIndicator", "false");
    cbc(w, ac, "AllowanceChargeReasonCode", "95");  /* UNCL 5189: discount */
    cbc(w, ac, "AllowanceChargeReason", attr(w, qs_xml_child(quote, "discount"), "reason"));
    cbc(w, ac, "MultiplierFactorNumeric", percent_factor(w, pct));
    amount(w, ac, "Amount", attr(w, totals, "discount"));
    amount(w, ac, "BaseAmount", attr(w, totals, "net"));
}

/* cac:TaxTotal: the sum of the rates' amounts (exact decimal), then one
 * subtotal per rate. Returns false when an amount does not parse. */
static bool tax_total(writer *w, xmlNode *doc, const xmlNode *totals)
{
    qs_decimal sum = 0;
    for (const xmlNode *t = totals->children; t; t = t->next) {
        qs_decimal v;
        const char *a = qs_xml_is(t, "tax") ? attr(w, t, "amount") : NULL;
        if (!a)
            continue;
        if (qs_decimal_parse(a, &v) != QS_DEC_OK || !qs_decimal_add(sum, v, &sum))
            return false;
    }
    char buf[QS_DECIMAL_BUFSIZE];
    xmlNode *total = cac(w, doc, "TaxTotal");
    amount(w, total, "TaxAmount", qs_decimal_format(sum, w->minor_digits, buf));
    for (const xmlNode *t = totals->children; t; t = t->next) {
        if (!qs_xml_is(t, "tax"))
            continue;
        xmlNode *sub = cac(w, total, "TaxSubtotal");
        amount(w, sub, "TaxableAmount", attr(w, t, "base"));
        amount(w, sub, "TaxAmount", attr(w, t, "amount"));
        tax_category(w, sub, "TaxCategory", attr(w, t, "id"), attr(w, t, "percent"));
    }
    return true;
}

static void monetary_total(writer *w, xmlNode *doc, const xmlNode *totals)
{
    xmlNode *m = cac(w, doc, "QuotedMonetaryTotal");
    const char *gross = attr(w, totals, "gross");
    amount(w, m, "LineExtensionAmount", attr(w, totals, "net"));
    amount(w, m, "TaxExclusiveAmount", attr(w, totals, "taxable"));
    amount(w, m, "TaxInclusiveAmount", gross);
    amount(w, m, "AllowanceTotalAmount", attr(w, totals, "discount"));
    amount(w, m, "PayableAmount", gross);
}

static void quotation_line(writer *w, xmlNode *doc, const xmlNode *line)
{
    const char *pos = attr(w, line, "pos");
    const char *optional = attr(w, line, "optional");
    xmlNode *ql = cac(w, doc, "QuotationLine");
    cbc(w, ql, "ID", pos);
    if (optional && strcmp(optional, "true") == 0)
        cbc(w, ql, "Note", "optional");

    xmlNode *item = cac(w, ql, "LineItem");
    cbc(w, item, "ID", pos);
    set_attr(cbc(w, item, "Quantity", attr(w, line, "qty")), "unitCode",
             qs_ubl_unit_code(attr(w, line, "unit")));
    amount(w, item, "LineExtensionAmount", attr(w, line, "net"));
    amount(w, cac(w, item, "Price"), "PriceAmount", attr(w, line, "unit-price"));

    xmlNode *it = cac(w, item, "Item");
    cbc(w, it, "Description", child_text(w, line, "description"));
    cbc(w, it, "Name", child_text(w, line, "name"));
    const char *sku = attr(w, line, "sku");
    if (sku)
        cbc(w, cac(w, it, "SellersItemIdentification"), "ID", sku);
    tax_category(w, it, "ClassifiedTaxCategory", attr(w, line, "tax"),
                 attr(w, line, "tax-percent"));
}

/* Every <line> below `n`, in document order. */
static size_t add_lines(writer *w, xmlNode *doc, const xmlNode *n)
{
    size_t count = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (qs_xml_is(c, "line")) {
            quotation_line(w, doc, c);
            count++;
        } else if (qs_xml_is(c, "department") || qs_xml_is(c, "group")) {
            count += add_lines(w, doc, c);
        }
    }
    return count;
}

static size_t count_lines(const xmlNode *n)
{
    size_t count = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (qs_xml_is(c, "line"))
            count++;
        else if (qs_xml_is(c, "department") || qs_xml_is(c, "group"))
            count += count_lines(c);
    }
    return count;
}

/* Fills the Quotation element `doc` from the tree's root, in the order of
 * QuotationType. Returns false when the tree lacks totals, id, date or lines. */
static bool build(writer *w, xmlNode *doc, const xmlNode *quote, const qs_quote *q)
{
    const xmlNode *totals = qs_xml_child(quote, "totals");
    const char *id = attr(w, quote, "id");
    const char *date = child_text(w, quote, "date");
    if (!totals || !id || !date || count_lines(quote) == 0)
        return false;

    cbc(w, doc, "UBLVersionID", "2.1");
    cbc(w, doc, "ID", id);
    cbc(w, doc, "IssueDate", date);
    if (q->draft)
        note(w, doc, strcmp(w->lang, "de") == 0 ? "ENTWURF" : "DRAFT");
    note(w, doc, child_text(w, quote, "subject"));
    note(w, doc, child_text(w, quote, "reference"));
    note(w, doc, payment_note(w, qs_xml_child(quote, "payment-terms")));
    cbc(w, doc, "PricingCurrencyCode", w->currency);
    cbc(w, doc, "LineCountNumeric",
        qs_arena_printf(&w->arena, "%zu", count_lines(quote)));
    const char *valid_until = child_text(w, quote, "valid-until");
    if (valid_until)
        cbc(w, cac(w, doc, "ValidityPeriod"), "EndDate", valid_until);

    const xmlNode *seller = qs_xml_child(quote, "seller");
    const xmlNode *customer = qs_xml_child(quote, "customer");
    party(w, cac(w, doc, "SellerSupplierParty"), seller);
    if (customer) {
        xmlNode *buyer = cac(w, doc, "BuyerCustomerParty");
        cbc(w, buyer, "SupplierAssignedAccountID", attr(w, customer, "id"));
        party(w, buyer, customer);
    }
    delivery(w, doc, qs_xml_child(quote, "delivery"));
    payment_means(w, doc, qs_xml_child(seller, "bank"));
    allowance(w, doc, quote, totals);
    if (!tax_total(w, doc, totals))
        return false;
    monetary_total(w, doc, totals);
    add_lines(w, doc, quote);
    return true;
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
    if (quote) {
        xmlChar *lang = xmlGetProp(quote, (const xmlChar *)"lang");
        if (lang)   /* --lang may have overridden the quote's language */
            w.lang = qs_arena_strdup(&w.arena, (const char *)lang);
        xmlFree(lang);
    }

    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"Quotation");
    xmlDocSetRootElement(doc, root);
    xmlSetNs(root, xmlNewNs(root, (const xmlChar *)NS_QUOTATION, NULL));
    w.cac = xmlNewNs(root, (const xmlChar *)NS_CAC, (const xmlChar *)"cac");
    w.cbc = xmlNewNs(root, (const xmlChar *)NS_CBC, (const xmlChar *)"cbc");

    bool ok = quote && build(&w, root, quote, q);
    if (ok) {
        xmlChar *buf = NULL;
        int len = 0;
        xmlDocDumpFormatMemoryEnc(doc, &buf, &len, "UTF-8", 1);
        if (buf && len > 0) {
            *out = qs_xmalloc((size_t)len);
            memcpy(*out, buf, (size_t)len);
            *size = (size_t)len;
        } else {
            ok = false;
        }
        xmlFree(buf);
    }
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, q->src ? q->src->path : NULL, 0, 0, "ubl",
                    "cannot write the UBL quotation: the priced data tree is "
                    "incomplete");
        qs_diags_set_internal_failed(d);
    }
    xmlFreeDoc(doc);
    qs_arena_free(&w.arena);
    return ok;
}
