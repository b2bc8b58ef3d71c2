/* explain: shows how each figure of a priced quote came about. */
#ifndef QS_EXPLAIN_H
#define QS_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "quote.h"

/* Writes the price waterfall of every line (or only the line at position
 * `pos`, when not NULL) and, for the whole quote, of the totals; as aligned
 * text, or JSON with `json`. Returns false after a diagnostic when `pos`
 * names no line. */
bool qs_explain(qs_quote *q, const char *pos, bool json, FILE *out, qs_diags *d);

#endif
