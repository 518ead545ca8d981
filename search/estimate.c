/*
 * estimate.c — sizing a sweep before it starts: what `squash check EXPERIMENT.xml` prints beyond
 * validity (the space size, the distinct layers per point, and the wall time to expect).
 *
 * The size and the layers are exact: the product of the sweeps' value counts, and the distinct
 * (shape, position) entries of the evaluator the sweep itself uses (point.c).
 *
 * The time is measured, not modelled: a point's cost depends on its design in ways no formula
 * here would keep up with (an area-infeasible point is rejected before any layer runs; a large
 * array takes longer in the mapping loops). So one evaluator, on one thread, evaluates a sample
 * of points exactly as the sweep does without --all (sq_evaluate with full = 0) and the rate is
 * taken as the space's. The sample must represent the whole space, including the parameters
 * that vary slowest (the first sweeps of the file, whose digit changes only every
 * S / n_0 ids), so it is made of passes of n ids spread evenly over [0, S):
 *
 *     id_k = ⌊(k + u_r) · S / n⌋,   k = 0 … n − 1,   u_0 = 1/2, u_1 = 1/4, u_2 = 3/4, …
 *
 * the first pass at the midpoints, each further pass shifted into the gaps the earlier ones
 * left (van der Corput offsets), so a pass brings new points rather than warm repeats. Within
 * a pass k runs as k_j = j · P mod n with P ≈ 0.618 n coprime to n (a golden-ratio stride), so
 * that when the time budget ends a pass early, the ids done are still spread over the whole
 * range rather than bunched at its start. Passes go on until min_s has passed, so that the
 * clock measures more than a few milliseconds, and stop at max_s (`squash check`: n ≤ 2000,
 * 0.2 s to 1 s). A space of at most n points is visited whole, and again. The rate is the
 * points over the thread's CPU time, so a busy machine (a login node) does not make the
 * estimate for a dedicated one look slow.
 *
 * The estimate for T threads is S / (rate · T): linear scaling (the sweep's threads share
 * nothing but the end-of-round merge; scripts/bench's speedup_j2 is 1.98–2.1 on a 2-core VM,
 * README "Speed"). It excludes start-up (loading, making the evaluators) and writing the outputs,
 * and with --all the sweep computes every metric of every point and writes each row, which takes
 * longer. MPI ranks × threads count as threads.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"

__extension__ typedef unsigned __int128 sq_est_u128; /* GCC and Clang: i·S without overflow */

static double sq_est_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the calling thread (s); 0 where there is no such clock. */
static double sq_est_cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t sq_est_gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The bits of v in reverse order: v = 1, 2, 3, … gives the van der Corput sequence 1/2, 1/4,
 * 3/4, … (in units of 2^-32), offsets that keep filling the gaps between earlier ones. */
static uint32_t sq_est_reverse32(uint32_t v)
{
    uint32_t r = 0;
    for (int b = 0; b < 32; b++, v >>= 1)
        r = (r << 1) | (v & 1u);
    return r;
}

