/* cmd_discover.c - `sanctag discover`: the people and organisations no
 * gazetteer entity has, across a feed (issue 17, item 5). Workers tag each
 * document with names on (core/namefind.c) and keep, per document, its derived
 * names (with the first mention's context) and its gazetteer entities; the
 * writer, in input order, adds them up per derived key: documents, first and
 * last date, sample contexts, and the known entities each name appears with.
 * The result is ranked for review and written as a gazetteer source that
 * `sanctag gaz build` reads: TSV with the evidence in comment lines, or JSON
 * Lines with it in `attrs`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cooccur/cooccur.h"
#include "output/output.h"
#include "cli.h"
#include "input.h"
#include "pipeline.h"

#define CONTEXT_BYTES 60 /* each side of a sample mention */

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag discover [OPTIONS] FEED...\n"
            "\n"
            "Lists the people and organisations found in FEED that no gazetteer entity has\n"
            "(as 'sanctag tag --names on' finds them: after titles, roles and speech verbs,\n"
            "by organisation heads and tails), ranked for review: most documents first,\n"
            "then most documents together with sanctions-listed entities. Each name comes\n"
            "with its label, documents, first and last date, sample contexts and the known\n"
            "entities it appears with most (listed ones first). The output is a gazetteer\n"
            "source: review it, delete what is wrong, and add it to a gazetteer with\n"
            "'sanctag gaz build NEW.db ... FILE.tsv'. FEED is read as by 'sanctag tag'\n"
            "(JSON Lines, plain text, directories, gzip, '-' for standard input).\n"
            "\n"
            "Options:\n"
            "  --db PATH            gazetteer (default: $SANCTAG_DB, else the bundled one)\n"
            "  --jsonl              read every input as JSON Lines\n"
            "  --max-doc-size SIZE  longest document or JSON line (default 64M); a longer\n"
            "                       one is reported and skipped, as every input that\n"
            "                       cannot be read (exit status 1)\n"
            "  --text-field NAME    field holding the text (default: text)\n"
            "  --date-field NAME    field holding the document date (default: date)\n"
            "  --min-docs N         list names found in at least N documents (default: 2)\n"
            "  --limit N            list at most N names (default: all)\n"
            "  --contexts N         sample contexts a name (default: 3)\n"
            "  --with N             known entities a name (default: 5)\n"
            "  --format FORMAT      tsv (default: gaz build TSV, evidence in '#' comment\n"
            "                       lines) or jsonl (gaz build JSON Lines, evidence in attrs)\n"
            "  -o, --output FILE    write to FILE, atomically\n"
            "  -j, --jobs N         worker threads (default: all cores); the result is the\n"
            "                       same for any N\n"
            "\n"
            "Examples:\n"
            "  sanctag discover news.jsonl > new-names.tsv\n"
            "  sanctag discover --min-docs 5 --limit 200 -o review.tsv feed/\n"
            "  sanctag gaz build reviewed.db icu:countries gazetteers/*.tsv new-names.tsv\n");
}

typedef struct disc_run {
    sanctag_gazetteer *gz;
    const char *text_field, *date_field;
    json_t *names;      /* derived key -> its evidence (the writer's) */
    uint64_t max_doc;   /* --max-doc-size */
    long ndocs, bad;
    int32_t first, last; /* dates of the feed */
} disc_run;

typedef struct disc_worker {
    const disc_run *r;
    sanctag_tagger *tg;
} disc_worker;

typedef struct disc_ctx {
    disc_run *r;
    int ncontexts;
} disc_ctx;

static void *worker_new(void *ctx)
{
    const disc_run *r = ((const disc_ctx *)ctx)->r;
    disc_worker *w = calloc(1, sizeof *w);
    if (w && !(w->tg = sanctag_tagger_new(r->gz))) {
        free(w);
        w = NULL;
    }
    if (w)
        w->r = r;
    return w;
}

static void worker_free(void *arg)
{
    disc_worker *w = arg;
    sanctag_tagger_free(w->tg);
    free(w);
}

/* The text around [start, end) on one line: tabs and line breaks become
 * spaces, cut at whole UTF-8 characters. */
