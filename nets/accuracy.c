/*
 * accuracy.c — top-1 accuracy of a compressed network: measured points of the network file,
 * interpolation between them, and otherwise a proxy model calibrated on published results.
 *
 * SOURCES OF A NUMBER (net_accuracy)
 *   measured      a <point> of the file with the same prune (within 1e-9), prune_kind, wbits,
 *                 abits and method (qat / ptq): its top-1, exactly. Points carry no number
 *                 format: they match any numfmt of the same bit-widths. 2:4 (nm) is one density,
 *                 so an nm point matches every nm setting of its bits and method.
 *   interpolated  only between points of the same kind and method, in the space where the model
 *                 below is smooth: x_w = 2^(−2·wbits), x_a = 2^(−2·abits) (quantization noise
 *                 power) and u = ln(1/(1 − prune)) (log of the compression ratio).
 *                 (a) on the segment between two points (one axis varying, or several varying
 *                     together, e.g. W2A2 → W4A4): linear in t; of several such segments the one
 *                     with fewest varying axes, then the shortest, wins (adjacent points).
 *                 (b) otherwise bilinear in a cell of two axes (third axis equal) whose four
 *                     corners are all measured.
 *                 Both are convex combinations: the value lies between the points used.
 *   estimated     everything else, including any setting outside the measured points' hull:
 *                 the proxy, with the file's <accuracy> parameters when given (net->acc.set),
 *                 else net_acc_defaults. There is no extrapolation from measured points; to bend
 *                 the proxy towards them, `squash calibrate` refits its parameters.
 *
 * THE PROXY (top-1 in %, "points"; a loss of 1 point takes 76.1 to 75.1)
 *   Layers l = 1..n in file order; e_l = 2 for the first and last layer, else 1 (constant E).
 *   Redundancy   r_l = sqrt(576 / F_l),  F_l = (C/G)·R·S weights per output (fan-in; matmul: k).
 *                A layer with many weights per output averages noise and survives pruning
 *                better; 576 = 3·3·64 (a ResNet stage-1 conv) is the unit and only rescales
 *                q_scale and p_scale. Depthwise 3×3: F = 9, r = 8; ResNet-50's fc: r = 0.53.
 *   Quantization, per operand: N(b) = 2^(−2b) for integers (uniform quantizer, noise power
 *                ∝ Δ² ∝ 2^(−2b) [1]); fp / bf of 16 or more bits: 0 (lossless [6]); fp8 as int8
 *                (E4M3 within a few tenths of 16-bit on CNNs [M: Micikevicius et al. 2022]).
 *     z_l = K · e_l · r_l · d_l · m · (N(wbits) + N(abits))    weight layers
 *     z_l = K · e_l · r_l · d_l · m · 2·N(abits)                activation × activation matmuls
 *         K = 4 (knee: chosen from {1, 4, 16} by the fit's residual), d_l = dw_factor for
 *         depthwise layers (G = C = K > 1) else 1, m = ptq_scale for ptq else 1.
 *     Q = (1/n) Σ_l ln(1 + z_l)                                 (dimensionless)
 *     For small z, ln(1 + z) ≈ z: the classic noise sum, falling 4× per bit (ResNets between
 *     3 and 4 bits: 4–8× [3]). For large z it falls by ln 4 per bit: a layer far past its knee
 *     loses a fixed amount per bit, as depthwise MobileNetV2 does (3.9 → 7.5 points from 4 to 3
 *     bits [3], 1.9×, which a pure 2^(−2b) sum cannot give: it would predict 14). QAT is the
 *     reference (it recovers what it can; the fit says how much remains); PTQ multiplies the
 *     noise by ptq_scale >= 1, i.e. PTQ at b bits ≈ QAT at b − log4(ptq_scale) ≈ b − 2.6.
 *   Pruning, per network (weights W_l of the weight layers; activation matmuls are not pruned):
 *     P = g(prune, kind) · Σ_l W_l·e_l·r_l / Σ_l W_l             (dimensionless)
 *     g = max(0, v − ln 2)^3,  v = ln(1/(1 − prune)) (unstructured),
 *                              v = 2.75 · ln(1/(1 − prune)) (channel: density d hurts like
 *                                  unstructured d^2.75),
 *                              v = ln(1/(1 − 0.6)) (nm, 2:4: like 60 % unstructured).
 *     Zero up to 50 % unstructured ("about free" [2]); the cube of the log compression ratio
 *     past it gives ResNet-50 0.18 / 0.63 / 2.2 / 6.3 points at 75 / 82.6 / 90 / 95 % (DNS
 *     0.63 at 82.6 % [S, 2]; gradual magnitude pruning 90 %: 2–3, 95 %: ~6 [M: Gale et al.
 *     2019]). 2.75 makes half the weights (≈ half the FLOPs) by channels cost ResNet-50 ~1 point
 *     (rule of thumb [2]). The 2:4 equivalent is a small structured penalty: 0.01 point on
 *     ResNet-50 (2:4 with retraining is lossless on ResNets [M: Mishra et al. 2021]).
 *   Accuracy     L = q_scale·Q + p_scale·P,   top1_c = top1 · exp(−L / top1)      (points)
 *     The loss top1·(1 − e^(−L/top1)) ≈ L for small L and saturates at top1, so the value is
 *     finite and in [0, top1]. Every term is non-decreasing in prune and in 2^(−2b), and
 *     ptq_scale >= 1: non-increasing in prune, non-decreasing in wbits and abits, ptq <= qat,
 *     by construction (tests/test_accuracy.c checks all zoo networks on a full grid).
 *   Cost: O(layers), one sqrt and one log1p per layer, no allocation: ResNet-50 1.7 µs/call.
 *
 * CALIBRATION ([S] rows of REFERENCES.md on zoo networks; drops, not absolute top-1, since each
 * paper starts from its own baseline; published drop = paper baseline − paper result; predicted
 * drop = zoo top1 − model; error = predicted − published, points)
 *
 *   network       row                               setting            publ.  pred.  error
 *   resnet18      LSQ [3] (baseline 70.5 [4])        W4A4 qat           0.14   0.35  +0.21
 *   resnet18      LSQ                                W3A3 qat           1.15   1.30  +0.15
 *   resnet18      LSQ                                W2A2 qat           4.19   4.12  −0.07
 *   resnet50      LSQ (baseline 76.9 [4])            W4A4 qat           0.02   0.42  +0.40
 *   resnet50      LSQ                                W3A3 qat           1.42   1.54  +0.12
 *   resnet50      LSQ                                W2A2 qat           4.90   4.88  −0.02
 *   resnet50      HAWQ-V3 int8 [5]                   W8A8 qat           0.14   0.00  −0.14
 *   resnet50      HAWQ-V3 mixed int4/8, as uniform 4 W4A4 qat           0.99   0.42  −0.57
 *   resnet50      DNS 82.6 % sparse [2]              p .826 unstr, fp   0.63   0.63  −0.00
 *   mobilenet_v2  LSQ (baseline 71.9)                W4A4 qat           3.92   3.92  +0.00
 *   mobilenet_v2  LSQ                                W3A3 qat           7.49   7.49  +0.00
 *   mobilenet_v2  naive per-tensor int8 PTQ [7]      W8A8 ptq           1.07   1.07  +0.00
 *   alexnet       Deep Compression 9×, 5 b [8]       p 1−1/9, W5A32     0.00   0.84  +0.84
 *   vgg16         Deep Compression 13×, 5 b [8]      p 1−1/13, W5A32    0.00   1.10  +1.10
 *   bert_base     Q8BERT int8 (F1 88.46→87.74) [9]   W8A8 qat           0.72   0.00  −0.72
 *
 *   Max |error| 1.10, RMS over the 15 rows 0.45 points (the bar: 1.5 per row).
 *   Deep Compression is quoted "no loss" (REFERENCES.md); the paper's VGG-16 actually gained
 *   0.33 [M], which would make that row's error 1.43. Deep Compression pruned per layer (fc
 *   layers ~90 %, convs less) and kept 8-bit convs; squash prunes and quantizes uniformly, so
 *   the model's loss there is an upper estimate. Not used: HAQ's MobileNetV2 mixed precision
 *   (0.82 [S], bits per layer not given; the model puts it between uniform 5 and 6 bits, 1.61
 *   and 0.50), MobileNetV1 1.0 rows (not a zoo network: the [S] naive int8 PTQ collapse of 12.1
 *   points is beyond the proxy, see LEAVES OUT), InceptionV3 (not in the zoo).
 *   LSQ kept the first and last layer at 8 bits [3]; the rows are fitted at uniform bits as
 *   squash applies them, so the edge layers' share is absorbed in q_scale.
 *
 * PARAMETERS (net_acc_defaults; net_acc_calibrate's least squares on the rows above, with the
 * top-1 of each point = zoo top1 − published drop; the test re-derives them)
 *   network        q_scale  p_scale  ptq_scale  dw_factor   fitted to      RMS of fit
 *   resnet18        10.339   0.7324      38.10      14.08   3 rows: q       0.15
 *   resnet50        10.908   0.7324      38.10      14.08   6 rows: q, p    0.29
 *   mobilenet_v2     7.535   0.7324      38.10      14.08   3 rows: q, ptq, dw  0 (3 for 3)
 *   all others       9.472   0.7324      38.10      14.08   rule below
 *   Rule for a network without data: its structure (depth, fan-ins, depthwise layers, edge
 *   layers, activation matmuls) enters through r_l, d_l and e_l; the parameters are the
 *   calibrated ones: q_scale the geometric mean of the three fits, p_scale ResNet-50's (the one
 *   zoo network with pruning data), ptq_scale and dw_factor MobileNetV2's (the one with PTQ
 *   data and depthwise layers). A network is taken as a zoo one by name and layer count.
 *   The resulting defaults (drop in points): W8A8 qat / W4A4 qat / W2A2 qat / W8A8 ptq /
 *   unstructured 75 % / 90 % / channel 50 %:
 *     resnet18 0.00/0.35/4.1/0.05/0.13/1.6/0.68   resnet50 0.00/0.42/4.9/0.06/0.18/2.2/0.95
 *     mobilenet_v2 0.03/3.9/12.5/1.07/0.38/4.6/2.0   mobilenet_v1_025 0.06/6.9/20/1.9/0.57/6.9/3.0
 *     ds_cnn 0.05/6.2/19/1.7/1.0/11.9/5.3   resnet8 0.00/0.96/8.3/0.15/0.36/4.4/1.9
 *     alexnet 0.00/0.22/2.7/0.03/0.08/1.0/0.43   vgg16 0.00/0.30/3.0/0.05/0.05/0.67/0.29
 *     autoencoder 0.00/0.82/7.7/0.13/0.66/8.0/3.5   bert_base 0.00/0.36/4.2/0.05/0.18/2.2/0.95
 *
 * CALIBRATION TO A USER'S POINTS (net_acc_calibrate)
 *   Least squares on top-1 over the file's points, by Nelder–Mead in log-parameters (q, p = e^θ;
 *   ptq, dw = 1 + e^θ so both stay >= 1), deterministic, restarted from the best vertex until
 *   it stops improving. Fitted are only the parameters the points constrain, in this order and
 *   never more than there are points: q_scale (a point below 16 bits), p_scale (a point past the
 *   free pruning range), ptq_scale (quantized points of both methods), dw_factor (depthwise
 *   layers and two distinct quantized settings); the others keep their starting values (the
 *   file's, else the defaults). Returns the RMS error of the fit.
 *
 * VALIDITY: ImageNet-class CNNs and BERT-like encoders, uniform bits 2–8 and float, pruning up
 * to ~95 %, each as the network's own top-1 minus a loss; 1–2 bits and >95 % pruning are
 * extrapolations of the form (finite and monotone, not calibrated).
 *
 * LEAVES OUT: residual connections (the naive per-tensor PTQ collapse of MobileNetV1 1.0,
 * 67.64 → 55.53 [7], comes from depthwise layers without a residual path; the proxy, calibrated
 * on MobileNetV2, predicts ~2 points for mobilenet_v1_025: measure PTQ on such networks);
 * per-channel vs per-tensor quantization (both are "ptq"); mixed precision per layer;
 * transformer activation outliers (BERT int8 predicted lossless, published 0.72); chance level
 * (the saturation goes to 0, not 100/classes); gains from retraining (never above top1). The
 * MLPerf Tiny networks' top1 are themselves int8 results, so their int8 losses are pessimistic.
 *
 * [1] Widrow & Kollár, Quantization Noise, 2008 (uniform quantizer noise Δ²/12).
 * [2] REFERENCES.md, "Accuracy versus compression": Distiller DNS row and the rules of thumb.
 * [3] LSQ reproduction, github.com/ProhetTeam/cls_quant_config LSQ/README.md [S]; first/last
 *     layer at 8 bits in its configs. (One commit lists MobileNetV2 W3A3 57.92; REFERENCES.md
 *     and this file use 64.41.)
 * [4] Esser et al., "Learned Step Size Quantization", ICLR 2020, Table 1 (float baselines).
 * [5] Yao et al., "HAWQ-V3", ICML 2021.   [6] IEEE 754 binary16 / bfloat16: CNN inference in
 *     16-bit float matches float32 (common practice).   [7] OpenCV model zoo [S].
 * [8] Han et al., "Deep Compression", ICLR 2016, Table 1 (AlexNet 57.22, VGG-16 68.50 top-1).
 * [9] Zafrir et al., "Q8BERT", 2019 (SQuAD v1.1 F1; zoo top1 is Devlin et al.'s 88.5).
 */
