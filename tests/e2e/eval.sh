#!/usr/bin/env bash
# End-to-end checks of `squash eval`, `list`, `check`, `--help`, `--version` on the built binary.
#   bash eval.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

# 1. The acceptance run: CONTRACT.md columns, one row per layer, TOTAL = sums of the rows.
# --digits 17: round-trip values, so that the sums below hold to 1e-9.
"$squash" eval --net resnet18 --hw edge-systolic --digits 17 >"$tmp/r18.csv" 2>"$tmp/err"
rc=$?
check "eval resnet18 exits 0" '[ $rc -eq 0 ]'
check "stderr is empty" '[ ! -s "$tmp/err" ]'
check "header starts with the contract columns" \
  'head -1 "$tmp/r18.csv" | grep -q "^layer,kind,macs,cycles,utilization,energy_pj,mac_pj,sram_pj,dram_pj,static_pj,dram_bytes"'
nlayers=$("$squash" list nets | awk '$1=="resnet18"{print $2}')
rows=$(($(wc -l <"$tmp/r18.csv") - 2))
check "one row per layer ($nlayers)" '[ -n "$nlayers" ] && [ "$rows" -eq "$nlayers" ]'
check "last row is TOTAL" 'tail -1 "$tmp/r18.csv" | grep -q "^TOTAL,"'
# Sums of every additive column against the TOTAL row, relative tolerance 1e-9.
python3 - "$tmp/r18.csv" <<'PY' && ok "TOTAL energy, cycles and terms are the sums of the rows" || bad "TOTAL sums"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
body, total = rows[:-1], rows[-1]
for col in ("macs", "cycles", "energy_pj", "mac_pj", "sram_pj", "dram_pj", "static_pj",
            "dram_bytes", "noc_pj", "latency_ms", "clock_pj", "buffer_cycles"):
    s = sum(float(r[col]) for r in body)
    t = float(total[col])
    assert math.isclose(s, t, rel_tol=1e-9), (col, s, t)
terms = sum(float(total[c]) for c in ("mac_pj", "noc_pj", "sram_pj", "dram_pj", "static_pj",
                                      "clock_pj"))
assert math.isclose(terms, float(total["energy_pj"]), rel_tol=1e-9)
for r in rows:
    for k, v in r.items():
        if k in ("layer", "kind", "bound", "accuracy_src"):
            continue
        if k in ("accuracy", "energy_uj", "accuracy_lo", "accuracy_hi") and r is not total:
            assert v == "", (r["layer"], k, v)  # properties of the whole network: TOTAL only
            continue
        x = float(v)
        assert math.isfinite(x) and x >= 0, (r["layer"], k, v)
    assert 0 <= float(r["utilization"]) <= 1, r
assert total["accuracy_src"] in ("measured", "interpolated", "estimated")
assert 0 < float(total["accuracy"]) <= 69.76
assert float(total["accuracy_lo"]) <= float(total["accuracy"]) <= float(total["accuracy_hi"])
# ResNet-18 is about 1.82 G MACs (torchvision model card).
assert abs(int(total["macs"]) / 1.82e9 - 1) < 0.02, total["macs"]
PY

# TOTAL's energy_uj is energy_pj * 1e-6 (the product front.csv's energy_uj is), to the last bit.
python3 - "$tmp/r18.csv" <<'PY' && ok "TOTAL energy_uj = energy_pj * 1e-6 exactly; the band after it" || bad "energy_uj"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t = rows[-1]
assert float(t["energy_uj"]) == float(t["energy_pj"]) * 1e-6, (t["energy_uj"], t["energy_pj"])
assert open(sys.argv[1]).readline().rstrip("\n").endswith(",accuracy,accuracy_src,energy_uj,accuracy_lo,accuracy_hi")
PY

