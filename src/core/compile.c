/* compile.c - the matcher compiler: entities and aliases in, one flat
 * token-trie image out (the format of core/matcher.h, loaded by matcher.c). */
#include "core/matcher.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sanctagp_kind_from_name(const char *s)
{
    if (!s || !*s)
        return KIND_NAME;
    for (int i = 0; i < KIND_COUNT; i++)
        if (strcmp(s, sanctagp_kind_names[i]) == 0)
            return i;
    return -1;
}

int sanctagp_policy_from_name(const char *s)
{
    if (!s || !*s || strcmp(s, "auto") == 0)
        return -2;
    if (strcmp(s, "fold") == 0)
        return POL_FOLD;
    if (strcmp(s, "cap") == 0)
        return POL_CAP;
    if (strcmp(s, "exact") == 0)
        return POL_EXACT;
    return -1;
}

uint64_t sanctagp_hash(const char *s, size_t n)
{
    /* FNV-1a over 8-byte words with a final avalanche: short tokens dominate */
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

typedef struct bacc {
    uint32_t state, seq;
    sanctagp_accept a;
} bacc;

struct sanctagp_mbuild {
    /* token dictionary */
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *tokoff; /* n_tokens + 1 */
    size_t n_tokens, tokoff_cap;
    uint64_t *dict;   /* open addressing: hash tag << 32 | id+1 */
    size_t dict_cap;
    /* trie */
    uint32_t n_states;
    uint32_t *root;   /* per token, grows with tokens */
    size_t root_cap;
    sanctagp_trans *trans;
    size_t trans_cap, trans_used;
    /* accepts */
    bacc *acc;
    size_t n_acc, acc_cap;
    /* entities and strings */
    sanctagp_ent *ent;
    size_t n_ent, ent_cap;
    sanctagp_entlist *lists;
    size_t n_lists, lists_cap;
    char *str;
    size_t str_len, str_cap;
    uint32_t *langs;
    size_t n_langs, langs_cap;
    uint32_t n_aliases;
    uint32_t shared[64]; /* offsets of strings stored once (add_shared) */
    size_t n_shared;
    uint8_t *starts;  /* per token id - 1: begins some alias */
    size_t starts_cap;
    sanctagp_tokens tk;
    char accbuf[1024];
    /* the cue word table as built, copied (sanctagp_mbuild_cues) */
    void *cue_slots;
    size_t cue_cap, cue_n;
    char *cue_pool;
    size_t cue_pool_len;
};

sanctagp_mbuild *sanctagp_mbuild_new(void)
{
    sanctagp_mbuild *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->n_states = 1; /* state 0 is the root */
    b->dict_cap = 1024;
    b->dict = calloc(b->dict_cap, sizeof *b->dict);
    b->trans_cap = 1024;
    b->trans = calloc(b->trans_cap, sizeof *b->trans);
    b->str = malloc(1024);
    b->str_cap = 1024;
    b->tokoff = malloc(16 * sizeof *b->tokoff);
    b->tokoff_cap = 16;
    if (!b->dict || !b->trans || !b->str || !b->tokoff) {
        sanctagp_mbuild_free(b);
        return NULL;
    }
    b->str[0] = 0;
    b->str_len = 1;
    b->tokoff[0] = 0;
    return b;
}

void sanctagp_mbuild_free(sanctagp_mbuild *b)
{
    if (!b)
        return;
    free(b->pool);
    free(b->cue_slots);
    free(b->cue_pool);
    free(b->tokoff);
    free(b->dict);
    free(b->root);
    free(b->trans);
    free(b->acc);
    free(b->ent);
    free(b->lists);
    free(b->str);
    free(b->langs);
    free(b->starts);
    sanctagp_tokens_release(&b->tk);
    free(b);
}

static int add_string(sanctagp_mbuild *b, const char *s, uint32_t *ret);

/* Short repeated strings (labels, country codes, list names) are stored once. */
static int add_shared(sanctagp_mbuild *b, const char *s, uint32_t *ret)
{
    if (!s || !*s) {
        *ret = 0;
        return 0;
    }
    for (size_t i = 0; i < b->n_shared; i++)
        if (strcmp(b->str + b->shared[i], s) == 0) {
            *ret = b->shared[i];
            return 0;
        }
    int rc = add_string(b, s, ret);
    if (rc == 0 && b->n_shared < sizeof b->shared / sizeof *b->shared)
        b->shared[b->n_shared++] = *ret;
    return rc;
}

static int add_string(sanctagp_mbuild *b, const char *s, uint32_t *ret)
{
    if (!s || !*s) {
        *ret = 0;
        return 0;
    }
    size_t n = strlen(s) + 1;
    if (b->str_len + n > UINT32_MAX)
        return SANCTAG_E_TOOBIG;
    if (sanctagp_grow((void **)&b->str, &b->str_cap, b->str_len + n, 1))
        return SANCTAG_E_NOMEM;
    memcpy(b->str + b->str_len, s, n);
    *ret = (uint32_t)b->str_len;
    b->str_len += n;
    return 0;
}

static int nonempty(const char *s)
{
    return s && *s;
}

/* The list data of entity idx, made (empty) when it has none yet. */
static int entity_list(sanctagp_mbuild *b, uint32_t idx, sanctagp_entlist **ret)
{
    sanctagp_ent *e = &b->ent[idx];
    if (!e->list) {
        if (b->n_lists >= UINT32_MAX - 1)
            return SANCTAG_E_TOOBIG;
        if (sanctagp_grow((void **)&b->lists, &b->lists_cap, b->n_lists + 1, sizeof *b->lists))
            return SANCTAG_E_NOMEM;
        memset(&b->lists[b->n_lists], 0, sizeof *b->lists);
        e->list = (uint32_t)++b->n_lists;
    }
    *ret = &b->lists[e->list - 1];
    return 0;
}

int sanctagp_mbuild_entity(sanctagp_mbuild *b, const char *key, const char *label,
                           const char *name, const char *country, int listed,
                           const char *programs, const char *list_source,
                           const char *list_ref, const char *listed_on, uint32_t *ret_idx)
{
    if (sanctagp_grow((void **)&b->ent, &b->ent_cap, b->n_ent + 1, sizeof *b->ent))
        return SANCTAG_E_NOMEM;
    sanctagp_ent *e = &b->ent[b->n_ent];
    memset(e, 0, sizeof *e);
    int rc;
    if ((rc = add_string(b, key, &e->key)) || (rc = add_shared(b, label, &e->label)) ||
        (rc = add_string(b, name, &e->name)) || (rc = add_shared(b, country, &e->country)))
        return rc;
    *ret_idx = (uint32_t)b->n_ent++;
    if (!listed && !nonempty(programs) && !nonempty(list_source) && !nonempty(list_ref) &&
        !nonempty(listed_on))
        return 0;
    sanctagp_entlist *l;
    if ((rc = entity_list(b, *ret_idx, &l)))
        return rc;
    l->listed = listed ? 1 : 0;
    if ((rc = add_shared(b, programs, &l->programs)) ||
        (rc = add_shared(b, list_source, &l->list_source)))
        return rc;
    if ((rc = add_string(b, list_ref, &l->list_ref)))
        return rc;
    return add_string(b, listed_on, &l->listed_on);
}

int sanctagp_mbuild_entity_records(sanctagp_mbuild *b, uint32_t idx, const char *records)
{
    if (idx >= b->n_ent)
        return SANCTAG_E_INVALID;
    if (!nonempty(records))
        return 0;
    sanctagp_entlist *l;
    int rc = entity_list(b, idx, &l);
    return rc ? rc : add_string(b, records, &l->records);
}

static int lang_index(sanctagp_mbuild *b, const char *lang, uint16_t *ret)
{
    if (!lang)
        lang = "";
    for (size_t i = 0; i < b->n_langs; i++)
        if (strcmp(b->str + b->langs[i], lang) == 0) {
            *ret = (uint16_t)i;
            return 0;
        }
    if (b->n_langs >= 0xFFFF)
        return SANCTAG_E_TOOBIG;
    if (sanctagp_grow((void **)&b->langs, &b->langs_cap, b->n_langs + 1, sizeof *b->langs))
        return SANCTAG_E_NOMEM;
    uint32_t off = 0;
    int rc;
    if (*lang) {
        if ((rc = add_string(b, lang, &off)))
            return rc;
    }
    b->langs[b->n_langs] = off;
    *ret = (uint16_t)b->n_langs++;
    return 0;
}

/* Interns a normalised token, returning its id + 1. */
static int intern(sanctagp_mbuild *b, const char *s, size_t n, uint32_t *ret)
{
    uint64_t h = sanctagp_hash(s, n);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t mask = b->dict_cap - 1, i = (size_t)h & mask;
    for (;;) {
        uint64_t slot = b->dict[i];
        if (slot == 0)
            break;
        if ((uint32_t)(slot >> 32) == tag) {
            uint32_t id = (uint32_t)slot;
            uint32_t a = b->tokoff[id - 1], e = b->tokoff[id];
            if (e - a == n && memcmp(b->pool + a, s, n) == 0) {
                *ret = id;
                return 0;
            }
        }
        i = (i + 1) & mask;
    }
    if (b->n_tokens + 2 >= UINT32_MAX / 2 || b->pool_len + n > UINT32_MAX)
        return SANCTAG_E_TOOBIG;
    if (sanctagp_grow((void **)&b->pool, &b->pool_cap, b->pool_len + n, 1) ||
        sanctagp_grow((void **)&b->tokoff, &b->tokoff_cap, b->n_tokens + 2, sizeof *b->tokoff) ||
        sanctagp_grow((void **)&b->root, &b->root_cap, b->n_tokens + 1, sizeof *b->root))
        return SANCTAG_E_NOMEM;
    memcpy(b->pool + b->pool_len, s, n);
    b->pool_len += n;
    uint32_t id = (uint32_t)++b->n_tokens;
    b->tokoff[id] = (uint32_t)b->pool_len;
    b->root[id - 1] = 0;
    b->dict[i] = (uint64_t)tag << 32 | id;
    /* keep the load under 1/2 */
    if (b->n_tokens * 2 > b->dict_cap) {
        size_t nc = b->dict_cap * 2;
        uint64_t *nd = calloc(nc, sizeof *nd);
        if (!nd)
            return SANCTAG_E_NOMEM;
        for (uint32_t t = 1; t <= b->n_tokens; t++) {
            uint64_t hh = sanctagp_hash(b->pool + b->tokoff[t - 1], b->tokoff[t] - b->tokoff[t - 1]);
            size_t j = (size_t)hh & (nc - 1);
            while (nd[j])
                j = (j + 1) & (nc - 1);
            nd[j] = (hh >> 32) << 32 | t;
        }
        free(b->dict);
        b->dict = nd;
        b->dict_cap = nc;
    }
    *ret = id;
    return 0;
}

static int trans_rehash(sanctagp_mbuild *b, size_t nc)
{
    sanctagp_trans *nt = calloc(nc, sizeof *nt);
    if (!nt)
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < b->trans_cap; i++) {
        sanctagp_trans *t = &b->trans[i];
        if (!t->child)
            continue;
        size_t j = sanctagp_trans_hash(t->state, t->tok) & (nc - 1);
        while (nt[j].child)
            j = (j + 1) & (nc - 1);
        nt[j] = *t;
    }
    free(b->trans);
    b->trans = nt;
    b->trans_cap = nc;
    return 0;
}

