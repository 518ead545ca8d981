/*
 * output.c — what a sweep leaves in its directory:
 *   front.csv     the Pareto front, sorted by the first objective (CONTRACT.md columns)
 *   points.csv    every evaluated point in id order (--all), plus `feasible` and
 *                 `infeasible_reason`; CSV metrics have the run's --digits (sq_fmt_num)
 *   summary.json  counts, time, hypervolume with its reference point, provenance
 *   squash.state  the run state: the checkpoint while running, the record `squash merge` reads
 *                 when done
 * Every file is written to a temporary name and renamed, so a reader never sees half a file.
 *
 * squash.state is line-oriented text. Doubles are written as C99 hexadecimal floats (%a), so a
 * resumed or merged run continues from exactly the values it stopped at and its outputs are
 * byte-identical to an uninterrupted run's:
 *   squash-state 2
 *   experiment_sha256 HEX / experiment_path PATH
 *   inputs N / HEX PATH (one line per input file: the experiment, the network, the accelerator,
 *   the presets it uses; "builtin:PATH" for an embedded one) / model_version V
 *   shard I N / block_ids B / range LO HI / next POS (positions of the shard, shard.c)
 *   evaluated N / feasible N / layer_evals N / wall_s X / points_bytes N / nadir 0|1 X...
 *   digits D (significant digits of the CSV numbers) / reasons K C0 ... C(K-1) (points per
 *   SQ_R_* reason, C0 the feasible ones) / front N
 *   ID SRC M0 M1 ... M6  (one line per front point: accuracy source, the SQ_N_METRICS metrics)
 *   end
 *
 * Hypervolume (normalized, as pymoo and most DSE papers report it). Each objective is scaled
 * over the feasible points evaluated so that its best value (the ideal, found on the front) maps
 * to 0 and its worst (the nadir, tracked over every feasible point) to 1; the volume the front
 * dominates is measured up to the reference point 1.1 in every objective. So a front that is a
 * single point dominating everything scores 1.1^k, and the value is unitless and comparable
 * across runs of the same experiment. An objective that is constant over the feasible points
 * (all at 0 after scaling) contributes its full 1.1. The ideal, the nadir and the reference are
 * written beside the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define SQ_STATE_NAME "squash.state"
#define SQ_STATE_MAGIC "squash-state 2"
#define SQ_STATE_MAGIC_OLD "squash-state 1" /* before inputs and blocks: refused with advice */

void sq_state_free(sq_state *st)
{
    if (!st)
        return;
    sq_archive_free(st->front);
    st->front = NULL;
}

static int sq_join(char *out, size_t len, const char *dir, const char *name, sq_error *err)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %s/%s", dir, name);
    return SQ_OK;
}

int sq_state_write(const sq_state *st, const char *dir, sq_error *err)
{
    char path[4096];
    sq_outfile o;
    int rc = sq_join(path, sizeof path, dir, SQ_STATE_NAME, err);
    if (rc == SQ_OK)
        rc = sq_outfile_open(&o, path, err);
    if (rc != SQ_OK)
        return rc;
    FILE *f = o.f;
    fprintf(f, "%s\nexperiment_sha256 %s\nexperiment_path %s\n", SQ_STATE_MAGIC, st->sha256,
            st->xp_path);
    size_t n_in = st->xp ? st->xp->n_inputs : 0;
    fprintf(f, "inputs %zu\n", n_in);
    for (size_t i = 0; i < n_in; i++)
        fprintf(f, "%s %s\n", st->xp->inputs[i].sha256, st->xp->inputs[i].path);
    fprintf(f, "model_version %d\n", HW_MODEL_VERSION);
    fprintf(f,
            "shard %" PRIu64 " %" PRIu64 "\nblock_ids %" PRIu64 "\nrange %" PRIu64 " %" PRIu64
            "\nnext %" PRIu64 "\n",
            st->shard_i, st->shard_n, st->block_ids, st->lo, st->hi, st->next);
    fprintf(f,
            "evaluated %" PRIu64 "\nfeasible %" PRIu64 "\nlayer_evals %" PRIu64
            "\nwall_s %a\npoints_bytes %lld\n",
            st->evaluated, st->feasible, st->layer_evals, st->wall_s, st->points_bytes);
    fprintf(f, "nadir %d", st->has_nadir);
    for (int k = 0; k < SQ_N_METRICS; k++)
        fprintf(f, " %a", st->nadir[k]);
    fprintf(f, "\ndigits %d\nreasons %d", st->digits, SQ_N_REASONS);
    for (int k = 0; k < SQ_N_REASONS; k++)
        fprintf(f, " %" PRIu64, st->reasons[k]);
    size_t n = sq_archive_size(st->front);
    const sq_point *pts = sq_archive_sorted(st->front);
    fprintf(f, "\nfront %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%" PRIu64 " %d", pts[i].id, pts[i].acc_src);
        for (int k = 0; k < SQ_N_METRICS; k++)
            fprintf(f, " %a", pts[i].m[k]);
        fputc('\n', f);
    }
    fputs("end\n", f);
    return sq_outfile_commit(&o, err);
}

