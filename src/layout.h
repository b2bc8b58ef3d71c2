/* layout: the document model the template stage fills in (page masters and a
 * flow of blocks), and the page model the layout engine makes of it (pages of
 * positioned text runs, rules, boxes and images) for the PDF backend to
 * replay. The engine measures text with the real font metrics, breaks lines,
 * and paginates: keep-together, keep-with-next, widows and orphans, tables
 * with repeated header rows, unsplit rows and a carried-forward subtotal;
 * a block may flow through balanced columns.
 *
 * Units: points (1/72 in); page coordinates have their origin at the
 * bottom-left corner, text y is the baseline. Colours are 8-bit RGB.
 * Ownership: a qs_doc owns everything reachable from it in its arena; a
 * qs_layout likewise owns its pages and runs in its own arena. Fonts and
 * images are owned by the qs_doc (freed by qs_doc_free). A qs_layout does
 * not point into its qs_doc's arena (item texts and outline titles are
 * copies; fonts and images are indices into the doc), so once the pages
 * are laid out, qs_doc_release_flow may free the flow, keeping what the PDF
 * backend still reads: fonts, images, metadata and the watermark. */
#ifndef QS_LAYOUT_H
#define QS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "fonts.h"
#include "image.h"

typedef struct {
    unsigned char r, g, b;
} qs_rgb;

typedef enum {
    QS_ALIGN_LEFT,
    QS_ALIGN_RIGHT,
    QS_ALIGN_CENTER,
    QS_ALIGN_JUSTIFY,
    QS_ALIGN_DECIMAL   /* table cells: each line's last decimal mark (the
                          table's decimal_mark) on one vertical line, the
                          column's widest part after it left-aligned */
} qs_align;

/* What a span stands for: literal text, or a number known only after
 * pagination: the page and the page count (header and footer only), or the
 * page of the block whose anchor is the span's text (anywhere; "00" until
 * the page is known). */
typedef enum { QS_FIELD_NONE, QS_FIELD_PAGE, QS_FIELD_PAGES, QS_FIELD_PAGEREF } qs_field;

/* A run of text in one face. Text is valid UTF-8; U+00AD marks a soft
 * hyphen, U+00A0 and U+202F are non-breaking spaces, '\n' a forced break. */
typedef struct {
    const char *text;
    int font;          /* index into qs_doc.fonts */
    float size;        /* pt */
    qs_rgb color;
    qs_field field;
} qs_span;

typedef struct qs_block qs_block;

typedef struct {
    qs_block *items;
    size_t count;
} qs_blocks;

typedef struct {
    qs_span *spans;
    size_t count;
    qs_align align;
    float leading;     /* line height as a multiple of the largest size, e.g. 1.25 */
    float indent;      /* left indent, pt */
} qs_para;

/* QS_VALIGN_BASELINE: the first baselines of the row's baseline cells on
 * one line (the cell whose first line sits lowest stays at the top). */
typedef enum {
    QS_VALIGN_TOP,
    QS_VALIGN_MIDDLE,
    QS_VALIGN_BOTTOM,
    QS_VALIGN_BASELINE
} qs_valign;

/* One side of a cell's border: a line of `width` pt (0: none). */
typedef struct {
    float width;
    qs_rgb color;
} qs_border;

enum { QS_SIDE_TOP, QS_SIDE_RIGHT, QS_SIDE_BOTTOM, QS_SIDE_LEFT };

typedef struct {
    qs_blocks content;
    qs_align align;    /* default alignment of the cell's paragraphs */
    int colspan;       /* >= 1 */
    qs_valign valign;  /* the content's place in a taller row */
    bool has_background;
    qs_rgb background; /* drawn over the row's background */
    qs_border border[4]; /* QS_SIDE_*: drawn on the cell's edges */
    bool has_padding;
    float padding;     /* pt, all sides, when has_padding; else the table's */
} qs_cell;

typedef enum {
    QS_ROW_BODY,       /* striped when the table is zebra */
    QS_ROW_HEADING,    /* a group heading: kept with the next row */
    QS_ROW_TOTAL       /* a subtotal or total row: never striped */
} qs_row_kind;

typedef struct {
    qs_cell *cells;
    size_t count;
    qs_row_kind kind;
    bool has_background;
    qs_rgb background;
    bool rule_above;       /* a thin rule above the row */
    bool keep_with_previous; /* never starts a page (after the header and
                                carry row a continued table repeats) */
    bool keep_with_next;   /* never ends a page (the next row comes along) */
    /* Decimal string (like "8490.00") this row adds to the carried-forward
     * subtotal, or NULL. */
    const char *carry_amount;
    /* The quote line the row shows, for diagnostics: "line 3 (SKU SRV)"
     * and the item's file and line; NULL and 0 for other rows. */
    const char *what;
    const char *file;
    unsigned line;
} qs_row;

typedef struct {
    float width;       /* pt when !relative, else a share of the rest */
    bool relative;
} qs_column;

