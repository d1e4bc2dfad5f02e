package intake_test

import (
	"context"
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

// rerunStore calls every acknowledgement and guided reply twice, as the
// store's writer does when a unit in the same batch fails and the batch
// runs again (store/writer.go, commit).
type rerunStore struct{ *store.DB }

func (s rerunStore) RecordInbound(ctx context.Context, in hotline.Inbound, t hotline.Triage, ack hotline.AckFunc) (hotline.Receipt, error) {
	return s.DB.RecordInbound(ctx, in, t, func(r hotline.Receipt) string {
		ack(r)
		return ack(r)
	})
}

func (s rerunStore) RecordInboundGuided(ctx context.Context, in hotline.Inbound, t hotline.Triage, reply hotline.ReplyFunc) (hotline.Receipt, error) {
	return s.DB.RecordInboundGuided(ctx, in, t, func(r hotline.Receipt, st hotline.GuideState) (string, hotline.GuideStep) {
		reply(r, st)
		return reply(r, st)
	})
}

// TestReplyLimitChargedOncePerMessage: a unit run twice is one reply, so
// a contact allowed two replies gets them for its first two messages.
func TestReplyLimitChargedOncePerMessage(t *testing.T) {
	for _, guided := range []bool{false, true} {
		t.Run(fmt.Sprint("guided=", guided), func(t *testing.T) {
			opts := store.DefaultOptions()
			opts.Keys = seal.Generate()
			db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			o := intake.Options{Ack: intake.AckEvery, Texts: texts{},
				Replies: intake.NewReplyLimit(2, time.Hour), Now: func() time.Time { return now }}
			if guided {
				o.Guide = intake.NewGuide(db, locales.GuideTexts{})
			}
			p := intake.New(rerunStore{db}, o)
			ch := hotline.SMS
			if guided {
				ch = hotline.Telegram
			}
			const from = "+85510000778"
			var got []bool
			for i := range 3 {
				r := say(t, p, ch, fmt.Sprint("m", i), from, "are you there")
				got = append(got, r.Reply != "")
			}
			if want := []bool{true, true, false}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("replied %v, want %v", got, want)
			}
		})
	}
}
