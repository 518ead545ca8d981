#!/usr/bin/env bash
# End-to-end checks of `squash sweep` and `squash merge` on the built binary:
#   - on a random experiment (seed printed; SQUASH_TEST_SEED=N repeats one), front.csv is exactly
#     the set of feasible non-dominated rows of points.csv;
#   - the front is byte-identical for -j 1, -j 2, 3, 7 and 8 shards merged (with --all also
#     points.csv), and a run killed with SIGKILL then resumed;
#   - the default experiment runs; bad sweep usage exits 2 and leaves no output.
#   bash sweep.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

seed=${SQUASH_TEST_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed"

# ---- 1. A random experiment: front.csv = feasible non-dominated rows of points.csv.
python3 - "$seed" "$tmp/rand.xml" <<'PY'
import random, sys
r = random.Random(int(sys.argv[1]))
net = r.choice(["resnet8", "ds_cnn", "mobilenet_v1_025", "autoencoder"])
def pick(values, k):
    return " ".join(str(v) for v in sorted(r.sample(values, k)))
hw = [
    f'<sweep param="rows" values="{pick([4, 8, 16, 32, 64], r.randint(1, 3))}"/>',
    f'<sweep param="cols" values="{pick([4, 8, 16, 32, 64], r.randint(1, 3))}"/>',
    f'<sweep param="glb_kb" from="{r.choice([8, 16, 32])}" to="{r.choice([256, 512])}" factor="4"/>',
    f'<sweep param="dataflow" values="{" ".join(r.sample(["ws", "os", "is"], r.randint(1, 3)))}"/>',
    f'<sweep param="sparsity" values="{" ".join(r.sample(["none", "gate", "skip"], r.randint(1, 3)))}"/>',
]
cmp = [
    f'<sweep param="prune" from="0" to="{r.choice([0.5, 0.8, 0.9])}" step="{r.choice([0.1, 0.25])}"/>',
    f'<sweep param="wbits" values="{pick([2, 4, 8, 16], r.randint(1, 3))}"/>',
    f'<sweep param="abits" values="{pick([4, 8, 16], r.randint(1, 2))}"/>',
]
metrics = ["energy_uj", "latency_ms", "area_mm2", "power_mw", "edp", "tops_per_w"]
objs = r.sample(metrics, r.randint(2, 3))
goals = {m: ("max" if m == "tops_per_w" else r.choice(["min", "min", "max"])) for m in objs}
cons = []
if r.random() < 0.7:
    cons.append(f'<constraint metric="area_mm2" max="{r.choice([0.5, 1, 2, 5])}"/>')
if r.random() < 0.5:
    cons.append(f'<constraint metric="latency_ms" max="{r.choice([0.1, 1, 10])}"/>')
with open(sys.argv[2], "w") as f:
    f.write(f'<experiment name="random-{sys.argv[1]}">\n  <network ref="{net}"/>\n')
    f.write('  <accelerator ref="edge-systolic">\n    ' + "\n    ".join(hw) + '\n  </accelerator>\n')
    f.write('  <compression>\n    ' + "\n    ".join(cmp) + '\n  </compression>\n')
    for c in cons:
        f.write(f"  {c}\n")
    for m in objs:
        f.write(f'  <objective metric="{m}" goal="{goals[m]}"/>\n')
    f.write("</experiment>\n")
PY
cat "$tmp/rand.xml"
mkdir -p "$tmp/r1"
# --digits 17: dominance is checked on the exact values (6 digits can tie distinct points).
if "$squash" sweep "$tmp/rand.xml" -o "$tmp/r1" --all --digits 17 -j 2 -q 2>"$tmp/err"; then
  ok "random sweep runs"
else
  bad "random sweep runs: $(head -3 "$tmp/err")"
fi
python3 - "$tmp/rand.xml" "$tmp/r1" <<'PY' && ok "front.csv = feasible non-dominated rows of points.csv" || bad "front/points consistency"
import csv, json, re, sys, xml.etree.ElementTree as ET
xp = ET.parse(sys.argv[1]).getroot()
objs = [(o.get("metric"), o.get("goal")) for o in xp.findall("objective")]
cons = [(c.get("metric"), float(c.get("min", "-inf")), float(c.get("max", "inf"))) for c in xp.findall("constraint")]
pts = list(csv.DictReader(open(sys.argv[2] + "/points.csv")))
front = list(csv.DictReader(open(sys.argv[2] + "/front.csv")))
summary = json.load(open(sys.argv[2] + "/summary.json"))
assert summary["space_size"] == len(pts) == summary["points_evaluated"], (summary, len(pts))
assert [int(p["id"]) for p in pts] == list(range(len(pts)))
def vec(p):
    return tuple(float(p[m]) if g == "min" else -float(p[m]) for m, g in objs)
feas = [p for p in pts if p["feasible"] == "1"]
for p in feas:  # the feasible flag agrees with the constraints
    for m, lo, hi in cons:
        assert lo <= float(p[m]) <= hi, (p["id"], m)
assert summary["feasible"] == len(feas)
def dominates(a, b):
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))
vs = [(vec(p), p) for p in feas]
# Non-dominated set by a sort-and-scan with an exact pairwise check against kept points.
vs.sort(key=lambda t: t[0])
nd = []
for v, p in vs:
    if not any(dominates(w, v) for w, _ in nd):
        nd.append((v, p))
