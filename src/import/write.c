/* write.c - writes the imported entities through the gazetteer writer. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

/* ---- writing ------------------------------------------------------------------------ */

int sanctagp_write_all(imp *m, sqlite3 *db, const char *db_path, const char *source,
                       sanctagp_writer *w, counts *n)
{
    (void)db;
    (void)db_path;
    /* a key another source owns is refused by the writer (sanctagp_writer_exclusive) */
    sanctagp_writer_exclusive(w);
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    int rc = 0;
    for (size_t k = 0; k < m->set.n && !rc; k++) {
        ientity *e = &m->set.v[k];
        if ((rc = sanctagp_finalize_aliases(e, &tk))) {
            rc = sanctagp_import_oom(m, e->file, e->line);
            break;
        }
        if (e->nal == 0) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, e->file, e->line, 0, -1,
                                    "%s:%ld: '%s' has no name with letters or digits", e->file,
                                    e->line, e->key);
            break;
        }
        if (e->listed < 0)
            e->listed = json_array_size(e->programs) > 0 || !empty(e->list_ref);
        char *progs = json_array_size(e->programs) ? json_dumps(e->programs, JSON_COMPACT) : NULL;
        char *attrs = e->attrs && json_object_size(e->attrs)
                          ? json_dumps(e->attrs, JSON_COMPACT | JSON_SORT_KEYS)
                          : NULL;
        for (size_t i = 0; i < e->nal && !rc; i++) {
            const ialias *a = &e->al[i];
            sanctagp_row r;
            memset(&r, 0, sizeof r);
            r.key = e->key;
            r.alias = a->text;
            r.kind = a->kind;
            r.case_policy = a->case_policy;
            r.lang = a->lang;
            r.accents = a->accents;
            r.origin = a->origin ? a->origin : e->origin;
            if (i == 0) {
                r.label = e->label;
                r.name = e->name;
                r.country = e->country;
                r.valid_from = e->valid_from;
                r.valid_to = e->valid_to;
                r.attrs = attrs;
                r.listed = e->listed;
                r.programs = progs;
                r.list_source = e->listed ? source : NULL;
                r.list_ref = e->list_ref;
                r.listed_on = e->listed_on;
            }
            rc = sanctagp_writer_add(w, &r, e->file, e->line, m->err);
            n->aliases++;
            if (a->kind && strcmp(a->kind, "weak") == 0)
                n->weak++;
        }
        free(progs);
        free(attrs);
        n->entities++;
        n->listed += e->listed > 0;
    }
    sanctagp_tokens_release(&tk);
    return rc;
}
