/* show_view.c - `sanctag show`: labels and colours, text measuring, output
 * helpers, and the view of a document (the spans shown, the entity summary). */
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
#include "util/term.h"

/* ---- labels and colours ---------------------------------------------------- */

/* Colours in the displaCy palette, with the nearest xterm-256 colour for the
 * terminal. Known labels have fixed colours; any other label is hashed into
 * the spare ones, so a label keeps its colour from run to run. */

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

colour label_colour(const char *label)
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
const char *short_key(const char *key, const char *label)
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

/* Control characters, the bidirectional controls that reorder what follows
 * them (U+202E and kin: util/term.h), and -1 (a byte that is not UTF-8, see
 * next_cp): shown as U+FFFD. */
int is_control(UChar32 c)
{
    return c < 0 || sanctagp_term_unsafe((uint32_t)c);
}

/* Columns a code point takes in a terminal: 2 for East Asian wide and
 * fullwidth, 0 for combining marks and format characters, else 1 (a control
 * character is shown as U+FFFD, one column). */
int cp_width(UChar32 c)
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
UChar32 next_cp(const char *s, size_t *i, size_t n)
{
    UChar32 c;
    int32_t k = 0;
    U8_NEXT((const uint8_t *)s + *i, k, (int32_t)(n - *i < INT32_MAX ? n - *i : INT32_MAX), c);
    *i += (size_t)(k > 0 ? k : 1);
    return c < 0 ? -1 : c;
}

/* Display width of `n` bytes of UTF-8. */
size_t str_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;)
        w += (size_t)cp_width(next_cp(s, &i, n));
    return w;
}

int is_newline(UChar32 c)
{
    return c == '\n' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

int is_space(UChar32 c)
{
    return c == ' ' || c == '\t' || c == '\r' || (c > 0x7F && u_isUWhiteSpace(c) && !is_newline(c));
}

void show_put(show_ctx *c, const char *s, size_t n)
{
    if (!c->oom && sanctagp_buf_append(&c->buf, s, n))
        c->oom = 1;
}

void show_puts(show_ctx *c, const char *s)
{
    show_put(c, s, strlen(s));
}

void show_putf(show_ctx *c, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        show_put(c, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Appends text for a terminal: control characters as U+FFFD, and, when
 * `flatten`, line breaks and tabs as spaces. */
void put_term_text(show_ctx *c, const char *s, size_t n, int flatten)
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
            show_put(c, s + from, at - from);
            show_puts(c, repl);
            from = i;
        }
    }
    show_put(c, s + from, n - from);
}

void add_label(show_ctx *c, const char *label)
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

void view_free(doc_view *v)
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

/* Whether span s (entity e) names the entity of es: the same gazetteer
 * entity, or the same derived key of a name outside the gazetteer. */
static int same_entity(const show_ctx *c, const ent_sum *es, const sanctag_span *s,
                       const sanctag_entity *e)
{
    if (!((es->span.flags | s->flags) & SANCTAG_SPAN_DERIVED))
        return es->entity == s->entity;
    sanctag_entity f;
    return (es->span.flags & s->flags & SANCTAG_SPAN_DERIVED) &&
           sanctag_tagger_span_entity(c->tg, &es->span, &f) == 0 && strcmp(f.key, e->key) == 0;
}

/* Collects the spans to show and the per-entity summary. Returns 0 or -1 on
 * out of memory. */
int view_build(show_ctx *c, doc_view *v, const char *text, size_t len)
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
            sp[i].start < last_end || sanctag_tagger_span_entity(c->tg, &sp[i], &e))
            continue;
        last_end = sp[i].end;
        v->sp[v->n++] = sp[i];
        add_label(c, e.label);
        ent_sum *es = NULL;
        for (size_t k = 0; k < v->nents; k++)
            if (same_entity(c, &v->ents[k], &sp[i], &e))
                es = &v->ents[k];
        if (!es) {
            es = &v->ents[v->nents++];
            es->entity = sp[i].entity;
            es->span = sp[i];
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
char *forms_text(const ent_sum *es)
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

/* "un-sc KPe.001" or "yes" for listed entity `idx` (e), "-" otherwise; a
 * curated entity linked to several list records names them all: "un-sc
 * KPe.031 + ofac-sdn 12210" (into buf). */
const char *listing_text(const sanctag_gazetteer *gz, uint32_t idx, const sanctag_entity *e,
                         char *buf, size_t cap)
{
    if (!e->listed)
        return "-";
    const char *rj = sanctag_gazetteer_entity_records(gz, idx);
    json_t *recs = rj && *rj ? json_loads(rj, 0, NULL) : NULL;
    if (json_array_size(recs) > 1) {
        size_t o = 0, k;
        json_t *r;
        buf[0] = 0;
        json_array_foreach(recs, k, r)
            if (o < cap)
                o += (size_t)snprintf(buf + o, cap - o, "%s%s %s", k ? " + " : "",
                                      json_string_value(json_object_get(r, "source")),
                                      json_string_value(json_object_get(r, "ref")));
        json_decref(recs);
        return buf;
    }
    json_decref(recs);
    int n = snprintf(buf, cap, "%s%s%s", e->list_source,
                     *e->list_source && *e->list_ref ? " " : "", e->list_ref);
    if (n == 0)
        n = snprintf(buf, cap, "yes");
    /* the programmes: what an analyst asks first ("un-sc KPi.033 (DPRK)") */
    json_t *pr = *e->programs ? json_loads(e->programs, 0, NULL) : NULL;
    size_t k;
    json_t *p;
    const char *sep = " (";
    json_array_foreach(pr, k, p)
    {
        if (json_is_string(p) && n >= 0 && (size_t)n < cap) {
            n += snprintf(buf + n, cap - (size_t)n, "%s%s", sep, json_string_value(p));
            sep = ", ";
        }
    }
    if (*sep == ',' && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, ")");
    json_decref(pr);
    return buf;
}

/* The entity shown after a mention ("KP", "un-security-council", "!" when
 * listed) into buf; the entity into *ret_e. */
void span_tag(const show_ctx *c, const sanctag_span *s, char *buf, size_t cap,
                     sanctag_entity *ret_e)
{
    memset(ret_e, 0, sizeof *ret_e);
    if (sanctag_tagger_span_entity(c->tg, s, ret_e)) {
        snprintf(buf, cap, "?");
        ret_e->key = ret_e->label = ret_e->name = "?";
        ret_e->country = ret_e->programs = ret_e->list_source = "";
        ret_e->list_ref = ret_e->listed_on = "";
        return;
    }
    snprintf(buf, cap, "%s%s", short_key(ret_e->key, ret_e->label), ret_e->listed ? "!" : "");
}
