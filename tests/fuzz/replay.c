/*
 * replay.c — runs a fuzz harness (fuzz_<loader>.c) without libFuzzer, on every file of the
 * folders given: what the ordinary gcc builds run as the ctest entries fuzz_<loader>, over the
 * inputs fuzzing found (tests/data/fuzz/<loader>/) and the seed corpus. The harness aborts on a
 * broken promise, and the sanitizer build adds its own checks, so a regression fails the test.
 *   replay_<loader> DIR...
 */
#include <dirent.h>
#include <errno.h>

#include "fuzz.h"

/* Feeds one file to the harness. Returns 0, or 1 if it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "replay: %s: cannot read\n", path);
        return 1;
    }
    /* An exact-size copy, as libFuzzer gives, so that a read past the end is caught. */
    uint8_t *data = malloc(n > 0 ? n : 1);
    if (data == NULL) {
        free(buf);
        fprintf(stderr, "replay: out of memory\n");
        return 1;
    }
    memcpy(data, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int failed = 0;
    long files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        /* In name order, so that a failing run is repeatable. */
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                char **nn = realloc(names, cap * sizeof *names);
                if (nn == NULL)
                    abort();
                names = nn;
            }
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            if ((names[n] = malloc(len)) == NULL)
                abort();
            snprintf(names[n++], len, "%s/%s", argv[i], e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof *names, by_name);
        for (size_t k = 0; k < n; k++) {
            failed |= replay_file(names[k]);
            free(names[k]);
            files++;
        }
        free(names);
    }
    printf("replayed %ld files\n", files);
    return failed;
}
