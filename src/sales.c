/* sales: outcomes and targets, each quote's figures, and the report's
 * figures (SPEC 7; sales.h, docs/report.md). */
#include "sales.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "format.h"
#include "input.h"
#include "load.h"
#include "price.h"

/* ---- the history ---- */

void qs_sales_history_init(qs_sales_history *h)
{
    memset(h, 0, sizeof *h);
    qs_arena_init(&h->arena);
}

void qs_sales_history_free(qs_sales_history *h)
{
    free(h->quotes);
    free(h->failed);
    qs_strmap_free(&h->quote_ids);
    qs_strmap_free(&h->outcome_ids);
    qs_arena_free(&h->arena);
    memset(h, 0, sizeof *h);
}

static const char *dup(qs_arena *a, const char *s)
{
    return s ? qs_arena_strdup(a, s) : NULL;
}

void qs_sales_add_quote(qs_sales_history *h, const qs_sales_quote *src)
{
    h->quotes = qs_xgrow(h->quotes, &h->quotes_cap, h->nquotes + 1, sizeof *h->quotes);
    qs_sales_quote *q = &h->quotes[h->nquotes++];
    *q = *src;
    q->path = dup(&h->arena, src->path);
    q->id = dup(&h->arena, src->id);
    q->rep = dup(&h->arena, src->rep);
    q->currency = dup(&h->arena, src->currency);
    q->date = dup(&h->arena, src->date);
    q->valid_until = dup(&h->arena, src->valid_until);
    q->depts = qs_arena_array(&h->arena, src->ndepts ? src->ndepts : 1, sizeof *q->depts);
    for (size_t i = 0; i < src->ndepts; i++)
        q->depts[i] = (qs_sales_dept){dup(&h->arena, src->depts[i].name), src->depts[i].net};
}

void qs_sales_add_failed(qs_sales_history *h, const char *path, const char *id)
{
    h->failed = qs_xgrow(h->failed, &h->failed_cap, h->nfailed + 1, sizeof *h->failed);
    h->failed[h->nfailed++] = (qs_sales_failed){dup(&h->arena, path), dup(&h->arena, id)};
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    bool is = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return is;
}

