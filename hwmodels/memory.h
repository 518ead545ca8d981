/*
 * memory.h — the component library's memory parts, shared by templates (hwmodels/memory.c):
 * a memory level (a banked SRAM: energy per read and per write, leakage, area) and the DRAM
 * traffic of a GEMM through an on-chip buffer (a blocked-loop tiling search). Pure functions of
 * the technology constants (hw_tech, already scaled to the design's node) and their arguments.
 */
#ifndef SQUASH_HW_MEMORY_H
#define SQUASH_HW_MEMORY_H

#include <stdint.h>

#include "hw.h"

/* ------------------------------------------------------------------ memory level */

/* How a word reaches its bank. */
typedef enum hw_mem_route {
    HW_MEM_HTREE = 0, /* one port for the level: every access crosses an H-tree to its bank */
    HW_MEM_LOCAL      /* each bank has its own client beside it (accumulators under the
                         array's columns): no wire beyond the bank's own */
} hw_mem_route;

typedef struct hw_mem_level {
    double capacity_kb; /* total capacity (KB = KiB) */
    uint32_t word_bits; /* width of one access (bits) */
    uint32_t banks;     /* banks of equal size (count) */
    uint32_t ports;     /* ports per bank (count) */
    double bank_kb;     /* capacity of one bank (KB) */
    double wire_mm;     /* H-tree route from the level's port to a bank (mm; 0 when local) */
    double read_pj;     /* one word read: bank + wire (pJ) */
    double write_pj;    /* one word written (pJ) */
    double leak_mw;     /* leakage power of the whole level (mW) */
    double area_mm2;    /* area of the whole level (mm²) */
} hw_mem_level;

/* The banks of a level of capacity_kb when not given: the fewest equal banks of at most
 * t->sram_bank_kb each, ceil(capacity_kb / sram_bank_kb) (at least 1). */
uint32_t hw_mem_banks_for(const hw_tech *t, double capacity_kb);

/* Fills out for a level of capacity_kb (> 0) split into `banks` (0: hw_mem_banks_for), words of
 * word_bits (> 0), `ports` per bank (0 taken as 1). A capacity of 0 gives a level with every
 * energy, power and area 0 (no such level). */
void hw_mem_level_init(hw_mem_level *out, const hw_tech *t, double capacity_kb, uint32_t word_bits,
                       uint32_t banks, uint32_t ports, hw_mem_route route);

/* Energy per byte read / written (pJ): the word's energy over its bytes (energy is linear in
 * the word width, so a byte costs 8/word_bits of a word). */
double hw_mem_read_pj_per_byte(const hw_mem_level *m);
double hw_mem_write_pj_per_byte(const hw_mem_level *m);

/* Peak bandwidth of the level: every port of every bank moving one word a cycle (bytes/cycle). */
double hw_mem_bytes_per_cycle(const hw_mem_level *m);

/* ------------------------------------------------------------------ DRAM tiling */

/* One GEMM's operands as they sit in DRAM: m output pixels × f filters, each filter reading a
 * window of the inputs. Bytes are whole tensors; a tile of k filters holds k/f of the weights,
 * a tile of k pixels k/m of the inputs (halos are not counted) and k·(tile filters)/(m·f) of
 * the outputs. */
typedef struct hw_gemm_bytes {
    uint64_t m;         /* output pixels (count) */
    uint64_t f;         /* filters (count) */
    uint64_t w_bytes;   /* weights (bytes) */
    uint64_t in_bytes;  /* inputs (bytes) */
    uint64_t out_bytes; /* outputs (bytes) */
} hw_gemm_bytes;

typedef enum hw_tile_order {
    HW_TILE_ON_CHIP = 0,   /* everything fits: each tensor once */
    HW_TILE_FILTERS_OUTER, /* filter tiles outer: a weight tile stays, inputs stream past */
    HW_TILE_PIXELS_OUTER,  /* pixel tiles outer: an input tile stays, weights stream past */
    HW_TILE_NONE_FITS      /* not even one filter or pixel with its partners fits */
} hw_tile_order;

typedef struct hw_dram_plan {
    uint64_t bytes;    /* DRAM traffic of the GEMM (bytes) */
    int order;         /* hw_tile_order of the plan kept */
    uint64_t w_reads;  /* times the weights are read (count) */
    uint64_t in_reads; /* times the inputs are read (count) */
    uint64_t tiles;    /* tiles of the outer loop (count) */
} hw_dram_plan;

/* The cheapest blocked-loop plan of g through a buffer of buf_bytes (see memory.c). The
 * traffic never rises with buf_bytes. */
void hw_dram_plan_gemm(hw_dram_plan *out, const hw_gemm_bytes *g, uint64_t buf_bytes);

#endif
