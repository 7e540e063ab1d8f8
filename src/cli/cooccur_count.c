/* cooccur_count.c - `sanctag cooccur`: reading the inputs and counting each
 * document into the table. Workers parse each line (and with --tag tag it);
 * the writer counts in input order, so the table is the same for any -j. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "output/output.h"
#include "cooccur_count.h"
#include "input.h"
#include "pipeline.h"
#include "util/hash.h"

static void report(cooc_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Seconds on the monotonic clock. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void count_progress_end(cooc_ctx *x)
{
    if (x->progress_at > 0)
        fputs("\r\033[K", stderr); /* the summary follows */
    x->progress_at = 0;
}

/* Rewrites the progress line (--progress): documents counted, share of the
 * input read, time left; at most twice a second. */
static void on_progress(void *ctx, uint64_t bytes_in, uint64_t done)
{
    cooc_ctx *x = ctx;
    (void)bytes_in;
    double t = now_s();
    if (!x->progress || t - x->progress_at < 0.5)
        return;
    if (x->progress_t0 == 0)
        x->progress_t0 = t;
    x->progress_at = t;
    unsigned long long docs = sanctagp_cooc_totals_of(x->c)->documents;
    if (x->input_total && done) {
        double share = (double)done / (double)x->input_total, el = t - x->progress_t0;
        int left = share > 0.01 && share < 1 ? (int)(el / share - el) : 0;
        fprintf(stderr, "\r\033[Ksanctag cooccur: %llu documents, %.0f%% of the input, %d:%02d left",
                docs, share * 100, left / 60, left % 60);
    } else {
        fprintf(stderr, "\r\033[Ksanctag cooccur: %llu documents, %.0f MB read", docs,
                (double)done / 1e6);
    }
    fflush(stderr);
}

static void report(cooc_ctx *x, const char *fmt, ...)
{
    if (x->progress_at > 0)
        fputs("\r\033[K", stderr); /* the message replaces the progress line */
    if (x->shown++ < 20) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        cli_warn("%s", msg);
    } else if (x->shown == 21) {
        cli_warn("further input problems are not shown");
    }
}

/* Keeps a few examples of dates that could not be read, for the summary. */
static void note_date(cooc_ctx *x, const char *date)
{
    int32_t ymd;
    int st = sanctagp_cooc_parse_date(date, strlen(date),
                                      sanctagp_cooc_options(x->c)->date_order, &ymd);
    char (*ex)[80] = st == COOC_DATE_AMBIGUOUS ? x->ambiguous_ex : x->unparsed_ex;
    int *n = st == COOC_DATE_AMBIGUOUS ? &x->n_ambiguous_ex : &x->n_unparsed_ex;
    if (st == COOC_DATE_OK || *n >= 3)
        return;
    for (int i = 0; i < *n; i++)
        if (strncmp(ex[i], date, sizeof ex[i] - 1) == 0)
            return;
    snprintf(ex[(*n)++], sizeof ex[0], "%s", date);
}

/* The date of record `o`: *ret_raw (borrowed) and whether it is usable. */
static void record_date(cooc_ctx *x, json_t *o, const char **ret_raw, int *ret_ok)
{
    json_t *d = o ? json_object_get(o, x->date_field) : NULL;
    *ret_raw = NULL;
    *ret_ok = 1;
    if (!d || json_is_null(d))
        return;
    if (json_is_string(d)) {
        *ret_raw = json_string_value(d);
        note_date(x, *ret_raw);
    } else {
        *ret_ok = 0;
    }
}

static int lib_fail(cooc_ctx *x, int rc, const sanctag_error *e, const char *where)
{
    if (e && e->text[0])
        cli_warn("%s: %s", where, e->text);
    else
        cli_warn("%s: %s", where, sanctag_status_name(rc));
    x->fatal = 1;
    return rc;
}

/* After doc_end: a unit beyond the limit is reported and counting goes on
 * (the document counted without entities); any other failure is fatal. */
static int doc_done(cooc_ctx *x, int rc, const sanctag_error *e, const char *where)
{
    if (rc == SANCTAG_E_TOOBIG) {
        x->too_big++;
        report(x, "%s: %s (--max-unit-entities raises the limit)", where, e->text);
        return 0;
    }
    return rc ? lib_fail(x, rc, e, where) : 0;
}

