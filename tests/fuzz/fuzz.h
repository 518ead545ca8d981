/*
 * fuzz.h — what every loader harness checks besides "no crash, no leak, no sanitizer report"
 * (which libFuzzer and the sanitizers check themselves): a loader returns one of its three
 * codes, fills its output exactly when it succeeds, and explains a failure with a message that
 * names the input. A broken promise aborts, so libFuzzer saves the input as a crash.
 */
#ifndef SQUASH_FUZZ_H
#define SQUASH_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* rc: the loader's return; has_out: whether it produced its output; name: the path it was
 * given, which an input error must start with (a runtime error may start with "squash:"). */
static inline void fuzz_check(int rc, const sq_error *err, int has_out, const char *name)
{
    if (rc != SQ_OK && rc != SQ_EINPUT && rc != SQ_ERUNTIME) {
        fprintf(stderr, "fuzz: return code %d is none of SQ_OK, SQ_EINPUT, SQ_ERUNTIME\n", rc);
        abort();
    }
    if ((rc == SQ_OK) != (has_out != 0)) {
        fprintf(stderr, "fuzz: return %d with%s output\n", rc, has_out ? "" : "out");
        abort();
    }
    if (rc == SQ_EINPUT && strncmp(err->msg, name, strlen(name)) != 0) {
        fprintf(stderr, "fuzz: input error does not name %s: %s\n", name, err->msg);
        abort();
    }
    if (rc != SQ_OK && (err->msg[0] == '\0' || memchr(err->msg, '\0', sizeof err->msg) == NULL)) {
        fprintf(stderr, "fuzz: error %d without a message\n", rc);
        abort();
    }
}

#endif
