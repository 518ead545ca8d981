/*
 * metric.h — the metrics of a design point: the one list of their names, units and meanings,
 * read by experiment files (<constraint>, <objective>), the sweep's CSV columns, `squash eval`
 * and `squash list metrics` (the table is in params.c).
 */
#ifndef SQUASH_METRIC_H
#define SQUASH_METRIC_H

#include "sq.h"

/* ---- metrics of a design point (CONTRACT.md names; the one list of them) ---- */

typedef enum sq_metric {
    SQ_ENERGY_UJ = 0, /* energy per inference of one batch (µJ) */
    SQ_LATENCY_MS,    /* latency of one batch (ms) */
    SQ_AREA_MM2,      /* chip area (mm²) */
    SQ_ACCURACY,      /* top-1 (%) */
    SQ_POWER_MW,      /* average power = energy / latency (mW) */
    SQ_EDP,           /* energy-delay product (µJ·ms) */
    SQ_TOPS_PER_W,    /* 2·MACs / energy (tera-ops per joule = TOPS/W) */
    SQ_N_METRICS
} sq_metric;

typedef struct sq_metric_info {
    const char *name; /* CSV column / XML metric name */
    const char *unit; /* for humans */
    const char *help; /* one line for `squash list metrics` */
} sq_metric_info;

extern const sq_metric_info sq_metrics[SQ_N_METRICS];
/* Index of a metric by name, or -1. */
int sq_metric_find(const char *name);

#endif
