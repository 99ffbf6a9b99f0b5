#!/usr/bin/env bash
# Restores the stores of a backup made by deploy/local/backup.sh. Stop the services first (Ctrl-C
# on run.sh, or SIGTERM each): a store some process still has open is refused.
#
#   bash deploy/local/restore.sh var/backup/20261123T120000Z          # into var/
#   bash deploy/local/restore.sh var/backup/20261123T120000Z /srv/var # into another directory
#
# For each <service>.db of the backup: its checksum is verified (SHA256SUMS), the current store and
# its -wal/-shm files are moved aside to <service>.db.before-restore-<time> (a stale -wal beside a
# restored file would be replayed into it), and the backup is copied in. Then start the services
# again; each resumes the feeds it follows from the cursors saved in its restored store.
set -euo pipefail
FROM=${1:?usage: restore.sh BACKUP_DIR [VAR_DIR]}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR=${2:-${HUIYIN_VAR_DIR:-$ROOT/var}}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

[[ -f $FROM/SHA256SUMS ]] || { echo "restore.sh: $FROM has no SHA256SUMS" >&2; exit 1; }
(cd "$FROM" && sha256sum --quiet --check SHA256SUMS) || {
  echo "restore.sh: $FROM does not match its SHA256SUMS" >&2
  exit 1
}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)

open_by() {  # prints the PIDs that have the file $1 open
  local fd
  for fd in /proc/[0-9]*/fd/*; do
    if [[ $(readlink "$fd" 2>/dev/null) == "$1" ]]; then
      fd=${fd#/proc/}
      echo "${fd%%/*}"
    fi
  done | sort -u
}

stores=()
for backup in "$FROM"/*.db; do
  name=$(basename "$backup")
  pids=$(open_by "$VAR/$name")
  if [[ -n $pids ]]; then
    echo "restore.sh: $VAR/$name is open by PID ${pids//$'\n'/ }; stop that service first" >&2
    exit 1
  fi
  stores+=("$name")
done

for name in "${stores[@]}"; do
  for suffix in "" -wal -shm; do
    if [[ -e $VAR/$name$suffix ]]; then
      mv -- "$VAR/$name$suffix" "$VAR/$name.before-restore-$STAMP$suffix"
    fi
  done
  cp -- "$FROM/$name" "$VAR/$name.restoring"
  sync -- "$VAR/$name.restoring"
  mv -- "$VAR/$name.restoring" "$VAR/$name"
  echo "restored $VAR/$name"
done
