/* Unit tests for src/format.c: money, percent, quantity and dates in German
 * and English, with the exact bytes expected (U+00A0 no-break spaces,
 * ASCII minus signs), and strict rejection of malformed input. */
#include "check.h"
#include "format.h"

#define NBSP "\xC2\xA0"
#define MINUS "-"
#define EURO "\xE2\x82\xAC"

static void money(const char *amount, const char *cur, qs_lang lang, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = qs_format_money(amount, cur, lang, out);
    CHECK(st == QS_FMT_OK, "money(%s, %s, %s) succeeds", amount, cur,
          lang == QS_LANG_DE ? "de" : "en");
    CHECK_STR(out, want, "money(%s, %s, %s)", amount, cur,
              lang == QS_LANG_DE ? "de" : "en");
}

static void test_money(void)
{
    money("1234.56", "EUR", QS_LANG_DE, "1.234,56" NBSP EURO);
    money("1234.56", "EUR", QS_LANG_EN, EURO "1,234.56");
    money("0.125", "EUR", QS_LANG_DE, "0,125" NBSP EURO);  /* never rounded */
    money("0.125", "EUR", QS_LANG_EN, EURO "0.125");
    money("0.1249", "EUR", QS_LANG_DE, "0,1249" NBSP EURO);
    money("1.9500", "EUR", QS_LANG_DE, "1,95" NBSP EURO);
    money("1234.5", "EUR", QS_LANG_DE, "1.234,50" NBSP EURO);
    money("1000000", "EUR", QS_LANG_DE, "1.000.000,00" NBSP EURO);
    money("1000000", "EUR", QS_LANG_EN, EURO "1,000,000.00");
    money("0", "EUR", QS_LANG_DE, "0,00" NBSP EURO);
    money("999", "EUR", QS_LANG_DE, "999,00" NBSP EURO);
    money("8490.00", "EUR", QS_LANG_DE, "8.490,00" NBSP EURO);
    money("1234.56", "CHF", QS_LANG_DE, "1.234,56" NBSP "CHF");
    money("1234.56", "CHF", QS_LANG_EN, "CHF" NBSP "1,234.56");
    money("1234.56", "USD", QS_LANG_EN, "$1,234.56");
    money("1234.56", "USD", QS_LANG_DE, "1.234,56" NBSP "$");
    money("1234.56", "GBP", QS_LANG_EN, "\xC2\xA3" "1,234.56");
    money("1235", "JPY", QS_LANG_DE, "1.235" NBSP "\xC2\xA5");
    /* a price with a fraction in JPY shows two decimals at least (issue 14) */
    money("1234.5", "JPY", QS_LANG_DE, "1.234,50" NBSP "\xC2\xA5");
    money("49.90", "JPY", QS_LANG_DE, "49,90" NBSP "\xC2\xA5");
    money("49.9", "JPY", QS_LANG_EN, "\xC2\xA5" "49.90");
    money("0.125", "JPY", QS_LANG_DE, "0,125" NBSP "\xC2\xA5");
    money("1234", "JPY", QS_LANG_EN, "\xC2\xA5" "1,234");
    money("-1234.56", "EUR", QS_LANG_DE, MINUS "1.234,56" NBSP EURO);
    money("-1234.56", "EUR", QS_LANG_EN, MINUS EURO "1,234.56");
    money("-1234.56", "CHF", QS_LANG_EN, MINUS "CHF" NBSP "1,234.56");
    money("-0.001", "EUR", QS_LANG_DE, MINUS "0,001" NBSP EURO);
    money("99999999999999.995", "EUR", QS_LANG_EN,
          EURO "99,999,999,999,999.995");
    money("99999999999999.99", "EUR", QS_LANG_DE,
          "99.999.999.999.999,99" NBSP EURO);
}

static void bad(qs_fmt_status got, qs_fmt_status want, const char *what)
{
    CHECK(got == want, "%s is rejected (%s)", what, qs_format_status_message(want));
}

