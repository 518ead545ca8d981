/*
 * hw.h — squash's hardware models: technology energy/area tables and accelerator templates.
 *
 * A template is one file that fills a `hw_template`: a parameter table (the single source for
 * parsing, validation, sweeping, `squash list templates` and CSV column names), a cross-parameter
 * check, a per-layer evaluation, and an area model. A design is a `hw_config`: the template, the
 * template's parameter struct (filled through the table), and the technology constants scaled to
 * the design's node. Everything here is pure: no XML, files, threads, globals that change, or
 * allocation. Templates for an Eyeriss-like spatial array, an analog in-memory macro or an MCU
 * SIMD unit add a file and a line in hw_templates[]; nothing here changes.
 */
#ifndef SQUASH_HW_H
#define SQUASH_HW_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "ptable.h"

/* The version of the models' numbers. A sweep records it in its run state and summary.json, and
 * `--resume` and `merge` refuse a run made with another: bump it in any commit that changes a
 * number some model returns for an unchanged input (an equation, a constant, a table, a
 * default), so that a run is never finished or merged with numbers of two versions. */
#define HW_MODEL_VERSION 2

/* ------------------------------------------------------------------ technology */

typedef enum hw_dram_kind {
    HW_DRAM_DDR3 = 0,
    HW_DRAM_DDR4,
    HW_DRAM_LPDDR4,
    HW_DRAM_HBM2
} hw_dram_kind;
extern const char *const hw_dram_names[]; /* "ddr3", "ddr4", "lpddr4", "hbm2", NULL */

/* Technology constants. The table hw_tech_params lists every field with its 45 nm default and
 * source; a user overrides any of them from an accelerator file (<tech NAME="VALUE"/>) or --set.
 * Values in a hw_tech are at 45 nm; hw_tech_scaled() gives the values at the design's node. */
typedef struct hw_tech {
    double int_mult_pj_per_bit2;   /* integer multiply, pJ per (wbits·abits) partial product */
    double int_add_pj_per_bit;     /* integer add, pJ per bit of adder width */
    double fp16_mult_pj;           /* float16 multiply (pJ) */
    double fp32_mult_pj;           /* float32 multiply (pJ) */
    double fp16_add_pj;            /* float16 add (pJ) */
    double fp32_add_pj;            /* float32 add (pJ) */
    double sram_ref_pj;            /* SRAM read of 64 bits from an 8 KB array (pJ) */
    double sram_ref_kb;            /* capacity of that reference array (KB) */
    double sram_exp;               /* exponent of capacity in access energy (0.5: square root) */
    double rf_pj_per_bit;          /* register-file / pipeline-register access, pJ per bit */
    double dram_ddr3_pj_per_bit;   /* DDR3 access energy (pJ/bit) */
    double dram_ddr4_pj_per_bit;   /* DDR4 access energy (pJ/bit) */
    double dram_lpddr4_pj_per_bit; /* LPDDR4 access energy (pJ/bit) */
    double dram_hbm2_pj_per_bit;   /* HBM2 access energy (pJ/bit) */
    double mac_area_um2_per_bit2;  /* area of a MAC unit, µm² per (bits·bits) */
    double sram_area_mm2_per_kb;   /* SRAM area per KB (mm²/KB) */
    double leak_mw_per_mm2;        /* static (leakage) power density (mW/mm²) */
    double energy_scale; /* energy factor relative to 45 nm (1 at 45 nm; set by scaling) */
    double area_scale;   /* area factor relative to 45 nm (1 at 45 nm; set by scaling) */
    /* Memory levels (hwmodels/memory.h) */
    double sram_bank_kb;        /* largest bank a memory level is split into when not given (KB) */
    double wire_pj_per_bit_mm;  /* on-chip wire (H-tree) energy, pJ per bit per mm */
    double sram_write_ratio;    /* SRAM write energy over read energy (ratio) */
    double sram_leak_mw_per_kb; /* SRAM leakage power per KB (mW/KB) */
} hw_tech;

extern const pt_param hw_tech_params[];
extern const size_t hw_tech_n_params;

/* The 45 nm defaults (every field from the table's def). */
hw_tech hw_tech_default(void);
/* Is tech_nm one of the supported nodes (65 45 32 28 22 16 14 7)? */
int hw_tech_node_ok(double tech_nm);
/* The same as a parameter's in_set: if not, writes the supported nodes to list. */
int hw_tech_node_in_set(double tech_nm, char *list, size_t list_len);
/* Scales 45 nm constants to tech_nm: energies by the energy factor, areas by the area factor,
 * leakage density by energy/area. Sets energy_scale and area_scale. tech_nm must be node_ok. */
hw_tech hw_tech_scaled(const hw_tech *at45, double tech_nm);