# 1b. Default digits: 6 significant digits (counts whole), each within rounding of the exact value.
"$squash" eval --net resnet18 --hw edge-systolic >"$tmp/r18-6.csv"
python3 - "$tmp/r18-6.csv" "$tmp/r18.csv" <<'PY' && ok "default CSV numbers have 6 significant digits, rounded from the exact ones" || bad "default digits"
import csv, re, sys
six = list(csv.DictReader(open(sys.argv[1])))
ref = list(csv.DictReader(open(sys.argv[2])))
assert len(six) == len(ref)
long_seen = False
for a, b in zip(six, ref):
    for k, v in a.items():
        if k in ("layer", "kind", "bound", "accuracy_src") or v == "":
            continue
        x, y = float(v), float(b[k])
        if y == int(y):  # a whole number is written whole, whatever its length
            assert re.fullmatch(r"[0-9]+", v) and x == y, (k, v, b[k])
            continue
        mant = re.sub(r"e.*$", "", v).replace("-", "").replace(".", "").lstrip("0")
        assert len(mant) <= 6, (k, v)
        assert v == "%.6g" % y, (k, v, b[k])  # printf's rounding of the exact value
        long_seen |= len(b[k].replace(".", "")) > 7
assert long_seen  # the exact file does have longer numbers: the check above is not vacuous
PY
for d in 0 18 x; do
  "$squash" eval --net resnet18 --hw edge-systolic --digits $d >/dev/null 2>&1
  rc=$?
  check "--digits $d is bad usage (2)" '[ $rc -eq 2 ]'
done
"$squash" eval --net resnet18 --hw edge-systolic --digits 3 | tail -1 >"$tmp/d3"
check "--digits 3 gives 3 significant digits" 'grep -q ",0\.[0-9][0-9][0-9],\|,[0-9]\.[0-9][0-9]," "$tmp/d3" && ! grep -qE "[.][0-9]{4}" "$tmp/d3"'

# 2. -o writes the same bytes atomically; --json is valid JSON with the same totals.
"$squash" eval --net resnet18 --hw edge-systolic --digits 17 -o "$tmp/out.csv"
check "-o writes the same table" 'cmp -s "$tmp/out.csv" "$tmp/r18.csv"'
check "-o leaves no temporary file" '[ "$(ls "$tmp" | grep -c tmp)" -eq 0 ]'
"$squash" eval --net resnet18 --hw edge-systolic --json >"$tmp/r18.json"
python3 - "$tmp/r18.json" "$tmp/r18.csv" <<'PY' && ok "--json agrees with the CSV" || bad "--json"
import csv, json, math, sys
j = json.load(open(sys.argv[1]))
total = list(csv.DictReader(open(sys.argv[2])))[-1]
assert math.isclose(j["total"]["energy_pj"], float(total["energy_pj"]), rel_tol=1e-12)
assert math.isclose(j["metrics"]["energy_uj"], float(total["energy_pj"]) * 1e-6, rel_tol=1e-12)
assert j["total"]["energy_uj"] == float(total["energy_uj"]) == j["metrics"]["energy_uj"]
assert j["params"]["rows"] == 32 and j["params"]["dataflow"] == "ws", j["params"]
assert j["compression"]["wbits"] == 8
assert len(j["layers"]) == len(list(csv.DictReader(open(sys.argv[2])))) - 1
PY

# 3. --set changes the design and the compression; the results move the right way.
"$squash" eval --net resnet18 --hw edge-systolic --set prune=0.8 --set sparsity=skip >"$tmp/skip.csv"
python3 - "$tmp/r18.csv" "$tmp/skip.csv" <<'PY' && ok "--set prune=0.8 sparsity=skip lowers cycles and energy" || bad "--set skip"
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))[-1]
b = list(csv.DictReader(open(sys.argv[2])))[-1]
assert int(b["cycles"]) < int(a["cycles"]) and float(b["energy_pj"]) < float(a["energy_pj"]), (a, b)
PY
"$squash" eval --net resnet18 --hw edge-systolic --set acc_bits=4 --set mac_bits=4 >"$tmp/o1.csv" 2>/dev/null
rc1=$?
"$squash" eval --net resnet18 --hw edge-systolic --set mac_bits=4 --set acc_bits=4 >"$tmp/o2.csv" 2>/dev/null
rc2=$?
check "--set order does not matter (acc_bits before mac_bits)" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]'
"$squash" eval --net resnet18 --hw edge-systolic --set rows=64 --set cols=64 >"$tmp/big.csv"
check "--set rows=64 cols=64 changes the result" '! cmp -s "$tmp/big.csv" "$tmp/r18.csv"'

