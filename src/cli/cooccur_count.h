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
    int fatal;
    char unparsed_ex[3][80], ambiguous_ex[3][80];
    int n_unparsed_ex, n_ambiguous_ex;
    const cli_listed *listed; /* --listed-only, --program, --list-source (listed.h) */
    unsigned long long unlisted; /* mentions the filter left out */
} cooc_ctx;

/* Counts the documents of `paths` (tagged output, or raw with x->tag) with
 * `jobs` workers; x->fatal after a fatal problem (reported). */
void count_inputs(cooc_ctx *x, const char *db, int weak, char **paths, int npaths, int jobs);

#endif
