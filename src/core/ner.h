/* ner.h - private: the statistical name recogniser (issue 17, item 3). A
 * maximum-entropy Markov model over BIO tags for PERSON, ORG and LOCATION:
 * hashed token features (a pure function of the token stream, shared exactly
 * by scripts/train-ner.c and the tagger), one-vs-rest logistic regression
 * weights trained by liblinear (stored here as int16, no liblinear needed at
 * run time) and our own Viterbi decoding with BIO transition constraints. */
#ifndef SANCTAG_CORE_NER_H
#define SANCTAG_CORE_NER_H

#include <stddef.h>
#include <stdint.h>

#include "core/names_model.h"
#include "core/text.h"

/* Tags, in the order of the model's weight rows (liblinear class labels are
 * tag + 1). I-X = B-X + 1. */
enum {
    NER_O = 0,
    NER_B_PER = 1,
    NER_I_PER = 2,
    NER_B_ORG = 3,
    NER_I_ORG = 4,
    NER_B_LOC = 5,
    NER_I_LOC = 6,
    NER_NTAGS = 7,
};

/* "PERSON", "ORG" or "LOCATION" for a B- or I- tag; NULL for NER_O. */
const char *sanctagp_ner_label(int tag);

/* ---- features (pure functions of the token stream and the lexicon) ---- */

/* Word classes of the model's lexicon (a bit set per word): the word lists of
 * the gazetteer's sources the trainer was given, stored in the model so that
 * it needs nothing else at run time. */
enum {
    NER_LEX_GIVEN = 1u << 0,   /* gazetteers/given-names.tsv */
    NER_LEX_COMMON = 1u << 1,  /* gazetteers/common-words.tsv */
    NER_LEX_PER = 1u << 2,     /* a word of a PERSON alias */
    NER_LEX_ORG = 1u << 3,     /* a word of an ORG alias */
    NER_LEX_LOC = 1u << 4,     /* a word of a LOCATION or COUNTRY alias */
    NER_LEX_CONNECT = 1u << 5, /* a lower-case word inside names ("dan", "bin") */
};

/* A lexicon: word hashes (sanctagp_ner_word_hash of the normalised word),
 * sorted ascending and unique, with their NER_LEX_* classes; a loaded model
 * adds an open-addressing table of the same (slots: mask + 1 entries, an
 * empty one has class 0), looked up in place of the binary search. */
typedef struct sanctagp_ner_lexicon {
    const uint32_t *hash;
    const uint8_t *cls;
    size_t n;
    const uint32_t *slot_hash;
    const uint8_t *slot_cls;
    uint32_t mask;
} sanctagp_ner_lexicon;

/* The classes of word hash h in lex (0 when absent). */
unsigned sanctagp_ner_lex_classes(const sanctagp_ner_lexicon *lex, uint32_t h);

/* Features of one token that do not depend on the previous tag, as bucket
 * numbers in [0, 2^bits). The tagger and the trainer call these, nothing else
 * computes features. */
#define NER_MAX_STATIC 32
#define NER_MAX_DYNAMIC 3
#define NER_DEFAULT_BITS 18

/* Per-token hashes the feature templates combine; computed once a token. */
typedef struct sanctagp_ner_tok {
    uint32_t word, shape;
    uint8_t cap;   /* 1: capitalised word (title, upper or mixed case) */
    uint8_t glued; /* 1: joined to the previous token by a hyphen ("Tae-yong") */
    uint8_t lex; /* NER_LEX_* classes of the word */
} sanctagp_ner_tok;

/* Fills info for token i of tk (lex: the model's lexicon). */
void sanctagp_ner_tok_info(const sanctagp_ner_lexicon *lex, const sanctagp_tokens *tk, size_t i,
                           sanctagp_ner_tok *out);

/* Static features of token i; `info` holds sanctagp_ner_tok_info() of every
 * token of tk (info[j] for token j). Returns the count written to out. */
size_t sanctagp_ner_static_features(const sanctagp_tokens *tk, const sanctagp_ner_tok *info,
                                    size_t i, unsigned bits, uint32_t *out);

/* Features of token i that depend on the previous tag `prev` (NER_O before a
 * run or a sentence). Returns the count written to out. */
size_t sanctagp_ner_dynamic_features(const sanctagp_ner_tok *info, size_t i, int prev,
                                     unsigned bits, uint32_t *out);

/* The 32-bit hash the word features use for normalised bytes s[0..n). */
uint32_t sanctagp_ner_word_hash(const char *s, size_t n);

/* ---- the model ---- */

/* The model file (gazetteers/ner-model.bin), little-endian:
 *   "SNERMDL2", u32 bits, u32 ntags (7), u32 nlex, f32 scale,
 *   u32 provenance length, provenance text (UTF-8, not NUL-terminated),
 *   u32 lexicon word hashes[nlex] (ascending, unique), u8 classes[nlex],
 *   zero bytes up to a multiple of 4,
 *   i16 weights[(2^bits + 1) * 8]: row b holds the weights of bucket b for
 *   the 7 tags (slot 7 is 0); the last row is liblinear's bias feature.
 *   A weight is i16 * scale. */
