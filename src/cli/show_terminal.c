/* show_terminal.c - `sanctag show` for a terminal: the text wrapped to the
 * width with mentions highlighted, and the summary table per document. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "output/output.h"
#include "show.h"

/* ---- terminal: wrapped text ---------------------------------------------------- */


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
        show_putf(c, "\x1b[48;5;%d;38;5;16m", label_colour(e.label).ansi);
        put_term_text(c, text, n, 1);
        show_puts(c, "\x1b[1m[");
        if (e.listed)
            show_puts(c, "\x1b[38;5;124m");
        put_term_text(c, tag, strlen(tag), 1);
        if (e.listed)
            show_puts(c, "\x1b[38;5;16m");
        show_puts(c, "]" SGR_RESET);
    } else {
        show_puts(c, "[");
        put_term_text(c, text, n, 1);
        show_puts(c, "][");
        put_term_text(c, tag, strlen(tag), 1);
        show_puts(c, "]");
    }
}

static void wrap_newline(wrap *w, int soft)
{
    show_puts(w->c, "\n");
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
            show_puts(c, " ");
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

void term_text(show_ctx *c, const doc_view *v)
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

/* The first line of the `n` bytes of `s` in `cw` columns: its length in
 * bytes, broken after the last space that fits (or, for a word longer than
 * the line, after the last character that fits); *next is where the next
 * line starts. Wrapping, never cutting: the table loses no text. */
static size_t line_fit(const char *s, size_t n, size_t cw, size_t *next)
{
    size_t used = 0, i = 0, brk = 0;
    while (i < n) {
        size_t q = i;
        UChar32 cp = next_cp(s, &q, n);
        size_t k = (size_t)cp_width(cp);
        if (cp == ' ' && used + k > cw) { /* the space that does not fit ends the line */
            *next = q;
            return i;
        }
        if (used + k > cw)
            break;
        used += k;
        i = q;
        if (cp == ' ')
            brk = i;
    }
    if (i >= n) {
        *next = n;
        return n;
    }
    if (brk) {
        *next = brk;
        while (brk && s[brk - 1] == ' ')
            brk--;
        return brk;
    }
    if (i == 0) /* a character wider than the cell */
        next_cp(s, &i, n);
    *next = i;
    return i;
}

/* Writes the `n` bytes of `s` in a cell `cw` columns wide, right-aligned or
 * padded (the last column is not padded). */
static void put_cell(show_ctx *c, const char *s, size_t n, size_t cw, int right, int last)
{
    size_t w = str_width(s, n);
    if (right)
        for (size_t k = w; k < cw; k++)
            show_puts(c, " ");
    put_term_text(c, s, n, 1);
    if (!right && !last)
        for (size_t k = w; k < cw; k++)
            show_puts(c, " ");
}

/* Writes `s` wrapped to `width` columns, lines after the first indented by
 * `indent` spaces. */
static void put_wrapped(show_ctx *c, const char *s, size_t width, size_t indent)
{
    size_t n = strlen(s), at = 0;
    for (int first = 1; first || at < n; first = 0) {
        size_t next, len = line_fit(s + at, n - at, first ? width : width - indent, &next);
        for (size_t k = 0; !first && k < indent; k++)
            show_puts(c, " ");
        put_cell(c, s + at, len, 0, 0, 1);
        show_puts(c, "\n");
        at += next;
    }
}

enum { COL_KEY, COL_NAME, COL_LABEL, COL_MENTIONS, COL_LISTED, COL_FORMS, NCOLS };

/* One row of the table, each cell wrapped to its column (the row takes as
 * many lines as its longest cell); `hl` is the colour of the label cell and
 * `listed` asks for the listing in red. */
static void put_row(show_ctx *c, char *const *row, const size_t *cw, int colour_row, int listed,
                    int bold)
{
    size_t at[NCOLS] = {0}, len[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        len[k] = row[k] ? strlen(row[k]) : 1;
    for (int more = 1; more;) {
        more = 0;
        if (bold && c->color)
            show_puts(c, "\x1b[1m");
        for (int k = 0; k < NCOLS; k++) {
            const char *s = row[k] ? row[k] : "?";
            size_t next = 0, n = at[k] < len[k] ? line_fit(s + at[k], len[k] - at[k], cw[k], &next)
                                                : 0;
            const char *sgr = NULL;
            if (k)
                show_puts(c, "  ");
            if (colour_row && c->color && n && k == COL_LABEL)
                show_putf(c, "\x1b[48;5;%d;38;5;16m", label_colour(s).ansi), sgr = SGR_RESET;
            else if (colour_row && c->color && n && k == COL_LISTED && listed)
                show_puts(c, "\x1b[1;31m"), sgr = SGR_RESET;
            if (sgr) {
                put_cell(c, s + at[k], n, 0, 0, 1);
                show_puts(c, sgr);
                for (size_t q = str_width(s + at[k], n); k < NCOLS - 1 && q < cw[k]; q++)
                    show_puts(c, " ");
            } else {
                put_cell(c, s + at[k], n, cw[k], k == COL_MENTIONS, k == NCOLS - 1);
            }
            at[k] += next;
            more |= at[k] < len[k];
        }
        show_puts(c, bold && c->color ? SGR_RESET "\n" : "\n");
    }
}

void term_table(show_ctx *c, const doc_view *v)
{
    if (v->nents == 0) {
        show_puts(c, "no entities found\n");
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
        if (sanctag_tagger_span_entity(c->tg, &es->span, &e))
            continue;
        snprintf(num, sizeof num, "%zu", es->mentions);
        listed[r] = e.listed;
        char **row = cell + r * NCOLS;
        row[COL_KEY] = strdup(e.key);
        row[COL_NAME] = strdup(e.name);
        row[COL_LABEL] = strdup(e.label);
        row[COL_MENTIONS] = strdup(num);
        row[COL_LISTED] = strdup(listing_text(c->gz, es->entity, &e, lb, sizeof lb));
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
    /* fit the width: narrow the forms, then the names, then the listings,
     * whose cells then wrap */
    size_t total = 2 * (NCOLS - 1);
    for (int k = 0; k < NCOLS; k++)
        total += cw[k];
    if (c->width) {
        static const int shrink[] = {COL_FORMS, COL_NAME, COL_LISTED};
        for (size_t s = 0; s < 3 && total > c->width; s++) {
            size_t k = (size_t)shrink[s], floor = 12, over = total - c->width;
            if (cw[k] <= floor)
                continue;
            size_t cut = cw[k] - floor < over ? cw[k] - floor : over;
            cw[k] -= cut;
            total -= cut;
        }
    }
    if (c->width && total > c->width) {
        /* too narrow for columns: an entity a paragraph, wrapped */
        for (size_t r = 0; r < rows; r++) {
            char **row = cell + r * NCOLS;
            char *line = NULL;
            if (asprintf(&line, "%s  %s  %s", row[COL_KEY] ? row[COL_KEY] : "?",
                         row[COL_LABEL] ? row[COL_LABEL] : "?",
                         row[COL_NAME] ? row[COL_NAME] : "?") < 0) {
                c->oom = 1;
                break;
            }
            if (c->color)
                show_puts(c, "\x1b[1m");
            put_wrapped(c, line, c->width, 2);
            if (c->color)
                show_puts(c, SGR_RESET);
            free(line);
            if (asprintf(&line, "  mentions: %s  listed: %s  forms: %s",
                         row[COL_MENTIONS] ? row[COL_MENTIONS] : "?",
                         row[COL_LISTED] ? row[COL_LISTED] : "?",
                         row[COL_FORMS] ? row[COL_FORMS] : "") < 0) {
                c->oom = 1;
                break;
            }
            put_wrapped(c, line, c->width, 4);
            free(line);
        }
        goto done;
    }
    put_row(c, (char *const *)head, cw, 0, 0, 1);
    for (size_t r = 0; r < rows; r++)
        put_row(c, cell + r * NCOLS, cw, 1, listed[r], 0);
done:
    for (size_t i = 0; i < rows * NCOLS; i++)
        free(cell[i]);
    free(cell);
    free(listed);
}

void term_doc(show_ctx *c, const char *name, const doc_view *v)
{
    show_puts(c, c->color ? "\x1b[1m# " : "# ");
    put_term_text(c, name, strlen(name), 1);
    show_putf(c, "%s  (%zu mention%s of %zu entit%s)\n\n", c->color ? SGR_RESET : "", v->n,
              v->n == 1 ? "" : "s", v->nents, v->nents == 1 ? "y" : "ies");
    term_text(c, v);
    show_puts(c, "\n");
    term_table(c, v);
}
