#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and running Huiyin needs; with --build
# only what compiling the binaries needs (deploy/docker/Dockerfile's build stage).
# Idempotent: packages already present are left alone, and apt is not touched at all
# when nothing is missing (so repeated runs cost a second).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # RPC and contracts
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  golang-github-gogo-googleapis-dev grpc-proto
  # libraries
  libabsl-dev libsqlitecpp-dev libsqlite3-dev sqlite3 prometheus-cpp-dev
  libgtest-dev libgmock-dev libopencc-dev libopencc-data opencc nlohmann-json3-dev
  libspdlog-dev libfmt-dev libcpp-httplib-dev libssl-dev libjwt-dev
  # Excel exports (supervision)
  libxlsxwriter-dev
)
TEST_PACKAGES=(
  # clang with libFuzzer and the sanitizers' runtimes, for tests/fuzz and the sanitizer build
  clang libclang-rt-14-dev
  # unzip for the test that opens an Excel export
  unzip
  # the Python client used by tests and the README example
  python3 python3-grpcio python3-protobuf
  # certificates made at test time for the transport security test (tests/python/pki.py)
  python3-cryptography
  # deployment checks (tests/python/deploy_test.py): compose file, promtool and a real
  # Prometheus that scrapes the running services; PyYAML reads the kustomize output
  docker-compose prometheus python3-yaml
  # the headless browser of the disclosure pages' test (driven by playwright-core from npm)
  chromium
)

if [[ ${1:-} != --build ]]; then
  PACKAGES+=("${TEST_PACKAGES[@]}")
  # Node.js and npm fetch the OpenAPI validator for the gateway's tests; a machine may already
  # have them from elsewhere (then Debian's are not needed).
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    PACKAGES+=(nodejs npm)
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
