/*
 * imc.c — analog in-memory compute (AIMC): `macros` SRAM macros of rows × cols compute cells
 * that hold the weights (stationary), take the input activations on their rows through DACs,
 * sum the cells' products on each column's bitline in the analog domain, and convert each
 * column's partial sum with an ADC shared by adc_share columns; a digital periphery combines the
 * conversions (shift-add over weight slices and input bit cycles, accumulation over row tiles),
 * applies the activation and requantizes. A global buffer (GLB) holds activations; DRAM holds
 * the network. Modelled after imec's AnIA (Papistas et al., "A 22 nm, 1540 TOP/s/W,
 * 12.1 TOP/s/mm² in-memory analog matrix-vector-multiplier for DNN acceleration", CICC 2021 [1])
 * with the cost model of ZigZag-IMC (Sun et al., KULeuven-MICAS/zigzag-imc, AimcArrayUnit [2]).
 *
 * GEMM VIEW (net_layer_gemm): M = N·P·Q output pixels, F = K/G filters, W = (C/G)·R·S window;
 *   reps = G·count independent GEMMs. Only integer layers run (an analog array multiplies
 *   integer codes): a layer whose numfmt is not int cannot run (prep_layer -1).
 *
 * MAPPING (im2col onto rows, output channels onto columns):
 *   a weight of wbits bits is bit-sliced over S = ceil(wbits / cell_bits) columns (a ternary
 *   weight, wbits 2, in one 2-bit cell: S = 1); the window W goes down the rows in
 *   rt = ceil(W / rows) row tiles; the F·S weight columns go across in ct = ceil(F·S / cols)
 *   column tiles. A GEMM is rt·ct tiles of at most rows × cols cells, T = reps·rt·ct in all,
 *   run on the macros in waves = ceil(T / macros) waves (no weight duplication across idle
 *   macros). Each wave streams the M input vectors through its macros; an input of abits bits
 *   takes in_cycles = ceil(abits / dac_bits) input cycles (dac_bits 1: bit-serial, no DAC).
 *   In each input cycle the macro's n_adc = ceil(cols / adc_share) ADCs convert the tile's
 *   c_used columns in steps = ceil(c_used / n_adc) conversions each (columns interleaved over
 *   the ADCs). One cycle is one ADC conversion:
 *     compute_cycles = waves·(M·in_cycles·steps + load),  load = min(W, rows) (the rows a
 *     tile fills) when the weights are written (below), else 0.
 *   utilization = MACs·S / (macros·rows·cols · waves·M·in_cycles·steps / in_cycles): the share
 *   of cell-evaluations that hold a weight. A depthwise layer (W = R·S, F = 1 per group) uses
 *   9 rows and S columns of a macro per group: AnIA's 1024 × 512 array runs a 3×3 depthwise
 *   layer at 9·1/(1024·512) = 0.0017 % utilization. That is the honest cost of analog arrays on
 *   MobileNets; a real design runs depthwise layers in digital, which this template does not.
 *   Zero weights still occupy their cells (no skipping): pruning saves nothing here but its
 *   DRAM bytes of weights are not reduced either (dense cells are written).
 *
 * WEIGHT LOADING: the weights are stationary in the macros while a layer runs, but a network
 *   is in general larger than the macros (ResNet-50: 25.5 M weights, AnIA 0.5 M cells), so every
 *   layer writes its weights into the cells once per inference (a wave writes its macros row by
 *   row, min(W, rows) cycles, all macros in parallel), reading them from DRAM. preload = 1 says the
 *   whole network is already in the macros (the user asserts that it fits; the model cannot
 *   see the other layers): a layer whose tiles fit the macros (T <= macros) then costs no write
 *   and no DRAM weights. Write energy per bit: an SRAM write of the macro's capacity at
 *   Horowitz's access energy for that capacity, × sram_write_ratio (tech.c), at vdd: an
 *   assumption, AnIA does not publish its write energy.
 *
 * ENERGY (pJ), every term at the supply vdd. Analog constants are ZigZag-IMC's, fitted at
 *   28 nm and 0.9 V, with their V² written out (so they hold at any vdd); digital constants are
 *   tech.c's scaled to the node, which are at the node's nominal supply, taken as vdd_ref =
 *   0.8 V (the voltage of the scaling table tech.c uses), and scale by (vdd / vdd_ref)².
 *   dac:  ZigZag-IMC [2]: 50 fF · dac_bits · vdd² per row per input cycle (0 for dac_bits 1).
 *   adc:  per conversion, adc_model
 *           cap: ZigZag-IMC [2]: (100 fF · B + 0.001 fF · 4^B) · vdd²,
 *           fom: the Murmann ADC survey's figure of merit as CiMLoop's ADC plug-in uses it [3][4]:
 *                E = 1 / (2 · 10^((FOM_S − SNDR)/10)) J, SNDR = 6.02·B + 1.76 dB,
 *                FOM_S = min(302.74 − 6.4608 · ln f, 180.14) dB at the conversion rate f (Hz),
 *                × (vdd / vdd_ref)².
 *         The ADC and DAC capacitances are not scaled with the node: they are sized for matching
 *         and kT/C noise, not by lithography (Murmann's survey shows the energy per conversion
 *         of such converters set by resolution, not node).
 *   array (the analog multiply-accumulate): ZigZag-IMC [2]: a bitline of rows cells at
 *         0.35 fF per cell charged per used column per input cycle, plus the cell's product
 *         (a NOR-like 1b multiply, ZigZag's 0.5 · ND2 = 0.35 fF) per weight-holding cell, both
 *         at 28 nm, scaled with the node (wire and device capacitance), × vdd².
 *   periphery (digital, tech.c at vdd): per conversion, when outputs combine several
 *         (S > 1, in_cycles > 1 or rt > 1), a shift-add into an acc_bits accumulator
 *         (int_add_pj_per_bit · acc_bits) and per output a requantizing multiply
 *         (int_mult_pj_per_bit2 · acc_bits · abits); per output an activation (an add at abits).
 *         With one conversion per output (AnIA) the ADC's range is the requantizer.
 *         Partial sums of row tiles that do not run in the same wave (T > macros) go to the GLB
 *         and back at acc_bits.
 *   sram (the GLB, memory.c level of glb_kb, 64-bit words, H-tree): inputs read once per column
 *         tile (the im2col window is built in the rows' input registers from a line buffer, so
 *         an input pixel is read once per pass, not R·S times), outputs written once, partial
 *         sums as above. `mac` is 0: there are no digital MAC units, the array does them.
 *   dram: weights (when written, above) + activations where the residency plan leaves them
 *         (act_resident: the GLB holds only activations, so a layer offers all of it; an input
 *         that does not fit beside its output is re-read per column tile).
 *   static: leakage of the cells (an SRAM of macros·rows·cols·cell_bits bits,
 *         sram_leak_mw_per_kb), the GLB's, and the digital periphery's area × leak_mw_per_mm2,
 *         × (vdd / vdd_ref) (leakage current kept; DIBL left out, so low vdd is pessimistic),
 *         over the layer's time. The ADCs and DACs are taken as dynamic only (SAR, capacitive).
 *   clock: clk_pj_per_reg_bit (tech.c, calibrated on TPU v1) per register bit per cycle for
 *         the input registers (rows · dac_bits), the ADC output registers (n_adc · adc_bits) and
 *         the accumulators (n_adc · acc_bits) of every macro, × (vdd / vdd_ref)².
 *
 * CLOCK: the cycle is one ADC conversion, ZigZag-IMC's SAR delay [2]
 *   t = B · (0.00653 ns · rows + 0.640 ns) at the node's nominal supply vdd_ref (ZigZag fits it
 *   at 28 nm, 0.9 V, its nominal; node speed-up is left out), slowed at other supplies by the
 *   alpha-power law (Sakurai and Newton [5]): delay ∝ vdd / (vdd − vth)^α, α = 2, vth = 0.45 V.
 *   vth is fitted to AnIA's two published points (23.5 TOPS at 0.8 V, 5.8 at 0.6 V: 4.05×
 *   slower; the law gives 4.08×); with α = 2 (long-channel) the fit lands at 22FDX's regular
 *   threshold range. AnIA at 1024 rows and 6 bits: t = 44.0 ns, 22.7 MHz, 23.8 TOPS.
 *   freq_mhz > 0 overrides the derived clock (at any vdd).
 *
 * PEAK: 2 · macros · rows · cols / adc_share MACs per cycle × freq (a MAC of a weight in one
 *   cell and an input in one DAC cycle). AnIA counts 2 ops per MAC of a 6-bit+sign input and a
 *   ternary weight, 1024 · 512 MACs per array evaluation [1].
 *
 * AREA: cells: macros·rows·cols compute cells of cell_bits SRAM bits at sram_area_mm2_per_kb
 *   × cell_area_ratio (the compute transistors beside the bits; an assumption, 2); ADCs:
 *   ZigZag-IMC's 10^(−0.0369·B + 1.206) · 2^B µm² each (28 nm, not scaled: analog); the
 *   periphery's accumulators, acc_bits register bits (pe_reg_area_um2_per_bit, with their adder
 *   share) per ADC; the GLB (memory.c). DACs and control are left out.
 *
 * NOISE (imc_layer_noise, in the accuracy proxy's units: v = 2^(−2b) is a b-bit uniform
 *   quantizer at the output's full scale). Assumptions: a column's products are i.i.d. and
 *   zero-mean with variance σ_p², so a partial sum over n rows has variance n·σ_p²; the ADC's
 *   full scale is a hardware setting for a full column, ±adc_clip · σ_p · sqrt(rows) (clipping
 *   beyond); the output (all W window terms) has its full scale at ±4 · σ_p · sqrt(W) (the
 *   range the next layer's quantizer covers). Per conversion the ADC adds its quantization
 *   noise Δ²/12, Δ = FS_adc / 2^B, the clipped tail of the partial sum, taken at its full
 *   column value rows · σ_p² · G(k) (an upper bound for a partly filled tile, whose sum is
 *   narrower), G(k) = 2·[(1 + k²)·Q(k) − k·φ(k)] for a Gaussian sum, and analog noise of
 *   standard deviation sigma · FS_adc. An output sums rt conversions' noises (the slices and
 *   input cycles are each converted at their own range, so in relative terms they add the same
 *   shares), which gives, with u = rt · rows / W (>= 1: the ADC range a tile wastes when the
 *   window does not fill its rows):
 *     v = u · [(k/4)² · (2^(−2B) + 12 · sigma²) + (3/16) · G(k)],   k = adc_clip.
 *   At adc_clip 4 and sigma 0, a layer that fills its rows sees the ADC as a B-bit quantizer
 *   at its output's full scale (plus 1.5e-6 of clipping). More ADC bits never raise v; more
 *   rows per conversion never lower it when the window fills them, or when rows doubles
 *   (u = W rounded up to a multiple of rows, over W); it can fall when rows grows to a size
 *   that divides W more evenly (rows 512 → 576 at W = 1152).
 *
 * NON-MAC LAYERS (pooling, add, activation, softmax, norm) are free here, as in the systolic
 *   template: they run in the digital periphery on the outputs as they leave the macros;
 *   their time hides under the MAC layers' and their energy is left out.
 *
 * LEFT OUT: weight duplication over idle macros, the DAC's and the control's area, IR drop and
 * bitline nonlinearity (beyond sigma), the write port's own timing (a row per cycle), the GLB
 * writes of DRAM fills, sparsity of any kind, double-buffered weights (writing the next wave
 * during this one), batching the weight load over inferences (one load per inference).
 *
 * References
 *   [1] I. A. Papistas et al., "A 22 nm, 1540 TOP/s/W, 12.1 TOP/s/mm² in-memory analog
 *       matrix-vector-multiplier for DNN acceleration", IEEE CICC 2021 (imec AnIA).
 *   [2] J. Sun, P. Houshmand, M. Verhelst, "Analog or digital in-memory computing? Benchmarking
 *       through quantitative modeling", ICCAD 2023; KULeuven-MICAS/zigzag-imc, AimcArrayUnit
 *       and imc_unit (ADC, DAC, bitline and logic constants at 28 nm, 0.9 V).
 *   [3] B. Murmann, "ADC performance survey 1997-2024", Stanford University.
 *   [4] T. Andrulis, J. S. Emer, V. Sze, "CiMLoop: a flexible, accurate, and fast compute-in-
 *       memory modeling tool", ISPASS 2024 (its ADC plug-in's FOM-based energy).
 *   [5] T. Sakurai, A. R. Newton, "Alpha-power law MOSFET model and its applications to CMOS
 *       inverter delay and other formulas", IEEE JSSC 25(2), 1990.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"
#include "memory.h"

typedef enum imc_adc_model { IMC_ADC_CAP = 0, IMC_ADC_FOM } imc_adc_model;
static const char *const imc_adc_model_names[] = {"cap", "fom", NULL};

typedef struct imc_params {
    uint32_t rows;         /* cells per column (a bitline) of a macro (cells) */
    uint32_t cols;         /* columns of a macro (cells) */
    uint32_t macros;       /* macros (count) */
    uint32_t cell_bits;    /* weight bits one cell holds (bits) */
    uint32_t dac_bits;     /* input bits applied per cycle (bits; 1: bit-serial, no DAC) */
    uint32_t adc_bits;     /* ADC resolution (bits) */
    uint32_t adc_share;    /* columns per ADC (count) */
    int adc_model;         /* imc_adc_model index */
    double vdd;            /* supply (V) */
    uint32_t tech_nm;      /* technology node (nm) */
    double freq_mhz;       /* clock (MHz; 0: derived from the ADC delay at vdd) */
    uint32_t acc_bits;     /* periphery accumulator width (bits) */
    uint32_t glb_kb;       /* global buffer capacity (KB) */
    int dram;              /* hw_dram_kind index */
    double dram_gbps;      /* DRAM bandwidth (GB/s) */
    double sigma;          /* analog noise, std relative to the ADC's full scale (fraction) */
    double adc_clip;       /* ADC full scale, in std of a full column's partial sum (count) */
    uint32_t act_resident; /* activations stay in the GLB between layers if they fit (flag) */
    uint32_t preload;      /* the network's weights already sit in the macros (flag) */
} imc_params;

