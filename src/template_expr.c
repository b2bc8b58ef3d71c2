/* template_expr: the template's expression language: {interpolations},
 * XPath, the formatting functions (money, percent, qty, date, format-number,
 * format-date, format-iban, country-name, t, total) and the <strings> they
 * look up, parsed once and evaluated against the data tree. */
#include "template_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "country.h"
#include "decimal.h"
#include "format.h"

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= (uintptr_t)0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return (size_t)x;
}

static void *map_get(const ptrmap *m, const void *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = ptr_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == key)
            return m->slots[i].value;
        if (!m->slots[i].key)
            return NULL;
    }
}

static void map_put(ptrmap *m, const void *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap) {
        ptrmap bigger = {qs_xcalloc(m->cap ? m->cap * 2 : 64, sizeof(slot)),
                         m->cap ? m->cap * 2 : 64, 0};
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                map_put(&bigger, m->slots[i].key, m->slots[i].value);
        free(m->slots);
        *m = bigger;
    }
    size_t i = ptr_hash(key) & (m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key)
        m->count++;
    m->slots[i].key = key;
    m->slots[i].value = value;
}

/* ---- expressions and interpolation ---- */

static const struct {
    const char *name;
    fn_id fn;
    int min, max;
} functions[] = {
    {"money", FN_MONEY, 1, 2}, {"percent", FN_PERCENT, 1, 1},
    {"qty", FN_QTY, 1, 1},     {"date", FN_DATE, 1, 2},
    {"t", FN_T, 1, 2},         {"total", FN_TOTAL, 1, 1},
    {"format-number", FN_FORMAT_NUMBER, 2, 2},
    {"format-date", FN_FORMAT_DATE, 2, 2},
    {"format-iban", FN_FORMAT_IBAN, 1, 1},
    {"country-name", FN_COUNTRY_NAME, 1, 2},
};

/* Index just past the quoted string starting at s[i], or n. */
static size_t skip_quoted(const char *s, size_t i, size_t n)
{
    char q = s[i++];
    while (i < n && s[i] != q)
        i++;
    return i < n ? i + 1 : n;
}

/* The string inside a quoted XPath literal s[0..n), or NULL. */
static const char *literal_of(tpl *t, const char *s, size_t n)
{
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0] ||
        memchr(s + 1, s[0], n - 2))
        return NULL;
    return qs_arena_strndup(&t->scratch, s + 1, n - 2);
}

/* The <text> of <string> s in the document's language, else the one
 * without lang, else the first; "" when it has none. */
static const char *string_pick(const tpl *t, const xmlNode *s)
{
    const xmlNode *plain = NULL, *first = NULL;
    for (const xmlNode *c = s->children; c; c = c->next) {
        if (!is_el(c, "text"))
            continue;
        if (!first)
            first = c;
        const char *l = attr(c, "lang");
        if (l && strcmp(l, t->lang_code) == 0) {
            first = plain = c;
            break;
        }
        if (!l && !plain)
            plain = c;
    }
    const xmlNode *pick = plain ? plain : first;
    if (!pick)
        return "";
    return pick->children && pick->children->content
               ? (const char *)pick->children->content
               : "";
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const string_entry *)a)->id, ((const string_entry *)b)->id);
}

static int compare_id(const void *key, const void *entry)
{
    return strcmp(key, ((const string_entry *)entry)->id);
}

/* Indexes the <string>s of `strings` by id, sorted (the schema makes ids
 * unique): every t() looks its id up here, a computed id once per table
 * row, which scanning <strings> made a few thousand strcmp calls. */
void qs_tpl_index_strings(tpl *t, const xmlNode *strings)
{
    size_t n = 0;
    for (const xmlNode *s = strings ? strings->children : NULL; s; s = s->next)
        n += is_el(s, "string") && attr(s, "id");
    t->strings = qs_arena_array(&t->scratch, n ? n : 1, sizeof(string_entry));
    for (const xmlNode *s = strings ? strings->children : NULL; s; s = s->next) {
        if (!is_el(s, "string") || !attr(s, "id"))
            continue;
        t->strings[t->nstrings++] = (string_entry){attr(s, "id"), string_pick(t, s)};
    }
    qsort(t->strings, t->nstrings, sizeof(string_entry), compare_entries);
}

/* The text of string `id` (string_pick), or NULL when there is no such
 * string. */
