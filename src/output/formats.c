/* formats.c - interoperability output formats for one tagged document: spaCy
 * and doccano JSON Lines, brat standoff (.ann) and CoNLL BIO (see formats.h). */
#include "output/formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* ---- helpers --------------------------------------------------------------- */

static int append(sanctagp_buf *b, const char *s)
{
    return sanctagp_buf_append(b, s, strlen(s));
}

typedef struct bref {
    size_t byte, slot;
} bref;

static int bref_cmp(const void *x, const void *y)
{
    const bref *a = x, *b = y;
    return (a->byte > b->byte) - (a->byte < b->byte);
}

/* Codepoint offsets of every span boundary: an owned array of 2n values,
 * [2i] the start and [2i+1] the end of span i, or NULL when out of memory. */
static size_t *codepoints(const char *text, const sanctag_span *sp, size_t n)
{
    size_t *cp = malloc((2 * n + 1) * sizeof *cp);
    bref *r = malloc((2 * n + 1) * sizeof *r);
    if (!cp || !r) {
        free(cp);
        free(r);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        r[2 * i] = (bref){sp[i].start, 2 * i};
        r[2 * i + 1] = (bref){sp[i].end, 2 * i + 1};
    }
    qsort(r, 2 * n, sizeof *r, bref_cmp);
    size_t cb = 0, cu = 0;
    for (size_t i = 0; i < 2 * n; i++)
        cp[r[i].slot] = sanctagp_offset_convert(text, r[i].byte, OFF_CODEPOINT, &cb, &cu);
    free(r);
    return cp;
}

/* Length of the UTF-8 sequence starting with byte `c` (input is valid). */
static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Appends `n` bytes of valid UTF-8 with C0/C1 control characters (and DEL)
 * written as U+FFFD, or as `ctl_repl` when it is not NULL. */
static int append_clean(sanctagp_buf *b, const char *s, size_t n, const char *ctl_repl)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        size_t l = u8len(u[i]);
        int ctl = u[i] < 0x20 || u[i] == 0x7F || (u[i] == 0xC2 && i + 1 < n && u[i + 1] < 0xA0);
        if (ctl) {
            if (sanctagp_buf_append(b, s + from, i - from) ||
                append(b, ctl_repl ? ctl_repl : "\xEF\xBF\xBD"))
                return SANCTAG_E_NOMEM;
            from = i + l;
        }
        i += l;
    }
    return sanctagp_buf_append(b, s + from, n - from);
}

/* Appends a label with whitespace and control characters as '_' (a label is
 * one field in CoNLL and brat). */
static int append_label(sanctagp_buf *b, const char *label)
{
    for (const char *p = label; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char ch = (c <= 0x20 || c == 0x7F) ? '_' : (char)c;
        if (sanctagp_buf_append(b, &ch, 1))
            return SANCTAG_E_NOMEM;
    }
    return *label ? 0 : append(b, "_");
}

/* ---- spaCy ------------------------------------------------------------------ */

int sanctagp_format_spacy(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len)
{

    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    size_t *cp = codepoints(text, sp, n);
    json_t *doc = json_object(), *ents = json_array(), *meta = json_object();
    if (!cp || !doc || !ents || !meta)
        goto oom;
    size_t last_end = 0;
    for (size_t i = 0; i < n; i++) {
        sanctag_entity e;
        if ((sp[i].flags & SANCTAG_SPAN_NESTED) || sp[i].start < last_end ||
            sanctag_tagger_span_entity(tg, &sp[i], &e))
            continue;
        last_end = sp[i].end;
        json_t *o = json_pack("{s:I,s:I,s:s,s:s}", "start", (json_int_t)cp[2 * i], "end",
                              (json_int_t)cp[2 * i + 1], "label", e.label, "kb_id", e.key);
        if (!o || json_array_append_new(ents, o))
            goto oom;
    }
    json_object_set_new(doc, "text", json_stringn(text, len));
    json_object_set_new(doc, "ents", ents);
    ents = NULL;
    json_object_set(meta, "id", id ? id : json_null());
    static const char *const reserved[] = {"id"};
    sanctagp_copy_fields(meta, extra, reserved, 1);
    json_object_set_new(doc, "meta", meta);
    free(cp);
    return sanctagp_put_json_line(out, doc);
oom:
    free(cp);
    json_decref(doc);
    json_decref(ents);
    json_decref(meta);
    return SANCTAG_E_NOMEM;
}