#include "net.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const net_acc_src_names[] = {"measured", "interpolated", "estimated", NULL};

/* ---- constants of the proxy (documented in the header comment) ---- */

#define ACC_KNEE 4.0        /* knee: z = ACC_KNEE·s·noise (dimensionless) */
#define ACC_FANIN_REF 576.0 /* fan-in of unit redundancy: ResNet's 3×3×64 (weights/output) */
#define ACC_EDGE 2.0        /* sensitivity factor e of the first and last layer */
#define ACC_PRUNE_FREE_U 0.6931471805599453 /* ln 2: no pruning loss up to density 1/2 */
#define ACC_CHANNEL_EXP 2.75 /* channel pruning at density d hurts like unstructured at d^2.75 */
#define ACC_NM_EQUIV 0.6     /* 2:4 hurts like unstructured pruning of 60 % */
#define ACC_FLOAT_BITS 16    /* fp / bf formats of >= 16 bits carry no quantization noise */
#define ACC_PRUNE_EPS 1e-9   /* prune values closer than this are the same setting */

/* Global defaults for networks without published data (see the header comment). */
#define ACC_Q0 9.472   /* q_scale: geometric mean of the three fitted networks */
#define ACC_P0 0.7324  /* p_scale: ResNet-50's (the one zoo network with pruning data) */
#define ACC_PTQ0 38.10 /* ptq_scale: MobileNetV2's (the one with post-training data) */
#define ACC_DW0 14.08  /* dw_factor: MobileNetV2's (the one with depthwise layers) */

