/* leads_docs: call sheets and information letters (leads_docs.h). */
#include "leads_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "catalog.h"
#include "layout.h"
#include "leads.h"
#include "package.h"
#include "pool.h"
#include "regex.h"
#include "render_pdf.h"
#include "template.h"

#include <sys/wait.h>

#define CALL_SHEET_TEMPLATE "templates/call-sheet/template.xml"

/* ---- small helpers ---- */

static char *attr(qs_arena *A, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? qs_arena_strdup(A, (const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* The text of the lead's field `name`, or "" (arena copy). */
static const char *field(qs_arena *A, const xmlNode *lead, const char *name)
{
    const xmlNode *n = qs_xml_child(lead, name);
    xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
    const char *s = qs_arena_strdup(A, v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static unsigned row_of(const xmlNode *lead)
{
    xmlChar *v = xmlGetProp(lead, BAD_CAST "row");
    unsigned row = v ? (unsigned)strtoul((const char *)v, NULL, 10) : 0;
    xmlFree(v);
    return row;
}

/* Data tree + template -> PDF (malloc'd into *pdf), like a catalog. */
static bool render(qs_inputs *in, const char *template_path, const qs_origin *at,
                   xmlDoc *tree, const char *src, const char *lang, unsigned char **pdf,
                   size_t *size, qs_diags *d)
{
    qs_doc doc;
    qs_layout layout;
    qs_doc_init(&doc);
    memset(&layout, 0, sizeof layout);
    bool ok = qs_template_build(in, template_path, at, tree, src, lang, &doc, d) &&
              qs_layout_run(&doc, &layout, d) && qs_render_pdf(&doc, &layout, pdf, size, d);
    if (!ok) {
        free(*pdf);
        *pdf = NULL;
        *size = 0;
    }
    qs_layout_free(&layout);
    qs_doc_free(&doc);
    return ok;
}

/* A rep's name as a file name: ASCII letters and digits kept, German
 * umlauts and ß spelt out, every other run of characters one '-'. */
static char *safe_name(qs_arena *A, const char *name)
{
    static const char *const spelt[][2] = {
        {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"Ä", "Ae"}, {"Ö", "Oe"}, {"Ü", "Ue"}, {"ß", "ss"},
    };
    qs_buf b = {0};
    for (const char *p = name; *p;) {
        unsigned char c = (unsigned char)*p;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            qs_buf_add(&b, p++, 1);
            continue;
        }
        size_t k = 0;
        while (k < sizeof spelt / sizeof *spelt && strncmp(p, spelt[k][0], 2) != 0)
            k++;
        if (k < sizeof spelt / sizeof *spelt) {
            qs_buf_puts(&b, spelt[k][1]);
            p += 2;
            continue;
        }
        if (b.len && b.s[b.len - 1] != '-')
            qs_buf_add(&b, "-", 1);
        p++;
        while (((unsigned char)*p & 0xC0) == 0x80)
            p++;
    }
    while (b.len && b.s[b.len - 1] == '-')
        b.s[--b.len] = '\0';
    char *s = qs_arena_strdup(A, b.len ? b.s : "rep");
    qs_buf_free(&b);
    return s;
}

/* ---- call sheets ---- */

typedef struct {
    const xmlNode *lead;
    const char *rep;     /* "" for none */
    long score;
    unsigned row;
} ranked;

static int compare_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    int c = strcmp(a->rep, b->rep);
    if (c)
        return c;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* The call sheet of leads[0..n) (one rep's, ranked). */
static xmlDoc *call_sheet_tree(const ranked *leads, size_t n, const char *lang)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "call-sheet");
    xmlDocSetRootElement(doc, root);
    char count[32];
    snprintf(count, sizeof count, "%zu", n);
    xmlSetProp(root, BAD_CAST "rep", BAD_CAST leads[0].rep);
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlSetProp(root, BAD_CAST "count", BAD_CAST count);
    for (size_t i = 0; i < n; i++)
        xmlAddChild(root, xmlDocCopyNode((xmlNode *)leads[i].lead, doc, 1));
    return doc;
}

bool qs_leads_call_sheets(qs_inputs *in, const xmlNode *leads, const char *lang,
                          const char *outdir, qs_buf *written, qs_diags *d)
{
    qs_arena A;
    qs_arena_init(&A);
    size_t n = 0;
    for (const xmlNode *c = leads->children; c; c = c->next)
        n += qs_xml_is(c, "lead");
    ranked *r = qs_arena_array(&A, n ? n : 1, sizeof *r);
    size_t k = 0;
    for (const xmlNode *c = leads->children; c; c = c->next) {
        if (!qs_xml_is(c, "lead"))
            continue;
        const char *rep = attr(&A, c, "rep"), *score = attr(&A, c, "score");
        r[k++] = (ranked){c, rep ? rep : "", score ? strtol(score, NULL, 10) : 0, row_of(c)};
    }
    qsort(r, n, sizeof *r, compare_ranked);
    qs_output *outs = qs_arena_array(&A, n ? n : 1, sizeof *outs);
    size_t nouts = 0;
    char *tpl = qs_inputs_root_file(in, CALL_SHEET_TEMPLATE);
    bool ok = true;
    for (size_t i = 0; i < n && ok;) {
        size_t j = i;
        while (j < n && strcmp(r[j].rep, r[i].rep) == 0)
            j++;
        const char *base = r[i].rep[0] ? safe_name(&A, r[i].rep) : "unassigned";
        const char *name = qs_arena_printf(&A, "%s.pdf", base);
        for (size_t t = 2; t < 1000; t++) {   /* two reps, one safe name */
            bool taken = false;
            for (size_t o = 0; o < nouts && !taken; o++)
                taken = strcmp(outs[o].name, name) == 0;
            if (!taken)
                break;
            name = qs_arena_printf(&A, "%s-%zu.pdf", base, t);
        }
        xmlDoc *tree = call_sheet_tree(r + i, j - i, lang);
        unsigned char *pdf = NULL;
        size_t size = 0;
        ok = render(in, tpl, NULL, tree, tpl, lang, &pdf, &size, d);
        xmlFreeDoc(tree);
        if (ok) {
            unsigned char *kept = qs_arena_alloc(&A, size ? size : 1);
            memcpy(kept, pdf, size);
            outs[nouts++] = (qs_output){name, kept, size};
        }
        free(pdf);
        i = j;
    }
    char *dir = qs_arena_printf(&A, "%s/call-sheets", outdir);
    ok = ok && (nouts == 0 || qs_output_write(dir, outs, nouts, d));
    for (size_t i = 0; ok && i < nouts; i++)
        qs_buf_printf(written, "%s/%s\n", dir, outs[i].name);
    free(tpl);
    qs_arena_free(&A);
    return ok;
}

/* ---- the letters' rules ---- */

typedef struct {
    qs_regex *industry;      /* NULL: any */
    char **categories;
    size_t ncategories;
    unsigned line, col;
} interest;

struct qs_letters {
    qs_arena A;
    char *template_path;
    qs_origin template_at;   /* the <letter> element's template attribute */
    char *pricelist;
    const char *date;        /* YYYY-MM-DD, or NULL */
    const char *rules_path;
    xmlNode *sender;         /* in `held`, or NULL */
    xmlDoc *held;
    interest *interests;
    size_t ninterests;
    xmlDoc *catalog[2];      /* de, en */
};

/* Resolves the href in attribute `name` of the <letter> element against
 * the rules file and checks the file can be read. */
static char *letter_file(qs_inputs *in, const qs_input *rules, const xmlNode *letter,
                         const char *name, qs_origin *at, qs_diags *d)
{
    xmlChar *href = xmlGetProp(letter, BAD_CAST name);
    qs_input_locate(rules, letter, name, &at->line, &at->col);
    at->file = rules->path;
    char *path = NULL;
    bool ok = href && qs_input_resolve(in, rules->path, (const char *)href, at, &path, d) &&
              qs_input_read(in, path, at, d) != NULL;
    xmlFree(href);
    if (!ok) {
        free(path);
        return NULL;
    }
    return path;
}

/* True when the catalog tree has a category `name`. */
static bool has_category(const xmlDoc *catalog, const char *name)
{
    for (const xmlNode *c = xmlDocGetRootElement(catalog)->children; c; c = c->next) {
        xmlChar *v = xmlGetProp(c, BAD_CAST "name");
        bool hit = v && strcmp((const char *)v, name) == 0;
        xmlFree(v);
        if (hit)
            return true;
    }
    return false;
}

static bool load_interest(qs_letters *L, const qs_input *rules, const xmlNode *n,
                          qs_diags *d)
{
    interest *it = &L->interests[L->ninterests++];
    qs_input_locate(rules, n, "industry", &it->line, &it->col);
    const char *pattern = attr(&L->A, n, "industry");
    if (pattern) {
        qs_regex_error err;
        it->industry = qs_regex_new(pattern, NULL, &err);
        if (!it->industry) {
            qs_diag_add(d, QS_SEV_ERROR, rules->path, it->line, it->col, "bad-regex",
                        "industry is not a valid pattern: %s", err.message);
            return false;
        }
    }
    char *list = attr(&L->A, n, "categories");
    it->categories = qs_arena_array(&L->A, strlen(list) / 2 + 1, sizeof *it->categories);
    bool ok = true;
    for (char *save = NULL, *c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
        it->categories[it->ncategories++] = c;
        if (!has_category(L->catalog[0], c)) {
            unsigned line, col;
            qs_input_locate(rules, n, "categories", &line, &col);
            qs_diag_add(d, QS_SEV_ERROR, rules->path, line, col, "unknown-category",
                        "the price list %s has no category '%s'", L->pricelist, c);
            ok = false;
        }
    }
    return ok;
}

/* Warns [letter-date] when the letters' date lies outside the price
 * list's validity: the letters quote its prices as current (dates are
 * xs:date, so they compare as strings). */
static void warn_outside_validity(const qs_letters *L, const qs_input *rules,
                                  const xmlNode *letter, qs_diags *d)
{
    const xmlNode *list = xmlDocGetRootElement(L->catalog[0]);
    xmlChar *from = xmlGetProp(list, BAD_CAST "valid-from");
    xmlChar *until = xmlGetProp(list, BAD_CAST "valid-until");
    xmlChar *id = xmlGetProp(list, BAD_CAST "id");
    if ((from && strcmp(L->date, (const char *)from) < 0) ||
        (until && strcmp(L->date, (const char *)until) > 0)) {
        unsigned line, col;
        qs_input_locate(rules, letter, "date", &line, &col);
        char shown[QS_ECHO_SIZE];
        qs_diag_add(d, QS_SEV_WARNING, rules->path, line, col, "letter-date",
                    "the letters are dated %s, but price list %s is valid from %s to %s: "
                    "they would quote its prices as current", L->date,
                    qs_diag_echo(shown, id ? (const char *)id : "?"),
                    from ? (const char *)from : "-", until ? (const char *)until : "-");
    }
    xmlFree(from);
    xmlFree(until);
    xmlFree(id);
}

qs_letters *qs_letters_load(qs_inputs *in, const qs_input *rules, const xmlNode *letter,
                            qs_diags *d)
{
    if (!letter) {
        const xmlNode *root = xmlDocGetRootElement(rules->doc);
        unsigned line, col;
        qs_input_locate(rules, root, NULL, &line, &col);
        qs_diag_add(d, QS_SEV_ERROR, rules->path, line, col, "no-letter",
                    "--letters needs a <letter template=\"…\" pricelist=\"…\"> element in "
                    "the rules file");
        return NULL;
    }
    qs_letters *L = qs_xcalloc(1, sizeof *L);
    qs_arena_init(&L->A);
    L->rules_path = qs_arena_strdup(&L->A, rules->path);
    qs_origin pl_at;
    L->template_path = letter_file(in, rules, letter, "template", &L->template_at, d);
    L->pricelist = letter_file(in, rules, letter, "pricelist", &pl_at, d);
    L->date = attr(&L->A, letter, "date");
    bool ok = L->template_path && L->pricelist &&
              qs_input_load_xml(in, L->template_path, QS_FORMAT_TEMPLATE, &L->template_at, d);
    if (ok) {
        L->catalog[0] = qs_catalog_data(in, L->pricelist, "de", d);
        L->catalog[1] = L->catalog[0] ? qs_catalog_data(in, L->pricelist, "en", d) : NULL;
        ok = L->catalog[1] != NULL;
    }
    size_t n = 0;
    for (const xmlNode *c = letter->children; c; c = c->next)
        n += qs_xml_is(c, "interest");
    L->interests = qs_arena_array(&L->A, n ? n : 1, sizeof *L->interests);
    for (const xmlNode *c = letter->children; ok && c; c = c->next)
        if (qs_xml_is(c, "interest"))
            ok = load_interest(L, rules, c, d) && ok;
    const xmlNode *sender = qs_xml_child(letter, "sender");
    if (ok && sender) {
        L->held = xmlNewDoc(BAD_CAST "1.0");
        L->sender = xmlDocCopyNode((xmlNode *)sender, L->held, 1);
        xmlDocSetRootElement(L->held, L->sender);
    }
    if (ok && !L->date) {
        xmlChar *from = xmlGetProp(xmlDocGetRootElement(L->catalog[0]), BAD_CAST "valid-from");
        L->date = qs_arena_strdup(&L->A, (const char *)from);
        xmlFree(from);
    } else if (ok) {
        warn_outside_validity(L, rules, letter, d);
    }
    L->template_at.file = L->rules_path;
    if (!ok) {
        qs_letters_free(L);
        return NULL;
    }
    return L;
}

void qs_letters_free(qs_letters *L)
{
    if (!L)
        return;
    for (size_t i = 0; i < L->ninterests; i++)
        qs_regex_free(L->interests[i].industry);
    xmlFreeDoc(L->catalog[0]);
    xmlFreeDoc(L->catalog[1]);
    xmlFreeDoc(L->held);
    free(L->template_path);
    free(L->pricelist);
    qs_arena_free(&L->A);
    free(L);
}

/* ---- one letter ---- */

/* The language of a lead's letter: German for DE, AT, CH and LI. */
static const char *letter_lang(qs_arena *A, const xmlNode *lead)
{
    const char *c = field(A, lead, "country");
    static const char *const german[] = {"DE", "AT", "CH", "LI"};
    for (size_t i = 0; i < sizeof german / sizeof *german; i++)
        if (strcmp(c, german[i]) == 0)
            return "de";
    return "en";
}

/* An academic title at the start of s ("Dr.", "Prof.", "Prof. Dr." ...):
 * its length with the blanks after it, 0 when none. */
static size_t academic_prefix(const char *s)
{
    static const char *const titles[] = {"Prof. Dr. ", "Prof. ", "Dr. ", "Dr ", "Prof "};
    size_t total = 0;
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
            size_t n = strlen(titles[i]);
            if (strncmp(s + total, titles[i], n) == 0) {
                total += n;
                while (s[total] == ' ')
                    total++;
                more = true;
                break;
            }
        }
    }
    return total;
}

/* The addressee as the template needs it: gender from the salutation
 * field (Frau, Ms, Mrs: f; Herr, Mr: m; else none), an academic title from
 * the start of the name or of the title field, given and family name (the
 * last word of the name), and the position (the title without the
 * academic part). */
static void add_addressee(xmlNode *letter, qs_arena *A, const xmlNode *lead)
{
    static const char *const female[] = {"Frau", "Ms", "Ms.", "Mrs", "Mrs.", "Mme"};
    static const char *const male[] = {"Herr", "Mr", "Mr.", "M."};
    const char *sal = field(A, lead, "salutation");
    const char *gender = "";
    for (size_t i = 0; i < sizeof female / sizeof *female; i++)
        if (strcmp(sal, female[i]) == 0)
            gender = "f";
    for (size_t i = 0; i < sizeof male / sizeof *male; i++)
        if (strcmp(sal, male[i]) == 0)
            gender = "m";
    const char *name = field(A, lead, "name"), *title = field(A, lead, "title");
    size_t an = academic_prefix(name), at = an ? 0 : academic_prefix(title);
    char *academic = qs_arena_strndup(A, an ? name : title, an ? an : at);
    size_t len = strlen(academic);
    while (len && academic[len - 1] == ' ')
        academic[--len] = '\0';
    name += an;
    const char *space = strrchr(name, ' ');
    const char *given = space ? qs_arena_strndup(A, name, (size_t)(space - name)) : "";
    const char *family = space ? space + 1 : name;
    xmlNode *n = xmlNewChild(letter, NULL, BAD_CAST "addressee", NULL);
    xmlSetProp(n, BAD_CAST "gender", BAD_CAST gender);
    xmlSetProp(n, BAD_CAST "academic", BAD_CAST academic);
    /* English: "Dr" without the point; a professor is "Professor". */
    const char *en = strstr(academic, "Prof") ? "Professor" : strstr(academic, "Dr") ? "Dr" : "";
    xmlSetProp(n, BAD_CAST "academic-en", BAD_CAST en);
    xmlSetProp(n, BAD_CAST "given", BAD_CAST given);
    xmlSetProp(n, BAD_CAST "family", BAD_CAST family);
    xmlSetProp(n, BAD_CAST "position", BAD_CAST(title + at));
}

/* The interest the lead's industry takes (first in file order), or NULL.
 * Returns false after an error diagnostic (the pattern hit a limit). */
static bool find_interest(const qs_letters *L, qs_arena *A, const xmlNode *lead,
                          const interest **out, qs_diags *d)
{
    const char *industry = field(A, lead, "industry");
    *out = NULL;
    for (size_t i = 0; i < L->ninterests; i++) {
        const interest *it = &L->interests[i];
        qs_regex_error err;
        qs_regex_result r = it->industry
                                ? qs_regex_match(it->industry, industry, strlen(industry), &err)
                                : QS_REGEX_MATCH;
        if (r == QS_REGEX_ERROR) {
            qs_diag_add(d, QS_SEV_ERROR, L->rules_path, it->line, it->col, "regex-limit",
                        "industry pattern failed on row %u: %s", row_of(lead), err.message);
            return false;
        }
        if (r == QS_REGEX_MATCH) {
            *out = it;
            return true;
        }
    }
    return true;
}

/* The letter's data tree for one lead. */
static xmlDoc *letter_tree(const qs_letters *L, qs_arena *A, const xmlNode *lead,
                           const interest *it, const char *lang)
{
    const xmlDoc *cat = L->catalog[strcmp(lang, "de") == 0 ? 0 : 1];
    const xmlNode *croot = xmlDocGetRootElement(cat);
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *root = xmlNewNode(NULL, BAD_CAST "letter");
    xmlDocSetRootElement(doc, root);
    xmlSetProp(root, BAD_CAST "lang", BAD_CAST lang);
    xmlChar *currency = xmlGetProp(croot, BAD_CAST "currency");
    xmlSetProp(root, BAD_CAST "currency", currency);
    xmlFree(currency);
    xmlSetProp(root, BAD_CAST "date", BAD_CAST L->date);
    xmlSetProp(root, BAD_CAST "src", BAD_CAST L->pricelist);
    if (L->sender)
        xmlAddChild(root, xmlDocCopyNode(L->sender, doc, 1));
    xmlAddChild(root, xmlDocCopyNode((xmlNode *)lead, doc, 1));
    add_addressee(root, A, lead);
    for (size_t i = 0; it && i < it->ncategories; i++)
        for (const xmlNode *c = croot->children; c; c = c->next) {
            xmlChar *v = xmlGetProp(c, BAD_CAST "name");
            if (v && strcmp((const char *)v, it->categories[i]) == 0)
                xmlAddChild(root, xmlDocCopyNode((xmlNode *)c, doc, 1));
            xmlFree(v);
        }
    return doc;
}

/* ---- the letters, in worker processes ---- */

typedef struct {
    qs_inputs *in;
    const qs_letters *L;
    const xmlNode **leads;
    qs_output *outs;
    qs_arena *A;
    qs_diags *d;
    bool failed, progress;
    size_t finished, total;
} letters_run;

/* A worker: one letter's PDF as the payload. */
static int build_letter(size_t i, void *ctx, qs_diags *d, qs_buf *payload)
{
    letters_run *r = ctx;
    qs_arena A;
    qs_arena_init(&A);
    const interest *it = NULL;
    bool ok = find_interest(r->L, &A, r->leads[i], &it, d);
    unsigned char *pdf = NULL;
    size_t size = 0;
    if (ok) {
        const char *lang = letter_lang(&A, r->leads[i]);
        xmlDoc *tree = letter_tree(r->L, &A, r->leads[i], it, lang);
        ok = render(r->in, r->L->template_path, &r->L->template_at, tree, r->L->pricelist,
                    lang, &pdf, &size, d);
        xmlFreeDoc(tree);
    }
    if (ok)
        qs_buf_add(payload, (const char *)pdf, size);
    free(pdf);
    qs_arena_free(&A);
    return ok ? 0 : 1;
}

static qs_diags *letter_sink(size_t i, void *ctx)
{
    (void)i;
    return ((letters_run *)ctx)->d;
}

static bool letter_done(size_t i, void *ctx, const qs_pool_result *res)
{
    letters_run *r = ctx;
    unsigned row = row_of(r->leads[i]);
    bool ok = qs_pool_succeeded(res);
    if (!res->started)
        qs_diag_add(r->d, QS_SEV_ERROR, NULL, 0, 0, "internal",
                    "cannot start a worker process: %s", strerror(res->error));
    else if (!ok && !WIFEXITED(res->wait_status))
        qs_diag_add(r->d, QS_SEV_ERROR, NULL, 0, 0, "internal",
                    "the worker building the letter of row %u crashed", row);
    if (ok) {
        unsigned char *kept = qs_arena_alloc(r->A, res->size ? res->size : 1);
        memcpy(kept, res->payload, res->size);
        r->outs[i] = (qs_output){qs_arena_printf(r->A, "%u.pdf", row), kept, res->size};
    }
    r->failed |= !ok;
    r->finished++;
    if (r->progress) {
        fprintf(stderr, "\r\033[Kletters: [%zu/%zu]", r->finished, r->total);
        fflush(stderr);
    }
    return ok;
}

bool qs_leads_letters(qs_inputs *in, const qs_letters *L, const xmlNode *leads,
                      unsigned jobs, bool progress, const char *outdir, size_t *count,
                      qs_diags *d)
{
    qs_arena A;
    qs_arena_init(&A);
    size_t n = 0;
    for (const xmlNode *c = leads->children; c; c = c->next)
        n += qs_xml_is(c, "lead");
    letters_run r = {in, L, qs_arena_array(&A, n ? n : 1, sizeof *r.leads),
                     qs_arena_array(&A, n + 1, sizeof *r.outs), &A, d, false, progress, 0, n};
    size_t k = 0;
    for (const xmlNode *c = leads->children; c; c = c->next)
        if (qs_xml_is(c, "lead"))
            r.leads[k++] = c;
    qs_pool p = {.count = n, .jobs = jobs, .run = build_letter, .sink = letter_sink,
                 .done = letter_done, .ctx = &r};
    qs_pool_run(&p);
    if (progress)
        fputs("\r\033[K", stderr);
    bool ok = !r.failed;
    if (ok) {
        qs_buf index = {0};
        qs_leads_csv_field(&index, "row", false);
        qs_leads_csv_field(&index, "email", false);
        qs_leads_csv_field(&index, "file", true);
        for (size_t i = 0; i < n; i++) {
            char row[16];
            snprintf(row, sizeof row, "%u", row_of(r.leads[i]));
            qs_leads_csv_field(&index, row, false);
            qs_leads_csv_field(&index, field(&A, r.leads[i], "email"), false);
            qs_leads_csv_field(&index, r.outs[i].name, true);
        }
        r.outs[n] = (qs_output){"index.csv", (const unsigned char *)index.s, index.len};
        ok = qs_output_write(qs_arena_printf(&A, "%s/letters", outdir), r.outs, n + 1, d);
        qs_buf_free(&index);
    }
    *count = ok ? n : 0;
    qs_arena_free(&A);
    return ok;
}
