/* error.h - private: filling a sanctag_error (the one error record every layer
 * returns through). */
#ifndef SANCTAG_UTIL_ERROR_H
#define SANCTAG_UTIL_ERROR_H

#include "sanctag.h"

/* Fills `err` (if not NULL) unless it already holds an error; returns code, so
 * that `return sanctagp_error_set(err, SANCTAG_E_..., ...);` reads naturally.
 * `source` names the input (file, database), line/column/position locate the
 * fault in it (0 or -1 when unknown, as sanctag.h documents). */
int sanctagp_error_set(sanctag_error *err, int code, const char *source, long line, long column,
                       long long position, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
