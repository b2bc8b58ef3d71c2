/* Unit tests for render_pdf.c: a two-page document built by hand (German
 * text, shapes, a PNG with alpha, a JPEG, outline, watermark, metadata) is
 * rendered to memory and checked with poppler-utils and qpdf: the text comes
 * back exactly without warnings, every font is embedded and subset, the file
 * is sound, and rendering twice gives the same bytes. The hybrid PDF: an
 * attached XML file comes back byte for byte with pdfdetach. The size
 * measures: each CIDToGIDMap ends at the highest code its face draws (no
 * longer than 2 x (that code + 1) bytes); the font program is a sound
 * TrueType file with the outlines of the glyphs never drawn emptied; two
 * files of one font are two subset faces. Run from the
 * repository root; needs pdftotext, pdffonts, pdfinfo, pdfdetach and qpdf. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "input.h"
#include "layout.h"
#include "render_pdf.h"

#define FONT_DIR "templates/standard/fonts/"

static const char *const line1 =
    "Grüße aus München – Straße, Maß, 1.234,56 € „Angebot“ ‚kurz‘ …";
static const char *const line2 = "Gesamtbetrag: 12.345,60\xC2\xA0€ (zzgl. 19\xE2\x80\xAF%)";
/* pdftotext prints no-break spaces as plain spaces. */
static const char *const line2_text = "Gesamtbetrag: 12.345,60 € (zzgl. 19 %)";
static const char *const title = "Angebot 2026-0142 für Müller & Söhne";

static qs_item text(float x, float y, int font, float size, const char *s)
{
    qs_item it;
    memset(&it, 0, sizeof it);
    it.kind = QS_ITEM_TEXT;
    it.x = x;
    it.y = y;
    it.font = font;
    it.size = size;
    it.text = s;
    return it;
}

static qs_item shape(qs_item_kind kind, float x, float y, float w, float h)
{
    qs_item it;
    memset(&it, 0, sizeof it);
    it.kind = kind;
    it.x = x;
    it.y = y;
    it.w = w;
    it.h = h;
    return it;
}

/* The hand-built document: fonts and images loaded from the repository. */
static bool make_doc(qs_doc *doc, qs_diags *d)
{
    memset(doc, 0, sizeof *doc);
    qs_arena_init(&doc->arena);
    doc->nfonts = 2;
    doc->fonts = qs_arena_array(&doc->arena, 2, sizeof *doc->fonts);
    doc->fonts[0] = qs_font_load(FONT_DIR "NotoSans-Regular.ttf", "regular", d);
    doc->fonts[1] = qs_font_load(FONT_DIR "NotoSans-Bold.ttf", "bold", d);
    doc->nimages = 2;
    doc->images = qs_arena_array(&doc->arena, 2, sizeof *doc->images);
    doc->images[0] = qs_image_load("tests/assets/logo-alpha.png", "logo", d);
    doc->images[1] = qs_image_load("tests/assets/photo.jpg", "photo", d);
    doc->meta.title = title;
    doc->meta.author = "Jonas Weber";
    doc->meta.subject = "Angebot";
    doc->meta.keywords = "Server, Installation";
    doc->meta.creator = "quotesmith test";
    doc->meta.date = "2026-11-26";
    doc->watermark = "ENTWURF";
    doc->watermark_font = 1;
    return doc->fonts[0] && doc->fonts[1] && doc->images[0] && doc->images[1];
}

static void free_doc(qs_doc *doc)
{
    for (size_t i = 0; i < doc->nfonts; i++)
        qs_font_free(doc->fonts[i]);
    for (size_t i = 0; i < doc->nimages; i++)
        qs_image_free(doc->images[i]);
    qs_arena_free(&doc->arena);
}

static void add(qs_layout *l, size_t page, qs_item it)
{
    qs_page *p = &l->pages[page];
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        qs_item *items = qs_arena_array(&l->arena, cap, sizeof *items);
        if (p->count)
            memcpy(items, p->items, p->count * sizeof *items);
        p->items = items;
        p->cap = cap;
    }
    p->items[p->count++] = it;
}

