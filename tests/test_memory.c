/*
 * test_memory.c — the component library's memory parts (hwmodels/memory.c): a banked SRAM level
 * worked out by hand from tech.c's 45 nm table, the bank-count property, the DRAM tiling plans
 * worked out by hand, and the property that a bigger buffer never raises DRAM traffic.
 */
#include "test_helpers.h"

#include <string.h>

#include "hw.h"
#include "memory.h"

/* ---------------------------------------------------------------- memory level */

static void test_memory__level_by_hand_at_45nm(void **state)
{
    (void)state;
    hw_tech t = hw_tech_default();
    hw_mem_level m;

    /* 8 KB, 64-bit words: one bank (8 ≤ 128 KB), no H-tree: Horowitz's 10 pJ read; a write
     * 0.8 · 10 = 8 pJ. Area 8 · 0.0034 = 0.0272 mm², leakage 8 · 0.034 = 0.272 mW. */
    hw_mem_level_init(&m, &t, 8.0, 64, 0, 1, HW_MEM_HTREE);
    assert_int_equal(m.banks, 1);
    assert_close_rel(m.wire_mm, 0.0, 0.0);
    assert_close_rel(m.read_pj, 10.0, 1e-12);
    assert_close_rel(m.write_pj, 8.0, 1e-12);
    assert_close_rel(m.area_mm2, 0.0272, 1e-12);
    assert_close_rel(m.leak_mw, 0.272, 1e-12);
    assert_close_rel(hw_mem_read_pj_per_byte(&m), 1.25, 1e-12);

    /* 512 KB, 64-bit words, banks chosen: ceil(512/128) = 4 banks of 128 KB.
     *   bank:  10 · (128/8)^0.477 = 10 · 16^0.477 = 37.528848 pJ.
     *   area:  512 · 0.0034 = 1.7408 mm², side sqrt(1.7408) = 1.3193938 mm; H-tree route
     *          1.3193938 · (1 − 1/sqrt(4)) = 0.6596969 mm.
     *   wire:  64 bits · 0.6596969 mm · 0.12 pJ/bit/mm = 5.0664722 pJ.
     *   read = 37.528848 + 5.0664722 = 42.595320 pJ; write = 0.8 · 37.528848 + 5.0664722
     *   = 35.089550 pJ. Leakage 512 · 0.034 = 17.408 mW. Bandwidth 4 banks · 1 port · 8 B
     *   = 32 B/cycle. */
    hw_mem_level_init(&m, &t, 512.0, 64, 0, 1, HW_MEM_HTREE);
    assert_int_equal(m.banks, 4);
    assert_close_rel(m.bank_kb, 128.0, 0.0);
    assert_close_rel(m.wire_mm, 0.6596969, 1e-7);
    assert_close_rel(m.read_pj, 42.595320, 1e-7);
    assert_close_rel(m.write_pj, 35.089550, 1e-7);
    assert_close_rel(m.area_mm2, 1.7408, 1e-12);
    assert_close_rel(m.leak_mw, 17.408, 1e-12);
    assert_close_rel(hw_mem_bytes_per_cycle(&m), 32.0, 0.0);

    /* The same in 16 given banks of 32 KB: bank 10 · 4^0.477 = 19.372364 pJ; route
     * 1.3193938 · (1 − 1/4) = 0.98954535 mm → wire 64 · 0.98954535 · 0.12 = 7.5997083 pJ;
     * read 26.972072 pJ. Local banks (no H-tree): the bank alone, 37.528848 pJ for 4 banks, a
     * write 0.8 · 37.528848 = 30.023078 pJ. */
    hw_mem_level_init(&m, &t, 512.0, 64, 16, 1, HW_MEM_HTREE);
    assert_close_rel(m.read_pj, 26.972072, 1e-7);
    hw_mem_level_init(&m, &t, 512.0, 64, 4, 2, HW_MEM_LOCAL);
    assert_close_rel(m.read_pj, 37.528848, 1e-7);
    assert_close_rel(m.write_pj, 30.023078, 1e-7);
    assert_close_rel(hw_mem_bytes_per_cycle(&m), 64.0, 0.0);

    /* 32-bit words cost half of 64-bit ones; energy per byte is the same. */
    hw_mem_level m32;
    hw_mem_level_init(&m32, &t, 512.0, 32, 4, 1, HW_MEM_LOCAL);
    assert_close_rel(m32.read_pj, 37.528848 / 2.0, 1e-7);
    assert_close_rel(hw_mem_read_pj_per_byte(&m32), hw_mem_read_pj_per_byte(&m), 1e-12);

    /* No capacity: no level. */
    hw_mem_level_init(&m, &t, 0.0, 64, 0, 1, HW_MEM_HTREE);
    assert_close_rel(m.read_pj + m.write_pj + m.leak_mw + m.area_mm2, 0.0, 0.0);
}

