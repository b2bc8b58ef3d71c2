/* salesreport: the `report` command (salesreport.h, docs/report.md). */
#include "salesreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "exitcode.h"
#include "input.h"
#include "layout.h"
#include "package.h"
#include "pool.h"
#include "register.h"
#include "render_pdf.h"
#include "sales.h"
#include "template.h"

static int usage(qs_diags *d, const char *fmt, const char *arg)
{
    qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "usage", fmt, arg);
    qs_diags_set_environment_failed(d);
    return QS_EXIT_ENVIRONMENT;
}

/* The template's display path: templates/report/template.xml under the
 * root (as main.c finds the standard template). */
static void template_path(const char *root, char *out, size_t size)
{
    if (strcmp(root, ".") == 0)
        snprintf(out, size, "templates/report/template.xml");
    else
        snprintf(out, size, "%s/templates/report/template.xml", root);
}

/* template -> layout -> PDF of one figures tree; *pdf malloc'd. */
static bool render(qs_inputs *in, const char *tpl, const qs_sales_figures *f,
                   const char *lang, unsigned char **pdf, size_t *size, qs_diags *d)
{
    xmlDoc *tree = qs_sales_tree(f, lang);
    qs_doc doc;
    qs_layout layout;
    qs_doc_init(&doc);
    memset(&layout, 0, sizeof layout);
    bool ok = qs_template_build(in, tpl, NULL, tree, "report", lang, &doc, d) &&
              qs_layout_run(&doc, &layout, d) && qs_render_pdf(&doc, &layout, pdf, size, d);
    qs_layout_free(&layout);
    qs_doc_free(&doc);
    xmlFreeDoc(tree);
    return ok;
}

/* "report-NAME.pdf" from a manager's name: ASCII letters and digits kept,
 * every other run of bytes one '-'; a name already taken gets "-2", "-3". */
static char *manager_file(qs_arena *a, const char *manager, const qs_output *outs, size_t n)
{
    char slug[96];
    size_t len = 0;
    /* German letters as they are written without them. */
    static const char *const umlauts[][2] = {{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"},
        {"Ä", "Ae"}, {"Ö", "Oe"}, {"Ü", "Ue"}, {"ß", "ss"}};
    for (const char *p = manager; *p && len < 80;) {
        bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9');
        size_t u = 0;
        while (u < 7 && strncmp(p, umlauts[u][0], 2) != 0)
            u++;
        if (keep) {
            slug[len++] = *p++;
        } else if (u < 7) {
            memcpy(slug + len, umlauts[u][1], 2);
            len += 2;
            p += 2;
        } else {
            if (len && slug[len - 1] != '-')
                slug[len++] = '-';
            p++;
        }
    }
    while (len && slug[len - 1] == '-')
        len--;
    slug[len] = '\0';
    for (int k = 1;; k++) {
        char *name = k == 1 ? qs_arena_printf(a, "report-%s.pdf", len ? slug : "team")
                            : qs_arena_printf(a, "report-%s-%d.pdf", len ? slug : "team", k);
        bool taken = false;
        for (size_t i = 0; i < n && !taken; i++)
            taken = strcmp(outs[i].name, name) == 0;
        if (!taken)
            return name;
    }
}

/* Today's date (the only clock read; tests always pass --as-of). */
static void today(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(out, 32, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday);
}

/* True when --register's `file` resolves inside the project root (`root`,
 * resolved) or OUTDIR (SPEC 6); else a [path-outside-root] error (exit 2). */
static bool register_is_inside(const char *file, const char *outdir, const char *root,
                               qs_diags *d)
{
    char *real = qs_path_real(file);
    char *outdir_real = qs_path_real(outdir);
    bool inside = qs_path_below(real, root) ||
                  (outdir_real && qs_path_below(real, outdir_real));
    if (!inside && real)
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "path-outside-root",
                    "--register '%s' resolves to '%s', outside the project root '%s' and "
                    "OUTDIR '%s' (name a file inside either; choose the root with --root)",
                    file, real, root, outdir);
    else if (!inside)
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "path-outside-root",
                    "--register '%s' leads outside the project root '%s' and OUTDIR '%s' "
                    "(name a file inside either; choose the root with --root)",
                    file, root, outdir);
    if (!inside)
        qs_diags_set_environment_failed(d);
    free(real);
    free(outdir_real);
    return inside;
}

