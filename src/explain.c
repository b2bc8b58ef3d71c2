/* explain: the price waterfall of each line (list price -> tier or bands ->
 * line discount -> net, tax) and of the totals (net per rate -> quote
 * discount -> base -> tax -> gross), every step naming the file:line it came
 * from. Text for people, JSON for tools. Figures come from price.c and the
 * priced tree; nothing is computed twice. */
#include "explain.h"

#include <string.h>

#include "json.h"
#include "price.h"

typedef struct {
    FILE *out;
    json_t *steps;   /* JSON: the array the next step goes into; NULL for text */
} printer;

static size_t utf8_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void pad(FILE *out, const char *s, size_t width)
{
    fputs(s, out);
    for (size_t n = utf8_width(s); n < width; n++)
        fputc(' ', out);
}

static bool is_figure(const char *s)
{
    qs_decimal v;
    return qs_decimal_parse(s[0] == '-' ? s + 1 : s, &v) == QS_DEC_OK;
}

/* One step: a label, a value, and where it came from (may be NULL).
 * Figures are right-aligned so that columns of money line up. */
static void step(printer *p, const char *label, const char *value, const char *src)
{
    if (p->steps) {
        json_t *o = json_object();
        qs_json_set(o, "step", qs_json_string(label));
        qs_json_set(o, "value", qs_json_string(value));
        if (src)
            qs_json_set(o, "src", qs_json_string(src));
        qs_json_append(p->steps, o);
        return;
    }
    fputs("  ", p->out);
    pad(p->out, label, 22);
    if (!src)
        fprintf(p->out, is_figure(value) ? "%14s\n" : "%s\n", value);
    else if (is_figure(value))
        fprintf(p->out, "%14s%26s  %s\n", value, "", src);
    else {
        pad(p->out, value, 40);
        fprintf(p->out, "  %s\n", src);
    }
}

/* A decimal with trailing fractional zeros dropped, but at least `places`
 * fractional digits: 9.0000 -> "9", 374.5 at 2 -> "374.50". */
