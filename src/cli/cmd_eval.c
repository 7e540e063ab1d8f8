/* cmd_eval.c - `sanctag eval`: precision, recall and F1 against hand-annotated
 * gold spans (strict span match per label) and document-level country sets. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output/output.h"
#include "cli.h"
#include "input.h"
#include "pipeline.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag eval [OPTIONS] GOLD.jsonl [PRED.jsonl]\n"
            "\n"
            "Scores tagging against gold annotations. GOLD.jsonl has one document per line:\n"
            "{\"id\", \"text\", \"spans\": [{\"start\", \"end\", \"label\", \"country\"?}]} with UTF-8\n"
            "byte offsets (the format of ../shared/gold). Without PRED.jsonl the texts of GOLD\n"
            "are tagged with the gazetteer; with it, PRED.jsonl is sanctag output for the same\n"
            "documents (matched by id; any offsets unit). Either may be gzip'd.\n"
            "\n"
            "Prints, per label (COUNTRY, LOCATION, ORG, PERSON) and overall, precision,\n"
            "recall and F1 of strict span matches (same start, end and label; for COUNTRY\n"
            "also the same country code), then the same for document-level country sets:\n"
            "the codes of COUNTRY spans and the country of ORG spans.\n"
            "\n"
            "Options:\n"
            "  --db PATH     gazetteer used to tag GOLD's texts (default: the bundled one)\n"
            "  --errors      list every miss and false positive with its context\n"
            "  --json        print the figures as one JSON object\n"
            "  -j, --jobs N  worker threads (default: all cores); the figures are the same\n"
            "                for any N\n"
            "  --names on|model|off  also find names no gazetteer entity has, as 'sanctag\n"
            "                tag' does (default: on; model: also the statistical model)\n"
            "\n"
            "Examples:\n"
            "  sanctag eval ../shared/gold/dev.jsonl\n"
            "  sanctag eval --errors ../shared/gold/dev.jsonl | less\n"
            "  sanctag tag --jsonl gold.jsonl > pred.jsonl && sanctag eval gold.jsonl pred.jsonl\n");
}

static const char *const labels[] = {"COUNTRY", "LOCATION", "ORG", "PERSON"};
#define NLAB 4

typedef struct sp {
    long start, end;
    int label;        /* index into labels, -1 if not evaluated */
    char country[3];
    int matched;
} sp;

typedef struct counts {
    long tp, fp, fn;
} counts;

static int label_index(const char *l)
{
    for (int i = 0; i < NLAB; i++)
        if (l && strcmp(l, labels[i]) == 0)
            return i;
    return -1;
}

/* Reads spans of an output or gold line into an array; offsets converted to bytes. */
static sp *read_spans(json_t *arr, const char *text, size_t len, int unit, size_t *ret_n)
{
    size_t n = json_array_size(arr);
    sp *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    size_t w = 0, i;
    json_t *s;
    json_array_foreach(arr, i, s)
    {
        json_int_t a = json_integer_value(json_object_get(s, "start"));
        json_int_t b = json_integer_value(json_object_get(s, "end"));
        if (unit != OFF_BYTE) {
            /* unit -> byte: walk the text */
            long long want[2] = {a, b};
            long long got[2] = {-1, -1};
            size_t bi = 0, u = 0;
            for (int k = 0; k < 2; k++) {
                if (k == 1 && want[1] < want[0]) {
                    bi = 0;
                    u = 0;
                }
                while (bi < len && (long long)u < want[k]) {
                    unsigned char c = (unsigned char)text[bi];
                    size_t cl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                    u += (unit == OFF_UTF16 && cl == 4) ? 2 : 1;
                    bi += cl;
                }
                got[k] = (long long)u == want[k] ? (long long)bi : -1;
            }
            a = got[0];
            b = got[1];
        }
        if (a < 0 || b < a || (size_t)b > len)
            continue;
        v[w].start = (long)a;
        v[w].end = (long)b;
        v[w].label = label_index(json_string_value(json_object_get(s, "label")));
        const char *cc = json_string_value(json_object_get(s, "country"));
        snprintf(v[w].country, sizeof v[w].country, "%s", cc ? cc : "");
        w++;
    }
    *ret_n = w;
    return v;
}

