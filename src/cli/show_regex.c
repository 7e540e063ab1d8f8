/* show_regex.c - libicui18n's regex functions by dlopen() (see show_regex.h). */
#include "show_regex.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uvernum.h>

/* ICU renames each function by its major version (uregex_open is
 * uregex_open_72): the name the header gives, as a string */
#define SYMBOL_NAME(f) SYMBOL_NAME_(f)
#define SYMBOL_NAME_(f) #f
/* the library of the ICU the headers are from: ICU keeps its C API
 * compatible within a major version, the number in the file name */
#define LIBRARY "libicui18n.so." U_ICU_VERSION_SHORT

static show_regex_api api;
static int loaded;

/* Sets *fp to the function `name` of h: 0, or -1 when h lacks it. (A
 * function pointer is copied from dlsym's object pointer with memcpy, as ISO
 * C has no conversion between the two.) */
static const char *missing; /* the function bind() did not find */

static int bind(void *h, const char *name, void *fp, size_t size)
{
    void *p = dlsym(h, name);
    if (!p || size != sizeof p) {
        missing = name;
        return -1;
    }
    memcpy(fp, &p, sizeof p);
    return 0;
}

#define BIND(h, field, f) bind((h), SYMBOL_NAME(f), &api.field, sizeof api.field)

const show_regex_api *show_regex_load(char *msg, size_t cap)
{
    if (loaded)
        return &api;
    void *h = dlopen(LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(msg, cap, "cannot load ICU's regular expressions (%s): %s", LIBRARY,
                 why ? why : "unknown error");
        return NULL;
    }
    if (BIND(h, open, uregex_open) || BIND(h, close, uregex_close) ||
        BIND(h, clone, uregex_clone) || BIND(h, set_time_limit, uregex_setTimeLimit) ||
        BIND(h, set_stack_limit, uregex_setStackLimit) ||
        BIND(h, set_utext, uregex_setUText) || BIND(h, find, uregex_find)) {
        snprintf(msg, cap, "%s lacks %s, a regex function this sanctag was built with",
                 LIBRARY, missing);
        dlclose(h);
        return NULL;
    }
    loaded = 1; /* the library stays loaded until exit */
    return &api;
}