typedef struct {
    qs_column *columns;
    size_t ncolumns;
    float width;           /* pt; 0: the container's width */
    qs_align align;        /* placement of a narrower table: left, right,
                              center */
    qs_row *header;        /* repeated on every page; NULL for none */
    qs_row *rows;
    size_t nrows;
    bool zebra;
    qs_rgb zebra_color;
    float cell_padding;    /* pt, all sides */
    /* Carry-forward: when the table breaks across pages and carry_label is
     * set, the engine adds a row "carry_label_foot ... SUM" at the page foot
     * and "carry_label_head ... SUM" at the next page's head, SUM being the
     * running total of carry_amount, formatted by format_carry into the
     * column carry_column. */
    const char *carry_label_foot;   /* e.g. "Übertrag" */
    const char *carry_label_head;   /* e.g. "Übertrag" */
    size_t carry_column;
    qs_span carry_style;            /* font, size and colour of carry rows */
    /* Formats a decimal string (like "12345.60") for display, into the
     * layout's arena; NULL leaves it as is. */
    const char *(*format_carry)(void *ctx, qs_arena *arena, const char *amount);
    void *format_ctx;
    /* A row taller than a page is split between its cells' lines; each
     * later part starts with this label (e.g. "(Fortsetzung)") in
     * continued_style. NULL: no label (the repeated header still shows
     * the table goes on). */
    const char *continued_label;
    qs_span continued_style;
    /* The decimal separator QS_ALIGN_DECIMAL cells align on ("," or ".");
     * NULL: ".". */
    const char *decimal_mark;
    /* Orphan rule: the first `orphans` rows of the table and of every group
     * (the rows after a QS_ROW_HEADING row) never end a page apart; 0 or 1:
     * no rule. A row taller than a page starts under the rows before it
     * only with two lines of each cell there, or `orphans` when more. */
    unsigned orphans;
} qs_table;

typedef struct {
    int image;         /* index into qs_doc.images */
    float width;       /* pt; 0: derive from height and the aspect ratio */
    float height;      /* pt; 0: derive from width; both 0: 72 dpi */
    qs_align align;
} qs_image_ref;

typedef struct {
    float thickness;   /* pt */
    qs_rgb color;
} qs_rule;

typedef enum {
    QS_BLOCK_PARA,
    QS_BLOCK_TABLE,
    QS_BLOCK_IMAGE,
    QS_BLOCK_RULE,
    QS_BLOCK_SPACE,      /* vertical space of space_before pt */
    QS_BLOCK_PAGE_BREAK,
    QS_BLOCK_GROUP,      /* children, kept together when keep_together */
    QS_BLOCK_ABSOLUTE,   /* children placed at x, y (pt from the top-left of
                            the page), outside the flow: address fields */
    QS_BLOCK_COLUMNS,    /* children flowing through ncolumns columns gap pt
                            apart, balanced; a part taller than a page
                            fills page-high column sets */
    QS_BLOCK_CHART       /* a chart (chart.h), drawn the flow's width */
} qs_block_kind;

struct qs_chart;

struct qs_block {
    qs_block_kind kind;
    /* The structure element the block makes in the tagged PDF (a standard
     * type, qs_tag_role; "Artifact": none, its content is decoration), or
     * NULL for the kind's default (layout_tags.c). `alt`: the text
     * alternative of a Figure (image, chart), or NULL. */
    const char *role;
    const char *alt;
    float space_before;  /* pt */
    float space_after;   /* pt */
    bool keep_with_next;
    bool keep_with_previous; /* never end a page before this block */
    bool keep_together;
    /* A PDF outline (bookmark) entry pointing at this block, or NULL. */
    const char *outline_title;
    int outline_level;   /* 0 top level */
    /* A name QS_FIELD_PAGEREF spans refer to, or NULL: the page of the
     * block's first slice (a block in the flow, not in a cell or an
     * absolute block). */
    const char *anchor;
    /* Background and border of the block's box, when set. */
    bool has_background;
    qs_rgb background;
    union {
        qs_para para;
        qs_table table;
        qs_image_ref image;
        qs_rule rule;
        const struct qs_chart *chart;   /* in the doc's arena */
        struct {
            qs_blocks children;
            float x, y, width;  /* QS_BLOCK_ABSOLUTE only */
            unsigned ncolumns;  /* QS_BLOCK_COLUMNS only: 2 or more */
            float gap;          /* QS_BLOCK_COLUMNS only: pt */
            /* QS_BLOCK_ABSOLUTE only: the flow on the block's page goes on
             * no higher than space_after below the block's bottom. */
            bool flow_below;
        } group;
    } u;
};

typedef struct {
    float width, height;                      /* page size */
    float margin_top, margin_right, margin_bottom, margin_left;
    qs_blocks header;   /* laid out in the top margin, from its top */
    qs_blocks footer;   /* laid out in the bottom margin, ending at its bottom */
    float header_offset; /* pt from the page top to the header's top */
    float footer_offset; /* pt from the page bottom to the footer's bottom */
} qs_master;

typedef struct {
    const char *title, *author, *subject, *keywords, *creator;
    /* "YYYY-MM-DD" for the PDF's creation and modification date. */
    const char *date;
    const char *lang;   /* the document's language ("de", "en"): /Lang */
} qs_metadata;

