package store

import (
	"context"
	"regexp"
	"testing"

	"hotline"
)

var refPattern = regexp.MustCompile(`^[23456789ACDEFGHJKMNPQRTUVWXY]{3}-[23456789ACDEFGHJKMNPQRTUVWXY]{3}$`)

func TestRecordInboundCreatesContactCaseMessage(t *testing.T) {
	db, _ := openTest(t, DefaultOptions())
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
	if n := count(t, db, `SELECT count(*) FROM contacts WHERE name = 'Test Sender'`); n != 1 {
		t.Errorf("%d contacts", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE case_id = ? AND action IN ('case.created', 'message.received')`, r.CaseID); n != 2 {
		t.Errorf("%d audit events", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE detail LIKE '%passport%' OR detail LIKE '%10000123%'`); n != 0 {
		t.Errorf("audit detail leaks body or number")
	}
}
