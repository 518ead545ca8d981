/*
 * net.h — squash's network model: layers as canonical loop nests, networks, and the
 * compression settings (pruning, bit-widths, number format) with what each does to a layer.
 *
 * Every layer kind maps onto one loop nest (Timeloop / SCALE-Sim convention):
 *
 *   for n < N, k < K, c < C/G, p < P, q < Q, r < R, s < S:          (per group g < G)
 *       out[n][g*K/G + k][p][q] += in[n][g*C/G + c][p*stride + r - pad][q*stride + s - pad]
 *                                   * wgt[g*K/G + k][c][r][s]
 *
 *   conv   : as written; depthwise is groups == C == K.
 *   fc     : N = batch, K = out, C = in, P = Q = R = S = 1.
 *   matmul : (m × k) · (k × n) repeated `count` times (attention heads):
 *            P = m, Q = 1, C = k, K = n, R = S = 1. Operand B is a trained weight
 *            (`b="weights"`, a linear layer) or an activation (`b="activations"`,
 *            attention's Q·Kᵀ and A·V), which pruning does not touch.
 *
 * GEMM view (SCALE-Sim's, used by the hardware templates): per group and repetition,
 *   M = N·P·Q output pixels, F = K/G filters, W = (C/G)·R·S window; G·count such GEMMs.
 *
 * This module is pure: no XML, files, threads or allocation in the evaluation path.
 * Counts are 64-bit (ResNet-50 at batch 64 exceeds 2^32 MACs).
 */
#ifndef SQUASH_NET_H
#define SQUASH_NET_H

#include <stddef.h>
#include <stdint.h>

#include "ptable.h"

#define NET_NAME_MAX 64

/* ---- layer kinds (one table, net_kinds: names in files and outputs, parsing, counts) ----
 *
 * MAC kinds (conv, fc, matmul) are the loop nest above. Non-MAC kinds do no multiply-
 * accumulate with a weight and have no weights; they are channel-wise (K = C = G, so the GEMM
 * view is that of a depthwise layer) and count elements instead:
 *   read    = operands · N·C·H·W·count          (add reads two tensors, the others one)
 *   written = N·C·P·Q·count
 *   ops     = N·C·P·Q·count · R·S · ops_per_elem
 * pooling (maxpool / avgpool): a R×S window per output, one compare or add per window element
 *   (avgpool's final scaling folds into the last add's place);
 * add: element-wise sum of two tensors (a residual join), 1 op per output;
 * act: an element-wise activation function (ReLU, GELU, ...), 1 op per element;
 * softmax: over a row of C elements, 5 ops per element (max, subtract, exp, sum, divide: the
 *   numerically stable form);
 * norm: layer normalisation at inference, 7 ops per element (mean: add; variance: subtract,
 *   square, add; normalise: multiply by the reciprocal square root; affine: multiply, add).
 *   Batch normalisation folds into the preceding conv at inference: list it only if it does not.
 * Templates cost them or ignore them where they are free (hwmodels/: each template says). */
typedef enum net_kind {
    NET_CONV = 0, /* convolution (depthwise and grouped too) */
    NET_FC,       /* fully connected */
    NET_MATMUL,   /* matrix product, operand B weights or activations */
    NET_MAXPOOL,  /* max pooling */
    NET_AVGPOOL,  /* average pooling */
    NET_ADD,      /* element-wise sum of two tensors */
    NET_ACT,      /* element-wise activation function */
    NET_SOFTMAX,  /* softmax over rows */
    NET_NORM,     /* normalisation (layer norm) */
    NET_N_KINDS
} net_kind;

/* Which attributes describe a kind in a network file, and how its sizes follow from them. */
typedef enum net_kind_form {
    NET_FORM_CONV,   /* in, out, h, w, kernel | kh kw, stride, pad, groups */
    NET_FORM_FC,     /* in, out (H = W = R = S = 1) */
    NET_FORM_MATMUL, /* m, n, k, count, b (P = m, C = k, K = n) */
    NET_FORM_POOL,   /* in (channels), h, w, kernel | kh kw, stride, pad; out = in */
    NET_FORM_ELEM    /* in (channels, or a row's length), h, w (default 1), count; out = in */
} net_kind_form;

typedef struct net_kind_info {
    const char *name;      /* element name in network files and the `kind` column */
    int does_macs;         /* 1: a MAC layer (loop nest, weights); 0: element counts only */
    net_kind_form form;    /* attributes in files and how the sizes follow */
    uint32_t operands;     /* input tensors read, each N·C·H·W·count elements */
    uint32_t ops_per_elem; /* non-MAC: operations per output element (pool: per window element) */
    const char *summary;   /* one line for humans */
} net_kind_info;

