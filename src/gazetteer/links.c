/* links.c - links between curated entities and sanctions-list records (one
 * entity per real-world thing, issue 16): the `link` table, the link source
 * of `gaz build` (gazetteers/links.tsv), adding and removing a link, and the
 * links applied by the one compile path (rows.h): resolved when the rows are
 * read, and the merged listing of a curated entity (its list records, the
 * union of their programmes) built for the matcher.
 *
 * A link names its list record by (list_source, list_ref), not by entity id
 * or key, so it outlives a re-import of a newer list; a link whose record is
 * absent is kept ("dangling") and changes nothing. `gaz unlink` keeps the row
 * as origin 'rejected': it is not applied, and an import does not propose it
 * again. */
#include "gazetteer/links.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/rows.h"
#include "gazetteer/sources.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* The table, its record index and the triggers that mark the compiled
 * matcher stale when links change. Created when a gazetteer is opened for
 * writing and has none (gazetteers made before links); readers treat a
 * missing table as no links. */
static const char link_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS link (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  curated_key TEXT NOT NULL,      -- the curated entity: org:rgb\n"
    "  list_source TEXT NOT NULL,      -- the list record: un-sc\n"
    "  list_ref TEXT NOT NULL,         -- and its reference: KPe.031\n"
    "  note TEXT,                      -- why they are the same\n"
    "  origin TEXT NOT NULL CHECK (origin IN ('curated', 'proposed', 'analyst', 'rejected')),\n"
    "  created_at TEXT NOT NULL,\n"
    "  UNIQUE (curated_key, list_source, list_ref)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS link_record ON link(list_source, list_ref);\n"
    "CREATE INDEX IF NOT EXISTS entity_list_ref ON entity(list_source, list_ref);\n"
    "CREATE TRIGGER IF NOT EXISTS link_ins AFTER INSERT ON link BEGIN UPDATE meta SET value='1' "
    "WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS link_upd AFTER UPDATE ON link BEGIN UPDATE meta SET value='1' "
    "WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER IF NOT EXISTS link_del AFTER DELETE ON link BEGIN UPDATE meta SET value='1' "
    "WHERE key='dirty' AND value<>'1'; END;\n";

int sanctagp_links_ensure(sqlite3 *db, const char *path, sanctag_error *err)
{
    return sanctagp_db_exec(db, path, link_schema_sql, err);
}

int sanctagp_links_present(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int yes = sqlite3_prepare_v2(db,
                                 "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = 'link'",
                                 -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* ---- adding and removing ---------------------------------------------------- */

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* 1 when `sql` with ?1 [, ?2] bound gives a row, 0 when not, <0 on error */
static int exists(sqlite3 *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? 1 : s == SQLITE_DONE ? 0 : -1;
}

static int db_failed(sqlite3 *db, const char *path, sanctag_error *err)
{
    return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: database error: %s", path,
                              sqlite3_errmsg(db));
}

int sanctagp_link_check_curated(sqlite3 *db, const char *path, const char *key, sanctag_error *err)
{
    int e = exists(db,
                   "SELECT 1 FROM entity WHERE key = ?1 AND ifnull(list_source, '') = '' AND "
                   "listed <= 0",
                   key, NULL);
    if (e < 0)
        return db_failed(db, path, err);
    if (e)
        return 0;
    e = exists(db, "SELECT 1 FROM entity WHERE key = ?1", key, NULL);
    if (e < 0)
        return db_failed(db, path, err);
    return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                              e ? "%s: '%s' is a list entity, not a curated one: link a "
                                  "curated key to a list record"
                                : "%s: no entity with key '%s' (see `sanctag gaz lookup`)",
                              path, key);
}

/* A record is linked to one curated entity: an error naming the other one
 * when a link (not rejected) joins the record to another. */
static int linked_elsewhere(sqlite3 *db, const char *path, const char *curated, const char *source,
                            const char *ref, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT curated_key FROM link WHERE list_source = ?1 AND list_ref = ?2 "
                           "AND curated_key <> ?3 AND origin <> 'rejected' LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, curated, -1, SQLITE_STATIC);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW)
        rc = sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                                "%s: %s:%s is linked to '%s' already: a record is one curated "
                                "entity's (`sanctag gaz unlink` that link first)",
                                path, source, ref, (const char *)sqlite3_column_text(st, 0));
    else if (s != SQLITE_DONE)
        rc = db_failed(db, path, err);
    sqlite3_finalize(st);
    return rc;
}

