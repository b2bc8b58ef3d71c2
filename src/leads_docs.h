/* leads_docs: the documents of a screening (SPEC 8, docs/leads.md): one
 * call sheet per rep and, with --letters, one information letter per
 * qualified lead, each made through the template engine (a data tree, a
 * template, layout, PDF) like a catalog.
 *
 * The qualified leads come as one document, <leads> holding a <lead> per
 * qualified row in list order:
 *
 *   <lead row="LINE" src="FILE:LINE" score="N" [rep="NAME"]>
 *     <company>…</company> …                one child per mapped field
 *     <reasons><reason id="ID">label, else id</reason>…</reasons>
 *   </lead>
 *
 * A call sheet's data tree: <call-sheet rep lang [date] count> with the
 * rep's leads by score, highest first (ties by row).
 * A letter's data tree:
 *
 *   <letter lang currency [date] src>
 *     [<sender name street postal-code city country phone email web/>]
 *     <lead …/>                              as above
 *     <addressee gender="f|m|" academic="Dr." academic-en="Dr"
 *                given="Anna" family="Berger" position="Leiterin Einkauf"/>
 *     <category name>…</category>…           the catalog tree's categories
 *   </letter>                                 that fit the lead's industry
 *
 * Ownership: a qs_letters owns its strings, patterns and catalog trees
 * (qs_letters_free); the leads document stays the caller's. */
#ifndef QS_LEADS_DOCS_H
#define QS_LEADS_DOCS_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "diag.h"
#include "input.h"

typedef struct qs_letters qs_letters;

/* Reads the <letter> element of the rules file `rules` (template, price
 * list, date, sender, interests), checks the template and price list can
 * be read, compiles the industry patterns and builds the price list's
 * catalog trees (de and en). `letter` NULL is an error ("--letters needs
 * a <letter> element"). Copies all it keeps: the rules document may be
 * released afterwards. Returns NULL after an error diagnostic. */
qs_letters *qs_letters_load(qs_inputs *in, const qs_input *rules, const xmlNode *letter,
                            qs_diags *d);
void qs_letters_free(qs_letters *L);

/* Writes OUTDIR/call-sheets/REP.pdf (the rep's name made safe; leads
 * without a rep on "unassigned.pdf") from templates/call-sheet/template.xml
 * under the root, labels in `lang` ("de" or "en"), atomically. The names
 * written are added to `written` (one per line). Returns false after an
 * error diagnostic. */
bool qs_leads_call_sheets(qs_inputs *in, const xmlNode *leads, const char *lang,
                          const char *outdir, qs_buf *written, qs_diags *d);

/* Writes OUTDIR/letters/ROW.pdf for every lead and letters/index.csv
 * (row,email,file), atomically, building the letters in `jobs` worker
 * processes (the bytes do not depend on it); *count is the number of
 * letters. Shows a progress line on stderr when `progress`.
 * Returns false after an error diagnostic (nothing written then). */
bool qs_leads_letters(qs_inputs *in, const qs_letters *L, const xmlNode *leads,
                      unsigned jobs, bool progress, const char *outdir, size_t *count,
                      qs_diags *d);

#endif