extern const net_kind_info net_kinds[NET_N_KINDS]; /* indexed by net_kind */

/* The kind named name ("conv", "maxpool", ...), or -1. */
int net_kind_find(const char *name);

typedef struct net_layer {
    char name[NET_NAME_MAX]; /* layer name as in the network file */
    net_kind kind;           /* index into net_kinds */
    uint32_t n;              /* batch (inputs per inference) */
    uint32_t k;              /* output channels / filters, all groups together */
    uint32_t c;              /* input channels, all groups together */
    uint32_t h, w;           /* input feature map height, width (pixels, before padding) */
    uint32_t p, q;           /* output feature map height, width (pixels; net_layer_finish) */
    uint32_t r, s;           /* kernel height, width (pixels) */
    uint32_t stride;         /* stride in both dimensions (pixels) */
    uint32_t pad;            /* zero padding on each side (pixels) */
    uint32_t groups;         /* channel groups G; depthwise: G == C == K */
    uint32_t count;          /* identical repetitions (attention heads), >= 1 */
    int b_is_weight;         /* 1: operand B are trained weights; 0: activations (attention) */
    double density;          /* fraction of weights that are nonzero after pruning (1 = dense) */
    double meta_bits;        /* sparse-format metadata, bits per dense weight position (0 dense) */
    int nm_structured;       /* 1: sparsity is 2:4 structured (no load imbalance) */
} net_layer;

typedef struct net_gemm {
    uint64_t m;    /* output pixels per group: N·P·Q */
    uint64_t f;    /* filters per group: K/G */
    uint64_t win;  /* window per filter: (C/G)·R·S */
    uint64_t reps; /* independent GEMMs: G·count */
} net_gemm;

typedef struct net_acc_point net_acc_point;

/* The accuracy proxy's per-network parameters (nets/accuracy.c documents the model). A zoo
 * network carries the values calibrated on the published results; `squash calibrate` refits
 * them to a user's measured points and writes them into the network file's <accuracy>. */
typedef struct net_acc_params {
    double q_scale;   /* quantization sensitivity: top-1 points lost per unit of weighted noise */
    double p_scale;   /* pruning sensitivity: top-1 points lost per unit of weighted pruning loss */
    double ptq_scale; /* extra noise factor of post-training over quantization-aware (>= 1) */
    double dw_factor; /* sensitivity multiplier of depthwise layers (>= 1) */
    int set;          /* 1 when given (file or calibration); 0: use the model's defaults */
    /* Added by the accuracy model v2 after `set`, so that positional initializers of the four
     * above keep their meaning (these then stay 0: no floor, ptq_naive as ptq). */
    double naive_scale; /* extra noise factor of ptq_naive over qat (the model uses >= ptq_scale) */
    double floor_8bit;  /* top-1 points lost at 8 bits whatever the method (outliers, clipping) */
} net_acc_params;

typedef struct net_network {
    char name[NET_NAME_MAX];   /* network name */
    char source[128];          /* where the baseline accuracy comes from */
    double top1;               /* baseline top-1 accuracy (%), dense float model */
    uint32_t batch;            /* inputs per inference, applied to every layer's n */
    size_t n_layers;           /* number of entries in layers */
    net_layer *layers;         /* owned, n_layers entries, in execution order */
    size_t n_acc_points;       /* measured accuracy points from the file's <accuracy> */
    net_acc_point *acc_points; /* owned, n_acc_points entries (NULL if none) */
    net_acc_params acc;        /* proxy parameters from <accuracy ...> attributes, if any */
} net_network;

/* ---- compression settings (apply to every template) ---- */

typedef enum net_prune_kind {
    NET_PRUNE_UNSTRUCTURED = 0, /* zeros anywhere: shape kept, density = 1 - prune */
    NET_PRUNE_CHANNEL,          /* whole channels removed: K and next layer's C shrink */
    NET_PRUNE_NM                /* 2:4 structured: density fixed at 0.5 */
} net_prune_kind;

typedef enum net_numfmt {
    NET_FMT_INT = 0, /* two's-complement integer of wbits / abits */
    NET_FMT_FP,      /* IEEE-style float of wbits / abits (32 = float32, 16 = float16) */
    NET_FMT_BF       /* bfloat16-style: 8-bit exponent, mantissa of the remaining bits */
} net_numfmt;

/* In the order of the accuracy they keep, best first (the accuracy model's order relies on it:
 * a method of a larger value is never more accurate at the same setting). */
typedef enum net_quant {
    NET_QUANT_QAT = 0,  /* quantization-aware training (fine-tuned at the bit-width) */
    NET_QUANT_PTQ,      /* post-training, per-channel scales with rounding optimisation (AdaRound /
                           BRECQ class), no retraining */
    NET_QUANT_PTQ_NAIVE /* post-training, per-tensor min/max scales, round to nearest */
} net_quant;

