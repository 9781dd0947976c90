#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD SECONDS — runs every fuzz target in BUILD/fuzz/
# for SECONDS each, from its seed corpus (tests/fuzz/corpus/<target>/, copied
# so the seeds stay as committed), and prints executions and findings.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$1 seconds=$2
mkdir -p "$build/crashes"
status=0
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=$build/corpus/$name
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  [ "$name" = fuzz_order ] && cp -n tests/corpus/hostile/* tests/corpus/orders/*/*.json config/samples/*.json "$work"/ 2>/dev/null
  log=$build/$name.log
  "$bin" -dict=tests/fuzz/json.dict -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/crashes/$name-" -print_final_stats=1 "$work" >"$log" 2>&1
  st=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $st = 0 ]; then
    echo "$name: ${execs:-?} executions in ${seconds}s, $cov, no finding"
  else
    status=1
    echo "$name: FINDING after ${execs:-?} executions (see $log and $build/crashes/)"
    grep -m5 -E 'ERROR|SUMMARY|==[0-9]+==' "$log"
  fi
done
exit $status
