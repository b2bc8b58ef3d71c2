/* explain: the price waterfall of each line (list price -> tier or bands ->
 * amount -> line allowance -> net, tax category -> quote discount, tax and
 * gross) and of the totals (net per tax group -> allowance per group ->
 * base -> tax -> gross), every step naming the file:line it came from where
 * one exists. Text for people, JSON for tools. Figures are the ones pricing
 * wrote into the model (qs_line.price, q->totals); the one exception is a
 * line's share of its tax group's quote discount and tax (SPEC 2.2 computes
 * both per group, not per line), computed here, exactly, and marked
 * informative. */
#include "explain.h"

#include <string.h>

#include "json.h"
#include "price.h"
#include "quote.h"

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

/* One step: a label, a value, where it came from (may be NULL) and, for
 * an informative figure that binds nothing, a note saying so (NULL for a
 * binding step; in JSON "informative": true and the note). Figures are
 * right-aligned so that columns of money line up. */
static void add_step(printer *p, const char *label, const char *value, const char *src,
                     const char *note)
{
    if (p->steps) {
        json_t *o = json_object();
        qs_json_set(o, "step", qs_json_string(label));
        qs_json_set(o, "value", qs_json_string(value));
        if (src)
            qs_json_set(o, "src", qs_json_string(src));
        if (note) {
            qs_json_set(o, "informative", json_true());
            qs_json_set(o, "note", qs_json_string(note));
        }
        qs_json_append(p->steps, o);
        return;
    }
    fputs("  ", p->out);
    pad(p->out, label, 22);
    if (note)
        fprintf(p->out, "%14s  %s\n", value, note);
    else if (!src)
        fprintf(p->out, is_figure(value) ? "%14s\n" : "%s\n", value);
    else if (is_figure(value))
        fprintf(p->out, "%14s%26s  %s\n", value, "", src);
    else {
        pad(p->out, value, 40);
        fprintf(p->out, "  %s\n", src);
    }
}

static void step(printer *p, const char *label, const char *value, const char *src)
{
    add_step(p, label, value, src, NULL);
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

static const char *where(char *buf, size_t n, const qs_origin *at)
{
    snprintf(buf, n, "%s:%u", at->file, at->line);
    return buf;
}

/* A tax group's name in a label: its id and percent, with its category
 * when the id does not say it ("standard 19 %", "K 0 %", "exempt 0 % E"). */
static const char *group_name(const qs_tax_total *g, char *buf, size_t n)
{
    const char *code = qs_tax_category_code(g->category);
    bool plain = g->category == QS_TAX_S || strcmp(g->id, code) == 0;
    snprintf(buf, n, "%s %s %%%s%s", g->id, g->percent_text, plain ? "" : " ", plain ? "" : code);
    return buf;
}

/* A counted line's share of its tax group (SPEC 2.2 computes the quote
 * discount and the tax once per group): the line priced as a group of its
 * own (qs_tax_price_groups, the groups' arithmetic), so discount share =
 * round(net x discount / 100), tax share = round((net - discount share) x
 * percent / 100), gross = net - discount share + tax share. Informative:
 * the shares of a group's lines need not add up to the group's allowance
 * and amount, which alone bind. */
static bool explain_shares(const qs_quote *q, const qs_line *l, printer *p, qs_diags *d)
{
    const qs_tax_total *g = qs_tax_group_of(&q->totals, &l->treatment);
    if (!g)
        return true; /* none: pricing puts every counted line in one */
    int m = q->minor_digits;
    qs_tax_group own = {.category = g->category, .percent = g->percent, .net = l->price.net};
    qs_tax_totals share;
    bool ok = qs_tax_price_groups(&own, 1, q->has_discount ? q->discount.value : 0, m, &share);
    qs_decimal discount = share.discount, tax = share.tax, gross = share.gross;
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, l->at.file, l->at.line, l->at.col, "overflow",
                    "the figures of this line are too large to compute exactly");
        return false;
    }
    char v[256], s[1024], name[128], a[QS_DECIMAL_BUFSIZE + 1];
    group_name(g, name, sizeof name);
    if (q->has_discount) {
        snprintf(v, sizeof v, "%s %% of group %s%s%s%s", q->discount.text, name,
                 q->discount_reason ? " (" : "", q->discount_reason ? q->discount_reason : "",
                 q->discount_reason ? ")" : "");
        step(p, "quote discount", v, where(s, sizeof s, &q->discount_at));
        a[0] = '-';
        qs_decimal_format(discount, m, a + 1);
        add_step(p, "discount share", a, NULL,
                 "informative; the group's allowance binds (rounded once)");
    }
    /* K, AE, G and O replace the line's rate: no price-list line to name */
    snprintf(v, sizeof v, "%s %% of the base of group %s", g->percent_text, name);
    step(p, "tax", v,
         g->exemption == QS_VATEX_NONE ? where(s, sizeof s, &l->tax->at) : NULL);
    add_step(p, "tax share", qs_decimal_format(tax, m, a), NULL,
             "informative; the group's tax binds (rounded once)");
    add_step(p, "gross", qs_decimal_format(gross, m, a), NULL,
             q->has_discount ? "informative: net - discount share + tax share"
                             : "informative: net + tax share");
    return true;
}

