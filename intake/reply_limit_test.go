package intake_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"hotline"
	"hotline/intake"
	"hotline/internal/seal"
	"hotline/locales"
	"hotline/store"
)

func TestReplyLimitWindow(t *testing.T) {
	l := intake.NewReplyLimit(2, time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got := []bool{
		l.Allow(hotline.SMS, "+85510000123", t0),
		l.Allow(hotline.SMS, "+85510000123", t0.Add(time.Second)),
		l.Allow(hotline.SMS, "+85510000123", t0.Add(2*time.Second)),
		l.Allow(hotline.WhatsApp, "+85510000123", t0.Add(2*time.Second)), // another contact: its own budget
		l.Allow(hotline.SMS, "+85510000123", t0.Add(time.Minute)),        // a new window
	}
	want := []bool{true, true, false, true, true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Allow = %v, want %v", got, want)
	}
	if !intake.NewReplyLimit(0, time.Minute).Allow(hotline.SMS, "+85510000123", t0) {
		t.Error("a zero limit refused a reply")
	}
}

// TestGuidedRepliesLimited: past the limit a guided contact gets neither
// acknowledgement nor question, the message is still stored, and the
// question not sent is not recorded as asked, so it comes with a later
// message once the window allows.
func TestGuidedRepliesLimited(t *testing.T) {
	opts := store.DefaultOptions()
	opts.Keys = seal.Generate()
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := intake.New(db, intake.Options{Ack: intake.AckEvery, Texts: texts{}, Guide: intake.NewGuide(db, locales.GuideTexts{}),
		Replies: intake.NewReplyLimit(1, time.Hour), Now: func() time.Time { return now }})
	const from = "+85510000777"
	first := say(t, p, hotline.Telegram, "tg1", from, "help me please")
	if first.Reply == "" {
		t.Fatal("first message got no reply")
	}
	asked := len(outbound(t, db, first.CaseID))
	second := say(t, p, hotline.Telegram, "tg2", from, "are you there")
	if second.Reply != "" {
		t.Errorf("second message past the limit got a reply: %q", second.Reply)
	}
	if n := len(outbound(t, db, first.CaseID)); n != asked {
		t.Errorf("outbound messages %d after a limited reply, want %d (nothing recorded as asked)", n, asked)
	}
	c, err := db.GetCase(t.Context(), first.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	in := 0
	for _, m := range c.Messages {
		if m.Direction == hotline.DirIn {
			in++
		}
	}
	if in != 2 {
		t.Errorf("%d inbound messages stored, want 2", in)
	}
	now = now.Add(2 * time.Hour)
	third := say(t, p, hotline.Telegram, "tg3", from, "still here")
	if third.Reply == "" {
		t.Error("no reply once the window was over")
	}
}
