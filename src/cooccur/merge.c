/* merge.c - exact merging of partial outputs: detects JSONL or SQLite from
 * the content, checks the meta (probe), then adds the counts of every period,
 * entity and pair row and hands the listed documents, renumbered, to the sink. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "cooccur/cooccur_int.h"

static int is_sqlite_file(const char *path, int *ret)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char head[16] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    *ret = n == 16 && memcmp(head, "SQLite format 3", 16) == 0;
    return 0;
}

/* Reads the meta table of an SQLite output back into the JSON shape. */
static json_t *sqlite_meta(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    json_t *m = json_object();
    while (m && sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (!key)
            continue;
        json_t *val;
        switch (sqlite3_column_type(st, 1)) {
        case SQLITE_INTEGER: val = json_integer(sqlite3_column_int64(st, 1)); break;
        case SQLITE_FLOAT: val = json_real(sqlite3_column_double(st, 1)); break;
        case SQLITE_TEXT: val = json_string((const char *)sqlite3_column_text(st, 1)); break;
        default: val = json_null();
        }
        const char *dot = strchr(key, '.');
        if (dot) {
            char outer[128];
            snprintf(outer, sizeof outer, "%.*s", (int)(dot - key), key);
            json_t *sub = json_object_get(m, outer);
            if (!sub) {
                sub = json_object();
                json_object_set_new(m, outer, sub);
            }
            json_object_set_new(sub, dot + 1, val);
        } else {
            json_object_set_new(m, key, val);
        }
    }
    sqlite3_finalize(st);
    return m;
}

/* Reads the next line that is not blank into *line; returns its length, or
 * -1 at the end of the file. *lineno counts the lines read. */
static ssize_t next_record(FILE *f, char **line, size_t *cap, long *lineno)
{
    ssize_t n;
    while ((n = getline(line, cap, f)) >= 0) {
        ++*lineno;
        size_t k = 0;
        while (k < (size_t)n && isspace((unsigned char)(*line)[k]))
            k++;
        if (k < (size_t)n)
            return n;
    }
    return -1;
}

/* Opens `path` and returns its meta object (new reference) and, for SQLite,
 * the open database. */
static int open_partial(const char *path, json_t **ret_meta, sqlite3 **ret_db, FILE **ret_f,
                        long *ret_line, sanctag_error *err)
{
    int issql;
    *ret_db = NULL;
    *ret_f = NULL;
    *ret_meta = NULL;
    if (is_sqlite_file(path, &issql)) {
        sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1, "%s: cannot open: %s", path,
                           strerror(errno));
        return SANCTAG_E_NOTFOUND;
    }
    if (issql) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: %s", path,
                               sqlite3_errmsg(db));
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
        json_t *m = sqlite_meta(db);
        if (!m) {
            sanctagp_error_set(
                err, SANCTAG_E_FORMAT, path, 0, 0, -1,
                "%s: an SQLite database, but not a 'sanctag cooccur' output (no meta table)", path);
            sqlite3_close(db);
            return SANCTAG_E_FORMAT;
        }
        *ret_meta = m;
        *ret_db = db;
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1, "%s: cannot open: %s", path,
                           strerror(errno));
        return SANCTAG_E_NOTFOUND;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    json_t *m = NULL;
    ssize_t n = next_record(f, &line, &cap, &lineno);
    if (n >= 0)
        m = json_loadb(line, (size_t)n, 0, NULL);
    free(line);
    const char *type = json_string_value(json_object_get(m, "type"));
    if (!m || !type || strcmp(type, "meta") != 0) {
        json_decref(m);
        fclose(f);
        sanctagp_error_set(
            err, SANCTAG_E_FORMAT, path, 0, 0, -1,
            "%s: not a 'sanctag cooccur' JSONL or SQLite output (CSV, GraphML and GEXF "
            "outputs cannot be merged; write shards with --format jsonl or sqlite)",
            path);
        return SANCTAG_E_FORMAT;
    }
    *ret_meta = m;
    *ret_f = f;
    *ret_line = lineno;
    return 0;
}

static void close_partial(json_t *meta, sqlite3 *db, FILE *f)
{
    json_decref(meta);
    sqlite3_close(db);
    if (f)
        fclose(f);
}

int sanctagp_cooc_probe_file(const char *path, sanctagp_cooc_opts *ret, sanctag_error *err)
{
    json_t *m;
    sqlite3 *db;
    FILE *f;
    long line;
    int rc = open_partial(path, &m, &db, &f, &line, err);
    if (rc)
        return rc;
    rc = sanctagp_cooc_opts_from_meta(m, ret, path, err);
    close_partial(m, db, f);
    return rc;
}

static int32_t jdate_get(json_t *o, const char *field)
{
    return sanctagp_cooc_ymd_parse(json_string_value(json_object_get(o, field)));
}

