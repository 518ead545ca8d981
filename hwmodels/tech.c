/*
 * tech.c — technology constants: energy per operation, per SRAM / DRAM access, area per MAC and
 * per KB of SRAM, leakage, and their scaling from 45 nm to the design's node.
 *
 * Every constant below is a default a user may override (<tech NAME="VALUE"/> or --set); the
 * table hw_tech_params is the one list of them. Values are at 45 nm, 0.9 V unless stated.
 *
 * ENERGY PER OPERATION — Horowitz, "Computing's energy problem", ISSCC 2014 [1], 45 nm:
 *   int8 mult 0.2 pJ, int32 mult 3.1 pJ; int8/16/32 add 0.03/0.05/0.1 pJ;
 *   fp16 mult/add 1.1/0.4 pJ; fp32 mult/add 3.7/0.9 pJ.
 *   int_mult_pj_per_bit2 = 0.2 / (8·8) = 0.003125 pJ per partial product (wbits·abits). This is
 *     exact at 8×8 and gives 3.2 pJ at 32×32 (+3.2 % against 3.1 pJ).
 *   int_add_pj_per_bit   = 0.1 / 32 = 0.003125 pJ per bit: exact at 16 and 32 bits, 0.025 pJ at
 *     8 bits (−17 % against 0.03; the 8-bit adder's fixed overhead is not modelled).
 *   fp multiply: power law in the mantissa widths (hidden bit included) through the fp16 and
 *     fp32 points: E = fp16_mult_pj · (mw·ma / 11²)^(β/2), β = ln(fp32/fp16) / ln(24/11) = 1.555.
 *     Exact for fp16 (11 b) and fp32 (24 b); bf16 (8 b) 0.67 pJ; fp8 E4M3 (4 b) 0.23 pJ.
 *   fp add: same form with the adds, γ = ln(0.9/0.4) / ln(24/11) = 1.04 (about linear).
 *   Mantissa width of a float of b bits: fp32 24, fp16 11, fp8 (E4M3) 4; between those points it
 *     is interpolated linearly in b (8→16: 4→11; 16→32: 11→24), below 8 bits it is b − 4 (≥ 1),
 *     so it never decreases with b. bf (8-bit exponent): b − 8 (≥ 1), bf16 → 8.
 *
 * ONE MAC (hw_tech_mac_pj) = multiply + one accumulate:
 *   int:   accumulator width min(wbits + abits + 16, acc_max_bits) bits — the product plus 16
 *          guard bits for sums of up to 65536 terms, capped at the design's accumulator width
 *          (the systolic template's acc_bits; 32 in TPU v1 [4], so 8×8 → 32).
 *          8×8 MAC = 0.2 + 32·0.003125 = 0.3 pJ.
 *   fp/bf: accumulate in fp32 (mixed-precision practice: TPU bf16 units, GPU tensor cores), so the
 *          add is fp32_add_pj. fp16 MAC = 1.1 + 0.9 = 2.0 pJ; fp32 MAC = 4.6 pJ.
 *   Both are non-decreasing in wbits and abits (fewer bits never cost more).
 *
 * SRAM (hw_tech_sram_pj): E = sram_ref_pj · (capacity_kb / sram_ref_kb)^sram_exp · word_bits/64,
 *   anchored at Horowitz's 64-bit read from 8 KB = 10 pJ [1]. sram_exp = 0.477 is the
 *   least-squares fit (in log space, through the 8 KB anchor) of Horowitz's 32 KB = 20 pJ and
 *   1 MB = 100 pJ: the model gives 19.4 pJ at 32 KB (−3.2 %) and 101.2 pJ at 1 MB (+1.2 %).
 *   (A plain square root, 0.5, is exact at 32 KB and +13 % at 1 MB.) Beyond 1 MB this is an
 *   extrapolation (CACTI-like wire growth); energy is linear in the word width.
 *
 * REGISTER / OPERAND FORWARDING: rf_pj_per_bit = 0.009 pJ per bit per access: Aladdin's 40 nm
 *   register (Shao et al., ISCA 2014 [5], as tabulated in Accelergy's hwcomponents-library
 *   aladdin.py: 0.009 pJ per bit read), taken as is at 45 nm (< 10 % node difference).
 *
 * DRAM, pJ per bit transferred, the midpoint of the cited range; not scaled with the logic node
 *   (the DRAM and its interface are a separate chip):
 *   ddr3   30  — Horowitz [1]: 1300–2600 pJ per 64-bit access → 20–40 pJ/bit. (Malladi et al.,
 *                ISCA 2012 [6] quote ≈ 70 pJ/bit for DDR3 including background power at
 *                datacenter utilization; override to that if wanted.)
 *   ddr4   17.5 — 15–20 pJ/bit quoted for DDR4 by vendors and surveys (mid-range; no single
 * source). lpddr4 5    — 4–6 pJ/bit (same). hbm2   3.9  — O'Connor et al., "Fine-grained DRAM",
 * MICRO 2017 [7].
 *
 * AREA — from Google TPU v1 (Jouppi et al., ISCA 2017 [4], floor plan, Fig. 2 / Table 2): 28 nm
 *   die ≤ 331 mm²; the matrix unit (65536 8-bit MACs) is 24 % of it and the 24 MiB unified buffer
 *   29 %. Back-scaled to 45 nm by the 28 nm area factor 0.38 [2], a TPU v1 PE is
 *   0.24·331e6 µm² / 65536 / 0.38 = 3190 µm² (multiplier, adder, registers and wiring; against
 *   Horowitz's bare 8-bit multiplier of 282 µm²).
 *   PE area = mac_area_um2_per_bit2 · wbits·abits + pe_reg_area_um2_per_bit · register bits, two
 *   terms fitted to two facts: their split from Aladdin's 40 nm library [5] (taken as 45 nm, as
 *   for rf_pj_per_bit) for a 16-bit PE — a 16×16 multiplier at 6350 µm² · (16/32)² = 1587.5 µm²
 *   (its 32-bit multiplier scaled by partial products: 6.20 µm² per bit²), a 32-bit accumulate
 *   adder of 278 µm² and 64 register bits (16 weight, 16 activation, 32 sum) at 5.98 µm², i.e.
 *   (278 + 64·5.98)/64 = 10.32 µm² per register bit with the adder's share; and their sum from
 *   TPU v1's PE, 3190 µm² for 8×8 with 56 register bits (two 8-bit weights, double-buffered, an
 *   8-bit activation, a 32-bit sum): k = 3190 / (6.20·64 + 10.32·56) = 3.27, so
 *   mac_area_um2_per_bit2 = 3.27·6.20 = 20.3 µm² per bit², pe_reg_area_um2_per_bit = 3.27·10.32
 *   = 33.8 µm² per bit (k: the layout, wiring and pipeline overhead of a real array over
 *   Aladdin's bare cells). A 16-bit PE is then 7360 µm² where mac_bits² scaling gave 12750, a
 *   4-bit one 1680 where it gave 800: registers do not shrink with the operands.
 *
 * CLOCK AND ALWAYS-ON: clk_pj_per_reg_bit = 0.0194 pJ per PE register bit per cycle at 45 nm,
 *   calibrated so that TPU v1 idles at its measured 28 W [4]: at 28 nm (×0.51) 65536 PEs ×
 *   56 bits × 700 MHz × 0.0099 pJ = 25.4 W, plus 2.6 W of leakage. Aladdin's register [5]
 *   spends 0.0079 pJ per bit per cycle inside the flop on its clock alone (its "internal"
 *   power at 1 GHz); the rest is the clock tree's wires and buffers, and whatever else the
 *   chip burns while idle (I/O, DDR3 and PCIe interfaces, control), which this one figure
 *   absorbs: it is a calibration, not a derivation.
 *   sram_area_mm2_per_kb = 0.0034 mm²/KB: CACTI's 128 KB single-port SRAM at 45 nm, about
 *     0.43 mm² with its periphery [8]. (TPU v1's floor plan gives its 24 MiB unified buffer 29 %
 *     of the die, 0.0103 mm²/KB back-scaled, three times as much: buffer control, wiring and
 *     margins the array figure does not hold.)
 *
 * MEMORY LEVELS (hwmodels/memory.c, which states the equations):
 *   sram_bank_kb = 128 KB: the largest bank a level is split into when its banks are not given
 *     (the array of CACTI's area figure).
 *   wire_pj_per_bit_mm = 0.12 pJ/bit/mm: Keckler et al., IEEE Micro 2011 [9], Table 1: 240
 *     fJ/bit/mm per transition at 40 nm, times an activity of 0.5; taken at 45 nm.
 *   sram_write_ratio = 0.8: CACTI's [8] figures for a 128 KB single-port array at 45 nm put a
 *     write about 20 % below a read: a write skips the sense amplifiers and swings only the
 *     selected columns' bitlines, where a read discharges every bitline of the open row (see
 *     memory.c).
 *   sram_leak_mw_per_kb = 0.034 mW/KB: leak_mw_per_mm2 over sram_area_mm2_per_kb.
 *   The wire energy and the leakage per KB scale with the energy factor; the bank size and the
 *     write ratio do not scale.
 *
 * LEAKAGE: leak_mw_per_mm2 = 10 mW/mm² at 45 nm. Aladdin's 40 nm library [5] (hwcomponents-
 *   library aladdin.py): 32-bit multiplier 0.0779 mW over 6350 µm² = 12.3 mW/mm²; 32-bit adder
 *   0.00225 mW over 278 µm² = 8.1 mW/mm²; we take 10 mW/mm² for logic and SRAM alike.
 *   Scaled by energy/area factor (power per device ∝ energy, devices per mm² ∝ 1/area).
 *
 * NODE SCALING from 45 nm — Stillmaker & Baas, Integration 2017 [2], as tabulated by Accelergy
 *   (0.8 V) [3]; 28 and 22 nm interpolated; 65 nm from Accelergy's techscaling [3]. The base
 *   energies are Horowitz's at 0.9 V while the factors are ratios at 0.8 V: the factors are
 *   applied as ratios between nodes, so the 45 nm values keep their 0.9 V and the scaled ones
 *   assume each node's nominal voltage relative to that (energy_scale adjusts for another):
 *     nm        65    45   32    28    22    16    14    7
 *     energy ×  1.24  1    0.66  0.51  0.29  0.17  0.14  0.094
 *     area   ×  1.5   1    0.46  0.38  0.25  0.19  0.17  0.059
 *   energy_scale / area_scale in a 45 nm hw_tech are extra user factors (default 1, e.g. for a
 *   voltage other than nominal); hw_tech_scaled multiplies them by the node's factors.
 *   Which factor applies is the constant's scaling class, declared in its table entry (cls):
 *   energy (pJ of logic and SRAM), area (µm², mm²), leakage (mW/mm²: energy/area) or none (DRAM,
 *   which is another chip; capacities; exponents). A template's own constants (its tech_params,
 *   e.g. an ADC's energy) declare a class the same way and are scaled by the same rule.
 *
 * References
 *   [1] M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014.
 *   [2] A. Stillmaker, B. Baas, "Scaling equations for the accurate prediction of CMOS device
 *       performance from 180 nm to 7 nm", Integration, the VLSI Journal 58, 2017.
 *   [3] Y. N. Wu, J. Emer, V. Sze, "Accelergy", ICCAD 2019; Accelergy-Project plug-ins.
 *   [4] N. P. Jouppi et al., "In-datacenter performance analysis of a tensor processing unit",
 *       ISCA 2017.
 *   [5] Y. S. Shao et al., "Aladdin: a pre-RTL, power-performance accelerator simulator", ISCA
 * 2014. [6] K. T. Malladi et al., "Towards energy-proportional datacenter memory with mobile DRAM",
 *       ISCA 2012.
 *   [7] M. O'Connor et al., "Fine-grained DRAM: energy-efficient DRAM for extreme bandwidth
 *       systems", MICRO 2017.
 *   [8] N. Muralimanohar, R. Balasubramonian, N. P. Jouppi, "CACTI 6.0: a tool to model large
 *       caches", HP Laboratories HPL-2009-85, 2009.
 *   [9] S. W. Keckler, W. J. Dally, B. Khailany, M. Garland, D. Glasco, "GPUs and the future of
 *       parallel computing", IEEE Micro 31(5), 2011.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"

const char *const hw_dram_names[] = {"ddr3", "ddr4", "lpddr4", "hbm2", NULL};

#define TECH_P(field, unit, def, lo, hi, cls, help)                                                \
    {                                                                                              \
#field, unit, PT_REAL, def, lo, hi, NULL, offsetof(hw_tech, field), help, NULL, cls        \
    }

const pt_param hw_tech_params[] = {
    TECH_P(int_mult_pj_per_bit2, "pJ/bit2", 0.003125, 1e-6, 1.0, HW_SCALE_ENERGY,
           "integer multiply per partial product (Horowitz 8x8 = 0.2 pJ)"),
    TECH_P(int_add_pj_per_bit, "pJ/bit", 0.003125, 1e-6, 1.0, HW_SCALE_ENERGY,
           "integer add per bit of width (Horowitz 32 b = 0.1 pJ)"),
    TECH_P(fp16_mult_pj, "pJ", 1.1, 1e-4, 100.0, HW_SCALE_ENERGY, "float16 multiply (Horowitz)"),
    TECH_P(fp32_mult_pj, "pJ", 3.7, 1e-4, 100.0, HW_SCALE_ENERGY, "float32 multiply (Horowitz)"),
    TECH_P(fp16_add_pj, "pJ", 0.4, 1e-4, 100.0, HW_SCALE_ENERGY, "float16 add (Horowitz)"),
    TECH_P(fp32_add_pj, "pJ", 0.9, 1e-4, 100.0, HW_SCALE_ENERGY, "float32 add (Horowitz)"),
    TECH_P(sram_ref_pj, "pJ", 10.0, 1e-3, 1e4, HW_SCALE_ENERGY,
           "SRAM 64-bit read from the reference array"),
    TECH_P(sram_ref_kb, "KB", 8.0, 1e-3, 1e6, HW_SCALE_NONE,
           "capacity of the reference SRAM array"),
    TECH_P(sram_exp, "", 0.477, 0.0, 1.5, HW_SCALE_NONE,
           "exponent of capacity in SRAM access energy"),
    TECH_P(rf_pj_per_bit, "pJ/bit", 0.009, 0.0, 1.0, HW_SCALE_ENERGY,
           "register access per bit (Aladdin)"),
    /* DRAM up to 200 pJ/bit: DDR3 with background power at datacenter utilization is ~70 [6],
     * the worst figure in the literature; 1000 (a nJ per bit) is a unit slip, not a memory. */
    TECH_P(dram_ddr3_pj_per_bit, "pJ/bit", 30.0, 0.0, 200.0, HW_SCALE_NONE, "DDR3 access per bit"),
    TECH_P(dram_ddr4_pj_per_bit, "pJ/bit", 17.5, 0.0, 200.0, HW_SCALE_NONE, "DDR4 access per bit"),
    TECH_P(dram_lpddr4_pj_per_bit, "pJ/bit", 5.0, 0.0, 200.0, HW_SCALE_NONE,
           "LPDDR4 access per bit"),
    TECH_P(dram_hbm2_pj_per_bit, "pJ/bit", 3.9, 0.0, 200.0, HW_SCALE_NONE, "HBM2 access per bit"),
    TECH_P(mac_area_um2_per_bit2, "um2/bit2", 20.3, 1e-3, 1e5, HW_SCALE_AREA,
           "PE multiplier area per wbits*abits (TPU v1 and Aladdin fit)"),
    TECH_P(pe_reg_area_um2_per_bit, "um2/bit", 33.8, 0.0, 1e5, HW_SCALE_AREA,
           "PE area per register bit (TPU v1 and Aladdin fit)"),
    TECH_P(clk_pj_per_reg_bit, "pJ/bit", 0.0194, 0.0, 1.0, HW_SCALE_ENERGY,
           "clock and always-on energy per PE register bit per cycle (TPU v1 idle)"),
    TECH_P(sram_area_mm2_per_kb, "mm2/KB", 0.0034, 1e-6, 1.0, HW_SCALE_AREA,
           "SRAM area per KB (CACTI, 128 KB array at 45 nm)"),
    /* Leakage up to 1 W/mm2 at 45 nm: the total power density of the hottest chips; leakage
     * alone at 10 W/mm2 would melt one. */
    TECH_P(leak_mw_per_mm2, "mW/mm2", 10.0, 0.0, 1000.0, HW_SCALE_LEAKAGE,
           "leakage power density (Aladdin 40 nm)"),
    TECH_P(energy_scale, "", 1.0, 0.01, 100.0, HW_SCALE_NONE,
           "extra factor on on-chip energies (node: auto)"),
    TECH_P(area_scale, "", 1.0, 0.01, 100.0, HW_SCALE_NONE, "extra factor on areas (node: auto)"),
    /* Memory levels (hwmodels/memory.c). */
    TECH_P(sram_bank_kb, "KB", 128.0, 0.0625, 1048576.0, HW_SCALE_NONE,
           "largest SRAM bank when a level's banks are not given (CACTI's 128 KB array)"),
    TECH_P(wire_pj_per_bit_mm, "pJ/bit/mm", 0.12, 0.0, 10.0, HW_SCALE_ENERGY,
           "on-chip wire energy (Keckler et al. 2011: 240 fJ/bit/mm per transition x 0.5)"),
    TECH_P(sram_write_ratio, "", 0.8, 0.1, 10.0, HW_SCALE_NONE,
           "SRAM write energy over read energy (CACTI, 128 KB array at 45 nm)"),
    /* Per KB, not per mm2: the same bits in less area, so power per bit scales as energy. */
    TECH_P(sram_leak_mw_per_kb, "mW/KB", 0.034, 0.0, 10.0, HW_SCALE_ENERGY,
           "SRAM leakage per KB (10 mW/mm2 over CACTI's 0.0034 mm2/KB)"),
};
const size_t hw_tech_n_params = sizeof hw_tech_params / sizeof hw_tech_params[0];