/* Whether 64-bit id hash `h` (never 0) was in the set; adds it if not. An
 * open-addressing table of hashes: no allocation per id, so counting stays
 * as fast as without it (a false "repeated" needs a 64-bit collision). */
static int idset_seen(cooc_ctx *x, uint64_t h)
{
    if (x->nids * 2 >= x->ids_cap) {
        size_t cap = x->ids_cap ? x->ids_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return 0; /* out of memory: duplicates are only a warning */
        for (size_t i = 0; i < x->ids_cap; i++)
            for (size_t j = x->ids[i] & (cap - 1); x->ids[i]; j = (j + 1) & (cap - 1))
                if (!t[j]) {
                    t[j] = x->ids[i];
                    break;
                }
        free(x->ids);
        x->ids = t;
        x->ids_cap = cap;
    }
    size_t j = h & (x->ids_cap - 1);
    for (; x->ids[j]; j = (j + 1) & (x->ids_cap - 1))
        if (x->ids[j] == h)
            return 1;
    x->ids[j] = h;
    x->nids++;
    return 0;
}

/* Notes document id `id` (NULL or null: none); a repeated one is counted
 * for the summary, the first with an example. */
static void note_id(cooc_ctx *x, json_t *id, const char *where)
{
    if (!id || json_is_null(id))
        return;
    char *dump = json_is_string(id) ? NULL : json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
    const char *key = dump ? dump : json_string_value(id);
    size_t n = dump ? strlen(dump) : json_string_length(id);
    if (key) {
        uint64_t h = sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, dump ? "j" : "s", 1);
        h = sanctagp_fnv1a(h, key, n);
        if (idset_seen(x, h ? h : 1) && x->dup_ids++ == 0) {
            snprintf(x->dup_example, sizeof x->dup_example, "\"%.50s\"", key);
            snprintf(x->dup_where, sizeof x->dup_where, "%s", where);
        }
    }
    free(dump);
}

/* Counts an error document (no entities). */
static int count_error_doc(cooc_ctx *x, json_t *id, json_t *rec, const char *code,
                           const char *where)
{
    const char *raw;
    int ok;
    record_date(x, rec, &raw, &ok);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    note_id(x, id, where);
    int rc = sanctagp_cooc_doc_begin(x->c, id, raw, ok);
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, 0, code, &e);
    return rc ? lib_fail(x, rc, &e, where) : 0;
}

/* The entity's own country of tagged span `s`, the country `cooccur --tag`
 * counts (DESIGN.md "Countries of a span"): "entity_country"; output written
 * before that field existed has it only in "country", and there only for
 * labels other than ORG (an ORG's "country" is the country its mention names). */
static const char *span_entity_country(cooc_ctx *x, json_t *s)
{
    json_t *ec = json_object_get(s, "entity_country");
    if (ec)
        return json_string_value(ec);
    const char *label = json_string_value(json_object_get(s, "label"));
    const char *country = json_string_value(json_object_get(s, "country"));
    if (!label || strcmp(label, "ORG") != 0)
        return country;
    if (country && !json_object_get(s, "named_country"))
        x->old_org_country++; /* older output: the entity's own country is unknown */
    return NULL;
}

