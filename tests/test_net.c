/*
 * test_net.c — the network model: geometry, operation counts in 64 bits, GEMM view, and what
 * each compression setting does to a layer. Expected values are worked out in the comments.
 */
#include <string.h>

#include "net.h"
#include "test_helpers.h"

static net_layer conv(uint32_t c, uint32_t k, uint32_t hw, uint32_t kernel, uint32_t stride,
                      uint32_t pad, uint32_t groups)
{
    net_layer l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "conv");
    l.kind = NET_CONV;
    l.n = 1;
    l.c = c;
    l.k = k;
    l.h = l.w = hw;
    l.r = l.s = kernel;
    l.stride = stride;
    l.pad = pad;
    l.groups = groups;
    l.count = 1;
    l.b_is_weight = 1;
    char msg[256];
    assert_int_equal(net_layer_finish(&l, msg, sizeof msg), 0);
    return l;
}

static void test_net__conv_counts(void **state)
{
    (void)state;
    /* 3→8 channels, 8×8 input, 3×3 kernel, stride 1, pad 1: P = (8+2−3)/1+1 = 8.
     * MACs = 1·8·3·8·8·3·3 = 13 824; weights = 8·3·3·3 = 216; inputs 3·64 = 192;
     * outputs 8·64 = 512. */
    net_layer l = conv(3, 8, 8, 3, 1, 1, 1);
    assert_int_equal(l.p, 8);
    assert_int_equal(l.q, 8);
    assert_int_equal(net_layer_macs(&l), 13824);
    assert_int_equal(net_layer_weights(&l), 216);
    assert_int_equal(net_layer_inputs(&l), 192);
    assert_int_equal(net_layer_outputs(&l), 512);
}

static void test_net__strided_output_size(void **state)
{
    (void)state;
    /* 7×7 input, 3×3 kernel, stride 2, no pad: P = (7−3)/2+1 = 3.
     * ResNet's stem: 224, 7×7, stride 2, pad 3: (224+6−7)/2+1 = 112 (integer division). */
    net_layer a = conv(1, 1, 7, 3, 2, 0, 1);
    assert_int_equal(a.p, 3);
    net_layer b = conv(3, 64, 224, 7, 2, 3, 1);
    assert_int_equal(b.p, 112);
    assert_int_equal(net_layer_macs(&b), 118013952ull); /* 64·3·112·112·49 */
}

static void test_net__depthwise_and_gemm(void **state)
{
    (void)state;
    /* Depthwise 16 channels, 10×10, 3×3, pad 1: each channel one 3×3 filter.
     * MACs = 16·(16/16)·10·10·9 = 14 400; weights 16·1·9 = 144.
     * GEMM per group: M = 100 pixels, F = 1 filter, window 1·9 = 9, 16 groups. */
    net_layer l = conv(16, 16, 10, 3, 1, 1, 16);
    assert_int_equal(net_layer_macs(&l), 14400);
    assert_int_equal(net_layer_weights(&l), 144);
    net_gemm g;
    net_layer_gemm(&l, &g);
    assert_int_equal(g.m, 100);
    assert_int_equal(g.f, 1);
    assert_int_equal(g.win, 9);
    assert_int_equal(g.reps, 16);
    assert_int_equal(g.m * g.f * g.win * g.reps, net_layer_macs(&l));
}

static void test_net__matmul_heads_have_no_weights(void **state)
{
    (void)state;
    /* Attention Q·Kᵀ: m=128, n=128, k=64, 12 heads: 128·128·64·12 = 12 582 912 MACs; operand B
     * is an activation, so no weights. As a loop nest: P=m, Q=1, C=k, K=n. */
    net_layer l;
    memset(&l, 0, sizeof l);
    l.kind = NET_MATMUL;
    l.n = 1;
    l.h = 128;
    l.w = 1;
    l.c = 64;
    l.k = 128;
    l.r = l.s = 1;
    l.stride = 1;
    l.groups = 1;
    l.count = 12;
    char msg[128];
    assert_int_equal(net_layer_finish(&l, msg, sizeof msg), 0);
    assert_int_equal(net_layer_macs(&l), 12582912ull);
    assert_int_equal(net_layer_weights(&l), 0);
}

