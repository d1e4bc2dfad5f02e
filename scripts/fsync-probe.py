#!/usr/bin/env python3
"""Measures the disk's own fsync latency, without Hotline: writes 4 KB and
fsyncs every 10 ms, and prints p50/p99/max per 10-second window. Run it on
an otherwise idle machine to tell the disk's stalls from Hotline's (the
soak's p99 follows them).

    scripts/fsync-probe.py [SECONDS] [FILE]     # defaults: 120, ./fsync-probe.dat
"""
import os
import sys
import time

duration = float(sys.argv[1]) if len(sys.argv) > 1 else 120
path = sys.argv[2] if len(sys.argv) > 2 else "fsync-probe.dat"
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
block = b"x" * 4096
end = time.time() + duration
window_start, offset, lat = time.time(), 0, []
try:
    while time.time() < end:
        t0 = time.perf_counter()
        os.pwrite(fd, block, offset)
        os.fsync(fd)
        lat.append(time.perf_counter() - t0)
        offset = (offset + len(block)) % (64 << 20)
        if time.time() - window_start >= 10:
            lat.sort()
            print(f"{time.strftime('%H:%M:%S')} n={len(lat)} p50={lat[len(lat) // 2] * 1000:.2f}ms "
                  f"p99={lat[int(len(lat) * 0.99)] * 1000:.2f}ms max={lat[-1] * 1000:.1f}ms", flush=True)
            window_start, lat = time.time(), []
        time.sleep(0.01)
finally:
    os.close(fd)
    os.remove(path)
