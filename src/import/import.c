/* import.c - sanctions-list importers: UN SC consolidated XML (libxml2), OFAC
 * SDN CSV (sdn.csv + alt.csv [+ add.csv]), OpenSanctions FollowTheMoney JSON
 * lines and plain TSV/JSONL, read into entities with sanctions fields and
 * matchable aliases, written through the gazetteer writer as one source in one
 * transaction, with a diff against what the source held before.
 *
 * How list names become aliases (the part reviewers should check):
 *  - every name form is cleaned (whitespace, enclosing quotes, trailing '.'),
 *    "(ACRONYM)" and "(original script: ...)" parts become aliases of their
 *    own, apostrophes inside words get a variant without them ("CH'OE" ->
 *    "CHOE"), Russian patronymics a variant without them ("Doku Khamatovich
 *    Umarov" -> "Doku Umarov");
 *  - person names are written the way news writes them: OFAC "KIM, Jong Un"
 *    gives "Jong Un KIM", and for East Asian names (DPRK programmes, a KP, KR,
 *    CN, TW, HK, MO, VN or SG nationality, or a common Korean/Chinese/
 *    Vietnamese surname) also "KIM Jong Un"; UN names are FIRST SECOND THIRD
 *    FOURTH as listed (the UN writes Korean family names in FIRST_NAME) plus
 *    the given-name-first order for East Asian names;
 *  - case policy and kind per alias: persons fold case (multi-word list names
 *    match "Kim Jong Un", "KIM JONG UN", "kim jong-un"); organisation and
 *    vessel names need capitals where news writes them (case "cap", all-caps
 *    list spellings title-cased first, "of", "and", "al" ... lower-cased, so
 *    "BANK OF EAST LAND" matches "Bank of East Land" but not "bank of east
 *    land"); a one-word organisation alias of 2-4 capitals is an
 *    abbreviation matched exactly as written ("KCST"), a longer one needs a
 *    capital ("Hamas"); a one-word vessel name matches only as the list writes
 *    it ("DOVER"); one-word person aliases and any one-word alias of one or two
 *    letters are weak, as are the aliases the lists mark low quality (UN
 *    QUALITY "Low", OFAC remarks "a.k.a. '...'", FtM weakAlias). Weak aliases
 *    are only matched with `sanctag tag --weak`. */
#include "import/import.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "gazetteer/gazetteer.h"
#include "core/text.h"

static const char *const format_names[IMP_NFORMATS] = {"un-xml", "ofac-csv", "ftm", "tsv",
                                                       "jsonl", "lines"};
static const char *const default_sources[IMP_NFORMATS] = {"un-sc", "ofac-sdn", "opensanctions",
                                                          NULL, NULL, NULL};

int sanctagp_import_format(const char *name)
{
    for (int i = 0; name && i < IMP_NFORMATS; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *sanctagp_import_format_name(int format)
{
    return format >= 0 && format < IMP_NFORMATS ? format_names[format] : "?";
}

/* ---- small helpers --------------------------------------------------------- */

static int empty(const char *s)
{
    return !s || !*s;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

/* Growable string; `oom` sticks once an allocation failed. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

/* Returns the owned string (never NULL unless out of memory) and resets b. */
static char *sb_take(sbuf *b)
{
    char *p = b->oom ? NULL : b->p ? b->p : xstrdup("");
    if (b->oom)
        free(b->p);
    memset(b, 0, sizeof *b);
    return p;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static int lower_ascii_eq(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (k != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

static int valid_date_prefix(const char *s, char out[11])
{
    /* YYYY-MM-DD at the start of s (the UN writes "2015-04-07-04:00" too) */
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    memcpy(out, s, 10);
    out[10] = 0;
    return 1;
}

/* Line number (1-based) of byte `pos` in buf. */
static long line_of(const char *buf, size_t pos)
{
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        line += buf[i] == '\n';
    return line;
}

/* Valid UTF-8 without NUL, or an error naming the line. */
static int check_utf8(const char *path, const char *buf, size_t len, sanctag_error *err)
{
    size_t pos;
    int rc = sanctagp_utf8_check(buf, len, &pos);
    if (!rc)
        return 0;
    long line = line_of(buf, pos);
    return sanctagp_error_set(err, rc, path, line, 0, (long long)pos, "%s:%ld: %s at byte %zu",
                              path, line, rc == SANCTAG_E_NUL ? "NUL byte" : "invalid UTF-8",
                              pos);
}

/* ---- countries --------------------------------------------------------------- */

typedef struct cname {
    char *key;
    char code[3];
    int prio; /* explicit list spellings (1) win over ICU names (0) */
} cname;

static cname *ctab;
static size_t ctab_n, ctab_cap;
static pthread_once_t ctab_once = PTHREAD_ONCE_INIT;

/* Comparable form of a country name: NFKC case fold, accents stripped, only
 * [a-z0-9] words separated by one space, "&" as "and", "st" as "saint",
 * apostrophes dropped. Owned string or NULL. */
static char *country_key(const char *name)
{
    char *norm = sanctag_normalize(name, strlen(name));
    if (!norm)
        return NULL;
    char stripped[512];
    uint16_t *scratch = NULL;
    size_t scap = 0;
    long n = sanctagp_strip_accents(norm, strlen(norm), stripped, sizeof stripped - 1, &scratch,
                                    &scap);
    free(scratch);
    const char *src = norm;
    if (n >= 0) {
        stripped[n] = 0;
        src = stripped;
    }
    sbuf b = {0};
    const char *p = src;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wn = (size_t)(p - w);
        if (!wn)
            break;
        /* keep ASCII letters and digits of the token; drop punctuation tokens */
        char tok[256];
        size_t tn = 0;
        for (size_t i = 0; i < wn && tn < sizeof tok - 1; i++) {
            unsigned char c = (unsigned char)w[i];
            if (isalnum(c) || c >= 0x80)
                tok[tn++] = (char)c;
            else if (c == '&')
                tok[tn++] = '&';
        }
        tok[tn] = 0;
        if (!tn)
            continue;
        const char *out = tok;
        if (strcmp(tok, "&") == 0)
            out = "and";
        else if (strcmp(tok, "st") == 0)
            out = "saint";
        /* "people ' s" -> "peoples": glue a lone "s" after an apostrophe */
        if (strcmp(tok, "s") == 0 && b.n) {
            sb_puts(&b, "s");
            continue;
        }
        if (b.n)
            sb_puts(&b, " ");
        sb_puts(&b, out);
    }
    free(norm);
    return sb_take(&b);
}

static void ctab_add(const char *name, const char *code, int prio)
{
    char *k = country_key(name);
    if (!k || !*k) {
        free(k);
        return;
    }
    if (ctab_n == ctab_cap) {
        size_t nc = ctab_cap ? ctab_cap * 2 : 512;
        cname *nt = realloc(ctab, nc * sizeof *nt);
        if (!nt) {
            free(k);
            return;
        }
        ctab = nt;
        ctab_cap = nc;
    }
    ctab[ctab_n].key = k;
    memcpy(ctab[ctab_n].code, code, 3);
    ctab[ctab_n].prio = prio;
    ctab_n++;
}

static void u16_to_u8(const UChar *s, int32_t n, char *out, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t w = 0;
    u_strToUTF8(out, (int32_t)cap - 1, &w, s, n, &st);
    out[U_FAILURE(st) ? 0 : w] = 0;
}

/* "Myanmar (Burma)" -> also "Myanmar" and "Burma" (not "Republic" of
 * "Congo (Republic)": such ties are settled by the explicit table). */
static void ctab_add_split(const char *name, const char *code)
{
    ctab_add(name, code, 0);
    const char *open = strchr(name, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (open && close && open > name) {
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(open - name), name);
        ctab_add(buf, code, 0);
        snprintf(buf, sizeof buf, "%.*s", (int)(close - open - 1), open + 1);
        if (strlen(buf) >= 5 && !strstr(buf, "Republic"))
            ctab_add(buf, code, 0);
    }
}

static int cname_cmp(const void *x, const void *y)
{
    const cname *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : b->prio - a->prio;
}

/* List spellings ICU does not know (UN M49 official names, OFAC forms). */
static const char *const country_extra[][2] = {
    {"Democratic People's Republic of Korea", "KP"}, {"DPRK", "KP"},
    {"North Korea", "KP"}, {"Republic of Korea", "KR"}, {"South Korea", "KR"},
    {"Syrian Arab Republic", "SY"}, {"Russian Federation", "RU"}, {"Russia", "RU"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"United Kingdom", "GB"}, {"United States of America", "US"}, {"United States", "US"},
    {"United Republic of Tanzania", "TZ"}, {"State of Palestine", "PS"},
    {"Palestine", "PS"}, {"Palestinian", "PS"}, {"Turkey", "TR"}, {"Türkiye", "TR"},
    {"China, Hong Kong Special Administrative Region", "HK"}, {"Hong Kong", "HK"},
    {"China, Macao Special Administrative Region", "MO"}, {"Macao", "MO"}, {"Macau", "MO"},
    {"Lao People's Democratic Republic", "LA"}, {"Laos", "LA"}, {"Viet Nam", "VN"},
    {"Vietnam", "VN"}, {"Republic of Moldova", "MD"}, {"Moldova", "MD"},
    {"Brunei Darussalam", "BN"}, {"Brunei", "BN"}, {"Cabo Verde", "CV"}, {"Cape Verde", "CV"},
    {"Czech Republic", "CZ"}, {"Czechia", "CZ"}, {"Eswatini", "SZ"}, {"Swaziland", "SZ"},
    {"Republic of North Macedonia", "MK"}, {"North Macedonia", "MK"},
    {"Democratic Republic of the Congo", "CD"}, {"Congo, Democratic Republic of the", "CD"},
    {"Republic of the Congo", "CG"}, {"Congo", "CG"}, {"Congo, Republic of the", "CG"},
    {"Cote d'Ivoire", "CI"}, {"Ivory Coast", "CI"}, {"Burma", "MM"}, {"Myanmar", "MM"},
    {"Kosovo", "XK"}, {"Taiwan", "TW"}, {"Iran", "IR"}, {"Syria", "SY"}, {"Bolivia", "BO"},
    {"Venezuela", "VE"}, {"Tanzania", "TZ"}, {"Micronesia", "FM"}, {"Holy See", "VA"},
    {"Saint Kitts-Nevis", "KN"}, {"Saint Kitts and Nevis", "KN"},
    {"Saint Vincent and the Grenadines", "VC"}, {"Gambia", "GM"}, {"Bahamas", "BS"},
    {"Netherlands", "NL"}, {"British Virgin Islands", "VG"}, {"Isle of Man", "IM"},
    {"Sao Tome and Principe", "ST"},
};

static void ctab_build(void)
{
    for (const char *const *c = uloc_getISOCountries(); *c; c++) {
        char loc[8], name[256];
        snprintf(loc, sizeof loc, "und_%s", *c);
        UChar u[256];
        UErrorCode st = U_ZERO_ERROR;
        int32_t n = uloc_getDisplayCountry(loc, "en", u, 256, &st);
        if (U_FAILURE(st) || n <= 0 || n >= 256)
            continue;
        u16_to_u8(u, n, name, sizeof name);
        if (strcmp(name, *c) != 0)
            ctab_add_split(name, *c);
    }
    UErrorCode st = U_ZERO_ERROR;
    UResourceBundle *rb = ures_open(U_ICUDATA_NAME "-region", "en", &st);
    static const char *const tables[] = {"Countries%short", "Countries%variant"};
    for (int t = 0; t < 2 && U_SUCCESS(st); t++) {
        UErrorCode st2 = U_ZERO_ERROR;
        UResourceBundle *tb = ures_getByKey(rb, tables[t], NULL, &st2);
        while (U_SUCCESS(st2) && ures_hasNext(tb)) {
            int32_t n;
            const char *cc;
            const UChar *s = ures_getNextString(tb, &n, &cc, &st2);
            if (U_FAILURE(st2) || !cc || strlen(cc) != 2)
                continue;
            char name[256];
            u16_to_u8(s, n, name, sizeof name);
            ctab_add_split(name, cc);
        }
        ures_close(tb);
    }
    ures_close(rb);
    for (size_t i = 0; i < sizeof country_extra / sizeof *country_extra; i++)
        ctab_add(country_extra[i][0], country_extra[i][1], 1);
    /* by key, explicit entries first among equal keys */
    qsort(ctab, ctab_n, sizeof *ctab, cname_cmp);
}

static const char *ctab_find(const char *key)
{
    size_t lo = 0, hi = ctab_n;
    const char *found = NULL;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ctab[mid].key, key);
        if (c == 0) {
            while (mid > 0 && strcmp(ctab[mid - 1].key, key) == 0)
                mid--; /* the first of equal keys has the highest priority */
            found = ctab[mid].code;
            break;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return found;
}

int sanctagp_country_code(const char *name, char out[3])
{
    if (empty(name))
        return 0;
    size_t n = strlen(name);
    if (n == 2 && isupper((unsigned char)name[0]) && isupper((unsigned char)name[1])) {
        /* already a code ("KP"); "ZZ" means unknown. A lower-case pair is
         * not taken for one: the UN writes "na" for "not available". */
        if (strcmp(name, "ZZ") == 0)
            return 0;
        memcpy(out, name, 3);
        return 1;
    }
    pthread_once(&ctab_once, ctab_build);
    char work[512];
    snprintf(work, sizeof work, "%s", name);
    /* "Iran (Islamic Republic of)" -> "Iran" */
    char *open = strchr(work, '(');
    if (open && open > work)
        *open = 0;
    const char *code = NULL;
    char *k = country_key(work);
    if (k)
        code = ctab_find(k);
    if (!code && k) {
        /* "Korea, North" -> "North Korea"; "Bahamas, The" -> "Bahamas" */
        const char *comma = strchr(work, ',');
        if (comma) {
            char swapped[512];
            snprintf(swapped, sizeof swapped, "%s %.*s", comma + 1, (int)(comma - work), work);
            char *k2 = country_key(swapped);
            if (k2) {
                const char *s2 = k2;
                if (strncmp(s2, "the ", 4) == 0)
                    s2 += 4;
                code = ctab_find(s2);
                if (!code) {
                    char *k3 = country_key(comma + 1);
                    if (k3 && (strcmp(k3, "the") == 0)) {
                        char base[512];
                        snprintf(base, sizeof base, "%.*s", (int)(comma - work), work);
                        char *k4 = country_key(base);
                        if (k4)
                            code = ctab_find(k4);
                        free(k4);
                    }
                    free(k3);
                }
            }
            free(k2);
        }
        if (!code && strncmp(k, "the ", 4) == 0)
            code = ctab_find(k + 4);
    }
    free(k);
    if (!code)
        return 0;
    memcpy(out, code, 3);
    return 1;
}

/* Names written family name first in news (as the tagger's short forms assume). */
static int east_asian_country(const char *cc)
{
    static const char *const list[] = {"KP", "KR", "CN", "TW", "HK", "MO", "VN", "SG"};
    for (size_t i = 0; cc && i < sizeof list / sizeof *list; i++)
        if (strcmp(cc, list[i]) == 0)
            return 1;
    return 0;
}

/* Common Korean, Chinese and Vietnamese surnames in list romanisations. */
static int east_asian_surname(const char *s, size_t n)
{
    static const char *const list[] = {
        "kim", "ri", "rim", "lee", "yi", "li", "pak", "park", "choe", "choi", "jang", "chang",
        "jong", "jon", "chon", "jung", "chung", "kang", "cho", "jo", "yun", "yoon", "han",
        "hwang", "song", "ryu", "yu", "ko", "paek", "baek", "mun", "moon", "sin", "shin", "kwon",
        "ju", "chu", "yang", "hong", "son", "pae", "ku", "min", "hyon", "ra", "o", "oh", "tsang",
        "wang", "zhang", "chen", "liu", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu",
        "hu", "guo", "lin", "gao", "luo", "zheng", "liang", "xie", "tang", "feng", "deng", "cao",
        "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "du", "ye",
        "cheng", "wei", "su", "lu", "ding", "shen", "yao", "tan", "liao", "fan", "wong", "ng",
        "nguyen", "tran", "pham", "hoang", "phan", "vu", "vo", "dang", "bui", "ngo", "duong",
    };
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (lower_ascii_eq(s, n, list[i]))
            return 1;
    return 0;
}

/* ---- entities being imported ------------------------------------------------- */

/* One alias candidate. Automatic formats leave kind/case_policy NULL until
 * finalize() decides them; plain formats give them explicitly. */
typedef struct ialias {
    char *text, *kind, *case_policy, *lang, *accents, *origin;
    int weak; /* the list marks it low quality */
} ialias;

typedef struct ientity {
    char *key, *label, *name, *country;
    int listed;
    json_t *programs; /* array of strings, NULL when none */
    char *list_ref, *listed_on, *valid_from, *valid_to, *origin;
    json_t *attrs; /* object, NULL when none */
    ialias *al;
    size_t nal, alcap;
    const char *file; /* borrowed: one of the input paths */
    long line;
    int explicit_aliases; /* plain formats: aliases exactly as given */
    int east_asian;       /* names written family name first */
} ientity;

typedef struct iset {
    ientity *v;
    size_t n, cap;
    uint64_t *slots; /* open addressing on key: hash << 32 | index + 1, 0 empty; the hash
                        spares looking at entities whose key cannot match, and rehashing */
    size_t nslots;
} iset;

static uint32_t key_hash(const char *s)
{
    return (uint32_t)fnv(0xcbf29ce484222325ull, s, strlen(s));
}

static long iset_find(const iset *s, const char *key)
{
    if (!s->nslots)
        return -1;
    uint32_t h = key_hash(key);
    size_t i = h & (s->nslots - 1);
    for (uint64_t v; (v = s->slots[i]) != 0; i = (i + 1) & (s->nslots - 1)) {
        if ((uint32_t)(v >> 32) != h)
            continue;
        const ientity *e = &s->v[(uint32_t)v - 1];
        if (strcmp(e->key, key) == 0)
            return (long)((uint32_t)v - 1);
    }
    return -1;
}

static int iset_rehash(iset *s, size_t nslots)
{
    uint64_t *ns = calloc(nslots, sizeof *ns);
    if (!ns)
        return SANCTAG_E_NOMEM;
    for (size_t k = 0; k < s->nslots; k++) {
        uint64_t v = s->slots[k];
        if (!v)
            continue;
        size_t i = (uint32_t)(v >> 32) & (nslots - 1);
        while (ns[i])
            i = (i + 1) & (nslots - 1);
        ns[i] = v;
    }
    free(s->slots);
    s->slots = ns;
    s->nslots = nslots;
    return 0;
}

/* Adds an entity with `key` (owned copy); the caller has checked it is new. */
static ientity *iset_add(iset *s, const char *key, const char *label, const char *file,
                         long line)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        ientity *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = nc;
    }
    if ((s->n + 1) * 2 > s->nslots && iset_rehash(s, s->nslots ? s->nslots * 2 : 512))
        return NULL;
    ientity *e = &s->v[s->n];
    memset(e, 0, sizeof *e);
    e->key = xstrdup(key);
    e->label = xstrdup(label);
    if (!e->key || !e->label) {
        free(e->key);
        free(e->label);
        return NULL;
    }
    e->file = file;
    e->line = line;
    uint32_t h = key_hash(key);
    size_t i = h & (s->nslots - 1);
    while (s->slots[i])
        i = (i + 1) & (s->nslots - 1);
    s->slots[i] = (uint64_t)h << 32 | (uint32_t)(s->n + 1);
    s->n++;
    return e;
}

static void ialias_free(ialias *a)
{
    free(a->text);
    free(a->kind);
    free(a->case_policy);
    free(a->lang);
    free(a->accents);
    free(a->origin);
}

static void iset_free(iset *s)
{
    for (size_t k = 0; k < s->n; k++) {
        ientity *e = &s->v[k];
        free(e->key);
        free(e->label);
        free(e->name);
        free(e->country);
        json_decref(e->programs);
        free(e->list_ref);
        free(e->listed_on);
        free(e->valid_from);
        free(e->valid_to);
        free(e->origin);
        json_decref(e->attrs);
        for (size_t i = 0; i < e->nal; i++)
            ialias_free(&e->al[i]);
        free(e->al);
    }
    free(s->v);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static ialias *push_alias(ientity *e)
{
    if (e->nal == e->alcap) {
        /* most entities of a plain list have one alias, list entries a few */
        size_t nc = e->alcap ? e->alcap * 2 : 1;
        ialias *na = realloc(e->al, nc * sizeof *na);
        if (!na)
            return NULL;
        e->al = na;
        e->alcap = nc;
    }
    ialias *a = &e->al[e->nal++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Sets attrs[name] = string value (ignored when empty). */
static void attr_set(ientity *e, const char *name, const char *value)
{
    if (empty(value))
        return;
    if (!e->attrs)
        e->attrs = json_object();
    json_object_set_new(e->attrs, name, json_string(value));
}

/* Appends `value` to the string array attrs[name] unless present. */
static void attr_push(ientity *e, const char *name, const char *value)
{
    if (empty(value))
        return;
    if (!e->attrs)
        e->attrs = json_object();
    json_t *arr = json_object_get(e->attrs, name);
    if (!arr) {
        arr = json_array();
        json_object_set_new(e->attrs, name, arr);
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(v), value) == 0)
            return;
    }
    json_array_append_new(arr, json_string(value));
}

static void program_push(ientity *e, const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (!n)
        return;
    if (!e->programs)
        e->programs = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(e->programs, i, v)
    {
        if (strlen(json_string_value(v)) == n && memcmp(json_string_value(v), p, n) == 0)
            return;
    }
    json_array_append_new(e->programs, json_stringn(p, n));
}

/* Sets e->country from a country name if it has none yet; records the code
 * in attrs[attr] (when attr is not NULL). Returns 1 when recognised. */
static int country_note(ientity *e, const char *name, const char *attr)
{
    char cc[3];
    if (!sanctagp_country_code(name, cc))
        return 0;
    if (!e->country)
        e->country = xstrdup(cc);
    if (attr)
        attr_push(e, attr, cc);
    return 1;
}

static int is_person(const ientity *e)
{
    return strcmp(e->label, "PERSON") == 0;
}

/* ---- name forms ---------------------------------------------------------------- */

static int is_quote(UChar32 c)
{
    return c == '"' || c == '\'' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
           c == 0x00AB || c == 0x00BB;
}

static int is_apostrophe(UChar32 c)
{
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x0060 ||
           c == 0x00B4 || c == 0x02BB || c == 0x2032;
}

/* A list name as an alias text: whitespace runs (tabs, newlines, NBSP) as one
 * space, trimmed, enclosing quotes and trailing ".,;:" removed. Owned. */
static char *clean_name(const char *s)
{
    sbuf b = {0};
    const uint8_t *p = (const uint8_t *)s;
    int32_t len = (int32_t)strlen(s), i = 0;
    int space = 0;
    while (i < len) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0)
            continue;
        if (u_isUWhiteSpace(c) || c == 0xA0 || c == 0x200B) {
            space = 1;
            continue;
        }
        if (space && b.n)
            sb_puts(&b, " ");
        space = 0;
        sb_putn(&b, s + at, (size_t)(i - at));
    }
    char *t = sb_take(&b);
    if (!t)
        return NULL;
    for (;;) {
        size_t n = strlen(t);
        if (n && strchr(".,;:", t[n - 1])) {
            t[n - 1] = 0;
            while (n > 1 && t[n - 2] == ' ')
                t[--n - 1] = 0;
            continue;
        }
        /* enclosing quotes: first and last code points */
        int32_t tl = (int32_t)n, j = 0, k = tl;
        UChar32 first = 0, last = 0;
        if (tl >= 2) {
            U8_NEXT((const uint8_t *)t, j, tl, first);
            U8_PREV((const uint8_t *)t, 0, k, last);
        }
        if (tl >= 2 && j <= k && is_quote(first) && is_quote(last)) {
            memmove(t, t + j, (size_t)(k - j));
            t[k - j] = 0;
            size_t m = strlen(t);
            while (m && t[m - 1] == ' ')
                t[--m] = 0;
            while (t[0] == ' ')
                memmove(t, t + 1, strlen(t));
            continue;
        }
        break;
    }
    return t;
}

/* Copy of s without apostrophes between two letters ("CH'O'NGSONG" ->
 * "CHONGSONG"), or NULL when it has none. */
static char *strip_apostrophes(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t len = (int32_t)strlen(s), i = 0;
    sbuf b = {0};
    UChar32 prev = 0;
    int changed = 0;
    while (i < len) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (is_apostrophe(c) && u_isalpha(prev) && i < len) {
            int32_t j = i;
            UChar32 next;
            U8_NEXT(p, j, len, next);
            if (u_isalpha(next)) {
                changed = 1;
                continue; /* prev stays the letter before */
            }
        }
        sb_putn(&b, s + at, (size_t)(i - at));
        prev = c;
    }
    char *t = sb_take(&b);
    if (!changed) {
        free(t);
        return NULL;
    }
    return t;
}

static int is_patronymic(const char *w, size_t n)
{
    static const char *const suffixes[] = {"ovich", "evich", "ovna", "evna", "ichna",
                                           "ogly", "oglu", "kyzy", "qizi"};
    /* the last hyphen part: "SEIT-UMAROVICH" */
    const char *h = w;
    for (size_t i = 0; i < n; i++)
        if (w[i] == '-')
            h = w + i + 1;
    size_t hn = n - (size_t)(h - w);
    for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++) {
        size_t sl = strlen(suffixes[k]);
        if (hn > sl + 1 && lower_ascii_eq(h + hn - sl, sl, suffixes[k]))
            return 1;
    }
    return 0;
}

