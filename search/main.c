/*
 * main.c — the `squash` command: argument parsing and dispatch. Work is done by the search
 * library (dse.h); this file only turns command lines into calls and errors into exit codes:
 * 0 success, 1 run-time failure (I/O, memory), 2 bad usage or bad input (CONTRACT.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dse.h"

#define CLI_MAX_SETS 256

static const char cli_usage_text[] =
    "usage: squash COMMAND [OPTIONS]\n"
    "\n"
    "Find how to run a neural network with the least energy.\n"
    "\n"
    "commands:\n"
    "  eval  --net NET --hw HW [--set NAME=VALUE]... [--json] [-o FILE]\n"
    "        evaluate one network on one design with one compression setting;\n"
    "        prints one row per layer and a TOTAL row\n"
    "  list  nets|presets|templates|metrics\n"
    "        name what exists (zoo networks, accelerator presets, templates and their\n"
    "        parameters, output metrics)\n"
    "  check FILE.xml...\n"
    "        validate network, accelerator or experiment files without running them\n"
    "  sweep, merge, label\n"
    "        design-space exploration, shard merging and energy labels (not in this version)\n"
    "\n"
    "  squash --version | --help | COMMAND --help\n"
    "\n"
    "NET is a zoo name (squash list nets) or a network XML file; HW a preset name\n"
    "(squash list presets) or an accelerator XML file. Exit codes: 0 success, 1 run-time\n"
    "failure, 2 bad usage or bad input.\n";

static const char cli_eval_help[] =
    "usage: squash eval --net NET --hw HW [--set NAME=VALUE]... [--json] [-o FILE]\n"
    "\n"
    "Evaluates NET on HW and prints CSV (or JSON): one row per layer, then TOTAL, whose\n"
    "energy, cycles, traffic and latency are the sums of the rows.\n"
    "\n"
    "  --net NET          zoo name or network XML file\n"
    "  --hw HW            preset name or accelerator XML file\n"
    "  --set NAME=VALUE   override a template parameter (rows=64, dataflow=os), a compression\n"
    "                     parameter (prune=0.5, prune_kind=channel, wbits=4, abits=8, numfmt=int)\n"
    "                     or a technology constant (see squash list templates); repeatable,\n"
    "                     applied in order\n"
    "  --json             JSON instead of CSV, with the design's parameters and metrics\n"
    "  -o FILE            write to FILE (atomically) instead of standard output\n";

static const char cli_list_help[] = "usage: squash list nets|presets|templates|metrics\n";

static const char cli_check_help[] =
    "usage: squash check FILE.xml...\n"
    "\n"
    "Validates each file as what its root element says (network, accelerator, experiment).\n"
    "Prints 'FILE: ok' per valid file; errors go to stderr as FILE:LINE: message. Exits 2 if\n"
    "any file is invalid.\n";

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
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *missing = 1;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

static int cli_eval(int argc, char **argv)
{
    const char *net_arg = NULL, *hw_arg = NULL, *out_path = NULL;
    const char *sets[CLI_MAX_SETS];
    size_t n_sets = 0;
    int json = 0;

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
            char what[256];
            snprintf(what, sizeof what, "eval: unknown argument '%s'", argv[i]);
            return cli_bad_usage(what, cli_eval_help);
        }
        if (missing) {
            char what[256];
            snprintf(what, sizeof what, "eval: option '%s' needs a value", argv[i]);
            return cli_bad_usage(what, cli_eval_help);
        }
    }
    if (!net_arg || !hw_arg)
        return cli_bad_usage("eval: --net and --hw are required", cli_eval_help);

    sq_error err = {{0}};
    net_network *net = NULL;
    hw_config hw;
    sw_compression cmp = net_compression_default();
    sq_eval_result res = {0};
    sq_outfile out;
    memset(&out, 0, sizeof out);
    int rc = sq_net_load(&net, net_arg, &err);
    if (rc == SQ_OK)
        rc = sq_hw_load(&hw, hw_arg, &err);
    for (size_t s = 0; rc == SQ_OK && s < n_sets; s++)
        rc = sq_set_apply(&hw, &cmp, sets[s], &err);
    if (rc == SQ_OK)
        rc = sq_eval(net, &hw, &cmp, &res, &err);
    if (rc == SQ_OK) {
        FILE *f = stdout;
        if (out_path) {
            rc = sq_outfile_open(&out, out_path, &err);
            f = out.f;
        }
        if (rc == SQ_OK) {
            rc = json ? sq_write_eval_json(f, &res, net, &hw, &cmp) : sq_write_eval_csv(f, &res);
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
    return cli_report(rc, &err);
}

static void cli_list_params(const hw_param *table, size_t n)
{
    char def[64], lo[64], hi[64];
    for (size_t i = 0; i < n; i++) {
        const hw_param *p = &table[i];
        hw_param_format(p, p->def, def, sizeof def);
        printf("    %-24s %-8s default %-10s ", p->name, p->unit[0] ? p->unit : "-", def);
        if (p->type == HW_P_ENUM) {
            fputs("one of", stdout);
            for (const char *const *c = p->choices; *c; c++)
                printf(" %s", *c);
        } else {
            hw_param_format(p, p->min, lo, sizeof lo);
            hw_param_format(p, p->max, hi, sizeof hi);
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
        }
        printf("compression parameters (every template; <compression>, --set NAME=VALUE):\n");
        cli_list_params(sq_compression_params, sq_compression_n_params);
        printf("technology constants at 45 nm (every template; <tech NAME=\"VALUE\"/> inside "
               "<accelerator>, --set NAME=VALUE):\n");
        cli_list_params(hw_tech_params, hw_tech_n_params);
    } else if (strcmp(what, "metrics") == 0) {
        static const char *const metrics[][2] = {
            {"energy_uj", "energy per inference of one batch (µJ)"},
            {"latency_ms", "latency of one batch (ms)"},
            {"area_mm2", "chip area of the design (mm²)"},
            {"accuracy", "top-1 accuracy (%), baseline of the network in this version"},
            {"power_mw", "average power over the inference (mW)"},
            {"edp", "energy-delay product (µJ·ms)"},
            {"tops_per_w", "effective tera-operations per second per watt (2 ops per MAC)"},
        };
        for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
            printf("%-12s %s\n", metrics[i][0], metrics[i][1]);
    } else {
        char msg[256];
        snprintf(msg, sizeof msg, "list: unknown list '%s'", what);
        return cli_bad_usage(msg, cli_list_help);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

static int cli_check(int argc, char **argv)
{
    if (argc < 3)
        return cli_bad_usage("check: name at least one file", cli_check_help);
    int worst = 0;
    for (int i = 2; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(cli_check_help, stdout);
            return 0;
        }
    }
    for (int i = 2; i < argc; i++) {
        sq_error err = {{0}};
        int rc = sq_check_file(argv[i], &err);
        if (rc == SQ_OK) {
            printf("%s: ok\n", argv[i]);
        } else {
            fprintf(stderr, "%s\n", err.msg);
            int code = cli_exit_code(rc);
            worst = code > worst ? code : worst;
        }
    }
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
    if (strcmp(cmd, "sweep") == 0 || strcmp(cmd, "merge") == 0 || strcmp(cmd, "label") == 0) {
        fprintf(stderr, "squash: '%s' is not implemented in squash %s yet\n", cmd, SQUASH_VERSION);
        return 2;
    }
    char what[256];
    snprintf(what, sizeof what, "unknown command '%s'", cmd);
    return cli_bad_usage(what, cli_usage_text);
}
