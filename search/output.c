/*
 * output.c — what a sweep leaves in its directory:
 *   front.csv     the Pareto front, sorted by the first objective (CONTRACT.md columns)
 *   points.csv    every evaluated point in id order (--all), plus `feasible` and
 *                 `infeasible_reason`; CSV metrics have the run's --digits (sq_fmt_num)
 *   summary.json  counts, time, hypervolume with its reference point, provenance
 *   squash.state  the run state (state.c)
 * Every file is written to a temporary name and renamed, so a reader never sees half a file.
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

/* DIR/NAME into out (len bytes); SQ_EINPUT when too long. */
int sq_join(char *out, size_t len, const char *dir, const char *name, sq_error *err)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %s/%s", dir, name);
    return SQ_OK;
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
