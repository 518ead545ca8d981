/*
 * mpi.c — ranks.h over MPI (SQUASH_MPI=ON): the only file of squash with MPI calls.
 *
 * A sweep under `mpirun -np R squash sweep EXP.xml` is R copies of the same command. They split
 * the run's id range in rounds (sweep.c); this file supplies what a round needs:
 *
 * Start. MPI is initialized on the first sq_ranks_open, with MPI_THREAD_SERIALIZED (rank 0 has
 * a second thread that makes MPI calls while its main thread makes none, see below), and
 * finalized by an atexit hook, so the command's main() knows nothing of MPI. A process that no
 * MPI launcher started (none of the launchers' environment variables is set: OpenMPI's
 * OMPI_COMM_WORLD_SIZE, PMIx's PMIX_RANK as under `srun --mpi=pmix`, PMI's PMI_RANK/PMI_SIZE,
 * MPICH's MPI_LOCALNRANKS) is one rank and does not initialize MPI at all: a singleton MPI_Init
 * would only cost time (OpenMPI 4 starts a helper daemon for it) to give the same single rank.
 * So the MPI build runs every single-process test exactly as the plain build.
 *
 * Dynamic balance. Points differ in cost by orders of magnitude (an area-infeasible design is
 * rejected before any layer is evaluated), so a static split of a round would leave ranks idle.
 * Within a round the ranks take chunks from one counter, guided self-scheduling (Polychronopoulos
 * & Kuck, IEEE Trans. Computers 36(12), 1987): a chunk is a share of what is left, at least
 * min_chunk ids, so chunks are large while much is left and small at the end, and the ranks
 * finish within a small chunk of each other. The share is 1/(4R) rather than GSS's 1/R: a rank
 * holds two chunks at a time (the one it evaluates and the one it asked for ahead, below), and
 * with 1/(2R) the other ranks ran out of work while it still held a large reserved chunk
 * (measured, 2 ranks on 1.3 M points of scripts/bench_1e7.xml: rank 0 busy 91 % of the time with
 * 1/(2R), 99 % with 1/(4R), the other rank 97 % in both; 1/(8R) gained nothing more). The counter
 * lives on rank 0 as a C11 atomic. A service thread of rank 0 answers the other ranks' requests
 * (MPI_Iprobe, then a reply of two ids) while rank 0's main thread evaluates its own chunks, taking
 * them from the same atomic; the main thread makes no MPI call until it has joined the service
 * thread, which is what MPI_THREAD_SERIALIZED allows. The service thread polls with a sleep that
 * doubles from 20 µs to 1 ms while idle (a blocking receive would spin a core in OpenMPI); each
 * rank's first chunk of a round is fixed in advance, and the other ranks ask for their next chunk
 * as soon as they receive one, so the reply's latency hides behind a chunk's evaluation. Why not an
 * MPI-3 RMA counter (MPI_Fetch_and_op on a window of rank 0), measured with Debian's OpenMPI 4.1.4
 * while rank 0 computes for 2 s without MPI calls: on one node the window is shared memory (osc/sm)
 * and the operation is immediate, but between nodes without InfiniBand (UCX) the component is
 * osc/pt2pt, and there the operation took the full 2 s, since it progresses only when the target
 * enters the MPI library (osc/rdma over btl/tcp refused to run). A service thread that calls MPI at
 * least every millisecond works the same over shared memory, TCP or InfiniBand.
 *
 * Reduction. At the end of a round the counts (sum) and the nadirs (max of a "badness", the
 * objective negated when maximized) reduce with MPI_Reduce; the fronts reduce over a binomial
 * tree (rank r sends to r − 2^k at step k): each step merges two archives, pruning dominated
 * points on the way, and the front at rank 0 is that of the union of the ranks' points whatever
 * the tree (the archive keeps every non-dominated point, ties included, and sorts by value then
 * id). Points travel as the bytes of sq_point (the ranks run the same binary on nodes of one
 * architecture, as MPI jobs do), in blocks of SQ_BLOCK points so that no receive needs a buffer
 * the size of the message. With --all the points of a round go to rank 0 the same way and are
 * stored at their id's place, so points.csv is written in id order.
 *
 * Errors. MPI's default handler (MPI_ERRORS_ARE_FATAL) aborts the whole job on a failed call;
 * a rank killed with SIGKILL makes mpirun tear the job down. Errors of squash's own (bad input,
 * I/O, memory) are decided by rank 0 and broadcast in the next round's header; the other ranks
 * then leave through sq_ranks_exit with the same exit code and print nothing.
 */
