/*
 * test_eval.c — evaluation of a design point over a network (search/eval.c) and its outputs
 * (search/report.c): totals are the sums of the layers, the layer costs are exactly the model's,
 * bad settings are input errors, and printed numbers read back to the same doubles.
 */
#include <stdlib.h>
#include <string.h>

#include "dse.h"
#include "test_helpers.h"
#include "test_systolic_helpers.h"

static const char two_layer_xml[] =
    "<network name=\"tiny\" top1=\"50\" source=\"test\">\n"
    "  <conv name=\"c1\" in=\"3\" out=\"16\" h=\"16\" w=\"16\" kernel=\"3\" pad=\"1\"/>\n"
    "  <fc name=\"fc\" in=\"4096\" out=\"10\"/>\n"
    "</network>\n";

static const char hw_xml[] = "<accelerator name=\"t\" template=\"systolic\" rows=\"8\" cols=\"8\" "
                             "glb_kb=\"64\" tech_nm=\"45\"/>\n";

typedef struct fixture {
    net_network *net;
    hw_config hw;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    sq_error err;
    if (!f ||
        sq_net_load_buffer(&f->net, two_layer_xml, strlen(two_layer_xml), "tiny.xml", &err) !=
            SQ_OK ||
        sq_hw_load_buffer(&f->hw, hw_xml, strlen(hw_xml), "t.xml", &err) != SQ_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    net_network_free(f->net);
    free(f);
    return 0;
}

static void test_eval__total_is_sum_of_layers(void **state)
{
    fixture *f = *state;
    sq_error err;
    sq_eval_result res;
    sw_compression cmp = net_compression_default();
    assert_int_equal(sq_eval(f->net, &f->hw, &cmp, &res, &err), SQ_OK);
    assert_int_equal(res.n_layers, 2);
    /* Layer MACs: conv 16·3·16·16·9 = 110 592; fc 4096·10 = 40 960; total 151 552. */
    assert_int_equal(res.costs[0].macs, 110592);
    assert_int_equal(res.costs[1].macs, 40960);
    assert_int_equal(res.total.macs, 151552);
    assert_int_equal(res.total.cycles, res.costs[0].cycles + res.costs[1].cycles);
    assert_int_equal(res.total.dram_bytes, res.costs[0].dram_bytes + res.costs[1].dram_bytes);
    assert_close_rel(res.total.energy_pj, res.costs[0].energy_pj + res.costs[1].energy_pj, 1e-12);
    assert_close_rel(res.total.energy_pj,
                     res.total.comp_pj[C_MAC] + res.total.comp_pj[C_NOC] +
                         res.total.comp_pj[C_SRAM] + res.total.comp_pj[C_DRAM] +
                         res.total.comp_pj[C_STATIC] + res.total.comp_pj[C_CLOCK],
                     1e-12);
    assert_true(res.total.utilization > 0.0 && res.total.utilization <= 1.0);
    /* Accuracy is the model's for this setting (int8: about lossless, below the 50 baseline). */
    net_acc_src src;
    assert_true(res.accuracy == net_accuracy(f->net, &cmp, &src));
    assert_int_equal(res.accuracy_src, src);
    assert_true(res.accuracy <= 50.0 && res.accuracy > 49.5);
    assert_true(res.area_mm2 > 0.0);
    sq_eval_result_free(&res);
}

static void test_eval__rows_are_the_model(void **state)
{
    fixture *f = *state;
    sq_error err;
    sq_eval_result res;
    sw_compression cmp = net_compression_default();
    cmp.prune = 0.5;
    assert_int_equal(sq_eval(f->net, &f->hw, &cmp, &res, &err), SQ_OK);
    for (size_t i = 0; i < res.n_layers; i++) {
        hw_layer_cost direct;
        assert_int_equal(hw_eval_layer_ctx(&f->hw, &res.layers[i], &cmp, &res.ctx[i], &direct), 0);
        assert_memory_equal(&direct, &res.costs[i], sizeof direct);
        assert_close_rel(res.layers[i].density, 0.5, 1e-12);
    }
    sq_eval_result_free(&res);
}

static void test_eval__bad_compression_is_input_error(void **state)
{
    fixture *f = *state;
    sq_error err;
    sq_eval_result res;
    sw_compression cmp = net_compression_default();
    cmp.prune = 1.0;
    assert_int_equal(sq_eval(f->net, &f->hw, &cmp, &res, &err), SQ_EINPUT);
    assert_non_null(strstr(err.msg, "prune"));
    assert_null(res.layers);
}

static void test_eval__numbers_round_trip(void **state)
{
    (void)state;
    const double v[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 6.02214076e23, 1e-300, 123456789.123456789};
    char buf[64];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sq_fmt_double(buf, sizeof buf, v[i]);
        assert_true(strtod(buf, NULL) == v[i]);
        assert_null(strchr(buf, ',')); /* '.' as decimal point, never a locale comma */
    }
    sq_fmt_double(buf, sizeof buf, -0.0);
    assert_string_equal(buf, "0");
}

