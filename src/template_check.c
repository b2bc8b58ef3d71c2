/* template_check: the template stage's check pass (template.c runs it
 * first, docs/templates.md): every attribute of every element parsed by
 * its kind (length, colour, border, style name, XPath, text with
 * {interpolations}), table rows checked against their columns, so that
 * every template error is reported before the data is read, also in
 * branches the data never takes. */
#include "template_int.h"

#include <stdlib.h>
#include <string.h>

/* What the check pass does with an attribute. */
typedef enum {
    CHECK_LENGTH,      /* a length (width too, except a column's) */
    CHECK_WIDTH,       /* a length, or a column's share like 2* */
    CHECK_COLOR,
    CHECK_BORDER,      /* a cell border */
    CHECK_STYLE,       /* names a style */
    CHECK_XPATH,
    CHECK_TEXT         /* a text with {interpolations} */
} check_kind;

typedef struct {
    const char *name;
    check_kind kind;
} checked_attr;

/* Every attribute the check pass parses, sorted by name (bsearch). */
static const checked_attr checked_attrs[] = {
    {"anchor", CHECK_TEXT},
    {"alt", CHECK_TEXT},
    {"background", CHECK_COLOR},       {"border", CHECK_BORDER},
    {"border-bottom", CHECK_BORDER},   {"border-left", CHECK_BORDER},
    {"border-right", CHECK_BORDER},    {"border-top", CHECK_BORDER},
    {"carry", CHECK_XPATH},
    {"carry-label", CHECK_TEXT},       {"carry-label-foot", CHECK_TEXT},
    {"carry-label-head", CHECK_TEXT},  {"carry-style", CHECK_STYLE},
    {"color", CHECK_COLOR},            {"continued-label", CHECK_TEXT},
    {"fallback", CHECK_TEXT},          {"footer-offset", CHECK_LENGTH},
    {"gap", CHECK_LENGTH},
    {"header-offset", CHECK_LENGTH},   {"height", CHECK_LENGTH},
    {"href", CHECK_TEXT},
    {"indent", CHECK_LENGTH},          {"margin-bottom", CHECK_LENGTH},
    {"margin-left", CHECK_LENGTH},     {"margin-right", CHECK_LENGTH},
    {"margin-top", CHECK_LENGTH},      {"outline", CHECK_TEXT},
    {"padding", CHECK_LENGTH},         {"select", CHECK_XPATH},
    {"space-after", CHECK_LENGTH},     {"space-before", CHECK_LENGTH},
    {"style", CHECK_STYLE},            {"test", CHECK_XPATH},
    {"thickness", CHECK_LENGTH},       {"to", CHECK_TEXT},
    {"width", CHECK_WIDTH},
    {"x", CHECK_LENGTH},               {"y", CHECK_LENGTH},
    {"zebra", CHECK_COLOR},
};

static int compare_checked(const void *key, const void *entry)
{
    return strcmp(key, ((const checked_attr *)entry)->name);
}

/* Cells in a row or header must span exactly the table's columns. */
static void check_row_width(tpl *t, const xmlNode *r)
{
    const xmlNode *table = r->parent;
    while (table && !is_el(table, "table"))
        table = table->parent;
    if (!table)
        return;
    size_t ncol = 0, span = 0;
    for (const xmlNode *c = table->children; c; c = c->next)
        ncol += is_el(c, "column");
    for (const xmlNode *c = r->children; c; c = c->next)
        if (is_el(c, "cell"))
            span += attr(c, "colspan") ? (size_t)atoi(attr(c, "colspan")) : 1;
    if (span != ncol)
        qs_tpl_error(t, r, NULL, "the cells of this %s span %zu columns, the table has %zu",
             (const char *)r->name, span, ncol);
}

/* The role attribute names a structure type, and a figure (an image or
 * chart) that is tagged has a text alternative (PDF/UA-1 7.3): in the
 * body unless role="Artifact"; in a header or footer (an artifact there)
 * only when it has a role. */
