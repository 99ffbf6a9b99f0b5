#!/usr/bin/env bash
# Builds Huiyin and runs it on this machine: each service on its own embedded SQLite store under
# var/, loaded with demo data, behind the HTTP gateway. Stop with Ctrl-C (the services drain and
# exit cleanly).
#
#   bash deploy/local/run.sh
#
# Addresses can be changed with HUIYIN_INTAKE_ADDRESS, HUIYIN_INTAKE_ADMIN_ADDRESS,
# HUIYIN_ASSIGNMENT_ADDRESS, HUIYIN_ASSIGNMENT_ADMIN_ADDRESS, HUIYIN_WORKFLOW_ADDRESS,
# HUIYIN_WORKFLOW_ADMIN_ADDRESS, HUIYIN_SUPERVISION_ADDRESS, HUIYIN_SUPERVISION_ADMIN_ADDRESS,
# HUIYIN_DISCLOSURE_ADDRESS, HUIYIN_DISCLOSURE_ADMIN_ADDRESS and HUIYIN_GATEWAY_ADDRESS.
# HUIYIN_CPPCC_WEBHOOK_URL, when set, is where answers to proposals are delivered (signed with
# the secret in var/cppcc_webhook_secret); unset, the deliveries wait in var/disclosure.db.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}
VAR=${HUIYIN_VAR_DIR:-$ROOT/var}
INTAKE_ADDRESS=${HUIYIN_INTAKE_ADDRESS:-127.0.0.1:7101}
INTAKE_ADMIN=${HUIYIN_INTAKE_ADMIN_ADDRESS:-127.0.0.1:7191}
ASSIGNMENT_ADDRESS=${HUIYIN_ASSIGNMENT_ADDRESS:-127.0.0.1:7102}
ASSIGNMENT_ADMIN=${HUIYIN_ASSIGNMENT_ADMIN_ADDRESS:-127.0.0.1:7192}
WORKFLOW_ADDRESS=${HUIYIN_WORKFLOW_ADDRESS:-127.0.0.1:7103}
WORKFLOW_ADMIN=${HUIYIN_WORKFLOW_ADMIN_ADDRESS:-127.0.0.1:7193}
SUPERVISION_ADDRESS=${HUIYIN_SUPERVISION_ADDRESS:-127.0.0.1:7104}
SUPERVISION_ADMIN=${HUIYIN_SUPERVISION_ADMIN_ADDRESS:-127.0.0.1:7194}
DISCLOSURE_ADDRESS=${HUIYIN_DISCLOSURE_ADDRESS:-127.0.0.1:7105}
DISCLOSURE_ADMIN=${HUIYIN_DISCLOSURE_ADMIN_ADDRESS:-127.0.0.1:7195}
CPPCC_WEBHOOK_URL=${HUIYIN_CPPCC_WEBHOOK_URL:-}
GATEWAY_ADDRESS=${HUIYIN_GATEWAY_ADDRESS:-127.0.0.1:8080}

bash "$ROOT/deploy/local/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target huiyin-intake huiyin-assignment huiyin-workflow \
  huiyin-supervision huiyin-disclosure huiyin-gateway huiyin-token huiyin-reconcile huiyin-audit

mkdir -p "$VAR"
# The working-day calendar knows the years whose State Council notice it ships (README); a
# deadline counted past them is refused, never guessed. The demo counts its deadlines from today,
# so it runs on the shipped calendar followed by weekends-only placeholder years.
/usr/bin/python3 "$ROOT/deploy/local/placeholder_calendar.py" "$VAR/calendar.txt"
# Secrets made once and kept private: the credential between the gateway and the services, the
# key that signs people's tokens, and the API key of the CPPCC online proposal system.
make_secret() { [[ -s "$1" ]] || (umask 077 && head -c 36 /dev/urandom | base64 | tr -d '/+=\n' >"$1"); }
make_secret "$VAR/internal_credential"
make_secret "$VAR/jwt_secret"
make_secret "$VAR/cppcc_api_key"
make_secret "$VAR/cppcc_webhook_secret"
CREDENTIAL=$(cat "$VAR/internal_credential")
printf '{"sha256": "%s", "principal": "systems/cppcc-online", "role": "ROLE_SYSTEM", "name": "委员在线提案管理系统"}\n' \
  "$(sha256sum <"$VAR/cppcc_api_key" | cut -d' ' -f1)" >"$VAR/api_keys.jsonl"

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT INT TERM

