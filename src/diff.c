/* diff: reads two UBL 2.1 Quotations (through input.c, schema-validated),
 * matches their lines by seller's item id and prints what changed: a text
 * table, or JSON written with jansson (docs/lifecycle.md). */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "arena.h"
#include "decimal.h"
#include "date.h"
#include "values.h"

/* A quantity or amount: absent, or an exact decimal as written. */
typedef struct {
    bool present;
    qs_decimal value;
    int places;          /* fractional digits written (trailing zeros past
                            the fourth dropped), 0 to 4 */
    const char *unit;    /* currencyID or unitCode, or NULL */
} figure;

typedef struct line {
    const char *sku;     /* cac:Item/cac:SellersItemIdentification/cbc:ID */
    const char *pos;     /* cac:LineItem/cbc:ID */
    const char *name;    /* cac:Item/cbc:Name */
    figure quantity, price, net;
    size_t seq;          /* index in its document */
    struct line *match;  /* the line it is matched with in the other file */
} line;

typedef struct {
    const char *path;
    const char *id;
    const char *issued;
    const char *valid_until;   /* cac:ValidityPeriod/cbc:EndDate */
    figure net;                /* QuotedMonetaryTotal/LineExtensionAmount */
    figure gross;              /* TaxInclusiveAmount, else PayableAmount */
    line *lines;
    size_t nlines;
} quotation;

/* The fields of a line that diff compares, in report order. */
typedef enum { FIELD_QUANTITY, FIELD_PRICE, FIELD_NET, NFIELDS } field;
static const char *const field_names[NFIELDS] = {"quantity", "price", "net"};

static const figure *field_of(const line *l, field f)
{
    return f == FIELD_QUANTITY ? &l->quantity : f == FIELD_PRICE ? &l->price : &l->net;
}

/* ---- reading ---- */

/* The element's text, white space collapsed, in the arena; NULL for no
 * element or an empty one. */
static const char *text_of(qs_arena *a, const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *content = xmlNodeGetContent(n);
    char *s = qs_arena_strdup(a, content ? (const char *)content : "");
    xmlFree(content);
    qs_xml_collapse_space(s);
    return s[0] ? s : NULL;
}

/* The element at the child path `a/b/c` below `n`, or NULL. */
static const xmlNode *descend(const xmlNode *n, const char *path)
{
    char name[64];
    while (n && *path) {
        size_t len = strcspn(path, "/");
        snprintf(name, sizeof name, "%.*s", (int)len, path);
        n = qs_xml_child(n, name);
        path += len + (path[len] == '/');
    }
    return n;
}

/* Reads an xsd:decimal ("-1.50", "+.5", "2.") into *f: the sign, then
 * decimal.h's grammar. More than 4 significant decimals, or more than
 * decimal.h holds, is a [bad-number] error at the element. */
static bool read_figure(const qs_input *src, const xmlNode *node, const char *unit_attr,
                        qs_arena *a, figure *f, qs_diags *d)
{
    memset(f, 0, sizeof *f);
    const char *text = text_of(a, node);
    if (!text)
        return true;
    bool negative = text[0] == '-';
    const char *unsigned_text = text + (text[0] == '-' || text[0] == '+');
    char *digits = qs_arena_printf(a, "%s%s", unsigned_text[0] == '.' ? "0" : "",
                                   unsigned_text);
    size_t len = strlen(digits);
    if (len > 1 && digits[len - 1] == '.')
        digits[--len] = '\0';
    const char *dot = strchr(digits, '.');
    while (dot && len - (size_t)(dot - digits) - 1 > QS_DECIMAL_DIGITS &&
           digits[len - 1] == '0')
        digits[--len] = '\0';
    if (!qs_value_decimal(src, node, NULL, digits, -1, false, &f->value, d))
        return false;
    f->present = true;
    f->places = dot ? (int)(len - (size_t)(dot - digits) - 1) : 0;
    f->value = negative ? -f->value : f->value;
    xmlChar *unit = xmlGetNoNsProp(node, (const xmlChar *)unit_attr);
    if (unit)
        f->unit = qs_xml_collapse_space(qs_arena_strdup(a, (const char *)unit));
    xmlFree(unit);
    return true;
}

