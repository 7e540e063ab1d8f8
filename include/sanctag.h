/*
 * sanctag.h - public API of libsanctag: tag news text with gazetteer entities.
 *
 * Ownership rule, stated once: a pointer returned by a function whose name ends
 * in _new or _open is owned by the caller and released with the matching
 * _free/_unref; every other returned pointer is borrowed and stays valid for
 * the lifetime named in the function's comment. No function of this library
 * prints anything; errors are returned as negative SANCTAG_E* codes and, when
 * the caller passes a sanctag_error, described there.
 *
 * Threads: a sanctag_gazetteer is immutable once opened and may be shared by
 * any number of threads (reference counted). A sanctag_tagger holds per-call
 * scratch space and must be used by one thread at a time; create one per
 * worker thread.
 */
#ifndef SANCTAG_H
#define SANCTAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(SANCTAG_BUILDING)
#define SANCTAG_API __attribute__((visibility("default")))
#else
#define SANCTAG_API
#endif

#if defined(__GNUC__)
#define SANCTAG_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define SANCTAG_WARN_UNUSED
#endif

/** Version of the library (semantic versioning). */
#define SANCTAG_VERSION "0.1.0"

/** Version of the gazetteer database schema this library reads and writes. */
#define SANCTAG_SCHEMA_VERSION 1

/** Error codes: 0 is success, every failure is negative. */
enum sanctag_status {
    SANCTAG_OK = 0,
    SANCTAG_E_NOMEM = -1,    /**< out of memory */
    SANCTAG_E_IO = -2,       /**< a file could not be read or written */
    SANCTAG_E_DB = -3,       /**< SQLite failed, or the file is not a gazetteer */
    SANCTAG_E_UTF8 = -4,     /**< input is not valid UTF-8 */
    SANCTAG_E_NUL = -5,      /**< input contains a NUL byte */
    SANCTAG_E_EMPTY = -6,    /**< document is empty or only whitespace */
    SANCTAG_E_JSON = -7,     /**< malformed JSON */
    SANCTAG_E_FORMAT = -8,   /**< well-formed input with wrong content (missing field, bad column) */
    SANCTAG_E_INVALID = -9,  /**< invalid argument */
    SANCTAG_E_NOTFOUND = -10,/**< file or record does not exist */
    SANCTAG_E_ICU = -11,     /**< ICU failed */
    SANCTAG_E_SCHEMA = -12,  /**< gazetteer schema version not supported */
    SANCTAG_E_TOOBIG = -13,  /**< input exceeds a documented limit */
};

/**
 * Description of the first error of a call. Callers may pass NULL wherever a
 * sanctag_error * is accepted. Fields that do not apply are 0 / empty.
 */
typedef struct sanctag_error {
    int code;              /**< a SANCTAG_E* value */
    long line;             /**< 1-based line in `source`, 0 if unknown */
    long column;           /**< 1-based column (bytes) in that line, 0 if unknown */
    long long position;    /**< 0-based byte offset in the document or file, -1 if unknown */
    char source[256];      /**< the input the error is about (file name, "<stdin>") */
    char text[512];        /**< human-readable message */
} sanctag_error;

/** Stable machine-readable name of an error code ("invalid_utf8", ...). Never NULL. */
SANCTAG_API const char *sanctag_status_name(int code);

/* ------------------------------------------------------------------------- */
/* Gazetteer                                                                  */

/** An opened gazetteer: entities, aliases and the compiled matcher. Opaque. */
typedef struct sanctag_gazetteer sanctag_gazetteer;

/** Flags for sanctag_gazetteer_open(). */
enum sanctag_open_flags {
    /** Open read-write; a stale compiled matcher is then rebuilt and stored. */
    SANCTAG_OPEN_WRITE = 1u << 0,
    /** Also match aliases of kind "weak" (low-quality list aliases). */
    SANCTAG_OPEN_WEAK = 1u << 1,
};

