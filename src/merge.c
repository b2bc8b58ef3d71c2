/* merge: builds the merged data tree (SPEC 2.1) from the loaded, priced
 * model, once. Every libxml2 call that allocates is checked, and so is the
 * count of failed allocations (input.h): running out of memory leaves no
 * tree and an "internal" diagnostic (exit 3). */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

typedef struct {
    qs_quote *q;
    unsigned groups;           /* the <group>s made so far, across the quote */
    bool failed;               /* a libxml2 call ran out of memory */
} builder;

/* Adds the attribute `name`, which `node` does not have yet (every element
 * here is new, or a copy of an input element whose schema allows none of
 * the names added): xmlNewProp, unlike xmlSetProp, does not look for it
 * first. */
static void add_attr(builder *b, xmlNode *node, const char *name, const char *value)
{
    if (node && !xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value))
        b->failed = true;
}

static void add_figure(builder *b, xmlNode *node, const char *name, qs_decimal v, int places)
{
    char buf[QS_DECIMAL_BUFSIZE];
    add_attr(b, node, name, qs_decimal_format(v, places, buf));
}

/* A new element under `parent` (NULL after a failure), with text content
 * (escaped) or none, at the source position `at` (may be NULL). */
static xmlNode *add_element(builder *b, xmlNode *parent, const char *name, const char *text,
                            const qs_origin *at)
{
    if (!parent)
        return NULL;
    xmlNode *n = text ? xmlNewTextChild(parent, NULL, (const xmlChar *)name,
                                        (const xmlChar *)text)
                      : xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    if (!n) {
        b->failed = true;
        return NULL;
    }
    if (at) {
        n->_private = (void *)at;
        n->line = (unsigned short)(at->line < 65535 ? at->line : 65535);
    }
    return n;
}

/* A copy of the model's fragment `n` (element, text, CDATA or comment,
 * with its attributes and content) under `parent`, node by node, each
 * step checked: xmlDocCopyNode leaves parts out, or leaks them, when
 * memory runs out (libxml2 2.9). Elements keep their _private origin. */
