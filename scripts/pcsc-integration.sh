#!/usr/bin/env bash
# PC/SC integration test with the real tools: pcscd + vsmartcard vpcd + OpenSC + pcsc-tools
# against simulated cards served by `npm run card -- vpcd` (platform 100 on reader 0,
# platform 200 on reader 1, then a fresh platform-200 card on reader 1). Installs nothing: CI installs the Debian packages
# pcscd vsmartcard-vpcd opensc pcsc-tools. Run as root (pcscd needs /run/pcscd).
# Exits non-zero on any mismatch and prints every comparison.
set -euo pipefail

cd "$(dirname "$0")/.."

READER0="Virtual PCD 00 00"
READER1="Virtual PCD 00 01"
PORT0=35963
PORT1=35964
SELECT_ISD="00A4040008A000000151000000"
# The same SELECT with Le (case 4): opensc-tool shows no data for the case-3 form.
SELECT_ISD_LE="00A4040008A00000015100000000"
GET_CIN="80CA004500"
GET_PLATFORM="80CADF7000"
GET_ATTRIBUTES="80CADF7A00"
# ISO 7816-4 Table 6: the card id is protected data on platform-200 cards (docs/card.md).
SW_CIN_REFUSED="6982"

failures=0
work="$(mktemp -d "${TMPDIR:-/tmp}/recard-pcsc.XXXXXX")"
started_pcscd=""
bridge_pgids=()

log() { printf '%s\n' "$*"; }
pass() { printf '  ok    %s\n' "$1"; }
fail() {
  printf '  FAIL  %s\n' "$1"
  failures=$((failures + 1))
}
# expect_eq LABEL EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" == "$3" ]]; then pass "$1: $3"; else fail "$1: expected '$2', got '$3'"; fi
}
# expect_ne LABEL A B
expect_ne() {
  if [[ "$2" != "$3" ]]; then pass "$1: '$2' != '$3'"; else fail "$1: both are '$2'"; fi
}
# expect_match LABEL REGEX ACTUAL
expect_match() {
  if [[ "$3" =~ $2 ]]; then pass "$1: '$3' matches /$2/"; else fail "$1: '$3' does not match /$2/"; fi
}

