/*
 * main.c — the `squash` command: argument parsing and dispatch. Work is done by the rooms of
 * the search library (sq.h lists them: loading, exploration, outputs); this file only turns
 * command lines into calls and errors into exit codes: 0 success, 1 run-time failure (I/O,
 * memory), 2 bad usage or bad input (CONTRACT.md). No model arithmetic lives here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "metric.h"
#include "explore.h"
#include "output.h"

#define CLI_MAX_SETS 256

static const char cli_usage_text[] =
    "usage: squash COMMAND [OPTIONS]\n"
    "\n"
    "Find how to run a neural network with the least energy.\n"
    "\n"
    "commands:\n"
    "  eval  (--net NET --hw HW | --from DIR --id N) [--set NAME=VALUE]... [--json]\n"
    "        [--digits N] [-o FILE]\n"
    "        evaluate one network on one design with one compression setting (or point N\n"
    "        of the sweep in DIR); prints one row per layer and a TOTAL row\n"
    "  list  nets|presets|templates|metrics\n"
    "        name what exists (zoo networks, accelerator presets, templates and their\n"
    "        parameters, output metrics)\n"
    "  check FILE.xml... [--shard N] [-j THREADS]\n"
    "        validate network, accelerator or experiment files without running them;\n"
    "        for an experiment, its size and an estimate of the sweep's wall time\n"
    "  sweep [EXPERIMENT.xml] [-o DIR] [-j THREADS] [--shard I/N] [--resume]\n"
    "        [--checkpoint-every SECONDS] [--progress-every SECONDS] [--all] [--digits N]\n"
    "        [-q]\n"
    "        explore a design space and write its Pareto front (no file: the built-in\n"
    "        default experiment)\n"
    "  merge -o DIR [--digits N] [--force] SHARD_DIR...\n"
    "        combine the outputs of sweep --shard runs into the whole space's\n"
    "  calibrate NET.xml [-o OUT.xml]\n"
    "        fit the accuracy model to the measured points of a network file and write\n"
    "        the fitted parameters into its <accuracy> (or into OUT.xml)\n"
    "  label\n"
    "        energy labels (not in this version)\n"
    "\n"
    "  squash --version | --help | COMMAND --help\n"
    "\n"
    "NET is a zoo name (squash list nets) or a network XML file; HW a preset name\n"
    "(squash list presets) or an accelerator XML file. Exit codes: 0 success, 1 run-time\n"
    "failure, 2 bad usage or bad input.\n";

static const char cli_eval_help[] =
    "usage: squash eval --net NET --hw HW [--set NAME=VALUE]... [--json] [--digits N] [-o FILE]\n"
    "       squash eval --from DIR --id N [--set NAME=VALUE]... [--json] [--digits N] [-o FILE]\n"
    "\n"
    "Evaluates NET on HW and prints CSV (or JSON): one row per layer, then TOTAL, whose\n"
    "energy, cycles, traffic and latency are the sums of the rows. Per-layer energies are in\n"
    "pJ; TOTAL also gives energy_uj (as front.csv does) and the network's accuracy.\n"
    "\n"
    "  --net NET          zoo name or network XML file\n"
    "  --hw HW            preset name or accelerator XML file\n"
    "  --from DIR --id N  point N (front.csv's id column) of the sweep whose outputs are in\n"
    "                     DIR: its squash.state names the experiment, which gives the network,\n"
    "                     the design and the compression; TOTAL's energy_uj, latency_ms and\n"
    "                     accuracy equal the point's row in front.csv / points.csv at the same\n"
    "                     --digits. --set still applies, on top of the point's values\n"
    "  --set NAME=VALUE   override a template parameter (rows=64, dataflow=os), a compression\n"
    "                     parameter (prune=0.5, prune_kind=channel, wbits=4, abits=8, numfmt=int)\n"
    "                     or a technology constant (see squash list templates); repeatable,\n"
    "                     applied in order\n"
    "  --json             JSON instead of CSV, with the design's parameters and metrics\n"
    "                     (round-trip numbers whatever --digits says)\n"
    "  --digits N         significant digits of CSV numbers, 1..17 (default 6; 17 gives values\n"
    "                     that read back exactly); whole numbers are written whole\n"
    "  -o FILE            write to FILE (atomically) instead of standard output\n";

static const char cli_list_help[] = "usage: squash list nets|presets|templates|metrics\n";

static const char cli_check_help[] =
    "usage: squash check FILE.xml... [--shard N] [-j THREADS]\n"
    "\n"
    "Validates each file as what its root element says (network, accelerator, experiment).\n"
    "Prints 'FILE: ok' per valid file; errors go to stderr as FILE:LINE: message. Exits 2 if\n"
    "any file is invalid.\n"
    "\n"
    "For an experiment it then prints the space size (each sweep's value count and their\n"
    "product), the distinct layers evaluated per point, and the sweep's wall time on this\n"
    "machine for -j 1, 2, 4, ... up to its cores. The time is measured: one thread evaluates up\n"
    "to 2000 points spread evenly over the space as the sweep does without --all, repeated\n"
    "for at least 0.2 s and stopped after 1 s, and the rate is scaled linearly with the\n"
    "threads. It excludes start-up and writing the outputs.\n"
    "\n"
    "  --shard N    also give the time of one of N shards (sweep --shard I/N)\n"
    "  -j THREADS   also give the time at THREADS threads, and take it for --shard\n"
    "               (default: this machine's cores)\n";

static const char cli_sweep_help[] =
    "usage: squash sweep [EXPERIMENT.xml] [-o DIR] [-j THREADS] [--shard I/N] [--resume]\n"
    "                    [--checkpoint-every SECONDS] [--progress-every SECONDS] [--all]\n"
    "                    [--digits N] [--breakdown] [--force] [-q]\n"
    "\n"
    "Evaluates every point of the experiment's design space and writes to DIR:\n"
    "  front.csv     the Pareto front of the feasible points under the objectives\n"
    "  points.csv    every point with feasible and infeasible_reason columns (with --all)\n"
    "  summary.json  counts, time, hypervolume and its reference point\n"
    "  squash.state  checkpoint while running; what merge and --resume read\n"
    "\n"
    "  -o DIR                  output directory, created with its parents (default: the\n"
    "                          experiment file's folder; for the built-in default experiment\n"
    "                          ./squash-default); locked while the sweep runs (squash.lock)\n"
    "  -j THREADS              OpenMP threads (default: all cores); results do not depend on it\n"
    "  --shard I/N             evaluate only part I (1..N) of N parts of the space (interleaved\n"
    "                          blocks of ids, so that parts cost about the same); combine the\n"
    "                          parts with squash merge\n"
    "  --resume                continue a killed run from DIR's checkpoint\n"
    "  --checkpoint-every S    seconds between checkpoints (default 60)\n"
    "  --all                   also write points.csv\n"
    "  --breakdown             front.csv also gets one COMPONENT_uj column per energy component\n"
    "                          of the template (squash list templates), in uJ per inference\n"
    "  --force                 write over another experiment's outputs in DIR\n"
    "  --digits N              significant digits of the CSV metrics, 1..17 (default 6; 17:\n"
    "                          values that read back exactly). squash.state stays exact, so\n"
    "                          --resume and merge do not depend on it. --resume keeps the\n"
    "                          run's digits; a different --digits is refused with --all (the\n"
    "                          partial points.csv has the first run's) and followed without\n"
    "                          --all\n"
    "  --progress-every S      when stderr is not a terminal (a batch log), one progress line\n"
    "                          every S seconds (default 60; fractions allowed): points done,\n"
    "                          points/s, ETA, front size, time of the last checkpoint\n"
    "  -q                      no progress on stderr (neither the terminal line nor the\n"
    "                          batch lines)\n";

static const char cli_merge_help[] =
    "usage: squash merge -o DIR [--digits N] [--breakdown] [--force] SHARD_DIR...\n"
    "\n"
    "Combines the outputs of squash sweep --shard I/N runs (all N parts, finished) into the\n"
    "front.csv, summary.json and (if every shard has one) points.csv that one run over the\n"
    "whole space gives. Refuses shards whose input files changed since they ran, and a DIR\n"
    "that is one of the shards or (without --force) holds another experiment's outputs.\n"
    "\n"
    "  --digits N   significant digits of front.csv's metrics, 1..17 (default: the shards').\n"
    "               points.csv rows are copied, so with points.csv every shard must have\n"
    "               been run with these digits (else exit 2)\n"
    "  --breakdown  front.csv also gets the energy components (as squash sweep --breakdown)\n"
    "  --force      write over another experiment's outputs in DIR\n";

static const char cli_calibrate_help[] =
    "usage: squash calibrate NET.xml [-o OUT.xml] [--dry-run]\n"
    "\n"
    "Fits the accuracy proxy's parameters (q_scale, p_scale, ptq_scale, dw_factor) to the\n"
    "measured <point>s in NET.xml's <accuracy> by least squares, prints each point measured,\n"
    "as estimated before and after, and writes the parameters as attributes of <accuracy>:\n"
    "into NET.xml itself (atomically), or into OUT.xml with -o. --dry-run writes nothing.\n"
    "Settings that are not measured are then estimated with the fitted parameters.\n";

static int cli_exit_code(int rc)
{
    return rc == SQ_OK ? 0 : rc == SQ_EINPUT ? 2 : 1;
}

static int cli_report(int rc, const sq_error *err)
{
    if (rc != SQ_OK)
        fprintf(stderr, "%s\n", err->msg);
    return cli_exit_code(rc);
}

static int cli_bad_usage(const char *what, const char *help)
{
    fprintf(stderr, "squash: %s\n%s", what, help);
    return 2;
}

static int cli_is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past the value. */
static int cli_opt(int argc, char **argv, int *i, const char *name, const char **value,
                   int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') {
        /* Short options also take their value attached: -j4, -oDIR. */
        if (n == 2 && name[0] == '-' && name[1] != '-') {
            *value = a + n;
            return 1;
        }
        return 0;
    }
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0') { /* an empty value ("-o ''") is none */
        *missing = 1;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

