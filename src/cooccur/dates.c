/* dates.c - reading free-form document dates and naming periods: the day,
 * ISO week, month or year a date falls in, and the first and last day of a
 * period key. See cooccur.h (parse_date, period_key). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cooccur/cooccur_int.h"

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

/* Skips a leading weekday ("Senin,", "Jum'at,", "Monday") that is not a month. */
static void d_weekday(dscan *s)
{
    for (int k = 0; k < 2 && d_isalpha(s); k++) {
        dscan save = *s;
        const char *w;
        size_t wl = d_word(s, &w);
        if (month_of(w, wl)) {
            *s = save;
            break;
        }
        if (s->p < s->end && (*s->p == '\'' || *s->p == '`')) {
            s->p++;
            d_word(s, &w);
        }
        if (s->p < s->end && *s->p == '.')
            s->p++;
        d_space(s);
        if (s->p < s->end && *s->p == ',')
            s->p++;
        d_space(s);
    }
}

/* At a separator after the first number: "<sep>B<sep>C" with B of 1 or 2
 * digits. Returns the number of digits of C, 0 when the shape differs. */
static int d_sep_nums(dscan *s, long *b, long *c)
{
    char sep = *s->p++;
    int nb = d_num(s, b);
    if (nb < 1 || nb > 2 || s->p >= s->end || *s->p != sep)
        return 0;
    s->p++;
    return d_num(s, c);
}

/* Numeric day and month `a`, `b` of year `c`, read by `order`. */
static int d_day_month(long a, long b, long c, int order, int32_t *ret_ymd)
{
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

/* A date that starts with a number: 20231204, 2023-12-04, 04/12/2023,
 * 04 Des 2023, 4-Dec-2023, 4 December, 2023. */
static int d_from_number(dscan *s, int order, int32_t *ret_ymd)
{
    long a, b, c;
    int na = d_num(s, &a), nc;
    if (na == 8 && (s->p >= s->end || *s->p == 'T')) { /* 20231204 */
        if (!d_tail_ok(s))
            return COOC_DATE_UNPARSED;
        return d_valid(a / 10000, a / 100 % 100, a % 100, ret_ymd);
    }
    if (na == 4) { /* 2023-12-04, 2023/12/04, 2023.12.04 */
        if (s->p >= s->end || !strchr("-/.", *s->p))
            return COOC_DATE_UNPARSED;
        nc = d_sep_nums(s, &b, &c);
        if (nc < 1 || nc > 2 || !d_tail_ok(s))
            return COOC_DATE_UNPARSED;
        return d_valid(a, b, c, ret_ymd);
    }
    if (na < 1 || na > 2)
        return COOC_DATE_UNPARSED;
    if (s->p + 1 < s->end && strchr("-/.", *s->p) && s->p[1] >= '0' && s->p[1] <= '9') {
        /* numeric day and month: 04/12/2023, 12/4/2023, 4.12.2023 */
        nc = d_sep_nums(s, &b, &c);
        if (nc != 4 || !d_tail_ok(s))
            return COOC_DATE_UNPARSED;
        return d_day_month(a, b, c, order, ret_ymd);
    }
    /* 04 Des 2023, 4-Dec-2023, 4 December, 2023 */
    d_space(s);
    if (s->p < s->end && (*s->p == '-' || *s->p == '.'))
        s->p++;
    d_space(s);
    const char *w;
    size_t wl = d_word(s, &w);
    int m = wl ? month_of(w, wl) : 0;
    if (!m)
        return COOC_DATE_UNPARSED;
    if (s->p < s->end && *s->p == '.')
        s->p++;
    d_space(s);
    if (s->p < s->end && (*s->p == '-' || *s->p == ','))
        s->p++;
    d_space(s);
    nc = d_num(s, &c);
    if (nc != 4 || !d_tail_ok(s))
        return COOC_DATE_UNPARSED;
    return d_valid(c, m, a, ret_ymd);
}

/* A date that starts with a month name: December 4, 2023; Dec. 4 2023. */
static int d_from_month(dscan *s, int32_t *ret_ymd)
{
    long b, c;
    const char *w;
    size_t wl = d_word(s, &w);
    int m = month_of(w, wl);
    if (!m)
        return COOC_DATE_UNPARSED;
    if (s->p < s->end && *s->p == '.')
        s->p++;
    d_space(s);
    int nb = d_num(s, &b);
    if (nb < 1 || nb > 2)
        return COOC_DATE_UNPARSED;
    d_space(s);
    if (s->p < s->end && *s->p == ',')
        s->p++;
    d_space(s);
    int nc = d_num(s, &c);
    if (nc != 4 || !d_tail_ok(s))
        return COOC_DATE_UNPARSED;
    return d_valid(c, m, b, ret_ymd);
}

int sanctagp_cooc_parse_date(const char *str, size_t n, int order, int32_t *ret_ymd)
{
    dscan s = {str, str + n};
    d_space(&s);
    d_weekday(&s);
    if (d_isdigit(&s))
        return d_from_number(&s, order, ret_ymd);
    if (d_isalpha(&s))
        return d_from_month(&s, ret_ymd);
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

void sanctagp_cooc_ymd_str(int32_t ymd, char out[16])
{
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(ymd / 10000) % 10000u,
             (unsigned)(ymd / 100) % 100u, (unsigned)ymd % 100u);
}

const char *sanctagp_cooc_date_or_null(int32_t ymd, char buf[16])
{
    if (!ymd)
        return NULL;
    sanctagp_cooc_ymd_str(ymd, buf);
    return buf;
}

int32_t sanctagp_cooc_ymd_parse(const char *s)
{
    int32_t v = 0;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (sanctagp_cooc_parse_date(s, 10, COOC_ORDER_AUTO, &v) != COOC_DATE_OK)
        return 0;
    return v;
}

void sanctagp_cooc_period_bounds(const char *key, int32_t *ret_first, int32_t *ret_last)
{
    *ret_first = *ret_last = 0;
    size_t n = strlen(key);
    int y, m, w;
    char tail;
    if (n == 10) {
        int32_t v = sanctagp_cooc_ymd_parse(key);
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
