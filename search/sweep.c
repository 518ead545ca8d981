/*
 * sweep.c — the parallel sweep driver; the only file with OpenMP.
 *
 * A run covers the id range [lo, hi) of its shard (the whole space for 1/1), split over the
 * ranks of an MPI job (search/ranks.h; one rank without MPI) and over each rank's OpenMP
 * threads. It walks the range in rounds ("batches"), one contiguous id range [b0, b1) each:
 *   1. rank 0 broadcasts the round's header (the range, the smallest chunk, or the error that
 *      ends the job);
 *   2. the ranks take chunks of the round dynamically (sq_ranks_deal_*: guided self-scheduling
 *      from a counter on rank 0, see mpi.c; one rank takes the whole round as one chunk); inside
 *      a chunk the threads take ids in pieces of SQ_CHUNK dynamically (points differ in cost: an
 *      area-infeasible point costs almost nothing) and offer the feasible points to thread-local
 *      Pareto archives, merged into the rank's archive at the end of the chunk;
 *   3. the counts, nadirs and archives reduce to rank 0 (with --all, the round's points too,
 *      stored by id), which folds them into the run state, appends the rows to points.csv, and
 *      checkpoints when due.
 * Because the front is a function of the set of points alone (the archive keeps every
 * non-dominated point, ties included, and sorts its output by objectives then id), the result
 * does not depend on the number of ranks or threads, on the chunking, on the round size, or on
 * where a run was stopped and resumed.
 *
 * Only rank 0 reads and writes files and prints progress (when stderr is a terminal). A round's
 * end is contiguous progress (every id below b1 is done, whichever rank did it), so the run
 * state (output.c) is the same as for one process: every checkpoint_s seconds rank 0 writes the
 * next id, the counts, the nadir and the front atomically. `--resume` reads it back on rank 0,
 * which deals from the next id on; the state does not record the ranks, so a run may be resumed
 * with another rank or thread count. With --all the partial points.csv is cut back to the
 * length the state recorded, so rows written after the last checkpoint are not repeated. Rounds
 * are sized to take about a quarter of a second (at the rate of the whole job).
 *
 * Errors: rank 0 decides. A failure on rank 0 (bad resume, I/O) or on any rank (out of memory,
 * reduced with the round's counts) goes out in the next header; every rank leaves, rank 0 with
 * the message, the others silently with the same exit code (sq_ranks_exit).
 *
 * Threads per rank: -j, else the cores this process may run on (omp_get_num_procs honours the
 * affinity mpirun or Slurm gives each rank), divided among the ranks of the node when the
 * process is not bound (so `mpirun -np 2` on a 2-core machine runs 2 × 1 threads).
 *
 * Memory: the archives (proportional to the front), one evaluator per thread (proportional to
 * the network), and with --all one round of points (at most SQ_BATCH_MAX) per rank.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dse.h"
#include "ranks.h"

__extension__ typedef unsigned __int128 sq_u128; /* GCC and Clang: exact shard bounds */

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
        /* Killed after points.csv.partial became points.csv but before the final state: the
         * rows past the checkpoint are cut off below and written again. */
        char done[4096];
        snprintf(done, sizeof done, "%s/points.csv", dir);
        if (access(path, F_OK) != 0 && access(done, F_OK) == 0 && rename(done, path) != 0)
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot resume %s: %s", done, strerror(errno));
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

/* What one rank gathers during a round. */
typedef struct sq_round {
    sq_archive *front;              /* rank 0: the run's front; other ranks: this round's */
    uint64_t feasible;              /* feasible points evaluated this round (points) */
    int has_nadir;                  /* 1 once a feasible point was seen this round */
    double nadir[SQ_N_METRICS];     /* worst feasible value per objective, objective order */
    int oom;                        /* 1 when an archive ran out of memory */
    uint64_t reasons[SQ_N_REASONS]; /* points evaluated this round per SQ_R_* reason (points) */
} sq_round;

