/* pdf_update: a finished PDF written again with added objects (see
 * pdf_update.h). */
#include "pdf_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "arena.h"
#include "sha256.h"
#include "utf8.h"

/* The level of every stream deflated here (page contents, object streams,
 * fonts, the attachments, the ICC profile), with libdeflate, which
 * compresses whole buffers, all this module has. Measured on the bench's
 * 60-line quote (docs/performance.md, "Deflate level"): level 4 takes 72 %
 * of level 6's time for 3 % more bytes (2.6 KB); level 1 half the time
 * for 9 % more; levels above 6 add time for under 1 % fewer bytes. */
#define DEFLATE_LEVEL 4

/* Appends data[0..n) deflated with the update's compressor (one per
 * update: a compressor is some 650 KB, whose pages the process
 * would otherwise fault in again for every stream). False when it fails
 * (never expected: the room is its bound). */
static bool deflate_into(const qs_pdf_update *u, qs_buf *out,
                         const unsigned char *data, size_t n)
{
    size_t bound = libdeflate_zlib_compress_bound(u->deflater, n);
    qs_buf_reserve(out, bound);
    size_t got = libdeflate_zlib_compress(u->deflater, data, n,
                                          out->s + out->len, bound);
    out->len += got;
    out->s[out->len] = '\0';
    return got > 0;
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

/* The last occurrence of the whole key `key` in s[0..n) ("/Length", not
 * the start of "/Length1"), or NULL. */
static const char *find_key(const char *s, size_t n, const char *key)
{
    size_t k = strlen(key);
    const char *at;
    while ((at = find_last(s, n, key)) != NULL) {
        const char *after = at + k;
        if (after == s + n || !strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "abcdefghijklmnopqrstuvwxyz#._-+",
                                      *after) || *after == '\0')
            return at;
        n = (size_t)(at - s) + k - 1;
    }
    return NULL;
}

