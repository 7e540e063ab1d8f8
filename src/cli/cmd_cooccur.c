/* cmd_cooccur.c - `sanctag cooccur`: who is mentioned with whom, how often,
 * since when. Reads tagged JSON Lines (or tags raw documents itself), counts
 * entity pairs per document, sentence or token window, and writes CSV, JSON
 * Lines, SQLite, GraphML or GEXF; merges partial outputs of shards exactly. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cooccur/cooccur.h"
#include "cli.h"
#include "input.h"
#include "pipeline.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag cooccur [OPTIONS] [FILE...]\n"
            "       sanctag cooccur --merge [OUTPUT OPTIONS] PARTIAL...\n"
            "\n"
            "Counts which entities are mentioned together, how often and since when, and\n"
            "writes a co-occurrence table. Input is the JSON Lines output of 'sanctag tag'\n"
            "('-' or no FILE reads standard input); with --tag, raw JSON Lines documents are\n"
            "tagged here first. A DIR is read recursively for *.txt and *.jsonl files in\n"
            "name order; gzip'd input is decompressed.\n"
            "\n"
            "Input:\n"
            "  --tag                tag raw JSON Lines documents (fields --id-field, --text-field,\n"
            "                       --date-field) as 'sanctag tag --jsonl' would\n"
            "  --db PATH, --weak, --no-propagate, --id-field NAME, --text-field NAME\n"
            "                       as for 'sanctag tag' (with --tag)\n"
            "  --date-field NAME    field holding the document date (default: date), read\n"
            "                       from the raw document with --tag, else from the tagged record\n"
            "  --date-order ORDER   dmy or mdy: how to read numeric dates such as 8/11/2025;\n"
            "                       by default only unambiguous ones are read (10/21/2025)\n"
            "\n"
            "Counting:\n"
            "  --window W           document (default): a pair counts once per document that\n"
            "                       mentions both; sentence: once per sentence (tagged input\n"
            "                       needs 'sanctag tag --sentences'); N: once per document\n"
            "                       where the two mentions are at most N tokens apart (needs\n"
            "                       --tag: tagged output has no token positions)\n"
            "  --by entity|country  count entities (default) or roll them up to their country\n"
            "                       code (entities without one are left out)\n"
            "  --period P           none (default), day, week (ISO), month or year of the\n"
            "                       document date; undated documents go to period \"unknown\"\n"
            "  --label LIST         count only mentions with these labels (comma-separated,\n"
            "                       e.g. PERSON,COUNTRY)\n"
            "\n"
            "Output:\n"
            "  -f, --format F       csv (default), jsonl, sqlite, graphml or gexf; default\n"
            "                       from the -o extension (.csv .jsonl .db .sqlite .graphml .gexf)\n"
            "  -o, --output FILE    write FILE atomically (required for sqlite)\n"
            "  --table pairs|entities  which table CSV writes (default: pairs)\n"
            "  --min-count N        keep pairs counted at least N times\n"
            "  --top N              keep the first N pairs of each period (after --sort)\n"
            "  --sort count|npmi    order within a period (default: count, then npmi)\n"
            "  --with KEY           keep pairs involving entity KEY (repeatable)\n"
            "  --without KEY        drop pairs involving entity KEY (repeatable), e.g. the\n"
            "                       dateline city or the publisher's own name\n"
            "  --no-documents       leave out the per-document listing (jsonl, sqlite)\n"
            "  -q, --quiet          no summary on standard error\n"
            "  -j, --jobs N         worker threads (default: all cores); the table is the\n"
            "                       same for any N\n"
            "\n");
    fprintf(f,
            "Merging:\n"
            "  --merge              inputs are jsonl or sqlite outputs of earlier runs over\n"
            "                       disjoint shards, written without --min-count/--top/--with;\n"
            "                       their counts are summed and scores recomputed, so the\n"
            "                       result equals one run over all input. Counting options come\n"
            "                       from the inputs, which must agree.\n"
            "\n"
            "Columns (pairs): period, a, a_name, a_label, a_country, b, ... (a < b by key),\n"
            "count (units mentioning both), documents (documents where they co-occur),\n"
            "a_count, b_count (units mentioning each), units (units in the period),\n"
            "total_documents, npmi, first_seen, last_seen (dates of the first and last unit\n"
            "where they co-occur). A unit is a document, or a sentence with --window sentence.\n"
            "npmi = ln(p(a,b) / (p(a) p(b))) / -ln p(a,b), with p(a,b) = count/units and\n"
            "p(a) = a_count/units: 1 = always together, 0 = independent, -1 = never (1 when\n"
            "every unit mentions both). Rounded to 6 decimals.\n"
            "\n"
            "Spans marked nested or suppressor are not counted; records with an \"error\"\n"
            "object count as documents without entities.\n"
            "Exit status: 0 ok, 1 some input records were malformed and skipped (or could not\n"
            "be tagged, with --tag), 2 usage, 3 fatal (nothing written).\n"
            "\n"
            "Examples:\n"
            "  sanctag tag --jsonl feed.jsonl | sanctag cooccur --top 20\n"
            "  sanctag cooccur --tag --period month --by country feed.jsonl -o pairs.csv\n"
            "  sanctag cooccur --tag --window sentence feed.jsonl -o cooc.db\n"
            "  sanctag cooccur --tag --window 10 --label PERSON,ORG feed.jsonl -o net.gexf\n"
            "  sanctag cooccur --tag -f jsonl shard1.jsonl -o p1.jsonl   (per shard, then:)\n"
            "  sanctag cooccur --merge p1.jsonl p2.jsonl --min-count 3 -o all.csv\n");
}

enum { F_CSV, F_JSONL, F_SQLITE, F_GRAPHML, F_GEXF };
static const char *const format_names[] = {"csv", "jsonl", "sqlite", "graphml", "gexf"};

typedef struct cooc_ctx {
    sanctagp_cooc *c;
    const char *id_field, *text_field, *date_field;
    int tag;
    sanctag_gazetteer *gz;
    unsigned tag_flags;
    long bad_records, tag_errors, shown;
    int fatal;
    char unparsed_ex[3][80], ambiguous_ex[3][80];
    int n_unparsed_ex, n_ambiguous_ex;
} cooc_ctx;

static void report(cooc_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(cooc_ctx *x, const char *fmt, ...)
{
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

/* Counts an error document (no entities). */
static int count_error_doc(cooc_ctx *x, json_t *id, json_t *rec, const char *code,
                           const char *where)
{
    const char *raw;
    int ok;
    record_date(x, rec, &raw, &ok);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    int rc = sanctagp_cooc_doc_begin(x->c, id, raw, ok);
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, 0, code, &e);
    return rc ? lib_fail(x, rc, &e, where) : 0;
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
        rc = sanctagp_cooc_doc_mention(x->c, json_string_value(json_object_get(s, "entity")),
                                       json_string_value(json_object_get(s, "name")),
                                       json_string_value(json_object_get(s, "label")),
                                       json_string_value(json_object_get(s, "country")),
                                       (uint32_t)sn, 0, 0);
    }
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, sent ? json_array_size(sentences) : 0, NULL, &e);
    return rc ? lib_fail(x, rc, &e, where) : 0;
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
    p->o = json_loadb(pl_data(b, it), it->len, JSON_ALLOW_NUL, &je);
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
    int rc = sanctagp_cooc_doc_begin(x->c, id, raw, ok);
    const sanctag_span *sp = p->spans;
    sanctagp_cooc_totals *t = sanctagp_cooc_totals_of(x->c);
    for (size_t i = 0; !rc && i < p->nspans; i++) {
        if (sp[i].flags & (SANCTAG_SPAN_NESTED | SANCTAG_SPAN_SUPPRESSOR)) {
            t->mentions_skipped++;
            continue;
        }
        sanctag_entity en;
        if (sanctag_gazetteer_entity(x->gz, sp[i].entity, &en))
            continue;
        rc = sanctagp_cooc_doc_mention(x->c, en.key, en.name, en.label, en.country,
                                       sp[i].sentence, sp[i].first_token,
                                       sp[i].first_token + sp[i].ntokens);
    }
    if (!rc)
        rc = sanctagp_cooc_doc_end(x->c, p->nsent, NULL, &e);
    return rc ? lib_fail(x, rc, &e, where) : 0;
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
        } else if (p) {
            count_line(x, it, p);
        }
        if (p) {
            json_decref(p->o);
            free(p->spans);
            free(p);
        }
    }
    return x->fatal;
}

