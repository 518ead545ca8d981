/*
 * systolic.c — a TPU-like systolic array: rows × cols MAC PEs fed from one global buffer (GLB)
 * that is backed by DRAM. The compute-cycle model is SCALE-Sim v2's [1][2], so that a user can
 * compare layer by layer; energy follows Accelergy-style action counts × per-action energies from
 * tech.c [3]; precision and sparsity options follow Bit Fusion [4], Stripes [5], Eyeriss'
 * zero gating [6] and Cambricon-X / Sparse-TPU style zero skipping [7].
 *
 * NON-MAC LAYERS (pooling, add, activation, softmax, norm; nets/net.h) are free here: zero MACs,
 * cycles, traffic and energy. A TPU-like chip applies them in a fixed-function unit on the
 * array's output path as the data streams by (TPU v1's activation and pooling units [8]), so
 * their time hides under the MAC layers'; their DRAM traffic is left out with the rest of the
 * inter-layer data flow below.
 *
 * GEMM VIEW (net_layer_gemm): per group and repetition, M = N·P·Q output pixels, F = K/G filters,
 * W = (C/G)·R·S window; reps = G·count independent GEMMs, run one after another.
 *
 * COMPUTE CYCLES (SCALE-Sim v2, scalesim/compute/systolic_compute_{ws,os,is}.py). A dataflow maps
 * the GEMM to (Sr spatial on rows, Sc spatial on columns, T temporal):
 *     os: Sr = M, Sc = F, T = W      ws: Sr = W, Sc = F, T = M      is: Sr = W, Sc = M, T = F
 *   folds = ceil(Sr/rows) · ceil(Sc/cols); every fold costs the full-array figure (SCALE-Sim pads a
 *   partial fold with null requests, so partial folds are not shorter):
 *     ws, is: 2·rows + cols + T − 2 cycles per fold (load the stationary operand: rows; stream: T;
 *             skew in and drain: rows + cols − 2)
 *     os:       rows + cols + T − 2 cycles per fold (no preload; skew in and drain only)
 *   These are the lengths of SCALE-Sim v2's per-fold demand matrices (ws ifmap: rows prefix +
 *   T + cols−1 suffix, then skewed by rows−1; os ifmap: T + cols−1, skewed by rows−1; is filter:
 *   rows + T + cols−1, skewed by rows−1). Folds do not overlap. Note the ISPASS 2020 paper's closed
 *   form 2·Sr + Sc + T − 2 [1] is for one fold; for os the v2 code has no preload term, which we
 *   follow. SCALE-Sim reports total_cycles = (demand lines − 1) + memory stall cycles; our
 *   compute_cycles are the demand lines (one more, no stalls), and stalls appear here as
 *   memory_cycles > compute_cycles instead.
 *   compute_cycles = reps · folds · cycles_per_fold · passes.
 *
 * WEIGHT DOUBLE-BUFFERING (weight_db = 1, ws only; TPU v1 shifts the next 256×256 weight tile in
 *   while the current one computes, which hides the 256 cycles of the shift [8]): a fold costs
 *   max(stream, preload) instead of their sum, stream = T + rows + cols − 2 (the inputs and their
 *   skew and drain), preload = rows, plus one exposed preload per GEMM:
 *       cycles per GEMM = rows + folds · max(T + rows + cols − 2, rows).
 *   weight_db = 0 (the default) is SCALE-Sim's sum, bit for bit. (The stationary inputs of is
 *   could be double-buffered the same way; not offered.)
 *
 * PRECISION (operand widths wbits, abits; mac_bits is the width the PE handles natively):
 *   fixed:     passes = ceil(wbits/mac_bits) · ceil(abits/mac_bits): wider operands are bit-sliced
 *              into passes; narrower ones only save energy.
 *   bitfusion: fusible PEs after Bit Fusion [4]: a PE of mac_bits built from 2-bit bricks runs
 *              (mac_bits/wb')·(mac_bits/ab') products per cycle, wb', ab' the widths rounded up to
 *              a power of two ≥ 2 (a brick); wider than mac_bits costs proportionally more. The
 *              extra products are reductions, so the window shrinks: W' = ceil(W · wb'·ab'/mac²);
 *              fill and drain do not shrink.
 *   bitserial: Stripes-like [5]: weights mac_bits wide in parallel, activations one bit per
 *              cycle: passes = abits · ceil(wbits/mac_bits); peak throughput is 1/mac_bits of a
 *              fixed PE's (an 8-bit activation takes mac_bits=8 cycles), and a PE is mac_bits×1
 *              bits² of area.
 *   MAC energy follows the operand widths in every mode, with the accumulate no wider than
 *   acc_bits: hw_tech_mac_pj(wbits, abits, numfmt, acc_bits).
 *
 * SPARSITY (d = layer->density, the nonzero fraction of the weights; act×act layers are dense):
 *   none: zeros are multiplied at full energy.
 *   gate: a zero-weight MAC is clock/data gated and costs gate_frac of a MAC (default 0.1: the
 *         zero detect and the clocked control that remain; an assumption — Eyeriss reports 45 %
 *         PE power saved by gating on zero activations [6]). Same cycles as dense.
 *   skip: zero weights are skipped: the window shrinks to the nonzeros. Columns work in lock
 *         step, so a fold waits for its densest filter: with n = min(F, cols) filters side by side
 *         and Binomial(W, d) nonzeros each, W_nz = min(W, ceil(W·d + σ·sqrt(2 ln n))),
 *         σ = sqrt(W·d·(1−d)) (expected maximum of n Gaussians). 2:4 structured sparsity
 *         (layer->nm_structured) has no imbalance: W_nz = ceil(W·d). Weights are stored in the
 *         smaller of dense (wbits per position) and compressed form (wbits·d + meta_bits per
 *         dense position, the metadata e.g. a bitmask), in SRAM and DRAM alike. The same
 *         compaction is applied in every dataflow, and it is an idealization in all of them:
 *         the filters side by side keep different nonzeros, so each PE must select its own
 *         input (Cambricon-X's indexing module [7]); that selection logic is not costed.
 *
 * SRAM TRAFFIC (buffers ↔ array, per GEMM; fr = ceil(Sr/rows), fc = ceil(Sc/cols) of the
 *   mapping):
 *   ws: inputs M·W_nz·fc (re-streamed per column fold), weights once, outputs once at abits,
 *       and partial sums written and read back once per window fold after the first:
 *       P = M·F·(fr − 1)·2·acc_bits. The last read-back is the final accumulate.
 *   os: inputs M·W_nz·fc, weights W·F·fr (re-streamed per row fold), outputs once; no P (the
 *       sums stay in the PEs).
 *   is: inputs once, weights W·F·fc, outputs once, plus P as in ws.
 *   The two buffers are memory levels of the component library (memory.c): the GLB of
 *   glb_kb in banks of at most sram_bank_kb behind an H-tree; the accumulators (acc_kb > 0), a
 *   separate array of acc_bits words beside the array's outputs, as TPU v1's 4 MiB of 32-bit
 *   accumulators (4096 × 256 words) beside its 24 MiB unified buffer [8], in one bank under each
 *   array column (that column's sums only, so no H-tree). Operand reads are priced at the GLB's
 *   read energy, outputs at its write energy; a partial sum is one write and one read back at
 *   acc_bits.
 *   Where psums go: to the GLB when there are no accumulators (acc_kb = 0, the default, kept by
 *   the edge-systolic preset, CONTRACT.md's example design; tpu-v1 sets 4096 [8]); else to the
 *   accumulators. A column fold keeps L = min(Sc, cols)·T·acc_bits of sums live across its window
 *   folds (ws: cols filters × M pixels; is: cols pixels × F filters). If L fits acc_kb, every
 *   psum goes there. If not, the cheaper in energy of: (spill) the share acc_kb·8192/L of the
 *   psums stays there and the rest goes to the GLB; (cut T) T is processed in ceil(L/acc_kb)
 *   passes whose sums fit, each reading the stationary operand (ws: weights, is: inputs) from
 *   the GLB again — TPU v1's compiler works in such passes of up to 2048 pixels [8]. The passes
 *   do not change the cycle count here (SCALE-Sim's folds are kept). A window of one fold
 *   (fr = 1) has no P: its outputs go from the array to the GLB at abits.
 *   sram_bytes counts both arrays. sram_pj = Σ bytes · energy per byte of the level and
 *   direction (energy is linear in the word width, so a byte costs 8/word_bits of a word).
 *   With acc_kb ≤ glb_kb and a per-column accumulator bank no bigger than a GLB bank, the
 *   accumulators never raise sram_pj (spilling moves bytes to a cheaper array; cutting T is
 *   kept only when cheaper still). But sram_pj is not monotone in acc_kb: a bigger array costs
 *   more per access (and area, and so leakage).
 *
 * DRAM TRAFFIC (per GEMM; weights Wb, inputs Ib (the layer's input map per group, not im2col),
 *   outputs Ob, bytes): the cheapest plan of memory.c's blocked-loop search through the GLB
 *   (everything once if it fits; else filter tiles outer with inputs re-read per tile, or pixel
 *   tiles outer with weights re-read per tile, the tile the largest that fits the buffer beside
 *   double-buffered partners; the window is never split, so partial sums never reach DRAM).
 *   memory_cycles = ceil(dram_bytes / (dram_gbps·1e9 / (freq_mhz·1e6))).
 *
 * ACTIVATION RESIDENCY (act_resident = 1, the default): a layer declares its activation sizes
 *   and the room its plan leaves, free = GLB − min(all its weights, GLB/2) (the weights keep
 *   either all of themselves or half the buffer for double-buffered tiles); the generic driver
 *   (hw_residency_plan) keeps the tensor between two consecutive layers on chip when both can
 *   hold their whole input and output in their room, in + out ≤ free. A layer with a resident
 *   input or output then moves each remaining tensor once (the activations sit in their room,
 *   weights stream past them through the reserve) and a resident one not at all; a layer with
 *   neither uses the tile plan above. So residency never raises a layer's DRAM traffic. The
 *   first layer reads its input from DRAM and the last writes its output there. act_resident = 0
 *   is layer by layer: every input read from DRAM and every output written back.
 *
 * BUFFER BANDWIDTH (glb_bytes_per_cycle; 0, the default, is unlimited): the GLB's reads and
 *   writes (operands, outputs, the partial sums it holds; not the accumulator SRAM's, which has
 *   its own ports) take buffer_cycles = ceil(GLB bytes / glb_bytes_per_cycle).
 *   cycles = max(compute_cycles, memory_cycles, buffer_cycles) (transfers overlap compute).
 *
 * ENERGY (pJ): mac_pj (above) + noc_pj + sram_pj + dram_pj + static_pj + clock_pj: dynamic
 *   energy plus (leakage + clock) power × time.
 *   noc_pj: each processed MAC moves its two moving operands one register hop (rf_pj_per_bit per
 *     bit); the stationary operand is written once: ws: activations (abits) + psums (acc_bits)
 *     per MAC, weights loaded once; os: activations + weights per MAC, outputs drained once at
 *     acc_bits; is: weights + psums per MAC, inputs loaded once.
 *   dram_pj = dram_bytes·8·E_dram(pJ/bit); static_pj = (leak_mw_per_mm2 · PE area + the
 *   buffers' leakage, sram_leak_mw_per_kb per KB) · latency.
 *   clock_pj = clk_pj_per_reg_bit · register bits per PE · rows·cols · cycles: the clock tree
 *     and always-on power of the array, paid busy or idle (calibrated in tech.c on TPU v1's
 *     28 W idle [8]).
 *
 * AREA: rows·cols·(mac_area_um2_per_bit2·mac_bits² (bitserial: mac_bits·1)
 *   + pe_reg_area_um2_per_bit·register bits) + the buffers' area, (glb_kb + acc_kb) ·
 *   sram_area_mm2_per_kb (memory.c); register bits = two operands at mac_bits (bitserial:
 *   mac_bits + 1) + acc_bits + mac_bits more with weight_db in ws (the second weight register).
 *   Both PE constants are fitted in tech.c to TPU v1's PE [8] and Aladdin's 16-bit PE (Shao et
 *   al., ISCA 2014).
 * PEAK: 2·rows·cols·freq_mhz/1e6 TOPS at mac_bits (bitserial: divided by mac_bits).
 *
 * LEFT OUT: SRAM bank conflicts, the GLB writes of DRAM fills and reads of write-backs (only
 * array-side traffic is priced), DRAM latency and row-buffer effects, branches in residency (the
 * network is taken as a chain: a shortcut's input is assumed on chip if the previous layer's
 * output is), read-modify-write ports of the accumulators, a pass of every output through the
 * accumulators (TPU v1 does it even for single-fold windows), partial sums in the DRAM tile plan
 * (with acc_kb = 0 they live in the global buffer without reducing its capacity for the tiles,
 * and never spill to DRAM), the cycles of cutting T into accumulator passes, the index /
 * selection logic that zero skipping needs to route each nonzero weight's input to its PE (no
 * energy or area is charged for it: skip is an upper bound on its savings), pooling / activation
 * / normalization units, control and host I/O power, im2col address generation. Capacities in KB
 * are KiB (1024 bytes). Valid for dense and pruned conv, fc and matmul layers; sparsity is
 * modelled on weights only.
 *
 * References
 *   [1] A. Samajdar et al., "A systematic methodology for characterizing scalability of DNN
 *       accelerators using SCALE-Sim", ISPASS 2020.
 *   [2] scalesim-project/scale-sim-v2, scalesim/compute/systolic_compute_{os,ws,is}.py and
 *       scalesim/memory/double_buffered_scratchpad_mem.py.
 *   [3] Y. N. Wu, J. Emer, V. Sze, "Accelergy: an architecture-level energy estimation
 *       methodology for accelerator designs", ICCAD 2019.
 *   [4] H. Sharma et al., "Bit Fusion: bit-level dynamically composable architecture for
 *       accelerating deep neural networks", ISCA 2018.
 *   [5] P. Judd et al., "Stripes: bit-serial deep neural network computing", MICRO 2016.
 *   [6] Y.-H. Chen et al., "Eyeriss: an energy-efficient reconfigurable accelerator for deep
 *       convolutional neural networks", JSSC 2017.
 *   [7] S. Zhang et al., "Cambricon-X: an accelerator for sparse neural networks", MICRO 2016.
 *   [8] N. P. Jouppi et al., "In-datacenter performance analysis of a tensor processing unit",
 *       ISCA 2017 (the tpu-v1 preset).
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"
#include "memory.h"

typedef enum systolic_dataflow { SYS_WS = 0, SYS_OS, SYS_IS } systolic_dataflow;
typedef enum systolic_precision { SYS_FIXED = 0, SYS_BITFUSION, SYS_BITSERIAL } systolic_precision;
typedef enum systolic_sparsity { SYS_SP_NONE = 0, SYS_SP_GATE, SYS_SP_SKIP } systolic_sparsity;

static const char *const systolic_dataflow_names[] = {"ws", "os", "is", NULL};
static const char *const systolic_precision_names[] = {"fixed", "bitfusion", "bitserial", NULL};
static const char *const systolic_sparsity_names[] = {"none", "gate", "skip", NULL};

typedef struct systolic_params {
    uint32_t rows;      /* PE rows (PEs) */
    uint32_t cols;      /* PE columns (PEs) */
    int dataflow;       /* systolic_dataflow index */
    uint32_t mac_bits;  /* operand width a PE handles natively (bits) */
    int precision;      /* systolic_precision index */
    int sparsity;       /* systolic_sparsity index */
    uint32_t glb_kb;    /* global buffer capacity (KB) */
    int dram;           /* hw_dram_kind index */
    double dram_gbps;   /* DRAM bandwidth (GB/s, 1e9 bytes per second) */
    double freq_mhz;    /* clock (MHz) */
    uint32_t tech_nm;   /* technology node (nm) */
    uint32_t acc_bits;  /* partial-sum / accumulator width (bits) */
    uint32_t acc_kb;    /* accumulator SRAM for partial sums (KB; 0: none, psums in the GLB) */
    double gate_frac;   /* energy of a gated zero MAC relative to a MAC (fraction) */
    uint32_t weight_db; /* ws: the next fold's weights load during this one (flag) */
    uint32_t glb_bytes_per_cycle; /* global-buffer bandwidth (bytes/cycle; 0: unlimited) */
    uint32_t act_resident;        /* activations stay on chip between layers if they fit (flag) */
} systolic_params;