/* Zoo networks with published data: fitted by net_acc_calibrate on the rows of the header's
 * calibration table (tests/test_accuracy.c re-derives them). Matched by name and layer count. */
static const struct {
    const char *name;      /* zoo network name */
    size_t n_layers;       /* its number of layers, so a user's same-named network is not hit */
    net_acc_params params; /* fitted q_scale, p_scale, ptq_scale, dw_factor */
} acc_zoo[] = {
    {"resnet18", 21, {10.339, ACC_P0, ACC_PTQ0, ACC_DW0, 0}},
    {"resnet50", 54, {10.908, 0.7324, ACC_PTQ0, ACC_DW0, 0}},
    {"mobilenet_v2", 53, {7.535, ACC_P0, 38.10, 14.08, 0}},
};

net_acc_params net_acc_defaults(const net_network *net)
{
    for (size_t i = 0; i < sizeof acc_zoo / sizeof acc_zoo[0]; i++) {
        if (strcmp(net->name, acc_zoo[i].name) == 0 && net->n_layers == acc_zoo[i].n_layers)
            return acc_zoo[i].params;
    }
    net_acc_params p = {ACC_Q0, ACC_P0, ACC_PTQ0, ACC_DW0, 0};
    return p;
}

/* ---- the proxy ---- */