typedef struct sw_compression {
    double prune;              /* fraction of weights removed, 0 <= prune < 1 */
    net_prune_kind prune_kind; /* how the weights are removed */
    uint32_t wbits;            /* weight bit-width, 1..32 */
    uint32_t abits;            /* activation bit-width, 1..32 */
    net_numfmt numfmt;         /* number format of weights and activations */
    net_quant quant;           /* how the quantized model was obtained */
} sw_compression;

/* ---- accuracy (nets/accuracy.c) ---- */

/* One measured result a user trained and evaluated (a <point> of the file's <accuracy>). */
struct net_acc_point {
    double prune;              /* fraction of weights removed */
    net_prune_kind prune_kind; /* how */
    uint32_t wbits, abits;     /* bit-widths (bits) */
    net_quant method;          /* qat, ptq or ptq_naive */
    double top1;               /* measured top-1 (%) */
};

typedef enum net_acc_src {
    NET_ACC_MEASURED = 0, /* a measured point of the network file, returned exactly */
    NET_ACC_INTERPOLATED, /* between measured points of the file */
    NET_ACC_ESTIMATED     /* the calibrated proxy model */
} net_acc_src;

extern const char *const net_quant_names[];   /* "qat", "ptq", "ptq_naive", NULL */
extern const char *const net_acc_src_names[]; /* "measured", "interpolated", "estimated", NULL */

/* Top-1 (%) of net under cmp, and where the number comes from. Measured points are returned
 * exactly; between measured points of the same kind and method it interpolates; otherwise the
 * proxy estimates (never a silent extrapolation from measured data). Prune 0 has no kind (a
 * dense point serves every non-2:4 kind). Estimates and interpolations are clamped between the
 * measured data of more and of less compressed settings, so that the result is non-increasing
 * in prune, non-decreasing in wbits and abits, and ptq_naive <= ptq <= qat — everywhere when the
 * measured data are consistent with that order (measured values always win). Pure,
 * allocation-free, finite, within [0, net->top1] (measured values may exceed it). */
double net_accuracy(const net_network *net, const sw_compression *cmp, net_acc_src *src);

/* net_accuracy with extra output noise of the hardware (analog compute, ADCs): extra_noise[i]
 * for layer i of net (n_layers entries; non-MAC layers ignored), in the proxy's noise units
 * (v = 2^(−2b) is a b-bit uniform quantizer at the layer output's full scale). The proxy adds
 * it to the layer's z_l without the fan-in redundancy (nets/accuracy.c says why); a measured
 * or interpolated value is lowered by the proxy's extra loss at that setting, and the source
 * becomes estimated. NULL or all zero: net_accuracy exactly, bit for bit. More noise in any
 * layer never raises the value. Pure, allocation-free, finite for finite noise. */
double net_accuracy_noisy(const net_network *net, const sw_compression *cmp,
                          const double *extra_noise, net_acc_src *src);

/* The method-spread band around a top-1 value acc of net (from net_accuracy or
 * net_accuracy_noisy): what the weaker (lo) and the stronger (hi) published methods give at the
 * same setting, as documented in nets/accuracy.c. lo <= acc <= hi; both are non-decreasing in
 * acc, so they keep every monotonicity of acc. Pure. */
void net_accuracy_band(const net_network *net, double acc, double *lo, double *hi);

/* The proxy's parameters as a parameter table (q_scale, p_scale, ptq_scale, dw_factor; the
 * defaults are those of a network without published data), and a measured point's attributes
 * (prune, prune_kind, wbits, abits, method, top1). */
extern const pt_param net_acc_params_table[];
extern const size_t net_acc_n_params;
extern const pt_param net_acc_point_params[];
extern const size_t net_acc_point_n_params;

/* The proxy's default parameters for a network before calibration: a zoo network's fitted
 * ones when net matches it by name, MAC layer count and dense weights (so adding non-MAC layers
 * keeps them), else the table's defaults. */
net_acc_params net_acc_defaults(const net_network *net);

/* Fits net's proxy parameters to its measured points (least squares on top-1). Returns 0 and
 * the fitted parameters and the RMS error (points) of the fit, or -1 with a message when the
 * points cannot determine them (fewer than one point, ...). Pure. */
int net_acc_calibrate(const net_network *net, net_acc_params *out, double *rms_err, char *msg,
                      size_t msg_len);

/* The proxy's estimate (top-1, %) of net's measured point i under the parameters p, the measured
 * values themselves left out: what calibration compares each measured point with. Pure. */
