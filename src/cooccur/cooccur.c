/* cooccur.c - entity co-occurrence counting, exact merging and the output
 * formats of `sanctag cooccur`. See cooccur.h for the model. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cooccur/cooccur.h"
#include "util/hash.h"
#include "util/mem.h"

/* ------------------------------------------------------------------------- */
/* Small helpers                                                              */

static void set_err(sanctag_error *err, int code, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_err(sanctag_error *err, int code, const char *source, const char *fmt, ...)
{
    if (!err || err->code)
        return;
    err->code = code;
    err->position = -1;
    if (source)
        snprintf(err->source, sizeof err->source, "%s", source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

#define GROW(arr, cap, need) sanctagp_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* qsort() that accepts an empty (possibly NULL) array. */
static void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_str(const char *s)
{
    return mix64(sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, s, strlen(s)));
}

/* String interning: keys[i] is the i-th distinct string added (owned).
 * Invariant: slot[] has a power-of-two size >= 2 * n; slot value 0 is empty,
 * otherwise index + 1. */
typedef struct strmap {
    char **keys;
    size_t n, cap;
    uint32_t *slot;
    size_t nslot;
} strmap;

static void strmap_release(strmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

static int strmap_rehash(strmap *m, size_t nslot)
{
    uint32_t *ns = calloc(nslot, sizeof *ns);
    if (!ns)
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t h = (size_t)hash_str(m->keys[i]) & (nslot - 1);
        while (ns[h])
            h = (h + 1) & (nslot - 1);
        ns[h] = (uint32_t)(i + 1);
    }
    free(m->slot);
    m->slot = ns;
    m->nslot = nslot;
    return 0;
}

/* Index of `s`, or -1. */
static long strmap_find(const strmap *m, const char *s)
{
    if (!m->nslot)
        return -1;
    size_t h = (size_t)hash_str(s) & (m->nslot - 1);
    while (m->slot[h]) {
        uint32_t i = m->slot[h] - 1;
        if (strcmp(m->keys[i], s) == 0)
            return i;
        h = (h + 1) & (m->nslot - 1);
    }
    return -1;
}

/* Index of `s`, added when new (*ret_new = 1). Returns 0 or SANCTAG_E_NOMEM. */
static int strmap_intern(strmap *m, const char *s, uint32_t *ret_i, int *ret_new)
{
    long f = strmap_find(m, s);
    if (ret_new)
        *ret_new = f < 0;
    if (f >= 0) {
        *ret_i = (uint32_t)f;
        return 0;
    }
    if (m->n >= UINT32_MAX - 1)
        return SANCTAG_E_TOOBIG;
    if ((m->n + 1) * 2 > m->nslot && strmap_rehash(m, m->nslot ? m->nslot * 2 : 64))
        return SANCTAG_E_NOMEM;
    if (GROW(m->keys, m->cap, m->n + 1))
        return SANCTAG_E_NOMEM;
    char *k = xstrdup(s);
    if (!k)
        return SANCTAG_E_NOMEM;
    m->keys[m->n] = k;
    size_t h = (size_t)hash_str(s) & (m->nslot - 1);
    while (m->slot[h])
        h = (h + 1) & (m->nslot - 1);
    m->slot[h] = (uint32_t)(m->n + 1);
    *ret_i = (uint32_t)m->n++;
    return 0;
}

/* Map from a pair of 64-bit integers to a row index (same invariant). */
typedef struct imap {
    uint64_t *kx, *ky;
    uint32_t *val;
    size_t nslot, n;
} imap;

static void imap_release(imap *m)
{
    free(m->kx);
    free(m->ky);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static size_t imap_hash(uint64_t x, uint64_t y)
{
    return (size_t)mix64(x * 0x9e3779b97f4a7c15ULL ^ mix64(y));
}

static int imap_rehash(imap *m, size_t nslot)
{
    uint64_t *kx = malloc(nslot * sizeof *kx), *ky = malloc(nslot * sizeof *ky);
    uint32_t *val = calloc(nslot, sizeof *val);
    if (!kx || !ky || !val) {
        free(kx);
        free(ky);
        free(val);
        return SANCTAG_E_NOMEM;
    }
    for (size_t i = 0; i < m->nslot; i++) {
        if (!m->val[i])
            continue;
        size_t h = imap_hash(m->kx[i], m->ky[i]) & (nslot - 1);
        while (val[h])
            h = (h + 1) & (nslot - 1);
        kx[h] = m->kx[i];
        ky[h] = m->ky[i];
        val[h] = m->val[i];
    }
    imap_release(m);
    m->kx = kx;
    m->ky = ky;
    m->val = val;
    m->nslot = nslot;
    return 0;
}

/* Row index for (x, y), or -1. */
static long imap_find(const imap *m, uint64_t x, uint64_t y)
{
    if (!m->nslot)
        return -1;
    size_t h = imap_hash(x, y) & (m->nslot - 1);
    while (m->val[h]) {
        if (m->kx[h] == x && m->ky[h] == y)
            return m->val[h] - 1;
        h = (h + 1) & (m->nslot - 1);
    }
    return -1;
}

/* Inserts (x, y) -> `row` (the key must be new). */
static int imap_put(imap *m, uint64_t x, uint64_t y, uint32_t row)
{
    if ((m->n + 1) * 2 > m->nslot) {
        size_t ns = m->nslot ? m->nslot * 2 : 256;
        size_t n = m->n;
        if (imap_rehash(m, ns))
            return SANCTAG_E_NOMEM;
        m->n = n;
    }
    size_t h = imap_hash(x, y) & (m->nslot - 1);
    while (m->val[h])
        h = (h + 1) & (m->nslot - 1);
    m->kx[h] = x;
    m->ky[h] = y;
    m->val[h] = row + 1;
    m->n++;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Dates                                                                      */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static int32_t civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return (int32_t)((y + (m <= 2)) * 10000 + m * 100 + d);
}

static int is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* ISO weekday, 1 = Monday. */
static int weekday(long days)
{
    long w = (days + 3) % 7; /* 1970-01-01 was a Thursday */
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static long ymd_days(int32_t ymd)
{
    return days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100));
}

/* ISO 8601 week of `ymd`: *ret_year and *ret_week. */
static void iso_week(int32_t ymd, int *ret_year, int *ret_week)
{
    long days = ymd_days(ymd);
    long thursday = days - weekday(days) + 4; /* the week's Thursday decides its year */
    int32_t t = civil_from_days(thursday);
    int y = t / 10000;
    long jan1 = days_from_civil(y, 1, 1);
    *ret_year = y;
    *ret_week = (int)((thursday - jan1) / 7 + 1);
}

static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"januari", 1},   {"january", 1},  {"jan", 1},       {"februari", 2}, {"pebruari", 2},
    {"february", 2},  {"feb", 2},      {"peb", 2},       {"maret", 3},    {"march", 3},
    {"mar", 3},       {"april", 4},    {"apr", 4},       {"mei", 5},      {"may", 5},
    {"juni", 6},      {"june", 6},     {"jun", 6},       {"juli", 7},     {"july", 7},
    {"jul", 7},       {"agustus", 8},  {"august", 8},    {"agu", 8},      {"agt", 8},
    {"ags", 8},       {"aug", 8},      {"september", 9}, {"sept", 9},     {"sep", 9},
    {"oktober", 10},  {"october", 10}, {"okt", 10},      {"oct", 10},     {"november", 11},
    {"nopember", 11}, {"nov", 11},     {"nop", 11},      {"desember", 12}, {"december", 12},
    {"des", 12},      {"dec", 12},
};

static int month_of(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof month_names / sizeof *month_names; i++) {
        const char *m = month_names[i].name;
        if (strlen(m) != n)
            continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)w[k]) == m[k])
            k++;
        if (k == n)
            return month_names[i].month;
    }
    return 0;
}

typedef struct dscan {
    const char *p, *end;
} dscan;

static int d_isdigit(const dscan *s)
{
    return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int d_isalpha(const dscan *s)
{
    return s->p < s->end && isalpha((unsigned char)*s->p);
}

static void d_space(dscan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* Reads up to 8 digits; returns the number of digits read. */
static int d_num(dscan *s, long *ret)
{
    int n = 0;
    long v = 0;
    while (d_isdigit(s) && n < 9) {
        v = v * 10 + (*s->p - '0');
        s->p++;
        n++;
    }
    if (d_isdigit(s))
        return 0; /* more than 9 digits: not a date part */
    *ret = v;
    return n;
}

static size_t d_word(dscan *s, const char **ret)
{
    *ret = s->p;
    while (d_isalpha(s))
        s->p++;
    return (size_t)(s->p - *ret);
}

/* What may follow the date: nothing, a space, a time separator, punctuation. */
static int d_tail_ok(const dscan *s)
{
    if (s->p >= s->end)
        return 1;
    char c = *s->p;
    if (c == 'T' || c == 't')
        return s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9';
    return c == ' ' || c == '\t' || c == ',' || c == '|' || c == ';' || c == '(' || c == '\n' ||
           c == '\r';
}

static int d_valid(long y, long m, long d, int32_t *ret)
{
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m))
        return COOC_DATE_UNPARSED;
    *ret = (int32_t)(y * 10000 + m * 100 + d);
    return COOC_DATE_OK;
}

int sanctagp_cooc_parse_date(const char *str, size_t n, int order, int32_t *ret_ymd)
{
    dscan s = {str, str + n};
    d_space(&s);
    /* a leading weekday ("Senin,", "Jum'at,", "Monday") that is not a month */
    for (int k = 0; k < 2 && d_isalpha(&s); k++) {
        dscan save = s;
        const char *w;
        size_t wl = d_word(&s, &w);
        if (month_of(w, wl)) {
            s = save;
            break;
        }
        if (s.p < s.end && (*s.p == '\'' || *s.p == '`')) {
            s.p++;
            d_word(&s, &w);
        }
        if (s.p < s.end && *s.p == '.')
            s.p++;
        d_space(&s);
        if (s.p < s.end && *s.p == ',')
            s.p++;
        d_space(&s);
    }
    long a, b, c;
    int na, nb, nc;
    if (d_isdigit(&s)) {
        na = d_num(&s, &a);
        if (na == 8 && (s.p >= s.end || *s.p == 'T')) { /* 20231204 */
            if (!d_tail_ok(&s))
                return COOC_DATE_UNPARSED;
            return d_valid(a / 10000, a / 100 % 100, a % 100, ret_ymd);
        }
        if (na == 4) { /* 2023-12-04, 2023/12/04, 2023.12.04 */
            if (s.p >= s.end || !strchr("-/.", *s.p))
                return COOC_DATE_UNPARSED;
            char sep = *s.p++;
            nb = d_num(&s, &b);
            if (nb < 1 || nb > 2 || s.p >= s.end || *s.p != sep)
                return COOC_DATE_UNPARSED;
            s.p++;
            nc = d_num(&s, &c);
            if (nc < 1 || nc > 2 || !d_tail_ok(&s))
                return COOC_DATE_UNPARSED;
            return d_valid(a, b, c, ret_ymd);
        }
        if (na < 1 || na > 2)
            return COOC_DATE_UNPARSED;
        if (s.p + 1 < s.end && strchr("-/.", *s.p) && s.p[1] >= '0' && s.p[1] <= '9') {
            /* numeric day and month: 04/12/2023, 12/4/2023, 4.12.2023 */
            char sep = *s.p++;
            nb = d_num(&s, &b);
            if (nb < 1 || nb > 2 || s.p >= s.end || *s.p != sep)
                return COOC_DATE_UNPARSED;
            s.p++;
            nc = d_num(&s, &c);
            if (nc != 4 || !d_tail_ok(&s))
                return COOC_DATE_UNPARSED;
            long d, m;
            if (order == COOC_ORDER_DMY) {
                d = a;
                m = b;
            } else if (order == COOC_ORDER_MDY) {
                m = a;
                d = b;
            } else if (a == b || (a > 12 && b <= 12)) {
                d = a;
                m = b;
            } else if (b > 12 && a <= 12) {
                m = a;
                d = b;
            } else if (a <= 12 && b <= 12) {
                return COOC_DATE_AMBIGUOUS;
            } else {
                return COOC_DATE_UNPARSED;
            }
            return d_valid(c, m, d, ret_ymd);
        }
        /* 04 Des 2023, 4-Dec-2023, 4 December, 2023 */
        d_space(&s);
        if (s.p < s.end && (*s.p == '-' || *s.p == '.'))
            s.p++;
        d_space(&s);
        const char *w;
        size_t wl = d_word(&s, &w);
        int m = wl ? month_of(w, wl) : 0;
        if (!m)
            return COOC_DATE_UNPARSED;
        if (s.p < s.end && *s.p == '.')
            s.p++;
        d_space(&s);
        if (s.p < s.end && (*s.p == '-' || *s.p == ','))
            s.p++;
        d_space(&s);
        nc = d_num(&s, &c);
        if (nc != 4 || !d_tail_ok(&s))
            return COOC_DATE_UNPARSED;
        return d_valid(c, m, a, ret_ymd);
    }
    if (d_isalpha(&s)) { /* December 4, 2023; Dec. 4 2023 */
        const char *w;
        size_t wl = d_word(&s, &w);
        int m = month_of(w, wl);
        if (!m)
            return COOC_DATE_UNPARSED;
        if (s.p < s.end && *s.p == '.')
            s.p++;
        d_space(&s);
        nb = d_num(&s, &b);
        if (nb < 1 || nb > 2)
            return COOC_DATE_UNPARSED;
        d_space(&s);
        if (s.p < s.end && *s.p == ',')
            s.p++;
        d_space(&s);
        nc = d_num(&s, &c);
        if (nc != 4 || !d_tail_ok(&s))
            return COOC_DATE_UNPARSED;
        return d_valid(c, m, b, ret_ymd);
    }
    return COOC_DATE_UNPARSED;
}