static void make_layout(qs_layout *l)
{
    memset(l, 0, sizeof *l);
    qs_arena_init(&l->arena);
    l->width = 595.28f;
    l->height = 841.89f;
    l->npages = 2;
    l->pages = qs_arena_array(&l->arena, 2, sizeof *l->pages);

    add(l, 0, text(56, 780, 1, 16, "Angebot Nr. 2026-0142"));
    add(l, 0, text(56, 750, 0, 10, line1));
    qs_item rect = shape(QS_ITEM_RECT, 56, 700, 483, 20);
    rect.color = (qs_rgb){ 230, 236, 245 };
    add(l, 0, rect);
    qs_item line = shape(QS_ITEM_LINE, 56, 695, 483, 0);
    line.size = 0.5f;
    line.color = (qs_rgb){ 40, 40, 40 };
    add(l, 0, line);
    qs_item logo = shape(QS_ITEM_IMAGE, 450, 770, 64, 32);
    logo.image = 0;
    add(l, 0, logo);
    qs_item photo = shape(QS_ITEM_IMAGE, 56, 560, 128, 96);
    photo.image = 1;
    add(l, 0, photo);

    add(l, 1, text(56, 780, 1, 12, "Übersicht"));
    add(l, 1, text(56, 760, 0, 10, line2));
    qs_item logo2 = shape(QS_ITEM_IMAGE, 450, 770, 64, 32);
    logo2.image = 0; /* the same image again: embedded once */
    add(l, 1, logo2);
    add(l, 1, text(480, 40, 0, 8, "Seite 2 von 2"));

    l->noutline = 2;
    l->outline = qs_arena_array(&l->arena, 2, sizeof *l->outline);
    l->outline[0] = (qs_outline_entry){ "Angebot", 0, 0, 790 };
    l->outline[1] = (qs_outline_entry){ "Übersicht", 1, 1, 792 };
}

/* The value of pdfinfo's field `name` in `out` (up to the line's end), or
 * "" when absent; the result points into a static buffer. */
static const char *field(const char *out, const char *name)
{
    static char value[256];
    value[0] = '\0';
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    const char *p = strstr(out, key);
    if (!p && strncmp(out, key + 1, strlen(key + 1)) == 0)
        p = out - 1;
    if (!p)
        return value;
    p += strlen(key);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\n");
    if (n >= sizeof value)
        n = sizeof value - 1;
    memcpy(value, p, n);
    value[n] = '\0';
    return value;
}

/* Runs `cmd`, returns its exit status and its first `cap` bytes of stdout. */
static int run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    return st;
}

static bool write_file(const char *path, const unsigned char *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return false;
    bool ok = fwrite(data, 1, n, fp) == n;
    return fclose(fp) == 0 && ok;
}

/* Renders `doc` and `l` into a new temporary file from the mkstemp
 * template `path` (rewritten to the file's name). False, with no file
 * left, when rendering or writing fails; the caller unlinks the file. */
static bool render_to_file(const qs_doc *doc, const qs_layout *l, char *path,
                           qs_diags *d)
{
    unsigned char *pdf = NULL;
    size_t size = 0;
    bool ok = qs_render_pdf(doc, l, &pdf, &size, d);
    int fd = ok ? mkstemp(path) : -1;
    if (fd >= 0) {
        close(fd);
        ok = write_file(path, pdf, size);
        if (!ok)
            unlink(path);
    }
    free(pdf);
    return ok && fd >= 0;
}

