#!/usr/bin/env bash
# Makes the keys a containerised Huiyin needs, once, into a directory kept private (mode 700);
# existing files are kept, so running it again changes nothing. The files themselves are 644:
# Compose bind-mounts each one into the containers as it is (no uid/mode options outside Swarm),
# where the services (uid 10001) and Grafana (uid 472) must read it; the directory guards them.
#
#   bash deploy/docker/make-secrets.sh                      # var/secrets/ (docker-compose.yml)
#   bash deploy/docker/make-secrets.sh deploy/k8s/secrets   # the kustomize secretGenerator
#
#   internal_credential     what services accept from trusted callers (the gateway, each other)
#   jwt_secret              HS256 key the gateway checks people's tokens with (huiyin-token signs)
#   cppcc_api_key           the CPPCC online proposal system's API key, to hand to that system
#   api_keys.jsonl          the gateway's list of API keys, as SHA-256 hashes
#   cppcc_webhook_secret    HMAC key of disclosure's webhook deliveries to the CPPCC system
#   grafana_admin_password  Grafana's "admin" password
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${1:-$ROOT/var/secrets}
mkdir -p "$DIR"
chmod 700 "$DIR"
make_secret() { [[ -s "$DIR/$1" ]] || (umask 022 && head -c 36 /dev/urandom | base64 | tr -d '/+=\n' >"$DIR/$1"); }
make_secret internal_credential
make_secret jwt_secret
make_secret cppcc_api_key
make_secret cppcc_webhook_secret
make_secret grafana_admin_password
if [[ ! -s $DIR/api_keys.jsonl ]]; then
  (umask 022 && printf '{"sha256": "%s", "principal": "systems/cppcc-online", "role": "ROLE_SYSTEM", "name": "委员在线提案管理系统"}\n' \
    "$(sha256sum <"$DIR/cppcc_api_key" | cut -d' ' -f1)" >"$DIR/api_keys.jsonl")
fi
echo "$DIR"
