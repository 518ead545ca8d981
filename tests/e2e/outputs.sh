#!/usr/bin/env bash
# End-to-end checks of the numbers a sweep writes for papers (issue 8) on the built binary:
#   - CSV metrics have 6 significant digits by default; --digits 17 writes exactly what squash
#     wrote before --digits existed (the shortest of %.15g / %.17g that reads back) and every
#     number reads back to the exact double of squash.state;
#   - --resume and merge keep the digits (or refuse a mix), the state stays exact;
#   - `eval --from DIR --id N` reproduces front rows (energy_uj, latency_ms, accuracy);
#   - points.csv's infeasible_reason, the reason counts in squash.state / summary.json, and an
#     all-infeasible sweep naming the reason on stderr.
#   bash outputs.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

# A copy of a results/ experiment (3600 points of ResNet-18, a fraction of a second).
mkdir -p "$tmp/x"
# Its area bound tightened to 3 mm² and its accuracy bound raised to 68.5 so that both
# infeasibility reasons occur (its largest design, 64×32 PEs with 1 MB at 28 nm, is 3.8 mm²; its
# least accurate setting, 90 % pruned W4A8, 68.1 % under accuracy model v2).
sed -e 's|<constraint metric="area_mm2" max="[0-9.]*"/>|<constraint metric="area_mm2" max="3"/>|' \
  -e 's|<constraint metric="accuracy" min="[0-9.]*"/>|<constraint metric="accuracy" min="68.5"/>|' \
  "$src/results/resnet18-edge/experiment.xml" >"$tmp/x/experiment.xml"
xp="$tmp/x/experiment.xml"

# ---- 1. Digits.
"$squash" sweep "$xp" -o "$tmp/d6" --all -j 2 -q && ok "default sweep --all runs" || bad "default sweep"
"$squash" sweep "$xp" -o "$tmp/d17" --all --digits 17 -j 2 -q && ok "--digits 17 runs" || bad "--digits 17"
check "squash.state records the digits (6, 17)" \
  'grep -qx "digits 6" "$tmp/d6/squash.state" && grep -qx "digits 17" "$tmp/d17/squash.state"'
python3 - "$tmp/d6" "$tmp/d17" <<'PY' && ok "--digits 17 = the old round-trip bytes = the state's exact values; default = %.6g of them" || bad "digits"
import csv, re, sys
d6, d17 = sys.argv[1], sys.argv[2]
METRICS = ["energy_uj", "latency_ms", "area_mm2", "accuracy", "power_mw", "edp", "tops_per_w"]
def old_fmt(v):  # squash's format before --digits (sq_fmt_double): shortest that reads back
    v = 0.0 if v == 0 else v
    s = "%.15g" % v
    return s if float(s) == v else "%.17g" % v
def state_front(d):
    lines = open(d + "/squash.state").read().split("\n")
    i = next(k for k, l in enumerate(lines) if l.startswith("front "))
    out = {}
    for l in lines[i + 1:i + 1 + int(lines[i].split()[1])]:
        f = l.split()
        out[f[0]] = [float.fromhex(h) for h in f[2:]]
    return out
exact = state_front(d17)
assert exact == state_front(d6)  # the state does not depend on the digits
f17 = list(csv.DictReader(open(d17 + "/front.csv")))
assert len(f17) == len(exact) > 5
for r in f17:
    for k, m in enumerate(METRICS):
        v = exact[r["id"]][k]
        assert float(r[m]) == v, (r["id"], m, r[m], v)  # reads back exactly
        assert r[m] == old_fmt(v), (r["id"], m, r[m])   # byte-identical to the old format
# Every number of points.csv at 6 digits is %.6g of the exact one (or the whole number).
p6 = list(csv.DictReader(open(d6 + "/points.csv")))
p17 = list(csv.DictReader(open(d17 + "/points.csv")))
assert len(p6) == len(p17) == 3600
longer = 0
for a, b in zip(p6, p17):
    assert a["id"] == b["id"] and a["feasible"] == b["feasible"]
    assert a["infeasible_reason"] == b["infeasible_reason"]
    for m in METRICS:
        y = float(b[m])
        want = "%.0f" % y if y == int(y) else "%.6g" % y
        assert a[m] == want, (a["id"], m, a[m], b[m])
        assert "e" in a[m] or len(a[m].replace(".", "").replace("-", "").lstrip("0")) <= 6 or y == int(y)
        longer += len(b[m]) > 8
    assert not re.search(r"(^|,)-0(,|$)|nan|inf", ",".join(a.values()), re.I), a
