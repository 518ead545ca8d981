/*
 * hw.h — squash's hardware models: technology energy/area tables and accelerator templates.
 *
 * A template is one file that fills a `hw_template`: a parameter table (the single source for
 * parsing, validation, sweeping, `squash list templates` and CSV column names), a table of its
 * energy components (eval's `<name>_pj` columns), a cross-parameter check, a per-layer
 * evaluation, and an area model. A design is a `hw_config`: the template, the template's
 * parameter struct (filled through the table), and the technology constants scaled to the
 * design's node. Everything here is pure: no XML, files, threads, globals that change, or
 * allocation. A new template (an Eyeriss-like spatial array, an analog in-memory macro, an MCU
 * SIMD unit) is a new .c file here plus its line in templates.def; nothing else changes.
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
 * default; the accuracy model of nets/accuracy.c included), so that a run is never finished or
 * merged with numbers of two versions. 4: accuracy model v2. */
#define HW_MODEL_VERSION 4

/* ------------------------------------------------------------------ technology */

typedef enum hw_dram_kind {
    HW_DRAM_DDR3 = 0,
    HW_DRAM_DDR4,
    HW_DRAM_LPDDR4,
    HW_DRAM_HBM2
} hw_dram_kind;
extern const char *const hw_dram_names[]; /* "ddr3", "ddr4", "lpddr4", "hbm2", NULL */

/* How a technology constant follows the node (the cls of its table entry). */
typedef enum hw_scaling {
    HW_SCALE_NONE = 0, /* kept as given: DRAM (another chip), capacities, exponents, factors */
    HW_SCALE_ENERGY,   /* × the node's energy factor (times energy_scale) */
    HW_SCALE_AREA,     /* × the node's area factor (times area_scale) */
    HW_SCALE_LEAKAGE   /* × energy / area factor: power per device over devices per mm² */
} hw_scaling;

/* Template-specific technology constants a template may declare (hw_template.tech_params). */
#define HW_TECH_EXTRA_MAX 16

/* Technology constants. The shared table hw_tech_params lists every named field with its 45 nm
 * default, source and scaling class; a template adds its own constants (ADC energy, instruction
 * overhead, ...) in hw_template.tech_params, stored in extra[] (offsets HW_TECH_EXTRA(i)). A user
 * overrides any of them from an accelerator file (<tech NAME="VALUE"/>) or --set. Values in a
 * hw_tech are at 45 nm; hw_tech_scaled() gives the values at the design's node. */
typedef struct hw_tech {
    double int_mult_pj_per_bit2;    /* integer multiply, pJ per (wbits·abits) partial product */
    double int_add_pj_per_bit;      /* integer add, pJ per bit of adder width */
    double fp16_mult_pj;            /* float16 multiply (pJ) */
    double fp32_mult_pj;            /* float32 multiply (pJ) */
    double fp16_add_pj;             /* float16 add (pJ) */
    double fp32_add_pj;             /* float32 add (pJ) */
    double sram_ref_pj;             /* SRAM read of 64 bits from an 8 KB array (pJ) */
    double sram_ref_kb;             /* capacity of that reference array (KB) */
    double sram_exp;                /* exponent of capacity in access energy (0.5: square root) */
    double rf_pj_per_bit;           /* register-file / pipeline-register access, pJ per bit */
    double dram_ddr3_pj_per_bit;    /* DDR3 access energy (pJ/bit) */
    double dram_ddr4_pj_per_bit;    /* DDR4 access energy (pJ/bit) */
    double dram_lpddr4_pj_per_bit;  /* LPDDR4 access energy (pJ/bit) */
    double dram_hbm2_pj_per_bit;    /* HBM2 access energy (pJ/bit) */
    double mac_area_um2_per_bit2;   /* PE multiplier array, µm² per (wbits·abits) */
    double pe_reg_area_um2_per_bit; /* PE register bit with its share of adder, wires (µm²) */
    double clk_pj_per_reg_bit;      /* clock tree and always-on, pJ per register bit per cycle */
    double sram_area_mm2_per_kb;    /* SRAM area per KB (mm²/KB) */
    double leak_mw_per_mm2;         /* static (leakage) power density (mW/mm²) */
    double energy_scale; /* energy factor relative to 45 nm (1 at 45 nm; set by scaling) */
    double area_scale;   /* area factor relative to 45 nm (1 at 45 nm; set by scaling) */
    /* Memory levels (hwmodels/memory.h) */
    double sram_bank_kb;        /* largest bank a memory level is split into when not given (KB) */
    double wire_pj_per_bit_mm;  /* on-chip wire (H-tree) energy, pJ per bit per mm */
    double sram_write_ratio;    /* SRAM write energy over read energy (ratio) */
    double sram_leak_mw_per_kb; /* SRAM leakage power per KB (mW/KB) */
    double extra[HW_TECH_EXTRA_MAX]; /* the template's own constants, in its tech_params order */
} hw_tech;
#define HW_TECH_EXTRA(i) (offsetof(hw_tech, extra) + (size_t)(i) * sizeof(double))

