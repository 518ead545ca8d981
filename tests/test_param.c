/*
 * test_param.c — parameter tables (nets/ptable.c) and the compression table
 * (nets/net.c): find, set/get, strict parsing with range checks, round-trip formatting.
 */
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "net.h"

/* A struct and table of every kind, independent of any template. */
typedef struct demo {
    uint32_t rows; /* INT 1..4096 */
    double freq;   /* REAL 0.5..5000 */
    int flow;      /* ENUM ws/os/is */
} demo;

static const char *const flow_names[] = {"ws", "os", "is", NULL};

static const pt_param demo_params[] = {
    {"rows", "", PT_INT, 32, 1, 4096, NULL, offsetof(demo, rows), "rows", NULL, 0},
    {"freq_mhz", "MHz", PT_REAL, 800, 0.5, 5000, NULL, offsetof(demo, freq), "clock", NULL, 0},
    {"dataflow", "", PT_ENUM, 0, 0, 0, flow_names, offsetof(demo, flow), "dataflow", NULL, 0},
};
#define N_DEMO (sizeof demo_params / sizeof demo_params[0])

static void test_param__find(void **state)
{
    (void)state;
    assert_ptr_equal(pt_find(demo_params, N_DEMO, "freq_mhz"), &demo_params[1]);
    assert_null(pt_find(demo_params, N_DEMO, "freq"));
    assert_null(pt_find(demo_params, 0, "rows"));
}

static void test_param__set_get_round_trip(void **state)
{
    (void)state;
    demo d;
    memset(&d, 0xff, sizeof d);
    pt_set(&demo_params[0], &d, 4096);
    pt_set(&demo_params[1], &d, 912.5);
    pt_set(&demo_params[2], &d, 2);
    assert_int_equal(d.rows, 4096);
    assert_close_rel(d.freq, 912.5, 0);
    assert_int_equal(d.flow, 2);
    assert_close_rel(pt_get(&demo_params[0], &d), 4096, 0);
    assert_close_rel(pt_get(&demo_params[1], &d), 912.5, 0);
    assert_close_rel(pt_get(&demo_params[2], &d), 2, 0);
}