static void check_role(tpl *t, const xmlNode *n, bool fields)
{
    const char *role = attr(n, "role");
    if (role && !qs_tag_role(role)) {
        qs_tpl_error(t, n, "role", "unknown role '%.40s' (a PDF structure type: %s)", role,
                     qs_tag_roles());
        return;
    }
    bool artifact = role && strcmp(role, "Artifact") == 0;
    bool figure = is_el(n, "image") || is_el(n, "chart");
    if (figure && !attr(n, "alt") && !artifact && (!fields || role))
        qs_tpl_error(t, n, NULL, "<%s> needs alt=\"...\", the text a screen reader says "
                     "for it (PDF/UA), or role=\"Artifact\" when it is decoration",
                     (const char *)n->name);
}

/* Parses and compiles everything in element n and below, reporting each
 * error once. */
void qs_tpl_check_tree(tpl *t, const xmlNode *n, bool fields)
{
    if (is_el(n, "master"))
        fields = true;
    if (is_el(n, "fonts") || is_el(n, "styles") || is_el(n, "strings") ||
        is_el(n, "page"))
        return;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        const checked_attr *c = bsearch(name, checked_attrs,
                                        sizeof checked_attrs / sizeof checked_attrs[0],
                                        sizeof checked_attrs[0], compare_checked);
        if (!c)
            continue;
        float f;
        qs_rgb rgb;
        qs_column col;
        qs_border border;
        switch (c->kind) {
        case CHECK_LENGTH:
            qs_tpl_length_attr(t, n, name, &f, true);
            break;
        case CHECK_WIDTH:
            if (!is_el(n, "column"))
                qs_tpl_length_attr(t, n, name, &f, true);
            else if (!qs_tpl_parse_column_width(attr(n, name), &col))
                qs_tpl_error(t, n, name,
                     "bad column width '%s' (expected a length like 20mm, or a "
                     "share like 2*)", attr(n, name));
            break;
        case CHECK_COLOR:
            qs_tpl_color_attr(t, n, name, &rgb, true);
            break;
        case CHECK_BORDER:
            qs_tpl_border_attr(t, n, name, &border, true);
            break;
        case CHECK_STYLE:
            qs_tpl_style_attr(t, n, name, true);
            break;
        case CHECK_XPATH:
            qs_tpl_xpath(t, n, name);
            break;
        case CHECK_TEXT:
            qs_tpl_program(t, attr(n, name), n, name, false);
            break;
        }
    }
    if (is_el(n, "row") || is_el(n, "header"))
        check_row_width(t, n);
    check_role(t, n, fields);
    if (is_el(n, "columns") && attr(n, "count") &&
        (atoi(attr(n, "count")) < 2 || atoi(attr(n, "count")) > 8))
        qs_tpl_error(t, n, "count", "count %s: columns are 2 to 8", attr(n, "count"));
    if (is_el(n, "chart")) {
        qs_rgb palette[3];
        qs_tpl_palette_attr(t, n, palette, true);
        if (attr(n, "note-test"))
            qs_tpl_xpath(t, n, "note-test");
        const char *texts[] = {"label", "note", "value", "target", "value-legend",
                               "target-legend"};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
            if (attr(n, texts[i]))
                qs_tpl_program(t, attr(n, texts[i]), n, texts[i], false);
    }
    if (is_el(n, "image") && !attr(n, "href") && !attr(n, "select"))
        qs_tpl_error(t, n, NULL, "<image> needs href, select or both");
    if (is_el(n, "table") && attr(n, "carry-column")) {
        size_t ncol = 0;
        for (const xmlNode *c = n->children; c; c = c->next)
            ncol += is_el(c, "column");
        if ((size_t)atoi(attr(n, "carry-column")) > ncol)
            qs_tpl_error(t, n, "carry-column", "carry-column %s is beyond the table's %zu columns",
                 attr(n, "carry-column"), ncol);
    }
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            bool p_fields = fields && !is_el(n, "watermark") && n->parent &&
                            !is_el(n->parent, "metadata");
            qs_tpl_program(t, (const char *)c->content, n, NULL, p_fields);
        } else if (c->type == XML_ELEMENT_NODE) {
            qs_tpl_check_tree(t, c, fields);
        }
    }
}
