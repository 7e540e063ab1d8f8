/* output.c - the format table, the emitter, and what every format shares:
 * offset unit names, Jansson output into a buffer, and the error record of a
 * document that could not be tagged. */
#include "output/output.h"
#include "output/formats.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

/* ---- the format table ------------------------------------------------------ */

static const struct format {
    const char *name;
    sanctagp_doc_writer write_doc;
    int error_records; /* writes a record for a document that could not be tagged */
} formats[] = {
    [FMT_JSON] = {"json", sanctagp_doc_write, 1},
    [FMT_SPACY] = {"spacy", sanctagp_format_spacy, 0},
    [FMT_DOCCANO] = {"doccano", sanctagp_format_doccano, 0},
    [FMT_CONLL] = {"conll", sanctagp_format_conll, 0},
    [FMT_BRAT] = {"brat", sanctagp_format_brat_ann, 0},
    [FMT_CSV] = {"csv", sanctagp_format_table, 1},
    [FMT_TSV] = {"tsv", sanctagp_format_table, 1},
};
#define NFORMATS (sizeof formats / sizeof *formats)

const char sanctagp_format_list[] = "json, spacy, doccano, conll, brat, csv, tsv";

int sanctagp_format_from_name(const char *name)
{
    for (size_t i = 0; name && i < NFORMATS; i++)
        if (strcmp(name, formats[i].name) == 0)
            return (int)i;
    return -1;
}

const char *sanctagp_format_name(int format)
{
    return format >= 0 && (size_t)format < NFORMATS ? formats[format].name : NULL;
}

static const struct format *format_of(const sanctagp_emitter *em)
{
    int f = em->o.format;
    return &formats[f >= 0 && (size_t)f < NFORMATS ? f : FMT_JSON];
}

int sanctagp_format_doc(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                        json_t *id, json_t *extra, const char *text, size_t len)
{
    return format_of(em)->write_doc(out, em, tg, id, extra, text, len);
}

/* ---- the emitter ------------------------------------------------------------ */

void sanctagp_emitter_init(sanctagp_emitter *em, const sanctag_gazetteer *gz,
                           const sanctagp_emit_opts *o)
{
    em->o = *o;
    em->gz = gz;
    em->memo = NULL;
}

void sanctagp_emitter_release(sanctagp_emitter *em)
{
    sanctagp_ecache_free(em->memo);
    em->memo = NULL;
}

/* ---- shared ------------------------------------------------------------------ */

const char *const sanctagp_offset_names[3] = {"byte", "codepoint", "utf16"};

int sanctagp_offset_unit(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, sanctagp_offset_names[i]) == 0)
            return i;
    return -1;
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

static const char *const contract_fields[] = {"id", "offsets", "spans", "sentences",
                                              "gazetteer", "error"};
#define NCONTRACT (sizeof contract_fields / sizeof *contract_fields)

int sanctagp_contract_field(const char *key)
{
    for (size_t i = 0; i < NCONTRACT; i++)
        if (strcmp(key, contract_fields[i]) == 0)
            return 1;
    return 0;
}

void sanctagp_copy_fields(json_t *dst, json_t *extra, const char *const *reserved, size_t nres)
{
    const char *k;
    json_t *v;
    if (!json_is_object(extra))
        return;
    json_object_foreach(extra, k, v)
    {
        int skip = 0;
        for (size_t i = 0; i < nres; i++)
            skip |= strcmp(k, reserved[i]) == 0;
        if (!skip)
            json_object_set(dst, k, v);
    }
}

/* The record of a document that could not be tagged. */
static json_t *error_json(const sanctag_gazetteer *gz, json_t *id, json_t *extra,
                          const sanctag_error *e, const char *file, long line, const char *text,
                          const sanctagp_emit_opts *o)
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
    /* passed-through input fields after "id", never over the contract's own */
    sanctagp_copy_fields(doc, extra, contract_fields, NCONTRACT);
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

int sanctagp_put_jansson(sanctagp_buf *out, json_t *v)
{
    return json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) ? SANCTAG_E_NOMEM
                                                                               : 0;
}

int sanctagp_put_json_line(sanctagp_buf *out, json_t *j)
{
    if (!j)
        return SANCTAG_E_NOMEM;
    int rc = sanctagp_put_jansson(out, j);
    json_decref(j);
    if (rc != 0 || sanctagp_buf_append(out, "\n", 1))
        return SANCTAG_E_NOMEM;
    return 0;
}

int sanctagp_format_error(sanctagp_buf *out, sanctagp_emitter *em, json_t *id, json_t *extra,
                          const sanctag_error *e, const char *file, long line, const char *text)
{
    /* other formats would be corrupted by error records (the error still goes
     * to stderr and the exit status) */
    if (!format_of(em)->error_records)
        return 0;
    if (em->o.format != FMT_CSV && em->o.format != FMT_TSV)
        return sanctagp_put_json_line(out,
                                      error_json(em->gz, id, extra, e, file, line, text, &em->o));
    sanctagp_buf rec = {0};
    int rc = sanctagp_put_json_line(&rec, error_json(em->gz, id, extra, e, file, line, text,
                                                     &em->o));
    if (!rc)
        rc = sanctagp_table_error(out, em, rec.p, rec.len);
    sanctagp_buf_release(&rec);
    return rc;
}

/* ---- JSON input read with Jansson --------------------------------------------- */

json_t *sanctagp_json_load_line(const char *line, size_t len, size_t flags, const char *text_key,
                                json_error_t *je)
{
    json_error_t e;
    json_t *o = json_loadb(line, len, flags, &e);
    if (!o && json_error_code(&e) == json_error_numeric_overflow) {
        sanctagp_buf q = {0};
        if (sanctagp_json_quote_big_numbers(line, len, text_key, &q) > 0)
            o = json_loadb(q.p, q.len, flags, NULL);
        sanctagp_buf_release(&q);
    }
    if (!o && je)
        *je = e;
    return o;
}

json_t *sanctagp_json_load_value(const char *raw, size_t len, size_t flags)
{
    if (len && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) &&
        sanctagp_json_number_overflows(raw, len))
        return json_stringn(raw, len);
    /* an array or object holding one: as a line holding one */
    return sanctagp_json_load_line(raw, len, flags | JSON_DECODE_ANY, NULL, NULL);
}
