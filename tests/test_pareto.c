/*
 * test_pareto.c — the Pareto archive (search/pareto.c): hand-made fronts in 2D and 3D, equal
 * vectors, maximized objectives, independence from the insertion order and the shard split
 * (against a brute-force O(n²) reference front), bounded memory, and the hypervolume against
 * hand calculations, inclusion–exclusion and a grid count.
 */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "dse.h"

/* ------------------------------------------------------------------------------------ helpers */

/* splitmix64: a small deterministic generator, one state per caller. */
typedef struct test_rng {
    uint64_t s; /* state */
} test_rng;

static uint64_t rng_next(test_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(test_rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static void shuffle(sq_point *p, size_t n, test_rng *r)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng_next(r) % i);
        sq_point t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
}

/* A feasible point whose first objectives' metrics are given (other metrics: id-derived). */
static sq_point mk(uint64_t id, const sq_objective *obj, size_t d, const double *v)
{
    sq_point p;
    memset(&p, 0, sizeof p);
    p.id = id;
    for (size_t i = 0; i < SQ_N_METRICS; i++)
        p.m[i] = 1000.0 + (double)id + 0.125 * (double)i;
    for (size_t i = 0; i < d; i++)
        p.m[obj[i].metric] = v[i];
    p.feasible = 1;
    return p;
}

static double min_value(const sq_objective *o, const sq_point *p)
{
    return o->maximize ? -p->m[o->metric] : p->m[o->metric];
}

static int ref_dominates(const sq_objective *obj, size_t d, const sq_point *x, const sq_point *y)
{
    int strict = 0;
    for (size_t i = 0; i < d; i++) {
        double a = min_value(&obj[i], x), b = min_value(&obj[i], y);
        if (a > b)
            return 0;
        strict |= a < b;
    }
    return strict;
}

/* Sort key of the reference: objective values (minimization sense) in order, then id. */
typedef struct ref_key {
    double f[SQ_N_METRICS]; /* minimization values, unused slots 0 */
    uint64_t id;            /* point id */
    size_t idx;             /* index in the input */
} ref_key;

static int ref_key_cmp(const void *x, const void *y)
{
    const ref_key *a = x, *b = y;
    for (size_t i = 0; i < SQ_N_METRICS; i++) {
        if (a->f[i] != b->f[i])
            return a->f[i] < b->f[i] ? -1 : 1;
    }
    return (a->id > b->id) - (a->id < b->id);
}

/* Brute-force O(n²) front of distinct points, in sq_archive_sorted's order: out[] gets the
 * indices into p; returns the count. */
static size_t ref_front(const sq_objective *obj, size_t d, const sq_point *p, size_t n, size_t *out)
{
    ref_key *keys = calloc(n, sizeof *keys);
    assert_non_null(keys);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int dominated = 0;
        for (size_t j = 0; j < n && !dominated; j++)
            dominated = ref_dominates(obj, d, &p[j], &p[i]);
        if (dominated)
            continue;
        for (size_t k = 0; k < d; k++)
            keys[m].f[k] = min_value(&obj[k], &p[i]);
        keys[m].id = p[i].id;
        keys[m].idx = i;
        m++;
    }
    qsort(keys, m, sizeof *keys, ref_key_cmp);
    for (size_t i = 0; i < m; i++)
        out[i] = keys[i].idx;
    free(keys);
    return m;
}

/* Fails unless the archive's sorted front is exactly p[want[0..m)], whole points. */
static void assert_front(sq_archive *a, const sq_point *p, const size_t *want, size_t m)
{
    assert_int_equal(sq_archive_size(a), m);
    const sq_point *got = sq_archive_sorted(a);
    for (size_t i = 0; i < m; i++) {
        assert_int_equal(got[i].id, p[want[i]].id);
        assert_memory_equal(got[i].m, p[want[i]].m, sizeof got[i].m);
        assert_int_equal(got[i].feasible, 1);
    }
}

static void assert_ids(sq_archive *a, const uint64_t *ids, size_t n)
{
    assert_int_equal(sq_archive_size(a), n);
    const sq_point *got = sq_archive_sorted(a);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i].id, ids[i]);
}

