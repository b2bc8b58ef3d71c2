/* merge: builds the merged data tree (SPEC 2.1) from a loaded quote: the
 * quote's own fields, each department's groups, lines (numbered with pos,
 * resolved against the price lists), sections and terms.
 *
 * Source locations in the merged tree: every element copied from an input
 * keeps its line number (xmlGetLineNo); <quote> and <department> carry
 * src="FILE", each <line> carries src="FILE:LINE". qs_tree_source_of finds
 * the file and line of any node from those. */
#ifndef QS_MERGE_H
#define QS_MERGE_H

#include <libxml/tree.h>

/* Stores in *file (pointing into the tree, valid while it lives) and *line
 * where `node` (an element or attribute of the merged tree) came from. The
 * file is the nearest ancestor-or-self's src; the line is the line of a
 * <line>'s src, else the node's own line. *file is NULL when unknown. */
void qs_tree_source_of(const xmlNode *node, const char **file, unsigned *line);

/* The child `element` (<name>, <description>) of `parent` in language
 * `lang`: one with lang="`lang`", else one without lang, else the first;
 * NULL when there is none. */
const xmlNode *qs_tree_localized(const xmlNode *parent, const char *element,
                                 const char *lang);

#endif
