/* csv.c - CSV/TSV cells: formula neutralising and RFC 4180 quoting (csv.h). */
#include "util/csv.h"

#include <string.h>

/* A plain decimal number: optional sign, digits, optional fraction. */
static int is_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    return digits > 0 && i == n;
}

int sanctagp_csv_neutralised(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    switch (s[0]) {
    case '=': case '+': case '-': case '@': case '\t': case '\r':
        return !is_number(s, n);
    default:
        return 0;
    }
}

static int cell(sanctagp_buf *out, const char *s, size_t n, char sep);

/* A cell holding NUL bytes: written with each as U+FFFD (csv.h). */
static int cell_without_nul(sanctagp_buf *out, const char *s, size_t n, char sep)
{
    sanctagp_buf c = {0};
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        const char *z = memchr(s + i, 0, n - i);
        size_t run = z ? (size_t)(z - (s + i)) : n - i;
        rc = sanctagp_buf_append(&c, s + i, run) ||
             (z && sanctagp_buf_append(&c, "\xEF\xBF\xBD", 3));
        i += run + (z != NULL);
    }
    if (!rc)
        rc = cell(out, c.p ? c.p : "", c.len, sep);
    sanctagp_buf_release(&c);
    return rc ? -1 : 0;
}

int sanctagp_csv_cell(sanctagp_buf *out, const char *s, size_t n, char sep)
{
    if (n && memchr(s, 0, n))
        return cell_without_nul(out, s, n, sep);
    return cell(out, s, n, sep);
}

static int cell(sanctagp_buf *out, const char *s, size_t n, char sep)
{
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote && sanctagp_buf_append(out, "\"", 1))
        return -1;
    if (sanctagp_csv_neutralised(s, n) && sanctagp_buf_append(out, "'", 1))
        return -1;
    if (!quote)
        return sanctagp_buf_append(out, s, n) ? -1 : 0;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            if (sanctagp_buf_append(out, s + from, i + 1 - from))
                return -1;
            from = i; /* the quote again */
        }
    }
    if (sanctagp_buf_append(out, s + from, n - from) || sanctagp_buf_append(out, "\"", 1))
        return -1;
    return 0;
}
