/* store.c - the SQLite gazetteer: schema, versioning, compiling and loading
 * the matcher image, and the public sanctag_gazetteer object. */
#include "util/hash.h"
#include "util/mem.h"
#include "gazetteer/gazetteer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- schema -------------------------------------------------------------- */

/* 64 KB pages: the compiled matcher is one BLOB of up to ~70 MB, which SQLite
 * reads one overflow page per system call; at 4 KB pages that is 17,000
 * pread()s and ~50 ms of every start-up, at 64 KB about 1,100 and ~15 ms. */
static const char schema_sql[] =
    "PRAGMA page_size = 65536;\n"
    "PRAGMA foreign_keys = ON;\n"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE source (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,      -- e.g. 'countries', 'icu-countries', 'un-sc'\n"
    "  format TEXT NOT NULL,           -- tsv, jsonl, icu, un-xml, ...\n"
    "  path TEXT,                      -- file it was read from\n"
    "  version TEXT,                   -- content hash or list date\n"
    "  imported_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE entity (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key TEXT NOT NULL UNIQUE,       -- stable: country:KP, org:un-security-council\n"
    "  label TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  country TEXT,                   -- ISO 3166-1 alpha-2\n"
    "  valid_from TEXT, valid_to TEXT,\n"
    "  listed INTEGER NOT NULL DEFAULT 0,\n"
    "  programs TEXT,                  -- JSON array\n"
    "  list_source TEXT, list_ref TEXT, listed_on TEXT,\n"
    "  attrs TEXT,                     -- JSON object\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  origin TEXT                     -- provenance note from the source row\n"
    ");\n"
    "CREATE TABLE alias (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,\n"
    "  text TEXT NOT NULL,\n"
    "  norm TEXT NOT NULL,             -- sanctag_normalize(text)\n"
    "  lang TEXT,\n"
    "  kind TEXT NOT NULL DEFAULT 'name',\n"
    "  case_policy TEXT NOT NULL DEFAULT 'auto',\n"
    "  accents TEXT NOT NULL DEFAULT 'fold',\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  origin TEXT,\n"
    "  UNIQUE (entity_id, text)\n"
    ");\n"
    "CREATE INDEX alias_norm ON alias(norm);\n"
    "CREATE INDEX entity_source ON entity(source_id);\n"
    "CREATE INDEX alias_source ON alias(source_id);\n"
    "CREATE TABLE matcher (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  version TEXT NOT NULL,          -- meta.version it was compiled from\n"
    "  format INTEGER NOT NULL,\n"
    "  image BLOB NOT NULL\n"
    ");\n"
    /* any change to entities or aliases marks the compiled matcher stale */
    "CREATE TRIGGER entity_ins AFTER INSERT ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER entity_upd AFTER UPDATE ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER entity_del AFTER DELETE ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_ins AFTER INSERT ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_upd AFTER UPDATE ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_del AFTER DELETE ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "INSERT INTO meta VALUES ('schema_version', '1'), ('dirty', '1'), ('version', ''),\n"
    "  ('created_by', 'sanctag " SANCTAG_VERSION "');\n";

int sanctagp_db_exec(sqlite3 *db, const char *path, const char *sql, sanctag_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: database error: %s", path,
                           msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return SANCTAG_E_DB;
    }
    return 0;
}

char *sanctagp_db_meta(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        out = strdup(v ? v : "");
    }
    sqlite3_finalize(st);
    return out;
}

int sanctagp_db_open(const char *path, int mode, sqlite3 **ret_db, sanctag_error *err)
{
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (mode == DB_CREATE && exists)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                                  "%s: already exists (refusing to overwrite)", path);
    if (mode != DB_CREATE && !exists)
        return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                                  "%s: gazetteer not found: %s", path, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return sanctagp_error_set(err, SANCTAG_E_IO, path, 0, 0, -1,
                                  "%s: is a directory, not a gazetteer database", path);
    int flags = mode == DB_READ ? SQLITE_OPEN_READONLY
                : mode == DB_WRITE ? SQLITE_OPEN_READWRITE
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot open database: %s",
                           path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    if (mode != DB_READ)
        /* imports touch every page of large tables: a page cache of up to
         * 256 MB (allocated only as used) saves re-reading them from disk */
        sqlite3_exec(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL, NULL,
                     NULL);
    if (mode == DB_CREATE) {
        if (sanctagp_db_exec(db, path, schema_sql, err)) {
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
        *ret_db = db;
        return 0;
    }
    /* is it ours? reading meta fails on non-databases and foreign ones alike */
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        int ext = sqlite3_extended_errcode(db);
        const char *why = (ext == SQLITE_NOTADB || ext == SQLITE_CORRUPT)
                              ? "not a database or corrupt"
                              : sqlite3_errmsg(db);
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                           "%s: not a sanctag gazetteer (%s)", path, why);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                           path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    sqlite3_finalize(st);
    if (version != SANCTAG_SCHEMA_VERSION) {
        sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                           "%s: gazetteer schema version %d, this sanctag reads version %d", path,
                           version, SANCTAG_SCHEMA_VERSION);
        sqlite3_close(db);
        return SANCTAG_E_SCHEMA;
    }
    if (mode == DB_WRITE)
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    *ret_db = db;
    return 0;
}

