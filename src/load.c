/* load: reads a quote and everything it references (price lists,
 * departments, rules) into the typed qs_quote model, checking every value
 * the schemas cannot: decimals, dates, currencies, validity, SKUs, tax ids,
 * duplicates and overrides. Every problem is reported, not only the first.
 * Nothing in the model points into an input document: positions become
 * qs_origin values, and the elements the merged tree shows verbatim are
 * copied into q->fragments. */
#include "load.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"
#include "image.h"
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
    /* The documents read, freed when loading ends. */
    qs_input **docs;
    size_t ndocs, docs_cap;
    /* Containers in q->fragments: the quote's elements, the departments'. */
    xmlNode *quote_fragments, *department_fragments;
    /* Unknown SKUs given a suggestion so far (at most SUGGESTIONS_MAX). */
    size_t suggestions;
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

/* The text of `node` with white space collapsed; NULL when `node` is NULL
 * or the text is empty. */
static const char *collapsed(loader *L, const xmlNode *node)
{
    if (!node)
        return NULL;
    char *s = qs_xml_collapse_space((char *)text_of(L, node));
    return *s ? s : NULL;
}

static const char *child_text(loader *L, const xmlNode *parent, const char *name)
{
    return collapsed(L, qs_xml_child(parent, name));
}

static qs_origin origin_of(const qs_input *src, const xmlNode *node, const char *attr)
{
    qs_origin at = {src->path, 0, 0};
    qs_input_locate(src, node, attr, &at.line, &at.col);
    return at;
}

/* Remembers a document read, to free it when loading ends. */
static void keep_document(loader *L, qs_input *src)
{
    for (size_t i = 0; i < L->ndocs; i++)
        if (L->docs[i] == src)
            return;
    L->docs = qs_xgrow(L->docs, &L->docs_cap, L->ndocs + 1, sizeof *L->docs);
    L->docs[L->ndocs++] = src;
}

/* A decimal value (values.h) as written; a bad one fails the load. */
static bool written_value(loader *L, const qs_input *src, const xmlNode *node,
                          const char *attr_name, const char *text,
                          qs_written *out, qs_decimal max, bool positive)
{
    out->text = text;
    bool ok = qs_value_decimal(src, node, attr_name, text, max, positive, &out->value, L->d);
    L->ok &= ok;
    return ok;
}

static const qs_decimal HUNDRED_PERCENT = 100 * QS_DECIMAL_SCALE;

/* A date value (values.h); false when it is missing or bad. */
static bool date_value(loader *L, const qs_input *src, const xmlNode *node,
                       const char *attr_name, const char *text, qs_date *out)
{
    if (!text)
        return false;
    if (!qs_value_date(src, node, attr_name, text, out, L->d)) {
        L->ok = false;
        return false;
    }
    return true;
}

/* Gives every element of `copy` (a deep copy of `orig`) the source
 * position of its original, as a qs_origin in the arena in _private. */
static void set_origins(loader *L, const qs_input *src, xmlNode *copy, const xmlNode *orig)
{
    for (; copy && orig; copy = copy->next, orig = orig->next) {
        if (copy->type != XML_ELEMENT_NODE)
            continue;
        qs_origin *at = qs_arena_alloc(&L->q->arena, sizeof *at);
        *at = origin_of(src, orig, NULL);
        copy->_private = at;
        set_origins(L, src, copy->children, orig->children);
    }
}

/* Copies the element `n` of `src` into q->fragments under `container`;
 * returns the copy, or NULL when memory ran out (the load fails). */
static const xmlNode *copy_fragment(loader *L, const qs_input *src, const xmlNode *n,
                                    xmlNode *container)
{
    xmlNode *copy = container ? xmlDocCopyNode((xmlNode *)n, L->q->fragments, 1) : NULL;
    if (copy && !xmlAddChild(container, copy)) {
        xmlFreeNode(copy);
        copy = NULL;
    }
    if (!copy) {
        qs_diag_add(L->d, QS_SEV_ERROR, src->path, 0, 0, "internal",
                    "out of memory while copying the input");
        qs_diags_set_internal_failed(L->d);
        L->ok = false;
        return NULL;
    }
    xmlNode *next = copy->next; /* set_origins walks siblings: stop at copy */
    copy->next = NULL;
    set_origins(L, src, copy, n);
    copy->next = next;
    return copy;
}

/* The <name> or <description> elements of `parent`, in document order. */
static qs_localized *load_localized(loader *L, const qs_input *src, const xmlNode *parent,
                                    const char *element, size_t *n)
{
    *n = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        *n += qs_xml_is(c, element);
    qs_localized *all = qs_arena_array(&L->q->arena, *n, sizeof *all);
    size_t i = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (qs_xml_is(c, element))
            all[i++] = (qs_localized){attr(L, c, "lang"), text_of(L, c), origin_of(src, c, NULL)};
    return all;
}

/* ---- price lists ---- */

static int compare_tiers(const void *a, const void *b)
{
    const qs_tier *x = a, *y = b;
    return (x->min_qty.value > y->min_qty.value) - (x->min_qty.value < y->min_qty.value);
}

/* A rate's category="E" (SPEC 2.3): exempt, at 0 %, with the reason the
 * PDF and UBL print; exemption-reason belongs to exempt rates only. */
static void load_exempt_rate(loader *L, const qs_input *src, const xmlNode *n,
                             qs_tax_rate *rate, bool percent_valid)
{
    const char *category = attr(L, n, "category");
    if (category && strcmp(category, "E") == 0)
        rate->category = QS_TAX_E;
    char id[QS_ECHO_SIZE];
    qs_diag_echo(id, rate->id);
    if (rate->category != QS_TAX_E) {
        if (rate->exemption_reason)
            report(L, QS_SEV_ERROR, src, n, "exemption-reason", "exempt-rate",
                   "tax rate '%s' has an exemption-reason but is not exempt "
                   "(add category=\"E\")", id);
        return;
    }
    if (percent_valid && rate->percent.value != 0)
        report(L, QS_SEV_ERROR, src, n, "percent", "exempt-rate",
               "exempt tax rate '%s' must be 0 %%, not %s %%", id, rate->percent.text);
    if (!rate->exemption_reason)
        report(L, QS_SEV_ERROR, src, n, NULL, "exempt-rate",
               "exempt tax rate '%s' needs an exemption-reason (it is printed on the quote)",
               id);
}

