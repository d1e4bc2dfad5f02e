package intake_test

import (
	"strings"
	"testing"

	"hotline"
	"hotline/intake"
	"hotline/locales"
)

// TestGuideTurnIsOneUnit checks the point of the one-commit path: a message
// that is acknowledged, answers a question and is asked the next one costs
// the writer one unit of work, not two.
func TestGuideTurnIsOneUnit(t *testing.T) {
	p, db := newGuided(t, "")
	units := func() float64 { return db.CommitMetrics().BatchSize.Sum }
	from := "+85510000707"
	u0 := units()
	r1 := say(t, p, hotline.SMS, "SMu1", from, "help me please")
	if !strings.Contains(r1.Reply, "\n") {
		t.Fatalf("first reply %q, want the acknowledgement and a question", r1.Reply)
	}
	u1 := units()
	r2 := say(t, p, hotline.SMS, "SMu2", from, "I am in Poipet")
	if r2.Reply == "" {
		t.Fatal("no next question after an answer")
	}
	if u1-u0 != 1 || units()-u1 != 1 {
		t.Fatalf("units per guided message: %v and %v, want 1 each", u1-u0, units()-u1)
	}
	if n := len(outbound(t, db, r1.CaseID)); n != 3 {
		t.Fatalf("%d outbound messages recorded, want the acknowledgement and two questions", n)
	}
}

// TestGuideDuplicateNoSecondTurn checks that a provider's retry of a guided
// message, which answered a question and was asked the next, gets no reply
// and records neither the answer's question again nor a new one.
func TestGuideDuplicateNoSecondTurn(t *testing.T) {
	p, db := newGuided(t, "")
	from := "+821000001234"
	r1 := say(t, p, hotline.SMS, "SMd1", from, "아들이 여권을 뺏겼어요. 도와주세요")
	if r1.Reply == "" {
		t.Fatal("no reply to the first message")
	}
	r2 := say(t, p, hotline.SMS, "SMd2", from, "여기예요 https://maps.google.com/?q=10.6272,103.5225")
	if r2.Reply == "" || r2.Duplicate {
		t.Fatalf("answer: %+v, want the next question", r2)
	}
	before := len(outbound(t, db, r1.CaseID))
	again := say(t, p, hotline.SMS, "SMd2", from, "여기예요 https://maps.google.com/?q=10.6272,103.5225")
	if !again.Duplicate || again.Reply != "" || again.CaseID != r1.CaseID {
		t.Fatalf("retry: %+v, want a duplicate of case %d with no reply", again, r1.CaseID)
	}
	if n := len(outbound(t, db, r1.CaseID)); n != before {
		t.Fatalf("retry recorded %d outbound messages, want none", n-before)
	}
}

// TestGuideNeedsGuidedStore checks that a guide on a store that cannot take
// the guide's step into the message's commit is refused at wiring time.
func TestGuideNeedsGuidedStore(t *testing.T) {
	_, db := newGuided(t, "")
	type plainStore struct{ hotline.IntakeStore }
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted a guide on a store without RecordInboundGuided")
		}
	}()
	intake.New(plainStore{db}, intake.Options{Texts: texts{}, Guide: intake.NewGuide(db, locales.GuideTexts{})})
}
