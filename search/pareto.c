/*
 * pareto.c — the Pareto archive: the non-dominated feasible points seen so far, and the
 * hypervolume they dominate.
 *
 * DOMINANCE. Every objective is turned into a minimization value once, when a point is offered
 * (a maximized metric is negated), and stored beside the point as its key. a dominates b iff a is
 * no worse than b in every objective and strictly better in at least one [1]. Points with equal
 * objective vectors do not dominate each other and are all kept, so the archive is a pure
 * function of the SET of points offered: neither the insertion order nor the thread count,
 * shard split or resume point can change it. Offering the same point (same id, same vector)
 * twice keeps it once, so merging overlapping archives is idempotent. An infeasible point is
 * never kept (the archive is the front of the feasible points).
 *
 * TWO OBJECTIVES: a sorted staircase. The front is kept sorted by (f0, f1, id). In a 2D front,
 * entries with equal f0 have equal f1 (otherwise one would dominate the other), and between
 * groups f0 strictly increases while f1 strictly decreases [2]. For a new point q = (x, y), let
 * lo be the first entry with f0 >= x (binary search). Then
 *   - q is dominated iff entry lo-1 (f0 < x) has f1 <= y, or entry lo has f0 = x and f1 < y:
 *     these are the smallest f1 on either side of x;
 *   - if entry lo has q's vector, q joins that run of equals at its id's place and dominates
 *     nothing (anything it dominated would be dominated by its equals already);
 *   - otherwise the entries q dominates are exactly the run lo, lo+1, ... with f1 >= y, and q
 *     takes their place: one memmove of the tail.
 * Cost: O(log n) comparisons to test a point, O(log n + k) to insert one that removes k
 * entries, plus one memmove of the tail. The array is always in the sorted order.
 *
 * THREE OR MORE OBJECTIVES: a flat array and a linear scan, O(n·d) per point, exact for any d.
 * Most offered points are dominated, so the scan is arranged to reject early: an entry that
 * dominates the new point is swapped to the front of the array, where the next scan meets it
 * first (a cheap form of move-to-front self-organizing search [3]). If the new point dominates
 * an entry, no entry can dominate it (that entry would dominate the other), so it replaces
 * that entry and the rest of the scan only removes (swap with the last entry). The array is
 * sorted on demand by sq_archive_sorted (qsort, O(n log n)).
 *
 * TOTAL ORDER. qsort has no context argument, so a key holds SQ_N_METRICS objective slots, the
 * unused ones zero: comparing all slots, then the id, is a total order that needs no count.
 * (No globals: each thread owns its archive, and nothing here is shared.)
 *
 * MEMORY is two parallel arrays (whole sq_point for the output, key for the comparisons) that
 * double when full and halve when a quarter full, so it stays proportional to the front, not
 * to the points offered. Out of memory leaves the archive as it was.
 *
 * HYPERVOLUME [4] of the front within the box bounded by the reference point r (the worst
 * corner). A point contributes only if it is strictly better than r in every objective;
 * others add nothing. The slicing recursion of HSO [5] cuts the space into slabs along the
 * first remaining objective, between consecutive point values, and multiplies each slab's
 * thickness by the (d-1)-dimensional hypervolume of the points below it:
 *     d = 1: r0 − min f0                                            O(n)
 *     d = 2: sort by f0, sweep keeping the running minimum of f1    O(n log n)
 *     d = 3: sort by f0 and add points to a 2D staircase of (f1, f2) whose area is updated
 *            incrementally (the insert above, plus the area it adds) [6]
 *                                                                   O(n log n) + memmoves,
 *                                                                   O(n²) bytes moved at worst
 *     d ≥ 4: slice, recurse on prefixes                             O(n^(d−2) log n)
 * Exact up to rounding; a few thousand points are milliseconds in 3D, 4D is fine for a few
 * hundred, more objectives only for small fronts. The computation runs on the sorted front so
 * that the rounding, too, is the same whatever the insertion order. Its O(n·d) scratch space is
 * one malloc; if that fails the result is −1 (a hypervolume is never negative).
 *
 * References
 * [1] K. Deb, "Multi-Objective Optimization using Evolutionary Algorithms", Wiley 2001, §2.4.
 * [2] H. T. Kung, F. Luccio, F. P. Preparata, "On finding the maxima of a set of vectors",
 *     J. ACM 22(4):469–476, 1975.
 * [3] J. L. Bentley, C. C. McGeoch, "Amortized analyses of self-organizing sequential search
 *     heuristics", Commun. ACM 28(4):404–411, 1985.
 * [4] E. Zitzler, L. Thiele, "Multiobjective evolutionary algorithms: a comparative case study
 *     and the strength Pareto approach", IEEE TEC 3(4):257–271, 1999.
 * [5] L. While, P. Hingston, L. Barone, S. Huband, "A faster algorithm for calculating
 *     hypervolume", IEEE TEC 10(1):29–38, 2006.
 * [6] C. M. Fonseca, L. Paquete, M. López-Ibáñez, "An improved dimension-sweep algorithm for
 *     the hypervolume indicator", IEEE CEC 2006, 1157–1163 (there with a balanced tree,
 *     O(n log n); a sorted array is simpler and as fast at front sizes seen here).
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"

enum {
    PARETO_MIN_CAP = 16 /* first allocation, and the capacity below which it never shrinks */
};

