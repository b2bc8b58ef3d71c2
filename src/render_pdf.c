/* render_pdf: replays a laid-out qs_layout into a PDF with libharu 2.3.0.
 *
 * The backend decides nothing about layout: it adds the pages, draws each
 * item where the layout engine put it, and adds what only a PDF has (fonts
 * embedded and subset, images, outline, metadata, watermark). It works
 * around libharu 2.3.0's traps (see shared LIBHARU.md):
 * - errors are sticky and numeric: the handler keeps the first one only, and
 *   every call's return value is checked, stopping at the first failure;
 * - the ToUnicode CMap libharu writes for a Unicode CID font is malformed:
 *   it is replaced by a standard one mapping each 2-byte code to itself
 *   (the codes in the content streams are Unicode values), for the
 *   256-code rows the document uses;
 * - for a Unicode CID font libharu writes a CIDToGIDMap and a /W array for
 *   every code its encoder maps (with the UTF-8 encoder: the whole BMP,
 *   about 3 KiB per font, compressed). Once the pages are drawn, both are
 *   rewritten for the code points actually drawn: the map ends at the
 *   highest code used (every code in the content streams lies inside it;
 *   unused codes map to glyph 0) and /W lists only used codes, with
 *   libharu's own widths, so nothing moves;
 * - HPDF_AttachFile reads a file by path and names the attachment after the
 *   path: embedded files are built here from memory instead, with the
 *   object API (EmbeddedFile stream, Filespec, EmbeddedFiles name tree,
 *   /AF), so the hybrid PDF needs no temporary file;
 * - the Producer names libharu and the dates would be absent: both are set
 *   here, the dates from the quote's date or SOURCE_DATE_EPOCH, never from
 *   the clock, so the same input gives the same bytes;
 * - libharu's page operators and its save are slow (byte-by-byte copies and
 *   clears, level-6 deflate of everything): the page content streams are
 *   written here and deflated once at a faster level ("content streams";
 *   pdf_hpdf_streams.c), the bytes made here are held in blocks of their own
 *   (pdf_hpdf_streams.c), fonts are handed over from memory, and the
 *   document is saved straight into a buffer. libharu still owns the
 *   objects, the fonts' subsetting, the cross-reference table and the
 *   trailer;
 * - libharu never encodes text here, so its UTF-8 encoder (256 KiB of
 *   tables cleared byte by byte) is not used: the fonts get a lean encoder
 *   of their own (FONT_ENCODER), and the metadata, outline titles and file
 *   names are UTF-16 text strings made here (libharu's UTF-8 strings turn
 *   code points above U+FFFF into spaces).
 * Non-breaking spaces (U+00A0, U+202F) are drawn as they are: fonts.c
 * requires them to be in the font, and text extraction gives them back.
 * PNG alpha becomes a soft mask (SMask, PDF 1.4); JPEG bytes pass through. */
#include "render_pdf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_conf.h>
#include "arena.h"
#include "buf.h"
#include "date.h"
#include "pdf_hpdf_streams.h"
#include "sha256.h"

#define WATERMARK_GREY 0.85f
#define MAX_OUTLINE_DEPTH 16
/* The largest text size, in points: libharu's own limit for its text
 * operators, kept for the operators written here. */
#define MAX_TEXT_SIZE 600.0f

typedef struct {
    HPDF_Doc pdf;
    HPDF_STATUS error;        /* first libharu error, 0 when none */
    HPDF_STATUS detail;
    HPDF_Font *fonts;         /* per doc->fonts index */
    HPDF_Image *images;       /* per doc->images index, loaded on first use */
    HPDF_Page *pages;
    size_t *owner;            /* per doc->fonts index: the first index that
                                 loaded the same file */
    uint32_t *used;           /* per owner: a bit set of the BMP code points
                                 drawn (USED_WORDS words each) */
    /* The page being drawn: its content stream, built here (see "content
     * streams"), and the graphics state as last set, so unchanged font,
     * colours and line width are not repeated (they outlive BT/ET). */
    qs_buf ops;
    struct {
        bool in_text;         /* between BT and ET */
        long long tx, ty;     /* the text line's start, in 1/1000 pt */
        bool font_set, fill_set, stroke_set, width_set;
        int font;
        float size, width;
        qs_rgb fill, stroke;
    } gs;
    bool have_date;           /* the document date, when known */
    HPDF_Date date;
    const qs_doc *doc;
    const qs_pdf_options *opts;
    qs_diags *diags;
} render_ctx;

#define USED_WORDS (65536 / 32)

/* ---- errors ---- */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                          void *data)
{
    render_ctx *c = data;
    if (c->error == 0) {
        c->error = error_no;
        c->detail = detail_no;
    }
}

/* libharu's allocator: libharu reports a failed allocation with codes of
 * other errors, or not at all (a page's drawing fails without a word), so
 * a failure ends the run as every other does: "out of memory", exit 3. */
static void *hpdf_alloc(HPDF_UINT size)
{
    return qs_xmalloc(size);
}

/* libharu has no function that turns a code into text: the common ones. */
static const char *hpdf_error_text(HPDF_STATUS code)
{
    switch (code) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file I/O error";
    case HPDF_FILE_OPEN_ERROR: return "cannot open file";
    case HPDF_FONT_EXISTS: return "font already loaded";
    case HPDF_INVALID_DATE_TIME: return "invalid date";
    case HPDF_INVALID_DESTINATION: return "invalid destination";
    case HPDF_INVALID_DOCUMENT: return "invalid document";
    case HPDF_INVALID_ENCODER: return "invalid encoder";
    case HPDF_INVALID_FONT_NAME: return "invalid font name";
    case HPDF_INVALID_IMAGE: return "invalid image";
    case HPDF_INVALID_JPEG_DATA: return "invalid JPEG data";
    case HPDF_INVALID_OBJECT: return "invalid object";
    case HPDF_INVALID_OUTLINE: return "invalid outline";
    case HPDF_INVALID_PAGE: return "invalid page";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_INVALID_PNG_IMAGE: return "invalid PNG image";
    case HPDF_INVALID_STREAM: return "invalid stream";
    case HPDF_PAGE_FONT_NOT_FOUND: return "font not found";
    case HPDF_PAGE_INVALID_FONT: return "invalid font";
    case HPDF_PAGE_INVALID_FONT_SIZE: return "invalid font size";
    case HPDF_PAGE_INVALID_GMODE: return "operator not allowed here";
    case HPDF_PAGE_INVALID_SIZE: return "invalid page size";
    case HPDF_PAGE_OUT_OF_RANGE: return "page out of range";
    case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
    case HPDF_STREAM_EOF: return "end of stream";
    case HPDF_STRING_OUT_OF_RANGE: return "string too long";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT: return "font may not be embedded";
    case HPDF_TTF_INVALID_CMAP: return "invalid TrueType cmap";
    case HPDF_TTF_INVALID_FOMAT: return "invalid TrueType format";
    case HPDF_TTF_MISSING_TABLE: return "TrueType table missing";
    case HPDF_UNSUPPORTED_FONT_TYPE: return "unsupported font type";
    case HPDF_UNSUPPORTED_JPEG_FORMAT: return "unsupported JPEG format";
    case HPDF_ZLIB_ERROR: return "zlib error";
    case HPDF_INVALID_COLOR_SPACE: return "invalid colour space";
    case HPDF_INVALID_BIT_PER_COMPONENT: return "invalid bits per component";
    case HPDF_EXCEED_GSTATE_LIMIT: return "graphics state nested too deep";
    case HPDF_INVALID_PAGE_INDEX: return "invalid page index";
    default: return "libharu error";
    }
}

