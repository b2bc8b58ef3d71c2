/* render_pdf: the PDF backend. Replays a laid-out qs_layout with libharu
 * into a PDF held in memory: fonts embedded and subset (with a correct
 * ToUnicode CMap, which libharu 2.3.0 gets wrong), vetted images, outline,
 * metadata, watermark, deterministic bytes.
 * Ownership: *pdf is malloc'd and belongs to the caller. */
#ifndef QS_RENDER_PDF_H
#define QS_RENDER_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "layout.h"

/* Renders `l` (laid out from `doc`) into a new buffer. Returns false after a
 * diagnostic (rule id "pdf") when libharu fails. */
bool qs_render_pdf(const qs_doc *doc, const qs_layout *l,
                   unsigned char **pdf, size_t *size, qs_diags *d);

#endif
