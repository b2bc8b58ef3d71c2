/* layout_int: the layout engine's shared state (the measure pass, its
 * slices and the helpers that make and stack them), between layout.c (text,
 * blocks, pagination) and layout_table.c (tables and flowing columns);
 * included by those two files only. */
#ifndef QS_LAYOUT_INT_H
#define QS_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "decimal.h"
#include "diag.h"
#include "layout.h"

#define DEFAULT_LEADING 1.2f
#define THIN_RULE 0.5f          /* pt: rules above rows and under headers */
#define EPS 0.01f               /* pt: tolerance of every fit test */

enum { KEEP_NONE, KEEP_WEAK, KEEP_STRONG, KEEP_SINGLE };

/* ---- measured slices ---- */

typedef enum {
    SL_BOX,      /* a line, an image, a rule */
    SL_SPACER,   /* an explicit SPACE block */
    SL_BREAK,    /* an explicit page break */
    SL_ABS,      /* absolutely placed items, relative to the page top-left */
    SL_HEADER,   /* a table's header row (first appearance) */
    SL_ROW       /* a table body row */
} slice_kind;

/* A block background: a rect drawn behind every slice of the block. */
typedef struct bg_ref {
    const struct bg_ref *parent;
    float x, w;
    qs_rgb color;
} bg_ref;

/* An outline entry, or (title NULL) an anchor, for the next slice. */
typedef struct outline_req {
    const char *title;
    int level;
    const char *anchor;
    struct outline_req *next;
} outline_req;

/* A body row of a table in the flow that is taller than a page can hold:
 * measured whole, cut into parts while paginating (layout_table.c; in the
 * scratch arena). */
typedef struct split_row split_row;

/* The page (1-based) an anchor landed on. */
typedef struct {
    const char *name;      /* in the doc's arena */
    unsigned page;
} anchor_page;

typedef struct {
    anchor_page *v;
    size_t n, cap;
} anchor_vec;

typedef struct {
    const qs_table *t;
    float x;               /* the table's left edge in its container */
    float width;
    float *col_x, *col_w;
    bool has_header;
    size_t header_first, header_count;
    float header_h;
    const bg_ref *header_bg;
    bool carry_foot, carry_head;
    float carry_h;
    qs_decimal *running;   /* running[i]: sum of carry_amount of rows 0..i */
    int places;
    float *decimal_tail;   /* per column: the widest part from a decimal mark
                              on in its QS_ALIGN_DECIMAL cells, pt */
} table_info;

typedef struct {
    slice_kind kind;
    int keep;              /* tie to the next slice: KEEP_* */
    float before;          /* space above, dropped at the top of a page */
    float h;
    size_t first, count;   /* items in the pool */
    const bg_ref *bg;
    outline_req *outline;
    table_info *table;     /* SL_HEADER and SL_ROW */
    size_t row;            /* SL_ROW */
    split_row *split;      /* SL_ROW: a row cut while paginating (its items
                              come with its parts), else NULL */
    const char *what;      /* names the slice in diagnostics */
} slice;

typedef struct {
    slice *v;
    size_t n, cap;
} slice_vec;

/* ---- text ---- */

typedef enum { TK_TEXT, TK_SPACE, TK_SHY, TK_HBREAK, TK_NEWLINE } tk_kind;

typedef struct {
    tk_kind kind;
    const qs_span *span;
    const qs_font *font;
    const char *s;         /* TK_TEXT: bytes, no control chars or soft hyphens */
    size_t len;
    float w;               /* TEXT, SPACE: width; SHY: width of '-' */
} token;

/* A line runs from token t0 byte o0 up to (not including) token t1 byte o1;
 * o1 > 0 means the line ends inside token t1. */
typedef struct {
    size_t t0, o0, t1, o1;
    size_t nl;             /* the '\n' token that ended it, or SIZE_MAX */
    float w;               /* natural width without trailing spaces */
    bool hyphen;           /* ends at the soft hyphen t1: draw '-' */
    bool last;             /* last line or ended by '\n': never justified */
} line;

typedef struct {
    const qs_doc *doc;
    qs_layout *out;
    qs_arena scratch;
    qs_diags *d;
    bool failed;
    unsigned page_no, pages;   /* values of page fields; 0 while unknown */
    /* What the next slice takes over. */
    float pending;
    outline_req *out_head, **out_tail;
    const bg_ref *bg;
    /* Buffers reused by every paragraph. */
    token *tok;
    size_t ntok, tokcap;
    line *lines;
    size_t nlines, linecap;
    char *buf;
    size_t buflen, bufcap;
    /* The table row being measured (diagnostics name its quote line). */
    const qs_row *row;
    /* QS_ALIGN_DECIMAL lines: the mark they align on, and the width kept
     * for the part from it on (the cell's column's widest; 0 outside a
     * decimal cell). */
    const char *decimal_mark;
    float decimal_tail;
    /* Page references: the anchors' pages of the pass before (what the
     * spans show), the anchors this pass places, whether a span refers to
     * one, and the first name not among `known`. */
    const anchor_vec *known;
    anchor_vec found;
    bool refs;
    const char *unresolved;
    /* The structure element the content measured now belongs to (an index
     * into out->tags, or QS_TAG_ARTIFACT / QS_TAG_PAGINATION); 0, the
     * Document, at the start. `furniture`: -1 measuring a page header, 1 a
     * footer, 0 the flow. */
    int tag;
    int furniture;
    /* Measuring the paginated flow itself, not blocks apart from it
     * (cells, columns, absolute blocks, headers and footers). */
    bool flow;
} measure;

