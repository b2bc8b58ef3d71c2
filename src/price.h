/* price: the pricing engine of SPEC 2.2. Every figure is exact decimal
 * arithmetic (decimal.h), rounded once, commercially, where the SPEC says.
 * Pricing writes its figures into the model: qs_line.price for each line
 * (unit price, amount, bands or tier, net, margin) and q->totals (per tax
 * rate and for the quote); later stages read them there. */
#ifndef QS_PRICE_H
#define QS_PRICE_H

#include "quote.h"

/* Prices every line and the totals of a loaded quote, and proves the
 * sums. Returns false after diagnostics: an overflow is an error at the
 * line (or the quote); an inconsistency is an "internal" error. */
bool qs_quote_price(qs_quote *q, qs_diags *d);

/* The tax group of t that a line of treatment x is summed into (SPEC 2.2:
 * one per category and percent, whatever rate the line names), or NULL
 * when t has none yet. */
const qs_tax_total *qs_tax_group_of(const qs_totals *t, const qs_tax_line *x);

#endif
