# common.bash — sourced by the end-to-end scripts after they set $squash and $src: a scratch
# folder removed at exit (with any background job), and the counters and checks every script
# reports with. (Not *.sh: CTest runs every tests/e2e/*.sh as a test.)
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# check NAME 'SHELL CONDITION'
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# same NAME FILE1 FILE2: byte-identical files
same() { if cmp -s "$2" "$3"; then ok "$1"; else bad "$1"; diff "$2" "$3" | head -5; fi; }
# The closing line CTest's log readers and people look for; the exit code says it all.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
