/* cmd_show.c - `sanctag show`: documents with their spans highlighted, for spot
 * checks in a terminal (colour per label, wrapped to the width, a summary
 * table per document) or as one standalone HTML page to share. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "core/tagger.h"
#include "output/output.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "core/tagger.h"
#include "cli.h"
#include "input.h"
#include "pipeline.h"
#include "show.h"
#include "show_regex.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag show [OPTIONS] [FILE...]\n"
            "\n"
            "Shows each document with its mentions highlighted, for spot checks and for\n"
            "sharing what was found. In a terminal every mention is coloured by label and\n"
            "followed by its entity, e.g. Korut[KP] (the entity key without its label prefix;\n"
            "'!' marks a sanctions-listed entity); without colour a mention is written\n"
            "[Korea Utara][KP]. A table follows each document: entity, name, label, number\n"
            "of mentions, sanctions listing with its programmes and the forms it was written\n"
            "in (long cells wrap, nothing is cut). Inputs are read\n"
            "as by 'sanctag tag': a FILE is one plain-text document, *.jsonl and *.ndjson\n"
            "files are JSON Lines, standard input and *.json files are JSON Lines when their\n"
            "first line is a JSON object (said once on stderr); a DIR is read recursively\n"
            "for *.txt, *.json and *.jsonl files in name order; gzip'd input is\n"
            "decompressed; '-' or no FILE reads standard input.\n"
            "\n"
            "Input and matching:\n"
            "  --jsonl              inputs are JSON Lines, one document object per line\n"
            "  --plain              inputs are plain text, *.jsonl too\n"
            "  --max-doc-size SIZE  longest document or JSON line (default 64M); a longer\n"
            "                       one is reported and skipped\n"
            "  --id-field NAME      field holding the document id (default: id)\n"
            "  --text-field NAME    field holding the text (default: text)\n"
            "  --db PATH            gazetteer database (default: $SANCTAG_DB, else the\n"
            "                       bundled default gazetteer)\n"
            "  --weak               also match weak (low-quality) aliases\n"
            "  --no-propagate       do not resolve short forms and acronyms through earlier\n"
            "                       full mentions\n"
            CLI_NAMES_HELP);
    fputs(cli_listed_help, f);
    fprintf(f,
            "\n"
            "Selecting documents (a feed of thousands; stderr says how many were shown):\n"
            "  --id ID              only the document with this id (repeatable)\n"
            "  --grep PATTERN       only documents whose text matches PATTERN, an ICU\n"
            "                       regular expression ignoring case ('.' matches line\n"
            "                       breaks too); a match that takes too long (a pattern\n"
            "                       that backtracks without end) is a document error\n"
            "  --listed-only, --program, --list-source (above) also select: only documents\n"
            "                       with a mention that passes, only those highlighted\n"
            "  --limit N            at most N documents (the rest of the input is not read)\n"
            "\n"
            "Terminal output:\n"
            "  --color WHEN         auto (default: colour when standard output is a terminal\n"
            "                       and NO_COLOR is unset or empty), always or never\n"
            "  --width N            wrap lines to N columns (0: do not wrap); default: the\n"
            "                       terminal's width, else $COLUMNS, else 80. Mentions are\n"
            "                       never split across lines; wide (CJK) characters count\n"
            "                       two columns\n"
            "\n"
            "HTML output:\n"
            "  --html               write one standalone HTML page (inline CSS, no network\n"
            "                       access, displaCy-like): a legend of labels, every\n"
            "                       document with its mentions highlighted (hover a mention\n"
            "                       for its entity key, name, label, country, alias kind and\n"
            "                       sanctions listing) and its summary table; with more\n"
            "                       than one document a table of contents links to each\n"
            "                       (#doc-1, #doc-2, ...)\n"
            "  --title TEXT         the page title (default: the document id, or \"N\n"
            "                       documents\")\n"
            "  -o, --output FILE    write to FILE, atomically, instead of standard output\n"
            "\n"
            "Running:\n"
            "  -j, --jobs N         worker threads (default: all cores); output order is\n"
            "                       always input order\n"
            "\n"
            "Exit status: 0 ok, 1 some documents could not be tagged (reported on standard\n"
            "error, the others are shown), 2 usage, 3 fatal.\n"
            "\n"
            "Examples:\n"
            "  sanctag show samples/korut-sanksi.txt\n"
            "  echo 'Korut dan AS bertemu di Seoul.' | sanctag show\n"
            "  sanctag show --jsonl feed.jsonl | less -R\n"
            "  sanctag show --grep 'Korut|Korea Utara' --limit 20 feed.jsonl.gz\n"
            "  sanctag show --html --listed-only -o listed.html feed.jsonl\n"
            "  sanctag show --color=always --width 100 article.txt > article.ansi\n"
            "  sanctag show --html -o report.html samples/korut-sanksi.txt\n");
}


/* ---- documents ------------------------------------------------------------------ */

