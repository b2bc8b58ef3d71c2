/* pdf_fonts: a TrueType face as PDF font objects, with a subset font
 * program (see pdf_fonts.h). fonts.c vetted the face: the tables it reads
 * lie in the file, loca rises inside glyf, and every composite glyph's
 * components lie inside the glyph and name glyphs of the font; the other
 * tables copied here come through qs_font_table, which checks their
 * bounds. */
#include "pdf_fonts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "sha256.h"

/* ---- big-endian bytes (reads: fonts.h) ---- */

static void put16(qs_buf *b, unsigned v)
{
    char c[2] = { (char)(v >> 8), (char)v };
    qs_buf_add(b, c, 2);
}

static void put32(qs_buf *b, uint32_t v)
{
    char c[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
    qs_buf_add(b, c, 4);
}

static void set32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static bool has(const uint32_t *set, uint32_t cp)
{
    return (set[cp >> 5] >> (cp & 31)) & 1u;
}

/* Font units in 1/1000 em, truncated as fonts.c scales the advances. */
static long scale(long units, unsigned upem)
{
    return units * 1000 / (long)upem;
}

/* ---- the subset font program ---- */

typedef struct {
    const unsigned char *loca, *glyf;
    bool long_loca;
    unsigned nglyphs;
} outlines;

static uint32_t glyph_at(const outlines *o, unsigned g)
{
    return o->long_loca ? qs_be32(o->loca + 4 * (size_t)g)
                        : 2u * qs_be16(o->loca + 2 * (size_t)g);
}

/* Marks glyph g kept, and the components of a composite glyph, theirs in
 * turn (`stack` has room for every glyph: each is pushed once). */
static void keep_glyph(const outlines *o, unsigned char *keep, unsigned *stack,
                       unsigned g)
{
    enum { WORDS = 1, SCALE = 8, MORE = 32, XY_SCALE = 64, TWO_BY_TWO = 128 };
    size_t top = 0;
    if (g >= o->nglyphs || keep[g])
        return;
    keep[g] = 1;
    stack[top++] = g;
    while (top > 0) {
        unsigned h = stack[--top];
        uint32_t off = glyph_at(o, h), end = glyph_at(o, h + 1);
        if (end - off < 10 || qs_be16s(o->glyf + off) != -1)
            continue;
        const unsigned char *p = o->glyf + off + 10;
        unsigned flags;
        do {
            flags = qs_be16(p);
            unsigned c = qs_be16(p + 2);
            if (!keep[c]) {
                keep[c] = 1;
                stack[top++] = c;
            }
            p += 4 + (flags & WORDS ? 4 : 2) +
                 (flags & SCALE ? 2 : flags & XY_SCALE ? 4 : flags & TWO_BY_TWO ? 8 : 0);
        } while (flags & MORE);
    }
}

/* glyf and loca with the outlines of the glyphs not kept emptied; loca
 * keeps its format (the short one counts in 2-byte words). */
static void subset_outlines(const outlines *o, const unsigned char *keep,
                            qs_buf *glyf, qs_buf *loca)
{
    for (unsigned g = 0; g <= o->nglyphs; g++) {
        if (o->long_loca)
            put32(loca, (uint32_t)glyf->len);
        else
            put16(loca, (unsigned)(glyf->len / 2));
        if (g == o->nglyphs || !keep[g])
            continue;
        uint32_t off = glyph_at(o, g), end = glyph_at(o, g + 1);
        qs_buf_add(glyf, (const char *)o->glyf + off, end - off);
        if (glyf->len % 2)
            qs_buf_add(glyf, "", 1);
    }
}

static uint32_t checksum(const char *data, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 4)
        sum += qs_be32((const unsigned char *)data + i);
    return sum;
}

/* The tables kept, in the order of their tags: 4 characters each. */
static const char program_tags[] =
    "OS/2" "cmap" "cvt " "fpgm" "glyf" "head" "hhea" "hmtx" "loca" "maxp"
    "name" "post" "prep";
#define NTAGS ((sizeof program_tags - 1) / 4)

/* The font program of `f` with only the glyphs `keep` marks outlined:
 * the table directory, each table 4-byte aligned with its checksum, and
 * head's checkSumAdjustment (OpenType, "head" and "Table directory"). */