/* Parses a whole decimal unsigned number in [lo, hi]; 0 or -1. */
static int cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* --digits N: 0 and *out set, or -1 (the caller reports bad usage). */
static int cli_digits(const char *v, int *out)
{
    uint64_t u;
    if (cli_u64(v, SQ_DIGITS_MIN, SQ_DIGITS_MAX, &u) != 0)
        return -1;
    *out = (int)u;
    return 0;
}

static int cli_eval(int argc, char **argv)
{
    const char *net_arg = NULL, *hw_arg = NULL, *out_path = NULL, *from = NULL;
    const char *sets[CLI_MAX_SETS];
    size_t n_sets = 0;
    int json = 0, digits = SQ_DIGITS_DEFAULT, have_id = 0;
    uint64_t id = 0;
    char what[256];

    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int missing = 0;
        if (cli_is_help(argv[i])) {
            fputs(cli_eval_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (cli_opt(argc, argv, &i, "--net", &v, &missing)) {
            net_arg = v;
        } else if (cli_opt(argc, argv, &i, "--hw", &v, &missing)) {
            hw_arg = v;
        } else if (cli_opt(argc, argv, &i, "--from", &v, &missing)) {
            from = v;
        } else if (cli_opt(argc, argv, &i, "--id", &v, &missing)) {
            if (!missing && cli_u64(v, 0, UINT64_MAX, &id) != 0) {
                snprintf(what, sizeof what,
                         "eval: --id needs a point id (a whole number), not '%s'", v);
                return cli_bad_usage(what, cli_eval_help);
            }
            have_id = 1;
        } else if (cli_opt(argc, argv, &i, "--digits", &v, &missing)) {
            if (!missing && cli_digits(v, &digits) != 0) {
                snprintf(what, sizeof what, "eval: --digits needs 1..17, not '%s'", v);
                return cli_bad_usage(what, cli_eval_help);
            }
        } else if (cli_opt(argc, argv, &i, "-o", &v, &missing) ||
                   cli_opt(argc, argv, &i, "--output", &v, &missing)) {
            out_path = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v, &missing)) {
            if (!missing) {
                if (n_sets == CLI_MAX_SETS)
                    return cli_bad_usage("too many --set options", cli_eval_help);
                sets[n_sets++] = v;
            }
        } else {
            snprintf(what, sizeof what, "eval: unknown argument '%s'", argv[i]);
            return cli_bad_usage(what, cli_eval_help);
        }
        if (missing) {
            snprintf(what, sizeof what, "eval: option '%s' needs a value", argv[i]);
            return cli_bad_usage(what, cli_eval_help);
        }
    }
    if ((from || have_id) && (net_arg || hw_arg))
        return cli_bad_usage("eval: --from DIR --id N replaces --net and --hw", cli_eval_help);
    if ((from != NULL) != (have_id != 0))
        return cli_bad_usage("eval: --from DIR and --id N go together", cli_eval_help);
    if (!from && (!net_arg || !hw_arg))
        return cli_bad_usage("eval: --net and --hw (or --from and --id) are required",
                             cli_eval_help);

    sq_error err = {{0}};
    net_network *net = NULL;
    sq_experiment *xp = NULL;
    hw_config hw;
    sw_compression cmp = net_compression_default();
    sq_eval_result res = {0};
    sq_outfile out;
    memset(&out, 0, sizeof out);
    int rc;
    if (from) {
        rc = sq_eval_from(&xp, &hw, &cmp, from, id, &err);
        if (rc == SQ_OK) { /* net is taken over from the experiment, freed as a loaded one */
            net = xp->net;
            xp->net = NULL;
        }
    } else {
        rc = sq_net_load(&net, net_arg, &err);
        if (rc == SQ_OK)
            rc = sq_hw_load(&hw, hw_arg, &err);
    }
    if (rc == SQ_OK)
        rc = sq_set_apply_all(&hw, &cmp, sets, n_sets, &err);
    if (rc == SQ_OK)
        rc = sq_eval(net, &hw, &cmp, &res, &err);
    if (rc == SQ_OK) {
        FILE *f = stdout;
        if (out_path) {
            rc = sq_outfile_open(&out, out_path, &err);
            f = out.f;
        }
        if (rc == SQ_OK) {
            rc = json ? sq_write_eval_json(f, &res, net, &hw, &cmp)
                      : sq_write_eval_csv(f, &res, digits);
            if (rc != SQ_OK)
                sq_fail(&err, rc, "squash: cannot write the output");
        }
        if (out_path && out.f) {
            if (rc == SQ_OK)
                rc = sq_outfile_commit(&out, &err);
            else
                sq_outfile_abort(&out);
        } else if (!out_path && fflush(stdout) != 0) {
            rc = sq_fail(&err, SQ_ERUNTIME, "squash: cannot write standard output");
        }
    }
    sq_eval_result_free(&res);
    net_network_free(net);
    sq_experiment_free(xp);
    return cli_report(rc, &err);
}