/* Child of `state` on `tok`, created when missing. */
static int child(sanctagp_mbuild *b, uint32_t state, uint32_t tok, uint32_t *ret)
{
    if (state == 0) {
        if (!b->root[tok - 1]) {
            if (b->n_states == UINT32_MAX)
                return SANCTAG_E_TOOBIG;
            b->root[tok - 1] = b->n_states++;
        }
        *ret = b->root[tok - 1];
        return 0;
    }
    size_t mask = b->trans_cap - 1, i = sanctagp_trans_hash(state, tok) & mask;
    while (b->trans[i].child) {
        if (b->trans[i].state == state && b->trans[i].tok == tok) {
            *ret = b->trans[i].child;
            return 0;
        }
        i = (i + 1) & mask;
    }
    if (b->n_states == UINT32_MAX)
        return SANCTAG_E_TOOBIG;
    b->trans[i].state = state;
    b->trans[i].tok = tok;
    b->trans[i].child = b->n_states++;
    *ret = b->trans[i].child;
    if (++b->trans_used * 2 > b->trans_cap)
        return trans_rehash(b, b->trans_cap * 2);
    return 0;
}

int sanctagp_auto_policy(const sanctagp_tokens *tk)
{
    /* all-caps aliases: short abbreviations (every cased token <= 3 letters:
     * AS, RI, PBB, DK PBB) match exactly as written; longer all-caps ones
     * (NATO, ASEAN) need a capital first letter */
    int cased = 0, longest = 0;
    for (size_t i = 0; i < tk->n; i++) {
        const sanctagp_token *t = &tk->v[i];
        if (t->kind != TK_WORD || t->cls == TC_NONE)
            continue;
        if (t->cls != TC_UPPER)
            return POL_FOLD;
        cased++;
        int len = (int)(t->end - t->start);
        if (len > longest)
            longest = len;
    }
    if (!cased)
        return POL_FOLD;
    return longest <= 3 ? POL_EXACT : POL_CAP;
}

