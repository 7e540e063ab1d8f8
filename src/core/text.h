/* text.h - private: tokenizer with original offsets, per-token normalisation. */
#ifndef SANCTAG_TEXT_H
#define SANCTAG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sanctag.h"
#include "util/utf8.h" /* sanctagp_utf8_check */

/* Token kinds. Whitespace and hyphens (U+002D, U+2010-2012, U+2212, ...) are
 * separators and never tokens: that is what makes "Jong-un", "Jong un" and
 * "Jong - un" compare equal. Every other non-word character is a one-codepoint
 * PUNCT token, so punctuation interrupts multi-word matches. */
enum { TK_WORD = 0, TK_PUNCT = 1 };

/* Letter case class of a token as written. */
enum {
    TC_NONE = 0,  /* no cased letter: digits, punctuation */
    TC_LOWER = 1, /* "dolar" */
    TC_TITLE = 2, /* "Korut": first letter upper, the rest lower */
    TC_UPPER = 3, /* "PBB", also a single capital "U" */
    TC_MIXED = 4, /* "aCommerce", "McDonald" */
};

/* Token flags. */
enum {
    TF_SENT_START = 1u << 0,  /* first token of a sentence */
    TF_FIRST_UPPER = 1u << 1, /* first cased letter is upper/title case */
    TF_NONASCII = 1u << 2,    /* token bytes include non-ASCII */
    TF_NOSTART = 1u << 3,     /* the matcher's start filter rules it out as a first token */
};

/* One token. Invariant: start < end <= document length; norm bytes live in the
 * tokenizer's arena at [norm_off, norm_off + norm_len), followed by at least 8
 * readable bytes. The arena begins with a copy of the whole document, ASCII
 * letters lower-cased, so an ASCII token's norm is that copy at its own offsets
 * (norm_off == start); tokens that ICU normalises are appended after it. */
typedef struct sanctagp_token {
    uint32_t start, end;       /* byte offsets into the original text */
    uint32_t norm_off, norm_len;
    uint32_t id;               /* dictionary id + 1, 0 when unknown (set by the matcher) */
    uint8_t kind, cls, flags;
} sanctagp_token;

/* Growable token list plus arena of normalised token text. Reused across documents. */
typedef struct sanctagp_tokens {
    sanctagp_token *v;
    size_t n, cap;
    char *arena;
    size_t arena_len, arena_cap;
    uint16_t *u16;             /* scratch for ICU */
    size_t u16_cap;
    size_t nsent;              /* tokens with TF_SENT_START (the first always has it) */
    uint64_t *bits;            /* per-byte class bitmaps of the document (text.c) */
    size_t bits_cap;
} sanctagp_tokens;

/* Tokenizes valid UTF-8 `s` into `tk` (cleared first), normalising each token
 * (ASCII: lower-case; otherwise NFKC case fold via ICU) and marking sentence
 * starts. Returns 0 or SANCTAG_E_NOMEM / SANCTAG_E_ICU / SANCTAG_E_TOOBIG. */
int sanctagp_tokenize(sanctagp_tokens *tk, const char *s, size_t len);

/* Releases the buffers of `tk` (not `tk` itself). */
void sanctagp_tokens_release(sanctagp_tokens *tk);

/* Pointer to the normalised bytes of token `t`. */
static inline const char *sanctagp_token_norm(const sanctagp_tokens *tk, const sanctagp_token *t)
{
    return tk->arena + t->norm_off;
}

/* Removes combining marks from normalised UTF-8 `in` (NFD, drop Mn, NFC),
 * writing at most `cap` bytes to `out`. Returns the length written, or -1 if
 * it did not fit or ICU failed. Used for accent-insensitive matching. */
long sanctagp_strip_accents(const char *in, size_t len, char *out, size_t cap,
                            uint16_t **scratch, size_t *scratch_cap);

/* Sentence boundaries derived from the TF_SENT_START marks. */
typedef struct sanctagp_sentences {
    sanctag_sentence *v;
    size_t n, cap;
} sanctagp_sentences;

/* Fills `out` from the token marks; out->cap must already hold tk->nsent. */
void sanctagp_sentences_from_tokens(sanctagp_sentences *out, const sanctagp_tokens *tk);

#endif
