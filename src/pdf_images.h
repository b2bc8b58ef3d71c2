/* pdf_images: a PNG image as a PDF image XObject (ISO 32000-1, 8.9.5),
 * written here instead of by libharu, which decodes the PNG again and
 * deflates its pixels through byte-by-byte memory streams: an 8-bit RGB
 * PNG without transparency keeps its own image data (the IDAT zlib
 * stream, /FlateDecode with the PNG predictors: neither inflated nor
 * deflated), any other PNG its pixels as image.c decoded them, deflated
 * once, with an alpha channel as a soft mask (/SMask, a DeviceGray image).
 * JPEG files stay with libharu, which passes their bytes through.
 * Ownership: nothing is kept; the objects go into the caller's update. */
#ifndef QS_PDF_IMAGES_H
#define QS_PDF_IMAGES_H

#include "image.h"
#include "pdf_update.h"

/* Writes the XObject of PNG image `img` (kind QS_IMAGE_PNG) into `u`.
 * Returns its object number, or 0 when deflating fails. */
unsigned qs_pdf_image_add(qs_pdf_update *u, const qs_image *img);

#endif
