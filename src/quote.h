/* quote: the model of one quote run, shared by every stage: the loaded
 * inputs, the price lists' products and tax rates, the quote's lines, and
 * the merged data tree (SPEC 2.1) that rules and templates read.
 *
 * Ownership: a qs_quote owns everything reachable from it. Strings and
 * arrays live in its arena; the merged tree is freed with it; the parsed
 * input documents belong to the qs_inputs it was loaded through (which must
 * outlive it). Pointers to xmlNodes of input documents (item, node,
 * price_node, href_node, ref, discount_node) stay valid as long as that
 * qs_inputs lives and qs_inputs_release_documents has not been called on it.
 * `build` releases the input documents once the quote is validated: the
 * stages after validation (UBL, template, layout, PDF, package) read the
 * merged tree, the model's strings and the inputs' bytes only, never those
 * nodes. Loading, pricing, validation, check, data and explain use them. */
#ifndef QS_QUOTE_H
#define QS_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "arena.h"
#include "decimal.h"
#include "diag.h"
#include "input.h"

typedef struct {
    const char *id;
    const char *percent_text;  /* as written, e.g. "19" */
    qs_decimal percent;
    const qs_input *src;
    const xmlNode *node;
} qs_tax_rate;

typedef struct {
    qs_decimal min_qty;
    qs_decimal price;
    const char *price_text;
    const xmlNode *node;
} qs_tier;

typedef struct qs_pricelist qs_pricelist;

typedef struct {
    const char *sku;
    const char *unit;
    const char *tax;           /* tax-rate id */
    const char *price_text;    /* as written, e.g. "8490.00" */
    qs_decimal price;
    bool has_cost;
    qs_decimal cost;
    const char *cost_text;
    bool graduated;            /* tier-mode="graduated" on product or list */
    qs_tier *tiers;            /* ascending min-qty */
    size_t ntiers;
    const qs_pricelist *list;
    const xmlNode *node;       /* <product> */
    const xmlNode *price_node; /* <price> */
} qs_product;

struct qs_pricelist {
    const char *id;
    const char *overrides;     /* id of the list this one overrides, or NULL */
    const char *valid_from, *valid_until;
    const qs_input *src;
    const xmlNode *href_node;  /* the quote's <pricelist href> */
};

typedef struct {
    const char *name;
    const xmlNode *ref;        /* the quote's <department name href> */
    const qs_input *src;       /* the department input */
} qs_department;

typedef struct {
    xmlNode *line;             /* <line> in the merged tree */
    const xmlNode *item;       /* <item> in the department input */
    const qs_input *src;       /* the department input */
    const qs_product *product; /* NULL for a custom line */
    const qs_tax_rate *tax;
    qs_decimal qty;
    const char *qty_text;
    bool has_discount;
    qs_decimal discount;       /* line discount, percent */
    const char *discount_text;
    const char *reason;        /* the discount's reason, or NULL */
    qs_decimal custom_price;   /* custom lines only */
    const char *custom_price_text;
    bool optional;
    unsigned pos;
} qs_line;

typedef struct {
    qs_arena arena;
    qs_inputs *in;             /* not owned */
    qs_input *src;             /* the quote file */
    const char *id, *lang, *currency, *status, *date, *valid_until;
    qs_origin id_at;           /* where the quote's id is written */
    int minor_digits;          /* of the currency */
    bool draft;
    bool has_discount;
    qs_decimal discount;       /* quote discount, percent */
    const char *discount_text;
    const xmlNode *discount_node;

    qs_pricelist *lists;
    size_t nlists;
    qs_product **products;     /* effective products, sorted by sku */
    size_t nproducts;
    qs_tax_rate *rates;        /* every tax rate of every list, by id */
    size_t nrates;
    qs_department *departments; /* in the quote's order */
    size_t ndepartments;
    qs_line *lines;            /* in document order across departments */
    size_t nlines;
    const qs_input **rules;    /* rules files, in the quote's order */
    size_t nrules;
    char *template_path;       /* display path, or NULL */
    qs_origin template_at;

    xmlDoc *tree;              /* the merged, priced data tree */
} qs_quote;

/* Loads the quote at `path` with everything it references (price lists,
 * departments, rules), checks every value, and builds the merged tree
 * (merge.c). Returns false after diagnostics; *q must be freed with
 * qs_quote_free in every case. */
bool qs_quote_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d);
void qs_quote_free(qs_quote *q);

/* Loads the price list at `path` on its own, as the catalog does: the same
 * checks as for a quote's price list (values, dates and their order, tax
 * ids, tiers, duplicate SKUs, a known currency), without a quote's date,
 * currency or overrides. q->lists[0] is the list, q->products its
 * products. Returns false after diagnostics; free q with qs_quote_free in
 * every case. */
bool qs_pricelist_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d);

/* The effective product for `sku`, or NULL. */
const qs_product *qs_quote_get_product(const qs_quote *q, const char *sku);
/* The tax rate `id`, or NULL. */
const qs_tax_rate *qs_quote_get_tax_rate(const qs_quote *q, const char *id);

/* Builds q->tree from the loaded model (merge.c). */
bool qs_quote_merge(qs_quote *q, qs_diags *d);

/* Frees the merged tree's content except what the package stage reads:
 * keeps the root <quote> with its attributes and its <totals> child (with
 * the <tax> elements), which the manifest reports; frees every other child
 * of <quote> (pricelists, parties, departments with their groups and
 * lines, sections, terms). Every qs_line.line pointer is invalid
 * afterwards. `build` calls it once the template stage has read the tree:
 * the UBL is written before it, and layout, PDF and package do not read
 * the tree (package.c reads /quote/totals only). */
void qs_quote_prune_tree(qs_quote *q);

/* Prices every line and the totals into q->tree (price.c), and proves the
 * sums. Returns false after diagnostics; an inconsistency is an "internal"
 * error. */
bool qs_quote_price(qs_quote *q, qs_diags *d);

#endif
