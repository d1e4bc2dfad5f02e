package dispatch

import (
	"context"
	"testing"

	"hotline"
	"hotline/store"
)

// The do-not-contact check at send time honours an override a staff member
// gave for exactly that rule, and only that: a window override does not
// outlive a later STOP.
func TestDoNotContactOverrideAtSendTime(t *testing.T) {
	tests := []struct {
		name string
		// stopBefore marks the contact do-not-contact before the reply is
		// queued (so the override is for that rule); otherwise STOP comes
		// after a reply queued with an override for another rule.
		stopBefore bool
		override   bool
		wantSent   int
		wantStatus string
	}{
		{"override of do-not-contact is sent", true, true, 1, store.OutboxSent},
		{"STOP after a window override still stops", false, true, 0, store.OutboxDoNotContact},
		{"STOP after a plain reply stops", false, false, 0, store.OutboxDoNotContact},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			ctx := context.Background()
			from := "+8551000013" + string(rune('0'+i))
			r := inbound(t, db, "SMovr"+string(rune('a'+i)), from, "km", hotline.High)
			if tt.stopBefore {
				if err := db.SetDoNotContact(ctx, hotline.SMS, from, true); err != nil {
					t.Fatal(err)
				}
			}
			req := hotline.ReplyRequest{CaseID: r.CaseID, Body: "ok", Override: tt.override}
			if tt.override {
				req.OverrideReason = "embassy confirmed the phone is safe now"
			}
			if _, err := db.QueueReply(ctx, agent, req); err != nil {
				t.Fatal(err)
			}
			if !tt.stopBefore {
				if err := db.SetDoNotContact(ctx, hotline.SMS, from, true); err != nil {
					t.Fatal(err)
				}
			}
			fs := &fakeSender{}
			d := New(db, fastConfig(map[hotline.Channel]hotline.Sender{hotline.SMS: fs}))
			for range 3 {
				if err := d.Round(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(fs.sent()); got != tt.wantSent || fs.calls != tt.wantSent {
				t.Fatalf("provider got %d (calls %d), want %d", got, fs.calls, tt.wantSent)
			}
			var reply []store.OutboxEntry
			for _, e := range outboxOf(t, db, r.CaseID) {
				if e.Kind == hotline.OutboundReply {
					reply = append(reply, e)
				}
			}
			if len(reply) != 1 || reply[0].Status != tt.wantStatus {
				t.Fatalf("reply rows %+v, want one %s", reply, tt.wantStatus)
			}
		})
	}
}

// *store.DB must keep satisfying what the dispatcher asks of storage.
var _ Store = (*store.DB)(nil)
