/*
 * ranks.h — the processes of one sweep, as the driver (sweep.c) sees them. Private to search/.
 *
 * Two implementations, one selected by CMake: mpi.c (SQUASH_MPI=ON, the only file with MPI
 * calls) and mpi_stub.c (one rank, no MPI). The driver is the same code for both: with one rank
 * every collective is the identity and a round is dealt as a single chunk, so a build without
 * MPI runs exactly the OpenMP driver it always had.
 *
 * The protocol, round by round (the design is at the top of mpi.c and sweep.c):
 *   rank 0 broadcasts the round's header (sq_ranks_bcast) → every rank takes chunks of the
 *   round's id range until none is left (sq_ranks_deal_*) → the ranks' counts, nadirs, fronts
 *   and, with --all, points go to rank 0 (sq_ranks_sum_u64, _max_f64, _reduce_front,
 *   _gather_points) → rank 0 alone writes.
 * Every rank calls the collectives in the same order. A failed MPI call aborts the whole job
 * (MPI's default error handler), so the collectives here return no error of their own beyond
 * running out of memory.
 */
#ifndef SQUASH_RANKS_H
#define SQUASH_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "explore.h"

typedef struct sq_ranks sq_ranks;

/* Joins the job: with MPI, initializes it on first use (MPI_THREAD_SERIALIZED; finalized at
 * exit) when the process was started by an MPI launcher, and is a single rank otherwise. *out
 * is owned (sq_ranks_free). SQ_ERUNTIME when out of memory or MPI lacks the thread level. */
int sq_ranks_open(sq_ranks **out, sq_error *err);
void sq_ranks_free(sq_ranks *r); /* accepts NULL; leaves MPI initialized */

int sq_ranks_rank(const sq_ranks *r);      /* this process's rank, 0 .. size-1 */
int sq_ranks_size(const sq_ranks *r);      /* ranks in the job (count) */
int sq_ranks_node_size(const sq_ranks *r); /* ranks on this node, sharing its cores (count) */

/* Copies bytes of buf from rank 0 to every rank. */
void sq_ranks_bcast(sq_ranks *r, void *buf, size_t bytes);
/* The worst (lowest) rc over all ranks, on every rank: SQ_EINPUT < SQ_ERUNTIME < SQ_OK. */
int sq_ranks_agree(sq_ranks *r, int rc);
/* Element-wise sum / maximum over the ranks, in place; the result is valid on rank 0 only. */
void sq_ranks_sum_u64(sq_ranks *r, uint64_t *vals, size_t n);
void sq_ranks_max_f64(sq_ranks *r, double *vals, size_t n);

/* Reduces every rank's archive into rank 0's (a binomial tree: each step merges two archives,
 * so the front is pruned on the way). The front is a function of the set of points, so the
 * result does not depend on the tree. On other ranks a is left holding a partial front. status
 * is this rank's state so far (SQ_OK, or SQ_ERUNTIME after running out of memory; a may then be
 * NULL on ranks other than 0): every rank takes part either way, and rank 0 gets SQ_OK only if
 * every rank had it and no merge ran out of memory. */
int sq_ranks_reduce_front(sq_ranks *r, sq_archive *a, int status);

/* --all: every rank sends the n points it evaluated this round (mine, any order) to rank 0,
 * which stores each at round[pos - b0], pos the id's position in its shard (sq_shard_of with
 * shard_n and block_ids); round has n_round entries there (NULL elsewhere). Rank
 * 0's own points are already in place and are not passed (n = 0 on rank 0). SQ_OK or
 * SQ_ERUNTIME (out of memory on rank 0). */
int sq_ranks_gather_points(sq_ranks *r, const sq_point *mine, size_t n, sq_point *round,
                           uint64_t b0, uint64_t n_round, uint64_t shard_n, uint64_t block_ids);

/* Dynamic distribution of the positions [b0, b1) of a shard (sq_shard_id maps them to ids) over the
 * ranks: every rank calls begin with the same arguments, then next until it returns 0, then end.
 * Chunks shrink as the range runs out (guided self-scheduling: a share of what is left, at least
 * min_chunk ids), so the ranks finish a round within a small chunk of each other whatever the
 * points cost. Each rank's first chunk is fixed in advance (no message); the later ones come from a
 * counter on rank 0. One rank gets the whole range as a single chunk. */
void sq_ranks_deal_begin(sq_ranks *r, uint64_t b0, uint64_t b1, uint64_t min_chunk);
int sq_ranks_deal_next(sq_ranks *r, uint64_t *c0, uint64_t *c1); /* 1: [c0, c1) is ours */
void sq_ranks_deal_end(sq_ranks *r);

/* Ends a rank other than 0 after rank 0 decided the job fails: finalizes MPI and exits with
 * code, printing nothing (rank 0 reports the error). Never called with one rank. */
_Noreturn void sq_ranks_exit(sq_ranks *r, int code);

#endif