/* ---- reading the state back: a tiny tokenizer over the file's text ---- */

typedef struct sq_reader {
    char *p;          /* next character */
    const char *path; /* for messages */
    long line;        /* current line (1-based) */
} sq_reader;

/* Skips to the start of the next line. */
static void sq_next_line(sq_reader *r)
{
    while (*r->p && *r->p != '\n')
        r->p++;
    if (*r->p == '\n')
        r->p++;
}

static int sq_bad_state(sq_reader *r, sq_error *err, const char *what)
{
    return sq_fail(err, SQ_EINPUT, "%s:%ld: malformed run state: %s", r->path, r->line, what);
}

/* Expects KEY at the start of a line and returns the rest of the line (trimmed) in place. */
static char *sq_key_line(sq_reader *r, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(r->p, key, n) != 0 || (r->p[n] != ' ' && r->p[n] != '\n'))
        return NULL;
    char *v = r->p + n;
    while (*v == ' ')
        v++;
    char *end = strchr(v, '\n');
    if (end) {
        *end = '\0';
        r->p = end + 1;
    } else {
        r->p = v + strlen(v);
    }
    r->line++;
    return v;
}

/* One number at s: its length in characters, or -1. out is a uint64_t or a double. */
typedef int (*sq_parse_one)(const char *s, void *out);

static int sq_parse_u64(const char *s, void *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    *(uint64_t *)out = v;
    return (int)(end - s);
}

static int sq_parse_f64(const char *s, void *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        return -1;
    *(double *)out = v;
    return (int)(end - s);
}

/* Parses "A B C ..." (space-separated, nothing after) into n values of elem_size bytes. */
static int sq_parse_list(const char *s, void *out, size_t elem_size, int n, sq_parse_one one)
{
    for (int i = 0; i < n; i++) {
        while (*s == ' ')
            s++;
        int used = one(s, (char *)out + (size_t)i * elem_size);
        if (used < 0)
            return -1;
        s += used;
    }
    while (*s == ' ')
        s++;
    return *s ? -1 : 0;
}

static int sq_parse_u64s(const char *s, uint64_t *out, int n)
{
    return sq_parse_list(s, out, sizeof *out, n, sq_parse_u64);
}

static int sq_parse_f64s(const char *s, double *out, int n)
{
    return sq_parse_list(s, out, sizeof *out, n, sq_parse_f64);
}

/* A state file, points.csv or any other file merge and --resume read: refused unless regular
 * (a FIFO planted in a run directory would otherwise block the read forever). */
int sq_read_file(char **out, size_t *len, const char *path, int *missing, sq_error *err)
{
    const char *kind = NULL;
    *out = NULL;
    int fd = sq_open_regular(path, &kind);
    if (fd < 0 && kind != NULL)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read %s: it is %s, not a regular file", path,
                       kind);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT && missing)
            *missing = 1;
        return sq_fail(err, e == ENOENT ? SQ_EINPUT : SQ_ERUNTIME, "squash: cannot read %s: %s",
                       path, strerror(e));
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    int bad = 0;
    while (buf != NULL) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            bad = errno;
        if (got <= 0)
            break;
        n += (size_t)got;
        if (n < cap)
            continue;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (nb == NULL)
            free(buf);
        buf = nb;
    }
    close(fd);
    if (buf == NULL || bad) {
        free(buf);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot read %s: %s", path,
                       bad ? strerror(bad) : "out of memory");
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SQ_OK;
}

