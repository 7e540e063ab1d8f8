/* cmd_tag.c - `sanctag tag`: documents in, one JSON line per document out,
 * in input order, errors included. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../emit.h"
#include "../text.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag tag [OPTIONS] [FILE...]\n"
            "\n"
            "Tags documents and writes one JSON object per document to standard output, in\n"
            "input order. Without --jsonl each FILE is one plain-text document (its id is the\n"
            "file name); '-' or no FILE reads standard input.\n"
            "\n"
            "Input:\n"
            "  --jsonl              inputs are JSON Lines, one document object per line;\n"
            "                       blank lines are skipped\n"
            "  --id-field NAME      field holding the document id (default: id)\n"
            "  --text-field NAME    field holding the text (default: text)\n"
            "\n"
            "Matching:\n"
            "  --db PATH            gazetteer database (default: $SANCTAG_DB, else the bundled\n"
            "                       default gazetteer)\n"
            "  --all                also emit nested and overlapping matches (marked\n"
            "                       \"nested\": true); default is leftmost-longest\n"
            "  --weak               also match weak (low-quality) aliases\n"
            "  --suppressors        also emit suppressor matches such as \"dolar AS\"\n"
            "                       (marked \"suppressor\": true), to see why nothing matched\n"
            "  --no-propagate       do not resolve short forms (\"Kim\" after \"Kim Jong Un\")\n"
            "                       and acronyms defined in parentheses through earlier full\n"
            "                       mentions in the same document (marked \"propagated\": true)\n"
            "\n"
            "Output:\n"
            "  --offsets UNIT       codepoint (default), byte or utf16: the unit of start/end\n"
            "  --sentences          add each span's sentence index and the sentence ranges\n"
            "  -o, --output FILE    write to FILE, atomically (all or nothing)\n"
            "\n"
            "A document that cannot be tagged (invalid UTF-8, NUL byte, empty, malformed\n"
            "JSON line, missing text field) still gets its output line, with an \"error\"\n"
            "object naming the input and position; the run goes on and exits with status 1.\n"
            "Exit status: 0 ok, 1 some documents had errors, 2 usage, 3 fatal.\n"
            "\n"
            "Examples:\n"
            "  sanctag tag article.txt\n"
            "  sanctag tag --jsonl --offsets byte feed.jsonl -o tagged.jsonl\n"
            "  zcat feed.jsonl.gz | sanctag tag --jsonl --text-field body --id-field url -\n"
            "  echo 'Korut dan AS bertemu di Seoul.' | sanctag tag\n");
}

typedef struct tag_ctx {
    sanctag_gazetteer *gz;
    sanctag_tagger *tg;
    unsigned flags;
    sanctagp_emit_opts eo;
    FILE *out;
    const char *id_field, *text_field;
    long ndocs, nerrs, shown;
    int write_failed;
    sanctagp_buf buf;
} tag_ctx;

/* Writes and clears the serialised record(s) in c->buf. */
static int flush_doc(tag_ctx *c, int rc)
{
    if (rc) {
        cli_warn("out of memory");
        c->write_failed = 1;
        return -1;
    }
    if (c->buf.len && fwrite(c->buf.p, 1, c->buf.len, c->out) != c->buf.len) {
        c->write_failed = 1;
        return -1;
    }
    c->buf.len = 0;
    return 0;
}

static void report(tag_ctx *c, const char *msg)
{
    c->nerrs++;
    if (c->shown++ < 20)
        cli_warn("%s", msg);
    else if (c->shown == 21)
        cli_warn("further document errors are not shown here (see their \"error\" objects)");
}

