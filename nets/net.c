/*
 * net.c — layer geometry, operation counts and compression of a network.
 *
 * GEOMETRY
 *   P = (H + 2·pad − R) / stride + 1,  Q = (W + 2·pad − S) / stride + 1   (integer division)
 *   MACs    = N · K · (C/G) · P · Q · R · S · count
 *   weights = K · (C/G) · R · S · count       (0 when operand B is an activation)
 *   inputs  = N · C · H · W · count,  outputs = N · K · P · Q · count        (elements)
 *
 * COMPRESSION (what each setting does to a layer the hardware sees)
 *   unstructured, prune p: shape unchanged; weight density d = 1 − p. A sparse format stores
 *     per dense weight position the cheaper of a bitmask (1 bit) or a 4-bit relative index per
 *     nonzero (4·d bits) [1]: meta_bits = min(1, 4·d) when p > 0, else 0.
 *   channel, prune p: whole channels removed. The kept fraction κ = √(1 − p) applies to every
 *     weight layer's output channels K (except the network's last MAC layer, whose outputs are
 *     the classes) and input channels C (except the first MAC layer, whose inputs are the
 *     image), so an
 *     interior layer keeps κ² = 1 − p of its weights and MACs, and `prune` keeps its meaning of
 *     "fraction of weights removed" for every kind. Counts round to the nearest integer, at
 *     least 1; depthwise layers (G = C = K) keep G = C. Density stays 1. A non-MAC layer
 *     between MAC layers scales its channels by κ too (it carries a pruned tensor); one before
 *     the first or after the last MAC layer keeps them, so adding non-MAC layers never changes
 *     what the MAC layers see.
 *   nm (2:4): two of every four consecutive weights kept [2]: d = 0.5 exactly, structured (no
 *     load imbalance), 2-bit index per kept weight → meta_bits = 1 per dense position.
 *   Activation × activation matmuls (attention) are never pruned.
 *   Bit-widths and number format do not change a layer's shape; the hardware templates read
 *   them from the sw_compression.
 *
 * LEAVES OUT: residual branches are not traced, so channel pruning scales every interior layer
 * alike (a pruned ResNet keeps matching shortcut widths by construction), and only the file's
 * first layer keeps its input channels (in BERT, layer 0's K and V projections also read the
 * embeddings, yet shrink); attention's activation × activation matmuls keep their head width
 * while the Q/K/V projections around them shrink, so channel pruning of transformers is a rough
 * approximation; non-MAC layers are not weighted by pruning (they have no weights).
 *
 * [1] Sparseloop (Wu et al., MICRO 2022) compares bitmask and run-length / coordinate formats.
 * [2] Mishra et al., "Accelerating Sparse Deep Neural Networks", arXiv 2104.08378 (NVIDIA 2:4).
 */
#include "net.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Indexed by net_kind; the header of net.h gives the counts of the non-MAC kinds. */
const net_kind_info net_kinds[NET_N_KINDS] = {
    [NET_CONV] = {"conv", 1, NET_FORM_CONV, 1, 0, "convolution (grouped, depthwise)"},
    [NET_FC] = {"fc", 1, NET_FORM_FC, 1, 0, "fully connected"},
    [NET_MATMUL] = {"matmul", 1, NET_FORM_MATMUL, 1, 0, "matrix product (attention, linear)"},
    [NET_MAXPOOL] = {"maxpool", 0, NET_FORM_POOL, 1, 1,
                     "max pooling: a compare per window element"},
    [NET_AVGPOOL] = {"avgpool", 0, NET_FORM_POOL, 1, 1,
                     "average pooling: an add per window element"},
    [NET_ADD] = {"add", 0, NET_FORM_ELEM, 2, 1, "element-wise sum of two tensors (residual)"},
    [NET_ACT] = {"act", 0, NET_FORM_ELEM, 1, 1, "element-wise activation (ReLU, GELU, ...)"},
    [NET_SOFTMAX] = {"softmax", 0, NET_FORM_ELEM, 1, 5, "softmax over rows of `in` elements"},
    [NET_NORM] = {"norm", 0, NET_FORM_ELEM, 1, 7, "layer normalisation over `in` channels"},
};

int net_kind_find(const char *name)
{
    for (int k = 0; k < NET_N_KINDS; k++)
        if (strcmp(net_kinds[k].name, name) == 0)
            return k;
    return -1;
}

int net_layer_does_macs(const net_layer *l)
{
    assert((unsigned)l->kind < NET_N_KINDS);
    return net_kinds[l->kind].does_macs;
}
const char *const net_prune_kind_names[] = {"unstructured", "channel", "nm", NULL};
const char *const net_numfmt_names[] = {"int", "fp", "bf", NULL};
const char *const net_quant_names[] = {"qat", "ptq", "ptq_naive", NULL};

/* The enums of sw_compression are C enums stored through the PT_ENUM path, which writes an int,
 * so their size must be that of an int. prune is a closed range like every other parameter, so
 * "< 1" becomes "<= 0.999999": a network with a millionth of its weights left is as far as
 * pruning is meaningful. */
