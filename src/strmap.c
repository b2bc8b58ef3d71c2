/* strmap: strings to positions; see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "batch.h"

void qs_strmap_init(qs_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void qs_strmap_free(qs_strmap *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

/* The slot of key, or the free slot where it would go (cap > 0). */
static size_t slot_of(const qs_strmap *m, const char *key)
{
    size_t i = (size_t)qs_batch_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(qs_strmap *m)
{
    qs_strmap bigger = {qs_xcalloc(m->cap ? m->cap * 2 : 64, sizeof *m->keys),
                        qs_xcalloc(m->cap ? m->cap * 2 : 64, sizeof *m->values),
                        m->cap ? m->cap * 2 : 64, m->count};
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t s = slot_of(&bigger, m->keys[i]);
            bigger.keys[s] = m->keys[i];
            bigger.values[s] = m->values[i];
        }
    qs_strmap_free(m);
    *m = bigger;
}

size_t qs_strmap_add(qs_strmap *m, const char *key, size_t value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t s = slot_of(m, key);
    if (m->keys[s])
        return m->values[s];
    m->keys[s] = key;
    m->values[s] = value;
    m->count++;
    return value;
}

bool qs_strmap_get(const qs_strmap *m, const char *key, size_t *value)
{
    if (m->cap == 0)
        return false;
    size_t s = slot_of(m, key);
    if (m->keys[s])
        *value = m->values[s];
    return m->keys[s] != NULL;
}
