#!/usr/bin/env bash
# Builds Huiyin and runs every test: unit tests of each library and service, the integration
# tests that start the real binaries (tests/), then the fuzz targets (tests/fuzz) for a bounded
# time each, built with clang, ASan and UBSan in $BUILD-sanitize. Exit status is CTest's.
#
#   bash deploy/local/test.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}

bash "$ROOT/deploy/local/install-deps.sh"
# The OpenAPI validator (a real one, from npm) that the gateway test runs on /openapi.json.
NPM_DIR="$BUILD/npm"
if [[ ! -d "$NPM_DIR/node_modules/@apidevtools/swagger-parser" ]]; then
  npm install --silent --no-audit --no-fund --prefix "$NPM_DIR" @apidevtools/swagger-parser@10 >/dev/null
fi
# playwright-core (no browser of its own: it drives Debian's chromium) for the disclosure pages.
if [[ ! -d "$NPM_DIR/node_modules/playwright-core" ]]; then
  npm install --silent --no-audit --no-fund --prefix "$NPM_DIR" playwright-core@1 >/dev/null
fi
start=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHUIYIN_NPM_DIR="$NPM_DIR" >/dev/null
cmake --build "$BUILD" -j2
built=$(date +%s)
ctest --test-dir "$BUILD" -j2 --output-on-failure --timeout 300
tested=$(date +%s)
echo "build $((built - start)) s, tests $((tested - built)) s"

# Fuzzing: each target runs HUIYIN_FUZZ_SECONDS (15) from its seeds; a crash or a broken
# property fails its test, which prints the reproducer's path (README "Fuzzing and sanitizers").
SANITIZE_BUILD=${HUIYIN_SANITIZE_BUILD_DIR:-$BUILD-sanitize}
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$SANITIZE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHUIYIN_SANITIZE=ON -DHUIYIN_FUZZ=ON >/dev/null
cmake --build "$SANITIZE_BUILD" -j2 --target huiyin_fuzzers
fuzz_built=$(date +%s)
ctest --test-dir "$SANITIZE_BUILD" -L fuzz -j2 --output-on-failure
echo "fuzz build $((fuzz_built - tested)) s, fuzzing $(($(date +%s) - fuzz_built)) s"
