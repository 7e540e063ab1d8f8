/* tabular.c - the plain formats: the gazetteer TSV/JSONL columns plus the
 * sanctions columns (read by gazetteer/sources.c), and a plain name list. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/sources.h"

/* ---- plain TSV and JSONL ------------------------------------------------------------ */

/* listed column: -1 unset, 0, 1, or -2 invalid. */
static int parse_listed(const char *s)
{
    if (empty(s))
        return -1;
    if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
        return 1;
    if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
        return 0;
    return -2;
}

static int field_conflict(imp *m, const char *path, long line, ientity *e, const char *what,
                          char **have, const char *mine)
{
    if (empty(mine))
        return 0;
    if (!*have) {
        *have = xstrdup(mine);
        return *have ? 0 : sanctagp_import_oom(m, path, line);
    }
    if (strcmp(*have, mine) == 0)
        return 0;
    return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                              "%s:%ld: key '%s': %s '%s' conflicts with '%s' (%s:%ld)", path, line,
                              e->key, what, mine, *have, e->file, e->line);
}

/* One row of a plain source: the entity fields (first row of a key, or
 * agreeing with it) and, when v[SRC_ALIAS] is set, one alias. */
static int plain_row(imp *m, const char *path, long line, const char *const v[SRC_NCOLS])
{
    if (empty(v[SRC_KEY]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: empty key", path, line);
    int listed = parse_listed(v[SRC_LISTED]);
    if (listed == -2)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: listed '%s' is not 1/0/true/false/yes/no", path, line,
                                  v[SRC_LISTED]);
    long idx = sanctagp_iset_find(&m->set, v[SRC_KEY]);
    ientity *e;
    if (idx < 0) {
        if (empty(v[SRC_LABEL]))
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s' first appears without a label", path,
                                      line, v[SRC_KEY]);
        e = sanctagp_iset_add(&m->set, v[SRC_KEY], v[SRC_LABEL], path, line);
        if (!e)
            return sanctagp_import_oom(m, path, line);
        e->explicit_aliases = 1;
        e->listed = -1;
    } else {
        e = &m->set.v[idx];
    }
    int rc = 0;
    if (!empty(v[SRC_LABEL]) && strcmp(v[SRC_LABEL], e->label) != 0)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: key '%s': label '%s' conflicts with '%s' (%s:%ld)",
                                  path, line, e->key, v[SRC_LABEL], e->label, e->file, e->line);
    if ((rc = field_conflict(m, path, line, e, "name", &e->name, v[SRC_NAME])) ||
        (rc = field_conflict(m, path, line, e, "country", &e->country, v[SRC_COUNTRY])) ||
        (rc = field_conflict(m, path, line, e, "list_ref", &e->list_ref, v[SRC_LIST_REF])) ||
        (rc = field_conflict(m, path, line, e, "listed_on", &e->listed_on, v[SRC_LISTED_ON])) ||
        (rc = field_conflict(m, path, line, e, "valid_from", &e->valid_from, v[SRC_VALID_FROM])) ||
        (rc = field_conflict(m, path, line, e, "valid_to", &e->valid_to, v[SRC_VALID_TO])))
        return rc;
    if (listed >= 0) {
        if (e->listed >= 0 && e->listed != listed)
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s': listed '%s' conflicts with an earlier row",
                                      path, line, e->key, v[SRC_LISTED]);
        e->listed = listed;
    }
    if (!empty(v[SRC_PROGRAMS])) {
        const char *p = v[SRC_PROGRAMS];
        if (*p == '[') {
            json_error_t je;
            json_t *arr = json_loads(p, 0, &je);
            size_t i;
            json_t *pv;
            int ok = json_is_array(arr);
            json_array_foreach(arr, i, pv)
            {
                if (!json_is_string(pv))
                    ok = 0;
            }
            if (!ok) {
                json_decref(arr);
                return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                          "%s:%ld: programs must be a JSON array of strings or a "
                                          "list separated by ';'",
                                          path, line);
            }
            json_array_foreach(arr, i, pv)
            {
                sanctagp_program_push(e, json_string_value(pv), strlen(json_string_value(pv)));
            }
            json_decref(arr);
        } else {
            while (*p) {
                const char *s = p;
                while (*p && *p != ';' && *p != ',')
                    p++;
                sanctagp_program_push(e, s, (size_t)(p - s));
                if (*p)
                    p++;
            }
        }
    }
    if (!empty(v[SRC_ATTRS])) {
        json_error_t je;
        json_t *a = json_loads(v[SRC_ATTRS], 0, &je);
        if (!json_is_object(a)) {
            json_decref(a);
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: attrs must be a JSON object", path, line);
        }
        if (e->attrs && !json_equal(e->attrs, a)) {
            json_decref(a);
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s': attrs conflict with an earlier row",
                                      path, line, e->key);
        }
        json_decref(e->attrs);
        e->attrs = a;
    }
    if (!empty(v[SRC_SOURCE]) && !e->origin)
        e->origin = xstrdup(v[SRC_SOURCE]);
    if (empty(v[SRC_ALIAS]))
        return 0;
    ialias *a = sanctagp_push_alias(e);
    if (!a)
        return sanctagp_import_oom(m, path, line);
    /* empty kind, case, language and accents stay NULL: the writer takes
     * them as empty */
    a->text = xstrdup(v[SRC_ALIAS]);
    a->kind = empty(v[SRC_KIND]) ? NULL : xstrdup(v[SRC_KIND]);
    a->case_policy = empty(v[SRC_CASE]) ? NULL : xstrdup(v[SRC_CASE]);
    a->lang = empty(v[SRC_LANG]) ? NULL : xstrdup(v[SRC_LANG]);
    a->accents = empty(v[SRC_ACCENTS]) ? NULL : xstrdup(v[SRC_ACCENTS]);
    a->origin = xstrdup(v[SRC_SOURCE]); /* "" too: it overrides the entity's origin */
    if (!a->text)
        return sanctagp_import_oom(m, path, line);
    /* where the alias came from, for the writer's messages */
    return 0;
}