expect = sorted(int(p["id"]) for _, p in nd)
got = sorted(int(p["id"]) for p in front)
assert got == expect, (len(got), len(expect), set(got) ^ set(expect))
# front rows equal the points rows (same values, fewer columns) and are sorted by objective 1.
byid = {p["id"]: p for p in pts}
for p in front:
    q = byid[p["id"]]
    assert all(q[k] == v for k, v in p.items()), p["id"]
firsts = [vec(p)[0] for p in front]
assert firsts == sorted(firsts)
assert summary["front_size"] == len(front)
print(f"{len(pts)} points, {len(feas)} feasible, front {len(front)}")
PY

# ---- 2. The same front for -j 1, -j 2, shards merged, and kill + resume.
xp="$src/tests/data/good/sweep_resnet8.xml"
"$squash" sweep "$xp" -o "$tmp/j1" -j 1 -q && ok "-j 1 runs" || bad "-j 1 runs"
"$squash" sweep "$xp" -o "$tmp/j2" -j 2 -q && ok "-j 2 runs" || bad "-j 2 runs"
same "front identical for -j 1 and -j 2" "$tmp/j1/front.csv" "$tmp/j2/front.csv"
for i in 1 2 3; do "$squash" sweep "$xp" -o "$tmp/s$i" --shard $i/3 -j 1 -q; done
"$squash" merge -o "$tmp/merged" "$tmp/s3" "$tmp/s1" "$tmp/s2" && ok "merge of 3 shards runs" || bad "merge runs"
same "front identical for 3 shards merged" "$tmp/j1/front.csv" "$tmp/merged/front.csv"
python3 - "$tmp/j1/summary.json" "$tmp/merged/summary.json" <<'PY' && ok "merged summary counts equal the whole run's" || bad "merged summary"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("space_size", "points_evaluated", "feasible", "front_size", "hypervolume"):
    assert a[k] == b[k], (k, a[k], b[k])
PY
# Many shards (interleaved blocks of ids), with --all: front and points.csv byte-identical.
"$squash" sweep "$xp" -o "$tmp/a1" -j 1 -q --all || bad "-j 1 --all runs"
for n in 7 8; do
  dirs=()
  for i in $(seq 1 $n); do
    "$squash" sweep "$xp" -o "$tmp/n$n-$i" --shard $i/$n -j 1 -q --all || bad "shard $i/$n"
    dirs+=("$tmp/n$n-$i")
  done
  "$squash" merge -o "$tmp/mn$n" "${dirs[@]}" && ok "merge of $n shards --all runs" || bad "merge of $n shards"
  same "front identical for $n shards merged" "$tmp/a1/front.csv" "$tmp/mn$n/front.csv"
  same "points.csv identical for $n shards merged" "$tmp/a1/points.csv" "$tmp/mn$n/points.csv"
