/*
 * load_xp.c — experiment files (CONTRACT.md, "Experiment XML") into an sq_experiment: the
 * network, the fixed design and compression, the sweeps' value lists, the constraints and
 * objectives, the size of the design space, and the SHA-256 of every input file's bytes.
 *
 * <experiment name>
 *   <network ref/>                   exactly one: zoo name, or path relative to this file
 *   <accelerator ref ...params...>   exactly one: preset, or path; attributes fix template
 *     <sweep param values | from to step | from to factor/>          parameters
 *   </accelerator>
 *   <compression ...params...>       at most one; attributes fix compression parameters
 *     <sweep .../>
 *   </compression>
 *   <constraint metric min max/>     any number; at least one of min, max
 *   <objective metric goal="min|max"/>  at least two; a metric at most once
 * </experiment>
 *
 * Metric names are sq_metrics' (metric.c). The design space is the product of the sweeps'
 * value counts, computed in uint64_t and capped at 2^53 so that every point id is also exact
 * in a double (space.c).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_private.h"
#include "metric.h"

#define XP_SWEEP_VALUES_MAX 1000000      /* values in one sweep */
#define XP_SPACE_MAX ((uint64_t)1 << 53) /* points: ids stay exact in a double */
#define XP_OBJECTIVES_MIN 2              /* a front needs two objectives to be one */

/* Frees what xp owns and zeroes it (xp itself is the caller's). */
static void xp_clear(sq_experiment *xp)
{
    for (size_t i = 0; i < xp->n_sweeps; i++)
        free(xp->sweeps[i].values);
    free(xp->sweeps);
    free(xp->constraints);
    free(xp->objectives);
    net_network_free(xp->net);
    memset(xp, 0, sizeof *xp);
}

