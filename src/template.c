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
#include "input.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "arena.h"
#include "buf.h"
#include "decimal.h"
#include "format.h"
#include "merge.h"
#include "version.h"
#include "xpath.h"

#define MM_TO_PT (72.0f / 25.4f)
#define MAX_GLYPH_REPORTS 100
#define MAX_STYLE_DEPTH 32
/* Blocks, spans and rows one build may create: a template whose for-each
 * loops multiply beyond this is stopped with a diagnostic instead of
 * exhausting memory (a 500-line quote needs a few thousand). */
#define MAX_ITEMS 500000

/* ---- small helpers ---- */

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute `name` as stored in the tree (stable while the
 * template lives, so it can key caches), or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->content
                       ? (const char *)a->children->content
                       : "";
    return NULL;
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    const char *v = attr(n, name);
    return v && strcmp(v, value) == 0;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Grows an arena array of `size`-byte items to hold at least `need`. Starts
 * at one item: most arrays (a table cell's blocks) hold one or two, and a
 * 10,000-row table has 60,000 of them. */
static void *grow(qs_arena *a, void *items, size_t count, size_t *cap,
                  size_t need, size_t size)
{
    if (need <= *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 1;
    while (ncap < need)
        ncap *= 2;
    void *fresh = qs_arena_array(a, ncap, size);
    if (count)
        memcpy(fresh, items, count * size);
    *cap = ncap;
    return fresh;
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

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= (uintptr_t)0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return (size_t)x;
}

static void *map_get(const ptrmap *m, const void *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = ptr_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == key)
            return m->slots[i].value;
        if (!m->slots[i].key)
            return NULL;
    }
}

static void map_put(ptrmap *m, const void *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap) {
        ptrmap bigger = {qs_xcalloc(m->cap ? m->cap * 2 : 64, sizeof(slot)),
                         m->cap ? m->cap * 2 : 64, 0};
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                map_put(&bigger, m->slots[i].key, m->slots[i].value);
        free(m->slots);
        *m = bigger;
    }
    size_t i = ptr_hash(key) & (m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key)
        m->count++;
    m->slots[i].key = key;
    m->slots[i].value = value;
}

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

typedef enum { FN_MONEY, FN_PERCENT, FN_QTY, FN_DATE, FN_T, FN_TOTAL } fn_id;

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
    const char *literal;       /* t('id') text, date(..., 'long') style */
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

/* ---- diagnostics ---- */

/* The line and column of element n (or of its attribute attr_name) in the
 * template; text nodes are located at their element. */
static void locate(const tpl *t, const xmlNode *n, const char *attr_name,
                   unsigned *line, unsigned *col)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->parent;
    *line = 0;
    *col = 0;
    if (n)
        qs_input_locate(t->src, n, attr_name, line, col);
}

static void terr(tpl *t, const xmlNode *n, const char *attr_name,
                 const char *fmt, ...) QS_PRINTF(4, 5);

static void terr(tpl *t, const xmlNode *n, const char *attr_name,
                 const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    locate(t, n, attr_name, &line, &col);
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
        terr(t, t->loop, "select",
             "the template makes more than %d blocks, rows and spans; check "
             "the for-each loops", MAX_ITEMS);
    t->stop = true;
    return false;
}

static qs_xpath_origin origin_of(const tpl *t, const xmlNode *n, const char *attr_name)
{
    qs_xpath_origin o = {t->path, 0, 0, "template"};
    locate(t, n, attr_name, &o.line, &o.col);
    return o;
}

/* "/quote/customer/name (samples/x/quote.xml:14)" for a data node, into
 * the values arena. */
static const char *describe_node(tpl *t, const xmlNode *node)
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

/* ---- values: lengths, colours, numbers ---- */

/* Parses an unsigned decimal number without the C locale: digits with an
 * optional fraction. Stores the end in *end. */
static bool parse_number(const char *s, float *out, const char **end)
{
    double v = 0;
    int digits = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && digits < 9) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        double scale = 0.1;
        int frac = 0;
        while (*p >= '0' && *p <= '9' && frac < 6) {
            v += (*p++ - '0') * scale;
            scale /= 10;
            frac++;
        }
        if (frac == 0)
            return false;
    }
    if (digits == 0 || (*p >= '0' && *p <= '9'))
        return false;
    *out = (float)v;
    *end = p;
    return true;
}

/* A length "12mm", "1.5cm", "4pt", "0.5in" (or "0") in points. */
static bool parse_length(const char *s, float *pt)
{
    float v;
    const char *unit;
    if (!s || !parse_number(s, &v, &unit))
        return false;
    if (strcmp(unit, "mm") == 0)
        *pt = v * MM_TO_PT;
    else if (strcmp(unit, "cm") == 0)
        *pt = v * 10 * MM_TO_PT;
    else if (strcmp(unit, "pt") == 0)
        *pt = v;
    else if (strcmp(unit, "in") == 0)
        *pt = v * 72;
    else if (*unit == '\0' && v == 0)
        *pt = 0;
    else
        return false;
    return *pt <= 14400; /* 200 inches: anything more is a typo */
}

static bool parse_color(const char *s, qs_rgb *out)
{
    if (!s || strlen(s) != 7 || s[0] != '#')
        return false;
    unsigned v[6];
    for (int i = 0; i < 6; i++) {
        char c = s[i + 1];
        if (c >= '0' && c <= '9')
            v[i] = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v[i] = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v[i] = (unsigned)(c - 'A' + 10);
        else
            return false;
    }
    out->r = (unsigned char)(v[0] * 16 + v[1]);
    out->g = (unsigned char)(v[2] * 16 + v[3]);
    out->b = (unsigned char)(v[4] * 16 + v[5]);
    return true;
}

static bool parse_align(const char *s, qs_align *out)
{
    static const struct {
        const char *name;
        qs_align align;
    } aligns[] = {{"left", QS_ALIGN_LEFT}, {"right", QS_ALIGN_RIGHT},
                  {"center", QS_ALIGN_CENTER}, {"justify", QS_ALIGN_JUSTIFY}};
    for (size_t i = 0; s && i < sizeof aligns / sizeof aligns[0]; i++)
        if (strcmp(s, aligns[i].name) == 0) {
            *out = aligns[i].align;
            return true;
        }
    return false;
}

/* Reads a length attribute; a bad value is reported when `report`. */
static bool length_attr(tpl *t, const xmlNode *n, const char *name, float *out,
                        bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return false;
    if (parse_length(v, out))
        return true;
    if (report)
        terr(t, n, name,
             "bad length '%s' for %s (expected a number and a unit mm, cm, pt "
             "or in, like 12mm)", v, name);
    return false;
}

static bool color_attr(tpl *t, const xmlNode *n, const char *name, qs_rgb *out,
                       bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return false;
    if (parse_color(v, out))
        return true;
    if (report)
        terr(t, n, name, "bad colour '%s' for %s (expected #rrggbb, like #1F4E79)",
             v, name);
    return false;
}

static bool bool_attr(const xmlNode *n, const char *name, bool dflt)
{
    const char *v = attr(n, name);
    return v ? strcmp(v, "true") == 0 : dflt;
}

