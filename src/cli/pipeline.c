/* pipeline.c - reader -> N workers -> in-order writer over a bounded ring of
 * batches, so a feed of any size runs in bounded memory; with -j N the
 * workers are N - 1 threads and the main thread, which also reads and
 * writes. */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { B_FREE, B_FILLED, B_WORKING, B_DONE };

/* Small batches: each ring slot's buffers (input, output) are touched once
 * and then reused, so the ring's size is memory the process faults in; 32
 * documents or 128 KB keep a worker busy for about a millisecond, and the
 * last batch, which one worker finishes alone, is short. Measured at -j 2 on
 * 20 MB of news (issue 20): 256 items / 1 MB took 2,300 more page faults and
 * about 12% more CPU time than this, and 9 MB more peak RSS. */
#define BATCH_ITEMS 32
#define BATCH_BYTES (1u << 17)

typedef struct pool pool;

typedef struct slot {
    void *w;   /* the callback's worker state */
    pool *p;
} slot;

struct pool {
    const pl_ops *ops;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    pl_batch *ring;
    size_t nring;
    size_t submitted;   /* batches handed to workers */
    size_t taken;
    size_t written;     /* batches written */
    size_t filling;     /* index of the batch being filled (= batches created) */
    unsigned long nitems;
    uint64_t bytes_in;
    int stop, stopped;  /* workers to end; writer asked to stop reading */
    slot *slots;
    pthread_t *threads;
    int nthreads;       /* worker threads; 0: the main thread alone works (slots[0]) */
    void *mainw;        /* with threads: the main thread's worker state (it helps) */
};

int pl_default_jobs(void)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    return ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1;
}

int pl_parse_jobs(const char *s, int *ret)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || v < 1 || v > 1024)
        return -1;
    *ret = (int)v;
    return 0;
}

static void process_batch(pool *p, void *w, pl_batch *b)
{
    b->out.len = 0;
    b->err.len = 0;
    b->ndocs = b->nerrs = 0;
    b->oom = 0;
    for (size_t i = 0; i < b->n; i++) {
        pl_item *it = &b->items[i];
        it->out_off = b->out.len;
        it->result = NULL;
        p->ops->process(w, b, it);
        it->out_len = b->out.len - it->out_off;
    }
}

/* Takes the next submitted batch and tags it with worker state w, without
 * the lock; called with the lock held (a batch waiting), returns with it. */
static void work_one(pool *p, void *w)
{
    pl_batch *b = &p->ring[p->taken % p->nring];
    p->taken++;
    b->state = B_WORKING;
    pthread_mutex_unlock(&p->mu);
    process_batch(p, w, b);
    pthread_mutex_lock(&p->mu);
    b->state = B_DONE;
}

static void *worker_main(void *arg)
{
    slot *s = arg;
    pool *p = s->p;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->taken == p->submitted)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->taken == p->submitted && p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        work_one(p, s->w);
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

static void write_batch(pool *p, pl_batch *b)
{
    if (p->ops->write(p->ctx, b))
        p->stopped = 1;
    b->n = 0;
    b->in.len = 0;
    b->state = B_FREE;
}

/* The main thread tags a batch itself when two or more wait for a worker
 * (one is left for the next worker free): with -j N it is one of the N
 * workers, and reads and writes between batches. Called with the lock held,
 * returns with it; 1 when it tagged one. */
static int help(pool *p)
{
    if (!p->mainw || p->submitted - p->taken < 2)
        return 0;
    work_one(p, p->mainw); /* only the main thread waits for a batch done: no signal */
    return 1;
}

/* Writes the oldest batch once done; called with the lock held, returns with it. */
static void write_oldest(pool *p, int wait)
{
    pl_batch *old = &p->ring[p->written % p->nring];
    while (wait && old->state != B_DONE)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    write_batch(p, old);
    p->written++;
    pthread_mutex_lock(&p->mu);
}

/* The batch to fill next: waits for its ring slot to be written first. */
static pl_batch *next_batch(pool *p)
{
    pl_batch *b = &p->ring[p->filling % p->nring];
    if (p->nthreads == 0)
        return b;
    pthread_mutex_lock(&p->mu);
    while (p->written < p->filling && p->filling - p->written >= p->nring)
        if (p->ring[p->written % p->nring].state == B_DONE || !help(p))
            write_oldest(p, 1);
    pthread_mutex_unlock(&p->mu);
    return b;
}

/* Hands the current batch over (or processes it at once with one job) and
 * writes whatever is finished, in order. */
static void submit(pool *p)
{
    pl_batch *b = &p->ring[p->filling % p->nring];
    /* a full ring: the slot still holds the oldest batch, unwritten, so
     * nothing is being filled (drain() after a batch that filled up exactly);
     * submitting it again would tag it twice and wait for ever on a slot
     * the writer has freed */
    if (b->n == 0 || p->filling - p->written >= p->nring)
        return;
    if (p->nthreads == 0) {
        process_batch(p, p->slots[0].w, b);
        write_batch(p, b);
        p->filling++;
        p->written++;
        return;
    }
    pthread_mutex_lock(&p->mu);
    b->state = B_FILLED;
    p->submitted++;
    p->filling++;
    pthread_cond_signal(&p->work);
    while (p->written < p->filling && p->ring[p->written % p->nring].state == B_DONE)
        write_oldest(p, 0);
    pthread_mutex_unlock(&p->mu);
}

