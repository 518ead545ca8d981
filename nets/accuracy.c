/*
 * accuracy.c — top-1 accuracy of a compressed network: measured points of the network file,
 * interpolation between them, and otherwise a proxy model calibrated on published results.
 *
 * SOURCES OF A NUMBER (net_accuracy)
 *   measured      a <point> of the file with the same prune (within 1e-9), prune_kind, wbits,
 *                 abits and method (qat / ptq / ptq_naive): its top-1, exactly. Points carry
 *                 no number format: they match any numfmt of the same bit-widths. 2:4 (nm) is
 *                 one density, so an nm point matches every nm setting of its bits and method.
 *                 Prune 0 of a non-nm kind is kind-less ("dense": the same model whether the
 *                 kind says unstructured or channel): a dense point matches, and interpolates
 *                 with, the settings of every non-nm kind. Of two points of one setting the
 *                 first wins. A point written method="ptq" before model v2 keeps that method:
 *                 measured points are values, not model parameters; if it was measured with
 *                 per-tensor min/max scales, write method="ptq_naive".
 *   interpolated  only between points of the same family (kind, with the dense points, and
 *                 method), in the space where the model below is smooth: x_w = 2^(−2·wbits),
 *                 x_a = 2^(−2·abits) (quantization noise power) and u = ln(1/(1 − prune)) (log
 *                 of the compression ratio).
 *                 (a) on the segment between two points (one axis varying, or several varying
 *                     together, e.g. W2A2 → W4A4) with no third point of the family strictly
 *                     inside: linear in t; of several such segments the one with fewest varying
 *                     axes, then the shortest, wins (adjacent points).
 *                 (b) otherwise bilinear in a cell of two axes (third axis equal) whose corners
 *                     are the neighbouring coordinates on both axes and all measured (a plane in
 *                     which a point shares q's coordinate on one of the two axes is not used).
 *                 Both are convex combinations: the value lies between the points used.
 *   estimated     everything else, including any setting outside the measured points' hull:
 *                 the proxy, with the file's <accuracy> parameters when given (net->acc.set),
 *                 else net_acc_defaults. There is no extrapolation from measured points; to bend
 *                 the proxy towards them, `squash calibrate` refits its parameters.
 *   An interpolated or estimated value is then clamped into the bounds below (the label stays:
 *   a clamped estimate is still "estimated", a clamped interpolation still "interpolated").
 *
 * MONOTONE WITH MEASURED POINTS (the clamp)
 *   Without points the proxy alone is monotone (see THE PROXY). Measured values returned exactly
 *   next to proxy values are not (a W6A8 estimate above a measured W8A8), hence:
 *   Order. Setting s is at least as compressed as q (s ⪯ q) when s has no more wbits, no more
 *     abits, a method no better (qat, then ptq, then ptq_naive), and on the pruning axis: q is
 *     dense, or s is of q's kind with no less prune (2:4 is one setting, above dense only). A
 *     preorder on (wbits, abits, prune, kind, method); the number format is not in it (points
 *     match every format).
 *   Pieces. The measured points, the segments (a) and the cells (b) interpolation may use,
 *     each with its values (linear, bilinear) on the continuous x-space between its points.
 *   Bounds. lo(q) = max of piece values at settings s ⪯ q, hi(q) = min of piece values at
 *     settings s ⪰ q (−inf / +inf when none). The part of a piece comparable to q is a box in
 *     its parameters, and linear or bilinear values are extreme at the box's corners: a few
 *     evaluations per piece. lo and hi are non-decreasing in the order (a larger q sees a larger
 *     down-set and a smaller up-set).
 *   Value. v(q) = min(max(r(q), lo(q)), hi(q)), r the interpolated or estimated value; measured
 *     points return their value. When lo > hi (measurements that contradict one another, or an
 *     interpolation that contradicts a point it must not beat) this is hi: no better than the
 *     worst piece that is no more compressed.
 *   Why monotone, for q1 ⪯ q2. Both estimated: r = proxy is monotone and max and min of monotone
 *     functions are monotone. Interpolated q (its own piece evaluates to r(q), so lo(q) >= r(q)
 *     >= hi(q) and v(q) = hi(q)) below an estimated or interpolated q2: v(q2) >= min(lo(q2),
 *     hi(q2)) >= hi(q1) since lo(q2) >= r(q1) >= hi(q1) and hi(q2) >= hi(q1). Any q1 below an
 *     interpolated q2: v(q1) <= hi(q1) <= hi(q2) = v(q2). Measured points: v = r = lo = hi when
 *     the data are consistent (no piece above a point lower than it, none below it higher), so
 *     they are the interpolated case. With inconsistent data measured values still win, and
 *     monotonicity then holds between all other settings, and from below a measured point;
 *     only a setting above a contradicted measured point may come out lower than it.
 *     Comparisons that hit a piece exactly compute t as the interpolation does, so equalities
 *     hold bit for bit; the 1e-9 tolerances (prune, several axes on one segment) make the
 *     guarantee hold up to that rounding.
 *   Cost. O(points²) pieces, each O(points) to qualify (no point inside a segment, neighbouring
 *     cell corners): O(points³) per call, with at most nine families (kind × method) and most
 *     pairs dropped by the cheap comparability test first; coordinates cached on the stack, no
 *     allocation. 7 points: 2.5 µs/call, 17 points: 8 µs/call (the proxy: ~1 µs).
 *
 * THE PROXY, MODEL v2 (top-1 in %, "points"; a loss of 1 point takes 76.1 to 75.1)
 *   Layers l = 1..n in file order; e_l = 2 for the first and last layer, else 1 (constant E).
 *   Redundancy   r_l = sqrt(576 / F_l),  F_l = (C/G)·R·S weights per output (fan-in; matmul: k).
 *                A layer with many weights per output averages noise and survives pruning
 *                better; 576 = 3·3·64 (a ResNet stage-1 conv) is the unit and only rescales
 *                q_scale and p_scale. Depthwise 3×3: F = 9, r = 8; ResNet-50's fc: r = 0.53.
 *   Quantization, per operand: N(b) = 2^(−2b) for integers (uniform quantizer, noise power
 *                ∝ Δ² ∝ 2^(−2b) [1]); fp / bf of 16 or more bits: 0 (lossless [6]); fp8 as int8
 *                (E4M3 within a few tenths of 16-bit on CNNs [M: Micikevicius et al. 2022]).
 *     z_l = K · e_l · d_l · (r_l · m · (N(wbits) + N(abits)) + x_l)   weight layers
 *     z_l = K · e_l · d_l · (r_l · m · 2·N(abits) + x_l)              activation × activation
 *         K = 4 (knee: chosen from {1, 4, 16} by the v1 fit's residual), d_l = dw_factor for
 *         depthwise layers (G = C = K > 1) else 1, x_l the hardware's output noise (below, 0
 *         for digital templates), and m the method's noise factor:
 *           qat        m = 1: the reference (training recovers what it can; the fit says how
 *                      much remains);
 *           ptq        m = ptq_scale >= 1: per-channel post-training quantization with rounding
 *                      optimisation (AdaRound [11], BRECQ [12]), fitted ≈ 2–5, i.e. QAT with
 *                      0.5–1.1 fewer bits;
 *           ptq_naive  m = max(ptq_scale, naive_scale): per-tensor min/max scales, round to
 *                      nearest; naive_scale = 38.1, PTQ at b bits ≈ QAT at b − 2.6 (what `ptq`
 *                      meant before model v2, fitted then on the OpenCV naive int8 row [7]).
 *     Q = (1/n) Σ_l ln(1 + z_l)                                 (dimensionless)
 *     For small z, ln(1 + z) ≈ z: the classic noise sum, falling 4× per bit (ResNets between
 *     3 and 4 bits: 4–8× [3]). For large z it falls by ln 4 per bit: a layer far past its knee
 *     loses a fixed amount per bit, as depthwise MobileNetV2 does (3.9 → 7.5 points from 4 to 3
 *     bits [3], 1.9×, which a pure 2^(−2b) sum cannot give).
 *   8-bit floor, per network: F = floor_8bit · (φ(wbits) + φ(abits)) / 2, φ(b) = 1 for integers
 *     of 8 bits or fewer, 2^(8−b) above (int16: 1/256), 0 for floats of 16 bits or more (fp8 as
 *     int8). The noise law gives W8A8 ~0, while published 8-bit results lose tenths of a point
 *     whatever the method (outliers, clipping, rounding of rare large values): NNCF's int8 QAT
 *     0.80 on MobileNetV2 [10], Q8BERT 0.72 [9], HAWQ-V3 0.14 on ResNet-50 [5]. The floor does
 *     not fall with fewer bits (the noise term takes over there), and is the same for every
 *     method (what differs between methods at 8 bits is within the band below).
 *   Pruning, per network (weights W_l of the weight layers; activation matmuls are not pruned):
 *     P = g(prune, kind) · Σ_l W_l·e_l·r_l / Σ_l W_l             (dimensionless)
 *     g = λ·v + max(0, v − ln 2)^3, λ = 2,
 *                              v = ln(1/(1 − prune)) (unstructured),
 *                              v = 2.75 · ln(1/(1 − prune)) (channel: density d hurts like
 *                                  unstructured d^2.75),
 *                              v = ln(1/(1 − 0.6)) (nm, 2:4: like 60 % unstructured).
 *     Model v1 had only the cube (free up to 50 %); published toolkits lose tenths of a point at
 *     50–65 % unstructured (NNCF, ResNet-50 int8: 0.65 at 50 %, 0.73 at 61 % [10]), hence the
 *     linear term. λ = 2 was chosen over 1 by the in-sample RMS (0.467 against 0.480) and LOO
 *     (1.05 against 1.08). ResNet-50 (float) then loses 0.25 / 0.38 / 0.55 / 0.83 / 1.5 / 3.2
 *     points at 50 / 65 / 75 / 82.6 / 90 / 95 %. Known conflicts: DNS keeps 82.6 % at 0.63 [2]
 *     (model 0.83), gradual magnitude pruning loses 2–3 at 90 % and ~6 at 95 % [M: Gale et al.
 *     2019] (model 1.5 and 3.2): one p_scale cannot follow both the toolkit rows at 50–61 % and
 *     the steep end; the rows fitted are [S], Gale et al.'s [M]. 2.75 makes half the weights
 *     (≈ half the FLOPs) by channels cost ResNet-50 ~1 point (rule of thumb [2]; NNCF's filter
 *     pruning of 40 % loses 0.54 [10], the model 0.56). 2:4 costs ResNet-50 0.33 (with
 *     retraining it is lossless on ResNets [M: Mishra et al. 2021]; within the band).
 *   Accuracy     L = q_scale·Q + p_scale·P + F,   top1_c = top1 · exp(−L / top1)      (points)
 *     The loss top1·(1 − e^(−L/top1)) ≈ L for small L and saturates at top1, so the value is
 *     finite and in [0, top1]. Every term is non-decreasing in prune and in 2^(−2b), and
 *     1 <= ptq_scale <= the ptq_naive factor: non-increasing in prune, non-decreasing in wbits
 *     and abits, ptq_naive <= ptq <= qat, 2:4 <= dense, by construction (tests/test_accuracy.c
 *     checks all zoo networks on a full grid, and networks with measured points, consistent and
 *     not, on a grid of 16 bits).
 *   Cost: O(layers), one sqrt and one log1p per layer, no allocation: ResNet-50 1.7 µs/call.
 *
 * HARDWARE OUTPUT NOISE (net_accuracy_noisy)
 *   x_l, per layer, is noise the hardware adds to the layer's outputs (analog compute, ADC
 *   quantization), in the units of N: x = 2^(−2b) is a b-bit uniform quantizer at the output's
 *   full scale. It enters z_l beside the quantization noise, with the layer's edge and depthwise
 *   sensitivity e_l·d_l but without the fan-in redundancy r_l: r_l stands for the averaging of
 *   the F_l independent product errors that sum into one output (more terms, relatively less
 *   noise); output noise is added once, after the sum, so nothing averages it. Nor does the
 *   method factor m apply: training and post-training calibration do not see the hardware.
 *   Estimated values are the proxy with x in z_l. A measured or interpolated value v (and the
 *   clamped estimate) is lowered by the proxy's extra loss at the same setting, through the
 *   same saturation: v · exp(−(L(x) − L(0)) / top1); its source becomes "estimated", since the
 *   points were not measured on this hardware. More noise in any layer never raises accuracy
 *   (L grows with every x_l); zero noise returns net_accuracy bit for bit. With noise the value
 *   stays monotone in the compression setting where it is a pure estimate; beside measured
 *   points the extra loss (concave in the quantization noise) may break that order by its
 *   difference between two settings.
 *
 * METHOD SPREAD (net_accuracy_band: accuracy_lo, accuracy_hi)
 *   At one setting published methods differ by several points: ResNet-18 W2A2 loses 2.9 points
 *   with LSQ [4] and about 6 with DoReFa-class training; W4A32 post-training loses 0.97 with
 *   AdaRound and 0.38 with BRECQ [12, M]. The band around a value v of loss ℓ = top1·ln(top1/v)
 *   (the proxy's L for an estimate; 0 at or above top1):
 *     accuracy_lo = top1·exp(−(κ·ℓ + min(ℓ, δ)) / top1),  accuracy_hi = top1·exp(−max(0,
 *     ℓ/κ − δ) / top1), κ = 2, δ = 0.3 points; lo = min(·, v), hi = max(·, v).
 *   κ = 2 spans LSQ to DoReFa at W2A2 (2.8 → 6.0 points of loss; the test checks both lie in
 *   ResNet-18's band); δ = 0.3 covers small losses the factor cannot (LSQ's ResNet-50 W4A4 0.02
 *   against 0.52 predicted) and vanishes with ℓ, so an uncompressed float network has no
 *   spread. 24 of the 27 calibration rows lie in their band (the three outside: NNCF's int8 gain
 *   of 0.31, Deep Compression's "no loss" on AlexNet and VGG-16). Both ends are non-decreasing
 *   functions of v, so they keep every monotonicity v has; measured values get the band too
 *   (what other methods would give), so that lo and hi stay monotone beside them.
 *
 * CALIBRATION (the published rows on zoo networks, listed in tests/test_accuracy.c; drops, not
 * absolute top-1, since each paper starts from its own baseline; published drop = paper baseline −
 * paper result; predicted drop = zoo top1 − model; error = predicted − published; LOO = the
 * error when the row's network is refitted without it; points)
 *
 *   network       row (source, table)                   setting          publ.  pred.  error   LOO
 *   resnet18      LSQ repro. [3] (baseline 70.5 [4])     W4A4 qat          0.14   0.68  +0.54 +0.57
 *   resnet18      LSQ repro. [3]                         W3A3 qat          1.15   1.51  +0.36 +0.42
 *   resnet18      LSQ repro. [3]                         W2A2 qat          4.19   4.00  −0.19 −1.67
 *   resnet18      AdaRound [11] (69.68 → 68.71)          W4A32 ptq         0.97   0.71  −0.26 −0.26
 *   resnet18      BRECQ [12] Table 3 [M] (71.08 → 69.60) W4A4 ptq          1.48   1.36  −0.12 −0.10
 *   resnet18      BRECQ README output (→ 65.21)          W2A4 ptq          5.87   5.93  +0.06 +0.77
 *   resnet50      LSQ repro. [3] (baseline 76.9 [4])     W4A4 qat          0.02   0.52  +0.50 +0.61
 *   resnet50      LSQ repro. [3]                         W3A3 qat          1.42   1.61  +0.19 +0.24
 *   resnet50      LSQ repro. [3]                         W2A2 qat          4.90   4.84  −0.06 −0.80
 *   resnet50      HAWQ-V3 int8 [5]                       W8A8 qat          0.14   0.12  −0.02 −0.00
 *   resnet50      HAWQ-V3 mixed int4/8, as uniform 4     W4A4 qat          0.99   0.52  −0.47 −0.53
 *   resnet50      DNS 82.6 % sparse [2]                  p .826, fp        0.63   0.83  +0.20 +1.28
 *   resnet50      NNCF int8 QAT [10] (a gain)            W8A8 qat         −0.31   0.12  +0.43 +0.52
 *   resnet50      NNCF int8 + 50 % RB sparsity [10]      p .50 W8A8 qat    0.65   0.36  −0.29 −0.35
 *   resnet50      NNCF int8 + 61 % RB sparsity [10]      p .61 W8A8 qat    0.73   0.46  −0.27 −0.36
 *   resnet50      AdaRound via BRECQ Table 2 [M]         W4A32 ptq         0.84   0.99  +0.15 +0.19
 *   resnet50      BRECQ [12] Table 3 [M] (77.00 → 75.05) W4A4 ptq          1.95   1.87  −0.08 −0.35
 *   mobilenet_v2  LSQ repro. [3] (baseline 71.9)         W4A4 qat          3.92   3.47  −0.45 −0.96
 *   mobilenet_v2  LSQ repro. [3]                         W3A3 qat          7.49   7.69  +0.20 +3.14
 *   mobilenet_v2  NNCF int8 QAT [10]                     W8A8 qat          0.80   1.18  +0.38 −0.41
 *   mobilenet_v2  AdaRound via BRECQ Table 2 [M]         W4A32 ptq         1.94   2.96  +1.02 +1.94
 *   mobilenet_v2  BRECQ [12] Table 3 [M] (72.49 → 66.57) W4A4 ptq          5.92   5.26  −0.66 −2.19
 *   not fitted (checks, and networks without a fit):
 *   mobilenet_v2  NNCF int8 + 52 % RB sparsity [10]      p .52 W8A8 qat    0.78   1.72  +0.94 +0.94
 *   mobilenet_v2  naive per-tensor int8 PTQ [7]          W8A8 ptq_naive    1.07   1.57  +0.50 +0.50
 *   alexnet       Deep Compression 9×, 5 b [8]           p 1−1/9, W5A32    0.00   0.83  +0.83 +0.83
 *   vgg16         Deep Compression 13×, 5 b [8]          p 1−1/13, W5A32   0.00   0.85  +0.85 +0.85
 *   bert_base     Q8BERT int8 (F1 88.46→87.74) [9]       W8A8 qat          0.72   0.72  −0.00 −0.32
 *   (bert_base's one row fits its floor, so its LOO is the global floor's prediction.)
 *
 *   In-sample: RMS 0.47 points over the 27 rows, max |error| 1.02. Leave-one-out: RMS 1.05,
 *   max 3.14 (MobileNetV2 W3A3: left with one QAT row, its fit cannot see the per-bit slope);
 *   the test asserts RMS <= 1.2 and every row <= 3.5 (LOO), in-sample RMS <= 0.6 and every row
 *   <= 1.5. Model v1 had 0.45 in-sample over its 15 rows. The LOO refits only the row's own
 *   network (from the global defaults); the global defaults are not re-derived without the row.
 *   Sources marked [M] are from memory of the papers' tables and weaker than the others: the
 *   AdaRound ResNet-50 / MobileNetV2 and BRECQ table rows. The NNCF MobileNetV2 52 % row is a
 *   check only: it loses less than int8 alone (0.78 against 0.80), which would fit MobileNetV2's
 *   pruning sensitivity to zero; the naive row checks naive_scale, kept from model v1 (where
 *   it was fitted on that row) since the floor now explains most of it. Deep Compression is
 *   quoted "no loss" (its abstract [8]); the paper's VGG-16 actually gained 0.33 [M]. Deep
 *   Compression pruned per layer (fc layers ~90 %, convs less) and kept 8-bit convs; squash
 *   prunes and quantizes uniformly, so the model's loss there is an upper estimate. Not used:
 *   HAQ's MobileNetV2 mixed precision (0.82 [S], bits per layer not given), MobileNetV1 1.0 rows
 *   (not a zoo network: the [S] naive int8 PTQ collapse of 12.1 points is beyond the proxy, see
 *   LEAVES OUT), InceptionV3 (not in the zoo). LSQ kept the first and last layer at 8 bits [3];
 *   the rows are fitted at uniform bits as squash applies them, so the edge layers' share is
 *   absorbed in q_scale. The "per-channel PTQ W4A8 ResNet-50 ≈ 0.5 point" is not met:
 *   the model gives 1.05 (ptq_scale fitted to AdaRound's and BRECQ's rows, 0.84 at W4A32 and
 *   1.95 at W4A4); 0.5 is inside the band (0.18–2.4).
 *
 * PARAMETERS (net_acc_defaults; net_acc_calibrate's least squares on the fitted rows above, with
 * the top-1 of each point = zoo top1 − published drop, from the global defaults; the test
 * re-derives them)
 *   network        q_scale  p_scale  ptq_scale  dw_factor  naive_scale  floor_8bit  fitted
 *   resnet18        9.1237  0.24238     3.4284     2.0445        38.10     0.37103  q, ptq
 *   resnet50       10.566   0.24238     4.7787     2.0445        38.10     0.11702  q, p, ptq,
 * floor mobilenet_v2   12.972   0.24238     2.0538     2.0445        38.10     1.1764   q, ptq, dw,
 * floor bert_base      10.774   0.24238     3.2284     2.0445        38.10     0.7213   floor all
 * others     10.774   0.24238     3.2284     2.0445        38.10     0.37103  rule below Rule for a
 * network without data: its structure (depth, fan-ins, depthwise layers, edge layers, activation
 * matmuls) enters through r_l, d_l and e_l; the parameters are the calibrated ones: q_scale and
 * ptq_scale the geometric means of the three fitted CNNs, p_scale ResNet-50's (the one zoo network
 * with fitted pruning rows), dw_factor MobileNetV2's (the one with depthwise layers), floor_8bit
 * the geometric mean of ResNet-50's and MobileNetV2's, naive_scale model v1's MobileNetV2 fit. A
 * parameter a network's rows do not constrain keeps this global value (ResNet-18's floor,
 * ResNet-50's dw_factor, ...). A network is taken as a zoo one by name, MAC layer count and weights
 * (not by its layer count: non-MAC layers do not enter the proxy). The resulting defaults (drop in
 * points): ResNet-50 W8A8 qat 0.12, ptq 0.13, ptq_naive 0.18; W4A8 ptq 1.05; W4A4 qat 0.52; W2A2
 * qat 4.8; unstructured 50 / 65 / 90 %: 0.25 / 0.38 / 1.5; channel 50 %: 0.99; 2:4: 0.33.
 * MobileNetV2 W8A8 qat 1.18, ptq_naive 1.57, W4A4 qat 3.5. BERT-base W8A8 0.72.
 *
 * CALIBRATION TO A USER'S POINTS (net_acc_calibrate)
 *   Least squares on top-1 over the file's points, by Nelder–Mead in log-parameters (q, p,
 *   floor = e^θ; ptq, dw, naive = 1 + e^θ so they stay >= 1), deterministic, restarted from the
 *   best vertex until it stops improving. Fitted are only the parameters the points constrain,
 *   in this order and never more than there are points: q_scale (a point below 8 bits),
 *   p_scale (a pruned point), ptq_scale (quantized points of qat and ptq), dw_factor (depthwise
 *   layers and two distinct quantized settings), naive_scale (quantized points of ptq_naive and
 *   of another method), floor_8bit (an integer point of 8 bits or more on both operands); the
 *   others keep their starting values (the file's, else the defaults). Returns the RMS error of
 *   the fit. A file's <accuracy> without naive_scale or floor_8bit (written before model v2)
 *   gets the defaults for them.
 *
 * VALIDITY: ImageNet-class CNNs and BERT-like encoders, uniform bits 2–8 and float, pruning up
 * to ~95 %, each as the network's own top-1 minus a loss; 1–2 bits and >95 % pruning are
 * extrapolations of the form (finite and monotone, not calibrated).
 *
 * LEAVES OUT: residual connections (the naive per-tensor PTQ collapse of MobileNetV1 1.0,
 * 67.64 → 55.53 [7], comes from depthwise layers without a residual path; the proxy, calibrated
 * on MobileNetV2, predicts ~2 points for mobilenet_v1_025: measure PTQ on such networks);
 * per-channel vs per-tensor beyond the two post-training methods; mixed precision per layer;
 * transformer activation outliers other than through BERT's fitted 8-bit floor; chance level
 * (the saturation goes to 0, not 100/classes); gains from retraining (never above top1). The
 * MLPerf Tiny networks' top1 are themselves int8 results, so their int8 losses are pessimistic.
 *
 * [1] Widrow & Kollár, Quantization Noise, 2008 (uniform quantizer noise Δ²/12).
 * [2] Intel Distiller model zoo: ResNet-50 dynamic network surgery, 82.6 % sparse, 76.15 → 75.52;
 *     rules of thumb from Zhu & Gupta, "To prune, or not to prune", 2017.
 * [3] LSQ reproduction, github.com/ProhetTeam/cls_quant_config LSQ/README.md [S]; first/last
 *     layer at 8 bits in its configs. (One commit lists MobileNetV2 W3A3 57.92; this file uses
 *     the README table's 64.41.)
 * [4] Esser et al., "Learned Step Size Quantization", ICLR 2020, Table 1 (float baselines).
 * [5] Yao et al., "HAWQ-V3", ICML 2021.   [6] IEEE 754 binary16 / bfloat16: CNN inference in
 *     16-bit float matches float32 (common practice).   [7] OpenCV model zoo [S].
 * [8] Han et al., "Deep Compression", ICLR 2016, Table 1 (AlexNet 57.22, VGG-16 68.50 top-1).
 * [9] Zafrir et al., "Q8BERT", 2019 (SQuAD v1.1 F1; zoo top1 is Devlin et al.'s 88.5).
 * [10] NNCF (OpenVINO Neural Network Compression Framework) model zoo, docs/ModelZoo.md,
 *     PyTorch classification [S]: ResNet-50 (76.15) int8 QAT 76.46, + 50 % RB sparsity 75.50,
 *     + 61 % 75.42, filter pruning 40 % 75.62; MobileNetV2 (71.87) int8 71.07, + 52 % 71.09.
 * [11] Nagel et al., "Up or Down? Adaptive Rounding for Post-Training Quantization" (AdaRound),
 *     ICML 2020 [S: ResNet-18; M: the others, as BRECQ's Table 2 quotes them].
 * [12] Li et al., "BRECQ: Pushing the Limit of Post-Training Quantization by Block
 *     Reconstruction", ICLR 2021 [M: tables]; github.com/yhhhli/BRECQ README (ResNet-18 W2A4
 *     65.21) [S].
 */
