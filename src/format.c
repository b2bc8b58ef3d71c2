/* format: display formatting of decimal strings and ISO dates in German and
 * English, without floating point and without the C locale. */
#include "format.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "decimal.h"

#define NBSP "\xC2\xA0"       /* U+00A0 NO-BREAK SPACE */
#define MINUS "-"             /* ASCII hyphen-minus: see format.h */

/* A grouped number: 15 integer digits, 4 separators of up to 3 bytes, a
 * point and 4 fractional digits fit with room to spare. */
#define NUMBER_BUFSIZE 48

bool qs_lang_parse(const char *text, qs_lang *out)
{
    if (text && strcmp(text, "de") == 0) {
        *out = QS_LANG_DE;
        return true;
    }
    if (text && strcmp(text, "en") == 0) {
        *out = QS_LANG_EN;
        return true;
    }
    return false;
}

const char *qs_format_status_message(qs_fmt_status st)
{
    switch (st) {
    case QS_FMT_OK:
        return "ok";
    case QS_FMT_NUMBER:
        return "not a decimal number (expected digits with at most 4 decimals, "
               "like 1234.5)";
    case QS_FMT_CURRENCY:
        return "unknown currency code";
    case QS_FMT_DATE:
        return "not a calendar date of the form YYYY-MM-DD";
    case QS_FMT_OVERFLOW:
        return "number too large";
    }
    return "unknown error";
}

/* Parses an optionally negative decimal string. */
static qs_fmt_status parse_signed(const char *text, qs_decimal *out)
{
    if (!text)
        return QS_FMT_NUMBER;
    bool negative = text[0] == '-';
    qs_decimal v;
    if (qs_decimal_parse(text + negative, &v) != QS_DEC_OK)
        return QS_FMT_NUMBER;
    *out = negative ? -v : v;
    return QS_FMT_OK;
}

/* Writes the digits of |v| with `places` fractional digits (rounded half
 * away from zero) into out: integer part grouped by threes with `group`
 * (NULL: no grouping), then `point` and the fraction. When `trim` is set,
 * trailing fractional zeros (and a bare point) are dropped. Sets *negative
 * when the rounded value is below zero. */
static qs_fmt_status write_number(qs_decimal v, int places, bool trim,
                                  const char *group, const char *point,
                                  char *out, size_t cap, bool *negative)
{
    qs_decimal r;
    if (!qs_decimal_round(v, places, &r))
        return QS_FMT_OVERFLOW;
    *negative = r < 0;
    char digits[QS_DECIMAL_BUFSIZE];
    qs_decimal_format(r < 0 ? -r : r, places, digits);

    const char *dot = strchr(digits, '.');
    size_t nint = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t len = 0;
    for (size_t i = 0; i < nint; i++) {
        if (group && i > 0 && (nint - i) % 3 == 0) {
            size_t g = strlen(group);
            if (len + g >= cap)
                return QS_FMT_OVERFLOW;
            memcpy(out + len, group, g);
            len += g;
        }
        if (len + 1 >= cap)
            return QS_FMT_OVERFLOW;
        out[len++] = digits[i];
    }
    if (dot) {
        size_t nfrac = strlen(dot + 1);
        if (trim)
            while (nfrac > 0 && dot[nfrac] == '0')
                nfrac--;
        if (nfrac > 0) {
            size_t p = strlen(point);
            if (len + p + nfrac >= cap)
                return QS_FMT_OVERFLOW;
            memcpy(out + len, point, p);
            len += p;
            memcpy(out + len, dot + 1, nfrac);
            len += nfrac;
        }
    }
    out[len] = '\0';
    return QS_FMT_OK;
}

/* Appends at most `max` bytes of s to out (of *len bytes so far), as
 * "%.*s" would. The results are assembled with it instead of snprintf,
 * which cost 40 to 55 % of each call (0.18 M instructions for the 60-line
 * bench quote's table). The pieces always fit QS_FORMAT_BUFSIZE. */
