package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"hotline"
)

func TestCommitMetricsCountEveryCommit(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			record(t, db, inbound(hotline.SMS, fmt.Sprintf("+855100001%02d", i), fmt.Sprintf("SMm%d", i), "help"), hotline.Triage{})
		}()
	}
	wg.Wait()
	snap := db.CommitMetrics()
	st := db.Stats()
	if snap.BatchSize.Count != st.Commits || snap.Latency.Count != st.Commits {
		t.Fatalf("histograms count %d/%d commits, writer says %d", snap.BatchSize.Count, snap.Latency.Count, st.Commits)
	}
	if uint64(snap.BatchSize.Sum) != st.Jobs {
		t.Fatalf("batch sizes sum to %v units, writer ran %d", snap.BatchSize.Sum, st.Jobs)
	}
	if snap.Latency.Sum <= 0 {
		t.Fatal("no commit time recorded")
	}
	for i := 1; i < len(snap.Latency.Counts); i++ {
		if snap.Latency.Counts[i] < snap.Latency.Counts[i-1] {
			t.Fatalf("latency buckets not cumulative: %v", snap.Latency.Counts)
		}
	}
}

func TestQueueDepthAndOldestCritical(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	if _, ok, err := db.OldestUnacknowledgedCritical(ctx); err != nil || ok {
		t.Fatalf("empty database: ok=%v err=%v", ok, err)
	}
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMq1", "help"), hotline.Triage{Urgency: hotline.Critical})
	record(t, db, inbound(hotline.SMS, "+85510000124", "SMq2", "help"), hotline.Triage{Urgency: hotline.Low})
	record(t, db, inbound(hotline.SMS, "+85510000125", "SMq3", "help"), hotline.Triage{Urgency: hotline.Low})
	depth, err := db.QueueDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if depth[hotline.Critical] != 1 || depth[hotline.Low] != 2 {
		t.Fatalf("queue depth %v", depth)
	}
	at, ok, err := db.OldestUnacknowledgedCritical(ctx)
	if err != nil || !ok || at.IsZero() {
		t.Fatalf("oldest critical: %v %v %v", at, ok, err)
	}
}