int sanctagp_link_add(sqlite3 *db, const char *path, const char *curated, const char *source,
                      const char *ref, const char *note, const char *origin, int need_record,
                      sanctag_error *err)
{
    int rc = sanctagp_link_check_curated(db, path, curated, err);
    if (rc)
        return rc;
    if (need_record) {
        int e = exists(db, "SELECT 1 FROM entity WHERE list_source = ?1 AND list_ref = ?2", source,
                       ref);
        if (e < 0)
            return db_failed(db, path, err);
        if (!e)
            return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                                      "%s: no record %s:%s (import the list first; `gaz lookup` "
                                      "shows an entity's source and ref)",
                                      path, source, ref);
    }
    if (strcmp(origin, "rejected") != 0 &&
        (rc = linked_elsewhere(db, path, curated, source, ref, err)))
        return rc;
    sqlite3_stmt *st = NULL;
    char now[32];
    now_iso(now);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO link (curated_key, list_source, list_ref, note, origin, "
                           "created_at) VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6) "
                           "ON CONFLICT (curated_key, list_source, list_ref) DO UPDATE SET "
                           "note = coalesce(excluded.note, note), origin = excluded.origin",
                           -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, curated, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? 0 : db_failed(db, path, err);
}

int sanctagp_link_remove(sqlite3 *db, const char *path, const char *curated, const char *source,
                         const char *ref, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE link SET origin = 'rejected' WHERE curated_key = ?1 AND "
                           "list_source = ?2 AND list_ref = ?3 AND origin <> 'rejected'",
                           -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, curated, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_failed(db, path, err);
    if (sqlite3_changes(db) == 0)
        return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                                  "%s: no link between '%s' and %s:%s (`gaz lookup %s` lists "
                                  "its links)",
                                  path, curated, source, ref, curated);
    return 0;
}

