package store

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/internal/seal"
)

// testKeys is the key file of every test database in this package, so a
// test can reopen a database with testOptions().
var testKeys = seal.Generate()

func testOptions() Options {
	o := DefaultOptions()
	o.Keys = testKeys
	return o
}

// clock is a test clock that moves forward one millisecond per reading, so
// that every case gets distinct, predictable times (last_inbound_at,
// waiting_since).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func openTest(t testing.TB, opts Options) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hotline test.db")
	if opts.Keys == nil {
		opts.Keys = testKeys
	}
	if opts.Now == nil {
		c := &clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
		opts.Now = c.Now
	}
	opts.verifyIntakeCache = true // every test that writes through intake checks the cache
	db, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func inbound(ch hotline.Channel, from, extID, body string) hotline.Inbound {
	return hotline.Inbound{Channel: ch, From: from, ExternalID: extID, Body: body, To: "+85510000999"}
}

func ptr[T any](v T) *T { return &v }

func record(t testing.TB, db *DB, in hotline.Inbound, tr hotline.Triage) hotline.Receipt {
	t.Helper()
	r, err := db.RecordInbound(context.Background(), in, tr, nil)
	if err != nil {
		t.Fatalf("RecordInbound: %v", err)
	}
	return r
}

func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.rdb.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// holdWriter occupies the writer with a unit that waits, so that the test can
// queue work and have it taken as one batch when release is called.
func holdWriter(t testing.TB, db *DB) (release func()) {
	t.Helper()
	started, rel := make(chan struct{}), make(chan struct{})
	go db.write(context.Background(), func(*writeTx) error {
		close(started)
		<-rel
		return nil
	})
	<-started
	return func() { close(rel) }
}

// waitQueued waits until n units wait for the writer.
func waitQueued(t testing.TB, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(db.jobs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d units queued", len(db.jobs), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// writeExec runs one statement through the writer, which holds the only
// connection allowed to write.
func writeExec(db *DB, query string, args ...any) (driver.Result, error) {
	var res driver.Result
	err := db.write(context.Background(), func(tx *writeTx) error {
		var err error
		res, err = tx.Exec(query, args...)
		return err
	})
	return res, err
}
