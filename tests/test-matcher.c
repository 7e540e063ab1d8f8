/* test-matcher.c - the matching rules of docs/DESIGN.md, one case per rule. */
#include "test.h"

static const char fixture[] =
    "key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\taccents\tsource\n"
    "country:KP\tCOUNTRY\tNorth Korea\tKP\tKorea Utara\tid\t\t\t\tt\n"
    "country:KP\t\t\t\tKorut\tid\tabbreviation\t\t\tt\n"
    "country:KP\t\t\t\tNorth Korea\ten\t\t\t\tt\n"
    "country:US\tCOUNTRY\tUnited States\tUS\tAS\tid\tabbreviation\t\t\tt\n"
    "country:US\t\t\t\tAmerika Serikat\tid\t\t\t\tt\n"
    "country:US\t\t\t\tU.S.\ten\tabbreviation\t\t\tt\n"
    "country:ID\tCOUNTRY\tIndonesia\tID\tRI\tid\tabbreviation\t\t\tt\n"
    "country:TR\tCOUNTRY\tTurkey\tTR\tTürkiye\t\t\t\t\tt\n"
    "country:LA\tCOUNTRY\tLaos\tLA\tLaos\t\t\tcap\t\tt\n"
    "country:DE\tCOUNTRY\tGermany\tDE\tJérman\t\t\t\tstrict\tt\n"
    "org:asean\tORG\tASEAN\t\tASEAN\t\t\t\t\tt\n"
    "org:un\tORG\tUnited Nations\t\tPBB\tid\tabbreviation\t\t\tt\n"
    "org:unsc\tORG\tUN Security Council\t\tDewan Keamanan PBB\tid\t\t\t\tt\n"
    "org:unsc\t\t\t\tDK PBB\tid\tabbreviation\t\t\tt\n"
    "org:unsc\t\t\t\tDewan Keamanan\tid\t\t\t\tt\n"
    "person:kim-jong-un\tPERSON\tKim Jong Un\tKP\tKim Jong Un\t\t\t\t\tt\n"
    "location:georgia-us\tLOCATION\tGeorgia (US state)\tUS\tGeorgia\t\t\t\t\tt\n"
    "country:GE\tCOUNTRY\tGeorgia\tGE\tGeorgia\ten\t\t\t\tt\n"
    "currency:usd\tCURRENCY\tUS dollar\t\tdolar AS\tid\tsuppressor\t\t\tt\n"
    "org:weak\tORG\tWeakling\t\tWeakname\t\tweak\t\t\tt\n"
    "person:donald-trump\tPERSON\tDonald Trump\tUS\tDonald Trump\t\t\t\t\tt\n"
    "person:kim-yo-jong\tPERSON\tKim Yo Jong\tKP\tKim Yo Jong\t\t\t\t\tt\n"
    "org:iaea\tORG\tIAEA\t\tBadan Energi Atom Internasional\tid\t\t\t\tt\n";

static sanctag_gazetteer *gz;
static sanctag_tagger *tg;

/* Tags s and renders spans as "text=entity" joined by ", " (nested ones with '~'). */
static const char *tag(const char *s, unsigned flags)
{
    static char out[2048];
    sanctag_error e = {0};
    out[0] = 0;
    if (sanctag_tagger_tag(tg, s, strlen(s), flags, &e) != 0) {
        snprintf(out, sizeof out, "(error %s)", sanctag_status_name(e.code));
        return out;
    }
    size_t n, w = 0;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    for (size_t i = 0; i < n; i++) {
        sanctag_entity ent;
        CHECK_EQ_INT(sanctag_gazetteer_entity(gz, sp[i].entity, &ent), 0);
        w += (size_t)snprintf(out + w, sizeof out - w, "%s%s%.*s=%s", i ? ", " : "",
                              (sp[i].flags & SANCTAG_SPAN_NESTED) ? "~" : "",
                              (int)(sp[i].end - sp[i].start), s + sp[i].start, ent.key);
    }
    return out;
}

static void test_whole_tokens(void)
{
    CHECK_EQ_STR(tag("ASEAN dan kelas", 0), "ASEAN=org:asean");
    CHECK_EQ_STR(tag("Kyodo-OANA anti-AS", 0), "AS=country:US");
    CHECK_EQ_STR(tag("KorutKorut Koruts", 0), "");
    CHECK_EQ_STR(tag("dolar AS", 0), "");
}

