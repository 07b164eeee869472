#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (for `make test-slurm`):
# installs slurm-wlm and munge when missing, writes /etc/slurm/slurm.conf for
# one node named after `hostname -s` with all its CPUs, starts munged,
# slurmctld and slurmd in the background, and waits until sinfo shows the
# node idle. Idempotent: daemons already running are reused, so a second
# call only checks. Needs root (it is run as root on the dev and CI machines).
#
# What it starts, and the slurm.conf it replaces, it records in $STATE
# (/run/rnnlab-slurm/started): build/slurm/stop.sh, which `make test-slurm`
# runs when the tests end, pass or fail, stops those daemons and puts the old
# slurm.conf back, and leaves alone whatever was running before. A Slurm
# controller already running with a slurm.conf that this script did not
# write (a real cluster) is used as it is: its configuration is not touched.
# The packages it installs stay installed (README.md, "Two commands").
set -euo pipefail
STATE_DIR=${RNNLAB_SLURM_STATE:-/run/rnnlab-slurm}
STATE=$STATE_DIR/started

log() { echo "slurm/start.sh: $*"; }
die() { echo "slurm/start.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (installs packages and starts daemons)"
mkdir -p "$STATE_DIR"
touch "$STATE"
# record NAME PIDFILE: note a daemon this script started, for stop.sh.
record() {
  local pid
  for _ in $(seq 50); do
    [ -s "$2" ] && break
    sleep 0.1
  done
  pid=$(cat "$2" 2>/dev/null || true)
  [ -n "$pid" ] || die "$1 started but wrote no pid file $2"
  echo "daemon $1 $pid" >>"$STATE"
}

# --- packages ---------------------------------------------------------------
need=()
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
command -v munged >/dev/null 2>&1 || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  log "installing slurm-wlm munge (missing: ${need[*]})"
  apt-get update -qq
  # No init system here: keep the packages' maintainer scripts from trying to
  # start the daemons (we start them below).
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  echo "installed slurm-wlm munge" >>"$STATE"
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
fi

# --- munge ------------------------------------------------------------------
id munge >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin munge
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating /etc/munge/munge.key"
  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile=/etc/munge/munge.key --force
  elif [ -x /usr/sbin/create-munge-key ]; then
    /usr/sbin/create-munge-key -f
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "munged already running"
else
  rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock /run/munge/munged.pid
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
  record munged /run/munge/munged.pid
  for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.2
  done
  munge -n </dev/null | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
fi

# --- slurm.conf -------------------------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.8}' /proc/meminfo)
install -d -m 0755 /etc/slurm /var/log/slurm
install -d -m 0755 /var/spool/slurmctld /var/spool/slurmd
marker="# Written by rnnlab build/slurm/start.sh: a one-node cluster for tests."
conf=$(cat <<EOF
${marker}
ClusterName=rnnlab
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=main Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
)
running() { # pidfile name
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && [ "$(cat /proc/"$(cat "$1")"/comm 2>/dev/null)" = "$2" ]
}
changed=0
if running /run/slurmctld.pid slurmctld && ! head -n 1 /etc/slurm/slurm.conf 2>/dev/null | grep -qxF "$marker"; then
  log "slurmctld already runs with a slurm.conf not written here: using that cluster as it is"
  host=$(sinfo -h -N -o '%N' 2>/dev/null | head -1 || true)
  [ -n "$host" ] || die "the running slurmctld reports no node (sinfo)"
elif [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$conf" ]; then
  if [ -e /etc/slurm/slurm.conf ] && ! grep -q '^conf ' "$STATE"; then
    cp -p /etc/slurm/slurm.conf "$STATE_DIR/slurm.conf.before"
    echo "conf restore $STATE_DIR/slurm.conf.before" >>"$STATE"
  elif ! grep -q '^conf ' "$STATE"; then
    echo "conf remove" >>"$STATE"
  fi
  log "writing /etc/slurm/slurm.conf (node ${host}, ${cpus} CPUs)"
  printf '%s\n' "$conf" >/etc/slurm/slurm.conf.tmp
  mv /etc/slurm/slurm.conf.tmp /etc/slurm/slurm.conf
  changed=1
fi

# --- daemons ----------------------------------------------------------------
if running /run/slurmctld.pid slurmctld; then
  log "slurmctld already running (pid $(cat /run/slurmctld.pid))"
  [ "$changed" = 0 ] || scontrol reconfigure || true
else
  log "starting slurmctld"
  rm -f /run/slurmctld.pid
  slurmctld
  record slurmctld /run/slurmctld.pid
fi
if running /run/slurmd.pid slurmd; then
  log "slurmd already running (pid $(cat /run/slurmd.pid))"
else
  log "starting slurmd"
  rm -f /run/slurmd.pid
  slurmd
  record slurmd /run/slurmd.pid
fi

# --- wait for the node ------------------------------------------------------
for i in $(seq 120); do
  state=$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null | head -1 || true)
  case "$state" in
    idle|mix|alloc) log "node ${host} is ${state}"; sinfo; exit 0 ;;
    down*|drain*|fail*) [ "$i" -gt 3 ] && scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
sinfo || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
die "node ${host} did not become idle within 60 s (state: ${state:-none})"