static json_t *context_of(const char *text, size_t len, size_t start, size_t end)
{
    size_t a = start > CONTEXT_BYTES ? start - CONTEXT_BYTES : 0;
    size_t b = end + CONTEXT_BYTES < len ? end + CONTEXT_BYTES : len;
    while (a > 0 && ((unsigned char)text[a] & 0xC0) == 0x80)
        a--;
    while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
        b++;
    char *s = malloc(b - a + 1);
    if (!s)
        return NULL;
    for (size_t i = a; i < b; i++)
        s[i - a] = (text[i] == '\t' || text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
    s[b - a] = 0;
    json_t *j = json_stringn(s, b - a);
    free(s);
    return j;
}

/* One document's names: {"date": yyyymmdd or 0, "names": {key: [label, name,
 * context]}, "known": {key: [name, listed]}}. */
static json_t *doc_names(disc_worker *w, const char *text, size_t len, int32_t ymd)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_tagger_tag(w->tg, text, len, SANCTAG_TAG_NAMES, &e))
        return json_pack("{s:s}", "error", e.text[0] ? e.text : sanctag_status_name(e.code));
    json_t *names = json_object(), *known = json_object();
    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(w->tg, &n);
    for (size_t i = 0; i < n && names && known; i++) {
        sanctag_entity en;
        if ((sp[i].flags & (SANCTAG_SPAN_NESTED | SANCTAG_SPAN_SUPPRESSOR)) ||
            sanctag_tagger_span_entity(w->tg, &sp[i], &en))
            continue;
        if (!(sp[i].flags & SANCTAG_SPAN_DERIVED)) {
            if (!json_object_get(known, en.key))
                json_object_set_new(known, en.key, json_pack("[sb]", en.name, en.listed));
        } else if (!json_object_get(names, en.key)) {
            json_object_set_new(names, en.key,
                                json_pack("[sso]", en.label, en.name,
                                          context_of(text, len, sp[i].start, sp[i].end)));
        }
    }
    return json_pack("{s:i,s:o,s:o}", "date", (int)ymd, "names", names, "known", known);
}

static void process_item(void *arg, pl_batch *b, pl_item *it)
{
    disc_worker *w = arg;
    const disc_run *r = w->r;
    if (it->kind == FEED_REC_DOC) {
        it->result = doc_names(w, pl_data(b, it), it->len, 0);
    } else if (it->kind == FEED_REC_LINE) {
        json_error_t je;
        json_t *o = sanctagp_json_load_line(pl_data(b, it), it->len, 0, r->text_field, &je);
        json_t *t = o ? json_object_get(o, r->text_field) : NULL;
        json_t *d = o ? json_object_get(o, r->date_field) : NULL;
        int32_t ymd = 0;
        if (json_is_string(d) && sanctagp_cooc_parse_date(json_string_value(d),
                                                          json_string_length(d),
                                                          COOC_ORDER_AUTO, &ymd) != COOC_DATE_OK)
            ymd = 0;
        if (json_is_string(t))
            it->result = doc_names(w, json_string_value(t), json_string_length(t), ymd);
        else
            it->result = json_pack("{s:s}", "error",
                                   o ? "no string text field" : je.text);
        json_decref(o);
    }
    if ((it->kind == FEED_REC_DOC || it->kind == FEED_REC_LINE) && !it->result)
        b->oom = 1;
}

/* Adds one document's names to the run's evidence. */
static void add_doc(disc_run *r, json_t *doc, int ncontexts)
{
    int32_t ymd = (int32_t)json_integer_value(json_object_get(doc, "date"));
    if (ymd && (!r->first || ymd < r->first))
        r->first = ymd;
    if (ymd > r->last)
        r->last = ymd;
    json_t *known = json_object_get(doc, "known"), *v;
    const char *key;
    json_object_foreach(json_object_get(doc, "names"), key, v)
    {
        json_t *e = json_object_get(r->names, key);
        if (!e) {
            e = json_pack("{s:O,s:O,s:i,s:i,s:i,s:[],s:{}}", "label", json_array_get(v, 0),
                          "name", json_array_get(v, 1), "documents", 0, "first", 0, "last", 0,
                          "contexts", "with");
            if (!e || json_object_set_new(r->names, key, e))
                continue;
        }
        json_object_set_new(e, "documents",
                            json_integer(json_integer_value(json_object_get(e, "documents")) + 1));
        json_int_t f = json_integer_value(json_object_get(e, "first"));
        if (ymd && (!f || ymd < f))
            json_object_set_new(e, "first", json_integer(ymd));
        if (ymd > json_integer_value(json_object_get(e, "last")))
            json_object_set_new(e, "last", json_integer(ymd));
        json_t *ctx = json_object_get(e, "contexts");
        if ((int)json_array_size(ctx) < ncontexts)
            json_array_append(ctx, json_array_get(v, 2));
        json_t *with = json_object_get(e, "with"), *kv;
        const char *kk;
        json_object_foreach(known, kk, kv)
        {
            json_t *c = json_object_get(with, kk);
            if (!c)
                json_object_set_new(with, kk, json_pack("[OOi]", json_array_get(kv, 0),
                                                        json_array_get(kv, 1), 1));
            else
                json_array_set_new(c, 2, json_integer(json_integer_value(json_array_get(c, 2)) + 1));
        }
    }
}

