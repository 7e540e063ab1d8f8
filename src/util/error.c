/* error.c - status names (sanctag_status_name of the public API) and filling
 * a sanctag_error (see error.h). */
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

const char *sanctag_status_name(int code)
{
    switch (code) {
    case SANCTAG_OK: return "ok";
    case SANCTAG_E_NOMEM: return "out_of_memory";
    case SANCTAG_E_IO: return "io_error";
    case SANCTAG_E_DB: return "database_error";
    case SANCTAG_E_UTF8: return "invalid_utf8";
    case SANCTAG_E_NUL: return "nul_byte";
    case SANCTAG_E_EMPTY: return "empty_document";
    case SANCTAG_E_JSON: return "invalid_json";
    case SANCTAG_E_FORMAT: return "invalid_record";
    case SANCTAG_E_INVALID: return "invalid_argument";
    case SANCTAG_E_NOTFOUND: return "not_found";
    case SANCTAG_E_ICU: return "icu_error";
    case SANCTAG_E_SCHEMA: return "schema_version";
    case SANCTAG_E_TOOBIG: return "too_big";
    default: return "error";
    }
}
