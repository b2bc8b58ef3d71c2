/* Property test of the pricing engine (SPEC 2.2): generates a few thousand
 * random quotes (price list, departments, quote) into a temporary project
 * root, loads and prices each with the real API, and checks every figure of
 * the data tree against an independent model in integer arithmetic.
 *
 * Deterministic: xorshift64 with a fixed seed; no rand(), no floating
 * point. QS_PROPS_QUOTES overrides the number of quotes (default 2000),
 * QS_PROPS_SEED the seed (default fixed).
 *
 * The customer sits in Germany, or in the Netherlands or Switzerland with
 * or without a VAT id, lines supply goods or services, and a 0 % rate may
 * be exempt, so that every tax category of SPEC 2.3 occurs; the group checks against the
 * price list's rates run where every line keeps its rate. Every quote's
 * UBL copy (SPEC 5) is checked too: line amounts add up, each allowance is
 * round(base x percent), the subtotals add up to the tax, payable = tax
 * exclusive + tax; every 50th is validated against the UBL 2.1 schema.
 *
 * Each property is reported once, at the end, as
 *   ok <property> over N quotes
 * and failures print up to a few details each (prefixed "  "). */
#include "check.h"
#include "priced.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "decimal.h"
#include "diag.h"
#include "input.h"
#include "price.h"
#include "quote.h"
#include "ubl.h"

/* About 4 s normally and 14 s under ASan+UBSan with 2000, UBL checks
 * included (wall clock on a shared 2-core machine). */
#define DEFAULT_QUOTES 2000

#define SCALE 10000 /* qs_decimal: 1/10^4 */

/* ---- deterministic PRNG ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Uniform-ish in [0, n). */
static int64_t rnd(int64_t n)
{
    return n <= 0 ? 0 : (int64_t)(next_rand() % (uint64_t)n);
}

static bool chance(int one_in)
{
    return rnd(one_in) == 0;
}

/* ---- exact integer helpers ---- */

static qs_wide p10(int n)
{
    qs_wide v = 1;
    while (n-- > 0)
        v *= 10;
    return v;
}

static qs_wide wabs(qs_wide v)
{
    return v < 0 ? -v : v;
}

/* num/den (den > 0) rounded half away from zero to an integer. */
static qs_wide round_ratio(qs_wide num, qs_wide den)
{
    qs_wide q = (2 * wabs(num) + den) / (2 * den);
    return num < 0 ? -q : q;
}

/* |m - num/den| <= 1/2, by cross-multiplication (den > 0). */
static bool within_half(qs_wide m, qs_wide num, qs_wide den)
{
    return 2 * wabs(m * den - num) <= den;
}

static long long ll(qs_wide v)
{
    return (long long)v;
}

/* ---- the model of one generated quote ---- */

typedef struct {
    int64_t value;     /* 1/10^4 */
    char text[40];
} dec;

typedef struct {
    dec min_qty, price;
} gtier;

typedef struct {
    char sku[24];
    dec price;
    bool has_cost;
    dec cost;
    gtier tiers[4];
    int ntiers;
    bool graduated;     /* effective mode */
    const char *mode;   /* tier-mode attribute written, or NULL */
    int rate;
    bool services;      /* supply="services" */
} gproduct;

typedef struct {
    char id[16];
    dec percent;
    bool exempt;        /* category="E" (percent 0) */
} grate;

typedef struct {
    int dept;
    int product;        /* index, or -1 for a custom line */
    dec qty;
    bool has_discount;
    dec discount;
    dec custom_price;
    int rate;           /* effective rate */
    bool tax_attr;      /* the item names its own tax */
    bool optional;
    int group;          /* -1 loose, else group number within the dept */
    bool services;      /* custom lines: supply="services" */
} gitem;

#define MAX_PRODUCTS 12
#define MAX_ITEMS 30

typedef struct {
    bool jpy;
    int minor;
    bool list_graduated;
    grate rates[3];
    int nrates;
    gproduct products[MAX_PRODUCTS];
    int nproducts;
    int ndepts;
    gitem items[MAX_ITEMS];
    int nitems;
    bool has_discount;
    dec discount;
    int customer;       /* index into customers[] */
} gquote;

/* Where the customer sits, and whether every line keeps its own rate
 * there (SPEC 2.3: domestic, or an EU consumer). */
static const struct {
    const char *country, *vat_id;
    bool own_rates;
} customers[] = {
    {"DE", "DE812345673", true},
    {"NL", "NL859123456B01", false}, /* K, AE */
    {"NL", NULL, true},              /* [oss]: the line's rate */
    {"CH", "CHE-116.281.710 MWST", false}, /* G, O */
    {"CH", NULL, false},             /* G, and services at their rate */
};

/* A decimal with up to `max_int` integer part and `places` fractional
 * digits, written with exactly `places` digits. */
static dec make_dec(int64_t ipart, int places, int64_t frac)
{
    dec d;
    int64_t unit = 1;
    for (int i = places; i < 4; i++)
        unit *= 10;
    d.value = ipart * SCALE + frac * unit;
    if (places == 0)
        snprintf(d.text, sizeof d.text, "%lld", (long long)ipart);
    else
        snprintf(d.text, sizeof d.text, "%lld.%0*lld", (long long)ipart, places,
                 (long long)frac);
    return d;
}

static dec random_dec(int64_t max_int, int max_places)
{
    int places = (int)rnd(max_places + 1);
    int64_t span = 1;
    for (int i = 0; i < places; i++)
        span *= 10;
    return make_dec(rnd(max_int + 1), places, rnd(span));
}

static dec random_price(void)
{
    static const int64_t magnitudes[] = {1, 10, 100, 1000, 10000, 100000};
    if (chance(40))
        return make_dec(0, 0, 0);
    if (chance(8)) {
        /* sub-cent prices: 0.125, 0.0375 ... */
        return random_dec(0, 4);
    }
    return random_dec(magnitudes[rnd(6)] - 1, 4);
}