/* Every document not counted is reported here (input and position) and
 * counted in r->bad: unreadable inputs, bad lines, documents over the limit. */
static int write_batch(void *arg, pl_batch *b)
{
    disc_ctx *x = arg;
    for (size_t i = 0; i < b->n; i++) {
        pl_item *it = &b->items[i];
        json_t *doc = it->result;
        char where[32] = "";
        if (it->line > 0)
            snprintf(where, sizeof where, ":%ld", it->line);
        if (it->kind == FEED_REC_OPEN_ERR || it->kind == FEED_REC_READ_ERR) {
            cli_warn("%s: %s: %s", it->in->name,
                     it->kind == FEED_REC_OPEN_ERR ? "cannot open" : "read error",
                     strerror(it->err));
            x->r->bad++;
        } else if (it->kind == FEED_REC_TOOBIG) {
            char msg[700];
            cli_warn("%s", feed_too_big_msg(msg, sizeof msg, it->in->name, it->line, it->size,
                                            x->r->max_doc, it->err));
            x->r->bad++;
        } else if (doc && json_object_get(doc, "error")) {
            cli_warn("%s%s: %s; document skipped", it->in->name, where,
                     json_string_value(json_object_get(doc, "error")));
            x->r->bad++;
        } else if (doc) {
            x->r->ndocs++;
            add_doc(x->r, doc, x->ncontexts);
        }
        json_decref(doc);
        it->result = NULL;
    }
    return 0;
}

/* ---- ranking and writing ---------------------------------------------------- */

typedef struct ranked {
    const char *key;
    json_t *e;
    json_int_t docs, listed_docs;
} ranked;

static int ranked_cmp(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->docs != b->docs)
        return a->docs < b->docs ? 1 : -1;
    if (a->listed_docs != b->listed_docs)
        return a->listed_docs < b->listed_docs ? 1 : -1;
    return strcmp(a->key, b->key);
}

/* Known entities of w (key -> [name, listed, documents]) as a sorted array of
 * [key, name, listed, documents]: listed first, then most documents. */
static int with_cmp(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int la = json_is_true(json_array_get(a, 2)), lb = json_is_true(json_array_get(b, 2));
    json_int_t da = json_integer_value(json_array_get(a, 3));
    json_int_t db = json_integer_value(json_array_get(b, 3));
    if (la != lb)
        return lb - la;
    if (da != db)
        return da < db ? 1 : -1;
    return strcmp(json_string_value(json_array_get(a, 0)), json_string_value(json_array_get(b, 0)));
}

static json_t *top_with(json_t *with, long nwith, json_int_t *ret_listed_docs)
{
    size_t n = json_object_size(with), k = 0;
    json_t **v = malloc((n ? n : 1) * sizeof *v), *out = json_array(), *c;
    const char *key;
    *ret_listed_docs = 0;
    json_object_foreach(with, key, c)
    {
        if (v)
            v[k++] = json_pack("[sOOO]", key, json_array_get(c, 0), json_array_get(c, 1),
                               json_array_get(c, 2));
        if (json_is_true(json_array_get(c, 1)) &&
            json_integer_value(json_array_get(c, 2)) > *ret_listed_docs)
            *ret_listed_docs = json_integer_value(json_array_get(c, 2));
    }
    if (v)
        qsort(v, k, sizeof *v, with_cmp);
    for (size_t i = 0; i < k; i++) {
        if ((long)i < nwith)
            json_array_append_new(out, v[i]);
        else
            json_decref(v[i]);
    }
    free(v);
    return out;
}

