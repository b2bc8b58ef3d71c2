/* catalog: a price list brochure (docs/catalog.md). Loads and checks one
 * price list, builds the catalog data tree (catalog.h), and runs it through
 * the template stage, the layout engine and the PDF backend. */
#include "catalog.h"
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "decimal.h"
#include "format.h"
#include "layout.h"
#include "merge.h"
#include "load.h"
#include "quote.h"
#include "package.h"
#include "render_pdf.h"
#include "template.h"

#define DEFAULT_TEMPLATE "templates/catalog/template.xml"

/* ---- small helpers ---- */

/* The attribute's value (xmlFree it), or NULL. */
static char *get(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void set(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

/* A new element `name` under `parent`, keeping the source line of `from`
 * so template diagnostics can name the price list's file:line. */
static xmlNode *add(xmlNode *parent, const char *name, const xmlNode *from)
{
    xmlNode *n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    n->line = from->line;
    return n;
}

static void add_text(xmlNode *parent, const char *name, const xmlNode *from)
{
    if (!from)
        return;
    xmlChar *text = xmlNodeGetContent(from);
    xmlNode *n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, text);
    n->line = from->line;
    xmlFree(text);
}

/* ---- the catalog data tree ---- */

typedef struct {
    const xmlNode *node;
    qs_decimal min;
} tier_ref;

static void add_product(xmlNode *cat, const qs_quote *list, const xmlNode *root,
                        const xmlNode *p, const char *lang)
{
    xmlNode *out = add(cat, "product", p);
    static const char *const copied[] = {"sku", "unit", "tax"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        char *v = get(p, copied[i]);
        set(out, copied[i], v);
        xmlFree(v);
    }
    char *tax = get(p, "tax");
    set(out, "tax-percent", qs_quote_get_tax_rate(list, tax)->percent.text);
    xmlFree(tax);
    xmlChar *price = xmlNodeGetContent(qs_xml_child(p, "price"));
    set(out, "price", (const char *)price);
    xmlFree(price);

    size_t ntiers = 0;
    for (const xmlNode *t = p->children; t; t = t->next)
        ntiers += qs_xml_is(t, "tier");
    if (ntiers > 0) {
        char *mode = get(p, "tier-mode");
        if (!mode)
            mode = get(root, "tier-mode");
        set(out, "tier-mode", mode ? mode : "volume");
        xmlFree(mode);
    }
    add_text(out, "name", qs_tree_localized(p, "name", lang));
    add_text(out, "description", qs_tree_localized(p, "description", lang));

    /* Tiers in ascending min-qty (insertion sort: lists hold a few). */
    tier_ref *tiers = qs_xcalloc(ntiers ? ntiers : 1, sizeof *tiers);
    size_t n = 0;
    for (const xmlNode *t = p->children; t; t = t->next) {
        if (!qs_xml_is(t, "tier"))
            continue;
        char *min = get(t, "min-qty");
        qs_decimal v = 0;
        qs_decimal_parse(min, &v);   /* checked before */
        xmlFree(min);
        size_t k = n++;
        while (k > 0 && tiers[k - 1].min > v) {
            tiers[k] = tiers[k - 1];
            k--;
        }
        tiers[k] = (tier_ref){t, v};
    }
    for (size_t i = 0; i < n; i++) {
        xmlNode *t = add(out, "tier", tiers[i].node);
        char *min = get(tiers[i].node, "min-qty"), *tp = get(tiers[i].node, "price");
        set(t, "min-qty", min);
        set(t, "price", tp);
        xmlFree(min);
        xmlFree(tp);
    }
    free(tiers);
}

/* True when product p belongs to the category `name` (NULL: none). */
static bool in_category(const xmlNode *p, const char *name)
{
    char *c = get(p, "category");
    bool in = name ? c && strcmp(c, name) == 0 : c == NULL;
    xmlFree(c);
    return in;
}

static xmlDoc *make_tree(qs_inputs *in, const qs_quote *list, const char *lang,
                         qs_diags *d)
{
    /* The list's document, still parsed (qs_pricelist_load keeps it). */
    const qs_input *src = qs_input_load_xml(in, list->path, QS_FORMAT_PRICELIST, NULL, d);
    if (!src || !src->doc)
        return NULL;
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *cat = xmlNewNode(NULL, (const xmlChar *)"catalog");
    cat->line = root->line;
    xmlDocSetRootElement(doc, cat);
    static const char *const copied[] = {"id", "currency", "valid-from", "valid-until"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        char *v = get(root, copied[i]);
        set(cat, copied[i], v);
        xmlFree(v);
    }
    char *from = get(root, "valid-from");
    set(cat, "date", from);
    xmlFree(from);
    set(cat, "lang", lang);
    set(cat, "src", src->path);
    char *mode = get(root, "tier-mode");
    if (mode)
        set(cat, "tier-mode", mode);
    xmlFree(mode);

    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "tax-rate"))
            continue;
        xmlNode *r = add(cat, "tax-rate", c);
        char *id = get(c, "id"), *pct = get(c, "percent");
        set(r, "id", id);
        set(r, "percent", pct);
        xmlFree(id);
        xmlFree(pct);
    }

    /* Categories in order of first appearance, then the products without. */
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    bool uncategorized = false;
    for (const xmlNode *p = root->children; p; p = p->next) {
        if (!qs_xml_is(p, "product"))
            continue;
        char *c = get(p, "category");
        bool seen = !c;
        uncategorized |= !c;
        for (size_t i = 0; c && i < nnames && !seen; i++)
            seen = strcmp(names[i], c) == 0;
        if (seen) {
            xmlFree(c);
            continue;
        }
        names = qs_xgrow(names, &cap, nnames + 1, sizeof *names);
        names[nnames++] = c;
    }
    for (size_t i = 0; i <= nnames; i++) {
        const char *name = i < nnames ? names[i] : NULL;
        if (!name && !uncategorized)
            break;
        xmlNode *group = xmlNewChild(cat, NULL, (const xmlChar *)"category", NULL);
        if (name)
            set(group, "name", name);
        for (const xmlNode *p = root->children; p; p = p->next) {
            if (!qs_xml_is(p, "product") || !in_category(p, name))
                continue;
            if (group->line == 0)
                group->line = p->line;
            add_product(group, list, root, p, lang);
        }
    }
    for (size_t i = 0; i < nnames; i++)
        xmlFree(names[i]);
    free(names);
    return doc;
}