/* Adds the one "pdf" diagnostic of a failed render. Returns false. */
static bool fail(render_ctx *c, const char *what)
{
    if (c->error != 0)
        qs_diag_add(c->diags, QS_SEV_ERROR, NULL, 0, 0, "pdf",
                    "cannot write the PDF: %s: %s (libharu error 0x%04X, "
                    "detail %u)", what, hpdf_error_text(c->error),
                    (unsigned)c->error, (unsigned)c->detail);
    else
        qs_diag_add(c->diags, QS_SEV_ERROR, NULL, 0, 0, "pdf",
                    "cannot write the PDF: %s", what);
    return false;
}

/* ---- fonts ---- */

/* The bit set of code points drawn with doc->fonts[font]. */
static uint32_t *used_set(render_ctx *c, size_t font)
{
    return c->used + c->owner[font] * USED_WORDS;
}

/* The code point at *s (*n bytes left), stepping past it; a byte of
 * invalid UTF-8 comes back as (uint32_t)-1, one byte stepped. */
static uint32_t take_code_point(const char **s, size_t *n)
{
    size_t k = 1;
    uint32_t cp = qs_utf8_decode(*s, *n, &k);
    if (k == 0 || k > *n)
        k = 1;
    *s += k;
    *n -= k;
    return cp;
}

/* Records the code points of `text` as drawn with doc->fonts[font]. The
 * text is valid UTF-8 of the BMP (fonts.c checked coverage). */
static void mark_used(render_ctx *c, size_t font, const char *text)
{
    uint32_t *set = used_set(c, font);
    size_t n = strlen(text);
    while (n > 0) {
        uint32_t cp = take_code_point(&text, &n);
        if (cp < 0x10000)
            set[cp >> 5] |= UINT32_C(1) << (cp & 31);
    }
}

/* The first code point >= `from` in `set`, or 0x10000 when there is none:
 * loops over a set skip its empty words. */
static uint32_t next_used(const uint32_t *set, uint32_t from)
{
    for (uint32_t cp = from; cp < 0x10000; cp = (cp | 31) + 1) {
        uint32_t bits = set[cp >> 5] >> (cp & 31);
        if (bits) {
            while (!(bits & 1)) {
                bits >>= 1;
                cp++;
            }
            return cp;
        }
    }
    return 0x10000;
}

/* Replaces the malformed ToUnicode CMap libharu 2.3.0 writes for a UTF-8
 * font by a standard one: each 2-byte code maps to the same UTF-16 value,
 * as one 256-code bfrange per row (high byte) the document uses, surrogate
 * rows left out, at most 100 per block. */
static bool fix_to_unicode(render_ctx *c, HPDF_Font font, const uint32_t *set)
{
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!cmap || !cmap->stream)
        return fail(c, "the font has no ToUnicode CMap to fix");
    HPDF_MemStream_FreeData(cmap->stream);
    if (cmap->stream->size != 0)
        return fail(c, "cannot empty the ToUnicode CMap");

    static const char head[] =
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n";
    static const char tail[] =
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n";
    if (HPDF_Stream_WriteStr(cmap->stream, head) != HPDF_OK)
        return fail(c, "cannot write the ToUnicode CMap");

    unsigned rows[256], nrows = 0;
    for (unsigned hi = 0; hi < 256; hi++) {
        if (hi >= 0xD8 && hi <= 0xDF)
            continue;
        for (unsigned w = hi * 8; w < hi * 8 + 8; w++) {
            if (set[w]) {
                rows[nrows++] = hi;
                break;
            }
        }
    }
    char line[64];
    for (unsigned i = 0; i < nrows; i += 100) {
        unsigned n = nrows - i < 100 ? nrows - i : 100;
        snprintf(line, sizeof line, "%u beginbfrange\n", n);
        if (HPDF_Stream_WriteStr(cmap->stream, line) != HPDF_OK)
            return fail(c, "cannot write the ToUnicode CMap");
        for (unsigned k = i; k < i + n; k++) {
            snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n",
                     rows[k], rows[k], rows[k]);
            if (HPDF_Stream_WriteStr(cmap->stream, line) != HPDF_OK)
                return fail(c, "cannot write the ToUnicode CMap");
        }
        if (HPDF_Stream_WriteStr(cmap->stream, "endbfrange\n") != HPDF_OK)
            return fail(c, "cannot write the ToUnicode CMap");
    }
    if (HPDF_Stream_WriteStr(cmap->stream, tail) != HPDF_OK)
        return fail(c, "cannot write the ToUnicode CMap");
    return true;
}

/* Rewrites the descendant CIDFont's /CIDToGIDMap and /W for the code points
 * drawn (see the top of the file). Glyph ids and widths come from libharu
 * itself (HPDF_TTFontDef_GetGlyphid, HPDF_TTFontDef_GetGidWidth), so they
 * are the values it wrote before, and fonts.c measured with. */
static bool shrink_cid_font(render_ctx *c, HPDF_Font font, const uint32_t *set)
{
    HPDF_FontAttr attr = font->attr;
    HPDF_Dict cid = attr ? attr->descendant_font : NULL;
    HPDF_Dict map = attr ? attr->map_stream : NULL;
    HPDF_Array w = cid ? HPDF_Dict_GetItem(cid, "W", HPDF_OCLASS_ARRAY) : NULL;
    if (!cid || !map || !map->stream || !w || !attr->fontdef)
        return fail(c, "the font has no CIDToGIDMap or widths to rewrite");
    HPDF_FontDef def = attr->fontdef;

    uint32_t top = 0; /* one past the highest code used */
    for (size_t w = USED_WORDS; w-- > 0 && top == 0;) {
        for (uint32_t bits = set[w]; bits; bits >>= 1)
            top++;
        if (top)
            top += (uint32_t)w * 32;
    }

    HPDF_MemStream_FreeData(map->stream);
    if (map->stream->size != 0)
        return fail(c, "cannot empty the CIDToGIDMap");
    HPDF_Array_Clear(w);
    HPDF_INT dw = (HPDF_INT)def->missing_width;
    HPDF_Array run = NULL; /* the /W sub-array being filled, if any */
    uint32_t prev = 0x10000; /* the code before, when it was in the run */
    unsigned char *gids = qs_xcalloc((size_t)top * 2 + 1, 1); /* 0: unused */
    bool ok = true;
    for (uint32_t cp = next_used(set, 0); ok && cp < top; cp = next_used(set, cp + 1)) {
        /* Marks the glyph (and a composite glyph's parts) for the subset,
         * as measuring with libharu would. */
        HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)cp);
        HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp);
        gids[2 * cp] = (unsigned char)(gid >> 8);
        gids[2 * cp + 1] = (unsigned char)gid;
        HPDF_INT width = HPDF_TTFontDef_GetGidWidth(def, gid);
        if (width == dw || cp != prev + 1)
            run = NULL;
        if (width != dw) {
            if (!run) {
                run = HPDF_Array_New(c->pdf->mmgr);
                ok = run && HPDF_Array_AddNumber(w, (HPDF_INT32)cp) == HPDF_OK &&
                     HPDF_Array_Add(w, run) == HPDF_OK;
            }
            ok = ok && HPDF_Array_AddNumber(run, width) == HPDF_OK;
        }
        prev = cp;
    }
    if (!ok) {
        free(gids);
        return fail(c, "rewriting the font widths");
    }
    ok = HPDF_Stream_Write(map->stream, gids, top * 2) == HPDF_OK;
    free(gids);
    return ok || fail(c, "rewriting the CIDToGIDMap");
}