/* Counts the documents of `paths` (tagged output, or raw with --tag) through
 * the pipeline; x->fatal after a fatal problem (reported). */
static void count_inputs(cooc_ctx *x, const char *db, int weak, char **paths, int npaths,
                         int jobs)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (x->tag) {
        const char *dbpath = cli_find_db(db);
        if (!dbpath) {
            x->fatal = 1;
            return;
        }
        if (sanctag_gazetteer_open(dbpath, weak ? SANCTAG_OPEN_WEAK : 0, &x->gz, &e)) {
            cli_error(&e);
            x->fatal = 1;
            return;
        }
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
    static const pl_ops ops = {worker_new, worker_free, process_item, count_batch, NULL,
                               NULL};
    int prc = pl_run(&ops, x, &inputs, 0, jobs, NULL);
    if (prc == -1 && !x->fatal)
        cli_warn("out of memory");
    if (prc)
        x->fatal = 1;
    feed_inputs_free(&inputs);
}

/* "PERSON, org,COUNTRY" -> "COUNTRY,PERSON,org": sorted, unique, no blanks. */
static int normalise_labels(const char *in, char *out, size_t cap)
{
    char *v[64];
    size_t n = 0;
    char buf[512];
    if (strlen(in) >= sizeof buf)
        return -1;
    strcpy(buf, in);
    for (char *tok = strtok(buf, ", \t"); tok; tok = strtok(NULL, ", \t")) {
        if (n == 64)
            return -1;
        v[n++] = tok;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    out[0] = 0;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(v[i], v[i - 1]) == 0)
            continue;
        size_t l = strlen(v[i]);
        if (w + l + 2 > cap)
            return -1;
        if (w)
            out[w++] = ',';
        memcpy(out + w, v[i], l + 1);
        w += l;
    }
    return n ? 0 : -1;
}

