/*
 * report.c — `squash eval` output as CSV or JSON. The columns come from one list (sq_cols_make:
 * the common counts plus one `<component>_pj` column per energy component the design's template
 * declares), so CSV header, CSV rows and JSON keys cannot drift apart. The CONTRACT.md columns
 * come first (layer,kind,macs,cycles,utilization,energy_pj,mac_pj,sram_pj,dram_pj,static_pj,
 * dram_bytes); the template's other components and the remaining counts follow. Per-layer energies
 * stay in pJ; the TOTAL row also gives `energy_uj` (empty on layer rows), the unit of front.csv, so
 * that a sweep's row and an eval TOTAL compare without arithmetic.
 *
 * Numbers. CSV cells are written with `digits` significant digits (sq_fmt_num: %.Ng, integers
 * as integers; 6 by default, what a paper table wants); digits = 17 is the round-trip format of
 * sq_fmt_double, byte for byte what squash wrote before --digits existed. JSON always gets
 * round-trip values: it is read by programs, not people. NaN, Inf and -0 never reach an output.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "output.h"

typedef enum { COL_U64, COL_F64, COL_COMP } sq_col_type;

typedef struct sq_col {
    char name[48];    /* column / JSON key, unit in the name */
    sq_col_type type; /* field type */
    size_t offset;    /* offsetof(hw_layer_cost, field); COL_COMP: the component's index */
} sq_col;

/* Columns: the common counts, the CONTRACT.md components (mac, sram, dram, static: every
 * template declares them), dram_bytes, the template's other components in its table's order,
 * then the rest of the counts. For the systolic template this is the column order squash has
 * always printed. */
#define SQ_MAX_COLS (16 + HW_COMP_MAX)
typedef struct sq_cols {
    sq_col c[SQ_MAX_COLS];
    size_t n;
} sq_cols;

static void sq_cols_field(sq_cols *cols, const char *name, sq_col_type type, size_t offset)
{
    assert(cols->n < SQ_MAX_COLS);
    sq_col *c = &cols->c[cols->n++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->type = type;
    c->offset = offset;
}

static void sq_cols_comp(sq_cols *cols, const hw_template *tpl, size_t i)
{
    char name[48];
    snprintf(name, sizeof name, "%s_pj", tpl->components[i].name);
    sq_cols_field(cols, name, COL_COMP, i);
}

#define U64(f) sq_cols_field(cols, #f, COL_U64, offsetof(hw_layer_cost, f))
#define F64(f) sq_cols_field(cols, #f, COL_F64, offsetof(hw_layer_cost, f))
static void sq_cols_make(sq_cols *cols, const hw_template *tpl)
{
    static const char *const common[] = HW_COMPONENTS_COMMON;
    cols->n = 0;
    U64(macs);
    U64(cycles);
    F64(utilization);
    F64(energy_pj);
    for (size_t i = 0; i < HW_N_COMPONENTS_COMMON; i++) {
        int k = hw_component_find(tpl, common[i]);
        assert(k >= 0); /* hw_template_check */
        if (k >= 0)
            sq_cols_comp(cols, tpl, (size_t)k);
    }
    U64(dram_bytes);
    for (size_t i = 0; i < tpl->n_components; i++) {
        int is_common = 0;
        for (size_t j = 0; j < HW_N_COMPONENTS_COMMON; j++)
            is_common |= strcmp(tpl->components[i].name, common[j]) == 0;
        if (!is_common)
            sq_cols_comp(cols, tpl, i);
    }
    U64(compute_cycles);
    U64(memory_cycles);
    U64(sram_bytes);
    U64(macs_done);
    F64(latency_ms);
    U64(buffer_cycles);
}
#undef U64
#undef F64

void sq_fmt_double(char *buf, size_t len, double v)
{
    assert(isfinite(v));
    if (!isfinite(v))
        v = 0.0; /* defensive: a model bug must not poison a CSV */
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, len, "%.17g", v);
}

