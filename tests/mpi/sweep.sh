#!/usr/bin/env bash
# MPI end-to-end checks of `squash sweep` (SQUASH_MPI=ON builds; ctest label `mpi`):
#   - the front of 2 ranks × 1 thread, 2 ranks × 2 threads, 3 ranks, and 3 ranks over TCP is
#     byte-identical to the single-process `-j 1` front; with --all so is points.csv; so are
#     2 and 7 shards of 2-rank runs merged;
#   - summary.json reports the ranks;
#   - a 2-rank sweep with one rank killed (SIGKILL) part-way resumes with 2 ranks, or with 1,
#     to the same front (and points.csv with --all); a single-process checkpoint resumes on 2;
#   - bad input under mpirun exits 2, says so once, and leaves no output.
#   bash sweep.sh MPIEXEC SQUASH_BINARY SOURCE_DIR
set -u
mpiexec=$1
squash=$(realpath "$2")
src=$(realpath "$3")
. "$(dirname "$0")/../e2e/common.bash"

# OpenMPI refuses root without these, and more ranks than cores without --oversubscribe.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
extra=()
openmpi=0
"$mpiexec" --version 2>&1 | grep -qiE "open ?mpi|openrte" && openmpi=1
[ $openmpi -eq 1 ] && extra=(--oversubscribe)
mpi() { local n=$1; shift; "$mpiexec" -n "$n" "${extra[@]}" "$@"; }

xp="$src/tests/data/good/sweep_resnet8.xml"
"$squash" sweep "$xp" -o "$tmp/j1" -j 1 -q --all && ok "single process -j 1 --all runs" || bad "-j 1 runs"
"$squash" sweep "$xp" -o "$tmp/j1q" -j 1 -q && ok "single process -j 1 runs" || bad "-j 1 runs"

# ---- 1. Ranks and threads do not change the results.
mpi 2 "$squash" sweep "$xp" -o "$tmp/r2" -j 1 -q && ok "2 ranks × 1 thread run" || bad "2 ranks run"
same "front identical for 2 ranks × 1 thread" "$tmp/j1/front.csv" "$tmp/r2/front.csv"
python3 - "$tmp/j1q/summary.json" "$tmp/r2/summary.json" <<'PY' && ok "summary: ranks 2, same counts" || bad "summary of 2 ranks"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["ranks"] == 1 and b["ranks"] == 2, (a["ranks"], b["ranks"])
for k in ("space_size", "points_evaluated", "feasible", "front_size", "hypervolume", "layer_evaluations",
          "infeasible_reasons"):
    assert a[k] == b[k], (k, a[k], b[k])
PY
mpi 2 --bind-to none "$squash" sweep "$xp" -o "$tmp/r2j2" -j 2 -q && ok "2 ranks × 2 threads run" || bad "2 × 2 run"
same "front identical for 2 ranks × 2 threads" "$tmp/j1/front.csv" "$tmp/r2j2/front.csv"
mpi 2 "$squash" sweep "$xp" -o "$tmp/a2" -j 1 -q --all && ok "2 ranks --all run" || bad "2 ranks --all"
same "points.csv identical for 2 ranks (id order)" "$tmp/j1/points.csv" "$tmp/a2/points.csv"
same "front identical for 2 ranks --all" "$tmp/j1/front.csv" "$tmp/a2/front.csv"
mpi 3 "$squash" sweep "$xp" -o "$tmp/r3" -q && ok "3 ranks run (default threads)" || bad "3 ranks"
same "front identical for 3 ranks" "$tmp/j1/front.csv" "$tmp/r3/front.csv"
if [ $openmpi -eq 1 ]; then
  mpi 3 --mca btl tcp,self "$squash" sweep "$xp" -o "$tmp/tcp" -q && ok "3 ranks over TCP run" || bad "TCP run"
  same "front identical for 3 ranks over TCP" "$tmp/j1/front.csv" "$tmp/tcp/front.csv"
fi
for i in 1 2; do mpi 2 "$squash" sweep "$xp" -o "$tmp/s$i" --shard $i/2 -j 1 -q; done
"$squash" merge -o "$tmp/merged" "$tmp/s1" "$tmp/s2" && ok "shards of 2-rank runs merge" || bad "merge"
same "front identical for 2 shards × 2 ranks merged" "$tmp/j1/front.csv" "$tmp/merged/front.csv"
# 7 shards (interleaved blocks) of 2-rank --all runs: the ranks deal a shard's positions, and
# the merged front and points.csv are those of one process.
dirs=()
for i in $(seq 1 7); do mpi 2 "$squash" sweep "$xp" -o "$tmp/s7-$i" --shard $i/7 -j 1 -q --all; dirs+=("$tmp/s7-$i"); done
"$squash" merge -o "$tmp/merged7" "${dirs[@]}" && ok "7 shards of 2-rank --all runs merge" || bad "merge of 7"
same "front identical for 7 shards × 2 ranks merged" "$tmp/j1/front.csv" "$tmp/merged7/front.csv"
same "points.csv identical for 7 shards × 2 ranks merged" "$tmp/j1/points.csv" "$tmp/merged7/points.csv"

