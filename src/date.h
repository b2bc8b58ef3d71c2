/* date: the one check of an ISO calendar date "YYYY-MM-DD" (year 0001 to
 * 9999, the month's real number of days, 29 February in leap years only),
 * and its weekday and ISO 8601 week.
 * Such strings compare with strcmp like the dates they name. */
#ifndef QS_DATE_H
#define QS_DATE_H

#include <stdbool.h>

/* True when `s` (may be NULL) is exactly a real calendar date YYYY-MM-DD;
 * then stores its parts (any out pointer may be NULL). */
bool qs_date_parse(const char *s, int *year, int *month, int *day);

/* The days since 1970-01-01 of `s`, a real calendar date YYYY-MM-DD;
 * false (and *days untouched) when it is not one. */
bool qs_date_days(const char *s, long *days);

/* The ISO weekday of a real calendar date: 1 = Monday .. 7 = Sunday. */
int qs_date_iso_weekday(int year, int month, int day);

/* The ISO 8601 week number (1 to 53) of a real calendar date and the
 * week-based year it belongs to (29 December 2025 is week 1 of 2026). */
void qs_date_iso_week(int year, int month, int day, int *week, int *week_year);

#endif