/* Objective lists for 1..4 objectives: a maximized one appears from 3 on. */
static const sq_objective obj2[] = {{SQ_ENERGY_UJ, 0}, {SQ_LATENCY_MS, 0}};
static const sq_objective obj3[] = {{SQ_ENERGY_UJ, 0}, {SQ_ACCURACY, 1}, {SQ_AREA_MM2, 0}};
static const sq_objective obj4[] = {
    {SQ_ENERGY_UJ, 0}, {SQ_LATENCY_MS, 0}, {SQ_AREA_MM2, 0}, {SQ_ACCURACY, 1}};
static const sq_objective obj5[] = {
    {SQ_ENERGY_UJ, 0}, {SQ_LATENCY_MS, 0}, {SQ_AREA_MM2, 0}, {SQ_ACCURACY, 1}, {SQ_TOPS_PER_W, 1}};

static const sq_objective *objectives(size_t d)
{
    return d == 2 ? obj2 : d == 3 ? obj3 : d == 4 ? obj4 : obj5;
}

enum { GEN_GRID, GEN_TIES, GEN_UNIFORM, GEN_ANTI, GEN_COUNT };

/* n random points:
 *   GEN_GRID    12 steps; the last value is 11 minus the mean of the others, plus 0..2: a
 *               staircase front with long runs of equal vectors;
 *   GEN_TIES    the same on 100 steps plus 0..19: a sparser staircase, so that front points
 *               often share one value with a neighbour (equal f0 or equal f1, unequal vectors);
 *   GEN_UNIFORM [0,1)^d: a small front;
 *   GEN_ANTI    near the plane Σ = 1: a large front, many removals. */
static void gen_points(sq_point *p, size_t n, size_t d, int gen, test_rng *r)
{
    const sq_objective *obj = objectives(d);
    const uint64_t steps = gen == GEN_GRID ? 12 : 100, spread = gen == GEN_GRID ? 3 : 20;
    for (size_t i = 0; i < n; i++) {
        double v[SQ_N_METRICS], sum = 0.0;
        for (size_t k = 0; k < d; k++) {
            v[k] = gen <= GEN_TIES ? (double)(rng_next(r) % steps) : rng_unit(r);
            sum += v[k];
        }
        if (gen <= GEN_TIES) {
            double rest = 0.0;
            for (size_t k = 0; k + 1 < d; k++)
                rest += (double)(steps - 1) - v[k];
            v[d - 1] = floor(rest / (double)(d - 1)) + (double)(rng_next(r) % spread);
        }
        for (size_t k = 0; k < d && gen == GEN_ANTI; k++)
            v[k] = v[k] / sum + 0.02 * rng_unit(r);
        /* a maximized objective gets the mirrored value, so that "good" is the same corner */
        for (size_t k = 0; k < d; k++)
            v[k] = obj[k].maximize ? 1.0 - v[k] : v[k];
        p[i] = mk(i, obj, d, v);
    }
}

static sq_archive *archive_of(const sq_objective *obj, size_t d, const sq_point *p, size_t n)
{
    sq_archive *a = sq_archive_new(obj, d);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        assert_true(sq_archive_insert(a, &p[i]) >= 0);
    return a;
}

/* -------------------------------------------------------------------------------- the fronts */