/* Copy of a person name without its patronymic words (never the first or the
 * last word), or NULL when there is none. */
static char *drop_patronymic(const char *s)
{
    const char *words[64];
    size_t lens[64], n = 0;
    for (const char *p = s; *p && n < 64;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        words[n] = w;
        lens[n++] = (size_t)(p - w);
    }
    if (n < 3)
        return NULL;
    sbuf b = {0};
    int dropped = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && i + 1 < n && is_patronymic(words[i], lens[i])) {
            dropped = 1;
            continue;
        }
        if (b.n)
            sb_puts(&b, " ");
        sb_putn(&b, words[i], lens[i]);
    }
    char *t = sb_take(&b);
    if (!dropped) {
        free(t);
        return NULL;
    }
    return t;
}

/* Adds one alias candidate (owned copy of text). Returns 0 or SANCTAG_E_NOMEM. */
static int add_form(ientity *e, const char *text, int weak, const char *origin)
{
    if (empty(text))
        return 0;
    ialias *a = push_alias(e);
    if (!a)
        return SANCTAG_E_NOMEM;
    a->text = xstrdup(text);
    a->origin = xstrdup(origin);
    a->weak = weak;
    return a->text && a->origin ? 0 : SANCTAG_E_NOMEM;
}

/* A form and its generated variants: without apostrophes, and for persons
 * without patronymics. */
static int add_variants(ientity *e, const char *text, int weak, const char *origin)
{
    int rc = add_form(e, text, weak, origin);
    char *na = rc ? NULL : strip_apostrophes(text);
    if (!rc && na)
        rc = add_form(e, na, weak, "generated: apostrophes removed");
    if (!rc && is_person(e)) {
        const char *bases[2] = {text, na};
        for (int i = 0; i < 2 && !rc; i++) {
            if (!bases[i])
                continue;
            char *np = drop_patronymic(bases[i]);
            if (np)
                rc = add_form(e, np, weak, "generated: patronymic dropped");
            free(np);
        }
    }
    free(na);
    return rc;
}

/* "(GBAE)", "(KKBC)": one word of 2-10 capitals. */
static int acronym_like(const char *s, size_t n)
{
    int upper = 0;
    if (n < 2 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c))
            upper++;
        else if (c != '&')
            return 0;
    }
    return upper >= 2;
}

static int has_alpha(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t len = (int32_t)strlen(s), i = 0;
    while (i < len) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c > 0 && u_isalpha(c))
            return 1;
    }
    return 0;
}

/* Adds a list name: cleaned, its parenthesised parts resolved, variants
 * generated. */
