/* render_pdf: replays a laid-out qs_layout into a PDF with libharu 2.3.0,
 * through its public API only (hpdf.h's HPDF_EXPORT functions; no private
 * structure fields, no internal functions).
 *
 * The backend decides nothing about layout: it adds the pages, draws each
 * item where the layout engine put it with libharu's page operators, and
 * adds what only a PDF has (fonts embedded and subset, images, outline,
 * metadata, watermark, embedded files). It works around libharu 2.3.0's
 * traps (see shared LIBHARU.md):
 * - errors are sticky and numeric: the handler keeps the first one only, and
 *   every call's return value is checked, stopping at the first failure;
 * - fonts are loaded with HPDF_LoadTTFontFromFile (embedded, subset, tags
 *   in load order) and used through HPDF_UseUTFEncodings' "UTF-8" encoder;
 *   a face the document never draws with is not loaded;
 * - the ToUnicode CMap libharu writes for a UTF-8 font is malformed, it
 *   writes no /ID, and HPDF_AttachFile names an embedded file after its
 *   path and writes no /AF: the document is saved into memory
 *   (HPDF_SaveToStream) and an incremental update (pdf_update.c) replaces
 *   the CMaps by standard ones, adds the embedded files (EmbeddedFile
 *   stream, Filespec, EmbeddedFiles name tree, /AF) from memory and a
 *   trailer /ID derived from a hash of the content, never the clock;
 * - the Producer names libharu and the dates would be absent: both are set
 *   here, the dates from the quote's date or SOURCE_DATE_EPOCH, so the same
 *   input gives the same bytes.
 * Non-breaking spaces (U+00A0, U+202F) are drawn as they are: fonts.c
 * requires them to be in the font, and text extraction gives them back.
 * PNG alpha becomes a soft mask (SMask); JPEG bytes pass through. */
#include "render_pdf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>
#include <zlib.h>

#include "arena.h"
#include "buf.h"
#include "date.h"
#include "pdf_update.h"
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
    /* The page being drawn: the graphics state as last set, so unchanged
     * font, colours and line width are not repeated (they outlive BT/ET). */
    struct {
        bool in_text;         /* between BT and ET */
        long long tx, ty;     /* the text line's start, in 1/1000 pt */
        bool font_set, fill_set, stroke_set, width_set;
        int font;
        float size, width;
        qs_rgb fill, stroke;
    } gs;
    uint8_t id[16];           /* the trailer /ID (document_id) */
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

/* A standard ToUnicode CMap for a UTF-8 font (libharu 2.3.0 writes a
 * malformed one): each 2-byte code maps to the same UTF-16 value, as one
 * 256-code bfrange per row (high byte) the document uses (`set`),
 * surrogate rows left out, at most 100 per block. */
