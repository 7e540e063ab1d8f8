/* countries.c - ICU country names, enumerated in one place: the built-in
 * gazetteer source "icu:countries" (every ISO 3166-1 country with its English
 * and Indonesian display names) and the lookup of a country as sanctions
 * lists name it to its ISO code (ICU English names plus list spellings). */
#include "gazetteer/countries.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#include "core/text.h"
#include "gazetteer/gazetteer.h"
#include "util/buf.h"

/* ---- ICU display names ------------------------------------------------------ */

static void u16_to_u8(const UChar *s, int32_t n, char *out, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t w = 0;
    u_strToUTF8(out, (int32_t)cap - 1, &w, s, n, &st);
    out[U_FAILURE(st) ? 0 : w] = 0;
}

/* Display name of country `cc` in `lang` into out; 0 when ICU has none (a
 * name ICU does not translate comes back as the code itself). */
static int icu_display(const char *cc, const char *lang, char *out, size_t cap)
{
    char loc[8];
    snprintf(loc, sizeof loc, "und_%s", cc);
    UChar u[256];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = uloc_getDisplayCountry(loc, lang, u, 256, &st);
    if (U_FAILURE(st) || n <= 0 || n >= 256)
        return 0;
    u16_to_u8(u, n, out, cap);
    return 1;
}

typedef int (*form_fn)(void *ctx, const char *table, const char *cc, const char *name);

/* Calls fn for every short ("UK", "AS") and variant ("Ivory Coast", "Timor
 * Timur") country name of ICU's region data in `lang`; stops at the first
 * non-zero return and returns it. */
static int icu_region_forms(const char *lang, form_fn fn, void *ctx)
{
    int rc = 0;
    UErrorCode st = U_ZERO_ERROR;
    UResourceBundle *rb = ures_open(U_ICUDATA_NAME "-region", lang, &st);
    static const char *const tables[] = {"Countries%short", "Countries%variant"};
    for (int t = 0; t < 2 && !rc && U_SUCCESS(st); t++) {
        UErrorCode st2 = U_ZERO_ERROR;
        UResourceBundle *tb = ures_getByKey(rb, tables[t], NULL, &st2);
        while (U_SUCCESS(st2) && ures_hasNext(tb) && !rc) {
            int32_t n;
            const char *cc;
            const UChar *s = ures_getNextString(tb, &n, &cc, &st2);
            if (U_FAILURE(st2) || !cc || strlen(cc) != 2)
                continue;
            char name[512];
            u16_to_u8(s, n, name, sizeof name);
            rc = fn(ctx, tables[t], cc, name);
        }
        ures_close(tb);
    }
    ures_close(rb);
    return rc;
}

static int put(sanctagp_buf *b, const char *s)
{
    return sanctagp_buf_put(b, s, strlen(s));
}

/* ---- country names to codes ------------------------------------------------- */

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
    sanctagp_buf b = {0};
    int bad = 0;
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
        if (strcmp(tok, "s") == 0 && b.len) {
            bad |= put(&b, "s");
            continue;
        }
        if (b.len)
            bad |= put(&b, " ");
        bad |= put(&b, out);
    }
    free(norm);
    char *key = bad ? NULL : strdup(b.p ? b.p : "");
    sanctagp_buf_release(&b);
    return key;
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

static int ctab_add_form(void *ctx, const char *table, const char *cc, const char *name)
{
    (void)ctx;
    (void)table;
    ctab_add_split(name, cc);
    return 0;
}