_Static_assert(sizeof(imc_params) <= HW_PARAMS_MAX_BYTES, "params exceed hw_config");

#define IMC_P(name, unit, type, def, lo, hi, choices, help)                                        \
    {                                                                                              \
#name, unit, type, def, lo, hi, choices, offsetof(imc_params, name), help, NULL, 0         \
    }

static const pt_param imc_params_table[] = {
    IMC_P(rows, "cells", PT_INT, 1024, 1, 8192, NULL, "cells per column (rows summed per ADC)"),
    IMC_P(cols, "cells", PT_INT, 512, 1, 8192, NULL, "columns per macro"),
    IMC_P(macros, "", PT_INT, 1, 1, 4096, NULL, "macros"),
    IMC_P(cell_bits, "bits", PT_INT, 2, 1, 8, NULL, "weight bits per cell (ternary: 2)"),
    IMC_P(dac_bits, "bits", PT_INT, 7, 1, 16, NULL,
          "input bits per cycle (1: bit-serial, no DAC energy)"),
    IMC_P(adc_bits, "bits", PT_INT, 6, 1, 16, NULL, "ADC resolution"),
    IMC_P(adc_share, "cols", PT_INT, 1, 1, 8192, NULL, "columns per ADC"),
    IMC_P(adc_model, "", PT_ENUM, IMC_ADC_CAP, 0, 0, imc_adc_model_names,
          "ADC energy: cap (ZigZag-IMC), fom (Murmann survey, CiMLoop)"),
    IMC_P(vdd, "V", PT_REAL, 0.8, 0.5, 1.2, NULL, "supply voltage (analog and digital)"),
    {"tech_nm", "nm", PT_INT, 22, 7, 65, NULL, offsetof(imc_params, tech_nm),
     "technology node: 65 45 32 28 22 16 14 7", hw_tech_node_in_set, 0},
    IMC_P(freq_mhz, "MHz", PT_REAL, 0.0, 0.0, 5000.0, NULL,
          "clock (0: one ADC conversion, from its delay at vdd)"),
    IMC_P(acc_bits, "bits", PT_INT, 24, 1, 64, NULL, "periphery accumulator width"),
    IMC_P(glb_kb, "KB", PT_INT, 256, 1, 1048576, NULL, "global buffer (activations)"),
    IMC_P(dram, "", PT_ENUM, HW_DRAM_LPDDR4, 0, 0, hw_dram_names, "DRAM kind"),
    IMC_P(dram_gbps, "GB/s", PT_REAL, 25.6, 0.01, 10000.0, NULL, "DRAM bandwidth (bytes)"),
    IMC_P(sigma, "", PT_REAL, 0.0, 0.0, 1.0, NULL,
          "analog noise std relative to the ADC's full scale"),
    IMC_P(adc_clip, "sigma", PT_REAL, 4.0, 0.5, 64.0, NULL,
          "ADC full scale in std of a full column's partial sum (clipping beyond)"),
    IMC_P(act_resident, "", PT_INT, 1, 0, 1, NULL,
          "activations stay in the global buffer between layers when they fit (0: via DRAM)"),
    IMC_P(preload, "", PT_INT, 0, 0, 1, NULL,
          "1: the whole network's weights sit in the macros already (no reload when a layer fits)"),
};

