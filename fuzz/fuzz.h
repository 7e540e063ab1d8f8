/* fuzz.h - shared by the fuzz targets: a small fixture gazetteer built once. */
#ifndef SANCTAG_FUZZ_H
#define SANCTAG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer/gazetteer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Path of a fixture gazetteer (built on first call), or aborts. */
const char *fuzz_fixture_db(void);

#endif
