/*
 * eval.c — one design point: a network compressed by a setting, run layer by layer on a design.
 * Costs are additive per layer (ZigZag's cost model does the same): the total's energy terms,
 * cycles, traffic and latency are sums of the rows; its utilization is the compute-cycle-weighted
 * mean of the rows', i.e. all useful MACs over all PE-cycles.
 *
 * `squash eval --from DIR --id N` evaluates point N of the sweep in DIR: the run state names the
 * experiment, whose sweeps decode N into a design and a compression setting exactly as the
 * sweep did (sq_space_point), so the TOTAL row equals that point's row in front.csv.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "metric.h"
#include "output.h"

void sq_eval_result_free(sq_eval_result *res)
{
    if (!res)
        return;
    free(res->layers);
    free(res->costs);
    free(res->ctx);
    memset(res, 0, sizeof *res);
}

static void sq_cost_add(hw_layer_cost *sum, const hw_layer_cost *c)
{
    sum->macs += c->macs;
    sum->macs_done += c->macs_done;
    sum->compute_cycles += c->compute_cycles;
    sum->memory_cycles += c->memory_cycles;
    sum->buffer_cycles += c->buffer_cycles;
    sum->cycles += c->cycles;
    for (size_t i = 0; i < HW_COMP_MAX; i++)
        sum->comp_pj[i] += c->comp_pj[i];
    sum->energy_pj += c->energy_pj;
    sum->sram_bytes += c->sram_bytes;
    sum->dram_bytes += c->dram_bytes;
    sum->latency_ms += c->latency_ms;
}

int sq_eval(const net_network *net, const hw_config *hw, const sw_compression *cmp,
            sq_eval_result *out, sq_error *err)
{
    char msg[512];
    memset(out, 0, sizeof *out);
    if (net_compression_check(cmp, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "squash: %s", msg);

    out->tpl = hw->tpl;
    out->n_layers = net->n_layers;
    out->layers = calloc(net->n_layers ? net->n_layers : 1, sizeof *out->layers);
    out->costs = calloc(net->n_layers ? net->n_layers : 1, sizeof *out->costs);
    out->ctx = calloc(net->n_layers ? net->n_layers : 1, sizeof *out->ctx);
    hw_layer_prep *prep = calloc(net->n_layers ? net->n_layers : 1, sizeof *prep);
    hw_act_space *space = calloc(net->n_layers ? net->n_layers : 1, sizeof *space);
    if (!out->layers || !out->costs || !out->ctx || !prep || !space) {
        free(prep);
        free(space);
        sq_eval_result_free(out);
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }
    net_compress(net, cmp, out->layers);
    /* Each layer's residency-independent part, then which activations stay on chip (decided for
     * the whole network before any layer is finished), then each layer's cost. */
    for (size_t i = 0; i < net->n_layers; i++) {
        if (hw_prep_layer(hw, &out->layers[i], cmp, &prep[i]) != 0) {
            int rc = sq_fail(err, SQ_EINPUT, "squash: layer '%s' cannot run on '%s'",
                             out->layers[i].name, hw->name);
            free(prep);
            free(space);
            sq_eval_result_free(out);
            return rc;
        }
        space[i] = prep[i].space;
    }
    hw_residency_plan(net->n_layers, NULL, space, out->ctx);
    free(space);

    double util_cycles = 0.0; /* Σ utilization · compute_cycles */
    for (size_t i = 0; i < net->n_layers; i++) {
        hw_finish_layer(hw, &prep[i], &out->ctx[i], &out->costs[i]);
        sq_cost_add(&out->total, &out->costs[i]);
        util_cycles += out->costs[i].utilization * (double)out->costs[i].compute_cycles;
    }
    free(prep);
    out->total.utilization =
        out->total.compute_cycles ? util_cycles / (double)out->total.compute_cycles : 0.0;
    out->accuracy = net_accuracy(net, cmp, &out->accuracy_src);
    net_accuracy_band(net, out->accuracy, &out->accuracy_lo, &out->accuracy_hi);
    const sq_totals tot = sq_eval_totals(out, hw);
    out->area_mm2 = sq_metrics[SQ_AREA_MM2].value(&tot);
    out->freq_mhz = sq_metrics[SQ_FREQ_MHZ].value(&tot);
    return SQ_OK;
}

sq_totals sq_eval_totals(const sq_eval_result *res, const hw_config *hw)
{
    /* The MAC total is a uint64_t sum here and a double sum in point.c: the same number, as a
     * network has at most 2^52 MACs (the loader's limit), below 2^53. */
    sq_totals t = {.energy_pj = res->total.energy_pj,
                   .latency_ms = res->total.latency_ms,
                   .macs = (double)res->total.macs,
                   .accuracy = res->accuracy,
                   .accuracy_lo = res->accuracy_lo,
                   .accuracy_hi = res->accuracy_hi,
                   .hw = hw};
    return t;
}

int sq_eval_from(sq_experiment **xp_out, hw_config *hw, sw_compression *cmp, const char *dir,
                 uint64_t id, sq_error *err)
{
    char path[4096], xp_path[4096], msg[512], *text = NULL;
    size_t len = 0;
    int missing = 0, rc;
    sq_experiment *xp = NULL;
    *xp_out = NULL;
    int n = snprintf(path, sizeof path, "%s/squash.state", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %s", dir);
    if ((rc = sq_read_file(&text, &len, path, &missing, err)) != SQ_OK) {
        if (missing)
            sq_fail(err, SQ_EINPUT,
                    "squash: --from %s: no squash.state there (not a sweep's output directory)",
                    dir);
        return rc;
    }
    /* The experiment's path, to load it; sq_state_read then checks the whole state against it
     * (a changed experiment is refused there). */
    const char *key = "\nexperiment_path ";
    char *p = strstr(text, key), *end = p ? strchr(p + strlen(key), '\n') : NULL;
    if (!p || !end || (size_t)(end - p - strlen(key)) >= sizeof xp_path) {
        free(text);
        return sq_fail(err, SQ_EINPUT, "%s:1: malformed run state: experiment_path", path);
    }
    p += strlen(key);
    memcpy(xp_path, p, (size_t)(end - p));
    xp_path[end - p] = '\0';
    free(text);
    rc = sq_experiment_load_recorded(&xp, xp_path, err);
    if (rc != SQ_OK)
        return rc;
    sq_state st;
    if ((rc = sq_state_read(&st, xp, dir, &missing, err)) != SQ_OK) {
        sq_experiment_free(xp);
        return rc;
    }
    sq_state_free(&st);
    if (id >= xp->space_size) {
        rc = sq_fail(err, SQ_EINPUT,
                     "squash: --id %" PRIu64 " is outside the design space of %s (ids 0..%" PRIu64
                     ")",
                     id, xp_path, xp->space_size - 1);
        sq_experiment_free(xp);
        return rc;
    }
    if (sq_space_point(xp, id, hw, cmp, msg, sizeof msg) != 0) {
        rc = sq_fail(err, SQ_EINPUT, "squash: point %" PRIu64 " of %s is an invalid design: %s", id,
                     xp_path, msg);
        sq_experiment_free(xp);
        return rc;
    }
    *xp_out = xp;
    return SQ_OK;
}
