/*
 * templates.c — the template registry and the generic life cycle of a design (hw_config):
 * init with defaults → user overrides through the parameter tables → prepare (validate and
 * scale the technology to the node) → evaluate.
 *
 * Validation here is table-driven and the same for every template: each parameter within its
 * closed range (integers integral, enum indices within the choices), every technology constant
 * within its range, then the template's own cross-parameter check. Every template has an integer
 * parameter named "tech_nm" (the node, one of hw_tech_node_ok's); prepare finds it by name and
 * computes cfg->tech = hw_tech_scaled(&cfg->tech45, tech_nm).
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hw.h"

#define HW_TECH_NM_PARAM "tech_nm"

#define HW_TEMPLATE(name) &hw_##name##_template,
const hw_template *const hw_templates[] = {
#include "templates.def"
    NULL};
#undef HW_TEMPLATE

const hw_template *hw_template_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; hw_templates[i] != NULL; i++) {
        if (strcmp(hw_templates[i]->name, name) == 0)
            return hw_templates[i];
    }
    return NULL;
}

const pt_param *hw_tech_param_find(const hw_template *tpl, const char *name)
{
    const pt_param *p = pt_find(hw_tech_params, hw_tech_n_params, name);
    if (p == NULL && tpl != NULL && tpl->tech_params != NULL)
        p = pt_find(tpl->tech_params, tpl->n_tech_params, name);
    return p;
}

int hw_component_find(const hw_template *tpl, const char *name)
{
    assert(tpl != NULL && name != NULL);
    for (size_t i = 0; i < tpl->n_components; i++) {
        if (strcmp(tpl->components[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

int hw_template_check(const hw_template *tpl, char *msg, size_t msg_len)
{
    static const char *const common[] = HW_COMPONENTS_COMMON;
    if (tpl->prep_layer == NULL || tpl->finish_layer == NULL || tpl->area_mm2 == NULL ||
        tpl->peak_tops == NULL || tpl->freq_mhz == NULL || tpl->count_bounds == NULL) {
        snprintf(msg, msg_len,
                 "template %s: prep_layer, finish_layer, area_mm2, peak_tops, freq_mhz and "
                 "count_bounds are required",
                 tpl->name);
        return -1;
    }
    if (tpl->params_size > HW_PARAMS_MAX_BYTES) {
        snprintf(msg, msg_len, "template %s: parameter struct of %zu bytes exceeds %d", tpl->name,
                 tpl->params_size, HW_PARAMS_MAX_BYTES);
        return -1;
    }
    if (tpl->n_components > HW_COMP_MAX) {
        snprintf(msg, msg_len, "template %s: %zu components exceed HW_COMP_MAX = %d", tpl->name,
                 tpl->n_components, HW_COMP_MAX);
        return -1;
    }
    for (size_t i = 0; i < tpl->n_components; i++) {
        if (hw_component_find(tpl, tpl->components[i].name) != (int)i) {
            snprintf(msg, msg_len, "template %s: component %s declared twice", tpl->name,
                     tpl->components[i].name);
            return -1;
        }
    }
    for (size_t i = 0; i < HW_N_COMPONENTS_COMMON; i++) {
        if (hw_component_find(tpl, common[i]) < 0) {
            snprintf(msg, msg_len, "template %s lacks the common component %s", tpl->name,
                     common[i]);
            return -1;
        }
    }
    for (size_t i = 0; i < tpl->n_params; i++) {
        if (pt_find(tpl->params, tpl->n_params, tpl->params[i].name) != &tpl->params[i]) {
            snprintf(msg, msg_len, "template %s: parameter %s declared twice", tpl->name,
                     tpl->params[i].name);
            return -1;
        }
        if (pt_find(hw_tech_params, hw_tech_n_params, tpl->params[i].name) != NULL) {
            snprintf(msg, msg_len, "template %s: parameter %s has a technology constant's name",
                     tpl->name, tpl->params[i].name);
            return -1;
        }
    }
    if (tpl->n_tech_params > HW_TECH_EXTRA_MAX) {
        snprintf(msg, msg_len, "template %s: %zu technology constants exceed %d", tpl->name,
                 tpl->n_tech_params, HW_TECH_EXTRA_MAX);
        return -1;
    }
    for (size_t i = 0; i < tpl->n_tech_params; i++) {
        const pt_param *p = &tpl->tech_params[i];
        if (p->type != PT_REAL || p->offset != HW_TECH_EXTRA(i)) {
            snprintf(msg, msg_len,
                     "template %s: technology constant %s must be a real stored at "
                     "HW_TECH_EXTRA(%zu)",
                     tpl->name, p->name, i);
            return -1;
        }
        if (pt_find(hw_tech_params, hw_tech_n_params, p->name) != NULL ||
            pt_find(tpl->params, tpl->n_params, p->name) != NULL ||
            pt_find(tpl->tech_params, i, p->name) != NULL) {
            snprintf(msg, msg_len, "template %s: technology constant %s is declared twice",
                     tpl->name, p->name);
            return -1;
        }
    }
    if (pt_find(tpl->params, tpl->n_params, HW_TECH_NM_PARAM) == NULL) {
        snprintf(msg, msg_len, "template %s has no %s parameter", tpl->name, HW_TECH_NM_PARAM);
        return -1;
    }
    return 0;
}

void hw_cost_sum(hw_layer_cost *out, size_t n)
{
    assert(out != NULL && n <= HW_COMP_MAX);
    double e = 0.0;
    for (size_t i = 0; i < n; i++)
        e += out->comp_pj[i];
    out->energy_pj = e;
}

/* The node of a design, from its template's "tech_nm" parameter; 0 if it has none. */
static double config_tech_nm(const hw_config *cfg)
{
    const pt_param *p = pt_find(cfg->tpl->params, cfg->tpl->n_params, HW_TECH_NM_PARAM);
    return p != NULL ? pt_get(p, cfg->params) : 0.0;
}