/* The number after `key` and white space in s[0..n), when it is there. */
static bool number_after(const char *s, size_t n, const char *key,
                         unsigned long long *out)
{
    const char *k = find_key(s, n, key);
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

typedef struct {
    size_t off;
    unsigned num;
} obj_at;

static int by_offset(const void *a, const void *b)
{
    size_t x = ((const obj_at *)a)->off, y = ((const obj_at *)b)->off;
    return x < y ? -1 : x > y;
}

/* Fills objs[num] for the `n` objects at `at` (any order) in text[0..len):
 * each reaches to the next one's start, the last to `len`. */
static void place_objects(qs_pdf_span *objs, unsigned nobjs, obj_at *at, size_t n,
                          const char *text, size_t len)
{
    qsort(at, n, sizeof *at, by_offset);
    for (size_t i = 0; i < n; i++) {
        size_t end = i + 1 < n ? at[i + 1].off : len;
        if (at[i].num < nobjs && at[i].off < end && end <= len) {
            objs[at[i].num].text = text + at[i].off;
            objs[at[i].num].len = end - at[i].off;
        }
    }
}

/* The original's objects, from its cross-reference table (one section,
 * "xref\n0 N\n" and N entries of 20 bytes, as libharu writes it). */
static bool original_objects(const qs_pdf_update *u, qs_pdf_span *objs)
{
    const char *p = u->pdf + u->prev, *end = u->pdf + u->len;
    if (end - p < 8 || memcmp(p, "xref", 4) != 0)
        return false;
    p += 4;
    unsigned long long v[2] = { 1, 0 }; /* "0 N": the first number, the count */
    for (int k = 0; k < 2; k++) {
        while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return false;
        for (v[k] = 0; p < end && *p >= '0' && *p <= '9' && v[k] < (1ULL << 32); p++)
            v[k] = v[k] * 10 + (unsigned)(*p - '0');
    }
    unsigned count = (unsigned)v[1];
    p = memchr(p, '\n', (size_t)(end - p));
    if (v[0] != 0 || v[1] > u->norig || !p ||
        (size_t)(end - ++p) < 20 * (size_t)count)
        return false;
    obj_at *at = qs_xcalloc(count + 1, sizeof *at);
    size_t n = 0;
    for (unsigned num = 0; num < count; num++, p += 20) {
        if (p[17] != 'n')
            continue;
        size_t off = 0;
        for (int k = 0; k < 10; k++)
            off = off * 10 + (size_t)(p[k] - '0');
        if (off < u->prev)
            at[n++] = (obj_at){ off, num };
    }
    place_objects(objs, u->norig, at, n, u->pdf, u->prev);
    free(at);
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
    u->norig = u->size;
    u->orig = qs_xcalloc(u->norig + 1, sizeof *u->orig);
    if (original_objects(u, u->orig)) {
        u->deflater = libdeflate_alloc_compressor(DEFLATE_LEVEL);
        if (!u->deflater)
            qs_out_of_memory();
        return true;
    }
    free(u->orig);
    u->orig = NULL;
    return false;
}

void qs_pdf_update_free(qs_pdf_update *u)
{
    qs_buf_free(&u->body);
    qs_buf_free(&u->catalog_keys);
    free(u->xref);
    free(u->orig);
    for (size_t i = 0; i < u->nadds; i++)
        free(u->adds[i].entries);
    free(u->adds);
    libdeflate_free_compressor(u->deflater);
    memset(u, 0, sizeof *u);
}

/* The dictionary of the object text p[0..end), between its outer << and
 * >>: *from and *to, or false. */
static bool dict_in(const char *p, const char *end, const char **from,
                    const char **to)
{
    while (p + 3 <= end && memcmp(p, "obj", 3) != 0)
        p++;
    while (p < end && *p != '<')
        p++;
    if (end - p < 4 || p[1] != '<')
        return false;
    const char *open = p;
    int depth = 0;
    while (p < end) { /* to the matching >>, past strings */
        if (*p == '(') {
            int nest = 0;
            for (; p < end; p++) {
                if (*p == '\\')
                    p++;
                else if (*p == '(')
                    nest++;
                else if (*p == ')' && --nest == 0)
                    break;
            }
            p++;
        } else if (p + 1 < end && p[0] == '<' && p[1] == '<') {
            depth++;
            p += 2;
        } else if (p + 1 < end && p[0] == '>' && p[1] == '>') {
            p += 2;
            if (--depth == 0)
                break;
        } else {
            p++;
        }
    }
    if (depth != 0)
        return false;
    *from = open + 2;
    *to = p - 2;
    return true;
}

/* The dictionary of object `num` in the original. */
static bool find_dict(const qs_pdf_update *u, unsigned num, const char **from,
                      const char **to)
{
    if (num >= u->norig || !u->orig[num].text)
        return false;
    return dict_in(u->orig[num].text, u->orig[num].text + u->orig[num].len,
                   from, to);
}

bool qs_pdf_update_get_dict(const qs_pdf_update *u, unsigned num, qs_buf *out)
{
    const char *from, *to;
    size_t i = u->nxref;
    while (i > 0 && u->xref[i - 1].num != num)
        i--;
    if (i > 0) { /* written by the update: its last version */
        size_t end = i < u->nxref ? u->xref[i].off : u->body.len;
        if (!dict_in(u->body.s + u->xref[i - 1].off, u->body.s + end, &from, &to))
            return false;
    } else if (!find_dict(u, num, &from, &to)) {
        return false;
    }
    qs_buf_add(out, from, (size_t)(to - from));
    return true;
}

unsigned qs_pdf_update_ref(const char *dict, const char *key)
{
    unsigned long long v = 0;
    size_t n = strlen(dict);
    const char *k = find_key(dict, n, key);
    if (!k || !number_after(k, n - (size_t)(k - dict), key, &v) || v > UINT32_MAX)
        return 0;
    const char *p = k + strlen(key);
    while (*p == ' ' || *p == '\n' || *p == '\r')
        p++;
    while (*p >= '0' && *p <= '9')
        p++;
    return strncmp(p, " 0 R", 4) == 0 ? (unsigned)v : 0;
}

/* The integer value of object `num` of the original ("N 0 obj\n42\nendobj"). */
static bool integer_object(const qs_pdf_update *u, unsigned num,
                           unsigned long long *v)
{
    if (num >= u->norig || !u->orig[num].text)
        return false;
    const char *q = u->orig[num].text, *end = q + u->orig[num].len;
    while (q + 3 <= end && memcmp(q, "obj", 3) != 0)
        q++;
    q += 3;
    while (q < end && (*q == ' ' || *q == '\r' || *q == '\n'))
        q++;
    if (q >= end || *q < '0' || *q > '9')
        return false;
    for (*v = 0; q < end && *q >= '0' && *q <= '9' && *v < (1ULL << 40); q++)
        *v = *v * 10 + (unsigned)(*q - '0');
    return true;
}

bool qs_pdf_update_get_stream(const qs_pdf_update *u, unsigned num,
                              const char **data, size_t *len)
{
    const char *from, *to, *end = u->pdf + u->len;
    unsigned long long n = 0;
    if (!find_dict(u, num, &from, &to))
        return false;
    qs_buf dict = { 0 };
    qs_buf_add(&dict, from, (size_t)(to - from));
    unsigned ref = qs_pdf_update_ref(dict.s, "/Length");
    bool ok = !strstr(dict.s, "/Filter") &&
              (ref ? integer_object(u, ref, &n)
                   : number_after(dict.s, dict.len, "/Length", &n));
    qs_buf_free(&dict);
    const char *p = to + 2; /* after the dictionary's >> */
    while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
        p++;
    if (!ok || end - p < 7 || memcmp(p, "stream", 6) != 0)
        return false;
    p += 6;
    p += *p == '\r' ? 2 : 1; /* "stream" then CRLF or LF */
    if (p > end || n > (unsigned long long)(end - p))
        return false;
    *data = p;
    *len = (size_t)n;
    return true;
}

/* The numbers of the `N 0 R` references in the array after `key` in
 * d[0..n), appended to nums[*count..max). */
static void array_refs(const char *d, size_t n, const char *key, unsigned *nums,
                       size_t *count, size_t max)
{
    const char *k = find_last(d, n, key), *end = d + n;
    if (!k)
        return;
    const char *p = k + strlen(key);
    while (p < end && *p != '[' && *p != '/')
        p++;
    if (p == end || *p != '[')
        return;
    p++;
    while (p < end && *p != ']' && *count < max) {
        unsigned long long v = 0;
        while (p < end && (*p < '0' || *p > '9') && *p != ']')
            p++;
        while (p < end && *p >= '0' && *p <= '9' && v < (1ULL << 32))
            v = v * 10 + (unsigned)(*p++ - '0');
        if (end - p >= 4 && memcmp(p, " 0 R", 4) == 0) {
            nums[(*count)++] = (unsigned)v;
            p += 4;
        }
    }
}

/* The pages under tree node `num`, depth first, at most `depth` levels
 * down (libharu's trees are one or two levels deep; one node holds up to
 * HPDF_LIMIT_MAX_ARRAY kids, so as many as there are pages still wanted
 * are read, each kid giving at least one). */
static void collect_pages(const qs_pdf_update *u, unsigned num, int depth,
                          unsigned *nums, size_t *count, size_t max)
{
    const char *from, *to;
    if (depth == 0 || !find_dict(u, num, &from, &to))
        return;
    size_t n = (size_t)(to - from);
    if (!find_last(from, n, "/Kids")) {
        if (*count < max)
            nums[(*count)++] = num;
        return;
    }
    if (*count >= max)
        return;
    unsigned *kids = qs_xcalloc(max - *count, sizeof *kids);
    size_t nkids = 0;
    array_refs(from, n, "/Kids", kids, &nkids, max - *count);
    for (size_t i = 0; i < nkids; i++)
        collect_pages(u, kids[i], depth - 1, nums, count, max);
    free(kids);
}

size_t qs_pdf_update_pages(const qs_pdf_update *u, unsigned *nums, size_t max)
{
    const char *from, *to;
    unsigned long long tree = 0;
    if (!find_dict(u, u->root, &from, &to) ||
        !number_after(from, (size_t)(to - from), "/Pages", &tree) ||
        tree == 0 || tree >= u->norig)
        return 0;
    size_t count = 0;
    collect_pages(u, (unsigned)tree, 4, nums, &count, max);
    return count;
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
    qs_buf_put_uint(&u->body, num);
    qs_buf_puts(&u->body, " 0 obj\n");
}

void qs_pdf_update_dict(qs_pdf_update *u, unsigned num, const char *dict)
{
    begin_obj(u, num);
    qs_buf_puts(&u->body, "<<");
    qs_buf_puts(&u->body, dict);
    qs_buf_puts(&u->body, ">>\nendobj\n");
}

/* Writes object `num` as a stream of data[0..n) with the dictionary
 * entries `dict` and `filter` (" /Filter ..." or ""). */
static void put_stream(qs_pdf_update *u, unsigned num, const char *dict,
                       const char *filter, const char *data, size_t n)
{
    begin_obj(u, num);
    qs_buf_printf(&u->body, "<<%s /Length %zu%s>>\nstream\n", dict, n, filter);
    qs_buf_add(&u->body, data ? data : "", n);
    qs_buf_puts(&u->body, "\nendstream\nendobj\n");
}

bool qs_pdf_update_stream(qs_pdf_update *u, unsigned num, const char *dict,
                          const unsigned char *data, size_t n)
{
    qs_buf z = { 0 };
    bool ok = deflate_into(u, &z, data, n);
    if (ok)
        put_stream(u, num, dict, " /Filter /FlateDecode", z.s, z.len);
    qs_buf_free(&z);
    return ok;
}

void qs_pdf_update_raw_stream(qs_pdf_update *u, unsigned num, const char *dict,
                              const unsigned char *data, size_t n)
{
    put_stream(u, num, dict, "", (const char *)data, n);
}

void qs_pdf_update_dict_add(qs_pdf_update *u, unsigned num, const char *entries)
{
    u->adds = qs_xgrow(u->adds, &u->capadds, u->nadds + 1, sizeof *u->adds);
    u->adds[u->nadds].num = num;
    u->adds[u->nadds].entries = qs_xstrdup(entries);
    u->nadds++;
}

void qs_pdf_update_catalog_add(qs_pdf_update *u, const char *entries)
{
    qs_buf_puts(&u->catalog_keys, entries);
}

/* ---- writing the result ----
 *
 * The result is written anew rather than appended: every object once (the
 * update's version where it replaced one), the streams as they are, every
 * other object in compressed object streams (ISO 32000-1, 7.5.7) and a
 * cross-reference stream (7.5.8). The dictionaries (font widths, pages,
 * outline, annotations) are a third of an ordinary proposal's bytes and
 * compress to a fifth. */

/* At most this many objects in one object stream. */
#define OBJSTM_MAX 500

/* The update's objects; a number written twice keeps its last version. */
static void update_objects(const qs_pdf_update *u, qs_pdf_span *objs)
{
    obj_at *at = qs_xcalloc(u->nxref + 1, sizeof *at);
    for (size_t i = 0; i < u->nxref; i++)
        at[i] = (obj_at){ u->xref[i].off, u->xref[i].num };
    qs_pdf_span *mine = qs_xcalloc(u->size + 1, sizeof *mine);
    place_objects(mine, u->size, at, u->nxref, u->body.s, u->body.len);
    for (size_t i = 0; i < u->nxref; i++) /* offsets grow: the last wins */
        if (mine[u->xref[i].num].text)
            objs[u->xref[i].num] = mine[u->xref[i].num];
    free(mine);
    free(at);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

/* Splits an object's text: its value (between "obj" and "endobj", white
 * space trimmed) into *value; true when the object is a stream. */
static bool split_object(qs_pdf_span o, qs_pdf_span *value)
{
    const char *p = o.text, *end = o.text + o.len;
    const char *obj = p;
    while (obj + 3 <= end && memcmp(obj, "obj", 3) != 0)
        obj++;
    p = obj + 3 < end ? obj + 3 : end;
    while (end > p && is_ws(end[-1]))
        end--;
    if (end - p >= 6 && memcmp(end - 6, "endobj", 6) == 0)
        end -= 6;
    while (p < end && is_ws(*p))
        p++;
    while (end > p && is_ws(end[-1]))
        end--;
    value->text = p;
    value->len = (size_t)(end - p);
    return end - p >= 9 && memcmp(end - 9, "endstream", 9) == 0;
}

/* One cross-reference stream entry: type, field 2 (4 bytes), field 3 (2). */
static void put_xref_entry(qs_buf *x, unsigned type, size_t f2, unsigned f3)
{
    char e[7] = {
        (char)type, (char)(f2 >> 24), (char)(f2 >> 16), (char)(f2 >> 8),
        (char)f2, (char)(f3 >> 8), (char)f3,
    };
    qs_buf_add(x, e, sizeof e);
}

/* Writes the non-stream objects (kind[num] == 2) into object streams of at
 * most OBJSTM_MAX, numbered from *next on; records each object's stream
 * and index in where[num] (stream number) and index[num]. */
static bool write_object_streams(const qs_pdf_update *u, qs_buf *b,
                                 const qs_pdf_span *values,
                                 const unsigned char *kind, unsigned nobjs,
                                 unsigned *next, size_t *offset,
                                 unsigned *where, unsigned *index)
{
    unsigned num = 1;
    bool ok = true;
    qs_buf head = { 0 }, bodies = { 0 }, z = { 0 };
    while (ok && num < nobjs) {
        unsigned stm = (*next)++, count = 0;
        head.len = bodies.len = 0;
        for (; num < nobjs && count < OBJSTM_MAX; num++) {
            if (kind[num] != 2)
                continue;
            qs_buf_put_uint(&head, num);
            qs_buf_add(&head, " ", 1);
            qs_buf_put_uint(&head, bodies.len);
            qs_buf_add(&head, " ", 1);
            qs_buf_add(&bodies, values[num].text, values[num].len);
            qs_buf_add(&bodies, "\n", 1);
            where[num] = stm;
            index[num] = count++;
        }
        if (count == 0) {
            (*next)--;
            break;
        }
        size_t first = head.len;
        qs_buf_add(&head, bodies.s, bodies.len);
        z.len = 0;
        ok = deflate_into(u, &z, (const unsigned char *)head.s, head.len);
        offset[stm] = b->len;
        qs_buf_printf(b, "%u 0 obj\n<< /Type /ObjStm /N %u /First %zu /Length %zu "
                      "/Filter /FlateDecode >>\nstream\n", stm, count, first, z.len);
        qs_buf_add(b, z.s ? z.s : "", z.len);
        qs_buf_puts(b, "\nendstream\nendobj\n");
    }
    qs_buf_free(&head);
    qs_buf_free(&bodies);
    qs_buf_free(&z);
    return ok;
}

/* The cross-reference stream (numbered `self`, at the end of b) with the
 * trailer's entries. */
static bool write_xref_stream(qs_pdf_update *u, qs_buf *b, unsigned self,
                              const unsigned char *kind, const size_t *offset,
                              const unsigned *where, const unsigned *index)
{
    unsigned char id[QS_SHA256_SIZE];
    qs_sha256(b->s, b->len, id);
    qs_buf x = { 0 }, z = { 0 };
    size_t at = b->len;
    for (unsigned num = 0; num <= self; num++) {
        if (num == self || kind[num] == 1)
            put_xref_entry(&x, 1, num == self ? at : offset[num], 0);
        else if (kind[num] == 2)
            put_xref_entry(&x, 2, where[num], index[num]);
        else
            put_xref_entry(&x, 0, 0, num == 0 ? 0xFFFF : 0);
    }
    bool ok = deflate_into(u, &z, (const unsigned char *)x.s, x.len);
    qs_buf_printf(b, "%u 0 obj\n<< /Type /XRef /Size %u /W [ 1 4 2 ] /Root %u 0 R",
                  self, self + 1, u->root);
    if (u->info)
        qs_buf_printf(b, " /Info %u 0 R", u->info);
    qs_buf_puts(b, " /ID [ <");
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 16; i++)
            qs_buf_printf(b, "%02X", id[i]);
        qs_buf_puts(b, k == 0 ? "> <" : "> ]");
    }
    qs_buf_printf(b, " /Length %zu /Filter /FlateDecode >>\nstream\n", z.len);
    qs_buf_add(b, z.s ? z.s : "", z.len);
    qs_buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", at);
    qs_buf_free(&x);
    qs_buf_free(&z);
    return ok;
}

