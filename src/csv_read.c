/* csv_read: CSV lists row by row through libcsv, with physical line
 * numbers, delimiter detection and Windows-1252 conversion (csv_read.h). */
#include "csv_read.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "arena.h"
#include "fonts.h"

typedef struct {
    const char *path;
    qs_diags *d;
    qs_csv_row_fn fn;
    void *ctx;
    char *store;          /* the row's fields, each NUL-terminated */
    size_t used, cap;
    size_t *offsets;      /* where each field starts in store */
    char **fields;
    size_t nfields, fcap;
    unsigned line;        /* the physical line being fed */
    unsigned row_line;    /* where the open row started */
    bool row_open;        /* fields of a row have been fed, no end yet */
    bool broken;          /* the open row had a problem (diagnosed) */
    bool check_utf8;
    bool stop;            /* the callback asked to stop */
} reader;

/* ---- the row being gathered ---- */

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (!r->row_open) {
        r->row_open = true;
        r->row_line = r->line;
    }
    if (r->check_utf8 && !r->broken) {
        for (size_t i = 0, used = 0; i < len; i += used) {
            if (qs_utf8_decode((const char *)s + i, len - i, &used) != (uint32_t)-1)
                continue;
            qs_diag_add(r->d, QS_SEV_WARNING, r->path, r->row_line,
                        (unsigned)r->nfields + 1, "csv-encoding",
                        "column %zu is not valid UTF-8 (is the list Windows-1252? "
                        "use --encoding windows-1252)", r->nfields + 1);
            r->broken = true;
            break;
        }
    }
    r->offsets = qs_xgrow(r->offsets, &r->fcap, r->nfields + 1, sizeof *r->offsets);
    r->store = qs_xgrow(r->store, &r->cap, r->used + len + 1, 1);
    if (len)
        memcpy(r->store + r->used, s, len);
    r->offsets[r->nfields++] = r->used;
    r->used += len;
    r->store[r->used++] = '\0';
}

/* Hands the gathered row to the callback and starts a new one. */
static void emit_row(reader *r)
{
    if (!r->stop) {
        r->fields = qs_xrealloc(r->fields, (r->nfields ? r->nfields : 1) * sizeof *r->fields);
        for (size_t i = 0; i < r->nfields; i++)
            r->fields[i] = r->store + r->offsets[i];
        qs_csv_row row = {r->fields, r->nfields, r->row_line, r->broken};
        r->stop = !r->fn(r->ctx, &row);
    }
    r->used = 0;
    r->nfields = 0;
    r->row_open = false;
    r->broken = false;
}

static void on_row(int c, void *data)
{
    (void)c;
    emit_row(data);
}

/* ---- the bytes ---- */

/* The delimiter the header line uses: ';' when it holds more semicolons
 * than commas outside quotes, else ','. */
static unsigned char find_delimiter(const char *s, size_t n)
{
    size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
            break;
        else if (!quoted)
            commas += s[i] == ',', semicolons += s[i] == ';';
    }
    return semicolons > commas ? ';' : ',';
}

/* The 1-based line of byte `at` in s. */
static unsigned line_of(const char *s, size_t at)
{
    unsigned line = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + at - p))) != NULL; p++)
        line++;
    return line;
}

/* Windows-1252 to UTF-8 (malloc'd, NUL-terminated). The five bytes the
 * code page leaves undefined become U+FFFD, with one warning. */
static char *from_windows_1252(const char *path, const unsigned char *data, size_t size,
                               size_t *out_size, qs_diags *d)
{
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == (iconv_t)-1) {
        qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "csv-encoding",
                    "the system cannot convert Windows-1252 (iconv: %s)", strerror(errno));
        qs_diags_set_environment_failed(d);
        return NULL;
    }
    char *out = qs_xmalloc(size * 3 + 1);
    char *in = (char *)data, *o = out;
    size_t left = size, room = size * 3;
    bool warned = false;
    while (left > 0 && iconv(cd, &in, &left, &o, &room) == (size_t)-1) {
        if (errno != EILSEQ && errno != EINVAL)
            break;
        if (!warned) {
            size_t at = (size_t)(in - (char *)data);
            qs_diag_add(d, QS_SEV_WARNING, path, line_of((const char *)data, at), 0,
                        "csv-encoding", "byte 0x%02X is not a Windows-1252 character; "
                        "read as U+FFFD", (unsigned char)*in);
            warned = true;
        }
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        room -= 3;
        in++;
        left--;
    }
    iconv_close(cd);
    *o = '\0';
    *out_size = (size_t)(o - out);
    return out;
}

