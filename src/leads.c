/* leads: screening a trade-fair list into qualified leads (leads.h). */
#include "leads.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>

#include <libxml/xpathInternals.h>

#include "arena.h"
#include "batch.h"
#include "buf.h"
#include "fonts.h"
#include "leads_docs.h"
#include "package.h"
#include "load.h"
#include "quote.h"
#include "regex.h"
#include "utf8.h"
#include "xpath.h"

typedef enum {
    ST_INVALID, ST_DUPLICATE, ST_EXISTING, ST_EXCLUDED, ST_QUALIFIED, ST_BELOW, ST_COUNT
} status;

static const char *const status_names[ST_COUNT] = {
    "invalid", "duplicate", "existing-customer", "excluded", "qualified", "below-threshold",
};

typedef struct {
    char *field;
    char *header;
    int column;              /* in the CSV header, or -1 */
    unsigned line, col;      /* the <column> element */
} mapping;

typedef struct {
    char *id;
    char *label;             /* the reason in words, or NULL */
    int points;
    bool exclude;
    xmlXPathCompExprPtr expr;
    qs_xpath_origin at;
} test;

typedef struct {
    char *rep;
    char *countries;         /* "DE AT", or NULL for any */
    qs_regex *postal;        /* or NULL for any */
} territory;

/* One row of the list, as leads.csv and the call sheets need it. */
typedef struct {
    unsigned line;
    status st;
    int score;
    int rep;                 /* territory index, or -1 */
    const char **values;     /* per mapping; "" when absent */
    const char *reasons;     /* ids joined with ';' */
    const char *email_key;   /* folded e-mail, or NULL */
    const char *customer_id;
} lead;

typedef struct {
    const qs_leads_options *o;
    qs_diags *d;
    qs_arena A;
    const qs_input *rules_src;
    mapping *maps;
    size_t nmaps;
    test *tests;
    size_t ntests;
    int threshold;
    territory *terrs;
    size_t nterrs;
    int f_company, f_name, f_email, f_country, f_postal, f_vat;  /* mapping or -1 */
    size_t header_fields;
    xmlDoc *doc;             /* holds the lead being screened */
    qs_xpath *x;
    lead *leads;
    size_t nleads, cap;
    bool header_seen;
    bool failed;
    FILE *out;
    qs_letters *letters;     /* with --letters */
} screen;

/* ---- text ---- */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A field's value as a lead keeps it: blanks trimmed at both ends, CR
 * dropped, other control characters (but tab and line feed) as spaces. */