/* A column width: a length, or "N*" / "*" for a share of the rest. */
static bool parse_column_width(const char *s, qs_column *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 0 && s[n - 1] == '*') {
        out->relative = true;
        if (n == 1) {
            out->width = 1;
            return true;
        }
        char buf[32];
        if (n > sizeof buf)
            return false;
        memcpy(buf, s, n - 1);
        buf[n - 1] = '\0';
        const char *end;
        return parse_number(buf, &out->width, &end) && *end == '\0' && out->width > 0;
    }
    out->relative = false;
    return parse_length(s, &out->width) && out->width > 0;
}

/* ---- styles ---- */

static const style *find_style(const tpl *t, const char *name)
{
    for (size_t i = 0; i < t->nstyles; i++)
        if (strcmp(t->styles[i].name, name) == 0)
            return &t->styles[i];
    return NULL;
}

static int find_family(const tpl *t, const char *name)
{
    for (size_t i = 0; i < t->nfamilies; i++)
        if (strcmp(t->families[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The style named by attribute `name` of n, or NULL (reported when
 * `report`) when it names no style. */
static const style *style_attr(tpl *t, const xmlNode *n, const char *name,
                               bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return NULL;
    const style *s = find_style(t, v);
    if (!s && report)
        terr(t, n, name, "unknown style '%s'", v);
    return s;
}

static void resolve_style(tpl *t, style *s, int depth)
{
    if (s->state == 2)
        return;
    if (s->state == 1 || depth > MAX_STYLE_DEPTH) {
        terr(t, s->node, "parent", "style '%s' inherits from itself", s->name);
        s->state = 2;
        return;
    }
    s->state = 1;
    const xmlNode *n = s->node;
    const style *base = &t->builtin;
    const char *parent = attr(n, "parent");
    if (parent) {
        style *p = (style *)find_style(t, parent);
        if (!p)
            terr(t, n, "parent", "unknown parent style '%s'", parent);
        else {
            resolve_style(t, p, depth + 1);
            base = p;
        }
    }
    const char *name = s->name;
    *s = *base;
    s->name = name;
    s->node = n;
    s->state = 2;

    const char *v;
    if ((v = attr(n, "font"))) {
        int f = find_family(t, v);
        if (f < 0)
            terr(t, n, "font", "unknown font '%s' (declare it in <fonts>)", v);
        else
            s->family = f;
    }
    s->bold = bool_attr(n, "bold", s->bold);
    s->italic = bool_attr(n, "italic", s->italic);
    if ((v = attr(n, "size"))) {
        float size;
        const char *end;
        if (parse_number(v, &size, &end) && (*end == '\0' || strcmp(end, "pt") == 0) &&
            size >= 1 && size <= 500)
            s->size = size;
        else
            terr(t, n, "size", "bad font size '%s' (expected points, like 9.5 or 9.5pt)", v);
    }
    color_attr(t, n, "color", &s->color, true);
    if ((v = attr(n, "align")))
        parse_align(v, &s->align);
    if ((v = attr(n, "leading"))) {
        float leading;
        const char *end;
        if (parse_number(v, &leading, &end) && *end == '\0' && leading >= 0.5f &&
            leading <= 5)
            s->leading = leading;
        else
            terr(t, n, "leading",
                 "bad leading '%s' (expected a multiple of the font size, like 1.3)", v);
    }
    length_attr(t, n, "space-before", &s->space_before, true);
    length_attr(t, n, "space-after", &s->space_after, true);
    length_attr(t, n, "indent", &s->indent, true);
}

static void load_styles(tpl *t, const xmlNode *styles)
{
    t->builtin = (style){.name = "(default)", .family = 0, .size = 10,
                         .align = QS_ALIGN_LEFT, .leading = 1.2f, .state = 2};
    size_t n = 0;
    for (const xmlNode *c = styles ? styles->children : NULL; c; c = c->next)
        n += is_el(c, "style");
    t->styles = qs_arena_array(&t->scratch, n ? n : 1, sizeof(style));
    for (const xmlNode *c = styles ? styles->children : NULL; c; c = c->next)
        if (is_el(c, "style")) {
            style *s = &t->styles[t->nstyles++];
            s->name = attr(c, "name");
            s->node = c;
        }
    for (size_t i = 0; i < t->nstyles; i++)
        resolve_style(t, &t->styles[i], 0);
    t->body_style = find_style(t, "body");
    if (!t->body_style)
        t->body_style = &t->builtin;
    t->heading_style = find_style(t, "heading");
    if (!t->heading_style)
        t->heading_style = t->body_style;
}

/* ---- fonts and images ---- */

static int add_font(tpl *t, const xmlNode *n, const char *attr_name)
{
    const char *href = attr(n, attr_name);
    qs_origin at = {t->path, 0, 0};
    locate(t, n, attr_name, &at.line, &at.col);
    char *path = NULL;
    if (!qs_input_resolve(t->in, t->path, href, &at, &path, t->d)) {
        t->failed = true;
        return -1;
    }
    for (size_t i = 0; i < t->doc->nfonts; i++)
        if (strcmp(t->font_paths[i], path) == 0) {
            free(path);
            return (int)i;
        }
    qs_input *file = qs_input_read(t->in, path, &at, t->d);
    qs_font *f = file ? qs_font_new(file->data, file->size, file->real, path, t->d) : NULL;
    if (!f) {
        free(path);
        t->failed = true;
        return -1;
    }
    size_t cap = t->fonts_cap;
    t->doc->fonts = grow(t->A, t->doc->fonts, t->doc->nfonts, &t->fonts_cap,
                         t->doc->nfonts + 1, sizeof(qs_font *));
    if (t->fonts_cap != cap)
        t->font_paths = qs_xrealloc(t->font_paths, t->fonts_cap * sizeof(char *));
    t->font_paths[t->doc->nfonts] = path;
    t->doc->fonts[t->doc->nfonts] = f;
    return (int)t->doc->nfonts++;
}

/* Loads every <font> in declaration order: regular, bold, italic,
 * bold-italic. A missing variant falls back to the nearest face. */
static void load_fonts(tpl *t, const xmlNode *fonts)
{
    size_t n = 0;
    for (const xmlNode *c = fonts->children; c; c = c->next)
        n += is_el(c, "font");
    t->families = qs_arena_array(&t->scratch, n ? n : 1, sizeof(family));
    static const char *const faces[4] = {"href", "bold", "italic", "bold-italic"};
    for (const xmlNode *c = fonts->children; c; c = c->next) {
        if (!is_el(c, "font"))
            continue;
        family *f = &t->families[t->nfamilies++];
        f->name = attr(c, "name");
        for (int i = 0; i < 4; i++)
            f->face[i] = attr(c, faces[i]) ? add_font(t, c, faces[i]) : -1;
        if (f->face[1] < 0)
            f->face[1] = f->face[0];
        if (f->face[2] < 0)
            f->face[2] = f->face[0];
        if (f->face[3] < 0)
            f->face[3] = attr(c, "bold") ? f->face[1] : f->face[2];
    }
}

static int face_of(const tpl *t, int fam, bool bold, bool italic)
{
    if (fam < 0 || (size_t)fam >= t->nfamilies)
        return 0;
    int i = t->families[fam].face[(bold ? 1 : 0) + (italic ? 2 : 0)];
    return i < 0 ? 0 : i;
}

/* Loads (once) the image at display path `path`; returns its index or -1
 * after a diagnostic at `at`. */
static int load_image(tpl *t, const char *path, const qs_origin *at)
{
    for (size_t i = 0; i < t->doc->nimages; i++)
        if (strcmp(t->image_paths[i], path) == 0)
            return (int)i;
    qs_input *file = qs_input_read(t->in, path, at, t->d);
    qs_image *img = file ? qs_image_new(file->data, file->size, path, t->d) : NULL;
    if (!img) {
        t->failed = true;
        return -1;
    }
    size_t cap = t->images_cap;
    t->doc->images = grow(t->A, t->doc->images, t->doc->nimages, &t->images_cap,
                          t->doc->nimages + 1, sizeof(qs_image *));
    if (t->images_cap != cap)
        t->image_paths = qs_xrealloc(t->image_paths, t->images_cap * sizeof(char *));
    t->image_paths[t->doc->nimages] = qs_xstrdup(path);
    t->doc->images[t->doc->nimages] = img;
    return (int)t->doc->nimages++;
}

/* ---- expressions and interpolation ---- */

static const struct {
    const char *name;
    fn_id fn;
    int min, max;
} functions[] = {
    {"money", FN_MONEY, 1, 2}, {"percent", FN_PERCENT, 1, 1},
    {"qty", FN_QTY, 1, 1},     {"date", FN_DATE, 1, 2},
    {"t", FN_T, 1, 2},         {"total", FN_TOTAL, 1, 1},
};

/* Index just past the quoted string starting at s[i], or n. */
static size_t skip_quoted(const char *s, size_t i, size_t n)
{
    char q = s[i++];
    while (i < n && s[i] != q)
        i++;
    return i < n ? i + 1 : n;
}

/* The string inside a quoted XPath literal s[0..n), or NULL. */
static const char *literal_of(tpl *t, const char *s, size_t n)
{
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0] ||
        memchr(s + 1, s[0], n - 2))
        return NULL;
    return qs_arena_strndup(&t->scratch, s + 1, n - 2);
}

/* The <text> of <string> s in the document's language, else the one
 * without lang, else the first; "" when it has none. */
static const char *string_pick(const tpl *t, const xmlNode *s)
{
    const xmlNode *plain = NULL, *first = NULL;
    for (const xmlNode *c = s->children; c; c = c->next) {
        if (!is_el(c, "text"))
            continue;
        if (!first)
            first = c;
        const char *l = attr(c, "lang");
        if (l && strcmp(l, t->lang_code) == 0) {
            first = plain = c;
            break;
        }
        if (!l && !plain)
            plain = c;
    }
    const xmlNode *pick = plain ? plain : first;
    if (!pick)
        return "";
    return pick->children && pick->children->content
               ? (const char *)pick->children->content
               : "";
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const string_entry *)a)->id, ((const string_entry *)b)->id);
}

