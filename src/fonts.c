/* fonts: reads and vets TrueType fonts and measures text with their metrics.
 *
 * The font file is read whole (at most 16 MiB) and its table directory parsed
 * here, with a bounds check on every offset and length, so a malformed font
 * is a diagnostic and never reaches the renderer. The checks go a little
 * beyond what measuring needs: they also cover what pdf_fonts.c reads to
 * embed and subset the font (every cmap encoding record's subtable, a (3,1)
 * format-4 cmap, every glyph's header and a composite glyph's components, a
 * name table with a PostScript name, an OS/2 table whose fsType allows
 * embedding and subsetting), so a font that passes here does not fail later
 * in the renderer.
 *
 * Coverage and widths: only the Basic Multilingual Plane, because libharu
 * 2.3.0 draws nothing above U+FFFF (it turns such code points into spaces).
 * Code points above U+FFFF therefore count as missing, and the coverage check
 * reports them. Advances are in 1/1000 em, truncated (units * 1000 /
 * unitsPerEm), and are the widths pdf_fonts.c writes into the PDF, so layout
 * and the PDF viewer agree on every width.
 *
 * Non-breaking spaces: U+00A0 and U+202F must be in the font (the shipped
 * fonts have both); the renderer draws them as they are, so pdftotext gives
 * them back unchanged. */
#include "fonts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "input.h"

#define FONT_MAX_BYTES (16u * 1024u * 1024u)
#define BMP_SIZE 0x10000u

struct qs_font {
    char *path;
    const unsigned char *data; /* the file's bytes: borrowed (qs_font_new) */
    unsigned char *owned;      /* or read here and owned (qs_font_load) */
    size_t size;
    /* Advance widths in 1/1000 em (-1 without a glyph) by code point, in
     * rows of 256 per high byte, allocated for the rows the cmap uses: a
     * font for Latin text fills a handful of rows, not 128 KiB. */
    int16_t *advance[256];
    uint16_t *glyph[256];      /* glyph ids, in the same rows */
    int ascent, descent;  /* 1/1000 em */
};

typedef struct {
    const unsigned char *p;  /* table start */
    uint32_t len;
    int found;
} table;

/* ---- vetting ---- */

enum { T_HEAD, T_HHEA, T_MAXP, T_HMTX, T_CMAP, T_LOCA, T_GLYF, T_NAME, T_OS2,
       T_COUNT };
static const char *const table_tags[T_COUNT] = {
    "head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf", "name", "OS/2"
};

/* Fills `t` from the table directory. Returns an error message or NULL. */
static const char *read_directory(const unsigned char *data, size_t size,
                                  table t[T_COUNT])
{
    if (size < 12)
        return "file too short for a TrueType header";
    uint32_t version = qs_be32(data);
    if (version == 0x4F54544Fu) /* 'OTTO' */
        return "not a TrueType font with glyf outlines (CFF outlines)";
    if (version == 0x74746366u) /* 'ttcf' */
        return "font collections (.ttc) are not supported";
    if (version != 0x00010000u && version != 0x74727565u) /* 'true' */
        return "not a TrueType font with glyf outlines (bad sfnt version)";
    unsigned ntables = qs_be16(data + 4);
    if (ntables == 0)
        return "table directory is empty";
    if ((size_t)12 + (size_t)ntables * 16 > size)
        return "table directory runs past the end of the file";
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *e = data + 12 + (size_t)i * 16;
        uint32_t off = qs_be32(e + 8), len = qs_be32(e + 12);
        if (memcmp(e, "CFF ", 4) == 0 || memcmp(e, "CFF2", 4) == 0)
            return "not a TrueType font with glyf outlines (CFF table)";
        for (int k = 0; k < T_COUNT; k++) {
            if (memcmp(e, table_tags[k], 4) != 0)
                continue;
            if (off > size || len > size - off)
                return "a table lies past the end of the file";
            t[k].p = data + off;
            t[k].len = len;
            t[k].found = 1;
        }
    }
    return NULL;
}