/* Documents go through the shared pipeline: a worker tags a record and renders
 * it into the batch's out (an HTML article without its opening tag, or a
 * terminal document without the blank line before it); the writer adds what
 * depends on the documents before (numbering, separators, the HTML legend and
 * title) in input order. */

/* What a worker leaves for the writer about one record. */
typedef struct shown {
    char *msg;        /* the document could not be shown: why (doc_error) */
    int oom;
    int skipped;      /* not selected (--id, --grep, --listed-only) */
    char *name;       /* its heading (doc_name) */
    size_t nlisted;   /* sanctions-listed entities among those shown */
    size_t nspans;
    char **labels;    /* labels in order of first appearance */
    size_t nlabels;
    json_t *id;       /* the document's id (a reference) */
} shown;

/* A document's name for headings: its id as a string, a non-string id as
 * JSON, or `fallback` ("feed.jsonl:7") when it has none. Owned. */
static char *doc_name(json_t *id, const char *fallback)
{
    if (json_is_string(id))
        return strdup(json_string_value(id));
    if (id && !json_is_null(id)) {
        char *s = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s)
            return s;
    }
    return strdup(fallback);
}

static void doc_error(show_ctx *c, const char *msg)
{
    c->nerrs++;
    if (c->shown++ < 20)
        cli_warn("%s", msg);
    else if (c->shown == 21)
        cli_warn("further document errors are not shown");
}

/* ICU's regex functions, loaded by grep_compile() (show_regex.h) */
static const show_regex_api *rx;

static URegularExpression *grep_clone(const URegularExpression *re);

static void *worker_new(void *ctx)
{
    show_ctx *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    *w = *(const show_ctx *)ctx; /* the configuration */
    memset(&w->buf, 0, sizeof w->buf);
    w->labels = NULL;
    w->nlabels = w->labels_cap = 0;
    w->first_id = NULL;
    w->tg = sanctag_tagger_new(w->gz);
    URegularExpression *re = w->grep ? grep_clone(w->grep) : NULL;
    if (!w->tg || (w->grep && !re)) {
        if (re)
            rx->close(re);
        sanctag_tagger_free(w->tg);
        free(w);
        return NULL;
    }
    w->grep = re;
    return w;
}

static void worker_free(void *arg)
{
    show_ctx *w = arg;
    if (w->grep)
        rx->close(w->grep);
    sanctag_tagger_free(w->tg);
    free(w->labels);
    free(w);
}

static shown *error_result(const char *msg)
{
    shown *r = calloc(1, sizeof *r);
    if (r && !(r->msg = strdup(msg)))
        r->oom = 1;
    return r;
}

/* --listed-only, --program, --list-source: the spans shown */
static int keep_listed(const sanctag_span *s, void *arg)
{
    const show_ctx *w = arg;
    return cli_listed_entity(w->listed, w->gz, s->entity);
}

