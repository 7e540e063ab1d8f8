/* image.h - private: the loaded gazetteer, struct sanctag_gazetteer of the
 * public API: an immutable matcher image and the matcher over it, shared by
 * reference count between taggers and threads. gazetteer/store.c opens and
 * fills it (sanctag_gazetteer_open); core reads it (core/image.c, tagger.c). */
#ifndef SANCTAG_CORE_IMAGE_H
#define SANCTAG_CORE_IMAGE_H

#include <stddef.h>

#include "core/matcher.h"
#include "core/namecues.h"
#include "core/names_model.h"
#include "sanctag.h"

struct sanctag_gazetteer {
    int refs;              /* atomic */
    char *path;
    char version[64];
    void *image;           /* owned, 8-byte aligned */
    size_t image_size;
    sanctagp_matcher m;    /* points into image */
    sanctagp_cues *cues;   /* owned; cue words of context name recognition (NULL: none) */
    /* a statistical name model and its proposer (both NULL: none), see
     * core/names_model.h; the model is freed by ner_free when set */
    const void *ner_model;
    sanctagp_ner_propose_fn ner_propose;
    /* why ner_propose failed (SANCTAG_E_DB), or NULL */
    const char *(*ner_error)(const void *model);
    void (*ner_free)(const void *model);
};

#endif