/* ---- compile ------------------------------------------------------------- */

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* entity index + 1 by entity rowid, grown as rows come */
static int map_set(uint32_t **map, size_t *cap, sqlite3_int64 id, uint32_t v)
{
    if ((size_t)id >= *cap) {
        size_t nc = *cap ? *cap : 1024;
        while (nc <= (size_t)id)
            nc *= 2;
        uint32_t *nm = realloc(*map, nc * sizeof *nm);
        if (!nm)
            return SANCTAG_E_NOMEM;
        memset(nm + *cap, 0, (nc - *cap) * sizeof *nm);
        *map = nm;
        *cap = nc;
    }
    (*map)[id] = v;
    return 0;
}

/* One alias into the matcher: `ent` its entity's index; kind, lang, policy
 * and accents as the alias table holds them. Returns 0 when the alias is
 * left out (a weak one without `weak`; one with no tokens, which can never
 * match: import checks report those). */
static int compile_alias(sanctagp_mbuild *b, uint32_t ent, int weak, const char *text,
                         const char *kind_name, const char *lang, const char *policy,
                         const char *accents)
{
    int kind = sanctagp_kind_from_name(kind_name);
    if (kind < 0)
        kind = KIND_NAME;
    if (kind == KIND_WEAK && !weak)
        return 0;
    int rc = sanctagp_mbuild_alias(b, ent, text, strlen(text), kind, lang, policy,
                                   strcmp(accents, "strict") != 0);
    if (rc == SANCTAG_E_FORMAT || rc == SANCTAG_E_TOOBIG || rc == SANCTAG_E_UTF8 ||
        rc == SANCTAG_E_INVALID)
        rc = 0;
    return rc;
}

static int compile_failed(int rc, const char *path, sanctag_error *err)
{
    if (rc && rc != SANCTAG_E_DB && err && !err->code)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot compile matcher: %s", path,
                           sanctag_status_name(rc));
    return rc;
}

/* Which entities the matcher holds and in which order, and which aliases in
 * which order (compile_rows() below does the same from rows read earlier):
 * entities by id; the aliases of listed entities, then those of the others,
 * each in alias order: a listed entity wins an alias it shares with an
 * unlisted one (the span is then marked ambiguous), as every mention of a
 * sanctioned name must carry its listing. */