/* Relative quantization noise power of one operand, 2^(−2·bits) (uniform quantizer); floats of
 * 16 bits or more are noise-free, fp8 counts as int8. */
static double acc_noise(uint32_t bits, net_numfmt fmt)
{
    if (fmt != NET_FMT_INT && bits >= ACC_FLOAT_BITS)
        return 0.0;
    return ldexp(1.0, -2 * (int)bits);
}

/* g(prune, kind): the pruning term of one layer, dimensionless, 0 up to 50 % unstructured. */
static double acc_prune_term(double prune, net_prune_kind kind)
{
    double u; /* ln(1 / equivalent unstructured density) */
    switch (kind) {
    case NET_PRUNE_NM:
        u = -log1p(-ACC_NM_EQUIV);
        break;
    case NET_PRUNE_CHANNEL:
        u = -ACC_CHANNEL_EXP * log1p(-prune);
        break;
    default:
        u = -log1p(-prune);
        break;
    }
    double x = u - ACC_PRUNE_FREE_U;
    return x > 0.0 ? x * x * x : 0.0; /* the cube: see the header comment */
}

static int acc_is_depthwise(const net_layer *l)
{
    return l->groups > 1 && l->groups == l->c && l->groups == l->k;
}

/* The loss L (top-1 points before saturation) of net under cmp with parameters par. */
static double acc_loss(const net_network *net, const net_acc_params *par, const sw_compression *cmp)
{
    const size_t n = net->n_layers;
    if (n == 0)
        return 0.0;
    const double nw = acc_noise(cmp->wbits, cmp->numfmt);
    const double na = acc_noise(cmp->abits, cmp->numfmt);
    const double ptq = cmp->quant == NET_QUANT_PTQ ? fmax(1.0, par->ptq_scale) : 1.0;
    const double dw = fmax(1.0, par->dw_factor);
    const double g = acc_prune_term(cmp->prune, cmp->prune_kind);
    double q_sum = 0.0; /* Σ_l ln(1 + z_l) */
    double p_num = 0.0; /* Σ_l W_l·e_l·r_l over weight layers */
    double w_sum = 0.0; /* Σ_l W_l */
    for (size_t i = 0; i < n; i++) {
        const net_layer *l = &net->layers[i];
        uint64_t fan_in = (uint64_t)(l->c / (l->groups ? l->groups : 1)) * l->r * l->s;
        double r = sqrt(ACC_FANIN_REF / (double)(fan_in ? fan_in : 1));
        double e = (i == 0 || i + 1 == n) ? ACC_EDGE : 1.0;
        double s = e * r * (acc_is_depthwise(l) ? dw : 1.0);
        double noise = l->b_is_weight ? nw + na : 2.0 * na;
        q_sum += log1p(ACC_KNEE * s * noise * ptq);
        if (l->b_is_weight) {
            double w = (double)net_layer_weights(l);
            p_num += w * e * r;
            w_sum += w;
        }
    }
    double q_term = q_sum / (double)n;
    double p_term = w_sum > 0.0 ? g * p_num / w_sum : 0.0;
    return fmax(0.0, par->q_scale) * q_term + fmax(0.0, par->p_scale) * p_term;
}