static void check_tools(const char *path)
{
    char cmd[512], out[16384];

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>&1", path);
    int st = run(cmd, out, sizeof out);
    CHECK(st == 0, "pdftotext exits 0");
    CHECK(strstr(out, "Warning") == NULL && strstr(out, "Error") == NULL,
          "pdftotext prints no warning or error");
    CHECK(strstr(out, "Angebot Nr. 2026-0142") != NULL, "bold heading round-trips");
    CHECK(strstr(out, line1) != NULL, "German line round-trips: umlauts, ß, €, „“ ‚‘ – …");
    CHECK(strstr(out, line2_text) != NULL, "text with no-break spaces round-trips");
    CHECK(strstr(out, "Übersicht") != NULL && strstr(out, "Seite 2 von 2"),
          "page 2 text round-trips");
    if (strstr(out, line1) == NULL || strstr(out, "Warning"))
        printf("     pdftotext said:\n%s\n", out);

    snprintf(cmd, sizeof cmd, "qpdf --check %s 2>&1", path);
    st = run(cmd, out, sizeof out);
    CHECK(st == 0 && strstr(out, "No syntax or stream encoding errors"),
          "qpdf --check passes");
    if (st != 0)
        printf("     qpdf said:\n%s\n", out);

    snprintf(cmd, sizeof cmd, "pdffonts %s 2>&1", path);
    st = run(cmd, out, sizeof out);
    CHECK(st == 0, "pdffonts exits 0");
    int fonts = 0, embedded = 0;
    char *save = NULL;
    for (char *ln = strtok_r(out, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (strncmp(ln, "name", 4) == 0 || strncmp(ln, "----", 4) == 0)
            continue;
        fonts++;
        if (strstr(ln, "Identity-H       yes yes yes"))
            embedded++;
    }
    CHECK(fonts == 2 && embedded == 2,
          "pdffonts: 2 fonts, all embedded, subset, with ToUnicode (%d of %d)",
          embedded, fonts);

    snprintf(cmd, sizeof cmd, "pdfinfo -isodates %s 2>&1", path);
    st = run(cmd, out, sizeof out);
    CHECK(st == 0, "pdfinfo exits 0");
    CHECK_STR(field(out, "Producer"), "quotesmith", "Producer is quotesmith");
    CHECK_STR(field(out, "Title"), title, "Title keeps its umlauts");
    CHECK_STR(field(out, "Author"), "Jonas Weber", "Author set");
    CHECK_STR(field(out, "Keywords"), "Server, Installation", "Keywords set");
    CHECK_STR(field(out, "CreationDate"), "2026-11-26T00:00:00Z",
              "CreationDate from the quote's date");
    CHECK_STR(field(out, "ModDate"), "2026-11-26T00:00:00Z",
              "ModDate from the quote's date");
    CHECK_STR(field(out, "Pages"), "2", "2 pages");
    CHECK_STR(field(out, "Page size"), "595.28 x 841.89 pts (A4)", "A4 pages");
    CHECK(strstr(out, "Haru") == NULL, "libharu is not named");

    /* Page 1 shows the PNG (with its soft mask) and the JPEG, page 2 the
     * PNG again: 5 uses of 3 image objects. */
    snprintf(cmd, sizeof cmd,
             "pdfimages -list %s | tail -n +3 | awk '{print $11}' | sort -u | wc -l",
             path);
    run(cmd, out, sizeof out);
    CHECK(atoi(out) == 2, "images embedded once: 2 XObjects, the PNG and the "
          "JPEG (got %d)", atoi(out));
    snprintf(cmd, sizeof cmd, "pdfimages -list %s | grep -c smask", path);
    run(cmd, out, sizeof out);
    CHECK(atoi(out) == 2, "the PNG's alpha is a soft mask");

    /* The content streams, uncompressed: the watermark is drawn last on
     * each page, rotated 45 degrees; outline entries go to /XYZ
     * destinations. */
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable %s - | grep -a -c "
             "-e '^0.70\\?[0-9]* 0.70[0-9]* -0.70[0-9]* 0.70[0-9]* .* Tm$' "
             "-e '^ */XYZ$'", path);
    run(cmd, out, sizeof out);
    CHECK(atoi(out) == 4, "two rotated watermarks and two /XYZ destinations "
          "(got %d)", atoi(out));
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable %s - | grep -a -B14 '^endstream$' "
             "| grep -a -c -e '^/F[0-9] 129.* Tf$' -e '^3 Tr$'", path);
    run(cmd, out, sizeof out);
    CHECK(atoi(out) == 4, "each page's content ends with the watermark: the "
          "diagonal word and its invisible copy (got %d)", atoi(out));
}

/* The CIDToGIDMap of the font on the line of pdffonts' output that the
 * awk pattern `line` picks ("/NotoSans-Regular/", "NR == 3"), inflated:
 * its length in bytes, or -1. */
static long cid_map_length(const char *path, const char *line)
{
    char cmd[1024], out[256];
    snprintf(cmd, sizeof cmd,
             "f=%s; id=$(pdffonts $f | awk '%s { print $(NF-1) }'); "
             "d=$(qpdf --show-object=$id $f | sed -n 's/.*DescendantFonts \\[ *\\([0-9]*\\) 0 R.*/\\1/p'); "
             "m=$(qpdf --show-object=$d $f | sed -n 's/.*CIDToGIDMap \\([0-9]*\\) 0 R.*/\\1/p'); "
             "[ -n \"$m\" ] && qpdf --show-object=$m --filtered-stream-data $f | wc -c",
             path, line);
    if (run(cmd, out, sizeof out) != 0)
        return -1;
    return atol(out);
}

/* The highest code in the /W array of the font `face`'s CIDFont, or -1. */
static long highest_width_code(const char *path, const char *face)
{
    char cmd[1024], out[16384];
    snprintf(cmd, sizeof cmd,
             "f=%s; id=$(pdffonts $f | awk '/%s/ { print $(NF-1) }'); "
             "d=$(qpdf --show-object=$id $f | sed -n 's/.*DescendantFonts \\[ *\\([0-9]*\\) 0 R.*/\\1/p'); "
             "qpdf --show-object=$d $f | sed -n 's/.*\\/W \\[\\(.*\\)/\\1/p'",
             path, face);
    if (run(cmd, out, sizeof out) != 0 || !out[0])
        return -1;
    long top = -1; /* "c [w w ...] c [w ...] ]": each run's last code */
    const char *p = out;
    char *end;
    while (*p) {
        long code = strtol(p, &end, 10);
        const char *open = strchr(end, '['), *close = open ? strchr(open, ']') : NULL;
        if (end == p || !close)
            break;
        long n = 0;
        for (const char *q = open + 1; q < close; q = end, n++) {
            strtol(q, &end, 10);
            if (end == q)
                break;
        }
        top = code + n - 1;
        p = close + 1;
        while (*p == ' ')
            p++;
        if (*p == ']')
            break;
    }
    return top;
}