/* --grep: the time one match may take, in ICU's steps of the match engine
 * (10,000 operations each, a tenth to a half of a millisecond): a document of
 * n bytes gets GREP_STEPS_BASE + n / GREP_BYTES_PER_STEP, about 0.1 to 0.5 s
 * for a news article, a minute or two at most for 64 MiB. A linear scan needs
 * far less (one step for 100,000 bytes and more of news text); even a
 * pattern that backtracks a little (one step for 130 bytes or more, as
 * (\w+\s+){3,}X on an article) passes, and none runs without end. */
#define GREP_STEPS_BASE 1000
#define GREP_BYTES_PER_STEP 256
/* the backtracking stack one match may use (ICU's default, said here) */
#define GREP_STACK_BYTES (8 << 20)

/* --grep for a worker: its own matcher (ICU's are not shared by threads),
 * cloned from the one compiled in cmd_show(). */
static URegularExpression *grep_clone(const URegularExpression *re)
{
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *c = rx->clone(re, &st);
    if (U_FAILURE(st)) {
        if (c)
            rx->close(c);
        return NULL;
    }
    return c;
}

/* 1 when `text` matches, 0 when not, -1 when the match failed (time or stack
 * limit, memory) with why in msg. */
static int grep_match(URegularExpression *re, const char *text, size_t len, char *msg, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, text, (int64_t)len, &st);
    uint64_t steps = GREP_STEPS_BASE + len / GREP_BYTES_PER_STEP;
    rx->set_time_limit(re, steps > INT32_MAX ? INT32_MAX : (int32_t)steps, &st);
    rx->set_stack_limit(re, GREP_STACK_BYTES, &st);
    rx->set_utext(re, &ut, &st);
    UBool found = U_SUCCESS(st) && rx->find(re, 0, &st);
    utext_close(&ut);
    if (U_SUCCESS(st))
        return found ? 1 : 0;
    if (st == U_REGEX_TIME_OUT)
        snprintf(msg, cap, "the match took too long (over the time limit of --grep, %llu "
                 "steps for a document of %zu bytes): the pattern backtracks without end "
                 "here; simplify it", (unsigned long long)steps, len);
    else if (st == U_REGEX_STACK_OVERFLOW)
        snprintf(msg, cap, "the match needs more than %d MB of backtracking stack; simplify "
                 "the pattern", GREP_STACK_BYTES >> 20);
    else
        snprintf(msg, cap, "the match failed: %s", u_errorName(st));
    return -1;
}

/* --id and --grep: 1 when the document is to be shown, 0 when not, -1 when
 * --grep could not tell (why in msg). */
static int selected(const show_ctx *w, const char *name, const char *text, size_t len, char *msg,
                    size_t cap)
{
    if (!name)
        return 1; /* out of memory: show_doc reports it */
    if (w->nids) {
        size_t i = 0;
        while (i < w->nids && strcmp(w->ids[i], name) != 0)
            i++;
        if (i == w->nids)
            return 0;
    }
    return w->grep ? grep_match(w->grep, text, len, msg, cap) : 1;
}

