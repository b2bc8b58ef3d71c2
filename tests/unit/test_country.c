/* Unit tests for src/country.c: which codes are assigned, and their names
 * in German and English, as written and in capitals, for every code from
 * AA to ZZ. */
#include "check.h"
#include "country.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_assigned(void)
{
    static const char *const assigned[] = {"DE", "AT", "GR", "CH", "US", "JP", "GB",
                                           "NO", "AD", "ZW", "AX", "BQ"};
    for (size_t i = 0; i < COUNT(assigned); i++)
        CHECK(qs_country_is_assigned(assigned[i]), "%s is an assigned ISO 3166-1 code",
              assigned[i]);
    static const char *const unassigned[] = {"EL", "UK", "XK", "XI", "EU", "AA", "ZZ",
                                             "de", "De", "D",  "DEU", "",  " D", "D1"};
    for (size_t i = 0; i < COUNT(unassigned); i++)
        CHECK(!qs_country_is_assigned(unassigned[i]), "'%s' is not assigned", unassigned[i]);
    CHECK(!qs_country_is_assigned(NULL), "NULL is not assigned");
}

/* The names postal addresses need (docs/templates.md, country-name). */
static void test_names(void)
{
    static const struct {
        const char *code, *de, *en, *de_upper, *en_upper;
    } want[] = {
        {"CH", "Schweiz", "Switzerland", "SCHWEIZ", "SWITZERLAND"},
        {"NL", "Niederlande", "Netherlands", "NIEDERLANDE", "NETHERLANDS"},
        {"AT", "Österreich", "Austria", "ÖSTERREICH", "AUSTRIA"},
        {"GB", "Vereinigtes Königreich", "United Kingdom", "VEREINIGTES KÖNIGREICH",
         "UNITED KINGDOM"},
        {"US", "Vereinigte Staaten", "United States", "VEREINIGTE STAATEN", "UNITED STATES"},
        {"DE", "Deutschland", "Germany", "DEUTSCHLAND", "GERMANY"},
        /* iso-codes' common name, not its formal one. */
        {"KR", "Südkorea", "South Korea", "SÜDKOREA", "SOUTH KOREA"},
        {"BO", "Bolivien", "Bolivia", "BOLIVIEN", "BOLIVIA"},
        /* Not inverted for sorting (scripts/iso3166.py, OVERRIDES). */
        {"FM", "Mikronesien", "Micronesia", "MIKRONESIEN", "MICRONESIA"},
        {"CD", "Demokratische Republik Kongo", "Democratic Republic of the Congo",
         "DEMOKRATISCHE REPUBLIK KONGO", "DEMOCRATIC REPUBLIC OF THE CONGO"},
        /* Letters beyond ASCII in capitals, apostrophes kept. */
        {"CI", "Côte d'Ivoire", "Côte d'Ivoire", "CÔTE D'IVOIRE", "CÔTE D'IVOIRE"},
        {"AX", "Åland-Inseln", "Åland Islands", "ÅLAND-INSELN", "ÅLAND ISLANDS"},
        {"CW", "Curaçao", "Curaçao", "CURAÇAO", "CURAÇAO"},
        {"ST", "São Tomé und Príncipe", "Sao Tome and Principe", "SÃO TOMÉ UND PRÍNCIPE",
         "SAO TOME AND PRINCIPE"},
        /* The first and the last code of the table. */
        {"AD", "Andorra", "Andorra", "ANDORRA", "ANDORRA"},
        {"ZW", "Simbabwe", "Zimbabwe", "SIMBABWE", "ZIMBABWE"},
    };
    for (size_t i = 0; i < COUNT(want); i++) {
        const char *c = want[i].code;
        CHECK_STR(qs_country_get_name(c, QS_LANG_DE, false), want[i].de, "%s in German", c);
        CHECK_STR(qs_country_get_name(c, QS_LANG_EN, false), want[i].en, "%s in English", c);
        CHECK_STR(qs_country_get_name(c, QS_LANG_DE, true), want[i].de_upper,
                  "%s in German capitals", c);
        CHECK_STR(qs_country_get_name(c, QS_LANG_EN, true), want[i].en_upper,
                  "%s in English capitals", c);
    }
}

/* A code without a name comes back as it is, the very pointer, in either
 * case: "XK" (Kosovo, not assigned), "ch" (lower case), "CHE" (alpha-3). */
static void test_unknown(void)
{
    static const char *const codes[] = {"XK", "UK", "EL", "ch", "CHE", "C", "", "Schweiz"};
    for (size_t i = 0; i < COUNT(codes); i++)
        for (int upper = 0; upper < 2; upper++)
            CHECK(qs_country_get_name(codes[i], QS_LANG_DE, upper) == codes[i] &&
                      qs_country_get_name(codes[i], QS_LANG_EN, upper) == codes[i],
                  "'%s' (%s) comes back as it is", codes[i], upper ? "upper" : "as written");
    CHECK_STR(qs_country_get_name(NULL, QS_LANG_DE, true), "", "NULL gives \"\"");
}

/* Every code from AA to ZZ: an assigned one has a name in both languages
 * that differs from the code, and its capitals are the name with each
 * small letter raised, ASCII or Latin-1 (U+00E0..U+00FE but U+00F7, to
 * U+00C0..U+00DE), and nothing else changed. The generator keeps every
 * name and its capitals within Latin-1, so no "ß" (to "SS") or "ÿ" (to
 * U+0178) can pass. An unassigned code gives itself. */
static bool is_capitals_of(const char *upper, const char *name)
{
    if (strlen(upper) != strlen(name))
        return false;
    for (size_t i = 0; name[i]; i++) {
        unsigned char n = (unsigned char)name[i], u = (unsigned char)upper[i];
        if (n >= 'a' && n <= 'z' ? u != n - 32 : u >= 'a' && u <= 'z')
            return false;
        bool latin1_small = i > 0 && (unsigned char)name[i - 1] == 0xC3 && n >= 0xA0 &&
                            n <= 0xBE && n != 0xB7;
        if (latin1_small ? u != n - 0x20 : n >= 0x80 && u != n)
            return false;
    }
    return true;
}

static void test_every_code(void)
{
    size_t assigned = 0, bad = 0;
    for (char a = 'A'; a <= 'Z'; a++) {
        for (char b = 'A'; b <= 'Z'; b++) {
            const char code[3] = {a, b, '\0'};
            bool is = qs_country_is_assigned(code);
            assigned += is;
            for (int l = 0; l < 2; l++) {
                qs_lang lang = l ? QS_LANG_EN : QS_LANG_DE;
                const char *name = qs_country_get_name(code, lang, false);
                const char *upper = qs_country_get_name(code, lang, true);
                bool ok = is ? strcmp(name, code) != 0 && is_capitals_of(upper, name)
                             : name == code && upper == code;
                if (!ok) {
                    bad++;
                    printf("     %s (%s): '%s' / '%s'\n", code, l ? "en" : "de", name, upper);
                }
            }
        }
    }
    CHECK(assigned == 249, "249 codes of AA..ZZ are assigned (%zu)", assigned);
    CHECK(bad == 0, "every assigned code has both names and their capitals (%zu bad)", bad);
}

int main(void)
{
    test_assigned();
    test_names();
    test_unknown();
    test_every_code();
    return check_failures == 0 ? 0 : 1;
}
