/* strmap: a map from strings to positions (size_t), for joins by id and
 * caches by path: open addressing over the FNV-1a hash of batch.h, grown
 * at half load, so lookups stay constant time at tens of thousands of keys.
 * Ownership: the map owns its table; the keys are borrowed and must
 * outlive it. qs_strmap_free releases the table. */
#ifndef QS_STRMAP_H
#define QS_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char **keys;     /* NULL: a free slot */
    size_t *values;
    size_t cap, count;     /* cap is 0 or a power of two */
} qs_strmap;

/* An empty map (all zero is one, too). */
void qs_strmap_init(qs_strmap *m);
void qs_strmap_free(qs_strmap *m);

/* Maps key to value unless key is in the map already. Returns the value
 * the map holds for key afterwards: `value`, or the earlier one. */
size_t qs_strmap_add(qs_strmap *m, const char *key, size_t value);

/* True, with its value in *value, when key is in the map. */
bool qs_strmap_get(const qs_strmap *m, const char *key, size_t *value);

#endif
