package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"hotline"
)

func TestFailingUnitDoesNotLoseItsBatch(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "agent-a", hotline.RoleAgent, ""); err != nil {
		t.Fatal(err)
	}
	before := db.Stats()
	release := holdWriter(t, db)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i, name := range []string{"agent-b", "agent-a", "agent-c"} { // agent-a violates UNIQUE(name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.write(ctx, func(tx *writeTx) error {
				_, err := tx.Exec(`INSERT INTO users (name, role, created_at) VALUES (?, 'agent', 0)`, name)
				return err
			})
		}()
		waitQueued(t, db, i+1) // keep the order b, a, c inside the batch
	}
	release()
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || !isUnique(errs[1]) {
		t.Fatalf("errors %v", errs)
	}
	if n := count(t, db, `SELECT count(*) FROM users`); n != 3 {
		t.Errorf("%d users, want agent-a, agent-b, agent-c", n)
	}
	after := db.Stats()
	// The hold unit and the three above: two commits.
	if c, j := after.Commits-before.Commits, after.Jobs-before.Jobs; c != 2 || j != 4 {
		t.Errorf("commits %d jobs %d, want 2 and 4", c, j)
	}
}

func TestPanickingUnitFailsAlone(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	release := holdWriter(t, db)
	var wg sync.WaitGroup
	var perr, oerr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		perr = db.write(ctx, func(tx *writeTx) error {
			tx.Exec(`INSERT INTO users (name, role, created_at) VALUES ('ghost', 'agent', 0)`)
			panic("boom")
		})
	}()
	waitQueued(t, db, 1)
	go func() {
		defer wg.Done()
		_, oerr = db.CreateUser(ctx, "survivor", hotline.RoleAgent, "")
	}()
	waitQueued(t, db, 2)
	release()
	wg.Wait()
	if perr == nil || oerr != nil {
		t.Fatalf("panic unit err %v, other %v", perr, oerr)
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE name = 'ghost'`); n != 0 {
		t.Error("the panicking unit's insert was committed")
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE name = 'survivor'`); n != 1 {
		t.Error("the other unit was lost")
	}
}

func TestCancelledBeforeTakenNeverRuns(t *testing.T) {
	db, _ := openTest(t, testOptions())
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	ran := false
	go func() {
		done <- db.write(ctx, func(tx *writeTx) error { ran = true; return nil })
	}()
	waitQueued(t, db, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	release()
	// A unit queued after the cancelled one has run once this returns.
	if err := db.write(context.Background(), func(*writeTx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("a unit whose caller gave up ran anyway")
	}
}

func TestCancelledAfterTakenWaitsForCommit(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx, cancel := context.WithCancel(context.Background())
	err := db.write(ctx, func(tx *writeTx) error {
		cancel() // the caller gives up while its unit is inside the batch
		_, err := tx.Exec(`INSERT INTO users (name, role, created_at) VALUES ('late', 'agent', 0)`)
		return err
	})
	committed := count(t, db, `SELECT count(*) FROM users WHERE name = 'late'`) == 1
	if (err == nil) != committed {
		t.Fatalf("write returned %v but committed=%v", err, committed)
	}
	if !committed {
		t.Error("a taken unit was not committed")
	}
}

func TestConcurrentRecordInbound(t *testing.T) {
	for _, group := range []bool{true, false} {
		t.Run(fmt.Sprintf("group=%v", group), func(t *testing.T) {
			opts := testOptions()
			opts.GroupCommit = group
			db, _ := openTest(t, opts)
			const n = 500
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// 100 contacts, five messages each: cases are shared
					// across concurrent units.
					in := inbound(hotline.SMS, fmt.Sprintf("+8551000%04d", i%100), fmt.Sprintf("SM%05d", i), "test message")
					_, err := db.RecordInbound(context.Background(), in, hotline.Triage{Lang: "km", Urgency: hotline.Low}, nil)
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
			if m := count(t, db, `SELECT count(DISTINCT external_id) FROM messages WHERE direction = 'in'`); m != n {
				t.Errorf("%d distinct messages, want %d", m, n)
			}
			if m := count(t, db, `SELECT count(*) FROM messages`); m != n {
				t.Errorf("%d messages, want %d", m, n)
			}
			if c := count(t, db, `SELECT count(*) FROM cases`); c != 100 {
				t.Errorf("%d cases, want 100", c)
			}
			s := db.Stats()
			t.Logf("group=%v: %d jobs in %d commits", group, s.Jobs, s.Commits)
			if s.Jobs != n {
				t.Errorf("%d jobs, want %d", s.Jobs, n)
			}
			if group && s.Commits >= s.Jobs {
				t.Errorf("group commit: %d commits for %d jobs", s.Commits, s.Jobs)
			}
			if !group && s.Commits != s.Jobs {
				t.Errorf("single: %d commits for %d jobs", s.Commits, s.Jobs)
			}
		})
	}
}

func TestCloseFinishesQueuedWork(t *testing.T) {
	db, path := openTest(t, testOptions())
	release := holdWriter(t, db)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.RecordInbound(context.Background(),
				inbound(hotline.WhatsApp, fmt.Sprintf("whatsapp:+8210000012%02d", i), fmt.Sprintf("WA%d", i), "x"),
				hotline.Triage{}, nil)
		}()
	}
	waitQueued(t, db, 10)
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("queued unit: %v", err)
		}
	}
	if _, err := db.RecordInbound(context.Background(), inbound(hotline.SMS, "+85510000123", "late", "x"), hotline.Triage{}, nil); err == nil {
		t.Error("RecordInbound after Close succeeded")
	}
	db2, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n := count(t, db2, `SELECT count(*) FROM messages`); n != 10 {
		t.Errorf("%d messages after reopen, want 10", n)
	}
}