/* Energies at the constants given (already scaled). */
double hw_tech_mult_pj(const hw_tech *t, uint32_t wbits, uint32_t abits, net_numfmt fmt);
double hw_tech_add_pj(const hw_tech *t, uint32_t bits, net_numfmt fmt);
/* One MAC: a multiply of the operands plus an accumulate at min(wbits + abits + 16,
 * acc_max_bits) bits (int) or in fp32 (fp, bf). */
double hw_tech_mac_pj(const hw_tech *t, uint32_t wbits, uint32_t abits, net_numfmt fmt,
                      uint32_t acc_max_bits);
/* SRAM access of word_bits from an array of capacity_kb (pJ per access). */
double hw_tech_sram_pj(const hw_tech *t, double capacity_kb, uint32_t word_bits);
double hw_tech_dram_pj_per_bit(const hw_tech *t, hw_dram_kind kind);

/* ------------------------------------------------------------------ designs and costs */

#define HW_PARAMS_MAX_BYTES 256

typedef struct hw_template hw_template;

typedef struct hw_config {
    char name[64];          /* design name (preset or file's name attribute) */
    const hw_template *tpl; /* the template this design instantiates */
    hw_tech tech45;         /* technology constants at 45 nm (defaults + overrides) */
    hw_tech tech;           /* the same scaled to the design's node (hw_config_prepare) */
    _Alignas(8) unsigned char params[HW_PARAMS_MAX_BYTES]; /* the template's parameter struct */
} hw_config;

/* Cost of one layer on one design. All energy terms are in pJ and add up to energy_pj. */
typedef struct hw_layer_cost {
    uint64_t macs;           /* MACs of the layer as given (dense count of its shape) */
    uint64_t macs_done;      /* MACs the array actually performs (after skipping zeros) */
    uint64_t compute_cycles; /* array busy cycles incl. fill / drain / passes */
    uint64_t memory_cycles;  /* DRAM transfer time in cycles at the design's bandwidth */
    uint64_t cycles;         /* layer latency: max(compute, memory) under double buffering */
    double utilization;      /* busy MAC slots / (PEs · compute_cycles), 0..1: MACs performed
                                (nonzero ones with skip) × PE-cycles each takes at its precision */
    double mac_pj;           /* multiply-accumulate energy */
    double noc_pj;           /* operand forwarding between PEs (register access per hop) */
    double sram_pj;          /* global buffer reads and writes */
    double dram_pj;          /* off-chip traffic */
    double static_pj;        /* leakage power · layer time */
    double energy_pj;        /* sum of the five terms above */
    uint64_t sram_bytes;     /* bytes moved between global buffer and array */
    uint64_t dram_bytes;     /* bytes moved between DRAM and global buffer */
    double latency_ms;       /* cycles / frequency */
} hw_layer_cost;

struct hw_template {
    const char *name;       /* "systolic" */
    const char *summary;    /* one line for `squash list templates` */
    const pt_param *params; /* the template's parameter table */
    size_t n_params;        /* entries in params */
    size_t params_size;     /* sizeof the template's parameter struct (<= HW_PARAMS_MAX_BYTES) */
    /* Cross-parameter checks beyond each parameter's range; 0 or -1 with a message. */
    int (*check)(const hw_config *cfg, char *msg, size_t msg_len);
    /* Per-layer evaluation; layer is compressed (net_compress). 0, or -1 if the layer cannot run
     * on the design at all (a reason goes nowhere: the caller reports the layer). */
    int (*eval_layer)(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                      hw_layer_cost *out);
    double (*area_mm2)(const hw_config *cfg);  /* chip area of the design (mm²) */
    double (*peak_tops)(const hw_config *cfg); /* peak tera-ops/s, 2 ops per MAC, at mac_bits */
    double (*freq_mhz)(const hw_config *cfg);  /* clock (MHz) */
};

extern const hw_template *const hw_templates[]; /* NULL-terminated registry */
const hw_template *hw_template_find(const char *name);

/* Fills cfg with the template's defaults and the 45 nm technology defaults. */
void hw_config_init(hw_config *cfg, const hw_template *tpl, const char *name);
/* Range-checks every parameter, runs the template's check, checks the node, and computes
 * cfg->tech from cfg->tech45. Returns 0, or -1 with a message. Call after any change. */
int hw_config_prepare(hw_config *cfg, char *msg, size_t msg_len);

/* Convenience wrappers over the template's functions. */
int hw_eval_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                  hw_layer_cost *out);
double hw_area_mm2(const hw_config *cfg);
double hw_peak_tops(const hw_config *cfg);

/* The systolic template (hwmodels/systolic.c). */
extern const hw_template hw_systolic_template;

#endif