/* The CIDToGIDMap of the font on pdffonts' line `line` (as for
 * cid_map_length) ends at code `top`: 2 x (top + 1) bytes. */
static void check_map_end(const char *path, const char *line, long top,
                          const char *face)
{
    long n = cid_map_length(path, line);
    CHECK(n == (top + 1) * 2, "the %s CIDToGIDMap ends at the highest code "
          "drawn, U+%04lX: %ld bytes", face, (unsigned long)top, n);
}

static void check_sizes(const char *path)
{
    /* Each map ends at the highest code drawn with its face (2 bytes a
     * code), not at U+FFFF: the regular face draws nothing above U+20AC
     * (the euro sign), the bold one nothing above U+00DC (Ü). */
    check_map_end(path, "/NotoSans-Regular/", 0x20AC, "regular");
    check_map_end(path, "/NotoSans-Bold/", 0xDC, "bold");
    /* The /W arrays likewise: no width for a code above the highest drawn
     * (pdf_fonts.c writes the codes drawn only). */
    long w = highest_width_code(path, "NotoSans-Bold");
    CHECK(w >= 0xD0 && w <= 0xDC, "the bold /W array ends at or before "
          "U+00DC: U+%04lX", (unsigned long)w);
    w = highest_width_code(path, "NotoSans-Regular");
    CHECK(w >= 0x2000 && w <= 0x20AC, "the regular /W array ends at or before "
          "U+20AC: U+%04lX", (unsigned long)w);
}

/* Makes the temporary file of the mkstemp template `path` and closes it
 * (the test writes it by name). */
