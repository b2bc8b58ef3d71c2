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
/* Ascender and descender (descender negative) in 1/1000 em. */
int qs_font_ascent(const qs_font *f);
int qs_font_descent(const qs_font *f);

/* The first code point of UTF-8 `text` that the font has no glyph for, or 0
 * when it covers all of it. Spaces, tabs and newlines are not checked;
 * soft hyphens (U+00AD) are not drawn and not checked. */
uint32_t qs_font_first_missing(const qs_font *f, const char *text);

#endif