static void test_net__counts_do_not_overflow_32_bits(void **state)
{
    (void)state;
    /* Batch 64, 1024→1024 channels, 56×56, 3×3 pad 1:
     * 64·1024·1024·56·56·9 = 67 108 864·3 136·9 = 1 894 080 577 536 MACs, far above 2^32. */
    net_layer l = conv(1024, 1024, 56, 3, 1, 1, 1);
    l.n = 64;
    assert_true(net_layer_macs(&l) == 1894080577536ull);
}

static void test_net__impossible_geometry_is_reported(void **state)
{
    (void)state;
    char msg[256];
    net_layer l = conv(3, 8, 8, 3, 1, 1, 1);
    l.h = l.w = 2;
    l.r = l.s = 5; /* padded input 2+2·1 = 4 < 5 */
    assert_int_equal(net_layer_finish(&l, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "larger than the padded input"));
    l = conv(3, 8, 8, 3, 1, 1, 1);
    l.groups = 2; /* 3 input channels do not split into 2 groups */
    assert_int_equal(net_layer_finish(&l, msg, sizeof msg), -1);
    l.groups = 0;
    assert_int_equal(net_layer_finish(&l, msg, sizeof msg), -1);
}

static void test_net__compression_check(void **state)
{
    (void)state;
    char msg[256];
    sw_compression c = net_compression_default();
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), 0);
    c.prune = 1.0;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c.prune = -0.1;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c = net_compression_default();
    c.wbits = 0;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c.wbits = 33;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c = net_compression_default();
    c.prune_kind = NET_PRUNE_NM;
    c.prune = 0.3;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c.prune = 0.5;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), 0);
    c = net_compression_default();
    c.numfmt = NET_FMT_FP;
    c.wbits = c.abits = 12;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
    c.wbits = c.abits = 16;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), 0);
    c.numfmt = NET_FMT_BF;
    c.wbits = 8;
    assert_int_equal(net_compression_check(&c, msg, sizeof msg), -1);
}

/* A three-layer network: conv 3→64 (8×8), conv 64→64, fc 64→10. */
static net_network *small_net(net_layer *buf)
{
    static net_network net;
    memset(&net, 0, sizeof net);
    buf[0] = conv(3, 64, 8, 3, 1, 1, 1);
    buf[1] = conv(64, 64, 8, 3, 1, 1, 1);
    buf[2] = conv(64, 10, 1, 1, 1, 0, 1);
    buf[2].kind = NET_FC;
    net.n_layers = 3;
    net.layers = buf;
    net.batch = 1;
    return &net;
}

static void test_net__unstructured_and_nm_keep_shape(void **state)
{
    (void)state;
    net_layer layers[3], out[3];
    net_network *net = small_net(layers);
    sw_compression c = net_compression_default();

    /* Unstructured 75 %: density 0.25; metadata min(bitmask 1, 4-bit index·0.25 = 1) = 1. */
    c.prune = 0.75;
    net_compress(net, &c, out);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(net_layer_macs(&out[i]), net_layer_macs(&layers[i]));
        assert_close_rel(out[i].density, 0.25, 1e-12);
        assert_close_rel(out[i].meta_bits, 1.0, 1e-12);
    }
    /* 90 %: density 0.1, index 4·0.1 = 0.4 bits per dense position beats the bitmask. */
    c.prune = 0.9;
    net_compress(net, &c, out);
    assert_close_rel(out[1].meta_bits, 0.4, 1e-12);

    /* 2:4: density 0.5 whatever prune says, structured, 2-bit index per kept weight. */
    c.prune_kind = NET_PRUNE_NM;
    c.prune = 0.5;
    net_compress(net, &c, out);
    assert_close_rel(out[1].density, 0.5, 1e-12);
    assert_close_rel(out[1].meta_bits, 1.0, 1e-12);
    assert_int_equal(out[1].nm_structured, 1);

    /* Dense: nothing changes. */
    c = net_compression_default();
    net_compress(net, &c, out);
    assert_close_rel(out[2].density, 1.0, 0);
    assert_close_rel(out[2].meta_bits, 0.0, 0);
}

