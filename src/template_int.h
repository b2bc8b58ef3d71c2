/* template_int: the template stage's shared state (tpl), between template.c
 * (the build), template_check.c (the check pass), template_expr.c (the
 * expression language) and template_style.c (lengths, colours, styles);
 * included by those files only. */
#ifndef QS_TEMPLATE_INT_H
#define QS_TEMPLATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "arena.h"
#include "diag.h"
#include "format.h"
#include "input.h"
#include "layout.h"
#include "xpath.h"

#define MM_TO_PT (72.0f / 25.4f)

/* ---- small helpers ---- */

static inline bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute `name` as stored in the tree (stable while the
 * template lives, so it can key caches), or NULL. */
static inline const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->content
                       ? (const char *)a->children->content
                       : "";
    return NULL;
}

static inline bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    const char *v = attr(n, name);
    return v && strcmp(v, value) == 0;
}

static inline bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A pointer-keyed hash map (malloc'd), for caches keyed by template text. */
typedef struct {
    const void *key;
    void *value;
} slot;

typedef struct {
    slot *slots;
    size_t cap, count;
} ptrmap;

/* ---- the stage's state ---- */

typedef struct {
    const char *name;
    int face[4]; /* regular, bold, italic, bold-italic: indices into doc->fonts */
} family;

typedef struct {
    const char *name;
    const xmlNode *node;
    int family;
    bool bold, italic;
    float size;
    qs_rgb color;
    qs_align align;
    float leading, space_before, space_after, indent;
    int state; /* 0 unresolved, 1 resolving, 2 resolved */
} style;

typedef enum {
    FN_MONEY, FN_PERCENT, FN_QTY, FN_DATE, FN_T, FN_TOTAL,
    FN_FORMAT_NUMBER, FN_FORMAT_DATE, FN_FORMAT_IBAN, FN_COUNTRY_NAME
} fn_id;

/* A parsed {expression}: XPath, or a template function call. */
typedef struct expr {
    bool is_call;
    const char *xpath;         /* !is_call: the XPath text */
    qs_xpath_path *path;       /* the XPath as a plain path, when it is one */
    xmlXPathCompExprPtr comp;  /* compiled; a plain path only once libxml2
                                  has to evaluate it (xpath_comp) */
    fn_id fn;
    struct expr *args[2];
    int nargs;
    const char *literal;       /* t('id') text, date(..., 'long') style,
                                  format-number/format-date pattern,
                                  country-name(..., 'upper') style */
    bool reported;             /* a runtime diagnostic was given already */
} expr;

typedef enum { PART_TEXT, PART_EXPR, PART_PAGE, PART_PAGES } part_kind;

typedef struct {
    part_kind kind;
    const char *text;
    expr *ex;
} part;

/* A parsed text with {interpolations}. */
typedef struct {
    part *parts;
    size_t count;
    bool failed;
} program;

/* A <string>'s text in the document's language. */
typedef struct {
    const char *id;
    const char *text;
} string_entry;

typedef struct {
    qs_inputs *in;
    qs_input *src;
    const char *path;          /* the template's display path */
    qs_diags *d;
    qs_doc *doc;
    qs_arena *A;               /* doc->arena */
    qs_arena scratch;          /* styles, compiled programs and expressions:
                                  the whole build */
    qs_arena values;           /* what one evaluation makes (value texts,
                                  a paragraph's spans being collected, its
                                  texts with whitespace collapsed): freed
                                  after every outermost table row */
    size_t row_depth;          /* table rows being built (nested tables) */
    xmlDoc *tree;
    xmlNode *root;             /* /quote */
    qs_xpath *xp;
    const char *quote_path;
    qs_lang lang;
    const char *lang_code;
    const char *currency;
    family *families;
    size_t nfamilies;
    style *styles;
    size_t nstyles;
    const style *body_style, *heading_style;
    style builtin;
    string_entry *strings;     /* <strings> by id, in the document's
                                  language (index_strings) */
    size_t nstrings;
    ptrmap programs;           /* text pointer -> program */
    ptrmap xpaths;             /* attribute value pointer -> expr */
    char **image_paths;        /* display path of doc->images[i] (malloc'd) */
    char **font_paths;         /* display path of doc->fonts[i] (malloc'd) */
    size_t images_cap;
    size_t fonts_cap;
    size_t glyph_reports;
    size_t items;              /* blocks, spans and rows made so far */
    const xmlNode *loop;       /* the innermost for-each running */
    bool failed;               /* an error was reported: the build fails */
    bool stop;                 /* evaluation cannot go on: stop instantiating */
} tpl;

/* An evaluated expression. */
typedef struct {
    const char *s;       /* the text (values arena, or a literal) */
    xmlNode *node;       /* the data node it came from, or NULL */
    bool ok;
} value;

/* ---- template.c ---- */

/* A template error at element n (or its attribute attr_name): the build
 * fails. */
void qs_tpl_error(tpl *t, const xmlNode *n, const char *attr_name,
                  const char *fmt, ...) QS_PRINTF(4, 5);
/* The origin of an XPath written at n's attribute attr_name. */
qs_xpath_origin qs_tpl_origin(const tpl *t, const xmlNode *n, const char *attr_name);
/* "/quote/customer/name (file:line)" for a data node, in t->values. */
const char *qs_tpl_describe_node(tpl *t, const xmlNode *node);

/* The line and column of element n (or of its attribute attr_name) in the
 * template; text nodes are located at their element. */
void qs_tpl_locate(const tpl *t, const xmlNode *n, const char *attr_name,
                   unsigned *line, unsigned *col);

/* ---- template_res.c ---- */

/* Loads every <font> of `fonts` in declaration order: regular, bold,
 * italic, bold-italic; a missing variant falls back to the nearest face. */
void qs_tpl_load_fonts(tpl *t, const xmlNode *fonts);
/* The doc->fonts index of family fam's face (0 for an unknown family). */
int qs_tpl_face_of(const tpl *t, int fam, bool bold, bool italic);
/* Loads (once) the image at display path `path`; returns its index or -1
 * after a diagnostic at `at`. */
int qs_tpl_load_image(tpl *t, const char *path, const qs_origin *at);
/* Reports (missing-glyph, at tnode; with the data node dnode the text came
 * from, if any) the first character of `text` that face `font` lacks. */
void qs_tpl_check_glyphs(tpl *t, int font, const char *text, const xmlNode *tnode,
                         const xmlNode *dnode);

/* ---- template_check.c ---- */

/* The check pass over element n and everything below it (`fields`: texts
 * may hold {page} and {pages}, in headers and footers). */
void qs_tpl_check_tree(tpl *t, const xmlNode *n, bool fields);

/* ---- template_style.c ---- */

bool qs_tpl_parse_align(const char *s, qs_align *out);
/* Reads a length attribute; a bad value is reported when `report`. */
bool qs_tpl_length_attr(tpl *t, const xmlNode *n, const char *name, float *out,
                        bool report);
bool qs_tpl_color_attr(tpl *t, const xmlNode *n, const char *name, qs_rgb *out,
                       bool report);
/* A chart's palette attribute: up to three #rrggbb colours separated by
 * spaces, into out[0..2] (the ones not given keep their value); a bad one
 * is reported when `report`. */
bool qs_tpl_palette_attr(tpl *t, const xmlNode *n, qs_rgb out[3], bool report);
bool qs_tpl_bool_attr(const xmlNode *n, const char *name, bool dflt);
/* A cell border: "none", or a width up to 72pt and an optional #rrggbb. */
bool qs_tpl_border_attr(tpl *t, const xmlNode *n, const char *name, qs_border *out,
                        bool report);
/* A column width: a length, or "N*" / "*" for a share of the rest. */
bool qs_tpl_parse_column_width(const char *s, qs_column *out);
/* The style named by attribute `name` of n, or NULL (reported when
 * `report`) when it names no style. */
const style *qs_tpl_style_attr(tpl *t, const xmlNode *n, const char *name,
                               bool report);
void qs_tpl_load_styles(tpl *t, const xmlNode *styles);

/* ---- template_expr.c ---- */

/* Indexes the <string>s of `strings` (may be NULL) by id, for t(). */
void qs_tpl_index_strings(tpl *t, const xmlNode *strings);
/* The parsed text with {interpolations} `text`, written at node's attribute
 * attr_name (NULL: its text); cached by the text's address; `fields`
 * allows {page} and {pages}. Never NULL: a failed parse has `failed`. */
program *qs_tpl_program(tpl *t, const char *text, const xmlNode *node,
                        const char *attr_name, bool fields);
/* The compiled XPath of n's attribute `name` (cached), or NULL. */
expr *qs_tpl_xpath(tpl *t, const xmlNode *n, const char *name);
/* Evaluates e with context node ctx; tnode/attr_name locate errors. */
value qs_tpl_eval(tpl *t, expr *e, xmlNode *ctx, const xmlNode *tnode,
                  const char *attr_name);
/* The boolean value of n's `test` attribute at ctx. */
bool qs_tpl_test(tpl *t, const xmlNode *n, xmlNode *ctx);
/* The same for n's attribute `name`. */
bool qs_tpl_test_attr(tpl *t, const xmlNode *n, const char *name, xmlNode *ctx);
/* The nodes n's `select` finds (caller frees with xmlXPathFreeObject), or
 * NULL. */
xmlXPathObjectPtr qs_tpl_select(tpl *t, const xmlNode *n, xmlNode *ctx);
/* Interpolates a text into one string (no fields), whitespace collapsed,
 * in doc->arena. */
const char *qs_tpl_interp(tpl *t, const char *text, const xmlNode *n,
                          const char *attr_name, xmlNode *ctx);
/* Frees every compiled expression and the caches. */
void qs_tpl_expr_free_all(tpl *t);

#endif
