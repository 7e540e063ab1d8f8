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

static int failures;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                                \
        }                                                                              \
    } while (0)

int main(void)
{
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