static void test_pareto__2d_hand_example(void **state)
{
    (void)state;
    /* (energy, latency), both minimized, in insertion order → insert's result:
     *   id0 (4,1) 1   id1 (3,2) 1   id2 (3,3) 0 by id1   id3 (1,4) 1   id4 (2,4) 0 by id3
     *   id5 (2,2.5) 1   id6 (5,5) 0   id7 (1,4) 1 (equal to id3: both kept)
     * Front by energy, then latency, then id: id3 (1,4), id7 (1,4), id5, id1, id0. */
    static const double v[][2] = {{4, 1}, {3, 2}, {3, 3}, {1, 4}, {2, 4}, {2, 2.5}, {5, 5}, {1, 4}};
    static const int kept[] = {1, 1, 0, 1, 0, 1, 0, 1};
    sq_archive *a = sq_archive_new(obj2, 2);
    assert_non_null(a);
    for (size_t i = 0; i < 8; i++) {
        sq_point p = mk(i, obj2, 2, v[i]);
        assert_int_equal(sq_archive_insert(a, &p), kept[i]);
    }
    const uint64_t want[] = {3, 7, 5, 1, 0};
    assert_ids(a, want, 5);
    /* id8 (2, 2) dominates id5 (2, 2.5) and id1 (3, 2): a run in the middle goes. */
    sq_point p8 = mk(8, obj2, 2, (const double[]){2, 2});
    assert_int_equal(sq_archive_insert(a, &p8), 1);
    const uint64_t want8[] = {3, 7, 8, 0};
    assert_ids(a, want8, 4);
    /* id9 (0.5, 0.5) dominates everything. */
    sq_point p9 = mk(9, obj2, 2, (const double[]){0.5, 0.5});
    assert_int_equal(sq_archive_insert(a, &p9), 1);
    const uint64_t want9[] = {9};
    assert_ids(a, want9, 1);
    sq_archive_free(a);
}

static void test_pareto__2d_equal_first_objective(void **state)
{
    (void)state;
    /* Runs of equal f0, the cases the binary search must get right:
     *   id0 (1,5) 1; id1 (1,5) 1 equal; id2 (1,6) 0 (same f0, worse f1); id3 (1,4) 1 and drops
     *   id0, id1; id4 (1,4) 1 equal; id5 (0,4) 1 drops id3, id4; id6 (0,4) 1; id7 (2,3) 1;
     *   id8 (2,4) 0; id9 (2,3) 1 equal to id7; id10 (0,3) 1 drops id5, id6, id7, id9.
     * Front: id10 (0,3). */
    static const double v[][2] = {{1, 5}, {1, 5}, {1, 6}, {1, 4}, {1, 4}, {0, 4},
                                  {0, 4}, {2, 3}, {2, 4}, {2, 3}, {0, 3}};
    static const int kept[] = {1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1};
    static const size_t size_after[] = {1, 2, 2, 1, 2, 1, 2, 3, 3, 4, 1};
    sq_archive *a = sq_archive_new(obj2, 2);
    assert_non_null(a);
    for (size_t i = 0; i < 11; i++) {
        sq_point p = mk(i, obj2, 2, v[i]);
        assert_int_equal(sq_archive_insert(a, &p), kept[i]);
        assert_int_equal(sq_archive_size(a), size_after[i]);
        if (i == 9) {
            const uint64_t want[] = {5, 6, 7, 9};
            assert_ids(a, want, 4);
        }
    }
    const uint64_t want[] = {10};
    assert_ids(a, want, 1);
    sq_archive_free(a);
}

static void test_pareto__3d_hand_example(void **state)
{
    (void)state;
    /* (energy min, accuracy max, area min), accuracy written as 10 − (value to minimize):
     *   id0 (1,2,3) 1   id1 (2,1,3) 1   id2 (3,3,1) 1   id3 (2,2,3) 0 by id0
     *   id4 (1,2,3) 1 equal to id0   id5 (0,5,5) 1   id6 (3,3,0.5) 1, drops id2
     * Front in minimization values: id5 (0,5,5), id0 (1,2,3), id4 (1,2,3), id1 (2,1,3),
     * id6 (3,3,0.5). */
    static const double v[][3] = {{1, 2, 3}, {2, 1, 3}, {3, 3, 1},  {2, 2, 3},
                                  {1, 2, 3}, {0, 5, 5}, {3, 3, 0.5}};
    static const int kept[] = {1, 1, 1, 0, 1, 1, 1};
    sq_archive *a = sq_archive_new(obj3, 3);
    assert_non_null(a);
    for (size_t i = 0; i < 7; i++) {
        double raw[3] = {v[i][0], 10.0 - v[i][1], v[i][2]};
        sq_point p = mk(i, obj3, 3, raw);
        assert_int_equal(sq_archive_insert(a, &p), kept[i]);
    }
    const uint64_t want[] = {5, 0, 4, 1, 6};
    assert_ids(a, want, 5);
    /* Offering a point again changes nothing. */
    sq_point again = mk(0, obj3, 3, (const double[]){1, 8, 3});
    assert_int_equal(sq_archive_insert(a, &again), 0);
    assert_ids(a, want, 5);
    sq_archive_free(a);
}