/* Evaluates ids [c0, c1) with the team's evaluators and folds them into rd. pts (if not NULL)
 * receives every point, pts[id − c0]; then every metric is computed (full evaluation). */
static void sq_chunk(const sq_experiment *xp, sq_evaluator **evs, int threads, uint64_t c0,
                     uint64_t c1, sq_point *pts, sq_round *rd)
{
    int oom = 0;
    const int full = pts != NULL;
#pragma omp parallel num_threads(threads) reduction(|| : oom)
    {
        sq_evaluator *ev = evs[omp_get_thread_num()];
        sq_archive *local = sq_archive_new(xp->objectives, xp->n_objectives);
        uint64_t feasible = 0, reasons[SQ_N_REASONS] = {0};
        int has = 0;
        double nadir[SQ_N_METRICS] = {0};
        double vals[SQ_N_METRICS];
        oom = local == NULL;
#pragma omp for schedule(dynamic, SQ_CHUNK)
        for (uint64_t id = c0; id < c1; id++) {
            sq_point p;
            sq_evaluate(ev, id, full, &p);
            if (pts)
                pts[id - c0] = p;
            reasons[p.reason]++;
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
            if (!oom && sq_archive_merge(rd->front, local) < 0)
                oom = 1;
            rd->feasible += feasible;
            for (int k = 0; k < SQ_N_REASONS; k++)
                rd->reasons[k] += reasons[k];
            if (has)
                sq_nadir_add(xp, &rd->has_nadir, rd->nadir, nadir);
        }
        sq_archive_free(local);
    }
    rd->oom |= oom;
}

/* The header rank 0 broadcasts before every round. */
typedef struct sq_header {
    int64_t status;     /* SQ_OK, or the error the job ends with */
    uint64_t b0, b1;    /* the round's ids; b0 == b1: the sweep is complete */
    uint64_t min_chunk; /* the smallest chunk a rank takes (ids) */
} sq_header;

/* Everything a sweep holds, on every rank. */
typedef struct sq_run {
    const sq_experiment *xp; /* the experiment */
    const sq_sweep_opts *o;  /* the options */
    sq_ranks *rk;            /* the job's ranks */
    int rank;                /* this rank */
    int threads;             /* OpenMP threads of this rank */
    sq_evaluator **evs;      /* one per thread */
    uint64_t evals_seen;     /* evaluators' layer evaluations already counted (count) */
    sq_point *pts;           /* --all: a round's points (rank 0 by id − b0, others packed) */
    sq_state st;             /* rank 0: the run state */
    FILE *points;            /* rank 0, --all: points.csv.partial */
} sq_run;