int sq_state_read(sq_state *st, const sq_experiment *xp, const char *dir, int *missing,
                  sq_error *err)
{
    char path[4096];
    char *text = NULL;
    size_t len = 0;
    int rc;
    memset(st, 0, sizeof *st);
    if (missing)
        *missing = 0;
    if ((rc = sq_join(path, sizeof path, dir, SQ_STATE_NAME, err)) != SQ_OK ||
        (rc = sq_read_file(&text, &len, path, missing, err)) != SQ_OK)
        return rc;
    st->front = sq_archive_new(xp->objectives, xp->n_objectives);
    if (!st->front) {
        free(text);
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }
    sq_reader r = {text, path, 1};
    char *v;
    uint64_t u[2];
    long long pb = 0;
    if (strncmp(r.p, SQ_STATE_MAGIC_OLD "\n", strlen(SQ_STATE_MAGIC_OLD) + 1) == 0) {
        rc = sq_fail(err, SQ_EINPUT,
                     "%s: written by an older squash that did not record the run's inputs; "
                     "run the sweep again without --resume",
                     path);
        goto out;
    }
    if (strncmp(r.p, SQ_STATE_MAGIC "\n", strlen(SQ_STATE_MAGIC) + 1) != 0) {
        rc = sq_bad_state(&r, err, "not a squash run state");
        goto out;
    }
    sq_next_line(&r);
    r.line++;
#define SQ_NEED(cond, what)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            rc = sq_bad_state(&r, err, what);                                                      \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)
    SQ_NEED((v = sq_key_line(&r, "experiment_sha256")) && strlen(v) == 64, "experiment_sha256");
    memcpy(st->sha256, v, 65);
    SQ_NEED((v = sq_key_line(&r, "experiment_path")) && strlen(v) < sizeof st->xp_path,
            "experiment_path");
    memcpy(st->xp_path, v, strlen(v) + 1);
    SQ_NEED((v = sq_key_line(&r, "inputs")) && sq_parse_u64s(v, u, 1) == 0 &&
                u[0] <= SQ_INPUTS_MAX && u[0] >= 1,
            "inputs");
    {
        /* Every recorded input must be one of xp's with the same bytes, and none of xp's
         * missing: a run is finished or merged only with the files it started with. */
        uint64_t n_in = u[0];
        char seen[SQ_INPUTS_MAX] = {0};
        for (uint64_t i = 0; i < n_in; i++) {
            SQ_NEED(strlen(r.p) > 66 && r.p[64] == ' ', "input line");
            char sha[65];
            memcpy(sha, r.p, 64);
            sha[64] = '\0';
            r.p += 65;
            char *end = strchr(r.p, '\n');
            SQ_NEED(end != NULL, "input line");
            *end = '\0';
            const char *in_path = r.p;
            r.p = end + 1;
            r.line++;
            size_t k = 0;
            while (k < xp->n_inputs && strcmp(xp->inputs[k].path, in_path) != 0)
                k++;
            if (k == xp->n_inputs) {
                rc = sq_fail(err, SQ_EINPUT,
                             "%s: this run used %s, which %s no longer uses (or it moved); its "
                             "results belong to other inputs",
                             path, in_path, xp->path);
                goto out;
            }
            if (strcmp(xp->inputs[k].sha256, sha) != 0) {
                rc = sq_fail(err, SQ_EINPUT,
                             "%s: %s changed since this run started (its SHA-256 differs from "
                             "the one recorded); its results belong to the old version",
                             path, in_path);
                goto out;
            }
            seen[k] = 1;
        }
        for (size_t k = 0; k < xp->n_inputs; k++) {
            if (!seen[k]) {
                rc = sq_fail(err, SQ_EINPUT,
                             "%s: %s now uses %s, which this run did not; its results belong to "
                             "other inputs",
                             path, xp->path, xp->inputs[k].path);
                goto out;
            }
        }
    }
    SQ_NEED((v = sq_key_line(&r, "model_version")) && sq_parse_u64s(v, u, 1) == 0, "model_version");
    if (u[0] != HW_MODEL_VERSION) {
        rc = sq_fail(err, SQ_EINPUT,
                     "%s: this run was made with model version %" PRIu64
                     " and this squash has version %d (the models' numbers changed)",
                     path, u[0], HW_MODEL_VERSION);
        goto out;
    }
    if (strcmp(st->sha256, xp->sha256) != 0) { /* defensive: the inputs list covers it */
        rc = sq_fail(err, SQ_EINPUT, "%s: %s changed since this run started", path, xp->path);
        goto out;
    }
    st->xp = xp;
    SQ_NEED((v = sq_key_line(&r, "shard")) && sq_parse_u64s(v, u, 2) == 0, "shard");
    st->shard_i = u[0];
    st->shard_n = u[1];
    SQ_NEED((v = sq_key_line(&r, "block_ids")) && sq_parse_u64s(v, &st->block_ids, 1) == 0 &&
                st->block_ids >= 1,
            "block_ids");
    SQ_NEED((v = sq_key_line(&r, "range")) && sq_parse_u64s(v, u, 2) == 0, "range");
    st->lo = u[0];
    st->hi = u[1];
    SQ_NEED((v = sq_key_line(&r, "next")) && sq_parse_u64s(v, &st->next, 1) == 0, "next");
    SQ_NEED((v = sq_key_line(&r, "evaluated")) && sq_parse_u64s(v, &st->evaluated, 1) == 0,
            "evaluated");
    SQ_NEED((v = sq_key_line(&r, "feasible")) && sq_parse_u64s(v, &st->feasible, 1) == 0,
            "feasible");
    SQ_NEED((v = sq_key_line(&r, "layer_evals")) && sq_parse_u64s(v, &st->layer_evals, 1) == 0,
            "layer_evals");
    SQ_NEED((v = sq_key_line(&r, "wall_s")) && sq_parse_f64s(v, &st->wall_s, 1) == 0, "wall_s");
    SQ_NEED((v = sq_key_line(&r, "points_bytes")), "points_bytes");
    {
        char *end;
        errno = 0;
        pb = strtoll(v, &end, 10);
        SQ_NEED(!errno && end != v && *end == '\0' && pb >= -1, "points_bytes");
        st->points_bytes = pb;
    }
    SQ_NEED((v = sq_key_line(&r, "nadir")) && (v[0] == '0' || v[0] == '1') && v[1] == ' ', "nadir");
    st->has_nadir = v[0] == '1';
    SQ_NEED(sq_parse_f64s(v + 2, st->nadir, SQ_N_METRICS) == 0, "nadir");
    /* digits and reasons: absent from states written before they existed (17 digits then;
     * the infeasible points' reasons are not known, and counted as such). */
    st->digits = SQ_DIGITS_MAX;
    if ((v = sq_key_line(&r, "digits")) != NULL) {
        SQ_NEED(sq_parse_u64s(v, u, 1) == 0 && u[0] >= SQ_DIGITS_MIN && u[0] <= SQ_DIGITS_MAX,
                "digits (1..17)");
        st->digits = (int)u[0];
    }
    if ((v = sq_key_line(&r, "reasons")) != NULL) {
        uint64_t sum = 0;
        int used = sq_parse_u64(v, &u[0]);
        SQ_NEED(used > 0 && u[0] == SQ_N_REASONS &&
                    sq_parse_u64s(v + used, st->reasons, SQ_N_REASONS) == 0,
                "reasons (a count, then one number per reason)");
        for (int k = 0; k < SQ_N_REASONS; k++) {
            SQ_NEED(st->reasons[k] <= st->evaluated - sum, "reasons add up to more than evaluated");
            sum += st->reasons[k];
        }
        SQ_NEED(sum == st->evaluated && st->reasons[SQ_R_FEASIBLE] == st->feasible,
                "reasons do not add up to the points evaluated");
    } else {
        SQ_NEED(st->feasible <= st->evaluated, "feasible");
        st->reasons[SQ_R_FEASIBLE] = st->feasible;
        st->reasons[SQ_R_UNRECORDED] = st->evaluated - st->feasible;
    }
    SQ_NEED((v = sq_key_line(&r, "front")) && sq_parse_u64s(v, u, 1) == 0, "front");
    SQ_NEED(st->lo <= st->next && st->next <= st->hi && st->hi <= xp->space_size &&
                st->shard_i >= 1 && st->shard_i <= st->shard_n && st->feasible <= st->evaluated,
            "inconsistent progress");
    /* The state must add up with the space: the shard's size, the work done, the front. */
    SQ_NEED(st->lo == 0 &&
                st->hi == sq_shard_count(xp->space_size, st->shard_i, st->shard_n, st->block_ids),
            "range is not the shard's");
    SQ_NEED(st->evaluated == st->next - st->lo, "evaluated differs from the points done (next)");
    SQ_NEED(u[0] <= st->feasible, "front larger than the feasible count");
    SQ_NEED(isfinite(st->wall_s) && st->wall_s >= 0, "wall_s");
    for (uint64_t i = 0; i < u[0]; i++) {
        sq_point p;
        memset(&p, 0, sizeof p);
        char *end = strchr(r.p, '\n');
        SQ_NEED(end != NULL, "truncated front");
        *end = '\0';
        char *s = r.p;
        int used = sq_parse_u64(s, &p.id);
        uint64_t pos = 0;
        SQ_NEED(used > 0 && p.id < xp->space_size &&
                    sq_shard_of(p.id, st->shard_n, st->block_ids, &pos) == st->shard_i &&
                    pos < st->next,
                "front point id outside the points done by this shard");
        uint64_t src = 0;
        int used2 = s[used] == ' ' ? sq_parse_u64(s + used + 1, &src) : -1;
        SQ_NEED(used2 > 0 && src <= NET_ACC_ESTIMATED, "front point accuracy source");
        p.acc_src = (int)src;
        SQ_NEED(sq_parse_f64s(s + used + 1 + used2, p.m, SQ_N_METRICS) == 0, "front point metrics");
        p.feasible = 1;
        r.p = end + 1;
        r.line++;
        if (sq_archive_insert(st->front, &p) < 0) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
    }
    SQ_NEED(strcmp(r.p, "end\n") == 0, "missing end line (truncated file)");
#undef SQ_NEED
    rc = SQ_OK;
out:
    free(text);
    if (rc != SQ_OK)
        sq_state_free(st);
    return rc;
}

