#!/usr/bin/env bash
# Undoes what build/slurm/start.sh did (for `make test-slurm`, which runs it
# when the tests end, pass or fail): stops the daemons start.sh started, as
# recorded in its state file (/run/rnnlab-slurm/started), and puts back the
# slurm.conf it replaced (or removes the one it added). Daemons that were
# running before start.sh are not in the file and are left alone, and so is
# a daemon whose pid now belongs to another program. The packages start.sh
# installed stay installed; this script says which, and how to remove them.
# Without a state file it does nothing.
set -uo pipefail
STATE_DIR=${RNNLAB_SLURM_STATE:-/run/rnnlab-slurm}
STATE=$STATE_DIR/started

log() { echo "slurm/stop.sh: $*"; }
[ -f "$STATE" ] || { log "nothing to stop (no $STATE)"; exit 0; }

status=0
# Stop in reverse order of start: slurmd, slurmctld, then munged.
mapfile -t lines < <(tac "$STATE")
for line in "${lines[@]}"; do
  read -r kind a b <<<"$line"
  case $kind in
    daemon)
      name=$a pid=$b
      if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != "$name" ]; then
        log "$name (pid $pid) is no longer running"
        continue
      fi
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do
        [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ] || break
        sleep 0.1
      done
      if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ]; then
        log "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || status=1
      fi
      ;;
  esac
done
for line in "${lines[@]}"; do
  read -r kind a b <<<"$line"
  case $kind in
    conf)
      if [ "$a" = restore ]; then
        log "restoring /etc/slurm/slurm.conf from $b"
        mv "$b" /etc/slurm/slurm.conf || status=1
      else
        log "removing the /etc/slurm/slurm.conf that start.sh wrote"
        rm -f /etc/slurm/slurm.conf
      fi
      ;;
    installed)
      log "left installed: $a $b (apt-get purge $a $b removes them)"
      ;;
  esac
done
[ "$status" = 0 ] && rm -f "$STATE"
exit "$status"
