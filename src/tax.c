/* tax: owns the VAT law of a quote (SPEC 2.3: EU countries, the treatment of
 * each line, VATEX codes and notes) and the arithmetic of its allowances and
 * tax groups (SPEC 2.2). Pure functions over static tables. */
#include "tax.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* 100 % as a qs_decimal. */
#define PERCENT_100 ((qs_decimal)100 * QS_DECIMAL_SCALE)

/* ---- countries ---- */

/* The 27 member states (ISO code, VAT-id prefix), sorted by ISO code. */
static const struct {
    char iso[3];
    char vat[3];
} eu_states[] = {
    {"AT", "AT"}, {"BE", "BE"}, {"BG", "BG"}, {"CY", "CY"}, {"CZ", "CZ"},
    {"DE", "DE"}, {"DK", "DK"}, {"EE", "EE"}, {"ES", "ES"}, {"FI", "FI"},
    {"FR", "FR"}, {"GR", "EL"}, {"HR", "HR"}, {"HU", "HU"}, {"IE", "IE"},
    {"IT", "IT"}, {"LT", "LT"}, {"LU", "LU"}, {"LV", "LV"}, {"MT", "MT"},
    {"NL", "NL"}, {"PL", "PL"}, {"PT", "PT"}, {"RO", "RO"}, {"SE", "SE"},
    {"SI", "SI"}, {"SK", "SK"},
};

const char *qs_country_vat_prefix(const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < COUNT(eu_states); i++)
        if (strcmp(code, eu_states[i].iso) == 0)
            return eu_states[i].vat;
    return NULL;
}

bool qs_country_is_eu(const char *code)
{
    return qs_country_vat_prefix(code) != NULL;
}

/* ---- the treatment ---- */

/* The row that the countries alone give (no override). */
static qs_tax_treatment infer_treatment(const char *seller, const char *customer)
{
    if (customer == NULL || strcmp(seller, customer) == 0)
        return QS_TREATMENT_DOMESTIC;
    if (qs_country_is_eu(seller) && qs_country_is_eu(customer))
        return QS_TREATMENT_INTRA_EU;
    return QS_TREATMENT_EXPORT;
}

qs_tax_status qs_tax_decide(const qs_tax_parties *p, qs_tax_context *out)
{
    if (p->seller_country && !qs_country_is_assigned(p->seller_country))
        return QS_TAX_BAD_SELLER_COUNTRY;
    if (p->customer_country && !qs_country_is_assigned(p->customer_country))
        return QS_TAX_BAD_CUSTOMER_COUNTRY;
    if (p->override == QS_TREATMENT_INTRA_EU && !p->customer_has_vat_id)
        return QS_TAX_INTRA_EU_WITHOUT_VAT_ID;
    qs_tax_treatment t = p->override;
    if (t == QS_TREATMENT_INFER) {
        if (p->customer_country && !p->seller_country)
            return QS_TAX_NO_SELLER_COUNTRY;
        t = infer_treatment(p->seller_country, p->customer_country);
    }
    out->treatment = t;
    out->business = p->customer_has_vat_id;
    out->oss = t == QS_TREATMENT_INTRA_EU && !p->customer_has_vat_id;
    return QS_TAX_OK;
}

const char *qs_tax_status_message(qs_tax_status st)
{
    switch (st) {
    case QS_TAX_OK:
        return "ok";
    case QS_TAX_BAD_SELLER_COUNTRY:
        return "the seller's country is not an ISO 3166-1 alpha-2 code";
    case QS_TAX_BAD_CUSTOMER_COUNTRY:
        return "the customer's country is not an ISO 3166-1 alpha-2 code";
    case QS_TAX_NO_SELLER_COUNTRY:
        return "the seller's address has no country, so the tax treatment cannot be "
               "inferred; add <country> or <customer tax-treatment>";
    case QS_TAX_INTRA_EU_WITHOUT_VAT_ID:
        return "'intra-eu' tax treatment needs the customer's vat-id";
    }
    return "unknown tax status";
}