static void test_normalised_comparison(void)
{
    CHECK_EQ_STR(tag("KOREA UTARA, Korea Utara, korea utara", 0),
                 "KOREA UTARA=country:KP, Korea Utara=country:KP, korea utara=country:KP");
    /* fullwidth compatibility forms fold */
    CHECK_EQ_STR(tag("\xEF\xBC\xAB\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x95\xEF\xBD\x94", 0),
                 "\xEF\xBC\xAB\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x95\xEF\xBD\x94=country:KP");
}

static void test_hyphen_space(void)
{
    CHECK_EQ_STR(tag("Kim Jong-un, Kim Jong Un, Kim Jong\xE2\x80\x90un, Kim Jong - un", 0),
                 "Kim Jong-un=person:kim-jong-un, Kim Jong Un=person:kim-jong-un, "
                 "Kim Jong\xE2\x80\x90un=person:kim-jong-un, Kim Jong - un=person:kim-jong-un");
}

static void test_accents(void)
{
    CHECK_EQ_STR(tag("Türkiye dan Turkiye", 0), "Türkiye=country:TR, Turkiye=country:TR");
    /* decomposed input matches the precomposed alias */
    CHECK_EQ_STR(tag("Tu\xCC\x88rkiye", 0), "Tu\xCC\x88rkiye=country:TR");
    /* accents "strict": only as written */
    CHECK_EQ_STR(tag("Jérman Jerman", 0), "Jérman=country:DE");
}

static void test_case_policy(void)
{
    /* short all-caps abbreviations are exact */
    CHECK_EQ_STR(tag("AS as As", 0), "AS=country:US");
    CHECK_EQ_STR(tag("RI ri Ri", 0), "RI=country:ID");
    CHECK_EQ_STR(tag("DK PBB dk pbb Dk Pbb", 0), "DK PBB=org:unsc");
    /* longer all-caps need a capital first letter */
    CHECK_EQ_STR(tag("ASEAN Asean asean", 0), "ASEAN=org:asean, Asean=org:asean");
    /* cap policy: laos (galangal) is not Laos */
    CHECK_EQ_STR(tag("Laos, laos, LAOS", 0), "Laos=country:LA, LAOS=country:LA");
    CHECK_EQ_STR(tag("the U.S. and the u.s.", 0), "U.S.=country:US");
}

static void test_leftmost_longest(void)
{
    CHECK_EQ_STR(tag("sanksi Dewan Keamanan PBB", 0), "Dewan Keamanan PBB=org:unsc");
    CHECK_EQ_STR(tag("Dewan Keamanan menolak", 0), "Dewan Keamanan=org:unsc");
    CHECK_EQ_STR(tag("sebesar 5 dolar AS kata AS", 0), "AS=country:US");
    /* overlapping candidates: the leftmost wins, then the next free token */
    CHECK_EQ_STR(tag("Korea Utara Korut", 0), "Korea Utara=country:KP, Korut=country:KP");
}

static void test_all(void)
{
    CHECK_EQ_STR(tag("Dewan Keamanan PBB", SANCTAG_TAG_ALL),
                 "Dewan Keamanan PBB=org:unsc, ~Dewan Keamanan=org:unsc, ~PBB=org:un");
    /* suppressors still suppress with --all */
    CHECK_EQ_STR(tag("5 dolar AS", SANCTAG_TAG_ALL), "");
    CHECK_EQ_STR(tag("5 dolar AS", SANCTAG_TAG_SUPPRESSORS), "dolar AS=currency:usd");
}

static void test_sentence_boundary(void)
{
    CHECK_EQ_STR(tag("di Korea\nUtara", 0), "Korea\nUtara=country:KP");
    CHECK_EQ_STR(tag("di Korea. Utara", 0), "");
    CHECK_EQ_STR(tag("di Korea\n\nUtara", 0), "");
    CHECK_EQ_STR(tag("Korea, Utara", 0), "");
}

static void test_offsets_original(void)
{
    /* two-byte and four-byte characters before the match: byte offsets */
    const char *s = "é😀 «Korut»";
    sanctag_error e = {0};
    CHECK_EQ_INT(sanctag_tagger_tag(tg, s, strlen(s), 0, &e), 0);
    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(sp[0].start, strlen("é😀 «"));
    CHECK_EQ_INT(sp[0].end, strlen("é😀 «Korut"));
}

