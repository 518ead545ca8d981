/*
 * test_systolic_helpers.h — what the tests of the systolic template share (test_systolic.c,
 * test_systolic_time.c, test_eval.c): its energy components by name, and setting a design's
 * parameters from text and preparing it, failing the test on a bad value. Include after hw.h
 * (or dse.h) and test_helpers.h. Functions are static inline so that a test using only some of
 * them compiles without unused-function warnings.
 */
#ifndef SQUASH_TEST_SYSTOLIC_HELPERS_H
#define SQUASH_TEST_SYSTOLIC_HELPERS_H

/* The systolic template's energy components by name (the CSV's `<name>_pj` columns): an index
 * into hw_layer_cost.comp_pj. Fails the test if the template does not declare the name. */
#define SYS_COMP(name) sys_comp_index(name)
static inline size_t sys_comp_index(const char *name)
{
    int k = hw_component_find(&hw_systolic_template, name);
    if (k < 0)
        fail_msg("systolic has no component %s", name);
    return (size_t)k;
}
#define C_MAC SYS_COMP("mac")
#define C_NOC SYS_COMP("noc")
#define C_SRAM SYS_COMP("sram")
#define C_DRAM SYS_COMP("dram")
#define C_STATIC SYS_COMP("static")
#define C_CLOCK SYS_COMP("clock")

/* Sets a template parameter of cfg from text (as --set would parse it). */
static inline void set_param(hw_config *cfg, const char *name, const char *text)
{
    const pt_param *p = pt_find(cfg->tpl->params, cfg->tpl->n_params, name);
    assert_non_null(p);
    double v = 0.0;
    char msg[256];
    if (pt_parse(p, text, &v, msg, sizeof msg) != 0)
        fail_msg("%s=%s: %s", name, text, msg);
    pt_set(p, cfg->params, v);
}

/* hw_config_prepare, failing the test with its message. */
static inline void prepare(hw_config *cfg)
{
    char msg[256];
    if (hw_config_prepare(cfg, msg, sizeof msg) != 0)
        fail_msg("prepare: %s", msg);
}

#endif