void sanctagp_cooc_period_key(int period, int32_t ymd, char out[16])
{
    if (period == COOC_PER_NONE) {
        strcpy(out, "all");
        return;
    }
    if (!ymd) {
        strcpy(out, "unknown");
        return;
    }
    unsigned y = (unsigned)(ymd / 10000) % 10000u, m = (unsigned)(ymd / 100) % 100u,
             d = (unsigned)ymd % 100u;
    switch (period) {
    case COOC_PER_DAY:
        snprintf(out, 16, "%04u-%02u-%02u", y, m, d);
        break;
    case COOC_PER_WEEK: {
        int wy, w;
        iso_week(ymd, &wy, &w);
        snprintf(out, 16, "%04u-W%02u", (unsigned)wy % 10000u, (unsigned)w % 100u);
        break;
    }
    case COOC_PER_MONTH:
        snprintf(out, 16, "%04u-%02u", y, m);
        break;
    default:
        snprintf(out, 16, "%04u", y);
        break;
    }
}

static void ymd_str(int32_t ymd, char out[16])
{
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(ymd / 10000) % 10000u,
             (unsigned)(ymd / 100) % 100u, (unsigned)ymd % 100u);
}

/* Parses "YYYY-MM-DD" (as written by ymd_str) into yyyymmdd; 0 if not. */
static int32_t ymd_parse(const char *s)
{
    int32_t v = 0;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (sanctagp_cooc_parse_date(s, 10, COOC_ORDER_AUTO, &v) != COOC_DATE_OK)
        return 0;
    return v;
}

/* First and last day of a period key; 0 for "all"/"unknown"/bad keys. */
static void period_bounds(const char *key, int32_t *ret_first, int32_t *ret_last)
{
    *ret_first = *ret_last = 0;
    size_t n = strlen(key);
    int y, m, w;
    char tail;
    if (n == 10) {
        int32_t v = ymd_parse(key);
        *ret_first = *ret_last = v;
    } else if (n == 8 && sscanf(key, "%4d-W%2d%c", &y, &w, &tail) == 2) {
        long jan4 = days_from_civil(y, 1, 4);
        long monday = jan4 - weekday(jan4) + 1 + 7L * (w - 1);
        *ret_first = civil_from_days(monday);
        *ret_last = civil_from_days(monday + 6);
    } else if (n == 7 && sscanf(key, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
        *ret_first = y * 10000 + m * 100 + 1;
        *ret_last = y * 10000 + m * 100 + days_in_month(y, m);
    } else if (n == 4 && sscanf(key, "%4d%c", &y, &tail) == 1) {
        *ret_first = y * 10000 + 101;
        *ret_last = y * 10000 + 1231;
    }
}

/* ------------------------------------------------------------------------- */
/* The table                                                                  */

typedef struct node_info {
    char *name, *label, *country; /* NULL when never seen */
} node_info;

/* Counts of one node in one period. */
typedef struct ent_row {
    uint32_t period, node;
    uint64_t count, docs;
    int32_t first, last; /* yyyymmdd, 0 = no dated unit */
} ent_row;

/* Counts of one unordered pair in one period. Invariant: a < b (node index). */
typedef struct pair_row {
    uint32_t period, a, b;
    uint64_t count, docs;
    int32_t first, last;
} pair_row;

typedef struct mention {
    uint32_t node, sentence, tf, te;
} mention;

struct sanctagp_cooc {
    sanctagp_cooc_opts o;
    sanctagp_cooc_totals t;
    char **labelv; /* parsed o.labels */
    size_t nlabel;
    strmap nodes;
    node_info *ni;
    size_t ni_cap;
    strmap periods;
    uint64_t *p_units, *p_docs;
    size_t pu_cap, pd_cap;
    imap entmap;
    ent_row *ents;
    size_t nents, ents_cap;
    imap pairmap;
    pair_row *pairs;
    size_t npairs, pairs_cap;
    strmap gaz;
    uint64_t conflicts;
    uint64_t doc_no; /* documents listed so far */
    sanctagp_cooc_doc_sink sink;
    void *sink_data;
    /* the document being counted */
    int in_doc;
    json_t *d_id;
    char *d_date_raw;
    int32_t d_ymd;
    uint32_t d_period;
    mention *m;
    size_t nm, m_cap;
    uint64_t *k1, *k2; /* scratch keys */
    size_t k1_cap, k2_cap;
    sanctagp_cooc_docent *de;
    size_t de_cap;
    sanctagp_cooc_docpair *dp;
    size_t dp_cap;
};

static const char *const window_names[] = {"document", "sentence", "tokens"};
static const char *const by_names[] = {"entity", "country"};
static const char *const period_names[] = {"none", "day", "week", "month", "year"};
static const char *const order_names[] = {"auto", "dmy", "mdy"};

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}
#define NAME_INDEX(arr, s) name_index(arr, sizeof arr / sizeof *arr, s)

static int parse_labels(sanctagp_cooc *c)
{
    const char *s = c->o.labels;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) {
            char **nv = realloc(c->labelv, (c->nlabel + 1) * sizeof *nv);
            if (!nv)
                return SANCTAG_E_NOMEM;
            c->labelv = nv;
            char *l = malloc(n + 1);
            if (!l)
                return SANCTAG_E_NOMEM;
            memcpy(l, s, n);
            l[n] = 0;
            c->labelv[c->nlabel++] = l;
        }
        s += n + (e ? 1 : 0);
    }
    return 0;
}

sanctagp_cooc *sanctagp_cooc_new(const sanctagp_cooc_opts *o)
{
    sanctagp_cooc *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->o = *o;
    if (parse_labels(c)) {
        sanctagp_cooc_free(c);
        return NULL;
    }
    return c;
}

void sanctagp_cooc_free(sanctagp_cooc *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nlabel; i++)
        free(c->labelv[i]);
    free(c->labelv);
    for (size_t i = 0; i < c->nodes.n; i++) {
        free(c->ni[i].name);
        free(c->ni[i].label);
        free(c->ni[i].country);
    }
    free(c->ni);
    strmap_release(&c->nodes);
    strmap_release(&c->periods);
    strmap_release(&c->gaz);
    free(c->p_units);
    free(c->p_docs);
    imap_release(&c->entmap);
    imap_release(&c->pairmap);
    free(c->ents);
    free(c->pairs);
    json_decref(c->d_id);
    free(c->d_date_raw);
    free(c->m);
    free(c->k1);
    free(c->k2);
    free(c->de);
    free(c->dp);
    free(c);
}

const sanctagp_cooc_opts *sanctagp_cooc_options(const sanctagp_cooc *c)
{
    return &c->o;
}

sanctagp_cooc_totals *sanctagp_cooc_totals_of(sanctagp_cooc *c)
{
    return &c->t;
}

void sanctagp_cooc_set_sink(sanctagp_cooc *c, sanctagp_cooc_doc_sink fn, void *data)
{
    c->sink = fn;
    c->sink_data = data;
}

size_t sanctagp_cooc_node_count(const sanctagp_cooc *c)
{
    return c->nodes.n;
}

size_t sanctagp_cooc_pair_count(const sanctagp_cooc *c)
{
    return c->npairs;
}

size_t sanctagp_cooc_period_count(const sanctagp_cooc *c)
{
    return c->periods.n;
}

int sanctagp_cooc_documents_listed(const sanctagp_cooc *c)
{
    return c->o.documents;
}

uint64_t sanctagp_cooc_conflicts(const sanctagp_cooc *c)
{
    return c->conflicts;
}

int sanctagp_cooc_has_node(const sanctagp_cooc *c, const char *key)
{
    return strmap_find(&c->nodes, key) >= 0;
}

int sanctagp_cooc_add_gazetteer(sanctagp_cooc *c, const char *version)
{
    uint32_t i;
    if (!version || !*version)
        return 0;
    return strmap_intern(&c->gaz, version, &i, NULL);
}

/* Keeps the smallest non-empty value: commutative, so merge order does not
 * matter. Different values are counted as conflicts. */
static int meta_set(sanctagp_cooc *c, char **field, const char *v)
{
    if (!v || !*v)
        return 0;
    if (!*field) {
        *field = xstrdup(v);
        return *field ? 0 : SANCTAG_E_NOMEM;
    }
    int cmp = strcmp(v, *field);
    if (cmp == 0)
        return 0;
    c->conflicts++;
    if (cmp < 0) {
        char *n = xstrdup(v);
        if (!n)
            return SANCTAG_E_NOMEM;
        free(*field);
        *field = n;
    }
    return 0;
}

static int node_get(sanctagp_cooc *c, const char *key, const char *name, const char *label,
                    const char *country, uint32_t *ret)
{
    int isnew, rc = strmap_intern(&c->nodes, key, ret, &isnew);
    if (rc)
        return rc;
    if (isnew) {
        if (GROW(c->ni, c->ni_cap, c->nodes.n))
            return SANCTAG_E_NOMEM;
        memset(&c->ni[*ret], 0, sizeof c->ni[*ret]);
    }
    node_info *ni = &c->ni[*ret];
    if ((rc = meta_set(c, &ni->name, name)) || (rc = meta_set(c, &ni->label, label)) ||
        (rc = meta_set(c, &ni->country, country)))
        return rc;
    return 0;
}

static int period_get(sanctagp_cooc *c, const char *key, uint32_t *ret)
{
    int isnew, rc = strmap_intern(&c->periods, key, ret, &isnew);
    if (rc)
        return rc;
    if (isnew) {
        if (GROW(c->p_units, c->pu_cap, c->periods.n) || GROW(c->p_docs, c->pd_cap, c->periods.n))
            return SANCTAG_E_NOMEM;
        c->p_units[*ret] = c->p_docs[*ret] = 0;
    }
    return 0;
}

static void seen(int32_t *first, int32_t *last, int32_t f, int32_t l)
{
    if (f && (!*first || f < *first))
        *first = f;
    if (l && l > *last)
        *last = l;
}

static int ent_add(sanctagp_cooc *c, uint32_t period, uint32_t node, uint64_t count,
                   uint64_t docs, int32_t first, int32_t last)
{
    long r = imap_find(&c->entmap, period, node);
    if (r < 0) {
        if (c->nents >= UINT32_MAX - 1)
            return SANCTAG_E_TOOBIG;
        if (GROW(c->ents, c->ents_cap, c->nents + 1) ||
            imap_put(&c->entmap, period, node, (uint32_t)c->nents))
            return SANCTAG_E_NOMEM;
        r = (long)c->nents++;
        ent_row *e = &c->ents[r];
        memset(e, 0, sizeof *e);
        e->period = period;
        e->node = node;
    }
    ent_row *e = &c->ents[r];
    e->count += count;
    e->docs += docs;
    seen(&e->first, &e->last, first, last);
    return 0;
}

static int pair_add(sanctagp_cooc *c, uint32_t period, uint32_t a, uint32_t b, uint64_t count,
                    uint64_t docs, int32_t first, int32_t last)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    uint64_t ab = (uint64_t)a << 32 | b;
    long r = imap_find(&c->pairmap, period, ab);
    if (r < 0) {
        if (c->npairs >= UINT32_MAX - 1)
            return SANCTAG_E_TOOBIG;
        if (GROW(c->pairs, c->pairs_cap, c->npairs + 1) ||
            imap_put(&c->pairmap, period, ab, (uint32_t)c->npairs))
            return SANCTAG_E_NOMEM;
        r = (long)c->npairs++;
        pair_row *p = &c->pairs[r];
        memset(p, 0, sizeof *p);
        p->period = period;
        p->a = a;
        p->b = b;
    }
    pair_row *p = &c->pairs[r];
    p->count += count;
    p->docs += docs;
    seen(&p->first, &p->last, first, last);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Counting                                                                   */

