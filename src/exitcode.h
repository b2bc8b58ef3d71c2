/* exitcode: the exit-status policy of every command, in one place
 * (docs/cli.md, "Exit status"): which severities and which failures of the
 * environment give 0, 1, 2 or 3.
 * Ownership: nothing is kept. */
#ifndef QS_EXITCODE_H
#define QS_EXITCODE_H

#include <stdbool.h>

#include "diag.h"

typedef enum {
    QS_EXIT_OK = 0,          /* built, checked: success */
    QS_EXIT_INVALID = 1,     /* the input failed validation */
    QS_EXIT_ENVIRONMENT = 2, /* usage, or a file not readable or writable */
    QS_EXIT_INTERNAL = 3     /* quotesmith caught itself in an inconsistency */
} qs_exit;

/* The exit status the diagnostics in `d` call for:
 *   an internal failure          3;
 *   an environment failure       2;
 *   error                        1;
 *   approval                     1 for a final quote; in a draft reported
 *                                only, 0 (1 with --strict);
 *   warning                      0, or 1 with --strict;
 *   note                         never counts. */
qs_exit qs_exit_status(const qs_diags *d, bool draft, bool strict);

#endif