static void append(char *out, size_t *len, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

static const char *currency_symbol(const char *code)
{
    static const struct {
        const char *code, *symbol;
    } symbols[] = {
        {"EUR", "\xE2\x82\xAC"}, /* € */
        {"USD", "$"},
        {"GBP", "\xC2\xA3"},     /* £ */
        {"JPY", "\xC2\xA5"},     /* ¥ */
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        if (strcmp(code, symbols[i].code) == 0)
            return symbols[i].symbol;
    return NULL;
}

qs_fmt_status qs_format_money(const char *amount, const char *currency,
                              qs_lang lang, char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    qs_decimal v;
    qs_fmt_status st = parse_signed(amount, &v);
    if (st != QS_FMT_OK)
        return st;
    int places = qs_currency_minor_digits(currency);
    if (places < 0 || places > QS_DECIMAL_DIGITS)
        return QS_FMT_CURRENCY;
    /* Never round for display: a unit price of 0.125 shows all its digits;
     * a price with cents in a currency without them (49.90 in JPY) shows
     * two, as prices do, not "49,9". */
    qs_decimal unit = 1;
    for (int i = places; i < QS_DECIMAL_DIGITS; i++)
        unit *= 10;
    if (places < 2 && v % unit != 0) {
        unit /= places == 0 ? 100 : 10;
        places = 2;
    }
    while (places < QS_DECIMAL_DIGITS && v % unit != 0) {
        places++;
        unit /= 10;
    }

    char num[NUMBER_BUFSIZE];
    bool negative;
    bool de = lang == QS_LANG_DE;
    st = write_number(v, places, false, de ? "." : ",", de ? "," : ".", num,
                      sizeof num, &negative);
    if (st != QS_FMT_OK)
        return st;
    const char *symbol = currency_symbol(currency);
    size_t len = 0;
    append(out, &len, negative ? MINUS : "", SIZE_MAX);
    if (de) {
        append(out, &len, num, SIZE_MAX);
        append(out, &len, NBSP, SIZE_MAX);
        append(out, &len, symbol ? symbol : currency, 3);
    } else if (symbol) {
        append(out, &len, symbol, 3);
        append(out, &len, num, SIZE_MAX);
    } else {
        append(out, &len, currency, 3);
        append(out, &len, NBSP, SIZE_MAX);
        append(out, &len, num, SIZE_MAX);
    }
    return QS_FMT_OK;
}

/* A number with trailing fractional zeros dropped, thousands grouped when
 * `grouped`, followed by `suffix`. */
static qs_fmt_status format_trimmed(const char *value, qs_lang lang, bool grouped,
                                    const char *suffix, char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    qs_decimal v;
    qs_fmt_status st = parse_signed(value, &v);
    if (st != QS_FMT_OK)
        return st;
    char num[NUMBER_BUFSIZE];
    bool negative;
    bool de = lang == QS_LANG_DE;
    const char *thousands = grouped ? (de ? "." : ",") : NULL;
    st = write_number(v, QS_DECIMAL_DIGITS, true, thousands, de ? "," : ".", num,
                      sizeof num, &negative);
    if (st != QS_FMT_OK)
        return st;
    size_t len = 0;
    append(out, &len, negative ? MINUS : "", SIZE_MAX);
    append(out, &len, num, SIZE_MAX);
    append(out, &len, suffix, SIZE_MAX);
    return QS_FMT_OK;
}

qs_fmt_status qs_format_percent(const char *value, qs_lang lang,
                                char out[QS_FORMAT_BUFSIZE])
{
    return format_trimmed(value, lang, false, lang == QS_LANG_DE ? NBSP "%" : "%", out);
}

qs_fmt_status qs_format_quantity(const char *value, qs_lang lang,
                                 char out[QS_FORMAT_BUFSIZE])
{
    return format_trimmed(value, lang, true, "", out);
}

/* ---- dates ---- */

static const char *const month_de[12] = {
    "Januar", "Februar", "M\xC3\xA4rz", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember"};
static const char *const month_en[12] = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"};
static const char *const month_en_short[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

qs_fmt_status qs_format_date(const char *iso, qs_lang lang, qs_date_style style,
                             char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    int y, m, d;
    if (!qs_date_parse(iso, &y, &m, &d))
        return QS_FMT_DATE;
    if (lang == QS_LANG_DE && style == QS_DATE_SHORT)
        snprintf(out, QS_FORMAT_BUFSIZE, "%02d.%02d.%04d", d, m, y);
    else if (lang == QS_LANG_DE)
        snprintf(out, QS_FORMAT_BUFSIZE, "%d. %s %04d", d, month_de[m - 1], y);
    else
        snprintf(out, QS_FORMAT_BUFSIZE, "%d %s %04d", d,
                 style == QS_DATE_SHORT ? month_en_short[m - 1] : month_en[m - 1], y);
    return QS_FMT_OK;
}

const char *qs_format_fixed(double v, int places, char out[QS_FORMAT_BUFSIZE])
{
    places = places < 0 ? 0 : places > 6 ? 6 : places;
    long long scale = 1;
    for (int i = 0; i < places; i++)
        scale *= 10;
    long long n = v > 0 && v < 1e12 ? (long long)(v * (double)scale + 0.5) : 0;
    int len = snprintf(out, QS_FORMAT_BUFSIZE, "%lld", n / scale);
    if (places > 0) {
        out[len] = '.';
        long long frac = n % scale;
        for (int i = places; i > 0; i--, frac /= 10)
            out[len + i] = (char)('0' + frac % 10);
        out[len + places + 1] = '\0';
    }
    return out;
}
