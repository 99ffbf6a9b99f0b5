#!/usr/bin/env bash
# Builds Huiyin and runs it on this machine: each service on its own embedded SQLite store under
# var/, loaded with demo data. Stop with Ctrl-C (the services drain and exit cleanly).
#
#   bash deploy/local/run.sh
#
# Addresses can be changed with HUIYIN_INTAKE_ADDRESS / HUIYIN_INTAKE_ADMIN_ADDRESS.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}
VAR=${HUIYIN_VAR_DIR:-$ROOT/var}
INTAKE_ADDRESS=${HUIYIN_INTAKE_ADDRESS:-127.0.0.1:7101}
INTAKE_ADMIN=${HUIYIN_INTAKE_ADMIN_ADDRESS:-127.0.0.1:7191}

bash "$ROOT/deploy/local/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target huiyin-intake

mkdir -p "$VAR"
# The shared secret between trusted callers and the services; made once, kept private.
if [[ ! -s "$VAR/internal_credential" ]]; then
  (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$VAR/internal_credential")
fi
CREDENTIAL=$(cat "$VAR/internal_credential")

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT INT TERM

start_service() {  # name binary grpc_address admin_address
  local name=$1 binary=$2
  rm -f "$VAR/$name.ports"
  HUIYIN_SERVER_INTERNAL_CREDENTIAL=$CREDENTIAL "$binary" \
    --server.grpc_address="$3" --server.admin_address="$4" \
    --server.database_path="$VAR/$name.db" --server.port_file="$VAR/$name.ports" \
    2>>"$VAR/$name.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    [[ -s "$VAR/$name.ports" ]] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "$name failed to start; see $VAR/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name did not start in 10 s; see $VAR/$name.log" >&2
  exit 1
}

start_service intake "$BUILD/services/intake/huiyin-intake" "$INTAKE_ADDRESS" "$INTAKE_ADMIN"
/usr/bin/python3 "$ROOT/deploy/local/demo_data.py" --address "$INTAKE_ADDRESS" \
  --credential "$CREDENTIAL" --stub-dir "$BUILD/python_stubs"

cat <<INFO

Huiyin is running (Ctrl-C stops it):
  intake   gRPC $INTAKE_ADDRESS   admin http://$INTAKE_ADMIN/metrics  /healthz  /readyz
  stores   $VAR/*.db      logs $VAR/*.log
  internal credential (metadata x-huiyin-internal-credential): $VAR/internal_credential
INFO
wait
