/* store.c - the SQLite gazetteer: schema, versioning, compiling and loading
 * the matcher image, and the public sanctag_gazetteer object. */
#include "gazetteer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sanctagp_error_set(sanctag_error *err, int code, const char *source, long line, long column,
                       long long position, const char *fmt, ...)
{
    if (!err || err->code != 0)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    err->position = position;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

const char *sanctag_status_name(int code)
{
    switch (code) {
    case SANCTAG_OK: return "ok";
    case SANCTAG_E_NOMEM: return "out_of_memory";
    case SANCTAG_E_IO: return "io_error";
    case SANCTAG_E_DB: return "database_error";
    case SANCTAG_E_UTF8: return "invalid_utf8";
    case SANCTAG_E_NUL: return "nul_byte";
    case SANCTAG_E_EMPTY: return "empty_document";
    case SANCTAG_E_JSON: return "invalid_json";
    case SANCTAG_E_FORMAT: return "invalid_record";
    case SANCTAG_E_INVALID: return "invalid_argument";
    case SANCTAG_E_NOTFOUND: return "not_found";
    case SANCTAG_E_ICU: return "icu_error";
    case SANCTAG_E_SCHEMA: return "schema_version";
    case SANCTAG_E_TOOBIG: return "too_big";
    default: return "error";
    }
}

void sanctag_free(void *p)
{
    free(p);
}

/* ---- schema -------------------------------------------------------------- */

static const char schema_sql[] =
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
        if ((size_t)id >= map_cap) {
            size_t nc = map_cap ? map_cap : 1024;
            while (nc <= (size_t)id)
                nc *= 2;
            uint32_t *nm = realloc(map, nc * sizeof *nm);
            if (!nm) {
                rc = SANCTAG_E_NOMEM;
                goto out;
            }
            memset(nm + map_cap, 0, (nc - map_cap) * sizeof *nm);
            map = nm;
            map_cap = nc;
        }
        uint32_t idx;
        rc = sanctagp_mbuild_entity(b, col(st, 1), col(st, 2), col(st, 3), col(st, 4),
                                    sqlite3_column_int(st, 5), col(st, 6), col(st, 7), col(st, 8),
                                    col(st, 9), &idx);
        if (rc)
            goto out;
        map[id] = idx + 1;
    }
    if (rc != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;

    /* a listed entity wins an alias it shares with an unlisted one (the span
     * is then marked ambiguous): every mention of a sanctioned name must carry
     * its listing. Listed entities' aliases first, then the others, each in
     * alias order: two scans in table order instead of a sort. */
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
            int kind = sanctagp_kind_from_name(col(st, 2));
            if (kind < 0)
                kind = KIND_NAME;
            if (kind == KIND_WEAK && !weak)
                continue;
            const char *text = col(st, 1);
            rc = sanctagp_mbuild_alias(b, map[eid] - 1, text, strlen(text), kind, col(st, 3),
                                       col(st, 4), strcmp(col(st, 5), "strict") != 0);
            if (rc == SANCTAG_E_FORMAT || rc == SANCTAG_E_TOOBIG || rc == SANCTAG_E_UTF8 ||
                rc == SANCTAG_E_INVALID) {
                rc = 0; /* an alias with no tokens can never match; import checks report these */
                continue;
            }
            if (rc)
                goto out;
        }
        if (rc != SQLITE_DONE)
            goto dberr;
        sqlite3_finalize(st);
        st = NULL;
    }
    rc = sanctagp_mbuild_finish(b, version, ret_image, ret_size);
    if (rc)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot compile matcher: %s", path,
                           sanctag_status_name(rc));
    goto out;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                            path, sqlite3_errmsg(db));
out:
    if (rc && rc != SANCTAG_E_DB && err && !err->code)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot compile matcher: %s", path,
                           sanctag_status_name(rc));
    sqlite3_finalize(st);
    free(map);
    sanctagp_mbuild_free(b);
    return rc;
}

/* Content version: a hash of every entity and alias row, so equal content
 * gives an equal version whoever built it: FNV-1a over every entity (ordered
 * by key) and every alias (ordered by entity key and text), each column's
 * text followed by 0x1f and each row by 0x1e, the bytes
 *   SELECT key, label, name, country, valid_from, valid_to, listed, programs,
 *          list_source, list_ref, listed_on, attrs FROM entity ORDER BY key
 *   SELECT e.key, a.text, a.lang, a.kind, a.case_policy, a.accents FROM alias a
 *          JOIN entity e ON e.id = a.entity_id ORDER BY e.key, a.text
 * give. Reading the tables through the key index would jump around the file,
 * and sorting their rows costs string comparisons; instead the key order is
 * read from the key index alone (entity ids in key order: a sequential scan
 * of a covering index), both tables are read in table order, and each row is
 * put at its entity's rank: only the aliases of one entity are ever sorted. */