static int add_name_clean(ientity *e, const char *t, int weak, const char *origin, int depth)
{
    const char *open = strchr(t, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (!open || !close || depth > 4)
        return add_variants(e, t, weak, origin);
    size_t inner_n = (size_t)(close - open - 1);
    char *inner = xstrndup(open + 1, inner_n);
    sbuf ob = {0};
    sb_putn(&ob, t, (size_t)(open - t));
    sb_puts(&ob, " ");
    sb_puts(&ob, close + 1);
    char *outer_raw = sb_take(&ob);
    char *outer = outer_raw ? clean_name(outer_raw) : NULL;
    char *inner_c = inner ? clean_name(inner) : NULL;
    free(outer_raw);
    int rc = 0;
    if (!inner || !outer || !inner_c) {
        rc = SANCTAG_E_NOMEM;
        goto out;
    }
    static const char os[] = "original script:";
    if (strncasecmp(inner_c, os, sizeof os - 1) == 0) {
        char *script = clean_name(inner_c + sizeof os - 1);
        if (!empty(outer))
            rc = add_name_clean(e, outer, weak, origin, depth + 1);
        if (!rc && script)
            rc = add_variants(e, script, weak, "list name in original script");
        free(script);
        goto out;
    }
    if (!empty(outer) && has_alpha(outer))
        rc = add_name_clean(e, outer, weak, origin, depth + 1);
    else
        rc = add_name_clean(e, inner_c, weak, origin, depth + 1);
    if (rc || is_person(e) || empty(outer))
        goto out;
    if (acronym_like(inner_c, strlen(inner_c))) {
        rc = add_variants(e, inner_c, weak, "acronym given in parentheses");
    } else if (has_alpha(inner_c) && !strpbrk(inner_c, "0123456789")) {
        /* "LEADER (HONG KONG) INTERNATIONAL" as written, and as
         * "LEADER HONG KONG INTERNATIONAL" */
        if (close[1] && (rc = add_variants(e, t, weak, origin)))
            goto out;
        sbuf wb = {0};
        sb_putn(&wb, t, (size_t)(open - t));
        sb_puts(&wb, inner_c);
        sb_puts(&wb, close + 1);
        char *w = sb_take(&wb);
        char *wc = w ? clean_name(w) : NULL;
        if (wc)
            rc = add_name_clean(e, wc, weak, origin, depth + 1);
        free(w);
        free(wc);
    }
out:
    free(inner);
    free(inner_c);
    free(outer);
    return rc;
}

static int add_one_name(ientity *e, const char *raw, size_t n, int weak, const char *origin)
{
    char *part = xstrndup(raw, n);
    char *t = part ? clean_name(part) : NULL;
    free(part);
    if (!t)
        return SANCTAG_E_NOMEM;
    int rc = *t ? add_name_clean(e, t, weak, origin, 0) : 0;
    free(t);
    return rc;
}

/* Adds a list name; several names in one field are split: "A; B", "A / B",
 * "a) A b) B" (an unspaced "/" as in "IMPORT/EXPORT" stays). */
static int add_name(ientity *e, const char *raw, int weak, const char *origin)
{
    if (empty(raw))
        return 0;
    const char *start = raw, *p = raw;
    int rc = 0;
    while (*p && !rc) {
        size_t sep = 0;
        if (*p == ';')
            sep = 1;
        else if (p[0] == ' ' && p[1] == '/' && p[2] == ' ')
            sep = 3;
        else if ((p == raw || p[-1] == ' ') && islower((unsigned char)p[0]) && p[1] == ')' &&
                 (p[2] == ' ' || !p[2]))
            sep = 2;
        if (!sep) {
            p++;
            continue;
        }
        if (p > start)
            rc = add_one_name(e, start, (size_t)(p - start), weak, origin);
        p += sep;
        start = p;
    }
    if (!rc && p > start)
        rc = add_one_name(e, start, (size_t)(p - start), weak, origin);
    return rc;
}

/* A person's name from surname and given names, in the order(s) news writes
 * it: given names first, and also surname first for East Asian names. */
static int add_person_name(ientity *e, const char *surname, const char *given, int east_asian,
                           int weak, const char *origin)
{
    char *s = clean_name(surname), *g = clean_name(given);
    int rc = 0;
    if (!s || !g) {
        rc = SANCTAG_E_NOMEM;
    } else if (!*g || !*s) {
        rc = add_name(e, *g ? g : s, weak, origin);
    } else {
        size_t n = strlen(s) + strlen(g) + 2;
        char *buf = malloc(n);
        if (!buf) {
            rc = SANCTAG_E_NOMEM;
        } else {
            if (east_asian) {
                snprintf(buf, n, "%s %s", s, g);
                rc = add_name(e, buf, weak, origin);
            }
            snprintf(buf, n, "%s %s", g, s);
            if (!rc)
                rc = add_name(e, buf, weak,
                              east_asian ? "generated: given name first" : origin);
            free(buf);
        }
    }
    free(s);
    free(g);
    return rc;
}

/* ---- case policy and kind ------------------------------------------------------- */

static int function_word(const char *w, size_t n)
{
    static const char *const list[] = {
        "of", "and", "the", "for", "in", "on", "at", "to", "by", "with", "from", "de", "del",
        "della", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "les", "el", "al",
        "y", "e", "et", "und", "van", "von", "der", "den", "ul", "bin", "ibn", "an", "wal",
    };
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (lower_ascii_eq(w, n, list[i]))
            return 1;
    return 0;
}

/* The alias text a "cap" policy is computed from: an all-caps list spelling
 * title-cased ("BANK OF EAST LAND" -> "Bank Of East Land"), then function
 * words after the first lower-cased ("Bank of East Land"), so that news
 * casing satisfies it. Owned. */
static char *news_case(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t len = (int32_t)strlen(s), i = 0;
    int has_lower = 0;
    while (i < len) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c > 0 && u_islower(c))
            has_lower = 1;
    }
    char *t = NULL;
    if (!has_lower) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t n16 = 0;
        u_strFromUTF8(NULL, 0, &n16, s, len, &st);
        st = U_ZERO_ERROR;
        UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
        UChar *tu = malloc(((size_t)n16 * 2 + 8) * sizeof *tu);
        if (u && tu) {
            u_strFromUTF8(u, n16 + 1, NULL, s, len, &st);
            int32_t tn = U_SUCCESS(st) ? u_strToTitle(tu, n16 * 2 + 8, u, n16, NULL, "", &st) : 0;
            if (U_SUCCESS(st)) {
                int32_t n8 = 0;
                UErrorCode st2 = U_ZERO_ERROR;
                u_strToUTF8(NULL, 0, &n8, tu, tn, &st2);
                t = malloc((size_t)n8 + 1);
                st2 = U_ZERO_ERROR;
                if (t)
                    u_strToUTF8(t, n8 + 1, NULL, tu, tn, &st2);
                if (t && U_FAILURE(st2)) {
                    free(t);
                    t = NULL;
                }
            }
        }
        free(u);
        free(tu);
    }
    if (!t)
        t = xstrdup(s);
    if (!t)
        return NULL;
    /* lower-case function words (ASCII letters only, same length) */
    size_t n = strlen(t), k = 0;
    int first = 1;
    while (k < n) {
        if (!isalpha((unsigned char)t[k])) {
            k++;
            continue;
        }
        size_t w = k;
        while (k < n && (isalpha((unsigned char)t[k]) || (unsigned char)t[k] >= 0x80))
            k++;
        if (!first && function_word(t + w, k - w))
            for (size_t j = w; j < k; j++)
                t[j] = (char)tolower((unsigned char)t[j]);
        first = 0;
    }
    return t;
}

/* True when [s, s+n) has Han, Hangul or Kana letters: scripts written
 * without spaces, where one token can be a whole name ("김정은"). */
static int cjk(const char *s, size_t n)
{
    int32_t i = 0, len = (int32_t)n;
    while (i < len) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, len, c);
        if (c <= 0)
            continue;
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &st);
        if (U_SUCCESS(st) && (sc == USCRIPT_HAN || sc == USCRIPT_HANGUL ||
                              sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA))
            return 1;
    }
    return 0;
}

/* Code points in [s, s+n). */
static size_t cp_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

enum { RANK_WEAK = 0, RANK_ABBR = 1, RANK_NAME = 2 };

static int kind_rank(const char *kind)
{
    if (strcmp(kind, "weak") == 0)
        return RANK_WEAK;
    if (strcmp(kind, "abbreviation") == 0)
        return RANK_ABBR;
    return RANK_NAME;
}

/* Decides kind and case policy of every automatic alias of `e` and drops
 * duplicates (same normalised form: the stronger kind wins). Aliases without
 * letters or digits are dropped. Returns 0 or SANCTAG_E_NOMEM. */
static int finalize_aliases(ientity *e, sanctagp_tokens *tk)
{
    if (e->explicit_aliases)
        return 0;
    char **norms = calloc(e->nal ? e->nal : 1, sizeof *norms);
    if (!norms)
        return SANCTAG_E_NOMEM;
    size_t w = 0;
    int rc = 0;
    for (size_t i = 0; i < e->nal && !rc; i++) {
        ialias a = e->al[i];
        memset(&e->al[i], 0, sizeof e->al[i]);
        size_t len = strlen(a.text);
        if (sanctagp_utf8_check(a.text, len, NULL) || len > 1000 ||
            sanctagp_tokenize(tk, a.text, len) || tk->n > 64) {
            ialias_free(&a);
            continue;
        }
        size_t words = 0, last_word = 0;
        for (size_t k = 0; k < tk->n; k++)
            if (tk->v[k].kind == TK_WORD) {
                words++;
                last_word = k;
            }
        if (!words) {
            ialias_free(&a);
            continue;
        }
        const sanctagp_token *t0 = &tk->v[last_word];
        size_t letters = cp_count(a.text + t0->start, t0->end - t0->start);
        int whole = words == 1 && letters >= 2 && cjk(a.text + t0->start, t0->end - t0->start);
        const char *kind = "name", *policy = "fold";
        int recase = 0;
        if (is_person(e)) {
            if (words == 1 && !whole)
                kind = "weak";
        } else if (words == 1) {
            int vessel = strcmp(e->label, "VESSEL") == 0;
            if (letters <= 2) {
                kind = "weak";
                policy = "exact";
            } else if (vessel) {
                policy = "exact";
            } else if (t0->cls == TC_UPPER && letters <= 4) {
                kind = "abbreviation";
                policy = "exact";
            } else {
                policy = "cap";
            }
        } else {
            policy = "cap";
            recase = 1;
        }
        if (a.weak)
            kind = "weak";
        /* the normalised form, for duplicates */
        sbuf nb = {0};
        for (size_t k = 0; k < tk->n; k++) {
            if (k)
                sb_puts(&nb, " ");
            sb_putn(&nb, tk->arena + tk->v[k].norm_off, tk->v[k].norm_len);
        }
        char *norm = sb_take(&nb);
        char *text = recase ? news_case(a.text) : xstrdup(a.text);
        a.kind = xstrdup(kind);
        a.case_policy = xstrdup(policy);
        if (!norm || !text || !a.kind || !a.case_policy) {
            free(norm);
            free(text);
            ialias_free(&a);
            rc = SANCTAG_E_NOMEM;
            break;
        }
        free(a.text);
        a.text = text;
        size_t dup = w;
        for (size_t k = 0; k < w; k++)
            if (strcmp(norms[k], norm) == 0) {
                dup = k;
                break;
            }
        if (dup < w) {
            if (kind_rank(a.kind) > kind_rank(e->al[dup].kind)) {
                ialias_free(&e->al[dup]);
                e->al[dup] = a;
            } else {
                ialias_free(&a);
            }
            free(norm);
            continue;
        }
        norms[w] = norm;
        e->al[w++] = a;
    }
    for (size_t i = w; i < e->nal; i++)
        ialias_free(&e->al[i]);
    e->nal = w;
    for (size_t k = 0; k < w; k++)
        free(norms[k]);
    free(norms);
    return rc;
}

/* ---- the import context ---------------------------------------------------------- */

typedef struct imp {
    int format;
    iset set;
    json_t *skipped;  /* reason -> count */
    char version[96]; /* list date or content hash */
    uint64_t hash;    /* FNV-1a of every input byte */
    sanctag_error *err;
} imp;

static void skip_count(imp *m, const char *reason)
{
    json_t *v = json_object_get(m->skipped, reason);
    json_object_set_new(m->skipped, reason, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int oom(imp *m, const char *file, long line)
{
    return sanctagp_error_set(m->err, SANCTAG_E_NOMEM, file, line, 0, -1, "out of memory");
}

/* A new entity with `key`, or an error naming both places when the key is
 * already taken. */
static int new_entity(imp *m, const char *key, const char *label, const char *file, long line,
                      ientity **ret)
{
    long dup = iset_find(&m->set, key);
    if (dup >= 0) {
        const ientity *d = &m->set.v[dup];
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, file, line, 0, -1,
                                  "%s:%ld: '%s' appears twice (first at %s:%ld)", file, line, key,
                                  d->file, d->line);
    }
    ientity *e = iset_add(&m->set, key, label, file, line);
    if (!e)
        return oom(m, file, line);
    *ret = e;
    return 0;
}

/* The first 7-digit IMO number after "IMO" in s, or 0. */
static int find_imo(const char *s, char out[8])
{
    for (const char *p = s ? strstr(s, "IMO") : NULL; p; p = strstr(p + 3, "IMO")) {
        const char *q = p + 3;
        int gap = 0;
        while (*q && !isdigit((unsigned char)*q) && gap < 12) {
            q++;
            gap++;
        }
        size_t n = 0;
        while (isdigit((unsigned char)q[n]))
            n++;
        if (n == 7) {
            memcpy(out, q, 7);
            out[7] = 0;
            return 1;
        }
    }
    return 0;
}

/* ---- UN Security Council consolidated list (XML) -------------------------------- */

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Trimmed text content of node (owned), NULL when absent or empty. */
static char *node_text(xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    char *t = clean_name((const char *)c);
    xmlFree(c);
    if (t && !*t) {
        free(t);
        return NULL;
    }
    return t;
}

static char *child_text(xmlNode *n, const char *name)
{
    return node_text(child(n, name));
}

/* Words that make an entity name a company or body rather than a ship. */
static int org_word_in(const char *name)
{
    static const char *const words[] = {
        "company", "co", "corp", "corporation", "ltd", "limited", "inc", "llc", "jv", "group",
        "shipping", "trading", "trade", "bank", "banking", "holding", "holdings", "marine",
        "maritime", "management", "international", "enterprise", "enterprises", "industry",
        "industries", "department", "bureau", "ministry", "committee", "office", "academy",
        "agency", "association", "organization", "organisation", "front", "party", "army",
        "force", "forces", "pte", "sa", "gmbh", "fze", "fzc", "llp", "plc", "bhd", "sdn", "oil",
        "energy", "freight", "logistics", "services", "navigation", "lines", "line", "center",
        "centre", "commission", "general", "network", "brigade", "battalion", "movement",
    };
    const char *p = name;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && isalnum((unsigned char)*p))
            p++;
        for (size_t i = 0; p > w && i < sizeof words / sizeof *words; i++)
            if (lower_ascii_eq(w, (size_t)(p - w), words[i]))
                return 1;
    }
    return 0;
}