#include "net.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *const net_acc_src_names[] = {"measured", "interpolated", "estimated", NULL};

/* ---- constants of the proxy (documented in the header comment) ---- */

#define ACC_KNEE 4.0        /* knee: z = ACC_KNEE·s·noise (dimensionless) */
#define ACC_FANIN_REF 576.0 /* fan-in of unit redundancy: ResNet's 3×3×64 (weights/output) */
#define ACC_EDGE 2.0        /* sensitivity factor e of the first and last layer */
#define ACC_PRUNE_FREE_U 0.6931471805599453 /* ln 2: the cube starts at density 1/2 */
#define ACC_PRUNE_LIN 2.0    /* λ: the linear pruning term's weight against the cube */
#define ACC_CHANNEL_EXP 2.75 /* channel pruning at density d hurts like unstructured at d^2.75 */
#define ACC_NM_EQUIV 0.6     /* 2:4 hurts like unstructured pruning of 60 % */
#define ACC_FLOAT_BITS 16    /* fp / bf formats of >= 16 bits carry no quantization noise */
#define ACC_FLOOR_BITS 8     /* the floor is whole at 8 bits and below, halves per bit above */
#define ACC_PRUNE_EPS 1e-9   /* prune values closer than this are the same setting */
#define ACC_BAND_K 2.0       /* method spread: the band's loss factor (DoReFa / LSQ at W2A2) */
#define ACC_BAND_D 0.3       /* method spread: the band's additive loss (points) */

