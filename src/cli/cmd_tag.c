/* cmd_tag.c - `sanctag tag`: documents in, one JSON line per document out,
 * in input order, errors included.
 *
 * The records come through the shared pipeline (pipeline.h): workers parse,
 * tag and format them, the main thread writes them in input order. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "output/formats.h"
#include "output/output.h"
#include "util/json.h"
#include "util/term.h"
#include "core/tagger.h"
#include "core/text.h"
#include "brat_out.h"
#include "cli.h"
#include "input.h"
#include "listed.h"
#include "pipeline.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag tag [OPTIONS] [FILE|DIR|-]...\n"
            "\n"
            "Tags documents and writes one JSON object per document to standard output, in\n"
            "input order. A plain-text FILE is one document (its id is the file name); a file\n"
            "named *.jsonl, *.ndjson or *.jsonl.gz holds JSON Lines, one document per line;\n"
            "standard input and *.json files are JSON Lines when their first line is a JSON\n"
            "object (said once on stderr; --plain overrides); a DIR is read recursively for\n"
            "*.txt, *.json and *.jsonl files in name order; gzip'd input is decompressed.\n"
            "'-' or no FILE reads standard input.\n"
            "\n"
            "Input:\n"
            "  --jsonl              read every input (and stdin) as JSON Lines; blank lines\n"
            "                       are skipped\n"
            "  --plain              read every input (and stdin) as plain text, *.jsonl too\n"
            "  --max-doc-size SIZE  longest document or JSON line, e.g. 500K, 64M (default),\n"
            "                       2G; a longer one gets an error record (too_big) and is\n"
            "                       skipped without being held in memory\n"
            "  --id-field NAME      field holding the document id (default: id)\n"
            "  --text-field NAME    field holding the text (default: text)\n"
            "  --keep FIELD[,...]   copy these input fields into each output record\n"
            "                       (repeatable), e.g. --keep date,url; how many records\n"
            "                       lack a kept field or the id field is said on stderr\n"
            "\n"
            "Matching:\n"
            "  --db PATH            gazetteer database (default: $SANCTAG_DB, else the bundled\n"
            "                       default gazetteer)\n"
            "  --all                also emit nested and overlapping matches (marked\n"
            "                       \"nested\": true); default is leftmost-longest\n"
            "  --weak               also match weak (low-quality) aliases\n");
    fputs(cli_listed_help, f);
    fprintf(f,
            "                       (kept spans are those with a \"sanctions\" object; see\n"
            "                       'sanctag gaz import'); json, csv and tsv\n"
            "  --suppressors        also emit suppressor matches such as \"dolar AS\"\n"
            "                       (marked \"suppressor\": true), to see why nothing matched\n"
            "  --no-propagate       do not resolve short forms (\"Kim\" after \"Kim Jong Un\")\n"
            "                       and acronyms defined in parentheses through earlier full\n"
            "                       mentions in the same document (marked \"propagated\": true)\n"
            CLI_NAMES_HELP
            "\n"
            "Output:\n"
            "  --offsets UNIT       codepoint (default), byte or utf16: the unit of start/end\n"
            "  --sentences          add each span's sentence index and the sentence ranges\n"
            "  -o, --output FILE    write to FILE, atomically (all or nothing)\n"
            "  --format FORMAT      json (default: the output contract), spacy or doccano\n"
            "                       (JSON Lines for those tools), conll (BIO per token), or\n"
            "                       brat (with -o DIR: DIR/ID.txt and DIR/ID.ann per\n"
            "                       document), csv or tsv (one row per mention, below);\n"
            "                       spacy, doccano, conll and brat use codepoint offsets and\n"
            "                       carry no error records (errors go to stderr, exit 1)\n"
            "\n"
            "Tables (--format csv|tsv): a header row, then one row per mention with the\n"
            "columns id, the --keep fields, start, end, text, label, entity, name,\n"
            "country, listed, programs (joined by \"; \"), list_source, list_ref,\n"
            "listed_on, error. Quoted as RFC 4180 (pandas.read_csv and sqlite3 .import\n"
            "read it as it is); a document without mentions has no row, one that could\n"
            "not be tagged has a row with its \"code: message\" in error. A cell that\n"
            "starts with = + - @ TAB or CR gets a ' before it (OWASP advice against\n"
            "spreadsheet formula injection), except a plain number such as -3. A NUL\n"
            "(\\u0000 in a JSON id or field) is written as U+FFFD.\n"
            "\n");
    fprintf(f,
            "Running:\n"
            "  -j, --jobs N         worker threads (default: all cores); output order is\n"
            "                       always input order\n"
            "  --progress=auto|always|never\n"
            "                       progress line on stderr (documents, MB/s, errors, ETA);\n"
            "                       auto: only when stderr is a terminal\n"
            "\n"
            "A document that cannot be tagged (invalid UTF-8, NUL byte, empty, malformed\n"
            "JSON line, missing text field, unreadable file) still gets its output line,\n"
            "with an \"error\" object naming the input and position; the run goes on.\n"
            "Exit status: 0 ok, 1 some documents had errors, 2 usage, 3 fatal (gazetteer\n"
            "unusable, an input could not be opened or read, output not written), 130\n"
            "interrupted (SIGINT/SIGTERM: the records in flight are finished, so output ends\n"
            "with a complete line; with -o nothing is written).\n"
            "\n"
            "Examples:\n"
            "  sanctag tag article.txt\n"
            "  sanctag tag --jsonl --offsets byte feed.jsonl -o tagged.jsonl\n"
            "  sanctag tag --format csv --keep date feed.jsonl -o mentions.csv\n"
            "  sanctag tag -j 8 --keep date archive/ > tagged.jsonl\n"
            "  zcat feed.jsonl.gz | sanctag tag --jsonl --text-field body --id-field url -\n"
            "  echo 'Korut dan AS bertemu di Seoul.' | sanctag tag\n");
}

/* SIGINT/SIGTERM: stop reading, finish and write the batches in flight, so
 * output ends on a complete record (and -o FILE is not written at all). A
 * second signal kills at once. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
    signal(sig, SIG_DFL);
}

/* ---- configuration shared by all workers (read-only while running) ----- */