static char *clean_value(qs_arena *A, const char *s)
{
    while (is_blank((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank((unsigned char)s[n - 1]))
        n--;
    char *v = qs_arena_strndup(A, s, n), *w = v;
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r')
            continue;
        *w++ = c < 0x20 && c != '\t' && c != '\n' ? ' ' : (char)c;
    }
    *w = '\0';
    return v;
}

static bool is_alnum_ascii(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The C.UTF-8 locale for case folding (the user's locale never matters),
 * made once; NULL when the system lacks it (then ASCII only). */
static locale_t utf8_locale(void)
{
    static locale_t loc;
    static bool tried;
    if (!tried) {
        tried = true;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

/* Case-folds UTF-8 `s` into b: each code point lowered (in the C.UTF-8
 * locale, never the user's), ß and ẞ as "ss". With `words`, every
 * character that is neither a letter nor a digit ends a word, and words
 * are joined by one space. Invalid UTF-8 is kept byte by byte. */
static void fold(qs_buf *b, const char *s, bool words)
{
    locale_t loc = utf8_locale();
    size_t n = strlen(s);
    bool gap = false;
    for (size_t i = 0, used = 0; i < n; i += used) {
        uint32_t cp = qs_utf8_decode(s + i, n - i, &used);
        if (cp == (uint32_t)-1) {
            qs_buf_add(b, s + i, 1);
            continue;
        }
        bool alnum = loc ? iswalnum_l((wint_t)cp, loc) : cp >= 0x80 || is_alnum_ascii(cp);
        if (words && !alnum) {
            gap = b->len > 0;
            continue;
        }
        if (gap)
            qs_buf_add(b, " ", 1);
        gap = false;
        if (cp == 0xDF || cp == 0x1E9E)
            qs_buf_puts(b, "ss");
        else {
            char u[4];
            uint32_t lower = loc ? (uint32_t)towlower_l((wint_t)cp, loc)
                           : cp < 0x80 && cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
            qs_buf_add(b, u, qs_utf8_encode(lower, u));
        }
    }
    if (!b->s)
        qs_buf_puts(b, "");
}

/* Legal forms, folded and split into words as fold() leaves them; longer
 * forms before the shorter ones they end with. */
static const char *const legal_forms[] = {
    "gmbh co kg", "g m b h", "ag co kg", "se co kg", "gmbh co kgaa", "co kg", "co kgaa",
    "ug haftungsbeschränkt", "s à r l", "e k", "b v", "n v", "s a",
    "gmbh", "ag", "kg", "kgaa", "ohg", "ug", "sarl", "ltd", "limited", "inc", "llc", "plc", "se",
};

/* Removes one legal form from the end of the words in b, when words are
 * left before it. */
static bool strip_legal_form(qs_buf *b)
{
    for (size_t i = 0; i < sizeof legal_forms / sizeof *legal_forms; i++) {
        size_t n = strlen(legal_forms[i]);
        if (b->len > n && b->s[b->len - n - 1] == ' ' &&
            memcmp(b->s + b->len - n, legal_forms[i], n) == 0) {
            b->len -= n + 1;
            b->s[b->len] = '\0';
            return true;
        }
    }
    return false;
}

char *qs_leads_company_key(const char *name)
{
    qs_buf b = {0};
    fold(&b, name, true);
    while (strip_legal_form(&b))
        ;
    return b.s;
}

/* A VAT id as matching compares it: letters upper case, digits, nothing
 * else ("de 812 345 673" -> "DE812345673"). */
static char *vat_key(qs_arena *A, const char *s)
{
    char *k = qs_arena_strdup(A, s), *w = k;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            *w++ = c;
    }
    *w = '\0';
    return k;
}

/* A plausible e-mail address: one '@', a local part, a domain with a dot
 * and no empty label, no blanks or quotes. */
static bool is_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == ',' || *p == ';' ||
            *p == '<' || *p == '>' || *p == '(' || *p == ')')
            return false;
    const char *dom = at + 1, *dot = strrchr(dom, '.');
    return dot && dot > dom && dot[1] && dot[2] && !strstr(dom, "..") && dom[0] != '.';
}

/* ---- the rules file ---- */

static char *attr(qs_arena *A, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? qs_arena_strdup(A, (const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static int field_index(const screen *s, const char *field)
{
    for (size_t i = 0; i < s->nmaps; i++)
        if (strcmp(s->maps[i].field, field) == 0)
            return (int)i;
    return -1;
}

static bool load_test(screen *s, const xmlNode *n, bool exclude)
{
    test *t = &s->tests[s->ntests++];
    t->id = attr(&s->A, n, "id");
    t->label = attr(&s->A, n, "label");
    t->exclude = exclude;
    char *points = attr(&s->A, n, "points");
    t->points = points ? atoi(points) : 0;
    unsigned line, col;
    qs_input_locate(s->rules_src, n, "test", &line, &col);
    t->at = (qs_xpath_origin){s->rules_src->path, line, col, t->id};
    t->expr = qs_xpath_compile(s->x, attr(&s->A, n, "test"), &t->at);
    return t->expr != NULL;
}

static bool load_territory(screen *s, const xmlNode *n)
{
    territory *t = &s->terrs[s->nterrs++];
    t->rep = attr(&s->A, n, "rep");
    t->countries = attr(&s->A, n, "countries");
    char *postal = attr(&s->A, n, "postal-codes");
    if (!postal)
        return true;
    qs_regex_error err;
    t->postal = qs_regex_new(postal, NULL, &err);
    if (t->postal)
        return true;
    unsigned line, col;
    qs_input_locate(s->rules_src, n, "postal-codes", &line, &col);
    qs_diag_add(s->d, QS_SEV_ERROR, s->rules_src->path, line, col, "bad-regex",
                "postal-codes is not a valid pattern: %s", err.message);
    return false;
}

/* Loads and compiles the rules: columns, tests, threshold, territories. */
static bool load_rules(screen *s, qs_inputs *in)
{
    s->rules_src = qs_input_load_xml(in, s->o->rules, QS_FORMAT_LEADS, NULL, s->d);
    if (!s->rules_src)
        return false;
    const xmlNode *root = xmlDocGetRootElement(s->rules_src->doc);
    size_t n = 0;
    for (const xmlNode *c = root->children; c; c = c->next)
        n++;
    s->maps = qs_arena_array(&s->A, n, sizeof *s->maps);
    s->tests = qs_arena_array(&s->A, n, sizeof *s->tests);
    s->terrs = qs_arena_array(&s->A, n, sizeof *s->terrs);
    bool ok = true;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (qs_xml_is(c, "column")) {
            mapping *m = &s->maps[s->nmaps++];
            m->field = attr(&s->A, c, "field");
            m->header = attr(&s->A, c, "header");
            m->column = -1;
            qs_input_locate(s->rules_src, c, "header", &m->line, &m->col);
        } else if (qs_xml_is(c, "score") || qs_xml_is(c, "exclude")) {
            ok = load_test(s, c, qs_xml_is(c, "exclude")) && ok;
        } else if (qs_xml_is(c, "threshold")) {
            s->threshold = atoi(attr(&s->A, c, "points"));
        } else if (qs_xml_is(c, "territory")) {
            ok = load_territory(s, c) && ok;
        }
    }
    if (ok && s->o->letters) {
        s->letters = qs_letters_load(in, s->rules_src, qs_xml_child(root, "letter"), s->d);
        ok = s->letters != NULL;
    }
    s->f_company = field_index(s, "company");
    s->f_name = field_index(s, "name");
    s->f_email = field_index(s, "email");
    s->f_country = field_index(s, "country");
    s->f_postal = field_index(s, "postal-code");
    s->f_vat = field_index(s, "vat-id");
    return ok;
}

/* ---- the rows ---- */

/* Maps the rules' columns onto the header's fields (headers compared
 * case-folded, blanks trimmed). A column the header lacks is a warning;
 * no mapped column at all is an error. */
static bool map_header(screen *s, const qs_csv_row *row)
{
    s->header_fields = row->nfields;
    if (row->broken) {
        qs_diag_add(s->d, QS_SEV_ERROR, s->o->csv, row->line, 0, "not-csv",
                    "the header line is broken");
        return false;
    }
    size_t mapped = 0;
    for (size_t m = 0; m < s->nmaps; m++) {
        qs_buf want = {0};
        fold(&want, s->maps[m].header, true);
        for (size_t i = 0; i < row->nfields && s->maps[m].column < 0; i++) {
            qs_buf have = {0};
            fold(&have, row->fields[i], true);
            if (strcmp(want.s, have.s) == 0)
                s->maps[m].column = (int)i;
            qs_buf_free(&have);
        }
        qs_buf_free(&want);
        if (s->maps[m].column >= 0) {
            mapped++;
            continue;
        }
        char h[QS_ECHO_SIZE];
        qs_diag_echo(h, s->maps[m].header);
        qs_diag_add(s->d, QS_SEV_WARNING, s->rules_src->path, s->maps[m].line,
                    s->maps[m].col, "unmapped-column",
                    "the list %s has no column '%s' (field %s stays empty)", s->o->csv, h,
                    s->maps[m].field);
    }
    if (mapped == 0) {
        qs_diag_add(s->d, QS_SEV_ERROR, s->o->csv, row->line, 1, "not-csv",
                    "the header names none of the columns %s maps (is this the "
                    "attendee list, with a header line?)", s->rules_src->path);
        return false;
    }
    return true;
}

static void warn_field(screen *s, const lead *l, int m, const char *rule, const char *what)
{
    char v[QS_ECHO_SIZE];
    qs_diag_echo(v, l->values[m]);
    qs_diag_add(s->d, QS_SEV_WARNING, s->o->csv, l->line, (unsigned)s->maps[m].column + 1,
                rule, "%s '%s' (the row is invalid)", what, v);
}

/* The first reason a row is invalid, diagnosed; false when it is fine. */
static bool check_row(screen *s, const qs_csv_row *row, lead *l)
{
    if (row->broken)
        return true;
    if (row->nfields != s->header_fields) {
        qs_diag_add(s->d, QS_SEV_WARNING, s->o->csv, l->line, 0, "csv-fields",
                    "the row has %zu field%s, the header %zu (the row is invalid)",
                    row->nfields, row->nfields == 1 ? "" : "s", s->header_fields);
        return true;
    }
    if (s->f_email >= 0 && l->values[s->f_email][0] && !is_email(l->values[s->f_email])) {
        warn_field(s, l, s->f_email, "lead-email", "bad e-mail address");
        return true;
    }
    if (s->f_country >= 0 && l->values[s->f_country][0]) {
        char *c = (char *)l->values[s->f_country];
        bool ok = strlen(c) == 2;
        for (size_t i = 0; ok && i < 2; i++) {
            if (c[i] >= 'a' && c[i] <= 'z')
                c[i] = (char)(c[i] - 32);
            ok = c[i] >= 'A' && c[i] <= 'Z';
        }
        if (!ok) {
            warn_field(s, l, s->f_country, "lead-country",
                       "country is not an ISO 3166 code (like DE, AT, CH)");
            return true;
        }
    }
    return false;
}

/* The first territory (in file order) whose countries and postal codes
 * take the lead, or -1. */
static int find_rep(screen *s, const lead *l)
{
    const char *country = s->f_country >= 0 ? l->values[s->f_country] : "";
    const char *postal = s->f_postal >= 0 ? l->values[s->f_postal] : "";
    for (size_t i = 0; i < s->nterrs; i++) {
        const territory *t = &s->terrs[i];
        if (t->countries) {
            size_t n = strlen(country);
            const char *hit = n == 2 ? strstr(t->countries, country) : NULL;
            if (!hit || (hit[2] != ' ' && hit[2] != '\0'))
                continue;
        }
        if (t->postal) {
            qs_regex_error err;
            if (qs_regex_match(t->postal, postal, strlen(postal), &err) != QS_REGEX_MATCH)
                continue;
        }
        return (int)i;
    }
    return -1;
}

/* Builds the lead's tree, runs every test on it, picks the rep. With
 * --data prints the tree. Returns false after an evaluation error. Each
 * row has the XPath allocation budget to itself: the trees of the rows
 * before and the customers loaded never count against it. */
static bool screen_lead(screen *s, lead *l)
{
    qs_xpath_reset_budget(s->x);
    xmlNode *root = xmlDocGetRootElement(s->doc);
    xmlNode *n = xmlNewChild(root, NULL, BAD_CAST "lead", NULL);
    char num[32], *src = qs_arena_printf(&s->A, "%s:%u", s->o->csv, l->line);
    snprintf(num, sizeof num, "%u", l->line);
    xmlSetProp(n, BAD_CAST "row", BAD_CAST num);
    xmlSetProp(n, BAD_CAST "src", BAD_CAST src);
    for (size_t m = 0; m < s->nmaps; m++)
        xmlNewTextChild(n, NULL, BAD_CAST s->maps[m].field, BAD_CAST l->values[m]);
    bool ok = true, excluded = false;
    qs_buf reasons = {0};
    for (size_t i = 0; i < s->ntests && ok; i++) {
        xmlXPathObjectPtr r = qs_xpath_eval(s->x, s->tests[i].expr, n, &s->tests[i].at);
        ok = r != NULL;
        if (r && xmlXPathCastToBoolean(r)) {
            if (reasons.len)
                qs_buf_puts(&reasons, ";");
            qs_buf_puts(&reasons, s->tests[i].id);
            excluded |= s->tests[i].exclude;
            l->score += s->tests[i].points;
        }
        xmlXPathFreeObject(r);
    }
    l->reasons = qs_arena_strdup(&s->A, reasons.s ? reasons.s : "");
    qs_buf_free(&reasons);
    l->st = excluded ? ST_EXCLUDED : l->score >= s->threshold ? ST_QUALIFIED : ST_BELOW;
    l->rep = find_rep(s, l);
    if (s->o->data) {
        xmlBufferPtr b = xmlBufferCreate();
        xmlNodeDump(b, s->doc, n, 1, 1);
        fprintf(s->out, "  %s\n", (const char *)xmlBufferContent(b));
        xmlBufferFree(b);
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return ok;
}

static bool on_row(void *ctx, const qs_csv_row *row)
{
    screen *s = ctx;
    if (!s->header_seen) {
        s->header_seen = true;
        return map_header(s, row);
    }
    s->leads = qs_xgrow(s->leads, &s->cap, s->nleads + 1, sizeof *s->leads);
    lead *l = &s->leads[s->nleads++];
    if (s->o->progress && s->nleads % 4096 == 0) {
        fprintf(stderr, "\r\033[Kleads: %zu rows", s->nleads);
        fflush(stderr);
    }
    memset(l, 0, sizeof *l);
    l->line = row->line;
    l->rep = -1;
    l->reasons = "";
    l->values = qs_arena_array(&s->A, s->nmaps ? s->nmaps : 1, sizeof *l->values);
    for (size_t m = 0; m < s->nmaps; m++) {
        size_t c = (size_t)s->maps[m].column;
        l->values[m] = s->maps[m].column >= 0 && c < row->nfields
                           ? clean_value(&s->A, row->fields[c]) : "";
    }
    if (check_row(s, row, l)) {
        l->st = ST_INVALID;
        return true;
    }
    if (s->f_email >= 0 && l->values[s->f_email][0]) {
        qs_buf b = {0};
        fold(&b, l->values[s->f_email], false);
        l->email_key = qs_arena_strdup(&s->A, b.s);
        qs_buf_free(&b);
    }
    if (!screen_lead(s, l)) {
        s->failed = true;
        return false;
    }
    return true;
}

/* ---- matching ---- */

static int compare_email(const void *pa, const void *pb)
{
    const lead *a = *(const lead *const *)pa, *b = *(const lead *const *)pb;
    int c = strcmp(a->email_key, b->email_key);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* Every valid row whose folded e-mail an earlier valid row has. */
static void find_duplicates(screen *s)
{
    const lead **by = qs_xcalloc(s->nleads ? s->nleads : 1, sizeof *by);
    size_t n = 0;
    for (size_t i = 0; i < s->nleads; i++)
        if (s->leads[i].st != ST_INVALID && s->leads[i].email_key)
            by[n++] = &s->leads[i];
    qsort(by, n, sizeof *by, compare_email);
    for (size_t i = 1; i < n; i++)
        if (strcmp(by[i]->email_key, by[i - 1]->email_key) == 0)
            ((lead *)by[i])->st = ST_DUPLICATE;
    free((void *)by);
}

/* A customer key: a normalised VAT id, or a company key and postal code
 * joined by '\x1f'. */
typedef struct {
    const char *key;
    const char *id;
} customer_key;

typedef struct {
    customer_key *keys;
    size_t n, cap;
} customer_index;

static void add_key(customer_index *ix, const char *key, const char *id)
{
    if (!key[0])
        return;
    ix->keys = qs_xgrow(ix->keys, &ix->cap, ix->n + 1, sizeof *ix->keys);
    ix->keys[ix->n++] = (customer_key){key, id};
}

static const char *name_postal_key(qs_arena *A, const char *company, const char *postal)
{
    char *k = qs_leads_company_key(company);
    const char *key = k[0] ? qs_arena_printf(A, "%s\x1f%s", k, postal) : "";
    free(k);
    return key;
}

/* The customer of one loaded quote, as matching needs it: id, name, VAT id
 * and postal code (arena strings; NULL when absent). The one place that
 * knows where a quote keeps its customer: /quote/customer in the merged
 * tree (SPEC 2.1). */
typedef struct {
    const char *id, *name, *vat_id, *postal_code;
} customer;

static void customer_of(const qs_quote *q, qs_arena *A, customer *c)
{
    memset(c, 0, sizeof *c);
    if (!q->has_customer)
        return;
    const char *parts[] = {q->customer.id, q->customer.name, q->customer.vat_id,
                           q->customer.address.postal_code};
    const char **out[] = {&c->id, &c->name, &c->vat_id, &c->postal_code};
    for (size_t i = 0; i < 4; i++)
        *out[i] = parts[i] ? qs_arena_strdup(A, parts[i]) : NULL;
}

static int compare_keys(const void *pa, const void *pb)
{
    const customer_key *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->id, b->id);
}

/* Loads every quote under the folder and indexes its customer. Each quote
 * is read with inputs of its own, freed before the next, as batch workers
 * do: the run's limits (QS_MAX_XML_ELEMENTS, QS_MAX_RUN_FILES_FACTOR) hold
 * per quote, not for all customers together, and memory stays that of
 * one quote however many customers there are. */
static bool load_customers(screen *s, const qs_inputs *in, customer_index *ix)
{
    char **paths = NULL;
    size_t npaths = 0;
    char *dir = (char *)s->o->customers;
    if (!qs_batch_find_quotes(&dir, 1, &paths, &npaths, s->d))
        return false;
    bool ok = true;
    for (size_t i = 0; i < npaths; i++) {
        qs_inputs one;
        if (!qs_inputs_init(&one, in->root, in->max_file_size, s->d)) {
            ok = false;
            free(paths[i]);
            continue;
        }
        qs_quote q;
        memset(&q, 0, sizeof q);
        if (qs_quote_load(&q, &one, paths[i], s->d)) {
            customer c;
            customer_of(&q, &s->A, &c);
            const char *id = c.id ? c.id : "";
            if (c.vat_id)
                add_key(ix, vat_key(&s->A, c.vat_id), id);
            if (c.name)
                add_key(ix, name_postal_key(&s->A, c.name, c.postal_code ? c.postal_code : ""),
                        id);
        } else {
            ok = false;
        }
        qs_quote_free(&q);
        qs_inputs_free(&one);
        free(paths[i]);
    }
    free(paths);
    qsort(ix->keys, ix->n, sizeof *ix->keys, compare_keys);
    return ok;
}

static const char *find_customer(const customer_index *ix, const char *key)
{
    if (!key[0])
        return NULL;
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && strcmp(ix->keys[lo].key, key) == 0 ? ix->keys[lo].id : NULL;
}

/* Marks the rows that are existing customers: the VAT id first, then the
 * company name with the postal code. */
static void find_existing(screen *s, const customer_index *ix)
{
    for (size_t i = 0; i < s->nleads; i++) {
        lead *l = &s->leads[i];
        if (l->st == ST_INVALID || l->st == ST_DUPLICATE)
            continue;
        const char *id = NULL;
        if (s->f_vat >= 0)
            id = find_customer(ix, vat_key(&s->A, l->values[s->f_vat]));
        if (!id && s->f_company >= 0)
            id = find_customer(ix, name_postal_key(&s->A, l->values[s->f_company],
                                                   s->f_postal >= 0 ? l->values[s->f_postal] : ""));
        if (id) {
            l->st = ST_EXISTING;
            l->customer_id = id;
        }
    }
}

/* ---- outputs ---- */

void qs_leads_csv_field(qs_buf *b, const char *v, bool last)
{
    size_t n = strlen(v);
    bool quote = strpbrk(v, ",\"\r\n") != NULL ||
                 (n && (is_blank((unsigned char)v[0]) || is_blank((unsigned char)v[n - 1])));
    if (!quote) {
        qs_buf_add(b, v, n);
    } else {
        qs_buf_add(b, "\"", 1);
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                qs_buf_add(b, "\"\"", 2);
            else
                qs_buf_add(b, p, 1);
        }
        qs_buf_add(b, "\"", 1);
    }
    qs_buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

static const char *value(const lead *l, int field)
{
    return field >= 0 ? l->values[field] : "";
}

/* leads.csv (SPEC 8): one row per list row, in list order. */
static char *leads_csv(const screen *s, size_t *size)
{
    qs_buf b = {0};
    qs_buf_puts(&b, "row,status,score,rep,company,name,email,country,reasons,customer-id\r\n");
    for (size_t i = 0; i < s->nleads; i++) {
        const lead *l = &s->leads[i];
        char num[16], score[16];
        snprintf(num, sizeof num, "%u", l->line);
        snprintf(score, sizeof score, "%d", l->score);
        qs_leads_csv_field(&b, num, false);
        qs_leads_csv_field(&b, status_names[l->st], false);
        qs_leads_csv_field(&b, l->st == ST_INVALID ? "" : score, false);
        qs_leads_csv_field(&b, l->rep >= 0 ? s->terrs[l->rep].rep : "", false);
        qs_leads_csv_field(&b, value(l, s->f_company), false);
        qs_leads_csv_field(&b, value(l, s->f_name), false);
        qs_leads_csv_field(&b, value(l, s->f_email), false);
        qs_leads_csv_field(&b, value(l, s->f_country), false);
        qs_leads_csv_field(&b, l->reasons, false);
        qs_leads_csv_field(&b, l->customer_id ? l->customer_id : "", true);
    }
    *size = b.len;
    return b.s;
}

/* The summary on stdout: rows read, rows by status, qualified by rep. */
static void print_summary(const screen *s, const char *outdir, const char *written)
{
    size_t by_status[ST_COUNT] = {0};
    size_t *by_rep = qs_xcalloc(s->nterrs + 1, sizeof *by_rep);
    for (size_t i = 0; i < s->nleads; i++) {
        by_status[s->leads[i].st]++;
        if (s->leads[i].st == ST_QUALIFIED)
            by_rep[s->leads[i].rep >= 0 ? (size_t)s->leads[i].rep : s->nterrs]++;
    }
    fprintf(s->out, "%s: %zu row%s read\n\n", s->o->csv, s->nleads, s->nleads == 1 ? "" : "s");
    fprintf(s->out, "%-20s %8s\n", "status", "rows");
    for (size_t i = 0; i < ST_COUNT; i++)
        fprintf(s->out, "%-20s %8zu\n", status_names[i], by_status[i]);
    fprintf(s->out, "\n%-20s %8s\n", "rep", "qualified");
    for (size_t i = 0; i <= s->nterrs; i++) {
        bool first = true;
        for (size_t j = 0; i < s->nterrs && j < i && first; j++)
            first = strcmp(s->terrs[j].rep, s->terrs[i].rep) != 0;
        if (!first || (i == s->nterrs && by_rep[i] == 0))
            continue;
        size_t n = by_rep[i];
        for (size_t j = i + 1; i < s->nterrs && j < s->nterrs; j++)
            if (strcmp(s->terrs[j].rep, s->terrs[i].rep) == 0)
                n += by_rep[j];
        fprintf(s->out, "%-20s %8zu\n", i < s->nterrs ? s->terrs[i].rep : "(no territory)", n);
    }
    fprintf(s->out, "\n%s/leads.csv\n%s", outdir, written);
    free(by_rep);
}

/* ---- the run ---- */

/* Reads the list through `in` under the CSV size cap (not the XML one). */
static const qs_input *read_list(qs_inputs *in, const qs_leads_options *o, qs_diags *d)
{
    size_t cap = in->max_file_size;
    in->max_file_size = o->max_csv_size ? o->max_csv_size : QS_LEADS_MAX_CSV_SIZE;
    const qs_input *src = qs_input_read(in, o->csv, NULL, d);
    in->max_file_size = cap;
    return src;
}

/* The qualified leads as the documents take them (leads_docs.h), in
 * list order. */
static xmlDoc *qualified_tree(const screen *s)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "leads");
    xmlDocSetRootElement(doc, root);
    for (size_t i = 0; i < s->nleads; i++) {
        const lead *l = &s->leads[i];
        if (l->st != ST_QUALIFIED)
            continue;
        xmlNode *n = xmlNewChild(root, NULL, BAD_CAST "lead", NULL);
        char num[32];
        snprintf(num, sizeof num, "%u", l->line);
        xmlSetProp(n, BAD_CAST "row", BAD_CAST num);
        char *src = qs_arena_printf((qs_arena *)&s->A, "%s:%u", s->o->csv, l->line);
        xmlSetProp(n, BAD_CAST "src", BAD_CAST src);
        snprintf(num, sizeof num, "%d", l->score);
        xmlSetProp(n, BAD_CAST "score", BAD_CAST num);
        if (l->rep >= 0)
            xmlSetProp(n, BAD_CAST "rep", BAD_CAST s->terrs[l->rep].rep);
        for (size_t m = 0; m < s->nmaps; m++)
            xmlNewTextChild(n, NULL, BAD_CAST s->maps[m].field, BAD_CAST l->values[m]);
        xmlNode *reasons = xmlNewChild(n, NULL, BAD_CAST "reasons", NULL);
        for (size_t t = 0; t < s->ntests; t++) {
            const char *id = s->tests[t].id, *hit = strstr(l->reasons, id);
            size_t len = strlen(id);
            while (hit && ((hit != l->reasons && hit[-1] != ';') ||
                           (hit[len] != ';' && hit[len] != '\0')))
                hit = strstr(hit + 1, id);
            if (!hit)
                continue;
            xmlNode *r = xmlNewTextChild(reasons, NULL, BAD_CAST "reason",
                                         BAD_CAST(s->tests[t].label ? s->tests[t].label : id));
            xmlSetProp(r, BAD_CAST "id", BAD_CAST id);
        }
    }
    return doc;
}

/* Letters, call sheets, then leads.csv, each folder atomically; `written`
 * gets the paths for the summary. */
static bool write_outputs(const screen *s, qs_inputs *in, const char *outdir,
                          qs_buf *written)
{
    xmlDoc *q = qualified_tree(s);
    const xmlNode *leads = xmlDocGetRootElement(q);
    size_t nletters = 0;
    bool ok = !s->letters || qs_leads_letters(in, s->letters, leads, s->o->jobs,
                                              s->o->progress, outdir, &nletters, s->d);
    ok = ok && qs_leads_call_sheets(in, leads, s->o->lang ? s->o->lang : "de", outdir,
                                    written, s->d);
    if (ok && s->letters)
        qs_buf_printf(written, "%s/letters/ (%zu letter%s, index.csv)\n", outdir, nletters,
                      nletters == 1 ? "" : "s");
    xmlFreeDoc(q);
    size_t size = 0;
    char *csv = ok ? leads_csv(s, &size) : NULL;
    qs_output out = {"leads.csv", (const unsigned char *)csv, size};
    ok = ok && qs_output_write(outdir, &out, 1, s->d);
    free(csv);
    return ok;
}

static void free_screen(screen *s)
{
    for (size_t i = 0; i < s->ntests; i++)
        xmlXPathFreeCompExpr(s->tests[i].expr);
    for (size_t i = 0; i < s->nterrs; i++)
        qs_regex_free(s->terrs[i].postal);
    qs_xpath_free(s->x);
    xmlFreeDoc(s->doc);
    qs_letters_free(s->letters);
    free(s->leads);
    qs_arena_free(&s->A);
}

bool qs_leads_run(qs_inputs *in, const qs_leads_options *o, FILE *out, qs_diags *d)
{
    screen s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.d = d;
    s.out = out;
    qs_arena_init(&s.A);
    s.doc = xmlNewDoc(BAD_CAST "1.0");
    xmlDocSetRootElement(s.doc, xmlNewNode(NULL, BAD_CAST "leads"));
    s.x = qs_xpath_new(s.doc, d);
    customer_index ix = {0};
    bool ok = load_rules(&s, in);
    if (ok && o->customers)
        ok = load_customers(&s, in, &ix);
    const qs_input *src = ok ? read_list(in, o, d) : NULL;
    if (src && o->data)
        fputs("<leads>\n", out);
    ok = src && qs_csv_read(src->path, src->data, src->size, o->encoding, on_row, &s, d) &&
         !s.failed;
    if (src && o->data)
        fputs("</leads>\n", out);
    if (o->progress && s.nleads >= 4096)
        fputs("\r\033[K", stderr);
    if (ok && !o->data) {
        find_duplicates(&s);
        find_existing(&s, &ix);
        const char *outdir = o->outdir ? o->outdir : "out/leads";
        qs_buf written = {0};
        ok = write_outputs(&s, in, outdir, &written);
        if (ok)
            print_summary(&s, outdir, written.s ? written.s : "");
        qs_buf_free(&written);
    }
    free(ix.keys);
    free_screen(&s);
    return ok;
}