/* The register's file, into out[size] (docs/report.md, "Where the
 * register lives"): --register, when it is inside the root or OUTDIR;
 * else report-register.sqlite in the folder that holds OUTDIR, which the
 * reports of every period share, when that folder is inside the project
 * root, and in OUTDIR itself when it is not. False after an error. */
static bool register_file(const qs_salesreport_options *o, const char *outdir,
                          const char *root, char *out, size_t size, qs_diags *d)
{
    if (o->register_path) {
        snprintf(out, size, "%s", o->register_path);
        return register_is_inside(o->register_path, outdir, root, d);
    }
    size_t len = strlen(outdir);
    while (len > 1 && outdir[len - 1] == '/')
        len--;
    size_t base = len;   /* the parent's length, its '/' included */
    while (base > 0 && outdir[base - 1] != '/')
        base--;
    char *parent = qs_xmalloc(base + 2);
    snprintf(parent, base + 2, "%.*s", (int)base, base ? outdir : ".");
    char *real = qs_path_real(parent);
    if (qs_path_below(real, root))
        snprintf(out, size, "%.*sreport-register.sqlite", (int)base, outdir);
    else
        snprintf(out, size, "%.*s/report-register.sqlite", (int)len, outdir);
    free(real);
    free(parent);
    return true;
}

/* The quotes of a run, and what the workers loading the stale ones share. */
typedef struct {
    const qs_salesreport_options *o;
    const char *register_file;
    char **paths;              /* every quote file, in the order found */
    size_t npaths;
    size_t *stale;             /* positions in paths of the quotes to load */
    size_t nstale, chunk;      /* chunk: quotes per worker task */
    char **failed_id;          /* per path: the id of a quote that failed ("" when
                                  unknown), else NULL */
    qs_diags *d;
    bool broken;               /* a worker could not finish its task */
} loading;

/* A worker: loads and prices task t's quotes and stores their figures in
 * the register, in one transaction. The payload names the ones that
 * failed: "POSITION\0ID\0" each (an XML id holds no NUL). */
static int load_chunk(size_t t, void *ctx, qs_diags *d, qs_buf *payload)
{
    loading *L = ctx;
    qs_register *r = qs_register_open(L->register_file, false, d);
    bool ok = r && qs_register_begin(r, true, d);
    qs_sales_history h;
    qs_sales_history_init(&h);
    size_t end = (t + 1) * L->chunk < L->nstale ? (t + 1) * L->chunk : L->nstale;
    for (size_t k = t * L->chunk; ok && k < end; k++) {
        const char *path = L->paths[L->stale[k]];
        qs_inputs in;
        if (!qs_inputs_init(&in, L->o->root, L->o->max_file_size, d)) {
            ok = false;
            break;
        }
        if (qs_sales_load_quote(&h, &in, path, d)) {
            char key[QS_SHA256_HEX_SIZE], *deps;
            qs_register_key(&in, key, &deps);
            ok = qs_register_put(r, key, deps, &h.quotes[h.nquotes - 1], d);
            free(deps);
        } else {
            const char *id = h.failed[h.nfailed - 1].id;
            qs_buf_printf(payload, "%zu", L->stale[k]);
            qs_buf_add(payload, "", 1);
            qs_buf_add(payload, id ? id : "", strlen(id ? id : "") + 1);
        }
        qs_inputs_free(&in);
    }
    ok = ok && qs_register_commit(r, d);
    qs_register_close(r);
    qs_sales_history_free(&h);
    return ok ? 0 : 2;
}

static qs_diags *chunk_sink(size_t t, void *ctx)
{
    (void)t;
    return ((loading *)ctx)->d;
}

