/* import.c - sanctions-list imports: UN SC consolidated XML (un_xml.c), OFAC
 * SDN CSV (ofac_csv.c), OpenSanctions FollowTheMoney JSON lines (ftm.c) and
 * plain TSV/JSONL/name lists (tabular.c), read into entities (entities.c)
 * with matchable aliases (names.c), written through the gazetteer writer as
 * one source in one transaction (write.c) after the name policy decided
 * which are weak or dropped (policy.c), with a diff against what the
 * source held before (diff.c). This file holds the import context and runs
 * the whole import. */
#include "import/import_int.h"
#include "import/policy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[IMP_NFORMATS] = {"un-xml", "ofac-csv", "ftm", "tsv",
                                                       "jsonl", "lines"};
static const char *const default_sources[IMP_NFORMATS] = {"un-sc", "ofac-sdn", "opensanctions",
                                                          NULL, NULL, NULL};

int sanctagp_import_format(const char *name)
{
    for (int i = 0; name && i < IMP_NFORMATS; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *sanctagp_import_format_name(int format)
{
    return format >= 0 && format < IMP_NFORMATS ? format_names[format] : "?";
}

/* ---- the import context ---------------------------------------------------------- */

void sanctagp_import_skip(imp *m, const char *reason)
{
    json_t *v = json_object_get(m->skipped, reason);
    json_object_set_new(m->skipped, reason, json_integer(v ? json_integer_value(v) + 1 : 1));
}

int sanctagp_import_oom(imp *m, const char *file, long line)
{
    return sanctagp_error_set(m->err, SANCTAG_E_NOMEM, file, line, 0, -1, "out of memory");
}

/* A new entity with `key`, or an error naming both places when the key is
 * already taken. */
int sanctagp_new_entity(imp *m, const char *key, const char *label, const char *file, long line,
                        ientity **ret)
{
    long dup = sanctagp_iset_find(&m->set, key);
    if (dup >= 0) {
        const ientity *d = &m->set.v[dup];
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, file, line, 0, -1,
                                  "%s:%ld: '%s' appears twice (first at %s:%ld)", file, line, key,
                                  d->file, d->line);
    }
    ientity *e = sanctagp_iset_add(&m->set, key, label, file, line);
    if (!e)
        return sanctagp_import_oom(m, file, line);
    *ret = e;
    return 0;
}

/* The first 7-digit IMO number after "IMO" in s, or 0. */
int sanctagp_find_imo(const char *s, char out[8])
{
    for (const char *p = s ? strstr(s, "IMO") : NULL; p; p = strstr(p + 3, "IMO")) {
        const char *q = p + 3;
        int gap = 0;
        while (*q && !isdigit((unsigned char)*q) && gap < 12) {
            q++;
            gap++;
        }
        size_t n = 0;
        while (isdigit((unsigned char)q[n]))
            n++;
        if (n == 7) {
            memcpy(out, q, 7);
            out[7] = 0;
            return 1;
        }
    }
    return 0;
}

/* ---- the whole import ------------------------------------------------------------------ */

/* Number of entities of `source`. */
static int source_entities(sqlite3 *db, const char *db_path, const char *source,
                           long long *ret, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db,
                                "SELECT count(*) FROM entity e JOIN source s ON "
                                "s.id = e.source_id WHERE s.name = ?1",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
        if (ok)
            *ret = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return ok ? 0
              : sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                   "%s: database error: %s", db_path, sqlite3_errmsg(db));
}

static int exec_bound(sqlite3 *db, const char *db_path, const char *sql, const char *arg,
                      sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    int rc = ok ? 0
                : sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                     "%s: database error: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

static int valid_source_name(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 200)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

/* The source name: o->source, else the format's default, else the first
 * file's base name without extension; checked. */
static int source_name(const sanctagp_import_opts *o, const char *first_file, const char *db_path,
                       char source[256], sanctag_error *err)
{
    if (!empty(o->source)) {
        snprintf(source, 256, "%s", o->source);
    } else if (default_sources[o->format]) {
        snprintf(source, 256, "%s", default_sources[o->format]);
    } else {
        const char *b = strrchr(first_file, '/');
        snprintf(source, 256, "%s", b ? b + 1 : first_file);
        char *dot = strrchr(source, '.');
        if (dot && dot != source)
            *dot = 0;
    }
    if (!valid_source_name(source))
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "source name '%s' must be 1-200 characters without spaces",
                                  source);
    return 0;
}

