package store

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotline"
)

// writeMessages records n messages, concurrently, from 20 senders.
func writeMessages(t *testing.T, db *DB, prefix string, n int) {
	writeMessagesFrom(t, db, prefix, n, 20)
}

func writeMessagesFrom(t *testing.T, db *DB, prefix string, n, senders int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := inbound(hotline.SMS, fmt.Sprintf("+8551000%04d", i%senders), fmt.Sprintf("%s%d", prefix, i), "checkpoint test")
			_, err := db.RecordInbound(context.Background(), in, hotline.Triage{Urgency: hotline.Medium}, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// walFrames is the number of frames in the WAL and how many of them are
// already copied into the database file.
func walFrames(t *testing.T, db *DB) (log, checkpointed int) {
	t.Helper()
	var busy int
	// A PASSIVE checkpoint reports the WAL's counters (and copies what it
	// can, so call it only to measure).
	if err := db.ckpt.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &checkpointed); err != nil {
		t.Fatal(err)
	}
	return log, checkpointed
}

func TestWriterDoesNotCheckpoint(t *testing.T) {
	// A checkpointer that never ticks: whatever reaches the database file
	// was copied by the writer.
	db, _ := openTest(t, Options{GroupCommit: true, MaxBatch: 256,
		checkpointEvery: time.Hour, checkpointCommits: 1 << 62})
	var auto int
	err := db.write(context.Background(), func(tx *writeTx) error {
		return tx.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto)
	})
	if err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint=%d err=%v, want 0", auto, err)
	}
	// Far past SQLite's default threshold of 1000 pages.
	writeMessagesFrom(t, db, "SMnock", 3000, 3000)
	if log, _ := walFrames(t, db); log < 1000 {
		t.Fatalf("WAL has %d frames: something other than the checkpointer checkpointed", log)
	}
}

func TestCheckpointerKeepsWALBounded(t *testing.T) {
	const limit = 256 << 10
	db, path := openTest(t, Options{GroupCommit: true, MaxBatch: 256,
		checkpointEvery: 5 * time.Millisecond, walSizeLimit: limit})
	writeMessages(t, db, "SMck", 3000)
	if db.ckpt.runs.Load() == 0 {
		t.Fatal("the checkpointer never ran")
	}
	// Once a checkpoint has copied everything, the next commit starts the
	// WAL again from the top and cuts the file down to the limit. (Two
	// more runs: the first may have started before the last commit.)
	runs := db.ckpt.runs.Load()
	waitFor(t, "two more checkpoints", func() bool { return db.ckpt.runs.Load() >= runs+2 })
	writeMessages(t, db, "SMck-after", 1)
	if n := walSize(t, path); n > limit {
		t.Errorf("WAL is %d bytes after a complete checkpoint, limit %d", n, limit)
	}
	if errp := db.ckpt.lastErr.Load(); errp != nil {
		t.Errorf("checkpoint error: %v", *errp)
	}
	// Nothing was lost on the way: every message is readable, and after
	// a reopen from the database file alone.
	if n := count(t, db, `SELECT count(*) FROM messages`); n != 3001 {
		t.Errorf("%d messages, want 3001", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walSize(t, path); n != 0 {
		t.Errorf("WAL is %d bytes after Close, want it checkpointed away", n)
	}
	db2, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n := count(t, db2, `SELECT count(*) FROM messages`); n != 3001 {
		t.Errorf("%d messages after reopen, want 3001", n)
	}
}

// A reader that keeps an old snapshot open stops the WAL from starting
// over; once the WAL is long, the checkpointer forces a restart as soon as
// the reader is gone.
func TestCheckpointerRestartsALongWAL(t *testing.T) {
	db, _ := openTest(t, Options{GroupCommit: true, MaxBatch: 256,
		checkpointEvery: 5 * time.Millisecond, restartFrames: 200})
	writeMessages(t, db, "SMpre", 10)
	tx, err := db.rdb.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	writeMessages(t, db, "SMlong", 1000)
	waitFor(t, "a RESTART attempt", func() bool { return db.ckpt.restarts.Load() > 0 })
	// Attempts that cannot finish must not hold up the writer.
	writeMessages(t, db, "SMduring", 200)
	if log, _ := walFrames(t, db); log < 200 {
		t.Fatalf("WAL has only %d frames while a reader holds an old snapshot", log)
	}
	tx.Rollback()
	restarts := db.ckpt.restarts.Load()
	waitFor(t, "a RESTART after the reader left", func() bool { return db.ckpt.restarts.Load() >= restarts+2 })
	writeMessages(t, db, "SMnext", 1)
	if log, _ := walFrames(t, db); log >= 200 {
		t.Errorf("WAL still has %d frames after the reader left", log)
	}
	if errp := db.ckpt.lastErr.Load(); errp != nil {
		t.Errorf("checkpoint error: %v", *errp)
	}
}

// Under load some reader is always inside the WAL and the writer never
// starts it over by itself; the checkpointer's RESTART must, or the file
// grows without end.
func TestWALBoundedUnderConstantReads(t *testing.T) {
	const limit = 1 << 20
	db, path := openTest(t, Options{GroupCommit: true, MaxBatch: 256,
		checkpointEvery: 50 * time.Millisecond, restartFrames: 300, walSizeLimit: limit,
		// As long as in production: this test's readers and writers on two
		// cores leave a reader waiting for the CPU for as long as that.
		restartWait: maxRestartWait})
	writeMessages(t, db, "SMseed", 20)
	stop := make(chan struct{})
	var load sync.WaitGroup
	for range 4 {
		load.Add(1)
		go func() {
			defer load.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := findDuplicate(context.Background(), db.rdb, hotline.SMS, fmt.Sprintf("SMseed%d", i%20)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var written atomic.Int64
	for w := range 16 {
		load.Add(1)
		go func() {
			defer load.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				in := inbound(hotline.SMS, fmt.Sprintf("+85510%03d%04d", w, i%500), fmt.Sprintf("SMbusy%d-%d", w, i), "x")
				if _, err := db.RecordInbound(context.Background(), in, hotline.Triage{}, nil); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	var largest int64
	for range 150 {
		time.Sleep(10 * time.Millisecond)
		largest = max(largest, walSize(t, path))
	}
	close(stop)
	load.Wait()
	t.Logf("%d messages, %d RESTART attempts, %d got through, largest WAL %d bytes",
		written.Load(), db.ckpt.restarts.Load(), db.ckpt.restarted.Load(), largest)
	if db.ckpt.restarted.Load() == 0 {
		t.Error("no RESTART checkpoint got through under constant reads and writes")
	}
	if largest > 12*limit {
		t.Errorf("WAL reached %d bytes, want it near its limit of %d", largest, limit)
	}
}
