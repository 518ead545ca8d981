/* fuzz_net.c — libFuzzer harness of the network loader (sq_net_load_buffer): any bytes give a
 * network or a clean FILE:LINE error. Corpus: tests/fuzz/corpus/net (the zoo, tests/data). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    net_network *net = NULL;
    sq_error err = {{0}};
    int rc = sq_net_load_buffer(&net, (const char *)data, size, "fuzz.xml", &err);
    fuzz_check(rc, &err, net != NULL, "fuzz.xml");
    net_network_free(net);
    return 0;
}
