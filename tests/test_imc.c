/*
 * test_imc.c — the analog in-memory-compute template (hwmodels/imc.c): its clock, peak and
 * per-component energies worked out by hand for AnIA's shape (ZigZag-IMC's constants), the
 * mapping (row and column tiles, bit slices, depthwise layers' poor fit, weight reloads), the
 * noise hook, and properties (ADC bits, ADC sharing, vdd, rows).
 */
#include "test_helpers.h"

#include <string.h>

#include "hw.h"
#include "test_systolic_helpers.h"

/* The imc template's components by name (an index into comp_pj). */
static size_t comp(const char *name)
{
    int k = hw_component_find(&hw_imc_template, name);
    if (k < 0)
        fail_msg("imc has no component %s", name);
    return (size_t)k;
}

/* The template's defaults: AnIA's shape (1024 × 512 cells of 2 bits, 7-bit DACs, 6-bit ADCs,
 * one per column, 0.8 V, 22 nm), tech.c's constants unchanged. */
static void make_cfg(hw_config *cfg)
{
    const hw_template *tpl = hw_template_find("imc");
    assert_non_null(tpl);
    hw_config_init(cfg, tpl, "test");
    prepare(cfg);
}

static net_layer conv(uint32_t c, uint32_t k, uint32_t h, uint32_t r, uint32_t groups)
{
    net_layer l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "conv");
    l.kind = NET_CONV;
    l.n = 1, l.c = c, l.k = k, l.h = h, l.w = h, l.r = r, l.s = r;
    l.stride = 1, l.pad = r / 2, l.groups = groups, l.count = 1, l.b_is_weight = 1;
    char msg[256];
    if (net_layer_finish(&l, msg, sizeof msg) != 0)
        fail_msg("net_layer_finish: %s", msg);
    return l;
}

/* Ternary weights, 6-bit+sign inputs (AnIA's). */
static sw_compression ania_cmp(void)
{
    sw_compression c;
    memset(&c, 0, sizeof c);
    c.wbits = 2, c.abits = 7, c.numfmt = NET_FMT_INT;
    return c;
}

static hw_layer_cost eval(const hw_config *cfg, const net_layer *l, const sw_compression *cmp)
{
    hw_layer_cost c;
    assert_int_equal(hw_eval_layer(cfg, l, cmp, &c), 0);
    assert_true(isfinite(c.energy_pj) && isfinite(c.latency_ms));
    double sum = 0.0;
    for (size_t i = 0; i < hw_imc_template.n_components; i++) {
        assert_true(c.comp_pj[i] >= 0.0);
        sum += c.comp_pj[i];
    }
    assert_close_rel(c.energy_pj, sum, 1e-12);
    return c;
}

/* ---------------------------------------------------------------- declaration, clock, peak */

static void test_imc__declaration_is_valid(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(hw_template_check(&hw_imc_template, msg, sizeof msg), 0);
    assert_int_equal(hw_component_find(&hw_imc_template, "mac"), 0);
}

/* ZigZag-IMC's SAR delay at 1024 rows, 6 bits: 6·(0.00653·1024 + 0.640) = 43.96032 ns, so
 * 1000/43.96032 = 22.74779 MHz, and 2·1024·512 MACs a cycle: 23.8528 TOPS. At 0.6 V the
 * alpha-power law (vth 0.45, α 2) slows it by (0.6/0.15²)/(0.8/0.35²) = 26.6667/6.53061 =
 * 4.08333: 5.570888 MHz, 5.84150 TOPS. */
static void test_imc__clock_and_peak_follow_adc_delay_and_vdd(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    assert_close_rel(cfg.tpl->freq_mhz(&cfg), 22.747787, 1e-6);
    assert_close_rel(hw_peak_tops(&cfg), 23.852784, 1e-6);
    set_param(&cfg, "vdd", "0.6");
    prepare(&cfg);
    assert_close_rel(cfg.tpl->freq_mhz(&cfg), 22.747787 / 4.0833333, 1e-6);
    assert_close_rel(hw_peak_tops(&cfg), 5.841498, 1e-6);
    set_param(&cfg, "freq_mhz", "100"); /* given: held at any vdd */
    prepare(&cfg);
    assert_close_rel(cfg.tpl->freq_mhz(&cfg), 100.0, 1e-12);
}

