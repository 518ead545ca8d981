/*
 * sweep.c — the parallel sweep driver; the only file with OpenMP.
 *
 * A run covers the positions [0, count) of its shard, split over the ranks of an MPI job
 * (search/ranks.h; one rank without MPI) and over each rank's OpenMP threads. A shard is made
 * of interleaved blocks of B ids (part i of N takes blocks i-1, i-1+N, ...; search/shard.c has
 * the design), so that shards cost about the same; position p is id
 * ((i-1) + N·(p / B))·B + p % B, ids grow with positions, and with 1/1 positions are ids. The
 * run walks its positions in rounds ("batches"), one contiguous range [b0, b1) each:
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
 * Only rank 0 reads and writes files and prints progress (a live line on a terminal, else a
 * plain line every progress_s for batch logs, at the end of a round). A round's end is contiguous
 * progress (every position below b1 is done, whichever rank did it), so the run state (output.c) is
 * the same as for one process: every checkpoint_s seconds rank 0 writes the next position, the
 * counts, the nadir and the front atomically. `--resume` reads it back on rank 0, which deals from
 * the next id on; the state does not record the ranks, so a run may be resumed with another rank or
 * thread count. With --all the partial points.csv is cut back to the length the state recorded, so
 * rows written after the last checkpoint are not repeated; before that, the state is checked
 * against the file (length, rows, last id) and refused if they disagree. Rank 0 holds the output
 * directory's lock (output.c) from before the first point. Rounds are sized to take about a quarter
 * of a second (at the rate of the whole job).
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
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "output.h"
#include "ranks.h"

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

/* Progress on stderr (rank 0): on a terminal a live line redrawn in place; otherwise (a Slurm
 * log) one plain line a call, with the time of day and of the last checkpoint (ckpt, 0 when
 * none was written in this run), so that a log read the next morning tells when it stopped. */
static void sq_progress(const sq_state *st, double rate, int tty, time_t ckpt, int final)
{
    uint64_t total = st->hi - st->lo, done = st->next - st->lo;
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
    if (eta > 3.6e8) /* 100 000 hours: a rate that will not last */
        eta = 3.6e8;
    size_t front = sq_archive_size(st->front);
    if (tty) {
        fprintf(stderr,
                "\rsquash sweep: %" PRIu64 "/%" PRIu64
                " points (%.1f%%), %.0f points/s, ETA %02d:%02d:%02d, front %zu   %s",
                done, total, pct, rate, (int)(eta / 3600), (int)fmod(eta / 60, 60),
                (int)fmod(eta, 60), front, final ? "\n" : "");
    } else {
        char now_hms[16] = "", ckpt_hms[16] = "none yet";
        struct tm tm;
        time_t now = time(NULL);
        if (localtime_r(&now, &tm))
            strftime(now_hms, sizeof now_hms, "%H:%M:%S", &tm);
        if (ckpt != 0 && localtime_r(&ckpt, &tm))
            strftime(ckpt_hms, sizeof ckpt_hms, "%H:%M:%S", &tm);
        fprintf(stderr,
                "squash sweep: [%s] %" PRIu64 "/%" PRIu64
                " points (%.1f%%), %.0f points/s, ETA %02d:%02d:%02d, front %zu, "
                "last checkpoint %s%s\n",
                now_hms, done, total, pct, rate, (int)(eta / 3600), (int)fmod(eta / 60, 60),
                (int)fmod(eta, 60), front, ckpt_hms, final ? ", done" : "");
    }
    fflush(stderr);
}