static int same(const sp *g, const sp *p)
{
    if (g->start != p->start || g->end != p->end || g->label != p->label)
        return 0;
    if (g->label == 0 && strcmp(g->country, p->country) != 0)
        return 0;
    return 1;
}

static void context(FILE *f, const char *text, size_t len, long a, long b)
{
    long ca = a - 40 < 0 ? 0 : a - 40, cb = b + 40 > (long)len ? (long)len : b + 40;
    /* do not cut a UTF-8 sequence */
    while (ca > 0 && ((unsigned char)text[ca] & 0xC0) == 0x80)
        ca--;
    while (cb < (long)len && ((unsigned char)text[cb] & 0xC0) == 0x80)
        cb++;
    fputs("    ...", f);
    for (long i = ca; i < cb; i++) {
        if (i == a)
            fputs("[[", f);
        if (i == b)
            fputs("]]", f);
        fputc(text[i] == '\n' ? ' ' : text[i], f);
    }
    if (b == cb)
        fputs("]]", f);
    fputs("...\n", f);
}

static int has_code(char (*set)[3], size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(set[i], c) == 0)
            return 1;
    return 0;
}

static size_t country_set(const sp *v, size_t n, char (*out)[3])
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((v[i].label == 0 || v[i].label == 2) && v[i].country[0] &&
            !has_code(out, k, v[i].country))
            snprintf(out[k++], 3, "%s", v[i].country);
    return k;
}

static void prf(counts c, double *p, double *r, double *f)
{
    *p = c.tp + c.fp ? (double)c.tp / (double)(c.tp + c.fp) : 1.0;
    *r = c.tp + c.fn ? (double)c.tp / (double)(c.tp + c.fn) : 1.0;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

/* ---- one gold document ------------------------------------------------------ */

/* The run: read-only while workers run, counted by the writer. */
typedef struct eval_run {
    const char *gold_path, *pred_path;
    sanctag_gazetteer *gz;  /* tagging here (no PRED file) */
    unsigned tag_flags;     /* SANCTAG_TAG_* when tagging here */
    json_t *pred_by_id;     /* predictions by id (PRED file) */
    int show_errors, as_json;
    counts per[NLAB + 1], docset;
    long ndocs, bad;
    int stop, fatal;
} eval_run;

/* A worker's verdict on one gold line, for the writer. */
typedef struct judged {
    json_t *g;          /* the gold record (owns the text) */
    const char *text;
    size_t len;
    sp *gs, *ps;
    size_t ng, np;
    char msg[1100];     /* a warning to print first, or "" */
    int bad;            /* not a usable gold record: msg says why */
} judged;

typedef struct eval_worker {
    const eval_run *r;
    sanctag_tagger *tg;
} eval_worker;

static void *worker_new(void *ctx)
{
    const eval_run *r = ctx;
    eval_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->r = r;
    if (r->gz && !(w->tg = sanctag_tagger_new(r->gz))) {
        free(w);
        return NULL;
    }
    return w;
}

static void worker_free(void *arg)
{
    eval_worker *w = arg;
    sanctag_tagger_free(w->tg);
    free(w);
}

/* The tagger's spans of j's text as predictions. */
static void tag_spans(eval_worker *w, judged *j, long ln)
{
    sanctag_gazetteer *gz = w->r->gz;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_tagger_tag(w->tg, j->text, j->len, w->r->tag_flags, &e) != 0) {
        snprintf(j->msg, sizeof j->msg, "%s:%ld: %s", w->r->gold_path, ln, e.text);
        j->ps = calloc(1, sizeof *j->ps);
        return;
    }
    size_t n;
    const sanctag_span *s = sanctag_tagger_spans(w->tg, &n);
    j->ps = calloc(n ? n : 1, sizeof *j->ps);
    for (size_t i = 0; j->ps && i < n; i++) {
        sanctag_entity ent;
        if (sanctag_tagger_span_entity(w->tg, &s[i], &ent))
            continue;
        sp *p = &j->ps[j->np];
        p->start = (long)s[i].start;
        p->end = (long)s[i].end;
        p->label = label_index(ent.label);
        const char *cc = ent.country;
        sanctag_entity ce;
        if (strcmp(ent.label, "ORG") == 0)
            cc = (s[i].named_country != UINT32_MAX &&
                  sanctag_gazetteer_entity(gz, s[i].named_country, &ce) == 0)
                     ? ce.country
                     : "";
        snprintf(p->country, 3, "%s", cc);
        j->np++;
    }
}

