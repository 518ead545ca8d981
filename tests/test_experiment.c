/*
 * test_experiment.c — experiments as the sweep driver sees them: search/load_xp.c's
 * sq_experiment_load*, search/space.c (ids ↔ sweep digits ↔ designs), search/params.c (metrics,
 * the built-in default experiment) and search/sha256.c.
 */
#include <stdlib.h>
#include <string.h>

#include "test_search.h"

#include "dse.h"

#define DATA SQUASH_SOURCE_DIR "/tests/data"

/* Index of a choice of a template parameter, by name. */
static double hw_choice(const hw_config *hw, const char *name, const char *choice)
{
    const pt_param *p = pt_find(hw->tpl->params, hw->tpl->n_params, name);
    assert_non_null(p);
    double v = -1.0;
    char msg[256];
    assert_int_equal(pt_parse(p, choice, &v, msg, sizeof msg), 0);
    return v;
}

/* Asserts that err->msg starts with prefix and contains fragment. */
static void assert_msg(const sq_error *err, const char *prefix, const char *fragment)
{
    if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", err->msg, prefix);
    if (fragment != NULL && strstr(err->msg, fragment) == NULL)
        fail_msg("message '%s' lacks '%s'", err->msg, fragment);
}

/* Loads text (references relative to tests/data/good), failing the test on an error. */
static sq_experiment *load_text(const char *text)
{
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    if (sq_experiment_load_buffer(&xp, text, strlen(text), DATA "/good/mem.xml", &err) != SQ_OK)
        fail_msg("%s", err.msg);
    assert_non_null(xp);
    return xp;
}

/* The id of digits, by the formula of explore.h: ((d0·n1 + d1)·n2 + d2)… */
static uint64_t encode(const sq_experiment *xp, const uint32_t *digits)
{
    uint64_t id = 0;
    for (size_t i = 0; i < xp->n_sweeps; i++) {
        assert_true(digits[i] < xp->sweeps[i].n_values);
        id = id * xp->sweeps[i].n_values + digits[i];
    }
    return id;
}

/* Reads a whole file into a malloc'ed buffer. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ------------------------------------------------------------------ metrics */

static void test_experiment__metric_names(void **state)
{
    (void)state;
    /* CONTRACT.md's columns, in sq_metric order. */
    static const char *const names[SQ_N_METRICS] = {"energy_uj",  "latency_ms",  "area_mm2",
                                                    "accuracy",   "power_mw",    "edp",
                                                    "tops_per_w", "accuracy_lo", "accuracy_hi"};
    for (int i = 0; i < SQ_N_METRICS; i++) {
        assert_string_equal(sq_metrics[i].name, names[i]);
        assert_int_equal(sq_metric_find(names[i]), i);
        assert_non_null(sq_metrics[i].unit);
        assert_true(sq_metrics[i].help != NULL && sq_metrics[i].help[0] != '\0');
    }
    assert_int_equal(sq_metric_find("happiness"), -1);
    assert_int_equal(sq_metric_find(""), -1);
    assert_int_equal(sq_metric_find("Energy_uj"), -1);
}

/* The metric table's formulas on hand-picked totals, its goals, and the design figures that are
 * not point metrics (eval reports them; an experiment cannot name them). */
