#!/usr/bin/env bash
# `npm test`: every test ReCard has. Independent parts run side by side in lanes (the machine has idle
# time: integration runs one file at a time on one core, e2e waits on its browser), and the first lane
# to fail stops the others. Each lane writes its own log in test-results/, printed when it ends.
# Needs (Debian): chromium, postgresql, pcscd, vsmartcard-vpcd, opensc, pcsc-tools (.ci/run installs them).
set -euo pipefail
set -m # every lane in its own process group, so a failure can stop a lane and everything it started
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
mkdir -p test-results

started=$SECONDS
now() { printf '%ss' "$((SECONDS - started))"; }
step() { printf '\n\033[1m== %s\033[0m (%s)\n' "$1" "$(now)"; }

# ── the lanes (each a function run in its own background job; `step` lines mark its parts in its log)

lane_checks() {
  step "type check"
  npx tsc --noEmit
  step "format (Prettier: npm run format fixes it)"
  npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "not formatted: run npm run format"; return 1; }
  step "lint (including the one-way import rules and the type-aware rules)"
  npx eslint --max-warnings 0 .
  step "no unused exports (knip: knip.json; an export used only by a generated script says @public)"
  npx knip --no-progress --no-config-hints
  # The build writes .next/types, which the type check reads: it comes after the type check.
  step "build"
  node node_modules/next/dist/bin/next build
  step "no private key in what the build sends to browsers"
  RECARD_DEMO=1 npx tsx --conditions=react-server scripts/check-bundle-secrets.ts
}

lane_unit() {
  step "unit tests"
  npx vitest run --project unit
  step "PC/SC: real pcscd, vpcd and opensc-tool against the simulated card"
  bash scripts/pcsc-integration.sh
}

# Data-layer integration tests, one lane per server: the embedded PostgreSQL 18 and Debian's.
lane_integration() {
  step "data-layer integration tests on the $1 PostgreSQL"
  # --no-cache: the lanes run vitest side by side, and its results cache is one file they would share.
  RECARD_TEST_DB="$1" npx tsx --conditions=react-server scripts/test-integration.ts --no-cache
}

e2e_port="${E2E_PORT:-3100}"
# Three Playwright groups, each with its own server, database and saved sign-ins (playwright.config.ts):
# the security group (every page in both languages, refusals), the portals' own tests with the
# accessibility sweep, and the journeys. A group waits on its browser and server most of the time, so
# three at once use the two cores that one or two leave idle.
lane_e2e() {
  step "end-to-end in Chromium, group $1 (port $2)"
  E2E_GROUP="$1" E2E_PORT="$2" E2E_AUTH_DIR="e2e/.auth/$1" npx playwright test
}

lane_deployments() {
  step "separate deployments: issuer, Metro and Hoshi as three processes with three databases; two instances on one database"
  npm run --silent test:deployments
}

# ── running lanes

declare -A lane_of=()   # pid → lane name
declare -A began_at=()  # lane name → seconds
start_lane() {
  local name=$1
  shift
  began_at[$name]=$SECONDS
  # Job control off inside the lane: with it on (inherited from `set -m`), each command of the lane got a
  # process group of its own, and stopping the lane's group stopped only its shell.
  (set +m; "$@") >"test-results/lane-$name.log" 2>&1 &
  lane_of[$!]=$name
  printf '   started %s (%s)\n' "$name" "$(now)"
}
# SIGINT first, as Ctrl-C would: Playwright then stops its web servers itself (it starts them in sessions
# of their own, out of reach of the lane's group; they also stop when their runner is gone:
# RECARD_STOP_WITH_PID in scripts/start.ts), and the integration runner its temporary PostgreSQL. Up to
# 30 s to end, then SIGTERM. A run stopped by a failure once left two e2e servers on their ports, and the
# next `npm test` failed on "port already used".
stop_all() {
  local pid alive
  for pid in "${!lane_of[@]}"; do kill -INT -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 60); do
    alive=0
    for pid in "${!lane_of[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for pid in "${!lane_of[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# Waits for the next lane to end and prints its log; on a failure stops the others and exits.
# Sets `ended` to the name of the lane that ended.
ended=""
await_lane() {
  local pid status=0
  wait -n -p pid "${!lane_of[@]}" || status=$?
  ended=${lane_of[$pid]}
  unset "lane_of[$pid]"
  printf '\n\033[1m-- lane %s: %s in %ss (at %s)\033[0m\n' "$ended" "$([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)")" \
    "$((SECONDS - began_at[$ended]))" "$(now)"
  cat "test-results/lane-$ended.log"
  if [ "$status" != 0 ]; then
    ((${#lane_of[@]})) && printf '\nstopping the other lanes: %s\n' "$(printf '%s ' "${lane_of[@]}")"
    stop_all
    echo "npm test FAILED in lane $ended (its log is above and in test-results/lane-$ended.log)"
    exit 1
  fi
}
trap 'stop_all' INT TERM

step "generate the Prisma client"
node scripts/generate.mjs >/dev/null

step "checks, unit and PC/SC, integration on two servers: side by side"
start_lane checks lane_checks
start_lane unit lane_unit
start_lane integration-embedded lane_integration embedded
start_lane integration-postgresql lane_integration postgresql
while ((${#lane_of[@]})); do await_lane; done

# The end-to-end groups need the build. The separate deployments (five servers) start when the first
# e2e group has ended, beside the other two.
step "end-to-end in Chromium and separate deployments"
start_lane e2e-security lane_e2e security "$e2e_port"
start_lane e2e-portals lane_e2e portals "$((e2e_port + 1))"
start_lane e2e-journeys lane_e2e journeys "$((e2e_port + 2))"
deployments_started=0
while ((${#lane_of[@]})); do
  await_lane
  if [[ $ended == e2e-* ]] && ((!deployments_started)); then
    deployments_started=1
    start_lane deployments lane_deployments
  fi
done

step "all tests passed"