static const char *string_text(const tpl *t, const char *id)
{
    const string_entry *e = bsearch(id, t->strings, t->nstrings,
                                    sizeof(string_entry), compare_id);
    return e ? e->text : NULL;
}

/* The pattern argument of format-number/format-date: a quoted literal,
 * checked now so that a bad one is a template error even in a branch the
 * data never takes. NULL after a diagnostic. */
static const char *pattern_of(tpl *t, fn_id fn, const char *s, size_t n,
                              const xmlNode *node, const char *attr_name)
{
    const char *fname = fn == FN_FORMAT_DATE ? "format-date" : "format-number";
    const char *pattern = literal_of(t, s, n);
    if (!pattern) {
        qs_tpl_error(t, node, attr_name, "%s() takes its pattern as a quoted literal, "
                     "like %s", fname,
                     fn == FN_FORMAT_DATE ? "'d. MMMM yyyy'" : "'#,##0.00'");
        return NULL;
    }
    char out[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = fn == FN_FORMAT_DATE
                           ? qs_format_date_pattern("2000-01-01", pattern, t->lang, out)
                           : qs_format_number("0", pattern, "EUR", t->lang, out);
    if (st == QS_FMT_PATTERN) {
        qs_tpl_error(t, node, attr_name, "%s(): '%s' is %s", fname, pattern,
                     qs_format_status_message(st));
        return NULL;
    }
    return pattern;
}

/* True when `literal` (NULL: not a quoted literal) is a style of date()
 * ('short', 'long') or country-name() ('upper'). */
static bool is_style(fn_id fn, const char *literal)
{
    if (!literal)
        return false;
    if (fn == FN_DATE)
        return strcmp(literal, "short") == 0 || strcmp(literal, "long") == 0;
    return strcmp(literal, "upper") == 0;
}

static expr *parse_expr(tpl *t, const char *s, size_t n, const xmlNode *node,
                        const char *attr_name);
static void free_expr(expr *e);

/* Compiles XPath `text` written at node's attribute attr_name (NULL: its
 * text), or reports why it does not compile. The origin is located only
 * then: locating costs more than compiling a short expression. */
static xmlXPathCompExprPtr compile(tpl *t, const char *text, const xmlNode *node,
                                   const char *attr_name)
{
    xmlXPathCompExprPtr comp = qs_xpath_try_compile(t->xp, text);
    if (!comp) {
        qs_xpath_origin o = qs_tpl_origin(t, node, attr_name);
        qs_xpath_report(t->xp, &o);
        t->failed = true;
    }
    return comp;
}

/* Parses s[0..n) as a template function call when it is one. Returns
 * false when it is plain XPath; otherwise *out is the call (NULL after a
 * diagnostic). */
static bool parse_call(tpl *t, const char *s, size_t n, const xmlNode *node,
                       const char *attr_name, expr **out)
{
    size_t i = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
        i++;
    size_t name_len = i;
    while (i < n && is_xml_space(s[i]))
        i++;
    if (name_len == 0 || i >= n || s[i] != '(' || s[n - 1] != ')')
        return false;
    int fi = -1;
    for (size_t k = 0; k < sizeof functions / sizeof functions[0]; k++)
        if (strlen(functions[k].name) == name_len &&
            memcmp(functions[k].name, s, name_len) == 0)
            fi = (int)k;
    if (fi < 0)
        return false;

    /* The call's parenthesis must close at the very end: "money(a) + 1"
     * is XPath (and fails there). Split the arguments on top-level commas. */
    size_t open = i, depth = 0, starts[3], ends[3];
    int nargs = 0;
    starts[0] = open + 1;
    for (size_t k = open; k < n; k++) {
        char c = s[k];
        if (c == '\'' || c == '"') {
            k = skip_quoted(s, k, n) - 1;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (--depth == 0 && k != n - 1)
                return false;
        } else if (c == ',' && depth == 1) {
            if (nargs < 2) {
                ends[nargs] = k;
                starts[++nargs] = k + 1;
            } else {
                nargs = 3;
            }
        }
    }
    if (depth != 0)
        return false;
    if (nargs < 3)
        ends[nargs++] = n - 1;
    *out = NULL;
    const char *fname = functions[fi].name;
    if (nargs < functions[fi].min || nargs > functions[fi].max) {
        qs_tpl_error(t, node, attr_name, "%s() takes %d to %d arguments", fname,
             functions[fi].min, functions[fi].max);
        return true;
    }
    expr *e = qs_arena_alloc(&t->scratch, sizeof *e);
    e->is_call = true;
    e->fn = functions[fi].fn;
    e->nargs = nargs;
    if (e->fn == FN_T && nargs == 1) {
        const char *id = literal_of(t, s + starts[0], ends[0] - starts[0]);
        if (id) {
            /* A literal id is looked up now, so a typo is a template error. */
            e->literal = string_text(t, id);
            if (!e->literal) {
                qs_tpl_error(t, node, attr_name, "unknown string '%s' (declare it in <strings>)", id);
                return true;
            }
            e->nargs = 0;
            *out = e;
            return true;
        }
    }
    for (int k = 0; k < nargs; k++) {
        if ((e->fn == FN_FORMAT_NUMBER || e->fn == FN_FORMAT_DATE) && k == 1) {
            e->literal = pattern_of(t, e->fn, s + starts[1], ends[1] - starts[1], node,
                                    attr_name);
            if (!e->literal) {
                free_expr(e);
                return true;
            }
            e->nargs = 1;
            continue;
        }
        if ((e->fn == FN_DATE || e->fn == FN_COUNTRY_NAME) && k == 1) {
            e->literal = literal_of(t, s + starts[1], ends[1] - starts[1]);
            if (!is_style(e->fn, e->literal)) {
                qs_tpl_error(t, node, attr_name, e->fn == FN_DATE
                                 ? "date() style must be 'short' or 'long'"
                                 : "country-name() style must be 'upper'");
                free_expr(e);
                return true;
            }
            e->nargs = 1;
            continue;
        }
        e->args[k] = parse_expr(t, s + starts[k], ends[k] - starts[k], node, attr_name);
        if (!e->args[k]) {
            free_expr(e);
            return true;
        }
    }
    if (e->fn == FN_TOTAL && e->args[0]->is_call) {
        qs_tpl_error(t, node, attr_name, "total() takes an XPath node set, like total(line/@net)");
        free_expr(e);
        return true;
    }
    *out = e;
    return true;
}

/* An XPath expression written at node's attribute attr_name (NULL: its
 * text); NULL after a diagnostic when it does not compile. A plain path
 * (xpath.h) always compiles and is mostly evaluated without libxml2, so
 * it is compiled only when libxml2 has to evaluate it: compiling the
 * standard template's 100 or so plain paths cost 0.6 M instructions. */
static expr *new_xpath(tpl *t, const char *text, const xmlNode *node,
                       const char *attr_name)
{
    expr *e = qs_arena_alloc(&t->scratch, sizeof *e);
    e->xpath = text;
    e->path = qs_xpath_path_new(text);
    if (!e->path && !(e->comp = compile(t, text, node, attr_name)))
        return NULL;
    return e;
}

static expr *parse_expr(tpl *t, const char *s, size_t n, const xmlNode *node,
                        const char *attr_name)
{
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if (n == 0) {
        qs_tpl_error(t, node, attr_name, "empty expression");
        return NULL;
    }
    expr *call;
    if (parse_call(t, s, n, node, attr_name, &call)) {
        if (!call)
            t->failed = true;
        return call;
    }
    return new_xpath(t, qs_arena_strndup(&t->scratch, s, n), node, attr_name);
}

static void free_expr(expr *e)
{
    if (!e)
        return;
    if (e->comp)
        xmlXPathFreeCompExpr(e->comp);
    qs_xpath_path_free(e->path);
    for (int i = 0; i < 2; i++)
        free_expr(e->args[i]);
}

/* Parses (once; cached by the text's address) a text with {expr}
 * interpolations. {{ and }} stand for literal braces; {page} and {pages}
 * are page number fields, allowed where `fields` is set. */
program *qs_tpl_program(tpl *t, const char *text, const xmlNode *node,
                            const char *attr_name, bool fields)
{
    program *p = map_get(&t->programs, text);
    if (p)
        return p;
    p = qs_arena_alloc(&t->scratch, sizeof *p);
    map_put(&t->programs, text, p);
    size_t cap = 0;
    qs_buf lit = {0};
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++) {
        char c = text[i];
        bool brace = c == '{' && text[i + 1] != '{';
        if (c == '{' && text[i + 1] == '{') {
            qs_buf_puts(&lit, "{");
            i++;
            continue;
        }
        if (c == '}' && text[i + 1] == '}') {
            qs_buf_puts(&lit, "}");
            i++;
            continue;
        }
        if (c != '\0' && !brace) {
            qs_buf_add(&lit, &text[i], 1);
            continue;
        }
        if (lit.len) {
            p->parts = qs_arena_grow(&t->scratch, p->parts, p->count, &cap, p->count + 1,
                                     sizeof(part));
            p->parts[p->count++] = (part){PART_TEXT, qs_arena_strdup(&t->scratch, lit.s), NULL};
            lit.len = 0;
        }
        if (c == '\0')
            break;
        /* An expression runs to the first '}' outside a quoted string. */
        size_t start = i + 1, k = start;
        while (k < n && text[k] != '}')
            k = (text[k] == '\'' || text[k] == '"') ? skip_quoted(text, k, n) : k + 1;
        if (k >= n) {
            qs_tpl_error(t, node, attr_name, "'{' without a closing '}' (write '{{' for a brace)");
            p->failed = true;
            break;
        }
        const char *e = text + start;
        size_t elen = k - start;
        while (elen > 0 && is_xml_space(*e))
            e++, elen--;
        while (elen > 0 && is_xml_space(e[elen - 1]))
            elen--;
        part_kind kind = PART_EXPR;
        if (elen == 4 && memcmp(e, "page", 4) == 0)
            kind = PART_PAGE;
        else if (elen == 5 && memcmp(e, "pages", 5) == 0)
            kind = PART_PAGES;
        if (kind != PART_EXPR && !fields) {
            qs_tpl_error(t, node, attr_name,
                 "{page} and {pages} are only available in paragraphs of a "
                 "<master>'s header and footer");
            p->failed = true;
        }
        expr *ex = NULL;
        if (kind == PART_EXPR) {
            ex = parse_expr(t, e, elen, node, attr_name);
            if (!ex)
                p->failed = true;
        }
        p->parts = qs_arena_grow(&t->scratch, p->parts, p->count, &cap, p->count + 1,
                                 sizeof(part));
        p->parts[p->count++] = (part){kind, NULL, ex};
        i = k;
    }
    free(lit.s);
    return p;
}

