/*
 * test_load.c — search/load*.c: network, accelerator and experiment files, --set, and every kind
 * of bad input giving SQ_EINPUT with a message that starts with the right "FILE:LINE: ".
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_search.h"

#include "dse.h"

#define DATA SQUASH_SOURCE_DIR "/tests/data"

/* Asserts that err->msg starts with prefix and contains fragment. */
static void assert_msg(const sq_error *err, const char *prefix, const char *fragment)
{
    if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", err->msg, prefix);
    if (fragment != NULL && strstr(err->msg, fragment) == NULL)
        fail_msg("message '%s' lacks '%s'", err->msg, fragment);
}

/* Loads text as a network named mem.xml, expecting SQ_EINPUT at line with fragment. */
static void expect_bad_net(const char *text, int line, const char *fragment)
{
    net_network *net = (net_network *)1;
    sq_error err = {{0}};
    char prefix[64];
    snprintf(prefix, sizeof prefix, "mem.xml:%d: ", line);
    int rc = sq_net_load_buffer(&net, text, strlen(text), "mem.xml", &err);
    if (rc != SQ_EINPUT)
        fail_msg("rc %d for:\n%s", rc, text);
    assert_null(net);
    assert_msg(&err, prefix, fragment);
}

static void expect_bad_hw(const char *text, int line, const char *fragment)
{
    hw_config hw;
    sq_error err = {{0}};
    char prefix[64];
    snprintf(prefix, sizeof prefix, "mem.xml:%d: ", line);
    int rc = sq_hw_load_buffer(&hw, text, strlen(text), "mem.xml", &err);
    if (rc != SQ_EINPUT)
        fail_msg("rc %d for:\n%s", rc, text);
    assert_msg(&err, prefix, fragment);
}

/* ------------------------------------------------------------------ networks */

