package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hotline"
)

// TestBackupUnderLoad: a backup taken while a goroutine keeps writing
// restores to a database that passes audit verify and holds every message
// acknowledged before the backup began.
func TestBackupUnderLoad(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	const writers = 4
	done := make(chan error, writers)
	for w := range writers {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				id := fmt.Sprintf("SMload%d-%06d", w, i)
				in := inbound(hotline.SMS, fmt.Sprintf("+855100%05d", (i*writers+w)%50), id, "help")
				if _, err := db.RecordInbound(ctx, in, hotline.Triage{}, nil); err != nil {
					done <- err
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()

	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	close(stop)
	for range writers {
		if err := <-done; err != nil {
			t.Fatalf("writer: %v", err)
		}
	}
	mu.Lock()
	t.Logf("acknowledged before the backup: %d, by the end of the load: %d", len(before), len(acked))
	mu.Unlock()

	restored := filepath.Join(t.TempDir(), "restored.db")
	rep, err := Restore(ctx, backup, restored, testKeys)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if !rep.OK() || rep.Events < int64(len(before)) {
		t.Fatalf("restored audit: %+v", rep)
	}
	if rep2, err := VerifyAuditFile(ctx, restored); err != nil || !rep2.OK() {
		t.Fatalf("audit verify on the restored file: %+v %v", rep2, err)
	}
	rdb, err := Open(restored, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	missing := 0
	for _, id := range before {
		if count(t, rdb, `SELECT count(*) FROM messages WHERE external_id = ?`, id) != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged messages missing from the restored backup", missing, len(before))
	}
}

func TestRestoreRefusesDatabaseInUse(t *testing.T) {
	db, live := openTest(t, testOptions())
	ctx := context.Background()
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMlive1", "help"), hotline.Triage{})
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	if _, err := Restore(ctx, backup, live, testKeys); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore over a live database: %v", err)
	}
	// The live database is untouched and still works.
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMlive2", "help"), hotline.Triage{})
	db.Close()
	if _, err := Restore(ctx, backup, live, testKeys); err != nil {
		t.Fatalf("restore once the server is gone: %v", err)
	}
	got, err := Open(live, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if n := count(t, got, `SELECT count(*) FROM messages`); n != 1 {
		t.Fatalf("restored database holds %d messages, want the backup's 1", n)
	}
}

func TestRestoreRefusesBrokenChain(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMb1", "help"), hotline.Triage{})
	record(t, db, inbound(hotline.SMS, "+85510000124", "SMb2", "help"), hotline.Triage{})
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	tamper(t, backup, `DELETE FROM audit_events WHERE id = 2`)
	target := filepath.Join(t.TempDir(), "target.db")
	if _, err := Restore(ctx, backup, target, testKeys); err == nil {
		t.Fatal("restored a backup whose audit chain is broken")
	}
	if m, _ := filepath.Glob(target + "*"); len(m) != 0 {
		t.Fatalf("refused restore left files: %v", m)
	}
}
