/*
 * eval.c — one design point: a network compressed by a setting, run layer by layer on a design.
 * Costs are additive per layer (ZigZag's cost model does the same): the total's energy terms,
 * cycles, traffic and latency are sums of the rows; its utilization is the compute-cycle-weighted
 * mean of the rows', i.e. all useful MACs over all PE-cycles.
 */
#include <stdlib.h>
#include <string.h>

#include "dse.h"

void sq_eval_result_free(sq_eval_result *res)
{
    if (!res)
        return;
    free(res->layers);
    free(res->costs);
    memset(res, 0, sizeof *res);
}

static void sq_cost_add(hw_layer_cost *sum, const hw_layer_cost *c)
{
    sum->macs += c->macs;
    sum->macs_done += c->macs_done;
    sum->compute_cycles += c->compute_cycles;
    sum->memory_cycles += c->memory_cycles;
    sum->cycles += c->cycles;
    sum->mac_pj += c->mac_pj;
    sum->noc_pj += c->noc_pj;
    sum->sram_pj += c->sram_pj;
    sum->dram_pj += c->dram_pj;
    sum->static_pj += c->static_pj;
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

    out->n_layers = net->n_layers;
    out->layers = calloc(net->n_layers ? net->n_layers : 1, sizeof *out->layers);
    out->costs = calloc(net->n_layers ? net->n_layers : 1, sizeof *out->costs);
    if (!out->layers || !out->costs) {
        sq_eval_result_free(out);
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    }
    net_compress(net, cmp, out->layers);

    double util_cycles = 0.0; /* Σ utilization · compute_cycles */
    for (size_t i = 0; i < net->n_layers; i++) {
        if (hw_eval_layer(hw, &out->layers[i], cmp, &out->costs[i]) != 0) {
            int rc = sq_fail(err, SQ_EINPUT, "squash: layer '%s' cannot run on '%s'",
                             out->layers[i].name, hw->name);
            sq_eval_result_free(out);
            return rc;
        }
        sq_cost_add(&out->total, &out->costs[i]);
        util_cycles += out->costs[i].utilization * (double)out->costs[i].compute_cycles;
    }
    out->total.utilization =
        out->total.compute_cycles ? util_cycles / (double)out->total.compute_cycles : 0.0;
    out->area_mm2 = hw_area_mm2(hw);
    out->freq_mhz = hw->tpl->freq_mhz(hw);
    out->accuracy = net_accuracy(net, cmp, &out->accuracy_src);
    return SQ_OK;
}
