#!/usr/bin/env bash
# `npm test`: every test ReCard has, in the order a failure is cheapest to find.
# Needs (Debian): chromium, postgresql, pcscd, vsmartcard-vpcd, opensc, pcsc-tools (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export npm_config_nodedir="${npm_config_nodedir:-/usr}"

started=$SECONDS
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$1" "$((SECONDS - started))"; }

step "generate the Prisma client"
node scripts/generate.mjs >/dev/null

step "type check"
npx tsc --noEmit

step "format (Prettier: npm run format fixes it)"
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "not formatted: run npm run format"; exit 1; }

step "lint (including the one-way import rules and the type-aware rules)"
npx eslint --max-warnings 0 .

step "no unused exports (knip: knip.json; an export used only by a generated script says @public)"
npx knip --no-progress --no-config-hints

step "unit tests"
npx vitest run --project unit

step "data-layer integration tests on the embedded PostgreSQL 18 and on Debian's PostgreSQL"
npx tsx --conditions=react-server scripts/test-integration.ts

step "PC/SC: real pcscd, vpcd and opensc-tool against the simulated card"
bash scripts/pcsc-integration.sh

step "build"
node node_modules/next/dist/bin/next build

step "no private key in what the build sends to browsers"
RECARD_DEMO=1 npx tsx --conditions=react-server scripts/check-bundle-secrets.ts

step "end-to-end in Chromium: two groups at once, each with its own server and database (playwright.config.ts)"
# The security group (every page in both languages, accessibility, refusals) beside the flows (the
# portals' tests, then the journeys); each on its own port with its own saved sign-ins. Output goes to
# a log per group, printed when both are done.
e2e_port="${E2E_PORT:-3100}"
mkdir -p test-results
E2E_GROUP=security E2E_PORT="$e2e_port" E2E_AUTH_DIR=e2e/.auth/security npx playwright test >test-results/e2e-security.log 2>&1 &
security_pid=$!
E2E_GROUP=flows E2E_PORT="$((e2e_port + 1))" E2E_AUTH_DIR=e2e/.auth/flows npx playwright test >test-results/e2e-flows.log 2>&1 &
flows_pid=$!
security_status=0 flows_status=0
wait "$security_pid" || security_status=$?
wait "$flows_pid" || flows_status=$?
for g in security flows; do printf '\n\033[1m-- e2e group %s\033[0m\n' "$g"; cat "test-results/e2e-$g.log"; done
if ((security_status != 0 || flows_status != 0)); then
  echo "end-to-end failed: security group exit $security_status, flows group exit $flows_status"
  exit 1
fi

step "separate deployments: issuer, Metro and Hoshi as three processes with three databases; two instances on one database"
npm run --silent test:deployments

step "all tests passed"
