/* pdf_content: page content-stream operators (see pdf_content.h). */
#include "pdf_content.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fonts.h"
#include "utf8.h"

#define WATERMARK_TEXT_SIZE 6.0f
#define WATERMARK_GREY 0.5f      /* at QS_WATERMARK_ALPHA: 0.91 on white */

/* The graphics state as last set on the page, so that unchanged font,
 * colours and line width are not repeated (they outlive BT/ET). */
typedef struct {
    qs_buf *b;
    const qs_pdf_names *names;
    bool in_text;         /* between BT and ET */
    long long tx, ty;     /* the text line's start, in 1/1000 pt */
    bool font_set, fill_set, stroke_set, width_set;
    int font;
    float size, width;
    qs_rgb fill, stroke;
    /* Marked content: the tree taking the MCIDs (NULL: none), the page,
     * and the tag of the open sequence (NOT_MARKED: none). */
    qs_pdf_tags *tags;
    size_t page;
    int marked;
    bool marked_in_text;  /* the open sequence began inside BT ... ET */
} writer;

#define NOT_MARKED (-100)

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

/* "/NAME " for a resource name (letters and digits, nothing to escape). */
static bool put_name(qs_buf *b, const char *name)
{
    if (!name)
        return false;
    qs_buf_add(b, "/", 1);
    qs_buf_puts(b, name);
    qs_buf_add(b, " ", 1);
    return true;
}

/* `text` (valid UTF-8 of the BMP, fonts.c checked) as hex digits, four a
 * character: its UTF-16BE code units, which are also the 2-byte codes of
 * libharu's UTF-8 fonts. */
static void put_code_digits(qs_buf *b, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(text);
    while (n > 0) {
        uint32_t cp = qs_utf8_take(&text, &n);
        char code[4] = { hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
                         hex[(cp >> 4) & 15], hex[cp & 15] };
        qs_buf_add(b, code, 4);
    }
}

/* `text` as a hex string of 2-byte codes, the Tj operand of a UTF-8 font. */
static void put_codes(qs_buf *b, const char *text)
{
    qs_buf_add(b, "<", 1);
    put_code_digits(b, text);
    qs_buf_add(b, ">", 1);
}

/* Ends the text object, and first the marked-content sequence opened in
 * it (a sequence never straddles BT ... ET). */
static void end_text(writer *w)
{
    if (w->in_text && w->marked_in_text) {
        qs_buf_puts(w->b, "EMC\n");
        w->marked = NOT_MARKED;
    }
    if (w->in_text)
        qs_buf_puts(w->b, "ET\n");
    w->in_text = w->marked_in_text = false;
}

static void begin_text(writer *w)
{
    if (!w->in_text) {
        qs_buf_puts(w->b, "BT\n");
        w->in_text = true;
        w->tx = w->ty = 0; /* BT starts at the origin */
    }
}

