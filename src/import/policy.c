/* policy.c - the import name policy (policy.h): which list aliases are weak
 * or dropped, and why, decided from the gazetteer's lexicon, the entities
 * of the other sources and the list being imported. */
#include "import/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"

/* Thresholds (docs/alias-policy.md). */
#define LEGAL_MIN_NAMES 20    /* a word ending this many listed ORG names is a legal form */
#define LEGAL_MIN_SMALL 3     /* ... or this many and >= 1 % of them (a short list) */
#define QUALIFIER_MIN 2       /* a parenthesised part of this many names is a qualifier */
#define ACRONYM_MAX 6         /* letters of an acronym checked against the news */
#define ACRONYM_MIN_DOCS 1    /* written in capitals in this many news articles */
#define NEWS_NAME_MIN_DOCS 2  /* a word capitalised in this many articles names other things */
#define EAST_ASIAN_MIN_DOCS 10 /* both syllables of a two-word East Asian name this often */
#define SURNAME_MIN_DOCS 10    /* the word after a given name capitalised this often */
#define SHORT_MAX 3            /* letters of a one-word name not written in capitals */
#define SHARED_MIN 2           /* persons of one list bearing one name make it common */
#define GIVEN_LIST_MIN 3       /* a word of this many listed persons' names is a name */

static const char *const list_formats[] = {"un-xml", "ofac-csv", "ftm"};

/* ---- a string map: word -> count, last entity, evidence -------------------------- */

typedef struct sentry {
    char *key;
    long n;
    long last; /* the entity counted last (distinct counts) */
    char *ev;
} sentry;

typedef struct smap {
    sentry *v;
    size_t cap, n; /* cap a power of two */
} smap;

static sentry *smap_get(smap *m, const char *key, size_t klen, int add)
{
    if (add && (m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        sentry *nv = calloc(nc, sizeof *nv);
        if (!nv)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->v[i].key)
                continue;
            size_t h = (size_t)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, m->v[i].key,
                                              strlen(m->v[i].key));
            while (nv[h & (nc - 1)].key)
                h++;
            nv[h & (nc - 1)] = m->v[i];
        }
        free(m->v);
        m->v = nv;
        m->cap = nc;
    }
    if (!m->cap)
        return NULL;
    size_t h = (size_t)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, key, klen);
    for (;; h++) {
        sentry *s = &m->v[h & (m->cap - 1)];
        if (!s->key) {
            if (!add || !(s->key = xstrndup(key, klen)))
                return NULL;
            s->last = -1;
            m->n++;
            return s;
        }
        if (strlen(s->key) == klen && memcmp(s->key, key, klen) == 0)
            return s;
    }
}

static void smap_free(smap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->v[i].key);
        free(m->v[i].ev);
    }
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* ---- the policy ------------------------------------------------------------------ */

enum { LX_COMMON, LX_GIVEN, LX_UPPER, LX_CAP, LX_N };
static const char *const lx_names[LX_N] = {"common", "given", "upper", "cap"};

enum { R_QUALIFIER, R_PLACE, R_CURATED, R_LABEL, R_LEGAL, R_COMMON, R_ACRONYM, R_NEWS,
       R_SHORT, R_VESSEL, R_ARTICLE, R_PERSON, R_SHARED, R_CASE, R_STRUCTURE, R_N };
static const struct {
    const char *name, *action;
} rules[R_N] = {
    {"qualifier", "dropped"},        {"collision-place", "dropped"},
    {"collision-curated", "dropped"}, {"collision-label", "dropped"},
    {"legal-form", "dropped"},       {"common-word", "weak"},
    {"acronym-in-news", "weak"},     {"name-in-news", "weak"},
    {"short-word", "weak"},          {"vessel-name", "weak"},
    {"article-and-word", "weak"},
    {"common-person-name", "weak"},  {"shared-person-name", "weak"},
    {"person-common-word", "cap"},
    {"structure", "weak"},
};