static void test_pareto__equal_vectors_all_kept(void **state)
{
    (void)state;
    for (size_t d = 2; d <= 4; d++) {
        const sq_objective *obj = objectives(d);
        sq_archive *a = sq_archive_new(obj, d);
        assert_non_null(a);
        const double v[4] = {1, 2, 3, 4};
        /* 100 copies with ids in descending order; each once more (no duplicates). */
        for (int rep = 0; rep < 2; rep++) {
            for (uint64_t id = 100; id-- > 0;) {
                sq_point p = mk(id, obj, d, v);
                assert_int_equal(sq_archive_insert(a, &p), rep == 0 ? 1 : 0);
            }
        }
        assert_int_equal(sq_archive_size(a), 100);
        const sq_point *s = sq_archive_sorted(a);
        for (uint64_t i = 0; i < 100; i++)
            assert_int_equal(s[i].id, i);
        sq_archive_free(a);
    }
}

static void test_pareto__maximized_objective(void **state)
{
    (void)state;
    /* (energy min, accuracy max):
     *   id0 (1,70) 1   id1 (2,80) 1   id2 (2,75) 0 by id1   id3 (3,80) 0 by id1
     *   id4 (0.5,60) 1   id5 (3,90) 1   id6 (2,80) 1 equal to id1
     * Front by energy ascending: id4, id0, id1, id6, id5. With accuracy first the best comes
     * first, i.e. descending accuracy: id5 (90), id1, id6 (80), id0 (70), id4 (60). */
    static const double v[][2] = {{1, 70}, {2, 80}, {2, 75}, {3, 80}, {0.5, 60}, {3, 90}, {2, 80}};
    static const int kept[] = {1, 1, 0, 0, 1, 1, 1};
    const sq_objective ea[] = {{SQ_ENERGY_UJ, 0}, {SQ_ACCURACY, 1}};
    const sq_objective ae[] = {{SQ_ACCURACY, 1}, {SQ_ENERGY_UJ, 0}};
    sq_archive *a = sq_archive_new(ea, 2);
    sq_archive *b = sq_archive_new(ae, 2);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t i = 0; i < 7; i++) {
        sq_point p = mk(i, ea, 2, v[i]);
        assert_int_equal(sq_archive_insert(a, &p), kept[i]);
        assert_int_equal(sq_archive_insert(b, &p), kept[i]);
    }
    const uint64_t want_a[] = {4, 0, 1, 6, 5};
    const uint64_t want_b[] = {5, 1, 6, 0, 4};
    assert_ids(a, want_a, 5);
    assert_ids(b, want_b, 5);
    sq_archive_free(a);
    sq_archive_free(b);
}

static void test_pareto__one_objective(void **state)
{
    (void)state;
    /* Energy only: the front is every point of least energy (ids 1 and 3, energy 2). */
    const sq_objective e[] = {{SQ_ENERGY_UJ, 0}};
    static const double v[] = {3, 2, 5, 2};
    sq_archive *a = sq_archive_new(e, 1);
    assert_non_null(a);
    for (size_t i = 0; i < 4; i++) {
        sq_point p = mk(i, e, 1, &v[i]);
        assert_true(sq_archive_insert(a, &p) >= 0);
    }
    const uint64_t want[] = {1, 3};
    assert_ids(a, want, 2);
    /* Hypervolume below 4: 4 − 2 = 2. */
    assert_close_rel(sq_archive_hypervolume(a, (const double[]){4}), 2.0, 1e-15);
    sq_archive_free(a);
}

