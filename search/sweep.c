/*
 * sweep.c — the parallel sweep driver; the only file with OpenMP.
 *
 * A run covers the id range [lo, hi) of its shard (the whole space for 1/1). It walks the range
 * in batches; inside a batch the threads take chunks of ids dynamically (points differ in cost:
 * an area-infeasible point costs almost nothing) and offer the feasible points to thread-local
 * Pareto archives, merged into the run's archive at the end of the batch. Because the front is a
 * function of the set of points alone (the archive keeps every non-dominated point, ties
 * included, and sorts its output by objectives then id), the result does not depend on the
 * number of threads, on the chunking, on the batch size, or on where a run was stopped and
 * resumed.
 *
 * Between batches the driver prints progress (when stderr is a terminal), and every
 * checkpoint_s seconds writes the run state atomically (output.c): the next id, the counts, the
 * nadir and the front. `--resume` reads it back and continues from the next id; with --all the
 * partial points.csv is cut back to the length the state recorded, so rows written after the
 * last checkpoint are not repeated. Batches are sized to take about a quarter of a second.
 *
 * Memory: the archives (proportional to the front), one evaluator per thread (proportional to
 * the network), and with --all one batch of points (at most SQ_BATCH_MAX).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dse.h"

#define SQ_BATCH_MIN 1024u
#define SQ_BATCH_MAX (1u << 20)
#define SQ_CHUNK 256

static double sq_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The raw value of objective i of a point (for the nadir). */
static double sq_obj(const sq_experiment *xp, const sq_point *p, size_t i)
{
    return p->m[xp->objectives[i].metric];
}

/* Folds a feasible point's objectives into the nadir (the worst value seen per objective). */
static void sq_nadir_add(const sq_experiment *xp, int *has, double *nadir, const double *vals)
{
    for (size_t i = 0; i < xp->n_objectives; i++) {
        double v = vals[i];
        int worse = xp->objectives[i].maximize ? v < nadir[i] : v > nadir[i];
        if (!*has || worse)
            nadir[i] = v;
    }
    *has = 1;
}

static void sq_progress(const sq_state *st, double rate, int final)
{
    uint64_t total = st->hi - st->lo, done = st->next - st->lo;
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
    fprintf(stderr,
            "\rsquash sweep: %" PRIu64 "/%" PRIu64
            " points (%.1f%%), %.0f points/s, ETA %02d:%02d:%02d   %s",
            done, total, pct, rate, (int)(eta / 3600), (int)fmod(eta / 60, 60), (int)fmod(eta, 60),
            final ? "\n" : "");
    fflush(stderr);
}

/* Opens points.csv.partial for appending at the recorded length (or fresh with a header). */
static int sq_points_open(FILE **out, const sq_experiment *xp, sq_state *st, const char *dir,
                          sq_error *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/points.csv.partial", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %s", dir);
    FILE *f;
    if (st->points_bytes > 0) {
        if (truncate(path, (off_t)st->points_bytes) != 0)
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot resume %s: %s", path, strerror(errno));
        f = fopen(path, "ab");
    } else {
        f = fopen(path, "wb");
        if (f) {
            sq_points_header(f, xp, 1);
            if (fflush(f) == 0)
                st->points_bytes = ftell(f);
        }
    }
    if (!f)
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot write %s: %s", path, strerror(errno));
    *out = f;
    return SQ_OK;
}

static int sq_points_finish(FILE *f, const char *dir, sq_error *err)
{
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/points.csv.partial", dir);
    snprintf(to, sizeof to, "%s/points.csv", dir);
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(from, to) != 0)
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot write %s: %s", to, strerror(errno));
    return SQ_OK;
}

/* Evaluates ids [b0, b1) with the team's evaluators; merges into st. batch_pts (if not NULL)
 * receives every point, indexed by id − b0. */