int sanctagp_links_of(sqlite3 *db, const char *path, const char *key, json_t **ret,
                      sanctag_error *err)
{
    *ret = json_array();
    if (!*ret)
        return SANCTAG_E_NOMEM;
    if (!sanctagp_links_present(db))
        return 0;
    /* applied: both ends exist and it is not rejected (the one-record rule of
     * sanctagp_rows_links() aside) */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            db,
            "SELECT k.curated_key, k.list_source, k.list_ref, k.origin, ifnull(k.note, ''), "
            "k.origin <> 'rejected' AND EXISTS (SELECT 1 FROM entity c WHERE c.key = "
            "k.curated_key) AND EXISTS (SELECT 1 FROM entity l WHERE l.list_source = "
            "k.list_source AND l.list_ref = k.list_ref) FROM link k WHERE (k.curated_key = ?1 OR "
            "EXISTS (SELECT 1 FROM entity l WHERE l.key = ?1 AND l.list_source = k.list_source "
            "AND l.list_ref = k.list_ref)) AND EXISTS (SELECT 1 FROM source s WHERE s.name = "
            "k.list_source) ORDER BY k.curated_key, k.list_source NOT LIKE 'un%', "
            "k.list_source, k.list_ref",
            -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int s, rc = 0;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:b}", "curated", (const char *)sqlite3_column_text(st, 0),
            "source", (const char *)sqlite3_column_text(st, 1), "ref",
            (const char *)sqlite3_column_text(st, 2), "origin",
            (const char *)sqlite3_column_text(st, 3), "note",
            (const char *)sqlite3_column_text(st, 4), "applied", sqlite3_column_int(st, 5));
        if (!o || json_array_append_new(*ret, o))
            rc = SANCTAG_E_NOMEM;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_failed(db, path, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- proposals at import ------------------------------------------------------ */

/* The words of a name, lower-cased (ASCII) and sorted, one space apart: "KIM,
 * Jong Un", "KIM Jong Un" and "Jong Un KIM" give the same. */
static void name_words(const char *s, char *out, size_t cap)
{
    char tmp[512], *w[64];
    size_t n = 0, k = 0;
    for (const char *p = s; *p && k + 1 < sizeof tmp; p++) {
        unsigned char ch = (unsigned char)*p;
        int word =
            ch >= 0x80 || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
        if (!word) {
            if (k && tmp[k - 1])
                tmp[k++] = 0;
            continue;
        }
        if ((!k || !tmp[k - 1]) && n < 64)
            w[n++] = &tmp[k];
        tmp[k++] = (char)(ch < 0x80 && ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
    }
    tmp[k] = 0;
    for (size_t i = 1; i < n; i++) /* insertion sort: names have few words */
        for (size_t j = i; j > 0 && strcmp(w[j - 1], w[j]) > 0; j--) {
            char *t = w[j];
            w[j] = w[j - 1];
            w[j - 1] = t;
        }
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, i ? " %s" : "%s", w[i]);
}

/* Candidates: a list record of `source` whose alias the policy found colliding (dropped, or
 * kept weak) with a strong alias of a curated entity with the same label and a compatible
 * country; the record not yet linked (nor rejected) to any, the curated
 * entity not linked to another record of the same list (one person, one
 * record a list: another is a namesake); by record. */
static const char propose_sql[] =
    "SELECT DISTINCT l.list_source, l.list_ref, l.key, l.name, p.text, c.key, c.label, "
    "ifnull(nullif(c.country, ''), l.country) FROM alias_policy p JOIN source s ON s.id = "
    "p.source_id AND s.name = ?1 JOIN entity l ON l.key = p.entity_key JOIN alias ca ON ca.norm "
    "= p.norm JOIN entity c ON c.id = ca.entity_id WHERE p.rule LIKE "
    "'collision%' AND c.label = l.label AND ifnull(c.list_source, '') = '' AND c.listed <= 0 AND "
    "(ifnull(c.country, '') = '' OR ifnull(l.country, '') = '' OR c.country = l.country) AND "
    "ifnull(l.list_source, '') <> '' AND ifnull(l.list_ref, '') <> '' AND NOT EXISTS (SELECT 1 "
    "FROM link k WHERE k.list_source = l.list_source AND k.list_ref = l.list_ref) AND ca.kind "
    "<> 'weak' AND NOT EXISTS (SELECT 1 FROM link k WHERE k.curated_key = c.key AND "
    "k.list_source = l.list_source AND k.origin <> 'rejected') ORDER BY l.list_source, "
    "l.list_ref, c.key";

/* The candidate of the record in `rows` (one array a candidate) whose full
 * name is that of exactly one curated entity, or NULL. */
static json_t *pick_one(json_t *rows)
{
    json_t *pick = NULL, *r;
    size_t i;
    json_array_foreach(rows, i, r)
    {
        char a[512], b[512];
        name_words(json_string_value(json_array_get(r, 3)), a, sizeof a);
        name_words(json_string_value(json_array_get(r, 4)), b, sizeof b);
        if (strcmp(a, b) != 0)
            continue; /* an a.k.a., not the full name */
        if (pick && !json_equal(json_array_get(pick, 5), json_array_get(r, 5)))
            return NULL; /* two curated entities: the analyst decides */
        pick = r;
    }
    return pick;
}

/* The candidates of the query, one (or none) a record, as rows of
 * propose_sql's columns. */
static int candidates(sqlite3 *db, const char *path, const char *source, json_t *picks,
                      sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, propose_sql, -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    json_t *rows = json_array();
    int s = SQLITE_DONE, rc = rows ? 0 : SANCTAG_E_NOMEM;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *r = json_array();
        for (int k = 0; k < 8 && r; k++) {
            const char *v = (const char *)sqlite3_column_text(st, k);
            json_array_append_new(r, json_string(v ? v : ""));
        }
        json_t *last = json_array_get(rows, json_array_size(rows) - 1);
        if (last && !(json_equal(json_array_get(last, 0), json_array_get(r, 0)) &&
                      json_equal(json_array_get(last, 1), json_array_get(r, 1)))) {
            json_t *p = pick_one(rows);
            if (p)
                json_array_append(picks, p);
            json_array_clear(rows);
        }
        if (!r || json_array_append_new(rows, r))
            rc = SANCTAG_E_NOMEM;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_failed(db, path, err);
    sqlite3_finalize(st);
    json_t *p = rc ? NULL : pick_one(rows);
    if (p)
        json_array_append(picks, p);
    json_decref(rows);
    return rc;
}

/* How many candidates name the curated entity of `pick` on its list. */
static size_t same_target(json_t *picks, json_t *pick)
{
    size_t n = 0, i;
    json_t *q;
    json_array_foreach(picks, i, q) n +=
        json_equal(json_array_get(q, 5), json_array_get(pick, 5)) &&
        json_equal(json_array_get(q, 0), json_array_get(pick, 0));
    return n;
}

int sanctagp_links_propose(sqlite3 *db, const char *path, const char *source, json_t **ret,
                           json_t **ret_held, sanctag_error *err)
{
    *ret = json_array();
    *ret_held = json_array();
    json_t *picks = json_array();
    int rc =
        *ret && *ret_held && picks ? candidates(db, path, source, picks, err) : SANCTAG_E_NOMEM;
    size_t i;
    json_t *p;
    json_array_foreach(picks, i, p)
    {
        if (rc)
            break;
#define COL(k) json_string_value(json_array_get(p, k))
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "curated", COL(5), "source", COL(0), "ref",
                              COL(1), "entity", COL(2), "name", COL(4));
        if (!o) {
            rc = SANCTAG_E_NOMEM;
            break;
        }
        /* several records of one list with one curated entity's full name
         * are namesakes, or one is: the analyst links the right one */
        if (same_target(picks, p) > 1) {
            json_array_append_new(*ret_held, o);
            continue;
        }
        char note[600];
        snprintf(note, sizeof note, "proposed at import: same full name '%s', %s%s%s", COL(4),
                 COL(6), *COL(7) ? ", " : "", COL(7));
        rc = sanctagp_link_add(db, path, COL(5), COL(0), COL(1), note, "proposed", 1, err);
#undef COL
        if (rc || json_array_append_new(*ret, o))
            rc = rc ? rc : SANCTAG_E_NOMEM;
    }
    json_decref(picks);
    if (rc) {
        json_decref(*ret);
        json_decref(*ret_held);
        *ret = *ret_held = NULL;
    }
    return rc;
}