/* Scales font units to 1/1000 em the way libharu does (truncating). */
static int scale(long units, unsigned upem)
{
    return (int)(units * 1000 / (long)upem);
}

/* Picks the (3,1) format-4 cmap subtable. Returns it or NULL. */
static const unsigned char *find_cmap4(const table *cmap, uint32_t *sublen,
                                       const char **why)
{
    const unsigned char *c = cmap->p;
    if (cmap->len < 4 || qs_be16(c) != 0) {
        *why = "cmap table is malformed";
        return NULL;
    }
    unsigned n = qs_be16(c + 2);
    if ((uint32_t)4 + (uint32_t)n * 8 > cmap->len) {
        *why = "cmap encoding records run past the table";
        return NULL;
    }
    /* libharu reads the format of every subtable up to the one it takes:
     * each must lie inside the table. */
    for (unsigned i = 0; i < n; i++) {
        uint32_t off = qs_be32(c + 4 + (size_t)i * 8 + 4);
        if (off > cmap->len || cmap->len - off < 4) {
            *why = "a cmap subtable lies outside the cmap table";
            return NULL;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = c + 4 + (size_t)i * 8;
        uint32_t off = qs_be32(r + 4);
        if (qs_be16(r) != 3 || qs_be16(r + 2) != 1)
            continue;
        if (off > cmap->len || cmap->len - off < 14) {
            *why = "cmap subtable lies outside the cmap table";
            return NULL;
        }
        if (qs_be16(c + off) != 4)
            continue;
        uint32_t len = qs_be16(c + off + 2);
        if (len < 16 || len > cmap->len - off) {
            *why = "cmap format 4 subtable has a wrong length";
            return NULL;
        }
        *sublen = len;
        return c + off;
    }
    *why = "no Unicode cmap subtable (platform 3, encoding 1, format 4)";
    return NULL;
}

/* Records the advance and glyph of code point `cp` (< BMP_SIZE), making
 * their rows. */
static void set_advance(qs_font *f, uint32_t cp, int adv, unsigned gid)
{
    int16_t **row = &f->advance[cp >> 8];
    if (!*row) {
        *row = qs_xmalloc(256 * sizeof **row);
        for (size_t i = 0; i < 256; i++)
            (*row)[i] = -1;
        f->glyph[cp >> 8] = qs_xcalloc(256, sizeof *f->glyph[cp >> 8]);
    }
    (*row)[cp & 0xFFu] = (int16_t)adv;
    f->glyph[cp >> 8][cp & 0xFFu] = (uint16_t)gid;
}

/* Fills f->advance from a format-4 subtable. Returns an error or NULL. */
static const char *build_advances(qs_font *f, const unsigned char *sub,
                                  uint32_t sublen, const unsigned char *hmtx,
                                  unsigned nhm, unsigned nglyphs, unsigned upem)
{
    unsigned segx2 = qs_be16(sub + 6);
    if (segx2 == 0 || segx2 % 2 != 0)
        return "cmap format 4 has a bad segment count";
    uint32_t need = 16 + (uint32_t)segx2 * 4;
    if (need > sublen)
        return "cmap format 4 segments run past the subtable";
    const unsigned char *ends = sub + 14;
    const unsigned char *starts = ends + segx2 + 2;
    const unsigned char *deltas = starts + segx2;
    const unsigned char *ranges = deltas + segx2;
    unsigned nseg = segx2 / 2;
    long next_free = 0; /* first code point not yet visited: bounds the work */

    for (unsigned s = 0; s < nseg; s++) {
        long end = (long)qs_be16(ends + 2 * s);
        long start = (long)qs_be16(starts + 2 * s);
        unsigned delta = qs_be16(deltas + 2 * s);
        unsigned roff = qs_be16(ranges + 2 * s);
        if (start < next_free)
            start = next_free;
        for (long c = start; c <= end && c < 0xFFFF; c++) {
            unsigned gid;
            if (roff == 0) {
                gid = ((unsigned)c + delta) & 0xFFFFu;
            } else {
                /* Address of glyphIdArray entry, relative to the subtable. */
                size_t at = (size_t)(ranges - sub) + 2 * s + roff +
                            2 * (size_t)(c - (long)qs_be16(starts + 2 * s));
                if (at + 2 > sublen)
                    return "cmap format 4 glyph index lies past the subtable";
                gid = qs_be16(sub + at);
                if (gid != 0)
                    gid = (gid + delta) & 0xFFFFu;
            }
            if (gid == 0 || gid >= nglyphs)
                continue;
            unsigned m = gid < nhm ? gid : nhm - 1;
            long aw = (long)qs_be16(hmtx + 4 * (size_t)m);
            int adv = scale(aw, upem);
            set_advance(f, (uint32_t)c, adv > 32767 ? 32767 : adv, gid);
        }
        if (end + 1 > next_free)
            next_free = end + 1;
    }
    return NULL;
}

/* Checks that loca's offsets rise and stay inside glyf. */
static const char *check_loca(const table *loca, const table *glyf,
                              int long_format, unsigned nglyphs)
{
    uint32_t prev = 0;
    for (unsigned i = 0; i <= nglyphs; i++) {
        uint32_t off = long_format ? qs_be32(loca->p + 4 * (size_t)i)
                                   : 2u * qs_be16(loca->p + 2 * (size_t)i);
        if (off < prev)
            return "loca offsets are not in ascending order";
        if (off > glyf->len)
            return "a loca offset points past the glyf table";
        prev = off;
    }
    return NULL;
}

/* Checks every glyph the way libharu 2.3.0 reads one it embeds: its
 * numberOfContours, and for a composite glyph (-1) each component's flags,
 * glyph index, arguments and scale, which must lie inside the glyph and
 * name a glyph of the font. `base` is glyf's offset in the file. */
static const char *check_composites(const table *loca, const table *glyf, size_t base,
                                    size_t file_size, int long_format, unsigned nglyphs)
{
    enum { WORDS = 1, SCALE = 8, MORE = 32, XY_SCALE = 64, TWO_BY_TWO = 128 };
    for (unsigned g = 0; g < nglyphs; g++) {
        uint32_t off = long_format ? qs_be32(loca->p + 4 * (size_t)g)
                                   : 2u * qs_be16(loca->p + 2 * (size_t)g);
        uint32_t end = long_format ? qs_be32(loca->p + 4 * (size_t)g + 4)
                                   : 2u * qs_be16(loca->p + 2 * (size_t)g + 2);
        if (off == end) {
            if (base + off + 2 > file_size)   /* libharu reads 2 bytes anyway */
                return "an empty glyph lies at the end of the file";
            continue;
        }
        if (end - off < 10)
            return "a glyph is shorter than its header";
        const unsigned char *p = glyf->p + off, *stop = glyf->p + end;
        if (qs_be16s(p) != -1)
            continue;
        p += 10;
        unsigned flags;
        do {
            if (stop - p < 4)
                return "a composite glyph's component runs past the glyph";
            flags = qs_be16(p);
            if (qs_be16(p + 2) >= nglyphs)
                return "a composite glyph refers to a glyph the font does not have";
            size_t more = 4 + (flags & WORDS ? 4 : 2) +
                          (flags & SCALE ? 2 : flags & XY_SCALE ? 4 : flags & TWO_BY_TWO ? 8 : 0);
            if ((size_t)(stop - p) < more)
                return "a composite glyph's component runs past the glyph";
            p += more;
        } while (flags & MORE);
    }
    return NULL;
}

/* Checks the name table the way libharu 2.3.0 reads it: it needs the
 * PostScript name (ID 6) and the subfamily (ID 2), each as a Macintosh
 * Roman or a Windows US-English record, together at most 119 bytes, and
 * every string inside the table. */
static const char *check_names(const table *name)
{
    if (name->len < 6)
        return "name table is too short";
    unsigned count = qs_be16(name->p + 2);
    uint32_t strings = qs_be16(name->p + 4);
    if ((uint32_t)6 + (uint32_t)count * 12 > name->len || strings > name->len)
        return "name records run past the name table";
    uint32_t len6 = 0, len2 = 0;
    int have6 = 0, have2 = 0;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *r = name->p + 6 + (size_t)i * 12;
        unsigned platform = qs_be16(r), encoding = qs_be16(r + 2);
        unsigned language = qs_be16(r + 4), id = qs_be16(r + 6);
        uint32_t len = qs_be16(r + 8), off = qs_be16(r + 10);
        if (strings + off + len > name->len)
            return "a name string lies outside the name table";
        uint32_t chars;
        if (platform == 1 && encoding == 0)
            chars = len;
        else if (platform == 3 && encoding == 1 && language == 0x0409)
            chars = len / 2 + len % 2;
        else
            continue;
        if (id == 6 && (!have6 || platform == 1)) {
            have6 = 1;
            len6 = chars;
        } else if (id == 2 && (!have2 || platform == 1)) {
            have2 = 1;
            len2 = chars;
        }
    }
    if (!have6 || !have2)
        return "name table lacks a PostScript name or subfamily name";
    if (len6 + len2 + 8 > 127)
        return "PostScript name and subfamily name are too long";
    return NULL;
}