static void test_load__network_file_fills_defaults_and_shapes(void **state)
{
    (void)state;
    net_network *net = NULL;
    sq_error err = {{0}};
    int rc = sq_net_load(&net, DATA "/good/tiny_net.xml", &err);
    if (rc != SQ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(net->name, "tiny");
    assert_string_equal(net->source, "hand-made");
    assert_close_rel(net->top1, 55.5, 0);
    assert_int_equal(net->batch, 2);
    assert_int_equal(net->n_layers, 4);

    /* c1: 3→8, 32x32, kernel 3, defaults stride 1 pad 0 groups 1:
     * P = Q = (32 + 0 - 3) / 1 + 1 = 30. */
    const net_layer *c1 = &net->layers[0];
    assert_string_equal(c1->name, "c1");
    assert_int_equal(c1->kind, NET_CONV);
    assert_int_equal(c1->n, 2); /* the network's batch */
    assert_int_equal(c1->c, 3);
    assert_int_equal(c1->k, 8);
    assert_int_equal(c1->r, 3);
    assert_int_equal(c1->s, 3);
    assert_int_equal(c1->stride, 1);
    assert_int_equal(c1->pad, 0);
    assert_int_equal(c1->groups, 1);
    assert_int_equal(c1->count, 1);
    assert_int_equal(c1->b_is_weight, 1);
    assert_close_rel(c1->density, 1.0, 0);
    assert_close_rel(c1->meta_bits, 0.0, 0);
    assert_int_equal(c1->p, 30);
    assert_int_equal(c1->q, 30);

    /* c2: 30x30, kh 3 kw 1, stride 2, pad 1, depthwise (groups 8):
     * P = (30 + 2 - 3) / 2 + 1 = 29 / 2 + 1 = 15;  Q = (30 + 2 - 1) / 2 + 1 = 31 / 2 + 1 = 16. */
    const net_layer *c2 = &net->layers[1];
    assert_int_equal(c2->r, 3);
    assert_int_equal(c2->s, 1);
    assert_int_equal(c2->stride, 2);
    assert_int_equal(c2->pad, 1);
    assert_int_equal(c2->groups, 8);
    assert_int_equal(c2->p, 15);
    assert_int_equal(c2->q, 16);

    /* fc 128→10: N = batch, C = 128, K = 10, H = W = R = S = P = Q = 1. */
    const net_layer *fc = &net->layers[2];
    assert_int_equal(fc->kind, NET_FC);
    assert_int_equal(fc->n, 2);
    assert_int_equal(fc->c, 128);
    assert_int_equal(fc->k, 10);
    assert_int_equal(fc->h, 1);
    assert_int_equal(fc->w, 1);
    assert_int_equal(fc->r, 1);
    assert_int_equal(fc->s, 1);
    assert_int_equal(fc->p, 1);
    assert_int_equal(fc->q, 1);

    /* matmul m 16 n 16 k 8 ×4, B activations: P = H = 16, Q = W = 1, C = 8, K = 16. */
    const net_layer *qk = &net->layers[3];
    assert_int_equal(qk->kind, NET_MATMUL);
    assert_int_equal(qk->h, 16);
    assert_int_equal(qk->w, 1);
    assert_int_equal(qk->p, 16);
    assert_int_equal(qk->q, 1);
    assert_int_equal(qk->c, 8);
    assert_int_equal(qk->k, 16);
    assert_int_equal(qk->r, 1);
    assert_int_equal(qk->s, 1);
    assert_int_equal(qk->count, 4);
    assert_int_equal(qk->b_is_weight, 0);
    net_network_free(net);
}

static void test_load__network_minimal_defaults(void **state)
{
    (void)state;
    static const char text[] = "<network name=\"m\">\n"
                               "  <!-- comments and blank text are fine -->\n"
                               "  <matmul name=\"mm\" m=\"4\" n=\"5\" k=\"6\"/>\n"
                               "</network>\n";
    net_network *net = NULL;
    sq_error err = {{0}};
    assert_int_equal(sq_net_load_buffer(&net, text, strlen(text), "mem.xml", &err), SQ_OK);
    assert_int_equal(net->batch, 1);
    assert_close_rel(net->top1, 0.0, 0); /* unknown */
    assert_int_equal(net->n_layers, 1);
    assert_int_equal(net->layers[0].n, 1);
    assert_int_equal(net->layers[0].count, 1);
    assert_int_equal(net->layers[0].b_is_weight, 1); /* b="weights" by default */
    net_network_free(net);
}

static void test_load__zoo_names_and_unknown_name(void **state)
{
    (void)state;
    net_network *net = NULL;
    sq_error err = {{0}};
    assert_true(sq_zoo_n > 0);
    assert_int_equal(sq_net_load(&net, sq_zoo[0].name, &err), SQ_OK);
    assert_true(net->n_layers > 0);
    net_network_free(net);

    net = NULL;
    assert_int_equal(sq_net_load(&net, "no-such-net", &err), SQ_EINPUT);
    assert_null(net);
    assert_string_equal(err.msg, "squash: unknown network 'no-such-net' (not a zoo name or a "
                                 "readable file; see squash list nets)");
}

static void test_load__network_errors_point_at_the_line(void **state)
{
    (void)state;
    expect_bad_net("<network name=\"x\">\n<conv name=\"a\" in=\"3\" out=\"8\" h=\"8\" w=\"8\" "
                   "kernel=\"3\">\n</network>\n",
                   3, "malformed XML: Opening and ending tag mismatch");
    expect_bad_net("", 1, "malformed XML");
    expect_bad_net("<net name=\"x\"/>", 1, "expected <network> as the root element, found <net>");
    expect_bad_net("<network name=\"x\">\n\n<pool name=\"p\"/>\n</network>", 3,
                   "unknown element <pool>");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1\" out=\"2\" bias=\"1\"/>\n"
                   "</network>",
                   2, "unknown attribute 'bias' on <fc> (allowed: name, in, out)");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1\"/>\n</network>", 2,
                   "missing required attribute 'out' on <fc>");
    expect_bad_net("<network name=\"x\">\n<fc in=\"1\" out=\"2\"/>\n</network>", 2,
                   "missing required attribute 'name'");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"one\" out=\"2\"/>\n</network>", 2,
                   "attribute 'in': 'one' is not a number");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1.5\" out=\"2\"/>\n</network>", 2,
                   "attribute 'in': '1.5' is not an integer");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"-1\" out=\"2\"/>\n</network>", 2,
                   "attribute 'in': -1 is out of range");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"0\" out=\"2\"/>\n</network>", 2,
                   "attribute 'in': 0 is out of range");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"16777217\" out=\"2\"/>\n</network>",
                   2, "out of range 1..16777216");
    expect_bad_net("<network name=\"x\" top1=\"100.5\">\n<fc name=\"f\" in=\"1\" out=\"2\"/>\n"
                   "</network>",
                   1, "attribute 'top1'");
    expect_bad_net("<network name=\"x\" batch=\"0\">\n<fc name=\"f\" in=\"1\" out=\"2\"/>\n"
                   "</network>",
                   1, "attribute 'batch'");
    /* 5x5 padded by 0 is 5x5: a 7x7 kernel does not fit (net_layer_finish). */
    expect_bad_net("<network name=\"x\">\n<conv name=\"c\" in=\"3\" out=\"8\" h=\"5\" w=\"5\" "
                   "kernel=\"7\"/>\n</network>",
                   2, "layer 'c': kernel 7x7 is larger than the padded input 5x5");
    expect_bad_net("<network name=\"x\">\n<conv name=\"c\" in=\"3\" out=\"8\" h=\"5\" w=\"5\" "
                   "kernel=\"3\" kw=\"3\"/>\n</network>",
                   2, "either 'kernel' or 'kh' and 'kw'");
    expect_bad_net("<network name=\"x\">\n<conv name=\"c\" in=\"3\" out=\"8\" h=\"5\" w=\"5\" "
                   "kh=\"3\"/>\n</network>",
                   2, "missing required attribute 'kw'");
    expect_bad_net("<network name=\"x\">\n<conv name=\"c\" in=\"3\" out=\"8\" h=\"5\" w=\"5\"/>\n"
                   "</network>",
                   2, "missing required attribute 'kernel'");
    expect_bad_net("<network name=\"x\">\n<matmul name=\"m\" m=\"2\" n=\"2\" k=\"2\" b=\"both\"/>"
                   "\n</network>",
                   2, "attribute 'b': unknown value 'both' (choose one of: activations, weights)");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1\" out=\"2\"/>\n"
                   "<fc name=\"g\" in=\"2\" out=\"2\"/>\n<fc name=\"f\" in=\"2\" out=\"2\"/>\n"
                   "</network>",
                   4, "duplicate layer name 'f' (first at line 2)");
    expect_bad_net("<network name=\"x\">\n  <!-- nothing -->\n</network>", 1, "has no layers");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1\" out=\"2\"/>\n\n  oops\n"
                   "</network>",
                   4, "unexpected text in <network>: 'oops'");
    expect_bad_net("<network name=\"x\">\n<fc name=\"f\" in=\"1\" out=\"2\">text</fc>\n"
                   "</network>",
                   2, "unexpected text in <fc>");
}