static void to_unicode_cmap(qs_buf *b, const uint32_t *set)
{
    qs_buf_puts(b,
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n");
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
    for (unsigned i = 0; i < nrows; i += 100) {
        unsigned n = nrows - i < 100 ? nrows - i : 100;
        qs_buf_printf(b, "%u beginbfrange\n", n);
        for (unsigned k = i; k < i + n; k++)
            qs_buf_printf(b, "<%02X00> <%02XFF> <%02X00>\n", rows[k], rows[k],
                          rows[k]);
        qs_buf_puts(b, "endbfrange\n");
    }
    qs_buf_puts(b,
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n");
}

/* Loads the face of `font` with libharu's public API: its file read again
 * by HPDF_LoadTTFontFromFile (embedded, subset; the subset tag follows the
 * load order), UTF-8 text through HPDF_UseUTFEncodings. Returns the font,
 * or NULL after a libharu error. */
static HPDF_Font load_face(render_ctx *c, const qs_font *font)
{
    const char *name = HPDF_LoadTTFontFromFile(c->pdf, qs_font_path(font),
                                               HPDF_TRUE);
    return name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
}

/* Two files that hold a font of the same name are one libharu font
 * (HPDF_LoadTTFontFromFile returns the name loaded before): the code points
 * drawn with doc->fonts[from] and those sharing its file join the set of
 * doc->fonts[to]. */
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
        c->fonts[i] = load_face(c, doc->fonts[i]);
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

/* A PNG file of the 8-bit RGB image data `png` kept (signature, IHDR,
 * IDAT, IEND), for HPDF_LoadPngImageFromMem. */
static void png_file(qs_buf *b, const qs_image *png)
{
    unsigned char ihdr[13] = { 0 };
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (unsigned char)(png->width >> (24 - 8 * i));
        ihdr[4 + i] = (unsigned char)(png->height >> (24 - 8 * i));
    }
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* colour type: RGB */
    qs_buf_add(b, "\x89PNG\r\n\x1a\n", 8);
    const struct { const char *type; const unsigned char *data; size_t n; } chunks[] = {
        { "IHDR", ihdr, sizeof ihdr },
        { "IDAT", png->png_data, png->png_data_size },
        { "IEND", NULL, 0 },
    };
    for (size_t k = 0; k < 3; k++) {
        unsigned char len[4], crc[4];
        uLong sum = crc32(0L, (const Bytef *)chunks[k].type, 4);
        sum = crc32(sum, chunks[k].data, (uInt)chunks[k].n);
        for (int i = 0; i < 4; i++) {
            len[i] = (unsigned char)(chunks[k].n >> (24 - 8 * i));
            crc[i] = (unsigned char)(sum >> (24 - 8 * i));
        }
        qs_buf_add(b, (const char *)len, 4);
        qs_buf_add(b, chunks[k].type, 4);
        if (chunks[k].n)
            qs_buf_add(b, (const char *)chunks[k].data, chunks[k].n);
        qs_buf_add(b, (const char *)crc, 4);
    }
}

/* Returns the libharu image for doc->images[index], loading it once with
 * the public loaders (libharu deflates the pixels when saving). */
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
        qs_buf file = { 0 };
        png_file(&file, img);
        if (file.len <= UINT32_MAX)
            h = HPDF_LoadPngImageFromMem(c->pdf, (const HPDF_BYTE *)file.s,
                                         (HPDF_UINT)file.len);
        qs_buf_free(&file);
    } else {
        h = HPDF_LoadRawImageFromMem(c->pdf, img->rgb, img->width, img->height,
                                     HPDF_CS_DEVICE_RGB, 8);
        if (h && img->alpha) {
            HPDF_Image mask = HPDF_LoadRawImageFromMem(
                c->pdf, img->alpha, img->width, img->height, HPDF_CS_DEVICE_GRAY, 8);
            if (!mask || HPDF_Image_AddSMask(h, mask) != HPDF_OK)
                return NULL;
        }
    }
    c->images[index] = h;
    return h;
}


/* Where doc->watermark goes on a page of pw x ph pt: across the centre at
 * 45 degrees, as large as fits (at most 600 pt); *x, *y is the start of its
 * baseline. False when it has no width (nothing to draw). Drawn before the
 * page's content, so it lies under, inside q ... Q. */
static bool watermark_place(const qs_doc *doc, float pw, float ph, float *size,
                            float *x, float *y)
{
    const char *text = doc->watermark;
    float em = qs_font_width(doc->fonts[doc->watermark_font], text,
                             strlen(text), 1.0f);
    if (em <= 0.0f)
        return false;
    const float k = 0.70710678f; /* cos 45 = sin 45 */
    float shorter = pw < ph ? pw : ph;
    *size = 0.75f * shorter / k / em;
    if (*size > 600.0f)
        *size = 600.0f;
    float len = em * *size;
    float rise = 0.35f * *size; /* about half a capital's height */
    *x = pw / 2.0f - len / 2.0f * k + rise * k;
    *y = ph / 2.0f - len / 2.0f * k - rise * k;
    return true;
}

