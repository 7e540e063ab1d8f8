/* cooccur.h - private: entity co-occurrence counting, exact merging of
 * partial counts, association scores (NPMI) and the output formats of
 * `sanctag cooccur` (CSV, JSON Lines, SQLite, GraphML, GEXF).
 *
 * Model. A run counts *units*: documents (window "document" and token
 * windows) or sentences (window "sentence"). Every unit belongs to one
 * *period* (a day, ISO week, month or year of the document's date, "unknown"
 * when the date is missing or unreadable, "all" without periods). For each
 * period the table keeps the raw counts every derived number is computed
 * from: units and documents in the period, per node (entity or country) the
 * units and documents mentioning it, per unordered node pair the units and
 * documents where the pair co-occurs, and the first and last date seen.
 * Counts only ever add up, so tables from shards merge exactly by summing;
 * NPMI is derived at output time, never stored as an input to anything.
 *
 * Library rule: nothing here prints. Problems are returned as SANCTAG_E*
 * codes with a sanctag_error; diagnostics are counters in sanctagp_cooc_totals.
 */
#ifndef SANCTAG_COOCCUR_H
#define SANCTAG_COOCCUR_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sanctag.h"

/* Co-occurrence window. */
enum { COOC_WIN_DOCUMENT = 0, COOC_WIN_SENTENCE = 1, COOC_WIN_TOKENS = 2 };
/* What a node is. */
enum { COOC_BY_ENTITY = 0, COOC_BY_COUNTRY = 1 };
/* Period granularity. */
enum { COOC_PER_NONE = 0, COOC_PER_DAY, COOC_PER_WEEK, COOC_PER_MONTH, COOC_PER_YEAR };
/* How numeric dates such as 8/11/2025 are read. */
enum { COOC_ORDER_AUTO = 0, COOC_ORDER_DMY = 1, COOC_ORDER_MDY = 2 };
/* Result of sanctagp_cooc_parse_date(). */
enum { COOC_DATE_OK = 0, COOC_DATE_UNPARSED = 1, COOC_DATE_AMBIGUOUS = 2 };

/* Version of the partial-output format (JSONL "meta" line, SQLite meta table). */
#define SANCTAGP_COOC_FORMAT "sanctag-cooccur"
#define SANCTAGP_COOC_FORMAT_VERSION 1

/* Counting options: two tables merge only when these are equal. */
typedef struct sanctagp_cooc_opts {
    int window;           /* COOC_WIN_* */
    unsigned tokens;      /* gap in tokens, COOC_WIN_TOKENS only */
    int by;               /* COOC_BY_* */
    int period;           /* COOC_PER_* */
    int date_order;       /* COOC_ORDER_* */
    char date_field[128]; /* field the dates came from (recorded, compared on merge) */
    char labels[512];     /* comma-separated labels counted, sorted; "" = all */
    char listed[600];     /* listed-entity filter counted (cooccur --listed-only,
                           * --program, --list-source), "" = all mentions */
    int documents;        /* 1: keep the per-document listing */
} sanctagp_cooc_opts;

/* Run totals. All are sums over documents, so they merge by adding. */
typedef struct sanctagp_cooc_totals {
    uint64_t documents;          /* documents read (error documents included) */
    uint64_t error_documents;    /* records with an "error" object (no entities) */
    uint64_t units;              /* units counted (documents or sentences) */
    uint64_t dated;              /* documents with a readable date */
    uint64_t undated;            /* documents without a date field */
    uint64_t unparsed_dates;     /* date present but not readable */
    uint64_t ambiguous_dates;    /* numeric day/month order unknown (see --date-order) */
    uint64_t mentions;           /* mentions counted */
    uint64_t mentions_skipped;   /* nested / suppressor spans, not counted */
    uint64_t mentions_unlabelled;/* mentions whose label was not selected */
    uint64_t mentions_no_country;/* by country: mentions of entities without a country */
} sanctagp_cooc_totals;

/* Output options: applied when writing, never to the counts. */
typedef struct sanctagp_cooc_out {
    uint64_t min_count;   /* keep pairs with count >= min_count (1 = all) */
    uint64_t top;         /* keep the first `top` pairs per period (0 = all) */
    int sort_npmi;        /* 0: count desc, npmi desc; 1: npmi desc, count desc */
    char **with;          /* keep pairs involving one of these node keys */
    size_t nwith;
    char **without;       /* drop pairs involving one of these node keys */
    size_t nwithout;
} sanctagp_cooc_out;

typedef struct sanctagp_cooc sanctagp_cooc;

/* A document as listed in the documents tables. Borrowed pointers; valid for
 * the duration of the callback or call it is passed to. */
