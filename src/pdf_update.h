/* pdf_update: adds objects to a finished PDF and writes it again
 * (ISO 32000-1): new and replaced objects are collected first, then the
 * result holds every object once (the replacement where there is one),
 * streams deflated once where they have no /Filter yet (the original may
 * be saved uncompressed) and as they are where they have one, all other
 * objects in compressed object streams,
 * and a cross-reference stream whose trailer entries carry the document
 * /ID. This is how the renderer adds what libharu's public API cannot
 * write (a correct ToUnicode CMap, embedded files with /AF, the /ID, the
 * PDF/A metadata, links). Pure PDF syntax: it reads the cross-reference
 * table, the trailer and the dictionaries libharu wrote (no object
 * streams, plain `N 0 obj` headers) and nothing else.
 * Ownership: a qs_pdf_update owns its buffers; qs_pdf_update_free frees
 * them; the original PDF is borrowed until qs_pdf_update_finish. */
#ifndef QS_PDF_UPDATE_H
#define QS_PDF_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Where an object's text lies: "N 0 obj ... endobj". */
typedef struct {
    const char *text;       /* NULL: no such object */
    size_t len;
} qs_pdf_span;

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
    qs_pdf_span *orig;      /* the original's objects by number, from its
                               cross-reference table */
    unsigned norig;         /* their count: the original's /Size */
    /* Entries added to the original's dictionaries (qs_pdf_update_dict_add),
     * in the order added. */
    struct { unsigned num; char *entries; } *adds;
    size_t nadds, capadds;
    struct libdeflate_compressor *deflater; /* for every stream deflated */
} qs_pdf_update;

/* Starts an update of pdf[0..len): reads its trailer and cross-reference
 * table. False when it is not a PDF as libharu writes one (no trailer, no
 * /Root, no table of one section). */
bool qs_pdf_update_begin(qs_pdf_update *u, const unsigned char *pdf, size_t len);
void qs_pdf_update_free(qs_pdf_update *u);

/* A new object number. */
unsigned qs_pdf_update_new(qs_pdf_update *u);
/* Writes object `num` (new or replaced) as the dictionary `dict` (the text
 * between << and >>). */
void qs_pdf_update_dict(qs_pdf_update *u, unsigned num, const char *dict);
/* Writes object `num` as a stream of data[0..n), deflated (libdeflate,
 * level 4, the zlib format: the same bytes for the same input and version),
 * with `dict` (text between << and >>, without /Length and
 * /Filter). False when deflating fails. */
bool qs_pdf_update_stream(qs_pdf_update *u, unsigned num, const char *dict,
                          const unsigned char *data, size_t n);
/* The same without deflating: the bytes as they are (PDF/A wants the XMP
 * metadata stream readable without decoding), or bytes already encoded,
 * their /Filter in `dict` (a PNG's image data). */
void qs_pdf_update_raw_stream(qs_pdf_update *u, unsigned num, const char *dict,
                              const unsigned char *data, size_t n);
/* Appends entries ("/Key value ...") to the original's dictionary object
 * `num` (a page), rewritten at finish with every entry added to it: so
 * several writers (links, tags) can each add theirs. */
void qs_pdf_update_dict_add(qs_pdf_update *u, unsigned num, const char *entries);
/* Appends entries ("/Key value ...") to the catalog, rewritten at finish. */
void qs_pdf_update_catalog_add(qs_pdf_update *u, const char *entries);

/* The object numbers of the pages, in page order, from the original's page
 * tree (/Root's /Pages, its /Kids, depth first), into nums (at most max).
 * Returns how many; fewer than the document has when max is too small or
 * the tree is not as libharu writes it. */
size_t qs_pdf_update_pages(const qs_pdf_update *u, unsigned *nums, size_t max);
/* The dictionary of object `num`, the text between its outer << and >>,
 * appended to `out`: the update's last version when it wrote the object
 * (so that several stages can each add entries to a page), else the
 * original's. False when there is no such dictionary. */
bool qs_pdf_update_get_dict(const qs_pdf_update *u, unsigned num, qs_buf *out);

/* The data of the original's unfiltered stream object `num` (its /Length
 * direct or an indirect integer): *data borrowed from the original. */
bool qs_pdf_update_get_stream(const qs_pdf_update *u, unsigned num,
                              const char **data, size_t *len);
/* The object number of the reference after `key` ("/Contents 7 0 R") in
 * the dictionary text `dict`, or 0. */
unsigned qs_pdf_update_ref(const char *dict, const char *key);

/* The document with the update's objects, as a PDF 1.7 (object streams
 * need 1.5; PDF/A-3 is based on 1.7), into *out (malloc'd, the caller's).
 * Both halves of the trailer /ID are the first 16 bytes of a SHA-256 over
 * every byte before the cross-reference stream: the same document always
 * gets the same ID, any change a new one, and the clock plays no part. False when the
 * original's cross-reference table cannot be read or deflating fails. */
bool qs_pdf_update_finish(qs_pdf_update *u, unsigned char **out, size_t *size);

/* Appends `utf8` as a PDF text string: printable ASCII as a literal
 * string (PDFDocEncoding agrees with it there), anything else as UTF-16BE
 * with a byte order mark, in hex (<FEFF...>); a byte of invalid UTF-8
 * becomes U+FFFD. */
void qs_pdf_put_text_string(qs_buf *b, const char *utf8);
/* Appends the indirect reference "NUM 0 R". */
void qs_pdf_put_ref(qs_buf *b, unsigned num);
/* Appends a PDF literal string (ASCII), escaping ( ) and \. */
void qs_pdf_put_literal(qs_buf *b, const char *s);
/* Appends `v` (a length in points) with two decimals, whatever the C
 * locale ("12.50", "-3.00"). */
void qs_pdf_put_number(qs_buf *b, float v);


#endif