static void test_load__doctype_and_entities_are_refused(void **state)
{
    (void)state;
    /* An external entity would read the file; the parser stops at the DOCTYPE (line 2). */
    expect_bad_net("<?xml version=\"1.0\"?>\n<!DOCTYPE network [\n"
                   "<!ENTITY host SYSTEM \"file:///etc/hostname\">\n]>\n"
                   "<network name=\"&host;\">\n<fc name=\"f\" in=\"1\" out=\"2\"/>\n</network>\n",
                   2, "<!DOCTYPE> is not allowed");
    expect_bad_net("<!DOCTYPE network SYSTEM \"/etc/passwd\">\n<network name=\"x\"/>", 1,
                   "<!DOCTYPE> is not allowed");
    /* Without a DTD an entity is simply undefined. */
    expect_bad_net("<network name=\"x\">\n<fc name=\"&foo;\" in=\"1\" out=\"2\"/>\n</network>", 2,
                   "malformed XML");
}

static void test_load__big_line_numbers(void **state)
{
    (void)state;
    /* 70000 blank lines after the root's start tag: the bad element is on line 70001, past the
     * 65535 that libxml2 records without XML_PARSE_BIG_LINES. */
    const char head[] = "<network name=\"x\">";
    const char tail[] = "<pool name=\"p\"/>\n</network>\n";
    size_t len = strlen(head) + 70000 + strlen(tail);
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), '\n', 70000);
    memcpy(text + strlen(head) + 70000, tail, strlen(tail) + 1);
    expect_bad_net(text, 70001, "unknown element <pool>");
    free(text);
}

static void test_load__file_too_large(void **state)
{
    (void)state;
    size_t len = ((size_t)64 << 20) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, ' ', len);
    net_network *net = NULL;
    sq_error err = {{0}};
    assert_int_equal(sq_net_load_buffer(&net, text, len, "huge.xml", &err), SQ_EINPUT);
    assert_msg(&err, "huge.xml: ", "larger than 64 MiB");
    free(text);
}

/* ------------------------------------------------------------------ accelerators */

static void test_load__accelerator_file(void **state)
{
    (void)state;
    hw_config hw;
    sq_error err = {{0}};
    int rc = sq_hw_load(&hw, DATA "/good/accel.xml", &err);
    if (rc != SQ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(hw.name, "small-systolic");
    assert_ptr_equal(hw.tpl, &hw_systolic_template);
    assert_close_rel(hw_get(&hw, "rows"), 16, 0);
    assert_close_rel(hw_get(&hw, "cols"), 8, 0);
    assert_close_rel(hw_get(&hw, "dataflow"), 1, 0); /* os */
    assert_close_rel(hw_get(&hw, "glb_kb"), 256, 0);
    assert_close_rel(hw.tech45.sram_exp, 0.5, 0); /* <tech sram_exp="0.5"/> */
    /* At 45 nm the scaled constants are the 45 nm ones. */
    assert_close_rel(hw.tech.sram_exp, 0.5, 1e-12);
    /* Not given: the template's default. */
    const pt_param *mb = pt_find(hw.tpl->params, hw.tpl->n_params, "mac_bits");
    assert_non_null(mb);
    assert_close_rel(hw_get(&hw, "mac_bits"), mb->def, 0);
}

static void test_load__preset_override(void **state)
{
    (void)state;
    hw_config base, hw;
    sq_error err = {{0}};
    assert_int_equal(sq_hw_load(&base, "edge-systolic", &err), SQ_OK);
    int rc = sq_hw_load(&hw, DATA "/good/accel_preset.xml", &err);
    if (rc != SQ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(hw.name, "edge-64");
    assert_close_rel(hw_get(&hw, "rows"), 64, 0);                    /* overridden */
    assert_close_rel(hw_get(&hw, "cols"), hw_get(&base, "cols"), 0); /* from the preset */
    assert_close_rel(hw_get(&hw, "glb_kb"), hw_get(&base, "glb_kb"), 0);

    assert_int_equal(sq_hw_load(&hw, "no-such-preset", &err), SQ_EINPUT);
    assert_string_equal(err.msg, "squash: unknown accelerator 'no-such-preset' (not a preset "
                                 "name or a readable file; see squash list presets)");
}

static void test_load__accelerator_errors_point_at_the_line(void **state)
{
    (void)state;
    expect_bad_hw("<accelerator name=\"a\"\n template=\"eyeriss\"/>", 2,
                  "unknown template 'eyeriss' (known: systolic, imc)");
    expect_bad_hw(
        "<accelerator name=\"a\" template=\"systolic\" row=\"4\"/>", 1,
        "unknown attribute 'row' on <accelerator> (allowed: name, template, preset, rows");
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\" rows=\"x\"/>", 1,
                  "attribute 'rows': 'x' is not a number");
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\" dataflow=\"rs\"/>", 1,
                  "attribute 'dataflow': unknown value 'rs' (choose one of: ws, os, is)");
    expect_bad_hw("<accelerator name=\"a\" preset=\"nope\"/>", 1, "unknown preset 'nope'");
    expect_bad_hw("<accelerator name=\"a\"/>", 1, "missing required attribute 'template'");
    expect_bad_hw("<accelerator template=\"systolic\"/>", 1, "missing required attribute 'name'");
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\">\n\n<tech warp=\"9\"/>\n"
                  "</accelerator>",
                  3, "unknown attribute 'warp' on <tech>");
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\">\n<tech sram_exp=\"-1\"/>\n"
                  "</accelerator>",
                  2, "attribute 'sram_exp'");
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\">\n<glb/>\n</accelerator>", 2,
                  "unknown element <glb> in <accelerator>");
    /* hw_config_prepare's refusal is reported at the root element. */
    expect_bad_hw("<accelerator name=\"a\" template=\"systolic\"\n tech_nm=\"10\"/>", 2, "tech_nm");
    expect_bad_hw("<network name=\"a\"/>", 1, "expected <accelerator>");
}

