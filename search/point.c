/*
 * point.c — evaluation of one design point of an experiment: decode the id into a design and a
 * compression setting, run the models over the network, derive the metrics, apply constraints.
 *
 * Speed. A sweep evaluates millions of points, so the evaluator prepares once per thread:
 *   - Distinct layers. Networks repeat shapes (ResNet-50 has 54 layers but 24 distinct ones, when
 *     the first/last position that channel pruning respects is counted in). Each point prepares
 *     every distinct (shape, position) once (hw_prep_layer: all that does not depend on where
 *     the activations live, and their sizes), plans the residency from those sizes (is a layer's
 *     input / output on chip, hw_residency_plan: it depends on the point's design and
 *     compression), and finishes each (distinct layer, residency) pair that a layer uses once
 *     (hw_finish_layer; up to four per distinct layer, one per pair of flags), reusing the cost
 *     for its repeats.
 *   - No allocation. The compressed layers and costs live in arrays sized at creation.
 *   - Cheap checks first. The design's validity, its area and its accuracy do not depend on the
 *     layers; a point that fails an area or accuracy constraint is rejected before any layer runs
 *     (unless the caller asks for every metric, as `--all` does).
 * Exactness. The totals are summed over the network's layers in file order, as `squash eval`
 * does, so a point's metrics equal eval's TOTAL for the same design to the last bit.
 *
 * Metrics: the formulas of metric.c's table (sq_metrics), over the network's totals; the
 * accuracy's source (nets/accuracy.c: measured, interpolated or estimated) goes in acc_src, and
 * its method-spread band (accuracy_lo, accuracy_hi) is cached with it per compression setting.
 *
 * Infeasibility. Each point carries a reason code (explore.h SQ_R_*), set without any string work:
 * an invalid combination (the models' own checks, split by which one refused: the design or the
 * compression), a layer the design cannot run, or the first violated constraint by metric and
 * side. The text (the models' message, or "area_mm2 > 5" with the tightest bound) is made only
 * when a row is written, by evaluating that one point's design again.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "metric.h"
#include "output.h"

struct sq_evaluator {
    const sq_experiment *xp; /* borrowed */
    size_t n_layers;         /* layers of the network */
    size_t n_unique;         /* distinct (shape, position) entries */
    size_t *unique_of;       /* n_layers: index of each layer's distinct entry */
    net_layer *unique;       /* n_unique: the distinct uncompressed layers */
    unsigned char *is_first; /* n_unique: first MAC layer or before it (net_layer_edges) */
    unsigned char *is_last;  /* n_unique: last MAC layer or after it */
    net_layer *compressed;   /* n_unique: scratch, compressed layers of the current point */
    hw_layer_prep *prep;     /* n_unique: scratch, their residency-independent evaluation */
    hw_act_space *space;     /* n_unique: scratch, their activation sizes and buffer room */
    hw_layer_ctx *ctx;       /* n_layers: scratch, each layer's residency at the current point */
    unsigned char *needed;   /* n_unique · 4: scratch, variant (entry, flags) used by a layer */
    hw_layer_cost *cost;     /* n_unique · 4: scratch, the costs of the needed variants */
    uint64_t layer_evals;    /* (layer, residency) costs finished so far (count) */
    size_t n_acc;            /* compression settings in the space, when cached (else 0) */
    double *acc;             /* n_acc · 3: accuracy, accuracy_lo, accuracy_hi of each setting */
    signed char *acc_src;    /* n_acc: its net_acc_src, -1 until computed */
};

/* Residency variants of a distinct layer: (in_on_chip, out_on_chip) as two bits. */
#define SQ_RES_VARIANTS 4
static size_t sq_variant(size_t u, const hw_layer_ctx *c)
{
    return u * SQ_RES_VARIANTS + (size_t)(c->in_on_chip ? 2 : 0) + (size_t)(c->out_on_chip ? 1 : 0);
}

