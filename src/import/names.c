/* names.c - the name policy: how list names become aliases.
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
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "core/names.h"
#include "core/text.h"
#include "util/hash.h"

/* Common Korean, Chinese and Vietnamese surnames in list romanisations. */
int sanctagp_east_asian_surname(const char *s, size_t n)
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
        if (sanctagp_lower_ascii_eq(s, n, list[i]))
            return 1;
    return 0;
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
char *sanctagp_clean_name(const char *s)
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
        if (space && b.b.len)
            sanctagp_sb_puts(&b, " ");
        space = 0;
        sanctagp_sb_putn(&b, s + at, (size_t)(i - at));
    }
    char *t = sanctagp_sb_take(&b);
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
        sanctagp_sb_putn(&b, s + at, (size_t)(i - at));
        prev = c;
    }
    char *t = sanctagp_sb_take(&b);
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
        if (hn > sl + 1 && sanctagp_lower_ascii_eq(h + hn - sl, sl, suffixes[k]))
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
        if (b.b.len)
            sanctagp_sb_puts(&b, " ");
        sanctagp_sb_putn(&b, words[i], lens[i]);
    }
    char *t = sanctagp_sb_take(&b);
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
    ialias *a = sanctagp_push_alias(e);
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
    if (!rc && sanctagp_is_person(e)) {
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

int sanctagp_has_alpha(const char *s)
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
    sanctagp_sb_putn(&ob, t, (size_t)(open - t));
    sanctagp_sb_puts(&ob, " ");
    sanctagp_sb_puts(&ob, close + 1);
    char *outer_raw = sanctagp_sb_take(&ob);
    char *outer = outer_raw ? sanctagp_clean_name(outer_raw) : NULL;
    char *inner_c = inner ? sanctagp_clean_name(inner) : NULL;
    free(outer_raw);
    int rc = 0;
    if (!inner || !outer || !inner_c) {
        rc = SANCTAG_E_NOMEM;
        goto out;
    }
    static const char os[] = "original script:";
    if (strncasecmp(inner_c, os, sizeof os - 1) == 0) {
        char *script = sanctagp_clean_name(inner_c + sizeof os - 1);
        if (!empty(outer))
            rc = add_name_clean(e, outer, weak, origin, depth + 1);
        if (!rc && script)
            rc = add_variants(e, script, weak, "list name in original script");
        free(script);
        goto out;
    }
    if (!empty(outer) && sanctagp_has_alpha(outer))
        rc = add_name_clean(e, outer, weak, origin, depth + 1);
    else
        rc = add_name_clean(e, inner_c, weak, origin, depth + 1);
    if (rc || sanctagp_is_person(e) || empty(outer))
        goto out;
    if (acronym_like(inner_c, strlen(inner_c))) {
        rc = add_variants(e, inner_c, weak, "acronym given in parentheses");
    } else if (sanctagp_has_alpha(inner_c) && !strpbrk(inner_c, "0123456789")) {
        /* "LEADER (HONG KONG) INTERNATIONAL" as written, and as
         * "LEADER HONG KONG INTERNATIONAL" */
        if (close[1] && (rc = add_variants(e, t, weak, origin)))
            goto out;
        sbuf wb = {0};
        sanctagp_sb_putn(&wb, t, (size_t)(open - t));
        sanctagp_sb_puts(&wb, inner_c);
        sanctagp_sb_puts(&wb, close + 1);
        char *w = sanctagp_sb_take(&wb);
        char *wc = w ? sanctagp_clean_name(w) : NULL;
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
    char *t = part ? sanctagp_clean_name(part) : NULL;
    free(part);
    if (!t)
        return SANCTAG_E_NOMEM;
    int rc = *t ? add_name_clean(e, t, weak, origin, 0) : 0;
    free(t);
    return rc;
}

/* Adds a list name; several names in one field are split: "A; B", "A / B",
 * "a) A b) B" (an unspaced "/" as in "IMPORT/EXPORT" stays). */
int sanctagp_add_name(ientity *e, const char *raw, int weak, const char *origin)
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
int sanctagp_add_person_name(ientity *e, const char *surname, const char *given, int east_asian,
                             int weak, const char *origin)
{
    char *s = sanctagp_clean_name(surname), *g = sanctagp_clean_name(given);
    int rc = 0;
    if (!s || !g) {
        rc = SANCTAG_E_NOMEM;
    } else if (!*g || !*s) {
        rc = sanctagp_add_name(e, *g ? g : s, weak, origin);
    } else {
        size_t n = strlen(s) + strlen(g) + 2;
        char *buf = malloc(n);
        if (!buf) {
            rc = SANCTAG_E_NOMEM;
        } else {
            if (east_asian) {
                snprintf(buf, n, "%s %s", s, g);
                rc = sanctagp_add_name(e, buf, weak, origin);
            }
            snprintf(buf, n, "%s %s", g, s);
            if (!rc)
                rc = sanctagp_add_name(e, buf, weak,
                                       east_asian ? "generated: given name first" : origin);
            free(buf);
        }
    }
    free(s);
    free(g);
    return rc;
}

/* ---- case policy and kind ------------------------------------------------------- */

int sanctagp_function_word(const char *w, size_t n)
{
    static const char *const list[] = {
        "of", "and", "the", "for", "in", "on", "at", "to", "by", "with", "from", "de", "del",
        "della", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "les", "el", "al",
        "y", "e", "et", "und", "van", "von", "der", "den", "ul", "bin", "ibn", "an", "wal",
    };
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (sanctagp_lower_ascii_eq(w, n, list[i]))
            return 1;
    return 0;
}

/* The alias text a "cap" policy is computed from: an all-caps list spelling
 * title-cased ("BANK OF EAST LAND" -> "Bank Of East Land"), then function
 * words after the first lower-cased ("Bank of East Land"), so that news
 * casing satisfies it. Owned. */
char *sanctagp_news_case(const char *s)
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
        if (!first && sanctagp_function_word(t + w, k - w))
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

/* The normalised forms seen so far, for finding duplicates in constant time
 * (a list row may carry 160,000 a.k.a.s): open addressing over indexes into
 * the norms array, stored plus one (0 is an empty slot). */
typedef struct norm_set {
    size_t *slot;
    size_t mask;
} norm_set;

static int norm_set_init(norm_set *s, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    s->slot = calloc(cap, sizeof *s->slot);
    s->mask = cap - 1;
    return s->slot ? 0 : -1;
}

/* The slot holding norm, or the empty one where it goes. */
static size_t *norm_slot(norm_set *s, char *const *norms, const char *norm)
{
    size_t i = (size_t)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, norm, strlen(norm)) & s->mask;
    while (s->slot[i] && strcmp(norms[s->slot[i] - 1], norm) != 0)
        i = (i + 1) & s->mask;
    return &s->slot[i];
}