/* ---- the link source of `gaz build` ------------------------------------------- */

int sanctagp_links_is_source(const char *buf, size_t len)
{
    static const char head[] = "curated_key\tlist_source\tlist_ref";
    const char *p = buf, *end = buf + len;
    while (p < end && (*p == '#' || *p == '\n' || *p == '\r')) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    return (size_t)(end - p) >= sizeof head - 1 && memcmp(p, head, sizeof head - 1) == 0;
}

int sanctagp_links_source(sqlite3 *db, const char *db_path, const char *path, char *buf, size_t len,
                          sanctag_error *err)
{
    int rc = sanctagp_links_ensure(db, db_path, err);
    long line = 0;
    int have_header = 0, ncols = 0;
    char *p = buf, *end = buf + len, *cur;
    size_t n;
    while (!rc && (cur = sanctagp_src_line(&p, end, 1, &n))) {
        line++;
        if (*cur == '#' || *cur == 0)
            continue;
        char *cells[6] = { 0 };
        int nc = 0;
        for (char *c = cur; c && nc < 6; nc++) {
            cells[nc] = c;
            char *tab = strchr(c, '\t');
            if (tab)
                *tab = 0;
            c = tab ? tab + 1 : NULL;
        }
        if (!have_header) {
            have_header = 1;
            ncols = nc;
            if (nc > 5 || (nc >= 4 && strcmp(cells[3], "note") != 0) ||
                (nc == 5 && strcmp(cells[4], "status") != 0))
                return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                          "%s:%ld: a link source's header is curated_key, "
                                          "list_source, list_ref, note and status",
                                          path, line);
            continue;
        }
        if (nc < 3 || nc > ncols || !*cells[0] || !*cells[1] || !*cells[2])
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: a link needs a curated key, a list source and a "
                                      "list reference (%d columns)",
                                      path, line, ncols);
        /* status: empty or "link", or "rejected" (a reviewed namesake that
         * an import must not propose) */
        const char *status = cells[4] ? cells[4] : "";
        if (*status && strcmp(status, "link") != 0 && strcmp(status, "rejected") != 0)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: status '%s': 'link' (or empty) or 'rejected'", path,
                                      line, status);
        sanctag_error e2;
        memset(&e2, 0, sizeof e2);
        rc = sanctagp_link_add(db, db_path, cells[0], cells[1], cells[2], cells[3],
                               strcmp(status, "rejected") == 0 ? "rejected" : "curated", 0, &e2);
        if (rc) {
            const char *why = e2.text;
            size_t dl = strlen(db_path);
            if (strncmp(why, db_path, dl) == 0 && strncmp(why + dl, ": ", 2) == 0)
                why += dl + 2; /* the message names the line, not the database */
            return sanctagp_error_set(err, rc, path, line, 0, -1,
                                      "%s:%ld: %s (no source of this build has it; `gaz build` "
                                      "adds link sources after all others)",
                                      path, line, why);
        }
    }
    return rc;
}