/* Accuracy depends only on the compression setting, and a space has few of those (the product
 * of the compression sweeps), so each thread computes each setting's accuracy once. */
#define SQ_ACC_CACHE_MAX 65536

/* Do two layers have the same shape and sparsity (every field but the name)? */
static int sq_same_shape(const net_layer *a, const net_layer *b)
{
    return a->kind == b->kind && a->n == b->n && a->k == b->k && a->c == b->c && a->h == b->h &&
           a->w == b->w && a->p == b->p && a->q == b->q && a->r == b->r && a->s == b->s &&
           a->stride == b->stride && a->pad == b->pad && a->groups == b->groups &&
           a->count == b->count && a->b_is_weight == b->b_is_weight && a->density == b->density &&
           a->meta_bits == b->meta_bits && a->nm_structured == b->nm_structured;
}

void sq_evaluator_free(sq_evaluator *ev)
{
    if (!ev)
        return;
    free(ev->unique_of);
    free(ev->unique);
    free(ev->is_first);
    free(ev->is_last);
    free(ev->compressed);
    free(ev->prep);
    free(ev->space);
    free(ev->ctx);
    free(ev->needed);
    free(ev->cost);
    free(ev->acc);
    free(ev->acc_src);
    free(ev);
}

sq_evaluator *sq_evaluator_new(const sq_experiment *xp)
{
    const net_network *net = xp->net;
    size_t n = net->n_layers ? net->n_layers : 1;
    sq_evaluator *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->xp = xp;
    ev->n_layers = net->n_layers;
    ev->unique_of = calloc(n, sizeof *ev->unique_of);
    ev->unique = calloc(n, sizeof *ev->unique);
    ev->is_first = calloc(n, 1);
    ev->is_last = calloc(n, 1);
    ev->compressed = calloc(n, sizeof *ev->compressed);
    ev->prep = calloc(n, sizeof *ev->prep);
    ev->space = calloc(n, sizeof *ev->space);
    ev->ctx = calloc(n, sizeof *ev->ctx);
    ev->needed = calloc(n, SQ_RES_VARIANTS);
    ev->cost = calloc(n * SQ_RES_VARIANTS, sizeof *ev->cost);
    if (!ev->unique_of || !ev->unique || !ev->is_first || !ev->is_last || !ev->compressed ||
        !ev->prep || !ev->space || !ev->ctx || !ev->needed || !ev->cost) {
        sq_evaluator_free(ev);
        return NULL;
    }
    size_t n_acc = 1;
    for (size_t s = 0; s < xp->n_sweeps && n_acc <= SQ_ACC_CACHE_MAX; s++) {
        if (!xp->sweeps[s].is_hw)
            n_acc *= xp->sweeps[s].n_values;
    }
    if (n_acc <= SQ_ACC_CACHE_MAX) {
        ev->acc = calloc(n_acc * 3, sizeof *ev->acc);
        ev->acc_src = malloc(n_acc);
        if (!ev->acc || !ev->acc_src) {
            sq_evaluator_free(ev);
            return NULL;
        }
        memset(ev->acc_src, -1, n_acc);
        ev->n_acc = n_acc;
    }
    const net_mac_span span = net_network_mac_span(net);
    for (size_t i = 0; i < net->n_layers; i++) {
        const net_layer *l = &net->layers[i];
        int is_first, is_last;
        net_layer_edges(net, &span, i, &is_first, &is_last);
        unsigned char first = (unsigned char)is_first, last = (unsigned char)is_last;
        size_t u = 0;
        while (u < ev->n_unique && !(ev->is_first[u] == first && ev->is_last[u] == last &&
                                     sq_same_shape(&ev->unique[u], l)))
            u++;
        if (u == ev->n_unique) {
            ev->unique[u] = *l;
            ev->is_first[u] = first;
            ev->is_last[u] = last;
            ev->n_unique++;
        }
        ev->unique_of[i] = u;
    }
    return ev;
}

