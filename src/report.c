/* report: SARIF, JUnit and depfile writers, and the grouped printing of a
 * batch's diagnostics. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "package.h"
#include "version.h"

/* ---- escaping ---- */

/* The length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t utf8_length(const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
             : (*p & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 2 && *p < 0xC2)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* A JSON string; invalid UTF-8 becomes U+FFFD. */
static void put_json(qs_buf *b, const char *s)
{
    qs_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        size_t n = utf8_length(p);
        if (*p == '"' || *p == '\\')
            qs_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            qs_buf_puts(b, "\\n");
        else if (*p == '\t')
            qs_buf_puts(b, "\\t");
        else if (*p < 0x20)
            qs_buf_printf(b, "\\u%04x", *p);
        else if (n == 0)
            qs_buf_puts(b, "\\ufffd");
        else
            qs_buf_add(b, (const char *)p, n);
        p += n ? n : 1;
    }
    qs_buf_puts(b, "\"");
}

/* XML character data or attribute text; characters XML 1.0 cannot hold
 * (control characters, invalid UTF-8) become U+FFFD. */
static void put_xml(qs_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        size_t n = utf8_length(p);
        if (*p == '&')
            qs_buf_puts(b, "&amp;");
        else if (*p == '<')
            qs_buf_puts(b, "&lt;");
        else if (*p == '>')
            qs_buf_puts(b, "&gt;");
        else if (*p == '"')
            qs_buf_puts(b, "&quot;");
        else if (*p == '\n' || *p == '\t')
            qs_buf_add(b, (const char *)p, 1);
        else if (*p < 0x20 || n == 0)
            qs_buf_puts(b, "\xEF\xBF\xBD");
        else
            qs_buf_add(b, (const char *)p, n);
        p += n ? n : 1;
    }
}

/* A relative URI reference for a path: unreserved characters and '/' as
 * they are, every other byte percent-encoded. */
