package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCDefaultsAndEnvironment(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) })

	gc, limit := tuneGC(func(string) string { return "" })
	if gc != serveGCPercent || limit != serveMemoryLimit {
		t.Errorf("tuneGC with no environment = %d, %d", gc, limit)
	}
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("GC percent %d, want %d", got, serveGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serveMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, serveMemoryLimit)
	}

	// The operator's settings are left alone.
	debug.SetMemoryLimit(1 << 30)
	gc, limit = tuneGC(func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] })
	if gc != 0 || limit != 0 {
		t.Errorf("tuneGC with GOGC and GOMEMLIMIT set = %d, %d, want 0, 0", gc, limit)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent changed to %d despite GOGC", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("memory limit changed to %d despite GOMEMLIMIT", got)
	}
}
