/* sources.c - the one reader of gazetteer sources in TSV and JSONL (see
 * sources.h): `gaz build` and the plain list imports read the same format
 * with the same checks and the same messages. */
#include "gazetteer/sources.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/text.h"
#include "gazetteer/gazetteer.h"

static const char *const col_names[SRC_NCOLS] = {
    "key",   "label",      "name",     "country", "alias",  "lang",     "kind",     "case",
    "accents", "valid_from", "valid_to", "source", "attrs", "listed", "programs", "list_ref",
    "listed_on",
};

static const struct dialect {
    int ncols;            /* columns known: SRC_NGAZ or SRC_NCOLS */
    int max_cells;        /* cells a TSV line may have */
    int need_source;      /* the header must name the source column */
    const char *known;    /* the known columns, for messages */
    const char *required; /* the columns a header must name, for messages */
    const char *bad_type; /* message of a JSONL field of the wrong type */
} dialects[2] = {
    {SRC_NGAZ, 64, 1,
     "key, label, name, country, alias, lang, kind, case, accents, valid_from, valid_to, "
     "source, attrs",
     "key, label, alias and source", "%s:%ld: field '%s' must be a string"},
    {SRC_NCOLS, SRC_NCOLS * 2, 0,
     "key, label, name, country, alias, lang, kind, case, accents, valid_from, valid_to, "
     "source, attrs, listed, programs, list_ref, listed_on",
     "key, label and alias", "%s:%ld: field '%s' has the wrong type"},
};

/* ---- files and lines -------------------------------------------------------- */

char *sanctagp_read_file(const char *path, size_t *ret_len, sanctag_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        f = NULL;
        errno = EISDIR;
    }
    if (!f) {
        sanctagp_error_set(err, errno == ENOENT ? SANCTAG_E_NOTFOUND : SANCTAG_E_IO, path, 0, 0,
                           -1, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "%s: out of memory", path);
        return NULL;
    }
    if (bad) {
        free(buf);
        sanctagp_error_set(err, SANCTAG_E_IO, path, 0, 0, -1, "%s: read error", path);
        return NULL;
    }
    buf[len] = 0;
    *ret_len = len;
    return buf;
}

long sanctagp_src_line_of(const char *buf, size_t pos)
{
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        line += buf[i] == '\n';
    return line;
}

/* Valid UTF-8 without NUL, or an error naming the line (and column). */
static int check_utf8(const char *path, const char *buf, size_t len, int columns,
                      sanctag_error *err)
{
    size_t pos;
    int rc = sanctagp_utf8_check(buf, len, &pos);
    if (!rc)
        return 0;
    const char *what = rc == SANCTAG_E_NUL ? "NUL byte" : "invalid UTF-8";
    long line = sanctagp_src_line_of(buf, pos);
    if (!columns)
        return sanctagp_error_set(err, rc, path, line, 0, (long long)pos,
                                  "%s:%ld: %s at byte %zu", path, line, what, pos);
    size_t bol = pos;
    while (bol > 0 && buf[bol - 1] != '\n')
        bol--;
    long col = (long)(pos - bol) + 1;
    return sanctagp_error_set(err, rc, path, line, col, (long long)pos,
                              "%s:%ld:%ld: %s at byte %zu", path, line, col, what, pos);
}

int sanctagp_src_load(const char *path, int columns, char **ret_buf, size_t *ret_len,
                      sanctag_error *err)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, err);
    if (!buf)
        return err ? err->code : SANCTAG_E_IO;
    int rc = check_utf8(path, buf, len, columns, err);
    if (rc) {
        free(buf);
        return rc;
    }
    *ret_buf = buf;
    *ret_len = len;
    return 0;
}

char *sanctagp_src_line(char **p, char *end, int strip_cr, size_t *ret_len)
{
    if (*p >= end)
        return NULL;
    char *cur = *p;
    char *nl = memchr(cur, '\n', (size_t)(end - cur));
    char *le = nl ? nl : end;
    *le = 0;
    if (strip_cr && le > cur && le[-1] == '\r')
        *--le = 0;
    *p = nl ? nl + 1 : end;
    *ret_len = (size_t)(le - cur);
    return cur;
}

/* ---- TSV -------------------------------------------------------------------- */

/* Splits a line at tabs into cells; -1 when it has more than max. */
static int split_cells(char *line, char **cells, int max)
{
    int n = 0;
    for (char *c = line;;) {
        if (n == max)
            return -1;
        cells[n++] = c;
        char *tab = strchr(c, '\t');
        if (!tab)
            return n;
        *tab = 0;
        c = tab + 1;
    }
}

/* The header: map[i] is the column of cell i. */
static int tsv_header(const char *path, long line, const struct dialect *d, char **cells, int n,
                      int *map, sanctag_error *err)
{
    int seen[SRC_NCOLS] = {0};
    for (int i = 0; i < n; i++) {
        map[i] = -1;
        for (int k = 0; k < d->ncols; k++)
            if (strcmp(cells[i], col_names[k]) == 0)
                map[i] = k;
        if (map[i] < 0)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: unknown column '%s' in header (known: %s)", path,
                                      line, cells[i], d->known);
        if (seen[map[i]]++)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: column '%s' twice in header", path, line,
                                      cells[i]);
    }
    if (!seen[SRC_KEY] || !seen[SRC_ALIAS] || !seen[SRC_LABEL] ||
        (d->need_source && !seen[SRC_SOURCE]))
        return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: header must name at least the columns %s", path, line,
                                  d->required);
    return 0;
}

