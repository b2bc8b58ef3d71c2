/* template: evaluates a template (docs/templates.md) against the merged data
 * tree and fills the qs_doc the layout engine lays out.
 *
 * The stage runs in two passes over the template's XML:
 * 1. check: every attribute value (lengths, colours, style names) is parsed,
 *    every XPath and {interpolation} parsed and compiled (a plain path such
 *    as @net, which cannot fail to compile, only once libxml2 has to
 *    evaluate it), fonts loaded, styles resolved; all template errors are
 *    reported here, also in branches the data never takes.
 * 2. build: the template is instantiated against the tree (for-each, if,
 *    choose, interpolation and the formatting functions), producing blocks,
 *    spans and table rows. Each piece of text is checked against its font as
 *    it is added, so a missing glyph is reported with its origin. */
#include "template.h"
#include "template_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <libxml/xpath.h>

#include "arena.h"
#include "buf.h"
#include "chart.h"
#include "decimal.h"
#include "format.h"
#include "merge.h"
#include "version.h"
#include "xpath.h"

/* Blocks, spans and rows one build may create: a template whose for-each
 * loops multiply beyond this is stopped with a diagnostic instead of
 * exhausting memory (a 500-line quote needs a few thousand). */
#define MAX_ITEMS 500000

/* ---- diagnostics ---- */

/* The line and column of element n (or of its attribute attr_name) in the
 * template; text nodes are located at their element. */
void qs_tpl_locate(const tpl *t, const xmlNode *n, const char *attr_name,
                   unsigned *line, unsigned *col)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->parent;
    *line = 0;
    *col = 0;
    if (n)
        qs_input_locate(t->src, n, attr_name, line, col);
}

void qs_tpl_error(tpl *t, const xmlNode *n, const char *attr_name,
                 const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    qs_tpl_locate(t, n, attr_name, &line, &col);
    qs_diag_add(t->d, QS_SEV_ERROR, t->path, line, col, "template", "%s", msg);
    t->failed = true;
}

/* Counts one more block, span, row or loop iteration; false when the build
 * has made too many, after a diagnostic at the innermost for-each running. */
static bool count_item(tpl *t)
{
    if (++t->items <= MAX_ITEMS)
        return true;
    if (!t->stop)
        qs_tpl_error(t, t->loop, "select",
             "the template makes more than %d blocks, rows and spans; check "
             "the for-each loops", MAX_ITEMS);
    t->stop = true;
    return false;
}

qs_xpath_origin qs_tpl_origin(const tpl *t, const xmlNode *n, const char *attr_name)
{
    qs_xpath_origin o = {t->path, 0, 0, "template"};
    qs_tpl_locate(t, n, attr_name, &o.line, &o.col);
    return o;
}

/* "/quote/customer/name (samples/x/quote.xml:14)" for a data node, into
 * the values arena. */
const char *qs_tpl_describe_node(tpl *t, const xmlNode *node)
{
    xmlChar *path = xmlGetNodePath(node);
    const char *file;
    unsigned line;
    qs_tree_source_of(node, &file, &line);
    const char *s;
    if (file && line)
        s = qs_arena_printf(&t->values, "%s (%s:%u)", path ? (char *)path : "?",
                            file, line);
    else
        s = qs_arena_printf(&t->values, "%s", path ? (char *)path : "?");
    xmlFree(path);
    return s;
}

/* ---- paragraphs ---- */

typedef struct {
    int family;
    bool bold, italic;
    float size;
    qs_rgb color;
} charfmt;

static charfmt fmt_of(const style *s)
{
    return (charfmt){s->family, s->bold, s->italic, s->size, s->color};
}

/* A paragraph being built: spans in the values arena, whitespace
 * collapsed across spans. */
typedef struct {
    qs_span *spans;
    size_t count, cap;
    qs_buf cur;           /* text of the span being built */
    qs_span cur_attrs;
    bool has_cur;
    bool space;           /* the last character written was a space */
    qs_buf plain;         /* all text, for outline titles */
} parabuf;

static void pb_flush(tpl *t, parabuf *pb)
{
    if (!pb->has_cur)
        return;
    pb->has_cur = false;
    if (pb->cur.len == 0 && pb->cur_attrs.field == QS_FIELD_NONE)
        return;
    count_item(t);
    pb->spans = qs_arena_grow(&t->values, pb->spans, pb->count, &pb->cap, pb->count + 1,
                              sizeof(qs_span));
    qs_span s = pb->cur_attrs;
    s.text = qs_arena_strndup(t->A, pb->cur.s ? pb->cur.s : "", pb->cur.len);
    pb->spans[pb->count++] = s;
    pb->cur.len = 0;
}

static void pb_start(tpl *t, parabuf *pb, const charfmt *f, qs_field field)
{
    int font = qs_tpl_face_of(t, f->family, f->bold, f->italic);
    qs_span want = {NULL, font, f->size, f->color, field};
    if (pb->has_cur && field == QS_FIELD_NONE && pb->cur_attrs.field == QS_FIELD_NONE &&
        pb->cur_attrs.font == font && pb->cur_attrs.size == f->size &&
        memcmp(&pb->cur_attrs.color, &f->color, sizeof f->color) == 0)
        return;
    pb_flush(t, pb);
    pb->cur_attrs = want;
    pb->has_cur = true;
}

/* Appends text, collapsing XML whitespace runs into one space (none at the
 * start of the paragraph), and checks it against its font. */
static void pb_text(tpl *t, parabuf *pb, const charfmt *f, const char *text,
                    const xmlNode *tnode, const xmlNode *dnode)
{
    /* Collapsed in a copy, in place: it only shrinks. */
    char *out = qs_arena_strdup(&t->values, text);
    size_t n = 0;
    for (const char *p = out; *p; p++) {
        if (is_xml_space(*p)) {
            if (!pb->space)
                out[n++] = ' ';
            pb->space = true;
        } else {
            out[n++] = *p;
            pb->space = false;
        }
    }
    out[n] = '\0';
    if (n) {
        pb_start(t, pb, f, QS_FIELD_NONE);
        qs_buf_add(&pb->cur, out, n);
        qs_buf_add(&pb->plain, out, n);
        qs_tpl_check_glyphs(t, pb->cur_attrs.font, out, tnode, dnode);
    }
}

static void pb_break(tpl *t, parabuf *pb, const charfmt *f)
{
    pb_start(t, pb, f, QS_FIELD_NONE);
    if (pb->cur.len && pb->cur.s[pb->cur.len - 1] == ' ')
        pb->cur.len--;
    qs_buf_puts(&pb->cur, "\n");
    pb->space = true;
}

/* A page number field; `ref` names the anchor of a QS_FIELD_PAGEREF (the
 * span's text). */
