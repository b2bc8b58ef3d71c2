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

const char *qs_lang_decimal_mark(qs_lang lang)
{
    return lang == QS_LANG_DE ? "," : ".";
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
    case QS_FMT_PATTERN:
        return "not a valid pattern (docs/templates.md, \"Patterns\")";
    case QS_FMT_IBAN:
        return "not an IBAN (5 to 34 letters and digits)";
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

/* The grouped digits of an amount as money shows them: at least the
 * currency's minor digits, never rounded (a unit price of 0.125 keeps its
 * third decimal); a price with cents in a currency without them (49.90 in
 * JPY) shows two, as prices do, not "49,9". */
static qs_fmt_status money_digits(const char *amount, const char *currency, qs_lang lang,
                                  char num[NUMBER_BUFSIZE], bool *negative)
{
    qs_decimal v;
    qs_fmt_status st = parse_signed(amount, &v);
    if (st != QS_FMT_OK)
        return st;
    int places = qs_currency_minor_digits(currency);
    if (places < 0 || places > QS_DECIMAL_DIGITS)
        return QS_FMT_CURRENCY;
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
    bool de = lang == QS_LANG_DE;
    return write_number(v, places, false, de ? "." : ",", qs_lang_decimal_mark(lang), num,
                        NUMBER_BUFSIZE, negative);
}

qs_fmt_status qs_format_money(const char *amount, const char *currency,
                              qs_lang lang, char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    char num[NUMBER_BUFSIZE];
    bool negative;
    bool de = lang == QS_LANG_DE;
    qs_fmt_status st = money_digits(amount, currency, lang, num, &negative);
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

qs_fmt_status qs_format_iban(const char *value, char out[QS_FORMAT_BUFSIZE])
{
    char *o = out;
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            continue;
        if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p++;
            continue;
        }
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || n == 34) {
            out[0] = '\0';
            return QS_FMT_IBAN;
        }
        if (n > 0 && n % 4 == 0) {
            *o++ = (char)0xC2;
            *o++ = (char)0xA0;
        }
        *o++ = c;
        n++;
    }
    *o = '\0';
    if (n < 5)
        out[0] = '\0';
    return n >= 5 ? QS_FMT_OK : QS_FMT_IBAN;
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

/* ---- number patterns ---- */

/* A number pattern, parsed: [prefix] digits [suffix]. */
typedef struct {
    const char *prefix, *suffix;  /* into the pattern */
    size_t prefix_len, suffix_len;
    int min_int;                  /* '0's before the point */
    bool grouped;                 /* a ',' before the point */
    int min_frac, max_frac;       /* '0's, then '0's and '#'s after it */
} number_pattern;

static bool is_digit_char(char c)
{
    return c == '0' || c == '#' || c == ',' || c == '.';
}

/* Parses "[prefix]#,##0.00#[suffix]". Prefix and suffix hold no pattern
 * character; the digits are '#'/',' then '0's (at least one) before the
 * point, '0's then '#'s after it. */
static bool parse_number_pattern(const char *p, number_pattern *np)
{
    memset(np, 0, sizeof *np);
    size_t i = 0;
    while (p[i] && !is_digit_char(p[i]))
        i++;
    np->prefix = p;
    np->prefix_len = i;
    bool seen_zero = false;
    for (; p[i] == '#' || p[i] == ',' || p[i] == '0'; i++) {
        if (p[i] == '#' && seen_zero)
            return false;
        seen_zero |= p[i] == '0';
        np->min_int += p[i] == '0';
        np->grouped |= p[i] == ',';
    }
    if (np->min_int == 0 || np->min_int > 15 || p[i - 1] == ',')
        return false;
    if (p[i] == '.') {
        for (i++; p[i] == '0'; i++)
            np->min_frac++;
        np->max_frac = np->min_frac;
        for (; p[i] == '#'; i++)
            np->max_frac++;
        if (np->max_frac == 0 || np->max_frac > QS_DECIMAL_DIGITS)
            return false;
    }
    np->suffix = p + i;
    np->suffix_len = strlen(p + i);
    for (size_t k = 0; k < np->suffix_len; k++)
        if (is_digit_char(np->suffix[k]))
            return false;
    return np->prefix_len + np->suffix_len <= QS_PATTERN_MAX;
}