int sanctagp_cooc_doc_begin(sanctagp_cooc *c, json_t *id, const char *date_raw, int date_ok)
{
    json_decref(c->d_id);
    free(c->d_date_raw);
    c->d_id = id ? json_incref(id) : NULL;
    c->d_date_raw = NULL;
    c->nm = 0;
    c->d_ymd = 0;
    c->in_doc = 1;
    if (date_raw) {
        int32_t ymd = 0;
        int st = sanctagp_cooc_parse_date(date_raw, strlen(date_raw), c->o.date_order, &ymd);
        if (st == COOC_DATE_OK) {
            c->d_ymd = ymd;
            c->t.dated++;
        } else if (st == COOC_DATE_AMBIGUOUS) {
            c->t.ambiguous_dates++;
        } else {
            c->t.unparsed_dates++;
        }
        if (c->o.documents && !(c->d_date_raw = xstrdup(date_raw)))
            return SANCTAG_E_NOMEM;
    } else if (date_ok) {
        c->t.undated++;
    } else {
        c->t.unparsed_dates++; /* a date field that is not a string */
    }
    char key[16];
    sanctagp_cooc_period_key(c->o.period, c->d_ymd, key);
    return period_get(c, key, &c->d_period);
}

static int label_selected(const sanctagp_cooc *c, const char *label)
{
    if (!c->nlabel)
        return 1;
    for (size_t i = 0; i < c->nlabel; i++)
        if (label && strcmp(c->labelv[i], label) == 0)
            return 1;
    return 0;
}

int sanctagp_cooc_doc_mention(sanctagp_cooc *c, const char *key, const char *name,
                              const char *label, const char *country, uint32_t sentence,
                              uint32_t tok_first, uint32_t tok_end)
{
    if (!key || !*key)
        return 0;
    if (!label_selected(c, label)) {
        c->t.mentions_unlabelled++;
        return 0;
    }
    uint32_t node;
    int rc;
    if (c->o.by == COOC_BY_COUNTRY) {
        if (!country || !*country) {
            c->t.mentions_no_country++;
            return 0;
        }
        /* the node is named after a COUNTRY entity of that code, when one is seen */
        int is_country = label && strcmp(label, "COUNTRY") == 0;
        rc = node_get(c, country, is_country ? name : NULL, "COUNTRY", country, &node);
    } else {
        rc = node_get(c, key, name, label, country, &node);
    }
    if (rc)
        return rc;
    if (GROW(c->m, c->m_cap, c->nm + 1))
        return SANCTAG_E_NOMEM;
    mention *m = &c->m[c->nm++];
    m->node = node;
    m->sentence = sentence;
    m->tf = tok_first;
    m->te = tok_end > tok_first ? tok_end : tok_first + 1;
    c->t.mentions++;
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static int cmp_mention_tf(const void *x, const void *y)
{
    const mention *a = x, *b = y;
    if (a->tf != b->tf)
        return a->tf < b->tf ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

/* Sorts k[0..n) and removes duplicates; returns the new length. */
static size_t sort_unique(uint64_t *k, size_t n)
{
    if (n < 2)
        return n;
    sort_n(k, n, sizeof *k, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (k[i] != k[w - 1])
            k[w++] = k[i];
    return w;
}

static int cmp_docent(const void *x, const void *y)
{
    return strcmp(((const sanctagp_cooc_docent *)x)->key, ((const sanctagp_cooc_docent *)y)->key);
}

static int cmp_docpair(const void *x, const void *y)
{
    const sanctagp_cooc_docpair *a = x, *b = y;
    int r = strcmp(a->a, b->a);
    return r ? r : strcmp(a->b, b->b);
}

int sanctagp_cooc_doc_end(sanctagp_cooc *c, uint64_t nsentences, const char *error,
                          sanctag_error *err)
{
    if (!c->in_doc)
        return SANCTAG_E_INVALID;
    c->in_doc = 0;
    int sent = c->o.window == COOC_WIN_SENTENCE;
    if (error)
        c->nm = 0;
    uint64_t units = sent ? (error ? 0 : nsentences) : 1;
    int32_t ymd = c->d_ymd;
    uint32_t per = c->d_period;
    c->t.documents++;
    if (error)
        c->t.error_documents++;
    c->t.units += units;
    c->p_units[per] += units;
    c->p_docs[per] += 1;
    int rc;

    /* k1: one key per (unit, node) mentioned */
    if (GROW(c->k1, c->k1_cap, c->nm + 1))
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < c->nm; i++) {
        if (sent && c->m[i].sentence >= nsentences) {
            set_err(err, SANCTAG_E_FORMAT, NULL,
                    "span sentence index %u is out of range (the document has %llu sentences)",
                    c->m[i].sentence, (unsigned long long)nsentences);
            return SANCTAG_E_FORMAT;
        }
        c->k1[i] = sent ? ((uint64_t)c->m[i].sentence << 32 | c->m[i].node) : c->m[i].node;
    }
    size_t nk = sort_unique(c->k1, c->nm);

    /* k2: one key per (unit, pair) co-occurring */
    size_t np = 0;
    if (c->o.window == COOC_WIN_TOKENS) {
        sort_n(c->m, c->nm, sizeof *c->m, cmp_mention_tf);
        for (size_t i = 0; i < c->nm; i++) {
            uint64_t limit = (uint64_t)c->m[i].te + c->o.tokens;
            for (size_t j = i + 1; j < c->nm && c->m[j].tf <= limit; j++) {
                uint32_t a = c->m[i].node, b = c->m[j].node;
                if (a == b)
                    continue;
                if (GROW(c->k2, c->k2_cap, np + 1))
                    return SANCTAG_E_NOMEM;
                c->k2[np++] = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
            }
        }
        np = sort_unique(c->k2, np);
    } else {
        /* all pairs within each unit: k1 is sorted by unit, then node */
        for (size_t s = 0; s < nk;) {
            size_t e = s;
            while (e < nk && (c->k1[e] >> 32) == (c->k1[s] >> 32))
                e++;
            size_t g = e - s;
            if (g > 1 && GROW(c->k2, c->k2_cap, np + g * (g - 1) / 2))
                return SANCTAG_E_NOMEM;
            for (size_t i = s; i < e; i++)
                for (size_t j = i + 1; j < e; j++) {
                    uint32_t a = (uint32_t)c->k1[i], b = (uint32_t)c->k1[j];
                    c->k2[np++] = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
                }
            s = e;
        }
        sort_n(c->k2, np, sizeof *c->k2, cmp_u64); /* duplicates = several sentences */
    }

    /* nodes: units = number of (unit, node) keys; documents = 1 */
    for (size_t i = 0; i < nk; i++)
        c->k1[i] = (uint32_t)c->k1[i];
    sort_n(c->k1, nk, sizeof *c->k1, cmp_u64);
    size_t nde = 0, ndp = 0;
    for (size_t s = 0; s < nk;) {
        size_t e = s;
        while (e < nk && c->k1[e] == c->k1[s])
            e++;
        uint32_t node = (uint32_t)c->k1[s];
        if ((rc = ent_add(c, per, node, e - s, 1, ymd, ymd)))
            return rc;
        if (c->o.documents) {
            if (GROW(c->de, c->de_cap, nde + 1))
                return SANCTAG_E_NOMEM;
            c->de[nde].key = c->nodes.keys[node];
            c->de[nde++].units = e - s;
        }
        s = e;
    }
    for (size_t s = 0; s < np;) {
        size_t e = s;
        while (e < np && c->k2[e] == c->k2[s])
            e++;
        uint32_t a = (uint32_t)(c->k2[s] >> 32), b = (uint32_t)c->k2[s];
        if ((rc = pair_add(c, per, a, b, e - s, 1, ymd, ymd)))
            return rc;
        if (c->o.documents) {
            if (GROW(c->dp, c->dp_cap, ndp + 1))
                return SANCTAG_E_NOMEM;
            const char *ka = c->nodes.keys[a], *kb = c->nodes.keys[b];
            int sw = strcmp(ka, kb) > 0;
            c->dp[ndp].a = sw ? kb : ka;
            c->dp[ndp].b = sw ? ka : kb;
            c->dp[ndp++].units = e - s;
        }
        s = e;
    }
    if (c->o.documents && c->sink) {
        sort_n(c->de, nde, sizeof *c->de, cmp_docent);
        sort_n(c->dp, ndp, sizeof *c->dp, cmp_docpair);
        char date[16];
        if (ymd)
            ymd_str(ymd, date);
        sanctagp_cooc_doc d = {
            .doc = ++c->doc_no,
            .id = c->d_id,
            .date = ymd ? date : NULL,
            .date_raw = c->d_date_raw,
            .period = c->periods.keys[per],
            .units = units,
            .error = error,
            .nent = nde,
            .npair = ndp,
            .ent = c->de,
            .pair = c->dp,
        };
        if ((rc = c->sink(c->sink_data, &d))) {
            set_err(err, rc, NULL, "cannot write the document listing");
            return rc;
        }
    }
    return 0;
}

double sanctagp_npmi(uint64_t cxy, uint64_t cx, uint64_t cy, uint64_t n)
{
    if (!cxy || !cx || !cy || !n)
        return 0;
    if (cxy >= n)
        return 1; /* every unit has both: perfect co-occurrence (the limit) */
    double lxy = log((double)cxy), ln = log((double)n);
    double pmi = lxy + ln - log((double)cx) - log((double)cy);
    double v = pmi / (ln - lxy);
    if (v > 1)
        v = 1;
    if (v < -1)
        v = -1;
    return v;
}

/* NPMI rounded to 6 decimals, as every format writes it (-0 becomes 0). */
static double npmi6(double v)
{
    double r = round(v * 1e6) / 1e6;
    return r == 0 ? 0 : r;
}

/* ------------------------------------------------------------------------- */
/* Sorted, scored views for output                                            */

#define TOTAL(f) {#f, offsetof(sanctagp_cooc_totals, f)}
static const struct {
    const char *name;
    size_t off;
} total_fields[] = {
    TOTAL(documents),       TOTAL(error_documents),  TOTAL(units),
    TOTAL(dated),           TOTAL(undated),          TOTAL(unparsed_dates),
    TOTAL(ambiguous_dates), TOTAL(mentions),         TOTAL(mentions_skipped),
    TOTAL(mentions_unlabelled), TOTAL(mentions_no_country),
};
#define NTOTALS (sizeof total_fields / sizeof *total_fields)

static uint64_t *total_at(sanctagp_cooc_totals *t, size_t i)
{
    return (uint64_t *)((char *)t + total_fields[i].off);
}

/* A pair row oriented by key (a < b) and scored. */
typedef struct prow {
    uint32_t row, a, b;
    uint64_t ca, cb;
    double npmi; /* rounded to 6 decimals */
} prow;

typedef struct view {
    uint32_t *node_rank, *period_rank;
    uint32_t *node_order, *period_order; /* indexes sorted by key */
    uint64_t *n_count, *n_docs;
    int32_t *n_first, *n_last;
    prow *p; /* kept pairs, output order */
    size_t np;
    uint32_t *e; /* entity rows, (period, key) order */
    size_t ne;
} view;

static const sanctagp_cooc *g_sort_c; /* qsort context (writers are not reentrant) */
static const view *g_sort_v;
static int g_sort_npmi;

static int cmp_node_key(const void *x, const void *y)
{
    return strcmp(g_sort_c->nodes.keys[*(const uint32_t *)x],
                  g_sort_c->nodes.keys[*(const uint32_t *)y]);
}

static int cmp_period_key(const void *x, const void *y)
{
    return strcmp(g_sort_c->periods.keys[*(const uint32_t *)x],
                  g_sort_c->periods.keys[*(const uint32_t *)y]);
}

static int cmp_prow(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    const pair_row *ra = &g_sort_c->pairs[a->row], *rb = &g_sort_c->pairs[b->row];
    const view *v = g_sort_v;
    if (ra->period != rb->period)
        return v->period_rank[ra->period] < v->period_rank[rb->period] ? -1 : 1;
    if (g_sort_npmi && a->npmi != b->npmi)
        return a->npmi > b->npmi ? -1 : 1;
    if (ra->count != rb->count)
        return ra->count > rb->count ? -1 : 1;
    if (!g_sort_npmi && a->npmi != b->npmi)
        return a->npmi > b->npmi ? -1 : 1;
    if (a->a != b->a)
        return v->node_rank[a->a] < v->node_rank[b->a] ? -1 : 1;
    if (a->b != b->b)
        return v->node_rank[a->b] < v->node_rank[b->b] ? -1 : 1;
    return 0;
}

/* Entity rows by (period, key); with g_sort_npmi == 2 by (period, count desc, key). */
static int cmp_erow(const void *x, const void *y)
{
    const ent_row *a = &g_sort_c->ents[*(const uint32_t *)x],
                  *b = &g_sort_c->ents[*(const uint32_t *)y];
    const view *v = g_sort_v;
    if (a->period != b->period)
        return v->period_rank[a->period] < v->period_rank[b->period] ? -1 : 1;
    if (g_sort_npmi == 2 && a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->node != b->node)
        return v->node_rank[a->node] < v->node_rank[b->node] ? -1 : 1;
    return 0;
}

static void view_release(view *v)
{
    free(v->node_rank);
    free(v->period_rank);
    free(v->node_order);
    free(v->period_order);
    free(v->n_count);
    free(v->n_docs);
    free(v->n_first);
    free(v->n_last);
    free(v->p);
    free(v->e);
    memset(v, 0, sizeof *v);
}

static uint64_t ent_count(const sanctagp_cooc *c, uint32_t period, uint32_t node)
{
    long r = imap_find(&c->entmap, period, node);
    return r < 0 ? 0 : c->ents[r].count;
}

static int key_in(const sanctagp_cooc *c, char **keys, size_t n, uint32_t node)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], c->nodes.keys[node]) == 0)
            return 1;
    return 0;
}

