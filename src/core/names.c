/* names.c - the countries whose personal names are written family name first. */
#include "core/names.h"

#include <stddef.h>
#include <string.h>

int sanctagp_family_name_first(const char *cc)
{
    static const char *const list[] = {"KP", "KR", "CN", "TW", "HK", "MO", "VN", "SG"};
    for (size_t i = 0; cc && i < sizeof list / sizeof *list; i++)
        if (strcmp(cc, list[i]) == 0)
            return 1;
    return 0;
}
