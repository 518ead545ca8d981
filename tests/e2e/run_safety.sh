#!/usr/bin/env bash
# End-to-end checks that a long run cannot be silently corrupted (issue 8):
#   1. run identity: summary.json and squash.state list every input file (the experiment, its
#      network and accelerator files, the built-in presets reached through preset="...") with
#      its SHA-256, and the model version; editing a network file between two shards makes
#      merge exit 2 naming it; editing an accelerator file (or the model version) makes
#      --resume exit 2 naming it;
#   2. a second sweep (or merge) into a directory another one holds exits 2 naming the holder;
#      a lock file left by a dead run does not block;
#   3. a sweep refuses another experiment's outputs (default directory or -o) unless --force;
#      -o a/b/c creates the parents;
#   4. an output directory that cannot be created fails before the first point;
#   5. a symbolic link planted at points.csv.partial is never written through;
#   6. --resume refuses a state that does not add up with points.csv.partial or the space;
#   7. merge refuses an output directory that is one of the shards, and a truncated, empty or
#      foreign shard points.csv, leaving no output.
#   bash run_safety.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

# refused NAME PATTERN CMD...: CMD exits 2 and its stderr matches PATTERN (grep -E).
refused() {
  local name=$1 pat=$2
  shift 2
  "$@" >/dev/null 2>"$tmp/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qE -- "$pat" "$tmp/err"; then ok "$name"; else bad "$name: rc=$rc $(head -3 "$tmp/err")"; fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# The model version squash was built with, read from hwmodels/hw.h so that a bump needs no edit here.
mv=$(sed -n 's/^#define HW_MODEL_VERSION \([0-9][0-9]*\)$/\1/p' "$src/hwmodels/hw.h")
[ -n "$mv" ] && ok "HW_MODEL_VERSION read from hwmodels/hw.h ($mv)" || bad "no HW_MODEL_VERSION in hwmodels/hw.h"

# ---- 1. Run identity.
d="$tmp/id"
mkdir -p "$d"
cp "$src/nets/zoo/resnet8.xml" "$d/net.xml"
cat >"$d/acc.xml" <<'EOF'
<accelerator name="my-edge" preset="edge-systolic" glb_kb="256"/>
EOF
cat >"$d/xp.xml" <<'EOF'
<experiment name="identity">
  <network ref="net.xml"/>
  <accelerator ref="acc.xml">
    <sweep param="rows" values="8 16 32"/>
    <sweep param="dataflow" values="ws os is"/>
  </accelerator>
  <compression>
    <sweep param="prune" from="0" to="0.8" step="0.2"/>
    <sweep param="wbits" values="4 8"/>
  </compression>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
EOF
"$squash" sweep "$d/xp.xml" -o "$d/whole" -j 1 -q && ok "identity experiment runs" || bad "identity experiment"
python3 - "$d" "$(sha "$d/xp.xml")" "$(sha "$d/net.xml")" "$(sha "$d/acc.xml")" \
  "$(sha "$src/hwmodels/presets/edge-systolic.xml")" "$mv" <<'PY' && ok "summary.json lists every input (files resolved, preset as builtin:) and the model version" || bad "summary inputs"
import json, os, sys
d, xp, net, acc, preset, mv = sys.argv[1:]
s = json.load(open(d + "/whole/summary.json"))
want = [(os.path.realpath(d + "/xp.xml"), xp), (os.path.realpath(d + "/net.xml"), net),
        (os.path.realpath(d + "/acc.xml"), acc), ("builtin:hwmodels/presets/edge-systolic.xml", preset)]
got = [(i["path"], i["sha256"]) for i in s["inputs"]]
assert got == want, got
assert s["model_version"] == int(mv) and s["experiment_sha256"] == xp, s
PY
grep -q "^model_version $mv$" "$d/whole/squash.state" && grep -q "^$(sha "$d/net.xml") $(realpath "$d/net.xml")$" "$d/whole/squash.state" \
  && ok "squash.state records the inputs and the model version" || bad "state inputs"
"$squash" sweep "$src/tests/data/good/sweep_resnet8.xml" -o "$tmp/zoo" -j 1 -q
python3 - "$tmp/zoo/summary.json" "$(sha "$src/nets/zoo/resnet8.xml")" <<'PY' && ok "a zoo network is an input as builtin:nets/zoo/NAME.xml with the embedded bytes' SHA-256" || bad "zoo input"
import json, sys
s = json.load(open(sys.argv[1]))
assert {"path": "builtin:nets/zoo/resnet8.xml", "sha256": sys.argv[2]} in s["inputs"], s["inputs"]
PY

# A network file edited between two shards (one blank at the end: no parsed value changes).
"$squash" sweep "$d/xp.xml" -o "$d/s1" --shard 1/2 -j 1 -q
echo " " >>"$d/net.xml"
"$squash" sweep "$d/xp.xml" -o "$d/s2" --shard 2/2 -j 1 -q
refused "merge after a network file changed between shards exits 2 naming it" "net\.xml changed" \
  "$squash" merge -o "$d/m" "$d/s1" "$d/s2"
[ ! -e "$d/m/front.csv" ] && ok "…and writes no front.csv" || bad "merge wrote a front"
# An accelerator file edited before --resume (of a finished run: it reads the state too).
"$squash" sweep "$d/xp.xml" -o "$d/r" -j 1 -q
sed -i 's/glb_kb="256"/glb_kb="128"/' "$d/acc.xml"
refused "--resume after the accelerator file changed exits 2 naming it" "acc\.xml changed" \
  "$squash" sweep "$d/xp.xml" -o "$d/r" -j 1 -q --resume
"$squash" sweep "$d/xp.xml" -o "$d/r" -j 1 -q && ok "…and a fresh run over it is fine" || bad "fresh rerun"
sed -i "s/^model_version $mv\$/model_version 0/" "$d/r/squash.state"
refused "--resume of a run made with another model version exits 2 saying so" "model version 0" \
  "$squash" sweep "$d/xp.xml" -o "$d/r" -j 1 -q --resume

# ---- 2. One sweep (or merge) per directory at a time.
xp="$src/tests/data/good/sweep_resnet8.xml"
mkdir -p "$tmp/busy"
python3 - "$tmp/busy/squash.lock" "$tmp/held" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
f.write("pid %d on testhost\n" % os.getpid())
f.flush()
open(sys.argv[2], "w").close()
time.sleep(60)
PY
holder=$!
for _ in $(seq 1 500); do [ -e "$tmp/held" ] && break; sleep 0.01; done
refused "a second sweep into a locked directory exits 2 naming the holder" "in use.*pid $holder on testhost" \
  "$squash" sweep "$xp" -o "$tmp/busy" -j 1 -q
[ ! -e "$tmp/busy/front.csv" ] && ok "…and writes nothing" || bad "second sweep wrote"
refused "a merge into a locked directory exits 2" "in use" "$squash" merge -o "$tmp/busy" "$tmp/zoo"
kill $holder
wait $holder 2>/dev/null
[ -e "$tmp/busy/squash.lock" ] && ok "the dead holder left its lock file behind" || bad "no stale lock file"
"$squash" sweep "$xp" -o "$tmp/busy" -j 1 -q && ok "…which is stale: the next sweep runs" || bad "stale lock blocks"
[ ! -e "$tmp/busy/squash.lock" ] && ok "the lock file is removed on exit" || bad "lock left behind"

# ---- 3. Another experiment's outputs, and -o a/b/c.
two="$tmp/two"
mkdir -p "$two"
sed 's/resnet8-determinism/first/' "$xp" >"$two/a.xml"
sed 's/resnet8-determinism/second/' "$xp" >"$two/b.xml"
"$squash" sweep "$two/a.xml" -j 1 -q && ok "first experiment writes into its folder" || bad "first experiment"
cp "$two/front.csv" "$tmp/a.front"
refused "a second experiment in the same folder exits 2 naming the first" "another experiment.*a\.xml" \
  "$squash" sweep "$two/b.xml" -j 1 -q
same "…and leaves the first one's front" "$tmp/a.front" "$two/front.csv"
refused "…also through -o" "another experiment" "$squash" sweep "$two/b.xml" -o "$two" -j 1 -q
refused "merge into another experiment's outputs exits 2" "another experiment" "$squash" merge -o "$two" "$tmp/zoo"
echo "<!-- edited -->" >>"$two/a.xml"
"$squash" sweep "$two/a.xml" -j 1 -q && ok "the same experiment, edited, re-runs over its outputs" || bad "same experiment refused"
"$squash" sweep "$two/b.xml" -j 1 -q --force && ok "--force writes over another experiment's outputs" || bad "--force"
grep -q "b.xml" "$two/squash.state" && ok "…and the state is the second's" || bad "--force state"
"$squash" sweep "$xp" -o "$tmp/deep/er/dir" -j 1 -q && [ -s "$tmp/deep/er/dir/front.csv" ] && ok "-o a/b/c creates the parents" || bad "-o a/b/c"

# ---- 4. An output directory that cannot be made or written fails before the first point.
touch "$tmp/afile"
refused "-o under a regular file exits 2 before any point" "afile" \
  "$squash" sweep "$src/tests/data/good/sweep_killable.xml" -o "$tmp/afile/out" -q
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$tmp/ro"
  chmod 555 "$tmp/ro"
  "$squash" sweep "$src/tests/data/good/sweep_killable.xml" -o "$tmp/ro" -q >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ] && grep -q "cannot write" "$tmp/err"; then ok "a read-only directory fails before the first point"; else bad "read-only: rc=$rc"; fi
  chmod 755 "$tmp/ro"