/* Global defaults for networks without published data (see the header comment). */
#define ACC_Q0 10.774      /* q_scale: geometric mean of the three fitted CNNs */
#define ACC_P0 0.24238     /* p_scale: ResNet-50's (the zoo network with most pruning rows) */
#define ACC_PTQ0 3.2284    /* ptq_scale: geometric mean of the three fitted CNNs */
#define ACC_NAIVE0 38.10   /* naive_scale: MobileNetV2's (the one with naive post-training data) */
#define ACC_DW0 2.0445     /* dw_factor: MobileNetV2's (the one with depthwise layers) */
#define ACC_FLOOR0 0.37103 /* floor_8bit: geometric mean of the fitted CNN floors (points) */

/* The proxy's parameters as a table (a network file's <accuracy> attributes, `squash
 * calibrate`'s output): the defaults are those of a network without published data. The lower
 * bounds keep the model's terms finite and its monotonicity (ptq_scale, dw_factor >= 1). */
#define ACC_P(field, def, lo, help)                                                                \
    {                                                                                              \
#field, "", PT_REAL, def, lo, 1e9, NULL, offsetof(net_acc_params, field), help, NULL, 0    \
    }
const pt_param net_acc_params_table[] = {
    ACC_P(q_scale, ACC_Q0, 1e-9, "quantization sensitivity"),
    ACC_P(p_scale, ACC_P0, 1e-9, "pruning sensitivity"),
    ACC_P(ptq_scale, ACC_PTQ0, 1, "post-training noise factor"),
    ACC_P(dw_factor, ACC_DW0, 1, "depthwise sensitivity factor"),
    ACC_P(naive_scale, ACC_NAIVE0, 1, "per-tensor post-training noise factor"),
    ACC_P(floor_8bit, ACC_FLOOR0, 0, "top-1 points lost at 8 bits by any method"),
};
#undef ACC_P
const size_t net_acc_n_params = sizeof net_acc_params_table / sizeof net_acc_params_table[0];

