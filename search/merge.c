/*
 * merge.c — `squash merge -o DIR SHARD_DIR...`: the outputs of shards (`squash sweep --shard I/N`)
 * combined into those of one run over the whole space.
 *
 * Each shard directory holds its run state (squash.state), which records the experiment (path
 * and SHA-256), every input file with its SHA-256, the model version, the shard (I of N, in
 * blocks of B ids: shard.c), its counts, its nadir and its front with exact values. The merge
 * checks that the shards are finished runs of the same experiment with the same inputs as they
 * are now, share N and B, and are parts 1..N once each; then it offers every shard's front to
 * one archive: the front of a union is the front of the union of fronts, so the result is the
 * front a single run gives, byte for byte. Counts add up; the nadir is the worst of the shards'
 * nadirs; wall_s is the sum of the shards' times (the compute spent, not the elapsed time of a
 * parallel job array). When every shard wrote points.csv, the merged one takes B rows from part
 * 1, then B from part 2, ..., round robin, which is id order; each shard's file must have the
 * size its state records and each row the id expected there, so a truncated, empty or foreign
 * file is refused rather than glued in. The merged directory gets a state of its own, so merged
 * results can be merged again. The output directory is locked like a sweep's, and may not be
 * one of the shards. Counts per infeasibility reason add up; front.csv is written from exact
 * values at any --digits, but copied points.csv rows keep their shard's digits, so shards with
 * points.csv must agree on them (and with --digits).
 */
#define _XOPEN_SOURCE 700 /* getline */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explore.h"
#include "output.h"

typedef struct sq_shard {
    sq_state st;     /* the shard's run state */
    const char *dir; /* its directory */
    FILE *points;    /* its points.csv while merging */
    long long bytes; /* bytes read from it */
} sq_shard;

static int sq_cmp_shard_i(const void *a, const void *b)
{
    const sq_shard *x = a, *y = b;
    return x->st.shard_i < y->st.shard_i ? -1 : x->st.shard_i > y->st.shard_i;
}

/* Refuses an output directory that is one of the shards (it would be overwritten while read). */
static int sq_out_not_input(const char *out_dir, char *const *dirs, size_t n, sq_error *err)
{
    struct stat o, d;
    if (stat(out_dir, &o) != 0)
        return SQ_OK; /* does not exist yet: cannot be a shard */
    for (size_t i = 0; i < n; i++) {
        if (stat(dirs[i], &d) == 0 && d.st_dev == o.st_dev && d.st_ino == o.st_ino)
            return sq_fail(err, SQ_EINPUT,
                           "squash merge: the output directory %s is the shard %s; merge into "
                           "another directory",
                           out_dir, dirs[i]);
    }
    return SQ_OK;
}

/* Writes the shards' points.csv rows round robin, B at a time (sh sorted by part), checking
 * every file against its state: the header, each row's id, the size. */
static int sq_merge_points(FILE *f, const sq_experiment *xp, sq_shard *sh, size_t n, uint64_t b,
                           sq_error *err)
{
    char *header = NULL, *line = NULL;
    size_t hlen = 0, cap = 0;
    int rc = SQ_OK;
    FILE *m = open_memstream(&header, &hlen);
    if (m)
        sq_points_header(m, xp, 1);
    if (!m || fclose(m) != 0)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    for (size_t i = 0; i < n && rc == SQ_OK; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/points.csv", sh[i].dir);
        sh[i].points = fopen(path, "rb");
        if (!sh[i].points)
            rc = sq_fail(err, errno == ENOENT ? SQ_EINPUT : SQ_ERUNTIME,
                         "squash merge: cannot read %s: %s", path, strerror(errno));
        else if (fstat(fileno(sh[i].points), &sb) != 0 || !S_ISREG(sb.st_mode) ||
                 (long long)sb.st_size != sh[i].st.points_bytes)
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s has %lld bytes but its shard's state records %lld "
                         "(truncated, or not this shard's); run the shard again",
                         path, (long long)sb.st_size, sh[i].st.points_bytes);
        else if (getline(&line, &cap, sh[i].points) < 0 || strcmp(line, header) != 0)
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s does not start with this experiment's header; run "
                         "the shard again",
                         path);
    }
    if (rc == SQ_OK)
        fputs(header, f);
    uint64_t space = xp->space_size;
    for (uint64_t id = 0; id < space && rc == SQ_OK; id++) {
        sq_shard *s = &sh[id / b % n];
        ssize_t got = getline(&line, &cap, s->points);
        char *end = NULL;
        errno = 0;
        unsigned long long got_id = got > 0 ? strtoull(line, &end, 10) : 0;
        if (got <= 0 || line[got - 1] != '\n' || errno != 0 || end == line || *end != ',' ||
            got_id != id) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s/points.csv: expected the row of id %" PRIu64
                         " (the file is truncated, reordered or not this shard's); run the shard "
                         "again",
                         s->dir, id);
            break;
        }
        fwrite(line, 1, (size_t)got, f);
    }
    for (size_t i = 0; i < n && rc == SQ_OK; i++)
        if (getline(&line, &cap, sh[i].points) >= 0)
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s/points.csv has rows past its shard's; run the shard "
                         "again",
                         sh[i].dir);
    if (rc == SQ_OK && ferror(f))
        rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv");
    for (size_t i = 0; i < n; i++) {
        if (sh[i].points)
            fclose(sh[i].points);
        sh[i].points = NULL;
    }
    free(line);
    free(header);
    return rc;
}