static int un_record(imp *m, const char *path, xmlNode *rec, int individual)
{
    long line = xmlGetLineNo(rec);
    const char *what = individual ? "INDIVIDUAL" : "ENTITY";
    char *ref = child_text(rec, "REFERENCE_NUMBER");
    char *names[4] = {NULL, NULL, NULL, NULL};
    char *list_type = NULL, *listed_on = NULL, *comments = NULL, *script = NULL, *dataid = NULL;
    char *key = NULL, *full = NULL;
    int rc = 0;
    if (!ref) {
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s without REFERENCE_NUMBER", path, line, what);
        goto out;
    }
    static const char *const name_fields[4] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                               "FOURTH_NAME"};
    sbuf fb = {0};
    for (int i = 0; i < (individual ? 4 : 1); i++) {
        names[i] = child_text(rec, name_fields[i]);
        if (names[i]) {
            if (fb.n)
                sb_puts(&fb, " ");
            sb_puts(&fb, names[i]);
        }
    }
    full = sb_take(&fb);
    if (!full)
        goto nomem;
    if (!*full || !has_alpha(full)) {
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s %s has no name (FIRST_NAME)", path, line, what, ref);
        goto out;
    }
    list_type = child_text(rec, "UN_LIST_TYPE");
    listed_on = child_text(rec, "LISTED_ON");
    comments = child_text(rec, "COMMENTS1");
    script = child_text(rec, "NAME_ORIGINAL_SCRIPT");
    dataid = child_text(rec, "DATAID");
    char date[11] = "", imo[8] = "";
    if (listed_on && !valid_date_prefix(listed_on, date)) {
        line = xmlGetLineNo(child(rec, "LISTED_ON"));
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s %s: LISTED_ON '%s' is not a date (YYYY-MM-DD)", path,
                                line, what, ref, listed_on);
        goto out;
    }
    int has_imo = find_imo(comments, imo);
    const char *label = individual ? "PERSON" : has_imo && !org_word_in(full) ? "VESSEL" : "ORG";
    size_t kn = strlen(ref) + 4;
    key = malloc(kn);
    if (!key)
        goto nomem;
    snprintf(key, kn, "un:%s", ref);
    ientity *e;
    if ((rc = new_entity(m, key, label, path, line, &e)))
        goto out;
    e->listed = 1;
    e->name = xstrdup(full);
    e->list_ref = xstrdup(ref);
    e->listed_on = *date ? xstrdup(date) : NULL;
    if (!e->name || !e->list_ref)
        goto nomem;
    if (list_type)
        program_push(e, list_type, strlen(list_type));
    attr_set(e, "type", individual ? "individual" : "entity");
    attr_set(e, "dataid", dataid);
    attr_set(e, "un_list_type", list_type);
    attr_set(e, "original_script", script);
    if (has_imo)
        attr_set(e, "imo", imo);
    /* nationality: the country of a person; an entity's is that of its
     * addresses when they all agree */
    for (xmlNode *nat = child(rec, "NATIONALITY"); nat; nat = NULL)
        for (xmlNode *v = nat->children; v; v = v->next) {
            if (v->type != XML_ELEMENT_NODE || strcmp((const char *)v->name, "VALUE") != 0)
                continue;
            char *t = node_text(v);
            if (t)
                country_note(e, t, "nationality");
            free(t);
        }
    if (!individual) {
        char first[3] = "";
        int agree = 1;
        for (xmlNode *a = rec->children; a; a = a->next) {
            if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "ENTITY_ADDRESS"))
                continue;
            char *c = child_text(a, "COUNTRY"), cc[3];
            if (c && sanctagp_country_code(c, cc)) {
                if (!*first)
                    memcpy(first, cc, 3);
                else if (strcmp(first, cc) != 0)
                    agree = 0;
            }
            free(c);
        }
        if (*first && agree && !e->country)
            e->country = xstrdup(first);
    }
    int east_asian = (list_type && strcmp(list_type, "DPRK") == 0) ||
                     east_asian_country(e->country);
    if ((rc = add_name(e, full, 0, "UN list name")))
        goto nomem;
    if (individual && east_asian && names[0] && names[1]) {
        /* the UN writes Korean and Chinese family names first (FIRST_NAME) */
        sbuf gb = {0};
        for (int i = 1; i < 4; i++)
            if (names[i]) {
                if (gb.n)
                    sb_puts(&gb, " ");
                sb_puts(&gb, names[i]);
            }
        sb_puts(&gb, " ");
        sb_puts(&gb, names[0]);
        char *flip = sb_take(&gb);
        if (!flip || (rc = add_name(e, flip, 0, "generated: given name first"))) {
            free(flip);
            goto nomem;
        }
        free(flip);
    }
    if (script && (rc = add_name(e, script, 0, "UN list name in original script")))
        goto nomem;
    const char *alias_el = individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS";
    for (xmlNode *a = rec->children; a; a = a->next) {
        if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, alias_el) != 0)
            continue;
        char *an = child_text(a, "ALIAS_NAME"), *q = child_text(a, "QUALITY");
        int weak = q && strcasecmp(q, "Low") == 0;
        if (an)
            rc = add_name(e, an, weak, weak ? "UN alias, quality Low" : "UN alias");
        free(an);
        free(q);
        if (rc)
            goto nomem;
    }
    goto out;
nomem:
    rc = rc ? rc : oom(m, path, line);
out:
    free(ref);
    for (int i = 0; i < 4; i++)
        free(names[i]);
    free(list_type);
    free(listed_on);
    free(comments);
    free(script);
    free(dataid);
    free(key);
    free(full);
    return rc;
}

static int parse_un(imp *m, const char *path)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, m->err);
    if (!buf)
        return m->err ? m->err->code : SANCTAG_E_IO;
    m->hash = fnv(m->hash, buf, len);
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(buf);
        return oom(m, path, 0);
    }
    if (len > INT32_MAX) {
        xmlFreeParserCtxt(ctxt);
        free(buf);
        return sanctagp_error_set(m->err, SANCTAG_E_TOOBIG, path, 0, 0, -1, "%s: too big", path);
    }
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
                                      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);
    int rc = 0;
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr xe = xmlCtxtGetLastError(ctxt);
        long line = xe ? xe->line : 0;
        char msg[300];
        snprintf(msg, sizeof msg, "%s", xe && xe->message ? xe->message : "parse error");
        size_t ml = strlen(msg);
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
            msg[--ml] = 0;
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, xe ? xe->int2 : 0, -1,
                                "%s:%ld: malformed XML: %s", path, line, msg);
        goto out;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "CONSOLIDATED_LIST") != 0) {
        long line = root ? xmlGetLineNo(root) : 1;
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: root element is <%s>, not <CONSOLIDATED_LIST> (the UN "
                                "Security Council consolidated list)",
                                path, line, root ? (const char *)root->name : "");
        goto out;
    }
    xmlChar *gen = xmlGetProp(root, (const xmlChar *)"dateGenerated");
    if (gen && !*m->version)
        snprintf(m->version, sizeof m->version, "%s", (const char *)gen);
    xmlFree(gen);
    for (xmlNode *sec = root->children; sec && !rc; sec = sec->next) {
        if (sec->type != XML_ELEMENT_NODE)
            continue;
        int individuals = strcmp((const char *)sec->name, "INDIVIDUALS") == 0;
        if (!individuals && strcmp((const char *)sec->name, "ENTITIES") != 0)
            continue;
        const char *want = individuals ? "INDIVIDUAL" : "ENTITY";
        for (xmlNode *rec = sec->children; rec && !rc; rec = rec->next) {
            if (rec->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)rec->name, want) != 0) {
                long line = xmlGetLineNo(rec);
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: <%s> inside <%s>, expected <%s>", path, line,
                                        (const char *)rec->name, (const char *)sec->name, want);
                break;
            }
            rc = un_record(m, path, rec, individuals);
        }
    }
out:
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    free(buf);
    return rc;
}

/* ---- OFAC SDN legacy CSV ---------------------------------------------------------- */

/* CSV reader: RFC 4180 quoting, CRLF or LF, "-0-" (OFAC's empty) read as "",
 * blank lines and the trailing DOS end-of-file byte 0x1A skipped. */
typedef struct csv {
    const char *path;
    const char *p, *end;
    long line;     /* line of the next byte */
    long rec_line; /* line where the last record started */
    long recno;    /* 1-based number of the last record */
    char **f;      /* fields of the last record (owned) */
    int nf, cap;
} csv;

static void csv_clear(csv *c)
{
    for (int i = 0; i < c->nf; i++)
        free(c->f[i]);
    c->nf = 0;
}

static int csv_push(csv *c, char *field)
{
    if (!field)
        return SANCTAG_E_NOMEM;
    if (c->nf == c->cap) {
        int nc = c->cap ? c->cap * 2 : 16;
        char **nf = realloc(c->f, (size_t)nc * sizeof *nf);
        if (!nf) {
            free(field);
            return SANCTAG_E_NOMEM;
        }
        c->f = nf;
        c->cap = nc;
    }
    /* trim; OFAC writes "-0- " for an empty field */
    size_t n = strlen(field), s = 0;
    while (n && (field[n - 1] == ' ' || field[n - 1] == '\t'))
        field[--n] = 0;
    while (field[s] == ' ' || field[s] == '\t')
        s++;
    if (s)
        memmove(field, field + s, n - s + 1);
    if (strcmp(field, "-0-") == 0)
        field[0] = 0;
    c->f[c->nf++] = field;
    return 0;
}

/* Reads the next record: 1, 0 at the end, or a negative code (err set). */
static int csv_next(csv *c, sanctag_error *err)
{
    csv_clear(c);
    for (;;) {
        const char *q = c->p;
        while (q < c->end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == 0x1a))
            q++;
        if (q >= c->end) {
            c->p = q;
            return 0;
        }
        if (*q != '\n')
            break;
        c->p = q + 1;
        c->line++;
    }
    c->rec_line = c->line;
    c->recno++;
    sbuf b = {0};
    for (;;) {
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    free(sb_take(&b));
                    return sanctagp_error_set(err, SANCTAG_E_FORMAT, c->path, c->rec_line, 0, -1,
                                              "%s:%ld: record %ld: quoted field never closed",
                                              c->path, c->rec_line, c->recno);
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        sb_putn(&b, "\"", 1);
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                sb_putn(&b, c->p, 1);
                c->p++;
            }
            while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
                c->p++;
            if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
                free(sb_take(&b));
                return sanctagp_error_set(err, SANCTAG_E_FORMAT, c->path, c->line, 0, -1,
                                          "%s:%ld: record %ld: '%c' after a closing quote "
                                          "(expected ',' or the end of the line)",
                                          c->path, c->line, c->recno, *c->p);
            }
        } else {
            const char *s = c->p;
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                c->p++;
            sb_putn(&b, s, (size_t)(c->p - s));
        }
        int rc = csv_push(c, sb_take(&b));
        if (rc)
            return sanctagp_error_set(err, rc, c->path, c->rec_line, 0, -1, "out of memory");
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
            c->line++;
        }
        return 1;
    }
}

/* Owned UTF-8 copy of a buffer that is UTF-8 already or else Windows-1252 /
 * Latin-1 (older OFAC files). NUL bytes are refused. */
