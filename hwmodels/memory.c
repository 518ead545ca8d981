/*
 * memory.c — the component library's memory parts: a banked SRAM level and the DRAM traffic of
 * a GEMM through an on-chip buffer. Templates build their buffers from these (the systolic
 * template: its global buffer and its accumulators).
 *
 * MEMORY LEVEL. A level of capacity C (KB = KiB) is split into B equal banks of C/B; a word of
 * `word_bits` is read from or written to one bank. Energies (pJ per word access), with the
 * constants of tech.c at the design's node:
 *     E_bank  = hw_tech_sram_pj(C/B, word_bits)
 *             = sram_ref_pj · (C/B / sram_ref_kb)^sram_exp · word_bits/64   (Horowitz [1])
 *     L_mm    = sqrt(A) · (1 − 1/sqrt(B)),  A = C · sram_area_mm2_per_kb      (H-tree route)
 *     E_wire  = word_bits · L_mm · wire_pj_per_bit_mm
 *     read    = E_bank + E_wire,   write = sram_write_ratio · E_bank + E_wire
 *   The bank term is Horowitz's capacity law at the bank's size: his 8 KB / 32 KB / 1 MB points
 *   are whole arrays, wires inside included, so one bank (B = 1) is exactly that law. The
 *   H-tree term follows CACTI's organisation of a large array [2][3]: banks laid out as a
 *   sqrt(B) × sqrt(B) grid in a square of area A, reached from the centre by an H-tree whose
 *   root-to-leaf route is s/4 + s/4 + s/8 + s/8 + … = s − s/sqrt(B) for a side s = sqrt(A)
 *   (exact when B is a power of four; used as a continuous formula otherwise). Only the word's
 *   data wires are charged (CACTI also charges the address / request network; left out). The
 *   wire energy is Keckler et al.'s 240 fJ/bit/mm per transition at 40 nm [4] times an
 *   activity of 0.5 = 0.12 pJ/bit/mm, taken at 45 nm. A level whose banks each serve their own
 *   client beside them (HW_MEM_LOCAL: the accumulators under a systolic array's columns) has no
 *   H-tree (L = 0).
 *   Banks when not given: the fewest equal banks of at most sram_bank_kb = 128 KB,
 *   ceil(C / 128); 128 KB is the array CACTI's area figure below is for, and about the largest
 *   single macro SRAM compilers offer.
 *   Writes: sram_write_ratio = 0.8, CACTI's [2] figures for a 128 KB single-port array at
 *   45 nm, where a write costs about 20 % less than a read. CACTI prices a write as the read
 *   without its sense amplifiers and with its bitline term replaced: a read discharges every
 *   bitline of the open row by a small swing and senses the selected ones, a write drives only
 *   the selected columns' bitlines full swing; the H-tree carries the same bits in as out, so
 *   the ratio applies to the bank term only. It depends on the array's organisation (column
 *   multiplexing above all), so the constant is overridable.
 *   Monotone in B: dE/dB ≤ 0 whenever sram_exp ≤ 0.5 and the wire across the whole array
 *   costs at most 2·sram_exp·k of a one-bank access, k = min(1, sram_write_ratio) (word_bits ·
 *   sqrt(A) · wire_pj_per_bit_mm ≤ 2·sram_exp·k·E_bank(C); a write's bank term is scaled by
 *   the ratio, its wire term is not): with the defaults the ratio is 0.13 at 8 KB and grows as
 *   C^0.023 (0.17 at 1 GB), under 2 · 0.477 · 0.8 = 0.76, so more banks of the same capacity
 *   never cost more per read or per write.
 *   Leakage: C · sram_leak_mw_per_kb = 0.034 mW/KB at 45 nm, the 10 mW/mm² leakage density of
 *   tech.c over the area per KB below (CACTI's own leakage depends on its transistor flavour).
 *   Area: C · sram_area_mm2_per_kb = 0.0034 mm²/KB at 45 nm, CACTI's 128 KB single-port array of
 *   about 0.43 mm² [2]; bank periphery beyond that and the H-tree's own area are not added.
 *   Peak bandwidth: banks · ports words per cycle (no bank conflicts modelled).
 *
 * DRAM TILING. A GEMM of m output pixels × f filters, each output reducing a window of inputs
 * against one filter's weights, through a buffer of `buf` bytes. The window is never split (a
 * tile holds whole filters, so partial sums never go to DRAM). Per unit: a filter's weights
 * wf = W/f, a pixel's inputs ip = I/m (halos of neighbouring pixels not counted), an output
 * op = O/(m·f), for weights W, inputs I and outputs O in bytes. Candidates (a loop order × tile
 * sizes), each with its closed-form traffic, the cheapest kept (first listed on ties):
 *   on chip:  W + I + O ≤ buf: each once, W + I + O.
 *   filters outer (tiles of T filters; pixels stream past each):
 *     inputs resident: I + 2·wf + 2·op ≤ buf (all the inputs, a double-buffered tile of one
 *       filter, a pixel's outputs streaming out) → W + I + O.
 *     inputs streamed: the largest T with 2·T·wf + 2·ip + 2·T·op ≤ buf (T = f, the weights
 *       read once and not double-buffered, if W + 2·ip + 2·f·op ≤ buf) → W + O + ceil(f/T)·I.
 *   pixels outer (tiles of T pixels; filters stream past each): the same with the roles of
 *     weights and inputs swapped: W + 2·ip + 2·op ≤ buf → W + I + O; else the largest T with
 *     2·T·ip + 2·wf + 2·T·op ≤ buf (T = m if I + 2·wf + 2·m·op ≤ buf) → I + O + ceil(m/T)·W.
 *   none fits (not even one filter or one pixel with its partners): min(W + O + f·I,
 *     I + O + m·W), the finest tiling's traffic, as an upper bound.
 *   For one order the traffic only falls as the outer tile grows and does not depend on the
 *   inner tile beyond whether it is everything (resident) or not, so the search over tile sizes
 *   is the largest outer tile that fits beside the smallest inner one: O(1) per GEMM, no cache
 *   needed. Every candidate's tile grows and its fit only gets easier with buf, and the
 *   fallback bounds every candidate, so the traffic never rises with the buffer.
 *
 * LEFT OUT: bank conflicts, port contention and the address network, refresh-free eDRAM and
 * other cell kinds, convolution halos in tiles, splitting the window (partial sums to DRAM),
 * three-level loop nests (Timeloop-style mapping search), DRAM row-buffer locality.
 *
 * References
 *   [1] M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014.
 *   [2] N. Muralimanohar, R. Balasubramonian, N. P. Jouppi, "CACTI 6.0: a tool to model large
 *       caches", HP Laboratories HPL-2009-85, 2009 (and "Optimizing NUCA organizations and
 *       wiring alternatives for large caches with CACTI 6.0", MICRO 2007).
 *   [3] S. J. E. Wilton, N. P. Jouppi, "CACTI: an enhanced cache access and cycle time model",
 *       IEEE JSSC 31(5), 1996 (banks, H-tree routing).
 *   [4] S. W. Keckler, W. J. Dally, B. Khailany, M. Garland, D. Glasco, "GPUs and the future of
 *       parallel computing", IEEE Micro 31(5), 2011, Table 1.
 */