static bool temp_file(char *path, const char *what)
{
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temporary file for %s", what);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

/* The length of glyph g's outline in a font's loca table. */
static uint32_t glyph_length(const unsigned char *loca, bool long_loca,
                             unsigned g)
{
    if (long_loca)
        return qs_be32(loca + 4 * (size_t)g + 4) - qs_be32(loca + 4 * (size_t)g);
    return 2u * (qs_be16(loca + 2 * (size_t)g + 2) - qs_be16(loca + 2 * (size_t)g));
}

/* The regular face's font program (FontFile2), as written by pdf_fonts.c:
 * a sound TrueType file (every table's checksum and head's
 * checkSumAdjustment right), every glyph id of the font kept, the outlines
 * of the glyphs drawn ('M') and of .notdef there, those of glyphs never
 * drawn ('Q') emptied. */
static void check_font_program(const char *path, const qs_font *regular)
{
    char prog[] = "/tmp/qs-render-font-XXXXXX";
    if (!temp_file(prog, "the font program"))
        return;
    char cmd[1024], out[64];
    snprintf(cmd, sizeof cmd,
             "f=%s; id=$(pdffonts $f | awk '/NotoSans-Regular/ { print $(NF-1) }'); "
             "d=$(qpdf --show-object=$id $f | sed -n 's/.*DescendantFonts \\[ *\\([0-9]*\\) 0 R.*/\\1/p'); "
             "fd=$(qpdf --show-object=$d $f | sed -n 's/.*FontDescriptor \\([0-9]*\\) 0 R.*/\\1/p'); "
             "ff=$(qpdf --show-object=$fd $f | sed -n 's/.*FontFile2 \\([0-9]*\\) 0 R.*/\\1/p'); "
             "qpdf --show-object=$ff --filtered-stream-data $f > %s", path, prog);
    int st = run(cmd, out, sizeof out);
    qs_diags d;
    qs_diags_init(&d);
    size_t n = 0;
    unsigned char *font = st == 0 ? qs_file_read_reported(prog, 1u << 24, prog,
                                                          "font", "font", &n, &d)
                                  : NULL;
    unlink(prog);
    CHECK(font && n > 12 && n % 4 == 0, "the font program is extracted "
          "(%zu bytes, a multiple of 4)", n);
    if (!font || n <= 12 || n % 4) {
        free(font);
        qs_diags_free(&d);
        return;
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 4)
        sum += qs_be32(font + i);
    CHECK(sum == 0xB1B0AFBAu, "the whole font sums to 0xB1B0AFBA (head's "
          "checkSumAdjustment): 0x%08X", (unsigned)sum);
    unsigned ntables = qs_be16(font + 4), bad = 0, nglyphs = 0;
    const unsigned char *loca = NULL, *glyf = NULL;
    bool long_loca = false;
    for (unsigned t = 0; t < ntables && 12 + 16 * (size_t)t + 16 <= n; t++) {
        const unsigned char *e = font + 12 + 16 * (size_t)t;
        uint32_t off = qs_be32(e + 8), len = qs_be32(e + 12), table_sum = 0;
        if (off > n || (len + 3) / 4 * 4 > n - off) {
            bad++;
            continue;
        }
        for (uint32_t i = 0; i < len; i += 4)
            table_sum += memcmp(e, "head", 4) == 0 && i == 8 ? 0 : qs_be32(font + off + i);
        bad += table_sum != qs_be32(e + 4);
        if (memcmp(e, "maxp", 4) == 0)
            nglyphs = qs_be16(font + off + 4);
        else if (memcmp(e, "head", 4) == 0)
            long_loca = qs_be16(font + off + 50) == 1;
        else if (memcmp(e, "loca", 4) == 0)
            loca = font + off;
        else if (memcmp(e, "glyf", 4) == 0)
            glyf = font + off;
    }
    CHECK(bad == 0 && loca && glyf, "every table's checksum is right (%u "
          "wrong), loca and glyf present", bad);
    size_t orig_n;
    const unsigned char *orig = qs_font_data(regular, &orig_n);
    unsigned orig_glyphs = 0;
    for (unsigned t = 0; t < qs_be16(orig + 4); t++)
        if (memcmp(orig + 12 + 16 * (size_t)t, "maxp", 4) == 0)
            orig_glyphs = qs_be16(orig + qs_be32(orig + 12 + 16 * (size_t)t + 8) + 4);
    CHECK(nglyphs == orig_glyphs && nglyphs > 0, "every glyph id kept: %u "
          "glyphs, the font has %u", nglyphs, orig_glyphs);
    unsigned m = qs_font_glyph(regular, 'M'), q = qs_font_glyph(regular, 'Q');
    if (loca && m > 0 && q > 0 && m < nglyphs && q < nglyphs) {
        CHECK(glyph_length(loca, long_loca, 0) > 0 &&
              glyph_length(loca, long_loca, m) > 0,
              ".notdef and 'M' (drawn) keep their outlines");
        CHECK(glyph_length(loca, long_loca, q) == 0, "'Q' (never drawn) has "
              "no outline: %u bytes", (unsigned)glyph_length(loca, long_loca, q));
    } else {
        CHECK(false, "the font has glyphs for 'M' and 'Q'");
    }
    free(font);
    qs_diags_free(&d);
}

/* Two font files holding the same font (a copy under another name) are two
 * faces, each with the glyphs drawn with it: the first file draws the euro
 * sign, the copy only ASCII ("Angebot", up to U+0074). Both keep the
 * font's name, under different subset tags. */
static void check_same_font_twice(void)
{
    char copy[] = "/tmp/qs-render-copy-XXXXXX";
    if (!temp_file(copy, "the font's copy"))
        return;
    qs_diags d;
    qs_diags_init(&d);
    qs_doc doc;
    memset(&doc, 0, sizeof doc);
    qs_arena_init(&doc.arena);
    doc.nfonts = 2;
    doc.fonts = qs_arena_array(&doc.arena, 2, sizeof *doc.fonts);
    doc.fonts[0] = qs_font_load(FONT_DIR "NotoSans-Regular.ttf", "regular", &d);
    size_t n = 0;
    const unsigned char *bytes = doc.fonts[0] ? qs_font_data(doc.fonts[0], &n) : NULL;
    if (bytes && write_file(copy, bytes, n))
        doc.fonts[1] = qs_font_load(copy, "copy", &d);
    CHECK(doc.fonts[0] && doc.fonts[1], "the font and its copy load");

    qs_layout l;
    memset(&l, 0, sizeof l);
    qs_arena_init(&l.arena);
    l.width = 595.28f;
    l.height = 841.89f;
    l.npages = 1;
    l.pages = qs_arena_array(&l.arena, 1, sizeof *l.pages);
    add(&l, 0, text(56, 780, 0, 12, "Preis 12 €"));
    add(&l, 0, text(56, 760, 1, 12, "Angebot"));

    char path[] = "/tmp/qs-render-twice-XXXXXX";
    bool ok = doc.fonts[1] && render_to_file(&doc, &l, path, &d);
    CHECK(ok && d.count == 0, "renders with a font and its copy");
    if (ok) {
        check_map_end(path, "NR == 3", 0x20AC, "first file's");
        check_map_end(path, "NR == 4", 0x74, "copy's");
        char cmd[512], out[4096];
        snprintf(cmd, sizeof cmd, "pdffonts %s | tail -n +3 | "
                 "sed -n 's/^[A-Z]\\{6\\}+\\(NotoSans-Regular\\) .*yes yes yes.*/\\1/p' | "
                 "uniq -c", path);
        run(cmd, out, sizeof out);
        CHECK_STR(out, "      2 NotoSans-Regular\n", "two subset NotoSans-Regular "
                  "fonts in the PDF, embedded, with ToUnicode");
        snprintf(cmd, sizeof cmd, "pdffonts %s | tail -n +3 | cut -c1-6 | "
                 "sort -u | wc -l", path);
        run(cmd, out, sizeof out);
        CHECK(atoi(out) == 2, "under two subset tags (got %d)", atoi(out));
        unlink(path);
    }
    qs_arena_free(&l.arena);
    free_doc(&doc);
    qs_diags_free(&d);
    unlink(copy);
}

/* A document of more pages than one /Kids array of the page tree holds
 * where the pages are read back (1,024): a long call sheet. Every page is
 * found and drawn, and pdfinfo counts them all. */
static void check_many_pages(const qs_doc *doc)
{
    enum { PAGES = 1500 };
    qs_diags d;
    qs_diags_init(&d);
    qs_layout l;
    memset(&l, 0, sizeof l);
    qs_arena_init(&l.arena);
    l.width = 595.28f;
    l.height = 841.89f;
    l.npages = PAGES;
    l.pages = qs_arena_array(&l.arena, PAGES, sizeof *l.pages);
    for (size_t i = 0; i < PAGES; i++)
        add(&l, i, text(56, 780, 0, 12, "Seite"));
    char path[] = "/tmp/qs-render-pages-XXXXXX";
    bool ok = render_to_file(doc, &l, path, &d);
    CHECK(ok && d.count == 0, "renders %d pages without diagnostics", PAGES);
    if (!ok)
        qs_diags_print_text(&d, stdout);
    if (ok) {
        char cmd[512], out[4096];
        snprintf(cmd, sizeof cmd, "pdfinfo %s | sed -n 's/^Pages: *//p'", path);
        run(cmd, out, sizeof out);
        CHECK(atoi(out) == PAGES, "pdfinfo counts %d pages (got %d)", PAGES, atoi(out));
        unlink(path);
    }
    qs_arena_free(&l.arena);
    qs_diags_free(&d);
}
/* An 8-bit RGB PNG goes into the PDF as its own image data, decoded by the
 * viewer with the PNG predictors: drawn 10 pt per pixel on an 80 x 40 pt
 * page and rasterised at 72 dpi, every pixel comes back. */
static void check_png_data(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_doc doc;
    memset(&doc, 0, sizeof doc);
    qs_arena_init(&doc.arena);
    doc.nimages = 1;
    doc.images = qs_arena_array(&doc.arena, 1, sizeof *doc.images);
    doc.images[0] = qs_image_load("tests/assets/rgb8.png", "rgb8", &d);
    CHECK(doc.images[0] && doc.images[0]->png_data, "rgb8.png keeps its image data");
    qs_layout l;
    memset(&l, 0, sizeof l);
    qs_arena_init(&l.arena);
    l.width = 80;
    l.height = 40;
    l.npages = 1;
    l.pages = qs_arena_array(&l.arena, 1, sizeof *l.pages);
    qs_item img = shape(QS_ITEM_IMAGE, 0, 0, 80, 40);
    add(&l, 0, img);
    char path[] = "/tmp/qs-render-png-XXXXXX";
    bool ok = doc.images[0] && render_to_file(&doc, &l, path, &d);
    CHECK(ok && d.count == 0, "renders the PNG's own data");
    if (ok) {
        char cmd[512];
        static char out[80 * 40 * 3 * 4 + 4096]; /* "%4u" per byte, lines */
        snprintf(cmd, sizeof cmd, "pdftoppm -r 72 %s 2>&1 | tail -c %d | od -An -v -tu1",
                 path, 80 * 40 * 3);
        run(cmd, out, sizeof out);
        int bad = 0, seen = 0;
        char *p = out;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 80; x++) {
                int v[3];
                for (int k = 0; k < 3; k++) {
                    char *end;
                    v[k] = (int)strtol(p, &end, 10);
                    seen += end != p;
                    p = end;
                }
                if (x % 10 == 5 && y % 10 == 5 &&
                    (v[0] != x / 10 * 32 || v[1] != y / 10 * 64 || v[2] != 200))
                    bad++;
            }
        }
        CHECK(seen == 80 * 40 * 3 && bad == 0, "every pixel of the PNG comes back "
              "(%d wrong)", bad);
        unlink(path);
    }
    qs_arena_free(&l.arena);
    free_doc(&doc);
    qs_diags_free(&d);
}

