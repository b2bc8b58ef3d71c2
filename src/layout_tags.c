/* layout_tags: owns the structure elements the layout engine makes for the
 * tagged PDF (PDF/UA-1, ISO 32000-1 14.8): the standard structure types a
 * template may name, each block kind's default element, and the tree in
 * qs_layout.tags that pdf_tags.c writes. Content items carry the index of
 * their element; decoration and page furniture are artifacts. */
#include "layout_int.h"

#include <stdlib.h>
#include <string.h>

/* The standard structure types a template's role attribute may name
 * (ISO 32000-1, tables 333 to 340, the block-level and illustration
 * types), sorted for bsearch, and "Artifact". Table parts (THead, TR, TD,
 * ...) are made by the engine from the table itself. */
static const char *const roles[] = {
    "Art", "Artifact", "BlockQuote", "Caption", "Div", "Figure", "Formula",
    "H1", "H2", "H3", "H4", "H5", "H6", "Index", "L", "LBody", "LI", "Lbl",
    "NonStruct", "Note", "P", "Part", "Sect", "TOC", "TOCI", "Table",
};

static int compare_role(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

const char *qs_tag_role(const char *name)
{
    const char *const *r = bsearch(name, roles, sizeof roles / sizeof roles[0],
                                   sizeof roles[0], compare_role);
    return r ? *r : NULL;
}

const char *qs_tag_roles(void)
{
    return "Art, Artifact, BlockQuote, Caption, Div, Figure, Formula, H1 to H6, "
           "Index, L, LBody, LI, Lbl, NonStruct, Note, P, Part, Sect, TOC, TOCI, "
           "Table";
}

/* Appends an element under `parent`; returns its index. */
static int tag_add(measure *m, const char *role, int parent, const char *alt)
{
    qs_layout *out = m->out;
    out->tags = qs_xgrow(out->tags, &out->tagcap, out->ntags + 1, sizeof *out->tags);
    qs_tag *t = &out->tags[out->ntags];
    memset(t, 0, sizeof *t);
    t->role = role;
    t->parent = parent;
    t->alt = alt ? qs_arena_strdup(&out->arena, alt) : NULL;
    t->place = (signed char)m->furniture;
    return (int)out->ntags++;
}

void qs_lay_tag_root(measure *m)
{
    tag_add(m, "Document", -1, NULL);
    m->tag = 0;
}

int qs_lay_tag_open(measure *m, const char *role, const char *alt)
{
    return m->tag < 0 ? m->tag : tag_add(m, role, m->tag, alt);
}

/* Elements whose content is the text itself: a paragraph in one of them
 * makes no P of its own. */
static bool holds_text(const char *role)
{
    static const char *const kinds[] = { "TD", "TH", "LI", "LBody", "Lbl", "Caption",
                                         "H1", "H2", "H3", "H4", "H5", "H6", "P", "Note" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(role, kinds[i]) == 0)
            return true;
    return false;
}

int qs_lay_tag_block(measure *m, const qs_block *b)
{
    const char *role = b->role ? qs_tag_role(b->role) : NULL;
    if (role && strcmp(role, "Artifact") == 0)
        return m->tag == QS_TAG_PAGINATION ? m->tag : QS_TAG_ARTIFACT;
    /* Page furniture is an artifact, but an element with a role of its own
     * there (the logo's Figure) is tagged, as a child of the Document. */
    if (role && m->tag < 0 && m->furniture != 0)
        return tag_add(m, role, 0, b->alt);
    if (!role) {
        switch (b->kind) {
        case QS_BLOCK_PARA:
            if (m->tag >= 0 && holds_text(m->out->tags[m->tag].role))
                return m->tag;
            role = "P";
            break;
        case QS_BLOCK_TABLE: role = "Table"; break;
        case QS_BLOCK_IMAGE:
        case QS_BLOCK_CHART: role = "Figure"; break;
        case QS_BLOCK_RULE: return m->tag < 0 ? m->tag : QS_TAG_ARTIFACT;
        default: return m->tag;
        }
    }
    return qs_lay_tag_open(m, role, b->alt);
}

void qs_lay_tag_items(qs_page *p, size_t from, int tag)
{
    for (size_t i = from; i < p->count; i++)
        p->items[i].tag = tag;
}

void qs_lay_tag_artifacts(qs_page *p, size_t from, int tag)
{
    for (size_t i = from; i < p->count; i++)
        if (p->items[i].tag == QS_TAG_ARTIFACT)
            p->items[i].tag = tag;
}

int qs_lay_tag_cell(measure *m, bool header, size_t span)
{
    if (m->tag < 0 || strcmp(m->out->tags[m->tag].role, "TR") != 0)
        return m->tag;
    int cell = qs_lay_tag_open(m, header ? "TH" : "TD", NULL);
    qs_tag *t = &m->out->tags[cell];
    t->scope_column = header;
    t->cell = true;
    t->colspan = (unsigned)span;
    return cell;
}

bool qs_lay_tag_is_table(const measure *m, int tag)
{
    return tag >= 0 && strcmp(m->out->tags[tag].role, "Table") == 0;
}
