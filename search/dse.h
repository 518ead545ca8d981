/*
 * dse.h — squash's explorer: loading of network / accelerator / experiment files, the built-in
 * zoo and presets, evaluation of one design point over a network, and the outputs.
 *
 * Loading runs in three steps (after ZigZag's parser): parse the XML with libxml2 (network access
 * and entity expansion off) → validate each attribute against its table and fill defaults
 * (errors carry FILE:LINE) → build the const structs the models read. Only this folder includes
 * libxml2, OpenMP or MPI headers.
 */
#ifndef SQUASH_DSE_H
#define SQUASH_DSE_H

#include <stdio.h>

#include "hw.h"
#include "net.h"

/* An error for the user: "FILE:LINE: message" (or "--set: message", "squash: message"). */
typedef struct sq_error {
    char msg[1024]; /* complete message, no trailing newline */
} sq_error;

enum {
    SQ_OK = 0,
    SQ_EINPUT = -2,  /* bad usage or bad input: exit code 2 */
    SQ_ERUNTIME = -1 /* I/O error, out of memory: exit code 1 */
};

/* Fills err->msg printf-style and returns code (for `return sq_fail(err, SQ_EINPUT, ...)`). */
int sq_fail(sq_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- built-in files (nets/zoo/NAME.xml, hwmodels/presets/NAME.xml, embedded at build) ---- */

typedef struct sq_builtin {
    const char *name; /* "resnet18", "edge-systolic" */
    const char *path; /* source path shown in messages: "nets/zoo/resnet18.xml" */
    const char *text; /* the file's bytes */
    size_t len;       /* bytes in text */
} sq_builtin;

extern const sq_builtin sq_zoo[];
extern const size_t sq_zoo_n;
extern const sq_builtin sq_presets[];
extern const size_t sq_presets_n;

const sq_builtin *sq_builtin_find(const sq_builtin *list, size_t n, const char *name);

/* ---- loaders ---- */

/* Opens path read-only, refusing anything but a regular file before any open that could block
 * (a FIFO without a writer, a terminal, a device). Returns a descriptor (close it), or -1 with
 * errno from the failing call, or -1 with errno 0 and *kind saying what path is instead ("a
 * FIFO", "a directory", ...). */
int sq_open_regular(const char *path, const char **kind);

/* NET is a zoo name or a path to a network XML file. On success *out is owned by the caller
 * (net_network_free). Errors: SQ_EINPUT with FILE:LINE, or SQ_ERUNTIME. */
int sq_net_load(net_network **out, const char *net, sq_error *err);
/* Same from a buffer (path is used in messages). */
int sq_net_load_buffer(net_network **out, const char *text, size_t len, const char *path,
                       sq_error *err);

/* HW is a preset name or a path to an accelerator XML file; out is prepared (hw_config_prepare). */
int sq_hw_load(hw_config *out, const char *hw, sq_error *err);
int sq_hw_load_buffer(hw_config *out, const char *text, size_t len, const char *path,
                      sq_error *err);

/* Applies one `--set NAME=VALUE`: a template parameter, a technology constant, or a compression
 * parameter. Re-prepares hw. Errors are SQ_EINPUT, message prefixed "--set NAME=VALUE: ". */
int sq_set_apply(hw_config *hw, sw_compression *cmp, const char *assignment, sq_error *err);
/* Applies several in order and prepares the design once at the end, so that their order does
 * not matter (`--set acc_bits=4 --set mac_bits=4`). hw and cmp change only on success. */
int sq_set_apply_all(hw_config *hw, sw_compression *cmp, const char *const *assignments, size_t n,
                     sq_error *err);

/* `squash calibrate`: writes p as the attributes of in_path's <accuracy> (created if absent) to
 * out_path (may equal in_path), atomically; the rest of the file is kept as it was. */
int sq_net_save_acc(const char *in_path, const char *out_path, const net_acc_params *p,
                    sq_error *err);

/* `squash check`: loads FILE.xml as whatever its root element says (network, accelerator,
 * experiment) and validates it completely. */
int sq_check_file(const char *path, sq_error *err);

/* ---- evaluation of one design point ---- */

typedef struct sq_eval_result {
    const hw_template *tpl;   /* the design's template (its energy components name columns) */
    size_t n_layers;          /* rows */
    net_layer *layers;        /* owned: the compressed layers as evaluated */
    hw_layer_cost *costs;     /* owned: one per layer */
    hw_layer_cost total;      /* sums of the rows (utilization: MAC-weighted) */
    double area_mm2;          /* design area */
    double freq_mhz;          /* clock */
    double accuracy;          /* top-1 (%) of the compressed network (nets/accuracy.c) */
    net_acc_src accuracy_src; /* measured, interpolated or estimated */
} sq_eval_result;

/* Evaluates every layer of net on hw under cmp. Returns 0, SQ_EINPUT (a setting the design
 * cannot run), or SQ_ERUNTIME (out of memory). */
int sq_eval(const net_network *net, const hw_config *hw, const sw_compression *cmp,
            sq_eval_result *out, sq_error *err);
void sq_eval_result_free(sq_eval_result *res);

typedef struct sq_experiment sq_experiment;
/* `squash eval --from DIR --id N`: loads the experiment DIR/squash.state names (checked against
 * the state like --resume does) and decodes point N into hw and cmp as the sweep did. *xp_out
 * is owned (sq_experiment_free; its net is the network to evaluate). SQ_EINPUT when DIR has no
 * state, N is outside the space or names an invalid design. */
int sq_eval_from(sq_experiment **xp_out, hw_config *hw, sw_compression *cmp, const char *dir,
                 uint64_t id, sq_error *err);

/* ---- outputs ---- */

/* Writes the eval table as CSV (CONTRACT.md columns first; doubles with `digits` significant
 * digits, see sq_fmt_num) or JSON (round-trip values). 0 or SQ_ERUNTIME. */
int sq_write_eval_csv(FILE *f, const sq_eval_result *res, int digits);
int sq_write_eval_json(FILE *f, const sq_eval_result *res, const net_network *net,
                       const hw_config *hw, const sw_compression *cmp);

/* Output files written atomically: open a temporary beside path, write to o->f, then commit
 * (flush, fsync, rename) or abort (remove). */
typedef struct sq_outfile {
    char final_path[4096]; /* where the output lands */
    char tmp_path[4096];   /* temporary name while it is written */
    FILE *f;               /* open while writing, NULL after commit / abort */
} sq_outfile;
int sq_outfile_open(sq_outfile *o, const char *path, sq_error *err);
int sq_outfile_commit(sq_outfile *o, sq_error *err);
void sq_outfile_abort(sq_outfile *o);

/* Writes s as a JSON string, with the escapes RFC 8259 requires. */
void sq_json_str(FILE *f, const char *s);
/* Writes s as one CSV cell: as it is, or quoted when it holds a separator, a quote or a line
 * break (RFC 4180, quotes doubled); line breaks are dropped so that every row stays one line. */
void sq_csv_field(FILE *f, const char *s);

/* Formats a double so that strtod gives it back exactly; never NaN or Inf (those become 0 and
 * are a bug upstream: assert in debug builds). */
void sq_fmt_double(char *buf, size_t len, double v);

/* Significant digits of CSV numbers (--digits): SQ_DIGITS_MAX is sq_fmt_double's round trip. */
#define SQ_DIGITS_MIN 1
#define SQ_DIGITS_MAX 17
#define SQ_DIGITS_DEFAULT 6
/* Formats a CSV number with `digits` significant digits (%.Ng); a whole number below 2^53 is
 * written whole; 0 (and -0) is "0"; digits = SQ_DIGITS_MAX is exactly sq_fmt_double. */
void sq_fmt_num(char *buf, size_t len, double v, int digits);

/* ================================================================== design-space exploration */

/* ---- metrics of a design point (CONTRACT.md names; the one list of them) ---- */

typedef enum sq_metric {
    SQ_ENERGY_UJ = 0, /* energy per inference of one batch (µJ) */
    SQ_LATENCY_MS,    /* latency of one batch (ms) */
    SQ_AREA_MM2,      /* chip area (mm²) */
    SQ_ACCURACY,      /* top-1 (%) */
    SQ_POWER_MW,      /* average power = energy / latency (mW) */
    SQ_EDP,           /* energy-delay product (µJ·ms) */
    SQ_TOPS_PER_W,    /* 2·MACs / energy (tera-ops per joule = TOPS/W) */
    SQ_N_METRICS
} sq_metric;

typedef struct sq_metric_info {
    const char *name; /* CSV column / XML metric name */
    const char *unit; /* for humans */
    const char *help; /* one line for `squash list metrics` */
} sq_metric_info;

extern const sq_metric_info sq_metrics[SQ_N_METRICS];
/* Index of a metric by name, or -1. */
int sq_metric_find(const char *name);

/* ---- experiments (CONTRACT.md "Experiment XML") ---- */

#define SQ_SWEEP_TECH 2
typedef struct sq_sweep {
    const pt_param *param; /* in the template's table or net_compression_params */
    int is_hw;             /* 1: accelerator parameter, SQ_SWEEP_TECH: technology constant (of
                              the design's tech45; nonzero: a design sweep), 0: compression */
    size_t n_values;       /* entries in values, >= 1 */
    double *values;        /* owned: values in sweep order (enum: indices) */
    long line;             /* line of the <sweep> element */
} sq_sweep;

typedef struct sq_constraint {
    int metric; /* sq_metric */
    double min; /* lower bound, -HUGE_VAL if none */
    double max; /* upper bound, HUGE_VAL if none */
} sq_constraint;

typedef struct sq_objective {
    int metric;   /* sq_metric */
    int maximize; /* 1: goal="max", 0: goal="min" */
} sq_objective;

/* One input file of an experiment: what decides its results byte for byte. */
typedef struct sq_input {
    char path[4096]; /* absolute path, or "builtin:nets/zoo/NAME.xml" for an embedded file */
    char sha256[65]; /* hex SHA-256 of its bytes */
} sq_input;

/* The experiment file, its network, its accelerator and the presets that one reaches through
 * preset="..." (at most 4 deep), each once. */
#define SQ_INPUTS_MAX 8

typedef struct sq_experiment {
    char name[64];                  /* experiment name ("" if none) */
    char path[4096];                /* file it came from ("(built-in default)" for the default) */
    char sha256[65];                /* hex SHA-256 of the file's bytes */
    size_t n_inputs;                /* entries in inputs, >= 1 */
    sq_input inputs[SQ_INPUTS_MAX]; /* the experiment file first, then the files it uses */
    net_network *net;               /* owned */
    hw_config hw;                   /* the accelerator with its fixed attributes */
    sw_compression cmp;             /* compression with its fixed attributes */
    size_t n_sweeps;                /* entries in sweeps, in file order */
    sq_sweep *sweeps;               /* owned */
    size_t n_constraints;           /* entries in constraints */
    sq_constraint *constraints;     /* owned */
    size_t n_objectives;            /* entries in objectives, >= 2 */
    sq_objective *objectives;       /* owned */
    uint64_t space_size;            /* product of the sweeps' n_values (points) */
} sq_experiment;

/* Loads and validates an experiment file (references resolve relative to its folder). */
int sq_experiment_load(sq_experiment **out, const char *path, sq_error *err);
/* The path a run state records for the built-in default experiment. */
#define SQ_BUILTIN_XP_PATH "(built-in default)"
/* Loads the experiment a run state names: a file, or SQ_BUILTIN_XP_PATH (merge, eval --from). */
int sq_experiment_load_recorded(sq_experiment **out, const char *path, sq_error *err);
/* Same from a buffer; path names it in messages and gives the folder for references. */
int sq_experiment_load_buffer(sq_experiment **out, const char *text, size_t len, const char *path,
                              sq_error *err);
void sq_experiment_free(sq_experiment *xp);

/* The built-in default experiment (`squash sweep` with no file). */
extern const char sq_default_experiment_xml[];

/* ---- the design space: a point is an index, decoded in mixed radix ---- */

#define SQ_SWEEPS_MAX 64 /* sweeps in one experiment (digits arrays are this long) */

/* The point's value index in each sweep (digits[n_sweeps]); the LAST sweep varies fastest, so
 * the id order is the nested-loop order of the file. id < space_size. */
void sq_space_decode(const sq_experiment *xp, uint64_t id, uint32_t *digits);
/* Fills hw and cmp with the point's design: the experiment's fixed values, then each sweep's.
 * Returns 0, or -1 with a reason in msg when the combination is invalid (an infeasible point,
 * not an error: hw_config_prepare or net_compression_check refused it). */
int sq_space_point(const sq_experiment *xp, uint64_t id, hw_config *hw, sw_compression *cmp,
                   char *msg, size_t msg_len);
/* The same from the point's digits (sq_space_decode), for callers that need them too. */
int sq_space_apply(const sq_experiment *xp, const uint32_t *digits, hw_config *hw,
                   sw_compression *cmp, char *msg, size_t msg_len);

/* SHA-256 of a buffer as 64 lowercase hex digits and a NUL. */
void sq_sha256_hex(const void *data, size_t len, char out[65]);

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
} sq_sweep_opts;