struct sanctagp_policy {
    sqlite3 *db;
    sqlite3_stmt *by_norm;
    smap lex[LX_N];    /* word -> docs, evidence */
    long lexicon_words;
    smap legal;        /* last word of listed ORG names -> names */
    long org_names;
    smap qualifier;    /* norm of a parenthesised part -> entities */
    smap persons;      /* norm of a person name of the list -> persons */
    smap name_words;   /* a word of the names of the list's persons -> persons */
    long count[R_N];
    json_t *collisions;
};

static int is_list_format(const char *f)
{
    for (size_t i = 0; i < sizeof list_formats / sizeof *list_formats; i++)
        if (strcmp(f, list_formats[i]) == 0)
            return 1;
    return 0;
}

static int load_lexicon(sanctagp_policy *p)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(p->db, "SELECT word, class, docs, evidence FROM lexicon", -1, &st,
                           NULL) != SQLITE_OK)
        return 0; /* no lexicon: structural rules only */
    int rc = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        const char *ev = (const char *)sqlite3_column_text(st, 3);
        for (int k = 0; w && c && k < LX_N; k++) {
            if (strcmp(c, lx_names[k]) != 0)
                continue;
            sentry *s = smap_get(&p->lex[k], w, strlen(w), 1);
            if (!s || (ev && !(s->ev = xstrdup(ev)))) {
                rc = SANCTAG_E_NOMEM;
                break;
            }
            s->n = sqlite3_column_int64(st, 2);
            p->lexicon_words++;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Counts the last word of an ORG name (once per entity `who`). */
static int count_last_word(sanctagp_policy *p, sanctagp_tokens *tk, const char *name)
{
    size_t len = strlen(name);
    if (sanctagp_utf8_check(name, len, NULL) || sanctagp_tokenize(tk, name, len))
        return 0;
    for (size_t k = tk->n; k-- > 0;) {
        if (tk->v[k].kind != TK_WORD)
            continue;
        sentry *s = smap_get(&p->legal, tk->arena + tk->v[k].norm_off, tk->v[k].norm_len, 1);
        if (!s)
            return SANCTAG_E_NOMEM;
        s->n++;
        p->org_names++;
        break;
    }
    return 0;
}

/* Counts a person name of entity `who` named `full` on the list: the
 * persons bearing it whose full names differ from the first one's (one
 * person listed twice, "CHEMEZOV, Sergey Viktorovich", is one person). */
static int count_person(sanctagp_policy *p, const char *norm, const char *full, long who)
{
    sentry *s = smap_get(&p->persons, norm, strlen(norm), 1);
    if (!s || (!s->ev && !(s->ev = xstrdup(full))))
        return SANCTAG_E_NOMEM;
    if (s->last != who && (s->last < 0 || strcasecmp(s->ev, full) != 0))
        s->n++;
    s->last = who;
    return 0;
}

/* Counts the words of a person name of entity `who` (once per entity). */
static int count_name_words(sanctagp_policy *p, const char *norm, long who)
{
    for (const char *w = norm; *w;) {
        size_t l = strcspn(w, " ");
        sentry *s = l ? smap_get(&p->name_words, w, l, 1) : NULL;
        if (l && !s)
            return SANCTAG_E_NOMEM;
        if (s && s->last != who) {
            s->n++;
            s->last = who;
        }
        w += l + (w[l] == ' ');
    }
    return 0;
}

/* Legal forms from the ORG names of the list and of the other lists in db;
 * parenthesised qualifiers from the list. */
static int learn_list(sanctagp_policy *p, const iset *set)
{
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    int rc = 0;
    for (size_t i = 0; i < set->n && !rc; i++) {
        const ientity *e = &set->v[i];
        if (e->explicit_aliases)
            continue;
        if (strcmp(e->label, "ORG") == 0 && e->name)
            rc = count_last_word(p, &tk, e->name);
        for (size_t k = 0; k < e->nal && !rc; k++) {
            const ialias *a = &e->al[k];
            if (a->norm && sanctagp_is_person(e) && strchr(a->norm, ' ') &&
                strcmp(a->kind, "weak") != 0) {
                rc = count_person(p, a->norm, e->name ? e->name : "", (long)i);
                if (!rc)
                    rc = count_name_words(p, a->norm, (long)i);
            }
            if (!a->norm || !a->origin || strcmp(a->origin, "acronym given in parentheses"))
                continue;
            sentry *s = smap_get(&p->qualifier, a->norm, strlen(a->norm), 1);
            if (!s)
                rc = SANCTAG_E_NOMEM;
            else if (s->last != (long)i) {
                s->n++;
                s->last = (long)i;
            }
        }
    }
    sqlite3_stmt *st = NULL;
    if (!rc && sqlite3_prepare_v2(p->db,
                                  "SELECT e.name FROM entity e JOIN source s ON s.id = "
                                  "e.source_id WHERE e.label = 'ORG' AND s.format IN "
                                  "('un-xml', 'ofac-csv', 'ftm')",
                                  -1, &st, NULL) == SQLITE_OK)
        while (!rc && sqlite3_step(st) == SQLITE_ROW)
            rc = count_last_word(p, &tk, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sanctagp_tokens_release(&tk);
    return rc;
}

int sanctagp_policy_new(sqlite3 *db, const char *db_path, const iset *set,
                        sanctagp_policy **ret, sanctag_error *err)
{
    sanctagp_policy *p = calloc(1, sizeof *p);
    if (!p || !(p->collisions = json_array())) {
        free(p);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
    }
    p->db = db;
    if (sqlite3_prepare_v2(db,
                           "SELECT e.key, e.label, s.name, s.format FROM alias a JOIN entity e "
                           "ON e.id = a.entity_id JOIN source s ON s.id = e.source_id "
                           "WHERE a.norm = ? ORDER BY e.id",
                           -1, &p->by_norm, NULL) != SQLITE_OK) {
        int rc = sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                    "%s: database error: %s", db_path, sqlite3_errmsg(db));
        sanctagp_policy_free(p);
        return rc;
    }
    if (load_lexicon(p) || learn_list(p, set)) {
        sanctagp_policy_free(p);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
    }
    *ret = p;
    return 0;
}

void sanctagp_policy_free(sanctagp_policy *p)
{
    if (!p)
        return;
    sqlite3_finalize(p->by_norm);
    for (int k = 0; k < LX_N; k++)
        smap_free(&p->lex[k]);
    smap_free(&p->legal);
    smap_free(&p->qualifier);
    smap_free(&p->persons);
    smap_free(&p->name_words);
    json_decref(p->collisions);
    free(p);
}

size_t sanctagp_policy_collisions(const sanctagp_policy *p)
{
    return json_array_size(p->collisions);
}

/* ---- the rules ------------------------------------------------------------------- */

/* The word tokens of a norm ("al - qaida" -> "al", "qaida"), as [start, len)
 * pairs; returns their number (at most max). */
static int norm_words(const char *norm, const char **w, size_t *wl, int max)
{
    int n = 0;
    for (const char *s = norm; *s && n < max;) {
        const char *e = strchr(s, ' ');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        int alnum = 0;
        for (size_t i = 0; i < l; i++)
            alnum |= (unsigned char)s[i] >= 0x80 || (s[i] >= '0' && s[i] <= '9') ||
                     (s[i] >= 'a' && s[i] <= 'z');
        if (alnum) {
            w[n] = s;
            wl[n++] = l;
        }
        s += l + (e != NULL);
    }
    return n;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s) {
        va_start(ap, f);
        vsnprintf(s, (size_t)n + 1, f, ap);
        va_end(ap);
    }
    return s;
}

