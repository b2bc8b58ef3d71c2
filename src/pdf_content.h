/* pdf_content: a laid-out page as the operators of its PDF content stream,
 * written here rather than through libharu's page operators
 * (HPDF_Page_TextOut clears a 512-byte buffer and converts and measures
 * every string again per call), with the marked content of the tagged PDF
 * (each item in its structure element's sequence or an artifact;
 * pdf_tags.h). Text is BT ... ET with Tf, Td and Tj (the
 * 2-byte codes in hex: for libharu's UTF-8 fonts, code = CID = the
 * character's Unicode value), fills rg/re/f, rules RG/w/m/l/S, images
 * q/cm/Do/Q, the watermark over everything, last, inside q ... Q (draw_
 * watermark: translucent through the ExtGState `watermark_gs`, and one
 * extractable word, invisible, at the page's top edge). Consecutive
 * text items share one BT ... ET and move with Td by exact differences in
 * 1/1000 pt. Numbers are written from integers, never with printf's %f,
 * so the locale cannot change them.
 * Ownership: nothing is kept; the names are borrowed for the call. */
#ifndef QS_PDF_CONTENT_H
#define QS_PDF_CONTENT_H

#include <stdbool.h>

#include "buf.h"
#include "layout.h"
#include "pdf_tags.h"

/* The watermark's opacity for fill and stroke (/ca and /CA of the
 * ExtGState render_pdf.c adds to every page of a document with one):
 * light where nothing is drawn, and the text under it stays readable. */
#define QS_WATERMARK_ALPHA 0.18f

/* The page's resource names, per doc->fonts and doc->images index ("F1",
 * "X1": letters and digits), NULL for one the page does not use; and the
 * name of the watermark's ExtGState ("E1"), NULL when there is none. */
typedef struct {
    const char *const *fonts;
    const char *const *images;
    const char *watermark_gs;
} qs_pdf_names;

/* Where doc->watermark goes on a page of pw x ph pt: across the centre at
 * 45 degrees, as large as fits (at most 600 pt); *x, *y is the start of its
 * baseline. False when it has no width (nothing to draw). */
bool qs_pdf_watermark_place(const qs_doc *doc, float pw, float ph, float *size,
                            float *x, float *y);

/* Appends the operators of page `p` (of a pw x ph pt layout from `doc`),
 * then the watermark when the document has one. The items were checked
 * (fonts and images exist). With `tags` (the page's index `page`), every
 * operator that draws lies in marked content: a sequence per run of items
 * of one structure element, `/TD <</MCID n>> BDC ... EMC` with the MCID
 * taken from `tags`, or `/Artifact BMC ... EMC` (`/Artifact <</Type
 * /Pagination>> BDC` for page furniture, with /Subtype /Watermark for the
 * watermark); a sequence never straddles BT ... ET. False when a name is
 * missing. */
bool qs_pdf_content_page(qs_buf *ops, const qs_doc *doc, const qs_page *p,
                         float pw, float ph, const qs_pdf_names *names,
                         qs_pdf_tags *tags, size_t page);

#endif
