#!/usr/bin/env bash
# End-to-end checks that broken or hostile input files are refused quickly and clearly through
# the built squash (issue 8): exit code 2, a first stderr line naming the file (and the line,
# where there is one), no output file. Every run is under `timeout`, so a regression that hangs
# (a FIFO read with no writer, a quadratic loader) fails here instead of hanging the suite.
#   - a FIFO or a directory as network, accelerator or experiment file, on the command line or
#     referenced from an experiment, and as the squash.state that --resume and merge read;
#   - a NUL byte in an XML file (libxml2 would silently stop reading there);
#   - an unsupported technology node in a sweep (would make half the points silently infeasible);
#   - files that loaded in quadratic time (a sweep of 10^6 values, 500 000 layers, an element with
#     200 000 attributes), generated here: each loads or is refused within the timeout;
#   - a layer whose derived counts would wrap 64 bits, and values off by a unit (dram_gbps in
#     MB/s, freq_mhz in GHz), refused with the unit in the message.
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

# ---- 4. Files that loaded in quadratic time: each must load, or be refused, within seconds.
# The 19 MB network took 11 s in a release build on a busy 2-core machine and over a minute in the
# sanitizer build on a busy one; the quadratic loaders took more than 300 s in a release build.
big_limit=$((limit * 3))
# accepted NAME ARGS...: squash ARGS exits 0 within $big_limit s.
accepted() {
    local name=$1
    shift
    timeout "$big_limit" "$squash" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    if [ "$rc" -eq 0 ]; then ok "$name"; else bad "$name: exit code $rc (124: timed out): $(head -n 1 "$tmp/stderr")"; fi
}
# A sweep of 1 000 000 values (the documented limit), then the same with one value repeated.
sweep_xp() { # FILE N EXTRA: an experiment sweeping glb_kb over 1..N then EXTRA
    awk -v n="$2" -v extra="$3" 'BEGIN {
        printf "<experiment name=\"big\">\n  <network ref=\"resnet8\"/>\n  <accelerator ref=\"edge-systolic\">\n"
        printf "    <sweep param=\"glb_kb\" values=\""
        for (i = 1; i <= n; i++) printf "%d ", i
        printf "%s\"/>\n  </accelerator>\n", extra
        printf "  <objective metric=\"energy_uj\" goal=\"min\"/>\n  <objective metric=\"latency_ms\" goal=\"min\"/>\n</experiment>\n"
    }' >"$1"
}
sweep_xp "$tmp/sweep_1m.xml" 1000000 ""
accepted "sweep of 1 000 000 values loads" check "$tmp/sweep_1m.xml"
sweep_xp "$tmp/sweep_1m_dup.xml" 999999 "999"
limit=$big_limit refused "sweep of 1 000 000 values with a repeat" \
    "$tmp/sweep_1m_dup.xml:4: sweep of 'glb_kb': value '999' appears twice" check "$tmp/sweep_1m_dup.xml"
# A network of 500 000 layers, then the same with the last layer's name repeated.
big_net() { # FILE LAST_NAME
    awk -v last="$2" 'BEGIN {
        print "<network name=\"deep\">"
        for (i = 1; i < 500000; i++) printf "  <fc name=\"l%d\" in=\"8\" out=\"8\"/>\n", i
        printf "  <fc name=\"%s\" in=\"8\" out=\"8\"/>\n</network>\n", last
    }' >"$1"
}
big_net "$tmp/net_500k.xml" l500000
accepted "network of 500 000 layers loads" check "$tmp/net_500k.xml"
big_net "$tmp/net_500k_dup.xml" l7
limit=$big_limit refused "network of 500 000 layers with a repeated name" \
    "$tmp/net_500k_dup.xml:500001: duplicate layer name 'l7' (first at line 8)" \
    check "$tmp/net_500k_dup.xml"
# An element with 200 000 attributes: refused before libxml2's quadratic duplicate check.
awk 'BEGIN {
    printf "<network name=\"wide\">\n  <fc name=\"a\" in=\"8\" out=\"8\""
    for (i = 0; i < 200000; i++) printf " x%d=\"1\"", i
    print "/>\n</network>"
}' >"$tmp/attrs.xml"
refused "element with 200 000 attributes" "$tmp/attrs.xml:2: element <fc> has more than 128 attributes" \
    check "$tmp/attrs.xml"

# ---- 5. Counts that would wrap 64 bits: 65535 input channels at 2^24 x 2^24 have 2^64 - 2^48
# input activations (and reported 65535 DRAM bytes).
printf '<network name="huge">\n  <conv name="c" in="65535" out="1" h="16777216" w="16777216" kernel="1" stride="16777216"/>\n</network>\n' \
    >"$tmp/wrap.xml"
refused "layer whose counts would wrap (check)" "$tmp/wrap.xml:2: layer 'c': its input activations could reach 1.84e+19" \
    check "$tmp/wrap.xml"
refused "layer whose counts would wrap (eval)" "$tmp/wrap.xml:2: layer 'c'" \
    eval --net "$tmp/wrap.xml" --hw edge-systolic -o "$tmp/out/eval.csv"

# ---- 6. Values off by a unit are outside the parameter's range, and the message says the unit.
refused "dram_gbps=25600 by --set" "--set dram_gbps=25600: 25600 GB/s is out of range 0.01..10000 GB/s" \
    eval --net resnet8 --hw edge-systolic --set dram_gbps=25600 -o "$tmp/out/eval.csv"
printf '<accelerator preset="edge-systolic" name="slow" freq_mhz="0.8"/>\n' >"$tmp/slow.xml"
refused "freq_mhz=0.8 in a file" "$tmp/slow.xml:1: attribute 'freq_mhz': 0.8 MHz is out of range 1..5000 MHz" \
    check "$tmp/slow.xml"

finish
