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
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "arena.h"
#include "buf.h"
#include "input.h"
#include "report.h"
#include "sha256.h"
#include "version.h"

/* One quote of the batch, from discovery to the summary. */
typedef struct {
    char *path;            /* display path */
    char *real;            /* resolved absolute path, or NULL */
    const char *rel;       /* path relative to the root (into real), or NULL */
    char *id;              /* read before building, or NULL */
    char *outdir;          /* OUTDIR/ID, or NULL */
    bool selected;         /* in this shard and not a duplicate */
    qs_diags diags;        /* from the worker, or from the batch itself */
    qs_batch_outcome outcome;
    qs_case_result result;
    int code;
    bool done;
    double seconds;
    /* while the worker runs */
    pid_t pid;
    int fd;
    struct timespec start;
    qs_buf wire;
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
    e->fd = -1;
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

/* ---- before building: real paths, ids, collisions, the shard ---- */

/* The quote's id attribute, read with a streaming parser that stops at
 * the root element; NULL for a document with a DOCTYPE or that does not
 * parse that far (the worker reports why). */
static char *read_id(const char *path, size_t max_size)
{
    unsigned char *data;
    size_t size;
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
            if (v)
                id = qs_xstrdup((const char *)v);
            xmlFree(v);
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
    size_t rootlen = strlen(root_real);
    entry **order = qs_xmalloc((l->count ? l->count : 1) * sizeof *order);
    for (size_t i = 0; i < l->count; i++) {
        entry *e = &l->items[i];
        qs_diags_init(&e->diags);
        e->selected = true;
        e->real = realpath(e->path, NULL);
        if (e->real && strncmp(e->real, root_real, rootlen) == 0 &&
            (e->real[rootlen] == '/' || root_real[rootlen - 1] == '/'))
            e->rel = e->real + rootlen + (e->real[rootlen] == '/');
        if (e->rel)
            e->id = read_id(e->path, o->max_file_size);
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

/* The JSON string value of the first `"key": ` at or after p (and before
 * end), unescaped (only ASCII \u escapes), malloc'd; *next is set after
 * it. NULL when there is none or it is odd. */
static char *json_value(const char *p, const char *end, const char *key, const char **next)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const char *at = strstr(p, pattern);
    if (!at || (end && at > end))
        return NULL;
    qs_buf v = {0};
    qs_buf_puts(&v, "");
    for (p = at + strlen(pattern); *p && *p != '"'; p++) {
        if (*p != '\\') {
            qs_buf_add(&v, p, 1);
            continue;
        }
        p++;
        char c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
        if (*p == 'u') {
            unsigned u = 0;
            if (sscanf(p + 1, "%4x", &u) != 1 || u == 0 || u >= 0x80)
                break;
            c = (char)u;
            p += 4;
        } else if (!strchr("\"\\/ntr", *p)) {
            break;
        }
        qs_buf_add(&v, &c, 1);
    }
    if (*p != '"') {
        qs_buf_free(&v);
        return NULL;
    }
    *next = p + 1;
    return v.s;
}

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

/* Checks each "KEY"/"sha256" pair of one manifest section [p, end):
 * KEY names a file below `dir`. Sets *saw_quote when `quote_rel` is one of
 * them. Returns false on the first file that differs, and when there is
 * none at all. */
static bool section_unchanged(const char *p, const char *end, const char *key,
                              const char *dir, const char *quote_rel, size_t max_size,
                              bool *saw_quote)
{
    size_t n = 0;
    for (;;) {
        const char *next;
        char *name = json_value(p, end, key, &next);
        if (!name)
            return n > 0;
        char *hex = json_value(next, end, "sha256", &p);
        char *path = join(dir, name);
        bool same = hex && name[0] != '/' && has_hash(path, hex, max_size);
        if (saw_quote && strcmp(name, quote_rel) == 0)
            *saw_quote = true;
        free(path);
        free(hex);
        free(name);
        if (!same)
            return false;
        n++;
    }
}

static void copy_value(char *dst, size_t size, char *value)
{
    snprintf(dst, size, "%s", value ? value : "");
    free(value);
}

bool qs_batch_is_up_to_date(const char *outdir, const char *root, const char *quote_rel,
                            size_t max_file_size, qs_batch_outcome *out)
{
    char *manifest_path = join(outdir, "manifest.json");
    unsigned char *data;
    size_t size;
    qs_read_status st = qs_file_read(manifest_path, max_file_size, &data, &size);
    free(manifest_path);
    if (st != QS_READ_OK)
        return false;
    const char *text = (const char *)data, *next;
    const char *inputs = strstr(text, "\n  \"inputs\": [");
    const char *outputs = strstr(text, "\n  \"outputs\": [");
    char *version = json_value(text, inputs, "version", &next);
    bool saw_quote = false;
    bool ok = inputs && outputs && inputs < outputs && version &&
              strcmp(version, QS_VERSION) == 0 &&
              section_unchanged(inputs, outputs, "path", root, quote_rel, max_file_size,
                                &saw_quote) &&
              saw_quote &&
              section_unchanged(outputs, NULL, "name", outdir, "", max_file_size, NULL);
    free(version);
    if (ok) {
        copy_value(out->currency, sizeof out->currency,
                   json_value(text, inputs, "currency", &next));
        copy_value(out->gross, sizeof out->gross, json_value(text, inputs, "gross", &next));
        char *status = json_value(text, inputs, "status", &next);
        out->draft = status && strcmp(status, "draft") == 0;
        free(status);
    }
    free(data);
    return ok;
}

/* ---- the workers ---- */

/* The wire between a worker and the batch: fields "LENGTH:BYTES", records
 * of a fixed number of fields. A result record: "R", kind ("built" or
 * "skipped"), id, gross, currency, pages, draft. A diagnostic: "D",
 * severity, line, column, has-file, file, rule, message. */
static void put_field(qs_buf *b, const char *s)
{
    qs_buf_printf(b, "%zu:", strlen(s));
    qs_buf_puts(b, s);
}

static void put_number(qs_buf *b, unsigned long v)
{
    char n[32];
    snprintf(n, sizeof n, "%lu", v);
    put_field(b, n);
}

static void encode(qs_buf *b, bool skipped, const qs_batch_outcome *out, const qs_diags *d)
{
    put_field(b, "R");
    put_field(b, skipped ? "skipped" : "built");
    put_field(b, out->id);
    put_field(b, out->gross);
    put_field(b, out->currency);
    put_number(b, out->pages);
    put_number(b, out->draft);
    for (size_t i = 0; i < d->count; i++) {
        const qs_diag *g = &d->items[i];
        put_field(b, "D");
        put_number(b, (unsigned long)g->severity);
        put_number(b, g->line);
        put_number(b, g->col);
        put_number(b, g->file != NULL);
        put_field(b, g->file ? g->file : "");
        put_field(b, g->rule);
        put_field(b, g->message);
    }
}

/* The next field of the wire at *p (before end) as a malloc'd string. */
static char *get_field(const char **p, const char *end)
{
    size_t len = 0;
    const char *s = *p;
    while (s < end && *s >= '0' && *s <= '9' && len < 100000000)
        len = len * 10 + (size_t)(*s++ - '0');
    if (s >= end || *s != ':' || (size_t)(end - s - 1) < len)
        return NULL;
    char *v = qs_xmalloc(len + 1);
    memcpy(v, s + 1, len);
    v[len] = '\0';
    *p = s + 1 + len;
    return v;
}

/* Reads a worker's wire into its entry. Returns true when a result record
 * came (a worker that crashed may have sent nothing). */
static bool decode(entry *e)
{
    const char *p = e->wire.s ? e->wire.s : "", *end = p + e->wire.len;
    bool have_result = false;
    for (;;) {
        char *f[8] = {0};
        f[0] = get_field(&p, end);
        if (!f[0])
            break;
        size_t n = strcmp(f[0], "R") == 0 ? 7 : strcmp(f[0], "D") == 0 ? 8 : 1;
        bool whole = true;
        for (size_t i = 1; i < n && whole; i++)
            whole = (f[i] = get_field(&p, end)) != NULL;
        if (whole && n == 7) {
            have_result = true;
            e->result = strcmp(f[1], "skipped") == 0 ? QS_CASE_SKIPPED : QS_CASE_BUILT;
            snprintf(e->outcome.id, sizeof e->outcome.id, "%s", f[2]);
            snprintf(e->outcome.gross, sizeof e->outcome.gross, "%s", f[3]);
            snprintf(e->outcome.currency, sizeof e->outcome.currency, "%s", f[4]);
            e->outcome.pages = (unsigned)strtoul(f[5], NULL, 10);
            e->outcome.draft = strcmp(f[6], "1") == 0;
        } else if (whole && n == 8) {
            unsigned long sev = strtoul(f[1], NULL, 10);
            qs_diag_add(&e->diags, sev <= QS_SEV_ERROR ? (qs_severity)sev : QS_SEV_ERROR,
                        strcmp(f[4], "1") == 0 ? f[5] : NULL,
                        (unsigned)strtoul(f[2], NULL, 10), (unsigned)strtoul(f[3], NULL, 10),
                        f[6], "%s", f[7]);
        }
        for (size_t i = 0; i < 8; i++)
            free(f[i]);
        if (!whole || n == 1)
            break;
    }
    return have_result;
}

static void write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        len -= (size_t)w;
    }
}