/* ------------------------------------------------------------------ --set */

static void test_load__set_template_compression_and_tech(void **state)
{
    (void)state;
    hw_config hw;
    sw_compression cmp = net_compression_default();
    sq_error err = {{0}};
    assert_int_equal(sq_hw_load(&hw, "edge-systolic", &err), SQ_OK);
    double scale = hw.tech.sram_ref_pj / hw.tech45.sram_ref_pj; /* node scaling factor */

    assert_int_equal(sq_set_apply(&hw, &cmp, "rows=64", &err), SQ_OK);
    assert_close_rel(hw_get(&hw, "rows"), 64, 0);
    assert_int_equal(sq_set_apply(&hw, &cmp, "dataflow=is", &err), SQ_OK);
    assert_close_rel(hw_get(&hw, "dataflow"), 2, 0);

    assert_int_equal(sq_set_apply(&hw, &cmp, "prune=0.5", &err), SQ_OK);
    assert_close_rel(cmp.prune, 0.5, 0);
    assert_int_equal(sq_set_apply(&hw, &cmp, "wbits=4", &err), SQ_OK);
    assert_int_equal(cmp.wbits, 4);
    assert_int_equal(sq_set_apply(&hw, &cmp, "prune_kind=channel", &err), SQ_OK);
    assert_int_equal(cmp.prune_kind, NET_PRUNE_CHANNEL);

    /* A technology constant: set at 45 nm, re-scaled to the node by the re-prepare. */
    assert_int_equal(sq_set_apply(&hw, &cmp, "sram_ref_pj=5", &err), SQ_OK);
    assert_close_rel(hw.tech45.sram_ref_pj, 5.0, 0);
    assert_close_rel(hw.tech.sram_ref_pj, 5.0 * scale, 1e-12);

    /* Order does not matter for compression combinations: bf needs 16 bits, set after. */
    cmp = net_compression_default();
    assert_int_equal(sq_set_apply(&hw, &cmp, "numfmt=bf", &err), SQ_OK);
    assert_int_equal(sq_set_apply(&hw, &cmp, "wbits=16", &err), SQ_OK);
    assert_int_equal(sq_set_apply(&hw, &cmp, "abits=16", &err), SQ_OK);
    char msg[256];
    assert_int_equal(net_compression_check(&cmp, msg, sizeof msg), 0);
}