static const char *country_name(const sanctagp_cooc *c, const char *key, const char *name)
{
    /* by country, an unnamed node is written under its code: not a name */
    if (c->o.by == COOC_BY_COUNTRY && name && strcmp(name, key) == 0)
        return NULL;
    return name;
}

/* Hands one listed document to the sink, renumbered after those before it. */
static int merge_doc(sanctagp_cooc *c, sanctagp_cooc_doc *d)
{
    if (!c->o.documents || !c->sink)
        return 0;
    d->doc = ++c->doc_no;
    return c->sink(c->sink_data, d);
}

static int merge_jsonl_doc(sanctagp_cooc *c, json_t *o)
{
    json_t *ents = json_object_get(o, "entities"), *pairs = json_object_get(o, "pairs");
    const char *period = json_string_value(json_object_get(o, "period"));
    uint64_t units;
    if (!json_is_array(ents) || !json_is_array(pairs) || !period ||
        sanctagp_cooc_json_uint(o, "units", &units))
        return -1;
    size_t ne = json_array_size(ents), np = json_array_size(pairs);
    if (GROW(c->de, c->de_cap, ne + 1) || GROW(c->dp, c->dp_cap, np + 1))
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < ne; i++) {
        json_t *e = json_array_get(ents, i);
        c->de[i].key = json_string_value(json_array_get(e, 0));
        json_t *u = json_array_get(e, 1);
        if (!c->de[i].key || !json_is_integer(u))
            return -1;
        c->de[i].units = (uint64_t)json_integer_value(u);
    }
    for (size_t i = 0; i < np; i++) {
        json_t *p = json_array_get(pairs, i);
        c->dp[i].a = json_string_value(json_array_get(p, 0));
        c->dp[i].b = json_string_value(json_array_get(p, 1));
        json_t *u = json_array_get(p, 2);
        if (!c->dp[i].a || !c->dp[i].b || !json_is_integer(u))
            return -1;
        c->dp[i].units = (uint64_t)json_integer_value(u);
    }
    json_t *id = json_object_get(o, "id");
    sanctagp_cooc_doc d = {
        .id = json_is_null(id) ? NULL : id,
        .date = json_string_value(json_object_get(o, "date")),
        .date_raw = json_string_value(json_object_get(o, "date_raw")),
        .period = period,
        .units = units,
        .error = json_string_value(json_object_get(o, "error")),
        .nent = ne,
        .npair = np,
        .ent = c->de,
        .pair = c->dp,
    };
    return merge_doc(c, &d);
}

/* One record of a JSONL partial. Returns 0, -1 for a malformed record, or a
 * negative SANCTAG_E code. */
static int merge_jsonl_record(sanctagp_cooc *c, json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *period = json_string_value(json_object_get(o, "period"));
    if (!type)
        return -1;
    if (strcmp(type, "document") == 0)
        return merge_jsonl_doc(c, o);
    if (!period)
        return -1;
    uint32_t per;
    int rc = sanctagp_cooc_period_get(c, period, &per);
    if (rc)
        return rc;
    uint64_t count, docs;
    if (strcmp(type, "period") == 0) {
        if (sanctagp_cooc_json_uint(o, "units", &count) ||
            sanctagp_cooc_json_uint(o, "documents", &docs))
            return -1;
        c->p_units[per] += count;
        c->p_docs[per] += docs;
        return 0;
    }
    if (sanctagp_cooc_json_uint(o, "count", &count) ||
        sanctagp_cooc_json_uint(o, "documents", &docs))
        return -1;
    if (strcmp(type, "entity") == 0) {
        const char *key = json_string_value(json_object_get(o, "key"));
        if (!key)
            return -1;
        uint32_t node;
        rc = sanctagp_cooc_node_get(
            c, key, country_name(c, key, json_string_value(json_object_get(o, "name"))),
            json_string_value(json_object_get(o, "label")),
            json_string_value(json_object_get(o, "country")), &node);
        return rc ? rc
                  : sanctagp_cooc_ent_add(c, per, node, count, docs, jdate_get(o, "first_seen"),
                                          jdate_get(o, "last_seen"));
    }
    if (strcmp(type, "pair") == 0) {
        const char *a = json_string_value(json_object_get(o, "a"));
        const char *b = json_string_value(json_object_get(o, "b"));
        uint32_t na, nb;
        if (!a || !b || strcmp(a, b) == 0)
            return -1;
        if ((rc = sanctagp_cooc_node_get(c, a, NULL, NULL, NULL, &na)) ||
            (rc = sanctagp_cooc_node_get(c, b, NULL, NULL, NULL, &nb)))
            return rc;
        return sanctagp_cooc_pair_add(c, per, na, nb, count, docs, jdate_get(o, "first_seen"),
                        jdate_get(o, "last_seen"));
    }
    return -1;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? xstrdup(s) : NULL;
}