/* Top-1 of the proxy: top1·exp(−L/top1), in (0, top1] and decreasing in L. */
static double acc_proxy(const net_network *net, const net_acc_params *par,
                        const sw_compression *cmp)
{
    if (!(net->top1 > 0.0))
        return 0.0;
    double loss = acc_loss(net, par, cmp);
    return net->top1 * exp(-loss / net->top1);
}

/* ---- measured points ---- */

/* A setting in the interpolation space: noise coordinates x = (2^(−2·wbits), 2^(−2·abits),
 * ln(1/(1 − prune))), with the raw values kept for exact comparisons. */
typedef struct acc_pt {
    uint32_t bits[2]; /* wbits, abits (bits) */
    double prune;     /* fraction removed; 0.5 for every nm setting (2:4 is one density) */
    double x[3];      /* interpolation coordinates (dimensionless) */
} acc_pt;

static acc_pt acc_pt_make(uint32_t wbits, uint32_t abits, double prune, net_prune_kind kind)
{
    acc_pt p;
    p.bits[0] = wbits;
    p.bits[1] = abits;
    p.prune = kind == NET_PRUNE_NM ? 0.5 : prune;
    p.x[0] = ldexp(1.0, -2 * (int)wbits);
    p.x[1] = ldexp(1.0, -2 * (int)abits);
    p.x[2] = -log1p(-p.prune);
    return p;
}

/* 1 if a and b agree on axis k (0 wbits, 1 abits, 2 prune). */
static int acc_axis_same(const acc_pt *a, const acc_pt *b, int k)
{
    if (k < 2)
        return a->bits[k] == b->bits[k];
    return fabs(a->prune - b->prune) <= ACC_PRUNE_EPS;
}

/* 1 if q lies on the segment a–b in x-space: the axes on which a and b agree q shares, and the
 * others give one common t in [0, 1]. Sets t and the number of varying axes. */
static int acc_on_segment(const acc_pt *a, const acc_pt *b, const acc_pt *q, double *t, int *n_var)
{
    int nv = 0;
    double tt = 0.0;
    for (int k = 0; k < 3; k++) {
        if (acc_axis_same(a, b, k)) {
            if (!acc_axis_same(a, q, k))
                return 0;
            continue;
        }
        double tk = acc_axis_same(a, q, k)   ? 0.0
                    : acc_axis_same(b, q, k) ? 1.0
                                             : (q->x[k] - a->x[k]) / (b->x[k] - a->x[k]);
        if (!(tk >= 0.0 && tk <= 1.0))
            return 0;
        if (nv > 0 && fabs(tk - tt) > 1e-9)
            return 0;
        tt = tk;
        nv++;
    }
    if (nv == 0)
        return 0;
    *t = tt;
    *n_var = nv;
    return 1;
}

static int acc_point_usable(const net_acc_point *p, const sw_compression *cmp)
{
    return p->prune_kind == cmp->prune_kind && p->method == cmp->quant;
}

/* Linear interpolation between the closest pair of measured points whose segment holds q. */
static int acc_interp_segment(const net_network *net, const sw_compression *cmp, const acc_pt *q,
                              double *value)
{
    int found = 0, best_nv = 4;
    double best_span = 0.0;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *pi = &net->acc_points[i];
        if (!acc_point_usable(pi, cmp))
            continue;
        acc_pt a = acc_pt_make(pi->wbits, pi->abits, pi->prune, pi->prune_kind);
        for (size_t j = i + 1; j < net->n_acc_points; j++) {
            const net_acc_point *pj = &net->acc_points[j];
            if (!acc_point_usable(pj, cmp))
                continue;
            acc_pt b = acc_pt_make(pj->wbits, pj->abits, pj->prune, pj->prune_kind);
            double t;
            int nv;
            if (!acc_on_segment(&a, &b, q, &t, &nv))
                continue;
            double span = 0.0;
            for (int k = 0; k < 3; k++)
                span += fabs(b.x[k] - a.x[k]);
            if (!found || nv < best_nv || (nv == best_nv && span < best_span)) {
                found = 1;
                best_nv = nv;
                best_span = span;
                *value = pi->top1 + t * (pj->top1 - pi->top1);
            }
        }
    }
    return found;
}