static void test_load__set_errors_leave_the_design_unchanged(void **state)
{
    (void)state;
    hw_config hw, before;
    sw_compression cmp = net_compression_default();
    sq_error err = {{0}};
    assert_int_equal(sq_hw_load(&hw, "edge-systolic", &err), SQ_OK);
    before = hw;
    static const struct {
        const char *set;    /* the --set argument */
        const char *prefix; /* expected message start */
    } cases[] = {
        {"prune=1", "--set prune=1: 1 is out of range"},
        {"wbits=0", "--set wbits=0: 0 bits is out of range 1..32 bits"},
        {"abits=33", "--set abits=33: 33 bits is out of range 1..32 bits"},
        {"rows=abc", "--set rows=abc: 'abc' is not a number"},
        {"rows=", "--set rows=: '' is not a number"},
        {"numfmt=posit", "--set numfmt=posit: unknown value 'posit'"},
        {"tech_nm=10", "--set tech_nm=10: "},
        {"nope=1", "--set nope=1: unknown parameter 'nope'"},
        {"rows", "--set rows: expected NAME=VALUE"},
        {"=4", "--set =4: expected NAME=VALUE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sw_compression c = cmp;
        assert_int_equal(sq_set_apply(&hw, &c, cases[i].set, &err), SQ_EINPUT);
        assert_msg(&err, cases[i].prefix, NULL);
        assert_memory_equal(&c, &cmp, sizeof c);
        assert_memory_equal(&hw, &before, sizeof hw);
    }
}

/* ------------------------------------------------------------------ squash check */

static void test_load__check_good_files(void **state)
{
    (void)state;
    static const char *const files[] = {DATA "/good/tiny_net.xml", DATA "/good/accel.xml",
                                        DATA "/good/accel_preset.xml", DATA "/good/experiment.xml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        sq_error err = {{0}};
        if (sq_check_file(files[i], &err) != SQ_OK)
            fail_msg("%s", err.msg);
    }
    for (size_t i = 0; i < sq_zoo_n; i++) {
        net_network *net = NULL;
        sq_error err = {{0}};
        if (sq_net_load(&net, sq_zoo[i].name, &err) != SQ_OK)
            fail_msg("%s", err.msg);
        net_network_free(net);
    }
}

static void test_load__check_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;     /* in tests/data/bad */
        int line;             /* expected line */
        const char *fragment; /* expected in the message */
    } cases[] = {
        {"net_malformed.xml", 4, "malformed XML"},
        {"net_wrong_root.xml", 2, "unknown root element <model>"},
        {"net_unknown_element.xml", 4, "unknown element <pool>"},
        {"net_unknown_attribute.xml", 4, "unknown attribute 'dilation'"},
        {"net_missing_attribute.xml", 3, "missing required attribute 'out'"},
        {"net_non_numeric.xml", 4, "'eight' is not a number"},
        {"net_negative_size.xml", 4, "-3 is out of range"},
        {"net_zero_size.xml", 3, "0 is out of range"},
        {"net_fractional_size.xml", 3, "not an integer"},
        {"net_kernel_too_large.xml", 4, "larger than the padded input"},
        {"net_kernel_and_kh.xml", 3, "not both"},
        {"net_duplicate_name.xml", 5, "duplicate layer name 'c1'"},
        {"net_empty.xml", 3, "has no layers"},
        {"net_top1_out_of_range.xml", 2, "attribute 'top1'"},
        {"net_stray_text.xml", 4, "unexpected text"},
        {"net_external_entity.xml", 2, "<!DOCTYPE> is not allowed"},
        {"net_entity_expansion.xml", 2, "<!DOCTYPE> is not allowed"},
        {"hw_unknown_template.xml", 3, "unknown template 'eyeriss'"},
        {"hw_unknown_attribute.xml", 3, "unknown attribute 'row'"},
        {"hw_missing_template.xml", 2, "missing required attribute 'template'"},
        {"hw_unknown_preset.xml", 2, "unknown preset 'cloud-tpu-v9'"},
        {"hw_bad_choice.xml", 2, "unknown value 'rs'"},
        {"hw_rows_zero.xml", 2, "attribute 'rows'"},
        {"hw_unknown_tech.xml", 3, "unknown attribute 'flux_capacitor' on <tech>"},
        {"hw_unsupported_node.xml", 4, "tech_nm"},
        {"xp_wbits_0.xml", 5, "attribute 'wbits': 0 bits is out of range"},
        {"xp_abits_33.xml", 6, "sweep of 'abits': 33 bits is out of range"},
        {"xp_prune_1.xml", 5, "attribute 'prune': 1 is out of range"},
        {"xp_bad_sweep.xml", 5, "<sweep> needs"},
        {"xp_sweep_unknown_param.xml", 5, "unknown parameter 'wbits' for <accelerator>"},
        {"xp_unknown_metric.xml", 6, "unknown metric 'happiness'"},
        {"xp_unknown_network.xml", 3, "unknown network 'resnet1800'"},
        {"xp_one_objective.xml", 2, "has 1 <objective> (needs at least 2"},
        {"xp_sweep_unsupported_node.xml", 7,
         "sweep of 'tech_nm': 10 nm is not supported (one of: 65, 45, 32, 28, 22, 16, 14, 7 nm)"},
        {"net_nul_byte.xml", 6, "NUL byte in the file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], prefix[600];
        snprintf(path, sizeof path, DATA "/bad/%s", cases[i].file);
        snprintf(prefix, sizeof prefix, "%s:%d: ", path, cases[i].line);
        sq_error err = {{0}};
        int rc = sq_check_file(path, &err);
        if (rc != SQ_EINPUT)
            fail_msg("%s: rc %d (%s)", cases[i].file, rc, err.msg);
        assert_msg(&err, prefix, cases[i].fragment);
    }
    sq_error err = {{0}};
    assert_int_equal(sq_check_file(DATA "/bad/no-such-file.xml", &err), SQ_EINPUT);
    assert_msg(&err, "squash: cannot read '", "No such file");
}

/* Experiment rules that need no file of their own. */
/* A FIFO (or a directory, a device) given as any input is refused before it is opened in a way
 * that could block: without the check, reading a FIFO with no writer waits forever (the e2e
 * script tests/e2e/hostile.sh runs the same through squash under a timeout). */
