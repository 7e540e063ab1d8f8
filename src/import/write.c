/* write.c - writes the imported entities through the gazetteer writer. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

/* ---- writing ------------------------------------------------------------------------ */

int sanctagp_finalize_all(imp *m)
{
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    int rc = 0;
    for (size_t k = 0; k < m->set.n && !rc; k++) {
        ientity *e = &m->set.v[k];
        if (sanctagp_finalize_aliases(e, &tk))
            rc = sanctagp_import_oom(m, e->file, e->line);
        else if (e->nal == 0)
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, e->file, e->line, 0, -1,
                                    "%s:%ld: '%s' has no name with letters or digits", e->file,
                                    e->line, e->key);
    }
    sanctagp_tokens_release(&tk);
    return rc;
}

/* An entity whose every alias the policy dropped keeps its first one, weak:
 * an entity needs a name, and a weak one is only matched with --weak. */
static int keep_one(ientity *e)
{
    for (size_t i = 0; i < e->nal; i++)
        if (!e->al[i].dropped)
            return 0;
    ialias *a = &e->al[0];
    char *kind = xstrdup("weak");
    size_t n = strlen(a->evidence ? a->evidence : "") + 64;
    char *ev = malloc(n);
    if (!kind || !ev) {
        free(kind);
        free(ev);
        return SANCTAG_E_NOMEM;
    }
    snprintf(ev, n, "%s; kept weak: the entity has no other name",
             a->evidence ? a->evidence : "");
    free(a->kind);
    free(a->evidence);
    a->kind = kind;
    a->evidence = ev;
    a->dropped = 0;
    return 0;
}

/* Records why an alias is weak or dropped (alias_policy, for `gaz lookup`). */
static int write_reason(sqlite3_stmt *st, const char *source, const ientity *e, const ialias *a)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->norm ? a->norm : "", -1, SQLITE_STATIC);
    const char *action = a->dropped                      ? "dropped"
                         : strcmp(a->kind, "weak") == 0 ? "weak"
                                                        : "cap";
    sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->evidence ? a->evidence : "", -1, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : SANCTAG_E_DB;
}

/* The entity's row fields go with its first written alias. */
static void entity_fields(sanctagp_row *r, const ientity *e, const char *source,
                          const char *progs, const char *attrs)
{
    r->label = e->label;
    r->name = e->name;
    r->country = e->country;
    r->valid_from = e->valid_from;
    r->valid_to = e->valid_to;
    r->attrs = attrs;
    r->listed = e->listed;
    r->programs = progs;
    r->list_source = e->listed ? source : NULL;
    r->list_ref = e->list_ref;
    r->listed_on = e->listed_on;
}

static int write_entity(imp *m, const char *source, sanctagp_writer *w, sqlite3_stmt *why,
                        ientity *e, counts *n)
{
    int rc = keep_one(e);
    if (rc)
        return sanctagp_import_oom(m, e->file, e->line);
    if (e->listed < 0)
        e->listed = json_array_size(e->programs) > 0 || !empty(e->list_ref);
    char *progs = json_array_size(e->programs) ? json_dumps(e->programs, JSON_COMPACT) : NULL;
    char *attrs = e->attrs && json_object_size(e->attrs)
                      ? json_dumps(e->attrs, JSON_COMPACT | JSON_SORT_KEYS)
                      : NULL;
    int first = 1;
    for (size_t i = 0; i < e->nal && !rc; i++) {
        const ialias *a = &e->al[i];
        if (a->rule && why && write_reason(why, source, e, a))
            rc = sanctagp_error_set(m->err, SANCTAG_E_DB, e->file, e->line, 0, -1,
                                    "%s:%ld: database error: %s", e->file, e->line,
                                    sqlite3_errmsg(sqlite3_db_handle(why)));
        if (a->dropped || rc)
            continue;
        sanctagp_row r;
        memset(&r, 0, sizeof r);
        r.key = e->key;
        r.alias = a->text;
        r.kind = a->kind;
        r.case_policy = a->case_policy;
        r.lang = a->lang;
        r.accents = a->accents;
        r.origin = a->origin ? a->origin : e->origin;
        if (first)
            entity_fields(&r, e, source, progs, attrs);
        first = 0;
        rc = sanctagp_writer_add(w, &r, e->file, e->line, m->err);
        n->aliases++;
        if (a->kind && strcmp(a->kind, "weak") == 0)
            n->weak++;
    }
    free(progs);
    free(attrs);
    n->entities++;
    n->listed += e->listed > 0;
    return rc;
}

int sanctagp_write_all(imp *m, sqlite3 *db, const char *db_path, const char *source,
                       sanctagp_writer *w, counts *n)
{
    /* a key another source owns is refused by the writer (sanctagp_writer_exclusive) */
    sanctagp_writer_exclusive(w);
    sqlite3_stmt *why = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO alias_policy (source_id, entity_key, text, norm, action, "
                           "rule, evidence) VALUES ((SELECT id FROM source WHERE name = ?1), "
                           "?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &why, NULL) != SQLITE_OK)
        return sanctagp_error_set(m->err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                  "%s: database error: %s", db_path, sqlite3_errmsg(db));
    int rc = 0;
    for (size_t k = 0; k < m->set.n && !rc; k++)
        rc = write_entity(m, source, w, why, &m->set.v[k], n);
    sqlite3_finalize(why);
    return rc;
}
