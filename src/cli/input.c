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

#include <zlib.h>

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
        return push(out, dir, mode == FEED_AUTO ? FEED_PLAIN : mode, 0, 1); /* error record */
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
                        rc = push(out, p, FEED_JSONL, (uint64_t)sb.st_size, 1);
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
    if (npaths == 0)
        return push(out, "-", mode == FEED_JSONL ? FEED_JSONL : FEED_PLAIN, 0, 0);
    for (int i = 0; i < npaths; i++) {
        const char *p = paths[i];
        struct stat sb;
        int m = mode != FEED_AUTO ? mode : is_jsonl_name(p) ? FEED_JSONL : FEED_PLAIN;
        if (strcmp(p, "-") == 0) {
            if (push(out, p, m, 0, 0))
                return -1;
        } else if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (walk_dir(out, p, mode))
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
    r->cap = 1 << 20;
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
    gzbuffer(r->gz, 1 << 17);
    return r;
}

/* Reads more into the buffer; 0 at end of input, -1 on error. */
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
        if (r->cap > SIZE_MAX / 2) {
            errno = ENOMEM;
            return -1;
        }
        char *nb = realloc(r->buf, r->cap * 2);
        if (!nb) {
            errno = ENOMEM;
            return -1;
        }
        r->buf = nb;
        r->cap *= 2;
    }
    size_t want = r->cap - r->end;
    if (want > (1u << 30))
        want = 1u << 30;
    int n = gzread(r->gz, r->buf + r->end, (unsigned)want);
    if (n < 0) {
        int zerr;
        gzerror(r->gz, &zerr);
        errno = zerr == Z_ERRNO ? errno : EIO;
        return -1;
    }
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->end += (size_t)n;
    return 1;
}

int feed_next_line(feed_reader *r, const char **ret_line, size_t *ret_len)
{
    size_t scan = r->start;
    for (;;) {
        char *nl = memchr(r->buf + scan, '\n', r->end - scan);
        if (nl) {
            size_t len = (size_t)(nl - (r->buf + r->start));
            *ret_line = r->buf + r->start;
            r->start += len + 1;
            if (len && (*ret_line)[len - 1] == '\r')
                len--;
            *ret_len = len;
            return 1;
        }
        size_t seen = r->end - r->start;
        int rc = fill(r);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (r->end == r->start)
                return 0;
            /* last line without a newline */
            size_t len = r->end - r->start;
            *ret_line = r->buf + r->start;
            r->start = r->end;
            if (len && (*ret_line)[len - 1] == '\r')
                len--;
            *ret_len = len;
            return 1;
        }
        scan = r->start + seen; /* fill moved the data to the front */
    }
}

int feed_read_all(feed_reader *r, char **ret, size_t *ret_len)
{
    int rc;
    while ((rc = fill(r)) > 0)
        ;
    if (rc < 0)
        return -1;
    size_t len = r->end - r->start;
    char *out = malloc(len + 1);
    if (!out) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(out, r->buf + r->start, len);
    out[len] = 0;
    r->start = r->end;
    *ret = out;
    *ret_len = len;
    return 0;
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

int feed_iter_next(feed_iter *it, feed_rec *rec)
{
    free(it->doc);
    it->doc = NULL;
    while (it->i < it->ins->n) {
        const feed_input *in = &it->ins->v[it->i];
        rec->in = in;
        if (!it->r) {
            it->r = feed_open(in->path);
            it->lineno = 0;
            if (!it->r)
                return iter_error(it, rec, FEED_REC_OPEN_ERR, errno, 0);
        }
        if (in->mode == FEED_PLAIN) {
            if (feed_read_all(it->r, &it->doc, &rec->len) != 0)
                return iter_error(it, rec, FEED_REC_READ_ERR, errno, 0);
            rec->kind = FEED_REC_DOC;
            rec->data = it->doc;
            rec->line = 0;
            iter_advance(it);
            return 1;
        }
        const char *line;
        size_t len;
        int got;
        while ((got = feed_next_line(it->r, &line, &len)) == 1) {
            it->lineno++;
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