#define NER_MAGIC "SNERMDL2"
#define NER_ROW 8

typedef struct sanctagp_ner sanctagp_ner;

/* Checks and copies a model from `data`; NULL with a message in err (of
 * errcap bytes) when it is not a valid model. */
sanctagp_ner *sanctagp_ner_load(const void *data, size_t len, char *err, size_t errcap);

/* The checks of sanctagp_ner_load that need no parsing: magic, header
 * ranges and size. 0 when they pass, else -1 with the reason in err. */
int sanctagp_ner_check(const void *data, size_t len, char *err, size_t errcap);

/* The bytes of a model's header: magic, bits, ntags, nlex, scale, provenance
 * length. */
#define SANCTAGP_NER_HEADER 28

/* sanctagp_ner_check on the first nhead bytes (head) of a model of len bytes:
 * what a reader can check before it reads the rest. */
int sanctagp_ner_check_header(const void *head, size_t nhead, size_t len, char *err,
                              size_t errcap);
void sanctagp_ner_free(sanctagp_ner *m);

/* The provenance text the model carries (length in *ret_len). */
const char *sanctagp_ner_provenance(const sanctagp_ner *m, size_t *ret_len);

/* Writes a model file's bytes into a malloc'd buffer (the trainer's writer;
 * weights as floats [(2^bits + 1) * NER_NTAGS], row-major by bucket). */
int sanctagp_ner_serialize(unsigned bits, const float *weights, const sanctagp_ner_lexicon *lex,
                           const char *provenance, void **ret, size_t *ret_len);

/* The model's lexicon (borrowed). */
const sanctagp_ner_lexicon *sanctagp_ner_lexicon_of(const sanctagp_ner *m);

/* ---- decoding ---- */

/* Per-thread scratch of sanctagp_ner_propose(); zero-initialise it. */
typedef struct sanctagp_ner_work {
    sanctagp_ner_tok *info;
    size_t info_cap;
    float *score;      /* Viterbi: [token][tag] best log score */
    uint8_t *back;     /* Viterbi: [token][tag] best previous tag */
    float *prob;       /* [token][tag] probability of the chosen path's tag */
    float *tagprob;
    uint8_t *tags;
    size_t cap;
} sanctagp_ner_work;

void sanctagp_ner_work_release(sanctagp_ner_work *w);

/* Called for each name found: tokens [first, first + ntok), label "PERSON",
 * "ORG" or "LOCATION", score in (0, 1] (the geometric mean of the tag
 * probabilities along the span). A nonzero return stops the search and is
 * returned by sanctagp_ner_propose(). */
typedef int (*sanctagp_ner_cb)(void *arg, uint32_t first, uint32_t ntok, const char *label,
                               float score);

/* Labels the document in tk (tokenized by sanctagp_tokenize) and calls cb for
 * every name, in token order. The model runs only over runs of capitalised
 * words (joined by the lexicon's connector words such as "dan", "bin", "van")
 * that `skip` does not mark (skip: per token nonzero = already covered, e.g.
 * by a gazetteer span; NULL marks none); every other token is O. Returns 0,
 * SANCTAG_E_NOMEM or the callback's nonzero value. */
int sanctagp_ner_propose(const sanctagp_ner *m, const sanctagp_tokens *tk, const uint8_t *skip,
                         sanctagp_ner_work *w, sanctagp_ner_cb cb, void *arg);

/* The probabilities of the NER_NTAGS tags of token i after tag prev (info as
 * for sanctagp_ner_static_features), as the decoder uses them. */
void sanctagp_ner_token_probs(const sanctagp_ner *m, const sanctagp_tokens *tk,
                              const sanctagp_ner_tok *info, size_t i, int prev, float *prob);

/* Tags every token of tk into tags[] (the whole document decoded, no runs:
 * the trainer's check and the evaluation of the decoder alone). */
int sanctagp_ner_decode_all(const sanctagp_ner *m, const sanctagp_tokens *tk,
                            sanctagp_ner_work *w, uint8_t *tags);

/* ---- the tagger's plug-in point (core/names_model.h) ---- */

/* A sanctagp_ner_propose_fn over a loaded model (a const sanctagp_ner *):
 * sanctagp_ner_propose() with `covered` as skip; PERSON and ORG names go to
 * sink (LOCATION names are labelled so that they are not taken for the
 * others, and dropped). Its scratch lives for the call. */
int sanctagp_ner_propose_names(const void *model, const sanctagp_tokens *tk,
                               const uint8_t *covered, sanctagp_ner_sink sink, void *arg);

/* sanctagp_ner_free() for struct sanctag_gazetteer's ner_free. */
void sanctagp_ner_free_model(const void *model);

#endif