/* What another entity with the alias's normal form is: the rule it
 * triggers (R_PLACE, R_CURATED, R_LABEL) or -1, with its key, label and
 * source in the evidence. */
static int collision(sanctagp_policy *p, const ientity *e, const ialias *a, char **ev,
                     json_t **coll)
{
    sqlite3_stmt *st = p->by_norm;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, a->norm, -1, SQLITE_STATIC);
    int best = -1;
    *ev = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *label = (const char *)sqlite3_column_text(st, 1);
        const char *src = (const char *)sqlite3_column_text(st, 2);
        const char *format = (const char *)sqlite3_column_text(st, 3);
        if (!key || !label || !src || !format || strcmp(key, e->key) == 0)
            continue;
        int r = strcmp(label, "COUNTRY") == 0 || strcmp(label, "LOCATION") == 0 ? R_PLACE
                : !is_list_format(format)                                       ? R_CURATED
                : strcmp(label, e->label) != 0                                  ? R_LABEL
                                                                                : -1;
        if (r < 0 || (best >= 0 && r >= best))
            continue;
        best = r;
        free(*ev);
        *ev = fmt("alias of %s (%s, source %s)", key, label, src);
        json_decref(*coll);
        *coll = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "alias", a->text, "key", e->key,
                          "other_key", key, "other_label", label, "other_source", src, "rule",
                          rules[r].name);
    }
    sqlite3_reset(st);
    return best;
}