/* A measured point (<point> of <accuracy>). wbits, abits and top1 are required (the loader
 * says so); prune, prune_kind and method default to the uncompressed, quantization-aware
 * setting, the defaults of net_compression_params. */
static_assert(sizeof(net_quant) == sizeof(int), "method is stored as an int");
#define ACC_PT(field, type, def, lo, hi, choices)                                                  \
    {                                                                                              \
#field, "", type, def, lo, hi, choices, offsetof(net_acc_point, field), NULL, NULL, 0      \
    }
const pt_param net_acc_point_params[] = {
    ACC_PT(prune, PT_REAL, 0, 0, 0.999999, NULL),
    ACC_PT(prune_kind, PT_ENUM, NET_PRUNE_UNSTRUCTURED, 0, 0, net_prune_kind_names),
    ACC_PT(wbits, PT_INT, 8, 1, 32, NULL),
    ACC_PT(abits, PT_INT, 8, 1, 32, NULL),
    ACC_PT(method, PT_ENUM, NET_QUANT_QAT, 0, 0, net_quant_names),
    ACC_PT(top1, PT_REAL, 0, 0, 100, NULL),
};
#undef ACC_PT
const size_t net_acc_point_n_params = sizeof net_acc_point_params / sizeof net_acc_point_params[0];

/* Zoo networks with published data: fitted by net_acc_calibrate on the rows of the header's
 * calibration table (tests/test_accuracy.c re-derives them). Matched by name and by what the
 * proxy reads, so that a user's same-named network of another shape is not hit: the number of
 * MAC layers and their dense weights. Non-MAC layers (pooling, add, ...), the batch and the
 * input resolution change neither, and the proxy ignores them too, so adding a pooling layer to
 * a zoo network keeps its calibration. */
