/*
 * test_sweep.c — evaluation of design points (search/point.c) and the run state (output.c):
 * a point's metrics are eval's TOTAL to the last bit, distinct layers are evaluated once,
 * cheap constraints reject before any layer runs, and the state file round-trips exactly and
 * refuses what does not add up; shards (search/shard.c) partition the space.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dse.h"
#include "test_helpers.h"

static const char xp_xml[] = "<experiment name=\"t\">\n"
                             "  <network ref=\"resnet50\"/>\n"
                             "  <accelerator ref=\"edge-systolic\" sparsity=\"skip\">\n"
                             "    <sweep param=\"rows\" values=\"8 32\"/>\n"
                             "    <sweep param=\"dataflow\" values=\"ws os is\"/>\n"
                             "  </accelerator>\n"
                             "  <compression>\n"
                             "    <sweep param=\"prune\" values=\"0 0.5\"/>\n"
                             "    <sweep param=\"prune_kind\" values=\"unstructured channel\"/>\n"
                             "    <sweep param=\"wbits\" values=\"4 8\"/>\n"
                             "  </compression>\n"
                             "  <constraint metric=\"area_mm2\" max=\"1.5\"/>\n"
                             "  <objective metric=\"energy_uj\" goal=\"min\"/>\n"
                             "  <objective metric=\"latency_ms\" goal=\"min\"/>\n"
                             "</experiment>\n";

static int setup(void **state)
{
    sq_experiment *xp = NULL;
    sq_error err;
    if (sq_experiment_load_buffer(&xp, xp_xml, strlen(xp_xml), "t.xml", &err) != SQ_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    *state = xp;
    return 0;
}

static int teardown(void **state)
{
    sq_experiment_free(*state);
    return 0;
}

static void test_sweep__point_equals_eval_total(void **state)
{
    const sq_experiment *xp = *state;
    sq_evaluator *ev = sq_evaluator_new(xp);
    assert_non_null(ev);
    /* Every point of the 2·3·2·2·2 = 48-point space, fully evaluated, against sq_eval. */
    assert_int_equal(xp->space_size, 48);
    for (uint64_t id = 0; id < xp->space_size; id++) {
        hw_config hw;
        sw_compression cmp;
        char msg[256];
        sq_error err;
        sq_eval_result res;
        sq_point p;
        assert_int_equal(sq_space_point(xp, id, &hw, &cmp, msg, sizeof msg), 0);
        assert_int_equal(sq_eval(xp->net, &hw, &cmp, &res, &err), SQ_OK);
        sq_evaluate(ev, id, 1, &p);
        assert_true(p.id == id);
        /* Bit-for-bit: the same sums in the same order. */
        assert_true(p.m[SQ_ENERGY_UJ] == res.total.energy_pj * 1e-6);
        assert_true(p.m[SQ_LATENCY_MS] == res.total.latency_ms);
        assert_true(p.m[SQ_AREA_MM2] == res.area_mm2);
        assert_true(p.m[SQ_ACCURACY] == res.accuracy);
        /* Derived metrics from their definitions. */
        assert_close_rel(p.m[SQ_POWER_MW], res.total.energy_pj / res.total.latency_ms * 1e-6,
                         1e-12);
        assert_close_rel(p.m[SQ_EDP], p.m[SQ_ENERGY_UJ] * p.m[SQ_LATENCY_MS], 1e-12);
        assert_close_rel(p.m[SQ_TOPS_PER_W], 2.0 * (double)res.total.macs / res.total.energy_pj,
                         1e-12);
        /* Feasible iff the area constraint holds (the only one). */
        assert_int_equal(p.feasible, res.area_mm2 <= 1.5);
        sq_eval_result_free(&res);
    }
    sq_evaluator_free(ev);
}

/* Number of distinct (shape, first, last) layers, counted the slow way. */
static uint64_t distinct_layers(const net_network *net)
{
    uint64_t n = 0;
    for (size_t i = 0; i < net->n_layers; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            net_layer a = net->layers[i], b = net->layers[j];
            memset(a.name, 0, sizeof a.name);
            memset(b.name, 0, sizeof b.name);
            int pos_a = (i == 0) | (i + 1 == net->n_layers) << 1;
            int pos_b = (j == 0) | (j + 1 == net->n_layers) << 1;
            seen = pos_a == pos_b && memcmp(&a, &b, sizeof a) == 0;
        }
        n += !seen;
    }
    return n;
}

static void test_sweep__distinct_layers_once_per_point(void **state)
{
    const sq_experiment *xp = *state;
    sq_evaluator *ev = sq_evaluator_new(xp);
    sq_point p;
    uint64_t d = distinct_layers(xp->net);
    /* ResNet-50 repeats its bottleneck shapes: far fewer distinct layers than layers. */
    assert_true(d < xp->net->n_layers / 2);
    sq_evaluate(ev, 0, 1, &p);
    assert_int_equal(sq_evaluator_layer_evals(ev), d);
    sq_evaluate(ev, 1, 1, &p);
    assert_int_equal(sq_evaluator_layer_evals(ev), 2 * d);
    sq_evaluator_free(ev);
}

