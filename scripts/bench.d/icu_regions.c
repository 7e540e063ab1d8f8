/* icu_regions.c - prints every ISO 3166 region's display name in every ICU
 * locale, one "COUNT<TAB>NAME" line per distinct name, most widely used first
 * (ties by name), so the output is the same on every run with one ICU.
 * Build: cc icu_regions.c $(pkg-config --cflags --libs icu-uc) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/ustring.h>

typedef struct { char *name; int count; } entry;

static entry *tab;
static size_t cap, used;

static unsigned long hash(const char *s)
{
    unsigned long h = 1469598103934665603ul;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ul;
    return h;
}

static void add(const char *s)
{
    if (used * 2 >= cap) {
        size_t nc = cap ? cap * 2 : 1 << 16;
        entry *nt = calloc(nc, sizeof *nt);
        if (!nt)
            exit(1);
        for (size_t i = 0; i < cap; i++)
            if (tab[i].name) {
                size_t j = hash(tab[i].name) & (nc - 1);
                while (nt[j].name)
                    j = (j + 1) & (nc - 1);
                nt[j] = tab[i];
            }
        free(tab);
        tab = nt;
        cap = nc;
    }
    size_t j = hash(s) & (cap - 1);
    while (tab[j].name) {
        if (strcmp(tab[j].name, s) == 0) {
            tab[j].count++;
            return;
        }
        j = (j + 1) & (cap - 1);
    }
    tab[j].name = strdup(s);
    tab[j].count = 1;
    used++;
}

static int cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->count != y->count)
        return y->count - x->count;
    return strcmp(x->name, y->name);
}

int main(void)
{
    const char *const *countries = uloc_getISOCountries();
    int32_t nloc = uloc_countAvailable();
    for (int32_t l = 0; l < nloc; l++) {
        const char *disp = uloc_getAvailable(l);
        for (const char *const *c = countries; *c; c++) {
            char loc[16];
            snprintf(loc, sizeof loc, "und_%s", *c);
            UChar u[256];
            UErrorCode st = U_ZERO_ERROR;
            int32_t n = uloc_getDisplayCountry(loc, disp, u, 256, &st);
            /* a warning means ICU fell back to the code or the root locale */
            if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING || n <= 0)
                continue;
            char buf[1024];
            int32_t n8 = 0;
            st = U_ZERO_ERROR;
            u_strToUTF8(buf, sizeof buf, &n8, u, n, &st);
            if (U_FAILURE(st) || n8 <= 0 || (size_t)n8 >= sizeof buf)
                continue;
            buf[n8] = 0;
            if (strcmp(buf, *c) == 0)
                continue; /* no name, only the code */
            add(buf);
        }
    }
    entry *v = malloc(used * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < cap; i++)
        if (tab[i].name)
            v[k++] = tab[i];
    qsort(v, k, sizeof *v, cmp);
    for (size_t i = 0; i < k; i++)
        printf("%d\t%s\n", v[i].count, v[i].name);
    return 0;
}