/* ---- links applied when compiling ------------------------------------------- */

int sanctagp_rows_links(sqlite3 *db, const char *path, sanctagp_rows *g, sanctag_error *err)
{
    if (!g->nent || !sanctagp_links_present(db))
        return 0;
    /* by curated key, then UN lists first, then source and reference: the
     * order of a curated entity's records and of the content version */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT c.id, l.id FROM link k JOIN entity c ON c.key = "
                           "k.curated_key JOIN entity l ON l.list_source = k.list_source AND "
                           "l.list_ref = k.list_ref WHERE c.id <> l.id AND k.origin <> 'rejected' "
                           "ORDER BY k.curated_key, "
                           "k.list_source NOT LIKE 'un%', k.list_source, k.list_ref, l.key",
                           -1, &st, NULL) != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read links: %s",
                                  path, sqlite3_errmsg(db));
    int s, rc = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t c = sanctagp_rows_find(g, sqlite3_column_int64(st, 0));
        uint32_t l = sanctagp_rows_find(g, sqlite3_column_int64(st, 1));
        if (c == ROWS_NONE || l == ROWS_NONE)
            continue;
        if (!g->merged) {
            g->merged = malloc(g->nent * sizeof *g->merged);
            g->first_link = malloc(g->nent * sizeof *g->first_link);
            if (!g->merged || !g->first_link) {
                rc = SANCTAG_E_NOMEM;
                break;
            }
            for (size_t i = 0; i < g->nent; i++)
                g->merged[i] = g->first_link[i] = ROWS_NONE;
        }
        /* one curated entity a record; no chains: a list entity merged into
         * one curated entity is no curated entity of another link */
        if (g->merged[l] != ROWS_NONE || g->first_link[l] != ROWS_NONE || g->merged[c] != ROWS_NONE)
            continue;
        if (sanctagp_grow((void **)&g->links, &g->linkcap, g->nlinks + 1, sizeof *g->links)) {
            rc = SANCTAG_E_NOMEM;
            break;
        }
        g->merged[l] = c;
        if (g->first_link[c] == ROWS_NONE)
            g->first_link[c] = (uint32_t)g->nlinks;
        g->links[g->nlinks++] = (sanctagp_rowlink){ c, l };
    }
    if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read links: %s",
                                path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

