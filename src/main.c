/* main: the command line. Parses arguments, runs the pipeline stages a
 * command needs, prints the diagnostics once, and derives the exit status:
 * 0 built (warnings allowed), 1 the input failed validation, 2 usage or
 * environment error, 3 internal error. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "arena.h"
#include "batch.h"
#include "decimal.h"
#include "diff.h"
#include "diag.h"
#include "exitcode.h"
#include "explain.h"
#include "layout.h"
#include "package.h"
#include "catalog.h"
#include "render_pdf.h"
#include "template.h"
#include "ubl.h"
#include "input.h"
#include "leads.h"
#include "lock.h"
#include "load.h"
#include "merge.h"
#include "price.h"
#include "quote.h"
#include "report.h"
#include "rules.h"
#include "salesreport.h"
#include "checks.h"
#include "xpath.h"
#include "version.h"


typedef enum { OUT_TEXT, OUT_JSON, OUT_SARIF } diag_format;

typedef struct {
    const char *command;
    const char *quote;
    const char *root;
    const char *outdir;
    const char *lang;
    const char *line;          /* explain: one position */
    const char *template_path; /* -t TEMPLATE (check, build, batch, catalog) */
    const char *new_ubl;       /* diff: NEW.ubl.xml (quote: OLD.ubl.xml) */
    size_t max_file_size;
    bool strict;
    bool timings;              /* print each stage's wall time on stderr */
    bool json;                 /* explain --json */
    diag_format diagnostics;
    const char *depfile;       /* build: write a Makefile rule here */
    /* batch */
    char **paths;              /* folders and quote files (argv pointers) */
    size_t npaths;
    unsigned jobs;             /* 0: one per online core */
    unsigned shard, nshards;
    bool keep_going, force;
    const char *junit;
    /* set in a batch worker */
    bool worker;               /* print nothing; build into outdir only */
    const char *expect_id;     /* the id the batch read before building */
    /* leads (docs/leads.md) */
    const char *rules, *customers, *encoding;
    bool letters, leads_data;
    /* report (SPEC 7) */
    const char *outcomes, *targets, *period, *as_of;
    const char *register_path;
} options;

/* Facts about one run, for check/build summaries, SARIF and batch. */
typedef qs_batch_outcome outcome;

static const char usage_text[] =
    "usage: quotesmith COMMAND ARGUMENTS... [options]\n"
    "\n"
    "commands:\n"
    "  build QUOTE.xml [-o DIR]   build the proposal package: PDF, UBL, manifest\n"
    "                             (default DIR: out/QUOTE-ID)\n"
    "  check QUOTE.xml            load, merge, price and validate; print a summary\n"
    "  data QUOTE.xml             print the merged, priced data tree\n"
    "  explain QUOTE.xml [POS]    show how each line's price came about\n"
    "  batch DIR|QUOTE.xml...     build every quote.xml below the folders, in\n"
    "                             worker processes, into OUTDIR/ID (default out/ID)\n"
    "  catalog PRICELIST.xml [-t TEMPLATE] [--lang de|en] [-o FILE]\n"
    "                             render a price list brochure (default FILE:\n"
    "                             out/catalog-ID.pdf; TEMPLATE:\n"
    "                             templates/catalog/template.xml)\n"
    "  diff OLD.ubl.xml NEW.ubl.xml [--json]\n"
    "                             compare two UBL 2.1 quotations: lines, totals,\n"
    "                             validity (exit 0 equal, 1 different, 2 bad file)\n"
    "  leads LIST.csv --rules FILE [--customers DIR] [--encoding utf-8|windows-1252]\n"
    "        [--data] [-o DIR]    screen a trade-fair list into leads.csv, call\n"
    "        [--letters [-j N]]   sheets per rep and a summary; --letters: one\n"
    "        [--lang de|en]       information letter per qualified lead\n"
    "                             (default DIR: out/leads; docs/leads.md)\n"
    "  report DIR|QUOTE.xml... --outcomes FILE --targets FILE [--period P]\n"
    "         [--as-of DATE] [-o OUTDIR] [--lang de|en] [--register FILE] [-j N]\n"
    "                             won against target: report.pdf, report-MANAGER.pdf,\n"
    "                             report.csv, report.json (default OUTDIR:\n"
    "                             out/report-PERIOD; P: YYYY, YYYY-Qn or YYYY-MM);\n"
    "                             each quote's figures are kept in FILE (default:\n"
    "                             report-register.sqlite beside OUTDIR when that\n"
    "                             folder is inside the root, else in OUTDIR)\n"
    "\n"
    "options:\n"
    "  --root DIR                 project root; every file read must lie inside\n"
    "                             (default: the current directory)\n"
    "  --strict                   treat warnings as errors\n"
    "  --lang de|en               override the quote's language (recorded in\n"
    "                             manifest.json; a sent package keeps its own)\n"
    "  -t TEMPLATE                check, build, batch: use this template instead of the\n"
    "                             quote's <template href>\n"
    "  --diagnostics text|json|sarif\n"
    "                             how to print diagnostics on stderr (default: text)\n"
    "  --depfile FILE             build: write a Makefile rule of every file read\n"
    "  -j N                       batch, report, leads --letters: N worker processes\n"
    "                             (default: one per core)\n"
    "  --shard I/N                batch: build only shard I of N (by path hash)\n"
    "  -o OUTDIR                  batch: parent of the per-quote folders\n"
    "  --keep-going               batch: start every quote even after a failure\n"
    "  --force                    batch: rebuild quotes that are up to date\n"
    "  --junit FILE               batch: write a JUnit XML report\n"
    "  --max-file-size BYTES      largest input file accepted (default: 8388608;\n"
    "                             a leads list: 67108864)\n"
    "  --json                     explain, diff: machine-readable output\n"
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
    return QS_EXIT_ENVIRONMENT;
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

