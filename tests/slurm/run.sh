#!/usr/bin/env bash
# The Slurm scripts (scripts/slurm/) against a real single-node Slurm started here: munged,
# slurmctld and slurmd from Debian's slurm-wlm and munge, as root, with private key, socket,
# configuration, state and logs in a temporary folder (never the system's). It submits
#   - scripts/slurm/sweep-mpi.sbatch with 2 tasks, once through `srun --mpi=pmix` and once
#     through `mpirun` inside the allocation,
#   - scripts/slurm/submit-array: a job array of 3 shards and a merge job that depends on it,
#   - a merge of an incomplete array (one shard) that must fail with exit code 2,
# waits for them (bounded), and checks that every front is byte-identical to a local `-j 1`
# run. The daemons are always stopped, by their PIDs.
#   bash tests/slurm/run.sh SQUASH_MPI_BINARY SOURCE_DIR
# Needs root; installs slurm-wlm, munge and OpenMPI through scripts/setup if they are missing.
set -u
if [ $# -ne 2 ]; then
  echo "usage: tests/slurm/run.sh SQUASH_MPI_BINARY SOURCE_DIR" >&2
  exit 2
fi
squash=$(realpath "$1")
src=$(realpath "$2")
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/slurm: needs root (slurmd runs jobs as their user); skipped"
  exit 0
fi
"$src/scripts/setup" --slurm || exit 1

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
same() { if cmp -s "$2" "$3"; then ok "$1"; else bad "$1"; diff "$2" "$3" | head -5; fi; }

# /tmp is private to this run; the jobs write into $d/jobs, which every "node" (this one) sees.
d=$(mktemp -d /tmp/squash-slurm.XXXXXX)
chmod 755 "$d"
pids=()
jobs_submitted=()
stop() {
  if [ ${#jobs_submitted[@]} -gt 0 ]; then
    scancel "${jobs_submitted[@]}" 2>/dev/null
    sleep 0.5
  fi
  # Stop the daemons we started, newest first, by PID; then wait for them.
  for ((k = ${#pids[@]} - 1; k >= 0; k--)); do kill "${pids[k]}" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  wait 2>/dev/null
  if [ "$fail" -ne 0 ] || [ "${SQUASH_SLURM_KEEP:-0}" = 1 ]; then
    echo "tests/slurm: logs kept in $d"
  else
    rm -rf "$d"
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# ---- munge: own key, socket, pid, log and seed.
mkdir -p "$d/munge" "$d/state" "$d/spool" "$d/jobs"
chmod 755 "$d/munge"
dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$d/munge/munge.key"
sock="$d/munge/munge.socket"
munged -F --force --key-file="$d/munge/munge.key" --socket="$sock" \
  --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" \
  --seed-file="$d/munge/munged.seed" >"$d/munge/munged.stderr" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] && ok "munged runs" || { bad "munged did not start: $(cat "$d/munge/munged.log")"; exit 1; }

# ---- slurm.conf: this machine is the controller and the only node. Ports from this PID, so
# that a system Slurm (or another run of this test) does not collide.
host=$(hostname -s)
cpus=$(nproc)
port=$((20000 + ($$ % 20000)))
conf="$d/slurm.conf"
cat >"$conf" <<CONF
ClusterName=squashtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
DependencyParameters=kill_invalid_depend
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$conf"
slurmctld -D -f "$conf" >"$d/slurmctld.stderr" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" >"$d/slurmd.stderr" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 1 300); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1)
  [ "$state" = idle ] && break
  sleep 0.1
done
if [ "$state" = idle ]; then
  ok "slurmctld and slurmd run, node idle"
else
  bad "the node is not idle ($state)"
  tail -20 "$d/slurmctld.log" "$d/slurmd.log"
  exit 1
fi

# ---- Jobs. The local reference first.
xp="$src/tests/data/good/sweep_resnet8.xml"
"$squash" sweep "$xp" -o "$d/local" -j 1 -q && ok "local -j 1 reference" || bad "local reference"
export SQUASH="$squash" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# mpirun inside a 2-core allocation with 2 ranks needs no --oversubscribe; keep binding off so
# the ranks may share cores when the allocation is smaller than asked.
export OMPI_MCA_hwloc_base_binding_policy=none
cd "$d/jobs" || exit 1
submit() { # submit NAME SBATCH ARGS... → job id
  local id
  id=$(sbatch --parsable -o "$d/jobs/$1.out" -e "$d/jobs/$1.out" "${@:2}") || return 1
  id=${id%%;*}
  jobs_submitted+=("$id")
  echo "$id"
}
mpi_srun=$(submit mpi-srun -n 2 "$src/scripts/slurm/sweep-mpi.sbatch" "$xp" "$d/mpi-srun") ||
  bad "sbatch sweep-mpi.sbatch (srun)"
mpi_mpirun=$(SQUASH_LAUNCHER=mpirun submit mpi-mpirun -n 2 "$src/scripts/slurm/sweep-mpi.sbatch" \
  "$xp" "$d/mpi-mpirun") || bad "sbatch sweep-mpi.sbatch (mpirun)"
read -r array merge < <("$src/scripts/slurm/submit-array" "$xp" "$d/array" 3 \
  -o "$d/jobs/array-%a.out" -e "$d/jobs/array-%a.out")
jobs_submitted+=("$array" "$merge")
[ -n "$merge" ] && ok "submit-array: array $array, merge $merge" || bad "submit-array"
# A merge of an incomplete sharding must fail (exit 2) and say why.
mkdir -p "$d/partial"
"$squash" sweep "$xp" -o "$d/partial/shard-1" --shard 1/2 -q
bad_merge=$(submit bad-merge "$src/scripts/slurm/merge.sbatch" "$d/partial")

# Waits (at most 300 s in all) until none of the jobs is pending or running.
all=("$mpi_srun" "$mpi_mpirun" "$array" "$merge" "$bad_merge")
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$(IFS=,; echo "${all[*]}")" 2>/dev/null)" ] && break
  sleep 0.5
done
left=$(squeue -h -j "$(IFS=,; echo "${all[*]}")" 2>/dev/null)
[ -z "$left" ] && ok "every job left the queue" || bad "jobs still queued after 300 s: $left"
# state JOB → the job's final state and exit code, e.g. "COMPLETED 0:0" (array: every task's).
state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '; }
exitcode() { scontrol show job "$1" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' | sort -u | tr '\n' ' '; }
for j in mpi-srun:$mpi_srun mpi-mpirun:$mpi_mpirun array:$array merge:$merge; do
  name=${j%%:*}
  id=${j#*:}
  s=$(state "$id")
  if [ "$s" = "COMPLETED " ]; then ok "$name job $id completed"; else
    bad "$name job $id: $s $(exitcode "$id")"
    cat "$d/jobs/$name"*.out 2>/dev/null | tail -20
  fi
done
same "front of sweep-mpi.sbatch (srun --mpi=pmix, 2 ranks) = local -j 1" "$d/local/front.csv" "$d/mpi-srun/front.csv"
same "front of sweep-mpi.sbatch (mpirun, 2 ranks) = local -j 1" "$d/local/front.csv" "$d/mpi-mpirun/front.csv"
same "front of the 3-shard array merged by the dependent job = local -j 1" "$d/local/front.csv" "$d/array/front.csv"
python3 - "$d/mpi-srun/summary.json" "$d/mpi-mpirun/summary.json" "$d/array/summary.json" <<'PY' && ok "summaries: 2 ranks, 2 ranks, whole space" || bad "summaries"
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:])
assert a["ranks"] == 2 and b["ranks"] == 2, (a["ranks"], b["ranks"])
assert c["points_evaluated"] == c["space_size"] == a["space_size"], c
PY
s=$(state "$bad_merge")
if [ "$s" = "FAILED " ] && [ "$(exitcode "$bad_merge")" = "2:0 " ] && grep -q "missing" "$d/jobs/bad-merge.out"; then
  ok "merge of an incomplete array fails with exit code 2"
else
  bad "merge of an incomplete array: $s $(exitcode "$bad_merge") $(cat "$d/jobs/bad-merge.out")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