static void pb_field(tpl *t, parabuf *pb, const charfmt *f, qs_field field, const char *ref,
                     const xmlNode *tnode)
{
    pb_start(t, pb, f, field);
    qs_buf_puts(&pb->cur, ref ? ref : field == QS_FIELD_PAGE ? "0" : "00");
    qs_tpl_check_glyphs(t, pb->cur_attrs.font, "0123456789", tnode, NULL);
    pb_flush(t, pb);
    pb->space = false;
}

/* Ends the paragraph: trims trailing spaces, copies the spans into the doc
 * arena. Returns false when it is empty. */
static bool pb_finish(tpl *t, parabuf *pb, qs_para *para)
{
    pb_flush(t, pb);
    while (pb->count > 0) {
        qs_span *last = &pb->spans[pb->count - 1];
        if (last->field != QS_FIELD_NONE)
            break;
        char *s = (char *)last->text;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
            s[--n] = '\0';
        if (n > 0)
            break;
        pb->count--;
    }
    free(pb->cur.s);
    pb->cur = (qs_buf){0};
    if (pb->count == 0)
        return false;
    para->spans = qs_arena_array(t->A, pb->count, sizeof(qs_span));
    memcpy(para->spans, pb->spans, pb->count * sizeof(qs_span));
    para->count = pb->count;
    return true;
}

static const char *pb_plain(tpl *t, parabuf *pb)
{
    size_t n = pb->plain.len;
    while (n > 0 && pb->plain.s[n - 1] == ' ')
        n--;
    return qs_arena_strndup(t->A, pb->plain.s ? pb->plain.s : "", n);
}

static bool lang_skips(const tpl *t, const xmlNode *n)
{
    const char *l = attr(n, "lang");
    return l && strcmp(l, t->lang_code) != 0;
}

static void build_inline(tpl *t, const xmlNode *el, xmlNode *ctx, charfmt f,
                         parabuf *pb, bool fields);

static void inline_text(tpl *t, const xmlNode *textnode, xmlNode *ctx,
                        const charfmt *f, parabuf *pb, bool fields)
{
    const char *text = (const char *)textnode->content;
    if (!text)
        return;
    const xmlNode *el = textnode->parent;
    program *p = qs_tpl_program(t, text, el, NULL, fields);
    if (p->failed)
        return;
    for (size_t i = 0; i < p->count; i++) {
        part *pt = &p->parts[i];
        if (pt->kind == PART_TEXT) {
            pb_text(t, pb, f, pt->text, el, NULL);
        } else if (pt->kind == PART_EXPR) {
            value v = qs_tpl_eval(t, pt->ex, ctx, el, NULL);
            pb_text(t, pb, f, v.s, el, v.node);
        } else {
            pb_field(t, pb, f, pt->kind == PART_PAGE ? QS_FIELD_PAGE : QS_FIELD_PAGES, NULL, el);
        }
    }
}

/* Runs the children of a for-each, if or choose element with `body` for
 * each context it selects. */
typedef void (*body_fn)(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg);

static void control(tpl *t, const xmlNode *c, xmlNode *ctx, body_fn body, void *arg)
{
    if (is_el(c, "for-each")) {
        xmlXPathObjectPtr obj = qs_tpl_select(t, c, ctx);
        xmlNodeSetPtr set = obj ? obj->nodesetval : NULL;
        const xmlNode *outer = t->loop;
        for (int i = 0; set && i < set->nodeNr && !t->stop; i++) {
            t->loop = c;
            if (!count_item(t))
                break;
            body(t, c, set->nodeTab[i], arg);
        }
        t->loop = outer;
        if (obj)
            xmlXPathFreeObject(obj);
    } else if (is_el(c, "if")) {
        if (qs_tpl_test(t, c, ctx))
            body(t, c, ctx, arg);
    } else if (is_el(c, "choose")) {
        for (const xmlNode *w = c->children; w; w = w->next) {
            if (is_el(w, "when") && qs_tpl_test(t, w, ctx)) {
                body(t, w, ctx, arg);
                return;
            }
            if (is_el(w, "otherwise")) {
                body(t, w, ctx, arg);
                return;
            }
        }
    }
}

static bool is_control(const xmlNode *c)
{
    return is_el(c, "for-each") || is_el(c, "if") || is_el(c, "choose");
}

typedef struct {
    charfmt f;
    parabuf *pb;
    bool fields;
} inline_arg;

static void inline_body(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg)
{
    inline_arg *a = arg;
    build_inline(t, el, ctx, a->f, a->pb, a->fields);
}

static void inline_foreach(tpl *t, const xmlNode *c, xmlNode *ctx, inline_arg *a)
{
    const char *sep = attr(c, "separator");
    xmlXPathObjectPtr obj = qs_tpl_select(t, c, ctx);
    xmlNodeSetPtr set = obj ? obj->nodesetval : NULL;
    const xmlNode *outer = t->loop;
    for (int i = 0; set && i < set->nodeNr && !t->stop; i++) {
        t->loop = c;
        if (!count_item(t))
            break;
        if (i > 0 && sep)
            pb_text(t, a->pb, &a->f, sep, c, NULL);
        build_inline(t, c, set->nodeTab[i], a->f, a->pb, a->fields);
    }
    t->loop = outer;
    if (obj)
        xmlXPathFreeObject(obj);
}

static void build_inline_node(tpl *t, const xmlNode *c, xmlNode *ctx, charfmt f,
                              parabuf *pb, bool fields)
{
    if (c->type == XML_TEXT_NODE) {
        inline_text(t, c, ctx, &f, pb, fields);
        return;
    }
    if (c->type != XML_ELEMENT_NODE || lang_skips(t, c))
        return;
    if (is_el(c, "b")) {
        f.bold = true;
        build_inline(t, c, ctx, f, pb, fields);
    } else if (is_el(c, "i")) {
        f.italic = true;
        build_inline(t, c, ctx, f, pb, fields);
    } else if (is_el(c, "span")) {
        const style *s = qs_tpl_style_attr(t, c, "style", false);
        if (s)
            f = fmt_of(s);
        build_inline(t, c, ctx, f, pb, fields);
    } else if (is_el(c, "br")) {
        pb_break(t, pb, &f);
    } else if (is_el(c, "page-ref")) {
        pb_field(t, pb, &f, QS_FIELD_PAGEREF, qs_tpl_interp(t, attr(c, "to"), c, "to", ctx), c);
    } else if (is_el(c, "for-each") && attr(c, "separator")) {
        inline_arg a = {f, pb, fields};
        inline_foreach(t, c, ctx, &a);
    } else if (is_control(c)) {
        inline_arg a = {f, pb, fields};
        control(t, c, ctx, inline_body, &a);
    }
}

static void build_inline(tpl *t, const xmlNode *el, xmlNode *ctx, charfmt f,
                         parabuf *pb, bool fields)
{
    for (const xmlNode *c = el->children; c && !t->stop; c = c->next)
        build_inline_node(t, c, ctx, f, pb, fields);
}

/* Text of a data element with its own <b> and <i> (letter paragraphs,
 * department sections). */
