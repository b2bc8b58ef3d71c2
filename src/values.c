/* values: checked decimals and dates from input files. */
#include "values.h"

#include <string.h>

static void report(const qs_input *src, const xmlNode *node, const char *attr,
                   const char *rule, qs_diags *d, const char *fmt, ...) QS_PRINTF(6, 7);

static void report(const qs_input *src, const xmlNode *node, const char *attr,
                   const char *rule, qs_diags *d, const char *fmt, ...)
{
    unsigned line = 0, col = 0;
    qs_input_locate(src, node, attr, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    qs_diag_vadd(d, QS_SEV_ERROR, src->path, line, col, rule, fmt, ap);
    va_end(ap);
}

bool qs_value_decimal(const qs_input *src, const xmlNode *node, const char *attr,
                      const char *text, qs_decimal max, bool positive,
                      qs_decimal *out, qs_diags *d)
{
    const char *what = attr ? attr : (const char *)node->name;
    qs_decimal v = 0;
    qs_dec_status st = qs_decimal_parse(text, &v);
    if (st != QS_DEC_OK) {
        report(src, node, attr, "bad-number", d, "%s '%s': %s", what, text,
               qs_decimal_status_message(st));
        return false;
    }
    if (positive && v <= 0) {
        report(src, node, attr, "bad-number", d,
               "%s must be greater than 0, not '%s'", what, text);
        return false;
    }
    if (max >= 0 && v > max) {
        char buf[QS_DECIMAL_BUFSIZE];
        report(src, node, attr, "bad-number", d, "%s '%s' is larger than %s", what,
               text, qs_decimal_format(max, 0, buf));
        return false;
    }
    *out = v;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool qs_date_is_valid(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || day < 1)
        return false;
    return day <= days[m - 1] + (m == 2 && is_leap(y));
}

bool qs_value_date(const qs_input *src, const xmlNode *node, const char *attr,
                   const char *text, qs_diags *d)
{
    if (qs_date_is_valid(text))
        return true;
    report(src, node, attr, "bad-date", d, "%s '%s' is not a date of the form YYYY-MM-DD",
           attr ? attr : (const char *)node->name, text);
    return false;
}

bool qs_date_days(const char *s, long *days)
{
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    if (s[10] != '\0')
        return false;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
             (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && leap))
        return false;
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    long era = y / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return true;
}