/* Tags and renders one document into the batch's out. */
static shown *show_doc(show_ctx *w, pl_batch *b, json_t *id, const char *where, const char *text,
                       size_t len)
{
    char *name = doc_name(id, where);
    char why[300];
    int sel = selected(w, name, text, len, why, sizeof why);
    if (sel < 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, "%s: --grep '%s': %s", where, w->grep_pattern, why);
        free(name);
        return error_result(msg);
    }
    if (!sel) {
        free(name);
        shown *r = calloc(1, sizeof *r);
        if (r)
            r->skipped = 1;
        return r;
    }
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_tagger_tag(w->tg, text, len, w->flags, &e)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s: %s", where, e.text);
        free(name);
        return error_result(msg);
    }
    if (w->listed->on && sanctagp_tagger_keep_spans(w->tg, keep_listed, w) == 0) {
        free(name);
        shown *r = calloc(1, sizeof *r);
        if (r)
            r->skipped = 1;
        return r;
    }
    shown *r = calloc(1, sizeof *r);
    doc_view v;
    memset(&v, 0, sizeof v);
    w->buf = b->out; /* render straight into the batch */
    w->oom = 0;
    w->nlabels = w->labels_cap = 0;
    w->labels = NULL;
    if (!r || !name || view_build(w, &v, text, len)) {
        w->oom = 1;
    } else if (w->html) {
        html_doc(w, name, &v);
    } else {
        term_doc(w, name, &v);
    }
    b->out = w->buf;
    memset(&w->buf, 0, sizeof w->buf);
    if (r) {
        r->oom = w->oom;
        r->nspans = v.n;
        for (size_t i = 0; i < v.nents; i++) {
            sanctag_entity ent;
            r->nlisted += sanctag_gazetteer_entity(w->gz, v.ents[i].entity, &ent) == 0 &&
                          ent.listed;
        }
        r->name = name;
        name = NULL;
        r->id = json_incref(id);
        r->labels = w->labels;
        r->nlabels = w->nlabels;
    } else {
        for (size_t i = 0; i < w->nlabels; i++)
            free(w->labels[i]);
        free(w->labels);
    }
    w->labels = NULL;
    w->nlabels = w->labels_cap = 0;
    view_free(&v);
    free(name);
    return r;
}

/* A JSON Lines record: parsed here, errors as messages. */
static shown *show_line(show_ctx *w, pl_batch *b, const pl_item *it)
{
    char where[512], msg[1200];
    snprintf(where, sizeof where, "%s:%ld", it->in->name, it->line);
    json_error_t je;
    json_t *o = sanctagp_json_load_line(pl_data(b, it), it->len, JSON_ALLOW_NUL,
                                       w->text_field, &je);
    json_t *text = json_is_object(o) ? json_object_get(o, w->text_field) : NULL;
    shown *r;
    if (!o) {
        snprintf(msg, sizeof msg, "%s:%d: malformed JSON: %s", where, je.column, je.text);
        r = error_result(msg);
    } else if (!json_is_object(o)) {
        snprintf(msg, sizeof msg, "%s: line is not a JSON object", where);
        r = error_result(msg);
    } else if (!json_is_string(text)) {
        snprintf(msg, sizeof msg, text ? "%s: field '%s' is not a string" : "%s: no field '%s'",
                 where, w->text_field);
        r = error_result(msg);
    } else {
        r = show_doc(w, b, json_object_get(o, w->id_field), where, json_string_value(text),
                     json_string_length(text));
    }
    json_decref(o);
    return r;
}

static void process_item(void *arg, pl_batch *b, pl_item *it)
{
    show_ctx *w = arg;
    if (it->kind == FEED_REC_LINE) {
        it->result = show_line(w, b, it);
    } else if (it->kind == FEED_REC_DOC) {
        const char *path = it->in->path;
        json_t *id = json_string(path);
        if (!id)
            id = json_null(); /* a file name that is not UTF-8 */
        it->result = show_doc(w, b, id, it->in->name, pl_data(b, it), it->len);
        json_decref(id);
    } else {
        return; /* read errors: the writer reports them */
    }
    if (!it->result)
        b->oom = 1;
}

/* The writer's state beyond the show_ctx it renders the page into. */
typedef struct show_run {
    show_ctx c;        /* first: workers copy the configuration from it */
    int unreadable, failed;
    uint64_t max_doc;  /* --max-doc-size */
    long limit, nshown; /* --limit (0: none), documents shown */
    long nskipped;      /* documents not selected */
} show_run;

static void input_error(show_run *s, const pl_item *it)
{
    s->unreadable = 1;
    if (it->kind == FEED_REC_OPEN_ERR)
        cli_warn("%s: cannot open: %s", it->in->path, strerror(it->err));
    else if (it->in->mode == FEED_PLAIN)
        cli_warn("%s: cannot read: %s", it->in->name, strerror(it->err));
    else
        cli_warn("%s: read error after line %ld", it->in->name, it->line);
}