static const char *attr_dup(qs_arena *a, const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    const char *s = v ? qs_arena_strdup(a, (const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* ---- reading a priced quote (the one function that knows the model) ---- */

void qs_sales_quote_read(const qs_quote *q, qs_arena *a, qs_sales_quote *out)
{
    memset(out, 0, sizeof *out);
    char date[11];
    out->path = q->path;
    out->id = q->id;
    out->currency = q->currency;
    out->date = qs_arena_strdup(a, qs_date_format(q->date, date));
    out->valid_until = q->has_valid_until
                           ? qs_arena_strdup(a, qs_date_format(q->valid_until, date))
                           : NULL;
    out->currency_line = q->currency_at.line;
    out->currency_col = q->currency_at.col;
    out->id_line = q->id_at.line;
    out->id_col = q->id_at.col;
    out->rep = q->owner ? q->owner : q->seller.contact.name;
    out->taxable = q->totals.taxable;
    out->discount = q->has_discount ? q->discount.value : 0;

    qs_wide net_with_cost = 0, cost = 0;   /* in 1/10^8 units */
    out->depts = qs_arena_array(a, q->ndepartments ? q->ndepartments : 1, sizeof *out->depts);
    for (size_t i = 0; i < q->ndepartments; i++) {
        const qs_department *dep = &q->departments[i];
        qs_sales_dept *sd = &out->depts[out->ndepts++];
        sd->name = dep->name;
        for (size_t p = 0; p < dep->nparts; p++) {
            const qs_department_part *part = &dep->parts[p];
            for (size_t k = part->first; k < part->first + part->nlines; k++) {
                const qs_line *l = &q->lines[k];
                if (!qs_line_is_counted(l))
                    continue;
                sd->net += l->price.net;
                if (l->product && l->product->has_cost) {
                    net_with_cost += (qs_wide)l->price.net * QS_DECIMAL_SCALE;
                    cost += (qs_wide)l->qty.value * l->product->cost.value;
                }
            }
        }
    }
    /* margin = (net - qty x cost) / net x 100 over the lines with a cost */
    out->has_margin = net_with_cost != 0 &&
        qs_decimal_from_ratio((net_with_cost - cost) * 100, net_with_cost, 2, &out->margin);
}

/* ---- loading one quote ---- */

bool qs_sales_load_quote(qs_sales_history *h, qs_inputs *in, const char *path, qs_diags *d)
{
    qs_quote q;
    memset(&q, 0, sizeof q);
    bool ok = qs_quote_load(&q, in, path, d) && qs_quote_price(&q, d);
    if (ok) {
        qs_sales_quote s;
        qs_sales_quote_read(&q, &q.arena, &s);
        qs_sales_add_quote(h, &s);
    } else {
        qs_sales_add_failed(h, path, q.id);
    }
    qs_quote_free(&q);
    return ok;
}

/* ---- periods and dates ---- */

bool qs_sales_is_date(const char *s)
{
    char buf[QS_FORMAT_BUFSIZE];
    return s && strlen(s) == 10 && qs_format_date(s, QS_LANG_EN, QS_DATE_SHORT, buf) == QS_FMT_OK;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool qs_sales_period_parse(const char *text, qs_sales_period *p)
{
    memset(p, 0, sizeof *p);
    size_t n = strlen(text);
    if (n < 4 || !digits(text, 4) || text[0] == '0')
        return false;
    int y = atoi(text), from, to;   /* months */
    if (n == 4) {
        from = 1, to = 12;
    } else if (n == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
        from = (text[6] - '1') * 3 + 1, to = from + 2;
    } else if (n == 7 && text[4] == '-' && digits(text + 5, 2)) {
        from = to = atoi(text + 5);
        if (from < 1 || from > 12)
            return false;
    } else {
        return false;
    }
    snprintf(p->text, sizeof p->text, "%s", text);
    snprintf(p->first, sizeof p->first, "%04d-%02d-01", y, from);
    snprintf(p->last, sizeof p->last, "%04d-%02d-%02d", y, to, days_in_month(y, to));
    for (int m = from; m <= to; m++)
        snprintf(p->months[p->nmonths++], sizeof p->months[0], "%04d-%02d", y, m);
    return true;
}

/* ---- outcomes and targets ---- */

typedef struct {
    qs_sales_history *h;
    const qs_input *src;
    qs_diags *d;
    bool ok;
} plan_loader;

static void plan_error(plan_loader *L, const xmlNode *n, const char *attr, const char *rule,
                       const char *fmt, const char *arg)
{
    unsigned line, col;
    qs_input_locate(L->src, n, attr, &line, &col);
    qs_diag_add(L->d, QS_SEV_ERROR, L->src->path, line, col, rule, fmt, arg);
    L->ok = false;
}

static const char *plan_attr(plan_loader *L, const xmlNode *n, const char *name)
{
    return attr_dup(&L->h->arena, n, name);
}

/* A decimal amount; false after a diagnostic. */
static bool plan_amount(plan_loader *L, const xmlNode *n, const char *text, qs_decimal *out)
{
    qs_dec_status st = qs_decimal_parse(text, out);
    if (st == QS_DEC_OK)
        return true;
    unsigned line, col;
    qs_input_locate(L->src, n, "amount", &line, &col);
    char shown[QS_ECHO_SIZE];
    qs_diag_add(L->d, QS_SEV_ERROR, L->src->path, line, col, "bad-number",
                "amount '%s': %s", qs_diag_echo(shown, text), qs_decimal_status_message(st));
    L->ok = false;
    return false;
}

/* The first quote with this id (check_quotes indexes them), or NULL. */
static const qs_sales_quote *find_quote(const qs_sales_history *h, const char *id)
{
    size_t i;
    return qs_strmap_get(&h->quote_ids, id, &i) ? &h->quotes[i] : NULL;
}

static bool failed_quote(const qs_sales_history *h, const char *id)
{
    for (size_t i = 0; i < h->nfailed; i++)
        if (h->failed[i].id && strcmp(h->failed[i].id, id) == 0)
            return true;
    return false;
}

static void load_outcome(plan_loader *L, const xmlNode *n)
{
    static const char *const statuses[] = {"won", "lost", "withdrawn"};
    qs_sales_outcome o = {0};
    o.quote = plan_attr(L, n, "quote");
    o.date = plan_attr(L, n, "date");
    o.reason = plan_attr(L, n, "reason");
    o.competitor = plan_attr(L, n, "competitor");
    o.order_ref = plan_attr(L, n, "order-ref");
    for (int i = 0; i < 3; i++)
        if (attr_is(n, "status", statuses[i]))
            o.status = (qs_sales_status)i;
    const char *amount = plan_attr(L, n, "amount");
    char shown[QS_ECHO_SIZE];
    if (!qs_sales_is_date(o.date))
        plan_error(L, n, "date", "bad-date", "outcome date '%s' is not a calendar date "
                   "YYYY-MM-DD", qs_diag_echo(shown, o.date));
    if (amount && plan_amount(L, n, amount, &o.amount))
        o.has_amount = true;
    if (failed_quote(L->h, o.quote))
        return;   /* its quote did not load: reported there, left out */
    if (!find_quote(L->h, o.quote)) {
        plan_error(L, n, "quote", "unknown-quote", "outcome for quote '%s', which is "
                   "none of the quotes read", qs_diag_echo(shown, o.quote));
        return;
    }
    if (qs_strmap_add(&L->h->outcome_ids, o.quote, L->h->noutcomes) != L->h->noutcomes) {
        plan_error(L, n, "quote", "duplicate-outcome", "a second outcome for quote "
                   "'%s'", qs_diag_echo(shown, o.quote));
        return;
    }
    L->h->outcomes[L->h->noutcomes++] = o;
}

static bool load_outcomes(qs_sales_history *h, qs_inputs *in, const char *path, qs_diags *d)
{
    const qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_OUTCOMES, NULL, d);
    if (!src)
        return false;
    plan_loader L = {h, src, d, true};
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    size_t n = 0;
    for (const xmlNode *c = root->children; c; c = c->next)
        n += qs_xml_is(c, "outcome");
    h->outcomes = qs_arena_array(&h->arena, n ? n : 1, sizeof *h->outcomes);
    for (const xmlNode *c = root->children; c; c = c->next)
        if (qs_xml_is(c, "outcome"))
            load_outcome(&L, c);
    return L.ok;
}

static bool rep_in_teams(const qs_sales_history *h, const char *rep)
{
    for (size_t t = 0; t < h->nteams; t++)
        for (size_t r = 0; r < h->teams[t].nreps; r++)
            if (strcmp(h->teams[t].reps[r], rep) == 0)
                return true;
    return false;
}

static void load_team(plan_loader *L, const xmlNode *n)
{
    qs_sales_team *t = &L->h->teams[L->h->nteams++];
    t->manager = plan_attr(L, n, "manager");
    size_t nreps = 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        nreps += qs_xml_is(c, "rep");
    t->reps = qs_arena_array(&L->h->arena, nreps ? nreps : 1, sizeof *t->reps);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!qs_xml_is(c, "rep"))
            continue;
        const char *name = plan_attr(L, c, "name");
        char shown[QS_ECHO_SIZE];
        if (rep_in_teams(L->h, name))
            plan_error(L, c, "name", "duplicate-rep", "rep '%s' is already in a team",
                       qs_diag_echo(shown, name));
        else
            t->reps[t->nreps++] = name;
    }
}

static void load_target(plan_loader *L, const xmlNode *n)
{
    qs_sales_target t = {0};
    t.period = plan_attr(L, n, "period");
    t.rep = plan_attr(L, n, "rep");
    t.department = plan_attr(L, n, "department");
    const char *amount = plan_attr(L, n, "amount");
    qs_sales_period p;
    char shown[QS_ECHO_SIZE];
    bool ok = plan_amount(L, n, amount, &t.amount);
    if (!qs_sales_period_parse(t.period, &p)) {
        plan_error(L, n, "period", "bad-period", "period '%s' is none of YYYY, YYYY-Qn "
                   "(n = 1..4) and YYYY-MM", qs_diag_echo(shown, t.period));
        ok = false;
    }
    if (t.rep && t.department) {
        plan_error(L, n, "department", "target-scope", "a target is for a rep or for a "
                   "department, not both (rep '%s')", qs_diag_echo(shown, t.rep));
        ok = false;
    }
    if (t.rep && !rep_in_teams(L->h, t.rep)) {
        plan_error(L, n, "rep", "unknown-rep", "rep '%s' is in no <team>",
                   qs_diag_echo(shown, t.rep));
        ok = false;
    }
    for (size_t i = 0; ok && i < L->h->ntargets; i++) {
        const qs_sales_target *o = &L->h->targets[i];
        if (strcmp(o->period, t.period) == 0 && !o->rep == !t.rep && !o->department ==
            !t.department && (!t.rep || strcmp(o->rep, t.rep) == 0) &&
            (!t.department || strcmp(o->department, t.department) == 0)) {
            plan_error(L, n, "period", "duplicate-target", "a second target for period "
                       "'%s' and the same scope", qs_diag_echo(shown, t.period));
            ok = false;
        }
    }
    if (ok)
        L->h->targets[L->h->ntargets++] = t;
}

static bool load_targets(qs_sales_history *h, qs_inputs *in, const char *path, qs_diags *d)
{
    const qs_input *src = qs_input_load_xml(in, path, QS_FORMAT_TARGETS, NULL, d);
    if (!src)
        return false;
    plan_loader L = {h, src, d, true};
    const xmlNode *root = xmlDocGetRootElement(src->doc);
    h->targets_path = dup(&h->arena, src->path);
    h->currency = plan_attr(&L, root, "currency");
    h->minor_digits = qs_currency_minor_digits(h->currency);
    if (h->minor_digits < 0) {
        char shown[QS_ECHO_SIZE];
        plan_error(&L, root, "currency", "unknown-currency", "unknown currency '%s'",
                   qs_diag_echo(shown, h->currency));
        h->minor_digits = 2;
    }
    size_t nteams = 0, ntargets = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        nteams += qs_xml_is(c, "team");
        ntargets += qs_xml_is(c, "target");
    }
    h->teams = qs_arena_array(&h->arena, nteams ? nteams : 1, sizeof *h->teams);
    h->targets = qs_arena_array(&h->arena, ntargets ? ntargets : 1, sizeof *h->targets);
    for (const xmlNode *c = root->children; c; c = c->next)
        if (qs_xml_is(c, "team"))
            load_team(&L, c);
    for (const xmlNode *c = root->children; c; c = c->next)
        if (qs_xml_is(c, "target"))
            load_target(&L, c);
    return L.ok;
}

