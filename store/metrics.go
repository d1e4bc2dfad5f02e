package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	"hotline"
)

// The writer measures every commit here: batch size (units per
// transaction, the group-commit win) and latency (BEGIN to the end of
// COMMIT, fsync included: what every webhook in the batch waited for).
// Counters are plain atomics so the writer never takes a lock for them;
// the server turns a Snapshot into Prometheus histograms at scrape time.

// BatchBuckets and LatencyBuckets are the histograms' upper bounds
// (units; seconds).
var (
	BatchBuckets   = [...]float64{1, 2, 4, 8, 16, 32, 64, 128, 256}
	LatencyBuckets = [...]float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
)

type batchHist struct {
	counts [len(BatchBuckets) + 1]atomic.Uint64 // the last is +Inf
	sum    atomic.Uint64
}

type latencyHist struct {
	counts [len(LatencyBuckets) + 1]atomic.Uint64
	sumNS  atomic.Uint64
}

// commitMetrics is the DB's share of the numbers.
type commitMetrics struct {
	batch   batchHist
	latency latencyHist
}

// observeCommit records one committed transaction of units units that took d.
func (db *DB) observeCommit(units int, d time.Duration) {
	m := &db.metrics
	i := 0
	for i < len(BatchBuckets) && float64(units) > BatchBuckets[i] {
		i++
	}
	m.batch.counts[i].Add(1)
	m.batch.sum.Add(uint64(units))
	s := d.Seconds()
	i = 0
	for i < len(LatencyBuckets) && s > LatencyBuckets[i] {
		i++
	}
	m.latency.counts[i].Add(1)
	m.latency.sumNS.Add(uint64(max(d, 0)))
}

// Histogram is a snapshot of one histogram: Counts[i] is the number of
// observations at or below Bounds[i] (cumulative, as Prometheus wants).
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
	Sum    float64
}

// CommitSnapshot is the writer's commit histograms at one moment.
type CommitSnapshot struct {
	BatchSize Histogram // units per committed transaction
	Latency   Histogram // seconds from BEGIN to the end of COMMIT
}

// CommitMetrics returns the commit histograms since Open.
func (db *DB) CommitMetrics() CommitSnapshot {
	m := &db.metrics
	return CommitSnapshot{
		BatchSize: snapshot(BatchBuckets[:], m.batch.counts[:], float64(m.batch.sum.Load())),
		Latency:   snapshot(LatencyBuckets[:], m.latency.counts[:], float64(m.latency.sumNS.Load())/1e9),
	}
}

func snapshot(bounds []float64, counts []atomic.Uint64, sum float64) Histogram {
	h := Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds)), Sum: sum}
	var cum uint64
	for i := range bounds {
		cum += counts[i].Load()
		h.Counts[i] = cum
	}
	// Count from the buckets, so a scrape between two Adds stays consistent.
	h.Count = cum + counts[len(bounds)].Load()
	return h
}

// WriterQueue is the number of units waiting for the writer: the first
// sign that the database is falling behind.
func (db *DB) WriterQueue() int { return len(db.jobs) }

// WriterCapacity is how many units can wait before callers block.
func (db *DB) WriterCapacity() int { return cap(db.jobs) }

// QueueDepth counts the cases still waiting for an outcome (not resolved
// or closed), by urgency.
func (db *DB) QueueDepth(ctx context.Context) (map[hotline.Urgency]int, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT urgency, count(*) FROM cases
		WHERE status IN ('new', 'in_progress', 'handed_off')
		GROUP BY urgency`)
	if err != nil {
		return nil, fmt.Errorf("store: queue depth: %w", err)
	}
	defer rows.Close()
	out := map[hotline.Urgency]int{}
	for rows.Next() {
		var u hotline.Urgency
		var n int
		if err := rows.Scan(&u, &n); err != nil {
			return nil, fmt.Errorf("store: queue depth: %w", err)
		}
		out[u] = n
	}
	return out, rows.Err()
}

// OldestUnacknowledgedCritical returns when the oldest critical case that
// nobody has taken up was opened: still new, or handed off with no
// responder's acknowledgement. ok is false when there is none.
func (db *DB) OldestUnacknowledgedCritical(ctx context.Context) (t time.Time, ok bool, err error) {
	var at sql.NullInt64
	err = db.rdb.QueryRowContext(ctx, `
		SELECT min(created_at) FROM cases
		WHERE status IN ('new', 'handed_off') AND urgency = ?
		  AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.case_id = cases.id AND h.acknowledged_at IS NOT NULL)`,
		int(hotline.Critical)).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: oldest unacknowledged critical case: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(at.Int64), true, nil
}