fi

# ---- 5. A symbolic link planted at points.csv.partial.
mkdir -p "$tmp/link"
echo "precious" >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/link/points.csv.partial"
"$squash" sweep "$xp" -o "$tmp/link" -j 1 -q --all && ok "sweep --all with a planted link runs" || bad "planted link run"
[ "$(cat "$tmp/victim")" = precious ] && ok "…and does not write through the link" || bad "victim overwritten"
[ -f "$tmp/link/points.csv" ] && [ ! -L "$tmp/link/points.csv" ] && ok "…its points.csv is a regular file" || bad "points.csv not regular"

# ---- 6. --resume cross-checks the state, and 7. merge checks its shards.
big="$src/tests/data/good/sweep_killable.xml"
mkdir -p "$tmp/k"
"$squash" sweep "$big" -o "$tmp/k" -j 2 -q --all --checkpoint-every 0.05 &
pid=$!
for _ in $(seq 1 1000); do grep -q "^next [1-9]" "$tmp/k/squash.state" 2>/dev/null && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e "$tmp/k/front.csv" ] || ! grep -q "^next [1-9]" "$tmp/k/squash.state"; then
  bad "no part-way checkpoint to corrupt (make sweep_killable.xml bigger)"
else
  # lie FIELD VALUE: a copy of the killed run with one state line replaced.
  lie() { rm -rf "$tmp/lie"; cp -r "$tmp/k" "$tmp/lie"; sed -i "s/^$1 .*/$1 $2/" "$tmp/lie/squash.state"; }
  size=$(stat -c %s "$tmp/k/points.csv.partial")
  pb=$(sed -n 's/^points_bytes //p' "$tmp/k/squash.state")
  lie points_bytes $((size + 1000000000))
  refused "--resume: points_bytes past the end of points.csv.partial exits 2" "checkpoint records" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  [ "$(stat -c %s "$tmp/lie/points.csv.partial")" = "$size" ] && ok "…and does not extend the file" || bad "file extended"
  lie points_bytes $((pb - 7))
  refused "--resume: points_bytes in the middle of a row exits 2" "rows the checkpoint records" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  lie evaluated 4000050
  refused "--resume: an evaluated count that is not the points done exits 2" "evaluated" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  lie feasible 999999999
  refused "--resume: more feasible points than evaluated exits 2" "progress|feasible|add up" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  lie range "0 276479"
  refused "--resume: a range that is not the shard's exits 2" "range" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  rm -rf "$tmp/lie"; cp -r "$tmp/k" "$tmp/lie"
  cp "$tmp/lie/points.csv.partial" "$tmp/victim2"
  ln -sf "$tmp/victim2" "$tmp/lie/points.csv.partial"
  cp "$tmp/victim2" "$tmp/victim2.before"
  refused "--resume: points.csv.partial replaced by a symbolic link exits 2" "symbolic link" \
    "$squash" sweep "$big" -o "$tmp/lie" -j 2 -q --all --resume
  same "…and does not write through it" "$tmp/victim2.before" "$tmp/victim2"
  "$squash" sweep "$big" -o "$tmp/k" -j 2 -q --all --resume && ok "the honest checkpoint resumes" || bad "honest resume"
