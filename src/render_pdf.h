/* render_pdf: the PDF backend. Replays a laid-out qs_layout with libharu
 * into a PDF held in memory: fonts embedded and subset (with a correct
 * ToUnicode CMap, which libharu 2.3.0 gets wrong), vetted images, outline,
 * metadata, watermark, embedded files (the hybrid PDF), deterministic
 * bytes: no clock, and a trailer /ID derived from a hash of the content.
 * Ownership: *pdf is malloc'd and belongs to the caller. */
#ifndef QS_RENDER_PDF_H
#define QS_RENDER_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "layout.h"

/* A file embedded in the PDF (an "associated file", as ZUGFeRD / Factur-X
 * embed their XML): listed in the document's EmbeddedFiles name tree and in
 * the catalog's /AF array, so `pdfdetach -list` shows it and
 * `pdfdetach -save 1` gives its bytes back unchanged. The renderer copies
 * the bytes; the caller keeps ownership of everything here. */
typedef struct {
    const char *name;          /* file name, e.g. "2026-0142.ubl.xml": no '/',
                                  at most 255 bytes; UTF-8 allowed */
    const unsigned char *data; /* the file's bytes (may be NULL when size 0) */
    size_t size;               /* at most 64 MiB */
    const char *mime;          /* e.g. "application/xml", or NULL */
    const char *description;   /* /Desc, e.g. "UBL 2.1 Quotation", or NULL */
    /* /AFRelationship (PDF 2.0, PDF/A-3): "Alternative" (another form of
     * the document's content, as for the UBL quote), "Data", "Source",
     * "Supplement" or "Unspecified"; NULL leaves the key out. */
    const char *relationship;
} qs_pdf_attachment;

/* What qs_render_pdf_opts adds beyond the layout. Zero-initialise it. */
typedef struct {
    const qs_pdf_attachment *attachments; /* names must differ */
    size_t nattachments;
} qs_pdf_options;

/* Renders `l` (laid out from `doc`) into a new buffer. Returns false after a
 * diagnostic (rule id "pdf") when libharu fails. The same as
 * qs_render_pdf_opts with no options. */
bool qs_render_pdf(const qs_doc *doc, const qs_layout *l,
                   unsigned char **pdf, size_t *size, qs_diags *d);

/* The same with options (`opts` may be NULL): embedded files. A bad
 * attachment (empty or duplicate name, a '/' in it, too large, an unknown
 * relationship) is an error with rule id "pdf" and no PDF. */
bool qs_render_pdf_opts(const qs_doc *doc, const qs_layout *l,
                        const qs_pdf_options *opts, unsigned char **pdf,
                        size_t *size, qs_diags *d);

#endif