static int32_t col_date(sqlite3_stmt *st, int i)
{
    return sanctagp_cooc_ymd_parse((const char *)sqlite3_column_text(st, i));
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL: return NULL;
    default: return json_string((const char *)sqlite3_column_text(st, i));
    }
}

static int merge_sqlite_docs(sanctagp_cooc *c, sqlite3 *db)
{
    sqlite3_stmt *sd = NULL, *se = NULL, *sp = NULL;
    int rc = 0;
    char **strs = NULL;
    size_t nstr = 0, strcap = 0;
    if (sqlite3_prepare_v2(db, "SELECT doc, id, date, date_raw, period, units, error FROM "
                               "documents ORDER BY doc", -1, &sd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT entity, units FROM document_entities WHERE doc = ? "
                               "ORDER BY entity", -1, &se, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT a, b, units FROM document_pairs WHERE doc = ? "
                               "ORDER BY a, b", -1, &sp, NULL) != SQLITE_OK) {
        rc = SANCTAG_E_DB;
        goto out;
    }
    while (!rc && sqlite3_step(sd) == SQLITE_ROW) {
        sqlite3_int64 doc = sqlite3_column_int64(sd, 0);
        size_t ne = 0, np = 0;
        nstr = 0;
        sqlite3_bind_int64(se, 1, doc);
        while (!rc && sqlite3_step(se) == SQLITE_ROW) {
            if (GROW(c->de, c->de_cap, ne + 1) || GROW(strs, strcap, nstr + 1) ||
                !(strs[nstr] = col_dup(se, 0))) {
                rc = SANCTAG_E_NOMEM;
                break;
            }
            c->de[ne].key = strs[nstr++];
            c->de[ne++].units = (uint64_t)sqlite3_column_int64(se, 1);
        }
        sqlite3_reset(se);
        sqlite3_bind_int64(sp, 1, doc);
        while (!rc && sqlite3_step(sp) == SQLITE_ROW) {
            if (GROW(c->dp, c->dp_cap, np + 1) || GROW(strs, strcap, nstr + 2) ||
                !(strs[nstr] = col_dup(sp, 0)) || !(strs[nstr + 1] = col_dup(sp, 1))) {
                if (strs && nstr < strcap && strs[nstr])
                    nstr++;
                rc = SANCTAG_E_NOMEM;
                break;
            }
            c->dp[np].a = strs[nstr];
            c->dp[np].b = strs[nstr + 1];
            nstr += 2;
            c->dp[np++].units = (uint64_t)sqlite3_column_int64(sp, 2);
        }
        sqlite3_reset(sp);
        if (rc)
            break;
        json_t *id = col_json(sd, 1);
        sanctagp_cooc_doc d = {
            .id = id,
            .date = (const char *)sqlite3_column_text(sd, 2),
            .date_raw = (const char *)sqlite3_column_text(sd, 3),
            .period = (const char *)sqlite3_column_text(sd, 4),
            .units = (uint64_t)sqlite3_column_int64(sd, 5),
            .error = (const char *)sqlite3_column_text(sd, 6),
            .nent = ne,
            .npair = np,
            .ent = c->de,
            .pair = c->dp,
        };
        if (!d.period)
            rc = -1;
        else
            rc = merge_doc(c, &d);
        json_decref(id);
        for (size_t i = 0; i < nstr; i++)
            free(strs[i]);
        nstr = 0;
    }
out:
    for (size_t i = 0; i < nstr; i++)
        free(strs[i]);
    free(strs);
    sqlite3_finalize(sd);
    sqlite3_finalize(se);
    sqlite3_finalize(sp);
    return rc;
}