done
python3 - "$tmp" <<'PY' && ok "a shard's points.csv is its interleaved blocks, in id order" || bad "shard blocks"
import csv, json, sys
tmp = sys.argv[1]
S = json.load(open(f"{tmp}/a1/summary.json"))["space_size"]
B = json.load(open(f"{tmp}/n8-3/summary.json"))["block_ids"]
ids = [int(r["id"]) for r in csv.DictReader(open(f"{tmp}/n8-3/points.csv"))]
assert B > 1 and ids == [i for i in range(S) if (i // B) % 8 == 2], (B, ids[:5])
PY
"$squash" merge -o "$tmp/mix" "$tmp/n7-1" "$tmp/n8-2" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "different splits" "$tmp/err"; then ok "merge of shards of different N is refused (2)"; else bad "merge mixed N: rc=$rc $(cat "$tmp/err")"; fi
"$squash" merge -o "$tmp/dup" "$tmp/s1" "$tmp/s1" "$tmp/s2" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "both part 1/3" "$tmp/err"; then ok "merge of a shard given twice is refused (2)"; else bad "merge duplicate: rc=$rc $(cat "$tmp/err")"; fi
"$squash" merge -o "$tmp/m2" "$tmp/s1" "$tmp/s2" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "missing" "$tmp/err" && [ ! -e "$tmp/m2/front.csv" ]; then ok "merge with a shard missing is refused (2)"; else bad "merge with a missing shard: rc=$rc $(cat "$tmp/err")"; fi

big="$src/tests/data/good/sweep_killable.xml"
"$squash" sweep "$big" -o "$tmp/whole" -j 2 -q || bad "uninterrupted run"
mkdir -p "$tmp/killed"
"$squash" sweep "$big" -o "$tmp/killed" -j 2 -q --checkpoint-every 0.05 &
pid=$!
for _ in $(seq 1 500); do [ -e "$tmp/killed/squash.state" ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e "$tmp/killed/front.csv" ]; then
  bad "the run was killed before it finished (it finished first: make sweep_killable.xml bigger)"
else
  ok "the run was killed part-way ($(grep '^next' "$tmp/killed/squash.state"))"
fi
"$squash" sweep "$big" -o "$tmp/killed" -j 2 -q --resume && ok "--resume finishes" || bad "--resume"
same "front identical after SIGKILL and --resume" "$tmp/whole/front.csv" "$tmp/killed/front.csv"

# Resuming a finished run (with --all) rewrites the same outputs.
cp "$tmp/r1/front.csv" "$tmp/front.before"
cp "$tmp/r1/points.csv" "$tmp/points.before"
"$squash" sweep "$tmp/rand.xml" -o "$tmp/r1" --all -j 2 -q --resume && ok "--resume of a finished --all run exits 0" || bad "--resume of a finished run"
same "…and leaves front.csv as it was" "$tmp/front.before" "$tmp/r1/front.csv"
same "…and points.csv as it was" "$tmp/points.before" "$tmp/r1/points.csv"
# More shards than points: blocks of 1 id, part i holds id i-1 when i <= S, the rest are empty.
n=$(python3 -c "import json; print(json.load(open('$tmp/j1/summary.json'))['space_size'])")
big_n=$((n * 4 + 3))
dirs=()
for i in 1 $((big_n / 2)) $big_n; do "$squash" sweep "$xp" -o "$tmp/tiny$i" --shard "$i/$big_n" -j1 -q || bad "shard $i/$big_n"; done
python3 - "$tmp" "$big_n" "$n" <<'PY' && ok "shards of a huge N have the exact ranges" || bad "huge-N shard ranges"
import json, sys
tmp, N, S = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in (1, N // 2, N):
    s = json.load(open(f"{tmp}/tiny{i}/summary.json"))
    want = 1 if i <= S else 0
    assert s["range"] == [0, want] and s["points_evaluated"] == want and s["block_ids"] == 1, (i, s)
PY

# ---- 2b. A technology constant sweeps like a template parameter: DRAM energy per bit 2, 5, 10
# on one fixed design gives three points whose energy grows with it and whose latency does not
# move; the column carries the constant's name. A name that is neither exits 2 naming it.
cat >"$tmp/techsweep.xml" <<'XML'
<experiment name="techsweep">
  <network ref="resnet8"/>
  <accelerator ref="edge-systolic">
    <sweep param="dram_lpddr4_pj_per_bit" values="2 5 10"/>
  </accelerator>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
XML
"$squash" sweep "$tmp/techsweep.xml" -o "$tmp/techsweep" --all -q -j 1 || bad "tech sweep runs"
python3 - "$tmp/techsweep/points.csv" <<'PY' && ok "a technology constant sweeps: energy grows with DRAM pJ/bit, latency fixed" || bad "tech sweep points"
import csv, sys
rows = sorted(csv.DictReader(open(sys.argv[1])), key=lambda r: float(r["dram_lpddr4_pj_per_bit"]))
assert [float(r["dram_lpddr4_pj_per_bit"]) for r in rows] == [2, 5, 10], rows
e = [float(r["energy_uj"]) for r in rows]
assert e[0] < e[1] < e[2], e
assert len({r["latency_ms"] for r in rows}) == 1, rows
PY
sed 's/dram_lpddr4_pj_per_bit/dram_lpddr9_pj_per_bit/' "$tmp/techsweep.xml" >"$tmp/techbad.xml"
"$squash" sweep "$tmp/techbad.xml" -o "$tmp/techbad" -q >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "techbad.xml:4:.*dram_lpddr9_pj_per_bit" "$tmp/err" && [ ! -e "$tmp/techbad/front.csv" ]; then ok "unknown swept constant: FILE:LINE, exit 2"; else bad "unknown swept constant: rc=$rc $(cat "$tmp/err")"; fi

# ---- 2c. --breakdown: front.csv gains one COMPONENT_uj column per energy component of the
# template (as `squash list templates` names them), after the usual columns, which stay byte for
# byte those of a run without it; the components add up to energy_uj (6 significant digits
# each: 1e-4 relative); merge --breakdown of shards gives the same file.
"$squash" sweep "$tmp/techsweep.xml" -o "$tmp/bd" --breakdown --digits 17 -q -j 1 || bad "sweep --breakdown"
"$squash" sweep "$tmp/techsweep.xml" -o "$tmp/nobd" --digits 17 -q -j 1 || bad "sweep without --breakdown"
comps=$("$squash" list templates | awk '/^[^ ]/{t=$1} t=="systolic:"&&/energy components/{f=1;next} f&&/^    /{print $1} f&&!/^    /{f=0}' | tr '\n' ' ')
python3 - "$tmp/bd/front.csv" "$tmp/nobd/front.csv" "$comps" <<'PY' && ok "sweep --breakdown: component columns that add up, other columns unchanged" || bad "sweep --breakdown columns"
import csv, sys
bd, plain, comps = list(csv.reader(open(sys.argv[1]))), list(csv.reader(open(sys.argv[2]))), sys.argv[3].split()
assert len(bd) == len(plain) >= 2, (len(bd), len(plain))
n = len(plain[0])
assert bd[0][n:] == [c + "_uj" for c in comps], bd[0]
for b, p in zip(bd, plain):
    assert b[:n] == p, (b, p)
h = bd[0]
for row in bd[1:]:
    e = float(row[h.index("energy_uj")])
    s = sum(float(row[h.index(c + "_uj")]) for c in comps)
    assert abs(s - e) <= 1e-9 * e, (s, e)
PY
for i in 1 2; do "$squash" sweep "$tmp/techsweep.xml" -o "$tmp/bds$i" --shard $i/2 --digits 17 -q -j 1 || bad "shard $i"; done
"$squash" merge -o "$tmp/bdm" --breakdown "$tmp/bds1" "$tmp/bds2" >/dev/null || bad "merge --breakdown"
check "merge --breakdown gives the sweep's front.csv" 'cmp -s "$tmp/bd/front.csv" "$tmp/bdm/front.csv"'

# ---- 3. The default experiment, and bad usage.
(cd "$tmp" && "$squash" sweep -q -j 2) && [ -s "$tmp/squash-default/front.csv" ] && ok "the default experiment runs" || bad "default experiment"
python3 - "$tmp/squash-default/summary.json" <<'PY' && ok "default experiment: tens of thousands of points, a front" || bad "default size"
import json, sys
s = json.load(open(sys.argv[1]))
assert 10000 <= s["space_size"] <= 100000 and s["front_size"] >= 2, s
PY
for args in "--shard 0/3" "--shard 4/3" "--shard x" "-j 0" "--checkpoint-every -1" "--bogus"; do
  "$squash" sweep "$xp" -o "$tmp/bad" $args >/dev/null 2>&1
  rc=$?
  if [ $rc -eq 2 ] && [ ! -e "$tmp/bad/front.csv" ]; then ok "sweep $args exits 2"; else bad "sweep $args: rc=$rc"; fi
done
"$squash" sweep "$src/tests/data/bad/xp_prune_1.xml" -o "$tmp/bad2" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "xp_prune_1.xml:[0-9]*:" "$tmp/err" && [ ! -e "$tmp/bad2/front.csv" ]; then ok "bad experiment: FILE:LINE, exit 2, no output"; else bad "bad experiment: rc=$rc $(cat "$tmp/err")"; fi

finish
