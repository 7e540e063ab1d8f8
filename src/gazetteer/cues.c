/* cues.c - the cue words of context name recognition (issue 17) in the
 * gazetteer: `gaz build` reads a reviewable TSV source of them (header
 * "word<TAB>role", gazetteers/cues.tsv) into table `cue`, and opening a
 * gazetteer loads them, with the lexicon's common words and given names
 * (lexicon.h), into the core's cue set (core/namecues.h). The table is
 * created on first use, so gazetteers built before it simply have none. */
#include "gazetteer/gazetteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/namecues.h"
#include "gazetteer/sources.h"

static const char cue_table[] =
    "CREATE TABLE IF NOT EXISTS cue (\n"
    "  word TEXT NOT NULL,             -- as reviewed: 'Presiden', 'PT'\n"
    "  norm TEXT NOT NULL,             -- sanctag_normalize(word), one token\n"
    "  role TEXT NOT NULL,             -- person-title, person-before-verb, org-head, ...\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  PRIMARY KEY (norm, role)\n"
    ")";

int sanctagp_is_cue_source(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while (p < end && *p == '#') { /* comment lines */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    return (size_t)(end - p) >= 10 && memcmp(p, "word\trole", 9) == 0 &&
           (p[9] == '\t' || p[9] == '\n' || p[9] == '\r');
}

/* One "word<TAB>role[<TAB>...]" line into the table. */
static int cue_line(sqlite3_stmt *ins, const char *path, long line, char *s, sanctag_error *err)
{
    char *tab = strchr(s, '\t');
    if (!tab || tab == s)
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 1, -1,
                                  "%s:%ld: expected 'word<TAB>role'", path, line);
    *tab = 0;
    char *role = tab + 1, *rest = strchr(role, '\t');
    if (rest)
        *rest = 0;
    if (!sanctagp_cue_role(role) || strcmp(role, "person-given") == 0 ||
        strcmp(role, "common") == 0 || strcmp(role, "person-first") == 0)
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, (long)(role - s) + 1, -1,
                                  "%s:%ld: unknown role '%s' (expected person-title, "
                                  "person-before-verb, person-before-prep, person-after-verb, org-head, org-tail, stop, org-connector, "
                                  "person-connector, office or nonperson-before; common words, given names "
                                  "and first names come from the lexicon)",
                                  path, line, role);
    char *norm = sanctag_normalize(s, strlen(s));
    if (!norm)
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, line, 0, -1, "out of memory");
    int rc = 0;
    if (!*norm || strchr(norm, ' '))
        rc = sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 1, -1,
                                "%s:%ld: a cue is one word, not '%s'", path, line, s);
    sqlite3_bind_text(ins, 1, s, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, norm, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, role, -1, SQLITE_STATIC);
    if (!rc && sqlite3_step(ins) != SQLITE_DONE)
        rc = sanctagp_error_set(err, SANCTAG_E_DB, path, line, 0, -1, "%s:%ld: %s", path, line,
                                sqlite3_errmsg(sqlite3_db_handle(ins)));
    sqlite3_reset(ins);
    free(norm);
    return rc;
}

int sanctagp_cue_source(sqlite3 *db, const char *db_path, const char *path, const char *name,
                        const char *version, char *buf, size_t len, sanctag_error *err)
{
    sanctagp_writer *w = NULL;
    sqlite3_stmt *ins = NULL;
    int rc = sanctagp_db_exec(db, db_path, cue_table, err);
    rc = rc ? rc : sanctagp_writer_new(db, db_path, name, "cues", path, version, &w, err);
    if (!rc && sqlite3_prepare_v2(db,
                                  "INSERT OR IGNORE INTO cue (word, norm, role, source_id) "
                                  "VALUES (?, ?, ?, ?)",
                                  -1, &ins, NULL) != SQLITE_OK)
        rc = sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: %s", db_path,
                                sqlite3_errmsg(db));
    if (!rc)
        sqlite3_bind_int64(ins, 4, sanctagp_writer_source_id(w));
    char *p = buf, *end = buf + len, *s;
    size_t n;
    long line = 0;
    int header = 1;
    while (!rc && (s = sanctagp_src_line(&p, end, 1, &n))) {
        line++;
        if (n == 0 || *s == '#')
            continue;
        if (header) { /* "word<TAB>role...": checked by sanctagp_is_cue_source() */
            header = 0;
            continue;
        }
        rc = cue_line(ins, path, line, s, err);
    }
    sqlite3_finalize(ins);
    sanctagp_writer_free(w);
    return rc;
}

/* Adds the rows of `sql` (word, role name) to c; a missing table adds none. */
static int cues_from(sqlite3 *db, const char *sql, sanctagp_cues *c)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0; /* a gazetteer made before the table */
    int rc = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *norm = (const char *)sqlite3_column_text(st, 0);
        const char *role = (const char *)sqlite3_column_text(st, 1);
        if (norm && role)
            rc = sanctagp_cues_add(c, norm, strlen(norm), sanctagp_cue_role(role));
    }
    sqlite3_finalize(st);
    return rc;
}

/* The lexicon's words of one class, as `roles`. They are thousands and
 * read on every open: one row of all of them, joined by newlines, costs
 * SQLite a fraction of a row each (a third of the cue words' share of an
 * open of the default gazetteer). */
static int lexicon_class(sqlite3 *db, const char *cls, unsigned roles, sanctagp_cues *c)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT group_concat(word, char(10)) FROM lexicon WHERE class = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0; /* a gazetteer made before the table */
    sqlite3_bind_text(st, 1, cls, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        const char *end = w ? w + sqlite3_column_bytes(st, 0) : NULL;
        while (w && w < end && !rc) {
            const char *nl = memchr(w, '\n', (size_t)(end - w));
            size_t n = nl ? (size_t)(nl - w) : (size_t)(end - w);
            if (n)
                rc = sanctagp_cues_add(c, w, n, roles);
            w += n + 1;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int sanctagp_cues_read(sqlite3 *db, sanctagp_cues **ret)
{
    *ret = NULL;
    sanctagp_cues *c = sanctagp_cues_new();
    if (!c)
        return SANCTAG_E_NOMEM;
    /* the cue words, and the lexicon's common words and given names (issue 16),
     * in a table made big enough for them all at once */
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM cue) + "
                           "(SELECT count(*) FROM lexicon WHERE class IN ('common', 'given', 'first'))",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
        rc = sanctagp_cues_reserve(c, (size_t)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    if (!rc)
        rc = cues_from(db, "SELECT norm, role FROM cue ORDER BY norm, role", c);
    if (!rc && sanctagp_cues_count(c))
        rc = lexicon_class(db, "common", CUE_COMMON, c);
    if (!rc && sanctagp_cues_count(c))
        rc = lexicon_class(db, "given", CUE_PERSON_GIVEN, c);
    if (!rc && sanctagp_cues_count(c))
        rc = lexicon_class(db, "first", CUE_PERSON_FIRST, c);
    if (rc || !sanctagp_cues_count(c)) {
        sanctagp_cues_free(c);
        return rc;
    }
    *ret = c;
    return 0;
}