/* Checks the tables; fills metrics and advances. Returns an error (in `buf`
 * or static) or NULL. */
static const char *vet_font(qs_font *f, char *buf, size_t bufsize)
{
    table t[T_COUNT];
    memset(t, 0, sizeof t);
    const char *why = read_directory(f->data, f->size, t);
    if (why)
        return why;
    for (int k = 0; k < T_COUNT; k++) {
        if (t[k].found)
            continue;
        if (k == T_GLYF || k == T_LOCA)
            return "not a TrueType font with glyf outlines (no glyf/loca table)";
        snprintf(buf, bufsize, "required table '%s' is missing",
                 table_tags[k]);
        return buf;
    }

    const table *head = &t[T_HEAD], *hhea = &t[T_HHEA], *maxp = &t[T_MAXP];
    if (head->len < 54 || qs_be32(head->p + 12) != 0x5F0F3CF5u)
        return "head table is malformed";
    unsigned upem = qs_be16(head->p + 18);
    if (upem < 16 || upem > 16384)
        return "unitsPerEm is outside 16..16384";
    int loc_format = qs_be16s(head->p + 50);
    if (loc_format != 0 && loc_format != 1)
        return "indexToLocFormat is neither 0 nor 1";

    if (maxp->len < 6)
        return "maxp table is too short";
    unsigned nglyphs = qs_be16(maxp->p + 4);
    if (nglyphs < 1)
        return "font has no glyphs";

    if (hhea->len < 36)
        return "hhea table is too short";
    unsigned nhm = qs_be16(hhea->p + 34);
    if (nhm < 1 || nhm > nglyphs)
        return "numberOfHMetrics is outside 1..numGlyphs";
    if ((uint32_t)nhm * 4 + (uint32_t)(nglyphs - nhm) * 2 > t[T_HMTX].len)
        return "hmtx table is shorter than its metrics";
    uint32_t loca_need = (uint32_t)(nglyphs + 1) * (loc_format ? 4u : 2u);
    if (t[T_LOCA].len < loca_need)
        return "loca table is shorter than numGlyphs + 1 entries";
    why = check_loca(&t[T_LOCA], &t[T_GLYF], loc_format, nglyphs);
    if (!why)
        why = check_composites(&t[T_LOCA], &t[T_GLYF], (size_t)(t[T_GLYF].p - f->data),
                               f->size, loc_format, nglyphs);
    if (why)
        return why;

    /* What libharu needs to embed the font. */
    const table *os2 = &t[T_OS2];
    if (os2->len < 78)
        return "OS/2 table is too short";
    unsigned fs_type = qs_be16(os2->p + 8);
    if (fs_type & 0x0002u)
        return "the font's licence forbids embedding (OS/2 fsType restricted)";
    if (fs_type & 0x0300u)
        return "the font's licence forbids subset or outline embedding "
               "(OS/2 fsType)";
    unsigned os2_version = qs_be16(os2->p);
    if (os2->len < (os2_version == 0 ? 78u : os2_version == 1 ? 86u : 90u))
        return "OS/2 table is shorter than its version requires";
    why = check_names(&t[T_NAME]);
    if (why)
        return why;

    f->ascent = scale(qs_be16s(hhea->p + 4), upem);
    f->descent = scale(qs_be16s(hhea->p + 6), upem);

    uint32_t sublen = 0;
    const unsigned char *sub = find_cmap4(&t[T_CMAP], &sublen, &why);
    if (!sub)
        return why;
    return build_advances(f, sub, sublen, t[T_HMTX].p, nhm, nglyphs, upem);
}