/* The compiled XPath of attribute `name` (cached), or NULL. */
expr *qs_tpl_xpath(tpl *t, const xmlNode *n, const char *name)
{
    const char *v = attr(n, name);
    if (!v)
        return NULL;
    expr *e = map_get(&t->xpaths, v);
    if (e)
        return e;
    e = new_xpath(t, v, n, name);
    if (e)
        map_put(&t->xpaths, v, e);
    return e;
}

/* ---- evaluation ---- */

static xmlXPathObjectPtr eval_raw(tpl *t, expr *e, xmlNode *ctx,
                                  const xmlNode *tnode, const char *attr_name)
{
    if (!e->comp && !(e->comp = compile(t, e->xpath, tnode, attr_name))) {
        t->stop = true;
        return NULL;
    }
    xmlXPathObjectPtr obj = qs_xpath_try_eval(t->xp, e->comp, ctx);
    if (!obj) {
        /* Located only now: locating every evaluation's origin cost as
         * much as a quarter of the evaluations themselves. */
        qs_xpath_origin o = qs_tpl_origin(t, tnode, attr_name);
        qs_xpath_report(t->xp, &o);
        t->failed = t->stop = true;
    }
    return obj;
}

static void runtime_error(tpl *t, expr *e, const xmlNode *tnode,
                          const char *attr_name, const char *fname,
                          const value *v, const char *why)
{
    t->failed = true;
    if (e->reported)
        return;
    e->reported = true;
    if (v->node)
        qs_tpl_error(t, tnode, attr_name, "%s(): '%s' from %s: %s", fname, v->s,
             qs_tpl_describe_node(t, v->node), why);
    else
        qs_tpl_error(t, tnode, attr_name, "%s(): '%s': %s", fname, v->s, why);
}