static xmlNode *add_copy(builder *b, xmlNode *parent, const xmlNode *n)
{
    if (!parent || b->failed)
        return NULL;
    if (n->type == XML_ELEMENT_NODE) {
        xmlNode *copy = add_element(b, parent, (const char *)n->name, NULL, n->_private);
        for (const xmlAttr *a = n->properties; copy && a; a = a->next) {
            xmlChar *value = xmlNodeListGetString(n->doc, a->children, 1);
            if (!value && a->children)
                b->failed = true;
            add_attr(b, copy, (const char *)a->name, value ? (const char *)value : "");
            xmlFree(value);
        }
        for (const xmlNode *c = n->children; copy && c; c = c->next)
            add_copy(b, copy, c);
        return copy;
    }
    xmlNode *copy = NULL;
    if (n->type == XML_TEXT_NODE)
        copy = xmlNewDocText(parent->doc, n->content);
    else if (n->type == XML_CDATA_SECTION_NODE)
        copy = xmlNewCDataBlock(parent->doc, n->content, xmlStrlen(n->content));
    else if (n->type == XML_COMMENT_NODE)
        copy = xmlNewDocComment(parent->doc, n->content);
    else
        return NULL; /* nothing else survives parsing (input.c) */
    if (copy && !xmlAddChild(parent, copy)) {
        xmlFreeNode(copy);
        copy = NULL;
    }
    b->failed |= copy == NULL;
    return copy;
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

/* A line of the group numbered `group_no` (across the quote), whose first
 * line has the position `first_pos`: its number by group is "G.N", N
 * counting the group's lines from 1 as `pos` counts the quote's (optional
 * lines and alternatives too). An alternative's main line is in its group. */
static void add_line(builder *b, const qs_quote *q, const qs_line *l, xmlNode *group,
                     unsigned group_no, unsigned first_pos)
{
    xmlNode *line = add_element(b, group, "line", NULL, &l->at);
    if (!line)
        return;
    const qs_product *p = l->product;
    const qs_line_price *lp = &l->price;
    char buf[64];
    snprintf(buf, sizeof buf, "%u", l->pos);
    add_attr(b, line, "pos", buf);
    snprintf(buf, sizeof buf, "%u.%u", group_no, l->pos - first_pos + 1);
    add_attr(b, line, "group-pos", buf);
    add_attr(b, line, "sku", l->sku);
    add_attr(b, line, "qty", l->qty.text);
    add_attr(b, line, "unit", l->unit);
    if (l->unit_plural)
        add_attr(b, line, "unit-plural", l->unit_plural);
    if (l->optional)
        add_attr(b, line, "optional", "true");
    if (l->alternative_to) {
        snprintf(buf, sizeof buf, "%u", l->alternative_to);
        add_attr(b, line, "alternative-to", buf);
        snprintf(buf, sizeof buf, "%u.%u", group_no, l->alternative_to - first_pos + 1);
        add_attr(b, line, "alternative-to-group-pos", buf);
    }
    if (l->has_discount)
        add_attr(b, line, "discount-percent", l->discount.text);
    if (l->reason)
        add_attr(b, line, "reason", l->reason);
    add_attr(b, line, "list-price", p ? p->price.text : l->custom_price.text);
    add_attr(b, line, "unit-price", lp->unit_price_text);
    add_figure(b, line, "net", lp->net, q->minor_digits);
    add_attr(b, line, "tax", l->tax->id);
    add_attr(b, line, "tax-percent", l->tax->percent.text);
    add_attr(b, line, "tax-category", qs_tax_category_code(l->treatment.category));
    if (p && p->has_cost) {
        add_attr(b, line, "cost", p->cost.text);
        if (lp->has_margin)
            add_figure(b, line, "margin-percent", lp->margin, 2);
    }
    if (p && p->category)
        add_attr(b, line, "category", p->category);
    if (p)
        add_attr(b, line, "pricelist", p->list->id);
    char src[4200];
    snprintf(src, sizeof src, "%s:%u", l->at.file, l->at.line);
    add_attr(b, line, "src", src);
    if (l->name)
        add_element(b, line, "name", l->name->text, &l->name->at);
    if (l->description)
        add_element(b, line, "description", l->description->text, &l->description->at);
    /* The product's picture, at its <image> in the price list, so that a
     * template's <image select="image/@href"> resolves it from there. */
    if (p && p->image)
        add_attr(b, add_element(b, line, "image", NULL, &p->image_at), "href", p->image);
}

static void add_department(builder *b, const qs_department *dep, xmlNode *parent)
{
    const qs_quote *q = b->q;
    xmlNode *out = add_element(b, parent, "department", NULL, &dep->at);
    add_attr(b, out, "name", dep->name);
    if (dep->title)
        add_attr(b, out, "title", dep->title);
    if (dep->owner)
        add_attr(b, out, "owner", dep->owner);
    if (dep->approved_by)
        add_attr(b, out, "approved-by", dep->approved_by);
    add_attr(b, out, "src", dep->path);
    for (size_t i = 0; i < dep->nparts; i++) {
        const qs_department_part *part = &dep->parts[i];
        if (part->element) {
            add_copy(b, out, part->element);
            continue;
        }
        xmlNode *group = add_element(b, out, "group", NULL, &part->at);
        if (part->title)
            add_attr(b, group, "title", part->title);
        unsigned group_no = ++b->groups;
        for (size_t k = 0; k < part->nlines; k++)
            add_line(b, q, &q->lines[part->first + k], group, group_no,
                     q->lines[part->first].pos);
    }
}

static void add_pricelist_attrs(builder *b, xmlNode *copy, const qs_pricelist *list)
{
    char date[11];
    add_attr(b, copy, "id", list->id);
    add_attr(b, copy, "valid-from", qs_date_format(list->valid_from, date));
    add_attr(b, copy, "valid-until", qs_date_format(list->valid_until, date));
    if (list->overrides)
        add_attr(b, copy, "overrides", list->overrides);
    add_attr(b, copy, "file", list->path);
}

static void add_totals(builder *b, xmlNode *quote)
{
    const qs_quote *q = b->q;
    const qs_totals *t = &q->totals;
    int m = q->minor_digits;
    qs_lang lang = QS_LANG_EN;
    qs_lang_parse(q->lang, &lang);
    xmlNode *totals = add_element(b, quote, "totals", NULL, NULL);
    add_figure(b, totals, "net", t->net, m);
    if (q->has_discount)
        add_attr(b, totals, "discount-percent", q->discount.text);
    add_figure(b, totals, "discount", t->discount, m);
    add_figure(b, totals, "taxable", t->taxable, m);
    add_figure(b, totals, "gross", t->gross, m);
    for (size_t i = 0; i < t->ntaxes; i++) {
        const qs_tax_total *g = &t->taxes[i];
        xmlNode *tax = add_element(b, totals, "tax", NULL, NULL);
        add_attr(b, tax, "id", g->id);
        add_attr(b, tax, "category", qs_tax_category_code(g->category));
        add_attr(b, tax, "percent", g->percent_text);
        add_figure(b, tax, "base", g->base, m);
        add_figure(b, tax, "amount", g->amount, m);
        add_figure(b, tax, "allowance", g->allowance, m);
        if (g->exemption != QS_VATEX_NONE)
            add_attr(b, tax, "exemption-code", qs_vatex_code(g->exemption));
        /* the exemption note in the quote's language, for templates */
        const char *note = qs_tax_note(g->category, lang, g->exemption_reason);
        if (note)
            add_attr(b, tax, "note", note);
    }
}

/* The root <quote> and its content: the quote's own elements from
 * q->fragments in document order, each <department> mark replaced by its
 * department, then the totals. */
static void add_quote(builder *b)
{
    qs_quote *q = b->q;
    xmlNode *quote = xmlNewDocNode(q->tree, NULL, (const xmlChar *)"quote", NULL);
    if (!quote) {
        b->failed = true;
        return;
    }
    xmlDocSetRootElement(q->tree, quote);
    quote->_private = &q->at;
    quote->line = (unsigned short)(q->at.line < 65535 ? q->at.line : 65535);
    add_attr(b, quote, "id", q->id);
    add_attr(b, quote, "lang", q->lang);
    add_attr(b, quote, "currency", q->currency);
    add_attr(b, quote, "status", q->status_name);
    if (q->has_revision) {
        char revision[16];
        snprintf(revision, sizeof revision, "%u", q->revision);
        add_attr(b, quote, "revision", revision);
    }
    if (q->owner)
        add_attr(b, quote, "owner", q->owner);
    add_attr(b, quote, "src", q->path);

    const xmlNode *elements = xmlDocGetRootElement(q->fragments)->children;
    size_t next_dep = 0, next_list = 0;
    for (const xmlNode *c = elements->children; c && !b->failed; c = c->next) {
        if (qs_xml_is(c, "department")) {
            if (next_dep < q->ndepartments)
                add_department(b, &q->departments[next_dep++], quote);
            continue;
        }
        xmlNode *copy = add_copy(b, quote, c);
        if (qs_xml_is(c, "pricelist") && next_list < q->nlists)
            add_pricelist_attrs(b, copy, &q->lists[next_list++]);
    }
    add_totals(b, quote);
}

bool qs_quote_merge(qs_quote *q, qs_diags *d)
{
    builder b = {q, 0, false};
    unsigned long failures = qs_xml_memory_failures();
    q->tree = xmlNewDoc((const xmlChar *)"1.0");
    if (q->tree) {
        /* Element and attribute names are interned, not malloc'd one by one. */
        q->tree->dict = xmlDictCreate();
        q->tree->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    }
    if (!q->tree || !q->tree->dict || !q->tree->encoding || !q->fragments)
        b.failed = true;
    else
        add_quote(&b);
    /* A failure libxml2 only showed by leaving a piece out (input.h). */
    b.failed |= qs_xml_memory_failures() != failures;
    if (!b.failed)
        return true;
    qs_quote_free_tree(q);
    qs_diag_add(d, QS_SEV_ERROR, q->path, 0, 0, "internal",
                "out of memory while building the data tree");
    qs_diags_set_internal_failed(d);
    return false;
}

/* The file and line from the src attributes (trees without origins). */
static void source_from_attributes(const xmlNode *node, qs_origin *at)
{
    at->line = (unsigned)xmlGetLineNo(node);
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        xmlAttr *src = xmlHasProp(n, (const xmlChar *)"src");
        if (!src || !src->children || !src->children->content)
            continue;
        const char *value = (const char *)src->children->content;
        if (qs_xml_is(n, "line")) {
            const char *colon = strrchr(value, ':');
            if (colon)
                at->line = (unsigned)strtoul(colon + 1, NULL, 10);
            continue;
        }
        at->file = value;
        return;
    }
}

bool qs_tree_origin_of(const xmlNode *node, qs_origin *at)
{
    memset(at, 0, sizeof *at);
    if (node && node->type == XML_ATTRIBUTE_NODE)
        node = node->parent;
    if (!node || node->type != XML_ELEMENT_NODE)
        return false;
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (n->_private) {
            *at = *(const qs_origin *)n->_private;
            return at->file != NULL;
        }
    }
    source_from_attributes(node, at);
    return at->file != NULL;
}

void qs_tree_source_of(const xmlNode *node, const char **file, unsigned *line)
{
    qs_origin at;
    qs_tree_origin_of(node, &at);
    *file = at.file;
    *line = at.line;
}