static void test_sweep__cheap_constraints_skip_the_layers(void **state)
{
    const sq_experiment *xp = *state;
    sq_evaluator *ev = sq_evaluator_new(xp);
    /* Find a point over the area limit (rows=32 at 28 nm with 512 KB: 1.90 mm² > 1.5). */
    uint64_t over = UINT64_MAX;
    for (uint64_t id = 0; id < xp->space_size && over == UINT64_MAX; id++) {
        sq_point p;
        sq_evaluate(ev, id, 1, &p);
        if (p.m[SQ_AREA_MM2] > 1.5)
            over = id;
    }
    assert_true(over != UINT64_MAX);
    uint64_t before = sq_evaluator_layer_evals(ev);
    sq_point p;
    sq_evaluate(ev, over, 0, &p);
    assert_int_equal(p.feasible, 0);
    assert_int_equal(sq_evaluator_layer_evals(ev), before); /* no layer ran */
    assert_true(p.m[SQ_AREA_MM2] > 1.5);
    sq_evaluator_free(ev);
}

static void test_sweep__state_round_trips_exactly(void **state)
{
    const sq_experiment *xp = *state;
    char dir[] = "/tmp/squash-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sq_state st, back;
    sq_error err;
    memset(&st, 0, sizeof st);
    memcpy(st.sha256, xp->sha256, sizeof st.sha256);
    snprintf(st.xp_path, sizeof st.xp_path, "%s", "/some where/t.xml");
    st.xp = xp;
    /* 48 points in 3 parts: B = 1 (48 / 3 / 32 < 2), so part 2 holds ids 1, 4, ..., 46. */
    st.shard_i = 2;
    st.shard_n = 3;
    st.block_ids = sq_shard_block(xp->space_size, 3);
    assert_int_equal(xp->space_size, 48);
    assert_int_equal(st.block_ids, 1);
    st.lo = 0;
    st.hi = 16;
    st.next = 4;
    st.evaluated = 4;
    st.feasible = 3;
    st.layer_evals = 92;
    st.wall_s = 0.1 + 0.2; /* not representable in short decimal: must round-trip */
    st.points_bytes = -1;
    st.digits = 9;
    st.reasons[SQ_R_FEASIBLE] = 3; /* the 4 evaluated: 3 feasible, 1 above the area bound */
    st.reasons[SQ_R_CONSTRAINT0 + 2 * SQ_AREA_MM2 + 1] = 1;
    st.has_nadir = 1;
    st.nadir[0] = 1.0 / 3.0;
    st.nadir[1] = 1e-300;
    st.front = sq_archive_new(xp->objectives, xp->n_objectives);
    sq_evaluator *ev = sq_evaluator_new(xp);
    for (uint64_t pos = 0; pos < 4; pos++) {
        sq_point p;
        sq_evaluate(ev, sq_shard_id(2, 3, 1, pos), 1, &p);
        p.feasible = 1;
        assert_true(sq_archive_insert(st.front, &p) >= 0);
    }
    assert_int_equal(sq_state_write(&st, dir, &err), SQ_OK);
    int missing = 0;
    assert_int_equal(sq_state_read(&back, xp, dir, &missing, &err), SQ_OK);
    assert_string_equal(back.xp_path, st.xp_path);
    assert_true(back.shard_i == 2 && back.shard_n == 3 && back.lo == 0 && back.hi == 16 &&
                back.block_ids == 1 && back.next == 4 && back.evaluated == 4 &&
                back.feasible == 3 && back.layer_evals == 92 && back.points_bytes == -1 &&
                back.has_nadir == 1);
    assert_true(back.wall_s == st.wall_s);
    assert_int_equal(back.digits, 9);
    assert_memory_equal(back.reasons, st.reasons, sizeof st.reasons);
    assert_true(back.nadir[0] == st.nadir[0] && back.nadir[1] == st.nadir[1]);
    size_t n = sq_archive_size(st.front);
    assert_int_equal(sq_archive_size(back.front), n);
    const sq_point *a = sq_archive_sorted(st.front), *b = sq_archive_sorted(back.front);
    for (size_t i = 0; i < n; i++) {
        assert_true(a[i].id == b[i].id);
        assert_memory_equal(a[i].m, b[i].m, sizeof a[i].m);
    }
    sq_state_free(&back);

    /* A state that does not add up is refused: a count that is not the points done, more
     * feasible points than evaluated, a front point of another shard or not done yet. */
    struct {
        const char *what;
        uint64_t evaluated, feasible, next;
    } lies[] = {{"evaluated", 4000050, 3, 4}, {"feasible", 4, 5, 4}, {"front", 2, 2, 2}};
    for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++) {
        sq_state bad = st;
        bad.evaluated = lies[k].evaluated;
        bad.feasible = lies[k].feasible;
        bad.next = lies[k].next;
        assert_int_equal(sq_state_write(&bad, dir, &err), SQ_OK);
        assert_int_equal(sq_state_read(&back, xp, dir, &missing, &err), SQ_EINPUT);
        assert_non_null(strstr(err.msg, "squash.state"));
    }
    /* An experiment whose network file changed (here: another buffer with the same path and
     * other bytes of the same network would differ only in inputs[1].sha256). */
    sq_experiment *other = malloc(sizeof *other);
    assert_non_null(other);
    memcpy(other, xp, sizeof *other);
    assert_true(other->n_inputs >= 3);
    other->inputs[1].sha256[0] = other->inputs[1].sha256[0] == '0' ? '1' : '0';
    assert_int_equal(sq_state_write(&st, dir, &err), SQ_OK);
    assert_int_equal(sq_state_read(&back, other, dir, &missing, &err), SQ_EINPUT);
    assert_non_null(strstr(err.msg, other->inputs[1].path));
    assert_non_null(strstr(err.msg, "changed"));
    free(other); /* a shallow copy: xp owns the rest */

    /* A truncated file is an input error with the file's name, not a crash. */
    char path[4096];
    snprintf(path, sizeof path, "%s/squash.state", dir);
    FILE *f = fopen(path, "r+");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    assert_int_equal(truncate(path, len - 10), 0);
    assert_int_equal(sq_state_read(&back, xp, dir, &missing, &err), SQ_EINPUT);
    assert_non_null(strstr(err.msg, "squash.state"));
    unlink(path);
    assert_int_equal(sq_state_read(&back, xp, dir, &missing, &err), SQ_EINPUT);
    assert_int_equal(missing, 1);
    rmdir(dir);
    sq_evaluator_free(ev);
    sq_state_free(&st);
}