typedef struct tag_conf {
    sanctag_gazetteer *gz;
    unsigned flags;
    sanctagp_emit_opts eo;
    const char *id_field, *text_field;
    char **keep;
    size_t nkeep;
    const char *brat_dir; /* --format brat: output directory */
    cli_listed listed; /* --listed-only, --program, --list-source (listed.h) */
    uint64_t max_doc; /* --max-doc-size */
    /* JSON records seen [0], without the id field [1], without --keep field
     * k [2 + k]: said once at the end, not 5,463 silent nulls */
    atomic_long *fields;
} tag_conf;

/* Counts a JSON record and the fields it lacks (bit 0: the id, bit 1 + k:
 * --keep field k; `nkeep` fields at most 62 are tracked). */
static void count_fields(const tag_conf *cf, uint64_t missing)
{
    atomic_fetch_add_explicit(&cf->fields[0], 1, memory_order_relaxed);
    for (size_t k = 0; missing && k < 1 + cf->nkeep && k < 63; k++, missing >>= 1)
        if (missing & 1)
            atomic_fetch_add_explicit(&cf->fields[1 + k], 1, memory_order_relaxed);
}

/* The warnings of count_fields() at the end of a run. */
static void warn_fields(const tag_conf *cf)
{
    long n = atomic_load(&cf->fields[0]);
    for (size_t k = 0; n && k < 1 + cf->nkeep && k < 63; k++) {
        long m = atomic_load(&cf->fields[1 + k]);
        if (!m)
            continue;
        if (k == 0)
            cli_warn("%ld of %ld JSON records have no field '%s' (the id field%s): their \"id\" "
                     "is null", m, n, cf->id_field,
                     strcmp(cf->id_field, "id") ? "" : "; --id-field NAME names another");
        else
            cli_warn("%ld of %ld JSON records have no field '%s' (--keep): it is left out of "
                     "their output", m, n, cf->keep[k - 1]);
    }
}

/* Per-worker state. */
typedef struct worker {
    const tag_conf *conf;
    sanctag_tagger *tg;
    sanctagp_emitter em; /* output options, gazetteer, entity memo */
    pl_batch *b;       /* batch being processed */
    sanctagp_buf text; /* decoded text field */
    sanctagp_buf idbuf; /* decoded id, when a string */
    sanctagp_buf ann;  /* --format brat: the .ann of one document */
    unsigned long seq; /* document number of the item being processed */
    brat_doc *brat;    /* --format brat: the staged files of the item */
    const char **keys; /* id field, text field, kept fields */
    sanctagp_jspan *spans;
} worker;

static void warn_to(pl_batch *b, const char *msg)
{
    b->nerrs++;
    if (sanctagp_buf_append(&b->err, msg, strlen(msg)) || sanctagp_buf_append(&b->err, "\n", 1))
        b->oom = 1;
}

static json_t *kept_fields(const tag_conf *cf, json_t *record)
{
    if (!cf->nkeep || !record)
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; o && i < cf->nkeep; i++) {
        json_t *v = json_object_get(record, cf->keep[i]);
        if (v)
            json_object_set(o, cf->keep[i], v);
    }
    return o;
}

