/* fuzz_pricelist: the input is a price list (q/x/fuzz-pricelist.xml),
 * loaded as QS_FORMAT_PRICELIST and, when it validates, named by a fixed
 * quote (the mini fixture with this as its only price list, the mini
 * department hw.xml and pricing/rules.xml, whose SKUs SRV, RAM, CAB, BOOK and tax ids standard,
 * reduced the seeds keep), then priced and checked like `quotesmith
 * check`: tiers, costs, overrides and validity reach the pricing. */
#include <stdint.h>
#include <string.h>

#include "common.h"

static const char QUOTE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<quote version=\"1\" id=\"T-1\" lang=\"de\" currency=\"EUR\" status=\"final\">\n"
    "  <date>2026-11-26</date>\n"
    "  <valid-until>2026-12-31</valid-until>\n"
    "  <pricelist href=\"fuzz-pricelist.xml\"/>\n"
    "  <rules href=\"../../pricing/rules.xml\"/>\n"
    "  <seller>\n"
    "    <name>Nordlicht Systemhaus GmbH</name>\n"
    "    <address><street>Am Sandtorkai 54</street><postal-code>20457</postal-code>"
    "<city>Hamburg</city><country>DE</country></address>\n"
    "    <vat-id>DE287654324</vat-id>\n"
    "    <contact><name>Lena Hoffmann</name><email>lena@example.com</email></contact>\n"
    "  </seller>\n"
    "  <customer id=\"K-1\">\n"
    "    <name>Muster Logistik GmbH</name>\n"
    "    <address><street>Seetor 18</street><postal-code>28217</postal-code>"
    "<city>Bremen</city><country>DE</country></address>\n"
    "    <vat-id>DE812345673</vat-id>\n"
    "  </customer>\n"
    "  <discount percent=\"3\" reason=\"Rahmenvertrag\"/>\n"
    "  <department name=\"hardware\" href=\"hw.xml\"/>\n"
    "</quote>\n";

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
    fz_write("q/x/pricelist-quote.xml", QUOTE, strlen(QUOTE));
    fz_warm_up(one, "q/x/pricelist.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