cleanup() {
  local status=$?
  for pgid in "${bridge_pgids[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${bridge_pgids[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  if [[ -n "$started_pcscd" ]]; then
    kill -TERM "$started_pcscd" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$started_pcscd" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$started_pcscd" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "== tools"
missing=0
for tool in pcscd opensc-tool scriptor pcsc_scan node npm python3; do
  if command -v "$tool" >/dev/null; then pass "$tool: $(command -v "$tool")"; else fail "$tool: not installed"; missing=1; fi
done
vpcd_driver="$(awk '$1 == "LIBPATH" { print $2 }' /etc/reader.conf.d/vpcd 2>/dev/null || true)"
if [[ -n "$vpcd_driver" && -e "$vpcd_driver" ]]; then pass "vpcd driver: $vpcd_driver"; else fail "vpcd driver: /etc/reader.conf.d/vpcd or its LIBPATH missing (package vsmartcard-vpcd)"; missing=1; fi
if [[ $missing -ne 0 ]]; then
  log "missing tools: install pcscd vsmartcard-vpcd opensc pcsc-tools"
  exit 1
fi

log "== pcscd"
# A live pcscd, not a zombie left behind by an earlier run.
running_pcscd="$({ ps -C pcscd -o pid=,stat= || true; } | awk '$2 !~ /^Z/ { print $1; exit }')"
if [[ -n "$running_pcscd" ]]; then
  if [[ -S /run/pcscd/pcscd.comm ]]; then pass "pcscd already running (pid $running_pcscd); leaving it running afterwards"; else
    fail "pcscd (pid $running_pcscd) runs without /run/pcscd/pcscd.comm"
    exit 1
  fi
else
  # -f: foreground (we own it and kill it), -a: log APDUs; not -x, which exits when idle.
  pcscd -f -a >"$work/pcscd.log" 2>&1 &
  started_pcscd=$!
  for _ in $(seq 100); do [[ -S /run/pcscd/pcscd.comm ]] && break; sleep 0.1; done
  if [[ -S /run/pcscd/pcscd.comm ]]; then pass "started pcscd -f -a (pid $started_pcscd)"; else fail "pcscd did not create /run/pcscd/pcscd.comm"; cat "$work/pcscd.log"; exit 1; fi
fi

# card_state READER: "Yes", "No" or "" (reader absent), from `opensc-tool -l`.
card_state() {
  { opensc-tool -l 2>/dev/null || true; } | awk -v name="$1" '{ line = $0; sub(/^[0-9]+ +/, "", line); state = line; sub(/ .*/, "", state); if (index($0, name) > 0) print state }'
}
for reader in "$READER0" "$READER1"; do
  state=""
  for _ in $(seq 50); do
    state="$(card_state "$reader")"
    [[ -n "$state" ]] && break
    sleep 0.1
  done
  if [[ -z "$state" ]]; then
    fail "pcscd shows no reader '$reader': is vsmartcard-vpcd installed, and was pcscd started after it?"
    opensc-tool -l 2>&1 | sed 's/^/  /'
    exit 1
  fi
  if [[ "$state" == "Yes" ]]; then
    fail "$reader already holds a card: another bridge is connected to vpcd; stop it first"
    exit 1
  fi
done

log "== cards"
npm run --silent card -- new --platform 100 --out "$work/card100.json" --seed pcsc-integration-100 | sed 's/^/  /'
npm run --silent card -- new --platform 200 --out "$work/card200.json" --seed pcsc-integration-200 | sed 's/^/  /'
info_field() { { npm run --silent card -- info --card "$1" || true; } | awk -F': +' -v key="$2" '$1 == key { print $2 }'; }
atr100="$(info_field "$work/card100.json" "ATR")"
atr200="$(info_field "$work/card200.json" "ATR")"
cin100="$(info_field "$work/card100.json" "card id")"
expect_match "card 100 ATR from info" '^3B[0-9A-F]+$' "$atr100"
expect_match "card 100 card id from info" '^[0-9A-F]+$' "$cin100"

log "== bridges"
start_bridge() { # FILE PORT
  setsid npm run --silent card -- vpcd --card "$1" --port "$2" >"$work/bridge-$2.log" 2>&1 &
  bridge_pgids+=("$!")
}
start_bridge "$work/card100.json" "$PORT0"
start_bridge "$work/card200.json" "$PORT1"
for reader in "$READER0" "$READER1"; do
  seen=""
  for _ in $(seq 300); do
    if [[ "$(card_state "$reader")" == "Yes" ]]; then seen=1; break; fi
    sleep 0.1
  done
  if [[ -n "$seen" ]]; then pass "$reader sees a card"; else
    fail "$reader never saw the card"
    cat "$work"/bridge-*.log
    exit 1
  fi
done
opensc-tool -l | sed 's/^/  /'

# responses: reads `opensc-tool -s …` output, prints "SW DATA" per response (DATA may be empty).
# opensc prints "XX XX … ascii": a one-line dump is unpadded (3n hex chars + n ascii chars), a
# longer dump pads every line's hex part to 48 columns; the ascii part may itself hold spaces.
responses() {
  awk '
    function flush(   i, d, n) {
      if (!inresp) return
      data = ""
      for (i = 1; i <= nlines; i++) {
        if (nlines == 1) { n = int(length(lines[i]) / 4); d = substr(lines[i], 1, 3 * n) } else d = substr(lines[i], 1, 48)
        gsub(/ /, "", d); data = data toupper(d)
      }
      print sw, data; inresp = 0
    }
    { sub(/\r$/, "") }
    /^Received \(SW1=0x/ {
      flush(); line = $0
      sub(/.*SW1=0x/, "", line); sw1 = substr(line, 1, 2)
      sub(/.*SW2=0x/, "", line); sw2 = substr(line, 1, 2)
      sw = toupper(sw1 sw2); nlines = 0; inresp = 1; next
    }
    /^Sending:/ { flush(); next }
    inresp && /^[0-9A-Fa-f][0-9A-Fa-f] / { lines[++nlines] = $0; next }
    END { flush() }'
}
# nth N: Nth line of stdin (1-based)
nth() { sed -n "${1}p"; }
atr_of() { { opensc-tool -r "$1" -a 2>&1 || true; } | tr -d ':\r' | tr 'a-f' 'A-F' | { grep -E '^[0-9A-F]+$' || true; } | head -1; }

log "== platform 100 card on '$READER0'"
expect_eq "ATR (opensc-tool -a)" "$atr100" "$(atr_of "$READER0")"
out="$(opensc-tool -r "$READER0" -s "$SELECT_ISD" -s "$GET_CIN" -s "$GET_PLATFORM" -s "$GET_ATTRIBUTES" -s "$GET_ATTRIBUTES" -s "$SELECT_ISD_LE" 2>&1 | responses || true)"
printf '%s\n' "$out" | sed 's/^/  < /'
expect_eq "number of responses" "6" "$(printf '%s\n' "$out" | grep -c .)"
r="$(printf '%s\n' "$out" | nth 1)"
expect_eq "SELECT ISD SW" "9000" "${r%% *}"
r="$(printf '%s\n' "$out" | nth 6)"
expect_match "SELECT ISD with Le: FCI (6F) naming the ISD (84 08 A000000151000000)" '^9000 6F..8408A000000151000000' "$r"
r="$(printf '%s\n' "$out" | nth 2)"
expect_eq "GET DATA CIN SW" "9000" "${r%% *}"
expect_eq "GET DATA CIN is 45 08 ‖ the card id" "4508$cin100" "${r#* }"
r="$(printf '%s\n' "$out" | nth 3)"
expect_eq "GET DATA DF70 (platform type 100)" "9000 DF70020064" "$r"
a1="$(printf '%s\n' "$out" | nth 4)"
a2="$(printf '%s\n' "$out" | nth 5)"
expect_eq "GET DATA DF7A SW (first read)" "9000" "${a1%% *}"
expect_eq "GET DATA DF7A SW (second read)" "9000" "${a2%% *}"
expect_match "card attribute data is a DF7A object" '^DF7A[0-9A-F]{4,}$' "${a1#* }"
expect_ne "card attribute data differs between reads" "${a1#* }" "${a2#* }"

log "== platform 200 card on '$READER1'"
expect_eq "ATR (opensc-tool -a)" "$atr200" "$(atr_of "$READER1")"
out="$(opensc-tool -r "$READER1" -s "$SELECT_ISD" -s "$GET_CIN" -s "$GET_PLATFORM" -s "$GET_ATTRIBUTES" -s "$GET_ATTRIBUTES" 2>&1 | responses || true)"
printf '%s\n' "$out" | sed 's/^/  < /'
expect_eq "number of responses" "5" "$(printf '%s\n' "$out" | grep -c .)"
r="$(printf '%s\n' "$out" | nth 1)"
expect_eq "SELECT ISD SW" "9000" "${r%% *}"
r="$(printf '%s\n' "$out" | nth 2)"
expect_eq "GET DATA CIN refused (card id hidden on platform 200)" "$SW_CIN_REFUSED " "$r"
r="$(printf '%s\n' "$out" | nth 3)"
expect_eq "GET DATA DF70 (platform type 200)" "9000 DF700200C8" "$r"
a1="$(printf '%s\n' "$out" | nth 4)"
a2="$(printf '%s\n' "$out" | nth 5)"
expect_eq "GET DATA DF7A SW (first read)" "9000" "${a1%% *}"
expect_eq "GET DATA DF7A SW (second read)" "9000" "${a2%% *}"
expect_ne "card attribute data differs between reads (no tracking)" "${a1#* }" "${a2#* }"

log "== scriptor"
# scriptor_reply OUTPUT APDU_HEX: the "< …" answer to that APDU, continuation lines joined.
scriptor_reply() {
  local spaced
  spaced="$(sed 's/../& /g; s/ $//' <<<"$2")"
  awk -v cmd="> $spaced" '
    { sub(/\r$/, "") }
    found && /^</ { reply = substr($0, 3); if (index($0, " : ")) { print reply; exit } ; next }
    found && reply != "" { reply = reply " " $0; if (index($0, " : ")) { print reply; exit }; next }
    index($0, cmd) == 1 { found = 1 }
  ' <<<"$1" | tr -s ' '
}
printf '%s\n' "$SELECT_ISD" "$GET_PLATFORM" "$GET_CIN" "00A4040005A000000001" >"$work/apdus.txt"
for pair in "$READER0:0064" "$READER1:00C8"; do
  reader="${pair%:*}"
  platform="${pair##*:}"
  out="$(scriptor -r "$reader" "$work/apdus.txt" 2>&1 || true)"
  printf '%s\n' "$out" | grep -E '^(>|<)' | sed 's/^/  /'
  expect_eq "$reader: scriptor GET DATA DF70" "DF 70 02 ${platform:0:2} ${platform:2:2} 90 00 : Normal processing." "$(scriptor_reply "$out" "$GET_PLATFORM")"
  if [[ "$platform" == "0064" ]]; then
    expect_match "$reader: scriptor SELECT of an unknown AID" '^6A 82 : ' "$(scriptor_reply "$out" "00A4040005A000000001")"
  else
    # Private reads: a platform-200 card answers every application name alike (docs/card.md "Private reads").
    expect_match "$reader: scriptor SELECT of an unknown AID answers like any name (FCI repeating it)" '^6F 07 84 05 A0 00 00 00 01 90 00 : ' "$(scriptor_reply "$out" "00A4040005A000000001")"
  fi
  # Case 3 on T=1 (what pcscd negotiates through vpcd): the FCI comes back with 9000, not 61xx.
  expect_match "$reader: scriptor SELECT ISD without Le answers the FCI with 9000 (T=1)" '^6F .* 90 00 : ' "$(scriptor_reply "$out" "$SELECT_ISD")"
  if [[ "$platform" == "0064" ]]; then
    expect_eq "$reader: scriptor GET DATA CIN" "45 08 $(sed 's/../& /g; s/ $//' <<<"$cin100") 90 00 : Normal processing." "$(scriptor_reply "$out" "$GET_CIN")"
  else
    expect_match "$reader: scriptor GET DATA CIN refused" '^69 82 : ' "$(scriptor_reply "$out" "$GET_CIN")"
  fi
done

log "== vpcd reader names (npm run card -- vpcd prints the name PC/SC shows)"
expect_match "bridge on $PORT0 names its reader" "PC/SC reader: $READER0" "$(cat "$work/bridge-$PORT0.log")"
expect_match "bridge on $PORT1 names its reader" "PC/SC reader: $READER1" "$(cat "$work/bridge-$PORT1.log")"

# SCP03 through pcscd: our host code (scripts/pcsc/scp03-host.ts) over libpcsclite (scripts/pcsc/transmit.py).
for pair in "$READER1:200" "$READER0:100"; do
  reader="${pair%:*}"
  log "== SCP03 host on '$reader' (platform ${pair##*:})"
  if out="$(npx tsx --conditions=react-server scripts/pcsc/scp03-host.ts --reader "$reader" --platform "${pair##*:}" 2>&1)"; then
    printf '%s\n' "$out"
    pass "$reader: SCP03 channel, GET STATUS, PUT KEY rotation, old key refused"
  else
    printf '%s\n' "$out"
    fail "$reader: SCP03 host checks"
  fi
done

# Private reads (docs/card.md): stranger sessions of two platform-200 cards through pcscd. The first card has
# been through the SCP03 host: Hoshi's credit application installed (with its own keys), its ISD keys rotated
# 30 → 31 and its issuer keys 70 → 71; the second is fresh (30, 70, no application). The session is the one
# the unit test sends in process (strangerSession in lib/core/card/fixtures.ts, printed by scripts/pcsc/stranger-session.ts):
# two sessions of the first card and one of the second: everything but the fresh answers (DF7A, INITIALIZE
# UPDATE's challenge and cryptogram) is byte for byte the same in all three — the key versions too (GET DATA
# E0 refused, INITIALIZE UPDATE echoing the version asked, forged issuer key updates finding no version); an
# installed and an absent AID answer alike; nothing an application holds is read.
log "== private reads: stranger sessions of two platform-200 cards on '$READER1' (one rotated, one fresh)"
PRESENT_AID="F0000000030001" # Hoshi's credit application, installed by the SCP03 host above
ABSENT_AID="F0000000990001"  # ABSENT_AID in lib/core/card/fixtures.ts
# One command a line: "fresh" or "same", the APDU, its name (tab-separated). `fresh` lists the 1-based
# lines of the fresh answers.
stranger=()
stranger_names=()
fresh=" "
while IFS=$'\t' read -r kind apdu name; do
  stranger+=("$apdu")
  stranger_names+=("$name")
  if [[ "$kind" == fresh ]]; then fresh+="${#stranger[@]} "; fi
done < <(npx tsx --conditions=react-server scripts/pcsc/stranger-session.ts)
expect_match "the stranger's session (scripts/pcsc/stranger-session.ts): commands" '^[1-9][0-9]+$' "${#stranger[@]}"
# line_of NAME: the 1-based line of the session's command NAME (0, said on stderr, when there is none).
line_of() {
  local i
  for i in "${!stranger_names[@]}"; do
    if [[ "${stranger_names[$i]}" == "$1" ]]; then
      echo $((i + 1))
      return
    fi
  done
  echo "no command '$1' in the stranger's session" >&2
  echo 0
}
# answer SESSION NAME: the answer to the command NAME in SESSION.
answer() { printf '%s\n' "$1" | nth "$(line_of "$2")"; }
session() {
  local args=()
  for apdu in "${stranger[@]}"; do args+=(-s "$apdu"); done
  opensc-tool -r "$READER1" "${args[@]}" 2>&1 | responses || true
}
s1="$(session)"
s2="$(session)"

# The fresh card on the same reader: stop the first card's bridge, serve the second card on its port.
npm run --silent card -- new --platform 200 --out "$work/card200-fresh.json" --seed pcsc-integration-200-fresh | sed 's/^/  /'
kill -TERM -- "-${bridge_pgids[1]}" 2>/dev/null || true
for _ in $(seq 100); do kill -0 -- "-${bridge_pgids[1]}" 2>/dev/null || break; sleep 0.1; done
for _ in $(seq 50); do [[ "$(card_state "$READER1")" != "Yes" ]] && break; sleep 0.1; done
start_bridge "$work/card200-fresh.json" "$PORT1"
seen=""
for _ in $(seq 300); do
  if [[ "$(card_state "$READER1")" == "Yes" ]]; then seen=1; break; fi
  sleep 0.1
done
if [[ -n "$seen" ]]; then pass "$READER1 sees the fresh platform-200 card"; else fail "$READER1 never saw the fresh card"; fi
s3="$(session)"

printf '%s\n' "$s1" | sed 's/^/  1< /'
printf '%s\n' "$s2" | sed 's/^/  2< /'
printf '%s\n' "$s3" | sed 's/^/  3< /'
for pair in "first:$s1" "second:$s2" "fresh card's:$s3"; do
  expect_eq "${pair%%:*} session: one answer per command" "${#stranger[@]}" "$(printf '%s\n' "${pair#*:}" | grep -c .)"
done
# compare LABEL A B: every answer but the fresh ones byte for byte the same; fresh ones differ, same length and SW.
compare() {
  local same=1 i a b
  for i in $(seq "${#stranger[@]}"); do
    a="$(printf '%s\n' "$2" | nth "$i")"
    b="$(printf '%s\n' "$3" | nth "$i")"
    if [[ "$fresh" == *" $i "* ]]; then
      expect_ne "$1: ${stranger_names[$((i - 1))]} is fresh on every read" "$a" "$b"
      expect_eq "$1: ${stranger_names[$((i - 1))]}: same length and status word" "${#a} ${a%% *}" "${#b} ${b%% *}"
    elif [[ "$a" != "$b" ]]; then
      same=0
      fail "$1: ${stranger_names[$((i - 1))]} (${stranger[$((i - 1))]}) answered differently: '$a' / '$b'"
    fi
  done
  if [[ $same -eq 1 ]]; then pass "$1: every other answer is byte for byte the same"; fi
}
compare "two sessions of the rotated card" "$s1" "$s2"
compare "the rotated card and the fresh card" "$s1" "$s3"
for s in "$s1" "$s3"; do
  expect_eq "the platform type is what the card tells" "9000 DF700200C8" "$(answer "$s" "GET DATA DF70")"
  for name in "GET DATA 45" "GET DATA E0" "GET DATA C2" "GET STATUS 80" "GET STATUS 40" \
    "READ on $PRESENT_AID" "GET DATA E0 on $PRESENT_AID" "READ on $ABSENT_AID" "GET DATA E0 on $ABSENT_AID"; do
    expect_eq "$name refused without a channel" "6982 " "$(answer "$s" "$name")"
  done
  for v in 00 30 31 01; do
    expect_match "INITIALIZE UPDATE $v on the ISD: the usual shape, the version asked echoed" "^9000 0{20}${v}0360[0-9A-F]{32}\$" "$(answer "$s" "INITIALIZE UPDATE $v on the ISD")"
  done
  for v in 70 71; do
    expect_eq "a forged issuer key update from $v finds no version" "6A88 " "$(answer "$s" "PUT KEY (forged issuer key update from $v)")"
  done
done
expect_eq "SELECT of the installed credit AID: an FCI repeating the name" "9000 6F098407${PRESENT_AID}" "$(answer "$s1" "SELECT $PRESENT_AID")"
expect_eq "SELECT of an absent AID: the same answer" "9000 6F098407${ABSENT_AID}" "$(answer "$s1" "SELECT $ABSENT_AID")"
a="$(answer "$s1" "INITIALIZE UPDATE 01 on $PRESENT_AID")"
b="$(answer "$s1" "INITIALIZE UPDATE 01 on $ABSENT_AID")"
expect_match "INITIALIZE UPDATE 01 on the installed AID: the usual shape" '^9000 0{20}010360[0-9A-F]{32}$' "$a"
expect_match "INITIALIZE UPDATE 01 on the absent AID: the same shape" '^9000 0{20}010360[0-9A-F]{32}$' "$b"

log "== stop bridges (images are saved on exit)"
for pgid in "${bridge_pgids[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
for pgid in "${bridge_pgids[@]}"; do
  for _ in $(seq 100); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
done
bridge_pgids=()
for reader in "$READER0" "$READER1"; do
  gone=""
  for _ in $(seq 50); do
    if [[ "$(card_state "$reader")" != "Yes" ]]; then gone=1; break; fi
    sleep 0.1
  done
  if [[ -n "$gone" ]]; then pass "$reader: card removed"; else fail "$reader still shows a card"; fi
done
expect_eq "card 100 image still readable, same card id" "$cin100" "$(info_field "$work/card100.json" "card id")"

if [[ $failures -ne 0 ]]; then
  log "PC/SC integration: $failures check(s) FAILED"
  exit 1
fi
log "PC/SC integration: all checks passed"