/* One shown document, in order: returns -1 when output failed. */
static int write_doc(show_run *s, const pl_batch *b, const pl_item *it, shown *r)
{
    show_ctx *c = &s->c;
    for (size_t i = 0; i < r->nlabels; i++)
        add_label(c, r->labels[i]);
    if (!c->first_id && r->id)
        c->first_id = json_incref(r->id);
    c->nspans_total += (long)r->nspans;
    if (c->html) {
        html_doc_open(c);
        show_put(c, b->out.p + it->out_off, it->out_len);
        html_toc_add(c, r->name ? r->name : "?", r->nspans, r->nlisted);
    } else if (c->ndocs++ && fputs("\n", c->out) == EOF) {
        return -1;
    }
    if (c->oom || r->oom) {
        cli_warn("out of memory");
        return -1;
    }
    if (!c->html && it->out_len && fwrite(b->out.p + it->out_off, 1, it->out_len, c->out) != it->out_len)
        return -1;
    return 0;
}

static void shown_free(shown *r)
{
    for (size_t i = 0; i < r->nlabels; i++)
        free(r->labels[i]);
    free(r->labels);
    free(r->msg);
    free(r->name);
    json_decref(r->id);
    free(r);
}

static int write_batch(void *ctx, pl_batch *b)
{
    show_run *s = ctx;
    for (size_t i = 0; i < b->n; i++) {
        pl_item *it = &b->items[i];
        shown *r = it->result;
        if (s->failed || (s->limit && s->nshown >= s->limit)) {
            /* stopped, or --limit reached: what is in flight is dropped */
        } else if (r && r->skipped) {
            s->nskipped++;
        } else if (it->kind == FEED_REC_OPEN_ERR || it->kind == FEED_REC_READ_ERR) {
            input_error(s, it);
        } else if (it->kind == FEED_REC_TOOBIG) {
            char msg[700];
            doc_error(&s->c, feed_too_big_msg(msg, sizeof msg, it->in->name, it->line, it->size,
                                              s->max_doc, it->err));
        } else if (!r) {
            cli_warn("out of memory");
            s->failed = 1;
        } else if (r->msg) {
            doc_error(&s->c, r->msg);
            if (r->oom) {
                cli_warn("out of memory");
                s->failed = 1;
            }
        } else if (write_doc(s, b, it, r)) {
            s->failed = 1;
        } else {
            s->nshown++;
        }
        if (r)
            shown_free(r);
    }
    return s->failed || (s->limit && s->nshown >= s->limit);
}

/* ---- the command ------------------------------------------------------------ */

static size_t default_width(FILE *out)
{
    struct winsize ws;
    if (out == stdout && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        unsigned long n = strtoul(cols, &end, 10);
        if (*end == 0 && n > 0 && n < 10000)
            return n;
    }
    return 80;
}

static int show_run_all(show_run *runp, show_ctx *cp, const char *db, int weak, int mode,
                        int jobs, const char *outpath, const char *color, long width, int npaths,
                        char **paths);

/* --grep PATTERN compiled: ignoring case, '.' matching line breaks too (as
 * the POSIX extended expressions of earlier versions did). NULL with why in
 * msg when it is not a pattern. */
static URegularExpression *grep_compile(const char *pattern, char *msg, size_t cap,
                                        int *no_library)
{
    *no_library = 0;
    if (!rx && !(rx = show_regex_load(msg, cap))) {
        *no_library = 1; /* the machine's fault, not the pattern's */
        return NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, pattern, -1, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) {
        snprintf(msg, cap, "not UTF-8");
        return NULL;
    }
    st = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)n + 1) * sizeof *u);
    if (!u) {
        snprintf(msg, cap, "out of memory");
        return NULL;
    }
    u_strFromUTF8(u, n + 1, NULL, pattern, -1, &st);
    UParseError pe;
    memset(&pe, 0, sizeof pe);
    URegularExpression *re = U_SUCCESS(st) ? rx->open(u, n, UREGEX_CASE_INSENSITIVE |
                                                              UREGEX_DOTALL, &pe, &st)
                                           : NULL;
    free(u);
    if (U_FAILURE(st)) {
        if (re)
            rx->close(re);
        snprintf(msg, cap, "%s at character %d", u_errorName(st), (int)pe.offset + 1);
        return NULL;
    }
    return re;
}

