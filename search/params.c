/*
 * params.c — the tables of search/: the compression settings as a parameter table (pt_param),
 * and the built-in default experiment (the metrics are in metric.c).
 *
 * sq_compression_params is the compression counterpart of a template's table: the one list
 * behind `--set prune=0.5`, <compression> attributes and sweeps in experiment files, and the
 * compression columns of outputs.
 *
 * The enums of sw_compression are C enums; they are stored through the PT_ENUM path, which
 * writes an int, so their size must be that of an int (checked below).
 *
 * prune is a closed range like every other parameter, so "< 1" becomes "<= 0.999999": a
 * network with a millionth of its weights left is as far as pruning is meaningful.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "load.h"

static_assert(sizeof(net_prune_kind) == sizeof(int), "prune_kind is stored as an int");
static_assert(sizeof(net_numfmt) == sizeof(int), "numfmt is stored as an int");
static_assert(sizeof(net_quant) == sizeof(int), "quant is stored as an int");

const pt_param sq_compression_params[] = {
    {"prune", "", PT_REAL, 0.0, 0.0, 0.999999, NULL, offsetof(sw_compression, prune),
     "fraction of weights removed (0 <= prune < 1)", NULL, 0},
    {"prune_kind", "", PT_ENUM, NET_PRUNE_UNSTRUCTURED, 0, 0, net_prune_kind_names,
     offsetof(sw_compression, prune_kind),
     "unstructured (zeros anywhere), channel (whole output channels), nm (2:4 structured)", NULL,
     0},
    {"wbits", "bits", PT_INT, 8, 1, 32, NULL, offsetof(sw_compression, wbits), "weight bit-width",
     NULL, 0},
    {"abits", "bits", PT_INT, 8, 1, 32, NULL, offsetof(sw_compression, abits),
     "activation bit-width", NULL, 0},
    {"numfmt", "", PT_ENUM, NET_FMT_INT, 0, 0, net_numfmt_names, offsetof(sw_compression, numfmt),
     "number format: int, fp (IEEE float of wbits/abits), bf (bfloat16)", NULL, 0},
    {"quant", "", PT_ENUM, NET_QUANT_QAT, 0, 0, net_quant_names, offsetof(sw_compression, quant),
     "qat (quantization-aware training) or ptq (post-training quantization): accuracy only", NULL,
     0},
};

const size_t sq_compression_n_params =
    sizeof sq_compression_params / sizeof sq_compression_params[0];

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