/* Tags one document; `where` names it for messages ("feed.jsonl:7"). */
static void tag_one(tag_ctx *c, json_t *id, const char *text, size_t len, const char *file,
                    long line, const char *where, const char *field)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    c->ndocs++;
    int rc = sanctag_tagger_tag(c->tg, text, len, c->flags, &e);
    if (rc == 0) {
        flush_doc(c, sanctagp_format_doc(&c->buf, &c->eo, c->tg, c->gz, id, text, len));
        return;
    }
    if (rc == SANCTAG_E_EMPTY)
        e.position = -1;
    /* name the input, the field and the position as line:column in the text */
    char msg[1200], fp[160] = "";
    if (field)
        snprintf(fp, sizeof fp, "field '%s': ", field);
    if (e.position >= 0 && (size_t)e.position <= len && rc != SANCTAG_E_EMPTY) {
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
    report(c, msg);
    flush_doc(c, sanctagp_format_error(&c->buf, &c->eo, c->gz, id, &e, file, line, text));
}

static void record_error(tag_ctx *c, json_t *id, int code, const char *file, long line,
                         long column, const char *fmt, const char *detail)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.column = column;
    e.position = -1;
    char buf[400];
    snprintf(buf, sizeof buf, fmt, detail);
    if (column > 0)
        snprintf(e.text, sizeof e.text, "%s:%ld:%ld: %s", file, line, column, buf);
    else
        snprintf(e.text, sizeof e.text, "%s:%ld: %s", file, line, buf);
    c->ndocs++;
    report(c, e.text);
    flush_doc(c, sanctagp_format_error(&c->buf, &c->eo, c->gz, id, &e, file, line, NULL));
}

/* An input that cannot be opened or read still gets its output line, so
 * outputs stay aligned with inputs. */
static void input_error(tag_ctx *c, const char *path, const char *what, int err)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    e.code = SANCTAG_E_IO;
    e.position = -1;
    snprintf(e.text, sizeof e.text, "%s: %s: %s", path, what, strerror(err));
    c->ndocs++;
    report(c, e.text);
    json_t *id = sanctagp_json_string_lossy(path);
    flush_doc(c, sanctagp_format_error(&c->buf, &c->eo, c->gz, id, &e, path, 0, NULL));
    json_decref(id);
}

/* Reads a whole stream (a plain-text document). */
static char *read_all(FILE *f, size_t *ret_len)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len == cap) {
            char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *ret_len = len;
    return buf;
}

static int tag_plain(tag_ctx *c, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        errno = EISDIR;
        f = NULL;
    }
    if (!f) {
        input_error(c, path, "cannot open", errno);
        return -1;
    }
    size_t len = 0;
    char *text = read_all(f, &len);
    int saved = errno;
    if (!is_stdin)
        fclose(f);
    if (!text) {
        input_error(c, name, "cannot read", saved);
        return -1;
    }
    json_t *id = sanctagp_json_string_lossy(is_stdin ? "-" : path);
    tag_one(c, id, text, len, name, 0, name, NULL);
    json_decref(id);
    free(text);
    return 0;
}

static int tag_jsonl(tag_ctx *c, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        errno = EISDIR;
        f = NULL;
    }
    if (!f) {
        input_error(c, path, "cannot open", errno);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0 && !c->write_failed) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue; /* blank line: not a document */
        json_error_t je;
        json_t *o = json_loadb(line, len, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
        if (!o) {
            record_error(c, NULL, SANCTAG_E_JSON, name, lineno, je.column,
                         "malformed JSON: %s", je.text);
            continue;
        }
        if (!json_is_object(o)) {
            record_error(c, NULL, SANCTAG_E_FORMAT, name, lineno, 0,
                         "line is a JSON %s, not an object",
                         json_is_array(o)    ? "array"
                         : json_is_string(o) ? "string"
                         : json_is_number(o) ? "number"
                         : json_is_null(o)   ? "null"
                                             : "boolean");
            json_decref(o);
            continue;
        }
        json_t *id = json_object_get(o, c->id_field);
        json_t *text = json_object_get(o, c->text_field);
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", name, lineno);
        if (!text || !json_is_string(text)) {
            record_error(c, id, SANCTAG_E_FORMAT, name, lineno, 0,
                         text ? "field '%s' is not a string" : "no field '%s'", c->text_field);
        } else {
            tag_one(c, id, json_string_value(text), json_string_length(text), name, lineno, where,
                    c->text_field);
        }
        json_decref(o);
    }
    int bad = ferror(f);
    free(line);
    if (!is_stdin)
        fclose(f);
    else
        clearerr(stdin);
    if (bad) {
        char what[64];
        snprintf(what, sizeof what, "read error after line %ld", lineno);
        input_error(c, name, what, EIO);
        return -1;
    }
    return 0;
}

