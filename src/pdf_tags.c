/* pdf_tags: the structure tree of the tagged PDF (see pdf_tags.h). */
#include "pdf_tags.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

void qs_pdf_tags_init(qs_pdf_tags *t, const qs_layout *l)
{
    memset(t, 0, sizeof *t);
    t->l = l;
    size_t n = l->npages + 1;
    t->mcids = qs_xcalloc(n, sizeof *t->mcids);
    t->nmcids = qs_xcalloc(n, sizeof *t->nmcids);
    t->capmcids = qs_xcalloc(n, sizeof *t->capmcids);
}

void qs_pdf_tags_free(qs_pdf_tags *t)
{
    for (size_t p = 0; t->mcids && p < t->l->npages; p++)
        free(t->mcids[p]);
    free(t->mcids);
    free(t->nmcids);
    free(t->capmcids);
    free(t->links);
    memset(t, 0, sizeof *t);
}

const char *qs_pdf_tags_role(const qs_pdf_tags *t, int tag)
{
    return tag >= 0 && (size_t)tag < t->l->ntags ? t->l->tags[tag].role : "Span";
}

int qs_pdf_tags_mcid(qs_pdf_tags *t, size_t page, int tag)
{
    t->mcids[page] = qs_xgrow(t->mcids[page], &t->capmcids[page], t->nmcids[page] + 1,
                              sizeof **t->mcids);
    t->mcids[page][t->nmcids[page]] = tag;
    return (int)t->nmcids[page]++;
}

unsigned qs_pdf_tags_annot(qs_pdf_tags *t, size_t page, int tag, unsigned annot)
{
    t->links = qs_xgrow(t->links, &t->caplinks, t->nlinks + 1, sizeof *t->links);
    t->links[t->nlinks].annot = annot;
    t->links[t->nlinks].page = page;
    t->links[t->nlinks].tag = tag >= 0 && (size_t)tag < t->l->ntags ? tag : 0;
    return (unsigned)(t->l->npages + t->nlinks++);
}

/* ---- writing ---- */

typedef struct {
    size_t page;
    int mcid;
} mcr;

/* The tree as written: per element its marked-content references and its
 * children (both in reading order, as index ranges), whether it is
 * written (it holds content, directly or below) and its object number. */
typedef struct {
    const qs_tag *tags;
    size_t n;
    size_t *own_at;     /* own[own_at[i] .. own_at[i + 1]) */
    mcr *own;
    size_t *kid_at;     /* kids[kid_at[i] .. kid_at[i + 1]) */
    int *kids;
    bool *live;
    unsigned *num;
    unsigned *link_num; /* per link annotation: its Link element */
} tree;

/* Each element's marked-content references, page by page. */
static void collect_own(tree *tr, const qs_pdf_tags *t)
{
    const qs_layout *l = t->l;
    size_t total = 0;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < t->nmcids[p]; k++, total++)
            tr->own_at[t->mcids[p][k] + 1]++;
    for (size_t i = 0; i < tr->n; i++)
        tr->own_at[i + 1] += tr->own_at[i];
    tr->own = qs_xcalloc(total + 1, sizeof *tr->own);
    size_t *fill = qs_xcalloc(tr->n + 1, sizeof *fill);
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < t->nmcids[p]; k++) {
            int tag = t->mcids[p][k];
            tr->own[tr->own_at[tag] + fill[tag]++] = (mcr){ p, (int)k };
        }
    free(fill);
}

/* Which elements are written, and each one's children in reading order:
 * the Document's from page headers first, then the flow's, then the
 * footers'; after an element's children its Link elements (a kid k < 0 is
 * link -k - 1). */
