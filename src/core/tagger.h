/* tagger.h - private additions to the public tagger (include/sanctag.h). */
#ifndef SANCTAG_CORE_TAGGER_H
#define SANCTAG_CORE_TAGGER_H

#include <stddef.h>

#include "sanctag.h"

/* Drops the spans of the last tagged document for which keep(span, arg) is 0,
 * keeping the order of the others (as for `tag --listed-only`, before the
 * record is formatted). Returns the number of spans left. */
size_t sanctagp_tagger_keep_spans(sanctag_tagger *tg,
                                  int (*keep)(const sanctag_span *s, void *arg), void *arg);

#endif