static void test_load__non_regular_files_are_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/squash-test-fifo-XXXXXX", fifo[64], xp_path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/pipe.xml", dir);
    snprintf(xp_path, sizeof xp_path, "%s/xp.xml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    sq_error err = {{0}};
    char want[256];
    snprintf(want, sizeof want, "squash: '%s' is a FIFO, not a regular file", fifo);
    assert_int_equal(sq_check_file(fifo, &err), SQ_EINPUT);
    assert_msg(&err, want, NULL);
    net_network *net = NULL;
    assert_int_equal(sq_net_load(&net, fifo, &err), SQ_EINPUT);
    assert_null(net);
    assert_msg(&err, want, NULL);
    hw_config hw;
    assert_int_equal(sq_hw_load(&hw, fifo, &err), SQ_EINPUT);
    assert_msg(&err, want, NULL);
    sq_experiment *xp = NULL;
    assert_int_equal(sq_experiment_load(&xp, fifo, &err), SQ_EINPUT);
    assert_msg(&err, want, NULL);
    assert_int_equal(sq_check_file(dir, &err), SQ_EINPUT);
    assert_msg(&err, "squash: '/tmp/squash-test-fifo-", "is a directory, not a regular file");

    /* Referenced from an experiment: the experiment's line, then the file. */
    FILE *f = fopen(xp_path, "w");
    assert_non_null(f);
    fputs("<experiment>\n<network ref=\"pipe.xml\"/>\n<accelerator ref=\"edge-systolic\"/>\n"
          "<objective metric=\"energy_uj\" goal=\"min\"/>\n"
          "<objective metric=\"latency_ms\" goal=\"min\"/>\n</experiment>\n",
          f);
    fclose(f);
    snprintf(want, sizeof want, "%s:2: <network ref>: '%s' is a FIFO, not a regular file", xp_path,
             fifo);
    assert_int_equal(sq_experiment_load(&xp, xp_path, &err), SQ_EINPUT);
    assert_msg(&err, want, NULL);

    /* The state and points files of merge / --resume. */
    char *text = NULL;
    size_t len = 0;
    int missing = 0;
    assert_int_equal(sq_read_file(&text, &len, fifo, &missing, &err), SQ_EINPUT);
    assert_null(text);
    assert_int_equal(missing, 0);
    assert_non_null(strstr(err.msg, "it is a FIFO, not a regular file"));
    assert_int_equal(sq_read_file(&text, &len, xp_path, &missing, &err), SQ_OK);
    assert_non_null(strstr(text, "<network ref=\"pipe.xml\"/>"));
    free(text);

    unlink(xp_path);
    unlink(fifo);
    rmdir(dir);
}

/* The pre-scan before libxml2: a NUL byte anywhere (libxml2 would stop there and call the rest
 * well formed), and more than 128 attributes on one element (libxml2's duplicate check is
 * quadratic), each at its line; quotes, '>' and '=' inside comments, CDATA, processing
 * instructions and attribute values are not attributes. */
static void test_load__prescan_nul_and_attribute_limit(void **state)
{
    (void)state;
    static const char nul_text[] = "<network name=\"n\">\n<fc name=\"a\" in=\"2\" out=\"2\"/>\n"
                                   "</network>\n\0<fc name=\"b\" in=\"2\" out=\"2\"/>\n";
    net_network *net = NULL;
    sq_error err = {{0}};
    assert_int_equal(sq_net_load_buffer(&net, nul_text, sizeof nul_text - 1, "mem.xml", &err),
                     SQ_EINPUT);
    assert_msg(&err, "mem.xml:4: ", "NUL byte");

    /* 128 attributes pass the pre-scan (and are then unknown to <fc>); 129 do not. */
    for (int n = 128; n <= 129; n++) {
        char text[8192] = "<network name=\"n\">\n<!-- a='1' b=\"2\" > -->\n<?pi x='1'?>\n"
                          "<fc name='a>b=\"c\"'\n";
        for (int i = 1; i <= n - 3; i++) /* and name, in, out */
            snprintf(text + strlen(text), sizeof text - strlen(text), " x%d=\"'\"", i);
        strcat(text, " in=\"2\" out=\"2\"/>\n</network>\n");
        net = NULL;
        assert_int_equal(sq_net_load_buffer(&net, text, strlen(text), "mem.xml", &err), SQ_EINPUT);
        /* libxml2 gives an element the line where its start tag ends; the pre-scan the line
         * where it starts. */
        assert_msg(&err, n == 128 ? "mem.xml:5: " : "mem.xml:4: ",
                   n == 128 ? "unknown attribute 'x1'"
                            : "element <fc> has more than 128 attributes");
    }
}

/* The other side of that check: what a template declares as its worst case (count_bounds) is
 * never exceeded by what its model counts, for zoo layers on designs at the ends of the ranges
 * (the smallest buffer, the slowest DRAM, the fastest clock, 1-bit PEs, the widest operands and
 * partial sums, the largest array) in every dataflow and precision mode. A model change that
 * multiplies a count by more than its bound says must change the bound with it. */
