/* test-text.c - tokenizer, normaliser and UTF-8 validation. */
#include "test.h"
#include "core/text.h"

static sanctagp_tokens tk;

/* Tokenizes s and returns the normalised tokens joined by '|', with '^' before
 * a token that starts a sentence (other than the first). */
static const char *toks(const char *s)
{
    static char out[1024];
    out[0] = 0;
    if (sanctagp_tokenize(&tk, s, strlen(s)) != 0)
        return "(error)";
    size_t w = 0;
    for (size_t i = 0; i < tk.n; i++) {
        if (i)
            out[w++] = '|';
        if (i && (tk.v[i].flags & TF_SENT_START))
            out[w++] = '^';
        memcpy(out + w, sanctagp_token_norm(&tk, &tk.v[i]), tk.v[i].norm_len);
        w += tk.v[i].norm_len;
    }
    out[w] = 0;
    return out;
}

static void test_words_and_punct(void)
{
    CHECK_EQ_STR(toks("Korut dan AS"), "korut|dan|as");
    /* whole tokens: letters and digits stick together */
    CHECK_EQ_STR(toks("ASEAN kelas Liputan6 G20"), "asean|kelas|liputan6|g20");
    /* hyphens are separators, other punctuation is a token */
    CHECK_EQ_STR(toks("Kyodo-OANA anti-AS"), "kyodo|oana|anti|as");
    CHECK_EQ_STR(toks("Jong-un Jong un Jong - un Jong\xE2\x80\x90un"), "jong|un|jong|un|jong|un|jong|un");
    CHECK_EQ_STR(toks("(Rp25,3)"), "(|rp25|,|3|)");
    CHECK_EQ_STR(toks("Antaranews.com"), "antaranews|.|com");
    /* quote family collapses */
    CHECK_EQ_STR(toks("d\xE2\x80\x99Ivoire d'Ivoire"), "d|'|ivoire|d|'|ivoire");
    /* a word glued to another word stays one token */
    CHECK_EQ_STR(toks("dikontrolJakarta"), "dikontroljakarta");
}

static void test_offsets(void)
{
    /* offsets point into the original bytes even when folding changes lengths */
    const char *s = "\xEF\xBC\xA1\xEF\xBC\xB3 Stra\xC3\x9F" "e"; /* fullwidth "ＡＳ Straße" */
    CHECK_EQ_STR(toks(s), "as|strasse");
    CHECK_EQ_INT(tk.v[0].start, 0);
    CHECK_EQ_INT(tk.v[0].end, 6);
    CHECK_EQ_INT(tk.v[1].start, 7);
    CHECK_EQ_INT(tk.v[1].end, strlen(s));
    /* ligature and combining marks */
    CHECK_EQ_STR(toks("\xEF\xAC\x81nal Tu\xCC\x88rkiye"), "final|türkiye");
    CHECK_EQ_INT(tk.v[1].end, strlen("\xEF\xAC\x81nal Tu\xCC\x88rkiye"));
}

static void test_case_classes(void)
{
    toks("AS As as aCommerce Korut 2017 U");
    CHECK_EQ_INT(tk.v[0].cls, TC_UPPER);
    CHECK_EQ_INT(tk.v[1].cls, TC_TITLE);
    CHECK_EQ_INT(tk.v[2].cls, TC_LOWER);
    CHECK_EQ_INT(tk.v[3].cls, TC_MIXED);
    CHECK_EQ_INT(tk.v[4].cls, TC_TITLE);
    CHECK_EQ_INT(tk.v[5].cls, TC_NONE);
    CHECK_EQ_INT(tk.v[6].cls, TC_UPPER);
    CHECK(tk.v[4].flags & TF_FIRST_UPPER);
    CHECK(!(tk.v[3].flags & TF_FIRST_UPPER));
    toks("\xC3\x9C" "NAL \xC3\xBC" "nal");
    CHECK_EQ_INT(tk.v[0].cls, TC_UPPER);
    CHECK_EQ_INT(tk.v[1].cls, TC_LOWER);
}

