/* policy.h - private to src/import/: the import name policy (issue 16,
 * docs/alias-policy.md). After the names of a list are formed and their kind
 * decided (names.c), each alias of an automatic format (UN, OFAC, FtM) is
 * checked against the gazetteer's lexicon (gazetteer/lexicon.h), the
 * entities of the other sources and the list itself; the first rule that
 * applies wins:
 *
 *   qualifier          dropped  a parenthesised part that is no name of its
 *                               own: written in the names of >= 2 entities of
 *                               the list ("(MALAYSIA)", "(HK)"), a legal form,
 *                               a place of the gazetteer, or a lexicon word
 *                               that cannot abbreviate the name before it
 *                               ("TOUS POUR LA PAIX (NGO)")
 *   collision-place    dropped  equals an alias of a COUNTRY or LOCATION of
 *                               another source
 *   collision-curated  dropped  equals an alias of an entity of a curated
 *                               (not list) source: the curated key keeps the
 *                               mention (issue 16 item 3 links list records
 *                               to it)
 *   collision-label    dropped  equals an alias of another list's entity
 *                               with another label
 *   legal-form         dropped  one word that ends >= 20 (or >= 1 % and
 *                               >= 3) of the ORG names of the lists
 *   common-word        weak     one non-person word in the lexicon as a
 *                               common word or a given-name token
 *   acronym-in-news    weak     one all-capitals non-person word of <= 6
 *                               letters written so in the news sample
 *   name-in-news       weak     one non-person word written capitalised in
 *                               >= 2 articles of the news sample ("Sukhoi")
 *   short-word         weak     one non-person word of <= 3 letters not
 *                               written in capitals ("Jit": a syllable of
 *                               names and words of many languages)
 *   vessel-name        weak     a ship's name of >= 2 words without a number,
 *                               every word one the news writes ("Golden
 *                               Phoenix"), or two words, the first a given
 *                               name of the lexicon or of >= 3 listed
 *                               persons ("Mikhail Lomonosov")
 *   article-and-word   weak     a non-person name of the Arabic article and
 *                               one word ("Al Aqsa": many mosques bear it)
 *   common-person-name weak     a person name of >= 2 words, each a common
 *                               given-name token ("Abdul Majid"), of two
 *                               words of <= 4 letters capitalised in >= 10
 *                               news articles each, one a common East
 *                               Asian surname
 *                               ("Yu Jin"), of an Arabic "Abdul"/"Abu" and
 *                               one word (one given name or a kunya:
 *                               "Abdul Qadir", "Abu Usama"), or of a common
 *                               given-name token and a word capitalised in
 *                               >= 10 news articles ("Muhammad Haris")
 *   shared-person-name weak     a short form made by dropping the patronymic
 *                               that persons of the list with other full
 *                               names bear ("Vladimir IVANOV")
 *   person-common-word cap      a person name with a common word in it is
 *                               matched only capitalised ("fan yang")
 *   structure          weak     names.c: one word of a person's name (a
 *                               hyphened "Young-Chul" too), one or two
 *                               letters, marked low quality by the list
 *
 * The three collision rules are the import's collisions: listed in its
 * report, and `--strict` refuses the import when there is any. */
#ifndef SANCTAG_IMPORT_POLICY_H
#define SANCTAG_IMPORT_POLICY_H

#include <jansson.h>
#include <sqlite3.h>

#include "import/import_int.h"

typedef struct sanctagp_policy sanctagp_policy;

/* Loads the lexicon of `db` and learns the legal forms and parenthesised
 * qualifiers of the finalized entities `set` (and of the other lists in
 * `db`). The source being imported must have been deleted from db. */
int sanctagp_policy_new(sqlite3 *db, const char *db_path, const iset *set,
                        sanctagp_policy **ret, sanctag_error *err);

/* Applies the rules to the aliases of `e` (finalized): sets kind "weak",
 * case policy "cap" or `dropped`, with rule and evidence. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_policy_apply(sanctagp_policy *p, ientity *e);

/* Number of collisions found so far. */
size_t sanctagp_policy_collisions(const sanctagp_policy *p);

/* The report's "policy" object: {"lexicon_words": n, "rules": [{"rule",
 * "action", "aliases"}], "collisions": [{"alias", "key", "other_key",
 * "other_label", "other_source", "rule"}] (with counts_only: a number)}. */
json_t *sanctagp_policy_report(const sanctagp_policy *p, int counts_only);

void sanctagp_policy_free(sanctagp_policy *p);

#endif
