/* priced: a quote loaded and priced with the real API, for unit tests. */
#ifndef QS_TEST_PRICED_H
#define QS_TEST_PRICED_H

#include <stdbool.h>
#include <string.h>

#include "load.h"
#include "merge.h"
#include "price.h"
#include "quote.h"

typedef struct {
    qs_inputs in;
    qs_quote q;
    qs_diags d;
    bool ok;   /* loaded and priced without an error */
} priced_quote;

/* Loads, prices and merges `quote_path` under the project root `root`. */
static void priced_load(priced_quote *r, const char *root, const char *quote_path)
{
    memset(r, 0, sizeof *r);
    qs_diags_init(&r->d);
    r->ok = qs_inputs_init(&r->in, root, QS_DEFAULT_MAX_FILE_SIZE, &r->d) &&
            qs_quote_load(&r->q, &r->in, quote_path, &r->d) &&
            qs_quote_price(&r->q, &r->d) && qs_quote_merge(&r->q, &r->d) &&
            qs_diags_count(&r->d, QS_SEV_ERROR) == 0;
}

static void priced_free(priced_quote *r)
{
    qs_quote_free(&r->q);
    qs_inputs_free(&r->in);
    qs_diags_free(&r->d);
}

#endif
