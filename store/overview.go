package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"hotline"
)

// The overview's types are hotline's (hotline.CaseFact); the aliases keep
// the store's queries and tests short. The milestones are kept on the case
// row by the triggers of migration 00051.
type (
	CaseFact      = hotline.CaseFact
	OverviewStats = hotline.OverviewStats
	OpenPoint     = hotline.OpenPoint
	WeekOutcomes  = hotline.WeekOutcomes
)

// overviewCases is the overview's set: cases opened before ?2 that were
// still open at ?1 or later. Merged duplicates are left out: they count in
// the case they were merged into.
const overviewCases = `c.created_at < ?2 AND c.merged_into IS NULL AND (c.closed_at IS NULL OR c.closed_at >= ?1)`

// CaseFacts returns the facts of the cases that were open at some time in
// [from, to), for the lists behind the overview's figures.
func (db *DB) CaseFacts(ctx context.Context, from, to time.Time) ([]CaseFact, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT c.id, c.ref, c.status, c.urgency, c.province, c.channel, c.nationality, c.resolution, c.created_at,
			COALESCE(c.first_in_at, c.created_at), c.first_reply_at, c.ack_at, c.closed_at
		FROM cases c
		WHERE `+overviewCases, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: case facts: %w", err)
	}
	defer rows.Close()
	var out []CaseFact
	for rows.Next() {
		var f CaseFact
		var u int
		var created, firstIn int64
		var reply, ack, closed sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Ref, &f.Status, &u, &f.Province, &f.Channel, &f.Nationality, &f.Resolution,
			&created, &firstIn, &reply, &ack, &closed); err != nil {
			return nil, err
		}
		f.Urgency = hotline.Urgency(u)
		f.Created, f.FirstIn = fromMS(created), fromMS(firstIn)
		f.FirstReply, f.Ack, f.Closed = timePtr(reply), timePtr(ack), timePtr(closed)
		out = append(out, f)
	}
	return out, rows.Err()
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// Overview counts the overview's figures for [from, to) with a handful of
// grouped scans of covering indexes; nothing here reads a row per case
// into Go. (Run side by side they were no faster on two busy cores, and
// took the read pool from the queue.)
func (db *DB) Overview(ctx context.Context, from, to time.Time) (*OverviewStats, error) {
	st := &OverviewStats{From: from, To: to, Provinces: map[string]int{}, Nationality: map[string]int{}, Channel: map[string]int{}}
	f, t := ms(from), ms(to)
	parts := []func() error{
		func() error { return db.overviewOpen(ctx, st) },
		func() error { return db.overviewGroups(ctx, st, f, t) },
		func() (err error) { st.ReplyWaits, err = db.waits(ctx, "first_reply_at", f, t); return err },
		func() (err error) { st.AckWaits, err = db.waits(ctx, "ack_at", f, t); return err },
		func() error { return db.overviewOutcomes(ctx, st, f, t) },
	}
	for _, p := range parts {
		if err := p(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// overviewGroups counts the cases opened in the period by province,
// nationality and channel. It walks cases_groups in group order (migration
// 00052): SQLite sorts to group otherwise, and sorting the 100,000 cases of
// a quarter was most of the overview's time. The planner prefers the
// created_at range it cannot group from, hence INDEXED BY.
func (db *DB) overviewGroups(ctx context.Context, st *OverviewStats, f, t int64) error {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT c.province, c.nationality, c.channel, count(*)
		FROM cases c INDEXED BY cases_groups
		WHERE c.created_at >= ?1 AND c.created_at < ?2 AND c.merged_into IS NULL
		GROUP BY 1, 2, 3`, f, t)
	if err != nil {
		return fmt.Errorf("store: overview counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var prov, nat, ch string
		var n int
		if err := rows.Scan(&prov, &nat, &ch, &n); err != nil {
			return err
		}
		st.Opened += n
		st.Provinces[orUnknown(prov)] += n
		st.Nationality[orUnknown(nat)] += n
		st.Channel[orUnknown(ch)] += n
	}
	return rows.Err()
}