static void ymd_text(json_int_t ymd, char out[16])
{
    if (ymd)
        snprintf(out, 16, "%04d-%02d-%02d", (int)(ymd / 10000), (int)(ymd / 100 % 100),
                 (int)(ymd % 100));
    else
        snprintf(out, 16, "-");
}

/* One ranked name: TSV (evidence in comments) or a JSON Lines record. */
static void write_name(FILE *f, const ranked *n, json_t *with, int jsonl)
{
    const char *label = json_string_value(json_object_get(n->e, "label"));
    const char *name = json_string_value(json_object_get(n->e, "name"));
    const char *key = n->key + strlen("name:"); /* "person:budi-sulistiyo" */
    char first[16], last[16];
    ymd_text(json_integer_value(json_object_get(n->e, "first")), first);
    ymd_text(json_integer_value(json_object_get(n->e, "last")), last);
    json_t *ctx = json_object_get(n->e, "contexts"), *c;
    size_t i;
    if (jsonl) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:{s:I,s:s,s:s,s:O,s:O}}}", "key",
                              key, "label", label, "name", name, "alias", name, "kind", "name",
                              "source", "discover", "attrs", "discover", "documents",
                              (json_int_t)n->docs, "first", first, "last", last, "contexts", ctx,
                              "with", with);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (s)
            fprintf(f, "%s\n", s);
        free(s);
        json_decref(o);
        return;
    }
    fprintf(f, "# %s (%s): %lld documents, %s .. %s\n", name, label, (long long)n->docs, first,
            last);
    json_array_foreach(with, i, c)
    {
        fprintf(f, "#   with %s %s%s: %lld documents\n", json_string_value(json_array_get(c, 0)),
                json_string_value(json_array_get(c, 1)),
                json_is_true(json_array_get(c, 2)) ? " (listed)" : "",
                (long long)json_integer_value(json_array_get(c, 3)));
    }
    json_array_foreach(ctx, i, c)
        fprintf(f, "#   \"%s\"\n", json_string_value(c));
    fprintf(f, "%s\t%s\t%s\t%s\tname\tdiscover\n", key, label, name, name);
}

static int write_result(disc_run *r, FILE *f, long min_docs, long limit, long nwith, int jsonl)
{
    size_t n = json_object_size(r->names), k = 0;
    ranked *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    const char *key;
    json_t *e;
    json_object_foreach(r->names, key, e)
    {
        json_int_t docs = json_integer_value(json_object_get(e, "documents"));
        if (docs < min_docs)
            continue;
        v[k] = (ranked){key, e, docs, 0};
        json_object_set_new(e, "top", top_with(json_object_get(e, "with"), nwith,
                                               &v[k].listed_docs));
        k++;
    }
    qsort(v, k, sizeof *v, ranked_cmp);
    char first[16], last[16];
    ymd_text(r->first, first);
    ymd_text(r->last, last);
    if (!jsonl) {
        fprintf(f, "# sanctag discover: names no gazetteer entity has, found in %ld documents "
                   "(%s .. %s), in at least %ld documents each; %zu of %zu listed.\n",
                r->ndocs, first, last, min_docs, limit >= 0 && (size_t)limit < k ? (size_t)limit : k,
                n);
        fprintf(f, "# Review every row: delete the wrong ones, then add this file to a gazetteer\n"
                   "# ('sanctag gaz build NEW.db ... THIS.tsv').\n");
        fprintf(f, "key\tlabel\tname\talias\tkind\tsource\n");
    }
    for (size_t i = 0; i < k && (limit < 0 || (long)i < limit); i++)
        write_name(f, &v[i], json_object_get(v[i].e, "top"), jsonl);
    free(v);
    return 0;
}

/* ---- the command ------------------------------------------------------------ */

static int number_arg(const char *opt, const char *s, long *ret)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1000000000L)
        return cli_usage("discover", "%s must be a number from 0, not '%s'", opt, s);
    *ret = v;
    return 0;
}