/* 0..100 with up to 4 decimals, some notable values. */
static dec random_percent(int64_t max_int)
{
    switch (rnd(12)) {
    case 0:
        return make_dec(0, 0, 0);
    case 1:
        return make_dec(100, 0, 0);
    case 2:
        return make_dec(33, 4, 3333);
    case 3:
        return make_dec(12, 1, 5);
    default: {
        dec d = random_dec(max_int, 4);
        if (d.value > 100 * SCALE)
            d = make_dec(100, 0, 0);
        return d;
    }
    }
}

static dec random_qty(void)
{
    switch (rnd(6)) {
    case 0:
        return make_dec(0, 4, 3333 + rnd(2) * 3334); /* 0.3333, 0.6667 */
    case 1:
        return make_dec(rnd(40), 1, 1 + rnd(9));     /* 2.5 ... */
    case 2: {
        dec d = random_dec(60, 4);
        return d.value > 0 ? d : make_dec(1, 0, 0);
    }
    default:
        return make_dec(1 + rnd(40), 0, 0);
    }
}

static void generate(gquote *g)
{
    static const char *const percents[][2] = {
        {"19", ""}, {"7", ""}, {"0", ""}, {"16", ""}, {"5.5", ""},
        {"10", ""}, {"20", ""}, {"8.1", ""}, {"2.5", ""}, {"21", ""},
        {"33.3333", ""}, {"100", ""},
    };
    memset(g, 0, sizeof *g);
    g->jpy = chance(5);
    g->minor = g->jpy ? 0 : 2;
    g->list_graduated = chance(8);

    g->nrates = 2 + (int)rnd(2);
    for (int i = 0; i < g->nrates; i++) {
        grate *r = &g->rates[i];
        snprintf(r->id, sizeof r->id, "r%d", i);
        /* distinct percents: rates of one percent form one tax group */
        bool taken;
        do {
            const char *p = percents[rnd(sizeof percents / sizeof *percents)][0];
            snprintf(r->percent.text, sizeof r->percent.text, "%s", p);
            qs_decimal_parse(p, &r->percent.value);
            taken = false;
            for (int j = 0; j < i; j++)
                taken |= g->rates[j].percent.value == r->percent.value;
        } while (taken);
        r->exempt = r->percent.value == 0 && chance(2);
    }

    g->nproducts = 2 + (int)rnd(MAX_PRODUCTS - 1);
    for (int i = 0; i < g->nproducts; i++) {
        gproduct *p = &g->products[i];
        snprintf(p->sku, sizeof p->sku, "P-%d", i);
        p->price = random_price();
        p->rate = (int)rnd(g->nrates);
        p->services = chance(3);
        if (chance(3)) {
            p->has_cost = true;
            p->cost = random_price();
        }
        p->ntiers = chance(2) ? 0 : 1 + (int)rnd(4);
        int64_t min = 0;
        for (int t = 0; t < p->ntiers; t++) {
            /* rising thresholds, mostly whole, some like 12.5 */
            int64_t step = (1 + rnd(10)) * SCALE;
            if (chance(6))
                step += 5000;
            min += t == 0 ? step + SCALE : step;
            if (chance(6) && t == 0)
                min = 5000 + rnd(4) * 2500; /* a threshold below 1 */
            p->tiers[t].min_qty = make_dec(min / SCALE, min % SCALE ? 4 : 0,
                                           min % SCALE);
            p->tiers[t].price = random_price();
        }
        p->graduated = g->list_graduated;
        if (chance(3)) {
            p->mode = chance(2) ? "graduated" : "volume";
            p->graduated = strcmp(p->mode, "graduated") == 0;
        }
    }

    g->ndepts = 1 + (int)rnd(2);
    g->nitems = 1 + (int)rnd(MAX_ITEMS);
    int group = -1, groups = 0, dept = 0;
    for (int i = 0; i < g->nitems; i++) {
        gitem *it = &g->items[i];
        if (g->ndepts > 1 && dept == 0 && i > 0 && chance(4)) {
            dept = 1;
            group = -1;
            groups = 0;
        }
        if (chance(5))
            group = chance(2) ? -1 : groups++;
        it->dept = dept;
        it->group = group;
        it->qty = random_qty();
        it->optional = chance(7);
        if (chance(3)) {
            it->has_discount = true;
            it->discount = random_percent(100);
        }
        if (chance(6)) {
            it->product = -1;
            it->services = chance(2);
            it->custom_price = random_price();
            it->rate = (int)rnd(g->nrates);
            it->tax_attr = true;
        } else {
            it->product = (int)rnd(g->nproducts);
            it->rate = g->products[it->product].rate;
            if (chance(15)) {
                it->tax_attr = true;
                it->rate = (int)rnd(g->nrates);
            }
        }
    }
    /* Every department gets at least the items the loop gave it; one with
     * none is written empty (allowed by the schema). */
    if (chance(2)) {
        g->has_discount = true;
        g->discount = chance(10) ? random_percent(100) : random_percent(30);
    }
    g->customer = chance(2) ? 0 : (int)rnd(sizeof customers / sizeof *customers);
}

/* ---- writing the files ---- */

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

typedef struct {
    char *s;
    size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...) QS_PRINTF(2, 3);

static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n + 256;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
}

static void write_pricelist(const gquote *g, buf *b)
{
    b->len = 0;
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<pricelist version=\"1\" id=\"PL-P\" currency=\"%s\" valid-from=\"2026-01-01\" "
           "valid-until=\"2026-12-31\"%s>\n",
        g->jpy ? "JPY" : "EUR", g->list_graduated ? " tier-mode=\"graduated\"" : "");
    for (int i = 0; i < g->nrates; i++)
        put(b, "  <tax-rate id=\"%s\" percent=\"%s\"%s/>\n", g->rates[i].id,
            g->rates[i].percent.text,
            g->rates[i].exempt ? " category=\"E\" exemption-reason=\"Steuerfrei\"" : "");
    for (int i = 0; i < g->nproducts; i++) {
        const gproduct *p = &g->products[i];
        put(b, "  <product sku=\"%s\" unit=\"Stk.\" tax=\"%s\"", p->sku,
            g->rates[p->rate].id);
        if (p->mode)
            put(b, " tier-mode=\"%s\"", p->mode);
        if (p->services)
            put(b, " supply=\"services\"");
        put(b, ">\n    <name>Product %d</name>\n    <price>%s</price>\n", i, p->price.text);
        if (p->has_cost)
            put(b, "    <cost>%s</cost>\n", p->cost.text);
        for (int t = 0; t < p->ntiers; t++)
            put(b, "    <tier min-qty=\"%s\" price=\"%s\"/>\n", p->tiers[t].min_qty.text,
                p->tiers[t].price.text);
        put(b, "  </product>\n");
    }
    put(b, "</pricelist>\n");
    write_file("pl.xml", b->s);
}

