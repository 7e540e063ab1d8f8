/* entities.c - the entities being imported: small string helpers, the
 * key-indexed entity set (de-duplication), aliases, programmes, attributes. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/countries.h"

/* ---- small helpers --------------------------------------------------------- */

void sanctagp_sb_putn(sbuf *b, const char *s, size_t n)
{
    if (!b->oom && sanctagp_buf_append(&b->b, s, n))
        b->oom = 1;
}
void sanctagp_sb_puts(sbuf *b, const char *s)
{
    sanctagp_sb_putn(b, s, strlen(s));
}

/* Returns the owned string (never NULL unless out of memory) and resets b. */
char *sanctagp_sb_take(sbuf *b)
{
    char *p = b->oom ? NULL : sanctagp_buf_take(&b->b);
    sanctagp_buf_release(&b->b);
    b->oom = 0;
    return p;
}

int sanctagp_lower_ascii_eq(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (k != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

int sanctagp_valid_date_prefix(const char *s, char out[11])
{
    /* YYYY-MM-DD at the start of s (the UN writes "2015-04-07-04:00" too) */
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    memcpy(out, s, 10);
    out[10] = 0;
    return 1;
}

/* ---- entities being imported ------------------------------------------------- */

static uint32_t key_hash(const char *s)
{
    return (uint32_t)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, s, strlen(s));
}

long sanctagp_iset_find(const iset *s, const char *key)
{
    if (!s->nslots)
        return -1;
    uint32_t h = key_hash(key);
    size_t i = h & (s->nslots - 1);
    for (uint64_t v; (v = s->slots[i]) != 0; i = (i + 1) & (s->nslots - 1)) {
        if ((uint32_t)(v >> 32) != h)
            continue;
        const ientity *e = &s->v[(uint32_t)v - 1];
        if (strcmp(e->key, key) == 0)
            return (long)((uint32_t)v - 1);
    }
    return -1;
}

static int iset_rehash(iset *s, size_t nslots)
{
    uint64_t *ns = calloc(nslots, sizeof *ns);
    if (!ns)
        return SANCTAG_E_NOMEM;
    for (size_t k = 0; k < s->nslots; k++) {
        uint64_t v = s->slots[k];
        if (!v)
            continue;
        size_t i = (uint32_t)(v >> 32) & (nslots - 1);
        while (ns[i])
            i = (i + 1) & (nslots - 1);
        ns[i] = v;
    }
    free(s->slots);
    s->slots = ns;
    s->nslots = nslots;
    return 0;
}

/* Adds an entity with `key` (owned copy); the caller has checked it is new. */
ientity *sanctagp_iset_add(iset *s, const char *key, const char *label, const char *file,
                           long line)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        ientity *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = nc;
    }
    if ((s->n + 1) * 2 > s->nslots && iset_rehash(s, s->nslots ? s->nslots * 2 : 512))
        return NULL;
    ientity *e = &s->v[s->n];
    memset(e, 0, sizeof *e);
    e->key = xstrdup(key);
    e->label = xstrdup(label);
    if (!e->key || !e->label) {
        free(e->key);
        free(e->label);
        return NULL;
    }
    e->file = file;
    e->line = line;
    uint32_t h = key_hash(key);
    size_t i = h & (s->nslots - 1);
    while (s->slots[i])
        i = (i + 1) & (s->nslots - 1);
    s->slots[i] = (uint64_t)h << 32 | (uint32_t)(s->n + 1);
    s->n++;
    return e;
}

void sanctagp_ialias_free(ialias *a)
{
    free(a->text);
    free(a->kind);
    free(a->case_policy);
    free(a->lang);
    free(a->accents);
    free(a->origin);
    free(a->norm);
    free(a->evidence);
}

void sanctagp_iset_free(iset *s)
{
    for (size_t k = 0; k < s->n; k++) {
        ientity *e = &s->v[k];
        free(e->key);
        free(e->label);
        free(e->name);
        free(e->country);
        json_decref(e->programs);
        free(e->list_ref);
        free(e->listed_on);
        free(e->valid_from);
        free(e->valid_to);
        free(e->origin);
        json_decref(e->attrs);
        for (size_t i = 0; i < e->nal; i++)
            sanctagp_ialias_free(&e->al[i]);
        free(e->al);
    }
    free(s->v);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

ialias *sanctagp_push_alias(ientity *e)
{
    if (e->nal == e->alcap) {
        /* most entities of a plain list have one alias, list entries a few */
        size_t nc = e->alcap ? e->alcap * 2 : 1;
        ialias *na = realloc(e->al, nc * sizeof *na);
        if (!na)
            return NULL;
        e->al = na;
        e->alcap = nc;
    }
    ialias *a = &e->al[e->nal++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Sets attrs[name] = string value (ignored when empty). */
void sanctagp_attr_set(ientity *e, const char *name, const char *value)
{
    if (empty(value))
        return;
    if (!e->attrs)
        e->attrs = json_object();
    json_object_set_new(e->attrs, name, json_string(value));
}

/* Appends `value` to the string array attrs[name] unless present. */
void sanctagp_attr_push(ientity *e, const char *name, const char *value)
{
    if (empty(value))
        return;
    if (!e->attrs)
        e->attrs = json_object();
    json_t *arr = json_object_get(e->attrs, name);
    if (!arr) {
        arr = json_array();
        json_object_set_new(e->attrs, name, arr);
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(v), value) == 0)
            return;
    }
    json_array_append_new(arr, json_string(value));
}

void sanctagp_program_push(ientity *e, const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (!n)
        return;
    if (!e->programs)
        e->programs = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(e->programs, i, v)
    {
        if (strlen(json_string_value(v)) == n && memcmp(json_string_value(v), p, n) == 0)
            return;
    }
    json_array_append_new(e->programs, json_stringn(p, n));
}

/* Sets e->country from a country name if it has none yet; records the code
 * in attrs[attr] (when attr is not NULL). Returns 1 when recognised. */
int sanctagp_country_note(ientity *e, const char *name, const char *attr)
{
    char cc[3];
    if (!sanctagp_country_code(name, cc))
        return 0;
    if (!e->country)
        e->country = xstrdup(cc);
    if (attr)
        sanctagp_attr_push(e, attr, cc);
    return 1;
}

int sanctagp_is_person(const ientity *e)
{
    return strcmp(e->label, "PERSON") == 0;
}