_Static_assert(sizeof(systolic_params) <= HW_PARAMS_MAX_BYTES, "params exceed hw_config");

#define SYS_P(name, unit, type, def, lo, hi, choices, help)                                        \
    {                                                                                              \
#name, unit, type, def, lo, hi, choices, offsetof(systolic_params, name), help, NULL, 0    \
    }

static const pt_param systolic_params_table[] = {
    SYS_P(rows, "PEs", PT_INT, 32, 1, 4096, NULL, "PE rows of the array"),
    SYS_P(cols, "PEs", PT_INT, 32, 1, 4096, NULL, "PE columns of the array"),
    SYS_P(dataflow, "", PT_ENUM, SYS_WS, 0, 0, systolic_dataflow_names,
          "stationary operand: ws weight, os output, is input"),
    SYS_P(mac_bits, "bits", PT_INT, 8, 1, 32, NULL, "operand width a PE handles natively"),
    SYS_P(precision, "", PT_ENUM, SYS_FIXED, 0, 0, systolic_precision_names,
          "fixed (passes), bitfusion (fusible), bitserial (activation bits serial)"),
    SYS_P(sparsity, "", PT_ENUM, SYS_SP_NONE, 0, 0, systolic_sparsity_names,
          "zero weights: none, gate (energy), skip (energy and cycles)"),
    SYS_P(glb_kb, "KB", PT_INT, 512, 1, 1048576, NULL, "global buffer capacity"),
    SYS_P(dram, "", PT_ENUM, HW_DRAM_LPDDR4, 0, 0, hw_dram_names, "DRAM kind"),
    /* Ranges keep units checkable: a value off by a unit (MB/s for GB/s, kHz for MHz) falls
     * outside. One HBM3 stack gives ~0.8-1.2 TB/s and the largest GPUs carry 8 (8 TB/s), so a
     * single accelerator's DRAM bus above 10 000 GB/s is not real; 0.01 GB/s (10 MB/s) is a
     * microcontroller's serial flash. Clocks: no accelerator runs below 1 MHz or above 5 GHz. */
    SYS_P(dram_gbps, "GB/s", PT_REAL, 25.6, 0.01, 10000.0, NULL, "DRAM bandwidth (bytes)"),
    SYS_P(freq_mhz, "MHz", PT_REAL, 800.0, 1.0, 5000.0, NULL, "clock frequency"),
    {"tech_nm", "nm", PT_INT, 28, 7, 65, NULL, offsetof(systolic_params, tech_nm),
     "technology node: 65 45 32 28 22 16 14 7", hw_tech_node_in_set, 0},
    SYS_P(acc_bits, "bits", PT_INT, 32, 1, 64, NULL, "accumulator / partial-sum width"),
    SYS_P(acc_kb, "KB", PT_INT, 0, 0, 1048576, NULL,
          "accumulator SRAM for partial sums (0: none, psums go to the global buffer)"),
    SYS_P(gate_frac, "", PT_REAL, 0.1, 0.0, 1.0, NULL,
          "energy of a gated zero MAC as a fraction of a MAC"),
    SYS_P(weight_db, "", PT_INT, 0, 0, 1, NULL,
          "ws: double-buffered weights, a fold's preload hides under the previous stream "
          "(0: SCALE-Sim's sum)"),
    /* Up to 1 MB per cycle: 64 banks of 16 KB-wide ports would be far beyond any chip. */
    SYS_P(glb_bytes_per_cycle, "B/cycle", PT_INT, 0, 0, 1048576, NULL,
          "global-buffer bandwidth, reads and writes together (0: unlimited)"),
    SYS_P(act_resident, "", PT_INT, 1, 0, 1, NULL,
          "activations stay in the global buffer between layers when they fit (0: via DRAM)"),
};

