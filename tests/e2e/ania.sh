#!/usr/bin/env bash
# AnIA validation: `squash eval --json` on the ania preset against the figures of Papistas et
# al., "A 22 nm, 1540 TOP/s/W, 12.1 TOP/s/mm2 in-memory analog matrix-vector-multiplier for DNN
# acceleration" (CICC 2021): 1050-1500 TOP/s/W at 23.5 TOP/s and 0.8 V, 1800-2900 TOP/s/W at
# 5.8 TOP/s and 0.6 V, counting 2 ops per MAC of a 6-bit+sign input and a ternary weight.
# The layer fills the 1024 x 512 array (tests/data/good/ania_fill.xml, its middle layer), with
# the weights already in the cells (preload=1), as the chip is measured. TOP/s/W is the macro's
# (every component but the global buffer and DRAM, which are not on the test chip); the
# system's, with them, is printed beside it. Prints one line per figure (the README's
# validation table) and fails on any figure outside its band, with each ADC model; the fom
# model's efficiency is a known miss (XFAIL; an XPASS fails the test, so the list is emptied
# when it passes).
#   bash ania.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

for v in 0.8 0.6; do
  for a in cap fom; do
    "$squash" eval --net "$src/tests/data/good/ania_fill.xml" --hw ania --set wbits=2 \
      --set abits=7 --set preload=1 --set vdd=$v --set adc_model=$a --json >"$tmp/$v-$a.json"
    check "eval at vdd $v, adc_model $a exits 0" '[ $? -eq 0 ]'
  done
done

xfail="TOP/s/W 0.8 V fom|TOP/s/W 0.6 V fom"

python3 - "$tmp" "$xfail" >"$tmp/table" <<'PY'
import json, sys
tmp, xfail = sys.argv[1], set(x for x in sys.argv[2].split("|") if x)
rows, ok = [], True

def row(name, published, measured, good, note):
    global ok
    if name in xfail:
        verdict = "XPASS" if good else "XFAIL"
        ok = ok and not good
    else:
        verdict = "pass" if good else "FAIL"
        ok = ok and good
    rows.append("%-20s %12s %10.4g  %-5s %s" % (name, published, measured, verdict, note))

bands = {"0.8": (1050, 1500, 23.5), "0.6": (1800, 2900, 5.8)}
for v, (lo, hi, tops_pub) in bands.items():
    for a in ("cap", "fom"):
        d = json.load(open("%s/%s-%s.json" % (tmp, v, a)))
        fill = [l for l in d["layers"] if l["layer"] == "fill"][0]
        secs = fill["latency_ms"] * 1e-3
        ops = 2.0 * fill["macs"]
        macro_pj = fill["energy_pj"] - fill["sram_pj"] - fill["dram_pj"]
        tw = ops / macro_pj  # ops per pJ = TOP/s/W
        tops = ops / secs / 1e12
        row("TOP/s/W %s V %s" % (v, a), "%d-%d" % (lo, hi), tw, lo <= tw <= hi,
            "macro; with the global buffer: %.0f" % (ops / fill["energy_pj"]))
        row("TOP/s %s V %s" % (v, a), "%.1f" % tops_pub, tops, abs(tops / tops_pub - 1) <= 0.20,
            "+-20 %% (%s-bound)" % fill["bound"])
    area = d["metrics"]["area_mm2"]
print("%-20s %12s %10s  %-5s %s" % ("figure", "published", "model", "", "note"))
print("\n".join(rows))
sys.exit(0 if ok else 1)
PY
rc=$?
cat "$tmp/table"
check "every AnIA figure within its band" '[ $rc -eq 0 ]'
finish
