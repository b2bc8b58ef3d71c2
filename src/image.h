/* image: PNG and JPEG images, decoded and vetted by quotesmith itself (libpng
 * with setjmp error handling and a pixel limit; libjpeg-turbo) before libharu
 * sees them, because libharu aborts or crashes on broken images.
 * Ownership: a qs_image owns its pixels and bytes; qs_image_free frees it. */
#ifndef QS_IMAGE_H
#define QS_IMAGE_H

#include <stddef.h>

#include "diag.h"

/* Largest image accepted, in pixels (width x height). */
#define QS_IMAGE_MAX_PIXELS (40u * 1000u * 1000u)

/* Most memory the decoding of one image may take, in bytes, worked out
 * from its header before anything is decoded: a PNG's pixels as decoded
 * (3 bytes a pixel, 5 with an alpha channel: RGBA rows, then the alpha
 * plane split off), a progressive JPEG's coefficient buffer (2 bytes a
 * sample). An image over the budget is refused with the figures. */
#define QS_IMAGE_MAX_DECODE_BYTES (64u * 1024u * 1024u)

typedef enum { QS_IMAGE_PNG, QS_IMAGE_JPEG } qs_image_kind;

typedef struct {
    qs_image_kind kind;
    unsigned width, height;   /* pixels */
    /* PNG: decoded 8-bit RGB pixels (rgb), plus an 8-bit alpha plane
     * (alpha, NULL when opaque); or, for a PNG of 8-bit RGB pixels without
     * transparency, not interlaced, that libpng decoded without a
     * complaint, its image data instead (png_data: the IDAT chunks joined,
     * zlib data of PNG-filtered rows, which a PDF embeds as it is, with
     * FlateDecode and the PNG predictors; rgb is then NULL).
     * JPEG: the verified file bytes (jpeg). */
    unsigned char *rgb;
    unsigned char *alpha;
    unsigned char *png_data;
    size_t png_data_size;
    unsigned char *jpeg;
    size_t jpeg_size;
    int jpeg_components;      /* 1 gray, 3 RGB */
    /* SHA-256 of the file's bytes, which determine everything drawn from
     * it: the PDF's document ID hashes this, not the pixels. */
    unsigned char file_sha256[32];
} qs_image;

/* Reads, decodes and vets `path` (shown as `display`). Returns NULL after a
 * diagnostic when the file is unreadable, truncated, corrupt, too large, or
 * neither PNG nor JPEG. */
qs_image *qs_image_load(const char *path, const char *display, qs_diags *d);
/* The same from bytes already read (borrowed for the call). */
qs_image *qs_image_new(const unsigned char *data, size_t size, const char *display,
                       qs_diags *d);
void qs_image_free(qs_image *img);

#endif
