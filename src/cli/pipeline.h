/* pipeline.h - the worker pipeline of the commands that read documents:
 * the main thread reads records (input.h) into batches of a bounded ring,
 * N - 1 worker threads and the main thread (when two batches wait) process
 * whole batches through a callback, and the main thread hands finished
 * batches to a writer callback strictly in input order, so the result is the
 * same whatever the number of workers. With jobs 1 everything runs on the
 * main thread. */
#ifndef SANCTAG_PIPELINE_H
#define SANCTAG_PIPELINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "input.h"

/* One record of a batch. */
typedef struct pl_item {
    int kind;            /* FEED_REC_* */
    size_t off, len;     /* the record's bytes in the batch arena (NUL-terminated) */
    const feed_input *in;
    long line;           /* line number, or lines read before a read error */
    int err;             /* errno of an error record */
    uint64_t size;       /* FEED_REC_TOOBIG: the document's length */
    unsigned long seq;   /* record number in the run, from 1 */
    size_t out_off, out_len; /* what process() appended to the batch's out */
    void *result;        /* whatever process() leaves for the writer */
} pl_item;

typedef struct pl_batch {
    pl_item *items;
    size_t n, cap;
    sanctagp_buf in;     /* input bytes of all items */
    sanctagp_buf out;    /* output bytes of all items */
    sanctagp_buf err;    /* messages, one per line */
    long ndocs, nerrs;
    int state, oom, write_err;
} pl_batch;

/* The bytes of an item (NUL-terminated). */
static inline const char *pl_data(const pl_batch *b, const pl_item *it)
{
    return b->in.p + it->off;
}

typedef struct pl_ops {
    /* per-worker state: made before the run (on the main thread), NULL on failure */
    void *(*worker_new)(void *ctx);
    void (*worker_free)(void *w);
    /* processes one item on a worker (a worker thread, or the main thread
     * with its own worker state): appends to b->out / b->err, may set
     * it->result; must not touch state other workers share */
    void (*process)(void *w, pl_batch *b, pl_item *it);
    /* takes a finished batch on the main thread, in input order; returns
     * nonzero to stop reading (batches in flight are still written) */
    int (*write)(void *ctx, pl_batch *b);
    /* optional: called about every 1024 lines with the bytes read */
    void (*progress)(void *ctx, uint64_t bytes_in, uint64_t done);
    /* optional: a flag a signal handler sets to stop reading */
    const volatile sig_atomic_t *stop;
} pl_ops;

/* The default number of workers: the cores online, at most 64. */
int pl_default_jobs(void);
/* Parses a -j argument (1 to 1024): 0 or -1. */
int pl_parse_jobs(const char *s, int *ret);

/* Runs `ops` over the records of `ins` with `jobs` workers. Returns 0, -1 when
 * memory ran out while reading, or -2 when the workers could not be started
 * (after printing why; nothing was read). `bytes_in`, when not NULL, receives
 * the bytes of all records read. */
int pl_run(const pl_ops *ops, void *ctx, const feed_inputs *ins, int keep_blank, int jobs,
           uint64_t *bytes_in);

#endif