int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"jsonl", no_argument, NULL, 'l'},
        {"plain", no_argument, NULL, 'p'},
        {"max-doc-size", required_argument, NULL, 'M'},
        {"jobs", required_argument, NULL, 'j'},
        {"id-field", required_argument, NULL, 'I'},
        {"text-field", required_argument, NULL, 'T'},
        {"weak", no_argument, NULL, 'w'},
        {"no-propagate", no_argument, NULL, 'P'},
        {"names", required_argument, NULL, 'N'},
        {"color", required_argument, NULL, 'C'},
        {"colour", required_argument, NULL, 'C'},
        {"width", required_argument, NULL, 'W'},
        {"html", no_argument, NULL, 'H'},
        {"title", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"listed-only", no_argument, NULL, 'L'},
        {"program", required_argument, NULL, 'G'},
        {"list-source", required_argument, NULL, 'U'},
        {"id", required_argument, NULL, 'i'},
        {"grep", required_argument, NULL, 'g'},
        {"limit", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    static cli_listed listed; /* the workers' filter, for the whole run */
    show_run run;
    memset(&run, 0, sizeof run);
    show_ctx c;
    memset(&c, 0, sizeof c);
    c.flags = SANCTAG_TAG_NAMES;
    c.id_field = "id";
    c.text_field = "text";
    c.listed = &listed;
    const char *db = NULL, *outpath = NULL, *color = "auto", *grep = NULL;
    long width = -1;
    int mode = FEED_AUTO, weak = 0, ch, jobs = pl_default_jobs();
    run.max_doc = FEED_DEFAULT_MAX_DOC;
    while ((ch = getopt_long(argc, argv, "ho:j:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'd': db = optarg; break;
        case 'l': mode = FEED_JSONL; break;
        case 'p': mode = FEED_PLAIN_FORCED; break;
        case 'M':
            if (cli_parse_size(optarg, &run.max_doc))
                return cli_usage("show", "--max-doc-size must be a size such as 64M or 2G, not "
                                 "'%s'", optarg);
            break;
        case 'j':
            if (pl_parse_jobs(optarg, &jobs))
                return cli_usage("show", "--jobs must be a number from 1 to 1024, not '%s'",
                                 optarg);
            break;
        case 'I': c.id_field = optarg; break;
        case 'T': c.text_field = optarg; break;
        case 'w': weak = 1; break;
        case 'P': c.flags |= SANCTAG_TAG_NO_PROPAGATE; break;
        case 'N':
            if (cli_names_option("show", optarg, &c.flags))
                return EXIT_USAGE;
            break;
        case 'C':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                return cli_usage("show", "--color must be auto, always or never, not '%s'",
                                 optarg);
            color = optarg;
            break;
        case 'W': {
            char *end;
            errno = 0;
            width = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || width < 0 || width > 100000)
                return cli_usage("show", "--width must be a number of columns (0: no wrapping), "
                                         "not '%s'", optarg);
            if (width > 0 && width < 20)
                width = 20; /* room for a mention and a table */
            break;
        }
        case 'H': c.html = 1; break;
        case 't': c.title = optarg; break;
        case 'o': outpath = optarg; break;
        case 'L':
        case 'G':
        case 'U': {
            int rc = cli_listed_option(&listed, "show", ch == 'G' ? 'p' : ch == 'U' ? 's' : 'L',
                                       optarg);
            if (rc != EXIT_OK_)
                return rc;
            break;
        }
        case 'i': {
            char **v = realloc(c.ids, (c.nids + 1) * sizeof *v);
            if (!v) {
                cli_warn("out of memory");
                return EXIT_FATAL;
            }
            c.ids = v;
            c.ids[c.nids++] = optarg;
            break;
        }
        case 'g': grep = optarg; break;
        case 'n': {
            char *end;
            errno = 0;
            run.limit = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || run.limit < 1)
                return cli_usage("show", "--limit must be a number of documents (1 or more), "
                                         "not '%s'", optarg);
            break;
        }
        default:
            return cli_bad_option("show", argv, opts, "ho:j:");
        }
    }
    if (grep) {
        char why[600];
        int no_library;
        if (!(c.grep = grep_compile(grep, why, sizeof why, &no_library))) {
            free(c.ids);
            if (no_library) {
                cli_warn("show --grep: %s", why);
                return EXIT_FATAL;
            }
            return cli_usage("show", "--grep '%s': %s", grep, why);
        }
        c.grep_pattern = grep;
    }
    int rc = show_run_all(&run, &c, db, weak, mode, jobs, outpath, color, width, argc - optind,
                          argv + optind);
    if (c.grep)
        rx->close(c.grep);
    free(c.ids);
    return rc;
}