static int format_from_path(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return F_CSV;
    static const struct {
        const char *ext;
        int fmt;
    } ext[] = {{".csv", F_CSV},          {".jsonl", F_JSONL},    {".ndjson", F_JSONL},
               {".json", F_JSONL},       {".db", F_SQLITE},      {".sqlite", F_SQLITE},
               {".sqlite3", F_SQLITE},   {".graphml", F_GRAPHML}, {".gexf", F_GEXF}};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (strcasecmp(dot, ext[i].ext) == 0)
            return ext[i].fmt;
    return F_CSV;
}

static int parse_count(const char *s, uint64_t *ret)
{
    char *end;
    errno = 0;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *ret = v;
    return 0;
}

static void summary(cooc_ctx *x, int merged)
{
    sanctagp_cooc *c = x->c;
    const sanctagp_cooc_opts *o = sanctagp_cooc_options(c);
    const sanctagp_cooc_totals *t = sanctagp_cooc_totals_of(c);
    const char *unit = o->window == COOC_WIN_SENTENCE ? "sentences" : "documents";
    fprintf(stderr,
            "sanctag cooccur: %s%llu documents (%llu error records without entities)",
            merged ? "merged " : "", (unsigned long long)t->documents,
            (unsigned long long)t->error_documents);
    if (o->window == COOC_WIN_SENTENCE)
        fprintf(stderr, ", %llu sentences", (unsigned long long)t->units);
    fprintf(stderr, "; %llu mentions counted", (unsigned long long)t->mentions);
    if (t->mentions_skipped)
        fprintf(stderr, " (%llu nested/suppressor spans not counted)",
                (unsigned long long)t->mentions_skipped);
    fprintf(stderr, "; %zu %s, %zu pair rows over %zu period%s (unit: %s)\n",
            sanctagp_cooc_node_count(c), o->by == COOC_BY_COUNTRY ? "countries" : "entities",
            sanctagp_cooc_pair_count(c), sanctagp_cooc_period_count(c),
            sanctagp_cooc_period_count(c) == 1 ? "" : "s", unit);
    if (o->labels[0] && t->mentions_unlabelled)
        fprintf(stderr, "sanctag cooccur: %llu mentions with labels other than %s left out\n",
                (unsigned long long)t->mentions_unlabelled, o->labels);
    if (t->mentions_no_country)
        fprintf(stderr,
                "sanctag cooccur: by country: %llu mentions of entities without a country code "
                "(organisations, ...) left out\n",
                (unsigned long long)t->mentions_no_country);
    uint64_t unknown = t->documents - t->dated;
    if (o->period != COOC_PER_NONE || t->dated || t->unparsed_dates || t->ambiguous_dates) {
        fprintf(stderr,
                "sanctag cooccur: dates from field '%s': %llu read, %llu missing, %llu "
                "unreadable, %llu ambiguous",
                o->date_field, (unsigned long long)t->dated, (unsigned long long)t->undated,
                (unsigned long long)t->unparsed_dates, (unsigned long long)t->ambiguous_dates);
        if (o->period != COOC_PER_NONE && unknown)
            fprintf(stderr, "; %llu documents in period \"unknown\"", (unsigned long long)unknown);
        fputc('\n', stderr);
        for (int i = 0; i < x->n_unparsed_ex; i++)
            fprintf(stderr, "  unreadable: \"%s\"\n", x->unparsed_ex[i]);
        for (int i = 0; i < x->n_ambiguous_ex; i++)
            fprintf(stderr, "  ambiguous: \"%s\"\n", x->ambiguous_ex[i]);
        if (t->ambiguous_dates)
            fprintf(stderr, "  (numeric dates with day and month both <= 12 need --date-order "
                            "dmy or mdy)\n");
    }
    if (sanctagp_cooc_conflicts(c))
        fprintf(stderr,
                "sanctag cooccur: %llu times an entity had another name, label or country than "
                "before (different gazetteer versions?); the smallest value was kept\n",
                (unsigned long long)sanctagp_cooc_conflicts(c));
}