/* The rule a one-word alias `w` breaks, with its evidence, or -1. */
static int one_word_rule(sanctagp_policy *p, const ientity *e, const ialias *a, const char *w,
                         size_t wl, char **ev)
{
    sentry *s;
    if ((s = smap_get(&p->legal, w, wl, 0)) &&
        (s->n >= LEGAL_MIN_NAMES || (s->n >= LEGAL_MIN_SMALL && s->n * 100 >= p->org_names))) {
        *ev = fmt("a legal form: the last word of %ld of the %ld ORG names of the lists", s->n,
                  p->org_names);
        return R_LEGAL;
    }
    if (sanctagp_is_person(e) || strcmp(a->kind, "weak") == 0)
        return -1;
    for (int k = LX_COMMON; k <= LX_GIVEN; k++)
        if ((s = smap_get(&p->lex[k], w, wl, 0))) {
            *ev = fmt("lexicon %s: %s", lx_names[k], s->ev ? s->ev : "");
            return R_COMMON;
        }
    if (a->allcaps && a->letters <= ACRONYM_MAX && (s = smap_get(&p->lex[LX_UPPER], w, wl, 0)) &&
        s->n >= ACRONYM_MIN_DOCS) {
        *ev = fmt("written in capitals in %ld news articles (lexicon upper: %s)", s->n,
                  s->ev ? s->ev : "");
        return R_ACRONYM;
    }
    if ((s = smap_get(&p->lex[LX_CAP], w, wl, 0)) && s->n >= NEWS_NAME_MIN_DOCS) {
        *ev = fmt("capitalised in %ld news articles (lexicon cap: %s)", s->n, s->ev ? s->ev : "");
        return R_NEWS;
    }
    /* "Jit": a short word the list writes in lower-case letters, not as an
     * acronym in capitals, is a syllable of names and words of many
     * languages (scripts without case are left alone) */
    if (!a->allcaps && a->letters <= SHORT_MAX && strpbrk(a->text, "abcdefghijklmnopqrstuvwxyz")) {
        *ev = fmt("a word of %d letters not written in capitals", a->letters);
        return R_SHORT;
    }
    return -1;
}

/* A person name matched in any case with a common word in it ("Fan YANG":
 * "fan yang" is "fans who"): matched only capitalised as the list writes it. */
static int person_case_rule(sanctagp_policy *p, const ialias *a, const char **w,
                            const size_t *wl, int n, char **ev)
{
    if (!a->case_policy || strcmp(a->case_policy, "fold") != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        sentry *s = sanctagp_function_word(w[i], wl[i])
                        ? NULL
                        : smap_get(&p->lex[LX_COMMON], w[i], wl[i], 0);
        if (s) {
            *ev = fmt("\"%.*s\" is a common word (lexicon common: %s): matched only "
                      "capitalised",
                      (int)wl[i], w[i], s->ev ? s->ev : "");
            return R_CASE;
        }
    }
    return -1;
}

/* The Arabic "servant of" / "father of" that makes one given name or a
 * kunya of the word after it ("Abdul Qadir", "Abu Usama"), and the article. */
static int arabic_prefix(const char *w, size_t n)
{
    static const char *const list[] = {"abd", "abdul", "abdel", "abdur", "abdus", "abu",
                                       "abou"};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (sanctagp_lower_ascii_eq(w, n, list[i]))
            return 1;
    return 0;
}