/* The header line of points.csv, as sq_points_header writes it (owned; NULL: out of memory). */
static char *sq_points_header_text(const sq_experiment *xp, size_t *len)
{
    char *text = NULL;
    FILE *m = open_memstream(&text, len);
    if (!m)
        return NULL;
    sq_points_header(m, xp, 1);
    if (fclose(m) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Checks that the first st->points_bytes bytes of fd are points.csv's header and one row per
 * position done, ending at a row boundary, the last row being the last position's id: what the
 * checkpoint says was written. A state that does not add up is refused, not trusted. */
static int sq_points_verify(int fd, const char *path, const sq_experiment *xp, const sq_state *st,
                            sq_error *err)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot read %s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return sq_fail(err, SQ_EINPUT, "squash: %s is not a regular file", path);
    if ((long long)sb.st_size < st->points_bytes)
        return sq_fail(err, SQ_EINPUT,
                       "squash: the checkpoint records %lld bytes of %s but it has %lld: the "
                       "run state does not match the file; run without --resume to start over",
                       st->points_bytes, path, (long long)sb.st_size);
    size_t hlen = 0;
    char *header = sq_points_header_text(xp, &hlen);
    if (!header)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    char buf[1 << 16], cur[64], last_row[64] = "";
    size_t cur_len = 0; /* characters of the current row kept in cur (at most 63) */
    uint64_t rows = 0;  /* newlines seen */
    long long off = 0;
    int rc = SQ_OK, bad = 0;
    while (off < st->points_bytes && !bad) {
        long long left = st->points_bytes - off;
        size_t want = left < (long long)sizeof buf ? (size_t)left : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got <= 0) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot read %s", path);
            break;
        }
        for (ssize_t k = 0; k < got && !bad; k++) {
            long long at = off + k;
            if (buf[k] == '\0' || (at < (long long)hlen && buf[k] != header[at])) {
                bad = 1;
            } else if (buf[k] == '\n') {
                rows++;
                cur[cur_len] = '\0';
                memcpy(last_row, cur, cur_len + 1);
                cur_len = 0;
            } else if (cur_len < sizeof cur - 1) {
                cur[cur_len++] = buf[k];
            }
        }
        off += got;
    }
    free(header);
    if (rc != SQ_OK)
        return rc;
    /* The bytes end at a row boundary (cur_len 0) after the header and one row per position
     * done, the last one being the last position's id. */
    uint64_t done = st->next - st->lo, last_id = 0;
    if (!bad && (st->points_bytes < (long long)hlen || cur_len != 0 || rows != 1 + done))
        bad = 1;
    if (!bad && done > 0) {
        char *end;
        errno = 0;
        unsigned long long id = strtoull(last_row, &end, 10);
        last_id = sq_shard_id(st->shard_i, st->shard_n, st->block_ids, st->next - 1);
        bad = errno != 0 || end == last_row || *end != ',' || id != last_id;
    }
    if (bad)
        return sq_fail(err, SQ_EINPUT,
                       "squash: %s does not hold the header and the %" PRIu64
                       " rows the checkpoint records in its first %lld bytes; run without "
                       "--resume to start over",
                       path, done, st->points_bytes);
    return SQ_OK;
}

/* Opens points.csv.partial for appending at the recorded length (or fresh with a header). The
 * file is never opened through a symbolic link (one planted there would make the sweep write
 * over its target): created exclusively, or reopened with O_NOFOLLOW and checked. */
