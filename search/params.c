/*
 * params.c — the tables of search/: the metrics of a design point and the built-in default
 * experiment. (The compression settings' table lives beside its struct: nets/net.c.)
 *
 * sq_metrics is the one list of metric names: experiment files (<constraint>, <objective>), CSV
 * columns and `squash list metrics` all read it.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "load.h"
#include "metric.h"

/* Indexed by sq_metric. */
const sq_metric_info sq_metrics[SQ_N_METRICS] = {
    [SQ_ENERGY_UJ] = {"energy_uj", "uJ", "energy of one inference of one batch"},
    [SQ_LATENCY_MS] = {"latency_ms", "ms", "latency of one batch, layer after layer"},
    [SQ_AREA_MM2] = {"area_mm2", "mm2", "chip area: PE array and on-chip SRAM"},
    [SQ_ACCURACY] = {"accuracy", "%", "top-1 accuracy, estimated unless the network ships it"},
    [SQ_POWER_MW] = {"power_mw", "mW", "average power: energy / latency"},
    [SQ_EDP] = {"edp", "uJ*ms", "energy-delay product: energy_uj * latency_ms"},
    [SQ_TOPS_PER_W] = {"tops_per_w", "TOPS/W", "efficiency: 2 ops per dense MAC / energy"},
};

int sq_metric_find(const char *name)
{
    assert(name != NULL);
    for (int i = 0; i < SQ_N_METRICS; i++) {
        if (strcmp(sq_metrics[i].name, name) == 0)
            return i;
    }
    return -1;
}

/* The README's demo: ResNet-18 on the edge-systolic preset with zero skipping, array shape,
 * buffer size, dataflow, precision mode, pruning and bit-widths swept:
 *     rows 5 x cols 4 x glb_kb 6 (64..2048) x dataflow 3 x precision 2
 *     x prune 10 (0..0.9) x wbits 2 x abits 2 = 28 800 points.
 * Area is an objective as well as a budget (8 mm2, which cuts the largest arrays with the
 * largest buffers): with energy and latency alone one big design wins both and the front is a
 * single point. Accuracy is an objective because pruning and bit-widths are swept: without it
 * the front would hold only the most aggressive compression. One string literal, under ISO C's
 * 4095 characters. */
const char sq_default_experiment_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- squash's built-in default experiment (squash sweep with no file). -->\n"
    "<experiment name=\"resnet18-edge-default\">\n"
    "  <network ref=\"resnet18\"/>\n"
    "  <accelerator ref=\"edge-systolic\" sparsity=\"skip\">\n"
    "    <sweep param=\"rows\" values=\"8 16 32 64 128\"/>\n"
    "    <sweep param=\"cols\" values=\"8 16 32 64\"/>\n"
    "    <sweep param=\"glb_kb\" from=\"64\" to=\"2048\" factor=\"2\"/>\n"
    "    <sweep param=\"dataflow\" values=\"ws os is\"/>\n"
    "    <sweep param=\"precision\" values=\"fixed bitfusion\"/>\n"
    "  </accelerator>\n"
    "  <compression prune_kind=\"unstructured\">\n"
    "    <sweep param=\"prune\" from=\"0\" to=\"0.9\" step=\"0.1\"/>\n"
    "    <sweep param=\"wbits\" values=\"4 8\"/>\n"
    "    <sweep param=\"abits\" values=\"8 16\"/>\n"
    "  </compression>\n"
    "  <constraint metric=\"area_mm2\" max=\"8\"/>\n"
    "  <objective metric=\"energy_uj\" goal=\"min\"/>\n"
    "  <objective metric=\"latency_ms\" goal=\"min\"/>\n"
    "  <objective metric=\"area_mm2\" goal=\"min\"/>\n"
    "  <objective metric=\"accuracy\" goal=\"max\"/>\n"
    "</experiment>\n";
