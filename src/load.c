/* load: reads a quote and everything it references (price lists,
 * departments, rules) into the qs_quote model, checking every value the
 * schemas cannot: decimals, dates, currencies, validity, SKUs, tax ids,
 * duplicates and overrides. Every problem is reported, not only the first. */
#include "quote.h"
#include "input.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"
#include "values.h"

typedef struct {
    qs_quote *q;
    qs_diags *d;
    bool ok;
    /* Every price list loaded; otherwise SKUs and tax ids are not checked,
     * since a broken list would make every line look unknown. */
    bool lists_complete;
    /* Allocated sizes of the model's growing arrays. */
    size_t rates_cap, products_cap, lines_cap, departments_cap, rules_cap;
} loader;

/* ---- small helpers ---- */

static void report(loader *L, qs_severity sev, const qs_input *src,
                   const xmlNode *node, const char *attr, const char *rule,
                   const char *fmt, ...) QS_PRINTF(7, 8);

static void report(loader *L, qs_severity sev, const qs_input *src,
                   const xmlNode *node, const char *attr, const char *rule,
                   const char *fmt, ...)
{
    unsigned line = 0, col = 0;
    if (node)
        qs_input_locate(src, node, attr, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    qs_diag_vadd(L->d, sev, src->path, line, col, rule, fmt, ap);
    va_end(ap);
    if (sev == QS_SEV_ERROR)
        L->ok = false;
}

static const char *attr(loader *L, const xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = qs_arena_strdup(&L->q->arena, (const char *)v);
    xmlFree(v);
    return s;
}

static const char *text_of(loader *L, const xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *s = qs_arena_strdup(&L->q->arena, v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static qs_origin origin_of(const qs_input *src, const xmlNode *node, const char *attr)
{
    qs_origin at = {src->path, 0, 0};
    qs_input_locate(src, node, attr, &at.line, &at.col);
    return at;
}

/* A decimal value (values.h); a bad one fails the load. */
static bool decimal_value(loader *L, const qs_input *src, const xmlNode *node,
                          const char *attr_name, const char *text,
                          qs_decimal *out, qs_decimal max, bool positive)
{
    bool ok = qs_value_decimal(src, node, attr_name, text, max, positive, out, L->d);
    L->ok &= ok;
    return ok;
}

static const qs_decimal HUNDRED_PERCENT = 100 * QS_DECIMAL_SCALE;

/* A date value (values.h), or NULL when it is missing or bad. */
static const char *date_value(loader *L, const qs_input *src, const xmlNode *node,
                              const char *attr_name, const char *text)
{
    if (!text)
        return NULL;
    if (!qs_value_date(src, node, attr_name, text, L->d)) {
        L->ok = false;
        return NULL;
    }
    return text;
}

/* ---- price lists ---- */

static int compare_tiers(const void *a, const void *b)
{
    const qs_tier *x = a, *y = b;
    return (x->min_qty > y->min_qty) - (x->min_qty < y->min_qty);
}

static void load_tax_rates(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (!qs_xml_is(n, "tax-rate"))
            continue;
        qs_tax_rate rate = {attr(L, n, "id"), attr(L, n, "percent"), 0, src, n};
        /* A bad percent fails the load but keeps the rate known, so its
         * products do not draw "unknown tax rate" as well. */
        bool valid = decimal_value(L, src, n, "percent", rate.percent_text, &rate.percent,
                                   HUNDRED_PERCENT, false);
        const qs_tax_rate *seen = qs_quote_get_tax_rate(q, rate.id);
        if (valid && seen && seen->percent != rate.percent) {
            report(L, QS_SEV_ERROR, src, n, "percent", "tax-rate-conflict",
                   "tax rate '%s' is %s %% here but %s %% in %s:%ld", rate.id,
                   rate.percent_text, seen->percent_text, seen->src->path,
                   xmlGetLineNo(seen->node));
            continue;
        }
        if (seen)
            continue;
        q->rates = qs_xgrow(q->rates, &L->rates_cap, q->nrates + 1, sizeof *q->rates);
        q->rates[q->nrates++] = rate;
    }
}

static qs_product *load_product(loader *L, qs_pricelist *list, const xmlNode *n,
                                bool list_graduated)
{
    const qs_input *src = list->src;
    qs_product *p = qs_arena_alloc(&L->q->arena, sizeof *p);
    p->sku = attr(L, n, "sku");
    p->unit = attr(L, n, "unit");
    p->tax = attr(L, n, "tax");
    p->list = list;
    p->node = n;
    const char *mode = attr(L, n, "tier-mode");
    p->graduated = mode ? strcmp(mode, "graduated") == 0 : list_graduated;

    p->price_node = qs_xml_child(n, "price");
    p->price_text = text_of(L, p->price_node);
    decimal_value(L, src, p->price_node, NULL, p->price_text, &p->price, -1, false);
    const xmlNode *cost = qs_xml_child(n, "cost");
    if (cost) {
        p->has_cost = true;
        p->cost_text = text_of(L, cost);
        decimal_value(L, src, cost, NULL, p->cost_text, &p->cost, -1, false);
    }
    size_t ntiers = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        ntiers += qs_xml_is(c, "tier");
    p->tiers = qs_arena_array(&L->q->arena, ntiers, sizeof *p->tiers);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!qs_xml_is(c, "tier"))
            continue;
        qs_tier *t = &p->tiers[p->ntiers];
        t->node = c;
        t->price_text = attr(L, c, "price");
        bool tier_ok = decimal_value(L, src, c, "min-qty", attr(L, c, "min-qty"),
                                     &t->min_qty, -1, true);
        tier_ok &= decimal_value(L, src, c, "price", t->price_text, &t->price, -1, false);
        if (!tier_ok)
            continue;
        for (size_t i = 0; i < p->ntiers; i++) {
            if (p->tiers[i].min_qty == t->min_qty) {
                report(L, QS_SEV_ERROR, src, c, "min-qty", "duplicate-tier",
                       "product '%s' has two tiers with min-qty %s", p->sku,
                       attr(L, c, "min-qty"));
            }
        }
        p->ntiers++;
    }
    qsort(p->tiers, p->ntiers, sizeof *p->tiers, compare_tiers);
    if (p->tax && !qs_quote_get_tax_rate(L->q, p->tax))
        report(L, QS_SEV_ERROR, src, n, "tax", "unknown-tax",
               "product '%s' names tax rate '%s', which no price list defines",
               p->sku, p->tax);
    /* A product with a bad value was reported (the load fails) but stays
     * known, so its lines do not draw "unknown SKU" as well. */
    return p;
}