typedef struct sanctagp_cooc_docent {
    const char *key;
    uint64_t units;
} sanctagp_cooc_docent;
typedef struct sanctagp_cooc_docpair {
    const char *a, *b; /* a < b (strcmp) */
    uint64_t units;
} sanctagp_cooc_docpair;
typedef struct sanctagp_cooc_doc {
    uint64_t doc;          /* 1-based position in the input */
    json_t *id;            /* the document id as read (NULL = null) */
    const char *date;      /* "YYYY-MM-DD" or NULL */
    const char *date_raw;  /* the date as written, or NULL when absent */
    const char *period;
    uint64_t units;
    const char *error;     /* error code of an error record, or NULL */
    size_t nent, npair;
    const sanctagp_cooc_docent *ent;   /* sorted by key */
    const sanctagp_cooc_docpair *pair; /* sorted by (a, b) */
} sanctagp_cooc_doc;

/* Receives each document listing; returns 0 or a negative code to stop. */
typedef int (*sanctagp_cooc_doc_sink)(void *data, const sanctagp_cooc_doc *d);

/* Creates an empty table. Returns NULL when out of memory. Owned: free with
 * sanctagp_cooc_free(). */
sanctagp_cooc *sanctagp_cooc_new(const sanctagp_cooc_opts *o);
/* NULL is a harmless no-op. */
void sanctagp_cooc_free(sanctagp_cooc *c);
/* The table's options and totals (borrowed; totals may be updated by the
 * caller for counters it keeps, such as mentions_skipped). */
const sanctagp_cooc_opts *sanctagp_cooc_options(const sanctagp_cooc *c);
sanctagp_cooc_totals *sanctagp_cooc_totals_of(sanctagp_cooc *c);
/* Sets where document listings go (only used when opts.documents). */
void sanctagp_cooc_set_sink(sanctagp_cooc *c, sanctagp_cooc_doc_sink fn, void *data);

/* Parses a free-form date: ISO (2023-12-04, 2023-12-04T08:15:00+07:00,
 * 2023/12/04), day-month-year with Indonesian or English month names, full
 * or abbreviated ("Senin, 04 Des 2023 08:15 WIB", "4 December 2023"),
 * "December 4, 2023", and numeric D/M/YYYY or M/D/YYYY read by `order`
 * (AUTO reads only the unambiguous ones: a first number > 12 is a day, a
 * second > 12 a day). A leading weekday and a trailing time are ignored.
 * Stores yyyymmdd in *ret_ymd on COOC_DATE_OK. */
int sanctagp_cooc_parse_date(const char *s, size_t n, int order, int32_t *ret_ymd);
/* Writes the period key of yyyymmdd `ymd` ("2023-12-04", "2023-W49",
 * "2023-12", "2023", or "unknown" for 0; "all" without periods). */
void sanctagp_cooc_period_key(int period, int32_t ymd, char out[16]);

/* Counting, one document at a time:
 * doc_begin (id borrowed; date_raw NULL when the record has no date, else
 * its text; date_ok = 0 when the field is present but not a string) ->
 * mention* -> doc_end. `sentence` is the span's sentence index (sentence
 * windows), [tok_first, tok_end) its token range (token windows). Mentions
 * with an empty key or, by country, no country, are not counted. */
int sanctagp_cooc_doc_begin(sanctagp_cooc *c, json_t *id, const char *date_raw, int date_ok);
int sanctagp_cooc_doc_mention(sanctagp_cooc *c, const char *key, const char *name,
                              const char *label, const char *country, uint32_t sentence,
                              uint32_t tok_first, uint32_t tok_end);
/* `nsentences`: sentences in the document (sentence windows; 0 for error
 * records); `error`: the error code of an error record or NULL.
 * A unit (sentence, else the document) with more distinct nodes than the
 * unit limit is refused: its pairs, and the table's memory, grow with the
 * square of that number. The document is then counted as an error document
 * "too_big" (no entities) and SANCTAG_E_TOOBIG returned with a message in
 * *err; counting may go on. */
int sanctagp_cooc_doc_end(sanctagp_cooc *c, uint64_t nsentences, const char *error,
                          sanctag_error *err);
/* The default unit limit: 1,000 distinct entities (at most 499,500 pairs) in
 * one unit, far above any news article (a few dozen). */
#define SANCTAGP_COOC_UNIT_LIMIT 1000
/* Sets the unit limit (0: none). */
void sanctagp_cooc_set_unit_limit(sanctagp_cooc *c, size_t limit);

/* Records a gazetteer version seen in the input. */
int sanctagp_cooc_add_gazetteer(sanctagp_cooc *c, const char *version);

