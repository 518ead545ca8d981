/*
 * shard.c — which ids part I of N of a sweep (`squash sweep --shard I/N`) evaluates.
 *
 * Why not contiguous ranges: ids are the nested-loop order of the experiment's sweeps (the last
 * varies fastest), and a point's cost depends mostly on the slowest-varying parameters (an
 * area-infeasible array size costs almost nothing, a large network's wide design much). Cut
 * into N contiguous ranges, the space gives parts that differ 3x in run time.
 *
 * Interleaved blocks: the space is cut into blocks of B consecutive ids (only the last block
 * may be partial), and part i takes blocks i-1, i-1+N, i-1+2N, ... So every part sees every
 * value of the slow parameters in about the same proportion, and its work is a sequence of
 * positions 0 .. count-1 in increasing id order:
 *     id(p) = ((i-1) + N * (p / B)) * B + p % B
 * With N = 1 positions are ids, so a whole run and its state are what they always were.
 *
 * B is a prime from a fixed table, the largest not above S / (32 N) (at least 1), so that:
 *   - each part gets at least ~32 blocks (fine enough to average the slow parameters out);
 *   - blocks stay long enough for the sweep's rounds, --all's points.csv and merge's round-robin
 *     copy to work in runs of consecutive ids;
 *   - a prime B is coprime with the strides of the mid-level parameters (products of the
 *     faster sweeps' sizes, which are rarely multiples of a large prime), so a part does not
 *     alias to one value of such a parameter when a stride divides N·B.
 * B depends on S and N alone, so every part of a run computes the same B; it is recorded in
 * squash.state and `merge` checks that the parts agree.
 *
 * A part's points.csv stays in id order, so `merge` rebuilds the whole points.csv by taking B
 * rows from part 1, then B from part 2, ..., round robin. The MPI ranks and OpenMP threads of
 * one part share out its positions (dynamically: see mpi.c and sweep.c), not its ids.
 */
#include <assert.h>

#include "explore.h"

/* Primes roughly doubling: B is the largest not above S / (32 N). */
static const uint64_t sq_block_primes[] = {2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093};
#define SQ_BLOCKS_PER_PART 32

uint64_t sq_shard_block(uint64_t space, uint64_t n)
{
    assert(n >= 1);
    uint64_t want = space / n / SQ_BLOCKS_PER_PART, b = 1;
    for (size_t k = 0; k < sizeof sq_block_primes / sizeof sq_block_primes[0]; k++)
        if (sq_block_primes[k] <= want)
            b = sq_block_primes[k];
    return b;
}

uint64_t sq_shard_count(uint64_t space, uint64_t i, uint64_t n, uint64_t b)
{
    assert(n >= 1 && i >= 1 && i <= n && b >= 1);
    uint64_t blocks = space / b + (space % b != 0); /* the last may be partial */
    if (i - 1 >= blocks)
        return 0;
    uint64_t mine = (blocks - 1 - (i - 1)) / n + 1;
    uint64_t count = mine * b;
    if ((blocks - 1) % n == i - 1 && space % b != 0) /* we hold the partial last block */
        count -= b - space % b;
    return count;
}

uint64_t sq_shard_id(uint64_t i, uint64_t n, uint64_t b, uint64_t pos)
{
    return ((i - 1) + n * (pos / b)) * b + pos % b;
}

uint64_t sq_shard_of(uint64_t id, uint64_t n, uint64_t b, uint64_t *pos)
{
    uint64_t block = id / b;
    *pos = block / n * b + id % b;
    return block % n + 1;
}