/* Index of the usable point that agrees with `like` on axes k1 and k2 and with q on axis k3,
 * or -1. */
static long acc_find_corner(const net_network *net, const sw_compression *cmp, const acc_pt *c1,
                            int k1, const acc_pt *c2, int k2, const acc_pt *q, int k3)
{
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *p = &net->acc_points[i];
        if (!acc_point_usable(p, cmp))
            continue;
        acc_pt a = acc_pt_make(p->wbits, p->abits, p->prune, p->prune_kind);
        if (acc_axis_same(&a, c1, k1) && acc_axis_same(&a, c2, k2) && acc_axis_same(&a, q, k3))
            return (long)i;
    }
    return -1;
}

/* Bilinear interpolation when the four corners around q exist in a plane of two axes. */
static int acc_interp_bilinear(const net_network *net, const sw_compression *cmp, const acc_pt *q,
                               double *value)
{
    static const int planes[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 2, 0}}; /* k1, k2, fixed k3 */
    for (int pl = 0; pl < 3; pl++) {
        const int ks[2] = {planes[pl][0], planes[pl][1]};
        const int k3 = planes[pl][2];
        acc_pt lo[2], hi[2];
        int has_lo[2] = {0, 0}, has_hi[2] = {0, 0};
        for (size_t i = 0; i < net->n_acc_points; i++) {
            const net_acc_point *p = &net->acc_points[i];
            if (!acc_point_usable(p, cmp))
                continue;
            acc_pt a = acc_pt_make(p->wbits, p->abits, p->prune, p->prune_kind);
            if (!acc_axis_same(&a, q, k3))
                continue;
            for (int d = 0; d < 2; d++) {
                int k = ks[d];
                if (acc_axis_same(&a, q, k))
                    continue; /* on q's line: not a bracket of a 2-D cell */
                if (a.x[k] < q->x[k] && (!has_lo[d] || a.x[k] > lo[d].x[k])) {
                    lo[d] = a;
                    has_lo[d] = 1;
                }
                if (a.x[k] > q->x[k] && (!has_hi[d] || a.x[k] < hi[d].x[k])) {
                    hi[d] = a;
                    has_hi[d] = 1;
                }
            }
        }
        if (!(has_lo[0] && has_hi[0] && has_lo[1] && has_hi[1]))
            continue;
        long c00 = acc_find_corner(net, cmp, &lo[0], ks[0], &lo[1], ks[1], q, k3);
        long c01 = acc_find_corner(net, cmp, &lo[0], ks[0], &hi[1], ks[1], q, k3);
        long c10 = acc_find_corner(net, cmp, &hi[0], ks[0], &lo[1], ks[1], q, k3);
        long c11 = acc_find_corner(net, cmp, &hi[0], ks[0], &hi[1], ks[1], q, k3);
        if (c00 < 0 || c01 < 0 || c10 < 0 || c11 < 0)
            continue;
        double t0 = (q->x[ks[0]] - lo[0].x[ks[0]]) / (hi[0].x[ks[0]] - lo[0].x[ks[0]]);
        double t1 = (q->x[ks[1]] - lo[1].x[ks[1]]) / (hi[1].x[ks[1]] - lo[1].x[ks[1]]);
        const net_acc_point *pts = net->acc_points;
        *value = (1.0 - t0) * ((1.0 - t1) * pts[c00].top1 + t1 * pts[c01].top1) +
                 t0 * ((1.0 - t1) * pts[c10].top1 + t1 * pts[c11].top1);
        return 1;
    }
    return 0;
}

/* Measured or interpolated top-1 of cmp, if the file's points give one. */
static int acc_from_points(const net_network *net, const sw_compression *cmp, double *value,
                           net_acc_src *src)
{
    const acc_pt q = acc_pt_make(cmp->wbits, cmp->abits, cmp->prune, cmp->prune_kind);
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *p = &net->acc_points[i];
        if (!acc_point_usable(p, cmp))
            continue;
        acc_pt a = acc_pt_make(p->wbits, p->abits, p->prune, p->prune_kind);
        if (acc_axis_same(&a, &q, 0) && acc_axis_same(&a, &q, 1) && acc_axis_same(&a, &q, 2)) {
            *value = p->top1;
            *src = NET_ACC_MEASURED;
            return 1;
        }
    }
    if (acc_interp_segment(net, cmp, &q, value) || acc_interp_bilinear(net, cmp, &q, value)) {
        *src = NET_ACC_INTERPOLATED;
        return 1;
    }
    return 0;
}

