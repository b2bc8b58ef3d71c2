/* pdf_hpdf_streams: libharu stream objects whose bytes quotesmith makes
 * (deflated here, or a PNG's own data), held in blocks of their own.
 *
 * This file reaches into libharu 2.3.0's private structures (hpdf_objects.h,
 * hpdf_streams.h): HPDF_Dict_Rec's stream, filter, write_fn and mmgr;
 * HPDF_Stream_Rec's attr, error, read_fn, seek_fn, tell_fn, size_fn and
 * free_fn; and its internal HPDF_CallbackWriter_New. */
#include "pdf_hpdf_streams.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "arena.h"

/* The zlib level of every stream deflated here (see "compression"). */
#define ZLIB_LEVEL 3

/* ---- compression ----
 *
 * libharu deflates a stream at save time, at Z_DEFAULT_COMPRESSION (6),
 * copying it through its memory streams byte by byte. Every stream of the
 * document but the outline's and metadata's small ones (page contents,
 * images, attachments, the fonts' ToUnicode CMaps, CIDToGIDMaps and font
 * programs, see compress_font_streams) is deflated here instead, once, at
 * ZLIB_LEVEL, straight into the object's stream, and the object is marked
 * HPDF_STREAM_FILTER_NONE, so libharu copies the bytes as they are; its
 * write_fn (HPDF_Dict_Write calls it after the other keys, before ">>")
 * adds the /Filter /FlateDecode that libharu then leaves out. zlib's output
 * depends only on the input, the level and the zlib version, so the
 * document stays byte-for-byte reproducible. Level 3 takes about 40 % of
 * level 6's time on page contents and fonts, for about 10 % more bytes
 * (measured on the 60-line bench quote, docs/performance.md). */

static HPDF_STATUS write_flate_filter(HPDF_Dict obj, HPDF_Stream stream)
{
    (void)obj;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Deflates the `n` bytes at `data` into `out` as one zlib stream. */
static bool deflate_into(qs_buf *out, const unsigned char *data, size_t n)
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

/* ---- streams held here ----
 *
 * libharu's memory streams copy every byte in a loop, when they are
 * written and again when the document is saved. The bytes quotesmith
 * makes for a stream object (deflated, or a PNG's own data) are instead
 * held in one malloc'd block behind a read-only stream of its own: the
 * save reads it (read_fn, seek_fn, size_fn) with memcpy, and freeing the
 * document frees it (free_fn). */

typedef struct {
    unsigned char *data;
    size_t size, pos;
} held_bytes;

static HPDF_STATUS held_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size)
{
    held_bytes *h = s->attr;
    size_t n = h->size - h->pos;
    if (n > *size)
        n = *size;
    memcpy(ptr, h->data + h->pos, n);
    h->pos += n;
    bool short_read = n < *size;
    *size = (HPDF_UINT)n;
    return short_read ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS held_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    held_bytes *h = s->attr;
    long long to = pos;
    if (mode == HPDF_SEEK_CUR)
        to += (long long)h->pos;
    else if (mode == HPDF_SEEK_END)
        to += (long long)h->size;
    if (to < 0 || (unsigned long long)to > h->size)
        return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    h->pos = (size_t)to;
    return HPDF_OK;
}

static HPDF_INT32 held_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((held_bytes *)s->attr)->pos;
}

static HPDF_UINT32 held_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((held_bytes *)s->attr)->size;
}

static void held_free(HPDF_Stream s)
{
    held_bytes *h = s->attr;
    free(h->data);
    free(h);
}

/* A read-only libharu stream of the bytes of `b` (taken over; `b` is left
 * empty), or NULL. */
HPDF_Stream qs_hpdf_held_stream(HPDF_MMgr mmgr, qs_buf *b)
{
    if (b->len > INT32_MAX)
        return NULL;
    held_bytes *h = qs_xcalloc(1, sizeof *h);
    HPDF_Stream s = HPDF_CallbackWriter_New(mmgr, NULL, h);
    if (!s) {
        free(h);
        return NULL;
    }
    h->data = (unsigned char *)b->s;
    h->size = b->len;
    memset(b, 0, sizeof *b);
    s->read_fn = held_read;
    s->seek_fn = held_seek;
    s->tell_fn = held_tell;
    s->size_fn = held_size;
    s->free_fn = held_free;
    return s;
}

/* Gives stream object `obj` the bytes of `b` (taken over; `b` is left
 * empty) as its stream. When they are `deflated`, the object gets
 * /Filter /FlateDecode through its write_fn, which HPDF_Dict_Write calls
 * after the other keys, before ">>", while the object itself is marked
 * HPDF_STREAM_FILTER_NONE so that libharu leaves the filter out and copies
 * the bytes as they are. */
bool qs_hpdf_hold_stream(HPDF_Dict obj, qs_buf *b, bool deflated)
{
    HPDF_Stream s = qs_hpdf_held_stream(obj->mmgr, b);
    if (!s)
        return false;
    HPDF_Stream_Free(obj->stream);
    obj->stream = s;
    obj->filter = HPDF_STREAM_FILTER_NONE;
    if (deflated)
        obj->write_fn = write_flate_filter;
    return true;
}

/* Deflates data[0..n) as the stream of `obj` (see qs_hpdf_hold_stream). */
bool qs_hpdf_hold_deflated(HPDF_Dict obj, const unsigned char *data, size_t n)
{
    qs_buf b = { 0 };
    bool ok = deflate_into(&b, data, n) && qs_hpdf_hold_stream(obj, &b, true);
    qs_buf_free(&b);
    return ok;
}
