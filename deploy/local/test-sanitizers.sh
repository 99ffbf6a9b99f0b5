#!/usr/bin/env bash
# Builds every library and unit test with AddressSanitizer and UndefinedBehaviorSanitizer (clang,
# in $BUILD-sanitize, the directory the fuzz targets of test.sh use) and runs the unit tests:
# any memory error, leak or undefined behaviour fails the test that triggered it. CI runs it
# after test.sh; a cold build takes about 15 minutes on two cores.
#
#   bash deploy/local/test-sanitizers.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HUIYIN_BUILD_DIR:-$ROOT/build}
SANITIZE_BUILD=${HUIYIN_SANITIZE_BUILD_DIR:-$BUILD-sanitize}

bash "$ROOT/deploy/local/install-deps.sh"
start=$(date +%s)
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$SANITIZE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHUIYIN_SANITIZE=ON -DHUIYIN_FUZZ=ON >/dev/null
cmake --build "$SANITIZE_BUILD" -j2
built=$(date +%s)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan_suppressions.txt}
ctest --test-dir "$SANITIZE_BUILD" -L unit -j2 --output-on-failure --timeout 600
echo "sanitizer build $((built - start)) s, unit tests $(($(date +%s) - built)) s"
