/* tax: owns the VAT law of a quote (SPEC 2.3) and the arithmetic of its
 * discounts and tax groups (SPEC 2.2): which countries (country.h) are
 * the 27 EU member states, their VAT-id prefixes, the treatment of each
 * line (category, percent, VATEX exemption code, printed note), and a line's
 * allowance and net and each tax group's allowance, base and amount.
 *
 * Pure: no libxml2, no I/O, no allocation. Every string a function returns
 * is a static constant (UTF-8) or the caller's own pointer passed through;
 * nothing needs freeing. Money is qs_decimal (1/10000 units); percentages
 * are qs_decimal too (19 % is 190000). */
#ifndef QS_TAX_H
#define QS_TAX_H

#include <stdbool.h>
#include <stddef.h>

#include "country.h"
#include "decimal.h"
#include "format.h"

/* ---- countries ---- */

/* True when code is one of the 27 EU member states (ISO code: "GR", not
 * "EL"). NULL gives false. */
bool qs_country_is_eu(const char *code);

/* The prefix that VAT ids of an EU member state start with: the ISO code,
 * except "EL" for Greece ("GR"). NULL for a country outside the EU. */
const char *qs_country_vat_prefix(const char *code);

/* ---- the treatment of a quote and its lines (SPEC 2.3) ---- */

/* UNTDID 5305 VAT category codes, as EN 16931 uses them. */
typedef enum {
    QS_TAX_S,  /* standard rate (any percent > 0) */
    QS_TAX_Z,  /* zero rated: a rate of 0 % */
    QS_TAX_E,  /* exempt: the price list's rate with category="E" */
    QS_TAX_K,  /* intra-community supply of goods, 0 % */
    QS_TAX_AE, /* reverse charge, 0 % */
    QS_TAX_G,  /* export of goods outside the EU, 0 % */
    QS_TAX_O   /* services outside the scope of VAT, 0 % */
} qs_tax_category;

typedef enum { QS_SUPPLY_GOODS, QS_SUPPLY_SERVICES } qs_supply;

/* The row of SPEC 2.3's table that applies to a quote. As an override
 * (`<customer tax-treatment>`), QS_TREATMENT_INFER means "none given". */
typedef enum {
    QS_TREATMENT_INFER,
    QS_TREATMENT_DOMESTIC,
    QS_TREATMENT_INTRA_EU,
    QS_TREATMENT_EXPORT
} qs_tax_treatment;

/* VAT exemption reason codes of the CEF VATEX list (EN 16931 BT-121). */
typedef enum {
    QS_VATEX_NONE,
    QS_VATEX_EU_IC, /* K */
    QS_VATEX_EU_AE, /* AE */
    QS_VATEX_EU_G,  /* G */
    QS_VATEX_EU_O   /* O */
} qs_vatex;

/* What the quote tells about its parties; strings are borrowed. */
typedef struct {
    const char *seller_country;   /* seller's address/country, or NULL */
    const char *customer_country; /* customer's address/country, or NULL */
    bool customer_has_vat_id;     /* the customer is a business */
    qs_tax_treatment override;    /* QS_TREATMENT_INFER unless given */
} qs_tax_parties;

/* The decision for the whole quote; every line is treated with it. */
typedef struct {
    qs_tax_treatment treatment; /* DOMESTIC, INTRA_EU or EXPORT, never INFER */
    bool business;              /* customer has a VAT id */
    bool oss;                   /* an EU consumer across the border: warn
                                   [oss], destination VAT may apply */
} qs_tax_context;

typedef enum {
    QS_TAX_OK,
    QS_TAX_BAD_SELLER_COUNTRY,     /* not an assigned ISO 3166-1 alpha-2 code */
    QS_TAX_BAD_CUSTOMER_COUNTRY,   /* same, for the customer */
    QS_TAX_NO_SELLER_COUNTRY,      /* inference needs the seller's country */
    QS_TAX_INTRA_EU_WITHOUT_VAT_ID /* override intra-eu, customer has no VAT id */
} qs_tax_status;

/* Decides which row of SPEC 2.3's table applies to the quote:
 * - override DOMESTIC, INTRA_EU or EXPORT: that row (INTRA_EU needs a
 *   customer VAT id, else QS_TAX_INTRA_EU_WITHOUT_VAT_ID);
 * - no customer country, or the seller's own: DOMESTIC;
 * - seller in the EU, customer in another member state: INTRA_EU, with
 *   oss set when the customer has no VAT id;
 * - any other foreign customer (outside the EU, or any foreign customer of
 *   a seller outside the EU): EXPORT.
 * Countries given are checked first, even under an override: a code that is
 * not assigned in ISO 3166-1 gives QS_TAX_BAD_*_COUNTRY. A NULL seller
 * country with a customer country and no override gives
 * QS_TAX_NO_SELLER_COUNTRY. On any status but QS_TAX_OK, *out is untouched. */
qs_tax_status qs_tax_decide(const qs_tax_parties *parties, qs_tax_context *out);

/* The diagnostic text of a status, in English, without the value; for
 * example "'intra-eu' tax treatment needs the customer's vat-id". */
const char *qs_tax_status_message(qs_tax_status st);