static void test_experiment__metric_formulas(void **state)
{
    (void)state;
    hw_config hw;
    sq_error err = {{0}};
    assert_int_equal(sq_hw_load(&hw, "edge-systolic", &err), SQ_OK);
    /* 2e6 pJ over 4 ms for 1e6 MACs: 2 µJ; 2e6 / 4 · 1e-6 = 0.5 mW; 2 µJ · 4 ms = 8 µJ·ms;
     * 2 · 1e6 / 2e6 = 1 TOPS/W. */
    const sq_totals t = {
        .energy_pj = 2e6, .latency_ms = 4.0, .macs = 1e6, .accuracy = 70.5, .hw = &hw};
    assert_close_rel(sq_metrics[SQ_ENERGY_UJ].value(&t), 2.0, 1e-15);
    assert_close_rel(sq_metrics[SQ_LATENCY_MS].value(&t), 4.0, 1e-15);
    assert_close_rel(sq_metrics[SQ_POWER_MW].value(&t), 0.5, 1e-15);
    assert_close_rel(sq_metrics[SQ_EDP].value(&t), 8.0, 1e-15);
    assert_close_rel(sq_metrics[SQ_TOPS_PER_W].value(&t), 1.0, 1e-15);
    assert_close_rel(sq_metrics[SQ_ACCURACY].value(&t), 70.5, 1e-15);
    assert_true(sq_metrics[SQ_AREA_MM2].value(&t) == hw_area_mm2(&hw));
    assert_true(sq_metrics[SQ_PEAK_TOPS].value(&t) == hw_peak_tops(&hw));
    assert_true(sq_metrics[SQ_FREQ_MHZ].value(&t) == hw.tpl->freq_mhz(&hw));
    /* No time or no energy: power and efficiency are 0, never Inf or NaN. */
    const sq_totals zero = {.hw = &hw};
    assert_true(sq_metrics[SQ_POWER_MW].value(&zero) == 0.0);
    assert_true(sq_metrics[SQ_TOPS_PER_W].value(&zero) == 0.0);
    /* Natural goals: accuracy and efficiency up, costs down. */
    for (int i = 0; i < SQ_N_METRICS; i++)
        assert_int_equal(sq_metrics[i].maximize, i == SQ_ACCURACY || i == SQ_TOPS_PER_W ||
                                                     i == SQ_ACCURACY_LO || i == SQ_ACCURACY_HI);
    assert_int_equal(sq_metric_find("peak_tops"), -1);
    assert_int_equal(sq_metric_find("freq_mhz"), -1);
}

/* ------------------------------------------------------------------ loading */

