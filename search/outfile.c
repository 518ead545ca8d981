/*
 * outfile.c — outputs appear whole or not at all: written to a temporary file beside the final
 * path, flushed to disk, then renamed over it. A run that fails leaves no partial file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sq.h"

int sq_outfile_open(sq_outfile *o, const char *path, sq_error *err)
{
    memset(o, 0, sizeof *o);
    int n1 = snprintf(o->final_path, sizeof o->final_path, "%s", path);
    int n2 = snprintf(o->tmp_path, sizeof o->tmp_path, "%s.tmp.XXXXXX", path);
    if (n1 < 0 || n2 < 0 || (size_t)n2 >= sizeof o->tmp_path)
        return sq_fail(err, SQ_EINPUT, "squash: output path too long: %s", path);
    int fd = mkstemp(o->tmp_path);
    if (fd < 0)
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot create %s: %s", o->tmp_path,
                       strerror(errno));
    /* mkstemp creates 0600; an output is an ordinary file: 0666 less the umask. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int e = errno;
        close(fd);
        unlink(o->tmp_path);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot set the mode of %s: %s", o->tmp_path,
                       strerror(e));
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->tmp_path);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot open %s: %s", o->tmp_path, strerror(e));
    }
    return SQ_OK;
}

int sq_outfile_commit(sq_outfile *o, sq_error *err)
{
    int bad = ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (bad) {
        unlink(o->tmp_path);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot write %s: %s", o->final_path, strerror(e));
    }
    if (rename(o->tmp_path, o->final_path) != 0) {
        e = errno;
        unlink(o->tmp_path);
        return sq_fail(err, SQ_ERUNTIME, "squash: cannot rename to %s: %s", o->final_path,
                       strerror(e));
    }
    return SQ_OK;
}

void sq_outfile_abort(sq_outfile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        unlink(o->tmp_path);
    }
}
