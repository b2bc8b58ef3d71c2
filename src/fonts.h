/* fonts: TrueType fonts, vetted before libharu ever sees them, measured for
 * layout, and checked for glyph coverage. quotesmith reads the font tables it
 * needs (head, hhea, maxp, hmtx, cmap) itself, so layout never depends on
 * libharu and a malformed font is a diagnostic, never a crash.
 * Ownership: a qs_font owns its tables, and its file bytes when it read
 * them itself (qs_font_load); qs_font_free frees it. */
#ifndef QS_FONTS_H
#define QS_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "utf8.h" /* qs_utf8_decode, for the measuring code */

typedef struct qs_font qs_font;

/* Big-endian reads of font data (TrueType is big-endian); the caller
 * checks the bounds. */
static inline unsigned qs_be16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static inline int qs_be16s(const unsigned char *p)
{
    unsigned v = qs_be16(p);
    return v >= 0x8000u ? (int)v - 0x10000 : (int)v;
}

static inline uint32_t qs_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* Reads and vets the TrueType font at `path` (shown as `display` in
 * diagnostics). Returns NULL after adding a diagnostic when the file cannot
 * be read or is not a sane TrueType font with glyf outlines. */
qs_font *qs_font_load(const char *path, const char *display, qs_diags *d);
/* The same from bytes already read, which the font borrows: they must
 * outlive it (a template's fonts are read into its inputs, which do).
 * `path` names the file, to tell faces loaded twice apart. */
qs_font *qs_font_new(const unsigned char *data, size_t size, const char *path,
                     const char *display, qs_diags *d);
void qs_font_free(qs_font *f);

const char *qs_font_path(const qs_font *f);
/* The font file's bytes, for the PDF backend to embed. */
const unsigned char *qs_font_data(const qs_font *f, size_t *size);

/* Advance width of a code point in 1/1000 em, or -1 without a glyph. */
int qs_font_advance(const qs_font *f, uint32_t cp);
/* Width in points of `len` bytes of valid UTF-8 at size_pt. */
float qs_font_width(const qs_font *f, const char *utf8, size_t len, float size_pt);
/* The glyph id of a code point (the (3,1) cmap's), 0 without a glyph. */
unsigned qs_font_glyph(const qs_font *f, uint32_t cp);
/* The table `tag` (its 4 characters, "glyf"; no NUL needed): its bytes
 * (inside qs_font_data's) and *len, or NULL and 0 when the font has no
 * such table or it lies past the end of the file. */
const unsigned char *qs_font_table(const qs_font *f, const char *tag,
                                   uint32_t *len);
/* Ascender and descender (descender negative) in 1/1000 em. */
int qs_font_ascent(const qs_font *f);
int qs_font_descent(const qs_font *f);

/* The first code point of UTF-8 `text` that the font has no glyph for, or 0
 * when it covers all of it. Spaces, tabs and newlines are not checked;
 * soft hyphens (U+00AD) are not drawn and not checked. */
uint32_t qs_font_first_missing(const qs_font *f, const char *text);

#endif