/* The dictionary text from[0..to) without its /Length entry (a number or
 * a reference, "/Length 12 0 R"; /Length1 and the like stay), appended
 * to `out`. */
static void dict_without_length(qs_buf *out, const char *from, const char *to)
{
    const char *k = from;
    while (k + 8 <= to && !(memcmp(k, "/Length", 7) == 0 && is_ws(k[7])))
        k++;
    if (k + 8 > to) {
        qs_buf_add(out, from, (size_t)(to - from));
        return;
    }
    qs_buf_add(out, from, (size_t)(k - from));
    const char *p = k + 7;
    while (p < to && is_ws(*p))
        p++;
    while (p < to && *p >= '0' && *p <= '9')
        p++;
    if (to - p >= 4 && memcmp(p, " 0 R", 4) == 0)
        p += 4;
    qs_buf_add(out, p, (size_t)(to - p));
}

/* Writes the original's stream object `num` to `b` deflated, when it has
 * no filter yet (libharu saves uncompressed; images it encoded, JPEG's
 * /DCTDecode, keep theirs): true when written, false to copy it as it is.
 * *ok turns false when deflating fails. */
static bool deflate_original(const qs_pdf_update *u, unsigned num, qs_buf *b,
                             bool *ok)
{
    const char *data, *from, *to;
    size_t n;
    if (!qs_pdf_update_get_stream(u, num, &data, &n) ||
        !find_dict(u, num, &from, &to))
        return false;
    qs_buf z = { 0 };
    if (!deflate_into(u, &z, (const unsigned char *)data, n)) {
        *ok = false;
        qs_buf_free(&z);
        return false;
    }
    qs_buf_printf(b, "%u 0 obj\n<<", num);
    dict_without_length(b, from, to);
    qs_buf_printf(b, " /Length %zu /Filter /FlateDecode>>\nstream\n", z.len);
    qs_buf_add(b, z.s ? z.s : "", z.len);
    qs_buf_puts(b, "\nendstream\nendobj\n");
    qs_buf_free(&z);
    return true;
}

