/*
 * params.c — the compression settings as a parameter table (hw_param), like a template's: the
 * one list behind `--set prune=0.5`, <compression> attributes and sweeps in experiment files,
 * and the compression columns of outputs.
 *
 * The enums of sw_compression are C enums; they are stored through the HW_P_ENUM path, which
 * writes an int, so their size must be that of an int (checked below).
 *
 * prune is a closed range like every other parameter, so "< 1" becomes "<= 0.999999": a
 * network with a millionth of its weights left is as far as pruning is meaningful.
 */
#include <assert.h>
#include <stddef.h>

#include "dse.h"

static_assert(sizeof(net_prune_kind) == sizeof(int), "prune_kind is stored as an int");
static_assert(sizeof(net_numfmt) == sizeof(int), "numfmt is stored as an int");

const hw_param sq_compression_params[] = {
    {"prune", "", HW_P_REAL, 0.0, 0.0, 0.999999, NULL, offsetof(sw_compression, prune),
     "fraction of weights removed (0 <= prune < 1)"},
    {"prune_kind", "", HW_P_ENUM, NET_PRUNE_UNSTRUCTURED, 0, 0, net_prune_kind_names,
     offsetof(sw_compression, prune_kind),
     "unstructured (zeros anywhere), channel (whole output channels), nm (2:4 structured)"},
    {"wbits", "bits", HW_P_INT, 8, 1, 32, NULL, offsetof(sw_compression, wbits),
     "weight bit-width"},
    {"abits", "bits", HW_P_INT, 8, 1, 32, NULL, offsetof(sw_compression, abits),
     "activation bit-width"},
    {"numfmt", "", HW_P_ENUM, NET_FMT_INT, 0, 0, net_numfmt_names, offsetof(sw_compression, numfmt),
     "number format: int, fp (IEEE float of wbits/abits), bf (bfloat16)"},
};

const size_t sq_compression_n_params =
    sizeof sq_compression_params / sizeof sq_compression_params[0];