static void load_tax_rates(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (!qs_xml_is(n, "tax-rate"))
            continue;
        qs_tax_rate rate = {.id = attr(L, n, "id"), .category = QS_TAX_S,
                            .exemption_reason = attr(L, n, "exemption-reason"),
                            .at = origin_of(src, n, NULL)};
        /* A bad percent fails the load but keeps the rate known, so its
         * products do not draw "unknown tax rate" as well. */
        bool valid = written_value(L, src, n, "percent", attr(L, n, "percent"), &rate.percent,
                                   HUNDRED_PERCENT, false);
        load_exempt_rate(L, src, n, &rate, valid);
        const qs_tax_rate *seen = qs_quote_get_tax_rate(q, rate.id);
        if (valid && seen && (seen->percent.value != rate.percent.value ||
                              seen->category != rate.category)) {
            report(L, QS_SEV_ERROR, src, n, "percent", "tax-rate-conflict",
                   "tax rate '%s' is %s %%%s here but %s %%%s in %s:%u", rate.id,
                   rate.percent.text, rate.category == QS_TAX_E ? " exempt" : "",
                   seen->percent.text, seen->category == QS_TAX_E ? " exempt" : "",
                   seen->at.file, seen->at.line);
            continue;
        }
        if (seen)
            continue;
        q->rates = qs_xgrow(q->rates, &L->rates_cap, q->nrates + 1, sizeof *q->rates);
        q->rates[q->nrates++] = rate;
    }
}

static void load_tiers(loader *L, const qs_input *src, qs_product *p, const xmlNode *n)
{
    size_t ntiers = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        ntiers += qs_xml_is(c, "tier");
    p->tiers = qs_arena_array(&L->q->arena, ntiers, sizeof *p->tiers);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!qs_xml_is(c, "tier"))
            continue;
        qs_tier *t = &p->tiers[p->ntiers];
        t->at = origin_of(src, c, NULL);
        bool tier_ok = written_value(L, src, c, "min-qty", attr(L, c, "min-qty"),
                                     &t->min_qty, -1, true);
        tier_ok &= written_value(L, src, c, "price", attr(L, c, "price"), &t->price, -1, false);
        if (!tier_ok)
            continue;
        for (size_t i = 0; i < p->ntiers; i++) {
            if (p->tiers[i].min_qty.value == t->min_qty.value) {
                report(L, QS_SEV_ERROR, src, c, "min-qty", "duplicate-tier",
                       "product '%s' has two tiers with min-qty %s", p->sku,
                       t->min_qty.text);
            }
        }
        p->ntiers++;
    }
    qsort(p->tiers, p->ntiers, sizeof *p->tiers, compare_tiers);
}

/* The href of `parent`'s child `element` (a product's <image>,
 * <datasheet>) and where it is written, or NULL when there is none. */
static const char *child_href(loader *L, const qs_input *src, const xmlNode *parent,
                              const char *element, qs_origin *at)
{
    const xmlNode *child = qs_xml_child(parent, element);
    if (!child)
        return NULL;
    *at = origin_of(src, child, "href");
    return attr(L, child, "href");
}

static qs_product *load_product(loader *L, const qs_input *src, qs_pricelist *list,
                                const xmlNode *n, bool list_graduated)
{
    qs_product *p = qs_arena_alloc(&L->q->arena, sizeof *p);
    p->sku = attr(L, n, "sku");
    p->unit = attr(L, n, "unit");
    p->unit_plural = attr(L, n, "unit-plural");
    p->tax = attr(L, n, "tax");
    p->category = attr(L, n, "category");
    qs_supply_parse(attr(L, n, "supply"), &p->supply); /* default goods */
    p->list = list;
    p->at = origin_of(src, n, NULL);
    p->sku_at = origin_of(src, n, "sku");
    const char *mode = attr(L, n, "tier-mode");
    p->graduated = mode ? strcmp(mode, "graduated") == 0 : list_graduated;

    const xmlNode *price = qs_xml_child(n, "price");
    p->price_at = origin_of(src, price, NULL);
    written_value(L, src, price, NULL, text_of(L, price), &p->price, -1, false);
    const xmlNode *cost = qs_xml_child(n, "cost");
    if (cost) {
        p->has_cost = true;
        written_value(L, src, cost, NULL, text_of(L, cost), &p->cost, -1, false);
    }
    p->names = load_localized(L, src, n, "name", &p->nnames);
    p->descriptions = load_localized(L, src, n, "description", &p->ndescriptions);
    p->image = child_href(L, src, n, "image", &p->image_at);
    p->datasheet = child_href(L, src, n, "datasheet", &p->datasheet_at);
    load_tiers(L, src, p, n);
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
        qs_diag_add(L->d, QS_SEV_ERROR, p->sku_at.file, p->sku_at.line, p->sku_at.col,
                    "duplicate-sku",
                    "SKU '%s' is already defined at %s:%u%s", p->sku,
                    prev->at.file, prev->at.line,
                    prev->list == p->list ? ""
                                          : " (declare overrides=\"ID\" on one price list)");
        L->ok = false;
    }
    q->nproducts = out;
}