/* Formats v by the parsed pattern np. */
static qs_fmt_status format_by_pattern(qs_decimal v, const number_pattern *np, qs_lang lang,
                                       char out[QS_FORMAT_BUFSIZE])
{
    bool de = lang == QS_LANG_DE;
    char plain[NUMBER_BUFSIZE], num[NUMBER_BUFSIZE];
    bool negative;
    qs_fmt_status st = write_number(v, np->max_frac, false, NULL, ".", plain,
                                    sizeof plain, &negative);
    if (st != QS_FMT_OK)
        return st;
    /* Leading zeros up to min_int, then grouping, then the fraction cut
     * back to min_frac where it ends in zeros. */
    const char *dot = strchr(plain, '.');
    size_t nint = dot ? (size_t)(dot - plain) : strlen(plain);
    size_t width = nint < (size_t)np->min_int ? (size_t)np->min_int : nint;
    size_t len = 0;
    for (size_t i = 0; i < width; i++) {
        if (np->grouped && i > 0 && (width - i) % 3 == 0)
            append(num, &len, de ? "." : ",", SIZE_MAX);
        char c[2] = {i < width - nint ? '0' : plain[i - (width - nint)], '\0'};
        append(num, &len, c, 1);
    }
    if (dot) {
        size_t nfrac = strlen(dot + 1);
        while (nfrac > (size_t)np->min_frac && dot[nfrac] == '0')
            nfrac--;
        if (nfrac > 0) {
            append(num, &len, de ? "," : ".", SIZE_MAX);
            append(num, &len, dot + 1, nfrac);
        }
    }
    len = 0;
    out[0] = '\0';
    append(out, &len, np->prefix, np->prefix_len);
    append(out, &len, negative ? MINUS : "", SIZE_MAX);
    append(out, &len, num, SIZE_MAX);
    append(out, &len, np->suffix, np->suffix_len);
    return QS_FMT_OK;
}

qs_fmt_status qs_format_number(const char *value, const char *pattern,
                               const char *currency, qs_lang lang,
                               char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    if (strcmp(pattern, "money") == 0)
        return qs_format_money(value, currency, lang, out);
    if (strcmp(pattern, "percent") == 0)
        return qs_format_percent(value, lang, out);
    if (strcmp(pattern, "qty") == 0)
        return qs_format_quantity(value, lang, out);
    if (strcmp(pattern, "amount") == 0) {
        char num[NUMBER_BUFSIZE];
        bool negative;
        qs_fmt_status st = money_digits(value, currency, lang, num, &negative);
        if (st != QS_FMT_OK)
            return st;
        size_t len = 0;
        append(out, &len, negative ? MINUS : "", SIZE_MAX);
        append(out, &len, num, SIZE_MAX);
        return QS_FMT_OK;
    }
    number_pattern np;
    if (!parse_number_pattern(pattern, &np))
        return QS_FMT_PATTERN;
    qs_decimal v;
    qs_fmt_status st = parse_signed(value, &v);
    if (st != QS_FMT_OK)
        return st;
    return format_by_pattern(v, &np, lang, out);
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

/* ---- date patterns ---- */

static const char *const weekday_de[7] = {
    "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"};
static const char *const weekday_en[7] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const weekday_de_short[7] = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};
static const char *const weekday_en_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const month_de_short[12] = {
    "Jan.", "Feb.", "M\xC3\xA4rz", "Apr.", "Mai", "Juni",
    "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."};

/* Appends a number with at least `width` digits; false when it does not fit. */
static bool put_int(char *out, size_t *len, int v, int width)
{
    char b[16];
    int n = snprintf(b, sizeof b, "%0*d", width, v);
    if (*len + (size_t)n >= QS_FORMAT_BUFSIZE)
        return false;
    append(out, len, b, (size_t)n);
    return true;
}

