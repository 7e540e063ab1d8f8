/* namecues.c - the cue word set: an open-addressing table of normalised words
 * to role bits, read by every tagger thread once built. */
#include "core/namecues.h"

#include <stdlib.h>
#include <string.h>

#include "sanctag.h"
#include "util/mem.h"

/* 16 bytes, four to a cache line: with the lexicon's common words and given
 * names the default gazetteer's table holds some 5,300 words in 16,384 slots
 * (256 KB), and a lookup that misses the caches is what a lookup costs
 * (namefind.c fetches them ahead) */
struct cue_slot {
    uint64_t head;  /* the word's first 8 bytes, zero-padded: most words are shorter */
    uint32_t off;   /* the word in pool */
    uint16_t len;   /* 0: empty */
    uint16_t roles; /* CUE_* bits */
};

_Static_assert(sizeof(struct cue_slot) == SANCTAGP_CUE_SLOT_SIZE, "cue slot size");

struct sanctagp_cues {
    struct cue_slot *v;
    size_t cap, n;
    char *pool;
    size_t pool_len, pool_cap;
    int view; /* v and pool are a stored table's (sanctagp_cues_view), not owned */
};

unsigned sanctagp_cue_role(const char *name)
{
    static const char *const names[] = {"person-title", "person-before-verb", "org-head",
                                        "org-tail",     "stop",               "org-connector",
                                        "person-connector", "person-given", "common", "office",
                                        "person-after-verb", "person-before-prep",
                                        "person-first", "nonperson-before"};
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return 1u << i;
    return 0;
}

sanctagp_cues *sanctagp_cues_new(void)
{
    sanctagp_cues *c = calloc(1, sizeof *c);
    if (c && !(c->v = calloc(c->cap = 64, sizeof *c->v))) {
        free(c);
        c = NULL;
    }
    return c;
}

void sanctagp_cues_free(sanctagp_cues *c)
{
    if (!c)
        return;
    if (!c->view) {
        free(c->v);
        free(c->pool);
    }
    free(c);
}

static uint64_t head_of(const char *s, size_t len)
{
    uint64_t h = 0;
    if (len >= 8) {
        memcpy(&h, s, 8); /* a fixed size: one load */
        return h;
    }
    for (size_t i = 0; i < len; i++) /* little-endian order of the bytes, as memcpy gives */
        h |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return h;
}

/* head_of() of a word followed by at least 8 readable bytes: one load. */
static uint64_t head_padded(const char *s, size_t len)
{
    uint64_t h;
    memcpy(&h, s, 8);
    return len >= 8 ? h : h & (((uint64_t)1 << (8 * len)) - 1);
}

/* The slot the search for a word of `len` bytes and head `head` begins at: a
 * multiplicative hash of the first and last 8 bytes. */
static size_t home(const sanctagp_cues *c, const char *s, size_t len, uint64_t head)
{
    uint64_t tail = len > 8 ? head_of(s + len - 8, 8) : 0;
    uint64_t x = (head ^ (tail * 0x9E3779B97F4A7C15u) ^ len) * 0xD6E8FEB86659FD93u;
    return (size_t)(x >> 32) & (c->cap - 1);
}

/* Every tagger asks for every capitalised word: a byte compare only for
 * words over 8 bytes. `head` is head_of(s, len); len fits in a slot. */
static struct cue_slot *find(const sanctagp_cues *c, const char *s, size_t len, uint64_t head)
{
    for (size_t i = home(c, s, len, head);; i = (i + 1) & (c->cap - 1)) {
        struct cue_slot *e = &c->v[i];
        if (!e->len || (e->len == len && e->head == head &&
                        (len <= 8 || memcmp(c->pool + e->off + 8, s + 8, len - 8) == 0)))
            return e;
    }
}

/* Rehashes into a table of cap slots (a power of two holding c's words). */
static int rehash(sanctagp_cues *c, size_t cap)
{
    sanctagp_cues old = *c;
    if (!(c->v = calloc(c->cap = cap, sizeof *c->v))) {
        *c = old;
        return SANCTAG_E_NOMEM;
    }
    for (size_t i = 0; i < old.cap; i++)
        if (old.v[i].len)
            *find(c, c->pool + old.v[i].off, old.v[i].len, old.v[i].head) = old.v[i];
    free(old.v);
    return 0;
}

