/*
 * metric.c — the metrics of a design point: one table of name, unit, meaning, natural goal and
 * formula, from which the sweep (point.c) and `squash eval` (report.c) both compute, so a
 * point's row in front.csv and eval's output for the same design agree to the last bit.
 *
 * Formulas, per inference of one batch, over the network's totals (summed layer by layer):
 *   energy_uj  = Σ energy_pj · 1e-6                 latency_ms = Σ latency_ms
 *   power_mw   = Σ energy_pj / Σ latency_ms · 1e-6   (pJ/ms = 1e-9 W = 1e-6 mW; 0 at 0 ms)
 *   edp        = energy_uj · latency_ms              (µJ·ms)
 *   tops_per_w = 2 · Σ macs / Σ energy_pj            (ops per pJ = 1e12 ops/J = TOPS/W; 0 at 0 pJ)
 *   area_mm2   = the template's area of the design   accuracy = top-1 of the compressed network
 *   (nets/accuracy.c: measured, interpolated or estimated)
 *   accuracy_lo, accuracy_hi = net_accuracy_band of the accuracy: what a weaker and a stronger
 *   published method give at the same setting (lo <= accuracy <= hi; they may be constrained
 *   and optimized like accuracy, e.g. a bound on accuracy_lo asks for a setting that holds
 *   even with a weaker method)
 * and two figures of the design alone, which eval reports: peak_tops (the template's peak, 2 ops
 * per MAC) and freq_mhz (its clock). Each product is written once here, in the order eval and
 * the sweep always used, so no output moves by a rounding.
 */
#include <assert.h>
#include <string.h>

#include "metric.h"

static double sq_m_energy_uj(const sq_totals *t)
{
    return t->energy_pj * 1e-6;
}

static double sq_m_latency_ms(const sq_totals *t)
{
    return t->latency_ms;
}

static double sq_m_area_mm2(const sq_totals *t)
{
    return hw_area_mm2(t->hw);
}

static double sq_m_accuracy(const sq_totals *t)
{
    return t->accuracy;
}

static double sq_m_accuracy_lo(const sq_totals *t)
{
    return t->accuracy_lo;
}

static double sq_m_accuracy_hi(const sq_totals *t)
{
    return t->accuracy_hi;
}

static double sq_m_power_mw(const sq_totals *t)
{
    return t->latency_ms > 0.0 ? t->energy_pj / t->latency_ms * 1e-6 : 0.0;
}

static double sq_m_edp(const sq_totals *t)
{
    return sq_m_energy_uj(t) * t->latency_ms;
}

static double sq_m_tops_per_w(const sq_totals *t)
{
    return t->energy_pj > 0.0 ? 2.0 * t->macs / t->energy_pj : 0.0;
}

static double sq_m_peak_tops(const sq_totals *t)
{
    return hw_peak_tops(t->hw);
}

static double sq_m_freq_mhz(const sq_totals *t)
{
    return t->hw->tpl->freq_mhz(t->hw);
}

/* Indexed by sq_metric. */
const sq_metric_info sq_metrics[SQ_N_METRICS_ALL] = {
    [SQ_ENERGY_UJ] = {"energy_uj", "uJ", "energy of one inference of one batch", 0, 1,
                      sq_m_energy_uj},
    [SQ_LATENCY_MS] = {"latency_ms", "ms", "latency of one batch, layer after layer", 0, 1,
                       sq_m_latency_ms},
    [SQ_AREA_MM2] = {"area_mm2", "mm2", "chip area: PE array and on-chip SRAM", 0, 1,
                     sq_m_area_mm2},
    [SQ_ACCURACY] = {"accuracy", "%", "top-1 accuracy, estimated unless the network ships it", 1, 1,
                     sq_m_accuracy},
    [SQ_POWER_MW] = {"power_mw", "mW", "average power: energy / latency", 0, 1, sq_m_power_mw},
    [SQ_EDP] = {"edp", "uJ*ms", "energy-delay product: energy_uj * latency_ms", 0, 0, sq_m_edp},
    [SQ_TOPS_PER_W] = {"tops_per_w", "TOPS/W", "efficiency: 2 ops per dense MAC / energy", 1, 0,
                       sq_m_tops_per_w},
    [SQ_ACCURACY_LO] = {"accuracy_lo", "%",
                        "top-1 of a weaker published method: the low end of the method spread", 1,
                        1, sq_m_accuracy_lo},
    [SQ_ACCURACY_HI] = {"accuracy_hi", "%",
                        "top-1 of a stronger published method: the high end of the method spread",
                        1, 1, sq_m_accuracy_hi},
    [SQ_PEAK_TOPS] = {"peak_tops", "TOPS", "peak throughput of the design, 2 ops per MAC", 1, 1,
                      sq_m_peak_tops},
    [SQ_FREQ_MHZ] = {"freq_mhz", "MHz", "clock of the design", 1, 1, sq_m_freq_mhz},
};

int sq_metric_find(const char *name)
{
    assert(name != NULL);
    for (int i = 0; i < SQ_N_METRICS; i++) {
        if (strcmp(sq_metrics[i].name, name) == 0)
            return i;
    }
    return -1;
}
