/*
 * test_zoo.c — the built-in networks (nets/zoo/NAME.xml) against their published sizes.
 *
 * Each zoo file lists only the MAC-bearing layers of a reference network. If a layer is
 * missing, mis-strided or mis-shaped, the network's MAC count moves by far more than the 2 %
 * these tests allow, so comparing the loaded totals with the published figures checks the
 * transcription and the loader together. Weights are checked where the reference states them
 * (the MLPerf Tiny models). Expected figures and their sources:
 *
 *   [1] torchvision model cards (GFLOPS column = G multiply-adds) and the papers
 *       "Reference networks — MAC counts": AlexNet 0.72 G, VGG-16 15.5 G, ResNet-18 1.82 G,
 *       ResNet-50 4.1 G, MobileNetV2 0.30 G.
 *   [2] mlcommons/tiny reference models (MLPerf Tiny; biases and BN excluded):
 *       DS-CNN 2.66 M MACs / 22.0 k weights, ResNet-8 12.5 M / 77.4 k,
 *       MobileNetV1-0.25 7.49 M / 208 k, autoencoder 264 k MACs.
 *   [3] BERT-base, Devlin et al. NAACL 2019 (L 12, H 768, A 12, FFN 3072), at sequence 128:
 *       hand count below.
 */
#include "test_search.h"

#include <stdlib.h>
#include <string.h>

#include "dse.h"
#include "hw.h"
#include "net.h"

#define ZOO_RTOL 0.02 /* published figures are rounded to 2-3 digits */

/* Checks a zoo network's dense MACs (and weights, when weights > 0) within ZOO_RTOL. */
static void check_size(const char *name, double macs, double weights)
{
    net_network *net = zoo_load(name);
    assert_string_equal(net->name, name);
    assert_close_rel(net_network_macs(net), macs, ZOO_RTOL);
    if (weights > 0) {
        assert_close_rel(net_network_weights(net), weights, ZOO_RTOL);
    }
    net_network_free(net);
}

/* ---- ImageNet CNNs [1] ---- */

static void test_zoo__alexnet_macs(void **state)
{
    (void)state;
    /* conv 70.3 M + 223.9 M + 112.1 M + 149.5 M + 99.7 M, fc 37.7 M + 16.8 M + 4.1 M
     * = 714,188,480 (-0.8 % of the published 0.72 G [1]). */
    check_size("alexnet", 0.72e9, 0);
}

static void test_zoo__vgg16_macs(void **state)
{
    (void)state;
    /* 13 convs 3x3 + 3 fc = 15,470,264,320 (-0.2 % of 15.5 G [1]). */
    check_size("vgg16", 15.5e9, 0);
}

static void test_zoo__resnet18_macs(void **state)
{
    (void)state;
    /* Stem 118.0 M, 16 convs 3x3 and 3 downsample 1x1 convs, fc 0.5 M = 1,814,073,344
     * (-0.3 % of 1.82 G [1]). */
    check_size("resnet18", 1.82e9, 0);
}

static void test_zoo__resnet50_macs(void **state)
{
    (void)state;
    /* v1.5, 16 bottlenecks + 4 projections + fc = 4,089,184,256 (-0.3 % of 4.1 G [1]). */
    check_size("resnet50", 4.1e9, 0);
}

static void test_zoo__mobilenet_v2_macs(void **state)
{
    (void)state;
    /* 17 inverted residual blocks, 1x1 to 1280, fc = 300,774,272 (+0.3 % of 0.30 G [1]). */
    check_size("mobilenet_v2", 0.30e9, 0);
}

/* ---- BERT-base [3] ---- */

static void test_zoo__bert_base_macs(void **state)
{
    (void)state;
    /* Per encoder layer, 128 tokens:
     *   Q, K, V, output projection  4 · 128·768·768     = 301,989,888
     *   FFN up and down             2 · 128·768·3072    = 603,979,776
     *   Q·Kᵀ and A·V, 12 heads      2 · 12 · 128·128·64 =  25,165,824
     * 12 layers: 12 · 931,135,488 = 11,173,625,856. The file adds the SQuAD span head
     * (128·768·2 = 196,608), +0.002 %. */
    const double per_layer =
        4.0 * 128 * 768 * 768 + 2.0 * 128 * 768 * 3072 + 2.0 * 12 * 128 * 128 * 64;
    check_size("bert_base", 12 * per_layer, 0);
}

