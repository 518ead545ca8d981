#!/usr/bin/env bash
# End-to-end checks of the accuracy axis: measured / interpolated / estimated values from a
# network file, `squash calibrate`, and a prune × bits sweep whose front trades energy for
# accuracy.   bash accuracy.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"
net="$src/tests/data/good/net_measured.xml"

# TOTAL row's accuracy,accuracy_src for some --set options.
# Columns by header name: eval may gain columns (CONTRACT.md: add, never rename).
acc() { "$squash" eval --net "$1" --hw edge-systolic "${@:2}" | awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} END{print $c["accuracy"], $c["accuracy_src"]}'; }

# 1. A measured point comes back exactly; between two measured points, interpolated and between
#    them; outside them, estimated.
read -r a s <<<"$(acc "$net" --set wbits=4 --set abits=4)"
[ "$a" = "88.7" ] && [ "$s" = "measured" ] && ok "measured point returned exactly ($a, $s)" || bad "measured: $a $s"
read -r a s <<<"$(acc "$net" --set prune=0.7)"
python3 -c "import sys; a=float('$a'); sys.exit(0 if 85.2 <= a <= 89.6 and '$s' == 'interpolated' else 1)" \
  && ok "prune 0.7 between measured 0.5 and 0.9: $a ($s)" || bad "interpolation: $a $s"
read -r a s <<<"$(acc "$net" --set prune=0.95)"
[ "$s" = "estimated" ] && ok "prune 0.95 outside the measured points is estimated ($a)" || bad "extrapolation labelled $s"
read -r a s <<<"$(acc resnet18 --set wbits=4 --set abits=4)"
[ "$s" = "estimated" ] && ok "zoo network without measurements: estimated ($a)" || bad "zoo: $s"
read -r q _ <<<"$(acc resnet18 --set wbits=4 --set abits=4 --set quant=qat)"
read -r p _ <<<"$(acc resnet18 --set wbits=4 --set abits=4 --set quant=ptq)"
python3 -c "import sys; sys.exit(0 if float('$p') <= float('$q') else 1)" && ok "ptq ($p) <= qat ($q)" || bad "ptq $p > qat $q"

# 2. calibrate: fits, reports, writes the parameters into the file, which stays valid.
cp "$net" "$tmp/net.xml"
"$squash" calibrate "$tmp/net.xml" >"$tmp/cal.txt" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q '<accuracy q_scale=' "$tmp/net.xml" && ok "calibrate writes <accuracy q_scale=...>" || bad "calibrate rc=$rc $(cat "$tmp/err")"
python3 - "$tmp/cal.txt" <<'PY' && ok "calibration does not raise the rms error" || bad "calibration rms"
import re, sys
m = re.search(r"rms error: ([0-9.]+) points before, ([0-9.]+) after", open(sys.argv[1]).read())
assert m and float(m.group(2)) <= float(m.group(1)) + 1e-9, open(sys.argv[1]).read()
PY
"$squash" check "$tmp/net.xml" >/dev/null && ok "the calibrated file is valid" || bad "calibrated file invalid"
grep -q 'synthetic' "$tmp/net.xml" && grep -q '<!-- A small CNN' "$tmp/net.xml" && ok "calibrate keeps the rest of the file" || bad "calibrate lost content"
read -r a s <<<"$(acc "$tmp/net.xml" --set wbits=4 --set abits=4)"
[ "$a" = "88.7" ] && ok "after calibration, measured points still exact" || bad "after calibration: $a $s"
cp "$net" "$tmp/net2.xml"
"$squash" calibrate "$tmp/net2.xml" -o "$tmp/out.xml" >/dev/null && cmp -s "$net" "$tmp/net2.xml" && [ -s "$tmp/out.xml" ] \
  && ok "calibrate -o leaves the input alone" || bad "calibrate -o"
"$squash" calibrate resnet18 >/dev/null 2>&1
[ $? -eq 2 ] && ok "calibrate of a zoo name is refused (2)" || bad "calibrate zoo"
"$squash" calibrate "$src/tests/data/good/tiny_net.xml" >/dev/null 2>&1
[ $? -eq 2 ] && ok "calibrate without measured points is refused (2)" || bad "calibrate without points"

# 3. A prune × bits sweep of ResNet-18: the front trades energy for accuracy.
"$squash" sweep "$src/tests/data/good/sweep_accuracy.xml" -o "$tmp/sw" -q -j 2 && ok "prune × bits sweep runs" || bad "sweep"
python3 - "$tmp/sw/front.csv" <<'PY' && ok "front: least energy loses accuracy, most accurate does not" || bad "no trade-off"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) >= 3, len(rows)
base = 69.76
cheapest = min(rows, key=lambda r: float(r["energy_uj"]))
best = max(rows, key=lambda r: float(r["accuracy"]))
print(f"front {len(rows)}: least energy {cheapest['energy_uj']} uJ at {cheapest['accuracy']} %;"
      f" most accurate {best['accuracy']} % at {best['energy_uj']} uJ")
assert float(cheapest["accuracy"]) < base - 1.0, cheapest
assert float(best["accuracy"]) > base - 0.5, best
assert float(best["energy_uj"]) > float(cheapest["energy_uj"])
assert all(r["accuracy_src"] == "estimated" for r in rows)
PY

finish