/* One line of 'sanctag tag' output. Returns 0, or a negative code to stop. */
static int count_tagged(cooc_ctx *x, json_t *o, const char *where)
{
    const sanctagp_cooc_opts *opt = sanctagp_cooc_options(x->c);
    int sent = opt->window == COOC_WIN_SENTENCE;
    json_t *id = json_object_get(o, "id");
    json_t *gz = json_object_get(json_object_get(o, "gazetteer"), "version");
    if (json_is_string(gz) && sanctagp_cooc_add_gazetteer(x->c, json_string_value(gz)))
        return lib_fail(x, SANCTAG_E_NOMEM, NULL, where);
    json_t *error = json_object_get(o, "error");
    if (error) {
        const char *code = json_string_value(json_object_get(error, "code"));
        return count_error_doc(x, id, o, code ? code : "error", where);
    }
    json_t *spans = json_object_get(o, "spans");
    if (!json_is_array(spans)) {
        x->bad_records++;
        report(x, "%s: no \"spans\" array: not 'sanctag tag' output (raw documents need --tag); "
                  "record skipped", where);
        return 0;
    }
    json_t *sentences = json_object_get(o, "sentences");
    if (sent && !json_is_array(sentences)) {
        cli_warn("%s: no sentence indexes: --window sentence needs input tagged with "
                 "'sanctag tag --sentences' (or use --tag)", where);
        x->fatal = 1;
        return SANCTAG_E_FORMAT;
    }
    /* check every span before counting anything of the record */
    size_t i;
    json_t *s;
    json_array_foreach(spans, i, s) {
        json_t *key = json_object_get(s, "entity");
        if (!json_is_object(s) || !json_is_string(key)) {
            x->bad_records++;
            report(x, "%s: span %zu has no \"entity\" key; record skipped", where, i);
            return 0;
        }
        if (sent && !json_is_integer(json_object_get(s, "sentence")) &&
            !json_is_true(json_object_get(s, "nested")) &&
            !json_is_true(json_object_get(s, "suppressor"))) {
            cli_warn("%s: span %zu has no sentence index: --window sentence needs input tagged "
                     "with 'sanctag tag --sentences' (or use --tag)", where, i);
            x->fatal = 1;
            return SANCTAG_E_FORMAT;
        }
    }
    const char *raw;
    int ok;
    record_date(x, o, &raw, &ok);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    note_id(x, id, where);
    int rc = sanctagp_cooc_doc_begin(x->c, id, raw, ok);
    sanctagp_cooc_totals *t = sanctagp_cooc_totals_of(x->c);
    json_array_foreach(spans, i, s) {
        if (rc)
            break;
        if (json_is_true(json_object_get(s, "nested")) ||
            json_is_true(json_object_get(s, "suppressor"))) {
            t->mentions_skipped++;
            continue;
        }
        json_int_t sn = sent ? json_integer_value(json_object_get(s, "sentence")) : 0;
        if (sn < 0 || sn > (json_int_t)UINT32_MAX) {
            cli_warn("%s: span %zu: bad sentence index", where, i);
            x->fatal = 1;
            return SANCTAG_E_FORMAT;
        }
        if (!cli_listed_sanctions(x->listed, json_object_get(s, "sanctions"))) {
            x->unlisted++;
            continue;
        }
        rc = sanctagp_cooc_doc_mention(x->c, json_string_value(json_object_get(s, "entity")),
                                       json_string_value(json_object_get(s, "name")),
                                       json_string_value(json_object_get(s, "label")),
                                       span_entity_country(x, s), (uint32_t)sn, 0, 0);
    }
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, sent ? json_array_size(sentences) : 0, NULL, &e);
    return doc_done(x, rc, &e, where);
}

/* ---- records through the shared pipeline ---------------------------------- */

/* Workers parse each line (and with --tag tag its text); the writer counts in
 * input order, so the table is the same whatever -j. */
typedef struct parsed {
    json_t *o;               /* the record, NULL when malformed */
    char jerr[JSON_ERROR_TEXT_LENGTH];
    int tag_rc;              /* --tag: the tagger's status (0 or an error) */
    sanctag_error tag_err;   /* --tag: its message */
    sanctag_span *spans;     /* --tag: the spans */
    size_t nspans, nsent;
    char **derived;          /* --tag: per span, "key\0name\0label" of a name outside
                                the gazetteer (SANCTAG_SPAN_DERIVED), else NULL */
    int oom;
} parsed;

typedef struct cooc_worker {
    const cooc_ctx *x;
    sanctag_tagger *tg;
} cooc_worker;

static void *worker_new(void *ctx)
{
    const cooc_ctx *x = ctx;
    cooc_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->x = x;
    if (x->tag && !(w->tg = sanctag_tagger_new(x->gz))) {
        free(w);
        return NULL;
    }
    return w;
}

static void worker_free(void *arg)
{
    cooc_worker *w = arg;
    sanctag_tagger_free(w->tg);
    free(w);
}