extern const pt_param hw_tech_params[];
extern const size_t hw_tech_n_params;

/* The 45 nm defaults of the shared table (extra[] zero). */
hw_tech hw_tech_default(void);
/* Is tech_nm one of the supported nodes (65 45 32 28 22 16 14 7)? */
int hw_tech_node_ok(double tech_nm);
/* The same as a parameter's in_set: if not, writes the supported nodes to list. */
int hw_tech_node_in_set(double tech_nm, char *list, size_t list_len);
/* Scales 45 nm constants to tech_nm, each by its class (hw_scaling) in the shared table and in
 * the template's table extra (n_extra entries; NULL, 0 for none). Sets energy_scale and
 * area_scale to the factors used. tech_nm must be node_ok. */
hw_tech hw_tech_scaled_with(const hw_tech *at45, double tech_nm, const pt_param *extra,
                            size_t n_extra);
/* The same for the shared constants only. */
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
#define HW_DERIVED_MAX_BYTES 128

typedef struct hw_template hw_template;

typedef struct hw_config {
    char name[64];          /* design name (preset or file's name attribute) */
    const hw_template *tpl; /* the template this design instantiates */
    hw_tech tech45;         /* technology constants at 45 nm (defaults + overrides) */
    hw_tech tech;           /* the same scaled to the design's node (hw_config_prepare) */
    _Alignas(8) unsigned char params[HW_PARAMS_MAX_BYTES]; /* the template's parameter struct */
    /* Values of the design every layer evaluation needs (buffer energies per access, ...),
     * computed once by the template's derive hook at the end of hw_config_prepare; zero before.
     * Not parameters: never set them, change a parameter and prepare again. */
    _Alignas(8) unsigned char derived[HW_DERIVED_MAX_BYTES];
} hw_config;

/* ------------------------------------------------------------------ energy components */

/* A template names the parts its energy splits into (a table, like its parameters): eval prints
 * one `<name>_pj` column per component and `squash list templates` lists them. Every template
 * declares at least the four of CONTRACT.md's eval columns, HW_COMPONENTS_COMMON (mac, sram,
 * dram, static: a template without, say, an SRAM reports 0 there); the order of its table is the
 * order in which energy_pj adds them up. */
#define HW_COMP_MAX 12
#define HW_COMPONENTS_COMMON                                                                       \
    {                                                                                              \
        "mac", "sram", "dram", "static"                                                            \
    }
#define HW_N_COMPONENTS_COMMON 4

typedef struct hw_component {
    const char *name; /* "mac": the column mac_pj */
    const char *help; /* one line for `squash list templates` */
} hw_component;

/* Cost of one layer on one design: the counts every template has, and its energy by component
 * (pJ, in the order of the template's component table), which add up to energy_pj. */
typedef struct hw_layer_cost {
    uint64_t macs;               /* MACs of the layer as given (dense count of its shape) */
    uint64_t macs_done;          /* MACs the array actually performs (after skipping zeros) */
    uint64_t compute_cycles;     /* array busy cycles incl. fill / drain / passes */
    uint64_t memory_cycles;      /* DRAM transfer time in cycles at the design's bandwidth */
    uint64_t buffer_cycles;      /* on-chip buffer transfer time at its bandwidth (0: unlimited) */
    uint64_t cycles;             /* layer latency: max(compute, memory, buffer), overlapped */
    double utilization;          /* busy MAC slots / (PEs · compute_cycles), 0..1: MACs performed
                                    (nonzero ones with skip) × PE-cycles each takes at its precision */
    double comp_pj[HW_COMP_MAX]; /* energy of each component of the template (pJ) */
    double energy_pj;            /* the sum of comp_pj, added in table order (pJ) */
    uint64_t sram_bytes;         /* bytes moved between on-chip buffers and the array */
    uint64_t dram_bytes;         /* bytes moved between DRAM and the on-chip buffers */
    double latency_ms;           /* cycles / frequency */
} hw_layer_cost;