/* The predictions of the PRED file for j's id. */
static void file_spans(eval_worker *w, judged *j, json_t *id, long ln)
{
    char *key = json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
    json_t *p = key ? json_object_get(w->r->pred_by_id, key) : NULL;
    free(key);
    if (!p)
        snprintf(j->msg, sizeof j->msg, "%s:%ld: no prediction for this id in %s",
                 w->r->gold_path, ln, w->r->pred_path);
    const char *un = p ? json_string_value(json_object_get(p, "offsets")) : NULL;
    int unit = p ? sanctagp_offset_unit(un ? un : "codepoint") : OFF_BYTE;
    j->ps = read_spans(p ? json_object_get(p, "spans") : NULL, j->text, j->len,
                       unit < 0 ? OFF_CODEPOINT : unit, &j->np);
}

static void process_item(void *arg, pl_batch *b, pl_item *it)
{
    eval_worker *w = arg;
    if (it->kind != FEED_REC_LINE)
        return; /* input errors: the writer reports them */
    judged *j = calloc(1, sizeof *j);
    if (!(it->result = j)) {
        b->oom = 1;
        return;
    }
    json_error_t je;
    j->g = sanctagp_json_load_line(pl_data(b, it), it->len, 0, "text", &je);
    json_t *gt = j->g ? json_object_get(j->g, "text") : NULL;
    if (!j->g || !json_is_string(gt)) {
        snprintf(j->msg, sizeof j->msg, "%s:%ld: %s", w->r->gold_path, it->line,
                 j->g ? "no string field 'text'" : je.text);
        j->bad = 1;
        return;
    }
    j->text = json_string_value(gt);
    j->len = json_string_length(gt);
    j->gs = read_spans(json_object_get(j->g, "spans"), j->text, j->len, OFF_BYTE, &j->ng);
    if (w->r->pred_by_id)
        file_spans(w, j, json_object_get(j->g, "id"), it->line);
    else
        tag_spans(w, j, it->line);
}

/* Counts one judged document (and prints its errors with --errors). */
static void score(eval_run *r, judged *j)
{
    int print = r->show_errors && !r->as_json;
    cli_clean cl; /* ids and text from the data: cleaned for the terminal */
    FILE *ef = print ? cli_clean_open(&cl, stdout) : stdout;
    sp *gs = j->gs, *ps = j->ps;
    const char *text = j->text;
    size_t len = j->len, ng = j->ng, np = j->np;
    r->ndocs++;
    for (size_t i = 0; i < ng; i++)
        for (size_t k = 0; k < np; k++)
            if (!ps[k].matched && same(&gs[i], &ps[k])) {
                gs[i].matched = ps[k].matched = 1;
                break;
            }
    json_t *id = json_object_get(j->g, "id");
    char idbuf[128];
    snprintf(idbuf, sizeof idbuf, "%s", json_is_string(id) ? json_string_value(id) : "(no id)");
    for (size_t i = 0; i < ng; i++) {
        if (gs[i].label < 0)
            continue;
        counts *c = &r->per[gs[i].label];
        if (gs[i].matched) {
            c->tp++;
        } else {
            c->fn++;
            if (print) {
                fprintf(ef, "MISS %s %s%s%s '%.*s' bytes %ld-%ld\n", idbuf,
                        labels[gs[i].label], gs[i].country[0] ? ":" : "", gs[i].country,
                        (int)(gs[i].end - gs[i].start), text + gs[i].start, gs[i].start,
                        gs[i].end);
                context(ef, text, len, gs[i].start, gs[i].end);
            }
        }
    }
    for (size_t k = 0; k < np; k++) {
        if (ps[k].label < 0 || ps[k].matched)
            continue;
        r->per[ps[k].label].fp++;
        if (print) {
            fprintf(ef, "FP   %s %s%s%s '%.*s' bytes %ld-%ld\n", idbuf, labels[ps[k].label],
                    ps[k].country[0] ? ":" : "", ps[k].country, (int)(ps[k].end - ps[k].start),
                    text + ps[k].start, ps[k].start, ps[k].end);
            context(ef, text, len, ps[k].start, ps[k].end);
        }
    }
    /* document-level country sets */
    char(*gset)[3] = calloc(ng + 1, 3), (*pset)[3] = calloc(np + 1, 3);
    if (gset && pset) {
        size_t kg = country_set(gs, ng, gset), kp = country_set(ps, np, pset);
        for (size_t i = 0; i < kp; i++) {
            if (has_code(gset, kg, pset[i])) {
                r->docset.tp++;
            } else {
                r->docset.fp++;
                if (print)
                    fprintf(ef, "DOC-FP   %s country %s\n", idbuf, pset[i]);
            }
        }
        for (size_t i = 0; i < kg; i++)
            if (!has_code(pset, kp, gset[i])) {
                r->docset.fn++;
                if (print)
                    fprintf(ef, "DOC-MISS %s country %s\n", idbuf, gset[i]);
            }
    }
    free(gset);
    free(pset);
    if (print)
        cli_clean_close(&cl);
}