assert longer > 1000, longer  # the exact file really has long numbers
# front.csv at 6 digits: the same rows as points.csv at 6 digits (one format for both).
byid = {r["id"]: r for r in p6}
for r in csv.DictReader(open(d6 + "/front.csv")):
    assert all(byid[r["id"]][k] == v for k, v in r.items()), r["id"]
PY
for d in 0 18 1.5 x; do
  "$squash" sweep "$xp" -o "$tmp/bad$d" --digits "$d" -q >/dev/null 2>&1
  rc=$?
  check "sweep --digits $d exits 2, no output" '[ $rc -eq 2 ] && [ ! -e "$tmp/bad$d/front.csv" ]'
done

# --resume: a finished --all run refuses other digits (its points.csv has 6), keeps its own.
"$squash" sweep "$xp" -o "$tmp/d6" --all --resume --digits 9 -q 2>"$tmp/err"
rc=$?
check "--resume --all with other --digits exits 2 naming the run's digits" \
  '[ $rc -eq 2 ] && grep -q "6 significant digits" "$tmp/err"'
cp "$tmp/d6/points.csv" "$tmp/points6"
"$squash" sweep "$xp" -o "$tmp/d6" --all --resume -q && ok "--resume --all without --digits exits 0" || bad "--resume"
same "…and keeps points.csv" "$tmp/points6" "$tmp/d6/points.csv"
# Without --all, front.csv is rewritten from the exact state: a new --digits is followed.
"$squash" sweep "$xp" -o "$tmp/f6" -q -j 2 && "$squash" sweep "$xp" -o "$tmp/f6" --resume --digits 17 -q
rc=$?
check "--resume (no --all) with --digits 17 exits 0" '[ $rc -eq 0 ] && grep -qx "digits 17" "$tmp/f6/squash.state"'
same "…and writes the --digits 17 front" "$tmp/d17/front.csv" "$tmp/f6/front.csv"

# A run killed part-way with --all --digits 9, resumed without --digits: one format throughout.
big="$src/tests/data/good/sweep_killable.xml"
mkdir -p "$tmp/k"
"$squash" sweep "$big" -o "$tmp/k" --all --digits 9 -j 2 -q --checkpoint-every 0.05 &
pid=$!
for _ in $(seq 1 1000); do grep -qs "^next [1-9]" "$tmp/k/squash.state" && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ -e "$tmp/k/front.csv" ] && echo "note: the run finished before it was killed"
"$squash" sweep "$big" -o "$tmp/k" --all -j 2 -q --resume && ok "killed --digits 9 run resumes" || bad "resume of the killed run"
"$squash" sweep "$big" -o "$tmp/kw" --all --digits 9 -j 2 -q || bad "uninterrupted --digits 9 run"
same "resumed points.csv = uninterrupted --digits 9 points.csv" "$tmp/kw/points.csv" "$tmp/k/points.csv"
same "resumed front.csv = uninterrupted --digits 9 front.csv" "$tmp/kw/front.csv" "$tmp/k/front.csv"

# merge: shards at one digits merge to the single run's bytes; a mix is refused.
for i in 1 2 3; do "$squash" sweep "$xp" -o "$tmp/s$i" --shard $i/3 --all -j 1 -q; done
"$squash" merge -o "$tmp/m" "$tmp/s1" "$tmp/s2" "$tmp/s3" 2>/dev/null && ok "merge of 6-digit shards runs" || bad "merge"
same "merged points.csv = single run's" "$tmp/d6/points.csv" "$tmp/m/points.csv"
same "merged front.csv = single run's" "$tmp/d6/front.csv" "$tmp/m/front.csv"
"$squash" merge -o "$tmp/m9" --digits 9 "$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null 2>"$tmp/err"
rc=$?
check "merge --digits 9 of 6-digit points.csv shards exits 2, no output" \
  '[ $rc -eq 2 ] && grep -q "digits" "$tmp/err" && [ ! -e "$tmp/m9/front.csv" ]'