static bool put_text(char *out, size_t *len, const char *s, size_t n)
{
    n = strnlen(s, n);
    if (*len + n >= QS_FORMAT_BUFSIZE)
        return false;
    append(out, len, s, n);
    return true;
}

/* One pattern letter run (`c` repeated `n` times) of a date. */
static qs_fmt_status put_field(char *out, size_t *len, char c, size_t n, int y, int m,
                               int d, qs_lang lang)
{
    bool de = lang == QS_LANG_DE;
    int week, week_year;
    bool ok;
    switch (c) {
    case 'd':
        if (n > 2)
            return QS_FMT_PATTERN;
        ok = put_int(out, len, d, (int)n);
        break;
    case 'M':
        if (n > 4)
            return QS_FMT_PATTERN;
        if (n <= 2) {
            ok = put_int(out, len, m, (int)n);
        } else {
            const char *const *names = n == 3 ? (de ? month_de_short : month_en_short)
                                              : (de ? month_de : month_en);
            ok = put_text(out, len, names[m - 1], SIZE_MAX);
        }
        break;
    case 'y':
        if (n != 2 && n != 4)
            return QS_FMT_PATTERN;
        ok = put_int(out, len, n == 2 ? y % 100 : y, (int)n);
        break;
    case 'w':
    case 'Y':
        if ((c == 'w' && n > 2) || (c == 'Y' && n != 4))
            return QS_FMT_PATTERN;
        qs_date_iso_week(y, m, d, &week, &week_year);
        ok = put_int(out, len, c == 'w' ? week : week_year, (int)n);
        break;
    case 'E': {
        if (n != 3 && n != 4)
            return QS_FMT_PATTERN;
        int wd = qs_date_iso_weekday(y, m, d) - 1;
        const char *const *days = n == 3 ? (de ? weekday_de_short : weekday_en_short)
                                         : (de ? weekday_de : weekday_en);
        ok = put_text(out, len, days[wd], SIZE_MAX);
        break;
    }
    default:
        return QS_FMT_PATTERN;
    }
    return ok ? QS_FMT_OK : QS_FMT_OVERFLOW;
}

static bool is_date_letter(char c)
{
    return c == 'd' || c == 'M' || c == 'y' || c == 'w' || c == 'Y' || c == 'E';
}

qs_fmt_status qs_format_date_pattern(const char *iso, const char *pattern, qs_lang lang,
                                     char out[QS_FORMAT_BUFSIZE])
{
    out[0] = '\0';
    if (strcmp(pattern, "short") == 0 || strcmp(pattern, "long") == 0)
        return qs_format_date(iso, lang, pattern[0] == 's' ? QS_DATE_SHORT : QS_DATE_LONG,
                              out);
    int y, m, d;
    if (strlen(pattern) > QS_PATTERN_MAX)
        return QS_FMT_PATTERN;
    if (!qs_date_parse(iso, &y, &m, &d))
        return QS_FMT_DATE;
    size_t len = 0;
    for (const char *p = pattern; *p;) {
        if (p[0] == '\'' && p[1] == '\'') {
            if (!put_text(out, &len, p, 1))
                return QS_FMT_OVERFLOW;
            p += 2;
        } else if (*p == '\'') {
            /* 'text' is literal; '' is one quote, inside a text too. */
            for (p++;; p++) {
                if (!*p)
                    return QS_FMT_PATTERN;
                if (*p == '\'' && p[1] != '\'')
                    break;
                p += *p == '\'';
                if (!put_text(out, &len, p, 1))
                    return QS_FMT_OVERFLOW;
            }
            p++;
        } else if (is_date_letter(*p)) {
            size_t n = 1;
            while (p[n] == *p)
                n++;
            qs_fmt_status st = put_field(out, &len, *p, n, y, m, d, lang);
            if (st != QS_FMT_OK)
                return st;
            p += n;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            /* Other letters are reserved (a typo such as 'D' must not
             * print itself): text is quoted, 'KW' ww. */
            return QS_FMT_PATTERN;
        } else {
            if (!put_text(out, &len, p++, 1))
                return QS_FMT_OVERFLOW;
        }
    }
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