static int compare_id(const void *key, const void *entry)
{
    return strcmp(key, ((const string_entry *)entry)->id);
}

/* Indexes the <string>s of `strings` by id, sorted (the schema makes ids
 * unique): every t() looks its id up here, a computed id once per table
 * row, which scanning <strings> made a few thousand strcmp calls. */
static void index_strings(tpl *t, const xmlNode *strings)
{
    size_t n = 0;
    for (const xmlNode *s = strings ? strings->children : NULL; s; s = s->next)
        n += is_el(s, "string") && attr(s, "id");
    t->strings = qs_arena_array(&t->scratch, n ? n : 1, sizeof(string_entry));
    for (const xmlNode *s = strings ? strings->children : NULL; s; s = s->next) {
        if (!is_el(s, "string") || !attr(s, "id"))
            continue;
        t->strings[t->nstrings++] = (string_entry){attr(s, "id"), string_pick(t, s)};
    }
    qsort(t->strings, t->nstrings, sizeof(string_entry), compare_entries);
}

/* The text of string `id` (string_pick), or NULL when there is no such
 * string. */
static const char *string_text(const tpl *t, const char *id)
{
    const string_entry *e = bsearch(id, t->strings, t->nstrings,
                                    sizeof(string_entry), compare_id);
    return e ? e->text : NULL;
}

static expr *parse_expr(tpl *t, const char *s, size_t n, const xmlNode *node,
                        const char *attr_name);
static void free_expr(expr *e);

/* Compiles XPath `text` written at node's attribute attr_name (NULL: its
 * text), or reports why it does not compile. The origin is located only
 * then: locating costs more than compiling a short expression. */
static xmlXPathCompExprPtr compile(tpl *t, const char *text, const xmlNode *node,
                                   const char *attr_name)
{
    xmlXPathCompExprPtr comp = qs_xpath_try_compile(t->xp, text);
    if (!comp) {
        qs_xpath_origin o = origin_of(t, node, attr_name);
        qs_xpath_report(t->xp, &o);
        t->failed = true;
    }
    return comp;
}

/* Parses s[0..n) as a template function call when it is one. Returns
 * false when it is plain XPath; otherwise *out is the call (NULL after a
 * diagnostic). */
static bool parse_call(tpl *t, const char *s, size_t n, const xmlNode *node,
                       const char *attr_name, expr **out)
{
    size_t i = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
        i++;
    size_t name_len = i;
    while (i < n && is_xml_space(s[i]))
        i++;
    if (name_len == 0 || i >= n || s[i] != '(' || s[n - 1] != ')')
        return false;
    int fi = -1;
    for (size_t k = 0; k < sizeof functions / sizeof functions[0]; k++)
        if (strlen(functions[k].name) == name_len &&
            memcmp(functions[k].name, s, name_len) == 0)
            fi = (int)k;
    if (fi < 0)
        return false;

    /* The call's parenthesis must close at the very end: "money(a) + 1"
     * is XPath (and fails there). Split the arguments on top-level commas. */
    size_t open = i, depth = 0, starts[3], ends[3];
    int nargs = 0;
    starts[0] = open + 1;
    for (size_t k = open; k < n; k++) {
        char c = s[k];
        if (c == '\'' || c == '"') {
            k = skip_quoted(s, k, n) - 1;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (--depth == 0 && k != n - 1)
                return false;
        } else if (c == ',' && depth == 1) {
            if (nargs < 2) {
                ends[nargs] = k;
                starts[++nargs] = k + 1;
            } else {
                nargs = 3;
            }
        }
    }
    if (depth != 0)
        return false;
    if (nargs < 3)
        ends[nargs++] = n - 1;
    *out = NULL;
    const char *fname = functions[fi].name;
    if (nargs < functions[fi].min || nargs > functions[fi].max) {
        terr(t, node, attr_name, "%s() takes %d to %d arguments", fname,
             functions[fi].min, functions[fi].max);
        return true;
    }
    expr *e = qs_arena_alloc(&t->scratch, sizeof *e);
    e->is_call = true;
    e->fn = functions[fi].fn;
    e->nargs = nargs;
    if (e->fn == FN_T && nargs == 1) {
        const char *id = literal_of(t, s + starts[0], ends[0] - starts[0]);
        if (id) {
            /* A literal id is looked up now, so a typo is a template error. */
            e->literal = string_text(t, id);
            if (!e->literal) {
                terr(t, node, attr_name, "unknown string '%s' (declare it in <strings>)", id);
                return true;
            }
            e->nargs = 0;
            *out = e;
            return true;
        }
    }
    for (int k = 0; k < nargs; k++) {
        if (e->fn == FN_DATE && k == 1) {
            e->literal = literal_of(t, s + starts[1], ends[1] - starts[1]);
            if (!e->literal || (strcmp(e->literal, "long") != 0 &&
                                strcmp(e->literal, "short") != 0)) {
                terr(t, node, attr_name, "date() style must be 'short' or 'long'");
                free_expr(e);
                return true;
            }
            e->nargs = 1;
            continue;
        }
        e->args[k] = parse_expr(t, s + starts[k], ends[k] - starts[k], node, attr_name);
        if (!e->args[k]) {
            free_expr(e);
            return true;
        }
    }
    if (e->fn == FN_TOTAL && e->args[0]->is_call) {
        terr(t, node, attr_name, "total() takes an XPath node set, like total(line/@net)");
        free_expr(e);
        return true;
    }
    *out = e;
    return true;
}

