/* feed.h - input side of `sanctag tag`: files, directories, stdin and gzip'd
 * input read as documents (plain text) or JSON Lines records, in order. */
#ifndef SANCTAG_FEED_H
#define SANCTAG_FEED_H

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

#endif