/* --listed-only (--program, --list-source): keeps the spans of entities on a
 * sanctions list (those whose record gets a "sanctions" object) that pass. */
static int span_listed(const sanctag_span *s, void *arg)
{
    const tag_conf *cf = arg;
    return cli_listed_entity(&cf->listed, cf->gz, s->entity);
}

/* --format brat: stages DIR/STEM.txt (the document, byte for byte) and
 * DIR/STEM.ann under temporary names; the writer names them (brat_out.h). */
static void write_brat(worker *w, json_t *id, const char *text, size_t len)
{
    const tag_conf *cf = w->conf;
    pl_batch *b = w->b;
    w->ann.len = 0;
    if (sanctagp_format_brat_ann(&w->ann, &w->em, w->tg, id, NULL, text, len)) {
        b->oom = 1;
        return;
    }
    char stem[160], msg[4400];
    sanctagp_brat_stem(id, w->seq, stem, sizeof stem);
    w->brat = brat_stage(cf->brat_dir, stem, w->seq, text, len, w->ann.p, w->ann.len, msg,
                         sizeof msg);
    if (!w->brat) {
        warn_to(b, msg);
        b->write_err = 1;
    }
}

/* Tags one document; `where` names it for messages ("feed.jsonl:7"). */
static void tag_one(worker *w, json_t *id, json_t *extra, const char *text, size_t len,
                    const char *file, long line, const char *where, const char *field)
{
    const tag_conf *cf = w->conf;
    pl_batch *b = w->b;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    b->ndocs++;
    int rc = sanctag_tagger_tag(w->tg, text, len, cf->flags, &e);
    if (rc == 0) {
        if (cf->brat_dir) {
            write_brat(w, id, text, len);
            return;
        }
        if (cf->listed.on)
            sanctagp_tagger_keep_spans(w->tg, span_listed, (void *)cf);
        size_t at = b->out.len;
        if (sanctagp_format_doc(&b->out, &w->em, w->tg, id, extra, text, len)) {
            /* memory ran out writing this document: its partial output goes,
             * an out_of_memory record takes its place */
            b->out.len = at;
            if (at == 0)
                sanctagp_buf_release(&b->out);
            memset(&e, 0, sizeof e);
            e.code = SANCTAG_E_NOMEM;
            e.position = -1;
            snprintf(e.text, sizeof e.text, "out of memory writing the output of a document of "
                     "%zu bytes", len);
        } else {
            return;
        }
    }
    if (rc == SANCTAG_E_EMPTY)
        e.position = -1;
    /* name the input, the field and the position as line:column in the text */
    char msg[1200], fp[160] = "";
    if (field)
        snprintf(fp, sizeof fp, "field '%s': ", field);
    if (e.position >= 0 && (size_t)e.position <= len) {
        long tl = 1, tc = 1;
        for (long long i = 0; i < e.position; i++) {
            if (text[i] == '\n') {
                tl++;
                tc = 1;
            } else {
                tc++;
            }
        }
        snprintf(msg, sizeof msg, "%s: %s%s (text line %ld, column %ld)", where, fp, e.text, tl,
                 tc);
    } else {
        snprintf(msg, sizeof msg, "%s: %s%s", where, fp, e.text);
    }
    size_t ml = strnlen(msg, sizeof e.text - 1);
    memcpy(e.text, msg, ml);
    e.text[ml] = 0;
    warn_to(b, msg);
    if (sanctagp_format_error(&b->out, &w->em, id, extra, &e, file, line, text))
        b->oom = 1;
}

static void record_error(worker *w, json_t *id, json_t *extra, int code, const char *file,
                         long line, long column, const char *what)
{
    pl_batch *b = w->b;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.column = column;
    e.position = -1;
    if (line > 0 && column > 0)
        snprintf(e.text, sizeof e.text, "%s:%ld:%ld: %s", file, line, column, what);
    else if (line > 0)
        snprintf(e.text, sizeof e.text, "%s:%ld: %s", file, line, what);
    else
        snprintf(e.text, sizeof e.text, "%s: %s", file, what);
    b->ndocs++;
    warn_to(b, e.text);
    if (sanctagp_format_error(&b->out, &w->em, id, extra, &e, file, line, NULL))
        b->oom = 1;
}

static const char *json_type_name(const json_t *o)
{
    return json_is_array(o) ? "array" : json_is_string(o) ? "string" : json_is_number(o) ? "number"
           : json_is_null(o) ? "null" : "boolean";
}