/* ---- CSV rows ---- */

void sq_points_header(FILE *f, const sq_experiment *xp, int with_feasible)
{
    sq_points_header_extra(f, xp, with_feasible, NULL, 0);
}

void sq_points_header_extra(FILE *f, const sq_experiment *xp, int with_feasible,
                            const char *const *extra, size_t n_extra)
{
    fputs("id", f);
    for (size_t i = 0; i < xp->n_sweeps; i++)
        fprintf(f, ",%s", xp->sweeps[i].param->name);
    for (int k = 0; k < SQ_N_METRICS; k++)
        fprintf(f, ",%s", sq_metrics[k].name);
    fputs(with_feasible ? ",accuracy_src,feasible,infeasible_reason" : ",accuracy_src", f);
    for (size_t k = 0; k < n_extra; k++)
        fprintf(f, ",%s", extra[k]);
    fputc('\n', f);
}

void sq_points_row(FILE *f, const sq_experiment *xp, const sq_point *p, int with_feasible,
                   int n_digits)
{
    sq_points_row_extra(f, xp, p, with_feasible, n_digits, NULL, 0);
}

void sq_points_row_extra(FILE *f, const sq_experiment *xp, const sq_point *p, int with_feasible,
                         int n_digits, const double *extra, size_t n_extra)
{
    uint32_t digits[SQ_SWEEPS_MAX];
    char buf[512];
    sq_space_decode(xp, p->id, digits);
    fprintf(f, "%" PRIu64, p->id);
    for (size_t i = 0; i < xp->n_sweeps; i++) {
        const sq_sweep *s = &xp->sweeps[i];
        pt_format(s->param, s->values[digits[i]], buf, sizeof buf);
        fprintf(f, ",%s", buf);
    }
    for (int k = 0; k < SQ_N_METRICS; k++) {
        sq_fmt_num(buf, sizeof buf, p->m[k], n_digits);
        fprintf(f, ",%s", buf);
    }
    /* An invalid design (never evaluated) has no accuracy source: the cell stays empty. */
    fprintf(f, ",%s",
            p->acc_src >= 0 && p->acc_src <= NET_ACC_ESTIMATED ? net_acc_src_names[p->acc_src]
                                                               : "");
    if (with_feasible) {
        fputs(p->feasible ? ",1," : ",0,", f);
        sq_reason_text(xp, p, buf, sizeof buf);
        sq_csv_field(f, buf);
    }
    for (size_t k = 0; k < n_extra; k++) {
        sq_fmt_num(buf, sizeof buf, extra[k], n_digits);
        fprintf(f, ",%s", buf);
    }
    fputc('\n', f);
}