int sq_cores(void)
{
    cpu_set_t set;
    /* The cores this process may run on (as the sweep's omp_get_num_procs counts them, so a
     * Slurm allocation of 8 CPUs on a 64-core node gives 8). */
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

int sq_estimate_run(const sq_experiment *xp, uint64_t max_ids, double min_s, double max_s,
                    sq_estimate *out, sq_error *err)
{
    assert(xp != NULL && out != NULL && max_ids >= 1 && min_s <= max_s);
    memset(out, 0, sizeof *out);
    out->space_size = xp->space_size;
    out->n_layers = xp->net->n_layers;
    sq_evaluator *ev = sq_evaluator_new(xp);
    if (!ev)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    out->n_distinct = sq_evaluator_distinct_layers(ev);

    const uint64_t s = xp->space_size;
    const uint64_t n = s < max_ids ? s : max_ids;
    uint64_t p = (uint64_t)(0.6180339887 * (double)n);
    if (p == 0)
        p = 1;
    while (sq_est_gcd(p, n) != 1)
        p++;
    out->sample_ids = n;

    /* The budget runs on the wall clock, read every point (a few tens of nanoseconds next to
     * microseconds a point); the rate on this thread's CPU time, read at both ends only (it
     * is a system call), so that other work on the machine does not slow the estimate. */
    const double cpu0 = sq_est_cpu_s(), t0 = sq_est_now_s();
    double t = t0;
    uint64_t j = 0;
    uint32_t shift = 1u << 31; /* pass r's offset in 2^-32: bit-reversed r + 1 (0.5, 0.25, …) */
    sq_point pt;
    while (t - t0 < max_s && (out->evaluated < n || t - t0 < min_s)) {
        uint64_t k = j * p % n;
        uint64_t id = (uint64_t)((((sq_est_u128)k << 32) + shift) * s / ((sq_est_u128)n << 32));
        sq_evaluate(ev, id, 0, &pt);
        out->evaluated++;
        if (++j == n) { /* next pass */
            j = 0;
            shift = sq_est_reverse32((uint32_t)(out->evaluated / n + 1));
        }
        t = sq_est_now_s();
    }
    out->sample_s = sq_est_cpu_s() - cpu0;
    if (!(out->sample_s > 0)) /* no thread CPU clock */
        out->sample_s = t - t0;
    sq_evaluator_free(ev);
    /* A clock that did not move (a coarse timer, a trivial space): take one nanosecond. */
    out->points_per_s = (double)out->evaluated / (out->sample_s > 1e-9 ? out->sample_s : 1e-9);
    return SQ_OK;
}

/* Writes seconds as "12.3 s", with hours / minutes / days beside them when that helps. */
static void sq_est_fmt_time(char *buf, size_t len, double sec)
{
    assert(isfinite(sec) && sec >= 0);
    if (sec < 60) {
        snprintf(buf, len, "%.3g s", sec);
    } else if (sec < 3600) {
        snprintf(buf, len, "%.0f s (%d min %02d s)", sec, (int)(sec / 60), (int)fmod(sec, 60));
    } else if (sec < 172800) {
        snprintf(buf, len, "%.0f s (%d h %02d min)", sec, (int)(sec / 3600),
                 (int)fmod(sec / 60, 60));
    } else {
        snprintf(buf, len, "%.0f s (%.1f days)", sec, sec / 86400);
    }
}

void sq_check_report(FILE *f, const sq_experiment *xp, const sq_estimate *est, int cores,
                     int threads, uint64_t shard_n)
{
    assert(f != NULL && xp != NULL && est != NULL && cores >= 1 && threads >= 0);
    char t[96];
    fprintf(f, "  space: %" PRIu64 " point%s", est->space_size, est->space_size == 1 ? "" : "s");
    for (size_t i = 0; i < xp->n_sweeps; i++)
        fprintf(f, "%s%s %zu", i == 0 ? " = " : " x ", xp->sweeps[i].param->name,
                xp->sweeps[i].n_values);
    fprintf(f, "%s\n", xp->n_sweeps == 0 ? " (no sweeps)" : "");
    fprintf(f,
            "  layers per point: %zu distinct of %zu (each distinct shape and position is "
            "evaluated once)\n",
            est->n_distinct, est->n_layers);
    fprintf(f,
            "  speed: %.4g points/s on 1 thread (sampled: %" PRIu64 " points in passes of %" PRIu64
            " spread evenly over the space, %.3g s of CPU)\n",
            est->points_per_s, est->evaluated, est->sample_ids, est->sample_s);
    fprintf(f, "  estimated sweep time without --all (linear scaling with threads; excludes "
               "start-up and writing the outputs):\n");
    /* 1, 2, 4, … below the cores, the cores, and -j T where it falls among them. */
    for (int j = 1, shown_t = threads == 0;;) {
        int next = j >= cores ? 0 : 2 * j > cores ? cores : 2 * j;
        if (!shown_t && threads < j) {
            sq_est_fmt_time(t, sizeof t, (double)est->space_size / (est->points_per_s * threads));
            fprintf(f, "    -j %d: %s\n", threads, t);
        }
        shown_t |= threads <= j;
        sq_est_fmt_time(t, sizeof t, (double)est->space_size / (est->points_per_s * j));
        fprintf(f, "    -j %d: %s\n", j, t);
        if (next == 0)
            break;
        j = next;
    }
    if (threads > cores) {
        sq_est_fmt_time(t, sizeof t, (double)est->space_size / (est->points_per_s * threads));
        fprintf(f, "    -j %d: %s\n", threads, t);
    }
    const int shard_threads = threads > 0 ? threads : cores;
    if (shard_n > 0) {
        /* The largest part: part 1 has the most blocks, unless it also has the last, partial
         * one, and then part 2 is at most as large (shard.c). Parts are interleaved blocks,
         * so their points cost about the same as the sample's. */
        uint64_t b = sq_shard_block(est->space_size, shard_n);
        uint64_t per = sq_shard_count(est->space_size, 1, shard_n, b);
        if (shard_n >= 2 && sq_shard_count(est->space_size, 2, shard_n, b) > per)
            per = sq_shard_count(est->space_size, 2, shard_n, b);
        sq_est_fmt_time(t, sizeof t, (double)per / (est->points_per_s * shard_threads));
        fprintf(
            f, "  --shard I/%" PRIu64 " at -j %d: %s per shard (at most %" PRIu64 " points each)\n",
            shard_n, shard_threads, t, per);
    }
}