int sq_merge_run(const char *out_dir, char *const *dirs, size_t n, int threads, int force,
                 sq_error *err)
{
    return sq_merge_run_digits(out_dir, dirs, n, threads, 0, 0, force, err);
}

/* digits: the CSV digits asked for (0: the shards'). Concatenated points.csv rows keep their
 * shard's digits (they cannot be rewritten without the exact values), so those must agree. */
int sq_merge_run_digits(const char *out_dir, char *const *dirs, size_t n, int threads, int digits,
                        int breakdown, int force, sq_error *err)
{
    sq_experiment *xp = NULL;
    sq_shard *sh = NULL;
    sq_state all;
    char xp_path[4096], xp_sha[65];
    int rc, missing = 0, lock_fd = -1;
    memset(&all, 0, sizeof all);
    if (n == 0)
        return sq_fail(err, SQ_EINPUT, "squash merge: name at least one shard directory");
    if ((rc = sq_out_not_input(out_dir, dirs, n, err)) != SQ_OK)
        return rc;

    if ((rc = sq_state_peek(xp_path, sizeof xp_path, xp_sha, dirs[0], &missing, err)) != SQ_OK) {
        if (missing)
            sq_fail(err, SQ_EINPUT, "squash: %s is not a finished sweep (no squash.state)",
                    dirs[0]);
        return rc;
    }
    rc = sq_experiment_load_recorded(&xp, xp_path, err);
    if (rc != SQ_OK)
        return rc;

    sh = calloc(n, sizeof *sh);
    if (!sh) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        sh[i].dir = dirs[i];
        if ((rc = sq_state_read(&sh[i].st, xp, dirs[i], &missing, err)) != SQ_OK) {
            if (missing)
                sq_fail(err, SQ_EINPUT, "squash: %s is not a sweep output (no squash.state)",
                        dirs[i]);
            goto out;
        }
        if (strcmp(sh[i].st.sha256, xp->sha256) != 0) { /* defensive: state_read checks */
            rc = sq_fail(err, SQ_EINPUT,
                         "squash: %s is a sweep of another experiment (or %s changed since)",
                         dirs[i], xp_path);
            goto out;
        }
        if (sh[i].st.next != sh[i].st.hi) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash: %s is unfinished (%llu of %llu points); finish it with "
                         "squash sweep --resume",
                         dirs[i], (unsigned long long)(sh[i].st.next - sh[i].st.lo),
                         (unsigned long long)(sh[i].st.hi - sh[i].st.lo));
            goto out;
        }
        if (sh[i].st.shard_n != sh[0].st.shard_n || sh[i].st.block_ids != sh[0].st.block_ids) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s is part %" PRIu64 "/%" PRIu64 " in blocks of %" PRIu64
                         " ids, %s part %" PRIu64 "/%" PRIu64 " in blocks of %" PRIu64
                         ": the shards are of different splits of the space",
                         dirs[i], sh[i].st.shard_i, sh[i].st.shard_n, sh[i].st.block_ids, dirs[0],
                         sh[0].st.shard_i, sh[0].st.shard_n, sh[0].st.block_ids);
            goto out;
        }
    }
    const uint64_t parts = sh[0].st.shard_n, block = sh[0].st.block_ids;
    qsort(sh, n, sizeof *sh, sq_cmp_shard_i);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && sh[i].st.shard_i == sh[i - 1].st.shard_i) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s and %s are both part %" PRIu64 "/%" PRIu64,
                         sh[i - 1].dir, sh[i].dir, sh[i].st.shard_i, parts);
            goto out;
        }
    }
    if ((uint64_t)n != parts) {
        uint64_t gap = 1; /* the first part no directory has */
        for (size_t i = 0; i < n && sh[i].st.shard_i == gap; i++)
            gap++;
        rc = sq_fail(err, SQ_EINPUT,
                     "squash merge: part %" PRIu64 " of %" PRIu64
                     " is missing (%zu shard directories given); the shards must cover the "
                     "space once",
                     gap, parts, n);
        goto out;
    }
    if (block != sq_shard_block(xp->space_size, parts)) {
        rc = sq_fail(err, SQ_EINPUT,
                     "squash merge: the shards use blocks of %" PRIu64
                     " ids where this squash uses %" PRIu64 "; run them again",
                     block, sq_shard_block(xp->space_size, parts));
        goto out;
    }

    /* Combine. */
    memcpy(all.sha256, xp->sha256, sizeof all.sha256);
    snprintf(all.xp_path, sizeof all.xp_path, "%s", xp_path);
    all.xp = xp;
    all.shard_i = all.shard_n = 1;
    all.block_ids = sq_shard_block(xp->space_size, 1);
    all.lo = 0;
    all.hi = all.next = xp->space_size;
    all.points_bytes = 0;
    all.front = sq_archive_new(xp->objectives, xp->n_objectives);
    if (!all.front) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const sq_state *s = &sh[i].st;
        all.evaluated += s->evaluated;
        all.feasible += s->feasible;
        all.layer_evals += s->layer_evals;
        for (int k = 0; k < SQ_N_REASONS; k++)
            all.reasons[k] += s->reasons[k];
        all.wall_s += s->wall_s;
        if (s->points_bytes < 0)
            all.points_bytes = -1;
        if (s->has_nadir) {
            for (size_t k = 0; k < xp->n_objectives; k++) {
                double v = s->nadir[k];
                int worse = xp->objectives[k].maximize ? v < all.nadir[k] : v > all.nadir[k];
                if (!all.has_nadir || worse)
                    all.nadir[k] = v;
            }
            all.has_nadir = 1;
        }
        if (sq_archive_merge(all.front, s->front) < 0) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
    }

    all.digits = digits ? digits : sh[0].st.digits;
    for (size_t i = 0; i < n && all.points_bytes >= 0; i++) {
        if (sh[i].st.digits != all.digits && digits) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s wrote points.csv with %d significant digits, not the "
                         "%d of --digits (its rows cannot be rewritten): merge without --digits, "
                         "or run the shards with --digits %d",
                         sh[i].dir, sh[i].st.digits, digits, digits);
            goto out;
        }
        if (sh[i].st.digits != all.digits) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: %s wrote points.csv with %d significant digits and %s "
                         "with %d: run every shard with the same --digits",
                         sh[i].dir, sh[i].st.digits, sh[0].dir, sh[0].st.digits);
            goto out;
        }
    }
    if ((rc = sq_dir_lock(&lock_fd, out_dir, xp_path, xp->sha256, force, err)) != SQ_OK)
        goto out;
    if (all.points_bytes >= 0) {
        char path[4096];
        sq_outfile o;
        snprintf(path, sizeof path, "%s/points.csv", out_dir);
        if ((rc = sq_outfile_open(&o, path, err)) != SQ_OK)
            goto out;
        rc = sq_merge_points(o.f, xp, sh, n, block, err);
        all.points_bytes = o.f ? ftell(o.f) : 0;
        if (rc != SQ_OK) {
            sq_outfile_abort(&o);
            goto out;
        }
        if ((rc = sq_outfile_commit(&o, err)) != SQ_OK)
            goto out;
    }
    if (all.points_bytes < 0) {
        /* A points.csv of an earlier merge would no longer match front.csv. */
        char stale[4096];
        snprintf(stale, sizeof stale, "%s/points.csv", out_dir);
        if (unlink(stale) != 0 && errno != ENOENT) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot remove the stale %s: %s", stale,
                         strerror(errno));
            goto out;
        }
    }
    if ((rc = sq_state_write(&all, out_dir, err)) != SQ_OK)
        goto out;
    rc = sq_write_outputs(xp, &all, out_dir, threads, 1, breakdown, err);
    if (rc == SQ_OK)
        sq_report_infeasible(stderr, xp, all.reasons, all.evaluated, all.feasible);
out:
    sq_dir_unlock(lock_fd, out_dir);
    if (sh) {
        for (size_t i = 0; i < n; i++)
            sq_state_free(&sh[i].st);
        free(sh);
    }
    sq_state_free(&all);
    sq_experiment_free(xp);
    return rc;
}
