package main

import "runtime/debug"

// Garbage collector defaults for serve. Every webhook allocates a few
// kilobytes that die with it, and the live heap is small (tens of MB), so
// at Go's default (GOGC=100) the collector ran several times a second under
// load and took about a tenth of the CPU that acknowledged webhooks need.
// A larger heap target trades memory for that CPU: at full load on the
// 2-core reference machine, 800 gave about a tenth more webhooks per second
// for about 200 MB of memory instead of 75 MB (README, Performance). The
// soft memory limit makes the collector work harder again before the
// process outgrows a small machine. An operator's own GOGC or GOMEMLIMIT
// wins.
const (
	serveGCPercent   = 800
	serveMemoryLimit = 768 << 20
)

// tuneGC applies the defaults above where the environment sets nothing.
// It returns what it set, 0 for a setting left to the environment.
func tuneGC(getenv func(string) string) (gcPercent int, memoryLimit int64) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
		gcPercent = serveGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
		memoryLimit = serveMemoryLimit
	}
	return gcPercent, memoryLimit
}
