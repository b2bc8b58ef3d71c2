/* report: files that describe a run for other tools: SARIF 2.1.0 for
 * code-scanning views, JUnit XML for test dashboards, Make depfiles, and
 * the per-quote grouping of a batch's diagnostics as text and JSON
 * (docs/ci.md).
 * Ownership: nothing is kept between calls; the caller owns every record
 * passed in. */
#ifndef QS_REPORT_H
#define QS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

/* What became of one quote. */
typedef enum {
    QS_CASE_BUILT,
    QS_CASE_SKIPPED,      /* up to date (batch) */
    QS_CASE_FAILED,       /* the worker exited with status `code` */
    QS_CASE_CRASHED,      /* the worker was killed by signal `code` */
    QS_CASE_NOT_STARTED   /* an earlier quote failed (no --keep-going) */
} qs_case_result;

/* One quote of a run, as the reports see it. */
typedef struct {
    const char *quote;       /* display path of the quote file */
    const char *id;          /* the quote's id, or NULL when unknown */
    const qs_diags *diags;   /* its diagnostics (sorted), or NULL */
    bool draft;              /* approvals are warnings in a draft */
    qs_case_result result;
    int code;                /* exit status (failed) or signal (crashed) */
    double seconds;          /* wall time of its worker */
} qs_report_case;

/* The SARIF level of a diagnostic: error, warning or note. An approval is
 * an error in a final quote and a warning in a draft. */
const char *qs_report_sarif_level(qs_severity sev, bool draft);

/* Writes one SARIF 2.1.0 log (one run, tool "quotesmith" with a rule per
 * rule id seen) holding the diagnostics of every case; a diagnostic that
 * several quotes share (a price list's) is reported once. Locations are
 * the display paths as relative URIs, with line and column when known. */
void qs_report_sarif(const qs_report_case *cases, size_t n, FILE *out);

/* The diagnostics of every case as compiler-style lines, grouped per
 * quote in the order given: a line "== QUOTE" heads each group that has
 * diagnostics. */
void qs_report_text(const qs_report_case *cases, size_t n, FILE *out);

/* The diagnostics of every case as one JSON array, in the format of
 * qs_diags_print_json with a "quote" member (the quote's path) added. */
void qs_report_json(const qs_report_case *cases, size_t n, FILE *out);

/* Writes a JUnit XML file: one <testsuite name="quotesmith"> with one
 * <testcase> per case (classname: the quote's folder, name: its id or
 * path, time in seconds); <failure> with the diagnostics as text for a
 * failed quote, <error> for a crashed one, <skipped/> for one up to date
 * or not started. Written atomically (a temporary renamed over `path`);
 * returns false after a diagnostic (rule "output") in `d`. */
bool qs_report_junit(const char *path, const qs_report_case *cases, size_t n,
                     qs_diags *d);

/* Writes a Makefile rule "TARGETS: PREREQUISITES" and an empty rule for
 * every prerequisite but the first (so make does not fail when a file
 * stops being read and is deleted, like cc -MP), with spaces, '#' and '$'
 * escaped for make. Written atomically; returns false after a diagnostic
 * (rule "output") in `d`, also when a path holds a newline. */
bool qs_report_depfile(const char *path, const char *const *targets, size_t ntargets,
                       const char *const *prereqs, size_t nprereqs, qs_diags *d);

#endif