/* The fast path: a strict scan finds the fields without building the record;
 * 1 when the line was handled, 0 to fall back to Jansson. */
static int process_jsonl_fast(worker *w, const pl_item *it, const char *line)
{
    const tag_conf *cf = w->conf;
    size_t nk = 2 + cf->nkeep;
    if (sanctagp_json_scan(line, it->len, w->keys, nk, w->spans) != 0)
        return 0;
    const sanctagp_jspan *sid = &w->spans[0], *stx = &w->spans[1];
    json_t *id = NULL;
    if (sid->found && sid->type == 's') {
        /* the usual string id: decoded here, not by a parser run per line; one
         * with \u0000 goes to Jansson, which refuses it there */
        if (sanctagp_json_unescape(line + sid->off, sid->len, &w->idbuf) != 0 ||
            memchr(w->idbuf.p, 0, w->idbuf.len))
            return 0;
        id = json_stringn_nocheck(w->idbuf.p, w->idbuf.len);
    } else if (sid->found) {
        id = sanctagp_json_load_value(line + sid->off, sid->len, 0);
    }
    if (sid->found && !id)
        return 0;
    json_t *extra = NULL;
    if (cf->nkeep) {
        extra = json_object();
        for (size_t k = 0; extra && k < cf->nkeep; k++) {
            const sanctagp_jspan *sk = &w->spans[2 + k];
            if (!sk->found)
                continue;
            json_t *v = sanctagp_json_load_value(line + sk->off, sk->len, JSON_ALLOW_NUL);
            if (!v) {
                json_decref(extra);
                json_decref(id);
                return 0;
            }
            json_object_set_new(extra, cf->keep[k], v);
        }
    }
    char what[400];
    if (stx->found && stx->type == 's' &&
        sanctagp_json_unescape(line + stx->off, stx->len, &w->text) != 0) {
        /* the scan validated every escape: only memory can fail here, and
         * Jansson is not asked (it crashes when memory runs out lexing) */
        sanctagp_buf_release(&w->text);
        snprintf(what, sizeof what, "field '%s': out of memory decoding %zu bytes",
                 cf->text_field, stx->len);
        record_error(w, id, extra, SANCTAG_E_NOMEM, it->in->name, it->line, 0, what);
        json_decref(extra);
        json_decref(id);
        return 1;
    }
    uint64_t missing = !sid->found;
    for (size_t k = 0; k < cf->nkeep && k < 62; k++)
        missing |= (uint64_t)!w->spans[2 + k].found << (k + 1);
    count_fields(cf, missing);
    if (!stx->found || stx->type != 's') {
        snprintf(what, sizeof what, stx->found ? "field '%s' is not a string" : "no field '%s'",
                 cf->text_field);
        record_error(w, id, extra, SANCTAG_E_FORMAT, it->in->name, it->line, 0, what);
    } else {
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", it->in->name, it->line);
        tag_one(w, id, extra, w->text.p, w->text.len, it->in->name, it->line, where, cf->text_field);
    }
    json_decref(extra);
    json_decref(id);
    return 1;
}

static void process_jsonl(worker *w, const pl_item *it, const char *line)
{
    const tag_conf *cf = w->conf;
    if (process_jsonl_fast(w, it, line))
        return;
    json_error_t je;
    json_t *o = sanctagp_json_load_line(line, it->len,
                                        JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                                        cf->text_field, &je);
    char what[400];
    if (!o && json_error_code(&je) == json_error_out_of_memory) {
        snprintf(what, sizeof what, "out of memory reading a line of %zu bytes", it->len);
        record_error(w, NULL, NULL, SANCTAG_E_NOMEM, it->in->name, it->line, 0, what);
        return;
    }
    if (!o) {
        snprintf(what, sizeof what, "malformed JSON: %s", je.text);
        record_error(w, NULL, NULL, SANCTAG_E_JSON, it->in->name, it->line, je.column, what);
        return;
    }
    if (!json_is_object(o)) {
        snprintf(what, sizeof what, "line is a JSON %s, not an object", json_type_name(o));
        record_error(w, NULL, NULL, SANCTAG_E_FORMAT, it->in->name, it->line, 0, what);
        json_decref(o);
        return;
    }
    json_t *id = json_object_get(o, cf->id_field);
    json_t *text = json_object_get(o, cf->text_field);
    json_t *extra = kept_fields(cf, o);
    uint64_t missing = !id;
    for (size_t k = 0; k < cf->nkeep && k < 62; k++)
        missing |= (uint64_t)!json_object_get(o, cf->keep[k]) << (k + 1);
    count_fields(cf, missing);
    if (!text || !json_is_string(text)) {
        snprintf(what, sizeof what, text ? "field '%s' is not a string" : "no field '%s'",
                 cf->text_field);
        record_error(w, id, extra, SANCTAG_E_FORMAT, it->in->name, it->line, 0, what);
    } else {
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", it->in->name, it->line);
        tag_one(w, id, extra, json_string_value(text), json_string_length(text), it->in->name,
                it->line, where, cf->text_field);
    }
    json_decref(extra);
    json_decref(o);
}