#include "memory.h"

#include <assert.h>
#include <math.h>

/* ------------------------------------------------------------------ memory level */

uint32_t hw_mem_banks_for(const hw_tech *t, double capacity_kb)
{
    assert(t != NULL);
    if (!(capacity_kb > t->sram_bank_kb))
        return 1; /* one bank holds it (or defensive: no capacity) */
    if (!(t->sram_bank_kb > 0.0))
        return 1;                             /* defensive: ranges keep sram_bank_kb > 0 */
    double q = capacity_kb / t->sram_bank_kb; /* > 1 */
    if (q >= 4294967295.0)
        return UINT32_MAX;
    uint32_t b = (uint32_t)q; /* ceil without a libm call: this runs once per layer evaluated */
    return b + ((double)b < q);
}

void hw_mem_level_init(hw_mem_level *out, const hw_tech *t, double capacity_kb, uint32_t word_bits,
                       uint32_t banks, uint32_t ports, hw_mem_route route)
{
    assert(out != NULL && t != NULL && word_bits > 0);
    *out = (hw_mem_level){.word_bits = word_bits, .ports = ports > 0 ? ports : 1, .banks = 1};
    if (!(capacity_kb > 0.0))
        return; /* no level */
    out->capacity_kb = capacity_kb;
    out->banks = banks > 0 ? banks : hw_mem_banks_for(t, capacity_kb);
    out->bank_kb = out->banks == 1 ? capacity_kb : capacity_kb / (double)out->banks;
    out->area_mm2 = capacity_kb * t->sram_area_mm2_per_kb;
    out->leak_mw = capacity_kb * t->sram_leak_mw_per_kb;
    /* sqrt(A)·(1 − 1/sqrt(B)) = sqrt(A) − sqrt(A/B): the side of the level less a bank's. */
    if (route == HW_MEM_HTREE && out->banks > 1)
        out->wire_mm = sqrt(out->area_mm2) - sqrt(out->bank_kb * t->sram_area_mm2_per_kb);
    double bank_pj = hw_tech_sram_pj(t, out->bank_kb, word_bits);
    double wire_pj = (double)word_bits * out->wire_mm * t->wire_pj_per_bit_mm;
    out->read_pj = bank_pj + wire_pj;
    out->write_pj = t->sram_write_ratio * bank_pj + wire_pj;
}

double hw_mem_read_pj_per_byte(const hw_mem_level *m)
{
    assert(m != NULL && m->word_bits > 0);
    return m->read_pj * 8.0 / (double)m->word_bits;
}

