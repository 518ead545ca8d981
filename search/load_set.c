/*
 * load_set.c — `--set NAME=VALUE` on the command line: one assignment to a template parameter,
 * a compression parameter or a technology constant, parsed and range-checked by the same
 * tables (pt_param) as the attributes of the files, with messages prefixed "--set NAME=VALUE: ".
 */
#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_private.h"

/* One --set; with prepare = 0 a design change is stored without re-preparing the design (the
 * caller prepares once after the last one). */
static int set_one(hw_config *hw, sw_compression *cmp, const char *assignment, int prepare,
                   sq_error *err)
{
    assert(assignment != NULL);
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment)
        return sq_fail(err, SQ_EINPUT, "--set %s: expected NAME=VALUE", assignment);
    char name[64];
    size_t name_len = (size_t)(eq - assignment);
    if (name_len >= sizeof name)
        return sq_fail(err, SQ_EINPUT, "--set %s: unknown parameter '%.*s'", assignment,
                       (int)name_len, assignment);
    memcpy(name, assignment, name_len);
    name[name_len] = '\0';
    const char *value_text = eq + 1;

    hw_config cfg;
    sw_compression c;
    memset(&cfg, 0, sizeof cfg);
    memset(&c, 0, sizeof c);
    if (hw != NULL)
        cfg = *hw;
    if (cmp != NULL)
        c = *cmp;
    const pt_param *p = NULL;
    void *base = NULL;
    int is_cmp = 0;
    if (hw != NULL && (p = pt_find(hw->tpl->params, hw->tpl->n_params, name)) != NULL) {
        base = cfg.params;
    } else if (cmp != NULL &&
               (p = pt_find(net_compression_params, net_compression_n_params, name)) != NULL) {
        base = &c;
        is_cmp = 1;
    } else if (hw != NULL && (p = hw_tech_param_find(hw->tpl, name)) != NULL) {
        base = &cfg.tech45;
    } else {
        char known[768] = "";
        if (hw != NULL) {
            sq_buf_append(known, sizeof known, "template '%s': ", hw->tpl->name);
            sq_buf_append_params(known, sizeof known, hw->tpl->params, hw->tpl->n_params, 1);
            sq_buf_append(known, sizeof known, "; ");
        }
        sq_buf_append(known, sizeof known, "compression: ");
        sq_buf_append_params(known, sizeof known, net_compression_params, net_compression_n_params,
                             1);
        if (hw != NULL)
            sq_buf_append(known, sizeof known, "; or a technology constant");
        return sq_fail(err, SQ_EINPUT,
                       "--set %s: unknown parameter '%s' (%s; see squash list templates)",
                       assignment, name, known);
    }

    double v = 0.0;
    char msg[512] = "";
    if (pt_parse(p, value_text, &v, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set %s: %s", assignment, msg);
    pt_set(p, base, v);
    /* A compression setting is range-checked here, per parameter, but not as a whole: the
     * combination rules (numfmt=bf needs 16 bits, nm needs prune 0.5, ...) would otherwise make
     * `--set numfmt=bf --set wbits=16 --set abits=16` fail or pass depending on the order.
     * sq_eval checks the final setting with net_compression_check. A design, by contrast, is
     * re-prepared at once: hw->tech must follow every change. */
    if (is_cmp) {
        *cmp = c;
        return SQ_OK;
    }
    if (prepare && hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set %s: %s", assignment, msg);
    *hw = cfg;
    return SQ_OK;
}

int sq_set_apply(hw_config *hw, sw_compression *cmp, const char *assignment, sq_error *err)
{
    return set_one(hw, cmp, assignment, 1, err);
}

int sq_set_apply_all(hw_config *hw, sw_compression *cmp, const char *const *assignments, size_t n,
                     sq_error *err)
{
    hw_config cfg = *hw;
    sw_compression c = *cmp;
    char msg[512];
    int rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = set_one(&cfg, &c, assignments[i], 0, err)) != SQ_OK)
            return rc;
    }
    if (hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set: the design with these settings is invalid: %s", msg);
    *hw = cfg;
    *cmp = c;
    return SQ_OK;
}
