/*
 * test_systolic_time.c — the time and power half of the systolic template's memory model v2
 * (hwmodels/systolic.c, hwmodels/templates.c): weight double-buffering, global-buffer
 * bandwidth, activations resident between layers (the template's declaration and the generic
 * driver's plan), the PE area of multiplier and registers, and the clock term. Hand
 * calculations in the comments; properties over every zoo layer.
 */
#include <stdlib.h>
#include <string.h>

#include "dse.h"
#include "test_helpers.h"
#include "test_systolic_helpers.h"

/* A rows × cols int8 design at 45 nm (every scale factor 1), 32 KB GLB, no accumulator SRAM. */
static void make_cfg(hw_config *cfg, const char *rows, const char *cols, const char *dataflow)
{
    hw_config_init(cfg, &hw_systolic_template, "test");
    set_param(cfg, "rows", rows);
    set_param(cfg, "cols", cols);
    set_param(cfg, "dataflow", dataflow);
    set_param(cfg, "tech_nm", "45");
    set_param(cfg, "glb_kb", "32");
    set_param(cfg, "acc_kb", "0");
    prepare(cfg);
}

/* GEMM M = 10, F = 6, W = 5 (test_systolic's small layer): a 1×1 convolution, 5 → 6 channels
 * over a 10×1 map, 300 MACs. */
static net_layer small_layer(void)
{
    net_layer l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "small");
    l.kind = NET_CONV;
    l.n = 1, l.c = 5, l.k = 6, l.h = 10, l.w = 1, l.r = 1, l.s = 1;
    l.stride = 1, l.pad = 0, l.groups = 1, l.count = 1, l.b_is_weight = 1;
    char msg[256];
    if (net_layer_finish(&l, msg, sizeof msg) != 0)
        fail_msg("net_layer_finish: %s", msg);
    return l;
}

static hw_layer_cost eval_ctx(const hw_config *cfg, const net_layer *l, int in_chip, int out_chip)
{
    sw_compression cmp = net_compression_default();
    hw_layer_ctx ctx = {(unsigned char)in_chip, (unsigned char)out_chip};
    hw_layer_cost c;
    assert_int_equal(hw_eval_layer_ctx(cfg, l, &cmp, &ctx, &c), 0);
    return c;
}

static void test_systolic_time__weight_db_hides_the_preload(void **state)
{
    (void)state;
    /* Small layer, ws on 4×4 (Sr = W = 5, Sc = F = 6, T = M = 10): 2 · 2 = 4 folds.
     *   weight_db 0 (SCALE-Sim): 4 · (2·4 + 4 + 10 − 2) = 80 cycles.
     *   weight_db 1: the first preload (4) then 4 · max(stream 10 + 4 + 4 − 2 = 16, preload 4)
     *   = 4 + 64 = 68 cycles.
     * os has no preload: 6 folds · (4 + 4 + 5 − 2) = 66 either way. */
    net_layer l = small_layer();
    hw_config cfg;
    make_cfg(&cfg, "4", "4", "ws");
    assert_int_equal(eval_ctx(&cfg, &l, 0, 0).compute_cycles, 80);
    set_param(&cfg, "weight_db", "1");
    prepare(&cfg);
    assert_int_equal(eval_ctx(&cfg, &l, 0, 0).compute_cycles, 68);
    make_cfg(&cfg, "4", "4", "os");
    assert_int_equal(eval_ctx(&cfg, &l, 0, 0).compute_cycles, 66);
    set_param(&cfg, "weight_db", "1");
    prepare(&cfg);
    assert_int_equal(eval_ctx(&cfg, &l, 0, 0).compute_cycles, 66);
}

static void test_systolic_time__buffer_bandwidth_bounds_cycles(void **state)
{
    (void)state;
    /* Small layer, ws on 4×4, no accumulator: the GLB moves 100 B of inputs (fc 2), 30 B of
     * weights, 60 B of outputs and 480 B of partial sums = 670 B (test_systolic's hand count).
     *   unlimited (0): 80 cycles, compute-bound, buffer_cycles 0.
     *   1 B/cycle: 670 buffer cycles > 80 → cycles 670.
     *   16 B/cycle: ceil(670/16) = 42 < 80 → cycles 80. */
    net_layer l = small_layer();
    hw_config cfg;
    make_cfg(&cfg, "4", "4", "ws");
    hw_layer_cost c = eval_ctx(&cfg, &l, 0, 0);
    assert_int_equal(c.buffer_cycles, 0);
    assert_int_equal(c.cycles, 80);
    set_param(&cfg, "glb_bytes_per_cycle", "1");
    prepare(&cfg);
    c = eval_ctx(&cfg, &l, 0, 0);
    assert_int_equal(c.buffer_cycles, 670);
    assert_int_equal(c.cycles, 670);
    set_param(&cfg, "glb_bytes_per_cycle", "16");
    prepare(&cfg);
    c = eval_ctx(&cfg, &l, 0, 0);
    assert_int_equal(c.buffer_cycles, 42);
    assert_int_equal(c.cycles, 80);
}