/* Reads and checks every file into m, before the database is touched. */
static int read_files(imp *m, const sanctagp_import_opts *o, const char *const *files,
                      size_t nfiles, const char *source)
{
    int rc = m->skipped ? 0 : SANCTAG_E_NOMEM;
    if (o->format == IMP_OFAC_CSV && !rc)
        rc = sanctagp_parse_ofac(m, files, nfiles);
    for (size_t i = 0; i < nfiles && !rc && o->format != IMP_OFAC_CSV; i++) {
        switch (o->format) {
        case IMP_UN_XML: rc = sanctagp_parse_un(m, files[i]); break;
        case IMP_FTM: rc = sanctagp_parse_ftm(m, files[i]); break;
        case IMP_TSV: rc = sanctagp_parse_tsv(m, files[i]); break;
        case IMP_LINES: rc = sanctagp_parse_lines(m, files[i], source, o); break;
        default: rc = sanctagp_parse_jsonl(m, files[i]); break;
        }
    }
    if (!rc && !*m->version)
        snprintf(m->version, sizeof m->version, "%016llx", (unsigned long long)m->hash);
    return rc;
}

/* Refuses to replace a source built from another format (not by accident). */
static int check_source_format(sqlite3 *db, const char *db_path, const char *source,
                               const char *fmt, sanctag_error *err)
{
    int rc = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT format FROM source WHERE name = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && strcmp(sanctagp_coltext(st, 0), fmt) != 0)
            rc = sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                    "%s: source '%s' was built from %s, not %s: refusing to "
                                    "replace it (choose another --source name)",
                                    db_path, source, sanctagp_coltext(st, 0), fmt);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Deletes the source with its entities and aliases. */
static int delete_source(sqlite3 *db, const char *db_path, const char *source,
                         sanctag_error *err)
{
    int rc;
    if ((rc = exec_bound(db, db_path,
                         "DELETE FROM alias WHERE source_id IN (SELECT id FROM source WHERE "
                         "name = ?1) OR entity_id IN (SELECT e.id FROM entity e JOIN source s "
                         "ON s.id = e.source_id WHERE s.name = ?1)",
                         source, err)) ||
        (rc = exec_bound(db, db_path,
                         "DELETE FROM entity WHERE source_id IN (SELECT id FROM source WHERE "
                         "name = ?1)",
                         source, err)))
        return rc;
    return exec_bound(db, db_path, "DELETE FROM source WHERE name = ?1", source, err);
}

#define BULK_ALIASES 20000

/* A large list into a smaller gazetteer: building the alias norm index once,
 * sorted, beats as many inserts at random places in it. */
static int bulk_load(sqlite3 *db, const imp *m)
{
    size_t incoming = 0;
    for (size_t k = 0; k < m->set.n; k++)
        incoming += m->set.v[k].nal;
    long long existing = 0;
    if (incoming < BULK_ALIASES)
        return 0;
    sqlite3_stmt *cs = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM alias", -1, &cs, NULL) == SQLITE_OK &&
        sqlite3_step(cs) == SQLITE_ROW)
        existing = sqlite3_column_int64(cs, 0);
    sqlite3_finalize(cs);
    return (long long)incoming > existing;
}

/* Writes the entities of m as the source (after the old one was deleted), then
 * recompiles the matcher; m's entities are freed on the way. */
static int write_source(sqlite3 *db, const char *db_path, imp *m, const char *source,
                        const char *fmt, const char *paths, counts *n, sanctag_error *err)
{
    int bulk = bulk_load(db, m), rc;
    if (bulk && (rc = sanctagp_db_exec(db, db_path, "DROP INDEX alias_norm", err)))
        return rc;
    sanctagp_writer *w = NULL;
    if ((rc = sanctagp_writer_new(db, db_path, source, fmt, paths, m->version, &w, err)) ||
        (rc = sanctagp_write_all(m, db, db_path, source, w, n)) ||
        (rc = sanctagp_writer_finish(w, err))) {
        sanctagp_writer_free(w);
        return rc;
    }
    sanctagp_writer_free(w);
    /* what was read is in the database now: its memory is given back
     * before the matcher and the report need theirs */
    sanctagp_iset_free(&m->set);
    /* the alias norm index is built while the matcher compiles (it reads
     * rows read before, not the index) */
    sanctagp_refresh *rf = NULL;
    if ((rc = sanctagp_db_refresh_start(db, db_path, &rf, err)))
        return rc;
    if (bulk && (rc = sanctagp_db_exec(db, db_path, "CREATE INDEX alias_norm ON alias(norm)",
                                       err))) {
        sanctagp_db_refresh_cancel(rf);
        return rc;
    }
    return sanctagp_db_refresh_finish(db, db_path, rf, err);
}