static void test_experiment__load_good_file(void **state)
{
    (void)state;
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    if (sq_experiment_load(&xp, DATA "/good/experiment.xml", &err) != SQ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(xp->name, "tiny-edge");
    assert_string_equal(xp->path, DATA "/good/experiment.xml");
    assert_string_equal(xp->net->name, "tiny");
    assert_string_equal(xp->hw.name, "edge-systolic");
    assert_close_rel(hw_get(&xp->hw, "tech_nm"), 28, 0);
    assert_int_equal(xp->cmp.prune_kind, NET_PRUNE_UNSTRUCTURED);

    /* rows 8 16 32 64 | glb_kb 64 128 256 512 1024 | dataflow ws os is | prune 0 0.1 … 0.9 |
     * wbits 4 8 16: 4·5·3·10·3 = 1800 points. */
    static const struct {
        const char *param;
        int is_hw;
        size_t n;
        double first, last;
        long line;
    } sweeps[] = {
        {"rows", 1, 4, 8, 64, 6},       {"glb_kb", 1, 5, 64, 1024, 7}, {"dataflow", 1, 3, 0, 2, 8},
        {"prune", 0, 10, 0.0, 0.9, 11}, {"wbits", 0, 3, 4, 16, 12},
    };
    assert_int_equal(xp->n_sweeps, 5);
    for (size_t i = 0; i < 5; i++) {
        const sq_sweep *s = &xp->sweeps[i];
        assert_string_equal(s->param->name, sweeps[i].param);
        assert_int_equal(s->is_hw, sweeps[i].is_hw);
        assert_int_equal(s->n_values, sweeps[i].n);
        assert_close_rel(s->values[0], sweeps[i].first, 0);
        assert_close_rel(s->values[s->n_values - 1], sweeps[i].last, 0);
        assert_int_equal(s->line, sweeps[i].line);
    }
    /* Range sweeps: glb_kb doubles; prune is exactly the decimal a user would write. */
    static const double glb[] = {64, 128, 256, 512, 1024};
    for (size_t i = 0; i < 5; i++)
        assert_true(xp->sweeps[1].values[i] == glb[i]);
    static const double prune[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    for (size_t i = 0; i < 10; i++)
        assert_true(xp->sweeps[3].values[i] == prune[i]);
    assert_int_equal(xp->space_size, 1800);

    assert_int_equal(xp->n_constraints, 2);
    assert_int_equal(xp->constraints[0].metric, SQ_AREA_MM2);
    assert_true(isinf(xp->constraints[0].min) && xp->constraints[0].min < 0);
    assert_close_rel(xp->constraints[0].max, 5, 0);
    assert_int_equal(xp->constraints[1].metric, SQ_ACCURACY);
    assert_close_rel(xp->constraints[1].min, 50, 0);
    assert_true(isinf(xp->constraints[1].max) && xp->constraints[1].max > 0);
    assert_int_equal(xp->n_objectives, 2);
    assert_int_equal(xp->objectives[0].metric, SQ_ENERGY_UJ);
    assert_int_equal(xp->objectives[0].maximize, 0);
    assert_int_equal(xp->objectives[1].metric, SQ_ACCURACY);
    assert_int_equal(xp->objectives[1].maximize, 1);

    /* The digest is of the file's exact bytes. */
    size_t len = 0;
    char *bytes = read_all(DATA "/good/experiment.xml", &len);
    char hex[65];
    sq_sha256_hex(bytes, len, hex);
    assert_string_equal(xp->sha256, hex);
    free(bytes);
    sq_experiment_free(xp);
    sq_experiment_free(NULL);
}

static void test_experiment__load_errors(void **state)
{
    (void)state;
    sq_experiment *xp = (sq_experiment *)1;
    sq_error err = {{0}};
    assert_int_equal(sq_experiment_load(&xp, DATA "/good/no-such-experiment.xml", &err), SQ_EINPUT);
    assert_null(xp);
    assert_msg(&err, "squash: cannot read '", "No such file");

    /* A network file is not an experiment. */
    xp = (sq_experiment *)1;
    assert_int_equal(sq_experiment_load(&xp, DATA "/good/tiny_net.xml", &err), SQ_EINPUT);
    assert_null(xp);
    assert_msg(&err, DATA "/good/tiny_net.xml:", "expected <experiment>");

    /* Errors inside point at the line, under the path given. */
    static const char bad[] = "<experiment>\n"
                              "<network ref=\"resnet8\"/>\n"
                              "<accelerator ref=\"edge-systolic\">\n"
                              "<sweep param=\"rows\" values=\"8 0\"/>\n"
                              "</accelerator>\n"
                              "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                              "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                              "</experiment>\n";
    xp = (sq_experiment *)1;
    assert_int_equal(sq_experiment_load_buffer(&xp, bad, strlen(bad), "x/mem.xml", &err),
                     SQ_EINPUT);
    assert_null(xp);
    assert_msg(&err, "x/mem.xml:4: ", "sweep of 'rows': 0 PEs is out of range 1..4096 PEs");
}

/* Sweeps (and so the digits of an id and the CSV columns) follow the file, even when
 * <compression> comes first. */
static void test_experiment__sweeps_in_file_order(void **state)
{
    (void)state;
    sq_experiment *xp =
        load_text("<experiment>\n"
                  "<network ref=\"resnet8\"/>\n"
                  "<compression><sweep param=\"wbits\" values=\"4 8\"/></compression>\n"
                  "<accelerator ref=\"edge-systolic\">\n"
                  "<sweep param=\"rows\" values=\"8 16 32\"/>\n"
                  "</accelerator>\n"
                  "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                  "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                  "</experiment>\n");
    assert_int_equal(xp->n_sweeps, 2);
    assert_string_equal(xp->sweeps[0].param->name, "wbits");
    assert_int_equal(xp->sweeps[0].is_hw, 0);
    assert_string_equal(xp->sweeps[1].param->name, "rows");
    assert_int_equal(xp->sweeps[1].is_hw, 1);
    /* id 4 = 1·3 + 1 → wbits 8, rows 16 */
    hw_config hw;
    sw_compression cmp;
    assert_int_equal(sq_space_point(xp, 4, &hw, &cmp, NULL, 0), 0);
    assert_int_equal(cmp.wbits, 8);
    assert_close_rel(hw_get(&hw, "rows"), 16, 0);
    sq_experiment_free(xp);
}

/* The issue asks for "objectives (2 or more metrics, each min or max)": fewer is an input error
 * at the line of <experiment>. */
static void test_experiment__fewer_than_two_objectives(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "<?xml version=\"1.0\"?>\n"
        "<experiment name=\"one\">\n"
        "  <network ref=\"resnet8\"/>\n"
        "  <accelerator ref=\"edge-systolic\"/>\n"
        "  <objective metric=\"energy_uj\" goal=\"min\"/>\n"
        "</experiment>\n",
        "<?xml version=\"1.0\"?>\n"
        "<experiment name=\"none\">\n"
        "  <network ref=\"resnet8\"/>\n"
        "  <accelerator ref=\"edge-systolic\"/>\n"
        "</experiment>\n",
    };
    for (size_t i = 0; i < 2; i++) {
        sq_experiment *xp = (sq_experiment *)1;
        sq_error err = {{0}};
        assert_int_equal(
            sq_experiment_load_buffer(&xp, texts[i], strlen(texts[i]), "two.xml", &err), SQ_EINPUT);
        assert_null(xp);
        assert_msg(&err, "two.xml:2: ", "at least 2");
    }
    /* And through `squash check`, from a file. */
    sq_error err = {{0}};
    assert_int_equal(sq_check_file(DATA "/bad/xp_one_objective.xml", &err), SQ_EINPUT);
    assert_msg(&err, DATA "/bad/xp_one_objective.xml:2: ", "has 1 <objective>");
}

/* A space beyond 2^53 points is refused (ids must stay exact in a double); 4096·4096·5000·
 * 10000·100 = 8.4e16 > 2^53 = 9.0e15. */
static void test_experiment__space_over_2_pow_53(void **state)
{
    (void)state;
    static const char text[] = "<experiment>\n"
                               "<network ref=\"resnet8\"/>\n"
                               "<accelerator ref=\"edge-systolic\">\n"
                               "<sweep param=\"rows\" from=\"1\" to=\"4096\" step=\"1\"/>\n"
                               "<sweep param=\"cols\" from=\"1\" to=\"4096\" step=\"1\"/>\n"
                               "<sweep param=\"freq_mhz\" from=\"1\" to=\"5000\" step=\"1\"/>\n"
                               "<sweep param=\"dram_gbps\" from=\"1\" to=\"10000\" step=\"1\"/>\n"
                               "<sweep param=\"glb_kb\" from=\"1\" to=\"100\" step=\"1\"/>\n"
                               "</accelerator>\n"
                               "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                               "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                               "</experiment>\n";
    sq_experiment *xp = (sq_experiment *)1;
    sq_error err = {{0}};
    assert_int_equal(sq_experiment_load_buffer(&xp, text, strlen(text), "big.xml", &err),
                     SQ_EINPUT);
    assert_null(xp);
    assert_msg(&err, "big.xml:1: ", "more than 2^53");
}

/* ------------------------------------------------------------------ the design space */

/* Every id of a small space: digits in range, the last sweep fastest, and back to the id. */
static void test_experiment__decode_round_trips_small_space(void **state)
{
    (void)state;
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    if (sq_experiment_load(&xp, DATA "/good/experiment.xml", &err) != SQ_OK)
        fail_msg("%s", err.msg);
    uint32_t digits[5], prev[5] = {0};
    for (uint64_t id = 0; id < xp->space_size; id++) {
        sq_space_decode(xp, id, digits);
        assert_int_equal(encode(xp, digits), id);
        if (id > 0) { /* nested loops: the last digit that is not at its end ticks */
            size_t k = 5;
            while (k-- > 0 && prev[k] == xp->sweeps[k].n_values - 1)
                assert_int_equal(digits[k], 0);
            assert_int_equal(digits[k], prev[k] + 1);
            for (size_t j = 0; j < k; j++)
                assert_int_equal(digits[j], prev[j]);
        }
        memcpy(prev, digits, sizeof prev);
    }
    /* By hand, radices (4, 5, 3, 10, 3): 1 → (0,0,0,0,1); 3 → (0,0,0,1,0);
     * 1234 = (((2·5 + 3)·3 + 2)·10 + 1)·3 + 1 → (2,3,2,1,1); 1799 → (3,4,2,9,2). */
    static const struct {
        uint64_t id;
        uint32_t d[5];
    } cases[] = {{0, {0, 0, 0, 0, 0}},
                 {1, {0, 0, 0, 0, 1}},
                 {3, {0, 0, 0, 1, 0}},
                 {1234, {2, 3, 2, 1, 1}},
                 {1799, {3, 4, 2, 9, 2}}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sq_space_decode(xp, cases[i].id, digits);
        assert_memory_equal(digits, cases[i].d, sizeof digits);
    }
    sq_experiment_free(xp);
}

/* A 10^12-point space (rows, cols, freq_mhz and glb_kb from 1 to 1000): random ids round-trip,
 * and the design of an id carries the values of its digits. */
static void test_experiment__decode_round_trips_huge_space(void **state)
{
    (void)state;
    sq_experiment *xp = load_text("<experiment name=\"huge\">\n"
                                  "<network ref=\"resnet8\"/>\n"
                                  "<accelerator ref=\"edge-systolic\">\n"
                                  "<sweep param=\"rows\" from=\"1\" to=\"1000\" step=\"1\"/>\n"
                                  "<sweep param=\"cols\" from=\"1\" to=\"1000\" step=\"1\"/>\n"
                                  "<sweep param=\"freq_mhz\" from=\"1\" to=\"1000\" step=\"1\"/>\n"
                                  "<sweep param=\"glb_kb\" from=\"1\" to=\"1000\" step=\"1\"/>\n"
                                  "</accelerator>\n"
                                  "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                                  "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                                  "</experiment>\n");
    assert_int_equal(xp->space_size, UINT64_C(1000000000000));
    uint32_t digits[4];
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15); /* xorshift64 state */
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t id = x % xp->space_size;
        sq_space_decode(xp, id, digits);
        assert_int_equal(encode(xp, digits), id);
        /* base 1000: the digits are the id's decimal triples */
        assert_int_equal(digits[3], id % 1000);
        assert_int_equal(digits[0], id / UINT64_C(1000000000));
    }
    /* 123456789012 → rows 124, cols 457, freq_mhz 790 MHz, glb_kb 13 KB (values = digit + 1) */
    hw_config hw;
    sw_compression cmp;
    char msg[256];
    assert_int_equal(sq_space_point(xp, UINT64_C(123456789012), &hw, &cmp, msg, sizeof msg), 0);
    assert_close_rel(hw_get(&hw, "rows"), 124, 0);
    assert_close_rel(hw_get(&hw, "cols"), 457, 0);
    assert_close_rel(hw_get(&hw, "freq_mhz"), 790, 0);
    assert_close_rel(hw_get(&hw, "glb_kb"), 13, 0);
    sq_space_decode(xp, xp->space_size - 1, digits);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(digits[i], 999);
    sq_experiment_free(xp);
}

