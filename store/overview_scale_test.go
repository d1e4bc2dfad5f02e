package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"hotline"
)

// seedEntityBulk adds to seedBulk's cases what the task-force pages read:
// creation times over 90 days, one inbound message each, and links to one
// of 500 wallets (200 cases each) and one of 2,000 buildings.
func seedEntityBulk(t testing.TB, db *DB) {
	t.Helper()
	for _, q := range []string{
		`UPDATE cases SET created_at = 1700000000000 + (id * 7919) % 7776000 * 1000, updated_at = 1700000000000 + (id * 7919) % 7776000 * 1000 + 3600000`,
		`UPDATE cases SET closed_at = updated_at WHERE status IN ('resolved', 'closed')`,
		`INSERT INTO messages (case_id, contact_id, direction, channel, body, created_at) SELECT id, contact_id, 'in', 'sms', '', created_at FROM cases`,
		`INSERT INTO entities (kind, value, created_at) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 500)
			SELECT 'wallet_tron', 'TBulk' || i, 0 FROM seq`,
		`INSERT INTO entities (kind, value, lat, lon, created_at) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 2000)
			SELECT 'place', 'w3gq' || printf('%03d', i), 11.07, 106.13, 0 FROM seq`,
		`INSERT INTO entity_cases (entity_id, case_id, message_id, first_seen, last_seen)
			SELECT 1 + id % 500, id, id, created_at, created_at FROM cases`,
		`INSERT INTO entity_cases (entity_id, case_id, message_id, first_seen, last_seen)
			SELECT 501 + id % 2000, id, id, created_at, created_at FROM cases`,
	} {
		if _, err := writeExec(db, q); err != nil {
			t.Fatal(err)
		}
	}
}

func p99(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[(len(ds)*99+99)/100-1]
}

// TestTaskForceAt100k times the entity links of a case, an entity page and
// the overview for 30 and 90 days with 100,000 cases.
func TestTaskForceAt100k(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 cases")
	}
	db, _ := openTest(t, DefaultOptions())
	seedBulk(t, db, 100_000)
	seedEntityBulk(t, db)
	ctx := context.Background()
	measure := func(name string, runs int, limit time.Duration, fn func(i int) error) {
		var ds []time.Duration
		for i := range runs {
			start := time.Now()
			if err := fn(i); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		got := p99(ds)
		t.Logf("%s: p99 %v over %d runs", name, got, runs)
		if got > limit {
			t.Errorf("%s: p99 %v, want under %v", name, got, limit)
		}
	}
	measure("case links (200 cases per wallet)", 100, 100*time.Millisecond, func(i int) error {
		l, err := db.CaseEntities(ctx, int64(1+i*997), Scope{})
		if err == nil && len(l) != 2 {
			t.Fatalf("case %d: %d entities", 1+i*997, len(l))
		}
		return err
	})
	measure("entity page", 100, 100*time.Millisecond, func(i int) error {
		_, c, err := db.EntityCases(ctx, int64(1+i%500), Scope{})
		if err == nil && len(c) != 200 {
			t.Fatalf("entity %d: %d cases", 1+i%500, len(c))
		}
		return err
	})
	from := time.UnixMilli(1700000000000).Add(30 * 24 * time.Hour)
	measure("overview, 30 days", 50, 100*time.Millisecond, func(int) error {
		o, err := db.Overview(ctx, from, from.Add(30*24*time.Hour))
		if err == nil && (o.Opened < 30000 || len(o.Open) != 30 || o.Open[29].Counts[hotline.Critical] == 0) {
			t.Fatalf("overview: %d opened, %d points", o.Opened, len(o.Open))
		}
		return err
	})
	// Longer periods are not held to the limit, only measured: the page's
	// default is 30 days.
	measure("overview, 90 days", 20, time.Second, func(int) error {
		_, err := db.Overview(ctx, time.UnixMilli(1700000000000), time.UnixMilli(1700000000000).Add(90*24*time.Hour))
		return err
	})
}