/* A point's objective vector in minimization sense: what every comparison reads. */
typedef struct pareto_key {
    double f[SQ_N_METRICS]; /* objective i's value, negated when maximized; unused slots 0 */
    uint64_t id;            /* the point's id: the last sort key */
    size_t slot;            /* scratch for sq_archive_sorted: the entry's index before sorting */
} pareto_key;

struct sq_archive {
    size_t n_objectives;            /* objectives in use, 1..SQ_N_METRICS */
    sq_objective obj[SQ_N_METRICS]; /* copied from the caller */
    size_t n;                       /* points in the front */
    size_t cap;                     /* entries allocated in pts and in keys */
    sq_point *pts;                  /* the front's points, whole (front.csv prints every metric) */
    pareto_key *keys;               /* keys[i] is pts[i]'s objective vector */
    int sorted;                     /* 1 if pts and keys are in sq_archive_sorted's order */
};

/* Result of comparing two objective vectors. */
enum { PARETO_NEITHER, PARETO_LEFT, PARETO_RIGHT, PARETO_EQUAL };

/* ------------------------------------------------------------------------------- keys, order */

static void pareto_key_make(const sq_archive *a, const sq_point *p, pareto_key *k)
{
    memset(k, 0, sizeof *k);
    for (size_t i = 0; i < a->n_objectives; i++) {
        double v = p->m[a->obj[i].metric];
        assert(isfinite(v));
        k->f[i] = a->obj[i].maximize ? -v : v;
    }
    k->id = p->id;
}

/* PARETO_LEFT if x dominates y, PARETO_RIGHT if y dominates x, PARETO_EQUAL for equal vectors. */
static int pareto_dominance(const pareto_key *x, const pareto_key *y, size_t d)
{
    int x_better = 0, y_better = 0;
    for (size_t i = 0; i < d; i++) {
        if (x->f[i] < y->f[i])
            x_better = 1;
        else if (x->f[i] > y->f[i])
            y_better = 1;
        if (x_better && y_better)
            return PARETO_NEITHER;
    }
    if (x_better)
        return PARETO_LEFT;
    return y_better ? PARETO_RIGHT : PARETO_EQUAL;
}

/* 1 iff x dominates y. */
static int pareto_dominates(const pareto_key *x, const pareto_key *y, size_t d)
{
    int strict = 0;
    for (size_t i = 0; i < d; i++) {
        if (x->f[i] > y->f[i])
            return 0;
        if (x->f[i] < y->f[i])
            strict = 1;
    }
    return strict;
}

/* The total order of sq_archive_sorted: every slot (unused ones are 0), then the id. */
static int pareto_key_cmp(const pareto_key *x, const pareto_key *y)
{
    for (size_t i = 0; i < SQ_N_METRICS; i++) {
        if (x->f[i] != y->f[i])
            return x->f[i] < y->f[i] ? -1 : 1;
    }
    return (x->id > y->id) - (x->id < y->id);
}

static int pareto_key_qsort_cmp(const void *x, const void *y)
{
    return pareto_key_cmp(x, y);
}

/* ------------------------------------------------------------------------------------ memory */

/* Reallocates both arrays to cap entries. On failure the archive is intact (an array may have
 * moved, and cap only ever drops to a size both arrays have) and -1 is returned. */
static int pareto_resize(sq_archive *a, size_t cap)
{
    assert(cap >= a->n);
    if (cap > SIZE_MAX / sizeof(pareto_key))
        return -1;
    sq_point *pts = realloc(a->pts, cap * sizeof *pts);
    if (!pts)
        return -1;
    a->pts = pts;
    pareto_key *keys = realloc(a->keys, cap * sizeof *keys);
    if (!keys) {
        if (cap < a->cap)
            a->cap = cap; /* pts shrank, keys did not: both hold cap */
        return -1;
    }
    a->keys = keys;
    a->cap = cap;
    return 0;
}