/* "The line's rate" of SPEC 2.3's table. */
static qs_tax_line own_rate(qs_tax_category rate_category, qs_decimal rate_percent)
{
    if (rate_category == QS_TAX_E)
        return (qs_tax_line){QS_TAX_E, 0, QS_VATEX_NONE};
    return (qs_tax_line){rate_percent == 0 ? QS_TAX_Z : QS_TAX_S, rate_percent, QS_VATEX_NONE};
}

qs_tax_line qs_tax_treat_line(const qs_tax_context *ctx, qs_supply supply,
                              qs_tax_category rate_category, qs_decimal rate_percent)
{
    bool goods = supply == QS_SUPPLY_GOODS;
    switch (ctx->treatment) {
    case QS_TREATMENT_INTRA_EU:
        if (!ctx->business)
            break;
        return goods ? (qs_tax_line){QS_TAX_K, 0, QS_VATEX_EU_IC}
                     : (qs_tax_line){QS_TAX_AE, 0, QS_VATEX_EU_AE};
    case QS_TREATMENT_EXPORT:
        if (goods)
            return (qs_tax_line){QS_TAX_G, 0, QS_VATEX_EU_G};
        if (ctx->business)
            return (qs_tax_line){QS_TAX_O, 0, QS_VATEX_EU_O};
        break;
    case QS_TREATMENT_INFER:
    case QS_TREATMENT_DOMESTIC:
        break;
    }
    return own_rate(rate_category, rate_percent);
}

/* ---- names, codes and notes ---- */

static const char *const category_codes[] = {
    [QS_TAX_S] = "S", [QS_TAX_Z] = "Z", [QS_TAX_E] = "E",  [QS_TAX_K] = "K",
    [QS_TAX_AE] = "AE", [QS_TAX_G] = "G", [QS_TAX_O] = "O",
};

/* Index of text in names[0..n), or -1. */
static int name_index(const char *text, const char *const *names, size_t n)
{
    for (size_t i = 0; text && i < n; i++)
        if (names[i] && strcmp(text, names[i]) == 0)
            return (int)i;
    return -1;
}

bool qs_supply_parse(const char *text, qs_supply *out)
{
    static const char *const names[] = {[QS_SUPPLY_GOODS] = "goods",
                                        [QS_SUPPLY_SERVICES] = "services"};
    int i = name_index(text, names, COUNT(names));
    if (i < 0)
        return false;
    *out = (qs_supply)i;
    return true;
}

bool qs_tax_treatment_parse(const char *text, qs_tax_treatment *out)
{
    static const char *const names[] = {[QS_TREATMENT_DOMESTIC] = "domestic",
                                        [QS_TREATMENT_INTRA_EU] = "intra-eu",
                                        [QS_TREATMENT_EXPORT] = "export"};
    int i = name_index(text, names, COUNT(names));
    if (i < 0)
        return false;
    *out = (qs_tax_treatment)i;
    return true;
}

bool qs_tax_category_parse(const char *text, qs_tax_category *out)
{
    int i = name_index(text, category_codes, COUNT(category_codes));
    if (i < 0)
        return false;
    *out = (qs_tax_category)i;
    return true;
}

const char *qs_tax_category_code(qs_tax_category c)
{
    return (size_t)c < COUNT(category_codes) ? category_codes[c] : "S";
}

/* Code and English text of the CEF VATEX code list. */
static const struct {
    const char *code, *text;
} vatex[] = {
    [QS_VATEX_NONE] = {NULL, NULL},
    [QS_VATEX_EU_IC] = {"VATEX-EU-IC", "Intra-Community supply"},
    [QS_VATEX_EU_AE] = {"VATEX-EU-AE", "Reverse charge"},
    [QS_VATEX_EU_G] = {"VATEX-EU-G", "Export outside the EU"},
    [QS_VATEX_EU_O] = {"VATEX-EU-O", "Not subject to VAT"},
};

