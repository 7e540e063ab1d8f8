/* countries.h - private: ICU country names, the one place that enumerates
 * them (countries.c). */
#ifndef SANCTAG_GAZETTEER_COUNTRIES_H
#define SANCTAG_GAZETTEER_COUNTRIES_H

#include <sqlite3.h>

#include "sanctag.h"

/* ISO 3166-1 alpha-2 code of a country as sanctions lists name it ("Democratic
 * People's Republic of Korea", "Korea, North", "Iran (Islamic Republic of)",
 * "St. Kitts & Nevis", or a code "KP"): writes it to out[0..2] and returns 1,
 * or returns 0 when the name is not recognised ("na", "former Soviet Union").
 * Names come from ICU's English display names plus a table of list spellings. */
int sanctagp_country_code(const char *name, char out[3]);

/* Adds the built-in source "icu:countries" (every ISO 3166-1 country, English
 * and Indonesian display names from ICU locale data) inside the caller's
 * transaction. */
int sanctagp_source_icu_countries(sqlite3 *db, const char *db_path, sanctag_error *err);

#endif