/* `lines` is the JSON array the line goes into, NULL for text. */
static bool explain_line(qs_quote *q, const qs_line *l, printer *p, json_t *lines,
                         qs_diags *d)
{
    const qs_line_price *lp = &l->price;
    char v[256], s[1024], a[QS_DECIMAL_BUFSIZE], b[QS_DECIMAL_BUFSIZE];
    char src[1024], net[QS_DECIMAL_BUFSIZE];
    const char *sku = l->sku, *unit = l->unit;
    const char *name = l->name ? l->name->text : "";
    where(src, sizeof src, &l->at);
    qs_decimal_format(lp->net, q->minor_digits, net);

    if (lines) {
        json_t *o = json_object();
        qs_json_set(o, "pos", qs_json_integer(l->pos));
        qs_json_set(o, "sku", qs_json_string(sku));
        qs_json_set(o, "src", qs_json_string(src));
        p->steps = json_array();
        qs_json_set(o, "steps", p->steps);
        qs_json_append(lines, o);
    } else {
        char note[64] = "";
        if (l->optional)
            snprintf(note, sizeof note, "  (optional, not in the totals)");
        else if (l->alternative_to)
            snprintf(note, sizeof note, "  (alternative to pos %u, not in the totals)",
                     l->alternative_to);
        fprintf(p->out, "Pos %u  %s  %s%s\n", l->pos, sku, name, note);
        fprintf(p->out, "  %s\n", src);
    }

    const qs_product *pr = l->product;
    if (pr) {
        snprintf(v, sizeof v, "%s per %s", pr->price.text, unit);
        step(p, "list price", v, where(s, sizeof s, &pr->price_at));
    } else {
        snprintf(v, sizeof v, "%s per %s (custom line)", l->custom_price.text, unit);
        step(p, "custom price", v, where(s, sizeof s, &l->at));
    }
    int m = q->minor_digits;
    if (lp->graduated) {
        for (size_t i = 0; i < lp->nbands; i++) {
            const qs_band *band = &lp->bands[i];
            char c[QS_DECIMAL_BUFSIZE], label[64];
            qs_wide total = (qs_wide)band->units * band->price / QS_DECIMAL_SCALE;
            snprintf(v, sizeof v, "%s x %s = %s", trimmed(band->units, 0, a),
                     trimmed(band->price, m, b), trimmed((qs_decimal)total, m, c));
            if (!band->min_qty)
                snprintf(label, sizeof label, "band (list price)");
            else
                snprintf(label, sizeof label, "band from %s",
                         trimmed(*band->min_qty, 0, c));
            step(p, label, v, where(s, sizeof s, &band->at));
        }
        snprintf(v, sizeof v, "sum of bands = %s",
                 trimmed((qs_decimal)(lp->amount / QS_DECIMAL_SCALE), m, a));
        step(p, "amount", v, NULL);
        snprintf(v, sizeof v, "%s (amount / %s, rounded)", lp->unit_price_text, l->qty.text);
        step(p, "unit price", v, NULL);
    } else {
        if (lp->tier) {
            snprintf(v, sizeof v, "min-qty %s: %s", lp->tier->min_qty.text,
                     lp->tier->price.text);
            step(p, "tier reached", v, where(s, sizeof s, &lp->tier->at));
        }
        snprintf(v, sizeof v, "%s x %s = %s", l->qty.text, lp->unit_price_text,
                 trimmed((qs_decimal)(lp->amount / QS_DECIMAL_SCALE), m, a));
        step(p, "amount", v, where(s, sizeof s, &l->at));
    }
    if (l->has_discount) {
        snprintf(v, sizeof v, "%s %%%s%s%s", l->discount.text, l->reason ? " (" : "",
                 l->reason ? l->reason : "", l->reason ? ")" : "");
        step(p, "line discount", v, where(s, sizeof s, &l->at));
        /* every allowance rounded on its own, the net a difference */
        char rounded[QS_DECIMAL_BUFSIZE], minus[QS_DECIMAL_BUFSIZE + 1];
        step(p, "amount, rounded", qs_decimal_format(lp->rounded, m, rounded), NULL);
        snprintf(minus, sizeof minus, "-%s", qs_decimal_format(lp->allowance, m, a));
        step(p, "line allowance", minus, where(s, sizeof s, &l->at));
    }
    step(p, "net", net, NULL);
    if (lp->has_margin) {
        snprintf(v, sizeof v, "%s %%", qs_decimal_format(lp->margin, 2, a));
        step(p, "margin", v, NULL);
    }
    snprintf(v, sizeof v, "%s %s %%", l->tax->id, l->tax->percent.text);
    step(p, "tax rate", v, where(s, sizeof s, &l->tax->at));
    const qs_tax_line *x = &l->treatment;
    const char *code = qs_vatex_code(x->exemption);
    snprintf(v, sizeof v, "%s %s %%%s%s (%s)", qs_tax_category_code(x->category),
             trimmed(x->percent, 0, a), code ? " " : "", code ? code : "",
             l->supply == QS_SUPPLY_SERVICES ? "services" : "goods");
    step(p, "tax category", v, NULL);
    bool ok = !qs_line_is_counted(l) || explain_shares(q, l, p, d);
    if (!lines)
        fputc('\n', p->out);
    return ok;
}

