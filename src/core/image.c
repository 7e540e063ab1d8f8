/* image.c - the loaded gazetteer (struct sanctag_gazetteer, core/image.h):
 * its reference count and the public read-only accessors over its matcher
 * image. gazetteer/store.c opens and fills it. */
#include "core/image.h"

#include <stdlib.h>

sanctag_gazetteer *sanctag_gazetteer_ref(sanctag_gazetteer *gz)
{
    if (gz)
        __atomic_add_fetch(&gz->refs, 1, __ATOMIC_RELAXED);
    return gz;
}

void sanctag_gazetteer_unref(sanctag_gazetteer *gz)
{
    if (!gz || __atomic_sub_fetch(&gz->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    free(gz->path);
    free(gz->image);
    sanctagp_cues_free(gz->cues);
    if (gz->ner_free)
        gz->ner_free(gz->ner_model);
    free(gz);
}

const char *sanctag_gazetteer_version(const sanctag_gazetteer *gz)
{
    return gz->version;
}

const char *sanctag_gazetteer_path(const sanctag_gazetteer *gz)
{
    return gz->path;
}

uint32_t sanctag_gazetteer_entity_count(const sanctag_gazetteer *gz)
{
    return gz->m.h->n_entities;
}

uint32_t sanctag_gazetteer_alias_count(const sanctag_gazetteer *gz)
{
    return gz->m.h->n_aliases;
}

int sanctag_gazetteer_entity(const sanctag_gazetteer *gz, uint32_t index, sanctag_entity *ret)
{
    if (!gz || index >= gz->m.h->n_entities)
        return SANCTAG_E_INVALID;
    const sanctagp_matcher *m = &gz->m;
    const sanctagp_ent *e = &m->ent[index];
    const sanctagp_entlist *l = sanctagp_ent_list(m, e);
    ret->key = sanctagp_str(m, e->key);
    ret->label = sanctagp_str(m, e->label);
    ret->name = sanctagp_str(m, e->name);
    ret->country = sanctagp_str(m, e->country);
    ret->listed = (int)l->listed;
    ret->programs = sanctagp_str(m, l->programs);
    ret->list_source = sanctagp_str(m, l->list_source);
    ret->list_ref = sanctagp_str(m, l->list_ref);
    ret->listed_on = sanctagp_str(m, l->listed_on);
    return 0;
}

const char *sanctag_gazetteer_entity_records(const sanctag_gazetteer *gz, uint32_t index)
{
    if (!gz || index >= gz->m.h->n_entities)
        return NULL;
    return sanctagp_str(&gz->m, sanctagp_ent_list(&gz->m, &gz->m.ent[index])->records);
}