static void test_systolic_time__resident_tensors_skip_dram(void **state)
{
    (void)state;
    /* Small layer, everything fits 32 KB: weights 30 B, inputs 50 B, outputs 60 B.
     *   both in DRAM: 140 B; input on chip: 90 B; output on chip: 80 B; both: 30 B.
     * Declared: in 50 B, out 60 B, free = 32768 − 30 (all weights, less than half) = 32738 B;
     * with act_resident 0, free is 0. */
    net_layer l = small_layer();
    sw_compression cmp = net_compression_default();
    hw_config cfg;
    make_cfg(&cfg, "4", "4", "ws");
    assert_int_equal(eval_ctx(&cfg, &l, 0, 0).dram_bytes, 140);
    assert_int_equal(eval_ctx(&cfg, &l, 1, 0).dram_bytes, 90);
    assert_int_equal(eval_ctx(&cfg, &l, 0, 1).dram_bytes, 80);
    assert_int_equal(eval_ctx(&cfg, &l, 1, 1).dram_bytes, 30);
    hw_act_space sp;
    hw_act_space_of(&cfg, &l, &cmp, &sp);
    assert_int_equal(sp.in_bytes, 50);
    assert_int_equal(sp.out_bytes, 60);
    assert_int_equal(sp.free_bytes, 32738);
    set_param(&cfg, "act_resident", "0");
    prepare(&cfg);
    hw_act_space_of(&cfg, &l, &cmp, &sp);
    assert_int_equal(sp.free_bytes, 0);
}

static void test_systolic_time__residency_rule(void **state)
{
    (void)state;
    /* Five layers; sizes in bytes (in, out, free); a layer takes part when in + out ≤ free:
     *   L0 (100, 200, 1000) yes   L1 (200, 700, 1000) yes   L2 (700, 50, 600) no (750)
     *   L3 (50, 10, 1000) yes     L4 (10, 10, 1000) yes
     * 0|1 on chip; 1|2 and 2|3 in DRAM (L2 cannot hold both); 3|4 on chip. The first layer's
     * input and the last one's output are always in DRAM. */
    hw_act_space sp[5] = {
        {100, 200, 1000}, {200, 700, 1000}, {700, 50, 600}, {50, 10, 1000}, {10, 10, 1000}};
    hw_layer_ctx ctx[5];
    hw_residency_plan(5, NULL, sp, ctx);
    assert_true(!ctx[0].in_on_chip && ctx[0].out_on_chip);
    assert_true(ctx[1].in_on_chip && !ctx[1].out_on_chip);
    assert_true(!ctx[2].in_on_chip && !ctx[2].out_on_chip);
    assert_true(!ctx[3].in_on_chip && ctx[3].out_on_chip);
    assert_true(ctx[4].in_on_chip && !ctx[4].out_on_chip);
    /* At exactly in + out = free a layer still takes part: L2 with free 750. */
    sp[2].free_bytes = 750;
    hw_residency_plan(5, NULL, sp, ctx);
    assert_true(ctx[1].out_on_chip && ctx[2].in_on_chip && ctx[2].out_on_chip);
    /* Shared entries through `of`: layers 0..2 all use entry 0. */
    const size_t of[3] = {0, 0, 0};
    hw_residency_plan(3, of, sp, ctx);
    assert_true(!ctx[0].in_on_chip && ctx[0].out_on_chip && ctx[1].in_on_chip &&
                ctx[1].out_on_chip && ctx[2].in_on_chip && !ctx[2].out_on_chip);
    /* No room anywhere: layer by layer. */
    hw_act_space none[2] = {{10, 10, 0}, {10, 10, 0}};
    hw_residency_plan(2, NULL, none, ctx);
    assert_true(!ctx[0].out_on_chip && !ctx[1].in_on_chip);
}

/* Every layer of every zoo network (compressed by the default setting), on a small and a large
 * design in each dataflow. */
