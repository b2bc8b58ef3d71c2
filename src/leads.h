/* leads: screens a trade-fair list (CSV) into qualified leads (SPEC 8,
 * docs/leads.md). Loads the leads rules (schemas/leads.xsd), turns each
 * row into a <lead> tree, scores and excludes it with XPath tests,
 * assigns a territory's rep, finds duplicates and existing customers (the
 * customers of the quotes under --customers), and writes leads.csv, one
 * call sheet per rep and a summary.
 *
 * The lead tree, one per row (what score and exclude tests address):
 *
 *   <lead row="LINE" src="FILE:LINE">
 *     <company>…</company> <name>…</name> …   one child per <column>, in
 *   </lead>                                   the rules file's order
 *
 * Statuses, the first that applies: invalid, duplicate, existing-customer,
 * excluded, qualified, below-threshold.
 * Ownership: qs_leads_run owns everything it allocates and frees it before
 * returning; the options are borrowed. */
#ifndef QS_LEADS_H
#define QS_LEADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "csv_read.h"
#include "diag.h"
#include "input.h"

/* The default size cap of a CSV list: 100,000 rows are about 13 MB. */
#define QS_LEADS_MAX_CSV_SIZE (64u * 1024u * 1024u)

typedef struct {
    const char *csv;            /* display path of the list */
    const char *rules;          /* display path of leads.xml */
    const char *customers;      /* folder of quotes, or NULL */
    qs_csv_encoding encoding;
    size_t max_csv_size;        /* 0: QS_LEADS_MAX_CSV_SIZE */
    const char *outdir;         /* NULL: out/leads */
    bool data;                  /* print the lead trees, write nothing */
    bool letters;               /* write the information letters too */
    unsigned jobs;              /* worker processes for the letters, >= 1 */
    const char *lang;           /* call sheets' language, "de" or "en"; NULL: de */
    bool progress;              /* a progress line on stderr (a terminal) */
} qs_leads_options;

/* Runs the whole screening. Reads through `in` (confined to its root),
 * writes the outputs atomically into the output folder, prints the summary
 * (or, with `data`, the lead trees) on `out`. Returns false after an error
 * diagnostic (nothing written then); broken and invalid rows are warnings
 * only. */
bool qs_leads_run(qs_inputs *in, const qs_leads_options *o, FILE *out, qs_diags *d);

/* The company name as matching compares it, into a malloc'd string:
 * case-folded (Unicode simple folding, ß as "ss"), punctuation as spaces,
 * runs of spaces as one, and legal forms at the end removed ("Muster
 * Logistik GmbH & Co. KG" -> "muster logistik"). A name that is nothing
 * but a legal form stays as folded. */
char *qs_leads_company_key(const char *name);

/* Appends one CSV field to b as leads.csv writes it (RFC 4180: quoted when
 * it holds a comma, a quote or a line break, or starts or ends with a
 * blank), then ',' or, when `last`, CRLF. */
void qs_leads_csv_field(qs_buf *b, const char *v, bool last);

#endif