static const char *trimmed(qs_decimal v, int places, char buf[QS_DECIMAL_BUFSIZE])
{
    qs_decimal_format(v, 4, buf);
    char *dot = strchr(buf, '.');
    char *end = buf + strlen(buf);
    while (end > dot + 1 + places && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
    return buf;
}

static const char *where(char *buf, size_t n, const qs_input *src, const xmlNode *node)
{
    snprintf(buf, n, "%s:%ld", src->path, xmlGetLineNo(node));
    return buf;
}

static char *prop(const xmlNode *node, const char *name)
{
    return (char *)xmlGetProp(node, (const xmlChar *)name);
}

/* `lines` is the JSON array the line goes into, NULL for text. */
static bool explain_line(qs_quote *q, const qs_line *l, printer *p, json_t *lines,
                         qs_diags *d)
{
    qs_line_price lp;
    if (!qs_price_line(q, l, &lp, d))
        return false;
    char v[256], s[1024], a[QS_DECIMAL_BUFSIZE], b[QS_DECIMAL_BUFSIZE];
    char *sku = prop(l->line, "sku"), *unit = prop(l->line, "unit");
    char *net = prop(l->line, "net"), *src = prop(l->line, "src");
    xmlChar *name = xmlNodeGetContent(l->line->children);

    if (lines) {
        json_t *o = json_object();
        qs_json_set(o, "pos", qs_json_integer(l->pos));
        qs_json_set(o, "sku", qs_json_string(sku));
        qs_json_set(o, "src", qs_json_string(src));
        p->steps = json_array();
        qs_json_set(o, "steps", p->steps);
        qs_json_append(lines, o);
    } else {
        fprintf(p->out, "Pos %u  %s  %s%s\n", l->pos, sku, (const char *)name,
                l->optional ? "  (optional, not in the totals)" : "");
        fprintf(p->out, "  %s\n", src);
    }

    const qs_product *pr = l->product;
    if (pr) {
        snprintf(v, sizeof v, "%s per %s", pr->price_text, unit);
        step(p, "list price", v, where(s, sizeof s, pr->list->src, pr->price_node));
    } else {
        snprintf(v, sizeof v, "%s per %s (custom line)", l->custom_price_text, unit);
        step(p, "custom price", v, where(s, sizeof s, l->src, l->item));
    }
    int m = q->minor_digits;
    if (lp.graduated) {
        qs_decimal units, price;
        for (size_t i = 0; qs_price_band(pr, i, l->qty, &units, &price); i++) {
            if (units == 0)
                continue;
            char c[QS_DECIMAL_BUFSIZE], label[64];
            qs_wide band = (qs_wide)units * price / QS_DECIMAL_SCALE;
            snprintf(v, sizeof v, "%s x %s = %s", trimmed(units, 0, a),
                     trimmed(price, m, b), trimmed((qs_decimal)band, m, c));
            const xmlNode *node = i == 0 ? pr->price_node : pr->tiers[i - 1].node;
            if (i == 0)
                snprintf(label, sizeof label, "band (list price)");
            else
                snprintf(label, sizeof label, "band from %s",
                         trimmed(pr->tiers[i - 1].min_qty, 0, c));
            step(p, label, v, where(s, sizeof s, pr->list->src, node));
        }
        snprintf(v, sizeof v, "sum of bands = %s",
                 trimmed((qs_decimal)(lp.amount / QS_DECIMAL_SCALE), m, a));
        step(p, "amount", v, NULL);
        snprintf(v, sizeof v, "%s (amount / %s, rounded)", lp.unit_price_text, l->qty_text);
        step(p, "unit price", v, NULL);
    } else {
        if (lp.tier) {
            xmlChar *min = xmlGetProp(lp.tier->node, (const xmlChar *)"min-qty");
            snprintf(v, sizeof v, "min-qty %s: %s", (const char *)min, lp.tier->price_text);
            xmlFree(min);
            step(p, "tier reached", v, where(s, sizeof s, pr->list->src, lp.tier->node));
        }
        snprintf(v, sizeof v, "%s x %s = %s", l->qty_text, lp.unit_price_text,
                 trimmed((qs_decimal)(lp.amount / QS_DECIMAL_SCALE), m, a));
        step(p, "amount", v, where(s, sizeof s, l->src, l->item));
    }
    if (l->has_discount) {
        snprintf(v, sizeof v, "%s %%%s%s%s", l->discount_text, l->reason ? " (" : "",
                 l->reason ? l->reason : "", l->reason ? ")" : "");
        step(p, "line discount", v, where(s, sizeof s, l->src, l->item));
    }
    step(p, "net", net, NULL);
    if (lp.has_margin) {
        snprintf(v, sizeof v, "%s %%", qs_decimal_format(lp.margin, 2, a));
        step(p, "margin", v, NULL);
    }
    snprintf(v, sizeof v, "%s %s %%", l->tax->id, l->tax->percent_text);
    step(p, "tax rate", v, where(s, sizeof s, l->tax->src, l->tax->node));
    if (q->has_discount && !l->optional) {
        snprintf(v, sizeof v, "%s %% on the total of its tax rate", q->discount_text);
        step(p, "quote discount", v, where(s, sizeof s, q->src, q->discount_node));
    }
    if (!lines)
        fputc('\n', p->out);
    xmlFree(sku);
    xmlFree(unit);
    xmlFree(net);
    xmlFree(src);
    xmlFree(name);
    return true;
}

/* Sum of net of the non-optional lines at one tax rate. */
static qs_decimal net_of_rate(const qs_quote *q, const qs_tax_rate *rate)
{
    qs_decimal sum = 0;
    for (size_t i = 0; i < q->nlines; i++) {
        const qs_line *l = &q->lines[i];
        char *net = prop(l->line, "net");
        qs_decimal v = 0;
        if (!l->optional && l->tax == rate && qs_decimal_parse(net, &v) == QS_DEC_OK)
            qs_decimal_add(sum, v, &sum);
        xmlFree(net);
    }
    return sum;
}

/* `doc` is the JSON object the totals go into, NULL for text. */
static void explain_totals(const qs_quote *q, printer *p, json_t *doc)
{
    const xmlNode *totals = xmlDocGetRootElement(q->tree)->last;
    char v[256], s[1024], a[QS_DECIMAL_BUFSIZE];
    if (doc) {
        p->steps = json_array();
        qs_json_set(doc, "totals", p->steps);
    } else {
        fprintf(p->out, "Totals (%s)\n", q->currency);
    }
    for (const xmlNode *t = totals->children; t; t = t->next) {
        char *id = prop(t, "id"), *pct = prop(t, "percent");
        snprintf(v, sizeof v, "net %s %s %%", id, pct);
        step(p, v, qs_decimal_format(net_of_rate(q, qs_quote_get_tax_rate(q, id)),
                                     q->minor_digits, a), NULL);
        xmlFree(id);
        xmlFree(pct);
    }
    char *net = prop(totals, "net"), *discount = prop(totals, "discount");
    char *taxable = prop(totals, "taxable"), *gross = prop(totals, "gross");
    step(p, "net", net, NULL);
    if (q->has_discount) {
        char minus[QS_DECIMAL_BUFSIZE + 1];
        snprintf(v, sizeof v, "quote discount %s %%", q->discount_text);
        snprintf(minus, sizeof minus, "-%s", discount);
        step(p, v, minus, where(s, sizeof s, q->src, q->discount_node));
    }
    for (const xmlNode *t = totals->children; t; t = t->next) {
        char *id = prop(t, "id"), *pct = prop(t, "percent");
        char *base = prop(t, "base"), *amount = prop(t, "amount");
        snprintf(v, sizeof v, "base %s", id);
        step(p, v, base, NULL);
        snprintf(v, sizeof v, "tax %s %s %%", id, pct);
        step(p, v, amount, NULL);
        xmlFree(id);
        xmlFree(pct);
        xmlFree(base);
        xmlFree(amount);
    }
    step(p, "taxable", taxable, NULL);
    step(p, "gross", gross, NULL);
    xmlFree(net);
    xmlFree(discount);
    xmlFree(taxable);
    xmlFree(gross);
}

bool qs_explain(qs_quote *q, const char *pos, bool json, FILE *out, qs_diags *d)
{
    printer p = {out, NULL};
    const qs_line *only = NULL;
    if (pos) {
        for (size_t i = 0; i < q->nlines; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%u", q->lines[i].pos);
            if (strcmp(buf, pos) == 0)
                only = &q->lines[i];
        }
        if (!only) {
            qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "usage",
                        "quote %s has no line at position '%s' (it has 1 to %zu)",
                        q->id, pos, q->nlines);
            return false;
        }
    }
    json_t *doc = NULL, *lines = NULL;
    if (json) {
        doc = json_object();
        qs_json_set(doc, "quote", qs_json_string(q->id));
        qs_json_set(doc, "currency", qs_json_string(q->currency));
        lines = json_array();
        qs_json_set(doc, "lines", lines);
    }
    bool ok = true;
    for (size_t i = 0; i < q->nlines; i++)
        if (!only || only == &q->lines[i])
            ok &= explain_line(q, &q->lines[i], &p, lines, d);
    if (!only)
        explain_totals(q, &p, doc);
    if (json) {
        qs_json_write(doc, out);
        json_decref(doc);
    }
    return ok;
}
