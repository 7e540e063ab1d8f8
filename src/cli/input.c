/* input.c - reading the inputs of the commands: path expansion (directories),
 * plain or gzip'd files and stdin through zlib, line splitting of any length,
 * and the record iterator over all inputs. */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "output/output.h"
#include "cli.h"

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int is_jsonl_name(const char *s)
{
    return ends_with(s, ".jsonl") || ends_with(s, ".ndjson") || ends_with(s, ".jsonl.gz") ||
           ends_with(s, ".ndjson.gz");
}

/* .json: JSON Lines when its first line is a JSON object (decided on reading) */
static int is_json_name(const char *s)
{
    return ends_with(s, ".json") || ends_with(s, ".json.gz");
}

static int is_text_name(const char *s)
{
    return ends_with(s, ".txt") || ends_with(s, ".txt.gz");
}

static int push(feed_inputs *out, const char *path, int mode, uint64_t size, int known)
{
    if (out->n == out->cap) {
        size_t nc = out->cap ? out->cap * 2 : 16;
        feed_input *v = realloc(out->v, nc * sizeof *v);
        if (!v)
            return -1;
        out->v = v;
        out->cap = nc;
    }
    feed_input *in = &out->v[out->n];
    in->path = strdup(path);
    in->name = strdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
    if (!in->path || !in->name) {
        free(in->path);
        free(in->name);
        return -1;
    }
    in->mode = mode;
    in->size = size;
    out->n++;
    out->total += size;
    if (!known)
        out->unknown = 1;
    return 0;
}

static int walk_dir(feed_inputs *out, const char *dir, int mode)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return push(out, dir, mode == FEED_JSONL ? FEED_JSONL : FEED_PLAIN, 0, 1); /* error record */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (rc == 0 && nm[0] != '.') {
            size_t len = strlen(dir) + strlen(nm) + 2;
            char *p = malloc(len);
            if (!p) {
                rc = -1;
            } else {
                snprintf(p, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", nm);
                struct stat sb;
                if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                    rc = walk_dir(out, p, mode);
                else if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
                    /* inside directories only files that look like documents */
                    if (is_jsonl_name(nm))
                        rc = push(out, p, mode == FEED_PLAIN_FORCED ? FEED_PLAIN : FEED_JSONL,
                                  (uint64_t)sb.st_size, 1);
                    else if (is_json_name(nm))
                        rc = push(out, p, mode == FEED_AUTO ? FEED_AUTO : mode == FEED_JSONL
                                  ? FEED_JSONL : FEED_PLAIN, (uint64_t)sb.st_size, 1);
                    else if (is_text_name(nm))
                        rc = push(out, p, mode == FEED_JSONL ? FEED_JSONL : FEED_PLAIN,
                                  (uint64_t)sb.st_size, 1);
                }
                free(p);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int feed_expand(feed_inputs *out, char **paths, int npaths, int mode)
{
    memset(out, 0, sizeof *out);
    out->max_doc = FEED_DEFAULT_MAX_DOC;
    if (npaths == 0)
        return push(out, "-", mode == FEED_PLAIN_FORCED ? FEED_PLAIN : mode, 0, 0);
    for (int i = 0; i < npaths; i++) {
        const char *p = paths[i];
        struct stat sb;
        int m = mode == FEED_PLAIN_FORCED ? FEED_PLAIN
                : mode != FEED_AUTO       ? mode
                : is_jsonl_name(p)        ? FEED_JSONL
                : is_json_name(p) || strcmp(p, "-") == 0 ? FEED_AUTO
                                                          : FEED_PLAIN;
        if (strcmp(p, "-") == 0) {
            if (push(out, p, m, 0, 0))
                return -1;
        } else if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (walk_dir(out, p, mode == FEED_PLAIN_FORCED ? FEED_PLAIN_FORCED : mode))
                return -1;
        } else {
            int known = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
            if (push(out, p, m, known ? (uint64_t)sb.st_size : 0, known))
                return -1;
        }
    }
    return 0;
}

void feed_inputs_free(feed_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].name);
    }
    free(in->v);
    memset(in, 0, sizeof *in);
}

/* ---- reader ------------------------------------------------------------- */

struct feed_reader {
    gzFile gz;
    char *buf;
    size_t cap, start, end;
    int eof;
    uint64_t max; /* longest line or document handed out; 0: no limit */
};

