/* fuzz_jsonl.c - the JSON Lines reader: the fast scanner must agree with
 * Jansson. Whenever it accepts a line, Jansson must accept it too, and the
 * decoded "text", "id" and "date" must be equal; it may refuse lines Jansson
 * accepts (they then take the Jansson path). Jansson is asked as every command
 * asks it (sanctagp_json_load_line: numbers it cannot hold read as strings of
 * their digits); a line Jansson reads as it is must pass that reader
 * unchanged, so the overflow rule of util/json.c is Jansson's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "output/output.h"
#include "util/json.h"

#define FAIL()                                                                     \
    do {                                                                           \
        fprintf(stderr, "fuzz_jsonl.c:%d: fast path and Jansson disagree\n", __LINE__); \
        abort();                                                                   \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"id", "text", "date"};
    sanctagp_jspan sp[3];
    const char *line = (const char *)data;
    int fast = sanctagp_json_scan(line, size, keys, 3, sp);
    json_error_t je;
    const size_t flags = JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES | JSON_DECODE_ANY;
    json_t *plain = json_loadb(line, size, flags, &je);
    json_t *o = sanctagp_json_load_line(line, size, flags, "text", NULL);
    if (plain) {
        /* Jansson holds every number of it: none may be quoted */
        sanctagp_buf q = {0};
        if (!o || !json_equal(plain, o) || sanctagp_json_quote_big_numbers(line, size, "text", &q) != 0 ||
            q.len != size || memcmp(q.p, line, size) != 0)
            FAIL();
        sanctagp_buf_release(&q);
    } else if (o && json_error_code(&je) != json_error_numeric_overflow) {
        FAIL(); /* only a number Jansson cannot hold may be read around */
    }
    json_decref(plain);
    if (fast == 0) {
        if (!o || !json_is_object(o))
            FAIL();
        json_t *t = json_object_get(o, "text");
        if (!!t != sp[1].found)
            FAIL();
        if (t && json_is_string(t)) {
            if (sp[1].type != 's')
                FAIL();
            sanctagp_buf b = {0};
            if (sanctagp_json_unescape(line + sp[1].off, sp[1].len, &b) != 0 ||
                b.len != json_string_length(t) || memcmp(b.p, json_string_value(t), b.len) != 0)
                FAIL();
            /* and writing it back gives Jansson's encoding */
            sanctagp_buf w = {0};
            char *ref = json_dumps(t, JSON_ENCODE_ANY | JSON_COMPACT);
            if (sanctagp_json_put_string(&w, b.p, b.len) != 0 || !ref || strlen(ref) != w.len ||
                memcmp(ref, w.p, w.len) != 0)
                FAIL();
            free(ref);
            sanctagp_buf_release(&w);
            sanctagp_buf_release(&b);
        }
        json_t *id = json_object_get(o, "id");
        if (!!id != sp[0].found)
            FAIL();
        if (id) {
            json_t *id2 = sanctagp_json_load_value(line + sp[0].off, sp[0].len, JSON_ALLOW_NUL);
            if (!id2 || !json_equal(id, id2))
                FAIL();
            json_decref(id2);
        }
        json_t *date = json_object_get(o, "date");
        if (!!date != sp[2].found)
            FAIL();
        if (date) {
            json_t *d2 = sanctagp_json_load_value(line + sp[2].off, sp[2].len, JSON_ALLOW_NUL);
            if (!d2 || !json_equal(date, d2))
                FAIL();
            json_decref(d2);
        }
    }
    json_decref(o);
    return 0;
}