/* ---- doccano ---------------------------------------------------------------- */

int sanctagp_format_doccano(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                            json_t *id, json_t *extra, const char *text, size_t len)
{

    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    size_t *cp = codepoints(text, sp, n);
    json_t *doc = json_object(), *labels = json_array();
    if (!cp || !doc || !labels)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        sanctag_entity e;
        if (sanctag_tagger_span_entity(tg, &sp[i], &e))
            continue;
        json_t *o = json_pack("[I,I,s]", (json_int_t)cp[2 * i], (json_int_t)cp[2 * i + 1],
                              e.label);
        if (!o || json_array_append_new(labels, o))
            goto oom;
    }
    json_object_set(doc, "id", id ? id : json_null());
    static const char *const reserved[] = {"id", "text", "label"};
    sanctagp_copy_fields(doc, extra, reserved, 3);
    json_object_set_new(doc, "text", json_stringn(text, len));
    json_object_set_new(doc, "label", labels);
    free(cp);
    return sanctagp_put_json_line(out, doc);
oom:
    free(cp);
    json_decref(doc);
    json_decref(labels);
    return SANCTAG_E_NOMEM;
}

/* ---- CoNLL BIO -------------------------------------------------------------- */

/* Length of a white-space character at s[i] (n bytes), 0 if there is none:
 * ASCII white space, NO-BREAK SPACE, the Unicode spaces and line separators,
 * and the zero-width space and byte order mark. */
static size_t space_len(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
        return 2;
    if (i + 2 >= n)
        return 0;
    unsigned d = (unsigned)s[i + 1] << 8 | s[i + 2];
    if ((c == 0xE2 && ((d >= 0x8080 && d <= 0x808B) || d == 0x80A8 || d == 0x80A9 ||
                       d == 0x80AF || d == 0x819F)) ||
        (c == 0xE1 && d == 0x9A80) || (c == 0xE3 && d == 0x8080) || (c == 0xEF && d == 0xBBBF))
        return 3;
    return 0;
}

/* The text between two tokens that the tokenizer does not make a token of
 * (hyphens, dashes, symbols): each run of it between white space becomes a
 * token line with `tag` (" O", or " I-LABEL" inside a mention), so the text
 * can be rebuilt from the CoNLL file. */
static int conll_gap(sanctagp_buf *out, const char *text, size_t from, size_t to,
                     const char *label)
{
    const unsigned char *u = (const unsigned char *)text;
    int rc = 0;
    for (size_t i = from; i < to && !rc;) {
        size_t sl = space_len(u, i, to);
        if (sl) {
            i += sl;
            continue;
        }
        size_t j = i;
        while (j < to && !space_len(u, j, to))
            j += u8len(u[j]);
        rc = append_clean(out, text + i, j - i, NULL);
        if (!rc)
            rc = append(out, label ? " I-" : " O");
        if (!rc && label)
            rc = append_label(out, label);
        if (!rc)
            rc = append(out, "\n");
        i = j;
    }
    return rc;
}

