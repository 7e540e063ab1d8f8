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
#include <unistd.h>

#include <jansson.h>

#include "cooccur/cooccur.h"
#include "cli.h"
#include "cooccur_count.h"
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
            "  --db PATH, --weak, --no-propagate, --names on|model|off, --id-field NAME,\n"
            "  --text-field NAME\n"
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
            "  --by entity|country  count entities (default) or roll them up to their own\n"
            "                       country code, \"entity_country\" in tagged output (KBRI\n"
            "                       Singapura, Indonesia's embassy: ID); entities without\n"
            "                       one are left out\n"
            "  --period P           none (default), day, week (ISO), month or year of the\n"
            "                       document date; undated documents go to period \"unknown\"\n"
            "  --label LIST         count only mentions with these labels (comma-separated,\n"
            "                       e.g. PERSON,COUNTRY)\n"
            "  --max-unit-entities N  refuse a unit (sentence, else document) with more than\n"
            "                       N distinct entities (default 1000; 0: no limit): its\n"
            "                       pairs, and memory, grow with N squared; such a document\n"
            "                       counts as one without entities, with a warning (exit 1)\n");
    fputs(cli_listed_help, f);
    fprintf(f,
            "                       (of tagged input: its spans' \"sanctions\")\n"
            "\n"
            "Output:\n"
            "  -f, --format F       csv (default), jsonl, sqlite, graphml or gexf; default\n"
            "                       from the -o extension (.csv .jsonl .db .sqlite .graphml .gexf)\n"
            "                       (CSV: a text cell starting = + - @ gets a leading ' so\n"
            "                       spreadsheets never run it as a formula)\n"
            "  -o, --output FILE    write FILE atomically (required for sqlite)\n"
            "  --table pairs|entities  which table CSV writes (default: pairs)\n"
            "  --min-count N        keep pairs counted at least N times\n"
            "  --top N              keep the first N pairs of each period (after --sort)\n"
            "  --sort count|npmi    order within a period (default: count, then npmi)\n"
            "  --with KEY           keep pairs involving entity KEY (repeatable), KEY in\n"
            "                       column a; a key the input lacks but that looks like\n"
            "                       one it has (KP: country:KP) is a usage error\n"
            "  --without KEY        drop pairs involving entity KEY (repeatable), e.g. the\n"
            "                       dateline city or the publisher's own name\n"
            "  --no-documents       leave out the per-document listing (jsonl, sqlite)\n"
            "  -q, --quiet          no summary on standard error\n"
            "  --progress=auto|always|never\n"
            "                       progress line on stderr while counting (documents, share\n"
            "                       of the input, time left); auto: on a terminal, without -q\n"
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
            "be tagged, with --tag, or had a unit beyond --max-unit-entities), 2 usage, 3 fatal\n"
            "(nothing written).\n"
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
        if (t->undated && !merged && x->tag)
            fprintf(stderr, "  (missing: those documents have no field '%s'; --date-field "
                            "NAME reads the date from another field)\n", o->date_field);
        else if (t->undated && !merged)
            fprintf(stderr, "  (missing: 'sanctag tag' copies the date into its output only "
                            "with --keep %s; or count the raw documents with --tag)\n",
                    o->date_field);
        for (int i = 0; i < x->n_unparsed_ex; i++)
            fprintf(stderr, "  unreadable: \"%s\"\n", x->unparsed_ex[i]);
        for (int i = 0; i < x->n_ambiguous_ex; i++)
            fprintf(stderr, "  ambiguous: \"%s\"\n", x->ambiguous_ex[i]);
        if (t->ambiguous_dates)
            fprintf(stderr, "  (numeric dates with day and month both <= 12 need --date-order "
                            "dmy or mdy)\n");
    }
    if (sanctagp_cooc_conflicts(c)) {
        const sanctagp_cooc_conflict *ex;
        size_t nex = sanctagp_cooc_conflict_examples(c, &ex);
        fprintf(stderr,
                "sanctag cooccur: %llu times an entity had another name, label or country than "
                "before (different gazetteer versions?); the smallest value was kept:\n",
                (unsigned long long)sanctagp_cooc_conflicts(c));
        for (size_t i = 0; i < nex; i++)
            fprintf(stderr, "  %s: %s \"%s\" (kept) and \"%s\"\n", ex[i].key, ex[i].field,
                    ex[i].a, ex[i].b);
    }
    if (x->old_org_country)
        fprintf(stderr,
                "sanctag cooccur: %llu ORG spans carry no \"entity_country\" (output of an older "
                "sanctag): their entity's country is unknown; tag again, or count with --tag\n",
                (unsigned long long)x->old_org_country);
}

/* The warnings after a run about the documents of the input; returns the
 * exit status they call for (EXIT_DOCS when some were not counted as given). */
