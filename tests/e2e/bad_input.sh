#!/usr/bin/env bash
# End-to-end checks that bad input is refused the way CONTRACT.md promises:
#   - exit code exactly 2,
#   - the first line of stderr names the cause: `FILE:LINE: ` for files (with the right line),
#     `squash: ` for unknown names, `--set NAME=VALUE: ` for bad --set values,
#   - no output file (`-o`) and no temporary left behind,
#   - entities are never expanded: an external entity on /etc/hostname never shows up.
# Every input is a file in tests/data/bad/, one per case.
#
#   bash bad_input.sh SQUASH_BINARY SOURCE_DIR
set -u
squash=$1
src=$2
bad_dir=$src/tests/data/bad
good_net=$src/tests/data/good/tiny_net.xml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# run_case NAME PREFIX ARGS...: runs squash ARGS, writing -o output into $tmp/out/ when the
# arguments contain the word OUT; checks exit code 2, stderr's first line starting with PREFIX,
# and that $tmp/out/ is still empty afterwards. Sets $why on failure.
run_case() {
    local prefix=$1
    shift
    local args=() a
    rm -rf "$tmp/out" && mkdir "$tmp/out"
    for a in "$@"; do
        if [ "$a" = OUT ]; then args+=("$tmp/out/result.csv"); else args+=("$a"); fi
    done
    "$squash" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$?
    local first
    first=$(head -n 1 "$tmp/stderr")
    if [ "$rc" -ne 2 ]; then
        why="exit code $rc, expected 2 (squash ${args[*]})"
        return 1
    fi
    if [[ "$first" != "$prefix"* ]]; then
        why="stderr '$first' does not start with '$prefix'"
        return 1
    fi
    if [ -n "$(ls -A "$tmp/out")" ]; then
        why="output left behind: $(ls -A "$tmp/out" | tr '\n' ' ')"
        return 1
    fi
    return 0
}

# report NAME STATUS: counts and prints one line per case.
report() {
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1))
        echo "ok   $1"
    else
        fail=$((fail + 1))
        echo "FAIL $1: $why"
    fi
}

# A bad network file: through `eval --net FILE -o OUT` and through `check FILE`.
net_case() {
    local file=$bad_dir/$1 line=$2 status=0
    why=""
    run_case "$file:$line: " eval --net "$file" --hw edge-systolic -o OUT || status=1
    [ $status -eq 0 ] && { run_case "$file:$line: " check "$file" || status=1; }
    report "$1 (line $line)" $status
}

# A bad accelerator file: through `eval --hw FILE -o OUT` and through `check FILE`.
hw_case() {
    local file=$bad_dir/$1 line=$2 status=0
    why=""
    run_case "$file:$line: " eval --net "$good_net" --hw "$file" -o OUT || status=1
    [ $status -eq 0 ] && { run_case "$file:$line: " check "$file" || status=1; }
    report "$1 (line $line)" $status
}

# A bad experiment file: through `check FILE`.
xp_case() {
    local file=$bad_dir/$1 line=$2 status=0
    why=""
    run_case "$file:$line: " check "$file" || status=1
    report "$1 (line $line)" $status
}

# A bad name or --set: eval with -o OUT, expected message prefix given.
arg_case() {
    local name=$1 prefix=$2 status=0
    shift 2
    why=""
    run_case "$prefix" eval "$@" -o OUT || status=1
    report "$name" $status
}

# ---- networks
net_case net_malformed.xml 4
net_case net_wrong_root.xml 2
net_case net_unknown_element.xml 4
net_case net_unknown_attribute.xml 4
net_case net_missing_attribute.xml 3
net_case net_non_numeric.xml 4
net_case net_negative_size.xml 4
net_case net_zero_size.xml 3
net_case net_fractional_size.xml 3
net_case net_kernel_too_large.xml 4
net_case net_kernel_and_kh.xml 3
net_case net_duplicate_name.xml 5
net_case net_empty.xml 3
net_case net_top1_out_of_range.xml 2
net_case net_stray_text.xml 4
net_case net_entity_expansion.xml 2

# External entity: refused at the DOCTYPE, and the file it names never reaches any output.
why=""
status=0
file=$bad_dir/net_external_entity.xml
run_case "$file:2: " eval --net "$file" --hw edge-systolic -o OUT || status=1
cp "$tmp/stdout" "$tmp/all" && cat "$tmp/stderr" >>"$tmp/all"
[ $status -eq 0 ] && { run_case "$file:2: " check "$file" || status=1; }
cat "$tmp/stdout" "$tmp/stderr" >>"$tmp/all"
host=$(tr -d '[:space:]' </etc/hostname 2>/dev/null || true)
if [ $status -eq 0 ] && [ ${#host} -ge 4 ] && grep -qF "$host" "$tmp/all"; then
    why="the content of /etc/hostname ('$host') appears in the output"
    status=1
fi
report "net_external_entity.xml (line 2, not expanded)" $status

# The same entity aimed at a file of ours holding a unique marker, so the check does not depend
# on the host's name.
why=""
status=0
marker="squash-secret-$$-$RANDOM"
echo "$marker" >"$tmp/secret"
sed "s|file:///etc/hostname|file://$tmp/secret|" "$bad_dir/net_external_entity.xml" >"$tmp/xxe.xml"
run_case "$tmp/xxe.xml:2: " eval --net "$tmp/xxe.xml" --hw edge-systolic -o OUT || status=1
cat "$tmp/stdout" "$tmp/stderr" >"$tmp/all"
[ $status -eq 0 ] && { run_case "$tmp/xxe.xml:2: " check "$tmp/xxe.xml" || status=1; }
cat "$tmp/stdout" "$tmp/stderr" >>"$tmp/all"
if [ $status -eq 0 ] && grep -qF "$marker" "$tmp/all"; then
    why="the entity's file content appears in the output"
    status=1
fi
report "external entity on a marker file (not expanded)" $status

# ---- accelerators
hw_case hw_unknown_template.xml 3
hw_case hw_unknown_attribute.xml 3
hw_case hw_missing_template.xml 2
hw_case hw_unknown_preset.xml 2
hw_case hw_bad_choice.xml 2
hw_case hw_rows_zero.xml 2
hw_case hw_unknown_tech.xml 3
hw_case hw_unsupported_node.xml 4

# ---- experiments (squash check)
xp_case xp_wbits_0.xml 5
xp_case xp_abits_33.xml 6
xp_case xp_prune_1.xml 5
xp_case xp_bad_sweep.xml 5
xp_case xp_sweep_unknown_param.xml 5
xp_case xp_unknown_metric.xml 6
xp_case xp_unknown_network.xml 3

# ---- names and --set (no file to point at)
arg_case "unknown zoo name" "squash: unknown network 'no-such-net'" \
    --net no-such-net --hw edge-systolic
arg_case "unknown preset name" "squash: unknown accelerator 'no-such-preset'" \
    --net "$good_net" --hw no-such-preset
arg_case "--set prune=1" "--set prune=1: " --net "$good_net" --hw edge-systolic --set prune=1
arg_case "--set wbits=0" "--set wbits=0: " --net "$good_net" --hw edge-systolic --set wbits=0
arg_case "--set wbits=33" "--set wbits=33: " --net "$good_net" --hw edge-systolic --set wbits=33
arg_case "--set rows=abc" "--set rows=abc: " --net "$good_net" --hw edge-systolic --set rows=abc
arg_case "--set unknown name" "--set nope=1: unknown parameter 'nope'" \
    --net "$good_net" --hw edge-systolic --set nope=1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