# ---- 2. One rank killed part-way, then --resume.
big="$src/tests/data/good/sweep_killable.xml"
"$squash" sweep "$big" -o "$tmp/whole" -j 1 -q --all || bad "uninterrupted run"
# Starts a 2-rank run into $1 (extra sweep options after), kills one rank once a checkpoint
# exists, and waits for mpirun to tear the job down.
kill_one_rank() {
  local dir=$1
  shift
  mkdir -p "$dir"
  # mpiexec itself in the background (not through a function: $! must be its PID).
  "$mpiexec" -n 2 "${extra[@]}" "$squash" sweep "$big" -o "$dir" -j 1 -q --checkpoint-every 0.05 \
    "$@" 2>"$tmp/killed.err" &
  local job=$!
  for _ in $(seq 1 1000); do [ -e "$dir/squash.state" ] && break; sleep 0.01; done
  # The ranks are mpiexec's children (OpenMPI forks them itself on the local node).
  local victim
  victim=$(pgrep -P "$job" -x squash | tail -1)
  [ -n "$victim" ] && kill -9 "$victim"
  wait "$job"
  local rc=$?
  # Nothing of the job may outlive mpiexec (it would go on writing into $dir).
  sleep 0.2
  pgrep -f -- "-o $dir " >/dev/null && bad "a rank outlived the killed job"
  if [ -e "$dir/front.csv" ]; then
    bad "a rank was killed part-way (the run finished first)"
  elif [ $rc -ne 0 ] && [ -n "$victim" ]; then
    ok "a rank killed part-way ends the job, rc $rc ($(grep '^next' "$dir/squash.state"))"
  else
    bad "killing rank $victim: mpirun rc $rc"
  fi
}
kill_one_rank "$tmp/k1"
mpi 2 "$squash" sweep "$big" -o "$tmp/k1" -j 1 -q --resume && ok "--resume on 2 ranks finishes" || bad "--resume on 2 ranks"
same "front identical after a rank was killed and 2 ranks resumed" "$tmp/whole/front.csv" "$tmp/k1/front.csv"
kill_one_rank "$tmp/k2" --all
"$squash" sweep "$big" -o "$tmp/k2" -j 2 -q --resume --all && ok "--resume --all as one process finishes" || bad "--resume on 1 process"
same "front identical after resuming a 2-rank run on 1 process" "$tmp/whole/front.csv" "$tmp/k2/front.csv"
same "points.csv identical after resuming a 2-rank --all run" "$tmp/whole/points.csv" "$tmp/k2/points.csv"
mkdir -p "$tmp/k3"
"$squash" sweep "$big" -o "$tmp/k3" -j 1 -q --checkpoint-every 0.05 &
pid=$!
for _ in $(seq 1 1000); do [ -e "$tmp/k3/squash.state" ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
mpi 3 "$squash" sweep "$big" -o "$tmp/k3" -q --resume && ok "a single-process checkpoint resumes on 3 ranks" || bad "resume on 3 ranks"
same "front identical after resuming a 1-process run on 3 ranks" "$tmp/whole/front.csv" "$tmp/k3/front.csv"

# ---- 3. Errors: exit 2 on every rank, the message once, no output.
mpi 2 "$squash" sweep "$xp" -o "$tmp/r2" -q --resume --all >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(grep -c 'same --all' "$tmp/err")" -eq 1 ]; then
  ok "a bad --resume under 2 ranks exits 2 with one message"
else
  bad "bad --resume under mpirun: rc=$rc $(cat "$tmp/err")"
fi
mpi 2 "$squash" sweep "$src/tests/data/bad/xp_prune_1.xml" -o "$tmp/bad" -q >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "xp_prune_1.xml:[0-9]*:" "$tmp/err" && [ ! -e "$tmp/bad/front.csv" ]; then
  ok "bad experiment under 2 ranks: FILE:LINE, exit 2, no output"
else
  bad "bad experiment under mpirun: rc=$rc $(cat "$tmp/err")"
fi

finish