/* Energy components, in the order energy_pj adds them (the order of the five fields they
 * replaced, so that sums keep their bits; clock added after them). */
enum {
    SYS_C_MAC = 0,
    SYS_C_NOC,
    SYS_C_SRAM,
    SYS_C_DRAM,
    SYS_C_STATIC,
    SYS_C_CLOCK,
    SYS_N_COMPONENTS
};
static const hw_component systolic_components[SYS_N_COMPONENTS] = {
    [SYS_C_MAC] = {"mac", "multiply-accumulates in the PEs"},
    [SYS_C_NOC] = {"noc", "operand forwarding between PEs (register hop per bit)"},
    [SYS_C_SRAM] = {"sram", "global buffer and accumulator reads and writes"},
    [SYS_C_DRAM] = {"dram", "off-chip traffic"},
    [SYS_C_STATIC] = {"static", "leakage power over the layer's time"},
    [SYS_C_CLOCK] = {"clock", "clock tree and always-on power over the layer's time"},
};

static const systolic_params *sys_params(const hw_config *cfg)
{
    return (const systolic_params *)(const void *)cfg->params;
}

static uint64_t ceil_div_u64(uint64_t a, uint64_t b)
{
    return b == 0 ? 0 : a / b + (a % b != 0);
}

/* ceil() of a nonnegative double into uint64_t, tolerant of rounding noise just above an integer.
 */