static void for_each_zoo_layer(void (*fn)(const hw_config *, const net_layer *))
{
    const char *const designs[][3] = {{"32", "32", "512"}, {"256", "256", "24576"}};
    const char *const dataflows[] = {"ws", "os", "is"};
    sw_compression cmp = net_compression_default();
    for (size_t z = 0; z < sq_zoo_n; z++) {
        net_network *net = NULL;
        sq_error err;
        assert_int_equal(sq_net_load(&net, sq_zoo[z].name, &err), SQ_OK);
        net_layer *lc = calloc(net->n_layers, sizeof *lc);
        assert_non_null(lc);
        net_compress(net, &cmp, lc);
        for (size_t d = 0; d < 2; d++) {
            for (size_t f = 0; f < 3; f++) {
                hw_config cfg;
                make_cfg(&cfg, designs[d][0], designs[d][1], dataflows[f]);
                set_param(&cfg, "tech_nm", "28");
                set_param(&cfg, "glb_kb", designs[d][2]);
                prepare(&cfg);
                for (size_t i = 0; i < net->n_layers; i++)
                    fn(&cfg, &lc[i]);
            }
        }
        free(lc);
        net_network_free(net);
    }
}

static void check_resident_never_raises_dram(const hw_config *cfg, const net_layer *l)
{
    uint64_t none = eval_ctx(cfg, l, 0, 0).dram_bytes, in = eval_ctx(cfg, l, 1, 0).dram_bytes,
             out = eval_ctx(cfg, l, 0, 1).dram_bytes, both = eval_ctx(cfg, l, 1, 1).dram_bytes;
    if (!(in <= none && out <= none && both <= in && both <= out))
        fail_msg("%s: DRAM bytes none %llu in %llu out %llu both %llu", l->name,
                 (unsigned long long)none, (unsigned long long)in, (unsigned long long)out,
                 (unsigned long long)both);
}

static void test_systolic_time__resident_activations_never_raise_dram(void **state)
{
    (void)state;
    for_each_zoo_layer(check_resident_never_raises_dram);
}

/* Where the activations live changes a layer's DRAM traffic and what follows from it (memory
 * cycles, the cycles and time, DRAM, static and clock energy), nothing else: every residency
 * variant finished from one prep has the prep's compute cycles, buffer traffic and time, MAC,
 * NoC and SRAM energy, and the prep declares the same sizes hw_act_space_of reports. */
static void check_residency_moves_only_dram(const hw_config *cfg, const net_layer *l)
{
    sw_compression cmp = net_compression_default();
    hw_layer_prep prep;
    assert_int_equal(hw_prep_layer(cfg, l, &cmp, &prep), 0);
    hw_act_space sp;
    hw_act_space_of(cfg, l, &cmp, &sp);
    assert_memory_equal(&sp, &prep.space, sizeof sp);
    for (int v = 0; v < 4; v++) {
        hw_layer_ctx ctx = {(unsigned char)(v >> 1), (unsigned char)(v & 1)};
        hw_layer_cost c, direct;
        hw_finish_layer(cfg, &prep, &ctx, &c);
        assert_int_equal(hw_eval_layer_ctx(cfg, l, &cmp, &ctx, &direct), 0);
        assert_memory_equal(&c, &direct, sizeof c);
        if (c.compute_cycles != prep.cost.compute_cycles ||
            c.buffer_cycles != prep.cost.buffer_cycles || c.sram_bytes != prep.cost.sram_bytes ||
            c.macs_done != prep.cost.macs_done || c.comp_pj[C_MAC] != prep.cost.comp_pj[C_MAC] ||
            c.comp_pj[C_NOC] != prep.cost.comp_pj[C_NOC] ||
            c.comp_pj[C_SRAM] != prep.cost.comp_pj[C_SRAM])
            fail_msg("%s: residency %d changed a residency-independent field", l->name, v);
        if (c.cycles < c.compute_cycles || c.cycles < c.memory_cycles)
            fail_msg("%s: cycles below compute or memory cycles", l->name);
    }
}

static void test_systolic_time__residency_moves_only_dram(void **state)
{
    (void)state;
    for_each_zoo_layer(check_residency_moves_only_dram);
}

static void check_weight_db_never_slower(const hw_config *cfg0, const net_layer *l)
{
    hw_config cfg = *cfg0;
    uint64_t sum = eval_ctx(&cfg, l, 0, 0).compute_cycles;
    set_param(&cfg, "weight_db", "1");
    prepare(&cfg);
    uint64_t db = eval_ctx(&cfg, l, 0, 0).compute_cycles;
    if (db > sum)
        fail_msg("%s: weight_db 1 takes %llu cycles, 0 takes %llu", l->name, (unsigned long long)db,
                 (unsigned long long)sum);
}