/* Decides kind and case policy of every automatic alias of `e` and drops
 * duplicates (same normalised form: the stronger kind wins). Aliases without
 * letters or digits are dropped. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_finalize_aliases(ientity *e, sanctagp_tokens *tk)
{
    if (e->explicit_aliases)
        return 0;
    char **norms = calloc(e->nal ? e->nal : 1, sizeof *norms);
    norm_set set = {NULL, 0};
    if (!norms || norm_set_init(&set, e->nal)) {
        free(norms);
        return SANCTAG_E_NOMEM;
    }
    size_t w = 0;
    int rc = 0;
    for (size_t i = 0; i < e->nal && !rc; i++) {
        ialias a = e->al[i];
        memset(&e->al[i], 0, sizeof e->al[i]);
        size_t len = strlen(a.text);
        if (sanctagp_utf8_check(a.text, len, NULL) || len > 1000 ||
            sanctagp_tokenize(tk, a.text, len) || tk->n > 64) {
            sanctagp_ialias_free(&a);
            continue;
        }
        size_t words = 0, last_word = 0;
        for (size_t k = 0; k < tk->n; k++)
            if (tk->v[k].kind == TK_WORD) {
                words++;
                last_word = k;
            }
        if (!words) {
            sanctagp_ialias_free(&a);
            continue;
        }
        const sanctagp_token *t0 = &tk->v[last_word];
        size_t letters = cp_count(a.text + t0->start, t0->end - t0->start);
        int whole = words == 1 && letters >= 2 && cjk(a.text + t0->start, t0->end - t0->start);
        const char *kind = "name", *policy = "fold", *why = NULL;
        int recase = 0;
        if (sanctagp_is_person(e)) {
            /* "Young-Chul": one word written with a hyphen is one word too */
            int hyphened = !strchr(a.text, ' ') && strchr(a.text, '-');
            if ((words == 1 && !whole) || hyphened) {
                kind = "weak";
                why = "one word of a person's name (a surname or given name alone)";
            }
        } else if (words == 1) {
            int vessel = strcmp(e->label, "VESSEL") == 0;
            if (letters <= 2) {
                kind = "weak";
                why = "one word of one or two letters";
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
        if (a.weak) {
            kind = "weak";
            why = "marked low quality by the list";
        }
        if (why) {
            a.rule = "structure";
            a.evidence = xstrdup(why);
        }
        a.words = (int)words;
        a.letters = (int)letters;
        a.allcaps = 1;
        for (size_t k = 0; k < tk->n; k++)
            if (tk->v[k].kind == TK_WORD && tk->v[k].cls != TC_UPPER)
                a.allcaps = 0;
        /* the normalised form, for duplicates */
        sbuf nb = {0};
        for (size_t k = 0; k < tk->n; k++) {
            if (k)
                sanctagp_sb_puts(&nb, " ");
            sanctagp_sb_putn(&nb, tk->arena + tk->v[k].norm_off, tk->v[k].norm_len);
        }
        char *norm = sanctagp_sb_take(&nb);
        char *text = recase ? sanctagp_news_case(a.text) : xstrdup(a.text);
        a.kind = xstrdup(kind);
        a.case_policy = xstrdup(policy);
        if (!norm || !text || !a.kind || !a.case_policy || (why && !a.evidence)) {
            free(norm);
            free(text);
            sanctagp_ialias_free(&a);
            rc = SANCTAG_E_NOMEM;
            break;
        }
        free(a.text);
        a.text = text;
        size_t *slot = norm_slot(&set, norms, norm);
        size_t dup = *slot ? *slot - 1 : w;
        if (dup < w) {
            if (kind_rank(a.kind) > kind_rank(e->al[dup].kind)) {
                sanctagp_ialias_free(&e->al[dup]);
                e->al[dup] = a;
            } else {
                sanctagp_ialias_free(&a);
            }
            free(norm);
            continue;
        }
        *slot = w + 1;
        norms[w] = norm;
        e->al[w++] = a;
    }
    for (size_t i = w; i < e->nal; i++)
        sanctagp_ialias_free(&e->al[i]);
    e->nal = w;
    /* the normal forms stay with their aliases, for the policy (policy.c) */
    for (size_t k = 0; k < w; k++)
        e->al[k].norm = norms[k];
    free(norms);
    free(set.slot);
    return rc;
}
