/* format: locale-independent display formatting of the tree's decimal
 * strings (money, percentages, quantities) and ISO dates, in the document's
 * language. Values are parsed with decimal.c and never pass through binary
 * floating point or the C locale.
 *
 * Typography (the same in every function):
 * - German groups thousands with '.' and separates decimals with ','; English
 *   uses ',' and '.'.
 * - Between an amount and its currency, and between a German number and
 *   '%', the functions write U+00A0 NO-BREAK SPACE (DIN 5008 asks for a full
 *   space; the no-break keeps the pair on one line).
 * - Negative values start with an ASCII hyphen-minus, in both languages:
 *   "-1.234,56 €", "-€1,234.56". (U+2212 would be finer, but the shipped
 *   Noto Sans subset has no glyph for it, and '-' survives copy and paste
 *   into spreadsheets.)
 * Ownership: results are written into caller-provided buffers of
 * QS_FORMAT_BUFSIZE bytes; nothing is allocated. */
#ifndef QS_FORMAT_H
#define QS_FORMAT_H

#include <stdbool.h>

/* Large enough for any result: sign, symbol, 15 grouped integer digits,
 * 4 fractional digits, spaces, a long date. */
#define QS_FORMAT_BUFSIZE 80

typedef enum { QS_LANG_DE, QS_LANG_EN } qs_lang;

typedef enum {
    QS_FMT_OK,
    QS_FMT_NUMBER,    /* not -?[0-9]+(\.[0-9]{1,4})? with <= 15 integer digits */
    QS_FMT_CURRENCY,  /* not an ISO 4217 code quotesmith knows */
    QS_FMT_DATE,      /* not a real calendar date YYYY-MM-DD */
    QS_FMT_OVERFLOW,  /* rounding overflowed, or the result is too long */
    QS_FMT_PATTERN,   /* not a valid number or date pattern */
    QS_FMT_IBAN       /* not 5 to 34 letters and digits (spaces aside) */
} qs_fmt_status;

typedef enum { QS_DATE_SHORT, QS_DATE_LONG } qs_date_style;

/* Parses "de" or "en" into *out. Returns false for anything else. */
bool qs_lang_parse(const char *text, qs_lang *out);

/* The language's decimal separator: "," for German, "." for English. */
const char *qs_lang_decimal_mark(qs_lang lang);

/* A short English description of a failure, for diagnostics. */
const char *qs_format_status_message(qs_fmt_status st);

/* Formats `amount` (a decimal string, optionally with a leading '-') in
 * `currency` (ISO 4217) with at least the currency's minor digits
 * (qs_currency_minor_digits) and never rounded: a unit price of 0.125 keeps
 * its third decimal, 1234.5 gets its second; a fraction in a currency
 * without minor unit shows at least two decimals (49.9 JPY: "49,90 ¥"):
 *   de: "1.234,56 €", "0,125 €", "1.234,56 CHF", "1.235 ¥"
 *   en: "€1,234.56",  "€0.125",  "CHF 1,234.56", "$1,234.56", "¥1,235"
 * Symbols are used for EUR (€), USD ($), GBP (£) and JPY (¥); every other
 * currency is written as its code. */
qs_fmt_status qs_format_money(const char *amount, const char *currency,
                              qs_lang lang, char out[QS_FORMAT_BUFSIZE]);

/* Formats a percentage, trailing fractional zeros dropped, no grouping:
 * de "19 %" (U+00A0 before '%'), "2,5 %"; en "19%", "2.5%". */
qs_fmt_status qs_format_percent(const char *value, qs_lang lang,
                                char out[QS_FORMAT_BUFSIZE]);

/* Formats a quantity, thousands grouped, trailing fractional zeros dropped:
 * de "2,5", "1.000"; en "2.5", "1,000". */
qs_fmt_status qs_format_quantity(const char *value, qs_lang lang,
                                 char out[QS_FORMAT_BUFSIZE]);

/* Formats an ISO date "YYYY-MM-DD" (checked against the calendar):
 *   short: de "26.11.2026",        en "26 Nov 2026"
 *   long:  de "26. November 2026", en "26 November 2026" */
qs_fmt_status qs_format_date(const char *iso, qs_lang lang, qs_date_style style,
                             char out[QS_FORMAT_BUFSIZE]);

/* The longest date pattern, and the longest prefix plus suffix of a number
 * pattern, in bytes. */
#define QS_PATTERN_MAX 24

/* Formats a decimal string by `pattern` (docs/templates.md, "Patterns"):
 * a name, "money" (qs_format_money in `currency`), "amount" (the same
 * digits without the currency), "percent", "qty"; or a picture
 * [prefix] digits [suffix], where the digits are '#' and ',' then '0's
 * before an optional '.', then '0's and '#'s: "0.00" gives de "2,50",
 * "#,##0" gives "1.235" (rounded half away from zero), "0.0#" keeps one or
 * two decimals, "000" pads to three digits; ',' and '.' print as the
 * language's separators. Prefix and suffix (at most QS_PATTERN_MAX bytes
 * together) are literal text without '0', '#', ',' or '.'; a minus sign
 * goes right before the digits. QS_FMT_PATTERN for a bad pattern (also
 * more than 4 decimals or 15 integer zeros). */
qs_fmt_status qs_format_number(const char *value, const char *pattern,
                               const char *currency, qs_lang lang,
                               char out[QS_FORMAT_BUFSIZE]);

/* Formats an ISO date by `pattern`: "short" or "long" (qs_format_date), or
 * a picture of at most QS_PATTERN_MAX bytes with the fields d dd (day),
 * M MM (month number), MMM MMMM (month name, short and long), yy yyyy
 * (year), w ww (ISO 8601 week number), YYYY (its week-based year), EEE
 * EEEE (weekday name, short and long), in the document's language. Text in
 * single quotes is literal ('' is a quote); other ASCII letters are
 * errors; every other character is copied. "d. MMMM yyyy" gives de
 * "26. November 2026"; "'KW' ww" gives "KW 48". */
qs_fmt_status qs_format_date_pattern(const char *iso, const char *pattern, qs_lang lang,
                                     char out[QS_FORMAT_BUFSIZE]);

/* Formats an IBAN as DIN 5008 and the EPC write it: upper case, in groups
 * of four from the left, the last group shorter when the length is not a
 * multiple of four, the groups joined by U+00A0 NO-BREAK SPACE (so that a
 * line never breaks inside it): "de12 3456 7890..." and "DE1234567890..."
 * both give "DE12 3456 7890 ...". Spaces (also U+00A0) in the value are
 * dropped first. QS_FMT_IBAN unless 5 to 34 ASCII letters and digits are
 * left; the check digits are not verified (the rule function iban-valid
 * does that, docs/rules.md). Any country, any length. */
qs_fmt_status qs_format_iban(const char *value, char out[QS_FORMAT_BUFSIZE]);

/* A measured quantity (seconds of a run) with `places` (0 to 6) decimals
 * and a '.', never through the C library's locale: 1.23456 at 3 ->
 * "1.235". Negative values count as 0. Returns out. */
const char *qs_format_fixed(double v, int places, char out[QS_FORMAT_BUFSIZE]);

#endif