static void subset_program(const qs_font *f, const outlines *o,
                           const unsigned char *keep, qs_buf *out)
{
    qs_buf glyf = { 0 }, loca = { 0 }, head = { 0 };
    subset_outlines(o, keep, &glyf, &loca);
    const char *tag[NTAGS], *data[NTAGS];
    uint32_t len[NTAGS];
    unsigned n = 0;
    for (size_t k = 0; k < NTAGS; k++) {
        tag[n] = program_tags + 4 * k;
        data[n] = (const char *)qs_font_table(f, tag[n], &len[n]);
        if (memcmp(tag[n], "glyf", 4) == 0) {
            data[n] = glyf.s ? glyf.s : "";
            len[n] = (uint32_t)glyf.len;
        } else if (memcmp(tag[n], "loca", 4) == 0) {
            data[n] = loca.s;
            len[n] = (uint32_t)loca.len;
        } else if (memcmp(tag[n], "head", 4) == 0) {
            qs_buf_add(&head, data[n], len[n]);
            set32(head.s + 8, 0); /* checkSumAdjustment, set below */
            data[n] = head.s;
        }
        if (data[n])
            n++;
    }
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= n) {
        pow2 *= 2;
        log2++;
    }
    size_t size;
    const unsigned char *file = qs_font_data(f, &size);
    put32(out, qs_be32(file)); /* the sfnt version */
    put16(out, n);
    put16(out, pow2 * 16);
    put16(out, log2);
    put16(out, n * 16 - pow2 * 16);
    size_t dir = out->len, head_at = 0;
    for (unsigned i = 0; i < n * 16; i++)
        qs_buf_add(out, "", 1);
    for (unsigned i = 0; i < n; i++) {
        size_t at = out->len;
        qs_buf_add(out, data[i], len[i]);
        while (out->len % 4)
            qs_buf_add(out, "", 1);
        if (memcmp(tag[i], "head", 4) == 0)
            head_at = at;
        char *e = out->s + dir + 16 * (size_t)i;
        memcpy(e, tag[i], 4);
        set32(e + 4, checksum(out->s + at, out->len - at));
        set32(e + 8, (uint32_t)at);
        set32(e + 12, len[i]);
    }
    set32(out->s + head_at + 8, 0xB1B0AFBAu - checksum(out->s, out->len));
    qs_buf_free(&glyf);
    qs_buf_free(&loca);
    qs_buf_free(&head);
}

/* ---- the PDF objects ---- */

/* The PostScript name (name ID 6; fonts.c checked that there is one) as
 * PDF name characters: printable ASCII without delimiters. */
static void put_ps_name(qs_buf *b, const qs_font *f)
{
    uint32_t len;
    const unsigned char *t = qs_font_table(f, "name", &len);
    unsigned count = qs_be16(t + 2), strings = qs_be16(t + 4);
    size_t before = b->len;
    for (unsigned i = 0; i < count && b->len == before; i++) {
        const unsigned char *r = t + 6 + 12 * (size_t)i;
        unsigned platform = qs_be16(r), encoding = qs_be16(r + 2), id = qs_be16(r + 6);
        unsigned n = qs_be16(r + 8), off = qs_be16(r + 10);
        bool wide = platform == 3 && encoding == 1;
        if (id != 6 || !(wide || (platform == 1 && encoding == 0)))
            continue;
        for (unsigned k = wide ? 1 : 0; k < n && b->len - before < 63;
             k += wide ? 2 : 1) {
            char ch = (char)t[strings + off + k];
            if (ch > ' ' && ch <= '~' && !strchr("()<>[]{}/%#", ch) &&
                (!wide || t[strings + off + k - 1] == 0))
                qs_buf_add(b, &ch, 1);
        }
    }
    if (b->len == before)
        qs_buf_puts(b, "Font");
}

/* A standard ToUnicode CMap: each 2-byte code maps to the same UTF-16
 * value, as one 256-code bfrange per row (high byte) `set` uses,
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

/* The CIDToGIDMap (2 bytes per code, up to the highest code drawn) and
 * the /W entries ("c [w w ...]" per run of consecutive codes drawn that
 * have a glyph), and the glyphs they use marked in `keep`. */
static void map_codes(const qs_font *f, const uint32_t *used,
                      const outlines *o, unsigned char *keep, unsigned *stack,
                      qs_buf *map, qs_buf *widths)
{
    long last = -2;
    for (uint32_t w = 0; w < QS_PDF_FONT_SET_WORDS; w++) {
        for (uint32_t cp = w * 32; used[w] && cp < w * 32 + 32; cp++) {
            if (!has(used, cp))
                continue;
            unsigned gid = qs_font_glyph(f, cp);
            while (map->len < 2 * (size_t)cp)
                qs_buf_add(map, "", 1);
            put16(map, gid);
            if (gid == 0)
                continue;
            keep_glyph(o, keep, stack, gid);
            if ((long)cp != last + 1)
                qs_buf_printf(widths, "%s%lu [", last >= 0 ? "] " : "",
                              (unsigned long)cp);
            qs_buf_printf(widths, " %d", qs_font_advance(f, cp));
            last = (long)cp;
        }
    }
    if (last >= 0)
        qs_buf_puts(widths, " ]");
}