hw_tech hw_tech_default(void)
{
    hw_tech t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < hw_tech_n_params; i++) {
        double *field = (double *)((unsigned char *)&t + hw_tech_params[i].offset);
        *field = hw_tech_params[i].def;
    }
    return t;
}

/* Node factors relative to 45 nm (see the table at the top). */
typedef struct tech_node {
    double nm;           /* feature size (nm) */
    double energy_scale; /* energy factor relative to 45 nm (dimensionless) */
    double area_scale;   /* area factor relative to 45 nm (dimensionless) */
} tech_node;

static const tech_node tech_nodes[] = {
    {65, 1.24, 1.5},  {45, 1.0, 1.0},   {32, 0.66, 0.46}, {28, 0.51, 0.38},
    {22, 0.29, 0.25}, {16, 0.17, 0.19}, {14, 0.14, 0.17}, {7, 0.094, 0.059},
};

static const tech_node *tech_node_find(double tech_nm)
{
    for (size_t i = 0; i < sizeof tech_nodes / sizeof tech_nodes[0]; i++) {
        if (tech_nodes[i].nm == tech_nm)
            return &tech_nodes[i];
    }
    return NULL;
}

int hw_tech_node_ok(double tech_nm)
{
    return tech_node_find(tech_nm) != NULL;
}

