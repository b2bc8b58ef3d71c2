/* fuzz_quote: the input is a quote file (q/x/quote.xml in the temporary
 * root). It goes through what `quotesmith check` does: qs_quote_load (with
 * every price list, department and rules file it names: the mini fixture's
 * and the samples' files are there, so their hrefs resolve), pricing, the
 * built-in checks and the rules. */
#include <stdint.h>

#include "common.h"

static int one(const uint8_t *data, size_t size)
{
    fz_write("q/x/quote.xml", data, size);
    qs_diags d;
    qs_inputs in;
    qs_diags_init(&d);
    fz_inputs_init(&in, &d);
    fz_check_quote(&in, fz_path("q/x/quote.xml"), &d);
    qs_inputs_free(&in);
    fz_diags_free(&d);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("quote");
    fz_copy_project();
    fz_warm_up(one, "q/x/quote-mini.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