/* Whether the output filters --with/--without keep a pair (b = a for an entity row). */
static int keys_keep(const sanctagp_cooc *c, const sanctagp_cooc_out *o, uint32_t a, uint32_t b)
{
    if (!o)
        return 1;
    if (o->nwith && !key_in(c, o->with, o->nwith, a) && !key_in(c, o->with, o->nwith, b))
        return 0;
    return !key_in(c, o->without, o->nwithout, a) && !key_in(c, o->without, o->nwithout, b);
}

/* Builds the view. `o` NULL = no filters. `entity_sort`: 0 entity rows by
 * (period, key) unfiltered; 1 by (period, count desc, key) with the filters. */
static int view_build(const sanctagp_cooc *c, const sanctagp_cooc_out *o, int entity_sort,
                      view *v)
{
    memset(v, 0, sizeof *v);
    size_t nn = c->nodes.n, npd = c->periods.n;
    v->node_rank = calloc(nn + 1, sizeof *v->node_rank);
    v->node_order = calloc(nn + 1, sizeof *v->node_order);
    v->period_rank = calloc(npd + 1, sizeof *v->period_rank);
    v->period_order = calloc(npd + 1, sizeof *v->period_order);
    v->n_count = calloc(nn + 1, sizeof *v->n_count);
    v->n_docs = calloc(nn + 1, sizeof *v->n_docs);
    v->n_first = calloc(nn + 1, sizeof *v->n_first);
    v->n_last = calloc(nn + 1, sizeof *v->n_last);
    v->p = malloc((c->npairs + 1) * sizeof *v->p);
    v->e = malloc((c->nents + 1) * sizeof *v->e);
    if (!v->node_rank || !v->node_order || !v->period_rank || !v->period_order || !v->n_count ||
        !v->n_docs || !v->n_first || !v->n_last || !v->p || !v->e) {
        view_release(v);
        return SANCTAG_E_NOMEM;
    }
    g_sort_c = c;
    g_sort_v = v;
    for (size_t i = 0; i < nn; i++)
        v->node_order[i] = (uint32_t)i;
    sort_n(v->node_order, nn, sizeof *v->node_order, cmp_node_key);
    for (size_t i = 0; i < nn; i++)
        v->node_rank[v->node_order[i]] = (uint32_t)i;
    for (size_t i = 0; i < npd; i++)
        v->period_order[i] = (uint32_t)i;
    sort_n(v->period_order, npd, sizeof *v->period_order, cmp_period_key);
    for (size_t i = 0; i < npd; i++)
        v->period_rank[v->period_order[i]] = (uint32_t)i;
    for (size_t i = 0; i < c->nents; i++) {
        const ent_row *e = &c->ents[i];
        v->n_count[e->node] += e->count;
        v->n_docs[e->node] += e->docs;
        seen(&v->n_first[e->node], &v->n_last[e->node], e->first, e->last);
    }
    uint64_t min = o && o->min_count > 1 ? o->min_count : 1;
    for (size_t i = 0; i < c->npairs; i++) {
        const pair_row *r = &c->pairs[i];
        if (r->count < min)
            continue;
        if (!keys_keep(c, o, r->a, r->b))
            continue;
        prow *p = &v->p[v->np++];
        p->row = (uint32_t)i;
        int sw = v->node_rank[r->a] > v->node_rank[r->b];
        p->a = sw ? r->b : r->a;
        p->b = sw ? r->a : r->b;
        p->ca = ent_count(c, r->period, p->a);
        p->cb = ent_count(c, r->period, p->b);
        p->npmi = npmi6(sanctagp_npmi(r->count, p->ca, p->cb, c->p_units[r->period]));
    }
    g_sort_npmi = o && o->sort_npmi;
    sort_n(v->p, v->np, sizeof *v->p, cmp_prow);
    if (o && o->top) { /* the first `top` of each period */
        size_t w = 0, run = 0;
        for (size_t i = 0; i < v->np; i++) {
            if (i && c->pairs[v->p[i].row].period != c->pairs[v->p[i - 1].row].period)
                run = 0;
            if (run++ < o->top)
                v->p[w++] = v->p[i];
        }
        v->np = w;
    }
    for (size_t i = 0; i < c->nents; i++) {
        if (entity_sort) {
            if (c->ents[i].count < min)
                continue;
            if (!keys_keep(c, o, c->ents[i].node, c->ents[i].node))
                continue;
        }
        v->e[v->ne++] = (uint32_t)i;
    }
    g_sort_npmi = entity_sort ? 2 : 0;
    sort_n(v->e, v->ne, sizeof *v->e, cmp_erow);
    if (entity_sort && o && o->top) {
        size_t w = 0, run = 0;
        for (size_t i = 0; i < v->ne; i++) {
            if (i && c->ents[v->e[i]].period != c->ents[v->e[i - 1]].period)
                run = 0;
            if (run++ < o->top)
                v->e[w++] = v->e[i];
        }
        v->ne = w;
    }
    return 0;
}

static const char *node_name(const sanctagp_cooc *c, uint32_t n)
{
    const char *s = c->ni[n].name;
    if (s)
        return s;
    return c->o.by == COOC_BY_COUNTRY ? c->nodes.keys[n] : "";
}

static const char *opt_str(const char *s)
{
    return s ? s : "";
}

static int filtered(const sanctagp_cooc_out *o)
{
    return o && (o->min_count > 1 || o->top || o->nwith || o->nwithout);
}

/* ------------------------------------------------------------------------- */
/* CSV                                                                        */

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_date(FILE *f, int32_t ymd)
{
    char b[16];
    if (ymd) {
        ymd_str(ymd, b);
        fputs(b, f);
    }
}

int sanctagp_cooc_write_csv(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o, int entities)
{
    view v;
    if (view_build(c, o, entities, &v))
        return SANCTAG_E_NOMEM;
    if (entities) {
        fputs("period,key,name,label,country,count,documents,units,total_documents,"
              "first_seen,last_seen\n", f);
        for (size_t i = 0; i < v.ne; i++) {
            const ent_row *e = &c->ents[v.e[i]];
            csv_field(f, c->periods.keys[e->period]);
            fputc(',', f);
            csv_field(f, c->nodes.keys[e->node]);
            fputc(',', f);
            csv_field(f, node_name(c, e->node));
            fputc(',', f);
            csv_field(f, opt_str(c->ni[e->node].label));
            fputc(',', f);
            csv_field(f, opt_str(c->ni[e->node].country));
            fprintf(f, ",%llu,%llu,%llu,%llu,", (unsigned long long)e->count,
                    (unsigned long long)e->docs, (unsigned long long)c->p_units[e->period],
                    (unsigned long long)c->p_docs[e->period]);
            csv_date(f, e->first);
            fputc(',', f);
            csv_date(f, e->last);
            fputc('\n', f);
        }
    } else {
        fputs("period,a,a_name,a_label,a_country,b,b_name,b_label,b_country,count,documents,"
              "a_count,b_count,units,total_documents,npmi,first_seen,last_seen\n", f);
        for (size_t i = 0; i < v.np; i++) {
            const prow *p = &v.p[i];
            const pair_row *r = &c->pairs[p->row];
            csv_field(f, c->periods.keys[r->period]);
            uint32_t ab[2] = {p->a, p->b};
            for (int k = 0; k < 2; k++) {
                fputc(',', f);
                csv_field(f, c->nodes.keys[ab[k]]);
                fputc(',', f);
                csv_field(f, node_name(c, ab[k]));
                fputc(',', f);
                csv_field(f, opt_str(c->ni[ab[k]].label));
                fputc(',', f);
                csv_field(f, opt_str(c->ni[ab[k]].country));
            }
            fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%.6f,", (unsigned long long)r->count,
                    (unsigned long long)r->docs, (unsigned long long)p->ca,
                    (unsigned long long)p->cb, (unsigned long long)c->p_units[r->period],
                    (unsigned long long)c->p_docs[r->period], p->npmi);
            csv_date(f, r->first);
            fputc(',', f);
            csv_date(f, r->last);
            fputc('\n', f);
        }
    }
    view_release(&v);
    return ferror(f) ? SANCTAG_E_IO : 0;
}

/* ------------------------------------------------------------------------- */
/* JSON Lines                                                                 */

static json_t *jdate(int32_t ymd)
{
    char b[16];
    if (!ymd)
        return json_null();
    ymd_str(ymd, b);
    return json_string(b);
}

static json_t *jstr_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static char *joined_gazetteers(const sanctagp_cooc *c)
{
    /* sorted, comma-separated: equal whatever order the inputs came in */
    size_t n = c->gaz.n, len = 1;
    char **v = malloc((n + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = c->gaz.keys[i];
        len += strlen(v[i]) + 1;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of versions */
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    char *s = malloc(len);
    if (s) {
        s[0] = 0;
        for (size_t i = 0; i < n; i++) {
            if (i)
                strcat(s, ",");
            strcat(s, v[i]);
        }
    }
    free(v);
    return s;
}

/* The self-description every JSONL and SQLite output carries. */
static json_t *meta_json(const sanctagp_cooc *c, const sanctagp_cooc_out *o)
{
    json_t *m = json_object(), *t = json_object(), *fl = json_object(), *w = json_array();
    char *gz = joined_gazetteers(c);
    if (!m || !t || !fl || !w || !gz) {
        json_decref(m);
        json_decref(t);
        json_decref(fl);
        json_decref(w);
        free(gz);
        return NULL;
    }
    json_object_set_new(m, "format", json_string(SANCTAGP_COOC_FORMAT));
    json_object_set_new(m, "format_version", json_integer(SANCTAGP_COOC_FORMAT_VERSION));
    json_object_set_new(m, "generator", json_string("sanctag " SANCTAG_VERSION));
    json_object_set_new(m, "window", json_string(window_names[c->o.window]));
    json_object_set_new(m, "tokens", json_integer(c->o.window == COOC_WIN_TOKENS ? c->o.tokens : 0));
    json_object_set_new(m, "unit",
                        json_string(c->o.window == COOC_WIN_SENTENCE ? "sentence" : "document"));
    json_object_set_new(m, "by", json_string(by_names[c->o.by]));
    json_object_set_new(m, "period", json_string(period_names[c->o.period]));
    json_object_set_new(m, "date_field", json_string(c->o.date_field));
    json_object_set_new(m, "date_order", json_string(order_names[c->o.date_order]));
    json_object_set_new(m, "labels", json_string(c->o.labels));
    json_object_set_new(m, "gazetteer", json_string(gz));
    json_object_set_new(m, "complete", json_boolean(!filtered(o)));
    json_object_set_new(m, "documents_listed", json_boolean(c->o.documents));
    json_object_set_new(fl, "min_count", json_integer(o && o->min_count > 1 ? (json_int_t)o->min_count : 1));
    json_object_set_new(fl, "top", json_integer(o ? (json_int_t)o->top : 0));
    json_object_set_new(fl, "sort", json_string(o && o->sort_npmi ? "npmi" : "count"));
    for (size_t i = 0; o && i < o->nwith; i++)
        json_array_append_new(w, json_string(o->with[i]));
    json_object_set_new(fl, "with", w);
    json_t *wo = json_array();
    for (size_t i = 0; wo && o && i < o->nwithout; i++)
        json_array_append_new(wo, json_string(o->without[i]));
    json_object_set_new(fl, "without", wo);
    json_object_set_new(m, "filters", fl);
    sanctagp_cooc_totals tt = c->t;
    for (size_t i = 0; i < NTOTALS; i++)
        json_object_set_new(t, total_fields[i].name, json_integer((json_int_t)*total_at(&tt, i)));
    json_object_set_new(m, "totals", t);
    json_object_set_new(m, "periods", json_integer((json_int_t)c->periods.n));
    json_object_set_new(m, "entities", json_integer((json_int_t)c->nodes.n));
    json_object_set_new(m, "pairs", json_integer((json_int_t)c->npairs));
    free(gz);
    return m;
}

static int put_json(FILE *f, json_t *j)
{
    if (!j)
        return SANCTAG_E_NOMEM;
    int rc = json_dumpf(j, f, JSON_COMPACT | JSON_REAL_PRECISION(15)) ? SANCTAG_E_IO : 0;
    json_decref(j);
    if (!rc && fputc('\n', f) == EOF)
        rc = SANCTAG_E_IO;
    return rc;
}

static json_t *period_json(const sanctagp_cooc *c, uint32_t p)
{
    const char *key = c->periods.keys[p];
    int32_t first, last;
    period_bounds(key, &first, &last);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string("period"));
    json_object_set_new(o, "period", json_string(key));
    json_object_set_new(o, "start", jdate(first));
    json_object_set_new(o, "end", jdate(last));
    json_object_set_new(o, "units", json_integer((json_int_t)c->p_units[p]));
    json_object_set_new(o, "documents", json_integer((json_int_t)c->p_docs[p]));
    return o;
}

static json_t *entity_json(const sanctagp_cooc *c, const ent_row *e)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string("entity"));
    json_object_set_new(o, "period", json_string(c->periods.keys[e->period]));
    json_object_set_new(o, "key", json_string(c->nodes.keys[e->node]));
    json_object_set_new(o, "name", json_string(node_name(c, e->node)));
    json_object_set_new(o, "label", jstr_or_null(c->ni[e->node].label));
    json_object_set_new(o, "country", jstr_or_null(c->ni[e->node].country));
    json_object_set_new(o, "count", json_integer((json_int_t)e->count));
    json_object_set_new(o, "documents", json_integer((json_int_t)e->docs));
    json_object_set_new(o, "first_seen", jdate(e->first));
    json_object_set_new(o, "last_seen", jdate(e->last));
    return o;
}

