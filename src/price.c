/* price: prices every line and the totals (SPEC 2.2) into the model, then
 * proves the sums it wrote.
 *
 * Scales: a qs_decimal is in 1/10^4; the exact product of two of them is a
 * qs_wide in 1/10^8. Each figure is computed as one exact rational num/den
 * and rounded once, half away from zero, by qs_decimal_from_ratio. */
#include "price.h"

#include <string.h>

#define PCT_SCALE ((qs_wide)100 * QS_DECIMAL_SCALE) /* 100 % in 1/10^4 */

static const char *format(qs_quote *q, qs_decimal v, int places)
{
    char buf[QS_DECIMAL_BUFSIZE];
    return qs_arena_strdup(&q->arena, qs_decimal_format(v, places, buf));
}

static void overflow_at_line(qs_diags *d, const qs_line *l)
{
    qs_diag_add(d, QS_SEV_ERROR, l->at.file, l->at.line, l->at.col, "overflow",
                "the figures of this line are too large to compute exactly");
}

/* Band i (0: the base price, i: tier i-1 onwards) of a graduated product at
 * quantity qty: units (1-4 at the base price, 5-9 at the first tier, ...;
 * 0 when qty does not reach it) and the band's unit price. Returns false
 * when there is no band i. */
static bool price_band(const qs_product *p, size_t i, qs_decimal qty,
                   qs_decimal *units, qs_decimal *price)
{
    if (i > p->ntiers)
        return false;
    qs_decimal lower = i == 0 ? 0 : p->tiers[i - 1].min_qty.value - QS_DECIMAL_SCALE;
    if (lower < 0)
        lower = 0;
    qs_decimal upper = qty;
    if (i < p->ntiers && p->tiers[i].min_qty.value - QS_DECIMAL_SCALE < upper)
        upper = p->tiers[i].min_qty.value - QS_DECIMAL_SCALE;
    *price = i == 0 ? p->price.value : p->tiers[i - 1].price.value;
    *units = upper > lower ? upper - lower : 0;
    return true;
}

/* The exact amount of a graduated line: the sum of its bands; the bands
 * with units are kept in out->bands. */
static bool graduated_amount(qs_quote *q, const qs_product *p, qs_decimal qty,
                             qs_line_price *out)
{
    qs_wide sum = 0;
    qs_decimal units, price;
    out->bands = qs_arena_array(&q->arena, p->ntiers + 1, sizeof *out->bands);
    for (size_t i = 0; price_band(p, i, qty, &units, &price); i++) {
        qs_wide band;
        if (!qs_wide_mul(units, price, &band) || !qs_wide_add(sum, band, &sum))
            return false;
        if (units == 0)
            continue;
        out->bands[out->nbands++] = (qs_band){
            units, price, i == 0 ? NULL : &p->tiers[i - 1].min_qty.value,
            i == 0 ? p->price_at : p->tiers[i - 1].at,
        };
    }
    out->amount = sum;
    return true;
}

/* Prices one line into l->price. Returns false after a diagnostic on
 * overflow. */