/* ---- front.csv and summary.json ---- */

#define SQ_HV_WORK_MAX 1e9 /* largest n^(d−2) for which the exact hypervolume is computed */

/* The normalized hypervolume of the front (see the top comment); also fills the ideal. Sets
 * *hv_out to -1 when the front is too large for the exact computation. */
static int sq_normalized_hypervolume(double *hv_out, const sq_experiment *xp, const sq_state *st,
                                     const sq_point *pts, size_t n, double *ideal, sq_error *err)
{
    *hv_out = 0.0;
    if (!st->has_nadir || n == 0)
        return SQ_OK;
    /* Ideal: the best value of each objective on the front. */
    for (size_t i = 0; i < xp->n_objectives; i++) {
        const sq_objective *o = &xp->objectives[i];
        ideal[i] = pts[0].m[o->metric];
        for (size_t j = 1; j < n; j++) {
            double v = pts[j].m[o->metric];
            if (o->maximize ? v > ideal[i] : v < ideal[i])
                ideal[i] = v;
        }
    }
    /* Objectives that vary span (ideal, nadir); the others contribute a factor 1.1. */
    sq_objective live[SQ_N_METRICS];
    double ref[SQ_N_METRICS], scale = 1.0;
    size_t n_live = 0;
    for (size_t i = 0; i < xp->n_objectives; i++) {
        const sq_objective *o = &xp->objectives[i];
        double range = fabs(st->nadir[i] - ideal[i]);
        if (!(range > 0.0) || !isfinite(range)) {
            scale *= 1.1;
            continue;
        }
        live[n_live] = *o;
        ref[n_live] = ideal[i] + (o->maximize ? -1.1 : 1.1) * range;
        scale /= range;
        n_live++;
    }
    if (n_live == 0) {
        *hv_out = scale;
        return SQ_OK;
    }
    /* The exact volume costs about n^(d−2)·log n for d >= 3 objectives: beyond ~10^9 steps it
     * is not computed (a night's sweep must not hang on its summary). */
    double work = 1.0;
    for (size_t i = 2; i < n_live; i++)
        work *= (double)n;
    if (work > SQ_HV_WORK_MAX) {
        *hv_out = -1.0;
        return SQ_OK;
    }
    /* Constant objectives do not change dominance among feasible points: the front in the
     * varying ones is the same set. */
    sq_archive *a = sq_archive_new(live, n_live);
    if (!a)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    for (size_t j = 0; j < n; j++) {
        if (sq_archive_insert(a, &pts[j]) < 0) {
            sq_archive_free(a);
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        }
    }
    double hv = sq_archive_hypervolume(a, ref); /* negative: out of memory */
    sq_archive_free(a);
    if (hv < 0.0)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory computing the hypervolume");
    hv *= scale;
    *hv_out = isfinite(hv) ? hv : 0.0;
    return SQ_OK;
}