/* Deflates the bytes libharu wrote into stream object `obj` (see
 * pdf_hpdf_streams.c). */
static bool recompress(HPDF_Dict obj)
{
    HPDF_Stream st = obj ? obj->stream : NULL;
    if (!st)
        return false;
    HPDF_UINT n = st->size, got = n;
    unsigned char *raw = qs_xmalloc(n ? n : 1);
    bool ok = HPDF_Stream_Seek(st, 0, HPDF_SEEK_SET) == HPDF_OK &&
              (n == 0 || HPDF_Stream_Read(st, raw, &got) == HPDF_OK) && got == n &&
              qs_hpdf_hold_deflated(obj, raw, n);
    free(raw);
    return ok;
}

/* The font's three streams, deflated here rather than by libharu at level
 * 6: the ToUnicode CMap, the CIDToGIDMap and the font program. libharu
 * makes the font program (FontFile2, from the glyphs marked used) in the
 * font's before_write function when saving; that function is run here,
 * once every glyph is marked, and makes nothing new when the save runs it
 * again. It also gives the CMap and the map the font's filter each time it
 * runs, so the font's attributes let go of them once they are deflated
 * (the font dictionaries still refer to them, and libharu uses those
 * attributes for nothing else). */
static bool compress_font_streams(render_ctx *c, HPDF_Font font)
{
    HPDF_FontAttr attr = font->attr;
    if (!font->before_write_fn || font->before_write_fn(font) != HPDF_OK ||
        !attr->fontdef->descriptor)
        return fail(c, "preparing the font program");
    HPDF_Dict program = HPDF_Dict_GetItem(attr->fontdef->descriptor,
                                          "FontFile2", HPDF_OCLASS_DICT);
    if (!recompress(attr->cmap_stream) || !recompress(attr->map_stream) ||
        !recompress(program))
        return fail(c, "compressing the font's streams");
    attr->cmap_stream = NULL;
    attr->map_stream = NULL;
    return true;
}

/* After the pages: the per-font streams that depend on what was drawn. */
static bool finish_fonts(render_ctx *c)
{
    for (size_t i = 0; i < c->doc->nfonts; i++) {
        if (c->owner[i] != i || !c->fonts[i])
            continue;
        const uint32_t *set = used_set(c, i);
        if (!fix_to_unicode(c, c->fonts[i], set) ||
            !shrink_cid_font(c, c->fonts[i], set) ||
            !compress_font_streams(c, c->fonts[i]))
            return false;
    }
    return true;
}

/* The code points drawn with each face, before anything is drawn: every
 * non-empty text item, and the watermark when it has a width (exactly what
 * draw_text and draw_watermark draw). Items with a font index out of range
 * are left to check_item. */
static void collect_used(render_ctx *c, const qs_layout *l)
{
    const qs_doc *doc = c->doc;
    if (doc->watermark && doc->watermark[0] &&
        qs_font_width(doc->fonts[doc->watermark_font], doc->watermark,
                      strlen(doc->watermark), 1.0f) > 0.0f)
        mark_used(c, (size_t)doc->watermark_font, doc->watermark);
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].count; k++) {
            const qs_item *it = &l->pages[p].items[k];
            if (it->kind == QS_ITEM_TEXT && it->font >= 0 &&
                (size_t)it->font < doc->nfonts && it->text && it->text[0])
                mark_used(c, (size_t)it->font, it->text);
        }
}

static bool set_is_empty(const uint32_t *set)
{
    for (size_t w = 0; w < USED_WORDS; w++)
        if (set[w])
            return false;
    return true;
}

/* The encoder of the fonts: libharu's UTF-8 encoder (HPDF_UseUTFEncodings)
 * is a CMap encoder whose set-up clears 256 KiB of tables one byte at a
 * time and fills half of them again; text is never encoded by libharu
 * here (the content streams are written by this file, metadata and outline
 * titles are UTF-16 strings made here), so the fonts get an encoder of
 * their own that libharu only reads when it makes a font: the ordering
 * Identity-H (so the Type0 font's /Encoding is /Identity-H: code = CID, a
 * 2-byte Unicode value), the registry Adobe, and cid_map and unicode_map
 * tables in calloc'd memory, which costs nothing until an entry is set
 * (get_font sets one per face). The code space, CID and notdef ranges stay
 * empty: they only feed libharu's ToUnicode CMap, which fix_to_unicode
 * replaces. HPDF_CMapEncoder_Free frees it all with the document (through
 * the default memory manager, that is free()). */
#define FONT_ENCODER "QS-UCS2-H"

static HPDF_STATUS init_font_encoder(HPDF_Encoder enc)
{
    HPDF_CMapEncoderAttr attr = qs_xcalloc(1, sizeof *attr);
    enc->attr = attr;
    attr->writing_mode = HPDF_WMODE_HORIZONTAL;
    attr->cmap_range = HPDF_List_New(enc->mmgr, HPDF_DEF_RANGE_TBL_NUM);
    attr->notdef_range = HPDF_List_New(enc->mmgr, HPDF_DEF_ITEMS_PER_BLOCK);
    attr->code_space_range = HPDF_List_New(enc->mmgr, HPDF_DEF_ITEMS_PER_BLOCK);
    if (!attr->cmap_range || !attr->notdef_range || !attr->code_space_range)
        return HPDF_Error_GetCode(enc->error);
    snprintf(attr->registry, sizeof attr->registry, "Adobe");
    snprintf(attr->ordering, sizeof attr->ordering, "Identity-H");
    enc->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;
    return HPDF_OK;
}

/* Registers FONT_ENCODER with the document. */
static bool add_font_encoder(render_ctx *c)
{
    HPDF_Encoder enc = HPDF_CMapEncoder_New(c->pdf->mmgr, FONT_ENCODER,
                                            init_font_encoder);
    /* HPDF_Doc_RegisterEncoder frees the encoder when it fails. */
    return enc && HPDF_Doc_RegisterEncoder(c->pdf, enc) == HPDF_OK;
}

/* HPDF_GetFont(pdf, name, FONT_ENCODER) for a face whose drawn code points
 * are `set` (not empty).
 *
 * For a CID font, libharu 2.3.0 (CIDFontType2_New) visits every code whose
 * cid_map entry is set (with a UTF-8 encoder: all 65,536, each looked up
 * in the font's cmap segments), and builds a /W array and a CIDToGIDMap up
 * to the highest: work thrown away, because shrink_cid_font rewrites both
 * from `set`. So the encoder's tables name one code point only, the lowest
 * one drawn, for the duration of the call: libharu's arrays stay a few
 * entries long. */
static HPDF_Font get_font(render_ctx *c, const char *name, const uint32_t *set)
{
    HPDF_Encoder enc = HPDF_GetEncoder(c->pdf, FONT_ENCODER);
    uint32_t cp = next_used(set, 1); /* CID 0 would mean "no glyph" */
    if (!enc || !enc->attr || cp >= 0x10000)
        return NULL;
    HPDF_CMapEncoderAttr attr = enc->attr;
    HPDF_UINT16 *cid = &attr->cid_map[cp >> 8][cp & 0xFF];
    HPDF_UNICODE *uni = &attr->unicode_map[cp >> 8][cp & 0xFF];
    *cid = (HPDF_UINT16)cp;
    *uni = (HPDF_UNICODE)cp;
    HPDF_Font font = HPDF_GetFont(c->pdf, name, FONT_ENCODER);
    *cid = 0;
    *uni = 0;
    return font;
}