/* Row bytes kept until they are hashed in order; offsets, as it grows. */
typedef struct vbuf {
    char *p;
    size_t n, cap;
} vbuf;

static int vb_put(vbuf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? b->cap : 1 << 16;
        while (nc < b->n + n)
            nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q)
            return -1;
        b->p = q;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

/* The columns i0.. of a row as hashed: each text, then 0x1f; 0x1e at the end. */
static int vb_row(vbuf *b, sqlite3_stmt *st, int i0)
{
    int ncol = sqlite3_column_count(st);
    for (int i = i0; i < ncol; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        size_t len = (size_t)sqlite3_column_bytes(st, i);
        if ((len && vb_put(b, t, len)) || vb_put(b, "\x1f", 1))
            return -1;
    }
    return vb_put(b, "\x1e", 1);
}

typedef struct vrank {
    sqlite3_int64 id;
    uint32_t rank; /* position of the entity's key in key order */
} vrank;

static int vrank_cmp(const void *x, const void *y)
{
    sqlite3_int64 a = ((const vrank *)x)->id, b = ((const vrank *)y)->id;
    return (a > b) - (a < b);
}

/* rank of entity `id`, or -1 */
static long vrank_find(const vrank *v, size_t n, sqlite3_int64 id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].id == id ? (long)v[lo].rank : -1;
}

typedef struct vspan {
    size_t off, len; /* len 0: not seen (a row has at least its 0x1e) */
    size_t klen;     /* its key's bytes, at off */
} vspan;

typedef struct valias {
    uint32_t rank;   /* of its entity */
    uint32_t tlen;   /* bytes of its text */
    size_t off, len; /* its bytes after the key: text 0x1f lang 0x1f ... 0x1e */
    const char *p;   /* = arena + off, once the arena stops moving */
} valias;

/* alias text in SQLite's BINARY order: memcmp, then the shorter first */
static int valias_cmp(const void *x, const void *y)
{
    const valias *a = x, *b = y;
    int c = memcmp(a->p, b->p, a->tlen < b->tlen ? a->tlen : b->tlen);
    return c ? c : (a->tlen > b->tlen) - (a->tlen < b->tlen);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t j = 0; j < n; j++)
        h = (h ^ b[j]) * 0x100000001b3ull;
    return h;
}