static bool price_line(qs_quote *q, qs_line *l, qs_diags *d)
{
    qs_line_price *out = &l->price;
    memset(out, 0, sizeof *out);
    const qs_product *p = l->product;
    qs_decimal qty = l->qty.value;
    bool ok = true;
    if (!p) {
        out->unit_price = l->custom_price.value;
        out->unit_price_text = l->custom_price.text;
        ok = qs_wide_mul(qty, out->unit_price, &out->amount);
    } else if (p->graduated) {
        out->graduated = true;
        ok = graduated_amount(q, p, qty, out) &&
             qs_decimal_from_ratio(out->amount, (qs_wide)qty * QS_DECIMAL_SCALE, 2,
                                   &out->unit_price);
        if (ok)
            out->unit_price_text = format(q, out->unit_price, 2);
    } else {
        for (size_t i = 0; i < p->ntiers; i++)
            if (p->tiers[i].min_qty.value <= qty)
                out->tier = &p->tiers[i];
        const qs_written *price = out->tier ? &out->tier->price : &p->price;
        out->unit_price = price->value;
        out->unit_price_text = price->text;
        ok = qs_wide_mul(qty, out->unit_price, &out->amount);
    }

    /* net = round(amount x (100 - discount) / 100) */
    qs_wide keep = PCT_SCALE - (l->has_discount ? l->discount.value : 0);
    qs_wide num;
    ok = ok && qs_wide_mul(out->amount, keep, &num) &&
         qs_decimal_from_ratio(num, qs_wide_pow10(14), q->minor_digits, &out->net);

    /* margin = (net - qty x cost) / net x 100, absent without cost or net */
    if (ok && p && p->has_cost && out->net != 0) {
        qs_wide cost, net_wide, diff;
        ok = qs_wide_mul(qty, p->cost.value, &cost) &&
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

static bool price_totals(qs_quote *q, qs_diags *d)
{
    qs_totals *t = &q->totals;
    qs_wide keep = PCT_SCALE - (q->has_discount ? q->discount.value : 0);
    qs_decimal taxable = 0, tax = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < t->ntaxes; i++) {
        qs_tax_total *r = &t->taxes[i];
        qs_wide num;
        /* base = round(net_r x (100 - quote discount) / 100) */
        ok = qs_wide_mul(r->net, keep, &num) &&
             qs_decimal_from_ratio(num, qs_wide_pow10(10), q->minor_digits, &r->base) &&
             /* amount = round(base x percent / 100) */
             qs_wide_mul(r->base, r->rate->percent.value, &num) &&
             qs_decimal_from_ratio(num, qs_wide_pow10(10), q->minor_digits, &r->amount) &&
             qs_decimal_add(taxable, r->base, &taxable) &&
             qs_decimal_add(tax, r->amount, &tax);
    }
    ok = ok && qs_decimal_add(taxable, tax, &t->gross) &&
         qs_decimal_sub(t->net, taxable, &t->discount);
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, q->path, 1, 1, "overflow",
                    "the quote's totals are too large to compute exactly");
        return false;
    }
    t->taxable = taxable;
    return true;
}

/* ---- the proof ---- */

/* Checks that the figures written add up: lines to the net, rate bases to
 * the taxable amount, net - discount to taxable, taxable plus the rate
 * amounts to gross. */
static bool prove_sums(const qs_quote *q, qs_diags *d)
{
    const qs_totals *t = &q->totals;
    bool ok = true;
    qs_decimal lines = 0, bases = 0, amounts = 0;
    for (size_t i = 0; i < q->nlines; i++)
        if (qs_line_is_counted(&q->lines[i]))
            ok &= qs_decimal_add(lines, q->lines[i].price.net, &lines);
    for (size_t i = 0; i < t->ntaxes; i++) {
        ok &= qs_decimal_add(bases, t->taxes[i].base, &bases);
        ok &= qs_decimal_add(amounts, t->taxes[i].amount, &amounts);
    }
    ok = ok && lines == t->net && bases == t->taxable && t->net - t->discount == t->taxable &&
         t->taxable + amounts == t->gross;
    if (!ok) {
        qs_diag_add(d, QS_SEV_ERROR, q->path, 0, 0, "internal",
                    "the priced figures do not add up; refusing to produce a "
                    "wrong quote (please report this)");
        qs_diags_set_internal_failed(d);
    }
    return ok;
}

bool qs_quote_price(qs_quote *q, qs_diags *d)
{
    qs_totals *t = &q->totals;
    memset(t, 0, sizeof *t);
    t->taxes = qs_arena_array(&q->arena, q->nrates, sizeof *t->taxes);
    bool ok = true;
    for (size_t i = 0; i < q->nlines; i++) {
        qs_line *l = &q->lines[i];
        if (!price_line(q, l, d)) {
            ok = false;
            continue;
        }
        if (!qs_line_is_counted(l))
            continue;
        size_t r = 0;
        while (r < t->ntaxes && t->taxes[r].rate != l->tax)
            r++;
        if (r == t->ntaxes)
            t->taxes[t->ntaxes++].rate = l->tax;
        if (!qs_decimal_add(t->taxes[r].net, l->price.net, &t->taxes[r].net) ||
            !qs_decimal_add(t->net, l->price.net, &t->net)) {
            overflow_at_line(d, l);
            ok = false;
        }
    }
    t->priced = ok && price_totals(q, d) && prove_sums(q, d);
    return t->priced;
}