/* A word the news writes as a word or a name: in the lexicon (a name only
 * when capitalised in >= 2 articles). */
static sentry *news_word(sanctagp_policy *p, const char *w, size_t wl)
{
    sentry *s;
    for (int k = 0; k < LX_N; k++)
        if ((s = smap_get(&p->lex[k], w, wl, 0)) && (k != LX_CAP || s->n >= NEWS_NAME_MIN_DOCS))
            return s;
    return NULL;
}

/* A ship's name of several words is a name of other things: words the news
 * writes ("Golden Phoenix", "Green Light"), or a person's name of two
 * words, the first a given name of the lexicon or of >= 3 listed persons
 * ("Mikhail Lomonosov"). */
static int vessel_rule(sanctagp_policy *p, const ientity *e, const ialias *a, const char **w,
                       const size_t *wl, int n, char **ev)
{
    if (n < 2 || strcmp(e->label, "VESSEL") != 0 || strcmp(a->kind, "weak") == 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (w[i][0] >= '0' && w[i][0] <= '9')
            return -1; /* "Grace 1": a number makes the ship's name its own */
    /* two words, the first a given name of >= 4 letters ("Fu Yuan Yu 7622",
     * "Mar Azul" are not persons) */
    sentry *s = n == 2 && wl[0] >= 4 ? smap_get(&p->lex[LX_GIVEN], w[0], wl[0], 0) : NULL;
    if (!s && n == 2 && wl[0] >= 4 && (s = smap_get(&p->name_words, w[0], wl[0], 0)) &&
        s->n < GIVEN_LIST_MIN)
        s = NULL;
    if (s && s->ev) {
        *ev = fmt("a person's name: \"%.*s\" is a given name (lexicon given: %s)", (int)wl[0],
                  w[0], s->ev);
        return R_VESSEL;
    }
    if (s) {
        *ev = fmt("a person's name: \"%.*s\" is in the names of %ld listed persons", (int)wl[0],
                  w[0], s->n);
        return R_VESSEL;
    }
    for (int i = 0; i < n; i++)
        if (!sanctagp_function_word(w[i], wl[i]) && !news_word(p, w[i], wl[i]))
            return -1;
    *ev = fmt("every word one the news writes (lexicon: common, given, upper or cap >= %d)",
              NEWS_NAME_MIN_DOCS);
    return R_VESSEL;
}

/* A non-person name of two words, the Arabic article and one word ("Al
 * Aqsa", "Al-Haramain"): a noun many mosques, hospitals and trains bear. */
static int article_rule(const ientity *e, const ialias *a, const char **w, const size_t *wl,
                        int n, char **ev)
{
    if (n != 2 || sanctagp_is_person(e) || strcmp(a->kind, "weak") == 0 ||
        !(sanctagp_lower_ascii_eq(w[0], wl[0], "al") || sanctagp_lower_ascii_eq(w[0], wl[0], "el")))
        return -1;
    *ev = fmt("the Arabic article and one word (\"%.*s\"): a name many places and bodies bear",
              (int)wl[1], w[1]);
    return R_ARTICLE;
}

/* A person name of common given-name tokens only, of two words of <= 4
 * letters capitalised in >= 10 news articles each, one of which a common
 * East Asian surname (a two-syllable name many share), or of an
 * Arabic "Abdul"/"Abu" and one word (one given name or a kunya). */
static int person_rule(sanctagp_policy *p, const char **w, const size_t *wl, int n, char **ev)
{
    if (n == 2 && arabic_prefix(w[0], wl[0])) {
        *ev = fmt("\"%.*s %.*s\": one Arabic given name or kunya, shared by many", (int)wl[0],
                  w[0], (int)wl[1], w[1]);
        return R_PERSON;
    }
    /* two romanised syllables, both names the news writes often: "Yu Jin",
     * "Sun Wei" (not "Neil Tsang", nor "Kim Kyu": "Kyu" is rare) */
    sentry *c0 = n == 2 ? smap_get(&p->lex[LX_CAP], w[0], wl[0], 0) : NULL;
    sentry *c1 = n == 2 ? smap_get(&p->lex[LX_CAP], w[1], wl[1], 0) : NULL;
    int common = c0 && c1 && c0->n >= EAST_ASIAN_MIN_DOCS && c1->n >= EAST_ASIAN_MIN_DOCS;
    for (int i = 0; common && wl[0] <= 4 && wl[1] <= 4 && i < 2; i++)
        if (sanctagp_east_asian_surname(w[i], wl[i])) {
            *ev = fmt("two short words capitalised in %ld and %ld news articles, \"%.*s\" a "
                      "common East Asian surname",
                      c0->n, c1->n, (int)wl[i], w[i]);
            return R_PERSON;
        }
    /* a common given name and a word the news capitalises often: "Muhammad
     * Haris" (not "Alexander Novak": "Novak" is rarely written) */
    sentry *g0 = n == 2 ? smap_get(&p->lex[LX_GIVEN], w[0], wl[0], 0) : NULL;
    if (g0 && c1 && c1->n >= SURNAME_MIN_DOCS) {
        *ev = fmt("\"%.*s\" a common given-name token and \"%.*s\" capitalised in %ld news "
                  "articles",
                  (int)wl[0], w[0], (int)wl[1], w[1], c1->n);
        return R_PERSON;
    }
    char buf[512];
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        sentry *s = smap_get(&p->lex[LX_GIVEN], w[i], wl[i], 0);
        if (!s)
            return -1;
        int k = snprintf(buf + used, sizeof buf - used, "%s%.*s (capitalised in %ld articles)",
                         i ? ", " : "", (int)wl[i], w[i], s->n);
        if (k > 0 && (size_t)k < sizeof buf - used)
            used += (size_t)k;
    }
    *ev = fmt("every word a common given-name token: %s", buf);
    return R_PERSON;
}