static void test_memory__constants_scale_with_the_node(void **state)
{
    (void)state;
    hw_tech t45 = hw_tech_default();
    hw_tech t = hw_tech_scaled(&t45, 28);
    /* 28 nm: wire energy and leakage per KB × 0.51 (energy), area per KB × 0.38; the bank size
     * and the write ratio are not node quantities. */
    assert_close_rel(t.wire_pj_per_bit_mm, 0.12 * 0.51, 1e-12);
    assert_close_rel(t.sram_leak_mw_per_kb, 0.034 * 0.51, 1e-12);
    assert_close_rel(t.sram_area_mm2_per_kb, 0.0034 * 0.38, 1e-12);
    assert_close_rel(t.sram_bank_kb, 128.0, 0.0);
    assert_close_rel(t.sram_write_ratio, 0.8, 0.0);
    assert_int_equal(hw_mem_banks_for(&t, 24576.0), 192);
    assert_int_equal(hw_mem_banks_for(&t, 128.0), 1);
    assert_int_equal(hw_mem_banks_for(&t, 129.0), 2);
    assert_int_equal(hw_mem_banks_for(&t, 0.5), 1);
}

static void test_memory__more_banks_never_raise_energy_per_access(void **state)
{
    (void)state;
    /* Same capacity, more banks: the bank shrinks, the H-tree grows; the sum never rises
     * (memory.c states the condition; the defaults meet it at every capacity), at three nodes. */
    const double nodes[] = {65, 45, 7};
    for (size_t ni = 0; ni < 3; ni++) {
        hw_tech t45 = hw_tech_default();
        hw_tech t = hw_tech_scaled(&t45, nodes[ni]);
        for (double kb = 1.0; kb <= 1048576.0; kb *= 4.0) {
            hw_mem_level prev;
            hw_mem_level_init(&prev, &t, kb, 64, 1, 1, HW_MEM_HTREE);
            for (uint32_t b = 2; b <= 4096; b += b < 16 ? 1 : b / 4) {
                hw_mem_level m;
                hw_mem_level_init(&m, &t, kb, 64, b, 1, HW_MEM_HTREE);
                if (!(m.read_pj <= prev.read_pj) || !(m.write_pj <= prev.write_pj))
                    fail_msg("%g nm, %g KB: %u banks %.17g/%.17g pJ > %u banks %.17g/%.17g pJ",
                             nodes[ni], kb, b, m.read_pj, m.write_pj, prev.banks, prev.read_pj,
                             prev.write_pj);
                assert_true(m.write_pj < m.read_pj); /* a write is cheaper */
                prev = m;
            }
        }
    }
}

/* ---------------------------------------------------------------- DRAM tiling */

static hw_dram_plan plan(uint64_t m, uint64_t f, uint64_t w, uint64_t in, uint64_t out,
                         uint64_t buf)
{
    hw_gemm_bytes g = {.m = m, .f = f, .w_bytes = w, .in_bytes = in, .out_bytes = out};
    hw_dram_plan p;
    hw_dram_plan_gemm(&p, &g, buf);
    return p;
}

