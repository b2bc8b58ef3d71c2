/* arena: region allocation and the checked malloc wrappers. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qs_arena_block {
    qs_arena_block *next;
    size_t used;
    size_t size;
    max_align_t data[]; /* the block's payload */
};

enum { BLOCK_PAYLOAD = 64 * 1024 };

void qs_out_of_memory(void)
{
    fputs("quotesmith: out of memory\n", stderr);
    exit(3);
}

void *qs_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        qs_out_of_memory();
    return p;
}

void *qs_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        qs_out_of_memory();
    return q;
}

void *qs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        qs_out_of_memory();
    return p;
}

void *qs_xgrow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            qs_out_of_memory();
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        qs_out_of_memory();
    *cap = c;
    return qs_xrealloc(array, c * elem);
}

char *qs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(qs_xmalloc(n), s, n);
}

void qs_arena_init(qs_arena *a)
{
    a->head = NULL;
}

void qs_arena_free(qs_arena *a)
{
    qs_arena_block *b = a->head;
    while (b) {
        qs_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *qs_arena_alloc(qs_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    qs_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t payload = size > BLOCK_PAYLOAD ? size : BLOCK_PAYLOAD;
        if (payload > SIZE_MAX - sizeof *b)
            qs_out_of_memory();
        b = qs_xmalloc(sizeof *b + payload);
        b->size = payload;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return memset(p, 0, size);
}

void *qs_arena_array(qs_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        qs_out_of_memory();
    return qs_arena_alloc(a, n * size);
}

char *qs_arena_strndup(qs_arena *a, const char *s, size_t n)
{
    char *p = qs_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *qs_arena_strdup(qs_arena *a, const char *s)
{
    return qs_arena_strndup(a, s, strlen(s));
}

char *qs_arena_printf(qs_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        qs_out_of_memory();
    char *p = qs_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
