/* build.c - gazetteer sources: the writer of one source's rows into the
 * SQLite store, with checks that name the file, line and column of every
 * problem, and `gaz build`'s sources: reviewable TSV and JSONL files (read by
 * sources.c) and the built-in ICU country names (countries.c). */
#include "gazetteer/gazetteer.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <jansson.h>

#include "gazetteer/countries.h"
#include "gazetteer/lexicon.h"
#include "gazetteer/links.h"
#include "gazetteer/sources.h"
#include "util/hash.h"

struct sanctagp_writer {
    sqlite3 *db;
    const char *db_path;
    sqlite3_int64 source_id;
    char *source_name;
    sqlite3_stmt *sel_entity, *ins_entity, *upd_entity, *ren_entity, *ins_alias, *add_alias;
    sanctagp_tokens tk;
    char *norm;
    size_t norm_cap;
    int exclusive; /* keys of other sources are refused (imported lists) */
};

void sanctagp_writer_exclusive(sanctagp_writer *w)
{
    w->exclusive = 1;
}

static int prep(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **st,
                sanctag_error *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: %s", path,
                                  sqlite3_errmsg(db));
    return 0;
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sanctagp_writer_new(sqlite3 *db, const char *db_path, const char *source_name,
                        const char *format, const char *file, const char *version,
                        sanctagp_writer **ret, sanctag_error *err)
{
    sanctagp_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->source_name = strdup(source_name))) {
        free(w);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, file, 0, 0, -1, "out of memory");
    }
    w->db = db;
    w->db_path = db_path;
    sqlite3_stmt *st = NULL;
    int rc = prep(db, db_path,
                  "INSERT INTO source (name, format, path, version, imported_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  &st, err);
    if (rc)
        goto fail;
    char now[32];
    now_iso(now);
    sqlite3_bind_text(st, 1, source_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = sanctagp_error_set(err, SANCTAG_E_INVALID, file, 0, 0, -1,
                                    "%s: a source named '%s' is already in %s (source names come "
                                    "from file names and must be unique)",
                                    file, source_name, db_path);
        else
            rc = sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: %s", db_path,
                                    sqlite3_errmsg(db));
        goto fail;
    }
    w->source_id = sqlite3_last_insert_rowid(db);
    if ((rc = prep(db, db_path,
                   "SELECT id, label, name, country, valid_from, valid_to, attrs, source_id "
                   "FROM entity WHERE key = ?",
                   &w->sel_entity, err)) ||
        (rc = prep(db, db_path,
                   "INSERT INTO entity (key, label, name, country, valid_from, valid_to, attrs, "
                   "source_id, origin, listed, programs, list_source, list_ref, listed_on) "
                   /* empty optional fields are bound as NULL (opt()) */
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                   &w->ins_entity, err)) ||
        (rc = prep(db, db_path,
                   "UPDATE entity SET country = COALESCE(country, NULLIF(?2, '')), "
                   "valid_from = COALESCE(valid_from, NULLIF(?3, '')), "
                   "valid_to = COALESCE(valid_to, NULLIF(?4, '')), "
                   "attrs = COALESCE(attrs, NULLIF(?5, '')), listed = max(listed, ?6), "
                   "programs = COALESCE(programs, NULLIF(?7, '')), "
                   "list_source = COALESCE(list_source, NULLIF(?8, '')), "
                   "list_ref = COALESCE(list_ref, NULLIF(?9, '')), "
                   "listed_on = COALESCE(listed_on, NULLIF(?10, '')) WHERE id = ?1",
                   &w->upd_entity, err)) ||
        (rc = prep(db, db_path, "UPDATE entity SET name = ?2 WHERE id = ?1", &w->ren_entity,
                   err)) ||
        (rc = prep(db, db_path,
                   /* a later source may refine an alias an earlier one gave (its case
                    * policy, kind or language): the row is updated, not duplicated */
                   "INSERT INTO alias (entity_id, text, norm, lang, kind, case_policy, accents, "
                   "source_id, origin) VALUES (?1, ?2, ?3, NULLIF(?4, ''), COALESCE(NULLIF(?5, ''), "
                   "'name'), COALESCE(NULLIF(?6, ''), 'auto'), COALESCE(NULLIF(?7, ''), 'fold'), "
                   "?8, NULLIF(?9, '')) "
                   "ON CONFLICT (entity_id, text) DO UPDATE SET "
                   "lang = COALESCE(NULLIF(?4, ''), lang), kind = COALESCE(NULLIF(?5, ''), kind), "
                   "case_policy = COALESCE(NULLIF(?6, ''), case_policy), "
                   "accents = COALESCE(NULLIF(?7, ''), accents), source_id = ?8, "
                   "origin = COALESCE(NULLIF(?9, ''), origin)",
                   &w->ins_alias, err)) ||
        (rc = prep(db, db_path,
                   /* the common case, an alias the entity does not have yet. Only
                    * on a conflict is the upsert above run: its DO UPDATE may set
                    * source_id, a foreign key, which makes SQLite open a statement
                    * journal for every execution, inserts included */
                   "INSERT INTO alias (entity_id, text, norm, lang, kind, case_policy, accents, "
                   "source_id, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                   "ON CONFLICT (entity_id, text) DO NOTHING",
                   &w->add_alias, err)))
        goto fail;
    *ret = w;
    return 0;