int sanctagp_db_compile(sqlite3 *db, const char *path, int weak, const char *version,
                        void **ret_image, size_t *ret_size, sanctag_error *err)
{
    int rc = 0;
    sqlite3_stmt *st = NULL;
    uint32_t *map = NULL; /* entity rowid -> index + 1 */
    size_t map_cap = 0;
    sanctagp_mbuild *b = sanctagp_mbuild_new();
    if (!b)
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");

    if (sqlite3_prepare_v2(db,
                           "SELECT id, key, label, name, country, listed, programs, list_source, "
                           "list_ref, listed_on FROM entity ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        if (id <= 0 || id > (sqlite3_int64)UINT32_MAX - 1)
            continue;
        uint32_t idx;
        if ((rc = sanctagp_mbuild_entity(b, col(st, 1), col(st, 2), col(st, 3), col(st, 4),
                                         sqlite3_column_int(st, 5), col(st, 6), col(st, 7),
                                         col(st, 8), col(st, 9), &idx)) ||
            (rc = map_set(&map, &map_cap, id, idx + 1)))
            goto out;
    }
    if (rc != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;

    /* two scans in table order instead of a sort */
    static const char *const alias_q[2] = {
        "SELECT a.entity_id, a.text, a.kind, a.lang, a.case_policy, a.accents, a.id FROM alias a "
        "JOIN entity e ON e.id = a.entity_id WHERE e.listed > 0 ORDER BY a.id",
        "SELECT a.entity_id, a.text, a.kind, a.lang, a.case_policy, a.accents, a.id FROM alias a "
        "JOIN entity e ON e.id = a.entity_id WHERE e.listed <= 0 ORDER BY a.id",
    };
    for (int pass = 0; pass < 2; pass++) {
        if (sqlite3_prepare_v2(db, alias_q[pass], -1, &st, NULL) != SQLITE_OK)
            goto dberr;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            sqlite3_int64 eid = sqlite3_column_int64(st, 0);
            if (eid <= 0 || (size_t)eid >= map_cap || !map[eid])
                continue;
            if ((rc = compile_alias(b, map[eid] - 1, weak, col(st, 1), col(st, 2), col(st, 3),
                                    col(st, 4), col(st, 5))))
                goto out;
        }
        if (rc != SQLITE_DONE)
            goto dberr;
        sqlite3_finalize(st);
        st = NULL;
    }
    rc = sanctagp_mbuild_finish(b, version, ret_image, ret_size);
    goto out;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                            path, sqlite3_errmsg(db));
out:
    compile_failed(rc, path, err);
    sqlite3_finalize(st);
    free(map);
    sanctagp_mbuild_free(b);
    return rc;
}

/* ---- the rows, read once for the content version and the matcher ---------- */

/* Content version: a hash of every entity and alias row, so equal content
 * gives an equal version whoever built it: FNV-1a over every entity (ordered
 * by key) and every alias (ordered by entity key and text), each column's
 * text followed by 0x1f and each row by 0x1e, the bytes
 *   SELECT key, label, name, country, valid_from, valid_to, listed, programs,
 *          list_source, list_ref, listed_on, attrs FROM entity ORDER BY key
 *   SELECT e.key, a.text, a.lang, a.kind, a.case_policy, a.accents FROM alias a
 *          JOIN entity e ON e.id = a.entity_id ORDER BY e.key, a.text
 * give.
 *
 * sanctagp_db_refresh() needs it and a compiled matcher, which read the same
 * rows: both tables are read once, in table order, into memory (grows).
 * Reading them through the key index would jump around the file, and sorting
 * rows costs string comparisons; instead the key order is read from the key
 * index alone (entity ids in key order: a scan of a covering index), and only
 * the aliases of one entity are ever compared. The hash, a byte at a time,
 * runs on a second thread while the matcher is compiled. */

enum { EC_KEY, EC_LABEL, EC_NAME, EC_COUNTRY, EC_VALID_FROM, EC_VALID_TO, EC_LISTED,
       EC_PROGRAMS, EC_LIST_SOURCE, EC_LIST_REF, EC_LISTED_ON, EC_ATTRS, EC_N };
enum { AC_TEXT, AC_LANG, AC_KIND, AC_CASE, AC_ACCENTS, AC_N };

/* An entity row: its columns' texts, each followed by a NUL in grows.buf, and
 * their lengths (the hash covers every byte SQLite returns, the compiler sees
 * C strings as sqlite3_column_text() gives them). */
typedef struct gent {
    sqlite3_int64 id;
    size_t off;
    uint32_t len[EC_N];
    int listed; /* sqlite3_column_int(listed) */
    int pass;   /* its aliases compile in pass 0 (listed > 0), 1 (listed <= 0), or -1 (NULL) */
} gent;

typedef struct galias {
    size_t off;
    uint32_t len[AC_N];
    uint32_t ent; /* index of its entity in grows.ent, GNONE when there is none */
} galias;

#define GNONE UINT32_MAX

typedef struct grows {
    char *buf;
    size_t n, cap;
    gent *ent; /* by id */
    size_t nent, entcap;
    galias *al; /* by id */
    size_t nal, alcap;
    uint32_t *by_key; /* ent indices in key order */
    uint32_t *dense;  /* index + 1 by id - id0, when ids are dense enough */
    sqlite3_int64 id0;
    size_t ndense;
} grows;

static void grows_free(grows *g)
{
    free(g->buf);
    free(g->ent);
    free(g->al);
    free(g->by_key);
    free(g->dense);
    memset(g, 0, sizeof *g);
}

