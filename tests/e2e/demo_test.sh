#!/usr/bin/env bash
# Runs scripts/demo as a person would (without installing, with the built tool) and checks what
# it showed: verified batches for both grantees and nothing that failed verification, and that
# nothing it started is left running, both when it stops by itself (--seconds) and on Ctrl-C.
#
#   demo_test.sh SOURCE_DIR AUTOGRAPH_BIN WORK_DIR
set -euo pipefail
source_dir=$1 autograph=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "demo_test: $*" >&2; exit 1; }

# Processes whose command line names the demo directory: the demo's mosquitto, watch, replay.
leftovers() { pgrep -f -- "$1" || true; }

"$source_dir/scripts/demo" --no-install --autograph "$autograph" --dir "$work/run" --seconds 25 \
  > "$work/demo.out" 2> "$work/demo.err" || fail "demo exited $?: $(tail -20 "$work/demo.err")"
owner=$(grep -c '^owner  seq [0-9]*  .*verified ✓  chain ok' "$work/demo.out" || true)
insurer=$(grep -c '^insurer  seq [0-9]*  .*verified ✓  chain ok' "$work/demo.out" || true)
echo "demo printed $owner verified owner batches and $insurer verified insurer batches"
# The Kona capture lasts 11 s: owner batches close every 2 s, insurer batches every 5 s.
[ "$owner" -ge 4 ] || fail "too few owner batches; output: $(cat "$work/demo.out")"
[ "$insurer" -ge 2 ] || fail "too few insurer batches; output: $(cat "$work/demo.out")"
! grep -q 'NOT VERIFIED\|chain gap\|chain fork\|chain prev-mismatch' "$work/demo.out" ||
  fail "a batch failed: $(grep 'NOT VERIFIED\|chain ' "$work/demo.out")"
grep -q 'Vehicle.Speed .* km/h' "$work/demo.out" || fail "no speed row with its unit"
[ -z "$(leftovers "$work/run/")" ] || fail "left running after --seconds: $(leftovers "$work/run/")"

# Ctrl-C: SIGINT to the demo's process group while everything runs, as a terminal sends it. (A
# background job of a script starts with SIGINT ignored; env gives it back its default.)
setsid env --default-signal=INT "$source_dir/scripts/demo" --no-install --autograph "$autograph" --dir "$work/int" \
  > "$work/int.out" 2> "$work/int.err" &
demo=$!
for _ in $(seq 300); do
  grep -q 'verified ✓' "$work/int.out" 2>/dev/null && break
  sleep 0.1
done
grep -q 'verified ✓' "$work/int.out" || { kill -TERM "$demo"; fail "no batch within 30 s"; }
kill -INT -- "-$demo"
status=0
wait "$demo" || status=$?
[ "$status" = 130 ] || fail "demo exited $status after SIGINT, not 130"
sleep 0.5
[ -z "$(leftovers "$work/int/")" ] || fail "left running after Ctrl-C: $(leftovers "$work/int/")"
echo "demo_test: OK"
