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
    test_lang();
    return check_failures != 0;
}