/* One line's treatment: what goes into the tree, the PDF and UBL. */
typedef struct {
    qs_tax_category category;
    qs_decimal percent;  /* effective: the rate's, or 0 */
    qs_vatex exemption;  /* QS_VATEX_NONE for S, Z and E */
} qs_tax_line;

/* Treats one line under the quote's context. rate_category is the price
 * list rate's category: QS_TAX_S (given as S or Z) or QS_TAX_E; any other
 * value is read as S. Where the table says "the line's rate", the result is
 * that rate: S at rate_percent, Z when rate_percent is 0, E at 0 %.
 * Otherwise: INTRA_EU goods K, services AE; EXPORT goods G, services O for
 * a business and the line's rate for a consumer; all at 0 %. INTRA_EU
 * without a VAT id (the oss case) takes the line's rate. */
qs_tax_line qs_tax_treat_line(const qs_tax_context *ctx, qs_supply supply,
                              qs_tax_category rate_category, qs_decimal rate_percent);

/* ---- names, codes and notes ---- */

/* "goods" / "services" into *out; false for anything else. */
bool qs_supply_parse(const char *text, qs_supply *out);

/* "domestic" / "intra-eu" / "export" into *out; false for anything else
 * (an absent attribute is QS_TREATMENT_INFER, set by the caller). */
bool qs_tax_treatment_parse(const char *text, qs_tax_treatment *out);

/* "S", "Z", "E", "K", "AE", "G" or "O" into *out; false otherwise. */
bool qs_tax_category_parse(const char *text, qs_tax_category *out);

/* The UNTDID 5305 code: "S", "Z", "E", "K", "AE", "G", "O". */
const char *qs_tax_category_code(qs_tax_category c);

/* The VATEX code ("VATEX-EU-IC") or NULL for QS_VATEX_NONE. */
const char *qs_vatex_code(qs_vatex v);

/* The VATEX code list's English text ("Intra-Community supply") or NULL
 * for QS_VATEX_NONE. */
const char *qs_vatex_text(qs_vatex v);

/* The exemption note printed for a tax group, in the document's language:
 * for E, exemption_reason itself (the group's reasons, joined; may be
 * NULL); for K, AE, G and O a fixed note (German cites the UStG, English
 * Directive 2006/112/EC); NULL for S and Z, which print no note. */
const char *qs_tax_note(qs_tax_category c, qs_lang lang, const char *exemption_reason);

/* Joins the distinct exemption-reasons of the exempt rates merged into one
 * E group (SPEC 2.2: one group per category and percent; EN 16931 BR-E-01:
 * one E breakdown per document), in order of first use: "A; B". A
 * semicolon and a space read the same in German and English. */
#define QS_TAX_REASON_SEPARATOR "; "

/* ---- arithmetic (SPEC 2.2, revised 2026-12) ---- */

/* One line's figures, rounded to the currency's minor unit. */
typedef struct {
    qs_decimal amount;    /* round(exact amount) */
    qs_decimal allowance; /* round(amount x discount / 100) */
    qs_decimal net;       /* amount - allowance */
} qs_line_figures;

/* A line's discount: every allowance rounded on its own, the net a
 * difference. The allowance is taken of the rounded amount, the base an
 * e-invoice can show (EN 16931 BT-137, at most 2 decimals), so that
 * allowance = round(base x percent / 100) holds there exactly. exact_amount is qty x unit price (or the exact sum of the
 * graduated bands) as the product of two qs_decimal, i.e. in units of
 * 1/QS_DECIMAL_SCALE^2; discount_percent 0..100 (0 for no discount);
 * minor_digits 0..4. Rounding is half away from zero. Returns false on
 * overflow or an argument out of range, leaving *out untouched. */
bool qs_tax_price_line(qs_wide exact_amount, qs_decimal discount_percent, int minor_digits,
                       qs_line_figures *out);

/* A tax group: one category and percent. The caller fills category,
 * percent and net (the sum of net of the group's counted lines);
 * qs_tax_price_groups fills the rest. */
typedef struct {
    qs_tax_category category;
    qs_decimal percent;
    qs_decimal net;       /* in */
    qs_decimal allowance; /* out: round(net x quote discount / 100) */
    qs_decimal base;      /* out: net - allowance */
    qs_decimal amount;    /* out: round(base x percent / 100) */
} qs_tax_group;

/* The quote's totals (the attributes of `<totals>`). */
typedef struct {
    qs_decimal net;      /* sum of net_g */
    qs_decimal discount; /* sum of allowance_g */
    qs_decimal taxable;  /* sum of base_g */
    qs_decimal tax;      /* sum of amount_g */
    qs_decimal gross;    /* taxable + tax */
} qs_tax_totals;

/* Prices the quote's tax groups (SPEC 2.2): per group allowance, base and
 * amount, each rounded on its own to minor_digits (0..4), then the totals.
 * discount_percent is the quote discount, 0..100 (0 for none). Returns
 * false on overflow or an argument out of range; then *totals is
 * untouched and the groups' out fields are unspecified. */
bool qs_tax_price_groups(qs_tax_group *groups, size_t ngroups, qs_decimal discount_percent,
                         int minor_digits, qs_tax_totals *totals);

#endif