/* Sums the decimal strings of a node set exactly; the result keeps the
 * largest number of fractional digits among the terms. */
static value eval_total(tpl *t, expr *e, xmlNode *ctx, const xmlNode *tnode,
                        const char *attr_name)
{
    value r = {"0", NULL, false};
    xmlXPathObjectPtr obj = eval_raw(t, e->args[0], ctx, tnode, attr_name);
    if (!obj)
        return r;
    if (obj->type != XPATH_NODESET) {
        value v = {"(not a node set)", NULL, false};
        runtime_error(t, e, tnode, attr_name, "total", &v, "total() needs a node set");
        xmlXPathFreeObject(obj);
        return r;
    }
    qs_decimal sum = 0;
    int places = 0;
    xmlNodeSetPtr set = obj->nodesetval;
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlChar *s = xmlXPathCastNodeToString(set->nodeTab[i]);
        qs_decimal v;
        bool ok = qs_decimal_parse((const char *)s, &v) == QS_DEC_OK &&
                  qs_decimal_add(sum, v, &sum);
        if (!ok) {
            value bad = {qs_arena_strdup(&t->values, (const char *)s),
                         set->nodeTab[i], false};
            runtime_error(t, e, tnode, attr_name, "total", &bad,
                          "not a decimal number, or the sum overflows");
            xmlFree(s);
            xmlXPathFreeObject(obj);
            return r;
        }
        const char *dot = strchr((const char *)s, '.');
        int p = dot ? (int)strlen(dot + 1) : 0;
        if (p > places)
            places = p;
        xmlFree(s);
    }
    xmlXPathFreeObject(obj);
    char buf[QS_DECIMAL_BUFSIZE];
    r.s = qs_arena_strdup(&t->values, qs_decimal_format(sum, places, buf));
    r.ok = true;
    return r;
}