static int write_batch(void *ctx, pl_batch *b)
{
    eval_run *r = ctx;
    if (b->oom)
        r->stop = 1;
    for (size_t i = 0; i < b->n; i++) {
        pl_item *it = &b->items[i];
        judged *j = it->result;
        if (r->stop || r->fatal) {
            /* stopped */
        } else if (it->kind == FEED_REC_OPEN_ERR) {
            cli_warn("%s: cannot open: %s", r->gold_path, strerror(it->err));
            r->fatal = 1;
        } else if (it->kind == FEED_REC_READ_ERR) {
            cli_warn("%s: read error after line %ld", r->gold_path, it->line);
            r->fatal = 1;
        } else if (it->kind == FEED_REC_TOOBIG) {
            char msg[700];
            cli_warn("%s", feed_too_big_msg(msg, sizeof msg, r->gold_path, it->line, it->size,
                                            FEED_DEFAULT_MAX_DOC, it->err));
            r->bad++;
        } else if (j) {
            if (j->msg[0])
                cli_warn("%s", j->msg);
            if (j->bad) {
                r->bad++;
            } else if (!j->gs || !j->ps) {
                cli_warn("out of memory");
                r->stop = 1;
            } else {
                score(r, j);
            }
        }
        if (j) {
            free(j->gs);
            free(j->ps);
            json_decref(j->g);
            free(j);
        }
    }
    return r->stop || r->fatal;
}

/* PRED.jsonl into an object by id (each id as compact JSON). NULL after
 * printing why. */
static json_t *load_preds(const char *pred_path)
{
    char *paths[] = {(char *)pred_path};
    feed_inputs in;
    if (feed_expand(&in, paths, 1, FEED_JSONL)) {
        cli_warn("out of memory");
        return NULL;
    }
    json_t *by_id = json_object();
    feed_iter it;
    feed_rec rec;
    feed_iter_init(&it, &in, 1);
    while (by_id && feed_iter_next(&it, &rec) == 1) {
        if (rec.kind == FEED_REC_OPEN_ERR) {
            cli_warn("%s: cannot open: %s", pred_path, strerror(rec.err));
            json_decref(by_id);
            by_id = NULL;
            break;
        }
        if (rec.kind == FEED_REC_TOOBIG) {
            char msg[700];
            cli_warn("%s", feed_too_big_msg(msg, sizeof msg, pred_path, rec.line, rec.size,
                                            FEED_DEFAULT_MAX_DOC, rec.err));
            continue;
        }
        if (rec.kind != FEED_REC_LINE)
            break; /* a read error ends the file, as it did */
        json_error_t je;
        json_t *o = sanctagp_json_load_line(rec.data, rec.len, 0, NULL, &je);
        if (!o || !json_is_object(o)) {
            cli_warn("%s:%ld:%d: %s", pred_path, rec.line, je.column,
                     o ? "not a JSON object" : je.text);
            json_decref(o);
            continue;
        }
        json_t *id = json_object_get(o, "id");
        char *key = json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
        if (key)
            json_object_set_new(by_id, key, o);
        else
            json_decref(o);
        free(key);
    }
    feed_iter_close(&it);
    feed_inputs_free(&in);
    return by_id;
}