/* One department file; without optional items when `strip_optional`. */
static void write_department(const gquote *g, int dept, bool strip_optional, buf *b)
{
    b->len = 0;
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<department version=\"1\" name=\"d%d\">\n", dept);
    int open_group = -1;
    for (int i = 0; i < g->nitems; i++) {
        const gitem *it = &g->items[i];
        if (it->dept != dept || (strip_optional && it->optional))
            continue;
        if (it->group != open_group) {
            if (open_group >= 0)
                put(b, "  </group>\n");
            if (it->group >= 0)
                put(b, "  <group title=\"G%d\">\n", it->group);
            open_group = it->group;
        }
        put(b, "    <item sku=\"%s\" qty=\"%s\"",
            it->product < 0 ? "CUSTOM-X" : g->products[it->product].sku, it->qty.text);
        if (it->product < 0)
            put(b, " unit=\"Std.\" price=\"%s\"", it->custom_price.text);
        if (it->tax_attr)
            put(b, " tax=\"%s\"", g->rates[it->rate].id);
        if (it->has_discount)
            put(b, " discount-percent=\"%s\" reason=\"test\"", it->discount.text);
        if (it->optional)
            put(b, " optional=\"true\"");
        if (it->services)
            put(b, " supply=\"services\"");
        if (it->product < 0)
            put(b, ">\n      <name>Custom %d</name>\n    </item>\n", i);
        else
            put(b, "/>\n");
    }
    if (open_group >= 0)
        put(b, "  </group>\n");
    put(b, "</department>\n");
    char name[32];
    snprintf(name, sizeof name, "d%d.xml", dept);
    write_file(name, b->s);
}

static void write_quote(const gquote *g, buf *b)
{
    b->len = 0;
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<quote version=\"1\" id=\"P-1\" lang=\"de\" currency=\"%s\" status=\"draft\">\n"
           "  <date>2026-06-15</date>\n"
           "  <valid-until>2026-07-15</valid-until>\n"
           "  <pricelist href=\"pl.xml\"/>\n"
           "  <seller>\n"
           "    <name>Seller GmbH</name>\n"
           "    <address><street>A 1</street><postal-code>20457</postal-code>"
           "<city>Hamburg</city><country>DE</country></address>\n"
           "    <vat-id>DE287654324</vat-id>\n"
           "    <contact><name>S</name></contact>\n"
           "  </seller>\n"
           "  <customer id=\"K-1\">\n"
           "    <name>Customer GmbH</name>\n"
           "    <address><street>B 2</street><postal-code>28217</postal-code>"
           "<city>Bremen</city><country>%s</country></address>\n",
        g->jpy ? "JPY" : "EUR", customers[g->customer].country);
    if (customers[g->customer].vat_id)
        put(b, "    <vat-id>%s</vat-id>\n", customers[g->customer].vat_id);
    put(b, "  </customer>\n");
    if (g->has_discount)
        put(b, "  <discount percent=\"%s\"/>\n", g->discount.text);
    for (int i = 0; i < g->ndepts; i++)
        put(b, "  <department name=\"d%d\" href=\"d%d.xml\"/>\n", i, i);
    put(b, "</quote>\n");
    write_file("quote.xml", b->s);
}

/* ---- properties ---- */

enum {
    P_LOAD,
    P_DIGITS,
    P_UNIT_PRICE,
    P_LINE_NET,
    P_LINE_HALF,
    P_MARGIN,
    P_NET_SUM,
    P_RATES,
    P_BASE,
    P_AMOUNT,
    P_BASE_SUM,
    P_DISCOUNT,
    P_GROSS,
    P_UBL_VALID,
    P_UBL_LINES,
    P_UBL_PRICE,
    P_UBL_ALLOWANCE,
    P_UBL_TAX,
    P_UBL_PAYABLE,
    P_OPTIONAL,
    NPROPS
};

static const char *const prop_names[NPROPS] = {
    "every generated quote loads and prices without a diagnostic",
    "figures carry exactly the currency's minor digits",
    "unit-price is the tier price (volume) or the rounded band average (graduated)",
    "line net = round(amount) - round(round(amount) x d / 100), half away from zero",
    "line net within one minor unit of the exact amount x (100 - d) / 100",
    "margin-percent = round((net - qty x cost) / net x 100, 2), absent without cost or net",
    "totals/@net = sum of net of non-optional lines",
    "one totals/tax per rate used by non-optional lines, with its percent and category (S, Z, E)",
    "tax/@allowance = round(sum net_r x quote discount / 100), @base = sum net_r - @allowance",
    "tax/@amount = round(base x percent / 100), within half a minor unit",
    "sum of tax/@base = totals/@taxable",
    "totals/@net - totals/@discount = totals/@taxable",
    "totals/@taxable + sum of tax/@amount = totals/@gross",
    "UBL: written, parsed, and (every 50th) valid against the UBL 2.1 schema",
    "UBL: sum of non-optional line amounts = LineExtensionAmount",
    "UBL: round(Quantity x PriceAmount) - line allowance = line amount (4-decimal prices)",
    "UBL: each allowance = round(BaseAmount x MultiplierFactorNumeric)",
    "UBL: sum of TaxSubtotal/TaxAmount = TaxAmount; exemption codes for K, AE, G, O only",
    "UBL: TaxExclusive = LineExtension - AllowanceTotal = sum of TaxableAmount; "
    "Payable = TaxExclusive + TaxAmount",
    "optional lines never change the totals",
};

