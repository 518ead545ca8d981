#!/usr/bin/env bash
# End-to-end checks of a sweep's progress on stderr:
#   - stderr not a terminal (a batch log): one plain line every --progress-every seconds, at the
#     end of a round (rounds take about 0.25 s), with points done/total, percent, points/s,
#     ETA, front size and the last checkpoint's time ("none yet" before the first); a final
#     line ending ", done" whose counts and front size are the run's; stdout stays clean;
#   - -q silences it; a sweep shorter than the default 60 s writes nothing;
#   - on a terminal (a pty) the live line is redrawn with \r, not the batch lines;
#   - --progress-every must be a positive number of seconds (exit 2).
# The sweep below takes a second or two on one core; the test asserts how many lines a round
# structure gives (at least two before the end), never how long anything took.
#   bash progress.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"

# 6·6·6·3·40·4·4 = 414 720 points of ResNet-50: one to two seconds on one core of the CI VM
# (rounds of about 0.25 s, so several lines even on a machine a few times faster).
cat >"$tmp/xp.xml" <<'EOF'
<experiment name="progress">
  <network ref="resnet50"/>
  <accelerator ref="edge-systolic">
    <sweep param="rows" values="4 8 16 32 64 128"/>
    <sweep param="cols" values="4 8 16 32 64 128"/>
    <sweep param="glb_kb" from="64" to="2048" factor="2"/>
    <sweep param="dataflow" values="ws os is"/>
  </accelerator>
  <compression>
    <sweep param="prune" from="0" to="0.975" step="0.025"/>
    <sweep param="wbits" values="2 4 8 16"/>
    <sweep param="abits" values="4 6 8 16"/>
  </compression>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
  <objective metric="accuracy" goal="max"/>
</experiment>
EOF

timeout 300 "$squash" sweep "$tmp/xp.xml" -o "$tmp/p" -j 1 --progress-every 0.05 \
  --checkpoint-every 0.2 >"$tmp/out" 2>"$tmp/err"
rc=$?
head -3 "$tmp/err"
echo ...
tail -2 "$tmp/err"
check "sweep with --progress-every 0.05 exits 0" '[ $rc -eq 0 ]'
check "stdout stays clean" '[ ! -s "$tmp/out" ]'
front_rows=$(($(wc -l <"$tmp/p/front.csv") - 1))
python3 - "$tmp/err" "$front_rows" <<'PY' && ok "plain progress lines with every field, counts rising to a final done line" || bad "plain progress lines"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "ends with a newline"
lines = lines[:-1]
pat = re.compile(r"^squash sweep: \[(\d\d:\d\d:\d\d)\] (\d+)/(\d+) points \((\d+\.\d)%\), "
                 r"(\d+) points/s, ETA (\d\d+):(\d\d):(\d\d), front (\d+), "
                 r"last checkpoint (none yet|\d\d:\d\d:\d\d)(, done)?$")
ms = [pat.match(l) for l in lines]
assert all(ms), [l for l, m in zip(lines, ms) if not m]
assert "\r" not in open(sys.argv[1]).read()
assert len(ms) >= 3, f"{len(ms)} lines: at least two before the final one"
done = [int(m.group(2)) for m in ms]
assert all(int(m.group(3)) == 414720 for m in ms)
assert done == sorted(done) and done[-1] == 414720 and done[-2] < 414720, done
for m in ms:
    pct = float(m.group(4))
    assert abs(pct - 100.0 * int(m.group(2)) / 414720) <= 0.05 + 1e-9, m.group(0)
    assert int(m.group(5)) > 0, m.group(0)
assert [m.group(11) for m in ms] == [None] * (len(ms) - 1) + [", done"]
last = ms[-1]
assert last.group(4) == "100.0" and last.group(6, 7, 8) == ("00", "00", "00"), last.group(0)
assert int(last.group(9)) == int(sys.argv[2]), (last.group(9), sys.argv[2])
# Checkpoints every 0.2 s: "none yet" can only come before the first time, never after.
ck = [m.group(10) for m in ms]
assert ck[0] == "none yet" or ck[0][2] == ":"
first_time = next((i for i, c in enumerate(ck) if c != "none yet"), len(ck))
assert all(c != "none yet" for c in ck[first_time:]), ck
assert first_time < len(ck), "a checkpoint time appears"
PY

# -q: nothing at all on stderr (or stdout).
timeout 300 "$squash" sweep "$tmp/xp.xml" -o "$tmp/q" -j 1 --progress-every 0.05 -q \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
check "-q: exit 0, stderr and stdout empty" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]'
same "-q does not change the front" "$tmp/p/front.csv" "$tmp/q/front.csv"

# Default interval (60 s): a short sweep writes no progress line.
"$squash" sweep "$src/results/resnet18-edge/experiment.xml" -o "$tmp/d" -j 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "default --progress-every: a short sweep leaves stderr empty" \
  '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]'

# On a terminal: the live line, redrawn with \r and ended by a newline, no batch lines.
python3 - "$squash" "$src/results/resnet18-edge/experiment.xml" "$tmp/t" <<'PY' && ok "a terminal gets the live \\r line" || bad "terminal progress line"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.run([sys.argv[1], "sweep", sys.argv[2], "-o", sys.argv[3], "-j", "1",
                    "--progress-every", "0.05"], stderr=slave, stdout=subprocess.DEVNULL,
                   timeout=300)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
text = out.decode()
assert p.returncode == 0, p.returncode
assert text.startswith("\rsquash sweep: ") and text.endswith("\n"), repr(text)
assert "3600/3600 points (100.0%)" in text and "last checkpoint" not in text, repr(text)
PY

# Bad values: exit 2, a message naming the option, no output directory.
for v in 0 -1 abc 1s nan inf 1e10 ""; do
  "$squash" sweep "$tmp/xp.xml" -o "$tmp/bad" --progress-every "$v" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  check "--progress-every '$v' exits 2 with a message" \
    '[ $rc -eq 2 ] && grep -q -- "--progress-every" "$tmp/err" && [ ! -e "$tmp/bad" ]'
done

finish