static bool read_line(const qs_input *src, const xmlNode *quotation_line, qs_arena *a,
                      line *l, qs_diags *d)
{
    const xmlNode *item = qs_xml_child(quotation_line, "LineItem");
    l->pos = text_of(a, qs_xml_child(item, "ID"));
    l->name = text_of(a, descend(item, "Item/Name"));
    l->sku = text_of(a, descend(item, "Item/SellersItemIdentification/ID"));
    bool ok = read_figure(src, qs_xml_child(item, "Quantity"), "unitCode", a,
                          &l->quantity, d);
    ok = read_figure(src, descend(item, "Price/PriceAmount"), "currencyID", a,
                     &l->price, d) && ok;
    ok = read_figure(src, qs_xml_child(item, "LineExtensionAmount"), "currencyID", a,
                     &l->net, d) && ok;
    return ok;
}

/* Loads, validates and reads one quotation; false after diagnostics. */
static bool read_quotation(qs_inputs *in, const char *path, qs_arena *a, quotation *q,
                           qs_diags *d)
{
    const qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_UBL_QUOTATION, NULL, d);
    if (!src)
        return false;
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    q->path = src->path;
    q->id = text_of(a, qs_xml_child(root, "ID"));
    q->issued = text_of(a, qs_xml_child(root, "IssueDate"));
    q->valid_until = text_of(a, descend(root, "ValidityPeriod/EndDate"));
    const xmlNode *total = qs_xml_child(root, "QuotedMonetaryTotal");
    const xmlNode *gross = qs_xml_child(total, "TaxInclusiveAmount");
    bool ok = read_figure(src, qs_xml_child(total, "LineExtensionAmount"), "currencyID",
                          a, &q->net, d);
    ok = read_figure(src, gross ? gross : qs_xml_child(total, "PayableAmount"),
                     "currencyID", a, &q->gross, d) && ok;
    for (const xmlNode *c = root->children; c; c = c->next)
        q->nlines += qs_xml_is(c, "QuotationLine");
    q->lines = qs_arena_array(a, q->nlines ? q->nlines : 1, sizeof *q->lines);
    size_t i = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!qs_xml_is(c, "QuotationLine"))
            continue;
        q->lines[i].seq = i;
        ok = read_line(src, c, a, &q->lines[i++], d) && ok;
    }
    return ok;
}

/* ---- matching ---- */

/* Lines with a seller's item id match by it, the others by position;
 * the two kinds never match each other. */
static int compare_keys(const line *x, const line *y)
{
    if ((x->sku != NULL) != (y->sku != NULL))
        return x->sku ? 1 : -1;
    const char *kx = x->sku ? x->sku : x->pos ? x->pos : "";
    const char *ky = y->sku ? y->sku : y->pos ? y->pos : "";
    return strcmp(kx, ky);
}