/* Two quote files with one id, and quotes in another currency; indexes
 * the quotes by id (the first of each id). */
static bool check_quotes(qs_sales_history *h, qs_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < h->nquotes; i++) {
        const qs_sales_quote *q = &h->quotes[i];
        char shown[QS_ECHO_SIZE];
        if (h->currency && strcmp(q->currency, h->currency) != 0) {
            qs_diag_add(d, QS_SEV_ERROR, q->path, q->currency_line, q->currency_col,
                        "currency-mismatch", "quote '%s' is in %s, the targets (%s) in %s",
                        qs_diag_echo(shown, q->id), q->currency, h->targets_path, h->currency);
            ok = false;
        }
        const qs_sales_quote *first = &h->quotes[qs_strmap_add(&h->quote_ids, q->id, i)];
        if (first != q) {
            qs_diag_add(d, QS_SEV_ERROR, q->path, q->id_line, q->id_col, "duplicate-quote",
                        "quote id '%s' is also the id of %s", qs_diag_echo(shown, q->id),
                        first->path);
            ok = false;
        }
    }
    return ok;
}

bool qs_sales_load_plan(qs_sales_history *h, qs_inputs *in, const char *outcomes_path,
                        const char *targets_path, qs_diags *d)
{
    bool ok = load_targets(h, in, targets_path, d);
    ok = check_quotes(h, d) && ok;
    return load_outcomes(h, in, outcomes_path, d) && ok;
}