/* column k of entity i */
static const char *ecol(const sanctagp_rows *g, uint32_t i, int k)
{
    return sanctagp_rows_col(g->buf + g->ent[i].off, g->ent[i].len, k);
}

/* Appends entity i's list record to `records` and its programmes to
 * `programs` (each once). */
static int add_record(const sanctagp_rows *g, uint32_t i, json_t *records, json_t *programs)
{
    json_t *progs = json_loads(ecol(g, i, EC_PROGRAMS), 0, NULL);
    if (!json_is_array(progs)) {
        json_decref(progs);
        progs = json_array();
    }
    size_t k, j;
    json_t *v, *w;
    json_array_foreach(progs, k, v)
    {
        int seen = 0;
        json_array_foreach(programs, j, w) seen |= json_equal(v, w);
        if (!seen)
            json_array_append(programs, v);
    }
    json_t *r = json_pack("{s:s,s:s,s:o}", "source", ecol(g, i, EC_LIST_SOURCE), "ref",
                          ecol(g, i, EC_LIST_REF), "programs", progs);
    if (r && g->ent[i].len[EC_LISTED_ON]) /* absent when the list gives none */
        json_object_set_new(r, "listed_on", json_string(ecol(g, i, EC_LISTED_ON)));
    if (r)
        json_object_set_new(r, "entity", json_string(ecol(g, i, EC_KEY)));
    return r && json_array_append_new(records, r) == 0 ? 0 : SANCTAG_E_NOMEM;
}

/* Whether entity i is on a list of its own: listed, with a list or a reference. */
static int own_record(const sanctagp_rows *g, uint32_t i)
{
    return g->ent[i].listed > 0 &&
           (g->ent[i].len[EC_LIST_SOURCE] > 0 || g->ent[i].len[EC_LIST_REF] > 0);
}

int sanctagp_links_pass(const sanctagp_rows *g, uint32_t i)
{
    if (g->first_link && g->first_link[i] != ROWS_NONE)
        for (size_t k = g->first_link[i]; k < g->nlinks && g->links[k].cur == i; k++)
            if (g->ent[g->links[k].list].listed > 0)
                return 0;
    return g->ent[i].pass;
}

int sanctagp_links_entity(const sanctagp_rows *g, uint32_t i, sanctagp_mbuild *b, uint32_t *ret_idx)
{
    const char *c[EC_N];
    for (int k = 0; k < EC_N; k++)
        c[k] = ecol(g, i, k);
    int linked = g->first_link && g->first_link[i] != ROWS_NONE;
    if (!linked && !own_record(g, i))
        return sanctagp_mbuild_entity(b, c[EC_KEY], c[EC_LABEL], c[EC_NAME], c[EC_COUNTRY],
                                      g->ent[i].listed, c[EC_PROGRAMS], c[EC_LIST_SOURCE],
                                      c[EC_LIST_REF], c[EC_LISTED_ON], ret_idx);
    json_t *records = json_array(), *programs = json_array();
    int rc = records && programs ? 0 : SANCTAG_E_NOMEM;
    if (!rc && own_record(g, i))
        rc = add_record(g, i, records, programs);
    for (size_t k = linked ? g->first_link[i] : g->nlinks;
         !rc && k < g->nlinks && g->links[k].cur == i; k++)
        if (own_record(g, g->links[k].list))
            rc = add_record(g, g->links[k].list, records, programs);
    char *rj = NULL, *pj = NULL;
    if (!rc && json_array_size(records) == 0) {
        /* linked to records on no list (delisted): as it is */
        rc = sanctagp_mbuild_entity(b, c[EC_KEY], c[EC_LABEL], c[EC_NAME], c[EC_COUNTRY],
                                    g->ent[i].listed, c[EC_PROGRAMS], c[EC_LIST_SOURCE],
                                    c[EC_LIST_REF], c[EC_LISTED_ON], ret_idx);
    } else if (!rc) {
        json_t *first = json_array_get(records, 0);
        rj = json_dumps(records, JSON_COMPACT | JSON_PRESERVE_ORDER);
        pj = json_array_size(programs) ? json_dumps(programs, JSON_COMPACT) : NULL;
        rc = rj ? sanctagp_mbuild_entity(b, c[EC_KEY], c[EC_LABEL], c[EC_NAME], c[EC_COUNTRY], 1,
                                         pj, json_string_value(json_object_get(first, "source")),
                                         json_string_value(json_object_get(first, "ref")),
                                         json_string_value(json_object_get(first, "listed_on")),
                                         ret_idx)
                : SANCTAG_E_NOMEM;
        if (!rc)
            rc = sanctagp_mbuild_entity_records(b, *ret_idx, rj);
    }
    free(rj);
    free(pj);
    json_decref(records);
    json_decref(programs);
    return rc;
}

