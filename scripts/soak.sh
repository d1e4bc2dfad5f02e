#!/usr/bin/env bash
# Soak: a real `hotline serve` on a fresh database on loopback takes signed
# Twilio webhooks at a steady open-loop rate for a long time; the load tool
# prints a window every EVERY with p50/p99 and the server's RSS. The claim to
# check is that the last windows look like the first: no growth of latency
# or memory beyond noise. Loopback only; run it on a quiet machine.
#
#   scripts/soak.sh                         # 10 minutes at 1,000 webhooks/s
#   DURATION=20s EVERY=5s scripts/soak.sh   # a quick check that it works
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-1000}         # webhooks per second
DURATION=${DURATION:-10m}  # how long
EVERY=${EVERY:-30s}        # window length
C=${C:-256}                # requests in flight at most
PORT=${PORT:-18081}
TOKEN=soak-test-auth-token
ACCOUNT=AC00000000000000000000000000000soak

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/hotline" ./cmd/hotline
go build -o "$work/hotline-load" ./cmd/hotline-load

HOTLINE_DB="$work/db" HOTLINE_KEY_FILE="$work/key" HOTLINE_ADDR=127.0.0.1:$PORT HOTLINE_ACK=first \
	TWILIO_AUTH_TOKEN=$TOKEN TWILIO_ACCOUNT_SID=$ACCOUNT "$work/hotline" serve >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$work/out" || { echo "server did not start:"; cat "$work/err"; exit 1; }
echo "soak: $RATE webhooks/s for $DURATION, a window every $EVERY, server pid $pid"

# The server's own commit times, once a second: a window whose p99 jumps
# while its commits took over 100 ms waited for the disk (an fsync that
# stalled), not for the code.
scrape() {
	while :; do
		curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v t="$(date +%s.%N)" '
			/^hotline_commit_seconds_bucket\{le="0.02"\}/ {a=$2}
			/^hotline_commit_seconds_bucket\{le="0.1"\}/ {b=$2}
			/^hotline_commit_seconds_count/ {n=$2}
			END {if (n != "") print t, n, n-a, n-b}' >>"$work/commits" || true
		sleep 1
	done
}
scrape &
scraper=$!

# One JSON object per window as it ends (shown live), then the summary.
"$work/hotline-load" -url "http://127.0.0.1:$PORT/webhooks/twilio/messages" -token $TOKEN -account $ACCOUNT \
	-rate "$RATE" -duration "$DURATION" -c "$C" -report-every "$EVERY" -server-pid "$pid" -json | tee "$work/soak.jsonl"
kill $scraper 2>/dev/null || true
kill -INT $pid; wait $pid || true

python3 - "$work/soak.jsonl" "$work/commits" <<'PY'
import json, sys
from datetime import datetime
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# time, commits, commits over 20 ms, commits over 100 ms (running totals)
samples = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
def slow_commits(w, every):
    # Go writes up to nine digits of fraction; Python reads up to six.
    whole, _, frac = w["start"].rstrip("Z").partition(".")
    start = datetime.fromisoformat(f"{whole}.{(frac + '000000')[:6]}+00:00").timestamp()
    inside = [s for s in samples if start <= s[0] < start + every]
    before = [s for s in samples if s[0] < start]
    if not inside:
        return None
    base = before[-1] if before else (0, 0, 0, 0)
    return int(inside[-1][2] - base[2]), int(inside[-1][3] - base[3])
summary, windows = lines[-1], lines[:-1]
if not windows:
    sys.exit("no windows reported")
# The tool closes with what completed after the last full window; compare
# full windows only.
full = [w for w in windows if w["sent"] >= 0.5 * windows[0]["sent"]] or windows
first, last = full[0], full[-1]
def line(name, w):
    rss = w.get("server_rss_kb", 0) / 1024
    print(f"{name:6} window {w['window']:3} (+{w['offset_s']:.0f}s)  sent {w['sent']}  acked {w['acknowledged']}  "
          f"errors {w['errors']}  p50 {w['p50_ms']:.2f} ms  p99 {w['p99_ms']:.2f} ms  server rss {rss:.1f} MB")
every = full[1]["offset_s"] - full[0]["offset_s"] if len(full) > 1 else 1e9
print()
print("window  p99 ms   commits over 20 ms / over 100 ms (the disk, when p99 jumps with them)")
for w in windows:
    sc = slow_commits(w, every)
    print(f"{w['window']:6}  {w['p99_ms']:7.2f}  " + (f"{sc[0]} / {sc[1]}" if sc else "-"))
if samples:
    print(f"all commits {int(samples[-1][1])}: over 20 ms {int(samples[-1][2])}, over 100 ms {int(samples[-1][3])}")
print()
line("first", first)
line("last", last)
r0, r1 = first.get("server_rss_kb", 0), last.get("server_rss_kb", 0)
if r0:
    print(f"server rss     {r0/1024:.1f} MB -> {r1/1024:.1f} MB ({(r1-r0)/r0*100:+.1f}%)")
print(f"p99            {first['p99_ms']:.2f} ms -> {last['p99_ms']:.2f} ms")
non = sum(summary.get("non_2xx", {}).values()) if summary.get("non_2xx") else 0
print(f"total          sent {summary['sent']}  acknowledged {summary['acknowledged']}  non-2xx {non}  "
      f"transport errors {summary['transport_errors']}  ack/s {summary['acknowledged_per_s']:.0f}  "
      f"p50 {summary['latency_ms']['p50']:.2f} ms  p99 {summary['latency_ms']['p99']:.2f} ms  max {summary['latency_ms']['max']:.2f} ms")
PY
