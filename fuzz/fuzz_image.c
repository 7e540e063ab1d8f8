/* fuzz_image.c - the compiled-matcher loader on arbitrary bytes: a stored
 * BLOB may be corrupt, and loading must refuse it, never read out of bounds.
 * Inputs are laid over a valid image so the fuzzer gets past the header. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void *valid;
    static size_t valid_size;
    if (!valid) {
        sanctag_error e = {0};
        sqlite3 *db;
        if (sqlite3_open_v2(fuzz_fixture_db(), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sanctagp_db_compile(db, "fixture", 0, "v", &valid, &valid_size, &e))
            abort();
        sqlite3_close(db);
    }
    if (size < 4)
        return 0;
    /* first 4 bytes: where to overwrite; the rest: what */
    size_t at = ((size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16) % valid_size;
    size_t total = valid_size;
    if (data[3] & 1)
        total = at + (size - 4); /* also truncate or extend */
    total = (total + 7) & ~(size_t)7;
    if (total == 0)
        return 0;
    uint8_t *img = aligned_alloc(8, total);
    memset(img, 0, total);
    memcpy(img, valid, valid_size < total ? valid_size : total);
    size_t n = size - 4;
    if (at + n > total)
        n = total - at;
    memcpy(img + at, data + 4, n);
    /* keep total_size consistent sometimes, so deeper checks are reached */
    if ((data[3] & 2) && total >= sizeof(sanctagp_img_header))
        ((sanctagp_img_header *)(void *)img)->total_size = total;
    sanctagp_matcher m;
    if (sanctagp_matcher_attach(&m, img, total) == 0 && m.h->n_cue_slots) {
        /* the cue word table is checked on its own, whether the rest of the
         * image was range-checked or not (a file found verified before) */
        const sanctagp_img_header *h = m.h;
        sanctagp_cues *c = NULL;
        if (sanctagp_cues_view(img + h->off_cues, (size_t)h->n_cue_slots, (size_t)h->n_cues,
                               (const char *)img + h->off_cuepool, (size_t)h->cuepool_size,
                               &c) == 0) {
            static const char *const words[] = {"presiden", "kata", "pt", "internasionalisasi"};
            for (size_t i = 0; i < sizeof words / sizeof *words; i++)
                (void)sanctagp_cues_get(c, words[i], strlen(words[i]));
            sanctagp_cues_free(c);
        }
    }
    if (sanctagp_matcher_load(&m, img, total) == 0) {
        /* a loaded image must be safe to match with */
        sanctagp_tokens tk = {0};
        const char *t = "Korut dan AS, Dewan Keamanan PBB, Türkiye, Kim Jong-un.";
        if (sanctagp_tokenize(&tk, t, strlen(t)) == 0) {
            sanctagp_matcher_resolve(&m, &tk);
            for (size_t i = 0; i < tk.n; i++) {
                uint32_t st = 0;
                for (size_t j = i; j < tk.n && tk.v[j].id; j++) {
                    st = sanctagp_matcher_step(&m, st, tk.v[j].id);
                    if (!st)
                        break;
                    for (uint32_t k = sanctagp_acc_begin(&m, st); k < sanctagp_acc_end(&m, st); k++)
                        (void)sanctagp_accept_ok(&m.accept[k], &tk.v[i], (uint32_t)(j - i + 1));
                }
            }
        }
        sanctagp_tokens_release(&tk);
    }
    free(img);
    return 0;
}