/* Parts of a space: each id in exactly one part, positions in increasing id order,
 * sq_shard_of the inverse; blocks of B ids dealt round robin. */
static void test_sweep__shards_partition_the_space(void **state)
{
    (void)state;
    /* Hand-computed: S = 10, N = 3, B = 2: blocks {0,1} {2,3} {4,5} {6,7} {8,9}; part 1 takes
     * blocks 0 and 3 (ids 0 1 6 7), part 2 blocks 1 and 4 (2 3 8 9), part 3 block 2 (4 5). */
    assert_int_equal(sq_shard_count(10, 1, 3, 2), 4);
    assert_int_equal(sq_shard_count(10, 3, 3, 2), 2);
    assert_int_equal(sq_shard_id(1, 3, 2, 2), 6);
    assert_int_equal(sq_shard_id(2, 3, 2, 3), 9);
    /* B from the table: the largest prime <= S / (32 N), at least 1. */
    assert_int_equal(sq_shard_block(90, 1), 2);
    assert_int_equal(sq_shard_block(1000000, 8), 2039); /* 3906 */
    assert_int_equal(sq_shard_block(5, 8), 1);
    assert_int_equal(sq_shard_block(UINT64_C(1) << 52, 1), 4093);
    const uint64_t spaces[] = {1, 7, 90, 1000, 4093 * 64 + 5};
    const uint64_t parts[] = {1, 2, 3, 7, 8, 100};
    for (size_t a = 0; a < sizeof spaces / sizeof spaces[0]; a++) {
        for (size_t c = 0; c < sizeof parts / sizeof parts[0]; c++) {
            uint64_t S = spaces[a], N = parts[c], B = sq_shard_block(S, N), total = 0;
            unsigned char *seen = calloc(S, 1);
            assert_non_null(seen);
            for (uint64_t i = 1; i <= N; i++) {
                uint64_t count = sq_shard_count(S, i, N, B);
                total += count;
                for (uint64_t p = 0; p < count; p++) {
                    uint64_t id = sq_shard_id(i, N, B, p), back = 0;
                    assert_true(id < S && !seen[id]);
                    assert_true(p == 0 || id > sq_shard_id(i, N, B, p - 1));
                    seen[id] = 1;
                    assert_int_equal(sq_shard_of(id, N, B, &back), i);
                    assert_int_equal(back, p);
                }
            }
            assert_int_equal(total, S);
            free(seen);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep__point_equals_eval_total),
        cmocka_unit_test(test_sweep__distinct_layers_once_per_point),
        cmocka_unit_test(test_sweep__cheap_constraints_skip_the_layers),
        cmocka_unit_test(test_sweep__state_round_trips_exactly),
        cmocka_unit_test(test_sweep__shards_partition_the_space),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
