/* quote: the one model of a quote run, shared by every stage: the quote's
 * header and parties, the price lists' products and tax rates, the lines,
 * the figures pricing writes, and the merged data tree (SPEC 2.1) that is
 * generated from all of it as a view for XPath (rules, templates, `data`).
 *
 * Ownership: a qs_quote owns everything reachable from it and frees it
 * with qs_quote_free: strings, structs and arrays live in its arena (one
 * arena per quote; an error path just returns, and the arena goes); the
 * few growing arrays, `fragments` and `tree` are freed with it. Every
 * value is typed (qs_decimal, qs_date, bool, enum) and every source
 * position is a qs_origin value (display path, line, column): nothing
 * points into an input document. Loading (load.h) frees the quote's,
 * price lists' and departments' documents before it returns; what the
 * merged tree shows verbatim (parties, letter, department sections and
 * terms) is copied into `fragments`, a document the model owns. Display
 * paths (qs_origin.file, `path`) point into the qs_inputs the quote was
 * loaded through, which must outlive it; so do the rules files in
 * `rules`, whose documents the rules stage reads. Pricing (price.h) fills
 * qs_line.price and q->totals; merging (merge.h) builds `tree` once from
 * the priced model; the tree may be dropped (qs_quote_free_tree) once its
 * readers are done, since every later stage reads the typed model. */
#ifndef QS_QUOTE_H
#define QS_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "arena.h"
#include "decimal.h"
#include "diag.h"
#include "input.h"
#include "tax.h"
#include "values.h"

/* A decimal as written in an input: the value, and its text for display
 * (the tree and the UBL show figures as the price list wrote them). */
typedef struct {
    qs_decimal value;
    const char *text;
} qs_written;

/* Text in one language, for products' names and descriptions. */
typedef struct {
    const char *lang;          /* NULL: no lang attribute */
    const char *text;
    qs_origin at;
} qs_localized;

typedef struct {
    const char *id;
    qs_written percent;
    qs_tax_category category;  /* QS_TAX_S (S or Z, by percent) or QS_TAX_E */
    const char *exemption_reason; /* category E: its printed reason */
    qs_origin at;              /* the <tax-rate> */
} qs_tax_rate;

typedef struct {
    qs_written min_qty;
    qs_written price;
    qs_origin at;              /* the <tier> */
} qs_tier;

typedef struct qs_pricelist qs_pricelist;

typedef struct {
    const char *sku;
    const char *unit;
    const char *unit_plural;   /* the unit's plural, or NULL */
    const char *tax;           /* tax-rate id */
    const char *category;      /* or NULL */
    qs_supply supply;          /* goods unless supply="services" */
    qs_written price;
    qs_origin price_at;        /* the <price> */
    bool has_cost;
    qs_written cost;
    bool graduated;            /* tier-mode="graduated" on product or list */
    qs_tier *tiers;            /* ascending min-qty */
    size_t ntiers;
    qs_localized *names, *descriptions;
    size_t nnames, ndescriptions;
    const char *image;         /* <image href> as written (relative to the
                                  price list), or NULL */
    qs_origin image_at;        /* the <image> */
    const char *datasheet;     /* <datasheet href> as written, or NULL */
    qs_origin datasheet_at;    /* the <datasheet> */
    const qs_pricelist *list;
    qs_origin at;              /* the <product> */
    qs_origin sku_at;          /* its sku attribute */
} qs_product;

struct qs_pricelist {
    const char *id;
    const char *overrides;     /* id of the list this one overrides, or NULL */
    qs_origin overrides_at;
    qs_date valid_from, valid_until;
    const char *path;          /* display path of the price list file */
    qs_origin at;              /* its root element */
};

/* One band of a graduated line (price.c): units at one price. */
typedef struct {
    qs_decimal units;
    qs_decimal price;
    const qs_decimal *min_qty; /* the tier's min-qty; NULL for the base price */
    qs_origin at;              /* the <price> or <tier> */
} qs_band;

