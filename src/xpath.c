/* xpath: libxml2's XPath 1.0 on the merged tree, under an operation limit,
 * with re:test and the qs: helper functions, and with every libxml2 error
 * captured into one diagnostic instead of being printed. */
#include "xpath.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xpathInternals.h>

#include "arena.h"
#include "date.h"
#include "input.h"
#include "regex.h"

#define EXSLT_REGEX_NS "http://exslt.org/regular-expressions"
#define QS_NS "urn:quotesmith"

struct qs_xpath {
    xmlXPathContextPtr ctx;
    xmlDoc *doc;
    qs_diags *d;
    qs_regex_cache *regexes;
    qs_xpath *outer;       /* the context charged before this one */
    size_t bytes;          /* libxml2 allocations charged to this context */
    bool evaluating;       /* inside xmlXPathCompiledEval */

    /* What went wrong during the compile or evaluation in progress; only
     * the first error counts, later ones are its consequences. */
    bool failed;
    int code;              /* libxml2's error code (XML_XPATH_...) */
    long offset;           /* compile errors: offset in the expression */
    char message[256];     /* libxml2's message, without the newline */
    char detail[256];      /* a generic libxml2 message (function names) */
    char own[512];         /* a message from one of our functions */
    char failure[1024];    /* the diagnostic's message for qs_xpath_report */
};

/* ---- the string budget ----
 *
 * The operation limit does not see string work: one operation can copy
 * the whole document's string value. So every byte libxml2 allocates
 * while a context lives (its evaluations, the string values its callers
 * take of the results) is charged to that context through libxml2's
 * allocator hooks (qs_xml_memory_meter, input.c). Past QS_XPATH_BYTE_LIMIT,
 * the evaluation in progress is stopped at its next operation (its operation
 * limit is lowered to what it has counted) and every later one fails at
 * once. Time is then bounded too: an evaluation's work is its operations
 * plus the bytes it makes. */

static qs_xpath *charged; /* the context that pays, or NULL */

static void charge(size_t n)
{
    qs_xpath *x = charged;
    if (!x)
        return;
    x->bytes += n;
    if (x->bytes > QS_XPATH_BYTE_LIMIT && x->evaluating)
        x->ctx->opLimit = x->ctx->opCount ? x->ctx->opCount : 1;
}

static bool over_budget(const qs_xpath *x)
{
    return x->bytes > QS_XPATH_BYTE_LIMIT;
}

/* ---- error capture ---- */

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static void on_structured_error(void *user, xmlErrorPtr e)
{
    qs_xpath *x = user;
    if (x->failed || !e)
        return;
    x->failed = true;
    x->code = e->code;
    x->offset = e->int1;
    snprintf(x->message, sizeof x->message, "%s",
             e->message ? e->message : "unknown XPath error");
    chomp(x->message);
}

static void on_generic_error(void *user, const char *fmt, ...)
{
    qs_xpath *x = user;
    if (x->detail[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->detail, sizeof x->detail, fmt, ap);
    va_end(ap);
    chomp(x->detail);
    const char *prefix = "xmlXPathCompOpEval: ";
    size_t k = strlen(prefix);
    if (strncmp(x->detail, prefix, k) == 0)
        memmove(x->detail, x->detail + k, strlen(x->detail + k) + 1);
}

typedef struct {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
} saved_handlers;

/* Routes every libxml2 error to `x` until capture_end: nothing reaches
 * stderr. */
static void capture_begin(qs_xpath *x, saved_handlers *s)
{
    x->failed = false;
    x->code = 0;
    x->offset = -1;
    x->message[0] = x->detail[0] = x->own[0] = '\0';
    s->generic = xmlGenericError;
    s->generic_ctx = xmlGenericErrorContext;
    s->structured = xmlStructuredError;
    s->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(x, on_generic_error);
    xmlSetStructuredErrorFunc(x, on_structured_error);
}

static void capture_end(const saved_handlers *s)
{
    xmlSetGenericErrorFunc(s->generic_ctx, s->generic);
    xmlSetStructuredErrorFunc(s->structured_ctx, s->structured);
}

static void add_diag(qs_xpath *x, const qs_xpath_origin *o, const char *msg)
{
    qs_diag_add(x->d, QS_SEV_ERROR, o ? o->file : NULL, o ? o->line : 0,
                o ? o->col : 0, o && o->rule ? o->rule : "xpath", "%s", msg);
}

/* Fails the evaluation in progress from inside one of our functions, with
 * our own message (which takes precedence over libxml2's). */
static void fail_call(xmlXPathParserContextPtr ctxt, const char *fmt, ...)
    QS_PRINTF(2, 3);
static void fail_call(xmlXPathParserContextPtr ctxt, const char *fmt, ...)
{
    qs_xpath *x = ctxt->context->userData;
    if (!x->own[0] && !x->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->own, sizeof x->own, fmt, ap);
        va_end(ap);
    }
    xmlXPathErr(ctxt, XPATH_INVALID_OPERAND);
}