static_assert(sizeof(net_prune_kind) == sizeof(int), "prune_kind is stored as an int");
static_assert(sizeof(net_numfmt) == sizeof(int), "numfmt is stored as an int");
static_assert(sizeof(net_quant) == sizeof(int), "quant is stored as an int");

const pt_param net_compression_params[] = {
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
     "qat (quantization-aware training), ptq (per-channel post-training with rounding "
     "optimisation, AdaRound/BRECQ class) or ptq_naive (per-tensor min/max post-training): "
     "accuracy only",
     NULL, 0},
};

const size_t net_compression_n_params =
    sizeof net_compression_params / sizeof net_compression_params[0];

sw_compression net_compression_default(void)
{
    sw_compression c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < net_compression_n_params; i++)
        pt_set(&net_compression_params[i], &c, net_compression_params[i].def);
    return c;
}

int net_layer_finish(net_layer *l, char *msg, size_t msg_len)
{
    if (l->n == 0 || l->k == 0 || l->c == 0 || l->h == 0 || l->w == 0 || l->r == 0 || l->s == 0 ||
        l->stride == 0 || l->groups == 0 || l->count == 0) {
        snprintf(msg, msg_len, "layer '%s': sizes, stride, groups and count must be at least 1",
                 l->name);
        return -1;
    }
    if (l->c % l->groups != 0 || l->k % l->groups != 0) {
        snprintf(msg, msg_len, "layer '%s': groups=%u must divide both in=%u and out=%u channels",
                 l->name, l->groups, l->c, l->k);
        return -1;
    }
    uint64_t ph = (uint64_t)l->h + 2u * (uint64_t)l->pad;
    uint64_t pw = (uint64_t)l->w + 2u * (uint64_t)l->pad;
    if (l->r > ph || l->s > pw) {
        snprintf(msg, msg_len, "layer '%s': kernel %ux%u is larger than the padded input %llux%llu",
                 l->name, l->r, l->s, (unsigned long long)ph, (unsigned long long)pw);
        return -1;
    }
    l->p = (uint32_t)((ph - l->r) / l->stride + 1);
    l->q = (uint32_t)((pw - l->s) / l->stride + 1);
    if (!(l->density > 0.0 && l->density <= 1.0))
        l->density = 1.0;
    if (!(l->meta_bits >= 0.0))
        l->meta_bits = 0.0;
    return 0;
}

uint64_t net_layer_macs(const net_layer *l)
{
    if (!net_layer_does_macs(l))
        return 0;
    return (uint64_t)l->n * l->k * (l->c / l->groups) * l->p * l->q * l->r * l->s * l->count;
}

uint64_t net_layer_weights(const net_layer *l)
{
    if (!l->b_is_weight || !net_layer_does_macs(l))
        return 0;
    return (uint64_t)l->k * (l->c / l->groups) * l->r * l->s * l->count;
}

uint64_t net_layer_inputs(const net_layer *l)
{
    return (uint64_t)l->n * l->c * l->h * l->w * l->count;
}

uint64_t net_layer_outputs(const net_layer *l)
{
    return (uint64_t)l->n * l->k * l->p * l->q * l->count;
}

uint64_t net_layer_elems_read(const net_layer *l)
{
    return net_kinds[l->kind].operands * net_layer_inputs(l);
}

uint64_t net_layer_ops(const net_layer *l)
{
    if (net_layer_does_macs(l))
        return 0;
    return net_layer_outputs(l) * l->r * l->s * net_kinds[l->kind].ops_per_elem;
}

void net_layer_gemm(const net_layer *l, net_gemm *out)
{
    out->m = (uint64_t)l->n * l->p * l->q;
    out->f = l->k / l->groups;
    out->win = (uint64_t)(l->c / l->groups) * l->r * l->s;
    out->reps = (uint64_t)l->groups * l->count;
}

uint64_t net_network_macs(const net_network *net)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < net->n_layers; i++)
        sum += net_layer_macs(&net->layers[i]);
    return sum;
}

uint64_t net_network_weights(const net_network *net)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < net->n_layers; i++)
        sum += net_layer_weights(&net->layers[i]);
    return sum;
}

