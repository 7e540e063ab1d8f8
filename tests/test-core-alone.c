/* test-core-alone.c - the core layer on its own: compiles a matcher, loads
 * the image into a sanctag_gazetteer and tags with it, linked against util/
 * and core/ only (no gazetteer store, no output layer, no SQLite, no
 * Jansson: see tests/meson.build). It fails to link if core starts to
 * depend on a higher layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"
#include "core/names.h"
#include "core/namecues.h"

static int failures;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* The cue word table stored in a matcher image (issue 20): what is read back
 * answers as the built one, and a table whose slots do not hold up is
 * refused, not looked up in. */
static void test_stored_cues(void)
{
    static const struct {
        const char *w;
        unsigned roles;
    } words[] = {{"presiden", CUE_PERSON_TITLE}, {"kata", CUE_PERSON_VERB}, {"pt", CUE_ORG_HEAD},
                 {"tbk", CUE_ORG_TAIL}, {"koordinator", CUE_OFFICE},
                 {"internasionalisasi", CUE_COMMON}, {"di", CUE_NONPERSON_BEFORE}};
    sanctagp_cues *c = sanctagp_cues_new();
    CHECK(c != NULL);
    for (size_t i = 0; c && i < sizeof words / sizeof *words; i++)
        CHECK(sanctagp_cues_add(c, words[i].w, strlen(words[i].w), words[i].roles) == 0);
    sanctagp_mbuild *b = sanctagp_mbuild_new();
    CHECK(b != NULL);
    if (!b) {
        sanctagp_cues_free(c);
        return;
    }
    uint32_t e = 0;
    CHECK(sanctagp_mbuild_entity(b, "kp", "COUNTRY", "North Korea", "KP", 0, NULL, NULL, NULL,
                                 NULL, &e) == 0);
    CHECK(sanctagp_mbuild_alias(b, e, "Korut", 5, KIND_NAME, "id", "auto", 0) == 0);
    CHECK(sanctagp_mbuild_cues(b, c) == 0);
    sanctagp_cues_free(c); /* the builder keeps a copy */
    void *img = NULL;
    size_t size = 0;
    CHECK(sanctagp_mbuild_finish(b, "test", &img, &size) == 0);
    sanctagp_mbuild_free(b);
    sanctagp_matcher m;
    CHECK(img && sanctagp_matcher_load(&m, img, size) == 0);
    if (!img)
        return;
    const sanctagp_img_header *h = m.h;
    char *base = img;
    CHECK(h->n_cues == sizeof words / sizeof *words && h->n_cue_slots > h->n_cues);
    sanctagp_cues *v = NULL;
    CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues,
                             base + h->off_cuepool, h->cuepool_size, &v) == 0);
    for (size_t i = 0; v && i < sizeof words / sizeof *words; i++)
        CHECK(sanctagp_cues_get(v, words[i].w, strlen(words[i].w)) == words[i].roles);
    CHECK(sanctagp_cues_get(v, "menteri", 7) == 0 && sanctagp_cues_count(v) == h->n_cues);
    sanctagp_cues_free(v); /* frees the view, not the image */

    /* a count that disagrees with the slots, a pool too short for them, a
     * table size that is no power of two */
    CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues - 1,
                             base + h->off_cuepool, h->cuepool_size, &v) == SANCTAG_E_DB && !v);
    CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues,
                             base + h->off_cuepool, h->cuepool_size - 1, &v) == SANCTAG_E_DB);
    CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots - 1, h->n_cues,
                             base + h->off_cuepool, h->cuepool_size, &v) == SANCTAG_E_DB);
    /* an empty slot with roles: a lookup that misses would answer them */
    unsigned char *sl = (unsigned char *)base + h->off_cues;
    for (size_t i = 0; i < h->n_cue_slots; i++) {
        uint16_t len, roles = CUE_PERSON_TITLE;
        memcpy(&len, sl + i * SANCTAGP_CUE_SLOT_SIZE + 12, 2);
        if (!len) {
            memcpy(sl + i * SANCTAGP_CUE_SLOT_SIZE + 14, &roles, 2);
            CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues,
                                     base + h->off_cuepool, h->cuepool_size, &v) ==
                  SANCTAG_E_DB);
            roles = 0;
            memcpy(sl + i * SANCTAGP_CUE_SLOT_SIZE + 14, &roles, 2);
            break;
        }
    }
    /* a slot's word changed in the pool: its head and its place no longer agree */
    char *pool = base + h->off_cuepool;
    pool[0] ^= 0x20;
    CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues, pool,
                             h->cuepool_size, &v) == SANCTAG_E_DB);
    pool[0] ^= 0x20;
    /* a word moved to another slot: a lookup would not find it there */
    unsigned char *slots = (unsigned char *)base + h->off_cues;
    size_t used = 0, empty = 0;
    for (size_t i = 0; i < h->n_cue_slots; i++) {
        uint16_t len;
        memcpy(&len, slots + i * SANCTAGP_CUE_SLOT_SIZE + 12, 2);
        if (len && !used)
            used = i + 1;
        if (!len && used && !empty && i != used)
            empty = i + 1;
    }
    CHECK(used && empty);
    if (used && empty) {
        unsigned char tmp[SANCTAGP_CUE_SLOT_SIZE];
        memcpy(tmp, slots + (empty - 1) * SANCTAGP_CUE_SLOT_SIZE, sizeof tmp);
        memcpy(slots + (empty - 1) * SANCTAGP_CUE_SLOT_SIZE,
               slots + (used - 1) * SANCTAGP_CUE_SLOT_SIZE, sizeof tmp);
        memcpy(slots + (used - 1) * SANCTAGP_CUE_SLOT_SIZE, tmp, sizeof tmp);
        CHECK(sanctagp_cues_view(base + h->off_cues, h->n_cue_slots, h->n_cues, pool,
                                 h->cuepool_size, &v) == SANCTAG_E_DB);
    }
    free(img);
}

