package intake_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"hotline"
	"hotline/intake"
	"hotline/locales"
	"hotline/store"
)

// twoCommitStore hides store.DB's RecordInboundGuided, so the pipeline
// takes the guide's separate read and step around RecordInbound.
type twoCommitStore struct{ hotline.IntakeStore }

type guideTurn struct {
	ch         hotline.Channel
	id, from   string
	body       string
	discreetOn bool // make the contact discreet before this message
}

// TestGuideOneCommitSameAsTwo runs the same conversations through the
// guide inside the message's unit of work and through the separate read
// and step: every reply and every recorded outbound message must match.
func TestGuideOneCommitSameAsTwo(t *testing.T) {
	script := []guideTurn{
		{ch: hotline.SMS, id: "SMa1", from: "+821000001234", body: "아들이 여권을 뺏겼어요. 도와주세요"},
		{ch: hotline.SMS, id: "SMa2", from: "+821000001234", body: "여기예요 https://maps.google.com/?q=10.6272,103.5225"},
		{ch: hotline.SMS, id: "SMa2", from: "+821000001234", body: "여기예요 https://maps.google.com/?q=10.6272,103.5225"},
		{ch: hotline.SMS, id: "SMa3", from: "+821000001234", body: "네"},
		{ch: hotline.SMS, id: "SMa4", from: "+821000001234", body: "세 명이에요"},
		{ch: hotline.SMS, id: "SMa5", from: "+821000001234", body: "아직 여기 있어요"},
		{ch: hotline.SMS, id: "SMb1", from: "+85510000303", body: "please help, they beat us in Bavet"},
		{ch: hotline.SMS, id: "SMb2", from: "+85510000303", body: "no"},
		{ch: hotline.SMS, id: "SMb3", from: "+85510000303", body: "there are 4 of us"},
		{ch: hotline.SMS, id: "SMc1", from: "+85510000304", body: "help me please"},
		{ch: hotline.SMS, id: "SMc2", from: "+85510000304", body: "STOP"},
		{ch: hotline.SMS, id: "SMc3", from: "+85510000304", body: "I am in Poipet"},
		{ch: hotline.WhatsApp, id: "WAd1", from: "+85510000305", body: "ជួយខ្ញុំផង ខ្ញុំនៅបាវិត"},
		{ch: hotline.WhatsApp, id: "WAd2", from: "+85510000305", body: "កុំឆ្លើយតប"},
		{ch: hotline.Telegram, id: "1", from: "700301", body: "hello"},
		{ch: hotline.Telegram, id: "2", from: "700301", body: "I need help again", discreetOn: true},
		{ch: hotline.Telegram, id: "3", from: "700302", body: "help, Poipet"},
		{ch: hotline.Telegram, id: "4", from: "700302", body: "yes"},
		{ch: hotline.Telegram, id: "5", from: "700302", body: "we are 12 people"},
		{ch: hotline.Web, id: "form-1", from: "web:abc", body: "my son is missing"},
	}
	run := func(twoCommits bool) (replies []string, out []string) {
		db, err := store.Open(filepath.Join(t.TempDir(), "hotline.db"), store.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s hotline.IntakeStore = db
		if twoCommits {
			s = twoCommitStore{db}
		}
		p := intake.New(s, intake.Options{Ack: intake.AckEvery, Texts: texts{}, Guide: intake.NewGuide(db, locales.GuideTexts{})})
		ctx := context.Background()
		cases := map[int64]bool{}
		var order []int64
		var refs []string
		for _, m := range script {
			if m.discreetOn {
				if err := db.SetDiscreet(ctx, m.ch, m.from, true); err != nil {
					t.Fatal(err)
				}
			}
			r, err := p.Receive(ctx, hotline.Inbound{Channel: m.ch, ExternalID: m.id, From: m.from, Body: m.body})
			if err != nil {
				t.Fatal(err)
			}
			// References are random: compare them by position.
			if r.CaseRef != "" {
				refs = append(refs, r.CaseRef)
			}
			replies = append(replies, r.Reply)
			if !cases[r.CaseID] {
				cases[r.CaseID] = true
				order = append(order, r.CaseID)
			}
		}
		for _, id := range order {
			for _, m := range outbound(t, db, id) {
				out = append(out, m.Body+"|"+m.Status)
			}
		}
		for i, ref := range refs {
			tag := fmt.Sprintf("<ref%d>", i)
			for j := range replies {
				replies[j] = strings.ReplaceAll(replies[j], ref, tag)
			}
			for j := range out {
				out[j] = strings.ReplaceAll(out[j], ref, tag)
			}
		}
		return replies, out
	}
	oneR, oneOut := run(false)
	twoR, twoOut := run(true)
	for i := range script {
		if oneR[i] != twoR[i] {
			t.Errorf("message %d (%s %s): one commit replied %q, two commits %q", i, script[i].ch, script[i].id, oneR[i], twoR[i])
		}
	}
	if len(oneOut) != len(twoOut) {
		t.Fatalf("outbound: one commit %q, two commits %q", oneOut, twoOut)
	}
	for i := range oneOut {
		if oneOut[i] != twoOut[i] {
			t.Errorf("outbound %d: one commit %q, two commits %q", i, oneOut[i], twoOut[i])
		}
	}
	asked := 0
	for _, r := range oneR {
		if r != "" {
			asked++
		}
	}
	if asked < 5 {
		t.Fatalf("only %d replies in the script; it no longer exercises the guide: %q", asked, oneR)
	}
}

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