static void rich_inline(tpl *t, const xmlNode *tnode, const xmlNode *data,
                        charfmt f, parabuf *pb)
{
    for (const xmlNode *c = data->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            pb_text(t, pb, &f, (const char *)c->content, tnode, data);
        } else if (c->type == XML_ELEMENT_NODE) {
            charfmt g = f;
            if (is_el(c, "b"))
                g.bold = true;
            else if (is_el(c, "i"))
                g.italic = true;
            else if (is_el(c, "br")) {
                pb_break(t, pb, &f);
                continue;
            }
            rich_inline(t, tnode, c, g, pb);
        }
    }
}

/* ---- blocks ---- */

/* Blocks being built: a heap array that grows by doubling, moved into the
 * document's arena at its exact size by bv_done, which every blockvec
 * reaches. Grown in the arena, each outgrown copy stayed there until the
 * document was freed: 9 MB of a 10,000-line quote's 107 MB peak. */
typedef struct {
    qs_block *items;
    size_t count, cap;
} blockvec;

static qs_block *bv_add(tpl *t, blockvec *v, qs_block_kind kind)
{
    count_item(t); /* sets t->stop when there are too many */
    if (v->count == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 2;
        v->items = qs_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    qs_block *b = &v->items[v->count++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static qs_blocks bv_done(tpl *t, blockvec *v)
{
    qs_blocks done = {NULL, v->count};
    if (v->count) {
        done.items = qs_arena_array(t->A, v->count, sizeof *v->items);
        memcpy(done.items, v->items, v->count * sizeof *v->items);
    }
    free(v->items);
    *v = (blockvec){0};
    return done;
}

/* Where blocks are being built: the default style, and in a table cell the
 * cell's alignment, which paragraphs take unless they set their own. */
typedef struct {
    const style *base;
    bool in_cell;
    qs_align cell_align;
    bool fields;          /* in a master's header or footer */
} flowctx;

/* The block's structure role and text alternative (docs/templates.md,
 * "Accessibility: roles and alt text"); the check pass vetted both. */
static void block_role(tpl *t, qs_block *b, const xmlNode *n, xmlNode *ctx)
{
    const char *role = attr(n, "role");
    if (role)
        b->role = qs_tag_role(role);
    const char *alt = attr(n, "alt");
    if (alt)
        b->alt = qs_tpl_interp(t, alt, n, "alt", ctx);
}

static void block_common(tpl *t, qs_block *b, const xmlNode *n, xmlNode *ctx,
                         const style *s)
{
    if (s) {
        b->space_before = s->space_before;
        b->space_after = s->space_after;
    }
    qs_tpl_length_attr(t, n, "space-before", &b->space_before, false);
    qs_tpl_length_attr(t, n, "space-after", &b->space_after, false);
    b->keep_with_next = qs_tpl_bool_attr(n, "keep-with-next", b->keep_with_next);
    b->keep_with_previous = qs_tpl_bool_attr(n, "keep-with-previous", false);
    b->keep_together = qs_tpl_bool_attr(n, "keep-together", b->keep_together);
    b->has_background = qs_tpl_color_attr(t, n, "background", &b->background, false);
    if (attr(n, "anchor"))
        b->anchor = qs_tpl_interp(t, attr(n, "anchor"), n, "anchor", ctx);
    block_role(t, b, n, ctx);
    const char *outline = attr(n, "outline");
    if (outline) {
        b->outline_title = qs_tpl_interp(t, outline, n, "outline", ctx);
        const char *lvl = attr(n, "outline-level");
        b->outline_level = lvl ? atoi(lvl) : 0;
    }
}

static void para_setup(tpl *t, qs_para *para, const xmlNode *n, const style *s,
                       const flowctx *fc)
{
    para->align = fc->in_cell ? fc->cell_align : s->align;
    const char *a = n ? attr(n, "align") : NULL;
    if (a)
        qs_tpl_parse_align(a, &para->align);
    para->leading = s->leading;
    para->indent = s->indent;
    if (n)
        qs_tpl_length_attr(t, n, "indent", &para->indent, false);
}

static void build_para(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                       blockvec *out, bool heading)
{
    const style *s = qs_tpl_style_attr(t, n, "style", false);
    if (!s)
        s = heading ? t->heading_style : fc->base;
    parabuf pb = {0};
    pb.space = true;
    build_inline(t, n, ctx, fmt_of(s), &pb, fc->fields);
    qs_para para = {0};
    bool any = pb_finish(t, &pb, &para);
    if (any) {
        qs_block *b = bv_add(t, out, QS_BLOCK_PARA);
        b->keep_with_next = heading;
        para_setup(t, &para, n, s, fc);
        b->u.para = para;
        block_common(t, b, n, ctx, s);
        if (heading && !b->outline_title && !fc->fields) {
            b->outline_title = pb_plain(t, &pb);
            const char *lvl = attr(n, "outline-level");
            b->outline_level = lvl ? atoi(lvl) : 0;
        }
        if (heading && !b->role && !fc->fields) { /* H1 to H6 by level */
            static const char *const levels[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
            const char *lvl = attr(n, "outline-level");
            int level = lvl ? atoi(lvl) : 0;
            b->role = levels[level < 0 ? 0 : level > 5 ? 5 : level];
        }
    }
    free(pb.plain.s);
}

static void build_rich(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                       blockvec *out)
{
    const style *s = qs_tpl_style_attr(t, n, "style", false);
    if (!s)
        s = fc->base;
    xmlXPathObjectPtr obj = qs_tpl_select(t, n, ctx);
    xmlNodeSetPtr set = obj ? obj->nodesetval : NULL;
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlNode *data = set->nodeTab[i];
        parabuf pb = {0};
        pb.space = true;
        if (data->type == XML_ELEMENT_NODE) {
            rich_inline(t, n, data, fmt_of(s), &pb);
        } else {
            xmlChar *text = xmlXPathCastNodeToString(data);
            charfmt f = fmt_of(s);
            pb_text(t, &pb, &f, (const char *)text, n, data);
            xmlFree(text);
        }
        qs_para para = {0};
        if (pb_finish(t, &pb, &para)) {
            qs_block *b = bv_add(t, out, QS_BLOCK_PARA);
            para_setup(t, &para, n, s, fc);
            b->u.para = para;
            block_common(t, b, n, ctx, s);
            if (i > 0)
                b->outline_title = NULL;
        }
        free(pb.plain.s);
    }
    if (obj)
        xmlXPathFreeObject(obj);
}

/* Resolves the text of n's attribute `name` (already interpolated) against
 * `base` into *path, locating diagnostics at that attribute. */
static bool image_path(tpl *t, const xmlNode *n, const char *name, const char *base,
                       const char *text, qs_origin *at, char **path)
{
    at->file = t->path;
    qs_tpl_locate(t, n, name, &at->line, &at->col);
    if (qs_input_resolve(t->in, base, text, at, path, t->d))
        return true;
    t->failed = true;
    return false;
}

/* The file of an <image>: `select` gives a name from the data, relative to
 * the file its node came from (the quote); else `href`, with
 * {interpolations}, relative to the template; `fallback` (relative to the
 * template too) when that gives no name or names no existing file. Every
 * diagnostic is at the template's attribute. NULL when there is no image
 * (or after a diagnostic). */
static char *image_file(tpl *t, const xmlNode *n, xmlNode *ctx, qs_origin *at)
{
    char *path = NULL;
    const char *from = NULL, *what = "";
    if (attr(n, "select")) {
        expr *e = qs_tpl_xpath(t, n, "select");
        value v = e ? qs_tpl_eval(t, e, ctx, n, "select") : (value){"", NULL, false};
        if (v.ok && v.s[0]) {
            const char *file = NULL;
            unsigned line = 0;
            if (v.node)
                qs_tree_source_of(v.node, &file, &line);
            if (!image_path(t, n, "select", file ? file : t->quote_path, v.s, at, &path))
                return NULL;
            from = "select";
            what = v.node ? qs_tpl_describe_node(t, v.node) : "";
        }
    }
    if (!path && attr(n, "href")) {
        const char *href = qs_tpl_interp(t, attr(n, "href"), n, "href", ctx);
        if (href[0] && !image_path(t, n, "href", t->path, href, at, &path))
            return NULL;
        from = "href";
    }
    struct stat st;
    if (path && stat(path, &st) == 0)
        return path;
    if (attr(n, "fallback")) {
        free(path);
        path = NULL;
        const char *fb = qs_tpl_interp(t, attr(n, "fallback"), n, "fallback", ctx);
        if (fb[0] && !image_path(t, n, "fallback", t->path, fb, at, &path))
            return NULL;
        from = "fallback";
        what = "";
    }
    if (path && stat(path, &st) != 0 && errno == ENOENT) {
        qs_tpl_error(t, n, from, "image '%s'%s%s does not exist%s", path,
                     what[0] ? " from " : "", what,
                     strcmp(from, "fallback") == 0 ? "" : " (a fallback=\"...\" names "
                                                          "the image to use then)");
        free(path);
        return NULL;
    }
    return path;
}

static void build_image(tpl *t, const xmlNode *n, xmlNode *ctx, blockvec *out)
{
    qs_origin at = {t->path, 0, 0};
    char *path = image_file(t, n, ctx, &at);
    if (!path)
        return;
    int idx = qs_tpl_load_image(t, path, &at);
    free(path);
    if (idx < 0)
        return;
    qs_block *b = bv_add(t, out, QS_BLOCK_IMAGE);
    b->u.image.image = idx;
    qs_tpl_length_attr(t, n, "width", &b->u.image.width, false);
    qs_tpl_length_attr(t, n, "height", &b->u.image.height, false);
    b->u.image.align = QS_ALIGN_LEFT;
    const char *a = attr(n, "align");
    if (a)
        qs_tpl_parse_align(a, &b->u.image.align);
    block_common(t, b, n, ctx, NULL);
}

/* One amount of a chart point: "" (no target) is absent; anything else
 * must be a decimal (false after a template error). */
static bool chart_amount(tpl *t, const xmlNode *n, const char *name, xmlNode *data,
                         bool *present, qs_decimal *out)
{
    const char *text = attr(n, name) ? qs_tpl_interp(t, attr(n, name), n, name, data) : "";
    *present = *text != '\0';
    if (!*present || qs_decimal_parse(text, out) == QS_DEC_OK)
        return true;
    qs_tpl_error(t, n, name, "%s '%.40s' of a chart point is not a decimal amount", name, text);
    return false;
}

/* <chart> (docs/templates.md, "Charts"): a point per node of `select`. */
static void build_chart(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                        blockvec *out)
{
    qs_chart *c = qs_chart_new(t->A, attr_is(n, "type", "cumulative") ? QS_CHART_CUMULATIVE
                                                                         : QS_CHART_BARS);
    const style *st = qs_tpl_style_attr(t, n, "style", false);
    st = st ? st : fc->base;
    c->font = qs_tpl_face_of(t, st->family, st->bold, st->italic);
    c->size = st->size;
    c->text_color = st->color;
    c->lang = t->lang;
    c->currency = qs_arena_strdup(t->A, t->currency ? t->currency : "EUR");
    c->height = 50 * MM_TO_PT;
    qs_tpl_length_attr(t, n, "height", &c->height, false);
    qs_tpl_palette_attr(t, n, c->colors, false);
    const char *legends[2] = {"value-legend", "target-legend"};
    for (int i = 0; i < 2; i++) {
        const char *text = attr(n, legends[i]) ? qs_tpl_interp(t, attr(n, legends[i]), n,
                                                               legends[i], ctx) : NULL;
        if (text)
            qs_tpl_check_glyphs(t, c->font, text, n, NULL);
        *(i == 0 ? &c->value_legend : &c->target_legend) = text;
    }
    xmlXPathObjectPtr obj = qs_tpl_select(t, n, ctx);
    for (int i = 0; obj && obj->nodesetval && i < obj->nodesetval->nodeNr && !t->stop; i++) {
        xmlNode *data = obj->nodesetval->nodeTab[i];
        const char *label = attr(n, "label") ? qs_tpl_interp(t, attr(n, "label"), n, "label",
                                                             data) : "";
        bool noted = attr(n, "note") &&
                     (!attr(n, "note-test") || qs_tpl_test_attr(t, n, "note-test", data));
        const char *note = noted ? qs_tpl_interp(t, attr(n, "note"), n, "note", data) : NULL;
        qs_tpl_check_glyphs(t, c->font, label, n, data);
        if (note)
            qs_tpl_check_glyphs(t, c->font, note, n, data);
        bool has_value, has_target;
        qs_decimal value = 0, target = 0;
        if (chart_amount(t, n, "value", data, &has_value, &value) &&
            chart_amount(t, n, "target", data, &has_target, &target))
            qs_chart_add(c, label, note, value, has_target, target);
    }
    if (obj)
        xmlXPathFreeObject(obj);
    qs_block *b = bv_add(t, out, QS_BLOCK_CHART);
    b->u.chart = c;
    block_common(t, b, n, ctx, NULL);
}

static void build_flow(tpl *t, const xmlNode *el, xmlNode *ctx, const flowctx *fc,
                       blockvec *out);

typedef struct {
    const flowctx *fc;
    blockvec *out;
} flow_arg;

static void flow_body(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg)
{
    flow_arg *a = arg;
    build_flow(t, el, ctx, a->fc, a->out);
}

static void build_table(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                        blockvec *out);

static bool is_inline_el(const xmlNode *c)
{
    return is_el(c, "b") || is_el(c, "i") || is_el(c, "span") || is_el(c, "br") ||
           is_el(c, "page-ref");
}

/* Whether everything inside `c` (through when and otherwise too) is
 * inline content. */
static bool only_inline(const xmlNode *c)
{
    for (const xmlNode *k = c->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_inline_el(k))
            continue;
        if ((is_control(k) || is_el(k, "when") || is_el(k, "otherwise")) && only_inline(k))
            continue;
        return false;
    }
    return true;
}

/* A for-each, if or choose holding only inline content: in a table cell it
 * continues the paragraph around it. */
static bool is_inline_control(const xmlNode *c)
{
    return is_control(c) && only_inline(c);
}

/* Builds the blocks of `el`'s children. Runs of inline content (text, b, i,
 * span, br: only table cells allow them) become paragraphs in the flow's
 * base style. */
static void build_flow(tpl *t, const xmlNode *el, xmlNode *ctx, const flowctx *fc,
                       blockvec *out)
{
    parabuf pb = {0};
    pb.space = true;
    bool pending = false;
    for (const xmlNode *c = el->children; c && !t->stop; c = c->next) {
        bool text = c->type == XML_TEXT_NODE;
        if (!text && (c->type != XML_ELEMENT_NODE || lang_skips(t, c)))
            continue;
        if (text || is_inline_el(c) || (fc->in_cell && is_inline_control(c))) {
            build_inline_node(t, c, ctx, fmt_of(fc->base), &pb, fc->fields);
            pending = true;
            continue;
        }
        if (pending) {
            qs_para para = {0};
            if (pb_finish(t, &pb, &para)) {
                qs_block *b = bv_add(t, out, QS_BLOCK_PARA);
                para_setup(t, &para, NULL, fc->base, fc);
                b->u.para = para;
            }
            free(pb.plain.s);
            pb = (parabuf){0};
            pb.space = true;
            pending = false;
        }
        if (is_el(c, "p") || is_el(c, "heading")) {
            build_para(t, c, ctx, fc, out, is_el(c, "heading"));
        } else if (is_el(c, "rich")) {
            build_rich(t, c, ctx, fc, out);
        } else if (is_el(c, "table")) {
            build_table(t, c, ctx, fc, out);
        } else if (is_el(c, "image")) {
            build_image(t, c, ctx, out);
        } else if (is_el(c, "chart")) {
            build_chart(t, c, ctx, fc, out);
        } else if (is_el(c, "rule")) {
            qs_block *b = bv_add(t, out, QS_BLOCK_RULE);
            b->u.rule.thickness = 0.5f;
            qs_tpl_length_attr(t, c, "thickness", &b->u.rule.thickness, false);
            qs_tpl_color_attr(t, c, "color", &b->u.rule.color, false);
            block_common(t, b, c, ctx, NULL);
        } else if (is_el(c, "spacer")) {
            qs_block *b = bv_add(t, out, QS_BLOCK_SPACE);
            qs_tpl_length_attr(t, c, "height", &b->space_before, false);
        } else if (is_el(c, "page-break")) {
            bv_add(t, out, QS_BLOCK_PAGE_BREAK);
        } else if (is_el(c, "group") || is_el(c, "absolute")) {
            blockvec kids = {0};
            build_flow(t, c, ctx, fc, &kids);
            bool absolute = is_el(c, "absolute");
            qs_block *b = bv_add(t, out, absolute ? QS_BLOCK_ABSOLUTE : QS_BLOCK_GROUP);
            b->u.group.children = bv_done(t, &kids);
            if (absolute) {
                block_role(t, b, c, ctx);
                qs_tpl_length_attr(t, c, "x", &b->u.group.x, false);
                qs_tpl_length_attr(t, c, "y", &b->u.group.y, false);
                qs_tpl_length_attr(t, c, "width", &b->u.group.width, false);
                b->u.group.flow_below = qs_tpl_bool_attr(c, "flow-below", false);
                qs_tpl_length_attr(t, c, "space-after", &b->space_after, false);
            } else {
                block_common(t, b, c, ctx, NULL);
            }
        } else if (is_el(c, "columns")) {
            blockvec kids = {0};
            build_flow(t, c, ctx, fc, &kids);
            qs_block *b = bv_add(t, out, QS_BLOCK_COLUMNS);
            b->u.group.children = bv_done(t, &kids);
            b->u.group.ncolumns = attr(c, "count") ? (unsigned)atoi(attr(c, "count")) : 2;
            b->u.group.gap = 6 * MM_TO_PT;
            qs_tpl_length_attr(t, c, "gap", &b->u.group.gap, false);
            block_common(t, b, c, ctx, NULL);
        } else if (is_control(c)) {
            flow_arg a = {fc, out};
            control(t, c, ctx, flow_body, &a);
        }
    }
    if (pending) {
        qs_para para = {0};
        if (pb_finish(t, &pb, &para)) {
            qs_block *b = bv_add(t, out, QS_BLOCK_PARA);
            para_setup(t, &para, NULL, fc->base, fc);
            b->u.para = para;
        }
    }
    free(pb.plain.s);
    free(pb.cur.s);
}

/* ---- tables ---- */

typedef struct {
    const xmlNode *table;
    qs_column *columns;
    qs_align *aligns;
    bool *shown;          /* per <column>: its test held (or it has none) */
    size_t ncolumns;      /* <column>s in the template */
    const style *base;
    qs_row *rows;
    size_t nrows, cap;
    bool fields;
} tablebuild;

/* A cell's box: background, vertical alignment and borders, each side from
 * the cell, else the row (or header); the vertical alignment last from the
 * table. */
static void cell_box(tpl *t, const xmlNode *c, const xmlNode *rowel, const xmlNode *table,
                     qs_cell *cell)
{
    cell->has_background = qs_tpl_color_attr(t, c, "background", &cell->background, false);
    cell->has_padding = qs_tpl_length_attr(t, c, "padding", &cell->padding, false);
    const char *va = attr(c, "valign") ? attr(c, "valign")
                   : attr(rowel, "valign") ? attr(rowel, "valign") : attr(table, "valign");
    cell->valign = !va || strcmp(va, "top") == 0 ? QS_VALIGN_TOP
                 : strcmp(va, "middle") == 0     ? QS_VALIGN_MIDDLE
                 : strcmp(va, "baseline") == 0   ? QS_VALIGN_BASELINE
                                                 : QS_VALIGN_BOTTOM;
    static const char *const sides[4] = {"border-top", "border-right", "border-bottom",
                                         "border-left"};
    for (int side = 0; side < 4; side++) {
        const xmlNode *from[4] = {c, c, rowel, rowel};
        const char *names[4] = {sides[side], "border", sides[side], "border"};
        for (int k = 0; k < 4; k++)
            if (qs_tpl_border_attr(t, from[k], names[k], &cell->border[side], false))
                break;
    }
}

/* The cells of a row; cells of columns whose test failed are left out (not
 * even evaluated), and a span over such columns shrinks. */
static void build_cells(tpl *t, tablebuild *tb, const xmlNode *rowel, xmlNode *ctx,
                        const style *rowstyle, qs_row *row)
{
    size_t n = 0;
    for (const xmlNode *c = rowel->children; c; c = c->next)
        n += is_el(c, "cell");
    row->cells = qs_arena_array(t->A, n ? n : 1, sizeof(qs_cell));
    size_t column = 0;
    for (const xmlNode *c = rowel->children; c; c = c->next) {
        if (!is_el(c, "cell"))
            continue;
        const char *span = attr(c, "colspan");
        size_t first = column, shown = 0;
        column += span ? (size_t)atoi(span) : 1;
        for (size_t k = first; k < column && k < tb->ncolumns; k++)
            shown += tb->shown[k];
        if (shown == 0)
            continue;
        qs_cell *cell = &row->cells[row->count++];
        cell->colspan = (int)shown;
        cell->align = first < tb->ncolumns ? tb->aligns[first] : QS_ALIGN_LEFT;
        const char *a = attr(c, "align");
        if (a)
            qs_tpl_parse_align(a, &cell->align);
        cell_box(t, c, rowel, tb->table, cell);
        const style *s = qs_tpl_style_attr(t, c, "style", false);
        flowctx fc = {s ? s : rowstyle, true, cell->align, tb->fields};
        blockvec kids = {0};
        build_flow(t, c, ctx, &fc, &kids);
        cell->content = bv_done(t, &kids);
    }
}

static void build_rows(tpl *t, const xmlNode *el, xmlNode *ctx, tablebuild *tb);

static void rows_body(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg)
{
    build_rows(t, el, ctx, arg);
}

/* When the row shows a quote line (its context is a <line> of the data
 * tree), names it for layout's diagnostics: "line 3 (SKU SRV)" at the
 * item's file and line. */
static void row_source(tpl *t, const xmlNode *ctx, qs_row *row)
{
    if (!ctx || ctx->type != XML_ELEMENT_NODE || !is_el(ctx, "line"))
        return;
    const char *pos = attr(ctx, "pos"), *sku = attr(ctx, "sku"), *file;
    char shown[QS_ECHO_SIZE];
    row->what = qs_arena_printf(t->A, "line %s (SKU %s)", pos ? pos : "?",
                                qs_diag_echo(shown, sku ? sku : "?"));
    qs_tree_source_of(ctx, &file, &row->line);
    row->file = file ? qs_arena_strdup(t->A, file) : NULL;
}

static void build_row(tpl *t, const xmlNode *r, xmlNode *ctx, tablebuild *tb)
{
    t->row_depth++;
    qs_row row = {0};
    const char *kind = attr(r, "kind");
    row.kind = kind && strcmp(kind, "heading") == 0 ? QS_ROW_HEADING
               : kind && strcmp(kind, "total") == 0 ? QS_ROW_TOTAL
                                                    : QS_ROW_BODY;
    row.has_background = qs_tpl_color_attr(t, r, "background", &row.background, false);
    row.rule_above = qs_tpl_bool_attr(r, "rule-above", false);
    row.keep_with_previous = qs_tpl_bool_attr(r, "keep-with-previous", false);
    row.keep_with_next = qs_tpl_bool_attr(r, "keep-with-next", false);
    if (attr(r, "carry")) {
        expr *e = qs_tpl_xpath(t, r, "carry");
        value v = e ? qs_tpl_eval(t, e, ctx, r, "carry") : (value){"", NULL, false};
        qs_decimal dummy;
        if (v.ok && qs_decimal_parse(v.s, &dummy) == QS_DEC_OK) {
            row.carry_amount = qs_arena_strdup(t->A, v.s);
        } else if (v.ok && !e->reported) {
            e->reported = true;
            qs_tpl_error(t, r, "carry", "carry: '%s'%s%s is not a decimal number", v.s,
                 v.node ? " from " : "", v.node ? qs_tpl_describe_node(t, v.node) : "");
        }
    }
    row_source(t, ctx, &row);
    const style *s = qs_tpl_style_attr(t, r, "style", false);
    build_cells(t, tb, r, ctx, s ? s : tb->base, &row);
    tb->rows = qs_arena_grow(t->A, tb->rows, tb->nrows, &tb->cap, tb->nrows + 1,
                             sizeof(qs_row));
    tb->rows[tb->nrows++] = row;
    /* The row is complete and every value made for it is used up (copied
     * into doc->arena or a diagnostic): a long table no longer collects
     * them. Only between outermost rows, where no evaluation is open. */
    if (--t->row_depth == 0)
        qs_arena_free(&t->values);
}

static void build_rows(tpl *t, const xmlNode *el, xmlNode *ctx, tablebuild *tb)
{
    for (const xmlNode *c = el->children; c && !t->stop; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || lang_skips(t, c))
            continue;
        if (is_el(c, "row") && count_item(t))
            build_row(t, c, ctx, tb);
        else if (is_control(c))
            control(t, c, ctx, rows_body, tb);
    }
}

/* The table's carry-forward formatter: ctx is {currency, lang code}. */
static const char *format_carry(void *ctx, qs_arena *arena, const char *amount)
{
    const char **cfg = ctx;
    qs_lang lang;
    char buf[QS_FORMAT_BUFSIZE];
    if (!qs_lang_parse(cfg[1], &lang) ||
        qs_format_money(amount, cfg[0], lang, buf) != QS_FMT_OK)
        return amount;
    return qs_arena_strdup(arena, buf);
}

static void build_table(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                        blockvec *out)
{
    tablebuild tb = {0};
    tb.table = n;
    tb.fields = fc->fields;
    const style *s = qs_tpl_style_attr(t, n, "style", false);
    tb.base = s ? s : t->body_style;
    for (const xmlNode *c = n->children; c; c = c->next)
        tb.ncolumns += is_el(c, "column");
    tb.columns = qs_arena_array(t->A, tb.ncolumns, sizeof(qs_column));
    tb.aligns = qs_arena_array(&t->scratch, tb.ncolumns, sizeof(qs_align));
    tb.shown = qs_arena_array(&t->scratch, tb.ncolumns, sizeof(bool));
    /* Conditional columns are decided once per table, in its context. */
    size_t i = 0, ncolumns = 0, carry = SIZE_MAX;
    const char *carry_col = attr(n, "carry-column");
    size_t carry_want = carry_col ? (size_t)atoi(carry_col) - 1 : SIZE_MAX;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_el(c, "column"))
            continue;
        tb.shown[i] = !attr(c, "test") || qs_tpl_test(t, c, ctx);
        tb.aligns[i] = QS_ALIGN_LEFT;
        if (attr(c, "align"))
            qs_tpl_parse_align(attr(c, "align"), &tb.aligns[i]);
        if (tb.shown[i]) {
            if (i == carry_want)
                carry = ncolumns;
            qs_tpl_parse_column_width(attr(c, "width"), &tb.columns[ncolumns++]);
        }
        i++;
    }
    if (ncolumns == 0)
        return;

    if (attr(n, "select")) {
        xmlXPathObjectPtr obj = qs_tpl_select(t, n, ctx);
        xmlNodeSetPtr set = obj ? obj->nodesetval : NULL;
        const xmlNode *outer = t->loop;
        t->loop = n;
        for (int k = 0; set && k < set->nodeNr && !t->stop; k++)
            build_rows(t, n, set->nodeTab[k], &tb);
        t->loop = outer;
        if (obj)
            xmlXPathFreeObject(obj);
    } else {
        build_rows(t, n, ctx, &tb);
    }
    if (tb.nrows == 0)
        return;

    qs_block *b = bv_add(t, out, QS_BLOCK_TABLE);
    qs_table *tab = &b->u.table;
    tab->columns = tb.columns;
    tab->ncolumns = ncolumns;
    qs_tpl_length_attr(t, n, "width", &tab->width, false);
    if (attr(n, "align"))
        qs_tpl_parse_align(attr(n, "align"), &tab->align);
    tab->rows = tb.rows;
    tab->nrows = tb.nrows;
    tab->cell_padding = 2;
    qs_tpl_length_attr(t, n, "padding", &tab->cell_padding, false);
    tab->zebra = qs_tpl_color_attr(t, n, "zebra", &tab->zebra_color, false);
    tab->decimal_mark = qs_lang_decimal_mark(t->lang);
    tab->orphans = attr(n, "orphans") ? (unsigned)atoi(attr(n, "orphans")) : 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_el(c, "header"))
            continue;
        qs_row *h = qs_arena_alloc(t->A, sizeof *h);
        h->kind = QS_ROW_BODY;
        h->has_background = qs_tpl_color_attr(t, c, "background", &h->background, false);
        const style *hs = qs_tpl_style_attr(t, c, "style", false);
        build_cells(t, &tb, c, ctx, hs ? hs : tb.base, h);
        tab->header = h;
    }
    const char *label = attr(n, "carry-label");
    const char *head = attr(n, "carry-label-head");
    const char *foot = attr(n, "carry-label-foot");
    if (label || head || foot) {
        tab->carry_label_head = qs_tpl_interp(t, head ? head : label ? label : foot, n,
                                              head ? "carry-label-head" : "carry-label", ctx);
        tab->carry_label_foot = qs_tpl_interp(t, foot ? foot : label ? label : head, n,
                                              foot ? "carry-label-foot" : "carry-label", ctx);
        if (carry_col && carry == SIZE_MAX) {
            qs_tpl_error(t, n, "carry-column", "carry-column %s is a column whose test "
                         "failed", carry_col);
            return;
        }
        tab->carry_column = carry_col ? carry : ncolumns - 1;
        const style *cs = qs_tpl_style_attr(t, n, "carry-style", false);
        if (!cs)
            cs = tb.base;
        charfmt cf = fmt_of(cs);
        tab->carry_style = (qs_span){"", qs_tpl_face_of(t, cf.family, cf.bold, cf.italic),
                                     cf.size, cf.color, QS_FIELD_NONE};
        qs_tpl_check_glyphs(t, tab->carry_style.font, tab->carry_label_head, n, NULL);
        qs_tpl_check_glyphs(t, tab->carry_style.font, tab->carry_label_foot, n, NULL);
        char sample[QS_FORMAT_BUFSIZE];
        if (t->currency &&
            qs_format_money("-1234567.89", t->currency, t->lang, sample) == QS_FMT_OK)
            qs_tpl_check_glyphs(t, tab->carry_style.font, sample, n, NULL);
        const char **cfg = qs_arena_array(t->A, 2, sizeof(char *));
        cfg[0] = t->currency ? qs_arena_strdup(t->A, t->currency) : "EUR";
        cfg[1] = qs_arena_strdup(t->A, t->lang_code);
        tab->format_carry = format_carry;
        tab->format_ctx = (void *)cfg;
    }
    const char *continued = attr(n, "continued-label");
    if (continued) {
        tab->continued_label = qs_tpl_interp(t, continued, n, "continued-label", ctx);
        const style *cs = qs_tpl_style_attr(t, n, "carry-style", false);
        charfmt cf = fmt_of(cs ? cs : tb.base);
        tab->continued_style = (qs_span){"", qs_tpl_face_of(t, cf.family, cf.bold, cf.italic),
                                         cf.size, cf.color, QS_FIELD_NONE};
        qs_tpl_check_glyphs(t, tab->continued_style.font, tab->continued_label, n, NULL);
    }
    block_common(t, b, n, ctx, NULL);
}

