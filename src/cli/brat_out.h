/* brat_out.h - `tag --format brat -o DIR`: the two files of each document
 * (DIR/STEM.txt, DIR/STEM.ann) written so that no document is lost and no
 * planted symbolic link is followed. A worker writes both files under
 * temporary names (O_EXCL); the writer, in input order, claims the final
 * stem and renames the files into place. A stem already taken in this run
 * (two ids cleaned to the same name) becomes STEM-N (N the document's
 * number), then STEM-N-2, ...; a file left by an earlier run is replaced,
 * so an export run again into one DIR gives the same files. */
#ifndef SANCTAG_BRAT_OUT_H
#define SANCTAG_BRAT_OUT_H

#include <stddef.h>

#include <jansson.h>

/* One document's staged files. */
typedef struct brat_doc {
    char txt[4200], ann[4200]; /* temporary paths ("" once renamed) */
    char stem[160];            /* the stem asked for (sanctagp_brat_stem) */
    unsigned long seq;         /* document number */
} brat_doc;

/* Makes DIR when missing and removes the temporary files killed runs left
 * there. 0, or -1 after printing why. */
int brat_dir_setup(const char *dir);

/* Worker: writes `text` and `ann` to temporary files in `dir`. Returns the
 * staged document, or NULL with the reason in `err` (cap bytes). */
brat_doc *brat_stage(const char *dir, const char *stem, unsigned long seq, const char *text,
                     size_t len, const char *ann, size_t annlen, char *err, size_t cap);

/* Writer, in input order: gives `d` its final names in `dir`; `taken` (a JSON
 * object used as a set) holds the stems of this run. 0, or -1 with the reason
 * in `err`. */
int brat_commit(json_t *taken, const char *dir, brat_doc *d, char *err, size_t cap);

/* Frees `d`, removing any temporary file still there. NULL is a no-op. */
void brat_doc_free(brat_doc *d);

#endif
