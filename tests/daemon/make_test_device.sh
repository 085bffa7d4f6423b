#!/bin/sh
# Makes a test device in DIR with the real `autograph` tool: a device key, an owner key, the owner
# paired, a signed two-grantee policy in force, and a configuration for the Kona profile.
#
#   make_test_device.sh DIR AUTOGRAPH KONA_DBC_DIR MAPPING BUS0 BUS1 MQTT_PORT CA_FILE
#
# BUS0/BUS1 name the interfaces of can0 (P-CAN) and can1 (C-CAN). Grantees: "insurer" gets
# Vehicle.Speed once a second in 2 s batches; "fleet" gets every Vehicle.* signal every 100 ms in
# batches of at most 100 samples; both publish to localhost:MQTT_PORT (CA_FILE) on the topics
# autograph/insurer and autograph/fleet. POSIX sh: it also runs in the QEMU guest (busybox).
set -eu
[ $# -eq 8 ] || { echo "usage: $0 DIR AUTOGRAPH KONA_DBC_DIR MAPPING BUS0 BUS1 PORT CA" >&2; exit 2; }
dir=$1 cli=$2 dbc=$3 mapping=$4 bus0=$5 bus1=$6 port=$7 ca=$8

address() { sed -n 's/.*\(0x[0-9a-fA-F]\{40\}\).*/\1/p' | head -n1; }

mkdir -p "$dir/state"
device=$("$cli" keygen --key "$dir/state/device.key" 2>&1 | address)
owner=$("$cli" keygen --key "$dir/owner.key" 2>&1 | address)
[ -n "$device" ] && [ -n "$owner" ] || { echo "make_test_device: keygen gave no address" >&2; exit 1; }
"$cli" pair --owner "$owner" --key "$dir/state/device.key" --state "$dir/state" >/dev/null

endpoint() {
  printf '{"host": "localhost", "port": %s, "ca": "%s", "topic": "autograph/%s"}' "$port" "$ca" "$1"
}
cat >"$dir/policy.json" <<JSON
{"device": "$device", "version": 1, "issued": "2026-01-01T00:00:00Z",
 "expires": "2099-01-01T00:00:00Z",
 "grantees": [
  {"name": "insurer", "endpoint": $(endpoint insurer),
   "signals": [{"path": "Vehicle.Speed", "every_ms": 1000}],
   "batch": {"max_interval_s": 2, "max_samples": 1000}},
  {"name": "fleet", "endpoint": $(endpoint fleet),
   "signals": [{"path": "Vehicle.*", "every_ms": 100}],
   "batch": {"max_interval_s": 5, "max_samples": 100}}]}
JSON
"$cli" policy sign "$dir/policy.json" --key "$dir/owner.key" >/dev/null
"$cli" policy apply "$dir/policy.json" --key "$dir/state/device.key" --state "$dir/state" >/dev/null

cat >"$dir/config.json" <<JSON
{"can": [{"interface": "$bus0"}, {"interface": "$bus1"}],
 "vehicle": {"dbc": {"$bus0": ["$dbc/vehicle.dbc"], "$bus1": ["$dbc/vehicle.dbc", "$dbc/ccan.dbc"]},
             "vss_mapping": "$mapping"},
 "key": "$dir/state/device.key", "state_dir": "$dir/state",
 "spool": {"dir": "$dir/spool", "max_bytes": 16777216}}
JSON
echo "$device"
