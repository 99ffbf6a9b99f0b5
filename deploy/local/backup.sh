#!/usr/bin/env bash
# Online backup of every Huiyin store while the services keep running: each SQLite file is copied
# with SQLite's backup API by huiyin-backup (common/store/backup.h: one consistent snapshot per
# store, checked, fsynced, renamed into place), into a new directory named by the UTC time.
#
#   bash deploy/local/backup.sh                  # var/*.db → var/backup/20261123T120000Z/
#   bash deploy/local/backup.sh /mnt/nas/huiyin  # → /mnt/nas/huiyin/20261123T120000Z/
#
# The directory gets one <service>.db per store, MANIFEST.jsonl (what huiyin-backup reported) and
# SHA256SUMS; the last line printed is the directory. Restore with deploy/local/restore.sh.
# Environment: HUIYIN_VAR_DIR (default var/), HUIYIN_BUILD_DIR (build/), HUIYIN_BACKUP_BIN.
#
# Each store is a snapshot of its own moment, taken one after another, CONSUMERS BEFORE THEIR
# SOURCES: a follower's saved cursor is then never ahead of the restored source's feed, so after a
# restore it re-reads what it had not applied yet and nothing is lost or applied twice. (Taken the
# other way round, the source would number its next events with sequences the follower believes
# it has applied already, and skip them.)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR=${HUIYIN_VAR_DIR:-$ROOT/var}
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}
BACKUP_BIN=${HUIYIN_BACKUP_BIN:-$BUILD/common/store/huiyin-backup}
# supervision follows intake, assignment, workflow, disclosure; disclosure follows intake and
# workflow; workflow follows intake and assignment; assignment follows intake.
STORES=(supervision disclosure workflow assignment intake)

if [[ -z ${HUIYIN_BACKUP_BIN:-} && ! -x $BACKUP_BIN ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" --target huiyin-backup >/dev/null
fi
[[ -x $BACKUP_BIN ]] || { echo "backup.sh: no executable $BACKUP_BIN" >&2; exit 1; }

DEST=${1:-$VAR/backup}/$(date -u +%Y%m%dT%H%M%SZ)
if [[ -e $DEST ]]; then echo "backup.sh: $DEST exists already" >&2; exit 1; fi
mkdir -p "$DEST"

copied=0
for store in "${STORES[@]}"; do
  [[ -f $VAR/$store.db ]] || continue  # a service this installation does not run
  "$BACKUP_BIN" --database="$VAR/$store.db" --to="$DEST/$store.db" >>"$DEST/MANIFEST.jsonl"
  copied=$((copied + 1))
done
if ((copied == 0)); then
  rmdir "$DEST"
  echo "backup.sh: no store (*.db) in $VAR" >&2
  exit 1
fi
(cd "$DEST" && sha256sum -- *.db >SHA256SUMS)
echo "$DEST"
