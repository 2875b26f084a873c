#!/usr/bin/env bash
# Starts a real single-node Slurm cluster (munged, slurmctld, slurmd) on this machine for the Slurm compute tests.
#
#   bash .ci/services/slurm.sh start      # install when missing, configure, start, wait until the node is idle
#   bash .ci/services/slurm.sh stop       # stop the daemons (.ci/services/stop.sh does this)
#   bash .ci/services/slurm.sh status     # sinfo
#
# Needs root (the daemons run as root, munged as `munge`). Layout (override with MLP_SLURM_DIR, default /tmp/mlp-slurm):
# $DIR/{slurm.conf, state/, spool/, log/, jobcomp.txt}; the staging folder jobs share is $DIR/shared (the tests pass it
# as the target's staging folder; on a real cluster it is a folder every node mounts). Accounting is off; `sacct -c`
# reads the job-completion file, and `squeue` covers running jobs. Idempotent: running daemons are reused.
set -euo pipefail

DIR="${MLP_SLURM_DIR:-/tmp/mlp-slurm}"
CPUS="$(nproc)"
MEM_MB="${MLP_SLURM_MEMORY_MB:-4000}"
cmd="${1:-start}"
log() { echo "[slurm.sh] $*" >&2; }

install() {
  command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 && return
  log "installing slurm-wlm and munge"
  apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >&2
}

configure() {
  mkdir -p "$DIR"/{state,spool,log,shared}
  chmod 1777 "$DIR/shared"
  cat > "$DIR/slurm.conf" <<EOF
ClusterName=mlp
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
DefMemPerCPU=256
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=300
KillWait=5
ReturnToService=2
MaxArraySize=10001
EnforcePartLimits=ALL
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  # The client commands read /etc/slurm/slurm.conf; point it at ours.
  mkdir -p /etc/slurm
  ln -sf "$DIR/slurm.conf" /etc/slurm/slurm.conf
}

start_munge() {
  pid_alive /run/munge/munged.pid && return
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged --force
}

start() {
  install
  configure
  start_munge
  pid_alive "$DIR/slurmctld.pid" || slurmctld -f "$DIR/slurm.conf"
  pid_alive "$DIR/slurmd.pid" || slurmd -f "$DIR/slurm.conf" -N localhost
  for _ in $(seq 1 60); do
    state="$(sinfo -h -o %T 2>/dev/null | head -1 || true)"
    case "$state" in
      idle|mixed|allocated) log "node is $state; staging folder $DIR/shared"; echo "export MLP_TEST_SLURM_SHARED=$DIR/shared"; return 0 ;;
      down*|drain*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 1
  done
  log "the Slurm node did not become idle (sinfo: ${state:-nothing}); see $DIR/log"
  tail -20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
  return 1
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  scancel --user=root >/dev/null 2>&1 || true
  for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" /run/munge/munged.pid; do
    pid_alive "$f" && kill "$(cat "$f")" 2>/dev/null
    for _ in $(seq 1 20); do pid_alive "$f" || break; sleep 0.5; done
    pid_alive "$f" && kill -9 "$(cat "$f")" 2>/dev/null
    rm -f "$f"
  done
  return 0
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