static int sq_batch(const sq_experiment *xp, sq_evaluator **evs, int threads, uint64_t b0,
                    uint64_t b1, sq_point *batch_pts, uint64_t layer_evals_base, sq_state *st)
{
    int oom = 0;
    const int full = batch_pts != NULL;
#pragma omp parallel num_threads(threads) reduction(|| : oom)
    {
        sq_evaluator *ev = evs[omp_get_thread_num()];
        sq_archive *local = sq_archive_new(xp->objectives, xp->n_objectives);
        uint64_t feasible = 0;
        int has = 0;
        double nadir[SQ_N_METRICS] = {0};
        double vals[SQ_N_METRICS];
        oom = local == NULL;
#pragma omp for schedule(dynamic, SQ_CHUNK)
        for (uint64_t id = b0; id < b1; id++) {
            sq_point p;
            sq_evaluate(ev, id, full, &p);
            if (batch_pts)
                batch_pts[id - b0] = p;
            if (!p.feasible || oom)
                continue;
            feasible++;
            for (size_t i = 0; i < xp->n_objectives; i++)
                vals[i] = sq_obj(xp, &p, i);
            sq_nadir_add(xp, &has, nadir, vals);
            if (sq_archive_insert(local, &p) < 0)
                oom = 1;
        }
#pragma omp critical(sq_merge)
        {
            if (!oom && sq_archive_merge(st->front, local) < 0)
                oom = 1;
            st->feasible += feasible;
            if (has)
                sq_nadir_add(xp, &st->has_nadir, st->nadir, nadir);
        }
        sq_archive_free(local);
    }
    st->evaluated += b1 - b0;
    st->next = b1;
    st->layer_evals = layer_evals_base;
    for (int t = 0; t < threads; t++)
        st->layer_evals += sq_evaluator_layer_evals(evs[t]);
    return oom ? SQ_ERUNTIME : SQ_OK;
}