feed_reader *feed_open(const char *path)
{
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        errno = EISDIR;
        return NULL;
    }
    feed_reader *r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    r->gz = gzdopen(fd, "rb"); /* reads gzip or plain bytes alike */
    /* 256 KB, and 64 KB for zlib (it reads into the caller's buffer when
     * that is larger): a longer line grows the buffer, and each page of it is
     * a page fault, some 10 us on a VM. 1 MB and 128 KB took 230 more faults
     * for a run, and no less time. */
    r->cap = 1 << 18;
    r->buf = malloc(r->cap);
    if (!r->gz || !r->buf) {
        if (r->gz)
            gzclose(r->gz);
        else
            close(fd);
        free(r->buf);
        free(r);
        errno = ENOMEM;
        return NULL;
    }
    gzbuffer(r->gz, 1 << 16);
    return r;
}

void feed_set_max(feed_reader *r, uint64_t max)
{
    r->max = max;
}

/* The most the buffer may hold: a line of r->max bytes with its CR and LF. */
static size_t cap_limit(const feed_reader *r)
{
    return r->max && r->max < SIZE_MAX / 2 ? (size_t)r->max + 2 : SIZE_MAX / 2;
}

static int read_some(feed_reader *r, char *to, size_t want)
{
    if (want > (1u << 30))
        want = 1u << 30;
    int n = gzread(r->gz, to, (unsigned)want);
    if (n < 0) {
        int zerr;
        gzerror(r->gz, &zerr);
        errno = zerr == Z_ERRNO ? errno : EIO;
        return -1;
    }
    if (n == 0)
        r->eof = 1;
    return n;
}

/* Reads more into the buffer: 1, 0 at end of input, 2 when the buffer holds
 * cap_limit() bytes already (the line is over the limit), 3 when memory ran
 * out growing it (the line is then skipped as an over-long one), -1 on error. */
static int fill(feed_reader *r)
{
    if (r->eof)
        return 0;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end == r->cap) {
        size_t lim = cap_limit(r);
        if (r->cap >= lim)
            return 2;
        size_t nc = r->cap * 2 < lim ? r->cap * 2 : lim;
        char *nb = realloc(r->buf, nc);
        if (!nb)
            return 3;
        r->buf = nb;
        r->cap = nc;
    }
    int n = read_some(r, r->buf + r->end, r->cap - r->end);
    if (n <= 0)
        return n;
    r->end += (size_t)n;
    return 1;
}

/* Skips the rest of an over-long line (to its LF, or the end of input with
 * `to_eof`) through the buffer without keeping it; adds the bytes skipped
 * to *count. 0 or -1 on error. */
static int skip_rest(feed_reader *r, int to_eof, uint64_t *count)
{
    for (;;) {
        char *nl = to_eof ? NULL : memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl) {
            *count += (uint64_t)(nl - (r->buf + r->start));
            r->start = (size_t)(nl - r->buf) + 1;
            return 0;
        }
        *count += r->end - r->start;
        r->start = r->end = 0;
        if (r->eof)
            return 0;
        int n = read_some(r, r->buf, r->cap);
        if (n < 0)
            return -1;
        r->end = (size_t)n;
    }
}

int feed_next_line(feed_reader *r, const char **ret_line, size_t *ret_len)
{
    size_t scan = r->start;
    for (;;) {
        char *nl = memchr(r->buf + scan, '\n', r->end - scan);
        size_t len = 0;
        int last = 0;
        if (!nl) {
            size_t seen = r->end - r->start;
            int rc = fill(r);
            if (rc < 0)
                return -1;
            if (rc == 2 || rc == 3) { /* over the limit or memory: count it, keep none */
                uint64_t n = 0;
                if (skip_rest(r, 0, &n) != 0)
                    return -1;
                *ret_line = NULL;
                *ret_len = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
                return rc;
            }
            if (rc == 1) {
                scan = r->start + seen; /* fill moved the data to the front */
                continue;
            }
            if (r->end == r->start)
                return 0;
            last = 1; /* last line without a newline */
            len = r->end - r->start;
        } else {
            len = (size_t)(nl - (r->buf + r->start));
        }
        *ret_line = r->buf + r->start;
        r->start += len + !last;
        if (len && (*ret_line)[len - 1] == '\r')
            len--;
        *ret_len = len;
        if (r->max && len > r->max) {
            *ret_line = NULL;
            return 2;
        }
        return 1;
    }
}