/* An XPath expression written at node's attribute attr_name (NULL: its
 * text); NULL after a diagnostic when it does not compile. A plain path
 * (xpath.h) always compiles and is mostly evaluated without libxml2, so
 * it is compiled only when libxml2 has to evaluate it: compiling the
 * standard template's 100 or so plain paths cost 0.6 M instructions. */
static expr *new_xpath(tpl *t, const char *text, const xmlNode *node,
                       const char *attr_name)
{
    expr *e = qs_arena_alloc(&t->scratch, sizeof *e);
    e->xpath = text;
    e->path = qs_xpath_path_new(text);
    if (!e->path && !(e->comp = compile(t, text, node, attr_name)))
        return NULL;
    return e;
}

static expr *parse_expr(tpl *t, const char *s, size_t n, const xmlNode *node,
                        const char *attr_name)
{
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if (n == 0) {
        terr(t, node, attr_name, "empty expression");
        return NULL;
    }
    expr *call;
    if (parse_call(t, s, n, node, attr_name, &call)) {
        if (!call)
            t->failed = true;
        return call;
    }
    return new_xpath(t, qs_arena_strndup(&t->scratch, s, n), node, attr_name);
}

static void free_expr(expr *e)
{
    if (!e)
        return;
    if (e->comp)
        xmlXPathFreeCompExpr(e->comp);
    qs_xpath_path_free(e->path);
    for (int i = 0; i < 2; i++)
        free_expr(e->args[i]);
}

/* Parses (once; cached by the text's address) a text with {expr}
 * interpolations. {{ and }} stand for literal braces; {page} and {pages}
 * are page number fields, allowed where `fields` is set. */
static program *get_program(tpl *t, const char *text, const xmlNode *node,
                            const char *attr_name, bool fields)
{
    program *p = map_get(&t->programs, text);
    if (p)
        return p;
    p = qs_arena_alloc(&t->scratch, sizeof *p);
    map_put(&t->programs, text, p);
    size_t cap = 0;
    qs_buf lit = {0};
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++) {
        char c = text[i];
        bool brace = c == '{' && text[i + 1] != '{';
        if (c == '{' && text[i + 1] == '{') {
            qs_buf_puts(&lit, "{");
            i++;
            continue;
        }
        if (c == '}' && text[i + 1] == '}') {
            qs_buf_puts(&lit, "}");
            i++;
            continue;
        }
        if (c != '\0' && !brace) {
            qs_buf_add(&lit, &text[i], 1);
            continue;
        }
        if (lit.len) {
            p->parts = grow(&t->scratch, p->parts, p->count, &cap, p->count + 1, sizeof(part));
            p->parts[p->count++] = (part){PART_TEXT, qs_arena_strdup(&t->scratch, lit.s), NULL};
            lit.len = 0;
        }
        if (c == '\0')
            break;
        /* An expression runs to the first '}' outside a quoted string. */
        size_t start = i + 1, k = start;
        while (k < n && text[k] != '}')
            k = (text[k] == '\'' || text[k] == '"') ? skip_quoted(text, k, n) : k + 1;
        if (k >= n) {
            terr(t, node, attr_name, "'{' without a closing '}' (write '{{' for a brace)");
            p->failed = true;
            break;
        }
        const char *e = text + start;
        size_t elen = k - start;
        while (elen > 0 && is_xml_space(*e))
            e++, elen--;
        while (elen > 0 && is_xml_space(e[elen - 1]))
            elen--;
        part_kind kind = PART_EXPR;
        if (elen == 4 && memcmp(e, "page", 4) == 0)
            kind = PART_PAGE;
        else if (elen == 5 && memcmp(e, "pages", 5) == 0)
            kind = PART_PAGES;
        if (kind != PART_EXPR && !fields) {
            terr(t, node, attr_name,
                 "{page} and {pages} are only available in paragraphs of a "
                 "<master>'s header and footer");
            p->failed = true;
        }
        expr *ex = NULL;
        if (kind == PART_EXPR) {
            ex = parse_expr(t, e, elen, node, attr_name);
            if (!ex)
                p->failed = true;
        }
        p->parts = grow(&t->scratch, p->parts, p->count, &cap, p->count + 1, sizeof(part));
        p->parts[p->count++] = (part){kind, NULL, ex};
        i = k;
    }
    free(lit.s);
    return p;
}

/* The compiled XPath of attribute `name` (cached), or NULL. */
static expr *get_xpath(tpl *t, const xmlNode *n, const char *name)
{
    const char *v = attr(n, name);
    if (!v)
        return NULL;
    expr *e = map_get(&t->xpaths, v);
    if (e)
        return e;
    e = new_xpath(t, v, n, name);
    if (e)
        map_put(&t->xpaths, v, e);
    return e;
}

/* ---- evaluation ---- */

typedef struct {
    const char *s;       /* the text (values arena, or a literal) */
    xmlNode *node;       /* the data node it came from, or NULL */
    bool ok;
} value;

static xmlXPathObjectPtr eval_raw(tpl *t, expr *e, xmlNode *ctx,
                                  const xmlNode *tnode, const char *attr_name)
{
    if (!e->comp && !(e->comp = compile(t, e->xpath, tnode, attr_name))) {
        t->stop = true;
        return NULL;
    }
    xmlXPathObjectPtr obj = qs_xpath_try_eval(t->xp, e->comp, ctx);
    if (!obj) {
        /* Located only now: locating every evaluation's origin cost as
         * much as a quarter of the evaluations themselves. */
        qs_xpath_origin o = origin_of(t, tnode, attr_name);
        qs_xpath_report(t->xp, &o);
        t->failed = t->stop = true;
    }
    return obj;
}

static void runtime_error(tpl *t, expr *e, const xmlNode *tnode,
                          const char *attr_name, const char *fname,
                          const value *v, const char *why)
{
    t->failed = true;
    if (e->reported)
        return;
    e->reported = true;
    if (v->node)
        terr(t, tnode, attr_name, "%s(): '%s' from %s: %s", fname, v->s,
             describe_node(t, v->node), why);
    else
        terr(t, tnode, attr_name, "%s(): '%s': %s", fname, v->s, why);
}

/* Sums the decimal strings of a node set exactly; the result keeps the
 * largest number of fractional digits among the terms. */