static void process_record(worker *w, pl_batch *b, pl_item *it);

static void process_item(void *arg, pl_batch *b, pl_item *it)
{
    worker *w = arg;
    w->b = b;
    w->seq = it->seq;
    w->brat = NULL;
    process_record(w, b, it);
    it->result = w->brat; /* the writer names the staged files */
}

static void process_record(worker *w, pl_batch *b, pl_item *it)
{
    const char *data = pl_data(b, it);
    if (it->kind == FEED_REC_LINE) {
        process_jsonl(w, it, data);
    } else if (it->kind == FEED_REC_DOC) {
        json_t *id = sanctagp_json_string_lossy(strcmp(it->in->name, "<stdin>") == 0 ? "-"
                                                                                  : it->in->name);
        tag_one(w, id, NULL, data, it->len, it->in->name, 0, it->in->name, NULL);
        json_decref(id);
    } else if (it->kind == FEED_REC_TOOBIG) {
        /* the id of a skipped line is unknown; a plain file's is its name */
        json_t *id = it->line ? NULL : sanctagp_json_string_lossy(it->in->name);
        char what[400];
        if (it->err == ENOMEM) /* memory ran out holding it, under the limit */
            snprintf(what, sizeof what, "document of %llu bytes: out of memory holding it (the "
                     "limit of one document is %llu bytes, --max-doc-size SIZE): skipped",
                     (unsigned long long)it->size, (unsigned long long)w->conf->max_doc);
        else
            snprintf(what, sizeof what, "document of %llu bytes is over the limit of one "
                     "document, %llu bytes (--max-doc-size SIZE): skipped",
                     (unsigned long long)it->size, (unsigned long long)w->conf->max_doc);
        record_error(w, id, NULL, it->err == ENOMEM ? SANCTAG_E_NOMEM : SANCTAG_E_TOOBIG,
                     it->in->name, it->line, 0, what);
        json_decref(id);
    } else {
        json_t *id = sanctagp_json_string_lossy(it->in->name);
        char what[64], msg[600];
        if (it->kind == FEED_REC_OPEN_ERR)
            snprintf(what, sizeof what, "cannot open");
        else if (it->in->mode == FEED_PLAIN)
            snprintf(what, sizeof what, "cannot read");
        else
            snprintf(what, sizeof what, "read error after line %ld", it->line);
        snprintf(msg, sizeof msg, "%s: %s", what, strerror(it->err));
        record_error(w, id, NULL, SANCTAG_E_IO, it->in->name, 0, 0, msg);
        json_decref(id);
    }
}

static void worker_free(void *arg)
{
    worker *w = arg;
    if (!w)
        return;
    sanctag_tagger_free(w->tg);
    sanctagp_emitter_release(&w->em);
    free(w->keys);
    free(w->spans);
    sanctagp_buf_release(&w->text);
    sanctagp_buf_release(&w->idbuf);
    sanctagp_buf_release(&w->ann);
    free(w);
}

static void *worker_new(void *ctx)
{
    const tag_conf *cf = *(const tag_conf **)ctx; /* run starts with its conf */
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->conf = cf;
    w->tg = sanctag_tagger_new(cf->gz);
    sanctagp_emitter_init(&w->em, cf->gz, &cf->eo);
    w->keys = calloc(2 + cf->nkeep, sizeof *w->keys);
    w->spans = calloc(2 + cf->nkeep, sizeof *w->spans);
    if (!w->tg || !w->keys || !w->spans) {
        worker_free(w);
        return NULL;
    }
    w->keys[0] = cf->id_field;
    w->keys[1] = cf->text_field;
    for (size_t k = 0; k < cf->nkeep; k++)
        w->keys[2 + k] = cf->keep[k];
    return w;
}

/* ---- output ------------------------------------------------------------- */

