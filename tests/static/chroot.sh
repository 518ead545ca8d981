#!/usr/bin/env bash
# The portable binary (-DSQUASH_STATIC=ON) runs on a machine with nothing installed: ldd finds
# no libxml2 or ICU (a fully static build is "not a dynamic executable"), and inside a minimal
# root holding only the binary (plus, were it dynamic, exactly the files ldd lists) it runs an
# eval and a small sweep with outputs byte-identical to the same runs of the ordinary build.
# Needs root for chroot (CI runs as root); otherwise it tries `unshare -r` (a user namespace)
# and says so if neither is allowed. scripts/test runs it after building build-static.
#   bash tests/static/chroot.sh STATIC_SQUASH REFERENCE_SQUASH SOURCE_DIR
set -u
squash=$(realpath "$1")
ref=$(realpath "$2")
src=$(realpath "$3")
. "$src/tests/e2e/common.bash"

# 1. Dependencies: no libxml2, ICU, lzma, zlib or libgomp shared object.
deps=$(ldd "$squash" 2>&1)
echo "ldd: $(echo "$deps" | tr '\n' ' ' | tr -s ' \t' ' ')"
check "ldd lists no libxml2, ICU, lzma, zlib or libgomp" \
  '! echo "$deps" | grep -Eq "libxml2|libicu|liblzma|libz\.|libgomp"'
echo "size: $(stat -c %s "$squash") bytes"

# 2. A minimal root: the binary, the libraries ldd lists (none when static), the inputs.
root=$tmp/root
mkdir -p "$root/out"
cp "$squash" "$root/squash"
for lib in $(echo "$deps" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$src/tests/data/good/sweep_resnet8.xml" "$root/xp.xml"
echo "minimal root: $(cd "$root" && find . -type f | sort | tr '\n' ' ')"

if [ "$(id -u)" -eq 0 ]; then
  inroot() { chroot "$root" "$@"; }
elif unshare -r true 2>/dev/null; then
  inroot() { unshare -r chroot "$root" "$@"; }
else
  echo "SKIP: needs root (chroot) or user namespaces (unshare -r); run as root as CI does"
  finish
  exit
fi

# 3. eval and a 5 400-point sweep inside it, against the ordinary build outside.
inroot /squash eval --net resnet18 --hw edge-systolic >"$tmp/eval.csv" 2>"$tmp/err"
rc=$?
check "eval in the minimal root exits 0" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
"$ref" eval --net resnet18 --hw edge-systolic >"$tmp/eval-ref.csv"
same "eval output equals the ordinary build's" "$tmp/eval.csv" "$tmp/eval-ref.csv"

inroot /squash sweep /xp.xml -o /out -j 2 --all -q 2>"$tmp/err"
rc=$?
check "sweep in the minimal root exits 0" '[ $rc -eq 0 ]'
cat "$tmp/err"
"$ref" sweep "$root/xp.xml" -o "$tmp/ref" -j 1 --all -q
same "front.csv equals the ordinary build's" "$root/out/front.csv" "$tmp/ref/front.csv"
same "points.csv equals the ordinary build's" "$root/out/points.csv" "$tmp/ref/points.csv"

inroot /squash check /xp.xml >/dev/null 2>&1
check "check in the minimal root exits 0" '[ $? -eq 0 ]'
echo '<network name="x"><conv name="c" in="3"/></network>' >"$root/bad.xml"
inroot /squash check /bad.xml 2>"$tmp/err"
rc=$?
check "bad input in the minimal root exits 2 with FILE:LINE" \
  '[ $rc -eq 2 ] && grep -q "^/bad.xml:1:" "$tmp/err"'
finish