static void drain(pool *p)
{
    submit(p);
    if (p->nthreads == 0)
        return;
    pthread_mutex_lock(&p->mu);
    while (p->written < p->filling)
        if (p->ring[p->written % p->nring].state == B_DONE || !help(p))
            write_oldest(p, 1);
    pthread_mutex_unlock(&p->mu);
}

/* Adds a record to the batch being filled, submitting it when full. */
static int add_item(pool *p, const feed_rec *rec)
{
    pl_batch *b = next_batch(p);
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : BATCH_ITEMS;
        pl_item *v = realloc(b->items, nc * sizeof *v);
        if (!v)
            return -1;
        b->items = v;
        b->cap = nc;
    }
    pl_item *it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    it->kind = rec->kind;
    it->off = b->in.len;
    it->len = rec->len;
    it->in = rec->in;
    it->line = rec->line;
    it->err = rec->err;
    it->size = rec->size;
    it->seq = ++p->nitems;
    /* a record memory cannot hold here is skipped as one over the limit is
     * (FEED_REC_TOOBIG, ENOMEM): its document gets an error, the run goes on */
    if (rec->len && sanctagp_buf_append(&b->in, rec->data, rec->len)) {
        it->kind = FEED_REC_TOOBIG;
        it->err = ENOMEM;
        it->size = rec->len;
        it->len = 0;
    }
    /* NUL-terminate each item: json_loadb does not need it, messages do */
    if (sanctagp_buf_append(&b->in, "", 1))
        return -1;
    b->n++;
    p->bytes_in += rec->len;
    if (b->n >= BATCH_ITEMS || b->in.len >= BATCH_BYTES)
        submit(p);
    return 0;
}

static int read_all(pool *p, const feed_inputs *ins, int keep_blank)
{
    const pl_ops *ops = p->ops;
    feed_iter it;
    feed_rec rec;
    int rc = 0;
    feed_iter_init(&it, ins, keep_blank);
    while (!p->stopped && !(ops->stop && *ops->stop) && feed_iter_next(&it, &rec) == 1) {
        if ((rc = add_item(p, &rec)))
            break;
        if (ops->progress && rec.kind == FEED_REC_LINE && (rec.line & 1023) == 0)
            ops->progress(p->ctx, p->bytes_in, feed_iter_done(&it));
    }
    feed_iter_close(&it);
    return rc;
}

static int start(pool *p, int jobs)
{
    /* with -j N, N - 1 threads and the main thread, which also reads and
     * writes: N threads on N cores, not N + 1 */
    p->nthreads = jobs > 1 ? jobs - 1 : 0;
    /* a slot per worker, one being filled and one done before an older one:
     * a page fault costs some 10 us on a VM, and each slot's output buffer
     * (about 800 KB of JSON for 128 KB of news) is faulted in once. At -j 2
     * on 20 MB, four slots instead of six took 200-300 fewer faults; on
     * 100 MB the time was the same within the noise. */
    p->nring = p->nthreads ? (size_t)jobs + 2 : 1;
    p->ring = calloc(p->nring, sizeof *p->ring);
    p->slots = calloc(p->nthreads ? (size_t)p->nthreads : 1, sizeof *p->slots);
    if (!p->ring || !p->slots)
        return -1;
    if (!p->nthreads)
        return (p->slots[0].w = p->ops->worker_new(p->ctx)) ? 0 : -1;
    if (!(p->mainw = p->ops->worker_new(p->ctx)))
        return -1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->threads = calloc((size_t)p->nthreads, sizeof *p->threads);
    if (!p->threads)
        return -1;
    int started = 0, ok = 1;
    for (int i = 0; i < p->nthreads; i++) {
        slot *s = &p->slots[i];
        s->p = p;
        if (!(s->w = p->ops->worker_new(p->ctx)) ||
            pthread_create(&p->threads[i], NULL, worker_main, s) != 0) {
            if (s->w)
                p->ops->worker_free(s->w);
            s->w = NULL;
            ok = 0;
            break;
        }
        started++;
    }
    p->nthreads = started;
    return ok ? 0 : -1;
}

static void finish(pool *p)
{
    if (p->threads) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < p->nthreads; i++)
            pthread_join(p->threads[i], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->done);
    }
    for (int i = 0; p->slots && i < (p->nthreads ? p->nthreads : 1); i++)
        if (p->slots[i].w)
            p->ops->worker_free(p->slots[i].w);
    if (p->mainw)
        p->ops->worker_free(p->mainw);
    for (size_t i = 0; i < p->nring && p->ring; i++) {
        free(p->ring[i].items);
        sanctagp_buf_release(&p->ring[i].in);
        sanctagp_buf_release(&p->ring[i].out);
        sanctagp_buf_release(&p->ring[i].err);
    }
    free(p->ring);
    free(p->slots);
    free(p->threads);
}

int pl_run(const pl_ops *ops, void *ctx, const feed_inputs *ins, int keep_blank, int jobs,
           uint64_t *bytes_in)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.ops = ops;
    p.ctx = ctx;
    int rc = 0;
    if (start(&p, jobs) != 0) {
        cli_warn("cannot start: out of memory or threads");
        rc = -2;
    } else {
        rc = read_all(&p, ins, keep_blank);
        drain(&p);
    }
    finish(&p);
    if (bytes_in)
        *bytes_in = p.bytes_in;
    return rc;
}