/* The catalog with the entries added to it, as an object of the update. */
static bool finish_catalog(qs_pdf_update *u)
{
    if (u->catalog_keys.len == 0)
        return true;
    const char *from, *to;
    if (!find_dict(u, u->root, &from, &to))
        return false;
    qs_buf cat = { 0 };
    qs_buf_add(&cat, from, (size_t)(to - from));
    qs_buf_add(&cat, u->catalog_keys.s, u->catalog_keys.len);
    qs_pdf_update_dict(u, u->root, cat.s);
    qs_buf_free(&cat);
    return true;
}

/* The original dictionaries with the entries added to them, as objects
 * of the update (each once, with all of its entries, in the order added). */
static bool finish_dict_adds(qs_pdf_update *u)
{
    qs_buf d = { 0 };
    bool ok = true;
    for (size_t i = 0; ok && i < u->nadds; i++) {
        unsigned num = u->adds[i].num;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = u->adds[k].num == num;
        if (seen)
            continue;
        d.len = 0;
        ok = qs_pdf_update_get_dict(u, num, &d);
        for (size_t k = i; ok && k < u->nadds; k++)
            if (u->adds[k].num == num)
                qs_buf_puts(&d, u->adds[k].entries);
        if (ok)
            qs_pdf_update_dict(u, num, d.s);
    }
    qs_buf_free(&d);
    return ok;
}