int feed_read_all(feed_reader *r, char **ret, size_t *ret_len)
{
    int rc;
    while ((rc = fill(r)) == 1)
        ;
    if (rc < 0)
        return -1;
    size_t len = r->end - r->start;
    if (rc == 2 || rc == 3 || (r->max && len > r->max)) {
        uint64_t n = 0;
        if (skip_rest(r, 1, &n) != 0)
            return -1;
        *ret = NULL;
        *ret_len = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
        return rc == 3 ? 3 : 2;
    }
    char *out = malloc(len + 1);
    if (!out) { /* all of it was read: skipped */
        r->start = r->end;
        *ret = NULL;
        *ret_len = len;
        return 3;
    }
    memcpy(out, r->buf + r->start, len);
    out[len] = 0;
    r->start = r->end;
    *ret = out;
    *ret_len = len;
    return 0;
}

/* The first line that is not blank, without consuming it: 1 with the bytes
 * buffered so far of it (all of it unless it is over the limit), 0 when the
 * input has none, -1 on error. */
static int peek_first(feed_reader *r, const char **ret_line, size_t *ret_len)
{
    size_t from = r->start, scan = r->start;
    for (;;) {
        if (from == r->start && r->end - from >= 3 && memcmp(r->buf + from, "\xEF\xBB\xBF", 3) == 0)
            from += 3; /* a byte order mark before the first line */
        while (from < r->end && (r->buf[from] == ' ' || r->buf[from] == '\t' ||
                                 r->buf[from] == '\r' || r->buf[from] == '\n'))
            from++;
        scan = scan > from ? scan : from;
        char *nl = memchr(r->buf + scan, '\n', r->end - scan);
        if (nl || (r->eof && from < r->end)) {
            *ret_line = r->buf + from;
            *ret_len = nl ? (size_t)(nl - (r->buf + from)) : r->end - from;
            return 1;
        }
        size_t off_from = from - r->start, off_scan = r->end - r->start;
        int rc = fill(r);
        if (rc < 0)
            return -1;
        if (rc == 0 && from >= r->end)
            return 0;
        if (rc == 2 || rc == 3) { /* a first line over the limit: what is there */
            *ret_line = r->buf + r->start + off_from;
            *ret_len = r->end - r->start - off_from;
            return 1;
        }
        from = r->start + off_from;
        scan = r->start + off_scan;
    }
}

uint64_t feed_offset(feed_reader *r)
{
    z_off_t o = gzoffset(r->gz);
    return o > 0 ? (uint64_t)o : 0;
}

void feed_close(feed_reader *r)
{
    if (!r)
        return;
    gzclose(r->gz);
    free(r->buf);
    free(r);
}

/* ---- choosing the mode of an input by its content ------------------------ */

/* FEED_JSONL when the first non-blank line (after a UTF-8 byte order mark)
 * is a JSON object (or, over the size limit, starts like one), else
 * FEED_PLAIN; -1 on a read error. */
static int sniff(feed_reader *r, uint64_t max)
{
    const char *line;
    size_t len;
    int rc = peek_first(r, &line, &len);
    if (rc <= 0)
        return rc < 0 ? -1 : FEED_PLAIN;
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (len == 0 || line[0] != '{')
        return FEED_PLAIN;
    if (max && len >= max)
        return FEED_JSONL;
    json_t *o = sanctagp_json_load_line(line, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL,
                                       NULL);
    int mode = json_is_object(o) ? FEED_JSONL : FEED_PLAIN;
    json_decref(o);
    return mode;
}

/* Settles a FEED_AUTO input on its first read and says so once per outcome. */
static int settle_mode(feed_iter *it, feed_input *in)
{
    int mode = sniff(it->r, it->ins->max_doc);
    if (mode < 0)
        return -1;
    in->mode = mode;
    int is_stdin = strcmp(in->path, "-") == 0;
    if (mode == FEED_JSONL && !(it->noticed & 1)) {
        it->noticed |= 1;
        cli_warn("%s: the first line is a JSON object, so %s is read as JSON Lines (one "
                 "document per line); --plain reads it as plain text", in->name,
                 is_stdin ? "the input" : "the file");
    } else if (mode == FEED_PLAIN && !is_stdin && !(it->noticed & 2)) {
        it->noticed |= 2;
        cli_warn("%s: the first line is not a JSON object, so the file is read as one "
                 "plain-text document (a JSON array converts to JSON Lines with "
                 "jq -c '.[]'); --jsonl reads it as JSON Lines", in->name);
    }
    return 0;
}

/* ---- the record iterator ----------------------------------------------- */

void feed_iter_init(feed_iter *it, const feed_inputs *ins, int keep_blank)
{
    memset(it, 0, sizeof *it);
    it->ins = ins;
    it->keep_blank = keep_blank;
}