/* Appends columns i0..i0+n-1 of the current row, each NUL-terminated; their
 * lengths go to len[]. */
static int grows_cols(grows *g, sqlite3_stmt *st, int i0, int n, uint32_t *len)
{
    for (int i = 0; i < n; i++) {
        const unsigned char *t = sqlite3_column_text(st, i0 + i);
        size_t l = (size_t)sqlite3_column_bytes(st, i0 + i);
        if (l >= UINT32_MAX)
            return SANCTAG_E_TOOBIG;
        if (g->n + l + 1 > g->cap) {
            size_t nc = g->cap ? g->cap : 1 << 16;
            while (nc < g->n + l + 1)
                nc *= 2;
            char *q = realloc(g->buf, nc);
            if (!q)
                return SANCTAG_E_NOMEM;
            g->buf = q;
            g->cap = nc;
        }
        if (l)
            memcpy(g->buf + g->n, t, l);
        g->buf[g->n + l] = 0;
        g->n += l + 1;
        len[i] = (uint32_t)l;
    }
    return 0;
}

/* index of the entity with rowid `id`, or GNONE */
static uint32_t grows_find(const grows *g, sqlite3_int64 id)
{
    if (g->dense) {
        if (id < g->id0 || (sqlite3_uint64)(id - g->id0) >= g->ndense)
            return GNONE;
        uint32_t v = g->dense[id - g->id0];
        return v ? v - 1 : GNONE;
    }
    size_t lo = 0, hi = g->nent;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->ent[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nent && g->ent[lo].id == id ? (uint32_t)lo : GNONE;
}

static int grows_read(sqlite3 *db, const char *path, grows *g, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    memset(g, 0, sizeof *g);
    if (sqlite3_prepare_v2(db,
                           "SELECT id, key, label, name, country, valid_from, valid_to, listed, "
                           "programs, list_source, list_ref, listed_on, attrs, listed > 0, "
                           "listed <= 0 FROM entity ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (g->nent >= GNONE || sanctagp_grow((void **)&g->ent, &g->entcap, (g->nent) + 1, sizeof *g->ent))
            goto nomem;
        gent *e = &g->ent[g->nent];
        e->id = sqlite3_column_int64(st, 0);
        e->off = g->n;
        if ((rc = grows_cols(g, st, 1, EC_N, e->len)))
            goto fail;
        e->listed = sqlite3_column_int(st, 1 + EC_LISTED);
        e->pass = sqlite3_column_type(st, 13) != SQLITE_NULL && sqlite3_column_int(st, 13) ? 0
                  : sqlite3_column_type(st, 14) != SQLITE_NULL && sqlite3_column_int(st, 14) ? 1
                                                                                             : -1;
        if (g->nent && e->id <= g->ent[g->nent - 1].id)
            goto changed; /* not in id order */
        g->nent++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    /* ids are usually dense: then an id's entity is one look-up away, not a
     * binary search missing the cache at every step */
    if (g->nent) {
        sqlite3_uint64 span = (sqlite3_uint64)(g->ent[g->nent - 1].id - g->ent[0].id) + 1;
        if (span <= (sqlite3_uint64)g->nent * 4 + 1024 &&
            (g->dense = calloc((size_t)span, sizeof *g->dense))) {
            g->id0 = g->ent[0].id;
            g->ndense = (size_t)span;
            for (size_t i = 0; i < g->nent; i++)
                g->dense[g->ent[i].id - g->id0] = (uint32_t)i + 1;
        }
    }

    if (sqlite3_prepare_v2(db,
                           "SELECT entity_id, text, lang, kind, case_policy, accents FROM alias "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sanctagp_grow((void **)&g->al, &g->alcap, (g->nal) + 1, sizeof *g->al))
            goto nomem;
        galias *a = &g->al[g->nal];
        a->ent = grows_find(g, sqlite3_column_int64(st, 0));
        a->off = g->n;
        if ((rc = grows_cols(g, st, 1, AC_N, a->len)))
            goto fail;
        g->nal++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;

    /* entities in key order */
    if (g->nent && !(g->by_key = malloc(g->nent * sizeof *g->by_key)))
        goto nomem;
    if (sqlite3_prepare_v2(db, "SELECT id FROM entity ORDER BY key", -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    size_t r = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t i = grows_find(g, sqlite3_column_int64(st, 0));
        if (i == GNONE || r == g->nent)
            goto changed;
        g->by_key[r++] = i;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    if (r != g->nent)
        goto changed;
    sqlite3_finalize(st);
    return 0;
changed:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                            "%s: entity table changed while it was read", path);
    goto fail;
nomem:
    rc = SANCTAG_E_NOMEM;
    goto fail;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                            path, sqlite3_errmsg(db));
fail:
    if (rc != SANCTAG_E_DB)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot read gazetteer: %s", path,
                           sanctag_status_name(rc));
    sqlite3_finalize(st);
    grows_free(g);
    return rc;
}

/* ---- content version -------------------------------------------------------- */

/* a row's columns, each followed by 0x1f, then 0x1e */
static uint64_t fnv_row(uint64_t h, const char *p, const uint32_t *len, int n)
{
    for (int i = 0; i < n; i++) {
        h = sanctagp_fnv1a(h, p, len[i]);
        h = (h ^ 0x1f) * 0x100000001b3ull;
        p += len[i] + 1;
    }
    return (h ^ 0x1e) * 0x100000001b3ull;
}

typedef struct vjob {
    const grows *g;
    uint64_t h;
    int rc;
} vjob;

/* alias text in SQLite's BINARY order: memcmp, then the shorter first */
static int galias_text_cmp(const grows *g, uint32_t x, uint32_t y)
{
    const galias *a = &g->al[x], *b = &g->al[y];
    uint32_t n = a->len[AC_TEXT] < b->len[AC_TEXT] ? a->len[AC_TEXT] : b->len[AC_TEXT];
    int c = memcmp(g->buf + a->off, g->buf + b->off, n);
    return c ? c : (a->len[AC_TEXT] > b->len[AC_TEXT]) - (a->len[AC_TEXT] < b->len[AC_TEXT]);
}

/* an alias's text, for sorting the aliases of an entity that has many */
typedef struct vtext {
    const char *p;
    uint32_t len, idx;
} vtext;

static int vtext_cmp(const void *x, const void *y)
{
    const vtext *a = x, *b = y;
    int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Sorts order[b..e) (alias indices of one entity) by text. */
static int sort_texts(const grows *g, uint32_t *order, size_t b, size_t e)
{
    if (e - b <= 16) {
        for (size_t i = b + 1; i < e; i++) {
            uint32_t x = order[i];
            size_t k = i;
            while (k > b && galias_text_cmp(g, order[k - 1], x) > 0) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = x;
        }
        return 0;
    }
    vtext *t = malloc((e - b) * sizeof *t);
    if (!t)
        return SANCTAG_E_NOMEM;
    for (size_t i = b; i < e; i++)
        t[i - b] = (vtext){g->buf + g->al[order[i]].off, g->al[order[i]].len[AC_TEXT], order[i]};
    qsort(t, e - b, sizeof *t, vtext_cmp);
    for (size_t i = b; i < e; i++)
        order[i] = t[i - b].idx;
    free(t);
    return 0;
}

static void *content_version(void *arg)
{
    vjob *j = arg;
    const grows *g = j->g;
    size_t n = g->nent;
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);   /* by entity index */
    uint32_t *start = calloc(n + 1, sizeof *start);        /* aliases per rank, summed */
    uint32_t *order = malloc((g->nal ? g->nal : 1) * sizeof *order);
    j->rc = 0;
    if (!rank || !start || !order || g->nal >= UINT32_MAX) {
        j->rc = SANCTAG_E_NOMEM;
        goto out;
    }
    for (size_t r = 0; r < n; r++)
        rank[g->by_key[r]] = (uint32_t)r;
    /* aliases by their entity's rank (a counting sort), then by text; those
     * of no entity are left out, as the join leaves them out */
    size_t nal = 0;
    for (size_t i = 0; i < g->nal; i++)
        if (g->al[i].ent != GNONE) {
            start[rank[g->al[i].ent] + 1]++;
            nal++;
        }
    for (size_t r = 0; r < n; r++)
        start[r + 1] += start[r];
    for (size_t i = 0; i < g->nal; i++)
        if (g->al[i].ent != GNONE)
            order[start[rank[g->al[i].ent]]++] = (uint32_t)i;
    /* start[r] is now where rank r + 1 begins: each entity's aliases by text */
    for (size_t r = 0, b = 0; r < n; b = start[r++])
        if (start[r] - b > 1 && (j->rc = sort_texts(g, order, b, start[r])))
            goto out;
    uint64_t h = 0xcbf29ce484222325ull;
    /* rows in key order are all over memory: fetch a few ahead */
    enum { AHEAD = 8 };
    for (size_t r = 0; r < n; r++) {
        if (r + 2 * AHEAD < n)
            __builtin_prefetch(&g->ent[g->by_key[r + 2 * AHEAD]]);
        if (r + AHEAD < n)
            __builtin_prefetch(g->buf + g->ent[g->by_key[r + AHEAD]].off);
        const gent *e = &g->ent[g->by_key[r]];
        h = fnv_row(h, g->buf + e->off, e->len, EC_N);
    }
    for (size_t i = 0; i < nal; i++) {
        if (i + 3 * AHEAD < nal)
            __builtin_prefetch(&g->al[order[i + 3 * AHEAD]]);
        if (i + 2 * AHEAD < nal) {
            const galias *f = &g->al[order[i + 2 * AHEAD]];
            __builtin_prefetch(g->buf + f->off);
            __builtin_prefetch(&g->ent[f->ent]);
        }
        if (i + AHEAD < nal)
            __builtin_prefetch(g->buf + g->ent[g->al[order[i + AHEAD]].ent].off);
        const galias *a = &g->al[order[i]];
        const gent *e = &g->ent[a->ent];
        h = sanctagp_fnv1a(h, g->buf + e->off, e->len[EC_KEY]); /* e.key first, as in the join */
        h = (h ^ 0x1f) * 0x100000001b3ull;
        h = fnv_row(h, g->buf + a->off, a->len, AC_N);
    }
    j->h = h;
out:
    free(rank);
    free(start);
    free(order);
    return NULL;
}

/* ---- the matcher from rows ----------------------------------------------------- */

/* column k of a row whose columns start at p */
static const char *gcol(const char *p, const uint32_t *len, int k)
{
    for (int i = 0; i < k; i++)
        p += len[i] + 1;
    return p;
}

/* As sanctagp_db_compile() does from the tables, up to mbuild_finish. */
static int compile_rows(const grows *g, int weak, sanctagp_mbuild *b)
{
    uint32_t *map = calloc(g->nent ? g->nent : 1, sizeof *map); /* entity index -> matcher's + 1 */
    if (!map)
        return SANCTAG_E_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < g->nent && !rc; i++) {
        const gent *e = &g->ent[i];
        if (e->id <= 0 || e->id > (sqlite3_int64)UINT32_MAX - 1)
            continue;
        const char *c[EC_N];
        const char *p = g->buf + e->off;
        for (int k = 0; k < EC_N; k++) {
            c[k] = p;
            p += e->len[k] + 1;
        }
        uint32_t idx;
        rc = sanctagp_mbuild_entity(b, c[EC_KEY], c[EC_LABEL], c[EC_NAME], c[EC_COUNTRY],
                                    e->listed, c[EC_PROGRAMS], c[EC_LIST_SOURCE], c[EC_LIST_REF],
                                    c[EC_LISTED_ON], &idx);
        map[i] = idx + 1;
    }
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t i = 0; i < g->nal && !rc; i++) {
            const galias *a = &g->al[i];
            if (a->ent == GNONE || g->ent[a->ent].pass != pass || !map[a->ent])
                continue;
            const char *p = g->buf + a->off;
            rc = compile_alias(b, map[a->ent] - 1, weak, p, gcol(p, a->len, AC_KIND),
                               gcol(p, a->len, AC_LANG), gcol(p, a->len, AC_CASE),
                               gcol(p, a->len, AC_ACCENTS));
        }
    free(map);
    return rc;
}

/* Stores a compiled matcher for gazetteer `version`. Returns an SQLite code. */
static int store_image(sqlite3 *db, const char *version, const void *img, size_t size)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT OR REPLACE INTO matcher (id, version, format, image) "
                                "VALUES (1, ?, ?, ?)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)SANCTAGP_IMAGE_FORMAT);
        sqlite3_bind_blob64(st, 3, img, size, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc;
}

/* A gazetteer whose stored matcher is of an older image format (written by an
 * earlier sanctag) gets the one just compiled, when the file is writable and
 * not busy, so later start-ups are fast again. Failure changes nothing. */
static void store_upgraded(const char *path, const char *version, const void *img, size_t size)
{
    if (access(path, W_OK) != 0)
        return;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
        SQLITE_OK) {
        sqlite3_busy_timeout(db, 0);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
            char *v = sanctagp_db_meta(db, "version"), *d = sanctagp_db_meta(db, "dirty");
            /* unchanged since we read it */
            int same = v && d && strcmp(v, version) == 0 && strcmp(d, "0") == 0;
            if (same && store_image(db, version, img, size) == SQLITE_OK)
                sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            else
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            free(v);
            free(d);
        }
    }
    sqlite3_close(db);
}

