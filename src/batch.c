/* batch: many quotes, one worker process each; see batch.h. */
#include "batch.h"
#include "package.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "arena.h"
#include "buf.h"
#include "exitcode.h"
#include "format.h"
#include "input.h"
#include "values.h"
#include "pool.h"
#include "report.h"
#include "json.h"
#include "sha256.h"
#include "version.h"

/* One quote of the batch, from discovery to the summary. */
typedef struct {
    char *path;            /* display path */
    char *real;            /* resolved absolute path, or NULL */
    const char *rel;       /* path relative to the root (into real), or NULL */
    char *id;              /* read before building, or NULL */
    char *lang;            /* the quote's lang, read with the id, or NULL */
    char *outdir;          /* OUTDIR/ID, or NULL */
    bool selected;         /* in this shard and not a duplicate */
    qs_diags diags;        /* from the worker, or from the batch itself */
    qs_batch_outcome outcome;
    qs_case_result result;
    int code;
    bool done;
    double seconds;
} entry;

typedef struct {
    entry *items;
    size_t count, cap;
} entry_list;

uint64_t qs_batch_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* A decimal number of 1 to 7 digits, nothing else. */
static bool parse_count(const char *s, size_t len, unsigned *out)
{
    if (len == 0 || len > 7)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool qs_batch_parse_shard(const char *text, unsigned *shard, unsigned *nshards)
{
    const char *slash = strchr(text, '/');
    unsigned i, n;
    if (!slash || !parse_count(text, (size_t)(slash - text), &i) ||
        !parse_count(slash + 1, strlen(slash + 1), &n))
        return false;
    if (i < 1 || n < 1 || i > n || n > 1000000)
        return false;
    *shard = i;
    *nshards = n;
    return true;
}

/* ---- finding the quotes ---- */

static void add_entry(entry_list *l, const char *path)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = qs_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    entry *e = &l->items[l->count++];
    memset(e, 0, sizeof *e);
    e->path = qs_xstrdup(path);
}

static char *join(const char *dir, const char *name)
{
    qs_buf b = {0};
    if (strcmp(dir, ".") != 0) {
        qs_buf_puts(&b, dir);
        if (b.len == 0 || b.s[b.len - 1] != '/')
            qs_buf_puts(&b, "/");
    }
    qs_buf_puts(&b, name);
    return b.s;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* Adds every quote.xml below `dir`. Hidden folders and symlinked folders
 * are not entered, so the search never leaves the tree it was given. */
static bool walk(entry_list *l, const char *dir, qs_diags *d)
{
    DIR *h = opendir(dir);
    if (!h) {
        qs_diag_add(d, QS_SEV_ERROR, dir, 0, 0, "usage", "cannot search this folder: %s",
                    strerror(errno));
        qs_diags_set_environment_failed(d);
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while ((de = readdir(h)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *path = join(dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                ok = walk(l, path, d) && ok;
            else if (strcmp(de->d_name, "quote.xml") == 0 &&
                     (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
                                              S_ISREG(st.st_mode))))
                add_entry(l, path);
        }
        free(path);
    }
    closedir(h);
    return ok;
}

/* Every quote named by the arguments: a file as it is, a folder searched;
 * each argument's quotes sorted by path (bytewise), arguments in order. */
static bool find_quotes(char *const *paths, size_t npaths, entry_list *l, qs_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        size_t first = l->count;
        if (stat(paths[i], &st) != 0) {
            qs_diag_add(d, QS_SEV_ERROR, paths[i], 0, 0, "file-not-found",
                        "no such file or folder: %s", strerror(errno));
            qs_diags_set_environment_failed(d);
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = walk(l, paths[i], d) && ok;
        } else {
            add_entry(l, paths[i]);
        }
        qsort(l->items + first, l->count - first, sizeof *l->items, compare_paths);
    }
    return ok;
}

bool qs_batch_find_quotes(char *const *paths, size_t npaths, char ***quotes, size_t *n,
                          qs_diags *d)
{
    entry_list l = {0};
    bool ok = find_quotes(paths, npaths, &l, d);
    *quotes = qs_xcalloc(l.count ? l.count : 1, sizeof **quotes);
    for (size_t i = 0; i < l.count; i++)
        (*quotes)[i] = l.items[i].path;
    *n = l.count;
    free(l.items);
    return ok;
}

/* ---- before building: real paths, ids, collisions, the shard ---- */

/* The name of the quote's package: its id attribute, with "-rN" from
 * revision="N" 2 on (SPEC 9; a revision that is not a plain number is
 * left to the worker to report), read with a streaming parser that stops
 * at the root element; NULL for a document with a DOCTYPE or that does
 * not parse that far (the worker reports why). Its lang attribute into
 * *lang (malloc'd, or NULL), for the up-to-date check. */
static char *read_id(const char *path, size_t max_size, char **lang)
{
    unsigned char *data;
    size_t size;
    *lang = NULL;
    if (qs_file_read(path, max_size, &data, &size) != QS_READ_OK)
        return NULL;
    char *id = NULL;
    xmlTextReaderPtr r = xmlReaderForMemory((const char *)data, (int)size, path, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                            XML_PARSE_NOWARNING);
    while (r && xmlTextReaderRead(r) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            break;
        if (type == XML_READER_TYPE_ELEMENT) {
            xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)"id");
            xmlChar *rev = xmlTextReaderGetAttribute(r, (const xmlChar *)"revision");
            xmlChar *l = xmlTextReaderGetAttribute(r, (const xmlChar *)"lang");
            *lang = l ? qs_xstrdup((const char *)l) : NULL;
            xmlFree(l);
            unsigned n = 1;
            if (rev)
                qs_revision_parse((const char *)rev, &n);
            if (v) {
                id = qs_xmalloc(strlen((const char *)v) + 16);
                strcpy(id, (const char *)v);
                if (n >= 2)
                    sprintf(id + strlen(id), "-r%u", n);
            }
            xmlFree(v);
            xmlFree(rev);
            break;
        }
    }
    xmlFreeTextReader(r);
    free(data);
    return id;
}

