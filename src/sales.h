/* sales: the won-vs-target report's model and figures (SPEC 7,
 * docs/report.md). Loads outcomes.xml and targets.xml, holds each quote's
 * figures (read from a priced quote by qs_sales_quote_read, or from the
 * register), joins them for a period and an as-of date, and writes
 * report.json, report.csv and the report data tree that templates/report
 * lays out.
 *
 * Ownership: a qs_sales_history owns every string of its quotes and of its
 * outcomes and targets in its arena; qs_sales_history_free releases it all.
 * A qs_sales_figures belongs to the history it was computed from (it must
 * not outlive it) and is freed with qs_sales_figures_free. */
#ifndef QS_SALES_H
#define QS_SALES_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "arena.h"
#include "decimal.h"
#include "diag.h"
#include "quote.h"
#include "strmap.h"

/* One department's won-relevant figure of a quote. */
typedef struct {
    const char *name;
    qs_decimal net;          /* sum of its non-optional lines' net */
} qs_sales_dept;

/* What the report needs of one priced quote. */
typedef struct {
    const char *path;        /* display path of quote.xml */
    const char *id, *rep, *currency, *date, *valid_until;
    unsigned currency_line, currency_col;  /* where @currency is written */
    unsigned id_line, id_col;              /* where @id is written */
    qs_decimal taxable;      /* totals/@taxable */
    qs_decimal discount;     /* the quote discount in percent, 0 without */
    bool has_margin;
    qs_decimal margin;       /* percent, 2 decimals, over lines with a cost */
    qs_sales_dept *depts;
    size_t ndepts;
} qs_sales_quote;

/* A quote that did not load: left out of the figures, counted. */
typedef struct {
    const char *path;
    const char *id;          /* when it was read before the failure, or NULL */
} qs_sales_failed;

typedef enum { QS_WON, QS_LOST, QS_WITHDRAWN, QS_OPEN, QS_EXPIRED, QS_NSTATUS } qs_sales_status;

typedef struct {
    const char *quote, *date, *reason, *competitor, *order_ref;
    qs_sales_status status;  /* won, lost or withdrawn */
    bool has_amount;
    qs_decimal amount;
} qs_sales_outcome;

typedef struct {
    const char *manager;
    const char **reps;
    size_t nreps;
} qs_sales_team;

typedef struct {
    const char *period, *rep, *department;  /* rep/department NULL: the team */
    qs_decimal amount;
} qs_sales_target;

typedef struct {
    qs_arena arena;
    qs_sales_quote *quotes;
    size_t nquotes, quotes_cap;
    qs_sales_failed *failed;
    size_t nfailed, failed_cap;
    const char *targets_path;     /* for the currency diagnostic */
    const char *currency;         /* the targets' currency */
    int minor_digits;
    qs_sales_outcome *outcomes;
    size_t noutcomes;
    qs_sales_team *teams;
    size_t nteams;
    qs_sales_target *targets;
    size_t ntargets;
    qs_strmap quote_ids;          /* quote id -> position in quotes */
    qs_strmap outcome_ids;        /* quote id -> position in outcomes */
} qs_sales_history;

void qs_sales_history_init(qs_sales_history *h);
void qs_sales_history_free(qs_sales_history *h);

/* Reads the report's figures of a loaded and priced quote into *out
 * (strings copied into `a`). THE one place that knows where a quote keeps
 * them: the merged tree's /quote/totals/@taxable and @discount-percent, each
 * department's non-optional lines' @net, @cost and @qty, the quote's
 * valid-until, date and currency, and its rep (quote/@owner, else
 * seller/contact/name). */
void qs_sales_quote_read(const qs_quote *q, qs_arena *a, qs_sales_quote *out);

/* Appends a copy of *src (strings copied into the history's arena). */
void qs_sales_add_quote(qs_sales_history *h, const qs_sales_quote *src);
void qs_sales_add_failed(qs_sales_history *h, const char *path, const char *id);

/* Loads, prices and reads one quote through `in` (the caller's, set up
 * for this quote alone: afterwards in->head lists every file it read). On
 * success adds it to `h` and returns true; otherwise adds it to the failed
 * quotes (its diagnostics in `d`). */
bool qs_sales_load_quote(qs_sales_history *h, qs_inputs *in, const char *path, qs_diags *d);

/* Loads outcomes.xml and targets.xml through `in` and checks them against
 * the quotes in `h`: every error the SPEC and docs/report.md list, at
 * file:line:col. Returns false after at least one error. */
bool qs_sales_load_plan(qs_sales_history *h, qs_inputs *in, const char *outcomes_path,
                        const char *targets_path, qs_diags *d);

/* A period: "YYYY", "YYYY-Qn" or "YYYY-MM", with its first and last day
 * (YYYY-MM-DD) and its months (YYYY-MM). */
typedef struct {
    char text[8];
    char first[11], last[11];
    char months[12][8];
    int nmonths;
} qs_sales_period;

bool qs_sales_period_parse(const char *text, qs_sales_period *p);
/* True for a real calendar date YYYY-MM-DD. */
bool qs_sales_is_date(const char *s);

typedef struct qs_sales_figures qs_sales_figures;

/* The figures of SPEC 7 for `period` as of `as_of` (a checked date), over
 * every quote in `h`, or only those of `team` (not NULL: a manager's
 * report; its target is then the sum of its reps' targets). */
qs_sales_figures *qs_sales_figures_new(const qs_sales_history *h, const qs_sales_period *p,
                                       const char *as_of, const qs_sales_team *team);
void qs_sales_figures_free(qs_sales_figures *f);

/* report.json (binding core first, docs/report.md), malloc'd, *size bytes. */
char *qs_sales_json(const qs_sales_figures *f, size_t *size);
/* report.csv: one row per quote counted in the period. */
char *qs_sales_csv(const qs_sales_figures *f, size_t *size);
/* The report data tree (docs/report.md) for templates/report, in `lang`. */
xmlDoc *qs_sales_tree(const qs_sales_figures *f, const char *lang);

#endif