/* The energy of each component of the template for front point p, in µJ (sq_eval's TOTAL
 * row, the same evaluation `squash eval --from DIR --id N` makes). */
static int sq_point_breakdown(const sq_experiment *xp, const sq_point *p, double *uj, sq_error *err)
{
    hw_config hw;
    sw_compression cmp;
    char msg[512];
    if (sq_space_point(xp, p->id, &hw, &cmp, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_ERUNTIME, "squash: front point %" PRIu64 " is invalid: %s", p->id,
                       msg); /* defensive: a front point passed these checks */
    sq_eval_result res;
    int rc = sq_eval(xp->net, &hw, &cmp, &res, err);
    if (rc != SQ_OK)
        return rc;
    for (size_t k = 0; k < hw.tpl->n_components; k++)
        uj[k] = res.total.comp_pj[k] * 1e-6;
    sq_eval_result_free(&res);
    return SQ_OK;
}

/* front.csv's rows, with the component columns when breakdown is set. */
static int sq_write_front(FILE *f, const sq_experiment *xp, const sq_point *pts, size_t n,
                          int digits, int breakdown, sq_error *err)
{
    const hw_template *tpl = xp->hw.tpl;
    size_t n_extra = breakdown ? tpl->n_components : 0;
    const char *names[HW_COMP_MAX];
    char name_buf[HW_COMP_MAX][48];
    for (size_t k = 0; k < n_extra; k++) {
        snprintf(name_buf[k], sizeof name_buf[k], "%s_uj", tpl->components[k].name);
        names[k] = name_buf[k];
    }
    sq_points_header_extra(f, xp, 0, names, n_extra);
    for (size_t i = 0; i < n; i++) {
        double uj[HW_COMP_MAX];
        int rc;
        if (n_extra > 0 && (rc = sq_point_breakdown(xp, &pts[i], uj, err)) != SQ_OK)
            return rc;
        sq_points_row_extra(f, xp, &pts[i], 0, digits, uj, n_extra);
    }
    return SQ_OK;
}

int sq_write_outputs(const sq_experiment *xp, sq_state *st, const char *dir, int threads, int ranks,
                     int breakdown, sq_error *err)
{
    char path[4096], buf[64];
    sq_outfile o;
    int rc;

    /* front.csv */
    if ((rc = sq_join(path, sizeof path, dir, "front.csv", err)) != SQ_OK ||
        (rc = sq_outfile_open(&o, path, err)) != SQ_OK)
        return rc;
    size_t n = sq_archive_size(st->front);
    const sq_point *pts = sq_archive_sorted(st->front);
    if ((rc = sq_write_front(o.f, xp, pts, n, st->digits, breakdown, err)) != SQ_OK) {
        sq_outfile_abort(&o);
        return rc;
    }
    if ((rc = sq_outfile_commit(&o, err)) != SQ_OK)
        return rc;

    /* summary.json */
    double ideal[SQ_N_METRICS] = {0};
    double hv = 0.0;
    if ((rc = sq_normalized_hypervolume(&hv, xp, st, pts, n, ideal, err)) != SQ_OK)
        return rc;
    if ((rc = sq_join(path, sizeof path, dir, "summary.json", err)) != SQ_OK ||
        (rc = sq_outfile_open(&o, path, err)) != SQ_OK)
        return rc;
    FILE *f = o.f;
    fputs("{\n  \"experiment\": ", f);
    sq_json_str(f, xp->name);
    fputs(",\n  \"experiment_path\": ", f);
    sq_json_str(f, st->xp_path);
    fprintf(f, ",\n  \"experiment_sha256\": \"%s\",\n", st->sha256);
    fputs("  \"inputs\": [", f);
    for (size_t i = 0; i < xp->n_inputs; i++) {
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
        sq_json_str(f, xp->inputs[i].path);
        fprintf(f, ", \"sha256\": \"%s\"}", xp->inputs[i].sha256);
    }
    fprintf(f, "\n  ],\n  \"model_version\": %d,\n", HW_MODEL_VERSION);
    fputs("  \"network\": ", f);
    sq_json_str(f, xp->net->name);
    fputs(",\n  \"accelerator\": ", f);
    sq_json_str(f, xp->hw.name);
    fprintf(f, ",\n  \"space_size\": %" PRIu64 ",\n", xp->space_size);
    fprintf(f, "  \"shard\": \"%" PRIu64 "/%" PRIu64 "\",\n", st->shard_i, st->shard_n);
    /* The shard's positions: part i of n takes blocks i-1, i-1+n, ... of block_ids ids. */
    fprintf(f, "  \"range\": [%" PRIu64 ", %" PRIu64 "],\n", st->lo, st->hi);
    fprintf(f, "  \"block_ids\": %" PRIu64 ",\n", st->block_ids);
    fprintf(f, "  \"points_evaluated\": %" PRIu64 ",\n", st->evaluated);
    fprintf(f, "  \"feasible\": %" PRIu64 ",\n", st->feasible);
    fputs("  \"infeasible_reasons\": {", f);
    for (int k = SQ_R_FEASIBLE + 1, first = 1; k < SQ_N_REASONS; k++) {
        char name[256];
        if (st->reasons[k] == 0)
            continue;
        sq_reason_name(xp, k, name, sizeof name);
        fputs(first ? "" : ", ", f);
        sq_json_str(f, name);
        fprintf(f, ": %" PRIu64, st->reasons[k]);
        first = 0;
    }
    fputs("},\n", f);
    fprintf(f, "  \"layer_evaluations\": %" PRIu64 ",\n", st->layer_evals);
    fprintf(f, "  \"front_size\": %zu,\n", n);
    sq_fmt_double(buf, sizeof buf, st->wall_s);
    fprintf(f, "  \"wall_s\": %s,\n", buf);
    fprintf(f, "  \"threads\": %d,\n  \"ranks\": %d,\n", threads, ranks);
    fprintf(f, "  \"version\": \"%s\",\n", SQUASH_VERSION);
    fputs("  \"objectives\": [", f);
    for (size_t i = 0; i < xp->n_objectives; i++)
        fprintf(f, "%s{\"metric\": \"%s\", \"goal\": \"%s\"}", i ? ", " : "",
                sq_metrics[xp->objectives[i].metric].name,
                xp->objectives[i].maximize ? "max" : "min");
    fputs("],\n  \"hypervolume\": {\n    \"value\": ", f);
    if (hv < 0.0) {
        fprintf(f,
                "null,\n    \"not_computed\": \"the exact hypervolume of %zu points in %zu "
                "objectives is too costly (about n^(d-2) steps)\"",
                n, xp->n_objectives);
    } else {
        sq_fmt_double(buf, sizeof buf, hv);
        fputs(buf, f);
    }
    fputs(",\n    \"reference\": {", f);
    for (size_t i = 0; i < xp->n_objectives; i++)
        fprintf(f, "%s\"%s\": 1.1", i ? ", " : "", sq_metrics[xp->objectives[i].metric].name);
    fputs("},\n    \"ideal\": {", f);
    for (size_t i = 0; i < xp->n_objectives; i++) {
        sq_fmt_double(buf, sizeof buf, ideal[i]);
        fprintf(f, "%s\"%s\": %s", i ? ", " : "", sq_metrics[xp->objectives[i].metric].name, buf);
    }
    fputs("},\n    \"nadir\": {", f);
    for (size_t i = 0; i < xp->n_objectives; i++) {
        sq_fmt_double(buf, sizeof buf, st->has_nadir ? st->nadir[i] : 0.0);
        fprintf(f, "%s\"%s\": %s", i ? ", " : "", sq_metrics[xp->objectives[i].metric].name, buf);
    }
    fputs("},\n    \"normalization\": \"each objective scaled over the feasible points "
          "evaluated: ideal (best, on the front) to 0, nadir (worst) to 1; the reference point "
          "is 1.1 in every objective; unitless\"\n  }\n}\n",
          f);
    return sq_outfile_commit(&o, err);
}

int sq_mkdir(const char *dir, sq_error *err)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return SQ_OK;
        return sq_fail(err, SQ_EINPUT, "squash: %s exists and is not a directory", dir);
    }
    /* mkdir -p: each missing prefix in turn (a/b/c: a, a/b, a/b/c). */
    char buf[4096];
    int w = snprintf(buf, sizeof buf, "%s", dir);
    if (w < 0 || (size_t)w >= sizeof buf)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %.64s...", dir);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return sq_fail(err, errno == ENOTDIR ? SQ_EINPUT : SQ_ERUNTIME,
                           "squash: cannot create directory %s: %s", buf, strerror(errno));
        if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return sq_fail(err, SQ_EINPUT, "squash: %s exists and is not a directory", buf);
        *p = c;
        if (c == '\0')
            break;
    }
    return SQ_OK;
}