static void collect_kids(tree *tr, const qs_pdf_tags *t)
{
    for (size_t i = 0; i < tr->n; i++)
        tr->live[i] = tr->own_at[i + 1] > tr->own_at[i] || tr->tags[i].cell;
    for (size_t k = 0; k < t->nlinks; k++)
        tr->live[t->links[k].tag] = true;
    for (size_t i = tr->n; i-- > 1;) /* a parent comes before its children */
        if (tr->live[i])
            tr->live[tr->tags[i].parent] = true;
    tr->live[0] = true;
    for (size_t i = 1; i < tr->n; i++)
        if (tr->live[i])
            tr->kid_at[tr->tags[i].parent + 1]++;
    for (size_t k = 0; k < t->nlinks; k++)
        tr->kid_at[t->links[k].tag + 1]++;
    for (size_t i = 0; i < tr->n; i++)
        tr->kid_at[i + 1] += tr->kid_at[i];
    tr->kids = qs_xcalloc(tr->kid_at[tr->n] + 1, sizeof *tr->kids);
    size_t *fill = qs_xcalloc(tr->n + 1, sizeof *fill);
    for (int place = -1; place <= 1; place++)
        for (size_t i = 1; i < tr->n; i++)
            if (tr->live[i] && tr->tags[i].parent == 0 && tr->tags[i].place == place)
                tr->kids[tr->kid_at[0] + fill[0]++] = (int)i;
    for (size_t i = 1; i < tr->n; i++) {
        int parent = tr->tags[i].parent;
        if (tr->live[i] && parent != 0)
            tr->kids[tr->kid_at[parent] + fill[parent]++] = (int)i;
    }
    for (size_t k = 0; k < t->nlinks; k++) {
        int tag = t->links[k].tag;
        tr->kids[tr->kid_at[tag] + fill[tag]++] = -(int)k - 1;
    }
    free(fill);
}

/* Element i's dictionary. */
static void put_element(qs_buf *d, const tree *tr, size_t i, unsigned parent,
                        const unsigned *pages)
{
    const qs_tag *tag = &tr->tags[i];
    size_t own0 = tr->own_at[i], own1 = tr->own_at[i + 1];
    size_t kid0 = tr->kid_at[i], kid1 = tr->kid_at[i + 1];
    size_t count = (own1 - own0) + (kid1 - kid0);
    qs_buf_puts(d, "/S /");
    qs_buf_puts(d, tag->role);
    qs_buf_puts(d, " /P ");
    qs_pdf_put_ref(d, parent);
    size_t page = own1 > own0 ? tr->own[own0].page : 0;
    if (own1 > own0) {
        qs_buf_puts(d, " /Pg ");
        qs_pdf_put_ref(d, pages[page]);
    }
    if (tag->alt) {
        qs_buf_puts(d, " /Alt ");
        qs_pdf_put_text_string(d, tag->alt);
    }
    if (tag->scope_column || tag->colspan > 1) {
        qs_buf_puts(d, " /A << /O /Table");
        if (tag->scope_column)
            qs_buf_puts(d, " /Scope /Column");
        if (tag->colspan > 1)
            qs_buf_printf(d, " /ColSpan %u", tag->colspan);
        qs_buf_puts(d, " >>");
    }
    if (count == 0) /* an empty cell */
        return;
    qs_buf_puts(d, count == 1 ? " /K " : " /K [ ");
    for (size_t k = own0; k < own1; k++) {
        const mcr *r = &tr->own[k];
        if (r->page != page) {
            qs_buf_puts(d, "<< /Type /MCR /Pg ");
            qs_pdf_put_ref(d, pages[r->page]);
            qs_buf_puts(d, " /MCID ");
        }
        qs_buf_put_uint(d, (unsigned)r->mcid);
        qs_buf_puts(d, r->page != page ? " >> " : " ");
    }
    for (size_t k = kid0; k < kid1; k++) {
        int kid = tr->kids[k];
        qs_pdf_put_ref(d, kid >= 0 ? tr->num[kid] : tr->link_num[-kid - 1]);
        qs_buf_add(d, " ", 1);
    }
    if (count != 1)
        qs_buf_puts(d, "]");
}

