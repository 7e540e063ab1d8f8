/* show.h - private to `sanctag show`: the view of a tagged document and the
 * renderers (show_view.c: labels, colours, text measuring and the view;
 * show_terminal.c: wrapped text and summary table; show_html.c: the page). */
#ifndef SANCTAG_SHOW_H
#define SANCTAG_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <unicode/umachine.h>

#include "sanctag.h"
#include "util/buf.h"
#include "listed.h"

#define SGR_RESET "\x1b[0m"

/* Colours in the displaCy palette, with the nearest xterm-256 colour for the
 * terminal. */
typedef struct colour {
    const char *html;
    int ansi;
} colour;


typedef struct form {
    char *text;   /* surface form, line breaks as spaces */
    size_t count;
} form;

/* One entity mentioned in the document shown. */
typedef struct ent_sum {
    uint32_t entity;
    sanctag_span span; /* its first mention: sanctag_tagger_span_entity() */
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
    const cli_listed *listed; /* --listed-only, --program, --list-source (listed.h) */
    /* selection (--id, --grep, --listed-only): a document not selected is
     * tagged (or not) and left out */
    char **ids;
    size_t nids;
    void *grep;               /* URegularExpression * (a worker's own clone), or NULL */
    const char *grep_pattern; /* --grep PATTERN as given, for messages */
    sanctagp_buf toc;         /* HTML: the table of contents' items */
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


/* ---- show_view.c ---- */
colour label_colour(const char *label);
const char *short_key(const char *key, const char *label);
int is_control(UChar32 c);
int cp_width(UChar32 c);
UChar32 next_cp(const char *s, size_t *i, size_t n);
size_t str_width(const char *s, size_t n);
int is_newline(UChar32 c);
int is_space(UChar32 c);
void show_put(show_ctx *c, const char *s, size_t n);
void show_puts(show_ctx *c, const char *s);
void put_term_text(show_ctx *c, const char *s, size_t n, int flatten);
/* Adds a label to c->labels unless there (order of first appearance). */
void add_label(show_ctx *c, const char *label);
void view_free(doc_view *v);
int view_build(show_ctx *c, doc_view *v, const char *text, size_t len);
char *forms_text(const ent_sum *es);
const char *listing_text(const sanctag_gazetteer *gz, uint32_t idx, const sanctag_entity *e,
                         char *buf, size_t cap);
void span_tag(const show_ctx *c, const sanctag_span *s, char *buf, size_t cap,
                     sanctag_entity *ret_e);
void show_putf(show_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- show_terminal.c ---- */
void term_text(show_ctx *c, const doc_view *v);
void term_table(show_ctx *c, const doc_view *v);
/* One document for a terminal: heading, wrapped text, summary table. */
void term_doc(show_ctx *c, const char *name, const doc_view *v);

/* ---- show_html.c ---- */
/* Opens the next article: `<article class="doc" id="doc-N` (counts c->ndocs). */
void html_doc_open(show_ctx *c);
/* The rest of an article, after html_doc_open(). */
void html_doc(show_ctx *c, const char *name, const doc_view *v);
/* Adds the article just opened (c->ndocs) to the table of contents. */
void html_toc_add(show_ctx *c, const char *name, size_t nspans, size_t nlisted);
/* Writes the page: head, legend, table of contents (more than one document),
 * the articles in c->buf, footer. */
int html_write(show_ctx *c);

#endif
