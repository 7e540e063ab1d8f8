/* ftm.c - OpenSanctions FollowTheMoney entities, one JSON object a line. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/types.h>

#include "core/names.h"
#include "gazetteer/countries.h"

/* ---- OpenSanctions FollowTheMoney JSON lines -------------------------------------- */

typedef struct ftm_sanction {
    char *key; /* entity key it applies to */
    json_t *programs;
    char *ref, *date, *authority;
    const char *file;
    long line;
} ftm_sanction;

static const char *ftm_label(const char *schema)
{
    if (strcmp(schema, "Person") == 0)
        return "PERSON";
    if (strcmp(schema, "Organization") == 0 || strcmp(schema, "Company") == 0 ||
        strcmp(schema, "LegalEntity") == 0 || strcmp(schema, "PublicBody") == 0)
        return "ORG";
    if (strcmp(schema, "Vessel") == 0)
        return "VESSEL";
    return NULL;
}

/* Entity key of a FtM id: the id itself when it already has a "kind:" part,
 * else "ftm:" + id. Owned. */
static char *ftm_key(const char *id)
{
    if (strchr(id, ':'))
        return xstrdup(id);
    size_t n = strlen(id) + 5;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "ftm:%s", id);
    return k;
}

/* String values of property `name` (a JSON array; other element types are
 * ignored). Returns the array (borrowed) or NULL. */
static json_t *ftm_prop(json_t *props, const char *name)
{
    json_t *v = json_object_get(props, name);
    return json_is_array(v) ? v : NULL;
}

static const char *ftm_first(json_t *props, const char *name)
{
    json_t *arr = ftm_prop(props, name);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && *json_string_value(v))
            return json_string_value(v);
    }
    return NULL;
}

/* YYYY, YYYY-MM or YYYY-MM-DD at the start of s. */
static int date_prefix(const char *s, char out[11])
{
    if (!s)
        return 0;
    if (sanctagp_valid_date_prefix(s, out))
        return 1;
    size_t n = 0;
    while (n < 7 && s[n] && (isdigit((unsigned char)s[n]) || (n == 4 && s[n] == '-')))
        n++;
    if (n == 7 || (n >= 4 && (n == 4 || s[4] != '-'))) {
        n = n == 7 ? 7 : 4;
        memcpy(out, s, n);
        out[n] = 0;
        return 1;
    }
    return 0;
}

/* A Sanction entity (top-level or nested) for the entity `key` (or, when key
 * is NULL, for every id in its "entity" property). */
static int ftm_sanction_add(ftm_sanction **v, size_t *n, size_t *cap, json_t *sanction,
                            const char *key, const char *file, long line)
{
    json_t *props = json_object_get(sanction, "properties");
    json_t *targets = key ? NULL : ftm_prop(props, "entity");
    size_t count = key ? 1 : json_array_size(targets);
    for (size_t t = 0; t < count; t++) {
        char *k = NULL;
        if (key) {
            k = xstrdup(key);
        } else {
            json_t *tv = json_array_get(targets, t);
            const char *id = json_is_string(tv) ? json_string_value(tv)
                             : json_is_object(tv)
                                 ? json_string_value(json_object_get(tv, "id"))
                                 : NULL;
            if (!id || !*id)
                continue;
            k = ftm_key(id);
        }
        if (!k)
            return SANCTAG_E_NOMEM;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            ftm_sanction *nv = realloc(*v, nc * sizeof *nv);
            if (!nv) {
                free(k);
                return SANCTAG_E_NOMEM;
            }
            *v = nv;
            *cap = nc;
        }
        ftm_sanction *s = &(*v)[(*n)++];
        memset(s, 0, sizeof *s);
        s->key = k;
        s->file = file;
        s->line = line;
        json_t *progs = ftm_prop(props, "program");
        if (!json_array_size(progs))
            progs = ftm_prop(props, "programId");
        s->programs = json_array();
        size_t i;
        json_t *pv;
        json_array_foreach(progs, i, pv)
        {
            if (json_is_string(pv) && *json_string_value(pv))
                json_array_append(s->programs, pv);
        }
        const char *ref = ftm_first(props, "authorityId");
        if (!ref)
            ref = ftm_first(props, "unscId");
        s->ref = xstrdup(ref);
        s->authority = xstrdup(ftm_first(props, "authority"));
        char d[11];
        const char *ds = ftm_first(props, "listingDate");
        if (!ds)
            ds = ftm_first(props, "startDate");
        if (date_prefix(ds, d))
            s->date = xstrdup(d);
    }
    return 0;
}

