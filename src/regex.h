/* regex: PCRE2 (8-bit, UTF mode with UTF checks) behind quotesmith's limits,
 * for rules' `pattern` elements and XPath's re:test. Every match runs in
 * PCRE2's interpreter with a match limit, a depth limit and a heap limit,
 * so a catastrophic pattern ends with an error result within a few
 * milliseconds instead of hanging; a limit hit is never a silent no-match.
 * There is no JIT: compiling a pattern with it costs about 0.1 M
 * instructions and saves about 2,000 per match, so it pays only after some
 * 50 matches, and rules match their patterns against a handful of short
 * fields (the shipped rules: each against at most two per quote).
 * Ownership: a qs_regex owns its compiled code and match state; a
 * qs_regex_cache owns every qs_regex it returns. */
#ifndef QS_REGEX_H
#define QS_REGEX_H

#include <stdbool.h>
#include <stddef.h>

/* Backtracking steps one match may take (PCRE2's match limit). */
#define QS_REGEX_MATCH_LIMIT 100000u
/* Nested backtracking depth of one match (PCRE2's depth limit). */
#define QS_REGEX_DEPTH_LIMIT 10000u
/* Heap one match may use for backtracking, in KiB (PCRE2's heap limit). */
#define QS_REGEX_HEAP_LIMIT_KIB 4096u
/* Longest pattern accepted, in bytes. */
#define QS_REGEX_MAX_PATTERN 4096u
/* Distinct (pattern, flags) pairs a cache keeps before it forgets the
 * oldest. */
#define QS_REGEX_CACHE_SIZE 64u

typedef struct qs_regex qs_regex;
typedef struct qs_regex_cache qs_regex_cache;

typedef enum {
    QS_REGEX_ERROR = -1,   /* see the qs_regex_error */
    QS_REGEX_NO_MATCH = 0,
    QS_REGEX_MATCH = 1
} qs_regex_result;

/* Why compiling or matching failed. */
typedef struct {
    char message[256];     /* PCRE2's own explanation, e.g. "missing closing
                              parenthesis", or a flags complaint */
    long offset;           /* compile errors: byte offset in the pattern;
                              -1 otherwise */
    bool limit;            /* matching stopped at a match, depth or heap
                              limit (message names which) */
} qs_regex_error;

/* Compiles `pattern` (UTF-8) with `flags` (NULL or a string of 'i'
 * caseless, 'm' multiline, 's' dotall, 'x' extended; 'g' is accepted and
 * ignored for EXSLT compatibility). Returns NULL and fills *err on a bad pattern or an unknown flag.
 * Free with qs_regex_free. */
qs_regex *qs_regex_new(const char *pattern, const char *flags,
                       qs_regex_error *err);
void qs_regex_free(qs_regex *re);

/* Matches `subject` (len bytes of UTF-8; the pattern is not anchored unless
 * it says so) under the limits. Returns QS_REGEX_MATCH, QS_REGEX_NO_MATCH,
 * or QS_REGEX_ERROR with *err filled (err->limit set when a limit stopped
 * it; otherwise, for example, the subject is not valid UTF-8). */
qs_regex_result qs_regex_match(qs_regex *re, const char *subject, size_t len,
                               qs_regex_error *err);

qs_regex_cache *qs_regex_cache_new(void);
void qs_regex_cache_free(qs_regex_cache *c);

/* The compiled form of (pattern, flags), compiled on first use. Returns
 * NULL and fills *err like qs_regex_new. The result belongs to the cache
 * and stays valid until the next qs_regex_cache_get or the cache's free. */
qs_regex *qs_regex_cache_get(qs_regex_cache *c, const char *pattern,
                             const char *flags, qs_regex_error *err);

#endif
