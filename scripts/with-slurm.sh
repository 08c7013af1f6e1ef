#!/usr/bin/env bash
# Runs a command beside a throwaway single-node Slurm cluster, with
# SLURM_CONF pointing at it and HABILIS_SLURM=1 (what `api/tests/slurm.rs`
# waits for). Installs Debian's `slurm-wlm` and `munge` first when
# slurmctld is missing; starts munged when no munge daemon answers; writes
# the configuration, the state and the logs in a temporary directory, runs
# slurmctld and slurmd in the foreground mode (-D) in the background, and
# stops them and removes the directory on exit. Needs root (slurmd starts
# jobs as their owner).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "with-slurm.sh: slurmd must run as root" >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "installing Slurm and munge (Debian packages slurm-wlm, munge)" >&2
  apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
  apt_install slurm-wlm munge 2>/dev/null || { apt-get update -qq && apt_install slurm-wlm munge; }
fi

dir=$(mktemp -d /tmp/habilis-slurm.XXXXXX)
pids=()
# Running and not a zombie (they are reaped by `wait` below).
alive() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
cleanup() {
  local pid
  # Jobs left behind (a failed test) die with the cluster.
  if [ -n "${SLURM_CONF:-}" ] && [ -s "$dir/slurmctld.pid" ]; then
    scancel --partition=debug 2>/dev/null || true
    for _ in $(seq 1 50); do [ -z "$(squeue -h -t R,CG -o %i 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/state" "$dir/spool" "$dir/log"

# munge: the key the package made (or a new one), and a daemon that answers.
if ! { munge -n | unmunge; } >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0700 /etc/munge
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  runuser -u munge -- munged --foreground >"$dir/log/munged.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do { munge -n | unmunge; } >/dev/null 2>&1 && break; sleep 0.1; done
  { munge -n | unmunge; } >/dev/null 2>&1 \
    || { echo "munged does not answer:" >&2; cat "$dir/log/munged.log" >&2; exit 1; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
node=$(hostname -s)
cpus=$(nproc)
# A little under the machine's memory: slurmd drains a node that has less
# than its configuration says.
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
export SLURM_CONF="$dir/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=habilis
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Accounting is gathered but not stored: without slurmdbd, sacct answers
# "Slurm accounting storage is disabled" (no jobcomp plugin feeds it).
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# A request the node can never satisfy is refused at submission instead of
# pending for ever.
EnforcePartLimits=ALL
# Quick stops: SIGKILL 2 s after SIGTERM, no grace beyond the time limit.
KillWait=2
OverTimeLimit=0
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Default=YES Nodes=ALL MaxTime=INFINITE State=UP
EOF

slurmctld -D -i >"$dir/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" >"$dir/log/slurmd.out" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  [ "$(sinfo -h -N -n "$node" -o %t 2>/dev/null)" = idle ] && break
  sleep 0.5
done
if [ "$(sinfo -h -N -n "$node" -o %t 2>/dev/null)" != idle ]; then
  echo "the Slurm node did not become idle:" >&2
  sinfo -N >&2 || true
  tail -n 20 "$dir/log/slurmctld.out" "$dir/log/slurmd.out" >&2
  exit 1
fi

echo "Slurm for tests: $(sinfo -V), node $node ($cpus CPUs, $mem_mb MB), SLURM_CONF=$SLURM_CONF" >&2
export HABILIS_SLURM=1
"$@"