static int compare_real(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    int c = strcmp(x->real ? x->real : x->path, y->real ? y->real : y->path);
    return c ? c : (x < y ? -1 : x > y);
}

static int compare_ids(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x < y ? -1 : x > y);
}

/* Resolves every quote, drops repeats of one file, reads the ids, marks
 * every quote whose id another quote has too (across all shards, so the
 * shards' outputs merge without collisions), and selects this shard. */
static void prepare(entry_list *l, const char *root_real, const qs_batch_options *o)
{
    entry **order = qs_xmalloc((l->count ? l->count : 1) * sizeof *order);
    for (size_t i = 0; i < l->count; i++) {
        entry *e = &l->items[i];
        qs_diags_init(&e->diags);
        e->selected = true;
        e->real = realpath(e->path, NULL);
        e->rel = qs_path_below(e->real, root_real);
        if (e->rel)
            e->id = read_id(e->path, o->max_file_size, &e->lang);
        order[i] = e;
    }
    qsort(order, l->count, sizeof *order, compare_real);
    for (size_t i = 1; i < l->count; i++)
        if (order[i]->real && order[i - 1]->real && strcmp(order[i]->real, order[i - 1]->real) == 0)
            order[i]->selected = false;

    size_t nids = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].selected && l->items[i].id)
            order[nids++] = &l->items[i];
    qsort(order, nids, sizeof *order, compare_ids);
    for (size_t i = 0; i < nids; i++) {
        entry *e = order[i];
        entry *other = i > 0 && strcmp(order[i - 1]->id, e->id) == 0 ? order[i - 1]
                     : i + 1 < nids && strcmp(order[i + 1]->id, e->id) == 0 ? order[i + 1]
                     : NULL;
        if (other) {
            qs_diag_add(&e->diags, QS_SEV_ERROR, e->path, 0, 0, "id-collision",
                        "quote id '%s' is also the id of %s; both would be built into "
                        "%s/%s, so neither is built", e->id, other->path, o->outdir, e->id);
            e->result = QS_CASE_FAILED;
            e->code = 1;
            e->done = true;
        } else if (qs_output_name_is_safe(e->id)) {
            e->outdir = join(o->outdir, e->id);
        }
    }
    free(order);

    for (size_t i = 0; i < l->count; i++) {
        entry *e = &l->items[i];
        const char *key = e->rel ? e->rel : e->path;
        if (o->nshards > 1 && qs_batch_hash(key) % o->nshards != o->shard - 1)
            e->selected = false;
    }
}