void hw_config_init(hw_config *cfg, const hw_template *tpl, const char *name)
{
    assert(cfg != NULL && tpl != NULL);
    assert(tpl->params_size <= HW_PARAMS_MAX_BYTES);
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->name, sizeof cfg->name, "%s", name != NULL ? name : tpl->name);
    cfg->tpl = tpl;
    for (size_t i = 0; i < tpl->n_params; i++)
        pt_set(&tpl->params[i], cfg->params, tpl->params[i].def);
    cfg->tech45 = hw_tech_default();
    for (size_t i = 0; i < tpl->n_tech_params; i++)
        pt_set(&tpl->tech_params[i], &cfg->tech45, tpl->tech_params[i].def);
    double tech_nm = config_tech_nm(cfg);
    cfg->tech = hw_tech_node_ok(tech_nm) ? hw_tech_scaled_with(&cfg->tech45, tech_nm,
                                                               tpl->tech_params, tpl->n_tech_params)
                                         : cfg->tech45;
}

int hw_config_prepare(hw_config *cfg, char *msg, size_t msg_len)
{
    assert(cfg != NULL && cfg->tpl != NULL && msg != NULL);
    const hw_template *tpl = cfg->tpl;

    for (size_t i = 0; i < tpl->n_params; i++) {
        const pt_param *p = &tpl->params[i];
        if (pt_check(p, pt_get(p, cfg->params), msg, msg_len) != 0)
            return -1;
    }
    for (size_t i = 0; i < hw_tech_n_params; i++) {
        const pt_param *p = &hw_tech_params[i];
        if (pt_check(p, pt_get(p, &cfg->tech45), msg, msg_len) != 0)
            return -1;
    }
    for (size_t i = 0; i < tpl->n_tech_params; i++) {
        const pt_param *p = &tpl->tech_params[i];
        if (pt_check(p, pt_get(p, &cfg->tech45), msg, msg_len) != 0)
            return -1;
    }

    const pt_param *node = pt_find(tpl->params, tpl->n_params, HW_TECH_NM_PARAM);
    if (node == NULL) {
        snprintf(msg, msg_len, "template %s has no %s parameter", tpl->name, HW_TECH_NM_PARAM);
        return -1;
    }
    double tech_nm = pt_get(node, cfg->params);
    if (!hw_tech_node_ok(tech_nm)) {
        snprintf(msg, msg_len, "%s = %g is not a supported node (65 45 32 28 22 16 14 7)",
                 HW_TECH_NM_PARAM, tech_nm);
        return -1;
    }
    cfg->tech = hw_tech_scaled_with(&cfg->tech45, tech_nm, tpl->tech_params, tpl->n_tech_params);

    if (tpl->check != NULL && tpl->check(cfg, msg, msg_len) != 0)
        return -1;
    memset(cfg->derived, 0, sizeof cfg->derived);
    if (tpl->derive != NULL)
        tpl->derive(cfg);
    return 0;
}