// overviewOutcomes counts the resolutions of the period by week.
func (db *DB) overviewOutcomes(ctx context.Context, st *OverviewStats, f, t int64) error {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT c.resolution, c.closed_at FROM cases c
		WHERE c.closed_at >= ?1 AND c.closed_at < ?2 AND c.resolution <> '' AND c.merged_into IS NULL`, f, t)
	if err != nil {
		return fmt.Errorf("store: overview outcomes: %w", err)
	}
	defer rows.Close()
	weeks := map[time.Time]map[string]int{}
	for rows.Next() {
		var res string
		var at int64
		if err := rows.Scan(&res, &at); err != nil {
			return err
		}
		w := hotline.WeekStart(fromMS(at))
		if weeks[w] == nil {
			weeks[w] = map[string]int{}
		}
		weeks[w][res]++
	}
	for w, m := range weeks {
		st.Outcomes = append(st.Outcomes, WeekOutcomes{Week: w, Counts: m})
	}
	sort.Slice(st.Outcomes, func(i, j int) bool { return st.Outcomes[i].Week.Before(st.Outcomes[j].Week) })
	return rows.Err()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// waits reads the sorted waits to the milestone in column col.
func (db *DB) waits(ctx context.Context, col string, from, to int64) ([]time.Duration, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT c.`+col+` - COALESCE(c.first_in_at, c.created_at) AS d FROM cases c
		WHERE c.created_at >= ?1 AND c.created_at < ?2 AND c.merged_into IS NULL AND c.`+col+` IS NOT NULL
		ORDER BY d`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: overview waits: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(d)*time.Millisecond)
	}
	return out, rows.Err()
}

// overviewOpen fills the open series. A case is open at t when it was
// created at or before t and not closed by t; it is closed after it was
// created, so open(t) = created by t − closed by t, and both are running
// sums of per-step histograms. Each (urgency, step) cell is a count over
// one range of cases_open_created or cases_open_closed (migration 00052),
// so one query reads every case once and sorts nothing; grouping by a
// computed step instead sorted all the cases.
func (db *DB) overviewOpen(ctx context.Context, st *OverviewStats) error {
	step := hotline.OpenStep(st.From, st.To)
	n := int((st.To.Sub(st.From) + step - 1) / step)
	for k := range n {
		at := st.From.Add(time.Duration(k+1) * step)
		if at.After(st.To) {
			at = st.To
		}
		st.Open = append(st.Open, OpenPoint{At: at.Add(-time.Millisecond)})
	}
	if n <= 0 {
		return nil
	}
	// Step -1 is everything before the period; step k the one ending at
	// Open[k].At.
	rows, err := db.rdb.QueryContext(ctx, `
		WITH RECURSIVE steps(k, lo, hi) AS (
			SELECT -1, -9223372036854775808, ?1
			UNION ALL
			SELECT k + 1, ?1 + (k + 1) * ?3, min(?1 + (k + 2) * ?3, ?2) FROM steps WHERE hi < ?2
		), urgencies(u) AS (VALUES (0), (1), (2), (3), (4))
		SELECT s.k, u.u,
			(SELECT count(*) FROM cases c INDEXED BY cases_open_created
				WHERE c.urgency = u.u AND c.created_at >= s.lo AND c.created_at < s.hi AND c.merged_into IS NULL),
			(SELECT count(*) FROM cases c INDEXED BY cases_open_closed
				WHERE c.urgency = u.u AND c.closed_at >= s.lo AND c.closed_at < s.hi
				AND c.closed_at IS NOT NULL AND c.merged_into IS NULL AND c.created_at < ?2)
		FROM steps s, urgencies u`, ms(st.From), ms(st.To), step.Milliseconds())
	if err != nil {
		return fmt.Errorf("store: overview open: %w", err)
	}
	defer rows.Close()
	delta := make([][5]int, n+1)
	for rows.Next() {
		var k, u, created, closed int
		if err := rows.Scan(&k, &u, &created, &closed); err != nil {
			return err
		}
		if k < -1 || k >= n {
			return fmt.Errorf("store: overview open: step %d of %d", k, n)
		}
		delta[k+1][u] += created - closed
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var run [5]int
	for k := range n + 1 {
		for u := range 5 {
			run[u] += delta[k][u]
		}
		if k > 0 {
			st.Open[k-1].Counts = run
		}
	}
	return nil
}