static int content_version(sqlite3 *db, const char *path, char out[64], sanctag_error *err)
{
    vrank *ranks = NULL;           /* by id */
    size_t n = 0, cap = 0;         /* entities */
    vspan *erow = NULL;            /* per rank: the entity's row in ebuf */
    vbuf ebuf = {0}, abuf = {0};
    valias *al = NULL, *sorted = NULL;
    size_t nal = 0, alcap = 0;
    uint32_t *start = NULL;
    sqlite3_stmt *st = NULL;
    uint64_t h = 0xcbf29ce484222325ull;
    int rc = 0, s;

    /* 1. entity ids in key order */
    if (sqlite3_prepare_v2(db, "SELECT id FROM entity ORDER BY key", -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            vrank *nr = realloc(ranks, nc * sizeof *nr);
            if (!nr)
                goto nomem;
            ranks = nr;
            cap = nc;
        }
        if (n >= UINT32_MAX)
            goto nomem;
        ranks[n] = (vrank){sqlite3_column_int64(st, 0), (uint32_t)n};
        n++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (n > 1)
        qsort(ranks, n, sizeof *ranks, vrank_cmp);

    /* 2. entity rows in table order, each noted at its rank */
    if (n && !(erow = calloc(n, sizeof *erow)))
        goto nomem;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, key, label, name, country, valid_from, valid_to, listed, "
                           "programs, list_source, list_ref, listed_on, attrs FROM entity",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long r = vrank_find(ranks, n, sqlite3_column_int64(st, 0));
        if (r < 0 || erow[r].len)
            goto changed;
        erow[r].off = ebuf.n;
        erow[r].klen = (size_t)sqlite3_column_bytes(st, 1);
        if (vb_row(&ebuf, st, 1))
            goto nomem;
        erow[r].len = ebuf.n - erow[r].off;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    for (size_t r = 0; r < n; r++)
        if (!erow[r].len)
            goto changed;

    /* 3. alias rows in table order (those of no entity are left out, as the
     * join leaves them out) */
    if (sqlite3_prepare_v2(db,
                           "SELECT entity_id, text, lang, kind, case_policy, accents FROM alias",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long r = vrank_find(ranks, n, sqlite3_column_int64(st, 0));
        if (r < 0)
            continue;
        if (nal == alcap) {
            size_t nc = alcap ? alcap * 2 : 1024;
            valias *na = realloc(al, nc * sizeof *na);
            if (!na)
                goto nomem;
            al = na;
            alcap = nc;
        }
        size_t tlen = (size_t)sqlite3_column_bytes(st, 1);
        if (tlen > UINT32_MAX)
            goto nomem;
        valias *a = &al[nal];
        a->rank = (uint32_t)r;
        a->tlen = (uint32_t)tlen;
        a->off = abuf.n;
        if (vb_row(&abuf, st, 1))
            goto nomem;
        a->len = abuf.n - a->off;
        nal++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;

    /* 4. aliases grouped by entity rank (a counting sort), each entity's by text */
    if (!(start = calloc(n + 1, sizeof *start)) || (nal && !(sorted = malloc(nal * sizeof *sorted))))
        goto nomem;
    for (size_t i = 0; i < nal; i++) {
        al[i].p = abuf.p + al[i].off;
        start[al[i].rank + 1]++;
    }
    for (size_t r = 0; r < n; r++)
        start[r + 1] += start[r];
    for (size_t i = 0; i < nal; i++)
        sorted[start[al[i].rank]++] = al[i];
    /* start[r] is now where rank r + 1 begins */
    for (size_t r = 0, b = 0; r < n; r++) {
        size_t e = start[r];
        if (e - b > 1)
            qsort(sorted + b, e - b, sizeof *sorted, valias_cmp);
        b = e;
    }

    /* 5. the hash: entities by key, then aliases by key and text (an alias
     * row begins with its entity's key, the first column of its row) */
    for (size_t r = 0; r < n; r++)
        h = fnv1a(h, ebuf.p + erow[r].off, erow[r].len);
    for (size_t i = 0, r = 0; i < nal; i++) {
        while (i >= start[r])
            r++;
        h = fnv1a(h, ebuf.p + erow[r].off, erow[r].klen + 1); /* the key and its 0x1f */
        h = fnv1a(h, sorted[i].p, sorted[i].len);
    }
    rc = 0;
    goto out;
changed:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                            "%s: entity table changed while it was read", path);
    goto out;
nomem:
    rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    goto out;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: %s", path,
                            sqlite3_errmsg(db));
out:
    sqlite3_finalize(st);
    free(ranks);
    free(erow);
    free(ebuf.p);
    free(abuf.p);
    free(al);
    free(sorted);
    free(start);
    if (!rc)
        snprintf(out, 64, "%016llx", (unsigned long long)h);
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

int sanctagp_db_refresh(sqlite3 *db, const char *path, sanctag_error *err)
{
    char version[64];
    int rc = content_version(db, path, version, err);
    if (rc)
        return rc;
    void *img = NULL;
    size_t size = 0;
    if ((rc = sanctagp_db_compile(db, path, 0, version, &img, &size, err)))
        return rc;
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

/* ---- the public gazetteer object ----------------------------------------- */

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
        void *copy = n > 0 && n < INT32_MAX ? aligned_alloc(8, ((size_t)n + 7) & ~(size_t)7)
                                           : NULL;
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
        gz->image = aligned_alloc(8, (size + 7) & ~(size_t)7);
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

sanctag_gazetteer *sanctag_gazetteer_ref(sanctag_gazetteer *gz)
{
    if (gz)
        __atomic_add_fetch(&gz->refs, 1, __ATOMIC_RELAXED);
    return gz;
}

void sanctag_gazetteer_unref(sanctag_gazetteer *gz)
{
    if (!gz || __atomic_sub_fetch(&gz->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    free(gz->path);
    free(gz->image);
    free(gz);
}

const char *sanctag_gazetteer_version(const sanctag_gazetteer *gz)
{
    return gz->version;
}

const char *sanctag_gazetteer_path(const sanctag_gazetteer *gz)
{
    return gz->path;
}

uint32_t sanctag_gazetteer_entity_count(const sanctag_gazetteer *gz)
{
    return gz->m.h->n_entities;
}

uint32_t sanctag_gazetteer_alias_count(const sanctag_gazetteer *gz)
{
    return gz->m.h->n_aliases;
}

int sanctag_gazetteer_entity(const sanctag_gazetteer *gz, uint32_t index, sanctag_entity *ret)
{
    if (!gz || index >= gz->m.h->n_entities)
        return SANCTAG_E_INVALID;
    const sanctagp_ent *e = &gz->m.ent[index];
    const sanctagp_matcher *m = &gz->m;
    ret->key = sanctagp_str(m, e->key);
    ret->label = sanctagp_str(m, e->label);
    ret->name = sanctagp_str(m, e->name);
    ret->country = sanctagp_str(m, e->country);
    ret->listed = (int)e->listed;
    ret->programs = sanctagp_str(m, e->programs);
    ret->list_source = sanctagp_str(m, e->list_source);
    ret->list_ref = sanctagp_str(m, e->list_ref);
    ret->listed_on = sanctagp_str(m, e->listed_on);
    return 0;
}