static void test_bad_input(void)
{
    char out[QS_FORMAT_BUFSIZE];
    bad(qs_format_money("12,50", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money 12,50");
    CHECK_STR(out, "", "a failed call leaves an empty string");
    bad(qs_format_money("", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money ''");
    bad(qs_format_money(NULL, "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money NULL");
    bad(qs_format_money("1e3", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money 1e3");
    bad(qs_format_money("+1", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money +1");
    bad(qs_format_money("--1", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money --1");
    bad(qs_format_money(" 1", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money ' 1'");
    bad(qs_format_money("1.", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money 1.");
    bad(qs_format_money("1.12345", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money 1.12345");
    bad(qs_format_money("1000000000000000", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER,
        "money with 16 integer digits");
    bad(qs_format_money("NaN", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER, "money NaN");
    bad(qs_format_money("1", "XXX", QS_LANG_DE, out), QS_FMT_CURRENCY, "currency XXX");
    bad(qs_format_money("1", "", QS_LANG_DE, out), QS_FMT_CURRENCY, "currency ''");
    bad(qs_format_money("1", NULL, QS_LANG_DE, out), QS_FMT_CURRENCY, "currency NULL");
    bad(qs_format_percent("19 %", QS_LANG_DE, out), QS_FMT_NUMBER, "percent '19 %'");
    bad(qs_format_quantity("2,5", QS_LANG_DE, out), QS_FMT_NUMBER, "qty 2,5");
    bad(qs_format_date("2026-02-29", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "2026-02-29 (not a leap year)");
    bad(qs_format_date("2026-13-01", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "month 13");
    bad(qs_format_date("2026-04-31", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "April 31");
    bad(qs_format_date("2026-11-00", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "day 0");
    bad(qs_format_date("26.11.2026", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "a German date as input");
    bad(qs_format_date("2026-11-26T10:00", QS_LANG_DE, QS_DATE_SHORT, out),
        QS_FMT_DATE, "a date-time");
    bad(qs_format_date("2026-1-26", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE,
        "a one-digit month");
    bad(qs_format_date("", QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE, "''");
    bad(qs_format_date(NULL, QS_LANG_DE, QS_DATE_SHORT, out), QS_FMT_DATE, "NULL");
}

static void fmt(qs_fmt_status (*f)(const char *, qs_lang, char *), const char *name,
                const char *value, qs_lang lang, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = f(value, lang, out);
    CHECK(st == QS_FMT_OK, "%s(%s) succeeds", name, value);
    CHECK_STR(out, want, "%s(%s, %s)", name, value, lang == QS_LANG_DE ? "de" : "en");
}

static void test_percent_quantity(void)
{
    fmt(qs_format_percent, "percent", "19", QS_LANG_DE, "19" NBSP "%");
    fmt(qs_format_percent, "percent", "19", QS_LANG_EN, "19%");
    fmt(qs_format_percent, "percent", "2.5", QS_LANG_DE, "2,5" NBSP "%");
    fmt(qs_format_percent, "percent", "2.50", QS_LANG_EN, "2.5%");
    fmt(qs_format_percent, "percent", "19.00", QS_LANG_DE, "19" NBSP "%");
    fmt(qs_format_percent, "percent", "33.3333", QS_LANG_DE, "33,3333" NBSP "%");
    fmt(qs_format_percent, "percent", "0", QS_LANG_EN, "0%");
    fmt(qs_format_percent, "percent", "0.125", QS_LANG_DE, "0,125" NBSP "%");
    fmt(qs_format_percent, "percent", "-3", QS_LANG_DE, MINUS "3" NBSP "%");
    fmt(qs_format_quantity, "qty", "2.5", QS_LANG_DE, "2,5");
    fmt(qs_format_quantity, "qty", "2.5", QS_LANG_EN, "2.5");
    fmt(qs_format_quantity, "qty", "1000", QS_LANG_DE, "1.000");
    fmt(qs_format_quantity, "qty", "1000", QS_LANG_EN, "1,000");
    fmt(qs_format_quantity, "qty", "1000000", QS_LANG_DE, "1.000.000");
    fmt(qs_format_quantity, "qty", "1000000.0000", QS_LANG_EN, "1,000,000");
    fmt(qs_format_quantity, "qty", "0.125", QS_LANG_DE, "0,125");
    fmt(qs_format_quantity, "qty", "6", QS_LANG_DE, "6");
    fmt(qs_format_quantity, "qty", "12345.5", QS_LANG_DE, "12.345,5");
    fmt(qs_format_quantity, "qty", "100", QS_LANG_EN, "100");
}

static void date(const char *iso, qs_lang lang, qs_date_style style, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = qs_format_date(iso, lang, style, out);
    CHECK(st == QS_FMT_OK, "date(%s) succeeds", iso);
    CHECK_STR(out, want, "date(%s, %s, %s)", iso, lang == QS_LANG_DE ? "de" : "en",
              style == QS_DATE_LONG ? "long" : "short");
}

static void test_dates(void)
{
    date("2026-11-26", QS_LANG_DE, QS_DATE_SHORT, "26.11.2026");
    date("2026-11-26", QS_LANG_DE, QS_DATE_LONG, "26. November 2026");
    date("2026-11-26", QS_LANG_EN, QS_DATE_SHORT, "26 Nov 2026");
    date("2026-11-26", QS_LANG_EN, QS_DATE_LONG, "26 November 2026");
    date("2026-03-01", QS_LANG_DE, QS_DATE_SHORT, "01.03.2026");
    date("2026-03-01", QS_LANG_DE, QS_DATE_LONG, "1. M\xC3\xA4rz 2026");
    date("2026-03-01", QS_LANG_EN, QS_DATE_SHORT, "1 Mar 2026");
    date("2028-02-29", QS_LANG_EN, QS_DATE_LONG, "29 February 2028");
    date("2000-02-29", QS_LANG_DE, QS_DATE_SHORT, "29.02.2000");
}

static void number(const char *value, const char *pattern, qs_lang lang, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = qs_format_number(value, pattern, "EUR", lang, out);
    CHECK(st == QS_FMT_OK, "format-number(%s, '%s') succeeds", value, pattern);
    CHECK_STR(out, want, "format-number(%s, '%s', %s)", value, pattern,
              lang == QS_LANG_DE ? "de" : "en");
}

static void test_number_patterns(void)
{
    number("2.5", "0.00", QS_LANG_DE, "2,50");
    number("2.5", "0.00", QS_LANG_EN, "2.50");
    number("1234.5", "#,##0.00", QS_LANG_DE, "1.234,50");
    number("1234.5", "#,##0.00", QS_LANG_EN, "1,234.50");
    number("1234.5", "0", QS_LANG_DE, "1235");         /* half away from zero */
    number("-1234.5", "#,##0", QS_LANG_DE, MINUS "1.235");
    number("0.125", "0.00", QS_LANG_DE, "0,13");
    number("-0.125", "0.00", QS_LANG_EN, MINUS "0.13");
    number("-0.001", "0.00", QS_LANG_DE, "0,00");      /* no "-0,00" */
    number("2.5", "0.0#", QS_LANG_DE, "2,5");
    number("2.125", "0.0#", QS_LANG_DE, "2,13");
    number("2", "0.0#", QS_LANG_DE, "2,0");
    number("2.75", "0.##", QS_LANG_DE, "2,75");
    number("2", "0.##", QS_LANG_EN, "2");
    number("7", "000", QS_LANG_DE, "007");
    number("1234567", "#,##0", QS_LANG_EN, "1,234,567");
    number("3", "Nr 0 Stk", QS_LANG_DE, "Nr 3 Stk");
    number("-3", "0 h", QS_LANG_DE, MINUS "3 h");
    number("1234.5", "amount", QS_LANG_DE, "1.234,50");
    number("-1234.5", "amount", QS_LANG_EN, MINUS "1,234.50");
    number("0.125", "amount", QS_LANG_DE, "0,125");
    number("1234.5", "money", QS_LANG_DE, "1.234,50" NBSP EURO);
    number("19", "percent", QS_LANG_DE, "19" NBSP "%");
    number("1000", "qty", QS_LANG_DE, "1.000");
    number("99999999999999.99", "#,##0.00", QS_LANG_DE, "99.999.999.999.999,99");

    char out[QS_FORMAT_BUFSIZE];
    const char *bad_patterns[] = {
        "", "abc", "#", "0,", "0.", "0.00000", "0#", "0.#0", "0.0.0", "0 St.",
        "0 0", "0,00,0.0 #", "1234567890123456789012345 0", "0000000000000000",
    };
    for (size_t i = 0; i < sizeof bad_patterns / sizeof bad_patterns[0]; i++)
        bad(qs_format_number("1", bad_patterns[i], "EUR", QS_LANG_DE, out), QS_FMT_PATTERN,
            bad_patterns[i]);
    bad(qs_format_number("1,5", "0.00", "EUR", QS_LANG_DE, out), QS_FMT_NUMBER,
        "a comma number under a pattern");
    bad(qs_format_number("1", "amount", "XXX", QS_LANG_DE, out), QS_FMT_CURRENCY,
        "amount in an unknown currency");
}

static void date_pattern(const char *iso, const char *pattern, qs_lang lang, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = qs_format_date_pattern(iso, pattern, lang, out);
    CHECK(st == QS_FMT_OK, "format-date(%s, '%s') succeeds", iso, pattern);
    CHECK_STR(out, want, "format-date(%s, '%s', %s)", iso, pattern,
              lang == QS_LANG_DE ? "de" : "en");
}

static void test_date_patterns(void)
{
    date_pattern("2026-11-26", "d. MMMM yyyy", QS_LANG_DE, "26. November 2026");
    date_pattern("2026-11-26", "'KW' ww", QS_LANG_DE, "KW 48");
    date_pattern("2026-11-26", "'Week' w, YYYY", QS_LANG_EN, "Week 48, 2026");
    date_pattern("2026-03-05", "dd.MM.yy", QS_LANG_DE, "05.03.26");
    date_pattern("2026-03-05", "d.M.yyyy", QS_LANG_DE, "5.3.2026");
    date_pattern("2026-03-05", "MMM yyyy", QS_LANG_DE, "M\xC3\xA4rz 2026");
    date_pattern("2026-11-26", "MMM yyyy", QS_LANG_DE, "Nov. 2026");
    date_pattern("2026-11-26", "EEEE, d. MMMM yyyy", QS_LANG_DE,
                 "Donnerstag, 26. November 2026");
    date_pattern("2026-11-26", "EEE d MMM yyyy", QS_LANG_EN, "Thu 26 Nov 2026");
    date_pattern("2026-11-29", "EEE", QS_LANG_DE, "So");
    date_pattern("2026-11-26", "yyyy-MM-dd", QS_LANG_EN, "2026-11-26");
    date_pattern("2026-11-26", "'It''s' d", QS_LANG_EN, "It's 26");
    date_pattern("2026-11-26", "'' d", QS_LANG_EN, "' 26");
    date_pattern("2026-11-26", "short", QS_LANG_DE, "26.11.2026");
    date_pattern("2026-11-26", "long", QS_LANG_EN, "26 November 2026");
    /* ISO 8601 weeks at the year's edges. */
    date_pattern("2021-01-03", "ww/YYYY", QS_LANG_DE, "53/2020");
    date_pattern("2024-12-30", "ww/YYYY", QS_LANG_DE, "01/2025");
    date_pattern("2026-01-01", "ww/YYYY", QS_LANG_DE, "01/2026");
    date_pattern("2027-01-01", "ww/YYYY", QS_LANG_DE, "53/2026");
    date_pattern("2027-01-04", "w/YYYY", QS_LANG_DE, "1/2027");
    date_pattern("2028-12-31", "ww/YYYY", QS_LANG_DE, "52/2028");
    date_pattern("2000-02-29", "EEEE", QS_LANG_EN, "Tuesday");

    char out[QS_FORMAT_BUFSIZE];
    const char *bad_patterns[] = {
        "KW ww", "ddd", "MMMMM", "yyy", "www", "YY", "E", "'open", "D.M.yyyy",
        "1234567890123456789012345",
    };
    for (size_t i = 0; i < sizeof bad_patterns / sizeof bad_patterns[0]; i++)
        bad(qs_format_date_pattern("2026-11-26", bad_patterns[i], QS_LANG_DE, out),
            QS_FMT_PATTERN, bad_patterns[i]);
    bad(qs_format_date_pattern("2026-02-30", "d.M.", QS_LANG_DE, out), QS_FMT_DATE,
        "31 February under a pattern");
    bad(qs_format_date_pattern("2026-11-26", "MMMM MMMM MMMM", QS_LANG_DE, out),
        QS_FMT_OK, "three long months fit");
}

/* format-iban (issue 15): groups of four joined by U+00A0, spaces already
 * present dropped first, odd lengths, lower case; bad values rejected. */
static void iban(const char *value, const char *want)
{
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = qs_format_iban(value, out);
    CHECK(st == QS_FMT_OK, "format-iban(%s) succeeds", value);
    CHECK_STR(out, want, "format-iban(%s)", value);
}

static void test_iban(void)
{
    iban("DE12345678901234567890",
         "DE12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "90");
    iban("DE12 3456 7890 1234 5678 90",
         "DE12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "90");
    iban(" DE1 23456789 0123456 7890 ",
         "DE12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "90");
    iban("DE12" NBSP "3456\t7890 12345678 90",
         "DE12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "90");
    iban("nl91abna0417164300", "NL91" NBSP "ABNA" NBSP "0417" NBSP "1643" NBSP "00");
    iban("NO9386011117947", "NO93" NBSP "8601" NBSP "1117" NBSP "947");
    iban("BE68539007547034", "BE68" NBSP "5390" NBSP "0754" NBSP "7034");
    iban("MT84MALT011000012345MTLCAST001S",
         "MT84" NBSP "MALT" NBSP "0110" NBSP "0001" NBSP "2345" NBSP "MTLC" NBSP
         "AST0" NBSP "01S");
    iban("LC55HEMM000100010012001200023015",
         "LC55" NBSP "HEMM" NBSP "0001" NBSP "0001" NBSP "0012" NBSP "0012" NBSP
         "0002" NBSP "3015");
    iban("AB12345678901234567890123456789012",
         "AB12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "9012" NBSP
         "3456" NBSP "7890" NBSP "12");
    char out[QS_FORMAT_BUFSIZE];
    bad(qs_format_iban("AB123456789012345678901234567890123", out), QS_FMT_IBAN,
        "an IBAN of 35 characters");
    CHECK_STR(out, "", "a failed format-iban leaves an empty string");
    bad(qs_format_iban("DE12-3456-7890", out), QS_FMT_IBAN, "an IBAN with hyphens");
    bad(qs_format_iban("DE12 3456 7890 Ã", out), QS_FMT_IBAN, "an IBAN with an umlaut");
    bad(qs_format_iban("DE1 2", out), QS_FMT_IBAN, "an IBAN of 4 characters");
    bad(qs_format_iban("   ", out), QS_FMT_IBAN, "an empty IBAN");
    bad(qs_format_iban(NULL, out), QS_FMT_IBAN, "a NULL IBAN");
}

static void test_lang(void)
{
    qs_lang l = QS_LANG_EN;
    CHECK(qs_lang_parse("de", &l) && l == QS_LANG_DE, "lang de");
    CHECK(qs_lang_parse("en", &l) && l == QS_LANG_EN, "lang en");
    CHECK(!qs_lang_parse("fr", &l), "lang fr is refused");
    CHECK(!qs_lang_parse("DE", &l), "lang DE is refused");
    CHECK(!qs_lang_parse(NULL, &l), "lang NULL is refused");
}

int main(void)
{
    test_money();
    test_bad_input();
    test_percent_quantity();
    test_dates();
    test_number_patterns();
    test_date_patterns();
    test_lang();
    test_iban();
    return check_failures != 0;
}