/* The hybrid PDF: an XML file attached from memory. */
static void check_attachment(const qs_doc *doc, const qs_layout *l)
{
    static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Quotation><Note>Grüße – 12.345,60 €</Note></Quotation>\n";
    qs_pdf_attachment att = {
        .name = "2026-0142.ubl.xml", .data = (const unsigned char *)xml,
        .size = sizeof xml - 1, .mime = "application/xml",
        .description = "UBL 2.1 Quotation", .relationship = "Alternative",
    };
    qs_pdf_options opts = { .attachments = &att, .nattachments = 1 };
    unsigned char *pdf = NULL, *again = NULL;
    size_t size = 0, size2 = 0;
    qs_diags d;
    qs_diags_init(&d);
    bool ok = qs_render_pdf_opts(doc, l, &opts, &pdf, &size, &d);
    CHECK(ok && d.count == 0, "renders with an attached file");
    bool ok2 = qs_render_pdf_opts(doc, l, &opts, &again, &size2, &d);
    CHECK(ok2 && size2 == size && memcmp(pdf, again, size) == 0,
          "a hybrid PDF is deterministic too");
    free(again);

    char dir[] = "/tmp/qs-render-att-XXXXXX";
    if (ok && mkdtemp(dir)) {
        char path[128], cmd[512], out[4096];
        snprintf(path, sizeof path, "%s/hybrid.pdf", dir);
        write_file(path, pdf, size);
        snprintf(cmd, sizeof cmd, "qpdf --check %s 2>&1", path);
        int st = run(cmd, out, sizeof out);
        CHECK(st == 0 && strstr(out, "No syntax or stream encoding errors"),
              "hybrid PDF: qpdf --check passes");
        snprintf(cmd, sizeof cmd, "pdfdetach -list %s 2>&1", path);
        st = run(cmd, out, sizeof out);
        CHECK(st == 0 && strstr(out, "1 embedded files") &&
              strstr(out, "1: 2026-0142.ubl.xml"),
              "pdfdetach lists the attachment by its name");
        snprintf(cmd, sizeof cmd,
                 "pdfdetach -save 1 -o %s/got.xml %s 2>&1 && cat %s/got.xml",
                 dir, path, dir);
        st = run(cmd, out, sizeof out);
        CHECK(st == 0 && strcmp(out, xml) == 0,
              "pdfdetach -save 1 gives back the same bytes");
        snprintf(cmd, sizeof cmd,
                 "qpdf --qdf --object-streams=disable %s - | grep -a -c "
                 "-e '^  /AFRelationship /Alternative$' "
                 "-e '^  /Subtype /application#2[fF]xml$' "
                 "-e '^  /Desc (UBL 2.1 Quotation)$' -e '^    /Size %zu$' "
                 "-e '^  /AF \\[$' -e '^    /EmbeddedFiles <<$'",
                 path, sizeof xml - 1);
        run(cmd, out, sizeof out);
        CHECK(atoi(out) == 6, "Filespec with /AFRelationship /Alternative and "
              "/Desc, EmbeddedFile with MIME subtype and /Params /Size, catalog "
              "/AF and /Names /EmbeddedFiles (got %d of 6)", atoi(out));
        snprintf(cmd, sizeof cmd, "pdftotext %s - 2>&1 | grep -c Warning", path);
        run(cmd, out, sizeof out);
        CHECK(atoi(out) == 0, "hybrid PDF: pdftotext prints no warning");
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        run(cmd, out, sizeof out);
    }
    free(pdf);
    qs_diags_free(&d);

    /* Bad attachments: one [pdf] diagnostic, no PDF. */
    qs_pdf_attachment two[2] = { att, att };
    const char *names[] = { "a/b.xml", "", NULL };
    for (size_t i = 0; i < 4; i++) {
        qs_pdf_options bad = { .attachments = two, .nattachments = 1 };
        two[0] = att;
        if (i < 3)
            two[0].name = names[i];
        else
            bad.nattachments = 2; /* the same name twice */
        qs_diags_init(&d);
        ok = qs_render_pdf_opts(doc, l, &bad, &pdf, &size, &d);
        CHECK(!ok && pdf == NULL && d.count == 1 &&
              strcmp(d.items[0].rule, "pdf") == 0 &&
              strstr(d.items[0].message, "attachment"),
              "bad attachment %zu is refused with one [pdf] diagnostic: %s", i,
              d.count ? d.items[0].message : "");
        qs_diags_free(&d);
    }
    two[0] = att;
    two[0].relationship = "Related";
    qs_pdf_options bad = { .attachments = two, .nattachments = 1 };
    qs_diags_init(&d);
    ok = qs_render_pdf_opts(doc, l, &bad, &pdf, &size, &d);
    CHECK(!ok && d.count == 1 && strstr(d.items[0].message, "AFRelationship"),
          "an unknown AFRelationship is refused");
    qs_diags_free(&d);
}

