/* stats.c - `gaz stats`: a summary of what a gazetteer holds (entities,
 * aliases, sanctions listings, sources, versions, the compiled matcher) and
 * which aliases can never match, as one JSON value (queries.h). */
#include "gazetteer/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MATCH_TOKENS 64 /* the tagger walks at most this many tokens from a start */

static const char *txt(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* counters are JSON objects {name: count}, in order of first appearance */
static void count_add(json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_object_get(obj, *key ? key : "-");
    json_object_set_new(obj, *key ? key : "-", json_integer((v ? json_integer_value(v) : 0) + n));
}

typedef struct kv {
    const char *key;
    json_int_t n;
} kv;

static int kv_cmp(const void *x, const void *y)
{
    const kv *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The counter sorted by count (descending), then name: a new JSON object. */
static json_t *sorted(json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    kv *v = malloc((n ? n : 1) * sizeof *v);
    json_t *out = json_object();
    if (!v || !out) {
        free(v);
        json_decref(out);
        return NULL;
    }
    const char *k;
    json_t *val;
    json_object_foreach(obj, k, val) v[i++] = (kv){k, json_integer_value(val)};
    qsort(v, n, sizeof *v, kv_cmp);
    for (i = 0; i < n; i++)
        json_object_set_new(out, v[i].key, json_integer(v[i].n));
    free(v);
    return out;
}

/* Runs `sql` (one row expected) into integers. */
static int one_row(sqlite3 *db, const char *sql, json_int_t *a, json_int_t *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (a)
            *a = sqlite3_column_int64(st, 0);
        if (b)
            *b = sqlite3_column_int64(st, 1);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}


/* 1 when the stored matcher image is byte for byte the one gz loaded */
static int stored_is_loaded(sqlite3 *db, const sanctag_gazetteer *gz)
{
    sqlite3_stmt *st = NULL;
    int same = 0;
    if (sqlite3_prepare_v2(db, "SELECT image FROM matcher WHERE id = 1", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        same = p && n == gz->image_size && memcmp(p, gz->image, n) == 0;
    }
    sqlite3_finalize(st);
    return same;
}

/* the compiled matcher: stored, current, its size; and the one loaded */
static json_t *stats_matcher(sqlite3 *db, const sanctag_gazetteer *gz, const char *version,
                             const char *dirty)
{
    sqlite3_stmt *st = NULL;
    json_t *m = json_object();
    if (sqlite3_prepare_v2(db, "SELECT version, format, length(image) FROM matcher WHERE id = 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        json_object_set_new(m, "stored", json_true());
        json_object_set_new(m, "image_bytes", json_integer(sqlite3_column_int64(st, 2)));
        json_object_set_new(m, "format", json_integer(sqlite3_column_int64(st, 1)));
        json_object_set_new(m, "compiled_from", json_string(txt(st, 0)));
        int fresh = version && strcmp(txt(st, 0), version) == 0 && dirty &&
                    strcmp(dirty, "0") == 0;
        /* the open checked the stored image against the rows and compiled
         * its own when they did not match (gazetteer.c): the stored one is
         * current only when it is the one loaded */
        int same = fresh && stored_is_loaded(db, gz);
        json_object_set_new(m, "current", json_boolean(same));
        json_object_set_new(m, "matches_content", json_boolean(!fresh || same));
    } else {
        json_object_set_new(m, "stored", json_false());
        json_object_set_new(m, "current", json_false());
    }
    sqlite3_finalize(st);
    json_object_set_new(m, "entities", json_integer(sanctag_gazetteer_entity_count(gz)));
    json_object_set_new(m, "aliases", json_integer(sanctag_gazetteer_alias_count(gz)));
    json_object_set_new(m, "loaded_bytes", json_integer((json_int_t)gz->image_size));
    return m;
}

/* the sources table, with each source's entity and alias counts */
static json_t *stats_sources(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    json_t *sources = json_array();
    if (sqlite3_prepare_v2(db,
                           "SELECT s.name, s.format, s.path, s.version, s.imported_at, "
                           "(SELECT count(*) FROM entity e WHERE e.source_id = s.id), "
                           "(SELECT count(*) FROM alias a WHERE a.source_id = s.id) "
                           "FROM source s ORDER BY s.id",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(
                sources, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "name", txt(st, 0), "format",
                                   txt(st, 1), "path", txt(st, 2), "version", txt(st, 3),
                                   "imported_at", txt(st, 4), "entities",
                                   (json_int_t)sqlite3_column_int64(st, 5), "aliases",
                                   (json_int_t)sqlite3_column_int64(st, 6)));
    }
    sqlite3_finalize(st);
    return sources;
}

/* entities per label, and per label and source */
static json_t *stats_entities(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    json_t *by_label = json_object(), *by_label_source = json_object();
    json_int_t nent = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT e.label, s.name, count(*) FROM entity e "
                           "JOIN source s ON s.id = e.source_id GROUP BY e.label, s.name "
                           "ORDER BY e.label, count(*) DESC, s.name",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_int_t n = sqlite3_column_int64(st, 2);
            nent += n;
            count_add(by_label, txt(st, 0), n);
            json_t *per = json_object_get(by_label_source, txt(st, 0));
            if (!per) {
                per = json_object();
                json_object_set_new(by_label_source, txt(st, 0), per);
            }
            count_add(per, txt(st, 1), n);
        }
    }
    sqlite3_finalize(st);
    json_t *r = json_pack("{s:I,s:o,s:o}", "total", nent, "by_label", sorted(by_label),
                          "by_label_and_source", by_label_source);
    json_decref(by_label);
    return r;
}

/* aliases that name several entities (the first listed wins, "ambiguous"):
 * the first 20, and how many into *ret_n */
static json_t *stats_shared(sqlite3 *db, json_int_t *ret_n)
{
    sqlite3_stmt *st = NULL;
    json_int_t nshared = 0;
    json_t *shared = json_array();
    if (sqlite3_prepare_v2(db,
                           "SELECT min(a.text), count(DISTINCT a.entity_id), "
                           "group_concat(DISTINCT e.key) FROM alias a "
                           "JOIN entity e ON e.id = a.entity_id WHERE a.kind <> 'suppressor' "
                           "GROUP BY a.norm HAVING count(DISTINCT a.entity_id) > 1 "
                           "ORDER BY count(DISTINCT a.entity_id) DESC, a.norm",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (nshared++ < 20)
                json_array_append_new(shared,
                                      json_pack("{s:s,s:I,s:s}", "alias", txt(st, 0), "entities",
                                                (json_int_t)sqlite3_column_int64(st, 1), "keys",
                                                txt(st, 2)));
        }
    }
    sqlite3_finalize(st);
    *ret_n = nshared;
    return shared;
}

/* aliases: per kind, language and case policy; those that cannot match;
 * those that name several entities */
static json_t *stats_aliases(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    json_t *kind = json_object(), *lang = json_object(), *policy = json_object();
    json_t *never = json_array();
    json_int_t nal = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    if (sqlite3_prepare_v2(db,
                           "SELECT a.text, a.kind, a.lang, a.case_policy, e.key, s.name "
                           "FROM alias a JOIN entity e ON e.id = a.entity_id "
                           "JOIN source s ON s.id = a.source_id ORDER BY a.id",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            char pol[32];
            size_t ntok;
            int brk;
            nal++;
            sanctagp_alias_shape(&tk, txt(st, 0), txt(st, 3), pol, sizeof pol, &ntok, &brk);
            count_add(kind, txt(st, 1), 1);
            count_add(lang, txt(st, 2), 1);
            count_add(policy, pol, 1);
            const char *why = ntok == 0                  ? "no tokens"
                              : brk                      ? "a sentence break inside"
                              : ntok > MAX_MATCH_TOKENS  ? "more than 64 tokens"
                                                         : NULL;
            if (why)
                json_array_append_new(never, json_pack("{s:s,s:s,s:s,s:s}", "alias", txt(st, 0),
                                                       "entity", txt(st, 4), "source",
                                                       txt(st, 5), "reason", why));
        }
    }
    sqlite3_finalize(st);
    sanctagp_tokens_release(&tk);

    json_int_t nshared = 0;
    json_t *shared = stats_shared(db, &nshared);
    json_int_t weak = 0, sup = 0;
    one_row(db, "SELECT (SELECT count(*) FROM alias WHERE kind = 'weak'), "
                "(SELECT count(*) FROM alias WHERE kind = 'suppressor')",
            &weak, &sup);
    json_t *al = json_pack("{s:I,s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o}", "total", nal, "by_kind",
                           sorted(kind), "by_lang", sorted(lang), "by_case", sorted(policy),
                           "weak_matched_only_with_weak", weak, "suppressors_never_emitted", sup,
                           "shared_by_several_entities", nshared, "shared_examples", shared,
                           "never_match", never);
    json_decref(kind);
    json_decref(lang);
    json_decref(policy);
    return al;
}

/* sanctions: listed entities per list source and programme */
static json_t *stats_listed(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    json_t *lsrc = json_object(), *lprog = json_object();
    json_int_t nlisted = 0;
    if (sqlite3_prepare_v2(db, "SELECT list_source, programs FROM entity WHERE listed <> 0", -1,
                           &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            nlisted++;
            const char *src = *txt(st, 0) ? txt(st, 0) : "(no list source)";
            count_add(lsrc, src, 1);
            json_t *per = json_object_get(lprog, src);
            if (!per) {
                per = json_object();
                json_object_set_new(lprog, src, per);
            }
            json_t *progs = json_loads(txt(st, 1), 0, NULL);
            size_t k;
            json_t *p;
            if (json_is_array(progs) && json_array_size(progs))
                json_array_foreach(progs, k, p) count_add(per, json_is_string(p)
                                                                   ? json_string_value(p)
                                                                   : "?",
                                                          1);
            else
                count_add(per, "(no programme)", 1);
            json_decref(progs);
        }
    }
    sqlite3_finalize(st);
    json_t *lprog_sorted = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(lprog, k, v) json_object_set_new(lprog_sorted, k, sorted(v));
    json_decref(lprog);
    json_t *r = json_pack("{s:I,s:o,s:o}", "total", nlisted, "by_list_source", sorted(lsrc),
                          "by_list_source_and_programme", lprog_sorted);
    json_decref(lsrc);
    return r;
}

/* the stored name model (nermodel.c), or NULL when there is none */
static json_t *stats_name_model(sqlite3 *db, const sanctag_gazetteer *gz)
{
    sqlite3_stmt *st;
    json_t *m = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT s.name, n.format, length(n.model), n.provenance FROM ner_model n "
                           "JOIN source s ON s.id = n.source_id WHERE n.id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL; /* no ner_model table: built without a model */
    if (sqlite3_step(st) == SQLITE_ROW && (m = json_object())) {
        json_object_set_new(m, "source", json_string(txt(st, 0)));
        json_object_set_new(m, "format", json_string(txt(st, 1)));
        json_object_set_new(m, "bytes", json_integer(sqlite3_column_int64(st, 2)));
        json_object_set_new(m, "loaded", json_boolean(gz->ner_model != NULL));
        json_object_set_new(m, "provenance", json_string(txt(st, 3)));
    }
    sqlite3_finalize(st);
    return m;
}

json_t *sanctagp_gazq_stats(sanctagp_gazq *q)
{
    json_t *r = json_object();
    if (!r)
        return NULL;
    char *version = sanctagp_db_meta(q->db, "version");
    char *schema = sanctagp_db_meta(q->db, "schema_version");
    char *created = sanctagp_db_meta(q->db, "created_by");
    char *dirty = sanctagp_db_meta(q->db, "dirty"); /* "0": nothing changed since compiling */
    json_object_set_new(r, "path", json_string(q->path));
    json_object_set_new(r, "version", json_string(version ? version : ""));
    json_object_set_new(r, "schema_version", json_integer(schema ? atoi(schema) : 0));
    if (created)
        json_object_set_new(r, "created_by", json_string(created));
    json_object_set_new(r, "matcher", stats_matcher(q->db, q->gz, version, dirty));
    json_t *model = stats_name_model(q->db, q->gz);
    if (model)
        json_object_set_new(r, "name_model", model);
    json_object_set_new(r, "sources", stats_sources(q->db));
    json_object_set_new(r, "entities", stats_entities(q->db));
    json_object_set_new(r, "aliases", stats_aliases(q->db));
    json_object_set_new(r, "listed", stats_listed(q->db));
    free(version);
    free(schema);
    free(created);
    free(dirty);
    return r;
}