/* ---- the figures ---- */

typedef struct {
    const char *name;
    bool has_target;
    qs_decimal target;
    qs_decimal won;
    unsigned n[QS_NSTATUS];
} row;

/* A quote counted in the period, with its status as of the report date. */
typedef struct {
    const qs_sales_quote *q;
    const qs_sales_outcome *o;   /* NULL: open or expired */
    qs_sales_status status;
    qs_decimal amount;           /* won: the won amount; else the taxable */
} counted;

typedef struct {
    char week[16];               /* ISO week "YYYY-Www" */
    qs_decimal amount;
    unsigned count;
} week_row;

typedef struct {
    const char *name;
    unsigned count;
} ranked;

enum { SIDE_WON, SIDE_LOST };

struct qs_sales_figures {
    const qs_sales_history *h;
    qs_sales_period period;
    char as_of[11];
    const qs_sales_team *team;   /* NULL: the whole organisation */
    row total;
    row *reps, *depts;
    size_t nreps, ndepts, reps_cap, depts_cap;
    counted *quotes;
    size_t nquotes;
    qs_decimal month_won[12];
    week_row *weeks;
    size_t nweeks, weeks_cap;
    ranked *reasons, *competitors;
    size_t nreasons, ncompetitors, reasons_cap, competitors_cap;
    qs_decimal discount_sum[2], margin_sum[2];
    unsigned discount_n[2], margin_n[2];
};

static row *find_row(row **rows, size_t *n, size_t *cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*rows)[i].name, name) == 0)
            return &(*rows)[i];
    *rows = qs_xgrow(*rows, cap, *n + 1, sizeof **rows);
    row *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    r->name = name;
    return r;
}

static void rank(ranked **list, size_t *n, size_t *cap, const char *name)
{
    if (!name)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].name, name) == 0) {
            (*list)[i].count++;
            return;
        }
    *list = qs_xgrow(*list, cap, *n + 1, sizeof **list);
    (*list)[(*n)++] = (ranked){name, 1};
}

static int compare_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int compare_rows(const void *a, const void *b)
{
    return strcmp(((const row *)a)->name, ((const row *)b)->name);
}

static int compare_weeks(const void *a, const void *b)
{
    return strcmp(((const week_row *)a)->week, ((const week_row *)b)->week);
}