static uint64_t ceil_u64(double x)
{
    if (!(x > 0.0))
        return 0;
    if (x >= 1.8e19)
        return UINT64_MAX; /* defensive: out of range */
    /* x = i + frac with 0 <= frac < 1 (the truncation of a double is exact). Within rounding
     * noise above an integer (frac <= tol): that integer; otherwise the next one, which is also
     * the nearest integer when x is within noise below it. The same result as rounding to the
     * nearest integer, keeping it when within tol and taking ceil() otherwise (tol < 0.5), with
     * no library call: this runs several times per layer evaluation. */
    uint64_t i = (uint64_t)x;
    double frac = x - (double)i;
    return frac <= 1e-9 * (x > 1.0 ? x : 1.0) ? i : i + 1;
}

static uint32_t next_pow2_u32(uint32_t v)
{
    uint32_t p = 1;
    while (p < v && p < 0x80000000u)
        p <<= 1;
    return p;
}

/* Cycles of one GEMM mapped as (Sr, Sc, T) on a rows × cols array: SCALE-Sim v2's (weight_db
 * 0), or with double-buffered weights (ws, weight_db 1; see WEIGHT DOUBLE-BUFFERING). */
static uint64_t sys_gemm_cycles(int dataflow, int weight_db, uint64_t rows, uint64_t cols,
                                uint64_t sr, uint64_t sc, uint64_t t)
{
    if (sr == 0 || sc == 0 || t == 0)
        return 0;
    uint64_t folds = ceil_div_u64(sr, rows) * ceil_div_u64(sc, cols);
    if (dataflow == SYS_WS && weight_db) {
        uint64_t preload = rows, stream = t + rows + cols - 2;
        return preload + folds * (stream > preload ? stream : preload);
    }
    uint64_t per_fold = (dataflow == SYS_OS ? rows : 2 * rows) + cols + t - 2;
    return folds * per_fold;
}

/* The shape and per-operand widths that every part of the model below shares. */
typedef struct sys_layer {
    uint64_t m, f, win, reps; /* GEMM: output pixels, filters, window, repetitions (counts) */
    uint64_t win_nz;          /* window after zero skipping, incl. lock-step imbalance (count) */
    uint64_t win_map;         /* window as mapped (after bit-fusion packing) (count) */
    uint64_t passes;          /* precision passes over the array (count) */
    double slot_per_mac;      /* PE-cycles one MAC occupies at full rate (PE·cycles) */
    uint32_t bbits, abits;    /* operand B (weights) and activation widths (bits) */
    double density;           /* nonzero fraction of operand B (fraction) */
    double wstore_bits;       /* stored bits per dense position of operand B (bits) */
    uint64_t macs;            /* dense MACs (count) */
    uint64_t macs_nz;         /* MACs with a nonzero weight (count) */
} sys_layer;

/* The shape, widths, density and stored weight bits of a layer: what its tensors' sizes need
 * (sys_tensor_bytes); sys_layer_setup adds the cycle model's window and precision terms. */
static void sys_layer_shape(const systolic_params *sp, const net_layer *layer,
                            const sw_compression *cmp, sys_layer *L)
{
    net_gemm g;
    net_layer_gemm(layer, &g);
    memset(L, 0, sizeof *L);
    L->m = g.m;
    L->f = g.f;
    L->win = g.win;
    L->reps = g.reps;
    L->macs = g.reps * g.m * g.f * g.win;
    L->abits = cmp->abits;
    L->bbits = layer->b_is_weight ? cmp->wbits : cmp->abits;

    double d = layer->b_is_weight ? layer->density : 1.0;
    if (!(d >= 0.0))
        d = 1.0; /* defensive: NaN */
    if (d > 1.0)
        d = 1.0;
    L->density = d;
    double nz = (double)L->macs * d;
    L->macs_nz = (uint64_t)llround(nz);
    if (L->macs_nz > L->macs)
        L->macs_nz = L->macs;

    /* Stored bits of operand B per dense position. */
    L->wstore_bits = (double)L->bbits;
    double meta_bits = layer->meta_bits > 0.0 ? layer->meta_bits : 0.0;
    if (sp->sparsity == SYS_SP_SKIP && d < 1.0) {
        double compressed = (double)L->bbits * d + meta_bits;
        if (compressed < L->wstore_bits)
            L->wstore_bits = compressed;
    }
}

static void sys_layer_setup(const systolic_params *sp, const net_layer *layer,
                            const sw_compression *cmp, sys_layer *L)
{
    sys_layer_shape(sp, layer, cmp, L);
    const double d = L->density;

    /* Window after skipping zero weights. */
    L->win_nz = L->win;
    if (sp->sparsity == SYS_SP_SKIP && d < 1.0 && L->win > 0) {
        double w = (double)L->win;
        double mean = w * d;
        double need = mean;
        if (!layer->nm_structured) {
            uint64_t n_lock = L->f < sp->cols ? L->f : sp->cols;
            double sigma = sqrt(w * d * (1.0 - d));
            need += n_lock > 1 ? sigma * sqrt(2.0 * log((double)n_lock)) : 0.0;
        }
        uint64_t wn = ceil_u64(need);
        if (wn < 1)
            wn = 1;
        L->win_nz = wn < L->win ? wn : L->win;
    }

    /* Precision. */
    L->win_map = L->win_nz;
    L->passes = 1;
    L->slot_per_mac = 1.0;
    uint64_t mac = sp->mac_bits;
    switch (sp->precision) {
    case SYS_BITFUSION: {
        uint32_t brick = sp->mac_bits < 2 ? sp->mac_bits : 2;
        uint32_t wb = next_pow2_u32(L->bbits), ab = next_pow2_u32(L->abits);
        if (wb < brick)
            wb = brick;
        if (ab < brick)
            ab = brick;
        double scale = (double)wb * (double)ab / ((double)mac * (double)mac);
        L->win_map = ceil_u64((double)L->win_nz * scale);
        if (L->win_nz > 0 && L->win_map < 1)
            L->win_map = 1;
        L->slot_per_mac = scale;
        break;
    }
    case SYS_BITSERIAL:
        L->passes = (uint64_t)L->abits * ceil_div_u64(L->bbits, mac);
        L->slot_per_mac = (double)L->passes;
        break;
    default: /* SYS_FIXED */
        L->passes = ceil_div_u64(L->bbits, mac) * ceil_div_u64(L->abits, mac);
        L->slot_per_mac = (double)L->passes;
        break;
    }
}

/* (Sr, Sc, T) of the dataflow for a window of `win` (see the top comment). */
static void sys_map(int dataflow, const sys_layer *L, uint64_t win, uint64_t *sr, uint64_t *sc,
                    uint64_t *t)
{
    switch (dataflow) {
    case SYS_OS:
        *sr = L->m, *sc = L->f, *t = win;
        break;
    case SYS_IS:
        *sr = win, *sc = L->m, *t = L->f;
        break;
    default: /* SYS_WS */
        *sr = win, *sc = L->f, *t = L->m;
        break;
    }
}

/* ---- memory: the buffers as memory levels (memory.h), their traffic and energy */

/* The global buffer: glb_kb in banks of at most sram_bank_kb behind one H-tree. Word width does
 * not change energy per byte (linear in the width); 64 bits is Horowitz's reference word. */