static void print_report(eval_run *run)
{
    counts *per = run->per, docset = run->docset;
    long ndocs = run->ndocs;
    for (int i = 0; i < NLAB; i++) {
        per[NLAB].tp += per[i].tp;
        per[NLAB].fp += per[i].fp;
        per[NLAB].fn += per[i].fn;
    }
    double p, r, f;
    if (run->as_json) {
        json_t *o = json_object();
        json_object_set_new(o, "documents", json_integer(ndocs));
        json_t *lab = json_object();
        for (int i = 0; i <= NLAB; i++) {
            prf(per[i], &p, &r, &f);
            json_object_set_new(lab, i < NLAB ? labels[i] : "ALL",
                                json_pack("{s:I,s:I,s:I,s:f,s:f,s:f}", "tp", (json_int_t)per[i].tp,
                                          "fp", (json_int_t)per[i].fp, "fn",
                                          (json_int_t)per[i].fn, "precision", p, "recall", r,
                                          "f1", f));
        }
        json_object_set_new(o, "spans", lab);
        prf(docset, &p, &r, &f);
        json_object_set_new(o, "doc_countries",
                            json_pack("{s:I,s:I,s:I,s:f,s:f,s:f}", "tp", (json_int_t)docset.tp,
                                      "fp", (json_int_t)docset.fp, "fn", (json_int_t)docset.fn,
                                      "precision", p, "recall", r, "f1", f));
        json_dumpf(o, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(o);
    } else {
        printf("%s: %ld documents, strict span match\n", run->gold_path, ndocs);
        printf("%-14s %6s %6s %6s %9s %7s %6s\n", "label", "tp", "fp", "fn", "precision",
               "recall", "f1");
        for (int i = 0; i <= NLAB; i++) {
            prf(per[i], &p, &r, &f);
            printf("%-14s %6ld %6ld %6ld %9.3f %7.3f %6.3f\n", i < NLAB ? labels[i] : "ALL",
                   per[i].tp, per[i].fp, per[i].fn, p, r, f);
        }
        prf(docset, &p, &r, &f);
        printf("%-14s %6ld %6ld %6ld %9.3f %7.3f %6.3f\n", "doc-countries", docset.tp, docset.fp,
               docset.fn, p, r, f);
    }
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"errors", no_argument, NULL, 'e'},
        {"json", no_argument, NULL, 'J'},
        {"jobs", required_argument, NULL, 'j'},
        {"names", required_argument, NULL, 'N'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int show_errors = 0, as_json = 0, ch, jobs = pl_default_jobs();
    unsigned tag_flags = SANCTAG_TAG_NAMES;
    while ((ch = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return EXIT_OK_;
        case 'd': db = optarg; break;
        case 'e': show_errors = 1; break;
        case 'J': as_json = 1; break;
        case 'N':
            if (cli_names_option("eval", optarg, &tag_flags))
                return EXIT_USAGE;
            break;
        case 'j':
            if (pl_parse_jobs(optarg, &jobs))
                return cli_usage("eval", "--jobs must be a number from 1 to 1024, not '%s'",
                                 optarg);
            break;
        default:
            return cli_bad_option("eval", argv, opts, "hj:");
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cli_usage("eval", "needs GOLD.jsonl and optionally PRED.jsonl");

    eval_run r;
    memset(&r, 0, sizeof r);
    r.gold_path = argv[optind];
    r.pred_path = argc - optind == 2 ? argv[optind + 1] : NULL;
    r.show_errors = show_errors;
    r.as_json = as_json;
    r.tag_flags = tag_flags;
    if (r.pred_path) {
        if (!(r.pred_by_id = load_preds(r.pred_path)))
            return EXIT_FATAL;
    } else {
        if (cli_open_gazetteer(db, 0, &r.gz))
            return EXIT_FATAL;
    }
    feed_inputs in;
    int rc = feed_expand(&in, argv + optind, 1, FEED_JSONL);
    static const pl_ops ops = {worker_new, worker_free, process_item, write_batch, NULL, NULL};
    if (rc == 0) {
        rc = pl_run(&ops, &r, &in, 1, jobs, NULL);
        feed_inputs_free(&in);
    }
    if (rc == -1)
        cli_warn("out of memory");
    if (rc == 0 && !r.fatal)
        print_report(&r);
    sanctag_gazetteer_unref(r.gz);
    json_decref(r.pred_by_id);
    if (rc || r.fatal)
        return EXIT_FATAL;
    if (fflush(stdout) != 0)
        return EXIT_FATAL;
    return r.bad ? EXIT_DOCS : EXIT_OK_;
}