/* Index of a known metric from the element's 'metric' attribute. */
static int xp_metric(int *out, const xmlNode *n, const char *path, sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = sq_attr_get(n, "metric", text, sizeof text, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return sq_fail_at(err, path, n, "missing required attribute 'metric' on <%s>",
                          sq_node_name(n));
    *out = sq_metric_find(text);
    if (*out >= 0)
        return 0;
    char known[256] = "";
    for (size_t i = 0; i < SQ_N_METRICS; i++)
        sq_buf_append(known, sizeof known, "%s%s", i ? ", " : "", sq_metrics[i].name);
    return sq_fail_at(err, path, n, "unknown metric '%s' (known: %s)", text, known);
}

/* Appends v to a growing value list (sweep construction). */
static int xp_push(sq_sweep *s, size_t *cap, double v, int monotone, const xmlNode *n,
                   const char *path, sq_error *err)
{
    if (s->n_values >= XP_SWEEP_VALUES_MAX)
        return sq_fail_at(err, path, n, "sweep of '%s' has more than %d values", s->param->name,
                          XP_SWEEP_VALUES_MAX);
    if (s->n_values == *cap) {
        size_t new_cap = *cap ? 2 * *cap : 16;
        double *grown = realloc(s->values, new_cap * sizeof *grown);
        if (grown == NULL)
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        s->values = grown;
        *cap = new_cap;
    }
    if (v == 0.0)
        v = 0.0; /* "-0" would print as a distinct value */
    /* A from/to sweep's values are in the range, but maybe not in the parameter's set. */
    char list[256];
    if (s->param->in_set != NULL && !s->param->in_set(v, list, sizeof list)) {
        char text[40];
        pt_format(s->param, v, text, sizeof text);
        return sq_fail_at(err, path, n, "sweep of '%s': %s %s is not supported (one of: %s %s)",
                          s->param->name, text, s->param->unit, list, s->param->unit);
    }
    /* from/to/step and factor sequences are monotone, so a repeat (a step below the resolution
     * of the snapped values) is next to its twin; values= lists are checked by the caller. */
    if (monotone && s->n_values > 0 && s->values[s->n_values - 1] == v)
        return sq_fail_at(err, path, n,
                          "sweep of '%s' gives the value %.17g twice (its step is below the "
                          "parameter's resolution)",
                          s->param->name, v);
    s->values[s->n_values++] = v;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fails if a values= list names a value twice. On a sorted copy, so that a list of a million
 * values (XP_SWEEP_VALUES_MAX) takes milliseconds, not the hours of comparing every pair. The
 * value reported is the smallest repeated one, formatted as the parameter prints. */
static int xp_values_distinct(const sq_sweep *s, const xmlNode *n, const char *path, sq_error *err)
{
    double *sorted = malloc(s->n_values * sizeof *sorted);
    if (sorted == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    memcpy(sorted, s->values, s->n_values * sizeof *sorted);
    qsort(sorted, s->n_values, sizeof *sorted, cmp_double);
    int rc = SQ_OK;
    for (size_t i = 1; i < s->n_values && rc == SQ_OK; i++) {
        if (sorted[i] == sorted[i - 1]) {
            char text[64];
            pt_format(s->param, sorted[i], text, sizeof text);
            rc = sq_fail_at(err, path, n, "sweep of '%s': value '%s' appears twice", s->param->name,
                            text);
        }
    }
    free(sorted);
    return rc;
}

/* Rounds to 15 significant digits, so that 0 + 3·0.1 is the 0.3 a user wrote. */
static double xp_snap(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", v);
    return strtod(buf, NULL);
}

/* Builds one <sweep> over table (the parent's parameter table). */
/* table: the group's parameters; tech_tpl: for <accelerator>, the template whose technology
 * constants may be swept too (s->is_hw becomes SQ_SWEEP_TECH), else NULL. */
static int xp_sweep_from_node(sq_sweep *s, const xmlNode *n, const pt_param *table, size_t n_table,
                              const hw_template *tech_tpl, const char *parent, const char *path,
                              sq_error *err)
{
    static const char *const attrs[] = {"param", "values", "from", "to", "step", "factor", NULL};
    int rc;
    size_t cap = 0;
    xmlChar *values = NULL;
    char text[SQ_ATTR_MAX], msg[512];
    s->line = sq_node_line(n);

    if ((rc = sq_check_attrs(n, attrs, NULL, 0, path, err)) != 0 ||
        (rc = sq_check_leaf(n, path, err)) != 0)
        goto out;
    if ((rc = sq_attr_get(n, "param", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = sq_fail_at(err, path, n, "missing required attribute 'param' on <sweep>");
        goto out;
    }
    s->param = pt_find(table, n_table, text);
    if (s->param == NULL && tech_tpl != NULL &&
        (s->param = hw_tech_param_find(tech_tpl, text)) != NULL)
        s->is_hw = SQ_SWEEP_TECH;
    if (s->param == NULL) {
        char allowed[768] = "";
        sq_buf_append_params(allowed, sizeof allowed, table, n_table, 1);
        if (tech_tpl != NULL)
            sq_buf_append(allowed, sizeof allowed, "; or a technology constant");
        rc = sq_fail_at(err, path, n, "unknown parameter '%s' for <%s> (allowed: %s)", text, parent,
                        allowed);
        goto out;
    }
    const pt_param *p = s->param;

    int has_from = xmlHasNsProp(n, (const xmlChar *)"from", NULL) != NULL;
    int has_to = xmlHasNsProp(n, (const xmlChar *)"to", NULL) != NULL;
    int has_step = xmlHasNsProp(n, (const xmlChar *)"step", NULL) != NULL;
    int has_factor = xmlHasNsProp(n, (const xmlChar *)"factor", NULL) != NULL;
    values = xmlGetNoNsProp(n, (const xmlChar *)"values");

    if (values != NULL && !has_from && !has_to && !has_step && !has_factor) {
        const char *at = (const char *)values;
        while (*at != '\0') {
            while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r')
                at++;
            if (*at == '\0')
                break;
            size_t len = strcspn(at, " \t\n\r");
            if (len >= sizeof text) {
                rc =
                    sq_fail_at(err, path, n, "sweep of '%s': a value is longer than %zu characters",
                               p->name, sizeof text - 1);
                goto out;
            }
            memcpy(text, at, len);
            text[len] = '\0';
            at += len;
            double v = 0.0;
            if (pt_parse(p, text, &v, msg, sizeof msg) != 0) {
                rc = sq_fail_at(err, path, n, "sweep of '%s': %s", p->name, msg);
                goto out;
            }
            if ((rc = xp_push(s, &cap, v, 0, n, path, err)) != 0)
                goto out;
        }
        if (s->n_values == 0)
            rc = sq_fail_at(err, path, n, "sweep of '%s': 'values' is empty", p->name);
        else
            rc = xp_values_distinct(s, n, path, err);
        goto out;
    }
    if (values != NULL || !has_from || !has_to || has_step == has_factor) {
        rc = sq_fail_at(
            err, path, n,
            "<sweep> needs values=\"...\", or from, to and step, or from, to and factor");
        goto out;
    }
    if (p->type == PT_ENUM) {
        char choices[512] = "";
        for (size_t i = 0; p->choices[i] != NULL; i++)
            sq_buf_append(choices, sizeof choices, "%s%s", i ? " " : "", p->choices[i]);
        rc = sq_fail_at(err, path, n, "sweep of '%s': a choice has no range; use values=\"%s\"",
                        p->name, choices);
        goto out;
    }

    double from = 0.0, to = 0.0, by = 0.0;
    if ((rc = sq_attr_number(n, "from", p->type, p->min, p->max, 1, 0, &from, path, err)) != 0 ||
        (rc = sq_attr_number(n, "to", p->type, p->min, p->max, 1, 0, &to, path, err)) != 0)
        goto out;
    if (from > to) {
        rc = sq_fail_at(err, path, n, "sweep of '%s': 'from' is greater than 'to'", p->name);
        goto out;
    }
    if (has_step) {
        if ((rc = sq_attr_number(n, "step", p->type, -DBL_MAX, DBL_MAX, 1, 0, &by, path, err)) != 0)
            goto out;
        if (by <= 0.0) {
            rc = sq_fail_at(err, path, n, "sweep of '%s': 'step' must be greater than 0", p->name);
            goto out;
        }
        double steps = floor((to - from) / by * (1.0 + 1e-12) + 1e-9);
        if (steps + 1.0 > XP_SWEEP_VALUES_MAX) {
            rc = sq_fail_at(err, path, n, "sweep of '%s' has more than %d values", p->name,
                            XP_SWEEP_VALUES_MAX);
            goto out;
        }
        for (double i = 0.0; i <= steps; i += 1.0) {
            double v = p->type == PT_INT ? from + i * by : xp_snap(from + i * by);
            if ((rc = xp_push(s, &cap, v > to ? to : v, 1, n, path, err)) != 0)
                goto out;
        }
    } else {
        if ((rc = sq_attr_number(n, "factor", p->type, -DBL_MAX, DBL_MAX, 1, 0, &by, path, err)) !=
            0)
            goto out;
        if (by <= 1.0 || from <= 0.0) {
            rc = sq_fail_at(err, path, n,
                            "sweep of '%s': a 'factor' sweep needs factor > 1 and "
                            "from > 0",
                            p->name);
            goto out;
        }
        for (double v = from; v <= to * (1.0 + 1e-12); v *= by) {
            double snapped = p->type == PT_INT ? v : xp_snap(v);
            if ((rc = xp_push(s, &cap, snapped > to ? to : snapped, 1, n, path, err)) != 0)
                goto out;
        }
    }

out:
    if (values != NULL)
        xmlFree(values);
    return rc;
}

/* Reads the fixed attributes and sweeps of <accelerator> or <compression>. */
static int xp_group(sq_experiment *xp, const xmlNode *n, int is_hw, const char *path, sq_error *err)
{
    static const char *const hw_fixed[] = {"ref", NULL};
    const pt_param *table = is_hw ? xp->hw.tpl->params : net_compression_params;
    size_t n_table = is_hw ? xp->hw.tpl->n_params : net_compression_n_params;
    void *base = is_hw ? (void *)xp->hw.params : (void *)&xp->cmp;
    int rc;

    if ((rc = sq_check_attrs(n, is_hw ? hw_fixed : NULL, table, n_table, path, err)) != 0)
        return rc;
    if ((rc = sq_attr_params(n, table, n_table, base, path, err)) != 0)
        return rc;
    int swept = 0;
    const xmlNode *c = NULL;
    while ((rc = sq_next_elem(n, &c, path, err)) > 0) {
        if (!sq_elem_is(c, "sweep"))
            return sq_fail_at(err, path, c, "unknown element <%s> in <%s> (expected sweep)",
                              sq_node_name(c), sq_node_name(n));
        sq_sweep *s = &xp->sweeps[xp->n_sweeps];
        s->is_hw = is_hw;
        rc = xp_sweep_from_node(s, c, table, n_table, is_hw ? xp->hw.tpl : NULL, sq_node_name(n),
                                path, err);
        xp->n_sweeps++; /* counted even on failure so that xp_clear frees its values */
        if (rc != 0)
            return rc;
        if (xmlHasNsProp(n, (const xmlChar *)s->param->name, NULL) != NULL)
            return sq_fail_at(err, path, c, "parameter '%s' is both fixed on <%s> and swept",
                              s->param->name, sq_node_name(n));
        for (size_t i = 0; i + 1 < xp->n_sweeps; i++) {
            if (xp->sweeps[i].param == s->param)
                return sq_fail_at(err, path, c, "parameter '%s' is swept twice (first at line %ld)",
                                  s->param->name, xp->sweeps[i].line);
        }
        swept = 1;
    }
    if (rc < 0)
        return rc;
    /* With nothing swept the fixed design must be valid as a whole; with sweeps, a bad
     * combination is an infeasible point, not an input error. */
    char msg[512] = "";
    if (!swept && is_hw && hw_config_prepare(&xp->hw, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, n, "%s", msg);
    if (!swept && !is_hw && net_compression_check(&xp->cmp, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, n, "%s", msg);
    return 0;
}

/* The folder of path ("." if it has none), for resolving references. */
static void xp_dir(char *dir, size_t len, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* The message of a <network> / <accelerator> reference to a file that is not regular (err holds
 * the reason). */
static int ref_not_regular(sq_error *err, const char *path, const xmlNode *n)
{
    char why[sizeof err->msg] = "";
    if (err != NULL)
        snprintf(why, sizeof why, "%s", err->msg);
    return sq_fail_at(err, path, n, "<%s ref>: %s (squash reads inputs from regular files only)",
                      sq_node_name(n), why);
}

/* Reads the ref attribute of <network> / <accelerator>. */
static int xp_ref(char *ref, size_t len, const xmlNode *n, const char *path, sq_error *err)
{
    int rc = sq_attr_get(n, "ref", ref, len, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0 || ref[0] == '\0')
        return sq_fail_at(err, path, n, "missing required attribute 'ref' on <%s>",
                          sq_node_name(n));
    return 0;
}

static int xp_from_doc(sq_experiment *xp, const xmlDoc *doc, const char *path, sq_error *err)
{
    static const char *const root_attrs[] = {"name", NULL};
    static const char *const network_attrs[] = {"ref", NULL};
    static const char *const constraint_attrs[] = {"metric", "min", "max", NULL};
    static const char *const objective_attrs[] = {"metric", "goal", NULL};
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *net_node = NULL, *hw_node = NULL, *cmp_node = NULL;
    char dir[SQ_PATH_MAX], ref[SQ_ATTR_MAX];
    int rc;
    memset(xp, 0, sizeof *xp);
    xp->cmp = net_compression_default();
    xp_dir(dir, sizeof dir, path);

    if (!sq_elem_is(root, "experiment"))
        return sq_fail_at(err, path, root, "expected <experiment> as the root element, found <%s>",
                          sq_node_name(root));
    if ((rc = sq_check_attrs(root, root_attrs, NULL, 0, path, err)) != 0)
        return rc;
    if ((rc = sq_attr_get(root, "name", ref, sizeof ref, path, err)) < 0)
        return rc;
    if (rc == 1 && strlen(ref) >= sizeof xp->name)
        return sq_fail_at(err, path, root, "attribute 'name' is longer than %zu characters",
                          sizeof xp->name - 1);
    if (rc == 1)
        memcpy(xp->name, ref, strlen(ref) + 1);

    /* First pass: structure, and an upper bound for each list. */
    size_t n_sweeps = 0, n_constraints = 0, n_objectives = 0;
    int cmp_first = 0; /* <compression> comes before <accelerator> */
    const xmlNode *c = NULL;
    while ((rc = sq_next_elem(root, &c, path, err)) > 0) {
        const xmlNode **slot = sq_elem_is(c, "network")       ? &net_node
                               : sq_elem_is(c, "accelerator") ? &hw_node
                               : sq_elem_is(c, "compression") ? &cmp_node
                                                              : NULL;
        if (slot != NULL && *slot != NULL)
            return sq_fail_at(err, path, c, "more than one <%s> (first at line %ld)",
                              sq_node_name(c), sq_node_line(*slot));
        if (slot != NULL) {
            *slot = c;
            cmp_first |= slot == &cmp_node && hw_node == NULL;
            for (const xmlNode *g = c->children; g != NULL; g = g->next)
                n_sweeps += g->type == XML_ELEMENT_NODE;
        } else if (sq_elem_is(c, "constraint")) {
            n_constraints++;
        } else if (sq_elem_is(c, "objective")) {
            n_objectives++;
        } else {
            return sq_fail_at(
                err, path, c,
                "unknown element <%s> in <experiment> (expected network, accelerator, "
                "compression, constraint or objective)",
                sq_node_name(c));
        }
    }
    if (rc < 0)
        return rc;
    if (net_node == NULL)
        return sq_fail_at(err, path, root, "experiment has no <network ref=\"...\"/>");
    if (hw_node == NULL)
        return sq_fail_at(err, path, root, "experiment has no <accelerator ref=\"...\"/>");
    if (n_objectives < XP_OBJECTIVES_MIN)
        return sq_fail_at(err, path, root,
                          "experiment has %zu <objective> (needs at least %d: <objective "
                          "metric=\"...\" goal=\"min|max\"/>)",
                          n_objectives, XP_OBJECTIVES_MIN);
    if (n_sweeps > SQ_SWEEPS_MAX) /* each parameter is swept at most once: never in practice */
        return sq_fail_at(err, path, root, "experiment has more than %d sweeps", SQ_SWEEPS_MAX);
    xp->sweeps = calloc(n_sweeps + 1, sizeof *xp->sweeps);
    xp->constraints = calloc(n_constraints + 1, sizeof *xp->constraints);
    xp->objectives = calloc(n_objectives + 1, sizeof *xp->objectives);
    if (xp->sweeps == NULL || xp->constraints == NULL || xp->objectives == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);

    /* The network. */
    if ((rc = sq_check_attrs(net_node, network_attrs, NULL, 0, path, err)) != 0 ||
        (rc = sq_check_leaf(net_node, path, err)) != 0 ||
        (rc = xp_ref(ref, sizeof ref, net_node, path, err)) != 0)
        return rc;
    rc = sq_net_load_ref(&xp->net, ref, dir, xp, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return ref_not_regular(err, path, net_node);
    if (rc == 1)
        return sq_fail_at(err, path, net_node,
                          "unknown network '%s' (not a zoo name or a readable file relative to %s)",
                          ref, dir);
    if (rc != 0)
        return rc;

    /* The accelerator's design, then the fixed values and sweeps of <accelerator> and
     * <compression> in file order, so that the sweeps (and the id digits) are in file order. */
    if ((rc = xp_ref(ref, sizeof ref, hw_node, path, err)) != 0)
        return rc;
    rc = sq_hw_load_ref(&xp->hw, ref, dir, xp, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return ref_not_regular(err, path, hw_node);
    if (rc == 1)
        return sq_fail_at(err, path, hw_node,
                          "unknown accelerator '%s' (not a preset name or a readable file relative "
                          "to %s)",
                          ref, dir);
    if (rc != 0)
        return rc;
    if (cmp_first && (rc = xp_group(xp, cmp_node, 0, path, err)) != 0)
        return rc;
    if ((rc = xp_group(xp, hw_node, 1, path, err)) != 0)
        return rc;
    if (cmp_node != NULL && !cmp_first && (rc = xp_group(xp, cmp_node, 0, path, err)) != 0)
        return rc;

    /* Constraints and objectives. */
    for (c = root->children; c != NULL; c = c->next) {
        if (sq_elem_is(c, "constraint")) {
            sq_constraint *k = &xp->constraints[xp->n_constraints++];
            if ((rc = sq_check_attrs(c, constraint_attrs, NULL, 0, path, err)) != 0 ||
                (rc = sq_check_leaf(c, path, err)) != 0 ||
                (rc = xp_metric(&k->metric, c, path, err)) != 0 ||
                (rc = sq_attr_number(c, "min", PT_REAL, -DBL_MAX, DBL_MAX, 0, -HUGE_VAL, &k->min,
                                     path, err)) != 0 ||
                (rc = sq_attr_number(c, "max", PT_REAL, -DBL_MAX, DBL_MAX, 0, HUGE_VAL, &k->max,
                                     path, err)) != 0)
                return rc;
            if (isinf(k->min) && isinf(k->max))
                return sq_fail_at(err, path, c, "<constraint> needs 'min', 'max' or both");
            if (k->min > k->max)
                return sq_fail_at(err, path, c, "<constraint> has 'min' greater than 'max'");
        } else if (sq_elem_is(c, "objective")) {
            sq_objective *o = &xp->objectives[xp->n_objectives];
            static const char *const goals[] = {"min", "max", NULL};
            const pt_param goal = {"goal", "", PT_ENUM, 0, 0, 0, goals, 0, NULL, NULL, 0};
            if ((rc = sq_check_attrs(c, objective_attrs, NULL, 0, path, err)) != 0 ||
                (rc = sq_check_leaf(c, path, err)) != 0 ||
                (rc = xp_metric(&o->metric, c, path, err)) != 0)
                return rc;
            if (xmlHasNsProp(c, (const xmlChar *)"goal", NULL) == NULL)
                return sq_fail_at(err, path, c, "missing required attribute 'goal' on <objective>");
            if ((rc = sq_attr_param(c, &goal, &o->maximize, path, err)) != 0)
                return rc;
            for (size_t i = 0; i < xp->n_objectives; i++) {
                if (xp->objectives[i].metric == o->metric)
                    return sq_fail_at(err, path, c, "metric '%s' has more than one <objective>",
                                      sq_metrics[o->metric].name);
            }
            xp->n_objectives++;
        }
    }

    /* The product, checked before each multiplication so that it never wraps. */
    xp->space_size = 1;
    double size_approx = 1.0; /* for the message only */
    int too_big = 0;
    for (size_t i = 0; i < xp->n_sweeps; i++) {
        uint64_t n = xp->sweeps[i].n_values;
        size_approx *= (double)n;
        if (too_big || xp->space_size > XP_SPACE_MAX / n) {
            too_big = 1;
            continue;
        }
        xp->space_size *= n;
    }
    if (too_big)
        return sq_fail_at(err, path, root,
                          "the design space has %.3g points, more than 2^53 (point ids must stay "
                          "exact in a double)",
                          size_approx);
    return SQ_OK;
}

/* Builds an owned experiment from a parsed document of text (the file's bytes). */
int sq_xp_build(sq_experiment **out, const xmlDoc *doc, const char *text, size_t len,
                const char *path, sq_error *err)
{
    *out = NULL;
    sq_experiment *xp = malloc(sizeof *xp);
    if (xp == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    int rc = xp_from_doc(xp, doc, path, err); /* zeroes xp first */
    if (rc == SQ_OK && strlen(path) >= sizeof xp->path)
        rc = sq_fail(err, SQ_EINPUT, "squash: path '%.64s...' is longer than %zu characters", path,
                     sizeof xp->path - 1);
    if (rc != SQ_OK) {
        sq_experiment_free(xp);
        return rc;
    }
    memcpy(xp->path, path, strlen(path) + 1);
    sq_sha256_hex(text, len, xp->sha256);
    /* The experiment file is the first input, before the files it uses (recorded while they
     * loaded); a buffer that is no file ("(built-in default)") keeps its name as given. */
    if (xp->n_inputs == SQ_INPUTS_MAX) {
        sq_experiment_free(xp);
        return sq_fail(err, SQ_EINPUT, "%s: more than %d input files", path, SQ_INPUTS_MAX);
    }
    memmove(&xp->inputs[1], &xp->inputs[0], xp->n_inputs * sizeof xp->inputs[0]);
    xp->n_inputs++;
    char *abs = realpath(path, NULL);
    snprintf(xp->inputs[0].path, sizeof xp->inputs[0].path, "%s", abs != NULL ? abs : path);
    free(abs);
    memcpy(xp->inputs[0].sha256, xp->sha256, sizeof xp->sha256);
    *out = xp;
    return SQ_OK;
}

int sq_experiment_load_buffer(sq_experiment **out, const char *text, size_t len, const char *path,
                              sq_error *err)
{
    assert(out != NULL && text != NULL && path != NULL);
    xmlDoc *doc = NULL;
    *out = NULL;
    int rc = sq_xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = sq_xp_build(out, doc, text, len, path, err);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

int sq_experiment_load_recorded(sq_experiment **out, const char *path, sq_error *err)
{
    if (strcmp(path, SQ_BUILTIN_XP_PATH) == 0)
        return sq_experiment_load_buffer(out, sq_default_experiment_xml,
                                         strlen(sq_default_experiment_xml), SQ_BUILTIN_XP_PATH,
                                         err);
    return sq_experiment_load(out, path, err);
}

int sq_experiment_load(sq_experiment **out, const char *path, sq_error *err)
{
    assert(out != NULL && path != NULL);
    sq_source src;
    *out = NULL;
    int rc = sq_source_open(&src, NULL, 0, path, NULL, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return sq_source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    rc = sq_experiment_load_buffer(out, src.text, src.len, src.path, err);
    sq_source_close(&src);
    return rc;
}

void sq_experiment_free(sq_experiment *xp)
{
    if (xp == NULL)
        return;
    xp_clear(xp);
    free(xp);
}