int cmd_discover(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},        {"db", required_argument, NULL, 'd'},
        {"jsonl", no_argument, NULL, 'J'},       {"text-field", required_argument, NULL, 'T'},
        {"max-doc-size", required_argument, NULL, 'M'},
        {"date-field", required_argument, NULL, 'D'},
        {"min-docs", required_argument, NULL, 'm'},
        {"limit", required_argument, NULL, 'l'}, {"contexts", required_argument, NULL, 'c'},
        {"with", required_argument, NULL, 'w'},  {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    disc_run r = {.text_field = "text", .date_field = "date", .max_doc = FEED_DEFAULT_MAX_DOC};
    const char *db = NULL, *outpath = NULL;
    long min_docs = 2, limit = -1, ncontexts = 3, nwith = 5;
    int mode = FEED_AUTO, jsonl = 0, ch, jobs = pl_default_jobs();
    while ((ch = getopt_long(argc, argv, "ho:j:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': help(stdout); return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'd': db = optarg; break;
        case 'J': mode = FEED_JSONL; break;
        case 'M':
            if (cli_parse_size(optarg, &r.max_doc))
                return cli_usage("discover", "--max-doc-size must be a size such as 64M or 2G, "
                                 "not '%s'", optarg);
            break;
        case 'T': r.text_field = optarg; break;
        case 'D': r.date_field = optarg; break;
        case 'm': if (number_arg("--min-docs", optarg, &min_docs)) return EXIT_USAGE; break;
        case 'l': if (number_arg("--limit", optarg, &limit)) return EXIT_USAGE; break;
        case 'c': if (number_arg("--contexts", optarg, &ncontexts)) return EXIT_USAGE; break;
        case 'w': if (number_arg("--with", optarg, &nwith)) return EXIT_USAGE; break;
        case 'F':
            if (strcmp(optarg, "tsv") != 0 && strcmp(optarg, "jsonl") != 0)
                return cli_usage("discover", "--format must be tsv or jsonl, not '%s'", optarg);
            jsonl = strcmp(optarg, "jsonl") == 0;
            break;
        case 'o': outpath = optarg; break;
        case 'j':
            if (pl_parse_jobs(optarg, &jobs))
                return cli_usage("discover", "--jobs must be a number from 1 to 1024, not '%s'",
                                 optarg);
            break;
        default: fprintf(stderr, "Try 'sanctag discover --help'.\n"); return EXIT_USAGE;
        }
    }
    if (optind == argc)
        return cli_usage("discover", "needs at least one FEED (a file, a directory or '-')");
    if (cli_open_gazetteer(db, 0, &r.gz))
        return EXIT_FATAL;
    feed_inputs in;
    disc_ctx x = {&r, (int)ncontexts};
    int rc = (r.names = json_object()) ? feed_expand(&in, argv + optind, argc - optind, mode) : -1;
    static const pl_ops ops = {worker_new, worker_free, process_item, write_batch, NULL, NULL};
    if (rc == 0) {
        in.max_doc = r.max_doc;
        rc = pl_run(&ops, &x, &in, 0, jobs, NULL);
        feed_inputs_free(&in);
    }
    cli_out out = {0};
    if (rc == 0 && cli_out_open(&out, outpath) == 0) {
        /* on a terminal the names and contexts (data) are cleaned as show's
         * text is (util/term.h); a file or pipe gets them as they are */
        cli_clean cl;
        int tty = isatty(fileno(out.f));
        FILE *f = !tty ? out.f
                  : jsonl ? cli_clean_open_json(&cl, out.f) : cli_clean_open(&cl, out.f);
        rc = write_result(&r, f, min_docs, limit, nwith, jsonl);
        if (tty && cli_clean_close(&cl))
            rc = -2;
        if (cli_out_close(&out, rc == 0) != 0)
            rc = -2;
    } else if (rc == 0) {
        rc = -2;
    }
    if (rc == -1)
        cli_warn("out of memory");
    json_decref(r.names);
    sanctag_gazetteer_unref(r.gz);
    if (r.bad)
        cli_warn("%ld of %ld documents skipped (said above); the names are those of the rest",
                 r.bad, r.bad + r.ndocs);
    if (rc)
        return EXIT_FATAL;
    return r.bad ? EXIT_DOCS : EXIT_OK_;
}