/* Parses a worker count for -j: 1 to 4096. */
static bool parse_jobs(const char *text, unsigned *out)
{
    unsigned v = 0;
    if (!text[0] || strlen(text) > 4)
        return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v < 1 || v > 4096)
        return false;
    *out = v;
    return true;
}

static bool is_command(const char *c, const char *name)
{
    return c && strcmp(c, name) == 0;
}

/* Options that belong to one command only. */
static int check_command_options(const options *o, const char *const *seen)
{
    for (size_t i = 0; seen[i]; i++) {
        bool batch_only = strcmp(seen[i], "--depfile") != 0;
        bool report_too = strcmp(seen[i], "-j") == 0 && is_command(o->command, "report");
        if (batch_only && !is_command(o->command, "batch") && !report_too)
            return usage_error("option '%s' is for batch only", seen[i]);
        if (!batch_only && !is_command(o->command, "build"))
            return usage_error("option '%s' is for build only", seen[i]);
    }
    if (o->diagnostics == OUT_SARIF && !is_command(o->command, "check") &&
        !is_command(o->command, "build") && !is_command(o->command, "batch"))
        return usage_error("--diagnostics sarif is for check, build and batch, not '%s'",
                           o->command);
    return -1;
}

/* leads' own options: how many arguments one took (0: not one of them),
 * or -1 when its value is missing. */
static int leads_option(options *o, const char *a, const char *value)
{
    const char **slot = strcmp(a, "--rules") == 0       ? &o->rules
                        : strcmp(a, "--customers") == 0 ? &o->customers
                        : strcmp(a, "--encoding") == 0  ? &o->encoding
                                                        : NULL;
    if (slot) {
        if (!value)
            return -1;
        *slot = value;
        return 2;
    }
    if (strcmp(a, "--letters") == 0)
        o->letters = true;
    else if (strcmp(a, "--data") == 0)
        o->leads_data = true;
    else
        return 0;
    return 1;
}

/* For leads: its list and rules file; for every other command: none of
 * leads' options. Returns -1 when the arguments are fine. */
