package store

import (
	"context"
	"regexp"
	"sync"
	"testing"

	"hotline"
)

var refPattern = regexp.MustCompile(`^[23456789ACDEFGHJKMNPQRTUVWXY]{3}-[23456789ACDEFGHJKMNPQRTUVWXY]{3}$`)

func TestRecordInboundCreatesContactCaseMessage(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	in := inbound(hotline.SMS, "+85510000123", "SM0001", "help they took my passport")
	in.Name = "Test Sender"
	in.Lat, in.Lon = ptr(10.6), ptr(103.5)
	in.Media = []hotline.Media{{URL: "https://example.test/m/1", ContentType: "image/jpeg"}}
	tr := hotline.Triage{Lang: "en", Urgency: hotline.High, Reporter: hotline.ReporterSelf,
		Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk"},
		Reasons:  []hotline.Reason{{Signal: "confinement", Match: "took my passport", Urgency: hotline.High}}}
	var acked hotline.Receipt
	r, err := db.RecordInbound(ctx, in, tr, func(r hotline.Receipt) string {
		acked = r
		return "Received. Ref " + r.CaseRef
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Duplicate || r.CaseID == 0 || r.MessageID == 0 || r.Lang != "en" || !refPattern.MatchString(r.CaseRef) {
		t.Fatalf("receipt %+v", r)
	}
	if acked != r {
		t.Errorf("ack saw %+v, receipt is %+v", acked, r)
	}
	c, err := db.GetCase(ctx, r.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ref != r.CaseRef || c.Status != hotline.StatusNew || c.Urgency != hotline.High || c.Lang != "en" ||
		c.Reporter != hotline.ReporterSelf || c.Location.Province != "Preah Sihanouk" || c.Channel != hotline.SMS ||
		c.Contact != "+85510000123" || len(c.Reasons) != 1 {
		t.Errorf("case %+v", c)
	}
	if len(c.Messages) != 2 {
		t.Fatalf("messages %+v, want inbound and ack", c.Messages)
	}
	m, a := c.Messages[0], c.Messages[1]
	if m.ID != r.MessageID || m.Direction != hotline.DirIn || m.ExternalID != "SM0001" || m.Body != in.Body ||
		len(m.Media) != 1 || m.Media[0] != in.Media[0] || m.Lat == nil || *m.Lat != 10.6 || m.Triage == nil ||
		m.Triage.Urgency != hotline.High {
		t.Errorf("inbound message %+v", m)
	}
	if a.Direction != hotline.DirOut || a.Body != "Received. Ref "+r.CaseRef || a.Status != "replied_inline" || a.ExternalID != "" {
		t.Errorf("ack message %+v", a)
	}
	var name string
	if err := db.rdb.QueryRow(`SELECT name FROM contacts`).Scan(db.sl.into(colContactName, &name)); err != nil || name != "Test Sender" {
		t.Errorf("contact name %q, %v", name, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE case_id = ? AND action IN ('case.created', 'message.received')`, r.CaseID); n != 2 {
		t.Errorf("%d audit events", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE detail LIKE '%passport%' OR detail LIKE '%10000123%'`); n != 0 {
		t.Errorf("audit detail leaks body or number")
	}
}

func TestSecondMessageJoinsCaseAndMergesTriage(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	r1 := record(t, db, inbound(hotline.SMS, "+85510000123", "SM1", "hello"),
		hotline.Triage{Lang: "km", Urgency: hotline.Medium, Reporter: hotline.ReporterUnknown,
			Location: hotline.Location{Country: "KH"},
			Reasons:  []hotline.Reason{{Signal: "deception", Match: "job offer", Urgency: hotline.Medium}}})
	c1, _ := db.GetCase(ctx, r1.CaseID)
	r2 := record(t, db, inbound(hotline.SMS, "+85510000123", "SM2", "they beat us"),
		hotline.Triage{Lang: "km", Urgency: hotline.Critical, Reporter: hotline.ReporterSelf,
			Location: hotline.Location{Country: "KH", Province: "Preah Sihanouk", Place: "Sihanoukville"},
			Reasons:  []hotline.Reason{{Signal: "violence", Match: "beat", Urgency: hotline.Critical}},
			Entities: []hotline.Entity{{Kind: "compound", Value: "Golden Fortune"}}})
	if r2.CaseID != r1.CaseID || r2.CaseRef != r1.CaseRef || r2.MessageID == r1.MessageID {
		t.Fatalf("second message %+v did not join case %+v", r2, r1)
	}
	// A third, vaguer message must not lower urgency or location precision.
	r3 := record(t, db, inbound(hotline.SMS, "+85510000123", "SM3", "ok"),
		hotline.Triage{Lang: "en", Urgency: hotline.Low, Location: hotline.Location{Country: "KH"}})
	c, err := db.GetCase(ctx, r3.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency != hotline.Critical || c.Location.Place != "Sihanoukville" || c.Lang != "km" ||
		c.Reporter != hotline.ReporterSelf || len(c.Reasons) != 2 || len(c.Entities) != 1 || len(c.Messages) != 3 {
		t.Errorf("merged case %+v", c)
	}
	if !c.LastInboundAt.After(c1.LastInboundAt) || !c.UpdatedAt.After(c1.UpdatedAt) || !c.CreatedAt.Equal(c1.CreatedAt) {
		t.Errorf("times not advanced: before %+v after %+v", c1, c)
	}
	if n := count(t, db, `SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE action = 'case.triage_changed'`); n != 1 {
		t.Errorf("%d triage_changed events, want 1 (medium → critical)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE triage IS NOT NULL`); n != 3 {
		t.Errorf("%d triage results", n)
	}
	// Same number on another channel is another contact and another case.
	r4 := record(t, db, inbound(hotline.WhatsApp, "whatsapp:+85510000123", "WA1", "hi"), hotline.Triage{})
	if r4.CaseID == r1.CaseID {
		t.Error("a WhatsApp message joined the SMS case")
	}
}

func TestOverriddenUrgencyIsKept(t *testing.T) {
	db, _ := openTest(t, testOptions())
	r := record(t, db, inbound(hotline.SMS, "+85510000123", "SM1", "x"), hotline.Triage{Urgency: hotline.Low})
	if _, err := writeExec(db, `UPDATE cases SET urgency = 2, urgency_overridden = 1 WHERE id = ?`, r.CaseID); err != nil {
		t.Fatal(err)
	}
	record(t, db, inbound(hotline.SMS, "+85510000123", "SM2", "x"), hotline.Triage{Urgency: hotline.Critical})
	c, _ := db.GetCase(context.Background(), r.CaseID)
	if c.Urgency != hotline.Medium {
		t.Errorf("urgency %v, want the staff override medium", c.Urgency)
	}
}

func TestClosedCaseStartsNewCase(t *testing.T) {
	db, _ := openTest(t, testOptions())
	r1 := record(t, db, inbound(hotline.Telegram, "700000123", "u1", "x"), hotline.Triage{Lang: "ko"})
	if _, err := writeExec(db, `UPDATE cases SET status = 'resolved' WHERE id = ?`, r1.CaseID); err != nil {
		t.Fatal(err)
	}
	r2 := record(t, db, inbound(hotline.Telegram, "700000123", "u2", "x"), hotline.Triage{Lang: "en"})
	if r2.CaseID == r1.CaseID || r2.CaseRef == r1.CaseRef || r2.Lang != "en" {
		t.Errorf("after resolve: %+v then %+v", r1, r2)
	}
}

func TestDuplicateSequential(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	in := inbound(hotline.SMS, "+85510000123", "SM-dup", "x")
	acks := 0
	ack := func(hotline.Receipt) string { acks++; return "ok" }
	r1, err := db.RecordInbound(ctx, in, hotline.Triage{Lang: "km", Urgency: hotline.Low}, ack)
	if err != nil {
		t.Fatal(err)
	}
	before := db.Stats()
	r2, err := db.RecordInbound(ctx, in, hotline.Triage{Lang: "en", Urgency: hotline.Critical}, ack)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Duplicate || r2.CaseID != r1.CaseID || r2.CaseRef != r1.CaseRef || r2.MessageID != r1.MessageID || r2.Lang != "km" {
		t.Errorf("duplicate receipt %+v for %+v", r2, r1)
	}
	if db.Stats() != before {
		t.Error("a duplicate cost a write")
	}
	c, _ := db.GetCase(ctx, r1.CaseID)
	if len(c.Messages) != 2 || acks != 1 || c.Urgency != hotline.Low {
		t.Errorf("duplicate changed the case: %d messages, %d acks, urgency %v", len(c.Messages), acks, c.Urgency)
	}
}

func TestDuplicateInOneBatch(t *testing.T) {
	db, _ := openTest(t, testOptions())
	release := holdWriter(t, db)
	in := inbound(hotline.SMS, "+85510000123", "SM-race", "x")
	rs := make([]hotline.Receipt, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs[i], errs[i] = db.RecordInbound(context.Background(), in, hotline.Triage{}, nil)
		}()
	}
	waitQueued(t, db, 2)
	release()
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if rs[0].Duplicate == rs[1].Duplicate || rs[0].MessageID != rs[1].MessageID || rs[0].CaseID != rs[1].CaseID {
		t.Errorf("receipts %+v", rs)
	}
	if n := count(t, db, `SELECT count(*) FROM messages`); n != 1 {
		t.Errorf("%d messages", n)
	}
}

func TestDoNotContactGetsNoAck(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	if err := db.SetDoNotContact(ctx, hotline.SMS, "+85510000123", true); err != nil {
		t.Fatal(err)
	}
	called := false
	r, err := db.RecordInbound(ctx, inbound(hotline.SMS, "+85510000123", "SM1", "x"), hotline.Triage{},
		func(hotline.Receipt) string { called = true; return "ok" })
	if err != nil {
		t.Fatal(err)
	}
	c, _ := db.GetCase(ctx, r.CaseID)
	if called || len(c.Messages) != 1 {
		t.Errorf("ack called=%v, %d messages", called, len(c.Messages))
	}
	if err := db.SetDoNotContact(ctx, hotline.SMS, "+85510000123", false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM contacts WHERE do_not_contact = 0`); n != 1 {
		t.Errorf("do_not_contact not cleared")
	}
}

func TestSafeToContactAndName(t *testing.T) {
	db, _ := openTest(t, testOptions())
	in := inbound(hotline.Web, "+821000001234", "form-1", "x")
	in.Name, in.SafeToContact = "Family Member", ptr(false)
	record(t, db, in, hotline.Triage{})
	in.ExternalID, in.Name, in.SafeToContact = "form-2", "Other Name", nil
	record(t, db, in, hotline.Triage{})
	var name string
	var safe *bool
	if err := db.rdb.QueryRow(`SELECT name, safe_to_contact FROM contacts`).Scan(db.sl.into(colContactName, &name), &safe); err != nil {
		t.Fatal(err)
	}
	if name != "Family Member" || safe == nil || *safe {
		t.Errorf("name %q safe %v", name, safe)
	}
}

func TestRecordDeliveryStatus(t *testing.T) {
	db, _ := openTest(t, testOptions())
	ctx := context.Background()
	r := record(t, db, inbound(hotline.SMS, "+85510000123", "SM1", "x"), hotline.Triage{})
	if _, err := writeExec(db, `INSERT INTO messages (case_id, contact_id, direction, channel, external_id, body, status, created_at)
		SELECT case_id, contact_id, 'out', 'sms', 'SMout1', 'reply', 'sent', 0 FROM messages WHERE id = ?`, r.MessageID); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordDeliveryStatus(ctx, hotline.SMS, "SMout1", "undelivered", "30005"); err != nil {
		t.Fatal(err)
	}
	var status, code string
	db.rdb.QueryRow(`SELECT status, error_code FROM messages WHERE external_id = 'SMout1'`).Scan(&status, &code)
	if status != "undelivered" || code != "30005" {
		t.Errorf("status %q code %q", status, code)
	}
	if err := db.RecordDeliveryStatus(ctx, hotline.SMS, "SMnope", "sent", ""); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
	// An inbound message with the same provider id is not an outbound one.
	if err := db.RecordDeliveryStatus(ctx, hotline.SMS, "SM1", "sent", ""); hotline.ErrorCode(err) != hotline.ENOTFOUND {
		t.Errorf("inbound id: %v", err)
	}
}

func TestRefCollisionRetried(t *testing.T) {
	db, _ := openTest(t, testOptions())
	orig := newRef
	t.Cleanup(func() { newRef = orig })
	seq := []string{"AAA-AAA", "AAA-AAA", "AAA-AAA", "CCC-CCC"}
	newRef = func() (string, error) { r := seq[0]; seq = seq[1:]; return r, nil }
	r1 := record(t, db, inbound(hotline.SMS, "+85510000001", "a", "x"), hotline.Triage{})
	r2 := record(t, db, inbound(hotline.SMS, "+85510000002", "b", "x"), hotline.Triage{})
	if r1.CaseRef != "AAA-AAA" || r2.CaseRef != "CCC-CCC" {
		t.Errorf("refs %q %q", r1.CaseRef, r2.CaseRef)
	}
}

func TestRefsAreRandomAndReadable(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		r, err := newRef()
		if err != nil {
			t.Fatal(err)
		}
		if !refPattern.MatchString(r) {
			t.Fatalf("ref %q", r)
		}
		seen[r] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct refs in 2000", len(seen))
	}
}

func TestInvalidInbound(t *testing.T) {
	db, _ := openTest(t, testOptions())
	_, err := db.RecordInbound(context.Background(), hotline.Inbound{Channel: hotline.SMS}, hotline.Triage{}, nil)
	if hotline.ErrorCode(err) != hotline.EINVALID {
		t.Errorf("err %v", err)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	db, path := openTest(t, testOptions())
	r := record(t, db, inbound(hotline.SMS, "+85510000123", "SM1", "x"), hotline.Triage{Urgency: hotline.High})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	c, err := db2.GetCase(context.Background(), r.CaseID)
	if err != nil || c.Ref != r.CaseRef || c.Urgency != hotline.High || len(c.Messages) != 1 {
		t.Fatalf("after reopen: %+v %v", c, err)
	}
	r2, err := db2.RecordInbound(context.Background(), inbound(hotline.SMS, "+85510000123", "SM1", "x"), hotline.Triage{}, nil)
	if err != nil || !r2.Duplicate {
		t.Errorf("retry after reopen: %+v %v", r2, err)
	}
}
