/*
 * error.c — the error message every failing function of search/ fills (sq_error), and lookup
 * in the built-in file lists (zoo networks, accelerator presets).
 *
 * There is no global error slot: each caller owns its sq_error, so loaders and evaluations can
 * run on many threads at once (libgit2's convention, minus the thread-local).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dse.h"

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

const sq_builtin *sq_builtin_find(const sq_builtin *list, size_t n, const char *name)
{
    assert(list != NULL || n == 0);
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].name, name) == 0)
            return &list[i];
    }
    return NULL;
}