double hw_mem_write_pj_per_byte(const hw_mem_level *m)
{
    assert(m != NULL && m->word_bits > 0);
    return m->write_pj * 8.0 / (double)m->word_bits;
}

double hw_mem_bytes_per_cycle(const hw_mem_level *m)
{
    assert(m != NULL);
    return (double)m->banks * (double)m->ports * (double)m->word_bits / 8.0;
}

/* ------------------------------------------------------------------ DRAM tiling */

static uint64_t mem_add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mem_mul_sat(uint64_t a, uint64_t b)
{
    return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

/* The outer tile count when tiles of `per_unit` bytes (double-buffered) share `room` bytes: the
 * largest tile that fits, n units at most; 0 if not even one unit fits. In doubles: a count is
 * far below 2^53, and a tile that grows with room never gives more tiles. */
static uint64_t mem_outer_tiles(double room, double per_unit, uint64_t n)
{
    if (!(room >= 0.0))
        return 0;
    if (!(per_unit > 0.0))
        return 1; /* nothing per unit: one tile holds them all */
    double units = room / per_unit;
    if (!(units >= 1.0))
        return 0;
    if (units >= (double)n)
        return 1;
    double tile = (double)(uint64_t)units; /* floor: 1 ≤ units < n < 2^63 */
    double q = (double)n / tile;
    uint64_t c = (uint64_t)q; /* ceil */
    return c + ((double)c < q);
}

static void mem_plan_set(hw_dram_plan *out, uint64_t bytes, int order, uint64_t w_reads,
                         uint64_t in_reads, uint64_t tiles)
{
    out->bytes = bytes;
    out->order = order;
    out->w_reads = w_reads;
    out->in_reads = in_reads;
    out->tiles = tiles;
}

void hw_dram_plan_gemm(hw_dram_plan *out, const hw_gemm_bytes *g, uint64_t buf_bytes)
{
    assert(out != NULL && g != NULL);
    const uint64_t w = g->w_bytes, in = g->in_bytes, o = g->out_bytes;
    const uint64_t m = g->m > 0 ? g->m : 1, f = g->f > 0 ? g->f : 1;
    const uint64_t once = mem_add_sat(mem_add_sat(w, in), o);

    if (once <= buf_bytes) {
        mem_plan_set(out, once, HW_TILE_ON_CHIP, 1, 1, 1);
        return;
    }

    const double buf = (double)buf_bytes;
    const double wf = (double)w / (double)f, ip = (double)in / (double)m;
    const double op = (double)o / ((double)m * (double)f);
    const double per_f = 2.0 * wf + 2.0 * op; /* a filter of a tile, double-buffered */
    const double per_p = 2.0 * ip + 2.0 * op; /* a pixel of a tile, double-buffered */

    /* Candidates that read each tensor once, in the order ties are broken (the lower bound of
     * every plan, so the first that fits is the answer). Filters outer with the inputs
     * resident; filters outer with all the weights read once; pixels outer likewise. */
    if ((double)in + per_f <= buf) {
        mem_plan_set(out, once, HW_TILE_FILTERS_OUTER, 1, 1,
                     mem_outer_tiles(buf - (double)in, per_f, f));
        return;
    }
    if ((double)w + 2.0 * ip + 2.0 * (double)f * op <= buf) {
        mem_plan_set(out, once, HW_TILE_FILTERS_OUTER, 1, 1, 1);
        return;
    }
    if ((double)w + per_p <= buf) {
        mem_plan_set(out, once, HW_TILE_PIXELS_OUTER, 1, 1,
                     mem_outer_tiles(buf - (double)w, per_p, m));
        return;
    }
    if ((double)in + 2.0 * wf + 2.0 * (double)m * op <= buf) {
        mem_plan_set(out, once, HW_TILE_PIXELS_OUTER, 1, 1, 1);
        return;
    }

    /* Streamed: the largest outer tile beside one double-buffered inner unit; the inner
     * operand is read once per outer tile. */
    uint64_t n_f = mem_outer_tiles(buf - 2.0 * ip, per_f, f);
    uint64_t n_p = mem_outer_tiles(buf - 2.0 * wf, per_p, m);
    /* None fits: the finest tiling (one filter, or one pixel, at a time) as an upper bound. */
    uint64_t by_f = mem_add_sat(mem_add_sat(w, o), mem_mul_sat(n_f > 0 ? n_f : f, in));
    uint64_t by_p = mem_add_sat(mem_add_sat(in, o), mem_mul_sat(n_p > 0 ? n_p : m, w));
    if (by_f <= by_p)
        mem_plan_set(out, by_f, n_f > 0 ? HW_TILE_FILTERS_OUTER : HW_TILE_NONE_FITS, 1,
                     n_f > 0 ? n_f : f, n_f > 0 ? n_f : f);
    else
        mem_plan_set(out, by_p, n_p > 0 ? HW_TILE_PIXELS_OUTER : HW_TILE_NONE_FITS,
                     n_p > 0 ? n_p : m, 1, n_p > 0 ? n_p : m);
}
