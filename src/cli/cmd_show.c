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
#include <unicode/utf8.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "cli.h"

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
            "of mentions, sanctions listing and the forms it was written in. Without --jsonl\n"
            "each FILE is one plain-text document; '-' or no FILE reads standard input.\n"
            "\n"
            "Input and matching:\n"
            "  --jsonl              inputs are JSON Lines, one document object per line\n"
            "  --id-field NAME      field holding the document id (default: id)\n"
            "  --text-field NAME    field holding the text (default: text)\n"
            "  --db PATH            gazetteer database (default: $SANCTAG_DB, else the\n"
            "                       bundled default gazetteer)\n"
            "  --weak               also match weak (low-quality) aliases\n"
            "  --no-propagate       do not resolve short forms and acronyms through earlier\n"
            "                       full mentions\n"
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
            "                       sanctions listing) and its summary table\n"
            "  --title TEXT         the page title (default: the document id, or \"N\n"
            "                       documents\")\n"
            "  -o, --output FILE    write to FILE, atomically, instead of standard output\n"
            "\n"
            "Exit status: 0 ok, 1 some documents could not be tagged (reported on standard\n"
            "error, the others are shown), 2 usage, 3 fatal.\n"
            "\n"
            "Examples:\n"
            "  sanctag show samples/korut-sanksi.txt\n"
            "  echo 'Korut dan AS bertemu di Seoul.' | sanctag show\n"
            "  sanctag show --jsonl feed.jsonl | less -R\n"
            "  sanctag show --color=always --width 100 article.txt > article.ansi\n"
            "  sanctag show --html -o report.html samples/korut-sanksi.txt\n");
}

/* ---- labels and colours ---------------------------------------------------- */

/* Colours in the displaCy palette, with the nearest xterm-256 colour for the
 * terminal. Known labels have fixed colours; any other label is hashed into
 * the spare ones, so a label keeps its colour from run to run. */
typedef struct colour {
    const char *html;
    int ansi;
} colour;

static const struct {
    const char *label;
    colour c;
} known_labels[] = {
    {"COUNTRY", {"#feca74", 222}},  {"LOCATION", {"#ff9561", 209}},
    {"ORG", {"#7aecec", 123}},      {"PERSON", {"#aa9cfc", 147}},
    {"VESSEL", {"#9cc9cc", 152}},   {"CURRENCY", {"#e4e7d2", 187}},
};
static const colour spare[] = {
    {"#bfeeb7", 157}, {"#c887fb", 177}, {"#ffeb80", 228},
    {"#ff8197", 210}, {"#f0d0ff", 225}, {"#bfe1d9", 195},
};

static colour label_colour(const char *label)
{
    for (size_t i = 0; i < sizeof known_labels / sizeof *known_labels; i++)
        if (strcmp(label, known_labels[i].label) == 0)
            return known_labels[i].c;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        h = (h ^ *p) * 16777619u;
    return spare[h % (sizeof spare / sizeof *spare)];
}

/* The short entity shown after a mention: the key without a prefix that only
 * repeats the label ("country:KP" -> "KP", "org:un" -> "un"), else the key. */
static const char *short_key(const char *key, const char *label)
{
    const char *colon = strchr(key, ':');
    if (!colon || !colon[1])
        return key;
    size_t n = (size_t)(colon - key);
    if (strlen(label) != n)
        return key;
    for (size_t i = 0; i < n; i++) {
        char a = key[i], b = label[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return key;
    }
    return colon + 1;
}

/* ---- text measuring --------------------------------------------------------- */

/* Control characters, and -1 (a byte that is not UTF-8, see next_cp): shown
 * as U+FFFD. */
static int is_control(UChar32 c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

/* Columns a code point takes in a terminal: 2 for East Asian wide and
 * fullwidth, 0 for combining marks and format characters, else 1 (a control
 * character is shown as U+FFFD, one column). */
static int cp_width(UChar32 c)
{
    if (is_control(c))
        return 1;
    int gc = u_charType(c);
    if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_FORMAT_CHAR)
        return 0;
    if (c >= 0x1160 && c <= 0x11FF) /* Hangul medial vowels and final consonants */
        return 0;
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

/* The code point at s[*i] (n bytes in all), advancing *i; -1 for a byte that
 * does not start valid UTF-8 (only file names can hold one: documents are
 * checked before they are tagged). */
static UChar32 next_cp(const char *s, size_t *i, size_t n)
{
    UChar32 c;
    int32_t k = 0;
    U8_NEXT((const uint8_t *)s + *i, k, (int32_t)(n - *i < INT32_MAX ? n - *i : INT32_MAX), c);
    *i += (size_t)(k > 0 ? k : 1);
    return c < 0 ? -1 : c;
}

/* Display width of `n` bytes of UTF-8. */
static size_t str_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;)
        w += (size_t)cp_width(next_cp(s, &i, n));
    return w;
}