/* `doc` is the JSON object the totals go into, NULL for text. */
static void explain_totals(const qs_quote *q, printer *p, json_t *doc)
{
    const qs_totals *t = &q->totals;
    int m = q->minor_digits;
    char v[256], s[1024], a[QS_DECIMAL_BUFSIZE];
    char net[QS_DECIMAL_BUFSIZE], discount[QS_DECIMAL_BUFSIZE];
    char taxable[QS_DECIMAL_BUFSIZE], gross[QS_DECIMAL_BUFSIZE];
    qs_decimal_format(t->net, m, net);
    qs_decimal_format(t->discount, m, discount);
    qs_decimal_format(t->taxable, m, taxable);
    qs_decimal_format(t->gross, m, gross);
    if (doc) {
        p->steps = json_array();
        qs_json_set(doc, "totals", p->steps);
    } else {
        fprintf(p->out, "Totals (%s)\n", q->currency);
    }
    char name[128], minus[QS_DECIMAL_BUFSIZE + 1];
    for (size_t i = 0; i < t->ntaxes; i++) {
        const qs_tax_total *g = &t->taxes[i];
        snprintf(v, sizeof v, "net %s", group_name(g, name, sizeof name));
        step(p, v, qs_decimal_format(g->net, m, a), NULL);
    }
    step(p, "net", net, NULL);
    if (q->has_discount) {
        /* one allowance per tax group, each rounded on its own */
        for (size_t i = 0; i < t->ntaxes; i++) {
            const qs_tax_total *g = &t->taxes[i];
            snprintf(v, sizeof v, "allowance %s", g->id);
            snprintf(minus, sizeof minus, "-%s", qs_decimal_format(g->allowance, m, a));
            step(p, v, minus, NULL);
        }
        snprintf(v, sizeof v, "quote discount %s %%", q->discount.text);
        snprintf(minus, sizeof minus, "-%s", discount);
        step(p, v, minus, where(s, sizeof s, &q->discount_at));
    }
    for (size_t i = 0; i < t->ntaxes; i++) {
        const qs_tax_total *g = &t->taxes[i];
        snprintf(v, sizeof v, "base %s", g->id);
        step(p, v, qs_decimal_format(g->base, m, a), NULL);
        snprintf(v, sizeof v, "tax %s", group_name(g, name, sizeof name));
        step(p, v, qs_decimal_format(g->amount, m, a),
             g->exemption == QS_VATEX_NONE ? where(s, sizeof s, &g->first_rate->at) : NULL);
    }
    step(p, "taxable", taxable, NULL);
    step(p, "gross", gross, NULL);
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