static void test_param__parse_accepts_numbers_in_range(void **state)
{
    (void)state;
    double v = -1;
    char msg[256] = "";
    assert_int_equal(pt_parse(&demo_params[0], "1", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 1, 0);
    assert_int_equal(pt_parse(&demo_params[0], "4096", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 4096, 0); /* the range is closed */
    assert_int_equal(pt_parse(&demo_params[0], "64.0", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 64, 0); /* an integral value written as a real is an integer */
    assert_int_equal(pt_parse(&demo_params[1], "1e3", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 1000, 0);
    assert_int_equal(pt_parse(&demo_params[1], "0.5", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 0.5, 0);
}

static void test_param__parse_rejects_bad_numbers(void **state)
{
    (void)state;
    static const struct {
        int param;        /* index into demo_params */
        const char *text; /* input */
        const char *msg;  /* expected message fragment */
    } cases[] = {
        {0, "abc", "'abc' is not a number"},
        {0, "", "'' is not a number"},
        {0, "8x", "'8x' is not a number"},
        {0, " 8", "' 8' is not a number"},
        {0, "8 ", "'8 ' is not a number"},
        {0, "nan", "'nan' is not a number"},
        {1, "inf", "'inf' is not a number"},
        {1, "1e999", "out of the range of numbers"},
        {0, "2.5", "'2.5' is not an integer"},
        {0, "0", "0 is out of range 1..4096"},
        {0, "-3", "-3 is out of range 1..4096"},
        {0, "4097", "4097 is out of range 1..4096"},
        {1, "5000.001", "5000.001 MHz is out of range 0.5..5000 MHz"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = 12345;
        char msg[256] = "";
        assert_int_equal(pt_parse(&demo_params[cases[i].param], cases[i].text, &v, msg, sizeof msg),
                         -1);
        if (strstr(msg, cases[i].msg) == NULL)
            fail_msg("'%s': message '%s' lacks '%s'", cases[i].text, msg, cases[i].msg);
        assert_close_rel(v, 12345, 0); /* untouched on failure */
    }
}

static void test_param__parse_enum_by_name(void **state)
{
    (void)state;
    double v = -1;
    char msg[256] = "";
    assert_int_equal(pt_parse(&demo_params[2], "is", &v, msg, sizeof msg), 0);
    assert_close_rel(v, 2, 0);
    assert_int_equal(pt_parse(&demo_params[2], "WS", &v, msg, sizeof msg), -1);
    assert_string_equal(msg, "unknown value 'WS' (choose one of: ws, os, is)");
    assert_int_equal(pt_parse(&demo_params[2], "1", &v, msg, sizeof msg), -1);
}

static void test_param__format_round_trips(void **state)
{
    (void)state;
    char buf[64];
    pt_format(&demo_params[0], 32, buf, sizeof buf);
    assert_string_equal(buf, "32");
    pt_format(&demo_params[2], 1, buf, sizeof buf);
    assert_string_equal(buf, "os");
    pt_format(&demo_params[1], 0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.1"); /* %.15g suffices */
    pt_format(&demo_params[1], 800, buf, sizeof buf);
    assert_string_equal(buf, "800");
    /* 1/3 needs 17 digits to come back exactly. */
    const double third = 1.0 / 3.0;
    pt_format(&demo_params[1], third, buf, sizeof buf);
    assert_true(strtod(buf, NULL) == third);
    /* Whatever format gives, parse takes back. */
    double v = 0;
    char msg[256];
    pt_format(&demo_params[1], 4999.999999999999, buf, sizeof buf);
    assert_int_equal(pt_parse(&demo_params[1], buf, &v, msg, sizeof msg), 0);
    assert_true(v == 4999.999999999999);
}

static void test_param__compression_table_matches_defaults(void **state)
{
    (void)state;
    sw_compression def = net_compression_default();
    sw_compression filled;
    memset(&filled, 0xff, sizeof filled);
    for (size_t i = 0; i < net_compression_n_params; i++)
        pt_set(&net_compression_params[i], &filled, net_compression_params[i].def);
    assert_close_rel(filled.prune, def.prune, 0);
    assert_int_equal(filled.prune_kind, def.prune_kind);
    assert_int_equal(filled.wbits, def.wbits);
    assert_int_equal(filled.abits, def.abits);
    assert_int_equal(filled.numfmt, def.numfmt);
    assert_int_equal(filled.wbits, 8);
    assert_int_equal(filled.numfmt, NET_FMT_INT);
}

static void test_param__compression_ranges(void **state)
{
    (void)state;
    const pt_param *prune = pt_find(net_compression_params, net_compression_n_params, "prune");
    const pt_param *wbits = pt_find(net_compression_params, net_compression_n_params, "wbits");
    const pt_param *kind = pt_find(net_compression_params, net_compression_n_params, "prune_kind");
    const pt_param *fmt = pt_find(net_compression_params, net_compression_n_params, "numfmt");
    assert_non_null(prune);
    assert_non_null(wbits);
    assert_non_null(kind);
    assert_non_null(fmt);
    assert_non_null(pt_find(net_compression_params, net_compression_n_params, "abits"));
    double v;
    char msg[256];
    assert_int_equal(pt_parse(prune, "1", &v, msg, sizeof msg), -1); /* prune < 1 */
    assert_int_equal(pt_parse(prune, "0.999", &v, msg, sizeof msg), 0);
    assert_int_equal(pt_parse(prune, "-0.1", &v, msg, sizeof msg), -1);
    assert_int_equal(pt_parse(wbits, "0", &v, msg, sizeof msg), -1);
    assert_int_equal(pt_parse(wbits, "33", &v, msg, sizeof msg), -1);
    assert_int_equal(pt_parse(wbits, "32", &v, msg, sizeof msg), 0);
    assert_int_equal(pt_parse(kind, "nm", &v, msg, sizeof msg), 0);
    sw_compression c = net_compression_default();
    pt_set(kind, &c, v);
    assert_int_equal(c.prune_kind, NET_PRUNE_NM);
    assert_int_equal(pt_parse(fmt, "bf", &v, msg, sizeof msg), 0);
    pt_set(fmt, &c, v);
    assert_int_equal(c.numfmt, NET_FMT_BF);
    assert_int_equal(pt_parse(fmt, "posit", &v, msg, sizeof msg), -1);
    assert_string_equal(msg, "unknown value 'posit' (choose one of: int, fp, bf)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_param__find),
        cmocka_unit_test(test_param__set_get_round_trip),
        cmocka_unit_test(test_param__parse_accepts_numbers_in_range),
        cmocka_unit_test(test_param__parse_rejects_bad_numbers),
        cmocka_unit_test(test_param__parse_enum_by_name),
        cmocka_unit_test(test_param__format_round_trips),
        cmocka_unit_test(test_param__compression_table_matches_defaults),
        cmocka_unit_test(test_param__compression_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