int main(void)
{
    test_stored_cues();
    sanctagp_mbuild *b = sanctagp_mbuild_new();
    uint32_t kim, kp;
    CHECK(b != NULL);
    CHECK(sanctagp_mbuild_entity(b, "kim-jong-un", "PERSON", "Kim Jong Un", "KP", 1, "[\"DPRK\"]",
                                 "UN", "KPi.033", "", &kim) == 0);
    CHECK(sanctagp_mbuild_entity(b, "kp", "COUNTRY", "North Korea", "KP", 0, NULL, NULL, NULL,
                                 NULL, &kp) == 0);
    CHECK(sanctagp_mbuild_alias(b, kim, "Kim Jong Un", 11, KIND_NAME, "en", "auto", 0) == 0);
    CHECK(sanctagp_mbuild_alias(b, kp, "Korea Utara", 11, KIND_NAME, "id", "auto", 0) == 0);
    void *img = NULL;
    size_t size = 0;
    CHECK(sanctagp_mbuild_finish(b, "test", &img, &size) == 0);
    sanctagp_mbuild_free(b);

    sanctag_gazetteer gz;
    memset(&gz, 0, sizeof gz);
    gz.refs = 1;
    gz.image = img; /* malloc'd: aligned enough */
    gz.image_size = size;
    CHECK(sanctagp_matcher_load(&gz.m, gz.image, gz.image_size) == 0);
    CHECK(sanctag_gazetteer_entity_count(&gz) == 2);

    sanctag_tagger *tg = sanctag_tagger_new(&gz);
    CHECK(tg != NULL);
    const char *text = "Pemimpin Korea Utara Kim Jong Un tiba. Kim lalu pergi.";
    sanctag_error e;
    memset(&e, 0, sizeof e);
    CHECK(sanctag_tagger_tag(tg, text, strlen(text), 0, &e) == 0);
    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(sp[0].entity == kp && sp[1].entity == kim && sp[2].entity == kim);
        /* "Kim" resolves through the full mention, family name first (KP) */
        CHECK(sp[2].flags & SANCTAG_SPAN_PROPAGATED);
        CHECK(strncmp(text + sp[2].start, "Kim", sp[2].end - sp[2].start) == 0);
    }
    sanctag_entity ent;
    CHECK(sanctag_gazetteer_entity(&gz, kim, &ent) == 0 && ent.listed &&
          strcmp(ent.list_ref, "KPi.033") == 0);
    CHECK(sanctagp_family_name_first("KP") && !sanctagp_family_name_first("ID") &&
          !sanctagp_family_name_first(NULL));
    sanctag_tagger_free(tg); /* drops the reference tagger_new took */
    CHECK(gz.refs == 1);
    free(img);
    if (failures) {
        fprintf(stderr, "test-core-alone: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test-core-alone: all checks passed\n");
    return 0;
}