/* The command line of cooccur. */
typedef struct cooc_args {
    cooc_ctx x;
    sanctagp_cooc_opts co;
    sanctagp_cooc_out out;
    const char *db, *outpath;
    int format, entities_table, weak, merge, quiet, no_docs, jobs;
    int counting_opt; /* a counting option was given (not allowed with --merge) */
    const char *tag_only;
    char **with;      /* --with keys, then --without keys */
    size_t nwith, nwithout;
} cooc_args;

enum {
    O_TAG = 256, O_DB, O_WEAK, O_NOPROP, O_IDF, O_TEXTF, O_DATEF, O_ORDER, O_WINDOW, O_BY,
    O_PERIOD, O_LABEL, O_TABLE, O_MIN, O_TOP, O_SORT, O_WITH, O_WITHOUT, O_NODOCS, O_MERGE,
};

/* One counting option (--date-field, --date-order, --window, --by, --period,
 * --label). Returns EXIT_OK_ or the exit status of a usage error. */
static int counting_option(cooc_args *a, int ch)
{
    switch (ch) {
    case O_DATEF:
        a->x.date_field = optarg;
        a->counting_opt = 1;
        if (strlen(optarg) >= sizeof a->co.date_field)
            return cli_usage("cooccur", "--date-field: name too long");
        return EXIT_OK_;
    case O_ORDER:
        a->counting_opt = 1;
        if (strcmp(optarg, "dmy") == 0) {
            a->co.date_order = COOC_ORDER_DMY;
        } else if (strcmp(optarg, "mdy") == 0) {
            a->co.date_order = COOC_ORDER_MDY;
        } else {
            return cli_usage("cooccur", "--date-order must be dmy or mdy, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_WINDOW: {
        a->counting_opt = 1;
        uint64_t n;
        if (strcmp(optarg, "document") == 0) {
            a->co.window = COOC_WIN_DOCUMENT;
        } else if (strcmp(optarg, "sentence") == 0) {
            a->co.window = COOC_WIN_SENTENCE;
        } else if (parse_count(optarg, &n) == 0 && n <= 100000) {
            a->co.window = COOC_WIN_TOKENS;
            a->co.tokens = (unsigned)n;
        } else {
            return cli_usage("cooccur",
                             "--window must be document, sentence or a number of tokens "
                             "(0-100000), not '%s'", optarg);
        }
        return EXIT_OK_;
    }
    case O_BY:
        a->counting_opt = 1;
        if (strcmp(optarg, "entity") == 0) {
            a->co.by = COOC_BY_ENTITY;
        } else if (strcmp(optarg, "country") == 0) {
            a->co.by = COOC_BY_COUNTRY;
        } else {
            return cli_usage("cooccur", "--by must be entity or country, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_PERIOD: {
        a->counting_opt = 1;
        static const char *const p[] = {"none", "day", "week", "month", "year"};
        int i = 0;
        while (i < 5 && strcmp(p[i], optarg) != 0)
            i++;
        if (i == 5) {
            return cli_usage("cooccur",
                             "--period must be none, day, week, month or year, not '%s'",
                             optarg);
        }
        a->co.period = i;
        return EXIT_OK_;
    }
    case O_LABEL:
        a->counting_opt = 1;
        if (normalise_labels(optarg, a->co.labels, sizeof a->co.labels)) {
            return cli_usage("cooccur", "--label needs a comma-separated list of labels");
        }
        return EXIT_OK_;
    }
    return EXIT_OK_;
}

/* One output option (--format, --table, --min-count, --top, --sort, --with,
 * --without). Returns EXIT_OK_ or the exit status of a usage error. */
static int output_option(cooc_args *a, int ch)
{
    switch (ch) {
    case 'f': {
        int i = 0;
        while (i < 5 && strcmp(format_names[i], optarg) != 0)
            i++;
        if (i == 5) {
            return cli_usage("cooccur",
                             "--format must be csv, jsonl, sqlite, graphml or gexf, not '%s'",
                             optarg);
        }
        a->format = i;
        return EXIT_OK_;
    }
    case O_TABLE:
        if (strcmp(optarg, "pairs") == 0) {
            a->entities_table = 0;
        } else if (strcmp(optarg, "entities") == 0) {
            a->entities_table = 1;
        } else {
            return cli_usage("cooccur", "--table must be pairs or entities, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_MIN:
        if (parse_count(optarg, &a->out.min_count) || a->out.min_count < 1) {
            return cli_usage("cooccur", "--min-count needs a number >= 1, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_TOP:
        if (parse_count(optarg, &a->out.top) || a->out.top < 1) {
            return cli_usage("cooccur", "--top needs a number >= 1, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_SORT:
        if (strcmp(optarg, "count") == 0) {
            a->out.sort_npmi = 0;
        } else if (strcmp(optarg, "npmi") == 0) {
            a->out.sort_npmi = 1;
        } else {
            return cli_usage("cooccur", "--sort must be count or npmi, not '%s'", optarg);
        }
        return EXIT_OK_;
    case O_WITH:
    case O_WITHOUT: {
        /* one array: --with keys from the front, --without keys from the back */
        char **nw = realloc(a->with, (a->nwith + a->nwithout + 1) * sizeof *nw);
        if (!nw) {
            cli_warn("out of memory");
            return EXIT_FATAL;
        }
        a->with = nw;
        if (ch == O_WITH) {
            memmove(a->with + a->nwith + 1, a->with + a->nwith, a->nwithout * sizeof *a->with);
            a->with[a->nwith++] = optarg;
        } else {
            a->with[a->nwith + a->nwithout++] = optarg;
        }
        return EXIT_OK_;
    }
    }
    return EXIT_OK_;
}

/* --merge: the counting options of the partial outputs `files`, which must
 * agree, into *co. Returns EXIT_OK_ or the exit status (reported). */
static int merge_options(char **files, int n, int format, int want_docs, int quiet,
                         sanctagp_cooc_opts *co)
{
    sanctag_error e;
    sanctagp_cooc_opts first;
    memset(&first, 0, sizeof first);
    int all_listed = 1;
    for (int i = 0; i < n; i++) {
        sanctagp_cooc_opts po;
        memset(&e, 0, sizeof e);
        if (sanctagp_cooc_probe_file(files[i], &po, &e)) {
            cli_error(&e);
            return EXIT_FATAL;
        }
        const char *diff;
        if (i == 0) {
            first = po;
        } else if ((diff = sanctagp_cooc_opts_diff(&first, &po))) {
            cli_warn("%s: counted with a different --%s than %s: cannot merge", files[i], diff,
                     files[0]);
            return EXIT_FATAL;
        }
        all_listed &= po.documents;
    }
    if (format == F_GRAPHML && first.period != COOC_PER_NONE)
        return cli_usage("cooccur", "the inputs have periods: GraphML is a static graph; use "
                                    "--format gexf");
    if (want_docs && !all_listed && !quiet)
        cli_warn("some inputs list no documents (--no-documents): the merged output lists "
                 "none");
    *co = first;
    co->documents = want_docs && all_listed;
    return EXIT_OK_;
}

/* Writes the table in `format` to f (or the SQLite database sq); x->fatal
 * when that failed (reported). */
static void write_table(cooc_ctx *x, const sanctagp_cooc_out *out, int by, int format,
                        int entities_table, FILE *f, FILE *spool, sanctagp_cooc_sqlite *sq,
                        const char *outpath, int quiet)
{
    sanctag_error e;
    int rc;
    for (size_t i = 0; i < out->nwith + out->nwithout; i++)
        if (!sanctagp_cooc_has_node(x->c, out->with[i]))
            cli_warn("%s %s: no such %s in the input", i < out->nwith ? "--with" : "--without",
                     out->with[i], by == COOC_BY_COUNTRY ? "country code" : "entity key");
    uint64_t unknown_docs = 0;
    switch (format) {
    case F_CSV: rc = sanctagp_cooc_write_csv(x->c, f, out, entities_table); break;
    case F_JSONL: rc = sanctagp_cooc_write_jsonl(x->c, f, out, spool); break;
    case F_GRAPHML: rc = sanctagp_cooc_write_graphml(x->c, f, out); break;
    case F_GEXF: rc = sanctagp_cooc_write_gexf(x->c, f, out, &unknown_docs); break;
    default:
        memset(&e, 0, sizeof e);
        rc = sanctagp_cooc_sqlite_finish(x->c, sq, out, &e);
        if (rc)
            cli_warn("%s: %s", outpath, e.text);
        break;
    }
    if (rc == SANCTAG_E_NOMEM)
        cli_warn("out of memory");
    if (rc)
        x->fatal = 1;
    if (unknown_docs && !quiet)
        cli_warn("%llu documents in period \"unknown\" (no readable date) are not on the GEXF "
                 "timeline", (unsigned long long)unknown_docs);
}

/* Parses the command line into *a (a->with is the caller's to free): -1 to
 * run, else the exit status. */
static int parse_args(cooc_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"tag", no_argument, NULL, O_TAG},
        {"db", required_argument, NULL, O_DB},
        {"weak", no_argument, NULL, O_WEAK},
        {"no-propagate", no_argument, NULL, O_NOPROP},
        {"id-field", required_argument, NULL, O_IDF},
        {"text-field", required_argument, NULL, O_TEXTF},
        {"date-field", required_argument, NULL, O_DATEF},
        {"date-order", required_argument, NULL, O_ORDER},
        {"window", required_argument, NULL, O_WINDOW},
        {"by", required_argument, NULL, O_BY},
        {"period", required_argument, NULL, O_PERIOD},
        {"label", required_argument, NULL, O_LABEL},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"table", required_argument, NULL, O_TABLE},
        {"min-count", required_argument, NULL, O_MIN},
        {"top", required_argument, NULL, O_TOP},
        {"sort", required_argument, NULL, O_SORT},
        {"with", required_argument, NULL, O_WITH},
        {"without", required_argument, NULL, O_WITHOUT},
        {"no-documents", no_argument, NULL, O_NODOCS},
        {"merge", no_argument, NULL, O_MERGE},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->x.id_field = "id";
    a->x.text_field = "text";
    a->x.date_field = "date";
    a->out.min_count = 1;
    a->format = -1;
    a->jobs = pl_default_jobs();
    int ch, st;
    while ((ch = getopt_long(argc, argv, "hf:o:qj:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case O_TAG: a->x.tag = 1; a->counting_opt = 1; break;
        case 'j':
            if (pl_parse_jobs(optarg, &a->jobs))
                return cli_usage("cooccur", "--jobs must be a number from 1 to 1024, not '%s'",
                                 optarg);
            break;
        case O_DB: a->db = optarg; a->tag_only = "--db"; break;
        case O_WEAK: a->weak = 1; a->tag_only = "--weak"; break;
        case O_NOPROP:
            a->x.tag_flags |= SANCTAG_TAG_NO_PROPAGATE;
            a->tag_only = "--no-propagate";
            break;
        case O_IDF: a->x.id_field = optarg; a->tag_only = "--id-field"; break;
        case O_TEXTF: a->x.text_field = optarg; a->tag_only = "--text-field"; break;
        case 'o': a->outpath = optarg; break;
        case O_NODOCS: a->no_docs = 1; break;
        case O_MERGE: a->merge = 1; break;
        case 'q': a->quiet = 1; break;
        case O_DATEF: case O_ORDER: case O_WINDOW: case O_BY: case O_PERIOD: case O_LABEL:
            if ((st = counting_option(a, ch)) != EXIT_OK_)
                return st;
            break;
        case 'f': case O_TABLE: case O_MIN: case O_TOP: case O_SORT: case O_WITH: case O_WITHOUT:
            if ((st = output_option(a, ch)) != EXIT_OK_)
                return st;
            break;
        default:
            fprintf(stderr, "Try 'sanctag cooccur --help'.\n");
            return EXIT_USAGE;
        }
    }
    return -1;
}

int cmd_cooccur(int argc, char **argv)
{
    cooc_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc >= 0) {
        free(a.with);
        return rc;
    }
    cooc_ctx x = a.x;
    sanctagp_cooc_opts co = a.co;
    sanctagp_cooc_out out = a.out;
    const char *db = a.db, *outpath = a.outpath, *tag_only = a.tag_only;
    int format = a.format, entities_table = a.entities_table, weak = a.weak, merge = a.merge;
    int quiet = a.quiet, no_docs = a.no_docs, counting_opt = a.counting_opt, jobs = a.jobs;
    char **with = a.with;
    size_t nwith = a.nwith, nwithout = a.nwithout;
    out.with = with;
    out.nwith = nwith;
    out.without = with ? with + nwith : NULL;
    out.nwithout = nwithout;
    if (format < 0)
        format = format_from_path(outpath);
    const char *usage = NULL;
    if (merge && counting_opt)
        usage = "--merge takes the counting options (--tag, --window, --by, --period, --label, "
                "--date-field, --date-order) from its inputs; give only output options";
    else if (tag_only && !x.tag)
        usage = "--db, --weak, --no-propagate, --id-field and --text-field need --tag";
    else if (!merge && co.window == COOC_WIN_TOKENS && !x.tag)
        usage = "--window N (tokens) needs --tag: tagged output carries no token positions; "
                "use --window sentence with 'sanctag tag --sentences' output instead";
    else if (format == F_SQLITE && (!outpath || strcmp(outpath, "-") == 0))
        usage = "--format sqlite needs -o FILE";
    else if (entities_table && format != F_CSV)
        usage = "--table applies to CSV output only (jsonl and sqlite carry both tables)";
    else if (format == F_GRAPHML && co.period != COOC_PER_NONE)
        usage = "GraphML is a static graph: drop --period, or use --format gexf for a dynamic "
                "graph with one time slice per period";
    else if (merge && optind >= argc)
        usage = "--merge needs the partial outputs to merge (files, not standard input)";
    if (usage) {
        free(with);
        return cli_usage("cooccur", "%s", usage);
    }
    if (merge)
        for (int i = optind; i < argc; i++)
            if (strcmp(argv[i], "-") == 0) {
                free(with);
                return cli_usage("cooccur", "--merge reads files, not standard input");
            }
    int want_docs = (format == F_JSONL || format == F_SQLITE) && !no_docs;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    int status = EXIT_OK_;

    /* the table: from the options, or from the merge inputs */
    if (merge) {
        rc = merge_options(argv + optind, argc - optind, format, want_docs, quiet, &co);
        if (rc != EXIT_OK_) {
            free(with);
            return rc;
        }
    } else {
        snprintf(co.date_field, sizeof co.date_field, "%s", x.date_field);
        co.documents = want_docs;
    }
    x.date_field = co.date_field;
    x.c = sanctagp_cooc_new(&co);
    if (!x.c) {
        free(with);
        cli_warn("out of memory");
        return EXIT_FATAL;
    }

    cli_out o;
    memset(&o, 0, sizeof o);
    sanctagp_cooc_sqlite *sq = NULL;
    FILE *spool = NULL;
    if (cli_out_open(&o, outpath)) {
        status = EXIT_FATAL;
        goto done;
    }
    if (format == F_SQLITE) {
        if (sanctagp_cooc_sqlite_open(o.tmp, &sq, &e)) {
            cli_warn("%s: %s", outpath, e.text);
            x.fatal = 1;
            goto finish;
        }
        if (co.documents)
            sanctagp_cooc_set_sink(x.c, sanctagp_cooc_sqlite_doc_sink, sq);
    } else if (co.documents) {
        spool = tmpfile();
        if (!spool) {
            cli_warn("cannot create a temporary file: %s", strerror(errno));
            x.fatal = 1;
            goto finish;
        }
        sanctagp_cooc_set_sink(x.c, sanctagp_cooc_doc_sink_jsonl, spool);
    }

    if (merge) {
        for (int i = optind; i < argc && !x.fatal; i++) {
            memset(&e, 0, sizeof e);
            if (sanctagp_cooc_merge_file(x.c, argv[i], &e)) {
                cli_error(&e);
                x.fatal = 1;
            }
        }
    } else {
        count_inputs(&x, db, weak, argv + optind, argc - optind, jobs);
    }

finish:
    if (!x.fatal) {
        write_table(&x, &out, co.by, format, entities_table, o.f, spool, sq, outpath, quiet);
    }
    sanctagp_cooc_sqlite_close(sq);
    sq = NULL;
    if (o.f && cli_out_close(&o, !x.fatal))
        x.fatal = 1;
    free(o.path); /* left by a failed cli_out_open() */
    free(o.tmp);
    o.path = o.tmp = NULL;
    if (!quiet && !x.fatal)
        summary(&x, merge);
    if (x.bad_records)
        cli_warn("%ld malformed input records were skipped", x.bad_records);
    if (x.tag_errors)
        cli_warn("%ld documents could not be tagged (counted as documents without entities)",
                 x.tag_errors);
    if (x.fatal)
        status = EXIT_FATAL;
    else if (x.bad_records || x.tag_errors)
        status = EXIT_DOCS;
done:
    if (spool)
        fclose(spool);
    sanctagp_cooc_sqlite_close(sq);
    sanctag_gazetteer_unref(x.gz);
    sanctagp_cooc_free(x.c);
    free(with);
    return status;
}
