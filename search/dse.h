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

/* ---- compression parameters: one table, as for the templates ---- */

extern const hw_param sq_compression_params[]; /* prune, prune_kind, wbits, abits, numfmt */
extern const size_t sq_compression_n_params;

/* ---- loaders ---- */

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

/* `squash check`: loads FILE.xml as whatever its root element says (network, accelerator,
 * experiment) and validates it completely. */
int sq_check_file(const char *path, sq_error *err);

/* ---- evaluation of one design point ---- */

typedef struct sq_eval_result {
    size_t n_layers;      /* rows */
    net_layer *layers;    /* owned: the compressed layers as evaluated */
    hw_layer_cost *costs; /* owned: one per layer */
    hw_layer_cost total;  /* sums of the rows (utilization: MAC-weighted) */
    double area_mm2;      /* design area */
    double freq_mhz;      /* clock */
    double accuracy;      /* top-1 (%); baseline until the accuracy model lands */
} sq_eval_result;

/* Evaluates every layer of net on hw under cmp. Returns 0, SQ_EINPUT (a setting the design
 * cannot run), or SQ_ERUNTIME (out of memory). */
int sq_eval(const net_network *net, const hw_config *hw, const sw_compression *cmp,
            sq_eval_result *out, sq_error *err);
void sq_eval_result_free(sq_eval_result *res);

/* ---- outputs ---- */

/* Writes the eval table as CSV (CONTRACT.md columns first) or JSON. 0 or SQ_ERUNTIME. */
int sq_write_eval_csv(FILE *f, const sq_eval_result *res);
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

/* Formats a double so that strtod gives it back exactly; never NaN or Inf (those become 0 and
 * are a bug upstream: assert in debug builds). */
void sq_fmt_double(char *buf, size_t len, double v);

#endif
