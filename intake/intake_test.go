package intake_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/intake"
	"hotline/internal/seal"
	"hotline/store"
)

type texts struct{}

func (texts) Ack(lang, ref string) string { return lang + ":ack:" + ref }
func (texts) Stopped(lang string) string  { return lang + ":stopped" }

func newPipeline(t *testing.T, mode intake.AckMode) (*intake.Pipeline, *store.DB) {
	t.Helper()
	opts := store.DefaultOptions()
	opts.Keys = seal.Generate()
	db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return intake.New(db, intake.Options{Ack: mode, Texts: texts{}}), db
}

func msg(id, from, body string) hotline.Inbound {
	return hotline.Inbound{Channel: hotline.SMS, ExternalID: id, From: from, Body: body}
}

func TestAcknowledgementModes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		mode          intake.AckMode
		first, second bool // whether each message gets a reply
	}{
		{intake.AckFirst, true, false},
		{intake.AckEvery, true, true},
		{intake.AckOff, false, false},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			p, db := newPipeline(t, tc.mode)
			r1, err := p.Receive(ctx, msg("SM1", "+85510000901", "I am locked in a room in Bavet"))
			if err != nil {
				t.Fatal(err)
			}
			if got := r1.Reply != ""; got != tc.first {
				t.Errorf("first message reply %q, want reply=%v", r1.Reply, tc.first)
			}
			if tc.first && r1.Reply != "en:ack:"+r1.CaseRef {
				t.Errorf("reply %q should be the English ack with ref %s", r1.Reply, r1.CaseRef)
			}
			r2, err := p.Receive(ctx, msg("SM2", "+85510000901", "please answer"))
			if err != nil {
				t.Fatal(err)
			}
			if got := r2.Reply != ""; got != tc.second {
				t.Errorf("second message reply %q, want reply=%v", r2.Reply, tc.second)
			}
			// Whatever was replied is on the case as an outbound message.
			c, err := db.GetCase(ctx, r1.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range c.Messages {
				if m.Direction == hotline.DirOut {
					out = append(out, m.Body)
				}
			}
			want := 0
			if tc.first {
				want++
			}
			if tc.second {
				want++
			}
			if len(out) != want {
				t.Errorf("outbound messages on the case %q, want %d", out, want)
			}
		})
	}
}

func TestDuplicateGetsNoSecondReply(t *testing.T) {
	ctx := context.Background()
	p, _ := newPipeline(t, intake.AckEvery)
	first, err := p.Receive(ctx, msg("SM1", "+85510000902", "help"))
	if err != nil || first.Reply == "" {
		t.Fatalf("first: %+v %v", first, err)
	}
	again, err := p.Receive(ctx, msg("SM1", "+85510000902", "help"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.Reply != "" || again.CaseRef != first.CaseRef {
		t.Errorf("retry: %+v; want duplicate of %s with no reply", again, first.CaseRef)
	}
}

func TestStopOptsOut(t *testing.T) {
	ctx := context.Background()
	p, db := newPipeline(t, intake.AckEvery)
	r, err := p.Receive(ctx, msg("SM1", "+85510000903", " Stop. "))
	if err != nil {
		t.Fatal(err)
	}
	if r.Reply != "en:stopped" {
		t.Errorf("STOP reply %q, want the opt-out confirmation", r.Reply)
	}
	r, err = p.Receive(ctx, msg("SM2", "+85510000903", "they took my passport"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Reply != "" || !r.DoNotContact {
		t.Errorf("after STOP: reply %q dnc %v; want silence", r.Reply, r.DoNotContact)
	}
	// Still stored and triaged: opting out of replies is not opting out of help.
	c, err := db.GetCase(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency != hotline.High {
		t.Errorf("case urgency %s, want high", c.Urgency)
	}
}

func TestIsStop(t *testing.T) {
	for body, want := range map[string]bool{
		"STOP": true, "stop": true, " Unsubscribe! ": true, "중지": true, "ឈប់": true,
		"stop beating him": false, "": false, "please stop them": false,
	} {
		if got := intake.IsStop(body); got != want {
			t.Errorf("IsStop(%q) = %v, want %v", body, got, want)
		}
	}
}

func TestReporterHintWins(t *testing.T) {
	in := msg("W1", "anon:1", "I am locked in")
	in.ReporterHint = hotline.ReporterFamily
	if got := intake.Classify(in).Reporter; got != hotline.ReporterFamily {
		t.Errorf("reporter %q, want the sender's own answer (family)", got)
	}
}

func TestReceiveRejectsIncompleteMessages(t *testing.T) {
	p, _ := newPipeline(t, intake.AckFirst)
	_, err := p.Receive(context.Background(), hotline.Inbound{Channel: hotline.SMS, From: "+85510000904", Body: "x"})
	if hotline.ErrorCode(err) != hotline.EINVALID || !strings.Contains(hotline.ErrorMessage(err), "external id") {
		t.Errorf("missing external id: %v, want EINVALID", err)
	}
}

func TestWebFormGetsNoRecordedReply(t *testing.T) {
	ctx := context.Background()
	p, db := newPipeline(t, intake.AckEvery)
	r, err := p.Receive(ctx, hotline.Inbound{Channel: hotline.Web, ExternalID: "nonce-1", From: "anon:nonce-1", Body: "my son is held in Bavet"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Reply != "" {
		t.Errorf("web submission reply %q; the confirmation page is the acknowledgement", r.Reply)
	}
	c, err := db.GetCase(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Messages {
		if m.Direction == hotline.DirOut {
			t.Errorf("an outbound message %q was recorded that nobody sent", m.Body)
		}
	}
}
