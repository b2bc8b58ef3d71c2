/* rules: checks the merged, priced data tree against a rules file
 * (SPEC 3.4, docs/rules.md): <pattern> elements match the string value of
 * every node their `select` finds against a PCRE2 regex, <assert> elements
 * require their `test` to be true for every node their `context` finds.
 * Each failure is a diagnostic with the rule's severity, at the source of
 * the offending node, naming the rule id and the rules file line.
 * Ownership: nothing is kept between calls; diagnostics are copied into the
 * sink. */
#ifndef QS_RULES_H
#define QS_RULES_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "diag.h"
#include "input.h"
#include "xpath.h"

/* Operations all XPath evaluations of one rule may take together (its
 * selection, every test and every message), on top of the per-evaluation
 * QS_XPATH_OP_LIMIT: a rule that is merely slow on each of thousands of
 * nodes still ends within a fraction of a second. */
#define QS_RULE_OP_BUDGET (4UL * QS_XPATH_OP_LIMIT)

/* Checks `tree` (the merged data tree that `x` was made for) against the
 * rules file `rules` (loaded and schema-validated; its `path` names it in
 * diagnostics and its `data` is used to find line:col of attributes).
 * Rules run in file order. Findings get the rule's severity (error,
 * approval, warning); a broken rule (invalid regex or XPath, a limit
 * reached, a bad message) is one QS_SEV_ERROR diagnostic at the rules file,
 * and the check goes on with the next rule. Call once per rules file. */
void qs_rules_check(qs_xpath *x, xmlDoc *tree, const qs_input *rules,
                    qs_diags *d);

/* True when the tree's <quote status> is "draft" (anything else counts as
 * final, the safe side). */
bool qs_rules_is_draft(const xmlDoc *tree);

#endif
