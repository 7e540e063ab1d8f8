/* matcher.h - private: the compiled token-trie matcher.
 *
 * An alias is tokenized and normalised exactly like text (text.h); its token
 * sequence is a path in a trie over token ids. The compiled form is one flat,
 * pointer-free image (offsets only) so it can be stored as a BLOB in the
 * gazetteer and used straight after reading it back: start-up does no parsing.
 * A loaded matcher is read-only and safe to share between threads.
 */
#ifndef SANCTAG_MATCHER_H
#define SANCTAG_MATCHER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/namecues.h"
#include "core/text.h"

#define SANCTAGP_IMAGE_MAGIC "SNTGMAT"
#define SANCTAGP_IMAGE_FORMAT 8u /* 8: the cue words of name recognition (namecues.h) */

/* Case policies. */
enum { POL_FOLD = 0, POL_CAP = 1, POL_EXACT = 2 };
#define POL_EXACT_MAX_TOKENS 10 /* 3 bits per token in a 32-bit pattern */
#define POL_CAP_MAX_TOKENS 32

/* Alias kinds (stored as an index). */
enum {
    KIND_NAME = 0, KIND_ABBREVIATION, KIND_OFFICIAL, KIND_NICKNAME, KIND_DEMONYM,
    KIND_WEAK, KIND_SUPPRESSOR, KIND_COUNT
};
extern const char *const sanctagp_kind_names[KIND_COUNT];
int sanctagp_kind_from_name(const char *s); /* -1 if unknown */

/* accoff[state] top bit: the state has outgoing transitions (a walk that
 * reaches a state without any stops there, no transition lookup needed) */
#define ACCOFF_CHILDREN 0x80000000u
#define ACCOFF_MASK 0x7fffffffu

/* Accept flags */
enum { ACC_SUPPRESS = 1u << 4 };

typedef struct sanctagp_img_header {
    char magic[8];
    uint32_t format, endian;          /* endian = 0x01020304 as written */
    uint32_t n_tokens, n_states, n_trans_slots, n_dict_slots;
    uint32_t n_accept, n_entities, n_langs, n_aliases;
    uint64_t off_dict, off_tokoff, off_tokpool, tokpool_size;
    uint64_t off_root, off_trans, off_accoff, off_accept;
    uint64_t off_entities, off_strings, strings_size, off_langs;
    uint64_t off_filter;              /* start filter: 1 << filter_log2 bits */
    uint32_t filter_log2, n_entlists;
    uint64_t off_entlists;            /* sanctagp_entlist[n_entlists] */
    /* the cue word table as built (namecues.h): n_cue_slots slots (0: no
     * table) holding n_cues words in a pool of cuepool_size bytes */
    uint64_t off_cues, n_cue_slots, n_cues, off_cuepool, cuepool_size;
    uint64_t total_size;
    char version[64];                 /* gazetteer version it was compiled from */
} sanctagp_img_header;

/* Token dictionary slot: the first 8 normalised bytes inline (zero-padded; a
 * token has no NUL), so a token of up to 8 bytes is found and verified in one
 * cache line; a longer one (DSLOT_LONG) is checked against the token pool. */
typedef struct sanctagp_dslot {
    uint32_t id;                      /* token id + 1 | DSLOT_LONG; 0 = empty */
    uint32_t key[2];
} sanctagp_dslot;
#define DSLOT_LONG 0x80000000u

typedef struct sanctagp_trans {
    uint32_t state, tok, child;       /* child 0 = empty slot */
} sanctagp_trans;

typedef struct sanctagp_accept {
    uint32_t entity;
    uint32_t pattern;                 /* POL_CAP: bit per token that must start upper;
                                         POL_EXACT: 3-bit case class per token */
    uint16_t lang;                    /* index into the language table */
    uint8_t kind;
    uint8_t policy;                   /* POL_* | ACC_* flags */
} sanctagp_accept;

/* An entity: offsets into the string pool (0 = ""). What only listed
 * entities have is in a sanctagp_entlist of its own, so an unlisted entity
 * (most of a large gazetteer) costs 20 bytes, not 40. */
typedef struct sanctagp_ent {
    uint32_t key, label, name, country;
    uint32_t list;    /* 0: none; else 1 + index of its sanctagp_entlist */
} sanctagp_ent;

typedef struct sanctagp_entlist {
    uint32_t programs, list_source, list_ref, listed_on;
    uint32_t records; /* JSON array of the list records behind it, "" when none */
    uint32_t listed;
} sanctagp_entlist;