/* ---------------------------------------------------------------- one vector, by hand */

/* One input vector (a 1×1 convolution, 1024 → 512 channels, on a 1×1 map) fills the array:
 *   adc:   512 conversions × (100·6 + 0.001·4^6) fF · 0.8² = 512 × 386.62144 fJ = 197.95018 pJ
 *   dac:   1024 rows × 50·7 fF · 0.64 = 1024 × 224 fJ = 229.376 pJ
 *   array: 512 columns × (a bitline of 1024 cells + 1024 products) × 0.686 fF (45 nm) · 0.29
 *          (22 nm) · 0.64 = 2·524288 × 0.1273216 fJ = 133.50637 pJ
 *   periphery: no combining (one slice, one input cycle, one row tile): an activation per
 *          output, 512 × 7 bits × 0.003125 · 0.29 pJ = 3.248 pJ
 *   cycles: one evaluation (1 cycle) + 1024 to write the weights (preload 0). */
static void test_imc__one_vector_by_hand(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    net_layer l = conv(1024, 512, 1, 1, 1);
    sw_compression cmp = ania_cmp();
    hw_layer_cost c = eval(&cfg, &l, &cmp);
    assert_int_equal(c.macs, 1024 * 512);
    assert_close_rel(c.comp_pj[comp("adc")], 197.95018, 1e-6);
    assert_close_rel(c.comp_pj[comp("dac")], 229.376, 1e-9);
    assert_close_rel(c.comp_pj[comp("array")], 133.50637, 1e-6);
    assert_close_rel(c.comp_pj[comp("periphery")], 3.248, 1e-9);
    assert_close_rel(c.comp_pj[comp("mac")], 0.0, 0.0);
    assert_int_equal(c.compute_cycles, 1 + 1024);
    assert_close_rel(c.utilization, 1.0 / 1.0, 1e-12);
    assert_true(c.comp_pj[comp("write")] > 0.0);
    assert_true(c.dram_bytes >= 1024 * 512 * 2 / 8); /* the weights, 2 bits each */

    /* With the weights in the cells already: no write, no DRAM weights, one cycle. */
    set_param(&cfg, "preload", "1");
    prepare(&cfg);
    hw_layer_cost p = eval(&cfg, &l, &cmp);
    assert_int_equal(p.compute_cycles, 1);
    assert_close_rel(p.comp_pj[comp("write")], 0.0, 0.0);
    assert_int_equal(c.dram_bytes - p.dram_bytes, 1024 * 512 * 2 / 8);
}

/* fom: at 22.747787 MHz the survey's speed limit, 302.74 − 6.4608·ln(2.2747787e7) = 193.29 dB,
 * is above the 180.14 dB ceiling, so FOM_S = 180.14; SNDR = 6.02·6 + 1.76 = 37.88 dB:
 * E = 1/(2·10^14.226) J = 2.971461 fJ per conversion, 1.521388 pJ for 512. */
static void test_imc__fom_adc_by_hand(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    set_param(&cfg, "adc_model", "fom");
    prepare(&cfg);
    net_layer l = conv(1024, 512, 1, 1, 1);
    sw_compression cmp = ania_cmp();
    hw_layer_cost c = eval(&cfg, &l, &cmp);
    assert_close_rel(c.comp_pj[comp("adc")], 512.0 / (2.0 * pow(10.0, 14.226)) * 1e12, 1e-9);
    assert_close_rel(c.comp_pj[comp("adc")], 1.521388, 1e-6);
}

/* ---------------------------------------------------------------- mapping */