/* The worker: skips the quote when it is up to date, builds it otherwise,
 * sends the outcome and diagnostics down `fd`, returns the exit status. */
static int work(const entry *e, const char *root_real, const qs_batch_options *o, int fd)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_batch_outcome out;
    memset(&out, 0, sizeof out);
    qs_batch_job job = {e->path, e->id, e->outdir};
    bool skipped = !o->force && e->outdir && e->rel &&
                   qs_batch_is_up_to_date(e->outdir, root_real, e->rel, o->max_file_size, &out);
    int status = 0;
    if (skipped)
        snprintf(out.id, sizeof out.id, "%s", e->id);
    else
        status = o->build(&job, o->ctx, &d, &out);
    qs_diags_sort(&d);
    qs_buf b = {0};
    encode(&b, skipped, &out, &d);
    write_all(fd, b.s, b.len);
    qs_buf_free(&b);
    qs_diags_free(&d);
    return status;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* In a new worker: makes it die with the batch. A worker whose batch was
 * killed (kill -9, a CI job cancelled) would otherwise go on building and
 * write a package nobody waits for. Linux sends SIGKILL to the worker when
 * its parent dies (PR_SET_PDEATHSIG); the getppid() check catches a batch
 * that died between fork() and prctl(). Elsewhere the worker runs to its
 * end, as before. */
