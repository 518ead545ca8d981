/*
 * test_search.h — helpers shared by the tests that use the search library (dse.h): loading a
 * zoo network, reading a template parameter. Inline, so a test that uses one pays nothing for
 * the other.
 */
#ifndef SQUASH_TEST_SEARCH_H
#define SQUASH_TEST_SEARCH_H

#include <string.h>

#include "test_helpers.h"

#include "dse.h"

/* Loads network `name` (zoo name or file), failing the test with the loader's message. */
static inline net_network *zoo_load(const char *name)
{
    net_network *net = NULL;
    sq_error err;
    memset(&err, 0, sizeof err);
    int rc = sq_net_load(&net, name, &err);
    if (rc != SQ_OK) {
        fail_msg("sq_net_load(%s) = %d: %s", name, rc, err.msg);
    }
    assert_non_null(net);
    return net;
}

/* Value of a template parameter of hw, by name. */
static inline double hw_get(const hw_config *hw, const char *name)
{
    const pt_param *p = pt_find(hw->tpl->params, hw->tpl->n_params, name);
    assert_non_null(p);
    return pt_get(p, hw->params);
}

#endif
