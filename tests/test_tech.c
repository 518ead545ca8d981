/*
 * test_tech.c — the technology constants (hwmodels/tech.c): Horowitz's 45 nm points, node
 * scaling, monotonicity in bit-width and SRAM capacity, and the parameter table's consistency.
 */
#include "test_helpers.h"

#include <string.h>

#include "hw.h"

static void test_tech__int8_mult_is_horowitz_at_45nm(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    /* Horowitz ISSCC 2014, 45 nm: int8 multiply 0.2 pJ; int32 3.1 pJ (model: 0.2·16 = 3.2). */
    assert_close_rel(hw_tech_mult_pj(&t, 8, 8, NET_FMT_INT), 0.2, 1e-12);
    assert_close_rel(hw_tech_mult_pj(&t, 32, 32, NET_FMT_INT), 3.1, 0.05);
    /* fp16 / fp32 multiply 1.1 / 3.7 pJ, add 0.4 / 0.9 pJ: exact points of the fit. */
    assert_close_rel(hw_tech_mult_pj(&t, 16, 16, NET_FMT_FP), 1.1, 1e-12);
    assert_close_rel(hw_tech_mult_pj(&t, 32, 32, NET_FMT_FP), 3.7, 1e-12);
    assert_close_rel(hw_tech_add_pj(&t, 16, NET_FMT_FP), 0.4, 1e-12);
    assert_close_rel(hw_tech_add_pj(&t, 32, NET_FMT_FP), 0.9, 1e-12);
    /* int add: 0.003125 pJ/bit → 32 bits 0.1 pJ, 16 bits 0.05 pJ. */
    assert_close_rel(hw_tech_add_pj(&t, 32, NET_FMT_INT), 0.1, 1e-12);
    assert_close_rel(hw_tech_add_pj(&t, 16, NET_FMT_INT), 0.05, 1e-12);
}

static void test_tech__mac_is_mult_plus_accumulate(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    /* int8 MAC: 0.2 pJ multiply + 32-bit accumulate (min(8+8+16, 32) = 32 bits · 0.003125
     * = 0.1 pJ) = 0.3 pJ. int4: 4·4·0.003125 = 0.05 + 24·0.003125 = 0.075 → 0.125 pJ. */
    assert_close_rel(hw_tech_mac_pj(&t, 8, 8, NET_FMT_INT, 32), 0.3, 1e-12);
    assert_close_rel(hw_tech_mac_pj(&t, 4, 4, NET_FMT_INT, 32), 0.125, 1e-12);
    /* A 16-bit accumulator caps the add: 8×8 → 0.2 + 16·0.003125 = 0.25 pJ. */
    assert_close_rel(hw_tech_mac_pj(&t, 8, 8, NET_FMT_INT, 16), 0.25, 1e-12);
    /* fp16 MAC: 1.1 pJ multiply + fp32 accumulate 0.9 pJ = 2.0 pJ. */
    assert_close_rel(hw_tech_mac_pj(&t, 16, 16, NET_FMT_FP, 32), 2.0, 1e-12);
}