static int compare_products(const void *a, const void *b)
{
    const qs_product *x = *(qs_product *const *)a, *y = *(qs_product *const *)b;
    return strcmp(x->sku, y->sku);
}

static bool list_overrides(const qs_pricelist *a, const qs_pricelist *b)
{
    return a->overrides && strcmp(a->overrides, b->id) == 0;
}

/* Sorts the products by SKU and resolves SKUs that two lists define: an
 * error unless one list overrides the other, whose product then wins. */
static void resolve_duplicate_skus(loader *L)
{
    qs_quote *q = L->q;
    if (q->nproducts == 0)
        return;
    qsort(q->products, q->nproducts, sizeof *q->products, compare_products);
    size_t out = 0;
    for (size_t i = 0; i < q->nproducts; i++) {
        qs_product *p = q->products[i];
        qs_product *prev = out ? q->products[out - 1] : NULL;
        if (!prev || strcmp(prev->sku, p->sku) != 0) {
            q->products[out++] = p;
            continue;
        }
        if (prev->list != p->list && list_overrides(p->list, prev->list)) {
            q->products[out - 1] = p;
            continue;
        }
        if (prev->list != p->list && list_overrides(prev->list, p->list))
            continue;
        report(L, QS_SEV_ERROR, p->list->src, p->node, "sku", "duplicate-sku",
               "SKU '%s' is already defined at %s:%ld%s", p->sku,
               prev->list->src->path, xmlGetLineNo(prev->node),
               prev->list == p->list ? ""
                                     : " (declare overrides=\"ID\" on one price list)");
    }
    q->nproducts = out;
}

