/*
 * dse.h — the whole search library in one include, for programs outside search/ that use all
 * of it (the tests, the fuzzers, scripts/bench_layers.c). The files of search/ include the
 * headers of the rooms they use instead (sq.h lists the rooms): load.h, metric.h, explore.h,
 * output.h.
 */
#ifndef SQUASH_DSE_H
#define SQUASH_DSE_H

#include "explore.h"
#include "load.h"
#include "metric.h"
#include "output.h"
#include "sq.h"

#endif
