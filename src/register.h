/* register: the report's store of each quote's figures (docs/report.md,
 * "The register"). An SQLite file with one row per quote file, keyed by
 * the SHA-256 of the quote's inputs (every file its load read: display
 * path and bytes), so that a report loads and prices only the quotes whose
 * inputs changed since the register last saw them. Every write is an
 * SQLite transaction in WAL mode: a killed run leaves the rows committed
 * before it intact, and the next run redoes the rest. A connection is
 * never carried across fork(): the parent closes it before the workers
 * start, and each worker opens its own.
 * Ownership: a qs_register owns its connection, statements and the cache
 * of file digests; qs_register_close releases them. qs_register_get
 * copies a row into the caller's history. */
#ifndef QS_REGISTER_H
#define QS_REGISTER_H

#include <stdbool.h>

#include "diag.h"
#include "input.h"
#include "sales.h"
#include "sha256.h"

typedef struct qs_register qs_register;

/* Opens the register at `path`, creating it when missing. With `check`
 * (the parent's first open of a run) it is verified: a file that is not a
 * quotesmith register is refused (error [register], environment failure:
 * nothing is overwritten that we did not write); a register that fails
 * SQLite's quick_check, or that another quotesmith version wrote, is
 * emptied and rebuilt (a warning says so for the corrupt one). Returns NULL
 * after a diagnostic. */
qs_register *qs_register_open(const char *path, bool check, qs_diags *d);
void qs_register_close(qs_register *r);

/* The key of a loaded quote: the SHA-256 over every file in->head lists
 * (read order) of its display path, a NUL and the SHA-256 of its bytes,
 * as hex; *deps gets one line per file, "SIZE INODE CTIME_NS PATH" (its
 * stat now, or "0 0 0" when it changed in the last 2 seconds), malloc'd. */
void qs_register_key(const qs_inputs *in, char key[QS_SHA256_HEX_SIZE], char **deps);

/* True when the register holds the figures of quote file `path` and the
 * inputs it lists are unchanged: when every input's stat is the one kept,
 * at once; else each is read again (confined to `root`) and the key
 * compared. A missing or unreadable input makes it stale (the quote's own
 * load then reports why). */
bool qs_register_is_fresh(qs_register *r, const char *root, size_t max_file_size,
                          const char *path);

/* A transaction: around puts (`write`: BEGIN IMMEDIATE, the one writer),
 * or around many reads (BEGIN: one snapshot, one lock). */
bool qs_register_begin(qs_register *r, bool write, qs_diags *d);
bool qs_register_commit(qs_register *r, qs_diags *d);

/* Stores (replaces) the figures of q under its key and inputs. */
bool qs_register_put(qs_register *r, const char *key, const char *deps,
                     const qs_sales_quote *q, qs_diags *d);

/* Adds the stored figures of quote file `path` to h. False after a
 * diagnostic when the register has no readable row for it. */
bool qs_register_get(qs_register *r, const char *path, qs_sales_history *h, qs_diags *d);

#endif
