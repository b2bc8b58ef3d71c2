/* decimal: owns exact fixed-point parsing, formatting and rounding of money
 * values, integer-only and locale-free, with every overflow checked. */
#include "decimal.h"

#include <string.h>

__extension__ typedef unsigned __int128 qs_uwide;

#define MAX_INTEGER_DIGITS 15
/* Magnitude of INT64_MIN, the largest magnitude a negative qs_decimal has. */
#define INT64_MIN_MAGNITUDE ((uint64_t)INT64_MAX + 1u)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t count_digits(const char *p)
{
    size_t n = 0;
    while (is_digit(p[n]))
        n++;
    return n;
}

/* 10^n for 0 <= n <= 4. */
static int64_t pow10_small(int n)
{
    static const int64_t table[] = {1, 10, 100, 1000, 10000};
    return table[n];
}

static bool valid_places(int places)
{
    return places >= 0 && places <= QS_DECIMAL_DIGITS;
}

/* Appends one digit to *acc, failing when the result would exceed INT64_MAX. */
static bool push_digit(int64_t *acc, int digit)
{
    if (*acc > (INT64_MAX - digit) / 10)
        return false;
    *acc = *acc * 10 + digit;
    return true;
}

/* Grammar first, then precision, then range: "1.23456" is TOO_PRECISE and
 * "1x" is SYNTAX however long the digit runs are. Leading zeros are allowed
 * and do not count toward the 15-integer-digit limit ("007.50" is 7.5). */
qs_dec_status qs_decimal_parse(const char *text, qs_decimal *out)
{
    if (text == NULL)
        return QS_DEC_SYNTAX;
    const char *int_part = text;
    size_t int_len = count_digits(int_part);
    if (int_len == 0)
        return QS_DEC_SYNTAX;
    const char *frac_part = int_part + int_len;
    size_t frac_len = 0;
    if (*frac_part == '.') {
        frac_part++;
        frac_len = count_digits(frac_part);
        if (frac_len == 0)
            return QS_DEC_SYNTAX;
    }
    if (frac_part[frac_len] != '\0')
        return QS_DEC_SYNTAX;
    if (frac_len > QS_DECIMAL_DIGITS)
        return QS_DEC_TOO_PRECISE;

    while (int_len > 1 && *int_part == '0') {
        int_part++;
        int_len--;
    }
    if (int_len > MAX_INTEGER_DIGITS)
        return QS_DEC_RANGE;

    int64_t value = 0;
    for (size_t i = 0; i < int_len; i++)
        if (!push_digit(&value, int_part[i] - '0'))
            return QS_DEC_RANGE;
    for (size_t i = 0; i < QS_DECIMAL_DIGITS; i++)
        if (!push_digit(&value, i < frac_len ? frac_part[i] - '0' : 0))
            return QS_DEC_RANGE;
    *out = value;
    return QS_DEC_OK;
}

const char *qs_decimal_status_message(qs_dec_status st)
{
    switch (st) {
    case QS_DEC_OK:
        return "ok";
    case QS_DEC_SYNTAX:
        return "expected a decimal number like 1234.56 (digits, optional '.' "
               "and up to 4 decimals; no sign, exponent or grouping)";
    case QS_DEC_TOO_PRECISE:
        return "more than 4 decimal places";
    case QS_DEC_RANGE:
        return "number out of range (at most 15 integer digits)";
    }
    return "unknown decimal status";
}

