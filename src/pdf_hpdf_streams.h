/* pdf_hpdf_streams: libharu stream objects whose bytes quotesmith makes,
 * deflated once at a fast level and read back with memcpy (see
 * pdf_hpdf_streams.c for the libharu internals this depends on). */
#ifndef QS_PDF_HPDF_STREAMS_H
#define QS_PDF_HPDF_STREAMS_H

#include <stdbool.h>
#include <stddef.h>

#include <hpdf.h>

#include "buf.h"

/* A read-only libharu stream of the bytes of `b` (taken over; `b` is left
 * empty), or NULL. */
HPDF_Stream qs_hpdf_held_stream(HPDF_MMgr mmgr, qs_buf *b);
/* Gives stream object `obj` the bytes of `b` (taken over; `b` is left
 * empty) as its stream; `deflated` adds /Filter /FlateDecode. */
bool qs_hpdf_hold_stream(HPDF_Dict obj, qs_buf *b, bool deflated);
/* Deflates data[0..n) as the stream of `obj`. */
bool qs_hpdf_hold_deflated(HPDF_Dict obj, const unsigned char *data, size_t n);

#endif
