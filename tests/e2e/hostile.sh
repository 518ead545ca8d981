#!/usr/bin/env bash
# End-to-end checks that broken or hostile input files are refused quickly and clearly through
# the built squash (issue 8): exit code 2, a first stderr line naming the file (and the line,
# where there is one), no output file. Every run is under `timeout`, so a regression that hangs
# (a FIFO read with no writer, a quadratic loader) fails here instead of hanging the suite.
#   - a FIFO or a directory as network, accelerator or experiment file, on the command line or
#     referenced from an experiment, and as the squash.state that --resume and merge read;
#   - a NUL byte in an XML file (libxml2 would silently stop reading there);
#   - an unsupported technology node in a sweep (would make half the points silently infeasible).
#   bash hostile.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$(realpath "$1")
src=$(realpath "$2")
. "$(dirname "$0")/common.bash"
limit=${SQUASH_TEST_TIMEOUT:-60} # seconds: far above any run here (the sanitizer build is slow), far below a hang

# refused NAME PREFIX ARGS...: squash ARGS exits 2 within $limit s, stderr's first line starts
# with PREFIX, and $tmp/out (where every -o here points) holds nothing afterwards.
refused() {
    local name=$1 prefix=$2
    shift 2
    rm -rf "$tmp/out" && mkdir "$tmp/out"
    timeout "$limit" "$squash" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$? first
    first=$(head -n 1 "$tmp/stderr")
    if [ "$rc" -ne 2 ]; then
        bad "$name: exit code $rc, expected 2 (124: timed out): $first"
    elif [[ "$first" != "$prefix"* ]]; then
        bad "$name: stderr '$first' does not start with '$prefix'"
    elif [ -n "$(ls -A "$tmp/out")" ]; then
        bad "$name: output left behind: $(ls -A "$tmp/out" | tr '\n' ' ')"
    else
        ok "$name"
    fi
}

# ---- 1. FIFOs and directories instead of input files.
mkfifo "$tmp/pipe.xml"
mkdir "$tmp/dir.xml"
fifo_says="is a FIFO, not a regular file"
refused "check FIFO" "squash: '$tmp/pipe.xml' $fifo_says" check "$tmp/pipe.xml"
refused "check directory" "squash: '$tmp/dir.xml' is a directory, not a regular file" \
    check "$tmp/dir.xml"
refused "eval --net FIFO" "squash: '$tmp/pipe.xml' $fifo_says" \
    eval --net "$tmp/pipe.xml" --hw edge-systolic -o "$tmp/out/eval.csv"
refused "eval --hw FIFO" "squash: '$tmp/pipe.xml' $fifo_says" \
    eval --net resnet8 --hw "$tmp/pipe.xml" -o "$tmp/out/eval.csv"
refused "sweep FIFO" "squash: '$tmp/pipe.xml' $fifo_says" sweep "$tmp/pipe.xml" -o "$tmp/out"
for what in network accelerator; do
    if [ $what = network ]; then
        refs='<network ref="pipe.xml"/><accelerator ref="edge-systolic"/>'
    else
        refs='<network ref="resnet8"/><accelerator ref="pipe.xml"/>'
    fi
    printf '<experiment name="x">\n  %s\n  <objective metric="energy_uj" goal="min"/>\n  %s\n</experiment>\n' \
        "$refs" '<objective metric="latency_ms" goal="min"/>' >"$tmp/ref_$what.xml"
    refused "experiment referencing a FIFO $what" \
        "$tmp/ref_$what.xml:2: <$what ref>: '$tmp/pipe.xml' $fifo_says" \
        sweep "$tmp/ref_$what.xml" -o "$tmp/out"
done

# A finished two-point sweep whose squash.state is then replaced by a FIFO: --resume and merge
# refuse it and leave the finished outputs as they were.
cat >"$tmp/small.xml" <<'EOF'
<experiment name="small">
  <network ref="resnet8"/>
  <accelerator ref="edge-systolic"><sweep param="rows" values="8 16"/></accelerator>
  <objective metric="energy_uj" goal="min"/>
  <objective metric="latency_ms" goal="min"/>
</experiment>
EOF
timeout "$limit" "$squash" sweep "$tmp/small.xml" -o "$tmp/run" -q -j 1 >/dev/null 2>&1
check "small sweep runs" '[ -f "$tmp/run/front.csv" ] && [ -f "$tmp/run/squash.state" ]'
cp "$tmp/run/front.csv" "$tmp/front.before"
rm -f "$tmp/run/squash.state" && mkfifo "$tmp/run/squash.state"
refused "sweep --resume with a FIFO squash.state" \
    "squash: cannot read $tmp/run/squash.state: it is a FIFO, not a regular file" \
    sweep "$tmp/small.xml" -o "$tmp/run" --resume -q -j 1
same "front.csv untouched by the refused --resume" "$tmp/front.before" "$tmp/run/front.csv"
refused "merge with a FIFO squash.state" \
    "squash: cannot read $tmp/run/squash.state: it is a FIFO, not a regular file" \
    merge -o "$tmp/out/merged" "$tmp/run"

# ---- 2. A NUL byte: libxml2 stops reading there and calls the first half well formed.
refused "NUL byte in a network file (check)" "$src/tests/data/bad/net_nul_byte.xml:6: NUL byte" \
    check "$src/tests/data/bad/net_nul_byte.xml"
refused "NUL byte in a network file (eval)" "$src/tests/data/bad/net_nul_byte.xml:6: NUL byte" \
    eval --net "$src/tests/data/bad/net_nul_byte.xml" --hw edge-systolic -o "$tmp/out/eval.csv"
printf '<experiment name="x">\n  <network ref="resnet8"/>\n  <accelerator ref="edge-systolic"/>\n\0' \
    >"$tmp/nul_xp.xml"
refused "NUL byte in an experiment file (sweep)" "$tmp/nul_xp.xml:4: NUL byte" \
    sweep "$tmp/nul_xp.xml" -o "$tmp/out"

# ---- 3. A technology node that tech.c does not tabulate, swept or fixed.
xp=$src/tests/data/bad/xp_sweep_unsupported_node.xml
refused "unsupported node in a sweep (check)" \
    "$xp:7: sweep of 'tech_nm': 10 nm is not supported (one of: 65, 45, 32, 28, 22, 16, 14, 7 nm)" \
    check "$xp"
refused "unsupported node in a sweep (sweep)" "$xp:7: sweep of 'tech_nm'" sweep "$xp" -o "$tmp/out"
refused "unsupported node by --set" "--set tech_nm=10: 10 nm is not supported" \
    eval --net resnet8 --hw edge-systolic --set tech_nm=10 -o "$tmp/out/eval.csv"

finish
