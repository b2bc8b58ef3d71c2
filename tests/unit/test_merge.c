/* test_merge: the merged data tree of tests/fixtures/mini as a view of the
 * model: every element gives the file, line and column of the model
 * object it came from (merge.h), and running out of memory at any
 * allocation while the tree is built is an "internal" diagnostic with no
 * tree left, never a crash (libxml2's allocator replaced through
 * xmlMemSetup). Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>
#include <libxml/xpath.h>

#include "check.h"
#include "priced.h"

#define MINI "tests/fixtures/mini"

/* The one node `expr` selects in the tree, or NULL. */
static const xmlNode *select_one(xmlDoc *tree, const char *expr)
{
    xmlXPathContext *ctx = xmlXPathNewContext(tree);
    xmlXPathObject *o = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
    const xmlNode *n = o && o->nodesetval && o->nodesetval->nodeNr == 1
                           ? o->nodesetval->nodeTab[0] : NULL;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return n;
}

static void expect_origin(xmlDoc *tree, const char *expr, const char *file,
                          unsigned line, unsigned col)
{
    qs_origin at;
    const xmlNode *n = select_one(tree, expr);
    bool found = n && qs_tree_origin_of(n, &at);
    CHECK(found && strcmp(at.file, file) == 0 && at.line == line && at.col == col,
          "%s comes from %s:%u:%u", expr, file, line, col);
    if (found)
        printf("     got %s:%u:%u\n", at.file, at.line, at.col);
}

static void test_origins(void)
{
    priced_quote r;
    priced_load(&r, MINI, MINI "/quote.xml");
    CHECK(r.ok, "mini fixture loads, prices and merges");
    if (!r.ok) {
        priced_free(&r);
        return;
    }
    xmlDoc *t = r.q.tree;
    expect_origin(t, "/quote", MINI "/quote.xml", 2, 1);
    expect_origin(t, "/quote/customer/vat-id", MINI "/quote.xml", 15, 5);
    expect_origin(t, "/quote/seller/address/city", MINI "/quote.xml", 8, 79);
    expect_origin(t, "//department[@name='hardware']", MINI "/hw.xml", 2, 1);
    expect_origin(t, "//line[@pos='2']", MINI "/hw.xml", 5, 5);
    expect_origin(t, "//line[@pos='2']/@qty", MINI "/hw.xml", 5, 5);
    /* a name the price list gives: its own place there */
    expect_origin(t, "//line[@pos='1']/name", MINI "/pricelist.xml", 6, 5);
    /* no origin of its own: the quote's */
    expect_origin(t, "/quote/totals", MINI "/quote.xml", 2, 1);
    priced_free(&r);
}

/* ---- out of memory ---- */

static long allocations_left = -1; /* below 0: never fail */

static bool may_allocate(void)
{
    if (allocations_left < 0)
        return true;
    return allocations_left-- > 0;
}

static void *failing_malloc(size_t n)
{
    return may_allocate() ? malloc(n) : NULL;
}

static void *failing_realloc(void *p, size_t n)
{
    return may_allocate() ? realloc(p, n) : NULL;
}

static char *failing_strdup(const char *s)
{
    return may_allocate() ? strdup(s) : NULL;
}

static void test_out_of_memory(void)
{
    priced_quote r;
    priced_load(&r, MINI, MINI "/quote.xml");
    CHECK(r.ok, "mini fixture loads");
    if (!r.ok) {
        priced_free(&r);
        return;
    }
    qs_quote_free_tree(&r.q);
    size_t failures = 0, wrong = 0;
    bool built = false;
    for (long n = 0; n < 100000 && !built; n++) {
        size_t before = r.d.count;
        allocations_left = n;
        built = qs_quote_merge(&r.q, &r.d);
        allocations_left = -1;
        if (built)
            break;
        failures++;
        bool reported = r.d.count == before + 1 && r.d.internal_failed &&
                        strcmp(r.d.items[before].rule, "internal") == 0;
        wrong += !reported || r.q.tree != NULL;
    }
    CHECK(failures > 20 && wrong == 0,
          "each of %zu failed allocations: an internal diagnostic, no tree", failures);
    CHECK(built && r.q.tree != NULL, "the tree is built once memory suffices");
    priced_free(&r);
}

int main(void)
{
    /* The failing allocator passes everything through until told; the
     * watch wraps it, counting failures instead of ending the run as it
     * does in main, so that the merge stage's own checks are tested. */
    xmlMemSetup(free, failing_malloc, failing_realloc, failing_strdup);
    qs_xml_memory_watch(/*stop*/false);
    test_origins();
    test_out_of_memory();
    return check_failures ? 1 : 0;
}