static void put_uri(qs_buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            qs_buf_add(b, (const char *)p, 1);
        else
            qs_buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/* One diagnostic as a compiler-style line (qs_diag_text). */
static void put_text_line(qs_buf *b, const qs_diag *g)
{
    char *line = qs_diag_text(g);
    qs_buf_puts(b, line);
    free(line);
}

/* ---- SARIF ---- */

/* Short descriptions of the built-in rule ids; ids from rules files fall
 * back to a generic text. */
static const char *const rule_texts[][2] = {
    {"bad-date", "A date is not a valid YYYY-MM-DD date."},
    {"bad-number", "A number does not follow the decimal grammar or is out of range."},
    {"currency-mismatch", "A price list's currency differs from the quote's."},
    {"custom-line", "A custom line lacks its name, price or tax rate."},
    {"customer-address", "A final quote needs the customer's full address."},
    {"department-name-mismatch", "A department file's name differs from the quote's reference."},
    {"doctype", "Input documents may not have a DOCTYPE."},
    {"duplicate-pricelist", "Two price lists have the same id."},
    {"duplicate-sku", "A SKU appears twice in one price list."},
    {"duplicate-tier", "Two volume tiers start at the same quantity."},
    {"file-not-found", "A referenced file does not exist."},
    {"file-too-large", "A file is larger than --max-file-size."},
    {"font", "A font could not be read or used."},
    {"id-collision", "Two quotes of one batch have the same id."},
    {"image", "An image could not be read or used."},
    {"incoterm", "The delivery terms name an unknown Incoterm."},
    {"incoterm-place", "The Incoterm needs a named place."},
    {"incoterm-sea", "A sea-only Incoterm for a delivery not by sea."},
    {"internal", "quotesmith caught itself in an inconsistency."},
    {"layout", "The document could not be laid out."},
    {"missing-glyph", "A character has no glyph in the template's fonts."},
    {"not-a-file", "A referenced path is not a regular file."},
    {"output", "An output file could not be written."},
    {"overflow", "A figure exceeds the range of exact arithmetic."},
    {"path-outside-root", "A path resolves outside the project root."},
    {"payment-terms", "The payment terms are inconsistent."},
    {"pdf", "The PDF could not be produced."},
    {"pricelist-validity", "A price list is not valid on the quote date."},
    {"root", "The project root is not a folder."},
    {"schema", "A file does not match its format's XML Schema."},
    {"tax-rate-conflict", "Two price lists define one tax rate differently."},
    {"template", "The template is invalid."},
    {"ubl", "The UBL document could not be produced."},
    {"unknown-currency", "The currency is not an ISO 4217 code quotesmith knows."},
    {"unknown-pricelist", "A price list overrides one that is not loaded."},
    {"unknown-sku", "A line names a SKU no price list has."},
    {"unknown-tax", "A product or line names an unknown tax rate."},
    {"usage", "The command line is wrong."},
    {"validity-order", "valid-until is not after the quote date."},
    {"xml-limits", "A document exceeds the nesting or attribute limits."},
    {"xml-syntax", "A file is not well-formed XML."},
};

static const char *rule_text(const char *id)
{
    for (size_t i = 0; i < sizeof rule_texts / sizeof rule_texts[0]; i++)
        if (strcmp(rule_texts[i][0], id) == 0)
            return rule_texts[i][1];
    return NULL;
}

const char *qs_report_sarif_level(qs_severity sev, bool draft)
{
    switch (sev) {
    case QS_SEV_ERROR: return "error";
    case QS_SEV_APPROVAL: return draft ? "warning" : "error";
    case QS_SEV_WARNING: return "warning";
    case QS_SEV_NOTE: return "note";
    }
    return "error";
}

/* The same diagnostic (by place, rule, level and text) in an earlier case
 * or earlier in this one. */
static bool seen_before(const qs_report_case *cases, size_t ci, size_t gi)
{
    const qs_diag *g = &cases[ci].diags->items[gi];
    const char *level = qs_report_sarif_level(g->severity, cases[ci].draft);
    for (size_t c = 0; c <= ci; c++) {
        if (!cases[c].diags)
            continue;
        size_t end = c == ci ? gi : cases[c].diags->count;
        for (size_t i = 0; i < end; i++) {
            const qs_diag *h = &cases[c].diags->items[i];
            if (h->line == g->line && h->col == g->col && !h->file == !g->file &&
                (!g->file || strcmp(h->file, g->file) == 0) &&
                strcmp(h->rule, g->rule) == 0 && strcmp(h->message, g->message) == 0 &&
                strcmp(qs_report_sarif_level(h->severity, cases[c].draft), level) == 0)
                return true;
        }
    }
    return false;
}

/* The rule ids of every case, sorted and unique (pointers into the
 * diagnostics; the array is malloc'd). */
static const char **collect_rules(const qs_report_case *cases, size_t n, size_t *count)
{
    size_t total = 0;
    for (size_t c = 0; c < n; c++)
        total += cases[c].diags ? cases[c].diags->count : 0;
    const char **ids = malloc((total ? total : 1) * sizeof *ids);
    if (!ids)
        abort();
    size_t k = 0;
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; cases[c].diags && i < cases[c].diags->count; i++) {
            const char *id = cases[c].diags->items[i].rule;
            size_t at = 0;
            while (at < k && strcmp(ids[at], id) < 0)
                at++;
            if (at < k && strcmp(ids[at], id) == 0)
                continue;
            memmove(ids + at + 1, ids + at, (k - at) * sizeof *ids);
            ids[at] = id;
            k++;
        }
    *count = k;
    return ids;
}

static size_t rule_index(const char **ids, size_t count, const char *id)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(ids[i], id) == 0)
            return i;
    return 0;
}

static void put_result(qs_buf *b, const qs_diag *g, bool draft, size_t index)
{
    qs_buf_puts(b, "        {\n          \"ruleId\": ");
    put_json(b, g->rule);
    qs_buf_printf(b, ",\n          \"ruleIndex\": %zu,\n          \"level\": \"%s\",\n"
                  "          \"message\": {\n            \"text\": ",
                  index, qs_report_sarif_level(g->severity, draft));
    put_json(b, g->message);
    qs_buf_puts(b, "\n          }");
    if (g->file) {
        qs_buf_puts(b, ",\n          \"locations\": [\n            {\n"
                       "              \"physicalLocation\": {\n"
                       "                \"artifactLocation\": {\n"
                       "                  \"uri\": \"");
        put_uri(b, g->file);
        qs_buf_puts(b, "\"\n                }");
        if (g->line)
            qs_buf_printf(b, ",\n                \"region\": {\n"
                          "                  \"startLine\": %u,\n"
                          "                  \"startColumn\": %u\n"
                          "                }", g->line, g->col ? g->col : 1);
        qs_buf_puts(b, "\n              }\n            }\n          ]");
    }
    qs_buf_puts(b, "\n        }");
}

