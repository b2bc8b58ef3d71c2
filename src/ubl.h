/* ubl: the package's machine-readable copy of the quote, an OASIS UBL 2.1
 * Quotation document built from the priced quote model (SPEC 5;
 * the mapping is documented in docs/package.md). */
#ifndef QS_UBL_H
#define QS_UBL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "quote.h"

/* Serialises the quote (loaded and priced) as a UBL 2.1 Quotation: UTF-8,
 * indented, byte-identical for the same quote. Every amount is the
 * model's decimal in the currency's minor digits (prices as the price list
 * wrote them), with currencyID. On success *out is a malloc'd buffer of
 * *size bytes (not NUL-terminated; the caller frees it). Returns false
 * after an internal diagnostic (rule "ubl") when the quote is not priced
 * or lacks an id or lines. */
bool qs_ubl_write(const qs_quote *q, unsigned char **out, size_t *size,
                  qs_diags *d);

/* The UN/ECE Recommendation 20 code for one of our units ("Stk." -> "C62",
 * "Tag" -> "DAY", ...); "C62" (one) for a unit the table does not know.
 * Never NULL; the string is static. */
const char *qs_ubl_unit_code(const char *unit);

#endif