/* Runs (part of) the experiment and writes front.csv, summary.json, points.csv (all) and the
 * run state (squash.state: checkpoint while running, record for merge when done) to out_dir. */
int sq_sweep_run(const sq_experiment *xp, const sq_sweep_opts *opts, sq_error *err);

/* `squash merge`: combines the states of shard directories that together cover one experiment's
 * space into the outputs one run over the whole space gives. */
int sq_merge_run(const char *out_dir, char *const *shard_dirs, size_t n_shards, int threads,
                 int force, sq_error *err);
/* The same with the CSV digits: 1..17, or 0 for the shards' own. */
int sq_merge_run_digits(const char *out_dir, char *const *shard_dirs, size_t n_shards, int threads,
                        int digits, int force, sq_error *err);

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

/* ---- sweep outputs and run state (search/output.c) ---- */

/* What a run has done so far: progress, counts, the front. Saved as DIR/squash.state. */
typedef struct sq_state {
    char sha256[65];            /* experiment's SHA-256 */
    char xp_path[4096];         /* experiment's path as given */
    const sq_experiment *xp;    /* borrowed: whose inputs (files, SHA-256) the state records */
    uint64_t shard_i;           /* part (1-based) */
    uint64_t shard_n;           /* of parts */
    uint64_t block_ids;         /* B: the space is dealt to the parts in blocks of B ids */
    uint64_t lo, hi;            /* the part's positions [lo, hi) (sq_shard_id maps them to ids) */
    uint64_t next;              /* positions [lo, next) are done */
    uint64_t evaluated;         /* points evaluated (points) */
    uint64_t feasible;          /* feasible points among them (points) */
    uint64_t layer_evals;       /* model calls, distinct layers once per point (count) */
    double wall_s;              /* wall time spent so far, over all attempts (s) */
    long long points_bytes;     /* bytes of points.csv written so far, -1 without --all */
    int has_nadir;              /* 1 once a feasible point was seen */
    double nadir[SQ_N_METRICS]; /* worst feasible value per objective, objective order */
    int digits;                 /* significant digits of points.csv / front.csv numbers */
    uint64_t
        reasons[SQ_N_REASONS]; /* points evaluated per SQ_R_* reason (points); sum = evaluated */
    sq_archive *front;         /* owned: the non-dominated feasible points */
} sq_state;

