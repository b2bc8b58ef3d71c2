/* fuzz_decimal: qs_decimal_parse against an independent reading of its
 * grammar (decimal.h), and formatting and rounding round trips.
 *
 * For every input (a NUL-terminated copy; bytes after a NUL are ignored):
 * - the status must be the one the grammar calls for: SYNTAX unless
 *   [0-9]+(\.[0-9]+)?, then TOO_PRECISE beyond 4 decimals, then RANGE beyond
 *   15 integer digits (leading zeros not counted) or INT64_MAX units;
 * - on OK the value must be the exact one; qs_decimal_format(v, 4) must
 *   parse back to v; for 0..4 places the formatted text must have exactly
 *   that many decimals and parse to qs_decimal_round(v, places), which
 *   must be v rounded half away from zero (or fail, and the text be out of
 *   range, exactly when that exceeds INT64_MAX units); and -v
 *   must format as '-' followed by v's text (unless it rounds to zero). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "decimal.h"

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

/* The status and value the grammar calls for, computed in 128 bits. */
static qs_dec_status reference_parse(const char *s, qs_decimal *out)
{
    size_t i = 0, int_len = 0, frac_len = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    int_len = i;
    if (int_len == 0)
        return QS_DEC_SYNTAX;
    size_t frac = i;
    if (s[i] == '.') {
        frac = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        frac_len = i - frac;
        if (frac_len == 0)
            return QS_DEC_SYNTAX;
    }
    if (s[i] != '\0')
        return QS_DEC_SYNTAX;
    if (frac_len > 4)
        return QS_DEC_TOO_PRECISE;
    size_t lead = 0;
    while (lead + 1 < int_len && s[lead] == '0')
        lead++;
    if (int_len - lead > 15)
        return QS_DEC_RANGE;
    __extension__ __int128 v = 0;
    for (size_t k = lead; k < int_len; k++)
        v = v * 10 + (s[k] - '0');
    for (size_t k = 0; k < 4; k++)
        v = v * 10 + (k < frac_len ? s[frac + k] - '0' : 0);
    if (v > INT64_MAX)
        return QS_DEC_RANGE;
    *out = (qs_decimal)v;
    return QS_DEC_OK;
}

static size_t decimals_of(const char *text)
{
    const char *dot = strchr(text, '.');
    return dot ? strlen(dot + 1) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    qs_decimal v = -1, want = -1;
    qs_dec_status st = qs_decimal_parse(text, &v);
    qs_dec_status ref = reference_parse(text, &want);
    if (st != ref)
        fz_fail("'%s': status %s, the grammar says %s", text, status_name(st),
                status_name(ref));
    if (st == QS_DEC_OK && v != want)
        fz_fail("'%s': value %lld units, want %lld", text, (long long)v,
                (long long)want);
    if (st == QS_DEC_OK) {
        char buf[QS_DECIMAL_BUFSIZE], neg[QS_DECIMAL_BUFSIZE];
        for (int places = 0; places <= QS_DECIMAL_DIGITS; places++) {
            /* Half away from zero, in 128 bits: may exceed INT64_MAX. */
            __extension__ __int128 step = 1, want_round;
            for (int k = places; k < QS_DECIMAL_DIGITS; k++)
                step *= 10;
            want_round = (v + step / 2) / step * step;
            bool fits = want_round <= INT64_MAX;
            qs_decimal rounded = -1, back = -1;
            if (qs_decimal_round(v, places, &rounded) != fits ||
                (fits && rounded != (qs_decimal)want_round))
                fz_fail("'%s': round to %d places gives %s%lld", text, places,
                        fits ? "" : "no overflow but ", (long long)rounded);
            qs_decimal_format(v, places, buf);
            if (decimals_of(buf) != (size_t)places)
                fz_fail("'%s': format to %d places gives '%s'", text, places, buf);
            qs_dec_status bst = qs_decimal_parse(buf, &back);
            if (fits ? bst != QS_DEC_OK || back != rounded : bst != QS_DEC_RANGE)
                fz_fail("'%s': '%s' (%d places) parses as %s %lld, want %s %lld", text,
                        buf, places, status_name(bst), (long long)back,
                        fits ? "OK" : "RANGE", (long long)rounded);
            if (places == QS_DECIMAL_DIGITS && back != v)
                fz_fail("'%s': formats as '%s', which parses to %lld, not %lld", text,
                        buf, (long long)back, (long long)v);
            qs_decimal_format(-v, places, neg);
            bool zero = strspn(buf, "0.") == strlen(buf);
            if (zero ? strcmp(neg, buf) != 0 : neg[0] != '-' || strcmp(neg + 1, buf) != 0)
                fz_fail("'%s': -v formats as '%s', v as '%s' (%d places)", text, neg,
                        buf, places);
        }
    }
    free(text);
    return 0;
}