/* The run of cmd_show() once the options are read. */
static int show_run_all(show_run *runp, show_ctx *cp, const char *db, int weak, int mode,
                        int jobs, const char *outpath, const char *color, long width, int npaths,
                        char **paths)
{
    show_run run = *runp;
    show_ctx c = *cp;
    if (cli_open_gazetteer(db, weak ? SANCTAG_OPEN_WEAK : 0, &c.gz))
        return EXIT_FATAL;
    cli_listed_check(c.listed, c.gz);
    feed_inputs inputs;
    cli_out out;
    if (feed_expand(&inputs, paths, npaths, mode)) {
        cli_warn("out of memory");
        sanctag_gazetteer_unref(c.gz);
        return EXIT_FATAL;
    }
    inputs.max_doc = run.max_doc;
    if (cli_out_open(&out, outpath)) {
        feed_inputs_free(&inputs);
        sanctag_gazetteer_unref(c.gz);
        return EXIT_FATAL;
    }
    c.out = out.f;
    if (!c.html) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        if (strcmp(color, "always") == 0)
            c.color = 1;
        else if (strcmp(color, "auto") == 0)
            c.color = c.out == stdout && isatty(STDOUT_FILENO) && !(nc && *nc) &&
                      !(term && strcmp(term, "dumb") == 0);
        c.width = width >= 0 ? (size_t)width : default_width(c.out);
    }
    static const pl_ops ops = {worker_new, worker_free, process_item, write_batch, NULL, NULL};
    run.c = c;
    int prc = pl_run(&ops, &run, &inputs, 0, jobs, NULL);
    c = run.c;
    int unreadable = run.unreadable, failed = run.failed || prc != 0;
    if (prc == -1)
        cli_warn("out of memory");
    if (!failed && c.html && html_write(&c))
        failed = 1;
    int closed = cli_out_close(&out, !failed && !unreadable);
    if (failed && closed == 0)
        cli_warn("%s: write error: %s", outpath ? outpath : "standard output",
                 c.oom ? "out of memory" : strerror(errno));
    if (c.nerrs)
        cli_warn("%ld document%s could not be shown", c.nerrs, c.nerrs == 1 ? "" : "s");
    if (c.nids || c.grep || c.listed->on || run.limit)
        cli_warn("%ld document%s shown, %ld not selected%s", run.nshown,
                 run.nshown == 1 ? "" : "s", run.nskipped,
                 run.limit && run.nshown >= run.limit ? "; --limit reached, the rest not read"
                                                      : "");
    for (size_t i = 0; i < c.nlabels; i++)
        free(c.labels[i]);
    free(c.labels);
    json_decref(c.first_id);
    sanctagp_buf_release(&c.buf);
    sanctagp_buf_release(&c.toc);
    feed_inputs_free(&inputs);
    sanctag_gazetteer_unref(c.gz);
    if (failed || closed || unreadable)
        return EXIT_FATAL;
    return c.nerrs ? EXIT_DOCS : EXIT_OK_;
}