static void test_zoo__bert_attention_has_no_weights(void **state)
{
    (void)state;
    /* Q·Kᵀ and A·V multiply two activations: they carry MACs but no trained weights, so the
     * network's weights are the linear layers only: 12 · (4·768·768 + 2·768·3072) + 768·2
     * = 84,936,192 (embeddings excluded). */
    net_network *net = zoo_load("bert_base");
    size_t n_act = 0;
    for (size_t i = 0; i < net->n_layers; i++) {
        const net_layer *l = &net->layers[i];
        assert_int_equal(l->kind, NET_MATMUL);
        if (!l->b_is_weight) {
            n_act++;
            assert_int_equal(l->count, 12);
            assert_int_equal(net_layer_weights(l), 0);
        }
    }
    assert_int_equal(n_act, 24); /* qk and av in each of 12 layers */
    assert_int_equal(net_network_weights(net), 84936192);
    net_network_free(net);
}

/* ---- MLPerf Tiny [2] ---- */

static void test_zoo__ds_cnn_macs_and_weights(void **state)
{
    (void)state;
    /* conv 10x4/2 to 64 at 25x5: 64·40·125 = 320,000; 4 blocks of depthwise 64·9·125 =
     * 72,000 and pointwise 64·64·125 = 512,000; fc 64·12 = 768. Total 2,656,768 MACs.
     * Weights 2,560 + 4·(576 + 4,096) + 768 = 22,016. */
    check_size("ds_cnn", 2.66e6, 22.0e3);
}

static void test_zoo__ds_cnn_first_conv_is_25x5(void **state)
{
    (void)state;
    /* Keras 'same' pads the 49 rows 4 + 5; the file approximates that with a symmetric pad of 1
     * on 56 rows (same 58-row padded extent), which must still give 25x5 outputs. */
    net_network *net = zoo_load("ds_cnn");
    const net_layer *l = &net->layers[0];
    assert_int_equal(l->r, 10);
    assert_int_equal(l->s, 4);
    assert_int_equal(l->p, 25);
    assert_int_equal(l->q, 5);
    net_network_free(net);
}

static void test_zoo__resnet8_macs_and_weights(void **state)
{
    (void)state;
    /* conv 16·3·9·1024 = 442,368; stack 1 2·2,359,296; stack 2 1,179,648 + 2,359,296 +
     * 131,072; stack 3 the same; fc 640. Total 12,501,632 MACs, 77,360 weights. */
    check_size("resnet8", 12.5e6, 77.4e3);
}

static void test_zoo__mobilenet_v1_025_macs_and_weights(void **state)
{
    (void)state;
    /* 96x96 input, 3x3/2 conv to 8, 13 depthwise-separable blocks, fc 2:
     * 7,489,664 MACs, 208,112 weights. */
    check_size("mobilenet_v1_025", 7.49e6, 208e3);
}

static void test_zoo__autoencoder_macs(void **state)
{
    (void)state;
    /* 2·640·128 + 6·128·128 + 2·128·8 = 264,192; a fully connected net at batch 1 uses each
     * weight once, so weights equal MACs. */
    check_size("autoencoder", 264e3, 264e3);
}

/* ---- every entry ---- */

static void test_zoo__every_entry_loads(void **state)
{
    (void)state;
    assert_true(sq_zoo_n >= 10);
    for (size_t i = 0; i < sq_zoo_n; i++) {
        net_network *net = zoo_load(sq_zoo[i].name);
        assert_string_equal(net->name, sq_zoo[i].name);
        assert_true(net->n_layers >= 1);
        assert_non_null(net->layers);
        if (!(net->top1 > 0.0 && net->top1 <= 100.0)) {
            fail_msg("%s: top1 %g outside (0, 100]", sq_zoo[i].name, net->top1);
        }
        assert_true(net->source[0] != '\0');
        assert_true(net_network_macs(net) > 0);
        net_network_free(net);
    }
}

