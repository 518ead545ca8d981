/*
 * explore.h — exploration: a design point is an index into an experiment's space (space.c);
 * evaluating it runs the models over the network and derives the metrics (eval.c for one point
 * with every layer kept, point.c for the sweep's hot loop); the Pareto archive keeps the
 * non-dominated points (pareto.c); the sweep driver runs the space over threads, shards and MPI
 * ranks (sweep.c, shard.c, ranks.h), merge joins shards (merge.c), and estimate.c sizes a run
 * before it starts.
 */
#ifndef SQUASH_EXPLORE_H
#define SQUASH_EXPLORE_H

#include <stdio.h>

#include "load.h"
#include "metric.h"

/* ---- evaluation of one design point ---- */

typedef struct sq_eval_result {
    const hw_template *tpl;   /* the design's template (its energy components name columns) */
    size_t n_layers;          /* rows */
    net_layer *layers;        /* owned: the compressed layers as evaluated */
    hw_layer_cost *costs;     /* owned: one per layer */
    hw_layer_ctx *ctx;        /* owned: one per layer, where its activations live */
    hw_layer_cost total;      /* sums of the rows (utilization: MAC-weighted) */
    double area_mm2;          /* design area */
    double freq_mhz;          /* clock */
    double accuracy;          /* top-1 (%) of the compressed network (nets/accuracy.c) */
    net_acc_src accuracy_src; /* measured, interpolated or estimated */
    double accuracy_lo;       /* its method-spread band, low and high (net_accuracy_band) */
    double accuracy_hi;
} sq_eval_result;

/* Evaluates every layer of net on hw under cmp. Returns 0, SQ_EINPUT (a setting the design
 * cannot run), or SQ_ERUNTIME (out of memory). */
int sq_eval(const net_network *net, const hw_config *hw, const sw_compression *cmp,
            sq_eval_result *out, sq_error *err);
void sq_eval_result_free(sq_eval_result *res);
/* The totals the metric table's formulas read (metric.h), from an evaluation of hw. */
sq_totals sq_eval_totals(const sq_eval_result *res, const hw_config *hw);

/* `squash eval --from DIR --id N`: loads the experiment DIR/squash.state names (checked against
 * the state like --resume does) and decodes point N into hw and cmp as the sweep did. *xp_out
 * is owned (sq_experiment_free; its net is the network to evaluate). SQ_EINPUT when DIR has no
 * state, N is outside the space or names an invalid design. */
int sq_eval_from(sq_experiment **xp_out, hw_config *hw, sw_compression *cmp, const char *dir,
                 uint64_t id, sq_error *err);

/* ---- the design space: a point is an index, decoded in mixed radix ---- */

/* The point's value index in each sweep (digits[n_sweeps], at most SQ_SWEEPS_MAX); the LAST sweep
 * varies fastest, so the id order is the nested-loop order of the file. id < space_size. */
void sq_space_decode(const sq_experiment *xp, uint64_t id, uint32_t *digits);
/* Fills hw and cmp with the point's design: the experiment's fixed values, then each sweep's.
 * Returns 0, or -1 with a reason in msg when the combination is invalid (an infeasible point,
 * not an error: hw_config_prepare or net_compression_check refused it). */
int sq_space_point(const sq_experiment *xp, uint64_t id, hw_config *hw, sw_compression *cmp,
                   char *msg, size_t msg_len);
/* The same from the point's digits (sq_space_decode), for callers that need them too. */
int sq_space_apply(const sq_experiment *xp, const uint32_t *digits, hw_config *hw,
                   sw_compression *cmp, char *msg, size_t msg_len);

/* ---- evaluation of points ---- */

/* Why a point is infeasible: a small code in the hot loop, a text only when a row is written
 * (sq_reason_text). The set is fixed, so counts per reason reduce as a plain array. A violated
 * constraint is named by its metric and side; a point that breaks several gets the first in
 * the order the evaluator checks them (area and accuracy constraints in file order, then the
 * others in file order), so its reason is the same with or without --all. */