static int compare_lines(const void *a, const void *b)
{
    const line *x = *(line *const *)a, *y = *(line *const *)b;
    int c = compare_keys(x, y);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static line **sorted_lines(const quotation *q)
{
    line **v = qs_xcalloc(q->nlines ? q->nlines : 1, sizeof *v);
    for (size_t i = 0; i < q->nlines; i++)
        v[i] = &q->lines[i];
    qsort(v, q->nlines, sizeof *v, compare_lines);
    return v;
}

/* Pairs the k-th line of a key in the old file with the k-th line of that
 * key in the new one: both sorted by (key, order), then merged. */
static void match_lines(const quotation *old, const quotation *new)
{
    line **o = sorted_lines(old), **n = sorted_lines(new);
    size_t i = 0, j = 0;
    while (i < old->nlines && j < new->nlines) {
        int c = compare_keys(o[i], n[j]);
        if (c == 0) {
            o[i]->match = n[j];
            n[j]->match = o[i];
        }
        i += c <= 0;
        j += c >= 0;
    }
    free(o);
    free(n);
}

/* ---- comparing ---- */

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_figure(const figure *a, const figure *b)
{
    if (!a->present || !b->present)
        return a->present == b->present;
    return a->value == b->value && same_text(a->unit, b->unit);
}

/* new - old, when both are there in one unit and the difference fits. */
static bool figure_delta(const figure *old, const figure *new, figure *delta)
{
    memset(delta, 0, sizeof *delta);
    if (!old->present || !new->present || !same_text(old->unit, new->unit) ||
        !qs_decimal_sub(new->value, old->value, &delta->value))
        return false;
    delta->present = true;
    delta->places = old->places > new->places ? old->places : new->places;
    delta->unit = new->unit;
    return true;
}

/* The days from the old validity end to the new one (an xsd:date; a
 * time zone after the day is ignored). */
static bool validity_delta(const quotation *old, const quotation *new, long *days)
{
    char a[11], b[11];
    long da, db;
    if (!old->valid_until || !new->valid_until)
        return false;
    snprintf(a, sizeof a, "%s", old->valid_until);
    snprintf(b, sizeof b, "%s", new->valid_until);
    if (!qs_date_days(a, &da) || !qs_date_days(b, &db))
        return false;
    *days = db - da;
    return true;
}

static bool line_changed(const line *l)
{
    for (field f = 0; f < NFIELDS; f++)
        if (!same_figure(field_of(l->match, f), field_of(l, f)))
            return true;
    return false;
}

typedef struct {
    size_t added, removed, changed;   /* lines */
    bool totals, validity;            /* differ */
} tally;

static tally count_changes(const quotation *old, const quotation *new)
{
    tally t = {0};
    for (size_t i = 0; i < old->nlines; i++)
        t.removed += !old->lines[i].match;
    for (size_t i = 0; i < new->nlines; i++) {
        t.added += !new->lines[i].match;
        t.changed += new->lines[i].match && line_changed(&new->lines[i]);
    }
    t.totals = !same_figure(&old->net, &new->net) || !same_figure(&old->gross, &new->gross);
    t.validity = !same_text(old->valid_until, new->valid_until);
    return t;
}

/* ---- text ---- */

/* `s` for a table cell: C1 controls and DEL dropped (the XML parser
 * refuses the others; white space is collapsed already), at most 32
 * characters, "…" marking a cut. In the arena. */
static const char *shown(qs_arena *a, const char *s)
{
    enum { MAX_CHARS = 32 };
    if (!s)
        return "-";
    char *out = qs_arena_alloc(a, strlen(s) + 4);
    size_t n = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
        if (c1 || *p == 0x7F) {
            p += c1;
            continue;
        }
        if ((*p & 0xC0) != 0x80 && ++chars > MAX_CHARS) {
            memcpy(out + n, "\xE2\x80\xA6", 3);
            n += 3;
            break;
        }
        out[n++] = (char)*p;
    }
    out[n] = '\0';
    return out;
}

static const char *figure_text(qs_arena *a, const figure *f, bool unit)
{
    char buf[QS_DECIMAL_BUFSIZE];
    if (!f->present)
        return "-";
    qs_decimal_format(f->value, f->places, buf);
    if (unit && f->unit)
        return qs_arena_printf(a, "%s %s", buf, shown(a, f->unit));
    return qs_arena_strdup(a, buf);
}

/* "12", or "12 -> 10" when it changed (with units when they differ). */
static const char *change_text(qs_arena *a, const figure *old, const figure *new)
{
    if (same_figure(old, new))
        return figure_text(a, new, false);
    bool units = !same_text(old->unit, new->unit);
    return qs_arena_printf(a, "%s -> %s", figure_text(a, old, units),
                           figure_text(a, new, units));
}

enum { NCOLS = 7 };

typedef struct {
    const char *cells[NCOLS];
} row;

typedef struct {
    row *rows;
    size_t n, cap;
} table;

static void table_add(table *t, const char *const cells[NCOLS])
{
    t->rows = qs_xgrow(t->rows, &t->cap, t->n + 1, sizeof *t->rows);
    memcpy(t->rows[t->n++].cells, cells, sizeof t->rows->cells);
}

/* Characters, not bytes, for the column widths. */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

/* Columns two spaces apart; those flagged in `right` right-aligned. */
static void table_print(const table *t, const bool right[NCOLS], qs_buf *out)
{
    size_t widths[NCOLS] = {0};
    for (size_t r = 0; r < t->n; r++)
        for (size_t c = 0; c < NCOLS && t->rows[r].cells[c]; c++)
            if (width_of(t->rows[r].cells[c]) > widths[c])
                widths[c] = width_of(t->rows[r].cells[c]);
    for (size_t r = 0; r < t->n; r++) {
        const char *const *cells = t->rows[r].cells;
        for (size_t c = 0; c < NCOLS && cells[c]; c++) {
            size_t pad = widths[c] - width_of(cells[c]);
            bool last = c + 1 == NCOLS || !cells[c + 1];
            qs_buf_puts(out, c ? "  " : "");
            qs_buf_printf(out, "%*s%s%*s", right[c] ? (int)pad : 0, "", cells[c],
                          right[c] || last ? 0 : (int)pad, "");
        }
        qs_buf_puts(out, "\n");
    }
}

