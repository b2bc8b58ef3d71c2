/* price: the pricing engine of SPEC 2.2. Every figure is exact decimal
 * arithmetic (decimal.h), rounded once, commercially, where the SPEC says. */
#ifndef QS_PRICE_H
#define QS_PRICE_H

#include "quote.h"

/* How one line's price came about; explain.c shows it step by step. */
typedef struct {
    const qs_tier *tier;       /* the volume tier reached, or NULL */
    bool graduated;
    qs_decimal unit_price;     /* volume: the tier's price; graduated: rounded */
    const char *unit_price_text;
    qs_wide amount;            /* qty x unit price, or the sum of the bands,
                                  exact, in 1/10^8 units */
    qs_decimal net;            /* after the line discount, rounded */
    bool has_margin;
    qs_decimal margin;         /* percent, 2 decimals */
} qs_line_price;

/* Prices one line. Returns false after a diagnostic on overflow. The
 * unit_price_text points into q's arena or the price list. */
bool qs_price_line(qs_quote *q, const qs_line *l, qs_line_price *out, qs_diags *d);

/* Band i (0: the base price, i: tier i-1 onwards) of a graduated product at
 * quantity qty: units (1-4 at the base price, 5-9 at the first tier, ...;
 * 0 when qty does not reach it) and the band's unit price. Returns false
 * when there is no band i. */
bool qs_price_band(const qs_product *p, size_t i, qs_decimal qty,
                   qs_decimal *units, qs_decimal *price);

#endif
