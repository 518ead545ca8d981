/*
 * load.h — configuration loading: network, accelerator and experiment files (and the built-in
 * zoo networks and accelerator presets) into the const structs the models and the explorer
 * read; `--set NAME=VALUE`; `squash check`; writing a calibration back into a network file.
 *
 * Loading runs in three steps (after ZigZag's parser): parse the XML with libxml2 (network access
 * and entity expansion off) → validate each attribute against its table and fill defaults
 * (errors carry FILE:LINE) → build the const structs the models read. The files: load.c (the
 * overview and `squash check`), load_xml.c (reading and parsing, attribute helpers),
 * load_net.c, load_hw.c, load_set.c, load_xp.c; params.c holds the compression table and the
 * built-in default experiment. load_private.h is shared by the load*.c files only.
 */
#ifndef SQUASH_LOAD_H
#define SQUASH_LOAD_H

#include <stdio.h>

#include "sq.h"

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

/* ---- experiments (CONTRACT.md "Experiment XML") ---- */

#define SQ_SWEEPS_MAX 64 /* sweeps in one experiment (digits arrays are this long) */

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

#endif
