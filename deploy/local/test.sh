#!/usr/bin/env bash
# Builds Huiyin and runs every test: unit tests of each library and service, and the
# integration tests that start the real binaries (tests/). Exit status is CTest's.
#
#   bash deploy/local/test.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}

bash "$ROOT/deploy/local/install-deps.sh"
start=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2
built=$(date +%s)
ctest --test-dir "$BUILD" -j2 --output-on-failure --timeout 300
echo "build $((built - start)) s, tests $(($(date +%s) - built)) s"