static void test_load__count_bounds_hold(void **state)
{
    (void)state;
    static const char *const nets[] = {"resnet18", "mobilenet_v2", "bert_base"};
    static const char *const dataflows[] = {"dataflow=ws", "dataflow=os", "dataflow=is"};
    static const char *const precisions[] = {"precision=fixed", "precision=bitfusion",
                                             "precision=bitserial"};
    static const char *const corners[][7] = {
        {"glb_kb=1", "dram_gbps=0.01", "freq_mhz=5000", "mac_bits=1", "acc_bits=64", "wbits=32",
         "abits=32"},
        {"rows=4096", "cols=4096", "glb_kb=1", "dram_gbps=0.01", "freq_mhz=5000", "wbits=32",
         "abits=32"},
    };
    size_t checked = 0;
    for (size_t ni = 0; ni < sizeof nets / sizeof nets[0]; ni++) {
        net_network *net = zoo_load(nets[ni]);
        for (size_t c = 0; c < sizeof corners / sizeof corners[0]; c++) {
            for (size_t d = 0; d < 3; d++) {
                for (size_t pr = 0; pr < 3; pr++) {
                    hw_config hw;
                    sw_compression cmp = net_compression_default();
                    sq_error err = {{0}};
                    const char *sets[9];
                    memcpy(sets, corners[c], sizeof corners[c]);
                    sets[7] = dataflows[d];
                    sets[8] = precisions[pr];
                    assert_int_equal(sq_hw_load(&hw, "edge-systolic", &err), SQ_OK);
                    if (sq_set_apply_all(&hw, &cmp, sets, 9, &err) != SQ_OK)
                        continue; /* a combination the template refuses */
                    for (size_t i = 0; i < net->n_layers; i++) {
                        long double b[HW_N_BOUNDS];
                        net_layer l;
                        hw_layer_cost cost;
                        hw.tpl->count_bounds(&net->layers[i], b);
                        net_compress_layer(&net->layers[i], i == 0, i + 1 == net->n_layers, &cmp,
                                           &l);
                        if (hw_eval_layer(&hw, &l, &cmp, &cost) != 0)
                            continue;
                        assert_true((long double)cost.dram_bytes <= b[HW_BOUND_DRAM_BYTES]);
                        assert_true((long double)cost.sram_bytes <= b[HW_BOUND_SRAM_BYTES]);
                        assert_true((long double)cost.compute_cycles <= b[HW_BOUND_COMPUTE_CYCLES]);
                        assert_true((long double)cost.memory_cycles <= b[HW_BOUND_MEMORY_CYCLES]);
                        checked++;
                    }
                }
            }
        }
        net_network_free(net);
    }
    assert_true(checked > 500); /* most combinations are valid designs */
}

/* No count derived from a layer may wrap 64 bits, on any design of the template's ranges
 * (load_net.c and the template's count_bounds, "counts that must not wrap"); each refusal names
 * the layer's line and the count. */