/* Technology constants of the template (hw_tech.extra), in this order. */
enum {
    IMC_T_ADC_FF_BIT = 0,
    IMC_T_ADC_FF_EXP,
    IMC_T_DAC_FF_BIT,
    IMC_T_BL_FF,
    IMC_T_MULT_FF,
    IMC_T_ADC_NS_ROW,
    IMC_T_ADC_NS,
    IMC_T_FOM_MAX,
    IMC_T_FOM_ICPT,
    IMC_T_FOM_SLOPE,
    IMC_T_VDD_REF,
    IMC_T_VTH,
    IMC_T_ALPHA,
    IMC_T_CELL_AREA,
    IMC_N_TECH
};

#define IMC_T(i, name, unit, def, lo, hi, cls, help)                                               \
    [i] = {#name, unit, PT_REAL, def, lo, hi, NULL, HW_TECH_EXTRA(i), help, NULL, cls}

/* ZigZag-IMC's array capacitances are at 28 nm; stored at 45 nm (the table's convention) by
 * tech.c's 28 nm energy factor 0.51 (0.35 / 0.51 = 0.686), so that 28 nm gives 0.35 fF again. */
static const pt_param imc_tech_table[IMC_N_TECH] = {
    IMC_T(IMC_T_ADC_FF_BIT, adc_ff_per_bit, "fF", 100.0, 0.0, 1e5, HW_SCALE_NONE,
          "ADC (cap): capacitance per bit, x vdd^2 (ZigZag-IMC)"),
    IMC_T(IMC_T_ADC_FF_EXP, adc_ff_per_4b, "fF", 0.001, 0.0, 1e3, HW_SCALE_NONE,
          "ADC (cap): capacitance per 4^bits, x vdd^2 (ZigZag-IMC)"),
    IMC_T(IMC_T_DAC_FF_BIT, dac_ff_per_bit, "fF", 50.0, 0.0, 1e5, HW_SCALE_NONE,
          "DAC: capacitance per bit, x vdd^2 (ZigZag-IMC)"),
    IMC_T(IMC_T_BL_FF, imc_bl_ff_per_cell, "fF", 0.686, 0.0, 100.0, HW_SCALE_ENERGY,
          "bitline capacitance per cell (ZigZag-IMC: 0.35 fF at 28 nm)"),
    IMC_T(IMC_T_MULT_FF, imc_mult_ff_per_cell, "fF", 0.686, 0.0, 100.0, HW_SCALE_ENERGY,
          "a cell's 1-bit product per weight bit (ZigZag-IMC: 0.35 fF at 28 nm)"),
    IMC_T(IMC_T_ADC_NS_ROW, adc_ns_per_row, "ns", 0.00653, 0.0, 10.0, HW_SCALE_NONE,
          "ADC delay per bit per bitline row (ZigZag-IMC)"),
    IMC_T(IMC_T_ADC_NS, adc_ns_per_bit, "ns", 0.640, 0.0, 100.0, HW_SCALE_NONE,
          "ADC delay per bit, fixed part (ZigZag-IMC)"),
    IMC_T(IMC_T_FOM_MAX, adc_fom_max_db, "dB", 180.14, 100.0, 250.0, HW_SCALE_NONE,
          "ADC (fom): best Schreier FOM (Murmann survey, CiMLoop)"),
    IMC_T(IMC_T_FOM_ICPT, adc_fom_icpt_db, "dB", 302.74, 100.0, 500.0, HW_SCALE_NONE,
          "ADC (fom): FOM intercept of its speed limit (Murmann survey, CiMLoop)"),
    IMC_T(IMC_T_FOM_SLOPE, adc_fom_slope_db, "dB", 6.4608, 0.0, 50.0, HW_SCALE_NONE,
          "ADC (fom): FOM fall per ln(Hz) (Murmann survey, CiMLoop)"),
    IMC_T(IMC_T_VDD_REF, vdd_ref, "V", 0.8, 0.3, 1.5, HW_SCALE_NONE,
          "supply at which digital constants and the ADC delay hold"),
    IMC_T(IMC_T_VTH, vth, "V", 0.45, 0.0, 1.0, HW_SCALE_NONE,
          "threshold voltage of the alpha-power delay law (fit to AnIA)"),
    IMC_T(IMC_T_ALPHA, vdd_alpha, "", 2.0, 1.0, 2.0, HW_SCALE_NONE,
          "velocity-saturation index of the alpha-power delay law"),
    IMC_T(IMC_T_CELL_AREA, imc_cell_area_ratio, "", 2.0, 1.0, 100.0, HW_SCALE_NONE,
          "compute-cell area over its SRAM bits' area"),
};

/* Energy components, in the order energy_pj adds them. */
enum {
    IMC_C_MAC = 0,
    IMC_C_SRAM,
    IMC_C_DRAM,
    IMC_C_STATIC,
    IMC_C_DAC,
    IMC_C_ADC,
    IMC_C_ARRAY,
    IMC_C_PERIPHERY,
    IMC_C_WRITE,
    IMC_C_CLOCK,
    IMC_N_COMPONENTS
};
static const hw_component imc_components[IMC_N_COMPONENTS] = {
    [IMC_C_MAC] = {"mac", "digital MACs: none (0), the array computes them (array_pj)"},
    [IMC_C_SRAM] = {"sram", "global buffer (glb) reads and writes"},
    [IMC_C_DRAM] = {"dram", "off-chip traffic (weights reloaded, activations)"},
    [IMC_C_STATIC] = {"static", "leakage power over the layer's time"},
    [IMC_C_DAC] = {"dac", "row DACs driving the inputs"},
    [IMC_C_ADC] = {"adc", "column ADC conversions"},
    [IMC_C_ARRAY] = {"array", "analog multiply-accumulate: bitlines and cell products"},
    [IMC_C_PERIPHERY] = {"periphery", "digital shift-add, accumulate, activation, requantize"},
    [IMC_C_WRITE] = {"write", "writing the weights into the cells"},
    [IMC_C_CLOCK] = {"clock", "clock tree of the macros' registers over the layer's time"},
};

static const imc_params *imc_p(const hw_config *cfg)
{
    return (const imc_params *)(const void *)cfg->params;
}

static double imc_t(const hw_config *cfg, int i)
{
    return cfg->tech.extra[i];
}

static uint64_t imc_ceil_div(uint64_t a, uint64_t b)
{
    return b == 0 ? 0 : a / b + (a % b != 0);
}

static uint64_t imc_ceil_u64(double x)
{
    if (!(x > 0.0))
        return 0;
    if (x >= 1.8e19)
        return UINT64_MAX; /* defensive */
    uint64_t i = (uint64_t)x;
    return (double)i >= x ? i : i + 1;
}

/* ---- design-wide values (derive) */

typedef struct imc_derived {
    int ready;                /* 1 once computed */
    double freq_mhz;          /* clock (MHz) */
    double v2;                /* (vdd / vdd_ref)², the digital energies' factor */
    double adc_pj;            /* one conversion (pJ) */
    double dac_pj;            /* one DAC drive of a row per input cycle (pJ) */
    double bl_pj;             /* a column's bitline per input cycle: rows cells (pJ) */
    double mult_pj;           /* one cell's product per input cycle (pJ) */
    double glb_read_pj_bit;   /* GLB read per bit (pJ) */
    double glb_write_pj_bit;  /* GLB write per bit (pJ) */
    double cell_write_pj_bit; /* writing one weight bit into a macro (pJ) */
    double leak_mw;           /* leakage of the whole design at vdd (mW) */
    double clock_pj_cycle;    /* clock energy per cycle at vdd (pJ) */
    uint32_t n_adc;           /* ADCs per macro (count) */
} imc_derived;

_Static_assert(sizeof(imc_derived) <= HW_DERIVED_MAX_BYTES, "derived values exceed hw_config");

/* Delay of the alpha-power law at vdd over that at vdd_ref (>= 0; vdd > vth by check). */
static double imc_delay_factor(const hw_config *cfg)
{
    const imc_params *p = imc_p(cfg);
    double vth = imc_t(cfg, IMC_T_VTH), a = imc_t(cfg, IMC_T_ALPHA);
    double vref = imc_t(cfg, IMC_T_VDD_REF);
    if (!(p->vdd > vth) || !(vref > vth))
        return 1.0; /* defensive: imc_check refuses */
    return (p->vdd / pow(p->vdd - vth, a)) / (vref / pow(vref - vth, a));
}

/* The clock: given, or one ADC conversion at vdd, capped at the parameter's range (5 GHz). */
static double imc_freq(const hw_config *cfg)
{
    const imc_params *p = imc_p(cfg);
    if (p->freq_mhz > 0.0)
        return p->freq_mhz;
    double t_ns = (double)p->adc_bits *
                  (imc_t(cfg, IMC_T_ADC_NS_ROW) * (double)p->rows + imc_t(cfg, IMC_T_ADC_NS)) *
                  imc_delay_factor(cfg);
    double f = t_ns > 0.0 ? 1000.0 / t_ns : 5000.0;
    return f > 5000.0 ? 5000.0 : f;
}

static double imc_adc_pj(const hw_config *cfg, double freq_mhz)
{
    const imc_params *p = imc_p(cfg);
    double b = (double)p->adc_bits, v = p->vdd;
    if (p->adc_model == IMC_ADC_FOM) {
        double f_hz = freq_mhz * 1e6;
        double fom = imc_t(cfg, IMC_T_FOM_ICPT) - imc_t(cfg, IMC_T_FOM_SLOPE) * log(f_hz);
        if (fom > imc_t(cfg, IMC_T_FOM_MAX))
            fom = imc_t(cfg, IMC_T_FOM_MAX);
        double sndr = 6.02 * b + 1.76;
        double vref = imc_t(cfg, IMC_T_VDD_REF);
        return 1e12 / (2.0 * pow(10.0, (fom - sndr) / 10.0)) * (v / vref) * (v / vref);
    }
    return (imc_t(cfg, IMC_T_ADC_FF_BIT) * b + imc_t(cfg, IMC_T_ADC_FF_EXP) * pow(4.0, b)) * v * v *
           1e-3; /* fF·V² = fJ */
}

static uint32_t imc_n_adc(const imc_params *p)
{
    return (uint32_t)imc_ceil_div(p->cols, p->adc_share > 0 ? p->adc_share : 1);
}

static void imc_glb_level(const hw_config *cfg, hw_mem_level *out)
{
    hw_mem_level_init(out, &cfg->tech, (double)imc_p(cfg)->glb_kb, 64, 0, 1, HW_MEM_HTREE);
}

/* The macros' cells as an SRAM of their capacity (KB). */
static double imc_cells_kb(const imc_params *p)
{
    return (double)p->macros * (double)p->rows * (double)p->cols * (double)p->cell_bits / 8192.0;
}

/* Digital periphery area: an accumulator of acc_bits register bits (with its adder share) per
 * ADC of every macro (mm²). */
static double imc_periph_area_mm2(const hw_config *cfg)
{
    const imc_params *p = imc_p(cfg);
    return (double)p->macros * (double)imc_n_adc(p) * (double)p->acc_bits *
           cfg->tech.pe_reg_area_um2_per_bit * 1e-6;
}

static void imc_derive_into(const hw_config *cfg, imc_derived *d)
{
    const imc_params *p = imc_p(cfg);
    const hw_tech *t = &cfg->tech;
    memset(d, 0, sizeof *d);
    double vref = imc_t(cfg, IMC_T_VDD_REF);
    double v = p->vdd;
    d->ready = 1;
    d->freq_mhz = imc_freq(cfg);
    d->v2 = (v / vref) * (v / vref);
    d->adc_pj = imc_adc_pj(cfg, d->freq_mhz);
    d->dac_pj =
        p->dac_bits > 1 ? imc_t(cfg, IMC_T_DAC_FF_BIT) * (double)p->dac_bits * v * v * 1e-3 : 0.0;
    d->bl_pj = imc_t(cfg, IMC_T_BL_FF) * (double)p->rows * v * v * 1e-3;
    d->mult_pj = imc_t(cfg, IMC_T_MULT_FF) * v * v * 1e-3;
    hw_mem_level glb;
    imc_glb_level(cfg, &glb);
    d->glb_read_pj_bit = glb.read_pj / (double)glb.word_bits * d->v2;
    d->glb_write_pj_bit = glb.write_pj / (double)glb.word_bits * d->v2;
    double macro_kb = imc_cells_kb(p) / (double)p->macros;
    d->cell_write_pj_bit = hw_tech_sram_pj(t, macro_kb, 64) / 64.0 * t->sram_write_ratio * d->v2;
    d->n_adc = imc_n_adc(p);
    d->leak_mw = (imc_cells_kb(p) * t->sram_leak_mw_per_kb + glb.leak_mw +
                  imc_periph_area_mm2(cfg) * t->leak_mw_per_mm2) *
                 (v / vref);
    double reg_bits = (double)p->macros * ((double)p->rows * (double)p->dac_bits +
                                           (double)d->n_adc * (double)(p->adc_bits + p->acc_bits));
    d->clock_pj_cycle = t->clk_pj_per_reg_bit * reg_bits * d->v2;
}

static void imc_derive(hw_config *cfg)
{
    imc_derived d;
    imc_derive_into(cfg, &d);
    memcpy(cfg->derived, &d, sizeof d);
}

static const imc_derived *imc_derived_of(const hw_config *cfg, imc_derived *local)
{
    const imc_derived *d = (const imc_derived *)(const void *)cfg->derived;
    if (d->ready)
        return d;
    imc_derive_into(cfg, local); /* defensive: a design that did not go through prepare */
    return local;
}

static int imc_check(const hw_config *cfg, char *msg, size_t msg_len)
{
    const imc_params *p = imc_p(cfg);
    double vth = cfg->tech45.extra[IMC_T_VTH];
    if (p->freq_mhz == 0.0 && !(p->vdd > vth + 0.05)) {
        snprintf(msg, msg_len,
                 "vdd = %g V is within 50 mV of the threshold vth = %g V: the derived clock "
                 "would stall (set freq_mhz, or raise vdd)",
                 p->vdd, vth);
        return -1;
    }
    if (!(cfg->tech45.extra[IMC_T_VDD_REF] > vth + 0.05)) {
        snprintf(msg, msg_len, "vdd_ref = %g V must exceed vth = %g V by 50 mV",
                 cfg->tech45.extra[IMC_T_VDD_REF], vth);
        return -1;
    }
    if (p->adc_share > p->cols) {
        snprintf(msg, msg_len, "adc_share = %u exceeds cols = %u", p->adc_share, p->cols);
        return -1;
    }
    return 0;
}

/* ---- per layer */

typedef struct imc_layer {
    uint64_t m, f, win, reps; /* GEMM: pixels, filters, window, repetitions (counts) */
    uint64_t slices;          /* columns per weight, S (count) */
    uint64_t rt, ct;          /* row and column tiles per GEMM (counts) */
    uint64_t tiles;           /* T = reps·rt·ct (count) */
    uint64_t waves;           /* ceil(T / macros) (count) */
    uint64_t in_cycles;       /* input cycles per input vector (count) */
    uint64_t steps;           /* conversions per ADC per input cycle (count) */
    int load;                 /* 1: the weights are written this inference (flag) */
} imc_layer;

static void imc_layer_map(const imc_params *p, const net_layer *layer, const sw_compression *cmp,
                          imc_layer *L)
{
    net_gemm g;
    net_layer_gemm(layer, &g);
    memset(L, 0, sizeof *L);
    L->m = g.m, L->f = g.f, L->win = g.win, L->reps = g.reps;
    L->slices = imc_ceil_div(cmp->wbits, p->cell_bits);
    L->rt = imc_ceil_div(L->win, p->rows);
    L->ct = imc_ceil_div(L->f * L->slices, p->cols);
    L->tiles = L->reps * L->rt * L->ct;
    L->waves = imc_ceil_div(L->tiles, p->macros);
    L->in_cycles = imc_ceil_div(cmp->abits, p->dac_bits);
    uint64_t c_used = L->f * L->slices < p->cols ? L->f * L->slices : p->cols;
    L->steps = imc_ceil_div(c_used, imc_n_adc(p));
    L->load = !(p->preload && L->tiles <= p->macros);
}

/* What finish_layer needs beyond the cost prep filled. */
typedef struct imc_prep {
    uint64_t w_bytes;   /* weights read from DRAM this inference (bytes; 0 if not loaded) */
    uint64_t in_bytes;  /* input activations (bytes) */
    uint64_t out_bytes; /* output activations (bytes) */
    uint64_t in_reads;  /* times the input is read from DRAM when not on chip (count) */
    double freq_mhz;    /* clock (MHz) */
} imc_prep;

_Static_assert(sizeof(imc_prep) <= HW_PREP_MAX_BYTES, "prepared values exceed hw_layer_prep");

static int imc_prep_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                          hw_layer_prep *prep)
{
    assert(cfg != NULL && layer != NULL && cmp != NULL && prep != NULL);
    const imc_params *p = imc_p(cfg);
    const hw_tech *t = &cfg->tech;
    hw_layer_cost *out = &prep->cost;
    imc_prep *pp = (imc_prep *)(void *)prep->data;
    memset(pp, 0, sizeof *pp);
    if (cmp->wbits < 1 || cmp->wbits > 32 || cmp->abits < 1 || cmp->abits > 32)
        return -1;
    if (cmp->numfmt != NET_FMT_INT)
        return -1; /* an analog array multiplies integer codes */
    if (p->rows == 0 || p->cols == 0 || p->macros == 0 || p->cell_bits == 0 || p->dac_bits == 0 ||
        p->adc_share == 0)
        return -1; /* defensive: the table's ranges refuse these */
    if (!net_layer_does_macs(layer))
        return 0; /* free (NON-MAC LAYERS) */

    imc_layer L;
    imc_layer_map(p, layer, cmp, &L);
    out->macs = L.reps * L.m * L.f * L.win;
    if (out->macs == 0)
        return 0;
    out->macs_done = out->macs;
    imc_derived dl;
    const imc_derived *d = imc_derived_of(cfg, &dl);
    pp->freq_mhz = d->freq_mhz;

    /* ---- cycles and utilization */
    const uint64_t load_rows = L.win < p->rows ? L.win : p->rows; /* rows a tile writes */
    const uint64_t per_wave = L.m * L.in_cycles * L.steps + (L.load ? load_rows : 0);
    out->compute_cycles = L.waves * per_wave;
    double evals = (double)L.waves * (double)L.m * (double)L.steps; /* array evaluations */
    double cells = (double)p->macros * (double)p->rows * (double)p->cols;
    double util = evals > 0.0 ? (double)out->macs * (double)L.slices / (cells * evals) : 0.0;
    out->utilization = util > 1.0 ? 1.0 : util;

    /* ---- analog energy: per input cycle of every pixel */
    const double ab = cmp->abits, m = (double)L.m, reps = (double)L.reps;
    const double pix_cycles = m * (double)L.in_cycles * reps; /* input vectors × cycles */
    const double used_cols = (double)L.f * (double)L.slices;  /* weight columns per GEMM */
    /* DAC: every row of the window per column tile. */
    out->comp_pj[IMC_C_DAC] = d->dac_pj * (double)L.win * (double)L.ct * pix_cycles;
    /* ADC: every weight column per row tile. */
    const double conversions = used_cols * (double)L.rt * pix_cycles;
    out->comp_pj[IMC_C_ADC] = d->adc_pj * conversions;
    /* Array: a used column's whole bitline per row tile, and each weight cell's product. */
    out->comp_pj[IMC_C_ARRAY] =
        (d->bl_pj * used_cols * (double)L.rt + d->mult_pj * (double)L.win * used_cols) * pix_cycles;

    /* ---- digital periphery */
    const double outputs = m * (double)L.f * reps;
    const int combine = L.slices > 1 || L.in_cycles > 1 || L.rt > 1;
    double per_out = t->int_add_pj_per_bit * ab; /* activation */
    double periph = 0.0;
    if (combine) {
        periph += conversions * t->int_add_pj_per_bit * (double)p->acc_bits;
        per_out += t->int_mult_pj_per_bit2 * (double)p->acc_bits * ab;
    }
    periph += outputs * per_out;
    out->comp_pj[IMC_C_PERIPHERY] = periph * d->v2;

    /* ---- GLB: inputs once per column tile, outputs once, psums of row tiles in other waves */
    const double in_elems = (double)net_layer_inputs(layer);
    double glb_read = in_elems * ab * (double)L.ct, glb_write = outputs * ab;
    if (L.rt > 1 && L.tiles > p->macros) {
        double psum = outputs * (double)(L.rt - 1) * (double)p->acc_bits;
        glb_read += psum;
        glb_write += psum;
    }
    out->comp_pj[IMC_C_SRAM] = glb_read * d->glb_read_pj_bit + glb_write * d->glb_write_pj_bit;
    out->sram_bytes = imc_ceil_u64((glb_read + glb_write) / 8.0);

    /* ---- weights written into the cells */
    const double w_cells = (double)L.win * used_cols * reps;
    if (L.load) {
        out->comp_pj[IMC_C_WRITE] = w_cells * (double)p->cell_bits * d->cell_write_pj_bit;
        pp->w_bytes = imc_ceil_u64(w_cells * (double)p->cell_bits / 8.0);
    }

    /* ---- activations for the residency plan and DRAM */
    pp->in_bytes = imc_ceil_u64(in_elems * ab / 8.0);
    pp->out_bytes = imc_ceil_u64(outputs * ab / 8.0);
    const uint64_t glb_bytes = (uint64_t)p->glb_kb * 1024u;
    pp->in_reads = pp->in_bytes + pp->out_bytes <= glb_bytes ? 1 : L.ct;
    prep->space.in_bytes = pp->in_bytes;
    prep->space.out_bytes = pp->out_bytes;
    if (p->act_resident)
        prep->space.free_bytes = glb_bytes; /* weights live in the macros, not the GLB */
    return 0;
}