static void test_ambiguous_and_weak(void)
{
    CHECK_EQ_STR(tag("Georgia", 0), "Georgia=location:georgia-us");
    const sanctag_span *sp;
    size_t n;
    sp = sanctag_tagger_spans(tg, &n);
    CHECK(n == 1 && (sp[0].flags & SANCTAG_SPAN_AMBIGUOUS));
    CHECK_EQ_STR(tag("Weakname", 0), "");
}

static void test_bad_documents(void)
{
    CHECK_EQ_STR(tag("", 0), "(error empty_document)");
    CHECK_EQ_STR(tag(" \n\t ", 0), "(error empty_document)");
    CHECK_EQ_STR(tag("Korut \xC3", 0), "(error invalid_utf8)");
    sanctag_error e = {0};
    CHECK_EQ_INT(sanctag_tagger_tag(tg, "ab\0cd", 5, 0, &e), SANCTAG_E_NUL);
    CHECK_EQ_INT(e.position, 2);
    /* the tagger stays usable after an error */
    CHECK_EQ_STR(tag("Korut", 0), "Korut=country:KP");
}

static void test_sentence_api(void)
{
    CHECK_EQ_STR(tag("Korut menembak. AS marah.", 0), "Korut=country:KP, AS=country:US");
    size_t n, ns;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    const sanctag_sentence *ss = sanctag_tagger_sentences(tg, &ns);
    CHECK_EQ_INT(ns, 2);
    CHECK_EQ_INT(sp[0].sentence, 0);
    CHECK_EQ_INT(sp[1].sentence, 1);
    CHECK_EQ_INT(ss[1].start, 16);
}

static void test_propagation(void)
{
    /* a short form resolves after the full mention, not before */
    CHECK_EQ_STR(tag("Kim tiba. Kim Jong Un berkata. Kim tertawa, kim tidak.", 0),
                 "Kim Jong Un=person:kim-jong-un, Kim=person:kim-jong-un");
    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    CHECK(n == 2 && (sp[1].flags & SANCTAG_SPAN_PROPAGATED) && !(sp[0].flags & SANCTAG_SPAN_PROPAGATED));
    /* family name last for Western names */
    CHECK_EQ_STR(tag("Donald Trump menelepon. Trump marah.", 0),
                 "Donald Trump=person:donald-trump, Trump=person:donald-trump");
    /* ambiguous in the document: left untagged */
    CHECK_EQ_STR(tag("Kim Jong Un dan Kim Yo Jong. Kim berkata.", 0),
                 "Kim Jong Un=person:kim-jong-un, Kim Yo Jong=person:kim-yo-jong");
    /* acronyms defined in parentheses */
    CHECK_EQ_STR(tag("Badan Energi Atom Internasional (IAEA) melapor. IAEA yakin, Iaea tidak.", 0),
                 "Badan Energi Atom Internasional=org:iaea, IAEA=org:iaea, IAEA=org:iaea");
    CHECK_EQ_STR(tag("Kim Jong Un berkata. Kim tertawa.", SANCTAG_TAG_NO_PROPAGATE),
                 "Kim Jong Un=person:kim-jong-un");
}

int main(void)
{
    sanctag_error e = {0};
    char *path = test_build_gaz(fixture, &e);
    if (!path) {
        fprintf(stderr, "cannot build fixture gazetteer: %s\n", e.text);
        return 1;
    }
    if (sanctag_gazetteer_open(path, 0, &gz, &e) != 0) {
        fprintf(stderr, "cannot open fixture gazetteer: %s\n", e.text);
        return 1;
    }
    tg = sanctag_tagger_new(gz);
    test_whole_tokens();
    test_normalised_comparison();
    test_hyphen_space();
    test_accents();
    test_case_policy();
    test_leftmost_longest();
    test_all();
    test_sentence_boundary();
    test_offsets_original();
    test_ambiguous_and_weak();
    test_bad_documents();
    test_sentence_api();
    test_propagation();
    sanctag_tagger_free(tg);
    sanctag_gazetteer_unref(gz);
    unlink(path);
    return test_done("test-matcher");
}