double net_accuracy(const net_network *net, const sw_compression *cmp, net_acc_src *src)
{
    assert(net != NULL && cmp != NULL && src != NULL);
    if (net->n_acc_points > 0) {
        double v;
        if (acc_from_points(net, cmp, &v, src))
            return v;
    }
    const net_acc_params par = net->acc.set ? net->acc : net_acc_defaults(net);
    *src = NET_ACC_ESTIMATED;
    return acc_proxy(net, &par, cmp);
}

/* ---- calibration ---- */

#define ACC_FIT_MAX 4        /* fitted parameters: q_scale, p_scale, ptq_scale, dw_factor */
#define ACC_FIT_ITERS 4000   /* Nelder–Mead iterations per start */
#define ACC_FIT_RESTARTS 12  /* restarts from the best vertex */
#define ACC_FIT_THETA_MAX 40 /* |log-parameter| bound, keeps exp() finite */

typedef struct acc_fit {
    const net_network *net; /* the network and its points */
    net_acc_params base;    /* the starting parameters; the unfitted ones stay */
    int which[ACC_FIT_MAX]; /* fitted parameters: 0 q, 1 p, 2 ptq, 3 dw */
    int n;                  /* number of fitted parameters */
} acc_fit;

/* Parameters from log-coordinates: q, p = e^θ; ptq, dw = 1 + e^θ (both >= 1). */
static net_acc_params acc_fit_params(const acc_fit *f, const double *theta)
{
    net_acc_params p = f->base;
    for (int i = 0; i < f->n; i++) {
        double v = exp(fmax(-ACC_FIT_THETA_MAX, fmin(ACC_FIT_THETA_MAX, theta[i])));
        switch (f->which[i]) {
        case 0:
            p.q_scale = v;
            break;
        case 1:
            p.p_scale = v;
            break;
        case 2:
            p.ptq_scale = 1.0 + v;
            break;
        default:
            p.dw_factor = 1.0 + v;
            break;
        }
    }
    return p;
}

static double acc_fit_theta(const net_acc_params *p, int which)
{
    switch (which) {
    case 0:
        return log(fmax(p->q_scale, 1e-12));
    case 1:
        return log(fmax(p->p_scale, 1e-12));
    case 2:
        return log(fmax(p->ptq_scale - 1.0, 1e-6));
    default:
        return log(fmax(p->dw_factor - 1.0, 1e-6));
    }
}

/* Sum of squared top-1 errors (points²) of the proxy with par at net's points. */
static double acc_sse(const net_network *net, const net_acc_params *par)
{
    double sse = 0.0;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *pt = &net->acc_points[i];
        sw_compression c = {pt->prune, pt->prune_kind, pt->wbits,
                            pt->abits, NET_FMT_INT,    pt->method};
        double d = acc_proxy(net, par, &c) - pt->top1;
        sse += d * d;
    }
    return sse;
}

static double acc_fit_sse(const acc_fit *f, const double *theta)
{
    net_acc_params p = acc_fit_params(f, theta);
    return acc_sse(f->net, &p);
}

/* Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) from x with step `step` in
 * every coordinate; x becomes the best vertex. Deterministic: ties keep the lower index. */
static double acc_nelder_mead(const acc_fit *f, double *x, double step)
{
    const int n = f->n;
    double v[ACC_FIT_MAX + 1][ACC_FIT_MAX], fv[ACC_FIT_MAX + 1];
    for (int i = 0; i <= n; i++) {
        for (int j = 0; j < n; j++)
            v[i][j] = x[j] + (i == j + 1 ? step : 0.0);
        fv[i] = acc_fit_sse(f, v[i]);
    }
    for (int it = 0; it < ACC_FIT_ITERS; it++) {
        /* Order the vertices by value (insertion sort, stable). */
        for (int i = 1; i <= n; i++) {
            for (int j = i; j > 0 && fv[j] < fv[j - 1]; j--) {
                double tf = fv[j];
                fv[j] = fv[j - 1];
                fv[j - 1] = tf;
                for (int k = 0; k < n; k++) {
                    double t = v[j][k];
                    v[j][k] = v[j - 1][k];
                    v[j - 1][k] = t;
                }
            }
        }
        double size = 0.0;
        for (int i = 1; i <= n; i++)
            for (int k = 0; k < n; k++)
                size = fmax(size, fabs(v[i][k] - v[0][k]));
        if (size < 1e-12 || fv[n] - fv[0] <= 1e-30)
            break;
        double c[ACC_FIT_MAX], xr[ACC_FIT_MAX], xe[ACC_FIT_MAX], xc[ACC_FIT_MAX];
        for (int k = 0; k < n; k++) {
            c[k] = 0.0;
            for (int i = 0; i < n; i++)
                c[k] += v[i][k] / n;
            xr[k] = c[k] + (c[k] - v[n][k]);
        }
        double fr = acc_fit_sse(f, xr);
        if (fr < fv[0]) {
            for (int k = 0; k < n; k++)
                xe[k] = c[k] + 2.0 * (c[k] - v[n][k]);
            double fe = acc_fit_sse(f, xe);
            const double *take = fe < fr ? xe : xr;
            for (int k = 0; k < n; k++)
                v[n][k] = take[k];
            fv[n] = fe < fr ? fe : fr;
        } else if (fr < fv[n - 1]) {
            for (int k = 0; k < n; k++)
                v[n][k] = xr[k];
            fv[n] = fr;
        } else {
            const int outside = fr < fv[n];
            for (int k = 0; k < n; k++)
                xc[k] = c[k] + 0.5 * ((outside ? xr[k] : v[n][k]) - c[k]);
            double fc = acc_fit_sse(f, xc);
            if (fc < (outside ? fr : fv[n])) {
                for (int k = 0; k < n; k++)
                    v[n][k] = xc[k];
                fv[n] = fc;
            } else {
                for (int i = 1; i <= n; i++) {
                    for (int k = 0; k < n; k++)
                        v[i][k] = v[0][k] + 0.5 * (v[i][k] - v[0][k]);
                    fv[i] = acc_fit_sse(f, v[i]);
                }
            }
        }
    }
    int best = 0;
    for (int i = 1; i <= n; i++)
        if (fv[i] < fv[best])
            best = i;
    for (int k = 0; k < n; k++)
        x[k] = v[best][k];
    return fv[best];
}