value qs_tpl_eval(tpl *t, expr *e, xmlNode *ctx, const xmlNode *tnode,
                       const char *attr_name)
{
    value r = {"", NULL, false};
    xmlNode *first;
    if (e->path && qs_xpath_path_first(e->path, ctx, &first)) {
        /* The string value of the first node, as xmlXPathCastToString
         * gives it below. */
        if (first) {
            xmlChar *s = xmlNodeGetContent(first);
            r.s = qs_arena_strdup(&t->values, s ? (const char *)s : "");
            xmlFree(s);
        }
        r.node = first;
        r.ok = true;
        return r;
    }
    if (!e->is_call) {
        xmlXPathObjectPtr obj = eval_raw(t, e, ctx, tnode, attr_name);
        if (!obj)
            return r;
        if (obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0)
            r.node = obj->nodesetval->nodeTab[0];
        xmlChar *s = xmlXPathCastToString(obj);
        r.s = qs_arena_strdup(&t->values, s ? (const char *)s : "");
        xmlFree(s);
        xmlXPathFreeObject(obj);
        r.ok = true;
        return r;
    }
    if (e->fn == FN_T && e->nargs == 0) {
        r.s = e->literal;
        r.ok = true;
        return r;
    }
    if (e->fn == FN_T) {
        /* A computed id, like t(concat('dept-', @name), @name): unknown ids
         * give the fallback, or nothing. */
        value id = qs_tpl_eval(t, e->args[0], ctx, tnode, attr_name);
        const char *text = id.ok ? string_text(t, id.s) : NULL;
        if (text) {
            r.s = text;
            r.ok = true;
            return r;
        }
        if (e->nargs > 1)
            return qs_tpl_eval(t, e->args[1], ctx, tnode, attr_name);
        r.ok = id.ok;
        return r;
    }
    if (e->fn == FN_TOTAL)
        return eval_total(t, e, ctx, tnode, attr_name);

    value v = qs_tpl_eval(t, e->args[0], ctx, tnode, attr_name);
    if (!v.ok)
        return r;
    if (e->fn == FN_COUNTRY_NAME) {
        /* Never an error: a code without a name prints as it is. */
        v.s = qs_country_get_name(v.s, t->lang, e->literal != NULL);
        return v;
    }
    char buf[QS_FORMAT_BUFSIZE];
    qs_fmt_status st = QS_FMT_OK;
    const char *fname = "money";
    switch (e->fn) {
    case FN_MONEY: {
        const char *cur = t->currency;
        if (e->nargs > 1) {
            value c = qs_tpl_eval(t, e->args[1], ctx, tnode, attr_name);
            if (!c.ok)
                return r;
            cur = c.s;
        }
        st = qs_format_money(v.s, cur ? cur : "", t->lang, buf);
        if (st == QS_FMT_CURRENCY)
            v.s = cur ? cur : "(no /quote/@currency)";
        break;
    }
    case FN_PERCENT:
        fname = "percent";
        st = qs_format_percent(v.s, t->lang, buf);
        break;
    case FN_QTY:
        fname = "qty";
        st = qs_format_quantity(v.s, t->lang, buf);
        break;
    case FN_DATE:
        fname = "date";
        st = qs_format_date(v.s, t->lang,
                            e->literal && strcmp(e->literal, "long") == 0
                                ? QS_DATE_LONG
                                : QS_DATE_SHORT,
                            buf);
        break;
    case FN_FORMAT_NUMBER:
        fname = "format-number";
        st = qs_format_number(v.s, e->literal, t->currency ? t->currency : "", t->lang, buf);
        break;
    case FN_FORMAT_DATE:
        fname = "format-date";
        st = qs_format_date_pattern(v.s, e->literal, t->lang, buf);
        break;
    case FN_FORMAT_IBAN:
        fname = "format-iban";
        st = qs_format_iban(v.s, buf);
        break;
    default:
        break;
    }
    if (st != QS_FMT_OK) {
        runtime_error(t, e, tnode, attr_name, fname, &v, qs_format_status_message(st));
        return r;
    }
    r.s = qs_arena_strdup(&t->values, buf);
    r.node = v.node;
    r.ok = true;
    return r;
}