static int failures[NPROPS];
static int checked[NPROPS];  /* quotes on which the property was checked */
static int quote_no;

/* What the generator covered, printed once (not counted as checks). */
static struct {
    long lines, graduated_multi_band, decimal_qty, custom, optional, discounted;
    long net_ties, base_ties, amount_ties, jpy_quotes, quote_discounts;
    long unpriceable;   /* UBL lines without a 4-decimal price for their amount */
    long categories[7]; /* UBL subtotals by category S Z E K AE G O */
} cov;

static void fail(int prop, const char *fmt, ...) QS_PRINTF(2, 3);

static void fail(int prop, const char *fmt, ...)
{
    if (failures[prop]++ >= 5)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("  quote %d: [%s] ", quote_no, prop_names[prop]);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* True when `s` is -?[0-9]+ followed by exactly `places` decimals. */
static bool has_places(const char *s, int places)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (places == 0)
        return *s == '\0';
    if (*s++ != '.')
        return false;
    for (int i = 0; i < places; i++, s++)
        if (*s < '0' || *s > '9')
            return false;
    return *s == '\0';
}

/* Reads a figure attribute: checks its digits (when places >= 0) and parses
 * it, sign included, into 1/10^4. Returns false (after a failure) when it
 * is missing or malformed. */
static bool figure(const xmlNode *node, const char *name, int places, qs_decimal *out,
                   char *text, size_t textsize)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v) {
        fail(P_DIGITS, "<%s> has no @%s", (const char *)node->name, name);
        return false;
    }
    const char *s = (const char *)v;
    bool ok = true;
    if (places >= 0 && !has_places(s, places)) {
        fail(P_DIGITS, "<%s %s=\"%s\">: want %d decimals", (const char *)node->name, name,
             s, places);
        ok = false;
    }
    bool neg = *s == '-';
    qs_decimal val = 0;
    if (qs_decimal_parse(s + neg, &val) != QS_DEC_OK) {
        fail(P_DIGITS, "<%s %s=\"%s\"> does not parse", (const char *)node->name, name, s);
        ok = false;
    }
    *out = neg ? -val : val;
    if (text)
        snprintf(text, textsize, "%s", s);
    xmlFree(v);
    return ok;
}

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The `index`-th <line> of the merged tree, in document order, or NULL. */
static const xmlNode *nth_line(const xmlNode *n, size_t *index)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_element(c, "line") && (*index)-- == 0)
            return c;
        if (is_element(c, "department") || is_element(c, "group")) {
            const xmlNode *found = nth_line(c, index);
            if (found)
                return found;
        }
    }
    return NULL;
}

static const xmlNode *line_of(const qs_quote *q, size_t i)
{
    return nth_line(xmlDocGetRootElement(q->tree), &i);
}

static const xmlNode *totals_of(const qs_quote *q)
{
    const xmlNode *t = NULL;
    for (const xmlNode *c = xmlDocGetRootElement(q->tree)->children; c; c = c->next)
        if (is_element(c, "totals"))
            t = c;
    return t;
}

/* The exact amount of item `it` in 1/10^8 (qty x unit price, or the bands),
 * and (graduated) the expected rounded unit price in 1/100. */
static qs_wide model_amount(const gquote *g, const gitem *it, const char **unit_text,
                            qs_wide *grad_unit)
{
    *unit_text = NULL;
    if (it->product < 0) {
        *unit_text = it->custom_price.text;
        return (qs_wide)it->qty.value * it->custom_price.value;
    }
    const gproduct *p = &g->products[it->product];
    int64_t qty = it->qty.value;
    if (!p->graduated) {
        const dec *price = &p->price;
        for (int t = 0; t < p->ntiers; t++)
            if (p->tiers[t].min_qty.value <= qty)
                price = &p->tiers[t].price;
        *unit_text = price->text;
        return (qs_wide)qty * price->value;
    }
    /* Graduated: units from 1 to min_1 - 1 at the list price, from min_t to
     * min_{t+1} - 1 at tier t's price; a decimal quantity fills its band
     * continuously (band t covers the interval (min_t - 1, min_{t+1} - 1]). */
    int bands_used = 1;
    qs_wide sum = 0;
    for (int band = 0; band <= p->ntiers; band++) {
        int64_t lo = band == 0 ? 0 : p->tiers[band - 1].min_qty.value - SCALE;
        int64_t hi = band == p->ntiers ? INT64_MAX : p->tiers[band].min_qty.value - SCALE;
        if (lo < 0)
            lo = 0;
        if (hi > qty)
            hi = qty;
        int64_t price = band == 0 ? p->price.value : p->tiers[band - 1].price.value;
        if (hi > lo && band > 0)
            bands_used = band + 1;
        if (hi > lo)
            sum += (qs_wide)(hi - lo) * price;
    }
    cov.graduated_multi_band += bands_used > 1;
    /* unit price in 1/100: sum (1/10^8) / qty (1/10^4) = sum / qty in 1/10^4 */
    *grad_unit = round_ratio(sum * 100, (qs_wide)qty * SCALE);
    return sum;
}

typedef priced_quote run;

static void run_quote(run *r)
{
    char path[512];
    snprintf(path, sizeof path, "%s/quote.xml", dir);
    priced_load(r, dir, path);
}

static void end_run(run *r)
{
    priced_free(r);
}

/* The <totals> element serialised, for byte-for-byte comparison. */
static char *dump_totals(const qs_quote *q)
{
    const xmlNode *t = totals_of(q);
    if (!t)
        return NULL;
    xmlBuffer *xb = xmlBufferCreate();
    xmlNodeDump(xb, q->tree, (xmlNode *)t, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(xb));
    xmlBufferFree(xb);
    return s;
}

