#!/usr/bin/env bash
# Measures acknowledged webhooks per second and latency of a real `hotline
# serve` on loopback, with group commit and with the one-transaction-per-
# request baseline, in the same run, on fresh databases. Loopback only.
#
#   scripts/loadtest.sh            # defaults below
#   N=50000 C=128 scripts/loadtest.sh
#   PROFILE=/tmp/prof scripts/loadtest.sh   # also a Go CPU profile per run: /tmp/prof/<run>.prof
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-60000}           # requests per throughput run
C=${C:-128}             # concurrency of the throughput runs (Twilio opens many connections under load)
RATE=${RATE:-1000}      # requests/s of the latency run
RATE_SECS=${RATE_SECS:-20}
PORT=${PORT:-18080}
TOKEN=load-test-auth-token
ACCOUNT=AC00000000000000000000000000000load

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/hotline" ./cmd/hotline
go build -o "$work/hotline-load" ./cmd/hotline-load

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name group_commit load-args...
	local name=$1 gc=$2; shift 2
	rm -rf "$work"/db* "$work"/key
	# The previous run's database is still being written back to disk;
	# flush it now so that this run's fsyncs do not queue behind it.
	sync
	local profile=()
	if [ -n "${PROFILE:-}" ]; then mkdir -p "$PROFILE"; profile=(-cpu-profile "$PROFILE/$name.prof"); fi
	HOTLINE_DB="$work/db" HOTLINE_KEY_FILE="$work/key" HOTLINE_ADDR=127.0.0.1:$PORT HOTLINE_GROUP_COMMIT=$gc HOTLINE_ACK=first \
		TWILIO_AUTH_TOKEN=$TOKEN TWILIO_ACCOUNT_SID=$ACCOUNT "$work/hotline" serve "${profile[@]}" >"$work/out" 2>"$work/err" &
	local pid=$!
	for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
	local before after
	before=$(cpu_ticks $pid)
	"$work/hotline-load" -url "http://127.0.0.1:$PORT/webhooks/twilio/messages" -token $TOKEN -account $ACCOUNT -json "$@" >"$work/$name.json"
	after=$(cpu_ticks $pid)
	kill -INT $pid; wait $pid || true
	# The server's CPU (user + system) per acknowledged webhook, from /proc.
	local acked
	acked=$(sed 's/.*"acknowledged":\([0-9]*\).*/\1/' "$work/$name.json")
	echo "$name: $(cat "$work/$name.json") server_cpu_us_per_request=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / (acked > 0 ? acked : 1) ))"
}

run group  on  -n "$N" -c "$C"
run single off -n "$N" -c "$C"
run group-at-rate  on  -rate "$RATE" -duration "${RATE_SECS}s" -c 256
run single-at-rate off -rate "$RATE" -duration "${RATE_SECS}s" -c 256

python3 - "$work" <<'PY'
import json, sys
d = sys.argv[1]
g, s = (json.load(open(f"{d}/{n}.json")) for n in ("group", "single"))
print(f"throughput ratio, group commit / one transaction per request: "
      f"{g['acknowledged_per_s']:.0f}/s / {s['acknowledged_per_s']:.0f}/s = {g['acknowledged_per_s']/s['acknowledged_per_s']:.2f}x")
PY