/* ---- up to date? ---- */

/* True when the file has exactly this SHA-256. */
static bool has_hash(const char *path, const char *hex, size_t max_size)
{
    unsigned char *data;
    size_t size;
    if (qs_file_read(path, max_size, &data, &size) != QS_READ_OK)
        return false;
    char now[QS_SHA256_HEX_SIZE];
    qs_sha256_hex(data, size, now);
    free(data);
    return strcmp(now, hex) == 0;
}

/* Checks each {KEY, "sha256"} object of the manifest's array `files`:
 * KEY names a file below `dir`. Sets *saw_quote when `quote_rel` is one of
 * them. Returns false on the first file that differs, and when there is
 * none at all. */
static bool files_unchanged(const json_t *files, const char *key, const char *dir,
                            const char *quote_rel, size_t max_size, bool *saw_quote)
{
    size_t n = json_array_size(files);
    for (size_t i = 0; i < n; i++) {
        const json_t *f = json_array_get(files, i);
        const char *name = qs_json_get_string(f, key);
        const char *hex = qs_json_get_string(f, "sha256");
        if (!name || !hex || name[0] == '/')
            return false;
        char *path = join(dir, name);
        bool same = has_hash(path, hex, max_size);
        free(path);
        if (saw_quote && strcmp(name, quote_rel) == 0)
            *saw_quote = true;
        if (!same)
            return false;
    }
    return n > 0;
}

/* True when the manifest's "template" is the one this run uses: the -t
 * file (`template_rel`, root-relative; "" when it does not resolve) or,
 * without -t (NULL), any template the quote named (its changes show in the
 * inputs' hashes). A manifest without "template" never matches -t. */
static bool template_matches(const json_t *manifest, const char *template_rel)
{
    const json_t *t = json_object_get(manifest, "template");
    if (!t)
        return !template_rel;
    const char *path = qs_json_get_string(t, "path");
    const char *from = qs_json_get_string(t, "from");
    return path && from &&
           (template_rel ? strcmp(path, template_rel) == 0 : strcmp(from, "quote") == 0);
}

static void copy_value(char *dst, size_t size, const char *value)
{
    snprintf(dst, size, "%s", value ? value : "");
}

bool qs_batch_is_up_to_date(const char *outdir, const char *root, const char *quote_rel,
                            const char *template_rel, const char *lang,
                            size_t max_file_size, qs_batch_outcome *out)
{
    char *manifest_path = join(outdir, "manifest.json");
    unsigned char *data;
    size_t size;
    qs_read_status st = qs_file_read(manifest_path, max_file_size, &data, &size);
    free(manifest_path);
    if (st != QS_READ_OK)
        return false;
    json_t *m = qs_json_load(data, size);
    free(data);
    const char *version = qs_json_get_string(m, "version");
    bool saw_quote = false;
    bool ok = version && strcmp(version, QS_VERSION) == 0 &&
              template_matches(m, template_rel) &&
              lang && qs_json_get_string(m, "lang") &&
              strcmp(qs_json_get_string(m, "lang"), lang) == 0 &&
              files_unchanged(json_object_get(m, "inputs"), "path", root, quote_rel,
                              max_file_size, &saw_quote) &&
              saw_quote &&
              files_unchanged(json_object_get(m, "outputs"), "name", outdir, "",
                              max_file_size, NULL);
    if (ok) {
        copy_value(out->currency, sizeof out->currency, qs_json_get_string(m, "currency"));
        copy_value(out->gross, sizeof out->gross,
                   qs_json_get_string(json_object_get(m, "totals"), "gross"));
        const char *status = qs_json_get_string(m, "status");
        out->draft = status && strcmp(status, "draft") == 0;
    }
    json_decref(m);
    return ok;
}

/* ---- the workers ---- */

/* What the pool's callbacks share. */
typedef struct {
    entry_list *l;
    const char *root_real;
    const char *template_rel; /* -t below the root, "" outside it; NULL without -t */
    const qs_batch_options *o;
    struct progress *pr;
} pool_ctx;

/* What a worker sends back (its payload): whether the quote was skipped
 * as up to date, and the outcome (plain bytes: the worker is a fork). */