static bool same_rgb(qs_rgb a, qs_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* ---- page content ----
 *
 * Each item is drawn with libharu's page operators; the graphics state as
 * last set is kept here, so unchanged font, colours and line width are not
 * set again (they outlive BT/ET). libharu formats the numbers itself,
 * without the C locale. */

static void end_text(render_ctx *c, HPDF_Page page)
{
    if (c->gs.in_text)
        HPDF_Page_EndText(page);
    c->gs.in_text = false;
}

static float channel(unsigned char v)
{
    return (float)v / 255.0f;
}

/* Sets the fill colour unless it is already set. */
static void set_fill(render_ctx *c, HPDF_Page page, qs_rgb rgb)
{
    if (c->gs.fill_set && same_rgb(c->gs.fill, rgb))
        return;
    c->gs.fill_set = true;
    c->gs.fill = rgb;
    HPDF_Page_SetRGBFill(page, channel(rgb.r), channel(rgb.g), channel(rgb.b));
}

static bool draw_text(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    if (!it->text || !it->text[0])
        return true;
    if (!c->gs.in_text) {
        HPDF_Page_BeginText(page);
        c->gs.in_text = true;
    }
    if (!c->gs.font_set || c->gs.font != it->font || c->gs.size != it->size) {
        c->gs.font_set = true;
        c->gs.font = it->font;
        c->gs.size = it->size;
        HPDF_Page_SetFontAndSize(page, c->fonts[it->font], it->size);
    }
    set_fill(c, page, it->color);
    return HPDF_Page_TextOut(page, it->x, it->y, it->text) == HPDF_OK;
}

static void draw_rect(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    end_text(c, page);
    set_fill(c, page, it->color);
    HPDF_Page_Rectangle(page, it->x, it->y, it->w, it->h);
    HPDF_Page_Fill(page);
}

static void draw_line(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    end_text(c, page);
    if (!c->gs.stroke_set || !same_rgb(c->gs.stroke, it->color)) {
        c->gs.stroke_set = true;
        c->gs.stroke = it->color;
        HPDF_Page_SetRGBStroke(page, channel(it->color.r), channel(it->color.g),
                               channel(it->color.b));
    }
    if (!c->gs.width_set || c->gs.width != it->size) {
        c->gs.width_set = true;
        c->gs.width = it->size;
        HPDF_Page_SetLineWidth(page, it->size);
    }
    HPDF_Page_MoveTo(page, it->x, it->y);
    HPDF_Page_LineTo(page, it->x + it->w, it->y + it->h);
    HPDF_Page_Stroke(page);
}

static bool draw_image(render_ctx *c, HPDF_Page page, const qs_item *it)
{
    HPDF_Image img = get_image(c, it->image);
    if (!img)
        return false;
    end_text(c, page);
    return HPDF_Page_DrawImage(page, img, it->x, it->y, it->w, it->h) == HPDF_OK;
}

/* Draws doc->watermark across the page centre at 45 degrees (see
 * watermark_place), in light grey, inside q ... Q. */
static bool draw_watermark(render_ctx *c, HPDF_Page page, float pw, float ph)
{
    const qs_doc *doc = c->doc;
    float size, x, y;
    if (!watermark_place(doc, pw, ph, &size, &x, &y))
        return true;
    const float k = 0.70710678f; /* cos 45 = sin 45 */
    HPDF_Page_GSave(page);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, c->fonts[doc->watermark_font], size);
    HPDF_Page_SetRGBFill(page, WATERMARK_GREY, WATERMARK_GREY, WATERMARK_GREY);
    HPDF_Page_SetTextMatrix(page, k, k, -k, k, x, y);
    HPDF_Page_ShowText(page, doc->watermark);
    HPDF_Page_EndText(page);
    return HPDF_Page_GRestore(page) == HPDF_OK;
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

/* The page's operators went to libharu as they were drawn. */
static bool set_page_content(render_ctx *c, HPDF_Page page)
{
    (void)page;
    return c->error == 0;
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
        case QS_ITEM_RECT: draw_rect(c, page, it); break;
        case QS_ITEM_LINE: draw_line(c, page, it); break;
        case QS_ITEM_IMAGE: ok = draw_image(c, page, it); break;
        }
        if (!ok)
            return fail(c, what);
    }
    end_text(c, page);
    return set_page_content(c, page) || fail(c, what);
}

/* ---- outline and metadata ---- */

/* Makes `dst` show its page with `top` at the window's top, at 100 %
 * (libharu 2.3.0 takes no null zoom). */
static bool set_destination(HPDF_Destination dst, float top)
{
    return HPDF_Destination_SetXYZ(dst, 0, top, 1) == HPDF_OK;
}

/* A new outline entry titled `title` (UTF-8) under `parent` (NULL: the
 * root). */
