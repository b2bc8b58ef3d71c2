/* buf: a growable, NUL-terminated byte string on the heap, for building
 * messages, JSON and text. Ownership: the qs_buf owns s; qs_buf_free
 * releases it (or the caller takes s over and frees it). */
#ifndef QS_BUF_H
#define QS_BUF_H

#include <stddef.h>

#include "diag.h" /* QS_PRINTF */

typedef struct {
    char *s;       /* NULL until something is added */
    size_t len;    /* bytes, without the terminator */
    size_t cap;
} qs_buf;

void qs_buf_add(qs_buf *b, const char *s, size_t n);
void qs_buf_puts(qs_buf *b, const char *s);
void qs_buf_printf(qs_buf *b, const char *fmt, ...) QS_PRINTF(2, 3);
void qs_buf_free(qs_buf *b);

#endif