# 4. Every zoo network runs on every preset; every dataflow runs.
for net in $("$squash" list nets | awk 'NR>1{print $1}'); do
  for hw in $("$squash" list presets | awk 'NR>1{print $1}'); do
    "$squash" eval --net "$net" --hw "$hw" >/dev/null 2>"$tmp/err" || { bad "eval $net on $hw: $(head -1 "$tmp/err")"; continue; }
  done
done
ok "every zoo network evaluates on every preset"
for df in ws os is; do
  check "dataflow=$df runs" '"$squash" eval --net mobilenet_v2 --hw edge-systolic --set dataflow=$df >/dev/null'
done

# 5. The files in the repository are valid; list, help and version answer.
check "squash check accepts the zoo and presets" \
  '"$squash" check "$src"/nets/zoo/*.xml "$src"/hwmodels/presets/*.xml >/dev/null'
for what in nets presets templates metrics; do
  check "squash list $what" '"$squash" list $what >"$tmp/l" && [ -s "$tmp/l" ]'
done
check "list templates names the systolic parameters" \
  '"$squash" list templates | grep -q "dataflow" && "$squash" list templates | grep -q "glb_kb"'
# Energy components: `list templates` names each template's; eval has one NAME_pj column per
# component and energy_pj is their sum on every row (round-trip digits, 1e-9 relative).
check "list templates names the systolic energy components" \
  '"$squash" list templates | awk "/^[^ ]/{t=\$1} t==\"systolic:\"&&/energy components/{f=1;next} f&&/^    /{print \$1} f&&!/^    /{f=0}" >"$tmp/comps" && grep -qx noc "$tmp/comps" && grep -qx mac "$tmp/comps" && grep -qx static "$tmp/comps"'
"$squash" eval --net resnet18 --hw tpu-v1 --digits 17 >"$tmp/e.csv"
check "eval has a column per component" \
  'while read -r c; do head -1 "$tmp/e.csv" | tr , "\n" | grep -qx "${c}_pj" || exit 1; done <"$tmp/comps"'
check "energy_pj is the sum of the component columns on every row" \
  'awk -F, -v comps="$(tr "\n" " " <"$tmp/comps")" "NR==1{for(i=1;i<=NF;i++)col[\$i]=i; n=split(comps,cs,\" \"); next}
     {s=0; for(j=1;j<=n;j++) s+=\$(col[cs[j]\"_pj\"]); e=\$(col[\"energy_pj\"]); d=s-e; if(d<0)d=-d; if(d>1e-9*e+1e-9) bad=1}
     END{exit bad}" "$tmp/e.csv"'
check "--version" '"$squash" --version | grep -q "^squash [0-9]"'
check "--help exits 0" '"$squash" --help | grep -q "usage: squash"'
check "eval --help exits 0" '"$squash" eval --help | grep -q -- "--net"'
"$squash" >/dev/null 2>&1
rc=$?
check "no command is bad usage (2)" '[ $rc -eq 2 ]'
"$squash" eval --net resnet18 >/dev/null 2>&1
rc=$?
check "eval without --hw is bad usage (2)" '[ $rc -eq 2 ]'
"$squash" frobnicate >/dev/null 2>&1
rc=$?
check "unknown command is bad usage (2)" '[ $rc -eq 2 ]'

finish
