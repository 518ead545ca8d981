#!/usr/bin/env bash
# End-to-end checks of non-MAC layers (pooling, add, activation, softmax, norm; nets/net.h):
# a network file that lists them loads, evaluates and prints them, the systolic template costs
# them nothing, and the accuracy calibration of a zoo network survives them.
#   bash nonmac.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

full=$src/tests/data/good/resnet18_nonmac.xml # resnet18 with its 20 non-MAC layers listed

# 1. It evaluates, one row per layer, the non-MAC rows with their kind and all zero.
"$squash" eval --net "$full" --hw edge-systolic --digits 17 >"$tmp/full.csv" 2>"$tmp/err"
rc=$?
check "eval of a network with non-MAC layers exits 0" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
python3 - "$tmp/full.csv" <<'PY' && ok "non-MAC rows printed with their kind, zero MACs, cycles and energy" || bad "non-MAC rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))[:-1]
assert len(rows) == 41, len(rows)  # 21 MAC layers + 20 others
kinds = {}
for r in rows:
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
assert kinds == {"conv": 20, "fc": 1, "act": 9, "maxpool": 1, "add": 8, "avgpool": 1,
                 "softmax": 1}, kinds
for r in rows:
    if r["kind"] in ("conv", "fc"):
        assert int(r["macs"]) > 0, r
        continue
    for col in ("macs", "cycles", "energy_pj", "dram_bytes", "latency_ms"):
        assert float(r[col]) == 0, (r["layer"], col, r[col])
PY

# 2. Free layers and the same MAC layers: the TOTAL row is the zoo network's, to the last digit,
# accuracy (calibrated: name, MAC layers and weights match) included; dense, channel-pruned (the
# non-MAC layers between MAC layers carry the pruned channels, the first and last MAC layers
# keep the image's and the classes') and quantized.
for set in "" "--set prune=0.5 --set prune_kind=channel" "--set wbits=4 --set abits=4" \
    "--set wbits=8 --set quant=ptq"; do
    # shellcheck disable=SC2086
    a=$("$squash" eval --net "$full" --hw edge-systolic --digits 17 $set | tail -1)
    # shellcheck disable=SC2086
    b=$("$squash" eval --net resnet18 --hw edge-systolic --digits 17 $set | tail -1)
    check "TOTAL equals the zoo network's (${set:-dense})" '[ -n "$a" ] && [ "$a" = "$b" ]'
done
"$squash" eval --net "$full" --hw edge-systolic --json >"$tmp/full.json"
check "JSON lists the non-MAC layers" 'grep -q "\"kind\": \"maxpool\"" "$tmp/full.json" && grep -q "\"kind\": \"softmax\"" "$tmp/full.json"'

# 3. A sweep over it gives the zoo network's front (the distinct-layer cache sees the kinds).
for n in resnet18 "$full"; do
    d=$tmp/sweep_$(basename "$n" .xml)
    mkdir -p "$d"
    cat >"$d/xp.xml" <<XML
<experiment name="nonmac">
  <network ref="$n"/>
  <accelerator ref="edge-systolic"><sweep param="rows" values="16 32"/></accelerator>
  <compression prune_kind="channel"><sweep param="prune" values="0 0.5"/>
    <sweep param="wbits" values="4 8"/></compression>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="accuracy" goal="max"/>
</experiment>
XML
    "$squash" sweep "$d/xp.xml" -q -j 2 -o "$d/out" 2>>"$tmp/err"
done
same "sweep front equals the zoo network's" "$tmp/sweep_resnet18/out/front.csv" \
    "$tmp/sweep_resnet18_nonmac/out/front.csv"

# 4. Bad non-MAC layers are refused with FILE:LINE (exit 2).
bad_net() { # NAME LAYER_XML EXPECTED_MESSAGE
    printf '<network name="n">\n  <conv name="c" in="3" out="8" h="8" w="8" kernel="3"/>\n  %s\n</network>\n' \
        "$2" >"$tmp/bad.xml"
    "$squash" eval --net "$tmp/bad.xml" --hw edge-systolic >/dev/null 2>"$tmp/err"
    rc=$? want="$tmp/bad.xml:3: $3"
    check "$1" '[ $rc -eq 2 ] && head -1 "$tmp/err" | grep -qF "$want"'
}
bad_net "pooling without a kernel" '<maxpool name="p" in="8" h="6" w="6"/>' \
    "missing required attribute 'kernel' (or 'kh' and 'kw') on <maxpool>"
bad_net "add with an output channel count" '<add name="a" in="8" out="8" h="6" w="6"/>' \
    "unknown attribute 'out'"
bad_net "pooling window larger than its input" '<avgpool name="p" in="8" h="6" w="6" kernel="7"/>' \
    "layer 'p': kernel 7x7 is larger than the padded input 6x6"
bad_net "unknown layer kind names the kinds" '<pool name="p" in="8" h="6" w="6" kernel="2"/>' \
    "unknown element <pool> in <network> (expected conv, fc, matmul, maxpool, avgpool, add, act, softmax, norm)"

finish