typedef struct run {
    const tag_conf *conf; /* first: worker_new() reads it */
    FILE *out;
    long ndocs, nerrs, shown;
    int write_failed, write_errno, oom, fatal;
    json_t *brat_taken; /* --format brat: stems of this run (a set) */
    /* output on a terminal: the control and bidi characters of the data
     * escaped (util/term.h), as JSON escapes in the JSON formats, as U+FFFD
     * in the others; TERM_NONE (a file or pipe: the bytes as they are) */
    int term;
    sanctagp_buf tbuf;
    /* progress */
    int progress;
    struct timespec t0, last;
    uint64_t bytes_in, done;
    uint64_t total;
    int total_known;
} run;

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress(run *r, int final)
{
    if (!r->progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!final && since(&r->last, &now) < 0.5)
        return;
    r->last = now;
    double el = since(&r->t0, &now);
    double mbs = el > 0 ? (double)r->bytes_in / 1e6 / el : 0;
    char eta[48] = "";
    uint64_t done = r->done;
    if (r->total_known && r->total && done > 0 && !final) {
        double left = el * (double)(r->total - (done < r->total ? done : r->total)) / (double)done;
        snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r\033[Ksanctag: %ld documents  %.1f MB/s  %ld errors%s", r->ndocs, mbs,
            r->nerrs, eta);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static void on_progress(void *ctx, uint64_t bytes_in, uint64_t done)
{
    run *r = ctx;
    r->bytes_in = bytes_in;
    r->done = done;
    progress(r, 0);
}

enum { TERM_NONE, TERM_JSON, TERM_TEXT };

/* Writes n bytes of output; on a terminal cleaned first (run.term). */
static int put_out(run *r, const char *p, size_t n)
{
    if (r->term != TERM_NONE) {
        r->tbuf.len = 0;
        if ((r->term == TERM_JSON ? sanctagp_term_clean_json(&r->tbuf, p, n)
                                  : sanctagp_term_clean(&r->tbuf, p, n, SANCTAGP_TERM_KEEP_CRLF))) {
            r->oom = 1;
            return -1;
        }
        p = r->tbuf.p;
        n = r->tbuf.len;
    }
    return n && fwrite(p, 1, n, r->out) != n ? -1 : 0;
}

static int write_batch(void *ctx, pl_batch *b)
{
    run *r = ctx;
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].kind == FEED_REC_OPEN_ERR || b->items[i].kind == FEED_REC_READ_ERR)
            r->fatal = 1;
    if (b->oom)
        r->oom = 1;
    if (b->write_err) {
        r->write_failed = 1;
        b->write_err = 0;
    }
    if (!r->write_failed && put_out(r, b->out.p, b->out.len) && !r->oom) {
        r->write_failed = 1;
        r->write_errno = errno;
    }
    r->ndocs += b->ndocs;
    for (size_t i = 0; i < b->n; i++) {
        brat_doc *d = b->items[i].result;
        char msg[4400];
        if (d && !r->write_failed && brat_commit(r->brat_taken, r->conf->brat_dir, d, msg,
                                                 sizeof msg) != 0) {
            cli_warn("%s", msg);
            r->write_failed = 1;
        }
        brat_doc_free(d);
        b->items[i].result = NULL;
    }
    /* messages in input order, the first 20 only */
    const char *p = b->err.p, *end = b->err.p + b->err.len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (r->shown < 20) {
            if (r->progress)
                fputs("\r\033[K", stderr);
            cli_warn("%.*s", (int)n, p); /* cleaned: the excerpts are data */
        } else if (r->shown == 20) {
            cli_warn("further document errors are not shown here (see their \"error\" objects)");
        }
        r->shown++;
        p += n + 1;
    }
    r->nerrs += b->nerrs;
    return r->write_failed;
}

static int add_keep(tag_conf *cf, const char *arg)
{
    char *copy = strdup(arg);
    if (!copy)
        return -1;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        char **v = realloc(cf->keep, (cf->nkeep + 1) * sizeof *v);
        if (!v) {
            free(copy);
            return -1;
        }
        cf->keep = v;
        if (!(v[cf->nkeep] = strdup(tok))) {
            free(copy);
            return -1;
        }
        cf->nkeep++;
    }
    free(copy);
    return 0;
}

/* --format brat: -o names a directory, made when missing. EXIT_OK_ or the status. */
static int brat_setup(tag_conf *cf, const char **outpath)
{
    struct stat sb;
    const char *dir = *outpath;
    if (!dir)
        return cli_usage("tag", "--format brat writes two files per document: give -o DIR");
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return cli_usage("tag", "--format brat: %s is not a directory", dir);
    if (brat_dir_setup(dir) != 0)
        return EXIT_FATAL;
    cf->brat_dir = dir;
    *outpath = "/dev/null";
    return EXIT_OK_;
}

/* Tags `inputs` into `out` through the pipeline; closes `out`, reports, and
 * returns the exit status. */