static const struct {
    const char *name;      /* zoo network name */
    size_t mac_layers;     /* its number of MAC layers (conv, fc, matmul) */
    uint64_t weights;      /* its dense weights (net_network_weights) */
    net_acc_params params; /* fitted q_scale, p_scale, ptq_scale, dw_factor */
} acc_zoo[] = {
    {"resnet18", 21, 11678912, {9.1237, 0.24238, 3.4284, 2.0445, 0, 38.1, 0.37103}},
    {"resnet50", 54, 25502912, {10.566, 0.24238, 4.7787, 2.0445, 0, 38.1, 0.11702}},
    {"bert_base", 97, 84936192, {10.774, 0.24238, 3.2284, 2.0445, 0, 38.1, 0.7213}},
    {"mobilenet_v2", 53, 3469760, {12.972, 0.24238, 2.0538, 2.0445, 0, 38.1, 1.1764}},
};

net_acc_params net_acc_defaults(const net_network *net)
{
    for (size_t i = 0; i < sizeof acc_zoo / sizeof acc_zoo[0]; i++) {
        if (strcmp(net->name, acc_zoo[i].name) == 0 &&
            net_network_mac_layers(net) == acc_zoo[i].mac_layers &&
            net_network_weights(net) == acc_zoo[i].weights)
            return acc_zoo[i].params;
    }
    net_acc_params p;
    memset(&p, 0, sizeof p);
    for (size_t i = 0; i < net_acc_n_params; i++)
        pt_set(&net_acc_params_table[i], &p, net_acc_params_table[i].def);
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

/* g(prune, kind): the pruning term of one layer, dimensionless: λ·v + max(0, v − ln 2)^3, with v
 * the log compression ratio of the equivalent unstructured density. */
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
    return ACC_PRUNE_LIN * u + (x > 0.0 ? x * x * x : 0.0); /* see the header comment */
}

static int acc_is_depthwise(const net_layer *l)
{
    return l->groups > 1 && l->groups == l->c && l->groups == l->k;
}

/* m: the noise factor of a quantization method, 1 for qat, ptq_scale >= 1 for ptq, and for
 * ptq_naive naive_scale but never below ptq's (so that ptq_naive <= ptq <= qat). */
static double acc_method_factor(const net_acc_params *par, net_quant q)
{
    const double ptq = fmax(1.0, par->ptq_scale);
    switch (q) {
    case NET_QUANT_PTQ:
        return ptq;
    case NET_QUANT_PTQ_NAIVE:
        return fmax(ptq, par->naive_scale);
    default:
        return 1.0;
    }
}

/* φ(bits): the share of the 8-bit floor an operand of that width carries: 1 up to 8 bits,
 * halving per bit above (int16: 1/256), 0 for floats of 16 bits or more; fp8 as int8. */
static double acc_floor_share(uint32_t bits, net_numfmt fmt)
{
    if (fmt != NET_FMT_INT && bits >= ACC_FLOAT_BITS)
        return 0.0;
    return bits <= ACC_FLOOR_BITS ? 1.0 : ldexp(1.0, ACC_FLOOR_BITS - (int)bits);
}

/* The loss L (top-1 points before saturation) of net under cmp with parameters par, and extra
 * output noise x_l per layer of net (NULL: none; see net_accuracy_noisy). */
static double acc_loss(const net_network *net, const net_acc_params *par, const sw_compression *cmp,
                       const double *extra)
{
    /* Only MAC layers carry weights and quantized products: n counts them, and the edge
     * factor goes to the first and last of them (non-MAC layers change nothing here). */
    const size_t n = net_network_mac_layers(net);
    if (n == 0)
        return 0.0;
    const double nw = acc_noise(cmp->wbits, cmp->numfmt);
    const double na = acc_noise(cmp->abits, cmp->numfmt);
    const double m = acc_method_factor(par, cmp->quant);
    const double dw = fmax(1.0, par->dw_factor);
    const double g = acc_prune_term(cmp->prune, cmp->prune_kind);
    double q_sum = 0.0; /* Σ_l ln(1 + z_l) */
    double p_num = 0.0; /* Σ_l W_l·e_l·r_l over weight layers */
    double w_sum = 0.0; /* Σ_l W_l */
    for (size_t i = 0, j = 0; i < net->n_layers; i++) {
        const net_layer *l = &net->layers[i];
        if (!net_layer_does_macs(l))
            continue;
        uint64_t fan_in = (uint64_t)(l->c / (l->groups ? l->groups : 1)) * l->r * l->s;
        double r = sqrt(ACC_FANIN_REF / (double)(fan_in ? fan_in : 1));
        double e = (j == 0 || j + 1 == n) ? ACC_EDGE : 1.0;
        j++;
        double ed = e * (acc_is_depthwise(l) ? dw : 1.0);
        double noise = l->b_is_weight ? nw + na : 2.0 * na;
        double z = ACC_KNEE * ed * r * noise * m;
        /* Output noise: the layer's sensitivity without the fan-in redundancy (it enters after
         * the accumulation), no method factor (training does not see the hardware). */
        if (extra && extra[i] > 0.0)
            z += ACC_KNEE * ed * extra[i];
        q_sum += log1p(z);
        if (l->b_is_weight) {
            double w = (double)net_layer_weights(l);
            p_num += w * e * r;
            w_sum += w;
        }
    }
    double q_term = q_sum / (double)n;
    double p_term = w_sum > 0.0 ? g * p_num / w_sum : 0.0;
    double f_term =
        0.5 * (acc_floor_share(cmp->wbits, cmp->numfmt) + acc_floor_share(cmp->abits, cmp->numfmt));
    return fmax(0.0, par->q_scale) * q_term + fmax(0.0, par->p_scale) * p_term +
           fmax(0.0, par->floor_8bit) * f_term;
}

/* Top-1 of the proxy: top1·exp(−L/top1), in (0, top1] and decreasing in L. */
static double acc_proxy(const net_network *net, const net_acc_params *par,
                        const sw_compression *cmp)
{
    if (!(net->top1 > 0.0))
        return 0.0;
    double loss = acc_loss(net, par, cmp, NULL);
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

static acc_pt acc_pt_of(const net_acc_point *p)
{
    return acc_pt_make(p->wbits, p->abits, p->prune, p->prune_kind);
}

/* The network's points with their coordinates, computed once per call when they fit the stack
 * cache (the bounds visit each point O(points²) times; log1p dominated otherwise). */
#define ACC_PT_CACHE 64 /* points cached on the stack; more are computed on use */
typedef struct acc_set {
    const net_network *net; /* the network and its points */
    const acc_pt *pt;       /* pt[i] = acc_pt_of(&net->acc_points[i]), or NULL */
} acc_set;

static acc_pt acc_at(const acc_set *S, size_t i)
{
    return S->pt ? S->pt[i] : acc_pt_of(&S->net->acc_points[i]);
}

/* 1 if a and b agree on axis k (0 wbits, 1 abits, 2 prune). */
static int acc_axis_same(const acc_pt *a, const acc_pt *b, int k)
{
    if (k < 2)
        return a->bits[k] == b->bits[k];
    return fabs(a->prune - b->prune) <= ACC_PRUNE_EPS;
}

/* 1 if the setting is dense: prune 0 of a non-nm kind, the same model whatever the kind. */
static int acc_dense(double prune, net_prune_kind kind)
{
    return kind != NET_PRUNE_NM && prune <= ACC_PRUNE_EPS;
}

/* 1 if p belongs to the family (kind, method): the points a setting of that kind and method
 * matches and interpolates between. Dense points belong to every non-nm family. */
static int acc_in_family(const net_acc_point *p, net_prune_kind kind, net_quant method)
{
    if (p->method != method)
        return 0;
    if (kind == NET_PRUNE_NM)
        return p->prune_kind == NET_PRUNE_NM;
    return p->prune_kind == kind || acc_dense(p->prune, p->prune_kind);
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

/* 1 if no other point of the family lies strictly inside the segment between points i and j
 * (a and b). Such a chord is never the shortest segment through a setting, and as a bound it
 * would contradict its two halves. O(points). */
static int acc_segment_ok(const acc_set *S, net_prune_kind kind, net_quant method, size_t i,
                          size_t j, const acc_pt *a, const acc_pt *b)
{
    const net_network *net = S->net;
    for (size_t m = 0; m < net->n_acc_points; m++) {
        if (m == i || m == j || !acc_in_family(&net->acc_points[m], kind, method))
            continue;
        acc_pt c = acc_at(S, m);
        double t;
        int nv;
        if (acc_on_segment(a, b, &c, &t, &nv) && t > 0.0 && t < 1.0)
            return 0;
    }
    return 1;
}

/* Linear interpolation between the closest pair of measured points whose segment holds q. */
static int acc_interp_segment(const acc_set *S, const sw_compression *cmp, const acc_pt *q,
                              double *value)
{
    const net_network *net = S->net;
    int found = 0, best_nv = 4;
    double best_span = 0.0;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *pi = &net->acc_points[i];
        if (!acc_in_family(pi, cmp->prune_kind, cmp->quant))
            continue;
        acc_pt a = acc_at(S, i);
        for (size_t j = i + 1; j < net->n_acc_points; j++) {
            const net_acc_point *pj = &net->acc_points[j];
            if (!acc_in_family(pj, cmp->prune_kind, cmp->quant))
                continue;
            acc_pt b = acc_at(S, j);
            double t;
            int nv;
            if (!acc_on_segment(&a, &b, q, &t, &nv))
                continue;
            double span = 0.0;
            for (int k = 0; k < 3; k++)
                span += fabs(b.x[k] - a.x[k]);
            if (found && (nv > best_nv || (nv == best_nv && span >= best_span)))
                continue;
            if (!acc_segment_ok(S, cmp->prune_kind, cmp->quant, i, j, &a, &b))
                continue;
            found = 1;
            best_nv = nv;
            best_span = span;
            *value = pi->top1 + t * (pj->top1 - pi->top1);
        }
    }
    return found;
}

/* Index of the family's first point that agrees with c1 on axis k1, c2 on k2 and c3 on k3, or
 * -1. */
static long acc_find_corner(const acc_set *S, net_prune_kind kind, net_quant method,
                            const acc_pt *c1, int k1, const acc_pt *c2, int k2, const acc_pt *c3,
                            int k3)
{
    const net_network *net = S->net;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *p = &net->acc_points[i];
        if (!acc_in_family(p, kind, method))
            continue;
        acc_pt a = acc_at(S, i);
        if (acc_axis_same(&a, c1, k1) && acc_axis_same(&a, c2, k2) && acc_axis_same(&a, c3, k3))
            return (long)i;
    }
    return -1;
}