/**
 * Opens the gazetteer database at `path` and loads its compiled matcher
 * (compiling it from the alias table when the stored one is missing or stale).
 * On success stores an owned gazetteer in *ret_gz (release with
 * sanctag_gazetteer_unref()) and returns 0; on failure leaves *ret_gz
 * untouched and returns a negative code (SANCTAG_E_NOTFOUND for a missing
 * file, SANCTAG_E_DB for a file that is not a sanctag gazetteer).
 */
SANCTAG_API int sanctag_gazetteer_open(const char *path, unsigned flags,
                                       sanctag_gazetteer **ret_gz,
                                       sanctag_error *err) SANCTAG_WARN_UNUSED;

/** Takes a reference. Returns `gz`. NULL is a harmless no-op. */
SANCTAG_API sanctag_gazetteer *sanctag_gazetteer_ref(sanctag_gazetteer *gz);

/** Drops a reference; frees on the last one. NULL is a harmless no-op. */
SANCTAG_API void sanctag_gazetteer_unref(sanctag_gazetteer *gz);

/** Content version of the gazetteer (borrowed, valid while `gz` lives). */
SANCTAG_API const char *sanctag_gazetteer_version(const sanctag_gazetteer *gz);

/** Path the gazetteer was opened from (borrowed, valid while `gz` lives). */
SANCTAG_API const char *sanctag_gazetteer_path(const sanctag_gazetteer *gz);

/** Number of entities in the compiled matcher; entity indexes are 0..count-1. */
SANCTAG_API uint32_t sanctag_gazetteer_entity_count(const sanctag_gazetteer *gz);

/** Number of aliases compiled into the matcher (including accent variants). */
SANCTAG_API uint32_t sanctag_gazetteer_alias_count(const sanctag_gazetteer *gz);

/**
 * An entity as the matcher knows it. All strings are borrowed from the
 * gazetteer and valid while it lives; absent values are "" (never NULL).
 */
typedef struct sanctag_entity {
    const char *key;        /**< stable key, e.g. "country:KP" */
    const char *label;      /**< COUNTRY, LOCATION, ORG, PERSON, VESSEL, ... */
    const char *name;       /**< canonical name */
    const char *country;    /**< ISO 3166-1 alpha-2 or "" */
    int listed;             /**< 1: on a sanctions list */
    const char *programs;   /**< JSON array of programme names, "" if none */
    const char *list_source;/**< sanctions list source name */
    const char *list_ref;   /**< reference number on that list */
    const char *listed_on;  /**< listing date (ISO) */
} sanctag_entity;

/**
 * Fills *ret with entity number `index`. Returns 0, or SANCTAG_E_INVALID when
 * index is out of range (*ret untouched).
 */
SANCTAG_API int sanctag_gazetteer_entity(const sanctag_gazetteer *gz, uint32_t index,
                                         sanctag_entity *ret);

/**
 * The sanctions-list records behind entity number `index`, as a JSON array
 * borrowed from the gazetteer: one object a record, UN lists first, each with
 * "source", "ref", "programs" (array), "listed_on" and "entity" (the key of
 * the list's own entity, which a link may have merged into this one). ""
 * for an entity on no list, NULL when index is out of range. A curated entity
 * linked to list records (`gaz link`, gazetteers/links.tsv) carries them all;
 * sanctag_entity.list_source/list_ref/listed_on name the first.
 */
SANCTAG_API const char *sanctag_gazetteer_entity_records(const sanctag_gazetteer *gz,
                                                         uint32_t index);

/* ------------------------------------------------------------------------- */
/* Tagging                                                                    */