/* Makes room for one more entry. 0, or -1 out of memory (archive unchanged). */
static int pareto_reserve_one(sq_archive *a)
{
    if (a->n < a->cap)
        return 0;
    if (a->cap > SIZE_MAX / 2)
        return -1;
    return pareto_resize(a, a->cap ? 2 * a->cap : PARETO_MIN_CAP);
}

/* After removals: halves the arrays when they are three-quarters empty (a failed shrink is
 * harmless). Doubling at full and halving at a quarter keep resizing amortized O(1). */
static void pareto_maybe_shrink(sq_archive *a)
{
    if (a->cap > PARETO_MIN_CAP && a->n < a->cap / 4)
        (void)pareto_resize(a, a->cap / 2);
}

/* ---------------------------------------------------------------------------- two objectives */

/* First index whose f0 is >= x. */
static size_t pareto_lower_f0(const sq_archive *a, double x)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->keys[mid].f[0] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First index in [lo, n) whose key is >= k in the total order. */
static size_t pareto_lower_key(const sq_archive *a, size_t lo, const pareto_key *k)
{
    size_t hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pareto_key_cmp(&a->keys[mid], k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int pareto_insert_2d(sq_archive *a, const sq_point *p, const pareto_key *k)
{
    const double x = k->f[0], y = k->f[1];
    pareto_key *keys = a->keys;
    size_t n = a->n;
    size_t lo = pareto_lower_f0(a, x);

    if (lo > 0 && keys[lo - 1].f[1] <= y)
        return 0; /* f0 < x and f1 <= y */
    if (lo < n && keys[lo].f[0] == x && keys[lo].f[1] < y)
        return 0; /* f0 = x and f1 < y */

    size_t at, hi;
    if (lo < n && keys[lo].f[0] == x && keys[lo].f[1] == y) {
        /* Equal vectors: join the run at the id's place; nothing is dominated. */
        at = pareto_lower_key(a, lo, k);
        if (at < n && keys[at].id == k->id && keys[at].f[0] == x && keys[at].f[1] == y)
            return 0; /* offered before */
        hi = at;
    } else {
        /* The entries q dominates: f0 >= x (equal f0 only with f1 > y), f1 >= y. */
        at = lo;
        hi = lo;
        while (hi < n && keys[hi].f[1] >= y)
            hi++;
    }

    if (hi == at) {
        if (pareto_reserve_one(a) != 0)
            return SQ_ERUNTIME;
        keys = a->keys;
        memmove(&keys[at + 1], &keys[at], (n - at) * sizeof *keys);
        memmove(&a->pts[at + 1], &a->pts[at], (n - at) * sizeof *a->pts);
        a->n = n + 1;
    } else {
        memmove(&keys[at + 1], &keys[hi], (n - hi) * sizeof *keys);
        memmove(&a->pts[at + 1], &a->pts[hi], (n - hi) * sizeof *a->pts);
        a->n = n - (hi - at) + 1;
    }
    keys[at] = *k;
    a->pts[at] = *p;
    if (hi > at + 1)
        pareto_maybe_shrink(a);
    return 1;
}

/* -------------------------------------------------------------- one, three or more objectives */

static void pareto_swap(sq_archive *a, size_t i, size_t j)
{
    pareto_key tk = a->keys[i];
    a->keys[i] = a->keys[j];
    a->keys[j] = tk;
    sq_point tp = a->pts[i];
    a->pts[i] = a->pts[j];
    a->pts[j] = tp;
}

static int pareto_insert_nd(sq_archive *a, const sq_point *p, const pareto_key *k)
{
    const size_t d = a->n_objectives;
    pareto_key *keys = a->keys;

    for (size_t i = 0; i < a->n; i++) {
        int rel = pareto_dominance(&keys[i], k, d);
        if (rel == PARETO_LEFT) {
            if (i > 0) {
                pareto_swap(a, 0, i); /* check this dominator first next time */
                a->sorted = 0;
            }
            return 0;
        }
        if (rel == PARETO_EQUAL && keys[i].id == k->id)
            return 0; /* offered before */
        if (rel == PARETO_RIGHT) {
            /* Nothing can dominate q now: q takes entry i's place, the rest is removal. */
            keys[i] = *k;
            a->pts[i] = *p;
            size_t j = i + 1;
            while (j < a->n) {
                if (pareto_dominates(k, &keys[j], d)) {
                    a->n--;
                    keys[j] = keys[a->n];
                    a->pts[j] = a->pts[a->n];
                } else {
                    j++;
                }
            }
            a->sorted = 0;
            pareto_maybe_shrink(a);
            return 1;
        }
    }

    if (pareto_reserve_one(a) != 0)
        return SQ_ERUNTIME;
    a->keys[a->n] = *k;
    a->pts[a->n] = *p;
    a->n++;
    a->sorted = 0;
    return 1;
}

/* ------------------------------------------------------------------------------- the archive */

sq_archive *sq_archive_new(const sq_objective *objectives, size_t n_objectives)
{
    assert(objectives && n_objectives >= 1 && n_objectives <= SQ_N_METRICS);
    if (n_objectives < 1 || n_objectives > SQ_N_METRICS)
        return NULL; /* defensive: the experiment loader bounds the count */
    sq_archive *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    for (size_t i = 0; i < n_objectives; i++) {
        assert(objectives[i].metric >= 0 && objectives[i].metric < SQ_N_METRICS);
        a->obj[i] = objectives[i];
    }
    a->n_objectives = n_objectives;
    a->sorted = 1; /* the empty front is in order */
    return a;
}

void sq_archive_free(sq_archive *a)
{
    if (!a)
        return;
    free(a->pts);
    free(a->keys);
    free(a);
}

int sq_archive_insert(sq_archive *a, const sq_point *p)
{
    assert(a && p);
    if (!p->feasible)
        return 0;
    pareto_key k;
    pareto_key_make(a, p, &k);
    if (a->n_objectives == 2)
        return pareto_insert_2d(a, p, &k);
    return pareto_insert_nd(a, p, &k);
}

int sq_archive_merge(sq_archive *into, const sq_archive *from)
{
    assert(into && from && into->n_objectives == from->n_objectives);
    assert(memcmp(into->obj, from->obj, into->n_objectives * sizeof *into->obj) == 0);
    if (into == from)
        return 0; /* a front merged with itself is itself */
    for (size_t i = 0; i < from->n; i++) {
        if (sq_archive_insert(into, &from->pts[i]) < 0)
            return SQ_ERUNTIME;
    }
    return 0;
}

size_t sq_archive_size(const sq_archive *a)
{
    assert(a);
    return a->n;
}

const sq_point *sq_archive_sorted(sq_archive *a)
{
    assert(a);
    if (a->sorted)
        return a->pts;
    for (size_t i = 0; i < a->n; i++)
        a->keys[i].slot = i;
    qsort(a->keys, a->n, sizeof *a->keys, pareto_key_qsort_cmp);
    /* pts[i] must become the old pts[keys[i].slot]: follow each cycle of the permutation,
     * marking placed entries with slot = own index (no allocation, so this cannot fail). */
    for (size_t i = 0; i < a->n; i++) {
        if (a->keys[i].slot == i)
            continue;
        sq_point held = a->pts[i];
        size_t j = i;
        while (a->keys[j].slot != i) {
            size_t from = a->keys[j].slot;
            a->pts[j] = a->pts[from];
            a->keys[j].slot = j;
            j = from;
        }
        a->pts[j] = held;
        a->keys[j].slot = j;
    }
    a->sorted = 1;
    return a->pts;
}

/* ------------------------------------------------------------------------------- hypervolume */

/* A point of the 3D base case's 2D staircase. */
typedef struct pareto_step {
    double x; /* first coordinate (minimization value) */
    double y; /* second coordinate (minimization value) */
} pareto_step;

/* Scratch space of one hypervolume computation. */
typedef struct pareto_hv_work {
    const double **level[SQ_N_METRICS + 1]; /* level[d]: the prefix handed to dimension d-1 */
    pareto_step *stair;                     /* the 3D base case's staircase */
} pareto_hv_work;

/* Orders points (pointers to their remaining coordinates) by the first one; ties by address,
 * which follows the sorted front, so that the order is deterministic. */
static int pareto_hv_cmp(const void *x, const void *y)
{
    const double *px = *(const double *const *)x;
    const double *py = *(const double *const *)y;
    if (px[0] != py[0])
        return px[0] < py[0] ? -1 : 1;
    return (px > py) - (px < py);
}

/* Adds (x, y) to the staircase st[0..*n) (x ascending, y strictly descending, every point
 * strictly inside the box below (rx, ry)) and returns the area it adds within that box. */
static double pareto_stair_add(pareto_step *st, size_t *n, double x, double y, double rx, double ry)
{
    size_t lo = 0, hi = *n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st[mid].x < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && st[lo - 1].y <= y)
        return 0.0;
    if (lo < *n && st[lo].x == x && st[lo].y <= y)
        return 0.0;
    /* The new area lies above y and right of x, below the old staircase's height h(u), which
     * steps down at each dominated entry [lo, hi); past entry hi it is below y. */
    double added = 0.0, u = x, h = lo > 0 ? st[lo - 1].y : ry;
    hi = lo;
    while (hi < *n && st[hi].y >= y) {
        added += (st[hi].x - u) * (h - y);
        u = st[hi].x;
        h = st[hi].y;
        hi++;
    }
    added += ((hi < *n ? st[hi].x : rx) - u) * (h - y);
    if (hi == lo)
        memmove(&st[lo + 1], &st[lo], (*n - lo) * sizeof *st);
    else
        memmove(&st[lo + 1], &st[hi], (*n - hi) * sizeof *st);
    *n = *n - (hi - lo) + 1;
    st[lo].x = x;
    st[lo].y = y;
    return added;
}

/* Hypervolume of n points in d dimensions below r; every point is strictly inside the box.
 * Sorts pts. */
static double pareto_hv(size_t d, const double **pts, size_t n, const double *r, pareto_hv_work *w)
{
    assert(n > 0 && d >= 1);
    if (d == 1) {
        double best = pts[0][0];
        for (size_t i = 1; i < n; i++)
            best = fmin(best, pts[i][0]);
        return r[0] - best;
    }
    qsort(pts, n, sizeof *pts, pareto_hv_cmp);
    double hv = 0.0;
    if (d == 2) {
        double low = r[1]; /* running minimum of the second coordinate */
        for (size_t i = 0; i < n; i++) {
            if (pts[i][1] < low) {
                hv += (r[0] - pts[i][0]) * (low - pts[i][1]);
                low = pts[i][1];
            }
        }
        return hv;
    }
    if (d == 3) {
        size_t n_stair = 0;
        double area = 0.0; /* of the staircase of pts[0..i] in the last two coordinates */
        for (size_t i = 0; i < n; i++) {
            area += pareto_stair_add(w->stair, &n_stair, pts[i][1], pts[i][2], r[1], r[2]);
            double next = i + 1 < n ? pts[i + 1][0] : r[0];
            hv += area * (next - pts[i][0]);
        }
        return hv;
    }
    const double **prefix = w->level[d];
    for (size_t i = 0; i < n; i++) {
        prefix[i] = pts[i] + 1; /* the sub-call reorders prefix[0..i]: still the same set */
        double thick = (i + 1 < n ? pts[i + 1][0] : r[0]) - pts[i][0];
        if (thick > 0.0)
            hv += thick * pareto_hv(d - 1, prefix, i + 1, r + 1, w);
    }
    return hv;
}

double sq_archive_hypervolume(sq_archive *a, const double *ref)
{
    assert(a && ref);
    const size_t d = a->n_objectives;
    double r[SQ_N_METRICS];
    for (size_t i = 0; i < d; i++) {
        assert(isfinite(ref[i]));
        r[i] = a->obj[i].maximize ? -ref[i] : ref[i];
    }
    sq_archive_sorted(a); /* the same rounding whatever the insertion order */

    size_t m = 0; /* points strictly inside the box */
    for (size_t i = 0; i < a->n; i++) {
        size_t j = 0;
        while (j < d && a->keys[i].f[j] < r[j])
            j++;
        m += j == d;
    }
    if (m == 0)
        return 0.0;

    /* One block, most aligned first: the staircase, the coordinates, the top-level pointers
     * and one prefix array per level of the recursion above 3. m ≤ a->n entries already fit in
     * memory, so the size cannot overflow. */
    size_t n_levels = d > 3 ? d - 3 : 0;
    size_t bytes =
        m * (sizeof(pareto_step) + d * sizeof(double) + (1 + n_levels) * sizeof(double *));
    pareto_step *block = malloc(bytes);
    if (!block)
        return -1.0; /* out of memory: the one negative result */
    double *coords = (double *)(block + m);
    const double **top = (const double **)(coords + m * d);
    pareto_hv_work w = {{0}, block};
    for (size_t l = 0; l < n_levels; l++)
        w.level[d - l] = top + m * (1 + l);

    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t j = 0;
        while (j < d && a->keys[i].f[j] < r[j])
            j++;
        if (j < d)
            continue;
        memcpy(&coords[k * d], a->keys[i].f, d * sizeof(double));
        top[k] = &coords[k * d];
        k++;
    }
    double hv = pareto_hv(d, top, m, r, &w);
    free(block);
    assert(isfinite(hv) && hv >= 0.0);
    return hv;
}