/* Where a layer's activations live, decided for the whole network by hw_residency_plan (the
 * generic driver) before any layer is evaluated. All zero: the input is read from DRAM and the
 * output written back to it (layer by layer, what hw_eval_layer assumes). */
typedef struct hw_layer_ctx {
    unsigned char in_on_chip; /* the input is in the on-chip buffer already (flag) */
    unsigned char
        out_on_chip; /* the output stays in the on-chip buffer for the next layer (flag) */
} hw_layer_ctx;

/* What a template declares about one layer so that the driver can keep activations on chip. */
typedef struct hw_act_space {
    uint64_t in_bytes;   /* the layer's input activations as stored (bytes) */
    uint64_t out_bytes;  /* its output activations as stored (bytes) */
    uint64_t free_bytes; /* on-chip buffer its own plan leaves for resident activations (bytes;
                            0: none, nothing stays on chip around this layer) */
} hw_act_space;

/* A layer's evaluation comes in two steps, so that a caller weighing several residencies of one
 * layer (a sweep: up to four per distinct layer and point) does the rest of the work once:
 *   prep_layer fills what does not depend on where the layer's activations live: space (its
 *     activation sizes and the room its plan leaves, for hw_residency_plan; all zero: nothing of
 *     it stays on chip), the fields of cost that do not depend on residency, and in data whatever
 *     the template keeps for the second step;
 *   finish_layer completes a copy of that cost for one hw_layer_ctx (DRAM traffic, and the time
 *     and energy that follow from it). It cannot fail: a layer that runs, runs anywhere.
 * hw_eval_layer_ctx is the two in a row, so both paths give the same bits. */
#define HW_PREP_MAX_BYTES 192
typedef struct hw_layer_prep {
    hw_act_space space; /* the layer's activation sizes and buffer room */
    hw_layer_cost cost; /* the residency-independent part of the cost (template-defined) */
    _Alignas(8) unsigned char data[HW_PREP_MAX_BYTES]; /* the template's own values */
} hw_layer_prep;

/* Counts a template derives from a layer that could wrap 64 bits: hw_template.count_bounds
 * gives the largest value each could reach, so that the loader can refuse a layer first. */
typedef enum hw_bound {
    HW_BOUND_DRAM_BYTES = 0, /* bytes between DRAM and the on-chip buffers */
    HW_BOUND_SRAM_BYTES,     /* bytes between the buffers and the array (operands, psums) */
    HW_BOUND_COMPUTE_CYCLES, /* array busy cycles */
    HW_BOUND_MEMORY_CYCLES,  /* DRAM transfer cycles */
    HW_N_BOUNDS
} hw_bound;

struct hw_template {
    const char *name;       /* "systolic" */
    const char *summary;    /* one line for `squash list templates` */
    const pt_param *params; /* the template's parameter table */
    size_t n_params;        /* entries in params */
    size_t params_size;     /* sizeof the template's parameter struct (<= HW_PARAMS_MAX_BYTES) */
    const pt_param *tech_params;    /* the template's own technology constants (offsets
                                       HW_TECH_EXTRA(i), cls an hw_scaling); NULL if none */
    size_t n_tech_params;           /* entries in tech_params (<= HW_TECH_EXTRA_MAX) */
    const hw_component *components; /* the template's energy components (see above) */
    size_t n_components;            /* entries in components (<= HW_COMP_MAX) */
    /* Cross-parameter checks beyond each parameter's range; 0 or -1 with a message. */
    int (*check)(const hw_config *cfg, char *msg, size_t msg_len);
    /* Per-layer evaluation in two steps (see hw_layer_prep); layer is compressed
     * (net_compress). prep_layer: 0, or -1 if the layer cannot run on the design at all (a reason
     * goes nowhere: the caller reports the layer). finish_layer: the cost under ctx. */
    int (*prep_layer)(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                      hw_layer_prep *out);
    void (*finish_layer)(const hw_config *cfg, const hw_layer_prep *prep, const hw_layer_ctx *ctx,
                         hw_layer_cost *out);
    double (*area_mm2)(const hw_config *cfg);  /* chip area of the design (mm²) */
    double (*peak_tops)(const hw_config *cfg); /* peak tera-ops/s, 2 ops per MAC, at mac_bits */
    double (*freq_mhz)(const hw_config *cfg);  /* clock (MHz) */
    /* The largest value each hw_bound count could reach for an uncompressed layer on ANY design
     * of the template's parameter ranges under any compression it accepts, in long double (exact
     * to 2^64, no wrap beyond). The loader refuses a layer, or a network summed over its layers,
     * where one reaches 2^63, so that no uint64_t count of the template wraps. */
    void (*count_bounds)(const net_layer *layer, long double out[HW_N_BOUNDS]);
    /* Optional: fills cfg->derived from the prepared design (hw_config_prepare calls it last),
     * so that prep_layer and finish_layer do not recompute per layer what depends on the design
     * alone. */
    void (*derive)(hw_config *cfg);
    /* Optional: the noise power the design adds to a layer's outputs beyond the compression's
     * quantization (ADC quantization and clipping, analog noise), in the accuracy proxy's units:
     * v = 2^(−2b) is the noise of a uniform quantizer of b bits at the output's full scale
     * (nets/accuracy.c's N(b)). NULL: exact digital arithmetic (0). */
    double (*layer_noise)(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp);
};

