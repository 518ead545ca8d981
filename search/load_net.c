/*
 * load_net.c — network files (CONTRACT.md, "Network XML") into a net_network, and the writing
 * of a calibration back into a network file (`squash calibrate`).
 *
 *   <network name top1 source batch>          name required; top1 0..100 (0: unknown);
 *                                             batch 1..65536, default 1
 *     <conv name in out h w (kernel | kh kw) stride=1 pad=0 groups=1/>
 *     <fc name in out/>                       N=batch, C=in, K=out, H=W=R=S=1
 *     <matmul name m n k count=1 b="weights|activations"/>
 *                                             P=H=m, Q=W=1, C=k, K=n, R=S=1
 *     <accuracy q_scale p_scale ptq_scale dw_factor> <point .../> ... </accuracy>
 * Sizes are 1..2^24 (pad 0..2^24); a layer or network of more than 2^52 MACs is refused, and so
 * is one whose counts could wrap 64 bits in a model ("counts that must not wrap" below).
 */
#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_private.h"

#define SQ_DIM_MAX 16777216.0              /* 2^24: largest size, channel count, etc. */
#define SQ_BATCH_MAX 65536.0               /* largest network batch */
#define SQ_NET_MACS_MAX 4503599627370496.0 /* 2^52 MACs in a layer or a whole network */

static const char *const net_root_attrs[] = {"name", "top1", "source", "batch", NULL};
/* Attributes of each net_kind_form (nets/net.h), in net_kind_form order. */
static const char *const form_attrs[][12] = {
    [NET_FORM_CONV] = {"name", "in", "out", "h", "w", "kernel", "kh", "kw", "stride", "pad",
                       "groups", NULL},
    [NET_FORM_FC] = {"name", "in", "out", NULL},
    [NET_FORM_MATMUL] = {"name", "m", "n", "k", "count", "b", NULL},
    [NET_FORM_POOL] = {"name", "in", "h", "w", "kernel", "kh", "kw", "stride", "pad", NULL},
    [NET_FORM_ELEM] = {"name", "in", "h", "w", "count", NULL},
};
static const char *const matmul_b_names[] = {"activations", "weights",
                                             NULL}; /* index = b_is_weight */

/* Fills the kernel (r, s) from `kernel` or `kh` and `kw`. */
static int kernel_from_node(net_layer *l, const xmlNode *n, const char *path, sq_error *err)
{
    int rc;
    int has_kernel = xmlHasNsProp(n, (const xmlChar *)"kernel", NULL) != NULL;
    int has_kh = xmlHasNsProp(n, (const xmlChar *)"kh", NULL) != NULL;
    int has_kw = xmlHasNsProp(n, (const xmlChar *)"kw", NULL) != NULL;
    if (has_kernel && (has_kh || has_kw))
        return sq_fail_at(err, path, n, "give either 'kernel' or 'kh' and 'kw' on <%s>, not both",
                          sq_node_name(n));
    if (has_kernel) {
        if ((rc = sq_attr_u32(n, "kernel", 1, SQ_DIM_MAX, 1, 0, &l->r, path, err)) != 0)
            return rc;
        l->s = l->r;
        return 0;
    }
    if (!has_kh && !has_kw)
        return sq_fail_at(err, path, n,
                          "missing required attribute 'kernel' (or 'kh' and 'kw') on <%s>",
                          sq_node_name(n));
    if ((rc = sq_attr_u32(n, "kh", 1, SQ_DIM_MAX, 1, 0, &l->r, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "kw", 1, SQ_DIM_MAX, 1, 0, &l->s, path, err)) != 0)
        return rc;
    return 0;
}

/* Fills the shape of a conv layer from its element. */
static int conv_from_node(net_layer *l, const xmlNode *n, const char *path, sq_error *err)
{
    int rc;
    if ((rc = sq_attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "out", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "h", 1, SQ_DIM_MAX, 1, 0, &l->h, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "w", 1, SQ_DIM_MAX, 1, 0, &l->w, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "stride", 1, SQ_DIM_MAX, 0, 1, &l->stride, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "pad", 0, SQ_DIM_MAX, 0, 0, &l->pad, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "groups", 1, SQ_DIM_MAX, 0, 1, &l->groups, path, err)) != 0)
        return rc;
    return kernel_from_node(l, n, path, err);
}