static json_t *pair_json(const sanctagp_cooc *c, const prow *p)
{
    const pair_row *r = &c->pairs[p->row];
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string("pair"));
    json_object_set_new(o, "period", json_string(c->periods.keys[r->period]));
    const char *pre[2] = {"a", "b"};
    uint32_t ab[2] = {p->a, p->b};
    for (int k = 0; k < 2; k++) {
        char name[16];
        json_object_set_new(o, pre[k], json_string(c->nodes.keys[ab[k]]));
        snprintf(name, sizeof name, "%s_name", pre[k]);
        json_object_set_new(o, name, json_string(node_name(c, ab[k])));
        snprintf(name, sizeof name, "%s_label", pre[k]);
        json_object_set_new(o, name, jstr_or_null(c->ni[ab[k]].label));
        snprintf(name, sizeof name, "%s_country", pre[k]);
        json_object_set_new(o, name, jstr_or_null(c->ni[ab[k]].country));
    }
    json_object_set_new(o, "count", json_integer((json_int_t)r->count));
    json_object_set_new(o, "documents", json_integer((json_int_t)r->docs));
    json_object_set_new(o, "a_count", json_integer((json_int_t)p->ca));
    json_object_set_new(o, "b_count", json_integer((json_int_t)p->cb));
    json_object_set_new(o, "units", json_integer((json_int_t)c->p_units[r->period]));
    json_object_set_new(o, "total_documents", json_integer((json_int_t)c->p_docs[r->period]));
    json_object_set_new(o, "npmi", json_real(p->npmi));
    json_object_set_new(o, "first_seen", jdate(r->first));
    json_object_set_new(o, "last_seen", jdate(r->last));
    return o;
}

int sanctagp_cooc_doc_sink_jsonl(void *file, const sanctagp_cooc_doc *d)
{
    json_t *o = json_object(), *ents = json_array(), *pairs = json_array();
    if (!o || !ents || !pairs) {
        json_decref(o);
        json_decref(ents);
        json_decref(pairs);
        return SANCTAG_E_NOMEM;
    }
    json_object_set_new(o, "type", json_string("document"));
    json_object_set_new(o, "doc", json_integer((json_int_t)d->doc));
    json_object_set(o, "id", d->id ? d->id : json_null());
    json_object_set_new(o, "date", d->date ? json_string(d->date) : json_null());
    json_object_set_new(o, "date_raw", d->date_raw ? json_string(d->date_raw) : json_null());
    json_object_set_new(o, "period", json_string(d->period));
    json_object_set_new(o, "units", json_integer((json_int_t)d->units));
    json_object_set_new(o, "error", d->error ? json_string(d->error) : json_null());
    for (size_t i = 0; i < d->nent; i++)
        json_array_append_new(ents, json_pack("[sI]", d->ent[i].key, (json_int_t)d->ent[i].units));
    for (size_t i = 0; i < d->npair; i++)
        json_array_append_new(pairs, json_pack("[ssI]", d->pair[i].a, d->pair[i].b,
                                               (json_int_t)d->pair[i].units));
    json_object_set_new(o, "entities", ents);
    json_object_set_new(o, "pairs", pairs);
    return put_json(file, o);
}