static void sys_glb_level(const hw_config *cfg, hw_mem_level *out)
{
    const systolic_params *sp = sys_params(cfg);
    hw_mem_level_init(out, &cfg->tech, (double)sp->glb_kb, 64, 0, 1, HW_MEM_HTREE);
}

/* The accumulators: acc_kb of acc_bits words, one bank under each array column (TPU v1's 4096
 * sums per column [8]), each bank written only by its column (no H-tree); no more banks than
 * words. */
static void sys_acc_level(const hw_config *cfg, hw_mem_level *out)
{
    const systolic_params *sp = sys_params(cfg);
    double words = (double)sp->acc_kb * 8192.0 / (double)(sp->acc_bits > 0 ? sp->acc_bits : 1);
    uint32_t banks = sp->cols > 0 ? sp->cols : 1;
    if ((double)banks > words)
        banks = words >= 1.0 ? (uint32_t)words : 1;
    hw_mem_level_init(out, &cfg->tech, (double)sp->acc_kb, sp->acc_bits > 0 ? sp->acc_bits : 1,
                      banks, 1, HW_MEM_LOCAL);
}

/* SRAM traffic of one GEMM (bits), by level and direction. */
typedef struct sys_sram_traffic {
    double glb_read;  /* operands read from the global buffer (bits) */
    double glb_write; /* outputs, and spilled partial sums, written to it (bits) */
    double acc_read;  /* partial sums read back from the accumulators (bits) */
    double acc_write; /* partial sums written to the accumulators (bits) */
} sys_sram_traffic;

/* Energy per bit of each level and direction (pJ/bit). */
typedef struct sys_sram_prices {
    double glb_read, glb_write, acc_read, acc_write; /* pJ per bit */
} sys_sram_prices;

/* What every layer evaluation of a design needs from its buffers, computed once per design
 * (systolic_derive, at the end of hw_config_prepare): a level's energies cost a pow, divisions
 * and square roots, which per layer would slow a sweep by a fifth. */
typedef struct sys_derived {
    int ready;              /* 1 once computed (0: a design that was not prepared) */
    sys_sram_prices prices; /* energy per bit of each buffer and direction (pJ/bit) */
    double sram_leak_mw;    /* leakage of both buffers (mW) */
} sys_derived;

_Static_assert(sizeof(sys_derived) <= HW_DERIVED_MAX_BYTES, "derived values exceed hw_config");

static void sys_derive_buffers(const hw_config *cfg, sys_derived *out)
{
    hw_mem_level glb, acc;
    sys_glb_level(cfg, &glb);
    sys_acc_level(cfg, &acc);
    /* Energy is linear in the word width: a bit costs 1/word_bits of a word. */
    out->ready = 1;
    out->prices.glb_read = glb.read_pj / (double)glb.word_bits;
    out->prices.glb_write = glb.write_pj / (double)glb.word_bits;
    out->prices.acc_read = acc.read_pj / (double)acc.word_bits;
    out->prices.acc_write = acc.write_pj / (double)acc.word_bits;
    out->sram_leak_mw = glb.leak_mw + acc.leak_mw;
}

static void systolic_derive(hw_config *cfg)
{
    sys_derived d;
    memset(&d, 0, sizeof d);
    sys_derive_buffers(cfg, &d);
    memcpy(cfg->derived, &d, sizeof d);
}

static double sys_sram_traffic_pj(const sys_sram_traffic *tr, const sys_sram_prices *pr)
{
    return tr->glb_read * pr->glb_read + tr->glb_write * pr->glb_write +
           tr->acc_read * pr->acc_read + tr->acc_write * pr->acc_write;
}

/* SRAM traffic and energy of one GEMM mapped as (sr, sc, tt) on the array, at the buffers'
 * prices pr (see SRAM TRAFFIC at the top): fills *tr and returns its energy (pJ). */
static double sys_sram_gemm(const hw_config *cfg, const sys_sram_prices *pr, const sys_layer *L,
                            uint64_t sc, uint64_t tt, uint64_t fr, uint64_t fc,
                            sys_sram_traffic *tr)
{
    const systolic_params *sp = sys_params(cfg);
    const double ab = L->abits, accb = sp->acc_bits;
    const double w_bits = (double)L->win * (double)L->f * L->wstore_bits;
    const double mo = (double)L->m * (double)L->f; /* outputs */
    const double in_stream = (double)L->m * (double)L->win_nz * ab;
    const double psum_folds = (double)(fr > 0 ? fr - 1 : 0); /* window folds after the first */
    double stationary = 0.0; /* bits of the stationary operand, read once per pass over T */
    memset(tr, 0, sizeof *tr);
    tr->glb_write = mo * ab;
    switch (sp->dataflow) {
    case SYS_OS:
        tr->glb_read = in_stream * (double)fc + w_bits * (double)fr;
        break;
    case SYS_IS:
        tr->glb_read = in_stream + w_bits * (double)fc;
        stationary = in_stream;
        break;
    default: /* SYS_WS */
        tr->glb_read = in_stream * (double)fc + w_bits;
        stationary = w_bits;
        break;
    }
    /* Partial sums: written and read back once per window fold after the first (os: none). */
    const double psum = sp->dataflow == SYS_OS ? 0.0 : mo * psum_folds * accb;
    if (psum > 0.0 && sp->acc_kb == 0) {
        tr->glb_read += psum;
        tr->glb_write += psum;
        return sys_sram_traffic_pj(tr, pr);
    }
    if (psum == 0.0)
        return sys_sram_traffic_pj(tr, pr);

    /* A column fold keeps live = min(Sc, cols)·T·acc_bits of sums across its window folds. */
    const double live = (double)(sc < sp->cols ? sc : sp->cols) * (double)tt * accb;
    const double cap = (double)sp->acc_kb * 8192.0;
    if (live <= cap) {
        tr->acc_read = tr->acc_write = psum;
        return sys_sram_traffic_pj(tr, pr);
    }
    /* Too many live sums: either the share that fits stays in the accumulators and the rest
     * spills to the GLB, or T is cut into ceil(live/cap) passes whose sums fit, each reading
     * the stationary operand again from the GLB. The cheaper in energy is kept. */
    sys_sram_traffic spill = *tr, tiled = *tr;
    const double fit = cap / live;
    spill.acc_read = spill.acc_write = psum * fit;
    spill.glb_read += psum * (1.0 - fit);
    spill.glb_write += psum * (1.0 - fit);
    tiled.acc_read = tiled.acc_write = psum;
    const double reread = stationary * (ceil(live / cap) - 1.0);
    tiled.glb_read += reread;
    double spill_pj = sys_sram_traffic_pj(&spill, pr);
    double tiled_pj = sys_sram_traffic_pj(&tiled, pr);
    /* Cutting T also never moves more bytes than the psums it keeps off the GLB (so sram_bytes
     * stays within the loader's bound, systolic_count_bounds). */
    int cut = tiled_pj < spill_pj && reread <= 2.0 * psum * (1.0 - fit);
    *tr = cut ? tiled : spill;
    return cut ? tiled_pj : spill_pj;
}