static void imc_finish_layer(const hw_config *cfg, const hw_layer_prep *prep,
                             const hw_layer_ctx *ctx, hw_layer_cost *out)
{
    assert(cfg != NULL && prep != NULL && ctx != NULL && out != NULL);
    const imc_params *p = imc_p(cfg);
    const hw_tech *t = &cfg->tech;
    const imc_prep *pp = (const imc_prep *)(const void *)prep->data;
    *out = prep->cost;
    if (out->macs == 0)
        return;
    imc_derived dl;
    const imc_derived *d = imc_derived_of(cfg, &dl);

    out->dram_bytes = pp->w_bytes + (ctx->in_on_chip ? 0 : pp->in_bytes * pp->in_reads) +
                      (ctx->out_on_chip ? 0 : pp->out_bytes);
    const double f_mhz = pp->freq_mhz;
    const double bytes_per_cycle = p->dram_gbps * 1e9 / (f_mhz * 1e6);
    out->memory_cycles = imc_ceil_u64((double)out->dram_bytes / bytes_per_cycle);
    out->cycles =
        out->compute_cycles > out->memory_cycles ? out->compute_cycles : out->memory_cycles;
    out->latency_ms = (double)out->cycles / (f_mhz * 1e3);

    out->comp_pj[IMC_C_DRAM] =
        (double)out->dram_bytes * 8.0 * hw_tech_dram_pj_per_bit(t, (hw_dram_kind)p->dram);
    const double seconds = (double)out->cycles / (f_mhz * 1e6);
    out->comp_pj[IMC_C_STATIC] = d->leak_mw * seconds * 1e9; /* mW·s = 1e9 pJ */
    out->comp_pj[IMC_C_CLOCK] = d->clock_pj_cycle * (double)out->cycles;
    hw_cost_sum(out, IMC_N_COMPONENTS);
}

