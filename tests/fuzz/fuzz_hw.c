/* fuzz_hw.c — libFuzzer harness of the accelerator loader (sq_hw_load_buffer): any bytes give a
 * prepared design or a clean FILE:LINE error. Corpus: tests/fuzz/corpus/hw (the presets,
 * tests/data). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hw_config hw;
    sq_error err = {{0}};
    int rc = sq_hw_load_buffer(&hw, (const char *)data, size, "fuzz.xml", &err);
    fuzz_check(rc, &err, rc == SQ_OK, "fuzz.xml");
    return 0;
}
