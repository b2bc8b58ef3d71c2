/* decimal: exact fixed-point arithmetic for money, quantities and
 * percentages. Nothing on the money path ever touches binary floating point
 * or the C locale.
 *
 * A qs_decimal is a signed count of 1/10000 units (4 fractional digits).
 * A qs_wide is a signed 128-bit integer used for exact intermediate products;
 * callers build an exact rational num/den from raw qs_decimal values and
 * round it once with qs_decimal_from_ratio. */
#ifndef QS_DECIMAL_H
#define QS_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t qs_decimal;
__extension__ typedef __int128 qs_wide;

#define QS_DECIMAL_SCALE 10000
#define QS_DECIMAL_DIGITS 4
/* Largest formatted decimal: sign, 19 digits, dot, terminator, slack. */
#define QS_DECIMAL_BUFSIZE 32

typedef enum {
    QS_DEC_OK,
    QS_DEC_SYNTAX,      /* not [0-9]+(\.[0-9]{1,4})? */
    QS_DEC_TOO_PRECISE, /* more than 4 fractional digits */
    QS_DEC_RANGE        /* more than 15 integer digits, or beyond int64 */
} qs_dec_status;

/* Parses the strict grammar [0-9]+(\.[0-9]{1,4})? with at most 15 integer
 * digits: no sign, no exponent, no spaces, no grouping. On success stores
 * the value in *out. Never reads the locale. */
qs_dec_status qs_decimal_parse(const char *text, qs_decimal *out);

/* A short English description of a parse failure, for diagnostics. */
const char *qs_decimal_status_message(qs_dec_status st);

/* Writes v with exactly `places` (0..4) fractional digits into buf, rounding
 * half away from zero, with '-' for negatives and '.' as separator.
 * Returns buf. */
char *qs_decimal_format(qs_decimal v, int places, char buf[QS_DECIMAL_BUFSIZE]);

/* Rounds v half away from zero to `places` (0..4) fractional digits.
 * Returns false on overflow. */
bool qs_decimal_round(qs_decimal v, int places, qs_decimal *out);

/* Checked arithmetic: return false on overflow, leaving *out untouched. */
bool qs_decimal_add(qs_decimal a, qs_decimal b, qs_decimal *out);
bool qs_decimal_sub(qs_decimal a, qs_decimal b, qs_decimal *out);
bool qs_wide_add(qs_wide a, qs_wide b, qs_wide *out);
bool qs_wide_mul(qs_wide a, qs_wide b, qs_wide *out);

/* Rounds the exact rational num/den half away from zero to `places` (0..4)
 * fractional digits and returns it as a qs_decimal. den must be non-zero;
 * either may be negative. Returns false on overflow or den == 0. */
bool qs_decimal_from_ratio(qs_wide num, qs_wide den, int places, qs_decimal *out);

/* 10^n as a qs_wide, for 0 <= n <= 36. */
qs_wide qs_wide_pow10(int n);

/* The number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0,
 * ...), or -1 when the code is unknown. */
int qs_currency_minor_digits(const char *code);

#endif
