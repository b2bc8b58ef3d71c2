/* catalog: sales collateral. Renders a price list (pricing/NAME.xml) as a
 * brochure PDF through the same template language, layout engine and PDF
 * backend as the proposal (docs/catalog.md): the price list is loaded and
 * checked, turned into a "catalog data tree", and a template (by default
 * templates/catalog/template.xml) is evaluated against it.
 *
 * The catalog data tree (figures stay the price list's decimal strings):
 *
 *   <catalog id currency valid-from valid-until date lang src [tier-mode]>
 *     <tax-rate id percent/>                    one per rate, in list order
 *     <category [name]>                         per product category, in
 *       <product sku unit tax tax-percent price   order of first appearance;
 *                [tier-mode]>                     a last <category> without
 *         <name>…</name>                          name holds the products
 *         [<description>…</description>]          without one
 *         [<image href/>]                       the product's picture
 *         <tier min-qty price/>…                ascending min-qty
 *       </product>
 *     </category>
 *   </catalog>
 *
 * - date is valid-from (the PDF's document date, so the output never
 *   depends on the clock); lang is the document language; src the price
 *   list's path, so template diagnostics name file:line of the data.
 * - name and description are picked by language like a quote's lines:
 *   lang equal to the document language, else no lang, else the first.
 * - tier-mode on a product is its effective mode ("volume" or
 *   "graduated": the product's, else the list's, else volume), written
 *   only when the product has tiers. <cost> never enters the tree.
 * - image/@href is the price list's <image href> as written (relative to
 *   the price list, src); a template's <image select> resolves it so.
 *
 * Ownership: the tree belongs to the caller (xmlFreeDoc); *pdf is malloc'd
 * and belongs to the caller. Nothing is printed: problems are diagnostics. */
#ifndef QS_CATALOG_H
#define QS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "diag.h"
#include "input.h"

/* Loads and checks the price list at `pricelist_path` (a display path, read
 * through `in`: confined to the root, schema-validated with
 * QS_FORMAT_PRICELIST) and builds the catalog data tree in the language
 * `lang` ("de" or "en"; NULL: "de"). Every problem is reported at the
 * price list's file:line:col (rules bad-number, bad-date, unknown-currency,
 * unknown-tax, duplicate-tier, pricelist-date-order), not only the first.
 * Returns the tree, or NULL after at least one error diagnostic. */
xmlDoc *qs_catalog_data(qs_inputs *in, const char *pricelist_path,
                        const char *lang, qs_diags *d);

/* The whole pipeline: qs_catalog_data, then the template at
 * `template_path` (a display path; NULL: templates/catalog/template.xml
 * under the project root), layout and PDF. On success *pdf (malloc'd) and
 * *size hold the PDF and the result is true. On failure *pdf is NULL and
 * the diagnostics say why (environment failures, such as a missing file,
 * are marked as such in `d`). */
bool qs_catalog_build(qs_inputs *in, const char *pricelist_path,
                      const char *template_path, const char *lang,
                      unsigned char **pdf, size_t *size, qs_diags *d);

/* The default output file for the price list (loaded through `in`, once:
 * call it after qs_catalog_build): "out/catalog-ID.pdf", malloc'd.
 * Returns NULL after an error diagnostic (rule "output") when the list's id
 * cannot name a file (letters, digits, '-', '_' and '.' only). */
char *qs_catalog_output_path(qs_inputs *in, const char *pricelist_path, qs_diags *d);

#endif
