/* names_model.h - private: the plug-in point of a statistical name model
 * (issue 17, item 3). The tagger calls it, when the gazetteer loaded a model,
 * after gazetteer matching, the context rules and short forms, and only over
 * tokens no span covers; without a model nothing changes. */
#ifndef SANCTAG_CORE_NAMES_MODEL_H
#define SANCTAG_CORE_NAMES_MODEL_H

#include <stdint.h>

#include "core/text.h"

/* Labels a model may propose. */
enum { SANCTAGP_NAME_PERSON = 0, SANCTAGP_NAME_ORG = 1 };

/* Receives one proposed name: tokens [tok, tok + ntok), a SANCTAGP_NAME_*
 * label and a score in (0, 1]. A proposal that touches a covered token or
 * another proposal is dropped. Returns 0, or a negative SANCTAG_E_* code that
 * the model must pass back up (out of memory). */
typedef int (*sanctagp_ner_sink)(void *arg, uint32_t tok, uint32_t ntok, int label,
                                 double score);

/* A model's proposer: labels the document's tokens `tk` (normalised text,
 * case class, offsets; tk->v[i].id is not meaningful) and calls sink for each
 * name it finds whose tokens all have covered[i] == 0. `model` is the loaded
 * model (read-only, shared by threads). Returns 0 or a negative code. */
typedef int (*sanctagp_ner_propose_fn)(const void *model, const sanctagp_tokens *tk,
                                       const uint8_t *covered, sanctagp_ner_sink sink,
                                       void *arg);

#endif
