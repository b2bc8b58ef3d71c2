/* buf: a growable, NUL-terminated byte string on the heap, for building
 * messages, JSON and text. Ownership: the qs_buf owns s; qs_buf_free
 * releases it (or the caller takes s over and frees it). */
#ifndef QS_BUF_H
#define QS_BUF_H

#include <stddef.h>
#include <string.h>

#include "diag.h" /* QS_PRINTF */

typedef struct {
    char *s;       /* NULL until something is added */
    size_t len;    /* bytes, without the terminator */
    size_t cap;
} qs_buf;

/* Makes room for n more bytes and the terminator. */
void qs_buf_reserve(qs_buf *b, size_t n);

/* Appends s[0..n). Inline, with the growing out of line: the UBL writer
 * appends some 27,000 short pieces for a 60-line quote, and a call for
 * each cost a third of its instructions. */
static inline void qs_buf_add(qs_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        qs_buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void qs_buf_puts(qs_buf *b, const char *s)
{
    qs_buf_add(b, s, strlen(s));
}

void qs_buf_printf(qs_buf *b, const char *fmt, ...) QS_PRINTF(2, 3);
/* Appends the decimal digits of v, as "%llu" would, without printf's
 * parsing of a format: the PDF writers append some 5,000 object numbers
 * and marked-content ids for a 60-line quote. */
void qs_buf_put_uint(qs_buf *b, unsigned long long v);
void qs_buf_free(qs_buf *b);

#endif