/* Rank 0: the run state to start from, fresh or read back for --resume. */
static int sq_start(sq_run *run, sq_error *err)
{
    const sq_experiment *xp = run->xp;
    const sq_sweep_opts *o = run->o;
    sq_state *st = &run->st;
    int missing = 0, rc = sq_mkdir(o->out_dir, err);
    if (rc != SQ_OK)
        return rc;
    if (o->shard_n == 0 || o->shard_i < 1 || o->shard_i > o->shard_n)
        return sq_fail(err, SQ_EINPUT, "squash: --shard I/N needs 1 <= I <= N");

    /* Start, or pick up where a killed run stopped. */
    if (o->resume) {
        rc = sq_state_read(st, xp, o->out_dir, &missing, err);
        if (rc != SQ_OK && !missing)
            return rc;
        if (rc == SQ_OK && (strcmp(st->sha256, xp->sha256) != 0 || st->shard_i != o->shard_i ||
                            st->shard_n != o->shard_n)) {
            sq_state_free(st);
            return sq_fail(err, SQ_EINPUT,
                           "squash: the checkpoint in %s is of another experiment or shard; "
                           "run without --resume to start over",
                           o->out_dir);
        }
        if (rc == SQ_OK && (st->points_bytes >= 0) != (o->all != 0)) {
            sq_state_free(st);
            return sq_fail(err, SQ_EINPUT, "squash: resume with the same --all as the first run");
        }
        /* points.csv.partial holds rows at the checkpoint's digits: the rest must match. A run
         * without --all rewrites front.csv from exact values, so it may change its digits. */
        if (rc == SQ_OK && o->digits && o->digits != st->digits && st->points_bytes >= 0) {
            int was = st->digits;
            sq_state_free(st);
            return sq_fail(err, SQ_EINPUT,
                           "squash: the run in %s writes points.csv with %d significant digits; "
                           "resume with --digits %d (or without --digits)",
                           o->out_dir, was, was);
        }
        if (rc == SQ_OK && o->digits)
            st->digits = o->digits;
        if (missing)
            fprintf(stderr, "squash: no checkpoint in %s, starting from the beginning\n",
                    o->out_dir);
    }
    if (!o->resume || missing) {
        memset(st, 0, sizeof *st);
        memcpy(st->sha256, xp->sha256, sizeof st->sha256);
        /* An absolute path, so that `squash merge` finds the experiment from anywhere. */
        char *abs = xp->path[0] == '(' ? NULL : realpath(xp->path, NULL);
        snprintf(st->xp_path, sizeof st->xp_path, "%s", abs ? abs : xp->path);
        free(abs);
        st->shard_i = o->shard_i;
        st->shard_n = o->shard_n;
        /* Contiguous parts: part i of n is [⌊(i−1)·S/n⌋, ⌊i·S/n⌋), in 128-bit arithmetic (i·S
         * needs up to 2^117 for S < 2^53 and n < 2^64). A part may be empty when n > S. */
        st->lo = (uint64_t)((sq_u128)(o->shard_i - 1) * xp->space_size / o->shard_n);
        st->hi = (uint64_t)((sq_u128)o->shard_i * xp->space_size / o->shard_n);
        assert(st->lo <= st->hi && st->hi <= xp->space_size);
        st->next = st->lo;
        st->points_bytes = o->all ? 0 : -1;
        st->digits = o->digits ? o->digits : SQ_DIGITS_DEFAULT;
        st->front = sq_archive_new(xp->objectives, xp->n_objectives);
        if (!st->front)
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }
    if (o->all && st->next < st->hi)
        return sq_points_open(&run->points, xp, st, o->out_dir, err);
    return SQ_OK;
}

/* One round on every rank: evaluate the chunks this rank is dealt, then reduce to rank 0,
 * which folds the round into its run state. Returns SQ_OK or SQ_ERUNTIME (on rank 0). */