/* --tag: tags the record's text into p. */
static void tag_record(cooc_worker *w, parsed *p)
{
    json_t *text = json_object_get(p->o, w->x->text_field);
    if (!json_is_string(text))
        return; /* reported by the writer */
    sanctag_error e;
    memset(&e, 0, sizeof e);
    p->tag_rc = sanctag_tagger_tag(w->tg, json_string_value(text), json_string_length(text),
                                   w->x->tag_flags, &e);
    if (p->tag_rc) {
        p->tag_err = e;
        return;
    }
    const sanctag_span *sp = sanctag_tagger_spans(w->tg, &p->nspans);
    sanctag_tagger_sentences(w->tg, &p->nsent);
    p->spans = malloc((p->nspans ? p->nspans : 1) * sizeof *p->spans);
    if (!p->spans)
        p->oom = 1;
    else if (p->nspans)
        memcpy(p->spans, sp, p->nspans * sizeof *sp);
    for (size_t i = 0; p->spans && i < p->nspans; i++) {
        sanctag_entity en;
        if (!(sp[i].flags & SANCTAG_SPAN_DERIVED) ||
            sanctag_tagger_span_entity(w->tg, &sp[i], &en))
            continue;
        size_t lk = strlen(en.key) + 1, ln = strlen(en.name) + 1, ll = strlen(en.label) + 1;
        if (!p->derived && !(p->derived = calloc(p->nspans, sizeof *p->derived)))
            p->oom = 1;
        char *d = p->oom ? NULL : malloc(lk + ln + ll);
        if (!d) {
            p->oom = 1;
            return;
        }
        memcpy(d, en.key, lk);
        memcpy(d + lk, en.name, ln);
        memcpy(d + lk + ln, en.label, ll);
        p->derived[i] = d;
    }
}

static void process_item(void *arg, pl_batch *b, pl_item *it)
{
    cooc_worker *w = arg;
    if (it->kind != FEED_REC_LINE)
        return; /* input errors: the writer reports them */
    parsed *p = calloc(1, sizeof *p);
    if (!p) {
        b->oom = 1;
        return;
    }
    json_error_t je;
    p->o = sanctagp_json_load_line(pl_data(b, it), it->len, JSON_ALLOW_NUL,
                                  w->x->text_field, &je);
    if (!p->o)
        snprintf(p->jerr, sizeof p->jerr, "%s", je.text);
    else if (w->x->tag && json_is_object(p->o))
        tag_record(w, p);
    it->result = p;
}

/* One raw document, tagged by a worker. */
static int count_raw(cooc_ctx *x, const parsed *p, const char *where)
{
    json_t *o = p->o;
    json_t *id = json_object_get(o, x->id_field);
    json_t *text = json_object_get(o, x->text_field);
    if (!json_is_string(text)) {
        x->tag_errors++;
        report(x, "%s: %s '%s'%s", where, text ? "field" : "no field", x->text_field,
               text ? " is not a string" : "");
        return count_error_doc(x, id, o, sanctag_status_name(SANCTAG_E_FORMAT), where);
    }
    if (p->tag_rc) {
        x->tag_errors++;
        report(x, "%s: field '%s': %s", where, x->text_field,
               p->tag_err.text[0] ? p->tag_err.text : sanctag_status_name(p->tag_rc));
        return count_error_doc(x, id, o, sanctag_status_name(p->tag_rc), where);
    }
    const char *raw;
    int ok;
    record_date(x, o, &raw, &ok);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    note_id(x, id, where);
    int rc = sanctagp_cooc_doc_begin(x->c, id, raw, ok);
    const sanctag_span *sp = p->spans;
    sanctagp_cooc_totals *t = sanctagp_cooc_totals_of(x->c);
    for (size_t i = 0; !rc && i < p->nspans; i++) {
        if (sp[i].flags & (SANCTAG_SPAN_NESTED | SANCTAG_SPAN_SUPPRESSOR)) {
            t->mentions_skipped++;
            continue;
        }
        sanctag_entity en = {0};
        const char *d = p->derived ? p->derived[i] : NULL;
        if (d) { /* a name outside the gazetteer: its derived key */
            en.key = d;
            en.name = d + strlen(d) + 1;
            en.label = en.name + strlen(en.name) + 1;
            en.country = "";
        } else if (sanctag_gazetteer_entity(x->gz, sp[i].entity, &en)) {
            continue;
        }
        if (!cli_listed_entity(x->listed, x->gz, sp[i].entity)) {
            x->unlisted++;
            continue;
        }
        rc = sanctagp_cooc_doc_mention(x->c, en.key, en.name, en.label, en.country,
                                       sp[i].sentence, sp[i].first_token,
                                       sp[i].first_token + sp[i].ntokens);
    }
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, p->nsent, NULL, &e);
    return doc_done(x, rc, &e, where);
}

