#!/usr/bin/env bash
# End-to-end checks of what `squash check EXPERIMENT.xml` says beyond validity: the space size
# (each sweep's value count and their product) and the distinct layers per point, exactly; the
# wall-time estimate per thread count and per shard, for being there, positive and finite (its
# value depends on the machine); bad check options exit 2. Network and accelerator files still
# print `FILE: ok` alone.
#   bash check.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

# Space by hand: rows 8 16 32 (3) x glb_kb 64..1024 factor 2 = 64 128 256 512 1024 (5)
# x prune 0 0.25 0.5 (3) x wbits 4 8 (2) = 90 points.
# Distinct layers of resnet18 (21 layers): conv1 (the first layer) 1; layer1's four 64->64 3x3
# convs at 56x56 are one shape, 1; stages 2-4 each have a strided 3x3, a 1x1 projection and
# three equal 3x3 convs, 3 each, 9; fc (the last layer) 1: 1 + 1 + 9 + 1 = 12 of 21.
cat >"$tmp/xp.xml" <<'EOF'
<experiment name="check-size">
  <network ref="resnet18"/>
  <accelerator ref="edge-systolic">
    <sweep param="rows" values="8 16 32"/>
    <sweep param="glb_kb" from="64" to="1024" factor="2"/>
  </accelerator>
  <compression>
    <sweep param="prune" from="0" to="0.5" step="0.25"/>
    <sweep param="wbits" values="4 8"/>
  </compression>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
EOF
"$squash" check "$tmp/xp.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
check "check of an experiment exits 0, stderr empty" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
check "'FILE: ok' is the first line" '[ "$(head -1 "$tmp/out")" = "$tmp/xp.xml: ok" ]'
check "space size and each sweep's values" \
  'grep -qx "  space: 90 points = rows 3 x glb_kb 5 x prune 3 x wbits 2" "$tmp/out"'
check "distinct layers per point 12 of 21" \
  'grep -q "^  layers per point: 12 distinct of 21 " "$tmp/out"'
check "says how the time is sampled and what it excludes" \
  'grep -q "spread evenly over the space" "$tmp/out" && grep -q "excludes start-up and writing the outputs" "$tmp/out"'

# Every "-j T: SECONDS s" line: T from 1 doubling up to the cores (then the cores), each time
# positive and finite, and S/T exactly halving (linear scaling) from the -j 1 time.
cores=$(nproc)
python3 - "$tmp/out" "$cores" <<'PY' && ok "a positive finite time for -j 1, 2, 4, ... cores" || bad "times per thread count"
import math, re, sys
lines = open(sys.argv[1]).read().splitlines()
cores = int(sys.argv[2])
want, j = [], 1
while True:
    want.append(j)
    if j >= cores:
        break
    j = min(2 * j, cores)
got = [(int(m.group(1)), float(m.group(2))) for m in
       (re.match(r"^    -j (\d+): (\S+) s", l) for l in lines) if m]
assert [t for t, _ in got] == want, (got, want)
speed = [float(m.group(1)) for m in (re.match(r"^  speed: (\S+) points/s", l) for l in lines) if m]
assert len(speed) == 1 and math.isfinite(speed[0]) and speed[0] > 0, speed
for t, sec in got:
    assert math.isfinite(sec) and sec > 0, (t, sec)
    assert math.isclose(sec, got[0][1] / t, rel_tol=0.02), (t, sec)
PY

# --shard N with -j T: the largest of 7 parts of 90 points is ceil(90/7) = 13 points, at 3
# threads; -j 3 also joins the list of thread counts.
"$squash" check "$tmp/xp.xml" --shard 7 -j 3 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "check --shard 7 -j 3 exits 0" '[ $rc -eq 0 ] && [ "$(head -1 "$tmp/out")" = "$tmp/xp.xml: ok" ]'
check "time per shard at -j 3, 13 points each" \
  'grep -Eq "^  --shard I/7 at -j 3: [0-9.e+-]+ s.* per shard \(at most 13 points each\)$" "$tmp/out"'
check "-j 3 among the thread counts" 'grep -Eq "^    -j 3: [0-9.e+-]+ s" "$tmp/out"'
check "no shard line without --shard" '! grep -q -- "--shard" <("$squash" check "$tmp/xp.xml")'

# An experiment without sweeps: one point.
cat >"$tmp/one.xml" <<'EOF'
<experiment name="one">
  <network ref="resnet18"/>
  <accelerator ref="edge-systolic"/>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
EOF
check "an experiment without sweeps is 1 point" \
  '"$squash" check "$tmp/one.xml" | grep -qx "  space: 1 point (no sweeps)"'

# Networks and accelerators: `FILE: ok` and nothing else.
"$squash" check "$src/nets/zoo/resnet18.xml" "$src/hwmodels/presets/edge-systolic.xml" >"$tmp/out"
printf '%s: ok\n' "$src/nets/zoo/resnet18.xml" "$src/hwmodels/presets/edge-systolic.xml" >"$tmp/want"
same "a network and an accelerator print 'FILE: ok' alone" "$tmp/want" "$tmp/out"

# An invalid file among valid ones: exit 2, the valid ones still reported.
printf '<experiment name="x">\n  <network ref="nope"/>\n</experiment>\n' >"$tmp/bad.xml"
"$squash" check "$tmp/one.xml" "$tmp/bad.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "an invalid file among valid ones exits 2" '[ $rc -eq 2 ] && grep -q "^$tmp/bad.xml:" "$tmp/err"'
check "the valid one is still reported" 'grep -qx "$tmp/one.xml: ok" "$tmp/out"'

# Bad options: exit 2, nothing on stdout.
for args in "--shard 0" "--shard x" "--shard 2/8" "-j 0" "-j x" "--shard" "--frobnicate" ""; do
  # shellcheck disable=SC2086
  "$squash" check $args $([ -n "$args" ] && echo "$tmp/xp.xml") >"$tmp/out" 2>"$tmp/err"
  rc=$?
  check "check $args exits 2 with a message" '[ $rc -eq 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]'
done

finish
