/* pdf_links: the e-mail and web addresses in a laid-out document's text,
 * as link annotations (issue 15 point 3). An e-mail address becomes a
 * `mailto:` URI action, a web address (http://, https://, www.) a URI
 * action (www. gets https://), over the address's box on its page: no
 * border, printed (/F 4, as PDF/A wants), /Contents naming the target.
 * An address the layout broke over two lines (the next text run at the
 * same x, below it) gets a link on each part.
 * Ownership: nothing is kept; *uri is the caller's buffer. */
#ifndef QS_PDF_LINKS_H
#define QS_PDF_LINKS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "layout.h"
#include "pdf_tags.h"
#include "pdf_update.h"

/* Finds the first address in text[from..), a word between white space,
 * without the punctuation around it ("(", quotes, and ".", ",", ";",
 * ":", "!", "?", ")" after it). Stores its byte offset and length and
 * appends its URI to `uri`. False when there is none. */
bool qs_link_find(const char *text, size_t from, size_t *start, size_t *len,
                  qs_buf *uri);

/* Adds the links of every text item of `l` (laid out from `doc`) to the
 * update: the annotations, and an /Annots array on each page that has some
 * (qs_pdf_update_dict_add). `pages` holds the page objects' numbers,
 * l->npages of them. With `tags`, each annotation gets a /StructParent and
 * a Link element under its text's element (pdf_tags.c). Returns false when
 * a page's dictionary cannot be read (or already has annotations). */
bool qs_pdf_links_add(qs_pdf_update *u, const qs_doc *doc, const qs_layout *l,
                      const unsigned *pages, qs_pdf_tags *tags);

#endif