typedef struct {
    bool skipped;
    qs_batch_outcome outcome;
} reply;

/* The worker: skips the quote when it is up to date, builds it otherwise;
 * the outcome goes into the payload, the exit status is returned. */
static int work(size_t i, void *ctx, qs_diags *d, qs_buf *payload)
{
    const pool_ctx *c = ctx;
    const entry *e = &c->l->items[i];
    const qs_batch_options *o = c->o;
    reply r;
    memset(&r, 0, sizeof r);
    qs_batch_job job = {e->path, e->id, e->outdir};
    r.skipped = !o->force && e->outdir && e->rel &&
                qs_batch_is_up_to_date(e->outdir, c->root_real, e->rel, c->template_rel,
                                       o->lang ? o->lang : e->lang, o->max_file_size,
                                       &r.outcome);
    int status = 0;
    if (r.skipped)
        snprintf(r.outcome.id, sizeof r.outcome.id, "%s", e->id);
    else
        status = o->build(&job, o->ctx, d, &r.outcome);
    qs_buf_add(payload, (const char *)&r, sizeof r);
    return status;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Records what became of e's quote when its worker ended. */
static void finish(entry *e, const qs_pool_result *r)
{
    e->seconds = r->seconds;
    int ws = r->wait_status;
    bool have_result = r->replied && r->size == sizeof(reply);
    if (have_result) {
        reply rp;
        memcpy(&rp, r->payload, sizeof rp);
        e->result = rp.skipped ? QS_CASE_SKIPPED : QS_CASE_BUILT;
        e->outcome = rp.outcome;
    }
    if (WIFSIGNALED(ws)) {
        e->result = QS_CASE_CRASHED;
        e->code = WTERMSIG(ws);
        qs_diag_add(&e->diags, QS_SEV_ERROR, e->path, 0, 0, "internal",
                    "the worker building this quote was killed by signal %d (%s)", e->code,
                    strsignal(e->code));
    } else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || !have_result) {
        e->result = QS_CASE_FAILED;
        e->code = WIFEXITED(ws) && WEXITSTATUS(ws) ? WEXITSTATUS(ws) : 3;
    }
    e->done = true;
}

/* True when the quote was refused because its package is a sent one
 * (SPEC 9): the result then says so instead of the exit status. */
static bool is_sent_locked(const entry *e)
{
    for (size_t i = 0; i < e->diags.count; i++)
        if (strcmp(e->diags.items[i].rule, "sent-locked") == 0)
            return true;
    return false;
}

static const char *result_text(const entry *e, char *buf, size_t size)
{
    switch (e->result) {
    case QS_CASE_BUILT: return "built";
    case QS_CASE_SKIPPED: return "skipped (up to date)";
    case QS_CASE_FAILED:
        if (is_sent_locked(e))
            return "failed (sent-locked)";
        snprintf(buf, size, "failed (exit %d)", e->code);
        return buf;
    case QS_CASE_CRASHED: snprintf(buf, size, "crashed (signal %d)", e->code); return buf;
    case QS_CASE_NOT_STARTED: return "not started";
    }
    return "";
}

/* Progress: a line rewritten in place on a terminal, one plain line per
 * quote otherwise; nothing when stderr carries JSON or SARIF. */
typedef struct progress {
    bool tty, plain;
    size_t total, finished, built, skipped, failed;
} progress;

static void progress_show(progress *p, const entry *e)
{
    p->finished++;
    p->built += e->result == QS_CASE_BUILT;
    p->skipped += e->result == QS_CASE_SKIPPED;
    p->failed += e->result == QS_CASE_FAILED || e->result == QS_CASE_CRASHED;
    char buf[64];
    if (p->tty)
        fprintf(stderr, "\r\033[K[%zu/%zu] %zu built, %zu skipped, %zu failed", p->finished,
                p->total, p->built, p->skipped, p->failed);
    else if (p->plain)
        fprintf(stderr, "batch: [%zu/%zu] %s: %s\n", p->finished, p->total, e->path,
                result_text(e, buf, sizeof buf));
    fflush(stderr);
}