/* The registry: every template listed in hwmodels/templates.def, NULL-terminated. */
extern const hw_template *const hw_templates[];
const hw_template *hw_template_find(const char *name);
/* A technology constant by name: the shared table's, else the template's (tpl may be NULL). */
const pt_param *hw_tech_param_find(const hw_template *tpl, const char *name);
/* Index of a component in a template's table by name, or -1. */
int hw_component_find(const hw_template *tpl, const char *name);
/* Checks a template's declaration: its required functions present, parameter and component
 * tables within their limits, names unique, the common components present, a tech_nm
 * parameter. 0, or -1 with a message. */
int hw_template_check(const hw_template *tpl, char *msg, size_t msg_len);
/* Sets out->energy_pj to the sum of the first n components, in table order. */
void hw_cost_sum(hw_layer_cost *out, size_t n);

/* Fills cfg with the template's defaults and the 45 nm technology defaults. */
void hw_config_init(hw_config *cfg, const hw_template *tpl, const char *name);
/* Range-checks every parameter, runs the template's check, checks the node, and computes
 * cfg->tech from cfg->tech45. Returns 0, or -1 with a message. Call after any change. */
int hw_config_prepare(hw_config *cfg, char *msg, size_t msg_len);

/* Convenience wrappers over the template's functions. */
int hw_eval_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                  hw_layer_cost *out);
/* The same with the layer's activations where ctx says (hw_eval_layer: both in DRAM): prep then
 * finish. On -1, *out is all zero. */
int hw_eval_layer_ctx(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                      const hw_layer_ctx *ctx, hw_layer_cost *out);
/* The two steps on their own (hw_layer_prep). hw_prep_layer: 0, or -1 (the layer cannot run;
 * then *out's space and cost are all zero). */
int hw_prep_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                  hw_layer_prep *out);
void hw_finish_layer(const hw_config *cfg, const hw_layer_prep *prep, const hw_layer_ctx *ctx,
                     hw_layer_cost *out);
/* The layer's hw_act_space from prep_layer, or all zero (nothing resident) when it cannot run. */
void hw_act_space_of(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                     hw_act_space *out);
/* Decides which activations stay on chip, for n_layers run in order (layer i's input is layer
 * i−1's output; the first reads from DRAM, the last writes to it). space[of[i]] is layer i's
 * hw_act_space (of NULL: space[i]), so a caller may share one entry among equal layers. The rule:
 * the tensor between layers i and i+1 stays on chip when each of the two layers can hold its
 * whole input and output in the room its plan leaves, in + out ≤ free (the producer writes the
 * tensor there, the consumer reads it from there). A layer whose hw_act_space is all zero (one
 * the template does not cost) is skipped: the tensor passes through it. Fills ctx[0..n_layers). */
void hw_residency_plan(size_t n_layers, const size_t *of, const hw_act_space *space,
                       hw_layer_ctx *ctx);
double hw_area_mm2(const hw_config *cfg);
double hw_peak_tops(const hw_config *cfg);
/* The template's layer_noise, or 0 for a template without one (exact digital arithmetic). */
double hw_layer_noise(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp);

/* Each template, by the name in hwmodels/templates.def (hw_<name>_template). */
#define HW_TEMPLATE(name) extern const hw_template hw_##name##_template;
#include "templates.def"
#undef HW_TEMPLATE

#endif