static const char *pos_text(qs_arena *a, const line *l)
{
    if (!l->match || same_text(l->match->pos, l->pos))
        return shown(a, l->pos);
    return qs_arena_printf(a, "%s -> %s", shown(a, l->match->pos), shown(a, l->pos));
}

static void add_line_row(table *t, qs_arena *a, const char *change, const line *l)
{
    const line *o = l->match ? l->match : l;
    const char *cells[NCOLS] = {
        change, pos_text(a, l), shown(a, l->sku), shown(a, l->name),
        change_text(a, &o->quantity, &l->quantity), change_text(a, &o->price, &l->price),
        change_text(a, &o->net, &l->net),
    };
    table_add(t, cells);
}

static void lines_text(const quotation *old, const quotation *new, qs_arena *a,
                       qs_buf *out)
{
    static const bool right[NCOLS] = {false, false, false, false, true, true, true};
    table t = {0};
    const char *head[NCOLS] = {"", "pos", "item", "name", "quantity", "price", "net"};
    table_add(&t, head);
    for (size_t i = 0; i < old->nlines; i++)
        if (!old->lines[i].match)
            add_line_row(&t, a, "removed", &old->lines[i]);
    for (size_t i = 0; i < new->nlines; i++)
        if (!new->lines[i].match)
            add_line_row(&t, a, "added", &new->lines[i]);
    for (size_t i = 0; i < new->nlines; i++)
        if (new->lines[i].match && line_changed(&new->lines[i]))
            add_line_row(&t, a, "changed", &new->lines[i]);
    if (t.n > 1)
        table_print(&t, right, out);
    else
        qs_buf_puts(out, "lines: no change\n");
    free(t.rows);
}

static void totals_text(const quotation *old, const quotation *new, qs_arena *a,
                        qs_buf *out)
{
    static const bool right[NCOLS] = {false, true, true, true};
    table t = {0};
    const char *head[NCOLS] = {"", "old", "new", "delta"};
    table_add(&t, head);
    const figure *olds[] = {&old->net, &old->gross}, *news[] = {&new->net, &new->gross};
    const char *names[] = {"net", "gross"};
    for (size_t i = 0; i < 2; i++) {
        figure delta;
        bool has = figure_delta(olds[i], news[i], &delta);
        const char *sign = has && delta.value > 0 ? "+" : "";
        const char *cells[NCOLS] = {
            names[i], figure_text(a, olds[i], true), figure_text(a, news[i], true),
            has ? qs_arena_printf(a, "%s%s", sign, figure_text(a, &delta, true)) : "-",
        };
        table_add(&t, cells);
    }
    long days;
    bool has_days = validity_delta(old, new, &days);
    const char *cells[NCOLS] = {
        "valid until", shown(a, old->valid_until), shown(a, new->valid_until),
        has_days ? qs_arena_printf(a, "%+ld day%s", days, days == 1 || days == -1 ? "" : "s")
                 : "-",
    };
    table_add(&t, cells);
    table_print(&t, right, out);
    free(t.rows);
}

static void write_text(const quotation *old, const quotation *new, const tally *t,
                       qs_arena *a, qs_buf *out)
{
    qs_buf_printf(out, "old: %s (%s of %s)\n", shown(a, old->path), shown(a, old->id),
                  shown(a, old->issued));
    qs_buf_printf(out, "new: %s (%s of %s)\n\n", shown(a, new->path), shown(a, new->id),
                  shown(a, new->issued));
    lines_text(old, new, a, out);
    qs_buf_puts(out, "\n");
    totals_text(old, new, a, out);
    if (!t->added && !t->removed && !t->changed && !t->totals && !t->validity)
        qs_buf_puts(out, "\nno differences\n");
    else
        qs_buf_printf(out, "\n%zu added, %zu removed, %zu changed line%s%s%s\n", t->added,
                      t->removed, t->changed, t->changed == 1 ? "" : "s",
                      t->totals ? "; totals differ" : "",
                      t->validity ? "; validity differs" : "");
}

/* ---- JSON ---- */