struct sanctagp_refresh {
    grows g;
    vjob version;           /* content_version() */
    sanctagp_mbuild *b;     /* compile_rows() into it */
    int compile_rc;
    pthread_t threads[2];
    int started[2];
};

static void *compile_job(void *arg)
{
    sanctagp_refresh *r = arg;
    r->compile_rc = r->b ? compile_rows(&r->g, 0, r->b) : SANCTAG_E_NOMEM;
    return NULL;
}

/* Waits for the version and the matcher; returns the first failure. */
static int refresh_wait(sanctagp_refresh *r)
{
    for (int i = 0; i < 2; i++)
        if (r->started[i]) {
            pthread_join(r->threads[i], NULL);
            r->started[i] = 0;
        }
    return r->compile_rc ? r->compile_rc : r->version.rc;
}

static void refresh_free(sanctagp_refresh *r)
{
    sanctagp_mbuild_free(r->b);
    grows_free(&r->g);
    free(r);
}

int sanctagp_db_refresh_start(sqlite3 *db, const char *path, sanctagp_refresh **ret,
                              sanctag_error *err)
{
    sanctagp_refresh *r = calloc(1, sizeof *r);
    if (!r)
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    int rc = grows_read(db, path, &r->g, err);
    if (rc) {
        free(r);
        return rc;
    }
    /* the version and the matcher each on a thread of its own: they only
     * read r->g, and the matcher needs the version only to finish. Without
     * threads, here and now. */
    r->version.g = &r->g;
    r->b = sanctagp_mbuild_new();
    r->started[0] = pthread_create(&r->threads[0], NULL, content_version, &r->version) == 0;
    if (!r->started[0])
        content_version(&r->version);
    r->started[1] = pthread_create(&r->threads[1], NULL, compile_job, r) == 0;
    if (!r->started[1])
        compile_job(r);
    *ret = r;
    return 0;
}