int hw_tech_node_in_set(double tech_nm, char *list, size_t list_len)
{
    assert(list != NULL && list_len > 0);
    if (hw_tech_node_ok(tech_nm))
        return 1;
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < sizeof tech_nodes / sizeof tech_nodes[0] && used < list_len; i++) {
        int w = snprintf(list + used, list_len - used, "%s%g", i ? ", " : "", tech_nodes[i].nm);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return 0;
}

/* Multiplies every entry of table in t by the factor of its class. */
static void tech_scale_table(hw_tech *t, const pt_param *table, size_t n, double e, double a)
{
    for (size_t i = 0; i < n; i++) {
        double f = 1.0;
        switch ((hw_scaling)table[i].cls) {
        case HW_SCALE_ENERGY:
            f = e;
            break;
        case HW_SCALE_AREA:
            f = a;
            break;
        case HW_SCALE_LEAKAGE:
            f = a > 0.0 ? e / a : 1.0;
            break;
        case HW_SCALE_NONE:
            break;
        }
        double *field = (double *)(void *)((unsigned char *)t + table[i].offset);
        *field *= f;
    }
}

hw_tech hw_tech_scaled(const hw_tech *at45, double tech_nm)
{
    return hw_tech_scaled_with(at45, tech_nm, NULL, 0);
}