start() {  # name binary args...
  local name=$1 binary=$2
  shift 2
  rm -f "$VAR/$name.ports"
  HUIYIN_SERVER_INTERNAL_CREDENTIAL=$CREDENTIAL HUIYIN_SERVER_CALENDAR_FILE="$VAR/calendar.txt" \
    "$binary" --server.port_file="$VAR/$name.ports" \
    "$@" 2>>"$VAR/$name.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    [[ -s "$VAR/$name.ports" ]] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "$name failed to start; see $VAR/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name did not start in 10 s; see $VAR/$name.log" >&2
  exit 1
}

start intake "$BUILD/services/intake/huiyin-intake" --server.grpc_address="$INTAKE_ADDRESS" \
  --server.admin_address="$INTAKE_ADMIN" --server.database_path="$VAR/intake.db"
start assignment "$BUILD/services/assignment/huiyin-assignment" \
  --server.grpc_address="$ASSIGNMENT_ADDRESS" --server.admin_address="$ASSIGNMENT_ADMIN" \
  --server.database_path="$VAR/assignment.db" --assignment.intake_address="$INTAKE_ADDRESS"
start workflow "$BUILD/services/workflow/huiyin-workflow" \
  --server.grpc_address="$WORKFLOW_ADDRESS" --server.admin_address="$WORKFLOW_ADMIN" \
  --server.database_path="$VAR/workflow.db" --workflow.intake_address="$INTAKE_ADDRESS" \
  --workflow.assignment_address="$ASSIGNMENT_ADDRESS"
start supervision "$BUILD/services/supervision/huiyin-supervision" \
  --server.grpc_address="$SUPERVISION_ADDRESS" --server.admin_address="$SUPERVISION_ADMIN" \
  --server.database_path="$VAR/supervision.db" --supervision.intake_address="$INTAKE_ADDRESS" \
  --supervision.assignment_address="$ASSIGNMENT_ADDRESS" \
  --supervision.workflow_address="$WORKFLOW_ADDRESS" \
  --supervision.disclosure_address="$DISCLOSURE_ADDRESS"
start disclosure "$BUILD/services/disclosure/huiyin-disclosure" \
  --server.grpc_address="$DISCLOSURE_ADDRESS" --server.admin_address="$DISCLOSURE_ADMIN" \
  --server.database_path="$VAR/disclosure.db" --disclosure.intake_address="$INTAKE_ADDRESS" \
  --disclosure.workflow_address="$WORKFLOW_ADDRESS" \
  --disclosure.public_base_url="http://$GATEWAY_ADDRESS" \
  --disclosure.cppcc_webhook_url="$CPPCC_WEBHOOK_URL" \
  --disclosure.cppcc_webhook_secret_file="$VAR/cppcc_webhook_secret"
start gateway "$BUILD/services/gateway/huiyin-gateway" --gateway.http_address="$GATEWAY_ADDRESS" \
  --gateway.intake_address="$INTAKE_ADDRESS" --gateway.assignment_address="$ASSIGNMENT_ADDRESS" \
  --gateway.workflow_address="$WORKFLOW_ADDRESS" --gateway.supervision_address="$SUPERVISION_ADDRESS" \
  --gateway.disclosure_address="$DISCLOSURE_ADDRESS" \
  --gateway.jwt_hs256_secret_file="$VAR/jwt_secret" --gateway.api_keys_file="$VAR/api_keys.jsonl"
/usr/bin/python3 "$ROOT/deploy/local/demo_data.py" --address "$INTAKE_ADDRESS" \
  --credential "$CREDENTIAL" --stub-dir "$BUILD/python_stubs"
