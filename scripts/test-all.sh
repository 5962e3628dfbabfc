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

step "end-to-end in Chromium"
npx playwright test

step "separate deployments: issuer, Metro and Hoshi as three processes with three databases; two instances on one database"
npm run --silent test:deployments

step "all tests passed"
