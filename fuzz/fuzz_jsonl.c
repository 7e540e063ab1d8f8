/* fuzz_jsonl.c - the JSON Lines reader: the fast scanner must agree with
 * Jansson. Whenever it accepts a line, Jansson must accept it too, and the
 * decoded "text" and "id" must be equal; it may refuse lines Jansson accepts
 * (they then take the Jansson path). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
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
    json_t *o = json_loadb(line, size, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                           &je);
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
            json_t *id2 = json_loadb(line + sp[0].off, sp[0].len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                                     NULL);
            if (!id2 || !json_equal(id, id2))
                FAIL();
            json_decref(id2);
        }
    }
    json_decref(o);
    return 0;
}