static int final_warnings(const cooc_ctx *x, size_t unit_limit)
{
    if (x->bad_records)
        cli_warn("%ld malformed input records were skipped", x->bad_records);
    if (x->tag_errors)
        cli_warn("%ld documents could not be tagged (counted as documents without entities)",
                 x->tag_errors);
    if (x->dup_ids)
        cli_warn("%ld documents repeat the id of an earlier one (the first: %s at %s): the same "
                 "feed read twice? They were counted again", x->dup_ids, x->dup_example,
                 x->dup_where);
    if (x->too_big)
        cli_warn("%ld documents had a unit with more than %zu distinct entities "
                 "(--max-unit-entities) and were counted as documents without entities",
                 x->too_big, unit_limit);
    return x->bad_records || x->tag_errors || x->too_big ? EXIT_DOCS : EXIT_OK_;
}

/* The command line of cooccur. */
typedef struct cooc_args {
    cooc_ctx x;
    sanctagp_cooc_opts co;
    sanctagp_cooc_out out;
    const char *db, *outpath;
    int format, entities_table, weak, merge, quiet, no_docs, jobs;
    int counting_opt; /* a counting option was given (not allowed with --merge) */
    size_t unit_limit; /* --max-unit-entities */
    int progress;      /* --progress: -1 auto (a terminal, not -q), 0 never, 1 always */
    const char *tag_only;
    char **with;      /* --with keys, then --without keys */
    size_t nwith, nwithout;
    cli_listed listed; /* --listed-only, --program, --list-source */
} cooc_args;