/* ---- design-level figures */

static double imc_freq_mhz(const hw_config *cfg)
{
    imc_derived dl;
    return imc_derived_of(cfg, &dl)->freq_mhz;
}

static double imc_peak_tops(const hw_config *cfg)
{
    const imc_params *p = imc_p(cfg);
    double macs_per_cycle =
        (double)p->macros * (double)p->rows * (double)p->cols / (double)p->adc_share;
    return 2.0 * macs_per_cycle * imc_freq_mhz(cfg) / 1e6;
}

static double imc_area_mm2(const hw_config *cfg)
{
    const imc_params *p = imc_p(cfg);
    const hw_tech *t = &cfg->tech;
    double cells = imc_cells_kb(p) * t->sram_area_mm2_per_kb * imc_t(cfg, IMC_T_CELL_AREA);
    double b = (double)p->adc_bits;
    double adc_um2 = pow(10.0, -0.0369 * b + 1.206) * pow(2.0, b);
    double adcs = (double)p->macros * (double)imc_n_adc(p) * adc_um2 * 1e-6;
    hw_mem_level glb;
    imc_glb_level(cfg, &glb);
    return cells + adcs + imc_periph_area_mm2(cfg) + glb.area_mm2;
}

/* ---- noise (see NOISE at the top) */