int sanctagp_format_conll(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len)
{
    (void)id;
    (void)extra;

    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    /* the same text through the same tokenizer gives the tagger's tokens, so
     * span.first_token indexes them */
    int rc = sanctagp_tokenize(&tk, text, len);
    if (rc) {
        sanctagp_tokens_release(&tk);
        return rc;
    }
    const char **lab = calloc(tk.n + 1, sizeof *lab);
    unsigned char *begin = calloc(tk.n + 1, 1);
    if (!lab || !begin) {
        rc = SANCTAG_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        sanctag_entity e;
        size_t a = sp[i].first_token, b = a + sp[i].ntokens;
        if ((sp[i].flags & SANCTAG_SPAN_NESTED) || sp[i].ntokens == 0 || b > tk.n ||
            tk.v[a].start != sp[i].start || tk.v[b - 1].end != sp[i].end ||
            sanctag_tagger_span_entity(tg, &sp[i], &e))
            continue;
        int free_range = 1;
        for (size_t k = a; k < b; k++)
            free_range &= lab[k] == NULL;
        if (!free_range)
            continue; /* overlaps an earlier span: BIO cannot say both */
        for (size_t k = a; k < b; k++)
            lab[k] = e.label;
        begin[a] = 1;
    }
    rc = append(out, "-DOCSTART- O\n\n");
    size_t done = 0; /* bytes of text written as tokens or skipped as space */
    for (size_t i = 0; i < tk.n && !rc; i++) {
        const sanctagp_token *t = &tk.v[i];
        /* inside a mention (Jong-un) the gap takes the mention's label */
        int inside = i && lab[i] && !begin[i] && lab[i - 1] == lab[i];
        rc = conll_gap(out, text, done, t->start, inside ? lab[i] : NULL);
        done = t->end;
        if (!rc && i && (t->flags & TF_SENT_START))
            rc = append(out, "\n");
        if (!rc)
            rc = append_clean(out, text + t->start, t->end - t->start, NULL);
        if (!rc)
            rc = append(out, lab[i] ? (begin[i] ? " B-" : " I-") : " O");
        if (!rc && lab[i])
            rc = append_label(out, lab[i]);
        if (!rc)
            rc = append(out, "\n");
    }
    size_t before = out->len;
    if (!rc)
        rc = conll_gap(out, text, done, len, NULL);
    if (!rc && (tk.n || out->len > before))
        rc = append(out, "\n");
done:
    free(lab);
    free(begin);
    sanctagp_tokens_release(&tk);
    return rc;
}

/* ---- brat standoff ---------------------------------------------------------- */

/* Length of a line-breaking or tab character at s[i] (which a brat text-bound
 * annotation's fragment must not contain), 0 if there is none. */
static size_t break_len(const unsigned char *s, size_t i, size_t end)
{
    unsigned char c = s[i];
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
        return 1;
    if (c == 0xC2 && i + 1 < end && s[i + 1] == 0x85) /* U+0085 NEL */
        return 2;
    if (c == 0xE2 && i + 2 < end && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
        return 3; /* U+2028, U+2029 */
    return 0;
}

/* Appends the fragments "s e;s e" of byte range [start, end) (first
 * codepoint at `cp0`) split at breaks, spaces trimmed at their ends, and
 * their texts joined by one space to `frag_text`. */
static int brat_fragments(sanctagp_buf *out, sanctagp_buf *frag_text, const char *text,
                          size_t start, size_t end, size_t cp0)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = start, cpos = cp0;
    int first = 1;
    while (i < end) {
        /* skip breaks and spaces before a fragment */
        size_t bl;
        while (i < end && ((bl = break_len(s, i, end)) || s[i] == ' ')) {
            i += bl ? bl : 1;
            cpos++;
        }
        if (i >= end)
            break;
        size_t fs = i, fcp = cpos, last = i, last_cp = cpos;
        while (i < end && !break_len(s, i, end)) {
            size_t l = u8len(s[i]);
            if (s[i] != ' ') {
                last = i + l;
                last_cp = cpos + 1;
            }
            i += l;
            cpos++;
        }
        char num[64];
        snprintf(num, sizeof num, "%s%zu %zu", first ? "" : ";", fcp, last_cp);
        if (append(out, num) || (!first && append(frag_text, " ")) ||
            append_clean(frag_text, text + fs, last - fs, " "))
            return SANCTAG_E_NOMEM;
        first = 0;
    }
    return 0;
}