static HPDF_Outline new_outline(render_ctx *c, HPDF_Outline parent,
                                const char *title)
{
    return HPDF_CreateOutline(c->pdf, parent, title,
                              HPDF_GetEncoder(c->pdf, "UTF-8"));
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
        HPDF_Outline o = new_outline(c, parent, e->title ? e->title : "");
        HPDF_Destination dst = o ? HPDF_Page_CreateDestination(
                                       c->pages[e->page]) : NULL;
        float top = e->y < 0 ? 0 : (e->y > l->height ? l->height : e->y);
        if (!o || !dst || !set_destination(dst, top) ||
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
static void document_id(render_ctx *c, const qs_layout *l)
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
    memcpy(c->id, digest, sizeof c->id);
}

/* The document date (the quote's, or SOURCE_DATE_EPOCH), when known: the
 * Info dictionary's dates and the embedded files' /ModDate. */
static bool set_date(render_ctx *c)
{
    const qs_metadata *m = &c->doc->meta;
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

/* The attachments' indexes in name order (byte order), as a name tree's
 * leaves are sorted: an insertion sort (there are few). The array is
 * malloc'd, the caller's. */
static size_t *attachment_order(const qs_pdf_options *o)
{
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

    return order;
}

/* A PDF date string's text (D:YYYYMMDDHHmmSSZ). */
static void put_date(qs_buf *b, const HPDF_Date *d)
{
    qs_buf_printf(b, "D:%04d%02d%02d%02d%02d%02dZ", d->year, d->month, d->day,
                  d->hour, d->minutes, d->seconds);
}


/* ---- what libharu's public API cannot write ----
 *
 * libharu 2.3.0 writes a malformed ToUnicode CMap, no /ID, and embeds
 * files only from a path named after it (without /AF, /UF, /Params or a
 * MIME type). These go into an incremental update appended to the saved
 * document (pdf_update.c): the fonts' ToUnicode streams replaced, the
 * attachments' objects added, the catalog with /Names and /AF, and a
 * trailer with the /ID. */

/* Appends `s` as a PDF name's characters: bytes outside ! to ~ and the
 * delimiters as #XX. */
static void put_name_chars(qs_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= ' ' || ch > '~' || strchr("#()<>[]{}/%", ch))
            qs_buf_printf(b, "#%02X", ch);
        else
            qs_buf_add(b, s, 1);
    }
}

/* One attachment: its EmbeddedFile stream and Filespec (as embed_file
 * describes them). Returns the Filespec's object number, 0 on failure. */
static unsigned add_file_objects(render_ctx *c, qs_pdf_update *u,
                                 const qs_pdf_attachment *a)
{
    unsigned ef = qs_pdf_update_new(u), spec = qs_pdf_update_new(u);
    qs_buf d = { 0 };
    qs_buf_puts(&d, "/Type /EmbeddedFile");
    if (a->mime && a->mime[0]) {
        qs_buf_puts(&d, " /Subtype /");
        put_name_chars(&d, a->mime);
    }
    qs_buf_printf(&d, " /Params << /Size %zu", a->size);
    if (c->have_date) {
        qs_buf_puts(&d, " /ModDate (");
        put_date(&d, &c->date);
        qs_buf_puts(&d, ")");
    }
    qs_buf_puts(&d, " >>");
    bool ok = qs_pdf_update_stream(u, ef, d.s, a->data, a->size);
    d.len = 0;
    qs_buf_puts(&d, "/Type /Filespec /F ");
    qs_pdf_put_literal(&d, a->name);
    qs_buf_puts(&d, " /UF ");
    qs_pdf_put_text_string(&d, a->name);
    qs_buf_printf(&d, " /EF << /F %u 0 R /UF %u 0 R >>", ef, ef);
    if (a->description && a->description[0]) {
        qs_buf_puts(&d, " /Desc ");
        qs_pdf_put_text_string(&d, a->description);
    }
    if (a->relationship)
        qs_buf_printf(&d, " /AFRelationship /%s", a->relationship);
    qs_pdf_update_dict(u, spec, d.s);
    qs_buf_free(&d);
    return ok ? spec : 0;
}

/* The attachments and the catalog's /Names << /EmbeddedFiles ... >> and
 * /AF. */
static bool add_attachments(render_ctx *c, qs_pdf_update *u)
{
    const qs_pdf_options *o = c->opts;
    if (!o || o->nattachments == 0)
        return true;
    size_t *order = attachment_order(o);
    qs_buf leaves = { 0 }, af = { 0 };
    bool ok = true;
    for (size_t k = 0; ok && k < o->nattachments; k++) {
        const qs_pdf_attachment *a = &o->attachments[order[k]];
        unsigned spec = add_file_objects(c, u, a);
        qs_pdf_put_literal(&leaves, a->name);
        qs_buf_printf(&leaves, " %u 0 R ", spec);
        qs_buf_printf(&af, "%u 0 R ", spec);
        ok = spec != 0;
    }
    qs_buf cat = { 0 };
    qs_buf_printf(&cat, "/Names << /EmbeddedFiles << /Names [ %s] >> >>\n"
                  "/AF [ %s]\n", leaves.s, af.s);
    qs_pdf_update_catalog_add(u, cat.s);
    qs_buf_free(&cat);
    qs_buf_free(&leaves);
    qs_buf_free(&af);
    free(order);
    return ok || fail(c, "embedding an attached file");
}