/* Hands libharu the font file's bytes, which fonts.c read and vetted:
 * HPDF_LoadTTFontFromFile would read the file again (a few hundred lseeks
 * and reads through stdio, and a file that may have changed since it was
 * vetted). This is what HPDF_LoadTTFontFromFile does after opening the
 * file, with a stream held here (pdf_hpdf_streams.c): the font
 * definition (which owns the stream
 * and reads the glyphs from it again when saving), the subset tag from
 * the load order (`tag` = 0, 1, ... -> HPDFAA, HPDFAB, ...), and a font
 * of the same name loaded before reused. Returns libharu's font name. */
static const char *load_font_def(render_ctx *c, const qs_font *font,
                                 unsigned tag)
{
    size_t size = 0;
    const unsigned char *data = qs_font_data(font, &size);
    if (!data || size == 0 || size > UINT32_MAX || tag >= 26 * 26)
        return NULL;
    qs_buf copy = { 0 };
    qs_buf_add(&copy, (const char *)data, size);
    HPDF_Stream stream = qs_hpdf_held_stream(c->pdf->mmgr, &copy);
    qs_buf_free(&copy);
    if (!stream)
        return NULL;
    HPDF_FontDef def = HPDF_TTFontDef_Load(c->pdf->mmgr, stream, HPDF_TRUE);
    if (!def)
        return NULL; /* the stream went with it */
    HPDF_FontDef same = HPDF_Doc_FindFontDef(c->pdf, def->base_font);
    if (same) {
        HPDF_FontDef_Free(def);
        return same->base_font;
    }
    char name[7] = { 'H', 'P', 'D', 'F', (char)('A' + tag / 26),
                     (char)('A' + tag % 26), '\0' };
    HPDF_TTFontDef_SetTagName(def, name);
    return HPDF_Doc_RegisterFontDef(c->pdf, def) == HPDF_OK ? def->base_font
                                                            : NULL;
}

/* Two files that hold a font of the same name are one libharu font (see
 * load_font_def): the code points drawn with doc->fonts[from] and those
 * sharing its file join the set of doc->fonts[to], so the font's subset,
 * widths and maps cover both. */
static void share_owner(render_ctx *c, size_t from, size_t to)
{
    uint32_t *dst = c->used + to * USED_WORDS;
    const uint32_t *src = c->used + from * USED_WORDS;
    for (size_t w = 0; w < USED_WORDS; w++)
        dst[w] |= src[w];
    for (size_t k = 0; k < c->doc->nfonts; k++)
        if (c->owner[k] == from)
            c->owner[k] = to;
}

/* Loads, in index order (the subset tags follow the load order), every font
 * the layout draws with: a face the template declares but the document
 * never draws a character with costs libharu time and the PDF a few
 * objects, so it is left out. A file listed twice is loaded once. */
static bool load_fonts(render_ctx *c, const qs_layout *l)
{
    const qs_doc *doc = c->doc;
    for (size_t i = 0; i < doc->nfonts; i++) {
        c->owner[i] = i;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(qs_font_path(doc->fonts[j]), qs_font_path(doc->fonts[i])) == 0) {
                c->owner[i] = c->owner[j];
                break;
            }
        }
    }
    collect_used(c, l);
    bool ok = true;
    unsigned loaded = 0;
    for (size_t i = 0; ok && i < doc->nfonts; i++) {
        if (c->owner[i] != i) {
            c->fonts[i] = c->fonts[c->owner[i]];
            continue;
        }
        const uint32_t *set = used_set(c, i);
        if (set_is_empty(set))
            continue;
        const char *path = qs_font_path(doc->fonts[i]);
        char what[300];
        snprintf(what, sizeof what, "loading font %s", path);
        const char *name = load_font_def(c, doc->fonts[i], loaded++);
        c->fonts[i] = name ? get_font(c, name, set) : NULL;
        if (!c->fonts[i])
            ok = fail(c, what);
        for (size_t j = 0; ok && j < i; j++) {
            if (c->owner[j] == j && c->fonts[j] == c->fonts[i]) {
                share_owner(c, i, j);
                break;
            }
        }
    }
    return ok;
}

/* ---- images ---- */

/* An image XObject of 8-bit samples (`components` 3: DeviceRGB, 1:
 * DeviceGray), its pixels deflated here, the dictionary as libharu's
 * HPDF_LoadRawImageFromMem makes it. */
static HPDF_Image raw_image(render_ctx *c, const unsigned char *px,
                            unsigned width, unsigned height, int components)
{
    HPDF_Dict img = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    if (!img)
        return NULL;
    img->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    HPDF_STATUS st = HPDF_Dict_AddName(img, "Type", "XObject");
    st += HPDF_Dict_AddName(img, "Subtype", "Image");
    st += HPDF_Dict_AddName(img, "ColorSpace",
                            components == 3 ? "DeviceRGB" : "DeviceGray");
    st += HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)width);
    st += HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)height);
    st += HPDF_Dict_AddNumber(img, "BitsPerComponent", 8);
    if (st != HPDF_OK)
        return NULL;
    if (!qs_hpdf_hold_deflated(img, px, (size_t)width * height * (size_t)components))
        return NULL;
    return img;
}

/* An image XObject of a PNG's own image data (8-bit RGB, see image.h):
 * FlateDecode with the PNG predictors decodes it, so it goes in as it is. */
static HPDF_Image png_image(render_ctx *c, const qs_image *png)
{
    HPDF_Dict img = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    HPDF_Dict parms = img ? HPDF_Dict_New(c->pdf->mmgr) : NULL;
    if (!parms)
        return NULL;
    img->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    HPDF_STATUS st = HPDF_Dict_AddName(img, "Type", "XObject");
    st += HPDF_Dict_AddName(img, "Subtype", "Image");
    st += HPDF_Dict_AddName(img, "ColorSpace", "DeviceRGB");
    st += HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)png->width);
    st += HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)png->height);
    st += HPDF_Dict_AddNumber(img, "BitsPerComponent", 8);
    st += HPDF_Dict_Add(img, "DecodeParms", parms);
    st += HPDF_Dict_AddNumber(parms, "Predictor", 15);
    st += HPDF_Dict_AddNumber(parms, "Colors", 3);
    st += HPDF_Dict_AddNumber(parms, "BitsPerComponent", 8);
    st += HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)png->width);
    qs_buf data = { 0 };
    qs_buf_add(&data, (const char *)png->png_data, png->png_data_size);
    bool ok = st == HPDF_OK && qs_hpdf_hold_stream(img, &data, true);
    qs_buf_free(&data);
    return ok ? img : NULL;
}

/* Returns the libharu image for doc->images[index], loading it once. */
static HPDF_Image get_image(render_ctx *c, int index)
{
    if (c->images[index])
        return c->images[index];
    const qs_image *img = c->doc->images[index];
    HPDF_Image h = NULL;
    if (img->kind == QS_IMAGE_JPEG) {
        if (img->jpeg_size > UINT32_MAX)
            return NULL;
        h = HPDF_LoadJpegImageFromMem(c->pdf, img->jpeg,
                                      (HPDF_UINT)img->jpeg_size);
    } else if (img->png_data) {
        h = png_image(c, img);
    } else {
        h = raw_image(c, img->rgb, img->width, img->height, 3);
        if (h && img->alpha) {
            HPDF_Image mask = raw_image(c, img->alpha, img->width,
                                        img->height, 1);
            if (!mask || HPDF_Image_AddSMask(h, mask) != HPDF_OK)
                return NULL;
            /* Soft masks are PDF 1.4. */
            if (c->pdf->pdf_version < HPDF_VER_14)
                c->pdf->pdf_version = HPDF_VER_14;
        }
    }
    c->images[index] = h;
    return h;
}