/* DRAM bytes of one GEMM: the cheapest blocked-loop plan through the GLB (memory.c). */
static uint64_t sys_dram_gemm_bytes(const sys_layer *L, uint64_t wb, uint64_t ib, uint64_t ob,
                                    uint64_t glb_bytes)
{
    hw_gemm_bytes g = {.m = L->m, .f = L->f, .w_bytes = wb, .in_bytes = ib, .out_bytes = ob};
    hw_dram_plan plan;
    hw_dram_plan_gemm(&plan, &g, glb_bytes);
    return plan.bytes;
}

/* Area of the buffers (mm²). */
static double sys_sram_area_mm2(const hw_config *cfg)
{
    hw_mem_level glb, acc;
    sys_glb_level(cfg, &glb);
    sys_acc_level(cfg, &acc);
    return glb.area_mm2 + acc.area_mm2;
}

static double bits_to_bytes(double bits)
{
    return bits / 8.0;
}

/* ACTIVATION RESIDENCY. The bytes of one GEMM's operands as stored (weights at their stored
 * width, activations at abits), which both the DRAM plan and the residency declaration use. */
typedef struct sys_tensors {
    uint64_t wb, ib, ob; /* weights (operand B), inputs, outputs of one GEMM (bytes) */
    uint64_t glb_bytes;  /* global-buffer capacity (bytes) */
} sys_tensors;

static void sys_tensor_bytes(const systolic_params *sp, const net_layer *layer, const sys_layer *L,
                             sys_tensors *tb)
{
    uint64_t in_elems = ceil_div_u64(net_layer_inputs(layer), L->reps);
    tb->wb = ceil_u64(bits_to_bytes((double)L->win * (double)L->f * L->wstore_bits));
    tb->ib = ceil_u64(bits_to_bytes((double)in_elems * (double)L->abits));
    tb->ob = ceil_u64(bits_to_bytes((double)L->m * (double)L->f * (double)L->abits));
    tb->glb_bytes = (uint64_t)sp->glb_kb * 1024u;
}

/* The buffer a layer keeps for its own weight tiles: all its weights when they take at most half
 * the buffer, else half the buffer (the double-buffered tiles of the DRAM plan). The rest is
 * what it leaves for activations that stay on chip. */
static uint64_t sys_weight_reserve(const sys_tensors *tb, uint64_t reps)
{
    uint64_t w_all = tb->wb * reps, half = tb->glb_bytes / 2;
    return w_all < half ? w_all : half;
}

/* DRAM bytes of one GEMM given where its activations are. With neither on chip, the tile plan
 * over the whole buffer (layer by layer, as before residency). With either, the driver has
 * checked that the layer's input and output both fit beside its weight reserve
 * (hw_residency_plan), so the activations sit in that room and the weights stream past them in
 * tiles through the reserve: every tensor moves at most once, and a resident one not at all. */
static uint64_t sys_dram_resident(const sys_layer *L, const sys_tensors *tb,
                                  const hw_layer_ctx *ctx)
{
    if (!ctx->in_on_chip && !ctx->out_on_chip)
        return sys_dram_gemm_bytes(L, tb->wb, tb->ib, tb->ob, tb->glb_bytes);
    return tb->wb + (ctx->in_on_chip ? 0 : tb->ib) + (ctx->out_on_chip ? 0 : tb->ob);
}

/* BUFFER BANDWIDTH: the global buffer moves at most glb_bytes_per_cycle bytes per cycle, reads
 * and writes together (the accumulator SRAM has its own ports and is not counted). */
static uint64_t sys_buffer_cycles(const systolic_params *sp, uint64_t glb_access_bytes)
{
    if (sp->glb_bytes_per_cycle == 0)
        return 0; /* unlimited */
    return ceil_div_u64(glb_access_bytes, sp->glb_bytes_per_cycle);
}

/* PE AREA AND CLOCK. A PE is a multiplier of wbits·abits partial products plus registers: the
 * two operands at the widths it handles (bitserial: one activation bit), the partial sum at
 * acc_bits, and, with weight_db in ws, a second weight register. Area per bit² and per register
 * bit, and the clock energy per register bit per cycle, are tech.c's (fitted to TPU v1's PE and
 * Aladdin's, and calibrated on TPU v1's idle power). */
static double sys_pe_bits2(const systolic_params *sp)
{
    double mb = (double)sp->mac_bits;
    return sp->precision == SYS_BITSERIAL ? mb : mb * mb;
}

static double sys_pe_reg_bits(const systolic_params *sp)
{
    double mb = (double)sp->mac_bits;
    double act = sp->precision == SYS_BITSERIAL ? 1.0 : mb;
    double second_weight = sp->dataflow == SYS_WS && sp->weight_db ? mb : 0.0;
    return mb + act + (double)sp->acc_bits + second_weight;
}

static double sys_pe_area_mm2(const hw_config *cfg)
{
    const systolic_params *sp = sys_params(cfg);
    double pes = (double)sp->rows * (double)sp->cols;
    const hw_tech *t = &cfg->tech;
    double pe_um2 = t->mac_area_um2_per_bit2 * sys_pe_bits2(sp) +
                    t->pe_reg_area_um2_per_bit * sys_pe_reg_bits(sp);
    return pes * pe_um2 * 1e-6;
}

static double systolic_area_mm2(const hw_config *cfg)
{
    return sys_pe_area_mm2(cfg) + sys_sram_area_mm2(cfg);
}

/* Clock tree and always-on energy of the array over `cycles` (pJ): every register bit of every
 * PE is clocked whether it holds useful data or not (TPU v1 idles at 70 % of its busy power). */
static double sys_clock_pj(const systolic_params *sp, const hw_tech *t, uint64_t cycles)
{
    double pes = (double)sp->rows * (double)sp->cols;
    return t->clk_pj_per_reg_bit * sys_pe_reg_bits(sp) * pes * (double)cycles;
}

static double systolic_peak_tops(const hw_config *cfg)
{
    const systolic_params *sp = sys_params(cfg);
    double tops = 2.0 * (double)sp->rows * (double)sp->cols * sp->freq_mhz / 1e6;
    if (sp->precision == SYS_BITSERIAL && sp->mac_bits > 0)
        tops /= (double)sp->mac_bits;
    return tops;
}

static double systolic_freq_mhz(const hw_config *cfg)
{
    return sys_params(cfg)->freq_mhz;
}

static int systolic_check(const hw_config *cfg, char *msg, size_t msg_len)
{
    const systolic_params *sp = sys_params(cfg);
    if (sp->acc_bits < sp->mac_bits) {
        snprintf(msg, msg_len, "acc_bits = %u is narrower than mac_bits = %u", sp->acc_bits,
                 sp->mac_bits);
        return -1;
    }
    return 0;
}

/* What systolic_finish_layer needs of a layer beyond the cost prep filled (hw_layer_prep.data). */
typedef struct sys_prep {
    sys_layer L;    /* shape, widths, window and precision terms */
    sys_tensors tb; /* tensor sizes of one GEMM and the buffer capacity (bytes) */
} sys_prep;

_Static_assert(sizeof(sys_prep) <= HW_PREP_MAX_BYTES, "prepared values exceed hw_layer_prep");

