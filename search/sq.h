/*
 * sq.h — what every room of search/ shares: the error a failing function fills (sq_error), its
 * return codes, files written atomically, the round-trip number format, and the SHA-256 that
 * names an input's bytes.
 *
 * search/ is four rooms, each with its own header; a file includes the headers of the rooms it
 * uses, so its #include lines are its dependency list:
 *   load.h     configuration loading: network, accelerator and experiment files, the built-in
 *              zoo and presets, --set, `squash check` and `squash calibrate`'s file writing
 *              (load.c, load_xml.c, load_net.c, load_hw.c, load_set.c, load_xp.c, params.c)
 *   metric.h   the metrics of a design point: one table (name, unit, goal, formula) that eval
 *              and the sweep both compute from (metric.c)
 *   explore.h  exploration: the design space, evaluation of a point, the Pareto archive, the
 *              sweep driver, shards, merge, MPI ranks, estimates (space.c, eval.c, point.c,
 *              pareto.c, sweep.c, shard.c, merge.c, estimate.c; ranks.h privately)
 *   output.h   outputs: eval's CSV/JSON, front.csv, points.csv, summary.json, the run state,
 *              number formats (report.c, output.c, state.c)
 * the files every room uses, declared here (error.c, outfile.c, sha256.c), and the command,
 * main.c, which only parses arguments and calls the rooms. Dependencies point one way:
 * load ← explore ← output ← main. Only search/ includes libxml2, OpenMP or MPI headers.
 */
#ifndef SQUASH_SQ_H
#define SQUASH_SQ_H

#include <stddef.h>
#include <stdint.h>
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

/* Output files written atomically: open a temporary beside path, write to o->f, then commit
 * (flush, fsync, rename) or abort (remove). Every file squash writes goes this way: the
 * outputs, and `squash calibrate`'s network file (outfile.c). */
typedef struct sq_outfile {
    char final_path[4096]; /* where the output lands */
    char tmp_path[4096];   /* temporary name while it is written */
    FILE *f;               /* open while writing, NULL after commit / abort */
} sq_outfile;
int sq_outfile_open(sq_outfile *o, const char *path, sq_error *err);
int sq_outfile_commit(sq_outfile *o, sq_error *err);
void sq_outfile_abort(sq_outfile *o);

/* Formats a double so that strtod gives it back exactly; never NaN or Inf (those become 0 and
 * are a bug upstream: assert in debug builds). For every file search/ writes (report.c). */
void sq_fmt_double(char *buf, size_t len, double v);

/* SHA-256 of a buffer as 64 lowercase hex digits and a NUL. */
void sq_sha256_hex(const void *data, size_t len, char out[65]);

#endif
