/*
 * metric.h — the metrics of a design point, one table (sq_metrics, metric.c) that eval and the
 * sweep both compute from: each metric's name, unit, meaning, natural goal and formula over one
 * design's network totals. Experiment files (<constraint>, <objective>), the sweep's CSV columns
 * and evaluation (point.c), `squash eval --json` (report.c) and `squash list metrics` all read
 * it, so a sweep's row and an eval of the same point cannot disagree.
 */
#ifndef SQUASH_METRIC_H
#define SQUASH_METRIC_H

#include "sq.h"

/* The metrics, in table order. The first SQ_N_METRICS are a point's metrics (CONTRACT.md
 * names): experiments constrain and optimize them, front.csv and points.csv have a column for
 * each, sq_point.m holds them. The rest are figures of the design alone that `squash eval`
 * reports beside them. */
typedef enum sq_metric {
    SQ_ENERGY_UJ = 0, /* energy per inference of one batch (µJ) */
    SQ_LATENCY_MS,    /* latency of one batch (ms) */
    SQ_AREA_MM2,      /* chip area (mm²) */
    SQ_ACCURACY,      /* top-1 (%) */
    SQ_POWER_MW,      /* average power = energy / latency (mW) */
    SQ_EDP,           /* energy-delay product (µJ·ms) */
    SQ_TOPS_PER_W,    /* 2·MACs / energy (tera-ops per joule = TOPS/W) */
    SQ_ACCURACY_LO,   /* top-1 (%) of a weaker published method at the setting (the band's low) */
    SQ_ACCURACY_HI,   /* top-1 (%) of a stronger published method (the band's high) */
    SQ_N_METRICS,
    SQ_PEAK_TOPS = SQ_N_METRICS, /* peak tera-ops/s of the design (TOPS) */
    SQ_FREQ_MHZ,                 /* clock of the design (MHz) */
    SQ_N_METRICS_ALL
} sq_metric;

/* What a metric is computed from: one design's totals over the network, summed layer by layer
 * in file order (eval's TOTAL row, the sweep's sums), and the design itself. */
typedef struct sq_totals {
    double energy_pj;   /* Σ energy of the layers (pJ) */
    double latency_ms;  /* Σ latency of the layers (ms) */
    double macs;        /* Σ MACs of the layers as given, dense count (MACs) */
    double accuracy;    /* top-1 of the compressed network (%) */
    double accuracy_lo; /* its method-spread band (net_accuracy_band), low and high (%) */
    double accuracy_hi;
    const hw_config *hw; /* the design (borrowed) */
} sq_totals;

typedef struct sq_metric_info {
    const char *name; /* CSV column / XML metric name / JSON key */
    const char *unit; /* for humans */
    const char *help; /* one line for `squash list metrics` */
    int maximize;     /* natural goal: 1 the larger the better, 0 the smaller */
    int in_eval_json; /* 1: a key of eval --json's "metrics" object (edp and tops_per_w came
                         after it and are not, so that the object's bytes stay as scripts read
                         them) */
    double (*value)(const sq_totals *t); /* the formula; finite for finite totals */
} sq_metric_info;

extern const sq_metric_info sq_metrics[SQ_N_METRICS_ALL];
/* Index of a point metric (< SQ_N_METRICS) by name, or -1. */
int sq_metric_find(const char *name);

#endif