enum {
    SQ_R_FEASIBLE = 0, /* no reason: the point is feasible */
    SQ_R_DESIGN,       /* hw_config_prepare refused the design (e.g. acc_bits < mac_bits) */
    SQ_R_COMPRESSION,  /* net_compression_check refused the setting (e.g. fp with 4 bits) */
    SQ_R_LAYER,        /* a layer the design cannot run */
    SQ_R_NONFINITE,    /* a model gave a non-finite metric (a bug upstream; defensive) */
    SQ_R_UNRECORDED,   /* from a state written before reasons were counted (resume, merge) */
    SQ_R_CONSTRAINT0,  /* SQ_R_CONSTRAINT0 + 2·metric: below the metric's min; + 1: above max */
    SQ_N_REASONS = SQ_R_CONSTRAINT0 + 2 * SQ_N_METRICS
};

typedef struct sq_point {
    uint64_t id;            /* index in the design space */
    double m[SQ_N_METRICS]; /* metrics; all finite */
    int feasible;           /* 1 if the design is valid and meets every constraint */
    int acc_src;            /* net_acc_src of m[SQ_ACCURACY]; -1 for an invalid design */
    int reason;             /* SQ_R_*: why it is infeasible, SQ_R_FEASIBLE when feasible */
} sq_point;

/* The reason's text for a points.csv cell: "" when feasible, "area_mm2 > 5" for a constraint
 * (the tightest bound of that metric and side), "invalid design: MESSAGE" with the models' own
 * message (sq_space_point is run again: rows are few next to evaluations). */
void sq_reason_text(const sq_experiment *xp, const sq_point *p, char *buf, size_t len);
/* A reason's name without a point (summary.json's infeasible_reasons keys): "invalid design",
 * "area_mm2 > 5", ... */
void sq_reason_name(const sq_experiment *xp, int reason, char *buf, size_t len);
/* Tells on f when every point evaluated is infeasible, naming the reason that rejected most
 * points, with its count (and, for an invalid combination, an example point of the space with
 * the models' message), then the other reasons' counts. Nothing when some point is feasible. */
void sq_report_infeasible(FILE *f, const sq_experiment *xp, const uint64_t *reasons,
                          uint64_t evaluated, uint64_t feasible);

/* Per-thread evaluation state: the experiment's distinct layer shapes and scratch space, so that
 * evaluating a point allocates nothing. */
typedef struct sq_evaluator sq_evaluator;
sq_evaluator *sq_evaluator_new(const sq_experiment *xp);
void sq_evaluator_free(sq_evaluator *ev);
/* Evaluates point id. With full = 0, a point that fails a cheap check (invalid design, area or
 * accuracy constraint) is returned infeasible with only the cheap metrics filled (others 0);
 * with full = 1 every metric of a valid design is computed. Pure given the experiment. */
void sq_evaluate(sq_evaluator *ev, uint64_t id, int full, sq_point *out);
/* Layer evaluations (model calls) this evaluator has made so far (count). */
uint64_t sq_evaluator_layer_evals(const sq_evaluator *ev);
/* Distinct (shape, position) layers the evaluator runs per point (ResNet-50: 24 of 54). */
size_t sq_evaluator_distinct_layers(const sq_evaluator *ev);

/* ---- Pareto archive: the non-dominated feasible points seen so far ---- */

typedef struct sq_archive sq_archive;
/* An archive for the experiment's objectives (copied); NULL when out of memory. */
sq_archive *sq_archive_new(const sq_objective *objectives, size_t n_objectives);
void sq_archive_free(sq_archive *a);
/* Offers a point: kept unless some archived point dominates it (no worse in every objective,
 * better in one); archived points it dominates are dropped. Points with equal objective vectors
 * are all kept; the same point (same id) offered twice is kept once; infeasible points never.
 * Returns 1 kept, 0 not kept, SQ_ERUNTIME out of memory (archive unchanged). Memory is
 * proportional to the front, not to the points offered. */
int sq_archive_insert(sq_archive *a, const sq_point *p);
/* Offers every point of from to into. */
int sq_archive_merge(sq_archive *into, const sq_archive *from);
size_t sq_archive_size(const sq_archive *a);
/* The front sorted by the first objective (best first), then the next objectives, then id:
 * the same order whatever order the points came in. Valid until the next insert. */
const sq_point *sq_archive_sorted(sq_archive *a);
/* Hypervolume dominated by the front within the box bounded by ref (one raw metric value per
 * objective, the worst corner), in the product of the objectives' units. Exact. Negative (-1)
 * only when out of memory. */