int sq_state_peek(char *xp_path, size_t len, char sha256[65], const char *dir, int *missing,
                  sq_error *err)
{
    char path[4096], *text = NULL;
    size_t n = 0;
    int rc = sq_join(path, sizeof path, dir, SQ_STATE_NAME, err);
    *missing = 0;
    if (rc != SQ_OK || (rc = sq_read_file(&text, &n, path, missing, err)) != SQ_OK)
        return rc;
    const char *keys[2] = {"\nexperiment_path ", "\nexperiment_sha256 "};
    char *outs[2] = {xp_path, sha256};
    size_t lens[2] = {len, 65};
    for (int k = 0; k < 2; k++) {
        char *p = strstr(text, keys[k]);
        char *end = p ? strchr(p + strlen(keys[k]), '\n') : NULL;
        if (!p || !end || (size_t)(end - p - strlen(keys[k])) >= lens[k]) {
            free(text);
            return sq_fail(err, SQ_EINPUT, "%s: malformed run state: %s", path, keys[k] + 1);
        }
        p += strlen(keys[k]);
        memcpy(outs[k], p, (size_t)(end - p));
        outs[k][end - p] = '\0';
    }
    free(text);
    return SQ_OK;
}

/* ---- the lock of an output directory ----
 * flock(2) rather than "create if absent": the kernel drops the lock when its holder dies,
 * however it dies, so a file left by a crash is stale by construction and the next run simply
 * takes it. The file's contents (pid and host) only name the holder in the refusal. The file
 * is removed on release; a run that opened it just before (and so locked a removed file)
 * notices that the path no longer names the file it locked, and tries again. */