#include <assert.h>
#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ranks.h"

#define SQ_GUIDED_SHARE 4       /* a chunk is 1/(SQ_GUIDED_SHARE·R) of what is left of the round */
#define SQ_BLOCK 4096           /* points per message when fronts or points travel (295 kB) */
#define SQ_POLL_MIN_NS 20000L   /* service thread's first sleep when idle (ns) */
#define SQ_POLL_MAX_NS 1000000L /* and its longest (ns) */

enum { SQ_TAG_ASK = 1, SQ_TAG_CHUNK, SQ_TAG_FRONT, SQ_TAG_POINTS };

struct sq_ranks {
    int rank;        /* this process's rank in MPI_COMM_WORLD */
    int size;        /* ranks in the job; 1 without MPI */
    int node_size;   /* ranks on this node (count) */
    sq_point *block; /* SQ_BLOCK points of receive buffer (size > 1) */
    /* The round being dealt. */
    uint64_t b1;           /* end of the round's ids */
    uint64_t min_chunk;    /* smallest chunk (ids) */
    _Atomic uint64_t next; /* rank 0: first id not yet dealt */
    pthread_t server;      /* rank 0: the service thread */
    int serving;           /* rank 0: 1 while the service thread runs */
    MPI_Request req;       /* other ranks: the pending request for a chunk */
    uint64_t reply[2];     /* other ranks: the chunk it brings, [c0, c1); empty = done */
    int done;              /* other ranks: the round has no more chunks for us */
    uint64_t own0, own1;   /* this rank's first chunk of the round, dealt without asking */
};

/* ---- start and end ---- */

static void sq_mpi_finalize_at_exit(void)
{
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin)
        MPI_Finalize();
}

/* 1 when an MPI launcher started this process (mpirun, mpiexec, srun --mpi=...). */
static int sq_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                       "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

int sq_ranks_open(sq_ranks **out, sq_error *err)
{
    sq_ranks *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
    r->size = r->node_size = 1;
    int init = 0, provided = MPI_THREAD_SINGLE;
    MPI_Initialized(&init);
    if (!init && !sq_mpi_launched()) {
        *out = r; /* one rank, MPI untouched */
        return SQ_OK;
    }
    if (!init) {
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
            free(r);
            return sq_fail(err, SQ_ERUNTIME, "squash: MPI_Init_thread failed");
        }
        atexit(sq_mpi_finalize_at_exit);
    } else {
        MPI_Query_thread(&provided);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &r->node_size);
    MPI_Comm_free(&node);
    int bad = r->size > 1 && provided < MPI_THREAD_SERIALIZED;
    if (r->size > 1 && !bad)
        bad = !(r->block = malloc(SQ_BLOCK * sizeof *r->block));
    /* Every rank sees the same verdict, so they fail together. */
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (bad) {
        free(r->block);
        free(r);
        return sq_fail(err, SQ_ERUNTIME,
                       "squash: the MPI library lacks MPI_THREAD_SERIALIZED, or out of memory");
    }
    *out = r;
    return SQ_OK;
}

void sq_ranks_free(sq_ranks *r)
{
    if (!r)
        return;
    free(r->block);
    free(r);
}

int sq_ranks_rank(const sq_ranks *r)
{
    return r->rank;
}

int sq_ranks_size(const sq_ranks *r)
{
    return r->size;
}

int sq_ranks_node_size(const sq_ranks *r)
{
    return r->node_size;
}

_Noreturn void sq_ranks_exit(sq_ranks *r, int code)
{
    sq_ranks_free(r);
    sq_mpi_finalize_at_exit();
    exit(code);
}

/* ---- collectives ---- */

void sq_ranks_bcast(sq_ranks *r, void *buf, size_t bytes)
{
    if (r->size == 1)
        return;
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
}

int sq_ranks_agree(sq_ranks *r, int rc)
{
    if (r->size > 1)
        MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return rc;
}

