/* country: owns the table of ISO 3166-1 alpha-2 codes and their names
 * (src/iso3166.h) and its lookups. */
#include "country.h"

#include <stdlib.h>
#include <string.h>

#include "iso3166.h"

static int compare_code(const void *key, const void *entry)
{
    return strcmp(key, ((const struct iso3166_country *)entry)->code);
}

/* The table's row of `code`, or NULL. Only two-letter strings can be codes;
 * this also keeps bsearch's strcmp within the key. */
static const struct iso3166_country *find(const char *code)
{
    if (code == NULL || code[0] == '\0' || code[1] == '\0' || code[2] != '\0')
        return NULL;
    return bsearch(code, iso3166, sizeof iso3166 / sizeof iso3166[0], sizeof iso3166[0],
                   compare_code);
}

bool qs_country_is_assigned(const char *code)
{
    return find(code) != NULL;
}

const char *qs_country_get_name(const char *code, qs_lang lang, bool upper)
{
    const struct iso3166_country *c = find(code);
    if (!c)
        return code ? code : "";
    if (lang == QS_LANG_DE)
        return upper ? c->de_upper : c->de;
    return upper ? c->en_upper : c->en;
}