static void test_pareto__infeasible_ignored(void **state)
{
    (void)state;
    sq_archive *a = sq_archive_new(obj2, 2);
    assert_non_null(a);
    sq_point bad = mk(1, obj2, 2, (const double[]){0, 0});
    bad.feasible = 0;
    assert_int_equal(sq_archive_insert(a, &bad), 0);
    assert_int_equal(sq_archive_size(a), 0);
    sq_point good = mk(2, obj2, 2, (const double[]){1, 1});
    assert_int_equal(sq_archive_insert(a, &good), 1);
    assert_int_equal(sq_archive_insert(a, &bad), 0);
    const uint64_t want[] = {2};
    assert_ids(a, want, 1);
    sq_archive_free(a);
}

/* The front and its hypervolume do not depend on the insertion order: 2000 points, 50
 * shuffles, for 2, 3 and 4 objectives and three distributions, against the O(n²) reference. */
static void test_pareto__order_independent(void **state)
{
    (void)state;
    enum { N = 2000, SHUFFLES = 50 };
    sq_point *p = calloc(N, sizeof *p);
    size_t *want = calloc(N, sizeof *want);
    assert_non_null(p);
    assert_non_null(want);
    test_rng r = {42};
    for (size_t d = 2; d <= 4; d++) {
        const sq_objective *obj = objectives(d);
        double ref[4];
        for (size_t k = 0; k < d; k++)
            ref[k] = obj[k].maximize ? -5.0 : 6.0; /* grid points partly outside */
        for (int gen = 0; gen < GEN_COUNT; gen++) {
            gen_points(p, N, d, gen, &r);
            size_t m = ref_front(obj, d, p, N, want);
            /* want[] indexes p as generated: keep that copy, shuffle another */
            sq_point *q = malloc(N * sizeof *q);
            assert_non_null(q);
            memcpy(q, p, N * sizeof *q);
            double hv0 = 0.0;
            /* the large 3D and 4D fronts of GEN_ANTI cost O(n·front) per pass: fewer passes */
            int shuffles = gen == GEN_ANTI && d > 2 ? 10 : SHUFFLES;
            for (int s = 0; s < shuffles; s++) {
                shuffle(q, N, &r);
                sq_archive *a = archive_of(obj, d, q, N);
                assert_front(a, p, want, m);
                if (d < 4 || s < 2) { /* a 4D hypervolume of ~2000 points takes ~0.1 s */
                    double hv = sq_archive_hypervolume(a, ref);
                    if (s == 0)
                        hv0 = hv;
                    assert_true(hv == hv0); /* bit for bit: computed on the sorted front */
                }
                sq_archive_free(a);
            }
            free(q);
        }
    }
    free(want);
    free(p);
}

/* Archives of a split of the points (overlapping shards too), merged in any order, equal the
 * archive of all points. */
static void test_pareto__merge_equals_whole(void **state)
{
    (void)state;
    enum { N = 2000, SHARDS = 5 };
    sq_point *p = calloc(N, sizeof *p);
    size_t *want = calloc(N, sizeof *want);
    assert_non_null(p);
    assert_non_null(want);
    test_rng r = {7};
    for (size_t d = 2; d <= 4; d++) {
        const sq_objective *obj = objectives(d);
        for (int gen = 0; gen < GEN_COUNT; gen++) {
            gen_points(p, N, d, gen, &r);
            size_t m = ref_front(obj, d, p, N, want);
            for (int overlap = 0; overlap <= 1; overlap++) {
                sq_archive *shard[SHARDS];
                for (size_t s = 0; s < SHARDS; s++) {
                    shard[s] = sq_archive_new(obj, d);
                    assert_non_null(shard[s]);
                }
                for (size_t i = 0; i < N; i++) {
                    size_t s = (size_t)(rng_next(&r) % SHARDS);
                    assert_true(sq_archive_insert(shard[s], &p[i]) >= 0);
                    if (overlap) /* a point evaluated twice, e.g. on resume */
                        assert_true(sq_archive_insert(shard[(s + 1) % SHARDS], &p[i]) >= 0);
                }
                sq_archive *all = sq_archive_new(obj, d);
                assert_non_null(all);
                for (size_t s = SHARDS; s-- > 0;)
                    assert_int_equal(sq_archive_merge(all, shard[s]), 0);
                assert_front(all, p, want, m);
                /* merging again, or into itself, changes nothing */
                assert_int_equal(sq_archive_merge(all, shard[0]), 0);
                assert_int_equal(sq_archive_merge(all, all), 0);
                assert_front(all, p, want, m);
                sq_archive_free(all);
                for (size_t s = 0; s < SHARDS; s++)
                    sq_archive_free(shard[s]);
            }
        }
    }
    free(want);
    free(p);
}