static void test_sentences(void)
{
    CHECK_EQ_STR(toks("Korea. Utara"), "korea|.|^utara");
    CHECK_EQ_STR(toks("Korea\nUtara"), "korea|utara");
    CHECK_EQ_STR(toks("Korea\n\nUtara"), "korea|^utara");
    CHECK_EQ_STR(toks("Korea \n \r\n Utara"), "korea|^utara");
    CHECK_EQ_STR(toks("di AS. \"Kami"), "di|as|.|^\"|kami");
    CHECK_EQ_STR(toks("Ya! Tidak? Mungkin."), "ya|!|^tidak|?|^mungkin|.");
    /* no boundary: abbreviations, initials, lower case next, no space */
    CHECK_EQ_STR(toks("the U.S. President"), "the|u|.|s|.|president");
    CHECK_EQ_STR(toks("Mr. Kim"), "mr|.|kim");
    CHECK_EQ_STR(toks("1,7 miliar. dan"), "1|,|7|miliar|.|dan");
    CHECK_EQ_STR(toks("global.Jakarta"), "global|.|jakarta");
    /* closing quote after the period keeps the boundary */
    CHECK_EQ_STR(toks("kata mereka.\" Korut"), "kata|mereka|.|\"|^korut");

    toks("Satu dua. Tiga empat.\n\nLima");
    CHECK_EQ_INT(tk.nsent, 3);
    sanctagp_sentences ss = {calloc(tk.nsent, sizeof *ss.v), 0, tk.nsent};
    sanctagp_sentences_from_tokens(&ss, &tk);
    CHECK_EQ_INT(ss.n, 3);
    CHECK_EQ_INT(ss.v[0].start, 0);
    CHECK_EQ_INT(ss.v[0].end, 9);
    CHECK_EQ_INT(ss.v[1].start, 10);
    CHECK_EQ_INT(ss.v[2].start, 23);
    free(ss.v);
}

static void test_utf8(void)
{
    size_t pos = 99;
    CHECK_EQ_INT(sanctagp_utf8_check("plain ascii text here", 21, &pos), 0);
    CHECK_EQ_INT(sanctagp_utf8_check("ab\xC3\xA9", 4, &pos), 0);
    CHECK_EQ_INT(sanctagp_utf8_check("abc\xC0\xAF", 5, &pos), SANCTAG_E_UTF8); /* overlong */
    CHECK_EQ_INT(pos, 3);
    CHECK_EQ_INT(sanctagp_utf8_check("\xED\xA0\x80", 3, &pos), SANCTAG_E_UTF8); /* surrogate */
    CHECK_EQ_INT(sanctagp_utf8_check("x\xF4\x90\x80\x80", 5, &pos), SANCTAG_E_UTF8); /* > 10FFFF */
    CHECK_EQ_INT(pos, 1);
    CHECK_EQ_INT(sanctagp_utf8_check("abcdefgh\xE2\x80", 10, &pos), SANCTAG_E_UTF8); /* truncated */
    CHECK_EQ_INT(pos, 8);
    CHECK_EQ_INT(sanctagp_utf8_check("abcdefghijk\0z", 13, &pos), SANCTAG_E_NUL);
    CHECK_EQ_INT(pos, 11);
    CHECK_EQ_INT(sanctagp_utf8_check("\x80", 1, &pos), SANCTAG_E_UTF8);
    CHECK_EQ_INT(sanctagp_utf8_check("", 0, &pos), 0);
}

static void test_normalize_api(void)
{
    char *n = sanctag_normalize("KOREA  Utara", 12);
    CHECK_EQ_STR(n, "korea utara");
    sanctag_free(n);
    n = sanctag_normalize("Kim Jong-un", 11);
    CHECK_EQ_STR(n, "kim jong un");
    sanctag_free(n);
    CHECK(sanctag_normalize("\xFF", 1) == NULL);
}

int main(void)
{
    test_words_and_punct();
    test_offsets();
    test_case_classes();
    test_sentences();
    test_utf8();
    test_normalize_api();
    sanctagp_tokens_release(&tk);
    return test_done("test-text");
}
