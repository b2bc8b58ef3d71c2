/* Unit tests for src/decimal.c: parsing, rounding, formatting, checked
 * arithmetic, exact ratios and the currency table. */
#include "check.h"
#include "decimal.h"

#include <stdint.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const qs_decimal SENTINEL = 4242;

static const char *status_name(qs_dec_status st)
{
    switch (st) {
    case QS_DEC_OK:
        return "OK";
    case QS_DEC_SYNTAX:
        return "SYNTAX";
    case QS_DEC_TOO_PRECISE:
        return "TOO_PRECISE";
    case QS_DEC_RANGE:
        return "RANGE";
    }
    return "?";
}

static qs_wide wide_max(void)
{
    qs_wide half = (qs_wide)1 << 126;
    return (half - 1) + half;
}

static qs_wide wide_min(void)
{
    return -wide_max() - 1;
}

static void test_parse(void)
{
    static const struct {
        const char *text;
        qs_dec_status status;
        qs_decimal value;
    } cases[] = {
        {"0", QS_DEC_OK, 0},
        {"0.0000", QS_DEC_OK, 0},
        {"1", QS_DEC_OK, 10000},
        {"1234.56", QS_DEC_OK, 12345600},
        {"1.2345", QS_DEC_OK, 12345},
        {"0.0001", QS_DEC_OK, 1},
        {"007.50", QS_DEC_OK, 75000},
        {"0000000000000000001", QS_DEC_OK, 10000},
        {"100000000000000", QS_DEC_OK, INT64_C(1000000000000000000)},
        {"922337203685477", QS_DEC_OK, INT64_C(9223372036854770000)},
        {"922337203685477.5807", QS_DEC_OK, INT64_MAX},
        {"922337203685477.5808", QS_DEC_RANGE, 0},
        {"922337203685478", QS_DEC_RANGE, 0},
        {"999999999999999", QS_DEC_RANGE, 0},
        {"1234567890123456", QS_DEC_RANGE, 0},
        {"000999999999999999", QS_DEC_RANGE, 0},
        {"1.23456", QS_DEC_TOO_PRECISE, 0},
        {"0.00000", QS_DEC_TOO_PRECISE, 0},
        {"1234567890123456.12345", QS_DEC_TOO_PRECISE, 0},
        {"", QS_DEC_SYNTAX, 0},
        {"1.2.3", QS_DEC_SYNTAX, 0},
        {"1e5", QS_DEC_SYNTAX, 0},
        {"-1", QS_DEC_SYNTAX, 0},
        {"+1", QS_DEC_SYNTAX, 0},
        {"nan", QS_DEC_SYNTAX, 0},
        {"inf", QS_DEC_SYNTAX, 0},
        {"0x10", QS_DEC_SYNTAX, 0},
        {" 1", QS_DEC_SYNTAX, 0},
        {"1 ", QS_DEC_SYNTAX, 0},
        {"1.", QS_DEC_SYNTAX, 0},
        {".5", QS_DEC_SYNTAX, 0},
        {".", QS_DEC_SYNTAX, 0},
        {"1,5", QS_DEC_SYNTAX, 0},
        {"1_000", QS_DEC_SYNTAX, 0},
        {"1..2", QS_DEC_SYNTAX, 0},
        {"1.23456x", QS_DEC_SYNTAX, 0},
        {"12345678901234567890x", QS_DEC_SYNTAX, 0},
        {"\xef\xbc\x91", QS_DEC_SYNTAX, 0}, /* fullwidth digit one */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        qs_decimal got = SENTINEL;
        qs_dec_status st = qs_decimal_parse(cases[i].text, &got);
        qs_decimal want = cases[i].status == QS_DEC_OK ? cases[i].value : SENTINEL;
        CHECK(st == cases[i].status && got == want,
              "parse \"%s\" -> %s %lld (got %s %lld)", cases[i].text,
              status_name(cases[i].status), (long long)want, status_name(st),
              (long long)got);
    }
    qs_decimal got = SENTINEL;
    CHECK(qs_decimal_parse(NULL, &got) == QS_DEC_SYNTAX && got == SENTINEL,
          "parse NULL -> SYNTAX");
}

