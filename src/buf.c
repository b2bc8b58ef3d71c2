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

/* Formats straight into the free space when it fits (the usual case),
 * else grows the buffer and formats again: one vsnprintf and no
 * temporary copy, where measuring first took two and a malloc. */
void qs_buf_printf(qs_buf *b, const char *fmt, ...)
{
    va_list ap;
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n <= 0) {   /* nothing to add, or an encoding error */
        if (b->s)
            b->s[b->len] = '\0';   /* over what a failed call may have left */
        return;
    }
    if ((size_t)n >= room) {
        qs_buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void qs_buf_put_uint(qs_buf *b, unsigned long long v)
{
    char digits[20];   /* 2^64 - 1 has 20 */
    size_t at = sizeof digits;
    do {
        digits[--at] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    qs_buf_add(b, digits + at, sizeof digits - at);
}

void qs_buf_free(qs_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
