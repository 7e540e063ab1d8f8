/* show_html.c - `sanctag show --html`: one standalone page with every document,
 * a legend and a summary table per document. */
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
            show_put(c, s + from, at - from);
            show_puts(c, repl);
            from = i;
        }
    }
    show_put(c, s + from, n - from);
}

static void put_html_s(show_ctx *c, const char *s, int attr)
{
    put_html(c, s, strlen(s), attr);
}

/* The hover text of a mention (title attribute, escaped). */
static void html_title(show_ctx *c, const sanctag_span *s, const sanctag_entity *e)
{
    put_html_s(c, e->name, 1);
    show_puts(c, " (");
    put_html_s(c, e->key, 1);
    show_puts(c, ")&#10;label: ");
    put_html_s(c, e->label, 1);
    if (*e->country) {
        show_puts(c, " \xC2\xB7 country: ");
        put_html_s(c, e->country, 1);
    }
    show_puts(c, "&#10;alias: ");
    put_html_s(c, s->alias_kind, 1);
    if (*s->alias_lang) {
        show_puts(c, ", ");
        put_html_s(c, s->alias_lang, 1);
    }
    if (s->flags & SANCTAG_SPAN_PROPAGATED)
        show_puts(c, " (resolved through an earlier full mention)");
    if (s->flags & SANCTAG_SPAN_AMBIGUOUS)
        show_puts(c, " (ambiguous: the alias names more than one entity)");
    show_puts(c, "&#10;sanctions: ");
    if (!e->listed) {
        show_puts(c, "not listed");
        return;
    }
    show_puts(c, "LISTED");
    if (*e->list_source || *e->list_ref) {
        char lb[300]; /* every record of a linked entity */
        show_puts(c, " \xE2\x80\x94 ");
        put_html_s(c, listing_text(c->gz, s->entity, e, lb, sizeof lb), 1);
    }
    if (*e->programs) {
        json_t *pr = json_loads(e->programs, 0, NULL);
        if (json_is_array(pr) && json_array_size(pr)) {
            show_puts(c, " \xC2\xB7 programmes: ");
            size_t k;
            json_t *p;
            json_array_foreach(pr, k, p)
            {
                if (k)
                    show_puts(c, ", ");
                if (json_is_string(p))
                    put_html_s(c, json_string_value(p), 1);
            }
        }
        json_decref(pr);
    }
    if (*e->listed_on) {
        show_puts(c, " \xC2\xB7 listed on ");
        put_html_s(c, e->listed_on, 1);
    }
}

void html_doc_open(show_ctx *c)
{
    c->ndocs++;
    show_putf(c, "<article class=\"doc\" id=\"doc-%ld", c->ndocs);
}

void html_doc(show_ctx *c, const char *name, const doc_view *v)
{
    show_puts(c, "\" data-id=\"");
    put_html_s(c, name, 1);
    show_puts(c, "\">\n<h2>");
    put_html_s(c, name, 0);
    show_putf(c, "<span class=\"count\">%zu mention%s of %zu entit%s</span></h2>\n<div class=\"text\">",
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
        show_putf(c, "<mark class=\"entity%s\" style=\"background: %s\" data-entity=\"",
             e.listed ? " listed" : "", label_colour(e.label).html);
        put_html_s(c, e.key, 1);
        show_puts(c, "\" data-label=\"");
        put_html_s(c, e.label, 1);
        show_putf(c, "\" data-start=\"%zu\" data-end=\"%zu\"%s title=\"", cs, ce,
             e.listed ? " data-listed=\"true\"" : "");
        html_title(c, s, &e);
        show_puts(c, "\"><span class=\"mention\">");
        put_html(c, v->text + s->start, s->end - s->start, 0);
        show_puts(c, "</span><span class=\"tag\">");
        put_html_s(c, e.label, 0);
        show_puts(c, "<span class=\"key\">");
        put_html_s(c, short_key(e.key, e.label), 0);
        show_puts(c, "</span>");
        if (e.listed)
            show_puts(c, "<span class=\"flag\" title=\"sanctions-listed\">\xE2\x9A\x91</span>");
        show_puts(c, "</span></mark>");
        at = s->end;
    }
    put_html(c, v->text + at, v->len - at, 0);
    show_puts(c, "</div>\n");
    if (v->nents == 0) {
        show_puts(c, "<p class=\"none\">no entities found</p>\n</article>\n");
        return;
    }
    show_puts(c, "<div class=\"scroll\"><table class=\"summary\">\n<thead><tr><th>Entity</th><th>Name</th><th>Label</th>"
             "<th class=\"num\">Mentions</th><th>Listed</th><th>Forms</th></tr></thead>\n"
             "<tbody>\n");
    for (size_t r = 0; r < v->nents; r++) {
        sanctag_entity e;
        char lb[300];
        if (sanctag_tagger_span_entity(c->tg, &v->ents[r].span, &e))
            continue;
        show_puts(c, "<tr data-entity=\"");
        put_html_s(c, e.key, 1);
        show_puts(c, "\"><td class=\"key\">");
        put_html_s(c, e.key, 0);
        show_puts(c, "</td><td>");
        put_html_s(c, e.name, 0);
        show_putf(c, "</td><td><span class=\"swatch\" style=\"background: %s\">",
             label_colour(e.label).html);
        put_html_s(c, e.label, 0);
        show_putf(c, "</span></td><td class=\"num\">%zu</td><td%s>", v->ents[r].mentions,
             e.listed ? " class=\"listed\"" : "");
        put_html_s(c, listing_text(c->gz, v->ents[r].entity, &e, lb, sizeof lb), 0);
        show_puts(c, "</td><td>");
        char *f = forms_text(&v->ents[r]);
        if (f)
            put_html_s(c, f, 0);
        else
            c->oom = 1;
        free(f);
        show_puts(c, "</td></tr>\n");
    }
    show_puts(c, "</tbody>\n</table></div>\n</article>\n");
}