static int cli_sweep(int argc, char **argv)
{
    sq_sweep_opts o = {.shard_i = 1, .shard_n = 1, .checkpoint_s = 60.0, .progress_s = 60.0};
    const char *xp_path = NULL;
    char what[512];
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int missing = 0;
        uint64_t u;
        if (cli_is_help(argv[i])) {
            fputs(cli_sweep_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--resume") == 0) {
            o.resume = 1;
        } else if (strcmp(argv[i], "--breakdown") == 0) {
            o.breakdown = 1;
        } else if (strcmp(argv[i], "--all") == 0) {
            o.all = 1;
        } else if (strcmp(argv[i], "--force") == 0) {
            o.force = 1;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            o.quiet = 1;
        } else if (cli_opt(argc, argv, &i, "-o", &v, &missing) ||
                   cli_opt(argc, argv, &i, "--output", &v, &missing)) {
            o.out_dir = v;
        } else if (cli_opt(argc, argv, &i, "-j", &v, &missing) ||
                   cli_opt(argc, argv, &i, "--threads", &v, &missing)) {
            if (!missing && cli_u64(v, 1, 4096, &u) != 0) {
                snprintf(what, sizeof what, "sweep: -j needs a thread count 1..4096, not '%s'", v);
                return cli_bad_usage(what, cli_sweep_help);
            }
            o.threads = missing ? 0 : (int)u;
        } else if (cli_opt(argc, argv, &i, "--shard", &v, &missing)) {
            const char *slash = missing ? NULL : strchr(v, '/');
            char left[32];
            uint64_t si = 0, sn = 0;
            if (!missing && (!slash || (size_t)(slash - v) >= sizeof left ||
                             (memcpy(left, v, (size_t)(slash - v)), left[slash - v] = '\0',
                              cli_u64(left, 1, UINT64_MAX, &si) != 0) ||
                             cli_u64(slash + 1, 1, UINT64_MAX, &sn) != 0 || si > sn)) {
                snprintf(what, sizeof what,
                         "sweep: --shard needs I/N with 1 <= I <= N (e.g. 2/8), not '%s'", v);
                return cli_bad_usage(what, cli_sweep_help);
            }
            o.shard_i = si;
            o.shard_n = sn;
        } else if (cli_opt(argc, argv, &i, "--digits", &v, &missing)) {
            if (!missing && cli_digits(v, &o.digits) != 0) {
                snprintf(what, sizeof what, "sweep: --digits needs 1..17, not '%s'", v);
                return cli_bad_usage(what, cli_sweep_help);
            }
        } else if (cli_opt(argc, argv, &i, "--checkpoint-every", &v, &missing)) {
            char *end;
            double sec = missing ? 0 : strtod(v, &end);
            if (!missing && (end == v || *end || !(sec > 0.0) || sec > 1e9)) {
                snprintf(what, sizeof what,
                         "sweep: --checkpoint-every needs a positive number of seconds, not '%s'",
                         v);
                return cli_bad_usage(what, cli_sweep_help);
            }
            o.checkpoint_s = sec;
        } else if (cli_opt(argc, argv, &i, "--progress-every", &v, &missing)) {
            char *end;
            double sec = missing ? 0 : strtod(v, &end);
            if (!missing && (end == v || *end || !(sec > 0.0) || sec > 1e9)) {
                snprintf(what, sizeof what,
                         "sweep: --progress-every needs a positive number of seconds, not '%s'", v);
                return cli_bad_usage(what, cli_sweep_help);
            }
            o.progress_s = sec;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            snprintf(what, sizeof what, "sweep: unknown option '%s'", argv[i]);
            return cli_bad_usage(what, cli_sweep_help);
        } else if (!xp_path) {
            xp_path = argv[i];
        } else {
            snprintf(what, sizeof what, "sweep: more than one experiment file ('%s')", argv[i]);
            return cli_bad_usage(what, cli_sweep_help);
        }
        if (missing) {
            snprintf(what, sizeof what, "sweep: option '%s' needs a value", argv[i]);
            return cli_bad_usage(what, cli_sweep_help);
        }
    }

    sq_error err = {{0}};
    sq_experiment *xp = NULL;
    int rc = xp_path ? sq_experiment_load(&xp, xp_path, &err)
                     : sq_experiment_load_buffer(&xp, sq_default_experiment_xml,
                                                 strlen(sq_default_experiment_xml),
                                                 SQ_BUILTIN_XP_PATH, &err);
    char dir[4096];
    if (rc == SQ_OK && !o.out_dir) {
        if (!xp_path) {
            snprintf(dir, sizeof dir, "squash-default");
        } else {
            const char *slash = strrchr(xp_path, '/');
            if (!slash)
                snprintf(dir, sizeof dir, ".");
            else
                snprintf(dir, sizeof dir, "%.*s", slash == xp_path ? 1 : (int)(slash - xp_path),
                         xp_path);
        }
        o.out_dir = dir;
    }
    if (rc == SQ_OK)
        rc = sq_sweep_run(xp, &o, &err);
    sq_experiment_free(xp);
    return cli_report(rc, &err);
}