static bool chunk_done(size_t t, void *ctx, const qs_pool_result *res)
{
    loading *L = ctx;
    bool ok = qs_pool_succeeded(res);
    if (!res->started)
        qs_diag_add(L->d, QS_SEV_ERROR, NULL, 0, 0, "internal",
                    "cannot start a worker process: %s", strerror(res->error));
    else if (!WIFEXITED(res->wait_status))
        qs_diag_add(L->d, QS_SEV_ERROR, NULL, 0, 0, "internal", "the worker loading quotes "
                    "%zu to %zu was killed by signal %d", t * L->chunk + 1,
                    (t + 1) * L->chunk, WTERMSIG(res->wait_status));
    for (const char *p = res->payload, *end = p + res->size; ok && p < end;) {
        size_t at = (size_t)strtoull(p, NULL, 10);
        p += strlen(p) + 1;
        if (p < end && at < L->npaths && !L->failed_id[at])
            L->failed_id[at] = qs_xstrdup(p);
        p += p < end ? strlen(p) + 1 : 0;
    }
    L->broken |= !ok;
    return ok;
}

/* Loads the stale quotes on the worker pool, into the register. */
static bool load_stale(loading *L)
{
    unsigned jobs = L->o->jobs;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (unsigned)(cores < 64 ? cores : 64) : 1;
    }
    /* About eight tasks per worker, at most 100 quotes each: even loads,
     * and a killed run loses at most a task's work per worker. */
    L->chunk = L->nstale / ((size_t)jobs * 8);
    L->chunk = L->chunk < 1 ? 1 : L->chunk > 100 ? 100 : L->chunk;
    qs_input_schemas_compile();   /* once, shared by the forked workers */
    qs_pool p = {.count = (L->nstale + L->chunk - 1) / L->chunk, .jobs = jobs,
                 .run = load_chunk, .sink = chunk_sink, .done = chunk_done, .ctx = L};
    qs_pool_run(&p);
    if (L->broken)
        qs_diags_set_environment_failed(L->d);
    return !L->broken;
}

/* Gets every quote's figures into h: from the register when its inputs
 * are unchanged, else by loading and pricing it on the workers (which
 * store them in the register); a quote that fails is counted as failed. */
static bool load_quotes(qs_sales_history *h, const qs_salesreport_options *o,
                        const char *outdir, const char *root, qs_diags *d)
{
    char file[4096], folder[4096];
    loading L = {.o = o, .register_file = file, .d = d};
    size_t n;
    if (!register_file(o, outdir, root, file, sizeof file, d))
        return false;
    snprintf(folder, sizeof folder, "%s", file);
    char *slash = strrchr(folder, '/');
    if (slash)
        *slash = '\0';
    bool ok = qs_batch_find_quotes(o->paths, o->npaths, &L.paths, &n, d);
    L.npaths = n;
    if (ok && n == 0) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "usage", "no quote.xml found");
        qs_diags_set_environment_failed(d);
        ok = false;
    }
    ok = ok && (!slash || !*folder || qs_output_make_dirs(folder, d));
    qs_register *r = ok ? qs_register_open(file, true, d) : NULL;
    L.stale = qs_xcalloc(n ? n : 1, sizeof *L.stale);
    L.failed_id = qs_xcalloc(n ? n : 1, sizeof *L.failed_id);
    ok = r && qs_register_begin(r, false, d);
    for (size_t i = 0; ok && i < n; i++)
        if (!qs_register_is_fresh(r, o->root, o->max_file_size, L.paths[i]))
            L.stale[L.nstale++] = i;
    ok = ok && qs_register_commit(r, d);
    qs_register_close(r);   /* never carried across the workers' fork */
    ok = ok && (L.nstale == 0 || load_stale(&L));
    r = ok ? qs_register_open(file, false, d) : NULL;
    ok = r && qs_register_begin(r, false, d);
    for (size_t i = 0; ok && i < n; i++) {
        if (L.failed_id[i])
            qs_sales_add_failed(h, L.paths[i], *L.failed_id[i] ? L.failed_id[i] : NULL);
        else
            ok = qs_register_get(r, L.paths[i], h, d);
    }
    ok = ok && qs_register_commit(r, d);
    qs_register_close(r);
    for (size_t i = 0; i < n; i++) {
        free(L.paths[i]);
        free(L.failed_id[i]);
    }
    free(L.paths);
    free(L.failed_id);
    free(L.stale);
    return ok;
}