static void test_tech__scaling_to_28nm(void **state)
{
    (void)state;
    hw_tech t45 = hw_tech_default();
    hw_tech t = hw_tech_scaled(&t45, 28);
    /* 28 nm: energy × 0.51, area × 0.38 (Stillmaker & Baas via Accelergy).
     * int8 multiply 0.2 · 0.51 = 0.102 pJ; 8 KB SRAM 64-bit read 10 · 0.51 = 5.1 pJ;
     * MAC area 49.8 · 0.38 = 18.924 µm²/bit²; leakage 10 · 0.51 / 0.38 = 13.42 mW/mm²;
     * DRAM is off-chip and stays at 5 pJ/bit for LPDDR4. */
    assert_close_rel(hw_tech_mult_pj(&t, 8, 8, NET_FMT_INT), 0.102, 1e-12);
    assert_close_rel(hw_tech_sram_pj(&t, 8.0, 64), 5.1, 1e-12);
    assert_close_rel(t.mac_area_um2_per_bit2, 18.924, 1e-12);
    assert_close_rel(t.leak_mw_per_mm2, 10.0 * 0.51 / 0.38, 1e-12);
    assert_close_rel(hw_tech_dram_pj_per_bit(&t, HW_DRAM_LPDDR4), 5.0, 1e-12);
    assert_close_rel(t.energy_scale, 0.51, 1e-12);
    assert_close_rel(t.area_scale, 0.38, 1e-12);
    /* A user factor multiplies the node's: energy_scale 2 at 28 nm → 1.02. */
    t45.energy_scale = 2.0;
    t = hw_tech_scaled(&t45, 28);
    assert_close_rel(t.energy_scale, 1.02, 1e-12);
    /* 45 nm is the identity. */
    hw_tech d = hw_tech_default();
    hw_tech same = hw_tech_scaled(&d, 45);
    assert_close_rel(same.fp32_mult_pj, 3.7, 1e-15);
}

static void test_tech__nodes(void **state)
{
    (void)state;
    const double ok[] = {65, 45, 32, 28, 22, 16, 14, 7};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(hw_tech_node_ok(ok[i]));
    assert_false(hw_tech_node_ok(40));
    assert_false(hw_tech_node_ok(0));
    assert_false(hw_tech_node_ok(28.5));
    /* Energy falls with every smaller node. */
    hw_tech t45 = hw_tech_default();
    double prev = 1e9;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        hw_tech t = hw_tech_scaled(&t45, ok[i]);
        double e = hw_tech_mac_pj(&t, 8, 8, NET_FMT_INT, 32);
        assert_true(e < prev);
        prev = e;
    }
}

static void test_tech__fewer_bits_never_cost_more(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    const net_numfmt fmts[] = {NET_FMT_INT, NET_FMT_FP, NET_FMT_BF};
    for (size_t f = 0; f < 3; f++) {
        for (uint32_t w = 1; w <= 32; w++) {
            for (uint32_t a = 1; a <= 32; a++) {
                double e = hw_tech_mac_pj(&t, w, a, fmts[f], 32);
                double m = hw_tech_mult_pj(&t, w, a, fmts[f]);
                assert_true(isfinite(e) && e > 0.0);
                if (w > 1) {
                    assert_true(hw_tech_mac_pj(&t, w - 1, a, fmts[f], 32) <= e);
                    assert_true(hw_tech_mult_pj(&t, w - 1, a, fmts[f]) <= m);
                }
                if (a > 1) {
                    assert_true(hw_tech_mac_pj(&t, w, a - 1, fmts[f], 32) <= e);
                    assert_true(hw_tech_mult_pj(&t, w, a - 1, fmts[f]) <= m);
                }
            }
            if (w > 1)
                assert_true(hw_tech_add_pj(&t, w - 1, fmts[f]) <= hw_tech_add_pj(&t, w, fmts[f]));
        }
    }
    /* bf16 (8-bit mantissa) costs less than fp16 (11-bit) to multiply, more than fp8 (4-bit). */
    assert_true(hw_tech_mult_pj(&t, 16, 16, NET_FMT_BF) < hw_tech_mult_pj(&t, 16, 16, NET_FMT_FP));
    assert_true(hw_tech_mult_pj(&t, 8, 8, NET_FMT_FP) < hw_tech_mult_pj(&t, 16, 16, NET_FMT_BF));
}