static void check_failures_reported(qs_doc *doc, qs_layout *l)
{
    unsigned char *pdf = NULL;
    size_t size = 0;
    qs_diags d;

    qs_diags_init(&d);
    l->pages[1].items[0].font = 7;
    bool ok = qs_render_pdf(doc, l, &pdf, &size, &d);
    CHECK(!ok && pdf == NULL && d.count == 1 && strcmp(d.items[0].rule, "pdf") == 0,
          "a bad font index fails with one [pdf] diagnostic");
    l->pages[1].items[0].font = 1;
    qs_diags_free(&d);

    qs_diags_init(&d);
    doc->meta.date = "2026-02-30";
    ok = qs_render_pdf(doc, l, &pdf, &size, &d);
    CHECK(!ok && pdf == NULL && d.count == 1 && strstr(d.items[0].message, "2026-02-30"),
          "an impossible date fails with one diagnostic");
    doc->meta.date = "2026-11-26";
    qs_diags_free(&d);

    qs_diags_init(&d);
    l->pages[0].items[1].size = 900;
    ok = qs_render_pdf(doc, l, &pdf, &size, &d);
    CHECK(!ok && pdf == NULL && d.count == 1 &&
          strstr(d.items[0].message, "text size 900 pt"),
          "a text size past 600 pt fails with one diagnostic: %s",
          d.count ? d.items[0].message : "");
    l->pages[0].items[1].size = 10;
    qs_diags_free(&d);

    /* A JPEG cut short, which image.c would have refused: libharu's own
     * check fails, with a code. */
    qs_diags_init(&d);
    size_t whole = doc->images[1]->jpeg_size;
    doc->images[1]->jpeg_size = 64;
    ok = qs_render_pdf(doc, l, &pdf, &size, &d);
    CHECK(!ok && pdf == NULL && d.count == 1 && strstr(d.items[0].message, "libharu error 0x"),
          "a libharu error is reported with its code: %s",
          d.count ? d.items[0].message : "");
    doc->images[1]->jpeg_size = whole;
    qs_diags_free(&d);
}

