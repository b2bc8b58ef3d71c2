/* pdf_update: adds objects to a finished PDF as an incremental update
 * (ISO 32000-1, 7.5.6): the original bytes stay as they are, the new and
 * replaced objects, a cross-reference section for them and a trailer
 * (with /Prev and the document /ID) follow. This is how the renderer adds
 * what libharu's public API cannot write (a correct ToUnicode CMap,
 * embedded files with /AF, the /ID), and the seam for more catalog
 * entries (PDF/A metadata, structure tree). Pure PDF syntax: it reads the
 * trailer and the catalog libharu wrote (no object streams, plain
 * `N 0 obj` headers) and nothing else.
 * Ownership: a qs_pdf_update owns its buffers; qs_pdf_update_free frees
 * them; the original PDF is borrowed until qs_pdf_update_finish. */
#ifndef QS_PDF_UPDATE_H
#define QS_PDF_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct {
    const char *pdf;        /* the original, borrowed */
    size_t len;
    size_t prev;            /* its startxref */
    unsigned root, info;    /* object numbers from its trailer (0: none) */
    unsigned size;          /* its /Size, then the next free number */
    qs_buf body;            /* the update's objects, as written */
    struct { unsigned num; size_t off; } *xref; /* off: within body */
    size_t nxref, capxref;
    qs_buf catalog_keys;    /* entries added to the catalog */
} qs_pdf_update;

/* Starts an update of pdf[0..len): reads its trailer. False when it is not
 * a PDF as libharu writes one (no trailer, no /Root). */
bool qs_pdf_update_begin(qs_pdf_update *u, const unsigned char *pdf, size_t len);
void qs_pdf_update_free(qs_pdf_update *u);

/* A new object number. */
unsigned qs_pdf_update_new(qs_pdf_update *u);
/* Writes object `num` (new or replaced) as the dictionary `dict` (the text
 * between << and >>). */
void qs_pdf_update_dict(qs_pdf_update *u, unsigned num, const char *dict);
/* Writes object `num` as a stream of data[0..n), deflated at a fast zlib
 * level, with `dict` (text between << and >>, without /Length and
 * /Filter). False when zlib fails. */
bool qs_pdf_update_stream(qs_pdf_update *u, unsigned num, const char *dict,
                          const unsigned char *data, size_t n);
/* Appends entries ("/Key value ...") to the catalog, rewritten at finish. */
void qs_pdf_update_catalog_add(qs_pdf_update *u, const char *entries);
/* The object numbers `ref` ("/ToUnicode") points at, `N 0 R`, anywhere in
 * the original (up to max; returns how many). */
size_t qs_pdf_update_refs(const qs_pdf_update *u, const char *key,
                          unsigned *nums, size_t max);

/* The original PDF followed by the update, with `id` (16 bytes) as both
 * halves of the trailer /ID, into *out (malloc'd, the caller's). */
bool qs_pdf_update_finish(qs_pdf_update *u, const unsigned char id[16],
                          unsigned char **out, size_t *size);

/* Appends `utf8` as a PDF text string, UTF-16BE with a byte order mark, in
 * hex (<FEFF...>); a byte of invalid UTF-8 becomes U+FFFD. */
void qs_pdf_put_text_string(qs_buf *b, const char *utf8);
/* Appends a PDF literal string (ASCII), escaping ( ) and \. */
void qs_pdf_put_literal(qs_buf *b, const char *s);

/* Deflates data[0..n) into `out` at zlib level 3 (fast; the same bytes for
 * the same input and zlib). */
bool qs_pdf_deflate(qs_buf *out, const unsigned char *data, size_t n);

#endif