static bool same_rgb(qs_rgb a, qs_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Sets the fill colour unless it is already set. */
static void set_fill(writer *w, qs_rgb rgb)
{
    if (w->fill_set && same_rgb(w->fill, rgb))
        return;
    w->fill_set = true;
    w->fill = rgb;
    put_rgb(w->b, rgb);
    qs_buf_puts(w->b, "rg\n");
}

/* Closes the open marked-content sequence (and the text object). */
static void end_marked(writer *w)
{
    end_text(w);
    if (w->marked != NOT_MARKED)
        qs_buf_puts(w->b, "EMC\n");
    w->marked = NOT_MARKED;
}

/* Puts the next item, of element `tag` (or an artifact), in a marked-content
 * sequence: the open one when it is of the same tag (and, for a text item,
 * inside the text object; for another, outside), else a new one: an
 * element's content with the next MCID of the page, an artifact as
 * /Artifact (page furniture: /Type /Pagination). Text items' sequences
 * open inside BT ... ET, so that consecutive runs share one text object. */
static void mark(writer *w, int tag, bool text)
{
    if (!w->tags)
        return;
    if (w->marked == tag && (text ? w->in_text && w->marked_in_text : !w->in_text))
        return;
    if (text && w->in_text && w->marked_in_text) {
        qs_buf_puts(w->b, "EMC\n");
    } else {
        end_marked(w);
        if (text)
            begin_text(w);
    }
    w->marked = tag;
    w->marked_in_text = text;
    if (tag == QS_TAG_ARTIFACT) {
        qs_buf_puts(w->b, "/Artifact BMC\n");
    } else if (tag < 0) {
        qs_buf_puts(w->b, "/Artifact <</Type /Pagination>> BDC\n");
    } else {
        qs_buf_puts(w->b, "/");
        qs_buf_puts(w->b, qs_pdf_tags_role(w->tags, tag));
        qs_buf_puts(w->b, " <</MCID ");
        qs_buf_put_uint(w->b, (unsigned)qs_pdf_tags_mcid(w->tags, w->page, tag));
        qs_buf_puts(w->b, ">> BDC\n");
    }
}

static bool draw_text(writer *w, const qs_item *it)
{
    if (!it->text || !it->text[0])
        return true;
    qs_buf *b = w->b;
    begin_text(w);
    if (!w->font_set || w->font != it->font || w->size != it->size) {
        w->font_set = true;
        w->font = it->font;
        w->size = it->size;
        if (!put_name(b, w->names->fonts[it->font]))
            return false;
        put_real(b, it->size);
        qs_buf_puts(b, "Tf\n");
    }
    set_fill(w, it->color);
    long long x = milli(it->x), y = milli(it->y);
    put_scaled(b, x - w->tx, 3);
    put_scaled(b, y - w->ty, 3);
    qs_buf_puts(b, "Td\n");
    w->tx = x;
    w->ty = y;
    put_codes(b, it->text);
    qs_buf_puts(b, " Tj\n");
    return true;
}

static void draw_rect(writer *w, const qs_item *it)
{
    end_text(w);
    set_fill(w, it->color);
    put_real(w->b, it->x);
    put_real(w->b, it->y);
    put_real(w->b, it->w);
    put_real(w->b, it->h);
    qs_buf_puts(w->b, "re\nf\n");
}

static void draw_line(writer *w, const qs_item *it)
{
    qs_buf *b = w->b;
    end_text(w);
    if (!w->stroke_set || !same_rgb(w->stroke, it->color)) {
        w->stroke_set = true;
        w->stroke = it->color;
        put_rgb(b, it->color);
        qs_buf_puts(b, "RG\n");
    }
    if (!w->width_set || w->width != it->size) {
        w->width_set = true;
        w->width = it->size;
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

static bool draw_image(writer *w, const qs_item *it)
{
    qs_buf *b = w->b;
    end_text(w);
    qs_buf_puts(b, "q\n");
    put_real(b, it->w);
    qs_buf_puts(b, "0 0 ");
    put_real(b, it->h);
    put_real(b, it->x);
    put_real(b, it->y);
    qs_buf_puts(b, "cm\n");
    if (!put_name(b, w->names->images[it->image]))
        return false;
    qs_buf_puts(b, "Do\nQ\n");
    return true;
}

bool qs_pdf_watermark_place(const qs_doc *doc, float pw, float ph, float *size,
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

/* doc->watermark across the page centre at 45 degrees, in grey made
 * translucent by the ExtGState names->watermark_gs, inside q ... Q (the
 * graphics state stays as it was). Drawn last, over the table fills. A
 * text extractor cuts diagonal glyphs into fragments or puts the word into
 * whichever line of text the diagonal crosses ("Hiermit ENTWURF erteilen
 * wir"), so the diagonal's glyphs carry an empty /ActualText, and the word
 * is drawn once more, invisible (text render mode 3), centred at the top
 * edge of the page: a reader searching for it finds it, and pdftotext
 * gives it as the first line of every page. */
static bool draw_watermark(writer *w, const qs_doc *doc, float pw, float ph)
{
    float size, x, y;
    if (!qs_pdf_watermark_place(doc, pw, ph, &size, &x, &y))
        return true;
    const char *font = w->names->fonts[doc->watermark_font];
    if (!font || !w->names->watermark_gs)
        return false;
    qs_buf *b = w->b;
    end_marked(w);
    if (w->tags)
        qs_buf_puts(b, "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n");
    qs_buf_puts(b, "q\n");
    put_name(b, w->names->watermark_gs);
    qs_buf_puts(b, "gs\nBT\n");
    put_name(b, font);
    put_real(b, size);
    qs_buf_puts(b, "Tf\n");
    const long long grey = llroundf(WATERMARK_GREY * 10000.0f);
    for (int i = 0; i < 3; i++)
        put_scaled(b, grey, 4);
    qs_buf_puts(b, "rg\n");
    const long long r = llroundf(0.70710678f * 100000.0f); /* cos 45 */
    put_scaled(b, r, 5);
    put_scaled(b, r, 5);
    put_scaled(b, -r, 5);
    put_scaled(b, r, 5);
    put_real(b, x);
    put_real(b, y);
    qs_buf_puts(b, "Tm\n/Span <</ActualText ()>> BDC\n");
    put_codes(b, doc->watermark);
    qs_buf_puts(b, " Tj\nEMC\n3 Tr\n");
    put_name(b, font);
    put_real(b, WATERMARK_TEXT_SIZE);
    qs_buf_puts(b, "Tf\n1 0 0 1 ");
    put_real(b, (pw - qs_font_width(doc->fonts[doc->watermark_font], doc->watermark,
                                    strlen(doc->watermark), WATERMARK_TEXT_SIZE)) / 2.0f);
    put_real(b, ph - WATERMARK_TEXT_SIZE);
    qs_buf_puts(b, "Tm\n");
    put_codes(b, doc->watermark);
    qs_buf_puts(b, " Tj\nET\nQ\n");
    if (w->tags)
        qs_buf_puts(b, "EMC\n");
    return true;
}

bool qs_pdf_content_page(qs_buf *ops, const qs_doc *doc, const qs_page *p,
                         float pw, float ph, const qs_pdf_names *names,
                         qs_pdf_tags *tags, size_t page)
{
    writer w;
    memset(&w, 0, sizeof w);
    w.b = ops;
    w.names = names;
    w.tags = tags;
    w.page = page;
    w.marked = NOT_MARKED;
    for (size_t i = 0; i < p->count; i++) {
        const qs_item *it = &p->items[i];
        bool ok = true;
        if (it->kind == QS_ITEM_TEXT && (!it->text || !it->text[0]))
            continue;
        mark(&w, it->tag, it->kind == QS_ITEM_TEXT);
        switch (it->kind) {
        case QS_ITEM_TEXT: ok = draw_text(&w, it); break;
        case QS_ITEM_RECT: draw_rect(&w, it); break;
        case QS_ITEM_LINE: draw_line(&w, it); break;
        case QS_ITEM_IMAGE: ok = draw_image(&w, it); break;
        }
        if (!ok)
            return false;
    }
    end_marked(&w);
    if (doc->watermark && doc->watermark[0] && !draw_watermark(&w, doc, pw, ph))
        return false;
    return true;
}