/* The FontDescriptor's entries after /FontName: flags and metrics. */
static void put_metrics(qs_buf *d, const qs_font *f)
{
    uint32_t head_len, os2_len, post_len;
    const unsigned char *head = qs_font_table(f, "head", &head_len);
    const unsigned char *os2 = qs_font_table(f, "OS/2", &os2_len);
    const unsigned char *post = qs_font_table(f, "post", &post_len);
    unsigned upem = qs_be16(head + 18);
    long italic = post && post_len >= 8 ? qs_be16s(post + 4) : 0;
    long cap = qs_font_ascent(f);
    if (qs_be16(os2) >= 2 && os2_len >= 90)
        cap = scale(qs_be16s(os2 + 88), upem);
    unsigned flags = 32;                /* non-symbolic */
    if (italic != 0)
        flags |= 64;                    /* italic */
    if (qs_be16(head + 44) & 1)
        flags |= 262144;                /* bold (macStyle): ForceBold */
    qs_buf_printf(d, " /Flags %u /FontBBox [%ld %ld %ld %ld] /ItalicAngle %ld"
                  " /Ascent %d /Descent %d /CapHeight %ld /StemV 0",
                  flags, scale(qs_be16s(head + 36), upem),
                  scale(qs_be16s(head + 38), upem), scale(qs_be16s(head + 40), upem),
                  scale(qs_be16s(head + 42), upem), italic, qs_font_ascent(f),
                  qs_font_descent(f), cap);
}

unsigned qs_pdf_font_add(qs_pdf_update *u, const qs_font *f,
                         const uint32_t *used)
{
    uint32_t n;
    const unsigned char *head = qs_font_table(f, "head", &n);
    const unsigned char *maxp = qs_font_table(f, "maxp", &n);
    const unsigned char *hmtx = qs_font_table(f, "hmtx", &n);
    outlines o = { 0 };
    o.loca = qs_font_table(f, "loca", &n);
    o.glyf = qs_font_table(f, "glyf", &n);
    o.long_loca = qs_be16s(head + 50) == 1;
    o.nglyphs = qs_be16(maxp + 4);
    unsigned char *keep = qs_xcalloc(o.nglyphs, 1);
    unsigned *stack = qs_xcalloc(o.nglyphs, sizeof *stack);
    qs_buf map = { 0 }, widths = { 0 }, program = { 0 }, d = { 0 };
    keep_glyph(&o, keep, stack, 0); /* .notdef */
    map_codes(f, used, &o, keep, stack, &map, &widths);
    subset_program(f, &o, keep, &program);

    unsigned char digest[QS_SHA256_SIZE];
    qs_sha256(program.s, program.len, digest);
    char name[80];
    for (int i = 0; i < 6; i++)
        name[i] = (char)('A' + digest[i] % 26);
    name[6] = '+';
    qs_buf base = { 0 };
    qs_buf_add(&base, name, 7);
    put_ps_name(&base, f);

    unsigned type0 = qs_pdf_update_new(u), cid = qs_pdf_update_new(u);
    unsigned desc = qs_pdf_update_new(u), file = qs_pdf_update_new(u);
    unsigned cmap = qs_pdf_update_new(u), gids = qs_pdf_update_new(u);
    qs_buf_printf(&d, "/Type /Font /Subtype /Type0 /BaseFont /%s /Encoding "
                  "/Identity-H /DescendantFonts [%u 0 R] /ToUnicode %u 0 R",
                  base.s, cid, cmap);
    qs_pdf_update_dict(u, type0, d.s);
    d.len = 0;
    qs_buf_printf(&d, "/Type /Font /Subtype /CIDFontType2 /BaseFont /%s "
                  "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
                  "/Supplement 0 >> /FontDescriptor %u 0 R /DW %ld /W [%s] "
                  "/CIDToGIDMap %u 0 R", base.s, desc,
                  scale(qs_be16(hmtx), qs_be16(head + 18)),
                  widths.s ? widths.s : "", gids);
    qs_pdf_update_dict(u, cid, d.s);
    d.len = 0;
    qs_buf_printf(&d, "/Type /FontDescriptor /FontName /%s", base.s);
    put_metrics(&d, f);
    qs_buf_printf(&d, " /FontFile2 %u 0 R", file);
    qs_pdf_update_dict(u, desc, d.s);
    d.len = 0;
    qs_buf_printf(&d, "/Length1 %zu", program.len);
    bool ok = qs_pdf_update_stream(u, file, d.s, (unsigned char *)program.s,
                                   program.len);
    d.len = 0;
    to_unicode_cmap(&d, used);
    ok = ok && qs_pdf_update_stream(u, cmap, "", (unsigned char *)d.s, d.len) &&
         qs_pdf_update_stream(u, gids, "", (unsigned char *)map.s, map.len);
    free(keep);
    free(stack);
    qs_buf_free(&map);
    qs_buf_free(&widths);
    qs_buf_free(&program);
    qs_buf_free(&d);
    qs_buf_free(&base);
    return ok ? type0 : 0;
}