static void check_pricelist_header(loader *L, const qs_input *src, qs_pricelist *list,
                                   const xmlNode *root)
{
    qs_quote *q = L->q;
    const char *currency = attr(L, root, "currency");
    if (q->currency && strcmp(currency, q->currency) != 0) {
        /* At the quote's currency: the one currency every list must match. */
        qs_origin at = origin_of(src, root, "currency");
        char list_id[QS_ECHO_SIZE], list_currency[QS_ECHO_SIZE], own[QS_ECHO_SIZE];
        qs_diag_add(L->d, QS_SEV_ERROR, q->currency_at.file, q->currency_at.line,
                    q->currency_at.col, "currency-mismatch",
                    "the quote is in %s, but price list '%s' (%s:%u:%u) is in %s "
                    "(version 1 converts no currencies)", qs_diag_echo(own, q->currency),
                    qs_diag_echo(list_id, list->id), at.file, at.line, at.col,
                    qs_diag_echo(list_currency, currency));
        L->ok = false;
    } else if (!q->currency && qs_currency_minor_digits(currency) < 0)
        report(L, QS_SEV_ERROR, src, root, "currency", "unknown-currency",
               "unknown currency '%s' (expected an ISO 4217 code such as EUR)", currency);
    bool dated = date_value(L, src, root, "valid-from", attr(L, root, "valid-from"),
                            &list->valid_from);
    dated &= date_value(L, src, root, "valid-until", attr(L, root, "valid-until"),
                        &list->valid_until);
    if (!dated)
        return;
    char from[11], until[11], date[11];
    qs_date_format(list->valid_from, from);
    qs_date_format(list->valid_until, until);
    if (qs_date_compare(list->valid_until, list->valid_from) < 0)
        report(L, QS_SEV_ERROR, src, root, "valid-until", "pricelist-date-order",
               "valid-until %s is before valid-from %s", until, from);
    if (!q->date.year)
        return;
    if (qs_date_compare(q->date, list->valid_from) < 0 ||
        qs_date_compare(q->date, list->valid_until) > 0)
        report(L, QS_SEV_ERROR, src, root, "valid-from", "pricelist-validity",
               "price list '%s' is valid from %s until %s, which does not cover "
               "the quote date %s", list->id, from, until, qs_date_format(q->date, date));
}

/* Adds the price list `src` (its tax rates already loaded) as the next of
 * q->lists, checking its header and loading its products. */
static void load_pricelist(loader *L, const qs_input *src)
{
    qs_quote *q = L->q;
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    qs_pricelist *list = &q->lists[q->nlists++];
    list->id = attr(L, root, "id");
    list->overrides = attr(L, root, "overrides");
    list->overrides_at = origin_of(src, root, "overrides");
    list->path = src->path;
    list->at = origin_of(src, root, NULL);
    for (size_t j = 0; j + 1 < q->nlists; j++)
        if (strcmp(q->lists[j].id, list->id) == 0)
            report(L, QS_SEV_ERROR, src, root, "id", "duplicate-pricelist",
                   "price list id '%s' is also used by %s", list->id, q->lists[j].path);
    check_pricelist_header(L, src, list, root);
    const char *mode = attr(L, root, "tier-mode");
    bool graduated = mode && strcmp(mode, "graduated") == 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "product"))
            continue;
        qs_product *p = load_product(L, src, list, c, graduated);
        q->products = qs_xgrow(q->products, &L->products_cap, q->nproducts + 1,
                               sizeof *q->products);
        q->products[q->nproducts++] = p;
    }
}

static void check_overrides(loader *L)
{
    qs_quote *q = L->q;
    for (size_t i = 0; i < q->nlists; i++) {
        const qs_pricelist *list = &q->lists[i];
        if (!list->overrides)
            continue;
        bool found = false;
        for (size_t j = 0; j < q->nlists; j++)
            found |= strcmp(q->lists[j].id, list->overrides) == 0;
        if (found)
            continue;
        qs_origin at = list->overrides_at;
        qs_diag_add(L->d, QS_SEV_ERROR, at.file, at.line, at.col, "unknown-pricelist",
                    "price list '%s' overrides '%s', which this quote does not use",
                    list->id, list->overrides);
        L->ok = false;
    }
}

