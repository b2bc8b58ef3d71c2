/* diag: the diagnostics sink and its text and JSON printers. */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "utf8.h"

void qs_diags_init(qs_diags *d)
{
    memset(d, 0, sizeof *d);
}

void qs_diags_free(qs_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].rule);
        free(d->items[i].message);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

void qs_diag_add(qs_diags *d, qs_severity sev, const char *file,
                 unsigned line, unsigned col, const char *rule,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qs_diag_vadd(d, sev, file, line, col, rule, fmt, ap);
    va_end(ap);
}

void qs_diag_vadd(qs_diags *d, qs_severity sev, const char *file,
                  unsigned line, unsigned col, const char *rule,
                  const char *fmt, va_list ap)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = qs_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *message = qs_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(message, n > 0 ? (size_t)n + 1 : 1, fmt, ap);

    qs_diag *g = &d->items[d->count];
    g->file = file ? qs_xstrdup(file) : NULL;
    g->line = line;
    g->col = col;
    g->severity = sev;
    g->rule = qs_xstrdup(rule);
    g->message = message;
    g->seq = d->count;
    d->count++;
}

void qs_diags_set_environment_failed(qs_diags *d)
{
    d->environment_failed = 1;
}

void qs_diags_set_internal_failed(qs_diags *d)
{
    d->internal_failed = 1;
}

size_t qs_diags_count(const qs_diags *d, qs_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += d->items[i].severity == sev;
    return n;
}

static int compare_diags(const void *pa, const void *pb)
{
    const qs_diag *a = pa, *b = pb;
    /* Diagnostics without a file come first: they concern the whole run. */
    if (!a->file != !b->file)
        return a->file ? 1 : -1;
    if (a->file) {
        int c = strcmp(a->file, b->file);
        if (c)
            return c;
    }
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void qs_diags_sort(qs_diags *d)
{
    if (d->count > 1)
        qsort(d->items, d->count, sizeof *d->items, compare_diags);
}

const char *qs_severity_name(qs_severity sev)
{
    switch (sev) {
    case QS_SEV_NOTE: return "note";
    case QS_SEV_WARNING: return "warning";
    case QS_SEV_APPROVAL: return "approval";
    case QS_SEV_ERROR: return "error";
    }
    return "error";
}

/* ---- echoing input safely ---- */

/* Characters that would let a value start a line of its own or change
 * how a terminal or a reader shows the rest: C0 and C1 controls (line
 * breaks, ESC of ANSI sequences), DEL, the Unicode line and paragraph
 * separators, and the bidirectional controls ("Trojan Source"). */
static bool is_unsafe(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* The text that shows the character at p, in `piece` (at most 11 bytes):
 * the character itself when it is safe, else an escape: \n, \r, \t,
 * \xHH for other bytes below 0x80 and for bytes that are not UTF-8,
 * \uHHHH for unsafe code points. Returns the bytes of p consumed. */
static size_t safe_piece(const unsigned char *p, char piece[12])
{
    size_t n;
    uint32_t cp = qs_utf8_decode((const char *)p, strnlen((const char *)p, 4), &n);
    if (cp == (uint32_t)-1)
        snprintf(piece, 12, "\\x%02X", p[0]);
    else if (!is_unsafe(cp)) {
        memcpy(piece, p, n);
        piece[n] = '\0';
    } else if (cp == '\n' || cp == '\r' || cp == '\t')
        snprintf(piece, 12, "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
    else if (cp < 0x80)
        snprintf(piece, 12, "\\x%02X", (unsigned)cp);
    else
        snprintf(piece, 12, "\\u%04X", (unsigned)cp);
    return n;
}

/* Appends s with every unsafe character escaped. */
static void put_safe(qs_buf *b, const char *s)
{
    char piece[12];
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        p += safe_piece(p, piece);
        qs_buf_puts(b, piece);
    }
}

const char *qs_diag_echo(char out[QS_ECHO_SIZE], const char *value)
{
    char piece[12];
    size_t len = 0;
    out[0] = '\0';
    for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p;) {
        p += safe_piece(p, piece);
        size_t n = strlen(piece);
        if (len + n > QS_ECHO_MAX) {
            memcpy(out + len, "...", 4);
            return out;
        }
        memcpy(out + len, piece, n + 1);
        len += n;
    }
    return out;
}

char *qs_diag_text(const qs_diag *g)
{
    qs_buf b = {0};
    if (g->file && g->line) {
        put_safe(&b, g->file);
        qs_buf_printf(&b, ":%u:%u: ", g->line, g->col ? g->col : 1);
    } else if (g->file) {
        put_safe(&b, g->file);
        qs_buf_puts(&b, ": ");
    } else {
        qs_buf_puts(&b, "quotesmith: ");
    }
    qs_buf_printf(&b, "%s: ", qs_severity_name(g->severity));
    put_safe(&b, g->message);
    qs_buf_puts(&b, " [");
    put_safe(&b, g->rule);
    qs_buf_puts(&b, "]\n");
    return b.s;
}

void qs_diags_print_text(const qs_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        char *line = qs_diag_text(&d->items[i]);
        fputs(line, out);
        free(line);
    }
}

json_t *qs_diag_json(const qs_diag *g)
{
    json_t *o = json_object();
    if (!o)
        qs_out_of_memory();
    qs_json_set(o, "file", g->file ? qs_json_string(g->file) : json_null());
    qs_json_set(o, "line", qs_json_integer(g->line));
    qs_json_set(o, "column", qs_json_integer(g->col));
    qs_json_set(o, "severity", qs_json_string(qs_severity_name(g->severity)));
    qs_json_set(o, "rule", qs_json_string(g->rule));
    qs_json_set(o, "message", qs_json_string(g->message));
    return o;
}

void qs_diags_print_json(const qs_diags *d, FILE *out)
{
    json_t *rows = json_array();
    if (!rows)
        qs_out_of_memory();
    for (size_t i = 0; i < d->count; i++)
        qs_json_append(rows, qs_diag_json(&d->items[i]));
    qs_json_write_rows(rows, out);
    json_decref(rows);
}
