/* values: checked decimals and dates from input files. */
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

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

bool qs_date_is_valid(const char *s)
{
    int y;
    return qs_date_parse(s, &y, NULL, NULL) && y >= 1900;
}

bool qs_value_date(const qs_input *src, const xmlNode *node, const char *attr,
                   const char *text, qs_date *out, qs_diags *d)
{
    if (qs_date_is_valid(text)) {
        out->year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 +
                    (text[2] - '0') * 10 + (text[3] - '0');
        out->month = (text[5] - '0') * 10 + (text[6] - '0');
        out->day = (text[8] - '0') * 10 + (text[9] - '0');
        return true;
    }
    report(src, node, attr, "bad-date", d, "%s '%s' is not a date of the form YYYY-MM-DD",
           attr ? attr : (const char *)node->name, text);
    return false;
}

const char *qs_date_format(qs_date date, char buf[11])
{
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)date.year % 10000u,
             (unsigned)date.month % 100u, (unsigned)date.day % 100u);
    return buf;
}

int qs_date_compare(qs_date a, qs_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return (a.day > b.day) - (a.day < b.day);
}

bool qs_revision_parse(const char *text, unsigned *out)
{
    size_t len = strspn(text, "0123456789");
    if (len == 0 || len > 4 || text[len] != '\0' || text[0] == '0')
        return false;
    *out = (unsigned)strtoul(text, NULL, 10);
    return true;
}
