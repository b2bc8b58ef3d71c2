/* render_pdf: replays a laid-out qs_layout into a PDF with libharu 2.3.0,
 * through its public API only (hpdf.h's HPDF_EXPORT functions; no private
 * structure fields, no internal functions).
 *
 * The backend decides nothing about layout: it adds the pages, has each
 * item drawn where the layout engine put it, and adds what only a PDF has
 * (fonts embedded and subset, images, outline, metadata, watermark,
 * embedded files). It works around libharu 2.3.0's traps (see shared
 * LIBHARU.md):
 * - errors are sticky and numeric: the handler keeps the first one only, and
 *   every call's return value is checked, stopping at the first failure;
 * - libharu loads no font: its UTF-8 fonts build a 65,536-code
 *   CIDToGIDMap and widths array per face, write a malformed ToUnicode
 *   CMap, and copy the font program through byte-by-byte memory streams;
 *   pdf_fonts.c writes each face drawn with (a file listed twice is one
 *   face; a face never drawn with is left out) as a Type0 font with a
 *   subset font program, into the update below, and the pages name them
 *   in their resources ("F1", "F2" ... by the face's first font index);
 * - HPDF_Page_TextOut clears a 512-byte buffer and converts and measures
 *   every string again per call, and the page operators have no marked
 *   content: libharu only learns which images a page uses (one Do each,
 *   giving them resource names); the page's content stream is then
 *   replaced by the operators pdf_content.c writes;
 * - libharu writes no /ID, and HPDF_AttachFile names an embedded file
 *   after its path and writes no /AF: the document is saved into memory
 *   (HPDF_SaveToStream) and written again with an update (pdf_update.c,
 *   which also packs the dictionaries into compressed object streams):
 *   the fonts and contents added, every stream but the images deflated
 *   once (libharu saves them uncompressed: its deflate runs through
 *   byte-by-byte memory streams), the embedded files (EmbeddedFile
 *   stream, Filespec, EmbeddedFiles name tree, /AF) added from memory and
 *   a trailer /ID derived from a hash of the document's bytes, never the
 *   clock;
 * - the Producer names libharu and the dates would be absent: both are set
 *   here, the dates from the quote's date or SOURCE_DATE_EPOCH, so the same
 *   input gives the same bytes;
 * - libharu writes PDF 1.3 and nothing of PDF/A: the update also carries
 *   the PDF/A-3b parts (pdfa.c: XMP metadata agreeing with the Info
 *   dictionary, the sRGB output intent, header 1.7, /Lang), the links
 *   of the e-mail and web addresses (pdf_links.c) and the structure tree
 *   of the tagged PDF (pdf_tags.c; the marked content is pdf_content.c's);
 * - libharu's outline titles need its UTF-8 encoder, whose set-up clears
 *   256 KiB byte by byte: the outline is written into the update too
 *   (add_outline), its destinations keeping the viewer's zoom.
 * Non-breaking spaces (U+00A0, U+202F) are drawn as they are: fonts.c
 * requires them to be in the font, and text extraction gives them back.
 * PNG images are written by pdf_images.c (an RGB PNG's own image data,
 * alpha as a soft mask), JPEG files by libharu (their bytes pass through). */
#include "render_pdf.h"

#include <errno.h>
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
#include "pdf_links.h"
#include "pdf_content.h"
#include "pdf_fonts.h"
#include "pdf_images.h"
#include "pdf_update.h"
#include "pdfa.h"

#define MAX_OUTLINE_DEPTH 16
/* The largest text size, in points: libharu's own limit for its text
 * operators, kept for the operators written here. */
#define MAX_TEXT_SIZE 600.0f