static char *to_utf8(const char *path, char *buf, size_t len, size_t *ret_len,
                     sanctag_error *err)
{
    size_t pos;
    int rc = sanctagp_utf8_check(buf, len, &pos);
    if (rc == SANCTAG_E_NUL) {
        long line = line_of(buf, pos);
        sanctagp_error_set(err, rc, path, line, 0, (long long)pos, "%s:%ld: NUL byte", path,
                           line);
        return NULL;
    }
    if (rc == 0) {
        *ret_len = len;
        return buf;
    }
    static const uint16_t cp1252[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    };
    char *out = malloc(len * 3 + 1);
    if (!out) {
        sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        uint32_t cp = c < 0x80 ? c : c < 0xA0 ? cp1252[c - 0x80] : c;
        if (cp < 0x80) {
            out[w++] = (char)cp;
        } else if (cp < 0x800) {
            out[w++] = (char)(0xC0 | cp >> 6);
            out[w++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[w++] = (char)(0xE0 | cp >> 12);
            out[w++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[w++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[w] = 0;
    free(buf);
    *ret_len = w;
    return out;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

enum { OFAC_SDN = 0, OFAC_ALT = 1, OFAC_ADD = 2 };

typedef struct ofac_file {
    const char *path;
    char *buf;
    size_t len;
    int kind;
} ofac_file;

/* Weak AKAs: OFAC's legacy formats keep them only in the remarks, quoted:
 * "a.k.a. 'BNC'; f.k.a. 'ANA I'." (strong ones are in alt.csv). */
static int ofac_weak_akas(ientity *e, const char *remarks, const char *surname_split)
{
    static const char *const marks[] = {"a.k.a. '", "f.k.a. '", "n.k.a. '"};
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        for (const char *p = strstr(remarks, marks[k]); p && !rc; p = strstr(p, marks[k])) {
            const char *s = p + strlen(marks[k]), *q = s;
            while (*q && !(*q == '\'' && (q[1] == 0 || strchr(";.,)", q[1]))))
                q++;
            if (!*q)
                break;
            char *name = xstrndup(s, (size_t)(q - s));
            if (!name)
                return SANCTAG_E_NOMEM;
            const char *comma = surname_split ? strstr(name, ", ") : NULL;
            if (comma) {
                char *sur = xstrndup(name, (size_t)(comma - name));
                rc = sur ? add_person_name(e, sur, comma + 2, e->east_asian, 1,
                                           "OFAC remarks, weak a.k.a.")
                         : SANCTAG_E_NOMEM;
                free(sur);
            } else {
                rc = add_name(e, name, 1, "OFAC remarks, weak a.k.a.");
            }
            free(name);
            p = q;
        }
    }
    return rc;
}

/* The value of a "; "-separated remarks segment starting with `label` (case
 * insensitive), e.g. "nationality Korea, North"; owned or NULL. */
static char *remarks_value(const char *remarks, const char *label)
{
    size_t ln = strlen(label);
    const char *p = remarks;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *seg = p;
        while (*p && *p != ';')
            p++;
        if ((size_t)(p - seg) > ln && strncasecmp(seg, label, ln) == 0) {
            char *v = xstrndup(seg + ln, (size_t)(p - seg) - ln);
            char *c = v ? clean_name(v) : NULL;
            free(v);
            return c;
        }
    }
    return NULL;
}

static int ofac_sdn_record(imp *m, csv *c)
{
    const char *path = c->path;
    long line = c->rec_line;
    if (c->nf != 12)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld has %d fields, an OFAC sdn.csv record has "
                                  "12",
                                  path, line, c->recno, c->nf);
    char **f = c->f;
    if (!all_digits(f[0]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld: ent_num '%s' is not a number", path, line,
                                  c->recno, f[0]);
    if (!has_alpha(f[1]) && !strpbrk(f[1], "0123456789"))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): empty SDN_Name", path, line,
                                  c->recno, f[0]);
    const char *label;
    if (!*f[2])
        label = "ORG";
    else if (strcasecmp(f[2], "individual") == 0)
        label = "PERSON";
    else if (strcasecmp(f[2], "vessel") == 0)
        label = "VESSEL";
    else if (strcasecmp(f[2], "aircraft") == 0) {
        skip_count(m, "OFAC aircraft");
        return 0;
    } else
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): SDN_Type '%s' unknown "
                                  "(individual, vessel, aircraft or -0-)",
                                  path, line, c->recno, f[0], f[2]);
    char key[40];
    snprintf(key, sizeof key, "ofac:%s", f[0]);
    ientity *e;
    int rc = new_entity(m, key, label, path, line, &e);
    if (rc)
        return rc;
    e->listed = 1;
    e->name = clean_name(f[1]);
    e->list_ref = xstrdup(f[0]);
    if (!e->name || !e->list_ref)
        return oom(m, path, line);
    /* "NPWMD] [DPRK2" */
    for (const char *p = f[3]; *p;) {
        while (*p == '[' || *p == ']' || *p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ']' && *p != '[')
            p++;
        program_push(e, s, (size_t)(p - s));
    }
    const char *remarks = f[11];
    static const char *const types[] = {"individual", "entity", "vessel"};
    attr_set(e, "type", types[label[0] == 'P' ? 0 : label[0] == 'O' ? 1 : 2]);
    attr_set(e, "title", f[4]);
    char imo[8];
    if (find_imo(remarks, imo))
        attr_set(e, "imo", imo);
    if (label[0] == 'V') {
        attr_set(e, "call_sign", f[5]);
        attr_set(e, "vessel_type", f[6]);
        attr_set(e, "tonnage", f[7]);
        attr_set(e, "grt", f[8]);
        attr_set(e, "owner", f[10]);
        if (*f[9]) {
            char cc[3];
            if (sanctagp_country_code(f[9], cc)) {
                attr_set(e, "flag", cc);
                e->country = xstrdup(cc);
            }
        }
    }
    char *nat = remarks_value(remarks, "nationality ");
    char *cit = remarks_value(remarks, "citizen ");
    char *dob = remarks_value(remarks, "DOB ");
    if (nat)
        country_note(e, nat, "nationality");
    if (cit)
        country_note(e, cit, "citizenship");
    attr_set(e, "dob", dob);
    free(nat);
    free(cit);
    free(dob);
    int ea = east_asian_country(e->country);
    size_t i;
    json_t *v;
    json_array_foreach(e->programs, i, v)
    {
        if (strncmp(json_string_value(v), "DPRK", 4) == 0)
            ea = 1;
    }
    const char *comma = label[0] == 'P' ? strstr(e->name, ", ") : NULL;
    if (comma && east_asian_surname(e->name, (size_t)(comma - e->name)))
        ea = 1;
    e->east_asian = ea;
    if (comma) {
        char *sur = xstrndup(e->name, (size_t)(comma - e->name));
        rc = sur ? add_person_name(e, sur, comma + 2, ea, 0, "OFAC SDN name") : SANCTAG_E_NOMEM;
        free(sur);
    } else {
        rc = add_name(e, e->name, 0, "OFAC SDN name");
    }
    if (!rc)
        rc = ofac_weak_akas(e, remarks, label[0] == 'P' ? "," : NULL);
    return rc ? oom(m, path, line) : 0;
}

static int ofac_alt_record(imp *m, csv *c)
{
    const char *path = c->path;
    long line = c->rec_line;
    if (c->nf != 5)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld has %d fields, an OFAC alt.csv record has 5",
                                  path, line, c->recno, c->nf);
    char **f = c->f;
    if (!all_digits(f[0]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld: ent_num '%s' is not a number", path, line,
                                  c->recno, f[0]);
    if (!*f[3])
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): empty alt_name", path, line,
                                  c->recno, f[0]);
    char key[40];
    snprintf(key, sizeof key, "ofac:%s", f[0]);
    long idx = iset_find(&m->set, key);
    if (idx < 0) {
        /* alt.csv may be newer than sdn.csv, or name aircraft we skip */
        skip_count(m, "OFAC alt.csv rows naming no imported sdn.csv entry");
        return 0;
    }
    ientity *e = &m->set.v[idx];
    char origin[64];
    snprintf(origin, sizeof origin, "OFAC alt.csv %s", *f[2] ? f[2] : "aka");
    const char *comma = is_person(e) ? strstr(f[3], ", ") : NULL;
    int rc;
    if (comma) {
        char *sur = xstrndup(f[3], (size_t)(comma - f[3]));
        rc = sur ? add_person_name(e, sur, comma + 2, e->east_asian, 0, origin)
                 : SANCTAG_E_NOMEM;
        free(sur);
    } else {
        rc = add_name(e, f[3], 0, origin);
    }
    return rc ? oom(m, path, line) : 0;
}

static int parse_ofac(imp *m, const char *const *files, size_t nfiles)
{
    ofac_file *of = calloc(nfiles, sizeof *of);
    if (!of)
        return oom(m, files[0], 0);
    int rc = 0, have_sdn = 0;
    csv c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < nfiles && !rc; i++) {
        of[i].path = files[i];
        size_t len;
        char *buf = sanctagp_read_file(files[i], &len, m->err);
        if (!buf) {
            rc = m->err ? m->err->code : SANCTAG_E_IO;
            break;
        }
        m->hash = fnv(m->hash, buf, len);
        of[i].buf = to_utf8(files[i], buf, len, &of[i].len, m->err);
        if (!of[i].buf) {
            free(buf);
            rc = m->err ? m->err->code : SANCTAG_E_FORMAT;
            break;
        }
        /* the kind of file from its first record's width */
        c.path = files[i];
        c.p = of[i].buf;
        c.end = of[i].buf + of[i].len;
        c.line = 1;
        c.recno = 0;
        int r = csv_next(&c, m->err);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == 0 || (c.nf != 12 && c.nf != 5 && c.nf != 6)) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, files[i], r ? c.rec_line : 0, 0, -1,
                                    "%s: not an OFAC sdn.csv (12 fields), alt.csv (5) or add.csv "
                                    "(6): %s%d fields",
                                    files[i], r ? "the first record has " : "no records, ",
                                    r ? c.nf : 0);
            break;
        }
        of[i].kind = c.nf == 12 ? OFAC_SDN : c.nf == 5 ? OFAC_ALT : OFAC_ADD;
        have_sdn |= of[i].kind == OFAC_SDN;
    }
    if (!rc && !have_sdn)
        rc = sanctagp_error_set(m->err, SANCTAG_E_INVALID, files[0], 0, 0, -1,
                                "%s: no OFAC sdn.csv among the files (records of 12 fields: "
                                "ent_num, SDN_Name, SDN_Type, Program, ..., Remarks)",
                                files[0]);
    /* entries first, then their aliases and addresses */
    char (*addr)[3] = NULL; /* per entity: the country of its addresses, "--" if they differ */
    for (int pass = 0; pass < 3 && !rc; pass++) {
        if (pass == 2) {
            addr = calloc(m->set.n ? m->set.n : 1, sizeof *addr);
            if (!addr) {
                rc = oom(m, files[0], 0);
                break;
            }
        }
        for (size_t i = 0; i < nfiles && !rc; i++) {
            if (of[i].kind != pass)
                continue;
            c.path = files[i];
            c.p = of[i].buf;
            c.end = of[i].buf + of[i].len;
            c.line = 1;
            c.recno = 0;
            int r = 0;
            while (!rc && (r = csv_next(&c, m->err)) > 0) {
                if (pass == OFAC_SDN) {
                    rc = ofac_sdn_record(m, &c);
                } else if (pass == OFAC_ALT) {
                    rc = ofac_alt_record(m, &c);
                } else if (c.nf != 6) {
                    rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, c.path, c.rec_line, 0, -1,
                                            "%s:%ld: record %ld has %d fields, an OFAC add.csv "
                                            "record has 6",
                                            c.path, c.rec_line, c.recno, c.nf);
                } else {
                    char key[40], cc[3];
                    snprintf(key, sizeof key, "ofac:%s", c.f[0]);
                    long idx = iset_find(&m->set, key);
                    if (idx >= 0 && *c.f[4] && sanctagp_country_code(c.f[4], cc)) {
                        if (!addr[idx][0])
                            memcpy(addr[idx], cc, 3);
                        else if (strcmp(addr[idx], cc) != 0)
                            memcpy(addr[idx], "--", 3);
                    }
                }
            }
            if (!rc && r < 0)
                rc = r;
        }
    }
    for (size_t i = 0; !rc && addr && i < m->set.n; i++) {
        ientity *e = &m->set.v[i];
        if (!e->country && addr[i][0] && addr[i][0] != '-' && !is_person(e))
            e->country = xstrdup(addr[i]);
    }
    free(addr);
    csv_clear(&c);
    free(c.f);
    for (size_t i = 0; i < nfiles; i++)
        free(of[i].buf);
    free(of);
    return rc;
}

/* ---- OpenSanctions FollowTheMoney JSON lines -------------------------------------- */

typedef struct ftm_sanction {
    char *key; /* entity key it applies to */
    json_t *programs;
    char *ref, *date, *authority;
    const char *file;
    long line;
} ftm_sanction;

static const char *ftm_label(const char *schema)
{
    if (strcmp(schema, "Person") == 0)
        return "PERSON";
    if (strcmp(schema, "Organization") == 0 || strcmp(schema, "Company") == 0 ||
        strcmp(schema, "LegalEntity") == 0 || strcmp(schema, "PublicBody") == 0)
        return "ORG";
    if (strcmp(schema, "Vessel") == 0)
        return "VESSEL";
    return NULL;
}

/* Entity key of a FtM id: the id itself when it already has a "kind:" part,
 * else "ftm:" + id. Owned. */
static char *ftm_key(const char *id)
{
    if (strchr(id, ':'))
        return xstrdup(id);
    size_t n = strlen(id) + 5;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "ftm:%s", id);
    return k;
}

/* String values of property `name` (a JSON array; other element types are
 * ignored). Returns the array (borrowed) or NULL. */
static json_t *ftm_prop(json_t *props, const char *name)
{
    json_t *v = json_object_get(props, name);
    return json_is_array(v) ? v : NULL;
}

static const char *ftm_first(json_t *props, const char *name)
{
    json_t *arr = ftm_prop(props, name);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && *json_string_value(v))
            return json_string_value(v);
    }
    return NULL;
}

/* YYYY, YYYY-MM or YYYY-MM-DD at the start of s. */
static int date_prefix(const char *s, char out[11])
{
    if (!s)
        return 0;
    if (valid_date_prefix(s, out))
        return 1;
    size_t n = 0;
    while (n < 7 && s[n] && (isdigit((unsigned char)s[n]) || (n == 4 && s[n] == '-')))
        n++;
    if (n == 7 || (n >= 4 && (n == 4 || s[4] != '-'))) {
        n = n == 7 ? 7 : 4;
        memcpy(out, s, n);
        out[n] = 0;
        return 1;
    }
    return 0;
}

/* A Sanction entity (top-level or nested) for the entity `key` (or, when key
 * is NULL, for every id in its "entity" property). */
static int ftm_sanction_add(ftm_sanction **v, size_t *n, size_t *cap, json_t *sanction,
                            const char *key, const char *file, long line)
{
    json_t *props = json_object_get(sanction, "properties");
    json_t *targets = key ? NULL : ftm_prop(props, "entity");
    size_t count = key ? 1 : json_array_size(targets);
    for (size_t t = 0; t < count; t++) {
        char *k = NULL;
        if (key) {
            k = xstrdup(key);
        } else {
            json_t *tv = json_array_get(targets, t);
            const char *id = json_is_string(tv) ? json_string_value(tv)
                             : json_is_object(tv)
                                 ? json_string_value(json_object_get(tv, "id"))
                                 : NULL;
            if (!id || !*id)
                continue;
            k = ftm_key(id);
        }
        if (!k)
            return SANCTAG_E_NOMEM;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            ftm_sanction *nv = realloc(*v, nc * sizeof *nv);
            if (!nv) {
                free(k);
                return SANCTAG_E_NOMEM;
            }
            *v = nv;
            *cap = nc;
        }
        ftm_sanction *s = &(*v)[(*n)++];
        memset(s, 0, sizeof *s);
        s->key = k;
        s->file = file;
        s->line = line;
        json_t *progs = ftm_prop(props, "program");
        if (!json_array_size(progs))
            progs = ftm_prop(props, "programId");
        s->programs = json_array();
        size_t i;
        json_t *pv;
        json_array_foreach(progs, i, pv)
        {
            if (json_is_string(pv) && *json_string_value(pv))
                json_array_append(s->programs, pv);
        }
        const char *ref = ftm_first(props, "authorityId");
        if (!ref)
            ref = ftm_first(props, "unscId");
        s->ref = xstrdup(ref);
        s->authority = xstrdup(ftm_first(props, "authority"));
        char d[11];
        const char *ds = ftm_first(props, "listingDate");
        if (!ds)
            ds = ftm_first(props, "startDate");
        if (date_prefix(ds, d))
            s->date = xstrdup(d);
    }
    return 0;
}

