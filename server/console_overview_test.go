package server

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hotline"
	"hotline/internal/seal"
	"hotline/store"
)

// manualClock is a clock the test sets.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestOverviewTimesByHand checks the time figures against an example
// worked out by hand. Five cases open an hour apart on 2025-03-03 (a
// Monday); staff first reply after 10, 20, 30, 40 and 100 minutes, and
// responders acknowledge three of them after 1 h, 2 h and 5 h.
//
//	reply: sorted 10 20 30 40 100 min; median = rank ceil(0.5·5) = 3rd = 30m,
//	       p90 = rank ceil(0.9·5) = 5th = 100m
//	ack:   sorted 1 2 5 h; median = rank ceil(0.5·3) = 2nd = 2h,
//	       p90 = rank ceil(0.9·3) = 3rd = 5h
//
// Two of them are resolved on Wednesday 2025-03-05 (rescued, safe), so
// the week of Monday 2025-03-03 has one of each; the other three are open
// at the end of every day from 03-03 on, and none is open before.
func TestOverviewTimesByHand(t *testing.T) {
	clk := &manualClock{}
	t0 := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	clk.Set(t0)
	opts := store.DefaultOptions()
	opts.Now, opts.Keys = clk.Now, seal.Generate()
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "ada", hotline.RoleAdmin, "x")
	if err != nil {
		t.Fatal(err)
	}
	ada := hotline.Staff{User: u}
	org, err := db.CreateOrganisation(ctx, ada, "Police")
	if err != nil {
		t.Fatal(err)
	}
	replies := []time.Duration{10 * time.Minute, 100 * time.Minute, 30 * time.Minute, 40 * time.Minute, 20 * time.Minute}
	acks := map[int]time.Duration{0: 5 * time.Hour, 2: time.Hour, 4: 2 * time.Hour}
	var ids []int64
	for i, d := range replies {
		first := t0.Add(time.Duration(i) * time.Hour)
		clk.Set(first)
		r, err := db.RecordInbound(ctx, hotline.Inbound{Channel: hotline.SMS, From: "+85510000" + string(rune('1'+i)) + "00",
			ExternalID: "hand-" + string(rune('a'+i)), Body: "help", ReceivedAt: first},
			hotline.Triage{Urgency: hotline.High, Lang: "en"}, func(hotline.Receipt) string { return "auto ack" })
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.CaseID)
		if _, err := db.HandOff(ctx, ada, r.CaseID, org.ID, []string{"location"}, ""); err != nil {
			t.Fatal(err)
		}
		clk.Set(first.Add(d))
		if _, err := db.QueueReply(ctx, ada, hotline.ReplyRequest{CaseID: r.CaseID, Body: "we read you", Override: true, OverrideReason: "test"}); err != nil {
			t.Fatal(err)
		}
		if a, ok := acks[i]; ok {
			clk.Set(first.Add(a))
			if err := db.AcknowledgeHandoffs(ctx, hotline.Staff{User: hotline.User{ID: u.ID, Name: "ada", Role: hotline.RoleResponder}, OrganisationID: org.ID}, r.CaseID); err != nil {
				t.Fatal(err)
			}
		}
	}
	clk.Set(time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC))
	for i, res := range map[int]string{1: hotline.ResolvedRescued, 3: hotline.ResolvedSafe} {
		if err := db.SetStatus(ctx, ada, ids[i], hotline.StatusResolved, res, "done"); err != nil {
			t.Fatal(err)
		}
	}
	from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 8, 0, 0, 0, 0, time.UTC)
	facts, err := db.CaseFacts(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := db.Overview(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	st := overviewFrom(raw)
	if st.Opened != 5 {
		t.Fatalf("opened %d", st.Opened)
	}
	if st.Reply != (durStats{N: 5, Median: 30 * time.Minute, P90: 100 * time.Minute}) {
		t.Errorf("reply %+v, want median 30m, p90 100m", st.Reply)
	}
	if st.Ack != (durStats{N: 3, Median: 2 * time.Hour, P90: 5 * time.Hour}) {
		t.Errorf("ack %+v, want median 2h, p90 5h", st.Ack)
	}
	if fmtDur(st.Reply.P90) != "1h 40m" {
		t.Errorf("p90 written %q", fmtDur(st.Reply.P90))
	}
	// Open high cases at the end of each day: 0, 0, 5 (03-03), 5 (03-04), then 3.
	want := []int{0, 0, 5, 5, 3, 3, 3}
	if len(st.Open) != len(want) {
		t.Fatalf("%d points", len(st.Open))
	}
	for i, w := range want {
		if got := st.Open[i].Counts[hotline.High]; got != w {
			t.Errorf("%s: %d open, want %d", st.Open[i].At.Format(time.DateOnly), got, w)
		}
	}
	week := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	if len(st.Outcomes) != 1 || !st.Outcomes[0].Week.Equal(week) ||
		st.Outcomes[0].Counts[hotline.ResolvedRescued] != 1 || st.Outcomes[0].Counts[hotline.ResolvedSafe] != 1 {
		t.Errorf("outcomes %+v", st.Outcomes)
	}
	// The cases behind a figure are the ones it counts: the store's SQL
	// and the drill-down's rules agree on every figure.
	behind := func(q drill) (n int) {
		for _, f := range facts {
			if q.match(f) {
				n++
			}
		}
		return n
	}
	if n := behind(drill{From: from, To: to, Dim: "open_at", Key: "high", At: st.Open[4].At}); n != 3 {
		t.Errorf("open_at drill %d", n)
	}
	if n := behind(drill{From: from, To: to, Dim: "ack"}); n != 3 {
		t.Errorf("ack drill %d", n)
	}
	if n := behind(drill{From: from, To: to, Dim: "outcome", Key: hotline.ResolvedRescued, At: week}); n != 1 {
		t.Errorf("outcome drill %d", n)
	}
	if n := behind(drill{From: from, To: to, Dim: "nationality", Key: "KH"}); n != 5 {
		t.Errorf("nationality drill %d", n)
	}
	for _, pt := range st.Open {
		for u := hotline.Low; u <= hotline.Critical; u++ {
			if n := behind(drill{From: from, To: to, Dim: "open_at", Key: u.String(), At: pt.At}); n != pt.Counts[u] {
				t.Errorf("%v %s: figure %d, list %d", pt.At, u, pt.Counts[u], n)
			}
		}
	}
	if n := behind(drill{From: from, To: to, Dim: "reply"}); n != st.Reply.N {
		t.Errorf("reply figure %d, list %d", st.Reply.N, n)
	}
}