/* ---- small helpers ---- */

static inline qs_item *item_push(qs_page *p)
{
    p->items = qs_xgrow(p->items, &p->cap, p->count + 1, sizeof *p->items);
    qs_item *it = &p->items[p->count++];
    memset(it, 0, sizeof *it);
    it->tag = QS_TAG_ARTIFACT;
    return it;
}

static inline float content_height(const qs_master *ms)
{
    return ms->height - ms->margin_top - ms->margin_bottom;
}

static inline bool stacked(const slice *s)
{
    return s->kind != SL_BREAK && s->kind != SL_ABS;
}

/* v rounded to 0.1 as text, without the C locale. */
char *qs_lay_fmt1(float v, char buf[32]);
/* Reports the first error of a layout run (the row being measured names
 * its quote line); later ones are dropped. */
void qs_lay_fail(measure *m, const char *fmt, ...) QS_PRINTF(2, 3);
/* Font idx of the document, or NULL after a diagnostic. */
const qs_font *qs_lay_font(measure *m, int idx);
/* Appends a slice; `consume`: it takes over the pending space, outline
 * entries and background. */
slice *qs_lay_new_slice(measure *m, slice_vec *sv, slice_kind kind, bool consume);

/* Height of slices [from, to) stacked without pagination. */
float qs_lay_stack_height_range(const slice_vec *sv, size_t from, size_t to);
/* Height of slices [from, sv->n) stacked without pagination. */
float qs_lay_stack_height(const slice_vec *sv, size_t from);
/* Emits slices [from, to) one under the other from `top` (no pagination:
 * cells, absolute blocks, headers, footers); returns their height. */
float qs_lay_stack_slices(const slice_vec *sv, size_t from, size_t to, const qs_page *pool,
                          qs_page *dst, float x0, float top);

/* Measures blocks apart from the flow (cells, absolute blocks, headers and
 * footers): no pending space, outline or background leaks in or out. */
void qs_lay_measure_isolated(measure *m, const qs_blocks *bs, float width, int cell_align,
                             const bg_ref *bg, slice_vec *sv, qs_page *iv);

/* The widest part from the last `mark` of a line on (0 for a line without
 * one), over the lines of the paragraphs in bs (groups included) broken at
 * `width` pt. */
float qs_lay_blocks_tail(measure *m, const qs_blocks *bs, float width, const char *mark);
/* layout_tags.c: the structure elements of the tagged PDF. */
/* Makes the Document, tags[0], and starts measuring in it. */
void qs_lay_tag_root(measure *m);
/* Opens a structure element of `role` (static) under m->tag; returns its
 * index, or m->tag itself when that is an artifact (nothing in an artifact
 * is tagged). `alt` is copied. */
int qs_lay_tag_open(measure *m, const char *role, const char *alt);
/* The element block b's content belongs to: a new one of its role (or its
 * kind's default), m->tag for a kind that makes none (groups, columns,
 * absolute blocks without a role; a paragraph in a table cell or list
 * item), an artifact for rules and role="Artifact". */
int qs_lay_tag_block(measure *m, const qs_block *b);
/* Sets the tag of items [from, p->count) of p. */
void qs_lay_tag_items(qs_page *p, size_t from, int tag);
/* The same for those of them that are artifacts. */
void qs_lay_tag_artifacts(qs_page *p, size_t from, int tag);
/* A table cell's element, spanning `span` columns: a TH (of a header row:
 * `header`) or TD under m->tag when that is a TR, else m->tag. */
int qs_lay_tag_cell(measure *m, bool header, size_t span);
/* Whether element `tag` is a Table whose rows and cells get elements. */
bool qs_lay_tag_is_table(const measure *m, int tag);

/* layout_table.c: a table's rows, and a block flowing through columns, as
 * slices. */
void qs_lay_measure_table(measure *m, const qs_table *t, float width, slice_vec *sv, qs_page *iv);
void qs_lay_measure_columns(measure *m, const qs_block *b, float width, int cell_align,
                            slice_vec *sv, qs_page *iv);
/* The least room, pt, the first part of split row sr needs on the page
 * where it starts (its padding included, the carry row not). */
float qs_lay_split_least(const split_row *sr);
/* Cuts the next part of split row sr, at most `room` pt high (a later
 * part's continued label included; at least the least part for the first,
 * at least a fresh page's room under the repeated header for a later
 * one), and appends its items to pool; returns its height. *more tells
 * whether parts remain. */
float qs_lay_split_part(measure *m, split_row *sr, float room, qs_page *pool, bool *more);

#endif
