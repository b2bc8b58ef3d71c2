/* fuzz_template: the input is a template (template.xml at the temporary
 * root, beside fonts/ with the Noto Sans faces, also as fonts/R.ttf and
 * fonts/B.ttf, and logo.png), built with qs_template_build against the
 * merged, priced tree of tests/fixtures/mini (loaded once per process),
 * then, when the document is complete, laid out with qs_layout_run (the
 * template decides page sizes, margins, columns and styles, so it drives
 * the layout engine too). No PDF is rendered. */
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "layout.h"
#include "template.h"

static int one(const uint8_t *data, size_t size)
{
    const char *quote_path;
    xmlDoc *tree = fz_mini_tree(&quote_path);
    fz_write("template.xml", data, size);
    qs_diags d;
    qs_inputs in;
    qs_doc doc;
    qs_layout layout;
    qs_diags_init(&d);
    fz_inputs_init(&in, &d);
    qs_doc_init(&doc);
    memset(&layout, 0, sizeof layout);
    if (qs_input_load_xml(&in, fz_path("template.xml"), QS_FORMAT_TEMPLATE, NULL, &d) &&
        qs_template_build(&in, fz_path("template.xml"), NULL, tree, quote_path, NULL,
                          &doc, &d))
        qs_layout_run(&doc, &layout, &d);
    qs_layout_free(&layout);
    qs_doc_free(&doc);
    qs_inputs_free(&in);
    fz_diags_free(&d);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("template");
    fz_copy_project();
    fz_warm_up(one, "templates/standard/template.xml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return one(data, size);
}
