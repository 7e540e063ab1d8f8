/* namecues.h - private: the cue words of context name recognition (issue 17):
 * titles, roles and speech verbs before a person, heads and tails of
 * organisation names, connecting words a name may hold, and stop words that
 * are never a name on their own. The words come from gazetteers/cues.tsv,
 * stored in the gazetteer by `gaz build` (table `cue`) and loaded with it. */
#ifndef SANCTAG_CORE_NAMECUES_H
#define SANCTAG_CORE_NAMECUES_H

#include <stddef.h>
#include <stdint.h>

/* Roles, a bit each: one word may have several. */
enum {
    CUE_PERSON_TITLE = 1u << 0,  /* "presiden", "pelatih", "pak": a person follows */
    CUE_PERSON_VERB = 1u << 1,   /* "kata", "ujar": a person follows (a speech verb) */
    CUE_ORG_HEAD = 1u << 2,      /* "pt", "universitas": first word of an ORG name */
    CUE_ORG_TAIL = 1u << 3,      /* "fc", "tbk": last word of an ORG name */
    CUE_STOP = 1u << 4,          /* "dalam", "namun": never a name on its own */
    CUE_ORG_CONNECTOR = 1u << 5, /* "dan", "of": inside an ORG name */
    CUE_PERSON_CONNECTOR = 1u << 6, /* "bin", "van": inside a person's name */
    CUE_PERSON_GIVEN = 1u << 7,  /* "agus", "budi": a common personal name token */
    CUE_COMMON = 1u << 8,        /* "keuangan", "luar": a common word, in no person's name
                                    unless also person-given */
    CUE_OFFICE = 1u << 9,        /* "perhubungan", "koordinator": a word of an office's
                                    title, in no person's name */
    CUE_PERSON_AFTER = 1u << 10, /* "mengatakan", "menegaskan": a person comes before */
    CUE_PERSON_PREP = 1u << 11,  /* "menurut", "oleh": a person often follows, but also
                                    bodies and places ("oleh Dortmund", "kepada Allah") */
    CUE_PERSON_FIRST = 1u << 12, /* "michael", "siti": a given name that starts a full name
                                    by itself (gazetteers/first-names.tsv) */
    CUE_NONPERSON_BEFORE = 1u << 13, /* "di", "kapal", "film": a name right after it is a
                                        place's, a vessel's or a work's, not by its first
                                        name a person's */
};

typedef struct sanctagp_cues sanctagp_cues;

/* Role bit of a role name as cues.tsv writes it ("person-title", ...), 0 if unknown. */
unsigned sanctagp_cue_role(const char *name);

/* A new empty set, NULL when out of memory. */
sanctagp_cues *sanctagp_cues_new(void);

/* Makes room for n more words at once (0, or SANCTAG_E_NOMEM): each growth
 * of the table is a fresh one to fill and fault in. */
int sanctagp_cues_reserve(sanctagp_cues *c, size_t n);
void sanctagp_cues_free(sanctagp_cues *c);

/* Adds roles to a word given normalised (sanctag_normalize: one token, case
 * folded). Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_cues_add(sanctagp_cues *c, const char *norm, size_t len, unsigned roles);

/* The roles of a normalised token (0 for none or a NULL set). */
unsigned sanctagp_cues_get(const sanctagp_cues *c, const char *norm, size_t len);

/* sanctagp_cues_get() of a token followed by at least 8 readable bytes, as a
 * tokenizer's arena keeps them (core/text.h): one load where the other reads
 * a short word byte by byte. */
unsigned sanctagp_cues_get_padded(const sanctagp_cues *c, const char *norm, size_t len);

/* Starts fetching the table memory where the lookup of such a token (followed
 * by 8 readable bytes) begins: a lookup a little later finds it in the cache.
 * Changes nothing else; a NULL set is a no-op. */
void sanctagp_cues_prefetch(const sanctagp_cues *c, const char *norm, size_t len);

/* Number of words in the set. */
size_t sanctagp_cues_count(const sanctagp_cues *c);

/* ---- in a matcher image (core/compile.c writes it, the open reads it) ----
 * The table is stored as built: cap slots of SANCTAGP_CUE_SLOT_SIZE bytes
 * and the pool of words they point into, so an open uses it where the image
 * lies instead of reading thousands of rows and hashing them again (2.4 ms
 * of a 16 ms start-up, issue 20). */
#define SANCTAGP_CUE_SLOT_SIZE 16

/* The table's parts as stored: slots (cap of them, n used) and pool. */
void sanctagp_cues_export(const sanctagp_cues *c, const void **slots, size_t *cap, size_t *n,
                          const char **pool, size_t *pool_len);

/* A set over stored parts (export's), which must outlive it and are not
 * copied. Checks what a lookup relies on: a power-of-two table with an empty
 * slot, n words, each inside the pool and hashed to where it lies. 0, or
 * SANCTAG_E_DB when the parts are not such a table, SANCTAG_E_NOMEM. */
int sanctagp_cues_view(const void *slots, size_t cap, size_t n, const char *pool,
                       size_t pool_len, sanctagp_cues **ret);

#endif
