#!/usr/bin/env bash
# Runs a command beside a throwaway single-node Slurm cluster, with
# SLURM_CONF pointing at it and HABILIS_SLURM=1 (what `api/tests/slurm.rs`
# waits for). Installs Debian's `slurm-wlm` and `munge` first when
# slurmctld is missing; starts munged when no munge daemon answers; writes
# the configuration, the state and the logs in a temporary directory, runs
# slurmctld and slurmd in the foreground mode (-D) in the background, and
# stops them and removes the directory on exit. Needs root (slurmd starts
# jobs as their owner).
#
# With HABILIS_SLURM_ACCOUNTING=1 the cluster also keeps accounting, as a
# production one does: a throwaway MariaDB server and slurmdbd (Debian's
# `mariadb-server` and `slurmdbd`, installed when missing), so that `sacct`
# answers (CPU time, peak memory, jobs the controller has forgotten).
# Without it `sacct` only says "Slurm accounting storage is disabled".
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "with-slurm.sh: slurmd must run as root" >&2
  exit 1
fi

accounting=${HABILIS_SLURM_ACCOUNTING:-0}
apt_install() {
  echo "installing $* (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  apt_install slurm-wlm munge
fi
if [ "$accounting" = 1 ] && ! { command -v slurmdbd && command -v mariadbd; } >/dev/null 2>&1; then
  apt_install slurmdbd mariadb-server
fi

dir=$(mktemp -d /tmp/habilis-slurm.XXXXXX)
pids=()
# Running and not a zombie (they are reaped by `wait` below).
alive() { local stat; stat=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${stat#Z}" = "$stat" ]; }
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
  setpriv --reuid=munge --regid=munge --init-groups munged --foreground >"$dir/log/munged.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do { munge -n | unmunge; } >/dev/null 2>&1 && break; sleep 0.1; done
  { munge -n | unmunge; } >/dev/null 2>&1 \
    || { echo "munged does not answer:" >&2; cat "$dir/log/munged.log" >&2; exit 1; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export SLURM_CONF="$dir/slurm.conf"

storage="AccountingStorageType=accounting_storage/none"
if [ "$accounting" = 1 ]; then
  # MariaDB in $dir/mysql, run by its own account, on a free port of 127.0.0.1.
  chmod 0711 "$dir"
  install -d -o mysql -g mysql "$dir/mysql"
  db_port=$(free_port)
  mariadb-install-db --user=mysql --datadir="$dir/mysql/data" --skip-test-db \
    --auth-root-authentication-method=normal >"$dir/log/mariadb-install.log" 2>&1 \
    || { echo "mariadb-install-db failed:" >&2; cat "$dir/log/mariadb-install.log" >&2; exit 1; }
  setpriv --reuid=mysql --regid=mysql --init-groups mariadbd --no-defaults --datadir="$dir/mysql/data" \
    --socket="$dir/mysql/sock" --port="$db_port" --bind-address=127.0.0.1 \
    --log-error="$dir/mysql/error.log" >/dev/null 2>&1 &
  pids+=($!)
  sql() { mariadb --no-defaults -S "$dir/mysql/sock" -u root -e "$1"; }
  for _ in $(seq 1 100); do sql 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
  sql "create user 'slurm'@'127.0.0.1' identified by 'habilis'; grant all on slurm_acct_db.* to 'slurm'@'127.0.0.1'" \
    || { echo "MariaDB does not answer:" >&2; cat "$dir/mysql/error.log" >&2; exit 1; }
  dbd_port=$(free_port)
  # slurmdbd reads slurmdbd.conf beside SLURM_CONF; it must be private.
  install -m 0600 /dev/null "$dir/slurmdbd.conf"
  cat >"$dir/slurmdbd.conf" <<CONF
AuthType=auth/munge
DbdAddr=127.0.0.1
DbdHost=localhost
DbdPort=$dbd_port
SlurmUser=root
PidFile=$dir/slurmdbd.pid
LogFile=$dir/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=habilis
StorageLoc=slurm_acct_db
CONF
  slurmdbd -D >"$dir/log/slurmdbd.out" 2>&1 &
  pids+=($!)
  storage="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$dbd_port"
fi

node=$(hostname -s)
cpus=$(nproc)
# A little under the machine's memory: slurmd drains a node that has less
# than its configuration says.
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat >"$SLURM_CONF" <<CONF
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
# Usage is gathered every second and --mem enforced by killing the job (no
# cgroups here); it is kept only with slurmdbd: sacct reads nothing else
# (no jobcomp plugin feeds it).
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
JobAcctGatherParams=OverMemoryKill
$storage
JobCompType=jobcomp/none
# A request the node can never satisfy is refused at submission instead of
# pending for ever.
EnforcePartLimits=ALL
# Quick stops: SIGKILL 2 s after SIGTERM, no grace beyond the time limit.
KillWait=2
OverTimeLimit=0
# Finished jobs are forgotten by slurmctld within seconds (default 300 s), so
# that the tests see what the executor does then.
MinJobAge=2
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Default=YES Nodes=ALL MaxTime=INFINITE State=UP
CONF

if [ "$accounting" = 1 ]; then
  # slurmctld registers the cluster with slurmdbd when it answers.
  for _ in $(seq 1 100); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.1; done
  sacctmgr -n list cluster >/dev/null \
    || { echo "slurmdbd does not answer:" >&2; tail -n 20 "$dir/log/slurmdbd.out" >&2; exit 1; }
fi

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

echo "Slurm for tests: $(sinfo -V), node $node ($cpus CPUs, $mem_mb MB)," \
  "accounting $([ "$accounting" = 1 ] && echo slurmdbd || echo none), SLURM_CONF=$SLURM_CONF" >&2
export HABILIS_SLURM=1 HABILIS_SLURM_ACCOUNTING="$accounting"
"$@"