hw_tech hw_tech_scaled_with(const hw_tech *at45, double tech_nm, const pt_param *extra,
                            size_t n_extra)
{
    assert(at45 != NULL);
    const tech_node *node = tech_node_find(tech_nm);
    assert(node != NULL);
    if (node == NULL) /* defensive: an unchecked node is treated as 45 nm */
        node = &tech_nodes[1];

    hw_tech t = *at45;
    double e = at45->energy_scale * node->energy_scale;
    double a = at45->area_scale * node->area_scale;
    tech_scale_table(&t, hw_tech_params, hw_tech_n_params, e, a);
    tech_scale_table(&t, extra, n_extra, e, a);
    t.energy_scale = e;
    t.area_scale = a;
    return t;
}

/* Mantissa width incl. the hidden bit (bits) of a float of `bits` bits; see the top comment. */
static double tech_mantissa_bits(uint32_t bits, net_numfmt fmt)
{
    double b = (double)bits;
    double m;
    if (fmt == NET_FMT_BF) {
        m = b - 8.0;
    } else if (b <= 8.0) {
        m = b - 4.0;
    } else if (b <= 16.0) {
        m = 4.0 + (b - 8.0) * (11.0 - 4.0) / 8.0;
    } else if (b <= 32.0) {
        m = 11.0 + (b - 16.0) * (24.0 - 11.0) / 16.0;
    } else {
        m = b - 8.0;
    }
    return m < 1.0 ? 1.0 : m;
}