/* sq_space_point on the good file's space (see decode_round_trips_small_space for the digits). */
static void test_experiment__point_applies_the_values(void **state)
{
    (void)state;
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    if (sq_experiment_load(&xp, DATA "/good/experiment.xml", &err) != SQ_OK)
        fail_msg("%s", err.msg);
    /* Strides of the radices (4, 5, 3, 10, 3): rows 450, glb_kb 90, dataflow 30, prune 3,
     * wbits 1. So 863 = 1·450 + 4·90 + 1·30 + 7·3 + 2 → (1,4,1,7,2). */
    static const struct {
        uint64_t id;
        double rows, glb_kb;
        const char *dataflow;
        double prune;
        uint32_t wbits;
    } cases[] = {
        {0, 8, 64, "ws", 0.0, 4},        /* (0,0,0,0,0) */
        {1234, 32, 512, "is", 0.1, 8},   /* (2,3,2,1,1) */
        {1799, 64, 1024, "is", 0.9, 16}, /* (3,4,2,9,2) */
        {863, 16, 1024, "os", 0.7, 16},  /* (1,4,1,7,2) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hw_config hw;
        sw_compression cmp;
        char msg[256] = "";
        if (sq_space_point(xp, cases[i].id, &hw, &cmp, msg, sizeof msg) != 0)
            fail_msg("point %llu: %s", (unsigned long long)cases[i].id, msg);
        assert_close_rel(hw_get(&hw, "rows"), cases[i].rows, 0);
        assert_close_rel(hw_get(&hw, "glb_kb"), cases[i].glb_kb, 0);
        assert_close_rel(hw_get(&hw, "dataflow"), hw_choice(&hw, "dataflow", cases[i].dataflow), 0);
        assert_true(cmp.prune == cases[i].prune);
        assert_int_equal(cmp.wbits, cases[i].wbits);
        /* Fixed values stay: the preset's cols, the file's tech_nm and prune_kind, abits. */
        assert_close_rel(hw_get(&hw, "cols"), 32, 0);
        assert_close_rel(hw_get(&hw, "tech_nm"), 28, 0);
        assert_int_equal(cmp.prune_kind, NET_PRUNE_UNSTRUCTURED);
        assert_int_equal(cmp.abits, 8);
        /* The design is prepared: technology scaled to 28 nm (area factor 0.38, tech.c). */
        assert_close_rel(hw.tech.area_scale, 0.38, 1e-12);
    }
    /* The experiment itself is untouched (pure). */
    assert_close_rel(hw_get(&xp->hw, "rows"), 32, 0);
    assert_int_equal(xp->cmp.wbits, 8);
    sq_experiment_free(xp);
}

