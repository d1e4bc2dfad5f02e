package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hotline"
)

// seedCases makes n cases with mixed urgency, province, language and status;
// some share a waiting_since so the id tie-break matters, and some get a
// second message that raises urgency and moves last_inbound_at but not
// waiting_since (they were still waiting), and some are answered by staff.
func seedCases(t *testing.T, db *DB, n int) []*hotline.Case {
	t.Helper()
	ctx := context.Background()
	provinces := []string{"Preah Sihanouk", "Svay Rieng", "Banteay Meanchey", "Phnom Penh", ""}
	langs := []string{"km", "ko", "en"}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for i := range n {
		in := inbound(hotline.SMS, fmt.Sprintf("+855100%05d", i), fmt.Sprintf("SM%d", i), "x")
		in.ReceivedAt = base.Add(time.Duration(i/3) * time.Second)              // three cases per instant
		tr := hotline.Triage{Lang: langs[i%3], Urgency: hotline.Urgency(i % 5), // includes unknown
			Location: hotline.Location{Country: "KH", Province: provinces[i%len(provinces)]}}
		r := record(t, db, in, tr)
		ids = append(ids, r.CaseID)
		if i%7 == 0 {
			in.ExternalID += "b"
			in.ReceivedAt = in.ReceivedAt.Add(time.Hour)
			record(t, db, in, hotline.Triage{Urgency: hotline.High})
		}
	}
	// Staff answer every fifth case (it goes behind those still waiting);
	// every tenth writes again later and waits since then.
	for i, id := range ids {
		if i%5 != 0 {
			continue
		}
		if _, err := db.QueueReply(ctx, hotline.Staff{User: hotline.User{Name: "fictional agent"}}, hotline.ReplyRequest{
			CaseID: id, Body: "x", Override: true, OverrideReason: "test"}); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			in := inbound(hotline.SMS, fmt.Sprintf("+855100%05d", i), fmt.Sprintf("SM%dc", i), "x")
			in.ReceivedAt = base.Add(9*time.Hour + time.Duration(i/3)*time.Second)
			record(t, db, in, hotline.Triage{})
		}
	}
	if _, err := writeExec(db, `UPDATE cases SET status = 'closed' WHERE id % 11 = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := writeExec(db, `UPDATE cases SET status = 'in_progress' WHERE id % 13 = 0 AND status = 'new'`); err != nil {
		t.Fatal(err)
	}
	var all []*hotline.Case
	for _, id := range ids {
		c, err := db.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *hotline.Case) int {
		if a.Urgency != b.Urgency {
			return int(b.Urgency) - int(a.Urgency)
		}
		if c := a.WaitingSince.Compare(b.WaitingSince); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return all
}

func TestListCasesPagesInQueueOrder(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	ctx := context.Background()
	all := seedCases(t, db, 300)
	filters := []struct {
		name string
		f    hotline.CaseFilter
		keep func(*hotline.Case) bool
	}{
		{"all", hotline.CaseFilter{}, func(*hotline.Case) bool { return true }},
		{"open", hotline.CaseFilter{Status: StatusOpen}, func(c *hotline.Case) bool { return c.Status != hotline.StatusClosed }},
		{"closed", hotline.CaseFilter{Status: hotline.StatusClosed}, func(c *hotline.Case) bool { return c.Status == hotline.StatusClosed }},
		{"high", hotline.CaseFilter{Urgency: hotline.High}, func(c *hotline.Case) bool { return c.Urgency == hotline.High }},
		{"province", hotline.CaseFilter{Province: "Svay Rieng"}, func(c *hotline.Case) bool { return c.Location.Province == "Svay Rieng" }},
		{"lang+status", hotline.CaseFilter{Lang: "ko", Status: hotline.StatusNew},
			func(c *hotline.Case) bool { return c.Lang == "ko" && c.Status == hotline.StatusNew }},
	}
	for _, tc := range filters {
		for _, limit := range []int{1, 7, 50, 500} {
			if limit == 1 && tc.name != "high" {
				continue // one row a page is slow to walk; once is enough
			}
			t.Run(fmt.Sprintf("%s/limit=%d", tc.name, limit), func(t *testing.T) {
				var want []int64
				for _, c := range all {
					if tc.keep(c) {
						want = append(want, c.ID)
					}
				}
				if len(want) == 0 {
					t.Fatal("filter matches nothing; the seed is wrong")
				}
				f := tc.f
				f.Limit = limit
				var got []int64
				for pages := 0; ; pages++ {
					if pages > len(all) {
						t.Fatal("pagination does not end")
					}
					p, err := db.ListCases(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Cases) > limit {
						t.Fatalf("page of %d, limit %d", len(p.Cases), limit)
					}
					for _, c := range p.Cases {
						got = append(got, c.ID)
					}
					if p.NextCursor == "" {
						break
					}
					f.Cursor = p.NextCursor
				}
				if !slices.Equal(got, want) {
					t.Errorf("got %d ids, want %d\ngot  %v\nwant %v", len(got), len(want), got, want)
				}
			})
		}
	}
}

func TestListCasesMasksAndFillsFields(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	in := inbound(hotline.SMS, "+85510000678", "SM1", "x")
	in.ReceivedAt = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	record(t, db, in, hotline.Triage{Lang: "km", Urgency: hotline.Critical,
		Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk", Lat: ptr(10.63), Lon: ptr(103.52)},
		Reasons:  []hotline.Reason{{Signal: "violence", Match: "x", Urgency: hotline.Critical}}})
	p, err := db.ListCases(context.Background(), hotline.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) != 1 || p.NextCursor != "" {
		t.Fatalf("page %+v", p)
	}
	c := p.Cases[0]
	if c.Contact != "+855 •••• 678" || strings.Contains(c.Contact, "10000") {
		t.Errorf("contact %q not masked", c.Contact)
	}
	if c.Urgency != hotline.Critical || c.Location.Lat == nil || *c.Location.Lat != 10.63 || c.Lang != "km" ||
		len(c.Reasons) != 1 || !c.LastInboundAt.Equal(in.ReceivedAt) || !c.WaitingSince.Equal(in.ReceivedAt) ||
		!c.Waiting || c.Messages != nil {
		t.Errorf("case %+v", c)
	}
}

func TestListCasesRejectsBadInput(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	for _, f := range []hotline.CaseFilter{
		{Limit: -1}, {Limit: 501}, {Cursor: "not base64!"}, {Cursor: "bm9wZQ"}, // "nope"
		{Cursor: (cursor{urgency: 1, waitingSinceMS: 5, id: 0}).encode()},
		// A cursor from when the queue was ordered by last_inbound_at.
		{Cursor: base64.RawURLEncoding.EncodeToString([]byte("1.5.3"))},
		{Status: "deleted"}, {Urgency: 9},
	} {
		if _, err := db.ListCases(context.Background(), f); hotline.ErrorCode(err) != hotline.EINVALID {
			t.Errorf("%+v: err %v, want EINVALID", f, err)
		}
	}
	if p, err := db.ListCases(context.Background(), hotline.CaseFilter{Limit: 500}); err != nil || len(p.Cases) != 0 {
		t.Errorf("limit 500 on empty db: %+v %v", p, err)
	}
}

func TestGetCaseUnknown(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
	if _, err := db.GetCase(context.Background(), 42); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("err %v", err)
	}
}
