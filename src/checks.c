/* checks: built-in consistency checks on the merged data tree (dates,
 * customer address, a final quote's lines, price list validity, Incoterms,
 * payment terms). */
#include "checks.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "decimal.h"
#include "merge.h"
#include "values.h"

typedef struct {
    xmlNode *quote;
    qs_diags *d;
} checker;

/* ---- tree access ---- */

static xmlNode *child(const xmlNode *parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNode *c = parent->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
            return c;
    return NULL;
}

/* The element's text with surrounding white space removed (malloc'd), or
 * NULL when the element is absent or blank. */
static char *text_of(const xmlNode *el)
{
    if (!el)
        return NULL;
    xmlChar *raw = xmlNodeGetContent(el);
    if (!raw)
        return NULL;
    const char *s = (const char *)raw;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
                     s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *out = NULL;
    if (n > 0) {
        out = qs_xmalloc(n + 1);
        memcpy(out, s, n);
        out[n] = '\0';
    }
    xmlFree(raw);
    return out;
}

/* An attribute's value (xmlFree it), or NULL. */
static char *attr_of(const xmlNode *el, const char *name)
{
    return el ? (char *)xmlGetProp(el, BAD_CAST name) : NULL;
}

static void report(const checker *c, const xmlNode *at, qs_severity sev,
                   const char *rule, const char *fmt, ...) QS_PRINTF(5, 6);
static void report(const checker *c, const xmlNode *at, qs_severity sev,
                   const char *rule, const char *fmt, ...)
{
    qs_origin where = {0};
    bool known = qs_tree_origin_of(at ? at : c->quote, &where);
    unsigned col = where.col ? where.col : 1;
    va_list ap;
    va_start(ap, fmt);
    qs_diag_vadd(c->d, sev, where.file, where.line, known ? col : 0, rule, fmt, ap);
    va_end(ap);
}

/* ---- the checks ---- */

static void check_validity_order(const checker *c)
{
    xmlNode *date_el = child(c->quote, "date");
    xmlNode *until_el = child(c->quote, "valid-until");
    char *date = text_of(date_el), *until = text_of(until_el);
    if (qs_date_is_valid(date) && qs_date_is_valid(until) && strcmp(until, date) <= 0)
        report(c, until_el, QS_SEV_ERROR, "validity-order",
               "valid-until %s is not after the quote date %s", until, date);
    free(date);
    free(until);
}

/* A final quote can be posted: the customer's name, street, postal code
 * and city. The country may be left out (SPEC 2.3: no customer country,
 * the lines' own rates; a domestic address names none). */
static void check_customer_address(const checker *c)
{
    char *status = attr_of(c->quote, "status");
    bool draft = status && strcmp(status, "draft") == 0;
    xmlFree(status);
    if (draft)
        return;

    static const char *const fields[] = {"street", "postal-code", "city"};
    xmlNode *customer = child(c->quote, "customer");
    xmlNode *address = child(customer, "address");
    char missing[128] = "";
    char *name = text_of(child(customer, "name"));
    if (!name)
        strcat(missing, ", name");
    free(name);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char *v = text_of(child(address, fields[i]));
        if (!v) {
            strcat(missing, ", ");
            strcat(missing, fields[i]);
        }
        free(v);
    }
    if (missing[0])
        report(c, customer, QS_SEV_ERROR, "customer-address",
               "a final quote needs the customer's name and address; "
               "missing: %s", missing + 2);
}

/* Whether below n is a line; with `priced`, one that counts in the totals
 * (not optional). */
static bool has_line(const xmlNode *n, bool priced)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(c->name, BAD_CAST "line")) {
            char *optional = attr_of(c, "optional");
            bool counts = !priced || !optional || strcmp(optional, "true") != 0;
            xmlFree(optional);
            if (counts)
                return true;
        } else if (has_line(c, priced)) {
            return true;
        }
    }
    return false;
}

/* A quote offers something: a line at all (the UBL quotation needs one),
 * and in a final quote one that is not optional (else the proposal would
 * offer nothing at 0.00). */
static void check_has_lines(const checker *c)
{
    char *status = attr_of(c->quote, "status");
    bool draft = status && strcmp(status, "draft") == 0;
    xmlFree(status);
    if (!has_line(c->quote, false))
        report(c, c->quote, QS_SEV_ERROR, "empty-quote", "the quote has no line");
    else if (!draft && !has_line(c->quote, true))
        report(c, c->quote, QS_SEV_ERROR, "empty-quote",
               "a final quote needs at least one line that is not optional");
}

static void check_pricelist_validity(const checker *c)
{
    xmlNode *until_el = child(c->quote, "valid-until");
    char *until = text_of(until_el);
    if (!qs_date_is_valid(until)) {
        free(until);
        return;
    }
    for (xmlNode *p = c->quote->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(p->name, BAD_CAST "pricelist"))
            continue;
        char *list_until = attr_of(p, "valid-until");
        if (qs_date_is_valid(list_until) && strcmp(until, list_until) > 0) {
            char *id = attr_of(p, "id");
            char *file = attr_of(p, "file");
            report(c, until_el, QS_SEV_ERROR, "validity-beyond-pricelist",
                   "the quote is valid until %s, but price list %s%s%s%s "
                   "is valid only until %s",
                   until, id ? id : "(no id)", file ? " (" : "",
                   file ? file : "", file ? ")" : "", list_until);
            xmlFree(id);
            xmlFree(file);
        }
        xmlFree(list_until);
    }
    free(until);
}

