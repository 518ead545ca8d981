/*
 * bench_layers.c — layer-evaluation throughput of one core, on a fixed workload: ResNet-50
 * (53 layers) on the edge-systolic preset, for each of 3 dataflows × 4 bit-widths × 2 sparsity
 * modes × 5 prune ratios, repeated until at least min_s seconds have passed. Compression and
 * configuration are prepared outside the timed loop, as the sweep driver does per design point;
 * the timed part is hw_eval_layer over every layer. Prints machine-readable key=value lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dse.h"

static double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_set(hw_config *hw, sw_compression *cmp, const char *a)
{
    sq_error err;
    if (sq_set_apply(hw, cmp, a, &err) != SQ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    double min_s = argc > 1 ? strtod(argv[1], NULL) : 2.0;
    sq_error err;
    net_network *net = NULL;
    hw_config base;
    if (sq_net_load(&net, "resnet50", &err) != SQ_OK || sq_hw_load(&base, "edge-systolic", &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    static const char *const dataflows[] = {"dataflow=ws", "dataflow=os", "dataflow=is"};
    static const char *const bits[] = {"wbits=2", "wbits=4", "wbits=8", "wbits=16"};
    static const char *const sparsity[] = {"sparsity=gate", "sparsity=skip"};
    static const char *const prunes[] = {"prune=0", "prune=0.3", "prune=0.5", "prune=0.7",
                                         "prune=0.9"};
    enum { N_CFG = 3 * 4 * 2 * 5 };
    static hw_config hws[N_CFG];
    static sw_compression cmps[N_CFG];
    net_layer *layers = calloc(N_CFG * net->n_layers, sizeof *layers);
    if (!layers)
        return 1;
    int n = 0;
    for (int d = 0; d < 3; d++)
        for (int b = 0; b < 4; b++)
            for (int s = 0; s < 2; s++)
                for (int p = 0; p < 5; p++, n++) {
                    hws[n] = base;
                    cmps[n] = net_compression_default();
                    if (bench_set(&hws[n], &cmps[n], dataflows[d]) ||
                        bench_set(&hws[n], &cmps[n], bits[b]) ||
                        bench_set(&hws[n], &cmps[n], sparsity[s]) ||
                        bench_set(&hws[n], &cmps[n], prunes[p]))
                        return 1;
                    net_compress(net, &cmps[n], layers + (size_t)n * net->n_layers);
                }

    uint64_t evals = 0;
    double sink_pj = 0.0, t0 = bench_now_s(), t1 = t0;
    do {
        for (int i = 0; i < N_CFG; i++) {
            const net_layer *ls = layers + (size_t)i * net->n_layers;
            for (size_t l = 0; l < net->n_layers; l++) {
                hw_layer_cost c;
                hw_eval_layer(&hws[i], &ls[l], &cmps[i], &c);
                sink_pj += c.energy_pj;
            }
            evals += net->n_layers;
        }
        t1 = bench_now_s();
    } while (t1 - t0 < min_s);

    printf("workload=resnet50 x edge-systolic x %d settings (%zu layers each)\n", N_CFG,
           net->n_layers);
    printf("layer_evals=%llu\nseconds=%.3f\nlayer_evals_per_s=%.0f\n", (unsigned long long)evals,
           t1 - t0, (double)evals / (t1 - t0));
    printf("checksum_pj=%.6e\n", sink_pj / (double)evals);
    free(layers);
    net_network_free(net);
    return 0;
}