fail:
    sanctagp_writer_free(w);
    return rc;
}

void sanctagp_writer_free(sanctagp_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->sel_entity);
    sqlite3_finalize(w->ins_entity);
    sqlite3_finalize(w->upd_entity);
    sqlite3_finalize(w->ren_entity);
    sqlite3_finalize(w->ins_alias);
    sqlite3_finalize(w->add_alias);
    sanctagp_tokens_release(&w->tk);
    free(w->norm);
    free(w->source_name);
    free(w);
}

sqlite3_int64 sanctagp_writer_source_id(const sanctagp_writer *w)
{
    return w->source_id;
}

int sanctagp_writer_finish(sanctagp_writer *w, sanctag_error *err)
{
    (void)w;
    (void)err;
    return 0;
}

static int empty(const char *s)
{
    return !s || !*s;
}

static int valid_key(const char *s)
{
    const char *c = strchr(s, ':');
    if (!c || c == s || !c[1])
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (isspace(*p) || *p < 0x20)
            return 0;
    return 1;
}

static int valid_label(const char *s)
{
    if (!isupper((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!isupper((unsigned char)*s) && *s != '_' && !isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int valid_country(const char *s)
{
    return strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
}

static int valid_lang(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int valid_date(const char *s)
{
    /* YYYY, YYYY-MM or YYYY-MM-DD */
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

#define BAD(col, ...) \
    sanctagp_error_set(err, SANCTAG_E_FORMAT, where, line, 0, -1, __VA_ARGS__)

/* Binds an optional text: NULL when empty, as NULLIF(?, '') would give, without
 * a function call per column per row. */
static void opt(sqlite3_stmt *st, int i, const char *s)
{
    if (empty(s))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Binds s, or `dflt` when s is empty (COALESCE(NULLIF(?, ''), dflt)). */
static void or_default(sqlite3_stmt *st, int i, const char *s, const char *dflt)
{
    sqlite3_bind_text(st, i, empty(s) ? dflt : s, -1, SQLITE_STATIC);
}

/* Inserts the entity of row `r` unless its key exists. Returns an SQLite
 * code; *ret_id is the new entity's id, 0 when the key was there already. */
static int insert_entity(sanctagp_writer *w, const sanctagp_row *r, sqlite3_int64 *ret_id)
{
    sqlite3_stmt *in = w->ins_entity;
    sqlite3_reset(in);
    sqlite3_bind_text(in, 1, r->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(in, 2, r->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(in, 3, empty(r->name) ? r->alias : r->name, -1, SQLITE_STATIC);
    opt(in, 4, r->country);
    opt(in, 5, r->valid_from);
    opt(in, 6, r->valid_to);
    opt(in, 7, r->attrs);
    sqlite3_bind_int64(in, 8, w->source_id);
    opt(in, 9, r->origin);
    sqlite3_bind_int(in, 10, r->listed ? 1 : 0);
    opt(in, 11, r->programs);
    opt(in, 12, r->list_source);
    opt(in, 13, r->list_ref);
    opt(in, 14, r->listed_on);
    *ret_id = 0;
    if (sqlite3_step(in) != SQLITE_DONE)
        return SQLITE_ERROR;
    if (sqlite3_changes(w->db) == 1)
        *ret_id = sqlite3_last_insert_rowid(w->db);
    sqlite3_reset(in);
    return SQLITE_OK;
}

/* The row's fields are well-formed. */
static int check_row(const sanctagp_row *r, const char *where, long line, sanctag_error *err)
{
    if (empty(r->key))
        return BAD(0, "%s:%ld: empty key", where, line);
    if (!valid_key(r->key))
        return BAD(0, "%s:%ld: key '%s' must look like 'kind:name' without spaces", where, line,
                   r->key);
    if (empty(r->alias))
        return BAD(0, "%s:%ld: empty alias for key '%s'", where, line, r->key);
    if (!empty(r->label) && !valid_label(r->label))
        return BAD(0, "%s:%ld: label '%s' must be upper-case letters, digits and '_'", where,
                   line, r->label);
    if (!empty(r->country) && !valid_country(r->country))
        return BAD(0, "%s:%ld: country '%s' is not an ISO 3166-1 alpha-2 code", where, line,
                   r->country);
    if (!empty(r->lang) && !valid_lang(r->lang))
        return BAD(0, "%s:%ld: lang '%s' is not a language code such as 'id' or 'en'", where,
                   line, r->lang);
    if (!empty(r->kind) && sanctagp_kind_from_name(r->kind) < 0)
        return BAD(0,
                   "%s:%ld: kind '%s' unknown (name, abbreviation, official, nickname, "
                   "demonym, weak, suppressor)",
                   where, line, r->kind);
    if (!empty(r->case_policy) && sanctagp_policy_from_name(r->case_policy) == -1)
        return BAD(0, "%s:%ld: case '%s' unknown (auto, fold, cap, exact)", where, line,
                   r->case_policy);
    if (!empty(r->accents) && strcmp(r->accents, "fold") && strcmp(r->accents, "strict"))
        return BAD(0, "%s:%ld: accents '%s' unknown (fold, strict)", where, line, r->accents);
    if (!empty(r->valid_from) && !valid_date(r->valid_from))
        return BAD(0, "%s:%ld: valid_from '%s' is not YYYY[-MM[-DD]]", where, line,
                   r->valid_from);
    if (!empty(r->valid_to) && !valid_date(r->valid_to))
        return BAD(0, "%s:%ld: valid_to '%s' is not YYYY[-MM[-DD]]", where, line, r->valid_to);
    if (!empty(r->attrs)) {
        json_error_t je;
        json_t *j = json_loads(r->attrs, 0, &je);
        int ok = j && json_is_object(j);
        json_decref(j);
        if (!ok)
            return BAD(0, "%s:%ld: attrs must be a JSON object", where, line);
    }
    if (!empty(r->listed_on) && !valid_date(r->listed_on))
        return BAD(0, "%s:%ld: listed_on '%s' is not YYYY[-MM[-DD]]", where, line, r->listed_on);
    if (!empty(r->programs)) {
        json_t *j = json_loads(r->programs, 0, NULL);
        int ok = json_is_array(j);
        for (size_t i = 0; ok && i < json_array_size(j); i++)
            ok = json_is_string(json_array_get(j, i));
        json_decref(j);
        if (!ok)
            return BAD(0, "%s:%ld: programs must be a JSON array of strings", where, line);
    }
    return 0;
}

/* Tokenises the alias into w->tk and writes its normalised form, the one the
 * matcher compares (tokens joined by one space), into w->norm. */
static int alias_norm(sanctagp_writer *w, const sanctagp_row *r, const char *where, long line,
                      sanctag_error *err)
{
    size_t alen = strlen(r->alias);
    if (alen > 1000)
        return BAD(0, "%s:%ld: alias longer than 1000 bytes", where, line);
    if (sanctagp_utf8_check(r->alias, alen, NULL))
        return BAD(0, "%s:%ld: alias is not valid UTF-8", where, line);
    if (sanctagp_tokenize(&w->tk, r->alias, alen))
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, where, line, 0, -1, "out of memory");
    size_t need = 1, words = 0;
    for (size_t i = 0; i < w->tk.n; i++) {
        need += w->tk.v[i].norm_len + 1;
        words += w->tk.v[i].kind == TK_WORD;
    }
    if (!words)
        return BAD(0, "%s:%ld: alias '%s' has no letters or digits", where, line, r->alias);
    if (w->tk.n > 64)
        return BAD(0, "%s:%ld: alias has %zu tokens, at most 64 are matched", where, line,
                   w->tk.n);
    if (need > w->norm_cap) {
        char *nb = realloc(w->norm, need);
        if (!nb)
            return sanctagp_error_set(err, SANCTAG_E_NOMEM, where, line, 0, -1, "out of memory");
        w->norm = nb;
        w->norm_cap = need;
    }
    char *norm = w->norm;
    size_t nw = 0;
    for (size_t i = 0; i < w->tk.n; i++) {
        if (i)
            norm[nw++] = ' ';
        memcpy(norm + nw, w->tk.arena + w->tk.v[i].norm_off, w->tk.v[i].norm_len);
        nw += w->tk.v[i].norm_len;
    }
    norm[nw] = 0;
    return 0;
}

static int db_error(sanctagp_writer *w, const char *where, long line, sanctag_error *err)
{
    return sanctagp_error_set(err, SANCTAG_E_DB, where, line, 0, -1, "%s:%ld: database error: %s",
                              where, line, sqlite3_errmsg(w->db));
}

/* The row's key is an entity already (st, on its row): the row must agree
 * with it; a later source may rename it; its other fields are refined. */
static int update_entity(sanctagp_writer *w, const sanctagp_row *r, sqlite3_stmt *st,
                         sqlite3_int64 eid, const char *where, long line, sanctag_error *err)
{
    /* a later source may rename an entity ("Hong Kong" for ICU's "Hong Kong
     * SAR China"); anything else must agree with what is known */
    int other_source = sqlite3_column_int64(st, 7) != w->source_id;
    if (other_source && w->exclusive) {
        sqlite3_int64 sid = sqlite3_column_int64(st, 7);
        sqlite3_reset(st);
        sqlite3_stmt *q = NULL;
        char owner[256] = "?";
        if (sqlite3_prepare_v2(w->db, "SELECT name FROM source WHERE id = ?", -1, &q, NULL) ==
            SQLITE_OK) {
            sqlite3_bind_int64(q, 1, sid);
            if (sqlite3_step(q) == SQLITE_ROW)
                snprintf(owner, sizeof owner, "%s", (const char *)sqlite3_column_text(q, 0));
        }
        sqlite3_finalize(q);
        return sanctagp_error_set(err, SANCTAG_E_INVALID, where, line, 0, -1,
                                  "%s:%ld: key '%s' already belongs to source '%s' in %s (an "
                                  "imported list owns its entities: use other keys, or "
                                  "re-import that source)",
                                  where, line, r->key, owner, w->db_path);
    }
    int rename = other_source && !empty(r->name) &&
                 strcmp(r->name, (const char *)sqlite3_column_text(st, 2)) != 0;
    static const char *const names[] = {"label", "name", "country", "valid_from",
                                        "valid_to", "attrs"};
    const char *mine[] = {r->label, r->name, r->country, r->valid_from, r->valid_to,
                          r->attrs};
    for (int i = 0; i < 6; i++) {
        if (i == 1 && other_source)
            continue;
        const char *have = (const char *)sqlite3_column_text(st, i + 1);
        if (!empty(mine[i]) && !empty(have) && strcmp(mine[i], have) != 0) {
            int rc = BAD(0, "%s:%ld: key '%s': %s '%s' conflicts with '%s' given earlier",
                         where, line, r->key, names[i], mine[i], have);
            sqlite3_reset(st);
            return rc;
        }
    }
    sqlite3_reset(st);
    if (rename) {
        sqlite3_stmt *rn = w->ren_entity;
        sqlite3_reset(rn);
        sqlite3_bind_int64(rn, 1, eid);
        sqlite3_bind_text(rn, 2, r->name, -1, SQLITE_STATIC);
        if (sqlite3_step(rn) != SQLITE_DONE)
            return db_error(w, where, line, err);
    }
    sqlite3_stmt *u = w->upd_entity;
    sqlite3_reset(u);
    sqlite3_bind_int64(u, 1, eid);
    sqlite3_bind_text(u, 2, r->country ? r->country : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 3, r->valid_from ? r->valid_from : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 4, r->valid_to ? r->valid_to : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 5, r->attrs ? r->attrs : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(u, 6, r->listed ? 1 : 0);
    sqlite3_bind_text(u, 7, r->programs ? r->programs : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 8, r->list_source ? r->list_source : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 9, r->list_ref ? r->list_ref : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 10, r->listed_on ? r->listed_on : "", -1, SQLITE_STATIC);
    if (sqlite3_step(u) != SQLITE_DONE)
        return db_error(w, where, line, err);
    return 0;
}

/* Adds the alias to entity eid: a new alias is inserted; one the entity has
 * already (the same text again, or an earlier source's) is refined by the
 * upsert. */
static int add_alias(sanctagp_writer *w, const sanctagp_row *r, sqlite3_int64 eid,
                     const char *where, long line, sanctag_error *err)
{
    const char *norm = w->norm;
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *a = k ? w->ins_alias : w->add_alias;
        sqlite3_reset(a);
        sqlite3_bind_int64(a, 1, eid);
        sqlite3_bind_text(a, 2, r->alias, -1, SQLITE_STATIC);
        sqlite3_bind_text(a, 3, norm, -1, SQLITE_STATIC);
        sqlite3_bind_int64(a, 8, w->source_id);
        if (!k) {
            /* the defaults the upsert's insert branch would give */
            opt(a, 4, r->lang);
            or_default(a, 5, r->kind, "name");
            or_default(a, 6, r->case_policy, "auto");
            or_default(a, 7, r->accents, "fold");
            opt(a, 9, r->origin);
        } else {
            sqlite3_bind_text(a, 4, r->lang ? r->lang : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(a, 5, r->kind ? r->kind : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(a, 6, r->case_policy ? r->case_policy : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(a, 7, r->accents ? r->accents : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(a, 9, r->origin ? r->origin : "", -1, SQLITE_STATIC);
        }
        if (sqlite3_step(a) != SQLITE_DONE)
            return db_error(w, where, line, err);
        int added = sqlite3_changes(w->db) == 1;
        sqlite3_reset(a);
        if (added || k)
            break;
    }
    return 0;
}

int sanctagp_writer_add(sanctagp_writer *w, const sanctagp_row *r, const char *where, long line,
                        sanctag_error *err)
{
    int rc;
    if ((rc = check_row(r, where, line, err)) || (rc = alias_norm(w, r, where, line, err)))
        return rc;
    /* the entity: create, or check the row agrees with what is known. A
     * new key (the common case of a bulk import) is inserted straight away:
     * one index search instead of a lookup and then an insert */
    sqlite3_int64 eid = 0;
    if (!empty(r->label) && insert_entity(w, r, &eid) != SQLITE_OK)
        return db_error(w, where, line, err);
    if (eid)
        return add_alias(w, r, eid, where, line, err);
    sqlite3_stmt *st = w->sel_entity;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, r->key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        eid = sqlite3_column_int64(st, 0);
        if ((rc = update_entity(w, r, st, eid, where, line, err)))
            return rc;
    } else if (s == SQLITE_DONE) {
        sqlite3_reset(st);
        if (empty(r->label))
            return BAD(0, "%s:%ld: key '%s' first appears without a label", where, line, r->key);
        if (insert_entity(w, r, &eid) != SQLITE_OK || eid == 0)
            return db_error(w, where, line, err);
    } else {
        sqlite3_reset(st);
        return db_error(w, where, line, err);
    }
    return add_alias(w, r, eid, where, line, err);
}

/* ---- file helpers ---------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Source name: the file name without directory and extension. */
static void source_name_of(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", base_name(path));
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

/* The row of a source line: its columns. */
static void row_from_cols(sanctagp_row *r, const char *const v[SRC_NCOLS])
{
    memset(r, 0, sizeof *r);
    r->key = v[SRC_KEY];
    r->label = v[SRC_LABEL];
    r->name = v[SRC_NAME];
    r->country = v[SRC_COUNTRY];
    r->alias = v[SRC_ALIAS];
    r->lang = v[SRC_LANG];
    r->kind = v[SRC_KIND];
    r->case_policy = v[SRC_CASE];
    r->accents = v[SRC_ACCENTS];
    r->valid_from = v[SRC_VALID_FROM];
    r->valid_to = v[SRC_VALID_TO];
    r->origin = v[SRC_SOURCE];
    r->attrs = v[SRC_ATTRS];
}

/* One TSV row: one alias. */
static int tsv_row(void *ctx, const char *path, long line, const char *const v[SRC_NCOLS],
                   json_t *aliases, sanctag_error *err)
{
    (void)aliases;
    if (empty(v[SRC_SOURCE]))
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: empty source column: every row records where it "
                                  "came from",
                                  path, line);
    sanctagp_row r;
    row_from_cols(&r, v);
    return sanctagp_writer_add(ctx, &r, path, line, err);
}

/* One JSONL record: its alias, or each of its "aliases". */
static int jsonl_record(void *ctx, const char *path, long line, const char *const v[SRC_NCOLS],
                        json_t *aliases, sanctag_error *err)
{
    if (empty(v[SRC_SOURCE]))
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: missing 'source': every record records where it "
                                  "came from",
                                  path, line);
    sanctagp_row r;
    if (!aliases) {
        row_from_cols(&r, v);
        return sanctagp_writer_add(ctx, &r, path, line, err);
    }
    size_t i;
    json_t *a;
    json_array_foreach(aliases, i, a)
    {
        const char *va[SRC_NCOLS];
        memcpy(va, v, sizeof va);
        if (sanctagp_src_alias(a, va) < 0)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: aliases[%zu] must be a string or object", path,
                                      line, i);
        row_from_cols(&r, va);
        int rc = sanctagp_writer_add(ctx, &r, path, line, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* A .tsv or .jsonl source file: read with the one source reader, written as
 * the source named after the file, versioned by a hash of its bytes; a TSV
 * whose header starts with `word<TAB>role` holds cue words (cues.c), one whose
 * header starts with `word` or `token` otherwise is a lexicon (lexicon.h). */
static int source_file(sqlite3 *db, const char *db_path, const char *path, int jsonl,
                       sanctag_error *err)
{
    char *buf;
    size_t len;
    int rc = sanctagp_src_load(path, 1, &buf, &len, err);
    if (rc)
        return rc;
    if (!jsonl && sanctagp_links_is_source(buf, len)) {
        rc = sanctagp_links_source(db, db_path, path, buf, len, err);
        free(buf);
        return rc;
    }
    char name[256], ver[32];
    source_name_of(path, name, sizeof name);
    snprintf(ver, sizeof ver, "%016llx",
             (unsigned long long)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, buf, len));
    if (!jsonl && sanctagp_is_cue_source(buf, len)) { /* before lexicons: "word<TAB>role" */
        rc = sanctagp_cue_source(db, db_path, path, name, ver, buf, len, err);
        free(buf);
        return rc;
    }
    if (!jsonl && sanctagp_is_lexicon(buf, len)) {
        rc = sanctagp_lexicon_add(db, db_path, path, name, ver, buf, len, err);
        free(buf);
        return rc;
    }
    sanctagp_writer *w = NULL;
    rc = sanctagp_writer_new(db, db_path, name, jsonl ? "jsonl" : "tsv", path, ver, &w, err);
    if (!rc && jsonl)
        rc = sanctagp_src_jsonl(path, buf, len, SRC_GAZ, jsonl_record, w, err);
    else if (!rc)
        rc = sanctagp_src_tsv(path, buf, len, SRC_GAZ, tsv_row, w, err);
    sanctagp_writer_free(w);
    free(buf);
    return rc;
}

int sanctagp_source_is_links(const char *src)
{
    size_t n = strlen(src);
    if (n <= 4 || strcmp(src + n - 4, ".tsv") != 0)
        return 0;
    FILE *f = fopen(src, "rb");
    if (!f)
        return 0; /* sanctagp_source_add reports it */
    char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return sanctagp_links_is_source(buf, len);
}

int sanctagp_source_add(sqlite3 *db, const char *db_path, const char *src, sanctag_error *err)
{
    if (strcmp(src, "icu:countries") == 0)
        return sanctagp_source_icu_countries(db, db_path, err);
    size_t n = strlen(src);
    if (n > 4 && strcmp(src + n - 4, ".tsv") == 0)
        return source_file(db, db_path, src, 0, err);
    if (n > 6 && strcmp(src + n - 6, ".jsonl") == 0)
        return source_file(db, db_path, src, 1, err);
    if (n > 6 && strcmp(src + n - 6, ".model") == 0) {
        char name[256];
        source_name_of(src, name, sizeof name);
        return sanctagp_source_ner_model(db, db_path, src, name, err);
    }
    return sanctagp_error_set(err, SANCTAG_E_INVALID, src, 0, 0, -1,
                              "%s: unknown source type (expected a .tsv or .jsonl file, a "
                              ".model name model, or icu:countries)",
                              src);
}
