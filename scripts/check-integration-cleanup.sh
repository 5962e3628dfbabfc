#!/usr/bin/env bash
# Checks that scripts/test-integration.ts leaves no temporary PostgreSQL behind when it is stopped: it
# starts the script on one test file in a process group of its own (as npm test starts a lane), waits for
# the moment named, sends the signal to the whole group (as npm test stops a lane) and, once every process
# of the group has ended, checks that no server runs on a folder of this run and that the folders are gone.
# The run's temporary folders go into a folder of this check's own (TMPDIR), so servers of other runs on
# the machine are neither looked at nor touched.
#
#   bash scripts/check-integration-cleanup.sh [embedded|postgresql] [up|running] [TERM|INT]
#     up: the server has started (the template is being migrated and seeded); running: vitest runs the file.
# Not part of npm test: each case starts a server and seeds it (10–30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-postgresql}
moment=${2:-running}
signal=${3:-TERM}
file=tests/foundation/health.int.test.ts
case $moment in
  up) marker='▶ integration tests on' ;;
  running) marker='RUN' ;;
  *) echo "moment: up or running" >&2; exit 2 ;;
esac

own=$(mktemp -d /tmp/recard-cleanup-check-XXXXXX)
chmod 711 "$own" # run as root, the server runs as postgres, which must enter it
log="$own.log"
# On the way out, whatever happened: a server of this run that is still up (the failure this check looks
# for) gets an immediate shutdown before its folder is removed.
cleanup() {
  local pid
  for pid in $(pgrep -f "postgres -D $own/" || true); do kill -QUIT "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do pgrep -f "postgres -D $own/" >/dev/null || break; sleep 0.1; done
  rm -rf "$own" "$log"
}
trap cleanup EXIT

touch "$log"
TMPDIR=$own RECARD_TEST_DB=$kind setsid node_modules/.bin/tsx --conditions=react-server scripts/test-integration.ts "$file" >"$log" 2>&1 &
group=$!

# Wait (at most 3 minutes on a busy machine) for the moment, or for the run to end without reaching it.
for ((i = 0; i < 1800; i++)); do
  grep -q -- "$marker" "$log" && break
  kill -0 "$group" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q -- "$marker" "$log"; then
  cat "$log"
  echo "FAILED: the run did not reach '$marker'"
  kill -KILL -- "-$group" 2>/dev/null || true
  exit 1
fi
before=$(find "$own" -mindepth 1 -maxdepth 1 -name "recard-*" | wc -l)
kill "-$signal" -- "-$group"
status=0
wait "$group" || status=$?
# The group's other processes (the node under tsx, vitest) may outlive its leader for a moment.
for ((i = 0; i < 600; i++)); do
  kill -0 -- "-$group" 2>/dev/null || break
  sleep 0.1
done

# What the run leaves is cleared by a watcher outside the group (lib/server/db/temporary-server.ts) once
# the run has ended: wait for it (at most 30 s).
for ((i = 0; i < 300; i++)); do
  left=$(find "$own" -mindepth 1 -maxdepth 1 -name "recard-*") # (tsx keeps its cache there too)
  servers=$(pgrep -af "postgres -D $own/" || true)
  [ -z "$left$servers" ] && break
  sleep 0.1
done
echo "$kind, SIG$signal at '$marker': $before temporary folder(s) before, run exited with $status"
if kill -0 -- "-$group" 2>/dev/null || [ -n "$left" ] || [ -n "$servers" ]; then
  cat "$log"
  echo "FAILED: left behind:"
  pgrep -ag "$group" || true
  [ -n "$left" ] && echo "$left"
  [ -n "$servers" ] && echo "$servers"
  exit 1
fi
if [ "$before" = 0 ] || [ "$status" = 0 ]; then
  cat "$log"
  echo "FAILED: inconclusive (no temporary folder when the signal was sent, or the run was not interrupted)"
  exit 1
fi
echo "ok: no server and no folder left"