static value eval_total(tpl *t, expr *e, xmlNode *ctx, const xmlNode *tnode,
                        const char *attr_name)
{
    value r = {"0", NULL, false};
    xmlXPathObjectPtr obj = eval_raw(t, e->args[0], ctx, tnode, attr_name);
    if (!obj)
        return r;
    if (obj->type != XPATH_NODESET) {
        value v = {"(not a node set)", NULL, false};
        runtime_error(t, e, tnode, attr_name, "total", &v, "total() needs a node set");
        xmlXPathFreeObject(obj);
        return r;
    }
    qs_decimal sum = 0;
    int places = 0;
    xmlNodeSetPtr set = obj->nodesetval;
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlChar *s = xmlXPathCastNodeToString(set->nodeTab[i]);
        qs_decimal v;
        bool ok = qs_decimal_parse((const char *)s, &v) == QS_DEC_OK &&
                  qs_decimal_add(sum, v, &sum);
        if (!ok) {
            value bad = {qs_arena_strdup(&t->values, (const char *)s),
                         set->nodeTab[i], false};
            runtime_error(t, e, tnode, attr_name, "total", &bad,
                          "not a decimal number, or the sum overflows");
            xmlFree(s);
            xmlXPathFreeObject(obj);
            return r;
        }
        const char *dot = strchr((const char *)s, '.');
        int p = dot ? (int)strlen(dot + 1) : 0;
        if (p > places)
            places = p;
        xmlFree(s);
    }
    xmlXPathFreeObject(obj);
    char buf[QS_DECIMAL_BUFSIZE];
    r.s = qs_arena_strdup(&t->values, qs_decimal_format(sum, places, buf));
    r.ok = true;
    return r;
}

