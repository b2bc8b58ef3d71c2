/* values: reading the values written in input files with their checks:
 * decimals with the strict grammar of SPEC 2 and bounds, calendar dates.
 * A bad value is a diagnostic at its file:line:col (rule "bad-number" or
 * "bad-date"). Shared by the quote loader and the catalog. */
#ifndef QS_VALUES_H
#define QS_VALUES_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "decimal.h"
#include "diag.h"
#include "input.h"

/* Parses the decimal `text`, written in attribute `attr` of `node` (or,
 * with attr NULL, as the element's text). It must not exceed `max` (max < 0:
 * unbounded) and with `positive` must be above 0. Stores it in *out and
 * returns true, or adds a diagnostic and returns false. */
bool qs_value_decimal(const qs_input *src, const xmlNode *node, const char *attr,
                      const char *text, qs_decimal max, bool positive,
                      qs_decimal *out, qs_diags *d);

/* A calendar date. */
typedef struct {
    int year, month, day;
} qs_date;

/* Checks that `text` is a real calendar date written YYYY-MM-DD (from
 * 1900 on) and stores it in *out; adds a diagnostic and returns false
 * otherwise. */
bool qs_value_date(const qs_input *src, const xmlNode *node, const char *attr,
                   const char *text, qs_date *out, qs_diags *d);

/* "YYYY-MM-DD" into buf. */
const char *qs_date_format(qs_date date, char buf[11]);

/* Below 0, 0, above 0 as a is before, on, after b. */
int qs_date_compare(qs_date a, qs_date b);

/* Parses a quote's revision number (SPEC 9): a whole number from 1 to
 * 9999 written without sign or leading zeros. Returns false otherwise. */
bool qs_revision_parse(const char *text, unsigned *out);

/* True when `text` is a real calendar date written YYYY-MM-DD. */
bool qs_date_is_valid(const char *text);


#endif