int sq_sweep_run(const sq_experiment *xp, const sq_sweep_opts *o, sq_error *err)
{
    sq_state st;
    sq_evaluator **evs = NULL;
    sq_point *batch_pts = NULL;
    FILE *points = NULL;
    int threads = o->threads > 0 ? o->threads : omp_get_num_procs();
    int rc = sq_mkdir(o->out_dir, err), missing = 0;
    if (rc != SQ_OK)
        return rc;
    if (o->shard_n == 0 || o->shard_i < 1 || o->shard_i > o->shard_n)
        return sq_fail(err, SQ_EINPUT, "squash: --shard I/N needs 1 <= I <= N");

    /* Start, or pick up where a killed run stopped. */
    memset(&st, 0, sizeof st);
    if (o->resume) {
        rc = sq_state_read(&st, xp, o->out_dir, &missing, err);
        if (rc != SQ_OK && !missing)
            return rc;
        if (rc == SQ_OK && (strcmp(st.sha256, xp->sha256) != 0 || st.shard_i != o->shard_i ||
                            st.shard_n != o->shard_n)) {
            sq_state_free(&st);
            return sq_fail(err, SQ_EINPUT,
                           "squash: the checkpoint in %s is of another experiment or shard; "
                           "run without --resume to start over",
                           o->out_dir);
        }
        if (rc == SQ_OK && (st.points_bytes >= 0) != (o->all != 0)) {
            sq_state_free(&st);
            return sq_fail(err, SQ_EINPUT, "squash: resume with the same --all as the first run");
        }
        if (missing)
            fprintf(stderr, "squash: no checkpoint in %s, starting from the beginning\n",
                    o->out_dir);
    }
    if (!o->resume || missing) {
        memset(&st, 0, sizeof st);
        memcpy(st.sha256, xp->sha256, sizeof st.sha256);
        /* An absolute path, so that `squash merge` finds the experiment from anywhere. */
        char *abs = xp->path[0] == '(' ? NULL : realpath(xp->path, NULL);
        snprintf(st.xp_path, sizeof st.xp_path, "%s", abs ? abs : xp->path);
        free(abs);
        st.shard_i = o->shard_i;
        st.shard_n = o->shard_n;
        /* Contiguous parts: part i of n is [⌊(i−1)·S/n⌋, ⌊i·S/n⌋), exact in 128-bit arithmetic
         * avoided by splitting S = q·n + r. */
        uint64_t q = xp->space_size / o->shard_n, r = xp->space_size % o->shard_n;
        st.lo = (o->shard_i - 1) * q + ((o->shard_i - 1) * r) / o->shard_n;
        st.hi = o->shard_i * q + (o->shard_i * r) / o->shard_n;
        st.next = st.lo;
        st.points_bytes = o->all ? 0 : -1;
        st.front = sq_archive_new(xp->objectives, xp->n_objectives);
        if (!st.front)
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }

    evs = calloc((size_t)threads, sizeof *evs);
    if (!evs) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (int t = 0; t < threads; t++) {
        if (!(evs[t] = sq_evaluator_new(xp))) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
    }
    if (o->all) {
        batch_pts = malloc(SQ_BATCH_MAX * sizeof *batch_pts);
        if (!batch_pts) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
        if ((rc = sq_points_open(&points, xp, &st, o->out_dir, err)) != SQ_OK)
            goto out;
    }

    const int show = !o->quiet && isatty(STDERR_FILENO);
    const uint64_t evals_base = st.layer_evals; /* from earlier attempts (resume) */
    const double t_start = sq_now_s(), wall_before = st.wall_s;
    double t_ckpt = t_start, t_shown = 0.0, rate = 0.0;
    uint64_t batch = SQ_BATCH_MIN;
    while (st.next < st.hi) {
        uint64_t b0 = st.next, b1 = st.hi - b0 < batch ? st.hi : b0 + batch;
        double t0 = sq_now_s();
        if ((rc = sq_batch(xp, evs, threads, b0, b1, batch_pts, evals_base, &st)) != SQ_OK) {
            sq_fail(err, rc, "squash: out of memory during the sweep");
            goto out;
        }
        if (points) {
            for (uint64_t i = 0; i < b1 - b0; i++)
                sq_points_row(points, xp, &batch_pts[i], 1);
            if (fflush(points) != 0) {
                rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv: %s",
                             strerror(errno));
                goto out;
            }
            st.points_bytes = ftell(points);
        }
        double t1 = sq_now_s(), dt = t1 - t0;
        double batch_rate = dt > 0 ? (double)(b1 - b0) / dt : 0.0;
        rate = rate > 0 ? 0.7 * rate + 0.3 * batch_rate : batch_rate;
        /* Aim at a quarter of a second per batch. */
        double want = rate * 0.25;
        batch = want < SQ_BATCH_MIN   ? SQ_BATCH_MIN
                : want > SQ_BATCH_MAX ? SQ_BATCH_MAX
                                      : (uint64_t)want;
        st.wall_s = wall_before + (t1 - t_start);
        if (t1 - t_ckpt >= o->checkpoint_s && st.next < st.hi) {
            if (points && fsync(fileno(points)) != 0) {
                rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv");
                goto out;
            }
            if ((rc = sq_state_write(&st, o->out_dir, err)) != SQ_OK)
                goto out;
            t_ckpt = t1;
        }
        if (show && t1 - t_shown >= 0.5) {
            sq_progress(&st, rate, 0);
            t_shown = t1;
        }
    }
    if (show)
        sq_progress(&st, rate, 1);

    st.wall_s = wall_before + (sq_now_s() - t_start);
    if (points) {
        rc = sq_points_finish(points, o->out_dir, err);
        points = NULL;
        if (rc != SQ_OK)
            goto out;
    }
    if (!o->all) {
        /* A points.csv of an earlier run with --all would no longer match front.csv. */
        char stale[4096];
        snprintf(stale, sizeof stale, "%s/points.csv", o->out_dir);
        if (unlink(stale) != 0 && errno != ENOENT) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot remove the stale %s: %s", stale,
                         strerror(errno));
            goto out;
        }
    }
    if ((rc = sq_write_outputs(xp, &st, o->out_dir, threads, 1, err)) != SQ_OK ||
        (rc = sq_state_write(&st, o->out_dir, err)) != SQ_OK)
        goto out;
    rc = SQ_OK;
out:
    if (points)
        fclose(points);
    free(batch_pts);
    if (evs) {
        for (int t = 0; t < threads; t++)
            sq_evaluator_free(evs[t]);
        free(evs);
    }
    sq_state_free(&st);
    return rc;
}