void html_toc_add(show_ctx *c, const char *name, size_t nspans, size_t nlisted)
{
    sanctagp_buf page = c->buf;
    c->buf = c->toc; /* the helpers write to c->buf */
    show_putf(c, "<li><a href=\"#doc-%ld\">", c->ndocs);
    put_html_s(c, name, 0);
    show_putf(c, "</a> <span class=\"count\">%zu mention%s</span>", nspans,
              nspans == 1 ? "" : "s");
    if (nlisted)
        show_putf(c, " <span class=\"flag\">\xE2\x9A\x91 %zu listed</span>", nlisted);
    show_puts(c, "</li>\n");
    c->toc = c->buf;
    c->buf = page;
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
    "nav.toc { border-top: 1px solid #ddd; padding: .5rem 0 1rem; }\n"
    "nav.toc h2 { font-size: 1.1rem; }\n"
    "nav.toc ol { columns: 2 20rem; margin: 0; padding-left: 2rem; font-size: .9rem; }\n"
    "nav.toc li { break-inside: avoid; overflow-wrap: anywhere; }\n"
    "@media (max-width: 40rem) { body { padding: 1rem; }\n"
    "  mark.entity { white-space: normal; } }\n";

int html_write(show_ctx *c)
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
    show_puts(c, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "style-src 'unsafe-inline'; img-src data:\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"generator\" content=\"sanctag " SANCTAG_VERSION "\">\n<title>");
    put_html_s(c, title, 0);
    show_puts(c, "</title>\n<style>\n");
    show_puts(c, html_css);
    show_puts(c, "</style>\n</head>\n<body>\n<header>\n<h1>");
    put_html_s(c, title, 0);
    show_putf(c, "</h1>\n<p class=\"meta\">%ld document%s \xC2\xB7 %ld mention%s \xC2\xB7 gazetteer ",
         c->ndocs, c->ndocs == 1 ? "" : "s", c->nspans_total, c->nspans_total == 1 ? "" : "s");
    put_html_s(c, sanctag_gazetteer_version(c->gz), 0);
    show_puts(c, " \xC2\xB7 hover a mention for its entity and sanctions listing</p>\n"
             "<div class=\"legend\" aria-label=\"labels\">\n");
    for (size_t i = 0; i < c->nlabels; i++) {
        show_putf(c, "<span class=\"chip\" data-label=\"");
        put_html_s(c, c->labels[i], 1);
        show_putf(c, "\" style=\"background: %s\">", label_colour(c->labels[i]).html);
        put_html_s(c, c->labels[i], 0);
        show_puts(c, "</span>\n");
    }
    show_puts(c, "<span class=\"chip listed\">\xE2\x9A\x91 sanctions-listed</span>\n</div>\n"
             "</header>\n");
    if (c->ndocs > 1) {
        show_puts(c, "<nav class=\"toc\" aria-label=\"documents\">\n<h2>Documents</h2>\n<ol>\n");
        show_put(c, c->toc.p, c->toc.len);
        show_puts(c, "</ol>\n</nav>\n");
    }
    if (!c->oom && body.len && sanctagp_buf_append(&c->buf, body.p, body.len))
        c->oom = 1;
    sanctagp_buf_release(&body);
    show_puts(c, "<footer>Made with sanctag " SANCTAG_VERSION ". Offsets in data-start and "
             "data-end are codepoints.</footer>\n</body>\n</html>\n");
    if (c->oom)
        return -1;
    return fwrite(c->buf.p, 1, c->buf.len, c->out) == c->buf.len ? 0 : -1;
}