static int check_leads_args(const options *o)
{
    bool leads = is_command(o->command, "leads");
    const char *stray = o->rules ? "--rules" : o->customers ? "--customers"
                      : o->encoding ? "--encoding" : o->letters ? "--letters"
                      : o->leads_data ? "--data" : NULL;
    if (!leads)
        return stray ? usage_error("option '%s' is for leads only", stray) : -1;
    qs_csv_encoding enc;
    if (o->encoding && !qs_csv_parse_encoding(o->encoding, &enc))
        return usage_error("--encoding must be utf-8 or windows-1252, not '%s'", o->encoding);
    if (!o->quote)
        return usage_error("%s", "'leads' needs a CSV list");
    if (!o->rules)
        return usage_error("%s", "'leads' needs --rules FILE");
    return -1;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->root = ".";
    o->max_file_size = QS_DEFAULT_MAX_FILE_SIZE;
    o->diagnostics = OUT_TEXT;
    o->shard = o->nshards = 1;
    o->paths = qs_xcalloc((size_t)argc, sizeof *o->paths);
    const char *seen[8] = {0};
    size_t nseen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* -jN, as make takes it, is -j N. */
        const char *inline_value = strncmp(a, "-j", 2) == 0 && a[2] ? a + 2 : NULL;
        if (inline_value)
            a = "-j";
        const char *value = inline_value ? inline_value : i + 1 < argc ? argv[i + 1] : NULL;
        int leads_taken = leads_option(o, a, value);
        if (leads_taken < 0)
            return usage_error("option '%s' needs a value", a);
        if (leads_taken > 0) {
            i += leads_taken - 1;
            continue;
        }
        bool takes_value = strcmp(a, "--root") == 0 || strcmp(a, "-o") == 0 ||
                           strcmp(a, "--lang") == 0 || strcmp(a, "--diagnostics") == 0 ||
                           strcmp(a, "--max-file-size") == 0 || strcmp(a, "-j") == 0 ||
                           strcmp(a, "--shard") == 0 || strcmp(a, "--junit") == 0 ||
                           strcmp(a, "--depfile") == 0 || strcmp(a, "-t") == 0 ||
                           strcmp(a, "--outcomes") == 0 || strcmp(a, "--targets") == 0 ||
                           strcmp(a, "--period") == 0 || strcmp(a, "--as-of") == 0 ||
                           strcmp(a, "--register") == 0;
        if (takes_value && !value)
            return usage_error("option '%s' needs a value", a);
        bool one_command = strcmp(a, "-j") == 0 || strcmp(a, "--shard") == 0 ||
                           strcmp(a, "--junit") == 0 || strcmp(a, "--keep-going") == 0 ||
                           strcmp(a, "--force") == 0 || strcmp(a, "--depfile") == 0;
        if (one_command && nseen < sizeof seen / sizeof seen[0] - 1)
            seen[nseen++] = a;
        if (strcmp(a, "--root") == 0) {
            o->root = value;
        } else if (strcmp(a, "-o") == 0) {
            o->outdir = value;
        } else if (strcmp(a, "-t") == 0) {
            o->template_path = value;
        } else if (strcmp(a, "--lang") == 0) {
            if (strcmp(value, "de") != 0 && strcmp(value, "en") != 0)
                return usage_error("--lang must be de or en, not '%s'", value);
            o->lang = value;
        } else if (strcmp(a, "--diagnostics") == 0) {
            if (strcmp(value, "text") == 0)
                o->diagnostics = OUT_TEXT;
            else if (strcmp(value, "json") == 0)
                o->diagnostics = OUT_JSON;
            else if (strcmp(value, "sarif") == 0)
                o->diagnostics = OUT_SARIF;
            else
                return usage_error("--diagnostics must be text, json or sarif, not '%s'", value);
        } else if (strcmp(a, "--max-file-size") == 0) {
            if (!parse_size(value, &o->max_file_size))
                return usage_error("--max-file-size needs a number of bytes, not '%s'", value);
        } else if (strcmp(a, "-j") == 0) {
            if (!parse_jobs(value, &o->jobs))
                return usage_error("-j needs a number of workers from 1 to 4096, not '%s'", value);
        } else if (strcmp(a, "--shard") == 0) {
            if (!qs_batch_parse_shard(value, &o->shard, &o->nshards))
                return usage_error("--shard needs I/N with 1 <= I <= N, not '%s'", value);
        } else if (strcmp(a, "--junit") == 0) {
            o->junit = value;
        } else if (strcmp(a, "--depfile") == 0) {
            o->depfile = value;
        } else if (strcmp(a, "--outcomes") == 0) {   /* report */
            o->outcomes = value;
        } else if (strcmp(a, "--targets") == 0) {
            o->targets = value;
        } else if (strcmp(a, "--period") == 0) {
            o->period = value;
        } else if (strcmp(a, "--as-of") == 0) {
            o->as_of = value;
        } else if (strcmp(a, "--register") == 0) {
            o->register_path = value;
        } else if (strcmp(a, "--keep-going") == 0) {
            o->keep_going = true;
        } else if (strcmp(a, "--force") == 0) {
            o->force = true;
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
        } else if (is_command(o->command, "batch") || is_command(o->command, "report")) {
            o->paths[o->npaths++] = argv[i];
        } else if (!o->quote) {
            o->quote = a;
        } else if (strcmp(o->command, "explain") == 0 && !o->line) {
            o->line = a;
        } else if (is_command(o->command, "diff") && !o->new_ubl) {
            o->new_ubl = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
        if (takes_value && !inline_value)
            i++;
    }
    if (!o->command)
        return usage_error("%s", "no command given");
    int leads_status = check_leads_args(o);
    if (leads_status >= 0 || is_command(o->command, "leads"))
        return leads_status;
    if (strcmp(o->command, "check") != 0 && strcmp(o->command, "data") != 0 &&
        strcmp(o->command, "explain") != 0 && strcmp(o->command, "build") != 0 &&
        strcmp(o->command, "batch") != 0 && strcmp(o->command, "catalog") != 0 &&
        strcmp(o->command, "diff") != 0 && strcmp(o->command, "report") != 0)
        return usage_error("unknown command '%s'", o->command);
    if (o->template_path && !is_command(o->command, "catalog") &&
        !is_command(o->command, "build") && !is_command(o->command, "check") &&
        !is_command(o->command, "batch"))
        return usage_error("%s", "option '-t' is for check, build, batch and catalog only");
    int status = check_command_options(o, seen);
    if (status >= 0)
        return status;
    if (is_command(o->command, "batch") && o->npaths == 0)
        return usage_error("%s", "'batch' needs folders or quote files");
    if (is_command(o->command, "diff") && !o->new_ubl)
        return usage_error("%s", "'diff' needs two UBL files: OLD.ubl.xml NEW.ubl.xml");
    if (is_command(o->command, "catalog") && !o->quote)
        return usage_error("%s", "'catalog' needs a price list file");
    bool report_option = o->outcomes || o->targets || o->period || o->as_of ||
                         o->register_path;
    if (report_option != is_command(o->command, "report") && report_option)
        return usage_error("%s", "options --outcomes, --targets, --period, --as-of and "
                           "--register are for report only");
    if (is_command(o->command, "report") && (o->npaths == 0 || !o->outcomes || !o->targets))
        return usage_error("%s", "'report' needs folders or quote files, --outcomes FILE "
                           "and --targets FILE");
    if (is_command(o->command, "report"))
        return -1;
    if (!is_command(o->command, "batch") && !o->quote)
        return usage_error("'%s' needs a quote file", o->command);
    return -1;
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
    char gross[QS_DECIMAL_BUFSIZE], id[QS_ECHO_SIZE], currency[QS_ECHO_SIZE];
    printf("%s: quote %s (%s): %zu line%s in %zu department%s, gross %s %s; "
           "%zu errors, %zu approvals, %zu warnings%s\n",
           q->path, qs_diag_echo(id, q->id), q->status_name,
           q->nlines, q->nlines == 1 ? "" : "s",
           q->ndepartments, q->ndepartments == 1 ? "" : "s",
           qs_decimal_format(q->totals.gross, q->minor_digits, gross),
           qs_diag_echo(currency, q->currency),
           qs_diags_count(d, QS_SEV_ERROR),
           qs_diags_count(d, QS_SEV_APPROVAL), qs_diags_count(d, QS_SEV_WARNING),
           status == QS_EXIT_OK ? "" : ": not ready to build");
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

/* The quote's id, gross total, currency and status, for reports. */
static void fill_outcome(const qs_quote *q, outcome *r)
{
    snprintf(r->id, sizeof r->id, "%s", q->package ? q->package : q->id ? q->id : "");
    r->draft = q->draft;
    if (!q->totals.priced)
        return;
    char gross[QS_DECIMAL_BUFSIZE];
    snprintf(r->gross, sizeof r->gross, "%s",
             qs_decimal_format(q->totals.gross, q->minor_digits, gross));
    snprintf(r->currency, sizeof r->currency, "%s", q->currency ? q->currency : "");
}

/* Frees the input documents left (the rules files', later the
 * template's) and the schemas compiled so far, once no later stage reads
 * them: the later stages then reuse that memory instead of fresh pages
 * (the four input formats' schemas alone are about 500 KiB; 0.5 ms less
 * per build, docs/performance.md). A schema needed again is compiled again. A batch
 * worker keeps the schemas: they were compiled before the fork, and
 * freeing them would copy the pages it shares with the parent. */
static void release_inputs(const options *o, qs_inputs *in)
{
    qs_inputs_release_documents(in);
    if (!o->worker)
        qs_input_schemas_free();
}

/* The template the proposal is made with (a display path): -t (SPEC 4)
 * wins over the quote's <template href>, else the standard template under
 * the root, written into fallback[size]. */
static const char *proposal_template(const qs_quote *q, const options *o, char *fallback,
                                     size_t size)
{
    if (o->template_path || q->template_path)
        return o->template_path ? o->template_path : q->template_path;
    snprintf(fallback, size, "%s/" QS_DEFAULT_TEMPLATE, o->root);
    return strcmp(o->root, ".") == 0 ? QS_DEFAULT_TEMPLATE : fallback;
}

/* The template stage: the proposal's document model, made with `tpl`
 * (proposal_template). The template is the data tree's last reader: the
 * tree, and the input documents and schemas no later stage reads, are
 * freed once it is done. */
static bool make_document(qs_quote *q, const options *o, const char *tpl, qs_doc *doc,
                          stage_timer *timer, qs_diags *d)
{
    const qs_origin *tpl_at = o->template_path ? NULL
                            : q->template_path ? &q->template_at : NULL;
    bool ok = qs_template_build(q->in, tpl, tpl_at, q->tree, q->path, o->lang, doc, d);
    qs_quote_free_tree(q);
    release_inputs(o, q->in);
    timer_stop(timer, "template");
    return ok;
}

/* The rendering stages: the document model (freed here) -> layout -> PDF
 * bytes (malloc'd). */
static bool render_document(qs_doc *doc, const qs_pdf_options *popts, unsigned char **pdf,
                            size_t *pdf_size, size_t *pages, stage_timer *timer,
                            qs_diags *d)
{
    qs_layout layout;
    memset(&layout, 0, sizeof layout);
    bool ok = qs_layout_run(doc, &layout, d);
    /* The pages hold copies of every text: only the fonts, images,
     * metadata and watermark of the document model are still needed. */
    qs_doc_release_flow(doc);
    timer_stop(timer, "layout");
    ok = ok && qs_render_pdf_opts(doc, &layout, popts, pdf, pdf_size, d);
    timer_stop(timer, "pdf");
    *pages = layout.npages;
    qs_layout_free(&layout);
    qs_doc_free(doc);
    return ok;
}

/* --depfile: a Makefile rule from the package's files to every file the
 * build read (display paths, in read order). */
static bool write_depfile(const qs_quote *q, const char *outdir, const char *pdf_name,
                          const char *ubl_name, const char *path, qs_diags *d)
{
    char pdf[4608], ubl[4608], manifest[4608];
    snprintf(pdf, sizeof pdf, "%s/%s", outdir, pdf_name);
    snprintf(ubl, sizeof ubl, "%s/%s", outdir, ubl_name);
    snprintf(manifest, sizeof manifest, "%s/manifest.json", outdir);
    const char *targets[] = {pdf, ubl, manifest};
    size_t n = 0;
    for (const qs_input *f = q->in->head; f; f = f->next)
        n++;
    const char **prereqs = qs_xcalloc(n ? n : 1, sizeof *prereqs);
    n = 0;
    for (const qs_input *f = q->in->head; f; f = f->next)
        prereqs[n++] = f->path;
    bool ok = qs_report_depfile(path, targets, 3, prereqs, n, d);
    free(prereqs);
    return ok;
}

/* The package's folder: -o, else out/ID (out/ID-rN from revision 2). */
static void package_dir(const qs_quote *q, const options *o, char *out, size_t size)
{
    if (o->outdir)
        snprintf(out, size, "%s", o->outdir);
    else
        snprintf(out, size, "out/%s", q->package);
}

/* --depfile may name a new file or replace a regular file that is none of
 * the build's files: never an input (the quote itself, a price list: the
 * atomic write would replace it), never a package file, never a device,
 * folder or symlink (/dev/null would become a regular file). Checked
 * before the package is written, so a refused depfile changes nothing.
 * False, with a "usage" error (exit 2), when refused. */
static bool depfile_is_allowed(const qs_quote *q, const char *path, const char *outdir,
                               const qs_output *outs, size_t nouts, qs_diags *d)
{
    struct stat st, other;
    if (lstat(path, &st) != 0)
        return true;   /* a new file (or an error the write will report) */
    const char *clash = NULL, *what = "an input";
    if (!S_ISREG(st.st_mode)) {
        qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "usage",
                    "--depfile '%s' is not a regular file: refusing to replace it", path);
        qs_diags_set_environment_failed(d);
        return false;
    }
    for (const qs_input *f = q->in->head; f && !clash; f = f->next)
        if (stat(f->real ? f->real : f->path, &other) == 0 &&
            other.st_dev == st.st_dev && other.st_ino == st.st_ino)
            clash = f->path;
    for (size_t i = 0; i < nouts && !clash; i++) {
        char out[4608];
        snprintf(out, sizeof out, "%s/%s", outdir, outs[i].name);
        if (stat(out, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino) {
            clash = outs[i].name;
            what = "a package file";
        }
    }
    if (!clash)
        return true;
    qs_diag_add(d, QS_SEV_ERROR, path, 0, 0, "usage",
                "--depfile '%s' is %s of this build ('%s'): refusing to replace it",
                path, what, clash);
    qs_diags_set_environment_failed(d);
    return false;
}

/* The package's documents, made in memory: the UBL and the PDF that
 * embeds it (malloc'd; package_free frees them). */
typedef struct {
    unsigned char *pdf, *ubl;
    size_t pdf_size, ubl_size, pages;
    char pdf_name[512], ubl_name[512];
} package;

static void package_free(package *p)
{
    free(p->pdf);
    free(p->ubl);
}

/* Every stage of build but writing files: the id as a file name, the UBL,
 * sent lock, the template, layout (with glyph coverage) and the PDF,
 * into p. check runs
 * it too, so that a quote check passes is a quote build can make
 * (docs/cli.md). Returns `status`, or the failure's exit status. */
static int make_package(qs_quote *q, const options *o, const char *outdir, int status,
                        stage_timer *timer, qs_diags *d, package *p)
{
    if (!qs_output_name_is_safe(q->id)) {
        char shown[QS_ECHO_SIZE];
        if (strlen(q->id) > QS_OUTPUT_NAME_MAX)
            qs_diag_add(d, QS_SEV_ERROR, q->id_at.file, q->id_at.line, q->id_at.col, "output",
                        "quote id '%s' is %zu bytes long, too long to name output files "
                        "(at most %d)", qs_diag_echo(shown, q->id), strlen(q->id),
                        QS_OUTPUT_NAME_MAX);
        else
            qs_diag_add(d, QS_SEV_ERROR, q->id_at.file, q->id_at.line, q->id_at.col, "output",
                        "quote id '%s' cannot name output files (use letters, digits, "
                        "'-', '_' and '.')", qs_diag_echo(shown, q->id));
        return QS_EXIT_INVALID;
    }
    /* A batch decided the output folder from the id it read first. */
    if (o->worker && (!o->expect_id || !o->outdir || strcmp(o->expect_id, q->package) != 0)) {
        qs_diag_add(d, QS_SEV_ERROR, q->path, 0, 0, "internal",
                    "the quote's id '%s' is not the id the batch read before building",
                    q->package);
        return QS_EXIT_INTERNAL;
    }
    /* A sent package stays as it was sent (SPEC 9): refused before
     * anything is rendered or written. */
    char fallback[4096];
    const char *tpl = proposal_template(q, o, fallback, sizeof fallback);
    qs_lock_options lock = {.template_path = tpl,
                            .template_option = o->template_path != NULL,
                            .lang_option = o->lang != NULL};
    if (!qs_lock_check(outdir, q, &lock, d))
        return QS_EXIT_INVALID;
    snprintf(p->ubl_name, sizeof p->ubl_name, "%s.ubl.xml", q->package);
    snprintf(p->pdf_name, sizeof p->pdf_name, "%s.pdf", q->package);
    /* The UBL first among the attachments: the PDF embeds the same bytes
     * (a hybrid PDF). The products' datasheets after it (SPEC 9), read
     * and vetted when the quote loaded. */
    qs_pdf_attachment *atts = qs_xcalloc(1 + q->ndatasheets, sizeof *atts);
    atts[0] = (qs_pdf_attachment){
        .name = p->ubl_name, .mime = "application/xml",
        .description = "UBL 2.1 Quotation", .relationship = "Alternative",
    };
    for (size_t i = 0; i < q->ndatasheets; i++)
        atts[1 + i] = (qs_pdf_attachment){
            .name = q->datasheets[i].name, .data = q->datasheets[i].file->data,
            .size = q->datasheets[i].file->size, .mime = "application/pdf",
            .description = "Product datasheet", .relationship = "Supplement",
        };
    qs_pdf_options popts = {.attachments = atts, .nattachments = 1 + q->ndatasheets};
    /* The template before the UBL: the data tree is freed after the
     * template stage, so the tree and the UBL text never add up in the
     * memory peak (10,000 lines: 45 MB of tree, 10 MB of UBL). */
    qs_doc doc;
    qs_doc_init(&doc);
    bool made = make_document(q, o, tpl, &doc, timer, d);
    made = made && qs_ubl_write(q, &p->ubl, &p->ubl_size, d);
    timer_stop(timer, "ubl");
    if (made) {
        atts[0].data = p->ubl;
        atts[0].size = p->ubl_size;
        made = render_document(&doc, &popts, &p->pdf, &p->pdf_size, &p->pages, timer, d);
    } else {
        qs_doc_free(&doc);
    }
    free(atts);
    if (!made)
        return d->environment_failed ? QS_EXIT_ENVIRONMENT : QS_EXIT_INVALID;
    return status;
}

/* build: the proposal package, written atomically into the output folder. */
static int build(qs_quote *q, const options *o, int status, stage_timer *timer,
                 qs_diags *d, outcome *r)
{
    char outdir[4096];
    package_dir(q, o, outdir, sizeof outdir);
    package p = {0};
    status = make_package(q, o, outdir, status, timer, d, &p);
    if (status != QS_EXIT_OK) {
        package_free(&p);
        return status;
    }
    qs_output outs[] = {{p.pdf_name, p.pdf, p.pdf_size}, {p.ubl_name, p.ubl, p.ubl_size},
                        {"manifest.json", NULL, 0}};
    bool ok = !o->depfile || depfile_is_allowed(q, o->depfile, outdir, outs, 3, d);
    ok = ok && qs_package_write(outdir, outs, 2, q, d, d);
    r->pages = (unsigned)p.pages;
    if (ok && o->depfile)
        ok = write_depfile(q, outdir, p.pdf_name, p.ubl_name, o->depfile, d);
    if (ok && !o->worker)
        printf("%s/%s: %zu page%s, %zu bytes; %s/%s; %s/manifest.json\n", outdir,
               p.pdf_name, p.pages, p.pages == 1 ? "" : "s", p.pdf_size, outdir, p.ubl_name,
               outdir);
    package_free(&p);
    if (!ok)
        return d->environment_failed ? QS_EXIT_ENVIRONMENT : QS_EXIT_INVALID;
    return status;
}

/* check: build's stages, the package made and dropped. */
static int check(qs_quote *q, const options *o, int status, stage_timer *timer, qs_diags *d)
{
    char outdir[4096];
    package_dir(q, o, outdir, sizeof outdir);
    package p = {0};
    status = make_package(q, o, outdir, status, timer, d, &p);
    package_free(&p);
    return status;
}

static int run(const options *o, qs_diags *d, outcome *r)
{
    qs_inputs in;
    qs_quote q;
    memset(&q, 0, sizeof q);
    stage_timer timer = {0};
    timer_start(&timer);
    bool ok = qs_inputs_init(&in, o->root, o->max_file_size, d) &&
              qs_quote_load(&q, &in, o->quote, d);
    timer_stop(&timer, "load");
    ok = ok && qs_quote_price(&q, d);
    timer_stop(&timer, "price");
    ok = ok && qs_quote_merge(&q, d);
    timer_stop(&timer, "merge");
    if (ok)
        validate(&q, d);
    timer_stop(&timer, "validate");
    /* --lang overrides the document language after validation: rules see
     * the quote as written, the documents the language asked for. */
    if (ok && o->lang) {
        q.lang = o->lang;
        if (!xmlSetProp(xmlDocGetRootElement(q.tree), (const xmlChar *)"lang",
                        (const xmlChar *)o->lang))
            ok = false;
    }
    int status = qs_exit_status(d, q.draft, o->strict);
    if (!ok && status == QS_EXIT_OK)
        status = QS_EXIT_INVALID;
    r->draft = q.draft;
    if (ok)
        fill_outcome(&q, r);

    if (ok && strcmp(o->command, "data") == 0) {
        xmlDocFormatDump(stdout, q.tree, 1);
    } else if (ok && strcmp(o->command, "explain") == 0) {
        if (!qs_explain(&q, o->line, o->json, stdout, d))
            status = QS_EXIT_ENVIRONMENT;
    } else if (ok && strcmp(o->command, "check") == 0) {
        if (status == QS_EXIT_OK) {
            release_inputs(o, &in);
            status = check(&q, o, status, &timer, d);
        }
        print_summary(&q, d, status);
    } else if (strcmp(o->command, "check") == 0) {
        /* A failed check says so in one line too (a CI log's last line). */
        printf("%s: %zu errors, %zu approvals, %zu warnings: not ready to build\n",
               o->quote, qs_diags_count(d, QS_SEV_ERROR), qs_diags_count(d, QS_SEV_APPROVAL),
               qs_diags_count(d, QS_SEV_WARNING));
    } else if (ok && status == QS_EXIT_OK && strcmp(o->command, "build") == 0) {
        /* Validated: the rules files' documents and the input schemas are
         * read no more (the template stage compiles its own schema). */
        release_inputs(o, &in);
        status = build(&q, o, status, &timer, d, r);
        timer_stop(&timer, "package");
    } else {
        timer_stop(&timer, "output");
    }
    if (o->timings && !o->worker)
        fprintf(stderr, "timings: %s\n", timer.report);
    qs_quote_free(&q);
    qs_inputs_free(&in);
    return status;
}

/* A batch worker's build: `build` of one quote into the folder the batch
 * chose (batch.h). */
static int build_in_worker(const qs_batch_job *job, void *ctx, qs_diags *d, outcome *r)
{
    options o = *(const options *)ctx;
    o.command = "build";
    o.quote = job->quote;
    o.outdir = job->outdir;
    o.expect_id = job->id;
    o.worker = true;
    return run(&o, d, r);
}

static int run_batch(options *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    qs_batch_options b = {
        .root = o->root,
        .outdir = o->outdir ? o->outdir : "out",
        .jobs = o->jobs ? o->jobs : cores > 0 ? (unsigned)(cores < 4096 ? cores : 4096) : 1,
        .shard = o->shard,
        .nshards = o->nshards,
        .keep_going = o->keep_going,
        .force = o->force,
        .template_path = o->template_path,
        .lang = o->lang,
        .max_file_size = o->max_file_size,
        .junit = o->junit,
        .format = o->diagnostics == OUT_SARIF ? QS_BATCH_SARIF
                : o->diagnostics == OUT_JSON ? QS_BATCH_JSON : QS_BATCH_TEXT,
        .build = build_in_worker,
        .ctx = o,
    };
    /* Compiled once here, shared by every forked worker. */
    qs_input_schemas_compile();
    return qs_batch_run(o->paths, o->npaths, &b);
}

/* catalog: a price list brochure (docs/catalog.md), written atomically to
 * one file: -o FILE, else out/catalog-ID.pdf. */
static int catalog(const options *o, qs_diags *d)
{
    qs_inputs in;
    if (!qs_inputs_init(&in, o->root, o->max_file_size, d))
        return QS_EXIT_ENVIRONMENT;
    unsigned char *pdf = NULL;
    size_t size = 0;
    char *fallback = NULL;
    const char *out = o->outdir;
    bool ok = qs_catalog_build(&in, o->quote, o->template_path, o->lang, &pdf, &size, d);
    if (ok && !out)
        out = fallback = qs_catalog_output_path(&in, o->quote, d);
    ok = ok && out && qs_output_write_file(out, pdf, size, d);
    if (ok)
        printf("%s: %zu bytes\n", out, size);
    free(fallback);
    free(pdf);
    qs_inputs_free(&in);
    int status = qs_exit_status(d, false, o->strict);
    if (!ok && status == QS_EXIT_OK)
        status = QS_EXIT_INVALID;
    return status;
}

/* diff: two UBL 2.1 quotations compared on stdout (docs/lifecycle.md).
 * Exit 0 equal, 1 different, 2 a bad file, 3 internal. */
static int diff(const options *o, qs_diags *d)
{
    qs_inputs in;
    if (!qs_inputs_init(&in, o->root, o->max_file_size, d))
        return QS_EXIT_ENVIRONMENT;
    qs_buf out = {0};
    qs_diff_result r = qs_diff_files(&in, o->quote, o->new_ubl, o->json, &out, d);
    if (r != QS_DIFF_FAILED)
        fputs(out.s, stdout);
    qs_buf_free(&out);
    qs_inputs_free(&in);
    if (d->internal_failed)
        return QS_EXIT_INTERNAL;
    return r == QS_DIFF_FAILED ? QS_EXIT_ENVIRONMENT : r == QS_DIFF_DIFFERENT ? QS_EXIT_INVALID
                                                                     : QS_EXIT_OK;
}

/* leads: screen a trade-fair list (docs/leads.md). The list's size cap
 * is its own (64 MiB) unless --max-file-size sets one. */
static int leads(const options *o, qs_diags *d)
{
    qs_inputs in;
    if (!qs_inputs_init(&in, o->root, o->max_file_size, d))
        return QS_EXIT_ENVIRONMENT;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    qs_leads_options lo = {
        .csv = o->quote, .rules = o->rules, .customers = o->customers,
        .outdir = o->outdir, .data = o->leads_data, .letters = o->letters, .lang = o->lang,
        .jobs = o->jobs ? o->jobs : cores > 0 ? (unsigned)(cores < 4096 ? cores : 4096) : 1,
        .progress = o->diagnostics == OUT_TEXT && isatty(STDERR_FILENO),
        .max_csv_size = o->max_file_size != QS_DEFAULT_MAX_FILE_SIZE ? o->max_file_size : 0,
    };
    qs_csv_parse_encoding(o->encoding ? o->encoding : "utf-8", &lo.encoding);
    bool ok = qs_leads_run(&in, &lo, stdout, d);
    qs_inputs_free(&in);
    int status = qs_exit_status(d, false, o->strict);
    if (!ok && status == QS_EXIT_OK)
        status = QS_EXIT_INVALID;
    return status;
}

/* report: the won-vs-target report (SPEC 7, docs/report.md). */
static int report(const options *o, qs_diags *d)
{
    qs_salesreport_options r = {
        .paths = o->paths, .npaths = o->npaths, .root = o->root,
        .outcomes = o->outcomes, .targets = o->targets, .period = o->period,
        .as_of = o->as_of, .outdir = o->outdir, .lang = o->lang,
        .max_file_size = o->max_file_size, .jobs = o->jobs, .strict = o->strict,
        .register_path = o->register_path,
    };
    return qs_salesreport_run(&r, d);
}

/* Under a limit on address space (ulimit -v) the stack grows only while
 * memory lasts; a frame that finds none (libharu's font set-up takes
 * about 30 KiB) faults. Such a fault, at an address in the stack's
 * reserved range below where main began, is reported as what it is, out of
 * memory (exit 3), from an alternate stack; any other fault goes to the
 * handler there was before (the default, or a sanitizer's). */
static char *stack_top;
static struct sigaction fault_before;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    struct rlimit rl;
    char *at = si->si_addr;
    size_t reach = getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                 ? (size_t)rl.rlim_cur : (size_t)8 << 20;
    if (at < stack_top && (size_t)(stack_top - at) <= reach) {
        static const char msg[] = "quotesmith: out of memory\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(QS_EXIT_INTERNAL);
    }
    sigaction(sig, &fault_before, NULL);   /* the fault repeats there */
}