void qs_report_sarif(const qs_report_case *cases, size_t n, FILE *out)
{
    qs_buf b = {0};
    qs_buf_puts(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                    "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
                    "      \"tool\": {\n        \"driver\": {\n"
                    "          \"name\": \"quotesmith\",\n          \"version\": ");
    put_json(&b, QS_VERSION);
    qs_buf_puts(&b, ",\n          \"rules\": [");
    size_t nrules;
    const char **ids = collect_rules(cases, n, &nrules);
    for (size_t i = 0; i < nrules; i++) {
        const char *text = rule_text(ids[i]);
        qs_buf_puts(&b, i ? ",\n            {\n              \"id\": "
                          : "\n            {\n              \"id\": ");
        put_json(&b, ids[i]);
        qs_buf_puts(&b, ",\n              \"shortDescription\": {\n                \"text\": ");
        if (text) {
            put_json(&b, text);
        } else {
            qs_buf b2 = {0};
            qs_buf_printf(&b2, "Rule '%s' of a rules file.", ids[i]);
            put_json(&b, b2.s);
            qs_buf_free(&b2);
        }
        qs_buf_puts(&b, "\n              }\n            }");
    }
    qs_buf_puts(&b, nrules ? "\n          ]\n        }\n      },\n      \"results\": ["
                           : "]\n        }\n      },\n      \"results\": [");
    bool first = true;
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; cases[c].diags && i < cases[c].diags->count; i++) {
            if (seen_before(cases, c, i))
                continue;
            const qs_diag *g = &cases[c].diags->items[i];
            qs_buf_puts(&b, first ? "\n" : ",\n");
            put_result(&b, g, cases[c].draft, rule_index(ids, nrules, g->rule));
            first = false;
        }
    qs_buf_puts(&b, first ? "]\n    }\n  ]\n}\n" : "\n      ]\n    }\n  ]\n}\n");
    free(ids);
    fwrite(b.s, 1, b.len, out);
    qs_buf_free(&b);
}

/* ---- grouped text and JSON ---- */

void qs_report_text(const qs_report_case *cases, size_t n, FILE *out)
{
    for (size_t c = 0; c < n; c++) {
        if (!cases[c].diags || cases[c].diags->count == 0)
            continue;
        fprintf(out, "== %s\n", cases[c].quote);
        qs_diags_print_text(cases[c].diags, out);
    }
}

void qs_report_json(const qs_report_case *cases, size_t n, FILE *out)
{
    qs_buf b = {0};
    qs_buf_puts(&b, "[");
    bool first = true;
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; cases[c].diags && i < cases[c].diags->count; i++) {
            const qs_diag *g = &cases[c].diags->items[i];
            qs_buf_puts(&b, first ? "\n {\"quote\": " : ",\n {\"quote\": ");
            put_json(&b, cases[c].quote);
            qs_buf_puts(&b, ", \"file\": ");
            if (g->file)
                put_json(&b, g->file);
            else
                qs_buf_puts(&b, "null");
            qs_buf_printf(&b, ", \"line\": %u, \"column\": %u, \"severity\": \"%s\", \"rule\": ",
                          g->line, g->col, qs_severity_name(g->severity));
            put_json(&b, g->rule);
            qs_buf_puts(&b, ", \"message\": ");
            put_json(&b, g->message);
            qs_buf_puts(&b, "}");
            first = false;
        }
    qs_buf_puts(&b, first ? "]\n" : "\n]\n");
    fwrite(b.s, 1, b.len, out);
    qs_buf_free(&b);
}

/* ---- JUnit ---- */

/* The quote's folder ("." for a quote in the working directory). */
static void put_folder(qs_buf *b, const char *quote)
{
    const char *slash = strrchr(quote, '/');
    if (!slash) {
        put_xml(b, ".");
        return;
    }
    qs_buf q = {0};
    qs_buf_add(&q, quote, slash == quote ? 1 : (size_t)(slash - quote));
    put_xml(b, q.s);
    qs_buf_free(&q);
}

