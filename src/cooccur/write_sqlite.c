/* write_sqlite.c - the SQLite output: the schema, the document listing
 * written while counting (the sink), then meta, periods, entities, their
 * periods and pairs, the indexes, one commit. */
#include <stdio.h>

#include <sqlite3.h>

#include "cooccur/cooccur_int.h"

struct sanctagp_cooc_sqlite {
    sqlite3 *db;
    sqlite3_stmt *doc, *dent, *dpair;
};

static const char schema_sql[] =
    "PRAGMA journal_mode=OFF;\n"
    "PRAGMA synchronous=OFF;\n"
    "PRAGMA user_version=1;\n"
    "BEGIN;\n"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);\n"
    "CREATE TABLE periods(period TEXT PRIMARY KEY, start TEXT, end TEXT, units INTEGER,\n"
    "  documents INTEGER);\n"
    "CREATE TABLE entities(key TEXT PRIMARY KEY, name TEXT, label TEXT, country TEXT,\n"
    "  count INTEGER, documents INTEGER, first_seen TEXT, last_seen TEXT);\n"
    "CREATE TABLE entity_periods(period TEXT REFERENCES periods(period),\n"
    "  entity TEXT REFERENCES entities(key), count INTEGER, documents INTEGER,\n"
    "  first_seen TEXT, last_seen TEXT, PRIMARY KEY(period, entity));\n"
    "CREATE TABLE pairs(period TEXT REFERENCES periods(period),\n"
    "  a TEXT REFERENCES entities(key), a_name TEXT, a_label TEXT, a_country TEXT,\n"
    "  b TEXT REFERENCES entities(key), b_name TEXT, b_label TEXT, b_country TEXT,\n"
    "  count INTEGER, documents INTEGER, a_count INTEGER, b_count INTEGER, units INTEGER,\n"
    "  total_documents INTEGER, npmi REAL, first_seen TEXT, last_seen TEXT,\n"
    "  PRIMARY KEY(period, a, b));\n"
    "CREATE TABLE documents(doc INTEGER PRIMARY KEY, id, date TEXT, date_raw TEXT,\n"
    "  period TEXT REFERENCES periods(period), units INTEGER, error TEXT);\n"
    "CREATE TABLE document_entities(doc INTEGER REFERENCES documents(doc),\n"
    "  entity TEXT REFERENCES entities(key), units INTEGER, PRIMARY KEY(doc, entity));\n"
    "CREATE TABLE document_pairs(doc INTEGER REFERENCES documents(doc),\n"
    "  a TEXT REFERENCES entities(key), b TEXT REFERENCES entities(key), units INTEGER,\n"
    "  PRIMARY KEY(doc, a, b));\n";

static const char index_sql[] =
    "CREATE INDEX pairs_a ON pairs(a);\n"
    "CREATE INDEX pairs_b ON pairs(b);\n"
    "CREATE INDEX pairs_period_count ON pairs(period, count DESC);\n"
    "CREATE INDEX pairs_npmi ON pairs(npmi);\n"
    "CREATE INDEX entities_label ON entities(label);\n"
    "CREATE INDEX entities_count ON entities(count DESC);\n"
    "CREATE INDEX entity_periods_entity ON entity_periods(entity);\n"
    "CREATE INDEX documents_id ON documents(id);\n"
    "CREATE INDEX documents_period ON documents(period);\n"
    "CREATE INDEX document_entities_entity ON document_entities(entity);\n"
    "CREATE INDEX document_pairs_ab ON document_pairs(a, b);\n"
    "CREATE INDEX document_pairs_b ON document_pairs(b);\n";

static int db_fail(sqlite3 *db, sanctag_error *err, const char *what)
{
    return sanctagp_error_set(err, SANCTAG_E_DB, NULL, 0, 0, -1, "%s: %s", what,
                              db ? sqlite3_errmsg(db) : "out of memory");
}

void sanctagp_cooc_sqlite_close(sanctagp_cooc_sqlite *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->doc);
    sqlite3_finalize(w->dent);
    sqlite3_finalize(w->dpair);
    sqlite3_close(w->db);
    free(w);
}