void sanctagp_db_refresh_cancel(sanctagp_refresh *r)
{
    if (!r)
        return;
    refresh_wait(r);
    refresh_free(r);
}

int sanctagp_db_refresh_finish(sqlite3 *db, const char *path, sanctagp_refresh *r,
                               sanctag_error *err)
{
    int rc = refresh_wait(r);
    char version[64];
    void *img = NULL;
    size_t size = 0;
    if (!rc) {
        snprintf(version, sizeof version, "%016llx", (unsigned long long)r->version.h);
        rc = sanctagp_mbuild_finish(r->b, version, &img, &size);
    }
    refresh_free(r);
    if (rc)
        return compile_failed(rc, path, err);
    rc = store_image(db, version, img, size);
    free(img);
    if (rc != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                  "%s: cannot store compiled matcher: %s", path,
                                  sqlite3_errmsg(db));
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE meta SET value = '%s' WHERE key = 'version';"
             "UPDATE meta SET value = '0' WHERE key = 'dirty';",
             version);
    return sanctagp_db_exec(db, path, sql, err);
}

int sanctagp_db_refresh(sqlite3 *db, const char *path, sanctag_error *err)
{
    sanctagp_refresh *r = NULL;
    int rc = sanctagp_db_refresh_start(db, path, &r, err);
    return rc ? rc : sanctagp_db_refresh_finish(db, path, r, err);
}