static void test_load__counts_never_wrap(void **state)
{
    (void)state;
    /* 65535 · 2^24 · 2^24 = 2^64 - 2^48 = 1.84e19 input activations (once: 65535 DRAM bytes). */
    expect_bad_net("<network name=\"n\">\n<conv name=\"c\" in=\"65535\" out=\"1\" h=\"16777216\" "
                   "w=\"16777216\" kernel=\"1\" stride=\"16777216\"/>\n</network>\n",
                   2, "layer 'c': its input activations could reach 1.84e+19");
    /* MACs = 65536 · 2^24 · 2^24 = 2^64, 0 in uint64_t: the cap is computed in long double. */
    expect_bad_net("<network name=\"n\" batch=\"65536\">\n<fc name=\"f\" in=\"16777216\" "
                   "out=\"16777216\"/>\n</network>\n",
                   2, "layer 'f': 1.84e+19 MACs is more than squash counts (2^52)");
    /* 1 × 2^24 × 2^24 matmul: 2^48 MACs pass, but its 2^50 weight bytes (32 bits) in tiles of
     * 256 bytes (a 1 KB buffer) each refetch the 2^26 input bytes, and the other way round:
     * 2^42 · 2^26 + 2^18 · 2^50 = 5.9e20 DRAM bytes. */
    expect_bad_net("<network name=\"n\">\n<matmul name=\"m\" m=\"1\" n=\"16777216\" "
                   "k=\"16777216\"/>\n</network>\n",
                   2, "layer 'm': its DRAM bytes could reach 5.9e+20");
    /* Each of six layers within, their sum not: a fold of one output pixel costs up to
     * 2·4096 + 4096 fill and drain cycles and 1025 precision passes, so m=1 n=2^17 k=2^10
     * count=2^10 reaches 1025 · 2^10 · (2^27 + 12288 · 2^27) = 1.73e18 cycles, and six
     * 1.04e19 > 2^63 = 9.22e18; reported at the network's line. */
    char text[1024] = "<network name=\"n\">\n";
    for (int i = 0; i < 6; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "<matmul name=\"m%d\" m=\"1\" n=\"131072\" k=\"1024\" count=\"1024\"/>\n", i);
    strcat(text, "</network>\n");
    expect_bad_net(text, 1,
                   "network 'n': its compute cycles summed over the layers could reach 1.04e+19");
    /* Five of them load (8.7e18), and so does a large real layer: BERT-large's 1024 → 4096
     * feed-forward over 512 tokens, 24 times (5.2e10 MACs). */
    char *cut = strstr(text, "<matmul name=\"m5\"");
    assert_non_null(cut);
    strcpy(cut, "<matmul name=\"ffn\" m=\"512\" n=\"4096\" k=\"1024\" count=\"24\"/>\n"
                "</network>\n");
    net_network *net = NULL;
    sq_error err = {{0}};
    if (sq_net_load_buffer(&net, text, strlen(text), "mem.xml", &err) != SQ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(net->n_layers, 6);
    net_network_free(net);
}

static void test_load__experiment_rules(void **state)
{
    (void)state;
    static const struct {
        const char *body; /* lines after the <network> and <accelerator> lines (line 3 on),
                             before two objectives (energy_uj, latency_ms) */
        int line;         /* expected line */
        const char *fragment;
    } cases[] = {
        {"<accelerator ref=\"edge-systolic\"/>\n", 3, "more than one <accelerator>"},
        {"<compression prune=\"0.5\"><sweep param=\"prune\" values=\"0 0.5\"/></compression>\n", 3,
         "both fixed on <compression> and swept"},
        {"<compression>\n<sweep param=\"wbits\" values=\"4 8\"/>\n"
         "<sweep param=\"wbits\" values=\"2\"/>\n</compression>\n",
         5, "swept twice (first at line 4)"},
        {"<compression><sweep param=\"wbits\" values=\"4 4\"/></compression>\n", 3,
         "appears twice"},
        {"<compression><sweep param=\"numfmt\" from=\"0\" to=\"1\" step=\"1\"/></compression>\n", 3,
         "a choice has no range"},
        {"<compression><sweep param=\"prune\" from=\"0.5\" to=\"0.1\" step=\"0.1\"/>"
         "</compression>\n",
         3, "'from' is greater than 'to'"},
        {"<compression><sweep param=\"prune\" from=\"0\" to=\"0.5\" step=\"0\"/></compression>\n",
         3, "'step' must be greater than 0"},
        {"<compression><sweep param=\"wbits\" from=\"2\" to=\"16\" factor=\"1\"/>"
         "</compression>\n",
         3, "factor > 1"},
        {"<constraint metric=\"area_mm2\"/>\n", 3, "needs 'min', 'max' or both"},
        {"<constraint metric=\"area_mm2\" min=\"5\" max=\"1\"/>\n", 3, "'min' greater than 'max'"},
        {"<objective metric=\"energy_uj\" goal=\"least\"/>\n", 3, "unknown value 'least'"},
        {"<objective metric=\"energy_uj\" goal=\"max\"/>\n", 4, "more than one <objective>"},
        {"<objective metric=\"latency_ms\"/>\n", 3, "missing required attribute 'goal'"},
        {"<budget/>\n", 3, "unknown element <budget>"},
        {"<compression numfmt=\"bf\"/>\n", 3, "bf"}, /* fixed, nothing swept: checked whole */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "<experiment name=\"t\">\n<network ref=\"resnet8\"/><accelerator "
                 "ref=\"edge-systolic\"/>\n%s<objective metric=\"energy_uj\" goal=\"min\"/>\n"
                 "<objective metric=\"latency_ms\" goal=\"min\"/>\n</experiment>\n",
                 cases[i].body);
        char path[] = "/tmp/squash_test_load_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%s:%d: ", path, cases[i].line);
        sq_error err = {{0}};
        int rc = sq_check_file(path, &err);
        remove(path);
        if (rc != SQ_EINPUT)
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
        assert_msg(&err, prefix, cases[i].fragment);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load__network_file_fills_defaults_and_shapes),
        cmocka_unit_test(test_load__network_minimal_defaults),
        cmocka_unit_test(test_load__zoo_names_and_unknown_name),
        cmocka_unit_test(test_load__network_errors_point_at_the_line),
        cmocka_unit_test(test_load__doctype_and_entities_are_refused),
        cmocka_unit_test(test_load__big_line_numbers),
        cmocka_unit_test(test_load__file_too_large),
        cmocka_unit_test(test_load__accelerator_file),
        cmocka_unit_test(test_load__preset_override),
        cmocka_unit_test(test_load__accelerator_errors_point_at_the_line),
        cmocka_unit_test(test_load__set_template_compression_and_tech),
        cmocka_unit_test(test_load__set_errors_leave_the_design_unchanged),
        cmocka_unit_test(test_load__check_good_files),
        cmocka_unit_test(test_load__check_bad_files),
        cmocka_unit_test(test_load__experiment_rules),
        cmocka_unit_test(test_load__non_regular_files_are_refused),
        cmocka_unit_test(test_load__counts_never_wrap),
        cmocka_unit_test(test_load__count_bounds_hold),
        cmocka_unit_test(test_load__prescan_nul_and_attribute_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
