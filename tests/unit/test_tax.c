/* Unit tests for src/tax.c: the EU member states, every row and column of
 * SPEC 2.3's table with the overrides and the error cases, codes and notes,
 * and SPEC 2.2's allowance arithmetic (half-unit ties in line and group
 * allowances, JPY), with a property test over random tax groups.
 *
 * The property test is deterministic (xorshift64, fixed seed) and checks
 * each figure against an independent rounding in integer arithmetic. */
#include "check.h"
#include "tax.h"

#include <stdint.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PCT(n) ((qs_decimal)(n) * QS_DECIMAL_SCALE)

/* "123.45" as a qs_decimal; the tests write figures as the tree does. */
static qs_decimal dec(const char *text)
{
    qs_decimal v = 0;
    if (qs_decimal_parse(text, &v) != QS_DEC_OK)
        printf("FAIL bad test figure '%s'\n", text);
    return v;
}

static const char *fmt(qs_decimal v, int places, char buf[QS_DECIMAL_BUFSIZE])
{
    return qs_decimal_format(v, places, buf);
}

/* ---- countries ---- */

/* Assigned codes and their names: test_country.c. */
static void test_countries(void)
{
    static const char *const eu[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI",
                                     "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
                                     "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    CHECK(COUNT(eu) == 27, "the test lists 27 member states");
    size_t n_eu = 0;
    for (size_t i = 0; i < COUNT(eu); i++) {
        n_eu += qs_country_is_eu(eu[i]) && qs_country_is_assigned(eu[i]);
        const char *want = eu[i][0] == 'G' && eu[i][1] == 'R' ? "EL" : eu[i];
        const char *got = qs_country_vat_prefix(eu[i]);
        CHECK(got && strcmp(got, want) == 0, "VAT prefix of %s is %s", eu[i], want);
    }
    CHECK(n_eu == 27, "all 27 member states are EU and assigned (%zu)", n_eu);
    static const char *const not_eu[] = {"CH", "GB", "NO", "IS", "LI", "US", "EL", "XI",
                                         "MC", "TR", "", "DEU"};
    for (size_t i = 0; i < COUNT(not_eu); i++) {
        CHECK(!qs_country_is_eu(not_eu[i]), "'%s' is not an EU member state", not_eu[i]);
        CHECK(qs_country_vat_prefix(not_eu[i]) == NULL, "'%s' has no EU VAT prefix",
              not_eu[i]);
    }
    CHECK(!qs_country_is_eu(NULL) && qs_country_vat_prefix(NULL) == NULL, "NULL: not EU");
}

/* ---- the table of SPEC 2.3 ---- */

typedef struct {
    const char *name;
    const char *seller, *customer;
    bool vat_id;
    qs_tax_treatment override;
    qs_tax_treatment treatment; /* expected row */
    bool oss;
    const char *goods, *services; /* expected "CATEGORY PERCENT VATEX" */
} table_case;

/* "K 0 VATEX-EU-IC", "S 19 -": one line's treatment as text. */
static void describe(qs_tax_line l, char *out, size_t size)
{
    char p[QS_DECIMAL_BUFSIZE];
    const char *code = qs_vatex_code(l.exemption);
    snprintf(out, size, "%s %s %s", qs_tax_category_code(l.category), fmt(l.percent, 0, p),
             code ? code : "-");
}

static void check_case(const table_case *c)
{
    qs_tax_parties p = {c->seller, c->customer, c->vat_id, c->override};
    qs_tax_context ctx;
    qs_tax_status st = qs_tax_decide(&p, &ctx);
    CHECK(st == QS_TAX_OK, "%s: decided (%s)", c->name, qs_tax_status_message(st));
    if (st != QS_TAX_OK)
        return;
    CHECK(ctx.treatment == c->treatment, "%s: row %d (got %d)", c->name, (int)c->treatment,
          (int)ctx.treatment);
    CHECK(ctx.oss == c->oss, "%s: oss warning %s", c->name, c->oss ? "applies" : "does not apply");
    CHECK(ctx.business == c->vat_id, "%s: business is the VAT id", c->name);
    char got[64];
    describe(qs_tax_treat_line(&ctx, QS_SUPPLY_GOODS, QS_TAX_S, PCT(19)), got, sizeof got);
    CHECK_STR(got, c->goods, "%s: goods", c->name);
    describe(qs_tax_treat_line(&ctx, QS_SUPPLY_SERVICES, QS_TAX_S, PCT(19)), got, sizeof got);
    CHECK_STR(got, c->services, "%s: services", c->name);
}

/* Short names for the table below. */
#define I QS_TREATMENT_INFER
#define D QS_TREATMENT_DOMESTIC
#define EU QS_TREATMENT_INTRA_EU
#define X QS_TREATMENT_EXPORT

static void test_table(void)
{
    static const table_case cases[] = {
        /* row 1: the seller's country, or none */
        {"domestic business", "DE", "DE", true, I, D, false, "S 19 -", "S 19 -"},
        {"domestic consumer", "DE", "DE", false, I, D, false, "S 19 -", "S 19 -"},
        {"no customer country", "DE", NULL, true, I, D, false, "S 19 -", "S 19 -"},
        {"no countries at all", NULL, NULL, false, I, D, false, "S 19 -", "S 19 -"},
        /* row 2: another member state, business */
        {"intra-EU business NL", "DE", "NL", true, I, EU, false, "K 0 VATEX-EU-IC",
         "AE 0 VATEX-EU-AE"},
        {"intra-EU business GR (VAT ids EL)", "DE", "GR", true, I, EU, false,
         "K 0 VATEX-EU-IC", "AE 0 VATEX-EU-AE"},
        {"intra-EU business from AT", "AT", "DE", true, I, EU, false, "K 0 VATEX-EU-IC",
         "AE 0 VATEX-EU-AE"},
        /* row 3: another member state, consumer */
        {"intra-EU consumer FR", "DE", "FR", false, I, EU, true, "S 19 -", "S 19 -"},
        /* row 4: outside the EU */
        {"export business CH", "DE", "CH", true, I, X, false, "G 0 VATEX-EU-G",
         "O 0 VATEX-EU-O"},
        {"export consumer US", "DE", "US", false, I, X, false, "G 0 VATEX-EU-G", "S 19 -"},
        {"export business GB (not EU)", "DE", "GB", true, I, X, false, "G 0 VATEX-EU-G",
         "O 0 VATEX-EU-O"},
        {"seller outside the EU, customer in DE", "CH", "DE", true, I, X, false,
         "G 0 VATEX-EU-G", "O 0 VATEX-EU-O"},
        {"seller outside the EU, own country", "CH", "CH", true, I, D, false, "S 19 -",
         "S 19 -"},
        /* overrides */
        {"override domestic, NL business", "DE", "NL", true, D, D, false, "S 19 -", "S 19 -"},
        {"override domestic, FR consumer: no oss", "DE", "FR", false, D, D, false, "S 19 -",
         "S 19 -"},
        {"override export, NL business", "DE", "NL", true, X, X, false, "G 0 VATEX-EU-G",
         "O 0 VATEX-EU-O"},
        {"override export, DE consumer", "DE", "DE", false, X, X, false, "G 0 VATEX-EU-G",
         "S 19 -"},
        {"override intra-eu, CH business", "DE", "CH", true, EU, EU, false, "K 0 VATEX-EU-IC",
         "AE 0 VATEX-EU-AE"},
        {"override intra-eu, no seller country", NULL, "NL", true, EU, EU, false,
         "K 0 VATEX-EU-IC", "AE 0 VATEX-EU-AE"},
        {"override domestic, no seller country", NULL, "NL", true, D, D, false, "S 19 -",
         "S 19 -"},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        check_case(&cases[i]);
}

#undef I
#undef D
#undef EU
#undef X

static void test_errors(void)
{
    static const struct {
        const char *name, *seller, *customer;
        bool vat_id;
        qs_tax_treatment override;
        qs_tax_status status;
    } cases[] = {
        {"intra-eu without VAT id", "DE", "NL", false, QS_TREATMENT_INTRA_EU,
         QS_TAX_INTRA_EU_WITHOUT_VAT_ID},
        {"intra-eu without VAT id, domestic customer", "DE", "DE", false,
         QS_TREATMENT_INTRA_EU, QS_TAX_INTRA_EU_WITHOUT_VAT_ID},
        {"customer EL (a VAT prefix, not ISO)", "DE", "EL", true, QS_TREATMENT_INFER,
         QS_TAX_BAD_CUSTOMER_COUNTRY},
        {"customer UK", "DE", "UK", true, QS_TREATMENT_INFER, QS_TAX_BAD_CUSTOMER_COUNTRY},
        {"customer lower case", "DE", "nl", true, QS_TREATMENT_INFER,
         QS_TAX_BAD_CUSTOMER_COUNTRY},
        {"customer XX under an override", "DE", "XX", true, QS_TREATMENT_DOMESTIC,
         QS_TAX_BAD_CUSTOMER_COUNTRY},
        {"seller ZZ", "ZZ", "DE", true, QS_TREATMENT_INFER, QS_TAX_BAD_SELLER_COUNTRY},
        {"seller DEU", "DEU", NULL, true, QS_TREATMENT_DOMESTIC, QS_TAX_BAD_SELLER_COUNTRY},
        {"no seller country to infer from", NULL, "DE", true, QS_TREATMENT_INFER,
         QS_TAX_NO_SELLER_COUNTRY},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        qs_tax_parties p = {cases[i].seller, cases[i].customer, cases[i].vat_id,
                            cases[i].override};
        qs_tax_context ctx = {QS_TREATMENT_EXPORT, true, true};
        qs_tax_status st = qs_tax_decide(&p, &ctx);
        CHECK(st == cases[i].status, "%s: status %d (got %d)", cases[i].name,
              (int)cases[i].status, (int)st);
        CHECK(ctx.treatment == QS_TREATMENT_EXPORT && ctx.business && ctx.oss,
              "%s: the context is untouched", cases[i].name);
    }
    CHECK_STR(qs_tax_status_message(QS_TAX_INTRA_EU_WITHOUT_VAT_ID),
              "'intra-eu' tax treatment needs the customer's vat-id", "message: intra-eu");
    CHECK_STR(qs_tax_status_message(QS_TAX_BAD_CUSTOMER_COUNTRY),
              "the customer's country is not an ISO 3166-1 alpha-2 code", "message: country");
}

/* Rates of the price list: Z at 0 %, E exempt, a reduced S. */
static void test_rates(void)
{
    qs_tax_parties home = {"DE", "DE", true, QS_TREATMENT_INFER};
    qs_tax_parties nl = {"DE", "NL", true, QS_TREATMENT_INFER};
    qs_tax_parties fr = {"DE", "FR", false, QS_TREATMENT_INFER};
    qs_tax_parties us = {"DE", "US", false, QS_TREATMENT_INFER};
    qs_tax_context c_home, c_nl, c_fr, c_us;
    CHECK(qs_tax_decide(&home, &c_home) == QS_TAX_OK && qs_tax_decide(&nl, &c_nl) == QS_TAX_OK &&
              qs_tax_decide(&fr, &c_fr) == QS_TAX_OK && qs_tax_decide(&us, &c_us) == QS_TAX_OK,
          "four contexts decided");
    const struct {
        const char *name;
        const qs_tax_context *ctx;
        qs_supply supply;
        qs_tax_category rate;
        qs_decimal percent;
        const char *want;
    } cases[] = {
        {"domestic, reduced 7 %", &c_home, QS_SUPPLY_GOODS, QS_TAX_S, PCT(7), "S 7 -"},
        {"domestic, 0 % is Z", &c_home, QS_SUPPLY_GOODS, QS_TAX_S, 0, "Z 0 -"},
        {"domestic, a rate given as Z", &c_home, QS_SUPPLY_SERVICES, QS_TAX_Z, 0, "Z 0 -"},
        {"domestic, exempt E", &c_home, QS_SUPPLY_SERVICES, QS_TAX_E, 0, "E 0 -"},
        {"domestic, E ignores a percent", &c_home, QS_SUPPLY_SERVICES, QS_TAX_E, PCT(19),
         "E 0 -"},
        {"intra-EU consumer, exempt E", &c_fr, QS_SUPPLY_SERVICES, QS_TAX_E, 0, "E 0 -"},
        {"intra-EU consumer, 7 %", &c_fr, QS_SUPPLY_GOODS, QS_TAX_S, PCT(7), "S 7 -"},
        {"intra-EU business, exempt rate: AE", &c_nl, QS_SUPPLY_SERVICES, QS_TAX_E, 0,
         "AE 0 VATEX-EU-AE"},
        {"intra-EU business, 7 % goods: K", &c_nl, QS_SUPPLY_GOODS, QS_TAX_S, PCT(7),
         "K 0 VATEX-EU-IC"},
        {"export consumer services, 0 %", &c_us, QS_SUPPLY_SERVICES, QS_TAX_S, 0, "Z 0 -"},
        {"export consumer goods, exempt rate: G", &c_us, QS_SUPPLY_GOODS, QS_TAX_E, 0,
         "G 0 VATEX-EU-G"},
        {"domestic, 33.3333 %", &c_home, QS_SUPPLY_GOODS, QS_TAX_S, dec("33.3333"), "S 33 -"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char got[64];
        describe(qs_tax_treat_line(cases[i].ctx, cases[i].supply, cases[i].rate,
                                   cases[i].percent),
                 got, sizeof got);
        CHECK_STR(got, cases[i].want, "%s", cases[i].name);
    }
    qs_tax_line l = qs_tax_treat_line(&c_home, QS_SUPPLY_GOODS, QS_TAX_S, dec("33.3333"));
    CHECK(l.percent == dec("33.3333"), "the rate's percent passes through exactly");
}

/* ---- names, codes and notes ---- */

static void test_names(void)
{
    qs_supply s = QS_SUPPLY_GOODS;
    CHECK(qs_supply_parse("services", &s) && s == QS_SUPPLY_SERVICES, "supply services");
    CHECK(qs_supply_parse("goods", &s) && s == QS_SUPPLY_GOODS, "supply goods");
    static const char *const bad[] = {"Goods", "good", "", "service", "goods "};
    for (size_t i = 0; i < COUNT(bad); i++)
        CHECK(!qs_supply_parse(bad[i], &s) && s == QS_SUPPLY_GOODS, "supply '%s' rejected",
              bad[i]);
    CHECK(!qs_supply_parse(NULL, &s), "supply NULL rejected");

    qs_tax_treatment t = QS_TREATMENT_INFER;
    CHECK(qs_tax_treatment_parse("domestic", &t) && t == QS_TREATMENT_DOMESTIC, "domestic");
    CHECK(qs_tax_treatment_parse("intra-eu", &t) && t == QS_TREATMENT_INTRA_EU, "intra-eu");
    CHECK(qs_tax_treatment_parse("export", &t) && t == QS_TREATMENT_EXPORT, "export");
    static const char *const bad_t[] = {"infer", "", "intra-EU", "intra_eu", "Export"};
    for (size_t i = 0; i < COUNT(bad_t); i++)
        CHECK(!qs_tax_treatment_parse(bad_t[i], &t) && t == QS_TREATMENT_EXPORT,
              "treatment '%s' rejected", bad_t[i]);

    static const char *const codes[] = {"S", "Z", "E", "K", "AE", "G", "O"};
    for (size_t i = 0; i < COUNT(codes); i++) {
        qs_tax_category c = QS_TAX_S;
        CHECK(qs_tax_category_parse(codes[i], &c) && c == (qs_tax_category)i &&
                  strcmp(qs_tax_category_code(c), codes[i]) == 0,
              "category %s round-trips", codes[i]);
    }
    qs_tax_category c = QS_TAX_K;
    CHECK(!qs_tax_category_parse("A", &c) && !qs_tax_category_parse("s", &c) &&
              !qs_tax_category_parse("", &c) && c == QS_TAX_K,
          "unknown categories rejected");

    static const struct {
        qs_vatex v;
        const char *code, *text;
    } vatex[] = {
        {QS_VATEX_EU_IC, "VATEX-EU-IC", "Intra-Community supply"},
        {QS_VATEX_EU_AE, "VATEX-EU-AE", "Reverse charge"},
        {QS_VATEX_EU_G, "VATEX-EU-G", "Export outside the EU"},
        {QS_VATEX_EU_O, "VATEX-EU-O", "Not subject to VAT"},
    };
    for (size_t i = 0; i < COUNT(vatex); i++) {
        CHECK_STR(qs_vatex_code(vatex[i].v), vatex[i].code, "VATEX code %s", vatex[i].code);
        CHECK_STR(qs_vatex_text(vatex[i].v), vatex[i].text, "VATEX text of %s", vatex[i].code);
    }
    CHECK(qs_vatex_code(QS_VATEX_NONE) == NULL && qs_vatex_text(QS_VATEX_NONE) == NULL,
          "no VATEX code for S, Z, E");
}

static void test_notes(void)
{
    static const struct {
        qs_tax_category c;
        const char *de, *en;
    } notes[] = {
        {QS_TAX_K, "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b i. V. m. § 6a UStG)",
         "Exempt intra-Community supply of goods (Article 138 of Directive 2006/112/EC)"},
        {QS_TAX_AE, "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge)",
         "Reverse charge: VAT to be accounted for by the recipient "
         "(Article 196 of Directive 2006/112/EC)"},
        {QS_TAX_G, "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1a i. V. m. § 6 UStG)",
         "Exempt export of goods outside the EU (Article 146 of Directive 2006/112/EC)"},
        {QS_TAX_O, "Nicht im Inland steuerbare Leistung (Leistungsort nach § 3a Abs. 2 UStG)",
         "Not subject to VAT in the supplier's country: the place of supply is the "
         "recipient's (Article 44 of Directive 2006/112/EC)"},
    };
    for (size_t i = 0; i < COUNT(notes); i++) {
        const char *code = qs_tax_category_code(notes[i].c);
        CHECK_STR(qs_tax_note(notes[i].c, QS_LANG_DE, "ignored"), notes[i].de, "note %s de", code);
        CHECK_STR(qs_tax_note(notes[i].c, QS_LANG_EN, NULL), notes[i].en, "note %s en", code);
    }
    const char *reason = "Steuerfrei nach § 4 Nr. 21 UStG";
    CHECK(qs_tax_note(QS_TAX_E, QS_LANG_DE, reason) == reason &&
              qs_tax_note(QS_TAX_E, QS_LANG_EN, reason) == reason,
          "E prints the rate's own exemption reason");
    CHECK(qs_tax_note(QS_TAX_E, QS_LANG_DE, NULL) == NULL, "E without a reason: no note");
    CHECK(qs_tax_note(QS_TAX_S, QS_LANG_DE, reason) == NULL &&
              qs_tax_note(QS_TAX_Z, QS_LANG_EN, reason) == NULL,
          "S and Z print no note");
}

/* ---- arithmetic ---- */

static void check_line(const char *qty, const char *price, const char *discount, int minor,
                       const char *amount, const char *allowance, const char *net)
{
    qs_line_figures f;
    char a[QS_DECIMAL_BUFSIZE], b[QS_DECIMAL_BUFSIZE], c[QS_DECIMAL_BUFSIZE];
    bool ok = qs_tax_price_line((qs_wide)dec(qty) * dec(price), dec(discount), minor, &f);
    CHECK(ok, "line %s x %s - %s %%: computed", qty, price, discount);
    if (!ok)
        return;
    char got[3 * QS_DECIMAL_BUFSIZE], want[3 * QS_DECIMAL_BUFSIZE];
    snprintf(got, sizeof got, "%s %s %s", fmt(f.amount, minor, a), fmt(f.allowance, minor, b),
             fmt(f.net, minor, c));
    snprintf(want, sizeof want, "%s %s %s", amount, allowance, net);
    CHECK_STR(got, want, "line %s x %s - %s %%: amount allowance net", qty, price, discount);
}

static void test_line_arithmetic(void)
{
    /* 1.225 rounds up on its own: net 23.27, where round(24.50 x 0.95)
     * would give 23.28 */
    check_line("2", "12.25", "5", 2, "24.50", "1.23", "23.27");
    check_line("3", "0.125", "0", 2, "0.38", "0.00", "0.38");
    check_line("0.5", "10.01", "33.3333", 2, "5.01", "1.67", "3.34");
    check_line("1", "8490.00", "100", 2, "8490.00", "8490.00", "0.00");
    /* JPY: 149.7 -> 150; 14.97 -> 15; and a half-yen tie 12.5 -> 13 */
    check_line("3", "49.90", "10", 0, "150", "15", "135");
    check_line("1", "125", "10", 0, "125", "13", "112");
    /* BHD, 3 digits: 0.0625 x 3 = 0.1875 -> 0.188; 2.5 % of it 0.0047 -> 0.005 */
    check_line("3", "0.0625", "2.5", 3, "0.188", "0.005", "0.183");
    /* the allowance is of the rounded amount: 348.5961 -> 348.60, 12.5 % of
     * it 43.575 -> 43.58 (of the exact amount it would be 43.57) */
    check_line("1", "348.5961", "12.5", 2, "348.60", "43.58", "305.02");

    qs_line_figures f = {1, 2, 3};
    CHECK(!qs_tax_price_line(100, PCT(101), 2, &f) && f.amount == 1 && f.net == 3,
          "line: a discount over 100 %% is refused, *out untouched");
    CHECK(!qs_tax_price_line(100, -1, 2, &f), "line: a negative discount is refused");
    CHECK(!qs_tax_price_line(100, 0, 5, &f) && !qs_tax_price_line(100, 0, -1, &f),
          "line: minor digits outside 0..4 are refused");
    qs_wide huge = (qs_wide)INT64_MAX * QS_DECIMAL_SCALE * 4;
    CHECK(!qs_tax_price_line(huge, 0, 2, &f) && f.amount == 1,
          "line: an amount beyond int64 overflows cleanly");
}

typedef struct {
    const char *net, *percent;
    const char *allowance, *base, *amount; /* expected */
} group_case;

/* Prices the groups and compares every figure and the totals
 * "net discount taxable tax gross" with want. */
static void check_groups(const char *name, const group_case *cases, size_t n,
                         const char *discount, int minor, const char *want)
{
    qs_tax_group g[8];
    for (size_t i = 0; i < n; i++)
        g[i] = (qs_tax_group){QS_TAX_S, dec(cases[i].percent), dec(cases[i].net), 0, 0, 0};
    qs_tax_totals t;
    bool ok = qs_tax_price_groups(g, n, dec(discount), minor, &t);
    CHECK(ok, "%s: computed", name);
    if (!ok)
        return;
    char a[QS_DECIMAL_BUFSIZE], b[QS_DECIMAL_BUFSIZE], c[QS_DECIMAL_BUFSIZE];
    char d[QS_DECIMAL_BUFSIZE], e[QS_DECIMAL_BUFSIZE];
    char got[5 * QS_DECIMAL_BUFSIZE], exp[5 * QS_DECIMAL_BUFSIZE];
    for (size_t i = 0; i < n; i++) {
        snprintf(got, sizeof got, "%s %s %s", fmt(g[i].allowance, minor, a),
                 fmt(g[i].base, minor, b), fmt(g[i].amount, minor, c));
        snprintf(exp, sizeof exp, "%s %s %s", cases[i].allowance, cases[i].base,
                 cases[i].amount);
        CHECK_STR(got, exp, "%s: group %s at %s %%: allowance base amount", name, cases[i].net,
                  cases[i].percent);
    }
    snprintf(got, sizeof got, "%s %s %s %s %s", fmt(t.net, minor, a), fmt(t.discount, minor, b),
             fmt(t.taxable, minor, c), fmt(t.tax, minor, d), fmt(t.gross, minor, e));
    CHECK_STR(got, want, "%s: totals net discount taxable tax gross", name);
}

static void test_group_arithmetic(void)
{
    /* Half-cent ties in both allowances (1.225, 0.505): each rounded on its
     * own, 1.74 in all, where round(234.60 x 5 %) = 11.73 would not split. */
    static const group_case eur[] = {
        {"24.50", "19", "1.23", "23.27", "4.42"},
        {"10.10", "7", "0.51", "9.59", "0.67"},
        {"200.00", "0", "10.00", "190.00", "0.00"},
    };
    check_groups("EUR, 5 %", eur, COUNT(eur), "5", 2, "234.60 11.74 222.86 5.09 227.95");
    /* A tie in the tax amount: 1.995 -> 2.00 */
    static const group_case tie[] = {{"10.50", "19", "0.00", "10.50", "2.00"}};
    check_groups("EUR, no discount", tie, COUNT(tie), "0", 2, "10.50 0.00 10.50 2.00 12.50");
    /* JPY: 30.15 -> 30, 7.5 -> 8, 97.5 -> 98 */
    static const group_case jpy[] = {
        {"1005", "10", "30", "975", "98"},
        {"250", "0", "8", "242", "0"},
    };
    check_groups("JPY, 3 %", jpy, COUNT(jpy), "3", 0, "1255 38 1217 98 1315");
    check_groups("no groups", NULL, 0, "3", 2, "0.00 0.00 0.00 0.00 0.00");

    qs_tax_totals t = {1, 1, 1, 1, 1};
    qs_tax_group g = {QS_TAX_S, PCT(19), INT64_MAX, 0, 0, 0};
    CHECK(!qs_tax_price_groups(&g, 1, 0, 2, &t) && t.gross == 1,
          "groups: taxable + tax beyond int64 overflows, totals untouched");
    g = (qs_tax_group){QS_TAX_S, PCT(19), 100, 0, 0, 0};
    CHECK(!qs_tax_price_groups(&g, 1, PCT(100) + 1, 2, &t) && t.net == 1,
          "groups: a quote discount over 100 %% is refused");
    g.percent = PCT(100) + 1;
    CHECK(!qs_tax_price_groups(&g, 1, 0, 2, &t), "groups: a rate over 100 %% is refused");
    g.percent = PCT(19);
    CHECK(!qs_tax_price_groups(&g, 1, 0, 7, &t), "groups: minor digits 7 are refused");
    qs_tax_group two[2] = {{QS_TAX_S, 0, INT64_MAX, 0, 0, 0}, {QS_TAX_S, 0, 1, 0, 0, 0}};
    CHECK(!qs_tax_price_groups(two, 2, 0, 2, &t) && t.net == 1,
          "groups: a sum of nets beyond int64 overflows");
}

/* ---- property test ---- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t next_rand(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static int64_t rnd(int64_t n)
{
    return (int64_t)(next_rand() % (uint64_t)n);
}

/* An independent model of the rounding: num / 10^digits (num >= 0)
 * rounded half up to `minor` digits, by plain integer division, returned
 * in qs_decimal units. */
static qs_decimal model_round(qs_wide num, int digits, int minor)
{
    qs_wide den = 1;
    for (int i = 0; i < digits - minor; i++)
        den *= 10;
    int64_t step = 1;
    for (int i = minor; i < QS_DECIMAL_DIGITS; i++)
        step *= 10;
    return (qs_decimal)((num + den / 2) / den * step);
}

static void test_property(void)
{
    static const int64_t rates[] = {0, 70000, 190000, 77000, 333333, 1000000};
    static const int minors[] = {2, 0, 3};
    const int rounds = 20000;
    int bad_sums = 0, bad_model = 0, failed = 0;
    for (int r = 0; r < rounds; r++) {
        int minor = minors[rnd(3)];
        int64_t unit = 1;
        for (int i = minor; i < 4; i++)
            unit *= 10;
        qs_decimal discount = rnd(4) == 0 ? 0 : rnd(PCT(100) + 1);
        size_t n = (size_t)(1 + rnd(6));
        qs_tax_group g[6];
        for (size_t i = 0; i < n; i++)
            g[i] = (qs_tax_group){QS_TAX_S, rates[rnd(6)], rnd(INT64_C(100000000000)) * unit,
                                  0, 0, 0};
        qs_tax_totals t;
        if (!qs_tax_price_groups(g, n, discount, minor, &t)) {
            failed++;
            continue;
        }
        qs_decimal allowances = 0, bases = 0, amounts = 0, nets = 0;
        for (size_t i = 0; i < n; i++) {
            allowances += g[i].allowance;
            bases += g[i].base;
            amounts += g[i].amount;
            nets += g[i].net;
            if (g[i].allowance != model_round((qs_wide)g[i].net * discount, 10, minor) ||
                g[i].amount != model_round((qs_wide)g[i].base * g[i].percent, 10, minor) ||
                g[i].base + g[i].allowance != g[i].net || g[i].allowance % unit != 0 ||
                g[i].amount % unit != 0)
                bad_model++;
        }
        if (allowances != t.discount || bases != t.taxable || amounts != t.tax ||
            nets != t.net || t.net - t.discount != t.taxable || bases + amounts != t.gross)
            bad_sums++;
    }
    CHECK(failed == 0, "property: %d random quotes priced without overflow (%d failed)", rounds,
          failed);
    CHECK(bad_sums == 0,
          "property: sum of allowances = discount, net - discount = taxable, "
          "bases + amounts = gross (%d bad)",
          bad_sums);
    CHECK(bad_model == 0,
          "property: each allowance and amount is the one rounding of an exact product, "
          "base + allowance = net (%d bad)",
          bad_model);

    int bad_lines = 0;
    for (int r = 0; r < rounds; r++) {
        int minor = minors[rnd(3)];
        qs_decimal qty = 1 + rnd(1000000), price = rnd(100000000);
        qs_decimal discount = rnd(PCT(100) + 1);
        qs_line_figures f;
        qs_wide exact = (qs_wide)qty * price;
        qs_decimal amount = model_round(exact, 8, minor);
        qs_decimal allowance = model_round((qs_wide)amount * discount, 10, minor);
        if (!qs_tax_price_line(exact, discount, minor, &f) || f.amount != amount ||
            f.allowance != allowance || f.net != amount - allowance)
            bad_lines++;
    }
    CHECK(bad_lines == 0, "property: %d random lines: net = round(amount) - "
                          "round(round(amount) x d / 100) "
                          "(%d bad)", rounds, bad_lines);
}

int main(void)
{
    test_countries();
    test_table();
    test_errors();
    test_rates();
    test_names();
    test_notes();
    test_line_arithmetic();
    test_group_arithmetic();
    test_property();
    return check_failures == 0 ? 0 : 1;
}