"$squash" sweep "$xp" -o "$tmp/s2" --shard 2/3 --all --digits 8 -j 1 -q
"$squash" merge -o "$tmp/mx" "$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null 2>"$tmp/err"
rc=$?
check "merge of shards with different digits exits 2" '[ $rc -eq 2 ] && grep -q "same --digits" "$tmp/err"'
for i in 1 2 3; do "$squash" sweep "$xp" -o "$tmp/t$i" --shard $i/3 -j 1 -q; done
"$squash" merge -o "$tmp/mt" --digits 17 "$tmp/t1" "$tmp/t2" "$tmp/t3" 2>/dev/null && ok "merge --digits 17 of front-only shards" || bad "merge --digits 17"
same "…gives the --digits 17 front" "$tmp/d17/front.csv" "$tmp/mt/front.csv"

# A state written before digits and reasons existed: 17 digits, reasons counted as not recorded.
cp -r "$tmp/d17" "$tmp/old"
sed -i '/^digits /d; /^reasons /d' "$tmp/old/squash.state"
"$squash" merge -o "$tmp/mold" "$tmp/old" 2>/dev/null && ok "merge reads a state without digits/reasons lines" || bad "merge of an old state"
same "…with 17 digits, as squash wrote then" "$tmp/d17/front.csv" "$tmp/mold/front.csv"
python3 - "$tmp/mold/summary.json" <<'PY' && ok "…and its infeasible points counted as not recorded" || bad "old state reasons"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["infeasible_reasons"] == {"not recorded (a state of an older squash)": 3600 - s["feasible"]}, s
PY

