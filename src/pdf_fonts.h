/* pdf_fonts: the PDF objects of a TrueType face (ISO 32000-1, 9.7 and
 * 9.9), written here instead of by libharu, which builds a 65,536-code
 * CIDToGIDMap and widths array per face and copies the font through
 * byte-by-byte memory streams: a Type0 font with Identity-H encoding, its
 * CIDFontType2 descendant (/W for the codes drawn only), the
 * FontDescriptor (metrics from the font's head, hhea, OS/2 and post
 * tables), the subset font program (FontFile2), a ToUnicode CMap and the
 * CIDToGIDMap. The codes are the characters' Unicode values, as
 * pdf_content.c writes them (CID = code point), so the map takes each
 * code drawn to its glyph and ends after the highest.
 * The font program keeps the tables a PDF font program needs (OS/2, cmap,
 * cvt, fpgm, glyf, head, hhea, hmtx, loca, maxp, name, post, prep) and
 * every glyph id, with the outlines of the glyphs not drawn emptied (the
 * glyphs drawn, the components of composite ones and .notdef stay); its
 * subset tag is six letters from a SHA-256 of the program, so the same
 * glyphs of the same font always get the same name.
 * Ownership: nothing is kept; the objects go into the caller's update. */
#ifndef QS_PDF_FONTS_H
#define QS_PDF_FONTS_H

#include <stdint.h>

#include "fonts.h"
#include "pdf_update.h"

/* A set of BMP code points: bit (cp & 31) of word cp >> 5. */
#define QS_PDF_FONT_SET_WORDS (65536 / 32)

/* Writes the objects of face `f` for the code points `used` (a set of
 * QS_PDF_FONT_SET_WORDS words, not empty) into `u`. Returns the Type0
 * font's object number, for the pages' /Resources, or 0 when deflating
 * fails. */
unsigned qs_pdf_font_add(qs_pdf_update *u, const qs_font *f,
                         const uint32_t *used);

#endif