static void test_zoo__depthwise_layers_are_per_channel(void **state)
{
    (void)state;
    /* Depthwise convs are written groups == in == out: one 3x3 filter per channel. */
    static const char *const names[] = {"mobilenet_v2", "mobilenet_v1_025", "ds_cnn"};
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
        net_network *net = zoo_load(names[j]);
        size_t n_dw = 0;
        for (size_t i = 0; i < net->n_layers; i++) {
            const net_layer *l = &net->layers[i];
            if (l->groups > 1) {
                n_dw++;
                assert_int_equal(l->groups, l->c);
                assert_int_equal(l->groups, l->k);
                assert_int_equal(net_layer_weights(l), (uint64_t)l->k * l->r * l->s);
            }
        }
        assert_true(n_dw > 0);
        net_network_free(net);
    }
}

/* ---- a property of the hardware model over every zoo layer ---- */

static void test_zoo__bigger_buffer_never_raises_dram_traffic(void **state)
{
    (void)state;
    /* Every layer of every zoo network on the systolic template (edge-systolic's defaults),
     * int8, with global buffers from 1 KB to 64 MB: DRAM traffic (memory.c's tiling search)
     * never rises with the buffer, and every layer's traffic at 64 MB is at most at 1 KB. */
    static const char *const names[] = {"alexnet",          "autoencoder",  "bert_base", "ds_cnn",
                                        "mobilenet_v1_025", "mobilenet_v2", "resnet18",  "resnet50",
                                        "resnet8",          "vgg16"};
    sw_compression cmp = net_compression_default();
    for (size_t ni = 0; ni < sizeof names / sizeof names[0]; ni++) {
        net_network *net = zoo_load(names[ni]);
        net_layer *layers = calloc(net->n_layers, sizeof *layers);
        assert_non_null(layers);
        net_compress(net, &cmp, layers);
        hw_config cfg;
        hw_config_init(&cfg, &hw_systolic_template, NULL);
        const pt_param *glb = pt_find(cfg.tpl->params, cfg.tpl->n_params, "glb_kb");
        assert_non_null(glb);
        for (size_t li = 0; li < net->n_layers; li++) {
            uint64_t prev = UINT64_MAX;
            for (uint32_t kb = 1; kb <= 65536; kb *= 2) {
                char msg[256];
                pt_set(glb, cfg.params, kb);
                if (hw_config_prepare(&cfg, msg, sizeof msg) != 0)
                    fail_msg("prepare: %s", msg);
                hw_layer_cost c;
                assert_int_equal(hw_eval_layer(&cfg, &layers[li], &cmp, &c), 0);
                if (c.dram_bytes > prev)
                    fail_msg("%s %s: %llu B at %u KB > %llu B at half of it", names[ni],
                             layers[li].name, (unsigned long long)c.dram_bytes, kb,
                             (unsigned long long)prev);
                prev = c.dram_bytes;
            }
        }
        free(layers);
        net_network_free(net);
    }
}

/* A copy of net with a max-pooling layer inserted after layer `after` (or before layer 0 when
 * after == SIZE_MAX), on that layer's output channels: 3x3 window, stride 2, pad 1. */
static net_network *with_pool(const net_network *net, size_t after)
{
    net_network *out = calloc(1, sizeof *out);
    assert_non_null(out);
    *out = *net;
    out->acc_points = NULL;
    out->n_acc_points = 0;
    out->n_layers = net->n_layers + 1;
    out->layers = calloc(out->n_layers, sizeof *out->layers);
    assert_non_null(out->layers);
    size_t at = after == SIZE_MAX ? 0 : after + 1;
    memcpy(out->layers, net->layers, at * sizeof *net->layers);
    memcpy(out->layers + at + 1, net->layers + at, (net->n_layers - at) * sizeof *net->layers);
    const net_layer *ref = &net->layers[after == SIZE_MAX ? 0 : after];
    net_layer pool = {.kind = NET_MAXPOOL,
                      .n = ref->n,
                      .count = 1,
                      .r = 3,
                      .s = 3,
                      .stride = 2,
                      .pad = 1,
                      .density = 1.0};
    snprintf(pool.name, sizeof pool.name, "extra_pool");
    pool.c = pool.k = pool.groups = after == SIZE_MAX ? ref->c : ref->k;
    pool.h = after == SIZE_MAX ? ref->h : ref->p;
    pool.w = after == SIZE_MAX ? ref->w : ref->q;
    char msg[256];
    assert_int_equal(net_layer_finish(&pool, msg, sizeof msg), 0);
    out->layers[at] = pool;
    return out;
}

