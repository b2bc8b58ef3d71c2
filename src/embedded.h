/* embedded: files built into the binary by scripts/embed.sh (the XML
 * Schemas of the input formats, and the PDF/A output intent's ICC profile
 * "sRGB.icc"), so quotesmith runs from any directory. */
#ifndef QS_EMBEDDED_H
#define QS_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *name;           /* "quote" for schemas/quote.xsd */
    const unsigned char *data;  /* NUL-terminated */
    size_t size;                /* without the terminator */
} qs_embedded_file;

/* Terminated by an entry whose name is NULL. */
extern const qs_embedded_file qs_embedded_files[];

#endif