int sanctagp_cooc_sqlite_open(const char *path, sanctagp_cooc_sqlite **ret, sanctag_error *err)
{
    sanctagp_cooc_sqlite *w = calloc(1, sizeof *w);
    if (!w)
        return SANCTAG_E_NOMEM;
    if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(w->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO documents VALUES(?,?,?,?,?,?,?)", -1, &w->doc,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO document_entities VALUES(?,?,?)", -1, &w->dent,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO document_pairs VALUES(?,?,?,?)", -1, &w->dpair,
                           NULL) != SQLITE_OK) {
        int rc = db_fail(w->db, err, path);
        sanctagp_cooc_sqlite_close(w);
        return rc;
    }
    *ret = w;
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
    if (!v || json_is_null(v)) {
        sqlite3_bind_null(st, i);
    } else if (json_is_string(v)) {
        sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v),
                          SQLITE_TRANSIENT);
    } else if (json_is_integer(v)) {
        sqlite3_bind_int64(st, i, json_integer_value(v));
    } else if (json_is_real(v)) {
        sqlite3_bind_double(st, i, json_real_value(v));
    } else if (json_is_boolean(v)) {
        sqlite3_bind_int(st, i, json_is_true(v));
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s)
            sqlite3_bind_text(st, i, s, -1, free);
        else
            sqlite3_bind_null(st, i);
    }
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : SANCTAG_E_DB;
}

int sanctagp_cooc_sqlite_doc_sink(void *data, const sanctagp_cooc_doc *d)
{
    sanctagp_cooc_sqlite *w = data;
    sqlite3_bind_int64(w->doc, 1, (sqlite3_int64)d->doc);
    bind_json(w->doc, 2, d->id);
    bind_text(w->doc, 3, d->date);
    bind_text(w->doc, 4, d->date_raw);
    bind_text(w->doc, 5, d->period);
    sqlite3_bind_int64(w->doc, 6, (sqlite3_int64)d->units);
    bind_text(w->doc, 7, d->error);
    if (step_done(w->doc))
        return SANCTAG_E_DB;
    for (size_t i = 0; i < d->nent; i++) {
        sqlite3_bind_int64(w->dent, 1, (sqlite3_int64)d->doc);
        bind_text(w->dent, 2, d->ent[i].key);
        sqlite3_bind_int64(w->dent, 3, (sqlite3_int64)d->ent[i].units);
        if (step_done(w->dent))
            return SANCTAG_E_DB;
    }
    for (size_t i = 0; i < d->npair; i++) {
        sqlite3_bind_int64(w->dpair, 1, (sqlite3_int64)d->doc);
        bind_text(w->dpair, 2, d->pair[i].a);
        bind_text(w->dpair, 3, d->pair[i].b);
        sqlite3_bind_int64(w->dpair, 4, (sqlite3_int64)d->pair[i].units);
        if (step_done(w->dpair))
            return SANCTAG_E_DB;
    }
    return 0;
}

/* meta rows: nested objects flattened as "totals.documents", arrays as JSON text. */
static int meta_rows(sqlite3_stmt *st, json_t *obj, const char *prefix)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        char key[256];
        snprintf(key, sizeof key, "%.100s%.100s", prefix, k);
        if (json_is_object(v)) {
            char pre[128];
            snprintf(pre, sizeof pre, "%.100s.", key);
            if (meta_rows(st, v, pre))
                return SANCTAG_E_DB;
            continue;
        }
        bind_text(st, 1, key);
        if (json_is_array(v))
            bind_json(st, 2, v);
        else if (json_is_boolean(v))
            sqlite3_bind_int(st, 2, json_is_true(v));
        else
            bind_json(st, 2, v);
        if (step_done(st))
            return SANCTAG_E_DB;
    }
    return 0;
}

static void bind_date(sqlite3_stmt *st, int i, int32_t ymd)
{
    char b[16];
    bind_text(st, i, sanctagp_cooc_date_or_null(ymd, b));
}

/* Columns i..i+3: key, name, label, country of node `n`. */
static void bind_node(sqlite3_stmt *st, int i, const sanctagp_cooc *c, uint32_t n)
{
    bind_text(st, i, c->nodes.keys[n]);
    bind_text(st, i + 1, sanctagp_cooc_node_name(c, n));
    bind_text(st, i + 2, c->ni[n].label);
    bind_text(st, i + 3, c->ni[n].country);
}