static void test_status_messages(void)
{
    CHECK_STR(qs_decimal_status_message(QS_DEC_SYNTAX),
              "expected a decimal number like 1234.56 (digits, optional '.' and "
              "up to 4 decimals; no sign, exponent or grouping)",
              "message for SYNTAX");
    CHECK_STR(qs_decimal_status_message(QS_DEC_TOO_PRECISE),
              "more than 4 decimal places", "message for TOO_PRECISE");
    CHECK_STR(qs_decimal_status_message(QS_DEC_RANGE),
              "number out of range (at most 15 integer digits)",
              "message for RANGE");
}

/* Every row is checked through both qs_decimal_round and qs_decimal_format. */
static void test_round_and_format(void)
{
    static const struct {
        qs_decimal value;
        int places;
        qs_decimal rounded;
        const char *text;
    } cases[] = {
        {5000, 0, 10000, "1"},
        {-5000, 0, -10000, "-1"},
        {4999, 0, 0, "0"},
        {-4999, 0, 0, "0"},
        {15000, 0, 20000, "2"},
        {25000, 0, 30000, "3"},
        {-25000, 0, -30000, "-3"},
        {500, 1, 1000, "0.1"},
        {-500, 1, -1000, "-0.1"},
        {499, 1, 0, "0.0"},
        {-499, 1, 0, "0.0"},
        {2500, 1, 3000, "0.3"},
        {-2500, 1, -3000, "-0.3"},
        {1499, 1, 1000, "0.1"},
        {23450, 2, 23500, "2.35"},
        {-23450, 2, -23500, "-2.35"},
        {23440, 2, 23400, "2.34"},
        {-23440, 2, -23400, "-2.34"},
        {50, 2, 100, "0.01"},
        {-50, 2, -100, "-0.01"},
        {49, 2, 0, "0.00"},
        {-49, 2, 0, "0.00"},
        {26750, 2, 26800, "2.68"},
        {11150, 2, 11200, "1.12"},
        {10050, 2, 10100, "1.01"},
        {99950, 2, 100000, "10.00"},
        {-99950, 2, -100000, "-10.00"},
        {5, 3, 10, "0.001"},
        {-5, 3, -10, "-0.001"},
        {1234567, 3, 1234570, "123.457"},
        {-1, 4, -1, "-0.0001"},
        {0, 4, 0, "0.0000"},
        {12345600, 2, 12345600, "1234.56"},
        {-12345600, 0, -12350000, "-1235"},
        {INT64_MAX, 4, INT64_MAX, "922337203685477.5807"},
        {INT64_MAX, 2, INT64_C(9223372036854775800), "922337203685477.58"},
        {INT64_MIN, 4, INT64_MIN, "-922337203685477.5808"},
        {INT64_MIN, 2, INT64_C(-9223372036854775800), "-922337203685477.58"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        qs_decimal got = SENTINEL;
        bool ok = qs_decimal_round(cases[i].value, cases[i].places, &got);
        CHECK(ok && got == cases[i].rounded, "round %lld to %d places -> %lld",
              (long long)cases[i].value, cases[i].places,
              (long long)cases[i].rounded);
        char buf[QS_DECIMAL_BUFSIZE];
        CHECK_STR(qs_decimal_format(cases[i].value, cases[i].places, buf),
                  cases[i].text, "format %lld to %d places -> %s",
                  (long long)cases[i].value, cases[i].places, cases[i].text);
    }
}

static void test_format_extremes(void)
{
    char buf[QS_DECIMAL_BUFSIZE];
    CHECK_STR(qs_decimal_format(INT64_MAX, 0, buf), "922337203685478",
              "format INT64_MAX to 0 places rounds up past int64");
    CHECK_STR(qs_decimal_format(INT64_MIN, 0, buf), "-922337203685478",
              "format INT64_MIN to 0 places rounds away from zero");
    CHECK_STR(qs_decimal_format(INT64_MIN, 3, buf), "-922337203685477.581",
              "format INT64_MIN to 3 places rounds away from zero");
    CHECK(qs_decimal_format(1, 2, buf) == buf, "format returns buf");
}

static void test_round_overflow(void)
{
    qs_decimal got = SENTINEL;
    CHECK(!qs_decimal_round(INT64_MAX, 0, &got) && got == SENTINEL,
          "round INT64_MAX to 0 places overflows");
    CHECK(!qs_decimal_round(INT64_MIN, 0, &got) && got == SENTINEL,
          "round INT64_MIN to 0 places overflows");
    CHECK(!qs_decimal_round(INT64_MIN, 3, &got) && got == SENTINEL,
          "round INT64_MIN to 3 places overflows");
    CHECK(!qs_decimal_round(1, 5, &got) && !qs_decimal_round(1, -1, &got),
          "round rejects places outside 0..4");
}

static void test_add_sub(void)
{
    qs_decimal got = SENTINEL;
    CHECK(qs_decimal_add(10000, 25000, &got) && got == 35000, "add 1 + 2.5");
    CHECK(qs_decimal_add(INT64_MIN, INT64_MAX, &got) && got == -1,
          "add INT64_MIN + INT64_MAX");
    got = SENTINEL;
    CHECK(!qs_decimal_add(INT64_MAX, 1, &got) && got == SENTINEL,
          "add INT64_MAX + 1 overflows, out untouched");
    CHECK(!qs_decimal_add(INT64_MIN, -1, &got) && got == SENTINEL,
          "add INT64_MIN + -1 overflows");
    CHECK(qs_decimal_sub(10000, 25000, &got) && got == -15000, "sub 1 - 2.5");
    CHECK(qs_decimal_sub(INT64_MIN, -1, &got) && got == INT64_MIN + 1,
          "sub INT64_MIN - -1");
    got = SENTINEL;
    CHECK(!qs_decimal_sub(INT64_MIN, 1, &got) && got == SENTINEL,
          "sub INT64_MIN - 1 overflows, out untouched");
    CHECK(!qs_decimal_sub(0, INT64_MIN, &got) && got == SENTINEL,
          "sub 0 - INT64_MIN overflows");
}

static void test_wide(void)
{
    qs_wide got = 7;
    qs_wide two_64 = (qs_wide)1 << 64;
    qs_wide two_63 = (qs_wide)1 << 63;
    CHECK(qs_wide_add(2, 3, &got) && got == 5, "wide add 2 + 3");
    CHECK(!qs_wide_add(wide_max(), 1, &got) && got == 5,
          "wide add INT128_MAX + 1 overflows, out untouched");
    CHECK(!qs_wide_add(wide_min(), -1, &got), "wide add INT128_MIN + -1 overflows");
    CHECK(qs_wide_mul(-two_64, two_63, &got) && got == wide_min(),
          "wide mul -2^64 * 2^63 = INT128_MIN");
    CHECK(!qs_wide_mul(two_64, two_63, &got) && got == wide_min(),
          "wide mul 2^64 * 2^63 overflows, out untouched");
    CHECK(!qs_wide_mul(wide_min(), -1, &got), "wide mul INT128_MIN * -1 overflows");
    CHECK(qs_wide_mul(qs_wide_pow10(36), 100, &got) && got / qs_wide_pow10(36) == 100,
          "wide mul 10^36 * 100 fits");
    CHECK(!qs_wide_mul(qs_wide_pow10(36), 1000, &got), "wide mul 10^36 * 1000 overflows");
}

static void test_pow10(void)
{
    qs_wide expect = 1;
    bool all_ok = true;
    for (int n = 0; n <= 36; n++) {
        all_ok = all_ok && qs_wide_pow10(n) == expect;
        expect *= 10;
    }
    CHECK(all_ok, "pow10 0..36 match repeated multiplication");
    CHECK(qs_wide_pow10(0) == 1 && qs_wide_pow10(4) == QS_DECIMAL_SCALE,
          "pow10(0) == 1, pow10(4) == scale");
    CHECK(qs_wide_pow10(18) == (qs_wide)INT64_C(1000000000000000000), "pow10(18)");
}

static void test_from_ratio(void)
{
    static const struct {
        long long num, den;
        int places;
        qs_decimal want;
    } cases[] = {
        {1, 8, 2, 1300},
        {-1, 8, 2, -1300},
        {1, -8, 2, -1300},
        {-1, -8, 2, 1300},
        {1, 3, 2, 3300},
        {2, 3, 2, 6700},
        {-2, 3, 2, -6700},
        {1, 3, 4, 3333},
        {2, 3, 4, 6667},
        {5, 2, 0, 30000},
        {-5, 2, 0, -30000},
        {3, 2, 0, 20000},
        {1, 2, 0, 10000},
        {-1, 2, 0, -10000},
        {4999, 10000, 0, 0},
        {-4999, 10000, 0, 0},
        {1, 20, 1, 1000},
        {0, 5, 2, 0},
        {7, 1, 4, 70000},
        {1005 * 19, 100 * 100, 2, 19100},                 /* 19% of 10.05 */
        {123456LL * 30000, 10000LL * 10000, 2, 370400},   /* 12.3456 * 3 */
        {922337203685477, 1, 0, INT64_C(9223372036854770000)},
        {-922337203685477, 1, 0, INT64_C(-9223372036854770000)},
        {INT64_MIN, 10000, 4, INT64_MIN},
        {INT64_MAX, 10000, 4, INT64_MAX},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        qs_decimal got = SENTINEL;
        bool ok = qs_decimal_from_ratio(cases[i].num, cases[i].den,
                                        cases[i].places, &got);
        CHECK(ok && got == cases[i].want,
              "ratio %lld/%lld at %d places -> %lld (got %lld)", cases[i].num,
              cases[i].den, cases[i].places, (long long)cases[i].want,
              (long long)got);
    }
}

static void test_from_ratio_failures(void)
{
    qs_decimal got = SENTINEL;
    CHECK(!qs_decimal_from_ratio(1, 0, 2, &got) && got == SENTINEL,
          "ratio with den == 0 fails");
    CHECK(!qs_decimal_from_ratio(0, 0, 0, &got), "ratio 0/0 fails");
    CHECK(!qs_decimal_from_ratio(922337203685478, 1, 0, &got) && got == SENTINEL,
          "ratio beyond INT64_MAX fails");
    CHECK(!qs_decimal_from_ratio(-922337203685478, 1, 0, &got),
          "ratio below INT64_MIN fails");
    CHECK(!qs_decimal_from_ratio((qs_wide)INT64_MAX + 1, 10000, 4, &got),
          "ratio one unit beyond INT64_MAX fails");
    CHECK(!qs_decimal_from_ratio(wide_max(), 1, 2, &got),
          "ratio fails when num * 10^places overflows 128 bits");
    CHECK(!qs_decimal_from_ratio(wide_min(), -1, 0, &got),
          "ratio INT128_MIN / -1 fails without trapping");
    CHECK(qs_decimal_from_ratio(1, wide_min(), 4, &got) && got == 0,
          "ratio 1 / INT128_MIN rounds to 0");
    CHECK(qs_decimal_from_ratio(wide_min(), wide_min(), 0, &got) && got == 10000,
          "ratio INT128_MIN / INT128_MIN is 1");
    CHECK(!qs_decimal_from_ratio(1, 3, 5, &got) && !qs_decimal_from_ratio(1, 3, -1, &got),
          "ratio rejects places outside 0..4");
}

static void test_currencies(void)
{
    static const struct {
        const char *code;
        int digits;
    } cases[] = {
        {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"JPY", 0}, {"SEK", 2},
        {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"ISK", 0},
        {"KRW", 0}, {"BHD", 3}, {"KWD", 3}, {"TND", 3}, {"CAD", 2}, {"AUD", 2},
        {"NZD", 2}, {"CNY", 2}, {"HKD", 2}, {"SGD", 2}, {"INR", 2}, {"BRL", 2},
        {"MXN", 2}, {"ZAR", 2}, {"TRY", 2}, {"RON", 2}, {"BGN", 2},
        {"eur", -1}, {"Eur", -1}, {"EURO", -1}, {"EU", -1}, {"", -1},
        {"XXX", -1}, {" EUR", -1},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        CHECK(qs_currency_minor_digits(cases[i].code) == cases[i].digits,
              "currency \"%s\" -> %d", cases[i].code, cases[i].digits);
    CHECK(qs_currency_minor_digits(NULL) == -1, "currency NULL -> -1");
}

int main(void)
{
    test_parse();
    test_status_messages();
    test_round_and_format();
    test_format_extremes();
    test_round_overflow();
    test_add_sub();
    test_wide();
    test_pow10();
    test_from_ratio();
    test_from_ratio_failures();
    test_currencies();
    return check_failures != 0;
}
