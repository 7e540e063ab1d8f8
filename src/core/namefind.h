/* namefind.h - private: names outside the gazetteer (issue 17): context rules
 * over the gazetteer's cue words, short forms and acronyms within the
 * document, and the call into a statistical model (core/names_model.h). */
#ifndef SANCTAG_CORE_NAMEFIND_H
#define SANCTAG_CORE_NAMEFIND_H

#include <stddef.h>
#include <stdint.h>

/* How a name was found (sanctag_name.found). */
enum { FOUND_CONTEXT = 0, FOUND_MODEL = 1 };

/* A name proposed for tokens [tok, tok + ntok): a derived one (entity ==
 * SANCTAG_NO_ENTITY; key and name are offsets of NUL-terminated strings in
 * the arena) or a short form / acronym of a gazetteer entity. */
typedef struct sanctagp_nprop {
    uint32_t tok, ntok;
    uint32_t entity;        /* gazetteer entity or SANCTAG_NO_ENTITY */
    uint32_t key, name;     /* derived: arena offsets */
    uint32_t named_country; /* COUNTRY entity inside an ORG name, else UINT32_MAX */
    uint32_t absorb;        /* span index + 1 of a place span the name takes in, else 0 */
    uint8_t label, found;   /* SANCTAGP_NAME_*, FOUND_* */
    uint8_t propagated;     /* 1 short form, 2 acronym */
    float score;
} sanctagp_nprop;

/* A part of a full name ("Zulkifli", "Suu Kyi") or an acronym, naming the
 * same thing as proposal or span `owner` in this document from token `from` on. */
typedef struct sanctagp_nform {
    uint32_t tok, ntok;      /* where the part is written in the full name */
    uint32_t from;
    sanctagp_nprop what;     /* the entity or derived key it resolves to */
    uint8_t ambiguous, acronym;
    uint32_t next;           /* index + 1 of the next form of its bucket, 0 */
} sanctagp_nform;

typedef struct sanctagp_namefind {
    sanctagp_nprop *p;       /* proposals; after tagging: the derived spans, by tok */
    size_t n, cap;
    sanctagp_nform *f;
    size_t nf, fcap;
    uint32_t fhead[256];     /* forms by a key of their first token: index + 1, 0 */
    char *arena;
    size_t alen, acap;
    uint32_t *owner;         /* per token: index + 1 of the span covering it, 0 */
    size_t owner_cap;
    uint8_t *mask;           /* per token: covered by a span or a proposal */
    size_t mask_cap;
    uint16_t *role;          /* per token: its cue roles, looked up on first use */
    size_t role_cap;
    uint32_t *capw;          /* capitalised words no gazetteer span covers, in order */
    size_t ncapw, capw_cap;
    const char *text;        /* the document being tagged */
    uint8_t *lab;            /* per gazetteer entity: its label as span_label() codes it */
    uint32_t nlab;
} sanctagp_namefind;

void sanctagp_namefind_release(sanctagp_namefind *nf);

/* After gazetteer matching of `text` by tagger `tg` (struct sanctag_tagger
 * of core/tagger_int.h): adds the spans of names outside the gazetteer and,
 * when `propagate`, of short forms and acronyms, and when `model`, of the
 * gazetteer's name model (if it has one), all spans kept in order. Returns 0
 * or SANCTAG_E_NOMEM. */
struct sanctag_tagger;
int sanctagp_names_find(struct sanctag_tagger *tg, const char *text, int propagate, int model);

#endif