static void check_quote(const gquote *g, const qs_quote *q)
{
    int k = g->minor;
    qs_wide unit = p10(4 - k); /* one minor unit in 1/10^4 */
    char text[64];
    qs_decimal net_sum = 0;
    qs_decimal rate_net[3] = {0};
    bool rate_used[3] = {false};

    if (q->nlines != (size_t)g->nitems) {
        fail(P_LOAD, "%zu lines in the tree, %d items generated", q->nlines, g->nitems);
        return;
    }
    for (int i = 0; i < g->nitems; i++) {
        const gitem *it = &g->items[i];
        const xmlNode *line = line_of(q, (size_t)i);
        if (!line) {
            fail(P_LOAD, "line %d is not in the tree", i + 1);
            continue;
        }
        const char *unit_text;
        qs_wide grad_unit = 0;
        qs_wide amount = model_amount(g, it, &unit_text, &grad_unit);

        /* unit-price */
        qs_decimal up;
        if (it->product >= 0 && g->products[it->product].graduated) {
            if (figure(line, "unit-price", 2, &up, text, sizeof text) &&
                up != grad_unit * 100)
                fail(P_UNIT_PRICE, "line %d: graduated unit-price %s, want %lld/100", i + 1,
                     text, ll(grad_unit));
        } else if (figure(line, "unit-price", -1, &up, text, sizeof text) &&
                   strcmp(text, unit_text) != 0) {
            fail(P_UNIT_PRICE, "line %d: unit-price %s, want %s", i + 1, text, unit_text);
        }

        /* net = round(amount) - round(amount x d / 100) (SPEC 2.2, revised
         * 2026-12): amount (1/10^8), d (1/10^4 %), in minor units */
        qs_decimal net;
        if (!figure(line, "net", k, &net, text, sizeof text))
            continue;
        qs_wide d = it->has_discount ? it->discount.value : 0;
        qs_wide keep = 100 * SCALE - d;
        qs_wide num = amount * keep * p10(k);
        qs_wide den = p10(14);
        qs_wide rounded = round_ratio(amount * p10(k), p10(8)); /* minor units */
        qs_wide off_num = rounded * d;                   /* x 10^-6 minor units */
        qs_wide want = rounded - round_ratio(off_num, p10(6));
        cov.lines++;
        cov.net_ties += 2 * (wabs(off_num) % p10(6)) == p10(6);
        cov.decimal_qty += it->qty.value % SCALE != 0;
        cov.custom += it->product < 0;
        cov.optional += it->optional;
        cov.discounted += it->has_discount && it->discount.value != 0;
        if (net % unit != 0 || net / unit != want)
            fail(P_LINE_NET, "line %d: net %s, want %lld minor units (qty %s, unit %s, "
                 "discount %s)", i + 1, text, ll(want), it->qty.text,
                 unit_text ? unit_text : "graduated",
                 it->has_discount ? it->discount.text : "-");
        /* |net - exact| <= unit, all in 1/10^4: two roundings */
        if (wabs((qs_wide)net * den - num * unit) > den * unit)
            fail(P_LINE_HALF, "line %d: net %s is more than one minor unit off", i + 1,
                 text);

        /* margin-percent */
        const gproduct *p = it->product >= 0 ? &g->products[it->product] : NULL;
        xmlChar *m = xmlGetProp(line, (const xmlChar *)"margin-percent");
        if (p && p->has_cost && net != 0) {
            qs_decimal margin;
            if (!m) {
                fail(P_MARGIN, "line %d: no margin-percent", i + 1);
            } else if (figure(line, "margin-percent", 2, &margin, text, sizeof text)) {
                /* (net x 10^4 - qty x cost) / (net x 10^4) x 100, in 1/100 */
                qs_wide mnum = ((qs_wide)net * SCALE - (qs_wide)it->qty.value * p->cost.value) *
                               100 * 100;
                qs_wide mden = (qs_wide)net * SCALE;
                if (margin % 100 != 0 || margin / 100 != round_ratio(mnum, mden))
                    fail(P_MARGIN, "line %d: margin-percent %s, want %lld/100", i + 1, text,
                         ll(round_ratio(mnum, mden)));
            }
        } else if (m) {
            fail(P_MARGIN, "line %d: margin-percent '%s' without cost or net", i + 1,
                 (const char *)m);
        }
        xmlFree(m);

        if (!it->optional) {
            net_sum += net;
            rate_net[it->rate] += net;
            rate_used[it->rate] = true;
        }
    }

    const xmlNode *totals = totals_of(q);
    if (!totals) {
        fail(P_LOAD, "no <totals>");
        return;
    }
    qs_decimal t_net, t_discount, t_taxable, t_gross;
    char s_net[64], s_discount[64], s_taxable[64], s_gross[64];
    bool ok = figure(totals, "net", k, &t_net, s_net, sizeof s_net);
    ok &= figure(totals, "discount", k, &t_discount, s_discount, sizeof s_discount);
    ok &= figure(totals, "taxable", k, &t_taxable, s_taxable, sizeof s_taxable);
    ok &= figure(totals, "gross", k, &t_gross, s_gross, sizeof s_gross);
    if (!ok)
        return;
    if (t_net != net_sum)
        fail(P_NET_SUM, "totals/@net %s, lines sum to %lld/10^4", s_net, (long long)net_sum);

    qs_wide qkeep = 100 * SCALE - (g->has_discount ? g->discount.value : 0);
    qs_decimal bases = 0, amounts = 0;
    bool seen[3] = {false};
    int ntax = 0;
    for (const xmlNode *t = totals->children; t; t = t->next) {
        if (!is_element(t, "tax"))
            continue;
        ntax++;
        if (!customers[g->customer].own_rates) {
            /* K, AE, G, O groups: the UBL checks cover them */
            qs_decimal base, amount;
            if (figure(t, "base", k, &base, NULL, 0) && figure(t, "amount", k, &amount, NULL, 0)) {
                bases += base;
                amounts += amount;
            }
            continue;
        }
        xmlChar *id = xmlGetProp(t, (const xmlChar *)"id");
        xmlChar *percent = xmlGetProp(t, (const xmlChar *)"percent");
        xmlChar *category = xmlGetProp(t, (const xmlChar *)"category");
        int r = -1;
        for (int i = 0; i < g->nrates; i++)
            if (id && strcmp((const char *)id, g->rates[i].id) == 0)
                r = i;
        const char *want = r < 0                        ? "?"
                           : g->rates[r].exempt         ? "E"
                           : g->rates[r].percent.value == 0 ? "Z"
                                                        : "S";
        if (r < 0 || seen[r] || !rate_used[r] || !percent ||
            strcmp((const char *)percent, g->rates[r].percent.text) != 0 || !category ||
            strcmp((const char *)category, want) != 0) {
            fail(P_RATES, "unexpected <tax id=\"%s\" category=\"%s\" percent=\"%s\">",
                 id ? (const char *)id : "?", category ? (const char *)category : "?",
                 percent ? (const char *)percent : "?");
        }
        xmlFree(id);
        xmlFree(percent);
        xmlFree(category);
        if (r < 0)
            continue;
        seen[r] = true;
        qs_decimal base, amount, allowance;
        char s_base[64], s_amount[64], s_allowance[64];
        if (!figure(t, "base", k, &base, s_base, sizeof s_base) ||
            !figure(t, "amount", k, &amount, s_amount, sizeof s_amount) ||
            !figure(t, "allowance", k, &allowance, s_allowance, sizeof s_allowance))
            continue;
        bases += base;
        amounts += amount;
        /* allowance: sum net_r (1/10^4) x d (1/10^4 %) / 10^6, in minor
         * units; base the difference */
        qs_wide num = (qs_wide)rate_net[r] * (100 * SCALE - qkeep) * p10(k);
        qs_wide den = (qs_wide)SCALE * 1000000;
        cov.base_ties += 2 * (wabs(num) % den) == den;
        if (allowance % unit != 0 || allowance / unit != round_ratio(num, den) ||
            !within_half((qs_wide)allowance / unit, num, den) ||
            base != rate_net[r] - allowance)
            fail(P_BASE, "rate %s: allowance %s, base %s, want %lld minor units off %lld/10^4",
                 g->rates[r].id, s_allowance, s_base, ll(round_ratio(num, den)),
                 (long long)rate_net[r]);
        /* amount: base (1/10^4) x percent (1/10^4) / 10^6 */
        num = (qs_wide)base * g->rates[r].percent.value * p10(k);
        cov.amount_ties += 2 * (wabs(num) % den) == den;
        if (amount % unit != 0 || amount / unit != round_ratio(num, den) ||
            !within_half((qs_wide)amount / unit, num, den))
            fail(P_AMOUNT, "rate %s: amount %s of base %s at %s %%, want %lld minor units",
                 g->rates[r].id, s_amount, s_base, g->rates[r].percent.text,
                 ll(round_ratio(num, den)));
    }
    for (int r = 0; r < g->nrates && customers[g->customer].own_rates; r++)
        if (rate_used[r] && !seen[r])
            fail(P_RATES, "no <tax> for rate %s", g->rates[r].id);
    (void)ntax;
    if (bases != t_taxable)
        fail(P_BASE_SUM, "bases sum to %lld/10^4, taxable %s", (long long)bases, s_taxable);
    if (t_net - t_discount != t_taxable)
        fail(P_DISCOUNT, "net %s - discount %s != taxable %s", s_net, s_discount, s_taxable);
    if (t_taxable + amounts != t_gross)
        fail(P_GROSS, "taxable %s + amounts %lld/10^4 != gross %s", s_taxable,
             (long long)amounts, s_gross);
}

