/* merge: builds the merged data tree (SPEC 2.1) once from the loaded and
 * priced model: the quote's own elements, each department's groups and
 * lines (numbered with pos, with their figures), sections and terms, the
 * totals. The tree is a view for XPath (rules, templates) and `data`;
 * every other stage reads the model.
 *
 * Source positions: every element merge makes or copies carries, in its
 * _private field (libxml2's slot for application data), a pointer to the
 * qs_origin of the model object it came from: a <line> the <item>'s, its
 * <name> the <name> in the department or price list it was taken from, a
 * <department> the department file's root, a copied element its original.
 * Elements without one of their own (<group> of loose items has the first
 * item's, <totals> has none) take their nearest ancestor's. The origins
 * live in the quote's model and arena, as long as the tree. Trees built
 * elsewhere (the catalog's, tests') have no _private origins: there the
 * src attributes (src="FILE" on <quote>, <department>, <catalog>;
 * src="FILE:LINE" on <line>) and libxml2's line numbers give file and
 * line, without a column. */
#ifndef QS_MERGE_H
#define QS_MERGE_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "diag.h"
#include "input.h"
#include "quote.h"

/* Builds q->tree from the loaded, priced model. Returns false after an
 * "internal" diagnostic when memory runs out (no tree is left). */
bool qs_quote_merge(qs_quote *q, qs_diags *d);

/* Where `node` (an element or attribute of a data tree) came from: file,
 * line and column (column 0 when unknown). Returns false when no file is
 * known (at->file NULL; at->line may still say the node's line). at->file points into the tree or the
 * model, valid while they live. */
bool qs_tree_origin_of(const xmlNode *node, qs_origin *at);

/* The same as file and line only. *file is NULL when unknown. */
void qs_tree_source_of(const xmlNode *node, const char **file, unsigned *line);

/* The child `element` (<name>, <description>) of `parent` in language
 * `lang`: one with lang="`lang`", else one without lang, else the first;
 * NULL when there is none. */
const xmlNode *qs_tree_localized(const xmlNode *parent, const char *element,
                                 const char *lang);

#endif