static bool is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static void parser_start(struct csv_parser *p, unsigned char delimiter)
{
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        qs_out_of_memory();
    csv_set_delim(p, delimiter);
}

/* A stray quote: the open row is reported and dropped to its end, the
 * parser starts again on the next line. */
static void recover(reader *r, struct csv_parser *p, unsigned char delimiter)
{
    if (!r->row_open) {
        r->row_open = true;
        r->row_line = r->line;
    }
    if (!r->broken)
        qs_diag_add(r->d, QS_SEV_WARNING, r->path, r->row_line, (unsigned)r->nfields + 1,
                    "csv-quote", "column %zu: a quote in the wrong place (a field with "
                    "quotes must be quoted as a whole, with quotes doubled)",
                    r->nfields + 1);
    r->broken = true;
    emit_row(r);
    csv_free(p);
    parser_start(p, delimiter);
}

/* Feeds the text line by line so that each row knows the physical line
 * where it starts. */
static void feed(reader *r, const char *text, size_t size, unsigned char delimiter)
{
    struct csv_parser p;
    parser_start(&p, delimiter);
    size_t at = 0;
    while (at < size && !r->stop) {
        const char *nl = memchr(text + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (text + at)) + 1 : size - at;
        r->line++;
        if (!r->row_open && !is_blank_line(text + at, len)) {
            r->row_open = true;
            r->row_line = r->line;
        }
        if (csv_parse(&p, text + at, len, on_field, on_row, r) != len)
            recover(r, &p, delimiter);
        at += len;
    }
    if (!r->stop && csv_fini(&p, on_field, on_row, r) != 0) {
        qs_diag_add(r->d, QS_SEV_WARNING, r->path, r->row_line, (unsigned)r->nfields + 1,
                    "csv-quote", "column %zu: the list ends inside a quoted field "
                    "(the last row is cut off)", r->nfields + 1);
        r->broken = true;
        emit_row(r);
    }
    csv_free(&p);
}

bool qs_csv_read(const char *path, const unsigned char *data, size_t size,
                 qs_csv_encoding encoding, qs_csv_row_fn fn, void *ctx, qs_diags *d)
{
    const unsigned char *nul = memchr(data, '\0', size);
    if (nul) {
        qs_diag_add(d, QS_SEV_ERROR, path, line_of((const char *)data, (size_t)(nul - data)),
                    0, "not-csv", "not a CSV list: the file holds binary data (NUL bytes)");
        return false;
    }
    char *converted = NULL;
    const char *text = (const char *)data;
    if (encoding == QS_CSV_WINDOWS_1252) {
        text = converted = from_windows_1252(path, data, size, &size, d);
        if (!text)
            return false;
    }
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        size -= 3;
    }
    if (is_blank_line(text, size)) {
        qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "not-csv",
                    "not a CSV list: the file has no header line");
        free(converted);
        return false;
    }
    reader r = {.path = path, .d = d, .fn = fn, .ctx = ctx,
                .check_utf8 = encoding == QS_CSV_UTF8};
    feed(&r, text, size, find_delimiter(text, size));
    free(r.store);
    free(r.offsets);
    free(r.fields);
    free(converted);
    return !r.stop;
}

bool qs_csv_parse_encoding(const char *text, qs_csv_encoding *out)
{
    if (strcasecmp(text, "utf-8") == 0 || strcasecmp(text, "utf8") == 0) {
        *out = QS_CSV_UTF8;
        return true;
    }
    if (strcasecmp(text, "windows-1252") == 0 || strcasecmp(text, "cp1252") == 0) {
        *out = QS_CSV_WINDOWS_1252;
        return true;
    }
    return false;
}