uint64_t sq_evaluator_layer_evals(const sq_evaluator *ev)
{
    return ev->layer_evals;
}

size_t sq_evaluator_distinct_layers(const sq_evaluator *ev)
{
    return ev->n_unique;
}

/* Does value v meet constraint c? */
static int sq_meets(const sq_constraint *c, double v)
{
    return v >= c->min && v <= c->max;
}

/* The first constraint, in file order, on a metric for which have[metric] is set that the
 * metrics in m violate, as a reason code; SQ_R_FEASIBLE when they meet them all. */
static int sq_violated(const sq_experiment *xp, const double *m, const int *have)
{
    for (size_t i = 0; i < xp->n_constraints; i++) {
        const sq_constraint *c = &xp->constraints[i];
        if (have[c->metric] && !sq_meets(c, m[c->metric]))
            return SQ_R_CONSTRAINT0 + 2 * c->metric + (m[c->metric] >= c->min);
    }
    return SQ_R_FEASIBLE;
}

/* Which check refused a combination sq_space_apply rejected: it prepares the design first, so
 * a design that prepares again is valid and the compression was refused. Invalid points only. */
static int sq_invalid_reason(hw_config *hw)
{
    char msg[8];
    return hw_config_prepare(hw, msg, sizeof msg) != 0 ? SQ_R_DESIGN : SQ_R_COMPRESSION;
}

