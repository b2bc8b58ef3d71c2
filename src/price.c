/* price: prices every line and the totals (SPEC 2.2) into the model, then
 * proves the sums it wrote. The rounding of allowances and tax groups is
 * tax.c's (qs_tax_price_line, qs_tax_price_groups); the grouping of lines
 * by their treatment (category and percent, SPEC 2.3) is done here.
 *
 * Scales: a qs_decimal is in 1/10^4; the exact product of two of them is a
 * qs_wide in 1/10^8. Each figure is computed as one exact rational num/den
 * and rounded once, half away from zero, by qs_decimal_from_ratio. */
#include "price.h"

#include <string.h>


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

    /* allowance = round(amount x discount / 100), net = round(amount) -
     * allowance (SPEC 2.2, revised 2026-12) */
    qs_line_figures f;
    ok = ok && qs_tax_price_line(out->amount, l->has_discount ? l->discount.value : 0,
                                 q->minor_digits, &f);
    if (ok) {
        out->rounded = f.amount;
        out->allowance = f.allowance;
        out->net = f.net;
    }

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

/* Whether a line of treatment x belongs to group g: one group per
 * category and percent (SPEC 2.2), whatever rate the line names. */
static bool in_group(const qs_tax_total *g, const qs_tax_line *x)
{
    return g->category == x->category && g->percent == x->percent;
}

const qs_tax_total *qs_tax_group_of(const qs_totals *t, const qs_tax_line *x)
{
    for (size_t i = 0; i < t->ntaxes; i++)
        if (in_group(&t->taxes[i], x))
            return &t->taxes[i];
    return NULL;
}

/* The tax group of line l, added when new. A group keeps the id and the
 * percent as written of its first line's rate. */
static qs_tax_total *group_of(qs_totals *t, const qs_line *l)
{
    const qs_tax_line *x = &l->treatment;
    const qs_tax_total *found = qs_tax_group_of(t, x);
    if (found)
        return &t->taxes[found - t->taxes];
    /* S, Z and E are the line's own rate; K, AE, G and O replace it. */
    bool own = x->exemption == QS_VATEX_NONE;
    qs_tax_total *g = &t->taxes[t->ntaxes++];
    *g = (qs_tax_total){
        .category = x->category,
        .percent = x->percent,
        .percent_text = own ? l->tax->percent.text : "0",
        .id = own ? l->tax->id : qs_tax_category_code(x->category),
        .first_rate = l->tax,
        .exemption = x->exemption,
    };
    return g;
}

/* The reason of E group g: the distinct exemption-reasons of its counted
 * lines' rates, in order of first use, joined with
 * QS_TAX_REASON_SEPARATOR. Each line's rate is one of q->rates, so
 * there are at most q->nrates. */
static const char *exemption_reason(qs_quote *q, const qs_tax_total *g)
{
    const char **seen = qs_arena_array(&q->arena, q->nrates, sizeof *seen);
    size_t n = 0, size = 1;
    for (size_t i = 0; i < q->nlines; i++) {
        const qs_line *l = &q->lines[i];
        if (!qs_line_is_counted(l) || !in_group(g, &l->treatment))
            continue;
        const char *reason = l->tax->exemption_reason;
        size_t k = 0;
        while (k < n && strcmp(seen[k], reason) != 0)
            k++;
        if (k < n)
            continue;
        seen[n++] = reason;
        size += strlen(reason) + strlen(QS_TAX_REASON_SEPARATOR);
    }
    char *joined = qs_arena_alloc(&q->arena, size);
    joined[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            strcat(joined, QS_TAX_REASON_SEPARATOR);
        strcat(joined, seen[k]);
    }
    return joined;
}

/* Each group's allowance, base and amount, and the quote's totals. */
static bool price_totals(qs_quote *q, qs_diags *d)
{
    qs_totals *t = &q->totals;
    qs_tax_group *groups = qs_arena_array(&q->arena, t->ntaxes, sizeof *groups);
    for (size_t i = 0; i < t->ntaxes; i++)
        groups[i] = (qs_tax_group){.category = t->taxes[i].category,
                                   .percent = t->taxes[i].percent,
                                   .net = t->taxes[i].net};
    qs_tax_totals sums;
    if (!qs_tax_price_groups(groups, t->ntaxes, q->has_discount ? q->discount.value : 0,
                             q->minor_digits, &sums)) {
        qs_diag_add(d, QS_SEV_ERROR, q->path, 1, 1, "overflow",
                    "the quote's totals are too large to compute exactly");
        return false;
    }
    for (size_t i = 0; i < t->ntaxes; i++) {
        t->taxes[i].allowance = groups[i].allowance;
        t->taxes[i].base = groups[i].base;
        t->taxes[i].amount = groups[i].amount;
    }
    t->discount = sums.discount;
    t->taxable = sums.taxable;
    t->gross = sums.gross;
    return true;
}

/* ---- the proof ---- */

/* Checks that the figures written add up: each line's net is its rounded
 * amount less its allowance; lines to the net and to their groups' nets;
 * each group's net less its allowance to its base; the groups' nets,
 * allowances and bases to net, discount and taxable; net - discount to
 * taxable; taxable plus the groups' amounts to gross. */
static bool prove_sums(const qs_quote *q, qs_diags *d)
{
    const qs_totals *t = &q->totals;
    bool ok = true;
    qs_decimal lines = 0, nets = 0, allowances = 0, bases = 0, amounts = 0;
    for (size_t i = 0; i < q->nlines; i++) {
        const qs_line_price *lp = &q->lines[i].price;
        ok &= lp->rounded - lp->allowance == lp->net;
        if (qs_line_is_counted(&q->lines[i]))
            ok &= qs_decimal_add(lines, lp->net, &lines);
    }
    for (size_t i = 0; i < t->ntaxes; i++) {
        const qs_tax_total *g = &t->taxes[i];
        ok &= g->net - g->allowance == g->base;
        ok &= qs_decimal_add(nets, g->net, &nets);
        ok &= qs_decimal_add(allowances, g->allowance, &allowances);
        ok &= qs_decimal_add(bases, g->base, &bases);
        ok &= qs_decimal_add(amounts, g->amount, &amounts);
    }
    ok = ok && lines == t->net && nets == t->net && allowances == t->discount &&
         bases == t->taxable && t->net - t->discount == t->taxable &&
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
    /* at most one group per line */
    t->taxes = qs_arena_array(&q->arena, q->nlines, sizeof *t->taxes);
    bool ok = true;
    for (size_t i = 0; i < q->nlines; i++) {
        qs_line *l = &q->lines[i];
        if (!price_line(q, l, d)) {
            ok = false;
            continue;
        }
        if (!qs_line_is_counted(l))
            continue;
        qs_tax_total *g = group_of(t, l);
        if (!qs_decimal_add(g->net, l->price.net, &g->net) ||
            !qs_decimal_add(t->net, l->price.net, &t->net)) {
            overflow_at_line(d, l);
            ok = false;
        }
    }
    for (size_t i = 0; i < t->ntaxes; i++)
        if (t->taxes[i].category == QS_TAX_E)
            t->taxes[i].exemption_reason = exemption_reason(q, &t->taxes[i]);
    t->priced = ok && price_totals(q, d) && prove_sums(q, d);
    return t->priced;
}