static void test_tech__sram_grows_with_capacity(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    /* Anchor: 64-bit read of 8 KB = 10 pJ. Horowitz: 32 KB 20 pJ, 1 MB 100 pJ; the fitted
     * exponent 0.477 gives 10·4^0.477 = 19.37 (−3.2 %) and 10·128^0.477 = 101.2 (+1.2 %). */
    assert_close_rel(hw_tech_sram_pj(&t, 8.0, 64), 10.0, 1e-12);
    assert_close_rel(hw_tech_sram_pj(&t, 32.0, 64), 20.0, 0.035);
    assert_close_rel(hw_tech_sram_pj(&t, 1024.0, 64), 100.0, 0.015);
    /* Linear in word width: 8 bits of 8 KB = 10/8 = 1.25 pJ. */
    assert_close_rel(hw_tech_sram_pj(&t, 8.0, 8), 1.25, 1e-12);
    double prev = 0.0;
    for (double kb = 0.25; kb <= 1048576.0; kb *= 2.0) {
        double e = hw_tech_sram_pj(&t, kb, 64);
        assert_true(isfinite(e) && e > prev);
        prev = e;
    }
    assert_true(hw_tech_sram_pj(&t, 0.0, 64) == 0.0);
}

static void test_tech__dram_per_bit(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    assert_close_rel(hw_tech_dram_pj_per_bit(&t, HW_DRAM_DDR3), 30.0, 1e-12);
    assert_close_rel(hw_tech_dram_pj_per_bit(&t, HW_DRAM_DDR4), 17.5, 1e-12);
    assert_close_rel(hw_tech_dram_pj_per_bit(&t, HW_DRAM_LPDDR4), 5.0, 1e-12);
    assert_close_rel(hw_tech_dram_pj_per_bit(&t, HW_DRAM_HBM2), 3.9, 1e-12);
    assert_string_equal(hw_dram_names[HW_DRAM_HBM2], "hbm2");
    assert_null(hw_dram_names[4]);
}

static void test_tech__params_table_is_consistent(void **state)
{
    (void)state;
    /* Every named field of hw_tech (all doubles, before the template's extra[]) is in the table
     * exactly once. */
    assert_int_equal(hw_tech_n_params, offsetof(hw_tech, extra) / sizeof(double));
    hw_tech t = hw_tech_default();
    for (size_t i = 0; i < hw_tech_n_params; i++) {
        const pt_param *p = &hw_tech_params[i];
        assert_non_null(p->name);
        assert_non_null(p->unit);
        assert_non_null(p->help);
        assert_int_equal(p->type, PT_REAL);
        assert_true(p->min <= p->def && p->def <= p->max);
        assert_true(p->offset % sizeof(double) == 0 && p->offset < offsetof(hw_tech, extra));
        assert_true(p->cls >= HW_SCALE_NONE && p->cls <= HW_SCALE_LEAKAGE);
        assert_close_rel(pt_get(p, &t), p->def, 0.0);
        for (size_t j = 0; j < i; j++) {
            assert_true(hw_tech_params[j].offset != p->offset);
            assert_string_not_equal(hw_tech_params[j].name, p->name);
        }
        assert_ptr_equal(pt_find(hw_tech_params, hw_tech_n_params, p->name), p);
    }
}

/* Node scaling is generic: at 28 nm (energy ×0.51, area ×0.38) every constant of the shared
 * table is its 45 nm value times its class's factor: energy 0.51, area 0.38, leakage
 * 0.51/0.38 = 1.3421, none 1 (DRAM, capacities, exponents); energy_scale and area_scale become
 * the factors themselves. */
static void test_tech__scaling_follows_each_class(void **state)
{
    (void)state;
    hw_tech t45 = hw_tech_default();
    hw_tech t28 = hw_tech_scaled(&t45, 28);
    for (size_t i = 0; i < hw_tech_n_params; i++) {
        const pt_param *p = &hw_tech_params[i];
        double f = p->cls == HW_SCALE_ENERGY    ? 0.51
                   : p->cls == HW_SCALE_AREA    ? 0.38
                   : p->cls == HW_SCALE_LEAKAGE ? 0.51 / 0.38
                                                : 1.0;
        if (strcmp(p->name, "energy_scale") == 0)
            assert_close_rel(pt_get(p, &t28), 0.51, 1e-15);
        else if (strcmp(p->name, "area_scale") == 0)
            assert_close_rel(pt_get(p, &t28), 0.38, 1e-15);
        else
            assert_close_rel(pt_get(p, &t28), pt_get(p, &t45) * f, 1e-15);
    }
    /* The classes the model relies on. */
    assert_int_equal(pt_find(hw_tech_params, hw_tech_n_params, "dram_ddr3_pj_per_bit")->cls,
                     HW_SCALE_NONE);
    assert_int_equal(pt_find(hw_tech_params, hw_tech_n_params, "sram_ref_pj")->cls,
                     HW_SCALE_ENERGY);
    assert_int_equal(pt_find(hw_tech_params, hw_tech_n_params, "leak_mw_per_mm2")->cls,
                     HW_SCALE_LEAKAGE);
}