/* Days since 1970-01-01 of a checked date (H. Hinnant's days_from_civil). */
static long days_of(const char *date)
{
    long y = atol(date), m = atol(date + 5), d = atol(date + 8);
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The ISO 8601 week "YYYY-Www" of a checked date. */
static void iso_week(const char *date, char out[16])
{
    long days = days_of(date);
    long weekday = ((days % 7) + 7 + 3) % 7;          /* Monday 0 */
    long thursday = days - weekday + 3;               /* decides the year */
    /* The Thursday's year: step from the date's year. */
    int year = atoi(date);
    char jan1[11];
    for (int y = year + 1; y >= year - 1; y--) {
        snprintf(jan1, sizeof jan1, "%04d-01-01", y);
        if (days_of(jan1) <= thursday) {
            year = y;
            break;
        }
    }
    snprintf(jan1, sizeof jan1, "%04d-01-01", year);
    snprintf(out, 16, "%04d-W%02ld", year % 10000, (thursday - days_of(jan1)) / 7 % 54 + 1);
}

static bool team_has(const qs_sales_team *t, const char *rep)
{
    for (size_t i = 0; rep && i < t->nreps; i++)
        if (strcmp(t->reps[i], rep) == 0)
            return true;
    return false;
}

static const qs_sales_outcome *outcome_of(const qs_sales_history *h, const char *id)
{
    size_t i;
    return qs_strmap_get(&h->outcome_ids, id, &i) ? &h->outcomes[i] : NULL;
}

static bool in_period(const qs_sales_period *p, const char *date)
{
    return strcmp(date, p->first) >= 0 && strcmp(date, p->last) <= 0;
}

/* Decides whether and how quote q counts in the period (SPEC 7,
 * docs/report.md "Which quotes count"). */
static bool classify(const qs_sales_figures *f, const qs_sales_quote *q, counted *c)
{
    const char *as_of = f->as_of;
    if (strcmp(q->date, as_of) > 0)
        return false;                        /* not yet written */
    const qs_sales_outcome *o = outcome_of(f->h, q->id);
    if (o && strcmp(o->date, as_of) > 0)
        o = NULL;                            /* decided after the report date */
    *c = (counted){q, o, QS_OPEN, q->taxable};
    if (o) {
        c->status = o->status;
        if (o->status == QS_WON && o->has_amount)
            c->amount = o->amount;
        return in_period(&f->period, o->date);
    }
    if (q->valid_until && strcmp(q->valid_until, as_of) < 0) {
        c->status = QS_EXPIRED;
        return in_period(&f->period, q->valid_until);
    }
    return strcmp(q->date, f->period.last) <= 0;
}

static void count(qs_sales_figures *f, const counted *c)
{
    const qs_sales_quote *q = c->q;
    row *rep = find_row(&f->reps, &f->nreps, &f->reps_cap, q->rep ? q->rep : "");
    rep->n[c->status]++;
    f->total.n[c->status]++;
    if (c->status == QS_WON) {
        rep->won += c->amount;
        f->total.won += c->amount;
        for (int m = 0; m < f->period.nmonths; m++)
            if (strncmp(c->o->date, f->period.months[m], 7) == 0)
                f->month_won[m] += c->amount;
        for (size_t i = 0; i < q->ndepts; i++)
            find_row(&f->depts, &f->ndepts, &f->depts_cap, q->depts[i].name)->won +=
                q->depts[i].net;
    }
    if (c->status == QS_WON || c->status == QS_LOST) {
        int side = c->status == QS_WON ? SIDE_WON : SIDE_LOST;
        f->discount_sum[side] += q->discount;
        f->discount_n[side]++;
        if (q->has_margin) {
            f->margin_sum[side] += q->margin;
            f->margin_n[side]++;
        }
    }
    if (c->status == QS_LOST) {
        rank(&f->reasons, &f->nreasons, &f->reasons_cap, c->o->reason);
        rank(&f->competitors, &f->ncompetitors, &f->competitors_cap, c->o->competitor);
    }
    if (c->status == QS_OPEN) {
        char week[16];
        iso_week(q->valid_until, week);
        week_row *w = NULL;
        for (size_t i = 0; i < f->nweeks && !w; i++)
            if (strcmp(f->weeks[i].week, week) == 0)
                w = &f->weeks[i];
        if (!w) {
            f->weeks = qs_xgrow(f->weeks, &f->weeks_cap, f->nweeks + 1, sizeof *f->weeks);
            w = &f->weeks[f->nweeks++];
            memset(w, 0, sizeof *w);
            snprintf(w->week, sizeof w->week, "%s", week);
        }
        w->amount += q->taxable;
        w->count++;
    }
}

/* Targets set for exactly this period. */
static void set_targets(qs_sales_figures *f)
{
    const qs_sales_history *h = f->h;
    for (size_t i = 0; i < h->ntargets; i++) {
        const qs_sales_target *t = &h->targets[i];
        if (strcmp(t->period, f->period.text) != 0)
            continue;
        row *r = NULL;
        if (t->rep && (!f->team || team_has(f->team, t->rep))) {
            r = find_row(&f->reps, &f->nreps, &f->reps_cap, t->rep);
            if (f->team) {   /* a manager's team: the sum of its reps' targets */
                f->total.has_target = true;
                f->total.target += t->amount;
            }
        } else if (t->department && !f->team) {
            r = find_row(&f->depts, &f->ndepts, &f->depts_cap, t->department);
        } else if (!t->rep && !t->department && !f->team) {
            r = &f->total;
        }
        if (r) {
            r->has_target = true;
            r->target = t->amount;
        }
    }
}

/* qsort, which must not see a NULL array even when it is empty. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

qs_sales_figures *qs_sales_figures_new(const qs_sales_history *h, const qs_sales_period *p,
                                       const char *as_of, const qs_sales_team *team)
{
    qs_sales_figures *f = qs_xcalloc(1, sizeof *f);
    f->h = h;
    f->period = *p;
    snprintf(f->as_of, sizeof f->as_of, "%s", as_of);
    f->team = team;
    f->total.name = team ? team->manager : "";
    /* The reps of the teams first, in the targets' order, then the others
     * by name. */
    for (size_t t = 0; t < h->nteams; t++)
        for (size_t r = 0; r < h->teams[t].nreps; r++)
            if (!team || team == &h->teams[t])
                find_row(&f->reps, &f->nreps, &f->reps_cap, h->teams[t].reps[r]);
    size_t listed = f->nreps;
    f->quotes = qs_xcalloc(h->nquotes ? h->nquotes : 1, sizeof *f->quotes);
    for (size_t i = 0; i < h->nquotes; i++) {
        counted c;
        if ((team && !team_has(team, h->quotes[i].rep)) || !classify(f, &h->quotes[i], &c))
            continue;
        f->quotes[f->nquotes++] = c;
        count(f, &c);
    }
    set_targets(f);
    sort(f->reps ? f->reps + listed : NULL, f->nreps - listed, sizeof *f->reps, compare_rows);
    sort(f->depts, f->ndepts, sizeof *f->depts, compare_rows);
    sort(f->weeks, f->nweeks, sizeof *f->weeks, compare_weeks);
    sort(f->reasons, f->nreasons, sizeof *f->reasons, compare_ranked);
    sort(f->competitors, f->ncompetitors, sizeof *f->competitors, compare_ranked);
    return f;
}

