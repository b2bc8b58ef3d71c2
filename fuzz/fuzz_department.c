/* fuzz_department: the input is a department file (q/x/fuzz-dept.xml),
 * loaded as QS_FORMAT_DEPARTMENT and, when it validates, referenced by a
 * fixed quote (the mini fixture's header with the mini price list, the
 * 2026 price list and pricing/rules.xml, so the mini and the samples'
 * departments both find their SKUs), then priced and checked like
 * `quotesmith check`. */
#include <stdint.h>

#include "common.h"

static int one(const uint8_t *data, size_t size)
{
    return fz_run_referenced(data, size, "q/x/fuzz-dept.xml", QS_FORMAT_DEPARTMENT, "q/x/dept-quote.xml");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("department");
    fz_copy_project();
    fz_write_quote("q/x/dept-quote.xml",
                   "  <pricelist href=\"pricelist.xml\"/>\n"
                   "  <pricelist href=\"../../pricing/pricelist-2026.xml\"/>\n",
                   "fuzz-dept.xml");
    fz_warm_up(one, "q/x/hardware.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