qs_font *qs_font_new(const unsigned char *data, size_t size, const char *path,
                     const char *display, qs_diags *d)
{
    qs_font *f = qs_xcalloc(1, sizeof *f);
    f->data = data;
    f->size = size;
    char buf[80];
    const char *why = vet_font(f, buf, sizeof buf);
    if (why) {
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, "font",
                    "unusable font: %s", why);
        qs_font_free(f);
        return NULL;
    }
    f->path = qs_xstrdup(path);
    return f;
}

qs_font *qs_font_load(const char *path, const char *display, qs_diags *d)
{
    if (!display)
        display = path;
    size_t size;
    unsigned char *data = qs_file_read_reported(path, FONT_MAX_BYTES, display, "font", "font",
                                                &size, d);
    if (!data)
        return NULL;
    qs_font *f = qs_font_new(data, size, path, display, d);
    if (f)
        f->owned = data;
    else
        free(data);
    return f;
}

void qs_font_free(qs_font *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->owned);
    for (size_t row = 0; row < 256; row++) {
        free(f->advance[row]);
        free(f->glyph[row]);
    }
    free(f);
}

const char *qs_font_path(const qs_font *f)
{
    return f->path;
}

const unsigned char *qs_font_data(const qs_font *f, size_t *size)
{
    *size = f->size;
    return f->data;
}

