/* lock: the sent lock (SPEC 9). A package built from a quote with
 * status="sent" is the document the customer received: a later build or
 * check that would write into its folder must be of the same quote and
 * revision, read exactly the inputs its manifest.json lists, byte for
 * byte, and make it with the same recorded options (the language and the
 * template), or it is refused with [sent-locked] (the way forward is
 * another folder, or a new revision, which gets a folder of its own). */
#ifndef QS_LOCK_H
#define QS_LOCK_H

#include <stdbool.h>

#include "diag.h"
#include "quote.h"

/* What a build makes its documents with beyond its inputs' bytes, as
 * manifest.json records it ("lang", "template"); the language is the
 * quote's (q->lang, after --lang). */
typedef struct {
    const char *template_path; /* the template the build reads (display path) */
    bool template_option;      /* it was named by -t */
    bool lang_option;          /* q->lang was set by --lang */
} qs_lock_options;

/* True when `outdir` may receive a package of `q`: it holds no package
 * built with status "sent", or that package is of the same quote id and
 * revision, its inputs (the files its manifest lists, relative to the
 * project root) all still have their hashes, no file `q` read so far is
 * missing from the list, the same version of quotesmith built it, and it
 * records the same language and template path as this build's. Otherwise
 * adds one [sent-locked] error at the quote's root element that names the
 * first difference and the way forward, and returns false. A folder
 * without a readable manifest holds no lock. Reads nothing but the
 * manifest and the inputs it names. */
bool qs_lock_check(const char *outdir, const qs_quote *q, const qs_lock_options *o,
                   qs_diags *d);

#endif
