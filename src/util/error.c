/* error.c - filling a sanctag_error (see error.h). */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

int sanctagp_error_set(sanctag_error *err, int code, const char *source, long line, long column,
                       long long position, const char *fmt, ...)
{
    if (!err || err->code != 0)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    err->position = position;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}