/* ---- pages, masters, metadata ---- */

static void page_size(tpl *t, const xmlNode *page, float *w, float *h, float m[4])
{
    *w = 210 * MM_TO_PT;
    *h = 297 * MM_TO_PT;
    for (int i = 0; i < 4; i++)
        m[i] = 20 * MM_TO_PT;
    if (!page)
        return;
    const char *size = attr(page, "size");
    if (size && strcmp(size, "A5") == 0) {
        *w = 148 * MM_TO_PT;
        *h = 210 * MM_TO_PT;
    } else if (size && strcmp(size, "Letter") == 0) {
        *w = 612;
        *h = 792;
    } else if (size && strcmp(size, "Legal") == 0) {
        *w = 612;
        *h = 1008;
    }
    qs_tpl_length_attr(t, page, "width", w, true);
    qs_tpl_length_attr(t, page, "height", h, true);
    static const char *const names[4] = {"margin-top", "margin-right",
                                         "margin-bottom", "margin-left"};
    for (int i = 0; i < 4; i++)
        qs_tpl_length_attr(t, page, names[i], &m[i], true);
    if (m[0] + m[2] >= *h - 72 || m[1] + m[3] >= *w - 72)
        qs_tpl_error(t, page, NULL, "the margins leave less than an inch for the text");
}