/** A matched mention: byte offsets into the document exactly as given. */
typedef struct sanctag_span {
    size_t start;            /**< first byte of the mention */
    size_t end;              /**< one past its last byte */
    uint32_t entity;         /**< entity index, see sanctag_gazetteer_entity() */
    uint32_t sentence;       /**< index of the sentence holding the span */
    uint32_t first_token;    /**< index of its first token */
    uint32_t ntokens;        /**< number of tokens it covers */
    const char *alias_kind;  /**< "name", "abbreviation", ... (borrowed from gazetteer) */
    const char *alias_lang;  /**< language of the alias or "" (borrowed from gazetteer) */
    unsigned flags;          /**< SANCTAG_SPAN_* bits */
    /** For a span of a multi-word name: the COUNTRY entity whose name is part of
     *  it ("Kementerian Luar Negeri AS" -> country:US), else UINT32_MAX. An ORG
     *  span carries that country, as annotation guidelines give ORG:XX. */
    uint32_t named_country;
} sanctag_span;

/** sanctag_span.flags */
enum sanctag_span_flags {
    SANCTAG_SPAN_NESTED = 1u << 0,     /**< inside or overlapping another span (--all only) */
    SANCTAG_SPAN_SUPPRESSOR = 1u << 1, /**< a suppressor match (SANCTAG_TAG_SUPPRESSORS only) */
    SANCTAG_SPAN_AMBIGUOUS = 1u << 2,  /**< the alias names more than one entity */
    /** Not an alias: a short form ("Kim" after "Kim Jong Un") or an acronym
     *  defined in parentheses ("Badan Energi Atom Internasional (IAEA)")
     *  resolved through an earlier full mention in the same document. */
    SANCTAG_SPAN_PROPAGATED = 1u << 3,
    /** A name no gazetteer entity has (SANCTAG_TAG_NAMES only): the span's
     *  `entity` is SANCTAG_NO_ENTITY; sanctag_tagger_span_name() gives its
     *  derived key, label and score. */
    SANCTAG_SPAN_DERIVED = 1u << 4,
};

/** sanctag_span.entity of a SANCTAG_SPAN_DERIVED span: no gazetteer entity. */
#define SANCTAG_NO_ENTITY UINT32_MAX

/** A sentence: byte range from its first token to the end of its last. */
typedef struct sanctag_sentence {
    size_t start;
    size_t end;
} sanctag_sentence;

/** Tagging options for sanctag_tagger_tag(). */
enum sanctag_tag_flags {
    /** Emit every match, nested and overlapping ones too, not only the
     *  leftmost-longest non-overlapping cover. */
    SANCTAG_TAG_ALL = 1u << 0,
    /** Also report the suppressor matches themselves (debugging). */
    SANCTAG_TAG_SUPPRESSORS = 1u << 1,
    /** Do not resolve short forms and acronyms through earlier full mentions
     *  in the document (see SANCTAG_SPAN_PROPAGATED). */
    SANCTAG_TAG_NO_PROPAGATE = 1u << 2,
    /** Also recognise people and organisations the gazetteer does not hold:
     *  from context (titles, roles, speech verbs, organisation heads and
     *  tails, the gazetteer's cue words) and from short forms of such names
     *  earlier in the document (with SANCTAG_TAG_NAMES_MODEL also from the
     *  gazetteer's statistical model). Their spans have SANCTAG_SPAN_DERIVED. A name equal
     *  to a gazetteer alias is always that alias's entity. With this flag
     *  short forms and acronyms are resolved more strictly (any unambiguous
     *  part of a person's name; an acronym only when its letters agree). */
    SANCTAG_TAG_NAMES = 1u << 3,
    /** With SANCTAG_TAG_NAMES: also the names the gazetteer's statistical
     *  name model finds (when it carries one) among the words no other span
     *  covers, those it scores at least 0.96, and persons it scores at
     *  least 0.90 whose words pass the rules' word checks (their
     *  sanctag_name.found is "model"). Costs CPU: about twice the time of names alone.
     *  Without SANCTAG_TAG_NAMES it does nothing. */
    SANCTAG_TAG_NAMES_MODEL = 1u << 4,
};

/** Per-thread tagging context. Opaque. */
typedef struct sanctag_tagger sanctag_tagger;

/**
 * Creates a tagger on `gz` (takes a reference to it). Returns an owned tagger
 * (free with sanctag_tagger_free()), or NULL when out of memory.
 */