static int run_tag(const tag_conf *cf, const feed_inputs *inputs, cli_out *out,
                   const char *outpath, int jobs, int progress_mode)
{
    int rc = EXIT_OK_;
    run r;
    memset(&r, 0, sizeof r);
    r.conf = cf;
    r.out = out->f;
    r.progress = progress_mode < 0 ? isatty(2) : progress_mode;
    if (!cf->brat_dir && isatty(fileno(r.out)))
        r.term = cf->eo.format == FMT_JSON || cf->eo.format == FMT_SPACY ||
                 cf->eo.format == FMT_DOCCANO ? TERM_JSON : TERM_TEXT;
    r.total = inputs->total;
    r.total_known = !inputs->unknown;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.last = r.t0;
    if (cf->brat_dir && !(r.brat_taken = json_object())) {
        cli_warn("out of memory");
        return EXIT_FATAL;
    }
    static const pl_ops ops = {worker_new, worker_free, process_item, write_batch, on_progress,
                               &interrupted};
    interrupted = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (cf->eo.format == FMT_CSV || cf->eo.format == FMT_TSV) {
        sanctagp_emitter em;
        sanctagp_buf head = {0};
        sanctagp_emitter_init(&em, cf->gz, &cf->eo);
        if (sanctagp_table_header(&head, &em) || put_out(&r, head.p, head.len)) {
            r.write_failed = 1;
            r.write_errno = errno;
        }
        sanctagp_emitter_release(&em);
        sanctagp_buf_release(&head);
    }
    int prc = pl_run(&ops, &r, inputs, 0, jobs, &r.bytes_in);
    json_decref(r.brat_taken);
    sanctagp_buf_release(&r.tbuf);
    int setup_ok = prc != -2;
    if (!setup_ok)
        r.fatal = 1;
    else if (prc)
        r.oom = 1;
    progress(&r, 1);
    if (r.oom)
        cli_warn("out of memory");
    int saved = r.write_errno ? r.write_errno : errno;
    int closed = cli_out_close(out, !r.write_failed && !r.oom && !r.fatal && setup_ok &&
                                         !interrupted);
    if (r.write_failed && closed == 0 && !cf->brat_dir) /* brat: each file was named */
        cli_warn("%s: write error: %s", outpath ? outpath : "standard output", strerror(saved));
    warn_fields(cf);
    if (r.nerrs)
        cli_warn("%ld of %ld documents had errors (see their \"error\" %s)", r.nerrs, r.ndocs,
                 cf->eo.format == FMT_CSV || cf->eo.format == FMT_TSV ? "column" : "objects");
    if (interrupted) {
        cli_warn("interrupted after %ld documents%s", r.ndocs,
                 outpath ? "; nothing written" : "; output ends with the last complete record");
        rc = EXIT_INTERRUPTED;
    } else if (r.write_failed || closed || r.fatal || r.oom)
        rc = EXIT_FATAL;
    else if (r.nerrs)
        rc = EXIT_DOCS;
    return rc;
}

/* The JSON contract and the tables derived from it honour --offsets and the
 * --listed-only filters; the other formats count in codepoints. */
static int check_format(tag_conf *cf, int offsets_given)
{
    int contract = cf->eo.format == FMT_JSON || cf->eo.format == FMT_CSV ||
                   cf->eo.format == FMT_TSV;
    if (cf->listed.on && !contract)
        return cli_usage("tag", "--listed-only, --program and --list-source work with the "
                                "json, csv and tsv formats only");
    if (!contract && offsets_given && cf->eo.unit != OFF_CODEPOINT &&
        cf->eo.format != FMT_CONLL)
        return cli_usage("tag", "--format %s always uses codepoint offsets",
                         sanctagp_format_name(cf->eo.format));
    if (!contract)
        cf->eo.unit = OFF_CODEPOINT;
    return EXIT_OK_;
}