static int cli_merge(int argc, char **argv)
{
    const char *out_dir = NULL;
    char *dirs[4096];
    size_t n = 0;
    int digits = 0, force = 0, breakdown = 0;
    char what[512];
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int missing = 0;
        if (cli_is_help(argv[i])) {
            fputs(cli_merge_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (strcmp(argv[i], "--breakdown") == 0) {
            breakdown = 1;
        } else if (cli_opt(argc, argv, &i, "-o", &v, &missing) ||
                   cli_opt(argc, argv, &i, "--output", &v, &missing)) {
            if (missing)
                return cli_bad_usage("merge: -o needs a directory", cli_merge_help);
            out_dir = v;
        } else if (cli_opt(argc, argv, &i, "--digits", &v, &missing)) {
            if (missing || cli_digits(v, &digits) != 0) {
                snprintf(what, sizeof what, "merge: --digits needs 1..17, not '%s'",
                         missing ? "" : v);
                return cli_bad_usage(what, cli_merge_help);
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            snprintf(what, sizeof what, "merge: unknown option '%s'", argv[i]);
            return cli_bad_usage(what, cli_merge_help);
        } else if (n == sizeof dirs / sizeof dirs[0]) {
            return cli_bad_usage("merge: too many shard directories", cli_merge_help);
        } else {
            dirs[n++] = argv[i];
        }
    }
    if (!out_dir || n == 0)
        return cli_bad_usage("merge: -o DIR and at least one shard directory are required",
                             cli_merge_help);
    sq_error err = {{0}};
    return cli_report(sq_merge_run_digits(out_dir, dirs, n, 1, digits, breakdown, force, &err),
                      &err);
}

static int cli_calibrate(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int dry = 0;
    char what[512];
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int missing = 0;
        if (cli_is_help(argv[i])) {
            fputs(cli_calibrate_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            dry = 1;
        } else if (cli_opt(argc, argv, &i, "-o", &v, &missing) ||
                   cli_opt(argc, argv, &i, "--output", &v, &missing)) {
            if (missing)
                return cli_bad_usage("calibrate: -o needs a file", cli_calibrate_help);
            out = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            snprintf(what, sizeof what, "calibrate: unknown option '%s'", argv[i]);
            return cli_bad_usage(what, cli_calibrate_help);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_bad_usage("calibrate: one network file at a time", cli_calibrate_help);
        }
    }
    if (!in)
        return cli_bad_usage("calibrate: name a network XML file", cli_calibrate_help);
    if (sq_builtin_find(sq_zoo, sq_zoo_n, in) != NULL)
        return cli_bad_usage("calibrate: a zoo network is built in; copy its file "
                             "(nets/zoo/NAME.xml), add your measured points, and calibrate that",
                             cli_calibrate_help);

    sq_error err = {{0}};
    net_network *net = NULL;
    int rc = sq_net_load(&net, in, &err);
    if (rc != SQ_OK)
        return cli_report(rc, &err);
    if (net->n_acc_points == 0) {
        fprintf(stderr, "squash: %s has no measured <point> in an <accuracy> element to fit\n", in);
        net_network_free(net);
        return 2;
    }
    net_acc_params before = net->acc.set ? net->acc : net_acc_defaults(net), after;
    double rms = 0.0;
    char msg[512];
    if (net_acc_calibrate(net, &after, &rms, msg, sizeof msg) != 0) {
        fprintf(stderr, "squash: %s: %s\n", in, msg);
        net_network_free(net);
        return 2;
    }
    /* The points, measured against the proxy before and after (estimates, not lookups). */
    printf("%-8s %-13s %5s %5s %-6s %9s %9s %9s\n", "prune", "prune_kind", "wbits", "abits",
           "method", "measured", "before", "after");
    for (size_t i = 0; i < net->n_acc_points; i++) {
        const net_acc_point *pt = &net->acc_points[i];
        double b = net_acc_point_estimate(net, &before, i);
        double a = net_acc_point_estimate(net, &after, i);
        printf("%-8g %-13s %5u %5u %-6s %9.2f %9.2f %9.2f\n", pt->prune,
               net_prune_kind_names[pt->prune_kind], pt->wbits, pt->abits,
               net_quant_names[pt->method], pt->top1, b, a);
    }
    printf("rms error: %.3f points before, %.3f after\n", net_acc_rms(net, &before), rms);
    printf("q_scale=%.6g p_scale=%.6g ptq_scale=%.6g dw_factor=%.6g naive_scale=%.6g "
           "floor_8bit=%.6g\n",
           after.q_scale, after.p_scale, after.ptq_scale, after.dw_factor, after.naive_scale,
           after.floor_8bit);
    net_network_free(net);
    if (dry)
        return 0;
    after.set = 1;
    rc = sq_net_save_acc(in, out ? out : in, &after, &err);
    if (rc == SQ_OK)
        printf("wrote %s\n", out ? out : in);
    return cli_report(rc, &err);
}

static void cli_list_params(const pt_param *table, size_t n)
{
    char def[64], lo[64], hi[64];
    for (size_t i = 0; i < n; i++) {
        const pt_param *p = &table[i];
        pt_format(p, p->def, def, sizeof def);
        printf("    %-24s %-8s default %-10s ", p->name, p->unit[0] ? p->unit : "-", def);
        if (p->type == PT_ENUM) {
            fputs("one of", stdout);
            for (const char *const *c = p->choices; *c; c++)
                printf(" %s", *c);
        } else {
            pt_format(p, p->min, lo, sizeof lo);
            pt_format(p, p->max, hi, sizeof hi);
            printf("%s..%s", lo, hi);
        }
        printf("  %s\n", p->help ? p->help : "");
    }
}

static int cli_list(int argc, char **argv)
{
    if (argc != 3 || cli_is_help(argv[2])) {
        if (argc == 3)
            return fputs(cli_list_help, stdout), 0;
        return cli_bad_usage("list: say what to list", cli_list_help);
    }
    const char *what = argv[2];
    sq_error err = {{0}};
    if (strcmp(what, "nets") == 0) {
        printf("%-18s %7s %12s %12s %8s  %s\n", "name", "layers", "macs", "weights", "top1",
               "source");
        for (size_t i = 0; i < sq_zoo_n; i++) {
            net_network *net = NULL;
            int rc = sq_net_load(&net, sq_zoo[i].name, &err);
            if (rc != SQ_OK)
                return cli_report(rc, &err);
            printf("%-18s %7zu %12llu %12llu %8.2f  %s\n", net->name, net->n_layers,
                   (unsigned long long)net_network_macs(net),
                   (unsigned long long)net_network_weights(net), net->top1, net->source);
            net_network_free(net);
        }
    } else if (strcmp(what, "presets") == 0) {
        printf("%-18s %-10s %10s %10s  %s\n", "name", "template", "peak_tops", "area_mm2", "file");
        for (size_t i = 0; i < sq_presets_n; i++) {
            hw_config hw;
            int rc = sq_hw_load(&hw, sq_presets[i].name, &err);
            if (rc != SQ_OK)
                return cli_report(rc, &err);
            printf("%-18s %-10s %10.3f %10.3f  %s\n", sq_presets[i].name, hw.tpl->name,
                   hw_peak_tops(&hw), hw_area_mm2(&hw), sq_presets[i].path);
        }
    } else if (strcmp(what, "templates") == 0) {
        for (size_t t = 0; hw_templates[t]; t++) {
            printf("%s: %s\n  parameters (attributes of <accelerator>, --set NAME=VALUE):\n",
                   hw_templates[t]->name, hw_templates[t]->summary);
            cli_list_params(hw_templates[t]->params, hw_templates[t]->n_params);
            if (hw_templates[t]->n_tech_params > 0) {
                printf("  its technology constants at 45 nm (<tech NAME=\"VALUE\"/>, --set, "
                       "<sweep>):\n");
                cli_list_params(hw_templates[t]->tech_params, hw_templates[t]->n_tech_params);
            }
            printf("  energy components (eval columns NAME_pj; energy_pj is their sum):\n");
            for (size_t c = 0; c < hw_templates[t]->n_components; c++)
                printf("    %-24s %s\n", hw_templates[t]->components[c].name,
                       hw_templates[t]->components[c].help);
        }
        printf("compression parameters (every template; <compression>, --set NAME=VALUE):\n");
        cli_list_params(net_compression_params, net_compression_n_params);
        printf("technology constants at 45 nm (every template; <tech NAME=\"VALUE\"/> inside "
               "<accelerator>, --set NAME=VALUE, <sweep> in <accelerator>):\n");
        cli_list_params(hw_tech_params, hw_tech_n_params);
    } else if (strcmp(what, "metrics") == 0) {
        for (int i = 0; i < SQ_N_METRICS; i++)
            printf("%-12s %-8s %s\n", sq_metrics[i].name, sq_metrics[i].unit, sq_metrics[i].help);
    } else {
        char msg[256];
        snprintf(msg, sizeof msg, "list: unknown list '%s'", what);
        return cli_bad_usage(msg, cli_list_help);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Is argv[i] one of check's options (taking its value), for the loop over the files? */
static int cli_check_opt(int argc, char **argv, int *i, const char **shard, const char **threads,
                         int *missing)
{
    return cli_opt(argc, argv, i, "--shard", shard, missing) ||
           cli_opt(argc, argv, i, "-j", threads, missing) ||
           cli_opt(argc, argv, i, "--threads", threads, missing);
}

static int cli_check(int argc, char **argv)
{
    const char *shard = NULL, *threads = NULL;
    uint64_t shard_n = 0, threads_n = 0;
    int n_files = 0, worst = 0;
    char what[512];
    for (int i = 2; i < argc; i++) {
        int missing = 0;
        if (cli_is_help(argv[i])) {
            fputs(cli_check_help, stdout);
            return 0;
        } else if (cli_check_opt(argc, argv, &i, &shard, &threads, &missing)) {
            if (missing) {
                snprintf(what, sizeof what, "check: option '%s' needs a value", argv[i]);
                return cli_bad_usage(what, cli_check_help);
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            snprintf(what, sizeof what, "check: unknown option '%s'", argv[i]);
            return cli_bad_usage(what, cli_check_help);
        } else {
            n_files++;
        }
    }
    if (n_files == 0)
        return cli_bad_usage("check: name at least one file", cli_check_help);
    if (shard && cli_u64(shard, 1, UINT64_MAX, &shard_n) != 0) {
        snprintf(what, sizeof what, "check: --shard needs a shard count N >= 1, not '%s'", shard);
        return cli_bad_usage(what, cli_check_help);
    }
    if (threads && cli_u64(threads, 1, 4096, &threads_n) != 0) {
        snprintf(what, sizeof what, "check: -j needs a thread count 1..4096, not '%s'", threads);
        return cli_bad_usage(what, cli_check_help);
    }
    const int cores = sq_cores();
    for (int i = 2; i < argc; i++) {
        const char *ignored = NULL;
        int missing = 0;
        if (cli_check_opt(argc, argv, &i, &ignored, &ignored, &missing))
            continue;
        sq_error err = {{0}};
        int rc = sq_check_file(argv[i], &err);
        if (rc == SQ_OK) {
            printf("%s: ok\n", argv[i]);
            /* An experiment: its size and time. A valid file that does not load as one is a
             * network or an accelerator, which say nothing more. */
            sq_experiment *xp = NULL;
            sq_estimate est;
            if (sq_experiment_load(&xp, argv[i], &err) == SQ_OK) {
                rc = sq_estimate_run(xp, 2000, 0.2, 1.0, &est, &err);
                if (rc == SQ_OK)
                    sq_check_report(stdout, xp, &est, cores, (int)threads_n, shard_n);
                sq_experiment_free(xp);
            }
            fflush(stdout);
        }
        if (rc != SQ_OK) {
            fprintf(stderr, "%s\n", err.msg);
            int code = cli_exit_code(rc);
            worst = code > worst ? code : worst;
        }
    }
    if (fflush(stdout) != 0)
        worst = worst > 1 ? worst : 1;
    return worst;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_bad_usage("no command given", cli_usage_text);
    const char *cmd = argv[1];
    if (cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        fputs(cli_usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("squash %s\n", SQUASH_VERSION);
        return 0;
    }
    if (strcmp(cmd, "eval") == 0)
        return cli_eval(argc, argv);
    if (strcmp(cmd, "list") == 0)
        return cli_list(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cli_check(argc, argv);
    if (strcmp(cmd, "sweep") == 0)
        return cli_sweep(argc, argv);
    if (strcmp(cmd, "merge") == 0)
        return cli_merge(argc, argv);
    if (strcmp(cmd, "calibrate") == 0)
        return cli_calibrate(argc, argv);
    if (strcmp(cmd, "label") == 0) {
        fprintf(stderr, "squash: '%s' is not implemented in squash %s yet\n", cmd, SQUASH_VERSION);
        return 2;
    }
    char what[256];
    snprintf(what, sizeof what, "unknown command '%s'", cmd);
    return cli_bad_usage(what, cli_usage_text);
}