int sanctagp_format_brat_ann(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                             json_t *id, json_t *extra, const char *text, size_t len)
{
    const sanctag_gazetteer *gz = em->gz;
    (void)id;
    (void)extra;

    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    (void)len;
    if (n == 0)
        return 0;
    size_t *cp = codepoints(text, sp, n);
    sanctagp_buf ft = {0};
    if (!cp)
        return SANCTAG_E_NOMEM;
    int rc = 0;
    unsigned long t = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        sanctag_entity e;
        if (sanctag_tagger_span_entity(tg, &sp[i], &e))
            continue;
        char num[64];
        snprintf(num, sizeof num, "T%lu\t", ++t);
        ft.len = 0;
        rc = append(out, num);
        if (!rc)
            rc = append_label(out, e.label);
        if (!rc)
            rc = append(out, " ");
        if (!rc)
            rc = brat_fragments(out, &ft, text, sp[i].start, sp[i].end, cp[2 * i]);
        if (!rc)
            rc = append(out, "\t");
        if (!rc && ft.len)
            rc = sanctagp_buf_append(out, ft.p, ft.len);
        /* the entity, in a note brat shows on hover */
        if (!rc) {
            snprintf(num, sizeof num, "\n#%lu\tAnnotatorNotes T%lu\t", t, t);
            rc = append(out, num);
        }
        if (!rc)
            rc = append_clean(out, e.key, strlen(e.key), " ");
        if (!rc)
            rc = append(out, " \"");
        if (!rc)
            rc = append_clean(out, e.name, strlen(e.name), " ");
        if (!rc)
            rc = append(out, "\"");
        /* the country as the JSON output gives it: an ORG's is the country its
         * name contains ("Kedutaan Besar Jepang"), not where it is based */
        const char *cc = e.country;
        if (strcmp(e.label, "ORG") == 0) {
            sanctag_entity ce;
            cc = sp[i].named_country != UINT32_MAX &&
                         sanctag_gazetteer_entity(gz, sp[i].named_country, &ce) == 0
                     ? ce.country
                     : "";
        }
        if (!rc && *cc) {
            rc = append(out, " country=");
            if (!rc)
                rc = append_clean(out, cc, strlen(cc), " ");
        }
        if (!rc) {
            rc = append(out, " alias=");
            if (!rc)
                rc = append(out, sp[i].alias_kind);
            if (!rc && *sp[i].alias_lang) {
                rc = append(out, "/");
                if (!rc)
                    rc = append_clean(out, sp[i].alias_lang, strlen(sp[i].alias_lang), " ");
            }
        }
        if (!rc && e.listed) {
            rc = append(out, " listed=");
            if (!rc)
                rc = append_clean(out, *e.list_source ? e.list_source : "yes",
                                  strlen(*e.list_source ? e.list_source : "yes"), " ");
            if (!rc && *e.list_ref) {
                rc = append(out, ":");
                if (!rc)
                    rc = append_clean(out, e.list_ref, strlen(e.list_ref), " ");
            }
            if (!rc && *e.programs) {
                rc = append(out, " programs=");
                if (!rc)
                    rc = append_clean(out, e.programs, strlen(e.programs), " ");
            }
        }
        if (!rc && (sp[i].flags & SANCTAG_SPAN_NESTED))
            rc = append(out, " nested");
        if (!rc && (sp[i].flags & SANCTAG_SPAN_AMBIGUOUS))
            rc = append(out, " ambiguous");
        if (!rc && (sp[i].flags & SANCTAG_SPAN_PROPAGATED))
            rc = append(out, " propagated");
        if (!rc && (sp[i].flags & SANCTAG_SPAN_SUPPRESSOR))
            rc = append(out, " suppressor");
        if (!rc)
            rc = append(out, "\n");
    }
    free(cp);
    sanctagp_buf_release(&ft);
    return rc;
}

char *sanctagp_brat_stem(json_t *id, unsigned long ordinal, char *buf, size_t cap)
{
    if (cap < 32) {
        if (cap)
            buf[0] = 0;
        return buf;
    }
    size_t w = 0;
    if (json_is_string(id)) {
        const char *s = json_string_value(id);
        size_t n = json_string_length(id);
        if (n >= 4 && memcmp(s + n - 4, ".txt", 4) == 0)
            n -= 4;
        size_t lim = cap - 1 < 120 ? cap - 1 : 120;
        for (size_t i = 0; i < n && w < lim; i++) {
            unsigned char c = (unsigned char)s[i];
            int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-';
            if (w == 0 && c == '.')
                continue;
            buf[w++] = ok ? (char)c : '_';
        }
    } else if (json_is_integer(id)) {
        w = (size_t)snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    }
    if (w == 0 || w >= cap)
        w = (size_t)snprintf(buf, cap, "doc-%lu", ordinal);
    buf[w] = 0;
    return buf;
}