static void build_master(tpl *t, const xmlNode *m, float w, float h,
                         const float margins[4], qs_master *out)
{
    static const char *const names[4] = {"margin-top", "margin-right",
                                         "margin-bottom", "margin-left"};
    float mg[4] = {margins[0], margins[1], margins[2], margins[3]};
    out->width = w;
    out->height = h;
    out->header_offset = 10 * MM_TO_PT;
    out->footer_offset = 10 * MM_TO_PT;
    if (m) {
        for (int i = 0; i < 4; i++)
            qs_tpl_length_attr(t, m, names[i], &mg[i], false);
        qs_tpl_length_attr(t, m, "header-offset", &out->header_offset, false);
        qs_tpl_length_attr(t, m, "footer-offset", &out->footer_offset, false);
    }
    out->margin_top = mg[0];
    out->margin_right = mg[1];
    out->margin_bottom = mg[2];
    out->margin_left = mg[3];
    for (const xmlNode *c = m ? m->children : NULL; c; c = c->next) {
        if (!is_el(c, "header") && !is_el(c, "footer"))
            continue;
        flowctx fc = {t->body_style, false, QS_ALIGN_LEFT, true};
        blockvec v = {0};
        build_flow(t, c, t->root, &fc, &v);
        if (is_el(c, "header"))
            out->header = bv_done(t, &v);
        else
            out->footer = bv_done(t, &v);
    }
}