static void check_pricelist_header(loader *L, qs_pricelist *list, const xmlNode *root)
{
    qs_quote *q = L->q;
    const qs_input *src = list->src;
    const char *currency = attr(L, root, "currency");
    if (q->currency && strcmp(currency, q->currency) != 0)
        report(L, QS_SEV_ERROR, src, root, "currency", "currency-mismatch",
               "price list '%s' is in %s, but the quote is in %s "
               "(version 1 converts no currencies)", list->id, currency, q->currency);
    else if (!q->currency && qs_currency_minor_digits(currency) < 0)
        report(L, QS_SEV_ERROR, src, root, "currency", "unknown-currency",
               "unknown currency '%s' (expected an ISO 4217 code such as EUR)", currency);
    list->valid_from = date_value(L, src, root, "valid-from", attr(L, root, "valid-from"));
    list->valid_until = date_value(L, src, root, "valid-until", attr(L, root, "valid-until"));
    if (!list->valid_from || !list->valid_until)
        return;
    if (strcmp(list->valid_until, list->valid_from) < 0)
        report(L, QS_SEV_ERROR, src, root, "valid-until", "validity-order",
               "valid-until %s is before valid-from %s", list->valid_until,
               list->valid_from);
    if (!q->date)
        return;
    if (strcmp(q->date, list->valid_from) < 0 || strcmp(q->date, list->valid_until) > 0)
        report(L, QS_SEV_ERROR, src, root, "valid-from", "pricelist-validity",
               "price list '%s' is valid from %s until %s, which does not cover "
               "the quote date %s", list->id, list->valid_from, list->valid_until,
               q->date);
}

/* Adds the price list `src` (its tax rates already loaded) as the next of
 * q->lists, checking its header and loading its products. */
static void load_pricelist(loader *L, const qs_input *src, const xmlNode *href)
{
    qs_quote *q = L->q;
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    qs_pricelist *list = &q->lists[q->nlists++];
    list->id = attr(L, root, "id");
    list->overrides = attr(L, root, "overrides");
    list->src = src;
    list->href_node = href;
    for (size_t j = 0; j + 1 < q->nlists; j++)
        if (strcmp(q->lists[j].id, list->id) == 0)
            report(L, QS_SEV_ERROR, list->src, root, "id", "duplicate-pricelist",
                   "price list id '%s' is also used by %s", list->id,
                   q->lists[j].src->path);
    check_pricelist_header(L, list, root);
    const char *mode = attr(L, root, "tier-mode");
    bool graduated = mode && strcmp(mode, "graduated") == 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "product"))
            continue;
        qs_product *p = load_product(L, list, c, graduated);
        q->products = qs_xgrow(q->products, &L->products_cap, q->nproducts + 1,
                               sizeof *q->products);
        q->products[q->nproducts++] = p;
    }
}

static void load_pricelists(loader *L, const xmlNode *quote_root)
{
    qs_quote *q = L->q;
    size_t n = 0;
    for (const xmlNode *c = quote_root->children; c; c = c->next)
        n += qs_xml_is(c, "pricelist");
    q->lists = qs_arena_array(&q->arena, n, sizeof *q->lists);

    /* Tax rates first, so products of any list can name any rate. */
    const qs_input **srcs = qs_arena_array(&q->arena, n, sizeof *srcs);
    const xmlNode **hrefs = qs_arena_array(&q->arena, n, sizeof *hrefs);
    size_t loaded = 0;
    for (const xmlNode *c = quote_root->children; c; c = c->next) {
        if (!qs_xml_is(c, "pricelist"))
            continue;
        qs_origin at = origin_of(q->src, c, "href");
        char *path = NULL;
        qs_input *src = NULL;
        if (qs_input_resolve(q->in, q->src->path, attr(L, c, "href"), &at, &path, L->d))
            src = qs_input_load_xml(q->in, path, QS_FORMAT_PRICELIST, &at, L->d);
        free(path);
        if (!src) {
            L->ok = false;
            L->lists_complete = false;
            continue;
        }
        for (size_t i = 0; i < loaded; i++) {
            if (srcs[i] == src) {
                report(L, QS_SEV_ERROR, q->src, c, "href", "duplicate-pricelist",
                       "this price list is already referenced at line %ld",
                       xmlGetLineNo(hrefs[i]));
                src = NULL;
                break;
            }
        }
        if (!src)
            continue;
        srcs[loaded] = src;
        hrefs[loaded++] = c;
        load_tax_rates(L, src, xmlDocGetRootElement(src->doc));
    }

    for (size_t i = 0; i < loaded; i++)
        load_pricelist(L, srcs[i], hrefs[i]);
    for (size_t i = 0; i < q->nlists; i++) {
        const qs_pricelist *list = &q->lists[i];
        if (!list->overrides)
            continue;
        bool found = false;
        for (size_t j = 0; j < q->nlists; j++)
            found |= strcmp(q->lists[j].id, list->overrides) == 0;
        if (!found)
            report(L, QS_SEV_ERROR, list->src, xmlDocGetRootElement(list->src->doc),
                   "overrides", "unknown-pricelist",
                   "price list '%s' overrides '%s', which this quote does not use",
                   list->id, list->overrides);
    }
    resolve_duplicate_skus(L);
}

