/* report: SARIF, JUnit and depfile writers, and the grouped printing of a
 * batch's diagnostics. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "format.h"
#include "json.h"
#include "package.h"
#include "rule_ids.h"
#include "utf8.h"
#include "version.h"

/* ---- escaping ---- */

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
    const char **ids = qs_xmalloc((total ? total : 1) * sizeof *ids);
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

static json_t *new_object(void)
{
    json_t *o = json_object();
    if (!o)
        abort();
    return o;
}

static json_t *new_array(void)
{
    json_t *a = json_array();
    if (!a)
        abort();
    return a;
}

/* A rule of tool.driver.rules: its id and short description. */
static json_t *sarif_rule(const char *id)
{
    json_t *rule = new_object();
    qs_json_set(rule, "id", qs_json_string(id));
    json_t *text = new_object();
    const char *description = qs_rule_id_description(id);
    if (description) {
        qs_json_set(text, "text", qs_json_string(description));
    } else {
        qs_buf b = {0};
        qs_buf_printf(&b, "Rule '%s' of a rules file.", id);
        qs_json_set(text, "text", qs_json_string(b.s));
        qs_buf_free(&b);
    }
    qs_json_set(rule, "shortDescription", text);
    return rule;
}

static json_t *sarif_result(const qs_diag *g, bool draft, size_t index)
{
    json_t *r = new_object();
    qs_json_set(r, "ruleId", qs_json_string(g->rule));
    qs_json_set(r, "ruleIndex", qs_json_integer((long long)index));
    qs_json_set(r, "level", qs_json_string(qs_report_sarif_level(g->severity, draft)));
    json_t *message = new_object();
    qs_json_set(message, "text", qs_json_string(g->message));
    qs_json_set(r, "message", message);
    if (!g->file)
        return r;
    qs_buf uri = {0};
    put_uri(&uri, g->file);
    json_t *artifact = new_object();
    qs_json_set(artifact, "uri", qs_json_string(uri.s));
    qs_buf_free(&uri);
    json_t *physical = new_object();
    qs_json_set(physical, "artifactLocation", artifact);
    if (g->line) {
        json_t *region = new_object();
        qs_json_set(region, "startLine", qs_json_integer(g->line));
        qs_json_set(region, "startColumn", qs_json_integer(g->col ? g->col : 1));
        qs_json_set(physical, "region", region);
    }
    json_t *location = new_object();
    qs_json_set(location, "physicalLocation", physical);
    json_t *locations = new_array();
    qs_json_append(locations, location);
    qs_json_set(r, "locations", locations);
    return r;
}

void qs_report_sarif(const qs_report_case *cases, size_t n, FILE *out)
{
    size_t nrules;
    const char **ids = collect_rules(cases, n, &nrules);
    json_t *rules = new_array();
    for (size_t i = 0; i < nrules; i++)
        qs_json_append(rules, sarif_rule(ids[i]));
    json_t *driver = new_object();
    qs_json_set(driver, "name", qs_json_string("quotesmith"));
    qs_json_set(driver, "version", qs_json_string(QS_VERSION));
    qs_json_set(driver, "rules", rules);
    json_t *tool = new_object();
    qs_json_set(tool, "driver", driver);

    json_t *results = new_array();
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; cases[c].diags && i < cases[c].diags->count; i++) {
            if (seen_before(cases, c, i))
                continue;
            const qs_diag *g = &cases[c].diags->items[i];
            qs_json_append(results, sarif_result(g, cases[c].draft,
                                                 rule_index(ids, nrules, g->rule)));
        }
    free(ids);
    json_t *run = new_object();
    qs_json_set(run, "tool", tool);
    qs_json_set(run, "results", results);
    json_t *runs = new_array();
    qs_json_append(runs, run);
    json_t *log = new_object();
    qs_json_set(log, "$schema", qs_json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    qs_json_set(log, "version", qs_json_string("2.1.0"));
    qs_json_set(log, "runs", runs);
    qs_json_write(log, out);
    json_decref(log);
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
    json_t *rows = new_array();
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; cases[c].diags && i < cases[c].diags->count; i++) {
            json_t *row = new_object();
            qs_json_set(row, "quote", qs_json_string(cases[c].quote));
            json_t *diag = qs_diag_json(&cases[c].diags->items[i]);
            if (json_object_update(row, diag) != 0)
                abort();
            json_decref(diag);
            qs_json_append(rows, row);
        }
    qs_json_write_rows(rows, out);
    json_decref(rows);
}

/* ---- JUnit ---- */

/* The quote's folder ("." for a quote in the working directory). */
static void put_folder(qs_buf *b, const char *quote)
{
    const char *slash = strrchr(quote, '/');
    if (!slash) {
        qs_utf8_put_xml(b, ".");
        return;
    }
    qs_buf q = {0};
    qs_buf_add(&q, quote, slash == quote ? 1 : (size_t)(slash - quote));
    qs_utf8_put_xml(b, q.s);
    qs_buf_free(&q);
}

static void put_testcase(qs_buf *b, const qs_report_case *c)
{
    qs_buf_puts(b, "  <testcase classname=\"");
    put_folder(b, c->quote);
    qs_buf_puts(b, "\" name=\"");
    qs_utf8_put_xml(b, c->id ? c->id : c->quote);
    qs_buf_printf(b, "\" file=\"");
    qs_utf8_put_xml(b, c->quote);
    char t[QS_FORMAT_BUFSIZE];
    qs_buf_printf(b, "\" time=\"%s\"", qs_format_fixed(c->seconds, 3, t));
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
        qs_utf8_put_xml(b, text.s);
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
    char t[QS_FORMAT_BUFSIZE];
    qs_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<testsuite name=\"quotesmith\" tests=\"%zu\" failures=\"%zu\" "
                  "errors=\"%zu\" skipped=\"%zu\" time=\"%s\">\n",
                  n, failures, errors, skipped, qs_format_fixed(seconds, 3, t));
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