/* /StructTreeRoot with its parent tree: per page the element of each
 * MCID, per link annotation its Link element. */
static void put_root(qs_buf *d, const tree *tr, const qs_pdf_tags *t)
{
    size_t npages = t->l->npages;
    qs_buf_printf(d, "/Type /StructTreeRoot /K %u 0 R /ParentTree << /Nums [ ", tr->num[0]);
    for (size_t p = 0; p < npages; p++) {
        qs_buf_put_uint(d, p);
        qs_buf_puts(d, " [ ");
        for (size_t k = 0; k < t->nmcids[p]; k++) {
            qs_pdf_put_ref(d, tr->num[t->mcids[p][k]]);
            qs_buf_add(d, " ", 1);
        }
        qs_buf_puts(d, "] ");
    }
    for (size_t k = 0; k < t->nlinks; k++)
        qs_buf_printf(d, "%zu %u 0 R ", npages + k, tr->link_num[k]);
    qs_buf_printf(d, "] >> /ParentTreeNextKey %zu", npages + t->nlinks);
}

void qs_pdf_tags_write(qs_pdf_tags *t, qs_pdf_update *u, const unsigned *pages)
{
    tree tr;
    memset(&tr, 0, sizeof tr);
    tr.tags = t->l->tags;
    tr.n = t->l->ntags;
    if (tr.n == 0) /* a layout that failed: nothing to write */
        return;
    tr.own_at = qs_xcalloc(tr.n + 1, sizeof *tr.own_at);
    tr.kid_at = qs_xcalloc(tr.n + 1, sizeof *tr.kid_at);
    tr.live = qs_xcalloc(tr.n, sizeof *tr.live);
    tr.num = qs_xcalloc(tr.n, sizeof *tr.num);
    tr.link_num = qs_xcalloc(t->nlinks + 1, sizeof *tr.link_num);
    collect_own(&tr, t);
    collect_kids(&tr, t);
    unsigned root = qs_pdf_update_new(u);
    for (size_t i = 0; i < tr.n; i++)
        if (tr.live[i])
            tr.num[i] = qs_pdf_update_new(u);
    for (size_t k = 0; k < t->nlinks; k++)
        tr.link_num[k] = qs_pdf_update_new(u);
    qs_buf d = { 0 };
    for (size_t i = 0; i < tr.n; i++) {
        if (!tr.live[i])
            continue;
        d.len = 0;
        int parent = tr.tags[i].parent;
        put_element(&d, &tr, i, parent < 0 ? root : tr.num[parent], pages);
        qs_pdf_update_dict(u, tr.num[i], d.s);
    }
    for (size_t k = 0; k < t->nlinks; k++) {
        d.len = 0;
        qs_buf_printf(&d, "/S /Link /P %u 0 R /Pg %u 0 R "
                      "/K << /Type /OBJR /Obj %u 0 R >>", tr.num[t->links[k].tag],
                      pages[t->links[k].page], t->links[k].annot);
        qs_pdf_update_dict(u, tr.link_num[k], d.s);
    }
    d.len = 0;
    put_root(&d, &tr, t);
    qs_pdf_update_dict(u, root, d.s);
    d.len = 0;
    qs_buf_printf(&d, " /MarkInfo << /Marked true >> /StructTreeRoot %u 0 R", root);
    qs_pdf_update_catalog_add(u, d.s);
    for (size_t p = 0; p < t->l->npages; p++) {
        d.len = 0;
        qs_buf_printf(&d, " /StructParents %zu /Tabs /S", p);
        qs_pdf_update_dict_add(u, pages[p], d.s);
    }
    qs_buf_free(&d);
    free(tr.own_at);
    free(tr.own);
    free(tr.kid_at);
    free(tr.kids);
    free(tr.live);
    free(tr.num);
    free(tr.link_num);
}