/* Power-law fit through the fp16 (11 b) and fp32 (24 b) points, in mantissa width m_bits. */
static double tech_fp_fit(double e16, double e32, double m_bits)
{
    if (!(e16 > 0.0) || !(e32 > 0.0))
        return 0.0; /* defensive: ranges keep both positive */
    double expo = log(e32 / e16) / log(24.0 / 11.0);
    return e16 * pow(m_bits / 11.0, expo);
}

double hw_tech_mult_pj(const hw_tech *t, uint32_t wbits, uint32_t abits, net_numfmt fmt)
{
    assert(t != NULL);
    if (fmt == NET_FMT_INT)
        return t->int_mult_pj_per_bit2 * (double)wbits * (double)abits;
    double mw = tech_mantissa_bits(wbits, fmt);
    double ma = tech_mantissa_bits(abits, fmt);
    return tech_fp_fit(t->fp16_mult_pj, t->fp32_mult_pj, sqrt(mw * ma));
}

double hw_tech_add_pj(const hw_tech *t, uint32_t bits, net_numfmt fmt)
{
    assert(t != NULL);
    if (fmt == NET_FMT_INT)
        return t->int_add_pj_per_bit * (double)bits;
    return tech_fp_fit(t->fp16_add_pj, t->fp32_add_pj, tech_mantissa_bits(bits, fmt));
}