const char *qs_vatex_code(qs_vatex v)
{
    return (size_t)v < COUNT(vatex) ? vatex[v].code : NULL;
}

const char *qs_vatex_text(qs_vatex v)
{
    return (size_t)v < COUNT(vatex) ? vatex[v].text : NULL;
}

/* The notes of the 0 % categories, in German (after the UStG's own terms:
 * § 4 Nr. 1 b with § 6a, § 13b / § 14a Abs. 1 "Steuerschuldnerschaft des
 * Leistungsempfängers", § 4 Nr. 1 a with § 6, § 3a Abs. 2) and English
 * (after Directive 2006/112/EC art. 138, 196 with 226 (11a), 146, 44). */
static const struct {
    qs_tax_category category;
    const char *de, *en;
} notes[] = {
    {QS_TAX_K,
     "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b i. V. m. § 6a UStG)",
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

const char *qs_tax_note(qs_tax_category c, qs_lang lang, const char *exemption_reason)
{
    if (c == QS_TAX_E)
        return exemption_reason;
    for (size_t i = 0; i < COUNT(notes); i++)
        if (notes[i].category == c)
            return lang == QS_LANG_DE ? notes[i].de : notes[i].en;
    return NULL;
}

/* ---- arithmetic ---- */

static bool valid_percent(qs_decimal p)
{
    return p >= 0 && p <= PERCENT_100;
}

/* round(value x percent / 100) to `places` digits, where value is a count of
 * 10^-value_digits units and percent a qs_decimal: the one rounding of every
 * allowance and every tax amount. */
static bool percent_of(qs_wide value, int value_digits, qs_decimal percent, int places,
                       qs_decimal *out)
{
    qs_wide num;
    return qs_wide_mul(value, percent, &num) &&
           qs_decimal_from_ratio(num, qs_wide_pow10(value_digits + QS_DECIMAL_DIGITS + 2),
                                 places, out);
}

bool qs_tax_price_line(qs_wide exact_amount, qs_decimal discount_percent, int minor_digits,
                       qs_line_figures *out)
{
    if (!valid_percent(discount_percent))
        return false;
    /* The allowance is taken of the rounded amount, the base that the UBL
     * copy can show (EN 16931: BT-136 = BT-137 x BT-138 / 100). */
    qs_line_figures f;
    bool ok = qs_decimal_from_ratio(exact_amount, qs_wide_pow10(2 * QS_DECIMAL_DIGITS),
                                    minor_digits, &f.amount) &&
              percent_of(f.amount, QS_DECIMAL_DIGITS, discount_percent, minor_digits,
                         &f.allowance) &&
              qs_decimal_sub(f.amount, f.allowance, &f.net);
    if (ok)
        *out = f;
    return ok;
}

bool qs_tax_price_groups(qs_tax_group *groups, size_t ngroups, qs_decimal discount_percent,
                         int minor_digits, qs_tax_totals *totals)
{
    if (!valid_percent(discount_percent))
        return false;
    qs_tax_totals t = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < ngroups; i++) {
        qs_tax_group *g = &groups[i];
        bool ok = valid_percent(g->percent) &&
                  percent_of(g->net, QS_DECIMAL_DIGITS, discount_percent, minor_digits,
                             &g->allowance) &&
                  qs_decimal_sub(g->net, g->allowance, &g->base) &&
                  percent_of(g->base, QS_DECIMAL_DIGITS, g->percent, minor_digits,
                             &g->amount) &&
                  qs_decimal_add(t.net, g->net, &t.net) &&
                  qs_decimal_add(t.discount, g->allowance, &t.discount) &&
                  qs_decimal_add(t.taxable, g->base, &t.taxable) &&
                  qs_decimal_add(t.tax, g->amount, &t.tax);
        if (!ok)
            return false;
    }
    if (!qs_decimal_add(t.taxable, t.tax, &t.gross))
        return false;
    *totals = t;
    return true;
}
