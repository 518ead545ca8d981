/*
 * params.c — the tables of search/: the built-in default experiment (the metrics are in
 * metric.c; the compression settings' table lives beside its struct, nets/net.c).
 */
#include "load.h"

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
