/* csv_read: reads a CSV list (RFC 4180, the dialect of German Excel
 * exports) row by row with libcsv: the delimiter (',' or ';') is found
 * from the header line, a UTF-8 BOM is skipped, Windows-1252 is converted
 * to UTF-8 with iconv, and every row carries the physical line where it
 * starts, even after quoted fields that span lines (SPEC 8).
 *
 * A broken row (stray quote, a field that is not UTF-8, a quoted field left
 * open at the end of the file) is reported as a warning at FILE:LINE:COL
 * (COL: the field's column, 1-based) and handed on marked broken, so the
 * run goes on. A file that is not CSV at all (NUL bytes, no header) is an
 * error.
 * Ownership: a row's strings belong to the reader and live until the
 * callback returns; the caller copies what it keeps. */
#ifndef QS_CSV_READ_H
#define QS_CSV_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum { QS_CSV_UTF8, QS_CSV_WINDOWS_1252 } qs_csv_encoding;

/* One row: its fields (NUL-terminated UTF-8, or as read when broken), the
 * physical line where it starts (1-based), and whether it is broken (a
 * diagnostic was added for it already). The header is row 0 of the
 * callback's calls; it may be broken too (the caller makes that an error). */
typedef struct {
    char **fields;
    size_t nfields;
    unsigned line;
    bool broken;
} qs_csv_row;

/* Called once per row, the header first. Returns false to stop reading. */
typedef bool (*qs_csv_row_fn)(void *ctx, const qs_csv_row *row);

/* Parses data[0..size) (a file's bytes; `path` is the display path for
 * diagnostics) and calls `fn` for every row in file order. Blank lines are
 * skipped. Returns false after an error diagnostic when the file cannot be
 * read as CSV at all (NUL bytes, no header line, an encoding iconv does
 * not know) or when `fn` stopped; broken rows are warnings only. */
bool qs_csv_read(const char *path, const unsigned char *data, size_t size,
                 qs_csv_encoding encoding, qs_csv_row_fn fn, void *ctx,
                 qs_diags *d);

/* Parses "utf-8" or "windows-1252" (case-insensitive; "cp1252" too).
 * Returns false for anything else. */
bool qs_csv_parse_encoding(const char *text, qs_csv_encoding *out);

#endif