/* A combination the models refuse is an infeasible point (-1 and a reason), not a crash. */
static void test_experiment__point_invalid_combination(void **state)
{
    (void)state;
    /* numfmt=bf needs 16-bit operands: wbits 8 (id 0) is refused, wbits 16 (id 1) runs. */
    sq_experiment *xp = load_text("<experiment>\n"
                                  "<network ref=\"resnet8\"/>\n"
                                  "<accelerator ref=\"edge-systolic\"/>\n"
                                  "<compression numfmt=\"bf\" abits=\"16\">\n"
                                  "<sweep param=\"wbits\" values=\"8 16\"/>\n"
                                  "</compression>\n"
                                  "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                                  "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                                  "</experiment>\n");
    hw_config hw;
    sw_compression cmp;
    char msg[256] = "";
    assert_int_equal(xp->space_size, 2);
    assert_int_equal(sq_space_point(xp, 0, &hw, &cmp, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "bf"));
    assert_int_equal(sq_space_point(xp, 1, &hw, &cmp, msg, sizeof msg), 0);
    assert_int_equal(sq_space_point(xp, 0, &hw, &cmp, NULL, 0), -1); /* reason not wanted */
    sq_experiment_free(xp);

    /* acc_bits 16 with mac_bits 32: the template's check. Digits (mac_bits, tech_nm): id 0 =
     * (8, 28) ok, 1 = (8, 7) ok, 2 = (32, 28), 3 = (32, 7). (A node that is not tabulated is
     * refused when the file loads: test_experiment__unsupported_node_is_refused.) */
    xp = load_text("<experiment>\n"
                   "<network ref=\"resnet8\"/>\n"
                   "<accelerator ref=\"edge-systolic\" acc_bits=\"16\">\n"
                   "<sweep param=\"mac_bits\" values=\"8 32\"/>\n"
                   "<sweep param=\"tech_nm\" values=\"28 7\"/>\n"
                   "</accelerator>\n"
                   "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                   "<objective metric=\"latency_ms\" goal=\"min\"/>\n"
                   "</experiment>\n");
    assert_int_equal(sq_space_point(xp, 0, &hw, &cmp, msg, sizeof msg), 0);
    assert_int_equal(sq_space_point(xp, 1, &hw, &cmp, msg, sizeof msg), 0);
    assert_int_equal(sq_space_point(xp, 2, &hw, &cmp, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "acc_bits"));
    assert_int_equal(sq_space_point(xp, 3, &hw, &cmp, msg, sizeof msg), -1);
    sq_experiment_free(xp);
}

