/* input.h - the input layer of every command that reads documents (tag, show,
 * eval, cooccur): files, directories, stdin and gzip'd input read as documents
 * (plain text) or JSON Lines records, in order. The record iterator at the end
 * is the one line loop of the CLI; how a mode is chosen lives in feed_expand(),
 * so detection of JSON Lines by content (and a --plain switch) can slot in there. */
#ifndef SANCTAG_INPUT_H
#define SANCTAG_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* How an input is read. FEED_AUTO: by its name, and for standard input and
 * *.json files by its content (JSON Lines when the first line that is not
 * blank is a JSON object, with one notice on stderr). FEED_PLAIN_FORCED is
 * --plain: every input, *.jsonl files too, is plain text. */
enum { FEED_AUTO = 0, FEED_PLAIN = 1, FEED_JSONL = 2, FEED_PLAIN_FORCED = 3 };

/* The default per-document size limit (--max-doc-size): far above any news
 * article, low enough that one hostile line cannot exhaust memory. */
#define FEED_DEFAULT_MAX_DOC ((uint64_t)64 << 20)

/* One input path expanded: directories become their .txt/.jsonl(.gz) files
 * (recursively, in name order). */
typedef struct feed_input {
    char *path;       /* owned; "-" for stdin */
    char *name;       /* owned; for messages and ids ("<stdin>" for "-") */
    int mode;         /* FEED_PLAIN, FEED_JSONL, or FEED_AUTO until the first read */
    uint64_t size;    /* bytes on disk, 0 if unknown (stdin, pipes) */
} feed_input;

typedef struct feed_inputs {
    feed_input *v;
    size_t n, cap;
    uint64_t total;   /* sum of sizes; 0 if any is unknown */
    int unknown;      /* some size unknown */
    /* the longest document (plain file) or JSON line read; a longer one is
     * skipped without being held in memory and handed out as a
     * FEED_REC_TOOBIG record. FEED_DEFAULT_MAX_DOC after feed_expand(); 0: no
     * limit */
    uint64_t max_doc;
} feed_inputs;

/* Expands `paths` (NULL-terminated list; empty means stdin). `mode` forces
 * FEED_JSONL for every file when the user said --jsonl, FEED_PLAIN_FORCED
 * plain text (--plain); with FEED_AUTO a file is JSON Lines when its name
 * ends in .jsonl, .ndjson or .jsonl.gz, and stdin and *.json(.gz) files are
 * settled by content when first read (FEED_AUTO above). Missing
 * paths are kept (their open error becomes an output record). Returns 0 or -1
 * on out of memory. */
int feed_expand(feed_inputs *out, char **paths, int npaths, int mode);
void feed_inputs_free(feed_inputs *in);

/* A reader over one input (plain or gzip, detected by content). */
typedef struct feed_reader feed_reader;

/* Opens; on failure returns NULL with errno set. */
feed_reader *feed_open(const char *path);
/* Sets the longest line or document handed out (0: no limit, the default). */
void feed_set_max(feed_reader *r, uint64_t max);
/* Next line without its newline (and trailing CR): 1 with *ret_line and *ret_len
 * valid until the next call, 0 at end, -1 on read error (errno set), 2 for a
 * line over the limit: skipped through to its newline while counting it, never
 * held (the reader's buffer stays within the limit), *ret_len its length; 3
 * for a line memory ran out holding, skipped the same way. */
int feed_next_line(feed_reader *r, const char **ret_line, size_t *ret_len);
/* Whole remaining content in a malloc'd buffer: 0, -1 (errno), or 2 when it is
 * over the limit (read to the end without keeping it; *ret_len its length), 3
 * when memory ran out holding it (the same). */
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
    FEED_REC_TOOBIG,   /* a document (line `line`, 0 for a plain file) of `size`
                          bytes, over feed_inputs.max_doc, or with err ENOMEM
                          one memory ran out holding (read or batched):
                          skipped, no data */
};

typedef struct feed_rec {
    int kind;
    const char *data;     /* valid until the next call */
    size_t len;
    const feed_input *in; /* the input it comes from */
    long line;            /* FEED_REC_LINE: line number from 1 */
    int err;              /* errno of an error record (ENOMEM for FEED_REC_TOOBIG:
                             memory ran out, the limit was not reached) */
    uint64_t size;        /* FEED_REC_TOOBIG: the document's length in bytes */
} feed_rec;

typedef struct feed_iter {
    const feed_inputs *ins;
    size_t i;             /* input being read */
    feed_reader *r;
    char *doc;            /* the plain document handed out last */
    long lineno;
    int keep_blank;       /* hand out blank lines too (default: skipped) */
    uint64_t done_before; /* sizes of the inputs finished */
    int noticed;          /* notices of settled FEED_AUTO inputs given (bits) */
} feed_iter;

/* The message of a FEED_REC_TOOBIG record, "NAME:LINE: document of N bytes
 * is over the limit of one document, M bytes (--max-doc-size SIZE)", or with
 * `err` ENOMEM that memory ran out holding it, into buf (cap bytes). Returns
 * buf. */
char *feed_too_big_msg(char *buf, size_t cap, const char *name, long line, uint64_t size,
                       uint64_t max, int err);

void feed_iter_init(feed_iter *it, const feed_inputs *ins, int keep_blank);
/* Next record: 1 with *rec filled, 0 after the last input. An error record ends
 * its input; the next call goes on with the next one. */
int feed_iter_next(feed_iter *it, feed_rec *rec);
/* Bytes of the inputs consumed so far (compressed bytes), for progress. */
uint64_t feed_iter_done(const feed_iter *it);
void feed_iter_close(feed_iter *it);

#endif