int cmd_tag(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"jsonl", no_argument, NULL, 'j'},
        {"id-field", required_argument, NULL, 'I'},
        {"text-field", required_argument, NULL, 'T'},
        {"offsets", required_argument, NULL, 'O'},
        {"all", no_argument, NULL, 'a'},
        {"weak", no_argument, NULL, 'w'},
        {"suppressors", no_argument, NULL, 'S'},
        {"sentences", no_argument, NULL, 's'},
        {"no-propagate", no_argument, NULL, 'P'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    tag_ctx c;
    memset(&c, 0, sizeof c);
    c.id_field = "id";
    c.text_field = "text";
    c.eo.unit = 1; /* codepoint */
    const char *db = NULL, *outpath = NULL;
    int jsonl = 0, weak = 0, ch;
    while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'd': db = optarg; break;
        case 'j': jsonl = 1; break;
        case 'I': c.id_field = optarg; break;
        case 'T': c.text_field = optarg; break;
        case 'O':
            c.eo.unit = sanctagp_offset_unit(optarg);
            if (c.eo.unit < 0)
                return cli_usage("tag", "--offsets must be byte, codepoint or utf16, not '%s'",
                                 optarg);
            break;
        case 'a': c.flags |= SANCTAG_TAG_ALL; break;
        case 'w': weak = 1; break;
        case 'S': c.flags |= SANCTAG_TAG_SUPPRESSORS; break;
        case 's': c.eo.sentences = 1; break;
        case 'P': c.flags |= SANCTAG_TAG_NO_PROPAGATE; break;
        case 'o': outpath = optarg; break;
        default:
            fprintf(stderr, "Try 'sanctag tag --help'.\n");
            return EXIT_USAGE;
        }
    }
    const char *dbpath = cli_find_db(db);
    if (!dbpath)
        return EXIT_FATAL;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_gazetteer_open(dbpath, weak ? SANCTAG_OPEN_WEAK : 0, &c.gz, &e)) {
        cli_error(&e);
        return EXIT_FATAL;
    }
    c.tg = sanctag_tagger_new(c.gz);
    cli_out out;
    if (!c.tg || cli_out_open(&out, outpath)) {
        if (!c.tg)
            cli_warn("out of memory");
        sanctag_tagger_free(c.tg);
        sanctag_gazetteer_unref(c.gz);
        return EXIT_FATAL;
    }
    c.out = out.f;
    int fatal = 0;
    static char *stdin_only[] = {"-"};
    char **inputs = optind < argc ? argv + optind : stdin_only;
    int ninputs = optind < argc ? argc - optind : 1;
    for (int i = 0; i < ninputs && !c.write_failed; i++) {
        int rc = jsonl ? tag_jsonl(&c, inputs[i]) : tag_plain(&c, inputs[i]);
        if (rc)
            fatal = 1; /* an unreadable input: go on with the others, fail at the end */
    }
    int closed = cli_out_close(&out, !c.write_failed && !fatal);
    if (c.write_failed && closed == 0)
        cli_warn("%s: write error: %s", outpath ? outpath : "standard output", strerror(errno));
    if (c.nerrs)
        cli_warn("%ld of %ld documents had errors (see their \"error\" objects)", c.nerrs,
                 c.ndocs);
    sanctagp_buf_release(&c.buf);
    sanctag_tagger_free(c.tg);
    sanctag_gazetteer_unref(c.gz);
    if (c.write_failed || closed || fatal)
        return EXIT_FATAL;
    return c.nerrs ? EXIT_DOCS : EXIT_OK_;
}