static void test_systolic_time__weight_db_never_slower(void **state)
{
    (void)state;
    for_each_zoo_layer(check_weight_db_never_slower);
}

static void test_systolic_time__network_residency_never_raises_dram(void **state)
{
    (void)state;
    /* sq_eval of ResNet-50 on tpu-v1 and edge-systolic: act_resident 1 moves no more DRAM bytes
     * in total, and in every layer, than act_resident 0; the first layer reads its input from
     * DRAM and the last writes its output there. */
    const char *const presets[] = {"tpu-v1", "edge-systolic"};
    net_network *net = NULL;
    sq_error err;
    assert_int_equal(sq_net_load(&net, "resnet50", &err), SQ_OK);
    sw_compression cmp = net_compression_default();
    for (size_t p = 0; p < 2; p++) {
        hw_config hw;
        assert_int_equal(sq_hw_load(&hw, presets[p], &err), SQ_OK);
        sq_eval_result on, off;
        assert_int_equal(sq_eval(net, &hw, &cmp, &on, &err), SQ_OK);
        set_param(&hw, "act_resident", "0");
        prepare(&hw);
        assert_int_equal(sq_eval(net, &hw, &cmp, &off, &err), SQ_OK);
        assert_true(on.total.dram_bytes < off.total.dram_bytes);
        for (size_t i = 0; i < net->n_layers; i++) {
            assert_true(on.costs[i].dram_bytes <= off.costs[i].dram_bytes);
            assert_true(!off.ctx[i].in_on_chip && !off.ctx[i].out_on_chip);
        }
        assert_false(on.ctx[0].in_on_chip);
        assert_false(on.ctx[net->n_layers - 1].out_on_chip);
        sq_eval_result_free(&on);
        sq_eval_result_free(&off);
    }
    net_network_free(net);
}

static void test_systolic_time__pe_area_and_clock(void **state)
{
    (void)state;
    /* 4×4 int8 ws at 45 nm, acc_bits 32, 32 KB GLB (tech.c's 45 nm constants):
     *   registers per PE: 8 weight + 8 activation + 32 sum = 48 bits;
     *   PE = 20.3 · 8·8 + 33.8 · 48 = 1299.2 + 1622.4 = 2921.6 µm²; 16 PEs = 0.0467456 mm²;
     *   + 32 KB · 0.0034 (CACTI, memory.c) = 0.1088 → 0.1555456 mm².
     *   clock over the small layer's 80 cycles: 0.0194 pJ · 48 bits · 16 PEs · 80 = 1191.936 pJ.
     * weight_db 1 adds a second 8-bit weight register: 56 bits, PE 1299.2 + 1892.8 = 3192 µm²
     *   (TPU v1's 3190 µm² PE, the fit's anchor), clock over 68 cycles:
     *   0.0194 · 56 · 16 · 68 = 1182.0032 pJ. */
    net_layer l = small_layer();
    hw_config cfg;
    make_cfg(&cfg, "4", "4", "ws");
    assert_close_rel(hw_area_mm2(&cfg), 0.1555456, 1e-9);
    hw_layer_cost c = eval_ctx(&cfg, &l, 0, 0);
    assert_close_rel(c.comp_pj[SYS_COMP("clock")], 1191.936, 1e-9);
    set_param(&cfg, "weight_db", "1");
    prepare(&cfg);
    assert_close_rel(hw_area_mm2(&cfg), 16 * 3192e-6 + 0.1088, 1e-9);
    c = eval_ctx(&cfg, &l, 0, 0);
    assert_close_rel(c.comp_pj[SYS_COMP("clock")], 1182.0032, 1e-9);
    /* energy = dynamic + (leakage + clock) · time: the clock is part of the sum. */
    double sum = 0.0;
    for (size_t k = 0; k < hw_systolic_template.n_components; k++)
        sum += c.comp_pj[k];
    assert_close_rel(c.energy_pj, sum, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systolic_time__weight_db_hides_the_preload),
        cmocka_unit_test(test_systolic_time__buffer_bandwidth_bounds_cycles),
        cmocka_unit_test(test_systolic_time__resident_tensors_skip_dram),
        cmocka_unit_test(test_systolic_time__residency_rule),
        cmocka_unit_test(test_systolic_time__resident_activations_never_raise_dram),
        cmocka_unit_test(test_systolic_time__residency_moves_only_dram),
        cmocka_unit_test(test_systolic_time__weight_db_never_slower),
        cmocka_unit_test(test_systolic_time__network_residency_never_raises_dram),
        cmocka_unit_test(test_systolic_time__pe_area_and_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