double net_acc_point_estimate(const net_network *net, const net_acc_params *p, size_t i);
/* The RMS error (points of top-1) of those estimates against net's measured points (at least
 * one): how well p fits them, as `squash calibrate` reports before and after its fit. Pure. */
double net_acc_rms(const net_network *net, const net_acc_params *p);

/* The compression setting a measured point describes (the other fields at their defaults). */
sw_compression net_acc_point_setting(const net_acc_point *pt);

/* Names used in files and on the command line, indexed by the enums above; NULL-terminated. */
extern const char *const net_prune_kind_names[]; /* "unstructured", "channel", "nm" */
extern const char *const net_numfmt_names[];     /* "int", "fp", "bf" */

/* The compression settings as a parameter table: the one list behind `--set prune=0.5`,
 * <compression> attributes and sweeps in experiment files, the compression columns of outputs,
 * and the defaults (prune 0, unstructured, 8-bit integer weights and activations, qat). */
extern const pt_param net_compression_params[];
extern const size_t net_compression_n_params;

/* The uncompressed default: every field at its table default (net_compression_params). */
sw_compression net_compression_default(void);

/* Fills p and q from h, w, r, s, stride, pad; sets density 1 and meta_bits 0 if unset.
 * Returns 0, or -1 with a message in msg when the geometry is impossible (zero sizes, kernel
 * larger than the padded input, channels not divisible by groups). */
int net_layer_finish(net_layer *layer, char *msg, size_t msg_len);

/* Dense MACs: N·K·(C/G)·P·Q·R·S·count for a MAC kind, 0 for the others. */
uint64_t net_layer_macs(const net_layer *layer);
/* Dense weights: K·(C/G)·R·S·count, 0 for act×act matmuls and non-MAC kinds. */
uint64_t net_layer_weights(const net_layer *layer);
/* Input activations of the first operand, N·C·H·W·count (MAC kinds: operand A). */
uint64_t net_layer_inputs(const net_layer *layer);
uint64_t net_layer_outputs(const net_layer *layer); /* output activations: N·K·P·Q·count */
/* Elements a layer reads: its operands' inputs (add: two tensors; a MAC kind: operand A). */
uint64_t net_layer_elems_read(const net_layer *layer);
/* Operations of a non-MAC layer (net_kinds' ops_per_elem per output or window element); 0 for
 * a MAC kind (its work is net_layer_macs). */
uint64_t net_layer_ops(const net_layer *layer);
void net_layer_gemm(const net_layer *layer, net_gemm *out);
/* 1 when the layer multiply-accumulates (conv, fc, matmul). */
int net_layer_does_macs(const net_layer *layer);

uint64_t net_network_macs(const net_network *net);
uint64_t net_network_weights(const net_network *net);

/* Checks a compression setting; returns 0 or -1 with a message (prune out of [0,1), bits out of
 * 1..32, nm with prune other than 0 or 0.5, fp with bits other than 8, 16 or 32, bf not 16). */
int net_compression_check(const sw_compression *cmp, char *msg, size_t msg_len);

/* Applies a compression setting to a whole network: out[i] is net->layers[i] as the hardware
 * sees it (channel-pruned shape, weight density, metadata bits). out must hold n_layers entries.
 * Pure and allocation-free. */
void net_compress(const net_network *net, const sw_compression *cmp, net_layer *out);

/* The same for one layer: is_first / is_last (net_layer_edges) mark the network's first and
 * last MAC layers, whose input (image) and output (class) channels channel pruning keeps, and
 * the non-MAC layers before the first and after the last MAC layer, which carry those channels.
 * Pure. */
void net_compress_layer(const net_layer *in, int is_first, int is_last, const sw_compression *cmp,
                        net_layer *out);

/* The first and last MAC layers of a network (first == n_layers: it has none). */
typedef struct net_mac_span {
    size_t first; /* index of the first MAC layer, n_layers if none */
    size_t last;  /* index of the last MAC layer, 0 if none */
} net_mac_span;

net_mac_span net_network_mac_span(const net_network *net); /* O(layers) */

/* is_first / is_last of net's layer i for net_compress_layer, given net's span: a MAC layer is
 * first (last) when no MAC layer comes before (after) it; a non-MAC layer when it comes before
 * the first (after the last) MAC layer. Non-MAC layers therefore never change what the MAC
 * layers see. O(1). */
void net_layer_edges(const net_network *net, const net_mac_span *span, size_t i, int *is_first,
                     int *is_last);

/* The number of MAC layers of net (what the accuracy proxy and its calibration see). */
size_t net_network_mac_layers(const net_network *net);

/* Frees a network from a loader; accepts NULL. */
void net_network_free(net_network *net);

#endif
