/* fuzz_rules: the input is a rules file (r/rules.xml), loaded as
 * QS_FORMAT_RULES and, when it validates, checked with qs_rules_check
 * against the merged, priced tree of tests/fixtures/mini, loaded once per
 * process. Regexes (PCRE2), XPath (with re:test and the qs: helpers),
 * messages and their limits are what this reaches. */
#include <stdint.h>

#include "common.h"
#include "rules.h"
#include "xpath.h"

static int one(const uint8_t *data, size_t size)
{
    xmlDoc *tree = fz_mini_tree(NULL);
    fz_write("r/rules.xml", data, size);
    qs_diags d;
    qs_inputs in;
    qs_diags_init(&d);
    fz_inputs_init(&in, &d);
    const qs_input *rules =
        qs_input_load_xml(&in, fz_path("r/rules.xml"), QS_FORMAT_RULES, NULL, &d);
    if (rules) {
        qs_xpath *x = qs_xpath_new(tree, &d);
        qs_rules_check(x, tree, rules, &d);
        qs_xpath_free(x);
    }
    qs_inputs_free(&in);
    fz_diags_free(&d);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("rules");
    fz_copy_project();
    fz_warm_up(one, "pricing/rules.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