/* One point of the memory test's stream, regenerated from its index so the test never holds
 * 10^6 points: uniform in [0,1)^d, where almost every point is dominated. */
static sq_point stream_point(size_t d, uint64_t i)
{
    test_rng r = {i * 0x2545F4914F6CDD1Dull + d};
    double v[3];
    for (size_t k = 0; k < d; k++)
        v[k] = rng_unit(&r);
    if (d == 3)
        v[1] = 1.0 - v[1]; /* obj3's accuracy is maximized */
    return mk(i, objectives(d), d, v);
}

static void test_pareto__memory_bounded_by_front(void **state)
{
    (void)state;
    enum { N = 1000000 };
    for (size_t d = 2; d <= 3; d++) {
        const sq_objective *obj = objectives(d);
        sq_archive *a = sq_archive_new(obj, d);
        assert_non_null(a);
        size_t biggest = 0;
        for (uint64_t i = 0; i < N; i++) {
            sq_point p = stream_point(d, i);
            assert_true(sq_archive_insert(a, &p) >= 0);
            if (sq_archive_size(a) > biggest)
                biggest = sq_archive_size(a);
        }
        /* Expected front of n uniform points: H(n) ≈ 14.4 in 2D, ≈ ln²n/2 ≈ 95 in 3D. */
        size_t m = sq_archive_size(a);
        assert_true(m >= 1 && biggest <= 1000);
        /* It is the front: the members do not dominate each other, and every other point is
         * dominated by a member (then no point dominates a member: it would be dominated by
         * another member, which would dominate the first). */
        const sq_point *f = sq_archive_sorted(a);
        char *member = calloc(N, 1);
        assert_non_null(member);
        for (size_t j = 0; j < m; j++) {
            member[f[j].id] = 1;
            for (size_t k = 0; k < m; k++)
                assert_false(ref_dominates(obj, d, &f[j], &f[k]));
        }
        for (uint64_t i = 0; i < N; i++) {
            if (member[i])
                continue;
            sq_point p = stream_point(d, i);
            size_t j = 0;
            while (j < m && !ref_dominates(obj, d, &f[j], &p))
                j++;
            assert_true(j < m);
        }
        free(member);
        sq_archive_free(a);
    }
}

/* ------------------------------------------------------------------------------- hypervolume */

static void test_pareto__hypervolume_2d_hand(void **state)
{
    (void)state;
    /* (1,3), (2,2), (3,1), ref (4,4): sweeping by energy, each point adds the strip between its
     * latency and the previous one: (4−1)·(4−3) + (4−2)·(3−2) + (4−3)·(2−1) = 3 + 2 + 1 = 6. */
    static const double v[][2] = {{1, 3}, {2, 2}, {3, 1}};
    sq_archive *a = sq_archive_new(obj2, 2);
    assert_non_null(a);
    const double ref[] = {4, 4};
    assert_true(sq_archive_hypervolume(a, ref) == 0.0); /* empty front */
    for (size_t i = 0; i < 3; i++) {
        sq_point p = mk(i, obj2, 2, v[i]);
        assert_int_equal(sq_archive_insert(a, &p), 1);
    }
    assert_close_rel(sq_archive_hypervolume(a, ref), 6.0, 1e-15);
    /* A smaller box clips: ref (2.5, 2.5) keeps only (2,2): 0.5·0.5 = 0.25. */
    assert_close_rel(sq_archive_hypervolume(a, (const double[]){2.5, 2.5}), 0.25, 1e-15);
    sq_archive_free(a);
}