/* A short form the import made by dropping the patronymic that several
 * persons of the list bear ("Vladimir IVANOV" of Vladimir Valeryevich and
 * Vladimir Aleksandrovich): it names no one; the fuller form is needed. A
 * name the list writes itself ("Hafiz SAEED") is the list's to give. */
static int shared_rule(sanctagp_policy *p, const ialias *a, char **ev)
{
    if (!a->origin || strcmp(a->origin, "generated: patronymic dropped") != 0)
        return -1;
    sentry *s = smap_get(&p->persons, a->norm, strlen(a->norm), 0);
    if (!s || s->n < SHARED_MIN)
        return -1;
    *ev = fmt("the patronymic dropped, the name of %ld persons of the list (%s ...)", s->n,
              s->ev);
    return R_SHARED;
}

static int letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int upper_eq(char a, char b)
{
    return (a & ~0x20) == (b & ~0x20);
}

/* 1 when `ab` can abbreviate long[0..n): its letters appear in that order,
 * the first at the start of a word (Schwartz and Hearst's test); 0 when it
 * cannot; -1 when `ab` has other than ASCII letters (not decided). */
static int abbreviates(const char *ab, const char *lng, size_t n)
{
    size_t la = strlen(ab);
    for (size_t i = 0; i < la; i++)
        if (!letter(ab[i]) && ab[i] != '&')
            return -1;
    size_t j = n;
    for (size_t i = la; i-- > 0;) {
        if (!letter(ab[i]))
            continue;
        for (;;) {
            if (j == 0)
                return 0;
            j--;
            if (upper_eq(lng[j], ab[i]) && (i > 0 || j == 0 || !letter(lng[j - 1])))
                break;
        }
    }
    return 1;
}