static void die_with_batch(pid_t batch)
{
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != batch)
        _exit(3);
#else
    (void)batch;
#endif
}

/* Starts the worker for e. Returns false when no process could be made. */
static bool start(entry_list *l, entry *e, const char *root_real, const qs_batch_options *o)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    fflush(stderr);
    clock_gettime(CLOCK_MONOTONIC, &e->start);
    pid_t batch = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        die_with_batch(batch);
        close(fds[0]);
        for (size_t i = 0; i < l->count; i++)
            if (l->items[i].fd >= 0)
                close(l->items[i].fd);
        /* _exit: the worker shares the batch's memory and stdio buffers,
         * which are the batch's to free and flush (and a leak check here
         * would report the batch's live allocations). */
        int status = work(e, root_real, o, fds[1]);
        close(fds[1]);
        _exit(status);
    }
    close(fds[1]);
    e->pid = pid;
    e->fd = fds[0];
    return true;
}

/* Collects a worker that closed its pipe: waits for it and records what
 * became of its quote. */
static void finish(entry *e)
{
    close(e->fd);
    e->fd = -1;
    int ws = 0;
    while (waitpid(e->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    e->seconds = seconds_since(&e->start);
    bool have_result = decode(e);
    qs_buf_free(&e->wire);
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

static const char *result_text(const entry *e, char *buf, size_t size)
{
    switch (e->result) {
    case QS_CASE_BUILT: return "built";
    case QS_CASE_SKIPPED: return "skipped (up to date)";
    case QS_CASE_FAILED: snprintf(buf, size, "failed (exit %d)", e->code); return buf;
    case QS_CASE_CRASHED: snprintf(buf, size, "crashed (signal %d)", e->code); return buf;
    case QS_CASE_NOT_STARTED: return "not started";
    }
    return "";
}

/* Progress: a line rewritten in place on a terminal, one plain line per
 * quote otherwise; nothing when stderr carries JSON or SARIF. */
typedef struct {
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

/* Runs the selected quotes on up to o->jobs workers at once. Without
 * --keep-going no quote starts after one failed; the running ones end. */
static void run_workers(entry_list *l, const char *root_real, const qs_batch_options *o,
                        progress *pr)
{
    struct pollfd *pfd = qs_xmalloc((o->jobs ? o->jobs : 1) * sizeof *pfd);
    entry **running = qs_xmalloc((o->jobs ? o->jobs : 1) * sizeof *running);
    size_t next = 0, nrunning = 0;
    bool stop = false;
    for (;;) {
        while (!stop && nrunning < o->jobs && next < l->count) {
            entry *e = &l->items[next];
            if (!e->selected || e->done) {
                if (e->selected) {
                    progress_show(pr, e);
                    stop = !o->keep_going;
                }
                next++;
                continue;
            }
            if (!start(l, e, root_real, o)) {
                if (nrunning > 0)
                    break;   /* try again when a worker ended */
                qs_diag_add(&e->diags, QS_SEV_ERROR, e->path, 0, 0, "internal",
                            "cannot start a worker process: %s", strerror(errno));
                e->result = QS_CASE_FAILED;
                e->code = 3;
                e->done = true;
                progress_show(pr, e);
                stop = !o->keep_going;
                next++;
                continue;
            }
            running[nrunning++] = e;
            next++;
        }
        if (nrunning == 0)
            break;
        for (size_t i = 0; i < nrunning; i++)
            pfd[i] = (struct pollfd){.fd = running[i]->fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)nrunning, -1) < 0) {
            if (errno == EINTR)
                continue;
            abort();
        }
        for (size_t i = nrunning; i-- > 0;) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            entry *e = running[i];
            char chunk[8192];
            ssize_t got = read(e->fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                qs_buf_add(&e->wire, chunk, (size_t)got);
                continue;
            }
            finish(e);
            progress_show(pr, e);
            if (e->result == QS_CASE_FAILED || e->result == QS_CASE_CRASHED)
                stop = stop || !o->keep_going;
            running[i] = running[--nrunning];
        }
    }
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].selected && !l->items[i].done) {
            l->items[i].result = QS_CASE_NOT_STARTED;
            l->items[i].done = true;
        }
    free(running);
    free(pfd);
}