/* ---- re:test ---- */

/* re:test(string, regex[, flags]): true when the regex (PCRE2, UTF mode)
 * matches somewhere in the string. A bad regex, an unknown flag or a
 * PCRE2 limit fails the whole evaluation. */
static void fn_re_test(xmlXPathParserContextPtr ctxt, int nargs)
{
    if (nargs < 2 || nargs > 3) {
        XP_ERROR(XPATH_INVALID_ARITY);
    }
    qs_xpath *x = ctxt->context->userData;
    xmlChar *flags = nargs == 3 ? xmlXPathPopString(ctxt) : NULL;
    xmlChar *pattern = xmlXPathPopString(ctxt);
    xmlChar *subject = xmlXPathPopString(ctxt);
    if (ctxt->error || !pattern || !subject) {
        xmlFree(flags);
        xmlFree(pattern);
        xmlFree(subject);
        if (!ctxt->error)
            xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }

    char shown[QS_ECHO_SIZE];
    qs_diag_echo(shown, (const char *)pattern);
    qs_regex_error err;
    qs_regex *re = qs_regex_cache_get(x->regexes, (const char *)pattern,
                                      (const char *)flags, &err);
    int result = 0;
    if (!re) {
        if (err.offset >= 0)
            fail_call(ctxt, "re:test: invalid regex '%s': %s at offset %ld",
                      shown, err.message, err.offset);
        else
            fail_call(ctxt, "re:test: invalid regex '%s': %s", shown,
                      err.message);
    } else {
        const char *s = (const char *)subject;
        qs_regex_result r = qs_regex_match(re, s, strlen(s), &err);
        if (r == QS_REGEX_ERROR)
            fail_call(ctxt, "re:test: %s on regex '%s'", err.message, shown);
        result = r == QS_REGEX_MATCH;
    }
    xmlFree(flags);
    xmlFree(pattern);
    xmlFree(subject);
    if (!ctxt->error)
        xmlXPathReturnBoolean(ctxt, result);
}

/* ---- qs: helpers ---- */

/* IBAN lengths of the SEPA countries; others only need 15..34. */
static const struct {
    char cc[3];
    unsigned char len;
} iban_lengths[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28},
    {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18},
    {"FR", 27}, {"GB", 22}, {"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28},
    {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"VA", 22},
};

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* ISO 13616: country code, two check digits, up to 30 alphanumerics
 * (upper case), 15..34 characters in all (spaces ignored), the country's
 * length for SEPA countries, and the number mod 97 equal to 1. */