/* ---- the public gazetteer object ----------------------------------------- */

/* Memory for a matcher image. The trie is read at random all over the image,
 * so a large one is put on 2 MB pages where the kernel offers them
 * (transparent huge pages in "madvise" mode, Debian's default): a 70 MB image
 * then needs 35 TLB entries instead of 17,000, and loading it takes 35 page
 * faults instead of 17,000. Small images stay on the heap. */
#define IMAGE_HUGE_MIN ((size_t)4 << 20)
#define IMAGE_HUGE_PAGE ((size_t)2 << 20)

static void *image_alloc(size_t n)
{
    size_t want = (n + 7) & ~(size_t)7;
#ifdef MADV_HUGEPAGE
    if (want >= IMAGE_HUGE_MIN) {
        want = (want + IMAGE_HUGE_PAGE - 1) & ~(IMAGE_HUGE_PAGE - 1);
        void *p = aligned_alloc(IMAGE_HUGE_PAGE, want);
        if (p)
            (void)madvise(p, want, MADV_HUGEPAGE); /* advice only: 4 KB pages work too */
        return p;
    }
#endif
    return aligned_alloc(8, want);
}

/* Reads the stored matcher straight into an aligned buffer with the
 * incremental BLOB API: one copy, so a 70 MB image costs 70 MB of memory,
 * not twice that while SQLite assembles the value. */
