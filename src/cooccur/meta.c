/* meta.c - the self-description every JSONL and SQLite output carries: the
 * counting options by name, the output filters, the run totals and the
 * gazetteer versions; written by the writers, read back by probe and merge. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cooccur/cooccur_int.h"

const char *const sanctagp_cooc_window_names[3] = {"document", "sentence", "tokens"};
const char *const sanctagp_cooc_by_names[2] = {"entity", "country"};
const char *const sanctagp_cooc_period_names[5] = {"none", "day", "week", "month", "year"};
static const char *const order_names[] = {"auto", "dmy", "mdy"};

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

#define TOTAL(f) {#f, offsetof(sanctagp_cooc_totals, f)}
static const struct {
    const char *name;
    size_t off;
} total_fields[] = {
    TOTAL(documents),       TOTAL(error_documents),  TOTAL(units),
    TOTAL(dated),           TOTAL(undated),          TOTAL(unparsed_dates),
    TOTAL(ambiguous_dates), TOTAL(mentions),         TOTAL(mentions_skipped),
    TOTAL(mentions_unlabelled), TOTAL(mentions_no_country),
};
#define NTOTALS (sizeof total_fields / sizeof *total_fields)

static uint64_t *total_at(sanctagp_cooc_totals *t, size_t i)
{
    return (uint64_t *)((char *)t + total_fields[i].off);
}

static char *joined_gazetteers(const sanctagp_cooc *c)
{
    /* sorted, comma-separated: equal whatever order the inputs came in */
    size_t n = c->gaz.n, len = 1;
    char **v = malloc((n + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = c->gaz.keys[i];
        len += strlen(v[i]) + 1;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of versions */
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    char *s = malloc(len);
    if (s) {
        s[0] = 0;
        for (size_t i = 0; i < n; i++) {
            if (i)
                strcat(s, ",");
            strcat(s, v[i]);
        }
    }
    free(v);
    return s;
}

static int filtered(const sanctagp_cooc_out *o)
{
    return o && (o->min_count > 1 || o->top || o->nwith || o->nwithout);
}

json_t *sanctagp_cooc_meta_json(const sanctagp_cooc *c, const sanctagp_cooc_out *o)
{
    json_t *m = json_object(), *t = json_object(), *fl = json_object(), *w = json_array();
    char *gz = joined_gazetteers(c);
    if (!m || !t || !fl || !w || !gz) {
        json_decref(m);
        json_decref(t);
        json_decref(fl);
        json_decref(w);
        free(gz);
        return NULL;
    }
    json_object_set_new(m, "format", json_string(SANCTAGP_COOC_FORMAT));
    json_object_set_new(m, "format_version", json_integer(SANCTAGP_COOC_FORMAT_VERSION));
    json_object_set_new(m, "generator", json_string("sanctag " SANCTAG_VERSION));
    json_object_set_new(m, "window", json_string(sanctagp_cooc_window_names[c->o.window]));
    json_object_set_new(m, "tokens",
                        json_integer(c->o.window == COOC_WIN_TOKENS ? c->o.tokens : 0));
    json_object_set_new(m, "unit",
                        json_string(c->o.window == COOC_WIN_SENTENCE ? "sentence" : "document"));
    json_object_set_new(m, "by", json_string(sanctagp_cooc_by_names[c->o.by]));
    json_object_set_new(m, "period", json_string(sanctagp_cooc_period_names[c->o.period]));
    json_object_set_new(m, "date_field", json_string(c->o.date_field));
    json_object_set_new(m, "date_order", json_string(order_names[c->o.date_order]));
    json_object_set_new(m, "labels", json_string(c->o.labels));
    if (c->o.listed[0]) /* absent without the filter: outputs stay as they were */
        json_object_set_new(m, "listed", json_string(c->o.listed));
    json_object_set_new(m, "gazetteer", json_string(gz));
    json_object_set_new(m, "complete", json_boolean(!filtered(o)));
    json_object_set_new(m, "documents_listed", json_boolean(c->o.documents));
    json_object_set_new(fl, "min_count",
                        json_integer(o && o->min_count > 1 ? (json_int_t)o->min_count : 1));
    json_object_set_new(fl, "top", json_integer(o ? (json_int_t)o->top : 0));
    json_object_set_new(fl, "sort", json_string(o && o->sort_npmi ? "npmi" : "count"));
    for (size_t i = 0; o && i < o->nwith; i++)
        json_array_append_new(w, json_string(o->with[i]));
    json_object_set_new(fl, "with", w);
    json_t *wo = json_array();
    for (size_t i = 0; wo && o && i < o->nwithout; i++)
        json_array_append_new(wo, json_string(o->without[i]));
    json_object_set_new(fl, "without", wo);
    json_object_set_new(m, "filters", fl);
    sanctagp_cooc_totals tt = c->t;
    for (size_t i = 0; i < NTOTALS; i++)
        json_object_set_new(t, total_fields[i].name, json_integer((json_int_t)*total_at(&tt, i)));
    json_object_set_new(m, "totals", t);
    json_object_set_new(m, "periods", json_integer((json_int_t)c->periods.n));
    json_object_set_new(m, "entities", json_integer((json_int_t)c->nodes.n));
    json_object_set_new(m, "pairs", json_integer((json_int_t)c->npairs));
    free(gz);
    return m;
}

static int enum_field(json_t *m, const char *field, const char *const *names, size_t n,
                      int *ret, const char *src, sanctag_error *err)
{
    int i = name_index(names, n, json_string_value(json_object_get(m, field)));
    if (i < 0) {
        sanctagp_error_set(err, SANCTAG_E_FORMAT, src, 0, 0, -1,
                           "%s: meta field '%s' is missing or unknown", src, field);
        return SANCTAG_E_FORMAT;
    }
    *ret = i;
    return 0;
}

int sanctagp_cooc_opts_from_meta(json_t *m, sanctagp_cooc_opts *o, const char *src,
                                 sanctag_error *err)
{
    memset(o, 0, sizeof *o);
    const char *fmt = json_string_value(json_object_get(m, "format"));
    if (!fmt || strcmp(fmt, SANCTAGP_COOC_FORMAT) != 0) {
        sanctagp_error_set(err, SANCTAG_E_FORMAT, src, 0, 0, -1,
                           "%s: not a 'sanctag cooccur' JSONL or SQLite output", src);
        return SANCTAG_E_FORMAT;
    }
    json_int_t ver = json_integer_value(json_object_get(m, "format_version"));
    if (ver != SANCTAGP_COOC_FORMAT_VERSION) {
        sanctagp_error_set(err, SANCTAG_E_FORMAT, src, 0, 0, -1,
                           "%s: format version %lld is not supported (this is %d)", src,
                           (long long)ver, SANCTAGP_COOC_FORMAT_VERSION);
        return SANCTAG_E_FORMAT;
    }
    json_t *complete = json_object_get(m, "complete");
    if (!json_is_true(complete) &&
        !(json_is_integer(complete) && json_integer_value(complete) == 1)) {
        json_t *fl = json_object_get(m, "filters");
        sanctagp_error_set(
            err, SANCTAG_E_INVALID, src, 0, 0, -1,
            "%s: was written with output filters (--min-count, --top, --with or --without%s): its "
            "counts are incomplete and cannot be merged exactly; write shards without filters "
            "and apply them to the merge",
            src, json_is_object(fl) ? "" : "");
        return SANCTAG_E_INVALID;
    }
    int rc;
    if ((rc = enum_field(m, "window", sanctagp_cooc_window_names, 3, &o->window, src, err)) ||
        (rc = enum_field(m, "by", sanctagp_cooc_by_names, 2, &o->by, src, err)) ||
        (rc = enum_field(m, "period", sanctagp_cooc_period_names, 5, &o->period, src, err)) ||
        (rc = enum_field(m, "date_order", order_names, 3, &o->date_order, src, err)))
        return rc;
    o->tokens = (unsigned)json_integer_value(json_object_get(m, "tokens"));
    const char *df = json_string_value(json_object_get(m, "date_field"));
    const char *lb = json_string_value(json_object_get(m, "labels"));
    if (!df || !lb || strlen(df) >= sizeof o->date_field || strlen(lb) >= sizeof o->labels) {
        sanctagp_error_set(err, SANCTAG_E_FORMAT, src, 0, 0, -1,
                           "%s: meta fields date_field/labels are missing", src);
        return SANCTAG_E_FORMAT;
    }
    strcpy(o->date_field, df);
    strcpy(o->labels, lb);
    const char *ls = json_string_value(json_object_get(m, "listed"));
    if (ls && strlen(ls) >= sizeof o->listed) {
        sanctagp_error_set(err, SANCTAG_E_FORMAT, src, 0, 0, -1, "%s: meta field listed is too long",
                           src);
        return SANCTAG_E_FORMAT;
    }
    strcpy(o->listed, ls ? ls : "");
    json_t *dl = json_object_get(m, "documents_listed");
    o->documents = json_is_true(dl) || (json_is_integer(dl) && json_integer_value(dl) == 1);
    return 0;
}

const char *sanctagp_cooc_opts_diff(const sanctagp_cooc_opts *a, const sanctagp_cooc_opts *b)
{
    if (a->window != b->window || a->tokens != b->tokens)
        return "window";
    if (a->by != b->by)
        return "by";
    if (a->period != b->period)
        return "period";
    if (a->date_order != b->date_order)
        return "date-order";
    if (strcmp(a->date_field, b->date_field) != 0)
        return "date-field";
    if (strcmp(a->labels, b->labels) != 0)
        return "label";
    if (strcmp(a->listed, b->listed) != 0)
        return "listed-only/program/list-source";
    return NULL;
}

int sanctagp_cooc_json_uint(json_t *o, const char *field, uint64_t *ret)
{
    json_t *v = json_object_get(o, field);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *ret = (uint64_t)json_integer_value(v);
    return 0;
}

int sanctagp_cooc_merge_totals(sanctagp_cooc *c, json_t *m)
{
    json_t *t = json_object_get(m, "totals");
    for (size_t i = 0; i < NTOTALS; i++) {
        uint64_t v = 0;
        if (sanctagp_cooc_json_uint(t, total_fields[i].name, &v))
            return -1;
        *total_at(&c->t, i) += v;
    }
    const char *gz = json_string_value(json_object_get(m, "gazetteer"));
    while (gz && *gz) {
        const char *e = strchr(gz, ',');
        size_t n = e ? (size_t)(e - gz) : strlen(gz);
        char buf[128];
        if (n && n < sizeof buf) {
            memcpy(buf, gz, n);
            buf[n] = 0;
            if (sanctagp_cooc_add_gazetteer(c, buf))
                return SANCTAG_E_NOMEM;
        }
        gz += n + (e ? 1 : 0);
    }
    return 0;
}