static json_t *json_text(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

static json_t *json_figure(const figure *f)
{
    char buf[QS_DECIMAL_BUFSIZE];
    return f->present ? json_string(qs_decimal_format(f->value, f->places, buf))
                      : json_null();
}

/* {"sku", "pos", "name", "quantity", "price", "net"} of an added or
 * removed line. */
static json_t *json_line(const line *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "sku", json_text(l->sku));
    json_object_set_new(o, "pos", json_text(l->pos));
    json_object_set_new(o, "name", json_text(l->name));
    for (field f = 0; f < NFIELDS; f++)
        json_object_set_new(o, field_names[f], json_figure(field_of(l, f)));
    return o;
}

static json_t *json_before_after(json_t *old, json_t *new, json_t *delta)
{
    json_t *o = json_object();
    json_object_set_new(o, "old", old);
    json_object_set_new(o, "new", new);
    json_object_set_new(o, "delta", delta);
    return o;
}

static json_t *json_totals(const quotation *old, const quotation *new)
{
    json_t *o = json_object();
    figure delta;
    figure_delta(&old->net, &new->net, &delta);
    json_object_set_new(o, "net", json_before_after(json_figure(&old->net),
                                                    json_figure(&new->net),
                                                    json_figure(&delta)));
    figure_delta(&old->gross, &new->gross, &delta);
    json_object_set_new(o, "gross", json_before_after(json_figure(&old->gross),
                                                      json_figure(&new->gross),
                                                      json_figure(&delta)));
    return o;
}

static json_t *json_changed(const quotation *new)
{
    json_t *changed = json_array();
    for (size_t i = 0; i < new->nlines; i++) {
        const line *l = &new->lines[i];
        for (field f = 0; l->match && f < NFIELDS; f++) {
            if (same_figure(field_of(l->match, f), field_of(l, f)))
                continue;
            json_t *o = json_object();
            json_object_set_new(o, "sku", json_text(l->sku));
            json_object_set_new(o, "pos", json_text(l->pos));
            json_object_set_new(o, "field", json_string(field_names[f]));
            json_object_set_new(o, "old", json_figure(field_of(l->match, f)));
            json_object_set_new(o, "new", json_figure(field_of(l, f)));
            json_array_append_new(changed, o);
        }
    }
    return changed;
}

/* The JSON core of SPEC 9, plus each line's pos and name, the currency
 * and the validity; false when jansson runs out of memory. */
static bool write_json(const quotation *old, const quotation *new, qs_buf *out)
{
    json_t *root = json_object(), *added = json_array(), *removed = json_array();
    for (size_t i = 0; i < new->nlines; i++)
        if (!new->lines[i].match)
            json_array_append_new(added, json_line(&new->lines[i]));
    for (size_t i = 0; i < old->nlines; i++)
        if (!old->lines[i].match)
            json_array_append_new(removed, json_line(&old->lines[i]));
    json_object_set_new(root, "added", added);
    json_object_set_new(root, "removed", removed);
    json_object_set_new(root, "changed", json_changed(new));
    json_object_set_new(root, "totals", json_totals(old, new));
    json_object_set_new(root, "currency",
                        json_text(new->gross.unit ? new->gross.unit : new->net.unit));
    long days;
    bool has_days = validity_delta(old, new, &days);
    json_object_set_new(root, "validity",
                        json_before_after(json_text(old->valid_until),
                                          json_text(new->valid_until),
                                          has_days ? json_integer(days) : json_null()));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return false;
    qs_buf_puts(out, text);
    qs_buf_puts(out, "\n");
    free(text);
    return true;
}

qs_diff_result qs_diff_files(qs_inputs *in, const char *old_path, const char *new_path,
                             bool json, qs_buf *out, qs_diags *d)
{
    qs_arena a;
    qs_arena_init(&a);
    quotation old = {0}, new = {0};
    bool ok = read_quotation(in, old_path, &a, &old, d);
    ok = read_quotation(in, new_path, &a, &new, d) && ok;
    qs_diff_result result = QS_DIFF_FAILED;
    if (ok) {
        match_lines(&old, &new);
        tally t = count_changes(&old, &new);
        result = t.added || t.removed || t.changed || t.totals || t.validity
                     ? QS_DIFF_DIFFERENT : QS_DIFF_EQUAL;
        if (!json)
            write_text(&old, &new, &t, &a, out);
        else if (!write_json(&old, &new, out)) {
            qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "internal", "out of memory for JSON");
            qs_diags_set_internal_failed(d);
            result = QS_DIFF_FAILED;
        }
    }
    qs_arena_free(&a);
    return result;
}
