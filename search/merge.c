/*
 * merge.c — `squash merge -o DIR SHARD_DIR...`: the outputs of shards (`squash sweep --shard I/N`)
 * combined into those of one run over the whole space.
 *
 * Each shard directory holds its run state (squash.state), which records the experiment (path
 * and SHA-256), the shard's id range, its counts, its nadir and its front with exact values.
 * The merge checks that the shards are finished runs of the same experiment whose ranges tile
 * [0, space_size) exactly, then offers every shard's front to one archive: the front of a union
 * is the front of the union of fronts, so the result is the front a single run gives, byte for
 * byte. Counts add up; the nadir is the worst of the shards' nadirs; wall_s is the sum of the
 * shards' times (the compute spent, not the elapsed time of a parallel job array). When every
 * shard wrote points.csv, their rows are concatenated in id order. The merged directory gets a
 * state of its own, so merged results can be merged again. Counts per infeasibility reason add
 * up; front.csv is written from exact values at any --digits, but copied points.csv rows keep
 * their shard's digits, so shards with points.csv must agree on them (and with --digits).
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "dse.h"

#define SQ_BUILTIN_PATH "(built-in default)"

/* Reads the experiment_path line of DIR/squash.state without the experiment. */
static int sq_state_xp_path(char *out, size_t len, const char *dir, sq_error *err)
{
    char path[4096], *text = NULL;
    size_t n = 0;
    int missing = 0;
    snprintf(path, sizeof path, "%s/squash.state", dir);
    int rc = sq_read_file(&text, &n, path, &missing, err);
    if (rc != SQ_OK) {
        if (missing)
            sq_fail(err, SQ_EINPUT, "squash: %s is not a finished sweep (no squash.state)", dir);
        return rc;
    }
    const char *key = "\nexperiment_path ";
    char *p = strstr(text, key);
    char *end = p ? strchr(p + strlen(key), '\n') : NULL;
    if (!p || !end || (size_t)(end - p - strlen(key)) >= len) {
        free(text);
        return sq_fail(err, SQ_EINPUT, "%s:1: malformed run state: experiment_path", path);
    }
    p += strlen(key);
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    free(text);
    return SQ_OK;
}

typedef struct sq_shard {
    sq_state st;     /* the shard's run state */
    const char *dir; /* its directory */
} sq_shard;

static int sq_cmp_shard_lo(const void *a, const void *b)
{
    const sq_shard *x = a, *y = b;
    return x->st.lo < y->st.lo ? -1 : x->st.lo > y->st.lo;
}

/* Appends the body (all but the header line) of SRC/points.csv to f. */
static int sq_append_points(FILE *f, const char *src_dir, int with_header, sq_error *err)
{
    char path[4096], *text = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/points.csv", src_dir);
    int rc = sq_read_file(&text, &n, path, NULL, err);
    if (rc != SQ_OK)
        return rc;
    char *body = with_header ? text : strchr(text, '\n');
    body = body ? body + (with_header ? 0 : 1) : text + n;
    fwrite(body, 1, n - (size_t)(body - text), f);
    free(text);
    return ferror(f) ? sq_fail(err, SQ_ERUNTIME, "squash: cannot write points.csv") : SQ_OK;
}

int sq_merge_run(const char *out_dir, char *const *dirs, size_t n, int threads, sq_error *err)
{
    return sq_merge_run_digits(out_dir, dirs, n, threads, 0, err);
}

/* digits: the CSV digits asked for (0: the shards'). Concatenated points.csv rows keep their
 * shard's digits (they cannot be rewritten without the exact values), so those must agree. */
int sq_merge_run_digits(const char *out_dir, char *const *dirs, size_t n, int threads, int digits,
                        sq_error *err)
{
    sq_experiment *xp = NULL;
    sq_shard *sh = NULL;
    sq_state all;
    char xp_path[4096];
    int rc;
    memset(&all, 0, sizeof all);
    if (n == 0)
        return sq_fail(err, SQ_EINPUT, "squash merge: name at least one shard directory");

    if ((rc = sq_state_xp_path(xp_path, sizeof xp_path, dirs[0], err)) != SQ_OK)
        return rc;
    if (strcmp(xp_path, SQ_BUILTIN_PATH) == 0)
        rc = sq_experiment_load_buffer(&xp, sq_default_experiment_xml,
                                       strlen(sq_default_experiment_xml), SQ_BUILTIN_PATH, err);
    else
        rc = sq_experiment_load(&xp, xp_path, err);
    if (rc != SQ_OK)
        return rc;

    sh = calloc(n, sizeof *sh);
    if (!sh) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int missing = 0;
        sh[i].dir = dirs[i];
        if ((rc = sq_state_read(&sh[i].st, xp, dirs[i], &missing, err)) != SQ_OK) {
            if (missing)
                sq_fail(err, SQ_EINPUT, "squash: %s is not a sweep output (no squash.state)",
                        dirs[i]);
            goto out;
        }
        if (strcmp(sh[i].st.sha256, xp->sha256) != 0) {
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
    }
    qsort(sh, n, sizeof *sh, sq_cmp_shard_lo);
    for (size_t i = 0; i < n; i++) {
        uint64_t want = i == 0 ? 0 : sh[i - 1].st.hi;
        if (sh[i].st.lo != want) {
            rc = sq_fail(err, SQ_EINPUT,
                         "squash merge: the shards do not tile the space: ids %llu..%llu %s",
                         (unsigned long long)(sh[i].st.lo < want ? sh[i].st.lo : want),
                         (unsigned long long)(sh[i].st.lo < want ? want : sh[i].st.lo),
                         sh[i].st.lo < want ? "are covered twice" : "are missing");
            goto out;
        }
    }
    if (sh[n - 1].st.hi != xp->space_size) {
        rc = sq_fail(err, SQ_EINPUT, "squash merge: ids %llu..%llu are missing (no shard has them)",
                     (unsigned long long)sh[n - 1].st.hi, (unsigned long long)xp->space_size);
        goto out;
    }

    /* Combine. */
    memcpy(all.sha256, xp->sha256, sizeof all.sha256);
    snprintf(all.xp_path, sizeof all.xp_path, "%s", xp_path);
    all.shard_i = all.shard_n = 1;
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
    if ((rc = sq_mkdir(out_dir, err)) != SQ_OK)
        goto out;
    if (all.points_bytes >= 0) {
        char path[4096];
        sq_outfile o;
        snprintf(path, sizeof path, "%s/points.csv", out_dir);
        if ((rc = sq_outfile_open(&o, path, err)) != SQ_OK)
            goto out;
        for (size_t i = 0; i < n && rc == SQ_OK; i++)
            rc = sq_append_points(o.f, sh[i].dir, i == 0, err);
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
    rc = sq_write_outputs(xp, &all, out_dir, threads, 1, err);
    if (rc == SQ_OK)
        sq_report_infeasible(stderr, xp, all.reasons, all.evaluated, all.feasible);
out:
    if (sh) {
        for (size_t i = 0; i < n; i++)
            sq_state_free(&sh[i].st);
        free(sh);
    }
    sq_state_free(&all);
    sq_experiment_free(xp);
    return rc;
}