/* Merging. A partial output is a JSONL or SQLite output of this module
 * written without output filters (meta "complete": true); the format is
 * detected from the content. probe reads its counting options (documents =
 * whether it lists documents) and fails with a message for anything that
 * cannot be merged exactly (filtered, other formats, other versions).
 * merge_file adds its counts to `c`, whose counting options must be equal,
 * and passes its documents, renumbered, to the sink when c lists documents. */
int sanctagp_cooc_probe_file(const char *path, sanctagp_cooc_opts *ret, sanctag_error *err);
int sanctagp_cooc_merge_file(sanctagp_cooc *c, const char *path, sanctag_error *err);
/* Name of the first counting option that differs ("window", "by", "period",
 * "date-order", "date-field", "label"), or NULL when a and b merge. */
const char *sanctagp_cooc_opts_diff(const sanctagp_cooc_opts *a, const sanctagp_cooc_opts *b);

/* Output. Each writer sorts and scores the table first; errors are write
 * errors (SANCTAG_E_IO) or SQLite errors. */
int sanctagp_cooc_write_csv(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o, int entities);
int sanctagp_cooc_write_jsonl(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                              FILE *doc_spool);
/* GraphML is a static graph: SANCTAG_E_INVALID with periods. Nodes are the
 * endpoints of the pairs kept by the output filters. */
int sanctagp_cooc_write_graphml(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o);
/* GEXF 1.3: static without periods; with periods a dynamic graph whose node
 * and edge spells and count/weight/npmi values follow the periods. The
 * "unknown" period has no place on a timeline and is left out; the number of
 * documents in it is stored in *ret_unknown_docs. */
int sanctagp_cooc_write_gexf(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                             uint64_t *ret_unknown_docs);

/* SQLite output: open creates the schema in the empty database at `path`
 * inside one transaction; sanctagp_cooc_sqlite_doc_sink() (data = the
 * writer) can then be the table's document sink; finish writes the tables
 * and indexes and commits. Close always closes; NULL is a harmless no-op. */
typedef struct sanctagp_cooc_sqlite sanctagp_cooc_sqlite;
int sanctagp_cooc_sqlite_open(const char *path, sanctagp_cooc_sqlite **ret, sanctag_error *err);
int sanctagp_cooc_sqlite_doc_sink(void *w, const sanctagp_cooc_doc *d);
int sanctagp_cooc_sqlite_finish(sanctagp_cooc *c, sanctagp_cooc_sqlite *w,
                                const sanctagp_cooc_out *o, sanctag_error *err);
void sanctagp_cooc_sqlite_close(sanctagp_cooc_sqlite *w);

/* Serialises a document listing as one JSONL "document" record. */
int sanctagp_cooc_doc_sink_jsonl(void *file, const sanctagp_cooc_doc *d);

/* Number of distinct nodes / pair rows (over all periods) / periods. */
size_t sanctagp_cooc_node_count(const sanctagp_cooc *c);
size_t sanctagp_cooc_pair_count(const sanctagp_cooc *c);
size_t sanctagp_cooc_period_count(const sanctagp_cooc *c);
/* Whether the table lists documents (opts.documents). */
int sanctagp_cooc_documents_listed(const sanctagp_cooc *c);
/* Number of node keys whose name/label/country differed between records
 * (different gazetteer versions): the smallest value was kept. */
uint64_t sanctagp_cooc_conflicts(const sanctagp_cooc *c);
/* A conflict: node `key` had `field` ("name", "label" or "country") `a`
 * (kept, the smaller) and `b`. */
typedef struct sanctagp_cooc_conflict {
    const char *key, *field, *a, *b;
} sanctagp_cooc_conflict;
/* The first few conflicts (at most 4, one per node and field): borrowed,
 * valid while `c` lives. Returns their number. */
size_t sanctagp_cooc_conflict_examples(const sanctagp_cooc *c, const sanctagp_cooc_conflict **ret);
/* Whether node key `key` exists. */
int sanctagp_cooc_has_node(const sanctagp_cooc *c, const char *key);
/* A node key the user may have meant by `key`, which is no node: the same
 * ignoring case, or equal to its part after the prefix ("KP" ->
 * "country:KP"), or to `key` without its prefix ("country:KP" -> "KP" when
 * counting by country). NULL when none. */
const char *sanctagp_cooc_suggest_node(const sanctagp_cooc *c, const char *key);

/* NPMI of a pair seen in `cxy` of `n` units, its members in `cx` and `cy`. */
double sanctagp_npmi(uint64_t cxy, uint64_t cx, uint64_t cy, uint64_t n);

#endif