/* Regression (issue 9): a zoo network's accuracy calibration must not depend on its layer count.
 * With the calibration keyed on the layer count, one extra pooling layer dropped resnet18 to the
 * global defaults (q_scale 9.472 instead of its fitted 10.339 under accuracy model v1).
 * A pooling layer anywhere (first, interior, last) keeps the calibration and every accuracy,
 * bit for bit, and adds no MACs or weights. */
static void test_zoo__extra_pooling_layer_keeps_calibration(void **state)
{
    (void)state;
    static const char *const names[] = {"resnet18", "resnet50", "mobilenet_v2"};
    static const double q_fit[] = {9.1237, 10.566, 12.972}; /* nets/accuracy.c's fitted values */
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
        net_network *net = zoo_load(names[j]);
        const net_acc_params cal = net_acc_defaults(net);
        assert_true(cal.q_scale == q_fit[j]);
        const size_t where[] = {SIZE_MAX, 0, net->n_layers / 2, net->n_layers - 1};
        for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
            net_network *pooled = with_pool(net, where[w]);
            assert_int_equal(pooled->n_layers, net->n_layers + 1);
            assert_true(net_network_macs(pooled) == net_network_macs(net));
            assert_true(net_network_weights(pooled) == net_network_weights(net));
            net_acc_params p = net_acc_defaults(pooled);
            assert_true(p.q_scale == cal.q_scale && p.p_scale == cal.p_scale &&
                        p.ptq_scale == cal.ptq_scale && p.dw_factor == cal.dw_factor);
            static const uint32_t bits[] = {2, 3, 4, 8};
            for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++) {
                sw_compression c = net_compression_default();
                c.wbits = c.abits = bits[b];
                c.prune = 0.8;
                c.prune_kind = b % 2 ? NET_PRUNE_CHANNEL : NET_PRUNE_UNSTRUCTURED;
                net_acc_src s1, s2;
                assert_true(net_accuracy(pooled, &c, &s1) == net_accuracy(net, &c, &s2));
                assert_int_equal(s1, s2);
            }
            free(pooled->layers);
            free(pooled);
        }
        /* A same-named network of another shape is still not taken for the zoo one. */
        net->n_layers -= 1;
        assert_true(net_acc_defaults(net).q_scale != cal.q_scale);
        net->n_layers += 1;
        net_network_free(net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zoo__alexnet_macs),
        cmocka_unit_test(test_zoo__vgg16_macs),
        cmocka_unit_test(test_zoo__resnet18_macs),
        cmocka_unit_test(test_zoo__resnet50_macs),
        cmocka_unit_test(test_zoo__mobilenet_v2_macs),
        cmocka_unit_test(test_zoo__bert_base_macs),
        cmocka_unit_test(test_zoo__bert_attention_has_no_weights),
        cmocka_unit_test(test_zoo__ds_cnn_macs_and_weights),
        cmocka_unit_test(test_zoo__ds_cnn_first_conv_is_25x5),
        cmocka_unit_test(test_zoo__resnet8_macs_and_weights),
        cmocka_unit_test(test_zoo__mobilenet_v1_025_macs_and_weights),
        cmocka_unit_test(test_zoo__autoencoder_macs),
        cmocka_unit_test(test_zoo__every_entry_loads),
        cmocka_unit_test(test_zoo__depthwise_layers_are_per_channel),
        cmocka_unit_test(test_zoo__bigger_buffer_never_raises_dram_traffic),
        cmocka_unit_test(test_zoo__extra_pooling_layer_keeps_calibration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
