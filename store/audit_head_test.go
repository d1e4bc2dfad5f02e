package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"hotline"
)

// The writer keeps the chain's head between units. A unit that fails in
// the middle of a batch must take its events and its head with it, while
// the units around it in the same transaction chain on.
func TestAuditHeadFollowsSavepointsInOneBatch(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMhead0", "fictional"), hotline.Triage{})
	release := holdWriter(t, db)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.write(ctx, func(tx *writeTx) error {
				if err := audit(tx, db.now(), "test", fmt.Sprintf("unit.%d", i), 0, nil); err != nil {
					return err
				}
				if i%2 == 1 {
					return errors.New("unit fails after auditing")
				}
				return nil
			})
		}()
		waitQueued(t, db, i+1)
	}
	commits := db.Stats().Commits
	release()
	wg.Wait()
	if got := db.Stats().Commits - commits; got > 2 { // the held unit's and the batch's
		t.Fatalf("%d commits: the units did not share a transaction", got)
	}
	for i, err := range errs {
		if (i%2 == 1) != (err != nil) {
			t.Fatalf("unit %d: %v", i, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action LIKE 'unit.%'`); n != 3 {
		t.Fatalf("%d unit events stored, want 3", n)
	}
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMhead1", "fictional"), hotline.Triage{})
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
		t.Fatalf("chain: %+v, %v", rep, err)
	}
}

// Another process (a CLI command) may append to the chain while a server
// has the database open; the server must chain onto that event, not onto
// the head it remembered.
func TestAuditHeadSeesAnotherConnectionsEvents(t *testing.T) {
	db, path := openTest(t, testOptions())
	ctx := context.Background()
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMother0", "fictional"), hotline.Triage{})
	other, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := other.write(ctx, func(tx *writeTx) error {
		return audit(tx, other.now(), "cli", "user.created", 0, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	record(t, db, inbound(hotline.SMS, "+85510000123", "SMother1", "fictional"), hotline.Triage{})
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("chain: %+v, %v", rep, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'user.created'`); n != 1 {
		t.Fatalf("%d events of the other connection", n)
	}
}
