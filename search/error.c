/*
 * error.c — the error message every failing function of search/ fills (sq_error).
 *
 * There is no global error slot: each caller owns its sq_error, so loaders and evaluations can
 * run on many threads at once (libgit2's convention, minus the thread-local).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "sq.h"

int sq_fail(sq_error *err, int code, const char *fmt, ...)
{
    assert(fmt != NULL);
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