SANCTAG_API sanctag_tagger *sanctag_tagger_new(sanctag_gazetteer *gz) SANCTAG_WARN_UNUSED;

/** Frees a tagger and drops its gazetteer reference. NULL is a harmless no-op. */
SANCTAG_API void sanctag_tagger_free(sanctag_tagger *tg);

/**
 * Tags one document of `len` bytes (need not be NUL-terminated).
 * The document must be valid UTF-8 without NUL bytes and not empty: otherwise
 * returns SANCTAG_E_UTF8 / SANCTAG_E_NUL / SANCTAG_E_EMPTY with err->position
 * at the first offending byte. On success returns 0; the spans and sentences
 * are then readable with sanctag_tagger_spans()/sanctag_tagger_sentences()
 * until the next call on this tagger. Spans are ordered by start, then by
 * longer first.
 */
SANCTAG_API int sanctag_tagger_tag(sanctag_tagger *tg, const char *text, size_t len,
                                   unsigned flags, sanctag_error *err) SANCTAG_WARN_UNUSED;

/** Spans of the last successful sanctag_tagger_tag() (borrowed). */
SANCTAG_API const sanctag_span *sanctag_tagger_spans(const sanctag_tagger *tg, size_t *ret_n);

/** What a SANCTAG_SPAN_DERIVED span names. Strings are borrowed from the
 *  tagger and valid until its next sanctag_tagger_tag(). */
typedef struct sanctag_name {
    const char *key;   /**< derived key: "name:person:zulkifli-hasan", "name:org:..."; the
                            same written name gives the same key in every document */
    const char *label; /**< "PERSON" or "ORG" */
    const char *name;  /**< the full name as written in the document */
    const char *found; /**< "context" (cue words, short forms) or "model" */
    double score;      /**< confidence in (0, 1] */
} sanctag_name;

/**
 * Fills *ret for span `s`, one of the spans of the last successful
 * sanctag_tagger_tag() on `tg`. Returns 0, or SANCTAG_E_INVALID when `s` is
 * not a SANCTAG_SPAN_DERIVED span of that call (*ret untouched).
 */
SANCTAG_API int sanctag_tagger_span_name(const sanctag_tagger *tg, const sanctag_span *s,
                                         sanctag_name *ret);

/**
 * The entity of span `s` of the last successful sanctag_tagger_tag() on `tg`:
 * for a gazetteer span what sanctag_gazetteer_entity() gives; for a
 * SANCTAG_SPAN_DERIVED span its derived key, label and name, country "" and
 * not listed (strings valid until the next sanctag_tagger_tag()). Returns 0 or
 * SANCTAG_E_INVALID (*ret untouched).
 */
SANCTAG_API int sanctag_tagger_span_entity(const sanctag_tagger *tg, const sanctag_span *s,
                                           sanctag_entity *ret);

/** Sentences of the last successful sanctag_tagger_tag() (borrowed). */
SANCTAG_API const sanctag_sentence *sanctag_tagger_sentences(const sanctag_tagger *tg,
                                                             size_t *ret_n);

/**
 * Checks `len` bytes for valid UTF-8 without NUL. Returns 0, SANCTAG_E_UTF8 or
 * SANCTAG_E_NUL; on failure *ret_pos (if not NULL) is the offending byte.
 */
SANCTAG_API int sanctag_utf8_check(const char *text, size_t len, size_t *ret_pos);

/**
 * Normalises `text` the way the matcher compares tokens (tokens joined by one
 * space, NFKC case-folded, hyphens as spaces). Returns an owned NUL-terminated
 * string (free with sanctag_free()) or NULL on invalid UTF-8 / out of memory.
 */
SANCTAG_API char *sanctag_normalize(const char *text, size_t len) SANCTAG_WARN_UNUSED;

/** Frees memory returned by this library. NULL is a harmless no-op. */
SANCTAG_API void sanctag_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* SANCTAG_H */
