/* pdfa: what makes the rendered PDF a PDF/A-3b file (ISO 19005-3), written
 * into the update of libharu's output (pdf_update.h): the document information
 * dictionary and the XMP metadata packet made from the same values, so
 * they always agree; the sRGB output intent with its ICC profile (the
 * Debian icc-profiles-free sRGB.icc, zlib licence, built into the binary
 * by scripts/embed.sh); the header version (1.7, the PDF that PDF/A-3 is
 * based on); the catalog's /Lang and DisplayDocTitle. docs/package.md
 * lists the requirements and how the tests check them.
 * Ownership: nothing is kept; the strings are borrowed for the call. */
#ifndef QS_PDFA_H
#define QS_PDFA_H

#include <stdbool.h>

#include "buf.h"
#include "pdf_update.h"

/* A date and time in UTC. */
typedef struct {
    int year, month, day, hour, minute, second;
} qs_pdfa_date;

/* The document's metadata; NULL or "" leaves a field out. */
typedef struct {
    const char *title, *author, *subject, *keywords, *creator, *producer;
    const char *lang;          /* BCP 47, e.g. "de" */
    const qs_pdfa_date *date;  /* creation and modification, or NULL */
} qs_pdfa_info;

/* Writes the Info dictionary (replacing the original's, or new), the XMP
 * metadata stream (unfiltered), the output intent and its ICC stream, and
 * adds /Metadata, /OutputIntents, /Lang and /ViewerPreferences to the
 * catalog (pdf_update writes PDF 1.7, as PDF/A-3 wants). Text that is not valid UTF-8,
 * and control characters, become U+FFFD in both the Info and the XMP.
 * False when zlib fails. */
bool qs_pdfa_write(qs_pdf_update *u, const qs_pdfa_info *info);

/* Appends a PDF date string's text, D:YYYYMMDDHHmmSSZ. */
void qs_pdfa_put_date(qs_buf *b, const qs_pdfa_date *d);

#endif