void qs_sales_figures_free(qs_sales_figures *f)
{
    if (!f)
        return;
    free(f->reps);
    free(f->depts);
    free(f->quotes);
    free(f->weeks);
    free(f->reasons);
    free(f->competitors);
    free(f);
}

/* ---- derived figures ---- */

static const char *const status_names[QS_NSTATUS] = {"won", "lost", "withdrawn", "open",
                                                     "expired"};

/* won / target x 100, 2 decimals; false without a (non-zero) target. */
static bool attainment(const row *r, qs_decimal *out)
{
    return r->has_target && r->target != 0 &&
           qs_decimal_from_ratio((qs_wide)r->won * 100, r->target, 2, out);
}

/* won / (won + lost) x 100 by count; false when neither. */
static bool hit_rate(const row *r, qs_decimal *out)
{
    unsigned decided = r->n[QS_WON] + r->n[QS_LOST];
    return decided && qs_decimal_from_ratio((qs_wide)r->n[QS_WON] * 100, decided, 2, out);
}

/* The mean of n percentages (raw sum), 2 decimals; false when n is 0. */
static bool mean(qs_decimal sum, unsigned n, qs_decimal *out)
{
    return n && qs_decimal_from_ratio(sum, (qs_wide)n * QS_DECIMAL_SCALE, 2, out);
}

/* ---- report.json ---- */

static void json_string(qs_buf *b, const char *s)
{
    qs_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            qs_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            qs_buf_printf(b, "\\u%04x", *p);
        else
            qs_buf_add(b, (const char *)p, 1);
    }
    qs_buf_puts(b, "\"");
}

/* A decimal as a JSON string with `places` digits, or null. */
static void json_decimal(qs_buf *b, bool has, qs_decimal v, int places)
{
    char buf[QS_DECIMAL_BUFSIZE];
    if (has)
        qs_buf_printf(b, "\"%s\"", qs_decimal_format(v, places, buf));
    else
        qs_buf_puts(b, "null");
}

static void json_row(qs_buf *b, const qs_sales_figures *f, const row *r, const char *indent)
{
    int minor = f->h->minor_digits;
    qs_decimal v = 0;
    qs_buf_puts(b, "\"target\": ");
    json_decimal(b, r->has_target, r->target, minor);
    qs_buf_puts(b, ", \"won\": ");
    json_decimal(b, true, r->won, minor);
    qs_buf_puts(b, ", \"attainment_percent\": ");
    bool has = attainment(r, &v);
    json_decimal(b, has, v, 2);
    qs_buf_printf(b, ",\n%s\"quotes\": {", indent);
    for (int s = 0; s < QS_NSTATUS; s++)
        qs_buf_printf(b, "%s\"%s\": %u", s ? ", " : "", status_names[s], r->n[s]);
    qs_buf_puts(b, "}, \"hit_rate_percent\": ");
    has = hit_rate(r, &v);
    json_decimal(b, has, v, 2);
}

static void json_ranked(qs_buf *b, const char *key, const ranked *list, size_t n)
{
    qs_buf_printf(b, " \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        qs_buf_puts(b, i ? ", {\"name\": " : "{\"name\": ");
        json_string(b, list[i].name);
        qs_buf_printf(b, ", \"count\": %u}", list[i].count);
    }
    qs_buf_puts(b, "],\n");
}