static int merge_sqlite(sanctagp_cooc *c, sqlite3 *db, const char *path, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    /* periods */
    if (sqlite3_prepare_v2(db, "SELECT period, units, documents FROM periods", -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        uint32_t per;
        if (!p)
            goto bad;
        if ((rc = sanctagp_cooc_period_get(c, p, &per)))
            goto out;
        c->p_units[per] += (uint64_t)sqlite3_column_int64(st, 1);
        c->p_docs[per] += (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db,
                           "SELECT ep.period, ep.entity, e.name, e.label, e.country, ep.count, "
                           "ep.documents, ep.first_seen, ep.last_seen FROM entity_periods ep "
                           "JOIN entities e ON e.key = ep.entity",
                           -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        uint32_t per, node;
        if (!p || !key)
            goto bad;
        char *k = xstrdup(key); /* column texts are invalidated by later calls */
        char *name = col_dup(st, 2), *label = col_dup(st, 3), *country = col_dup(st, 4);
        rc = !k ? SANCTAG_E_NOMEM : sanctagp_cooc_period_get(c, p, &per);
        if (!rc)
            rc = sanctagp_cooc_node_get(c, k, country_name(c, k, name), label, country, &node);
        if (!rc)
            rc = sanctagp_cooc_ent_add(c, per, node, (uint64_t)sqlite3_column_int64(st, 5),
                         (uint64_t)sqlite3_column_int64(st, 6), col_date(st, 7), col_date(st, 8));
        free(k);
        free(name);
        free(label);
        free(country);
        if (rc)
            goto out;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT period, a, b, count, documents, first_seen, last_seen "
                               "FROM pairs", -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *a = (const char *)sqlite3_column_text(st, 1);
        const char *b = (const char *)sqlite3_column_text(st, 2);
        uint32_t per, na, nb;
        if (!p || !a || !b || strcmp(a, b) == 0)
            goto bad;
        if ((rc = sanctagp_cooc_period_get(c, p, &per)) ||
            (rc = sanctagp_cooc_node_get(c, a, NULL, NULL, NULL, &na)) ||
            (rc = sanctagp_cooc_node_get(c, b, NULL, NULL, NULL, &nb)) ||
            (rc = sanctagp_cooc_pair_add(c, per, na, nb, (uint64_t)sqlite3_column_int64(st, 3),
                                         (uint64_t)sqlite3_column_int64(st, 4), col_date(st, 5),
                                         col_date(st, 6))))
            goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = merge_sqlite_docs(c, db);
    if (rc == SANCTAG_E_DB)
        goto dberr;
    if (rc == -1)
        goto bad;
    goto out;
dberr:
    sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: %s", path, sqlite3_errmsg(db));
    rc = SANCTAG_E_DB;
    goto out;
bad:
    sanctagp_error_set(err, SANCTAG_E_FORMAT, path, 0, 0, -1, "%s: malformed row", path);
    rc = SANCTAG_E_FORMAT;
out:
    sqlite3_finalize(st);
    return rc;
}

/* The records after the meta line of a JSONL partial; `lineno` = lines read. */
static int merge_jsonl(sanctagp_cooc *c, FILE *f, const char *path, long lineno,
                       sanctag_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = next_record(f, &line, &cap, &lineno)) >= 0) {
        json_error_t je;
        json_t *o2 = json_loadb(line, (size_t)n, 0, &je);
        if (!o2) {
            sanctagp_error_set(err, SANCTAG_E_JSON, path, 0, 0, -1, "%s:%ld: malformed JSON: %s",
                               path, lineno, je.text);
            rc = SANCTAG_E_JSON;
            break;
        }
        rc = merge_jsonl_record(c, o2);
        json_decref(o2);
        if (rc == -1) {
            sanctagp_error_set(err, SANCTAG_E_FORMAT, path, 0, 0, -1,
                               "%s:%ld: malformed cooccur record", path, lineno);
            rc = SANCTAG_E_FORMAT;
        } else if (rc) {
            sanctagp_error_set(err, rc, path, 0, 0, -1, "%s:%ld: %s", path, lineno,
                               sanctag_status_name(rc));
        }
        if (rc)
            break;
    }
    if (!rc && ferror(f)) {
        sanctagp_error_set(err, SANCTAG_E_IO, path, 0, 0, -1, "%s: read error", path);
        rc = SANCTAG_E_IO;
    }
    free(line);
    return rc;
}

int sanctagp_cooc_merge_file(sanctagp_cooc *c, const char *path, sanctag_error *err)
{
    json_t *m;
    sqlite3 *db;
    FILE *f;
    long lineno = 0;
    int rc = open_partial(path, &m, &db, &f, &lineno, err);
    if (rc)
        return rc;
    sanctagp_cooc_opts o;
    const char *diff;
    if ((rc = sanctagp_cooc_opts_from_meta(m, &o, path, err)))
        goto out;
    if ((diff = sanctagp_cooc_opts_diff(&o, &c->o))) {
        sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                           "%s: counted with a different --%s than the first input: cannot merge",
                           path, diff);
        rc = SANCTAG_E_INVALID;
        goto out;
    }
    if (c->o.documents && !o.documents) {
        sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                           "%s: lists no documents (--no-documents)", path);
        rc = SANCTAG_E_INVALID;
        goto out;
    }
    if ((rc = sanctagp_cooc_merge_totals(c, m))) {
        if (rc == -1) {
            sanctagp_error_set(err, SANCTAG_E_FORMAT, path, 0, 0, -1, "%s: meta totals are missing",
                               path);
            rc = SANCTAG_E_FORMAT;
        }
        goto out;
    }
    rc = db ? merge_sqlite(c, db, path, err) : merge_jsonl(c, f, path, lineno, err);
out:
    close_partial(m, db, f);
    return rc;
}
