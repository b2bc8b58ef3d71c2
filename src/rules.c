/* rules: runs a rules file's <pattern> and <assert> elements over the
 * merged data tree and turns each failure into a diagnostic; also the
 * exit-status policy for draft and final quotes. */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "arena.h"
#include "merge.h"
#include "regex.h"
#include "buf.h"

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- one rule ---- */

typedef struct {
    char *text;               /* literal text, or the expression's source */
    xmlXPathCompExprPtr expr; /* NULL for literal text */
} msg_part;

typedef struct {
    qs_xpath *x;
    const qs_input *src;
    qs_diags *d;
} checker;

typedef struct {
    xmlNode *el;
    char *id;
    qs_severity severity;
    unsigned line;            /* the rule element's first line */
    qs_xpath_origin at;       /* the rule element */
    char *message;            /* the raw message attribute */
    qs_xpath_origin message_at;
    msg_part *parts;          /* NULL when the message could not be parsed */
    size_t nparts;
    bool message_failed;      /* an interpolation failed: use the raw text */
    unsigned long ops;        /* XPath operations used so far */
    bool stopped;             /* the rule failed; no further findings */
} rule;

static char *get_attr(xmlNode *el, const char *name)
{
    xmlChar *v = xmlGetProp(el, BAD_CAST name);
    if (!v)
        return NULL;
    char *s = qs_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static void origin_of(const checker *c, const rule *r, const char *attr,
                      qs_xpath_origin *o)
{
    o->file = c->src->path;
    o->rule = r->id;
    qs_input_locate(c->src, r->el, attr, &o->line, &o->col);
}

static void rule_error(const checker *c, const qs_xpath_origin *o,
                       const char *fmt, ...) QS_PRINTF(3, 4);
static void rule_error(const checker *c, const qs_xpath_origin *o,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qs_diag_vadd(c->d, QS_SEV_ERROR, o->file, o->line, o->col, o->rule, fmt,
                 ap);
    va_end(ap);
}

static void add_part(rule *r, const char *text, size_t n,
                     xmlXPathCompExprPtr expr)
{
    r->parts = qs_xrealloc(r->parts, (r->nparts + 1) * sizeof *r->parts);
    msg_part *p = &r->parts[r->nparts++];
    p->text = qs_xmalloc(n + 1);
    memcpy(p->text, text, n);
    p->text[n] = '\0';
    p->expr = expr;
}

/* Splits the message into literal text and {xpath} parts, compiling each
 * expression; "{{" and "}}" stand for braces, and a '}' inside a quoted
 * XPath literal does not end the expression. Returns false after a
 * diagnostic when the message is malformed. */
static bool parse_message(checker *c, rule *r)
{
    const char *m = r->message;
    qs_buf lit = {0};
    bool ok = true;
    size_t i = 0;
    while (ok && m[i]) {
        if ((m[i] == '{' && m[i + 1] == '{') ||
            (m[i] == '}' && m[i + 1] == '}')) {
            qs_buf_add(&lit, m + i, 1);
            i += 2;
        } else if (m[i] == '}') {
            rule_error(c, &r->message_at,
                       "message: single '}' at offset %zu (write '}}' for a "
                       "literal brace)", i);
            ok = false;
        } else if (m[i] == '{') {
            size_t j = i + 1;
            char quote = 0;
            while (m[j] && (quote || m[j] != '}')) {
                if (quote && m[j] == quote)
                    quote = 0;
                else if (!quote && (m[j] == '\'' || m[j] == '"'))
                    quote = m[j];
                j++;
            }
            if (!m[j]) {
                rule_error(c, &r->message_at,
                           "message: unclosed '{' at offset %zu (write '{{' "
                           "for a literal brace)", i);
                ok = false;
                break;
            }
            size_t k = i + 1;
            while (k < j && is_space((unsigned char)m[k]))
                k++;
            if (k == j) {
                rule_error(c, &r->message_at,
                           "message: empty '{}' at offset %zu", i);
                ok = false;
                break;
            }
            if (lit.len)
                add_part(r, lit.s, lit.len, NULL);
            lit.len = 0;
            char *src = qs_xmalloc(j - i);
            memcpy(src, m + i + 1, j - i - 1);
            src[j - i - 1] = '\0';
            xmlXPathCompExprPtr e = qs_xpath_compile(c->x, src, &r->message_at);
            free(src);
            if (!e) {
                ok = false;
                break;
            }
            add_part(r, m + i + 1, j - i - 1, e);
            i = j + 1;
        } else {
            qs_buf_add(&lit, m + i, 1);
            i++;
        }
    }
    if (ok && lit.len)
        add_part(r, lit.s, lit.len, NULL);
    free(lit.s);
    if (!ok) {
        for (size_t p = 0; p < r->nparts; p++) {
            free(r->parts[p].text);
            xmlXPathFreeCompExpr(r->parts[p].expr);
        }
        free(r->parts);
        r->parts = NULL;
        r->nparts = 0;
    }
    return ok;
}

/* Evaluates under the rule's operation budget. Returns NULL after a
 * diagnostic on an error (and stops the rule when the budget is spent). */
static xmlXPathObjectPtr eval(checker *c, rule *r, xmlXPathCompExprPtr e,
                              xmlNode *node, const qs_xpath_origin *o)
{
    xmlXPathObjectPtr obj = qs_xpath_eval(c->x, e, node, o);
    r->ops += qs_xpath_last_ops(c->x);
    if (obj && r->ops > QS_RULE_OP_BUDGET) {
        rule_error(c, &r->at,
                   "XPath operation limit reached: the rule's evaluations "
                   "took more than %lu operations in all", QS_RULE_OP_BUDGET);
        xmlXPathFreeObject(obj);
        r->stopped = true;
        return NULL;
    }
    return obj;
}

/* The message for `node`, with every {xpath} replaced by its string
 * value. After a failure (reported once per rule) the raw text is used. */
static char *interpolate(checker *c, rule *r, xmlNode *node)
{
    if (!r->parts || r->message_failed)
        return qs_xstrdup(r->message);
    qs_buf b = {0};
    qs_buf_puts(&b, "");
    for (size_t i = 0; i < r->nparts; i++) {
        msg_part *p = &r->parts[i];
        if (!p->expr) {
            qs_buf_puts(&b, p->text);
            continue;
        }
        xmlXPathObjectPtr obj = eval(c, r, p->expr, node, &r->message_at);
        if (!obj) {
            r->message_failed = true;
            free(b.s);
            return qs_xstrdup(r->message);
        }
        xmlChar *s = xmlXPathCastToString(obj);
        qs_buf_puts(&b, s ? (const char *)s : "");
        xmlFree(s);
        xmlXPathFreeObject(obj);
    }
    return b.s;
}

/* The node a diagnostic can point at: text and other leaf nodes are
 * represented by their parent element. */
static const xmlNode *locatable(const xmlNode *n)
{
    if (!n || n->type == XML_NAMESPACE_DECL)
        return NULL;
    if (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE)
        return n;
    if (n->parent && n->parent->type == XML_ELEMENT_NODE)
        return n->parent;
    return NULL;
}

/* One finding: the rule's severity, at the source file, line and column
 * of the element the offending node belongs to (merge.h), or at the
 * rule's own position when the node has none. */
static void report(checker *c, rule *r, xmlNode *node)
{
    char *msg = interpolate(c, r, node);
    qs_origin at = {0};
    const xmlNode *n = locatable(node);
    if (!n || !qs_tree_origin_of(n, &at))
        at = (qs_origin){r->at.file, r->at.line, r->at.col};
    qs_diag_add(c->d, r->severity, at.file, at.line, at.col ? at.col : 1, r->id,
                "%s (rule at %s:%u)", msg, c->src->path, r->line);
    free(msg);
}

static const char *type_name(xmlXPathObjectType t)
{
    switch (t) {
    case XPATH_BOOLEAN: return "a boolean";
    case XPATH_NUMBER: return "a number";
    case XPATH_STRING: return "a string";
    default: return "no node-set";
    }
}

/* Compiles and evaluates a selecting attribute (pattern/@select,
 * assert/@context) from the document node. Returns the node-set object,
 * or NULL after a diagnostic. */
static xmlXPathObjectPtr select_nodes(checker *c, rule *r, const char *attr)
{
    qs_xpath_origin o;
    origin_of(c, r, attr, &o);
    char *expr = get_attr(r->el, attr);
    if (!expr) {
        rule_error(c, &r->at, "%s '%s' attribute is missing",
                   (const char *)r->el->name, attr);
        return NULL;
    }
    xmlXPathCompExprPtr e = qs_xpath_compile(c->x, expr, &o);
    free(expr);
    if (!e)
        return NULL;
    xmlXPathObjectPtr obj = eval(c, r, e, NULL, &o);
    xmlXPathFreeCompExpr(e);
    if (obj && obj->type != XPATH_NODESET) {
        rule_error(c, &o, "%s must select nodes, but gives %s", attr,
                   type_name(obj->type));
        xmlXPathFreeObject(obj);
        return NULL;
    }
    return obj;
}

static void check_pattern(checker *c, rule *r)
{
    qs_xpath_origin o;
    origin_of(c, r, "regex", &o);
    char *pattern = get_attr(r->el, "regex");
    if (!pattern) {
        rule_error(c, &r->at, "pattern 'regex' attribute is missing");
        return;
    }
    qs_regex_error err;
    qs_regex *re = qs_regex_new(pattern, NULL, &err);
    free(pattern);
    if (!re) {
        if (err.offset >= 0)
            rule_error(c, &o, "invalid regex: %s at offset %ld", err.message,
                       err.offset);
        else
            rule_error(c, &o, "invalid regex: %s", err.message);
        return;
    }
    xmlXPathObjectPtr set = select_nodes(c, r, "select");
    xmlNodeSetPtr nodes = set ? set->nodesetval : NULL;
    for (int i = 0; nodes && i < nodes->nodeNr && !r->stopped; i++) {
        xmlNode *node = nodes->nodeTab[i];
        xmlChar *value = xmlXPathCastNodeToString(node);
        const char *s = value ? (const char *)value : "";
        qs_regex_result m = qs_regex_match(re, s, strlen(s), &err);
        if (m == QS_REGEX_ERROR) {
            char shown[QS_ECHO_SIZE];
            rule_error(c, &o, "%s while matching '%s'", err.message, qs_diag_echo(shown, s));
            r->stopped = true;
        } else if (m == QS_REGEX_NO_MATCH) {
            report(c, r, node);
        }
        xmlFree(value);
    }
    xmlXPathFreeObject(set);
    qs_regex_free(re);
}

static void check_assert(checker *c, rule *r)
{
    qs_xpath_origin o;
    origin_of(c, r, "test", &o);
    char *test = get_attr(r->el, "test");
    if (!test) {
        rule_error(c, &r->at, "assert 'test' attribute is missing");
        return;
    }
    xmlXPathCompExprPtr e = qs_xpath_compile(c->x, test, &o);
    free(test);
    if (!e)
        return;
    xmlXPathObjectPtr set = select_nodes(c, r, "context");
    xmlNodeSetPtr nodes = set ? set->nodesetval : NULL;
    for (int i = 0; nodes && i < nodes->nodeNr && !r->stopped; i++) {
        xmlNode *node = nodes->nodeTab[i];
        xmlXPathObjectPtr obj = eval(c, r, e, node, &o);
        if (!obj) {
            r->stopped = true;
            break;
        }
        if (!xmlXPathCastToBoolean(obj))
            report(c, r, node);
        xmlXPathFreeObject(obj);
    }
    xmlXPathFreeObject(set);
    xmlXPathFreeCompExpr(e);
}

static bool parse_severity(const char *s, qs_severity *out)
{
    if (s && strcmp(s, "error") == 0)
        *out = QS_SEV_ERROR;
    else if (s && strcmp(s, "approval") == 0)
        *out = QS_SEV_APPROVAL;
    else if (s && strcmp(s, "warning") == 0)
        *out = QS_SEV_WARNING;
    else
        return false;
    return true;
}

static void check_rule(checker *c, xmlNode *el)
{
    rule r = {0};
    r.el = el;
    r.id = get_attr(el, "id");
    if (!r.id)
        r.id = qs_xstrdup("rules");
    origin_of(c, &r, NULL, &r.at);
    r.line = r.at.line;
    origin_of(c, &r, "message", &r.message_at);
    r.message = get_attr(el, "message");
    char *severity = get_attr(el, "severity");

    if (!parse_severity(severity, &r.severity)) {
        qs_xpath_origin o;
        origin_of(c, &r, "severity", &o);
        rule_error(c, &o,
                   "unknown severity '%s' (use error, approval or warning)",
                   severity ? severity : "");
    } else if (!r.message) {
        rule_error(c, &r.at, "%s 'message' attribute is missing",
                   (const char *)el->name);
    } else {
        parse_message(c, &r);
        if (xmlStrEqual(el->name, BAD_CAST "pattern"))
            check_pattern(c, &r);
        else
            check_assert(c, &r);
    }

    for (size_t i = 0; i < r.nparts; i++) {
        free(r.parts[i].text);
        xmlXPathFreeCompExpr(r.parts[i].expr);
    }
    free(r.parts);
    free(severity);
    free(r.message);
    free(r.id);
}

void qs_rules_check(qs_xpath *x, xmlDoc *tree, const qs_input *rules,
                    qs_diags *d)
{
    (void)tree; /* `x` evaluates on it; the parameter states the contract */
    checker c = {x, rules, d};
    xmlNode *root = rules->doc ? xmlDocGetRootElement(rules->doc) : NULL;
    if (!root)
        return;
    for (xmlNode *el = root->children; el; el = el->next) {
        if (el->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(el->name, BAD_CAST "pattern") ||
            xmlStrEqual(el->name, BAD_CAST "assert"))
            check_rule(&c, el);
    }
}

bool qs_rules_is_draft(const xmlDoc *tree)
{
    xmlNode *root = xmlDocGetRootElement(tree);
    if (!root)
        return false;
    xmlChar *status = xmlGetProp(root, BAD_CAST "status");
    bool draft = status && xmlStrEqual(status, BAD_CAST "draft");
    xmlFree(status);
    return draft;
}