/* ---- departments ---- */

static void load_item(loader *L, const qs_input *src, const xmlNode *item)
{
    qs_quote *q = L->q;
    qs_line line = {0};
    line.item = item;
    line.src = src;
    const char *sku = attr(L, item, "sku");
    line.qty_text = attr(L, item, "qty");
    bool ok = decimal_value(L, src, item, "qty", line.qty_text, &line.qty, -1, true);
    line.discount_text = attr(L, item, "discount-percent");
    if (line.discount_text) {
        line.has_discount = true;
        ok &= decimal_value(L, src, item, "discount-percent", line.discount_text,
                            &line.discount, HUNDRED_PERCENT, false);
    }
    line.reason = attr(L, item, "reason");
    const char *optional = attr(L, item, "optional");
    line.optional = optional && strcmp(optional, "true") == 0;

    const char *tax = attr(L, item, "tax");
    line.custom_price_text = attr(L, item, "price");
    if (line.custom_price_text) {
        ok &= decimal_value(L, src, item, "price", line.custom_price_text,
                            &line.custom_price, -1, false);
        if (!qs_xml_child(item, "name")) {
            report(L, QS_SEV_ERROR, src, item, NULL, "custom-line",
                   "custom line '%s' has a price but no <name>", sku);
            ok = false;
        }
        if (!tax) {
            report(L, QS_SEV_ERROR, src, item, NULL, "custom-line",
                   "custom line '%s' has a price but no tax attribute", sku);
            ok = false;
        }
    } else if (L->lists_complete) {
        line.product = qs_quote_get_product(q, sku);
        if (!line.product) {
            char shown[QS_ECHO_SIZE];
            report(L, QS_SEV_ERROR, src, item, "sku", "unknown-sku",
                   "unknown SKU '%s'", qs_diag_echo(shown, sku));
            ok = false;
        } else if (!tax) {
            tax = line.product->tax;
        }
    }
    if (tax && L->lists_complete) {
        line.tax = qs_quote_get_tax_rate(q, tax);
        if (!line.tax) {
            report(L, QS_SEV_ERROR, src, item, "tax", "unknown-tax",
                   "unknown tax rate '%s'", tax);
            ok = false;
        }
    }
    if (!ok)
        return;
    q->lines = qs_xgrow(q->lines, &L->lines_cap, q->nlines + 1, sizeof *q->lines);
    line.pos = (unsigned)q->nlines + 1;
    q->lines[q->nlines++] = line;
}

static void load_department(loader *L, const xmlNode *ref)
{
    qs_quote *q = L->q;
    qs_origin at = origin_of(q->src, ref, "href");
    const char *name = attr(L, ref, "name");
    char *path = NULL;
    qs_input *src = NULL;
    if (qs_input_resolve(q->in, q->src->path, attr(L, ref, "href"), &at, &path, L->d))
        src = qs_input_load_xml(q->in, path, QS_FORMAT_DEPARTMENT, &at, L->d);
    free(path);
    if (!src) {
        L->ok = false;
        return;
    }
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    const char *own = attr(L, root, "name");
    if (strcmp(own, name) != 0)
        report(L, QS_SEV_ERROR, src, root, "name", "department-name-mismatch",
               "department is named '%s', but %s:%u references it as '%s'",
               own, q->src->path, at.line, name);
    q->departments = qs_xgrow(q->departments, &L->departments_cap,
                              q->ndepartments + 1, sizeof *q->departments);
    q->departments[q->ndepartments++] = (qs_department){name, ref, src};
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (qs_xml_is(c, "item"))
            load_item(L, src, c);
        else if (qs_xml_is(c, "group"))
            for (const xmlNode *i = c->children; i; i = i->next)
                if (qs_xml_is(i, "item"))
                    load_item(L, src, i);
    }
}

/* ---- the quote ---- */