void sq_fmt_num(char *buf, size_t len, double v, int digits)
{
    assert(digits >= SQ_DIGITS_MIN && digits <= SQ_DIGITS_MAX);
    if (digits >= SQ_DIGITS_MAX || !isfinite(v)) {
        sq_fmt_double(buf, len, v);
        return;
    }
    if (digits < SQ_DIGITS_MIN)
        digits = SQ_DIGITS_MIN; /* defensive: the command line checks the range */
    if (v == 0.0) {
        snprintf(buf, len, "0"); /* also -0 */
        return;
    }
    /* A whole number below 2^53 is printed whole ("1234567", not "1.23457e+06"): counts and
     * integer-valued metrics keep every digit, which costs a paper nothing. */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, len, "%.0f", v);
        return;
    }
    snprintf(buf, len, "%.*g", digits, v);
}

/* digits: significant digits of a double cell (sq_fmt_num); counts are always whole. */
static void sq_fmt_col(char *buf, size_t len, const sq_col *c, const hw_layer_cost *cost,
                       int digits)
{
    if (c->type == COL_COMP) {
        sq_fmt_num(buf, len, cost->comp_pj[c->offset], digits);
        return;
    }
    const char *base = (const char *)cost + c->offset;
    if (c->type == COL_U64) {
        uint64_t u;
        memcpy(&u, base, sizeof u);
        snprintf(buf, len, "%" PRIu64, u);
    } else {
        double d;
        memcpy(&d, base, sizeof d);
        sq_fmt_num(buf, len, d, digits);
    }
}

/* Is the layer limited by DRAM bandwidth rather than by the array? */
static const char *sq_bound(const hw_layer_cost *c)
{
    if (c->buffer_cycles > c->compute_cycles && c->buffer_cycles > c->memory_cycles)
        return "buffer";
    return c->memory_cycles > c->compute_cycles ? "memory" : "compute";
}

void sq_csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        if (*s != '\n' && *s != '\r')
            fputc(*s, f);
    }
    fputc('"', f);
}

/* tot: the network's accuracy, its source and the energy in µJ, on the TOTAL row only (NULL on
 * layer rows, whose cells stay empty: they are properties of the whole network). */
static void sq_csv_row(FILE *f, const sq_cols *cols, const char *name, const char *kind,
                       const hw_layer_cost *c, double density, const sq_eval_result *tot,
                       int digits)
{
    char buf[64];
    sq_csv_field(f, name);
    fprintf(f, ",%s", kind);
    for (size_t i = 0; i < cols->n; i++) {
        sq_fmt_col(buf, sizeof buf, &cols->c[i], c, digits);
        fprintf(f, ",%s", buf);
    }
    sq_fmt_num(buf, sizeof buf, density, digits);
    fprintf(f, ",%s,%s", sq_bound(c), buf);
    if (tot) {
        sq_fmt_num(buf, sizeof buf, tot->accuracy, digits);
        fprintf(f, ",%s,%s", buf, net_acc_src_names[tot->accuracy_src]);
        /* The metric table's energy_uj, as point.c's, so the two agree to the last bit. */
        const sq_totals energy = {.energy_pj = c->energy_pj};
        sq_fmt_num(buf, sizeof buf, sq_metrics[SQ_ENERGY_UJ].value(&energy), digits);
        fprintf(f, ",%s", buf);
        sq_fmt_num(buf, sizeof buf, tot->accuracy_lo, digits);
        fprintf(f, ",%s", buf);
        sq_fmt_num(buf, sizeof buf, tot->accuracy_hi, digits);
        fprintf(f, ",%s\n", buf);
    } else {
        fputs(",,,,,\n", f);
    }
}

int sq_write_eval_csv(FILE *f, const sq_eval_result *res, int digits)
{
    sq_cols cols;
    sq_cols_make(&cols, res->tpl);
    fputs("layer,kind", f);
    for (size_t i = 0; i < cols.n; i++)
        fprintf(f, ",%s", cols.c[i].name);
    fputs(",bound,weight_density,accuracy,accuracy_src,energy_uj,accuracy_lo,accuracy_hi\n", f);

    double dense_w = 0.0, kept_w = 0.0;
    for (size_t i = 0; i < res->n_layers; i++) {
        const net_layer *l = &res->layers[i];
        sq_csv_row(f, &cols, l->name, net_kinds[l->kind].name, &res->costs[i], l->density, NULL,
                   digits);
        double w = (double)net_layer_weights(l);
        dense_w += w;
        kept_w += w * l->density;
    }
    sq_csv_row(f, &cols, "TOTAL", "total", &res->total, dense_w > 0 ? kept_w / dense_w : 1.0, res,
               digits);
    return ferror(f) ? SQ_ERUNTIME : SQ_OK;
}

