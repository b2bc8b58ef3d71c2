/* common: shared machinery of the libFuzzer harnesses (fuzz/README.md).
 *
 * The loader reads files under a project root, never from memory, so every
 * harness works in one temporary project root per process (made once, under
 * /dev/shm when it exists, else /tmp, and removed at exit). Fixed files the
 * harness needs (price lists, departments, fonts ...) are copied there from
 * the repository at start-up; each input is written to one file there and
 * loaded through the real qs_inputs machinery.
 *
 * Every input gets a fresh qs_inputs (no file cache carried over); the
 * built-in schemas are compiled once per process by input.c itself. */
#ifndef QS_FUZZ_COMMON_H
#define QS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "diag.h"
#include "input.h"

/* Makes the temporary root (once); `tag` names it (qs-fuzz-TAG-XXXXXX). */
void fz_setup(const char *tag);

/* The absolute path of `rel` inside the root, in a static buffer (one of a
 * few, rotating, so a handful may be alive at once). */
const char *fz_path(const char *rel);

/* Copies the repository file `repo_rel` to `root_rel` in the root, making
 * parent folders. Exits on failure: the harness cannot run without it. */
void fz_copy(const char *repo_rel, const char *root_rel);

/* Copies the files the harnesses share into the root, laid out so the
 * samples' relative hrefs resolve:
 *   pricing/       pricelist-2026.xml, pricelist-2026-promo.xml, rules.xml
 *   templates/standard/template.xml
 *   q/x/           tests/fixtures/mini (quote-mini.xml, pricelist.xml,
 *                  hw.xml), the samples' departments (hardware.xml,
 *                  services.xml, logistics.xml, legal.xml from
 *                  muster-logistik, software.xml from harbour-analytics)
 *   fonts/         the Noto Sans faces, also as R.ttf and B.ttf
 *   logo.png       the standard template's logo */
void fz_copy_project(void);

/* Writes `size` bytes to `root_rel` in the root (truncating). */
void fz_write(const char *root_rel, const void *data, size_t size);

/* A fresh qs_inputs over the root. */
void fz_inputs_init(qs_inputs *in, qs_diags *d);
void fz_inputs_free(qs_inputs *in);

/* What the CLI's check does after reading the quote: load and merge, price,
 * built-in checks and every rules file the quote names. Frees the quote. */
void fz_check_quote(qs_inputs *in, const char *quote_path, qs_diags *d);

/* The merged, priced tree of tests/fixtures/mini (q/x/quote-mini.xml after
 * fz_copy_project), loaded once and kept for the life of the process; its
 * display path in *quote_path when not NULL. */
xmlDoc *fz_mini_tree(const char **quote_path);

/* Runs `one` once on the bytes of `root_rel` (a file fz_copy_project put
 * there), so what the first input would parse and keep for the process
 * (schemas, the fixed tree, libxml2's globals) exists before libFuzzer
 * counts allocations. Aborts when that input does not load cleanly (a
 * schema, syntax, file or internal error): the harness's fixed files are
 * then broken and fuzzing would only reach the error paths. */
void fz_warm_up(int (*one)(const uint8_t *, size_t), const char *root_rel);

/* Frees the diagnostics of one input, printing them first when the
 * environment has QS_FUZZ_VERBOSE=1 (to see why a seed stops early). */
void fz_diags_free(qs_diags *d);

/* Writes a fixed quote to `root_rel`: the mini fixture's header and
 * parties, the price lists named by `pricelists` (XML lines, e.g.
 * "<pricelist href=\"pricelist.xml\"/>"), pricing/rules.xml, and one
 * department "hardware" at `department_href`. */
void fz_write_quote(const char *root_rel, const char *pricelists,
                    const char *department_href);

/* One input of a harness whose fuzzed file is referenced by a fixed quote:
 * writes the bytes to `fuzzed` (root-relative), loads them in `format`
 * and, when they validate, checks the quote at `quote` (root-relative)
 * like `quotesmith check`. */
int fz_run_referenced(const uint8_t *data, size_t size, const char *fuzzed,
                      qs_format format, const char *quote);

/* Aborts with a message: a property the harness checks does not hold. */
void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