typedef struct {
    qs_arena arena;
    qs_master first;     /* the first page */
    qs_master rest;      /* every later page */
    qs_blocks flow;
    /* The fonts and images arrays live in `arena`; the fonts and images
     * they point to are owned (qs_doc_free calls qs_font_free and
     * qs_image_free on each non-NULL entry). */
    qs_font **fonts;     /* owned; loaded in template order (fixed) */
    size_t nfonts;
    qs_image **images;   /* owned */
    size_t nimages;
    qs_metadata meta;
    const char *watermark; /* diagonal text on every page, or NULL */
    int watermark_font;
} qs_doc;

/* Empties `doc` and sets both masters to A4 portrait (595.276 x 841.89 pt)
 * with 20 mm margins and no header or footer. */
void qs_doc_init(qs_doc *doc);
void qs_doc_free(qs_doc *doc);

/* Frees the document model the layout engine has consumed: the flow, both
 * masters' headers and footers, and every string and block of them. Keeps
 * the fonts, images, metadata and watermark (moved into a fresh doc->arena,
 * which then holds only those), the page sizes and margins. The flow and
 * the headers and footers are empty afterwards; qs_doc_free is still
 * needed. Call it after qs_layout_run, before rendering, to lower the peak
 * memory of a long document. */
void qs_doc_release_flow(qs_doc *doc);

/* ---- the page model ---- */

typedef enum { QS_ITEM_TEXT, QS_ITEM_RECT, QS_ITEM_LINE, QS_ITEM_IMAGE } qs_item_kind;

typedef struct {
    qs_item_kind kind;
    float x, y;        /* TEXT: start of the baseline; RECT/IMAGE: lower-left;
                          LINE: start point */
    float w, h;        /* RECT/IMAGE: size; LINE: end point is x+w, y+h */
    int font;          /* TEXT */
    float size;        /* TEXT: pt; LINE: thickness */
    qs_rgb color;      /* TEXT and LINE: stroke/fill; RECT: fill */
    const char *text;  /* TEXT: UTF-8, no soft hyphens or control chars */
    int image;         /* IMAGE */
    /* The structure element (index into qs_layout.tags) the item's content
     * belongs to, or QS_TAG_ARTIFACT (decoration: rules, fills, borders) or
     * QS_TAG_PAGINATION (headers, footers, the repeated header rows and
     * carried-forward rows of a continued table). */
    int tag;
} qs_item;

enum { QS_TAG_ARTIFACT = -1, QS_TAG_PAGINATION = -2 };

/* A structure element of the tagged PDF (ISO 32000-1, 14.7/14.8): the
 * layout engine makes them while it measures the flow, in reading order
 * (a parent before its children; tags[0] is the Document). */
typedef struct {
    const char *role;      /* a standard structure type, static ("P", "TD") */
    int parent;            /* index of the parent; -1 for the Document */
    const char *alt;       /* Figure: the text alternative, in the layout's
                              arena; else NULL */
    bool scope_column;     /* a TH of a header row: /Scope /Column */
    bool cell;             /* a TH or TD: written even when empty, so that
                              every row has its cells */
    unsigned colspan;      /* a TH or TD: the columns it spans (>= 1) */
    signed char place;     /* 0: in the flow; -1: in a page header (read
                              before the flow), 1: in a footer (after) */
} qs_tag;

/* The standard structure type called `name` (the static string of the
 * table in layout_tags.c, or "Artifact"), or NULL when there is none:
 * the values a template's role attribute takes. */
const char *qs_tag_role(const char *name);
/* The role names qs_tag_role knows, comma-separated, for diagnostics. */
const char *qs_tag_roles(void);

typedef struct {
    qs_item *items;    /* heap array (qs_xrealloc), freed by qs_layout_free */
    size_t count, cap;
    float width, height; /* this page's size, from its master */
} qs_page;

typedef struct {
    const char *title;
    int level;
    size_t page;       /* 0-based */
    float y;           /* top of the block */
} qs_outline_entry;

typedef struct {
    qs_arena arena;
    float width, height;
    qs_page *pages;
    size_t npages;
    qs_outline_entry *outline;
    size_t noutline;
    qs_tag *tags;          /* heap array; tags[0] the Document (tagged PDF) */
    size_t ntags, tagcap;
} qs_layout;

/* Lays `doc` out into pages. Returns false after a diagnostic (rule id
 * "layout") when something cannot be placed at all, e.g. a table row taller
 * than a page, or a page reference names no anchor. A document with page
 * references is laid out again with the pages found, until they no longer
 * change (three passes at most). `out` is initialised in every case: call qs_layout_free on it
 * whatever the result. The pages array, each page's items and the outline
 * array are heap arrays; item texts and outline titles live in out->arena. */
bool qs_layout_run(const qs_doc *doc, qs_layout *out, qs_diags *d);
void qs_layout_free(qs_layout *l);

/* A text dump of the page model (pages -> items, coordinates rounded to
 * 0.1 pt) so tests compare text instead of PDF bytes. */
void qs_layout_dump(const qs_layout *l, FILE *out);

#endif