static void test_memory__dram_plans_by_hand(void **state)
{
    (void)state;
    /* Everything fits: 30 + 50 + 60 = 140 B in 140 B, each once. */
    hw_dram_plan p = plan(10, 6, 30, 50, 60, 140);
    assert_int_equal(p.bytes, 140);
    assert_int_equal(p.order, HW_TILE_ON_CHIP);

    /* 100 pixels × 100 filters; weights 100000 B (1000 a filter), inputs 30000 B (300 a
     * pixel), outputs 10000 B (1 each); buffer 20000 B.
     *   filters outer: inputs resident? 30000 > 20000, no. Streamed: the largest T with
     *     2·T·1000 + 2·300 + 2·T·1 ≤ 20000 is T = floor(19400/2002) = 9 → ceil(100/9) = 12
     *     tiles → 100000 + 10000 + 12 · 30000 = 470000 B.
     *   pixels outer: weights resident? 100000 > 20000, no. Streamed: the largest T with
     *     2·T·300 + 2·1000 + 2·T·1 ≤ 20000 is T = floor(18000/602) = 29 → ceil(100/29) = 4
     *     tiles → 30000 + 10000 + 4 · 100000 = 440000 B, kept.
     *   (The two fixed plans of before, tiles of 20000/4 = 5000 B: weight-resident 100000 +
     *   20 · 30000 + 10000 = 710000, input-resident 30000 + 6 · 100000 + 10000 = 640000.) */
    p = plan(100, 100, 100000, 30000, 10000, 20000);
    assert_int_equal(p.bytes, 440000);
    assert_int_equal(p.order, HW_TILE_PIXELS_OUTER);
    assert_int_equal(p.w_reads, 4);
    assert_int_equal(p.in_reads, 1);
    assert_int_equal(p.tiles, 4);

    /* Roles swapped (weights 30000, inputs 100000): filters outer, 4 tiles, inputs read 4
     * times: 30000 + 10000 + 4 · 100000 = 440000 B. */
    p = plan(100, 100, 30000, 100000, 10000, 20000);
    assert_int_equal(p.bytes, 440000);
    assert_int_equal(p.order, HW_TILE_FILTERS_OUTER);
    assert_int_equal(p.in_reads, 4);

    /* The whole weights (10000 B) fit once beside a streamed pixel (2 · 1000 B) and its
     * outputs (2 · 100 B): 12200 ≤ 20000, so filters outer reads everything once (120000 B)
     * though the 120000 B do not fit together. */
    p = plan(100, 100, 10000, 100000, 10000, 20000);
    assert_int_equal(p.bytes, 120000);
    assert_int_equal(p.order, HW_TILE_FILTERS_OUTER);
    assert_int_equal(p.tiles, 1);

    /* Inputs (10000 B) resident beside a double-buffered filter (2 · 1000 + 2 · 1): filters
     * outer with the largest T = floor((20000 − 10000)/2002) = 4 → 25 tiles, each tensor once:
     * 100000 + 10000 + 10000 = 120000 B. */
    p = plan(100, 100, 100000, 10000, 10000, 20000);
    assert_int_equal(p.bytes, 120000);
    assert_int_equal(p.order, HW_TILE_FILTERS_OUTER);
    assert_int_equal(p.tiles, 25);

    /* A 1000 B buffer holds not even one filter (2 · 1000 B): the finest tiling's traffic,
     * min(100000 + 10000 + 100 · 30000, 30000 + 10000 + 100 · 100000) = 3110000 B. */
    p = plan(100, 100, 100000, 30000, 10000, 1000);
    assert_int_equal(p.bytes, 3110000);
    assert_int_equal(p.order, HW_TILE_NONE_FITS);
}

static void test_memory__bigger_buffer_never_raises_dram_traffic(void **state)
{
    (void)state;
    /* Shapes from one pixel (FC at batch 1) to 50176 (a 224×224 map), bytes per filter and
     * per pixel from 1 to 1 MB, buffers from 1 B to 4 GB: traffic never rises with the buffer,
     * never falls below each tensor once, and reaches it once everything fits. */
    const uint64_t ms[] = {1, 7, 196, 3136, 50176};
    const uint64_t fs[] = {1, 10, 64, 1000, 4096};
    const uint64_t unit_bytes[] = {1, 27, 576, 4608, 1048576};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 5; b++)
            for (size_t c = 0; c < 5; c++)
                for (size_t d = 0; d < 5; d++) {
                    uint64_t m = ms[a], f = fs[b];
                    uint64_t w = f * unit_bytes[c], in = m * unit_bytes[d] / 4 + 1;
                    uint64_t out = m * f;
                    uint64_t once = w + in + out, prev = UINT64_MAX;
                    for (uint64_t buf = 1; buf <= (4ull << 30); buf *= 2) {
                        hw_dram_plan p = plan(m, f, w, in, out, buf);
                        if (p.bytes > prev || p.bytes < once)
                            fail_msg("m %llu f %llu w %llu in %llu: %llu B at buf %llu after "
                                     "%llu",
                                     (unsigned long long)m, (unsigned long long)f,
                                     (unsigned long long)w, (unsigned long long)in,
                                     (unsigned long long)p.bytes, (unsigned long long)buf,
                                     (unsigned long long)prev);
                        prev = p.bytes;
                        if (buf >= once)
                            assert_int_equal(p.bytes, once);
                    }
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory__level_by_hand_at_45nm),
        cmocka_unit_test(test_memory__constants_scale_with_the_node),
        cmocka_unit_test(test_memory__more_banks_never_raise_energy_per_access),
        cmocka_unit_test(test_memory__dram_plans_by_hand),
        cmocka_unit_test(test_memory__bigger_buffer_never_raises_dram_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
