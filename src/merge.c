/* merge: builds the merged data tree (SPEC 2.1) from the loaded model. The
 * figures (unit-price, net, margin-percent, totals) are left for price.c;
 * their attributes are created here, empty, so every <line> lists its
 * attributes in the documented order. */
#include "merge.h"
#include "input.h"

#include <stdlib.h>
#include <string.h>

#include "quote.h"

/* Adds the attribute `name`, which `node` does not have yet (every element
 * here is new, or a copy of an input element whose schema allows none of
 * the names added): xmlNewProp, unlike xmlSetProp, does not look for it
 * first. */
static void add_attr(xmlNode *node, const char *name, const char *value)
{
    xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNode *add_copy(xmlNode *parent, const xmlNode *n)
{
    xmlNode *copy = xmlDocCopyNode((xmlNode *)n, parent->doc, 1);
    return xmlAddChild(parent, copy);
}

const xmlNode *qs_tree_localized(const xmlNode *parent, const char *element,
                                 const char *lang)
{
    const xmlNode *plain = NULL, *first = NULL;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (!qs_xml_is(c, element))
            continue;
        xmlChar *l = xmlGetProp(c, (const xmlChar *)"lang");
        bool match = l && strcmp((const char *)l, lang) == 0;
        if (!l && !plain)
            plain = c;
        xmlFree(l);
        if (match)
            return c;
        if (!first)
            first = c;
    }
    return plain ? plain : first;
}

static void add_text_child(xmlNode *line, const char *element, const xmlNode *from)
{
    if (!from)
        return;
    xmlChar *text = xmlNodeGetContent(from);
    xmlNode *n = xmlNewTextChild(line, NULL, (const xmlChar *)element, text);
    n->line = from->line;
    xmlFree(text);
}

static xmlNode *make_line(const qs_quote *q, qs_line *l, xmlNode *group)
{
    xmlNode *line = xmlNewChild(group, NULL, (const xmlChar *)"line", NULL);
    line->line = l->item->line;
    char buf[64];
    snprintf(buf, sizeof buf, "%u", l->pos);
    add_attr(line, "pos", buf);
    xmlChar *sku = xmlGetProp(l->item, (const xmlChar *)"sku");
    add_attr(line, "sku", (const char *)sku);
    xmlFree(sku);
    add_attr(line, "qty", l->qty_text);
    /* An item's own unit wins over the price list's (docs/formats.md). */
    xmlChar *unit = xmlGetProp(l->item, (const xmlChar *)"unit");
    add_attr(line, "unit", unit ? (const char *)unit : l->product ? l->product->unit : "");
    xmlFree(unit);
    if (l->optional)
        add_attr(line, "optional", "true");
    if (l->has_discount)
        add_attr(line, "discount-percent", l->discount_text);
    if (l->reason)
        add_attr(line, "reason", l->reason);
    add_attr(line, "list-price", l->product ? l->product->price_text : l->custom_price_text);
    add_attr(line, "unit-price", "");
    add_attr(line, "net", "");
    add_attr(line, "tax", l->tax->id);
    add_attr(line, "tax-percent", l->tax->percent_text);
    if (l->product && l->product->has_cost) {
        add_attr(line, "cost", l->product->cost_text);
        add_attr(line, "margin-percent", "");
    }
    if (l->product) {
        xmlChar *category = xmlGetProp(l->product->node, (const xmlChar *)"category");
        if (category)
            add_attr(line, "category", (const char *)category);
        xmlFree(category);
        add_attr(line, "pricelist", l->product->list->id);
    }
    snprintf(buf, sizeof buf, "%s:%ld", l->src->path, xmlGetLineNo(l->item));
    add_attr(line, "src", buf);

    /* The item's own name and description win over the price list's. */
    const xmlNode *name = qs_tree_localized(l->item, "name", q->lang);
    const xmlNode *desc = qs_tree_localized(l->item, "description", q->lang);
    if (!name && l->product)
        name = qs_tree_localized(l->product->node, "name", q->lang);
    if (!desc && l->product)
        desc = qs_tree_localized(l->product->node, "description", q->lang);
    add_text_child(line, "name", name);
    add_text_child(line, "description", desc);
    l->line = line;
    return line;
}