static bool iban_valid(const char *text)
{
    char iban[35];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            continue;
        if (n == sizeof iban - 1)
            return false;
        iban[n++] = *p;
    }
    iban[n] = '\0';
    if (n < 15 || n > 34 || !is_upper(iban[0]) || !is_upper(iban[1]) ||
        !is_digit(iban[2]) || !is_digit(iban[3]))
        return false;
    for (size_t i = 4; i < n; i++)
        if (!is_upper(iban[i]) && !is_digit(iban[i]))
            return false;
    for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
        if (memcmp(iban, iban_lengths[i].cc, 2) == 0 &&
            n != iban_lengths[i].len)
            return false;

    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        char c = iban[(k + 4) % n]; /* the first four characters go last */
        if (is_digit(c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

static void fn_iban_valid(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = xmlXPathPopString(ctxt);
    if (!s) {
        xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }
    bool ok = iban_valid((const char *)s);
    xmlFree(s);
    xmlXPathReturnBoolean(ctxt, ok);
}

static void fn_date_valid(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = xmlXPathPopString(ctxt);
    if (!s) {
        xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }
    long days;
    bool ok = qs_date_days((const char *)s, &days);
    xmlFree(s);
    xmlXPathReturnBoolean(ctxt, ok);
}

/* qs:days-between(from, to): to - from in days; NaN when either is not a
 * valid YYYY-MM-DD date. */
static void fn_days_between(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(2);
    xmlChar *to = xmlXPathPopString(ctxt);
    xmlChar *from = xmlXPathPopString(ctxt);
    long a, b;
    bool ok = from && to && qs_date_days((const char *)from, &a) &&
              qs_date_days((const char *)to, &b);
    xmlFree(from);
    xmlFree(to);
    xmlXPathReturnNumber(ctxt, ok ? (double)(b - a) : xmlXPathNAN);
}

/* ---- the context ---- */

qs_xpath *qs_xpath_new(xmlDoc *doc, qs_diags *d)
{
    qs_xml_memory_meter(charge);
    qs_xpath *x = qs_xcalloc(1, sizeof *x);
    x->doc = doc;
    x->d = d;
    x->regexes = qs_regex_cache_new();
    x->outer = charged;
    charged = x;
    x->ctx = xmlXPathNewContext(doc);
    if (!x->ctx) {
        fputs("quotesmith: out of memory\n", stderr);
        exit(3);
    }
    x->ctx->userData = x;
    x->ctx->opLimit = QS_XPATH_OP_LIMIT;
    /* Reuse libxml2's intermediate node sets, strings and numbers across
     * evaluations instead of allocating them each time (as libxslt does). */
    if (xmlXPathContextSetCache(x->ctx, 1, -1, 0) != 0) {
        fputs("quotesmith: out of memory\n", stderr);
        exit(3);
    }

    /* Only the XPath 1.0 core library is registered by libxml2 (no
     * document()); these are the additions. */
    xmlXPathRegisterNs(x->ctx, BAD_CAST "re", BAD_CAST EXSLT_REGEX_NS);
    xmlXPathRegisterNs(x->ctx, BAD_CAST "qs", BAD_CAST QS_NS);
    xmlXPathRegisterFuncNS(x->ctx, BAD_CAST "test", BAD_CAST EXSLT_REGEX_NS,
                           fn_re_test);
    xmlXPathRegisterFuncNS(x->ctx, BAD_CAST "iban-valid", BAD_CAST QS_NS,
                           fn_iban_valid);
    xmlXPathRegisterFuncNS(x->ctx, BAD_CAST "date-valid", BAD_CAST QS_NS,
                           fn_date_valid);
    xmlXPathRegisterFuncNS(x->ctx, BAD_CAST "days-between", BAD_CAST QS_NS,
                           fn_days_between);
    return x;
}

void qs_xpath_free(qs_xpath *x)
{
    if (!x)
        return;
    if (charged == x)
        charged = x->outer;
    if (!charged)
        qs_xml_memory_meter(NULL);
    xmlXPathFreeContext(x->ctx);
    qs_regex_cache_free(x->regexes);
    free(x);
}

xmlXPathCompExprPtr qs_xpath_try_compile(qs_xpath *x, const char *expr)
{
    saved_handlers saved;
    capture_begin(x, &saved);
    xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(x->ctx, BAD_CAST expr);
    capture_end(&saved);
    if (comp && !x->failed)
        return comp;
    xmlXPathFreeCompExpr(comp);

    char shown[QS_ECHO_SIZE];
    qs_diag_echo(shown, expr);
    const char *why = x->message[0] ? x->message : "Invalid expression";
    if (x->offset >= 0)
        snprintf(x->failure, sizeof x->failure,
                 "invalid XPath expression '%s': %s at offset %ld", shown,
                 why, x->offset);
    else
        snprintf(x->failure, sizeof x->failure,
                 "invalid XPath expression '%s': %s", shown, why);
    return NULL;
}

xmlXPathCompExprPtr qs_xpath_compile(qs_xpath *x, const char *expr,
                                     const qs_xpath_origin *origin)
{
    xmlXPathCompExprPtr comp = qs_xpath_try_compile(x, expr);
    if (!comp)
        qs_xpath_report(x, origin);
    return comp;
}

static bool is_op_limit(int code)
{
    return code - XML_XPATH_EXPRESSION_OK + XPATH_EXPRESSION_OK ==
           XPATH_OP_LIMIT_EXCEEDED;
}

xmlXPathObjectPtr qs_xpath_try_eval(qs_xpath *x, xmlXPathCompExprPtr expr,
                                    xmlNode *node)
{
    xmlXPathContextPtr ctx = x->ctx;
    ctx->doc = node && node->doc ? node->doc : x->doc;
    ctx->node = node ? node : (xmlNode *)ctx->doc;
    ctx->contextSize = 1;
    ctx->proximityPosition = 1;
    ctx->opLimit = QS_XPATH_OP_LIMIT;
    ctx->opCount = 0;
    ctx->depth = 0;

    saved_handlers saved;
    capture_begin(x, &saved);
    xmlXPathObjectPtr obj = NULL;
    bool spent = over_budget(x);
    if (!spent) {
        x->evaluating = true;
        obj = xmlXPathCompiledEval(expr, ctx);
        x->evaluating = false;
    }
    capture_end(&saved);
    if (obj && !x->failed && !x->own[0] && !over_budget(x))
        return obj;
    xmlXPathFreeObject(obj);

    char *msg = x->failure;
    size_t size = sizeof x->failure;
    if (spent)
        snprintf(msg, size,
                 "not evaluated: an earlier XPath expression used up the "
                 "budget of %u MiB of allocations", QS_XPATH_BYTE_LIMIT >> 20);
    else if (over_budget(x))
        snprintf(msg, size,
                 "XPath memory limit reached (the evaluations allocated more "
                 "than %u MiB in all)", QS_XPATH_BYTE_LIMIT >> 20);
    else if (x->own[0])
        snprintf(msg, size, "%s", x->own);
    else if (is_op_limit(x->code))
        snprintf(msg, size,
                 "XPath operation limit reached (more than %lu operations)",
                 QS_XPATH_OP_LIMIT);
    else if (x->message[0] && x->detail[0])
        snprintf(msg, size, "XPath evaluation failed: %s (%s)", x->message,
                 x->detail);
    else if (x->message[0] || x->detail[0])
        snprintf(msg, size, "XPath evaluation failed: %s",
                 x->message[0] ? x->message : x->detail);
    else
        snprintf(msg, size, "XPath evaluation failed");
    return NULL;
}

xmlXPathObjectPtr qs_xpath_eval(qs_xpath *x, xmlXPathCompExprPtr expr,
                                xmlNode *node, const qs_xpath_origin *origin)
{
    xmlXPathObjectPtr obj = qs_xpath_try_eval(x, expr, node);
    if (!obj)
        qs_xpath_report(x, origin);
    return obj;
}

void qs_xpath_report(qs_xpath *x, const qs_xpath_origin *origin)
{
    add_diag(x, origin, x->failure);
}

/* ---- plain paths ---- */

enum { PATH_MAX_STEPS = 8, PATH_MAX_VISITS = 1000 };

struct qs_xpath_path {
    int nsteps;                    /* steps, the attribute step included */
    bool attribute;                /* the last step is an attribute */
    const xmlChar *names[PATH_MAX_STEPS];
    char text[];                   /* the names, NUL-terminated in place */
};

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || is_digit(c) || c == '-' || c == '.';
}

qs_xpath_path *qs_xpath_path_new(const char *expr)
{
    size_t n = strlen(expr);
    qs_xpath_path *p = qs_xcalloc(1, sizeof *p + n + 1);
    memcpy(p->text, expr, n + 1);
    char *c = p->text;
    for (;;) {
        if (p->nsteps == PATH_MAX_STEPS)
            break;
        if (*c == '@') {
            p->attribute = true;
            c++;
        }
        if (!is_name_start(*c))
            break;
        p->names[p->nsteps++] = (const xmlChar *)c;
        while (is_name_char(*c))
            c++;
        if (*c == '\0')
            return p;
        if (*c != '/' || p->attribute)
            break;
        *c++ = '\0';
    }
    free(p);
    return NULL;
}

void qs_xpath_path_free(qs_xpath_path *p)
{
    free(p);
}

/* What a walk found: the first node, no node, or no exact answer. */
typedef enum { WALK_FOUND, WALK_NONE, WALK_UNSURE } walk_result;

/* Depth first through the element steps from `step` on, children in
 * order: so the first node found is the first in document order. An
 * unprefixed name test selects only nodes without a namespace (libxml2
 * also takes an attribute whose namespace has no prefix): any namespaced
 * node of the name leaves the answer to libxml2. */
static walk_result walk(const qs_xpath_path *p, int step, xmlNode *node,
                        size_t *visits, xmlNode **first)
{
    const xmlChar *name = p->names[step];
    if (p->attribute && step == p->nsteps - 1) {
        for (xmlAttr *a = node->properties; a; a = a->next) {
            if (++*visits > PATH_MAX_VISITS)
                return WALK_UNSURE;
            if (!xmlStrEqual(a->name, name))
                continue;
            if (a->ns)
                return WALK_UNSURE;
            *first = (xmlNode *)a;
            return WALK_FOUND;
        }
        return WALK_NONE;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (++*visits > PATH_MAX_VISITS)
            return WALK_UNSURE;
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, name))
            continue;
        if (c->ns)
            return WALK_UNSURE;
        if (step == p->nsteps - 1) {
            *first = c;
            return WALK_FOUND;
        }
        walk_result r = walk(p, step + 1, c, visits, first);
        if (r != WALK_NONE)
            return r;
    }
    return WALK_NONE;
}

bool qs_xpath_path_first(const qs_xpath_path *p, xmlNode *node,
                         xmlNode **first)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return false;
    size_t visits = 0;
    *first = NULL;
    walk_result r = walk(p, 0, node, &visits, first);
    if (r == WALK_UNSURE)
        *first = NULL;
    return r != WALK_UNSURE;
}

unsigned long qs_xpath_last_ops(const qs_xpath *x)
{
    return x->ctx->opCount;
}
