#!/bin/sh
# Checks packaging/autograph.service with `systemd-analyze verify`: every directive known and
# well-formed (it only warns about bad values, so any output fails the test), the executables
# present. The unit's /usr/sbin/autographd is replaced by the built binary, which is what
# systemd-analyze checks for existence.
#
#   verify_service.sh UNIT_FILE AUTOGRAPHD
#
# Exit 77 (ctest: skipped) when systemd-analyze is missing or cannot run here.
set -u
unit=$1 daemon=$2
command -v systemd-analyze >/dev/null || { echo "skip: no systemd-analyze (install systemd)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# An empty unit first: if even that fails, systemd-analyze cannot run in this environment.
printf '[Service]\nExecStart=/bin/true\n' >"$work/empty-probe.service"
if ! systemd-analyze verify "$work/empty-probe.service" >"$work/probe.out" 2>&1; then
  echo "skip: systemd-analyze cannot run here:"; cat "$work/probe.out"; exit 77
fi
sed "s|/usr/sbin/autographd|$daemon|g" "$unit" >"$work/autograph.service"
systemd-analyze verify "$work/autograph.service" >"$work/out" 2>&1
status=$?
cat "$work/out"
if [ $status -ne 0 ] || [ -s "$work/out" ]; then
  echo "verify_service: systemd-analyze verify found problems in $unit"
  exit 1
fi
echo "verify_service: $unit verified"
