/* load: the first stage. Reads a quote and everything it references (price
 * lists, departments, rules) into the typed quote model (quote.h),
 * checking every value the schemas cannot, then frees the documents it
 * parsed. */
#ifndef QS_LOAD_H
#define QS_LOAD_H

#include <stdbool.h>

#include "diag.h"
#include "input.h"
#include "quote.h"

/* Loads the quote at `path` with everything it references, checking every
 * value (decimals, dates, currencies, validity, SKUs, tax ids, duplicates,
 * overrides); every problem is reported, not only the first. The quote's,
 * price lists' and departments' documents are freed before it returns;
 * the rules files stay parsed for the rules stage. Returns false after
 * diagnostics; *q must be freed with qs_quote_free in every case. */
bool qs_quote_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d);

/* Loads the price list at `path` on its own, as the catalog does: the same
 * checks as for a quote's price list (values, dates and their order, tax
 * ids, tiers, duplicate SKUs, a known currency), without a quote's date,
 * currency or overrides. q->lists[0] is the list, q->products its
 * products. Its document stays parsed (the catalog reads it). Returns
 * false after diagnostics; free q with qs_quote_free in every case. */
bool qs_pricelist_load(qs_quote *q, qs_inputs *in, const char *path, qs_diags *d);

#endif
