/* diag: the diagnostics sink. Stages append records here and never print;
 * main prints them once, as text or JSON, and derives the exit status.
 * Ownership: the sink owns copies of every string passed to it. */
#ifndef QS_DIAG_H
#define QS_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    QS_SEV_NOTE,
    QS_SEV_WARNING,
    QS_SEV_APPROVAL,   /* blocks a final build, allowed in a draft */
    QS_SEV_ERROR
} qs_severity;

typedef struct {
    char *file;        /* display path, or NULL for a diagnostic without a file */
    unsigned line;     /* 1-based; 0 when unknown */
    unsigned col;      /* 1-based; 0 when unknown */
    qs_severity severity;
    char *rule;        /* rule id, e.g. "unknown-sku"; never NULL */
    char *message;
    size_t seq;        /* insertion order, keeps sorting stable */
} qs_diag;

typedef struct {
    qs_diag *items;
    size_t count;
    size_t cap;
    int environment_failed; /* a file could not be read or written: exit 2 */
    int internal_failed;    /* quotesmith caught itself in an error: exit 3 */
} qs_diags;

void qs_diags_init(qs_diags *d);
void qs_diags_free(qs_diags *d);

#if defined(__GNUC__)
#define QS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QS_PRINTF(f, a)
#endif

/* Appends one diagnostic. `file` may be NULL; `rule` must not be. */
void qs_diag_add(qs_diags *d, qs_severity sev, const char *file,
                 unsigned line, unsigned col, const char *rule,
                 const char *fmt, ...) QS_PRINTF(7, 8);

/* The same, with a va_list. */
void qs_diag_vadd(qs_diags *d, qs_severity sev, const char *file,
                  unsigned line, unsigned col, const char *rule,
                  const char *fmt, va_list ap) QS_PRINTF(7, 0);

/* Marks the run as failed for an environment reason (exit status 2). */
void qs_diags_set_environment_failed(qs_diags *d);

/* Marks the run as failed by an internal error (exit status 3). */
void qs_diags_set_internal_failed(qs_diags *d);

size_t qs_diags_count(const qs_diags *d, qs_severity sev);

/* Sorts by file, line, column, then insertion order. */
void qs_diags_sort(qs_diags *d);

/* The longest echo of an input value in a message, in bytes, and the
 * buffer qs_diag_echo needs for it ("..." and the terminator added). */
enum { QS_ECHO_MAX = 60, QS_ECHO_SIZE = QS_ECHO_MAX + 4 };

/* The one way a message quotes a value taken from an input (an attribute,
 * a text, an href, an expression): at most QS_ECHO_MAX bytes, cut at a
 * character with "..." added, and every character that could start a
 * line or drive a terminal escaped (a line break as \n, ESC as \x1B,
 * U+2028 as \u2028, a byte that is not UTF-8 as \xHH), so no input can
 * put a line of its own (a CI log command such as "::error::") into our
 * output. Writes into `out` and returns it, for use as a printf argument:
 *     char shown[QS_ECHO_SIZE];
 *     qs_diag_add(d, ..., "unknown SKU '%s'", qs_diag_echo(shown, sku)); */
const char *qs_diag_echo(char out[QS_ECHO_SIZE], const char *value);

/* One diagnostic as "file:line:col: severity: message [rule]\n", with the
 * same escaping (not shortened) applied to the file, the message and the
 * rule: a value a stage echoed without qs_diag_echo still cannot break the
 * line. malloc'd; the caller frees it. */
char *qs_diag_text(const qs_diag *g);

/* qs_diag_text of every diagnostic, in order. */
void qs_diags_print_text(const qs_diags *d, FILE *out);

/* A JSON array of objects {file,line,column,severity,rule,message}, one
 * object per line (json.h, qs_json_write_rows). */
void qs_diags_print_json(const qs_diags *d, FILE *out);

/* One diagnostic as a new JSON object {file (null without a file), line,
 * column, severity, rule, message}; the caller owns the reference. The
 * one shape of a diagnostic in every JSON quotesmith writes. */
struct json_t;
struct json_t *qs_diag_json(const qs_diag *g);

const char *qs_severity_name(qs_severity sev);

#endif
