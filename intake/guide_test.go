package intake_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hotline"
	"hotline/intake"
	"hotline/internal/seal"
	"hotline/locales"
	"hotline/store"
)

// newGuided is a pipeline with the guide on, the real locale questions and
// a real store.
func newGuided(t *testing.T, org string) (*intake.Pipeline, *store.DB) {
	return newGuidedMode(t, org, intake.AckFirst)
}

func newGuidedMode(t *testing.T, org string, mode intake.AckMode) (*intake.Pipeline, *store.DB) {
	t.Helper()
	opts := store.DefaultOptions()
	opts.Keys = seal.Generate()
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return intake.New(db, intake.Options{Ack: mode, Texts: texts{}, Guide: intake.NewGuide(db, locales.GuideTexts{}), OrgName: org}), db
}

// say sends one message and returns the inline reply.
func say(t *testing.T, p *intake.Pipeline, ch hotline.Channel, id, from, body string) hotline.Receipt {
	t.Helper()
	r, err := p.Receive(context.Background(), hotline.Inbound{Channel: ch, ExternalID: id, From: from, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func outbound(t *testing.T, db *store.DB, caseID int64) []hotline.Message {
	t.Helper()
	c, err := db.GetCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hotline.Message
	for _, m := range c.Messages {
		if m.Direction == hotline.DirOut {
			out = append(out, m)
		}
	}
	return out
}

func TestGuideKoreanLocationQuestionOnceThenMapLink(t *testing.T) {
	p, db := newGuided(t, "")
	ctx := context.Background()
	const from = "+821000001234"
	askLoc := locales.T("ko", "guide.ask.location", nil)

	r1 := say(t, p, hotline.SMS, "SMk1", from, "아들이 여권을 뺏겼어요. 도와주세요")
	if !strings.HasPrefix(r1.Reply, "ko:ack:"+r1.CaseRef) || !strings.HasSuffix(r1.Reply, askLoc) {
		t.Fatalf("first reply %q: want the Korean ack and the Korean location question", r1.Reply)
	}
	// An answer with a map link sets the case location; the next question
	// (is it safe to reply) follows, and location is never asked again.
	r2 := say(t, p, hotline.SMS, "SMk2", from, "여기예요 https://maps.google.com/?q=10.6272,103.5225")
	if strings.Contains(r2.Reply, askLoc) || r2.Reply != locales.T("ko", "guide.ask.safe", nil) {
		t.Fatalf("second reply %q, want only the safety question", r2.Reply)
	}
	c, err := db.GetCase(ctx, r1.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.Lat == nil || c.Location.Province != "Preah Sihanouk" {
		t.Fatalf("case location %+v, want the map link's point in Preah Sihanouk", c.Location)
	}
	r3 := say(t, p, hotline.SMS, "SMk3", from, "네")
	if r3.Reply != locales.T("ko", "guide.ask.people", nil) {
		t.Fatalf("third reply %q, want the people question", r3.Reply)
	}
	r4 := say(t, p, hotline.SMS, "SMk4", from, "세 명이에요")
	if r4.Reply != "" {
		t.Fatalf("fourth reply %q: nothing left to ask, and acks go to the first message only", r4.Reply)
	}
	if n, err := db.PeopleCount(ctx, r1.CaseID); err != nil || n != 3 {
		t.Fatalf("people count %d (%v), want 3", n, err)
	}
	_, _, _, safe, err := db.ContactSafety(ctx, hotline.SMS, from)
	if err != nil || safe == nil || !*safe {
		t.Fatalf("safe_to_contact %v (%v), want true", safe, err)
	}
	r5 := say(t, p, hotline.SMS, "SMk5", from, "아직 여기 있어요")
	if r5.Reply != "" {
		t.Fatalf("after every item: reply %q", r5.Reply)
	}
	// Each question exactly once on the case.
	seen := map[string]int{}
	for _, m := range outbound(t, db, r1.CaseID) {
		seen[m.Body]++
	}
	for _, item := range []string{"location", "safe", "people"} {
		if q := locales.T("ko", "guide.ask."+item, nil); seen[q] != 1 {
			t.Errorf("question %s asked %d times", item, seen[q])
		}
	}
}

func TestGuideSkipsWhatTheMessageAlreadySays(t *testing.T) {
	p, _ := newGuided(t, "")
	r := say(t, p, hotline.SMS, "SMe1", "+85510000201", "I am locked in a room in Bavet, they took my passport")
	if want := "en:ack:" + r.CaseRef + "\n" + locales.T("en", "guide.ask.safe", nil); r.Reply != want {
		t.Fatalf("reply %q, want %q", r.Reply, want)
	}
}

func TestGuideStopEndsAllMessages(t *testing.T) {
	p, db := newGuided(t, "")
	const from = "+85510000202"
	r1 := say(t, p, hotline.SMS, "SMs1", from, "help me please")
	if !strings.Contains(r1.Reply, locales.T("en", "guide.ask.location", nil)) {
		t.Fatalf("first reply %q", r1.Reply)
	}
	if r := say(t, p, hotline.SMS, "SMs2", from, "STOP"); r.Reply != "en:stopped" {
		t.Fatalf("STOP reply %q, want the one confirmation", r.Reply)
	}
	for i, body := range []string{"I am in Poipet", "yes", "3", "STOP", "hello?"} {
		if r := say(t, p, hotline.SMS, "SMs3"+string(rune('a'+i)), from, body); r.Reply != "" {
			t.Fatalf("after STOP, %q got reply %q", body, r.Reply)
		}
	}
	if n := len(outbound(t, db, r1.CaseID)); n != 3 {
		t.Fatalf("%d outbound messages, want 3 (ack, question, stop confirmation)", n)
	}
}

func TestGuideSilenceWhenNotSafe(t *testing.T) {
	for _, tc := range []struct{ label, lang, first, answer string }{
		{"English no", "en", "please help, they beat us in Bavet", "no"},
		{"Korean don't reply", "ko", "살려주세요 바벳에 갇혀 있어요", "답장하지 마세요"},
		{"Khmer don't reply", "km", "ជួយខ្ញុំផង ខ្ញុំនៅបាវិត", "កុំឆ្លើយតប"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			p, db := newGuided(t, "")
			from := "+85510000303"
			r1 := say(t, p, hotline.SMS, "SMn1", from, tc.first)
			if !strings.Contains(r1.Reply, locales.T(tc.lang, "guide.ask.safe", nil)) {
				t.Fatalf("first reply %q, want the %s safety question", r1.Reply, tc.lang)
			}
			if r := say(t, p, hotline.SMS, "SMn2", from, tc.answer); r.Reply != "" {
				t.Fatalf("answer %q got reply %q", tc.answer, r.Reply)
			}
			if r := say(t, p, hotline.SMS, "SMn3", from, "there are 4 of us"); r.Reply != "" {
				t.Fatalf("after not-safe: reply %q", r.Reply)
			}
			_, _, _, safe, err := db.ContactSafety(context.Background(), hotline.SMS, from)
			if err != nil || safe == nil || *safe {
				t.Fatalf("safe_to_contact %v (%v), want false", safe, err)
			}
		})
	}
}

func TestGuideDiscreetAndOrgName(t *testing.T) {
	p, db := newGuidedMode(t, "", intake.AckEvery)
	ctx := context.Background()
	say(t, p, hotline.Telegram, "1", "700301", "hello")
	if err := db.SetDiscreet(ctx, hotline.Telegram, "700301", true); err != nil {
		t.Fatal(err)
	}
	// The acknowledgement is now the bare reference, and no question is
	// asked.
	r := say(t, p, hotline.Telegram, "2", "700301", "I need help again")
	if r.Reply != r.CaseRef || r.CaseRef == "" {
		t.Fatalf("discreet reply %q, want only %q", r.Reply, r.CaseRef)
	}

	p2, _ := newGuided(t, "Example Desk")
	r2 := say(t, p2, hotline.SMS, "SMo1", "+85510000404", "help, Poipet")
	if !strings.HasPrefix(r2.Reply, "Example Desk: en:ack:") {
		t.Fatalf("reply %q should open with the configured name", r2.Reply)
	}
}

func TestGuideQuestionsOnlyInline(t *testing.T) {
	p, db := newGuided(t, "")
	from := "+85510000505"
	say(t, p, hotline.SMS, "SMw1", from, "help")
	say(t, p, hotline.SMS, "SMw2", from, "I am in Poipet")
	// Nothing was queued: no outbox row, and every outbound message was
	// an inline reply made at the moment its inbound message arrived.
	entries, err := db.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("%d outbox rows; the guide must never queue", len(entries))
	}
	c := firstCase(t, db)
	full, _ := db.GetCase(context.Background(), c)
	var lastIn time.Time
	for _, m := range full.Messages {
		if m.Direction == hotline.DirIn {
			lastIn = m.CreatedAt
			continue
		}
		if m.Status != "replied_inline" || m.CreatedAt.Sub(lastIn) > time.Minute {
			t.Errorf("outbound %q status %s at %v, last inbound %v", m.Body, m.Status, m.CreatedAt, lastIn)
		}
	}
	// With no new message, nothing more can happen: the guide has no timer.
}

func TestGuideNotOnWebOrVoice(t *testing.T) {
	p, db := newGuided(t, "")
	r := say(t, p, hotline.Web, "form-1", "web:abc", "my son is missing")
	if r.Reply != "" {
		t.Fatalf("web reply %q", r.Reply)
	}
	r, err := p.Receive(context.Background(), hotline.Inbound{Channel: hotline.Voice, ExternalID: "RE1", From: "+85510000606",
		Media: []hotline.Media{{URL: "https://api.twilio.com/rec/RE1", ContentType: "audio/wav"}}, Meta: map[string]string{"danger": "pressed", "lang": "km"}})
	if err != nil || r.Reply != "" {
		t.Fatalf("voice reply %q (%v)", r.Reply, err)
	}
	c, _ := db.GetCase(context.Background(), r.CaseID)
	if c.Urgency < hotline.High || c.Lang != "km" || len(outbound(t, db, r.CaseID)) != 0 {
		t.Fatalf("voice case urgency %s lang %q, outbound %d", c.Urgency, c.Lang, len(outbound(t, db, r.CaseID)))
	}
}

func firstCase(t *testing.T, db *store.DB) int64 {
	t.Helper()
	page, err := db.ListCases(context.Background(), hotline.CaseFilter{Limit: 10, Status: hotline.StatusOpen})
	if err != nil || len(page.Cases) == 0 {
		t.Fatalf("no case (%v)", err)
	}
	return page.Cases[0].ID
}