int net_compression_check(const sw_compression *cmp, char *msg, size_t msg_len)
{
    if (!(cmp->prune >= 0.0 && cmp->prune < 1.0)) {
        snprintf(msg, msg_len, "prune=%g is outside 0 <= prune < 1", cmp->prune);
        return -1;
    }
    if (cmp->wbits < 1 || cmp->wbits > 32 || cmp->abits < 1 || cmp->abits > 32) {
        snprintf(msg, msg_len, "wbits=%u, abits=%u: bit-widths must be 1..32", cmp->wbits,
                 cmp->abits);
        return -1;
    }
    if ((unsigned)cmp->prune_kind > NET_PRUNE_NM || (unsigned)cmp->numfmt > NET_FMT_BF ||
        (unsigned)cmp->quant > NET_QUANT_PTQ_NAIVE) {
        snprintf(msg, msg_len, "unknown prune_kind, numfmt or quant");
        return -1;
    }
    if (cmp->prune_kind == NET_PRUNE_NM && cmp->prune != 0.0 && cmp->prune != 0.5) {
        snprintf(msg, msg_len,
                 "prune_kind=nm is 2:4 sparsity, a fixed 50 %% density: prune must be 0.5 "
                 "(or left at 0), not %g",
                 cmp->prune);
        return -1;
    }
    if (cmp->numfmt == NET_FMT_FP) {
        uint32_t b[2] = {cmp->wbits, cmp->abits};
        for (int i = 0; i < 2; i++) {
            if (b[i] != 8 && b[i] != 16 && b[i] != 32) {
                snprintf(msg, msg_len,
                         "numfmt=fp supports 8, 16 and 32 bits (fp8, float16, float32), not %u",
                         b[i]);
                return -1;
            }
        }
    }
    if (cmp->numfmt == NET_FMT_BF && (cmp->wbits != 16 || cmp->abits != 16)) {
        snprintf(msg, msg_len, "numfmt=bf is bfloat16: wbits and abits must be 16");
        return -1;
    }
    return 0;
}

/* Round x·keep to the nearest integer, at least 1. */
static uint32_t net_scale_count(uint32_t x, double keep)
{
    double v = floor((double)x * keep + 0.5);
    return v < 1.0 ? 1u : (uint32_t)v;
}

void net_compress_layer(const net_layer *in, int is_first, int is_last, const sw_compression *cmp,
                        net_layer *out)
{
    const double keep = sqrt(1.0 - cmp->prune); /* channel kind: kept fraction of channels */
    net_layer l = *in;
    l.density = 1.0;
    l.meta_bits = 0.0;
    l.nm_structured = 0;

    if (!net_layer_does_macs(&l)) {
        /* Channel-wise (K = C = G): an interior one follows its producer's pruned channels. */
        if (cmp->prune_kind == NET_PRUNE_CHANNEL && cmp->prune > 0.0 && !is_first && !is_last)
            l.c = l.k = l.groups = net_scale_count(l.c, keep);
    } else if (l.b_is_weight) {
        switch (cmp->prune_kind) {
        case NET_PRUNE_UNSTRUCTURED:
            if (cmp->prune > 0.0) {
                l.density = 1.0 - cmp->prune;
                l.meta_bits = fmin(1.0, 4.0 * l.density);
            }
            break;
        case NET_PRUNE_NM:
            l.density = 0.5;
            l.meta_bits = 1.0;
            l.nm_structured = 1;
            break;
        case NET_PRUNE_CHANNEL:
            if (cmp->prune > 0.0) {
                int depthwise = l.groups > 1 && l.groups == l.c && l.groups == l.k;
                uint32_t c = is_first ? l.c : net_scale_count(l.c, keep);
                uint32_t k = is_last ? l.k : net_scale_count(l.k, keep);
                if (depthwise) {
                    /* Depthwise: one filter per channel, so in = out = groups. */
                    c = k = l.groups = is_first ? l.c : c;
                } else if (l.groups > 1) {
                    /* Grouped: keep whole per-group channel counts. */
                    c = is_first ? l.c : l.groups * net_scale_count(l.c / l.groups, keep);
                    k = is_last ? l.k : l.groups * net_scale_count(l.k / l.groups, keep);
                }
                l.c = c;
                l.k = k;
            }
            break;
        }
    }
    *out = l;
}

net_mac_span net_network_mac_span(const net_network *net)
{
    net_mac_span span = {net->n_layers, 0};
    for (size_t i = 0; i < net->n_layers; i++) {
        if (net_layer_does_macs(&net->layers[i])) {
            if (span.first == net->n_layers)
                span.first = i;
            span.last = i;
        }
    }
    return span;
}

void net_layer_edges(const net_network *net, const net_mac_span *span, size_t i, int *is_first,
                     int *is_last)
{
    assert(i < net->n_layers);
    if (net_layer_does_macs(&net->layers[i])) {
        *is_first = i == span->first;
        *is_last = i == span->last;
    } else {
        *is_first = i < span->first;
        *is_last = span->first == net->n_layers || i > span->last;
    }
}

size_t net_network_mac_layers(const net_network *net)
{
    size_t n = 0;
    for (size_t i = 0; i < net->n_layers; i++)
        n += (size_t)net_layer_does_macs(&net->layers[i]);
    return n;
}

void net_compress(const net_network *net, const sw_compression *cmp, net_layer *out)
{
    const net_mac_span span = net_network_mac_span(net);
    for (size_t i = 0; i < net->n_layers; i++) {
        int is_first, is_last;
        net_layer_edges(net, &span, i, &is_first, &is_last);
        net_compress_layer(&net->layers[i], is_first, is_last, cmp, &out[i]);
    }
}

void net_network_free(net_network *net)
{
    if (!net)
        return;
    free(net->layers);
    free(net->acc_points);
    free(net);
}