/* A loaded image: pointers into caller-owned memory. */
typedef struct sanctagp_matcher {
    const sanctagp_img_header *h;
    const sanctagp_dslot *dict;
    const uint32_t *tokoff;
    const char *tokpool;
    const uint32_t *root;
    const sanctagp_trans *trans;
    const uint32_t *accoff;
    const sanctagp_accept *accept;
    const sanctagp_ent *ent;
    const sanctagp_entlist *entlist;
    const char *strings;
    const uint32_t *langs;
    const uint64_t *filter;
    uint32_t dict_mask, trans_mask, filter_shift;
} sanctagp_matcher;

/* The list data of entity e (all "" and unlisted when it has none). */
static inline const sanctagp_entlist *sanctagp_ent_list(const sanctagp_matcher *m,
                                                        const sanctagp_ent *e)
{
    static const sanctagp_entlist none;
    return e->list ? &m->entlist[e->list - 1] : &none;
}

/* Accept records of a state: [sanctagp_acc_begin, sanctagp_acc_end). */
static inline uint32_t sanctagp_acc_begin(const sanctagp_matcher *m, uint32_t state)
{
    return m->accoff[state] & ACCOFF_MASK;
}

static inline uint32_t sanctagp_acc_end(const sanctagp_matcher *m, uint32_t state)
{
    return m->accoff[state + 1] & ACCOFF_MASK;
}

/* Validates `size` bytes at `image` (8-byte aligned) and points `m` into it.
 * Every index in the image is range-checked, so a corrupt BLOB is refused,
 * never read out of bounds. Returns 0 or SANCTAG_E_DB. */
int sanctagp_matcher_load(sanctagp_matcher *m, const void *image, size_t size);

/* The part of sanctagp_matcher_load that checks the header and the bounds of
 * the sections and points `m` into them, without checking every index in
 * them: only for an image known to be this sanctag's own compile (the stored
 * matcher of a file verified as compiled from its rows, gazetteer/verify.c),
 * where those checks cost a third of a start-up at 500,000 aliases. */
int sanctagp_matcher_attach(sanctagp_matcher *m, const void *image, size_t size);

/* Sets tokens[i].id for every token (0 when not in the dictionary); tokens
 * with accents that are unknown as written are looked up without accents. */
void sanctagp_matcher_resolve(const sanctagp_matcher *m, sanctagp_tokens *tk);

/* Token id not looked up yet (lazy resolution while tagging). */
#define SANCTAGP_UNRESOLVED UINT32_MAX

/* Looks up one token (as sanctagp_matcher_resolve does) and stores its id. */
uint32_t sanctagp_matcher_resolve_one(const sanctagp_matcher *m, sanctagp_tokens *tk, size_t i);

/* Hash used by dictionary and builder alike. */
uint64_t sanctagp_hash(const char *s, size_t n);

/* The first min(n, 8) bytes of s as a little-endian word, zero-padded, read
 * with one 8-byte load: s[0..8) must be readable (the tokenizer's arena keeps
 * 8 spare bytes after every token for this). */
static inline uint64_t sanctagp_load_padded(const char *s, size_t n)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return n >= 8 ? w : w & (((uint64_t)1 << (8 * n)) - 1);
}

/* sanctagp_hash() of a string followed by at least 8 readable bytes. */
static inline uint64_t sanctagp_hash_padded(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    h = (h ^ sanctagp_load_padded(s, n)) * 0x100000001b3ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

/* Dictionary lookup in two steps, so callers can prefetch the home slot of a
 * token well before probing it: the slot a token's search begins at (the low
 * bits of its hash), and the probe from there (id + 1, or 0 when the
 * normalised bytes are no token; s as for sanctagp_dict_home). */
static inline uint32_t sanctagp_dict_slot(const sanctagp_matcher *m, uint64_t h)
{
    return (uint32_t)h & m->dict_mask;
}

/* The home slot of a token whose bytes are followed by 8 readable bytes. */
static inline uint32_t sanctagp_dict_home(const sanctagp_matcher *m, const char *s, size_t n)
{
    return sanctagp_dict_slot(m, sanctagp_hash_padded(s, n));
}
uint32_t sanctagp_dict_probe(const sanctagp_matcher *m, uint32_t home, const char *s, size_t n);

/* The inline key of a token in a dictionary slot: its first 8 bytes, zero-padded. */
static inline uint64_t sanctagp_dict_key(const char *s, size_t n)
{
    uint64_t k = 0;
    memcpy(&k, s, n < 8 ? n : 8);
    return k;
}

/* The start filter: one bit per value of a token hash's top filter_log2 bits,
 * set for every token that begins an alias. False when the token with hash
 * `h` (sanctagp_hash) cannot begin any alias; no false negatives. The same
 * hash gives the dictionary home (its low bits), so a token is hashed once. */
static inline int sanctagp_matcher_may_start(const sanctagp_matcher *m, uint64_t h)
{
    uint64_t k = h >> m->filter_shift;
    return (int)(m->filter[k >> 6] >> (k & 63) & 1);
}

static inline uint32_t sanctagp_trans_hash(uint32_t state, uint32_t tok)
{
    uint64_t x = ((uint64_t)state << 32 | tok) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32) ^ (uint32_t)x;
}

