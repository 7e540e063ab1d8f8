/* fuzz_tag.c - tokenizer + matcher + output on arbitrary bytes: no crash, and
 * every span lies inside the text, on code point boundaries, in order; every
 * ASCII word token agrees with a byte-by-byte reference (the tokenizer finds
 * them with bitmaps). The first byte picks the options. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "output/output.h"

static sanctag_gazetteer *gz;
static sanctag_tagger *tg;

static int ascii_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The tokens of valid UTF-8 `text` against the byte-by-byte reference. */
static void check_tokens(const char *text, size_t len)
{
    static sanctagp_tokens tk;
    const unsigned char *s = (const unsigned char *)text;
    if (sanctagp_tokenize(&tk, text, len) != 0)
        return;
    uint32_t prev_end = 0;
    for (size_t i = 0; i < tk.n; i++) {
        const sanctagp_token *t = &tk.v[i];
        if (t->start < prev_end || t->start >= t->end || t->end > len)
            abort();
        prev_end = t->end;
        if (t->kind != TK_WORD || (t->flags & TF_NONASCII))
            continue;
        /* a maximal run of ASCII letters and digits, lower-cased */
        if ((t->start > 0 && ascii_word_byte(s[t->start - 1])) ||
            (t->end < len && ascii_word_byte(s[t->end])) || t->norm_len != t->end - t->start)
            abort();
        int nu = 0, nl = 0, first = -1;
        for (uint32_t k = t->start; k < t->end; k++) {
            unsigned char c = s[k];
            if (!ascii_word_byte(c))
                abort();
            char want = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (tk.arena[t->norm_off + (k - t->start)] != want)
                abort();
            if (c >= 'A' && c <= 'Z') {
                nu++;
                first = first < 0 ? 1 : first;
            } else if (c >= 'a' && c <= 'z') {
                nl++;
                first = first < 0 ? 0 : first;
            }
        }
        int cls = nu + nl == 0 ? TC_NONE : nu == 0 ? TC_LOWER : nl == 0 ? TC_UPPER
                  : first == 1 && nu == 1 ? TC_TITLE : TC_MIXED;
        if (t->cls != cls || !(t->flags & TF_FIRST_UPPER) != (first != 1))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!gz) {
        sanctag_error e = {0};
        if (sanctag_gazetteer_open(fuzz_fixture_db(), 0, &gz, &e))
            abort();
        tg = sanctag_tagger_new(gz);
    }
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    unsigned flags = (opt & 1 ? SANCTAG_TAG_ALL : 0) | (opt & 2 ? SANCTAG_TAG_SUPPRESSORS : 0) |
                     (opt & 4 ? SANCTAG_TAG_NO_PROPAGATE : 0);
    sanctag_error e = {0};
    if (sanctag_tagger_tag(tg, text, len, flags, &e) != 0)
        return 0;
    check_tokens(text, len);
    size_t n, ns;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    const sanctag_sentence *ss = sanctag_tagger_sentences(tg, &ns);
    for (size_t i = 0; i < n; i++) {
        if (sp[i].start >= sp[i].end || sp[i].end > len ||
            (i && sp[i].start < sp[i - 1].start) ||
            ((unsigned char)text[sp[i].start] & 0xC0) == 0x80 ||
            (sp[i].end < len && ((unsigned char)text[sp[i].end] & 0xC0) == 0x80) ||
            sp[i].sentence >= ns || sp[i].entity >= sanctag_gazetteer_entity_count(gz))
            abort();
        if (!(flags & SANCTAG_TAG_ALL) && i && sp[i].start < sp[i - 1].end)
            abort(); /* overlapping without --all */
    }
    for (size_t i = 0; i < ns; i++)
        if (ss[i].start > ss[i].end || ss[i].end > len)
            abort();
    sanctagp_emit_opts o = {(int)(opt >> 3) % 3, (opt >> 5) & 1, FMT_JSON, NULL, 0};
    sanctagp_emitter em;
    sanctagp_emitter_init(&em, gz, &o);
    sanctagp_buf b = {0};
    if (sanctagp_doc_write(&b, &em, tg, NULL, NULL, text, len) == 0) {
        /* the output is one valid JSON object */
        json_error_t je;
        json_t *doc = json_loadb(b.p, b.len, 0, &je);
        if (!doc)
            abort();
        json_decref(doc);
    }
    sanctagp_buf_release(&b);
    sanctagp_emitter_release(&em);
    return 0;
}