static int add_path(sanctagp_mbuild *b, uint32_t ent, const sanctagp_tokens *tk,
                    const char *const *norms, const uint32_t *lens, int kind, uint16_t lang,
                    int pol)
{
    uint32_t state = 0;
    int rc;
    for (size_t i = 0; i < tk->n; i++) {
        uint32_t id;
        if ((rc = intern(b, norms[i], lens[i], &id)) || (rc = child(b, state, id, &state)))
            return rc;
        if (i == 0) {
            if (id > b->starts_cap) {
                size_t nc = b->starts_cap ? b->starts_cap : 1024;
                while (nc < id)
                    nc *= 2;
                uint8_t *ns = realloc(b->starts, nc);
                if (!ns)
                    return SANCTAG_E_NOMEM;
                memset(ns + b->starts_cap, 0, nc - b->starts_cap);
                b->starts = ns;
                b->starts_cap = nc;
            }
            b->starts[id - 1] = 1;
        }
    }
    if (sanctagp_grow((void **)&b->acc, &b->acc_cap, b->n_acc + 1, sizeof *b->acc))
        return SANCTAG_E_NOMEM;
    bacc *a = &b->acc[b->n_acc];
    memset(a, 0, sizeof *a);
    a->state = state;
    a->seq = (uint32_t)b->n_acc;
    a->a.entity = ent;
    a->a.kind = (uint8_t)kind;
    a->a.lang = lang;
    uint32_t pattern = 0;
    if (pol == POL_EXACT && tk->n > POL_EXACT_MAX_TOKENS)
        pol = POL_CAP;
    if (pol == POL_CAP) {
        for (size_t i = 0; i < tk->n && i < POL_CAP_MAX_TOKENS; i++)
            if (tk->v[i].flags & TF_FIRST_UPPER)
                pattern |= 1u << i;
    } else if (pol == POL_EXACT) {
        for (size_t i = 0; i < tk->n; i++)
            pattern |= (uint32_t)tk->v[i].cls << (3 * i);
    }
    a->a.pattern = pattern;
    a->a.policy = (uint8_t)(pol | (kind == KIND_SUPPRESSOR ? ACC_SUPPRESS : 0));
    b->n_acc++;
    return 0;
}