static void test_net__channel_pruning_shrinks_k_and_next_c(void **state)
{
    (void)state;
    net_layer layers[3], out[3];
    net_network *net = small_net(layers);
    sw_compression c = net_compression_default();
    c.prune_kind = NET_PRUNE_CHANNEL;
    c.prune = 0.75; /* keep √0.25 = 0.5 of the channels */
    net_compress(net, &c, out);
    /* First layer: input (image) channels kept, 64 → 32 outputs. */
    assert_int_equal(out[0].c, 3);
    assert_int_equal(out[0].k, 32);
    /* Interior: 32 → 32, a quarter of the weights and MACs (the prune fraction removed). */
    assert_int_equal(out[1].c, 32);
    assert_int_equal(out[1].k, 32);
    assert_int_equal(net_layer_weights(&out[1]) * 4, net_layer_weights(&layers[1]));
    /* Last layer keeps its 10 classes; its inputs follow the previous layer's outputs. */
    assert_int_equal(out[2].c, 32);
    assert_int_equal(out[2].k, 10);
    assert_close_rel(out[1].density, 1.0, 0);
}

static void test_net__channel_pruning_depthwise_follows_channels(void **state)
{
    (void)state;
    net_layer layers[3], out[3];
    layers[0] = conv(3, 32, 16, 3, 2, 1, 1);
    layers[1] = conv(32, 32, 8, 3, 1, 1, 32); /* depthwise */
    layers[2] = conv(32, 64, 8, 1, 1, 0, 1);  /* pointwise */
    net_network net = {.n_layers = 3, .layers = layers, .batch = 1};
    sw_compression c = net_compression_default();
    c.prune_kind = NET_PRUNE_CHANNEL;
    c.prune = 0.5; /* keep √0.5 = 0.7071: 32 → round(22.6) = 23 */
    net_compress(&net, &c, out);
    assert_int_equal(out[0].k, 23);
    assert_int_equal(out[1].c, 23);
    assert_int_equal(out[1].k, 23);
    assert_int_equal(out[1].groups, 23);
    assert_int_equal(out[2].c, 23);
    char msg[128];
    for (int i = 0; i < 3; i++)
        assert_int_equal(net_layer_finish(&out[i], msg, sizeof msg), 0);
}

static void test_net__channel_pruning_never_adds_macs(void **state)
{
    (void)state;
    /* Property: network MACs are non-increasing in the prune ratio. */
    net_layer layers[3], out[3];
    net_network *net = small_net(layers);
    sw_compression c = net_compression_default();
    c.prune_kind = NET_PRUNE_CHANNEL;
    uint64_t prev = UINT64_MAX;
    for (int i = 0; i < 100; i++) {
        c.prune = i / 100.0;
        net_compress(net, &c, out);
        net_network tmp = *net;
        tmp.layers = out;
        uint64_t macs = net_network_macs(&tmp);
        assert_true(macs <= prev);
        prev = macs;
    }
}

/* A non-MAC layer of kind `kind` on c channels of h×w, window `kernel` (1: element-wise). */
static net_layer chanwise(net_kind kind, uint32_t c, uint32_t hw, uint32_t kernel, uint32_t stride)
{
    net_layer l = conv(c, c, hw, kernel, stride, 0, c);
    l.kind = kind;
    l.b_is_weight = 0;
    return l;
}

static void test_net__kind_table_names_and_lookup(void **state)
{
    (void)state;
    static const char *const names[NET_N_KINDS] = {"conv", "fc",  "matmul",  "maxpool", "avgpool",
                                                   "add",  "act", "softmax", "norm"};
    for (int k = 0; k < NET_N_KINDS; k++) {
        assert_string_equal(net_kinds[k].name, names[k]);
        assert_int_equal(net_kind_find(names[k]), k);
        assert_int_equal(net_kinds[k].does_macs, k <= NET_MATMUL);
    }
    assert_int_equal(net_kind_find("pool"), -1);
    assert_int_equal(net_kind_find(""), -1);
}