int hw_eval_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                  hw_layer_cost *out)
{
    static const hw_layer_ctx in_dram = {0, 0};
    return hw_eval_layer_ctx(cfg, layer, cmp, &in_dram, out);
}

int hw_prep_layer(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                  hw_layer_prep *out)
{
    assert(cfg != NULL && cfg->tpl != NULL && cfg->tpl->prep_layer != NULL && out != NULL);
    memset(&out->space, 0, sizeof out->space);
    memset(&out->cost, 0, sizeof out->cost);
    if (cfg->tpl->prep_layer(cfg, layer, cmp, out) == 0)
        return 0;
    memset(&out->space, 0, sizeof out->space);
    memset(&out->cost, 0, sizeof out->cost);
    return -1;
}

void hw_finish_layer(const hw_config *cfg, const hw_layer_prep *prep, const hw_layer_ctx *ctx,
                     hw_layer_cost *out)
{
    assert(cfg != NULL && cfg->tpl != NULL && cfg->tpl->finish_layer != NULL && prep != NULL &&
           ctx != NULL && out != NULL);
    cfg->tpl->finish_layer(cfg, prep, ctx, out);
}

int hw_eval_layer_ctx(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                      const hw_layer_ctx *ctx, hw_layer_cost *out)
{
    hw_layer_prep prep;
    if (hw_prep_layer(cfg, layer, cmp, &prep) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    hw_finish_layer(cfg, &prep, ctx, out);
    return 0;
}

void hw_act_space_of(const hw_config *cfg, const net_layer *layer, const sw_compression *cmp,
                     hw_act_space *out)
{
    hw_layer_prep prep;
    (void)hw_prep_layer(cfg, layer, cmp, &prep); /* all zero when the layer cannot run */
    *out = prep.space;
}

/* Activation residency, the rule in hw.h. A layer takes part only if its input and its output
 * both fit the room its plan leaves (whether or not either ends up resident), so that a resident
 * tensor never takes buffer the layer's own tiles need: its DRAM traffic can only fall. */
static int hw_act_fits(const hw_act_space *a)
{
    return a->free_bytes > 0 && a->in_bytes <= a->free_bytes &&
           a->out_bytes <= a->free_bytes - a->in_bytes;
}

void hw_residency_plan(size_t n_layers, const size_t *of, const hw_act_space *space,
                       hw_layer_ctx *ctx)
{
    assert(n_layers == 0 || (space != NULL && ctx != NULL));
    for (size_t i = 0; i < n_layers; i++)
        ctx[i].in_on_chip = ctx[i].out_on_chip = 0;
    /* A layer the template does not cost (all zero: pooling, an element-wise add) is
     * transparent: the tensor passes from the costed layer before it to the one after. */
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i < n_layers; i++) {
        const hw_act_space *a = &space[of ? of[i] : i];
        if (a->in_bytes == 0 && a->out_bytes == 0 && a->free_bytes == 0)
            continue;
        if (prev != SIZE_MAX && hw_act_fits(&space[of ? of[prev] : prev]) && hw_act_fits(a))
            ctx[prev].out_on_chip = ctx[i].in_on_chip = 1;
        prev = i;
    }
}

double hw_area_mm2(const hw_config *cfg)
{
    assert(cfg != NULL && cfg->tpl != NULL && cfg->tpl->area_mm2 != NULL);
    return cfg->tpl->area_mm2(cfg);
}

double hw_peak_tops(const hw_config *cfg)
{
    assert(cfg != NULL && cfg->tpl != NULL && cfg->tpl->peak_tops != NULL);
    return cfg->tpl->peak_tops(cfg);
}