double sq_archive_hypervolume(sq_archive *a, const double *ref);

/* ---- the sweep driver (search/sweep.c: the one file with OpenMP) ---- */

typedef struct sq_sweep_opts {
    const char *out_dir; /* output directory, created if missing */
    int threads;         /* OpenMP threads; 0 = all cores */
    uint64_t shard_i;    /* this run is part shard_i (1-based) ... */
    uint64_t shard_n;    /* ... of shard_n interleaved parts of the space; 1/1 = whole */
    int resume;          /* continue from the checkpoint in out_dir */
    double checkpoint_s; /* seconds between checkpoints */
    int all;             /* also write points.csv */
    int quiet;           /* no progress on stderr */
    int force;           /* write over another experiment's outputs in out_dir */
    int digits;          /* CSV significant digits 1..17; 0: 6, or the checkpoint's on --resume */
    double progress_s;   /* seconds between plain progress lines when stderr is not a
                            terminal; <= 0: 60 */
    int breakdown;       /* front.csv gets one <component>_uj column per energy component */
} sq_sweep_opts;

/* Runs (part of) the experiment and writes front.csv, summary.json, points.csv (all) and the
 * run state (squash.state: checkpoint while running, record for merge when done) to out_dir. */
int sq_sweep_run(const sq_experiment *xp, const sq_sweep_opts *opts, sq_error *err);

/* `squash merge`: combines the states of shard directories that together cover one experiment's
 * space into the outputs one run over the whole space gives. */
int sq_merge_run(const char *out_dir, char *const *shard_dirs, size_t n_shards, int threads,
                 int force, sq_error *err);
/* The same with the CSV digits (1..17, or 0 for the shards' own) and front.csv's energy
 * breakdown columns (sq_sweep_opts.breakdown). */
int sq_merge_run_digits(const char *out_dir, char *const *shard_dirs, size_t n_shards, int threads,
                        int digits, int breakdown, int force, sq_error *err);

/* ---- sizing a run before it starts (search/estimate.c, `squash check`) ---- */

typedef struct sq_estimate {
    uint64_t space_size; /* points in the space */
    size_t n_layers;     /* layers of the network */
    size_t n_distinct;   /* distinct (shape, position) layers evaluated per point */
    uint64_t sample_ids; /* distinct ids in the sample, spread evenly over the space */
    uint64_t evaluated;  /* evaluations timed (points; a small space is visited again) */
    double sample_s;     /* CPU time of the sampling thread (s) */
    double points_per_s; /* evaluated / sample_s on one thread (points/s), > 0 */
} sq_estimate;

/* Times sq_evaluate (full = 0, as the sweep without --all) on one thread over passes of
 * min(S, max_ids) ids spread evenly over the space (each pass shifted), until min_s has
 * passed, stopping at max_s even in the first pass. 0 or SQ_ERUNTIME (memory). */
int sq_estimate_run(const sq_experiment *xp, uint64_t max_ids, double min_s, double max_s,
                    sq_estimate *out, sq_error *err);
/* Prints the space, the layers and the wall time per thread count 1, 2, 4, …, cores (and
 * threads, when > 0), and with shard_n > 0 per shard at threads (else cores) threads: indented
 * lines under `FILE: ok`. */
void sq_check_report(FILE *f, const sq_experiment *xp, const sq_estimate *est, int cores,
                     int threads, uint64_t shard_n);
/* Cores this process may run on (its CPU affinity, as OpenMP counts them). */
int sq_cores(void);

/* ---- shards: which ids part I of N evaluates (search/shard.c) ---- */

/* The block size B for a space of `space` ids cut into n parts: a prime from a fixed table,
 * about space / (32 n), at least 1 (the design is at the top of shard.c). */
uint64_t sq_shard_block(uint64_t space, uint64_t n);
/* Positions (ids) of part i (1-based) of n with blocks of b ids. */
uint64_t sq_shard_count(uint64_t space, uint64_t i, uint64_t n, uint64_t b);
/* The id at position pos of part i of n (pos < sq_shard_count); ids grow with positions. */
uint64_t sq_shard_id(uint64_t i, uint64_t n, uint64_t b, uint64_t pos);
/* The part (1-based) holding id, and id's position in it. */
uint64_t sq_shard_of(uint64_t id, uint64_t n, uint64_t b, uint64_t *pos);

#endif
