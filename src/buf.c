/* buf: the growable byte string. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

void qs_buf_reserve(qs_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->s = qs_xrealloc(b->s, cap);
    b->cap = cap;
}

void qs_buf_printf(qs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    char *tmp = qs_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    qs_buf_add(b, tmp, (size_t)n);
    free(tmp);
}

void qs_buf_free(qs_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
