package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"hotline"
)

// The third message from a person reads neither their contact nor their
// open case: the second one left both in the writer's cache.
func TestIntakeCacheSkipsTheReads(t *testing.T) {
	db, _ := openTest(t, testOptions())
	// The check that openTest turns on would read both again.
	if err := db.write(context.Background(), func(tx *writeTx) error { tx.verifyIntake = false; return nil }); err != nil {
		t.Fatal(err)
	}
	log := traceWriter(t, db)
	for i := range 3 {
		in := inbound(hotline.SMS, "+85510000123", fmt.Sprintf("SM-cache-%d", i), "help")
		in.Name = "Fictional Name"
		r := record(t, db, in, hotline.Triage{Lang: "en", Urgency: hotline.Urgency(1 + i),
			Reasons: []hotline.Reason{{Signal: fmt.Sprintf("signal-%d", i), Urgency: hotline.Low}}})
		stmts := unitStatements(log.take())
		reads := slices.ContainsFunc(stmts, func(q string) bool {
			return strings.Contains(q, "FROM contacts WHERE") || strings.Contains(q, "FROM cases WHERE contact_id")
		})
		if want := i < 2; reads != want {
			t.Errorf("message %d: reads the contact or case: %v, want %v\n%s", i+1, reads, want, strings.Join(stmts, "\n"))
		}
		if r.NewCase != (i == 0) {
			t.Errorf("message %d: new case %v", i+1, r.NewCase)
		}
	}
	if h := db.Stats().IntakeCacheHits; h != 1 {
		t.Errorf("%d cache hits, want 1", h)
	}
	c, err := db.GetCase(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency != 3 || len(c.Reasons) != 3 {
		t.Errorf("case after three messages: urgency %v, %d reasons, want 3 and 3", c.Urgency, len(c.Reasons))
	}
}

// Intake interleaved at random with everything else that writes contacts
// and cases: staff actions, do-not-contact, guide answers and questions,
// critical cases, duplicates. openTest turns on verifyIntakeCache, so any
// message served from a cache entry that no longer matches the database
// fails its unit, and the test.
func TestIntakeCacheFollowsOtherWrites(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	admin := seedAdmin(t, db)
	rng := rand.New(rand.NewPCG(7, 11))
	phones := []string{"+85510000123", "+85510000124", "+821000001234", "+85510000125"}
	langs := []string{"en", "km", "ko"}
	provinces := []string{"", "Preah Sihanouk", "Banteay Meanchey", "Svay Rieng"}
	var cases []int64
	sent := 0
	for step := range 600 {
		if len(cases) > 0 && rng.IntN(4) == 0 {
			id := cases[rng.IntN(len(cases))]
			var err error
			switch rng.IntN(8) {
			case 0:
				err = db.SetStatus(ctx, admin, id, hotline.StatusInProgress, "", "")
			case 1:
				err = db.SetStatus(ctx, admin, id, hotline.StatusResolved, hotline.Resolutions[0], "fictional reason")
			case 2:
				err = db.OverrideUrgency(ctx, admin, id, hotline.Urgency(1+rng.IntN(3)), "fictional reason")
			case 3:
				err = db.AssignCase(ctx, admin, id, admin.User.ID)
			case 4:
				_, err = db.QueueReply(ctx, admin, hotline.ReplyRequest{CaseID: id, Body: "x", Override: true, OverrideReason: "test"})
			case 5:
				err = db.SetDoNotContact(ctx, hotline.SMS, phones[rng.IntN(len(phones))], rng.IntN(2) == 0)
			case 6:
				err = db.SetDiscreet(ctx, hotline.SMS, phones[rng.IntN(len(phones))], rng.IntN(2) == 0)
			case 7:
				if other := cases[rng.IntN(len(cases))]; other != id {
					err = db.MergeCases(ctx, admin, id, other)
				}
			}
			// Actions on a case that is closed or merged may be refused;
			// what matters here is what they changed when they were not.
			_ = err
			continue
		}
		in := inbound(hotline.SMS, phones[rng.IntN(len(phones))], fmt.Sprintf("SM-mix-%d", step), "fictional text")
		if rng.IntN(10) == 0 && sent > 0 {
			in.ExternalID = fmt.Sprintf("SM-mix-%d", rng.IntN(step)) // a retry, or an id never used
		}
		if rng.IntN(4) == 0 {
			in.Name = fmt.Sprintf("Fictional %d", rng.IntN(3))
		}
		if rng.IntN(5) == 0 {
			in.SafeToContact = ptr(rng.IntN(2) == 0)
		}
		tr := hotline.Triage{Lang: langs[rng.IntN(len(langs))], Urgency: hotline.Urgency(rng.IntN(5))}
		tr.Location.Province = provinces[rng.IntN(len(provinces))]
		if rng.IntN(3) == 0 {
			tr.Reasons = []hotline.Reason{{Signal: fmt.Sprintf("signal-%d", rng.IntN(6)), Urgency: tr.Urgency}}
		}
		if rng.IntN(4) == 0 {
			tr.Entities = []hotline.Entity{{Kind: "company", Value: fmt.Sprintf("Fictional Co %d", rng.IntN(4))}}
		}
		if rng.IntN(5) == 0 {
			tr.Location.Place = fmt.Sprintf("building %d", rng.IntN(3))
			tr.Location.Country = "KH"
		}
		if rng.IntN(6) == 0 {
			in.Lat, in.Lon = ptr(10.6+rng.Float64()/10), ptr(103.5+rng.Float64()/10)
			tr.Location.Lat, tr.Location.Lon = in.Lat, in.Lon
		}
		tr.Reporter = []hotline.Reporter{hotline.ReporterUnknown, hotline.ReporterSelf, hotline.ReporterFamily}[rng.IntN(3)]
		var r hotline.Receipt
		var err error
		if rng.IntN(2) == 0 {
			r, err = db.RecordInbound(ctx, in, tr, func(hotline.Receipt) string { return "ok" })
		} else {
			r, err = db.RecordInboundGuided(ctx, in, tr, func(hotline.Receipt, hotline.GuideState) (string, hotline.GuideStep) {
				switch rng.IntN(4) {
				case 0:
					return "ok", hotline.GuideStep{Ask: "people", Question: "how many?"}
				case 1:
					return "ok", hotline.GuideStep{Answered: "people", Value: fmt.Sprint(1 + rng.IntN(4))}
				case 2:
					return "ok", hotline.GuideStep{Answered: "safe", Value: "yes"}
				}
				return "ok", hotline.GuideStep{}
			})
		}
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		sent++
		if !slices.Contains(cases, r.CaseID) {
			cases = append(cases, r.CaseID)
		}
	}
	if h := db.Stats().IntakeCacheHits; h < 50 {
		t.Errorf("only %d cache hits in %d messages: the test checks too little", h, sent)
	}
}

// A batch that fails part way is rolled back and run again unit by unit;
// what its first run left in the cache must not survive the rollback.
func TestIntakeCacheForgetsARolledBackBatch(t *testing.T) {
	db, _ := openTest(t, testOptions())
	for i := range 2 {
		record(t, db, inbound(hotline.SMS, "+85510000123", fmt.Sprintf("SM-x-%d", i), "x"), hotline.Triage{Urgency: hotline.Low})
	}
	// Held by a unit that counts as intake's, which keeps the cache.
	started, hold := make(chan struct{}), make(chan struct{})
	go db.writeIntake(context.Background(), func(*writeTx) error { close(started); <-hold; return nil })
	<-started
	ins := []hotline.Inbound{
		inbound(hotline.SMS, "+85510000123", "SM-x-2", "x"), // served from the cache
		inbound(hotline.SMS, "+85510000124", "SM-y", "y"),
		inbound(hotline.SMS, "+85510000124", "SM-y", "y"), // fails the straight run
	}
	errs := make([]error, len(ins))
	var wg sync.WaitGroup
	for i, in := range ins {
		wg.Go(func() {
			_, errs[i] = db.RecordInbound(context.Background(), in, hotline.Triage{Urgency: hotline.High}, nil)
		})
		waitQueued(t, db, i+1)
	}
	close(hold)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	// One hit, in the straight run: the careful run had to read the
	// person again (the rolled-back run's entry would have failed
	// verifyIntakeCache), and its failing unit dropped the cache as well.
	if s := db.Stats(); s.Reruns != 1 || s.IntakeCacheHits != 1 {
		t.Errorf("stats %+v: want one rerun and one cache hit", s)
	}
	// And intake goes on using the cache, checked, from the stored state.
	for _, id := range []string{"SM-x-3", "SM-x-4"} {
		record(t, db, inbound(hotline.SMS, "+85510000123", id, "x"), hotline.Triage{})
	}
	if h := db.Stats().IntakeCacheHits; h != 2 {
		t.Errorf("%d cache hits, want 2", h)
	}
}
