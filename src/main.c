/* main: the command line. Parses arguments, runs the pipeline stages a
 * command needs, prints the diagnostics once, and derives the exit status:
 * 0 built (warnings allowed), 1 the input failed validation, 2 usage or
 * environment error, 3 internal error. */
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "decimal.h"
#include "diag.h"
#include "explain.h"
#include "layout.h"
#include "package.h"
#include "render_pdf.h"
#include "template.h"
#include "ubl.h"
#include "input.h"
#include "price.h"
#include "quote.h"
#include "rules.h"
#include "checks.h"
#include "xpath.h"
#include "version.h"

enum { EXIT_BUILT = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

typedef enum { OUT_TEXT, OUT_JSON } diag_format;

typedef struct {
    const char *command;
    const char *quote;
    const char *root;
    const char *outdir;
    const char *lang;
    const char *line;          /* explain: one position */
    size_t max_file_size;
    bool strict;
    bool timings;              /* print each stage's wall time on stderr */
    bool json;                 /* explain --json */
    diag_format diagnostics;
} options;

static const char usage_text[] =
    "usage: quotesmith COMMAND QUOTE.xml [options]\n"
    "\n"
    "commands:\n"
    "  build QUOTE.xml [-o DIR]   build the proposal package: PDF, UBL, manifest\n"
    "                             (default DIR: out/QUOTE-ID)\n"
    "  check QUOTE.xml            load, merge, price and validate; print a summary\n"
    "  data QUOTE.xml             print the merged, priced data tree\n"
    "  explain QUOTE.xml [POS]    show how each line's price came about\n"
    "\n"
    "options:\n"
    "  --root DIR                 project root; every file read must lie inside\n"
    "                             (default: the current directory)\n"
    "  --strict                   treat warnings as errors\n"
    "  --lang de|en               override the quote's language\n"
    "  --diagnostics text|json    how to print diagnostics (default: text)\n"
    "  --max-file-size BYTES      largest input file accepted (default: 8388608)\n"
    "  --json                     explain: machine-readable output\n"
    "  --timings                  print each stage's time on stderr\n"
    "  -h, --help                 this text\n"
    "  --version                  the version\n"
    "\n"
    "exit status: 0 ok (warnings allowed), 1 the input failed validation,\n"
    "2 usage or environment error, 3 internal error.\n"
    "Documentation: docs/cli.md, man quotesmith.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("quotesmith: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'quotesmith --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/* Parses a byte count with the strict decimal grammar, no fraction. */
static bool parse_size(const char *text, size_t *out)
{
    qs_decimal v;
    if (strchr(text, '.') || qs_decimal_parse(text, &v) != QS_DEC_OK || v <= 0)
        return false;
    *out = (size_t)(v / QS_DECIMAL_SCALE);
    return true;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->root = ".";
    o->max_file_size = QS_DEFAULT_MAX_FILE_SIZE;
    o->diagnostics = OUT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = strcmp(a, "--root") == 0 || strcmp(a, "-o") == 0 ||
                           strcmp(a, "--lang") == 0 || strcmp(a, "--diagnostics") == 0 ||
                           strcmp(a, "--max-file-size") == 0;
        if (takes_value && !value)
            return usage_error("option '%s' needs a value", a);
        if (strcmp(a, "--root") == 0) {
            o->root = value;
        } else if (strcmp(a, "-o") == 0) {
            o->outdir = value;
        } else if (strcmp(a, "--lang") == 0) {
            if (strcmp(value, "de") != 0 && strcmp(value, "en") != 0)
                return usage_error("--lang must be de or en, not '%s'", value);
            o->lang = value;
        } else if (strcmp(a, "--diagnostics") == 0) {
            if (strcmp(value, "text") == 0)
                o->diagnostics = OUT_TEXT;
            else if (strcmp(value, "json") == 0)
                o->diagnostics = OUT_JSON;
            else
                return usage_error("--diagnostics must be text or json, not '%s'", value);
        } else if (strcmp(a, "--max-file-size") == 0) {
            if (!parse_size(value, &o->max_file_size))
                return usage_error("--max-file-size needs a number of bytes, not '%s'", value);
        } else if (strcmp(a, "--strict") == 0) {
            o->strict = true;
        } else if (strcmp(a, "--timings") == 0) {
            o->timings = true;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (!o->command) {
            o->command = a;
        } else if (!o->quote) {
            o->quote = a;
        } else if (strcmp(o->command, "explain") == 0 && !o->line) {
            o->line = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
        if (takes_value)
            i++;
    }
    if (!o->command)
        return usage_error("%s", "no command given");
    if (strcmp(o->command, "check") != 0 && strcmp(o->command, "data") != 0 &&
        strcmp(o->command, "explain") != 0 && strcmp(o->command, "build") != 0)
        return usage_error("unknown command '%s'", o->command);
    if (!o->quote)
        return usage_error("'%s' needs a quote file", o->command);
    return -1;
}

/* The exit status the diagnostics call for (rules.h has the policy for
 * findings: approvals block a final quote only, warnings only --strict). */
static int exit_status(const qs_diags *d, bool draft, bool strict)
{
    if (d->internal_failed)
        return EXIT_INTERNAL;
    if (d->environment_failed)
        return EXIT_USAGE;
    return qs_rules_exit_status(d, draft, strict);
}

/* The validation stage: built-in checks, then every rules file. */
static void validate(qs_quote *q, qs_diags *d)
{
    qs_checks_run(q->tree, d);
    qs_xpath *x = qs_xpath_new(q->tree, d);
    for (size_t i = 0; i < q->nrules; i++)
        qs_rules_check(x, q->tree, q->rules[i], d);
    qs_xpath_free(x);
}

static void print_summary(const qs_quote *q, const qs_diags *d, int status)
{
    const xmlNode *totals = xmlDocGetRootElement(q->tree)->last;
    xmlChar *gross = xmlGetProp(totals, (const xmlChar *)"gross");
    printf("%s: quote %s (%s): %zu line%s in %zu department%s, gross %s %s; "
           "%zu errors, %zu approvals, %zu warnings%s\n",
           q->src->path, q->id, q->status, q->nlines, q->nlines == 1 ? "" : "s",
           q->ndepartments, q->ndepartments == 1 ? "" : "s",
           (const char *)gross, q->currency, qs_diags_count(d, QS_SEV_ERROR),
           qs_diags_count(d, QS_SEV_APPROVAL), qs_diags_count(d, QS_SEV_WARNING),
           status == EXIT_BUILT ? "" : ": not ready to build");
    xmlFree(gross);
}

/* A quote id names the output folder and files, so it must be a plain
 * file name. */
static bool id_is_file_name(const char *id)
{
    if (!id[0] || id[0] == '.')
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* The rendering stages: template -> layout -> PDF bytes (malloc'd). */
static bool render_proposal(qs_quote *q, const options *o, unsigned char **pdf,
                            size_t *pdf_size, size_t *pages, qs_diags *d)
{
    char fallback[4096];
    const char *tpl = q->template_path;
    if (!tpl) {
        snprintf(fallback, sizeof fallback, "%s/templates/standard/template.xml", o->root);
        tpl = strcmp(o->root, ".") == 0 ? "templates/standard/template.xml" : fallback;
    }
    qs_doc doc;
    qs_layout layout;
    qs_doc_init(&doc);
    memset(&layout, 0, sizeof layout);
    bool ok = qs_template_build(q->in, tpl, q->template_path ? &q->template_at : NULL,
                                q->tree, q->src->path, o->lang, &doc, d) &&
              qs_layout_run(&doc, &layout, d) &&
              qs_render_pdf(&doc, &layout, pdf, pdf_size, d);
    *pages = layout.npages;
    qs_layout_free(&layout);
    qs_doc_free(&doc);
    return ok;
}

/* build: the proposal package, written atomically into the output folder. */
static int build(qs_quote *q, const options *o, int status, qs_diags *d)
{
    if (!id_is_file_name(q->id)) {
        qs_diag_add(d, QS_SEV_ERROR, q->src->path, 0, 0, "output",
                    "quote id '%s' cannot name output files (use letters, digits, "
                    "'-', '_' and '.')", q->id);
        return EXIT_INVALID;
    }
    unsigned char *pdf = NULL, *ubl = NULL;
    size_t pdf_size = 0, ubl_size = 0, pages = 0;
    if (!render_proposal(q, o, &pdf, &pdf_size, &pages, d) ||
        !qs_ubl_write(q, &ubl, &ubl_size, d)) {
        free(pdf);
        free(ubl);
        return d->environment_failed ? EXIT_USAGE : EXIT_INVALID;
    }
    char outdir[4096], pdf_name[512], ubl_name[512];
    if (o->outdir)
        snprintf(outdir, sizeof outdir, "%s", o->outdir);
    else
        snprintf(outdir, sizeof outdir, "out/%s", q->id);
    snprintf(pdf_name, sizeof pdf_name, "%s.pdf", q->id);
    snprintf(ubl_name, sizeof ubl_name, "%s.ubl.xml", q->id);
    qs_output outs[] = {{pdf_name, pdf, pdf_size}, {ubl_name, ubl, ubl_size}};
    bool ok = qs_package_write(outdir, outs, 2, q, d, d);
    if (ok)
        printf("%s/%s: %zu page%s, %zu bytes; %s/%s; %s/manifest.json\n", outdir,
               pdf_name, pages, pages == 1 ? "" : "s", pdf_size, outdir, ubl_name, outdir);
    free(pdf);
    free(ubl);
    if (!ok)
        return d->environment_failed ? EXIT_USAGE : EXIT_INVALID;
    return status;
}

/* Wall-clock time per pipeline stage, for --timings (never in output). */
typedef struct {
    struct timespec start;
    char report[512];
    size_t used;
} stage_timer;

static void timer_start(stage_timer *t)
{
    clock_gettime(CLOCK_MONOTONIC, &t->start);
}

static void timer_stop(stage_timer *t, const char *stage)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long us = (now.tv_sec - t->start.tv_sec) * 1000000LL +
                   (now.tv_nsec - t->start.tv_nsec) / 1000;
    if (t->used < sizeof t->report)
        t->used += (size_t)snprintf(t->report + t->used, sizeof t->report - t->used,
                                    "%s%s %lld.%03lld ms", t->used ? ", " : "",
                                    stage, us / 1000, us % 1000);
    t->start = now;
}

static int run(const options *o, qs_diags *d)
{
    qs_inputs in;
    qs_quote q;
    memset(&q, 0, sizeof q);
    stage_timer timer = {0};
    timer_start(&timer);
    bool ok = qs_inputs_init(&in, o->root, o->max_file_size, d) &&
              qs_quote_load(&q, &in, o->quote, d);
    timer_stop(&timer, "load+merge");
    ok = ok && qs_quote_price(&q, d);
    timer_stop(&timer, "price");
    if (ok)
        validate(&q, d);
    timer_stop(&timer, "validate");
    if (ok && o->lang)
        xmlSetProp(xmlDocGetRootElement(q.tree), (const xmlChar *)"lang",
                   (const xmlChar *)o->lang);
    int status = exit_status(d, q.draft, o->strict);
    if (!ok && status == EXIT_BUILT)
        status = EXIT_INVALID;

    if (ok && strcmp(o->command, "data") == 0) {
        xmlDocFormatDump(stdout, q.tree, 1);
    } else if (ok && strcmp(o->command, "explain") == 0) {
        if (!qs_explain(&q, o->line, o->json, stdout, d))
            status = EXIT_USAGE;
    } else if (ok && strcmp(o->command, "check") == 0) {
        print_summary(&q, d, status);
    } else if (ok && status == EXIT_BUILT && strcmp(o->command, "build") == 0) {
        status = build(&q, o, status, d);
        timer_stop(&timer, "build");
    }
    timer_stop(&timer, "output");
    if (o->timings)
        fprintf(stderr, "timings: %s\n", timer.report);
    qs_quote_free(&q);
    qs_inputs_free(&in);
    return status;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return EXIT_BUILT;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("quotesmith %s (libxml2 %s)\n", QS_VERSION, LIBXML_DOTTED_VERSION);
            return EXIT_BUILT;
        }
    }
    options o;
    int status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;

    xmlInitParser();
    qs_diags d;
    qs_diags_init(&d);
    status = run(&o, &d);
    qs_diags_sort(&d);
    if (o.diagnostics == OUT_JSON)
        qs_diags_print_json(&d, stderr);
    else
        qs_diags_print_text(&d, stderr);
    qs_diags_free(&d);
    xmlCleanupParser();
    return status;
}
