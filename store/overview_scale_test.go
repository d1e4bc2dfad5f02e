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

// BenchmarkTaskForceAt100k measures the entity links of a case, an entity
// page and the overview for 30 and 90 days with 100,000 cases, and reports
// each p99 in milliseconds (issue 8's target: under 100 ms). It also checks
// that the answers are whole, so a fast wrong answer does not pass:
//
//	go test ./store -run '^$' -bench TaskForceAt100k -benchtime 1x
func BenchmarkTaskForceAt100k(b *testing.B) {
	db, _ := openTest(b, DefaultOptions())
	seedBulk(b, db, 100_000)
	seedEntityBulk(b, db)
	ctx := context.Background()
	measure := func(metric string, runs int, fn func(i int) error) {
		var ds []time.Duration
		for i := range runs {
			start := time.Now()
			if err := fn(i); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		b.ReportMetric(float64(p99(ds).Microseconds())/1000, metric)
	}
	b.ResetTimer()
	for range b.N {
		measure("links-p99-ms", 100, func(i int) error {
			l, err := db.CaseEntities(ctx, int64(1+i*997), Scope{})
			if err == nil && len(l) != 2 {
				b.Fatalf("case %d: %d entities", 1+i*997, len(l))
			}
			return err
		})
		measure("entity-p99-ms", 100, func(i int) error {
			_, c, err := db.EntityCases(ctx, int64(1+i%500), Scope{})
			if err == nil && len(c) != 200 {
				b.Fatalf("entity %d: %d cases", 1+i%500, len(c))
			}
			return err
		})
		from := time.UnixMilli(1700000000000).Add(30 * 24 * time.Hour)
		measure("overview30d-p99-ms", 50, func(int) error {
			o, err := db.Overview(ctx, from, from.Add(30*24*time.Hour))
			if err == nil && (o.Opened < 30000 || len(o.Open) != 30 || o.Open[29].Counts[hotline.Critical] == 0) {
				b.Fatalf("overview: %d opened, %d points", o.Opened, len(o.Open))
			}
			return err
		})
		measure("overview90d-p99-ms", 20, func(int) error {
			o, err := db.Overview(ctx, time.UnixMilli(1700000000000), time.UnixMilli(1700000000000).Add(90*24*time.Hour))
			// Every seeded case is created in these 90 days; the open
			// series is weekly and ends with the cases never closed.
			if err == nil && (o.Opened != 100_000 || len(o.Open) != 13 || o.Open[12].Counts[hotline.Critical] == 0) {
				b.Fatalf("overview: %d opened, %d points", o.Opened, len(o.Open))
			}
			return err
		})
	}
}