/* ---- content streams ----
 *
 * Each page's content stream is written here, as PDF operators in c->ops,
 * and deflated once into the page's /Contents stream. libharu's page
 * operators (HPDF_Page_TextOut and the rest) clear a 512-byte buffer byte
 * by byte on every call, convert and measure the text again, and track a
 * text position the layout already knows: a third of the render stage for
 * a 6-page proposal. The operators are the ones libharu would write: text
 * as BT ... ET with Tf, Td and Tj (the 2-byte codes in hex: for a UTF-8
 * font, code = CID = the character's Unicode value), fills with rg/re/f,
 * rules with RG/w/m/l/S, images with q/cm/Do/Q. Consecutive text items
 * share one BT ... ET and move with Td by exact differences in 1/1000 pt.
 * The resource names come from libharu (HPDF_Page_GetLocalFontName,
 * HPDF_Page_GetXObjectName), which adds the font or image to the page's
 * resources; finish_fonts marks the glyphs used, as libharu's measuring
 * would. Numbers are written from integers, never with printf's %f, so
 * the locale cannot change them. */

/* Appends `n` / 10^decimals as a PDF number (no exponent, no trailing
 * zeros) and a space. */
static void put_scaled(qs_buf *b, long long n, int decimals)
{
    char tmp[32];
    char *p = tmp + sizeof tmp;
    *--p = ' ';
    bool negative = n < 0;
    unsigned long long v = negative ? 0ULL - (unsigned long long)n
                                    : (unsigned long long)n;
    bool digits = false; /* a fraction digit written */
    for (int i = 0; i < decimals; i++, v /= 10) {
        if (digits || v % 10 != 0) {
            *--p = (char)('0' + v % 10);
            digits = true;
        }
    }
    if (digits)
        *--p = '.';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    if (negative && (digits || p[0] != '0'))
        *--p = '-';
    qs_buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* A coordinate or size in 1/1000 pt. */
static long long milli(float v)
{
    return llroundf(v * 1000.0f);
}

static void put_real(qs_buf *b, float v)
{
    put_scaled(b, milli(v), 3);
}

/* The three channels of `rgb` as numbers from 0 to 1, exact to 1/10000. */
static void put_rgb(qs_buf *b, qs_rgb rgb)
{
    const unsigned char ch[3] = { rgb.r, rgb.g, rgb.b };
    for (int i = 0; i < 3; i++)
        put_scaled(b, (ch[i] * 10000LL + 127) / 255, 4);
}

/* "/NAME " for a resource name libharu made (F1, X1 ...: plain letters and
 * digits, nothing to escape). */
static bool put_name(qs_buf *b, const char *name)
{
    if (!name)
        return false;
    qs_buf_add(b, "/", 1);
    qs_buf_puts(b, name);
    qs_buf_add(b, " ", 1);
    return true;
}

/* `text` (valid UTF-8 of the BMP, fonts.c checked) as a hex string of
 * 2-byte codes, the Tj operand of a UTF-8 font. */
static void put_codes(qs_buf *b, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    qs_buf_add(b, "<", 1);
    size_t n = strlen(text);
    while (n > 0) {
        uint32_t cp = take_code_point(&text, &n);
        char code[4] = { hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
                         hex[(cp >> 4) & 15], hex[cp & 15] };
        qs_buf_add(b, code, 4);
    }
    qs_buf_add(b, ">", 1);
}

static void end_text(render_ctx *c)
{
    if (c->gs.in_text)
        qs_buf_puts(&c->ops, "ET\n");
    c->gs.in_text = false;
}

static bool same_rgb(qs_rgb a, qs_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Sets the fill colour unless it is already set. */
static void set_fill(render_ctx *c, qs_rgb rgb)
{
    if (c->gs.fill_set && same_rgb(c->gs.fill, rgb))
        return;
    c->gs.fill_set = true;
    c->gs.fill = rgb;
    put_rgb(&c->ops, rgb);
    qs_buf_puts(&c->ops, "rg\n");
}

static bool draw_text(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    if (!it->text || !it->text[0])
        return true;
    qs_buf *b = &c->ops;
    if (!c->gs.in_text) {
        qs_buf_puts(b, "BT\n");
        c->gs.in_text = true;
        c->gs.tx = c->gs.ty = 0; /* BT starts at the origin */
    }
    if (!c->gs.font_set || c->gs.font != it->font || c->gs.size != it->size) {
        c->gs.font_set = true;
        c->gs.font = it->font;
        c->gs.size = it->size;
        if (!put_name(b, HPDF_Page_GetLocalFontName(page, c->fonts[it->font])))
            return false;
        put_real(b, it->size);
        qs_buf_puts(b, "Tf\n");
    }
    set_fill(c, it->color);
    long long x = milli(it->x), y = milli(it->y);
    put_scaled(b, x - c->gs.tx, 3);
    put_scaled(b, y - c->gs.ty, 3);
    qs_buf_puts(b, "Td\n");
    c->gs.tx = x;
    c->gs.ty = y;
    put_codes(b, it->text);
    qs_buf_puts(b, " Tj\n");
    return true;
}

static void draw_rect(render_ctx *c, const qs_item *it)
{
    end_text(c);
    set_fill(c, it->color);
    put_real(&c->ops, it->x);
    put_real(&c->ops, it->y);
    put_real(&c->ops, it->w);
    put_real(&c->ops, it->h);
    qs_buf_puts(&c->ops, "re\nf\n");
}

static void draw_line(render_ctx *c, const qs_item *it)
{
    qs_buf *b = &c->ops;
    end_text(c);
    if (!c->gs.stroke_set || !same_rgb(c->gs.stroke, it->color)) {
        c->gs.stroke_set = true;
        c->gs.stroke = it->color;
        put_rgb(b, it->color);
        qs_buf_puts(b, "RG\n");
    }
    if (!c->gs.width_set || c->gs.width != it->size) {
        c->gs.width_set = true;
        c->gs.width = it->size;
        put_real(b, it->size);
        qs_buf_puts(b, "w\n");
    }
    put_real(b, it->x);
    put_real(b, it->y);
    qs_buf_puts(b, "m\n");
    put_real(b, it->x + it->w);
    put_real(b, it->y + it->h);
    qs_buf_puts(b, "l\nS\n");
}

static bool draw_image(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    HPDF_Image img = get_image(c, it->image);
    if (!img)
        return false;
    qs_buf *b = &c->ops;
    end_text(c);
    qs_buf_puts(b, "q\n");
    put_real(b, it->w);
    qs_buf_puts(b, "0 0 ");
    put_real(b, it->h);
    put_real(b, it->x);
    put_real(b, it->y);
    qs_buf_puts(b, "cm\n");
    if (!put_name(b, HPDF_Page_GetXObjectName(page, img)))
        return false;
    qs_buf_puts(b, "Do\nQ\n");
    return true;
}

/* Draws doc->watermark across the page centre at 45 degrees, as large as
 * fits, in light grey. Called before the page's content, so it lies under;
 * it draws inside q ... Q and leaves the graphics state as it was. */
static bool draw_watermark(render_ctx *c, HPDF_Page page, float pw, float ph)
{
    const qs_doc *doc = c->doc;
    const char *text = doc->watermark;
    float em = qs_font_width(doc->fonts[doc->watermark_font], text,
                             strlen(text), 1.0f);
    if (em <= 0.0f)
        return true;
    const float k = 0.70710678f; /* cos 45 = sin 45 */
    float shorter = pw < ph ? pw : ph;
    float size = 0.75f * shorter / k / em;
    if (size > 600.0f)
        size = 600.0f;
    float len = em * size;
    float rise = 0.35f * size; /* about half a capital's height */
    float x = pw / 2.0f - len / 2.0f * k + rise * k;
    float y = ph / 2.0f - len / 2.0f * k - rise * k;
    qs_buf *b = &c->ops;
    qs_buf_puts(b, "q\nBT\n");
    if (!put_name(b, HPDF_Page_GetLocalFontName(page,
                                                c->fonts[doc->watermark_font])))
        return false;
    put_real(b, size);
    qs_buf_puts(b, "Tf\n");
    const long long grey = llroundf(WATERMARK_GREY * 10000.0f);
    for (int i = 0; i < 3; i++)
        put_scaled(b, grey, 4);
    qs_buf_puts(b, "rg\n");
    const long long r = llroundf(k * 100000.0f);
    put_scaled(b, r, 5);
    put_scaled(b, r, 5);
    put_scaled(b, -r, 5);
    put_scaled(b, r, 5);
    put_real(b, x);
    put_real(b, y);
    qs_buf_puts(b, "Tm\n");
    put_codes(b, text);
    qs_buf_puts(b, " Tj\nET\nQ\n");
    return true;
}

/* Checks the indexes a page's items refer to; the layout is trusted for
 * everything else. */
static bool check_item(render_ctx *c, const qs_item *it)
{
    if (it->kind == QS_ITEM_TEXT &&
        (it->font < 0 || (size_t)it->font >= c->doc->nfonts))
        return fail(c, "a text item refers to a font that does not exist");
    if (it->kind == QS_ITEM_TEXT && !(it->size > 0.0f && it->size <= MAX_TEXT_SIZE)) {
        char what[96];
        snprintf(what, sizeof what, "text size %g pt outside 0 to %g pt",
                 (double)it->size, (double)MAX_TEXT_SIZE);
        return fail(c, what);
    }
    if (it->kind == QS_ITEM_IMAGE &&
        (it->image < 0 || (size_t)it->image >= c->doc->nimages ||
         !c->doc->images[it->image]))
        return fail(c, "an image item refers to an image that does not exist");
    return true;
}

/* Stores c->ops, deflated, as the page's content stream. */
static bool set_page_content(render_ctx *c, HPDF_Page page)
{
    HPDF_PageAttr attr = page->attr;
    if (!attr || !attr->contents || attr->stream != attr->contents->stream ||
        !qs_hpdf_hold_deflated(attr->contents, (const unsigned char *)c->ops.s, c->ops.len))
        return false;
    attr->stream = attr->contents->stream; /* libharu's operators would
                                              write here: none is called */
    return true;
}

static bool render_page(render_ctx *c, const qs_layout *l, size_t index)
{
    HPDF_Page page = HPDF_AddPage(c->pdf);
    char what[64];
    snprintf(what, sizeof what, "drawing page %zu", index + 1);
    if (!page || HPDF_Page_SetWidth(page, l->width) != HPDF_OK ||
        HPDF_Page_SetHeight(page, l->height) != HPDF_OK)
        return fail(c, what);
    c->pages[index] = page;
    /* A new page starts with the default graphics state. */
    c->ops.len = 0;
    memset(&c->gs, 0, sizeof c->gs);
    if (c->doc->watermark && c->doc->watermark[0] &&
        !draw_watermark(c, page, l->width, l->height))
        return fail(c, what);
    const qs_page *p = &l->pages[index];
    for (size_t i = 0; i < p->count; i++) {
        const qs_item *it = &p->items[i];
        if (!check_item(c, it))
            return false;
        bool ok = true;
        switch (it->kind) {
        case QS_ITEM_TEXT: ok = draw_text(c, page, it); break;
        case QS_ITEM_RECT: draw_rect(c, it); break;
        case QS_ITEM_LINE: draw_line(c, it); break;
        case QS_ITEM_IMAGE: ok = draw_image(c, page, it); break;
        }
        if (!ok)
            return fail(c, what);
    }
    end_text(c);
    return set_page_content(c, page) || fail(c, what);
}

/* ---- outline and metadata ---- */

/* `utf8` as a PDF text string: UTF-16BE after a byte order mark, written
 * in hex; a code point above U+FFFF becomes a surrogate pair, a byte of
 * invalid UTF-8 (which the loaders reject before) U+FFFD. */
static HPDF_Binary text_string(render_ctx *c, const char *utf8)
{
    qs_buf b = { 0 };
    qs_buf_add(&b, "\xFE\xFF", 2);
    size_t n = strlen(utf8);
    while (n > 0) {
        uint32_t cp = take_code_point(&utf8, &n);
        if (cp > 0x10FFFF)
            cp = 0xFFFD;
        uint32_t units[2] = { cp, 0 };
        int nunits = 1;
        if (cp > 0xFFFF) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nunits = 2;
        }
        for (int i = 0; i < nunits; i++) {
            char be[2] = { (char)(units[i] >> 8), (char)(units[i] & 0xFF) };
            qs_buf_add(&b, be, 2);
        }
    }
    HPDF_Binary bin = HPDF_Binary_New(c->pdf->mmgr, (HPDF_BYTE *)b.s,
                                      (HPDF_UINT)b.len);
    qs_buf_free(&b);
    return bin;
}


/* Makes `dst` show its page with `top` at the window's top, keeping the
 * reader's zoom: /XYZ 0 top null. libharu 2.3.0 takes no null (or 0) zoom,
 * so the zoom it writes is replaced by a null. */
static bool set_destination(HPDF_Destination dst, float top)
{
    if (HPDF_Destination_SetXYZ(dst, 0, top, 1) != HPDF_OK ||
        dst->list->count != 5)
        return false;
    void *zoom = HPDF_List_RemoveByIndex(dst->list, 4);
    if (!zoom)
        return false;
    HPDF_Obj_Free(dst->mmgr, zoom);
    HPDF_Null null = HPDF_Null_New(dst->mmgr);
    return null && HPDF_Array_Add(dst, null) == HPDF_OK;
}

static bool add_outline(render_ctx *c, const qs_layout *l)
{
    if (l->noutline == 0)
        return true;
    HPDF_Outline parents[MAX_OUTLINE_DEPTH] = {0};
    int depth = 0; /* number of valid entries in parents */
    for (size_t i = 0; i < l->noutline; i++) {
        const qs_outline_entry *e = &l->outline[i];
        if (e->page >= l->npages)
            return fail(c, "an outline entry points past the last page");
        int level = e->level < 0 ? 0 : e->level;
        if (level > depth)
            level = depth; /* no skipped levels */
        if (level >= MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH - 1;
        HPDF_Outline parent = level > 0 ? parents[level - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(c->pdf, parent, "", NULL);
        HPDF_Destination dst = o ? HPDF_Page_CreateDestination(
                                       c->pages[e->page]) : NULL;
        float top = e->y < 0 ? 0 : (e->y > l->height ? l->height : e->y);
        if (!o || !dst ||
            HPDF_Dict_Add(o, "Title", text_string(c, e->title ? e->title : "")) != HPDF_OK ||
            !set_destination(dst, top) ||
            HPDF_Outline_SetDestination(o, dst) != HPDF_OK ||
            HPDF_Outline_SetOpened(o, HPDF_TRUE) != HPDF_OK)
            return fail(c, "adding an outline entry");
        parents[level] = o;
        depth = level + 1;
    }
    return true;
}

/* Parses "YYYY-MM-DD" strictly into a date at 00:00:00 UTC. */
static bool parse_date(const char *s, HPDF_Date *out)
{
    int y, m, d;
    if (!qs_date_parse(s, &y, &m, &d))
        return false;
    memset(out, 0, sizeof *out);
    out->year = y;
    out->month = m;
    out->day = d;
    out->ind = '+';
    return true;
}

/* SOURCE_DATE_EPOCH (seconds since 1970, UTC) as a date, when it is set. */
static bool epoch_date(HPDF_Date *out, bool *set)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    *set = s && s[0];
    if (!*set)
        return true;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL) /* 9999-12-31 */
        return false;
    time_t t = (time_t)v;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return false;
    memset(out, 0, sizeof *out);
    out->year = tm.tm_year + 1900;
    out->month = tm.tm_mon + 1;
    out->day = tm.tm_mday;
    out->hour = tm.tm_hour;
    out->minutes = tm.tm_min;
    out->seconds = tm.tm_sec;
    out->ind = '+';
    return true;
}

/* ---- the document ID ---- */

static void hash_str(qs_sha256_ctx *h, const char *s)
{
    size_t n = s ? strlen(s) + 1 : 0; /* the terminator separates fields */
    qs_sha256_add(h, (const uint8_t *)s, n);
}

/* The trailer /ID: two copies of the first 16 bytes of a SHA-256 over what
 * the PDF shows (every laid-out item, the fonts and images it draws with,
 * the metadata, the attachments), so the same content always gets the same
 * ID and any change a new one; never the clock. */
static bool set_document_id(render_ctx *c, const qs_layout *l)
{
    qs_sha256_ctx h;
    qs_sha256_init(&h);
    for (size_t p = 0; p < l->npages; p++) {
        const qs_page *page = &l->pages[p];
        for (size_t i = 0; i < page->count; i++) {
            const qs_item *it = &page->items[i];
            float geometry[5] = {it->x, it->y, it->w, it->h, it->size};
            int refs[3] = {(int)it->kind, it->font, it->image};
            qs_sha256_add(&h, (const uint8_t *)geometry, sizeof geometry);
            qs_sha256_add(&h, (const uint8_t *)refs, sizeof refs);
            qs_sha256_add(&h, (const uint8_t *)&it->color, sizeof it->color);
            hash_str(&h, it->kind == QS_ITEM_TEXT ? it->text : NULL);
        }
    }
    const qs_doc *doc = c->doc;
    for (size_t i = 0; i < doc->nfonts; i++) {
        size_t n = 0;
        const unsigned char *data = doc->fonts[i] ? qs_font_data(doc->fonts[i], &n) : NULL;
        qs_sha256_add(&h, data, n);
    }
    for (size_t i = 0; i < doc->nimages; i++) {
        const qs_image *img = doc->images[i];
        if (!img)
            continue;
        qs_sha256_add(&h, img->file_sha256, sizeof img->file_sha256);
    }
    const qs_metadata *m = &doc->meta;
    const char *meta[] = {m->title, m->author, m->subject, m->keywords, m->creator,
                          m->date, doc->watermark};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
        hash_str(&h, meta[i]);
    for (size_t i = 0; c->opts && i < c->opts->nattachments; i++) {
        hash_str(&h, c->opts->attachments[i].name);
        qs_sha256_add(&h, c->opts->attachments[i].data, c->opts->attachments[i].size);
    }
    unsigned char digest[QS_SHA256_SIZE];
    qs_sha256_finish(&h, digest);

    HPDF_Array id = HPDF_Array_New(c->pdf->mmgr);
    if (!id || HPDF_Dict_Add(c->pdf->trailer, "ID", id) != HPDF_OK)
        return fail(c, "writing the document ID");
    for (int k = 0; k < 2; k++) {
        HPDF_Binary half = HPDF_Binary_New(c->pdf->mmgr, digest, 16);
        if (!half || HPDF_Array_Add(id, half) != HPDF_OK)
            return fail(c, "writing the document ID");
    }
    return true;
}

static bool set_metadata(render_ctx *c)
{
    const qs_metadata *m = &c->doc->meta;
    /* The Producer (ASCII) through libharu, which makes the Info
     * dictionary; the rest as text strings made here. */
    if (HPDF_SetInfoAttr(c->pdf, HPDF_INFO_PRODUCER, "quotesmith") != HPDF_OK ||
        !c->pdf->info)
        return fail(c, "setting the document metadata");
    struct { const char *key, *value; } attrs[] = {
        { "Title", m->title },       { "Author", m->author },
        { "Subject", m->subject },   { "Keywords", m->keywords },
        { "Creator", m->creator },
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (attrs[i].value && attrs[i].value[0] &&
            HPDF_Dict_Add(c->pdf->info, attrs[i].key,
                          text_string(c, attrs[i].value)) != HPDF_OK)
            return fail(c, "setting the document metadata");
    }

    HPDF_Date date;
    bool have = false;
    if (m->date) {
        if (!parse_date(m->date, &date)) {
            qs_diag_add(c->diags, QS_SEV_ERROR, NULL, 0, 0, "pdf",
                        "cannot write the PDF: document date '%s' is not a "
                        "valid YYYY-MM-DD date", m->date);
            return false;
        }
        have = true;
    } else if (!epoch_date(&date, &have)) {
        qs_diag_add(c->diags, QS_SEV_ERROR, NULL, 0, 0, "pdf",
                    "cannot write the PDF: SOURCE_DATE_EPOCH is not a "
                    "number of seconds between 1970 and 9999");
        return false;
    }
    if (have &&
        (HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
         HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, date) != HPDF_OK))
        return fail(c, "setting the document dates");
    c->have_date = have;
    c->date = date;
    return true;
}