# ---- 2. eval --from DIR --id N equals the front rows, at the sweep's digits.
python3 - "$tmp/d6/front.csv" >"$tmp/ids" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(" ".join(rows[i]["id"] for i in sorted({0, 1, len(rows) // 2, len(rows) - 2, len(rows) - 1})))
PY
for d in d6 d17; do
  digits=6; [ $d = d17 ] && digits=17
  for id in $(cat "$tmp/ids"); do
    "$squash" eval --from "$tmp/$d" --id "$id" --digits $digits >"$tmp/e.csv" 2>"$tmp/err" || { bad "eval --from $d --id $id: $(cat "$tmp/err")"; continue; }
    python3 - "$tmp/e.csv" "$tmp/$d/front.csv" "$id" <<'PY' || bad "eval --from $d --id $id differs from its front row"
import csv, sys
t = list(csv.DictReader(open(sys.argv[1])))[-1]
f = next(r for r in csv.DictReader(open(sys.argv[2])) if r["id"] == sys.argv[3])
assert t["layer"] == "TOTAL"
for m in ("energy_uj", "latency_ms", "accuracy", "accuracy_src"):
    assert t[m] == f[m], (m, t[m], f[m])
PY
  done
  ok "eval --from $d --id N: TOTAL energy_uj, latency_ms, accuracy = front row (ids $(cat "$tmp/ids"))"
done
id=$(cut -d' ' -f1 "$tmp/ids")
"$squash" eval --from "$tmp/d6" --id "$id" --set rows=8 >"$tmp/e8.csv"
"$squash" eval --from "$tmp/d6" --id "$id" >"$tmp/e0.csv"
check "--set applies on top of the point" '! cmp -s "$tmp/e8.csv" "$tmp/e0.csv"'
"$squash" eval --from "$tmp/d6" --id "$id" --json >"$tmp/e.json"
python3 - "$tmp/e.json" "$tmp/d17/front.csv" "$id" <<'PY' && ok "eval --from --json: totals energy_uj = the exact front value" || bad "eval --from --json"
import csv, json, sys
j = json.load(open(sys.argv[1]))
f = next(r for r in csv.DictReader(open(sys.argv[2])) if r["id"] == sys.argv[3])
assert j["total"]["energy_uj"] == float(f["energy_uj"]) == j["metrics"]["energy_uj"]
assert j["metrics"]["latency_ms"] == float(f["latency_ms"])
PY
"$squash" eval --from "$tmp/d6" --id 3600 >/dev/null 2>"$tmp/err"
rc=$?
check "eval --from with an id outside the space exits 2 saying so" '[ $rc -eq 2 ] && grep -q "outside the design space" "$tmp/err"'
mkdir -p "$tmp/empty"
"$squash" eval --from "$tmp/empty" --id 0 >/dev/null 2>"$tmp/err"
rc=$?
check "eval --from a directory without squash.state exits 2 saying so" '[ $rc -eq 2 ] && grep -q "no squash.state" "$tmp/err"'
for args in "--from $tmp/d6" "--id 3" "--from $tmp/d6 --id 3 --net resnet18" "--from $tmp/d6 --id -1"; do
  "$squash" eval $args >/dev/null 2>&1
  rc=$?
  check "eval $args is bad usage (2)" '[ $rc -eq 2 ]'
done

# ---- 3. Infeasibility reasons.
python3 - "$tmp/d6" <<'PY' && ok "infeasible_reason: empty iff feasible; counts = summary.json = squash.state" || bad "reasons"
import collections, csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/points.csv")))
assert open(d + "/points.csv").readline().rstrip("\n").endswith(",feasible,infeasible_reason")
for r in rows:
    assert (r["feasible"] == "1") == (r["infeasible_reason"] == ""), r
    if r["infeasible_reason"] == "area_mm2 > 3":
        assert float(r["area_mm2"]) > 3, r
    elif r["infeasible_reason"] == "accuracy < 68.5":
        assert float(r["accuracy"]) < 68.5 and float(r["area_mm2"]) <= 3, r  # area is checked first
    else:
        assert r["infeasible_reason"] == "", r
count = collections.Counter(r["infeasible_reason"] for r in rows if r["feasible"] == "0")
s = json.load(open(d + "/summary.json"))
assert s["infeasible_reasons"] == dict(count) and sum(count.values()) == 3600 - s["feasible"], (s["infeasible_reasons"], count)
assert len(count) == 2, count
state = [l for l in open(d + "/squash.state") if l.startswith("reasons ")][0].split()
assert int(state[1]) == len(state) - 2 and sum(map(int, state[2:])) == 3600 and int(state[2]) == s["feasible"]
PY
check "a sweep with feasible points prints no infeasibility note" '! "$squash" sweep "$xp" -o "$tmp/q" -q 2>&1 | grep -q infeasible'
python3 - "$tmp/m/summary.json" "$tmp/d6/summary.json" <<'PY' && ok "merged infeasible_reasons = single run's" || bad "merged reasons"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["infeasible_reasons"] == b["infeasible_reasons"]
PY
# Without --all the counts are the same (a point's reason does not depend on --all).
python3 - "$tmp/f6/summary.json" "$tmp/d6/summary.json" <<'PY' && ok "reasons without --all = with --all" || bad "reasons without --all"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["infeasible_reasons"] == b["infeasible_reasons"]
PY

# All infeasible by a constraint: exit 0, outputs written, stderr names the constraint and count.
sed 's|<constraint metric="area_mm2" max="3"/>|<constraint metric="area_mm2" max="0.1"/>|' "$xp" >"$tmp/x/tight.xml"
"$squash" sweep "$tmp/x/tight.xml" -o "$tmp/tight" -q 2>"$tmp/err"
rc=$?
cat "$tmp/err"
check "all-infeasible sweep exits 0 with its outputs" '[ $rc -eq 0 ] && [ -s "$tmp/tight/front.csv" ] && [ -s "$tmp/tight/summary.json" ]'
check "…and says so on stderr, naming area_mm2 > 0.1 for all 3600 points" \
  'grep -q "every point is infeasible" "$tmp/err" && grep -q "area_mm2 > 0.1 (3600 points)" "$tmp/err"'
check "front.csv is the header alone" '[ $(wc -l <"$tmp/tight/front.csv") -eq 1 ]'
# All infeasible as invalid designs: acc_bits narrower than mac_bits everywhere.
cat >"$tmp/x/invalid.xml" <<'XML'
<experiment name="all-invalid">
  <network ref="resnet8"/>
  <accelerator ref="edge-systolic" mac_bits="16">
    <sweep param="acc_bits" values="8 12"/>
    <sweep param="rows" values="8 16"/>
  </accelerator>
  <compression>
    <sweep param="wbits" values="4 8"/>
  </compression>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
XML
"$squash" sweep "$tmp/x/invalid.xml" -o "$tmp/inv" --all -q 2>"$tmp/err"
rc=$?
cat "$tmp/err"
check "all-invalid sweep exits 0, names the invalid design with the models' message" \
  '[ $rc -eq 0 ] && grep -q "invalid design (8 points)" "$tmp/err" && grep -q "narrower than mac_bits" "$tmp/err"'
check "points.csv gives each invalid point the models' message" \
  '[ $(grep -c ",0,invalid design: acc_bits = [0-9]* is narrower than mac_bits = 16$" "$tmp/inv/points.csv") -eq 8 ]'

finish