/* ---- `gaz link` / `gaz unlink` ------------------------------------------------ */

/* The list record `record` names: the key of a list entity ("ofac:20157"),
 * else SOURCE:REF ("ofac-sdn:20157"); *ret is {"source", "ref", "entity",
 * "name"} (entity and name "" when the record is not in the gazetteer). */
static int resolve_record(sqlite3 *db, const char *path, const char *record, int need, json_t **ret,
                          sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *colon = strchr(record, ':');
    if (!colon || colon == record || !colon[1])
        return sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                                  "'%s': name a list record as the key of its entity "
                                  "(ofac:20157) or as SOURCE:REF (ofac-sdn:20157)",
                                  record);
    char src[256];
    snprintf(src, sizeof src, "%.*s", (int)(colon - record), record);
    if (sqlite3_prepare_v2(db,
                           "SELECT list_source, list_ref, key, name FROM entity WHERE (key = ?1 "
                           "AND ifnull(list_ref, '') <> '') OR (list_source = ?2 AND list_ref = "
                           "?3) ORDER BY key = ?1 DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_failed(db, path, err);
    sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, colon + 1, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *ret = json_pack("{s:s,s:s,s:s,s:s}", "source", sqlite3_column_text(st, 0), "ref",
                         sqlite3_column_text(st, 1), "entity", sqlite3_column_text(st, 2), "name",
                         sqlite3_column_text(st, 3));
    else if (s == SQLITE_DONE && !need)
        *ret = json_pack("{s:s,s:s,s:s,s:s}", "source", src, "ref", colon + 1, "entity", "", "name",
                         "");
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return db_failed(db, path, err);
    if (s == SQLITE_DONE && need)
        return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                                  "%s: no list record '%s' (import the list first; `sanctag gaz "
                                  "lookup` shows a list entity's key, source and ref)",
                                  path, record);
    return *ret ? 0 : SANCTAG_E_NOMEM;
}

int sanctagp_link_edit(sqlite3 *db, const char *path, const char *curated, const char *record,
                       const char *note, int unlink, json_t **ret, sanctag_error *err)
{
    *ret = NULL;
    int rc = sanctagp_db_exec(db, path, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    json_t *r = NULL;
    if (!(rc = resolve_record(db, path, record, !unlink, &r, err))) {
        const char *src = json_string_value(json_object_get(r, "source"));
        const char *ref = json_string_value(json_object_get(r, "ref"));
        rc = unlink ? sanctagp_link_remove(db, path, curated, src, ref, err)
                    : sanctagp_link_add(db, path, curated, src, ref, note, "analyst", 1, err);
    }
    if (!rc)
        rc = sanctagp_db_refresh(db, path, err);
    if (!rc)
        rc = sanctagp_db_exec(db, path, "COMMIT", err);
    if (rc) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        json_decref(r);
        return rc;
    }
    json_object_set_new(r, "curated", json_string(curated));
    *ret = r;
    return 0;
}