/* G(k) = 2·[(1 + k²)·Q(k) − k·φ(k)]: the clipped tail's power of a unit Gaussian clipped at
 * ±k. */
static double imc_clip_power(double k)
{
    double q = 0.5 * erfc(k / sqrt(2.0));
    double phi = exp(-0.5 * k * k) / sqrt(2.0 * 3.14159265358979323846);
    double g = 2.0 * ((1.0 + k * k) * q - k * phi);
    return g > 0.0 ? g : 0.0; /* rounding at large k */
}

static double imc_layer_noise(const hw_config *cfg, const net_layer *layer,
                              const sw_compression *cmp)
{
    assert(cfg != NULL && layer != NULL && cmp != NULL);
    const imc_params *p = imc_p(cfg);
    if (!net_layer_does_macs(layer) || cmp->wbits < 1 || cmp->abits < 1)
        return 0.0;
    imc_layer L;
    imc_layer_map(p, layer, cmp, &L);
    if (L.win == 0 || L.m == 0 || L.f == 0)
        return 0.0;
    const double u = (double)L.rt * (double)p->rows / (double)L.win;
    const double k = p->adc_clip;
    const double quant = pow(2.0, -2.0 * (double)p->adc_bits);
    return u * ((k / 4.0) * (k / 4.0) * (quant + 12.0 * p->sigma * p->sigma) +
                (3.0 / 16.0) * imc_clip_power(k));
}