/* The child `name` of n in the document's language, else without lang. */
static const xmlNode *localized_child(const tpl *t, const xmlNode *n, const char *name)
{
    const xmlNode *plain = NULL;
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (!is_el(c, name))
            continue;
        const char *l = attr(c, "lang");
        if (l && strcmp(l, t->lang_code) == 0)
            return c;
        if (!l && !plain)
            plain = c;
    }
    return plain;
}

static const char *meta_text(tpl *t, const xmlNode *meta, const char *name)
{
    const xmlNode *c = localized_child(t, meta, name);
    if (!c || !c->children || !c->children->content)
        return NULL;
    return qs_tpl_interp(t, (const char *)c->children->content, c, NULL, t->root);
}

static void build_metadata(tpl *t, const xmlNode *meta)
{
    qs_metadata *m = &t->doc->meta;
    m->title = meta_text(t, meta, "title");
    m->author = meta_text(t, meta, "author");
    m->subject = meta_text(t, meta, "subject");
    m->keywords = meta_text(t, meta, "keywords");
    m->creator = "quotesmith " QS_VERSION;
    m->lang = t->lang_code;
    xmlChar *date = xmlGetProp(t->root, BAD_CAST "date");
    for (xmlNode *c = t->root->children; !date && c; c = c->next)
        if (is_el(c, "date"))
            date = xmlNodeGetContent(c);
    char buf[QS_FORMAT_BUFSIZE];
    if (date && qs_format_date((const char *)date, QS_LANG_EN, QS_DATE_SHORT, buf) == QS_FMT_OK)
        m->date = qs_arena_strdup(t->A, (const char *)date);
    xmlFree(date);
}

