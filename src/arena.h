/* arena: a region allocator. Everything allocated from an arena lives until
 * qs_arena_free releases it all at once; nothing in it is freed singly.
 * Allocation failure is fatal (the process prints a message and exits 3):
 * quotesmith's inputs are size-capped, so running out of memory is an
 * environment failure, not a case to recover from. */
#ifndef QS_ARENA_H
#define QS_ARENA_H

#include <stddef.h>

typedef struct qs_arena_block qs_arena_block;
typedef struct {
    qs_arena_block *head;
} qs_arena;

void qs_arena_init(qs_arena *a);
void qs_arena_free(qs_arena *a);

/* Zeroed memory, aligned for any type. */
void *qs_arena_alloc(qs_arena *a, size_t size);
/* Zeroed array of n elements; fatal on n * size overflow. */
void *qs_arena_array(qs_arena *a, size_t n, size_t size);
char *qs_arena_strdup(qs_arena *a, const char *s);
char *qs_arena_strndup(qs_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *qs_arena_printf(qs_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints "quotesmith: out of memory" and exits with status 3: what every
 * allocation that cannot be handed back does. */
void qs_out_of_memory(void)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

/* malloc/realloc/calloc that exit(3) with a message instead of returning NULL. */
void *qs_xmalloc(size_t size);
void *qs_xrealloc(void *p, size_t size);
void *qs_xcalloc(size_t n, size_t size);
char *qs_xstrdup(const char *s);
/* Returns `array` (of `elem`-byte items, *cap of them allocated) grown to
 * hold at least `need` items, doubling, so that appending n items costs
 * O(n). Updates *cap. */
void *qs_xgrow(void *array, size_t *cap, size_t need, size_t elem);

#endif