bool qs_tpl_test(tpl *t, const xmlNode *n, xmlNode *ctx)
{
    return qs_tpl_test_attr(t, n, "test", ctx);
}

bool qs_tpl_test_attr(tpl *t, const xmlNode *n, const char *name, xmlNode *ctx)
{
    expr *e = qs_tpl_xpath(t, n, name);
    if (!e)
        return false;
    xmlNode *first;
    if (e->path && qs_xpath_path_first(e->path, ctx, &first))
        return first != NULL;
    xmlXPathObjectPtr obj = eval_raw(t, e, ctx, n, name);
    if (!obj)
        return false;
    bool r = xmlXPathCastToBoolean(obj) != 0;
    xmlXPathFreeObject(obj);
    return r;
}

/* The nodes `select` finds (caller frees with xmlXPathFreeObject), or NULL. */
xmlXPathObjectPtr qs_tpl_select(tpl *t, const xmlNode *n, xmlNode *ctx)
{
    expr *e = qs_tpl_xpath(t, n, "select");
    if (!e)
        return NULL;
    xmlXPathObjectPtr obj = eval_raw(t, e, ctx, n, "select");
    if (obj && obj->type != XPATH_NODESET) {
        qs_tpl_error(t, n, "select", "select must give a node set, not a %s",
             obj->type == XPATH_STRING ? "string"
             : obj->type == XPATH_NUMBER ? "number" : "boolean");
        xmlXPathFreeObject(obj);
        return NULL;
    }
    return obj;
}

/* Interpolates a text into one string (no fields), whitespace collapsed. */
const char *qs_tpl_interp(tpl *t, const char *text, const xmlNode *n,
                                 const char *attr_name, xmlNode *ctx)
{
    program *p = qs_tpl_program(t, text, n, attr_name, false);
    if (p->failed)
        return "";
    qs_buf b = {0};
    qs_buf_puts(&b, "");
    for (size_t i = 0; i < p->count; i++) {
        if (p->parts[i].kind == PART_TEXT)
            qs_buf_puts(&b, p->parts[i].text);
        else if (p->parts[i].kind == PART_EXPR)
            qs_buf_puts(&b, qs_tpl_eval(t, p->parts[i].ex, ctx, n, attr_name).s);
    }
    /* Collapse runs of XML whitespace and trim. */
    size_t o = 0;
    bool space = true;
    for (size_t i = 0; i < b.len; i++) {
        if (is_xml_space(b.s[i])) {
            if (!space)
                b.s[o++] = ' ';
            space = true;
        } else {
            b.s[o++] = b.s[i];
            space = false;
        }
    }
    while (o > 0 && b.s[o - 1] == ' ')
        o--;
    const char *r = qs_arena_strndup(t->A, b.s, o);
    free(b.s);
    return r;
}

/* Frees the compiled expressions of every cached program and XPath, and
 * the two caches. */
void qs_tpl_expr_free_all(tpl *t)
{
    for (size_t i = 0; i < t->programs.cap; i++) {
        program *p = t->programs.slots[i].value;
        for (size_t k = 0; p && k < p->count; k++)
            free_expr(p->parts[k].ex);
    }
    for (size_t i = 0; i < t->xpaths.cap; i++)
        free_expr(t->xpaths.slots[i].value);
    free(t->programs.slots);
    free(t->xpaths.slots);
}