/* Ends the current input and moves to the next. */
static void iter_advance(feed_iter *it)
{
    feed_close(it->r);
    it->r = NULL;
    it->done_before += it->ins->v[it->i].size;
    it->i++;
}

static int iter_error(feed_iter *it, feed_rec *rec, int kind, int err, long line)
{
    rec->kind = kind;
    rec->err = err;
    rec->line = line;
    rec->data = NULL;
    rec->len = 0;
    iter_advance(it);
    return 1;
}

char *feed_too_big_msg(char *buf, size_t cap, const char *name, long line, uint64_t size,
                       uint64_t max, int err)
{
    char where[32] = "";
    if (line > 0)
        snprintf(where, sizeof where, ":%ld", line);
    if (err == ENOMEM)
        snprintf(buf, cap,
                 "%s%s: document of %llu bytes: out of memory holding it (the limit of one "
                 "document is %llu bytes, --max-doc-size SIZE): skipped", name, where,
                 (unsigned long long)size, (unsigned long long)max);
    else
        snprintf(buf, cap,
             "%s%s: document of %llu bytes is over the limit of one document, %llu bytes "
             "(--max-doc-size SIZE): skipped", name, where, (unsigned long long)size,
             (unsigned long long)max);
    return buf;
}

/* A document over the size limit (err 0) or one memory ran out holding (err
 * ENOMEM): its size in rec->size, no data. */
static int too_big(feed_iter *it, feed_rec *rec, size_t size, long line, int err)
{
    rec->kind = FEED_REC_TOOBIG;
    rec->err = err;
    rec->size = size;
    rec->line = line;
    rec->data = NULL;
    rec->len = 0;
    if (line == 0)
        iter_advance(it);
    return 1;
}

/* Opens the current input (saying when it is a terminal) and settles its mode. */
static int iter_open(feed_iter *it, feed_input *in)
{
    int is_stdin = strcmp(in->path, "-") == 0;
    if (is_stdin && isatty(0))
        cli_warn("reading documents from standard input (a terminal): type or paste, then "
                 "Ctrl-D; or give FILE arguments");
    it->r = feed_open(in->path);
    it->lineno = 0;
    if (!it->r)
        return -1;
    feed_set_max(it->r, it->ins->max_doc);
    if (in->mode == FEED_AUTO)
        return settle_mode(it, in);
    return 0;
}

int feed_iter_next(feed_iter *it, feed_rec *rec)
{
    free(it->doc);
    it->doc = NULL;
    rec->size = 0;
    rec->err = 0;
    while (it->i < it->ins->n) {
        /* the iterator settles FEED_AUTO inputs, so it may change their mode */
        feed_input *in = (feed_input *)&it->ins->v[it->i];
        rec->in = in;
        if (!it->r && iter_open(it, in) != 0)
            return iter_error(it, rec, it->r ? FEED_REC_READ_ERR : FEED_REC_OPEN_ERR, errno, 0);
        if (in->mode == FEED_PLAIN) {
            int rc = feed_read_all(it->r, &it->doc, &rec->len);
            if (rc < 0)
                return iter_error(it, rec, FEED_REC_READ_ERR, errno, 0);
            if (rc == 2 || rc == 3)
                return too_big(it, rec, rec->len, 0, rc == 3 ? ENOMEM : 0);
            rec->kind = FEED_REC_DOC;
            rec->data = it->doc;
            rec->line = 0;
            iter_advance(it);
            return 1;
        }
        const char *line;
        size_t len;
        int got;
        while ((got = feed_next_line(it->r, &line, &len)) >= 1) {
            it->lineno++;
            if (got == 2 || got == 3)
                return too_big(it, rec, len, it->lineno, got == 3 ? ENOMEM : 0);
            if (it->lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
                line += 3; /* a byte order mark, as editors on Windows write */
                len -= 3;
            }
            size_t k = 0;
            while (!it->keep_blank && k < len && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (!it->keep_blank && k == len)
                continue; /* blank line: not a document */
            rec->kind = FEED_REC_LINE;
            rec->data = line;
            rec->len = len;
            rec->line = it->lineno;
            return 1;
        }
        if (got < 0)
            return iter_error(it, rec, FEED_REC_READ_ERR, errno, it->lineno);
        iter_advance(it);
    }
    return 0;
}

uint64_t feed_iter_done(const feed_iter *it)
{
    return it->done_before + (it->r ? feed_offset(it->r) : 0);
}

void feed_iter_close(feed_iter *it)
{
    feed_close(it->r);
    free(it->doc);
    memset(it, 0, sizeof *it);
}