int sanctagp_src_tsv(const char *path, char *buf, size_t len, int dialect,
                     sanctagp_src_row_fn fn, void *ctx, sanctag_error *err)
{
    const struct dialect *d = &dialects[dialect];
    char *cells[64];
    int map[64]; /* file column -> SRC_* */
    int ncols = 0, have_header = 0, rc = 0;
    long line = 0;
    char *p = buf, *end = buf + len, *cur;
    size_t n;
    while (!rc && (cur = sanctagp_src_line(&p, end, 1, &n))) {
        line++;
        if (*cur == '#' || *cur == 0)
            continue;
        int nc = split_cells(cur, cells, d->max_cells);
        if (nc < 0)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: more than %d columns", path, line, d->max_cells);
        if (!have_header) {
            rc = tsv_header(path, line, d, cells, nc, map, err);
            ncols = nc;
            have_header = 1;
            continue;
        }
        if (nc > ncols)
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      "%s:%ld: %d columns, the header has %d", path, line, nc,
                                      ncols);
        const char *v[SRC_NCOLS];
        for (int k = 0; k < SRC_NCOLS; k++)
            v[k] = "";
        for (int i = 0; i < nc; i++)
            v[map[i]] = cells[i];
        rc = fn(ctx, path, line, v, NULL, err);
    }
    if (!rc && !have_header)
        rc = sanctagp_error_set(err, SANCTAG_E_FORMAT, path, 0, 0, -1, "%s: no header line",
                                path);
    return rc;
}

/* ---- JSONL ------------------------------------------------------------------ */

/* The fields of one record into v (JSON values the dialect allows beside
 * strings are serialised into owned[]); its "aliases" array into *aliases. */
static int jsonl_fields(const char *path, long line, const struct dialect *d, json_t *o,
                        const char *v[SRC_NCOLS], char *owned[2], json_t **aliases,
                        sanctag_error *err)
{
    const char *fk;
    json_t *fv;
    json_object_foreach(o, fk, fv)
    {
        int c = -1;
        for (int i = 0; i < d->ncols; i++)
            if (strcmp(fk, col_names[i]) == 0)
                c = i;
        if (strcmp(fk, "aliases") == 0 && json_is_array(fv)) {
            *aliases = fv;
        } else if (c == SRC_ATTRS && json_is_object(fv)) {
            v[c] = owned[0] = json_dumps(fv, JSON_COMPACT | JSON_SORT_KEYS);
        } else if (c == SRC_PROGRAMS && json_is_array(fv)) {
            v[c] = owned[1] = json_dumps(fv, JSON_COMPACT);
        } else if (c == SRC_LISTED && json_is_boolean(fv)) {
            v[c] = json_is_true(fv) ? "1" : "0";
        } else if (c == SRC_LISTED && json_is_integer(fv)) {
            v[c] = json_integer_value(fv) ? "1" : "0";
        } else if (c >= 0 && json_is_string(fv)) {
            v[c] = json_string_value(fv);
        } else if (!(c >= 0 && json_is_null(fv))) {
            return sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                      c < 0 ? "%s:%ld: unknown field '%s'" : d->bad_type, path,
                                      line, fk);
        }
    }
    return 0;
}

int sanctagp_src_jsonl(const char *path, char *buf, size_t len, int dialect,
                       sanctagp_src_row_fn fn, void *ctx, sanctag_error *err)
{
    const struct dialect *d = &dialects[dialect];
    int rc = 0;
    long line = 0;
    char *p = buf, *end = buf + len, *cur;
    size_t n;
    while (!rc && (cur = sanctagp_src_line(&p, end, 0, &n))) {
        line++;
        size_t k = 0;
        while (k < n && isspace((unsigned char)cur[k]))
            k++;
        if (k == n)
            continue;
        json_error_t je;
        json_t *o = json_loadb(cur, n, 0, &je);
        if (!o || !json_is_object(o)) {
            rc = sanctagp_error_set(err, SANCTAG_E_JSON, path, line, o ? 1 : je.column, -1,
                                    "%s:%ld:%d: %s", path, line, o ? 1 : je.column,
                                    o ? "expected a JSON object" : je.text);
            json_decref(o);
            break;
        }
        const char *v[SRC_NCOLS];
        for (int c = 0; c < SRC_NCOLS; c++)
            v[c] = "";
        char *owned[2] = {NULL, NULL};
        json_t *aliases = NULL;
        rc = jsonl_fields(path, line, d, o, v, owned, &aliases, err);
        if (!rc)
            rc = fn(ctx, path, line, v, aliases, err);
        free(owned[0]);
        free(owned[1]);
        json_decref(o);
    }
    return rc;
}

int sanctagp_src_alias(json_t *a, const char *v[SRC_NCOLS])
{
    static const int fields[] = {SRC_ALIAS, SRC_LANG, SRC_KIND, SRC_CASE, SRC_ACCENTS};
    static const char *const names[] = {"alias", "lang", "kind", "case", "accents"};
    if (json_is_string(a)) {
        v[SRC_ALIAS] = json_string_value(a);
        return 0;
    }
    if (!json_is_object(a))
        return -1;
    for (int f = 0; f < 5; f++) {
        const char *s = json_string_value(json_object_get(a, names[f]));
        if (s)
            v[fields[f]] = s;
    }
    return 0;
}
