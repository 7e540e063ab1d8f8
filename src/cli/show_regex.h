/* show_regex.h - ICU's regular expressions for `show --grep`, from
 * libicui18n loaded when a pattern is first compiled. The command links
 * only libicuuc: loading libicui18n at start-up cost every run of every
 * command 1.3-1.9 ms on this project's VM (issue 20), and --grep is its only
 * user. */
#ifndef SANCTAG_CLI_SHOW_REGEX_H
#define SANCTAG_CLI_SHOW_REGEX_H

#include <stddef.h>

#include <unicode/uregex.h>

/* The functions of ICU's C regex API that show uses. */
typedef struct show_regex_api {
    URegularExpression *(*open)(const UChar *pattern, int32_t len, uint32_t flags,
                                UParseError *pe, UErrorCode *st);
    void (*close)(URegularExpression *re);
    URegularExpression *(*clone)(const URegularExpression *re, UErrorCode *st);
    void (*set_time_limit)(URegularExpression *re, int32_t limit, UErrorCode *st);
    void (*set_stack_limit)(URegularExpression *re, int32_t limit, UErrorCode *st);
    void (*set_utext)(URegularExpression *re, UText *text, UErrorCode *st);
    UBool (*find)(URegularExpression *re, int32_t start, UErrorCode *st);
} show_regex_api;

/* The API, loading the library on the first call (not thread-safe: call it
 * before starting workers). NULL with why in msg when it cannot be loaded. */
const show_regex_api *show_regex_load(char *msg, size_t cap);

#endif