int qs_font_advance(const qs_font *f, uint32_t cp)
{
    if (cp >= BMP_SIZE || !f->advance[cp >> 8])
        return -1;
    return f->advance[cp >> 8][cp & 0xFFu];
}

unsigned qs_font_glyph(const qs_font *f, uint32_t cp)
{
    if (cp >= BMP_SIZE || !f->glyph[cp >> 8])
        return 0;
    return f->glyph[cp >> 8][cp & 0xFFu];
}

const unsigned char *qs_font_table(const qs_font *f, const char *tag,
                                   uint32_t *len)
{
    unsigned ntables = qs_be16(f->data + 4);
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *e = f->data + 12 + (size_t)i * 16;
        uint32_t off = qs_be32(e + 8), n = qs_be32(e + 12);
        if (memcmp(e, tag, 4) == 0 && off <= f->size && n <= f->size - off) {
            *len = n;
            return f->data + off;
        }
    }
    *len = 0;
    return NULL;
}

int qs_font_ascent(const qs_font *f)
{
    return f->ascent;
}

int qs_font_descent(const qs_font *f)
{
    return f->descent;
}

float qs_font_width(const qs_font *f, const char *utf8, size_t len,
                    float size_pt)
{
    long total = 0;
    size_t i = 0;
    while (i < len) {
        size_t used = 1;
        uint32_t cp = qs_utf8_decode(utf8 + i, len - i, &used);
        i += used;
        if (cp == (uint32_t)-1 || cp == 0xADu)
            continue;
        int adv = qs_font_advance(f, cp);
        if (adv > 0)
            total += adv;
    }
    return (float)total * size_pt / 1000.0f;
}

uint32_t qs_font_first_missing(const qs_font *f, const char *text)
{
    size_t n = strlen(text);
    size_t i = 0;
    while (i < n) {
        size_t used = 1;
        uint32_t cp = qs_utf8_decode(text + i, n - i, &used);
        i += used;
        if (cp == (uint32_t)-1)
            continue; /* invalid UTF-8 is the loader's diagnostic */
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == 0xADu)
            continue;
        if (qs_font_advance(f, cp) < 0)
            return cp;
    }
    return 0;
}
