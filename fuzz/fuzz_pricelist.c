/* fuzz_pricelist: the input is a price list (q/x/fuzz-pricelist.xml),
 * loaded as QS_FORMAT_PRICELIST and, when it validates, named by a fixed
 * quote (the mini fixture with this as its only price list, the mini
 * department hw.xml and pricing/rules.xml, whose SKUs SRV, RAM, CAB, BOOK and tax ids standard,
 * reduced the seeds keep), then priced and checked like `quotesmith
 * check`: tiers, costs, overrides and validity reach the pricing. */
#include <stdint.h>

#include "common.h"

static int one(const uint8_t *data, size_t size)
{
    return fz_run_referenced(data, size, "q/x/fuzz-pricelist.xml", QS_FORMAT_PRICELIST, "q/x/pricelist-quote.xml");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("pricelist");
    fz_copy_project();
    fz_write_quote("q/x/pricelist-quote.xml",
                   "  <pricelist href=\"fuzz-pricelist.xml\"/>\n",
                   "hw.xml");
    fz_warm_up(one, "q/x/pricelist.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