static int ftm_entity(imp *m, const char *path, long line, json_t *o, const char *id,
                      const char *schema, const char *label, ftm_sanction **sv, size_t *sn,
                      size_t *scap)
{
    json_t *props = json_object_get(o, "properties");
    char *key = ftm_key(id);
    if (!key)
        return sanctagp_import_oom(m, path, line);
    ientity *e;
    int rc = sanctagp_new_entity(m, key, label, path, line, &e);
    if (rc) {
        free(key);
        return rc;
    }
    /* nested sanctions (the "targets.nested" export) */
    json_t *nested = ftm_prop(props, "sanctions");
    size_t i;
    json_t *v;
    json_array_foreach(nested, i, v)
    {
        if (json_is_object(v) && (rc = ftm_sanction_add(sv, sn, scap, v, key, path, line)))
            break;
    }
    free(key);
    if (rc)
        return sanctagp_import_oom(m, path, line);
    const char *name = ftm_first(props, "name");
    if (!name)
        name = json_string_value(json_object_get(o, "caption"));
    const char *first = ftm_first(props, "firstName"), *last = ftm_first(props, "lastName");
    char *composed = NULL;
    if (empty(name) && first && last) {
        size_t n = strlen(first) + strlen(last) + 2;
        composed = malloc(n);
        if (!composed)
            return sanctagp_import_oom(m, path, line);
        snprintf(composed, n, "%s %s", first, last);
        name = composed;
    }
    if (empty(name) || !sanctagp_has_alpha(name)) {
        free(composed);
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: %s '%s' has no name (properties.name)", path, line,
                                  schema, id);
    }
    e->name = sanctagp_clean_name(name);
    sanctagp_attr_set(e, "schema", schema);
    sanctagp_attr_set(e, "ftm_id", id);
    json_t *topics = ftm_prop(props, "topics");
    json_array_foreach(topics, i, v)
    {
        if (!json_is_string(v))
            continue;
        sanctagp_attr_push(e, "topics", json_string_value(v));
        if (strcmp(json_string_value(v), "sanction") == 0)
            e->listed = 1;
    }
    json_t *datasets = json_object_get(o, "datasets");
    json_array_foreach(datasets, i, v)
    {
        if (json_is_string(v))
            sanctagp_attr_push(e, "datasets", json_string_value(v));
    }
    const char *imo = ftm_first(props, "imoNumber");
    if (imo) {
        char digits[8];
        sanctagp_attr_set(e, "imo", sanctagp_find_imo(imo, digits) ? digits : imo);
    }
    static const char *const person_c[] = {"nationality", "citizenship", "country", NULL};
    static const char *const org_c[] = {"jurisdiction", "country", "mainCountry", NULL};
    static const char *const vessel_c[] = {"flag", "country", NULL};
    const char *const *cp = label[0] == 'P' ? person_c : label[0] == 'O' ? org_c : vessel_c;
    for (; *cp; cp++) {
        json_array_foreach(ftm_prop(props, *cp), i, v)
        {
            /* FtM writes ISO codes in lower case ("kp") */
            const char *c = json_string_value(v);
            if (c && strlen(c) == 2 && isalpha((unsigned char)c[0]) &&
                isalpha((unsigned char)c[1])) {
                char up[3] = {(char)toupper((unsigned char)c[0]),
                              (char)toupper((unsigned char)c[1]), 0};
                sanctagp_country_note(e, up, *cp);
            }
        }
    }
    e->east_asian = sanctagp_family_name_first(e->country);
    rc = sanctagp_add_name(e, e->name ? e->name : name, 0, "FtM name");
    static const struct {
        const char *prop, *origin;
        int weak;
    } props_names[] = {
        {"name", "FtM name", 0},
        {"alias", "FtM alias", 0},
        {"previousName", "FtM previousName", 0},
        {"weakAlias", "FtM weakAlias", 1},
    };
    for (size_t k = 0; !rc && k < sizeof props_names / sizeof *props_names; k++) {
        json_array_foreach(ftm_prop(props, props_names[k].prop), i, v)
        {
            if (json_is_string(v) &&
                (rc = sanctagp_add_name(e, json_string_value(v), props_names[k].weak,
                                        props_names[k].origin)))
                break;
        }
    }
    if (!rc && label[0] == 'P' && first && last)
        rc = sanctagp_add_person_name(e, last, first, e->east_asian, 0, "FtM firstName + lastName");
    free(composed);
    return rc || !e->name ? sanctagp_import_oom(m, path, line) : 0;
}