int sanctagp_cues_reserve(sanctagp_cues *c, size_t n)
{
    size_t cap = c->cap;
    while (cap < SIZE_MAX / 4 && 2 * (c->n + n) > cap) /* keep at most half full */
        cap *= 2;
    return cap == c->cap ? 0 : rehash(c, cap);
}

int sanctagp_cues_add(sanctagp_cues *c, const char *norm, size_t len, unsigned roles)
{
    if (!len || len > UINT16_MAX || c->pool_len + len > UINT32_MAX)
        return 0; /* no cue word is that long */
    if (2 * (c->n + 1) > c->cap && rehash(c, c->cap * 2)) /* keep at most half full */
        return SANCTAG_E_NOMEM;
    struct cue_slot *e = find(c, norm, len, head_of(norm, len));
    if (!e->len) {
        if (sanctagp_grow((void **)&c->pool, &c->pool_cap, c->pool_len + len, 1))
            return SANCTAG_E_NOMEM;
        memcpy(c->pool + c->pool_len, norm, len);
        *e = (struct cue_slot){head_of(norm, len), (uint32_t)c->pool_len, (uint16_t)len, 0};
        c->pool_len += len;
        c->n++;
    }
    e->roles |= (uint16_t)roles;
    return 0;
}

unsigned sanctagp_cues_get(const sanctagp_cues *c, const char *norm, size_t len)
{
    if (!c || !len || len > UINT16_MAX)
        return 0;
    return find(c, norm, len, head_of(norm, len))->roles;
}

unsigned sanctagp_cues_get_padded(const sanctagp_cues *c, const char *norm, size_t len)
{
    if (!c || !len || len > UINT16_MAX)
        return 0;
    return find(c, norm, len, head_padded(norm, len))->roles;
}

void sanctagp_cues_prefetch(const sanctagp_cues *c, const char *norm, size_t len)
{
    if (c && len && len <= UINT16_MAX)
        __builtin_prefetch(&c->v[home(c, norm, len, head_padded(norm, len))]);
}

size_t sanctagp_cues_count(const sanctagp_cues *c)
{
    return c ? c->n : 0;
}

void sanctagp_cues_export(const sanctagp_cues *c, const void **slots, size_t *cap, size_t *n,
                          const char **pool, size_t *pool_len)
{
    *slots = c->v;
    *cap = c->cap;
    *n = c->n;
    *pool = c->pool;
    *pool_len = c->pool_len;
}

int sanctagp_cues_view(const void *slots, size_t cap, size_t n, const char *pool,
                       size_t pool_len, sanctagp_cues **ret)
{
    *ret = NULL;
    if (cap == 0 || (cap & (cap - 1)) || n >= cap || ((uintptr_t)slots & 7))
        return SANCTAG_E_DB;
    sanctagp_cues *c = calloc(1, sizeof *c);
    if (!c)
        return SANCTAG_E_NOMEM;
    /* the stored table is read, never written: the cast only lets one
     * struct serve both */
    *c = (sanctagp_cues){(struct cue_slot *)(uintptr_t)slots, cap, n,
                         (char *)(uintptr_t)pool, pool_len, pool_len, 1};
    /* first every slot on its own: an empty one all zero (a lookup that
     * misses answers its roles), a word inside the pool with the head it is
     * found by; only then lookups, which compare words of other slots */
    size_t used = 0;
    for (size_t i = 0; i < cap; i++) {
        const struct cue_slot *e = &c->v[i];
        if (!e->len) {
            if (e->head || e->off || e->roles)
                goto bad;
            continue;
        }
        used++;
        if ((size_t)e->off + e->len > pool_len || e->head != head_of(pool + e->off, e->len))
            goto bad;
    }
    if (used != n)
        goto bad;
    /* and found where it is: a lookup of every stored word ends at its own slot */
    for (size_t i = 0; i < cap; i++) {
        const struct cue_slot *e = &c->v[i];
        if (e->len && find(c, pool + e->off, e->len, e->head) != e)
            goto bad;
    }
    *ret = c;
    return 0;
bad:
    free(c);
    return SANCTAG_E_DB;
}