/* The derived values of a prepared design, or computed into *local for one that was not. */
static const sys_derived *sys_derived_of(const hw_config *cfg, sys_derived *local)
{
    const sys_derived *dv = (const sys_derived *)(const void *)cfg->derived;
    if (dv->ready)
        return dv;
    sys_derive_buffers(cfg, local); /* defensive: a design that did not go through prepare */
    return local;
}

/* Everything of a layer's cost but what depends on residency: the shape, compute cycles,
 * utilization, SRAM traffic and energy, buffer cycles, MAC and NoC energy, and the activation
 * sizes and room for the residency plan (ACTIVATION RESIDENCY). */
static int systolic_prep_layer(const hw_config *cfg, const net_layer *layer,
                               const sw_compression *cmp, hw_layer_prep *prep)
{
    assert(cfg != NULL && layer != NULL && cmp != NULL && prep != NULL);
    const systolic_params *sp = sys_params(cfg);
    const hw_tech *t = &cfg->tech;
    hw_layer_cost *out = &prep->cost;
    sys_prep *pp = (sys_prep *)(void *)prep->data;
    memset(pp, 0, sizeof *pp);
    if (cmp->wbits < 1 || cmp->wbits > 32 || cmp->abits < 1 || cmp->abits > 32)
        return -1;
    if (sp->rows == 0 || sp->cols == 0 || sp->mac_bits == 0 || !(sp->freq_mhz > 0.0))
        return -1; /* defensive: hw_config_prepare rejects these */
    if (!net_layer_does_macs(layer))
        return 0; /* free (NON-MAC LAYERS): transparent to residency */

    sys_layer *L = &pp->L;
    sys_layer_setup(sp, layer, cmp, L);
    out->macs = L->macs;
    if (L->macs == 0)
        return 0;

    /* ---- activations, for the residency plan */
    sys_tensors *tb = &pp->tb;
    sys_tensor_bytes(sp, layer, L, tb);
    prep->space.in_bytes = tb->ib * L->reps;
    prep->space.out_bytes = tb->ob * L->reps;
    if (sp->act_resident)
        prep->space.free_bytes = tb->glb_bytes - sys_weight_reserve(tb, L->reps);

    const uint64_t rows = sp->rows, cols = sp->cols;
    const double pes = (double)rows * (double)cols;

    /* ---- compute cycles */
    uint64_t sr, sc, tt;
    sys_map(sp->dataflow, L, L->win_map, &sr, &sc, &tt);
    uint64_t per_gemm = sys_gemm_cycles(sp->dataflow, (int)sp->weight_db, rows, cols, sr, sc, tt);
    out->compute_cycles = L->reps * per_gemm * L->passes;
    uint64_t fr = ceil_div_u64(sr, rows), fc = ceil_div_u64(sc, cols);

    out->macs_done = sp->sparsity == SYS_SP_NONE ? L->macs : L->macs_nz;
    double useful_slots = (double)out->macs_done * L->slot_per_mac;
    if (sp->sparsity == SYS_SP_GATE)
        useful_slots = (double)L->macs * L->slot_per_mac; /* gated MACs still take their slot */
    double util = out->compute_cycles > 0 ? useful_slots / (pes * (double)out->compute_cycles) : 0;
    out->utilization = util > 1.0 ? 1.0 : (util < 0.0 ? 0.0 : util);

    /* ---- SRAM traffic and energy, buffer time */
    const double ab = L->abits, accb = sp->acc_bits;
    const double mo = (double)L->m * (double)L->f; /* outputs */
    sys_derived dv_local;
    const sys_derived *dv = sys_derived_of(cfg, &dv_local);
    sys_sram_traffic tr;
    const double sram_gemm_pj = sys_sram_gemm(cfg, &dv->prices, L, sc, tt, fr, fc, &tr);
    out->sram_bytes = ceil_u64(
        bits_to_bytes(tr.glb_read + tr.glb_write + tr.acc_read + tr.acc_write) * (double)L->reps);
    uint64_t glb_access_bytes =
        ceil_u64(bits_to_bytes(tr.glb_read + tr.glb_write) * (double)L->reps);
    out->buffer_cycles = sys_buffer_cycles(sp, glb_access_bytes);

    /* ---- energy that does not depend on time or DRAM */
    double mac_e = hw_tech_mac_pj(t, L->bbits, L->abits, cmp->numfmt, sp->acc_bits);
    switch (sp->sparsity) {
    case SYS_SP_GATE:
        out->comp_pj[SYS_C_MAC] =
            mac_e * ((double)L->macs_nz + sp->gate_frac * (double)(L->macs - L->macs_nz));
        break;
    case SYS_SP_SKIP:
        out->comp_pj[SYS_C_MAC] = mac_e * (double)L->macs_nz;
        break;
    default:
        out->comp_pj[SYS_C_MAC] = mac_e * (double)L->macs;
        break;
    }

    double moved = (double)(sp->sparsity == SYS_SP_SKIP ? L->macs_nz : L->macs);
    double stat_ws = (double)L->win_nz * (double)L->f * (double)L->bbits;
    double stat_os = mo * accb;
    double stat_is = (double)L->m * (double)L->win_nz * ab;
    double hop_bits;
    switch (sp->dataflow) {
    case SYS_OS:
        hop_bits = moved * (ab + (double)L->bbits) + stat_os * (double)L->reps;
        break;
    case SYS_IS:
        hop_bits = moved * ((double)L->bbits + accb) + stat_is * (double)L->reps;
        break;
    default:
        hop_bits = moved * (ab + accb) + stat_ws * (double)L->reps;
        break;
    }
    out->comp_pj[SYS_C_NOC] = hop_bits * t->rf_pj_per_bit;
    out->comp_pj[SYS_C_SRAM] = sram_gemm_pj * (double)L->reps;
    return 0;
}

/* The residency's share: DRAM traffic, the time it sets, and the energy of DRAM, leakage and
 * clock over that time. */
static void systolic_finish_layer(const hw_config *cfg, const hw_layer_prep *prep,
                                  const hw_layer_ctx *ctx, hw_layer_cost *out)
{
    assert(cfg != NULL && prep != NULL && ctx != NULL && out != NULL);
    const systolic_params *sp = sys_params(cfg);
    const hw_tech *t = &cfg->tech;
    const sys_prep *pp = (const sys_prep *)(const void *)prep->data;
    const sys_layer *L = &pp->L;
    *out = prep->cost;
    if (out->macs == 0)
        return; /* a free layer, or one without MACs */

    /* ---- DRAM traffic */
    out->dram_bytes = L->reps * sys_dram_resident(L, &pp->tb, ctx);
    double bytes_per_cycle = sp->dram_gbps * 1e9 / (sp->freq_mhz * 1e6);
    out->memory_cycles = bytes_per_cycle > 0.0 ? ceil_u64((double)out->dram_bytes / bytes_per_cycle)
                                               : 0; /* range keeps bandwidth > 0 */
    out->cycles =
        out->compute_cycles > out->memory_cycles ? out->compute_cycles : out->memory_cycles;
    if (out->buffer_cycles > out->cycles)
        out->cycles = out->buffer_cycles;
    out->latency_ms = (double)out->cycles / (sp->freq_mhz * 1e3);

    /* ---- energy over the layer's time */
    sys_derived dv_local;
    const sys_derived *dv = sys_derived_of(cfg, &dv_local);
    out->comp_pj[SYS_C_DRAM] =
        (double)out->dram_bytes * 8.0 * hw_tech_dram_pj_per_bit(t, (hw_dram_kind)sp->dram);
    double seconds = (double)out->cycles / (sp->freq_mhz * 1e6);
    /* mW · s = mJ = 1e9 pJ */
    out->comp_pj[SYS_C_STATIC] =
        (t->leak_mw_per_mm2 * sys_pe_area_mm2(cfg) + dv->sram_leak_mw) * seconds * 1e9;
    out->comp_pj[SYS_C_CLOCK] = sys_clock_pj(sp, t, out->cycles);
    hw_cost_sum(out, SYS_N_COMPONENTS);
}