static int load_stored(sqlite3 *db, const char *version, void **ret, size_t *ret_size)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, length(image) FROM matcher WHERE id = 1 AND version = ? "
                           "AND format = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)SANCTAGP_IMAGE_FORMAT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
        sqlite3_int64 n = sqlite3_column_int64(st, 1);
        sqlite3_blob *blob = NULL;
        void *copy = n > 0 && n < INT32_MAX ? image_alloc((size_t)n) : NULL;
        if (copy && sqlite3_blob_open(db, "main", "matcher", "image", rowid, 0, &blob) == SQLITE_OK &&
            sqlite3_blob_bytes(blob) == n && sqlite3_blob_read(blob, copy, (int)n, 0) == SQLITE_OK) {
            *ret = copy;
            *ret_size = (size_t)n;
            ok = 1;
        } else {
            free(copy);
        }
        sqlite3_blob_close(blob);
    }
    sqlite3_finalize(st);
    return ok;
}

int sanctag_gazetteer_open(const char *path, unsigned flags, sanctag_gazetteer **ret_gz,
                           sanctag_error *err)
{
    if (!path || !ret_gz)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, "", 0, 0, -1, "no gazetteer path");
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(path, (flags & SANCTAG_OPEN_WRITE) ? DB_WRITE : DB_READ, &db, err);
    if (rc)
        return rc;
    sanctag_gazetteer *gz = calloc(1, sizeof *gz);
    char *version = NULL, *dirty = NULL;
    if (!gz || !(gz->path = strdup(path))) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        goto fail;
    }
    gz->refs = 1;
    version = sanctagp_db_meta(db, "version");
    dirty = sanctagp_db_meta(db, "dirty");
    int stale = !version || !dirty || strcmp(dirty, "0") != 0;
    int weak = (flags & SANCTAG_OPEN_WEAK) != 0;
    if (!stale && !weak && load_stored(db, version, &gz->image, &gz->image_size) &&
        sanctagp_matcher_load(&gz->m, gz->image, gz->image_size) == 0) {
        snprintf(gz->version, sizeof gz->version, "%s", version);
    } else {
        free(gz->image);
        gz->image = NULL;
        if (stale && (flags & SANCTAG_OPEN_WRITE)) {
            /* rebuild and store, so the next start-up is fast again */
            if ((rc = sanctagp_db_exec(db, path, "BEGIN IMMEDIATE", err)))
                goto fail;
            rc = sanctagp_db_refresh(db, path, err);
            rc = rc ? rc : sanctagp_db_exec(db, path, "COMMIT", err);
            if (rc) {
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
                goto fail;
            }
            free(version);
            version = sanctagp_db_meta(db, "version");
        }
        void *img = NULL;
        size_t size = 0;
        char v[64];
        snprintf(v, sizeof v, "%s%s%s", version ? version : "", stale ? "+modified" : "",
                 weak ? "+weak" : "");
        if ((rc = sanctagp_db_compile(db, path, weak, v, &img, &size, err)))
            goto fail;
        gz->image = image_alloc(size);
        if (!gz->image) {
            free(img);
            rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
            goto fail;
        }
        memcpy(gz->image, img, size);
        if (!stale && !weak)
            store_upgraded(path, version, img, size);
        free(img);
        gz->image_size = size;
        if (sanctagp_matcher_load(&gz->m, gz->image, gz->image_size)) {
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: compiled matcher failed validation", path);
            goto fail;
        }
        snprintf(gz->version, sizeof gz->version, "%s", v);
    }
    free(version);
    free(dirty);
    sqlite3_close(db);
    *ret_gz = gz;
    return 0;
fail:
    free(version);
    free(dirty);
    sqlite3_close(db);
    if (gz) {
        free(gz->path);
        free(gz->image);
        free(gz);
    }
    return rc;
}
