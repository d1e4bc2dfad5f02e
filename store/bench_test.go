package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hotline"
)

// BenchmarkRecordInbound compares group commit with one transaction per
// message under 32×GOMAXPROCS concurrent webhooks. Run with a fixed count,
// e.g. -benchtime 2000x, so both sides do the same work.
func BenchmarkRecordInbound(b *testing.B) {
	for _, mode := range []struct {
		name    string
		group   bool
		senders int64
	}{
		{"group", true, 5000},
		{"single", false, 5000},
		// As hotline-load sends by default: after the first thousand, every
		// message goes to a case that is already open.
		{"group-1000senders", true, 1000},
	} {
		b.Run(mode.name, func(b *testing.B) {
			opts := testOptions()
			opts.GroupCommit = mode.group
			db, err := Open(filepath.Join(b.TempDir(), "bench.db"), opts)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			tr := hotline.Triage{Lang: "km", Urgency: hotline.High,
				Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk"},
				Reasons:  []hotline.Reason{{Signal: "confinement", Match: "x", Urgency: hotline.High}}}
			ack := func(r hotline.Receipt) string { return "Received " + r.CaseRef }
			var seq atomic.Int64
			b.SetParallelism(32)
			cpu0 := processCPU(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					i := seq.Add(1)
					in := inbound(hotline.SMS, fmt.Sprintf("+855100%05d", i%mode.senders), fmt.Sprintf("SMb%d", i), "benchmark message")
					if _, err := db.RecordInbound(ctx, in, tr, ack); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			// Wall time depends on fsync and on whoever else shares the
			// machine; the process's CPU per message is what caps the
			// webhooks a server can take.
			b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			s := db.Stats()
			b.ReportMetric(float64(s.Jobs)/float64(max(s.Commits, 1)), "jobs/commit")
		})
	}
}

// processCPU is the CPU time (user and system) the test process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