/* Decides every alias's kind (names.c), then applies the name policy
 * (policy.c), before anything of the list is written: the policy looks up
 * the other sources' aliases by their norm index. */
static int run_policy(sqlite3 *db, const char *db_path, imp *m, sanctagp_policy **ret,
                      sanctag_error *err)
{
    int rc = sanctagp_finalize_all(m);
    if (!rc)
        rc = sanctagp_policy_new(db, db_path, &m->set, ret, err);
    for (size_t k = 0; k < m->set.n && !rc; k++)
        if (sanctagp_policy_apply(*ret, &m->set.v[k]))
            rc = sanctagp_import_oom(m, m->set.v[k].file, m->set.v[k].line);
    return rc;
}

/* The report of an import --strict refused. */
static json_t *refused_report(const sanctagp_import_opts *o, const imp *m, const char *source,
                              json_t *jfiles, json_t *policy)
{
    return json_pack("{s:s,s:s,s:s,s:O,s:b,s:b,s:O}", "source", source, "format",
                     format_names[o->format], "version", m->version, "files", jfiles,
                     "dry_run", o->dry_run, "refused", 1, "policy", policy);
}

/* The report: counts, then the diff of `before` and what the source holds now. */
static int make_report(sqlite3 *db, const char *db_path, const sanctagp_import_opts *o,
                       const imp *m, const char *source, json_t *jfiles, const counts *n,
                       const snapset *before, json_t *policy, json_t **ret, sanctag_error *err)
{
    /* with nothing before, every entity is new and alias lists are not
     * compared; when only counts are wanted, they are all the entities */
    long long nnew = -1;
    snapset after;
    memset(&after, 0, sizeof after);
    int rc;
    if (o->counts_only && before->n == 0)
        rc = source_entities(db, db_path, source, &nnew, err);
    else
        rc = sanctagp_snapshot(db, db_path, source, before->n > 0, &after, err);
    if (rc)
        return rc;
    json_t *report = json_pack(
        "{s:s,s:s,s:s,s:O,s:b,s:I,s:I,s:I,s:I,s:O}", "source", source, "format",
        format_names[o->format], "version", m->version, "files", jfiles, "dry_run", o->dry_run,
        "entities", (json_int_t)n->entities, "listed", (json_int_t)n->listed, "aliases",
        (json_int_t)n->aliases, "weak_aliases", (json_int_t)n->weak, "skipped", m->skipped);
    if (!report) {
        sanctagp_snapset_free(&after);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
    }
    json_object_set(report, "policy", policy);
    if (nnew >= 0) {
        json_object_set_new(report, "added", json_integer(nnew));
        json_object_set_new(report, "removed", json_integer(0));
        json_object_set_new(report, "changed", json_integer(0));
        json_object_set_new(report, "unchanged", json_integer(0));
    } else {
        sanctagp_snap_diff(before, &after, o->counts_only, report);
    }
    sanctagp_snapset_free(&after);
    *ret = report;
    return 0;
}

/* Links of the list's records to curated entities (links.h), proposed and
 * written in the import's transaction, after the policy's collisions are
 * stored: the report's "links_proposed". */
static int propose_links(sqlite3 *db, const char *db_path, const char *source, json_t *report,
                         sanctag_error *err)
{
    json_t *links = NULL, *held = NULL;
    int rc = sanctagp_links_propose(db, db_path, source, &links, &held, err);
    if (rc)
        return rc;
    json_object_set_new(report, "links_proposed", links);
    json_object_set_new(report, "links_held", held);
    /* the matcher was compiled before (it needs the alias index the
     * proposals need too): compiled again with them, when there are any */
    return json_array_size(links) ? sanctagp_db_refresh(db, db_path, err) : 0;
}