/* ---- embedded files (the hybrid PDF) ---- */

#define MAX_ATTACHMENT_SIZE (64u << 20)

static const char *const relationships[] = {
    "Alternative", "Data", "Source", "Supplement", "Unspecified",
};

/* Checks the attachments before anything is built. */
static bool check_attachments(render_ctx *c)
{
    const qs_pdf_options *o = c->opts;
    for (size_t i = 0; i < o->nattachments; i++) {
        const qs_pdf_attachment *a = &o->attachments[i];
        const char *why = NULL;
        if (!a->name || !a->name[0] || strlen(a->name) > 255 ||
            strchr(a->name, '/'))
            why = "needs a plain file name (no '/', 1 to 255 bytes)";
        else if (a->size > MAX_ATTACHMENT_SIZE || (a->size && !a->data))
            why = "is larger than 64 MiB or has no bytes";
        for (size_t j = 0; !why && j < i; j++)
            if (strcmp(o->attachments[j].name, a->name) == 0)
                why = "is attached twice";
        if (!why && a->relationship) {
            why = "has an unknown AFRelationship";
            for (size_t k = 0; k < sizeof relationships / sizeof *relationships; k++)
                if (strcmp(a->relationship, relationships[k]) == 0)
                    why = NULL;
        }
        if (why) {
            qs_diag_add(c->diags, QS_SEV_ERROR, NULL, 0, 0, "pdf",
                        "cannot write the PDF: attachment %zu ('%s') %s",
                        i + 1, a->name ? a->name : "", why);
            return false;
        }
    }
    return true;
}

