/* batch: builds many quotes, each in its own worker process (libharu is
 * not thread-safe, and a crash must not take the others along). Finds the
 * quotes, picks a shard, refuses id collisions, skips quotes whose package
 * is up to date, runs N workers, collects each worker's diagnostics over a
 * pipe, and prints them grouped per quote, then a summary table
 * (docs/cli.md, docs/ci.md, docs/scale.md).
 * Ownership: qs_batch_run owns everything it allocates and frees it before
 * returning; the options and paths are borrowed. */
#ifndef QS_BATCH_H
#define QS_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* One quote for a worker to build. */
typedef struct {
    const char *quote;     /* display path of the quote file */
    const char *id;        /* its id as read before building, or NULL */
    const char *outdir;    /* OUTDIR/ID, or NULL when the id is unknown */
} qs_batch_job;

/* What a worker reports besides its diagnostics and exit status. */
typedef struct {
    char id[128];          /* the quote's id ("" when it did not load) */
    char gross[64];        /* gross total as in the data tree ("" unknown) */
    char currency[16];
    unsigned pages;        /* 0 when nothing was rendered */
    bool draft;
} qs_batch_outcome;

/* Builds one quote exactly like `quotesmith build` and returns its exit
 * status; runs in the worker process. Diagnostics go into `d` (never
 * printed), facts into `out`; nothing is printed on stdout. */
typedef int (*qs_batch_build_fn)(const qs_batch_job *job, void *ctx, qs_diags *d,
                                 qs_batch_outcome *out);

typedef enum { QS_BATCH_TEXT, QS_BATCH_JSON, QS_BATCH_SARIF } qs_batch_format;

typedef struct {
    const char *root;          /* project root (shard hashes are relative to it) */
    const char *outdir;        /* parent of the per-quote folders (default "out") */
    unsigned jobs;             /* worker processes, >= 1 */
    unsigned shard, nshards;   /* this shard, 1-based, of nshards; 1 of 1 = all */
    bool keep_going;           /* start every quote even after a failure */
    bool force;                /* rebuild quotes that are up to date */
    const char *template_path; /* -t: the template of every quote, or NULL */
    const char *lang;          /* --lang: the language of every quote, or NULL */
    size_t max_file_size;
    const char *junit;         /* JUnit XML file to write, or NULL */
    qs_batch_format format;    /* how diagnostics are printed on stderr */
    qs_batch_build_fn build;
    void *ctx;                 /* passed to build */
} qs_batch_options;

/* Runs the batch over `paths` (folders searched for quote.xml files, or
 * quote files) and returns the exit status: 0 when every quote was built
 * or skipped, 1 when one failed, crashed, collided or was not started,
 * 2 when a path cannot be searched or no quote was found. */
int qs_batch_run(char *const *paths, size_t npaths, const qs_batch_options *o);

/* The quote files the paths name, as a batch finds them: a file as it is,
 * a folder searched for quote.xml files (hidden and symlinked folders not
 * entered), each argument's quotes sorted by path. *quotes is a malloc'd
 * array of *n malloc'd display paths (the caller frees each and the array).
 * Returns false after a diagnostic when a path cannot be searched. */
bool qs_batch_find_quotes(char *const *paths, size_t npaths, char ***quotes, size_t *n,
                          qs_diags *d);

/* FNV-1a, 64 bits, of the bytes of s: the shard hash. */
uint64_t qs_batch_hash(const char *s);

/* Parses "I/N" with 1 <= I <= N <= 1000000, decimal digits only. */
bool qs_batch_parse_shard(const char *text, unsigned *shard, unsigned *nshards);

/* True when the package in `outdir` was built by this version from inputs
 * that still have the hashes its manifest.json lists, the quote file
 * (`quote_rel`, relative to `root`) among them, and its outputs are
 * unchanged, with the template this run uses (`template_rel`: -t below
 * the root, "" when it does not resolve, NULL without -t) and in the
 * language it makes (`lang`: --lang, else the quote's lang). Fills gross
 * and currency from the manifest. Any doubt (no or unreadable manifest, a
 * file missing, no "lang" recorded) answers false. */
bool qs_batch_is_up_to_date(const char *outdir, const char *root, const char *quote_rel,
                            const char *template_rel, const char *lang,
                            size_t max_file_size, qs_batch_outcome *out);

#endif
