#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, from its committed seeds, and fails on the first
# crash or broken property, leaving the input that did it (the reproducer) in WORK/artifacts/.
#
#   run_fuzzer.sh BINARY SEED_DIR WORK_DIR SECONDS [DICTIONARY]
#
# HUIYIN_FUZZ_SECONDS in the environment overrides SECONDS (a long run of this script by hand).
# Under CI (CI=true) libFuzzer's seed is fixed (HUIYIN_FUZZ_SEED, default 1), so a CI run explores
# the same inputs each time and never fails by chance; by hand the seed is random, to find more.
# New inputs go to WORK_DIR/corpus, never into the seeds; a later run starts from both.
# Reproduce a failure with: BINARY FILE.
set -euo pipefail
binary=$1 seeds=$2 work=$3 seconds=${HUIYIN_FUZZ_SECONDS:-$4} dict=${5:-}
rm -rf "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts"
args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=8192
      -print_final_stats=1 -artifact_prefix="$work/artifacts/")
if [[ -n $dict ]]; then args+=(-dict="$dict"); fi
if [[ ${CI:-} == true || -n ${HUIYIN_FUZZ_SEED:-} ]]; then args+=(-seed="${HUIYIN_FUZZ_SEED:-1}"); fi
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(dirname "${BASH_SOURCE[0]}")/lsan_suppressions.txt}
status=0
"$binary" "${args[@]}" "$work/corpus" "$seeds" 2>"$work/log" || status=$?
# libFuzzer's own summary (runs, coverage, speed), then the finding if there was one.
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|INFO: Seed:)' \
  "$work/log" || true
if ((status != 0)); then
  tail -n 60 "$work/log"
  for artifact in "$work"/artifacts/*; do
    [[ -e $artifact ]] && echo "reproduce with: $binary $artifact"
  done
  exit "$status"
fi
