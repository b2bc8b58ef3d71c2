/* price: prices every line and the totals (SPEC 2.2) into the merged tree,
 * then proves the sums it wrote by reading them back.
 *
 * Scales: a qs_decimal is in 1/10^4; the exact product of two of them is a
 * qs_wide in 1/10^8. Each figure is computed as one exact rational num/den
 * and rounded once, half away from zero, by qs_decimal_from_ratio. */
#include "price.h"
#include "input.h"

#include <string.h>

#include "merge.h"

#define PCT_SCALE ((qs_wide)100 * QS_DECIMAL_SCALE) /* 100 % in 1/10^4 */

static void set(xmlNode *node, const char *name, const char *value)
{
    xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value);
}

static const char *format(qs_quote *q, qs_decimal v, int places)
{
    char buf[QS_DECIMAL_BUFSIZE];
    return qs_arena_strdup(&q->arena, qs_decimal_format(v, places, buf));
}

static void overflow_at_line(qs_diags *d, const qs_line *l)
{
    unsigned line, col;
    qs_input_locate(l->src, l->item, NULL, &line, &col);
    qs_diag_add(d, QS_SEV_ERROR, l->src->path, line, col, "overflow",
                "the figures of this line are too large to compute exactly");
}

bool qs_price_band(const qs_product *p, size_t i, qs_decimal qty,
                   qs_decimal *units, qs_decimal *price)
{
    if (i > p->ntiers)
        return false;
    qs_decimal lower = i == 0 ? 0 : p->tiers[i - 1].min_qty - QS_DECIMAL_SCALE;
    if (lower < 0)
        lower = 0;
    qs_decimal upper = qty;
    if (i < p->ntiers && p->tiers[i].min_qty - QS_DECIMAL_SCALE < upper)
        upper = p->tiers[i].min_qty - QS_DECIMAL_SCALE;
    *price = i == 0 ? p->price : p->tiers[i - 1].price;
    *units = upper > lower ? upper - lower : 0;
    return true;
}

/* The exact amount of a graduated line: the sum of its bands. */
static bool graduated_amount(const qs_product *p, qs_decimal qty, qs_wide *out)
{
    qs_wide sum = 0;
    qs_decimal units, price;
    for (size_t i = 0; qs_price_band(p, i, qty, &units, &price); i++) {
        qs_wide band;
        if (!qs_wide_mul(units, price, &band) || !qs_wide_add(sum, band, &sum))
            return false;
    }
    *out = sum;
    return true;
}

bool qs_price_line(qs_quote *q, const qs_line *l, qs_line_price *out, qs_diags *d)
{
    memset(out, 0, sizeof *out);
    const qs_product *p = l->product;
    bool ok = true;
    if (!p) {
        out->unit_price = l->custom_price;
        out->unit_price_text = l->custom_price_text;
        ok = qs_wide_mul(l->qty, l->custom_price, &out->amount);
    } else if (p->graduated) {
        out->graduated = true;
        ok = graduated_amount(p, l->qty, &out->amount) &&
             qs_decimal_from_ratio(out->amount, (qs_wide)l->qty * QS_DECIMAL_SCALE, 2,
                                   &out->unit_price);
        if (ok)
            out->unit_price_text = format(q, out->unit_price, 2);
    } else {
        for (size_t i = 0; i < p->ntiers; i++)
            if (p->tiers[i].min_qty <= l->qty)
                out->tier = &p->tiers[i];
        out->unit_price = out->tier ? out->tier->price : p->price;
        out->unit_price_text = out->tier ? out->tier->price_text : p->price_text;
        ok = qs_wide_mul(l->qty, out->unit_price, &out->amount);
    }

    /* net = round(amount x (100 - discount) / 100) */
    qs_wide keep = PCT_SCALE - (l->has_discount ? l->discount : 0);
    qs_wide num;
    ok = ok && qs_wide_mul(out->amount, keep, &num) &&
         qs_decimal_from_ratio(num, qs_wide_pow10(14), q->minor_digits, &out->net);

    /* margin = (net - qty x cost) / net x 100, absent without cost or net */
    if (ok && p && p->has_cost && out->net != 0) {
        qs_wide cost, net_wide, diff;
        ok = qs_wide_mul(l->qty, p->cost, &cost) &&
             qs_wide_mul(out->net, QS_DECIMAL_SCALE, &net_wide) &&
             qs_wide_add(net_wide, -cost, &diff) &&
             qs_wide_mul(diff, 100, &diff) &&
             qs_decimal_from_ratio(diff, net_wide, 2, &out->margin);
        out->has_margin = ok;
    }
    if (!ok)
        overflow_at_line(d, l);
    return ok;
}

typedef struct {
    const qs_tax_rate *rate;
    qs_decimal net;    /* sum of net of non-optional lines */
    qs_decimal base;
    qs_decimal amount;
} rate_total;

