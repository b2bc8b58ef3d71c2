/* pdf_update: an incremental update appended to a finished PDF (see
 * pdf_update.h). */
#include "pdf_update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "arena.h"
#include "utf8.h"

/* The zlib level of every stream deflated here: level 3 takes about 40 %
 * of level 6's time on page contents and fonts, for about 10 % more bytes
 * (docs/performance.md). */
#define ZLIB_LEVEL 3

bool qs_pdf_deflate(qs_buf *out, const unsigned char *data, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    int init = deflateInit2(&z, ZLIB_LEVEL, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
    if (init == Z_MEM_ERROR)
        qs_out_of_memory();
    if (init != Z_OK)
        return false;
    unsigned char buf[16384];
    int rc = Z_OK;
    z.next_in = (Bytef *)data;
    while (rc == Z_OK) {
        /* avail_in is 32 bits wide: feed at most 1 GiB at a time. */
        if (z.avail_in == 0 && n > 0) {
            z.avail_in = n > (1u << 30) ? (1u << 30) : (uInt)n;
            n -= z.avail_in;
        }
        z.next_out = buf;
        z.avail_out = sizeof buf;
        rc = deflate(&z, n == 0 ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_OK || rc == Z_STREAM_END)
            qs_buf_add(out, (const char *)buf, sizeof buf - z.avail_out);
        if (rc == Z_BUF_ERROR) /* no progress possible: never expected */
            rc = Z_STREAM_ERROR;
    }
    deflateEnd(&z);
    return rc == Z_STREAM_END;
}

/* ---- reading the original ---- */

/* The last occurrence of `needle` in hay[0..n), or NULL. */
static const char *find_last(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* The number after `key` and white space in s[0..n), when it is there. */
static bool number_after(const char *s, size_t n, const char *key,
                         unsigned long long *out)
{
    const char *k = find_last(s, n, key);
    if (!k)
        return false;
    const char *p = k + strlen(key), *end = s + n;
    while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end || *p < '0' || *p > '9')
        return false;
    unsigned long long v = 0;
    while (p < end && *p >= '0' && *p <= '9' && v < (1ULL << 40))
        v = v * 10 + (unsigned)(*p++ - '0');
    *out = v;
    return true;
}

bool qs_pdf_update_begin(qs_pdf_update *u, const unsigned char *pdf, size_t len)
{
    memset(u, 0, sizeof *u);
    u->pdf = (const char *)pdf;
    u->len = len;
    const char *trailer = find_last(u->pdf, len, "trailer");
    if (!trailer)
        return false;
    size_t rest = len - (size_t)(trailer - u->pdf);
    unsigned long long root = 0, info = 0, size = 0, prev = 0;
    if (!number_after(trailer, rest, "/Root", &root) ||
        !number_after(trailer, rest, "/Size", &size) ||
        !number_after(trailer, rest, "startxref", &prev) ||
        root == 0 || root >= size || size > 8000000 || prev >= len)
        return false;
    if (!number_after(trailer, rest, "/Info", &info) || info >= size)
        info = 0;
    u->root = (unsigned)root;
    u->info = (unsigned)info;
    u->size = (unsigned)size;
    u->prev = (size_t)prev;
    return true;
}

void qs_pdf_update_free(qs_pdf_update *u)
{
    qs_buf_free(&u->body);
    qs_buf_free(&u->catalog_keys);
    free(u->xref);
    memset(u, 0, sizeof *u);
}

size_t qs_pdf_update_refs(const qs_pdf_update *u, const char *key,
                          unsigned *nums, size_t max)
{
    size_t k = strlen(key), found = 0;
    const char *p = u->pdf, *end = u->pdf + u->len;
    while (found < max && (p = memchr(p, key[0], (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) > k + 6 && memcmp(p, key, k) == 0 &&
            p[k] == ' ' && p[k + 1] >= '1' && p[k + 1] <= '9') {
            unsigned long long v = 0;
            const char *q = p + k + 1;
            while (q < end && *q >= '0' && *q <= '9' && v < (1ULL << 32))
                v = v * 10 + (unsigned)(*q++ - '0');
            if (v < u->size && end - q >= 4 && memcmp(q, " 0 R", 4) == 0)
                nums[found++] = (unsigned)v;
        }
        p++;
    }
    return found;
}

/* The dictionary of object `num` in the original, between its outer << and
 * >>: *from and *to, or false. */
static bool find_dict(const qs_pdf_update *u, unsigned num, const char **from,
                      const char **to)
{
    char head[32];
    int hn = snprintf(head, sizeof head, "\n%u 0 obj", num);
    const char *p = u->pdf, *end = u->pdf + u->len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) > (size_t)hn && memcmp(p, head, (size_t)hn) == 0)
            break;
        p++;
    }
    if (!p)
        return false;
    const char *open = p + hn;
    while (open < end && *open != '<')
        open++;
    const char *endobj = open;
    while (endobj + 6 <= end && memcmp(endobj, "endobj", 6) != 0)
        endobj++;
    const char *close = endobj;
    while (close > open + 1 && !(close[-1] == '>' && close[-2] == '>'))
        close--;
    if (open + 2 > end || memcmp(open, "<<", 2) != 0 || close <= open + 2 ||
        endobj + 6 > end)
        return false;
    *from = open + 2;
    *to = close - 2;
    return true;
}