static uint64_t magnitude(qs_decimal v)
{
    return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

/* mag rounded half away from zero to `places` digits, in units of
 * 10^-places. Cannot overflow: mag <= 2^63. */
static uint64_t rounded_units(uint64_t mag, int places)
{
    uint64_t step = (uint64_t)pow10_small(QS_DECIMAL_DIGITS - places);
    return (mag + step / 2) / step;
}

/* Out-of-range `places` are clamped to 0..4 so buf can never overflow. */
char *qs_decimal_format(qs_decimal v, int places, char buf[QS_DECIMAL_BUFSIZE])
{
    if (places < 0)
        places = 0;
    if (places > QS_DECIMAL_DIGITS)
        places = QS_DECIMAL_DIGITS;
    uint64_t units = rounded_units(magnitude(v), places);
    bool negative = v < 0 && units != 0;

    char digits[QS_DECIMAL_BUFSIZE];
    size_t n = 0;
    for (int i = 0; i < places; i++) {
        digits[n++] = (char)('0' + units % 10);
        units /= 10;
    }
    if (places > 0)
        digits[n++] = '.';
    do {
        digits[n++] = (char)('0' + units % 10);
        units /= 10;
    } while (units != 0);

    size_t len = 0;
    if (negative)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = digits[--n];
    buf[len] = '\0';
    return buf;
}

/* Converts a sign and a magnitude back to a qs_decimal, if it fits. */
static bool signed_from_magnitude(bool negative, qs_uwide mag, qs_decimal *out)
{
    if (negative) {
        if (mag > INT64_MIN_MAGNITUDE)
            return false;
        *out = mag == INT64_MIN_MAGNITUDE ? INT64_MIN : -(qs_decimal)mag;
    } else {
        if (mag > INT64_MAX)
            return false;
        *out = (qs_decimal)mag;
    }
    return true;
}

bool qs_decimal_round(qs_decimal v, int places, qs_decimal *out)
{
    if (!valid_places(places))
        return false;
    uint64_t step = (uint64_t)pow10_small(QS_DECIMAL_DIGITS - places);
    qs_uwide mag = (qs_uwide)rounded_units(magnitude(v), places) * step;
    return signed_from_magnitude(v < 0, mag, out);
}

bool qs_decimal_add(qs_decimal a, qs_decimal b, qs_decimal *out)
{
    qs_decimal r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool qs_decimal_sub(qs_decimal a, qs_decimal b, qs_decimal *out)
{
    qs_decimal r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool qs_wide_add(qs_wide a, qs_wide b, qs_wide *out)
{
    qs_wide r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool qs_wide_mul(qs_wide a, qs_wide b, qs_wide *out)
{
    qs_wide r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

static qs_uwide wide_magnitude(qs_wide v)
{
    return v < 0 ? (qs_uwide)0 - (qs_uwide)v : (qs_uwide)v;
}

/* Works on unsigned magnitudes, so INT128_MIN / -1 and |INT128_MIN| are
 * well defined; the remainder test |r| >= |den| - |r| is 2|r| >= |den|
 * without the doubling overflow. */
bool qs_decimal_from_ratio(qs_wide num, qs_wide den, int places, qs_decimal *out)
{
    if (den == 0 || !valid_places(places))
        return false;
    qs_wide scaled;
    if (!qs_wide_mul(num, qs_wide_pow10(places), &scaled))
        return false;
    qs_uwide n = wide_magnitude(scaled);
    qs_uwide d = wide_magnitude(den);
    qs_uwide q = n / d;
    qs_uwide r = n % d;
    if (r >= d - r)
        q++;
    qs_uwide units;
    qs_uwide step = (qs_uwide)pow10_small(QS_DECIMAL_DIGITS - places);
    if (__builtin_mul_overflow(q, step, &units))
        return false;
    return signed_from_magnitude((scaled < 0) != (den < 0), units, out);
}

/* Out-of-range n yields 0, which no caller can mistake for a power of ten. */
qs_wide qs_wide_pow10(int n)
{
    if (n < 0 || n > 36)
        return 0;
    qs_wide p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

static const struct {
    char code[4];
    int minor_digits;
} currencies[] = {
    {"AED", 2}, {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2},
    {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"CZK", 2}, {"DKK", 2}, {"EUR", 2},
    {"GBP", 2}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2},
    {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3},
    {"LYD", 3}, {"MXN", 2}, {"MYR", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3},
    {"PHP", 2}, {"PLN", 2}, {"PYG", 0}, {"RON", 2}, {"SAR", 2}, {"SEK", 2},
    {"SGD", 2}, {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2},
    {"UGX", 0}, {"USD", 2}, {"VND", 0}, {"XAF", 0}, {"XOF", 0}, {"ZAR", 2},
};

int qs_currency_minor_digits(const char *code)
{
    if (code == NULL)
        return -1;
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
        if (strcmp(code, currencies[i].code) == 0)
            return currencies[i].minor_digits;
    return -1;
}
