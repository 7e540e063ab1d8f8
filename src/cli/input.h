/* input.h - the input layer of every command that reads documents (tag, show,
 * eval, cooccur): files, directories, stdin and gzip'd input read as documents
 * (plain text) or JSON Lines records, in order. The record iterator at the end
 * is the one line loop of the CLI; how a mode is chosen lives in feed_expand(),
 * so detection of JSON Lines by content (and a --plain switch) can slot in there. */
#ifndef SANCTAG_INPUT_H
#define SANCTAG_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* How an input is read. */
enum { FEED_AUTO = 0, FEED_PLAIN = 1, FEED_JSONL = 2 };

/* One input path expanded: directories become their .txt/.jsonl(.gz) files
 * (recursively, in name order). */
typedef struct feed_input {
    char *path;       /* owned; "-" for stdin */
    char *name;       /* owned; for messages and ids ("<stdin>" for "-") */
    int mode;         /* FEED_PLAIN or FEED_JSONL */
    uint64_t size;    /* bytes on disk, 0 if unknown (stdin, pipes) */
} feed_input;

typedef struct feed_inputs {
    feed_input *v;
    size_t n, cap;
    uint64_t total;   /* sum of sizes; 0 if any is unknown */
    int unknown;      /* some size unknown */
} feed_inputs;

/* Expands `paths` (NULL-terminated list; empty means stdin). `mode` forces
 * FEED_JSONL for every file when the user said --jsonl; with FEED_AUTO a file
 * is JSON Lines when its name ends in .jsonl, .ndjson or .jsonl.gz. Missing
 * paths are kept (their open error becomes an output record). Returns 0 or -1
 * on out of memory. */
int feed_expand(feed_inputs *out, char **paths, int npaths, int mode);
void feed_inputs_free(feed_inputs *in);

/* A reader over one input (plain or gzip, detected by content). */
typedef struct feed_reader feed_reader;

/* Opens; on failure returns NULL with errno set. */
feed_reader *feed_open(const char *path);
/* Next line without its newline (and trailing CR): 1 with *ret_line and *ret_len
 * valid until the next call, 0 at end, -1 on read error (errno set). */
int feed_next_line(feed_reader *r, const char **ret_line, size_t *ret_len);
/* Whole remaining content appended to a malloc'd buffer: 0 or -1 (errno). */
int feed_read_all(feed_reader *r, char **ret, size_t *ret_len);
/* Compressed bytes consumed so far (for progress). */
uint64_t feed_offset(feed_reader *r);
void feed_close(feed_reader *r);

/* ---- records: every input in order ------------------------------------- */

enum {
    FEED_REC_DOC,      /* a plain-text input: data/len is the whole document */
    FEED_REC_LINE,     /* a JSON Lines record: data/len is the line (no newline) */
    FEED_REC_OPEN_ERR, /* the input could not be opened (err) */
    FEED_REC_READ_ERR, /* reading failed (err) after `line` lines; line 0 for plain */
};

typedef struct feed_rec {
    int kind;
    const char *data;     /* valid until the next call */
    size_t len;
    const feed_input *in; /* the input it comes from */
    long line;            /* FEED_REC_LINE: line number from 1 */
    int err;              /* errno of an error record */
} feed_rec;

typedef struct feed_iter {
    const feed_inputs *ins;
    size_t i;             /* input being read */
    feed_reader *r;
    char *doc;            /* the plain document handed out last */
    long lineno;
    int keep_blank;       /* hand out blank lines too (default: skipped) */
    uint64_t done_before; /* sizes of the inputs finished */
} feed_iter;

void feed_iter_init(feed_iter *it, const feed_inputs *ins, int keep_blank);
/* Next record: 1 with *rec filled, 0 after the last input. An error record ends
 * its input; the next call goes on with the next one. */
int feed_iter_next(feed_iter *it, feed_rec *rec);
/* Bytes of the inputs consumed so far (compressed bytes), for progress. */
uint64_t feed_iter_done(const feed_iter *it);
void feed_iter_close(feed_iter *it);

#endif
