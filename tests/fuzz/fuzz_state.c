/* fuzz_state.c — libFuzzer harness of the run-state reader (sq_state_read, what --resume and
 * merge trust): the input is written to DIR/squash.state in a temporary folder made once and
 * read against the built-in default experiment; any bytes give a state or a clean error.
 * Corpus: tests/fuzz/corpus/state (squash.state files of the default experiment, whose SHA-256
 * the reader checks first: a whole run, a shard, and copies cut down to a few front points). */
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];      /* holds squash.state, removed at exit */
static char file[96];     /* DIR/squash.state */
static sq_experiment *xp; /* the default experiment */

static void cleanup(void)
{
    unlink(file);
    rmdir(dir);
    sq_experiment_free(xp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    sq_error err;
    /* In memory when there is a tmpfs: on ext4 rewriting a file flushes it to disk on close
     * (auto_da_alloc), which made the harness 10 times slower. */
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/squash-fuzz-state-XXXXXX",
             stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0
                 ? "/dev/shm"
                 : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("fuzz: mkdtemp");
        abort();
    }
    snprintf(file, sizeof file, "%s/squash.state", dir);
    if (sq_experiment_load_buffer(&xp, sq_default_experiment_xml, strlen(sq_default_experiment_xml),
                                  "(built-in default)", &err) != SQ_OK) {
        fprintf(stderr, "fuzz: %s\n", err.msg);
        abort();
    }
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(file, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz: writing the state file");
        abort();
    }
    sq_state st;
    sq_error err = {{0}};
    int missing = 0;
    int rc = sq_state_read(&st, xp, dir, &missing, &err);
    /* Errors name DIR/squash.state (or, for an I/O failure, start with "squash:"). */
    fuzz_check(rc, &err, rc == SQ_OK, rc == SQ_ERUNTIME ? "squash:" : file);
    if (missing) {
        fprintf(stderr, "fuzz: a written state reported missing\n");
        abort();
    }
    if (rc == SQ_OK)
        sq_state_free(&st);
    return 0;
}