static int ftm_entity(imp *m, const char *path, long line, json_t *o, const char *id,
                      const char *schema, const char *label, ftm_sanction **sv, size_t *sn,
                      size_t *scap)
{
    json_t *props = json_object_get(o, "properties");
    char *key = ftm_key(id);
    if (!key)
        return oom(m, path, line);
    ientity *e;
    int rc = new_entity(m, key, label, path, line, &e);
    if (rc) {
        free(key);
        return rc;
    }
    /* nested sanctions (the "targets.nested" export) */
    json_t *nested = ftm_prop(props, "sanctions");
    size_t i;
    json_t *v;
    json_array_foreach(nested, i, v)
    {
        if (json_is_object(v) && (rc = ftm_sanction_add(sv, sn, scap, v, key, path, line)))
            break;
    }
    free(key);
    if (rc)
        return oom(m, path, line);
    const char *name = ftm_first(props, "name");
    if (!name)
        name = json_string_value(json_object_get(o, "caption"));
    const char *first = ftm_first(props, "firstName"), *last = ftm_first(props, "lastName");
    char *composed = NULL;
    if (empty(name) && first && last) {
        size_t n = strlen(first) + strlen(last) + 2;
        composed = malloc(n);
        if (!composed)
            return oom(m, path, line);
        snprintf(composed, n, "%s %s", first, last);
        name = composed;
    }
    if (empty(name) || !has_alpha(name)) {
        free(composed);
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: %s '%s' has no name (properties.name)", path, line,
                                  schema, id);
    }
    e->name = clean_name(name);
    attr_set(e, "schema", schema);
    attr_set(e, "ftm_id", id);
    json_t *topics = ftm_prop(props, "topics");
    json_array_foreach(topics, i, v)
    {
        if (!json_is_string(v))
            continue;
        attr_push(e, "topics", json_string_value(v));
        if (strcmp(json_string_value(v), "sanction") == 0)
            e->listed = 1;
    }
    json_t *datasets = json_object_get(o, "datasets");
    json_array_foreach(datasets, i, v)
    {
        if (json_is_string(v))
            attr_push(e, "datasets", json_string_value(v));
    }
    const char *imo = ftm_first(props, "imoNumber");
    if (imo) {
        char digits[8];
        attr_set(e, "imo", find_imo(imo, digits) ? digits : imo);
    }
    static const char *const person_c[] = {"nationality", "citizenship", "country", NULL};
    static const char *const org_c[] = {"jurisdiction", "country", "mainCountry", NULL};
    static const char *const vessel_c[] = {"flag", "country", NULL};
    const char *const *cp = label[0] == 'P' ? person_c : label[0] == 'O' ? org_c : vessel_c;
    for (; *cp; cp++) {
        json_array_foreach(ftm_prop(props, *cp), i, v)
        {
            /* FtM writes ISO codes in lower case ("kp") */
            const char *c = json_string_value(v);
            if (c && strlen(c) == 2 && isalpha((unsigned char)c[0]) &&
                isalpha((unsigned char)c[1])) {
                char up[3] = {(char)toupper((unsigned char)c[0]),
                              (char)toupper((unsigned char)c[1]), 0};
                country_note(e, up, *cp);
            }
        }
    }
    e->east_asian = east_asian_country(e->country);
    rc = add_name(e, e->name ? e->name : name, 0, "FtM name");
    static const struct {
        const char *prop, *origin;
        int weak;
    } props_names[] = {
        {"name", "FtM name", 0},
        {"alias", "FtM alias", 0},
        {"previousName", "FtM previousName", 0},
        {"weakAlias", "FtM weakAlias", 1},
    };
    for (size_t k = 0; !rc && k < sizeof props_names / sizeof *props_names; k++) {
        json_array_foreach(ftm_prop(props, props_names[k].prop), i, v)
        {
            if (json_is_string(v) &&
                (rc = add_name(e, json_string_value(v), props_names[k].weak,
                               props_names[k].origin)))
                break;
        }
    }
    if (!rc && label[0] == 'P' && first && last)
        rc = add_person_name(e, last, first, e->east_asian, 0, "FtM firstName + lastName");
    free(composed);
    return rc || !e->name ? oom(m, path, line) : 0;
}

static int parse_ftm(imp *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sanctagp_error_set(m->err, errno == ENOENT ? SANCTAG_E_NOTFOUND : SANCTAG_E_IO,
                                  path, 0, 0, -1, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    long line = 0;
    int rc = 0;
    ftm_sanction *sv = NULL;
    size_t sn = 0, scap = 0;
    while (!rc && (got = getline(&buf, &cap, f)) >= 0) {
        line++;
        size_t len = (size_t)got;
        m->hash = fnv(m->hash, buf, len);
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && isspace((unsigned char)buf[k]))
            k++;
        if (k == len)
            continue;
        if (sanctagp_utf8_check(buf, len, NULL)) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_UTF8, path, line, 0, -1,
                                    "%s:%ld: invalid UTF-8 or a NUL byte", path, line);
            break;
        }
        json_error_t je;
        json_t *o = json_loadb(buf, len, 0, &je);
        if (!o) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_JSON, path, line, je.column, -1,
                                    "%s:%ld:%d: malformed JSON: %s", path, line, je.column,
                                    je.text);
            break;
        }
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *schema = json_string_value(json_object_get(o, "schema"));
        json_t *props = json_object_get(o, "properties");
        if (!json_is_object(o) || empty(id) || empty(schema) || (props && !json_is_object(props))) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: not a FollowTheMoney entity (needs \"id\" and "
                                    "\"schema\" strings and a \"properties\" object)",
                                    path, line);
            json_decref(o);
            break;
        }
        const char *label = ftm_label(schema);
        if (strcmp(schema, "Sanction") == 0) {
            if (ftm_sanction_add(&sv, &sn, &scap, o, NULL, path, line))
                rc = oom(m, path, line);
        } else if (label) {
            rc = ftm_entity(m, path, line, o, id, schema, label, &sv, &sn, &scap);
        } else {
            char reason[96];
            snprintf(reason, sizeof reason, "FtM %.40s entities", schema);
            skip_count(m, reason);
        }
        json_decref(o);
    }
    int bad = ferror(f);
    fclose(f);
    free(buf);
    if (!rc && bad)
        rc = sanctagp_error_set(m->err, SANCTAG_E_IO, path, line, 0, -1,
                                "%s: read error after line %ld", path, line);
    /* sanctions onto their entities */
    for (size_t i = 0; i < sn; i++) {
        ftm_sanction *s = &sv[i];
        long idx = rc ? -1 : iset_find(&m->set, s->key);
        if (!rc && idx < 0)
            skip_count(m, "FtM sanctions of entities not in the file");
        if (idx >= 0) {
            ientity *e = &m->set.v[idx];
            e->listed = 1;
            size_t k;
            json_t *pv;
            json_array_foreach(s->programs, k, pv)
            {
                program_push(e, json_string_value(pv), strlen(json_string_value(pv)));
            }
            if (!e->list_ref && s->ref)
                e->list_ref = xstrdup(s->ref);
            if (s->date && (!e->listed_on || strcmp(s->date, e->listed_on) < 0)) {
                free(e->listed_on);
                e->listed_on = xstrdup(s->date);
            }
            attr_push(e, "authority", s->authority);
        }
        free(s->key);
        json_decref(s->programs);
        free(s->ref);
        free(s->date);
        free(s->authority);
    }
    free(sv);
    return rc;
}

/* ---- plain TSV and JSONL ------------------------------------------------------------ */

enum { P_KEY, P_LABEL, P_NAME, P_COUNTRY, P_ALIAS, P_LANG, P_KIND, P_CASE, P_ACCENTS,
       P_VALID_FROM, P_VALID_TO, P_SOURCE, P_ATTRS, P_LISTED, P_PROGRAMS, P_LIST_REF,
       P_LISTED_ON, P_N };
static const char *const plain_cols[P_N] = {
    "key", "label", "name", "country", "alias", "lang", "kind", "case", "accents",
    "valid_from", "valid_to", "source", "attrs", "listed", "programs", "list_ref", "listed_on",
};

/* listed column: -1 unset, 0, 1, or -2 invalid. */
static int parse_listed(const char *s)
{
    if (empty(s))
        return -1;
    if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
        return 1;
    if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
        return 0;
    return -2;
}

static int field_conflict(imp *m, const char *path, long line, ientity *e, const char *what,
                          char **have, const char *mine)
{
    if (empty(mine))
        return 0;
    if (!*have) {
        *have = xstrdup(mine);
        return *have ? 0 : oom(m, path, line);
    }
    if (strcmp(*have, mine) == 0)
        return 0;
    return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                              "%s:%ld: key '%s': %s '%s' conflicts with '%s' (%s:%ld)", path, line,
                              e->key, what, mine, *have, e->file, e->line);
}

/* One row of a plain source: the entity fields (first row of a key, or
 * agreeing with it) and, when v[P_ALIAS] is set, one alias. */
static int plain_row(imp *m, const char *path, long line, const char *const v[P_N])
{
    if (empty(v[P_KEY]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: empty key", path, line);
    int listed = parse_listed(v[P_LISTED]);
    if (listed == -2)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: listed '%s' is not 1/0/true/false/yes/no", path, line,
                                  v[P_LISTED]);
    long idx = iset_find(&m->set, v[P_KEY]);
    ientity *e;
    if (idx < 0) {
        if (empty(v[P_LABEL]))
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s' first appears without a label", path,
                                      line, v[P_KEY]);
        e = iset_add(&m->set, v[P_KEY], v[P_LABEL], path, line);
        if (!e)
            return oom(m, path, line);
        e->explicit_aliases = 1;
        e->listed = -1;
    } else {
        e = &m->set.v[idx];
    }
    int rc = 0;
    if (!empty(v[P_LABEL]) && strcmp(v[P_LABEL], e->label) != 0)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: key '%s': label '%s' conflicts with '%s' (%s:%ld)",
                                  path, line, e->key, v[P_LABEL], e->label, e->file, e->line);
    if ((rc = field_conflict(m, path, line, e, "name", &e->name, v[P_NAME])) ||
        (rc = field_conflict(m, path, line, e, "country", &e->country, v[P_COUNTRY])) ||
        (rc = field_conflict(m, path, line, e, "list_ref", &e->list_ref, v[P_LIST_REF])) ||
        (rc = field_conflict(m, path, line, e, "listed_on", &e->listed_on, v[P_LISTED_ON])) ||
        (rc = field_conflict(m, path, line, e, "valid_from", &e->valid_from, v[P_VALID_FROM])) ||
        (rc = field_conflict(m, path, line, e, "valid_to", &e->valid_to, v[P_VALID_TO])))
        return rc;
    if (listed >= 0) {
        if (e->listed >= 0 && e->listed != listed)
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s': listed '%s' conflicts with an earlier row",
                                      path, line, e->key, v[P_LISTED]);
        e->listed = listed;
    }
    if (!empty(v[P_PROGRAMS])) {
        const char *p = v[P_PROGRAMS];
        if (*p == '[') {
            json_error_t je;
            json_t *arr = json_loads(p, 0, &je);
            size_t i;
            json_t *pv;
            int ok = json_is_array(arr);
            json_array_foreach(arr, i, pv)
            {
                if (!json_is_string(pv))
                    ok = 0;
            }
            if (!ok) {
                json_decref(arr);
                return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                          "%s:%ld: programs must be a JSON array of strings or a "
                                          "list separated by ';'",
                                          path, line);
            }
            json_array_foreach(arr, i, pv)
            {
                program_push(e, json_string_value(pv), strlen(json_string_value(pv)));
            }
            json_decref(arr);
        } else {
            while (*p) {
                const char *s = p;
                while (*p && *p != ';' && *p != ',')
                    p++;
                program_push(e, s, (size_t)(p - s));
                if (*p)
                    p++;
            }
        }
    }
    if (!empty(v[P_ATTRS])) {
        json_error_t je;
        json_t *a = json_loads(v[P_ATTRS], 0, &je);
        if (!json_is_object(a)) {
            json_decref(a);
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: attrs must be a JSON object", path, line);
        }
        if (e->attrs && !json_equal(e->attrs, a)) {
            json_decref(a);
            return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: key '%s': attrs conflict with an earlier row",
                                      path, line, e->key);
        }
        json_decref(e->attrs);
        e->attrs = a;
    }
    if (!empty(v[P_SOURCE]) && !e->origin)
        e->origin = xstrdup(v[P_SOURCE]);
    if (empty(v[P_ALIAS]))
        return 0;
    ialias *a = push_alias(e);
    if (!a)
        return oom(m, path, line);
    /* empty kind, case, language and accents stay NULL: the writer takes
     * them as empty */
    a->text = xstrdup(v[P_ALIAS]);
    a->kind = empty(v[P_KIND]) ? NULL : xstrdup(v[P_KIND]);
    a->case_policy = empty(v[P_CASE]) ? NULL : xstrdup(v[P_CASE]);
    a->lang = empty(v[P_LANG]) ? NULL : xstrdup(v[P_LANG]);
    a->accents = empty(v[P_ACCENTS]) ? NULL : xstrdup(v[P_ACCENTS]);
    a->origin = xstrdup(v[P_SOURCE]); /* "" too: it overrides the entity's origin */
    if (!a->text)
        return oom(m, path, line);
    /* where the alias came from, for the writer's messages */
    return 0;
}

/* A plain name list: UTF-8, one name per line, blank lines and '#' comments
 * skipped; each name is an entity keyed SOURCE:HASH of its text, so keys stay
 * stable when the list is re-imported in another order. */
static int parse_lines(imp *m, const char *path, const char *source,
                       const sanctagp_import_opts *o)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, m->err);
    if (!buf)
        return m->err ? m->err->code : SANCTAG_E_IO;
    m->hash = fnv(m->hash, buf, len);
    int rc = check_utf8(path, buf, len, m->err);
    long line = 0;
    char *p = buf, *end = buf + len;
    while (!rc && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        line++;
        *le = 0;
        if (le > p && le[-1] == '\r')
            le[-1] = 0;
        char *cur = p;
        p = nl ? nl + 1 : end;
        while (*cur == ' ' || *cur == '\t')
            cur++;
        char *e = cur + strlen(cur);
        while (e > cur && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = 0;
        if (*cur == '#' || *cur == 0)
            continue;
        char key[300];
        snprintf(key, sizeof key, "%s:%016llx", source,
                 (unsigned long long)fnv(0xcbf29ce484222325ull, cur, strlen(cur)));
        const char *v[P_N];
        for (int k = 0; k < P_N; k++)
            v[k] = "";
        v[P_KEY] = key;
        v[P_LABEL] = o->label;
        v[P_NAME] = cur;
        v[P_ALIAS] = cur;
        v[P_CASE] = o->case_policy ? o->case_policy : "";
        v[P_ACCENTS] = o->accents ? o->accents : "";
        v[P_SOURCE] = path;
        rc = plain_row(m, path, line, v);
    }
    free(buf);
    return rc;
}