static void test_net__non_mac_counts(void **state)
{
    (void)state;
    /* maxpool 3×3 stride 2 on 64 channels of 112×112 (ResNet's stem pool without its pad):
     * P = (112 − 3)/2 + 1 = 55; outputs 64·55·55 = 193 600; ops = 193 600·9 = 1 742 400;
     * read 64·112·112 = 802 816; no MACs, no weights. */
    net_layer p = chanwise(NET_MAXPOOL, 64, 112, 3, 2);
    assert_int_equal(p.p, 55);
    assert_true(net_layer_macs(&p) == 0);
    assert_true(net_layer_weights(&p) == 0);
    assert_true(net_layer_outputs(&p) == 193600);
    assert_true(net_layer_ops(&p) == 1742400);
    assert_true(net_layer_elems_read(&p) == 802816);
    /* add on 128×28×28: reads two tensors (2·100 352), writes 100 352, 1 op each. */
    net_layer a = chanwise(NET_ADD, 128, 28, 1, 1);
    assert_true(net_layer_elems_read(&a) == 200704);
    assert_true(net_layer_outputs(&a) == 100352);
    assert_true(net_layer_ops(&a) == 100352);
    /* softmax over 1000 classes: 5 ops per element = 5000; norm over 768: 7·768 = 5376. */
    net_layer sm = chanwise(NET_SOFTMAX, 1000, 1, 1, 1), nm = chanwise(NET_NORM, 768, 1, 1, 1);
    assert_true(net_layer_ops(&sm) == 5000);
    assert_true(net_layer_ops(&nm) == 5376);
    /* A MAC layer's work is its MACs, not ops. */
    net_layer c = conv(3, 8, 8, 3, 1, 1, 1);
    assert_true(net_layer_ops(&c) == 0);
    assert_true(net_layer_elems_read(&c) == net_layer_inputs(&c));
}

static void test_net__non_mac_layers_do_not_change_mac_layers(void **state)
{
    (void)state;
    /* act, conv, pool, conv, softmax: the convs are the first and last MAC layers, so channel
     * pruning at 0.75 (keep √0.25 = 0.5 of the channels) gives exactly what conv, conv alone
     * gets; the pool between them carries the pruned 16 → 8 channels, the act before the first
     * and the softmax after the last keep theirs. */
    net_layer with[5] = {chanwise(NET_ACT, 3, 16, 1, 1), conv(3, 16, 16, 3, 1, 1, 1),
                         chanwise(NET_MAXPOOL, 16, 16, 2, 2), conv(16, 10, 8, 3, 1, 1, 1),
                         chanwise(NET_SOFTMAX, 10, 8, 1, 1)};
    net_layer bare[2] = {with[1], with[3]};
    net_network nw = {.name = "n", .n_layers = 5, .layers = with};
    net_network nb = {.name = "n", .n_layers = 2, .layers = bare};
    net_mac_span span = net_network_mac_span(&nw);
    assert_int_equal(span.first, 1);
    assert_int_equal(span.last, 3);
    int f, l;
    net_layer_edges(&nw, &span, 0, &f, &l);
    assert_true(f && !l);
    net_layer_edges(&nw, &span, 2, &f, &l);
    assert_true(!f && !l);
    net_layer_edges(&nw, &span, 4, &f, &l);
    assert_true(!f && l);
    assert_int_equal(net_network_mac_layers(&nw), 2);
    sw_compression c = net_compression_default();
    c.prune = 0.75;
    c.prune_kind = NET_PRUNE_CHANNEL;
    net_layer ow[5], ob[2];
    net_compress(&nw, &c, ow);
    net_compress(&nb, &c, ob);
    assert_true(memcmp(&ow[1], &ob[0], sizeof ob[0]) == 0);
    assert_true(memcmp(&ow[3], &ob[1], sizeof ob[1]) == 0);
    assert_int_equal(ow[1].c, 3); /* image channels kept */
    assert_int_equal(ow[1].k, 8); /* 16 · 0.5 */
    assert_int_equal(ow[2].c, 8); /* the pool follows */
    assert_int_equal(ow[2].groups, 8);
    assert_int_equal(ow[0].c, 3);  /* before the first MAC layer: the image */
    assert_int_equal(ow[4].c, 10); /* after the last: the classes */
    assert_true(net_network_macs(&nw) == net_network_macs(&nb));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net__conv_counts),
        cmocka_unit_test(test_net__strided_output_size),
        cmocka_unit_test(test_net__depthwise_and_gemm),
        cmocka_unit_test(test_net__matmul_heads_have_no_weights),
        cmocka_unit_test(test_net__counts_do_not_overflow_32_bits),
        cmocka_unit_test(test_net__impossible_geometry_is_reported),
        cmocka_unit_test(test_net__compression_check),
        cmocka_unit_test(test_net__unstructured_and_nm_keep_shape),
        cmocka_unit_test(test_net__channel_pruning_shrinks_k_and_next_c),
        cmocka_unit_test(test_net__channel_pruning_depthwise_follows_channels),
        cmocka_unit_test(test_net__channel_pruning_never_adds_macs),
        cmocka_unit_test(test_net__kind_table_names_and_lookup),
        cmocka_unit_test(test_net__non_mac_counts),
        cmocka_unit_test(test_net__non_mac_layers_do_not_change_mac_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