static qs_pool_verdict begin(size_t i, void *ctx)
{
    const pool_ctx *c = ctx;
    entry *e = &c->l->items[i];
    if (!e->selected)
        return QS_POOL_SKIP;
    if (!e->done)
        return QS_POOL_RUN;
    progress_show(c->pr, e);
    return c->o->keep_going ? QS_POOL_SKIP : QS_POOL_STOP;
}

static qs_diags *sink(size_t i, void *ctx)
{
    const pool_ctx *c = ctx;
    return &c->l->items[i].diags;
}

static bool done(size_t i, void *ctx, const qs_pool_result *r)
{
    const pool_ctx *c = ctx;
    entry *e = &c->l->items[i];
    if (r->started) {
        finish(e, r);
    } else {
        qs_diag_add(&e->diags, QS_SEV_ERROR, e->path, 0, 0, "internal",
                    "cannot start a worker process: %s", strerror(r->error));
        e->result = QS_CASE_FAILED;
        e->code = 3;
        e->done = true;
    }
    progress_show(c->pr, e);
    return c->o->keep_going || (e->result != QS_CASE_FAILED && e->result != QS_CASE_CRASHED);
}

/* Runs the selected quotes on up to o->jobs workers at once. Without
 * --keep-going no quote starts after one failed; the running ones end. */
static void run_workers(entry_list *l, const char *root_real, const qs_batch_options *o,
                        progress *pr)
{
    char *template_real = o->template_path ? realpath(o->template_path, NULL) : NULL;
    const char *template_rel = qs_path_below(template_real, root_real);
    if (o->template_path && !template_rel)
        template_rel = "";
    pool_ctx c = {l, root_real, template_rel, o, pr};
    qs_pool p = {.count = l->count, .jobs = o->jobs, .begin = begin, .run = work,
                 .sink = sink, .done = done, .ctx = &c};
    qs_pool_run(&p);
    free(template_real);
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].selected && !l->items[i].done) {
            l->items[i].result = QS_CASE_NOT_STARTED;
            l->items[i].done = true;
        }
}

/* ---- the summary ---- */

static void print_summary(const entry_list *l, double seconds)
{
    size_t wpath = 5, wid = 2, wresult = 6, wgross = 5;
    char buf[64], gross[96], secs[QS_FORMAT_BUFSIZE];
    for (size_t i = 0; i < l->count; i++) {
        const entry *e = &l->items[i];
        if (!e->selected)
            continue;
        const char *id = e->outcome.id[0] ? e->outcome.id : e->id ? e->id : "-";
        snprintf(gross, sizeof gross, "%s %s", e->outcome.gross, e->outcome.currency);
        size_t n;
        if ((n = strlen(e->path)) > wpath)
            wpath = n;
        if ((n = strlen(id)) > wid)
            wid = n;
        if ((n = strlen(result_text(e, buf, sizeof buf))) > wresult)
            wresult = n;
        if (e->outcome.gross[0] && (n = strlen(gross)) > wgross)
            wgross = n;
    }
    printf("%-*s  %-*s  %-*s  %*s  %5s  %6s\n", (int)wpath, "quote", (int)wid, "id",
           (int)wresult, "result", (int)wgross, "gross", "pages", "ms");
    size_t counts[5] = {0}, total = 0;
    for (size_t i = 0; i < l->count; i++) {
        const entry *e = &l->items[i];
        if (!e->selected)
            continue;
        total++;
        counts[e->result]++;
        const char *id = e->outcome.id[0] ? e->outcome.id : e->id ? e->id : "-";
        if (e->outcome.gross[0])
            snprintf(gross, sizeof gross, "%s %s", e->outcome.gross, e->outcome.currency);
        else
            snprintf(gross, sizeof gross, "-");
        char pages[16] = "-";
        if (e->outcome.pages)
            snprintf(pages, sizeof pages, "%u", e->outcome.pages);
        char ms[QS_FORMAT_BUFSIZE];
        printf("%-*s  %-*s  %-*s  %*s  %5s  %6s\n", (int)wpath, e->path, (int)wid, id,
               (int)wresult, result_text(e, buf, sizeof buf), (int)wgross, gross, pages,
               qs_format_fixed(e->seconds * 1000, 0, ms));
    }
    printf("%zu quote%s: %zu built, %zu skipped, %zu failed, %zu crashed, %zu not started "
           "in %s s\n", total, total == 1 ? "" : "s", counts[QS_CASE_BUILT],
           counts[QS_CASE_SKIPPED], counts[QS_CASE_FAILED], counts[QS_CASE_CRASHED],
           counts[QS_CASE_NOT_STARTED], qs_format_fixed(seconds, 2, secs));
}