/* A line's figures, written by pricing (SPEC 2.2). */
typedef struct {
    const qs_tier *tier;       /* the volume tier reached, or NULL */
    bool graduated;
    qs_decimal unit_price;     /* volume: the tier's price; graduated: rounded */
    const char *unit_price_text;
    qs_wide amount;            /* qty x unit price, or the sum of the bands,
                                  exact, in 1/10^8 units */
    qs_decimal rounded;        /* round(amount) */
    qs_decimal allowance;      /* round(amount x discount / 100); 0 without */
    qs_decimal net;            /* rounded - allowance */
    bool has_margin;
    qs_decimal margin;         /* percent, 2 decimals */
    qs_band *bands;            /* graduated lines: the bands with units */
    size_t nbands;
} qs_line_price;

typedef struct {
    unsigned pos;
    const char *sku;
    const char *unit;          /* the item's own, else the product's */
    const char *unit_plural;   /* the item's own; else the product's when
                                  the item has no unit; or NULL */
    const qs_product *product; /* NULL for a custom line */
    const qs_tax_rate *tax;
    qs_supply supply;          /* the item's own, else the product's */
    qs_tax_line treatment;     /* category, percent, exemption (SPEC 2.3),
                                  decided by load from q->tax */
    qs_written qty;
    bool has_discount;
    qs_written discount;       /* line discount, percent */
    const char *reason;        /* the discount's reason, or NULL */
    qs_written custom_price;   /* custom lines only */
    bool optional;
    unsigned alternative_to;   /* an alternative (SPEC 9): the pos of its main
                                  line; 0 for a regular or optional line */
    const qs_localized *name;  /* in the quote's language; NULL when none */
    const qs_localized *description;
    qs_origin at;              /* the <item> */
    qs_line_price price;
} qs_line;

/* A department's content in document order: runs of lines (a <group>, or
 * loose items gathered in an untitled group) and other elements (sections,
 * terms), kept verbatim in q->fragments for the merged tree. */
typedef struct {
    const char *title;         /* groups: the title, or NULL */
    size_t first, nlines;      /* groups: q->lines[first .. first+nlines) */
    qs_origin at;              /* the <group>, or the first loose <item> */
    const xmlNode *element;    /* not a group: a node of q->fragments */
} qs_department_part;

typedef struct {
    const char *name;
    const char *title;         /* the quote's <department title>, else the
                                  file's root title, or NULL */
    const char *owner, *approved_by; /* or NULL */
    const char *path;          /* display path of the department file */
    qs_origin at;              /* its root element */
    qs_origin ref_at;          /* the quote's <department href> */
    qs_department_part *parts;
    size_t nparts;
} qs_department;

typedef struct {
    const char *street, *postal_code, *city, *country;
    const char **lines;        /* free text lines (the seller's address) */
    size_t nlines;
} qs_address;

typedef struct {
    const char *name, *phone, *email;
    const char *free;          /* free text when none of the above */
} qs_contact;

/* The seller or the customer; text with white space collapsed, NULL when
 * absent or empty. */
typedef struct {
    const char *id;            /* the customer number */
    const char *name, *vat_id, *register_, *web;
    bool has_address, has_contact;
    qs_address address;
    qs_contact contact;
    const char *bank_name, *bank_holder, *iban, *bic;
} qs_party;

/* The figures of one tax group (one category and percent, SPEC 2.2) and
 * of the quote (price.c). */
