/* fuzz_department: the input is a department file (q/x/fuzz-dept.xml),
 * loaded as QS_FORMAT_DEPARTMENT and, when it validates, referenced by a
 * fixed quote (the mini fixture's header with the mini price list, the
 * 2026 price list and pricing/rules.xml, so the mini and the samples'
 * departments both find their SKUs), then priced and checked like
 * `quotesmith check`. */
#include <stdint.h>
#include <string.h>

#include "common.h"

static const char QUOTE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<quote version=\"1\" id=\"T-1\" lang=\"de\" currency=\"EUR\" status=\"final\">\n"
    "  <date>2026-11-26</date>\n"
    "  <valid-until>2026-12-31</valid-until>\n"
    "  <pricelist href=\"pricelist.xml\"/>\n"
    "  <pricelist href=\"../../pricing/pricelist-2026.xml\"/>\n"
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
    "  <department name=\"hardware\" href=\"fuzz-dept.xml\"/>\n"
    "</quote>\n";

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
    fz_write("q/x/dept-quote.xml", QUOTE, strlen(QUOTE));
    fz_warm_up(one, "q/x/hardware.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