/* Every font's ToUnicode stream replaced by to_unicode_cmap's, for the
 * code points drawn with any face (libharu's objects do not say which
 * face is which; mapping a code to itself is right for every face). */
static bool replace_to_unicode(render_ctx *c, qs_pdf_update *u)
{
    uint32_t *all = qs_xcalloc(USED_WORDS, sizeof *all);
    for (size_t i = 0; i < c->doc->nfonts; i++)
        for (size_t w = 0; c->owner[i] == i && w < USED_WORDS; w++)
            all[w] |= used_set(c, i)[w];
    qs_buf cmap = { 0 };
    to_unicode_cmap(&cmap, all);
    free(all);
    unsigned nums[64];
    size_t n = qs_pdf_update_refs(u, "/ToUnicode", nums, 64);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        ok = qs_pdf_update_stream(u, nums[i], "", (const unsigned char *)cmap.s,
                                  cmap.len);
    qs_buf_free(&cmap);
    return ok || fail(c, "writing the ToUnicode CMaps");
}

/* The Info dictionary, in place of libharu's: the Producer, the metadata
 * as UTF-16 text strings (libharu's UTF-8 strings turn code points above
 * U+FFFF into spaces) and the dates. */
static void write_info(render_ctx *c, qs_pdf_update *u)
{
    const qs_metadata *m = &c->doc->meta;
    struct { const char *key, *value; } attrs[] = {
        { "Title", m->title },       { "Author", m->author },
        { "Subject", m->subject },   { "Keywords", m->keywords },
        { "Creator", m->creator },
    };
    qs_buf d = { 0 };
    qs_buf_puts(&d, "/Producer (quotesmith)");
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (attrs[i].value && attrs[i].value[0]) {
            qs_buf_printf(&d, " /%s ", attrs[i].key);
            qs_pdf_put_text_string(&d, attrs[i].value);
        }
    }
    for (int k = 0; c->have_date && k < 2; k++) {
        qs_buf_puts(&d, k == 0 ? " /CreationDate (" : " /ModDate (");
        put_date(&d, &c->date);
        qs_buf_puts(&d, ")");
    }
    if (u->info == 0)
        u->info = qs_pdf_update_new(u);
    qs_pdf_update_dict(u, u->info, d.s);
    qs_buf_free(&d);
}

/* Soft masks are PDF 1.4; libharu's header says 1.3: the catalog's
 * /Version says 1.4 when an image has an alpha channel. */
static void set_version(render_ctx *c, qs_pdf_update *u)
{
    for (size_t i = 0; i < c->doc->nimages; i++) {
        const qs_image *img = c->doc->images[i];
        if (img && img->alpha && c->images[i]) {
            qs_pdf_update_catalog_add(u, "/Version /1.4\n");
            return;
        }
    }
}

/* Saves the document through HPDF_SaveToStream into memory, then appends
 * the update. */
static bool save(render_ctx *c, unsigned char **pdf, size_t *size)
{
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK)
        return fail(c, "saving the document");
    HPDF_UINT32 n = HPDF_GetStreamSize(c->pdf);
    unsigned char *saved = qs_xmalloc(n ? n : 1);
    HPDF_UINT32 got = n;
    HPDF_STATUS st = HPDF_ReadFromStream(c->pdf, saved, &got);
    qs_pdf_update u;
    bool ok = n > 0 && got == n && (st == HPDF_OK || st == HPDF_STREAM_EOF);
    if (!ok || !qs_pdf_update_begin(&u, saved, n)) {
        free(saved);
        return fail(c, "saving the document");
    }
    ok = replace_to_unicode(c, &u) && add_attachments(c, &u);
    write_info(c, &u);
    set_version(c, &u);
    if (ok && !qs_pdf_update_finish(&u, c->id, pdf, size))
        ok = fail(c, "updating the saved document");
    qs_pdf_update_free(&u);
    free(saved);
    return ok;
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
        HPDF_UseUTFEncodings(c->pdf) != HPDF_OK)
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
    document_id(c, l);
    return add_outline(c, l) && set_date(c) && save(c, pdf, size);
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
    free(c.fonts);
    free(c.images);
    free(c.pages);
    free(c.owner);
    free(c.used);
    return ok;
}
