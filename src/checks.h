/* checks: the built-in checks that every quote gets, with or without a
 * rules file (docs/rules.md, "Built-in checks"). They run on the merged
 * data tree and report at the source of the offending field:
 *   validity-order      error    valid-until must be after date
 *   customer-address    error    a final quote names the customer and its
 *                                full address (street, postal code, city,
 *                                country)
 *   validity-beyond-pricelist
 *                       error    the quote is not valid longer than any
 *                                price list it uses
 *   incoterm            error    delivery/@incoterm is an Incoterms 2020 code
 *   incoterm-place      error    ... with a named place
 *   incoterm-sea        warning  FAS, FOB, CFR, CIF only with by-sea="true"
 *   payment-terms       error    discount-days shorter than days; a
 *                                discount-percent and discount-days only
 *                                together
 * Fields whose shape is wrong (a date that is not YYYY-MM-DD, a number
 * that is not a decimal) are the loader's to report; the checks that need
 * them are skipped.
 * Ownership: nothing is kept; diagnostics are copied into the sink. */
#ifndef QS_CHECKS_H
#define QS_CHECKS_H

#include <libxml/tree.h>

#include "diag.h"

/* Runs every built-in check on the merged tree. */
void qs_checks_run(xmlDoc *tree, qs_diags *d);

#endif