double hw_tech_mac_pj(const hw_tech *t, uint32_t wbits, uint32_t abits, net_numfmt fmt,
                      uint32_t acc_max_bits)
{
    assert(t != NULL);
    double mult_pj = hw_tech_mult_pj(t, wbits, abits, fmt);
    if (fmt == NET_FMT_INT) {
        uint32_t acc_bits = wbits + abits + 16u;
        if (acc_bits > acc_max_bits)
            acc_bits = acc_max_bits;
        return mult_pj + hw_tech_add_pj(t, acc_bits, NET_FMT_INT);
    }
    return mult_pj + t->fp32_add_pj; /* fp32 accumulation */
}

double hw_tech_sram_pj(const hw_tech *t, double capacity_kb, uint32_t word_bits)
{
    assert(t != NULL);
    if (!(capacity_kb > 0.0) || !(t->sram_ref_kb > 0.0))
        return 0.0; /* defensive: no array, no access energy */
    return t->sram_ref_pj * pow(capacity_kb / t->sram_ref_kb, t->sram_exp) * (double)word_bits /
           64.0;
}

double hw_tech_dram_pj_per_bit(const hw_tech *t, hw_dram_kind kind)
{
    assert(t != NULL);
    switch (kind) {
    case HW_DRAM_DDR3:
        return t->dram_ddr3_pj_per_bit;
    case HW_DRAM_DDR4:
        return t->dram_ddr4_pj_per_bit;
    case HW_DRAM_LPDDR4:
        return t->dram_lpddr4_pj_per_bit;
    case HW_DRAM_HBM2:
        return t->dram_hbm2_pj_per_bit;
    }
    return t->dram_ddr4_pj_per_bit; /* defensive: unknown kind */
}