int sanctagp_mbuild_alias(sanctagp_mbuild *b, uint32_t ent, const char *text, size_t len,
                          int kind, const char *lang, const char *policy, int fold_accents)
{
    int rc;
    if (ent >= b->n_ent || kind < 0 || kind >= KIND_COUNT)
        return SANCTAG_E_INVALID;
    if (sanctagp_utf8_check(text, len, NULL))
        return SANCTAG_E_UTF8;
    if ((rc = sanctagp_tokenize(&b->tk, text, len)))
        return rc;
    sanctagp_tokens *tk = &b->tk;
    if (tk->n == 0)
        return SANCTAG_E_FORMAT;
    if (tk->n > 64)
        return SANCTAG_E_TOOBIG;
    int pol = sanctagp_policy_from_name(policy);
    if (pol == -1)
        return SANCTAG_E_INVALID;
    if (pol == -2)
        pol = sanctagp_auto_policy(tk);
    uint16_t li;
    if ((rc = lang_index(b, lang, &li)))
        return rc;
    const char *norms[64] = {0};
    uint32_t lens[64] = {0};
    int has_accent_tok = 0;
    for (size_t i = 0; i < tk->n; i++) {
        norms[i] = tk->arena + tk->v[i].norm_off;
        lens[i] = tk->v[i].norm_len;
        if (tk->v[i].flags & TF_NONASCII)
            has_accent_tok = 1;
    }
    if ((rc = add_path(b, ent, tk, norms, lens, kind, li, pol)))
        return rc;
    b->n_aliases++;
    if (fold_accents && has_accent_tok) {
        /* the accent-free spelling ("Turkiye" for "Türkiye") as a second path */
        size_t used = 0;
        int differs = 0;
        for (size_t i = 0; i < tk->n; i++) {
            if (!(tk->v[i].flags & TF_NONASCII) || tk->v[i].kind != TK_WORD)
                continue;
            long n = sanctagp_strip_accents(norms[i], lens[i], b->accbuf + used,
                                            sizeof b->accbuf - used, &tk->u16, &tk->u16_cap);
            if (n < 0)
                return 0; /* too long to fold: keep the accented path only */
            if ((uint32_t)n != lens[i] || memcmp(b->accbuf + used, norms[i], (size_t)n) != 0)
                differs = 1;
            norms[i] = b->accbuf + used;
            lens[i] = (uint32_t)n;
            used += (size_t)n;
        }
        if (differs) {
            if ((rc = add_path(b, ent, tk, norms, lens, kind, li, pol)))
                return rc;
            b->n_aliases++;
        }
    }
    return 0;
}

