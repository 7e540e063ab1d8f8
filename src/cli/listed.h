/* listed.h - the listed-entity filters of tag, show and cooccur:
 * --listed-only, --program LIST and --list-source LIST (issue 16). A span
 * passes when its entity is on a sanctions list and one of the list records
 * behind it (sanctions.records: a curated entity linked to several carries
 * them all) is on one of the --list-source lists and under one of the
 * --program programmes. A programme name matches itself and its numbered or
 * dashed variants, in any case: DPRK matches DPRK, DPRK2, DPRK3 and
 * DPRK-NKSPEA; IRAN matches UN's Iran and OFAC's IRAN-TRA, not IRGC.
 * --program and --list-source imply --listed-only. */
#ifndef SANCTAG_CLI_LISTED_H
#define SANCTAG_CLI_LISTED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sanctag.h"

#define CLI_LISTED_MAX 32

typedef struct cli_listed {
    int on; /* 1: keep only listed spans (any of the three options) */
    char prog[CLI_LISTED_MAX][64];
    size_t nprog;
    char src[CLI_LISTED_MAX][64];
    size_t nsrc;
    char desc[600]; /* "listed", "listed;program=A,B;list-source=C" or "" */
} cli_listed;

/* The options' lines for a command's --help (one string for all three). */
extern const char cli_listed_help[];

/* Takes one option: 'L' --listed-only, 'p' --program LIST, 's' --list-source
 * LIST. Returns EXIT_OK_ or the status of a usage error naming `cmd`. */
int cli_listed_option(cli_listed *f, const char *cmd, int which, const char *arg);

/* Warns about a --program or --list-source value that no entity of gz
 * carries (a typo would otherwise silently keep nothing). */
void cli_listed_check(const cli_listed *f, const sanctag_gazetteer *gz);

/* 1 when entity `idx` of gz passes (always when the filter is off). */
int cli_listed_entity(const cli_listed *f, const sanctag_gazetteer *gz, uint32_t idx);

/* The same for a span of tagged JSON: its "sanctions" object (NULL: none),
 * with "records" or, in output written before them, source and programs. */
int cli_listed_sanctions(const cli_listed *f, json_t *sanctions);

#endif
