/* table.c - the csv and tsv formats of `sanctag tag`: one row per mention,
 * derived from the document's JSON record (the output contract), so the
 * table always says what the JSON says. Cells go through the one cell writer,
 * sanctagp_csv_cell() (util/csv.h: formula neutralising, RFC 4180 quoting). */
#include "output/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

/* The mention columns, after "id" and the kept fields. */
static const char *const span_cols[] = {"start", "end",    "text",     "label",
                                        "entity", "name",  "country",  "listed",
                                        "programs", "list_source", "list_ref", "listed_on",
                                        "error"};
#define NSPAN_COLS (sizeof span_cols / sizeof *span_cols)

static char sep_of(const sanctagp_emitter *em)
{
    return em->o.format == FMT_TSV ? '\t' : ',';
}

static int cell(sanctagp_buf *out, const char *s, size_t n, char sep, int first)
{
    if (!first && sanctagp_buf_append(out, &sep, 1))
        return -1;
    return sanctagp_csv_cell(out, s, n, sep);
}

static int cell_s(sanctagp_buf *out, const char *s, char sep)
{
    return cell(out, s ? s : "", s ? strlen(s) : 0, sep, 0);
}

/* A JSON value as a cell: a string as it is, null or missing empty, anything
 * else as compact JSON. */
static int cell_json(sanctagp_buf *out, json_t *v, char sep, int first)
{
    if (!v || json_is_null(v))
        return cell(out, "", 0, sep, first);
    if (json_is_string(v))
        return cell(out, json_string_value(v), json_string_length(v), sep, first);
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return -1;
    int rc = cell(out, s, strlen(s), sep, first);
    free(s);
    return rc;
}

int sanctagp_table_header(sanctagp_buf *out, const sanctagp_emitter *em)
{
    char sep = sep_of(em);
    int rc = cell(out, "id", 2, sep, 1);
    for (size_t i = 0; i < em->o.nkeep && !rc; i++)
        rc = cell_s(out, em->o.keep[i], sep);
    for (size_t i = 0; i < NSPAN_COLS && !rc; i++)
        rc = cell_s(out, span_cols[i], sep);
    return rc || sanctagp_buf_append(out, "\r\n", 2) ? SANCTAG_E_NOMEM : 0;
}

/* "id" and the kept fields of a record. */
static int row_start(sanctagp_buf *out, const sanctagp_emitter *em, json_t *rec)
{
    char sep = sep_of(em);
    int rc = cell_json(out, json_object_get(rec, "id"), sep, 1);
    for (size_t i = 0; i < em->o.nkeep && !rc; i++)
        rc = cell_json(out, json_object_get(rec, em->o.keep[i]), sep, 0);
    return rc;
}

static int span_row(sanctagp_buf *out, const sanctagp_emitter *em, json_t *rec, json_t *s)
{
    char sep = sep_of(em), num[32];
    int rc = row_start(out, em, rec);
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(s, "start")));
    rc |= cell_s(out, num, sep);
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(s, "end")));
    rc |= cell_s(out, num, sep);
    static const char *const direct[] = {"text", "label", "entity", "name", "country"};
    for (size_t i = 0; i < sizeof direct / sizeof *direct; i++)
        rc |= cell_json(out, json_object_get(s, direct[i]), sep, 0);
    json_t *sa = json_object_get(s, "sanctions");
    rc |= cell_s(out, json_is_true(json_object_get(sa, "listed")) ? "true" : "false", sep);
    /* programmes joined by "; " */
    sanctagp_buf progs = {0};
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(sa, "programs"), i, p)
    {
        if (!json_is_string(p))
            continue;
        if ((progs.len && sanctagp_buf_append(&progs, "; ", 2)) ||
            sanctagp_buf_append(&progs, json_string_value(p), json_string_length(p)))
            rc = -1;
    }
    rc |= cell(out, progs.p ? progs.p : "", progs.len, sep, 0);
    sanctagp_buf_release(&progs);
    rc |= cell_json(out, json_object_get(sa, "source"), sep, 0);
    rc |= cell_json(out, json_object_get(sa, "ref"), sep, 0);
    rc |= cell_json(out, json_object_get(sa, "listed_on"), sep, 0);
    rc |= cell_s(out, "", sep); /* error */
    return rc || sanctagp_buf_append(out, "\r\n", 2) ? -1 : 0;
}

/* The rows of one JSON record: one per span, or one with the error. */
static int record_rows(sanctagp_buf *out, const sanctagp_emitter *em, const char *line,
                       size_t len)
{
    json_t *rec = json_loadb(line, len, JSON_ALLOW_NUL, NULL);
    if (!rec)
        return SANCTAG_E_NOMEM; /* our own JSON: only memory can fail */
    int rc = 0;
    json_t *er = json_object_get(rec, "error");
    if (er) {
        char sep = sep_of(em);
        rc = row_start(out, em, rec);
        for (size_t i = 0; i + 1 < NSPAN_COLS && !rc; i++)
            rc = cell_s(out, "", sep);
        char msg[1400];
        snprintf(msg, sizeof msg, "%s: %s", json_string_value(json_object_get(er, "code")),
                 json_string_value(json_object_get(er, "message")));
        rc |= cell_s(out, msg, sep);
        rc |= sanctagp_buf_append(out, "\r\n", 2) ? -1 : 0;
    } else {
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(rec, "spans"), i, s)
        {
            if (rc)
                break;
            rc = span_row(out, em, rec, s);
        }
    }
    json_decref(rec);
    return rc ? SANCTAG_E_NOMEM : 0;
}

int sanctagp_format_table(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len)
{
    sanctagp_buf rec = {0};
    int rc = sanctagp_doc_write(&rec, em, tg, id, extra, text, len);
    if (!rc)
        rc = record_rows(out, em, rec.p, rec.len);
    sanctagp_buf_release(&rec);
    return rc;
}

int sanctagp_table_error(sanctagp_buf *out, const sanctagp_emitter *em, const char *record,
                         size_t len)
{
    return record_rows(out, em, record, len);
}