static void test_pareto__hypervolume_3d_hand(void **state)
{
    (void)state;
    /* Minimization values A (0,2,2), B (2,0,2), C (2,2,0), ref (3,3,3). Each box is 3·1·1 = 3,
     * each pairwise and the triple intersection is [2,3]³ = 1: 3·3 − 3·1 + 1 = 7.
     * (By slices of the first value: [0,2) holds only A: 2·(1·1) = 2; [2,3) holds all three,
     * whose union in the other two is 3 + 3 − 1 = 5: 1·5 = 5. Total 7.) Objective 2 is
     * accuracy, maximized: stored as 10 − value, ref 10 − 3 = 7. */
    static const double v[][3] = {{0, 2, 2}, {2, 0, 2}, {2, 2, 0}};
    sq_archive *a = sq_archive_new(obj3, 3);
    assert_non_null(a);
    for (size_t i = 0; i < 3; i++) {
        double raw[3] = {v[i][0], 10.0 - v[i][1], v[i][2]};
        sq_point p = mk(i, obj3, 3, raw);
        assert_int_equal(sq_archive_insert(a, &p), 1);
    }
    assert_close_rel(sq_archive_hypervolume(a, (const double[]){3, 7, 3}), 7.0, 1e-15);
    sq_archive_free(a);
}

static void test_pareto__hypervolume_maximized_and_outside(void **state)
{
    (void)state;
    /* (energy min, accuracy max): (1, 90), (2, 95); ref energy 4, accuracy 80.
     * Boxes [1,4]×[80,90] = 30 and [2,4]×[80,95] = 30 overlap in [2,4]×[80,90] = 20: 40.
     * Points outside the box are on the front but add nothing: (5, 99) has too much energy,
     * (0.5, 79) too little accuracy, (4, 98) lies on the box's energy face. */
    const sq_objective ea[] = {{SQ_ENERGY_UJ, 0}, {SQ_ACCURACY, 1}};
    static const double v[][2] = {{1, 90}, {2, 95}, {5, 99}, {0.5, 79}, {4, 98}};
    const double ref[] = {4, 80};
    sq_archive *a = sq_archive_new(ea, 2);
    assert_non_null(a);
    for (size_t i = 0; i < 5; i++) {
        sq_point p = mk(i, ea, 2, v[i]);
        assert_int_equal(sq_archive_insert(a, &p), 1);
        if (i == 1)
            assert_close_rel(sq_archive_hypervolume(a, ref), 40.0, 1e-15);
    }
    assert_int_equal(sq_archive_size(a), 5);
    assert_close_rel(sq_archive_hypervolume(a, ref), 40.0, 1e-15);
    /* Nothing inside at all: 0. */
    assert_true(sq_archive_hypervolume(a, (const double[]){0.5, 99.5}) == 0.0);
    sq_archive_free(a);
}

/* Σ over non-empty subsets S of (−1)^(|S|+1) Π_i max(0, r_i − max_{p∈S} f_i). */
static double hv_inclusion_exclusion(const double *f, size_t n, size_t d, const double *r)
{
    double hv = 0.0;
    for (uint32_t s = 1; s < (1u << n); s++) {
        double vol = 1.0;
        int bits = 0;
        for (size_t k = 0; k < d; k++) {
            double worst = -HUGE_VAL;
            for (size_t i = 0; i < n; i++) {
                if (s & (1u << i))
                    worst = fmax(worst, f[i * d + k]);
            }
            vol *= fmax(0.0, r[k] - worst);
        }
        for (size_t i = 0; i < n; i++)
            bits += (s >> i) & 1u;
        hv += bits % 2 ? vol : -vol;
    }
    return hv;
}