static void build_watermark(tpl *t, const xmlNode *tplroot)
{
    for (const xmlNode *c = tplroot->children; c; c = c->next) {
        if (!is_el(c, "watermark") || lang_skips(t, c) || !qs_tpl_test(t, c, t->root))
            continue;
        const char *text = c->children && c->children->content
                               ? (const char *)c->children->content
                               : "";
        const style *s = qs_tpl_style_attr(t, c, "style", false);
        if (!s)
            s = t->heading_style;
        t->doc->watermark = qs_tpl_interp(t, text, c, NULL, t->root);
        t->doc->watermark_font = qs_tpl_face_of(t, s->family, s->bold, s->italic);
        qs_tpl_check_glyphs(t, t->doc->watermark_font, t->doc->watermark, c, NULL);
        return;
    }
}

/* ---- the entry point ---- */

static bool setup(tpl *t, const char *lang, qs_diags *d)
{
    t->root = xmlDocGetRootElement(t->tree);
    if (!t->root) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "template", "the data tree is empty");
        return false;
    }
    xmlChar *ql = xmlGetProp(t->root, BAD_CAST "lang");
    const char *code = lang ? lang : ql ? (const char *)ql : "de";
    if (!qs_lang_parse(code, &t->lang)) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "template",
                    "unsupported document language '%s' (use de or en)", code);
        xmlFree(ql);
        return false;
    }
    t->lang_code = t->lang == QS_LANG_DE ? "de" : "en";
    xmlFree(ql);
    xmlChar *cur = xmlGetProp(t->root, BAD_CAST "currency");
    t->currency = cur ? qs_arena_strdup(&t->scratch, (const char *)cur) : NULL;
    xmlFree(cur);
    return true;
}

