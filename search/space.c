/*
 * space.c — the design space of an experiment: a point is a number.
 *
 * An experiment's sweeps s_0 … s_{k-1}, with n_i values each, span n_0·n_1·…·n_{k-1} points
 * (sq_experiment.space_size). A point is the integer id in [0, space_size) whose mixed-radix
 * digits are the value indices d_i of the sweeps, the LAST sweep varying fastest:
 *
 *     id = ((d_0·n_1 + d_1)·n_2 + d_2)·… + d_{k-1},        0 <= d_i < n_i,
 *
 * so counting ids up walks the nested loops of the file in order (as Timeloop's mapspace
 * indexes its mappings [1]). Ids need no storage, split evenly between threads, shards and MPI
 * ranks, and name a point the same way in all of them: front.csv's id column. The loader caps
 * space_size at 2^53 so that an id also survives a trip through a double.
 *
 * sq_space_point turns an id into a design: it copies the experiment's fixed hw_config and
 * sw_compression and stores each sweep's value through its parameter table (pt_set), then
 * lets the models judge the combination (hw_config_prepare, net_compression_check). A refusal
 * is an infeasible point with a reason, not an error: the loader only checked each value on its
 * own. Both functions are pure and allocate nothing, so threads call them freely; the cost is
 * a few divisions per sweep and one hw_config_prepare (which rescales the technology constants
 * every time; cheap next to evaluating a network).
 *
 * References:
 *   [1] A. Parashar et al., "Timeloop: a systematic approach to DNN accelerator evaluation",
 *       ISPASS 2019; src/mapspaces/ (a mapping is an index into the mapspace).
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>

#include "explore.h"

void sq_space_decode(const sq_experiment *xp, uint64_t id, uint32_t *digits)
{
    assert(xp != NULL && (digits != NULL || xp->n_sweeps == 0));
    assert(id < xp->space_size);
    for (size_t i = xp->n_sweeps; i-- > 0;) {
        uint64_t n = xp->sweeps[i].n_values;
        assert(n >= 1);
        digits[i] = (uint32_t)(id % n);
        id /= n;
    }
}

int sq_space_apply(const sq_experiment *xp, const uint32_t *digits, hw_config *hw,
                   sw_compression *cmp, char *msg, size_t msg_len)
{
    assert(xp != NULL && hw != NULL && cmp != NULL && (digits != NULL || xp->n_sweeps == 0));
    char local[8];
    if (msg == NULL || msg_len == 0) { /* the caller does not want the reason */
        msg = local;
        msg_len = sizeof local;
    }
    msg[0] = '\0';

    *hw = xp->hw;
    *cmp = xp->cmp;
    /* Each value goes straight into its struct. */
    for (size_t i = 0; i < xp->n_sweeps; i++) {
        const sq_sweep *s = &xp->sweeps[i];
        assert(digits[i] < s->n_values);
        void *base = s->is_hw == SQ_SWEEP_TECH ? (void *)&hw->tech45
                     : s->is_hw                ? (void *)hw->params
                                               : (void *)cmp;
        pt_set(s->param, base, s->values[digits[i]]);
    }
    if (hw_config_prepare(hw, msg, msg_len) != 0)
        return -1;
    if (net_compression_check(cmp, msg, msg_len) != 0)
        return -1;
    return 0;
}

int sq_space_point(const sq_experiment *xp, uint64_t id, hw_config *hw, sw_compression *cmp,
                   char *msg, size_t msg_len)
{
    uint32_t digits[SQ_SWEEPS_MAX];
    assert(xp != NULL && xp->n_sweeps <= SQ_SWEEPS_MAX);
    sq_space_decode(xp, id, digits);
    return sq_space_apply(xp, digits, hw, cmp, msg, msg_len);
}