/* The cell planes: two varying axes k1, k2 and the fixed one k3. */
static const int acc_planes[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 2, 0}};

/* The bilinear formula of a cell with corner values v (00, 01, 10, 11) at (t0, t1). */
static double acc_bilinear(const double v[4], double t0, double t1)
{
    return (1.0 - t0) * ((1.0 - t1) * v[0] + t1 * v[1]) + t0 * ((1.0 - t1) * v[2] + t1 * v[3]);
}

/* Bilinear interpolation when q lies strictly inside a cell of two axes (third axis equal):
 * the cell's corners are the neighbouring measured coordinates on both axes among the points
 * that share q's third axis, and all four are measured. A plane in which a point shares q's
 * coordinate on one of the two axes is not used (q lies on that point's line). */
static int acc_interp_bilinear(const acc_set *S, const sw_compression *cmp, const acc_pt *q,
                               double *value)
{
    const net_network *net = S->net;
    const net_prune_kind kind = cmp->prune_kind;
    const net_quant method = cmp->quant;
    for (int pl = 0; pl < 3; pl++) {
        const int ks[2] = {acc_planes[pl][0], acc_planes[pl][1]};
        const int k3 = acc_planes[pl][2];
        acc_pt lo[2], hi[2];
        int has_lo[2] = {0, 0}, has_hi[2] = {0, 0}, on_line = 0;
        for (size_t i = 0; i < net->n_acc_points && !on_line; i++) {
            const net_acc_point *p = &net->acc_points[i];
            if (!acc_in_family(p, kind, method))
                continue;
            acc_pt a = acc_at(S, i);
            if (!acc_axis_same(&a, q, k3))
                continue;
            for (int d = 0; d < 2; d++) {
                int k = ks[d];
                if (acc_axis_same(&a, q, k)) {
                    on_line = 1;
                    break;
                }
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
        if (on_line || !(has_lo[0] && has_hi[0] && has_lo[1] && has_hi[1]))
            continue;
        long c[4] = {acc_find_corner(S, kind, method, &lo[0], ks[0], &lo[1], ks[1], q, k3),
                     acc_find_corner(S, kind, method, &lo[0], ks[0], &hi[1], ks[1], q, k3),
                     acc_find_corner(S, kind, method, &hi[0], ks[0], &lo[1], ks[1], q, k3),
                     acc_find_corner(S, kind, method, &hi[0], ks[0], &hi[1], ks[1], q, k3)};
        if (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0)
            continue;
        double t0 = (q->x[ks[0]] - lo[0].x[ks[0]]) / (hi[0].x[ks[0]] - lo[0].x[ks[0]]);
        double t1 = (q->x[ks[1]] - lo[1].x[ks[1]]) / (hi[1].x[ks[1]] - lo[1].x[ks[1]]);
        double v[4];
        for (int k = 0; k < 4; k++)
            v[k] = net->acc_points[c[k]].top1;
        *value = acc_bilinear(v, t0, t1);
        return 1;
    }
    return 0;
}

/* Measured or interpolated top-1 of cmp, if the file's points give one. */
static int acc_from_points(const acc_set *S, const sw_compression *cmp, double *value,
                           net_acc_src *src)
{
    const net_network *net = S->net;
    const acc_pt q = acc_pt_make(cmp->wbits, cmp->abits, cmp->prune, cmp->prune_kind);
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *p = &net->acc_points[i];
        if (!acc_in_family(p, cmp->prune_kind, cmp->quant))
            continue;
        acc_pt a = acc_at(S, i);
        if (acc_axis_same(&a, &q, 0) && acc_axis_same(&a, &q, 1) && acc_axis_same(&a, &q, 2)) {
            *value = p->top1;
            *src = NET_ACC_MEASURED;
            return 1;
        }
    }
    if (acc_interp_segment(S, cmp, &q, value) || acc_interp_bilinear(S, cmp, &q, value)) {
        *src = NET_ACC_INTERPOLATED;
        return 1;
    }
    return 0;
}

/* ---- bounds from the measured points (the monotone clamp of the header comment) ---- */

/* One bound being gathered: lo (upper = 0) is the largest value of the pieces' settings that
 * are at least as compressed as q, hi (upper = 1) the smallest of those no more compressed. */
typedef struct acc_bnd {
    acc_pt q;  /* the setting (prune 0 where only the pieces' dense parts compare; see below) */
    int upper; /* 0: lo, 1: hi */
    double v;  /* the bound so far (−inf for lo, +inf for hi when no piece compares) */
} acc_bnd;

static void acc_bnd_take(acc_bnd *bd, double v)
{
    bd->v = bd->upper ? fmin(bd->v, v) : fmax(bd->v, v);
}

/* 1 if coordinate k of a constant piece axis compares with q as the bound needs: for lo, a at
 * least as compressed (no more bits, no less prune); for hi, no more compressed. */
static int acc_axis_rel(const acc_pt *a, const acc_pt *q, int k, int upper)
{
    if (acc_axis_same(a, q, k))
        return 1;
    if (k < 2)
        return upper ? a->bits[k] > q->bits[k] : a->bits[k] < q->bits[k];
    return upper ? a->prune < q->prune : a->prune > q->prune;
}

/* Narrows [t0, t1] to the parameters t at which coordinate k of a piece running from a (t = 0)
 * to b (t = 1), linear in x, compares with q as the bound needs (lo: x(t) >= x_q, more noise or
 * more pruning; hi: x(t) <= x_q). τ is computed as the interpolation computes t, so a piece
 * evaluated at q gives q's interpolated value. */
static void acc_axis_range(const acc_pt *a, const acc_pt *b, const acc_pt *q, int k, int upper,
                           double *t0, double *t1)
{
    double tau = acc_axis_same(a, q, k)   ? 0.0
                 : acc_axis_same(b, q, k) ? 1.0
                                          : (q->x[k] - a->x[k]) / (b->x[k] - a->x[k]);
    int rising = b->x[k] > a->x[k]; /* more compressed towards b */
    if (rising != upper)
        *t0 = fmax(*t0, tau);
    else
        *t1 = fmin(*t1, tau);
}

/* The range [t0, t1] of the segment a–b (a point if a = b) that compares with bd's q; 0 if
 * empty. */
static int acc_seg_range(const acc_bnd *bd, const acc_pt *a, const acc_pt *b, double *t0,
                         double *t1)
{
    *t0 = 0.0;
    *t1 = 1.0;
    for (int k = 0; k < 3; k++) {
        if (acc_axis_same(a, b, k)) {
            if (!acc_axis_rel(a, &bd->q, k, bd->upper))
                return 0;
        } else {
            acc_axis_range(a, b, &bd->q, k, bd->upper, t0, t1);
        }
    }
    return *t0 <= *t1;
}

/* Folds into lo and hi (either may be NULL) every piece of the family (kind, method): its
 * points, the segments interpolation may use (no family point strictly inside) and the cells
 * it may use (neighbouring coordinates on both axes, four measured corners). A piece is linear
 * (segment) or bilinear (cell) in its parameters, and the part of it that compares with q is a
 * box in them, so its extreme over that part is at a corner of the box. */
static void acc_bound_family(const acc_set *S, net_prune_kind kind, net_quant method, acc_bnd *lo,
                             acc_bnd *hi)
{
    const net_network *net = S->net;
    acc_bnd *bds[2] = {lo, hi};
    const size_t n = net->n_acc_points;
    for (size_t i = 0; i < n; i++) {
        const net_acc_point *pi = &net->acc_points[i];
        if (!acc_in_family(pi, kind, method))
            continue;
        const acc_pt a = acc_at(S, i);
        for (int u = 0; u < 2; u++) {
            double t0, t1;
            if (bds[u] && acc_seg_range(bds[u], &a, &a, &t0, &t1))
                acc_bnd_take(bds[u], pi->top1);
        }
        int ok = -1; /* acc_segment_ok, computed when first needed */
        for (size_t j = i + 1; j < n; j++) {
            const net_acc_point *pj = &net->acc_points[j];
            if (!acc_in_family(pj, kind, method))
                continue;
            const acc_pt b = acc_at(S, j);
            ok = -1;
            for (int u = 0; u < 2; u++) {
                double t0, t1;
                if (!bds[u] || !acc_seg_range(bds[u], &a, &b, &t0, &t1))
                    continue;
                if (ok < 0)
                    ok = acc_segment_ok(S, kind, method, i, j, &a, &b);
                if (!ok)
                    break;
                acc_bnd_take(bds[u], pi->top1 + t0 * (pj->top1 - pi->top1));
                acc_bnd_take(bds[u], pi->top1 + t1 * (pj->top1 - pi->top1));
            }
        }
    }
    /* Cells: i is the corner with less noise on both axes (c00), j the opposite one (c11). */
    for (int pl = 0; pl < 3; pl++) {
        const int k1 = acc_planes[pl][0], k2 = acc_planes[pl][1], k3 = acc_planes[pl][2];
        for (size_t i = 0; i < n; i++) {
            if (!acc_in_family(&net->acc_points[i], kind, method))
                continue;
            const acc_pt a = acc_at(S, i);
            for (size_t j = 0; j < n; j++) {
                if (!acc_in_family(&net->acc_points[j], kind, method))
                    continue;
                const acc_pt b = acc_at(S, j);
                if (!acc_axis_same(&a, &b, k3) || acc_axis_same(&a, &b, k1) ||
                    acc_axis_same(&a, &b, k2) || !(a.x[k1] < b.x[k1]) || !(a.x[k2] < b.x[k2]))
                    continue;
                double box[2][4]; /* per bound: t0 range, t1 range */
                int any = 0, use[2] = {0, 0};
                for (int u = 0; u < 2; u++) {
                    if (!bds[u] || !acc_axis_rel(&a, &bds[u]->q, k3, bds[u]->upper))
                        continue;
                    double *r = box[u];
                    r[0] = r[2] = 0.0;
                    r[1] = r[3] = 1.0;
                    acc_axis_range(&a, &b, &bds[u]->q, k1, bds[u]->upper, &r[0], &r[1]);
                    acc_axis_range(&a, &b, &bds[u]->q, k2, bds[u]->upper, &r[2], &r[3]);
                    use[u] = r[0] <= r[1] && r[2] <= r[3];
                    any |= use[u];
                }
                if (!any)
                    continue;
                /* Neighbouring coordinates: no family point sharing the third axis between. */
                int between = 0;
                for (size_t m = 0; m < n && !between; m++) {
                    if (!acc_in_family(&net->acc_points[m], kind, method))
                        continue;
                    const acc_pt c = acc_at(S, m);
                    if (!acc_axis_same(&c, &a, k3))
                        continue;
                    for (int d = 0; d < 2; d++) {
                        const int k = d ? k2 : k1;
                        between |= !acc_axis_same(&c, &a, k) && !acc_axis_same(&c, &b, k) &&
                                   c.x[k] > a.x[k] && c.x[k] < b.x[k];
                    }
                }
                if (between)
                    continue;
                long c[4] = {acc_find_corner(S, kind, method, &a, k1, &a, k2, &a, k3),
                             acc_find_corner(S, kind, method, &a, k1, &b, k2, &a, k3),
                             acc_find_corner(S, kind, method, &b, k1, &a, k2, &a, k3),
                             acc_find_corner(S, kind, method, &b, k1, &b, k2, &a, k3)};
                if (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0)
                    continue;
                double v[4];
                for (int k = 0; k < 4; k++)
                    v[k] = net->acc_points[c[k]].top1;
                for (int u = 0; u < 2; u++) {
                    if (!use[u])
                        continue;
                    for (int e = 0; e < 4; e++)
                        acc_bnd_take(bds[u], acc_bilinear(v, box[u][e >> 1], box[u][2 + (e & 1)]));
                }
            }
        }
    }
}

/* lo(cmp) and hi(cmp): the bounds the measured points and the interpolations between them put
 * on cmp (−inf / +inf when none compares). The order: a setting is at least as compressed as
 * cmp when it has no more wbits, no more abits, a method no better (qat < ptq < ptq_naive), and is
 * dense (prune 0 of a non-nm kind), or of cmp's kind with no less prune, or anything when cmp is
 * dense (2:4 is one setting above dense). O(families · points³) with at most nine families; in
 * practice the range checks skip most pairs. */
static void acc_bounds(const acc_set *S, const sw_compression *cmp, double *lo, double *hi)
{
    const int dense = acc_dense(cmp->prune, cmp->prune_kind);
    const net_prune_kind qk = cmp->prune_kind;
    acc_bnd b_lo, b_hi;
    b_lo.q = acc_pt_make(cmp->wbits, cmp->abits, dense ? 0.0 : cmp->prune, qk);
    b_lo.upper = 0;
    b_lo.v = -INFINITY;
    b_hi = b_lo;
    b_hi.upper = 1;
    b_hi.v = INFINITY;
    acc_bnd b_dense = b_hi; /* hi against the dense parts of another family's pieces */
    b_dense.q = acc_pt_make(cmp->wbits, cmp->abits, 0.0, NET_PRUNE_UNSTRUCTURED);
    for (int k = NET_PRUNE_UNSTRUCTURED; k <= NET_PRUNE_NM; k++) {
        for (int m = NET_QUANT_QAT; m <= NET_QUANT_PTQ_NAIVE; m++) {
            /* lo: pieces of a method no better than cmp's (qat < ptq < ptq_naive in loss); of
             * cmp's kind, or of any kind when cmp is dense. hi: pieces of a method no worse,
             * of cmp's kind, and the dense parts of the others, which the unstructured family
             * holds (dense points belong to every non-nm family) and which matter only for an
             * nm cmp. */
            int use_lo = m >= (int)cmp->quant && (dense || (net_prune_kind)k == qk);
            int m_hi = m <= (int)cmp->quant;
            acc_bnd *h = NULL;
            if (m_hi && !dense && (net_prune_kind)k == qk)
                h = &b_hi;
            else if (m_hi && k == NET_PRUNE_UNSTRUCTURED && (dense || qk == NET_PRUNE_NM))
                h = dense ? &b_hi : &b_dense;
            if (use_lo || h)
                acc_bound_family(S, (net_prune_kind)k, (net_quant)m, use_lo ? &b_lo : NULL, h);
        }
    }
    *lo = b_lo.v;
    *hi = fmin(b_hi.v, b_dense.v);
}

double net_accuracy(const net_network *net, const sw_compression *cmp, net_acc_src *src)
{
    assert(net != NULL && cmp != NULL && src != NULL);
    const size_t n = net->n_acc_points;
    acc_pt cache[ACC_PT_CACHE];
    acc_set S = {net, NULL};
    if (n > 0 && n <= ACC_PT_CACHE) {
        for (size_t i = 0; i < n; i++)
            cache[i] = acc_pt_of(&net->acc_points[i]);
        S.pt = cache;
    }
    double v;
    if (n == 0 || !acc_from_points(&S, cmp, &v, src)) {
        const net_acc_params par = net->acc.set ? net->acc : net_acc_defaults(net);
        *src = NET_ACC_ESTIMATED;
        v = acc_proxy(net, &par, cmp);
    }
    if (n == 0 || *src == NET_ACC_MEASURED)
        return v;
    double lo, hi;
    acc_bounds(&S, cmp, &lo, &hi);
    return fmin(fmax(v, lo), hi);
}

double net_accuracy_noisy(const net_network *net, const sw_compression *cmp,
                          const double *extra_noise, net_acc_src *src)
{
    assert(net != NULL && cmp != NULL && src != NULL);
    const double v = net_accuracy(net, cmp, src);
    if (extra_noise == NULL || !(net->top1 > 0.0))
        return v;
    int any = 0;
    for (size_t i = 0; i < net->n_layers; i++)
        any |= extra_noise[i] > 0.0;
    if (!any)
        return v; /* no extra noise: net_accuracy's value, bit for bit */
    /* The proxy's extra loss at this setting, through the same saturation: for an estimate
     * this is the proxy with the noise in z_l; a measured or interpolated value is scaled down
     * by the same factor (the points were measured without this hardware's noise). */
    const net_acc_params par = net->acc.set ? net->acc : net_acc_defaults(net);
    const double dl = acc_loss(net, &par, cmp, extra_noise) - acc_loss(net, &par, cmp, NULL);
    *src = NET_ACC_ESTIMATED;
    return v * exp(-fmax(0.0, dl) / net->top1);
}

void net_accuracy_band(const net_network *net, double acc, double *lo, double *hi)
{
    assert(net != NULL && lo != NULL && hi != NULL);
    const double t = net->top1;
    if (!(t > 0.0) || !(acc > 0.0)) {
        *lo = *hi = acc;
        return;
    }
    /* The loss the value stands for, through the proxy's saturation (0 at or above top1). */
    const double loss = acc < t ? t * log(t / acc) : 0.0;
    const double loss_lo = ACC_BAND_K * loss + fmin(loss, ACC_BAND_D);
    const double loss_hi = fmax(0.0, loss / ACC_BAND_K - ACC_BAND_D);
    *lo = fmin(acc, t * exp(-loss_lo / t));
    *hi = fmax(acc, t * exp(-loss_hi / t));
}

/* ---- calibration ---- */

#define ACC_FIT_MAX 6        /* fitted: q_scale, p_scale, ptq_scale, dw_factor, naive, floor */
#define ACC_FIT_ITERS 4000   /* Nelder–Mead iterations per start */
#define ACC_FIT_RESTARTS 12  /* restarts from the best vertex */
#define ACC_FIT_THETA_MAX 40 /* |log-parameter| bound, keeps exp() finite */

typedef struct acc_fit {
    const net_network *net; /* the network and its points */
    net_acc_params base;    /* the starting parameters; the unfitted ones stay */
    int which[ACC_FIT_MAX]; /* fitted parameters: 0 q, 1 p, 2 ptq, 3 dw, 4 naive, 5 floor */
    int n;                  /* number of fitted parameters */
} acc_fit;

/* Parameters from log-coordinates: q, p, floor = e^θ; ptq, dw, naive = 1 + e^θ (>= 1). */
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
        case 3:
            p.dw_factor = 1.0 + v;
            break;
        case 4:
            p.naive_scale = 1.0 + v;
            break;
        default:
            p.floor_8bit = v;
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
    case 3:
        return log(fmax(p->dw_factor - 1.0, 1e-6));
    case 4:
        return log(fmax(p->naive_scale - 1.0, 1e-6));
    default:
        return log(fmax(p->floor_8bit, 1e-6));
    }
}