/* ---- the UBL copy (SPEC 5) ---- */

#define UBL_XSD "tests/ubl-2.1/xsd/maindoc/UBL-Quotation-2.1.xsd"

/* libxml2's own entity loader, saved before the input module installs its
 * deny-all loader: the UBL schema imports its modules from files. */
static xmlExternalEntityLoader default_loader;
static xmlSchema *ubl_schema;

static bool ubl_validates(xmlDoc *doc)
{
    xmlExternalEntityLoader deny = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(default_loader);
    if (!ubl_schema) {
        xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(UBL_XSD);
        ubl_schema = pc ? xmlSchemaParse(pc) : NULL;
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlSchemaValidCtxt *vc = ubl_schema ? xmlSchemaNewValidCtxt(ubl_schema) : NULL;
    int rc = vc ? xmlSchemaValidateDoc(vc, doc) : -1;
    xmlSchemaFreeValidCtxt(vc);
    xmlSetExternalEntityLoader(deny);
    return rc == 0;
}

/* A non-negative decimal with at most `digits` fractional digits, as a
 * count of 10^-digits; false for anything else. */
static bool parse_fixed(const char *s, int digits, qs_wide *out)
{
    qs_wide v = 0;
    int frac = -1;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || (frac >= 0 && ++frac > digits))
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = v * p10(digits - (frac < 0 ? 0 : frac));
    return true;
}

/* The value of expr (a number, string or node-set's first node) under
 * `node`, in 10^-digits; false (after a failure of `prop`) when absent or
 * malformed. */
static bool ubl_value(xmlXPathContext *x, xmlNode *node, const char *expr, int digits,
                      int prop, qs_wide *out)
{
    x->node = node;
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "string(%s)", expr);
    xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)wrapped, x);
    const char *s = o && o->stringval ? (const char *)o->stringval : "";
    bool ok = parse_fixed(s, digits, out);
    if (!ok)
        fail(prop, "%s is '%s'", expr, s);
    xmlXPathFreeObject(o);
    return ok;
}

static xmlXPathObject *ubl_nodes(xmlXPathContext *x, xmlNode *node, const char *expr)
{
    x->node = node;
    xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)expr, x);
    return o && o->nodesetval ? o : (xmlXPathFreeObject(o), NULL);
}

/* Every allowance under `scope` (document or line level, per `expr`):
 * Amount = round(BaseAmount x factor), in minor units. Returns their sum
 * in 10^-4 units. */