int sanctagp_cooc_write_jsonl(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                              FILE *doc_spool)
{
    view v;
    if (view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    int rc = 0;
    json_t *m = meta_json(c, o);
    if (m) {
        json_t *typed = json_object();
        if (typed) {
            json_object_set_new(typed, "type", json_string("meta"));
            json_object_update(typed, m);
        }
        json_decref(m);
        rc = put_json(f, typed);
    } else {
        rc = SANCTAG_E_NOMEM;
    }
    for (size_t i = 0; !rc && i < c->periods.n; i++)
        rc = put_json(f, period_json(c, v.period_order[i]));
    for (size_t i = 0; !rc && i < v.ne; i++)
        rc = put_json(f, entity_json(c, &c->ents[v.e[i]]));
    for (size_t i = 0; !rc && i < v.np; i++)
        rc = put_json(f, pair_json(c, &v.p[i]));
    if (!rc && doc_spool) {
        char buf[65536];
        size_t n;
        if (fflush(doc_spool) || fseek(doc_spool, 0, SEEK_SET))
            rc = SANCTAG_E_IO;
        while (!rc && (n = fread(buf, 1, sizeof buf, doc_spool)) > 0)
            if (fwrite(buf, 1, n, f) != n)
                rc = SANCTAG_E_IO;
        if (!rc && ferror(doc_spool))
            rc = SANCTAG_E_IO;
    }
    view_release(&v);
    if (!rc && ferror(f))
        rc = SANCTAG_E_IO;
    return rc;
}

/* ------------------------------------------------------------------------- */
/* GraphML and GEXF                                                           */

/* Writes `s` escaped for XML text and attribute values; characters XML 1.0
 * cannot carry (C0 controls but tab, newline, carriage return) are dropped. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\t': fputs("&#9;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if (ch >= 0x20)
                fputc(ch, f);
        }
    }
}

static void gml_data(FILE *f, const char *key, const char *val)
{
    if (!val || !*val)
        return;
    fprintf(f, "      <data key=\"%s\">", key);
    xml_text(f, val);
    fputs("</data>\n", f);
}

static void gml_num(FILE *f, const char *key, uint64_t v)
{
    fprintf(f, "      <data key=\"%s\">%llu</data>\n", key, (unsigned long long)v);
}

static const char *date_or_null(int32_t ymd, char buf[16])
{
    if (!ymd)
        return NULL;
    ymd_str(ymd, buf);
    return buf;
}

/* Marks the nodes at either end of a kept edge. */
static unsigned char *edge_nodes(const sanctagp_cooc *c, const view *v)
{
    unsigned char *used = calloc(c->nodes.n + 1, 1);
    if (!used)
        return NULL;
    for (size_t i = 0; i < v->np; i++)
        used[v->p[i].a] = used[v->p[i].b] = 1;
    return used;
}

int sanctagp_cooc_write_graphml(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o)
{
    if (c->o.period != COOC_PER_NONE)
        return SANCTAG_E_INVALID;
    view v;
    if (view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    unsigned char *used = edge_nodes(c, &v);
    if (!used) {
        view_release(&v);
        return SANCTAG_E_NOMEM;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
          "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
          "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
          "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
          "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
          "  <key id=\"country\" for=\"node\" attr.name=\"country\" attr.type=\"string\"/>\n"
          "  <key id=\"count\" for=\"node\" attr.name=\"count\" attr.type=\"long\"/>\n"
          "  <key id=\"n_documents\" for=\"node\" attr.name=\"documents\" attr.type=\"long\"/>\n"
          "  <key id=\"n_first_seen\" for=\"node\" attr.name=\"first_seen\" attr.type=\"string\"/>\n"
          "  <key id=\"n_last_seen\" for=\"node\" attr.name=\"last_seen\" attr.type=\"string\"/>\n"
          "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
          "  <key id=\"e_documents\" for=\"edge\" attr.name=\"documents\" attr.type=\"long\"/>\n"
          "  <key id=\"npmi\" for=\"edge\" attr.name=\"npmi\" attr.type=\"double\"/>\n"
          "  <key id=\"e_first_seen\" for=\"edge\" attr.name=\"first_seen\" attr.type=\"string\"/>\n"
          "  <key id=\"e_last_seen\" for=\"edge\" attr.name=\"last_seen\" attr.type=\"string\"/>\n",
          f);
    fprintf(f, "  <graph id=\"cooccur\" edgedefault=\"undirected\">\n");
    char d1[16], d2[16];
    for (size_t k = 0; k < c->nodes.n; k++) {
        uint32_t n = v.node_order[k];
        if (!used[n])
            continue;
        fputs("    <node id=\"", f);
        xml_text(f, c->nodes.keys[n]);
        fputs("\">\n", f);
        gml_data(f, "label", node_name(c, n));
        gml_data(f, "type", c->ni[n].label);
        gml_data(f, "country", c->ni[n].country);
        gml_num(f, "count", v.n_count[n]);
        gml_num(f, "n_documents", v.n_docs[n]);
        gml_data(f, "n_first_seen", date_or_null(v.n_first[n], d1));
        gml_data(f, "n_last_seen", date_or_null(v.n_last[n], d2));
        fputs("    </node>\n", f);
    }
    for (size_t i = 0; i < v.np; i++) {
        const prow *p = &v.p[i];
        const pair_row *r = &c->pairs[p->row];
        fprintf(f, "    <edge id=\"e%zu\" source=\"", i);
        xml_text(f, c->nodes.keys[p->a]);
        fputs("\" target=\"", f);
        xml_text(f, c->nodes.keys[p->b]);
        fputs("\">\n", f);
        gml_num(f, "weight", r->count);
        gml_num(f, "e_documents", r->docs);
        fprintf(f, "      <data key=\"npmi\">%.6f</data>\n", p->npmi);
        gml_data(f, "e_first_seen", date_or_null(r->first, d1));
        gml_data(f, "e_last_seen", date_or_null(r->last, d2));
        fputs("    </edge>\n", f);
    }
    fputs("  </graph>\n</graphml>\n", f);
    free(used);
    view_release(&v);
    return ferror(f) ? SANCTAG_E_IO : 0;
}

static void gexf_att(FILE *f, const char *indent, const char *id, const char *val)
{
    if (!val || !*val)
        return;
    fprintf(f, "%s<attvalue for=\"%s\" value=\"", indent, id);
    xml_text(f, val);
    fputs("\"/>\n", f);
}

static void gexf_span(FILE *f, int32_t first, int32_t last)
{
    char a[16], b[16];
    ymd_str(first, a);
    ymd_str(last, b);
    fprintf(f, " start=\"%s\" end=\"%s\"", a, b);
}

static int cmp_prow_ab(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    const view *v = g_sort_v;
    if (a->a != b->a)
        return v->node_rank[a->a] < v->node_rank[b->a] ? -1 : 1;
    if (a->b != b->b)
        return v->node_rank[a->b] < v->node_rank[b->b] ? -1 : 1;
    uint32_t pa = g_sort_c->pairs[a->row].period, pb = g_sort_c->pairs[b->row].period;
    return v->period_rank[pa] < v->period_rank[pb] ? -1 : v->period_rank[pa] > v->period_rank[pb];
}

int sanctagp_cooc_write_gexf(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                             uint64_t *ret_unknown_docs)
{
    int dyn = c->o.period != COOC_PER_NONE;
    view v;
    if (view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    /* dynamic graphs only place dated periods on the timeline */
    uint64_t unknown_docs = 0;
    long unknown = strmap_find(&c->periods, "unknown");
    if (dyn && unknown >= 0) {
        unknown_docs = c->p_docs[unknown];
        size_t w = 0;
        for (size_t i = 0; i < v.np; i++)
            if (c->pairs[v.p[i].row].period != (uint32_t)unknown)
                v.p[w++] = v.p[i];
        v.np = w;
    }
    if (ret_unknown_docs)
        *ret_unknown_docs = unknown_docs;
    unsigned char *used = edge_nodes(c, &v);
    if (!used) {
        view_release(&v);
        return SANCTAG_E_NOMEM;
    }
    g_sort_c = c;
    g_sort_v = &v;
    sort_n(v.p, v.np, sizeof *v.p, cmp_prow_ab); /* group each edge's periods */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<gexf xmlns=\"http://gexf.net/1.3\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "    xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
          "version=\"1.3\">\n"
          "  <meta>\n    <creator>sanctag " SANCTAG_VERSION "</creator>\n",
          f);
    fprintf(f, "    <description>entity co-occurrence: window %s, by %s, period %s</description>\n"
               "  </meta>\n",
            window_names[c->o.window], by_names[c->o.by], period_names[c->o.period]);
    if (dyn)
        fputs("  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"date\" "
              "timerepresentation=\"interval\">\n", f);
    else
        fputs("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n", f);
    fputs("    <attributes class=\"node\" mode=\"static\">\n"
          "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
          "      <attribute id=\"country\" title=\"country\" type=\"string\"/>\n", f);
    if (!dyn)
        fputs("      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
              "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n", f);
    fputs("      <attribute id=\"first_seen\" title=\"first_seen\" type=\"string\"/>\n"
          "      <attribute id=\"last_seen\" title=\"last_seen\" type=\"string\"/>\n"
          "    </attributes>\n", f);
    if (dyn)
        fputs("    <attributes class=\"node\" mode=\"dynamic\">\n"
              "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
              "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n"
              "    </attributes>\n", f);
    fprintf(f, "    <attributes class=\"edge\" mode=\"%s\">\n"
               "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
               "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n"
               "      <attribute id=\"npmi\" title=\"npmi\" type=\"double\"/>\n",
            dyn ? "dynamic" : "static");
    if (!dyn)
        fputs("      <attribute id=\"first_seen\" title=\"first_seen\" type=\"string\"/>\n"
              "      <attribute id=\"last_seen\" title=\"last_seen\" type=\"string\"/>\n", f);
    fputs("    </attributes>\n    <nodes>\n", f);
    char d1[16], d2[16], num[32];
    /* node rows per period, for dynamic graphs: v.e is in (period, key) order */
    for (size_t k = 0; k < c->nodes.n; k++) {
        uint32_t n = v.node_order[k];
        if (!used[n])
            continue;
        fputs("      <node id=\"", f);
        xml_text(f, c->nodes.keys[n]);
        fputs("\" label=\"", f);
        xml_text(f, node_name(c, n));
        fputs("\">\n        <attvalues>\n", f);
        gexf_att(f, "          ", "type", c->ni[n].label);
        gexf_att(f, "          ", "country", c->ni[n].country);
        gexf_att(f, "          ", "first_seen", date_or_null(v.n_first[n], d1));
        gexf_att(f, "          ", "last_seen", date_or_null(v.n_last[n], d2));
        if (!dyn) {
            snprintf(num, sizeof num, "%llu", (unsigned long long)v.n_count[n]);
            gexf_att(f, "          ", "count", num);
            snprintf(num, sizeof num, "%llu", (unsigned long long)v.n_docs[n]);
            gexf_att(f, "          ", "documents", num);
            fputs("        </attvalues>\n", f);
        } else {
            for (size_t p = 0; p < c->periods.n; p++) {
                uint32_t per = v.period_order[p];
                long r = imap_find(&c->entmap, per, n);
                int32_t a, b;
                period_bounds(c->periods.keys[per], &a, &b);
                if (r < 0 || !a)
                    continue;
                fprintf(f, "          <attvalue for=\"count\" value=\"%llu\"",
                        (unsigned long long)c->ents[r].count);
                gexf_span(f, a, b);
                fprintf(f, "/>\n          <attvalue for=\"documents\" value=\"%llu\"",
                        (unsigned long long)c->ents[r].docs);
                gexf_span(f, a, b);
                fputs("/>\n", f);
            }
            fputs("        </attvalues>\n        <spells>\n", f);
            for (size_t p = 0; p < c->periods.n; p++) {
                uint32_t per = v.period_order[p];
                int32_t a, b;
                period_bounds(c->periods.keys[per], &a, &b);
                if (!a || imap_find(&c->entmap, per, n) < 0)
                    continue;
                fputs("          <spell", f);
                gexf_span(f, a, b);
                fputs("/>\n", f);
            }
            fputs("        </spells>\n", f);
        }
        fputs("      </node>\n", f);
    }
    fputs("    </nodes>\n    <edges>\n", f);
    size_t eid = 0;
    for (size_t i = 0; i < v.np;) {
        size_t j = i;
        while (j < v.np && v.p[j].a == v.p[i].a && v.p[j].b == v.p[i].b)
            j++;
        fprintf(f, "      <edge id=\"%zu\" source=\"", eid++);
        xml_text(f, c->nodes.keys[v.p[i].a]);
        fputs("\" target=\"", f);
        xml_text(f, c->nodes.keys[v.p[i].b]);
        if (!dyn) {
            const pair_row *r = &c->pairs[v.p[i].row];
            fprintf(f, "\" weight=\"%llu\">\n        <attvalues>\n", (unsigned long long)r->count);
            snprintf(num, sizeof num, "%llu", (unsigned long long)r->count);
            gexf_att(f, "          ", "count", num);
            snprintf(num, sizeof num, "%llu", (unsigned long long)r->docs);
            gexf_att(f, "          ", "documents", num);
            snprintf(num, sizeof num, "%.6f", v.p[i].npmi);
            gexf_att(f, "          ", "npmi", num);
            gexf_att(f, "          ", "first_seen", date_or_null(r->first, d1));
            gexf_att(f, "          ", "last_seen", date_or_null(r->last, d2));
            fputs("        </attvalues>\n", f);
        } else {
            fputs("\">\n        <attvalues>\n", f);
            for (size_t k = i; k < j; k++) {
                const pair_row *r = &c->pairs[v.p[k].row];
                int32_t a, b;
                period_bounds(c->periods.keys[r->period], &a, &b);
                static const char *const ids[] = {"weight", "count", "documents", "npmi"};
                for (int q = 0; q < 4; q++) {
                    if (q == 3)
                        fprintf(f, "          <attvalue for=\"npmi\" value=\"%.6f\"", v.p[k].npmi);
                    else
                        fprintf(f, "          <attvalue for=\"%s\" value=\"%llu\"", ids[q],
                                (unsigned long long)(q == 2 ? r->docs : r->count));
                    gexf_span(f, a, b);
                    fputs("/>\n", f);
                }
            }
            fputs("        </attvalues>\n        <spells>\n", f);
            for (size_t k = i; k < j; k++) {
                int32_t a, b;
                period_bounds(c->periods.keys[c->pairs[v.p[k].row].period], &a, &b);
                fputs("          <spell", f);
                gexf_span(f, a, b);
                fputs("/>\n", f);
            }
            fputs("        </spells>\n", f);
        }
        fputs("      </edge>\n", f);
        i = j;
    }
    fputs("    </edges>\n  </graph>\n</gexf>\n", f);
    free(used);
    view_release(&v);
    return ferror(f) ? SANCTAG_E_IO : 0;
}

/* ------------------------------------------------------------------------- */
/* SQLite                                                                     */

struct sanctagp_cooc_sqlite {
    sqlite3 *db;
    sqlite3_stmt *doc, *dent, *dpair;
};

static const char schema_sql[] =
    "PRAGMA journal_mode=OFF;\n"
    "PRAGMA synchronous=OFF;\n"
    "PRAGMA user_version=1;\n"
    "BEGIN;\n"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);\n"
    "CREATE TABLE periods(period TEXT PRIMARY KEY, start TEXT, end TEXT, units INTEGER,\n"
    "  documents INTEGER);\n"
    "CREATE TABLE entities(key TEXT PRIMARY KEY, name TEXT, label TEXT, country TEXT,\n"
    "  count INTEGER, documents INTEGER, first_seen TEXT, last_seen TEXT);\n"
    "CREATE TABLE entity_periods(period TEXT REFERENCES periods(period),\n"
    "  entity TEXT REFERENCES entities(key), count INTEGER, documents INTEGER,\n"
    "  first_seen TEXT, last_seen TEXT, PRIMARY KEY(period, entity));\n"
    "CREATE TABLE pairs(period TEXT REFERENCES periods(period),\n"
    "  a TEXT REFERENCES entities(key), a_name TEXT, a_label TEXT, a_country TEXT,\n"
    "  b TEXT REFERENCES entities(key), b_name TEXT, b_label TEXT, b_country TEXT,\n"
    "  count INTEGER, documents INTEGER, a_count INTEGER, b_count INTEGER, units INTEGER,\n"
    "  total_documents INTEGER, npmi REAL, first_seen TEXT, last_seen TEXT,\n"
    "  PRIMARY KEY(period, a, b));\n"
    "CREATE TABLE documents(doc INTEGER PRIMARY KEY, id, date TEXT, date_raw TEXT,\n"
    "  period TEXT REFERENCES periods(period), units INTEGER, error TEXT);\n"
    "CREATE TABLE document_entities(doc INTEGER REFERENCES documents(doc),\n"
    "  entity TEXT REFERENCES entities(key), units INTEGER, PRIMARY KEY(doc, entity));\n"
    "CREATE TABLE document_pairs(doc INTEGER REFERENCES documents(doc),\n"
    "  a TEXT REFERENCES entities(key), b TEXT REFERENCES entities(key), units INTEGER,\n"
    "  PRIMARY KEY(doc, a, b));\n";

static const char index_sql[] =
    "CREATE INDEX pairs_a ON pairs(a);\n"
    "CREATE INDEX pairs_b ON pairs(b);\n"
    "CREATE INDEX pairs_period_count ON pairs(period, count DESC);\n"
    "CREATE INDEX pairs_npmi ON pairs(npmi);\n"
    "CREATE INDEX entities_label ON entities(label);\n"
    "CREATE INDEX entities_count ON entities(count DESC);\n"
    "CREATE INDEX entity_periods_entity ON entity_periods(entity);\n"
    "CREATE INDEX documents_id ON documents(id);\n"
    "CREATE INDEX documents_period ON documents(period);\n"
    "CREATE INDEX document_entities_entity ON document_entities(entity);\n"
    "CREATE INDEX document_pairs_ab ON document_pairs(a, b);\n"
    "CREATE INDEX document_pairs_b ON document_pairs(b);\n";

static int db_fail(sqlite3 *db, sanctag_error *err, const char *what)
{
    set_err(err, SANCTAG_E_DB, NULL, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return SANCTAG_E_DB;
}

void sanctagp_cooc_sqlite_close(sanctagp_cooc_sqlite *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->doc);
    sqlite3_finalize(w->dent);
    sqlite3_finalize(w->dpair);
    sqlite3_close(w->db);
    free(w);
}

int sanctagp_cooc_sqlite_open(const char *path, sanctagp_cooc_sqlite **ret, sanctag_error *err)
{
    sanctagp_cooc_sqlite *w = calloc(1, sizeof *w);
    if (!w)
        return SANCTAG_E_NOMEM;
    if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(w->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO documents VALUES(?,?,?,?,?,?,?)", -1, &w->doc,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO document_entities VALUES(?,?,?)", -1, &w->dent,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO document_pairs VALUES(?,?,?,?)", -1, &w->dpair,
                           NULL) != SQLITE_OK) {
        int rc = db_fail(w->db, err, path);
        sanctagp_cooc_sqlite_close(w);
        return rc;
    }
    *ret = w;
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
    if (!v || json_is_null(v)) {
        sqlite3_bind_null(st, i);
    } else if (json_is_string(v)) {
        sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_TRANSIENT);
    } else if (json_is_integer(v)) {
        sqlite3_bind_int64(st, i, json_integer_value(v));
    } else if (json_is_real(v)) {
        sqlite3_bind_double(st, i, json_real_value(v));
    } else if (json_is_boolean(v)) {
        sqlite3_bind_int(st, i, json_is_true(v));
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s)
            sqlite3_bind_text(st, i, s, -1, free);
        else
            sqlite3_bind_null(st, i);
    }
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : SANCTAG_E_DB;
}

int sanctagp_cooc_sqlite_doc_sink(void *data, const sanctagp_cooc_doc *d)
{
    sanctagp_cooc_sqlite *w = data;
    sqlite3_bind_int64(w->doc, 1, (sqlite3_int64)d->doc);
    bind_json(w->doc, 2, d->id);
    bind_text(w->doc, 3, d->date);
    bind_text(w->doc, 4, d->date_raw);
    bind_text(w->doc, 5, d->period);
    sqlite3_bind_int64(w->doc, 6, (sqlite3_int64)d->units);
    bind_text(w->doc, 7, d->error);
    if (step_done(w->doc))
        return SANCTAG_E_DB;
    for (size_t i = 0; i < d->nent; i++) {
        sqlite3_bind_int64(w->dent, 1, (sqlite3_int64)d->doc);
        bind_text(w->dent, 2, d->ent[i].key);
        sqlite3_bind_int64(w->dent, 3, (sqlite3_int64)d->ent[i].units);
        if (step_done(w->dent))
            return SANCTAG_E_DB;
    }
    for (size_t i = 0; i < d->npair; i++) {
        sqlite3_bind_int64(w->dpair, 1, (sqlite3_int64)d->doc);
        bind_text(w->dpair, 2, d->pair[i].a);
        bind_text(w->dpair, 3, d->pair[i].b);
        sqlite3_bind_int64(w->dpair, 4, (sqlite3_int64)d->pair[i].units);
        if (step_done(w->dpair))
            return SANCTAG_E_DB;
    }
    return 0;
}