int sanctagp_parse_ftm(imp *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sanctagp_error_set(m->err, errno == ENOENT ? SANCTAG_E_NOTFOUND : SANCTAG_E_IO,
                                  path, 0, 0, -1, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    long line = 0;
    int rc = 0;
    ftm_sanction *sv = NULL;
    size_t sn = 0, scap = 0;
    while (!rc && (got = getline(&buf, &cap, f)) >= 0) {
        line++;
        size_t len = (size_t)got;
        m->hash = sanctagp_fnv1a(m->hash, buf, len);
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && isspace((unsigned char)buf[k]))
            k++;
        if (k == len)
            continue;
        if (sanctagp_utf8_check(buf, len, NULL)) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_UTF8, path, line, 0, -1,
                                    "%s:%ld: invalid UTF-8 or a NUL byte", path, line);
            break;
        }
        json_error_t je;
        json_t *o = json_loadb(buf, len, 0, &je);
        if (!o) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_JSON, path, line, je.column, -1,
                                    "%s:%ld:%d: malformed JSON: %s", path, line, je.column,
                                    je.text);
            break;
        }
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *schema = json_string_value(json_object_get(o, "schema"));
        json_t *props = json_object_get(o, "properties");
        if (!json_is_object(o) || empty(id) || empty(schema) || (props && !json_is_object(props))) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: not a FollowTheMoney entity (needs \"id\" and "
                                    "\"schema\" strings and a \"properties\" object)",
                                    path, line);
            json_decref(o);
            break;
        }
        const char *label = ftm_label(schema);
        if (strcmp(schema, "Sanction") == 0) {
            if (ftm_sanction_add(&sv, &sn, &scap, o, NULL, path, line))
                rc = sanctagp_import_oom(m, path, line);
        } else if (label) {
            rc = ftm_entity(m, path, line, o, id, schema, label, &sv, &sn, &scap);
        } else {
            char reason[96];
            snprintf(reason, sizeof reason, "FtM %.40s entities", schema);
            sanctagp_import_skip(m, reason);
        }
        json_decref(o);
    }
    int bad = ferror(f);
    fclose(f);
    free(buf);
    if (!rc && bad)
        rc = sanctagp_error_set(m->err, SANCTAG_E_IO, path, line, 0, -1,
                                "%s: read error after line %ld", path, line);
    /* sanctions onto their entities */
    for (size_t i = 0; i < sn; i++) {
        ftm_sanction *s = &sv[i];
        long idx = rc ? -1 : sanctagp_iset_find(&m->set, s->key);
        if (!rc && idx < 0)
            sanctagp_import_skip(m, "FtM sanctions of entities not in the file");
        if (idx >= 0) {
            ientity *e = &m->set.v[idx];
            e->listed = 1;
            size_t k;
            json_t *pv;
            json_array_foreach(s->programs, k, pv)
            {
                sanctagp_program_push(e, json_string_value(pv), strlen(json_string_value(pv)));
            }
            if (!e->list_ref && s->ref)
                e->list_ref = xstrdup(s->ref);
            if (s->date && (!e->listed_on || strcmp(s->date, e->listed_on) < 0)) {
                free(e->listed_on);
                e->listed_on = xstrdup(s->date);
            }
            sanctagp_attr_push(e, "authority", s->authority);
        }
        free(s->key);
        json_decref(s->programs);
        free(s->ref);
        free(s->date);
        free(s->authority);
    }
    free(sv);
    return rc;
}