static void report_stack_exhaustion(void)
{
    static char alt[64 * 1024];
    char here;
    stack_top = &here;
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    if (sigaltstack(&ss, NULL) == 0)
        sigaction(SIGSEGV, &sa, &fault_before);
}

int main(int argc, char **argv)
{
    /* A file size limit (ulimit -f) must fail the write with EFBIG, which
     * the atomic writer reports and rolls back (exit 2, no temporary
     * left), instead of killing the process mid-write with SIGXFSZ.
     * Batch workers inherit this. */
    signal(SIGXFSZ, SIG_IGN);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return QS_EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("quotesmith %s (libxml2 %s)\n", QS_VERSION, LIBXML_DOTTED_VERSION);
            return QS_EXIT_OK;
        }
    }
    options o;
    int status = parse_args(argc, argv, &o);
    if (status >= 0) {
        free(o.paths);
        return status;
    }

    report_stack_exhaustion();
    qs_xml_memory_watch(/*stop*/true);
    json_set_alloc_funcs(qs_xmalloc, free);   /* out of memory: exit 3 there too */
    xmlInitParser();
    if (is_command(o.command, "batch")) {
        status = run_batch(&o);
        free(o.paths);
        qs_input_schemas_free();
        xmlCleanupParser();
        return status;
    }
    qs_diags d;
    qs_diags_init(&d);
    outcome r;
    memset(&r, 0, sizeof r);
    status = is_command(o.command, "diff")      ? diff(&o, &d)
             : is_command(o.command, "leads")   ? leads(&o, &d)
             : is_command(o.command, "report")  ? report(&o, &d)
             : is_command(o.command, "catalog") ? catalog(&o, &d)
                                                : run(&o, &d, &r);
    qs_diags_sort(&d);
    if (o.diagnostics == OUT_SARIF) {
        qs_report_case c = {.quote = o.quote, .diags = &d, .draft = r.draft};
        qs_report_sarif(&c, 1, stderr);
    } else if (o.diagnostics == OUT_JSON) {
        qs_diags_print_json(&d, stderr);
    } else {
        qs_diags_print_text(&d, stderr);
    }
    qs_diags_free(&d);
    free(o.paths);
    qs_input_schemas_free();
    xmlCleanupParser();
    return status;
}