void sq_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void sq_json_num(FILE *f, const char *key, double v, int comma)
{
    char buf[64];
    sq_fmt_double(buf, sizeof buf, v);
    fprintf(f, "%s\"%s\": %s", comma ? ", " : "", key, buf);
}

static void sq_json_cost(FILE *f, const sq_cols *cols, const hw_layer_cost *c)
{
    char buf[64];
    for (size_t i = 0; i < cols->n; i++) {
        sq_fmt_col(buf, sizeof buf, &cols->c[i], c, SQ_DIGITS_MAX);
        fprintf(f, "%s\"%s\": %s", i ? ", " : "", cols->c[i].name, buf);
    }
    fprintf(f, ", \"bound\": \"%s\"", sq_bound(c));
}

/* One object of a parameter table's values, e.g. {"rows": 32, "dataflow": "ws"}. */
static void sq_json_params(FILE *f, const pt_param *table, size_t n, const void *base)
{
    char buf[64];
    fputc('{', f);
    for (size_t i = 0; i < n; i++) {
        pt_format(&table[i], pt_get(&table[i], base), buf, sizeof buf);
        fprintf(f, "%s\"%s\": ", i ? ", " : "", table[i].name);
        if (table[i].type == PT_ENUM)
            sq_json_str(f, buf);
        else
            fputs(buf, f);
    }
    fputc('}', f);
}

int sq_write_eval_json(FILE *f, const sq_eval_result *res, const net_network *net,
                       const hw_config *hw, const sw_compression *cmp)
{
    const hw_layer_cost *t = &res->total;
    sq_cols cols;
    sq_cols_make(&cols, res->tpl);
    fputs("{\n  \"network\": ", f);
    sq_json_str(f, net->name);
    fputs(",\n  \"accelerator\": ", f);
    sq_json_str(f, hw->name);
    fputs(",\n  \"template\": ", f);
    sq_json_str(f, hw->tpl->name);
    fputs(",\n  \"params\": ", f);
    sq_json_params(f, hw->tpl->params, hw->tpl->n_params, hw->params);
    fputs(",\n  \"compression\": ", f);
    sq_json_params(f, net_compression_params, net_compression_n_params, cmp);
    fputs(",\n  \"metrics\": {", f);
    /* The metric table's, in its order; the accuracy's source follows the accuracy. */
    const sq_totals tot = sq_eval_totals(res, hw);
    for (int k = 0, first = 1; k < SQ_N_METRICS_ALL; k++) {
        if (!sq_metrics[k].in_eval_json)
            continue;
        sq_json_num(f, sq_metrics[k].name, sq_metrics[k].value(&tot), !first);
        first = 0;
        if (k == SQ_ACCURACY)
            fprintf(f, ", \"accuracy_src\": \"%s\"", net_acc_src_names[res->accuracy_src]);
    }
    fputs("},\n  \"layers\": [\n", f);
    for (size_t i = 0; i < res->n_layers; i++) {
        fputs("    {\"layer\": ", f);
        sq_json_str(f, res->layers[i].name);
        fprintf(f, ", \"kind\": \"%s\", ", net_kinds[res->layers[i].kind].name);
        sq_json_cost(f, &cols, &res->costs[i]);
        sq_json_num(f, "weight_density", res->layers[i].density, 1);
        fprintf(f, "}%s\n", i + 1 < res->n_layers ? "," : "");
    }
    fputs("  ],\n  \"total\": {", f);
    sq_json_cost(f, &cols, t);
    sq_json_num(f, "energy_uj", sq_metrics[SQ_ENERGY_UJ].value(&tot), 1);
    fputs("}\n}\n", f);
    return ferror(f) ? SQ_ERUNTIME : SQ_OK;
}