/* Sum of squared top-1 errors (points²) of the proxy with par at net's points. */
static double acc_sse(const net_network *net, const net_acc_params *par)
{
    double sse = 0.0;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *pt = &net->acc_points[i];
        sw_compression c = net_acc_point_setting(pt);
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
        if (net_layer_does_macs(&net->layers[i]) && acc_is_depthwise(&net->layers[i]))
            return 1;
    return 0;
}

sw_compression net_acc_point_setting(const net_acc_point *pt)
{
    sw_compression c = net_compression_default();
    c.prune = pt->prune;
    c.prune_kind = pt->prune_kind;
    c.wbits = pt->wbits;
    c.abits = pt->abits;
    c.quant = pt->method;
    return c;
}

double net_acc_point_estimate(const net_network *net, const net_acc_params *p, size_t i)
{
    assert(net != NULL && p != NULL && i < net->n_acc_points);
    const net_acc_point *pt = &net->acc_points[i];
    net_network probe = *net; /* shallow: the estimate reads the layers, not the points */
    probe.n_acc_points = 0;
    probe.acc = *p;
    probe.acc.set = 1;
    sw_compression c = net_acc_point_setting(pt);
    net_acc_src src;
    return net_accuracy(&probe, &c, &src);
}

double net_acc_rms(const net_network *net, const net_acc_params *p)
{
    assert(net != NULL && p != NULL && net->n_acc_points > 0);
    double sse = 0.0;
    for (size_t i = 0; i < net->n_acc_points; i++) {
        double d = net_acc_point_estimate(net, p, i) - net->acc_points[i].top1;
        sse += d * d;
    }
    return sqrt(sse / (double)net->n_acc_points);
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

    /* Which parameters the points constrain: a point below 8 bits for q_scale (at 8 bits and
     * above the floor dominates the noise term),
     * a pruned one for p_scale, quantized points of qat and ptq for ptq_scale, depthwise layers
     * and two distinct quantized settings for dw_factor, quantized points of ptq_naive and of
     * another method for naive_scale, an integer point of 8 bits or more on both operands for
     * floor_8bit; never more parameters than points, in that order. */
    int narrow = 0, pruned = 0, q_qat = 0, q_ptq = 0, q_naive = 0, settings = 0, wide = 0;
    for (size_t i = 0; i < np; i++) {
        const net_acc_point *p = &net->acc_points[i];
        int qz = p->wbits < ACC_FLOAT_BITS || p->abits < ACC_FLOAT_BITS;
        narrow |= p->wbits < ACC_FLOOR_BITS || p->abits < ACC_FLOOR_BITS;
        q_qat |= qz && p->method == NET_QUANT_QAT;
        q_ptq |= qz && p->method == NET_QUANT_PTQ;
        q_naive |= qz && p->method == NET_QUANT_PTQ_NAIVE;
        wide |= qz && p->wbits >= ACC_FLOOR_BITS && p->abits >= ACC_FLOOR_BITS;
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
    const int wanted[ACC_FIT_MAX] = {narrow,
                                     pruned,
                                     q_qat && q_ptq,
                                     acc_has_depthwise(net) && settings >= 2,
                                     q_naive && (q_qat || q_ptq),
                                     wide};
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