static bool price_totals(qs_quote *q, rate_total *rates, size_t nrates,
                         qs_decimal net, qs_diags *d)
{
    qs_wide keep = PCT_SCALE - (q->has_discount ? q->discount : 0);
    qs_decimal taxable = 0, tax = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < nrates; i++) {
        rate_total *r = &rates[i];
        qs_wide num;
        /* base = round(net_r x (100 - quote discount) / 100) */
        ok = qs_wide_mul(r->net, keep, &num) &&
             qs_decimal_from_ratio(num, qs_wide_pow10(10), q->minor_digits, &r->base) &&
             /* amount = round(base x percent / 100) */
             qs_wide_mul(r->base, r->rate->percent, &num) &&
             qs_decimal_from_ratio(num, qs_wide_pow10(10), q->minor_digits, &r->amount) &&
             qs_decimal_add(taxable, r->base, &taxable) &&
             qs_decimal_add(tax, r->amount, &tax);
    }
    qs_decimal gross = 0, discount = 0;
    ok = ok && qs_decimal_add(taxable, tax, &gross) && qs_decimal_sub(net, taxable, &discount);
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, q->src->path, 1, 1, "overflow",
                    "the quote's totals are too large to compute exactly");
        return false;
    }

    xmlNode *totals = xmlNewChild(xmlDocGetRootElement(q->tree), NULL,
                                  (const xmlChar *)"totals", NULL);
    int m = q->minor_digits;
    set(totals, "net", format(q, net, m));
    if (q->has_discount)
        set(totals, "discount-percent", q->discount_text);
    set(totals, "discount", format(q, discount, m));
    set(totals, "taxable", format(q, taxable, m));
    set(totals, "gross", format(q, gross, m));
    for (size_t i = 0; i < nrates; i++) {
        xmlNode *t = xmlNewChild(totals, NULL, (const xmlChar *)"tax", NULL);
        set(t, "id", rates[i].rate->id);
        set(t, "percent", rates[i].rate->percent_text);
        set(t, "base", format(q, rates[i].base, m));
        set(t, "amount", format(q, rates[i].amount, m));
    }
    return true;
}

/* ---- the proof ---- */

static qs_decimal read_figure(const xmlNode *node, const char *name, bool *ok)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    qs_decimal out = 0;
    if (!v || qs_decimal_parse((const char *)v, &out) != QS_DEC_OK)
        *ok = false;
    xmlFree(v);
    return out;
}

/* Reads the written figures back from the tree and checks that they add
 * up: lines to totals/@net, rate bases to @taxable, @net - @discount to
 * @taxable, @taxable plus the rate amounts to @gross. */
static bool prove_sums(const qs_quote *q, qs_diags *d)
{
    bool ok = true;
    qs_decimal lines = 0;
    for (size_t i = 0; i < q->nlines; i++)
        if (!q->lines[i].optional)
            ok &= qs_decimal_add(lines, read_figure(q->lines[i].line, "net", &ok), &lines);
    const xmlNode *totals = xmlDocGetRootElement(q->tree)->last;
    qs_decimal net = read_figure(totals, "net", &ok);
    qs_decimal discount = read_figure(totals, "discount", &ok);
    qs_decimal taxable = read_figure(totals, "taxable", &ok);
    qs_decimal gross = read_figure(totals, "gross", &ok);
    qs_decimal bases = 0, amounts = 0;
    for (const xmlNode *t = totals->children; t; t = t->next) {
        if (!qs_xml_is(t, "tax"))
            continue;
        ok &= qs_decimal_add(bases, read_figure(t, "base", &ok), &bases);
        ok &= qs_decimal_add(amounts, read_figure(t, "amount", &ok), &amounts);
    }
    ok = ok && lines == net && bases == taxable && net - discount == taxable &&
         taxable + amounts == gross;
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, q->src->path, 0, 0, "internal",
                    "the priced figures do not add up; refusing to produce a "
                    "wrong quote (please report this)");
        qs_diags_set_internal_failed(d);
    }
    return ok;
}

bool qs_quote_price(qs_quote *q, qs_diags *d)
{
    rate_total *rates = qs_arena_array(&q->arena, q->nrates, sizeof *rates);
    size_t nrates = 0;
    qs_decimal net = 0;
    bool ok = true;
    for (size_t i = 0; i < q->nlines; i++) {
        qs_line *l = &q->lines[i];
        qs_line_price lp;
        if (!qs_price_line(q, l, &lp, d)) {
            ok = false;
            continue;
        }
        set(l->line, "unit-price", lp.unit_price_text);
        set(l->line, "net", format(q, lp.net, q->minor_digits));
        if (lp.has_margin)
            set(l->line, "margin-percent", format(q, lp.margin, 2));
        else
            xmlUnsetProp(l->line, (const xmlChar *)"margin-percent");
        if (l->optional)
            continue;
        size_t r = 0;
        while (r < nrates && rates[r].rate != l->tax)
            r++;
        if (r == nrates)
            rates[nrates++].rate = l->tax;
        if (!qs_decimal_add(rates[r].net, lp.net, &rates[r].net) ||
            !qs_decimal_add(net, lp.net, &net)) {
            overflow_at_line(d, l);
            ok = false;
        }
    }
    if (!ok)
        return false;
    return price_totals(q, rates, nrates, net, d) && prove_sums(q, d);
}