/* ------------------------------------------------------------------ counts that must not wrap
 *
 * The largest multipliers this model applies to a layer's counts, at the ends of the parameter
 * ranges (read from the table): operands of at most 32 bits (4 bytes); S <= 32 slices and
 * in_cycles <= 32 input cycles (cell_bits, dac_bits >= 1); column tiles ct <= F·S and
 * conversion steps <= cols_max, so waves·steps <= reps·W·(F·32 + cols_max); a wave's load
 * <= rows_max cycles. So
 *   compute cycles <= reps·W·(32·F + cols_max)·(32·M + rows_max),
 *   GLB bytes      <= 4·inputs·32·F + 4·outputs + 2·outputs·W·acc_bits_max/8,
 *   DRAM bytes     <= 4·reps·W·F·32 (weights, a cell per slice) + 4·inputs·32·F + 4·outputs,
 *   memory cycles  <= DRAM bytes · freq_max / dram_gbps_min.
 */
static long double imc_range(const char *name, int want_max)
{
    const pt_param *pr =
        pt_find(imc_params_table, sizeof imc_params_table / sizeof imc_params_table[0], name);
    assert(pr != NULL);
    return pr == NULL ? 0.0L : want_max ? (long double)pr->max : (long double)pr->min;
}

static void imc_count_bounds(const net_layer *l, long double out[HW_N_BOUNDS])
{
    long double n = l->n, k = l->k, c = l->c, g = l->groups, h = l->h, w = l->w, p = l->p, q = l->q,
                r = l->r, s = l->s, count = l->count;
    long double gm = n * p * q, gf = k / g, gw = (c / g) * r * s, reps = g * count;
    long double inputs = n * c * h * w * count, outputs = n * k * p * q * count;
    long double cols = imc_range("cols", 1), rows = imc_range("rows", 1);
    long double acc = imc_range("acc_bits", 1);
    out[HW_BOUND_COMPUTE_CYCLES] = reps * gw * (32.0L * gf + cols) * (32.0L * gm + rows);
    out[HW_BOUND_SRAM_BYTES] =
        4.0L * inputs * 32.0L * gf + 4.0L * outputs + 2.0L * outputs * gw * acc / 8.0L;
    out[HW_BOUND_DRAM_BYTES] =
        4.0L * reps * gw * gf * 32.0L + 4.0L * inputs * 32.0L * gf + 4.0L * outputs;
    out[HW_BOUND_MEMORY_CYCLES] = out[HW_BOUND_DRAM_BYTES] * imc_range("freq_mhz", 1) * 1e6L /
                                  (imc_range("dram_gbps", 0) * 1e9L);
}

const hw_template hw_imc_template = {
    .name = "imc",
    .summary = "analog in-memory compute (AnIA-like SRAM macros: DACs, ADCs), global buffer, DRAM",
    .params = imc_params_table,
    .n_params = sizeof imc_params_table / sizeof imc_params_table[0],
    .params_size = sizeof(imc_params),
    .tech_params = imc_tech_table,
    .n_tech_params = IMC_N_TECH,
    .components = imc_components,
    .n_components = IMC_N_COMPONENTS,
    .check = imc_check,
    .prep_layer = imc_prep_layer,
    .finish_layer = imc_finish_layer,
    .area_mm2 = imc_area_mm2,
    .peak_tops = imc_peak_tops,
    .freq_mhz = imc_freq_mhz,
    .count_bounds = imc_count_bounds,
    .derive = imc_derive,
    .layer_noise = imc_layer_noise,
};