static void teardown(tpl *t)
{
    qs_tpl_expr_free_all(t);
    for (size_t i = 0; i < t->doc->nimages; i++)
        free(t->image_paths[i]);
    free(t->image_paths);
    for (size_t i = 0; i < t->doc->nfonts; i++)
        free(t->font_paths[i]);
    free(t->font_paths);
    if (t->xp)
        qs_xpath_free(t->xp);
    qs_arena_free(&t->scratch);
    qs_arena_free(&t->values);
}

bool qs_template_build(qs_inputs *in, const char *template_path,
                       const qs_origin *at, xmlDoc *tree,
                       const char *quote_path, const char *lang, qs_doc *doc,
                       qs_diags *d)
{
    tpl t;
    memset(&t, 0, sizeof t);
    t.in = in;
    t.d = d;
    t.doc = doc;
    t.A = &doc->arena;
    t.tree = tree;
    t.quote_path = quote_path;
    qs_arena_init(&t.scratch);
    qs_arena_init(&t.values);
    if (!setup(&t, lang, d)) {
        qs_arena_free(&t.scratch);
        qs_arena_free(&t.values);
        return false;
    }
    t.src = qs_input_load_xml(in, template_path, QS_FORMAT_TEMPLATE, at, d);
    if (!t.src) {
        qs_arena_free(&t.scratch);
        qs_arena_free(&t.values);
        return false;
    }
    t.path = t.src->path;
    t.xp = qs_xpath_new(tree, d);
    const xmlNode *troot = xmlDocGetRootElement(t.src->doc);

    /* Pass 1: fonts, strings, styles, then every value and expression. */
    qs_tpl_load_fonts(&t, qs_xml_child(troot, "fonts"));
    qs_tpl_index_strings(&t, qs_xml_child(troot, "strings"));
    qs_tpl_load_styles(&t, qs_xml_child(troot, "styles"));
    float w, h, margins[4];
    page_size(&t, qs_xml_child(troot, "page"), &w, &h, margins);
    qs_tpl_check_tree(&t, troot, false);
    if (t.failed || !t.xp || doc->nfonts == 0) {
        teardown(&t);
        return false;
    }

    /* Pass 2: instantiate against the tree. */
    const xmlNode *first = NULL, *rest = NULL;
    for (const xmlNode *c = troot->children; c; c = c->next) {
        if (!is_el(c, "master"))
            continue;
        if (attr_is(c, "page", "first"))
            first = c;
        else if (attr_is(c, "page", "rest"))
            rest = c;
        else {
            if (!first)
                first = c;
            if (!rest)
                rest = c;
        }
    }
    build_master(&t, rest, w, h, margins, &doc->rest);
    if (first == rest)
        doc->first = doc->rest;
    else
        build_master(&t, first ? first : rest, w, h, margins, &doc->first);
    build_metadata(&t, qs_xml_child(troot, "metadata"));
    build_watermark(&t, troot);
    flowctx fc = {t.body_style, false, QS_ALIGN_LEFT, false};
    blockvec flow = {0};
    build_flow(&t, qs_xml_child(troot, "body"), t.root, &fc, &flow);
    doc->flow = bv_done(&t, &flow);

    bool ok = !t.failed;
    teardown(&t);
    return ok;
}