static void check_epoch(qs_doc *doc, const qs_layout *l)
{
    unsigned char *pdf = NULL;
    size_t size = 0;
    qs_diags d;
    qs_diags_init(&d);
    const char *date = doc->meta.date, *subject = doc->meta.subject;
    doc->meta.date = NULL;
    /* Metadata is not drawn, so it may leave the BMP: a surrogate pair. */
    doc->meta.subject = "Angebot \xF0\x9F\x93\x84 Entwurf";
    setenv("SOURCE_DATE_EPOCH", "1780000000", 1);
    bool ok = qs_render_pdf(doc, l, &pdf, &size, &d);
    unsetenv("SOURCE_DATE_EPOCH");
    doc->meta.date = date;
    doc->meta.subject = subject;
    CHECK(ok, "renders with SOURCE_DATE_EPOCH and no date");
    char path[] = "/tmp/qs-render-epoch-XXXXXX";
    int fd = mkstemp(path);
    if (ok && fd >= 0) {
        close(fd);
        write_file(path, pdf, size);
        char cmd[256], out[4096];
        snprintf(cmd, sizeof cmd, "pdfinfo -isodates %s 2>&1", path);
        run(cmd, out, sizeof out);
        CHECK_STR(field(out, "CreationDate"), "2026-05-28T20:26:40Z",
                  "CreationDate from SOURCE_DATE_EPOCH");
        CHECK_STR(field(out, "Subject"), "Angebot \xF0\x9F\x93\x84 Entwurf",
                  "a Subject beyond the BMP comes back whole");
        unlink(path);
    }
    free(pdf);
    qs_diags_free(&d);
}

int main(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_doc doc;
    bool loaded = make_doc(&doc, &d);
    CHECK(loaded && d.count == 0, "fonts and images for the test document load");
    if (!loaded) {
        qs_diags_print_text(&d, stdout);
        return 1;
    }
    qs_layout l;
    make_layout(&l);

    unsigned char *pdf = NULL, *again = NULL;
    size_t size = 0, size2 = 0;
    bool ok = qs_render_pdf(&doc, &l, &pdf, &size, &d);
    CHECK(ok && d.count == 0, "renders without diagnostics");
    if (!ok)
        qs_diags_print_text(&d, stdout);
    /* PDF/A-3 is based on PDF 1.7, which covers soft masks (1.4) too. */
    CHECK(ok && size > 1000 && memcmp(pdf, "%PDF-1.7\n", 9) == 0,
          "output is a PDF 1.7 of %zu bytes", size);
    bool ok2 = qs_render_pdf(&doc, &l, &again, &size2, &d);
    CHECK(ok2 && size2 == size && memcmp(pdf, again, size) == 0,
          "rendering twice gives identical bytes");
    free(again);

    char path[] = "/tmp/qs-render-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temporary file");
    if (ok && fd >= 0) {
        close(fd);
        CHECK(write_file(path, pdf, size), "PDF written to %s", path);
        check_tools(path);
        check_sizes(path);
        check_font_program(path, doc.fonts[0]);
        unlink(path);
    }
    free(pdf);

    check_epoch(&doc, &l);
    check_attachment(&doc, &l);
    check_same_font_twice();
    check_png_data();
    check_many_pages(&doc);
    check_failures_reported(&doc, &l);

    qs_arena_free(&l.arena); /* owns the pages, items and outline */
    free_doc(&doc);
    qs_diags_free(&d);
    return check_failures != 0;
}