xmlDoc *qs_catalog_data(qs_inputs *in, const char *pricelist_path,
                        const char *lang, qs_diags *d)
{
    if (!lang)
        lang = "de";
    qs_lang parsed;
    if (!qs_lang_parse(lang, &parsed)) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "usage",
                    "unsupported document language '%s' (use de or en)", lang);
        qs_diags_set_environment_failed(d);
        return NULL;
    }
    qs_quote list;
    xmlDoc *tree = NULL;
    if (qs_pricelist_load(&list, in, pricelist_path, d))
        tree = make_tree(in, &list, lang, d);
    qs_quote_free(&list);
    return tree;
}

/* ---- rendering ---- */

bool qs_catalog_build(qs_inputs *in, const char *pricelist_path,
                      const char *template_path, const char *lang,
                      unsigned char **pdf, size_t *size, qs_diags *d)
{
    *pdf = NULL;
    *size = 0;
    xmlDoc *tree = qs_catalog_data(in, pricelist_path, lang, d);
    if (!tree)
        return false;
    char *fallback = template_path ? NULL : qs_inputs_root_file(in, DEFAULT_TEMPLATE);
    qs_doc doc;
    qs_layout layout;
    qs_doc_init(&doc);
    memset(&layout, 0, sizeof layout);
    bool ok = qs_template_build(in, template_path ? template_path : fallback, NULL,
                                tree, pricelist_path, lang ? lang : "de", &doc, d) &&
              qs_layout_run(&doc, &layout, d) &&
              qs_render_pdf(&doc, &layout, pdf, size, d);
    if (!ok) {
        free(*pdf);
        *pdf = NULL;
        *size = 0;
    }
    qs_layout_free(&layout);
    qs_doc_free(&doc);
    free(fallback);
    xmlFreeDoc(tree);
    return ok;
}

char *qs_catalog_output_path(qs_inputs *in, const char *pricelist_path, qs_diags *d)
{
    qs_input *src = qs_input_load_xml(in, pricelist_path, QS_FORMAT_PRICELIST, NULL, d);
    if (!src)
        return NULL;
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    char *id = get(root, "id");
    char *path = NULL;
    if (qs_output_name_is_safe(id)) {
        size_t len = strlen(id) + sizeof "out/catalog-.pdf";
        path = qs_xmalloc(len);
        snprintf(path, len, "out/catalog-%s.pdf", id);
    } else {
        unsigned line = 0, col = 0;
        char shown[QS_ECHO_SIZE];
        qs_input_locate(src, root, "id", &line, &col);
        qs_diag_add(d, QS_SEV_ERROR, src->path, line, col, "output",
                    "price list id '%s' cannot name the output file (use at most %d "
                    "letters, digits, '-', '_' and '.', or give -o FILE)",
                    qs_diag_echo(shown, id ? id : ""), QS_OUTPUT_NAME_MAX);
    }
    xmlFree(id);
    return path;
}

/* ---- atomic output ---- */