/* The parenthesised part `a` is a qualifier, not a name: the rule's evidence or NULL. */
static char *qualifier(sanctagp_policy *p, const ientity *e, const ialias *a, int coll,
                       const char *coll_ev, const char **w, const size_t *wl, int n)
{
    if (!a->origin || strcmp(a->origin, "acronym given in parentheses") != 0)
        return NULL;
    if (coll == R_PLACE)
        return fmt("a place: %s", coll_ev);
    sentry *s = smap_get(&p->qualifier, a->norm, strlen(a->norm), 0);
    if (s && s->n >= QUALIFIER_MIN)
        return fmt("the parenthesised part of %ld names of the list", s->n);
    if (n == 1 && (s = smap_get(&p->legal, w[0], wl[0], 0)) && s->n >= LEGAL_MIN_SMALL)
        return fmt("a legal form: the last word of %ld ORG names of the lists", s->n);
    /* "TOUS POUR LA PAIX (NGO)": not an abbreviation of the name before it,
     * and a word the news uses for something else */
    const char *open = e->name ? strchr(e->name, '(') : NULL;
    int known = 0;
    for (int k = 0; n == 1 && k < LX_N; k++)
        known |= smap_get(&p->lex[k], w[0], wl[0], 0) != NULL;
    size_t before = open ? (size_t)(open - e->name) : 0;
    while (before && e->name[before - 1] == ' ')
        before--;
    if (open && known && abbreviates(a->text, e->name, before) == 0)
        return fmt("not an abbreviation of \"%.*s\" and a word of the lexicon", (int)before,
                   e->name);
    return NULL;
}

int sanctagp_policy_apply(sanctagp_policy *p, ientity *e)
{
    if (e->explicit_aliases)
        return 0;
    for (size_t k = 0; k < e->nal; k++) {
        ialias *a = &e->al[k];
        if (!a->norm)
            continue;
        const char *w[64];
        size_t wl[64];
        int n = norm_words(a->norm, w, wl, 64);
        char *ev = NULL, *q;
        json_t *coll = NULL;
        int c = collision(p, e, a, &ev, &coll), r = -1;
        if ((q = qualifier(p, e, a, c, ev, w, wl, n))) {
            free(ev);
            ev = q;
            r = R_QUALIFIER;
        } else if (c >= 0) {
            r = c;
            if (json_array_append(p->collisions, coll))
                r = -2;
        } else if (n == 1) {
            r = one_word_rule(p, e, a, w[0], wl[0], &ev);
        } else if (n >= 2 && sanctagp_is_person(e) && strcmp(a->kind, "weak") != 0) {
            if ((r = person_rule(p, w, wl, n, &ev)) < 0 && (r = shared_rule(p, a, &ev)) < 0)
                r = person_case_rule(p, a, w, wl, n, &ev);
        } else if ((r = vessel_rule(p, e, a, w, wl, n, &ev)) < 0 && n == 2) {
            r = article_rule(e, a, w, wl, n, &ev);
        }
        json_decref(coll);
        if (r == -2 || (r >= 0 && !ev)) {
            free(ev);
            return SANCTAG_E_NOMEM;
        }
        if (r < 0) {
            if (a->rule)
                p->count[R_STRUCTURE]++;
            continue;
        }
        free(a->evidence);
        a->evidence = ev;
        a->rule = rules[r].name;
        p->count[r]++;
        if (strcmp(rules[r].action, "dropped") == 0) {
            a->dropped = 1;
            continue;
        }
        int weak = strcmp(rules[r].action, "weak") == 0;
        char *v = xstrdup(weak ? "weak" : "cap");
        /* capitals needed where news writes them: not on particles ("bin") */
        char *text = weak ? NULL : sanctagp_news_case(a->text);
        if (!v || (!weak && !text)) {
            free(v);
            return SANCTAG_E_NOMEM;
        }
        free(weak ? a->kind : a->case_policy);
        *(weak ? &a->kind : &a->case_policy) = v;
        if (text) {
            free(a->text);
            a->text = text;
        }
    }
    return 0;
}

json_t *sanctagp_policy_report(const sanctagp_policy *p, int counts_only)
{
    json_t *rl = json_array();
    for (int r = 0; rl && r < R_N; r++)
        if (p->count[r])
            json_array_append_new(rl, json_pack("{s:s,s:s,s:I}", "rule", rules[r].name,
                                                "action", rules[r].action, "aliases",
                                                (json_int_t)p->count[r]));
    json_t *coll = counts_only ? json_integer((json_int_t)json_array_size(p->collisions))
                               : json_incref(p->collisions);
    return json_pack("{s:I,s:o*,s:o*}", "lexicon_words", (json_int_t)p->lexicon_words, "rules",
                     rl, "collisions", coll);
}
