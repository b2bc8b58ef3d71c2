/* date: YYYY-MM-DD checked against the Gregorian calendar. */
#include "date.h"

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool qs_date_parse(const char *s, int *year, int *month, int *day)
{
    if (!s)
        return false;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    if (s[10] != '\0')
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && is_leap(y)))
        return false;
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return true;
}

bool qs_date_days(const char *s, long *days)
{
    int year, m, d;
    if (!qs_date_parse(s, &year, &m, &d))
        return false;
    *days = days_from_civil(year, m, d);
    return true;
}

int qs_date_iso_weekday(int year, int month, int day)
{
    /* 1970-01-01 was a Thursday (4). */
    long w = (days_from_civil(year, month, day) + 3) % 7;
    return (int)(w < 0 ? w + 7 : w) + 1;
}

/* ISO 8601 weeks in year y: 53 when it starts on a Thursday, or on a
 * Wednesday in a leap year. */
static int iso_weeks_in_year(int y)
{
    int jan1 = qs_date_iso_weekday(y, 1, 1);
    return jan1 == 4 || (jan1 == 3 && is_leap(y)) ? 53 : 52;
}

void qs_date_iso_week(int year, int month, int day, int *week, int *week_year)
{
    int doy = (int)(days_from_civil(year, month, day) - days_from_civil(year, 1, 1)) + 1;
    int w = (doy - qs_date_iso_weekday(year, month, day) + 10) / 7;
    *week_year = year;
    if (w < 1) {
        *week_year = year - 1;
        w = iso_weeks_in_year(year - 1);
    } else if (w > iso_weeks_in_year(year)) {
        *week_year = year + 1;
        w = 1;
    }
    *week = w;
}