void sq_evaluate(sq_evaluator *ev, uint64_t id, int full, sq_point *out)
{
    const sq_experiment *xp = ev->xp;
    hw_config hw;
    sw_compression cmp;
    char msg[256];
    memset(out, 0, sizeof *out);
    out->id = id;
    out->acc_src = -1; /* until the design is known to be valid */
    uint32_t digits[SQ_SWEEPS_MAX];
    sq_space_decode(xp, id, digits);
    if (sq_space_apply(xp, digits, &hw, &cmp, msg, sizeof msg) != 0) {
        out->reason = sq_invalid_reason(&hw);
        return; /* invalid combination: infeasible, metrics 0 */
    }

    /* Cheap metrics and checks. */
    int have[SQ_N_METRICS] = {0};
    sq_totals tot = {.hw = &hw}; /* the layers' sums follow below */
    out->m[SQ_AREA_MM2] = sq_metrics[SQ_AREA_MM2].value(&tot);
    net_acc_src src;
    if (ev->n_acc) {
        /* The compression setting's index: the compression sweeps' digits in mixed radix. */
        size_t k = 0;
        for (size_t s = 0; s < xp->n_sweeps; s++) {
            if (!xp->sweeps[s].is_hw)
                k = k * xp->sweeps[s].n_values + digits[s];
        }
        double *a = &ev->acc[3 * k];
        if (ev->acc_src[k] < 0) {
            a[0] = net_accuracy(xp->net, &cmp, &src);
            net_accuracy_band(xp->net, a[0], &a[1], &a[2]);
            ev->acc_src[k] = (signed char)src;
        }
        tot.accuracy = a[0];
        tot.accuracy_lo = a[1];
        tot.accuracy_hi = a[2];
        out->acc_src = ev->acc_src[k];
    } else {
        tot.accuracy = net_accuracy(xp->net, &cmp, &src);
        net_accuracy_band(xp->net, tot.accuracy, &tot.accuracy_lo, &tot.accuracy_hi);
        out->acc_src = (int)src;
    }
    out->m[SQ_ACCURACY] = sq_metrics[SQ_ACCURACY].value(&tot);
    out->m[SQ_ACCURACY_LO] = sq_metrics[SQ_ACCURACY_LO].value(&tot);
    out->m[SQ_ACCURACY_HI] = sq_metrics[SQ_ACCURACY_HI].value(&tot);
    have[SQ_AREA_MM2] = have[SQ_ACCURACY] = have[SQ_ACCURACY_LO] = have[SQ_ACCURACY_HI] = 1;
    /* The cheap reason stands even when --all goes on to the full evaluation, so that a point
     * has the same reason with or without --all. */
    const int cheap_reason = sq_violated(xp, out->m, have);
    const int cheap_ok = cheap_reason == SQ_R_FEASIBLE;
    out->reason = cheap_reason;
    if (!cheap_ok && !full)
        return;

    /* The layers: prepare each distinct one (a layer the design cannot run makes the point
     * infeasible), plan which activations stay on chip, then finish each distinct (layer,
     * residency) a layer uses once, in the order of the distinct entries. */
    for (size_t u = 0; u < ev->n_unique; u++) {
        net_compress_layer(&ev->unique[u], ev->is_first[u], ev->is_last[u], &cmp,
                           &ev->compressed[u]);
        if (hw_prep_layer(&hw, &ev->compressed[u], &cmp, &ev->prep[u]) != 0) {
            memset(out->m, 0, sizeof out->m);
            out->reason = cheap_ok ? SQ_R_LAYER : cheap_reason;
            return; /* a layer the design cannot run: infeasible */
        }
        ev->space[u] = ev->prep[u].space;
    }
    hw_residency_plan(ev->n_layers, ev->unique_of, ev->space, ev->ctx);
    memset(ev->needed, 0, ev->n_unique * SQ_RES_VARIANTS);
    for (size_t i = 0; i < ev->n_layers; i++)
        ev->needed[sq_variant(ev->unique_of[i], &ev->ctx[i])] = 1;
    for (size_t v = 0; v < ev->n_unique * SQ_RES_VARIANTS; v++) {
        if (!ev->needed[v])
            continue;
        hw_layer_ctx c = {(unsigned char)((v & 2) != 0), (unsigned char)((v & 1) != 0)};
        ev->layer_evals++;
        hw_finish_layer(&hw, &ev->prep[v / SQ_RES_VARIANTS], &c, &ev->cost[v]);
    }
    for (size_t i = 0; i < ev->n_layers; i++) {
        const hw_layer_cost *c = &ev->cost[sq_variant(ev->unique_of[i], &ev->ctx[i])];
        tot.energy_pj += c->energy_pj;
        tot.latency_ms += c->latency_ms;
        tot.macs += (double)c->macs;
    }
    for (int k = 0; k < SQ_N_METRICS; k++) {
        if (!have[k]) /* area and the accuracies are in already */
            out->m[k] = sq_metrics[k].value(&tot);
    }
    for (int k = 0; k < SQ_N_METRICS; k++) {
        if (!isfinite(out->m[k])) { /* defensive: a model bug must not reach an output */
            memset(out->m, 0, sizeof out->m);
            out->reason = cheap_ok ? SQ_R_NONFINITE : cheap_reason;
            return;
        }
        have[k] = 1;
    }
    if (cheap_ok)
        out->reason = sq_violated(xp, out->m, have);
    out->feasible = out->reason == SQ_R_FEASIBLE;
}

/* ---- reasons as text (outputs only, never in the hot loop) ---- */

void sq_reason_name(const sq_experiment *xp, int reason, char *buf, size_t len)
{
    static const char *const fixed[SQ_R_CONSTRAINT0] = {
        "",
        "invalid design",
        "invalid compression",
        "a layer cannot run on the design",
        "a model gave a non-finite metric",
        "not recorded (a state of an older squash)"};
    assert(reason >= 0 && reason < SQ_N_REASONS);
    if (reason < SQ_R_CONSTRAINT0) {
        snprintf(buf, len, "%s", fixed[reason]);
        return;
    }
    /* The tightest bound of the metric on that side: a point that breaks any constraint on it
     * breaks that one. */
    int metric = (reason - SQ_R_CONSTRAINT0) / 2, above = (reason - SQ_R_CONSTRAINT0) % 2;
    double bound = above ? HUGE_VAL : -HUGE_VAL;
    for (size_t i = 0; i < xp->n_constraints; i++) {
        const sq_constraint *c = &xp->constraints[i];
        if (c->metric == metric && above && c->max < bound)
            bound = c->max;
        if (c->metric == metric && !above && c->min > bound)
            bound = c->min;
    }
    char num[64];
    sq_fmt_double(num, sizeof num, isfinite(bound) ? bound : 0.0);
    snprintf(buf, len, "%s %s %s", sq_metrics[metric].name, above ? ">" : "<", num);
}