char *qs_sales_json(const qs_sales_figures *f, size_t *size)
{
    int minor = f->h->minor_digits;
    qs_buf b = {0};
    qs_buf_puts(&b, "{\"period\": ");
    json_string(&b, f->period.text);
    qs_buf_printf(&b, ", \"as_of\": \"%s\", \"currency\": ", f->as_of);
    json_string(&b, f->h->currency);
    qs_buf_puts(&b, ",\n \"team\": {");
    json_row(&b, f, &f->total, "          ");
    qs_buf_puts(&b, "},\n \"reps\": [");
    for (size_t i = 0; i < f->nreps; i++) {
        qs_buf_puts(&b, i ? ",\n   {\"rep\": " : "\n   {\"rep\": ");
        json_string(&b, f->reps[i].name);
        qs_buf_puts(&b, ", ");
        json_row(&b, f, &f->reps[i], "    ");
        qs_buf_puts(&b, "}");
    }
    qs_buf_puts(&b, "],\n \"departments\": [");
    for (size_t i = 0; i < f->ndepts; i++) {
        qs_buf_puts(&b, i ? ",\n   {\"department\": " : "\n   {\"department\": ");
        json_string(&b, f->depts[i].name);
        qs_buf_puts(&b, ", \"target\": ");
        json_decimal(&b, f->depts[i].has_target, f->depts[i].target, minor);
        qs_buf_puts(&b, ", \"won\": ");
        json_decimal(&b, true, f->depts[i].won, minor);
        qs_buf_puts(&b, "}");
    }
    qs_buf_puts(&b, "],\n \"manager\": ");
    if (f->team)
        json_string(&b, f->team->manager);
    else
        qs_buf_puts(&b, "null");
    qs_buf_puts(&b, ",\n \"months\": [");
    qs_decimal cumulative = 0;
    for (int m = 0; m < f->period.nmonths; m++) {
        cumulative += f->month_won[m];
        qs_buf_printf(&b, "%s{\"month\": \"%s\", \"won\": ", m ? ", " : "", f->period.months[m]);
        json_decimal(&b, true, f->month_won[m], minor);
        qs_buf_puts(&b, ", \"cumulative_won\": ");
        json_decimal(&b, true, cumulative, minor);
        qs_buf_puts(&b, "}");
    }
    qs_buf_puts(&b, "],\n \"pipeline\": [");
    for (size_t i = 0; i < f->nweeks; i++) {
        qs_buf_printf(&b, "%s{\"week\": \"%s\", \"count\": %u, \"amount\": ", i ? ", " : "",
                      f->weeks[i].week, f->weeks[i].count);
        json_decimal(&b, true, f->weeks[i].amount, minor);
        qs_buf_puts(&b, "}");
    }
    qs_buf_puts(&b, "],\n \"win_loss\": {");
    static const char *const sides[] = {"won", "lost"};
    for (int s = 0; s < 2; s++) {
        qs_decimal v = 0;
        qs_buf_printf(&b, "%s\"%s\": {\"average_discount_percent\": ", s ? ", " : "", sides[s]);
        bool has = mean(f->discount_sum[s], f->discount_n[s], &v);
        json_decimal(&b, has, v, 2);
        qs_buf_puts(&b, ", \"average_margin_percent\": ");
        has = mean(f->margin_sum[s], f->margin_n[s], &v);
        json_decimal(&b, has, v, 2);
        qs_buf_puts(&b, "}");
    }
    qs_buf_puts(&b, "},\n");
    json_ranked(&b, "loss_reasons", f->reasons, f->nreasons);
    json_ranked(&b, "competitors", f->competitors, f->ncompetitors);
    qs_buf_printf(&b, " \"quotes_read\": %zu, \"quotes_failed\": [", f->h->nquotes);
    for (size_t i = 0; i < f->h->nfailed; i++) {
        qs_buf_puts(&b, i ? ", " : "");
        json_string(&b, f->h->failed[i].path);
    }
    qs_buf_puts(&b, "]}\n");
    *size = b.len;
    return b.s;
}

/* ---- report.csv ---- */

/* An RFC 4180 field; text from the inputs that a spreadsheet would run as
 * a formula (starting with = + - @) gets a leading apostrophe. */
