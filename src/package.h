/* package: the last pipeline stage. Writes the proposal package (the
 * rendered outputs plus manifest.json) into OUTDIR atomically: every file
 * goes to a temporary first, and the earlier package is replaced only when
 * every temporary is complete (docs/package.md). */
#ifndef QS_PACKAGE_H
#define QS_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "quote.h"

/* One output file: a plain file name (no '/', not "manifest.json") and its
 * bytes. The package borrows the bytes; the caller keeps ownership. */
typedef struct {
    const char *name;
    const unsigned char *data;
    size_t size;
} qs_output;

/* Writes outs[0..n) and manifest.json into `outdir`, creating it and its
 * parents (like mkdir -p) when missing. `q` must be loaded and priced;
 * `findings` holds the run's diagnostics so far (counted into the
 * manifest; may be NULL, and may be the same sink as `d`).
 * On any failure no temporary is left behind, the files of an earlier
 * package are unchanged, a diagnostic with rule "output" names the path
 * and the system's reason, and `d` is marked as an environment failure
 * (exit 2); returns false. A bad output name is an internal error. */
/* The longest id that names output files: with the longest suffix a file
 * gets (".ID.ubl.xml.tmp.PID.K", ".catalog-ID.pdf.bak.PID.K") it stays
 * well below NAME_MAX (255 bytes). */
enum { QS_OUTPUT_NAME_MAX = 200 };

/* True when an id (a quote's, a price list's) can name output files and
 * folders as it is: 1 to QS_OUTPUT_NAME_MAX letters, digits, '-', '_' and
 * '.', not starting with '.'. */
bool qs_output_name_is_safe(const char *id);

/* The same for any set of files, without a manifest: the atomic writer
 * (used for the package and for single files such as a catalog). The same
 * guarantees and diagnostics. */
bool qs_output_write(const char *outdir, const qs_output *outs, size_t n,
                     qs_diags *d);

/* mkdir -p `dir` (mode 0777 & ~umask), with the "output" diagnostics of
 * qs_output_write; true when it exists as a folder afterwards. */
bool qs_output_make_dirs(const char *dir, qs_diags *d);

/* One file at `path` (its folder the outdir, its name the output name),
 * with the same guarantees: a catalog, a report, a depfile. An empty path
 * is an "output" error too. */
bool qs_output_write_file(const char *path, const unsigned char *data, size_t size,
                          qs_diags *d);

bool qs_package_write(const char *outdir, const qs_output *outs, size_t n,
                      const qs_quote *q, const qs_diags *findings, qs_diags *d);

/* The name manifest.json gives the input `f`: its path relative to the
 * project root, from its real path; the display path when the real path
 * is not below the root. Points into `f`. */
const char *qs_package_input_path(const qs_inputs *in, const qs_input *f);

/* The manifest.json text qs_package_write writes for these outputs
 * (deterministic: fixed key order, 2-space indent, no timestamps).
 * Returns a malloc'd, NUL-terminated buffer (the caller frees it) and its
 * length in *size (without the NUL). */
char *qs_package_manifest(const qs_output *outs, size_t n, const qs_quote *q,
                          const qs_diags *findings, size_t *size);

#endif