static void put_testcase(qs_buf *b, const qs_report_case *c)
{
    qs_buf_puts(b, "  <testcase classname=\"");
    put_folder(b, c->quote);
    qs_buf_puts(b, "\" name=\"");
    put_xml(b, c->id ? c->id : c->quote);
    qs_buf_printf(b, "\" file=\"");
    put_xml(b, c->quote);
    qs_buf_printf(b, "\" time=\"%.3f\"", c->seconds);
    qs_buf text = {0};
    for (size_t i = 0; c->diags && i < c->diags->count; i++)
        put_text_line(&text, &c->diags->items[i]);
    switch (c->result) {
    case QS_CASE_BUILT:
        qs_buf_puts(b, "/>\n");
        break;
    case QS_CASE_SKIPPED:
    case QS_CASE_NOT_STARTED:
        qs_buf_printf(b, ">\n    <skipped message=\"%s\"/>\n  </testcase>\n",
                      c->result == QS_CASE_SKIPPED ? "up to date"
                                                   : "not started: an earlier quote failed");
        break;
    case QS_CASE_FAILED:
    case QS_CASE_CRASHED:
        qs_buf_printf(b, ">\n    <%s message=\"%s %d\">",
                      c->result == QS_CASE_FAILED ? "failure" : "error",
                      c->result == QS_CASE_FAILED ? "exit" : "signal", c->code);
        put_xml(b, text.s);
        qs_buf_printf(b, "</%s>\n  </testcase>\n",
                      c->result == QS_CASE_FAILED ? "failure" : "error");
        break;
    }
    qs_buf_free(&text);
}

bool qs_report_junit(const char *path, const qs_report_case *cases, size_t n,
                     qs_diags *d)
{
    size_t failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    for (size_t c = 0; c < n; c++) {
        failures += cases[c].result == QS_CASE_FAILED;
        errors += cases[c].result == QS_CASE_CRASHED;
        skipped += cases[c].result == QS_CASE_SKIPPED ||
                   cases[c].result == QS_CASE_NOT_STARTED;
        seconds += cases[c].seconds;
    }
    qs_buf b = {0};
    qs_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<testsuite name=\"quotesmith\" tests=\"%zu\" failures=\"%zu\" "
                  "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                  n, failures, errors, skipped, seconds);
    for (size_t c = 0; c < n; c++)
        put_testcase(&b, &cases[c]);
    qs_buf_puts(&b, "</testsuite>\n");
    bool ok = qs_output_write_file(path, (const unsigned char *)b.s, b.len, d);
    qs_buf_free(&b);
    return ok;
}

/* ---- depfiles ---- */

/* A path as make reads it in a rule: '$' doubled, spaces, tabs and '#'
 * behind a backslash. */
static void put_make_path(qs_buf *b, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == '$')
            qs_buf_puts(b, "$$");
        else if (*p == ' ' || *p == '\t' || *p == '#')
            qs_buf_printf(b, "\\%c", *p);
        else
            qs_buf_add(b, p, 1);
    }
}

bool qs_report_depfile(const char *path, const char *const *targets, size_t ntargets,
                       const char *const *prereqs, size_t nprereqs, qs_diags *d)
{
    for (size_t i = 0; i < ntargets + nprereqs; i++) {
        const char *p = i < ntargets ? targets[i] : prereqs[i - ntargets];
        if (strchr(p, '\n') || strchr(p, '\r')) {
            qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "output",
                        "cannot write the depfile: the path '%s' holds a line break", p);
            qs_diags_set_environment_failed(d);
            return false;
        }
    }
    qs_buf b = {0};
    for (size_t i = 0; i < ntargets; i++) {
        if (i)
            qs_buf_puts(&b, " ");
        put_make_path(&b, targets[i]);
    }
    qs_buf_puts(&b, ":");
    for (size_t i = 0; i < nprereqs; i++) {
        qs_buf_puts(&b, " \\\n  ");
        put_make_path(&b, prereqs[i]);
    }
    qs_buf_puts(&b, "\n");
    for (size_t i = 1; i < nprereqs; i++) {
        qs_buf_puts(&b, "\n");
        put_make_path(&b, prereqs[i]);
        qs_buf_puts(&b, ":\n");
    }
    bool ok = qs_output_write_file(path, (const unsigned char *)b.s, b.len, d);
    qs_buf_free(&b);
    return ok;
}