/* A plain name list: UTF-8, one name per line, blank lines and '#' comments
 * skipped; each name is an entity keyed SOURCE:HASH of its text, so keys stay
 * stable when the list is re-imported in another order. */
int sanctagp_parse_lines(imp *m, const char *path, const char *source,
                         const sanctagp_import_opts *o)
{
    char *buf;
    size_t len, n;
    int rc = sanctagp_src_load(path, 0, &buf, &len, m->err);
    if (rc)
        return rc;
    m->hash = sanctagp_fnv1a(m->hash, buf, len);
    long line = 0;
    char *p = buf, *end = buf + len, *cur;
    while (!rc && (cur = sanctagp_src_line(&p, end, 1, &n))) {
        line++;
        while (*cur == ' ' || *cur == '\t')
            cur++;
        char *e = cur + strlen(cur);
        while (e > cur && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = 0;
        if (*cur == '#' || *cur == 0)
            continue;
        char key[300];
        snprintf(key, sizeof key, "%s:%016llx", source,
                 (unsigned long long)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, cur, strlen(cur)));
        const char *v[SRC_NCOLS];
        for (int k = 0; k < SRC_NCOLS; k++)
            v[k] = "";
        v[SRC_KEY] = key;
        v[SRC_LABEL] = o->label;
        v[SRC_NAME] = cur;
        v[SRC_ALIAS] = cur;
        v[SRC_CASE] = o->case_policy ? o->case_policy : "";
        v[SRC_ACCENTS] = o->accents ? o->accents : "";
        /* the file is the source's path already: the row's own note is
         * its line (the path on every row cost 80 bytes a name on disk) */
        char origin[32];
        snprintf(origin, sizeof origin, "line %ld", line);
        v[SRC_SOURCE] = origin;
        rc = plain_row(m, path, line, v);
    }
    free(buf);
    return rc;
}

/* One TSV row: one alias. */
static int tsv_row(void *ctx, const char *path, long line, const char *const v[SRC_NCOLS],
                   json_t *aliases, sanctag_error *err)
{
    (void)aliases;
    if (empty(v[SRC_ALIAS]))
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: empty alias", path, line);
    return plain_row(ctx, path, line, v);
}

/* One JSONL record: its alias and each of its "aliases". */
static int jsonl_record(void *ctx, const char *path, long line, const char *const v[SRC_NCOLS],
                        json_t *aliases, sanctag_error *err)
{
    imp *m = ctx;
    int rc = 0;
    if (!aliases && empty(v[SRC_ALIAS]))
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: no 'alias' or 'aliases'", path, line);
    if (!empty(v[SRC_ALIAS]) && (rc = plain_row(m, path, line, v)))
        return rc;
    size_t i;
    json_t *a;
    json_array_foreach(aliases, i, a)
    {
        const char *va[SRC_NCOLS];
        memcpy(va, v, sizeof va);
        if (sanctagp_src_alias(a, va) < 0)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: aliases[%zu] must be a string or an object",
                                      path, line, i);
        if (empty(va[SRC_ALIAS]))
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: aliases[%zu] is empty", path, line, i);
        if ((rc = plain_row(m, path, line, va)))
            return rc;
    }
    return 0;
}

/* The gazetteer TSV or JSONL columns plus the sanctions columns. */
static int parse_plain(imp *m, const char *path, int jsonl)
{
    char *buf;
    size_t len;
    int rc = sanctagp_src_load(path, 0, &buf, &len, m->err);
    if (rc)
        return rc;
    m->hash = sanctagp_fnv1a(m->hash, buf, len);
    if (jsonl)
        rc = sanctagp_src_jsonl(path, buf, len, SRC_LIST, jsonl_record, m, m->err);
    else
        rc = sanctagp_src_tsv(path, buf, len, SRC_LIST, tsv_row, m, m->err);
    free(buf);
    return rc;
}

int sanctagp_parse_tsv(imp *m, const char *path)
{
    return parse_plain(m, path, 0);
}

int sanctagp_parse_jsonl(imp *m, const char *path)
{
    return parse_plain(m, path, 1);
}
