/* salesreport: the `report` command (salesreport.h, docs/report.md). */
#include "salesreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "batch.h"
#include "exitcode.h"
#include "input.h"
#include "layout.h"
#include "package.h"
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

/* Loads every quote into h: its figures, or it is counted as failed. */
static bool load_quotes(qs_sales_history *h, const qs_salesreport_options *o, qs_diags *d)
{
    char **paths;
    size_t n;
    bool ok = qs_batch_find_quotes(o->paths, o->npaths, &paths, &n, d);
    if (ok && n == 0) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "usage", "no quote.xml found");
        qs_diags_set_environment_failed(d);
        ok = false;
    }
    for (size_t i = 0; ok && i < n; i++)
        qs_sales_load_quote(h, o->root, o->max_file_size, paths[i], NULL, d);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
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
    if (!load_quotes(&h, o, d))
        status = QS_EXIT_ENVIRONMENT;
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