/* ------------------------------------------------------------------ counts that must not wrap
 *
 * The model counts in uint64_t, and every factor of a layer is at most 2^24 with up to eight of
 * them, so a count derived from a layer could wrap 64 bits. The loader therefore asks, before
 * the model sees a layer, for the largest value each count could reach on ANY design of the
 * parameter ranges below (hw_template.count_bounds, in long double: exact to 2^64, and no wrap
 * beyond), and refuses a layer or network where one reaches 2^63. The largest multipliers this
 * model applies to a layer's counts:
 *   - operands of up to 32 bits (wbits, abits: systolic_prep_layer refuses wider), so 4 bytes
 *     per element;
 *   - precision: W' · passes <= (32 / mac_bits_min)^2 + 1 = 1025 times the window W
 *     (bit-serial and fixed passes, or bit-fusion's packed window, plus one for its ceil);
 *   - a fold costs up to 2·rows + cols <= 3 · 4096 cycles of fill and drain, so compute cycles
 *     <= 1025 · reps · (M·F·W + 12288 · max(W·F, F·M, W·M)) over the three dataflows;
 *   - SRAM: inputs and weights restreamed per fold (<= 32 bits · M·F·W each), and partial sums
 *     written and read per window fold: M·F·(1025·W)·2·acc_bits (acc_bits <= 64), twice that
 *     since cutting T into accumulator passes may re-read the stationary operand by as many
 *     bytes as the partial sums it keeps off the global buffer;
 *   - DRAM: memory.c's tiling never moves more than its finest plan, Wb + Ib + Ob + min(F·Ib,
 *     M·Wb); the bound is the larger of that and the bound of the two fixed plans of before
 *     (tiles of 256 bytes in a 1 KB buffer, one operand refetched per tile of the other:
 *     Wb + Ib + Ob + (Wb/256 + 1)·Ib + (Ib/256 + 1)·Wb), kept so that the limits did not move;
 *   - memory cycles: DRAM bytes · freq_mhz_max·1e6 / (dram_gbps_min·1e9) (500 per byte).
 * The ranges are read from the parameter table, so tightening or widening them moves these
 * bounds with them; a change to the model that multiplies a count by more must change this
 * function with it. The price of a bound that holds for every design: the DRAM refetch term is
 * quadratic in a layer's size, so the largest layers are refused although most designs would
 * count them exactly (GPT-3's 12288 × 12288 projections over 2048 tokens, 96 times, could take
 * 2.3e19 memory cycles through a 1 KB buffer at 10 MB/s and 5 GHz). BERT-large at 512 tokens,
 * and every zoo network at batch 1, are orders of magnitude inside. */

#define SYS_OPERAND_BITS_MAX 32.0L /* widest wbits / abits systolic_prep_layer accepts */

/* An end of a parameter's range in the table: its max (want_max) or its min. */
static long double systolic_range(const char *name, int want_max)
{
    const pt_param *p =
        pt_find(systolic_params_table,
                sizeof systolic_params_table / sizeof systolic_params_table[0], name);
    assert(p != NULL);
    return p == NULL ? 0.0L : want_max ? (long double)p->max : (long double)p->min;
}

static void systolic_count_bounds(const net_layer *l, long double out[HW_N_BOUNDS])
{
    /* What the model may multiply the layer's counts by, at the ends of the ranges. */
    const long double bytes_per_elem = SYS_OPERAND_BITS_MAX / 8.0L; /* widest operand (bytes) */
    const long double slice = ceill(SYS_OPERAND_BITS_MAX / systolic_range("mac_bits", 0));
    const long double slices = slice * slice + 1.0L; /* W'·passes / W, at most (count) */
    const long double fold_cycles =                  /* fill and drain of one fold (cycles) */
        2.0L * systolic_range("rows", 1) + systolic_range("cols", 1);
    const long double acc_bits = systolic_range("acc_bits", 1); /* widest partial sum (bits) */
    const long double tile_bytes =                              /* smallest DRAM tile (bytes) */
        systolic_range("glb_kb", 0) * 1024.0L / 4.0L;
    const long double cycles_per_byte = /* slowest DRAM per fastest clock (cycles/byte) */
        systolic_range("freq_mhz", 1) * 1e6L / (systolic_range("dram_gbps", 0) * 1e9L);

    long double n = l->n, k = l->k, c = l->c, g = l->groups, h = l->h, w = l->w, p = l->p, q = l->q,
                r = l->r, s = l->s, count = l->count;
    long double gm = n * p * q, gf = k / g, gw = (c / g) * r * s, reps = g * count; /* GEMM */
    long double inputs = n * c * h * w * count;
    long double wide = gw * gf > gf * gm ? gw * gf : gf * gm;
    if (gw * gm > wide)
        wide = gw * gm;
    out[HW_BOUND_COMPUTE_CYCLES] = slices * reps * (gm * gf * gw + fold_cycles * wide);
    long double wb = bytes_per_elem * gf * gw, ob = bytes_per_elem * gm * gf;
    long double ib = bytes_per_elem * ceill(inputs / reps);
    long double fixed_plans = (wb / tile_bytes + 1.0L) * ib + (ib / tile_bytes + 1.0L) * wb;
    long double finest = gf * ib < gm * wb ? gf * ib : gm * wb;
    out[HW_BOUND_DRAM_BYTES] =
        reps * (wb + ib + ob + (finest > fixed_plans ? finest : fixed_plans));
    long double bits = bytes_per_elem * 8.0L;
    out[HW_BOUND_SRAM_BYTES] =
        reps *
        (gm * gf * gw * (2.0L * bits + slices * 4.0L * acc_bits) + bits * (gm * gf + gw * gf)) /
        8.0L;
    out[HW_BOUND_MEMORY_CYCLES] = out[HW_BOUND_DRAM_BYTES] * cycles_per_byte;
}

const hw_template hw_systolic_template = {
    .name = "systolic",
    .summary = "TPU-like systolic array (SCALE-Sim v2 cycles), global buffer, DRAM",
    .params = systolic_params_table,
    .n_params = sizeof systolic_params_table / sizeof systolic_params_table[0],
    .params_size = sizeof(systolic_params),
    .components = systolic_components,
    .n_components = SYS_N_COMPONENTS,
    .check = systolic_check,
    .prep_layer = systolic_prep_layer,
    .finish_layer = systolic_finish_layer,
    .area_mm2 = systolic_area_mm2,
    .peak_tops = systolic_peak_tops,
    .freq_mhz = systolic_freq_mhz,
    .count_bounds = systolic_count_bounds,
    .derive = systolic_derive,
};
