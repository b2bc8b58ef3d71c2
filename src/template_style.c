/* template_style: the template's declared look: lengths, colours,
 * alignments and column widths read from attributes, and the named styles
 * (<styles>) resolved through their base styles. */
#include "template_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_STYLE_DEPTH 32

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

bool qs_tpl_parse_align(const char *s, qs_align *out)
{
    static const struct {
        const char *name;
        qs_align align;
    } aligns[] = {{"left", QS_ALIGN_LEFT}, {"right", QS_ALIGN_RIGHT},
                  {"center", QS_ALIGN_CENTER}, {"justify", QS_ALIGN_JUSTIFY},
                  {"decimal", QS_ALIGN_DECIMAL}};
    for (size_t i = 0; s && i < sizeof aligns / sizeof aligns[0]; i++)
        if (strcmp(s, aligns[i].name) == 0) {
            *out = aligns[i].align;
            return true;
        }
    return false;
}

/* Reads a length attribute; a bad value is reported when `report`. */
bool qs_tpl_length_attr(tpl *t, const xmlNode *n, const char *name, float *out,
                        bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return false;
    if (parse_length(v, out))
        return true;
    if (report)
        qs_tpl_error(t, n, name,
             "bad length '%s' for %s (expected a number and a unit mm, cm, pt "
             "or in, like 12mm)", v, name);
    return false;
}

bool qs_tpl_color_attr(tpl *t, const xmlNode *n, const char *name, qs_rgb *out,
                       bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return false;
    if (parse_color(v, out))
        return true;
    if (report)
        qs_tpl_error(t, n, name, "bad colour '%s' for %s (expected #rrggbb, like #1F4E79)",
             v, name);
    return false;
}

/* A border: "none", or a length and an optional colour ("0.5pt",
 * "1pt #1F4E79"); the colour defaults to black. */
static bool parse_border(const char *s, qs_border *out)
{
    *out = (qs_border){0, {0, 0, 0}};
    if (strcmp(s, "none") == 0)
        return true;
    char len[32];
    const char *sp = strchr(s, ' ');
    size_t n = sp ? (size_t)(sp - s) : strlen(s);
    if (n == 0 || n >= sizeof len)
        return false;
    memcpy(len, s, n);
    len[n] = '\0';
    if (!parse_length(len, &out->width) || out->width <= 0 || out->width > 72)
        return false;
    return !sp || parse_color(sp + 1, &out->color);
}

bool qs_tpl_border_attr(tpl *t, const xmlNode *n, const char *name, qs_border *out,
                        bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return false;
    if (parse_border(v, out))
        return true;
    if (report)
        qs_tpl_error(t, n, name, "bad border '%s' for %s (expected none, or a width and "
                     "a colour, like 0.5pt #999999)", v, name);
    return false;
}

bool qs_tpl_palette_attr(tpl *t, const xmlNode *n, qs_rgb out[3], bool report)
{
    const char *v = attr(n, "palette");
    if (!v)
        return false;
    char color[8];
    int count = 0;
    bool ok = true;
    for (const char *p = v; *p && ok;) {
        size_t len = strcspn(p, " ");
        ok = len == 7 && count < 3;
        if (ok) {
            memcpy(color, p, 7);
            color[7] = '\0';
            ok = parse_color(color, &out[count++]);
        }
        p += len;
        p += strspn(p, " ");
    }
    if (!ok && report)
        qs_tpl_error(t, n, "palette", "bad palette '%.80s' (expected up to three colours "
                     "#rrggbb separated by spaces: value, target, axis)", v);
    return ok;
}

bool qs_tpl_bool_attr(const xmlNode *n, const char *name, bool dflt)
{
    const char *v = attr(n, name);
    return v ? strcmp(v, "true") == 0 : dflt;
}

/* A column width: a length, or "N*" / "*" for a share of the rest. */
bool qs_tpl_parse_column_width(const char *s, qs_column *out)
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
const style *qs_tpl_style_attr(tpl *t, const xmlNode *n, const char *name,
                               bool report)
{
    const char *v = attr(n, name);
    if (!v)
        return NULL;
    const style *s = find_style(t, v);
    if (!s && report)
        qs_tpl_error(t, n, name, "unknown style '%s'", v);
    return s;
}

static void resolve_style(tpl *t, style *s, int depth)
{
    if (s->state == 2)
        return;
    if (s->state == 1 || depth > MAX_STYLE_DEPTH) {
        qs_tpl_error(t, s->node, "parent", "style '%s' inherits from itself", s->name);
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
            qs_tpl_error(t, n, "parent", "unknown parent style '%s'", parent);
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
            qs_tpl_error(t, n, "font", "unknown font '%s' (declare it in <fonts>)", v);
        else
            s->family = f;
    }
    s->bold = qs_tpl_bool_attr(n, "bold", s->bold);
    s->italic = qs_tpl_bool_attr(n, "italic", s->italic);
    if ((v = attr(n, "size"))) {
        float size;
        const char *end;
        if (parse_number(v, &size, &end) && (*end == '\0' || strcmp(end, "pt") == 0) &&
            size >= 1 && size <= 500)
            s->size = size;
        else
            qs_tpl_error(t, n, "size", "bad font size '%s' (expected points, like 9.5 or 9.5pt)", v);
    }
    qs_tpl_color_attr(t, n, "color", &s->color, true);
    if ((v = attr(n, "align")))
        qs_tpl_parse_align(v, &s->align);
    if ((v = attr(n, "leading"))) {
        float leading;
        const char *end;
        if (parse_number(v, &leading, &end) && *end == '\0' && leading >= 0.5f &&
            leading <= 5)
            s->leading = leading;
        else
            qs_tpl_error(t, n, "leading",
                 "bad leading '%s' (expected a multiple of the font size, like 1.3)", v);
    }
    qs_tpl_length_attr(t, n, "space-before", &s->space_before, true);
    qs_tpl_length_attr(t, n, "space-after", &s->space_after, true);
    qs_tpl_length_attr(t, n, "indent", &s->indent, true);
}

void qs_tpl_load_styles(tpl *t, const xmlNode *styles)
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
