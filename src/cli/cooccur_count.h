/* cooccur_count.h - `sanctag cooccur`: counting the documents of the inputs
 * (tagged output, or raw documents tagged here) into the co-occurrence table,
 * through the shared pipeline. */
#ifndef SANCTAG_COOCCUR_COUNT_H
#define SANCTAG_COOCCUR_COUNT_H

#include "cooccur/cooccur.h"
#include "sanctag.h"
#include "listed.h"

/* The run: options (read-only while workers run) and what the writer counted. */
typedef struct cooc_ctx {
    sanctagp_cooc *c;
    const char *id_field, *text_field, *date_field;
    int tag;
    sanctag_gazetteer *gz;
    unsigned tag_flags;
    long bad_records, tag_errors, shown;
    long too_big; /* documents refused: a unit beyond the unit limit */
    uint64_t *ids; /* hashes of the ids seen (open addressing, 0 = empty) */
    size_t nids, ids_cap;
    long dup_ids; /* documents whose id was seen before */
    char dup_example[64], dup_where[160];
    int progress;               /* --progress: a progress line on stderr */
    double progress_t0, progress_at; /* when it started, was last written (0: not shown) */
    uint64_t input_total;       /* bytes of the inputs, 0 if unknown */
    uint64_t old_org_country; /* ORG spans of older output without entity_country */
    int fatal;
    char unparsed_ex[3][80], ambiguous_ex[3][80];
    int n_unparsed_ex, n_ambiguous_ex;
    const cli_listed *listed; /* --listed-only, --program, --list-source (listed.h) */
    unsigned long long unlisted; /* mentions the filter left out */
} cooc_ctx;

/* Counts the documents of `paths` (tagged output, or raw with x->tag) with
 * `jobs` workers; x->fatal after a fatal problem (reported). */
/* Clears the progress line, if one is shown (before the summary). */
void count_progress_end(cooc_ctx *x);

void count_inputs(cooc_ctx *x, const char *db, int weak, char **paths, int npaths, int jobs);

#endif