static int sq_points_open(FILE **out, const sq_experiment *xp, sq_state *st, const char *dir,
                          sq_error *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/points.csv.partial", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %s", dir);
    FILE *f = NULL;
    int fd, rc;
    if (st->points_bytes > 0 || st->next > st->lo) {
        /* Killed after points.csv.partial became points.csv but before the final state: the
         * rows past the checkpoint are cut off below and written again. */
        char done[4096];
        snprintf(done, sizeof done, "%s/points.csv", dir);
        if (access(path, F_OK) != 0 && access(done, F_OK) == 0 && rename(done, path) != 0)
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot resume %s: %s", done, strerror(errno));
        fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return sq_fail(err, errno == ELOOP || errno == ENOENT ? SQ_EINPUT : SQ_ERUNTIME,
                           "squash: cannot resume %s: %s", path,
                           errno == ELOOP ? "a symbolic link" : strerror(errno));
        if ((rc = sq_points_verify(fd, path, xp, st, err)) != SQ_OK) {
            close(fd);
            return rc;
        }
        if (ftruncate(fd, (off_t)st->points_bytes) != 0 || !(f = fdopen(fd, "a"))) {
            int e = errno;
            close(fd);
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot resume %s: %s", path, strerror(e));
        }
    } else {
        /* A leftover of an earlier run (or anything planted there) goes: unlink removes a
         * link, not its target, and O_EXCL refuses whatever appears in between. */
        if (unlink(path) != 0 && errno != ENOENT)
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot remove %s: %s", path, strerror(errno));
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 || !(f = fdopen(fd, "w"))) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot write %s: %s", path, strerror(e));
        }
        sq_points_header(f, xp, 1);
        if (fflush(f) != 0) {
            fclose(f);
            return sq_fail(err, SQ_ERUNTIME, "squash: cannot write %s: %s", path, strerror(errno));
        }
        st->points_bytes = ftell(f);
    }
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

/* Where a shard's positions are in the space (shard.c). */
typedef struct sq_part {
    uint64_t i, n;      /* part i (1-based) of n */
    uint64_t block_ids; /* B */
} sq_part;

/* Evaluates the positions [c0, c1) of part pt with the team's evaluators and folds them into
 * rd. pts (if not NULL) receives every point, pts[pos − c0]; then every metric is computed
 * (full evaluation). */
static void sq_chunk(const sq_experiment *xp, const sq_part *pt, sq_evaluator **evs, int threads,
                     uint64_t c0, uint64_t c1, sq_point *pts, sq_round *rd)
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
        for (uint64_t pos = c0; pos < c1; pos++) {
            sq_point p;
            sq_evaluate(ev, sq_shard_id(pt->i, pt->n, pt->block_ids, pos), full, &p);
            if (pts)
                pts[pos - c0] = p;
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
    uint64_t b0, b1;    /* the round's positions; b0 == b1: the sweep is complete */
    uint64_t min_chunk; /* the smallest chunk a rank takes (positions) */
} sq_header;

/* Everything a sweep holds, on every rank. */
typedef struct sq_run {
    const sq_experiment *xp; /* the experiment */
    const sq_sweep_opts *o;  /* the options */
    sq_part part;            /* the shard (every rank computes it from the options) */
    int lock_fd;             /* rank 0: the output directory's lock, or -1 */
    sq_ranks *rk;            /* the job's ranks */
    int rank;                /* this rank */
    int threads;             /* OpenMP threads of this rank */
    sq_evaluator **evs;      /* one per thread */
    uint64_t evals_seen;     /* evaluators' layer evaluations already counted (count) */
    sq_point *pts;           /* --all: a round's points (rank 0 by id − b0, others packed) */
    sq_state st;             /* rank 0: the run state */
    FILE *points;            /* rank 0, --all: points.csv.partial */
} sq_run;

/* Rank 0: the run state to start from, fresh or read back for --resume. Takes the output
 * directory first (creating it, locking it, refusing another experiment's outputs), so that an
 * unwritable directory or a second sweep into it fails before the first point. */