typedef struct {
    HPDF_Doc pdf;
    HPDF_STATUS error;        /* first libharu error, 0 when none */
    HPDF_STATUS detail;
    unsigned *font_obj;       /* per doc->fonts index (its owner's): the
                                 Type0 font object pdf_fonts.c wrote, 0 for
                                 a face never drawn with */
    HPDF_Image *images;       /* per doc->images index: a JPEG's, loaded on
                                 first use */
    unsigned *image_obj;      /* per doc->images index: a PNG's XObject
                                 (pdf_images.c), 0 until written */
    HPDF_Page *pages;
    size_t *owner;            /* per doc->fonts index: the first index of
                                 the same file (the face's owner) */
    uint32_t *used;           /* per owner: a bit set of the BMP code points
                                 drawn (USED_WORDS words each) */
    bool *page_fonts;         /* per doc->fonts index: the page uses it */
    bool *page_images;        /* per doc->images index: the page uses it */
    HPDF_ExtGState watermark_gs; /* the watermark's opacity, when it has one */
    bool have_date;           /* the document date, when known */
    qs_pdfa_date date;
    const qs_doc *doc;
    const qs_pdf_options *opts;
    qs_diags *diags;
} render_ctx;

#define USED_WORDS QS_PDF_FONT_SET_WORDS

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
    /* zlib inside libharu found no memory: as every other allocation. */
    if (c->error == HPDF_ZLIB_ERROR && (int)c->detail == Z_MEM_ERROR)
        qs_out_of_memory();
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

/* Records the code points of `text` as drawn with doc->fonts[font]. The
 * text is valid UTF-8 of the BMP (fonts.c checked coverage). */
