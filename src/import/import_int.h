/* import_int.h - private to src/import/: what the list importers share. The
 * layer's interface (for the CLI and tests) is import/import.h.
 *
 *   import.c    the import context and the whole import (sanctagp_import)
 *   entities.c  small string helpers, the entities being imported (de-duplication)
 *   names.c     name forms, case policy and kind: the structural name policy
 *   policy.c    alias quality from the lexicon and the gazetteer (policy.h)
 *   un_xml.c, ofac_csv.c, ftm.c, tabular.c   one reader a list format
 *   write.c     writing through the gazetteer writer
 *   diff.c      snapshots of a source and the diff between them */
#ifndef SANCTAG_IMPORT_INT_H
#define SANCTAG_IMPORT_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/text.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/links.h"
#include "import/import.h"
#include "util/buf.h"
#include "util/hash.h"

/* ---- small helpers (entities.c) ---- */

static inline int empty(const char *s)
{
    return !s || !*s;
}

static inline char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static inline char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

enum { SF_LABEL, SF_NAME, SF_COUNTRY, SF_LISTED, SF_PROGRAMS, SF_LIST_REF, SF_LISTED_ON,
       SF_VALID_FROM, SF_VALID_TO, SF_ATTRS, SF_N };

/* Growable string; `oom` sticks once an allocation failed. */
typedef struct sbuf {
    sanctagp_buf b; /* the text so far (b.len bytes) */
    int oom;        /* sticky: an append failed; take() then returns NULL */
} sbuf;


/* One alias candidate. Automatic formats leave kind/case_policy NULL until
 * finalize() decides them; plain formats give them explicitly. */
typedef struct ialias {
    char *text, *kind, *case_policy, *lang, *accents, *origin;
    int weak; /* the list marks it low quality */
    /* set by finalize (names.c): the normalised form, its words, whether
     * every word is written in capitals, the letters of its last word */
    char *norm;
    int words, allcaps, letters;
    /* set by the name policy (names.c, policy.c): why the alias is weak or
     * dropped (a rule name, static) and the evidence (owned) */
    const char *rule;
    char *evidence;
    int dropped; /* never written as an alias; only its reason is kept */
} ialias;


typedef struct ientity {
    char *key, *label, *name, *country;
    int listed;
    json_t *programs; /* array of strings, NULL when none */
    char *list_ref, *listed_on, *valid_from, *valid_to, *origin;
    json_t *attrs; /* object, NULL when none */
    ialias *al;
    size_t nal, alcap;
    const char *file; /* borrowed: one of the input paths */
    long line;
    int explicit_aliases; /* plain formats: aliases exactly as given */
    int east_asian;       /* names written family name first */
} ientity;


typedef struct iset {
    ientity *v;
    size_t n, cap;
    uint64_t *slots; /* open addressing on key: hash << 32 | index + 1, 0 empty; the hash
                        spares looking at entities whose key cannot match, and rehashing */
    size_t nslots;
} iset;


typedef struct imp {
    int format;
    iset set;
    json_t *skipped;  /* reason -> count */
    char version[96]; /* list date or content hash */
    uint64_t hash;    /* FNV-1a of every input byte */
    sanctag_error *err;
} imp;


typedef struct counts {
    long entities, listed, aliases, weak;
} counts;


typedef struct snap {
    const char *key;
    const char *f[SF_N];
    const char **al; /* "text\tkind", sorted by text */
    size_t nal;
    sqlite3_int64 id; /* entity rowid */
} snap;


/* A bump allocator for a snapshot's strings: blocks that never move, freed
 * at once. Half a million entities are a few million short strings. */
typedef struct sblock {
    struct sblock *next;
    size_t used, cap;
    char data[];
} sblock;


/* The source's entities, sorted by key, and their aliases. */
typedef struct snapset {
    snap *v;
    size_t n;
    const char **al; /* every alias of v, grouped by entity (snap.al points in) */
    sblock *strings;
} snapset;


void sanctagp_sb_putn(sbuf *b, const char *s, size_t n);
void sanctagp_sb_puts(sbuf *b, const char *s);
/* Returns the owned string (never NULL unless out of memory) and resets b. */
char *sanctagp_sb_take(sbuf *b);
/* s[0..n) equals the lower-case ASCII `word`, ignoring case. */
int sanctagp_lower_ascii_eq(const char *s, size_t n, const char *word);
/* YYYY-MM-DD at the start of s, copied to out. */
int sanctagp_valid_date_prefix(const char *s, char out[11]);

/* ---- entities being imported (entities.c) ---- */

long sanctagp_iset_find(const iset *s, const char *key);
ientity *sanctagp_iset_add(iset *s, const char *key, const char *label, const char *file,
                           long line);
void sanctagp_ialias_free(ialias *a);
void sanctagp_iset_free(iset *s);
ialias *sanctagp_push_alias(ientity *e);
void sanctagp_attr_set(ientity *e, const char *name, const char *value);
void sanctagp_attr_push(ientity *e, const char *name, const char *value);
void sanctagp_program_push(ientity *e, const char *p, size_t n);
int sanctagp_country_note(ientity *e, const char *name, const char *attr);
int sanctagp_is_person(const ientity *e);

/* ---- the import context (import.c) ---- */

void sanctagp_import_skip(imp *m, const char *reason);
int sanctagp_import_oom(imp *m, const char *file, long line);
int sanctagp_new_entity(imp *m, const char *key, const char *label, const char *file, long line,
                        ientity **ret);
int sanctagp_find_imo(const char *s, char out[8]);

/* ---- the name policy (names.c) ---- */

int sanctagp_east_asian_surname(const char *s, size_t n);
char *sanctagp_clean_name(const char *s);
int sanctagp_has_alpha(const char *s);
int sanctagp_add_name(ientity *e, const char *raw, int weak, const char *origin);
int sanctagp_add_person_name(ientity *e, const char *surname, const char *given, int east_asian,
                             int weak, const char *origin);
int sanctagp_finalize_aliases(ientity *e, sanctagp_tokens *tk);
/* "of", "and", "bin", "al", "de" ...: name particles news writes in lower case. */
int sanctagp_function_word(const char *w, size_t n);
/* The text a "cap" case policy is computed from: all capitals title-cased,
 * particles after the first word lower-cased ("Bank of East Land"). Owned. */
char *sanctagp_news_case(const char *s);

/* ---- one reader a list format ---- */

int sanctagp_parse_un(imp *m, const char *path);                           /* un_xml.c */
int sanctagp_parse_ofac(imp *m, const char *const *files, size_t nfiles);  /* ofac_csv.c */
int sanctagp_parse_ftm(imp *m, const char *path);                          /* ftm.c */
int sanctagp_parse_tsv(imp *m, const char *path);                          /* tabular.c */
int sanctagp_parse_jsonl(imp *m, const char *path);
int sanctagp_parse_lines(imp *m, const char *path, const char *source,
                         const sanctagp_import_opts *o);

/* ---- writing (write.c) and the diff (diff.c) ---- */

int sanctagp_write_all(imp *m, sqlite3 *db, const char *db_path, const char *source,
                       sanctagp_writer *w, counts *n);
/* Decides kind and case policy of every entity's aliases (finalize). */
int sanctagp_finalize_all(imp *m);
void sanctagp_snapset_free(snapset *s);
const char *sanctagp_coltext(sqlite3_stmt *st, int i);
int sanctagp_snapshot(sqlite3 *db, const char *db_path, const char *source, int full,
                      snapset *ret, sanctag_error *err);
void sanctagp_snap_diff(const snapset *A, const snapset *B, int counts_only, json_t *report);

#endif