static void load_quote_header(loader *L, const xmlNode *root)
{
    qs_quote *q = L->q;
    const qs_input *src = q->src;
    q->id = attr(L, root, "id");
    q->id_at = origin_of(src, root, "id");
    q->lang = attr(L, root, "lang");
    q->status = attr(L, root, "status");
    q->draft = strcmp(q->status, "draft") == 0;
    q->currency = attr(L, root, "currency");
    q->minor_digits = qs_currency_minor_digits(q->currency);
    if (q->minor_digits < 0)
        report(L, QS_SEV_ERROR, src, root, "currency", "unknown-currency",
               "unknown currency '%s' (expected an ISO 4217 code such as EUR)",
               q->currency);
    const xmlNode *date = qs_xml_child(root, "date");
    q->date = date_value(L, src, date, NULL, text_of(L, date));
    const xmlNode *until = qs_xml_child(root, "valid-until");
    if (until)
        q->valid_until = date_value(L, src, until, NULL, text_of(L, until));
    const xmlNode *discount = qs_xml_child(root, "discount");
    if (discount) {
        q->discount_node = discount;
        q->discount_text = attr(L, discount, "percent");
        q->has_discount = decimal_value(L, src, discount, "percent", q->discount_text,
                                        &q->discount, HUNDRED_PERCENT, false);
    }
    const xmlNode *tpl = qs_xml_child(root, "template");
    if (tpl) {
        q->template_at = origin_of(src, tpl, "href");
        if (!qs_input_resolve(q->in, src->path, attr(L, tpl, "href"), &q->template_at,
                              &q->template_path, L->d))
            L->ok = false;
    }
}

static void load_rules(loader *L, const xmlNode *root)
{
    qs_quote *q = L->q;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "rules"))
            continue;
        qs_origin at = origin_of(q->src, c, "href");
        char *path = NULL;
        qs_input *src = NULL;
        if (qs_input_resolve(q->in, q->src->path, attr(L, c, "href"), &at, &path, L->d))
            src = qs_input_load_xml(q->in, path, QS_FORMAT_RULES, &at, L->d);
        free(path);
        if (!src) {
            L->ok = false;
            continue;
        }
        q->rules = qs_xgrow(q->rules, &L->rules_cap, q->nrules + 1, sizeof *q->rules);
        q->rules[q->nrules++] = src;
    }
}

bool qs_quote_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d)
{
    memset(q, 0, sizeof *q);
    qs_arena_init(&q->arena);
    q->in = in;
    q->src = qs_input_load_xml(in, path, QS_FORMAT_QUOTE, NULL, d);
    if (!q->src)
        return false;
    loader L = {.q = q, .d = d, .ok = true, .lists_complete = true};
    const xmlNode *root = xmlDocGetRootElement(q->src->doc);
    load_quote_header(&L, root);
    load_pricelists(&L, root);
    for (const xmlNode *c = root->children; c; c = c->next)
        if (qs_xml_is(c, "department"))
            load_department(&L, c);
    load_rules(&L, root);
    if (!L.ok)
        return false;
    return qs_quote_merge(q, d);
}

bool qs_pricelist_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d)
{
    memset(q, 0, sizeof *q);
    qs_arena_init(&q->arena);
    q->in = in;
    qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_PRICELIST, NULL, d);
    if (!src)
        return false;
    loader L = {.q = q, .d = d, .ok = true, .lists_complete = true};
    q->lists = qs_arena_array(&q->arena, 1, sizeof *q->lists);
    load_tax_rates(&L, src, xmlDocGetRootElement(src->doc));
    load_pricelist(&L, src, NULL);
    resolve_duplicate_skus(&L);
    return L.ok;
}

void qs_quote_free(qs_quote *q)
{
    free(q->products);
    free(q->rates);
    free(q->lines);
    free(q->departments);
    free(q->rules);
    free(q->template_path);
    xmlFreeDoc(q->tree);
    qs_arena_free(&q->arena);
    memset(q, 0, sizeof *q);
}

const qs_product *qs_quote_get_product(const qs_quote *q, const char *sku)
{
    size_t lo = 0, hi = q->nproducts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(q->products[mid]->sku, sku);
        if (c == 0)
            return q->products[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const qs_tax_rate *qs_quote_get_tax_rate(const qs_quote *q, const char *id)
{
    for (size_t i = 0; i < q->nrates; i++)
        if (strcmp(q->rates[i].id, id) == 0)
            return &q->rates[i];
    return NULL;
}
