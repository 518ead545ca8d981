/*
 * state.c — a run's state, DIR/squash.state: the checkpoint while a sweep runs (--resume
 * continues from it) and the record `squash merge` and `eval --from` read when it is done.
 *
 * The file is line-oriented text. Doubles are written as C99 hexadecimal floats (%a), so a
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
 *   ID SRC M0 M1 ... M8  (one line per front point: accuracy source, the SQ_N_METRICS metrics)
 *   end
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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