/* The files as one string ("a + b") for the source row, and as a JSON array. */
static char *file_list(const char *const *files, size_t nfiles, json_t *jfiles)
{
    sbuf pb = {0};
    for (size_t i = 0; i < nfiles; i++) {
        if (i)
            sanctagp_sb_puts(&pb, " + ");
        sanctagp_sb_puts(&pb, files[i]);
        json_array_append_new(jfiles, json_string(files[i]));
    }
    return sanctagp_sb_take(&pb);
}

int sanctagp_import(sqlite3 *db, const char *db_path, const sanctagp_import_opts *o,
                    const char *const *files, size_t nfiles, json_t **ret_report,
                    sanctag_error *err)
{
    sanctag_error local;
    if (!err) {
        memset(&local, 0, sizeof local);
        err = &local;
    }
    if (!db || !o || o->format < 0 || o->format >= IMP_NFORMATS || !files || !nfiles ||
        !ret_report)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "import: invalid arguments");
    char source[256];
    int rc = source_name(o, files[0], db_path, source, err);
    if (rc)
        return rc;
    const char *fmt = format_names[o->format];
    if (o->format == IMP_LINES && empty(o->label))
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "--format lines needs --label LABEL");

    imp m;
    memset(&m, 0, sizeof m);
    m.format = o->format;
    m.err = err;
    m.hash = SANCTAGP_FNV1A_SEED;
    m.skipped = json_object();
    if ((rc = read_files(&m, o, files, nfiles, source))) {
        sanctagp_iset_free(&m.set);
        json_decref(m.skipped);
        return rc;
    }

    json_t *jfiles = json_array();
    char *paths = jfiles ? file_list(files, nfiles, jfiles) : NULL;
    snapset before;
    memset(&before, 0, sizeof before);
    counts n = {0, 0, 0, 0};
    json_t *report = NULL, *jpolicy = NULL;
    sanctagp_policy *policy = NULL;
    int in_tx = 0, triggers_on = -1;
    if (!paths || !jfiles) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
        goto out;
    }
    /* The schema's triggers only mark the compiled matcher stale (meta
     * 'dirty'), once per row written: a sub-program and a statement journal
     * for every insert, a third of the writing time of a large list. This
     * import recompiles the matcher and clears the flag in its own
     * transaction (sanctagp_db_refresh_* below), so they are switched off on
     * this connection until it ends; FOREIGN KEY actions are not triggers
     * and still run. */
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers_on) != SQLITE_OK)
        triggers_on = -1;
    else if (triggers_on)
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    if ((rc = sanctagp_db_exec(db, db_path, "BEGIN IMMEDIATE", err)))
        goto out;
    in_tx = 1;
    if ((rc = check_source_format(db, db_path, source, fmt, err)) ||
        (rc = sanctagp_snapshot(db, db_path, source, 1, &before, err)) ||
        (rc = delete_source(db, db_path, source, err)) ||
        (rc = run_policy(db, db_path, &m, &policy, err)))
        goto out;
    jpolicy = sanctagp_policy_report(policy, o->counts_only);
    if (!jpolicy) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
        goto out;
    }
    if (o->strict && sanctagp_policy_collisions(policy)) {
        /* refused: nothing is written */
        report = refused_report(o, &m, source, jfiles, jpolicy);
        rc = report ? 0 : sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1,
                                             "out of memory");
        goto out;
    }
    if ((rc = write_source(db, db_path, &m, source, fmt, paths, &n, err)) ||
        (rc = make_report(db, db_path, o, &m, source, jfiles, &n, &before, jpolicy, &report,
                          err)) ||
        (rc = propose_links(db, db_path, source, report, err)))
        goto out;
    rc = sanctagp_db_exec(db, db_path, o->dry_run ? "ROLLBACK" : "COMMIT", err);
    in_tx = rc != 0;
out:
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (triggers_on > 0)
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int *)NULL);
    sanctagp_snapset_free(&before);
    sanctagp_policy_free(policy);
    json_decref(jpolicy);
    free(paths);
    json_decref(jfiles);
    sanctagp_iset_free(&m.set);
    json_decref(m.skipped);
    if (rc) {
        json_decref(report);
        return rc;
    }
    *ret_report = report;
    return 0;
}