/* The models' message for an invalid point or a layer it cannot run; "" if none (then the
 * reason's name says enough). */
static void sq_reason_detail(const sq_experiment *xp, uint64_t id, int reason, char *buf,
                             size_t len)
{
    hw_config hw;
    sw_compression cmp;
    buf[0] = '\0';
    if (reason != SQ_R_DESIGN && reason != SQ_R_COMPRESSION && reason != SQ_R_LAYER)
        return;
    if (sq_space_point(xp, id, &hw, &cmp, buf, len) != 0 || reason != SQ_R_LAYER)
        return;
    const net_network *net = xp->net;
    const net_mac_span span = net_network_mac_span(net);
    for (size_t i = 0; i < net->n_layers; i++) {
        net_layer l;
        hw_layer_cost c;
        int is_first, is_last;
        net_layer_edges(net, &span, i, &is_first, &is_last);
        net_compress_layer(&net->layers[i], is_first, is_last, &cmp, &l);
        if (hw_eval_layer(&hw, &l, &cmp, &c) != 0) {
            snprintf(buf, len, "layer '%s'", net->layers[i].name);
            return;
        }
    }
}

void sq_reason_text(const sq_experiment *xp, const sq_point *p, char *buf, size_t len)
{
    char name[128], detail[384];
    if (p->feasible || p->reason == SQ_R_FEASIBLE) {
        buf[0] = '\0';
        return;
    }
    sq_reason_name(xp, p->reason, name, sizeof name);
    sq_reason_detail(xp, p->id, p->reason, detail, sizeof detail);
    snprintf(buf, len, "%s%s%s", name, detail[0] ? ": " : "", detail);
}

void sq_report_infeasible(FILE *f, const sq_experiment *xp, const uint64_t *reasons,
                          uint64_t evaluated, uint64_t feasible)
{
    if (evaluated == 0 || feasible != 0)
        return;
    int top = SQ_R_FEASIBLE + 1;
    for (int k = top + 1; k < SQ_N_REASONS; k++)
        if (reasons[k] > reasons[top])
            top = k;
    char name[128], detail[384] = "";
    sq_reason_name(xp, top, name, sizeof name);
    /* An example of the models' message: the first point of the space with that reason (a
     * bounded search; the most common reason is rarely far). */
    uint64_t example = UINT64_MAX;
    if (top == SQ_R_DESIGN || top == SQ_R_COMPRESSION) {
        for (uint64_t id = 0; id < xp->space_size && id < (UINT64_C(1) << 20); id++) {
            hw_config hw;
            sw_compression cmp;
            if (sq_space_point(xp, id, &hw, &cmp, NULL, 0) != 0 && sq_invalid_reason(&hw) == top) {
                example = id;
                sq_reason_detail(xp, id, top, detail, sizeof detail);
                break;
            }
        }
    }
    fprintf(f,
            "squash: every point is infeasible (%" PRIu64 " evaluated, none feasible); most were "
            "rejected by %s (%" PRIu64 " points)",
            evaluated, name, reasons[top]);
    if (example != UINT64_MAX)
        fprintf(f, ", e.g. point %" PRIu64 ": %s", example, detail);
    for (int k = SQ_R_FEASIBLE + 1; k < SQ_N_REASONS; k++) {
        if (k == top || reasons[k] == 0)
            continue;
        sq_reason_name(xp, k, name, sizeof name);
        fprintf(f, "; %s (%" PRIu64 ")", name, reasons[k]);
    }
    fputs("\n", f);
}