fi

for i in 1 2 3; do "$squash" sweep "$xp" -o "$tmp/m$i" --shard $i/3 -j 1 -q --all; done
cp -r "$tmp/m1" "$tmp/m1.before"
refused "merge -o s1 s1 s2 s3 (output is a shard) exits 2" "is the shard" \
  "$squash" merge -o "$tmp/m1" "$tmp/m1" "$tmp/m2" "$tmp/m3"
refused "…also spelled differently (./s1/)" "is the shard" \
  "$squash" merge -o "$tmp/./m1/" "$tmp/m1" "$tmp/m2" "$tmp/m3"
diff -r "$tmp/m1" "$tmp/m1.before" >/dev/null && ok "…and leaves the shard as it was" || bad "shard changed"
"$squash" merge -o "$tmp/mall" "$tmp/m1" "$tmp/m2" "$tmp/m3" && ok "the honest shards merge" || bad "honest merge"
cp "$tmp/m2/points.csv" "$tmp/m2.points"
bad_points() { # NAME PATTERN: merge with m2/points.csv as left by the caller refuses, no output
  rm -rf "$tmp/mbad"
  refused "merge refuses a $1 shard points.csv" "$2" "$squash" merge -o "$tmp/mbad" "$tmp/m1" "$tmp/m2" "$tmp/m3"
  [ ! -e "$tmp/mbad/points.csv" ] && [ ! -e "$tmp/mbad/front.csv" ] && ok "…and writes no output" || bad "merge wrote output"
  cp "$tmp/m2.points" "$tmp/m2/points.csv"
}
truncate -s $(($(stat -c %s "$tmp/m2.points") - 30)) "$tmp/m2/points.csv"
bad_points truncated "bytes"
: >"$tmp/m2/points.csv"
bad_points empty "bytes"
cp "$tmp/m3/points.csv" "$tmp/m2/points.csv"
bad_points "foreign (another shard's)" "bytes|id"
# Same size, one id changed: only the row check sees it.
python3 - "$tmp/m2/points.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
i = lines[2].index(",")
n = int(lines[2][:i])
new = str(n + 1 if len(str(n + 1)) == len(str(n)) else n - 1)
lines[2] = new + lines[2][i:]
open(p, "w").write("\n".join(lines))
PY
bad_points "reordered (a wrong id)" "expected the row of id"

# More shards than points, with --all: the empty parts still write a points.csv (the header),
# and the merge gives the whole run's points.csv.
"$squash" sweep "$d/xp.xml" -o "$tmp/e/whole" -j 1 -q --all
edirs=()
for i in $(seq 1 92); do
  "$squash" sweep "$d/xp.xml" -o "$tmp/e/$i" --shard $i/92 -j 1 -q --all || bad "shard $i/92"
  edirs+=("$tmp/e/$i")
done
"$squash" merge -o "$tmp/e/m" "${edirs[@]}" && ok "92 shards of 90 points (two empty) merge with --all" || bad "merge of 92 shards"
same "…to the whole run's points.csv" "$tmp/e/whole/points.csv" "$tmp/e/m/points.csv"

finish
