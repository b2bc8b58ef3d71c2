/* salesreport: the `report` command (SPEC 7, docs/report.md). Finds the
 * quotes, gets each one's figures (from the register when its inputs are
 * unchanged, else by loading and pricing it), loads outcomes and targets,
 * computes the figures for the period and writes report.pdf, one
 * report-MANAGER.pdf per team, report.csv and report.json atomically.
 * Ownership: qs_salesreport_run owns everything it allocates and frees it
 * before returning; the options are borrowed. */
#ifndef QS_SALESREPORT_H
#define QS_SALESREPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct {
    char *const *paths;        /* folders and quote files */
    size_t npaths;
    const char *root;
    const char *outcomes, *targets;
    const char *period;        /* NULL: the quarter of as_of */
    const char *as_of;         /* NULL: today */
    const char *outdir;        /* NULL: out/report-PERIOD */
    const char *lang;          /* NULL: de */
    const char *register_path; /* NULL: OUTDIR/../report-register.sqlite, or
                                  OUTDIR/report-register.sqlite (salesreport.c) */
    size_t max_file_size;
    unsigned jobs;             /* worker processes for quotes not in the register */
    bool strict;               /* a quote that fails to load is fatal */
} qs_salesreport_options;

/* Runs the report; returns the exit status (0 written, 1 invalid input,
 * 2 usage or environment) with the diagnostics in `d`. */
int qs_salesreport_run(const qs_salesreport_options *o, qs_diags *d);

#endif