static qs_wide check_allowances(xmlXPathContext *x, xmlNode *scope, const char *expr, int k)
{
    qs_wide sum = 0;
    xmlXPathObject *o = ubl_nodes(x, scope, expr);
    for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
        xmlNode *ac = o->nodesetval->nodeTab[i];
        qs_wide amount, base, factor;
        if (!ubl_value(x, ac, "cbc:Amount", 4, P_UBL_ALLOWANCE, &amount) ||
            !ubl_value(x, ac, "cbc:BaseAmount", 4, P_UBL_ALLOWANCE, &base) ||
            !ubl_value(x, ac, "cbc:MultiplierFactorNumeric", 6, P_UBL_ALLOWANCE, &factor))
            continue;
        /* base (10^-4) x factor (10^-6), to minor units (10^-k) */
        qs_wide want = round_ratio(base * factor, p10(10 - k)) * p10(4 - k);
        if (amount != want)
            fail(P_UBL_ALLOWANCE, "allowance %lld/10^4 of base %lld/10^4 at factor "
                 "%lld/10^6, want %lld/10^4", ll(amount), ll(base), ll(factor), ll(want));
        sum += amount;
    }
    xmlXPathFreeObject(o);
    return sum;
}

/* The line-level checks: the sum of non-optional line amounts, and
 * round(qty x price) - allowance = line amount where the price has at
 * most 4 decimals and reproduces the amount. */
static qs_wide check_ubl_lines(xmlXPathContext *x, xmlNode *root, int k)
{
    qs_wide sum = 0;
    xmlXPathObject *o = ubl_nodes(x, root, "cac:QuotationLine");
    for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
        xmlNode *line = o->nodesetval->nodeTab[i];
        qs_wide amount, qty, price, allowance = 0;
        if (!ubl_value(x, line, "cac:LineItem/cbc:LineExtensionAmount", 4, P_UBL_LINES,
                       &amount) ||
            !ubl_value(x, line, "cac:LineItem/cbc:Quantity", 4, P_UBL_PRICE, &qty) ||
            !ubl_value(x, line, "cac:LineItem/cac:Price/cbc:PriceAmount", 4, P_UBL_PRICE,
                       &price))
            continue;
        allowance = check_allowances(x, line, "cac:LineItem/cac:AllowanceCharge", k);
        qs_wide rounded = round_ratio(qty * price, p10(8 - k)) * p10(4 - k);
        /* Where no price of 4 decimals gives the amount back, the 2-decimal
         * unit price stands: no multiple of 10^-4 in [(R - h) / qty, (R + h) / qty) */
        qs_wide base = amount + allowance, h = p10(4 - k) / 2;
        qs_wide lo = (base - h) * SCALE, hi = (base + h) * SCALE; /* x 10^-8 */
        bool priceable = (lo + qty - 1) / qty * qty < hi;
        if (!priceable)
            cov.unpriceable++;
        if (rounded - allowance != amount && priceable)
            fail(P_UBL_PRICE, "line %d: round(%lld x %lld / 10^8) - %lld != %lld (10^-4)",
                 i + 1, ll(qty), ll(price), ll(allowance), ll(amount));
        x->node = line;
        xmlXPathObject *opt = xmlXPathEvalExpression(
            (const xmlChar *)"boolean(cbc:Note = 'optional')", x);
        if (!(opt && opt->boolval))
            sum += amount;
        xmlXPathFreeObject(opt);
    }
    xmlXPathFreeObject(o);
    return sum;
}

/* The subtotals: their tax adds up to TaxAmount, their taxable amounts
 * are returned (10^-4); an exemption code exactly for K, AE, G and O. */
static qs_wide check_ubl_tax(xmlXPathContext *x, xmlNode *root, qs_wide *tax)
{
    qs_wide taxable = 0, sum = 0;
    *tax = 0;
    ubl_value(x, root, "cac:TaxTotal/cbc:TaxAmount", 4, P_UBL_TAX, tax);
    xmlXPathObject *o = ubl_nodes(x, root, "cac:TaxTotal/cac:TaxSubtotal");
    for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
        xmlNode *st = o->nodesetval->nodeTab[i];
        qs_wide base, amount;
        if (!ubl_value(x, st, "cbc:TaxableAmount", 4, P_UBL_TAX, &base) ||
            !ubl_value(x, st, "cbc:TaxAmount", 4, P_UBL_TAX, &amount))
            continue;
        taxable += base;
        sum += amount;
        x->node = st;
        xmlXPathObject *ok = xmlXPathEvalExpression((const xmlChar *)
            "boolean(cac:TaxCategory[(cbc:ID = 'K' or cbc:ID = 'AE' or cbc:ID = 'G' or "
            "cbc:ID = 'O') = boolean(cbc:TaxExemptionReasonCode)])", x);
        if (!(ok && ok->boolval))
            fail(P_UBL_TAX, "subtotal %d: exemption code and category disagree", i + 1);
        xmlXPathFreeObject(ok);
        xmlXPathObject *id = xmlXPathEvalExpression(
            (const xmlChar *)"string(cac:TaxCategory/cbc:ID)", x);
        static const char *const codes[] = {"S", "Z", "E", "K", "AE", "G", "O"};
        for (size_t c = 0; id && id->stringval && c < 7; c++)
            cov.categories[c] += strcmp((const char *)id->stringval, codes[c]) == 0;
        xmlXPathFreeObject(id);
    }
    xmlXPathFreeObject(o);
    if (sum != *tax)
        fail(P_UBL_TAX, "subtotals sum to %lld/10^4, TaxAmount %lld/10^4", ll(sum), ll(*tax));
    return taxable;
}