static void print_diagnostics(const entry_list *l, const qs_diags *own,
                              const qs_batch_options *o)
{
    size_t n = 0;
    qs_report_case *cases = qs_xmalloc((l->count + 1) * sizeof *cases);
    if (own->count)
        cases[n++] = (qs_report_case){.quote = "quotesmith", .diags = own};
    for (size_t i = 0; i < l->count; i++) {
        const entry *e = &l->items[i];
        if (e->selected)
            cases[n++] = (qs_report_case){.quote = e->path, .diags = &e->diags,
                                          .draft = e->outcome.draft};
    }
    if (o->format == QS_BATCH_SARIF)
        qs_report_sarif(cases, n, stderr);
    else if (o->format == QS_BATCH_JSON)
        qs_report_json(cases, n, stderr);
    else if (own->count)
        qs_diags_print_text(own, stderr);
    if (o->format == QS_BATCH_TEXT)
        qs_report_text(cases + (own->count ? 1 : 0), n - (own->count ? 1 : 0), stderr);
    free(cases);
}

static bool write_junit(const entry_list *l, const qs_batch_options *o, qs_diags *own)
{
    size_t n = 0;
    qs_report_case *cases = qs_xmalloc((l->count + 1) * sizeof *cases);
    for (size_t i = 0; i < l->count; i++) {
        const entry *e = &l->items[i];
        if (e->selected)
            cases[n++] = (qs_report_case){
                .quote = e->path, .id = e->outcome.id[0] ? e->outcome.id : e->id,
                .diags = &e->diags, .draft = e->outcome.draft, .result = e->result,
                .code = e->code, .seconds = e->seconds};
    }
    bool ok = qs_report_junit(o->junit, cases, n, own);
    free(cases);
    return ok;
}

int qs_batch_run(char *const *paths, size_t npaths, const qs_batch_options *o)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    qs_diags own;
    qs_diags_init(&own);
    entry_list l = {0};
    char *root_real = realpath(o->root, NULL);
    qs_exit status = QS_EXIT_OK;
    if (!root_real) {
        qs_diag_add(&own, QS_SEV_ERROR, o->root, 0, 0, "root", "cannot use as the root: %s",
                    strerror(errno));
        status = QS_EXIT_ENVIRONMENT;
    } else if (!find_quotes(paths, npaths, &l, &own)) {
        status = QS_EXIT_ENVIRONMENT;
    } else if (l.count == 0) {
        qs_diag_add(&own, QS_SEV_ERROR, NULL, 0, 0, "usage", "no quote.xml found");
        status = QS_EXIT_ENVIRONMENT;
    }
    if (status == QS_EXIT_OK) {
        prepare(&l, root_real, o);
        progress pr = {.plain = o->format == QS_BATCH_TEXT};
        pr.tty = pr.plain && isatty(STDERR_FILENO);
        for (size_t i = 0; i < l.count; i++)
            pr.total += l.items[i].selected;
        run_workers(&l, root_real, o, &pr);
        if (pr.tty)
            fputs("\r\033[K", stderr);
        for (size_t i = 0; i < l.count; i++)
            if (l.items[i].selected && l.items[i].result != QS_CASE_BUILT &&
                l.items[i].result != QS_CASE_SKIPPED)
                status = QS_EXIT_INVALID;
    }
    if (o->junit && !write_junit(&l, o, &own))
        status = QS_EXIT_ENVIRONMENT;
    print_diagnostics(&l, &own, o);
    if (root_real && (status != QS_EXIT_ENVIRONMENT || l.count))
        print_summary(&l, seconds_since(&t0));
    for (size_t i = 0; i < l.count; i++) {
        entry *e = &l.items[i];
        free(e->path);
        free(e->real);
        free(e->id);
        free(e->lang);
        free(e->outdir);
        qs_diags_free(&e->diags);
    }
    free(l.items);
    free(root_real);
    qs_diags_free(&own);
    return status;
}
