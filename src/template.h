/* template: the template stage. Loads a template (templates/NAME/template.xml,
 * the language of docs/templates.md), evaluates it against the merged data
 * tree and fills a qs_doc (page masters, the flow of blocks, fonts, images,
 * metadata, watermark) for the layout engine.
 *
 * Template errors are diagnostics at template.xml:line:col with rule id
 * "template"; a character the chosen font cannot show is a diagnostic with
 * rule id "missing-glyph" at the template element that produced the text,
 * naming the character and, when it came from the data tree, the node's path
 * and source file:line.
 * Ownership: everything the stage creates belongs to the qs_doc: strings,
 * blocks and the fonts/images pointer arrays live in doc->arena; each
 * qs_font and qs_image is owned by the doc and freed by qs_doc_free. */
#ifndef QS_TEMPLATE_H
#define QS_TEMPLATE_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "diag.h"
#include "input.h"
#include "layout.h"

/* The template of a quote that names none, relative to the project root. */
#define QS_DEFAULT_TEMPLATE "templates/standard/template.xml"

/* Builds `doc` from the template at `template_path` (a display path, read
 * through `in`, so it is confined to the project root and schema-validated
 * with QS_FORMAT_TEMPLATE; `at` is where the template was named, NULL for
 * the command line) evaluated against the merged tree `tree`.
 *
 * - `quote_path` (display path of the quote file) is the base for hrefs
 *   the template reads from the tree, such as <image select=
 *   "/quote/seller/logo/@href">, when the node's own source is unknown.
 * - `lang` ("de" or "en", e.g. from --lang) picks the document language;
 *   NULL means /quote/@lang, and "de" when that is missing too. The
 *   currency for money() is /quote/@currency.
 * - `doc` must have been set up with qs_doc_init; fonts are loaded in the
 *   template's declaration order (regular, bold, italic, bold-italic per
 *   <font>), so font indices are fixed for a template. The metadata creator
 *   is "quotesmith " QS_VERSION and the date is /quote/date.
 *
 * Returns true when the document is complete. Returns false after at least
 * one error diagnostic; `doc` may then be partly filled and must still be
 * released with qs_doc_free. Never prints. */
bool qs_template_build(qs_inputs *in, const char *template_path,
                       const qs_origin *at, xmlDoc *tree,
                       const char *quote_path, const char *lang, qs_doc *doc,
                       qs_diags *d);

#endif
