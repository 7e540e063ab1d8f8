/* matcher.c - the matcher runtime: loads (validates) a flat token-trie image
 * and resolves tokens against it; core/compile.c builds the image. */
#include "core/matcher.h"

#include <stdlib.h>
#include <string.h>

const char *const sanctagp_kind_names[KIND_COUNT] = {
    "name", "abbreviation", "official", "nickname", "demonym", "weak", "suppressor",
};

/* ---- matching ------------------------------------------------------------ */

uint32_t sanctagp_dict_probe(const sanctagp_matcher *m, uint32_t home, const char *s, size_t n)
{
    if (m->h->n_dict_slots == 0 || n == 0)
        return 0;
    uint64_t key = sanctagp_load_padded(s, n);
    uint32_t lng = n > 8 ? DSLOT_LONG : 0;
    uint32_t i = home & m->dict_mask;
    for (;;) {
        const sanctagp_dslot *d = &m->dict[i];
        if (d->id == 0)
            return 0;
        uint64_t k;
        memcpy(&k, d->key, 8);
        if (k == key && (d->id & DSLOT_LONG) == lng) {
            uint32_t id = d->id & ~DSLOT_LONG; /* id + 1 */
            if (!lng)
                return id;
            uint32_t a = m->tokoff[id - 1], b = m->tokoff[id];
            if (b - a == n && memcmp(m->tokpool + a + 8, s + 8, n - 8) == 0)
                return id;
        }
        i = (i + 1) & m->dict_mask;
    }
}

static uint32_t dict_find(const sanctagp_matcher *m, const char *s, size_t n)
{
    return sanctagp_dict_probe(m, sanctagp_dict_home(m, s, n), s, n);
}

uint32_t sanctagp_matcher_resolve_one(const sanctagp_matcher *m, sanctagp_tokens *tk, size_t i)
{
    char buf[256 + 8]; /* + 8: dictionary probes read 8 bytes at a time */
    sanctagp_token *t = &tk->v[i];
    const char *s = tk->arena + t->norm_off;
    t->id = dict_find(m, s, t->norm_len);
    if (t->id == 0 && (t->flags & TF_NONASCII) && t->kind == TK_WORD &&
        t->norm_len < (sizeof buf - 8) / 2) {
        long n = sanctagp_strip_accents(s, t->norm_len, buf, sizeof buf - 8, &tk->u16,
                                        &tk->u16_cap);
        if (n > 0 && ((size_t)n != t->norm_len || memcmp(buf, s, (size_t)n) != 0))
            t->id = dict_find(m, buf, (size_t)n);
    }
    return t->id;
}

void sanctagp_matcher_resolve(const sanctagp_matcher *m, sanctagp_tokens *tk)
{
    for (size_t i = 0; i < tk->n; i++)
        sanctagp_matcher_resolve_one(m, tk, i);
}


/* ---- loading ------------------------------------------------------------- */

static int section_ok(const sanctagp_img_header *h, uint64_t off, uint64_t count, size_t elem,
                      size_t size)
{
    if (off % 8 != 0 || off > size)
        return 0;
    if (elem && count > (size - off) / elem)
        return 0;
    (void)h;
    return 1;
}