/* One attachment: the EmbeddedFile stream (compressed, with /Subtype and
 * /Params << /Size /ModDate >>) and its Filespec (/F, /UF, /EF, /Desc,
 * /AFRelationship). Returns the Filespec, an indirect object. */
static HPDF_Dict embed_file(render_ctx *c, const qs_pdf_attachment *a)
{
    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Dict ef = HPDF_DictStream_New(mm, c->pdf->xref);
    if (!ef)
        return NULL;
    HPDF_STATUS st = HPDF_Dict_AddName(ef, "Type", "EmbeddedFile");
    if (a->mime && a->mime[0])
        st += HPDF_Dict_AddName(ef, "Subtype", a->mime); /* '/' -> #2F */
    HPDF_Dict params = HPDF_Dict_New(mm);
    if (!params)
        return NULL;
    st += HPDF_Dict_Add(ef, "Params", params);
    st += HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)a->size);
    if (c->have_date) {
        char date[32];
        snprintf(date, sizeof date, "D:%04d%02d%02d%02d%02d%02dZ",
                 c->date.year, c->date.month, c->date.day, c->date.hour,
                 c->date.minutes, c->date.seconds);
        st += HPDF_Dict_Add(params, "ModDate", HPDF_String_New(mm, date, NULL));
    }
    if (st != HPDF_OK || !qs_hpdf_hold_deflated(ef, a->data, a->size))
        return NULL;

    HPDF_Dict spec = HPDF_Dict_New(mm);
    if (!spec || HPDF_Xref_Add(c->pdf->xref, spec) != HPDF_OK)
        return NULL;
    HPDF_Dict efs = HPDF_Dict_New(mm);
    if (!efs)
        return NULL;
    st = HPDF_Dict_AddName(spec, "Type", "Filespec");
    st += HPDF_Dict_Add(spec, "F", HPDF_String_New(mm, a->name, NULL));
    st += HPDF_Dict_Add(spec, "UF", text_string(c, a->name));
    st += HPDF_Dict_Add(spec, "EF", efs);
    st += HPDF_Dict_Add(efs, "F", ef);
    st += HPDF_Dict_Add(efs, "UF", ef);
    if (a->description && a->description[0])
        st += HPDF_Dict_Add(spec, "Desc", text_string(c, a->description));
    if (a->relationship)
        st += HPDF_Dict_AddName(spec, "AFRelationship", a->relationship);
    return st == HPDF_OK ? spec : NULL;
}