/* A 3×3 convolution of 256 → 512 channels: W = 2304 rows in ceil(2304/1024) = 3 row tiles,
 * 8-bit weights in 4 slices of 2 bits: 2048 columns in 4 column tiles; 12 tiles on 1 macro,
 * 12 waves. 8-bit inputs on 7-bit DACs: 2 input cycles. 4×4 map: 16 vectors.
 *   compute cycles = 12 · (16·2·1 + 1024) = 12672
 *   ADC conversions = 2048 columns · 3 row tiles · 16 · 2 = 196608
 *   utilization = MACs·S / (cells · waves·M·steps) = (16·512·2304)·4 / (524288·12·16) = 0.75 */
static void test_imc__tiles_slices_and_input_cycles(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    net_layer l = conv(256, 512, 4, 3, 1);
    sw_compression cmp = ania_cmp();
    cmp.wbits = 8, cmp.abits = 8;
    hw_layer_cost c = eval(&cfg, &l, &cmp);
    assert_int_equal(c.compute_cycles, 12 * (16 * 2 + 1024));
    assert_close_rel(c.comp_pj[comp("adc")], 196608.0 * 0.38662144, 1e-6);
    assert_close_rel(c.utilization, 0.75, 1e-12);
    /* Outputs combine 4 slices, 2 input cycles and 3 row tiles: the periphery shift-adds. */
    assert_true(c.comp_pj[comp("periphery")] > 196608.0 * 24 * 0.003125 * 0.29 * 0.999);
}

/* A 3×3 depthwise layer of 64 channels on an 8×8 map: each group is a window of 9 rows and one
 * filter of 1 column (2-bit weights): 64 tiles of 9 × 1 cells on a 1024 × 512 macro, utilization
 * 9/524288 = 1.7166e-5 — analog arrays fit depthwise layers badly. */
static void test_imc__depthwise_fits_badly(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    net_layer l = conv(64, 64, 8, 3, 64);
    sw_compression cmp = ania_cmp();
    hw_layer_cost c = eval(&cfg, &l, &cmp);
    assert_close_rel(c.utilization, 9.0 / 524288.0, 1e-9);
    /* One group per wave: 64 waves of 64 pixels and 9 rows written: 64·(64 + 9) cycles. */
    assert_int_equal(c.compute_cycles, 64 * (64 + 9));
    net_layer dense = conv(64, 64, 8, 3, 1);
    hw_layer_cost d = eval(&cfg, &dense, &cmp);
    assert_true(d.utilization > 100.0 * c.utilization);
}

static void test_imc__non_mac_and_float_layers(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    net_layer l = conv(64, 64, 8, 3, 1);
    sw_compression cmp = ania_cmp();
    cmp.numfmt = NET_FMT_FP, cmp.wbits = 16, cmp.abits = 16;
    hw_layer_cost c;
    assert_int_equal(hw_eval_layer(&cfg, &l, &cmp, &c), -1); /* analog: integers only */

    /* An element-wise add: free, transparent to residency, no noise. */
    net_layer add = l;
    add.kind = NET_ADD, add.r = add.s = 1, add.pad = 0, add.groups = add.c, add.b_is_weight = 0;
    char msg[256];
    assert_int_equal(net_layer_finish(&add, msg, sizeof msg), 0);
    cmp = ania_cmp();
    c = eval(&cfg, &add, &cmp);
    assert_int_equal(c.macs, 0);
    assert_int_equal(c.cycles, 0);
    assert_close_rel(c.energy_pj, 0.0, 0.0);
    assert_close_rel(hw_layer_noise(&cfg, &add, &cmp), 0.0, 0.0);
    hw_act_space sp;
    hw_act_space_of(&cfg, &add, &cmp, &sp);
    assert_int_equal(sp.in_bytes + sp.out_bytes + sp.free_bytes, 0);
}

/* ---------------------------------------------------------------- properties */

static const uint32_t shapes[][5] = {
    /* c, k, h, r, groups */
    {1024, 512, 1, 1, 1}, {256, 512, 4, 3, 1},  {3, 64, 16, 7, 1},
    {64, 64, 8, 3, 64},   {2048, 100, 1, 1, 1}, {96, 1000, 2, 1, 1},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static net_layer shape(size_t i)
{
    return conv(shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], shapes[i][4]);
}