/* A technology node must be one of tech.c's tabulated nodes wherever it is given: in a values
 * list, as a from/to/step value, or fixed on <accelerator>. Each is an input error at the
 * element's line naming the allowed nodes, not a silently infeasible point. */
static void test_experiment__unsupported_node_is_refused(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"<accelerator ref=\"edge-systolic\">\n<sweep param=\"tech_nm\" values=\"28 10\"/>\n",
         "mem.xml:4: sweep of 'tech_nm': 10 nm is not supported (one of: 65, 45, 32, 28, 22, 16, "
         "14, 7 nm)"},
        {"<accelerator ref=\"edge-systolic\">\n"
         "<sweep param=\"tech_nm\" from=\"7\" to=\"65\" step=\"7\"/>\n",
         "mem.xml:4: sweep of 'tech_nm': 21 nm is not supported (one of: 65, 45, 32, 28, 22, 16, "
         "14, 7 nm)"},
        {"<accelerator ref=\"edge-systolic\" tech_nm=\"10\">\n<!-- -->\n",
         "mem.xml:3: attribute 'tech_nm': 10 nm is not supported (one of: 65, 45, 32, 28, 22, 16, "
         "14, 7 nm)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "<experiment>\n<network ref=\"resnet8\"/>\n%s</accelerator>\n"
                 "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                 "<objective metric=\"latency_ms\" goal=\"min\"/>\n</experiment>\n",
                 cases[i][0]);
        sq_experiment *xp = NULL;
        sq_error err = {{0}};
        assert_int_equal(sq_experiment_load_buffer(&xp, text, strlen(text), "mem.xml", &err),
                         SQ_EINPUT);
        assert_null(xp);
        if (strcmp(err.msg, cases[i][1]) != 0)
            fail_msg("case %zu: '%s', expected '%s'", i, err.msg, cases[i][1]);
    }
}