static int sq_round_run(sq_run *run, const sq_header *h)
{
    const sq_experiment *xp = run->xp;
    sq_round rd;
    memset(&rd, 0, sizeof rd);
    rd.front = run->rank == 0 ? run->st.front : sq_archive_new(xp->objectives, xp->n_objectives);
    rd.oom = rd.front == NULL;

    /* 2. Evaluate the chunks we are dealt. */
    uint64_t c0, c1, n_mine = 0;
    sq_ranks_deal_begin(run->rk, h->b0, h->b1, h->min_chunk);
    while (sq_ranks_deal_next(run->rk, &c0, &c1)) {
        sq_point *dst = !run->pts        ? NULL
                        : run->rank == 0 ? run->pts + (c0 - h->b0)
                                         : run->pts + n_mine;
        if (!rd.oom)
            sq_chunk(xp, run->evs, run->threads, c0, c1, dst, &rd);
        else if (dst) /* out of memory: the round fails, but what is sent stays defined */
            memset(dst, 0, (size_t)(c1 - c0) * sizeof *dst);
        n_mine += c1 - c0;
    }
    sq_ranks_deal_end(run->rk);

    /* 3. Reduce to rank 0. Badness: the objective, negated when maximized, so that the nadir
     * (the worst value) is a maximum on every rank; -inf where a rank saw no feasible point. */
    uint64_t evals = 0;
    for (int t = 0; t < run->threads; t++)
        evals += sq_evaluator_layer_evals(run->evs[t]);
    uint64_t sums[4 + SQ_N_REASONS] = {n_mine, rd.feasible, evals - run->evals_seen,
                                       (uint64_t)rd.oom};
    memcpy(sums + 4, rd.reasons, sizeof rd.reasons);
    run->evals_seen = evals;
    double bad[SQ_N_METRICS];
    for (size_t i = 0; i < xp->n_objectives; i++)
        bad[i] = !rd.has_nadir                ? -HUGE_VAL
                 : xp->objectives[i].maximize ? -rd.nadir[i]
                                              : rd.nadir[i];
    sq_ranks_sum_u64(run->rk, sums, 4 + SQ_N_REASONS);
    sq_ranks_max_f64(run->rk, bad, xp->n_objectives);
    int rc = sq_ranks_reduce_front(run->rk, rd.front, rd.oom ? SQ_ERUNTIME : SQ_OK);
    if (run->pts &&
        sq_ranks_gather_points(run->rk, run->rank == 0 ? NULL : run->pts,
                               run->rank == 0 ? 0 : n_mine, run->pts, h->b0,
                               h->b1 - h->b0) != SQ_OK &&
        rc == SQ_OK)
        rc = SQ_ERUNTIME;
    if (run->rank != 0) {
        sq_archive_free(rd.front);
        return SQ_OK;
    }
    sq_state *st = &run->st;
    assert(sums[0] == h->b1 - h->b0);
    st->evaluated += sums[0];
    st->feasible += sums[1];
    st->layer_evals += sums[2];
    for (int k = 0; k < SQ_N_REASONS; k++)
        st->reasons[k] += sums[4 + k];
    st->next = h->b1;
    if (bad[0] > -HUGE_VAL) {
        double vals[SQ_N_METRICS];
        for (size_t i = 0; i < xp->n_objectives; i++)
            vals[i] = xp->objectives[i].maximize ? -bad[i] : bad[i];
        sq_nadir_add(xp, &st->has_nadir, st->nadir, vals);
    }
    return rc != SQ_OK || sums[3] ? SQ_ERUNTIME : SQ_OK;
}

/* Threads of this rank when -j is not given (see the top comment). */
static int sq_default_threads(int node_ranks)
{
    int procs = omp_get_num_procs();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (node_ranks > 1 && online > 0 && procs >= online)
        procs /= node_ranks;
    return procs > 0 ? procs : 1;
}

