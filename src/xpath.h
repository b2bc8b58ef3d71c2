/* xpath: XPath 1.0 over the merged data tree, for rules and templates.
 * Every evaluation runs under libxml2's operation limit and a context
 * under a string budget (QS_XPATH_BYTE_LIMIT), so a pathological
 * expression stops with a diagnostic instead of running for seconds (a
 * plain path found directly, qs_xpath_path_first, gives up after 1,000
 * nodes and leaves the rest to that evaluation). The
 * EXSLT regular-expressions function re:test(string, regex[, flags]) is
 * bound (prefix "re" needs no declaration), backed by regex.c's PCRE2
 * machinery and limits; so are quotesmith's helper functions (qs:...,
 * documented in docs/rules.md). No function that reads files (document())
 * is available.
 * Ownership: a qs_xpath owns its libxml2 context and compiled regexes. */
#ifndef QS_XPATH_H
#define QS_XPATH_H

#include <stdbool.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "diag.h"

/* Operations one evaluation may take before it is stopped. */
#define QS_XPATH_OP_LIMIT 5000000UL

/* Bytes libxml2 may allocate while one context lives (its evaluations and
 * the string values taken of their results, all together): past it, the
 * evaluation in progress stops and every later one fails, with a
 * diagnostic at the expression. The operation limit does not count string
 * work; this does. */
#define QS_XPATH_BYTE_LIMIT (1024u * 1024u * 1024u)

typedef struct qs_xpath qs_xpath;

/* Where an expression was written, for diagnostics. */
typedef struct {
    const char *file;
    unsigned line, col;
    const char *rule;  /* rule id for diagnostics, e.g. "max-discount" or "template" */
} qs_xpath_origin;

qs_xpath *qs_xpath_new(xmlDoc *doc, qs_diags *d);
void qs_xpath_free(qs_xpath *x);

/* Compiles `expr`. On a syntax error adds a diagnostic at `origin` with
 * libxml2's explanation and returns NULL. Free with xmlXPathFreeCompExpr. */
xmlXPathCompExprPtr qs_xpath_compile(qs_xpath *x, const char *expr,
                                     const qs_xpath_origin *origin);

/* Evaluates `expr` with `node` as the context node (NULL: the document
 * node), context size and position 1, under QS_XPATH_OP_LIMIT. On an
 * evaluation error (limit reached, unknown function, regex failure) adds
 * a diagnostic at `origin` and returns NULL. Free with xmlXPathFreeObject. */
xmlXPathObjectPtr qs_xpath_eval(qs_xpath *x, xmlXPathCompExprPtr expr,
                                xmlNode *node, const qs_xpath_origin *origin);

/* Like qs_xpath_compile and qs_xpath_eval, but a failure adds no
 * diagnostic yet: it is kept in `x` until the next compile or evaluation,
 * and qs_xpath_report adds it. For callers whose origin is costly to work
 * out and needed only when something failed (the template locates an
 * element in its source text, about 1,800 instructions per evaluation). */
xmlXPathCompExprPtr qs_xpath_try_compile(qs_xpath *x, const char *expr);
xmlXPathObjectPtr qs_xpath_try_eval(qs_xpath *x, xmlXPathCompExprPtr expr,
                                    xmlNode *node);

/* Adds the diagnostic of the last failed qs_xpath_try_compile or
 * qs_xpath_try_eval at `origin`: the same one qs_xpath_compile or
 * qs_xpath_eval would have added. */
void qs_xpath_report(qs_xpath *x, const qs_xpath_origin *origin);

/* A plain path: child element steps, optionally ending in one attribute
 * step, like "name", "seller/address/city", "@net" or "totals/@gross".
 * Most template expressions have this form. Finding its first node
 * directly costs a few hundred instructions; libxml2's evaluation about
 * 3,000 (a parser context, node sets, the error capture). */
typedef struct qs_xpath_path qs_xpath_path;

/* The plain path `expr` is, or NULL when it is any other expression
 * (whitespace, predicates, axes, functions, a prefix, a non-ASCII name).
 * Free with qs_xpath_path_free. */
qs_xpath_path *qs_xpath_path_new(const char *expr);
void qs_xpath_path_free(qs_xpath_path *p);

/* Stores in *first the first node, in document order, that `p` selects
 * with `node` as the context node, or NULL when it selects none: the node
 * libxml2's evaluation would give first. Returns false, and the caller
 * evaluates the compiled expression instead, when the answer could
 * differ from libxml2's or is not cheap: `node` is not an element, a
 * node of a step's name has a namespace, or the walk meets more than a
 * thousand nodes (long walks stay under QS_XPATH_OP_LIMIT's control). */
bool qs_xpath_path_first(const qs_xpath_path *p, xmlNode *node,
                         xmlNode **first);

/* The number of operations the last evaluation counted (libxml2's
 * opCount), so a caller can hold many evaluations to a common budget. */
unsigned long qs_xpath_last_ops(const qs_xpath *x);

/* Starts x's allocation budget (QS_XPATH_BYTE_LIMIT) afresh, for a caller
 * whose context lives through many independent units of work, each
 * freed before the next (leads: one row's tree and tests), so that the
 * limit holds per unit and the work of earlier ones (or loading between
 * them) never counts against a later one. */
void qs_xpath_reset_budget(qs_xpath *x);

#endif
