/*
 * test_helpers.h — shared by the cmocka tests. cmocka 1.1.5 has no floating-point assert, so
 * this is the one relative-tolerance check every test uses.
 */
#ifndef SQUASH_TEST_HELPERS_H
#define SQUASH_TEST_HELPERS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* Fails unless |actual - expected| <= rtol·|expected| (or <= rtol when expected is 0). */
#define assert_close_rel(actual, expected, rtol)                                                   \
    do {                                                                                           \
        double a_ = (double)(actual), e_ = (double)(expected), t_ = (double)(rtol);                \
        double lim_ = e_ == 0.0 ? t_ : t_ * fabs(e_);                                              \
        if (!(fabs(a_ - e_) <= lim_)) {                                                            \
            fail_msg("%s = %.17g, expected %.17g (rtol %g)", #actual, a_, e_, t_);                 \
        }                                                                                          \
    } while (0)

#endif