static int acc_cmp(const void *x, const void *y)
{
    const bacc *a = x, *b = y;
    if (a->state != b->state)
        return a->state < b->state ? -1 : 1;
    /* suppressors first: they must win over an entity with the same alias */
    int sa = !(a->a.policy & ACC_SUPPRESS), sb = !(b->a.policy & ACC_SUPPRESS);
    if (sa != sb)
        return sa - sb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static size_t align8(size_t x)
{
    return (x + 7) & ~(size_t)7;
}

int sanctagp_mbuild_cues(sanctagp_mbuild *b, const sanctagp_cues *c)
{
    free(b->cue_slots);
    free(b->cue_pool);
    b->cue_slots = NULL;
    b->cue_pool = NULL;
    b->cue_cap = b->cue_n = b->cue_pool_len = 0;
    if (!c || !sanctagp_cues_count(c))
        return 0;
    const void *slots;
    const char *pool;
    size_t cap, n, pool_len;
    sanctagp_cues_export(c, &slots, &cap, &n, &pool, &pool_len);
    b->cue_slots = malloc(cap * SANCTAGP_CUE_SLOT_SIZE);
    b->cue_pool = malloc(pool_len ? pool_len : 1);
    if (!b->cue_slots || !b->cue_pool)
        return SANCTAG_E_NOMEM;
    memcpy(b->cue_slots, slots, cap * SANCTAGP_CUE_SLOT_SIZE);
    memcpy(b->cue_pool, pool, pool_len);
    b->cue_cap = cap;
    b->cue_n = n;
    b->cue_pool_len = pool_len;
    return 0;
}

int sanctagp_mbuild_finish(sanctagp_mbuild *b, const char *version, void **ret_image,
                           size_t *ret_size)
{
    if (b->n_acc > ACCOFF_MASK)
        return SANCTAG_E_TOOBIG;
    if (b->n_acc > 1)
        qsort(b->acc, b->n_acc, sizeof *b->acc, acc_cmp);
    /* drop exact duplicates (same state, entity, policy, pattern) */
    size_t w = 0;
    for (size_t i = 0; i < b->n_acc; i++) {
        if (w > 0) {
            const bacc *p = &b->acc[w - 1], *c = &b->acc[i];
            if (p->state == c->state && p->a.entity == c->a.entity &&
                p->a.policy == c->a.policy && p->a.pattern == c->a.pattern)
                continue;
        }
        b->acc[w++] = b->acc[i];
    }
    b->n_acc = w;
    if (b->n_langs == 0) {
        uint16_t li;
        int rc = lang_index(b, "", &li);
        if (rc)
            return rc;
    }

    size_t dict_slots = 0;
    if (b->n_tokens) {
        /* load up to 0.7: a probe reads 12-byte slots in a row */
        dict_slots = 2;
        while (dict_slots * 7 < b->n_tokens * 10 + 10)
            dict_slots *= 2;
    }
    /* load up to 0.7: transitions are most of the image, and lookups that
     * miss stop early because most text tokens never reach a second state */
    size_t trans_slots = 16;
    while (trans_slots * 7 < b->trans_used * 10 + 10)
        trans_slots *= 2;

    sanctagp_img_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SANCTAGP_IMAGE_MAGIC, 8);
    h.format = SANCTAGP_IMAGE_FORMAT;
    h.endian = 0x01020304u;
    h.n_tokens = (uint32_t)b->n_tokens;
    h.n_states = b->n_states;
    h.n_trans_slots = (uint32_t)trans_slots;
    h.n_dict_slots = (uint32_t)dict_slots;
    h.n_accept = (uint32_t)b->n_acc;
    h.n_entities = (uint32_t)b->n_ent;
    h.n_langs = (uint32_t)b->n_langs;
    h.n_aliases = b->n_aliases;
    snprintf(h.version, sizeof h.version, "%s", version ? version : "");

    size_t off = align8(sizeof h);
    h.off_dict = off; off = align8(off + dict_slots * sizeof(sanctagp_dslot));
    h.off_tokoff = off; off = align8(off + (b->n_tokens + 1) * 4);
    h.off_tokpool = off; h.tokpool_size = b->pool_len; off = align8(off + b->pool_len);
    h.off_root = off; off = align8(off + b->n_tokens * 4);
    h.off_trans = off; off = align8(off + trans_slots * sizeof(sanctagp_trans));
    h.off_accoff = off; off = align8(off + ((size_t)b->n_states + 1) * 4);
    h.off_accept = off; off = align8(off + b->n_acc * sizeof(sanctagp_accept));
    h.off_entities = off; off = align8(off + b->n_ent * sizeof(sanctagp_ent));
    h.off_entlists = off; h.n_entlists = (uint32_t)b->n_lists;
    off = align8(off + b->n_lists * sizeof(sanctagp_entlist));
    h.off_strings = off; h.strings_size = b->str_len; off = align8(off + b->str_len);
    h.off_langs = off; off = align8(off + b->n_langs * 4);
    /* start filter: about 16 bits per start token, at least 2^16 bits */
    size_t nstart = 0;
    for (size_t t = 0; t < b->n_tokens && t < b->starts_cap; t++)
        nstart += b->starts[t];
    uint32_t lg = 16;
    while (lg < 30 && ((size_t)1 << lg) < nstart * 16)
        lg++;
    h.filter_log2 = lg;
    h.off_filter = off; off = align8(off + ((size_t)1 << lg) / 8);
    h.off_cues = off; h.n_cue_slots = b->cue_cap; h.n_cues = b->cue_n;
    off = align8(off + b->cue_cap * SANCTAGP_CUE_SLOT_SIZE);
    h.off_cuepool = off; h.cuepool_size = b->cue_pool_len; off = align8(off + b->cue_pool_len);
    h.total_size = off;

    char *img = calloc(1, off);
    if (!img)
        return SANCTAG_E_NOMEM;
    memcpy(img, &h, sizeof h);
    sanctagp_dslot *dict = (sanctagp_dslot *)(void *)(img + h.off_dict);
    for (uint32_t t = 1; t <= b->n_tokens; t++) {
        const char *ts = b->pool + b->tokoff[t - 1];
        size_t tn = b->tokoff[t] - b->tokoff[t - 1];
        size_t j = (size_t)sanctagp_hash(ts, tn) & (dict_slots - 1);
        while (dict[j].id)
            j = (j + 1) & (dict_slots - 1);
        uint64_t k = sanctagp_dict_key(ts, tn);
        dict[j].id = t | (tn > 8 ? DSLOT_LONG : 0);
        memcpy(dict[j].key, &k, 8);
    }
    memcpy(img + h.off_tokoff, b->tokoff, (b->n_tokens + 1) * 4);
    if (b->pool_len)
        memcpy(img + h.off_tokpool, b->pool, b->pool_len);
    if (b->n_tokens)
        memcpy(img + h.off_root, b->root, b->n_tokens * 4);
    sanctagp_trans *tr = (sanctagp_trans *)(void *)(img + h.off_trans);
    for (size_t i = 0; i < b->trans_cap; i++) {
        const sanctagp_trans *t = &b->trans[i];
        if (!t->child)
            continue;
        size_t j = sanctagp_trans_hash(t->state, t->tok) & (trans_slots - 1);
        while (tr[j].child)
            j = (j + 1) & (trans_slots - 1);
        tr[j] = *t;
    }
    uint32_t *accoff = (uint32_t *)(void *)(img + h.off_accoff);
    sanctagp_accept *acc = (sanctagp_accept *)(void *)(img + h.off_accept);
    size_t k = 0;
    for (uint32_t s = 0; s < b->n_states; s++) {
        accoff[s] = (uint32_t)k;
        while (k < b->n_acc && b->acc[k].state == s) {
            acc[k] = b->acc[k].a;
            k++;
        }
    }
    accoff[b->n_states] = (uint32_t)k;
    for (size_t i = 0; i < trans_slots; i++)
        if (tr[i].child)
            accoff[tr[i].state] |= ACCOFF_CHILDREN;
    if (b->n_ent)
        memcpy(img + h.off_entities, b->ent, b->n_ent * sizeof(sanctagp_ent));
    if (b->n_lists)
        memcpy(img + h.off_entlists, b->lists, b->n_lists * sizeof(sanctagp_entlist));
    memcpy(img + h.off_strings, b->str, b->str_len);
    memcpy(img + h.off_langs, b->langs, b->n_langs * 4);
    uint64_t *filter = (uint64_t *)(void *)(img + h.off_filter);
    for (size_t t = 0; t < b->n_tokens && t < b->starts_cap; t++) {
        if (!b->starts[t])
            continue;
        uint64_t bit = sanctagp_hash(b->pool + b->tokoff[t], b->tokoff[t + 1] - b->tokoff[t]) >>
                       (64 - lg);
        filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    if (b->cue_cap) {
        memcpy(img + h.off_cues, b->cue_slots, b->cue_cap * SANCTAGP_CUE_SLOT_SIZE);
        memcpy(img + h.off_cuepool, b->cue_pool, b->cue_pool_len);
    }
    *ret_image = img;
    *ret_size = off;
    return 0;
}
