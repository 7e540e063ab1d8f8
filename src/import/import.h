/* import.h - private: sanctions-list importers. Each reads one list format
 * (UN Security Council consolidated XML, OFAC SDN CSV, OpenSanctions
 * FollowTheMoney JSON lines, plain TSV/JSONL) into entities with their
 * sanctions fields and matchable aliases, and writes them through the
 * gazetteer writer as one source, replacing what that source held before, in
 * one transaction; the result is a diff of what changed on the list. */
#ifndef SANCTAG_IMPORT_H
#define SANCTAG_IMPORT_H

#include <jansson.h>
#include <sqlite3.h>

#include "sanctag.h"

/* Input formats of `sanctag gaz import --format`. */
enum {
    IMP_UN_XML = 0, /* UN SC consolidated list XML (sc-sanctions.xsd) */
    IMP_OFAC_CSV,   /* OFAC SDN legacy CSV: sdn.csv, alt.csv, optional add.csv */
    IMP_FTM,        /* OpenSanctions FollowTheMoney entities, one JSON object per line */
    IMP_TSV,        /* the gazetteer TSV columns plus sanctions columns */
    IMP_JSONL,      /* the gazetteer JSONL fields plus sanctions fields */
    IMP_LINES,      /* a plain list: one name per line, each its own entity */
    IMP_NFORMATS
};

/* Format from its command-line name ("un-xml", "ofac-csv", "ftm", "tsv",
 * "jsonl"); -1 when unknown. */
int sanctagp_import_format(const char *name);

/* Command-line name of a format ("un-xml", ...). */
const char *sanctagp_import_format_name(int format);

typedef struct sanctagp_import_opts {
    int format;         /* IMP_* */
    const char *source; /* source name; NULL or "": the format's default ("un-sc",
                           "ofac-sdn", "opensanctions"; the first file's base name
                           for tsv/jsonl) */
    int dry_run;        /* compute everything, report the diff, then roll back */
    int counts_only;    /* the report's "added", "removed" and "changed" are the
                           numbers of those entities, not lists of them (for a
                           summary: half a million new entities are half a
                           million JSON objects otherwise) */
    int strict;         /* refuse (roll back, report "refused") when an alias of the
                           list collides with an alias of another entity (policy.h) */
    /* IMP_LINES only: the label of every entity (required), and the case
     * policy and accent handling of every alias (NULL: auto / fold) */
    const char *label, *case_policy, *accents;
} sanctagp_import_opts;

/*
 * Imports `nfiles` files of one list into the open read-write gazetteer `db`
 * (`db_path` names it in messages), as the source o->source.
 *
 * All files are read and checked before the database is touched; then, in one
 * transaction, the source's current entities are snapshotted, deleted, the new
 * ones inserted, the matcher recompiled (sanctagp_db_refresh) and the two
 * snapshots compared. Any error rolls everything back: the database is left
 * exactly as it was.
 *
 * On success returns 0 and stores in *ret_report an owned JSON object
 * (json_decref): {"source", "format", "version", "files", "dry_run",
 * "entities", "aliases", "weak_aliases", "skipped": {reason: count},
 * "added": [{"key","label","name"}], "removed": [...], "changed":
 * [{"key","label","name","changes":[{"field","old","new"}],
 * "aliases_added":[text], "aliases_removed":[text]}], "unchanged": n}; with
 * o->counts_only, "added", "removed" and "changed" are numbers. "policy"
 * says what the name policy did (import/policy.h: rules with the aliases
 * each made weak or dropped, the collisions). With o->strict and any
 * collision nothing is written and the report is only {"source", "format",
 * "version", "files", "dry_run", "refused": true, "policy"}.
 * On failure returns a negative SANCTAG_E* code, *ret_report untouched, and
 * describes the first problem in `err` with its file and line (XML line, CSV
 * line of the record, JSON line).
 */
int sanctagp_import(sqlite3 *db, const char *db_path, const sanctagp_import_opts *o,
                    const char *const *files, size_t nfiles, json_t **ret_report,
                    sanctag_error *err);

#endif
