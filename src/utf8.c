/* utf8: decoding and encoding UTF-8, and replacing what is not UTF-8. */
#include "utf8.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"

uint32_t qs_utf8_decode(const char *s, size_t n, size_t *used)
{
    const unsigned char *p = (const unsigned char *)s;
    *used = 1;
    if (n == 0) {
        *used = 0;
        return (uint32_t)-1;
    }
    unsigned char b = p[0];
    if (b < 0x80)
        return b;
    size_t len;
    uint32_t cp, min;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2; cp = b & 0x1Fu; min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3; cp = b & 0x0Fu; min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4; cp = b & 0x07u; min = 0x10000;
    } else {
        return (uint32_t)-1; /* continuation byte, C0/C1 overlong, F5..FF */
    }
    if (n < len)
        return (uint32_t)-1;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0u) != 0x80u)
            return (uint32_t)-1;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
        return (uint32_t)-1;
    *used = len;
    return cp;
}

size_t qs_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

uint32_t qs_utf8_take(const char **s, size_t *n)
{
    size_t k = 1;
    uint32_t cp = qs_utf8_decode(*s, *n, &k);
    if (k == 0 || k > *n)
        k = 1;
    *s += k;
    *n -= k;
    return cp;
}

char *qs_utf8_valid(const char *s)
{
    qs_buf b = {0};
    qs_buf_puts(&b, "");
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        size_t used;
        if (qs_utf8_decode(s + i, n - i, &used) == (uint32_t)-1)
            qs_buf_puts(&b, "\xEF\xBF\xBD");
        else
            qs_buf_add(&b, s + i, used);
        i += used;
    }
    return b.s;
}

void qs_utf8_put_xml(qs_buf *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        bool valid = qs_utf8_decode(s + i, len - i, &n) != (uint32_t)-1;
        const unsigned char *p = (const unsigned char *)s + i;
        if (*p == '&')
            qs_buf_puts(b, "&amp;");
        else if (*p == '<')
            qs_buf_puts(b, "&lt;");
        else if (*p == '>')
            qs_buf_puts(b, "&gt;");
        else if (*p == '"')
            qs_buf_puts(b, "&quot;");
        else if (*p == '\n' || *p == '\t')
            qs_buf_add(b, (const char *)p, 1);
        else if (*p < 0x20 || !valid)
            qs_buf_puts(b, "\xEF\xBF\xBD");
        else
            qs_buf_add(b, (const char *)p, n);
        i += n;
    }
}