void sq_state_free(sq_state *st); /* frees st->front; st itself is the caller's */
int sq_state_write(const sq_state *st, const char *dir, sq_error *err);
/* Reads DIR/squash.state into st (front built for xp's objectives). SQ_EINPUT if absent (with
 * *missing = 1), malformed, of another experiment, or when one of the inputs it records
 * differs from xp's (the message names the file) or the models are of another version. */
int sq_state_read(sq_state *st, const sq_experiment *xp, const char *dir, int *missing,
                  sq_error *err);
/* Reads only the experiment_path and experiment_sha256 lines of DIR/squash.state (any state
 * format), without an experiment. *missing = 1 when there is no state. */
int sq_state_peek(char *xp_path, size_t len, char sha256[65], const char *dir, int *missing,
                  sq_error *err);

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

/* ---- the output directory: one sweep or merge at a time ---- */

/* Creates dir and its missing parents, takes DIR/squash.lock (flock, so that a crashed run
 * leaves no lock behind; the file names the holder's pid and host), and refuses a directory
 * that holds another experiment's outputs unless force. *fd_out is the lock (sq_dir_unlock).
 * xp_path and sha256 identify this run's experiment. SQ_EINPUT: held by another process, or
 * another experiment's; SQ_ERUNTIME: cannot be created or written. */
int sq_dir_lock(int *fd_out, const char *dir, const char *xp_path, const char *sha256, int force,
                sq_error *err);
void sq_dir_unlock(int fd, const char *dir); /* accepts -1 */

/* CSV header and rows of front.csv / points.csv (with_feasible adds the `feasible` and
 * `infeasible_reason` columns). Metrics get `digits` significant digits (sq_fmt_num); the swept
 * parameters are always written exactly (they name the point). */
void sq_points_header(FILE *f, const sq_experiment *xp, int with_feasible);
void sq_points_row(FILE *f, const sq_experiment *xp, const sq_point *p, int with_feasible,
                   int digits);
/* Creates dir and its missing parents (mkdir -p); SQ_EINPUT if it or a parent is a file. */
int sq_mkdir(const char *dir, sq_error *err);
/* Reads a whole file into a NUL-terminated buffer (owned). *missing = 1 when it does not exist. */
int sq_read_file(char **out, size_t *len, const char *path, int *missing, sq_error *err);
/* Writes front.csv and summary.json for a finished state, atomically. */
int sq_write_outputs(const sq_experiment *xp, sq_state *st, const char *dir, int threads, int ranks,
                     sq_error *err);

#endif
