/* fuzz_csv: the CSV reader (csv_read.h) on arbitrary bytes, in both
 * encodings. For every input:
 * - reading ends (no crash, leak or sanitizer finding), with or without
 *   an error diagnostic;
 * - rows come in file order:
 *   no row starts on an earlier physical line than the one before (a bare
 *   CR ends a row, libcsv-style, without a new line), and no
 *   row starts beyond the file's last line; a row that is not broken has
 *   a field at least;
 * - every field of a row that is not broken is valid UTF-8 (Windows-1252
 *   input is converted), and a broken row has a diagnostic already. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "fonts.h"

typedef struct {
    unsigned last_line, max_line;
    size_t rows;
    const qs_diags *d;
} seen;

static bool valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, used = 0; i < n; i += used)
        if (qs_utf8_decode(s + i, n - i, &used) == (uint32_t)-1)
            return false;
    return true;
}

static bool on_row(void *ctx, const qs_csv_row *row)
{
    seen *s = ctx;
    if (row->line < s->last_line || row->line > s->max_line || (!row->broken && !row->nfields))
        abort();
    if (row->broken && s->d->count == 0)
        abort();
    for (size_t i = 0; !row->broken && i < row->nfields; i++)
        if (!valid_utf8(row->fields[i]))
            abort();
    s->last_line = row->line;
    s->rows++;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';
    for (int enc = 0; enc < 2; enc++) {
        qs_diags d;
        qs_diags_init(&d);
        seen s = {0, lines + 1, 0, &d};
        qs_csv_read("list.csv", data, size, enc ? QS_CSV_WINDOWS_1252 : QS_CSV_UTF8, on_row,
                    &s, &d);
        qs_diags_free(&d);
    }
    return 0;
}