int sanctagp_matcher_attach(sanctagp_matcher *m, const void *image, size_t size)
{
    const sanctagp_img_header *h = image;
    if (size < sizeof *h || memcmp(h->magic, SANCTAGP_IMAGE_MAGIC, 8) != 0 ||
        h->format != SANCTAGP_IMAGE_FORMAT || h->endian != 0x01020304u || h->total_size != size)
        return SANCTAG_E_DB;
    if (memchr(h->version, 0, sizeof h->version) == NULL)
        return SANCTAG_E_DB;
    if ((h->n_dict_slots & (h->n_dict_slots - 1)) || (h->n_trans_slots & (h->n_trans_slots - 1)) ||
        h->n_trans_slots == 0 || h->n_states == 0)
        return SANCTAG_E_DB;
    if (!section_ok(h, h->off_dict, h->n_dict_slots, sizeof(sanctagp_dslot), size) ||
        !section_ok(h, h->off_tokoff, (uint64_t)h->n_tokens + 1, 4, size) ||
        !section_ok(h, h->off_tokpool, h->tokpool_size, 1, size) ||
        !section_ok(h, h->off_root, h->n_tokens, 4, size) ||
        !section_ok(h, h->off_trans, h->n_trans_slots, sizeof(sanctagp_trans), size) ||
        !section_ok(h, h->off_accoff, (uint64_t)h->n_states + 1, 4, size) ||
        !section_ok(h, h->off_accept, h->n_accept, sizeof(sanctagp_accept), size) ||
        !section_ok(h, h->off_entities, h->n_entities, sizeof(sanctagp_ent), size) ||
        !section_ok(h, h->off_entlists, h->n_entlists, sizeof(sanctagp_entlist), size) ||
        !section_ok(h, h->off_strings, h->strings_size, 1, size) ||
        !section_ok(h, h->off_langs, h->n_langs, 4, size) || h->strings_size == 0 ||
        h->filter_log2 < 6 || h->filter_log2 > 32 ||
        !section_ok(h, h->off_filter, (uint64_t)1 << (h->filter_log2 - 6), 8, size) ||
        !section_ok(h, h->off_cues, h->n_cue_slots, SANCTAGP_CUE_SLOT_SIZE, size) ||
        !section_ok(h, h->off_cuepool, h->cuepool_size, 1, size))
        return SANCTAG_E_DB;
    const char *base = image;
    m->h = h;
    m->dict = (const sanctagp_dslot *)(const void *)(base + h->off_dict);
    m->tokoff = (const uint32_t *)(const void *)(base + h->off_tokoff);
    m->tokpool = base + h->off_tokpool;
    m->root = (const uint32_t *)(const void *)(base + h->off_root);
    m->trans = (const sanctagp_trans *)(const void *)(base + h->off_trans);
    m->accoff = (const uint32_t *)(const void *)(base + h->off_accoff);
    m->accept = (const sanctagp_accept *)(const void *)(base + h->off_accept);
    m->ent = (const sanctagp_ent *)(const void *)(base + h->off_entities);
    m->entlist = (const sanctagp_entlist *)(const void *)(base + h->off_entlists);
    m->strings = base + h->off_strings;
    m->langs = (const uint32_t *)(const void *)(base + h->off_langs);
    m->filter = (const uint64_t *)(const void *)(base + h->off_filter);
    m->filter_shift = 64 - h->filter_log2;
    m->dict_mask = h->n_dict_slots ? h->n_dict_slots - 1 : 0;
    m->trans_mask = h->n_trans_slots - 1;
    if (m->strings[h->strings_size - 1] != 0 || m->strings[0] != 0)
        return SANCTAG_E_DB;
    return 0;
}

int sanctagp_matcher_load(sanctagp_matcher *m, const void *image, size_t size)
{
    int rc = sanctagp_matcher_attach(m, image, size);
    if (rc)
        return rc;
    const sanctagp_img_header *h = m->h;
    /* range checks of every index, so matching never reads out of bounds */
    if (m->tokoff[0] != 0)
        return SANCTAG_E_DB;
    for (uint32_t i = 0; i < h->n_tokens; i++)
        if (m->tokoff[i + 1] < m->tokoff[i] || m->tokoff[i + 1] > h->tokpool_size ||
            m->root[i] >= h->n_states)
            return SANCTAG_E_DB;
    uint32_t used = 0;
    for (uint32_t i = 0; i < h->n_dict_slots; i++) {
        uint32_t id = m->dict[i].id & ~DSLOT_LONG;
        if (m->dict[i].id && (id == 0 || id > h->n_tokens))
            return SANCTAG_E_DB;
        used += m->dict[i].id != 0;
    }
    if (h->n_dict_slots && used >= h->n_dict_slots)
        return SANCTAG_E_DB; /* a full table would make lookups loop */
    used = 0;
    for (uint32_t i = 0; i < h->n_trans_slots; i++) {
        const sanctagp_trans *t = &m->trans[i];
        if (t->child) {
            if (t->child >= h->n_states || t->state >= h->n_states || t->tok == 0 ||
                t->tok > h->n_tokens)
                return SANCTAG_E_DB;
            used++;
        }
    }
    if (used >= h->n_trans_slots)
        return SANCTAG_E_DB;
    if ((m->accoff[0] & ACCOFF_MASK) != 0 || m->accoff[h->n_states] != h->n_accept)
        return SANCTAG_E_DB;
    for (uint32_t i = 0; i < h->n_states; i++)
        if ((m->accoff[i + 1] & ACCOFF_MASK) < (m->accoff[i] & ACCOFF_MASK))
            return SANCTAG_E_DB;
    for (uint32_t i = 0; i < h->n_accept; i++) {
        const sanctagp_accept *a = &m->accept[i];
        if (a->entity >= h->n_entities || a->lang >= h->n_langs || a->kind >= KIND_COUNT)
            return SANCTAG_E_DB;
    }
    for (uint32_t i = 0; i < h->n_entities; i++) {
        const sanctagp_ent *e = &m->ent[i];
        if (e->key >= h->strings_size || e->label >= h->strings_size ||
            e->name >= h->strings_size || e->country >= h->strings_size ||
            e->list > h->n_entlists)
            return SANCTAG_E_DB;
    }
    for (uint32_t i = 0; i < h->n_entlists; i++) {
        const sanctagp_entlist *l = &m->entlist[i];
        if (l->programs >= h->strings_size || l->list_source >= h->strings_size ||
            l->list_ref >= h->strings_size || l->listed_on >= h->strings_size ||
            l->records >= h->strings_size || l->listed > 1)
            return SANCTAG_E_DB;
    }
    for (uint32_t i = 0; i < h->n_langs; i++)
        if (m->langs[i] >= h->strings_size)
            return SANCTAG_E_DB;
    return 0;
}