static void load_pricelists(loader *L, const qs_input *quote, const xmlNode *quote_root)
{
    qs_quote *q = L->q;
    size_t n = 0;
    for (const xmlNode *c = quote_root->children; c; c = c->next)
        n += qs_xml_is(c, "pricelist");
    q->lists = qs_arena_array(&q->arena, n, sizeof *q->lists);

    /* Tax rates first, so products of any list can name any rate. */
    qs_input **srcs = qs_arena_array(&q->arena, n, sizeof *srcs);
    const xmlNode **hrefs = qs_arena_array(&q->arena, n, sizeof *hrefs);
    size_t loaded = 0;
    for (const xmlNode *c = quote_root->children; c; c = c->next) {
        if (!qs_xml_is(c, "pricelist"))
            continue;
        qs_origin at = origin_of(quote, c, "href");
        char *path = NULL;
        qs_input *src = NULL;
        if (qs_input_resolve(q->in, quote->path, attr(L, c, "href"), &at, &path, L->d))
            src = qs_input_load_xml(q->in, path, QS_FORMAT_PRICELIST, &at, L->d);
        free(path);
        if (!src) {
            L->ok = false;
            L->lists_complete = false;
            continue;
        }
        keep_document(L, src);
        for (size_t i = 0; i < loaded; i++) {
            if (srcs[i] == src) {
                unsigned first_line, first_col;
                qs_input_locate(quote, hrefs[i], NULL, &first_line, &first_col);
                report(L, QS_SEV_ERROR, quote, c, "href", "duplicate-pricelist",
                       "this price list is already referenced at line %u", first_line);
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
        load_pricelist(L, srcs[i]);
    check_overrides(L);
    resolve_duplicate_skus(L);
}

/* ---- departments ---- */

/* Unknown SKUs get a suggestion up to this many per quote: each costs a
 * distance to every product, so a department of unknown SKUs stays fast. */
enum { SUGGESTIONS_MAX = 50, SUGGEST_LEN_MAX = 64 };

static unsigned char fold(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* The edit distance of a and b (insertions, deletions, substitutions and
 * swaps of neighbours, each 1; letters compared without case), both at
 * most SUGGEST_LEN_MAX bytes. */
static size_t sku_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t rows[3][SUGGEST_LEN_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = fold((unsigned char)a[i - 1]) != fold((unsigned char)b[j - 1]);
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

/* The known SKU nearest to an unknown one, for "did you mean": the first
 * (in SKU order) at the smallest distance, if that distance is at most a
 * third of the SKU's length (at least 1, letter case alone counts 0);
 * else NULL. */
static const char *nearest_sku(const qs_quote *q, const char *sku)
{
    size_t n = strlen(sku);
    if (n == 0 || n > SUGGEST_LEN_MAX)
        return NULL;
    size_t limit = n / 3 > 1 ? n / 3 : 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < q->nproducts; i++) {
        const char *p = q->products[i]->sku;
        size_t np = strlen(p);
        if (np > SUGGEST_LEN_MAX || (np > n ? np - n : n - np) >= best_d)
            continue;
        size_t dist = sku_distance(sku, n, p, np);
        if (dist < best_d) {
            best_d = dist;
            best = p;
        }
    }
    return best;
}

/* The item's tax rate and product: returns false after a diagnostic. */
static bool resolve_item(loader *L, const qs_input *src, const xmlNode *item, qs_line *line)
{
    qs_quote *q = L->q;
    bool ok = true;
    const char *tax = attr(L, item, "tax");
    if (line->custom_price.text) {
        if (!qs_xml_child(item, "name")) {
            report(L, QS_SEV_ERROR, src, item, NULL, "custom-line",
                   "custom line '%s' has a price but no <name>", line->sku);
            ok = false;
        }
        if (!tax) {
            report(L, QS_SEV_ERROR, src, item, NULL, "custom-line",
                   "custom line '%s' has a price but no tax attribute", line->sku);
            ok = false;
        }
    } else if (L->lists_complete) {
        line->product = qs_quote_get_product(q, line->sku);
        if (!line->product) {
            char shown[QS_ECHO_SIZE], near[QS_ECHO_SIZE];
            const char *nearest = L->suggestions < SUGGESTIONS_MAX
                                ? nearest_sku(q, line->sku) : NULL;
            L->suggestions += nearest != NULL;
            if (nearest)
                report(L, QS_SEV_ERROR, src, item, "sku", "unknown-sku",
                       "unknown SKU '%s' (did you mean '%s'?)", qs_diag_echo(shown, line->sku),
                       qs_diag_echo(near, nearest));
            else
                report(L, QS_SEV_ERROR, src, item, "sku", "unknown-sku",
                       "unknown SKU '%s'", qs_diag_echo(shown, line->sku));
            ok = false;
        } else if (!tax) {
            tax = line->product->tax;
        }
    }
    if (tax && L->lists_complete) {
        line->tax = qs_quote_get_tax_rate(q, tax);
        if (!line->tax) {
            report(L, QS_SEV_ERROR, src, item, "tax", "unknown-tax",
                   "unknown tax rate '%s'", tax);
            ok = false;
        }
    }
    return ok;
}

/* The item's own name and description win over the price list's. */
static void name_line(loader *L, const qs_input *src, const xmlNode *item, qs_line *line)
{
    const char *lang = L->q->lang;
    size_t n;
    const qs_localized *all = load_localized(L, src, item, "name", &n);
    line->name = qs_localized_get(all, n, lang);
    all = load_localized(L, src, item, "description", &n);
    line->description = qs_localized_get(all, n, lang);
    const qs_product *p = line->product;
    if (!line->name && p)
        line->name = qs_localized_get(p->names, p->nnames, lang);
    if (!line->description && p)
        line->description = qs_localized_get(p->descriptions, p->ndescriptions, lang);
}

/* An alternative (SPEC 9) belongs to the nearest regular line before it
 * in its group, which starts at q->lines[group_first]. */
static bool link_alternative(loader *L, const qs_input *src, const xmlNode *item,
                             size_t group_first, qs_line *line)
{
    if (line->optional) {
        report(L, QS_SEV_ERROR, src, item, "alternative", "alternative-optional",
               "item '%s' cannot be both optional and an alternative", line->sku);
        return false;
    }
    for (size_t i = L->q->nlines; i-- > group_first;) {
        if (qs_line_is_counted(&L->q->lines[i])) {
            line->alternative_to = L->q->lines[i].pos;
            return true;
        }
    }
    report(L, QS_SEV_ERROR, src, item, "alternative", "alternative-without-main",
           "alternative item '%s' has no regular item before it in its group",
           line->sku);
    return false;
}

static void load_item(loader *L, const qs_input *src, const xmlNode *item,
                      size_t group_first)
{
    qs_quote *q = L->q;
    qs_line line = {0};
    line.at = origin_of(src, item, NULL);
    line.sku = attr(L, item, "sku");
    bool ok = written_value(L, src, item, "qty", attr(L, item, "qty"), &line.qty, -1, true);
    const char *discount = attr(L, item, "discount-percent");
    if (discount) {
        line.has_discount = true;
        ok &= written_value(L, src, item, "discount-percent", discount, &line.discount,
                            HUNDRED_PERCENT, false);
    }
    line.reason = attr(L, item, "reason");
    const char *optional = attr(L, item, "optional");
    line.optional = optional && strcmp(optional, "true") == 0;
    const char *alternative = attr(L, item, "alternative");
    if (alternative && strcmp(alternative, "true") == 0)
        ok &= link_alternative(L, src, item, group_first, &line);
    const char *price = attr(L, item, "price");
    if (price)
        ok &= written_value(L, src, item, "price", price, &line.custom_price, -1, false);
    ok &= resolve_item(L, src, item, &line);
    if (!ok)
        return;
    /* An item's own unit and supply win over the price list's
     * (docs/formats.md). */
    line.unit = attr(L, item, "unit");
    line.unit_plural = attr(L, item, "unit-plural");
    if (!line.unit) {
        line.unit = line.product ? line.product->unit : "";
        if (!line.unit_plural && line.product)
            line.unit_plural = line.product->unit_plural;
    }
    line.supply = line.product ? line.product->supply : QS_SUPPLY_GOODS;
    qs_supply_parse(attr(L, item, "supply"), &line.supply);
    name_line(L, src, item, &line);
    q->lines = qs_xgrow(q->lines, &L->lines_cap, q->nlines + 1, sizeof *q->lines);
    line.pos = (unsigned)q->nlines + 1;
    q->lines[q->nlines++] = line;
}

static qs_department_part *add_part(loader *L, qs_department *dep, qs_department_part **cap_parts,
                                    size_t *cap)
{
    *cap_parts = qs_xgrow(*cap_parts, cap, dep->nparts + 1, sizeof **cap_parts);
    qs_department_part *part = &(*cap_parts)[dep->nparts++];
    memset(part, 0, sizeof *part);
    part->first = L->q->nlines;
    return part;
}

/* The department's content in document order (qs_department_part). */
/* Whether the schema found fault with `node` itself (its attributes or
 * its children's order), not only with an element inside it. */
static bool is_faulty(const qs_input *src, const xmlNode *node)
{
    for (size_t i = 0; i < src->ninvalid; i++)
        if (src->invalid[i] == node)
            return true;
    return false;
}

/* The content of a department; in one that failed its schema (src->invalid)
 * the elements the schema passed, so that their values are checked too. */
static void load_department_content(loader *L, const qs_input *src, const xmlNode *root,
                                    qs_department *dep)
{
    qs_department_part *parts = NULL;
    size_t cap = 0;
    qs_department_part *loose = NULL; /* the untitled group of loose items */
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (qs_input_is_invalid(src, c) && !(qs_xml_is(c, "group") && !is_faulty(src, c)))
            continue;   /* reported by the schema */
        if (qs_xml_is(c, "item")) {
            if (!loose) {
                loose = add_part(L, dep, &parts, &cap);
                loose->at = origin_of(src, c, NULL);
            }
            load_item(L, src, c, loose->first);
            loose->nlines = L->q->nlines - loose->first;
            continue;
        }
        loose = NULL;
        if (qs_xml_is(c, "group")) {
            qs_department_part *group = add_part(L, dep, &parts, &cap);
            group->title = attr(L, c, "title");
            group->at = origin_of(src, c, NULL);
            for (const xmlNode *i = c->children; i; i = i->next)
                if (qs_xml_is(i, "item") && !qs_input_is_invalid(src, i))
                    load_item(L, src, i, group->first);
            group->nlines = L->q->nlines - group->first;
        } else if (c->type == XML_ELEMENT_NODE) {
            const xmlNode *copy = copy_fragment(L, src, c, L->department_fragments);
            if (copy)
                add_part(L, dep, &parts, &cap)->element = copy;
        }
    }
    dep->parts = qs_arena_array(&L->q->arena, dep->nparts, sizeof *dep->parts);
    if (dep->nparts)
        memcpy(dep->parts, parts, dep->nparts * sizeof *parts);
    free(parts);
}

static void load_department(loader *L, const qs_input *quote, const xmlNode *ref)
{
    qs_quote *q = L->q;
    qs_origin at = origin_of(quote, ref, "href");
    const char *name = attr(L, ref, "name");
    char *path = NULL;
    qs_input *src = NULL;
    if (qs_input_resolve(q->in, quote->path, attr(L, ref, "href"), &at, &path, L->d)) {
        src = qs_input_load_xml(q->in, path, QS_FORMAT_DEPARTMENT, &at, L->d);
        /* A schema error in one item does not hide the others' values. */
        if (!src) {
            src = qs_input_schema_failed(q->in, path);
            L->ok = false;
        }
    }
    free(path);
    if (!src || is_faulty(src, xmlDocGetRootElement(src->doc))) {
        L->ok = false;
        return;
    }
    keep_document(L, src);
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    const char *own = attr(L, root, "name");
    if (strcmp(own, name) != 0)
        report(L, QS_SEV_ERROR, src, root, "name", "department-name-mismatch",
               "department is named '%s', but %s:%u references it as '%s'",
               own, quote->path, at.line, name);
    q->departments = qs_xgrow(q->departments, &L->departments_cap,
                              q->ndepartments + 1, sizeof *q->departments);
    qs_department *dep = &q->departments[q->ndepartments++];
    /* The quote's title for the department wins over the file's own. */
    const char *title = attr(L, ref, "title");
    *dep = (qs_department){
        .name = name, .owner = attr(L, root, "owner"),
        .title = title ? title : attr(L, root, "title"),
        .approved_by = attr(L, root, "approved-by"), .path = src->path,
        .at = origin_of(src, root, NULL), .ref_at = at,
    };
    load_department_content(L, src, root, dep);
}

/* Reads the file a product names at `href` (relative to its price list)
 * like every input: inside the root, size-capped. NULL after a
 * diagnostic at `at`. */
static const qs_input *read_product_file(loader *L, const qs_product *p, const char *href,
                                         qs_origin at)
{
    char *path = NULL;
    qs_input *file = NULL;
    if (qs_input_resolve(L->q->in, p->list->path, href, &at, &path, L->d))
        file = qs_input_read(L->q->in, path, &at, L->d);
    free(path);
    return file;
}

/* How far from its end a datasheet's "%%EOF" may be: the marker ends
 * every PDF, followed by at most an end-of-line (PDF 32000 7.5.5); a
 * little room for writers that add blank lines or padding after it. */
enum { DATASHEET_EOF_WINDOW = 1024 };

/* Why `file` is no PDF, or NULL when it looks like one: it starts with
 * "%PDF-" and has "%%EOF" near its end. */
static const char *not_a_pdf(const qs_input *file)
{
    if (file->size < 5 || memcmp(file->data, "%PDF-", 5) != 0)
        return "it does not start with '%PDF-'";
    size_t from = file->size > DATASHEET_EOF_WINDOW ? file->size - DATASHEET_EOF_WINDOW : 0;
    for (size_t i = from; i + 5 <= file->size; i++)
        if (memcmp(file->data + i, "%%EOF", 5) == 0)
            return NULL;
    return "it has no '%%EOF' in its last 1024 bytes";
}

/* Vets a product's datasheet (SPEC 9) and adds it to q->datasheets once
 * (two products may name one file); two files with one base name cannot
 * both be attached. */
static void vet_datasheet(loader *L, const qs_product *p)
{
    qs_quote *q = L->q;
    const qs_input *file = read_product_file(L, p, p->datasheet, p->datasheet_at);
    const qs_origin *at = &p->datasheet_at;
    char shown[QS_ECHO_SIZE];
    const char *why = file ? not_a_pdf(file) : NULL;
    if (!file || why) {
        if (why)
            qs_diag_add(L->d, QS_SEV_ERROR, at->file, at->line, at->col, "datasheet",
                        "datasheet '%s' is not a PDF: %s", qs_diag_echo(shown, file->path),
                        why);
        L->ok = false;
        return;
    }
    const char *slash = strrchr(file->path, '/');
    const char *name = slash ? slash + 1 : file->path;
    for (size_t i = 0; i < q->ndatasheets; i++) {
        if (q->datasheets[i].file == file)
            return;
        if (strcmp(q->datasheets[i].name, name) == 0) {
            qs_diag_add(L->d, QS_SEV_ERROR, at->file, at->line, at->col, "datasheet",
                        "datasheet '%s' has the file name of '%s', attached already "
                        "(the PDF names its attachments by file name)",
                        qs_diag_echo(shown, file->path), q->datasheets[i].file->path);
            L->ok = false;
            return;
        }
    }
    if (!q->datasheets)
        q->datasheets = qs_arena_array(&q->arena, q->nlines, sizeof *q->datasheets);
    q->datasheets[q->ndatasheets++] = (qs_datasheet){.file = file, .name = name};
}

/* Vets the picture and the datasheet of each product the lines use
 * (SPEC 9) once, when the quote loads, so that a missing, broken,
 * oversized or outside file is an error that check reports too, at its
 * href (a broken picture names the file); the manifest lists them. A
 * picture is vetted like every image (image.h: PNG or JPEG, decoded in
 * full, the same size and pixel limits); a datasheet must look like a
 * PDF (not_a_pdf). */
static void vet_product_files(loader *L)
{
    qs_quote *q = L->q;
    for (size_t i = 0; i < q->nlines; i++) {
        const qs_product *p = q->lines[i].product;
        bool seen = false;
        for (size_t j = 0; p && j < i && !seen; j++)
            seen = q->lines[j].product == p;
        if (!p || seen)
            continue;
        if (p->image) {
            const qs_input *file = read_product_file(L, p, p->image, p->image_at);
            qs_image *img = file ? qs_image_new(file->data, file->size, file->path, L->d)
                                 : NULL;
            L->ok &= img != NULL;
            qs_image_free(img);
        }
        if (p->datasheet)
            vet_datasheet(L, p);
    }
}

/* ---- the quote ---- */

/* The free text directly inside `address` (the seller's free address):
 * one line per non-empty source line, white space collapsed. */
static void load_address_lines(loader *L, const xmlNode *address, qs_address *out)
{
    size_t cap = 0;
    const char **lines = NULL;
    for (const xmlNode *c = address->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE || !c->content)
            continue;
        char *copy = qs_arena_strdup(&L->q->arena, (const char *)c->content);
        for (char *line = copy; line;) {
            char *end_of_line = strchr(line, '\n');
            if (end_of_line)
                *end_of_line = '\0';
            if (*qs_xml_collapse_space(line)) {
                lines = qs_xgrow(lines, &cap, out->nlines + 1, sizeof *lines);
                lines[out->nlines++] = line;
            }
            line = end_of_line ? end_of_line + 1 : NULL;
        }
    }
    out->lines = qs_arena_array(&L->q->arena, out->nlines, sizeof *out->lines);
    if (out->nlines)
        memcpy(out->lines, lines, out->nlines * sizeof *lines);
    free(lines);
}

static void load_party(loader *L, const xmlNode *in, qs_party *p)
{
    p->id = attr(L, in, "id");
    p->name = child_text(L, in, "name");
    p->vat_id = child_text(L, in, "vat-id");
    p->register_ = child_text(L, in, "register");
    p->web = child_text(L, in, "web");
    const xmlNode *address = qs_xml_child(in, "address");
    if (address) {
        p->has_address = true;
        p->address.street = child_text(L, address, "street");
        p->address.postal_code = child_text(L, address, "postal-code");
        p->address.city = child_text(L, address, "city");
        p->address.country = child_text(L, address, "country");
        load_address_lines(L, address, &p->address);
    }
    const xmlNode *contact = qs_xml_child(in, "contact");
    if (contact) {
        p->has_contact = true;
        p->contact.name = child_text(L, contact, "name");
        p->contact.phone = child_text(L, contact, "phone");
        p->contact.email = child_text(L, contact, "email");
        if (!p->contact.name && !p->contact.phone && !p->contact.email)
            p->contact.free = collapsed(L, contact);
    }
    const xmlNode *bank = qs_xml_child(in, "bank");
    p->bank_name = child_text(L, bank, "name");
    p->bank_holder = child_text(L, bank, "account-holder");
    p->iban = child_text(L, bank, "iban");
    p->bic = child_text(L, bank, "bic");
}

/* ---- the tax treatment (SPEC 2.3) ---- */

/* A party's country must be an assigned ISO 3166-1 alpha-2 code: an error
 * at its <country> otherwise. The schema lets only [A-Z]{2} through. */
static bool check_country(loader *L, const qs_input *src, const xmlNode *party,
                          const char *country, const char *whose)
{
    if (!country || qs_country_is_assigned(country))
        return true;
    report(L, QS_SEV_ERROR, src, qs_xml_child(qs_xml_child(party, "address"), "country"), NULL,
           "country", "%s country '%s' is not an ISO 3166-1 alpha-2 code (Greece is GR, "
           "the United Kingdom GB)", whose, country);
    return false;
}

/* True when the customer has no country and no tax-treatment, but a VAT id
 * that does not start with the seller's country's prefix ("EL" for GR; a
 * country outside the EU: its ISO code, "CHE-..." for CH): SPEC 2.3 then
 * treats the quote as domestic, which is likely a forgotten <country>. */
static bool foreign_vat_id_without_country(const qs_tax_parties *p, const char *vat_id)
{
    if (p->customer_country || !p->seller_country || !vat_id ||
        p->override != QS_TREATMENT_INFER)
        return false;
    const char *prefix = qs_country_vat_prefix(p->seller_country);
    if (!prefix)
        prefix = p->seller_country;
    return strncmp(vat_id, prefix, 2) != 0;
}

/* Decides the row of SPEC 2.3's table for the quote (q->tax) from the
 * parties' countries, the customer's VAT id and <customer tax-treatment>;
 * warns [oss] for an EU consumer across the border and [customer-country]
 * for a foreign VAT id without a country. */
static void decide_tax(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    const xmlNode *seller = qs_xml_child(root, "seller");
    const xmlNode *customer = qs_xml_child(root, "customer");
    bool ok = check_country(L, src, seller, q->seller.address.country, "the seller's");
    ok &= check_country(L, src, customer, q->customer.address.country, "the customer's");
    if (!ok)
        return;
    qs_tax_parties parties = {q->seller.address.country, q->customer.address.country,
                              q->customer.vat_id != NULL, QS_TREATMENT_INFER};
    if (customer)
        qs_tax_treatment_parse(attr(L, customer, "tax-treatment"), &parties.override);
    qs_tax_status st = qs_tax_decide(&parties, &q->tax);
    if (st == QS_TAX_INTRA_EU_WITHOUT_VAT_ID)
        report(L, QS_SEV_ERROR, src, customer, "tax-treatment", "intra-eu-vat-id", "%s",
               qs_tax_status_message(st));
    else if (st == QS_TAX_NO_SELLER_COUNTRY)
        report(L, QS_SEV_ERROR, src, seller, NULL, "seller-country", "%s",
               qs_tax_status_message(st));
    else if (q->tax.oss)
        report(L, QS_SEV_WARNING, src,
               qs_xml_child(qs_xml_child(customer, "address"), "country"), NULL, "oss",
               "the customer in %s has no vat-id, so the lines carry the seller's VAT; "
               "destination VAT (OSS) may apply instead (docs/tax.md)",
               q->customer.address.country);
    else if (foreign_vat_id_without_country(&parties, q->customer.vat_id)) {
        char shown[QS_ECHO_SIZE];
        report(L, QS_SEV_WARNING, src, qs_xml_child(customer, "vat-id"), NULL,
               "customer-country",
               "the customer has no country, so the lines carry domestic VAT, but its "
               "vat-id '%s' is not from %s: give its <country>, or tax-treatment "
               "(docs/tax.md)", qs_diag_echo(shown, q->customer.vat_id),
               parties.seller_country);
    }
}

/* Each line's category, percent and exemption under q->tax. */
static void treat_lines(qs_quote *q)
{
    for (size_t i = 0; i < q->nlines; i++) {
        qs_line *l = &q->lines[i];
        if (l->tax)
            l->treatment = qs_tax_treat_line(&q->tax, l->supply, l->tax->category,
                                             l->tax->percent.value);
    }
}

/* Payment terms, delivery and the quote discount. */
static void load_terms(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    const xmlNode *terms = qs_xml_child(root, "payment-terms");
    if (terms) {
        q->payment_days = attr(L, terms, "days");
        q->payment_discount_percent = attr(L, terms, "discount-percent");
        q->payment_discount_days = attr(L, terms, "discount-days");
    }
    const xmlNode *delivery = qs_xml_child(root, "delivery");
    if (delivery) {
        q->delivery_weeks = attr(L, delivery, "weeks");
        q->incoterm = attr(L, delivery, "incoterm");
        q->delivery_place = attr(L, delivery, "place");
    }
    const xmlNode *discount = qs_xml_child(root, "discount");
    if (discount) {
        q->discount_at = origin_of(src, discount, NULL);
        q->discount_reason = attr(L, discount, "reason");
        q->has_discount = written_value(L, src, discount, "percent", attr(L, discount, "percent"),
                                        &q->discount, HUNDRED_PERCENT, false);
    }
}

/* The revision (SPEC 9, qs_revision_parse); it names the package
 * "ID-rN" from 2 on. */
static void load_revision(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    q->revision = 1;
    q->package = q->id;
    const char *text = attr(L, root, "revision");
    if (!text)
        return;
    q->has_revision = true;
    if (!qs_revision_parse(text, &q->revision)) {
        report(L, QS_SEV_ERROR, src, root, "revision", "bad-revision",
               "revision must be a whole number from 1 to 9999, not '%s'", text);
        return;
    }
    if (q->revision >= 2)
        q->package = qs_arena_printf(&q->arena, "%s-r%u", q->id, q->revision);
}

static void load_quote_header(loader *L, const qs_input *src, const xmlNode *root)
{
    qs_quote *q = L->q;
    q->at = origin_of(src, root, NULL);
    q->id = attr(L, root, "id");
    q->id_at = origin_of(src, root, "id");
    q->lang = attr(L, root, "lang");
    q->status_name = attr(L, root, "status");
    q->draft = strcmp(q->status_name, "draft") == 0;
    q->status = q->draft ? QS_STATUS_DRAFT
              : strcmp(q->status_name, "sent") == 0 ? QS_STATUS_SENT : QS_STATUS_FINAL;
    q->currency = attr(L, root, "currency");
    q->currency_at = origin_of(src, root, "currency");
    q->owner = attr(L, root, "owner");
    load_revision(L, src, root);
    q->minor_digits = qs_currency_minor_digits(q->currency);
    if (q->minor_digits < 0)
        report(L, QS_SEV_ERROR, src, root, "currency", "unknown-currency",
               "unknown currency '%s' (expected an ISO 4217 code such as EUR)",
               q->currency);
    const xmlNode *date = qs_xml_child(root, "date");
    date_value(L, src, date, NULL, text_of(L, date), &q->date);
    const xmlNode *until = qs_xml_child(root, "valid-until");
    if (until)
        q->has_valid_until = date_value(L, src, until, NULL, text_of(L, until),
                                        &q->valid_until);
    q->subject = child_text(L, root, "subject");
    q->reference = child_text(L, root, "reference");
    load_party(L, qs_xml_child(root, "seller"), &q->seller);
    const xmlNode *customer = qs_xml_child(root, "customer");
    if (customer) {
        q->has_customer = true;
        load_party(L, customer, &q->customer);
    }
    decide_tax(L, src, root);
    load_terms(L, src, root);
    const xmlNode *tpl = qs_xml_child(root, "template");
    if (tpl) {
        q->template_at = origin_of(src, tpl, "href");
        if (!qs_input_resolve(q->in, src->path, attr(L, tpl, "href"), &q->template_at,
                              &q->template_path, L->d))
            L->ok = false;
    }
}

static void load_rules(loader *L, const qs_input *quote, const xmlNode *root)
{
    qs_quote *q = L->q;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "rules"))
            continue;
        qs_origin at = origin_of(quote, c, "href");
        char *path = NULL;
        qs_input *src = NULL;
        if (qs_input_resolve(q->in, quote->path, attr(L, c, "href"), &at, &path, L->d))
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

/* Sets up q->fragments: a root with one container for the quote's own
 * elements and one for the departments'. */
static bool new_fragments(loader *L)
{
    qs_quote *q = L->q;
    q->fragments = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = q->fragments ? xmlNewDocNode(q->fragments, NULL,
                                                 (const xmlChar *)"fragments", NULL) : NULL;
    if (root)
        xmlDocSetRootElement(q->fragments, root);
    L->quote_fragments = root ? xmlNewChild(root, NULL, (const xmlChar *)"quote", NULL) : NULL;
    L->department_fragments = root ? xmlNewChild(root, NULL, (const xmlChar *)"departments",
                                                 NULL) : NULL;
    return L->department_fragments != NULL;
}

static void init_quote(qs_quote *q, qs_inputs *in)
{
    memset(q, 0, sizeof *q);
    qs_arena_init(&q->arena);
    q->in = in;
}

static void end_loading(loader *L)
{
    for (size_t i = 0; i < L->ndocs; i++)
        qs_input_release_document(L->docs[i]);
    free(L->docs);
}

bool qs_quote_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d)
{
    init_quote(q, in);
    qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_QUOTE, NULL, d);
    if (!src)
        return false;
    q->path = src->path;
    loader L = {.q = q, .d = d, .ok = true, .lists_complete = true};
    keep_document(&L, src);
    if (!new_fragments(&L)) {
        qs_diag_add(d, QS_SEV_ERROR, src->path, 0, 0, "internal",
                    "out of memory while loading the quote");
        qs_diags_set_internal_failed(d);
        end_loading(&L);
        return false;
    }
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    load_quote_header(&L, src, root);
    load_pricelists(&L, src, root);
    /* The quote's elements in order; a <department> marks where its
     * department goes. */
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (qs_xml_is(c, "department")) {
            load_department(&L, src, c);
            xmlNode *mark = xmlNewChild(L.quote_fragments, NULL,
                                        (const xmlChar *)"department", NULL);
            L.ok &= mark != NULL;
        } else {
            copy_fragment(&L, src, c, L.quote_fragments);
        }
    }
    treat_lines(q);
    load_rules(&L, src, root);
    vet_product_files(&L);
    end_loading(&L);
    return L.ok;
}

bool qs_pricelist_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d)
{
    init_quote(q, in);
    qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_PRICELIST, NULL, d);
    if (!src)
        return false;
    q->path = src->path;
    loader L = {.q = q, .d = d, .ok = true, .lists_complete = true};
    q->lists = qs_arena_array(&q->arena, 1, sizeof *q->lists);
    load_tax_rates(&L, src, xmlDocGetRootElement(src->doc));
    load_pricelist(&L, src);
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
    xmlFreeDoc(q->fragments);
    xmlFreeDoc(q->tree);
    qs_arena_free(&q->arena);
    memset(q, 0, sizeof *q);
}

void qs_quote_free_tree(qs_quote *q)
{
    xmlFreeDoc(q->tree);
    q->tree = NULL;
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

const qs_localized *qs_localized_get(const qs_localized *all, size_t n, const char *lang)
{
    const qs_localized *plain = NULL;
    for (size_t i = 0; i < n; i++) {
        if (all[i].lang && lang && strcmp(all[i].lang, lang) == 0)
            return &all[i];
        if (!all[i].lang && !plain)
            plain = &all[i];
    }
    return plain ? plain : n ? &all[0] : NULL;
}