/* ---- the summary ---- */

static void print_summary(const entry_list *l, double seconds)
{
    size_t wpath = 5, wid = 2, wresult = 6, wgross = 5;
    char buf[64], gross[96];
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
        printf("%-*s  %-*s  %-*s  %*s  %5s  %6.0f\n", (int)wpath, e->path, (int)wid, id,
               (int)wresult, result_text(e, buf, sizeof buf), (int)wgross, gross, pages,
               e->seconds * 1000);
    }
    printf("%zu quote%s: %zu built, %zu skipped, %zu failed, %zu crashed, %zu not started "
           "in %.2f s\n", total, total == 1 ? "" : "s", counts[QS_CASE_BUILT],
           counts[QS_CASE_SKIPPED], counts[QS_CASE_FAILED], counts[QS_CASE_CRASHED],
           counts[QS_CASE_NOT_STARTED], seconds);
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
    int status = 0;
    if (!root_real) {
        qs_diag_add(&own, QS_SEV_ERROR, o->root, 0, 0, "root", "cannot use as the root: %s",
                    strerror(errno));
        status = 2;
    } else if (!find_quotes(paths, npaths, &l, &own)) {
        status = 2;
    } else if (l.count == 0) {
        qs_diag_add(&own, QS_SEV_ERROR, NULL, 0, 0, "usage", "no quote.xml found");
        status = 2;
    }
    if (status == 0) {
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
                status = 1;
    }
    if (o->junit && !write_junit(&l, o, &own))
        status = 2;
    print_diagnostics(&l, &own, o);
    if (root_real && (status != 2 || l.count))
        print_summary(&l, seconds_since(&t0));
    for (size_t i = 0; i < l.count; i++) {
        entry *e = &l.items[i];
        free(e->path);
        free(e->real);
        free(e->id);
        free(e->outdir);
        qs_diags_free(&e->diags);
        qs_buf_free(&e->wire);
    }
    free(l.items);
    free(root_real);
    qs_diags_free(&own);
    return status;
}