static int sq_start(sq_run *run, sq_error *err)
{
    const sq_experiment *xp = run->xp;
    const sq_sweep_opts *o = run->o;
    sq_state *st = &run->st;
    int missing = 0, rc;
    if (o->shard_n == 0 || o->shard_i < 1 || o->shard_i > o->shard_n)
        return sq_fail(err, SQ_EINPUT, "squash: --shard I/N needs 1 <= I <= N");
    /* An absolute path, so that `squash merge` finds the experiment from anywhere. */
    char xp_path[sizeof st->xp_path];
    char *abs = xp->path[0] == '(' ? NULL : realpath(xp->path, NULL);
    snprintf(xp_path, sizeof xp_path, "%s", abs ? abs : xp->path);
    free(abs);
    if ((rc = sq_dir_lock(&run->lock_fd, o->out_dir, xp_path, xp->sha256, o->force, err)) != SQ_OK)
        return rc;

    /* Start, or pick up where a killed run stopped. */
    if (o->resume) {
        rc = sq_state_read(st, xp, o->out_dir, &missing, err);
        if (rc != SQ_OK && !missing)
            return rc;
        if (rc == SQ_OK && (st->shard_i != o->shard_i || st->shard_n != o->shard_n ||
                            st->block_ids != run->part.block_ids)) {
            sq_state_free(st);
            return sq_fail(err, SQ_EINPUT,
                           "squash: the checkpoint in %s is of another shard (%" PRIu64 "/%" PRIu64
                           " in blocks of %" PRIu64 " ids); run without --resume to start over",
                           o->out_dir, st->shard_i, st->shard_n, st->block_ids);
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
        memcpy(st->xp_path, xp_path, sizeof st->xp_path);
        st->xp = xp;
        st->shard_i = o->shard_i;
        st->shard_n = o->shard_n;
        st->block_ids = run->part.block_ids;
        /* The shard's positions (shard.c); a part is empty when n is larger than the blocks. */
        st->lo = 0;
        st->hi = sq_shard_count(xp->space_size, o->shard_i, o->shard_n, st->block_ids);
        assert(st->hi <= xp->space_size);
        st->next = st->lo;
        st->points_bytes = o->all ? 0 : -1;
        st->digits = o->digits ? o->digits : SQ_DIGITS_DEFAULT;
        st->front = sq_archive_new(xp->objectives, xp->n_objectives);
        if (!st->front)
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }
    if (o->all && (st->next < st->hi || st->points_bytes == 0)) /* even empty: the header */
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
            sq_chunk(xp, &run->part, run->evs, run->threads, c0, c1, dst, &rd);
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
                               run->rank == 0 ? 0 : n_mine, run->pts, h->b0, h->b1 - h->b0,
                               run->part.n, run->part.block_ids) != SQ_OK &&
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
    run.lock_fd = -1;
    run.part.i = o->shard_i;
    run.part.n = o->shard_n;
    run.part.block_ids = o->shard_n ? sq_shard_block(xp->space_size, o->shard_n) : 1;
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
    /* Progress: a live line every half second on a terminal, else a plain line every
     * progress_s (at the end of the round that passes it; rounds take about 0.25 s). */
    const int show = run.rank == 0 && !o->quiet, tty = show && isatty(STDERR_FILENO);
    const double show_every_s = tty ? 0.5 : o->progress_s > 0 ? o->progress_s : 60.0;
    const double t_start = sq_now_s(), wall_before = st->wall_s;
    double t_shown = tty ? 0.0 : t_start;
    time_t ckpt_time = 0; /* wall clock of this run's last checkpoint */
    int shown = 0;        /* plain lines written */
    const uint64_t batch_max = o->all ? SQ_BATCH_MAX : (uint64_t)SQ_BATCH_MAX * (uint64_t)ranks;
    double t_ckpt = t_start, rate = 0.0;
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
            ckpt_time = time(NULL);
        }
        /* The last round's line is the final one, written after the loop. */
        if (show && t1 - t_shown >= show_every_s && st->next < st->hi) {
            sq_progress(st, rate, tty, ckpt_time, 0);
            t_shown = t1;
            shown++;
        }
    }
    if (rc != SQ_OK || run.rank != 0)
        goto out;
    if (tty || (show && shown > 0)) /* a short run leaves a batch log silent */
        sq_progress(st, rate, tty, ckpt_time, 1);

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
        (rc = sq_write_outputs(xp, st, o->out_dir, run.threads, ranks, o->breakdown, err)) != SQ_OK)
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
    sq_dir_unlock(run.lock_fd, o->out_dir);
    if (run.rank != 0 && rc != SQ_OK)
        sq_ranks_exit(run.rk, rc == SQ_EINPUT ? 2 : 1);
    sq_ranks_free(run.rk);
    return rc;
}