/* Next state from `state` on token id `tok` (id as stored in tokens, >= 1), 0 if none. */
static inline uint32_t sanctagp_matcher_step(const sanctagp_matcher *m, uint32_t state,
                                             uint32_t tok)
{
    if (state == 0)
        return m->root[tok - 1];
    uint32_t i = sanctagp_trans_hash(state, tok) & m->trans_mask;
    for (;;) {
        const sanctagp_trans *t = &m->trans[i];
        if (t->child == 0)
            return 0;
        if (t->state == state && t->tok == tok)
            return t->child;
        i = (i + 1) & m->trans_mask;
    }
}

/* True when the text tokens [t, t+n) satisfy the accept record's case policy. */
static inline int sanctagp_accept_ok(const sanctagp_accept *a, const sanctagp_token *t, uint32_t n)
{
    switch (a->policy & 3) {
    case POL_FOLD:
        return 1;
    case POL_CAP:
        for (uint32_t k = 0; k < n && k < POL_CAP_MAX_TOKENS; k++)
            if ((a->pattern >> k & 1) && !(t[k].flags & TF_FIRST_UPPER))
                return 0;
        return 1;
    case POL_EXACT:
        for (uint32_t k = 0; k < n && k < POL_EXACT_MAX_TOKENS; k++) {
            uint32_t want = a->pattern >> (3 * k) & 7;
            if (want != TC_NONE && t[k].cls != want)
                return 0;
        }
        return 1;
    default:
        return 0;
    }
}


static inline const char *sanctagp_str(const sanctagp_matcher *m, uint32_t off)
{
    return m->strings + off;
}

/* ---- building ------------------------------------------------------------ */

typedef struct sanctagp_mbuild sanctagp_mbuild;

sanctagp_mbuild *sanctagp_mbuild_new(void);
void sanctagp_mbuild_free(sanctagp_mbuild *b);

/* Adds an entity, returning its index in *ret_idx. Strings may be NULL. */
int sanctagp_mbuild_entity(sanctagp_mbuild *b, const char *key, const char *label,
                           const char *name, const char *country, int listed,
                           const char *programs, const char *list_source,
                           const char *list_ref, const char *listed_on, uint32_t *ret_idx);
/* Sets the list records behind entity `idx` (a JSON array, see
 * sanctag_gazetteer_entity_records()). */
int sanctagp_mbuild_entity_records(sanctagp_mbuild *b, uint32_t idx, const char *records);

/* Adds an alias of entity `ent`. `policy` is "auto", "fold", "cap" or "exact";
 * with accents "fold" an accent-stripped variant is added too. An alias that
 * tokenizes to nothing is refused with SANCTAG_E_FORMAT. */
int sanctagp_mbuild_alias(sanctagp_mbuild *b, uint32_t ent, const char *text, size_t len,
                          int kind, const char *lang, const char *policy, int fold_accents);

/* Resolves the case policy "auto" for alias `text` the way the builder does:
 * returns POL_EXACT, POL_CAP or POL_FOLD. */
int sanctagp_auto_policy(const sanctagp_tokens *tk);
int sanctagp_policy_from_name(const char *s); /* -1 unknown, -2 for "auto" */

/* The image is to hold (a copy of) the cue word table c; NULL: none.
 * Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_mbuild_cues(sanctagp_mbuild *b, const sanctagp_cues *c);

/* Serialises the matcher. On success *ret_image is an owned malloc'd block of
 * *ret_size bytes. `version` is recorded in the header. */
int sanctagp_mbuild_finish(sanctagp_mbuild *b, const char *version, void **ret_image,
                           size_t *ret_size);

#endif