int sq_dir_lock(int *fd_out, const char *dir, const char *xp_path, const char *sha256, int force,
                sq_error *err)
{
    char path[4096];
    int rc, fd = -1;
    *fd_out = -1;
    if ((rc = sq_mkdir(dir, err)) != SQ_OK ||
        (rc = sq_join(path, sizeof path, dir, "squash.lock", err)) != SQ_OK)
        return rc;
    for (int attempt = 0;; attempt++) {
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0)
            return sq_fail(err, errno == ELOOP ? SQ_EINPUT : SQ_ERUNTIME,
                           "squash: cannot write to %s: %s", dir, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            char holder[256] = "";
            ssize_t got = pread(fd, holder, sizeof holder - 1, 0);
            close(fd);
            holder[got > 0 ? got : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            if (e != EWOULDBLOCK)
                return sq_fail(err, SQ_ERUNTIME, "squash: cannot lock %s: %s", path, strerror(e));
            return sq_fail(err, SQ_EINPUT,
                           "squash: %s is in use by another squash (%s); wait for it to end or "
                           "choose another -o",
                           dir, holder[0] ? holder : "starting");
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            break;
        close(fd); /* we locked a file its holder removed as we opened it */
        if (attempt == 100)
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot lock %s", path);
    }
    char host[256] = "?", me[320];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "?");
    host[sizeof host - 1] = '\0';
    int n = snprintf(me, sizeof me, "pid %ld on %s\n", (long)getpid(), host);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)n, 0) != n) {
        int e = errno;
        sq_dir_unlock(fd, dir);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot write to %s: %s", dir, strerror(e));
    }

    /* Another experiment's outputs? The same experiment is the same path (an edited experiment
     * re-run over its outputs) or the same bytes (a copy, or a checkout elsewhere). */
    char old_path[4096], old_sha[65];
    int missing = 0;
    rc = sq_state_peek(old_path, sizeof old_path, old_sha, dir, &missing, err);
    if (rc != SQ_OK && missing)
        rc = SQ_OK;
    else if (rc == SQ_OK && !force && strcmp(old_path, xp_path) != 0 &&
             strcmp(old_sha, sha256) != 0)
        rc = sq_fail(err, SQ_EINPUT,
                     "squash: %s holds the outputs of another experiment (%s); choose another "
                     "-o, or --force to overwrite them",
                     dir, old_path);
    else if (rc != SQ_OK && force)
        rc = SQ_OK; /* --force: whatever the state is, it is overwritten */
    if (rc != SQ_OK) {
        sq_dir_unlock(fd, dir);
        return rc;
    }
    *fd_out = fd;
    return SQ_OK;
}

void sq_dir_unlock(int fd, const char *dir)
{
    if (fd < 0)
        return;
    char path[4096];
    /* Removed while still locked, so that no other run holds it in between. */
    if (snprintf(path, sizeof path, "%s/squash.lock", dir) < (int)sizeof path)
        unlink(path);
    close(fd);
}