static value eval_expr(tpl *t, expr *e, xmlNode *ctx, const xmlNode *tnode,
                       const char *attr_name)
{
    value r = {"", NULL, false};
    xmlNode *first;
    if (e->path && qs_xpath_path_first(e->path, ctx, &first)) {
        /* The string value of the first node, as xmlXPathCastToString
         * gives it below. */
        if (first) {
            xmlChar *s = xmlNodeGetContent(first);
            r.s = qs_arena_strdup(&t->values, s ? (const char *)s : "");
            xmlFree(s);
        }
        r.node = first;
        r.ok = true;
        return r;
    }
    if (!e->is_call) {
        xmlXPathObjectPtr obj = eval_raw(t, e, ctx, tnode, attr_name);
        if (!obj)
            return r;
        if (obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0)
            r.node = obj->nodesetval->nodeTab[0];
        xmlChar *s = xmlXPathCastToString(obj);
        r.s = qs_arena_strdup(&t->values, s ? (const char *)s : "");
        xmlFree(s);
        xmlXPathFreeObject(obj);
        r.ok = true;
        return r;
    }
    if (e->fn == FN_T && e->nargs == 0) {
        r.s = e->literal;
        r.ok = true;
        return r;
    }
    if (e->fn == FN_T) {
        /* A computed id, like t(concat('dept-', @name), @name): unknown ids
         * give the fallback, or nothing. */
        value id = eval_expr(t, e->args[0], ctx, tnode, attr_name);
        const char *text = id.ok ? string_text(t, id.s) : NULL;
        if (text) {
            r.s = text;
            r.ok = true;
            return r;
        }
        if (e->nargs > 1)
            return eval_expr(t, e->args[1], ctx, tnode, attr_name);
        r.ok = id.ok;
        return r;
    }
    if (e->fn == FN_TOTAL)
        return eval_total(t, e, ctx, tnode, attr_name);

    value v = eval_expr(t, e->args[0], ctx, tnode, attr_name);
    if (!v.ok)
        return r;
    char buf[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = QS_FMT_OK;
    const char *fname = "money";
    switch (e->fn) {
    case FN_MONEY: {
        const char *cur = t->currency;
        if (e->nargs > 1) {
            value c = eval_expr(t, e->args[1], ctx, tnode, attr_name);
            if (!c.ok)
                return r;
            cur = c.s;
        }
        st = qs_format_money(v.s, cur ? cur : "", t->lang, buf);
        if (st == QS_FMT_CURRENCY)
            v.s = cur ? cur : "(no /quote/@currency)";
        break;
    }
    case FN_PERCENT:
        fname = "percent";
        st = qs_format_percent(v.s, t->lang, buf);
        break;
    case FN_QTY:
        fname = "qty";
        st = qs_format_quantity(v.s, t->lang, buf);
        break;
    case FN_DATE:
        fname = "date";
        st = qs_format_date(v.s, t->lang,
                            e->literal && strcmp(e->literal, "long") == 0
                                ? QS_DATE_LONG
                                : QS_DATE_SHORT,
                            buf);
        break;
    default:
        break;
    }
    if (st != QS_FMT_OK) {
        runtime_error(t, e, tnode, attr_name, fname, &v, qs_format_status_message(st));
        return r;
    }
    r.s = qs_arena_strdup(&t->values, buf);
    r.node = v.node;
    r.ok = true;
    return r;
}

static bool eval_test(tpl *t, const xmlNode *n, xmlNode *ctx)
{
    expr *e = get_xpath(t, n, "test");
    if (!e)
        return false;
    xmlNode *first;
    if (e->path && qs_xpath_path_first(e->path, ctx, &first))
        return first != NULL;
    xmlXPathObjectPtr obj = eval_raw(t, e, ctx, n, "test");
    if (!obj)
        return false;
    bool r = xmlXPathCastToBoolean(obj) != 0;
    xmlXPathFreeObject(obj);
    return r;
}

/* The nodes `select` finds (caller frees with xmlXPathFreeObject), or NULL. */
static xmlXPathObjectPtr eval_select(tpl *t, const xmlNode *n, xmlNode *ctx)
{
    expr *e = get_xpath(t, n, "select");
    if (!e)
        return NULL;
    xmlXPathObjectPtr obj = eval_raw(t, e, ctx, n, "select");
    if (obj && obj->type != XPATH_NODESET) {
        terr(t, n, "select", "select must give a node set, not a %s",
             obj->type == XPATH_STRING ? "string"
             : obj->type == XPATH_NUMBER ? "number" : "boolean");
        xmlXPathFreeObject(obj);
        return NULL;
    }
    return obj;
}

/* Interpolates a text into one string (no fields), whitespace collapsed. */
static const char *interp_string(tpl *t, const char *text, const xmlNode *n,
                                 const char *attr_name, xmlNode *ctx)
{
    program *p = get_program(t, text, n, attr_name, false);
    if (p->failed)
        return "";
    qs_buf b = {0};
    qs_buf_puts(&b, "");
    for (size_t i = 0; i < p->count; i++) {
        if (p->parts[i].kind == PART_TEXT)
            qs_buf_puts(&b, p->parts[i].text);
        else if (p->parts[i].kind == PART_EXPR)
            qs_buf_puts(&b, eval_expr(t, p->parts[i].ex, ctx, n, attr_name).s);
    }
    /* Collapse runs of XML whitespace and trim. */
    size_t o = 0;
    bool space = true;
    for (size_t i = 0; i < b.len; i++) {
        if (is_xml_space(b.s[i])) {
            if (!space)
                b.s[o++] = ' ';
            space = true;
        } else {
            b.s[o++] = b.s[i];
            space = false;
        }
    }
    while (o > 0 && b.s[o - 1] == ' ')
        o--;
    const char *r = qs_arena_strndup(t->A, b.s, o);
    free(b.s);
    return r;
}

/* ---- glyph coverage ---- */

static void check_glyphs(tpl *t, int font, const char *text, const xmlNode *tnode,
                         const xmlNode *dnode)
{
    if (font < 0 || (size_t)font >= t->doc->nfonts)
        return;
    uint32_t cp = qs_font_first_missing(t->doc->fonts[font], text);
    if (!cp)
        return;
    t->failed = true;
    if (++t->glyph_reports > MAX_GLYPH_REPORTS)
        return;
    char shown[8] = "";
    if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0)) {
        /* The character itself, as UTF-8. */
        if (cp < 0x80) {
            shown[0] = (char)cp;
            shown[1] = '\0';
        } else if (cp < 0x800) {
            shown[0] = (char)(0xC0 | (cp >> 6));
            shown[1] = (char)(0x80 | (cp & 0x3F));
            shown[2] = '\0';
        } else if (cp < 0x10000) {
            shown[0] = (char)(0xE0 | (cp >> 12));
            shown[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            shown[2] = (char)(0x80 | (cp & 0x3F));
            shown[3] = '\0';
        } else {
            shown[0] = (char)(0xF0 | (cp >> 18));
            shown[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            shown[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            shown[3] = (char)(0x80 | (cp & 0x3F));
            shown[4] = '\0';
        }
    }
    unsigned line, col;
    locate(t, tnode, NULL, &line, &col);
    const char *font_path = t->font_paths[font];
    if (dnode)
        qs_diag_add(t->d, QS_SEV_ERROR, t->path, line, col, "missing-glyph",
                    "the font '%s' has no glyph for U+%04X '%s' in the text of %s",
                    font_path, (unsigned)cp, shown, describe_node(t, dnode));
    else
        qs_diag_add(t->d, QS_SEV_ERROR, t->path, line, col, "missing-glyph",
                    "the font '%s' has no glyph for U+%04X '%s' in the template's text",
                    font_path, (unsigned)cp, shown);
    if (t->glyph_reports == MAX_GLYPH_REPORTS)
        qs_diag_add(t->d, QS_SEV_NOTE, t->path, line, col, "missing-glyph",
                    "further missing glyphs are not reported");
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
    pb->spans = grow(&t->values, pb->spans, pb->count, &pb->cap, pb->count + 1,
                     sizeof(qs_span));
    qs_span s = pb->cur_attrs;
    s.text = qs_arena_strndup(t->A, pb->cur.s ? pb->cur.s : "", pb->cur.len);
    pb->spans[pb->count++] = s;
    pb->cur.len = 0;
}

static void pb_start(tpl *t, parabuf *pb, const charfmt *f, qs_field field)
{
    int font = face_of(t, f->family, f->bold, f->italic);
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
        check_glyphs(t, pb->cur_attrs.font, out, tnode, dnode);
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

static void pb_field(tpl *t, parabuf *pb, const charfmt *f, qs_field field,
                     const xmlNode *tnode)
{
    pb_start(t, pb, f, field);
    qs_buf_puts(&pb->cur, field == QS_FIELD_PAGE ? "0" : "00");
    check_glyphs(t, pb->cur_attrs.font, "0123456789", tnode, NULL);
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
    program *p = get_program(t, text, el, NULL, fields);
    if (p->failed)
        return;
    for (size_t i = 0; i < p->count; i++) {
        part *pt = &p->parts[i];
        if (pt->kind == PART_TEXT) {
            pb_text(t, pb, f, pt->text, el, NULL);
        } else if (pt->kind == PART_EXPR) {
            value v = eval_expr(t, pt->ex, ctx, el, NULL);
            pb_text(t, pb, f, v.s, el, v.node);
        } else {
            pb_field(t, pb, f, pt->kind == PART_PAGE ? QS_FIELD_PAGE : QS_FIELD_PAGES, el);
        }
    }
}

/* Runs the children of a for-each, if or choose element with `body` for
 * each context it selects. */
typedef void (*body_fn)(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg);

static void control(tpl *t, const xmlNode *c, xmlNode *ctx, body_fn body, void *arg)
{
    if (is_el(c, "for-each")) {
        xmlXPathObjectPtr obj = eval_select(t, c, ctx);
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
        if (eval_test(t, c, ctx))
            body(t, c, ctx, arg);
    } else if (is_el(c, "choose")) {
        for (const xmlNode *w = c->children; w; w = w->next) {
            if (is_el(w, "when") && eval_test(t, w, ctx)) {
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
    xmlXPathObjectPtr obj = eval_select(t, c, ctx);
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
        const style *s = style_attr(t, c, "style", false);
        if (s)
            f = fmt_of(s);
        build_inline(t, c, ctx, f, pb, fields);
    } else if (is_el(c, "br")) {
        pb_break(t, pb, &f);
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

typedef struct {
    qs_block *items;
    size_t count, cap;
} blockvec;

static qs_block *bv_add(tpl *t, blockvec *v, qs_block_kind kind)
{
    count_item(t); /* sets t->stop when there are too many */
    v->items = grow(t->A, v->items, v->count, &v->cap, v->count + 1, sizeof(qs_block));
    qs_block *b = &v->items[v->count++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static qs_blocks bv_done(blockvec *v)
{
    return (qs_blocks){v->items, v->count};
}

/* Where blocks are being built: the default style, and in a table cell the
 * cell's alignment, which paragraphs take unless they set their own. */
typedef struct {
    const style *base;
    bool in_cell;
    qs_align cell_align;
    bool fields;          /* in a master's header or footer */
} flowctx;

static void block_common(tpl *t, qs_block *b, const xmlNode *n, xmlNode *ctx,
                         const style *s)
{
    if (s) {
        b->space_before = s->space_before;
        b->space_after = s->space_after;
    }
    length_attr(t, n, "space-before", &b->space_before, false);
    length_attr(t, n, "space-after", &b->space_after, false);
    b->keep_with_next = bool_attr(n, "keep-with-next", b->keep_with_next);
    b->keep_together = bool_attr(n, "keep-together", b->keep_together);
    b->has_background = color_attr(t, n, "background", &b->background, false);
    const char *outline = attr(n, "outline");
    if (outline) {
        b->outline_title = interp_string(t, outline, n, "outline", ctx);
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
        parse_align(a, &para->align);
    para->leading = s->leading;
    para->indent = s->indent;
    if (n)
        length_attr(t, n, "indent", &para->indent, false);
}

static void build_para(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                       blockvec *out, bool heading)
{
    const style *s = style_attr(t, n, "style", false);
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
    }
    free(pb.plain.s);
}

static void build_rich(tpl *t, const xmlNode *n, xmlNode *ctx, const flowctx *fc,
                       blockvec *out)
{
    const style *s = style_attr(t, n, "style", false);
    if (!s)
        s = fc->base;
    xmlXPathObjectPtr obj = eval_select(t, n, ctx);
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

static void build_image(tpl *t, const xmlNode *n, xmlNode *ctx, blockvec *out)
{
    char *path = NULL;
    qs_origin at = {t->path, 0, 0};
    const char *sel = attr(n, "select");
    if (sel) {
        expr *e = get_xpath(t, n, "select");
        value v = e ? eval_expr(t, e, ctx, n, "select") : (value){"", NULL, false};
        if (v.ok && v.s[0]) {
            /* Relative to the file the node came from: the quote. */
            const char *file = NULL;
            unsigned line = 0;
            if (v.node)
                qs_tree_source_of(v.node, &file, &line);
            qs_origin data_at = {file ? file : t->quote_path, line, 0};
            if (!qs_input_resolve(t->in, file ? file : t->quote_path, v.s, &data_at,
                                  &path, t->d)) {
                t->failed = true;
                return;
            }
            at = data_at;
        }
    }
    if (!path && attr(n, "href")) {
        locate(t, n, "href", &at.line, &at.col);
        if (!qs_input_resolve(t->in, t->path, attr(n, "href"), &at, &path, t->d)) {
            t->failed = true;
            return;
        }
    }
    if (!path)
        return;
    int idx = load_image(t, path, &at);
    free(path);
    if (idx < 0)
        return;
    qs_block *b = bv_add(t, out, QS_BLOCK_IMAGE);
    b->u.image.image = idx;
    length_attr(t, n, "width", &b->u.image.width, false);
    length_attr(t, n, "height", &b->u.image.height, false);
    b->u.image.align = QS_ALIGN_LEFT;
    const char *a = attr(n, "align");
    if (a)
        parse_align(a, &b->u.image.align);
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
    return is_el(c, "b") || is_el(c, "i") || is_el(c, "span") || is_el(c, "br");
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
        } else if (is_el(c, "rule")) {
            qs_block *b = bv_add(t, out, QS_BLOCK_RULE);
            b->u.rule.thickness = 0.5f;
            length_attr(t, c, "thickness", &b->u.rule.thickness, false);
            color_attr(t, c, "color", &b->u.rule.color, false);
            block_common(t, b, c, ctx, NULL);
        } else if (is_el(c, "spacer")) {
            qs_block *b = bv_add(t, out, QS_BLOCK_SPACE);
            length_attr(t, c, "height", &b->space_before, false);
        } else if (is_el(c, "page-break")) {
            bv_add(t, out, QS_BLOCK_PAGE_BREAK);
        } else if (is_el(c, "group") || is_el(c, "absolute")) {
            blockvec kids = {0};
            build_flow(t, c, ctx, fc, &kids);
            bool absolute = is_el(c, "absolute");
            qs_block *b = bv_add(t, out, absolute ? QS_BLOCK_ABSOLUTE : QS_BLOCK_GROUP);
            b->u.group.children = bv_done(&kids);
            if (absolute) {
                length_attr(t, c, "x", &b->u.group.x, false);
                length_attr(t, c, "y", &b->u.group.y, false);
                length_attr(t, c, "width", &b->u.group.width, false);
            } else {
                block_common(t, b, c, ctx, NULL);
            }
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
    size_t ncolumns;
    const style *base;
    qs_row *rows;
    size_t nrows, cap;
    bool fields;
} tablebuild;

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
        qs_cell *cell = &row->cells[row->count++];
        const char *span = attr(c, "colspan");
        cell->colspan = span ? atoi(span) : 1;
        cell->align = column < tb->ncolumns ? tb->aligns[column] : QS_ALIGN_LEFT;
        const char *a = attr(c, "align");
        if (a)
            parse_align(a, &cell->align);
        const style *s = style_attr(t, c, "style", false);
        flowctx fc = {s ? s : rowstyle, true, cell->align, tb->fields};
        blockvec kids = {0};
        build_flow(t, c, ctx, &fc, &kids);
        cell->content = bv_done(&kids);
        column += (size_t)cell->colspan;
    }
}

static void build_rows(tpl *t, const xmlNode *el, xmlNode *ctx, tablebuild *tb);

static void rows_body(tpl *t, const xmlNode *el, xmlNode *ctx, void *arg)
{
    build_rows(t, el, ctx, arg);
}

static void build_row(tpl *t, const xmlNode *r, xmlNode *ctx, tablebuild *tb)
{
    t->row_depth++;
    qs_row row = {0};
    const char *kind = attr(r, "kind");
    row.kind = kind && strcmp(kind, "heading") == 0 ? QS_ROW_HEADING
               : kind && strcmp(kind, "total") == 0 ? QS_ROW_TOTAL
                                                    : QS_ROW_BODY;
    row.has_background = color_attr(t, r, "background", &row.background, false);
    row.rule_above = bool_attr(r, "rule-above", false);
    if (attr(r, "carry")) {
        expr *e = get_xpath(t, r, "carry");
        value v = e ? eval_expr(t, e, ctx, r, "carry") : (value){"", NULL, false};
        qs_decimal dummy;
        if (v.ok && qs_decimal_parse(v.s, &dummy) == QS_DEC_OK) {
            row.carry_amount = qs_arena_strdup(t->A, v.s);
        } else if (v.ok && !e->reported) {
            e->reported = true;
            terr(t, r, "carry", "carry: '%s'%s%s is not a decimal number", v.s,
                 v.node ? " from " : "", v.node ? describe_node(t, v.node) : "");
        }
    }
    const style *s = style_attr(t, r, "style", false);
    build_cells(t, tb, r, ctx, s ? s : tb->base, &row);
    tb->rows = grow(t->A, tb->rows, tb->nrows, &tb->cap, tb->nrows + 1, sizeof(qs_row));
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
    const style *s = style_attr(t, n, "style", false);
    tb.base = s ? s : t->body_style;
    for (const xmlNode *c = n->children; c; c = c->next)
        tb.ncolumns += is_el(c, "column");
    tb.columns = qs_arena_array(t->A, tb.ncolumns, sizeof(qs_column));
    tb.aligns = qs_arena_array(&t->scratch, tb.ncolumns, sizeof(qs_align));
    size_t i = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_el(c, "column"))
            continue;
        parse_column_width(attr(c, "width"), &tb.columns[i]);
        tb.aligns[i] = QS_ALIGN_LEFT;
        if (attr(c, "align"))
            parse_align(attr(c, "align"), &tb.aligns[i]);
        i++;
    }

    if (attr(n, "select")) {
        xmlXPathObjectPtr obj = eval_select(t, n, ctx);
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
    tab->ncolumns = tb.ncolumns;
    tab->rows = tb.rows;
    tab->nrows = tb.nrows;
    tab->cell_padding = 2;
    length_attr(t, n, "padding", &tab->cell_padding, false);
    tab->zebra = color_attr(t, n, "zebra", &tab->zebra_color, false);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_el(c, "header"))
            continue;
        qs_row *h = qs_arena_alloc(t->A, sizeof *h);
        h->kind = QS_ROW_BODY;
        h->has_background = color_attr(t, c, "background", &h->background, false);
        const style *hs = style_attr(t, c, "style", false);
        build_cells(t, &tb, c, ctx, hs ? hs : tb.base, h);
        tab->header = h;
    }
    const char *label = attr(n, "carry-label");
    const char *head = attr(n, "carry-label-head");
    const char *foot = attr(n, "carry-label-foot");
    if (label || head || foot) {
        tab->carry_label_head = interp_string(t, head ? head : label ? label : foot, n,
                                              head ? "carry-label-head" : "carry-label", ctx);
        tab->carry_label_foot = interp_string(t, foot ? foot : label ? label : head, n,
                                              foot ? "carry-label-foot" : "carry-label", ctx);
        const char *col = attr(n, "carry-column");
        tab->carry_column = col ? (size_t)atoi(col) - 1 : tb.ncolumns - 1;
        const style *cs = style_attr(t, n, "carry-style", false);
        if (!cs)
            cs = tb.base;
        charfmt cf = fmt_of(cs);
        tab->carry_style = (qs_span){"", face_of(t, cf.family, cf.bold, cf.italic),
                                     cf.size, cf.color, QS_FIELD_NONE};
        check_glyphs(t, tab->carry_style.font, tab->carry_label_head, n, NULL);
        check_glyphs(t, tab->carry_style.font, tab->carry_label_foot, n, NULL);
        char sample[QS_FORMAT_BUFSIZE];
        if (t->currency &&
            qs_format_money("-1234567.89", t->currency, t->lang, sample) == QS_FMT_OK)
            check_glyphs(t, tab->carry_style.font, sample, n, NULL);
        const char **cfg = qs_arena_array(t->A, 2, sizeof(char *));
        cfg[0] = t->currency ? qs_arena_strdup(t->A, t->currency) : "EUR";
        cfg[1] = qs_arena_strdup(t->A, t->lang_code);
        tab->format_carry = format_carry;
        tab->format_ctx = (void *)cfg;
    }
    block_common(t, b, n, ctx, NULL);
}

/* ---- the check pass ---- */

/* What the check pass does with an attribute. */
typedef enum {
    CHECK_LENGTH,      /* a length (width too, except a column's) */
    CHECK_WIDTH,       /* a length, or a column's share like 2* */
    CHECK_COLOR,
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
    {"background", CHECK_COLOR},       {"carry", CHECK_XPATH},
    {"carry-label", CHECK_TEXT},       {"carry-label-foot", CHECK_TEXT},
    {"carry-label-head", CHECK_TEXT},  {"carry-style", CHECK_STYLE},
    {"color", CHECK_COLOR},            {"footer-offset", CHECK_LENGTH},
    {"header-offset", CHECK_LENGTH},   {"height", CHECK_LENGTH},
    {"indent", CHECK_LENGTH},          {"margin-bottom", CHECK_LENGTH},
    {"margin-left", CHECK_LENGTH},     {"margin-right", CHECK_LENGTH},
    {"margin-top", CHECK_LENGTH},      {"outline", CHECK_TEXT},
    {"padding", CHECK_LENGTH},         {"select", CHECK_XPATH},
    {"space-after", CHECK_LENGTH},     {"space-before", CHECK_LENGTH},
    {"style", CHECK_STYLE},            {"test", CHECK_XPATH},
    {"thickness", CHECK_LENGTH},       {"width", CHECK_WIDTH},
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
        terr(t, r, NULL, "the cells of this %s span %zu columns, the table has %zu",
             (const char *)r->name, span, ncol);
}

/* Parses and compiles everything in element n and below, reporting each
 * error once. */
static void check_tree(tpl *t, const xmlNode *n, bool fields)
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
        switch (c->kind) {
        case CHECK_LENGTH:
            length_attr(t, n, name, &f, true);
            break;
        case CHECK_WIDTH:
            if (!is_el(n, "column"))
                length_attr(t, n, name, &f, true);
            else if (!parse_column_width(attr(n, name), &col))
                terr(t, n, name,
                     "bad column width '%s' (expected a length like 20mm, or a "
                     "share like 2*)", attr(n, name));
            break;
        case CHECK_COLOR:
            color_attr(t, n, name, &rgb, true);
            break;
        case CHECK_STYLE:
            style_attr(t, n, name, true);
            break;
        case CHECK_XPATH:
            get_xpath(t, n, name);
            break;
        case CHECK_TEXT:
            get_program(t, attr(n, name), n, name, false);
            break;
        }
    }
    if (is_el(n, "row") || is_el(n, "header"))
        check_row_width(t, n);
    if (is_el(n, "image") && !attr(n, "href") && !attr(n, "select"))
        terr(t, n, NULL, "<image> needs href, select or both");
    if (is_el(n, "table") && attr(n, "carry-column")) {
        size_t ncol = 0;
        for (const xmlNode *c = n->children; c; c = c->next)
            ncol += is_el(c, "column");
        if ((size_t)atoi(attr(n, "carry-column")) > ncol)
            terr(t, n, "carry-column", "carry-column %s is beyond the table's %zu columns",
                 attr(n, "carry-column"), ncol);
    }
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            bool p_fields = fields && !is_el(n, "watermark") && n->parent &&
                            !is_el(n->parent, "metadata");
            get_program(t, (const char *)c->content, n, NULL, p_fields);
        } else if (c->type == XML_ELEMENT_NODE) {
            check_tree(t, c, fields);
        }
    }
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
    length_attr(t, page, "width", w, true);
    length_attr(t, page, "height", h, true);
    static const char *const names[4] = {"margin-top", "margin-right",
                                         "margin-bottom", "margin-left"};
    for (int i = 0; i < 4; i++)
        length_attr(t, page, names[i], &m[i], true);
    if (m[0] + m[2] >= *h - 72 || m[1] + m[3] >= *w - 72)
        terr(t, page, NULL, "the margins leave less than an inch for the text");
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
            length_attr(t, m, names[i], &mg[i], false);
        length_attr(t, m, "header-offset", &out->header_offset, false);
        length_attr(t, m, "footer-offset", &out->footer_offset, false);
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
            out->header = bv_done(&v);
        else
            out->footer = bv_done(&v);
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
    return interp_string(t, (const char *)c->children->content, c, NULL, t->root);
}

static void build_metadata(tpl *t, const xmlNode *meta)
{
    qs_metadata *m = &t->doc->meta;
    m->title = meta_text(t, meta, "title");
    m->author = meta_text(t, meta, "author");
    m->subject = meta_text(t, meta, "subject");
    m->keywords = meta_text(t, meta, "keywords");
    m->creator = "quotesmith " QS_VERSION;
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
        if (!is_el(c, "watermark") || lang_skips(t, c) || !eval_test(t, c, t->root))
            continue;
        const char *text = c->children && c->children->content
                               ? (const char *)c->children->content
                               : "";
        const style *s = style_attr(t, c, "style", false);
        if (!s)
            s = t->heading_style;
        t->doc->watermark = interp_string(t, text, c, NULL, t->root);
        t->doc->watermark_font = face_of(t, s->family, s->bold, s->italic);
        check_glyphs(t, t->doc->watermark_font, t->doc->watermark, c, NULL);
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
    for (size_t i = 0; i < t->programs.cap; i++) {
        program *p = t->programs.slots[i].value;
        for (size_t k = 0; p && k < p->count; k++)
            free_expr(p->parts[k].ex);
    }
    for (size_t i = 0; i < t->xpaths.cap; i++)
        free_expr(t->xpaths.slots[i].value);
    free(t->programs.slots);
    free(t->xpaths.slots);
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
    load_fonts(&t, qs_xml_child(troot, "fonts"));
    index_strings(&t, qs_xml_child(troot, "strings"));
    load_styles(&t, qs_xml_child(troot, "styles"));
    float w, h, margins[4];
    page_size(&t, qs_xml_child(troot, "page"), &w, &h, margins);
    check_tree(&t, troot, false);
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
    doc->flow = bv_done(&flow);

    bool ok = !t.failed;
    teardown(&t);
    return ok;
}
