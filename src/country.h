/* country: the ISO 3166-1 alpha-2 country codes and their short names in
 * the document's language (src/iso3166.h, generated from Debian's
 * iso-codes by scripts/iso3166.py).
 *
 * Pure: no I/O, no allocation. A returned string is a static constant
 * (UTF-8) or the caller's own pointer passed through; nothing needs
 * freeing. */
#ifndef QS_COUNTRY_H
#define QS_COUNTRY_H

#include <stdbool.h>

#include "format.h"

/* True when code is one of the officially assigned ISO 3166-1 alpha-2 codes
 * ("DE", "CH", "GR"; not "EL", "UK", "XK", "de"). NULL gives false. */
bool qs_country_is_assigned(const char *code);

/* The short name of country `code` in `lang` ("Schweiz", "Switzerland";
 * "Vereinigtes Königreich", "United Kingdom"), in capitals when `upper`
 * ("SCHWEIZ", "ÖSTERREICH"), as DIN 5008 writes the last line of a foreign
 * address. A code that is not assigned (qs_country_is_assigned) comes back
 * as it is; NULL gives "". */
const char *qs_country_get_name(const char *code, qs_lang lang, bool upper);

#endif