/* A template's own technology constants: defaults set by hw_config_init, found by name after
 * the shared ones, scaled by their class at prepare (an energy constant of 2 pJ at 45 nm is
 * 2 · 0.51 = 1.02 pJ at 28 nm; an area one of 3 µm² is 3 · 0.38 = 1.14), and a declaration
 * that clashes with a shared name or sits at the wrong offset is refused. */
static void test_tech__template_constants_scale_by_class(void **state)
{
    (void)state;
    static const pt_param own[] = {
        {"adc_pj", "pJ", PT_REAL, 2.0, 0.0, 100.0, NULL, HW_TECH_EXTRA(0), "ADC conversion", NULL,
         HW_SCALE_ENERGY},
        {"cell_um2", "um2", PT_REAL, 3.0, 0.0, 100.0, NULL, HW_TECH_EXTRA(1), "cell area", NULL,
         HW_SCALE_AREA},
    };
    hw_template tpl = hw_systolic_template;
    tpl.name = "systolic_with_adc";
    tpl.tech_params = own;
    tpl.n_tech_params = 2;
    char msg[256];
    assert_int_equal(hw_template_check(&tpl, msg, sizeof msg), 0);
    hw_config cfg;
    hw_config_init(&cfg, &tpl, NULL);
    assert_close_rel(cfg.tech45.extra[0], 2.0, 0.0);
    assert_close_rel(cfg.tech45.extra[1], 3.0, 0.0);
    assert_int_equal(hw_config_prepare(&cfg, msg, sizeof msg), 0); /* tech_nm 28 by default */
    assert_close_rel(cfg.tech.extra[0], 1.02, 1e-15);
    assert_close_rel(cfg.tech.extra[1], 1.14, 1e-15);
    assert_ptr_equal(hw_tech_param_find(&tpl, "adc_pj"), &own[0]);
    assert_ptr_equal(hw_tech_param_find(&tpl, "sram_exp"),
                     pt_find(hw_tech_params, hw_tech_n_params, "sram_exp"));
    assert_null(hw_tech_param_find(&hw_systolic_template, "adc_pj"));
    /* Out of range at prepare: the template's constants are checked like the shared ones. */
    cfg.tech45.extra[0] = 1000.0;
    assert_int_equal(hw_config_prepare(&cfg, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "adc_pj"));

    pt_param bad[2] = {own[0], own[1]};
    bad[1].offset = HW_TECH_EXTRA(0);
    tpl.tech_params = bad;
    assert_int_equal(hw_template_check(&tpl, msg, sizeof msg), -1);
    bad[1].offset = HW_TECH_EXTRA(1);
    bad[1].name = "sram_exp";
    assert_int_equal(hw_template_check(&tpl, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "twice"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tech__int8_mult_is_horowitz_at_45nm),
        cmocka_unit_test(test_tech__mac_is_mult_plus_accumulate),
        cmocka_unit_test(test_tech__scaling_to_28nm),
        cmocka_unit_test(test_tech__nodes),
        cmocka_unit_test(test_tech__fewer_bits_never_cost_more),
        cmocka_unit_test(test_tech__sram_grows_with_capacity),
        cmocka_unit_test(test_tech__dram_per_bit),
        cmocka_unit_test(test_tech__params_table_is_consistent),
        cmocka_unit_test(test_tech__scaling_follows_each_class),
        cmocka_unit_test(test_tech__template_constants_scale_by_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