/* Renders and writes every output; false after diagnostics. */
static bool write_outputs(qs_sales_history *h, qs_inputs *in, const qs_sales_period *p,
                          const char *as_of, const char *lang, const char *outdir,
                          const char *root, qs_diags *d)
{
    qs_arena a;
    qs_arena_init(&a);
    size_t nfiles = 3 + h->nteams, n = 0;
    qs_output *outs = qs_arena_array(&a, nfiles, sizeof *outs);
    unsigned char **owned = qs_arena_array(&a, nfiles, sizeof *owned);
    char tpl[4096];
    template_path(root, tpl, sizeof tpl);

    qs_sales_figures *all = qs_sales_figures_new(h, p, as_of, NULL);
    size_t size;
    owned[n] = (unsigned char *)qs_sales_json(all, &size);
    outs[n] = (qs_output){"report.json", owned[n], size};
    n++;
    owned[n] = (unsigned char *)qs_sales_csv(all, &size);
    outs[n] = (qs_output){"report.csv", owned[n], size};
    n++;
    bool ok = render(in, tpl, all, lang, &owned[n], &size, d);
    outs[n] = (qs_output){"report.pdf", owned[n], size};
    n++;
    qs_sales_figures_free(all);
    for (size_t t = 0; ok && t < h->nteams; t++) {
        qs_sales_figures *f = qs_sales_figures_new(h, p, as_of, &h->teams[t]);
        ok = render(in, tpl, f, lang, &owned[n], &size, d);
        outs[n] = (qs_output){manager_file(&a, h->teams[t].manager, outs, n), owned[n], size};
        n++;
        qs_sales_figures_free(f);
    }
    ok = ok && qs_output_write(outdir, outs, n, d);
    if (ok)
        for (size_t i = 0; i < n; i++)
            printf("%s/%s: %zu bytes\n", outdir, outs[i].name, outs[i].size);
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    qs_arena_free(&a);
    return ok;
}

int qs_salesreport_run(const qs_salesreport_options *o, qs_diags *d)
{
    char as_of[32], quarter[16], outdir[4096], shown[QS_ECHO_SIZE];
    if (o->as_of && !qs_sales_is_date(o->as_of))
        return usage(d, "--as-of needs a calendar date YYYY-MM-DD, not '%s'",
                     qs_diag_echo(shown, o->as_of));
    if (o->as_of)
        snprintf(as_of, sizeof as_of, "%s", o->as_of);
    else
        today(as_of);
    snprintf(quarter, sizeof quarter, "%.4s-Q%d", as_of, (atoi(as_of + 5) - 1) / 3 % 4 + 1);
    qs_sales_period p;
    if (!qs_sales_period_parse(o->period ? o->period : quarter, &p))
        return usage(d, "--period needs YYYY, YYYY-Qn or YYYY-MM, not '%s'",
                     qs_diag_echo(shown, o->period ? o->period : quarter));
    if (o->outdir)
        snprintf(outdir, sizeof outdir, "%s", o->outdir);
    else
        snprintf(outdir, sizeof outdir, "out/report-%s", p.text);
    const char *lang = o->lang ? o->lang : "de";

    qs_sales_history h;
    qs_sales_history_init(&h);
    qs_inputs in;
    int status = QS_EXIT_OK;
    if (!qs_inputs_init(&in, o->root, o->max_file_size, d)) {
        qs_sales_history_free(&h);
        return QS_EXIT_ENVIRONMENT;
    }
    if (!load_quotes(&h, o, outdir, in.root, d))
        status = d->environment_failed ? QS_EXIT_ENVIRONMENT : QS_EXIT_INTERNAL;
    else if (h.nfailed && o->strict)
        status = QS_EXIT_INVALID;
    else if (!qs_sales_load_plan(&h, &in, o->outcomes, o->targets, d))
        status = d->environment_failed ? QS_EXIT_ENVIRONMENT : QS_EXIT_INVALID;
    else if (!write_outputs(&h, &in, &p, as_of, lang, outdir, o->root, d))
        status = d->environment_failed ? QS_EXIT_ENVIRONMENT : QS_EXIT_INVALID;
    if (h.nfailed)
        qs_diag_add(d, o->strict ? QS_SEV_ERROR : QS_SEV_WARNING, NULL, 0, 0, "quote-failed",
                    "%zu of %zu quotes did not load: %s", h.nfailed, h.nfailed + h.nquotes,
                    o->strict ? "no report is written (--strict)"
                              : "left out of the report, which lists them");
    qs_inputs_free(&in);
    qs_sales_history_free(&h);
    return status;
}