/* Fills the shape of a non-MAC layer (pooling or element-wise): channel-wise, K = C = G, no
 * weights (net.h). Pooling has a window; element-wise kinds are 1×1 and may repeat (count). */
static int channelwise_from_node(net_layer *l, const xmlNode *n, int pool, const char *path,
                                 sq_error *err)
{
    int rc;
    if ((rc = sq_attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "h", 1, SQ_DIM_MAX, pool, 1, &l->h, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "w", 1, SQ_DIM_MAX, pool, 1, &l->w, path, err)) != 0)
        return rc;
    l->k = l->groups = l->c;
    l->b_is_weight = 0;
    if (!pool)
        return sq_attr_u32(n, "count", 1, SQ_DIM_MAX, 0, 1, &l->count, path, err);
    if ((rc = sq_attr_u32(n, "stride", 1, SQ_DIM_MAX, 0, 1, &l->stride, path, err)) != 0 ||
        (rc = sq_attr_u32(n, "pad", 0, SQ_DIM_MAX, 0, 0, &l->pad, path, err)) != 0)
        return rc;
    return kernel_from_node(l, n, path, err);
}

/* The kinds' names for the message on an unknown element: "conv, fc, ..., norm". */
static void kind_list(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < NET_N_KINDS && used < len; k++) {
        int w = snprintf(buf + used, len - used, "%s%s", k ? ", " : "", net_kinds[k].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Builds one layer from an element named after its kind (net_kinds: <conv>, <maxpool>, ...). */
static int layer_from_node(net_layer *l, const xmlNode *n, uint32_t batch, const char *path,
                           sq_error *err)
{
    int rc;
    memset(l, 0, sizeof *l);
    l->n = batch;
    l->stride = 1;
    l->pad = 0;
    l->groups = 1;
    l->count = 1;
    l->b_is_weight = 1;
    l->density = 1.0;
    l->meta_bits = 0.0;
    l->r = l->s = 1;
    l->h = l->w = 1;

    int kind = n->type == XML_ELEMENT_NODE && n->ns == NULL ? net_kind_find(sq_node_name(n)) : -1;
    if (kind < 0) {
        char kinds[256];
        kind_list(kinds, sizeof kinds);
        return sq_fail_at(err, path, n, "unknown element <%s> in <network> (expected %s)",
                          sq_node_name(n), kinds);
    }
    l->kind = (net_kind)kind;
    const net_kind_form form = net_kinds[kind].form;
    if ((rc = sq_check_attrs(n, form_attrs[form], NULL, 0, path, err)) != 0)
        return rc;
    if ((rc = sq_check_leaf(n, path, err)) != 0)
        return rc;

    char name[SQ_ATTR_MAX];
    rc = sq_attr_get(n, "name", name, sizeof name, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return sq_fail_at(err, path, n, "missing required attribute 'name' on <%s>",
                          sq_node_name(n));
    if (name[0] == '\0')
        return sq_fail_at(err, path, n, "attribute 'name' is empty");
    if (strlen(name) >= sizeof l->name)
        return sq_fail_at(err, path, n, "layer name '%.40s...' is longer than %d characters", name,
                          NET_NAME_MAX - 1);
    memcpy(l->name, name, strlen(name) + 1);

    switch (form) {
    case NET_FORM_CONV:
        rc = conv_from_node(l, n, path, err);
        break;
    case NET_FORM_FC:
        if ((rc = sq_attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) == 0)
            rc = sq_attr_u32(n, "out", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err);
        break;
    case NET_FORM_MATMUL: {
        uint32_t m = 0;
        if ((rc = sq_attr_u32(n, "m", 1, SQ_DIM_MAX, 1, 0, &m, path, err)) != 0 ||
            (rc = sq_attr_u32(n, "n", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err)) != 0 ||
            (rc = sq_attr_u32(n, "k", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
            (rc = sq_attr_u32(n, "count", 1, SQ_DIM_MAX, 0, 1, &l->count, path, err)) != 0)
            break;
        l->h = m;
        l->w = 1;
        const pt_param b = {"b", "", PT_ENUM, 1, 0, 0, matmul_b_names, 0, NULL, NULL, 0};
        int b_is_weight = 1;
        rc = sq_attr_param(n, &b, &b_is_weight, path, err);
        l->b_is_weight = b_is_weight;
        break;
    }
    case NET_FORM_POOL:
    case NET_FORM_ELEM:
        rc = channelwise_from_node(l, n, form == NET_FORM_POOL, path, err);
        break;
    }
    if (rc != 0)
        return rc;

    char msg[512] = "";
    if (net_layer_finish(l, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, n, "%s", msg); /* msg names the layer */
    return 0;
}

/* ------------------------------------------------------------------ counts that must not wrap
 *
 * The models count in uint64_t. Every factor of a layer is at most 2^24 and there are up to
 * eight of them, so a count derived from a layer could wrap 64 bits (a conv with 65535 input
 * channels at 2^24 x 2^24 has 2^64 - 2^48 input activations, and reported 65535 DRAM bytes).
 * Every count is therefore computed in long double (exact to 2^64, and no wrap beyond) and
 * checked before a model sees the layer: the MACs against 2^52, the layer's own counts
 * (activations, weights) against 2^63, and the largest value each count of every template can
 * reach on ANY design of its ranges (the template's count_bounds, beside its model) against
 * 2^63, for the layer and summed over the network (eval adds the layers up). */

#define SQ_COUNT_MAX 9223372036854775808.0L /* 2^63: no count may pass it, even summed */

/* A network's counts: the layer's own (MACs, activations, weights), then each template's
 * hw_bound counts, template after template in hw_templates order. */
enum { LC_MACS, LC_INPUTS, LC_OUTPUTS, LC_WEIGHTS, LC_TEMPLATE };
static const char *const layer_count_names[LC_TEMPLATE + HW_N_BOUNDS] = {
    "MACs",           "input activations", "output activations",
    "weights",        "DRAM bytes",        "buffer bytes (operands and partial sums)",
    "compute cycles", "memory cycles"};
static_assert(HW_BOUND_DRAM_BYTES == 0 && HW_BOUND_SRAM_BYTES == 1 &&
                  HW_BOUND_COMPUTE_CYCLES == 2 && HW_BOUND_MEMORY_CYCLES == 3,
              "layer_count_names follows hw_bound");

/* Entries of the counts array: the layer's own, then HW_N_BOUNDS per template. */
static size_t layer_counts_n(void)
{
    size_t n = LC_TEMPLATE;
    for (size_t t = 0; hw_templates[t] != NULL; t++)
        n += HW_N_BOUNDS;
    return n;
}

/* The name of entry i of the counts array, for messages. */
static const char *layer_count_name(size_t i)
{
    return layer_count_names[i < LC_TEMPLATE ? i : LC_TEMPLATE + (i - LC_TEMPLATE) % HW_N_BOUNDS];
}

/* The counts of layer l (layer_counts_n entries), and the largest each count every template
 * derives from them can reach. */
static void layer_counts(const net_layer *l, long double *out)
{
    long double n = l->n, k = l->k, c = l->c, g = l->groups, h = l->h, w = l->w, p = l->p, q = l->q,
                r = l->r, s = l->s, count = l->count;
    out[LC_MACS] = g * count * (n * p * q) * (k / g) * ((c / g) * r * s);
    out[LC_INPUTS] = n * c * h * w * count;
    out[LC_OUTPUTS] = n * k * p * q * count;
    out[LC_WEIGHTS] = l->b_is_weight ? k * (c / g) * r * s * count : 0.0L;
    for (size_t t = 0; hw_templates[t] != NULL; t++) {
        long double *b = &out[LC_TEMPLATE + t * HW_N_BOUNDS];
        for (int i = 0; i < HW_N_BOUNDS; i++)
            b[i] = 0.0L;
        assert(hw_templates[t]->count_bounds != NULL); /* every template declares its bounds */
        if (hw_templates[t]->count_bounds != NULL)
            hw_templates[t]->count_bounds(l, b);
    }
}

/* Checks the layer's counts and adds them to sums (the network's so far); v: scratch of
 * n_counts entries. */
static int layer_counts_check(const net_layer *l, long double *v, long double *sums,
                              size_t n_counts, const xmlNode *n, const char *path, sq_error *err)
{
    layer_counts(l, v);
    if (v[LC_MACS] > SQ_NET_MACS_MAX)
        return sq_fail_at(err, path, n, "layer '%s': %.3Lg MACs is more than squash counts (2^52)",
                          l->name, v[LC_MACS]);
    for (size_t i = 0; i < n_counts; i++) {
        if (v[i] >= SQ_COUNT_MAX)
            return sq_fail_at(err, path, n,
                              "layer '%s': its %s could reach %.3Lg on a design of the template's "
                              "ranges, more than squash counts (2^63)",
                              l->name, layer_count_name(i), v[i]);
        sums[i] += v[i];
    }
    return 0;
}

/* Builds a network from a parsed document. */
/* <accuracy q_scale p_scale ptq_scale dw_factor> with <point .../> children: measured top-1 of
 * settings the user trained, and (optionally) the proxy's fitted parameters. The accuracy
 * model's parameter tables (nets/accuracy.c) drive parsing and the messages, as for the
 * templates. */
static const char *const acc_point_required[] = {"wbits", "abits", "top1", NULL};

/* A measured point's setting and its index, for finding duplicates by sorting. */
typedef struct acc_at {
    const net_acc_point *pt; /* the point (borrowed) */
    size_t index;            /* its index in net->acc_points */
} acc_at;

static int cmp_acc_at(const void *a, const void *b)
{
    const net_acc_point *x = ((const acc_at *)a)->pt, *y = ((const acc_at *)b)->pt;
#define ACC_CMP(f)                                                                                 \
    if (x->f != y->f)                                                                              \
        return x->f < y->f ? -1 : 1;
    ACC_CMP(prune)
    ACC_CMP(prune_kind)
    ACC_CMP(wbits)
    ACC_CMP(abits)
    ACC_CMP(method)
#undef ACC_CMP
    size_t i = ((const acc_at *)a)->index, j = ((const acc_at *)b)->index;
    return (i > j) - (i < j);
}

/* Fails on the first <point> (in file order) whose setting an earlier one has; by sorting, as
 * net_names_distinct, so that many points cannot make loading quadratic. */
static int acc_points_distinct(const net_network *net, const long *lines, const char *path,
                               sq_error *err)
{
    size_t n = net->n_acc_points, dup = SIZE_MAX;
    acc_at *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    for (size_t i = 0; i < n; i++)
        v[i] = (acc_at){&net->acc_points[i], i};
    qsort(v, n, sizeof *v, cmp_acc_at);
    for (size_t i = 1; i < n; i++) {
        acc_at a = v[i - 1], b = v[i];
        a.index = b.index = 0; /* compare the settings only */
        if (cmp_acc_at(&a, &b) == 0 && v[i].index < dup)
            dup = v[i].index;
    }
    free(v);
    if (dup == SIZE_MAX)
        return SQ_OK;
    return sq_fail_at_line(err, path, lines[dup], "a second <point> for the same setting");
}

static int acc_points_read(net_network *net, const xmlNode *n, long *lines, const char *path,
                           sq_error *err);

static int acc_from_node(net_network *net, const xmlNode *n, const char *path, sq_error *err)
{
    const size_t n_params = net_acc_n_params;
    int rc;
    if ((rc = sq_check_attrs(n, NULL, net_acc_params_table, n_params, path, err)) != 0)
        return rc;
    net->acc = net_acc_defaults(net);
    for (size_t i = 0; i < n_params; i++) {
        if (xmlHasNsProp(n, (const xmlChar *)net_acc_params_table[i].name, NULL) != NULL)
            net->acc.set = 1;
        if ((rc = sq_attr_param(n, &net_acc_params_table[i], &net->acc, path, err)) != 0)
            return rc;
    }
    size_t count = 0;
    const xmlNode *c = NULL;
    while ((rc = sq_next_elem(n, &c, path, err)) > 0) {
        if (!sq_elem_is(c, "point"))
            return sq_fail_at(err, path, c, "unknown element <%s> in <accuracy> (expected point)",
                              sq_node_name(c));
        count++;
    }
    if (rc < 0)
        return rc;
    if (count == 0)
        return SQ_OK;
    net->acc_points = calloc(count, sizeof *net->acc_points);
    long *lines = calloc(count, sizeof *lines); /* line of each point, for messages */
    if (!net->acc_points || !lines) {
        free(lines);
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    }
    rc = acc_points_read(net, n, lines, path, err);
    free(lines);
    return rc;
}

/* Reads the <point> children of <accuracy> n into net->acc_points, their lines into lines. */
static int acc_points_read(net_network *net, const xmlNode *n, long *lines, const char *path,
                           sq_error *err)
{
    const size_t n_pt = net_acc_point_n_params;
    char msg[512];
    int rc;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        net_acc_point *pt = &net->acc_points[net->n_acc_points];
        if ((rc = sq_check_attrs(c, NULL, net_acc_point_params, n_pt, path, err)) != 0 ||
            (rc = sq_check_leaf(c, path, err)) != 0)
            return rc;
        for (const char *const *r = acc_point_required; *r; r++) {
            if (xmlHasNsProp(c, (const xmlChar *)*r, NULL) == NULL)
                return sq_fail_at(err, path, c, "missing required attribute '%s' on <point>", *r);
        }
        for (size_t i = 0; i < n_pt; i++) {
            pt_set(&net_acc_point_params[i], pt, net_acc_point_params[i].def);
            if ((rc = sq_attr_param(c, &net_acc_point_params[i], pt, path, err)) != 0)
                return rc;
        }
        sw_compression cmp = net_acc_point_setting(pt);
        if (net_compression_check(&cmp, msg, sizeof msg) != 0)
            return sq_fail_at(err, path, c, "%s", msg);
        if (pt->top1 > net->top1)
            return sq_fail_at(err, path, c,
                              "top1=%g is above the network's baseline top1=%g (a compressed model "
                              "is not expected to beat its dense baseline; raise the baseline)",
                              pt->top1, net->top1);
        lines[net->n_acc_points++] = sq_node_line(c);
    }
    return acc_points_distinct(net, lines, path, err);
}

/* A layer name and its position in the file, for finding duplicates by sorting. */
typedef struct name_at {
    const char *name; /* the layer's name (borrowed) */
    size_t index;     /* its index in the network */
} name_at;

static int cmp_name_at(const void *a, const void *b)
{
    const name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Fails on the first layer (in file order) whose name an earlier layer already has. By sorting
 * (name, index) pairs: O(n log n), so a network of 500 000 layers loads in about a second
 * instead of the minutes that comparing every pair took. */
static int net_names_distinct(const net_network *net, const long *lines, const char *path,
                              sq_error *err)
{
    name_at *v = malloc(net->n_layers * sizeof *v);
    if (v == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    for (size_t i = 0; i < net->n_layers; i++)
        v[i] = (name_at){net->layers[i].name, i};
    qsort(v, net->n_layers, sizeof *v, cmp_name_at);
    size_t dup = SIZE_MAX, first = 0; /* earliest second occurrence, and its group's first */
    for (size_t i = 1; i < net->n_layers; i++) {
        /* v[i] is the second of its group when v[i - 1] is the group's first. */
        int second = strcmp(v[i].name, v[i - 1].name) == 0 &&
                     (i == 1 || strcmp(v[i - 1].name, v[i - 2].name) != 0);
        if (second && v[i].index < dup) {
            dup = v[i].index;
            first = v[i - 1].index;
        }
    }
    free(v);
    if (dup == SIZE_MAX)
        return SQ_OK;
    return sq_fail_at_line(err, path, lines[dup], "duplicate layer name '%s' (first at line %ld)",
                           net->layers[dup].name, lines[first]);
}

int sq_net_from_doc(net_network **out, const xmlDoc *doc, const char *path, sq_error *err)
{
    int rc = SQ_OK;
    net_network *net = NULL;
    long *lines = NULL;                       /* line of each layer, for duplicate-name messages */
    const size_t n_counts = layer_counts_n(); /* entries of layer_counts */
    long double *sums = NULL;                 /* network totals of layer_counts */
    long double *counts = NULL;               /* one layer's */
    const xmlNode *root = xmlDocGetRootElement(doc);
    *out = NULL;

    if (!sq_elem_is(root, "network")) {
        rc = sq_fail_at(err, path, root, "expected <network> as the root element, found <%s>",
                        sq_node_name(root));
        goto out;
    }
    if ((rc = sq_check_attrs(root, net_root_attrs, NULL, 0, path, err)) != 0)
        goto out;

    net = calloc(1, sizeof *net);
    if (net == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        goto out;
    }
    char text[SQ_ATTR_MAX];
    if ((rc = sq_attr_get(root, "name", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = sq_fail_at(err, path, root, "missing required attribute 'name' on <network>");
        goto out;
    }
    if (text[0] == '\0' || strlen(text) >= sizeof net->name) {
        rc = sq_fail_at(err, path, root, "attribute 'name': must be 1 to %zu characters",
                        sizeof net->name - 1);
        goto out;
    }
    memcpy(net->name, text, strlen(text) + 1);
    if ((rc = sq_attr_get(root, "source", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 1 && strlen(text) >= sizeof net->source) {
        rc = sq_fail_at(err, path, root, "attribute 'source' is longer than %zu characters",
                        sizeof net->source - 1);
        goto out;
    }
    if (rc == 1)
        memcpy(net->source, text, strlen(text) + 1);
    if ((rc = sq_attr_number(root, "top1", PT_REAL, 0.0, 100.0, 0, 0.0, &net->top1, path, err)) !=
            0 ||
        (rc = sq_attr_u32(root, "batch", 1, SQ_BATCH_MAX, 0, 1, &net->batch, path, err)) != 0)
        goto out;

    size_t n_elems = 0;
    const xmlNode *acc_node = NULL;
    const xmlNode *c = NULL;
    while ((rc = sq_next_elem(root, &c, path, err)) > 0) {
        if (sq_elem_is(c, "accuracy")) {
            if (acc_node) {
                rc = sq_fail_at(err, path, c, "more than one <accuracy> (first at line %ld)",
                                sq_node_line(acc_node));
                goto out;
            }
            acc_node = c;
            continue;
        }
        n_elems++;
    }
    if (rc < 0)
        goto out;
    if (n_elems == 0) {
        rc = sq_fail_at(err, path, root, "network '%s' has no layers", net->name);
        goto out;
    }
    net->layers = calloc(n_elems, sizeof *net->layers);
    lines = calloc(n_elems, sizeof *lines);
    sums = calloc(n_counts, sizeof *sums);
    counts = calloc(n_counts, sizeof *counts);
    if (net->layers == NULL || lines == NULL || sums == NULL || counts == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        goto out;
    }
    for (c = root->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || c == acc_node)
            continue;
        net_layer *l = &net->layers[net->n_layers];
        if ((rc = layer_from_node(l, c, net->batch, path, err)) != 0 ||
            (rc = layer_counts_check(l, counts, sums, n_counts, c, path, err)) != 0)
            goto out;
        lines[net->n_layers] = sq_node_line(c);
        net->n_layers++;
    }
    if ((rc = net_names_distinct(net, lines, path, err)) != SQ_OK)
        goto out;
    /* Totals (summed in long double: a sum of many large layers would wrap in 64 bits). */
    if (sums[LC_MACS] > SQ_NET_MACS_MAX) {
        rc = sq_fail_at(err, path, root,
                        "network '%s' has more than 2^52 MACs, more than squash "
                        "counts",
                        net->name);
        goto out;
    }
    for (size_t i = 0; i < n_counts; i++) {
        if (sums[i] >= SQ_COUNT_MAX) {
            rc = sq_fail_at(err, path, root,
                            "network '%s': its %s summed over the layers could reach %.3Lg on a "
                            "design of the template's ranges, more than squash counts (2^63)",
                            net->name, layer_count_name(i), sums[i]);
            goto out;
        }
    }
    /* After the layers: the proxy's defaults depend on them. */
    if (acc_node && (rc = acc_from_node(net, acc_node, path, err)) != 0)
        goto out;
    *out = net;
    net = NULL;

out:
    free(counts);
    free(sums);
    free(lines);
    net_network_free(net);
    return rc;
}

int sq_net_load_buffer(net_network **out, const char *text, size_t len, const char *path,
                       sq_error *err)
{
    assert(out != NULL && text != NULL && path != NULL);
    xmlDoc *doc = NULL;
    *out = NULL;
    int rc = sq_xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = sq_net_from_doc(out, doc, path, err);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

/* Loads a zoo name or a file (relative to dir if given). 1: neither exists (src says why).
 * rec: the experiment whose inputs record the file, or NULL. */
int sq_net_load_ref(net_network **out, const char *ref, const char *dir, sq_experiment *rec,
                    sq_error *err)
{
    sq_source src;
    *out = NULL;
    int rc = sq_source_open(&src, sq_zoo, sq_zoo_n, ref, dir, err);
    if (rc != SQ_OK)
        return rc;
    rc = sq_input_record(rec, &src, err);
    if (rc == SQ_OK)
        rc = sq_net_load_buffer(out, src.text, src.len, src.path, err);
    sq_source_close(&src);
    return rc;
}

int sq_net_load(net_network **out, const char *net, sq_error *err)
{
    assert(out != NULL && net != NULL);
    int rc = sq_net_load_ref(out, net, NULL, NULL, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return sq_source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT,
                       "squash: unknown network '%s' (not a zoo name or a readable file; see "
                       "squash list nets)",
                       net);
    return rc;
}

/* ================================================================== squash calibrate */

int sq_net_save_acc(const char *in_path, const char *out_path, const net_acc_params *p,
                    sq_error *err)
{
    sq_source src;
    xmlDoc *doc = NULL;
    xmlChar *mem = NULL;
    int size = 0, rc = sq_source_open(&src, NULL, 0, in_path, NULL, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return sq_source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", in_path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    if ((rc = sq_xml_parse(&doc, src.text, src.len, src.path, err)) != SQ_OK)
        goto out;
    xmlNode *root = xmlDocGetRootElement(doc), *acc = NULL;
    if (!sq_elem_is(root, "network")) {
        rc = sq_fail_at(err, in_path, root, "expected <network> as the root element");
        goto out;
    }
    for (xmlNode *c = root->children; c != NULL && acc == NULL; c = c->next) {
        if (sq_elem_is(c, "accuracy"))
            acc = c;
    }
    if (acc == NULL && (acc = xmlNewChild(root, NULL, (const xmlChar *)"accuracy", NULL)) == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (size_t i = 0; i < net_acc_n_params; i++) {
        char buf[64];
        sq_fmt_double(buf, sizeof buf, pt_get(&net_acc_params_table[i], p));
        if (xmlSetProp(acc, (const xmlChar *)net_acc_params_table[i].name, (const xmlChar *)buf) ==
            NULL) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
    }
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    if (mem == NULL || size < 0) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    sq_outfile o;
    if ((rc = sq_outfile_open(&o, out_path, err)) != SQ_OK)
        goto out;
    fwrite(mem, 1, (size_t)size, o.f);
    rc = sq_outfile_commit(&o, err);
out:
    xmlFree(mem);
    xmlFreeDoc(doc);
    sq_source_close(&src);
    return rc;
}