static int is_newline(UChar32 c)
{
    return c == '\n' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int is_space(UChar32 c)
{
    return c == ' ' || c == '\t' || c == '\r' || (c > 0x7F && u_isUWhiteSpace(c) && !is_newline(c));
}

/* ---- the command's state ----------------------------------------------------- */

typedef struct form {
    char *text;   /* surface form, line breaks as spaces */
    size_t count;
} form;

/* One entity mentioned in the document shown. */
typedef struct ent_sum {
    uint32_t entity;
    size_t mentions, first;
    form *forms;
    size_t nforms, forms_cap;
} ent_sum;

typedef struct show_ctx {
    sanctag_gazetteer *gz;
    sanctag_tagger *tg;
    unsigned flags;
    int color, html;
    size_t width;             /* 0: no wrapping */
    const char *id_field, *text_field, *title;
    FILE *out;
    sanctagp_buf buf;         /* terminal: one document; HTML: every article */
    long ndocs, nerrs, shown, nspans_total;
    int oom;
    /* labels seen (HTML legend), in order of first appearance */
    char **labels;
    size_t nlabels, labels_cap;
    json_t *first_id;         /* the first document's id, for the HTML title */
} show_ctx;

/* Spans shown: the non-overlapping, non-suppressor cover. */
typedef struct doc_view {
    const char *text;
    size_t len;
    sanctag_span *sp;
    size_t n;
    ent_sum *ents;
    size_t nents;
} doc_view;

static void put(show_ctx *c, const char *s, size_t n)
{
    if (!c->oom && sanctagp_buf_append(&c->buf, s, n))
        c->oom = 1;
}

static void puts_(show_ctx *c, const char *s)
{
    put(c, s, strlen(s));
}

static void putf(show_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(show_ctx *c, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(c, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Appends text for a terminal: control characters as U+FFFD, and, when
 * `flatten`, line breaks and tabs as spaces. */
static void put_term_text(show_ctx *c, const char *s, size_t n, int flatten)
{
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        UChar32 cp = next_cp(s, &i, n);
        const char *repl = NULL;
        if (flatten && (is_newline(cp) || cp == '\t' || cp == '\r'))
            repl = " ";
        else if (is_control(cp))
            repl = "\xEF\xBF\xBD";
        if (repl) {
            put(c, s + from, at - from);
            puts_(c, repl);
            from = i;
        }
    }
    put(c, s + from, n - from);
}

static void add_label(show_ctx *c, const char *label)
{
    for (size_t i = 0; i < c->nlabels; i++)
        if (strcmp(c->labels[i], label) == 0)
            return;
    if (c->nlabels == c->labels_cap) {
        size_t nc = c->labels_cap ? c->labels_cap * 2 : 8;
        char **p = realloc(c->labels, nc * sizeof *p);
        if (!p) {
            c->oom = 1;
            return;
        }
        c->labels = p;
        c->labels_cap = nc;
    }
    char *dup = strdup(label);
    if (!dup) {
        c->oom = 1;
        return;
    }
    c->labels[c->nlabels++] = dup;
}

/* ---- building the view of a document -------------------------------------- */

static char *flat_copy(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
    d[n] = 0;
    return d;
}

static int ent_cmp(const void *x, const void *y)
{
    const ent_sum *a = x, *b = y;
    if (a->mentions != b->mentions)
        return a->mentions > b->mentions ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

static void view_free(doc_view *v)
{
    for (size_t i = 0; i < v->nents; i++) {
        for (size_t k = 0; k < v->ents[i].nforms; k++)
            free(v->ents[i].forms[k].text);
        free(v->ents[i].forms);
    }
    free(v->ents);
    free(v->sp);
    memset(v, 0, sizeof *v);
}

/* Collects the spans to show and the per-entity summary. Returns 0 or -1 on
 * out of memory. */
static int view_build(show_ctx *c, doc_view *v, const char *text, size_t len)
{
    memset(v, 0, sizeof *v);
    v->text = text;
    v->len = len;
    size_t n;
    const sanctag_span *sp = sanctag_tagger_spans(c->tg, &n);
    v->sp = malloc((n ? n : 1) * sizeof *v->sp);
    v->ents = calloc(n ? n : 1, sizeof *v->ents);
    if (!v->sp || !v->ents)
        return -1;
    size_t last_end = 0;
    for (size_t i = 0; i < n; i++) {
        sanctag_entity e;
        if ((sp[i].flags & (SANCTAG_SPAN_NESTED | SANCTAG_SPAN_SUPPRESSOR)) ||
            sp[i].start < last_end || sanctag_gazetteer_entity(c->gz, sp[i].entity, &e))
            continue;
        last_end = sp[i].end;
        v->sp[v->n++] = sp[i];
        add_label(c, e.label);
        ent_sum *es = NULL;
        for (size_t k = 0; k < v->nents; k++)
            if (v->ents[k].entity == sp[i].entity)
                es = &v->ents[k];
        if (!es) {
            es = &v->ents[v->nents++];
            es->entity = sp[i].entity;
            es->first = sp[i].start;
        }
        es->mentions++;
        char *f = flat_copy(text + sp[i].start, sp[i].end - sp[i].start);
        if (!f)
            return -1;
        size_t k;
        for (k = 0; k < es->nforms; k++)
            if (strcmp(es->forms[k].text, f) == 0)
                break;
        if (k < es->nforms) {
            es->forms[k].count++;
            free(f);
            continue;
        }
        if (es->nforms == es->forms_cap) {
            size_t nc = es->forms_cap ? es->forms_cap * 2 : 4;
            form *p = realloc(es->forms, nc * sizeof *p);
            if (!p) {
                free(f);
                return -1;
            }
            es->forms = p;
            es->forms_cap = nc;
        }
        es->forms[es->nforms++] = (form){f, 1};
    }
    qsort(v->ents, v->nents, sizeof *v->ents, ent_cmp);
    return 0;
}

/* "Korut ×2, Korea Utara" into a new string (NULL on out of memory). */
static char *forms_text(const ent_sum *es)
{
    sanctagp_buf b = {0};
    for (size_t k = 0; k < es->nforms; k++) {
        char cnt[32] = "";
        if (es->forms[k].count > 1)
            snprintf(cnt, sizeof cnt, " \xC3\x97%zu", es->forms[k].count);
        if ((k && sanctagp_buf_append(&b, ", ", 2)) ||
            sanctagp_buf_append(&b, es->forms[k].text, strlen(es->forms[k].text)) ||
            sanctagp_buf_append(&b, cnt, strlen(cnt))) {
            sanctagp_buf_release(&b);
            return NULL;
        }
    }
    if (!b.p)
        return strdup("");
    return b.p;
}

/* "un-sc KPe.001" or "yes" for a listed entity, "-" otherwise (static buffer). */
static const char *listing_text(const sanctag_entity *e, char *buf, size_t cap)
{
    if (!e->listed)
        return "-";
    if (!*e->list_source && !*e->list_ref)
        return "yes";
    snprintf(buf, cap, "%s%s%s", e->list_source, *e->list_source && *e->list_ref ? " " : "",
             e->list_ref);
    return buf;
}

/* ---- terminal: wrapped text ---------------------------------------------------- */

#define SGR_RESET "\x1b[0m"

/* Line-filling state. A "word" is a run of non-space characters and whole
 * mentions (a mention is never split, even where it holds spaces or a line
 * break); words are separated by spaces, which are dropped where a line is
 * wrapped. Invariant: the pending word is bytes [wstart, wend) of the text and
 * holds mentions [wspan0, wspan1) of the view. */
typedef struct wrap {
    show_ctx *c;
    const doc_view *v;
    size_t col, ws;           /* current column, pending spaces */
    int soft;                 /* the current line began with a wrap */
    int in_word;
    size_t wstart, wend, wwidth;
    size_t wspan0, wspan1;
} wrap;

/* The entity shown after a mention ("KP", "un-security-council", "!" when
 * listed) into buf; the entity into *ret_e. */
static void span_tag(const show_ctx *c, const sanctag_span *s, char *buf, size_t cap,
                     sanctag_entity *ret_e)
{
    memset(ret_e, 0, sizeof *ret_e);
    if (sanctag_gazetteer_entity(c->gz, s->entity, ret_e)) {
        snprintf(buf, cap, "?");
        ret_e->key = ret_e->label = ret_e->name = "?";
        ret_e->country = ret_e->programs = ret_e->list_source = "";
        ret_e->list_ref = ret_e->listed_on = "";
        return;
    }
    snprintf(buf, cap, "%s%s", short_key(ret_e->key, ret_e->label), ret_e->listed ? "!" : "");
}

/* Columns a mention takes as shown: "Korut[KP]" in colour, "[Korut][KP]" without. */
static size_t span_width(const show_ctx *c, const doc_view *v, const sanctag_span *s)
{
    char tag[300];
    sanctag_entity e;
    span_tag(c, s, tag, sizeof tag, &e);
    return str_width(v->text + s->start, s->end - s->start) + str_width(tag, strlen(tag)) + 2 +
           (c->color ? 0 : 2);
}

static void put_span(show_ctx *c, const doc_view *v, const sanctag_span *s)
{
    char tag[300];
    sanctag_entity e;
    span_tag(c, s, tag, sizeof tag, &e);
    const char *text = v->text + s->start;
    size_t n = s->end - s->start;
    if (c->color) {
        /* black on the label's colour, the entity in bold (red when listed) */
        putf(c, "\x1b[48;5;%d;38;5;16m", label_colour(e.label).ansi);
        put_term_text(c, text, n, 1);
        puts_(c, "\x1b[1m[");
        if (e.listed)
            puts_(c, "\x1b[38;5;124m");
        put_term_text(c, tag, strlen(tag), 1);
        if (e.listed)
            puts_(c, "\x1b[38;5;16m");
        puts_(c, "]" SGR_RESET);
    } else {
        puts_(c, "[");
        put_term_text(c, text, n, 1);
        puts_(c, "][");
        put_term_text(c, tag, strlen(tag), 1);
        puts_(c, "]");
    }
}

static void wrap_newline(wrap *w, int soft)
{
    puts_(w->c, "\n");
    w->col = 0;
    w->ws = 0;
    w->soft = soft;
}

/* Writes the pending word, wrapping before it when it does not fit; a word
 * wider than a whole line is broken between characters, unless it holds a
 * mention: that word overflows the line rather than lose its punctuation. */
static void wrap_flush(wrap *w)
{
    show_ctx *c = w->c;
    size_t width = c->width;
    if (!w->in_word)
        return;
    if (width && w->col > 0 && w->col + w->ws + w->wwidth > width) {
        wrap_newline(w, 1);
    } else if (w->ws && !(w->col == 0 && w->soft)) {
        for (size_t i = 0; i < w->ws; i++)
            puts_(c, " ");
        w->col += w->ws;
    }
    w->ws = 0;
    /* a word with a mention is kept whole, punctuation glued to the mention too */
    int may_break = width && w->col + w->wwidth > width && w->wspan0 == w->wspan1;
    const char *t = w->v->text;
    size_t si = w->wspan0;
    for (size_t p = w->wstart; p < w->wend;) {
        if (si < w->wspan1 && p == w->v->sp[si].start) {
            const sanctag_span *s = &w->v->sp[si++];
            size_t sw = span_width(c, w->v, s);
            if (may_break && w->col > 0 && w->col + sw > width)
                wrap_newline(w, 1);
            put_span(c, w->v, s);
            w->col += sw;
            p = s->end;
            continue;
        }
        size_t at = p;
        int cw = cp_width(next_cp(t, &p, w->wend));
        if (may_break && w->col > 0 && w->col + (size_t)cw > width)
            wrap_newline(w, 1);
        put_term_text(c, t + at, p - at, 1);
        w->col += (size_t)cw;
    }
    w->in_word = 0;
    w->wwidth = 0;
}

static void term_text(show_ctx *c, const doc_view *v)
{
    wrap w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.v = v;
    const char *t = v->text;
    size_t si = 0;
    for (size_t p = 0; p < v->len;) {
        if (si < v->n && p == v->sp[si].start) {
            if (!w.in_word) {
                w.in_word = 1;
                w.wstart = p;
                w.wspan0 = si;
            }
            w.wwidth += span_width(c, v, &v->sp[si]);
            p = v->sp[si].end;
            w.wend = p;
            w.wspan1 = ++si;
            continue;
        }
        size_t q = p;
        UChar32 cp = next_cp(t, &q, v->len);
        if (is_newline(cp)) {
            wrap_flush(&w);
            wrap_newline(&w, 0);
        } else if (is_space(cp)) {
            wrap_flush(&w);
            w.ws++;
        } else {
            if (!w.in_word) {
                w.in_word = 1;
                w.wstart = p;
                w.wspan0 = w.wspan1 = si;
            }
            w.wwidth += (size_t)cp_width(cp);
            w.wend = q;
        }
        p = q;
    }
    wrap_flush(&w);
    if (w.col > 0)
        wrap_newline(&w, 0);
}

/* ---- terminal: the summary table ------------------------------------------------ */

enum { COL_KEY, COL_NAME, COL_LABEL, COL_MENTIONS, COL_LISTED, COL_FORMS, NCOLS };

/* Writes `s` in a cell `cw` columns wide (the last column is not padded);
 * longer text is cut with "…". */
static void put_cell(show_ctx *c, const char *s, size_t cw, int right, int last)
{
    size_t n = strlen(s), w = str_width(s, n);
    if (w > cw) {
        size_t used = 0, i = 0;
        while (i < n) {
            size_t q = i;
            int k = cp_width(next_cp(s, &q, n));
            if (used + (size_t)k + 1 > cw)
                break;
            used += (size_t)k;
            i = q;
        }
        put_term_text(c, s, i, 1);
        puts_(c, "\xE2\x80\xA6");
        used++;
        for (; !last && used < cw; used++)
            puts_(c, " ");
        return;
    }
    if (right)
        for (size_t k = w; k < cw; k++)
            puts_(c, " ");
    put_term_text(c, s, n, 1);
    if (!right && !last)
        for (size_t k = w; k < cw; k++)
            puts_(c, " ");
}

static void term_table(show_ctx *c, const doc_view *v)
{
    if (v->nents == 0) {
        puts_(c, "no entities found\n");
        return;
    }
    static const char *const head[NCOLS] = {"ENTITY", "NAME", "LABEL", "MENTIONS", "LISTED",
                                            "FORMS"};
    size_t rows = v->nents;
    char **cell = calloc(rows * NCOLS, sizeof *cell);
    int *listed = calloc(rows, sizeof *listed);
    if (!cell || !listed) {
        free(cell);
        free(listed);
        c->oom = 1;
        return;
    }
    size_t cw[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        cw[k] = strlen(head[k]);
    for (size_t r = 0; r < rows; r++) {
        sanctag_entity e;
        char lb[300], num[32];
        const ent_sum *es = &v->ents[r];
        if (sanctag_gazetteer_entity(c->gz, es->entity, &e))
            continue;
        snprintf(num, sizeof num, "%zu", es->mentions);
        listed[r] = e.listed;
        char **row = cell + r * NCOLS;
        row[COL_KEY] = strdup(e.key);
        row[COL_NAME] = strdup(e.name);
        row[COL_LABEL] = strdup(e.label);
        row[COL_MENTIONS] = strdup(num);
        row[COL_LISTED] = strdup(listing_text(&e, lb, sizeof lb));
        row[COL_FORMS] = forms_text(es);
        for (int k = 0; k < NCOLS; k++) {
            if (!row[k]) {
                c->oom = 1;
                continue;
            }
            size_t w = str_width(row[k], strlen(row[k]));
            if (w > cw[k])
                cw[k] = w;
        }
    }
    /* fit the width: shorten the forms, then the names */
    size_t total = 2 * (NCOLS - 1);
    for (int k = 0; k < NCOLS; k++)
        total += cw[k];
    if (c->width) {
        static const int shrink[] = {COL_FORMS, COL_NAME};
        for (size_t s = 0; s < 2 && total > c->width; s++) {
            size_t k = (size_t)shrink[s], floor = 12, over = total - c->width;
            if (cw[k] <= floor)
                continue;
            size_t cut = cw[k] - floor < over ? cw[k] - floor : over;
            cw[k] -= cut;
            total -= cut;
        }
    }
    if (c->width && total > c->width) {
        /* too narrow for columns: two lines per entity, cut to the width */
        for (size_t r = 0; r < rows; r++) {
            char **row = cell + r * NCOLS;
            char line[1024];
            snprintf(line, sizeof line, "%s  %s  %s", row[COL_KEY] ? row[COL_KEY] : "?",
                     row[COL_LABEL] ? row[COL_LABEL] : "?", row[COL_NAME] ? row[COL_NAME] : "?");
            if (c->color)
                puts_(c, "\x1b[1m");
            put_cell(c, line, c->width, 0, 1);
            puts_(c, c->color ? SGR_RESET "\n" : "\n");
            snprintf(line, sizeof line, "  mentions: %s  listed: %s  forms: %s",
                     row[COL_MENTIONS] ? row[COL_MENTIONS] : "?",
                     row[COL_LISTED] ? row[COL_LISTED] : "?", row[COL_FORMS] ? row[COL_FORMS] : "");
            put_cell(c, line, c->width, 0, 1);
            puts_(c, "\n");
        }
        goto done;
    }
    if (c->color)
        puts_(c, "\x1b[1m");
    for (int k = 0; k < NCOLS; k++) {
        if (k)
            puts_(c, "  ");
        put_cell(c, head[k], cw[k], k == COL_MENTIONS, k == NCOLS - 1);
    }
    puts_(c, c->color ? SGR_RESET "\n" : "\n");
    for (size_t r = 0; r < rows; r++) {
        char **row = cell + r * NCOLS;
        for (int k = 0; k < NCOLS; k++) {
            if (k)
                puts_(c, "  ");
            const char *s = row[k] ? row[k] : "?";
            if (c->color && k == COL_LABEL) {
                putf(c, "\x1b[48;5;%d;38;5;16m", label_colour(s).ansi);
                put_cell(c, s, strlen(s), 0, 1);
                puts_(c, SGR_RESET);
                for (size_t q = str_width(s, strlen(s)); q < cw[k]; q++)
                    puts_(c, " ");
            } else if (c->color && k == COL_LISTED && listed[r]) {
                puts_(c, "\x1b[1;31m");
                put_cell(c, s, cw[k], 0, 1);
                puts_(c, SGR_RESET);
                for (size_t q = str_width(s, strlen(s)); q < cw[k]; q++)
                    puts_(c, " ");
            } else {
                put_cell(c, s, cw[k], k == COL_MENTIONS, k == NCOLS - 1);
            }
        }
        puts_(c, "\n");
    }
done:
    for (size_t i = 0; i < rows * NCOLS; i++)
        free(cell[i]);
    free(cell);
    free(listed);
}

/* ---- HTML -------------------------------------------------------------------- */

/* Appends text escaped for HTML (element content, or an attribute value when
 * `attr`, where line breaks become &#10;). Control characters other than tab
 * and line breaks are written as U+FFFD: HTML does not allow them. */
static void put_html(show_ctx *c, const char *s, size_t n, int attr)
{
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        UChar32 cp = next_cp(s, &i, n);
        const char *repl = NULL;
        switch (cp) {
        case '&': repl = "&amp;"; break;
        case '<': repl = "&lt;"; break;
        case '>': repl = "&gt;"; break;
        case '"': repl = attr ? "&quot;" : NULL; break;
        case '\'': repl = attr ? "&#39;" : NULL; break;
        case '\n': repl = attr ? "&#10;" : NULL; break;
        case '\t': case '\r': repl = attr ? " " : NULL; break;
        default:
            if (is_control(cp))
                repl = "\xEF\xBF\xBD";
        }
        if (repl) {
            put(c, s + from, at - from);
            puts_(c, repl);
            from = i;
        }
    }
    put(c, s + from, n - from);
}

static void put_html_s(show_ctx *c, const char *s, int attr)
{
    put_html(c, s, strlen(s), attr);
}

/* The hover text of a mention (title attribute, escaped). */
static void html_title(show_ctx *c, const sanctag_span *s, const sanctag_entity *e)
{
    put_html_s(c, e->name, 1);
    puts_(c, " (");
    put_html_s(c, e->key, 1);
    puts_(c, ")&#10;label: ");
    put_html_s(c, e->label, 1);
    if (*e->country) {
        puts_(c, " \xC2\xB7 country: ");
        put_html_s(c, e->country, 1);
    }
    puts_(c, "&#10;alias: ");
    put_html_s(c, s->alias_kind, 1);
    if (*s->alias_lang) {
        puts_(c, ", ");
        put_html_s(c, s->alias_lang, 1);
    }
    if (s->flags & SANCTAG_SPAN_PROPAGATED)
        puts_(c, " (resolved through an earlier full mention)");
    if (s->flags & SANCTAG_SPAN_AMBIGUOUS)
        puts_(c, " (ambiguous: the alias names more than one entity)");
    puts_(c, "&#10;sanctions: ");
    if (!e->listed) {
        puts_(c, "not listed");
        return;
    }
    puts_(c, "LISTED");
    if (*e->list_source || *e->list_ref) {
        puts_(c, " \xE2\x80\x94 ");
        put_html_s(c, e->list_source, 1);
        if (*e->list_source && *e->list_ref)
            puts_(c, " ");
        put_html_s(c, e->list_ref, 1);
    }
    if (*e->programs) {
        json_t *pr = json_loads(e->programs, 0, NULL);
        if (json_is_array(pr) && json_array_size(pr)) {
            puts_(c, " \xC2\xB7 programmes: ");
            size_t k;
            json_t *p;
            json_array_foreach(pr, k, p)
            {
                if (k)
                    puts_(c, ", ");
                if (json_is_string(p))
                    put_html_s(c, json_string_value(p), 1);
            }
        }
        json_decref(pr);
    }
    if (*e->listed_on) {
        puts_(c, " \xC2\xB7 listed on ");
        put_html_s(c, e->listed_on, 1);
    }
}

static void html_doc(show_ctx *c, const char *name, const doc_view *v)
{
    c->ndocs++;
    putf(c, "<article class=\"doc\" id=\"doc-%ld\" data-id=\"", c->ndocs);
    put_html_s(c, name, 1);
    puts_(c, "\">\n<h2>");
    put_html_s(c, name, 0);
    putf(c, "<span class=\"count\">%zu mention%s of %zu entit%s</span></h2>\n<div class=\"text\">",
         v->n, v->n == 1 ? "" : "s", v->nents, v->nents == 1 ? "y" : "ies");
    size_t at = 0, cb = 0, cu = 0;
    for (size_t i = 0; i < v->n; i++) {
        const sanctag_span *s = &v->sp[i];
        sanctag_entity e;
        char tag[300];
        span_tag(c, s, tag, sizeof tag, &e);
        put_html(c, v->text + at, s->start - at, 0);
        size_t cs = sanctagp_offset_convert(v->text, s->start, OFF_CODEPOINT, &cb, &cu);
        size_t ce = sanctagp_offset_convert(v->text, s->end, OFF_CODEPOINT, &cb, &cu);
        putf(c, "<mark class=\"entity%s\" style=\"background: %s\" data-entity=\"",
             e.listed ? " listed" : "", label_colour(e.label).html);
        put_html_s(c, e.key, 1);
        puts_(c, "\" data-label=\"");
        put_html_s(c, e.label, 1);
        putf(c, "\" data-start=\"%zu\" data-end=\"%zu\"%s title=\"", cs, ce,
             e.listed ? " data-listed=\"true\"" : "");
        html_title(c, s, &e);
        puts_(c, "\"><span class=\"mention\">");
        put_html(c, v->text + s->start, s->end - s->start, 0);
        puts_(c, "</span><span class=\"tag\">");
        put_html_s(c, e.label, 0);
        puts_(c, "<span class=\"key\">");
        put_html_s(c, short_key(e.key, e.label), 0);
        puts_(c, "</span>");
        if (e.listed)
            puts_(c, "<span class=\"flag\" title=\"sanctions-listed\">\xE2\x9A\x91</span>");
        puts_(c, "</span></mark>");
        at = s->end;
    }
    put_html(c, v->text + at, v->len - at, 0);
    puts_(c, "</div>\n");
    if (v->nents == 0) {
        puts_(c, "<p class=\"none\">no entities found</p>\n</article>\n");
        return;
    }
    puts_(c, "<div class=\"scroll\"><table class=\"summary\">\n<thead><tr><th>Entity</th><th>Name</th><th>Label</th>"
             "<th class=\"num\">Mentions</th><th>Listed</th><th>Forms</th></tr></thead>\n"
             "<tbody>\n");
    for (size_t r = 0; r < v->nents; r++) {
        sanctag_entity e;
        char lb[300];
        if (sanctag_gazetteer_entity(c->gz, v->ents[r].entity, &e))
            continue;
        puts_(c, "<tr data-entity=\"");
        put_html_s(c, e.key, 1);
        puts_(c, "\"><td class=\"key\">");
        put_html_s(c, e.key, 0);
        puts_(c, "</td><td>");
        put_html_s(c, e.name, 0);
        putf(c, "</td><td><span class=\"swatch\" style=\"background: %s\">",
             label_colour(e.label).html);
        put_html_s(c, e.label, 0);
        putf(c, "</span></td><td class=\"num\">%zu</td><td%s>", v->ents[r].mentions,
             e.listed ? " class=\"listed\"" : "");
        put_html_s(c, listing_text(&e, lb, sizeof lb), 0);
        puts_(c, "</td><td>");
        char *f = forms_text(&v->ents[r]);
        if (f)
            put_html_s(c, f, 0);
        else
            c->oom = 1;
        free(f);
        puts_(c, "</td></tr>\n");
    }
    puts_(c, "</tbody>\n</table></div>\n</article>\n");
}

static const char html_css[] =
    "body { margin: 0 auto; padding: 2rem 3rem; max-width: 64rem; color: #222;\n"
    "  background: #fff; font-family: -apple-system, BlinkMacSystemFont, \"Segoe UI\",\n"
    "  Helvetica, Arial, sans-serif, \"Apple Color Emoji\", \"Segoe UI Emoji\"; }\n"
    "header h1 { font-size: 1.4rem; margin: 0 0 .3rem; }\n"
    ".meta, .count, footer { color: #666; font-size: .85rem; font-weight: normal; }\n"
    ".legend { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0 1.5rem;\n"
    "  align-items: center; }\n"
    ".legend .chip { padding: .25em .7em; border-radius: .35em; font-size: .8rem;\n"
    "  font-weight: bold; }\n"
    ".legend .chip.listed { background: #fff; box-shadow: 0 0 0 2px #b00020 inset;\n"
    "  color: #b00020; }\n"
    "article { border-top: 1px solid #ddd; padding: 1rem 0 2rem; }\n"
    "article h2 { font-size: 1.1rem; overflow-wrap: anywhere; }\n"
    ".count { margin-left: .8rem; }\n"
    ".text { white-space: pre-wrap; overflow-wrap: break-word; line-height: 2.5;\n"
    "  font-size: 1rem; }\n"
    "mark.entity { color: #222; padding: .45em .6em; margin: 0 .25em; line-height: 1;\n"
    "  border-radius: .35em; -webkit-box-decoration-break: clone;\n"
    "  box-decoration-break: clone; cursor: help; white-space: nowrap; }\n"
    "mark.entity .tag { font-size: .8em; font-weight: bold; line-height: 1;\n"
    "  vertical-align: middle; margin-left: .5rem; }\n"
    "mark.entity .key { font-weight: normal; margin-left: .35em; }\n"
    "mark.entity.listed { box-shadow: 0 0 0 2px #b00020; }\n"
    ".flag { color: #b00020; margin-left: .3em; }\n"
    "table.summary { border-collapse: collapse; font-size: .9rem; margin-top: 1.2rem; }\n"
    ".summary th, .summary td { text-align: left; padding: .3rem .8rem;\n"
    "  border-bottom: 1px solid #eee; vertical-align: top; }\n"
    ".summary th { border-bottom: 2px solid #ccc; }\n"
    ".summary .num { text-align: right; }\n"
    ".summary td.key { font-family: ui-monospace, \"DejaVu Sans Mono\", monospace;\n"
    "  font-size: .85rem; white-space: nowrap; }\n"
    ".summary .swatch { padding: .1em .5em; border-radius: .3em; font-weight: bold;\n"
    "  font-size: .8rem; }\n"
    ".summary td.listed { color: #b00020; font-weight: bold; }\n"
    ".none { color: #666; font-style: italic; }\n"
    "footer { border-top: 1px solid #ddd; padding-top: .8rem; }\n"
    ".scroll { overflow-x: auto; }\n"
    "@media (max-width: 40rem) { body { padding: 1rem; }\n"
    "  mark.entity { white-space: normal; } }\n";

/* Writes the page: head, legend, the articles in c->buf, footer. */
static int html_write(show_ctx *c)
{
    char title[512];
    if (c->title)
        snprintf(title, sizeof title, "%s", c->title);
    else if (c->ndocs == 1 && c->first_id && json_is_string(c->first_id))
        snprintf(title, sizeof title, "sanctag: %s", json_string_value(c->first_id));
    else
        snprintf(title, sizeof title, "sanctag: %ld document%s", c->ndocs,
                 c->ndocs == 1 ? "" : "s");
    sanctagp_buf body = c->buf;
    memset(&c->buf, 0, sizeof c->buf);
    puts_(c, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "style-src 'unsafe-inline'; img-src data:\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"generator\" content=\"sanctag " SANCTAG_VERSION "\">\n<title>");
    put_html_s(c, title, 0);
    puts_(c, "</title>\n<style>\n");
    puts_(c, html_css);
    puts_(c, "</style>\n</head>\n<body>\n<header>\n<h1>");
    put_html_s(c, title, 0);
    putf(c, "</h1>\n<p class=\"meta\">%ld document%s \xC2\xB7 %ld mention%s \xC2\xB7 gazetteer ",
         c->ndocs, c->ndocs == 1 ? "" : "s", c->nspans_total, c->nspans_total == 1 ? "" : "s");
    put_html_s(c, sanctag_gazetteer_version(c->gz), 0);
    puts_(c, " \xC2\xB7 hover a mention for its entity and sanctions listing</p>\n"
             "<div class=\"legend\" aria-label=\"labels\">\n");
    for (size_t i = 0; i < c->nlabels; i++) {
        putf(c, "<span class=\"chip\" data-label=\"");
        put_html_s(c, c->labels[i], 1);
        putf(c, "\" style=\"background: %s\">", label_colour(c->labels[i]).html);
        put_html_s(c, c->labels[i], 0);
        puts_(c, "</span>\n");
    }
    puts_(c, "<span class=\"chip listed\">\xE2\x9A\x91 sanctions-listed</span>\n</div>\n"
             "</header>\n");
    if (!c->oom && body.len && sanctagp_buf_append(&c->buf, body.p, body.len))
        c->oom = 1;
    sanctagp_buf_release(&body);
    puts_(c, "<footer>Made with sanctag " SANCTAG_VERSION ". Offsets in data-start and "
             "data-end are codepoints.</footer>\n</body>\n</html>\n");
    if (c->oom)
        return -1;
    return fwrite(c->buf.p, 1, c->buf.len, c->out) == c->buf.len ? 0 : -1;
}

/* ---- documents ------------------------------------------------------------------ */

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

/* Tags and shows one document; returns -1 when output failed. */
static int show_doc(show_ctx *c, json_t *id, const char *where, const char *text, size_t len)
{
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_tagger_tag(c->tg, text, len, c->flags, &e)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s: %s", where, e.text);
        doc_error(c, msg);
        return 0;
    }
    char *name = doc_name(id, where);
    doc_view v;
    memset(&v, 0, sizeof v);
    if (!name || view_build(c, &v, text, len)) {
        free(name);
        view_free(&v);
        cli_warn("out of memory");
        return -1;
    }
    if (!c->first_id && id)
        c->first_id = json_incref(id);
    c->nspans_total += (long)v.n;
    if (c->html) {
        html_doc(c, name, &v);
    } else {
        if (c->ndocs++)
            puts_(c, "\n");
        puts_(c, c->color ? "\x1b[1m# " : "# ");
        put_term_text(c, name, strlen(name), 1);
        putf(c, "%s  (%zu mention%s of %zu entit%s)\n\n", c->color ? SGR_RESET : "", v.n,
             v.n == 1 ? "" : "s", v.nents, v.nents == 1 ? "y" : "ies");
        term_text(c, &v);
        puts_(c, "\n");
        term_table(c, &v);
    }
    view_free(&v);
    free(name);
    if (c->oom) {
        cli_warn("out of memory");
        return -1;
    }
    if (!c->html) {
        if (c->buf.len && fwrite(c->buf.p, 1, c->buf.len, c->out) != c->buf.len)
            return -1;
        c->buf.len = 0;
    }
    return 0;
}

static FILE *open_input(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    return f;
}

static char *read_all(FILE *f, size_t *ret_len)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
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

/* Shows one input; returns 1 when it could not be read, -1 on output failure. */
static int show_input(show_ctx *c, const char *path, int jsonl)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    FILE *f = open_input(path);
    if (!f) {
        cli_warn("%s: cannot open: %s", path, strerror(errno));
        return 1;
    }
    int rc = 0;
    if (!jsonl) {
        size_t len = 0;
        char *text = read_all(f, &len);
        if (!text) {
            cli_warn("%s: cannot read: %s", name, strerror(errno));
            rc = 1;
        } else {
            json_t *id = json_string(strcmp(path, "-") == 0 ? "-" : path);
            if (!id)
                id = json_null(); /* a file name that is not UTF-8 */
            rc = show_doc(c, id, name, text, len);
            json_decref(id);
            free(text);
        }
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        long lineno = 0;
        while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
            lineno++;
            size_t len = (size_t)n;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            size_t k = 0;
            while (k < len && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (k == len)
                continue;
            char where[512], msg[1200];
            snprintf(where, sizeof where, "%s:%ld", name, lineno);
            json_error_t je;
            json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &je);
            json_t *text = json_is_object(o) ? json_object_get(o, c->text_field) : NULL;
            if (!o) {
                snprintf(msg, sizeof msg, "%s:%d: malformed JSON: %s", where, je.column, je.text);
                doc_error(c, msg);
            } else if (!json_is_object(o)) {
                snprintf(msg, sizeof msg, "%s: line is not a JSON object", where);
                doc_error(c, msg);
            } else if (!json_is_string(text)) {
                snprintf(msg, sizeof msg, text ? "%s: field '%s' is not a string"
                                               : "%s: no field '%s'",
                         where, c->text_field);
                doc_error(c, msg);
            } else {
                rc = show_doc(c, json_object_get(o, c->id_field), where, json_string_value(text),
                              json_string_length(text));
            }
            json_decref(o);
        }
        int bad = ferror(f);
        free(line);
        if (bad && rc == 0) {
            cli_warn("%s: read error after line %ld", name, lineno);
            rc = 1;
        }
    }
    if (f != stdin)
        fclose(f);
    else
        clearerr(stdin);
    return rc;
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

int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"jsonl", no_argument, NULL, 'j'},
        {"id-field", required_argument, NULL, 'I'},
        {"text-field", required_argument, NULL, 'T'},
        {"weak", no_argument, NULL, 'w'},
        {"no-propagate", no_argument, NULL, 'P'},
        {"color", required_argument, NULL, 'C'},
        {"colour", required_argument, NULL, 'C'},
        {"width", required_argument, NULL, 'W'},
        {"html", no_argument, NULL, 'H'},
        {"title", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    show_ctx c;
    memset(&c, 0, sizeof c);
    c.id_field = "id";
    c.text_field = "text";
    const char *db = NULL, *outpath = NULL, *color = "auto";
    long width = -1;
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
        case 'w': weak = 1; break;
        case 'P': c.flags |= SANCTAG_TAG_NO_PROPAGATE; break;
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
        default:
            fprintf(stderr, "Try 'sanctag show --help'.\n");
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
    if (!c.html) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        if (strcmp(color, "always") == 0)
            c.color = 1;
        else if (strcmp(color, "auto") == 0)
            c.color = c.out == stdout && isatty(STDOUT_FILENO) && !(nc && *nc) &&
                      !(term && strcmp(term, "dumb") == 0);
        c.width = width >= 0 ? (size_t)width : default_width(c.out);
    }
    static char *stdin_only[] = {"-"};
    char **inputs = optind < argc ? argv + optind : stdin_only;
    int ninputs = optind < argc ? argc - optind : 1;
    int unreadable = 0, failed = 0;
    for (int i = 0; i < ninputs && !failed; i++) {
        int rc = show_input(&c, inputs[i], jsonl);
        if (rc > 0)
            unreadable = 1;
        else if (rc < 0)
            failed = 1;
    }
    if (!failed && c.html && html_write(&c))
        failed = 1;
    int closed = cli_out_close(&out, !failed && !unreadable);
    if (failed && closed == 0)
        cli_warn("%s: write error: %s", outpath ? outpath : "standard output",
                 c.oom ? "out of memory" : strerror(errno));
    if (c.nerrs)
        cli_warn("%ld document%s could not be shown", c.nerrs, c.nerrs == 1 ? "" : "s");
    for (size_t i = 0; i < c.nlabels; i++)
        free(c.labels[i]);
    free(c.labels);
    json_decref(c.first_id);
    sanctagp_buf_release(&c.buf);
    sanctag_tagger_free(c.tg);
    sanctag_gazetteer_unref(c.gz);
    if (failed || closed || unreadable)
        return EXIT_FATAL;
    return c.nerrs ? EXIT_DOCS : EXIT_OK_;
}