/* The catalog's /Names << /EmbeddedFiles << /Names [...] >> >> and /AF. */
static bool add_attachments(render_ctx *c)
{
    const qs_pdf_options *o = c->opts;
    if (!o || o->nattachments == 0)
        return true;
    /* A name tree's leaves are sorted by name (byte order): an insertion
     * sort of the indexes (there are few). */
    size_t *order = qs_xcalloc(o->nattachments, sizeof *order);
    for (size_t i = 0; i < o->nattachments; i++) {
        size_t j = i;
        while (j > 0 && strcmp(o->attachments[order[j - 1]].name,
                               o->attachments[i].name) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }

    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Dict names = HPDF_Dict_New(mm);
    HPDF_Dict tree = HPDF_Dict_New(mm);
    HPDF_Array leaves = HPDF_Array_New(mm);
    HPDF_Array af = HPDF_Array_New(mm);
    bool ok = names && tree && leaves && af &&
              HPDF_Dict_Add(c->pdf->catalog, "Names", names) == HPDF_OK &&
              HPDF_Dict_Add(names, "EmbeddedFiles", tree) == HPDF_OK &&
              HPDF_Dict_Add(tree, "Names", leaves) == HPDF_OK &&
              HPDF_Dict_Add(c->pdf->catalog, "AF", af) == HPDF_OK;
    for (size_t k = 0; ok && k < o->nattachments; k++) {
        const qs_pdf_attachment *a = &o->attachments[order[k]];
        HPDF_Dict spec = embed_file(c, a);
        ok = spec &&
             HPDF_Array_Add(leaves, HPDF_String_New(mm, a->name, NULL)) == HPDF_OK &&
             HPDF_Array_Add(leaves, spec) == HPDF_OK &&
             HPDF_Array_Add(af, spec) == HPDF_OK;
    }
    free(order);
    return ok || fail(c, "embedding an attached file");
}

/* ---- the whole document ---- */

/* The write function of the stream the document is saved into. */
static HPDF_STATUS append_output(HPDF_Stream stream, const HPDF_BYTE *ptr,
                                 HPDF_UINT size)
{
    qs_buf_add(stream->attr, (const char *)ptr, size);
    return HPDF_OK;
}

/* Saves the document straight into a qs_buf: HPDF_SaveToStream writes into
 * pdf->stream, which it makes a memory stream only when there is none, so
 * a callback stream set here receives the bytes (libharu's memory stream
 * would copy them twice, byte by byte). libharu frees the stream with the
 * document. */
static bool save(render_ctx *c, unsigned char **pdf, size_t *size)
{
    qs_buf out = { 0 };
    c->pdf->stream = HPDF_CallbackWriter_New(c->pdf->mmgr, append_output, &out);
    if (!c->pdf->stream || HPDF_SaveToStream(c->pdf) != HPDF_OK) {
        qs_buf_free(&out);
        return fail(c, "saving the document");
    }
    if (out.len == 0) {
        qs_buf_free(&out);
        return fail(c, "the document is empty");
    }
    *pdf = (unsigned char *)out.s;
    *size = out.len;
    return true;
}

static bool render(render_ctx *c, const qs_layout *l, unsigned char **pdf,
                   size_t *size)
{
    const qs_doc *doc = c->doc;
    if (doc->watermark && doc->watermark[0] &&
        (doc->watermark_font < 0 || (size_t)doc->watermark_font >= doc->nfonts))
        return fail(c, "the watermark's font does not exist");
    if (l->npages == 0)
        return fail(c, "the layout has no pages");
    if (!(l->width >= 3.0f && l->width <= 14400.0f && l->height >= 3.0f &&
          l->height <= 14400.0f))
        return fail(c, "page sides must lie between 3 and 14400 pt");
    if (HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL) != HPDF_OK ||
        !add_font_encoder(c))
        return fail(c, "setting up the document");
    if (l->npages > HPDF_LIMIT_MAX_ARRAY &&
        HPDF_SetPagesConfiguration(c->pdf, 1024) != HPDF_OK)
        return fail(c, "setting up a page tree for many pages");
    if (c->opts && !check_attachments(c))
        return false;
    if (!load_fonts(c, l))
        return false;
    for (size_t i = 0; i < l->npages; i++)
        if (!render_page(c, l, i))
            return false;
    return add_outline(c, l) && set_metadata(c) && add_attachments(c) &&
           set_document_id(c, l) && finish_fonts(c) && save(c, pdf, size);
}

bool qs_render_pdf(const qs_doc *doc, const qs_layout *l,
                   unsigned char **pdf, size_t *size, qs_diags *d)
{
    return qs_render_pdf_opts(doc, l, NULL, pdf, size, d);
}

bool qs_render_pdf_opts(const qs_doc *doc, const qs_layout *l,
                        const qs_pdf_options *opts, unsigned char **pdf,
                        size_t *size, qs_diags *d)
{
    *pdf = NULL;
    *size = 0;
    render_ctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.opts = opts;
    c.diags = d;
    c.pdf = HPDF_NewEx(on_hpdf_error, hpdf_alloc, free, 0, &c);
    if (!c.pdf)
        return fail(&c, "creating the document");
    c.fonts = qs_xcalloc(doc->nfonts + 1, sizeof *c.fonts);
    c.images = qs_xcalloc(doc->nimages + 1, sizeof *c.images);
    c.pages = qs_xcalloc(l->npages + 1, sizeof *c.pages);
    c.owner = qs_xcalloc(doc->nfonts + 1, sizeof *c.owner);
    c.used = qs_xcalloc((doc->nfonts + 1) * USED_WORDS, sizeof *c.used);
    bool ok = render(&c, l, pdf, size);
    HPDF_Free(c.pdf);
    qs_buf_free(&c.ops);
    free(c.fonts);
    free(c.images);
    free(c.pages);
    free(c.owner);
    free(c.used);
    return ok;
}
