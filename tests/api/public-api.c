/* public-api.c - a program that uses only the installed interface: it includes
 * nothing but <sanctag.h> and links against the shared libsanctag, as a user's
 * program would. Opens the gazetteer given as argv[1], tags one sentence and
 * checks what the header promises: spans with entities, sentences, normalise,
 * status names, error records for bad input, names outside the gazetteer. */
#include <sanctag.h>

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                                \
        }                                                                              \
    } while (0)

static int has_entity(const sanctag_gazetteer *gz, const sanctag_span *sp, size_t n,
                      const char *key)
{
    for (size_t i = 0; i < n; i++) {
        sanctag_entity e;
        if (sanctag_gazetteer_entity(gz, sp[i].entity, &e) == 0 && strcmp(e.key, key) == 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: public-api GAZETTEER.db\n");
        return 2;
    }
    sanctag_error err = {0};
    sanctag_gazetteer *gz = NULL;
    int rc = sanctag_gazetteer_open(argv[1], 0, &gz, &err);
    if (rc != 0) {
        fprintf(stderr, "%s: %s (%s)\n", err.source, err.text, sanctag_status_name(rc));
        return 1;
    }
    CHECK(strlen(sanctag_gazetteer_version(gz)) > 0);
    CHECK(strcmp(sanctag_gazetteer_path(gz), argv[1]) == 0);
    CHECK(sanctag_gazetteer_entity_count(gz) > 0);
    CHECK(sanctag_gazetteer_alias_count(gz) >= sanctag_gazetteer_entity_count(gz));
    CHECK(sanctag_gazetteer_ref(gz) == gz);
    sanctag_gazetteer_unref(gz); /* the tagger and this function still hold one each */

    sanctag_tagger *tg = sanctag_tagger_new(gz);
    CHECK(tg != NULL);
    const char *text = "Korut dan AS bertemu di Seoul. Dewan Keamanan PBB menjatuhkan sanksi.";
    rc = sanctag_tagger_tag(tg, text, strlen(text), 0, &err);
    CHECK(rc == 0);
    size_t n = 0, ns = 0;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    const sanctag_sentence *se = sanctag_tagger_sentences(tg, &ns);
    CHECK(n >= 3);
    CHECK(ns == 2);
    CHECK(has_entity(gz, sp, n, "country:KP"));
    CHECK(has_entity(gz, sp, n, "country:US"));
    /* the list records behind an entity: "" for one on no list, NULL out of range */
    const char *recs = sanctag_gazetteer_entity_records(gz, sp[0].entity);
    CHECK(recs && strcmp(recs, "") == 0);
    CHECK(sanctag_gazetteer_entity_records(gz, sanctag_gazetteer_entity_count(gz)) == NULL);
    CHECK(sanctag_gazetteer_entity_records(NULL, 0) == NULL);
    for (size_t i = 0; i < n; i++) {
        CHECK(sp[i].start < sp[i].end && sp[i].end <= strlen(text));
        CHECK(sp[i].sentence < ns);
        CHECK(se[sp[i].sentence].start <= sp[i].start && sp[i].end <= se[sp[i].sentence].end);
    }

    /* bad input: an error record, the tagger stays usable */
    sanctag_error e2 = {0};
    CHECK(sanctag_tagger_tag(tg, "ab\xff", 3, 0, &e2) == SANCTAG_E_UTF8);
    CHECK(e2.code == SANCTAG_E_UTF8 && e2.position == 2);
    CHECK(strcmp(sanctag_status_name(SANCTAG_E_UTF8), "invalid_utf8") == 0);
    size_t pos = 0;
    CHECK(sanctag_utf8_check("a\0b", 3, &pos) == SANCTAG_E_NUL && pos == 1);

    char *norm = sanctag_normalize("Korea-Utara  SELATAN", 20);
    CHECK(norm && strcmp(norm, "korea utara selatan") == 0);
    sanctag_free(norm);

    /* names outside the gazetteer: a derived span, its key, label and score */
    const char *news = "\"Kami siap,\" kata Budi Sulistiyo di Seoul.";
    CHECK(sanctag_tagger_tag(tg, news, strlen(news), SANCTAG_TAG_NAMES, &err) == 0);
    sp = sanctag_tagger_spans(tg, &n);
    int derived = 0;
    for (size_t i = 0; i < n; i++) {
        sanctag_name nm;
        sanctag_entity e;
        int d = (sp[i].flags & SANCTAG_SPAN_DERIVED) != 0;
        CHECK(sanctag_tagger_span_name(tg, &sp[i], &nm) == (d ? 0 : SANCTAG_E_INVALID));
        CHECK(sanctag_tagger_span_entity(tg, &sp[i], &e) == 0);
        if (!d)
            continue;
        derived++;
        CHECK(sp[i].entity == SANCTAG_NO_ENTITY);
        CHECK(strcmp(nm.key, "name:person:budi-sulistiyo") == 0 && strcmp(e.key, nm.key) == 0);
        CHECK(strcmp(nm.label, "PERSON") == 0 && strcmp(nm.name, "Budi Sulistiyo") == 0);
        CHECK(strcmp(nm.found, "context") == 0 && nm.score > 0 && nm.score <= 1);
    }
    CHECK(derived == 1);
    CHECK(sanctag_tagger_tag(tg, news, strlen(news), 0, &err) == 0);
    sp = sanctag_tagger_spans(tg, &n);
    for (size_t i = 0; i < n; i++)
        CHECK(!(sp[i].flags & SANCTAG_SPAN_DERIVED));

    sanctag_tagger_free(tg);
    sanctag_gazetteer_unref(gz);
    sanctag_free(NULL);
    sanctag_tagger_free(NULL);
    if (failures)
        fprintf(stderr, "public-api: %d check(s) failed\n", failures);
    else
        printf("public-api: ok\n");
    return failures ? 1 : 0;
}
