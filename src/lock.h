/* lock: the sent lock (SPEC 9). A package built from a quote with
 * status="sent" is the document the customer received: a later build or
 * check that would write into its folder must read exactly the inputs its
 * manifest.json lists, byte for byte, or it is refused with [sent-locked]
 * (the way forward is a new revision, which gets a folder of its own). */
#ifndef QS_LOCK_H
#define QS_LOCK_H

#include <stdbool.h>

#include "diag.h"
#include "quote.h"

/* True when `outdir` may receive a package of `q`: it holds no package
 * built with status "sent", or that package's inputs (the files its
 * manifest lists, relative to the project root) all still have their
 * hashes, no file `q` read so far is missing from the list, and the same
 * version of quotesmith built it. Otherwise adds one [sent-locked] error
 * at the quote's root element that names the first changed input and
 * returns false. A folder without a readable manifest holds no lock.
 * Reads nothing but the manifest and the inputs it names. */
bool qs_lock_check(const char *outdir, const qs_quote *q, qs_diags *d);

#endif
