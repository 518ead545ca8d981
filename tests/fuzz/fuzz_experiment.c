/* fuzz_experiment.c — libFuzzer harness of the experiment loader (sq_experiment_load_buffer):
 * any bytes give an experiment or a clean FILE:LINE error. The experiment is named as a file in
 * an empty temporary folder, so zoo and preset names resolve from the built-in copies and a
 * relative file reference fails cleanly (an unknown network or accelerator). Corpus:
 * tests/fuzz/corpus/experiment (results/, tests/data). */
#include <unistd.h>

#include "fuzz.h"

static char dir[] = "/tmp/squash-fuzz-xp-XXXXXX"; /* empty folder, removed at exit */
static char path[sizeof dir + 32];                /* DIR/experiment.xml */

static void remove_dir(void)
{
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (mkdtemp(dir) == NULL) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_dir);
    snprintf(path, sizeof path, "%s/experiment.xml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sq_experiment *xp = NULL;
    sq_error err = {{0}};
    int rc = sq_experiment_load_buffer(&xp, (const char *)data, size, path, &err);
    /* An error in a referenced file outside dir (an absolute ref) names that file instead. */
    int elsewhere = err.msg[0] == '/' && strncmp(err.msg, dir, strlen(dir)) != 0;
    fuzz_check(rc, &err, xp != NULL, elsewhere ? "/" : path);
    sq_experiment_free(xp);
    return 0;
}