static void test_imc__more_adc_bits_never_lower_energy_nor_raise_noise(void **state)
{
    (void)state;
    const char *models[] = {"cap", "fom"};
    for (size_t m = 0; m < 2; m++) {
        for (size_t s = 0; s < N_SHAPES; s++) {
            net_layer l = shape(s);
            sw_compression cmp = ania_cmp();
            double e_prev = 0.0, adc_prev = 0.0, v_prev = 1e300;
            for (uint32_t b = 1; b <= 12; b++) {
                hw_config cfg;
                make_cfg(&cfg);
                set_param(&cfg, "adc_model", models[m]);
                set_param(&cfg, "freq_mhz", "20"); /* the clock alone would change time */
                char text[16];
                snprintf(text, sizeof text, "%u", b);
                set_param(&cfg, "adc_bits", text);
                prepare(&cfg);
                hw_layer_cost c = eval(&cfg, &l, &cmp);
                double v = hw_layer_noise(&cfg, &l, &cmp);
                assert_true(c.comp_pj[comp("adc")] >= adc_prev);
                assert_true(c.energy_pj >= e_prev * (1.0 - 1e-12));
                assert_true(v <= v_prev && v > 0.0);
                e_prev = c.energy_pj, adc_prev = c.comp_pj[comp("adc")], v_prev = v;
            }
        }
    }
}

/* Sharing an ADC among more columns never adds ADCs (area) and never shortens the layer. */
static void test_imc__more_columns_per_adc_never_add_adcs(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_SHAPES; s++) {
        net_layer l = shape(s);
        sw_compression cmp = ania_cmp();
        double area_prev = 1e300;
        uint64_t cyc_prev = 0;
        for (uint32_t share = 1; share <= 512; share *= 2) {
            hw_config cfg;
            make_cfg(&cfg);
            char text[16];
            snprintf(text, sizeof text, "%u", share);
            set_param(&cfg, "adc_share", text);
            prepare(&cfg);
            hw_layer_cost c = eval(&cfg, &l, &cmp);
            assert_true(hw_area_mm2(&cfg) < area_prev);
            assert_true(c.compute_cycles >= cyc_prev);
            area_prev = hw_area_mm2(&cfg), cyc_prev = c.compute_cycles;
        }
    }
}

/* A higher supply never lowers energy: each dynamic component (∝ V²) at the derived clock, and
 * the total at a given clock (leakage ∝ V over the same time). The derived clock only speeds
 * up with vdd. */
static void test_imc__bigger_vdd_never_lowers_energy(void **state)
{
    (void)state;
    const char *dynamic[] = {"dac", "adc", "array", "periphery", "sram", "write", "clock"};
    for (size_t s = 0; s < N_SHAPES; s++) {
        net_layer l = shape(s);
        sw_compression cmp = ania_cmp();
        hw_layer_cost prev_auto, prev_fixed;
        double f_prev = 0.0;
        for (int i = 0; i <= 13; i++) {
            char text[16];
            snprintf(text, sizeof text, "%.2f", 0.55 + 0.05 * i);
            hw_config a, f;
            make_cfg(&a);
            set_param(&a, "vdd", text);
            prepare(&a);
            make_cfg(&f);
            set_param(&f, "vdd", text);
            set_param(&f, "freq_mhz", "10");
            prepare(&f);
            hw_layer_cost ca = eval(&a, &l, &cmp), cf = eval(&f, &l, &cmp);
            assert_true(a.tpl->freq_mhz(&a) > f_prev);
            f_prev = a.tpl->freq_mhz(&a);
            if (i > 0) {
                for (size_t k = 0; k < sizeof dynamic / sizeof dynamic[0]; k++)
                    assert_true(ca.comp_pj[comp(dynamic[k])] >=
                                prev_auto.comp_pj[comp(dynamic[k])]);
                assert_true(cf.energy_pj >= prev_fixed.energy_pj);
            }
            prev_auto = ca, prev_fixed = cf;
        }
    }
}