/usr/bin/python3 "$ROOT/deploy/local/demo_assignment.py" --address "$ASSIGNMENT_ADDRESS" \
  --credential "$CREDENTIAL" --stub-dir "$BUILD/python_stubs"
/usr/bin/python3 "$ROOT/deploy/local/demo_workflow.py" --address "$WORKFLOW_ADDRESS" \
  --credential "$CREDENTIAL" --stub-dir "$BUILD/python_stubs"
/usr/bin/python3 "$ROOT/deploy/local/demo_disclosure.py" --address "$DISCLOSURE_ADDRESS" \
  --credential "$CREDENTIAL" --stub-dir "$BUILD/python_stubs"

TOKEN=$("$BUILD/services/gateway/huiyin-token" --secret-file="$VAR/jwt_secret" \
  --sub=persons/office-1 --role=ROLE_CONGRESS_OFFICE --name=人大选联工委 --ttl-hours=12)
echo "$TOKEN" >"$VAR/demo_token"
cat <<INFO

Huiyin is running (Ctrl-C stops it):
  gateway  http://$GATEWAY_ADDRESS      /openapi.json  /healthz  /readyz  /metrics
  intake       gRPC $INTAKE_ADDRESS   admin http://$INTAKE_ADMIN/metrics
  assignment   gRPC $ASSIGNMENT_ADDRESS   admin http://$ASSIGNMENT_ADMIN/metrics
  workflow     gRPC $WORKFLOW_ADDRESS   admin http://$WORKFLOW_ADMIN/metrics
  supervision  gRPC $SUPERVISION_ADDRESS   admin http://$SUPERVISION_ADMIN/metrics
  disclosure   gRPC $DISCLOSURE_ADDRESS   admin http://$DISCLOSURE_ADMIN/metrics
  stores   $VAR/*.db      logs $VAR/*.log

Try it (a congress-office token valid 12 hours is in $VAR/demo_token):
  curl -s -H "Authorization: Bearer \$(cat $VAR/demo_token)" 'http://$GATEWAY_ADDRESS/v1/items:search?q=%E7%89%A9%E4%B8%9A'
  curl -s -H "Authorization: Bearer \$(cat $VAR/demo_token)" 'http://$GATEWAY_ADDRESS/v1/items?pageSize=5'
  curl -s -H "Authorization: Bearer \$(cat $VAR/demo_token)" 'http://$GATEWAY_ADDRESS/v1/assignments?pageSize=5'
  curl -s -H "Authorization: Bearer \$(cat $VAR/demo_token)" 'http://$GATEWAY_ADDRESS/v1/tasks?pageSize=5'
  curl -s -H "Authorization: Bearer \$(cat $VAR/demo_token)" 'http://$GATEWAY_ADDRESS/v1/figures?year=2025&groupBy=GROUP_BY_UNIT'
Public disclosure (no login):
  curl -s 'http://$GATEWAY_ADDRESS/v1/public/disclosures?pageSize=5'
  open http://$GATEWAY_ADDRESS/v1/public/pages/disclosures   (search page; Atom: /v1/public/feeds/disclosures.atom, CSV: /v1/public/open-data/disclosures.csv)
More tokens: $BUILD/services/gateway/huiyin-token --secret-file=$VAR/jwt_secret --sub=persons/p-1 --role=ROLE_PROPOSER
Ledger against the owning services, and an event log's hash chain:
  HUIYIN_SERVER_INTERNAL_CREDENTIAL=\$(cat $VAR/internal_credential) $BUILD/services/supervision/huiyin-reconcile --supervision_address=$SUPERVISION_ADDRESS --supervision.intake_address=$INTAKE_ADDRESS --supervision.assignment_address=$ASSIGNMENT_ADDRESS --supervision.workflow_address=$WORKFLOW_ADDRESS --supervision.disclosure_address=$DISCLOSURE_ADDRESS
  $BUILD/common/events/huiyin-audit verify --database=$VAR/intake.db
INFO
wait