static void test_pareto__hypervolume_matches_inclusion_exclusion(void **state)
{
    (void)state;
    test_rng r = {2024};
    for (size_t d = 2; d <= 5; d++) {
        const sq_objective *obj = objectives(d);
        for (int trial = 0; trial < 40; trial++) {
            size_t n = 1 + (size_t)(rng_next(&r) % 12);
            double f[12 * 5], ref_raw[5], ref_min[5];
            for (size_t k = 0; k < d; k++) {
                ref_min[k] = 0.8; /* some points fall outside */
                ref_raw[k] = obj[k].maximize ? -ref_min[k] : ref_min[k];
            }
            sq_archive *a = sq_archive_new(obj, d);
            assert_non_null(a);
            for (size_t i = 0; i < n; i++) {
                double raw[5];
                for (size_t k = 0; k < d; k++) {
                    f[i * d + k] = rng_unit(&r);
                    raw[k] = obj[k].maximize ? -f[i * d + k] : f[i * d + k];
                }
                sq_point p = mk(i, obj, d, raw);
                assert_true(sq_archive_insert(a, &p) >= 0);
            }
            double want = hv_inclusion_exclusion(f, n, d, ref_min);
            assert_close_rel(sq_archive_hypervolume(a, ref_raw), want, 1e-9);
            sq_archive_free(a);
        }
    }
}

static void test_pareto__hypervolume_matches_grid_count(void **state)
{
    (void)state;
    /* Integer points on a 10-step grid, ref 8 per objective: the hypervolume is the number of
     * unit cells [c, c+1]^d, 0 <= c < 8, that some point p <= c dominates. */
    enum { G = 10, R = 8, N = 300 };
    test_rng r = {99};
    for (size_t d = 2; d <= 4; d++) {
        const sq_objective *obj = objectives(d);
        static double f[N * 4];
        double ref_raw[4];
        for (size_t k = 0; k < d; k++)
            ref_raw[k] = obj[k].maximize ? -(double)R : (double)R;
        sq_archive *a = sq_archive_new(obj, d);
        assert_non_null(a);
        for (size_t i = 0; i < N; i++) {
            double raw[4], sum = 0.0;
            for (size_t k = 0; k < d; k++) {
                f[i * d + k] = (double)(rng_next(&r) % G);
                sum += f[i * d + k];
            }
            if (sum < (double)(d * G) / 3.0) { /* thin out the best corner: a richer front */
                i--;
                continue;
            }
            for (size_t k = 0; k < d; k++)
                raw[k] = obj[k].maximize ? -f[i * d + k] : f[i * d + k];
            sq_point p = mk(i, obj, d, raw);
            assert_true(sq_archive_insert(a, &p) >= 0);
        }
        size_t cells = 1, count = 0;
        for (size_t k = 0; k < d; k++)
            cells *= R;
        for (size_t c = 0; c < cells; c++) {
            int cell[4];
            size_t rest = c;
            for (size_t k = 0; k < d; k++, rest /= R)
                cell[k] = (int)(rest % R);
            for (size_t i = 0; i < N; i++) {
                size_t k = 0;
                while (k < d && f[i * d + k] <= cell[k])
                    k++;
                if (k == d) {
                    count++;
                    break;
                }
            }
        }
        assert_true(sq_archive_size(a) > 5);
        assert_close_rel(sq_archive_hypervolume(a, ref_raw), (double)count, 1e-12);
        sq_archive_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pareto__2d_hand_example),
        cmocka_unit_test(test_pareto__2d_equal_first_objective),
        cmocka_unit_test(test_pareto__3d_hand_example),
        cmocka_unit_test(test_pareto__equal_vectors_all_kept),
        cmocka_unit_test(test_pareto__maximized_objective),
        cmocka_unit_test(test_pareto__one_objective),
        cmocka_unit_test(test_pareto__infeasible_ignored),
        cmocka_unit_test(test_pareto__order_independent),
        cmocka_unit_test(test_pareto__merge_equals_whole),
        cmocka_unit_test(test_pareto__memory_bounded_by_front),
        cmocka_unit_test(test_pareto__hypervolume_2d_hand),
        cmocka_unit_test(test_pareto__hypervolume_3d_hand),
        cmocka_unit_test(test_pareto__hypervolume_maximized_and_outside),
        cmocka_unit_test(test_pareto__hypervolume_matches_inclusion_exclusion),
        cmocka_unit_test(test_pareto__hypervolume_matches_grid_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
