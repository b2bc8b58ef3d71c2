/* diff: compares two OASIS UBL 2.1 Quotation documents (SPEC 9), ours or
 * anyone's: lines matched by the seller's item id, totals and validity
 * before and after, as a text table or as JSON.
 * Ownership: the comparison lives in an arena of its own, freed before
 * qs_diff_files returns; the caller owns `out`. */
#ifndef QS_DIFF_H
#define QS_DIFF_H

#include <stdbool.h>

#include "buf.h"
#include "diag.h"
#include "input.h"

typedef enum {
    QS_DIFF_EQUAL,     /* same lines, totals and validity */
    QS_DIFF_DIFFERENT,
    QS_DIFF_FAILED     /* a file is missing, not XML, not a schema-valid UBL
                          2.1 Quotation, or holds an amount beyond decimal.h;
                          diagnostics say why, `out` stays empty */
} qs_diff_result;

/* Reads `old_path` and `new_path` through `in` (confined to its root,
 * size-capped, validated against the built-in UBL 2.1 Quotation schema)
 * and appends the comparison to `out`: a text table, or with `json` one
 * JSON object and a newline. */
qs_diff_result qs_diff_files(qs_inputs *in, const char *old_path, const char *new_path,
                             bool json, qs_buf *out, qs_diags *d);

#endif