static void ctab_build(void)
{
    for (const char *const *c = uloc_getISOCountries(); *c; c++) {
        char name[256];
        if (icu_display(*c, "en", name, sizeof name) && strcmp(name, *c) != 0)
            ctab_add_split(name, *c);
    }
    icu_region_forms("en", ctab_add_form, NULL);
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
    if (!name || !*name)
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

/* ---- the icu:countries source ------------------------------------------------ */

/* Region codes ICU lists that are not ISO 3166-1 countries or territories. */
static int not_iso(const char *cc)
{
    static const char *const skip[] = {"EA", "IC", "DG", "CP", "TA", "CQ", "EU", "EZ", "UN",
                                       "QO", "ZZ"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strcmp(cc, skip[i]) == 0)
            return 1;
    return 0;
}

static int icu_add(sanctagp_writer *w, const char *cc, const char *en, const char *alias,
                   const char *lang, const char *kind, const char *origin, sanctag_error *err)
{
    sanctagp_row r;
    memset(&r, 0, sizeof r);
    char key[16];
    snprintf(key, sizeof key, "country:%s", cc);
    r.key = key;
    r.label = "COUNTRY";
    r.name = en;
    r.country = cc;
    r.alias = alias;
    r.lang = lang;
    r.kind = kind;
    r.origin = origin;
    return sanctagp_writer_add(w, &r, "icu:countries", 0, err);
}

/* Adds a display name, its "&" spelled out, and for "Myanmar (Burma)" both parts. */
static int icu_add_forms(sanctagp_writer *w, const char *cc, const char *en, const char *name,
                         const char *lang, const char *kind, int split, const char *origin,
                         sanctag_error *err)
{
    int rc;
    if (!*name)
        return 0;
    if ((rc = icu_add(w, cc, en, name, lang, kind, origin, err)))
        return rc;
    char buf[512];
    const char *amp = strstr(name, " & ");
    if (amp) {
        snprintf(buf, sizeof buf, "%.*s %s %s", (int)(amp - name), name,
                 strcmp(lang, "id") == 0 ? "dan" : "and", amp + 3);
        if ((rc = icu_add(w, cc, en, buf, lang, kind, origin, err)))
            return rc;
    }
    size_t n = strlen(name);
    const char *open = strrchr(name, '(');
    if (split && open && open > name + 1 && name[n - 1] == ')') {
        snprintf(buf, sizeof buf, "%.*s", (int)(open - name - 1), name);
        if ((rc = icu_add(w, cc, en, buf, lang, kind, origin, err)))
            return rc;
        snprintf(buf, sizeof buf, "%.*s", (int)(name + n - 1 - open - 1), open + 1);
        if ((rc = icu_add(w, cc, en, buf, lang, kind, origin, err)))
            return rc;
    }
    return 0;
}

typedef struct icu_src {
    sanctagp_writer *w;
    const char *ver, *lang;
    sanctag_error *err;
} icu_src;

/* A short or variant form: an abbreviation when all capitals ("UK"). */
static int icu_add_region_form(void *ctx, const char *table, const char *cc, const char *name)
{
    icu_src *x = ctx;
    if (not_iso(cc))
        return 0;
    char en[256], origin[128];
    if (!icu_display(cc, "en", en, sizeof en))
        return 0;
    snprintf(origin, sizeof origin, "ICU %s locale data: %s (%s)", x->ver, table, x->lang);
    int caps = 1;
    for (const char *q = name; *q; q++)
        if (!(isupper((unsigned char)*q)))
            caps = 0;
    return icu_add_forms(x->w, cc, en, name, x->lang, caps ? "abbreviation" : "name", 0, origin,
                         x->err);
}

int sanctagp_source_icu_countries(sqlite3 *db, const char *db_path, sanctag_error *err)
{
    UVersionInfo v;
    char ver[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, ver);
    sanctagp_writer *w = NULL;
    int rc = sanctagp_writer_new(db, db_path, "icu-countries", "icu", "icu:countries", ver, &w,
                                 err);
    if (rc)
        return rc;
    static const char *const langs[] = {"en", "id"};
    char origin[128];
    for (const char *const *c = uloc_getISOCountries(); *c && !rc; c++) {
        const char *cc = *c;
        char en[256];
        if (not_iso(cc) || !icu_display(cc, "en", en, sizeof en))
            continue;
        for (int l = 0; l < 2 && !rc; l++) {
            char name[512];
            if (!icu_display(cc, langs[l], name, sizeof name))
                continue;
            if (strcmp(name, cc) == 0)
                continue; /* no translation: ICU echoes the code */
            snprintf(origin, sizeof origin, "ICU %s locale data: uloc_getDisplayCountry(%s)",
                     ver, langs[l]);
            rc = icu_add_forms(w, cc, en, name, langs[l], "name", 1, origin, err);
        }
    }
    /* short ("UK", "AS") and variant ("Ivory Coast", "Timor Timur") forms */
    for (int l = 0; l < 2 && !rc; l++) {
        icu_src x = {w, ver, langs[l], err};
        rc = icu_region_forms(langs[l], icu_add_region_form, &x);
    }
    sanctagp_writer_free(w);
    return rc;
}
