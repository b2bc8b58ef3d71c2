/* rule_ids: the table of quotesmith's own rule ids (the [rule-id] of a
 * diagnostic), each with one meaning and a one-line description. SARIF's
 * rule descriptions come from here; docs/cli.md lists the same ids, and
 * tests/rule-ids.sh holds the table against the docs and against the ids
 * the code in src/ uses. Ids of rules files (docs/rules.md) are the
 * files' own and are not in this table.
 * Ownership: static data, never freed. */
#ifndef QS_RULE_IDS_H
#define QS_RULE_IDS_H

#include <stddef.h>

typedef struct {
    const char *id;           /* e.g. "unknown-sku" */
    const char *description;  /* one sentence, for SARIF and the docs */
} qs_rule_id;

/* The table, sorted by id. */
extern const qs_rule_id qs_rule_ids[];
extern const size_t qs_rule_ids_count;

/* The description of a built-in rule id, or NULL for any other id (a
 * rules file's). */
const char *qs_rule_id_description(const char *id);

#endif
