/*
 * mpi_stub.c — ranks.h for a build without MPI (SQUASH_MPI=OFF): one rank, every collective the
 * identity, a round dealt as one chunk. sweep.c runs the same code either way (curl's way of
 * optional features: stubs, not #ifdef).
 */
#include <stdlib.h>

#include "ranks.h"

struct sq_ranks {
    int dealt;       /* 1 once the round's single chunk was handed out */
    uint64_t b0, b1; /* the round's id range */
};

int sq_ranks_open(sq_ranks **out, sq_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? SQ_OK : sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
}

void sq_ranks_free(sq_ranks *r)
{
    free(r);
}

int sq_ranks_rank(const sq_ranks *r)
{
    return 0;
}

int sq_ranks_size(const sq_ranks *r)
{
    return 1;
}

int sq_ranks_node_size(const sq_ranks *r)
{
    return 1;
}

void sq_ranks_bcast(sq_ranks *r, void *buf, size_t bytes) {}

int sq_ranks_agree(sq_ranks *r, int rc)
{
    return rc;
}

void sq_ranks_sum_u64(sq_ranks *r, uint64_t *vals, size_t n) {}

void sq_ranks_max_f64(sq_ranks *r, double *vals, size_t n) {}

int sq_ranks_reduce_front(sq_ranks *r, sq_archive *a, int status)
{
    return status;
}

int sq_ranks_gather_points(sq_ranks *r, const sq_point *mine, size_t n, sq_point *round,
                           uint64_t b0, uint64_t n_round, uint64_t shard_n, uint64_t block_ids)
{
    (void)shard_n;
    (void)block_ids;
    return SQ_OK;
}

void sq_ranks_deal_begin(sq_ranks *r, uint64_t b0, uint64_t b1, uint64_t min_chunk)
{
    r->b0 = b0;
    r->b1 = b1;
    r->dealt = 0;
}

int sq_ranks_deal_next(sq_ranks *r, uint64_t *c0, uint64_t *c1)
{
    if (r->dealt || r->b0 >= r->b1)
        return 0;
    r->dealt = 1;
    *c0 = r->b0;
    *c1 = r->b1;
    return 1;
}

void sq_ranks_deal_end(sq_ranks *r) {}

_Noreturn void sq_ranks_exit(sq_ranks *r, int code)
{
    exit(code);
}
