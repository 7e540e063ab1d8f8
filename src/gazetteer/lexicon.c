/* lexicon.c - the lexicon tables and `gaz build`'s lexicon sources (see
 * lexicon.h): reviewable word tables with document counts, stored for the
 * list imports' alias policy. */
#include "gazetteer/lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gazetteer/gazetteer.h"
#include "gazetteer/sources.h"
#include "util/buf.h"

const char sanctagp_lexicon_schema[] =
    "CREATE TABLE IF NOT EXISTS lexicon_source (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,      -- file name without extension: 'common-words'\n"
    "  path TEXT, version TEXT, imported_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS lexicon (\n"
    "  word TEXT NOT NULL,             -- lower case\n"
    "  class TEXT NOT NULL,            -- common, given, first, upper, cap\n"
    "  docs INTEGER NOT NULL DEFAULT 0,-- news articles the class's count is of\n"
    "  evidence TEXT,                  -- the row as 'column=value ...'\n"
    "  source_id INTEGER NOT NULL REFERENCES lexicon_source(id) ON DELETE CASCADE,\n"
    "  PRIMARY KEY (class, word)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS alias_policy (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  entity_key TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  norm TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,           -- weak, dropped or cap (matched only capitalised)\n"
    "  rule TEXT NOT NULL,\n"
    "  evidence TEXT\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS alias_policy_norm ON alias_policy(norm);\n"
    "CREATE INDEX IF NOT EXISTS alias_policy_source ON alias_policy(source_id);\n";

/* The header line: the first line that is not empty or a '#' comment. */
static const char *header_of(const char *buf, size_t len, size_t *ret_n)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p && *p != '#' && !(le - p == 1 && *p == '\r')) {
            *ret_n = (size_t)(le - p);
            return p;
        }
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

int sanctagp_is_lexicon(const char *buf, size_t len)
{
    size_t n = 0;
    const char *h = header_of(buf, len, &n);
    return h && ((n >= 5 && memcmp(h, "word\t", 5) == 0) ||
                 (n >= 6 && memcmp(h, "token\t", 6) == 0));
}

enum { LX_MAXCOLS = 16 };

static int split_tabs(char *line, char **cells)
{
    int n = 0;
    for (char *c = line; n < LX_MAXCOLS;) {
        cells[n++] = c;
        char *tab = strchr(c, '\t');
        if (!tab)
            break;
        *tab = 0;
        c = tab + 1;
    }
    return n;
}

static int col_of(char **head, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(head[i], name) == 0)
            return i;
    return -1;
}

/* One lexicon row per class the file gives. */
typedef struct lx_file {
    const char *cls[2]; /* classes of a row */
    int col[2];         /* column of each class's document count */
    int ncls;
} lx_file;

static int classes_of(char **head, int n, lx_file *f)
{
    f->ncls = 0;
    if (col_of(head, n, "first_names") >= 0) {
        f->cls[0] = "first";
        f->col[0] = col_of(head, n, "docs_cap");
        f->ncls = 1;
    } else if (col_of(head, n, "dict") >= 0) {
        f->cls[0] = "common";
        f->col[0] = col_of(head, n, "docs_lower");
        f->ncls = 1;
    } else if (col_of(head, n, "names") >= 0) {
        f->cls[0] = "given";
        f->col[0] = col_of(head, n, "docs_cap");
        f->ncls = 1;
    } else if (col_of(head, n, "docs_upper") >= 0) {
        f->cls[0] = "upper";
        f->col[0] = col_of(head, n, "docs_upper");
        f->cls[1] = "cap";
        f->col[1] = col_of(head, n, "docs_cap");
        f->ncls = f->col[1] >= 0 ? 2 : 0;
    }
    for (int i = 0; i < f->ncls; i++)
        if (f->col[i] < 0)
            return -1;
    return f->ncls ? 0 : -1;
}

/* Inserts the rows of a data line; `ev` is scratch for the evidence. */
static int lexicon_row(sqlite3_stmt *ins, const lx_file *f, char **head, char **cells, int n,
                       sanctagp_buf *ev)
{
    ev->len = 0;
    int oom = 0;
    for (int i = 1; i < n; i++) {
        if (i > 1)
            oom |= sanctagp_buf_put(ev, " ", 1);
        oom |= sanctagp_buf_put(ev, head[i], strlen(head[i]));
        oom |= sanctagp_buf_put(ev, "=", 1);
        oom |= sanctagp_buf_put(ev, cells[i], strlen(cells[i]));
    }
    if (oom)
        return SQLITE_NOMEM;
    for (int k = 0; k < f->ncls; k++) {
        long docs = f->col[k] < n ? strtol(cells[f->col[k]], NULL, 10) : 0;
        if (f->ncls > 1 && docs <= 0)
            continue; /* a news word only in the classes it has counts for */
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, cells[0], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, f->cls[k], -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, docs);
        sqlite3_bind_text(ins, 4, ev->len ? ev->p : "", (int)ev->len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

static sqlite3_int64 insert_source(sqlite3 *db, const char *path, const char *name,
                                   const char *version)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = 0;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO lexicon_source (name, path, version, imported_at) "
                           "VALUES (?, ?, ?, ?)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, version, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid(db);
    }
    sqlite3_finalize(st);
    return id;
}

int sanctagp_lexicon_add(sqlite3 *db, const char *db_path, const char *path, const char *name,
                         const char *version, char *buf, size_t len, sanctag_error *err)
{
    sqlite3_int64 sid = insert_source(db, path, name, version);
    if (!sid)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                  "%s: cannot store lexicon '%s' in %s: %s", path, name, db_path,
                                  sqlite3_errmsg(db));
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO lexicon (word, class, docs, evidence, source_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (class, word) DO UPDATE "
                           "SET docs = ?3, evidence = ?4, source_id = ?5",
                           -1, &ins, NULL) != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: %s", db_path,
                                  sqlite3_errmsg(db));
    sqlite3_bind_int64(ins, 5, sid);
    char *head[LX_MAXCOLS], *cells[LX_MAXCOLS];
    int nhead = 0, rc = 0;
    lx_file f = {{NULL, NULL}, {0, 0}, 0};
    sanctagp_buf ev = {0};
    long line = 0;
    char *p = buf, *end = buf + len, *cur;
    size_t n;
    while (!rc && (cur = sanctagp_src_line(&p, end, 1, &n))) {
        line++;
        if (*cur == '#' || *cur == 0)
            continue;
        if (!nhead) {
            nhead = split_tabs(cur, head);
            if (classes_of(head, nhead, &f))
                rc = sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: lexicon header needs a 'dict', 'names' or "
                                        "'docs_upper' and 'docs_cap' column with its counts",
                                        path, line);
            continue;
        }
        int nc = split_tabs(cur, cells);
        if (!*cells[0] || nc > nhead)
            rc = sanctagp_error_set(err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                    "%s:%ld: a lexicon row is a word and at most %d counts",
                                    path, line, nhead - 1);
        else if (lexicon_row(ins, &f, head, cells, nc, &ev) != SQLITE_OK)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, line, 0, -1,
                                    "%s:%ld: database error: %s", path, line,
                                    sqlite3_errmsg(db));
    }
    sanctagp_buf_release(&ev);
    sqlite3_finalize(ins);
    return rc;
}