/* Counts one parsed line. */
static void count_line(cooc_ctx *x, const pl_item *it, const parsed *p)
{
    char where[600];
    snprintf(where, sizeof where, "%s:%ld", it->in->name, it->line);
    json_t *o = p->o;
    if (p->oom) {
        lib_fail(x, SANCTAG_E_NOMEM, NULL, where);
    } else if (!o || !json_is_object(o)) {
        if (x->tag) { /* as 'sanctag tag' does: an error document */
            x->tag_errors++;
            report(x, "%s: %s", where, o ? "line is not a JSON object" : p->jerr);
            count_error_doc(x, NULL, NULL,
                            sanctag_status_name(o ? SANCTAG_E_FORMAT : SANCTAG_E_JSON), where);
        } else {
            x->bad_records++;
            report(x, "%s: %s; record skipped", where, o ? "line is not a JSON object" : p->jerr);
        }
    } else if (x->tag) {
        count_raw(x, p, where);
    } else {
        count_tagged(x, o, where);
    }
}

static int count_batch(void *ctx, pl_batch *b)
{
    cooc_ctx *x = ctx;
    if (b->oom && !x->fatal) {
        cli_warn("out of memory");
        x->fatal = 1;
    }
    for (size_t i = 0; i < b->n; i++) {
        pl_item *it = &b->items[i];
        parsed *p = it->result;
        if (x->fatal) {
            /* stopped at the first fatal problem: the rest is not counted */
        } else if (it->kind == FEED_REC_OPEN_ERR) {
            cli_warn("%s: cannot open: %s", it->in->path, strerror(it->err));
            x->fatal = 1;
        } else if (it->kind == FEED_REC_READ_ERR) {
            cli_warn("%s: read error after line %ld", it->in->name, it->line);
            x->fatal = 1;
        } else if (it->kind == FEED_REC_TOOBIG) {
            char msg[700];
            cli_warn("%s", feed_too_big_msg(msg, sizeof msg, it->in->name, it->line, it->size,
                                            FEED_DEFAULT_MAX_DOC, it->err));
        } else if (p) {
            count_line(x, it, p);
        }
        if (p) {
            json_decref(p->o);
            for (size_t k = 0; p->derived && k < p->nspans; k++)
                free(p->derived[k]);
            free(p->derived);
            free(p->spans);
            free(p);
        }
    }
    return x->fatal;
}

void count_inputs(cooc_ctx *x, const char *db, int weak, char **paths, int npaths, int jobs)
{
    if (x->tag) {
        if (cli_open_gazetteer(db, weak ? SANCTAG_OPEN_WEAK : 0, &x->gz)) {
            x->fatal = 1;
            return;
        }
        cli_listed_check(x->listed, x->gz);
        if (sanctagp_cooc_add_gazetteer(x->c, sanctag_gazetteer_version(x->gz))) {
            cli_warn("out of memory");
            x->fatal = 1;
            return;
        }
    }
    feed_inputs inputs;
    if (feed_expand(&inputs, paths, npaths, FEED_JSONL)) {
        cli_warn("out of memory");
        x->fatal = 1;
        return;
    }
    x->input_total = inputs.unknown ? 0 : inputs.total;
    static const pl_ops ops = {worker_new, worker_free, process_item, count_batch, on_progress,
                               NULL};
    int prc = pl_run(&ops, x, &inputs, 0, jobs, NULL);
    if (prc == -1 && !x->fatal)
        cli_warn("out of memory");
    if (prc)
        x->fatal = 1;
    feed_inputs_free(&inputs);
}