static void mark_used(render_ctx *c, size_t font, const char *text)
{
    uint32_t *set = used_set(c, font);
    size_t n = strlen(text);
    while (n > 0) {
        uint32_t cp = qs_utf8_take(&text, &n);
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

/* Finds the face of each font index (a file listed twice is one face,
 * its first index the owner) and the code points drawn with each. A face
 * the document never draws a character with gets no font objects. */
static void plan_fonts(render_ctx *c, const qs_layout *l)
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
}

/* ---- images ---- */

/* Whether doc->images[index] is a JPEG file: libharu embeds those (their
 * bytes pass through); the PNGs are pdf_images.c's. */
static bool is_jpeg(const render_ctx *c, size_t index)
{
    return c->doc->images[index]->kind == QS_IMAGE_JPEG;
}

/* Returns the libharu image of JPEG doc->images[index], loading it once
 * with the public loader. */
static HPDF_Image get_image(render_ctx *c, int index)
{
    const qs_image *img = c->doc->images[index];
    if (!c->images[index] && img->jpeg_size <= UINT32_MAX)
        c->images[index] = HPDF_LoadJpegImageFromMem(c->pdf, img->jpeg,
                                                     (HPDF_UINT)img->jpeg_size);
    return c->images[index];
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

/* Marks the fonts and images page `index` draws with (the watermark's
 * font too), per doc->fonts and doc->images index. */
static void page_uses(render_ctx *c, const qs_layout *l, size_t index,
                      bool *fonts, bool *images)
{
    const qs_doc *doc = c->doc;
    memset(fonts, 0, doc->nfonts * sizeof *fonts);
    memset(images, 0, doc->nimages * sizeof *images);
    if (doc->watermark && doc->watermark[0])
        fonts[doc->watermark_font] = true;
    const qs_page *p = &l->pages[index];
    for (size_t i = 0; i < p->count; i++) {
        const qs_item *it = &p->items[i];
        if (it->kind == QS_ITEM_TEXT && it->text && it->text[0])
            fonts[it->font] = true;
        else if (it->kind == QS_ITEM_IMAGE)
            images[it->image] = true;
    }
}

/* A page is drawn by pdf_content.c, into the saved document (page_content
 * below). Here libharu only learns which images the page uses: each once
 * through HPDF_Page_DrawImage, in index order, which adds them to the
 * page's resources under names of libharu's making; those few operators
 * are the page's content until it is replaced. Its fonts are added to its
 * resources there too (libharu loads none). */
static bool render_page(render_ctx *c, const qs_layout *l, size_t index)
{
    HPDF_Page page = HPDF_AddPage(c->pdf);
    char what[64];
    snprintf(what, sizeof what, "drawing page %zu", index + 1);
    if (!page || HPDF_Page_SetWidth(page, l->width) != HPDF_OK ||
        HPDF_Page_SetHeight(page, l->height) != HPDF_OK)
        return fail(c, what);
    c->pages[index] = page;
    const qs_page *p = &l->pages[index];
    for (size_t i = 0; i < p->count; i++)
        if (!check_item(c, &p->items[i]))
            return false;
    page_uses(c, l, index, c->page_fonts, c->page_images);
    for (size_t i = 0; i < c->doc->nimages; i++) {
        bool jpeg = c->page_images[i] && is_jpeg(c, i);
        HPDF_Image img = jpeg ? get_image(c, (int)i) : NULL;
        if (jpeg &&
            (!img || HPDF_Page_DrawImage(page, img, 0, 0, 1, 1) != HPDF_OK))
            return fail(c, what);
    }
    if (c->watermark_gs && HPDF_Page_SetExtGState(page, c->watermark_gs) != HPDF_OK)
        return fail(c, what);
    return true;
}

/* The ExtGState every page draws its watermark with: fill and stroke at
 * QS_WATERMARK_ALPHA (PDF/A-3 allows it: the output intent gives the
 * blending colour space). Nothing when the document has no watermark. */
static bool add_watermark_gs(render_ctx *c)
{
    if (!c->doc->watermark || !c->doc->watermark[0])
        return true;
    c->watermark_gs = HPDF_CreateExtGState(c->pdf);
    if (!c->watermark_gs ||
        HPDF_ExtGState_SetAlphaFill(c->watermark_gs, QS_WATERMARK_ALPHA) != HPDF_OK ||
        HPDF_ExtGState_SetAlphaStroke(c->watermark_gs, QS_WATERMARK_ALPHA) != HPDF_OK)
        return fail(c, "making the watermark translucent");
    return true;
}

/* ---- outline and metadata ---- */

/* The outline (bookmarks), written into the update: an entry per layout
 * outline entry, all open, each going to its page with the top of its
 * block at the window's top (/XYZ, zoom unchanged). Written here rather
 * than by libharu, whose outline titles need its UTF-8 encoder: setting
 * that up clears 256 KiB byte by byte (docs/performance.md, "CPU after
 * tagging"). */
typedef struct {
    size_t parent;          /* index + 1; 0: the outline's root */
    size_t first, last;     /* children, index + 1; 0: none */
    size_t prev, next;      /* siblings, index + 1; 0: none */
    size_t count;           /* descendants */
} outline_node;

static bool add_outline(render_ctx *c, qs_pdf_update *u, const qs_layout *l,
                        const unsigned *pages)
{
    if (l->noutline == 0)
        return true;
    size_t n = l->noutline;
    outline_node *t = qs_xcalloc(n + 1, sizeof *t); /* t[0]: the root */
    size_t parents[MAX_OUTLINE_DEPTH + 1] = {0};   /* by level, index + 1 */
    int depth = 0; /* number of valid entries in parents */
    for (size_t i = 0; i < n; i++) {
        const qs_outline_entry *e = &l->outline[i];
        if (e->page >= l->npages) {
            free(t);
            return fail(c, "an outline entry points past the last page");
        }
        int level = e->level < 0 ? 0 : e->level;
        if (level > depth)
            level = depth; /* no skipped levels */
        if (level >= MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH - 1;
        size_t self = i + 1, up = level > 0 ? parents[level - 1] : 0;
        t[self].parent = up;
        if (t[up].last) {
            t[t[up].last].next = self;
            t[self].prev = t[up].last;
        } else {
            t[up].first = self;
        }
        t[up].last = self;
        for (size_t a = up;; a = t[a].parent) {
            t[a].count++;
            if (a == 0)
                break;
        }
        parents[level] = self;
        depth = level + 1;
    }
    unsigned base = qs_pdf_update_new(u); /* the root; entry i is base + 1 + i */
    for (size_t i = 0; i < n; i++)
        qs_pdf_update_new(u);
    qs_buf d = { 0 };
    for (size_t k = 0; k <= n; k++) {
        d.len = 0;
        if (k == 0) {
            qs_buf_puts(&d, "/Type /Outlines");
        } else {
            const qs_outline_entry *e = &l->outline[k - 1];
            float top = e->y < 0 ? 0 : (e->y > l->height ? l->height : e->y);
            qs_buf_puts(&d, "/Title ");
            qs_pdf_put_text_string(&d, e->title ? e->title : "");
            qs_buf_printf(&d, " /Parent %zu 0 R", base + t[k].parent);
            if (t[k].prev)
                qs_buf_printf(&d, " /Prev %zu 0 R", base + t[k].prev);
            if (t[k].next)
                qs_buf_printf(&d, " /Next %zu 0 R", base + t[k].next);
            qs_buf_printf(&d, " /Dest [ %u 0 R /XYZ 0 ", pages[e->page]);
            qs_pdf_put_number(&d, top);
            qs_buf_puts(&d, " null ]");
        }
        if (t[k].first)
            qs_buf_printf(&d, " /First %zu 0 R /Last %zu 0 R /Count %zu",
                          base + t[k].first, base + t[k].last, t[k].count);
        qs_pdf_update_dict(u, base + (unsigned)k, d.s);
    }
    qs_buf_free(&d);
    free(t);
    qs_buf cat = { 0 };
    qs_buf_printf(&cat, "/Outlines %u 0 R", base);
    qs_pdf_update_catalog_add(u, cat.s);
    qs_buf_free(&cat);
    return true;
}

/* Parses "YYYY-MM-DD" strictly into a date at 00:00:00 UTC. */
static bool parse_date(const char *s, qs_pdfa_date *out)
{
    int y, m, d;
    if (!qs_date_parse(s, &y, &m, &d))
        return false;
    memset(out, 0, sizeof *out);
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

/* SOURCE_DATE_EPOCH (seconds since 1970, UTC) as a date, when it is set. */
static bool epoch_date(qs_pdfa_date *out, bool *set)
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
    out->minute = tm.tm_min;
    out->second = tm.tm_sec;
    return true;
}

/* The document date (the quote's, or SOURCE_DATE_EPOCH), when known: the
 * Info dictionary's dates and the embedded files' /ModDate. */
static bool set_date(render_ctx *c)
{
    const qs_metadata *m = &c->doc->meta;
    qs_pdfa_date date = { 0 };
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



/* ---- what libharu's public API cannot write ----
 *
 * libharu 2.3.0 writes no /ID, and embeds files only from a path named
 * after it (without /AF, /UF, /Params or a MIME type); its fonts cost more
 * than all the rest of the PDF (see pdf_fonts.h). These go into an update
 * of the saved document (pdf_update.c): the fonts' objects (pdf_fonts.c),
 * the attachments' objects, the catalog with /Names and /AF, and a
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
        qs_pdfa_put_date(&d, &c->date);
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

/* The font objects of every face drawn with (pdf_fonts.c), in index
 * order. */
static bool add_fonts(render_ctx *c, qs_pdf_update *u)
{
    for (size_t i = 0; i < c->doc->nfonts; i++) {
        if (c->owner[i] != i || set_is_empty(used_set(c, i)))
            continue;
        c->font_obj[i] = qs_pdf_font_add(u, c->doc->fonts[i], used_set(c, i));
        if (c->font_obj[i] == 0)
            return fail(c, "writing the fonts");
    }
    return true;
}

/* The XObjects of the PNG images the pages draw (pdf_images.c), each
 * once, in index order. */
static bool add_images(render_ctx *c, qs_pdf_update *u, const qs_layout *l)
{
    bool *drawn = qs_xcalloc(c->doc->nimages + 1, sizeof *drawn);
    for (size_t p = 0; p < l->npages; p++) {
        page_uses(c, l, p, c->page_fonts, c->page_images);
        for (size_t i = 0; i < c->doc->nimages; i++)
            drawn[i] = drawn[i] || c->page_images[i];
    }
    bool ok = true;
    for (size_t i = 0; ok && i < c->doc->nimages; i++) {
        if (drawn[i] && !is_jpeg(c, i)) {
            c->image_obj[i] = qs_pdf_image_add(u, c->doc->images[i]);
            ok = c->image_obj[i] != 0 || fail(c, "writing an image");
        }
    }
    free(drawn);
    return ok;
}

/* The PDF/A-3b parts (pdfa.c): the Info dictionary in place of libharu's
 * (UTF-16 strings where needed: libharu's UTF-8 strings turn code points
 * above U+FFFF into spaces), the XMP metadata that agrees with it, the
 * output intent, /Lang, and the header version 1.7 (which also covers the
 * soft masks of PDF 1.4). */
static bool write_pdfa(render_ctx *c, qs_pdf_update *u)
{
    const qs_metadata *m = &c->doc->meta;
    qs_pdfa_info info = {
        .title = m->title, .author = m->author, .subject = m->subject,
        .keywords = m->keywords, .creator = m->creator,
        .producer = "quotesmith", .lang = m->lang,
        .date = c->have_date ? &c->date : NULL,
    };
    return qs_pdfa_write(u, &info) || fail(c, "writing the PDF/A metadata");
}

/* The resource names libharu gave page `index`'s JPEG images, read from
 * its content: the "/NAME Do" that render_page caused, in index order, and
 * the watermark's "/NAME gs" into gs. False when they do not match the
 * page's uses. */
static bool read_names(render_ctx *c, const qs_layout *l, size_t index,
                       const char *ops, size_t n, char (*images)[16], char gs[16])
{
    page_uses(c, l, index, c->page_fonts, c->page_images);
    size_t next = 0;
    const char *p = ops, *end = ops + n;
    while ((p = memchr(p, '/', (size_t)(end - p))) != NULL) {
        const char *name = ++p;
        while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                           (*p >= '0' && *p <= '9')))
            p++;
        size_t len = (size_t)(p - name);
        bool is_gs = end - p >= 4 && memcmp(p, " gs\n", 4) == 0;
        if (is_gs && len > 0 && len < 16) {
            memcpy(gs, name, len);
            gs[len] = '\0';
            continue;
        }
        if (len == 0 || len >= 16 || end - p < 4 || memcmp(p, " Do\n", 4) != 0)
            continue;
        while (next < c->doc->nimages &&
               !(c->page_images[next] && is_jpeg(c, next)))
            next++;
        if (next == c->doc->nimages)
            return false;
        memcpy(images[next], name, len);
        images[next++][len] = '\0';
    }
    return true;
}

/* The page dictionary `dict` (as libharu wrote it, with /Resources << ...
 * >>, and /XObject << ... >> in it when the page draws a JPEG) with the
 * faces and PNG images the page draws (page_uses') added to its resources,
 * into `out`: the faces as "F1", "F2", ... by their owner's index, the
 * images as "I1", "I2", ... by theirs; the names into `fonts` and
 * `images`. */
static void page_resources(render_ctx *c, const char *dict, qs_buf *out,
                           char (*fonts)[16], char (*images)[16])
{
    qs_buf add = { 0 }, xobjects = { 0 };
    qs_buf_puts(&add, "");
    qs_buf_puts(&xobjects, "");
    for (size_t i = 0; i < c->doc->nfonts; i++) {
        size_t o = c->owner[i];
        if (!c->page_fonts[i] || c->font_obj[o] == 0)
            continue;
        snprintf(fonts[i], sizeof fonts[i], "F%u", (unsigned)(o + 1));
        bool listed = false; /* by an index of the same face before */
        for (size_t k = 0; k < i; k++)
            listed = listed || (c->page_fonts[k] && c->owner[k] == o);
        if (!listed)
            qs_buf_printf(&add, "%s /F%u %u 0 R", add.len ? "" : "/Font <<",
                          (unsigned)(o + 1), c->font_obj[o]);
    }
    if (add.len)
        qs_buf_puts(&add, " >> ");
    for (size_t i = 0; i < c->doc->nimages; i++) {
        if (!c->page_images[i] || c->image_obj[i] == 0)
            continue;
        snprintf(images[i], sizeof images[i], "I%u", (unsigned)(i + 1));
        qs_buf_printf(&xobjects, " /I%u %u 0 R", (unsigned)(i + 1),
                      c->image_obj[i]);
    }
    const char *res = strstr(dict, "/Resources");
    const char *open = res ? strstr(res, "<<") : NULL;
    const char *xo = open ? strstr(open, "/XObject") : NULL;
    const char *xopen = xo ? strstr(xo, "<<") : NULL;
    if (xobjects.len && !xopen)
        qs_buf_printf(&add, "/XObject <<%s >> ", xobjects.s);
    if (!open) {
        qs_buf_printf(out, "%s /Resources << %s>>", dict, add.s);
    } else {
        qs_buf_add(out, dict, (size_t)(open + 2 - dict));
        qs_buf_puts(out, " ");
        qs_buf_add(out, add.s, add.len);
        if (xobjects.len && xopen) {
            qs_buf_add(out, open + 2, (size_t)(xopen - open));
            qs_buf_add(out, xobjects.s, xobjects.len);
            qs_buf_puts(out, xopen + 2);
        } else {
            qs_buf_puts(out, open + 2);
        }
    }
    qs_buf_free(&add);
    qs_buf_free(&xobjects);
}

/* Replaces page `index`'s content stream (object `page`'s /Contents) by
 * the operators pdf_content.c writes for it, and adds its fonts and PNG
 * images to its resources. */
static bool page_content(render_ctx *c, qs_pdf_update *u, const qs_layout *l,
                         size_t index, unsigned page, qs_pdf_tags *tags)
{
    const qs_doc *doc = c->doc;
    qs_buf dict = { 0 }, ops = { 0 }, resources = { 0 };
    char (*fonts)[16] = qs_xcalloc(doc->nfonts + 1, sizeof *fonts);
    char (*images)[16] = qs_xcalloc(doc->nimages + 1, sizeof *images);
    const char **font_names = qs_xcalloc(doc->nfonts + 1, sizeof *font_names);
    const char **image_names = qs_xcalloc(doc->nimages + 1, sizeof *image_names);
    char gs[16] = "";
    const char *data = NULL;
    size_t n = 0;
    unsigned contents = 0;
    bool ok = qs_pdf_update_get_dict(u, page, &dict) &&
              (contents = qs_pdf_update_ref(dict.s, "/Contents")) != 0 &&
              qs_pdf_update_get_stream(u, contents, &data, &n) &&
              read_names(c, l, index, data, n, images, gs);
    if (ok) {
        page_resources(c, dict.s, &resources, fonts, images);
        qs_pdf_update_dict(u, page, resources.s);
    }
    for (size_t i = 0; ok && i < doc->nfonts; i++)
        font_names[i] = fonts[i][0] ? fonts[i] : NULL;
    for (size_t i = 0; ok && i < doc->nimages; i++)
        image_names[i] = images[i][0] ? images[i] : NULL;
    qs_pdf_names names = { font_names, image_names, gs[0] ? gs : NULL };
    ok = ok && qs_pdf_content_page(&ops, doc, &l->pages[index], l->width,
                                   l->height, &names, tags, index) &&
         qs_pdf_update_stream(u, contents, "", (const unsigned char *)ops.s,
                              ops.len);
    qs_buf_free(&dict);
    qs_buf_free(&ops);
    qs_buf_free(&resources);
    free(fonts);
    free(images);
    free(font_names);
    free(image_names);
    return ok;
}

/* The pages' contents (pdf_content.c) and the links of the e-mail and web
 * addresses (pdf_links.c), on the pages of the saved document's tree, and
 * the structure tree of both (pdf_tags.c). */
static bool add_pages(render_ctx *c, qs_pdf_update *u, const qs_layout *l)
{
    qs_pdf_tags tags;
    qs_pdf_tags_init(&tags, l);
    unsigned *pages = qs_xcalloc(l->npages, sizeof *pages);
    bool ok = qs_pdf_update_pages(u, pages, l->npages) == l->npages;
    if (!ok)
        fail(c, "finding the pages in the page tree");
    for (size_t i = 0; ok && i < l->npages; i++) {
        ok = page_content(c, u, l, i, pages[i], &tags);
        if (!ok) {
            char what[64];
            snprintf(what, sizeof what, "drawing page %zu", i + 1);
            fail(c, what);
        }
    }
    ok = ok && add_outline(c, u, l, pages);
    bool linked = ok && qs_pdf_links_add(u, c->doc, l, pages, &tags);
    if (linked)
        qs_pdf_tags_write(&tags, u, pages);
    qs_pdf_tags_free(&tags);
    free(pages);
    return linked || (ok && fail(c, "adding the links"));
}

/* Saves the document through HPDF_SaveToStream into memory, then appends
 * the update. */
static bool save(render_ctx *c, const qs_layout *l, unsigned char **pdf,
                 size_t *size)
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
    ok = add_fonts(c, &u) && add_images(c, &u, l) && add_attachments(c, &u) &&
         add_pages(c, &u, l) && write_pdfa(c, &u);
    if (ok && !qs_pdf_update_finish(&u, pdf, size))
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
    /* libharu compresses nothing (its default): the fonts and PNG images
     * are written into the update, a JPEG keeps its DCT bytes, the page
     * contents are replaced (page_content), and qs_pdf_update_finish
     * deflates every other stream without a filter once. */
    if (l->npages > HPDF_LIMIT_MAX_ARRAY &&
        HPDF_SetPagesConfiguration(c->pdf, 1024) != HPDF_OK)
        return fail(c, "setting up a page tree for many pages");
    if (c->opts && !check_attachments(c))
        return false;
    plan_fonts(c, l);
    if (!add_watermark_gs(c))
        return false;
    for (size_t i = 0; i < l->npages; i++)
        if (!render_page(c, l, i))
            return false;
    return set_date(c) && save(c, l, pdf, size);
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
    c.font_obj = qs_xcalloc(doc->nfonts + 1, sizeof *c.font_obj);
    c.images = qs_xcalloc(doc->nimages + 1, sizeof *c.images);
    c.image_obj = qs_xcalloc(doc->nimages + 1, sizeof *c.image_obj);
    c.pages = qs_xcalloc(l->npages + 1, sizeof *c.pages);
    c.owner = qs_xcalloc(doc->nfonts + 1, sizeof *c.owner);
    c.used = qs_xcalloc((doc->nfonts + 1) * USED_WORDS, sizeof *c.used);
    c.page_fonts = qs_xcalloc(doc->nfonts + 1, sizeof *c.page_fonts);
    c.page_images = qs_xcalloc(doc->nimages + 1, sizeof *c.page_images);
    bool ok = render(&c, l, pdf, size);
    HPDF_Free(c.pdf);
    free(c.font_obj);
    free(c.images);
    free(c.image_obj);
    free(c.pages);
    free(c.owner);
    free(c.used);
    free(c.page_fonts);
    free(c.page_images);
    return ok;
}