static void check_ubl(const gquote *g, const qs_quote *q)
{
    int k = g->minor;
    unsigned char *bytes = NULL;
    size_t size = 0;
    qs_diags d;
    qs_diags_init(&d);
    xmlDoc *doc = NULL;
    if (qs_ubl_write(q, &bytes, &size, &d))
        doc = xmlReadMemory((const char *)bytes, (int)size, "ubl.xml", NULL, XML_PARSE_NONET);
    qs_diags_free(&d);
    free(bytes);
    if (!doc) {
        fail(P_UBL_VALID, "no UBL document");
        return;
    }
    if (quote_no % 50 == 0 && !ubl_validates(doc))
        fail(P_UBL_VALID, "not valid against the UBL 2.1 Quotation schema");
    xmlXPathContext *x = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(x, (const xmlChar *)"cac", (const xmlChar *)
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
    xmlXPathRegisterNs(x, (const xmlChar *)"cbc", (const xmlChar *)
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
    xmlNode *root = xmlDocGetRootElement(doc);

    qs_wide lines = check_ubl_lines(x, root, k);
    qs_wide allowances = check_allowances(x, root, "cac:AllowanceCharge", k);
    qs_wide tax, line_ext, allowance_total, exclusive, payable;
    qs_wide taxable = check_ubl_tax(x, root, &tax);
    const char *mt = "cac:QuotedMonetaryTotal/cbc:";
    char e[128];
    snprintf(e, sizeof e, "%sLineExtensionAmount", mt);
    bool ok = ubl_value(x, root, e, 4, P_UBL_PAYABLE, &line_ext);
    snprintf(e, sizeof e, "%sAllowanceTotalAmount", mt);
    ok &= ubl_value(x, root, e, 4, P_UBL_PAYABLE, &allowance_total);
    snprintf(e, sizeof e, "%sTaxExclusiveAmount", mt);
    ok &= ubl_value(x, root, e, 4, P_UBL_PAYABLE, &exclusive);
    snprintf(e, sizeof e, "%sPayableAmount", mt);
    ok &= ubl_value(x, root, e, 4, P_UBL_PAYABLE, &payable);
    if (ok && lines != line_ext)
        fail(P_UBL_LINES, "lines sum to %lld/10^4, LineExtensionAmount %lld/10^4", ll(lines),
             ll(line_ext));
    if (ok && (allowances != allowance_total || line_ext - allowance_total != exclusive ||
               taxable != exclusive || exclusive + tax != payable))
        fail(P_UBL_PAYABLE, "line ext %lld, allowances %lld (total %lld), exclusive %lld, "
             "taxable %lld, tax %lld, payable %lld (10^-4)", ll(line_ext), ll(allowances),
             ll(allowance_total), ll(exclusive), ll(taxable), ll(tax), ll(payable));
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
}

static void remove_files(void)
{
    static const char *const names[] = {"quote.xml", "pl.xml", "d0.xml", "d1.xml"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
}

int main(void)
{
    int n = DEFAULT_QUOTES;
    const char *env = getenv("QS_PROPS_QUOTES");
    if (env && atoi(env) > 0)
        n = atoi(env);
    const char *seed = getenv("QS_PROPS_SEED");
    if (seed && strtoull(seed, NULL, 0) != 0)
        rng_state = strtoull(seed, NULL, 0);

    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/qs-props-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    xmlInitParser();
    default_loader = xmlGetExternalEntityLoader();

    static gquote g;
    buf b = {0};
    int optional_checked = 0;
    for (quote_no = 1; quote_no <= n; quote_no++) {
        generate(&g);
        remove_files();
        write_pricelist(&g, &b);
        for (int dpt = 0; dpt < g.ndepts; dpt++)
            write_department(&g, dpt, false, &b);
        write_quote(&g, &b);

        run r;
        run_quote(&r);
        for (int p = 0; p < NPROPS; p++)
            if (p != P_OPTIONAL)
                checked[p]++;
        if (!r.ok) {
            fail(P_LOAD, "load/price failed:");
            if (failures[P_LOAD] <= 5)
                qs_diags_print_text(&r.d, stdout);
            end_run(&r);
            continue;
        }
        check_quote(&g, &r.q);
        check_ubl(&g, &r.q);
        cov.jpy_quotes += g.jpy;
        cov.quote_discounts += g.has_discount && g.discount.value != 0;

        bool any_optional = false;
        for (int i = 0; i < g.nitems; i++)
            any_optional |= g.items[i].optional;
        if (any_optional && quote_no % 10 == 0) {
            char *with = dump_totals(&r.q);
            for (int dpt = 0; dpt < g.ndepts; dpt++)
                write_department(&g, dpt, true, &b);
            run r2;
            run_quote(&r2);
            char *without = r2.ok ? dump_totals(&r2.q) : NULL;
            checked[P_OPTIONAL]++;
            optional_checked++;
            if (!with || !without || strcmp(with, without) != 0)
                fail(P_OPTIONAL, "totals with optional lines:\n    %s\n  without:\n    %s",
                     with ? with : "(none)", without ? without : "(none)");
            free(with);
            free(without);
            end_run(&r2);
        }
        end_run(&r);
    }
    free(b.s);
    remove_files();
    if (rmdir(dir) != 0)
        perror(dir);
    xmlSchemaFree(ubl_schema);
    xmlCleanupParser();

    for (int p = 0; p < NPROPS; p++)
        CHECK(failures[p] == 0, "%s over %d quotes", prop_names[p], checked[p]);
    printf("  covered: %ld lines (%ld decimal qty, %ld custom, %ld optional, %ld discounted, "
           "%ld graduated over several bands), %ld JPY quotes, %ld quote discounts; "
           "exact half-unit ties: %ld line allowances, %ld group allowances, %ld tax amounts; "
           "UBL subtotals S %ld Z %ld E %ld K %ld AE %ld G %ld O %ld; %ld lines without a "
           "4-decimal price\n",
           cov.lines, cov.decimal_qty, cov.custom, cov.optional, cov.discounted,
           cov.graduated_multi_band, cov.jpy_quotes, cov.quote_discounts, cov.net_ties,
           cov.base_ties, cov.amount_ties, cov.categories[0], cov.categories[1],
           cov.categories[2], cov.categories[3], cov.categories[4], cov.categories[5],
           cov.categories[6], cov.unpriceable);
    (void)optional_checked;
    return check_failures ? 1 : 0;
}
