/* csv.c - CSV/TSV cells: formula neutralising and RFC 4180 quoting (csv.h). */
#include "util/csv.h"

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

int sanctagp_csv_cell(sanctagp_buf *out, const char *s, size_t n, char sep)
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