enum {
    O_TAG = 256, O_DB, O_WEAK, O_NOPROP, O_NAMES, O_IDF, O_TEXTF, O_DATEF, O_ORDER, O_WINDOW, O_BY,
    O_PERIOD, O_LABEL, O_TABLE, O_MIN, O_TOP, O_SORT, O_WITH, O_WITHOUT, O_NODOCS, O_MERGE,
    O_UNITMAX, O_PROGRESS,
    O_LISTED, O_PROGRAM, O_LISTSRC,
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
    case O_LISTED:
    case O_PROGRAM:
    case O_LISTSRC:
        a->counting_opt = 1;
        return cli_listed_option(&a->listed, "cooccur",
                                 ch == O_PROGRAM ? 'p' : ch == O_LISTSRC ? 's' : 'L', optarg);
    case O_LABEL:
        a->counting_opt = 1;
        if (normalise_labels(optarg, a->co.labels, sizeof a->co.labels)) {
            return cli_usage("cooccur", "--label needs a comma-separated list of labels");
        }
        return EXIT_OK_;
    case O_UNITMAX: {
        uint64_t n;
        if (parse_count(optarg, &n) || n > 1000000)
            return cli_usage("cooccur",
                             "--max-unit-entities must be a number from 0 (no limit) to "
                             "1000000, not '%s'", optarg);
        a->unit_limit = (size_t)n;
        return EXIT_OK_;
    }
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
/* Checks the --with/--without keys against the counted nodes. A key that is
 * absent but may have meant another (KP for country:KP) or has the wrong
 * form for --by is a usage error (EXIT_USAGE, nothing written); a well-formed
 * key that is merely absent from this input is only warned about. */
static int check_keys(const cooc_ctx *x, const sanctagp_cooc_out *out, int by)
{
    const char *what = by == COOC_BY_COUNTRY ? "country code" : "entity key";
    for (size_t i = 0; i < out->nwith + out->nwithout; i++) {
        const char *k = out->with[i], *opt = i < out->nwith ? "--with" : "--without";
        if (sanctagp_cooc_has_node(x->c, k))
            continue;
        const char *sug = sanctagp_cooc_suggest_node(x->c, k);
        if (sug)
            return cli_usage("cooccur", "%s %s: no such %s in the input; did you mean %s %s?",
                             opt, k, what, opt, sug);
        const char *colon = strchr(k, ':');
        int code = strlen(k) == 2 && isupper((unsigned char)k[0]) && isupper((unsigned char)k[1]);
        if (by == COOC_BY_COUNTRY && colon)
            return cli_usage("cooccur", "%s %s: with --by country the keys are country codes; "
                                        "did you mean %s %s?", opt, k, opt, colon + 1);
        if (by != COOC_BY_COUNTRY && code)
            return cli_usage("cooccur", "%s %s: entity keys have a prefix; did you mean %s "
                                        "country:%s (or --by country)?", opt, k, opt, k);
        if (by != COOC_BY_COUNTRY && !colon)
            return cli_usage("cooccur", "%s %s: entity keys have a prefix, such as country:KP "
                                        "or person:kim-jong-un ('sanctag gaz lookup NAME' "
                                        "shows them)", opt, k);
        cli_warn("%s %s: no such %s in the input", opt, k, what);
    }
    return EXIT_OK_;
}

static void write_table(cooc_ctx *x, const sanctagp_cooc_out *out, int format,
                        int entities_table, FILE *f, FILE *spool, sanctagp_cooc_sqlite *sq,
                        const char *outpath, int quiet)
{
    sanctag_error e;
    int rc;
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
        {"names", required_argument, NULL, O_NAMES},
        {"id-field", required_argument, NULL, O_IDF},
        {"text-field", required_argument, NULL, O_TEXTF},
        {"date-field", required_argument, NULL, O_DATEF},
        {"date-order", required_argument, NULL, O_ORDER},
        {"window", required_argument, NULL, O_WINDOW},
        {"by", required_argument, NULL, O_BY},
        {"period", required_argument, NULL, O_PERIOD},
        {"label", required_argument, NULL, O_LABEL},
        {"listed-only", no_argument, NULL, O_LISTED},
        {"program", required_argument, NULL, O_PROGRAM},
        {"list-source", required_argument, NULL, O_LISTSRC},
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
        {"max-unit-entities", required_argument, NULL, O_UNITMAX},
        {"progress", required_argument, NULL, O_PROGRESS},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->x.tag_flags = SANCTAG_TAG_NAMES;
    a->x.id_field = "id";
    a->x.text_field = "text";
    a->x.date_field = "date";
    a->out.min_count = 1;
    a->unit_limit = SANCTAGP_COOC_UNIT_LIMIT;
    a->progress = -1;
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
        case O_NAMES:
            if (cli_names_option("cooccur", optarg, &a->x.tag_flags))
                return EXIT_USAGE;
            a->tag_only = "--names";
            break;
        case O_IDF: a->x.id_field = optarg; a->tag_only = "--id-field"; break;
        case O_TEXTF: a->x.text_field = optarg; a->tag_only = "--text-field"; break;
        case 'o': a->outpath = optarg; break;
        case O_NODOCS: a->no_docs = 1; break;
        case O_MERGE: a->merge = 1; break;
        case 'q': a->quiet = 1; break;
        case O_PROGRESS:
            if ((st = cli_parse_progress("cooccur", optarg, &a->progress)) != EXIT_OK_)
                return st;
            break;
        case O_DATEF: case O_ORDER: case O_WINDOW: case O_BY: case O_PERIOD: case O_LABEL:
        case O_UNITMAX: case O_LISTED: case O_PROGRAM: case O_LISTSRC:
            if ((st = counting_option(a, ch)) != EXIT_OK_)
                return st;
            break;
        case 'f': case O_TABLE: case O_MIN: case O_TOP: case O_SORT: case O_WITH: case O_WITHOUT:
            if ((st = output_option(a, ch)) != EXIT_OK_)
                return st;
            break;
        default:
            return cli_bad_option("cooccur", argv, opts, "hf:o:qj:");
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
    x.listed = &a.listed;
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
                "--listed-only, --program, --list-source, --date-field, --date-order) from its "
                "inputs; give only output options";
    else if (tag_only && !x.tag)
        usage = "--db, --weak, --no-propagate, --names, --id-field and --text-field need --tag";
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
    int key_status = EXIT_OK_;
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
        snprintf(co.listed, sizeof co.listed, "%s", a.listed.on ? a.listed.desc : "");
    }
    x.date_field = co.date_field;
    x.c = sanctagp_cooc_new(&co);
    if (!x.c) {
        free(with);
        cli_warn("out of memory");
        return EXIT_FATAL;
    }
    sanctagp_cooc_set_unit_limit(x.c, a.unit_limit);

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
        x.progress = a.progress < 0 ? isatty(2) && !quiet : a.progress;
        count_inputs(&x, db, weak, argv + optind, argc - optind, jobs);
        count_progress_end(&x);
        if (x.unlisted && !quiet)
            fprintf(stderr,
                    "sanctag cooccur: %llu mentions of entities not on a sanctions list (or "
                    "not passing --program/--list-source) left out\n",
                    x.unlisted);
    }

finish:
    if (!x.fatal && (key_status = check_keys(&x, &out, co.by)) != EXIT_OK_)
        x.fatal = 1;
    if (!x.fatal)
        write_table(&x, &out, format, entities_table, o.f, spool, sq, outpath, quiet);
    sanctagp_cooc_sqlite_close(sq);
    sq = NULL;
    if (o.f && cli_out_close(&o, !x.fatal))
        x.fatal = 1;
    free(o.path); /* left by a failed cli_out_open() */
    free(o.tmp);
    o.path = o.tmp = NULL;
    if (!quiet && !x.fatal)
        summary(&x, merge);
    status = final_warnings(&x, a.unit_limit);
    if (x.fatal)
        status = key_status != EXIT_OK_ ? key_status : EXIT_FATAL;
done:
    if (spool)
        fclose(spool);
    sanctagp_cooc_sqlite_close(sq);
    sanctag_gazetteer_unref(x.gz);
    free(x.ids);
    sanctagp_cooc_free(x.c);
    free(with);
    return status;
}
