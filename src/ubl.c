/* ubl: writes the loaded, priced quote model as an OASIS UBL 2.1
 * Quotation. Element order follows the sequences of UBL-Quotation-2.1.xsd
 * and UBL-CommonAggregateComponents-2.1.xsd; amounts are the model's
 * exact decimals, formatted once, never computed through floating point. The mapping table is
 * in docs/package.md.
 *
 * The document is written straight into a growing qs_buf: no tree of the
 * output exists, and no XML library sits in between. The bytes are those
 * libxml2's xmlTextWriter gave before (and xmlDocDumpFormatMemoryEnc
 * before it): two-space indentation, one element per line, elements with
 * text on one line, an element without content as <x/>, and the same
 * escaping (see put_escaped). The stream writer spent most of this
 * stage's instructions on a heap-allocated stack of element names and an
 * output-buffer call per piece of markup. Writing directly and appending
 * inline (buf.h) took the stage from 6.0 to 1.1 million instructions for
 * the 60-line bench quote (callgrind), and from 0.54 to 0.14 ms. */
#include "ubl.h"
#include "input.h"
#include "quote.h"

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
 * made here. */
typedef struct {
    qs_buf out;
    element open[MAX_DEPTH];
    size_t depth;
    bool tag_open;
    bool failed;
    const char *currency;
    const char *lang;
    qs_lang language;          /* lang parsed, for the exemption notes */
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

/* A copy of `s` with white space collapsed, in the arena; NULL when `s`
 * is NULL or the text is empty. */
static const char *collapsed(writer *w, const char *s)
{
    if (!s)
        return NULL;
    char *c = qs_xml_collapse_space(qs_arena_strdup(&w->arena, s));
    return *c ? c : NULL;
}

/* A decimal in the quote's currency's minor digits, in the arena. */
static const char *money(writer *w, qs_decimal v)
{
    char buf[QS_DECIMAL_BUFSIZE];
    return qs_arena_strdup(&w->arena, qs_decimal_format(v, w->minor_digits, buf));
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

/* The UBL MultiplierFactorNumeric for a percentage: 3 -> "0.03",
 * 33.3333 -> "0.333333". Exact: a qs_decimal percent in 1/10^4 is the
 * factor in 1/10^6. */
static const char *percent_factor(writer *w, qs_decimal p)
{
    char frac[8];
    snprintf(frac, sizeof frac, "%06lld", (long long)(p % 1000000));
    size_t n = strlen(frac);
    while (n > 0 && frac[n - 1] == '0')
        frac[--n] = '\0';
    return qs_arena_printf(&w->arena, "%lld%s%s", (long long)(p / 1000000),
                           n ? "." : "", frac);
}

static void tax_scheme(writer *w)
{
    cac_cbc(w, "TaxScheme", "ID", "VAT");
}

/* What a cac:TaxCategory or cac:ClassifiedTaxCategory says (SPEC 2.3):
 * the UNCL 5305 category, our rate's id as its Name (S, Z and E only),
 * the percent as written, and for a TaxSubtotal the exemption. */
typedef struct {
    qs_tax_category category;
    const char *name;         /* or NULL */
    const char *percent;
    qs_vatex exemption;
    const char *reason;       /* TaxExemptionReason, or NULL */
} tax_kind;

/* A line's category: its rate's as written, or 0 % where the treatment
 * replaces the rate (K, AE, G, O). */
static tax_kind line_tax(const qs_line *l)
{
    bool own = l->treatment.exemption == QS_VATEX_NONE;
    return (tax_kind){l->treatment.category, own ? l->tax->id : NULL,
                      own ? l->tax->percent.text : "0", QS_VATEX_NONE, NULL};
}

/* A tax group's category; with_reason adds the exemption code and note
 * (TaxSubtotal only: EN 16931 has them nowhere else). */
static tax_kind group_tax(writer *w, const qs_tax_total *g, bool with_reason)
{
    tax_kind k = {g->category, g->exemption == QS_VATEX_NONE ? g->id : NULL,
                  g->percent_text, QS_VATEX_NONE, NULL};
    if (with_reason) {
        k.exemption = g->exemption;
        k.reason = qs_tax_note(g->category, w->language, g->exemption_reason);
    }
    return k;
}

/* cac:TaxCategory / cac:ClassifiedTaxCategory in TaxCategoryType's order:
 * ID, Name, Percent, TaxExemptionReasonCode, TaxExemptionReason,
 * TaxScheme. */
static void tax_category(writer *w, const char *element, tax_kind k)
{
    cac(w, element);
    cbc(w, "ID", qs_tax_category_code(k.category));
    cbc(w, "Name", k.name);
    cbc(w, "Percent", k.percent);
    cbc(w, "TaxExemptionReasonCode", qs_vatex_code(k.exemption));
    cbc(w, "TaxExemptionReason", k.reason);
    tax_scheme(w);
    end(w);
}

static void postal_address(writer *w, const qs_party *p)
{
    if (!p->has_address)
        return;
    const qs_address *a = &p->address;
    cac(w, "PostalAddress");
    cbc(w, "StreetName", a->street);
    cbc(w, "CityName", a->city);
    cbc(w, "PostalZone", a->postal_code);
    /* the seller's free address: one AddressLine per non-empty line */
    for (size_t i = 0; i < a->nlines; i++)
        cac_cbc(w, "AddressLine", "Line", a->lines[i]);
    cac_cbc(w, "Country", "IdentificationCode", a->country);
    end(w);
}

static void contact(writer *w, const qs_party *p)
{
    const qs_contact *c = &p->contact;
    if (!p->has_contact || (!c->name && !c->phone && !c->email && !c->free))
        return;
    cac(w, "Contact");
    cbc(w, "Name", c->name);
    cbc(w, "Telephone", c->phone);
    cbc(w, "ElectronicMail", c->email);
    cbc(w, "Note", c->free);   /* the seller's free-text contact */
    end(w);
}

/* cac:Party for the seller or the customer, in PartyType's order. */
static void party(writer *w, const qs_party *p)
{
    cac(w, "Party");
    cbc(w, "WebsiteURI", p->web);
    cac_cbc(w, "PartyName", "Name", p->name ? p->name : "");
    postal_address(w, p);
    if (p->vat_id) {
        cac(w, "PartyTaxScheme");
        cbc(w, "CompanyID", p->vat_id);
        tax_scheme(w);
        end(w);
    }
    if (p->name) {
        cac(w, "PartyLegalEntity");
        cbc(w, "RegistrationName", p->name);
        cbc(w, "CompanyLegalForm", p->register_);
        end(w);
    }
    contact(w, p);
    end(w);
}

/* cac:SellerSupplierParty; cac:BuyerCustomerParty with our customer
 * number when there is a customer. */
static void parties(writer *w, const qs_quote *q)
{
    cac(w, "SellerSupplierParty");
    party(w, &q->seller);
    end(w);
    if (!q->has_customer)
        return;
    cac(w, "BuyerCustomerParty");
    cbc(w, "SupplierAssignedAccountID", q->customer.id);
    party(w, &q->customer);
    end(w);
}

/* The payment terms as a sentence: Quotation has no cac:PaymentTerms. */
static const char *payment_note(writer *w, const qs_quote *q)
{
    const char *days = q->payment_days;
    const char *pct = q->payment_discount_percent;
    const char *pdays = q->payment_discount_days;
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
static void delivery(writer *w, const qs_quote *q)
{
    const char *weeks = q->delivery_weeks;
    const char *incoterm = q->incoterm;
    const char *place = q->delivery_place;
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
static void payment_means(writer *w, const qs_party *seller)
{
    if (!seller->iban)
        return;
    cac(w, "PaymentMeans");
    cbc(w, "PaymentMeansCode", "30");
    cac(w, "PayeeFinancialAccount");
    cbc(w, "ID", seller->iban);
    cbc(w, "Name", seller->bank_holder);
    if (seller->bic || seller->bank_name) {
        cac(w, "FinancialInstitutionBranch");
        cbc(w, "ID", seller->bic);
        cbc(w, "Name", seller->bank_name);
        end(w);
    }
    end(w);
    end(w);
}

/* A discount as a cac:AllowanceCharge: Amount = round(BaseAmount x
 * percent / 100), as priced (SPEC 2.2); a document-level one carries the
 * tax category of its group (NULL for a line's). */
static void allowance(writer *w, const char *reason, qs_decimal percent, qs_decimal value,
                      qs_decimal base, const tax_kind *category)
{
    cac(w, "AllowanceCharge");
    cbc(w, "ChargeIndicator", "false");
    cbc(w, "AllowanceChargeReasonCode", "95");  /* UNCL 5189: discount */
    cbc(w, "AllowanceChargeReason", reason);
    cbc(w, "MultiplierFactorNumeric", percent_factor(w, percent));
    amount(w, "Amount", money(w, value));
    amount(w, "BaseAmount", money(w, base));
    if (category)
        tax_category(w, "TaxCategory", *category);
    end(w);
}

/* The quote discount: one document-level allowance per tax group. */
static void quote_allowances(writer *w, const qs_quote *q)
{
    if (!q->has_discount)
        return;
    for (size_t i = 0; i < q->totals.ntaxes; i++) {
        const qs_tax_total *g = &q->totals.taxes[i];
        tax_kind k = group_tax(w, g, false);
        allowance(w, q->discount_reason, q->discount.value, g->allowance, g->net, &k);
    }
}

/* cac:TaxTotal: the sum of the groups' tax amounts, then one subtotal per
 * tax group. Returns false when the sum overflows. */
static bool tax_total(writer *w, const qs_totals *t)
{
    qs_decimal sum = 0;
    for (size_t i = 0; i < t->ntaxes; i++)
        if (!qs_decimal_add(sum, t->taxes[i].amount, &sum))
            return false;
    cac(w, "TaxTotal");
    amount(w, "TaxAmount", money(w, sum));
    for (size_t i = 0; i < t->ntaxes; i++) {
        cac(w, "TaxSubtotal");
        amount(w, "TaxableAmount", money(w, t->taxes[i].base));
        amount(w, "TaxAmount", money(w, t->taxes[i].amount));
        tax_category(w, "TaxCategory", group_tax(w, &t->taxes[i], true));
        end(w);
    }
    end(w);
    return true;
}

static void monetary_total(writer *w, const qs_totals *t)
{
    const char *gross = money(w, t->gross);
    cac(w, "QuotedMonetaryTotal");
    amount(w, "LineExtensionAmount", money(w, t->net));
    amount(w, "TaxExclusiveAmount", money(w, t->taxable));
    amount(w, "TaxInclusiveAmount", gross);
    amount(w, "AllowanceTotalAmount", money(w, t->discount));
    amount(w, "PayableAmount", gross);
    end(w);
}

/* cac:Item of a line: description, name, our SKU, the tax category. */
static void item(writer *w, const qs_line *l)
{
    cac(w, "Item");
    cbc(w, "Description", collapsed(w, l->description ? l->description->text : NULL));
    cbc(w, "Name", collapsed(w, l->name ? l->name->text : NULL));
    cac_cbc(w, "SellersItemIdentification", "ID", l->sku);
    tax_category(w, "ClassifiedTaxCategory", line_tax(l));
    end(w);
}

/* The price per unit with up to 4 decimals such that quantity x price,
 * rounded, gives the line's rounded amount (EN 16931: PEPPOL-EN16931-R120):
 * the price list's own price for volume and custom lines (exact); for a
 * graduated line the rounded amount / quantity to 4 decimals where that
 * gives the amount back (the nearest such price is the only candidate),
 * else the unit price rounded to 2 decimals. */
static const char *price_amount(writer *w, const qs_line *l)
{
    const qs_line_price *lp = &l->price;
    qs_decimal price;
    qs_wide back;
    if (!lp->graduated ||
        !qs_decimal_from_ratio(lp->rounded, l->qty.value, 4, &price) ||
        !qs_wide_mul(l->qty.value, price, &back))
        return lp->unit_price_text;
    qs_decimal rounded;
    if (!qs_decimal_from_ratio(back, qs_wide_pow10(2 * QS_DECIMAL_DIGITS), w->minor_digits,
                               &rounded) || rounded != lp->rounded)
        return lp->unit_price_text;
    char buf[QS_DECIMAL_BUFSIZE];
    char *s = (char *)qs_decimal_format(price, 4, buf);
    size_t n = strlen(s);
    for (int drop = 0; drop < 2 && s[n - 1] == '0'; drop++)
        s[--n] = '\0';  /* 374.0000 -> 374.00, 333.3330 -> 333.333 */
    return qs_arena_strdup(&w->arena, s);
}

/* A cac:LineItem or cac:AlternativeLineItem (both LineItemType). */
static void line_item(writer *w, const char *element, const qs_line *l, const char *pos)
{
    cac(w, element);
    cbc(w, "ID", pos);
    cbc_attr(w, "Quantity", l->qty.text, "unitCode", qs_ubl_unit_code(l->unit));
    amount(w, "LineExtensionAmount", money(w, l->price.net));
    if (l->has_discount)
        allowance(w, l->reason, l->discount.value, l->price.allowance, l->price.rounded, NULL);
    cac(w, "Price");
    amount(w, "PriceAmount", price_amount(w, l));
    end(w);
    item(w, l);
    end(w);
}

/* One cac:QuotationLine per line that is no alternative; the alternatives
 * to it (SPEC 9) follow its cac:LineItem as cac:AlternativeLineItem, each
 * with its own position as ID. */
static void quotation_line(writer *w, const qs_quote *q, const qs_line *l)
{
    const char *pos = qs_arena_printf(&w->arena, "%u", l->pos);
    cac(w, "QuotationLine");
    cbc(w, "ID", pos);
    if (l->optional)
        cbc(w, "Note", "optional");
    line_item(w, "LineItem", l, pos);
    for (const qs_line *a = l + 1; a < q->lines + q->nlines; a++)
        if (a->alternative_to == l->pos)
            line_item(w, "AlternativeLineItem", a, qs_arena_printf(&w->arena, "%u", a->pos));
    end(w);
}

/* From revision 2 on, the revision (SPEC 9) as a reference to the
 * quotation itself: ID the quote's id, DocumentType "revision", VersionID
 * the number (QuotationType has no VersionID of its own). */
static void revision_reference(writer *w, const qs_quote *q)
{
    if (q->revision < 2)
        return;
    cac(w, "AdditionalDocumentReference");
    cbc(w, "ID", q->id);
    cbc(w, "DocumentType", "revision");
    cbc(w, "VersionID", qs_arena_printf(&w->arena, "%u", q->revision));
    end(w);
}

/* QuotationLines: every line but the alternatives. */
static size_t count_quotation_lines(const qs_quote *q)
{
    size_t n = 0;
    for (size_t i = 0; i < q->nlines; i++)
        n += q->lines[i].alternative_to == 0;
    return n;
}

/* The document-level cbc elements before the parties, in QuotationType's
 * order. */
static void header(writer *w, const qs_quote *q)
{
    char date[11];
    cbc(w, "UBLVersionID", "2.1");
    cbc(w, "ID", q->id);
    cbc(w, "IssueDate", qs_date_format(q->date, date));
    if (q->draft)
        note(w, strcmp(w->lang, "de") == 0 ? "ENTWURF" : "DRAFT");
    note(w, q->subject);
    note(w, q->reference);
    note(w, payment_note(w, q));
    cbc(w, "PricingCurrencyCode", w->currency);
    cbc(w, "LineCountNumeric", qs_arena_printf(&w->arena, "%zu", count_quotation_lines(q)));
    if (q->has_valid_until)
        cac_cbc(w, "ValidityPeriod", "EndDate", qs_date_format(q->valid_until, date));
    revision_reference(w, q);
}

/* Writes the whole document from the model, in the order of
 * QuotationType. Returns false before writing anything when the quote is
 * not priced, lacks an id or lines; false too when the tax sum overflows
 * or the elements were not nested as start() and end() allow. */
static bool write_document(writer *w, const qs_quote *q)
{
    if (!q->totals.priced || !q->id || q->nlines == 0)
        return false;

    put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    start(w, NULL, "Quotation");
    attribute(w, "xmlns", NS_QUOTATION);
    attribute(w, "xmlns:cac", NS_CAC);
    attribute(w, "xmlns:cbc", NS_CBC);

    header(w, q);
    parties(w, q);
    delivery(w, q);
    payment_means(w, &q->seller);
    quote_allowances(w, q);
    bool ok = tax_total(w, &q->totals);
    monetary_total(w, &q->totals);
    for (size_t i = 0; i < q->nlines; i++)
        if (!q->lines[i].alternative_to)
            quotation_line(w, q, &q->lines[i]);

    end(w);
    return ok && !w->failed && w->depth == 0;
}

bool qs_ubl_write(const qs_quote *q, unsigned char **out, size_t *size,
                  qs_diags *d)
{
    *out = NULL;
    *size = 0;
    writer w = {0};
    qs_arena_init(&w.arena);
    w.currency = q->currency ? q->currency : "";
    w.lang = q->lang ? q->lang : "en";
    w.language = QS_LANG_EN;
    qs_lang_parse(w.lang, &w.language);
    w.minor_digits = q->minor_digits;

    bool ok = write_document(&w, q);
    if (ok) {   /* the buffer becomes the caller's */
        *out = (unsigned char *)w.out.s;
        *size = w.out.len;
    } else {
        qs_buf_free(&w.out);
        qs_diag_add(d, QS_SEV_ERROR, q->path, 0, 0, "ubl",
                    "cannot write the UBL quotation: the priced quote is "
                    "incomplete");
        qs_diags_set_internal_failed(d);
    }
    qs_arena_free(&w.arena);
    return ok;
}