/* sq_fmt_num: %.Ng with whole numbers whole; 17 digits is sq_fmt_double byte for byte. */
static void test_eval__numbers_with_digits(void **state)
{
    (void)state;
    char buf[64], ref[64];
    static const struct {
        double v;
        int digits;
        const char *want;
    } cases[] = {
        {0.044869999999999979, 6, "0.04487"}, /* the example: 4487 is 4 digits */
        {1028.9691698912, 6, "1028.97"},      /* 6 significant digits */
        {1.4526299999999996, 6, "1.45263"},
        {1234567.0, 6, "1234567"}, /* whole: every digit, no exponent */
        {3e20, 6, "3e+20"},        /* beyond 2^53: %g */
        {1e-7, 6, "1e-07"},
        {-0.0, 6, "0"},     /* no -0 */
        {-2.25, 2, "-2.2"}, /* printf rounds the exact binary half to even */
        {0.26, 1, "0.3"},
        {0.1 + 0.2, 17, "0.30000000000000004"}, /* round trip */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sq_fmt_num(buf, sizeof buf, cases[i].v, cases[i].digits);
        assert_string_equal(buf, cases[i].want);
    }
    const double v[] = {0.0, 1.0, 0.1, 1.0 / 3.0, 6.02214076e23, 1e-300, 123456789.123456789};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sq_fmt_num(buf, sizeof buf, v[i], SQ_DIGITS_MAX);
        sq_fmt_double(ref, sizeof ref, v[i]);
        assert_string_equal(buf, ref);
    }
}

static void test_eval__csv_shape(void **state)
{
    fixture *f = *state;
    sq_error err;
    sq_eval_result res;
    sw_compression cmp = net_compression_default();
    assert_int_equal(sq_eval(f->net, &f->hw, &cmp, &res, &err), SQ_OK);
    FILE *tf = tmpfile();
    assert_non_null(tf);
    assert_int_equal(sq_write_eval_csv(tf, &res, SQ_DIGITS_MAX), SQ_OK);
    rewind(tf);
    char line[4096];
    int n_lines = 0, header_fields = 0;
    while (fgets(line, sizeof line, tf)) {
        int fields = 1;
        for (char *p = line; *p; p++)
            fields += *p == ',';
        if (n_lines == 0) {
            header_fields = fields;
            assert_memory_equal(line, "layer,kind,macs,cycles,utilization,energy_pj,", 45);
        }
        assert_int_equal(fields, header_fields);
        n_lines++;
    }
    assert_int_equal(n_lines, 1 + 2 + 1); /* header, two layers, TOTAL */
    assert_memory_equal(line, "TOTAL,", 6);
    fclose(tf);
    sq_eval_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval__total_is_sum_of_layers),
        cmocka_unit_test(test_eval__rows_are_the_model),
        cmocka_unit_test(test_eval__bad_compression_is_input_error),
        cmocka_unit_test(test_eval__numbers_round_trip),
        cmocka_unit_test(test_eval__numbers_with_digits),
        cmocka_unit_test(test_eval__csv_shape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