int cmd_tag(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"jsonl", no_argument, NULL, 'J'},
        {"plain", no_argument, NULL, 'p'},
        {"max-doc-size", required_argument, NULL, 'M'},
        {"id-field", required_argument, NULL, 'I'},
        {"text-field", required_argument, NULL, 'T'},
        {"keep", required_argument, NULL, 'K'},
        {"offsets", required_argument, NULL, 'O'},
        {"all", no_argument, NULL, 'a'},
        {"weak", no_argument, NULL, 'w'},
        {"listed-only", no_argument, NULL, 'L'},
        {"program", required_argument, NULL, 'G'},
        {"list-source", required_argument, NULL, 'U'},
        {"suppressors", no_argument, NULL, 'S'},
        {"sentences", no_argument, NULL, 's'},
        {"no-propagate", no_argument, NULL, 'P'},
        {"names", required_argument, NULL, 'N'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"progress", required_argument, NULL, 'R'},
        {"format", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    tag_conf cf;
    memset(&cf, 0, sizeof cf);
    cf.id_field = "id";
    cf.text_field = "text";
    cf.max_doc = FEED_DEFAULT_MAX_DOC;
    cf.eo.unit = OFF_CODEPOINT;
    cf.flags = SANCTAG_TAG_NAMES;
    const char *db = NULL, *outpath = NULL;
    int mode = FEED_AUTO, weak = 0, ch, rc = EXIT_OK_;
    int jobs = pl_default_jobs();
    int progress_mode = -1; /* auto */
    int offsets_given = 0;
    while ((ch = getopt_long(argc, argv, "ho:j:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'd': db = optarg; break;
        case 'J': mode = FEED_JSONL; break;
        case 'p': mode = FEED_PLAIN_FORCED; break;
        case 'M':
            if (cli_parse_size(optarg, &cf.max_doc))
                return cli_usage("tag", "--max-doc-size must be a size such as 64M or 2G, not "
                                 "'%s'", optarg);
            break;
        case 'I': cf.id_field = optarg; break;
        case 'T': cf.text_field = optarg; break;
        case 'K':
            if (add_keep(&cf, optarg)) {
                cli_warn("out of memory");
                return EXIT_FATAL;
            }
            break;
        case 'O':
            offsets_given = 1;
            cf.eo.unit = sanctagp_offset_unit(optarg);
            if (cf.eo.unit < 0)
                return cli_usage("tag", "--offsets must be byte, codepoint or utf16, not '%s'",
                                 optarg);
            break;
        case 'a': cf.flags |= SANCTAG_TAG_ALL; break;
        case 'w': weak = 1; break;
        case 'L':
        case 'G':
        case 'U':
            if ((rc = cli_listed_option(&cf.listed, "tag", ch == 'G' ? 'p' : ch == 'U' ? 's' : 'L',
                                        optarg)) != EXIT_OK_)
                return rc;
            break;
        case 'S': cf.flags |= SANCTAG_TAG_SUPPRESSORS; break;
        case 's': cf.eo.sentences = 1; break;
        case 'P': cf.flags |= SANCTAG_TAG_NO_PROPAGATE; break;
        case 'N':
            if (cli_names_option("tag", optarg, &cf.flags))
                return EXIT_USAGE;
            break;
        case 'o': outpath = optarg; break;
        case 'F':
            cf.eo.format = sanctagp_format_from_name(optarg);
            if (cf.eo.format < 0)
                return cli_usage("tag", "unknown --format '%s' (%s)", optarg,
                                 sanctagp_format_list);
            break;
        case 'j':
            if (pl_parse_jobs(optarg, &jobs))
                return cli_usage("tag", "--jobs must be a number from 1 to 1024, not '%s'",
                                 optarg);
            break;
        case 'R':
            if ((rc = cli_parse_progress("tag", optarg, &progress_mode)) != EXIT_OK_)
                return rc;
            break;
        default:
            return cli_bad_option("tag", argv, opts, "ho:j:");
        }
    }
    if ((rc = check_format(&cf, offsets_given)) != EXIT_OK_)
        return rc;
    cf.eo.keep = (const char *const *)cf.keep;
    cf.eo.nkeep = cf.nkeep;
    if (cf.eo.format == FMT_BRAT && (rc = brat_setup(&cf, &outpath)) != EXIT_OK_)
        return rc;
    if (cli_open_gazetteer(db, weak ? SANCTAG_OPEN_WEAK : 0, &cf.gz))
        return EXIT_FATAL;
    cli_listed_check(&cf.listed, cf.gz);
    feed_inputs inputs;
    if (feed_expand(&inputs, argv + optind, argc - optind, mode)) {
        cli_warn("out of memory");
        sanctag_gazetteer_unref(cf.gz);
        return EXIT_FATAL;
    }
    inputs.max_doc = cf.max_doc;
    cli_out out;
    if (cli_out_open(&out, outpath)) {
        feed_inputs_free(&inputs);
        sanctag_gazetteer_unref(cf.gz);
        return EXIT_FATAL;
    }

    static atomic_long fields[64]; /* zero: one run a process */
    cf.fields = fields;
    rc = run_tag(&cf, &inputs, &out, outpath, jobs, progress_mode);
    for (size_t i = 0; i < cf.nkeep; i++)
        free(cf.keep[i]);
    free(cf.keep);
    feed_inputs_free(&inputs);
    sanctag_gazetteer_unref(cf.gz);
    return rc;
}