bool qs_pdf_update_finish(qs_pdf_update *u, unsigned char **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    unsigned n = u->size;
    qs_pdf_span *objs = qs_xcalloc(n + 1, sizeof *objs);
    qs_pdf_span *values = qs_xcalloc(n + 1, sizeof *values);
    unsigned char *kind = qs_xcalloc(n + 1, 1); /* 0 free, 1 stream, 2 other */
    /* Room for the object streams and the cross-reference stream too. */
    unsigned cap = n + n / OBJSTM_MAX + 3;
    size_t *offset = qs_xcalloc(cap, sizeof *offset);
    unsigned *where = qs_xcalloc(cap, sizeof *where);
    unsigned *index = qs_xcalloc(cap, sizeof *index);
    bool ok = finish_catalog(u) && finish_dict_adds(u);
    memcpy(objs, u->orig, u->norig * sizeof *objs);
    qs_buf b = { 0 };
    if (ok) {
        update_objects(u, objs);
        qs_buf_reserve(&b, u->len + u->body.len);
        qs_buf_puts(&b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        for (unsigned num = 1; num < n; num++) {
            if (!objs[num].text)
                continue;
            kind[num] = split_object(objs[num], &values[num]) ? 1 : 2;
            if (kind[num] == 1) {
                offset[num] = b.len;
                bool mine = num >= u->norig ||
                            objs[num].text != u->orig[num].text;
                if (mine || !deflate_original(u, num, &b, &ok)) {
                    qs_buf_printf(&b, "%u 0 obj\n", num);
                    qs_buf_add(&b, values[num].text, values[num].len);
                    qs_buf_puts(&b, "\nendobj\n");
                }
            }
        }
        unsigned next = n;
        ok = write_object_streams(u, &b, values, kind, n, &next, offset, where,
                                  index);
        kind = qs_xrealloc(kind, cap);
        memset(kind + n, 1, cap - n); /* the object streams */
        ok = ok && write_xref_stream(u, &b, next, kind, offset, where, index);
    }
    free(objs);
    free(values);
    free(kind);
    free(offset);
    free(where);
    free(index);
    if (!ok) {
        qs_buf_free(&b);
        return false;
    }
    *out = (unsigned char *)b.s;
    *size = b.len;
    return true;
}
/* ---- strings ---- */

void qs_pdf_put_text_string(qs_buf *b, const char *utf8)
{
    size_t n = strlen(utf8), plain = 0;
    while (plain < n && utf8[plain] >= ' ' && utf8[plain] <= '~')
        plain++;
    if (plain == n) { /* printable ASCII: the same in PDFDocEncoding */
        qs_pdf_put_literal(b, utf8);
        return;
    }
    qs_buf_puts(b, "<FEFF");
    while (n > 0) {
        uint32_t cp = qs_utf8_take(&utf8, &n);
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

void qs_pdf_put_number(qs_buf *b, float v)
{
    long long n = llround((double)v * 100.0);
    qs_buf_printf(b, "%s%lld.%02lld", n < 0 ? "-" : "", llabs(n) / 100, llabs(n) % 100);
}

void qs_pdf_put_ref(qs_buf *b, unsigned num)
{
    qs_buf_put_uint(b, num);
    qs_buf_puts(b, " 0 R");
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