/* meta rows: nested objects flattened as "totals.documents", arrays as JSON text. */
static int meta_rows(sqlite3_stmt *st, json_t *obj, const char *prefix)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        char key[256];
        snprintf(key, sizeof key, "%.100s%.100s", prefix, k);
        if (json_is_object(v)) {
            char pre[128];
            snprintf(pre, sizeof pre, "%.100s.", key);
            if (meta_rows(st, v, pre))
                return SANCTAG_E_DB;
            continue;
        }
        bind_text(st, 1, key);
        if (json_is_array(v))
            bind_json(st, 2, v);
        else if (json_is_boolean(v))
            sqlite3_bind_int(st, 2, json_is_true(v));
        else
            bind_json(st, 2, v);
        if (step_done(st))
            return SANCTAG_E_DB;
    }
    return 0;
}

static void bind_date(sqlite3_stmt *st, int i, int32_t ymd)
{
    char b[16];
    bind_text(st, i, date_or_null(ymd, b));
}

int sanctagp_cooc_sqlite_finish(sanctagp_cooc *c, sanctagp_cooc_sqlite *w,
                                const sanctagp_cooc_out *o, sanctag_error *err)
{
    sqlite3 *db = w->db;
    view v;
    if (view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    json_t *m = meta_json(c, o);
    if (!m) {
        rc = SANCTAG_E_NOMEM;
        goto out;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?,?)", -1, &st, NULL) != SQLITE_OK ||
        meta_rows(st, m, "")) {
        rc = db_fail(db, err, "meta");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO periods VALUES(?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, err, "periods");
        goto out;
    }
    for (size_t i = 0; i < c->periods.n; i++) {
        uint32_t p = v.period_order[i];
        int32_t a, b;
        period_bounds(c->periods.keys[p], &a, &b);
        bind_text(st, 1, c->periods.keys[p]);
        bind_date(st, 2, a);
        bind_date(st, 3, b);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)c->p_units[p]);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)c->p_docs[p]);
        if (step_done(st)) {
            rc = db_fail(db, err, "periods");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO entities VALUES(?,?,?,?,?,?,?,?)", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "entities");
        goto out;
    }
    for (size_t i = 0; i < c->nodes.n; i++) {
        uint32_t n = v.node_order[i];
        bind_text(st, 1, c->nodes.keys[n]);
        bind_text(st, 2, node_name(c, n));
        bind_text(st, 3, c->ni[n].label);
        bind_text(st, 4, c->ni[n].country);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)v.n_count[n]);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)v.n_docs[n]);
        bind_date(st, 7, v.n_first[n]);
        bind_date(st, 8, v.n_last[n]);
        if (step_done(st)) {
            rc = db_fail(db, err, "entities");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO entity_periods VALUES(?,?,?,?,?,?)", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "entity_periods");
        goto out;
    }
    for (size_t i = 0; i < v.ne; i++) {
        const ent_row *e = &c->ents[v.e[i]];
        bind_text(st, 1, c->periods.keys[e->period]);
        bind_text(st, 2, c->nodes.keys[e->node]);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)e->count);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)e->docs);
        bind_date(st, 5, e->first);
        bind_date(st, 6, e->last);
        if (step_done(st)) {
            rc = db_fail(db, err, "entity_periods");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO pairs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, err, "pairs");
        goto out;
    }
    for (size_t i = 0; i < v.np; i++) {
        const prow *p = &v.p[i];
        const pair_row *r = &c->pairs[p->row];
        uint32_t ab[2] = {p->a, p->b};
        bind_text(st, 1, c->periods.keys[r->period]);
        for (int k = 0; k < 2; k++) {
            bind_text(st, 2 + 4 * k, c->nodes.keys[ab[k]]);
            bind_text(st, 3 + 4 * k, node_name(c, ab[k]));
            bind_text(st, 4 + 4 * k, c->ni[ab[k]].label);
            bind_text(st, 5 + 4 * k, c->ni[ab[k]].country);
        }
        sqlite3_bind_int64(st, 10, (sqlite3_int64)r->count);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)r->docs);
        sqlite3_bind_int64(st, 12, (sqlite3_int64)p->ca);
        sqlite3_bind_int64(st, 13, (sqlite3_int64)p->cb);
        sqlite3_bind_int64(st, 14, (sqlite3_int64)c->p_units[r->period]);
        sqlite3_bind_int64(st, 15, (sqlite3_int64)c->p_docs[r->period]);
        sqlite3_bind_double(st, 16, p->npmi);
        bind_date(st, 17, r->first);
        bind_date(st, 18, r->last);
        if (step_done(st)) {
            rc = db_fail(db, err, "pairs");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(db, index_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(db, err, "commit");
out:
    sqlite3_finalize(st);
    json_decref(m);
    view_release(&v);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Merging partial outputs                                                    */

static int enum_field(json_t *m, const char *field, const char *const *names, size_t n,
                      int *ret, const char *src, sanctag_error *err)
{
    int i = name_index(names, n, json_string_value(json_object_get(m, field)));
    if (i < 0) {
        set_err(err, SANCTAG_E_FORMAT, src, "%s: meta field '%s' is missing or unknown", src,
                field);
        return SANCTAG_E_FORMAT;
    }
    *ret = i;
    return 0;
}

static int opts_from_meta(json_t *m, sanctagp_cooc_opts *o, const char *src, sanctag_error *err)
{
    memset(o, 0, sizeof *o);
    const char *fmt = json_string_value(json_object_get(m, "format"));
    if (!fmt || strcmp(fmt, SANCTAGP_COOC_FORMAT) != 0) {
        set_err(err, SANCTAG_E_FORMAT, src,
                "%s: not a 'sanctag cooccur' JSONL or SQLite output", src);
        return SANCTAG_E_FORMAT;
    }
    json_int_t ver = json_integer_value(json_object_get(m, "format_version"));
    if (ver != SANCTAGP_COOC_FORMAT_VERSION) {
        set_err(err, SANCTAG_E_FORMAT, src, "%s: format version %lld is not supported (this is %d)",
                src, (long long)ver, SANCTAGP_COOC_FORMAT_VERSION);
        return SANCTAG_E_FORMAT;
    }
    json_t *complete = json_object_get(m, "complete");
    if (!json_is_true(complete) && !(json_is_integer(complete) && json_integer_value(complete) == 1)) {
        json_t *fl = json_object_get(m, "filters");
        set_err(err, SANCTAG_E_INVALID, src,
                "%s: was written with output filters (--min-count, --top, --with or --without%s): its "
                "counts are incomplete and cannot be merged exactly; write shards without filters "
                "and apply them to the merge",
                src, json_is_object(fl) ? "" : "");
        return SANCTAG_E_INVALID;
    }
    int rc;
    if ((rc = enum_field(m, "window", window_names, 3, &o->window, src, err)) ||
        (rc = enum_field(m, "by", by_names, 2, &o->by, src, err)) ||
        (rc = enum_field(m, "period", period_names, 5, &o->period, src, err)) ||
        (rc = enum_field(m, "date_order", order_names, 3, &o->date_order, src, err)))
        return rc;
    o->tokens = (unsigned)json_integer_value(json_object_get(m, "tokens"));
    const char *df = json_string_value(json_object_get(m, "date_field"));
    const char *lb = json_string_value(json_object_get(m, "labels"));
    if (!df || !lb || strlen(df) >= sizeof o->date_field || strlen(lb) >= sizeof o->labels) {
        set_err(err, SANCTAG_E_FORMAT, src, "%s: meta fields date_field/labels are missing", src);
        return SANCTAG_E_FORMAT;
    }
    strcpy(o->date_field, df);
    strcpy(o->labels, lb);
    json_t *dl = json_object_get(m, "documents_listed");
    o->documents = json_is_true(dl) || (json_is_integer(dl) && json_integer_value(dl) == 1);
    return 0;
}

const char *sanctagp_cooc_opts_diff(const sanctagp_cooc_opts *a, const sanctagp_cooc_opts *b)
{
    if (a->window != b->window || a->tokens != b->tokens)
        return "window";
    if (a->by != b->by)
        return "by";
    if (a->period != b->period)
        return "period";
    if (a->date_order != b->date_order)
        return "date-order";
    if (strcmp(a->date_field, b->date_field) != 0)
        return "date-field";
    if (strcmp(a->labels, b->labels) != 0)
        return "label";
    return NULL;
}

static int is_sqlite_file(const char *path, int *ret)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char head[16] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    *ret = n == 16 && memcmp(head, "SQLite format 3", 16) == 0;
    return 0;
}

/* Reads the meta table of an SQLite output back into the JSON shape. */
static json_t *sqlite_meta(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    json_t *m = json_object();
    while (m && sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (!key)
            continue;
        json_t *val;
        switch (sqlite3_column_type(st, 1)) {
        case SQLITE_INTEGER: val = json_integer(sqlite3_column_int64(st, 1)); break;
        case SQLITE_FLOAT: val = json_real(sqlite3_column_double(st, 1)); break;
        case SQLITE_TEXT: val = json_string((const char *)sqlite3_column_text(st, 1)); break;
        default: val = json_null();
        }
        const char *dot = strchr(key, '.');
        if (dot) {
            char outer[128];
            snprintf(outer, sizeof outer, "%.*s", (int)(dot - key), key);
            json_t *sub = json_object_get(m, outer);
            if (!sub) {
                sub = json_object();
                json_object_set_new(m, outer, sub);
            }
            json_object_set_new(sub, dot + 1, val);
        } else {
            json_object_set_new(m, key, val);
        }
    }
    sqlite3_finalize(st);
    return m;
}

/* Opens `path` and returns its meta object (new reference) and, for SQLite,
 * the open database. */
static int open_partial(const char *path, json_t **ret_meta, sqlite3 **ret_db, FILE **ret_f,
                        long *ret_line, sanctag_error *err)
{
    int issql;
    *ret_db = NULL;
    *ret_f = NULL;
    *ret_meta = NULL;
    if (is_sqlite_file(path, &issql)) {
        set_err(err, SANCTAG_E_NOTFOUND, path, "%s: cannot open: %s", path, strerror(errno));
        return SANCTAG_E_NOTFOUND;
    }
    if (issql) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            set_err(err, SANCTAG_E_DB, path, "%s: %s", path, sqlite3_errmsg(db));
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
        json_t *m = sqlite_meta(db);
        if (!m) {
            set_err(err, SANCTAG_E_FORMAT, path,
                    "%s: an SQLite database, but not a 'sanctag cooccur' output (no meta table)",
                    path);
            sqlite3_close(db);
            return SANCTAG_E_FORMAT;
        }
        *ret_meta = m;
        *ret_db = db;
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, SANCTAG_E_NOTFOUND, path, "%s: cannot open: %s", path, strerror(errno));
        return SANCTAG_E_NOTFOUND;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    json_t *m = NULL;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t k = 0;
        while (k < (size_t)n && isspace((unsigned char)line[k]))
            k++;
        if (k == (size_t)n)
            continue;
        m = json_loadb(line, (size_t)n, 0, NULL);
        break;
    }
    free(line);
    const char *type = json_string_value(json_object_get(m, "type"));
    if (!m || !type || strcmp(type, "meta") != 0) {
        json_decref(m);
        fclose(f);
        set_err(err, SANCTAG_E_FORMAT, path,
                "%s: not a 'sanctag cooccur' JSONL or SQLite output (CSV, GraphML and GEXF "
                "outputs cannot be merged; write shards with --format jsonl or sqlite)",
                path);
        return SANCTAG_E_FORMAT;
    }
    *ret_meta = m;
    *ret_f = f;
    *ret_line = lineno;
    return 0;
}

int sanctagp_cooc_probe_file(const char *path, sanctagp_cooc_opts *ret, sanctag_error *err)
{
    json_t *m;
    sqlite3 *db;
    FILE *f;
    long line;
    int rc = open_partial(path, &m, &db, &f, &line, err);
    if (rc)
        return rc;
    rc = opts_from_meta(m, ret, path, err);
    json_decref(m);
    sqlite3_close(db);
    if (f)
        fclose(f);
    return rc;
}

static int32_t jdate_get(json_t *o, const char *field)
{
    return ymd_parse(json_string_value(json_object_get(o, field)));
}

static int juint(json_t *o, const char *field, uint64_t *ret)
{
    json_t *v = json_object_get(o, field);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *ret = (uint64_t)json_integer_value(v);
    return 0;
}

static const char *country_name(const sanctagp_cooc *c, const char *key, const char *name)
{
    /* by country, an unnamed node is written under its code: not a name */
    if (c->o.by == COOC_BY_COUNTRY && name && strcmp(name, key) == 0)
        return NULL;
    return name;
}

static int merge_totals(sanctagp_cooc *c, json_t *m)
{
    json_t *t = json_object_get(m, "totals");
    for (size_t i = 0; i < NTOTALS; i++) {
        uint64_t v = 0;
        if (juint(t, total_fields[i].name, &v))
            return -1;
        *total_at(&c->t, i) += v;
    }
    const char *gz = json_string_value(json_object_get(m, "gazetteer"));
    while (gz && *gz) {
        const char *e = strchr(gz, ',');
        size_t n = e ? (size_t)(e - gz) : strlen(gz);
        char buf[128];
        if (n && n < sizeof buf) {
            memcpy(buf, gz, n);
            buf[n] = 0;
            if (sanctagp_cooc_add_gazetteer(c, buf))
                return SANCTAG_E_NOMEM;
        }
        gz += n + (e ? 1 : 0);
    }
    return 0;
}

