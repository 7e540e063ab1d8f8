/* emit.c - builds output records following the contract in DESIGN.md. */
#include "output/emit.h"
#include "output/formats.h"

#include <stdlib.h>
#include <string.h>

const char *const sanctagp_offset_names[3] = {"byte", "codepoint", "utf16"};

int sanctagp_offset_unit(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, sanctagp_offset_names[i]) == 0)
            return i;
    return -1;
}

size_t sanctagp_offset_convert(const char *text, size_t b, int unit, size_t *cur_b,
                               size_t *cur_u)
{
    if (unit == OFF_BYTE)
        return b;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *cur_b, u = *cur_u;
    /* Both ends are code point boundaries, so the code points between them
     * are the bytes that are no continuation byte (10xxxxxx), counted eight
     * at a time; UTF-16 counts a 4-byte sequence's lead (11110xxx) twice. */
    const uint64_t hi = 0x8080808080808080ull;
    while (i + 8 <= b) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & hi) {
            uint64_t cont = w & ~(w << 1) & hi;
            u += 8 - (size_t)(((cont >> 7) * 0x0101010101010101ull) >> 56);
            if (unit == OFF_UTF16) {
                uint64_t four = w & (w << 1) & (w << 2) & (w << 3) & hi;
                u += (size_t)(((four >> 7) * 0x0101010101010101ull) >> 56);
            }
        } else {
            u += 8;
        }
        i += 8;
    }
    for (; i < b; i++) {
        unsigned char c = s[i];
        u += (c & 0xC0) != 0x80;
        u += unit == OFF_UTF16 && c >= 0xF0;
    }
    *cur_b = i;
    *cur_u = u;
    return u;
}

json_t *sanctagp_json_string_lossy(const char *s)
{
    size_t n = strlen(s), pos;
    if (sanctag_utf8_check(s, n, &pos) == 0)
        return json_stringn(s, n);
    char *buf = malloc(n * 3 + 1);
    if (!buf)
        return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (sanctag_utf8_check(s + i, n - i, &pos) == 0) {
            memcpy(buf + w, s + i, n - i);
            w += n - i;
            break;
        }
        memcpy(buf + w, s + i, pos);
        w += pos;
        memcpy(buf + w, "\xEF\xBF\xBD", 3); /* U+FFFD */
        w += 3;
        i += pos + 1;
    }
    json_t *j = json_stringn(buf, w);
    free(buf);
    return j;
}

static json_t *gaz_json(const sanctag_gazetteer *gz)
{
    return json_pack("{s:s}", "version", gz ? sanctag_gazetteer_version(gz) : "");
}

/* Copies passed-through input fields after "id", never over the contract's own. */
static void add_extra(json_t *doc, json_t *extra)
{
    static const char *const reserved[] = {"id", "offsets", "spans", "sentences", "gazetteer",
                                           "error"};
    const char *k;
    json_t *v;
    json_object_foreach(extra, k, v)
    {
        int skip = 0;
        for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
            skip |= strcmp(k, reserved[i]) == 0;
        if (!skip)
            json_object_set(doc, k, v);
    }
}

json_t *sanctagp_doc_json(const sanctag_tagger *tg, const sanctag_gazetteer *gz, json_t *id,
                          json_t *extra, const char *text, size_t len,
                          const sanctagp_emit_opts *o)
{
    /* one serialiser for the contract: the tree is read back from its output */
    sanctagp_buf b = {0};
    json_t *doc = NULL;
    if (sanctagp_doc_write(&b, tg, gz, id, extra, text, len, o) == 0)
        doc = json_loadb(b.p, b.len, 0, NULL);
    sanctagp_buf_release(&b);
    return doc;
}

json_t *sanctagp_error_json(const sanctag_gazetteer *gz, json_t *id, json_t *extra,
                            const sanctag_error *e, const char *file, long line,
                            const char *text, const sanctagp_emit_opts *o)
{
    /* the position as line and column (bytes) of the document text */
    long text_line = 0, text_column = 0;
    if (e->position >= 0 && text) {
        text_line = 1;
        text_column = 1;
        for (long long i = 0; i < e->position; i++) {
            if (text[i] == '\n') {
                text_line++;
                text_column = 1;
            } else {
                text_column++;
            }
        }
    }
    json_t *doc = json_object();
    json_t *er = json_object();
    if (!doc || !er) {
        json_decref(doc);
        json_decref(er);
        return NULL;
    }
    json_object_set(doc, "id", id ? id : json_null());
    if (extra)
        add_extra(doc, extra);
    json_object_set_new(doc, "offsets", json_string(sanctagp_offset_names[o->unit]));
    json_object_set_new(doc, "spans", json_array());
    json_object_set_new(er, "code", json_string(sanctag_status_name(e->code)));
    json_object_set_new(er, "message", sanctagp_json_string_lossy(e->text));
    if (file && *file)
        json_object_set_new(er, "file", sanctagp_json_string_lossy(file));
    if (line > 0)
        json_object_set_new(er, "line", json_integer(line));
    if (e->column > 0)
        json_object_set_new(er, "column", json_integer(e->column));
    if (e->position >= 0)
        json_object_set_new(er, "byte", json_integer(e->position));
    if (text_line > 0) {
        json_object_set_new(er, "text_line", json_integer(text_line));
        json_object_set_new(er, "text_column", json_integer(text_column));
    }
    json_object_set_new(doc, "error", er);
    json_object_set_new(doc, "gazetteer", gaz_json(gz));
    return doc;
}

static int dump_cb(const char *s, size_t n, void *data)
{
    return sanctagp_buf_append(data, s, n) ? -1 : 0;
}

static int append_json_line(sanctagp_buf *out, json_t *doc)
{
    if (!doc)
        return SANCTAG_E_NOMEM;
    int rc = json_dump_callback(doc, dump_cb, out, JSON_COMPACT);
    json_decref(doc);
    if (rc != 0 || sanctagp_buf_append(out, "\n", 1))
        return SANCTAG_E_NOMEM;
    return 0;
}

int sanctagp_format_doc(sanctagp_buf *out, const sanctagp_emit_opts *o, const sanctag_tagger *tg,
                        const sanctag_gazetteer *gz, json_t *id, json_t *extra, const char *text,
                        size_t len)
{
    switch (o->format) {
    case FMT_SPACY:
        return sanctagp_format_spacy(out, tg, gz, id, extra, text, len);
    case FMT_DOCCANO:
        return sanctagp_format_doccano(out, tg, gz, id, extra, text, len);
    case FMT_CONLL:
        return sanctagp_format_conll(out, tg, gz, text, len);
    case FMT_BRAT:
        return sanctagp_format_brat_ann(out, tg, gz, text, len);
    default:
        return sanctagp_doc_write(out, tg, gz, id, extra, text, len, o);
    }
}

int sanctagp_format_error(sanctagp_buf *out, const sanctagp_emit_opts *o,
                          const sanctag_gazetteer *gz, json_t *id, json_t *extra,
                          const sanctag_error *e, const char *file, long line, const char *text)
{
    /* only the JSON contract has error records; other formats would be
     * corrupted by them (the error still goes to stderr and the exit status) */
    if (o->format != FMT_JSON)
        return 0;
    return append_json_line(out, sanctagp_error_json(gz, id, extra, e, file, line, text, o));
}