void sq_ranks_sum_u64(sq_ranks *r, uint64_t *vals, size_t n)
{
    if (r->size == 1)
        return;
    if (r->rank == 0)
        MPI_Reduce(MPI_IN_PLACE, vals, (int)n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    else
        MPI_Reduce(vals, NULL, (int)n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
}

void sq_ranks_max_f64(sq_ranks *r, double *vals, size_t n)
{
    if (r->size == 1)
        return;
    if (r->rank == 0)
        MPI_Reduce(MPI_IN_PLACE, vals, (int)n, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    else
        MPI_Reduce(vals, NULL, (int)n, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
}

/* Sends a status, a count, then n points in blocks of SQ_BLOCK, all with tag. */
static void sq_send_points(const sq_point *pts, uint64_t n, int status, int to, int tag)
{
    uint64_t hdr[2] = {(uint64_t)(int64_t)status, n};
    MPI_Send(hdr, 2, MPI_UINT64_T, to, tag, MPI_COMM_WORLD);
    for (uint64_t i = 0; i < n; i += SQ_BLOCK) {
        uint64_t k = n - i < SQ_BLOCK ? n - i : SQ_BLOCK;
        MPI_Send(pts + i, (int)(k * sizeof *pts), MPI_BYTE, to, tag, MPI_COMM_WORLD);
    }
}

/* Receives what sq_send_points sent; calls take(ctx, block, k) for each block. Returns the
 * sender's status. */
static int sq_recv_points(sq_ranks *r, int from, int tag,
                          void (*take)(void *ctx, const sq_point *pts, uint64_t k), void *ctx)
{
    uint64_t hdr[2];
    MPI_Recv(hdr, 2, MPI_UINT64_T, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (uint64_t i = 0; i < hdr[1]; i += SQ_BLOCK) {
        uint64_t k = hdr[1] - i < SQ_BLOCK ? hdr[1] - i : SQ_BLOCK;
        MPI_Recv(r->block, (int)(k * sizeof *r->block), MPI_BYTE, from, tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        take(ctx, r->block, k);
    }
    return (int)(int64_t)hdr[0];
}

typedef struct sq_front_ctx {
    sq_archive *a; /* archive the received points are offered to */
    int status;    /* SQ_OK, or SQ_ERUNTIME once an insert ran out of memory */
} sq_front_ctx;

static void sq_take_front(void *ctx, const sq_point *pts, uint64_t k)
{
    sq_front_ctx *c = ctx;
    for (uint64_t i = 0; i < k && c->status == SQ_OK; i++)
        if (sq_archive_insert(c->a, &pts[i]) < 0)
            c->status = SQ_ERUNTIME;
}

int sq_ranks_reduce_front(sq_ranks *r, sq_archive *a, int status)
{
    assert(a || (status != SQ_OK && r->rank != 0));
    if (r->size == 1)
        return status;
    sq_front_ctx c = {a, status};
    for (int step = 1; step < r->size; step <<= 1) {
        if (r->rank & step) {
            /* A failed rank sends its status and no points (its archive may be missing). */
            int ok = c.status == SQ_OK;
            sq_send_points(ok ? sq_archive_sorted(a) : NULL, ok ? sq_archive_size(a) : 0, c.status,
                           r->rank - step, SQ_TAG_FRONT);
            break;
        }
        if (r->rank + step < r->size) {
            int st = sq_recv_points(r, r->rank + step, SQ_TAG_FRONT, sq_take_front, &c);
            if (st != SQ_OK)
                c.status = st;
        }
    }
    return r->rank == 0 ? c.status : SQ_OK;
}

typedef struct sq_place_ctx {
    sq_point *round;    /* the round's points, indexed by position − b0 */
    uint64_t b0;        /* first position of the round */
    uint64_t n;         /* positions in the round */
    uint64_t shard_n;   /* parts of the space (sq_shard_of) */
    uint64_t block_ids; /* their block size */
} sq_place_ctx;

static void sq_take_place(void *ctx, const sq_point *pts, uint64_t k)
{
    sq_place_ctx *c = ctx;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t pos = 0;
        sq_shard_of(pts[i].id, c->shard_n, c->block_ids, &pos);
        /* Defensive: ranks only send ids of chunks of this round. */
        if (pos >= c->b0 && pos - c->b0 < c->n)
            c->round[pos - c->b0] = pts[i];
    }
}

int sq_ranks_gather_points(sq_ranks *r, const sq_point *mine, size_t n, sq_point *round,
                           uint64_t b0, uint64_t n_round, uint64_t shard_n, uint64_t block_ids)
{
    if (r->size == 1)
        return SQ_OK;
    if (r->rank != 0) {
        sq_send_points(mine, n, SQ_OK, 0, SQ_TAG_POINTS);
        return SQ_OK;
    }
    sq_place_ctx c = {round, b0, n_round, shard_n, block_ids};
    for (int from = 1; from < r->size; from++)
        sq_recv_points(r, from, SQ_TAG_POINTS, sq_take_place, &c);
    return SQ_OK;
}

/* ---- dynamic distribution ---- */

/* Takes the next chunk from rank 0's counter (any thread of rank 0). */
static int sq_take(sq_ranks *r, uint64_t *c0, uint64_t *c1)
{
    uint64_t cur = atomic_load(&r->next);
    for (;;) {
        if (cur >= r->b1)
            return 0;
        uint64_t left = r->b1 - cur, n = left / (SQ_GUIDED_SHARE * (uint64_t)r->size);
        if (n < r->min_chunk)
            n = r->min_chunk;
        if (n > left)
            n = left;
        if (atomic_compare_exchange_weak(&r->next, &cur, cur + n)) {
            *c0 = cur;
            *c1 = cur + n;
            return 1;
        }
    }
}

/* Rank 0's service thread: answers each request for a chunk until every other rank has been
 * told that the round is dealt. */
static void *sq_serve(void *arg)
{
    sq_ranks *r = arg;
    long sleep_ns = SQ_POLL_MIN_NS;
    int told = 0;
    while (told < r->size - 1) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, SQ_TAG_ASK, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            struct timespec ts = {0, sleep_ns};
            nanosleep(&ts, NULL);
            sleep_ns = sleep_ns * 2 > SQ_POLL_MAX_NS ? SQ_POLL_MAX_NS : sleep_ns * 2;
            continue;
        }
        sleep_ns = SQ_POLL_MIN_NS;
        MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, SQ_TAG_ASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        uint64_t c[2] = {0, 0};
        if (!sq_take(r, &c[0], &c[1]))
            told++;
        MPI_Send(c, 2, MPI_UINT64_T, st.MPI_SOURCE, SQ_TAG_CHUNK, MPI_COMM_WORLD);
    }
    return NULL;
}

/* Another rank asks rank 0 for its next chunk; the reply is waited for in sq_ranks_deal_next. */
static void sq_ask(sq_ranks *r)
{
    MPI_Send(NULL, 0, MPI_BYTE, 0, SQ_TAG_ASK, MPI_COMM_WORLD);
    MPI_Irecv(r->reply, 2, MPI_UINT64_T, 0, SQ_TAG_CHUNK, MPI_COMM_WORLD, &r->req);
}

void sq_ranks_deal_begin(sq_ranks *r, uint64_t b0, uint64_t b1, uint64_t min_chunk)
{
    const uint64_t R = (uint64_t)r->size;
    r->b1 = b1;
    r->min_chunk = min_chunk ? min_chunk : 1;
    r->done = 0;
    /* Every rank's first chunk is known without a message: chunk r of R equal chunks of one
     * guided share each at the start of the round. So no rank waits for rank 0's service
     * thread to be scheduled (it shares a core with the evaluation, and the kernel took ~3 ms
     * per round to run a new thread there: 2.5 % of a 2-rank sweep, measured), and the request
     * for the second chunk travels during the first. */
    uint64_t c = (b1 - b0) / (SQ_GUIDED_SHARE * R);
    if (c < r->min_chunk)
        c = r->min_chunk;
    if (c * R > b1 - b0 || R == 1)
        c = (b1 - b0) / R; /* one rank, or a small round: equal parts (0: fewer ids than ranks) */
    r->own0 = b0 + (uint64_t)r->rank * c;
    r->own1 = r->own0 + c;
    atomic_store(&r->next, b0 + c * R);
    if (r->size == 1)
        return;
    if (r->rank == 0) {
        /* Defensive: without the thread, rank 0 deals every chunk to the others first. */
        r->serving = pthread_create(&r->server, NULL, sq_serve, r) == 0;
        if (!r->serving)
            sq_serve(r);
    } else {
        sq_ask(r);
    }
}

int sq_ranks_deal_next(sq_ranks *r, uint64_t *c0, uint64_t *c1)
{
    if (r->own0 < r->own1) {
        *c0 = r->own0;
        *c1 = r->own1;
        r->own0 = r->own1;
        return 1;
    }
    if (r->rank == 0)
        return sq_take(r, c0, c1);
    if (r->done)
        return 0;
    MPI_Wait(&r->req, MPI_STATUS_IGNORE);
    if (r->reply[0] >= r->reply[1]) {
        r->done = 1;
        return 0;
    }
    *c0 = r->reply[0];
    *c1 = r->reply[1];
    sq_ask(r); /* the next chunk's request travels while this one is evaluated */
    return 1;
}

void sq_ranks_deal_end(sq_ranks *r)
{
    if (r->size > 1 && r->rank == 0 && r->serving) {
        pthread_join(r->server, NULL);
        r->serving = 0;
    }
}