/* ---------------------------------------------------------------- noise */

/* At adc_clip 4 and sigma 0, a window that fills its rows sees a B-bit quantizer at its
 * output's full scale: v = 2^(−2B) + (3/16)·G(4), G(4) = 2·[17·Q(4) − 4·φ(4)] = 8.0e-6 ×...
 * (computed here from erfc). 1024 rows at W = 1024: u = 1. sigma adds 12·sigma². At W = 512
 * on 1024 rows half the ADC range is wasted: u = 2. */
static void test_imc__noise_by_hand(void **state)
{
    (void)state;
    hw_config cfg;
    make_cfg(&cfg);
    sw_compression cmp = ania_cmp();
    net_layer fill = conv(1024, 512, 1, 1, 1), half = conv(512, 512, 1, 1, 1);
    double q = 0.5 * erfc(4.0 / sqrt(2.0)), phi = exp(-8.0) / sqrt(2.0 * 3.14159265358979323846);
    double clip = (3.0 / 16.0) * 2.0 * (17.0 * q - 4.0 * phi);
    assert_close_rel(hw_layer_noise(&cfg, &fill, &cmp), pow(2.0, -12.0) + clip, 1e-9);
    assert_close_rel(hw_layer_noise(&cfg, &half, &cmp), 2.0 * (pow(2.0, -12.0) + clip), 1e-9);
    set_param(&cfg, "sigma", "0.01");
    prepare(&cfg);
    assert_close_rel(hw_layer_noise(&cfg, &fill, &cmp), pow(2.0, -12.0) + 12e-4 + clip, 1e-9);
    /* A digital template adds none. */
    hw_config sys;
    hw_config_init(&sys, hw_template_find("systolic"), "sys");
    prepare(&sys);
    assert_close_rel(hw_layer_noise(&sys, &fill, &cmp), 0.0, 0.0);
}

/* More rows summed per conversion at fixed ADC bits never lower the noise: rows doubling on
 * every shape, with and without analog noise, and at several clippings. */
static void test_imc__more_rows_per_conversion_never_lower_noise(void **state)
{
    (void)state;
    const char *sigmas[] = {"0", "0.003"}, *clips[] = {"2", "4", "8"};
    for (size_t s = 0; s < N_SHAPES; s++) {
        net_layer l = shape(s);
        sw_compression cmp = ania_cmp();
        for (size_t g = 0; g < 2; g++) {
            for (size_t k = 0; k < 3; k++) {
                double v_prev = 0.0;
                for (uint32_t rows = 8; rows <= 8192; rows *= 2) {
                    hw_config cfg;
                    make_cfg(&cfg);
                    char text[16];
                    snprintf(text, sizeof text, "%u", rows);
                    set_param(&cfg, "rows", text);
                    set_param(&cfg, "sigma", sigmas[g]);
                    set_param(&cfg, "adc_clip", clips[k]);
                    prepare(&cfg);
                    double v = hw_layer_noise(&cfg, &l, &cmp);
                    assert_true(v >= v_prev * (1.0 - 1e-12));
                    v_prev = v;
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imc__declaration_is_valid),
        cmocka_unit_test(test_imc__clock_and_peak_follow_adc_delay_and_vdd),
        cmocka_unit_test(test_imc__one_vector_by_hand),
        cmocka_unit_test(test_imc__fom_adc_by_hand),
        cmocka_unit_test(test_imc__tiles_slices_and_input_cycles),
        cmocka_unit_test(test_imc__depthwise_fits_badly),
        cmocka_unit_test(test_imc__non_mac_and_float_layers),
        cmocka_unit_test(test_imc__more_adc_bits_never_lower_energy_nor_raise_noise),
        cmocka_unit_test(test_imc__more_columns_per_adc_never_add_adcs),
        cmocka_unit_test(test_imc__bigger_vdd_never_lowers_energy),
        cmocka_unit_test(test_imc__noise_by_hand),
        cmocka_unit_test(test_imc__more_rows_per_conversion_never_lower_noise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
