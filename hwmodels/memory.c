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
 *   Writes: sram_write_ratio = 1.1. A write drives the selected bitlines full swing where a
 *   read senses a small swing (the structure of CACTI's [2] and NeuroSim's [5] array models),
 *   the row's other columns see a read-like discharge, and the H-tree carries the same bits
 *   either way; how much dearer depends on the column multiplexing, so 1.1 is an assumption
 *   (the constant is overridable).
 *   Monotone in B: dE/dB ≤ 0 whenever sram_exp ≤ 0.5 and the wire across the whole array
 *   costs at most 2·sram_exp of a one-bank access (word_bits · sqrt(A) · wire_pj_per_bit_mm ≤
 *   2·sram_exp·E_bank(C)): with the defaults the ratio is 0.13 at 8 KB and grows as C^0.023
 *   (0.17 at 1 GB), so more banks of the same capacity never cost more per access.
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
 *   [5] P.-Y. Chen, X. Peng, S. Yu, "NeuroSim: a circuit-level macro model for benchmarking
 *       neuro-inspired architectures in online learning", IEEE TCAD 37(12), 2018.
 */
#include "memory.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ memory level */

uint32_t hw_mem_banks_for(const hw_tech *t, double capacity_kb)
{
    assert(t != NULL);
    if (!(capacity_kb > 0.0) || !(t->sram_bank_kb > 0.0))
        return 1; /* defensive: ranges keep sram_bank_kb > 0 */
    double b = ceil(capacity_kb / t->sram_bank_kb);
    if (b < 1.0)
        return 1;
    return b >= 4294967295.0 ? UINT32_MAX : (uint32_t)b;
}

void hw_mem_level_init(hw_mem_level *out, const hw_tech *t, double capacity_kb, uint32_t word_bits,
                       uint32_t banks, uint32_t ports, hw_mem_route route)
{
    assert(out != NULL && t != NULL && word_bits > 0);
    memset(out, 0, sizeof *out);
    out->word_bits = word_bits;
    out->ports = ports > 0 ? ports : 1;
    out->banks = 1;
    if (!(capacity_kb > 0.0))
        return; /* no level */
    out->capacity_kb = capacity_kb;
    out->banks = banks > 0 ? banks : hw_mem_banks_for(t, capacity_kb);
    out->bank_kb = capacity_kb / (double)out->banks;
    out->area_mm2 = capacity_kb * t->sram_area_mm2_per_kb;
    out->leak_mw = capacity_kb * t->sram_leak_mw_per_kb;
    if (route == HW_MEM_HTREE)
        out->wire_mm = sqrt(out->area_mm2) * (1.0 - 1.0 / sqrt((double)out->banks));
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

/* Keeps (bytes, order, reads, tiles) in out if cheaper than what it holds. */
static void mem_plan_keep(hw_dram_plan *out, uint64_t bytes, int order, uint64_t w_reads,
                          uint64_t in_reads, uint64_t tiles)
{
    if (bytes < out->bytes) {
        out->bytes = bytes;
        out->order = order;
        out->w_reads = w_reads;
        out->in_reads = in_reads;
        out->tiles = tiles;
    }
}

/* Outer tiles of n units, `per_unit` bytes each (double-buffered), in `room` bytes: the count
 * of tiles of the largest tile that fits, 0 if not even one unit fits. */
static uint64_t mem_outer_tiles(double room, double per_unit, uint64_t n)
{
    if (!(room >= 0.0))
        return 0;
    if (!(per_unit > 0.0))
        return 1; /* nothing per unit: one tile holds them all */
    if (!(room >= per_unit))
        return 0;
    double t = floor(room / per_unit);
    uint64_t tile = t >= (double)n ? n : (uint64_t)t;
    return n / tile + (n % tile != 0);
}

/* One loop order: the outer operand (outer_all bytes, n_out units of outer_unit) in tiles, the
 * inner operand (inner_all bytes, units of inner_unit) streamed past each tile or resident,
 * outputs of op bytes per (outer unit, inner unit) pair streaming out. *streamed: outer tiles
 * with the inner operand streamed (0: none fits); *resident: outer tiles with the inner operand
 * resident (0: it does not fit whole). */
static void mem_order_tiles(double buf, double outer_unit, double outer_all, uint64_t n_out,
                            double inner_unit, double inner_all, double op, uint64_t *streamed,
                            uint64_t *resident)
{
    *resident = mem_outer_tiles(buf - inner_all, 2.0 * outer_unit + 2.0 * op, n_out);
    /* The whole outer operand, read once (not double-buffered), beside a streamed inner unit. */
    if (outer_all + 2.0 * inner_unit + 2.0 * (double)n_out * op <= buf)
        *streamed = 1;
    else
        *streamed = mem_outer_tiles(buf - 2.0 * inner_unit, 2.0 * outer_unit + 2.0 * op, n_out);
}

void hw_dram_plan_gemm(hw_dram_plan *out, const hw_gemm_bytes *g, uint64_t buf_bytes)
{
    assert(out != NULL && g != NULL);
    const uint64_t w = g->w_bytes, in = g->in_bytes, o = g->out_bytes;
    const uint64_t m = g->m > 0 ? g->m : 1, f = g->f > 0 ? g->f : 1;
    const uint64_t once = mem_add_sat(mem_add_sat(w, in), o);
    memset(out, 0, sizeof *out);

    if (once <= buf_bytes) {
        out->bytes = once;
        out->order = HW_TILE_ON_CHIP;
        out->w_reads = out->in_reads = out->tiles = 1;
        return;
    }

    /* Upper bound: one filter or one pixel at a time. */
    uint64_t by_filter = mem_add_sat(mem_add_sat(w, o), mem_mul_sat(f, in));
    uint64_t by_pixel = mem_add_sat(mem_add_sat(in, o), mem_mul_sat(m, w));
    if (by_filter <= by_pixel) {
        out->bytes = by_filter;
        out->w_reads = 1, out->in_reads = f, out->tiles = f;
    } else {
        out->bytes = by_pixel;
        out->w_reads = m, out->in_reads = 1, out->tiles = m;
    }
    out->order = HW_TILE_NONE_FITS;

    const double buf = (double)buf_bytes;
    const double wf = (double)w / (double)f, ip = (double)in / (double)m;
    const double op = (double)o / ((double)m * (double)f);
    uint64_t n = 0, n_res = 0;

    /* Filters outer: weight tiles stay, inputs stream past each (re-read per tile). */
    mem_order_tiles(buf, wf, (double)w, f, ip, (double)in, op, &n, &n_res);
    if (n_res > 0)
        mem_plan_keep(out, once, HW_TILE_FILTERS_OUTER, 1, 1, n_res);
    if (n > 0)
        mem_plan_keep(out, mem_add_sat(mem_add_sat(w, o), mem_mul_sat(n, in)),
                      HW_TILE_FILTERS_OUTER, 1, n, n);

    /* Pixels outer: input tiles stay, weights stream past each (re-read per tile). */
    mem_order_tiles(buf, ip, (double)in, m, wf, (double)w, op, &n, &n_res);
    if (n_res > 0)
        mem_plan_keep(out, once, HW_TILE_PIXELS_OUTER, 1, 1, n_res);
    if (n > 0)
        mem_plan_keep(out, mem_add_sat(mem_add_sat(in, o), mem_mul_sat(n, w)), HW_TILE_PIXELS_OUTER,
                      n, 1, n);
}
