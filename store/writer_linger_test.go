package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Under load (lingerFrom units already waiting) the writer waits for
// more: a unit sent after the batch was taken still joins it.
func TestBatchUnderLoadWaitsForMore(t *testing.T) {
	opts := testOptions()
	opts.lingerFor = time.Minute   // long enough that the test cannot race it
	opts.MaxBatch = lingerFrom + 1 // and the late unit fills the batch, which then commits
	db, _ := openTest(t, opts)
	ctx := context.Background()
	release := holdWriter(t, db)
	var wg sync.WaitGroup
	for range lingerFrom {
		wg.Go(func() {
			if err := db.write(ctx, func(*writeTx) error { return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	waitQueued(t, db, lingerFrom)
	before := db.Stats().Commits
	release()
	// The held unit's batch commits; the next one, of lingerFrom units,
	// is now waiting for more.
	for db.Stats().Commits == before || len(db.jobs) > 0 {
		time.Sleep(time.Millisecond)
	}
	late := make(chan error, 1)
	go func() { late <- db.write(ctx, func(*writeTx) error { return nil }) }()
	wg.Wait()
	if err := <-late; err != nil {
		t.Fatal(err)
	}
	if got := db.Stats().Commits - before; got != 2 {
		t.Errorf("%d commits from the held unit on, want 2: its batch, then all %d units together", got, lingerFrom+1)
	}
	if b := db.CommitMetrics().BatchSize; b.Count != 2 || b.Sum != 1+lingerFrom+1 {
		t.Errorf("batches %+v, want the held unit's and one of %d", b, lingerFrom+1)
	}
}

// A unit that arrives alone commits at once, however long the writer
// would wait under load.
func TestLoneUnitDoesNotWait(t *testing.T) {
	opts := testOptions()
	opts.lingerFor = time.Hour
	db, _ := openTest(t, opts)
	done := make(chan error, 1)
	go func() { done <- db.write(context.Background(), func(*writeTx) error { return nil }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a lone unit waited for company")
	}
}