int sq_sweep_run(const sq_experiment *xp, const sq_sweep_opts *o, sq_error *err)
{
    sq_run run;
    memset(&run, 0, sizeof run);
    run.xp = xp;
    run.o = o;
    int rc = sq_ranks_open(&run.rk, err);
    if (rc != SQ_OK)
        return rc;
    run.rank = sq_ranks_rank(run.rk);
    const int ranks = sq_ranks_size(run.rk);
    run.threads = o->threads > 0 ? o->threads : sq_default_threads(sq_ranks_node_size(run.rk));
    err->msg[0] = '\0';

    /* 0. Rank 0 opens the run; every rank makes its evaluators; all agree on how it went. */
    if (run.rank == 0)
        rc = sq_start(&run, err);
    if (rc == SQ_OK && !(run.evs = calloc((size_t)run.threads, sizeof *run.evs)))
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    for (int t = 0; rc == SQ_OK && t < run.threads; t++)
        if (!(run.evs[t] = sq_evaluator_new(xp)))
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    if (rc == SQ_OK && o->all && !(run.pts = malloc(SQ_BATCH_MAX * sizeof *run.pts)))
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    rc = sq_ranks_agree(run.rk, rc);
    if (rc != SQ_OK) {
        if (run.rank == 0 && !err->msg[0])
            sq_fail(err, rc, "squash: another rank ran out of memory");
        goto out;
    }

    sq_state *st = &run.st;
    const int show = run.rank == 0 && !o->quiet && isatty(STDERR_FILENO);
    const double t_start = sq_now_s(), wall_before = st->wall_s;
    const uint64_t batch_max = o->all ? SQ_BATCH_MAX : (uint64_t)SQ_BATCH_MAX * (uint64_t)ranks;
    double t_ckpt = t_start, t_shown = 0.0, rate = 0.0;
    uint64_t batch = SQ_BATCH_MIN;
    for (;;) {
        /* 1. The round's header. */
        sq_header h = {rc, 0, 0, (uint64_t)SQ_CHUNK * (uint64_t)run.threads};
        if (run.rank == 0 && rc == SQ_OK) {
            h.b0 = st->next;
            h.b1 = st->hi - h.b0 < batch ? st->hi : h.b0 + batch;
        }
        sq_ranks_bcast(run.rk, &h, sizeof h);
        if ((rc = (int)h.status) != SQ_OK || h.b0 >= h.b1)
            break;
        double t0 = sq_now_s();
        /* 2 and 3. */
        if (sq_round_run(&run, &h) != SQ_OK) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory during the sweep");
            continue; /* rank 0 tells the others in the next header */
        }
        if (run.rank != 0)
            continue;
        if (run.points) {
            for (uint64_t i = 0; i < h.b1 - h.b0; i++)
                sq_points_row(run.points, xp, &run.pts[i], 1, st->digits);
            if (fflush(run.points) != 0) {
                rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv: %s",
                             strerror(errno));
                continue;
            }
            st->points_bytes = ftell(run.points);
        }
        double t1 = sq_now_s(), dt = t1 - t0;
        double batch_rate = dt > 0 ? (double)(h.b1 - h.b0) / dt : 0.0;
        rate = rate > 0 ? 0.7 * rate + 0.3 * batch_rate : batch_rate;
        /* Aim at a quarter of a second per round. */
        double want = rate * 0.25;
        batch = want < SQ_BATCH_MIN        ? SQ_BATCH_MIN
                : want > (double)batch_max ? batch_max
                                           : (uint64_t)want;
        st->wall_s = wall_before + (t1 - t_start);
        if (t1 - t_ckpt >= o->checkpoint_s && st->next < st->hi) {
            if (run.points && fsync(fileno(run.points)) != 0) {
                rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv");
                continue;
            }
            if ((rc = sq_state_write(st, o->out_dir, err)) != SQ_OK)
                continue;
            t_ckpt = t1;
        }
        if (show && t1 - t_shown >= 0.5) {
            sq_progress(st, rate, 0);
            t_shown = t1;
        }
    }
    if (rc != SQ_OK || run.rank != 0)
        goto out;
    if (show)
        sq_progress(st, rate, 1);

    /* 4. Rank 0 writes the outputs. */
    st->wall_s = wall_before + (sq_now_s() - t_start);
    if (run.points) {
        rc = sq_points_finish(run.points, o->out_dir, err);
        run.points = NULL;
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
    if ((rc = sq_state_write(st, o->out_dir, err)) != SQ_OK ||
        (rc = sq_write_outputs(xp, st, o->out_dir, run.threads, ranks, err)) != SQ_OK)
        goto out;
    sq_report_infeasible(stderr, xp, st->reasons, st->evaluated, st->feasible);
    rc = SQ_OK;
out:
    /* Every rank arrives here once, and leaves with rank 0's verdict (after the last round,
     * rank 0 may still fail to write the outputs). */
    rc = sq_ranks_agree(run.rk, rc);
    if (run.points)
        fclose(run.points);
    free(run.pts);
    if (run.evs) {
        for (int t = 0; t < run.threads; t++)
            sq_evaluator_free(run.evs[t]);
        free(run.evs);
    }
    sq_state_free(&run.st);
    if (run.rank != 0 && rc != SQ_OK)
        sq_ranks_exit(run.rk, rc == SQ_EINPUT ? 2 : 1);
    sq_ranks_free(run.rk);
    return rc;
}