/* Hands one listed document to the sink, renumbered after those before it. */
static int merge_doc(sanctagp_cooc *c, sanctagp_cooc_doc *d)
{
    if (!c->o.documents || !c->sink)
        return 0;
    d->doc = ++c->doc_no;
    return c->sink(c->sink_data, d);
}

static int merge_jsonl_doc(sanctagp_cooc *c, json_t *o)
{
    json_t *ents = json_object_get(o, "entities"), *pairs = json_object_get(o, "pairs");
    const char *period = json_string_value(json_object_get(o, "period"));
    uint64_t units;
    if (!json_is_array(ents) || !json_is_array(pairs) || !period || juint(o, "units", &units))
        return -1;
    size_t ne = json_array_size(ents), np = json_array_size(pairs);
    if (GROW(c->de, c->de_cap, ne + 1) || GROW(c->dp, c->dp_cap, np + 1))
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < ne; i++) {
        json_t *e = json_array_get(ents, i);
        c->de[i].key = json_string_value(json_array_get(e, 0));
        json_t *u = json_array_get(e, 1);
        if (!c->de[i].key || !json_is_integer(u))
            return -1;
        c->de[i].units = (uint64_t)json_integer_value(u);
    }
    for (size_t i = 0; i < np; i++) {
        json_t *p = json_array_get(pairs, i);
        c->dp[i].a = json_string_value(json_array_get(p, 0));
        c->dp[i].b = json_string_value(json_array_get(p, 1));
        json_t *u = json_array_get(p, 2);
        if (!c->dp[i].a || !c->dp[i].b || !json_is_integer(u))
            return -1;
        c->dp[i].units = (uint64_t)json_integer_value(u);
    }
    json_t *id = json_object_get(o, "id");
    sanctagp_cooc_doc d = {
        .id = json_is_null(id) ? NULL : id,
        .date = json_string_value(json_object_get(o, "date")),
        .date_raw = json_string_value(json_object_get(o, "date_raw")),
        .period = period,
        .units = units,
        .error = json_string_value(json_object_get(o, "error")),
        .nent = ne,
        .npair = np,
        .ent = c->de,
        .pair = c->dp,
    };
    return merge_doc(c, &d);
}

/* One record of a JSONL partial. Returns 0, -1 for a malformed record, or a
 * negative SANCTAG_E code. */
static int merge_jsonl_record(sanctagp_cooc *c, json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *period = json_string_value(json_object_get(o, "period"));
    if (!type)
        return -1;
    if (strcmp(type, "document") == 0)
        return merge_jsonl_doc(c, o);
    if (!period)
        return -1;
    uint32_t per;
    int rc = period_get(c, period, &per);
    if (rc)
        return rc;
    uint64_t count, docs;
    if (strcmp(type, "period") == 0) {
        if (juint(o, "units", &count) || juint(o, "documents", &docs))
            return -1;
        c->p_units[per] += count;
        c->p_docs[per] += docs;
        return 0;
    }
    if (juint(o, "count", &count) || juint(o, "documents", &docs))
        return -1;
    if (strcmp(type, "entity") == 0) {
        const char *key = json_string_value(json_object_get(o, "key"));
        if (!key)
            return -1;
        uint32_t node;
        rc = node_get(c, key, country_name(c, key, json_string_value(json_object_get(o, "name"))),
                      json_string_value(json_object_get(o, "label")),
                      json_string_value(json_object_get(o, "country")), &node);
        return rc ? rc : ent_add(c, per, node, count, docs, jdate_get(o, "first_seen"),
                                 jdate_get(o, "last_seen"));
    }
    if (strcmp(type, "pair") == 0) {
        const char *a = json_string_value(json_object_get(o, "a"));
        const char *b = json_string_value(json_object_get(o, "b"));
        uint32_t na, nb;
        if (!a || !b || strcmp(a, b) == 0)
            return -1;
        if ((rc = node_get(c, a, NULL, NULL, NULL, &na)) || (rc = node_get(c, b, NULL, NULL, NULL, &nb)))
            return rc;
        return pair_add(c, per, na, nb, count, docs, jdate_get(o, "first_seen"),
                        jdate_get(o, "last_seen"));
    }
    return -1;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? xstrdup(s) : NULL;
}

static int32_t col_date(sqlite3_stmt *st, int i)
{
    return ymd_parse((const char *)sqlite3_column_text(st, i));
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL: return NULL;
    default: return json_string((const char *)sqlite3_column_text(st, i));
    }
}

static int merge_sqlite_docs(sanctagp_cooc *c, sqlite3 *db)
{
    sqlite3_stmt *sd = NULL, *se = NULL, *sp = NULL;
    int rc = 0;
    char **strs = NULL;
    size_t nstr = 0, strcap = 0;
    if (sqlite3_prepare_v2(db, "SELECT doc, id, date, date_raw, period, units, error FROM "
                               "documents ORDER BY doc", -1, &sd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT entity, units FROM document_entities WHERE doc = ? "
                               "ORDER BY entity", -1, &se, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT a, b, units FROM document_pairs WHERE doc = ? "
                               "ORDER BY a, b", -1, &sp, NULL) != SQLITE_OK) {
        rc = SANCTAG_E_DB;
        goto out;
    }
    while (!rc && sqlite3_step(sd) == SQLITE_ROW) {
        sqlite3_int64 doc = sqlite3_column_int64(sd, 0);
        size_t ne = 0, np = 0;
        nstr = 0;
        sqlite3_bind_int64(se, 1, doc);
        while (!rc && sqlite3_step(se) == SQLITE_ROW) {
            if (GROW(c->de, c->de_cap, ne + 1) || GROW(strs, strcap, nstr + 1) ||
                !(strs[nstr] = col_dup(se, 0))) {
                rc = SANCTAG_E_NOMEM;
                break;
            }
            c->de[ne].key = strs[nstr++];
            c->de[ne++].units = (uint64_t)sqlite3_column_int64(se, 1);
        }
        sqlite3_reset(se);
        sqlite3_bind_int64(sp, 1, doc);
        while (!rc && sqlite3_step(sp) == SQLITE_ROW) {
            if (GROW(c->dp, c->dp_cap, np + 1) || GROW(strs, strcap, nstr + 2) ||
                !(strs[nstr] = col_dup(sp, 0)) || !(strs[nstr + 1] = col_dup(sp, 1))) {
                if (strs && nstr < strcap && strs[nstr])
                    nstr++;
                rc = SANCTAG_E_NOMEM;
                break;
            }
            c->dp[np].a = strs[nstr];
            c->dp[np].b = strs[nstr + 1];
            nstr += 2;
            c->dp[np++].units = (uint64_t)sqlite3_column_int64(sp, 2);
        }
        sqlite3_reset(sp);
        if (rc)
            break;
        json_t *id = col_json(sd, 1);
        sanctagp_cooc_doc d = {
            .id = id,
            .date = (const char *)sqlite3_column_text(sd, 2),
            .date_raw = (const char *)sqlite3_column_text(sd, 3),
            .period = (const char *)sqlite3_column_text(sd, 4),
            .units = (uint64_t)sqlite3_column_int64(sd, 5),
            .error = (const char *)sqlite3_column_text(sd, 6),
            .nent = ne,
            .npair = np,
            .ent = c->de,
            .pair = c->dp,
        };
        if (!d.period)
            rc = -1;
        else
            rc = merge_doc(c, &d);
        json_decref(id);
        for (size_t i = 0; i < nstr; i++)
            free(strs[i]);
        nstr = 0;
    }
out:
    for (size_t i = 0; i < nstr; i++)
        free(strs[i]);
    free(strs);
    sqlite3_finalize(sd);
    sqlite3_finalize(se);
    sqlite3_finalize(sp);
    return rc;
}

static int merge_sqlite(sanctagp_cooc *c, sqlite3 *db, const char *path, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    /* periods */
    if (sqlite3_prepare_v2(db, "SELECT period, units, documents FROM periods", -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        uint32_t per;
        if (!p)
            goto bad;
        if ((rc = period_get(c, p, &per)))
            goto out;
        c->p_units[per] += (uint64_t)sqlite3_column_int64(st, 1);
        c->p_docs[per] += (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db,
                           "SELECT ep.period, ep.entity, e.name, e.label, e.country, ep.count, "
                           "ep.documents, ep.first_seen, ep.last_seen FROM entity_periods ep "
                           "JOIN entities e ON e.key = ep.entity",
                           -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        uint32_t per, node;
        if (!p || !key)
            goto bad;
        char *k = xstrdup(key); /* column texts are invalidated by later calls */
        char *name = col_dup(st, 2), *label = col_dup(st, 3), *country = col_dup(st, 4);
        rc = !k ? SANCTAG_E_NOMEM : period_get(c, p, &per);
        if (!rc)
            rc = node_get(c, k, country_name(c, k, name), label, country, &node);
        if (!rc)
            rc = ent_add(c, per, node, (uint64_t)sqlite3_column_int64(st, 5),
                         (uint64_t)sqlite3_column_int64(st, 6), col_date(st, 7), col_date(st, 8));
        free(k);
        free(name);
        free(label);
        free(country);
        if (rc)
            goto out;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT period, a, b, count, documents, first_seen, last_seen "
                               "FROM pairs", -1, &st, NULL))
        goto dberr;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *a = (const char *)sqlite3_column_text(st, 1);
        const char *b = (const char *)sqlite3_column_text(st, 2);
        uint32_t per, na, nb;
        if (!p || !a || !b || strcmp(a, b) == 0)
            goto bad;
        if ((rc = period_get(c, p, &per)) || (rc = node_get(c, a, NULL, NULL, NULL, &na)) ||
            (rc = node_get(c, b, NULL, NULL, NULL, &nb)) ||
            (rc = pair_add(c, per, na, nb, (uint64_t)sqlite3_column_int64(st, 3),
                           (uint64_t)sqlite3_column_int64(st, 4), col_date(st, 5),
                           col_date(st, 6))))
            goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = merge_sqlite_docs(c, db);
    if (rc == SANCTAG_E_DB)
        goto dberr;
    if (rc == -1)
        goto bad;
    goto out;
dberr:
    set_err(err, SANCTAG_E_DB, path, "%s: %s", path, sqlite3_errmsg(db));
    rc = SANCTAG_E_DB;
    goto out;
bad:
    set_err(err, SANCTAG_E_FORMAT, path, "%s: malformed row", path);
    rc = SANCTAG_E_FORMAT;
out:
    sqlite3_finalize(st);
    return rc;
}

int sanctagp_cooc_merge_file(sanctagp_cooc *c, const char *path, sanctag_error *err)
{
    json_t *m;
    sqlite3 *db;
    FILE *f;
    long lineno = 0;
    int rc = open_partial(path, &m, &db, &f, &lineno, err);
    if (rc)
        return rc;
    sanctagp_cooc_opts o;
    const char *diff;
    if ((rc = opts_from_meta(m, &o, path, err)))
        goto out;
    if ((diff = sanctagp_cooc_opts_diff(&o, &c->o))) {
        set_err(err, SANCTAG_E_INVALID, path,
                "%s: counted with a different --%s than the first input: cannot merge", path,
                diff);
        rc = SANCTAG_E_INVALID;
        goto out;
    }
    if (c->o.documents && !o.documents) {
        set_err(err, SANCTAG_E_INVALID, path, "%s: lists no documents (--no-documents)", path);
        rc = SANCTAG_E_INVALID;
        goto out;
    }
    if ((rc = merge_totals(c, m))) {
        if (rc == -1) {
            set_err(err, SANCTAG_E_FORMAT, path, "%s: meta totals are missing", path);
            rc = SANCTAG_E_FORMAT;
        }
        goto out;
    }
    if (db) {
        rc = merge_sqlite(c, db, path, err);
        goto out;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t k = 0;
        while (k < (size_t)n && isspace((unsigned char)line[k]))
            k++;
        if (k == (size_t)n)
            continue;
        json_error_t je;
        json_t *o2 = json_loadb(line, (size_t)n, 0, &je);
        if (!o2) {
            set_err(err, SANCTAG_E_JSON, path, "%s:%ld: malformed JSON: %s", path, lineno, je.text);
            rc = SANCTAG_E_JSON;
            break;
        }
        rc = merge_jsonl_record(c, o2);
        json_decref(o2);
        if (rc == -1) {
            set_err(err, SANCTAG_E_FORMAT, path, "%s:%ld: malformed cooccur record", path, lineno);
            rc = SANCTAG_E_FORMAT;
        } else if (rc) {
            set_err(err, rc, path, "%s:%ld: %s", path, lineno, sanctag_status_name(rc));
        }
        if (rc)
            break;
    }
    if (!rc && ferror(f)) {
        set_err(err, SANCTAG_E_IO, path, "%s: read error", path);
        rc = SANCTAG_E_IO;
    }
    free(line);
out:
    json_decref(m);
    sqlite3_close(db);
    if (f)
        fclose(f);
    return rc;
}