static int acc_has_depthwise(const net_network *net)
{
    for (size_t i = 0; i < net->n_layers; i++)
        if (acc_is_depthwise(&net->layers[i]))
            return 1;
    return 0;
}

int net_acc_calibrate(const net_network *net, net_acc_params *out, double *rms_err, char *msg,
                      size_t msg_len)
{
    assert(net != NULL && out != NULL && rms_err != NULL);
    const size_t np = net->n_acc_points;
    if (np == 0) {
        snprintf(msg, msg_len,
                 "network '%s' has no measured <point> in its <accuracy>: nothing to calibrate "
                 "to",
                 net->name);
        return -1;
    }
    acc_fit f;
    f.net = net;
    f.base = net->acc.set ? net->acc : net_acc_defaults(net);
    f.n = 0;

    /* Which parameters the points constrain: a point quantized below float width for q_scale,
     * one past the free pruning range for p_scale, quantized points of both methods for
     * ptq_scale, depthwise layers and two distinct quantized settings for dw_factor; never more
     * parameters than points. */
    int quantized = 0, pruned = 0, q_qat = 0, q_ptq = 0, settings = 0;
    for (size_t i = 0; i < np; i++) {
        const net_acc_point *p = &net->acc_points[i];
        int qz = p->wbits < ACC_FLOAT_BITS || p->abits < ACC_FLOAT_BITS;
        quantized |= qz;
        q_qat |= qz && p->method == NET_QUANT_QAT;
        q_ptq |= qz && p->method == NET_QUANT_PTQ;
        pruned |= acc_prune_term(p->prune, p->prune_kind) > 0.0;
        if (qz) {
            int seen = 0;
            for (size_t j = 0; j < i; j++) {
                const net_acc_point *o = &net->acc_points[j];
                seen |= o->wbits == p->wbits && o->abits == p->abits && o->method == p->method;
            }
            settings += !seen;
        }
    }
    const int wanted[ACC_FIT_MAX] = {quantized, pruned, q_qat && q_ptq,
                                     acc_has_depthwise(net) && settings >= 2};
    for (int k = 0; k < ACC_FIT_MAX; k++)
        if (wanted[k] && (size_t)f.n < np)
            f.which[f.n++] = k;

    double theta[ACC_FIT_MAX];
    for (int i = 0; i < f.n; i++)
        theta[i] = acc_fit_theta(&f.base, f.which[i]);
    double sse = acc_sse(net, &f.base);
    if (f.n > 0) {
        double best[ACC_FIT_MAX];
        memcpy(best, theta, sizeof theta);
        /* The first start steps 1 in every log-parameter (a factor e); restarts from the best
         * vertex with smaller steps until one no longer improves. */
        for (int r = 0; r < ACC_FIT_RESTARTS; r++) {
            double x[ACC_FIT_MAX];
            memcpy(x, best, sizeof best);
            double s = acc_nelder_mead(&f, x, r == 0 ? 1.0 : 0.25);
            int improved = s < sse * (1.0 - 1e-12);
            if (s < sse) {
                sse = s;
                memcpy(best, x, sizeof best);
            }
            if (r > 0 && !improved)
                break;
        }
        *out = acc_fit_params(&f, best);
    } else {
        *out = f.base;
    }
    out->set = 1;
    *rms_err = sqrt(sse / (double)np);
    return 0;
}
