package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"hotline"
)

func countPrefix(stmts []string, prefix string) int {
	n := 0
	for _, s := range stmts {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// queueRerunnable queues n rerunnable units that each insert one user
// named by names[i]; fail[i] makes unit i fail after its insert, panic[i]
// panic instead. It returns their errors (after wait) and how often each
// unit ran.
func queueRerunnable(t *testing.T, db *DB, names []string, fail, panics map[int]bool) (wait func() ([]error, []int32)) {
	t.Helper()
	errs := make([]error, len(names))
	runs := make([]atomic.Int32, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.writeRerunnable(context.Background(), func(tx *writeTx) error {
				runs[i].Add(1)
				if _, err := tx.Exec(`INSERT INTO users (name, role, created_at) VALUES (?, 'agent', 0)`, name); err != nil {
					return err
				}
				if panics[i] {
					panic("unit " + name)
				}
				if fail[i] {
					return errors.New("unit " + name + " failed")
				}
				return nil
			})
		}()
		waitQueued(t, db, i+1) // keep the order inside the batch
	}
	return func() ([]error, []int32) {
		wg.Wait()
		n := make([]int32, len(runs))
		for i := range runs {
			n[i] = runs[i].Load()
		}
		return errs, n
	}
}

// TestRerunnableBatchRunsWithoutSavepoints: a batch of rerunnable units
// with no failure runs straight through, commits every unit once, and
// opens no savepoint.
func TestRerunnableBatchRunsWithoutSavepoints(t *testing.T) {
	db, _ := openTest(t, testOptions())
	log := traceWriter(t, db)
	before := db.Stats()
	release := holdWriter(t, db)
	wait := queueRerunnable(t, db, []string{"agent-a", "agent-b", "agent-c"}, nil, nil)
	release()
	errs, runs := wait()
	for i, err := range errs {
		if err != nil || runs[i] != 1 {
			t.Errorf("unit %d: err %v, ran %d times, want nil and once", i, err, runs[i])
		}
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE name LIKE 'agent-%'`); n != 3 {
		t.Errorf("%d users, want 3", n)
	}
	if n := countPrefix(log.take(), "SAVEPOINT"); n != 0 {
		t.Errorf("%d savepoints for a batch that did not fail, want 0", n)
	}
	if s := db.Stats(); s.Reruns != before.Reruns || s.Commits-before.Commits != 2 {
		t.Errorf("reruns %d, commits %d; want 0 and 2 (the hold, the batch)", s.Reruns-before.Reruns, s.Commits-before.Commits)
	}
}

// TestRerunnableBatchWithFailingUnit: when a unit fails in the straight
// run, the batch runs again with a savepoint per unit. The failing unit is
// undone alone, with its own error; the others commit exactly once.
func TestRerunnableBatchWithFailingUnit(t *testing.T) {
	for _, tc := range []struct {
		name         string
		fail, panics map[int]bool
		names        []string
	}{
		{"error", map[int]bool{1: true}, nil, []string{"agent-a", "agent-b", "agent-c"}},
		{"panic", nil, map[int]bool{1: true}, []string{"agent-a", "agent-b", "agent-c"}},
		// agent-a twice: the second violates UNIQUE(name) only because the
		// first ran before it in the same transaction.
		{"unique", nil, nil, []string{"agent-a", "agent-a", "agent-c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t, testOptions())
			log := traceWriter(t, db)
			before := db.Stats()
			release := holdWriter(t, db)
			wait := queueRerunnable(t, db, tc.names, tc.fail, tc.panics)
			release()
			errs, runs := wait()
			if errs[0] != nil || errs[2] != nil || errs[1] == nil {
				t.Fatalf("errors %v, want only unit 1 to fail", errs)
			}
			if tc.name == "unique" && !isUnique(errs[1]) {
				t.Errorf("unit 1: %v, want a UNIQUE violation", errs[1])
			}
			// Units 0 and 1 ran straight and again; unit 2 only in the rerun.
			if want := []int32{2, 2, 1}; runs[0] != want[0] || runs[1] != want[1] || runs[2] != want[2] {
				t.Errorf("runs %v, want %v", runs, want)
			}
			if n := count(t, db, `SELECT count(*) FROM users WHERE name LIKE 'agent-%'`); n != 2 {
				t.Errorf("%d users, want 2 (units 0 and 2, once each)", n)
			}
			if n := count(t, db, `SELECT count(*) FROM users WHERE name = 'agent-b'`); tc.name != "unique" && n != 0 {
				t.Error("the failing unit's insert was committed")
			}
			if n := countPrefix(log.take(), "SAVEPOINT"); n != 3 {
				t.Errorf("%d savepoints, want one per unit in the rerun (3)", n)
			}
			s := db.Stats()
			if s.Reruns-before.Reruns != 1 || s.Jobs-before.Jobs != 4 {
				t.Errorf("reruns %d, jobs %d; want 1 and 4", s.Reruns-before.Reruns, s.Jobs-before.Jobs)
			}
		})
	}
}

// TestMixedBatchRunsCarefully: one unit that may not run twice puts its
// whole batch under savepoints from the start, so nothing runs twice.
func TestMixedBatchRunsCarefully(t *testing.T) {
	db, _ := openTest(t, testOptions())
	log := traceWriter(t, db)
	release := holdWriter(t, db)
	wait := queueRerunnable(t, db, []string{"agent-a", "agent-b"}, map[int]bool{0: true}, nil)
	var once atomic.Int32
	var werr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		werr = db.write(context.Background(), func(tx *writeTx) error {
			once.Add(1)
			_, err := tx.Exec(`INSERT INTO users (name, role, created_at) VALUES ('agent-once', 'agent', 0)`)
			return err
		})
	}()
	waitQueued(t, db, 3)
	release()
	errs, runs := wait()
	wg.Wait()
	if errs[0] == nil || errs[1] != nil || werr != nil {
		t.Fatalf("errors %v and %v", errs, werr)
	}
	if runs[0] != 1 || runs[1] != 1 || once.Load() != 1 {
		t.Errorf("runs %v and %d, want every unit once", runs, once.Load())
	}
	if n := countPrefix(log.take(), "SAVEPOINT"); n != 3 {
		t.Errorf("%d savepoints, want 3", n)
	}
}

// TestRerunAnswersIntakeFromTheLastRun: a message whose batch runs again
// is stored once and answered with the acknowledgement of the run that
// committed (the case reference is drawn anew in the rerun).
func TestRerunAnswersIntakeFromTheLastRun(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	release := holdWriter(t, db)
	var acks []string
	var rcpt hotline.Receipt
	var rerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		in := inbound(hotline.SMS, "+85510000451", "SMrerun1", "help, they took my passport")
		rcpt, rerr = db.RecordInbound(ctx, in, hotline.Triage{Lang: "en", Urgency: hotline.High}, func(r hotline.Receipt) string {
			acks = append(acks, "ack "+r.CaseRef)
			return acks[len(acks)-1]
		})
	}()
	waitQueued(t, db, 1)
	wait := queueRerunnable(t, db, []string{"agent-x"}, map[int]bool{0: true}, nil)
	waitQueued(t, db, 2)
	release()
	wg.Wait()
	errs, _ := wait()
	if rerr != nil || errs[0] == nil {
		t.Fatalf("intake %v, failing unit %v", rerr, errs[0])
	}
	if len(acks) != 2 {
		t.Fatalf("ack called %d times, want 2 (straight run, rerun)", len(acks))
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE direction = 'in'`); n != 1 {
		t.Errorf("%d inbound messages, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
	c, err := db.GetCase(ctx, rcpt.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ref != rcpt.CaseRef || acks[1] != "ack "+c.Ref {
		t.Errorf("receipt ref %q, stored %q, last ack %q", rcpt.CaseRef, c.Ref, acks[1])
	}
	var out int
	for _, m := range c.Messages {
		if m.Direction == hotline.DirOut {
			out++
			if m.Body != acks[1] {
				t.Errorf("stored reply %q, want the last run's %q", m.Body, acks[1])
			}
		}
	}
	if out != 1 {
		t.Errorf("%d replies stored, want 1", out)
	}
}