static void csv_field(qs_buf *b, const char *s, bool last)
{
    s = s ? s : "";
    bool formula = strchr("=+-@", s[0]) && s[0];
    if (formula || strpbrk(s, ",\"\r\n")) {
        qs_buf_puts(b, formula ? "\"'" : "\"");
        for (const char *p = s; *p; p++)
            qs_buf_add(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
        qs_buf_puts(b, "\"");
    } else {
        qs_buf_puts(b, s);
    }
    qs_buf_puts(b, last ? "\r\n" : ",");
}

static int compare_counted(const void *a, const void *b)
{
    return strcmp(((const counted *)a)->q->id, ((const counted *)b)->q->id);
}

char *qs_sales_csv(const qs_sales_figures *f, size_t *size)
{
    int minor = f->h->minor_digits;
    qs_buf b = {0};
    qs_buf_puts(&b, "quote,rep,status,date,valid_until,outcome_date,amount,currency,"
                    "discount_percent,margin_percent,reason,competitor,order_ref,file\r\n");
    counted *sorted = qs_xcalloc(f->nquotes ? f->nquotes : 1, sizeof *sorted);
    if (f->nquotes)
        memcpy(sorted, f->quotes, f->nquotes * sizeof *sorted);
    sort(sorted, f->nquotes, sizeof *sorted, compare_counted);
    for (size_t i = 0; i < f->nquotes; i++) {
        const counted *c = &sorted[i];
        char amount[QS_DECIMAL_BUFSIZE], discount[QS_DECIMAL_BUFSIZE], margin[QS_DECIMAL_BUFSIZE];
        csv_field(&b, c->q->id, false);
        csv_field(&b, c->q->rep, false);
        csv_field(&b, status_names[c->status], false);
        csv_field(&b, c->q->date, false);
        csv_field(&b, c->q->valid_until, false);
        csv_field(&b, c->o ? c->o->date : "", false);
        csv_field(&b, qs_decimal_format(c->amount, minor, amount), false);
        csv_field(&b, c->q->currency, false);
        csv_field(&b, qs_decimal_format(c->q->discount, 2, discount), false);
        csv_field(&b, c->q->has_margin ? qs_decimal_format(c->q->margin, 2, margin) : "", false);
        csv_field(&b, c->o ? c->o->reason : "", false);
        csv_field(&b, c->o ? c->o->competitor : "", false);
        csv_field(&b, c->o ? c->o->order_ref : "", false);
        csv_field(&b, c->q->path, true);
    }
    free(sorted);
    *size = b.len;
    return b.s;
}

/* ---- the report data tree (docs/report.md) ---- */

static void set_attr(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static void set_decimal(xmlNode *n, const char *name, bool has, qs_decimal v, int places)
{
    char buf[QS_DECIMAL_BUFSIZE];
    if (has)
        set_attr(n, name, qs_decimal_format(v, places, buf));
}

static void set_count(xmlNode *n, const char *name, size_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", v);
    set_attr(n, name, buf);
}

static xmlNode *tree_row(xmlNode *parent, const char *element, const qs_sales_figures *f,
                         const row *r)
{
    xmlNode *n = xmlNewChild(parent, NULL, (const xmlChar *)element, NULL);
    int minor = f->h->minor_digits;
    qs_decimal v = 0;
    if (strcmp(element, "team") != 0)
        set_attr(n, "name", r->name);
    set_decimal(n, "target", r->has_target, r->target, minor);
    set_decimal(n, "won", true, r->won, minor);
    bool has = attainment(r, &v);
    set_decimal(n, "attainment", has, v, 2);
    has = hit_rate(r, &v);
    set_decimal(n, "hit-rate", has, v, 2);
    char name[32];
    for (int s = 0; s < QS_NSTATUS; s++) {
        snprintf(name, sizeof name, "%s-count", status_names[s]);
        set_count(n, name, r->n[s]);
    }
    return n;
}

xmlDoc *qs_sales_tree(const qs_sales_figures *f, const char *lang)
{
    int minor = f->h->minor_digits;
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"report");
    xmlDocSetRootElement(doc, root);
    set_attr(root, "period", f->period.text);
    set_attr(root, "first-day", f->period.first);
    set_attr(root, "last-day", f->period.last);
    set_attr(root, "as-of", f->as_of);
    set_attr(root, "date", f->as_of);
    set_attr(root, "currency", f->h->currency);
    set_attr(root, "lang", lang);
    if (f->team)
        set_attr(root, "manager", f->team->manager);
    set_count(root, "quotes-read", f->h->nquotes);
    set_count(root, "quotes-failed", f->h->nfailed);
    tree_row(root, "team", f, &f->total);
    for (size_t i = 0; i < f->nreps; i++)
        tree_row(root, "rep", f, &f->reps[i]);
    for (size_t i = 0; i < f->ndepts; i++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"department", NULL);
        qs_decimal v = 0;
        set_attr(n, "name", f->depts[i].name);
        set_decimal(n, "target", f->depts[i].has_target, f->depts[i].target, minor);
        set_decimal(n, "won", true, f->depts[i].won, minor);
        bool has = attainment(&f->depts[i], &v);
        set_decimal(n, "attainment", has, v, 2);
    }
    qs_decimal cumulative = 0;
    for (int m = 0; m < f->period.nmonths; m++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"month", NULL);
        cumulative += f->month_won[m];
        qs_decimal target = 0;
        bool has = f->total.has_target &&
            qs_decimal_from_ratio((qs_wide)f->total.target * (m + 1),
                                  (qs_wide)f->period.nmonths * QS_DECIMAL_SCALE, minor, &target);
        set_attr(n, "month", f->period.months[m]);
        set_decimal(n, "won", true, f->month_won[m], minor);
        set_decimal(n, "cumulative-won", true, cumulative, minor);
        set_decimal(n, "cumulative-target", has, target, minor);
    }
    for (size_t i = 0; i < f->nweeks; i++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"pipeline", NULL);
        set_attr(n, "week", f->weeks[i].week);
        set_decimal(n, "amount", true, f->weeks[i].amount, minor);
        set_count(n, "count", f->weeks[i].count);
    }
    static const char *const sides[] = {"won", "lost"};
    for (int s = 0; s < 2; s++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"win-loss", NULL);
        qs_decimal v = 0;
        set_attr(n, "side", sides[s]);
        set_count(n, "count", f->discount_n[s]);
        bool has = mean(f->discount_sum[s], f->discount_n[s], &v);
        set_decimal(n, "discount", has, v, 2);
        has = mean(f->margin_sum[s], f->margin_n[s], &v);
        set_decimal(n, "margin", has, v, 2);
    }
    for (size_t i = 0; i < f->nreasons; i++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"reason", NULL);
        set_attr(n, "name", f->reasons[i].name);
        set_count(n, "count", f->reasons[i].count);
    }
    for (size_t i = 0; i < f->ncompetitors; i++) {
        xmlNode *n = xmlNewChild(root, NULL, (const xmlChar *)"competitor", NULL);
        set_attr(n, "name", f->competitors[i].name);
        set_count(n, "count", f->competitors[i].count);
    }
    for (size_t i = 0; i < f->h->nfailed; i++)
        set_attr(xmlNewChild(root, NULL, (const xmlChar *)"failed", NULL), "path",
                 f->h->failed[i].path);
    return doc;
}