static int parse_tsv(imp *m, const char *path)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, m->err);
    if (!buf)
        return m->err ? m->err->code : SANCTAG_E_IO;
    m->hash = fnv(m->hash, buf, len);
    int rc = check_utf8(path, buf, len, m->err);
    int map[P_N * 2], ncols = 0, have_header = 0;
    long line = 0;
    char *p = buf, *end = buf + len;
    while (!rc && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        line++;
        *le = 0;
        if (le > p && le[-1] == '\r')
            le[-1] = 0;
        char *cur = p;
        p = nl ? nl + 1 : end;
        if (*cur == '#' || *cur == 0)
            continue;
        char *cells[P_N * 2];
        int n = 0;
        for (char *c = cur;;) {
            if (n == P_N * 2) {
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: more than %d columns", path, line, P_N * 2);
                break;
            }
            cells[n++] = c;
            char *tab = strchr(c, '\t');
            if (!tab)
                break;
            *tab = 0;
            c = tab + 1;
        }
        if (rc)
            break;
        if (!have_header) {
            int seen[P_N] = {0};
            for (int i = 0; i < n && !rc; i++) {
                map[i] = -1;
                for (int k = 0; k < P_N; k++)
                    if (strcmp(cells[i], plain_cols[k]) == 0)
                        map[i] = k;
                if (map[i] < 0)
                    rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                            "%s:%ld: unknown column '%s' in header (known: key, "
                                            "label, name, country, alias, lang, kind, case, "
                                            "accents, valid_from, valid_to, source, attrs, listed, "
                                            "programs, list_ref, listed_on)",
                                            path, line, cells[i]);
                else if (seen[map[i]]++)
                    rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                            "%s:%ld: column '%s' twice in header", path, line,
                                            cells[i]);
            }
            if (!rc && (!seen[P_KEY] || !seen[P_LABEL] || !seen[P_ALIAS]))
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: header must name at least the columns key, "
                                        "label and alias",
                                        path, line);
            ncols = n;
            have_header = 1;
            continue;
        }
        if (n > ncols) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: %d columns, the header has %d", path, line, n, ncols);
            break;
        }
        const char *v[P_N];
        for (int k = 0; k < P_N; k++)
            v[k] = "";
        for (int i = 0; i < n; i++)
            v[map[i]] = cells[i];
        if (empty(v[P_ALIAS])) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: empty alias", path, line);
            break;
        }
        rc = plain_row(m, path, line, v);
    }
    if (!rc && !have_header)
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, 0, 0, -1, "%s: no header line",
                                path);
    free(buf);
    return rc;
}

static int parse_jsonl(imp *m, const char *path)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, m->err);
    if (!buf)
        return m->err ? m->err->code : SANCTAG_E_IO;
    m->hash = fnv(m->hash, buf, len);
    int rc = check_utf8(path, buf, len, m->err);
    long line = 0;
    char *p = buf, *end = buf + len;
    while (!rc && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        line++;
        char *cur = p;
        size_t n = (size_t)(le - cur);
        p = nl ? nl + 1 : end;
        size_t k = 0;
        while (k < n && isspace((unsigned char)cur[k]))
            k++;
        if (k == n)
            continue;
        json_error_t je;
        json_t *o = json_loadb(cur, n, 0, &je);
        if (!o || !json_is_object(o)) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_JSON, path, line, o ? 1 : je.column, -1,
                                    "%s:%ld:%d: %s", path, line, o ? 1 : je.column,
                                    o ? "expected a JSON object" : je.text);
            json_decref(o);
            break;
        }
        const char *v[P_N];
        for (int c = 0; c < P_N; c++)
            v[c] = "";
        char *progs = NULL, *attrs = NULL;
        json_t *aliases = NULL;
        const char *fk;
        json_t *fv;
        json_object_foreach(o, fk, fv)
        {
            int c = -1;
            for (int i = 0; i < P_N; i++)
                if (strcmp(fk, plain_cols[i]) == 0)
                    c = i;
            if (strcmp(fk, "aliases") == 0 && json_is_array(fv)) {
                aliases = fv;
            } else if (c == P_PROGRAMS && json_is_array(fv)) {
                v[c] = progs = json_dumps(fv, JSON_COMPACT);
            } else if (c == P_ATTRS && json_is_object(fv)) {
                v[c] = attrs = json_dumps(fv, JSON_COMPACT | JSON_SORT_KEYS);
            } else if (c == P_LISTED && json_is_boolean(fv)) {
                v[c] = json_is_true(fv) ? "1" : "0";
            } else if (c == P_LISTED && json_is_integer(fv)) {
                v[c] = json_integer_value(fv) ? "1" : "0";
            } else if (c >= 0 && json_is_string(fv)) {
                v[c] = json_string_value(fv);
            } else if (!(c >= 0 && json_is_null(fv))) {
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        c < 0 ? "%s:%ld: unknown field '%s'"
                                              : "%s:%ld: field '%s' has the wrong type",
                                        path, line, fk);
                break;
            }
        }
        if (!rc && !aliases && empty(v[P_ALIAS]))
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: no 'alias' or 'aliases'", path, line);
        if (!rc && !empty(v[P_ALIAS]))
            rc = plain_row(m, path, line, v);
        size_t i;
        json_t *a;
        json_array_foreach(aliases, i, a)
        {
            if (rc)
                break;
            const char *va[P_N];
            memcpy(va, v, sizeof va);
            if (json_is_string(a)) {
                va[P_ALIAS] = json_string_value(a);
            } else if (json_is_object(a)) {
                static const int fields[] = {P_ALIAS, P_LANG, P_KIND, P_CASE, P_ACCENTS};
                static const char *const names[] = {"alias", "lang", "kind", "case", "accents"};
                for (int f = 0; f < 5; f++) {
                    const char *s = json_string_value(json_object_get(a, names[f]));
                    if (s)
                        va[fields[f]] = s;
                }
            } else {
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: aliases[%zu] must be a string or an object",
                                        path, line, i);
                break;
            }
            if (empty(va[P_ALIAS]))
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: aliases[%zu] is empty", path, line, i);
            else
                rc = plain_row(m, path, line, va);
        }
        free(progs);
        free(attrs);
        json_decref(o);
    }
    free(buf);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct counts {
    long entities, listed, aliases, weak;
} counts;

static int write_all(imp *m, sqlite3 *db, const char *db_path, const char *source,
                     sanctagp_writer *w, counts *n)
{
    (void)db;
    (void)db_path;
    /* a key another source owns is refused by the writer (sanctagp_writer_exclusive) */
    sanctagp_writer_exclusive(w);
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    int rc = 0;
    for (size_t k = 0; k < m->set.n && !rc; k++) {
        ientity *e = &m->set.v[k];
        if ((rc = finalize_aliases(e, &tk))) {
            rc = oom(m, e->file, e->line);
            break;
        }
        if (e->nal == 0) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, e->file, e->line, 0, -1,
                                    "%s:%ld: '%s' has no name with letters or digits", e->file,
                                    e->line, e->key);
            break;
        }
        if (e->listed < 0)
            e->listed = json_array_size(e->programs) > 0 || !empty(e->list_ref);
        char *progs = json_array_size(e->programs) ? json_dumps(e->programs, JSON_COMPACT) : NULL;
        char *attrs = e->attrs && json_object_size(e->attrs)
                          ? json_dumps(e->attrs, JSON_COMPACT | JSON_SORT_KEYS)
                          : NULL;
        for (size_t i = 0; i < e->nal && !rc; i++) {
            const ialias *a = &e->al[i];
            sanctagp_row r;
            memset(&r, 0, sizeof r);
            r.key = e->key;
            r.alias = a->text;
            r.kind = a->kind;
            r.case_policy = a->case_policy;
            r.lang = a->lang;
            r.accents = a->accents;
            r.origin = a->origin ? a->origin : e->origin;
            if (i == 0) {
                r.label = e->label;
                r.name = e->name;
                r.country = e->country;
                r.valid_from = e->valid_from;
                r.valid_to = e->valid_to;
                r.attrs = attrs;
                r.listed = e->listed;
                r.programs = progs;
                r.list_source = e->listed ? source : NULL;
                r.list_ref = e->list_ref;
                r.listed_on = e->listed_on;
            }
            rc = sanctagp_writer_add(w, &r, e->file, e->line, m->err);
            n->aliases++;
            if (a->kind && strcmp(a->kind, "weak") == 0)
                n->weak++;
        }
        free(progs);
        free(attrs);
        n->entities++;
        n->listed += e->listed > 0;
    }
    sanctagp_tokens_release(&tk);
    return rc;
}

/* ---- snapshots and the diff ---------------------------------------------------------- */

enum { SF_LABEL, SF_NAME, SF_COUNTRY, SF_LISTED, SF_PROGRAMS, SF_LIST_REF, SF_LISTED_ON,
       SF_VALID_FROM, SF_VALID_TO, SF_ATTRS, SF_N };
static const char *const sf_names[SF_N] = {"label",     "name",      "country",    "listed",
                                           "programs",  "list_ref",  "listed_on",  "valid_from",
                                           "valid_to",  "attrs"};

typedef struct snap {
    const char *key;
    const char *f[SF_N];
    const char **al; /* "text\tkind", sorted by text */
    size_t nal;
    sqlite3_int64 id; /* entity rowid */
} snap;

/* A bump allocator for a snapshot's strings: blocks that never move, freed
 * at once. Half a million entities are a few million short strings. */
typedef struct sblock {
    struct sblock *next;
    size_t used, cap;
    char data[];
} sblock;

/* The source's entities, sorted by key, and their aliases. */
typedef struct snapset {
    snap *v;
    size_t n;
    const char **al; /* every alias of v, grouped by entity (snap.al points in) */
    sblock *strings;
} snapset;