static const char *const incoterms[] = {"EXW", "FCA", "CPT", "CIP",
                                        "DAP", "DPU", "DDP", "FAS",
                                        "FOB", "CFR", "CIF"};

/* Codes of earlier Incoterms editions and what replaced them. */
static const struct {
    const char *old, *hint;
} retired[] = {
    {"DAT", "DAT became DPU in Incoterms 2020"},
    {"DAF", "DAF was replaced by DAP in Incoterms 2010"},
    {"DES", "DES was replaced by DAP in Incoterms 2010"},
    {"DDU", "DDU was replaced by DAP in Incoterms 2010"},
    {"DEQ", "DEQ was replaced by DAT in 2010, now DPU"},
};

/* The sea-only codes and their any-mode counterparts. */
static const struct {
    const char *sea, *any;
} sea_only[] = {
    {"FAS", "FCA"}, {"FOB", "FCA"}, {"CFR", "CPT"}, {"CIF", "CIP"},
};

static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
        if (x != *b)
            return false;
    }
    return *a == *b;
}

static void check_incoterm(const checker *c)
{
    xmlNode *delivery = child(c->quote, "delivery");
    char *code = attr_of(delivery, "incoterm");
    if (!code)
        return;
    const char *known = NULL, *hint = NULL;
    for (size_t i = 0; i < sizeof incoterms / sizeof incoterms[0]; i++) {
        if (strcmp(code, incoterms[i]) == 0)
            known = incoterms[i];
        else if (same_ignoring_case(code, incoterms[i]))
            hint = incoterms[i];
    }
    if (!known) {
        const char *retired_hint = NULL;
        for (size_t i = 0; i < sizeof retired / sizeof retired[0]; i++)
            if (same_ignoring_case(code, retired[i].old))
                retired_hint = retired[i].hint;
        if (hint)
            report(c, delivery, QS_SEV_ERROR, "incoterm",
                   "unknown Incoterms 2020 code '%s'; did you mean '%s'?",
                   code, hint);
        else if (retired_hint)
            report(c, delivery, QS_SEV_ERROR, "incoterm",
                   "unknown Incoterms 2020 code '%s' (%s)", code,
                   retired_hint);
        else
            report(c, delivery, QS_SEV_ERROR, "incoterm",
                   "unknown Incoterms 2020 code '%s' (known: EXW, FCA, "
                   "CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF)", code);
        xmlFree(code);
        return;
    }

    char *place = attr_of(delivery, "place");
    bool blank = true;
    for (const char *p = place ? place : ""; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            blank = false;
    if (blank)
        report(c, delivery, QS_SEV_ERROR, "incoterm-place",
               "Incoterm %s needs a named place (place=\"...\")", known);
    xmlFree(place);

    char *by_sea = attr_of(delivery, "by-sea");
    bool sea = by_sea && strcmp(by_sea, "true") == 0;
    xmlFree(by_sea);
    for (size_t i = 0; i < sizeof sea_only / sizeof sea_only[0]; i++)
        if (!sea && strcmp(known, sea_only[i].sea) == 0)
            report(c, delivery, QS_SEV_WARNING, "incoterm-sea",
                   "Incoterm %s is for sea and inland waterway transport "
                   "only: mark the delivery by-sea=\"true\", or use %s",
                   known, sea_only[i].any);
    xmlFree(code);
}

/* A decimal attribute, or false when absent or malformed. */
static bool decimal_attr(const xmlNode *el, const char *name, qs_decimal *v,
                         char **text)
{
    *text = attr_of(el, name);
    return *text && qs_decimal_parse(*text, v) == QS_DEC_OK;
}

static void check_payment_terms(const checker *c)
{
    xmlNode *terms = child(c->quote, "payment-terms");
    if (!terms)
        return;
    qs_decimal days, ddays, dpercent;
    char *days_s, *ddays_s, *dpercent_s;
    bool has_days = decimal_attr(terms, "days", &days, &days_s);
    bool has_ddays = decimal_attr(terms, "discount-days", &ddays, &ddays_s);
    bool has_dpercent =
        decimal_attr(terms, "discount-percent", &dpercent, &dpercent_s);

    if (dpercent_s && !ddays_s)
        report(c, terms, QS_SEV_ERROR, "payment-terms",
               "a cash discount of %s %% needs discount-days (the period "
               "in which it applies)", dpercent_s);
    else if (ddays_s && !dpercent_s)
        report(c, terms, QS_SEV_ERROR, "payment-terms",
               "discount-days=\"%s\" without a discount-percent",
               ddays_s);
    if (has_days && has_ddays && has_dpercent && ddays >= days)
        report(c, terms, QS_SEV_ERROR, "payment-terms",
               "the cash discount period of %s days must be shorter than "
               "the payment period of %s days", ddays_s, days_s);
    xmlFree(days_s);
    xmlFree(ddays_s);
    xmlFree(dpercent_s);
}

void qs_checks_run(xmlDoc *tree, qs_diags *d)
{
    xmlNode *quote = tree ? xmlDocGetRootElement(tree) : NULL;
    if (!quote || !xmlStrEqual(quote->name, BAD_CAST "quote"))
        return;
    checker c = {quote, d};
    check_validity_order(&c);
    check_customer_address(&c);
    check_has_lines(&c);
    check_pricelist_validity(&c);
    check_incoterm(&c);
    check_payment_terms(&c);
}