/* ---- writing the update ---- */

unsigned qs_pdf_update_new(qs_pdf_update *u)
{
    return u->size++;
}

static void begin_obj(qs_pdf_update *u, unsigned num)
{
    if (u->nxref == u->capxref) {
        u->capxref = u->capxref ? 2 * u->capxref : 16;
        u->xref = qs_xrealloc(u->xref, u->capxref * sizeof *u->xref);
    }
    u->xref[u->nxref].num = num;
    u->xref[u->nxref].off = u->body.len;
    u->nxref++;
    qs_buf_printf(&u->body, "%u 0 obj\n", num);
}

void qs_pdf_update_dict(qs_pdf_update *u, unsigned num, const char *dict)
{
    begin_obj(u, num);
    qs_buf_puts(&u->body, "<<");
    qs_buf_puts(&u->body, dict);
    qs_buf_puts(&u->body, ">>\nendobj\n");
}

bool qs_pdf_update_stream(qs_pdf_update *u, unsigned num, const char *dict,
                          const unsigned char *data, size_t n)
{
    qs_buf z = { 0 };
    if (!qs_pdf_deflate(&z, data, n)) {
        qs_buf_free(&z);
        return false;
    }
    begin_obj(u, num);
    qs_buf_printf(&u->body, "<<%s /Length %zu /Filter /FlateDecode>>\nstream\n",
                  dict, z.len);
    qs_buf_add(&u->body, z.s ? z.s : "", z.len);
    qs_buf_puts(&u->body, "\nendstream\nendobj\n");
    qs_buf_free(&z);
    return true;
}

void qs_pdf_update_catalog_add(qs_pdf_update *u, const char *entries)
{
    qs_buf_puts(&u->catalog_keys, entries);
}

bool qs_pdf_update_finish(qs_pdf_update *u, const unsigned char id[16],
                          unsigned char **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    if (u->catalog_keys.len > 0) {
        const char *from, *to;
        if (!find_dict(u, u->root, &from, &to))
            return false;
        qs_buf cat = { 0 };
        qs_buf_add(&cat, from, (size_t)(to - from));
        qs_buf_add(&cat, u->catalog_keys.s, u->catalog_keys.len);
        qs_pdf_update_dict(u, u->root, cat.s);
        qs_buf_free(&cat);
    }
    qs_buf b = { 0 };
    qs_buf_reserve(&b, u->len + u->body.len + 512 + 40 * u->nxref);
    qs_buf_add(&b, u->pdf, u->len);
    if (b.s[b.len - 1] != '\n')
        qs_buf_add(&b, "\n", 1);
    size_t base = b.len;
    qs_buf_add(&b, u->body.s ? u->body.s : "", u->body.len);
    size_t xref_at = b.len;
    qs_buf_puts(&b, "xref\n");
    for (size_t i = 0; i < u->nxref; i++) /* one subsection per object */
        qs_buf_printf(&b, "%u 1\n%010zu 00000 n \n", u->xref[i].num,
                      base + u->xref[i].off);
    qs_buf_printf(&b, "trailer\n<<\n/Size %u\n/Root %u 0 R\n", u->size, u->root);
    if (u->info)
        qs_buf_printf(&b, "/Info %u 0 R\n", u->info);
    qs_buf_printf(&b, "/Prev %zu\n/ID [ <", u->prev);
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 16; i++)
            qs_buf_printf(&b, "%02X", id[i]);
        qs_buf_puts(&b, k == 0 ? "> <" : "> ]\n");
    }
    qs_buf_printf(&b, ">>\nstartxref\n%zu\n%%%%EOF\n", xref_at);
    *out = (unsigned char *)b.s;
    *size = b.len;
    return true;
}

/* ---- strings ---- */

void qs_pdf_put_text_string(qs_buf *b, const char *utf8)
{
    qs_buf_puts(b, "<FEFF");
    size_t n = strlen(utf8);
    while (n > 0) {
        size_t k = 1;
        uint32_t cp = qs_utf8_decode(utf8, n, &k);
        if (k == 0 || k > n)
            k = 1;
        utf8 += k;
        n -= k;
        if (cp > 0x10FFFF)
            cp = 0xFFFD;
        if (cp > 0xFFFF)
            qs_buf_printf(b, "%04X%04X", (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
                          (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        else
            qs_buf_printf(b, "%04X", (unsigned)cp);
    }
    qs_buf_puts(b, ">");
}

void qs_pdf_put_literal(qs_buf *b, const char *s)
{
    qs_buf_add(b, "(", 1);
    for (; *s; s++) {
        if (*s == '(' || *s == ')' || *s == '\\')
            qs_buf_add(b, "\\", 1);
        qs_buf_add(b, s, 1);
    }
    qs_buf_add(b, ")", 1);
}