typedef struct {
    qs_tax_category category;
    qs_decimal percent;
    const char *percent_text;  /* S, Z, E: the rate's as written; else "0" */
    const char *id;            /* S, Z, E: the id of its first line's rate;
                                  else the category code */
    const qs_tax_rate *first_rate; /* its first line's rate (its id, its
                                  percent as written, its position) */
    const char *exemption_reason; /* E: the distinct exemption-reasons of its
                                  lines' rates in order of first use, joined
                                  with QS_TAX_REASON_SEPARATOR; else NULL */
    qs_vatex exemption;        /* QS_VATEX_NONE for S, Z and E */
    qs_decimal net;            /* sum of net of its counted lines */
    qs_decimal allowance;      /* its share of the quote discount */
    qs_decimal base;           /* net - allowance */
    qs_decimal amount;
} qs_tax_total;

typedef struct {
    bool priced;
    qs_decimal net, discount, taxable, gross;
    qs_tax_total *taxes;       /* in order of first use */
    size_t ntaxes;
} qs_totals;

/* A product datasheet read and vetted by the loader (SPEC 9). */
typedef struct {
    const qs_input *file;      /* its bytes (owned by the quote's inputs) */
    const char *name;          /* its base name: the attachment's name */
} qs_datasheet;

typedef enum { QS_STATUS_DRAFT, QS_STATUS_FINAL, QS_STATUS_SENT } qs_status;

typedef struct {
    qs_arena arena;
    qs_inputs *in;             /* not owned */
    const char *path;          /* display path of the quote file */
    qs_origin at;              /* its root element */
    const char *id, *lang, *currency;
    qs_status status;
    const char *status_name;   /* "draft", "final" or "sent" */
    bool draft;
    unsigned revision;         /* SPEC 9: 1 unless the quote says otherwise */
    bool has_revision;         /* the quote writes revision="N" */
    const char *package;       /* names the package: the id, or "ID-rN" from
                                  revision 2 on */
    qs_origin id_at;           /* where the quote's id is written */
    qs_origin currency_at;     /* where its currency is written */
    const char *owner;         /* the rep who owns the quote (SPEC 7), or NULL */
    int minor_digits;          /* of the currency */
    qs_date date;
    bool has_valid_until;
    qs_date valid_until;
    const char *subject, *reference;
    qs_party seller, customer;
    bool has_customer;
    qs_tax_context tax;        /* the row of SPEC 2.3's table (load) */
    /* payment terms and delivery, as written (for sentences) */
    const char *payment_days, *payment_discount_percent, *payment_discount_days;
    const char *delivery_weeks, *incoterm, *delivery_place;
    bool has_discount;
    qs_written discount;       /* quote discount, percent */
    const char *discount_reason;
    qs_origin discount_at;

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
    /* The datasheets of the products the lines use (SPEC 9), each file
     * once, in order of first use: attached to the proposal PDF. */
    qs_datasheet *datasheets;
    size_t ndatasheets;
    char *template_path;       /* display path, or NULL */
    qs_origin template_at;

    qs_totals totals;          /* written by pricing */

    /* Verbatim copies of the quote's own elements (all but <department>,
     * in document order, as children of the root) and of the departments'
     * other elements, each element's source position in its _private
     * (a qs_origin in the arena). Read by merge only. */
    xmlDoc *fragments;
    xmlDoc *tree;              /* the merged, priced data tree (merge.h) */
} qs_quote;

void qs_quote_free(qs_quote *q);

/* True when the line counts in the totals and tax groups: neither an
 * optional line nor an alternative (SPEC 2.2, 9). */
static inline bool qs_line_is_counted(const qs_line *l)
{
    return !l->optional && !l->alternative_to;
}

/* Frees the merged tree once no stage reads it any more. */
void qs_quote_free_tree(qs_quote *q);

/* The effective product for `sku`, or NULL. */
const qs_product *qs_quote_get_product(const qs_quote *q, const char *sku);
/* The tax rate `id`, or NULL. */
const qs_tax_rate *qs_quote_get_tax_rate(const qs_quote *q, const char *id);

/* The text in `lang`: one with that lang, else one without lang, else the
 * first; NULL when n is 0. */
const qs_localized *qs_localized_get(const qs_localized *all, size_t n, const char *lang);

#endif