static xmlNode *merge_department(qs_quote *q, const qs_department *dep,
                                 xmlNode *parent, size_t *next_line)
{
    const xmlNode *root = xmlDocGetRootElement(dep->src->doc);
    xmlNode *out = xmlNewChild(parent, NULL, (const xmlChar *)"department", NULL);
    out->line = root->line;
    static const char *const copied[] = {"name", "owner", "approved-by"};
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        xmlChar *v = xmlGetProp(root, (const xmlChar *)copied[i]);
        if (v)
            add_attr(out, copied[i], (const char *)v);
        xmlFree(v);
    }
    add_attr(out, "src", dep->src->path);

    xmlNode *loose = NULL; /* the untitled group collecting loose items */
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (qs_xml_is(c, "item")) {
            if (!loose) {
                loose = xmlNewChild(out, NULL, (const xmlChar *)"group", NULL);
                loose->line = c->line;
            }
            make_line(q, &q->lines[(*next_line)++], loose);
            continue;
        }
        loose = NULL;
        if (qs_xml_is(c, "group")) {
            xmlNode *group = xmlNewChild(out, NULL, (const xmlChar *)"group", NULL);
            group->line = c->line;
            xmlChar *title = xmlGetProp(c, (const xmlChar *)"title");
            if (title)
                add_attr(group, "title", (const char *)title);
            xmlFree(title);
            for (const xmlNode *i = c->children; i; i = i->next)
                if (qs_xml_is(i, "item"))
                    make_line(q, &q->lines[(*next_line)++], group);
        } else if (c->type == XML_ELEMENT_NODE) {
            add_copy(out, c);
        }
    }
    return out;
}

static const qs_pricelist *list_of_ref(const qs_quote *q, const xmlNode *ref)
{
    for (size_t i = 0; i < q->nlists; i++)
        if (q->lists[i].href_node == ref)
            return &q->lists[i];
    return NULL;
}

bool qs_quote_merge(qs_quote *q, qs_diags *d)
{
    (void)d;
    const xmlNode *root = xmlDocGetRootElement(q->src->doc);
    q->tree = xmlNewDoc((const xmlChar *)"1.0");
    /* Element and attribute names are interned, not malloc'd one by one. */
    q->tree->dict = xmlDictCreate();
    q->tree->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    xmlNode *quote = xmlNewDocNode(q->tree, NULL, (const xmlChar *)"quote", NULL);
    xmlDocSetRootElement(q->tree, quote);
    quote->line = root->line;
    add_attr(quote, "id", q->id);
    add_attr(quote, "lang", q->lang);
    add_attr(quote, "currency", q->currency);
    add_attr(quote, "status", q->status);
    add_attr(quote, "src", q->src->path);

    size_t next_dep = 0, next_line = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (qs_xml_is(c, "department")) {
            merge_department(q, &q->departments[next_dep++], quote, &next_line);
            continue;
        }
        xmlNode *copy = add_copy(quote, c);
        const qs_pricelist *list = qs_xml_is(c, "pricelist") ? list_of_ref(q, c) : NULL;
        if (list) {
            add_attr(copy, "id", list->id);
            add_attr(copy, "valid-from", list->valid_from);
            add_attr(copy, "valid-until", list->valid_until);
            if (list->overrides)
                add_attr(copy, "overrides", list->overrides);
            add_attr(copy, "file", list->src->path);
        }
    }
    return true;
}

void qs_quote_prune_tree(qs_quote *q)
{
    xmlNode *quote = q->tree ? xmlDocGetRootElement(q->tree) : NULL;
    xmlNode *c = quote ? quote->children : NULL;
    while (c) {
        xmlNode *next = c->next;
        if (!qs_xml_is(c, "totals")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

void qs_tree_source_of(const xmlNode *node, const char **file, unsigned *line)
{
    *file = NULL;
    *line = 0;
    if (node && node->type == XML_ATTRIBUTE_NODE)
        node = node->parent;
    if (!node)
        return;
    *line = (unsigned)xmlGetLineNo(node);
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        xmlAttr *src = xmlHasProp(n, (const xmlChar *)"src");
        if (!src || !src->children || !src->children->content)
            continue;
        const char *value = (const char *)src->children->content;
        if (qs_xml_is(n, "line")) {
            const char *colon = strrchr(value, ':');
            if (colon)
                *line = (unsigned)strtoul(colon + 1, NULL, 10);
            continue;
        }
        *file = value;
        return;
    }
}
