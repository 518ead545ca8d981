/*
 * output.h — outputs: `squash eval`'s table as CSV or JSON (report.c), a sweep's front.csv,
 * points.csv and summary.json (output.c) and its run state squash.state (state.c), files written
 * atomically (sq.h, outfile.c), and the number formats every output uses.
 */
#ifndef SQUASH_OUTPUT_H
#define SQUASH_OUTPUT_H

#include <stdio.h>

#include "explore.h"

/* ---- `squash eval`'s table (search/report.c), files, number formats ---- */

/* Writes the eval table as CSV (CONTRACT.md columns first; doubles with `digits` significant
 * digits, see sq_fmt_num) or JSON (round-trip values). 0 or SQ_ERUNTIME. */
int sq_write_eval_csv(FILE *f, const sq_eval_result *res, int digits);
int sq_write_eval_json(FILE *f, const sq_eval_result *res, const net_network *net,
                       const hw_config *hw, const sw_compression *cmp);

/* Writes s as a JSON string, with the escapes RFC 8259 requires. */
void sq_json_str(FILE *f, const char *s);
/* Writes s as one CSV cell: as it is, or quoted when it holds a separator, a quote or a line
 * break (RFC 4180, quotes doubled); line breaks are dropped so that every row stays one line. */
void sq_csv_field(FILE *f, const char *s);

/* Significant digits of CSV numbers (--digits): SQ_DIGITS_MAX is sq_fmt_double's round trip. */
#define SQ_DIGITS_MIN 1
#define SQ_DIGITS_MAX 17
#define SQ_DIGITS_DEFAULT 6
/* Formats a CSV number with `digits` significant digits (%.Ng); a whole number below 2^53 is
 * written whole; 0 (and -0) is "0"; digits = SQ_DIGITS_MAX is exactly sq_fmt_double. */
void sq_fmt_num(char *buf, size_t len, double v, int digits);

/* ---- the run state (search/state.c) ---- */

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
/* The same with n_extra more columns at the end of each line (names; values with `digits`). */
void sq_points_header_extra(FILE *f, const sq_experiment *xp, int with_feasible,
                            const char *const *extra, size_t n_extra);
void sq_points_row_extra(FILE *f, const sq_experiment *xp, const sq_point *p, int with_feasible,
                         int n_digits, const double *extra, size_t n_extra);
void sq_points_row(FILE *f, const sq_experiment *xp, const sq_point *p, int with_feasible,
                   int digits);
/* DIR/NAME into out (len bytes); SQ_EINPUT when the path is too long. */
int sq_join(char *out, size_t len, const char *dir, const char *name, sq_error *err);
/* Creates dir and its missing parents (mkdir -p); SQ_EINPUT if it or a parent is a file. */
int sq_mkdir(const char *dir, sq_error *err);
/* Reads a whole file into a NUL-terminated buffer (owned). *missing = 1 when it does not exist
 * (state.c). */
int sq_read_file(char **out, size_t *len, const char *path, int *missing, sq_error *err);
/* Writes front.csv and summary.json for a finished state, atomically. breakdown: front.csv also
 * gets one `<component>_uj` column per energy component of the design's template (each front
 * point evaluated again, exactly as `squash eval --from DIR --id N` would). */
int sq_write_outputs(const sq_experiment *xp, sq_state *st, const char *dir, int threads, int ranks,
                     int breakdown, sq_error *err);

#endif
