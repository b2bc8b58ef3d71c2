/* regex: the PCRE2 wrapper with quotesmith's limits, and a small cache of
 * compiled patterns. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "arena.h"

struct qs_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
};

typedef struct {
    char *pattern;
    char *flags;
    qs_regex *re;
} cache_entry;

struct qs_regex_cache {
    cache_entry entries[QS_REGEX_CACHE_SIZE];
    size_t next; /* the slot to fill (and evict) next */
};

static void set_error(qs_regex_error *err, long offset, bool limit,
                      const char *fmt, const char *arg)
{
    snprintf(err->message, sizeof err->message, fmt, arg);
    err->offset = offset;
    err->limit = limit;
}

static void set_pcre2_error(qs_regex_error *err, int code, long offset,
                            bool limit)
{
    PCRE2_UCHAR buf[200];
    if (pcre2_get_error_message(code, buf, sizeof buf) < 0)
        snprintf((char *)buf, sizeof buf, "PCRE2 error %d", code);
    set_error(err, offset, limit, limit ? "PCRE2 %s" : "%s", (char *)buf);
}

/* PCRE2 option bits for a flags string, or false after an error. */
static bool parse_flags(const char *flags, uint32_t *options,
                        qs_regex_error *err)
{
    *options = 0;
    for (const char *f = flags ? flags : ""; *f; f++) {
        switch (*f) {
        case 'i': *options |= PCRE2_CASELESS; break;
        case 'm': *options |= PCRE2_MULTILINE; break;
        case 's': *options |= PCRE2_DOTALL; break;
        case 'x': *options |= PCRE2_EXTENDED; break;
        case 'g': break; /* EXSLT's "global": meaningless for a test */
        default: {
            char one[8];
            unsigned char c = (unsigned char)*f;
            if (c >= 0x20 && c < 0x7f)
                snprintf(one, sizeof one, "%c", c);
            else
                snprintf(one, sizeof one, "\\x%02x", c);
            set_error(err, -1, false,
                      "unknown regex flag '%s' (known: i, m, s, x)", one);
            return false;
        }
        }
    }
    return true;
}

qs_regex *qs_regex_new(const char *pattern, const char *flags,
                       qs_regex_error *err)
{
    uint32_t options;
    if (!parse_flags(flags, &options, err))
        return NULL;
    size_t len = strlen(pattern);
    if (len > QS_REGEX_MAX_PATTERN) {
        char n[32];
        snprintf(n, sizeof n, "%u", QS_REGEX_MAX_PATTERN);
        set_error(err, -1, false, "pattern longer than %s bytes", n);
        return NULL;
    }

    pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
    if (!cctx)
        qs_out_of_memory();
    pcre2_set_max_pattern_length(cctx, QS_REGEX_MAX_PATTERN);
    int code;
    PCRE2_SIZE offset;
    pcre2_code *compiled = pcre2_compile(
        (PCRE2_SPTR)pattern, len,
        options | PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C, &code, &offset, cctx);
    pcre2_compile_context_free(cctx);
    if (!compiled) {
        set_pcre2_error(err, code, (long)offset, false);
        return NULL;
    }

    qs_regex *re = qs_xcalloc(1, sizeof *re);
    re->code = compiled;
    re->mctx = pcre2_match_context_create(NULL);
    re->md = pcre2_match_data_create(1, NULL);
    if (!re->mctx || !re->md)
        qs_out_of_memory();
    pcre2_set_match_limit(re->mctx, QS_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, QS_REGEX_DEPTH_LIMIT);
    pcre2_set_heap_limit(re->mctx, QS_REGEX_HEAP_LIMIT_KIB);
    return re;
}

void qs_regex_free(qs_regex *re)
{
    if (!re)
        return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re);
}

qs_regex_result qs_regex_match(qs_regex *re, const char *subject, size_t len,
                               qs_regex_error *err)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, re->md,
                         re->mctx);
    if (rc >= 0)
        return QS_REGEX_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH)
        return QS_REGEX_NO_MATCH;
    if (rc == PCRE2_ERROR_NOMEMORY)   /* malloc failed below the heap limit */
        qs_out_of_memory();
    bool limit = rc == PCRE2_ERROR_MATCHLIMIT ||
                 rc == PCRE2_ERROR_DEPTHLIMIT ||
                 rc == PCRE2_ERROR_HEAPLIMIT;
    set_pcre2_error(err, rc, -1, limit);
    return QS_REGEX_ERROR;
}

qs_regex_cache *qs_regex_cache_new(void)
{
    return qs_xcalloc(1, sizeof(qs_regex_cache));
}

static void clear_entry(cache_entry *e)
{
    free(e->pattern);
    free(e->flags);
    qs_regex_free(e->re);
    memset(e, 0, sizeof *e);
}

void qs_regex_cache_free(qs_regex_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < QS_REGEX_CACHE_SIZE; i++)
        clear_entry(&c->entries[i]);
    free(c);
}

qs_regex *qs_regex_cache_get(qs_regex_cache *c, const char *pattern,
                             const char *flags, qs_regex_error *err)
{
    if (!flags)
        flags = "";
    for (size_t i = 0; i < QS_REGEX_CACHE_SIZE; i++) {
        cache_entry *e = &c->entries[i];
        if (e->re && strcmp(e->pattern, pattern) == 0 &&
            strcmp(e->flags, flags) == 0)
            return e->re;
    }
    qs_regex *re = qs_regex_new(pattern, flags, err);
    if (!re)
        return NULL;
    cache_entry *e = &c->entries[c->next];
    clear_entry(e);
    e->pattern = qs_xstrdup(pattern);
    e->flags = qs_xstrdup(flags);
    e->re = re;
    c->next = (c->next + 1) % QS_REGEX_CACHE_SIZE;
    return re;
}