static void snapset_free(snapset *s)
{
    free(s->v);
    free(s->al);
    for (sblock *b = s->strings, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    memset(s, 0, sizeof *s);
}

/* A copy of a (n1 bytes), then, when b is not NULL, a tab and b (n2 bytes),
 * NUL-terminated, in the snapshot's blocks; NULL when out of memory. */
static const char *snap_str(snapset *s, const char *a, size_t n1, const char *b, size_t n2)
{
    if (!b && n1 == 0)
        return "";
    size_t need = n1 + (b ? 1 + n2 : 0) + 1;
    sblock *k = s->strings;
    if (!k || k->cap - k->used < need) {
        size_t cap = need > (1 << 20) ? need : (size_t)1 << 20;
        sblock *nk = malloc(sizeof *nk + cap);
        if (!nk)
            return NULL;
        nk->next = k;
        nk->used = 0;
        nk->cap = cap;
        s->strings = k = nk;
    }
    char *o = k->data + k->used;
    memcpy(o, a, n1);
    if (b) {
        o[n1] = '\t';
        memcpy(o + n1 + 1, b, n2);
    }
    o[need - 1] = 0;
    k->used += need;
    return o;
}

static const char *coltext(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static const char *snap_col(snapset *s, sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return snap_str(s, t ? t : "", t ? (size_t)sqlite3_column_bytes(st, i) : 0, NULL, 0);
}

static int snap_key_cmp(const void *x, const void *y)
{
    return strcmp(((const snap *)x)->key, ((const snap *)y)->key);
}

/* entity rowid -> index in the sorted snapshot */
typedef struct snap_id {
    sqlite3_int64 id;
    size_t at;
} snap_id;

static int snap_id_cmp(const void *x, const void *y)
{
    sqlite3_int64 a = ((const snap_id *)x)->id, b = ((const snap_id *)y)->id;
    return (a > b) - (a < b);
}

typedef struct snap_alias {
    size_t at;   /* the entity's index */
    size_t tlen; /* bytes of the text before the tab */
    const char *s;
} snap_alias;

/* by entity, then text as SQLite's BINARY collation orders it */
static int snap_alias_cmp(const void *x, const void *y)
{
    const snap_alias *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    int c = memcmp(a->s, b->s, a->tlen < b->tlen ? a->tlen : b->tlen);
    return c ? c : (a->tlen > b->tlen) - (a->tlen < b->tlen);
}

/* The source's entities ordered by key, with their aliases ordered by text
 * when `full` (otherwise only key, label and name, for a source that did
 * not exist before: its entities are all new and nothing is compared). Rows
 * are read in table order and sorted here: the same order "ORDER BY e.key"
 * and "ORDER BY e.key, a.text" give, without SQLite sorting a copy of every
 * row first. */
static int snapshot(sqlite3 *db, const char *db_path, const char *source, int full,
                    snapset *ret, sanctag_error *err)
{
    static const char q1_full[] =
        "SELECT e.id, e.key, e.label, e.name, e.country, e.listed, e.programs, e.list_ref, "
        "e.listed_on, e.valid_from, e.valid_to, e.attrs FROM entity e JOIN source s ON "
        "s.id = e.source_id WHERE s.name = ?1";
    static const char q1_names[] =
        "SELECT e.id, e.key, e.label, e.name FROM entity e JOIN source s ON "
        "s.id = e.source_id WHERE s.name = ?1";
    static const char q2[] =
        "SELECT a.entity_id, a.text, a.kind FROM alias a JOIN entity e ON e.id = a.entity_id "
        "JOIN source s ON s.id = e.source_id WHERE s.name = ?1";
    snapset S;
    memset(&S, 0, sizeof S);
    size_t cap = 0;
    snap_id *ids = NULL;
    snap_alias *as = NULL;
    size_t nas = 0, ascap = 0;
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    if (sqlite3_prepare_v2(db, full ? q1_full : q1_names, -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    int nf = full ? SF_N : SF_NAME + 1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (S.n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            snap *nv = realloc(S.v, nc * sizeof *nv);
            if (!nv)
                goto nomem;
            S.v = nv;
            cap = nc;
        }
        snap *e = &S.v[S.n];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        if (!(e->key = snap_col(&S, st, 1)))
            goto nomem;
        for (int k = 0; k < SF_N; k++)
            if (!(e->f[k] = k < nf ? snap_col(&S, st, k + 2) : ""))
                goto nomem;
        S.n++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (S.n > 1)
        qsort(S.v, S.n, sizeof *S.v, snap_key_cmp);
    if (!full || S.n == 0) {
        *ret = S;
        return 0;
    }
    if (!(ids = malloc(S.n * sizeof *ids)))
        goto nomem;
    for (size_t i = 0; i < S.n; i++)
        ids[i] = (snap_id){S.v[i].id, i};
    qsort(ids, S.n, sizeof *ids, snap_id_cmp);
    if (sqlite3_prepare_v2(db, q2, -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        size_t lo = 0, hi = S.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ids[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == S.n || ids[lo].id != id)
            continue;
        if (nas == ascap) {
            size_t nc = ascap ? ascap * 2 : 256;
            snap_alias *na = realloc(as, nc * sizeof *na);
            if (!na)
                goto nomem;
            as = na;
            ascap = nc;
        }
        const char *t = coltext(st, 1), *k = coltext(st, 2);
        size_t tlen = strlen(t);
        const char *str = snap_str(&S, t, tlen, k, strlen(k));
        if (!str)
            goto nomem;
        as[nas++] = (snap_alias){ids[lo].at, tlen, str};
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (nas > 1)
        qsort(as, nas, sizeof *as, snap_alias_cmp);
    if (nas && !(S.al = malloc(nas * sizeof *S.al)))
        goto nomem;
    for (size_t i = 0; i < nas; i++) {
        S.al[i] = as[i].s;
        snap *e = &S.v[as[i].at];
        if (!e->nal)
            e->al = &S.al[i];
        e->nal++;
    }
    free(ids);
    free(as);
    *ret = S;
    return 0;
nomem:
    rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
    goto fail;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: database error: %s",
                            db_path, sqlite3_errmsg(db));
fail:
    sqlite3_finalize(st);
    free(ids);
    free(as);
    snapset_free(&S);
    return rc;
}

static json_t *snap_entry(const snap *e)
{
    return json_pack("{s:s,s:s,s:s}", "key", e->key, "label", e->f[SF_LABEL], "name",
                     e->f[SF_NAME]);
}

/* Compares two alias lists (sorted by text): texts added, removed, and kind changes. */
static void alias_diff(const snap *a, const snap *b, json_t *entry)
{
    json_t *added = json_array(), *removed = json_array(), *kinds = json_array();
    size_t i = 0, j = 0;
    while (i < a->nal || j < b->nal) {
        const char *x = i < a->nal ? a->al[i] : NULL, *y = j < b->nal ? b->al[j] : NULL;
        size_t xl = x ? strcspn(x, "\t") : 0, yl = y ? strcspn(y, "\t") : 0;
        int c;
        if (!x)
            c = 1;
        else if (!y)
            c = -1;
        else {
            size_t ml = xl < yl ? xl : yl;
            c = memcmp(x, y, ml);
            if (!c)
                c = (xl > yl) - (xl < yl);
        }
        if (c < 0) {
            json_array_append_new(removed, json_stringn(x, xl));
            i++;
        } else if (c > 0) {
            json_array_append_new(added, json_stringn(y, yl));
            j++;
        } else {
            if (strcmp(x + xl, y + yl) != 0)
                json_array_append_new(kinds, json_pack("{s:s%,s:s,s:s}", "alias", x, xl, "old",
                                                       x + xl + 1, "new", y + yl + 1));
            i++;
            j++;
        }
    }
    if (json_array_size(added))
        json_object_set(entry, "aliases_added", added);
    if (json_array_size(removed))
        json_object_set(entry, "aliases_removed", removed);
    if (json_array_size(kinds))
        json_object_set(entry, "aliases_kind", kinds);
    json_decref(added);
    json_decref(removed);
    json_decref(kinds);
}

/* True when an entity's alias lists differ in a text or a kind: exactly when
 * alias_diff() reports something. */
static int aliases_differ(const snap *a, const snap *b)
{
    if (a->nal != b->nal)
        return 1;
    for (size_t i = 0; i < a->nal; i++)
        if (strcmp(a->al[i], b->al[i]) != 0)
            return 1;
    return 0;
}

/* Fills report's "added", "removed", "changed" and "unchanged"; with
 * `counts_only` the first three are the numbers of entities, not lists. */
static void diff(const snapset *A, const snapset *B, int counts_only, json_t *report)
{
    const snap *a = A->v, *b = B->v;
    size_t na = A->n, nb = B->n;
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    long unchanged = 0, nadded = 0, nremoved = 0, nchanged = 0;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].key, b[j].key);
        if (counts_only) {
            if (c < 0) {
                nremoved++;
                i++;
            } else if (c > 0) {
                nadded++;
                j++;
            } else {
                int same = !aliases_differ(&a[i], &b[j]);
                for (int k = 0; k < SF_N && same; k++)
                    same = strcmp(a[i].f[k], b[j].f[k]) == 0;
                if (same)
                    unchanged++;
                else
                    nchanged++;
                i++;
                j++;
            }
            continue;
        }
        if (c < 0) {
            json_array_append_new(removed, snap_entry(&a[i++]));
            continue;
        }
        if (c > 0) {
            json_array_append_new(added, snap_entry(&b[j++]));
            continue;
        }
        json_t *entry = snap_entry(&b[j]);
        json_t *changes = json_array();
        for (int k = 0; k < SF_N; k++)
            if (strcmp(a[i].f[k], b[j].f[k]) != 0)
                json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "field", sf_names[k],
                                                         "old", a[i].f[k], "new", b[j].f[k]));
        if (json_array_size(changes))
            json_object_set(entry, "changes", changes);
        json_decref(changes);
        alias_diff(&a[i], &b[j], entry);
        if (json_object_size(entry) > 3)
            json_array_append_new(changed, entry);
        else {
            json_decref(entry);
            unchanged++;
        }
        i++;
        j++;
    }
    if (counts_only) {
        json_decref(added);
        json_decref(removed);
        json_decref(changed);
        added = json_integer(nadded);
        removed = json_integer(nremoved);
        changed = json_integer(nchanged);
    }
    json_object_set_new(report, "added", added);
    json_object_set_new(report, "removed", removed);
    json_object_set_new(report, "changed", changed);
    json_object_set_new(report, "unchanged", json_integer(unchanged));
}

/* ---- the whole import ------------------------------------------------------------------ */

/* Number of entities of `source`. */
static int source_entities(sqlite3 *db, const char *db_path, const char *source,
                           long long *ret, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db,
                                "SELECT count(*) FROM entity e JOIN source s ON "
                                "s.id = e.source_id WHERE s.name = ?1",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
        if (ok)
            *ret = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return ok ? 0
              : sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                   "%s: database error: %s", db_path, sqlite3_errmsg(db));
}

static int exec_bound(sqlite3 *db, const char *db_path, const char *sql, const char *arg,
                      sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    int rc = ok ? 0
                : sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1,
                                     "%s: database error: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

static int valid_source_name(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 200)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

#define BULK_ALIASES 20000

int sanctagp_import(sqlite3 *db, const char *db_path, const sanctagp_import_opts *o,
                    const char *const *files, size_t nfiles, json_t **ret_report,
                    sanctag_error *err)
{
    sanctag_error local;
    if (!err) {
        memset(&local, 0, sizeof local);
        err = &local;
    }
    if (!db || !o || o->format < 0 || o->format >= IMP_NFORMATS || !files || !nfiles ||
        !ret_report)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "import: invalid arguments");
    char source[256];
    if (!empty(o->source)) {
        snprintf(source, sizeof source, "%s", o->source);
    } else if (default_sources[o->format]) {
        snprintf(source, sizeof source, "%s", default_sources[o->format]);
    } else {
        const char *b = strrchr(files[0], '/');
        snprintf(source, sizeof source, "%s", b ? b + 1 : files[0]);
        char *dot = strrchr(source, '.');
        if (dot && dot != source)
            *dot = 0;
    }
    if (!valid_source_name(source))
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "source name '%s' must be 1-200 characters without spaces",
                                  source);
    const char *fmt = format_names[o->format];
    if (o->format == IMP_LINES && empty(o->label))
        return sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                  "--format lines needs --label LABEL");

    imp m;
    memset(&m, 0, sizeof m);
    m.format = o->format;
    m.err = err;
    m.hash = 0xcbf29ce484222325ull;
    m.skipped = json_object();
    int rc = m.skipped ? 0 : SANCTAG_E_NOMEM;
    if (o->format == IMP_OFAC_CSV && !rc)
        rc = parse_ofac(&m, files, nfiles);
    for (size_t i = 0; i < nfiles && !rc && o->format != IMP_OFAC_CSV; i++) {
        switch (o->format) {
        case IMP_UN_XML: rc = parse_un(&m, files[i]); break;
        case IMP_FTM: rc = parse_ftm(&m, files[i]); break;
        case IMP_TSV: rc = parse_tsv(&m, files[i]); break;
        case IMP_LINES: rc = parse_lines(&m, files[i], source, o); break;
        default: rc = parse_jsonl(&m, files[i]); break;
        }
    }
    if (rc) {
        iset_free(&m.set);
        json_decref(m.skipped);
        return rc;
    }
    if (!*m.version)
        snprintf(m.version, sizeof m.version, "%016llx", (unsigned long long)m.hash);

    sbuf pb = {0};
    json_t *jfiles = json_array();
    for (size_t i = 0; i < nfiles; i++) {
        if (i)
            sb_puts(&pb, " + ");
        sb_puts(&pb, files[i]);
        json_array_append_new(jfiles, json_string(files[i]));
    }
    char *paths = sb_take(&pb);
    snapset before, after;
    memset(&before, 0, sizeof before);
    memset(&after, 0, sizeof after);
    sanctagp_writer *w = NULL;
    counts n = {0, 0, 0, 0};
    json_t *report = NULL;
    int in_tx = 0, bulk = 0, triggers_on = -1;
    if (!paths || !jfiles) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
        goto out;
    }
    /* The schema's triggers only mark the compiled matcher stale (meta
     * 'dirty'), once per row written: a sub-program and a statement journal
     * for every insert, a third of the writing time of a large list. This
     * import recompiles the matcher and clears the flag in its own
     * transaction (sanctagp_db_refresh_* below), so they are switched off on
     * this connection until it ends; FOREIGN KEY actions are not triggers
     * and still run. */
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers_on) != SQLITE_OK)
        triggers_on = -1;
    else if (triggers_on)
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    if ((rc = sanctagp_db_exec(db, db_path, "BEGIN IMMEDIATE", err)))
        goto out;
    in_tx = 1;
    /* a source of another kind is not replaced by accident */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT format FROM source WHERE name = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && strcmp(coltext(st, 0), fmt) != 0)
            rc = sanctagp_error_set(err, SANCTAG_E_INVALID, db_path, 0, 0, -1,
                                    "%s: source '%s' was built from %s, not %s: refusing to "
                                    "replace it (choose another --source name)",
                                    db_path, source, coltext(st, 0), fmt);
    }
    sqlite3_finalize(st);
    if (rc || (rc = snapshot(db, db_path, source, 1, &before, err)))
        goto out;
    if ((rc = exec_bound(db, db_path,
                         "DELETE FROM alias WHERE source_id IN (SELECT id FROM source WHERE "
                         "name = ?1) OR entity_id IN (SELECT e.id FROM entity e JOIN source s "
                         "ON s.id = e.source_id WHERE s.name = ?1)",
                         source, err)) ||
        (rc = exec_bound(db, db_path,
                         "DELETE FROM entity WHERE source_id IN (SELECT id FROM source WHERE "
                         "name = ?1)",
                         source, err)) ||
        (rc = exec_bound(db, db_path, "DELETE FROM source WHERE name = ?1", source, err)))
        goto out;
    /* a large list into a smaller gazetteer: building the alias norm index
     * once, sorted, beats as many inserts at random places in it */
    size_t incoming = 0;
    for (size_t k = 0; k < m.set.n; k++)
        incoming += m.set.v[k].nal;
    long long existing = 0;
    if (incoming >= BULK_ALIASES) {
        sqlite3_stmt *cs = NULL;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM alias", -1, &cs, NULL) == SQLITE_OK &&
            sqlite3_step(cs) == SQLITE_ROW)
            existing = sqlite3_column_int64(cs, 0);
        sqlite3_finalize(cs);
        bulk = (long long)incoming > existing;
    }
    if (bulk && (rc = sanctagp_db_exec(db, db_path, "DROP INDEX alias_norm", err)))
        goto out;
    if ((rc = sanctagp_writer_new(db, db_path, source, fmt, paths, m.version, &w, err)))
        goto out;
    if ((rc = write_all(&m, db, db_path, source, w, &n)) ||
        (rc = sanctagp_writer_finish(w, err)))
        goto out;
    sanctagp_writer_free(w);
    w = NULL;
    /* what was read is in the database now: its memory is given back
     * before the matcher and the report need theirs */
    iset_free(&m.set);
    /* the alias norm index is built while the matcher compiles (it reads
     * rows read before, not the index) */
    sanctagp_refresh *rf = NULL;
    if ((rc = sanctagp_db_refresh_start(db, db_path, &rf, err)))
        goto out;
    if (bulk && (rc = sanctagp_db_exec(db, db_path, "CREATE INDEX alias_norm ON alias(norm)",
                                       err))) {
        sanctagp_db_refresh_cancel(rf);
        goto out;
    }
    /* with nothing before, every entity is new and alias lists are not
     * compared; when only counts are wanted, they are all the entities */
    long long nnew = -1;
    if ((rc = sanctagp_db_refresh_finish(db, db_path, rf, err)))
        goto out;
    if (o->counts_only && before.n == 0)
        rc = source_entities(db, db_path, source, &nnew, err);
    else
        rc = snapshot(db, db_path, source, before.n > 0, &after, err);
    if (rc)
        goto out;
    report = json_pack("{s:s,s:s,s:s,s:O,s:b,s:I,s:I,s:I,s:I,s:O}", "source", source, "format",
                       fmt, "version", m.version, "files", jfiles, "dry_run", o->dry_run,
                       "entities", (json_int_t)n.entities, "listed", (json_int_t)n.listed,
                       "aliases", (json_int_t)n.aliases, "weak_aliases", (json_int_t)n.weak,
                       "skipped", m.skipped);
    if (!report) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
        goto out;
    }
    if (nnew >= 0) {
        json_object_set_new(report, "added", json_integer(nnew));
        json_object_set_new(report, "removed", json_integer(0));
        json_object_set_new(report, "changed", json_integer(0));
        json_object_set_new(report, "unchanged", json_integer(0));
    } else {
        diff(&before, &after, o->counts_only, report);
    }
    rc = sanctagp_db_exec(db, db_path, o->dry_run ? "ROLLBACK" : "COMMIT", err);
    in_tx = rc != 0;
out:
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (triggers_on > 0)
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int *)NULL);
    sanctagp_writer_free(w);
    snapset_free(&before);
    snapset_free(&after);
    free(paths);
    json_decref(jfiles);
    iset_free(&m.set);
    json_decref(m.skipped);
    if (rc) {
        json_decref(report);
        return rc;
    }
    *ret_report = report;
    return 0;
}