/* ------------------------------------------------------------------ the default experiment */

static void test_experiment__default_loads(void **state)
{
    (void)state;
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    size_t len = strlen(sq_default_experiment_xml);
    if (sq_experiment_load_buffer(&xp, sq_default_experiment_xml, len, "(built-in default)",
                                  &err) != SQ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(xp->path, "(built-in default)");
    assert_string_equal(xp->net->name, "resnet18");
    assert_string_equal(xp->hw.name, "edge-systolic");
    assert_close_rel(hw_get(&xp->hw, "sparsity"), hw_choice(&xp->hw, "sparsity", "skip"), 0);
    /* rows 5 · cols 4 · glb_kb 6 (64..2048) · dataflow 3 · precision 2 · prune 10 · wbits 2 ·
     * abits 2 = 28 800 */
    assert_int_equal(xp->n_sweeps, 8);
    assert_int_equal(xp->space_size, 28800);
    assert_int_equal(xp->n_constraints, 1);
    assert_int_equal(xp->constraints[0].metric, SQ_AREA_MM2);
    static const int goals[][2] = {
        {SQ_ENERGY_UJ, 0}, {SQ_LATENCY_MS, 0}, {SQ_AREA_MM2, 0}, {SQ_ACCURACY, 1}};
    assert_int_equal(xp->n_objectives, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(xp->objectives[i].metric, goals[i][0]);
        assert_int_equal(xp->objectives[i].maximize, goals[i][1]);
    }
    char hex[65];
    sq_sha256_hex(sq_default_experiment_xml, len, hex);
    assert_string_equal(xp->sha256, hex);
    /* Every point is a valid design (the sweep values are all compatible). */
    for (uint64_t id = 0; id < xp->space_size; id++) {
        hw_config hw;
        sw_compression cmp;
        char msg[256];
        if (sq_space_point(xp, id, &hw, &cmp, msg, sizeof msg) != 0)
            fail_msg("point %llu: %s", (unsigned long long)id, msg);
    }
    sq_experiment_free(xp);
}

/* ------------------------------------------------------------------ SHA-256 */

static void test_experiment__sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    /* FIPS 180-4 examples (NIST SHA256.pdf, SHA2_Additional.pdf). */
    sq_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sq_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sq_sha256_hex(msg448, strlen(msg448), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    sq_sha256_hex(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);

    /* Padding edges: 55 bytes (length fits the block), 56 (it does not), 63, 64, 65, 119, 120;
     * digests of 'x' repeated, from coreutils sha256sum. */
    static const struct {
        size_t n;
        const char *hex;
    } edges[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
    };
    char xs[128];
    memset(xs, 'x', sizeof xs);
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        sq_sha256_hex(xs, edges[i].n, hex);
        assert_string_equal(hex, edges[i].hex);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_experiment__metric_names),
        cmocka_unit_test(test_experiment__metric_formulas),
        cmocka_unit_test(test_experiment__load_good_file),
        cmocka_unit_test(test_experiment__load_errors),
        cmocka_unit_test(test_experiment__sweeps_in_file_order),
        cmocka_unit_test(test_experiment__fewer_than_two_objectives),
        cmocka_unit_test(test_experiment__space_over_2_pow_53),
        cmocka_unit_test(test_experiment__decode_round_trips_small_space),
        cmocka_unit_test(test_experiment__decode_round_trips_huge_space),
        cmocka_unit_test(test_experiment__point_applies_the_values),
        cmocka_unit_test(test_experiment__point_invalid_combination),
        cmocka_unit_test(test_experiment__unsupported_node_is_refused),
        cmocka_unit_test(test_experiment__default_loads),
        cmocka_unit_test(test_experiment__sha256_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
