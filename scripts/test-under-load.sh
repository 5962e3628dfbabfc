#!/usr/bin/env bash
# Issue 11's robustness check: `npm test` N times in a row (default 3) while `stress-ng --cpu 2` keeps both
# cores of this machine busy. Stops at the first failure. Each run's output goes to
# test-results/under-load-<n>.log; a summary line per run (exit status, seconds) to the terminal.
# Needs Debian's stress-ng (`apt-get install stress-ng`). Ports as for `npm test` (E2E_PORT, DEPLOYMENTS_BASE_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
workers="${STRESS_CPU:-2}"
command -v stress-ng >/dev/null || { echo "stress-ng is not installed (apt-get install stress-ng)"; exit 2; }
mkdir -p test-results
stress-ng --cpu "$workers" --quiet &
stress_pid=$!
trap 'kill "$stress_pid" 2>/dev/null || true' EXIT
echo "stress-ng --cpu $workers running (pid $stress_pid); $runs runs of npm test"
for n in $(seq "$runs"); do
  begin=$SECONDS
  status=0
  # Each run keeps its own lane logs: test-all.sh writes test-results/lane-*.log afresh.
  npm test >"test-results/under-load-$n.log" 2>&1 || status=$?
  printf 'run %s of %s: %s in %ss (load average %s)\n' "$n" "$runs" "$([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)")" \
    "$((SECONDS - begin))" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$status" != 0 ]; then
    echo "the log: test-results/under-load-$n.log"
    exit 1
  fi
done
echo "all $runs runs passed under load"