static void bind_period(sqlite3_stmt *st, const sanctagp_cooc *c, const view *v, size_t i)
{
    uint32_t p = v->period_order[i];
    int32_t a, b;
    sanctagp_cooc_period_bounds(c->periods.keys[p], &a, &b);
    bind_text(st, 1, c->periods.keys[p]);
    bind_date(st, 2, a);
    bind_date(st, 3, b);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)c->p_units[p]);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)c->p_docs[p]);
}

static void bind_entity(sqlite3_stmt *st, const sanctagp_cooc *c, const view *v, size_t i)
{
    uint32_t n = v->node_order[i];
    bind_node(st, 1, c, n);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)v->n_count[n]);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)v->n_docs[n]);
    bind_date(st, 7, v->n_first[n]);
    bind_date(st, 8, v->n_last[n]);
}

static void bind_entity_period(sqlite3_stmt *st, const sanctagp_cooc *c, const view *v, size_t i)
{
    const ent_row *e = &c->ents[v->e[i]];
    bind_text(st, 1, c->periods.keys[e->period]);
    bind_text(st, 2, c->nodes.keys[e->node]);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)e->count);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->docs);
    bind_date(st, 5, e->first);
    bind_date(st, 6, e->last);
}

static void bind_pair(sqlite3_stmt *st, const sanctagp_cooc *c, const view *v, size_t i)
{
    const prow *p = &v->p[i];
    const pair_row *r = &c->pairs[p->row];
    bind_text(st, 1, c->periods.keys[r->period]);
    bind_node(st, 2, c, p->a);
    bind_node(st, 6, c, p->b);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)r->count);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)r->docs);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)p->ca);
    sqlite3_bind_int64(st, 13, (sqlite3_int64)p->cb);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)c->p_units[r->period]);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)c->p_docs[r->period]);
    sqlite3_bind_double(st, 16, p->npmi);
    bind_date(st, 17, r->first);
    bind_date(st, 18, r->last);
}

/* Inserts rows 0..n-1 of table `what` with `sql`, each bound by `bind`. */
static int insert_rows(sqlite3 *db, const char *what, const char *sql, size_t n,
                       void (*bind)(sqlite3_stmt *, const sanctagp_cooc *, const view *, size_t),
                       const sanctagp_cooc *c, const view *v, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(db, err, what);
    for (size_t i = 0; !rc && i < n; i++) {
        bind(st, c, v, i);
        if (step_done(st))
            rc = db_fail(db, err, what);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_meta(sqlite3 *db, const sanctagp_cooc *c, const sanctagp_cooc_out *o,
                       sanctag_error *err)
{
    json_t *m = sanctagp_cooc_meta_json(c, o);
    if (!m)
        return SANCTAG_E_NOMEM;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?,?)", -1, &st, NULL) != SQLITE_OK ||
        meta_rows(st, m, ""))
        rc = db_fail(db, err, "meta");
    sqlite3_finalize(st);
    json_decref(m);
    return rc;
}

int sanctagp_cooc_sqlite_finish(sanctagp_cooc *c, sanctagp_cooc_sqlite *w,
                                const sanctagp_cooc_out *o, sanctag_error *err)
{
    sqlite3 *db = w->db;
    view v;
    if (sanctagp_cooc_view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    int rc;
    if ((rc = insert_meta(db, c, o, err)) ||
        (rc = insert_rows(db, "periods", "INSERT INTO periods VALUES(?,?,?,?,?)", c->periods.n,
                          bind_period, c, &v, err)) ||
        (rc = insert_rows(db, "entities", "INSERT INTO entities VALUES(?,?,?,?,?,?,?,?)",
                          c->nodes.n, bind_entity, c, &v, err)) ||
        (rc = insert_rows(db, "entity_periods", "INSERT INTO entity_periods VALUES(?,?,?,?,?,?)",
                          v.ne, bind_entity_period, c, &v, err)) ||
        (rc = insert_rows(db, "pairs",
                          "INSERT INTO pairs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", v.np,
                          bind_pair, c, &v, err)))
        goto out;
    if (sqlite3_exec(db, index_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(db, err, "commit");
out:
    sanctagp_cooc_view_release(&v);
    return rc;
}
